# Hostile input at every entry point: each case of the corpus tests/vectors/hostile/ (its
# README.md says how one is written) must fail cleanly:
#   - the exit status the case names, exactly (1 refused input, 2 usage or operational), and no
#     death by a signal;
#   - on stderr exactly one line, "ceremony: ..." holding the case's text, in printable UTF-8;
#     the documented exceptions: a malformed command line prints the usage text ("2usage"), and
#     a ceremony that stops says "ABORT: ..." once on stdout, its conversation's channel, with
#     nothing on stderr, and its transcript verifies as aborted with nothing signed ("1abort",
#     "2abort");
#   - no secret of the case on stdout or stderr: no word of an input marked secret ("<!F",
#     "@!F"), no phrase of the entry's "secrets" file nor three words of one in a row.
# Every case is run and every failure listed before the test fails.
# Each case's checks of what it printed are made in the shell itself, and the printable check of
# every case's stderr by one perl at the end: a process per check cost more than the case's own
# run of the program (some 0.3 s a case, of which the program some 0.05 s), and checked nothing
# more.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
need perl cmp
H=$SRCDIR/tests/vectors/hostile

# Words of the program's own messages that are also SLIP-39 words (a secret file's word may be
# one of them by chance).
ours=" group index member memory secret standard together twice unknown words share "

failed=0 cases=0

# bad WHAT: records a failure of the current case, with what it printed.
bad() {
	failed=$((failed + 1))
	echo "FAIL $where: $*"
	echo "  stdout: $(head -c 600 "$T/out" | cat -v)"
	echo "  stderr: $(head -c 600 "$E" | cat -v)"
}

# filler N BASE OUT: OUT is BASE (or nothing for "-") followed by comment lines up to N bytes.
filler() {
	if [ "$2" = - ]; then : >"$3"; else cat "$T/c/$2" >"$3"; fi
	have=$(wc -c <"$3")
	[ "$have" -lt "$1" ] || return 0
	perl -e 'my ($n) = @ARGV; my $l = "#" . ("x" x 78) . "\n";
		print $l x int($n / 80), "#" x ($n % 80)' $(($1 - have)) >>"$3"
}

# printable FILE...: the number (from 0) of each FILE that is not UTF-8 with no control
# character but LF, no C1 control, no bidi override (what an error message may show a person).
printable() {
	perl -MEncode -e 'for my $i (0 .. $#ARGV) {
		open(my $f, "<", $ARGV[$i]) or die "$ARGV[$i]: $!";
		local $/; my $s = <$f>; $s = "" unless defined $s;
		my $u = eval { Encode::decode("UTF-8", $s, Encode::FB_CROAK) };
		print "$i\n" if !defined $u ||
			$u =~ /[\x00-\x09\x0b-\x1f\x7f-\x9f\x{200e}\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]/;
	}' "$@"
}

# echoed FILE: FILE's words (3 characters or more, outside our own vocabulary) are not on
# stdout or stderr. All the words in one grep (-f), rather than a grep per word.
echoed() {
	local ws=()
	for w in $(tr -d '\0' <"$1" | tr -s ' \t\r\n' '\n\n\n\n' | sort -u); do
		[ ${#w} -ge 3 ] || continue
		case "$ours" in *" $w "*) continue ;; esac
		ws+=("$w")
	done
	[ ${#ws[@]} -gt 0 ] || return 0
	printf '%s\n' "${ws[@]}" >"$T/words"
	if grep -qiwF -f "$T/words" -- "$T/out" "$E"; then
		bad "a word of secret input ${1##*/} is echoed"
	fi
}

# phrases FILE: no line of FILE, nor three of its words in a row, is on stdout or stderr. All
# the phrases in one grep (-f): a grep per phrase was some 20 a case, most of this test's time.
phrases() {
	local ps=()
	while IFS= read -r s; do
		case $s in '' | '#'*) continue ;; esac
		set -- $s
		while :; do
			p="$*"
			[ $# -gt 3 ] && p="$1 $2 $3"
			ps+=("$p")
			[ $# -gt 3 ] || break
			shift
		done
	done <"$1"
	[ ${#ps[@]} -gt 0 ] || return 0
	printf '%s\n' "${ps[@]}" >"$T/phrases"
	grep -qiF -f "$T/phrases" -- "$T/out" "$E" || return 0
	# Which one, for the message.
	for p in "${ps[@]}"; do
		if grep -qiF -- "$p" "$T/out" "$E"; then
			bad "a secret of the entry is echoed ('${p%% *} ...')"
			return
		fi
	done
	bad "a secret of the entry is echoed"
}

# one_case ENTRY LINE: runs one line of ENTRY's cases file.
one_case() {
	entry=$1 line=$2 text=
	case $line in *" :: "*) text=${line#* :: } line=${line%% :: *} ;; esac
	read -r -a tok <<<"$line"
	want=${tok[0]}
	rm -rf "$T/c" && cp -a "$H/$entry" "$T/c"
	args=() stdin=/dev/null secret=()
	for t in "${tok[@]:1}"; do
		case $t in
		'<~'*) # <~N:BASE: BASE then filler, N bytes, as stdin
			spec=${t#<~} stdin=$T/c/.stdin
			filler "${spec%%:*}" "${spec#*:}" "$stdin" ;;
		'@~'*) # @~N:BASE: the same as a file argument
			spec=${t#@~} f=$T/c/.big-${spec%%:*}
			filler "${spec%%:*}" "${spec#*:}" "$f"
			args+=("$f") ;;
		'<%'*) # <%N: N bytes of zeros (a sparse file) as stdin
			stdin=$T/c/.sparse && truncate -s "${t#<%}" "$stdin" ;;
		'@%'*) # @%N: the same as a file argument
			f=$T/c/.sparse-${t#@%} && truncate -s "${t#@%}" "$f" && args+=("$f") ;;
		'<!'*) stdin=$T/c/${t#<!} secret+=("$stdin") ;;
		'<'*) stdin=$T/c/${t#<} ;;
		'@!'*) args+=("$T/c/${t#@!}") secret+=("$T/c/${t#@!}") ;;
		'@'*+*) # @DIR+CASE: a copy of DIR with each entry of CASE in place of DIR's
			t=${t#@} d=$T/c/$t
			cp -a "$T/c/${t%%+*}" "$d"
			for x in "$T/c/${t#*+}"/*; do
				rm -rf "${d:?}/${x##*/}" && cp -a "$x" "$d/"
			done
			args+=("$d") ;;
		'@'*) args+=("$T/c/${t#@}") ;;
		*'\'*) # printf escapes (\xff, \n): bytes a shell word cannot show
			a=$(printf '%b.' "$t") && args+=("${a%.}") ;;
		*) args+=("$t") ;;
		esac
	done
	where="$entry: $line"
	cases=$((cases + 1))
	# Each case's stderr is kept for the printable check at the end.
	E=$T/errs/$cases
	case $want in *abort) touch "$T/start" ;; esac
	set +e
	(cd "$T/c" && ceremony "${args[@]}" <"$stdin" >"$T/out" 2>"$E")
	rc=$?
	set -e
	IFS= read -r -d '' err <"$E" || true
	if [ "$rc" -ge 128 ]; then
		bad "killed by signal $((rc - 128))"
		return
	fi
	case $want in
	1 | 2)
		[ "$rc" = "$want" ] || { bad "exit $rc, not $want"; return; }
		# One line: one LF, the last byte (read stops at a NUL byte: then there is no LF, or
		# the printable check finds the NUL).
		[[ $err == *$'\n' && ${err%$'\n'} != *$'\n'* ]] || { bad "stderr is not one line"; return; }
		[[ $err == 'ceremony: '[^$'\n']* ]] || { bad "stderr is not 'ceremony: ...'"; return; }
		[ -z "$text" ] || [[ $err == *"$text"* ]] || { bad "stderr lacks '$text'"; return; } ;;
	2usage)
		[ "$rc" = 2 ] || { bad "exit $rc, not 2"; return; }
		[[ $err == 'usage: ceremony'* ]] || { bad "no usage text"; return; }
		[ ! -s "$T/out" ] || { bad "usage on stdout"; return; } ;;
	1abort | 2abort)
		[ "$rc" = "${want%abort}" ] || { bad "exit $rc, not ${want%abort}"; return; }
		[ ! -s "$E" ] || { bad "stderr in a ceremony that stops"; return; }
		[ "$(grep -c '^ABORT: ' "$T/out")" = 1 ] || { bad "not one ABORT line"; return; }
		grep '^ABORT: ' "$T/out" | grep -qF -- "$text" || { bad "ABORT lacks '$text'"; return; }
		cp "$T/out" "$T/case.out"
		for tr in $(find "$T/c" -name transcript.jsonl -newer "$T/start"); do
			(aborted "${tr%/*}" "ABORT: ") >"$T/aborted" 2>&1 ||
				{ cp "$T/case.out" "$T/out"; bad "$(tail -n 1 "$T/aborted")"; return; }
		done
		cp "$T/case.out" "$T/out" ;;
	*) bad "unknown expectation '$want' in the cases file"; return ;;
	esac
	checked+=("$E") checked_where+=("$where")
	for s in ${secret[@]+"${secret[@]}"}; do echoed "$s"; done
	[ ! -f "$T/c/secrets" ] || phrases "$T/c/secrets"
}

# cases_of ENTRY: how many cases ENTRY has.
cases_of() { grep -cv -e '^$' -e '^#' "$H/$1/cases"; }

# part N ENTRY...: the cases of the ENTRYs, in a scratch directory of their own ($T/part$N);
# what failed in $T/part$N.out, "CASES FAILED" in $T/part$N.sum.
part() {
	T=$T/part$1
	shift
	mkdir -p "$T/errs"
	failed=0 cases=0 checked=() checked_where=()
	for entry in "$@"; do
		while IFS= read -r -u 3 l; do
			case $l in '' | '#'*) continue ;; esac
			one_case "$entry" "$l"
		done 3<"$H/$entry/cases"
	done
	printable ${checked[@]+"${checked[@]}"} >"$T/unprintable" ||
		fail "the printable check failed to run"
	for i in $(cat "$T/unprintable"); do
		failed=$((failed + 1))
		echo "FAIL ${checked_where[i]}: stderr is not printable UTF-8"
		echo "  stderr: $(head -c 600 "${checked[i]}" | cat -v)"
	done
	echo "$cases $failed" >"$T.sum"
}

# The entries in two parts of about as many cases, run side by side: under valgrind a case is
# some 3 s, and this test alone was the critical path of make valgrind's CLI tests.
a=() b=() na=0 nb=0
for e in $(for cf in "$H"/*/cases; do e=${cf%/cases} e=${e##*/}; echo "$(cases_of "$e") $e"; done |
	sort -k1,1nr -k2 | cut -d' ' -f2); do
	n=$(cases_of "$e")
	if [ $na -le $nb ]; then a+=("$e") na=$((na + n)); else b+=("$e") nb=$((nb + n)); fi
done
[ ${#a[@]} -gt 0 ] && [ ${#b[@]} -gt 0 ] || fail "the hostile corpus has fewer than two entries"
part 0 "${a[@]}" >"$T/part0.out" 2>&1 &
p0=$!
part 1 "${b[@]}" >"$T/part1.out" 2>&1 &
p1=$!
# Should this test be stopped, its parts stop with it.
trap 'kill $p0 $p1 2>/dev/null || true' EXIT
wait $p0 || { cat "$T/part0.out"; fail "part 0 (${a[*]}) did not finish"; }
wait $p1 || { cat "$T/part1.out"; fail "part 1 (${b[*]}) did not finish"; }
cat "$T/part0.out" "$T/part1.out"
read -r c0 f0 <"$T/part0.sum"
read -r c1 f1 <"$T/part1.sum"
cases=$((c0 + c1)) failed=$((f0 + f1))
[ "$cases" = $((na + nb)) ] || fail "ran $cases cases of $((na + nb))"
echo "hostile: $cases cases, $failed failed (${a[*]} | ${b[*]})"
[ "$cases" -ge 150 ] || fail "only $cases cases"
[ "$failed" = 0 ] || fail "$failed hostile case(s) not refused cleanly"
