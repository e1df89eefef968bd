#!/bin/bash
# make check-image: the image builds twice to the same bytes, is small, holds what it should and
# nothing else, and boots (BIOS from a CD drive, UEFI from a USB stick) to the ceremony program
# past the air-gap check. Prints "image: N passed, N failed"; exits 1 if anything failed.
#
# usage: image/check.sh OUTDIR   (builds OUTDIR/ceremony.iso, then OUTDIR/repro/ceremony.iso;
#                                 the environment is image/build.sh's)
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
. "$here/vm.sh"

out=$1
iso=$out/ceremony.iso
chk=$out/check
rm -rf "$chk"
mkdir -p "$chk"
pass=0 fail=0
ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}
no() {
	fail=$((fail + 1))
	echo "FAIL $*"
}
# check NAME CMD...: one test; CMD's output is shown only when it fails.
check() {
	local name=$1
	shift
	if "$@" >"$chk/last" 2>&1; then ok "$name"; else
		no "$name"
		sed 's/^/    /' "$chk/last" | tail -n 20
	fi
}

# --- the build -------------------------------------------------------------------------------
# Both builds happen here, from the same inputs: an ISO built earlier may predate a commit (the
# default SOURCE_DATE_EPOCH) or a Debian update, which make cannot see.
echo "== build"
"$here/build.sh" "$out" || { echo "image: 0 passed, 1 failed (the build)"; exit 1; }
version=$(sed -n 's/^version=//p' "$out/work/root/etc/ceremony/image")
sha=$(sha256sum <"$iso" | cut -d' ' -f1)
echo "== second build, for reproducibility (same inputs; another time, directory, umask, zone)"
# The program too is rebuilt, from a copy of the sources at another path: an auditor's checkout
# is not ours, and a path that reached the binary (debug info, and so the build ID) would change
# the image.
top=$(cd "$here/.." && pwd)
src=$out/repro-src/elsewhere
rm -rf "$out/repro-src"
mkdir -p "$src"
bin2=
if tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$src" -xf - &&
	make -C "$src" --no-print-directory -j2 BUILD=build CC="${CEREMONY_CC-cc}" \
		CFLAGS="${CEREMONY_CFLAGS--O2 -g}" build/ceremony >"$chk/program2.log" 2>&1; then
	bin2=$src/build/ceremony
	check "reproducible: the program rebuilt in another directory is the same bytes" \
		cmp "${CEREMONY_BIN:-build/ceremony}" "$bin2"
else
	no "the program's second build"
	tail -n 20 "$chk/program2.log"
fi
# Later than the first by the length of a build at least: only SOURCE_DATE_EPOCH may reach the
# bytes, and build.sh must not depend on the caller's umask, time zone or locale either.
if [ -z "$bin2" ]; then
	no "second build (no program to put in it)"
elif (umask 077 && TZ=Asia/Tokyo LANG=fr_FR.UTF-8 IMAGE_FRESH=1 CEREMONY_BIN="$bin2" \
	"$here/build.sh" "$out/repro") >"$chk/build2.log" 2>&1; then
	check "reproducible: a second build gives the same bytes ($sha)" \
		cmp "$iso" "$out/repro/$(basename "$iso")"
else
	no "second build"
	tail -n 20 "$chk/build2.log"
fi
check "SHA256SUMS matches the ISO" sh -c "cd '$out' && sha256sum -c --quiet SHA256SUMS"

size=$(stat -c %s "$iso")
check "size: $((size / 1024)) KiB <= 25 MiB" test "$size" -le $((25 * 1024 * 1024))

root=$out/work/root
# The whitelist itself is checked by tests/cli/image_config.sh (no network applet in it).
only_whitelisted() {
	local f
	for f in "$root"/bin/*; do
		case ${f##*/} in busybox | ceremony) continue ;; esac
		grep -qxF "${f##*/}" "$here/applets" || { echo "${f##*/}"; return 1; }
	done
}
check "/bin holds busybox, the program and the whitelisted applets only" only_whitelisted
no_net_modules() {
	! grep -E '^kernel/(drivers/net|net|drivers/bluetooth|drivers/nfc)/' \
		"$root/etc/ceremony/modules.load"
}
check "no network, WLAN, Bluetooth or NFC module" no_net_modules

# Every library any ELF file of the initramfs needs is there, and every library there is needed.
libs_exact() {
	local f n needed=() have=() missing=0
	for f in "$root/bin/ceremony" "$root"/lib/x86_64-linux-gnu/*; do
		while read -r n; do needed+=("$n"); done < <(objdump -p "$f" | awk '/NEEDED/ { print $2 }')
	done
	for n in $(printf '%s\n' "${needed[@]}" | sort -u); do
		[ -f "$root/lib/x86_64-linux-gnu/$n" ] || [ -f "$root/lib64/$n" ] ||
			{ echo "missing: $n"; missing=1; }
	done
	for f in "$root"/lib/x86_64-linux-gnu/*; do
		have+=("${f##*/}")
	done
	for n in "${have[@]}"; do
		[ "$n" = ld-linux-x86-64.so.2 ] && continue
		printf '%s\n' "${needed[@]}" | grep -qxF "$n" || { echo "not needed: $n"; missing=1; }
	done
	[ -f "$root/lib64/ld-linux-x86-64.so.2" ] || { echo "no dynamic loader"; missing=1; }
	return $missing
}
check "the program's shared libraries, exactly" libs_exact

# --- the boots -------------------------------------------------------------------------------
# The SCRIPT medium holds a file that is no ceremony: the program is started, refuses it (or,
# until `ceremony run` exists, says so), and the init powers off. The BIOS boot is unattended (an
# answers file, as the rehearsal); the UEFI boot is attended: after the program ends, a medium is
# plugged in and pulled out (the init mounts and lets go of it), then Enter powers off.
printf '# image/check.sh: a boot test, not a ceremony script\n' >"$chk/boot-check.yaml"
: >"$chk/boot-check.answers"
vm_fat script "$chk/script-unattended.img" "$chk/boot-check.yaml" "$chk/boot-check.answers"
vm_fat script "$chk/script-attended.img" "$chk/boot-check.yaml"
vm_fat public "$chk/public.img"
vm_fat late "$chk/late.img"

# expect LOG NAME ERE: one test per console line the boot must show.
expect() {
	if grep -q -E "^ *[0-9.]+ ($3)" "$1"; then ok "$2"; else no "$2"; fi
}

boot_checks() { # LOG RC KIND ANSWERS-ARGS
	local log=$1 rc=$2 kind=$3 r what
	while IFS=$'\t' read -r r what; do
		if [ "$r" = ok ]; then ok "$kind: $what"; else no "$kind: $what"; fi
	done < <(vm_report "$log" "$rc" "$sha" "$version")
	expect "$log" "$kind: public medium mounted" "init: media: /media/public \(/dev/sd[a-z]+, vfat\)"
	expect "$log" "$kind: SCRIPT medium mounted read-only" \
		"init: media: /media/script \(/dev/sd[a-z]+, vfat, read-only\)"
	expect "$log" "$kind: the init's exact command line" \
		"init: starting at [0-9.]+ s: ceremony run /media/script/boot-check.yaml --media /media $4--rehearsal$"
	echo "   what ran (the console from the start of the program to its end):"
	sed -n '/init: starting at/,/init: ceremony exited/p' "$log" | sed 's/^/     |/' | head -n 15
	echo "   timings: init at $(vm_seconds "$log" 'init: ceremony appliance') s," \
		"program started at $(vm_seconds "$log" 'init: starting at') s," \
		"powered off at $(vm_seconds "$log" 'init: powering off') s (seconds since QEMU started)"
}

echo "== boot: BIOS, CD drive, unattended"
vm_reset
vm_medium "$chk/public.img"
vm_medium "$chk/script-unattended.img"
vm_boot "$iso" "$chk/bios.log" 150
boot_checks "$chk/bios.log" $? bios "--answers /media/script/boot-check.answers "

echo "== boot: UEFI (OVMF), USB stick, attended; a medium plugged in and out at the end"
vm_reset
VM_UEFI=1
vm_medium "$chk/public.img"
vm_medium "$chk/script-attended.img"
vm_on_line() {
	case $1 in
	"init: press Enter to power off") vm_plug late "$chk/late.img" ;;
	"init: media: /media/late "*) vm_unplug late ;;
	"init: media: late removed") vm_type $'\n' ;;
	esac
}
vm_boot "$iso" "$chk/uefi.log" 150
boot_checks "$chk/uefi.log" $? uefi ""
expect "$chk/uefi.log" "uefi: a medium plugged in later is mounted" \
	"init: media: /media/late \(/dev/sd[a-z]+, vfat\)"
expect "$chk/uefi.log" "uefi: and let go of when pulled out" "init: media: late removed"

# The "Key ceremony (serial console)" entry's command line, the kernel started directly (GRUB
# picks that entry only when a person does): an answers file on the SCRIPT medium is refused.
# And a debug build's switch, which a release image must ignore.
echo "== boot: a Key ceremony (not a rehearsal) given an answers file, and ceremony.debug"
vm_reset
VM_APPEND=$(sed -n 's/^set common="\(.*\)"$/\1/p' "$here/grub.cfg")
VM_APPEND="$VM_APPEND console=ttyS0,115200n8 ceremony.mode=ceremony ceremony.debug"
vm_medium "$chk/public.img"
vm_medium "$chk/script-unattended.img"
vm_boot "$iso" "$chk/ceremony.log" 150
rc=$?
expect "$chk/ceremony.log" "ceremony: the init ran in ceremony mode" \
	"init: ceremony appliance $version, mode ceremony"
expect "$chk/ceremony.log" "ceremony: image verified" "init: image: verified"
expect "$chk/ceremony.log" "ceremony: the answers file is refused" \
	"init: FATAL: the SCRIPT medium holds an answers file"
if grep -q 'init: starting at' "$chk/ceremony.log"; then no "ceremony: the program did not start"; else
	ok "ceremony: the program did not start"; fi
if grep -q -e 'root shell' -e 'built-in shell' "$chk/ceremony.log"; then
	no "ceremony: a release image ignores ceremony.debug"
else
	ok "ceremony: a release image ignores ceremony.debug"
fi
if [ "$rc" = 0 ]; then ok "ceremony: powered off after Enter"; else
	no "ceremony: powered off after Enter (qemu status $rc)"; fi
vm_reset

echo "image: $pass passed, $fail failed"
[ "$fail" = 0 ]
