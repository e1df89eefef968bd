# The known-answer self-tests catch a broken primitive, and a failure is NO-GO: the ceremony
# stops before any key exists, in a rehearsal too, with no override offered. The primitive is
# broken from outside by an LD_PRELOAD library (tests/fault/katbreak.c), the product unchanged.
. "$SRCDIR/tests/cli/lib.sh"

shim=$BUILDDIR/tests/katbreak.so
[ -f "$shim" ] || fail "no $shim (built by make cli)"
# Under ASan the sanitizer runtime wants to be first; the shim does not need it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
script=$SRCDIR/scripts/smki-keygen.yaml
answers=$SRCDIR/scripts/smki-keygen.answers

expect 0 ceremony selftest
grep -q "^6 of 6 known-answer tests passed$" "$T/out" || fail "selftest: $(cat "$T/out")"

# Each break is caught by its own test and by no other.
for what in sha256 slip39 ed25519 random; do
	expect 1 env KATBREAK=$what LD_PRELOAD="$shim" $CEREMONY selftest
	grep -q "^$what  *FAILED$" "$T/out" || fail "$what broken but not caught: $(cat "$T/out")"
	[ "$(grep -c FAILED "$T/out")" = 1 ] || fail "$what broken, others failed: $(cat "$T/out")"
	grep -q "^failed: $what$" "$T/out" || fail "summary: $(cat "$T/out")"
done

# A rehearsal whose answers would override every failed check still stops at the go/no-go.
{ cat "$answers"; echo "go.override.self-tests = yes"; } >"$T/override.answers"
for what in sha256 slip39; do
	rm -rf "$T/m"
	for d in public backup carol dave erin frank grace heidi; do mkdir -p "$T/m/$d"; done
	expect 1 env KATBREAK=$what LD_PRELOAD="$shim" $CEREMONY run "$script" --media "$T/m" \
		--answers "$T/override.answers" --rehearsal
	grep -q "NO-GO" "$T/out" || fail "$what: no NO-GO said"
	grep -q "check self-tests failed: failed: $what" "$T/out" ||
		fail "$what: the failed self-test is not named: $(tail -n 5 "$T/out")"
	if grep -q "override the failed check self-tests" "$T/out"; then
		fail "$what: an override of the self-tests was offered"
	fi
	# Verified with the real primitives: the record says why it stopped, and no key exists.
	expect 0 ceremony transcript verify "$T/m/public/transcript.jsonl"
	grep -q "outcome *aborted" "$T/out" || fail "$what: transcript not aborted"
	grep -q '"id":"self-tests","passed":false' "$T/m/public/transcript.jsonl" ||
		fail "$what: the failed check is not in the transcript"
	if grep -q "key-generated" "$T/m/public/transcript.jsonl"; then fail "a key was generated"; fi
	cmp -s "$T/m/public/transcript.jsonl" "$T/m/backup/transcript.jsonl" ||
		fail "$what: the backup transcript differs"
	[ "$(ls -A "$T/m/public" "$T/m/backup" | grep -vc -e '^transcript.jsonl$' -e '^$' -e ':$')" = 0 ] ||
		fail "$what: more than the transcript on public or backup: $(ls -A "$T/m/public" "$T/m/backup")"
	for d in carol dave erin frank grace heidi; do
		[ -z "$(ls -A "$T/m/$d")" ] || fail "$what: custodian medium $d was written"
	done
done
