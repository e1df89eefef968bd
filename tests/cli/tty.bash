# Playing the people at a real terminal: tmux runs an interactive ceremony, and tty_drive reads
# each prompt's id off the screen and types the answer an answers file gives for it. For the
# copy-back of share words it reads the words off the share card the program showed (as a
# custodian copies them onto paper). Source after lib.sh; uses $T.
#
#   tty_start ANSWERS CMD...  runs CMD in a 110x150 tmux session; its pid lands in $T/pid, its
#                             exit status in $T/exit
#   tty_drive [STOP_ID]       answers until the program exits, or returns as soon as the prompt
#                             STOP_ID is on the screen (unanswered: call tty_drive again to go on)
#   tty_pane                  the screen, lines joined
#
# Counters for the caller: tty_cards (share cards copied), tty_qrs (their QR screens),
# tty_asked (prompts answered). Each card's words are appended to $T/cards, one card a line.
need tmux

tty_sock=$T/tmux.sock
tm() { tmux -S "$tty_sock" "$@"; }
tty_pane() { tm capture-pane -p -J -t ceremony; }

tty_start() {
	tty_answers=$1
	shift
	# The inner shell execs the program, so the pid it writes is the program's.
	tm new-session -d -s ceremony -x 110 -y 150 \
		"sh -c 'echo \$\$ >$T/pid; exec \"\$@\"' sh $* >/dev/tty 2>&1; echo \$? >$T/exit; sleep 5"
	trap 'tm kill-server 2>/dev/null || true' EXIT
	tty_last= tty_words= tty_cards=0 tty_asked=0 tty_qrs=0
	tty_deadline=$((SECONDS + 300))
	: >"$T/cards"
}

tty_answer() { sed -n "s/^$(printf '%s' "$1" | sed 's/\./\\./g') = //p" "$tty_answers"; }

# A share card: the custodian copies the words, presses Enter, and the card must leave the
# screen (and its scrollback).
tty_card() {
	tty_words=$(printf '%s\n' "$1" | grep -oE '[0-9]+\. [a-z]+' | sort -n | awk '{print $2}' |
		tr '\n' ' ' | sed 's/ $//')
	[ -n "$tty_words" ] || fail "a share card without words"
	printf '%s\n' "$tty_words" >>"$T/cards"
	tty_cards=$((tty_cards + 1))
	tm send-keys -t ceremony Enter
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		tm capture-pane -p -J -S - -t ceremony | grep -qE '^ *1\. [a-z]+' || break
		sleep 0.1
	done
	if tm capture-pane -p -J -S - -t ceremony | grep -qE '^ *1\. [a-z]+'; then
		fail "the share card is still on the screen after Enter"
	fi
}

tty_drive() {
	local stop=${1:-} pane id v
	while [ ! -s "$T/exit" ]; do
		[ $SECONDS -lt $tty_deadline ] || { tty_pane | tail -n 30; fail "timed out"; }
		pane=$(tty_pane 2>/dev/null) || break
		if printf '%s\n' "$pane" | grep -q "the QR code of your share"; then
			# The card's QR code, on a screen of its own after the words.
			tty_qrs=$((tty_qrs + 1))
			tm send-keys -t ceremony Enter
			while tty_pane | grep -q "the QR code of your share"; do sleep 0.05; done
			continue
		fi
		if printf '%s\n' "$pane" | grep -q "Press Enter when you have finished"; then
			tty_card "$pane"
			continue
		fi
		id=$(printf '%s\n' "$pane" | grep -oE '\[[a-z0-9.-]+\] *$' | tail -n 1 | tr -d '[] ')
		if [ -n "$id" ] && [ "$id" != "$tty_last" ]; then
			[ "$id" != "$stop" ] || return 0
			v=$(tty_answer "$id")
			# QR codes played on the screen: the receiving side has them.
			case $id in output.*.received) v=yes ;; esac
			case $id in go.override.*) ;; *) [ -n "$v" ] || [ "${id#entropy.}" != "$id" ] ||
				fail "no answer for $id" ;; esac
			[ "$v" = "@shown" ] && v=$tty_words
			tm send-keys -t ceremony -l "$v"
			tm send-keys -t ceremony Enter
			tty_last=$id tty_asked=$((tty_asked + 1))
		fi
		sleep 0.05
	done
	[ -z "$stop" ] || { tty_pane | tail -n 30; fail "the program ended before prompt $stop"; }
	[ "$(cat "$T/exit")" = 0 ] || { tty_pane | tail -n 30; fail "exit $(cat "$T/exit")"; }
}
