#!/bin/bash
# Figures for the image (make bench-image; make bench calls it): sizes, and the times of
# BENCH_RUNS VM rehearsals (TCG, as make rehearsal runs them): boot to each step of the init, to
# the program's first prompt, to power-off, on the wall clock and in QEMU's CPU time, and the
# whole rehearsal. Prints, never judges.
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
# BENCH_RUNS rehearsals (default 3): the machine may be shared, so each boot's figures are
# printed, wall clock and QEMU's CPU time, then the spread of the first prompt.
runs=${BENCH_RUNS:-3}
prompts=()
for i in $(seq "$runs"); do
	t0=$(date +%s.%N)
	REHEARSAL_T0=$t0 REHEARSAL_OUT=$out/bench scripts/rehearse --iso "$iso" --script "$script" \
		>"$out/bench.log" 2>&1
	t1=$(date +%s.%N)
	log=$out/bench/console.log
	echo "== rehearsal $i of $runs: $(grep -E '^(GO|NO-GO)' "$out/bench.log")"
	vm_figures "$log"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  whole rehearsal (image built)      %8.1f\n", b - a }'
	prompts+=("$(vm_first_prompt "$log")")
done
echo "== the program's first prompt over $runs boots (s since QEMU started)"
printf '%s\n' "${prompts[@]}" | awk 'NF == 2 { n++; w[n] = $1; c[n] = $2 }
	END {
		if (!n) { print "  no prompt seen"; exit }
		wmin = wmax = w[1]; cmin = cmax = c[1]
		for (i = 1; i <= n; i++) {
			if (w[i] < wmin) wmin = w[i]; if (w[i] > wmax) wmax = w[i]
			if (c[i] < cmin) cmin = c[i]; if (c[i] > cmax) cmax = c[i]
			ws += w[i]; cs += c[i]
		}
		printf "  wall:     min %.2f  mean %.2f  max %.2f\n", wmin, ws / n, wmax
		printf "  QEMU CPU: min %.2f  mean %.2f  max %.2f\n", cmin, cs / n, cmax
	}'
exit 0
