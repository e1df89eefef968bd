# The SMKI Recovery Procedure's ceremonies, chained on one run of the key generation example:
# Recovery-key command signing (scripts/smki-recovery-sign.yaml), each checked with openssl and
# pyca/cryptography.
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
