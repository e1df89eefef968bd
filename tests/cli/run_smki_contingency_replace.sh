# Contingency replacement (scripts/smki-contingency-replace.yaml) on the outputs of the key
# generation example, checked the way a device checks it, with openssl only: the revealed
# Symmetric Key unwraps the Contingency public key from the Root the device trusts (RFC 5649 AES
# key wrap with padding), and the replacement Root's signature verifies under that key.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
need xxd
keygen

M=$T/m
example smki-contingency-replace "$M"
grep -q "CONTINGENCY TEST PASSED" "$T/run.out" || fail "the contingency was not tested first"
grep -q "checked as a device checks it" "$T/run.out" || fail "replacement not checked"
pub=$M/public
tr=$pub/transcript.jsonl
old=$KEYGEN/public/root.pem

# The revealed key: hex and a newline, with the check value the key generation recorded.
key=$(cat "$pub/contingency-symmetric-REVEALED.hex")
[ ${#key} = 32 ] || fail "the revealed key is not 16 octets of hex"
cv=$(printf %s ceremony-key-check-value-v1 | openssl mac -digest SHA256 -macopt "hexkey:$key" HMAC |
	tr A-F a-f)
grep '"key-generated"' "$KEYGEN/public/transcript.jsonl" | grep '"key":"contingency-symmetric"' |
	grep -q "\"check_value\":\"$cv\"" || fail "the revealed key is not the generated one"
grep '"key-revealed"' "$tr" | grep -q "\"check_value\":\"$cv\"" || fail "reveal not recorded"

# A device: unwrap the Contingency public key from the old Root with the revealed key.
openssl x509 -in "$old" -outform DER -out "$T/old.der"
openssl asn1parse -inform DER -in "$T/old.der" >"$T/asn1"
off=$(grep -A1 ':1.3.6.1.5.5.7.1.20' "$T/asn1" | tail -n1 | cut -d: -f1 | tr -d ' ')
openssl asn1parse -inform DER -in "$T/old.der" -strparse "$off" >"$T/contin"
grep -q "id-aes128-wrap-pad" "$T/contin" || fail "wrap algorithm"
grep "prim: OCTET STRING" "$T/contin" | sed 's/.*HEX DUMP\]://' | xxd -r -p >"$T/wrapped.bin"
openssl enc -d -id-aes128-wrap-pad -K "$key" -iv A65959A6 -in "$T/wrapped.bin" \
	-out "$T/contin.der" || fail "openssl cannot unwrap the Contingency key"
openssl pkey -pubin -inform DER -in "$T/contin.der" -out "$T/contin.pem" ||
	fail "the unwrapped key is not a public key"
# ... and verify the replacement Root's signature with it.
new=$pub/root-2.pem
openssl asn1parse -in "$new" -strparse 4 -noout -out "$T/tbs.der" >/dev/null
soff=$(openssl asn1parse -in "$new" | tail -n 1 | cut -d: -f1 | tr -d ' ')
openssl asn1parse -in "$new" -strparse "$soff" -noout -out "$T/sig.der" >/dev/null
expect 0 openssl dgst -sha256 -verify "$T/contin.pem" -signature "$T/sig.der" "$T/tbs.der"
grep -q "Verified OK" "$T/out" || fail "the replacement Root is not signed by the Contingency key"
openssl x509 -in "$new" -noout -pubkey >"$T/new.pub"
expect 1 openssl dgst -sha256 -verify "$T/new.pub" -signature "$T/sig.der" "$T/tbs.der"

openssl x509 -in "$new" -noout -text >"$T/new.txt"
grep -q "Subject: OU = 00, CN = REHEARSAL ZB" "$T/new.txt" || fail "replacement subject"
# A Root: its issuer is its own name, though the Contingency key signed it.
grep -q "Issuer: OU = 00, CN = REHEARSAL ZB" "$T/new.txt" || fail "replacement issuer"
grep -q "1.3.6.1.5.5.7.1.20" "$T/new.txt" || fail "the replacement carries no wrapped key"
# The transcript now gives the old Contingency public key (anyone can unwrap it now) ...
cspki=$(xxd -p "$T/contin.der" | tr -d '\n')
grep '"key-revealed"' "$tr" | grep -q "\"spki\":\"$cspki\"" || fail "contingency key not given"
# ... but never the fresh one's.
if grep '"key":"contingency-2"' "$tr" | grep -q '"spki":'; then fail "fresh contingency published"; fi
for k in root-2 contingency-2 contingency-symmetric-2; do
	grep -q "\"event\":\"reconstruction-tested\",\"data\":{.*\"key\":\"$k\"" "$tr" ||
		fail "$k not tested"
done
[ "$(ls "$M"/carol/root-2-*.share | wc -l)" = 1 ] || fail "carol has no share of root-2"
