# The image's configuration, checked without building it: the applet whitelist has no network
# tool and covers every command /init runs, the module list names no network driver, GRUB's menu
# is locked and marks rehearsals, the VM harness never gives the guest a network device, and the
# shell scripts parse.
. "$SRCDIR/tests/cli/lib.sh"
cd "$SRCDIR"

list() { grep -v -e '^#' -e '^$' "$@"; }

net='wget|telnetd|telnet|udhcpc|udhcpd|httpd|nc|ftpget|ftpput|tftp|tftpd|ssl_client|ping|ping6'
net=$net'|ip|ifconfig|route|arp|arping|nslookup|traceroute|traceroute6|ifup|ifdown|ifplugd|ntpd'
net=$net'|sendmail|inetd|dnsd|ftpd|tcpsvd|udpsvd|zcip|nameif|brctl|vconfig|tunctl|netstat|ipcalc'
net=$net'|rdate|dumpleases|microcom'
if list image/applets image/applets.debug | grep -x -E "$net"; then
	fail "a network applet is whitelisted (above)"
fi
[ -z "$(list image/applets image/applets.debug | sort | uniq -d)" ] || fail "an applet listed twice"

# Every busybox applet name that appears as a word in /init's code is whitelisted, an ash
# builtin, or one of the few words that are not commands there.
if command -v busybox >/dev/null; then
	builtins="alias bg break cd chdir command continue echo eval exec exit export false fc fg
		getopts hash help history jobs kill let local printf pwd read readonly return set shift
		source test times trap true type ulimit umask unalias unset wait ["
	not_commands="init last tty uptime"
	sed 's/#.*//' image/init | grep -o -E '[][a-z0-9_-]+' | sort -u >"$T/words"
	busybox --list | sort -u >"$T/applets"
	for w in $(comm -12 "$T/words" "$T/applets"); do
		case " $(echo $builtins) $not_commands " in *" $w "*) continue ;; esac
		list image/applets | grep -qxF "$w" || fail "/init uses '$w', which image/applets lacks"
	done
fi

# No network driver, by name or by directory, in the module list.
if list image/modules | grep -i -E 'net|wl|wifi|iwl|ath|rtl8|bt|blue|nfc|e1000|r8169|virtio'; then
	fail "image/modules names what looks like a network driver (above)"
fi

# GRUB: a superuser with no password locks editing; every entry boots without one; the
# rehearsal entries, and only they, say so on the kernel command line.
grep -q '^set superusers=' image/grub.cfg || fail "grub.cfg does not lock the menu"
! grep -q '^[[:space:]]*password' image/grub.cfg || fail "grub.cfg defines a password"
n=$(grep -c '^menuentry' image/grub.cfg)
[ "$n" = 4 ] || fail "grub.cfg has $n entries, not 4"
[ "$(grep '^menuentry' image/grub.cfg | grep -c -- '--unrestricted')" = "$n" ] ||
	fail "a grub.cfg entry is not --unrestricted"
[ "$(grep -c 'ceremony.mode=rehearsal' image/grub.cfg)" = 2 ] || fail "rehearsal entries"
[ "$(grep -c 'ceremony.mode=ceremony' image/grub.cfg)" = 2 ] || fail "ceremony entries"
! grep -q 'ceremony.debug' image/grub.cfg || fail "the release menu offers the debug shell"
grep -q 'module.sig_enforce=1' image/grub.cfg || fail "module signatures are not enforced"

# The VM: software emulation, no network device, inside a time limit.
grep -q -- '-nic none' image/vm.sh || fail "vm.sh does not say -nic none"
grep -q -- '-nodefaults' image/vm.sh || fail "vm.sh does not say -nodefaults"
grep -q -- '-accel tcg' image/vm.sh || fail "vm.sh does not say -accel tcg"
grep -q 'timeout "$limit" qemu-system-x86_64' image/vm.sh || fail "QEMU runs without a timeout"
! grep -E -- '-(net|netdev|nic) [^n]' scripts/rehearse image/*.sh || fail "a network device"

# The package lock: every line a comment, "deb NAME VERSION ARCH SHA256" or "tool NAME VERSION";
# it locks the kernel, busybox-static and the C library, and the host tools that write the ISO.
awk '/^#/ || /^$/ { next }
	$1 == "deb" && NF == 5 && $5 ~ /^[0-9a-f]+$/ && length($5) == 64 { next }
	$1 == "tool" && NF == 3 { next }
	{ print "bad lock line " NR ": " $0; bad = 1 } END { exit bad }' image/packages.lock ||
	fail "image/packages.lock is malformed (above)"
for p in busybox-static libc6 grub-pc-bin grub-efi-amd64-bin xorriso; do
	grep -q -E "^(deb|tool) $p " image/packages.lock || fail "image/packages.lock lacks $p"
done
grep -q -E '^deb linux-image-[0-9.]+-[0-9]+-amd64 ' image/packages.lock ||
	fail "image/packages.lock has no kernel"
[ -z "$(awk '!/^#/ { print $2 }' image/packages.lock | sort | uniq -d)" ] ||
	fail "image/packages.lock names a package twice"

for f in image/build.sh image/check.sh image/bench.sh image/vm.sh scripts/rehearse \
	scripts/rehearse-lifecycle; do
	bash -n "$f" || fail "$f does not parse"
done
sh -n image/init || fail "image/init does not parse (sh)"
if command -v busybox >/dev/null; then
	busybox sh -n image/init || fail "image/init does not parse (busybox sh)"
fi

# The rehearsal refuses to run without an image, with a one-line reason.
expect 2 scripts/rehearse --iso "$T/none.iso"
grep -q 'no image at' "$T/err" || fail "rehearse without an image: $(cat "$T/err")"
