# Multi-part UR against the public BC-UR library (@ngraveio/bc-ur, tests/interop/): the
# reference vectors agree with it; our frames, shuffled and with a fifth of them lost, decode in
# it to the same bytes; its parts, likewise, decode in ours. The frames travel as QR codes both
# ways (zbarimg reads ours, qrencode draws theirs).
. "$SRCDIR/tests/cli/lib.sh"
need qrencode zbarimg shuf xxd cmp openssl
. "$SRCDIR/tests/cli/interop.bash"

# payload LEN SEED: LEN fixed pseudo-random bytes (AES-128-CTR of zeros under key SEED). Fixed, so
# that which fifth is lost is the same on every run: with random payloads about 3 % of the
# reference encoder's 40-part streams lack what a fifth lost takes away, for any decoder.
payload() {
	head -c "$1" /dev/zero |
		openssl enc -aes-128-ctr -nosalt -K "$(printf '%032x' "$2")" -iv 00000000000000000000000000000000
}

# The vectors of tests/vectors/ur that depend on the word table: bytewords in all three styles,
# the single-part and the 20 multi-part texts, made by the library from the reference message.
ur_js vectors "$SRCDIR/tests/vectors/ur" >"$T/v" || fail "the library disagrees with our vectors"
grep -q '^vectors: 30 agree$' "$T/v" || fail "vector count: $(cat "$T/v")"

# read_frames DIR: the UR text of every frame in DIR, one a line, a fifth dropped, shuffled.
read_frames() {
	for f in "$1"/frame-*.png; do
		zbarimg -q --raw "$f" 2>/dev/null | tr -d '\n' || fail "zbarimg: $f"
		echo
	done | awk 'NR % 5 != 0' | shuf
}

# Ours to theirs: several sizes and fragment sizes, and a single part; under a runner (make
# valgrind) fewer, each being the same code of ours again.
ours=("2048 120 40" "5000 200 60" "700 50 40" "100 120 1")
theirs=("2048 120 40" "3000 250 30" "64 120 1")
if [ "${CEREMONY%% *}" != "$CEREMONY" ]; then
	ours=("2048 120 40" "100 120 1")
	theirs=("2048 120 40" "64 120 1")
fi
for spec in "${ours[@]}"; do
	set -- $spec
	payload "$1" "$1" >"$T/p"
	rm -rf "$T/f"
	if [ "$3" = 1 ]; then
		expect 0 ceremony qr encode --ur --frames "$T/f" --fragment-size "$2" <"$T/p"
		[ "$(ls "$T/f" | wc -l)" = 1 ] || fail "single part"
		zbarimg -q --raw "$T/f/frame-0001.png" 2>/dev/null >"$T/texts"
	else
		expect 0 ceremony qr encode --ur --frames "$T/f" --fragment-size "$2" --count "$3" <"$T/p"
		read_frames "$T/f" >"$T/texts"
	fi
	ur_js decode "$T/texts" >"$T/js.hex" 2>"$T/js.err" || { cat "$T/js.err"; fail "ours to theirs: $spec"; }
	[ "$(cat "$T/js.hex")" = "$(xxd -p "$T/p" | tr -d '\n')" ] || fail "ours to theirs differs: $spec"
	echo "ours to theirs: $1 bytes, $(wc -l <"$T/texts") of $3 frames: $(cat "$T/js.err")"
done

# Theirs to ours: the library's parts (fragments, then fountain parts), a fifth dropped,
# shuffled, each made a QR code.
for spec in "${theirs[@]}"; do
	set -- $spec
	payload "$1" "$(($1 + 1))" >"$T/p"
	xxd -p "$T/p" | tr -d '\n' >"$T/p.hex"
	ur_js encode "$T/p.hex" "$2" "$3" >"$T/parts" || fail "the library's encoder: $spec"
	[ "$(wc -l <"$T/parts")" = "$3" ] || fail "part count: $spec"
	if [ "$3" = 1 ]; then cp "$T/parts" "$T/kept"; else awk 'NR % 5 != 0' "$T/parts" | shuf >"$T/kept"; fi
	rm -rf "$T/q" && mkdir "$T/q"
	i=0
	while read -r part; do
		i=$((i + 1))
		printf '%s' "$part" | tr a-z A-Z | qrencode -o "$T/q/$i.png"
	done <"$T/kept"
	expect 0 ceremony qr decode "$T"/q/*.png
	cmp "$T/out" "$T/p" || fail "theirs to ours differs: $spec"
	echo "theirs to ours: $1 bytes, $i of $3 parts"
done
