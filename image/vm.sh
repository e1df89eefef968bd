# Boots the appliance ISO in QEMU for the harnesses (image/check.sh, image/bench.sh,
# scripts/rehearse). Source it from bash. No KVM (-accel tcg), no network device (-nodefaults,
# -nic none), the serial console as the only console, inside `timeout`.
#
#   vm_reset                 forget earlier media, options and hooks
#   VM_UEFI=1                boot with OVMF from the ISO as a USB stick (default: BIOS, CD drive)
#   VM_ECHO=1                also copy the console to stdout as it comes
#   VM_MEM, VM_CPU, VM_SMP   guest memory (MiB), CPU model and count (1024, max, 1)
#   VM_APPEND=ARGS           start the ISO's kernel and initramfs directly (from the build's
#                            work/iso/boot/, the same bytes) with these arguments, not via GRUB:
#                            to boot an entry GRUB would not pick by itself (BIOS only)
#   vm_medium IMAGE          attach a raw disk image as a USB stick (in that order)
#   vm_fat NAME FILE [SRC..] make a FAT medium labelled NAME (upper case) holding SRC files
#   vm_boot ISO LOG LIMIT    boot; LOG gets the console, each line prefixed with the seconds since
#                            QEMU started; returns QEMU's status (124: LIMIT seconds passed)
#   vm_on_line LINE          called for each console line while the VM runs; define it to act
#                            (vm_reset restores the default: Enter when the init asks for it
#                            after a FATAL, so that the VM powers off)
#   vm_type TEXT             type TEXT on the serial console (from vm_on_line)
#   vm_plug NAME IMAGE       insert IMAGE as a USB stick while the VM runs (QEMU monitor)
#   vm_unplug NAME           pull it out again
#   vm_seconds LOG PATTERN   the time stamp of the first console line matching PATTERN (ERE)
#   vm_cpu LOG PATTERN       the CPU seconds QEMU had used when that line came (LOG.cpu holds
#                            "wall cpu" for every line of LOG): on a machine shared with other
#                            work the wall clock says more about the load than about the boot
#   vm_report LOG RC SHA VERSION
#                            what a boot showed, one fact a line: "ok<TAB>what" or
#                            "no<TAB>what"; SHA is the published hash of the ISO, VERSION the
#                            program's, RC vm_boot's status

# -cpu max: the emulated CPU has RDRAND (fed by the host's getrandom), as a laptop's has. One
# vCPU: on a shared 2-core host a second one made the boot slower, not faster.
VM_MEM=${VM_MEM:-1024} VM_CPU=${VM_CPU:-max} VM_SMP=${VM_SMP:-1}
shopt -s extglob

vm_reset() {
	vm_media=()
	VM_UEFI=0 VM_APPEND=
	vm_on_line() {
		case $1 in "init: press Enter to power off") [ "$vm_fatal" = 0 ] || vm_type $'\n' ;; esac
	}
}
vm_reset

vm_medium() {
	local n=${#vm_media[@]}
	vm_media+=(-drive "if=none,id=m$n,format=raw,file=$1"
		-device "usb-storage,bus=xhci.0,drive=m$n,removable=on")
}

# FAT images as the rehearsal media: fixed volume id and dates (--invariant); 8 MiB each.
vm_fat() {
	local label=${1^^} file=$2 src
	shift 2
	[ ${#label} -le 11 ] || { echo "vm: FAT labels have at most 11 characters: $label" >&2; return 2; }
	rm -f "$file"
	mkfs.vfat --invariant -C -n "$label" "$file" 8192 >/dev/null || return 2
	for src in "$@"; do
		MTOOLS_SKIP_CHECK=1 mcopy -s -o -i "$file" "$src" ::/ || return 2
	done
}

vm_type() { printf '%s' "$1" >&"$vm_serial_in"; }
vm_plug() {
	printf 'drive_add 0 if=none,id=hot-%s,format=raw,file=%s\n' "$1" "$2" >&"$vm_monitor_in"
	printf 'device_add usb-storage,bus=xhci.0,drive=hot-%s,id=dev-%s,removable=on\n' "$1" "$1" \
		>&"$vm_monitor_in"
}
vm_unplug() { printf 'device_del dev-%s\n' "$1" >&"$vm_monitor_in"; }

vm_boot() {
	local iso=$1 log=$2 limit=$3 dir boot=() fw=() t0 line part= now qpid rc qemu= cpu st hz
	dir=$(dirname "$log")
	if [ "$VM_UEFI" = 1 ]; then
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$dir/uefi-vars.fd"
		fw=(-drive "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
			-drive "if=pflash,format=raw,unit=1,file=$dir/uefi-vars.fd")
		# A display adapter, as a laptop has: GRUB's EFI build wants a video mode.
		boot=(-device VGA -drive "if=none,id=boot,format=raw,readonly=on,file=$iso"
			-device "usb-storage,bus=xhci.0,drive=boot,removable=on,bootindex=0")
	else
		boot=(-drive "if=none,id=boot,media=cdrom,format=raw,readonly=on,file=$iso")
		if [ -n "$VM_APPEND" ]; then
			boot+=(-device ide-cd,drive=boot
				-kernel "$(dirname "$iso")/work/iso/boot/vmlinuz"
				-initrd "$(dirname "$iso")/work/iso/boot/initrd.img" -append "$VM_APPEND")
		else
			boot+=(-device ide-cd,drive=boot,bootindex=0)
		fi
	fi
	# The console and the monitor are FIFO pairs (QEMU's "pipe" chardev: NAME.in, NAME.out),
	# held open read-write here so that no open ever blocks and QEMU never sees them closed.
	rm -f "$dir"/serial.{in,out} "$dir"/monitor.{in,out}
	mkfifo "$dir"/serial.{in,out} "$dir"/monitor.{in,out} || return 2
	exec {vm_serial_in}<>"$dir/serial.in" {vm_serial_out}<>"$dir/serial.out" \
		{vm_monitor_in}<>"$dir/monitor.in" {vm_monitor_out}<>"$dir/monitor.out"
	: >"$log"
	: >"$log.cpu"
	hz=$(getconf CLK_TCK)
	vm_fatal=0
	t0=${EPOCHREALTIME/./}
	# The SMBIOS product name tells the image's GRUB to boot the serial rehearsal entry at once.
	timeout "$limit" qemu-system-x86_64 -machine q35 -accel tcg -cpu "$VM_CPU" -smp "$VM_SMP" \
		-m "$VM_MEM" -nodefaults -nic none -no-reboot -display none \
		-smbios type=1,product=ceremony-rehearsal \
		-chardev "pipe,id=console,path=$dir/serial" -serial chardev:console \
		-chardev "pipe,id=monitor,path=$dir/monitor" -mon chardev=monitor,mode=readline \
		-device qemu-xhci,id=xhci "${fw[@]}" "${boot[@]}" "${vm_media[@]}" \
		</dev/null >"$dir/qemu.log" 2>&1 &
	qpid=$!
	while :; do
		if IFS= read -r -t 1 -u "$vm_serial_out" line; then
			line=$part$line part=
		elif [ $? -gt 128 ]; then
			# A timeout: keep a partial line; stop once QEMU is gone and all is read.
			part=$part$line
			kill -0 "$qpid" 2>/dev/null && continue
			read -r -t 0 -u "$vm_serial_out" || break
			continue
		else
			break
		fi
		line=${line//$'\r'/}
		# GRUB's menu drawing: escape sequences, not information.
		line=${line//$'\e['*([0-9;?])[A-Za-z]/}
		now=${EPOCHREALTIME/./}
		printf '%7.2f %s\n' "$(((now - t0) / 10000))e-2" "$line" >>"$log"
		# QEMU's CPU time so far (user + system: fields 14 and 15 of its stat), from timeout's
		# child, found at its first line.
		[ -n "$qemu" ] || read -r qemu _ 2>/dev/null <"/proc/$qpid/task/$qpid/children"
		cpu=0
		if [ -n "$qemu" ] && read -r st 2>/dev/null <"/proc/$qemu/stat"; then
			st=${st##*) }
			read -r -a st <<<"$st"
			cpu=$(((st[11] + st[12]) * 100 / hz))
		fi
		printf '%7.2f %7.2f\n' "$(((now - t0) / 10000))e-2" "${cpu}e-2" >>"$log.cpu"
		[ "${VM_ECHO:-0}" = 0 ] || printf '%s\n' "$line"
		case $line in "init: FATAL"*) vm_fatal=1 ;; esac
		vm_on_line "$line"
	done
	wait "$qpid"
	rc=$?
	[ -z "$part" ] || printf '%7s %s\n' "" "$part" >>"$log"
	sed 's/^/        qemu: /' "$dir/qemu.log" >>"$log"
	exec {vm_serial_in}>&- {vm_serial_out}>&- {vm_monitor_in}>&- {vm_monitor_out}>&-
	rm -f "$dir"/serial.{in,out} "$dir"/monitor.{in,out}
	return $rc
}

vm_seconds() {
	grep -m1 -E "^ *[0-9.]+ ($2)" "$1" | awk '{ print $1 }'
}

vm_cpu() {
	local n
	n=$(grep -n -m1 -E "^ *[0-9.]+ ($2)" "$1" | cut -d: -f1)
	[ -n "$n" ] && [ -f "$1.cpu" ] && sed -n "${n}p" "$1.cpu" | awk '{ print $2 }'
}

# vm_first_prompt LOG: "WALL CPU" (as vm_seconds and vm_cpu) of the program's first prompt: the
# first line, after the init started the program, that asks a question or answers one from the
# answers file.
vm_first_prompt() {
	local start n
	start=$(grep -n -m1 -E '^ *[0-9.]+ init: starting at' "$1" | cut -d: -f1)
	[ -n "$start" ] || return 0
	n=$(tail -n +"$start" "$1" | grep -n -m1 -E '^ *[0-9.]+ (\[answers\] |.*\? \()' | cut -d: -f1)
	[ -n "$n" ] && [ -f "$1.cpu" ] && sed -n "$((start + n - 1))p" "$1.cpu"
}

vm_report() {
	local log=$1 rc=$2 sha=$3 version=$4 shown
	_fact() { # WHAT ERE
		if grep -q -E "^ *[0-9.]+ ($2)" "$log"; then printf 'ok\t%s\n' "$1"; else
			printf 'no\t%s\n' "$1"; fi
	}
	_fact "GRUB booted the serial rehearsal entry" " *Booting .Rehearsal $version \\(serial console\\)"
	_fact "the init ran (image $version, rehearsal mode)" \
		"init: ceremony appliance $version, mode rehearsal"
	_fact "modules loaded, then module loading disabled" \
		"init: modules: [0-9]+ loaded, module loading disabled"
	_fact "air gap: no network interface but lo" "init: air gap: ok \\(network interfaces: lo only\\)"
	shown=$(sed -n 's/^ *[0-9.]* init: image sha256: //p' "$log")
	if [ "$shown" = "$sha" ]; then
		printf 'ok\timage hash shown at boot is the published one (%.16s...)\n' "$sha"
	else
		printf 'no\timage hash shown at boot (%s) is the published one (%s)\n' "${shown:-none}" "$sha"
	fi
	_fact "image verified at boot: its kernel and the running initramfs match the medium" \
		"init: image: verified"
	_fact "kernel RNG seeded" "init: entropy: ready"
	_fact "known-answer self-tests passed at boot" \
		"init: self-tests: [0-9]+ of [0-9]+ known-answer tests passed"
	_fact "the ceremony program runs in the image (ceremony $version)" \
		"init: program: ceremony $version"
	_fact "ceremony run started" "init: starting at [0-9.]+ s: ceremony run "
	_fact "the ceremony program ended" "init: ceremony exited with status [0-9]+"
	if [ "$rc" = 0 ] && grep -q 'init: powering off' "$log"; then
		printf 'ok\tthe VM powered off\n'
	else
		printf 'no\tthe VM powered off (qemu status %s%s)\n' "$rc" \
			"$([ "$rc" = 124 ] && echo ': timed out')"
	fi
}

# vm_figures LOG: the boot's milestones, each as seconds since QEMU started, on the wall clock and
# in QEMU's own CPU time (what the boot costs, whatever else the machine is doing), and the load.
vm_figures() {
	local log=$1 what pat w c
	printf '  %-34s %8s %9s\n' "boot figures (s since QEMU started)" wall "QEMU CPU"
	while IFS='|' read -r what pat; do
		w=$(vm_seconds "$log" "$pat")
		c=$(vm_cpu "$log" "$pat")
		printf '  %-34s %8s %9s\n' "$what" "${w:--}" "${c:--}"
	done <<'LIST'
GRUB boots the entry|  *Booting
the init starts|init: ceremony appliance
modules loaded|init: modules:
image hashed and verified|init: image: 
media mounted|init: media: 
self-tests passed|init: self-tests:
the program starts|init: starting at
LIST
	read -r w c < <(vm_first_prompt "$log")
	printf '  %-34s %8s %9s\n' "the program's first prompt" "${w:--}" "${c:--}"
	w=$(vm_seconds "$log" 'init: powering off')
	c=$(vm_cpu "$log" 'init: powering off')
	printf '  %-34s %8s %9s\n' "powering off" "${w:--}" "${c:--}"
	echo "  (TCG, 1 vCPU; host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
}
