# SMKI Issuing CA signing (scripts/smki-issuing-ca.yaml) on the outputs of the key generation
# example: the Root rebuilt from three custodians' shares, the CSR (made here by openssl) signed,
# and the certificate checked by openssl and the transcript by both verifiers.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
keygen

issuing_ca "$T/m"
M=$T/m
grep -q "Ceremony smki-issuing-ca-2025 closed" "$T/out" || fail "not closed"
verified "$M/public"
pub=$M/public
openssl verify -x509_strict -CAfile "$KEYGEN/public/root.pem" "$pub/issuing.pem" >/dev/null ||
	fail "the Issuing CA does not chain to the Root"
openssl x509 -in "$pub/issuing.pem" -noout -text >"$T/issuing.txt"
grep -q "Subject: OU = 07, CN = REHEARSAL Z1" "$T/issuing.txt" || fail "issuing subject"
grep -q "CA:TRUE, pathlen:0" "$T/issuing.txt" || fail "basic constraints"
grep -q "Certificate Policies: critical" "$T/issuing.txt" || fail "policies"
[ "$(openssl x509 -in "$pub/issuing.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
	sha256sum)" = "$(openssl pkey -in "$ISSUING_KEY" -pubout -outform DER | sha256sum)" ] ||
	fail "the certificate is not for the CSR's key"
grep -q "\"predecessor\":\"$KEYGEN_DIGEST\"" "$pub/transcript.jsonl" ||
	fail "the transcript does not name the key generation"
