# The SMKI key-generation ceremony killed (SIGKILL: a crash, or the power cut) at every point
# where it changes a medium, one run per point, each on fresh media:
#
# 1. one complete run counts the operations that change the media tree: every file created,
#    every write (each transcript record on each copy, each share, certificate, CSR and
#    SHA256SUMS), every rename, unlink and truncate. A kill between an fsync and the next such
#    operation leaves the same files as a kill before that operation (the page cache outlives
#    the process), so these points are all the states a crash can leave;
# 2. for each operation k, a run on fresh media that the shim (tests/fault/faultshim.c) kills
#    just before operation k, deterministically; the shim's log proves it died at the same
#    operation of the same file as in the counting run (the backup transcript's writes, which
#    all leave the same kind of state, only every 8th);
# 3. a torn write: for every 8th write, a run killed in the middle of it (50 bytes written);
# 4. every media tree is checked by tests/fault/check_media.py: the transcript verifies up to its
#    last whole record and `transcript verify` says truncated or incomplete there (exit 1); no
#    file under a final name is partial, every share file opens with its passphrase through the
#    independent reader; no temporary file is taken for a file; nothing but the files this
#    ceremony writes, and no secret, is on any medium;
# 5. a new ceremony started on media a killed run left behind says which unfinished writes it
#    found, records them, ignores them and completes.
#
# HARD_CRASH_STRIDE=N (default 1, 4 under ASan) kills at every Nth operation only.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/fault/fault.sh"
case $CEREMONY in *valgrind*)
	echo "under valgrind a run takes minutes: the kill points are covered by the plain and ASan builds"
	exit 77 ;;
esac
stride=${HARD_CRASH_STRIDE:-$([ -n "$fault_asan" ] && echo 4 || echo 1)}
OPS=create,write,rename,unlink,truncate

fresh_media "$R/ref"
fault_run "$ANSWERS" "$R/ref" FAULT_PATH="$R/ref/*" FAULT_OP=$OPS FAULT_AFTER=1000000 \
	FAULT_LOG="$T/ref.log"
[ "$rc" = 0 ] || { tail -n 20 "$T/out" "$T/err"; fail "the counting run failed ($rc)"; }
n=$(wc -l <"$T/ref.log")
[ "$n" -gt 200 ] || fail "only $n operations counted"
records=$(wc -l <"$R/ref/public/transcript.jsonl")

# op_of TREE [ADDRESS]: what an operation is (of the lines at sed's ADDRESS, default all),
# without its tree and the random part of a temporary name.
op_of() { sed -E -n "${2:-}{s|^[0-9]+ ([a-z]+) $1/|\1 |; s/\.[0-9a-f]{16}\.tmp/.TMP.tmp/; s/-[0-9a-f]{4}-/-ID-/g; s/ FAULT$//; p}"; }
# The counting run's operations, raw (ref[k]) and as op_of says them (want[k]), read once: a
# kill run is some 0.4 s of the program, and a sed, grep or tail per run besides added a quarter
# to this test's time, checking nothing more.
mapfile -t ref < <(echo; cat "$T/ref.log")
mapfile -t want < <(echo; op_of "$R/ref" <"$T/ref.log")

# kill_at K TREE [FAULT_X=...]...: a run killed before its operation K.
kill_at() {
	k=$1 tree=$2
	shift 2
	fresh_media "$tree"
	: >"$T/kill.log"
	fault_run "$ANSWERS" "$tree" FAULT_PATH="$tree/*" FAULT_OP=$OPS FAULT_AFTER=$((k - 1)) \
		FAULT_ERRNO=KILL FAULT_LOG="$T/kill.log" "$@"
	[ "$rc" = 137 ] || { tail -n 5 "$T/out" "$T/err"; fail "operation $k: exit $rc, not killed"; }
	got=$(op_of "$tree" '$' <"$T/kill.log")
	[ "$got" = "${want[k]}" ] || fail "killed at '$got', not at operation $k '${want[k]}'"
}

# Before the backup copy's write of a record, the main copy is one record ahead: a state of its
# own, but the same for every record, so every 8th such write is enough.
trees=
k=1 copy=0
while [ "$k" -le "$n" ]; do
	if [[ ${ref[k]} == *' write '*/backup/transcript.jsonl ]]; then
		copy=$((copy + 1))
		[ $((copy % 8)) = 1 ] || { k=$((k + stride)); continue; }
	fi
	kill_at "$k" "$R/k$k"
	trees="$trees $R/k$k"
	k=$((k + stride))
done
runs=$(echo $trees | wc -w)
torn=0
k=1
while [ "$k" -le "$n" ]; do
	if [[ ${ref[k]} =~ ^[0-9]+\ write\  ]]; then
		torn=$((torn + 1))
		if [ $((torn % (8 * stride))) = 1 ]; then
			kill_at "$k" "$R/torn$k" FAULT_PARTIAL=50
			trees="$trees $R/torn$k"
		fi
	fi
	k=$((k + 1))
done
$CHECK --reference "$R/ref" $trees >"$T/check" || { cat "$T/check"; fail "after a kill"; }
tail -n 1 "$T/check"
echo "$n operations ($records transcript records) counted; killed before $runs of them (stride $stride), and in the middle of $(($(echo $trees | wc -w) - runs)) writes"

# A torn record is reported as such: the kill in the middle of the 10th record's write.
k=$(grep -n ' write .*/public/transcript.jsonl$' "$T/ref.log" | sed -n 10p | cut -d: -f1)
kill_at "$k" "$R/torn-record" FAULT_PARTIAL=50
expect 1 ceremony transcript verify "$R/torn-record/public/transcript.jsonl"
grep -q 'truncated after record 8 (truncated)' "$T/err" || { cat "$T/err"; fail "torn record"; }

# A run killed between the fsync and the rename of carol's first share leaves it whole under its
# temporary name. A new ceremony on those media (a fresh public and backup medium) says so,
# records it, takes no notice of it otherwise, and completes.
k=$(grep -n ' rename .*/carol/\.root-' "$T/ref.log" | head -n 1 | cut -d: -f1)
kill_at "$k" "$R/again"
tmp=$(ls -A "$R/again/carol")
case $tmp in .root-*-1.share.*.tmp) ;; *) fail "left on carol's medium: $tmp" ;; esac
# The independent reader would open it, were it not for its name.
cp "$R/again/carol/$tmp" "$T/renamed.share"
printf %s "$(sed -n 's/^share.root.1.passphrase = //p' "$ANSWERS")" |
	python3 "$SRCDIR/tests/cli/sharefile_open.py" "$T/renamed.share" | grep -q '^mnemonic: ' ||
	fail "the temporary file is not the complete share it should be here"
rm -rf "$R/again/public" "$R/again/backup"
fresh_media "$R/again"
fault_run "$ANSWERS" "$R/again"
[ "$rc" = 0 ] || { tail -n 20 "$T/out"; fail "the ceremony after the crash: exit $rc"; }
said "medium carol holds 1 unfinished write left by an interrupted run: $tmp"
grep -q "\"event\":\"note\",\"data\":{\"count\":1,\"files\":\\[\"$tmp\"\\],\"medium\":\"carol\"" \
	"$R/again/public/transcript.jsonl" || fail "the unfinished write is not recorded"
expect 1 ceremony media verify "$R/again/carol"
grep -q "^INCOMPLETE *$tmp\$" "$T/out" || fail "media verify does not report $tmp"
$CHECK --reference "$R/ref" --expect-closed "$R/again" >"$T/check" || { cat "$T/check"; fail "again"; }

# A key-use ceremony (the Issuing CA's) collecting the Root's shares from the media of the
# reference run: beside carol's share, a complete copy of it under a temporary name is ignored
# (not a second share of the key); with only the temporary name, carol has no share.
. "$SRCDIR/tests/cli/keyuse.bash"
KEYGEN=$R/ref
KEYGEN_DIGEST=$(tail -n 1 "$KEYGEN/public/transcript.jsonl" | sed 's/.*"final":"\([0-9a-f]*\)".*/\1/')
share=$(cd "$KEYGEN/carol" && ls root-*-1.share)
csr() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1/issuing.key" \
		2>/dev/null
	openssl req -new -key "$1/issuing.key" -subj "/OU=07/CN=Z1" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1/inbox/issuing-csr.pem"
}
media "$T/beside"
csr "$T/beside"
cp "$T/beside/carol/$share" "$T/beside/carol/.$share.0123456789abcdef.tmp"
run_example smki-issuing-ca "$T/beside"
grep -q "medium carol holds 1 unfinished write left by an interrupted run: .$share.0123456789abcdef.tmp" \
	"$T/run.out" || fail "the unfinished write beside the share is not said"
media "$T/only"
csr "$T/only"
mv "$T/only/carol/$share" "$T/only/carol/.$share.0123456789abcdef.tmp"
approve "$SRCDIR/scripts/smki-issuing-ca.yaml" "$T/issuing.yaml"
expect 1 ceremony run "$T/issuing.yaml" --media "$T/only" \
	--answers "$SRCDIR/scripts/smki-issuing-ca.answers" --rehearsal
grep -q "ABORT: no share of 'root' on medium carol" "$T/out" || { tail -n 5 "$T/out"; fail "a temporary file taken for a share"; }
