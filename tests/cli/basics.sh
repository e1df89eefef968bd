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

# `ceremony help CMD` prints exactly what `ceremony CMD --help` prints, for every command.
cmds="run script transcript cert slip39 qr media selftest"
for c in $cmds; do
	expect 0 ceremony "$c" --help
	mv "$T/out" "$T/direct"
	expect 0 ceremony help "$c"
	cmp -s "$T/out" "$T/direct" || fail "help $c differs from $c --help"
	grep -q "^usage: ceremony $c" "$T/out" || fail "help $c is not $c's usage"
done
expect_err 2 "unknown command" ceremony help no-such-command
expect 2 ceremony help run extra

# The man page's synopsis is the usage text: every usage line of every command (continuation
# lines joined, a trailing "(comment)" dropped) is in docs/ceremony.1 as groff renders it, and
# the page names every command.
MAN=$SRCDIR/docs/ceremony.1
for c in $cmds help; do
	grep -q "^\.Cm $c\( \|$\)" "$MAN" || fail "docs/ceremony.1 does not list $c"
done
if command -v groff >/dev/null; then
	groff -mdoc -Tascii -P-cbou -ww "$MAN" 2>"$T/groff.err" |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | tr -s ' \n' ' ' >"$T/synopsis"
	[ ! -s "$T/groff.err" ] || { cat "$T/groff.err"; fail "groff finds errors in the man page"; }
	n=0
	for c in $cmds; do
		ceremony "$c" --help | awk '
			/^usage: / { sub(/^usage: /, ""); if (u != "") print u; u = $0; next }
			/^       *ceremony / { if (u != "") print u; u = $0; next }
			/^        *[^ ]/ && u != "" { u = u " " $0; next }
			{ if (u != "") print u; u = ""; exit }
			END { if (u != "") print u }' |
			sed 's/  *(payload on stdin)$//; s/  *(content on stdin)$//' |
			tr -s ' ' | sed 's/^ //' >"$T/usage"
		while IFS= read -r u; do
			grep -qF -- "$u" "$T/synopsis" || fail "docs/ceremony.1 synopsis lacks: $u"
			n=$((n + 1))
		done <"$T/usage"
	done
	[ "$n" -ge 24 ] || fail "only $n usage lines compared"
fi

# Plain make on a machine that lacks a library says what is missing and what to run, before
# any compiler meets a missing header.
if command -v make >/dev/null; then
	expect 2 make -s -C "$SRCDIR" BUILD="$T/build" PKGS="libsodium no-such-library"
	grep -q "missing build dependencies (pkg-config names): no-such-library$" "$T/err" ||
		{ cat "$T/err"; fail "make does not name the missing library"; }
	grep -q 'run "scripts/install-deps build"' "$T/err" || fail "make does not say what to run"
	! grep -q "No such file" "$T/err" || fail "make reached the compiler"
	[ ! -e "$T/build/obj" ] || fail "make compiled something"
fi
