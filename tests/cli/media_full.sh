# A full medium (a 64 KiB tmpfs): a clear error, nothing left that looks complete, the earlier
# files and SHA256SUMS intact, and the same write succeeds on another medium. Needs root.
. "$SRCDIR/tests/cli/lib.sh"
need sha256sum mount umount
[ "$(id -u)" = 0 ] || { echo "needs root to mount a tmpfs"; exit 77; }
F="$T/full"
mkdir "$F"
mount -t tmpfs -o size=64k,mode=0700 tmpfs "$F" 2>/dev/null || { echo "cannot mount tmpfs"; exit 77; }
trap 'umount "$F" 2>/dev/null' EXIT

printf 'first\n' >"$T/small"
expect 0 ceremony media write "$F" first.txt <"$T/small"
head -c 200000 /dev/urandom >"$T/big"
expect_err 2 "the medium is full" ceremony media write "$F" transcript.bin <"$T/big"
[ "$(ls -A "$F" | tr '\n' ' ')" = "SHA256SUMS first.txt " ] || fail "left behind: $(ls -A "$F")"
(cd "$F" && sha256sum --quiet -c SHA256SUMS) || fail "manifest damaged"
expect 0 ceremony media verify "$F"

# Retry on another medium.
mkdir "$T/other"
expect 0 ceremony media write "$T/other" transcript.bin <"$T/big"
expect 0 ceremony media read "$T/other" transcript.bin --listed
cmp "$T/out" "$T/big" || fail "retry content"
