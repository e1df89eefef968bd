# Every artifact the PKI library makes, checked by the openssl CLI alone.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/pki_fixture.bash"
need xxd awk cmp

# openssl req -verify exits 0 whatever the verdict; the verdict is on stderr.
req_ok() { grep -q "self-signature verify OK" "$T/err" || fail "$1: signature"; }
has() { grep -q -- "$1" "$T/out" || { cat "$T/out"; fail "$2: no '$1'"; }; }
hasnt() { ! grep -q -- "$1" "$T/out" || { cat "$T/out"; fail "$2: unexpected '$1'"; }; }

# --- SMKI Root: the profile, field by field ---------------------------------------------------
expect 0 openssl x509 -in "$F/smki-root.pem" -noout -text
has "Version: 3 (0x2)" root
has "Signature Algorithm: ecdsa-with-SHA256" root
has "Issuer: OU = 00, CN = ZA" root
has "Subject: OU = 00, CN = ZA" root
has "NIST CURVE: P-256" root
grep -A1 "Basic Constraints: critical" "$T/out" | grep -q "CA:TRUE$" || fail "root: basicConstraints"
grep -A1 "Key Usage: critical" "$T/out" | grep -q "^ *Certificate Sign, CRL Sign$" ||
	fail "root: keyUsage"
grep -A1 "Certificate Policies: critical" "$T/out" |
	grep -q "Policy: 1.2.826.0.1.8641679.1.2.1.4" || fail "root: policies"
grep -A1 "Subject Key Identifier" "$T/out" | tail -n 1 |
	grep -Eq "^ *4[0-9A-F](:[0-9A-F]{2}){7}$" || fail "root: SKI is not 8 octets starting 0100"
hasnt "Authority Key Identifier" root
has "1.3.6.1.5.5.7.1.20:" root
serial=$(openssl x509 -in "$F/smki-root.pem" -noout -serial | cut -d= -f2)
[ ${#serial} = 32 ] || fail "root serial $serial is not 16 octets"
case $serial in 52*) fail "production serial carries the rehearsal mark" ;; esac
# The SKI by RFC 5280 4.2.1.2 method 2, recomputed here from the public key.
ski=$(openssl x509 -in "$F/smki-root.pem" -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :')
hash=$(openssl x509 -in "$F/smki-root.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
	tail -c 65 | openssl dgst -sha1 -binary | tail -c 8 | xxd -p | tr a-f A-F)
[ "$ski" = "4${hash#?}" ] || fail "SKI $ski is not method 2 ($hash)"
expect 0 openssl verify -x509_strict -CAfile "$F/smki-root.pem" "$F/smki-root.pem"
cmp <(openssl x509 -in "$F/smki-root.pem" -outform DER) "$F/smki-root.der" || fail "DER form"

# --- The wrapped contingency key: asn1parse, then an independent unwrap by openssl enc ---------
line=$(openssl asn1parse -in "$F/smki-root.pem" | grep -A1 ':1.3.6.1.5.5.7.1.20$' | tail -n 1)
case $line in *"OCTET STRING"*) ;; *) fail "no extension value after the OID: $line" ;; esac
off=$(echo "$line" | cut -d: -f1 | tr -d ' ')
expect 0 openssl asn1parse -in "$F/smki-root.pem" -strparse "$off"
[ "$(wc -l <"$T/out")" = 4 ] || { cat "$T/out"; fail "ApexContingencyKey has extra fields"; }
sed -n 1p "$T/out" | grep -q "d=0 .*cons: SEQUENCE" || fail "not a SEQUENCE"
sed -n 2p "$T/out" | grep -q "d=1 .*cons: SEQUENCE" || fail "no AlgorithmIdentifier"
sed -n 3p "$T/out" | grep -q "d=2 .*prim: OBJECT *:id-aes128-wrap-pad$" || fail "wrapAlgorithm"
sed -n 4p "$T/out" | grep -q "d=1 .*l= 104 prim: OCTET STRING" || fail "wrapped length"
awk -F'HEX DUMP]:' '/OCTET STRING/ { print $2 }' "$T/out" | xxd -r -p >"$T/wrapped.bin"
# RFC 5649 unwrap: openssl enc takes the alternative IV A65959A6 explicitly.
expect 0 openssl enc -d -id-aes128-wrap-pad -K "$(cat "$F/symkey.hex")" -iv A65959A6 \
	-in "$T/wrapped.bin" -out "$T/unwrapped.der"
cmp "$T/unwrapped.der" "$F/contin.spki.der" || fail "unwrapped key is not the Contingency key"
cmp "$T/unwrapped.der" <(openssl pkey -pubin -in "$F/contin.pub.pem" -outform DER) ||
	fail "unwrapped key differs from the PEM public key"
# A wrong symmetric key fails the integrity check.
expect 1 openssl enc -d -id-aes128-wrap-pad -K 00112233445566778899aabbccddeeff -iv A65959A6 \
	-in "$T/wrapped.bin" -out "$T/junk"
# The rehearsal Root uses AES-256.
off=$(openssl asn1parse -in "$F/rehearsal-root.pem" | grep -A1 ':1.3.6.1.5.5.7.1.20$' |
	tail -n 1 | cut -d: -f1 | tr -d ' ')
expect 0 openssl asn1parse -in "$F/rehearsal-root.pem" -strparse "$off"
has ":id-aes256-wrap-pad" rehearsal-root

# --- Rehearsal marks --------------------------------------------------------------------------
expect 0 openssl x509 -in "$F/rehearsal-root.pem" -noout -subject -serial
has "subject=OU = 00, CN = REHEARSAL ZA" rehearsal
has "serial=52" rehearsal

# --- SMKI Issuing CA and its chain ------------------------------------------------------------
expect 0 openssl req -in "$F/issuing.csr.pem" -noout -verify
req_ok issuing-csr
expect 0 openssl x509 -in "$F/issuing.pem" -noout -text
has "Subject: OU = 07, CN = Z1" issuing
grep -A1 "Basic Constraints: critical" "$T/out" | grep -q "CA:TRUE, pathlen:0" ||
	fail "issuing: pathlen 0"
aki=$(openssl x509 -in "$F/issuing.pem" -noout -ext authorityKeyIdentifier | tail -n 1 | tr -d ' :')
aki=${aki#keyid}
[ "$aki" = "$ski" ] || fail "issuing AKI $aki is not the Root's SKI $ski"
expect 0 openssl verify -x509_strict -CAfile "$F/smki-root.pem" "$F/issuing.pem"
expect 2 openssl verify -x509_strict -CAfile "$F/rehearsal-root.pem" "$F/issuing.pem"

# --- Recovery CSR, and a Recovery certificate issued from it by openssl -----------------------
expect 0 openssl req -in "$F/recovery.csr.pem" -noout -verify -text
req_ok recovery-csr
has "Subject: OU = 01, CN = Recovery, x500UniqueIdentifier = #0309$(tr -d '\n' <"$F/entity-id.hex" | sed 's/^/00/' | tr a-f A-F)" recovery-csr
has "Digital Signature" recovery-csr
openssl req -in "$F/recovery.csr.pem" -noout -pubkey >"$T/rec.pub"
rski=$(openssl pkey -pubin -in "$T/rec.pub" -outform DER | tail -c 65 | openssl dgst -sha1 -binary |
	tail -c 8 | xxd -p)
cat >"$T/rec.ext" <<EXT
keyUsage = critical, digitalSignature
certificatePolicies = critical, 1.2.826.0.1.8641679.1.2.1.4
subjectKeyIdentifier = 4${rski#?}
authorityKeyIdentifier = keyid:always
EXT
expect 0 openssl x509 -req -in "$F/recovery.csr.pem" -CA "$F/issuing.pem" \
	-CAkey "$F/issuing.key.pem" -set_serial 0x0102030405 -days 3650 -extfile "$T/rec.ext" \
	-out "$T/recovery.pem"
expect 0 openssl verify -x509_strict -CAfile "$F/smki-root.pem" -untrusted "$F/issuing.pem" \
	"$T/recovery.pem"
expect 0 ceremony cert lint --profile smki-recovery --issuer "$F/issuing.pem" "$T/recovery.pem"

# --- The contingency replacement Root: signed by the Contingency key --------------------------
expect 0 openssl x509 -in "$F/replacement-root.pem" -noout -text
has "Subject: OU = 00, CN = ZA" replacement
has "1.3.6.1.5.5.7.1.20:" replacement
openssl asn1parse -in "$F/replacement-root.pem" -strparse 4 -noout -out "$T/tbs.der" >/dev/null
off=$(openssl asn1parse -in "$F/replacement-root.pem" | tail -n 1 | cut -d: -f1 | tr -d ' ')
openssl asn1parse -in "$F/replacement-root.pem" -strparse "$off" -noout -out "$T/sig.der" >/dev/null
expect 0 openssl dgst -sha256 -verify "$F/contin.pub.pem" -signature "$T/sig.der" "$T/tbs.der"
has "Verified OK" replacement
# Not by its own key: it is not self-signed.
openssl x509 -in "$F/replacement-root.pem" -noout -pubkey >"$T/repl.pub"
expect 1 openssl dgst -sha256 -verify "$T/repl.pub" -signature "$T/sig.der" "$T/tbs.der"

# --- CRLs -------------------------------------------------------------------------------------
expect 0 openssl crl -in "$F/smki-crl.pem" -CAfile "$F/smki-root.pem" -noout -text
grep -q "verify OK" "$T/err" || fail "smki crl: no verify OK"
has "Version 2" crl
has "Key Compromise" crl
has "Superseded" crl
has "Serial Number: 5201" crl
grep -A1 "CRL Number" "$T/out" | grep -q "^ *1$" || fail "crl number"
expect 1 openssl crl -in "$F/smki-crl.pem" -CAfile "$F/rehearsal-root.pem" -noout
expect 0 openssl crl -in "$F/generic-crl.pem" -CAfile "$F/generic-root.pem" -noout
grep -q "verify OK" "$T/err" || fail "generic crl: no verify OK"

# --- Generic CAs ------------------------------------------------------------------------------
expect 0 openssl req -in "$F/generic-sub.csr.pem" -noout -verify
req_ok generic-csr
expect 0 openssl verify -x509_strict -CAfile "$F/generic-root.pem" "$F/generic-sub.pem"
expect 0 openssl x509 -in "$F/generic-root.pem" -noout -text
has "Signature Algorithm: ecdsa-with-SHA384" generic-root
has "CA:TRUE, pathlen:1" generic-root
expect 0 openssl x509 -in "$F/generic-sub.pem" -noout -text
has "CA:TRUE, pathlen:0" generic-sub
grep -A2 "Name Constraints: critical" "$T/out" | grep -q "DNS:example.com" ||
	fail "generic-sub: name constraints"
grep -A1 "Subject Key Identifier" "$T/out" | tail -n 1 | grep -Eq "^ *[0-9A-F]{2}(:[0-9A-F]{2}){19}$" ||
	fail "generic-sub: SKI is not 20 octets"
for r in ed25519-root rsa-root; do
	expect 0 openssl verify -x509_strict -CAfile "$F/$r.pem" "$F/$r.pem"
done
expect 0 openssl x509 -in "$F/ed25519-root.pem" -noout -text
has "Signature Algorithm: ED25519" ed25519
expect 0 openssl x509 -in "$F/rsa-root.pem" -noout -text
has "Public-Key: (3072 bit)" rsa
has "sha256WithRSAEncryption" rsa

# --- A bare r||s signature, turned into DER here and verified by openssl pkeyutl --------------
[ "$(wc -c <"$F/rawsig.sig")" = 64 ] || fail "raw signature is not 64 octets"
r=$(head -c 32 "$F/rawsig.sig" | xxd -p -c 64)
s=$(tail -c 32 "$F/rawsig.sig" | xxd -p -c 64)
printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' "$r" "$s" >"$T/sig.cnf"
expect 0 openssl asn1parse -genconf "$T/sig.cnf" -out "$T/rawsig.der" -noout
openssl dgst -sha256 -binary "$F/rawsig.msg" >"$T/digest"
expect 0 openssl pkeyutl -verify -pubin -inkey "$F/rawsig.pub.pem" -in "$T/digest" \
	-sigfile "$T/rawsig.der"
has "Signature Verified Successfully" rawsig
printf 'x' | cat "$F/rawsig.msg" - | openssl dgst -sha256 -binary >"$T/digest2"
expect 1 openssl pkeyutl -verify -pubin -inkey "$F/rawsig.pub.pem" -in "$T/digest2" \
	-sigfile "$T/rawsig.der"
