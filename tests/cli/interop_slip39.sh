# SLIP-39 against the public JS implementation (slip39, tests/interop/): our shares combine in it
# and its shares combine in ours, single groups and 2-of-3 groups with differing member
# thresholds, with and without a passphrase, 16- and 32-byte secrets, both extendable flags.
. "$SRCDIR/tests/cli/lib.sh"
need awk
. "$SRCDIR/tests/cli/interop.bash"

printf 'correct horse battery staple\n' >"$T/pw"
: >"$T/nopw"
S16=bb54aac4b89dc868ba37d9cc21b2cece
S32=989baf9dcaad5b10ea7c4d3c33b1e1b0d43a6a0e32c6d05ad7e98ff3f08a6a7d

# pick SHARES SPEC: from the split output (groups apart by empty lines), the members named by
# SPEC, "group:member,member group:member" (from 1).
pick() {
	awk -v spec="$2" 'BEGIN { n = split(spec, g, " "); for (i = 1; i <= n; i++) {
		split(g[i], gm, ":"); m = split(gm[2], mm, ","); for (j = 1; j <= m; j++) want[gm[1] ":" mm[j]] = 1 } }
		/^$/ { grp++; mem = 0; next } { mem++; if (want[(grp + 1) ":" mem]) print }' "$1"
}

count=0
# case SECRET PASSFILE "SPLIT ARGS (ours)" "GT T/N... (theirs)" "PICK"...
case_() {
	local s=$1 pw=$2 ours=$3 theirs=$4
	shift 4
	# ours -> theirs
	expect 0 ceremony slip39 split $ours --passphrase-file "$pw" <<<"$s"
	cp "$T/out" "$T/ours"
	for p in "$@"; do
		pick "$T/ours" "$p" >"$T/in"
		got=$(slip39_js combine "$pw" <"$T/in") || fail "theirs refused our shares ($ours; $p)"
		[ "$got" = "$s" ] || fail "theirs rebuilt another secret from ours ($ours; $p)"
		count=$((count + 1))
	done
	# theirs -> ours, both extendable flags
	for ext in 0 1; do
		slip39_js split "$s" "$pw" $theirs --ext $ext >"$T/theirs" || fail "their split ($theirs)"
		for p in "$@"; do
			pick "$T/theirs" "$p" >"$T/in"
			expect 0 ceremony slip39 combine --passphrase-file "$pw" <"$T/in"
			[ "$(cat "$T/out")" = "$s" ] || fail "ours rebuilt another secret from theirs ($theirs ext $ext; $p)"
			count=$((count + 1))
		done
	done
}

case_ $S16 "$T/nopw" "--threshold 2 --shares 3" "1 2/3" "1:1,2" "1:3,1" "1:2,3"
case_ $S32 "$T/pw" "--threshold 3 --shares 5 --iteration-exponent 2" "1 3/5 --exp 2" "1:1,3,5" "1:5,4,2"
# 2 of 3 groups: a 2-of-3, a 3-of-5 and a 1-of-1.
case_ $S16 "$T/pw" "--group-threshold 2 --group 2/3 --group 3/5 --group 1/1" "2 2/3 3/5 1/1" \
	"1:1,3 2:2,4,5" "3:1 1:2,3" "2:5,1,3 3:1"
case_ $S32 "$T/nopw" "--group-threshold 2 --group 2/3 --group 3/5 --group 1/1 --iteration-exponent 0" \
	"2 2/3 3/5 1/1 --exp 0" "2:1,2,3 1:3,2" "3:1 2:4,3,2"

# A wrong passphrase gives another secret in both (SLIP-39 cannot tell), and the same one.
expect 0 ceremony slip39 split --threshold 2 --shares 2 --passphrase-file "$T/pw" <<<"$S16"
cp "$T/out" "$T/sh"
printf 'wrong\n' >"$T/wrong"
theirs=$(slip39_js combine "$T/wrong" <"$T/sh") || fail "theirs, wrong passphrase"
expect 0 ceremony slip39 combine --passphrase-file "$T/wrong" <"$T/sh"
[ "$theirs" = "$(cat "$T/out")" ] && [ "$theirs" != $S16 ] || fail "wrong passphrase"
echo "$count share sets combined across the two implementations"
