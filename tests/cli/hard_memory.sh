# Secret hygiene in memory: the SMKI key generation runs at a real terminal (tests/cli/tty.bash
# plays the people, with passphrases and dice rolls of its own), and at its closing confirmation,
# after "Every private key, share and passphrase is wiped", gdb takes a core of the live process,
# including the mappings a core dump leaves out (sodium_malloc's, OpenSSL's secure heap). None
# of the secrets may be in it: a key's raw bytes or hex, the encrypted master secret, a share's
# value bytes, its words (lower case as on the card, upper case as in the QR code), a passphrase,
# a dice roll. The secrets are found independently afterwards (tests/cli/secret_scan.py: the
# share files opened without our code, the keys checked against the published public keys).
# A first core, taken while the root key is still held, must show it: the search can fail.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/tty.bash"
need gdb python3 argon2
python3 -c 'from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305' \
	2>/dev/null || { echo "no python3 cryptography"; exit 77; }
SCAN="python3 $SRCDIR/tests/cli/secret_scan.py"
bin=${CEREMONY%% *}
[ "$bin" = "$CEREMONY" ] || { echo "under a runner: the memory test takes a core of the binary alone"; exit 77; }
# A sanitizer build has its own allocator instead of the wiping one (ceremony/base/wipe_alloc.h), and
# a shadow memory far too big for a core.
nm -D "$bin" 2>/dev/null | grep -q ' T free$' ||
	{ echo "the binary does not wipe freed memory (a sanitizer build?)"; exit 77; }
# Attaching to a process that is not dumpable takes CAP_SYS_PTRACE (bit 19), and Yama's mode 3
# forbids it to everyone.
cap=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
[ $(((0x$cap >> 19) & 1)) = 1 ] || { echo "no CAP_SYS_PTRACE: cannot attach to a non-dumpable process"; exit 77; }
if [ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" = 3 ]; then
	echo "Yama ptrace_scope 3: no process may be attached"
	exit 77
fi

M=$T/media
for d in public backup carol dave erin frank grace heidi; do mkdir -p "$M/$d"; done
$SCAN answers "$SRCDIR/scripts/smki-keygen.answers" "$T/answers"

# core FILE: a core of the running ceremony, every mapping included.
core() {
	gdb -q -batch -nx -p "$(cat "$T/pid")" -ex 'set dump-excluded-mappings on' \
		-ex "gcore $1" >"$T/gdb.log" 2>&1 || true
	[ -s "$1" ] || { cat "$T/gdb.log"; fail "gdb took no core"; }
}

tty_start "$T/answers" "$bin" run "$SRCDIR/scripts/smki-keygen.yaml" --media "$M" --rehearsal
tty_drive test.root.1.passphrase
core "$T/core.held"
tty_drive close.walter
tty_pane | grep -q "Every private key, share and passphrase is wiped" || fail "no wipe announced"
pid=$(cat "$T/pid")
grep -E '^Max core file size +0 +0 ' "/proc/$pid/limits" || fail "core file size is not 0"
core "$T/core"
tty_drive
[ "$tty_cards" = 14 ] || fail "expected 14 share cards, saw $tty_cards"

$SCAN derive "$M" "$T/answers" "$CEREMONY" >"$T/secrets.json" || fail "deriving the secrets"
python3 - "$T/secrets.json" "$T/cards" <<'EOF' || fail "the secrets are not all there"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["keys"] == ["contingency", "contingency-symmetric", "recovery", "root"], d["keys"]
assert d["public_checked"] == ["recovery", "root"], d["public_checked"]
# The words copied off the screen are the ones the share files hold.
shown = sorted(open(sys.argv[2]).read().split("\n")[:-1])
held = sorted(s["text"] for s in d["secrets"] if s["kind"] == "mnemonic")
assert len(held) == 14 and shown == held, "cards and share files differ"
EOF

echo "core while the root key is held: $(stat -c %s "$T/core.held") bytes"
$SCAN scan "$T/secrets.json" "$T/core.held" >"$T/scan.held" || true
cat "$T/scan.held"
grep -q '^FOUND key root ' "$T/scan.held" || fail "the held root key is not found in the first core"

echo "core after the wipe: $(stat -c %s "$T/core") bytes"
$SCAN scan "$T/secrets.json" "$T/core" >"$T/scan" || { cat "$T/scan"; fail "secrets in memory after the wipe"; }
cat "$T/scan"
