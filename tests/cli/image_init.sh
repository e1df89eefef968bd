# The image's /init, its pieces that run without booting: reading file system labels straight off
# media made by the real tools (mkfs.vfat, mke2fs, xorriso), the medium names it derives, the hash
# grouping. Runs the init's own functions under busybox sh (the image's shell) when present.
. "$SRCDIR/tests/cli/lib.sh"
need mkfs.vfat mcopy mke2fs

if command -v busybox >/dev/null; then shell="busybox sh"; else shell=sh; fi
# init_fn FUNCTION ARGS...: runs one of /init's functions, without its main().
init_fn() {
	CEREMONY_INIT_LIB=1 $shell -c '. "$0"; "$@"' "$SRCDIR/image/init" "$@"
}

# probe, on each kind of medium the image mounts
mkfs.vfat --invariant -C -n CUSTODIAN-1 "$T/fat12.img" 1440 >/dev/null
mkfs.vfat --invariant -F 16 -C -n Public "$T/fat16.img" 16384 >/dev/null 2>&1
mkfs.vfat --invariant -F 32 -C -n SCRIPT "$T/fat32.img" 40000 >/dev/null
mkfs.vfat --invariant -C "$T/nolabel.img" 1440 >/dev/null
truncate -s 8M "$T/ext4.img"
mke2fs -q -t ext4 -L auditor_2 -F "$T/ext4.img"
head -c 65536 /dev/zero >"$T/blank.img"

expect 0 init_fn probe "$T/fat12.img"
[ "$(cat "$T/out")" = "vfat CUSTODIAN-1" ] || fail "FAT12: $(cat "$T/out")"
expect 0 init_fn probe "$T/fat16.img"
[ "$(cat "$T/out")" = "vfat Public" ] || fail "FAT16: $(cat "$T/out")"
expect 0 init_fn probe "$T/fat32.img"
[ "$(cat "$T/out")" = "vfat SCRIPT" ] || fail "FAT32: $(cat "$T/out")"
expect 0 init_fn probe "$T/nolabel.img"
[ "$(cat "$T/out")" = "vfat NO NAME" ] || fail "FAT without a label: $(cat "$T/out")"
expect 0 init_fn probe "$T/ext4.img"
[ "$(cat "$T/out")" = "ext4 auditor_2" ] || fail "ext4: $(cat "$T/out")"
expect 1 init_fn probe "$T/blank.img"
# ext4's label field is 16 bytes, NUL-padded only when shorter: a full one has no NUL after it
truncate -s 8M "$T/ext4full.img"
mke2fs -q -t ext4 -L 0123456789abcdef -F "$T/ext4full.img"
expect 0 init_fn probe "$T/ext4full.img"
[ "$(cat "$T/out")" = "ext4 0123456789abcdef" ] || fail "ext4, 16-byte label: $(cat "$T/out")"
# a device too short for a boot sector is no medium
head -c 500 "$T/fat12.img" >"$T/short.img"
expect 1 init_fn probe "$T/short.img"
if command -v xorriso >/dev/null; then
	mkdir "$T/iso"
	echo x >"$T/iso/x"
	xorriso -as mkisofs -quiet -V CEREMONY -o "$T/cd.iso" "$T/iso" 2>/dev/null
	expect 0 init_fn probe "$T/cd.iso"
	[ "$(cat "$T/out")" = "iso9660 CEREMONY" ] || fail "ISO 9660: $(cat "$T/out")"
fi

# mlabel rewrites the label in the boot sector, where probe reads it
MTOOLS_SKIP_CHECK=1 mlabel -i "$T/fat12.img" ::CUSTODIAN-2
expect 0 init_fn probe "$T/fat12.img"
[ "$(cat "$T/out")" = "vfat CUSTODIAN-2" ] || fail "after mlabel: $(cat "$T/out")"

# medium names: the label in lower case, or nothing mountable
for pair in CUSTODIAN-1:custodian-1 Public:public SCRIPT:script auditor_2:auditor_2 \
	0123456789abcdef:0123456789abcdef; do
	expect 0 init_fn medium_name "${pair%%:*}"
	[ "$(cat "$T/out")" = "${pair#*:}" ] || fail "medium_name ${pair%%:*}: $(cat "$T/out")"
done
for bad in "" "NO NAME" "a/b" "../x" "-x" "x.y" '$(id)' "0123456789abcdef0"; do
	expect 1 init_fn medium_name "$bad"
done

# the hash read aloud: 16 groups of 4
h=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
expect 0 init_fn group4 "$h"
g="0123 4567 89ab cdef"
[ "$(cat "$T/out")" = "$g $g $g $g" ] || fail "group4: $(cat "$T/out")"

# uptime in hundredths: an integer, even below 10 s (no octal)
expect 0 init_fn uptime_cs
grep -qx '[1-9][0-9]*' "$T/out" || fail "uptime_cs: $(cat "$T/out")"
