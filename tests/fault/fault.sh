# Helpers for the tests that make media fail under the real binary (tests/cli/hard_faults.sh,
# tests/cli/hard_crash.sh). Source after tests/cli/lib.sh. The faults come from outside the
# program: tests/fault/faultshim.c, preloaded, configured by FAULT_* variables (see its header).
need python3 argon2

fault_bin=${CEREMONY##* }
SHIM=$(dirname "$fault_bin")/tests/faultshim.so
[ -f "$SHIM" ] || { echo "no $SHIM: 'make cli' builds it"; exit 77; }
# An ASan binary needs its runtime ahead of every other preloaded library; the shim then sits
# between the sanitizer's interceptors and libc.
PRELOAD=$SHIM
fault_asan=$(ldd "$fault_bin" 2>/dev/null | awk '/libasan/ { print $3 }')
[ -z "$fault_asan" ] || PRELOAD="$fault_asan $SHIM"

SCRIPT=$SRCDIR/scripts/smki-keygen.yaml
ANSWERS=$SRCDIR/scripts/smki-keygen.answers
CHECK="python3 $SRCDIR/tests/fault/check_media.py --answers $ANSWERS"

# The media trees live on a tmpfs of their own when this test may mount one, else under
# /dev/shm, else in $T. Nothing to do with the faults: a kill keeps the page cache, so fsync buys
# nothing here, and a tmpfs makes the many runs fast. FAULT_TMPFS=1: this test may mount one.
R=$T/media
mkdir -p "$R"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=512m,mode=0700 tmpfs "$R" 2>/dev/null; then
	FAULT_TMPFS=1
	trap 'umount -l "$R" 2>/dev/null || true' EXIT
else
	FAULT_TMPFS=0
	if [ -d /dev/shm ] && [ -w /dev/shm ] && shm=$(mktemp -d /dev/shm/ceremony-faults.XXXXXX); then
		R=$shm
		trap 'rm -rf "$R"' EXIT
	fi
fi

# fresh_media DIR: an empty medium for each medium of the SMKI key-generation script.
# One mkdir: hard_crash.sh makes some 250 of these trees.
fresh_media() {
	mkdir -p "$1/public" "$1/backup" "$1/carol" "$1/dave" "$1/erin" "$1/frank" "$1/grace" \
		"$1/heidi"
}

# fault_run ANSWERS MEDIA [FAULT_X=...]...: the SMKI rehearsal on MEDIA with the shim preloaded
# and those settings; its output in $T/out and $T/err, its exit status in $rc. A subshell takes
# the shell's own "Killed" notice when the shim kills the process.
fault_run() {
	fr_answers=$1 fr_media=$2
	shift 2
	set +e
	(
		env LD_PRELOAD="$PRELOAD" "$@" $CEREMONY run "$SCRIPT" --media "$fr_media" \
			--answers "$fr_answers" --rehearsal >"$T/out" 2>"$T/err"
		exit $?
	) 2>/dev/null
	rc=$?
	set -e
}

# said PATTERN: the ceremony's output says it (grep -E).
said() { grep -qE -- "$1" "$T/out" "$T/err" || { tail -n 20 "$T/out" "$T/err"; fail "not said: $1"; }; }
# not_said PATTERN: it does not.
not_said() { if grep -qE -- "$1" "$T/out" "$T/err"; then fail "said: $1"; fi; }
