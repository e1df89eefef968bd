# Helpers for the CLI tests. Source it: . "$SRCDIR/tests/cli/lib.sh"
set -eu

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect CODE CMD...: run CMD, require exit CODE; its stdout/stderr land in $T/out, $T/err.
expect() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || {
		echo "stdout:"; head -c 2000 "$T/out"; echo "stderr:"; head -c 2000 "$T/err"
		fail "expected exit $want, got $got: $*"
	}
}

# expect_err CODE PATTERN CMD...: as expect, and stderr must be one line matching PATTERN.
expect_err() {
	want=$1 pat=$2; shift 2
	expect "$want" "$@"
	[ "$(wc -l <"$T/err")" -le 1 ] || { cat "$T/err"; fail "more than one line of error: $*"; }
	grep -q -- "$pat" "$T/err" || { cat "$T/err"; fail "stderr lacks '$pat': $*"; }
}

# ceremony ARGS...: the binary under test (possibly behind valgrind).
ceremony() { $CEREMONY "$@"; }

need() { for c in "$@"; do command -v "$c" >/dev/null || { echo "no $c"; exit 77; }; done; }

# need_python IMPORTS WHAT: sets PY to a python3 (the PATH's, else Debian's) that can run
# "import IMPORTS", or skips the test naming WHAT (the Debian packages to install).
need_python() {
	PY=
	for p in python3 /usr/bin/python3; do
		if command -v "$p" >/dev/null && "$p" -c "import $1" 2>/dev/null; then
			PY=$p
			return 0
		fi
	done
	echo "no python3 with $2"
	exit 77
}
