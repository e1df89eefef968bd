# The interactive flow in a real terminal: tmux runs the SMKI key-generation ceremony, and this
# script plays the people. It reads each prompt's id off the screen, types the answer the
# rehearsal answers file gives for it, and for the copy-back of share words reads the words off
# the share card the program showed (as a custodian copies them onto paper), so the terminal
# paths (no-echo passphrases, the secret card that is cleared, colour) are exercised for real.
. "$SRCDIR/tests/cli/lib.sh"
need tmux

answers=$SRCDIR/scripts/smki-keygen.answers
M=$T/media
for d in public backup carol dave erin frank grace heidi; do mkdir -p "$M/$d"; done
bin=${CEREMONY%% *}
[ "$bin" = "$CEREMONY" ] || { echo "under a runner: the terminal test drives the binary alone"; exit 77; }

sock=$T/tmux.sock
tm() { tmux -S "$sock" "$@"; }
tm new-session -d -s ceremony -x 110 -y 150 \
	"$bin run $SRCDIR/scripts/smki-keygen.yaml --media $M --rehearsal >/dev/tty 2>&1; echo \$? >$T/exit; sleep 5"
trap 'tm kill-server 2>/dev/null || true' EXIT

answer() { sed -n "s/^$(printf '%s' "$1" | sed 's/\./\\./g') = //p" "$answers"; }

last= words= cards=0 asked=0
deadline=$((SECONDS + 240))
while [ ! -s "$T/exit" ]; do
	[ $SECONDS -lt $deadline ] || { tm capture-pane -p -J -t ceremony | tail -n 30; fail "timed out"; }
	pane=$(tm capture-pane -p -J -t ceremony 2>/dev/null) || break
	if printf '%s\n' "$pane" | grep -q "Press Enter when you have finished"; then
		# A share card: the custodian copies the words, then the screen is cleared.
		words=$(printf '%s\n' "$pane" | grep -oE '[0-9]+\. [a-z]+' | sort -n | awk '{print $2}' |
			tr '\n' ' ' | sed 's/ $//')
		[ -n "$words" ] || fail "a share card without words"
		cards=$((cards + 1))
		tm send-keys -t ceremony Enter
		# The card must leave the screen (and its scrollback) once Enter is pressed.
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			tm capture-pane -p -J -S - -t ceremony | grep -qE '^ *1\. [a-z]+' || break
			sleep 0.1
		done
		if tm capture-pane -p -J -S - -t ceremony | grep -qE '^ *1\. [a-z]+'; then
			fail "the share card is still on the screen after Enter"
		fi
		continue
	fi
	id=$(printf '%s\n' "$pane" | grep -oE '\[[a-z0-9.-]+\] *$' | tail -n 1 | tr -d '[] ')
	if [ -n "$id" ] && [ "$id" != "$last" ]; then
		v=$(answer "$id")
		case $id in go.override.*) ;; *) [ -n "$v" ] || [ "${id#entropy.}" != "$id" ] ||
			fail "no answer for $id" ;; esac
		[ "$v" = "@shown" ] && v=$words
		tm send-keys -t ceremony -l "$v"
		tm send-keys -t ceremony Enter
		last=$id asked=$((asked + 1))
	fi
	sleep 0.05
done
[ "$(cat "$T/exit")" = 0 ] || { tm capture-pane -p -J -t ceremony | tail -n 30; fail "ceremony exit $(cat "$T/exit")"; }
[ "$cards" = 14 ] || fail "expected 14 share cards (5 root, 3 each for the others), saw $cards"
expect 0 ceremony transcript verify "$M/public/transcript.jsonl" --artifacts "$M/public"
grep -q "outcome *closed" "$T/out" || fail "not closed"
echo "answered $asked prompts, copied $cards share cards"
