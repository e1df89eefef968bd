#!/bin/bash
# Build the appliance's hybrid ISO from Debian packages and build/ceremony, reproducibly.
#
# usage: image/build.sh [--debug] OUTDIR
#   OUTDIR/ceremony.iso (ceremony-debug.iso with --debug), OUTDIR/SHA256SUMS, OUTDIR/MANIFEST;
#   OUTDIR/work holds the staging trees (kept for inspection, remade every time).
# environment:
#   CEREMONY_BIN       the program to ship (default build/ceremony)
#   VERSION            the program's version, shown at boot (default: `CEREMONY_BIN --version`)
#   IMAGE_CACHE        downloaded .debs and their extracted trees (default build/image/cache)
#   SOURCE_DATE_EPOCH  every timestamp in the image (default: the last commit's time)
#   IMAGE_FRESH=1      compress the initramfs even if the cache has the result
#
# Every byte comes from a Debian package at the version installed on this machine, or its stable
# update (kernel, modules, busybox, the shared libraries the program needs; each .deb checked
# against the SHA256 of apt's signed index), from this repository (init, grub.cfg, built-in
# scripts), or is the program itself. GRUB comes from the installed grub-pc-bin and
# grub-efi-amd64-bin, through grub-mkrescue. docs/image.md explains the whole.
set -euo pipefail
shopt -s inherit_errexit
export LC_ALL=C TZ=UTC
umask 022

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
debug=0
if [ "${1:-}" = --debug ]; then debug=1; shift; fi
[ $# = 1 ] || { echo "usage: $0 [--debug] OUTDIR" >&2; exit 2; }
out=$1
bin=${CEREMONY_BIN:-build/ceremony}
cache=${IMAGE_CACHE:-build/image/cache}
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
out=$(realpath "$out") cache=$(realpath "$cache")
rm -rf "$work"
mkdir -p "$root" "$iso"
manifest=$work/MANIFEST
: >"$manifest"

# --- Debian packages -----------------------------------------------------------------------
# resolve PKG...: records in $pkgs "PKG VERSION SHA256" for each .deb the image takes: the installed
# version (what this machine built and tested with) while apt's index still lists it, else the
# index's candidate (a stable update of the same package: the build log says so). One apt-cache
# call for all: each costs a second.
pkgs=$work/packages
resolve() {
	local p st want=() stale=() cand
	for p in "$@"; do
		st=$(dpkg-query -W -f='${Status} ${Version}' "$p" 2>/dev/null) || true
		case $st in
		"install ok installed "*) want+=("$p=${st#install ok installed }") ;;
		*) die "package $p is not installed (scripts/install-deps image installs it)" ;;
		esac
	done
	apt_records "${want[@]}" >>"$pkgs"
	for p in "${want[@]}"; do
		grep -q "^${p%%=*} " "$pkgs" || stale+=("${p%%=*}")
	done
	[ ${#stale[@]} = 0 ] && return 0
	want=()
	while read -r p cand; do
		case $cand in '' | '(none)') die "apt's index has no version of $p (apt-get update)" ;; esac
		say "$p: the installed version is no longer in apt's index; the image takes $cand"
		want+=("$p=$cand")
	done < <(apt-cache policy "${stale[@]}" | awk '/^[^ ]/ { sub(":$", "", $1); p = $1 }
		/^  Candidate:/ { print p, $2 }')
	apt_records "${want[@]}" >>"$pkgs"
	for p in "${stale[@]}"; do
		grep -q "^$p " "$pkgs" || die "apt's index has no SHA256 for $p (apt-get update)"
	done
}

# apt_records PKG=VERSION...: "PKG VERSION SHA256" for every record apt's index has of them.
apt_records() {
	apt-cache show "$@" 2>/dev/null | awk '/^Package: / { p = $2 } /^Version: / { v = $2 }
		/^SHA256: / { print p, v, $2 }' || true
}

# fetch_deb PKG: the .deb resolve chose, from the cache, apt's archive cache or apt-get download;
# its SHA-256 must be one apt's index lists for that version. Prints its path.
fetch_deb() {
	local pkg=$1 ver debarch name f want got
	ver=$(awk -v p="$pkg" '$1 == p { print $2; exit }' "$pkgs")
	[ -n "$ver" ] || die "internal: $pkg was not resolved"
	want=$(awk -v p="$pkg" '$1 == p { print $3 }' "$pkgs")
	debarch=$(dpkg-query -W -f='${Architecture}' "$pkg")
	name="${pkg}_${ver//:/%3a}_${debarch}.deb"
	f=$cache/debs/$name
	if [ ! -f "$f" ]; then
		if [ -f "/var/cache/apt/archives/$name" ]; then
			cp "/var/cache/apt/archives/$name" "$f.tmp"
		else
			say "downloading $pkg $ver" >&2
			(cd "$cache/debs" && apt-get download -q=2 "$pkg=$ver" >/dev/null 2>"$name.log") ||
				die "apt-get download $pkg=$ver failed: $(tail -n 2 "$cache/debs/$name.log")"
			rm -f "$cache/debs/$name.log"
			mv "$f" "$f.tmp"
		fi
		mv "$f.tmp" "$f"
	fi
	got=$(sha256sum <"$f" | cut -d' ' -f1)
	grep -qx "$got" <<<"$want" || die "$name: SHA-256 $got is not the one apt's index lists"
	printf '%s %s %s\n' "$pkg" "$ver" "$got" >>"$manifest.debs"
	echo "$f"
}

# unpack PKG: extracts PKG's .deb once into the cache (keyed by the .deb's hash); prints the tree.
unpack() {
	local deb sum t
	deb=$(fetch_deb "$1")
	sum=$(sha256sum <"$deb" | cut -c1-16)
	t=$cache/tree/$1-$sum
	if [ ! -f "$t.done" ]; then
		rm -rf "$t"
		dpkg-deb -x "$deb" "$t"
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
: >"$work/libs.pkg"
while read -r lib; do
	owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")" 2>/dev/null) ||
		die "no Debian package owns $lib"
	printf '%s %s\n' "$lib" "$(sed -n '1s/:.*//p' <<<"$owner")" >>"$work/libs.pkg"
done <"$work/libs"
kpkg=$(dpkg-query -W -f='${Depends}' linux-image-amd64 | sed 's/[ ,(].*//')
case $kpkg in linux-image-*-amd64) ;; *) die "cannot tell the kernel package from '$kpkg'" ;; esac
kver=${kpkg#linux-image-}
: >"$pkgs"
# shellcheck disable=SC2046
resolve "$kpkg" busybox-static $(cut -d' ' -f2 "$work/libs.pkg" | sort -u)

# --- the kernel and its modules --------------------------------------------------------------
ktree=$(unpack "$kpkg")
if [ ! -f "$ktree/lib/modules/$kver/modules.dep.bin" ]; then
	say "depmod $kver"
	depmod -b "$ktree" "$kver"
fi
kernel=$ktree/boot/vmlinuz-$kver
[ -f "$kernel" ] || die "no /boot/vmlinuz-$kver in $kpkg"

# The closure, in load order: each listed module's dependencies (soft ones too) before it.
modlist=$work/modules.load
: >"$modlist"
while read -r m _; do
	case $m in '' | '#'*) continue ;; esac
	deps=$(modprobe -d "$ktree" -S "$kver" --show-depends "$m" 2>&1) ||
		die "module $m: $deps"
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
while read -r rel; do
	install -D -m 0644 "$ktree/lib/modules/$kver/$rel" "$mdir/$rel"
done <"$modlist"
install -D -m 0644 "$modlist" "$root/etc/ceremony/modules.load"

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
		"$(dpkg-query -W -f='${Version}' "$pkg")" ]; then
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
} >"$root/etc/ceremony/image"
mkdir -p "$root/usr/share/ceremony/scripts"
for s in "$top"/scripts/*.yaml; do
	[ -f "$s" ] && install -m 0644 "$s" "$root/usr/share/ceremony/scripts/"
done
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/run" "$root/media" "$root/tmp"
chmod 1777 "$root/tmp"

# --- the initramfs: sorted newc cpio, owner 0:0, one mtime, zstd ------------------------------
# zstd rather than xz: 15% larger, but the kernel unpacks it several seconds sooner in the VM.
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | sort |
	cpio -o -H newc --quiet --owner 0:0 --reproducible) >"$work/initrd.cpio"
# Level 19 takes 15 s: the result is kept, keyed by the archive's hash.
csum=$(sha256sum <"$work/initrd.cpio" | cut -d' ' -f1)
if [ ! -f "$cache/initrd-$csum.zst" ] || [ "${IMAGE_FRESH:-0}" = 1 ]; then
	zstd -19 -T1 -q -c "$work/initrd.cpio" >"$cache/initrd.tmp"
	mv "$cache/initrd.tmp" "$cache/initrd-$csum.zst"
fi
cp "$cache/initrd-$csum.zst" "$work/initrd.img"

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
	echo "# Debian packages: name version sha256(.deb)"
	sort -u "$manifest.debs"
	for p in grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools; do
		echo "$p $(dpkg-query -W -f='${Version}' "$p") (host tool)"
	done
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
	--compress=xz \
	--install-modules="linux normal configfile echo test smbios serial terminal search \
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
say "$out/$name $(stat -c %s "$out/$name") bytes, sha256 $(cut -d' ' -f1 "$out/SHA256SUMS")"
