# Key-use ceremonies that must stop: each bad share or input below is refused with a clear
# message, the ceremony aborts, its transcript verifies as aborted, and nothing is signed.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
keygen
issuing_ca "$T/ca"
script=$T/smki-issuing-ca.yaml
answers=$SRCDIR/scripts/smki-issuing-ca.answers
M=$T/m

# refused NAME PATTERN: runs the Issuing CA ceremony on $M with answers $T/a, which must stop
# with PATTERN; the CSR is the one the first run signed.
refused() {
	expect "${3:-1}" ceremony run "$script" --media "$M" --answers "$T/a" --rehearsal
	aborted "$M/public" "$2"
	[ ! -e "$M/public/issuing.pem" ] || fail "$1: a certificate was written"
}
fresh() {
	media "$M"
	cp "$T/ca/inbox/issuing-csr.pem" "$M/inbox/"
	cp "$answers" "$T/a"
}

# A wrong passphrase.
fresh
answer "$T/a" collect.root.2.passphrase "erin remembers it wrongly"
refused passphrase "does not open: wrong passphrase, or the file was altered"

# A mis-typed word on a card (one word replaced): the checksum catches it.
fresh
typed "$T/a" 2 root "$KEYGEN"/erin/root-*.share "erin rehearsal passphrase for root share 3"
answer "$T/a" collect.root.2.words \
	"$(echo "$WORDS" | awk '{ $5 = ($5 == "academic" ? "acid" : "academic"); print }')"
refused mistyped "the words do not check"

# The same custodian twice, and another custodian's card typed by Erin.
fresh
answer "$T/a" collect.root.2.custodian carol
answer "$T/a" collect.root.2.passphrase "carol rehearsal passphrase for root share 1"
refused duplicate "Carol Castleton has given a share of 'root' already"
fresh
typed "$T/a" 2 root "$KEYGEN"/carol/root-*.share "carol rehearsal passphrase for root share 1"
refused "not hers" "this is not Erin Elsworth's share"

# Shares of another share set: another key generation's Root, on a medium and as words.
other=$T/other
for d in public backup $custodians; do mkdir -p "$other/$d"; done
expect 0 ceremony run "$SRCDIR/scripts/smki-keygen.yaml" --media "$other" \
	--answers "$SRCDIR/scripts/smki-keygen.answers" --rehearsal
fresh
rm -rf "$M/erin" && cp -r "$other/erin" "$M/erin"
refused "other set (medium)" "this share is of another key than the 'root' on record"
fresh
typed "$T/a" 2 root "$other"/erin/root-*.share "erin rehearsal passphrase for root share 3"
refused "other set (words)" "this share is of another share set"

# Rehearsal shares and transcript in a production ceremony: refused before any share is asked,
# as the go-no-go reads the key generation's transcript, before its checks.
fresh
expect 1 ceremony run "$script" --media "$M" --answers "$T/a"
aborted "$M/public" "ceremony smki-keygen-2025 was a rehearsal: its keys are not used in production"

# A forged CSR: its signature does not verify.
fresh
openssl req -in "$M/inbox/issuing-csr.pem" -outform DER -out "$T/csr.der"
len=$(wc -c <"$T/csr.der")
printf '\001' | dd of="$T/csr.der" bs=1 seek=$((len - 5)) conv=notrunc 2>/dev/null
cmp -s "$T/csr.der" <(openssl req -in "$M/inbox/issuing-csr.pem" -outform DER) &&
	printf '\002' | dd of="$T/csr.der" bs=1 seek=$((len - 5)) conv=notrunc 2>/dev/null
cp "$T/csr.der" "$M/inbox/issuing-csr.pem"
refused "forged CSR" "input issuing-csr breaks the smki-issuing-csr profile: csr.signature"

# A CSR for a P-384 key: not an SMKI key.
fresh
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout /dev/null \
	-subj "/OU=07/CN=Z1" -out "$M/inbox/issuing-csr.pem" 2>/dev/null
refused "P-384 CSR" "breaks the smki-issuing-csr profile"

# The CSR's fingerprint not confirmed by the person reading it.
fresh
answer "$T/a" input.issuing-csr.fingerprint no
refused "not confirmed" "the fingerprint of issuing-csr was not confirmed" 2

# Another transcript than the script approves, and an altered one.
fresh
cp "$other/public/transcript.jsonl" "$M/inbox/keygen-transcript.jsonl"
refused "other transcript" "does not have the final digest the script approves"
fresh
sed '5s/"present":true/"present":false/' "$KEYGEN/public/transcript.jsonl" \
	>"$M/inbox/keygen-transcript.jsonl"
refused "altered transcript" "the transcript in keygen does not verify: chain"

# A custodian absent at the attendance cannot give a share.
fresh
answer "$T/a" attendance.frank no
answer "$T/a" collect.root.3.custodian frank
refused absent "Frank Fairbairn was not present at the attendance"

# The Recovery certificate of another key (the other key generation's Recovery key, same
# subject and entity identifier) is not imported.
media "$M"
cp "$T/ca/public/issuing.pem" "$M/inbox/issuing.pem"
recovery_cert "$other/public/recovery-csr.pem" "$M/inbox/recovery.pem"
approve "$SRCDIR/scripts/smki-crl-recovery.yaml" "$T/crl.yaml"
expect 1 ceremony run "$T/crl.yaml" --media "$M" --answers \
	"$SRCDIR/scripts/smki-crl-recovery.answers" --rehearsal
grep -q "ABORT: the certificate in input recovery-cert is not for key 'recovery'" "$T/out" ||
	fail "mismatched Recovery certificate not refused"
expect 0 ceremony transcript verify "$M/public/transcript.jsonl"
grep -q "outcome *aborted" "$T/out" || fail "not aborted"
