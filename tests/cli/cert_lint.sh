# ceremony cert inspect / lint / profiles: exit codes, output, and requests the SMKI profile
# must refuse (made by the openssl CLI), each with its rule named.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/pki_fixture.bash"
need sha256sum xxd dd

has() { grep -q -- "$1" "$T/out" || { cat "$T/out"; fail "$2: no '$1'"; }; }

# --- usage ------------------------------------------------------------------------------------
expect 0 ceremony cert --help
expect 2 ceremony cert
expect_err 2 "unknown cert command" ceremony cert frobnicate
expect 2 ceremony cert lint "$F/smki-root.pem"
expect_err 2 "unknown profile" ceremony cert lint --profile smki "$F/smki-root.pem"
expect_err 2 "cannot open" ceremony cert inspect "$T/missing.pem"
expect 2 ceremony cert inspect a b
expect 0 ceremony cert profiles
for p in smki-root smki-issuing smki-recovery smki-issuing-csr smki-recovery-csr smki-crl \
	generic-root generic-sub generic-csr generic-crl; do
	grep -q "^  $p " "$T/out" || fail "profiles lacks $p"
done
has "smki.contin-alg" profiles

# --- inspect: fields, fingerprints (checked against sha256sum), the profile met ---------------
expect 0 ceremony cert inspect "$F/smki-root.pem"
has "^type  *certificate$" inspect
has "^subject  *OU=00, CN=ZA$" inspect
has "^public key  *ec-p256$" inspect
has "^contingency key  *id-aes128-wrap-pad, 104 octets wrapped$" inspect
has "^rehearsal  *no$" inspect
has "^profile  *smki-root (satisfied)$" inspect
want=$(openssl x509 -in "$F/smki-root.pem" -outform DER | sha256sum | cut -c1-64)
got=$(grep "^SHA-256 " "$T/out" | cut -c18- | tr -d ' ' | tr A-F a-f)
[ "$got" = "$want" ] || fail "certificate fingerprint $got, want $want"
want=$(openssl x509 -in "$F/smki-root.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
	sha256sum | cut -c1-64)
got=$(grep "^key SHA-256 " "$T/out" | cut -c18- | tr -d ' ' | tr A-F a-f)
[ "$got" = "$want" ] || fail "key fingerprint $got, want $want"
# The word line has 32 PGP words.
words=$(grep -A1 "^SHA-256 " "$T/out" | tail -n 1 | wc -w)
[ "$words" = 32 ] || fail "fingerprint words: $words"

expect 0 ceremony cert inspect "$F/smki-root.der"
has "^profile  *smki-root (satisfied)$" inspect-der
expect 0 ceremony cert inspect - <"$F/issuing.pem"
has "^profile  *smki-issuing (satisfied; notices: cert.no-issuer)$" inspect-stdin
expect 0 ceremony cert inspect --issuer "$F/smki-root.pem" "$F/issuing.pem"
has "^profile  *smki-issuing (satisfied)$" inspect-issuer
expect 0 ceremony cert inspect "$F/recovery.csr.pem"
has "^type  *certificate request$" inspect-csr
has "x500UniqueIdentifier='$(tr -d '\n' <"$F/entity-id.hex" | tr a-f A-F)'H" inspect-csr
has "^profile  *smki-recovery-csr (satisfied)$" inspect-csr
expect 0 ceremony cert inspect "$F/smki-crl.pem"
has "^type  *CRL$" inspect-crl
has "^revoked  *2$" inspect-crl
expect 0 ceremony cert inspect "$F/rehearsal-root.pem"
has "^rehearsal  *yes$" inspect-rehearsal
has "notices: mark.rehearsal" inspect-rehearsal
expect 0 ceremony cert inspect "$F/replacement-root.pem"
has "none satisfied; the closest, smki-root" inspect-replacement
has "^cert.signature: " inspect-replacement

# --- lint: each artifact against its profile -------------------------------------------------
lint_ok() { expect 0 ceremony cert lint "$@"; has "^ok: " "lint $*"; }
lint_ok --profile smki-root "$F/smki-root.pem"
lint_ok --profile smki-root --production "$F/smki-root.der"
lint_ok --profile smki-issuing --issuer "$F/smki-root.pem" --production "$F/issuing.pem"
lint_ok --profile smki-issuing-csr "$F/issuing.csr.pem"
lint_ok --profile smki-recovery-csr "$F/recovery.csr.pem"
lint_ok --profile smki-crl --issuer "$F/smki-root.pem" "$F/smki-crl.pem"
lint_ok --profile smki-root --signer-key "$F/contin.pub.pem" "$F/replacement-root.pem"
lint_ok --profile generic-root "$F/generic-root.pem"
lint_ok --profile generic-sub --issuer "$F/generic-root.pem" "$F/generic-sub.pem"
lint_ok --profile generic-csr "$F/generic-sub.csr.pem"
lint_ok --profile generic-crl --issuer "$F/generic-root.pem" "$F/generic-crl.pem"
lint_ok --profile generic-root "$F/ed25519-root.pem"
lint_ok --profile generic-root "$F/rsa-root.pem"
lint_ok --profile smki-root "$F/rehearsal-root.pem"
has "^notice: mark.rehearsal: " rehearsal

lint_fails() { # RULE ARGS...: exit 1, the rule on its own line, one line on stderr
	rule=$1
	shift
	expect_err 1 "breaks" ceremony cert lint "$@"
	grep -q "^$rule: " "$T/out" || { cat "$T/out"; fail "lint $*: no $rule"; }
}
lint_fails mark.rehearsal --profile smki-root --production "$F/rehearsal-root.pem"
lint_fails cert.signature --profile smki-root "$F/replacement-root.pem"
lint_fails cert.signature --profile smki-issuing --issuer "$F/rehearsal-root.pem" "$F/issuing.pem"
lint_fails ext.aki --profile smki-issuing --issuer "$F/rehearsal-root.pem" "$F/issuing.pem"
lint_fails smki.ou --profile smki-root "$F/issuing.pem"
lint_fails ext.ski --profile generic-root "$F/smki-root.pem"
lint_fails ext.allowed --profile generic-root "$F/smki-root.pem"
lint_fails smki.key --profile smki-root "$F/generic-root.pem"
lint_fails smki.contin --profile smki-root "$F/generic-root.pem"
expect_err 1 "for another kind" ceremony cert lint --profile smki-root "$F/issuing.csr.pem"
expect_err 2 "must be a certificate" ceremony cert lint --profile smki-issuing \
	--issuer "$F/issuing.csr.pem" "$F/issuing.pem"

# --- requests the SMKI Issuing CA profile refuses, made by openssl ----------------------------
csr() { # NAME KEYSPEC SUBJECT [EXTRA...]
	name=$1 spec=$2 subj=$3
	shift 3
	openssl req -new -newkey "$spec" -nodes -keyout "$T/$name.key" -subj "$subj" \
		-out "$T/$name.csr" "$@" 2>"$T/req.err" || { cat "$T/req.err"; fail "req $name"; }
}
csr good ec "/OU=07/CN=Z1" -pkeyopt ec_paramgen_curve:P-256
lint_ok --profile smki-issuing-csr "$T/good.csr"

# A bad signature: the last octet of the DER flipped.
openssl req -in "$T/good.csr" -outform DER -out "$T/bad.der"
size=$(wc -c <"$T/bad.der")
last=$(tail -c 1 "$T/bad.der" | xxd -p)
printf "\\x$(printf '%02x' $((0x$last ^ 1)))" |
	dd of="$T/bad.der" bs=1 seek=$((size - 1)) conv=notrunc status=none
# (openssl req exits 0 either way: its verdict is on stderr.)
openssl req -in "$T/bad.der" -inform DER -noout -verify 2>&1 | grep -q "verify failure" ||
	fail "openssl accepts the altered request"
lint_fails csr.signature --profile smki-issuing-csr "$T/bad.der"

csr p384 ec "/OU=07/CN=Z1" -pkeyopt ec_paramgen_curve:P-384
lint_fails smki.key --profile smki-issuing-csr "$T/p384.csr"
csr rsa rsa:2048 "/OU=07/CN=Z1"
lint_fails smki.key --profile smki-issuing-csr "$T/rsa.csr"
csr san ec "/OU=07/CN=Z1" -pkeyopt ec_paramgen_curve:P-256 -addext subjectAltName=DNS:example.com
lint_fails csr.ext-allowed --profile smki-issuing-csr "$T/san.csr"
long=$(printf 'abcdefghij%.0s' 1 2 3 4 5 6)
csr big ec "/OU=07/CN=Z1/OU=$long/OU=$long/OU=$long/OU=$long" -pkeyopt ec_paramgen_curve:P-256
lint_fails name.size --profile smki-issuing-csr "$T/big.csr"
lint_fails smki.ou --profile smki-issuing-csr "$T/big.csr"
csr role ec "/OU=02/CN=Z1" -pkeyopt ec_paramgen_curve:P-256
lint_fails smki.ou --profile smki-issuing-csr "$T/role.csr"

# --- strict input -----------------------------------------------------------------------------
{ cat "$F/smki-root.pem"; echo "trailing"; } >"$T/trailing.pem"
expect_err 1 "trailing data" ceremony cert inspect "$T/trailing.pem"
cat "$F/smki-root.der" "$F/smki-root.der" >"$T/twice.der"
expect_err 1 "trailing data" ceremony cert inspect "$T/twice.der"
cat "$F/smki-root.pem" "$F/smki-root.pem" >"$T/twice.pem"
expect_err 1 "trailing data" ceremony cert lint --profile smki-root "$T/twice.pem"
head -c 100 "$F/smki-root.der" >"$T/short.der"
expect_err 1 "malformed" ceremony cert inspect "$T/short.der"
sed 's/CERTIFICATE/PRIVATE KEY/' "$F/smki-root.pem" >"$T/label.pem"
expect_err 1 "wrong object type" ceremony cert inspect "$T/label.pem"
head -c 70000 /dev/zero >"$T/huge"
expect_err 1 "larger than 65536" ceremony cert inspect "$T/huge"
: >"$T/empty"
expect_err 1 "malformed" ceremony cert inspect "$T/empty"
