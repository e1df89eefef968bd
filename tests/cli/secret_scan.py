#!/usr/bin/env python3
"""The secrets of a key-generation ceremony, found independently, and a search for them.

usage:
  secret_scan.py answers SRC DST
      DST = the answers file SRC with a fresh random passphrase for every share (the same for
      its repeat and its test reconstruction) and fresh dice rolls, so that each is a string
      found nowhere else.
  secret_scan.py derive MEDIA ANSWERS CEREMONY
      opens every MEDIA/*/*.share with its passphrase from ANSWERS (sharefile_open.py: no code
      of ours), combines each key's mnemonics with 'CEREMONY slip39 combine' and prints, as JSON,
      every secret: each key's raw bytes (the SLIP-39 master secret: a P-256 scalar or an AES key,
      docs/ceremonies.md section 5) and its hex, the encrypted master secret, every share's value
      bytes and mnemonic, every passphrase and dice roll. The master secrets are cross-checked:
      rebuilt here from the share values (GF(256) interpolation and the SLIP-39 Feistel
      decryption, written from the specification) and, for the root and recovery keys, against
      the public key of root.pem and recovery-csr.pem.
  secret_scan.py scan SECRETS FILE...
      searches each file for any of the secrets; prints each find, exits 1 if there is one.

What counts as found (a freed heap block has its first 16 to 32 bytes overwritten by the
allocator, so a whole-string search would miss a leak):
  - raw bytes: any aligned 8-byte window of the secret (a copy missing up to 24 bytes at its
    ends still has one);
  - a mnemonic: three of its words in a row, in any case, separated by the spaces, digits, dots
    and newlines of a share card or a typed line;
  - other text (passphrases, dice, hex): any 12 characters in a row.
"""
import hashlib
import json
import os
import re
import secrets
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))


def fresh_answers(src, dst):
    passes, out = {}, []
    for line in open(src):
        m = re.match(r"^(share|test)\.(.+)\.(\d+)\.(passphrase|passphrase-repeat) = ", line)
        d = re.match(r"^(entropy\..+\.dice) = ", line)
        if m:
            key = (m.group(2), m.group(3))
            if key not in passes:
                passes[key] = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(32))
            line = "%s%s\n" % (m.group(0), passes[key])
        elif d:
            line = "%s%s\n" % (d.group(0), "".join(secrets.choice("123456") for _ in range(40)))
        out.append(line)
    open(dst, "w").write("".join(out))


def answers_map(path):
    a = {}
    for line in open(path):
        m = re.match(r"^([a-z0-9.-]+) = (.*)$", line.rstrip("\n"))
        if m:
            a[m.group(1)] = m.group(2)
    return a


# --- SLIP-39, from the specification -------------------------------------------------------------

def wordlist():
    words = []
    for line in open(os.path.join(SRCDIR, "tests/vectors/slip39/wordlist.txt")):
        if line.strip():
            words.append(line.strip())
    assert len(words) == 1024
    return words


EXP, LOG = [0] * 255, [0] * 256
_p = 1
for _i in range(255):
    EXP[_i], LOG[_p] = _p, _i
    _p ^= _p << 1
    if _p & 0x100:
        _p ^= 0x11B


def interpolate(shares, x):
    """shares: [(xi, bytes)]; the polynomial's value at x."""
    for xi, yi in shares:
        if xi == x:
            return yi
    log_prod = sum(LOG[xi ^ x] for xi, _ in shares)
    out = bytearray(len(shares[0][1]))
    for xi, yi in shares:
        basis = (log_prod - LOG[xi ^ x] - sum(LOG[xj ^ xi] for xj, _ in shares if xj != xi)) % 255
        for k, b in enumerate(yi):
            if b:
                out[k] ^= EXP[(LOG[b] + basis) % 255]
    return bytes(out)


def decode(mnemonic, index):
    idx = [index[w] for w in mnemonic.split()]
    v = 0
    for i in idx:
        v = (v << 10) | i
    n = len(idx)
    head = v >> (10 * (n - 4))
    value_bits = 10 * (n - 7)
    pad = value_bits % 16
    value = (v >> 30) & ((1 << value_bits) - 1)
    assert value >> (value_bits - pad) == 0, "padding"
    return {
        "id": head >> 25, "ext": (head >> 24) & 1, "e": (head >> 20) & 15,
        "gi": (head >> 16) & 15, "gt": ((head >> 12) & 15) + 1, "gc": ((head >> 8) & 15) + 1,
        "mi": (head >> 4) & 15, "mt": (head & 15) + 1,
        "value": value.to_bytes((value_bits - pad) // 8, "big"),
    }


def feistel_decrypt(ems, e, ident, ext):
    half = len(ems) // 2
    left, right = ems[:half], ems[half:]
    salt = b"" if ext else b"shamir" + ident.to_bytes(2, "big")
    for i in reversed(range(4)):
        f = hashlib.pbkdf2_hmac("sha256", bytes([i]), salt + right, (10000 << e) // 4, half)
        left, right = right, bytes(a ^ b for a, b in zip(left, f))
    return right + left


def quorum_of(shares):
    """Indexes of exactly a quorum: the member threshold of each of the first group-threshold
    groups that have enough shares."""
    groups = {}
    for i, s in enumerate(shares):
        groups.setdefault(s["gi"], []).append(i)
    picked = [ix[:shares[ix[0]]["mt"]] for _, ix in sorted(groups.items())
              if len(ix) >= shares[ix[0]]["mt"]]
    assert len(picked) >= shares[0]["gt"], "a quorum of groups"
    return [i for ix in picked[:shares[0]["gt"]] for i in ix]


def ems_of(shares):
    """The encrypted master secret from decoded shares (a quorum of each needed group)."""
    groups = {}
    for s in shares:
        groups.setdefault(s["gi"], []).append(s)
    gvals = []
    for gi, ms in sorted(groups.items()):
        t = ms[0]["mt"]
        if len(ms) >= t:
            gvals.append((gi, interpolate([(m["mi"], m["value"]) for m in ms[:t]], 255)))
    gt = shares[0]["gt"]
    assert len(gvals) >= gt, "a quorum of groups"
    return interpolate(gvals[:gt], 255)


# --- derive ---------------------------------------------------------------------------------------

def check_public(media, key, raw):
    """The scalar must give the public key published for the key (root and recovery)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    files = {"root": ("root.pem", x509.load_pem_x509_certificate),
             "recovery": ("recovery-csr.pem", x509.load_pem_x509_csr)}
    if key not in files:
        return False
    path = os.path.join(media, "public", files[key][0])
    if not os.path.exists(path):
        return False
    pub = files[key][1](open(path, "rb").read()).public_key()
    mine = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()).public_key()
    assert pub.public_numbers() == mine.public_numbers(), "%s: scalar does not match" % key
    return True


def derive(media, answers_path, ceremony):
    answers = answers_map(answers_path)
    words = wordlist()
    index = {w: i for i, w in enumerate(words)}
    out, keys = [], {}
    for d in sorted(os.listdir(media)):
        for f in sorted(os.listdir(os.path.join(media, d))):
            m = re.match(r"^(.+)-([0-9a-f]{4})-(\d+)\.share$", f)
            if not m:
                continue
            key, n = m.group(1), m.group(3)
            pw = answers["share.%s.%s.passphrase" % (key, n)]
            r = subprocess.run([sys.executable, os.path.join(HERE, "sharefile_open.py"),
                                os.path.join(media, d, f)], input=pw.encode(),
                               capture_output=True, check=True).stdout.decode()
            mn = re.search(r"^mnemonic: (.*)$", r, re.M).group(1)
            keys.setdefault(key, []).append(mn)
            label = "%s.%s" % (key, n)
            out.append({"label": "mnemonic " + label, "kind": "mnemonic", "text": mn})
            out.append({"label": "passphrase " + label, "kind": "text", "text": pw})
            out.append({"label": "share value " + label, "kind": "bytes",
                        "hex": decode(mn, index)["value"].hex()})
    for k, v in answers.items():
        if k.startswith("entropy.") and v:
            out.append({"label": "dice " + k, "kind": "text", "text": v})
    checked = []
    for key, mns in sorted(keys.items()):
        dec = [decode(mn, index) for mn in mns]
        quorum = quorum_of(dec)
        r = subprocess.run(ceremony.split() + ["slip39", "combine"],
                           input="\n".join(mns[i] for i in quorum).encode(),
                           capture_output=True)
        assert r.returncode == 0, "combine %s: %s" % (key, r.stderr.decode())
        raw = bytes.fromhex(r.stdout.decode().strip())
        ems = ems_of([dec[i] for i in quorum])
        assert feistel_decrypt(ems, dec[0]["e"], dec[0]["id"], dec[0]["ext"]) == raw, \
            "%s: the share values do not give the combined secret" % key
        if check_public(media, key, raw):
            checked.append(key)
        out.append({"label": "key " + key, "kind": "bytes", "hex": raw.hex()})
        out.append({"label": "key hex " + key, "kind": "text", "text": raw.hex()})
        out.append({"label": "key HEX " + key, "kind": "text", "text": raw.hex().upper()})
        out.append({"label": "encrypted master secret " + key, "kind": "bytes",
                    "hex": ems.hex()})
    assert keys, "no share files under %s" % media
    json.dump({"secrets": out, "keys": sorted(keys), "public_checked": checked}, sys.stdout,
              indent=1)


# --- scan -----------------------------------------------------------------------------------------

TEXT_WINDOW = 12
BYTE_WINDOW = 8
WORD_RUN = re.compile(rb"(?<![A-Za-z])(?:[A-Za-z]{4,8}[ .0-9\n]{1,16}){2,}[A-Za-z]{4,8}(?![A-Za-z])")
PRINTABLE_RUN = re.compile(rb"[\x20-\x7e]{%d,}" % TEXT_WINDOW)


def scan(secrets_path, files):
    doc = json.load(open(secrets_path))
    triples, windows, raw = {}, {}, []
    for s in doc["secrets"]:
        if s["kind"] == "mnemonic":
            w = s["text"].lower().split()
            for i in range(len(w) - 2):
                triples.setdefault(tuple(w[i:i + 3]), set()).add(s["label"])
        elif s["kind"] == "text":
            t = s["text"].encode()
            for i in range(len(t) - TEXT_WINDOW + 1):
                windows[t[i:i + TEXT_WINDOW]] = s["label"]
        else:
            b = bytes.fromhex(s["hex"])
            offs = sorted(set(list(range(0, len(b) - BYTE_WINDOW + 1, BYTE_WINDOW)) +
                              [len(b) - BYTE_WINDOW]))
            raw += [(b[o:o + BYTE_WINDOW], s["label"], o) for o in offs]
    found = 0

    def report(path, label, off, what):
        nonlocal found
        found += 1
        if found <= 40:
            print("FOUND %s in %s at offset %d (%s)" % (label, path, off, what))

    for path in files:
        data = open(path, "rb").read()
        for m in WORD_RUN.finditer(data):
            w = [x.lower().decode() for x in re.findall(rb"[A-Za-z]+", m.group(0))]
            hits = {}
            for i in range(len(w) - 2):
                for label in triples.get(tuple(w[i:i + 3]), ()):
                    hits[label] = hits.get(label, 0) + 1
            if hits:
                # Shares of one key begin alike: name the one most of whose words are there.
                label = max(sorted(hits), key=lambda k: hits[k])
                report(path, label, m.start(), "%d words in a row of it: %s" %
                       (hits[label] + 2, m.group(0)[:60]))
        for m in PRINTABLE_RUN.finditer(data):
            run = m.group(0)
            for i in range(len(run) - TEXT_WINDOW + 1):
                label = windows.get(run[i:i + TEXT_WINDOW])
                if label:
                    report(path, label, m.start() + i, "text")
                    break
        for needle, label, o in raw:
            at = data.find(needle)
            if at >= 0:
                report(path, label, at, "bytes %d..%d" % (o, o + BYTE_WINDOW))
    n = len(doc["secrets"])
    print("searched %d files for %d secrets (%d keys): %d found" % (len(files), n,
                                                                     len(doc["keys"]), found))
    return 1 if found else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "answers":
        fresh_answers(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "derive":
        derive(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "scan":
        return scan(sys.argv[2], sys.argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
