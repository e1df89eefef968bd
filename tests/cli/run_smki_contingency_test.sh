# The contingency test, "SMKI 53" (scripts/smki-contingency-test.yaml), on the outputs of the key
# generation example: from the custodians' media as the answers file says, then again with one
# custodian typing the words of their card (first four letters of each word) and another showing
# their share's QR code (an image on the input medium). The Contingency public key is never
# published.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
need qrencode
keygen

M=$T/m
example smki-contingency-test "$M"
grep -q "CONTINGENCY TEST PASSED" "$T/run.out" || fail "no test result"
script=$T/smki-contingency-test.yaml
tr=$M/public/transcript.jsonl
grep -q '"event":"contingency-tested"' "$tr" || fail "the test is not recorded"
root_der=$(openssl x509 -in "$KEYGEN/public/root.pem" -outform DER | sha256sum | cut -c1-64)
grep '"event":"contingency-tested"' "$tr" | grep -q "\"cert_sha256\":\"$root_der\"" ||
	fail "the record does not name the Root certificate"
# Nothing of the Contingency key is published: no record gives its SPKI, no file but the
# transcript is on the public medium.
if grep '"key":"contingency"' "$tr" | grep -q '"spki":'; then fail "contingency SPKI published"; fi
[ "$(ls "$M/public")" = "$(printf 'SHA256SUMS\ntranscript.jsonl')" ] ||
	fail "public medium: $(ls "$M/public")"
for k in contingency contingency-symmetric; do
	grep -q "\"event\":\"key-wiped\",\"data\":{\"key\":\"$k\"}" "$tr" || fail "$k not wiped"
done

# Again, with the words of Dave's card typed (four letters a word) and Frank's share as a QR code.
M=$T/m2
media "$M"
a=$T/words.answers
cp "$SRCDIR/scripts/smki-contingency-test.answers" "$a"
typed "$a" 2 contingency "$KEYGEN"/dave/contingency-*.share \
	"dave rehearsal passphrase for contingency share 2"
words=$WORDS
answer "$a" collect.contingency.2.words "$(echo "$words" | awk '{ for (i = 1; i <= NF; i++)
	printf "%s%s", (i > 1 ? " " : ""), toupper(substr($i, 1, 4)) }')"
share_words "$(echo "$KEYGEN"/frank/contingency-symmetric-*.share)" \
	"frank rehearsal passphrase for contingency-symmetric share 1"
frank=$WORDS
printf '%s' "$frank" | tr a-z A-Z | qrencode -o "$M/inbox/contingency-symmetric-frank.png"
answer "$a" collect.contingency-symmetric.1.source qr
answer "$a" collect.contingency-symmetric.1.qr inbox
expect 0 ceremony run "$script" --media "$M" --answers "$a" --rehearsal
grep -q "CONTINGENCY TEST PASSED" "$T/out" || fail "no test result with words and QR"
grep -q '"source":"words"' "$M/public/transcript.jsonl" || fail "words not recorded"
grep -q '"source":"qr"' "$M/public/transcript.jsonl" || fail "QR not recorded"
if grep -q "$(echo "$words" | cut -d' ' -f1-4)" "$T/out" "$M/public/transcript.jsonl"; then
	fail "share words reached the output"
fi
verified "$M/public"
