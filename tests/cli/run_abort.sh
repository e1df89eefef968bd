# A ceremony that cannot go on stops cleanly: NO-GO before any key, a missing answer, a
# mis-copied share, a wrong answers file. Each leaves a transcript that verifies as aborted, no
# key material, and no half-written file.
. "$SRCDIR/tests/cli/lib.sh"

script=$SRCDIR/scripts/smki-keygen.yaml
answers=$SRCDIR/scripts/smki-keygen.answers

media() {
	rm -rf "$T/m"
	for d in public backup carol dave erin frank grace heidi; do mkdir -p "$T/m/$d"; done
}

# Test switches never reach a production run: each is refused (exit 2) before anything is
# written, so a host with a fake /sys or a fake image hash cannot record a production ceremony
# whose checks all passed. Nothing exists afterwards: no transcript, no key, no share.
mkdir -p "$T/sys/class/net/lo" "$T/sys/class/net/eth0" "$T/sys/bus/pci/devices"
printf '%064d\n' 0 >"$T/image.sha256"
nothing_written() {
	[ -z "$(find "$T/m" -type f)" ] || fail "$1: files written: $(find "$T/m" -type f)"
}
refused_switch() { # NAME PATTERN COMMAND...
	name=$1 pattern=$2
	shift 2
	media
	expect_err 2 "$pattern" "$@"
	grep -q "nothing was written" "$T/err" || fail "$name: not said that nothing was written"
	nothing_written "$name"
}
refused_switch sysfs "--sysfs is a test switch, refused without --rehearsal" \
	ceremony run "$script" --media "$T/m" --answers "$answers" --sysfs "$T/sys"
refused_switch image-hash "--image-hash is a test switch, refused without --rehearsal" \
	ceremony run "$script" --media "$T/m" --answers "$answers" --image-hash "$T/image.sha256"
for var in CEREMONY_FIXED_TIME OPENSSL_CONF OPENSSL_MODULES OPENSSL_ENGINES OPENSSL_ia32cap; do
	refused_switch "$var" "the environment variable $var is a test override" \
		env "$var=/nonexistent" $CEREMONY run "$script" --media "$T/m" --answers "$answers"
done
# Production on this host, which is not the appliance: NO-GO (a network interface, or no
# image hash from the boot), nothing generated.
media
expect 1 ceremony run "$script" --media "$T/m" --answers "$answers"
grep -q "NO-GO" "$T/out" || fail "no NO-GO said"
grep -q "air-gap.interfaces\|not running from the appliance image" "$T/out" ||
	fail "the failed check is not named"
expect 0 ceremony transcript verify "$T/m/public/transcript.jsonl"
grep -q "outcome *aborted" "$T/out" || fail "transcript not aborted"
if grep -q "key-generated" "$T/m/public/transcript.jsonl"; then fail "a key was generated"; fi
[ "$(ls "$T/m/carol")" = "" ] || fail "a custodian medium was written"

# The same in a rehearsal, where the answers file overrides the check: recorded as an exception.
media
sed 's/^go.decision = yes/go.decision = no/' "$answers" >"$T/no.answers"
expect 1 ceremony run "$script" --media "$T/m" --answers "$T/no.answers" --rehearsal \
	--sysfs "$T/sys"
grep -q "declared NO-GO" "$T/out" || fail "administrator's NO-GO not said"
expect 0 ceremony transcript verify "$T/m/public/transcript.jsonl"
grep -q "rehearsal override" "$T/out" || fail "override not recorded as an exception"

# A missing answer stops with the prompt named, and the transcript says why.
media
grep -v '^seal.dave.bag' "$answers" >"$T/missing.answers"
expect 2 ceremony run "$script" --media "$T/m" --answers "$T/missing.answers" --rehearsal
grep -q "no answer for prompt seal.dave.bag" "$T/out" || fail "missing prompt not named"
expect 0 ceremony transcript verify "$T/m/public/transcript.jsonl"
grep -q "outcome *aborted" "$T/out" || fail "not aborted"
grep -q "no answer for prompt seal.dave.bag" "$T/out" || fail "abort reason not recorded"
for d in "$T"/m/*; do
	(cd "$d" && { [ ! -f SHA256SUMS ] || sha256sum -c --quiet SHA256SUMS; }) ||
		fail "a medium is inconsistent after the abort: $d"
done

# Words typed back wrongly: caught at once, nothing more is written.
media
awk '/^share.root.1.words/ { print "share.root.1.words = academic acid acne acquire"; next }
     { print }' "$answers" >"$T/miscopy.answers"
expect 1 ceremony run "$script" --media "$T/m" --answers "$T/miscopy.answers" --rehearsal
grep -q "Word 1 does not match\|do not match" "$T/out" || fail "mis-copied words not caught"
[ "$(ls "$T/m/dave")" = "" ] || fail "shares written after a failed copy"

# A medium that is not there is named, with its path and what to do, not as a bare errno.
rm -rf "$T/m" && mkdir -p "$T/m/backup"
expect_err 2 "cannot start the transcript: medium 'public' is not present at $T/m/public: insert it" \
	ceremony run "$script" --media "$T/m" --answers "$answers" --rehearsal
[ -z "$(find "$T/m" -type f)" ] || fail "files written without the public medium"

# Answers for another ceremony are refused before anything starts.
media
sed 's/^ceremony = .*/ceremony = some-other-ceremony/' "$answers" >"$T/other.answers"
expect 2 ceremony run "$script" --media "$T/m" --answers "$T/other.answers" --rehearsal
grep -q "some-other-ceremony" "$T/err" || fail "wrong ceremony not said"
[ ! -e "$T/m/public/transcript.jsonl" ] || fail "a transcript was started"

# An existing transcript is never overwritten.
media
echo "earlier" >"$T/m/public/transcript.jsonl"
expect 2 ceremony run "$script" --media "$T/m" --answers "$answers" --rehearsal
[ "$(cat "$T/m/public/transcript.jsonl")" = earlier ] || fail "transcript overwritten"
grep -q "cannot start the transcript .*/public/transcript.jsonl" "$T/err" ||
	fail "the public transcript in the way is not named"
# A leftover backup copy blocks a restart too, and it is the one named.
media
echo "earlier" >"$T/m/backup/transcript.jsonl"
expect 2 ceremony run "$script" --media "$T/m" --answers "$answers" --rehearsal
grep -q "cannot start the transcript .*/backup/transcript.jsonl" "$T/err" ||
	{ cat "$T/err"; fail "the backup transcript in the way is not named"; }
[ ! -e "$T/m/public/transcript.jsonl" ] || fail "a public transcript was left behind"

# A key-use script whose approved digest is still the placeholder is refused before anything
# starts outside a rehearsal (a rehearsal flags it on the screen).
media
expect_err 2 "smki-issuing-ca.yaml:[0-9]*: input 'keygen': its digest is a placeholder" \
	ceremony run "$SRCDIR/scripts/smki-issuing-ca.yaml" --media "$T/m" \
	--answers "$SRCDIR/scripts/smki-issuing-ca.answers"
[ ! -e "$T/m/public/transcript.jsonl" ] || fail "a transcript was started"
