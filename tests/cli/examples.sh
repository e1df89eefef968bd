# Every example script in scripts/ is valid, has a rehearsal answers file that answers every
# prompt it asks, prints, and has an end-to-end test of its own (docs/ceremonies.md).
. "$SRCDIR/tests/cli/lib.sh"
n=0
for s in "$SRCDIR"/scripts/*.yaml; do
	name=$(basename "$s" .yaml)
	[ -f "$SRCDIR/scripts/$name.answers" ] || fail "$name has no answers file"
	# The key-use examples carry a placeholder for the digest their ceremony approves: a
	# production check refuses them until it is written in.
	if grep -q 'digest: 0\{64\}$' "$s"; then
		expect_err 1 "placeholder" ceremony script check "$s"
	fi
	expect 0 ceremony script check "$s" --answers "$SRCDIR/scripts/$name.answers" --rehearsal
	grep -q "answers all [0-9]* prompts" "$T/out" || fail "$name: answers incomplete"
	expect 0 ceremony script print "$s"
	grep -q "$(sed -n 's/^id: //p' "$s")" "$T/out" || fail "$name: printed script lacks its id"
	grep -rqs "scripts/$name.yaml" "$SRCDIR"/tests/cli/run_*.sh "$SRCDIR"/tests/cli/keyuse.bash ||
		fail "$name is run by no test"
	grep -q "scripts/$name.yaml" "$SRCDIR/docs/ceremonies.md" || fail "$name is not in docs/ceremonies.md"
	n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n example scripts"
