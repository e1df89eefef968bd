# Secret hygiene on disk: after a full rehearsal of the SMKI key generation, no private key, share
# or passphrase is in any file the program wrote, on any medium, nor in what it printed; only
# the share files hold share material, and they hold it encrypted. The secrets are found
# independently (tests/cli/secret_scan.py: the share files opened without our code, the keys
# checked against the published public keys). And the process is hardened: no core file, not
# dumpable.
. "$SRCDIR/tests/cli/lib.sh"
need python3 argon2 setpriv
python3 -c 'from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305' \
	2>/dev/null || { echo "no python3 cryptography"; exit 77; }
SCAN="python3 $SRCDIR/tests/cli/secret_scan.py"
bin=${CEREMONY##* }

M=$T/media
for d in public backup carol dave erin frank grace heidi; do mkdir -p "$M/$d"; done
# Passphrases and dice rolls of its own: random strings found nowhere else.
$SCAN answers "$SRCDIR/scripts/smki-keygen.answers" "$T/answers"

# strace lists every file the program opens for writing (the plain binary only: under a runner
# the runner's own files would be listed too). LeakSanitizer cannot work under ptrace: an ASan
# build leaves leak checking to the other tests here.
trace=
if [ "$bin" = "$CEREMONY" ] && command -v strace >/dev/null; then
	trace="strace -f -qq -y -o $T/strace -e trace=open,openat,creat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,mknod,mknodat"
	trace="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 $trace"
fi
set +e
$trace $CEREMONY run "$SRCDIR/scripts/smki-keygen.yaml" --media "$M" --answers "$T/answers" \
	--rehearsal >"$T/run.out" 2>"$T/run.err"
rc=$?
set -e
[ $rc = 0 ] || { tail -n 20 "$T/run.out" "$T/run.err"; fail "ceremony exit $rc"; }

$SCAN derive "$M" "$T/answers" "$CEREMONY" >"$T/secrets.json" || fail "deriving the secrets"
python3 - "$T/secrets.json" <<'EOF' || fail "the secrets are not all there"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["keys"] == ["contingency", "contingency-symmetric", "recovery", "root"], d["keys"]
assert d["public_checked"] == ["recovery", "root"], d["public_checked"]
kinds = [s["label"].split(" ")[0] for s in d["secrets"]]
assert kinds.count("mnemonic") == 14 and kinds.count("passphrase") == 14, kinds
EOF

# The search finds what it looks for (the scalar with its first 16 bytes clobbered, as in a
# freed heap block; a mnemonic in upper case; a passphrase inside other text).
python3 - "$T/secrets.json" "$T/control" <<'EOF'
import json, sys
s = {x["label"]: x for x in json.load(open(sys.argv[1]))["secrets"]}
key = bytes.fromhex(s["key root"]["hex"])
data = b"\0" * 5 + b"\x55" * 16 + key[16:] + b"\n" + s["mnemonic recovery.2"]["text"].upper().encode()
data += b"\0 typed: " + s["passphrase contingency.3"]["text"].encode()[3:17] + b"\0"
open(sys.argv[2], "wb").write(data)
EOF
$SCAN scan "$T/secrets.json" "$T/control" >"$T/scan" && fail "the scan misses planted secrets"
for l in "key root" "mnemonic recovery.2" "passphrase contingency.3"; do
	grep -q "FOUND $l " "$T/scan" || { cat "$T/scan"; fail "the scan misses the planted $l"; }
done

# Every file written, and everything printed: no secret. The share files included: their
# contents are ciphertext (secret_scan.py derive opened each one with its passphrase).
find "$M" -type f >"$T/files"
[ "$(grep -c '\.share$' "$T/files")" = 14 ] || fail "expected 14 share files"
grep -qv '\.share$' "$T/files" || fail "no other files?"
# shellcheck disable=SC2046
$SCAN scan "$T/secrets.json" $(cat "$T/files") "$T/run.out" "$T/run.err" >"$T/scan" ||
	{ cat "$T/scan"; fail "a secret is in a file written"; }
cat "$T/scan"
# Share material is only in the share files: no key files for these short keys, nothing else
# named or shaped like a secret.
if grep -v -e '\.share$' -e '/SHA256SUMS$' -e '/transcript\.jsonl$' -e '/root\.pem$' \
	-e '/recovery-csr\.pem$' -e '/root\.png$' -e '/recovery-csr\.png$' "$T/files"; then
	fail "unexpected files on the media (above)"
fi

# Nothing written anywhere but the media (and the terminal). strace -y shows the file an fd
# names: the file a write-open returns, and the directories a rename or link works in.
if [ -n "$trace" ]; then
	grep -E 'O_WRONLY|O_RDWR|O_CREAT|creat\(|rename|link|mknod' "$T/strace" |
		grep -v ' = -1 ' >"$T/writes" || true
	[ "$(grep -c 'rename' "$T/writes")" -ge 14 ] || fail "strace saw too few renames"
	{
		grep -E 'open|creat|mknod' "$T/writes" | sed -n 's/.* = [0-9]*<\(.*\)>$/\1/p'
		grep -E 'rename|link' "$T/writes" | grep -oE '[0-9]+<[^>]*>' | sed 's/^[0-9]*<//; s/>$//'
	} | sort -u >"$T/written"
	grep -q "^$M/public/\.root\.pem\..*\.tmp$" "$T/written" || fail "strace saw no root.pem"
	if grep -v -e "^$M/" -e "^$M\$" -e '^/dev/null$' -e '^/dev/pts/' "$T/written"; then
		fail "files written outside the media (above)"
	fi
	if grep -E 'rename|link' "$T/writes" | grep -E ', "[^"]*/[^"]*"'; then
		fail "a rename or link by a path, not in a medium's directory (above)"
	fi
fi

# Hardening, seen from outside: a process of an ordinary user whose /proc/PID/mem belongs to
# root is not dumpable (the kernel gives a non-dumpable process's /proc files to root), and its
# core file size limit is 0. 'slip39 combine' waits on its input, hardened before it reads.
chmod 755 "$T"
cp "$bin" "$T/ceremony"
chmod 755 "$T/ceremony"
mkfifo "$T/fifo"
# as_nobody CMD...: CMD as user 65534 reading the fifo, once it blocks reading its standard input
# (syscall 0 on fd 0), pid in $pid. The fifo stays open on fd 3 until the caller closes it.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@" <"$T/fifo" >/dev/null 2>&1 &
	pid=$!
	exec 3>"$T/fifo"
	for _ in $(seq 1 600); do
		case $(cat "/proc/$pid/syscall" 2>/dev/null) in "0 0x0 "*) return 0 ;; esac
		sleep 0.05
	done
	fail "$1 does not read its input"
}
# The program hardens itself before it reads.
as_nobody "$T/ceremony" slip39 combine
[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 65534 ] || fail "not running as 65534"
[ "$(stat -c %u "/proc/$pid/mem")" = 0 ] || fail "the process is dumpable"
grep -E '^Max core file size +0 +0 ' "/proc/$pid/limits" || fail "core file size is not 0"
exec 3>&-
wait "$pid" || true
# An ordinary process is dumpable: the check can fail.
as_nobody cat
[ "$(stat -c %u "/proc/$pid/mem")" = 65534 ] || fail "an ordinary process looks non-dumpable"
exec 3>&-
wait "$pid" || true
