# Block devices through loop devices: discovery with label and file system, mount options
# (nodev,nosuid,noexec; read-only unless --rw), writes, "safe to remove" after unmount. Needs root
# and loop devices; vfat and iso9660 are probed (this kernel may not mount them).
. "$SRCDIR/tests/cli/lib.sh"
need losetup mkfs.ext4 mkfs.vfat mount umount
[ "$(id -u)" = 0 ] || { echo "needs root for loop devices"; exit 77; }
loops=
cleanup() {
	umount "$T/mnt" 2>/dev/null || true
	for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
}
trap cleanup EXIT
# attach IMAGE: sets $dev; not in a subshell, so the trap sees every device to detach.
attach() {
	dev=$(losetup -f --show "$1" 2>/dev/null) || { echo "no loop device"; exit 77; }
	loops="$loops $dev"
}

truncate -s 8M "$T/ext.img"
mkfs.ext4 -q -L CUSTODIAN7 "$T/ext.img"
attach "$T/ext.img"
E=$dev
truncate -s 8M "$T/fat.img"
mkfs.vfat -n AUDITOR "$T/fat.img" >/dev/null
attach "$T/fat.img"
V=$dev

# Loop devices are not removable: only --all lists them.
expect 0 ceremony media list
grep -q "^${E#/dev/} " "$T/out" && fail "a loop device listed as removable"
expect 0 ceremony media list --all
grep -q "^${E#/dev/}  *8.4 MB  *ext4  *CUSTODIAN7 " "$T/out" || { cat "$T/out"; fail "ext4 entry"; }
grep -q "^${V#/dev/}  *8.4 MB  *vfat  *AUDITOR " "$T/out" || { cat "$T/out"; fail "vfat entry"; }

# Read-write mount: the options are there, a write works, unmount says safe to remove.
expect 0 ceremony media mount "$E" "$T/mnt" --rw
opts=$(awk -v m="$T/mnt" '$2 == m { print $4 }' /proc/mounts)
for o in rw nosuid nodev noexec; do
	echo ",$opts," | grep -q ",$o," || fail "mount option $o missing: $opts"
done
printf 'share\n' | ceremony media write "$T/mnt" share-7.txt >/dev/null || fail "write on device"
expect 0 ceremony media unmount "$T/mnt"
grep -q 'safe to remove' "$T/out" || fail "no safe-to-remove message"
awk -v m="$T/mnt" '$2 == m' /proc/mounts | grep -q . && fail "still mounted"

# Read-only mount: verification passes, writing is refused.
expect 0 ceremony media mount "$E" "$T/mnt"
echo ",$(awk -v m="$T/mnt" '$2 == m { print $4 }' /proc/mounts)," | grep -q ',ro,' || fail "not ro"
expect 0 ceremony media verify "$T/mnt"
grep -q '^OK  *share-7.txt$' "$T/out" || fail "file not on the device"
expect_err 2 "read-only" sh -c "printf x | $CEREMONY media write '$T/mnt' other.txt"
expect 0 ceremony media unmount "$T/mnt"

# Refusals: a regular file, iso9660 read-write, unmounting what is not mounted.
expect_err 2 "not a usable block device" ceremony media mount "$T/ext.img" "$T/mnt"
if command -v xorriso >/dev/null; then
	mkdir "$T/isodir" && echo t >"$T/isodir/t.txt"
	xorriso -as mkisofs -V TRANSCRIPT -o "$T/t.iso" "$T/isodir" 2>/dev/null
	attach "$T/t.iso"
	I=$dev
	expect 0 ceremony media list --all
	grep -q "^${I#/dev/} .* iso9660  *TRANSCRIPT " "$T/out" || { cat "$T/out"; fail "iso entry"; }
	expect_err 2 "read-only" ceremony media mount "$I" "$T/mnt" --rw
fi
expect 2 ceremony media unmount "$T/mnt"
