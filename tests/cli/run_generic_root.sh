# The generic offline root CA: key generation (scripts/generic-root-keygen.yaml, a P-384 key whose
# shares split the key that seals it) and subordinate CA signing (scripts/generic-sub-signing.yaml)
# on its outputs, with a CSR made here by openssl; everything checked by openssl and by both
# transcript verifiers.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
K=$T/keygen
mkdir -p "$K/public" "$K/cara" "$K/cody" "$K/cruz"
expect 0 ceremony run "$SRCDIR/scripts/generic-root-keygen.yaml" --media "$K" \
	--answers "$SRCDIR/scripts/generic-root-keygen.answers" --rehearsal
verified "$K/public"
root=$K/public/root.pem
openssl verify -x509_strict -CAfile "$root" "$root" >/dev/null || fail "root not self-signed"
openssl x509 -in "$root" -noout -text >"$T/root.txt"
grep -q "NIST CURVE: P-384" "$T/root.txt" || fail "not a P-384 root"
grep -q "CA:TRUE, pathlen:1" "$T/root.txt" || fail "path length"
grep -q "IP:2001:DB8:0:0:0:0:0:0/FFFF:FFFF:0:0:0:0:0:0" "$T/root.txt" || fail "IPv6 constraint"
# The sealed private key is on every custodian medium and the public medium, the same file,
# and no share file or public file holds the private key in clear.
kf=$(cd "$K/public" && ls root-*.key)
for c in cara cody cruz; do
	cmp -s "$K/public/$kf" "$K/$c/$kf" || fail "$c lacks the sealed key"
done
if openssl pkey -in "$K/public/$kf" -inform DER -noout 2>/dev/null; then fail "key in clear"; fi
head -c 8 "$K/public/$kf" | xxd -p | grep -q '^89434b45590d0a1a$' || fail "key file magic"
digest=$(tail -n 1 "$K/public/transcript.jsonl" | sed 's/.*"final":"\([0-9a-f]*\)".*/\1/')

# Subordinate CA signing, on a CSR for a fresh P-256 key.
M=$T/m
mkdir -p "$M/public" "$M/inbox"
for c in cara cody cruz; do cp -r "$K/$c" "$M/$c"; done
cp "$root" "$M/inbox/root.pem"
cp "$K/public/transcript.jsonl" "$M/inbox/keygen-transcript.jsonl"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/sub.key" \
	-subj "/C=GB/O=Example Ltd/CN=Example Issuing CA 1" \
	-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$M/inbox/sub-csr.pem" 2>/dev/null
approve "$SRCDIR/scripts/generic-sub-signing.yaml" "$T/sub.yaml" "$digest"
expect 0 ceremony run "$T/sub.yaml" --media "$M" --rehearsal \
	--answers "$SRCDIR/scripts/generic-sub-signing.answers"
grep -q "sealed private key: cara/$kf\|sealed private key: cody/$kf\|sealed private key: cruz/$kf" \
	"$T/out" || fail "the sealed key was not found on a custodian medium"
grep -q "Ceremony example-sub-2025 closed" "$T/out" || fail "not closed"
verified "$M/public"
pub=$M/public
openssl verify -x509_strict -CAfile "$root" "$pub/sub.pem" >/dev/null || fail "sub does not chain"
openssl x509 -in "$pub/sub.pem" -noout -text >"$T/sub.txt"
grep -q "Subject: C = GB, O = Example Ltd, CN = REHEARSAL Example Issuing CA 1" "$T/sub.txt" ||
	fail "sub subject"
grep -q "CA:TRUE, pathlen:0" "$T/sub.txt" || fail "sub path length"
grep -q "ecdsa-with-SHA384" "$T/sub.txt" || fail "not signed with the P-384 root"
grep -q "Permitted:" "$T/sub.txt" || fail "no name constraints"
same_key "$pub/sub.pem" "$T/sub.key"
expect 0 openssl crl -in "$pub/root.crl" -CAfile "$root" -noout
grep -q "verify OK" "$T/err" || fail "the CRL does not verify under the root"
grep -q "\"predecessor\":\"$digest\"" "$pub/transcript.jsonl" || fail "no predecessor"

# Sealed keys altered on every medium, their SHA256SUMS lines too: the key file does not open
# with the rebuilt key, and nothing is signed.
M2=$T/m2
rm -rf "$M2" && cp -r "$M" "$M2" && rm -f "$M2"/public/*
for c in cara cody cruz inbox; do
	[ -f "$M2/$c/$kf" ] || cp "$K/public/$kf" "$M2/$c/$kf"
	len=$(wc -c <"$M2/$c/$kf")
	printf '\377' | dd of="$M2/$c/$kf" bs=1 seek=$((len - 3)) conv=notrunc 2>/dev/null
	[ ! -f "$M2/$c/SHA256SUMS" ] || (cd "$M2/$c" && grep -v " $kf\$" SHA256SUMS >S &&
		sha256sum "$kf" >>S && mv S SHA256SUMS)
done
expect 1 ceremony run "$T/sub.yaml" --media "$M2" --rehearsal \
	--answers "$SRCDIR/scripts/generic-sub-signing.answers"
aborted "$M2/public" "does not match its recorded public key"
