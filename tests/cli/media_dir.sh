# The directory backend from the command line: atomic writes that never replace, SHA256SUMS that
# sha256sum(1) accepts, reads checked against it, and verification that finds every change.
. "$SRCDIR/tests/cli/lib.sh"
need sha256sum cmp

M="$T/medium"
mkdir "$M"
printf 'root certificate\n' >"$T/a"
head -c 5000 /dev/urandom >"$T/b"
expect 0 ceremony media write "$M" root.crt <"$T/a"
expect 0 ceremony media write "$M" share-1.bin <"$T/b"
(cd "$M" && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum rejects SHA256SUMS"
[ "$(ls -A "$M" | tr '\n' ' ')" = "SHA256SUMS root.crt share-1.bin " ] || fail "stray files: $(ls -A "$M")"
expect 0 ceremony media verify "$M"
grep -q '^OK  *root.crt$' "$T/out" || fail "verify listing"
expect 0 ceremony media read "$M" share-1.bin --listed
cmp "$T/out" "$T/b" || fail "read back"
grep -q 'matches SHA256SUMS' "$T/err" || fail "read did not say it matched"

# Never overwritten, whatever the content.
expect_err 2 "already exists" ceremony media write "$M" root.crt <"$T/b"
cmp "$M/root.crt" "$T/a" || fail "root.crt changed"
expect_err 2 "file name not allowed" ceremony media write "$M" ../escape <"$T/a"
expect_err 2 "file name not allowed" ceremony media write "$M" SHA256SUMS <"$T/a"
expect_err 2 "larger than allowed" ceremony media read "$M" share-1.bin --max 100

# A file someone else put there: readable, but unlisted.
printf 'incoming csr' >"$M/incoming.csr"
expect 0 ceremony media read "$M" incoming.csr
grep -q 'not listed' "$T/err" || fail "unlisted not reported"
expect_err 1 "not listed in SHA256SUMS" ceremony media read "$M" incoming.csr --listed
expect 1 ceremony media verify "$M"
grep -q '^UNLISTED  *incoming.csr$' "$T/out" || fail "unlisted not in verify"
rm "$M/incoming.csr"

# Tampering, deletion and an unfinished write are all found.
chmod u+w "$M/root.crt"
printf 'forged\n' >"$M/root.crt"
expect_err 1 "differs from SHA256SUMS" ceremony media read "$M" root.crt
[ ! -s "$T/out" ] || fail "tampered content was output"
printf 'half' >"$M/.share-2.bin.0011223344556677.tmp"
rm -f "$M/share-1.bin"
expect 1 ceremony media verify "$M"
grep -q '^MISMATCH  *root.crt$' "$T/out" || fail "mismatch"
grep -q '^MISSING  *share-1.bin$' "$T/out" || fail "missing"
grep -q '^INCOMPLETE  *.share-2.bin.0011223344556677.tmp$' "$T/out" || fail "incomplete"

# A malformed manifest stops everything; nothing is written.
chmod u+w "$M/SHA256SUMS"
printf 'not a manifest\n' >"$M/SHA256SUMS"
expect_err 1 "SHA256SUMS is malformed" ceremony media write "$M" new.txt <"$T/a"
[ ! -e "$M/new.txt" ] || fail "written despite a bad manifest"
expect_err 2 "not a directory" ceremony media verify "$T/a"
expect 0 ceremony media --help
expect 2 ceremony media frobnicate

# A SHA256SUMS that is a symbolic link stops a write, and is named as the manifest, not as the
# file being written.
mkdir "$T/linked"
ln -s /etc/hostname "$T/linked/SHA256SUMS"
expect_err 1 "SHA256SUMS is not a regular file" ceremony media write "$T/linked" new.txt <"$T/a"
[ ! -e "$T/linked/new.txt" ] || fail "written beside a linked manifest"
