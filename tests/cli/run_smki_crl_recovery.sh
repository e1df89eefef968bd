# SMKI CRL signing and Recovery certificate import (scripts/smki-crl-recovery.yaml) on the outputs
# of the key generation example and of the Issuing CA ceremony: the Recovery certificate is
# issued here by openssl, from the key generation's Recovery CSR, with the Issuing CA's key.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
keygen
issuing_ca "$T/ca"

M=$T/m
media "$M"
cp "$T/ca/public/issuing.pem" "$M/inbox/issuing.pem"
recovery_cert "$KEYGEN/public/recovery-csr.pem" "$M/inbox/recovery.pem"
run_example smki-crl-recovery "$M"
grep -q "the certificate is for 'recovery' and chains to its Root" "$T/run.out" ||
	fail "the import did not check the chain"
pub=$M/public

# openssl: the CRL verifies under the Root and lists both serials with their reasons.
expect 0 openssl crl -in "$pub/root.crl" -CAfile "$KEYGEN/public/root.pem" -noout -text
grep -q "verify OK" "$T/err" || fail "the CRL does not verify under the Root"
grep -q "Version 2" "$T/out" || fail "CRL version"
grep -q "52E1B0C4D9F3A6077B1C2D3E4F506172" "$T/out" || fail "revoked serial"
grep -q "CA Compromise" "$T/out" || fail "reason"
grep -q "Cessation Of Operation" "$T/out" || fail "reason 2"
grep -q "X509v3 CRL Number" "$T/out" || fail "no CRL number"
grep -q "X509v3 Authority Key Identifier" "$T/out" || fail "no AKI"
grep -q '"event":"key-wiped","data":{"key":"recovery"}' "$pub/transcript.jsonl" ||
	fail "the Recovery key is not recorded as wiped"

# Both rebuilt keys are the key generation's.
for k in root recovery; do
	want=$(grep '"event":"key-generated"' "$KEYGEN/public/transcript.jsonl" |
		grep "\"key\":\"$k\"" | sed 's/.*"spki_sha256":"\([0-9a-f]*\)".*/\1/')
	grep '"event":"key-reconstructed"' "$pub/transcript.jsonl" | grep "\"key\":\"$k\"" |
		grep -q "\"spki_sha256\":\"$want\"" || fail "$k is not the generated key"
done
