# SMKI Issuing CA signing (scripts/smki-issuing-ca.yaml) on the outputs of the key generation
# example: the Root rebuilt from three custodians' shares, the CSR (made here by openssl) signed,
# and the certificate checked by openssl and the transcript by both verifiers.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
keygen

issuing_ca "$T/m"
M=$T/m
pub=$M/public
openssl verify -x509_strict -CAfile "$KEYGEN/public/root.pem" "$pub/issuing.pem" >/dev/null ||
	fail "the Issuing CA does not chain to the Root"
openssl x509 -in "$pub/issuing.pem" -noout -text >"$T/issuing.txt"
grep -q "Subject: OU = 07, CN = REHEARSAL Z1" "$T/issuing.txt" || fail "issuing subject"
grep -q "CA:TRUE, pathlen:0" "$T/issuing.txt" || fail "basic constraints"
grep -q "Certificate Policies: critical" "$T/issuing.txt" || fail "policies"
same_key "$pub/issuing.pem" "$ISSUING_KEY"
grep -q "\"predecessor\":\"$KEYGEN_DIGEST\"" "$pub/transcript.jsonl" ||
	fail "the transcript does not name the key generation"

# Again with everything by QR: the CSR as one code, the key generation's transcript as a
# multi-part UR (PNG frames, as `ceremony qr encode --ur` writes them), both from images on the
# input medium; the transcript input has no file, only `source: qr`.
need qrencode
M=$T/qr
media "$M"
rm "$M/inbox/keygen-transcript.jsonl"
qrencode -o "$M/inbox/issuing-csr.png" <"$T/m/inbox/issuing-csr.pem"
mkdir "$T/frames"
ceremony qr encode --ur --frames "$T/frames" --fragment-size 1500 \
	<"$KEYGEN/public/transcript.jsonl" >/dev/null 2>&1 || fail "no UR frames"
for f in "$T"/frames/frame-*.png; do
	n=${f##*frame-}
	cp "$f" "$M/inbox/keygen-$n"
done
sed '/^    medium: inbox$/d; /^    file: keygen-transcript.jsonl$/d;
     s/^\(    ceremony: smki-keygen-2025\)$/\1\n    source: qr/' "$T/smki-issuing-ca.yaml" \
	>"$T/qr.yaml"
grep -q "source: qr" "$T/qr.yaml" || fail "the script was not changed"
cp "$SRCDIR/scripts/smki-issuing-ca.answers" "$T/qr.answers"
answer "$T/qr.answers" input.keygen.qr inbox
answer "$T/qr.answers" input.issuing-csr.source qr
answer "$T/qr.answers" input.issuing-csr.qr inbox
expect 0 ceremony run "$T/qr.yaml" --media "$M" --answers "$T/qr.answers" --rehearsal
grep -q "transcript of smki-keygen-2025 verified" "$T/out" || fail "transcript not read by QR"
verified "$M/public"
grep '"kind":"transcript"' "$M/public/transcript.jsonl" | grep -q '"source":"qr"' ||
	fail "the transcript's QR source is not recorded"
grep '"kind":"csr"' "$M/public/transcript.jsonl" | grep -q '"source":"qr"' ||
	fail "the CSR's QR source is not recorded"
openssl verify -x509_strict -CAfile "$KEYGEN/public/root.pem" "$M/public/issuing.pem" \
	>/dev/null || fail "the Issuing CA from the QR run does not chain"
