#!/usr/bin/env python3
"""The forger an auditor must defeat: someone who holds a whole transcript but none of the CA
keys edits it, re-chains every record after the edit, and re-signs the checkpoints and the
close with a fresh Ed25519 key of their own, put into record 0 as the transcript key
(docs/transcript.md section 4, docs/security.md). Written from the documents, with
pyca/cryptography, as such a person would write it.

usage: transcript_forge.py IN OUT FORGERY
FORGERY is one of:
  resign       re-chain and re-sign only: the proofs of possession are kept (they cannot be
               re-signed without the CA keys)
  drop-proofs  the same, with the proof-of-possession records dropped
  production   record 0 says production instead of rehearsal; proofs dropped
  image        record 0 has another image hash and image_known true; proofs dropped
  bag          a tamper-evident bag number edited; proofs dropped
  erase        every record naming a CA key whose certificate or CSR is on the medium dropped
               (its key, certificate, CSR, CRL, shares), with the proofs: a transcript that says
               nothing of the artifacts it does not want checked
  tail         a record after the last checkpoint rewritten and re-chained, the transcript key
               kept (the forger has no way to sign with it)
  after-close  data appended after the close record
Prints the forger's transcript key (hex) on standard output.
"""
import hashlib
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

DOMAIN = b"ceremony-transcript/1"
SIGNED = {"checkpoint", "abort", "close"}


def canonical(rec):
    return json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(key, rec):
    """docs/transcript.md section 4: the record with data.sig emptied, hashed, under the
    domain and the event name."""
    rec["data"]["sig"] = ""
    digest = hashlib.sha256(canonical(rec)).digest()
    msg = DOMAIN + b"\0" + rec["event"].encode() + b"\0" + digest
    rec["data"]["sig"] = key.sign(msg).hex()


def rechain(records, key):
    """Every prev, every final and (with key) every transcript-key signature made again."""
    prev = "0" * 64
    for n, rec in enumerate(records):
        rec["seq"] = n
        rec["prev"] = prev
        if "final" in rec["data"]:
            rec["data"]["final"] = prev
        if key is not None and rec["event"] in SIGNED:
            sign(key, rec)
        prev = hashlib.sha256(canonical(rec)).hexdigest()


def keys_on_medium(records):
    return {r["data"]["key"] for r in records
            if r["event"] in ("certificate-issued", "csr-exported")}


def names_any(rec, names):
    d = rec["data"]
    return any(d.get(f) in names for f in ("key", "issuer", "wrapped_by"))


def main():
    src, out, forgery = sys.argv[1:4]
    with open(src, "rb") as f:
        text = f.read().decode("utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    key = ed25519.Ed25519PrivateKey.generate()
    pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw).hex()
    if forgery == "after-close":
        with open(out, "wb") as f:
            f.write(text.encode("utf-8") + b"{\"seq\":99}")
        print(pub)
        return
    if forgery == "tail":
        checkpoints = [n for n, r in enumerate(records) if r["event"] == "checkpoint"]
        victim = records[checkpoints[-1] + 1]
        victim["step"] = victim["step"] + "-rewritten"
        rechain(records, None)
    else:
        start = records[0]["data"]
        if forgery == "production":
            start["rehearsal"] = False
        elif forgery == "image":
            start["image_sha256"] = "ab" * 32
            start["image_known"] = True
        elif forgery == "bag":
            bags = [r for r in records if r["event"] == "share-accepted"]
            bags[0]["data"]["bag"] = bags[0]["data"]["bag"] + "9"
        elif forgery == "erase":
            gone = keys_on_medium(records)
            records = [r for r in records if not names_any(r, gone)]
        elif forgery not in ("resign", "drop-proofs"):
            sys.exit("unknown forgery " + forgery)
        if forgery != "resign":
            records = [r for r in records if r["event"] != "proof-of-possession"]
        start["transcript_key"] = pub
        # Canonical form: data keys in byte order (section 2), as the forger knows.
        records[0]["data"] = dict(sorted(start.items(), key=lambda kv: kv[0].encode()))
        rechain(records, key)
    with open(out, "wb") as f:
        f.write(b"".join(canonical(r) + b"\n" for r in records))
    print(pub)


if __name__ == "__main__":
    main()
