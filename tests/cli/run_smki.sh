# The SMKI key-generation example, end to end from its answers file in rehearsal mode, then every
# output checked: the transcript by our verifier (with the artifacts), the certificate and CSR by
# openssl, every medium's SHA256SUMS by sha256sum.
. "$SRCDIR/tests/cli/lib.sh"
need openssl sha256sum

script=$SRCDIR/scripts/smki-keygen.yaml
answers=$SRCDIR/scripts/smki-keygen.answers
M=$T/media
for d in public backup carol dave erin frank grace heidi; do mkdir -p "$M/$d"; done

expect 0 ceremony run "$script" --media "$M" --answers "$answers" --rehearsal
grep -q "Ceremony smki-keygen-2025 closed" "$T/out" || fail "no closing line"
grep -q "FINAL DIGEST" "$T/out" || fail "no final digest shown"

pub=$M/public
for f in root.pem recovery-csr.pem transcript.jsonl SHA256SUMS; do
	[ -f "$pub/$f" ] || fail "public medium lacks $f"
done
for d in "$M"/*; do
	(cd "$d" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS of $d"
	if ls "$d"/.*.tmp >/dev/null 2>&1; then fail "temporary file left on $d"; fi
done
# Each custodian medium holds exactly the shares its holder was given.
[ "$(ls "$M"/carol/*.share | wc -l)" = 2 ] || fail "carol holds root and contingency shares"
[ "$(ls "$M"/heidi/*.share | wc -l)" = 2 ] || fail "heidi holds symmetric and recovery shares"
[ "$(ls "$M"/dave/*.share | wc -l)" = 3 ] || fail "dave holds root, contingency, recovery"
cmp -s "$pub/transcript.jsonl" "$M/backup/transcript.jsonl" || fail "the two transcripts differ"

# The auditor's command.
expect 0 ceremony transcript verify "$pub/transcript.jsonl" --artifacts "$pub"
grep -q "VALID" "$T/out" || fail "verify did not say VALID"
grep -q "outcome *closed" "$T/out" || fail "not closed"
grep -q "REHEARSAL" "$T/out" || fail "not marked as a rehearsal"

# openssl: the Root is self-signed, strict, and carries the wrapped contingency key.
openssl verify -x509_strict -CAfile "$pub/root.pem" "$pub/root.pem" >/dev/null || fail "root"
openssl x509 -in "$pub/root.pem" -noout -subject | grep -q "CN = REHEARSAL ZA" ||
	fail "root subject not marked"
openssl x509 -in "$pub/root.pem" -noout -text >"$T/root.txt"
grep -q "1.3.6.1.5.5.7.1.20" "$T/root.txt" || fail "no id-pe-wrappedApexContinKey"
grep -A1 "Key Usage: critical" "$T/root.txt" | grep -q "Certificate Sign, CRL Sign" ||
	fail "root key usage"
grep -q "Certificate Policies: critical" "$T/root.txt" || fail "policies not critical"
openssl x509 -in "$pub/root.pem" -outform DER -out "$T/root.der"
openssl asn1parse -inform DER -in "$T/root.der" >"$T/asn1" || fail "asn1parse root"
off=$(grep -A1 ':1.3.6.1.5.5.7.1.20' "$T/asn1" | tail -n1 | cut -d: -f1 | tr -d ' ')
[ -n "$off" ] || fail "no id-pe-wrappedApexContinKey in the DER"
openssl asn1parse -inform DER -in "$T/root.der" -strparse "$off" >"$T/contin" ||
	fail "the extension is not DER"
# ApexContingencyKey ::= SEQUENCE { AlgorithmIdentifier (id-aes128-wrap-pad), OCTET STRING }:
# a P-256 SPKI is 91 octets, padded to 96 and wrapped to 104.
grep -q "id-aes128-wrap-pad\|2.16.840.1.101.3.4.1.8" "$T/contin" || fail "wrap algorithm"
grep -q "l= 104 prim: OCTET STRING" "$T/contin" || fail "wrapped key length"

# The Recovery CSR: self-signature, OU=01, the entity id.
openssl req -verify -noout -in "$pub/recovery-csr.pem" 2>/dev/null || fail "recovery CSR"
openssl req -in "$pub/recovery-csr.pem" -noout -subject >"$T/subj"
grep -q "OU = 01" "$T/subj" || fail "recovery OU"
grep -qi "x500UniqueIdentifier = #03090090B3D51F30000002" "$T/subj" || fail "entity id"

# No secret in any public file: the share words never appear outside the share files, and
# the share files are not mnemonic text.
for f in "$M"/*/*.share; do
	if grep -qaE '^[a-z]+( [a-z]+){19,}' "$f"; then fail "share file $f holds plain words"; fi
done
# The ceremony's own output shows no passphrase (answers mode echoes secrets as ids only).
if grep -q "rehearsal passphrase" "$T/out" "$T/err"; then fail "a passphrase reached the output"; fi
