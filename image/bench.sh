#!/bin/bash
# Figures for the image (make bench-image; `make bench` may call it): sizes, and the times of one
# VM rehearsal (TCG, as make rehearsal runs it): boot to each step of the init, to the program's
# first output (its first prompt), to power-off, and the whole rehearsal. Prints, never judges.
#
# usage: image/bench.sh ISO
set -uo pipefail
export LC_ALL=C
iso=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
. image/vm.sh
out=$(dirname "$iso")
work=$out/work

kib() { echo "$(($(stat -c %s "$1") / 1024)) KiB"; }
echo "== image sizes"
echo "iso:              $(kib "$iso")"
echo "kernel:           $(kib "$work/iso/boot/vmlinuz")"
echo "initramfs:        $(kib "$work/initrd.img") (zstd; $(kib "$work/initrd.cpio") unpacked)"
echo "  program:        $(kib "$work/root/bin/ceremony") (stripped)"
echo "  libraries:      $(du -sk "$work/root/lib/x86_64-linux-gnu" | cut -f1) KiB" \
	"($(ls "$work/root/lib/x86_64-linux-gnu" | wc -l) files)"
echo "  modules:        $(du -sk "$work/root/lib/modules" | cut -f1) KiB" \
	"($(wc -l <"$work/root/etc/ceremony/modules.load") files)"
echo "  busybox:        $(kib "$work/root/bin/busybox")"
echo "grub and the rest: $((($(stat -c %s "$iso") - $(stat -c %s "$work/iso/boot/vmlinuz") - \
	$(stat -c %s "$work/initrd.img")) / 1024)) KiB"

# One rehearsal: the real script if there is one, else a stand-in that only starts the program.
script=scripts/smki-keygen.yaml
if [ ! -f "$script" ] || [ ! -f "${script%.yaml}.answers" ]; then
	mkdir -p "$out/bench-script"
	script=$out/bench-script/boot-check.yaml
	printf '# image/bench.sh: starts the program, is no ceremony\n' >"$script"
	: >"${script%.yaml}.answers"
	echo "(no scripts/smki-keygen.yaml yet: the rehearsal runs a stand-in script)"
fi
t0=$(date +%s.%N)
REHEARSAL_T0=$t0 REHEARSAL_OUT=$out/bench scripts/rehearse --iso "$iso" --script "$script" \
	>"$out/bench.log" 2>&1
t1=$(date +%s.%N)
log=$out/bench/console.log
at() { vm_seconds "$log" "$1"; }
echo "== boot (seconds since QEMU started; TCG; $(nproc) host cores," \
	"load $(cut -d' ' -f1 /proc/loadavg))"
echo "grub boots the entry:      $(at ' *Booting')"
echo "init starts:               $(at 'init: ceremony appliance')"
echo "modules loaded:            $(at 'init: modules:')"
echo "image hashed and verified: $(at 'init: image: ')"
echo "entropy ready:             $(at 'init: entropy: ready')"
echo "program started:           $(at 'init: starting at')"
first=$(sed -n '/init: starting at/,$p' "$log" | sed -n '2p' | awk '{ print $1 }')
echo "program's first output:    ${first:-?}"
echo "program ended:             $(at 'init: ceremony exited')"
echo "powered off:               $(tail -n 1 "$log" | awk '{ print $1 }')"
echo "== rehearsal"
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "whole rehearsal:           %.1f s\n", b - a }'
grep -E '^(GO|NO-GO)' "$out/bench.log"
exit 0
