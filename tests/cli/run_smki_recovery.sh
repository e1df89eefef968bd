# The SMKI Recovery Procedure's ceremonies, chained on one run of the key generation example:
# Recovery-key command signing (scripts/smki-recovery-sign.yaml), the renewal of the contingency
# keys with the Root certified again (scripts/smki-contingency-renew.yaml) and the replacement of
# a compromised Recovery key (scripts/smki-recovery-replace.yaml), each checked with openssl and
# pyca/cryptography, and each retirement refused by a later ceremony.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
need xxd
keygen

# recovery_media DIR NAME: fresh media for example NAME, with its shipped inbox.
recovery_media() {
	media "$1"
	cp "$SRCDIR/scripts/$2.inbox/"* "$1/inbox/"
}

# ran NAME: the example NAME run on fresh media in M=$T/NAME, with pub its public medium and tr
# its transcript.
ran() {
	M=$T/$1 pub=$T/$1/public tr=$T/$1/public/transcript.jsonl
	recovery_media "$M" "$1"
	run_example "$1" "$M"
}

# refused NAME TRANSCRIPT CEREMONY DIR SCRIPT ANSWERS: SCRIPT (approved) run on DIR, naming also
# TRANSCRIPT, the closed transcript of CEREMONY, as input NAME: it must stop with the retired key
# refused, before any share is collected.
refused() {
	cp "$2" "$4/inbox/$1-transcript.jsonl"
	approve "$5" "$T/$1.yaml"
	sed -i "s/^inputs:/inputs:\n  - {id: $1, type: transcript-digest, ceremony: $3,\n     medium: inbox, file: $1-transcript.jsonl, digest: $(tail -n 1 "$2" |
		sed 's/.*"final":"\([0-9a-f]*\)".*/\1/')}/" "$T/$1.yaml"
	expect 1 ceremony run "$T/$1.yaml" --media "$4" --answers "$6" --rehearsal
	grep -q "which ceremony $3 retired" "$T/out" ||
		{ grep -A3 "ABORT\|NO-GO" "$T/out"; fail "a key $3 retired was not refused"; }
	if grep -q '"share-collected"' "$4/public/transcript.jsonl"; then fail "a share was asked"; fi
}

# --- Recovery-key command signing -----------------------------------------------------------
ran smki-recovery-sign
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
# signed M PUB: every payload of M/inbox is signed as r || s and DER by the key in PUB (PEM).
signed() {
	n=0
	for p in "$1"/inbox/payload-*.bin; do
		f=$(basename "$p")
		n=$((n + 1))
		[ "$(wc -c <"$pub/$f.rs")" = 64 ] || fail "$f.rs is not 64 octets"
		expect 0 openssl dgst -sha256 -verify "$2" -signature "$pub/$f.sig" "$p"
		grep -q "Verified OK" "$T/out" || fail "the DER signature of $f does not verify"
		rs=$(xxd -p "$pub/$f.rs" | tr -d '\n')
		psha=$(sha256sum "$p" | cut -c1-64)
		grep '"event":"payload-signed"' "$tr" | grep "\"payload\":\"$f\"" |
			grep "\"payload_sha256\":\"$psha\"" | grep -q "\"signature_rs\":\"$rs\"" ||
			fail "payload-signed of $f"
		grep -q "^$psha $rs $f\$" "$pub/signatures.txt" || fail "signatures.txt: $f"
		# r || s, as a device reads it: verified by pyca/cryptography, independently of the DER.
		if python3 -c 'import cryptography' 2>/dev/null; then
			python3 - "$2" "$pub/$f.rs" "$p" <<'PY' || fail "r||s of $f"
import sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_public_key
pub = load_pem_public_key(open(sys.argv[1], "rb").read())
rs = open(sys.argv[2], "rb").read()
assert len(rs) == 64
sig = encode_dss_signature(int.from_bytes(rs[:32], "big"), int.from_bytes(rs[32:], "big"))
pub.verify(sig, open(sys.argv[3], "rb").read(), ec.ECDSA(hashes.SHA256()))
PY
		fi
	done
	[ $n = 3 ] || fail "payloads: $n"
	[ "$(grep -c '"event":"payload-signed"' "$tr")" = 3 ] || fail "payload-signed count"
}
signed "$M" "$T/recovery.pub"
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
ran smki-contingency-renew
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
media "$T/after"
refused renew "$tr" smki-contingency-renew-2025 "$T/after" \
	"$SRCDIR/scripts/smki-contingency-test.yaml" "$SRCDIR/scripts/smki-contingency-test.answers"

# --- Recovery key replacement ----------------------------------------------------------------
ran smki-recovery-replace
csr=$pub/recovery-csr.pem
expect 0 openssl req -in "$csr" -noout -verify
grep -q "OK" "$T/err" "$T/out" || fail "the new Recovery CSR does not verify"
openssl req -in "$csr" -noout -subject | grep -q "OU *= *01" || fail "new CSR subject"
openssl req -in "$csr" -noout -pubkey >"$T/recovery2.pub"
[ "$(cat "$T/recovery2.pub")" != "$(cat "$T/recovery.pub")" ] || fail "the Recovery key is the old one"
want=$(grep '"event":"key-generated"' "$KEYGEN/public/transcript.jsonl" | grep '"key":"recovery"' |
	sed 's/.*"spki_sha256":"\([0-9a-f]*\)".*/\1/')
grep '"event":"key-retired"' "$tr" | grep '"key":"recovery"' |
	grep -q "\"spki_sha256\":\"$want\"" || fail "the old Recovery key is not retired"
id=$(grep '"share-written"' "$KEYGEN/public/transcript.jsonl" | grep '"key":"recovery"' | head -n 1 |
	sed 's/.*"identifier":\([0-9]*\).*/\1/')
grep '"event":"shares-superseded"' "$tr" | grep -q "\"identifier\":$id," ||
	fail "the old Recovery shares are not superseded"
# Recovery-key signing, naming this transcript too: the old key is refused before any share ...
recovery_media "$T/sign-old" smki-recovery-sign
refused replace "$tr" smki-recovery-replace-2025 "$T/sign-old" \
	"$SRCDIR/scripts/smki-recovery-sign.yaml" "$SRCDIR/scripts/smki-recovery-sign.answers"
# ... and the new one, from the replacement's shares, signs, proven against its record there;
# the payloads come by QR this time (images on the inbox, when qrencode is here).
M3=$T/sign-new
media "$M3" "$M"
cp "$SRCDIR/scripts/smki-recovery-sign.inbox/"* "$M3/inbox/"
cp "$tr" "$M3/inbox/replace-transcript.jsonl"
sed "s/{id: recovery-shares, type: shares, ceremony: smki-keygen-2025}/{id: recovery-shares, type: shares, ceremony: smki-recovery-replace-2025}/" \
	"$T/replace.yaml" >"$T/sign-new.yaml"
sed -e 's/heidi rehearsal passphrase for recovery share 3/heidi replacement passphrase for recovery share 3/' \
	-e 's/dave rehearsal passphrase for recovery share 1/dave replacement passphrase for recovery share 1/' \
	"$SRCDIR/scripts/smki-recovery-sign.answers" >"$T/sign-new.answers"
mkdir -p "$T/payloads/inbox"
cp "$M3"/inbox/payload-*.bin "$T/payloads/inbox/"
if command -v qrencode >/dev/null; then
	for p in "$T"/payloads/inbox/*.bin; do
		qrencode -o "$M3/inbox/${p##*/}.png" <"$p"
		rm "$M3/inbox/${p##*/}"
	done
	sed -i '/id: commands/,/signing-input/{s/source: medium/source: qr/;/medium: inbox/d}' \
		"$T/sign-new.yaml"
	answer "$T/sign-new.answers" input.commands.qr inbox
fi
expect 0 ceremony run "$T/sign-new.yaml" --media "$M3" --answers "$T/sign-new.answers" --rehearsal
pub=$M3/public tr=$M3/public/transcript.jsonl
verified "$pub"
signed "$T/payloads" "$T/recovery2.pub"
if command -v qrencode >/dev/null; then
	grep '"kind":"payloads"' "$tr" | grep -q '"source":"qr"' || fail "the payloads did not come by QR"
fi
