# ceremony slip39 split/combine end to end: the published vectors, round trips, every error
# message with its exit code, and that no error repeats a share word or the secret.
. "$SRCDIR/tests/cli/lib.sh"
need python3

V=$SRCDIR/tests/vectors/slip39/vectors.json
S128=bb54aac4b89dc868ba37d9cc21b2cece
S256=989baf9dcaad5b10ea7c4d3c33b1e1b0d43a6a0e32c6d05ad7e98ff3f08a6a7d
printf 'TREZOR\n' >"$T/trezor"

# Words our own messages use that happen to be in the SLIP-39 list.
ours=" group index member memory secret standard together twice unknown "
# no_echo FILE...: stderr holds no word of the given inputs (beyond our vocabulary), no secret.
no_echo() {
	for w in $(cat "$@" | tr -s ' \n' '\n\n' | sort -u); do
		case "$ours" in *" $w "*) continue ;; esac
		! grep -qiw -- "$w" "$T/err" || { cat "$T/err"; fail "stderr repeats '$w'"; }
	done
	! grep -qi -e "$S128" -e "$S256" "$T/err" || fail "stderr repeats the secret"
}

# --- help and usage ---
for a in "--help" "split --help" "combine --help" "help"; do
	expect 0 ceremony slip39 $a
	grep -q "^usage: ceremony slip39 split" "$T/out" || fail "usage for '$a'"
done
expect 2 ceremony slip39
expect_err 2 "unknown slip39 command" ceremony slip39 frobnicate
echo $S128 >"$T/s128"
expect_err 2 "unknown argument" ceremony slip39 split --threshold 2 --shares 3 --bogus <"$T/s128"
expect_err 2 "needs a value" ceremony slip39 split --threshold 2 --shares <"$T/s128"
expect_err 2 "1 to 16" ceremony slip39 split --threshold 0 --shares 3 <"$T/s128"
expect_err 2 "1 to 16" ceremony slip39 split --threshold 2 --shares 17 <"$T/s128"
expect_err 2 "1 to 16" ceremony slip39 split --threshold 2x --shares 3 <"$T/s128"
expect_err 2 "1 to 16" ceremony slip39 split --threshold 2 --threshold 2 --shares 3 <"$T/s128"
expect_err 2 "more than the shares" ceremony slip39 split --threshold 4 --shares 3 <"$T/s128"
expect_err 2 "go together" ceremony slip39 split --threshold 2 <"$T/s128"
expect_err 2 "threshold of 1 needs exactly 1 share" ceremony slip39 split --threshold 1 --shares 3 <"$T/s128"
expect_err 2 "not both" ceremony slip39 split --threshold 2 --shares 3 --group 2/3 <"$T/s128"
expect_err 2 "give --threshold" ceremony slip39 split <"$T/s128"
expect_err 2 "give --threshold" ceremony slip39 split --group 2/3 <"$T/s128"
expect_err 2 "T/N" ceremony slip39 split --group-threshold 1 --group 3/2 <"$T/s128"
expect_err 2 "T/N" ceremony slip39 split --group-threshold 1 --group 2 <"$T/s128"
expect_err 2 "more than the groups" ceremony slip39 split --group-threshold 3 --group 2/3 --group 1/1 <"$T/s128"
expect_err 2 "0 to 15" ceremony slip39 split --threshold 2 --shares 3 --iteration-exponent 16 <"$T/s128"
expect_err 2 "unexpected argument" ceremony slip39 combine --threshold 2
expect_err 2 "passphrase file" ceremony slip39 combine --passphrase-file "$T/none" </dev/null

# --- the master secret on stdin: hex, 16..32 bytes, even; never echoed ---
for bad in "" "00" "$S128"0 "${S128%??}" "${S128}aabb${S128}aabbcc" "${S128%?}g" "$S128$S128"00 \
	"$S128 " "${S128}aa"; do
	printf '%s\n' "$bad" >"$T/bad"
	expect_err 2 "16 to 32 bytes" ceremony slip39 split --threshold 2 --shares 3 <"$T/bad"
	[ -z "$bad" ] || ! grep -q -- "$bad" "$T/err" || fail "secret echoed"
done
printf '%s' "$S128" >"$T/nonl"
expect 0 ceremony slip39 split --threshold 1 --shares 1 --iteration-exponent 0 <"$T/nonl"
printf 'caf\303\251\n' >"$T/utf8"
expect_err 2 "printable ASCII" ceremony slip39 split --threshold 2 --shares 3 \
	--passphrase-file "$T/utf8" <"$T/s128"

# --- the 45 published vectors (passphrase TREZOR) ---
python3 - "$V" "$T" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert len(v) == 45
for i, (what, ms, secret, *rest) in enumerate(v):
    open(f"{sys.argv[2]}/vec{i}.in", "w").write("\n".join(ms) + "\n")
    open(f"{sys.argv[2]}/vec{i}.want", "w").write(secret)
PY
valid=0 invalid=0
for i in $(seq 0 44); do
	expected=$(cat "$T/vec$i.want")
	if [ -n "$expected" ]; then
		expect 0 ceremony slip39 combine --passphrase-file "$T/trezor" <"$T/vec$i.in"
		[ "$(cat "$T/out")" = "$expected" ] || fail "vector $i: $(cat "$T/out")"
		valid=$((valid + 1))
	else
		expect 1 ceremony slip39 combine --passphrase-file "$T/trezor" <"$T/vec$i.in"
		[ ! -s "$T/out" ] || fail "vector $i printed something"
		[ "$(wc -l <"$T/err")" = 1 ] || fail "vector $i: not one line of error"
		no_echo "$T/vec$i.in"
		invalid=$((invalid + 1))
	fi
done
[ $valid = 15 ] && [ $invalid = 30 ] || fail "vectors: $valid valid, $invalid invalid"
# Some of the vector errors, by their exact message.
expect_err 1 "^ceremony: checksum error in share 1$" ceremony slip39 combine <"$T/vec1.in"
expect_err 1 "^ceremony: invalid padding in share 1$" ceremony slip39 combine <"$T/vec2.in"
expect_err 1 "shares from different sets (identifier mismatch)" ceremony slip39 combine <"$T/vec5.in"
expect_err 1 "^ceremony: duplicate member index 3 in group 1$" ceremony slip39 combine <"$T/vec10.in"
expect_err 1 "^ceremony: digest mismatch: a share is wrong" ceremony slip39 combine <"$T/vec12.in"
expect_err 1 "^ceremony: shares from 1 more group needed$" ceremony slip39 combine <"$T/vec13.in"
expect_err 1 "^ceremony: 1 more share needed from group 4$" ceremony slip39 combine <"$T/vec15.in"
expect_err 1 "share 1 has an invalid number of words" ceremony slip39 combine <"$T/vec38.in"
expect_err 1 "member threshold mismatch in group 1" ceremony slip39 combine <"$T/vec11.in"
expect_err 1 "does not match the others" ceremony slip39 combine <"$T/vec6.in"
expect_err 1 "inconsistent group numbers" ceremony slip39 combine <"$T/vec9.in"

# --- round trips: every pair of a 2-of-3, at 128 and 256 bits, with a passphrase ---
printf 'correct horse\n' >"$T/pw"
for s in $S128 $S256; do
	echo "$s" >"$T/secret"
	expect 0 ceremony slip39 split --threshold 2 --shares 3 --iteration-exponent 0 \
		--passphrase-file "$T/pw" <"$T/secret"
	cp "$T/out" "$T/shares"
	[ "$(wc -l <"$T/shares")" = 3 ] || fail "3 lines"
	want_words=$(( ${#s} == 32 ? 20 : 33 ))
	while read -r line; do
		[ "$(echo "$line" | wc -w)" = $want_words ] || fail "words per share"
	done <"$T/shares"
	for pair in "1 2" "1 3" "2 3" "3 1"; do
		set -- $pair
		{ sed -n "${1}p" "$T/shares"; echo; sed -n "${2}p" "$T/shares"; } >"$T/in"
		expect 0 ceremony slip39 combine --passphrase-file "$T/pw" <"$T/in"
		[ "$(cat "$T/out")" = "$s" ] || fail "round trip $pair"
	done
	# Without the passphrase: another secret, and no error (SLIP-39 cannot tell).
	expect 0 ceremony slip39 combine <"$T/in"
	[ "$(cat "$T/out")" != "$s" ] || fail "passphrase ignored"
done

# --- groups: output layout and messages ---
echo $S256 >"$T/secret"
expect 0 ceremony slip39 split --group-threshold 2 --group 1/1 --group 2/2 --group 3/3 \
	--extendable --iteration-exponent 0 <"$T/secret"
cp "$T/out" "$T/groups"
[ "$(wc -l <"$T/groups")" = 8 ] || fail "6 shares and 2 separators"
[ -z "$(sed -n 2p "$T/groups")" ] && [ -z "$(sed -n 5p "$T/groups")" ] || fail "group separators"
g1=$(sed -n 1p "$T/groups"); g2a=$(sed -n 3p "$T/groups"); g2b=$(sed -n 4p "$T/groups")
g3a=$(sed -n 6p "$T/groups"); g3b=$(sed -n 7p "$T/groups"); g3c=$(sed -n 8p "$T/groups")
printf '%s\n\n\n%s\n' "$g3b" "$g1" >"$T/in"
expect_err 1 "^ceremony: 2 more shares needed from group 3$" ceremony slip39 combine <"$T/in"
no_echo "$T/in"
printf '%s\n%s\n' "$g2b" "$g2a" >"$T/in"
expect_err 1 "^ceremony: shares from 1 more group needed$" ceremony slip39 combine <"$T/in"
printf '%s\n%s\n%s\n%s\n' "$g3a" "$g1" "$g3c" "$g3b" >"$T/in"
expect 0 ceremony slip39 combine <"$T/in"
[ "$(cat "$T/out")" = "$S256" ] || fail "groups 1 and 3"
printf '%s\r\n%s\r\n%s\r\n' "$g2a" "$g1" "$g2b" >"$T/in"
expect 0 ceremony slip39 combine <"$T/in"
[ "$(cat "$T/out")" = "$S256" ] || fail "groups 1 and 2, CRLF"
printf '%s\n%s\n%s\n' "$g2a" "$g1" "$g3a" >"$T/in"
expect_err 1 "^ceremony: share 3 is from one group more than the group threshold$" \
	ceremony slip39 combine <"$T/in"
printf '%s\n%s\n%s\n%s\n' "$g2a" "$g1" "$g2b" "$g2a" >"$T/in"
expect_err 1 "^ceremony: duplicate member index 1 in group 2$" ceremony slip39 combine <"$T/in"
printf '%s\n%s\n' "$g1" "$g1" >"$T/in"
expect_err 1 "^ceremony: duplicate member index 1 in group 1$" ceremony slip39 combine <"$T/in"

# --- one bad share among good ones: checksum, unknown word (by position), other set ---
echo $S128 >"$T/secret"
expect 0 ceremony slip39 split --threshold 4 --shares 5 --iteration-exponent 0 <"$T/secret"
cp "$T/out" "$T/five"
expect 0 ceremony slip39 split --threshold 4 --shares 5 --iteration-exponent 0 <"$T/secret"
cp "$T/out" "$T/other"
# Swap word 7 of share 4 for another list word: the checksum catches it.
sed -n 4p "$T/five" | awk '{ $7 = ($7 == "academic" ? "acid" : "academic"); print }' >"$T/bad4"
{ sed -n 1,3p "$T/five"; cat "$T/bad4"; } >"$T/in"
expect_err 1 "^ceremony: checksum error in share 4$" ceremony slip39 combine <"$T/in"
no_echo "$T/in"
sed -n 2p "$T/five" | awk '{ $5 = "xyzzy"; print }' >"$T/bad2"
{ sed -n 1p "$T/five"; cat "$T/bad2"; } >"$T/in"
expect_err 1 "^ceremony: word 5 of share 2 is not in the SLIP-39 word list$" \
	ceremony slip39 combine <"$T/in"
no_echo "$T/in"
! grep -q xyzzy "$T/err" || fail "unknown word echoed"
sed -n 1p "$T/five" | tr a-z A-Z >"$T/in"
expect_err 1 "^ceremony: word 1 of share 1 is not in the SLIP-39 word list$" \
	ceremony slip39 combine <"$T/in"
{ sed -n 1,2p "$T/five"; sed -n 3p "$T/other"; } >"$T/in"
expect_err 1 "^ceremony: shares from different sets (identifier mismatch) at share 3$" \
	ceremony slip39 combine <"$T/in"
no_echo "$T/in"
{ sed -n 1,4p "$T/five"; sed -n 5p "$T/five"; } >"$T/in"
expect_err 1 "^ceremony: share 5 is one more than group 1 needs$" ceremony slip39 combine <"$T/in"
expect_err 1 "^ceremony: no shares on standard input$" ceremony slip39 combine </dev/null
printf '\n  \n\n' >"$T/in"
expect_err 1 "^ceremony: no shares on standard input$" ceremony slip39 combine <"$T/in"
sed -n 1,4p "$T/five" >"$T/in"
expect 0 ceremony slip39 combine <"$T/in"
[ "$(cat "$T/out")" = "$S128" ] || fail "4 of 5"

# --- shares differ between runs (fresh randomness and identifier) ---
! cmp -s "$T/five" "$T/other" || fail "two splits gave the same shares"
echo ok
