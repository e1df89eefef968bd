# The interactive flow in a real terminal: tmux runs the SMKI key-generation ceremony, and
# tests/cli/tty.bash plays the people from the rehearsal answers file, copying the share words
# off each card, so the terminal paths (no-echo passphrases, the secret card that is cleared,
# colour) are exercised for real.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/tty.bash"

M=$T/media
for d in public backup carol dave erin frank grace heidi; do mkdir -p "$M/$d"; done
bin=${CEREMONY%% *}
[ "$bin" = "$CEREMONY" ] || { echo "under a runner: the terminal test drives the binary alone"; exit 77; }

tty_start "$SRCDIR/scripts/smki-keygen.answers" \
	"$bin" run "$SRCDIR/scripts/smki-keygen.yaml" --media "$M" --rehearsal
tty_drive
[ "$tty_cards" = 14 ] || fail "expected 14 share cards (5 root, 3 each for the others), saw $tty_cards"
[ "$tty_qrs" = 14 ] || fail "expected every card's QR code on a screen of its own, saw $tty_qrs"
expect 0 ceremony transcript verify "$M/public/transcript.jsonl" --artifacts "$M/public"
grep -q "outcome *closed" "$T/out" || fail "not closed"
echo "answered $tty_asked prompts, copied $tty_cards share cards"
