# The dispatch table and the exit-code contract.
. "$SRCDIR/tests/cli/lib.sh"

expect 0 ceremony --version
grep -q '^ceremony [0-9]' "$T/out" || fail "version line"
expect 0 ceremony help
for c in run script transcript cert slip39 qr media selftest; do
	grep -q "^  $c " "$T/out" || fail "help lacks $c"
done
expect 2 ceremony
expect_err 2 "unknown command" ceremony no-such-command
