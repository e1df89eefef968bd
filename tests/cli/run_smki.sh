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
cp "$T/out" "$T/run.out"
# Fingerprints fit an 80-column screen: a terminal never breaks a group or a word.
grep -q '== Transcript key, the Ed25519 public key (write it down): ==' "$T/run.out" ||
	fail "the transcript key labelled as a public key"
[ "$(grep -A4 'Transcript key, the Ed25519' "$T/run.out" | wc -L)" -le 80 ] ||
	fail "a fingerprint line is wider than 80 columns"

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
cp "$T/out" "$T/report"

# The report shows what people were shown, hashed and numbered as on the screen: the checks
# overridden by name, the Symmetric Key's check value, the CSR's fingerprint (the SHA-256 of its
# DER, as openssl computes it, not of the PEM file), shares as "share 1 of 5 (group 1, member
# 1)" with their holders; and the program's own acts are the system's.
F=$pub/transcript.jsonl
grouped() { echo "$1" | tr a-f A-F | sed 's/..../& /g; s/ $//'; }
over=$(grep '"event":"go-no-go"' "$F" | python3 -c \
	'import json,sys; print(", ".join(json.loads(sys.stdin.read())["data"]["overrides"]))')
if [ -n "$over" ]; then
	grep -q "  go; overridden: $over\$" "$T/report" || fail "overridden checks not named: $over"
fi
cv=$(grep '"event":"key-generated"' "$F" | grep -o '"check_value":"[0-9a-f]*"' | cut -d'"' -f4)
[ ${#cv} = 64 ] || fail "no check value recorded"
grep -q "^    check value  $(grouped "$cv")\$" "$T/report" || fail "check value not in the report"
der=$(openssl req -in "$pub/recovery-csr.pem" -outform DER | sha256sum | cut -c1-64)
pem=$(sha256sum "$pub/recovery-csr.pem" | cut -c1-64)
grep -q "^    csr sha256   $(grouped "$der")\$" "$T/report" || fail "CSR DER fingerprint"
grep -q "^    file sha256  $(grouped "$pem")\$" "$T/report" || fail "CSR file hash"
# The screen shows the first eight groups on the SHA-256 line.
grep -A1 "CSR for 'recovery' made" "$T/run.out" |
	grep -qF "SHA-256 $(grouped "$der" | cut -c1-39)" ||
	fail "the screen's CSR fingerprint is not the report's"
first="root share 1 of 5 (group 1, member 1): Carol Castleton (carol), medium carol"
grep -q "^  $first, .*bag TEB" "$T/report" || fail "shares not numbered as on the screen"
[ "$(grep -c '^  recovery share [123] of 3 (group 1, member [123]): ' "$T/report")" = 3 ] ||
	fail "recovery shares"
for ev in proof-of-possession key-wiped; do
	grep "\"event\":\"$ev\"" "$F" | grep -v '"actor":{"role":"system","name":"ceremony"}' |
		grep -q . && fail "$ev recorded as a person's act"
done
expect 0 ceremony transcript show "$F"
grep -q "^         as on screen     root share 1 of 5 (group 1, member 1)$" "$T/out" ||
	fail "show does not name shares as the screen does"
expect 0 ceremony transcript verify "$F" --json
python3 - "$T/out" <<'PY' || fail "the JSON report lacks what the text shows"
import json, sys
o = json.load(open(sys.argv[1]))
assert all("overrides" in d for d in o["decisions"]), o["decisions"]
assert any(k.get("check_value") for k in o["keys"]), "check value"
assert any(x.get("csr_sha256") for x in o["outputs"] if x["event"] == "csr-exported"), "csr"
s = [x for x in o["shares"] if x["event"] == "share-written"]
assert len(s) == 14 and all(x["of"] >= x["number"] >= 1 and x["by"] for x in s), s[0]
PY

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
