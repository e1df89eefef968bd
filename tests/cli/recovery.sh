# docs/recovery.md followed literally with tools this project did not write (tests/cli/recovery.py:
# PyNaCl, pyca/cryptography, and the public JS SLIP-39 implementation): every key of the SMKI and
# generic key generations rebuilt from the share files (and some from card words typed in),
# checked against its certificate, CSR or transcript; the Root's apex contingency key unwrapped
# with the rebuilt Symmetric Key and checked against the rebuilt Contingency key.
. "$SRCDIR/tests/cli/lib.sh"
need openssl
need_python 'nacl.pwhash, nacl.bindings, cryptography' \
	"PyNaCl and cryptography (python3-nacl, python3-cryptography)"
. "$SRCDIR/tests/cli/interop.bash"
# SLIP-39 with the empty passphrase (docs/slip39.md, "What the ceremonies split").
SLIP39="node $SRCDIR/tests/interop/slip39.js combine"

# The SMKI key generation: Root, Contingency, Recovery (P-256) and the Symmetric Key (AES-128).
# At a real terminal (tmux, tests/cli/tty.bash) the share cards are shown, and their words are
# copied off the screen as a custodian copies them onto paper: recovery.py rebuilds every key from
# those cards too. Under a runner, or without tmux, the answers file drives the ceremony and the
# card words are the share files' (the same mnemonics).
S=$T/smki
for d in public backup carol dave erin frank grace heidi; do mkdir -p "$S/$d"; done
if [ "${CEREMONY%% *}" = "$CEREMONY" ] && command -v tmux >/dev/null; then
	. "$SRCDIR/tests/cli/tty.bash"
	tty_start "$SRCDIR/scripts/smki-keygen.answers" \
		"$CEREMONY" run "$SRCDIR/scripts/smki-keygen.yaml" --media "$S" --rehearsal
	tty_drive
	[ "$(cat "$T/exit")" = 0 ] || fail "the terminal ceremony exited $(cat "$T/exit")"
	[ "$tty_cards" = 14 ] || fail "expected 14 share cards, saw $tty_cards"
	cards=(--card-words "$T/cards")
else
	expect 0 ceremony run "$SRCDIR/scripts/smki-keygen.yaml" --media "$S" \
		--answers "$SRCDIR/scripts/smki-keygen.answers" --rehearsal
	cards=(--cards root:2,4,5 --cards contingency-symmetric:1,3)
fi
"$PY" "$SRCDIR/tests/cli/recovery.py" --slip39 "$SLIP39" --public "$S/public" --media "$S" \
	--passphrases "$SRCDIR/scripts/smki-keygen.answers" --expect-keys 4 "${cards[@]}" \
	>"$T/smki.out" 2>&1 || { cat "$T/smki.out"; fail "SMKI recovery"; }
cat "$T/smki.out"
grep -q "^root .*certificate (SPKI and a test signature) match" "$T/smki.out" || fail "root"
grep -q "^recovery .*CSR (SPKI and a test signature) match" "$T/smki.out" || fail "recovery"
grep -q "^contingency (ec-p256, .*transcript spki_sha256 match" "$T/smki.out" || fail "contingency"
grep -q "^contingency-symmetric (aes-128, .*check value .* matches" "$T/smki.out" || fail "symmetric"
grep -q "unwraps with contingency-symmetric to contingency's public key" "$T/smki.out" || fail "apex"

# openssl agrees on the certificate's key: the Root's SPKI SHA-256 is the transcript's.
want=$(grep '"event":"key-generated"' "$S/public/transcript.jsonl" | grep '"key":"root"' |
	sed 's/.*"spki_sha256":"\([0-9a-f]*\)".*/\1/')
got=$(openssl x509 -in "$S/public/root.pem" -noout -pubkey | openssl pkey -pubin -outform DER |
	sha256sum | cut -d' ' -f1)
[ "$want" = "$got" ] || fail "openssl: root SPKI SHA-256 $got, transcript $want"

# The generic key generation: a P-384 root, its shares splitting the key file's KEK; then the same
# script for an Ed25519 root (split directly) and an RSA-3072 root (a key file again).
# Under a runner (make valgrind) only the key-file case: the others add no code of ours.
algs="ec-p384 ed25519 rsa-3072"
[ "${CEREMONY%% *}" = "$CEREMONY" ] || algs=ec-p384
for alg in $algs; do
	G=$T/generic-$alg
	mkdir -p "$G/public" "$G/cara" "$G/cody" "$G/cruz"
	sed "s/algorithm: ec-p384/algorithm: $alg/" "$SRCDIR/scripts/generic-root-keygen.yaml" >"$T/$alg.yaml"
	expect 0 ceremony run "$T/$alg.yaml" --media "$G" \
		--answers "$SRCDIR/scripts/generic-root-keygen.answers" --rehearsal
	case $alg in ed25519) ! ls "$G"/public/*.key >/dev/null 2>&1 || fail "ed25519 has a key file" ;;
	*) ls "$G"/public/root-*.key >/dev/null || fail "$alg has no key file" ;; esac
	"$PY" "$SRCDIR/tests/cli/recovery.py" --slip39 "$SLIP39" --public "$G/public" --media "$G" \
		--passphrases "$SRCDIR/scripts/generic-root-keygen.answers" --expect-keys 1 \
		--cards root:1,3 >"$T/gen.out" 2>&1 || { cat "$T/gen.out"; fail "generic $alg recovery"; }
	cat "$T/gen.out"
	grep -q "^root ($alg, .*certificate (SPKI and a test signature) match" "$T/gen.out" ||
		fail "generic $alg root"
done
G=$T/generic-ec-p384

# A wrong passphrase does not open a share file, and a wrong SLIP-39 passphrase gives a key that
# fails its check: recovery.py says so and stops.
sed 's/^\(share\.root\.1\.passphrase = \).*/\1wrong wrong wrong/' \
	"$SRCDIR/scripts/generic-root-keygen.answers" >"$T/wrong.answers"
! "$PY" "$SRCDIR/tests/cli/recovery.py" --slip39 "$SLIP39" --public "$G/public" --media "$G" \
	--passphrases "$T/wrong.answers" >"$T/wrong.out" 2>&1 || fail "a wrong passphrase opened a file"
printf 'not empty\n' >"$T/pp"
! "$PY" "$SRCDIR/tests/cli/recovery.py" --slip39 "node $SRCDIR/tests/interop/slip39.js combine $T/pp" \
	--public "$S/public" --media "$S" --passphrases "$SRCDIR/scripts/smki-keygen.answers" \
	>"$T/wrong2.out" 2>&1 || fail "a non-empty SLIP-39 passphrase rebuilt the keys"
grep -q "FAIL: " "$T/wrong2.out" || fail "no reason given"
