# A ceremony at a pseudo-terminal with the slips people make (tests/cli/tty_slips.py: a `no` to
# "medium inserted", passphrases that differ, wrong copy-backs and the card shown again, wrong
# passphrases at the test reconstruction and another custodian's share used instead, a QR replay,
# a terminal too small for a card's QR code, a bag number typed twice):
# each is retried and recorded, the ceremony closes, the transcript verifies, and no custodian's
# words are on the screen or in its scrollback when another custodian is addressed.
. "$SRCDIR/tests/cli/lib.sh"
need_python 'pexpect, pyte' "pexpect and pyte (python3-pexpect, python3-pyte)"
bin=${CEREMONY%% *}
[ "$bin" = "$CEREMONY" ] || { echo "under a runner: the terminal test drives the binary alone"; exit 77; }

M=$T/media
for d in public cara cody cruz; do mkdir -p "$M/$d"; done
"$PY" "$SRCDIR/tests/cli/tty_slips.py" "$bin" "$SRCDIR/scripts/generic-root-keygen.yaml" \
	"$SRCDIR/scripts/generic-root-keygen.answers" "$M" || fail "the ceremony at the terminal"
expect 0 ceremony transcript verify "$M/public/transcript.jsonl" --artifacts "$M/public"
grep -q "outcome *closed" "$T/out" || fail "not closed"
# Every slip is in the transcript: 1 medium, 1 passphrase, 4 copy-backs, 4 test passphrases,
# 1 bag number.
slips=$(grep -c '"text":"a slip, not accepted"' "$M/public/transcript.jsonl" || true)
[ "$slips" = 11 ] || fail "expected 11 slips recorded, found $slips"
grep -q '"choice":"other-share"' "$M/public/transcript.jsonl" || fail "the swap is not recorded"
grep -q '"prompt":"share.root.1.medium","reason":"answer yes or no","text":"an answer refused' \
	"$M/public/transcript.jsonl" || fail "the refused answer is not recorded"
grep -q '"text":"the share card shown again, a witness confirming"' "$M/public/transcript.jsonl" ||
	fail "the card shown again is not recorded"
grep -q '"text":"the share card'"'"'s QR code was not shown"' "$M/public/transcript.jsonl" ||
	fail "the QR code too big for the terminal is not recorded"
grep -q '"event":"share-accepted".*"bag":"EX-502"' "$M/public/transcript.jsonl" ||
	fail "the bag numbers are not recorded"
