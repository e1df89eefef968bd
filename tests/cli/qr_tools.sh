# QR codes through tools we did not write: qrencode's codes decoded by ours, ours decoded by
# zbarimg and ZXing (zxing-cpp), byte for byte; images as PNG, PGM and JPEG; the refusals.
. "$SRCDIR/tests/cli/lib.sh"
need qrencode zbarimg ZXingReader openssl head cmp

# qrencode -> ours: text and binary (8-bit mode, every byte value).
qrencode -o "$T/q1.png" 'HELLO CEREMONY 2026'
expect 0 ceremony qr decode "$T/q1.png"
[ "$(cat "$T/out")" = 'HELLO CEREMONY 2026' ] || fail "qrencode text"
grep -q '^sha256: ' "$T/err" || fail "no fingerprint on stderr"
grep -q '^words: ' "$T/err" || fail "no PGP words on stderr"
head -c 700 /dev/urandom >"$T/bin"
qrencode -8 -r "$T/bin" -o "$T/q2.png"
expect 0 ceremony qr decode "$T/q2.png"
cmp "$T/out" "$T/bin" || fail "qrencode binary not byte for byte"

# ours -> zbarimg and ZXing, binary payload with NULs.
ceremony qr encode --png "$T/o.png" <"$T/bin" 2>"$T/enc.err" || fail "encode"
grep -q 'byte mode' "$T/enc.err" || fail "mode not reported"
zbarimg -q --raw -Sbinary "$T/o.png" 2>/dev/null | head -c 700 >"$T/zbar.out"
cmp "$T/zbar.out" "$T/bin" || fail "zbarimg disagrees"
ZXingReader -bytes "$T/o.png" 2>/dev/null | head -c 700 >"$T/zx.out"
cmp "$T/zx.out" "$T/bin" || fail "ZXing disagrees"

# Upper-cased SLIP-39 words go in alphanumeric mode; every reader returns the same text.
words='ACADEMIC ACID ACNE ACQUIRE ACRYLIC ACTIVE ACTOR ACTRESS ADAPT ADULT ADVANCE ADVOCATE AFRAID AGAIN AGENCY AGREE AIDE AIRCRAFT AIRLINE AIRPORT'
printf '%s' "$words" | ceremony qr encode --png "$T/w.png" --ec Q 2>"$T/enc.err" || fail "encode words"
grep -q 'level Q, alphanumeric mode' "$T/enc.err" || { cat "$T/enc.err"; fail "not alphanumeric at Q"; }
[ "$(zbarimg -q --raw "$T/w.png" 2>/dev/null)" = "$words" ] || fail "zbarimg words"
[ "$(ZXingReader -bytes "$T/w.png" 2>/dev/null | head -c ${#words})" = "$words" ] || fail "ZXing words"
expect 0 ceremony qr decode --expect share "$T/w.png"
[ "$(cat "$T/out")" = "$words" ] || fail "our words"

# A certificate made by openssl, as PEM, through a QR code and back; openssl reads the result.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/k.pem" \
	-subj /CN=qr-test -days 1 -out "$T/c.pem" 2>/dev/null
ceremony qr encode --png "$T/c.png" <"$T/c.pem" 2>/dev/null || fail "encode cert"
expect 0 ceremony qr decode --expect cert "$T/c.png"
cmp "$T/out" "$T/c.pem" || fail "certificate changed"
openssl x509 -in "$T/out" -noout || fail "openssl cannot read it"
grep -q 'certificate (PEM)' "$T/err" || fail "type not shown"
expect_err 1 "not of the expected type" ceremony qr decode --expect csr "$T/c.png"
[ ! -s "$T/out" ] || fail "payload written despite the wrong type"

# Other image formats (ImageMagick, when present).
if command -v convert >/dev/null; then
	convert "$T/o.png" "$T/o.pgm"
	expect 0 ceremony qr decode "$T/o.pgm"
	cmp "$T/out" "$T/bin" || fail "PGM"
	convert "$T/w.png" -quality 90 "$T/w.jpg"
	expect 0 ceremony qr decode "$T/w.jpg"
	[ "$(cat "$T/out")" = "$words" ] || fail "JPEG"
fi

# Terminal output: half blocks, and a light-background variant.
printf 'TERMINAL' | ceremony qr encode --terminal >"$T/term" 2>/dev/null || fail "terminal"
grep -q '█' "$T/term" || fail "no half blocks"
printf 'TERMINAL' | ceremony qr encode --terminal --light >"$T/term2" 2>/dev/null || fail "light"
cmp -s "$T/term" "$T/term2" && fail "light rendering is the same"

# Refusals: a file with no code, a missing file, a payload too big for one code, an existing
# output file (left untouched), bad options.
printf 'P5 64 64 255\n' >"$T/blank.pgm"
head -c 4096 /dev/zero | tr '\0' '\377' >>"$T/blank.pgm"
expect_err 1 "no QR code found" ceremony qr decode "$T/blank.pgm"
expect_err 2 "no such file" ceremony qr decode "$T/missing.png"
head -c 4000 /dev/urandom >"$T/big"
expect_err 2 "too large for one QR code (use --ur)" ceremony qr encode --png "$T/big.png" <"$T/big"
[ ! -e "$T/big.png" ] || fail "partial output left"
cp "$T/o.png" "$T/keep.png"
expect_err 2 "already exists" sh -c "printf x | $CEREMONY qr encode --png '$T/o.png'"
cmp "$T/o.png" "$T/keep.png" || fail "existing file changed"
expect 2 ceremony qr encode --ec X --png "$T/x.png"
expect 2 ceremony qr decode
expect_err 2 "empty payload" sh -c "$CEREMONY qr encode --terminal </dev/null"
expect 0 ceremony qr --help

# An image over the pixel limit (docs/qr.md section 3: 12 million) is refused from its header,
# before a pixel is decoded: a 20 KB PNG claiming 4000x4000 pixels.
python3 - "$T/huge.png" <<'PY'
import struct, sys, zlib
w = h = 4000
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = zlib.compress(b"\0" * ((w + 1) * h), 9)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
open(sys.argv[1], "wb").write(png + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
PY
expect_err 1 "larger than allowed" ceremony qr decode "$T/huge.png"
