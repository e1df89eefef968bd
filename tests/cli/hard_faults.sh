# Media that fail while the SMKI key-generation ceremony writes to them, made to fail from outside
# the unmodified binary (tests/fault/faultshim.c) and, as root, on a real full tmpfs:
# - a custodian's medium full part-way, an I/O error on write, on fsync, on rename, on the
#   SHA256SUMS update, and the medium pulled out at each of its operations in turn: the ceremony
#   says why, never says the share was written before it is, asks for a fresh medium
#   (share.<key>.<n>.retry), writes the share there, completes, and the transcript verifies
#   with its artifacts and records the failed attempt;
# - the same failure for good, or the retry declined: the ceremony aborts, nothing under a final
#   name is partial, the aborted transcript verifies;
# - the transcript's medium full, failing, or pulled out, its copy failing: the ceremony stops
#   without any claim of success, and both copies verify up to their last whole record, which
#   `transcript verify` reports as the end (incomplete, exit 1);
# - a public output that cannot be written, and SHA256SUMS that cannot be updated at the close.
# Every media tree is then checked by tests/fault/check_media.py (see its header).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/fault/fault.sh"

# Under valgrind a run takes some 20 s: one case of each kind only.
quick=0
case $CEREMONY in *valgrind*) quick=1 ;; esac
# more: whether the full set of cases runs.
more() { [ "$quick" = 0 ]; }

retry=$T/retry.answers
{ cat "$ANSWERS"; echo "share.root.1.retry = yes"; } >"$retry"

# One complete run: the names it makes are the reference of what may be on each medium, and
# the shim's log counts the operations on carol's medium.
fresh_media "$R/ref"
fault_run "$retry" "$R/ref" FAULT_PATH="$R/ref/carol*" FAULT_OP=all FAULT_AFTER=100000 \
	FAULT_LOG="$T/carol.log"
[ "$rc" = 0 ] || { tail -n 20 "$T/out" "$T/err"; fail "the reference run failed ($rc)"; }
$CHECK --reference "$R/ref" --expect-closed "$R/ref" >"$T/check" || { cat "$T/check"; fail "reference"; }
S1='root-[0-9a-f]{4}-1\.share'

# share_fault NAME PATTERN [FAULT_X=...]...: carol's medium fails as set while her root share
# is written; the error matching PATTERN is said before anything says the share was written, the
# retry is asked, the ceremony closes, and the failed attempt is in the transcript.
share_fault() {
	name=$1 pat=$2
	shift 2
	fresh_media "$R/$name"
	fault_run "$retry" "$R/$name" FAULT_PATH="$R/$name/carol*" "$@"
	[ "$rc" = 0 ] || { tail -n 20 "$T/out" "$T/err"; fail "$name: exit $rc"; }
	bad=$(grep -nE -- "$pat" "$T/out" | head -n 1 | cut -d: -f1)
	good=$(grep -nE "share file carol/$S1 written and verified" "$T/out" | cut -d: -f1)
	[ -n "$bad" ] || { tail -n 30 "$T/out"; fail "$name: the failure is not said: $pat"; }
	[ "$(echo "$good" | wc -w)" = 1 ] || fail "$name: the share is said written $good times"
	[ "$bad" -lt "$good" ] || fail "$name: the share was said written before the failure"
	said '\[answers\] share\.root\.1\.retry = yes'
	grep -q '"attempt":1,"error":"[^"]*","file":"root-[0-9a-f]*-1.share","key":"root","medium":"carol","number":1,"text":"the share file could not be written"' \
		"$R/$name/public/transcript.jsonl" || fail "$name: the failed attempt is not recorded"
	trees="$trees $R/$name"
}

trees=
share_fault full 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: the medium is full' \
	FAULT_OP=write FAULT_BYTES=200 FAULT_ERRNO=ENOSPC FAULT_TIMES=1
more && share_fault eio-write 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: input/output error' \
	FAULT_OP=write FAULT_ERRNO=EIO FAULT_TIMES=1
more && share_fault eio-fsync 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: input/output error' \
	FAULT_OP=fsync FAULT_ERRNO=EIO FAULT_TIMES=1
# The directory's fsync after the rename: the file under its final name is taken away again.
more && share_fault eio-dirsync 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: input/output error' \
	FAULT_OP=fsync FAULT_AFTER=1 FAULT_ERRNO=EIO FAULT_TIMES=1
more && share_fault eio-rename 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: input/output error' \
	FAULT_OP=rename FAULT_ERRNO=EIO FAULT_TIMES=1
# The second write is SHA256SUMS: the share goes, the manifest stays as it was.
more && share_fault eio-manifest 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: input/output error' \
	FAULT_OP=write FAULT_AFTER=1 FAULT_ERRNO=EIO FAULT_TIMES=1
more && share_fault readonly 'medium .carol. at [^:]*: writing root-[0-9a-f]{4}-1\.share: the medium is read-only' \
	FAULT_OP=create FAULT_ERRNO=EROFS FAULT_TIMES=1
$CHECK --reference "$R/ref" --expect-closed $trees >"$T/check" || { cat "$T/check"; fail "share faults"; }

# The medium pulled out at each of carol's operations until her share file is read back for the
# last time (every call on it fails from then on, until a fresh medium is mounted there). Whatever is left on the medium
# that went away (a temporary file, or even the complete share, unlisted) must not stop the
# retry or be taken for a file.
ops=$(awk '/contingency/ { exit } /\/root-/ { n = NR } END { print n + 0 }' "$T/carol.log")
[ "$ops" -gt 20 ] || fail "only $ops operations on carol for her first share"
trees=
k=0
# Under valgrind: only the first write of the share, which leaves its temporary file behind.
more || k=$(($(grep -n ' write .*/carol/\.root-' "$T/carol.log" | head -n 1 | cut -d: -f1) - 1))
while [ "$k" -lt "$ops" ]; do
	fresh_media "$R/gone$k"
	fault_run "$retry" "$R/gone$k" FAULT_PATH="$R/gone$k/carol*" FAULT_OP=all FAULT_AFTER=$k \
		FAULT_ERRNO=ENODEV FAULT_REMOUNT="$R/gone$k/carol"
	[ "$rc" = 0 ] || { tail -n 20 "$T/out"; fail "removal at carol's operation $k: exit $rc"; }
	said 'Ceremony smki-keygen-2025 closed'
	if grep -q 'the medium went away' "$T/out"; then
		said '\[answers\] share\.root\.1\.retry = yes'
		grep -q '"text":"the share file could not be written"' "$R/gone$k/public/transcript.jsonl" ||
			fail "removal at $k: the failed attempt is not recorded"
	fi
	# A temporary file left on the medium is said when the fresh medium comes.
	if ls -A "$R/gone$k/carol" | grep -q '^\..*\.tmp$'; then
		said 'medium carol holds 1 unfinished write left by an interrupted run'
	fi
	trees="$trees $R/gone$k"
	k=$((k + 1))
	more || break
done
$CHECK --reference "$R/ref" --expect-closed $trees >"$T/check" || { cat "$T/check"; fail "removals"; }
more && echo "carol's medium pulled out at each of $ops operations: every run closed"

# For good: three attempts fail, the ceremony aborts; the aborted transcript verifies.
fresh_media "$R/stays-full"
fault_run "$retry" "$R/stays-full" FAULT_PATH="$R/stays-full/carol*" FAULT_OP=write \
	FAULT_BYTES=200 FAULT_ERRNO=ENOSPC
[ "$rc" = 2 ] || fail "a medium that stays full: exit $rc"
said "ABORT: medium .carol. at [^:]*: writing $S1: the medium is full"
not_said "share file carol/$S1 written"
not_said 'Ceremony smki-keygen-2025 closed'
[ "$(grep -c '"text":"the share file could not be written"' "$R/stays-full/public/transcript.jsonl")" = 3 ] ||
	fail "three failed attempts are not recorded"
[ -z "$(ls -A "$R/stays-full/carol")" ] || fail "left on carol's medium: $(ls -A "$R/stays-full/carol")"
trees="$R/stays-full"

if more; then
	# The retry declined.
	fresh_media "$R/declined"
	sed 's/^share.root.1.retry = yes$/share.root.1.retry = no/' "$retry" >"$T/no.answers"
	fault_run "$T/no.answers" "$R/declined" FAULT_PATH="$R/declined/carol*" FAULT_OP=write \
		FAULT_ERRNO=EIO FAULT_TIMES=1
	[ "$rc" = 1 ] || fail "retry declined: exit $rc"
	said 'ABORT: share 1 of root could not be written'
	not_said "share file carol/$S1 written"
	trees="$trees $R/declined"

	# A public output that cannot be written: no retry there, the ceremony aborts.
	fresh_media "$R/root-pem"
	fault_run "$ANSWERS" "$R/root-pem" FAULT_PATH="$R/root-pem/public/.root.pem.*" FAULT_OP=write \
		FAULT_ERRNO=EIO
	[ "$rc" = 2 ] || fail "root.pem: exit $rc"
	said 'ABORT: medium .public. at [^:]*: writing root.pem: input/output error'
	[ ! -e "$R/root-pem/public/root.pem" ] || fail "root.pem exists"
	trees="$trees $R/root-pem"
fi

# A real full medium: carol's is a 4 KiB tmpfs; her share fits, SHA256SUMS does not, so the
# share is taken away again, three times, and the ceremony aborts.
real_full=skipped
if [ "$FAULT_TMPFS" = 1 ] && more; then
	fresh_media "$R/tmpfs"
	mount -t tmpfs -o size=4k,mode=0700 tmpfs "$R/tmpfs/carol"
	fault_run "$retry" "$R/tmpfs"
	ls -A "$R/tmpfs/carol" >"$T/left"
	umount "$R/tmpfs/carol"
	[ "$rc" = 2 ] || fail "real full medium: exit $rc"
	said "ABORT: medium .carol. at [^:]*: writing $S1: the medium is full"
	not_said "share file carol/$S1 written"
	[ ! -s "$T/left" ] || fail "left on the full medium: $(cat "$T/left")"
	trees="$trees $R/tmpfs"
	real_full=done
fi
$CHECK --reference "$R/ref" --expect-aborted $trees >"$T/check" || { cat "$T/check"; fail "aborted"; }

# The transcript's medium fails: the ceremony stops, claims nothing, and the copies end at their
# last whole record. size: half the complete transcript, so the fault lands inside a record.
size=$(($(wc -c <"$R/ref/public/transcript.jsonl") / 2))
# transcript_fault NAME MEDIUM-GLOB WHY [FAULT_X=...]...: WHY is what the abort must say.
transcript_fault() {
	name=$1 glob=$2 why=$3
	shift 3
	fresh_media "$R/$name"
	fault_run "$ANSWERS" "$R/$name" FAULT_PATH="$R/$name/$glob" "$@"
	[ "$rc" = 2 ] || fail "$name: exit $rc"
	said "^ABORT: transcript: .*$why"
	said 'the abort record could not be written'
	not_said 'closed\.|FINAL DIGEST'
	for c in public backup; do
		f=$R/$name/$c/transcript.jsonl
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ] || fail "$name: $c copy torn"
		expect 1 ceremony transcript verify "$f"
		grep -q 'without a close or abort record (incomplete)' "$T/err" || fail "$name: $c"
	done
	# Cut back to the last record both copies hold (unless the medium is gone for ftruncate
	# too: then the main copy may be one whole record ahead, which the check allows).
	[ "$name" = t-gone ] ||
		cmp -s "$R/$name/public/transcript.jsonl" "$R/$name/backup/transcript.jsonl" ||
		fail "$name: the copies differ"
	trees="$trees $R/$name"
}
trees=
transcript_fault t-full 'public/transcript.jsonl' 'writing the transcript failed \(No space left on device\)' \
	FAULT_OP=write FAULT_BYTES=$size FAULT_ERRNO=ENOSPC
more && transcript_fault t-eio 'public/transcript.jsonl' 'writing the transcript failed \(Input/output error\)' \
	FAULT_OP=write FAULT_AFTER=40 FAULT_ERRNO=EIO
more && transcript_fault t-fsync 'public/transcript.jsonl' 'writing the transcript failed \(Input/output error\)' \
	FAULT_OP=fsync FAULT_AFTER=40 FAULT_ERRNO=EIO
more && transcript_fault t-gone 'public*' 'writing the transcript failed \(No such device\)' \
	FAULT_OP=all FAULT_AFTER=150 FAULT_ERRNO=ENODEV
more && transcript_fault t-copy 'backup/transcript.jsonl' "writing the transcript's copy failed \\(Input/output error\\)" \
	FAULT_OP=write FAULT_AFTER=40 FAULT_ERRNO=EIO
# ... and cannot even cut the torn line off (ftruncate fails as well): the line stays, and the
# verifier calls it what it is.
if more; then
	fresh_media "$R/t-torn"
	fault_run "$ANSWERS" "$R/t-torn" FAULT_PATH="$R/t-torn/public/transcript.jsonl" \
		FAULT_OP=write,truncate FAULT_BYTES=$size FAULT_ERRNO=ENOSPC
	[ "$rc" = 2 ] || fail "t-torn: exit $rc"
	said '^ABORT: transcript: .*\(No space left on device\)'
	not_said 'closed\.|FINAL DIGEST'
	expect 1 ceremony transcript verify "$R/t-torn/public/transcript.jsonl"
	grep -q 'truncated after record [0-9]* (truncated)' "$T/err" || { cat "$T/err"; fail "t-torn"; }
	trees="$trees $R/t-torn"
fi
$CHECK --reference "$R/ref" $trees >"$T/check" || { cat "$T/check"; fail "transcript faults"; }

# SHA256SUMS of the public medium cannot take the transcript at the close: the transcript is
# closed and its final digest shown; the error is said, and no success.
fresh_media "$R/listing"
fault_run "$ANSWERS" "$R/listing" FAULT_PATH="$R/listing/public/.SHA256SUMS.*" FAULT_OP=rename \
	FAULT_AFTER=2 FAULT_ERRNO=EIO
[ "$rc" = 2 ] || fail "listing at the close: exit $rc"
said 'FINAL DIGEST'
said 'ERROR after the close: listing public/transcript.jsonl: input/output error'
not_said 'Ceremony smki-keygen-2025 closed|^ABORT'
$CHECK --reference "$R/ref" --expect-closed "$R/listing" >"$T/check" || { cat "$T/check"; fail "listing"; }

if more && [ "$real_full" = skipped ]; then
	echo "all else passed; the real full medium needs a tmpfs, which this user cannot mount"
	exit 77
fi
more || echo "under valgrind: one case of each kind"
