#!/usr/bin/env python3
"""docs/recovery.md, followed literally with tools this project did not write: PyNaCl (Argon2id,
XChaCha20-Poly1305), pyca/cryptography (keys, certificates, CSRs, RFC 5649 key unwrap) and an
independent SLIP-39 implementation (the command given with --slip39, which reads mnemonics on
stdin, one a line, and prints the master secret as hex; the tests use the public JS package
'slip39' through tests/interop/slip39.js).

usage: recovery.py --slip39 CMD --public DIR --media DIR --passphrases FILE
                   [--card-words FILE | --cards KEY:N,N...]... [--expect-keys N]

DIR (--media) holds one directory per custodian medium; --public the ceremony's public outputs
(transcript.jsonl, certificates, CSRs, key files). FILE lists each share file's passphrase as
'share.<key>.<n>.passphrase = ...' lines (the rehearsal answers files have this form); in a real
recovery each custodian types theirs. --card-words FILE holds the words copied off every share card
the ceremony showed (one card a line, in the order shown, which is the order of the transcript's
share-written records): every key is rebuilt from a quorum of cards as well. Without it,
--cards KEY:N,N rebuilds KEY a second time from the words of share numbers N taken from the
share files (typed in capitals, one word a line: step 2b normalises them).

Prints one line per key rebuilt and checked; exits 1 on the first thing that does not match.
The step numbers are those of docs/recovery.md.
"""
import argparse
import hashlib
import hmac
import json
import os
import struct
import subprocess
import sys

import nacl.bindings
import nacl.pwhash
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# --- Step 1: the transcript says what each key is and where its shares went ------------------

def read_transcript(path):
    keys = {}
    superseded = set()
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        ev, d = r.get("event"), r.get("data", {})
        if ev == "key-generated":
            keys[d["key"]] = {"algorithm": d["algorithm"], "kind": d["kind"], "record": d,
                              "shares": []}
        elif ev == "share-written":
            keys[d["key"]]["shares"].append(d)
            d["order"] = sum(len(k["shares"]) for k in keys.values()) - 1
        elif ev == "note" and d.get("text") == "share set created":
            keys[d["key"]]["set"] = d
        elif ev == "shares-superseded":
            superseded.add(d["identifier"])
    for k in keys.values():
        k["shares"] = [s for s in k["shares"] if s["identifier"] not in superseded]
    return keys


# --- Step 2a: open a share file (docs/sharefile.md) --------------------------------------------

MAGIC = b"\x89CSHR\r\n\x1a"


def open_share_file(data, passphrase):
    if data[:8] != MAGIC or data[8] != 1 or data[10] != 1 or data[11] != 1:
        fail("not a version 1 share file")
    passes, kib = struct.unpack(">II", data[12:20])
    salt, nonce = data[20:36], data[36:60]
    (identifier,) = struct.unpack(">H", data[68:70])
    group_index, group_threshold, group_count, member_index, member_threshold = data[70:75]
    fingerprint = data[75:107]
    at = 107
    ceremony = data[at + 1:at + 1 + data[at]].decode()
    at += 1 + data[at]
    key_name = data[at + 1:at + 1 + data[at]].decode()
    at += 1 + data[at]
    (length,) = struct.unpack(">H", data[at:at + 2])
    header, ciphertext = data[:at + 2], data[at + 2:]
    if len(ciphertext) != length:
        fail("share file length")
    key = nacl.pwhash.argon2id.kdf(32, passphrase, salt, opslimit=passes, memlimit=kib * 1024)
    padded = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, header, nonce,
                                                                     key)
    end = padded.rindex(b"\x80")
    if padded[end + 1:].strip(b"\x00"):
        fail("share file padding")
    return {"mnemonic": padded[:end].decode("ascii"), "identifier": identifier,
            "fingerprint": fingerprint, "ceremony": ceremony, "key": key_name,
            "group": group_index, "member": member_index, "group_threshold": group_threshold,
            "member_threshold": member_threshold}


def quorum(headers, last):
    """Share numbers making a quorum: the first (or last) groups of the group threshold, in each
    the first (or last) members of its member threshold."""
    groups = {}
    for n, h in sorted(headers.items()):
        groups.setdefault(h["group"], []).append(n)
    ready = [g for g in sorted(groups) if len(groups[g]) >= headers[groups[g][0]]["member_threshold"]]
    gt = next(iter(headers.values()))["group_threshold"]
    chosen = ready[-gt:] if last else ready[:gt]
    out = []
    for g in chosen:
        t = headers[groups[g][0]]["member_threshold"]
        out += groups[g][-t:] if last else groups[g][:t]
    return out


# --- Step 2b: words from a card ------------------------------------------------------------------

def words_from_card(typed):
    """Whatever the custodian typed: any case, any spacing, one or several words a line."""
    return " ".join(typed.lower().split())


# --- Step 3: combine with SLIP-39, empty passphrase ----------------------------------------------

def combine(slip39_cmd, mnemonics):
    p = subprocess.run(slip39_cmd, shell=True, input="\n".join(mnemonics) + "\n",
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail("SLIP-39 combine: " + p.stderr.strip())
    return bytes.fromhex(p.stdout.strip())


# --- Step 4: the master secret as a key -----------------------------------------------------------

def open_key_file(data, kek, key_name, spki_sha256):
    if data[:8] != b"\x89CKEY\r\n\x1a" or data[8] != 1:
        fail("not a version 1 key file")
    at = 9
    at += 1 + data[at]                       # ceremony id
    name = data[at + 1:at + 1 + data[at]].decode()
    at += 1 + data[at]
    fpr, nonce = data[at:at + 32], data[at + 32:at + 56]
    (length,) = struct.unpack(">I", data[at + 56:at + 60])
    header, sealed = data[:at + 60], data[at + 60:]
    if len(sealed) != length or name != key_name or fpr != spki_sha256:
        fail("key file header")
    der = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(sealed, header, nonce, kek)
    return serialization.load_der_private_key(der, password=None)


def make_key(algorithm, secret, key_file=None):
    if algorithm == "ec-p256":
        if len(secret) != 32:
            fail("a P-256 master secret has 32 octets")
        return ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256R1())
    if algorithm == "ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(secret)
    if algorithm in ("aes-128", "aes-256"):
        if len(secret) != (16 if algorithm == "aes-128" else 32):
            fail("AES key length")
        return secret
    if algorithm in ("ec-p384", "rsa-3072", "rsa-4096"):
        if len(secret) != 32:
            fail("a key-encryption key has 32 octets")
        return key_file(secret)
    fail("unknown algorithm " + algorithm)


# --- Step 5: check against the record -------------------------------------------------------------

def spki(key):
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def check_value(key):
    return hmac.new(key, b"ceremony-key-check-value-v1", hashlib.sha256).digest()


def signs_for(private, public):
    """A test signature by the rebuilt key verifies under the certificate's or CSR's key."""
    msg = b"recovery test"
    if isinstance(private, ec.EllipticCurvePrivateKey):
        public.verify(private.sign(msg, ec.ECDSA(hashes.SHA256())), msg, ec.ECDSA(hashes.SHA256()))
    elif isinstance(private, rsa.RSAPrivateKey):
        public.verify(private.sign(msg, padding.PKCS1v15(), hashes.SHA256()), msg,
                      padding.PKCS1v15(), hashes.SHA256())
    else:
        public.verify(private.sign(msg), msg)


def public_objects(public_dir, transcript):
    """Certificates and CSRs on the public medium, by the key the transcript says they are for."""
    out = {}
    for line in open(transcript, encoding="utf-8"):
        r = json.loads(line)
        d = r.get("data", {})
        if r.get("event") == "certificate-issued" and d.get("issuer") == d.get("key"):
            out[d["key"]] = x509.load_pem_x509_certificate(
                open(os.path.join(public_dir, d["file"]), "rb").read())
        elif r.get("event") == "csr-exported":
            out[d["key"]] = x509.load_pem_x509_csr(
                open(os.path.join(public_dir, d["file"]), "rb").read())
    return out


# --- Step 6: the apex contingency key in the Root certificate -------------------------------------

def der_tlv(buf, at):
    tag, n = buf[at], buf[at + 1]
    at += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[at:at + k], "big")
        at += k
    return tag, buf[at:at + n], at + n


def unwrap_apex(cert, sym_key):
    ext = cert.extensions.get_extension_for_oid(x509.ObjectIdentifier("1.3.6.1.5.5.7.1.20"))
    tag, seq, _ = der_tlv(ext.value.value, 0)
    if tag != 0x30:
        fail("ApexContingencyKey is not a SEQUENCE")
    tag, alg_id, at = der_tlv(seq, 0)
    _, oid, _ = der_tlv(alg_id, 0)
    # id-aes128-wrap-pad 2.16.840.1.101.3.4.1.8, id-aes256-wrap-pad 2.16.840.1.101.3.4.1.48
    want = {16: bytes.fromhex("608648016503040108"), 32: bytes.fromhex("608648016503040130")}
    if oid != want[len(sym_key)]:
        fail("wrap algorithm does not fit the symmetric key")
    tag, wrapped, _ = der_tlv(seq, at)
    if tag != 0x04:
        fail("wrappedContinPubKey is not an OCTET STRING")
    return aes_key_unwrap_with_padding(sym_key, wrapped)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slip39", required=True)
    ap.add_argument("--public", required=True)
    ap.add_argument("--media", required=True)
    ap.add_argument("--passphrases", required=True)
    ap.add_argument("--cards", action="append", default=[])
    ap.add_argument("--card-words")
    ap.add_argument("--expect-keys", type=int)
    a = ap.parse_args()

    transcript = os.path.join(a.public, "transcript.jsonl")
    keys = read_transcript(transcript)
    objects = public_objects(a.public, transcript)
    passphrases = {}
    for line in open(a.passphrases, encoding="utf-8"):
        name, sep, value = line.partition("=")
        if sep and name.strip().endswith(".passphrase"):
            passphrases[name.strip()] = value.strip().encode()
    cards = {}
    for c in a.cards:
        k, _, ns = c.partition(":")
        cards[k] = [int(n) for n in ns.split(",")]

    # The words copied off the cards the ceremony showed, one card a line, in the order it showed
    # them: the order of the share-written records.
    card_lines = []
    if a.card_words:
        card_lines = [l for l in open(a.card_words, encoding="utf-8").read().split("\n") if l.strip()]

    rebuilt = {}
    for name, k in keys.items():
        rec, alg = k["record"], k["algorithm"]
        symmetric = alg.startswith("aes-")
        fpr = bytes.fromhex(rec["check_value"] if symmetric else rec["spki_sha256"])
        # Step 2a: every share file of the set, opened with its custodian's passphrase.
        mnemonics, headers = {}, {}
        for s in k["shares"]:
            data = open(os.path.join(a.media, s["medium"], s["file"]), "rb").read()
            if hashlib.sha256(data).hexdigest() != s["sha256"]:
                fail("%s: share file %s is not the one the transcript recorded" % (name, s["file"]))
            pw = passphrases["share.%s.%d.passphrase" % (name, s["number"])]
            share = open_share_file(data, pw)
            if (share["key"], share["identifier"], share["fingerprint"]) != (name, s["identifier"],
                                                                           fpr):
                fail("%s: share file %s header does not describe this key" % (name, s["file"]))
            mnemonics[s["number"]] = share["mnemonic"]
            headers[s["number"]] = share

        def key_file(kek):
            files = [f for f in os.listdir(a.public)
                     if f.startswith(name + "-" + fpr[:4].hex()) and f.endswith(".key")]
            if len(files) != 1:
                fail("%s: no key file on the public medium" % name)
            return open_key_file(open(os.path.join(a.public, files[0]), "rb").read(), kek, name,
                                 fpr)

        # Step 3: a quorum, as the share headers say: the group threshold's first groups, in
        # each its member threshold's first members; then again with the last ones.
        secrets = [combine(a.slip39, [mnemonics[n] for n in quorum(headers, last)])
                   for last in (False, True)]
        # Step 2b: the same key from the words of cards, as typed.
        if name in cards:
            typed = ["\n".join(w.upper() for w in mnemonics[n].split()) for n in cards[name]]
            secrets.append(combine(a.slip39, [words_from_card(t) for t in typed]))
        if card_lines:
            by_number = {s["number"]: card_lines[s["order"]] for s in k["shares"]}
            secrets.append(combine(a.slip39, [words_from_card(by_number[n])
                                              for n in quorum(headers, True)]))
            cards[name] = quorum(headers, True)
        if any(s != secrets[0] for s in secrets):
            fail("%s: two quorums gave different secrets" % name)
        secret = secrets[0]
        # Step 4 and 5.
        key = make_key(alg, secret, key_file)
        how = "%d of %d share files, twice" % (len(quorum(headers, False)), len(headers))
        if name in cards:
            how += ", and from %d cards" % len(cards[name])
        if symmetric:
            if check_value(key) != fpr:
                fail("%s: check value differs" % name)
            print("%s (%s, %s): check value %s matches" % (name, alg, how, fpr.hex()[:16]))
        else:
            der = spki(key)
            if hashlib.sha256(der).digest() != fpr:
                fail("%s: SPKI SHA-256 differs from the transcript" % name)
            if "spki" in rec and bytes.fromhex(rec["spki"]) != der:
                fail("%s: SPKI differs from the transcript" % name)
            what = "transcript spki_sha256"
            if name in objects:
                obj = objects[name]
                pub = obj.public_key()
                if pub.public_bytes(serialization.Encoding.DER,
                                    serialization.PublicFormat.SubjectPublicKeyInfo) != der:
                    fail("%s: the key is not the one in its certificate or CSR" % name)
                signs_for(key, pub)
                what += ", " + ("certificate" if isinstance(obj, x509.Certificate) else "CSR")
                what += " (SPKI and a test signature)"
            print("%s (%s, %s): %s match, SPKI SHA-256 %s" % (name, alg, how, what,
                                                               fpr.hex()[:16]))
        rebuilt[name] = (k, key)

    # Step 6: unwrap the Root's apex contingency key with the rebuilt Symmetric Key.
    for name, (k, key) in rebuilt.items():
        wrapped_by = None
        if k["kind"] == "root" and name in objects:
            try:
                objects[name].extensions.get_extension_for_oid(
                    x509.ObjectIdentifier("1.3.6.1.5.5.7.1.20"))
            except x509.ExtensionNotFound:
                continue
            contin = [n for n, (kk, _) in rebuilt.items() if kk["kind"] == "contingency"]
            sym = [n for n, (kk, _) in rebuilt.items() if kk["kind"] == "contingency-symmetric"]
            if len(contin) != 1 or len(sym) != 1:
                fail("the Root carries an apex key but the keys to check it were not rebuilt")
            unwrapped = unwrap_apex(objects[name], rebuilt[sym[0]][1])
            if unwrapped != spki(rebuilt[contin[0]][1]):
                fail("the Root's apex contingency key is not the rebuilt Contingency key")
            print("%s certificate: id-pe-wrappedApexContinKey unwraps with %s to %s's public key"
                  % (name, sym[0], contin[0]))
    if a.expect_keys is not None and len(rebuilt) != a.expect_keys:
        fail("rebuilt %d keys, expected %d" % (len(rebuilt), a.expect_keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
