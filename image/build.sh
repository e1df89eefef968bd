#!/bin/bash
# Build the appliance's hybrid ISO from Debian packages and build/ceremony, reproducibly.
#
# usage: image/build.sh [--debug] [--release | --refresh-lock] OUTDIR
#   OUTDIR/ceremony.iso (ceremony-debug.iso with --debug), OUTDIR/SHA256SUMS, OUTDIR/MANIFEST,
#   OUTDIR/PACKAGES (the Debian packages in it); OUTDIR/work holds the staging trees (kept for
#   inspection, remade every time).
#   --release       take exactly the packages of image/packages.lock (name, version, SHA-256 of
#                   the .deb) and the host tools it names, or refuse
#   --refresh-lock  ignore the lock: take the versions installed here (or their stable updates),
#                   then write them to image/packages.lock
# environment:
#   CEREMONY_BIN       the program to ship (default build/ceremony)
#   VERSION            the program's version, shown at boot (default: `CEREMONY_BIN --version`)
#   IMAGE_CACHE        downloaded .debs and their extracted trees, shared by checkouts (default
#                      ${XDG_CACHE_HOME:-~/.cache}/ceremony-image; every .deb is checked against
#                      the lock or apt's signed index on every use)
#   IMAGE_LOCK         the lock (default image/packages.lock)
#   SOURCE_DATE_EPOCH  every timestamp in the image (default: the last commit's time)
#
# Every byte comes from a Debian package at the version image/packages.lock names (or, when a
# Debian update has taken that version out of apt's index and this is no release build, the
# installed version or its stable update: the build lists the differences), each .deb checked
# against the lock's SHA-256 or apt's signed index (kernel, modules, busybox, the shared
# libraries the program needs), from this repository (init, grub.cfg, built-in scripts), or is
# the program itself. GRUB comes from the installed grub-pc-bin and grub-efi-amd64-bin, through
# grub-mkrescue. docs/image.md explains the whole.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C TZ=UTC
umask 022

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
debug=0 mode=lock
while [ $# -gt 1 ]; do
	case $1 in
	--debug) debug=1 ;;
	--release) mode=release ;;
	--refresh-lock) mode=refresh ;;
	*) break ;;
	esac
	shift
done
[ $# = 1 ] || { echo "usage: $0 [--debug] [--release | --refresh-lock] OUTDIR" >&2; exit 2; }
out=$1
bin=${CEREMONY_BIN:-build/ceremony}
cache=${IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ceremony-image}
lock=${IMAGE_LOCK:-$top/image/packages.lock}
arch=$(dpkg --print-architecture)

die() { echo "image: $*" >&2; exit 2; }
say() { echo "image: $*"; }

[ "$arch" = amd64 ] || die "the image is amd64 only (this machine is $arch)"
[ -x "$bin" ] || die "no program at $bin (run make first)"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(git -C "$here" log -1 --format=%ct 2>/dev/null || echo 1700000000)
fi
export SOURCE_DATE_EPOCH
version=${VERSION:-$("$bin" --version | sed -n 's/^ceremony //p')}
case $version in '' | *[!0-9A-Za-z.+~-]*) die "odd version '$version'" ;; esac

work=$out/work
root=$work/root
iso=$work/iso
mkdir -p "$out" "$cache/debs" "$cache/tree"
[ "$mode" = refresh ] || [ -f "$lock" ] || [ "$mode" != release ] || die "no lock at $lock"
out=$(realpath "$out") cache=$(realpath "$cache")
rm -rf "$work"
mkdir -p "$root" "$iso"
manifest=$work/MANIFEST
: >"$manifest"

# --- Debian packages -----------------------------------------------------------------------
# $pkgs gets "PKG VERSION ARCH SHA256" for each .deb the image takes. The lock (image/
# packages.lock) decides: its version, with the SHA-256 it names, as long as that .deb can be
# had (the cache, apt's archive cache, or apt-get download while apt's index still lists it).
# For a package the lock lacks, or whose locked version Debian has since replaced, the image
# takes the installed version (what this machine built and tested with) while apt's index lists
# it, else the index's candidate (its stable update), checked against the SHA-256 apt's signed
# index gives; the build then lists how the packages differ from the lock, and a release build
# refuses. apt is asked once for all packages, not once for each: each call costs a second.
pkgs=$work/packages
: >"$pkgs"
mkdir -p "$cache/debs"

# What dpkg has installed, read once (dpkg-query costs a fork and a database read a call):
# installed[PKG] is "VERSION ARCH" for a fully installed package.
declare -A installed
while read -r p a st v; do
	[ "$st" = installed ] || continue
	# A package installed for two architectures (multiarch): the image's is amd64.
	[ -z "${installed[$p]:-}" ] || [ "$a" = "$arch" ] || [ "$a" = all ] || continue
	installed[$p]="$v $a"
done < <(dpkg-query -W -f='${Package} ${Architecture} ${db:Status-Status} ${Version}\n')
inst_version() { local i=${installed[$1]:-}; printf '%s' "${i% *}"; }
inst_arch() { local i=${installed[$1]:-}; printf '%s' "${i##* }"; }

# deb_file PKG VERSION ARCH: where the cache keeps that .deb (apt's own file name).
deb_file() { printf '%s/debs/%s_%s_%s.deb' "$cache" "$1" "${2//:/%3a}" "$3"; }

# get_debs PKG=VERSION:ARCH...: puts each .deb in the cache, from apt's archive cache or with one
# apt-get download for all that are missing. A .deb that cannot be had is simply not there.
get_debs() {
	local w p v a f dl=() tmp
	for w in "$@"; do
		p=${w%%=*} v=${w#*=} a=${v##*:} v=${v%:*}
		f=$(deb_file "$p" "$v" "$a")
		[ ! -f "$f" ] || continue
		if [ -f "/var/cache/apt/archives/${f##*/}" ]; then
			cp "/var/cache/apt/archives/${f##*/}" "$f.tmp.$$" && mv "$f.tmp.$$" "$f"
		else
			dl+=("$p:$a=$v")
		fi
	done
	[ ${#dl[@]} = 0 ] && return 0
	say "downloading ${#dl[@]} package(s): ${dl[*]}"
	tmp=$(mktemp -d "$cache/debs/download.XXXXXX")
	# One call for all; if one version is gone from the index apt fetches none: one at a time.
	if ! (cd "$tmp" && apt-get download -q=2 "${dl[@]}" >/dev/null 2>"$tmp/log"); then
		for w in "${dl[@]}"; do
			(cd "$tmp" && apt-get download -q=2 "$w" >/dev/null 2>>"$tmp/log") || true
		done
	fi
	for f in "$tmp"/*.deb; do [ -f "$f" ] && mv "$f" "$cache/debs/"; done
	rm -rf "$tmp"
}

# apt_records PKG=VERSION...: "PKG VERSION SHA256" for every record apt's index has of them.
apt_records() {
	apt-cache show "$@" 2>/dev/null | awk '/^Package: / { p = $2 } /^Version: / { v = $2 }
		/^SHA256: / { print p, v, $2 }' || true
}

# resolve PKG...: fills $pkgs (above).
resolve() {
	local p st l v a s f want=() loose=() stale=() cand got
	for p in "$@"; do
		a=$(inst_arch "$p")
		[ -n "$a" ] ||
			die "package $p is not installed (scripts/install-deps image installs it)"
		l=
		[ "$mode" = refresh ] || [ ! -f "$lock" ] ||
			l=$(awk -v p="$p" '$1 == "deb" && $2 == p { print $3, $4, $5; exit }' "$lock")
		if [ -n "$l" ]; then want+=("$p ${l}"); else loose+=("$p"); fi
	done
	# The locked .debs, checked against the lock's SHA-256.
	get_debs $(for l in "${want[@]}"; do set -- $l; echo "$1=$2:$3"; done)
	for l in "${want[@]}"; do
		set -- $l
		f=$(deb_file "$1" "$2" "$3")
		if [ -f "$f" ]; then
			got=$(sha256sum <"$f" | cut -d' ' -f1)
			[ "$got" = "$4" ] || die "${f##*/}: SHA-256 $got is not the one the lock names ($4)"
			echo "$1 $2 $3 $4" >>"$pkgs"
		else
			say "$1 $2 (locked) can no longer be had: apt's index has dropped it"
			loose+=("$1")
		fi
	done
	[ ${#loose[@]} = 0 ] && return 0
	[ "$mode" != release ] || die "a release build takes the locked packages only, and" \
		"${loose[*]} cannot be had at the locked version ($lock; Debian's snapshot archive" \
		"keeps every version: put those .debs in $cache/debs)"
	# The others: the installed version while apt's index lists it, else the candidate.
	want=()
	for p in "${loose[@]}"; do
		want+=("$p=$(inst_version "$p")")
	done
	apt_records "${want[@]}" >"$work/index"
	for p in "${want[@]}"; do
		grep -q "^${p%%=*} " "$work/index" || stale+=("${p%%=*}")
	done
	if [ ${#stale[@]} != 0 ]; then
		want=()
		while read -r p cand; do
			case $cand in '' | '(none)') die "apt's index has no version of $p (apt-get update)" ;; esac
			say "$p: the installed version is no longer in apt's index; the image takes $cand"
			want+=("$p=$cand")
		done < <(apt-cache policy "${stale[@]}" | awk '/^[^ ]/ { sub(":$", "", $1); p = $1 }
			/^  Candidate:/ { print p, $2 }')
		apt_records "${want[@]}" >>"$work/index"
	fi
	for p in "${loose[@]}"; do
		v=$(awk -v p="$p" '$1 == p { v = $2 } END { print v }' "$work/index")
		[ -n "$v" ] || die "apt's index has no SHA256 for $p (apt-get update)"
		echo "$p=$v:$(inst_arch "$p")"
	done >"$work/loose"
	get_debs $(cat "$work/loose")
	while IFS='=' read -r p v; do
		a=${v##*:} v=${v%:*}
		f=$(deb_file "$p" "$v" "$a")
		[ -f "$f" ] || die "apt-get download $p=$v failed"
		got=$(sha256sum <"$f" | cut -d' ' -f1)
		awk -v p="$p" -v v="$v" '$1 == p && $2 == v { print $3 }' "$work/index" | grep -qx "$got" ||
			die "${f##*/}: SHA-256 $got is not the one apt's index lists"
		echo "$p $v $a $got" >>"$pkgs"
	done <"$work/loose"
}

# lock_diff: how $pkgs and the host tools differ from the lock, one line each (nothing: exact).
host_tools="grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools"
lock_diff() {
	local p v a s l t
	[ -f "$lock" ] || { echo "no lock at $lock"; return 0; }
	while read -r p v a s; do
		l=$(awk -v p="$p" '$1 == "deb" && $2 == p { print $3, $4, $5; exit }' "$lock")
		if [ -z "$l" ]; then echo "$p $v: not in the lock"
		elif [ "${l%% *}" != "$v" ]; then echo "$p: the lock has ${l%% *}, the image $v"
		elif [ "$l" != "$v $a $s" ]; then echo "$p $v: not the .deb the lock names (${l#* })"
		fi
	done <"$pkgs"
	awk '$1 == "deb" { print $2, $3 }' "$lock" | while read -r p v; do
		grep -q "^$p " "$pkgs" || echo "$p $v: in the lock, not in the image"
	done
	for t in $host_tools; do
		v=$(inst_version "$t")
		l=$(awk -v p="$t" '$1 == "tool" && $2 == p { print $3; exit }' "$lock")
		[ "$v" = "$l" ] || echo "$t (host tool): the lock has ${l:-nothing}, this machine ${v:-nothing}"
	done
}

# unpack PKG: extracts PKG's .deb once into the cache (keyed by the .deb's hash); prints the tree.
unpack() {
	local deb sum t
	deb=$(awk -v p="$1" '$1 == p { print $2, $3; exit }' "$pkgs")
	[ -n "$deb" ] || die "internal: $1 was not resolved"
	deb=$(deb_file "$1" ${deb})
	sum=$(awk -v p="$1" '$1 == p { print substr($4, 1, 16); exit }' "$pkgs")
	t=$cache/tree/$1-$sum
	if [ ! -f "$t.done" ]; then
		rm -rf "$t" "$t.tmp.$$"
		mkdir -p "$cache/tree"
		dpkg-deb -x "$deb" "$t.tmp.$$"
		mv "$t.tmp.$$" "$t"
		touch "$t.done"
	fi
	echo "$t"
}

# in_tree TREE PATH: PATH inside an extracted tree, following symlinks (absolute ones too)
# inside the tree, never out to the host. Prints the tree path of the real file.
in_tree() {
	local t=$1 p=$2 n=0 l
	[ -e "$t$p" ] || [ -L "$t$p" ] || p=/usr$p
	while [ -L "$t$p" ]; do
		n=$((n + 1))
		[ $n -le 16 ] || die "symlink loop at $p in $t"
		l=$(readlink "$t$p")
		case $l in
		/*) p=$(realpath -m -s "$l") ;;
		*) p=$(realpath -m -s "$(dirname "$p")/$l") ;;
		esac
	done
	[ -f "$t$p" ] || die "$2 is not in the package extracted at $t"
	echo "$t$p"
}

# --- what the image is made of ---------------------------------------------------------------
# ldd resolves the program's library closure against this machine, where it was built and tested
# (without LD_PRELOAD: faketime or a sanitizer runtime would otherwise join it); each library is
# then taken from its Debian package, and must equal the installed copy.
env -u LD_PRELOAD -u LD_LIBRARY_PATH ldd "$bin" >"$work/ldd" || die "ldd $bin failed"
! grep 'not found' "$work/ldd" || die "the program needs libraries this machine lacks (above)"
awk '/=>/ { print $3; next } $1 ~ /^\// { print $1 }' "$work/ldd" | sort -u >"$work/libs"
# Each library's package: one dpkg -S for all (each call reads every package's file list, half a
# second's work), asked for the path ldd gave and its real path (/lib is /usr/lib here).
: >"$work/libs.pkg"
# shellcheck disable=SC2046
dpkg -S $(while read -r lib; do echo "$lib" "$(realpath "$lib")"; done <"$work/libs") \
	2>/dev/null | sed 's/^\([^:,]*\)[^ ]* \(.*\)$/\1 \2/' >"$work/owners" || true
while read -r lib; do
	owner=$(awk -v a="$lib" -v b="$(realpath "$lib")" '$2 == a || $2 == b { print $1; exit }' \
		"$work/owners")
	[ -n "$owner" ] || die "no Debian package owns $lib"
	printf '%s %s\n' "$lib" "$owner" >>"$work/libs.pkg"
done <"$work/libs"
kpkg=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | sed 's/[ ,(].*//')
case $kpkg in linux-image-*-amd64) ;; *) die "cannot tell the kernel package from '$kpkg'" ;; esac
kver=${kpkg#linux-image-}
# shellcheck disable=SC2046
resolve "$kpkg" busybox-static $(cut -d' ' -f2 "$work/libs.pkg" | sort -u)
sort -o "$pkgs" "$pkgs"
lock_diff >"$work/lock.diff"
if [ "$mode" = refresh ]; then
	: # the lock is written once the image is built
elif [ -s "$work/lock.diff" ]; then
	[ "$mode" != release ] || {
		sed 's/^/image:   /' "$work/lock.diff" >&2
		die "a release build takes exactly the lock ($lock): the packages differ (above)"
	}
	say "THE PACKAGES DIFFER FROM THE LOCK ($lock): this image is not the release's"
	sed 's/^/image:   /' "$work/lock.diff"
	say "(make image-lock takes these versions into the lock; docs/image.md, Packages)"
else
	say "packages: exactly the lock ($(wc -l <"$pkgs") Debian packages, $lock)"
fi

# --- the kernel and its modules --------------------------------------------------------------
ktree=$(unpack "$kpkg")
if [ ! -f "$ktree/lib/modules/$kver/modules.dep.bin" ]; then
	say "depmod $kver"
	depmod -b "$ktree" "$kver"
fi
kernel=$ktree/boot/vmlinuz-$kver
[ -f "$kernel" ] || die "no /boot/vmlinuz-$kver in $kpkg"

# The closure, in load order: each listed module's dependencies (soft ones too) before it.
# $work/modules.needed: the modules another one needs (every insmod before a chain's last).
modlist=$work/modules.load
: >"$modlist"
: >"$work/modules.needed"
while read -r m _; do
	case $m in '' | '#'*) continue ;; esac
	deps=$(modprobe -d "$ktree" -S "$kver" --show-depends "$m" 2>&1) ||
		die "module $m: $deps"
	grep '^insmod ' <<<"$deps" | sed '$d' | while read -r _ path _; do
		echo "${path#"$ktree/lib/modules/$kver/"}"
	done >>"$work/modules.needed"
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		rel=${path#"$ktree/lib/modules/$kver/"}
		grep -qxF "$rel" "$modlist" || echo "$rel" >>"$modlist"
	done <<<"$deps"
done <"$here/modules"
if grep -E '^kernel/(drivers/net|net|drivers/bluetooth|drivers/nfc|drivers/staging)/' \
	"$modlist"; then
	die "a network, Bluetooth or NFC module entered the closure (above): refusing"
fi
mdir=$root/lib/modules/$kver
mkdir -p "$mdir"
# One tar for the 56 files rather than an install each; the modes are set after.
tar -C "$ktree/lib/modules/$kver" -cf - -T "$modlist" | tar -C "$mdir" -xf -
find "$mdir" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
# The init's list: "PATH" for a module others need, loaded in order; "PATH &" for one no other
# module needs, which the init loads beside the rest (while one waits on its hardware, a SATA
# link, the others load). USB host controller drivers stay in order: EHCI must bind before its
# companion OHCI/UHCI controllers, or USB 2.0 devices are found twice.
mkdir -p "$root/etc/ceremony"
while read -r rel; do
	case $rel in
	kernel/drivers/usb/host/*) echo "$rel" ;;
	*) if grep -qxF "$rel" "$work/modules.needed"; then echo "$rel"; else echo "$rel &"; fi ;;
	esac
done <"$modlist" >"$root/etc/ceremony/modules.load"
chmod 0644 "$root/etc/ceremony/modules.load"

# --- busybox: the links of the whitelist only -----------------------------------------------
bbtree=$(unpack busybox-static)
install -D -m 0755 "$(in_tree "$bbtree" /bin/busybox)" "$root/bin/busybox"
applets=$(grep -v -e '^#' -e '^$' "$here/applets")
if [ $debug = 1 ]; then applets="$applets $(grep -v -e '^#' -e '^$' "$here/applets.debug")"; fi
have=$("$root/bin/busybox" --list)
for a in $applets; do
	grep -qxF "$a" <<<"$have" || die "busybox-static has no applet '$a'"
	ln -s busybox "$root/bin/$a"
done

# --- the program and exactly the libraries it loads ------------------------------------------
strip --strip-all -o "$root/bin/ceremony" "$bin"
chmod 0755 "$root/bin/ceremony"
while read -r lib pkg; do
	src=$(in_tree "$(unpack "$pkg")" "$lib")
	if [ "$(awk -v p="$pkg" '$1 == p { print $2; exit }' "$pkgs")" = \
		"$(inst_version "$pkg")" ]; then
		cmp -s "$src" "$(realpath "$lib")" || die "$lib differs from the copy in its package $pkg"
	fi
	install -D -m 0755 "$src" "$root$lib"
done <"$work/libs.pkg"

# --- the init, its configuration, the built-in scripts ---------------------------------------
install -m 0755 "$here/init" "$root/init"
kernel_sha=$(sha256sum <"$kernel" | cut -d' ' -f1)
{
	echo "version=$version"
	echo "kernel=$kver"
	echo "kernel_sha256=$kernel_sha"
	echo "debug=$debug"
	if [ -s "$work/lock.diff" ]; then echo "packages_lock=differs"; else
		echo "packages_lock=exact"; fi
} >"$root/etc/ceremony/image"
# The Debian packages the image is made of, in the lock's format: shown at boot, and covered by
# the image's hash as every file of the initramfs is.
packages_list() {
	echo "# The Debian packages of the ceremony image: deb NAME VERSION ARCH SHA256(.deb); the host"
	echo "# tools that made the ISO: tool NAME VERSION. docs/image.md, Packages."
	awk '{ print "deb", $1, $2, $3, $4 }' "$pkgs"
	for t in $host_tools; do echo "tool $t $(inst_version "$t")"; done
}
packages_list >"$root/etc/ceremony/packages"
mkdir -p "$root/usr/share/ceremony/scripts"
for s in "$top"/scripts/*.yaml; do
	[ -f "$s" ] && install -m 0644 "$s" "$root/usr/share/ceremony/scripts/"
done
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/run" "$root/media" "$root/tmp"
chmod 1777 "$root/tmp"

# --- the initramfs: sorted newc cpio, owner 0:0, one mtime, zstd ------------------------------
# zstd rather than xz: 15% larger, but the kernel unpacks it several seconds sooner in the VM.
# Level 12: 1.5 s here, 11% larger than level 19 (20 s): the build is part of every rehearsal.
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | sort |
	cpio -o -H newc --quiet --owner 0:0 --reproducible) >"$work/initrd.cpio"
zstd -12 -T1 -q -c "$work/initrd.cpio" >"$work/initrd.img"

# --- the ISO tree --------------------------------------------------------------------------
install -D -m 0644 "$kernel" "$iso/boot/vmlinuz"
install -D -m 0644 "$work/initrd.img" "$iso/boot/initrd.img"
if [ $debug = 1 ]; then label="CEREMONY_DEBUG"; title="DEBUG BUILD $version"; else
	label="CEREMONY"; title="$version"; fi
sed -e "s/@TITLE@/$title/g" "$here/grub.cfg" >"$work/grub.cfg"
if [ $debug = 1 ]; then cat "$here/grub-debug.cfg" >>"$work/grub.cfg"; fi
install -D -m 0644 "$work/grub.cfg" "$iso/boot/grub/grub.cfg"
mkdir -p "$iso/ceremony"
(cd "$iso" && sha256sum boot/vmlinuz boot/initrd.img boot/grub/grub.cfg) >"$iso/ceremony/SHA256SUMS"
# What the init checks the running initramfs against (modules aside: the kernel verifies their
# Debian signatures as it loads them).
(cd "$root" && find . -type f ! -path './lib/modules/*' | sort | xargs sha256sum) \
	>"$iso/ceremony/INITRAMFS.SHA256SUMS"

# The manifest: what the image is made of, for auditors (also in the ISO as ceremony/MANIFEST).
{
	echo "ceremony appliance image $version$([ $debug = 1 ] && echo ' DEBUG BUILD')"
	echo "source_date_epoch $SOURCE_DATE_EPOCH"
	echo "program $(sha256sum <"$bin" | cut -d' ' -f1) (as built)" \
		"$(sha256sum <"$root/bin/ceremony" | cut -d' ' -f1) (stripped, in the image)"
	echo
	echo "# Debian packages: name version architecture sha256(.deb)"
	cat "$pkgs"
	for p in $host_tools; do
		echo "$p $(inst_version "$p") (host tool)"
	done
	echo "# differences from the lock $(basename "$lock")"
	if [ -s "$work/lock.diff" ]; then cat "$work/lock.diff"; else echo "none"; fi
	echo
	echo "# shared libraries: path package"
	cat "$work/libs.pkg"
	echo
	echo "# kernel modules, in load order"
	cat "$modlist"
	echo
	echo "# busybox applets"
	echo $applets
	echo
	echo "# initramfs files: sha256 path"
	(cd "$root" && find . -type f | sort | xargs sha256sum)
	echo
	echo "# ISO files: sha256 path"
	(cd "$iso" && find . -type f | sort | xargs sha256sum)
} >"$manifest"
install -m 0644 "$manifest" "$iso/ceremony/MANIFEST"
install -m 0644 "$root/etc/ceremony/packages" "$iso/ceremony/PACKAGES"
find "$iso" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# --- the hybrid ISO (BIOS + UEFI, CD + USB) ----------------------------------------------------
# grub-mkrescue stamps the ISO's UUID (which its own boot image searches for) with the current
# time and builds files with fresh mtimes: it runs under a frozen clock at SOURCE_DATE_EPOCH;
# xorriso takes its volume dates, GPT GUIDs and file dates from SOURCE_DATE_EPOCH.
name=ceremony.iso
[ $debug = 0 ] || name=ceremony-debug.iso
rm -f "$out/$name" "$out/SHA256SUMS"
frozen=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%Y-%m-%d %H:%M:%S')
if ! faketime -f "$frozen" grub-mkrescue -o "$work/$name" --fonts= --locales= --themes= \
	--compress=no \
	--install-modules="linux linux16 normal configfile echo test smbios serial terminal search \
search_label search_fs_uuid iso9660 all_video part_gpt part_msdos part_apple part_acorn \
part_amiga part_bsd part_dfly part_dvh part_plan part_sun part_sunpc" \
	"$iso" -- -volid "$label" >"$work/grub-mkrescue.log" 2>&1; then
	cat "$work/grub-mkrescue.log" >&2
	die "grub-mkrescue failed"
fi
# The init hashes the boot medium up to the volume size the primary volume descriptor records:
# that must be the whole file, or the hash shown at boot would not be the published one.
blocks=$(od -An -tu4 -j 32848 -N4 "$work/$name" | tr -d ' ')
[ "$((blocks * 2048))" = "$(stat -c %s "$work/$name")" ] ||
	die "ISO volume size ($blocks blocks) is not the file size"
mv "$work/$name" "$out/$name"
install -m 0644 "$manifest" "$out/MANIFEST"
(cd "$out" && sha256sum "$name" >SHA256SUMS)
packages_list >"$out/PACKAGES"
if [ "$mode" = refresh ]; then
	{
		echo "# image/packages.lock: the Debian packages of the ceremony image and the host tools"
		echo "# that build it. A release build (make image RELEASE=1) takes exactly these; make"
		echo "# image-lock rewrites this file from what this machine has (docs/image.md, Packages)."
		packages_list | grep -v '^#'
	} >"$lock.tmp"
	mv "$lock.tmp" "$lock"
	say "lock written: $lock ($(grep -c '^deb ' "$lock") packages)"
	if [ -s "$work/lock.diff" ]; then sed 's/^/image:   was: /' "$work/lock.diff"; fi
fi
say "$out/$name $(stat -c %s "$out/$name") bytes, sha256 $(cut -d' ' -f1 "$out/SHA256SUMS")"
