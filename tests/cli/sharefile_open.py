#!/usr/bin/env python3
"""Opens a share file from docs/sharefile.md alone, with tools we did not write: the argon2
command line tool (the reference implementation) derives the key, Python's 'cryptography'
package does ChaCha20-Poly1305, and HChaCha20 (for the X in XChaCha20) is written out below.

usage: sharefile_open.py FILE   (passphrase on stdin)
prints the header fields, one per line, then "mnemonic: ..."; exits 1 if it does not open.
A file named as an unfinished write (".<name>.<hex>.tmp", docs/media.md section 3) is refused
whatever it holds: only the rename that ends a write makes a share file.
"""
import os
import struct
import subprocess
import sys

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

MAGIC = b"\x89CSHR\r\n\x1a"


def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def quarter(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF
    s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF
    s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF
    s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF
    s[b] = rotl(s[b] ^ s[c], 7)


def hchacha20(key, nonce16):
    s = list(struct.unpack("<4I", b"expand 32-byte k") + struct.unpack("<8I", key) +
             struct.unpack("<4I", nonce16))
    for _ in range(10):
        quarter(s, 0, 4, 8, 12)
        quarter(s, 1, 5, 9, 13)
        quarter(s, 2, 6, 10, 14)
        quarter(s, 3, 7, 11, 15)
        quarter(s, 0, 5, 10, 15)
        quarter(s, 1, 6, 11, 12)
        quarter(s, 2, 7, 8, 13)
        quarter(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def main():
    name = os.path.basename(sys.argv[1])
    if len(name) > 5 and name.startswith(".") and name.endswith(".tmp"):
        print("%s: an unfinished write (a temporary file), not a share file" % name)
        return 1
    data = open(sys.argv[1], "rb").read()
    passphrase = sys.stdin.buffer.read()
    assert data[:8] == MAGIC and data[8] == 1 and data[10] == 1 and data[11] == 1
    flags, ops, kib = data[9], *struct.unpack(">II", data[12:20])
    salt, nonce = data[20:36], data[36:60]
    created, ident = struct.unpack(">QH", data[60:70])
    gi, gt, gc, mi, mt = data[70:75]
    fpr = data[75:107]
    at = 107
    cid = data[at + 1:at + 1 + data[at]]
    at += 1 + data[at]
    key_name = data[at + 1:at + 1 + data[at]]
    at += 1 + data[at]
    (ct_len,) = struct.unpack(">H", data[at:at + 2])
    header = data[:at + 2]
    ct = data[at + 2:]
    assert len(ct) == ct_len, "exact length"
    print("ceremony: %s" % cid.decode())
    print("key: %s" % key_name.decode())
    print("rehearsal: %d" % (flags & 1))
    print("argon2id: t=%d m=%d KiB" % (ops, kib))
    print("created: %d" % created)
    print("identifier: %d" % ident)
    print("group: %d of %d (threshold %d), member %d (threshold %d)" % (gi, gc, gt, mi, mt))
    print("key fingerprint: %s" % fpr.hex())
    if b"\0" not in salt:
        key = bytes.fromhex(subprocess.run(
            ["argon2", salt, "-id", "-t", str(ops), "-k", str(kib), "-p", "1", "-l", "32", "-r"],
            input=passphrase, capture_output=True, check=True).stdout.strip().decode())
    else:
        # A salt with a NUL byte cannot be an argument of the reference tool: use OpenSSL's
        # Argon2id, through the same 'cryptography' package.
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
        key = Argon2id(salt=salt, length=32, iterations=ops, lanes=1,
                       memory_cost=kib).derive(passphrase)
    subkey = hchacha20(key, nonce[:16])
    try:
        padded = ChaCha20Poly1305(subkey).decrypt(b"\0" * 4 + nonce[16:], ct, header)
    except Exception:
        print("does not open")
        return 1
    text = padded.rstrip(b"\0")
    assert text.endswith(b"\x80") and len(padded) % 256 == 0, "ISO/IEC 7816-4 padding"
    print("mnemonic: %s" % text[:-1].decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
