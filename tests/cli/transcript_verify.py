#!/usr/bin/env python3
"""An independent verifier for ceremony transcripts, written from docs/transcript.md alone
(format version 1), to check that the document is enough and that the C verifier agrees.

usage: transcript_verify.py FILE [ARTIFACTS_DIR]
prints "valid RECORDS FINAL_DIGEST" and exits 0, or "invalid: ..." and exits 1.
Needs Python 3 and the 'cryptography' package (Ed25519, ECDSA, RSA, X.509).
"""
import hashlib
import hmac
import json
import os
import re
import stat
import sys

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

TOP = ["seq", "time", "step", "actor", "event", "data", "prev"]
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
DOMAIN = b"ceremony-transcript/1"
SIGNED = {"checkpoint", "abort", "close"}
TERMINAL = {"abort", "close"}
ARTIFACTS = {"certificate-issued", "csr-exported", "crl-issued", "media-written", "key-revealed"}
CHECK_VALUE_LABEL = b"ceremony-key-check-value-v1"


class Invalid(Exception):
    pass


def no_floats(text):
    raise Invalid("a fraction (integers only)")


def pairs(items):
    keys = [k for k, _ in items]
    if len(keys) != len(set(keys)):
        raise Invalid("duplicate key")
    return dict(items)


def canonical(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sorted_everywhere(v):
    if isinstance(v, dict):
        if list(v) != sorted(v, key=lambda k: k.encode("utf-8")):
            return False
        return all(sorted_everywhere(x) for x in v.values())
    if isinstance(v, list):
        return all(sorted_everywhere(x) for x in v)
    return True


def message(event, rec):
    """What a signature covers: the record with data.sig emptied, canonical, hashed."""
    copy = json.loads(json.dumps(rec))
    copy["data"]["sig"] = ""
    return DOMAIN + b"\0" + event.encode() + b"\0" + hashlib.sha256(canonical(copy)).digest()


def verify_with(spki_der, alg, sig, msg):
    key = serialization.load_der_public_key(spki_der)
    if alg == "ed25519":
        key.verify(sig, msg)
    elif alg == "ecdsa-p256-sha256":
        key.verify(sig, msg, ec.ECDSA(hashes.SHA256()))
    elif alg == "ecdsa-p384-sha384":
        key.verify(sig, msg, ec.ECDSA(hashes.SHA384()))
    elif alg == "rsa-pkcs1-sha256":
        key.verify(sig, msg, padding.PKCS1v15(), hashes.SHA256())
    else:
        raise Invalid("unknown algorithm " + alg)


def verify_signed_object(issuer_pub, signature, tbs, hash_alg):
    if isinstance(issuer_pub, ec.EllipticCurvePublicKey):
        issuer_pub.verify(signature, tbs, ec.ECDSA(hash_alg))
    elif isinstance(issuer_pub, rsa.RSAPublicKey):
        issuer_pub.verify(signature, tbs, padding.PKCS1v15(), hash_alg)
    elif isinstance(issuer_pub, ed25519.Ed25519PublicKey):
        issuer_pub.verify(signature, tbs)
    else:
        raise Invalid("issuer key type")


def load_pem_or_der(data, pem, der):
    return pem(data) if data.startswith(b"-----BEGIN ") else der(data)


def load_any(blob):
    """A certificate, CSR or CRL (one DER object or one PEM block), or None."""
    kinds = [("certificate", x509.load_pem_x509_certificate, x509.load_der_x509_certificate),
             ("CSR", x509.load_pem_x509_csr, x509.load_der_x509_csr),
             ("CRL", x509.load_pem_x509_crl, x509.load_der_x509_crl)]
    for kind, pem, der in kinds:
        try:
            return kind, load_pem_or_der(blob, pem, der)
        except ValueError:
            continue
    return None, None


def marked(name):
    """Section 8.1: a common name with the word REHEARSAL in it."""
    return any("REHEARSAL" in a.value.split(" ")
               for a in name.get_attributes_for_oid(x509.NameOID.COMMON_NAME))


def signed_by(obj, kind, spki):
    key = serialization.load_der_public_key(spki)
    if kind == "CRL":
        return obj.is_signature_valid(key)
    try:
        verify_signed_object(key, obj.signature, obj.tbs_certificate_bytes,
                             obj.signature_hash_algorithm)
        return True
    except (InvalidSignature, Invalid, TypeError):
        return False


def anchor(artifacts, rehearsal, closed, held, published, proven, files):
    """docs/transcript.md section 8.1: every certificate, CSR and CRL in the directory is
    marked as the transcript's mode and held or signed by a key that proved possession; every
    key held and published at a close, or held with a certificate or CSR, proved possession."""
    loose = None
    for name in sorted(os.listdir(artifacts)):
        path = os.path.join(artifacts, name)
        st = os.lstat(path)
        if name.startswith(".") or not stat.S_ISREG(st.st_mode) or st.st_size > 1 << 20:
            continue
        kind, obj = load_any(open(path, "rb").read())
        if obj is None:
            continue
        if marked(obj.issuer if kind == "CRL" else obj.subject) != rehearsal:
            raise Invalid("%s %s: rehearsal marking is not the transcript's" % (kind, name))
        spki = None if kind == "CRL" else obj.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        ok = spki is not None and spki in proven.values()
        if not ok and kind != "CSR":
            ok = any(signed_by(obj, kind, k) for k in proven.values())
        if not ok and loose is None:
            loose = "%s %s is not anchored" % (kind, name)
    if loose:
        raise Invalid(loose)
    for name in published if closed else ():
        if name not in proven:
            raise Invalid("key %s held and published without a proof of possession" % name)
    for seq, ev, d in files:
        if ev in ("certificate-issued", "csr-exported") and d["key"] in held and \
                d["key"] not in proven:
            raise Invalid("record %d: key %s has no proof of possession" % (seq, d["key"]))


def check(path, artifacts):
    data = open(path, "rb").read()
    if not data.endswith(b"\n"):
        raise Invalid("truncated (no final newline)")
    lines = data[:-1].split(b"\n")
    prev = bytes(32)
    last_time = ""
    tkey = None
    keys = {}  # name -> (spki_sha256 hex, spki bytes or None)
    files = []
    final = None
    held, published, proven = set(), set(), {}  # proven: name -> the SPKI that signed
    for seq, line in enumerate(lines):
        where = "record %d: " % seq
        if final is not None:
            raise Invalid(where + "after the closing record")
        try:
            rec = json.loads(line.decode("utf-8"), object_pairs_hook=pairs,
                             parse_float=no_floats, parse_constant=no_floats)
        except (ValueError, UnicodeDecodeError) as e:
            raise Invalid(where + "not JSON: %s" % e)
        if list(rec) != TOP or list(rec["actor"]) != ["role", "name"]:
            raise Invalid(where + "fields")
        if canonical(rec) != line or not sorted_everywhere(rec["data"]):
            raise Invalid(where + "not canonical")
        if rec["seq"] != seq:
            raise Invalid(where + "seq")
        if bytes.fromhex(rec["prev"]) != prev or not HEX64.match(rec["prev"]):
            raise Invalid(where + "chain")
        if not TIME.match(rec["time"]) or rec["time"] < last_time:
            raise Invalid(where + "time")
        ev, d = rec["event"], rec["data"]
        if (seq == 0) != (ev == "ceremony-start"):
            raise Invalid(where + "ceremony-start must be record 0, and only it")
        if seq == 0:
            if d["version"] != 1:
                raise Invalid(where + "version")
            tkey = ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(d["transcript_key"]))
        if ev in ("key-generated", "key-reconstructed") or (ev == "input-imported" and "key" in d):
            spki = bytes.fromhex(d["spki"]) if "spki" in d else None
            if spki is not None and hashlib.sha256(spki).hexdigest() != d["spki_sha256"]:
                raise Invalid(where + "spki_sha256")
            if ev == "key-generated" and d["key"] in keys:
                raise Invalid(where + "key generated twice")
            keys.setdefault(d["key"], (d.get("spki_sha256"), spki))
            if ev != "input-imported":
                held.add(d["key"])
                if spki is not None:
                    published.add(d["key"])
        if ev == "key-revealed" and "spki" in d:
            # A public key kept unpublished until now (section 6, key-revealed).
            spki = bytes.fromhex(d["spki"])
            if hashlib.sha256(spki).hexdigest() != d["spki_sha256"] or \
                    keys.get(d["key"], (None,))[0] != d["spki_sha256"]:
                raise Invalid(where + "revealed key")
            keys[d["key"]] = (d["spki_sha256"], spki)
        if ev in ARTIFACTS and "file" in d:
            files.append((seq, ev, d))
        if ev in TERMINAL:
            if bytes.fromhex(d["final"]) != prev:
                raise Invalid(where + "final digest")
            final = prev
        try:
            if ev in SIGNED:
                tkey.verify(bytes.fromhex(d["sig"]), message(ev, rec))
            if ev == "proof-of-possession":
                spki = bytes.fromhex(d["spki"])
                if hashlib.sha256(spki).hexdigest() != d["spki_sha256"] or \
                        keys.get(d["key"], (None,))[0] != d["spki_sha256"]:
                    raise Invalid(where + "possession key")
                verify_with(spki, d["algorithm"], bytes.fromhex(d["sig"]), message(ev, rec))
                proven[d["key"]] = spki
        except InvalidSignature:
            raise Invalid(where + "signature")
        prev = hashlib.sha256(line).digest()
        last_time = rec["time"]
    if final is None:
        raise Invalid("no closing record")
    if artifacts:
        for seq, ev, d in files:
            blob = open(os.path.join(artifacts, d["file"]), "rb").read()
            if hashlib.sha256(blob).hexdigest() != d["sha256"]:
                raise Invalid("record %d: %s differs" % (seq, d["file"]))
            if ev == "certificate-issued":
                cert = load_pem_or_der(blob, x509.load_pem_x509_certificate,
                                       x509.load_der_x509_certificate)
                der = cert.public_bytes(serialization.Encoding.DER)
                spki = cert.public_key().public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
                if hashlib.sha256(der).hexdigest() != d["cert_sha256"] or \
                        hashlib.sha256(spki).hexdigest() != keys[d["key"]][0]:
                    raise Invalid("record %d: certificate" % seq)
                issuer = keys[d["issuer"]][1] or (spki if d["issuer"] == d["key"] else None)
                verify_signed_object(serialization.load_der_public_key(issuer), cert.signature,
                                     cert.tbs_certificate_bytes, cert.signature_hash_algorithm)
            elif ev == "csr-exported":
                csr = load_pem_or_der(blob, x509.load_pem_x509_csr, x509.load_der_x509_csr)
                spki = csr.public_key().public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
                if not csr.is_signature_valid or \
                        hashlib.sha256(spki).hexdigest() != keys[d["key"]][0]:
                    raise Invalid("record %d: CSR" % seq)
            elif ev == "key-revealed":
                text = blob.decode("ascii")
                if not re.fullmatch(r"([0-9a-f]{32}|[0-9a-f]{64})\n", text) or hmac.new(
                        bytes.fromhex(text[:-1]), CHECK_VALUE_LABEL,
                        hashlib.sha256).hexdigest() != d["check_value"]:
                    raise Invalid("record %d: revealed key" % seq)
            elif ev == "crl-issued":
                crl = load_pem_or_der(blob, x509.load_pem_x509_crl, x509.load_der_x509_crl)
                issuer = serialization.load_der_public_key(keys[d["issuer"]][1])
                if not crl.is_signature_valid(issuer):
                    raise Invalid("record %d: CRL" % seq)
        rehearsal = json.loads(lines[0])["data"]["rehearsal"]
        closed = json.loads(lines[-1])["event"] == "close"
        anchor(artifacts, rehearsal, closed, held, published, proven, files)
    return len(lines), final.hex()


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    try:
        n, final = check(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
    except (Invalid, KeyError, TypeError, ValueError, InvalidSignature) as e:
        print("invalid: %s" % (e or type(e).__name__))
        return 1
    print("valid %d %s" % (n, final))
    return 0


if __name__ == "__main__":
    sys.exit(main())
