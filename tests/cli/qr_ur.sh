# Multi-part UR: our frames with 20 % dropped and the rest shuffled; the reference
# implementation's published parts (tests/vectors/ur), made into QR codes by qrencode, decoded by
# us; one code for what fits one.
. "$SRCDIR/tests/cli/lib.sh"
need qrencode zbarimg shuf xxd cmp

# 2048 bytes, 120-byte fragments: 18 fragments; 40 frames, every fifth dropped, shuffled.
head -c 2048 /dev/urandom >"$T/p"
expect 0 ceremony qr encode --ur --frames "$T/f" --count 40 <"$T/p"
grep -q '18 fragments' "$T/err" || fail "fragment count"
[ "$(ls "$T/f" | wc -l)" = 40 ] || fail "frame count"
[ -f "$T/f/frame-0001.png" ] && [ -f "$T/f/frame-0040.png" ] || fail "frame names"
zbarimg -q --raw "$T/f/frame-0001.png" 2>/dev/null | grep -q '^UR:BYTES/1-18/' || fail "first frame"
zbarimg -q --raw "$T/f/frame-0019.png" 2>/dev/null | grep -q '^UR:BYTES/[0-9]*-18/' || fail "fountain frame"
ls "$T"/f/*.png | awk 'NR % 5 != 0' | shuf >"$T/list"
[ "$(wc -l <"$T/list")" = 32 ] || fail "drop"
expect 0 ceremony qr decode $(cat "$T/list")
cmp "$T/out" "$T/p" || fail "payload differs"
grep -q 'UR: 18 fragments' "$T/err" || fail "no UR summary"
grep -q '^sha256: ' "$T/err" || fail "no fingerprint"

# Too few frames: a clear refusal, nothing on stdout.
expect_err 1 "incomplete: " ceremony qr decode $(head -n 10 "$T/list")
[ ! -s "$T/out" ] || fail "partial payload written"
# Frames of two different payloads do not mix.
head -c 2048 /dev/urandom | ceremony qr encode --ur --frames "$T/g" --count 20 2>/dev/null
expect_err 1 "different message" ceremony qr decode "$T/g/frame-0001.png" $(head -n 3 "$T/list")
# Fewer frames than fragments is refused.
expect_err 2 "between the 18 fragments" ceremony qr encode --ur --frames "$T/h" --count 5 <"$T/p"

# A payload that fits one fragment stays one code, a single-part UR.
printf 'small payload' | ceremony qr encode --ur --frames "$T/s" 2>/dev/null || fail "small"
[ "$(ls "$T/s")" = frame-0001.png ] || fail "small payload is not one frame"
zbarimg -q --raw "$T/s/frame-0001.png" 2>/dev/null | grep -q '^UR:BYTES/[A-Z]*$' || fail "not single-part"
expect 0 ceremony qr decode "$T/s/frame-0001.png"
[ "$(cat "$T/out")" = 'small payload' ] || fail "single-part payload"

# The reference's parts of make_message_ur(256) (fragment length 30): the message is the first
# 256 bytes of the reference fountain encoder's nine fragments (encoder_256.txt).
V="$SRCDIR/tests/vectors/ur"
grep -v '^#' "$V/encoder_256.txt" | head -n 9 | awk '{printf "%s", $2}' | head -c 512 >"$T/want.hex"
i=0
while read -r part; do
	i=$((i + 1))
	printf '%s' "$part" | tr a-z A-Z | qrencode -o "$T/ref-$i.png"
done <"$V/ur_multi_256.txt"
# Parts 5 to 20, shuffled: the first four fragments come only from fountain parts.
expect 0 ceremony qr decode $(for n in $(seq 5 20); do echo "$T/ref-$n.png"; done | shuf)
[ "$(xxd -p "$T/out" | tr -d '\n')" = "$(cat "$T/want.hex")" ] || fail "reference multi-part"
tr a-z A-Z <"$V/ur_single.txt" | tr -d '\n' | qrencode -o "$T/ref-single.png"
expect 0 ceremony qr decode "$T/ref-single.png"
[ "$(xxd -p "$T/out" | tr -d '\n')" = "$(head -c 100 "$T/want.hex")" ] || fail "reference single-part"

# The terminal animation shows the fingerprint and the part numbers.
head -c 600 /dev/urandom | ceremony qr encode --ur --terminal --count 3 --rate 30 >"$T/anim" 2>"$T/anim.err"
grep -q 'part 3 (' "$T/anim" || fail "animation parts"
grep -q 'SHA-256 ' "$T/anim" || fail "animation caption"
