# The committed known-answer share file (tests/vectors/sharefile/, which test_sharefile.c
# reproduces byte for byte) opened by an independent reader written from docs/sharefile.md:
# the reference argon2 tool and Python's cryptography package, no code of ours.
. "$SRCDIR/tests/cli/lib.sh"
need argon2 python3
python3 -c 'from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305' \
	2>/dev/null || { echo "no python3 cryptography"; exit 77; }

S=$SRCDIR/tests/vectors/sharefile/v1-rehearsal.cshare
OPEN="python3 $SRCDIR/tests/cli/sharefile_open.py"

printf '%s' "correct horse battery staple" | $OPEN "$S" >"$T/out" || {
	cat "$T/out"
	fail "the share file does not open independently"
}
for s in "ceremony: smki-keygen-rehearsal" "key: root" "rehearsal: 1" \
	"argon2id: t=2 m=19456 KiB" "created: 1714554000" "identifier: 7945" \
	"group: 0 of 1 (threshold 1), member 2 (threshold 3)" \
	"key fingerprint: a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" \
	"mnemonic: duckling enlarge academic academic agency result length solution fridge kidney coal piece deal husband erode duke ajar critical decision keyboard"; do
	grep -qx -- "$s" "$T/out" || { cat "$T/out"; fail "independent reader lacks '$s'"; }
done

# A wrong passphrase, and one header byte changed (the key name), do not open.
printf '%s' "correct horse battery stapler" | $OPEN "$S" >"$T/out" && fail "wrong passphrase opened"
grep -q "does not open" "$T/out" || fail "wrong passphrase message"
sed 's/root/ruot/' "$S" >"$T/edited.cshare"
printf '%s' "correct horse battery staple" | $OPEN "$T/edited.cshare" >"$T/out" &&
	fail "edited header opened"
grep -q "key: ruot" "$T/out" || fail "edit not applied"
