# The SMKI Recovery Procedure's ceremonies, chained on one run of the key generation example:
# Recovery-key command signing (scripts/smki-recovery-sign.yaml) and the renewal of the
# contingency keys with the Root certified again (scripts/smki-contingency-renew.yaml), each
# checked with openssl and pyca/cryptography.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
need xxd
keygen

# recovery_media DIR NAME: fresh media for example NAME, with its shipped inbox.
recovery_media() {
	media "$1"
	cp "$SRCDIR/scripts/$2.inbox/"* "$1/inbox/"
}

# --- Recovery-key command signing -----------------------------------------------------------
M=$T/sign
recovery_media "$M" smki-recovery-sign
run_example smki-recovery-sign "$M"
pub=$M/public
tr=$pub/transcript.jsonl
grep '"event":"decision-recorded"' "$tr" | grep -q '"reference":"PA-REHEARSAL-0001"' ||
	fail "the decision is not recorded"
dsha=$(sha256sum "$M/inbox/decision.txt" | cut -c1-64)
grep '"event":"decision-recorded"' "$tr" | grep -q "\"sha256\":\"$dsha\"" ||
	fail "the decision's SHA-256 is not recorded"
# The Recovery public key from its certificate: issued by openssl from the key generation's CSR.
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /OU=07/CN=T1 \
	-keyout "$T/ca.key" -out "$T/ca.pem" -days 30 2>/dev/null || fail "test CA"
ISSUING_KEY=$T/ca.key ISSUING_CERT=$T/ca.pem
recovery_cert "$KEYGEN/public/recovery-csr.pem" "$T/recovery.pem"
openssl x509 -in "$T/recovery.pem" -noout -pubkey >"$T/recovery.pub"
n=0
for p in "$M"/inbox/payload-*.bin; do
	f=$(basename "$p")
	n=$((n + 1))
	[ "$(wc -c <"$pub/$f.rs")" = 64 ] || fail "$f.rs is not 64 octets"
	expect 0 openssl dgst -sha256 -verify "$T/recovery.pub" -signature "$pub/$f.sig" "$p"
	grep -q "Verified OK" "$T/out" || fail "the DER signature of $f does not verify"
	rs=$(xxd -p "$pub/$f.rs" | tr -d '\n')
	psha=$(sha256sum "$p" | cut -c1-64)
	grep '"event":"payload-signed"' "$tr" | grep "\"payload\":\"$f\"" |
		grep "\"payload_sha256\":\"$psha\"" | grep -q "\"signature_rs\":\"$rs\"" ||
		fail "payload-signed of $f"
	grep -q "^$psha $rs $f\$" "$pub/signatures.txt" || fail "signatures.txt: $f"
	# r || s, as a device reads it: verified by pyca/cryptography, independently of the DER.
	if python3 -c 'import cryptography' 2>/dev/null; then
		python3 - "$T/recovery.pem" "$pub/$f.rs" "$p" <<'PY' || fail "r||s of $f"
import sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
pub = x509.load_pem_x509_certificate(open(sys.argv[1], "rb").read()).public_key()
rs = open(sys.argv[2], "rb").read()
assert len(rs) == 64
sig = encode_dss_signature(int.from_bytes(rs[:32], "big"), int.from_bytes(rs[32:], "big"))
pub.verify(sig, open(sys.argv[3], "rb").read(), ec.ECDSA(hashes.SHA256()))
PY
	fi
done
[ $n = 3 ] || fail "payloads: $n"
[ "$(grep -c '"event":"payload-signed"' "$tr")" = 3 ] || fail "payload-signed count"
grep -q '"event":"key-wiped","data":{"key":"recovery"}' "$tr" || fail "recovery not wiped"

# A payload that is not the approved one is refused before anything is signed.
M=$T/sign-bad
recovery_media "$M" smki-recovery-sign
printf 'tampered' >>"$M/inbox/payload-002.bin"
approve "$SRCDIR/scripts/smki-recovery-sign.yaml" "$T/bad.yaml"
expect 1 ceremony run "$T/bad.yaml" --media "$M" \
	--answers "$SRCDIR/scripts/smki-recovery-sign.answers" --rehearsal
grep -q "payload payload-002.bin is not the one the script approves" "$T/out" ||
	{ tail -n 5 "$T/out"; fail "tampered payload not refused"; }
if grep -q '"payload-signed"' "$M/public/transcript.jsonl"; then fail "signed anyway"; fi

# --- Contingency renewal: the same Root key, a new wrapped Contingency key ---------------------
M=$T/renew
recovery_media "$M" smki-contingency-renew
run_example smki-contingency-renew "$M"
pub=$M/public
tr=$pub/transcript.jsonl
old=$KEYGEN/public/root.pem new=$pub/root-renewed.pem
[ "$(openssl x509 -in "$old" -noout -pubkey)" = "$(openssl x509 -in "$new" -noout -pubkey)" ] ||
	fail "the renewed Root is not for the same key"
[ "$(openssl x509 -in "$old" -noout -serial)" != "$(openssl x509 -in "$new" -noout -serial)" ] ||
	fail "the renewed Root has the old serial"
for f in -subject -startdate -enddate; do
	[ "$(openssl x509 -in "$old" -noout $f)" = "$(openssl x509 -in "$new" -noout $f)" ] ||
		fail "the renewed Root does not keep $f"
done
expect 0 openssl verify -check_ss_sig -CAfile "$new" "$new"
[ "$(openssl x509 -in "$old" -outform DER | sha256sum)" != \
	"$(openssl x509 -in "$new" -outform DER | sha256sum)" ] || fail "the same certificate"
# The new wrapped key: the new Symmetric Key, rebuilt from two of its new share files (opened by
# the independent reader), unwraps it (RFC 5649, openssl) to the new Contingency public key.
key_of() { # KEY CUSTODIAN N: the share words of KEY written to CUSTODIAN in the renewal
	set -- "$1" "$2" "$3" "$(grep '"share-written"' "$tr" | grep "\"key\":\"$1\"" |
		grep "\"medium\":\"$2\"" | sed 's/.*"file":"\([^"]*\)".*/\1/')"
	[ -n "$4" ] || fail "no new share of $1 for $2"
	share_words "$M/$2/$4" "$2 renewal passphrase for $1 share $3"
	echo "$WORDS"
}
{ key_of contingency-symmetric frank 1; key_of contingency-symmetric heidi 3; } >"$T/sym.words"
expect 0 ceremony slip39 combine <"$T/sym.words"
sym=$(tr -d '\n' <"$T/out")
[ ${#sym} = 32 ] || fail "the new Symmetric Key is not 16 octets"
openssl x509 -in "$new" -outform DER -out "$T/new.der"
off=$(openssl asn1parse -inform DER -in "$T/new.der" | grep -A1 ':1.3.6.1.5.5.7.1.20' | tail -n1 |
	cut -d: -f1 | tr -d ' ')
openssl asn1parse -inform DER -in "$T/new.der" -strparse "$off" | grep "prim: OCTET STRING" |
	sed 's/.*HEX DUMP\]://' | xxd -r -p >"$T/wrapped.bin"
openssl enc -d -id-aes128-wrap-pad -K "$sym" -iv A65959A6 -in "$T/wrapped.bin" \
	-out "$T/contin.der" || fail "openssl cannot unwrap the new Contingency key"
want=$(grep '"event":"key-generated"' "$tr" | grep '"key":"contingency"' |
	sed 's/.*"spki_sha256":"\([0-9a-f]*\)".*/\1/')
[ "$(sha256sum <"$T/contin.der" | cut -c1-64)" = "$want" ] ||
	fail "the wrapped key is not the new Contingency public key"
# ... and not the old one: the old Symmetric Key (from the key generation) no longer opens it.
{ share_words "$(echo "$KEYGEN"/frank/contingency-symmetric-*.share | cut -d' ' -f1)" \
	"frank rehearsal passphrase for contingency-symmetric share 1"; echo "$WORDS"
share_words "$(echo "$KEYGEN"/heidi/contingency-symmetric-*.share | cut -d' ' -f1)" \
	"heidi rehearsal passphrase for contingency-symmetric share 3"; echo "$WORDS"; } >"$T/old.words"
expect 0 ceremony slip39 combine <"$T/old.words"
oldsym=$(tr -d '\n' <"$T/out")
[ "$oldsym" != "$sym" ] || fail "the Symmetric Key did not change"
if openssl enc -d -id-aes128-wrap-pad -K "$oldsym" -iv A65959A6 -in "$T/wrapped.bin" \
	-out /dev/null 2>/dev/null; then fail "the old Symmetric Key unwraps the new Root"; fi
# The old keys are retired and their shares superseded.
for k in contingency contingency-symmetric; do
	grep '"event":"key-retired"' "$tr" | grep "\"key\":\"$k\"" |
		grep -q '"ceremony":"smki-keygen-2025"' || fail "$k not retired"
	id=$(grep '"share-written"' "$KEYGEN/public/transcript.jsonl" | grep "\"key\":\"$k\"" |
		head -n 1 | sed 's/.*"identifier":\([0-9]*\).*/\1/')
	grep '"event":"shares-superseded"' "$tr" | grep "\"key\":\"$k\"" |
		grep -q "\"identifier\":$id," || fail "the old shares of $k are not superseded"
done
# A later ceremony that reads the renewal's transcript refuses to rebuild the retired keys: the
# contingency test of the key generation's keys, naming the renewal too, stops before any share.
M2=$T/after
media "$M2"
cp "$tr" "$M2/inbox/renew-transcript.jsonl"
rdigest=$(tail -n 1 "$tr" | sed 's/.*"final":"\([0-9a-f]*\)".*/\1/')
approve "$SRCDIR/scripts/smki-contingency-test.yaml" "$T/after.yaml"
sed -i "s/^inputs:/inputs:\n  - {id: renew, type: transcript-digest, ceremony: smki-contingency-renew-2025,\n     medium: inbox, file: renew-transcript.jsonl, digest: $rdigest}/" "$T/after.yaml"
expect 1 ceremony run "$T/after.yaml" --media "$M2" \
	--answers "$SRCDIR/scripts/smki-contingency-test.answers" --rehearsal
grep -q "which ceremony smki-contingency-renew-2025 retired" "$T/out" ||
	{ grep -A3 "ABORT\|NO-GO" "$T/out"; fail "a retired key was not refused"; }
if grep -q '"share-collected"' "$M2/public/transcript.jsonl"; then fail "a share was asked"; fi
