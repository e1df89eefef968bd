#!/usr/bin/env python3
"""Checks the media a ceremony left behind when it was stopped part-way (killed, or a medium
failed), independently of the program's own judgement. For each media tree (one directory per
medium, as `ceremony run --media` uses):

- the transcript: `ceremony transcript verify` accepts every whole record and reports the end
  as truncated (a torn last line) or incomplete (no close), naming the last whole record; a
  transcript whose close record is written verifies as closed, with its artifacts; the copy on
  the backup medium is a byte prefix of the main one, at most one record behind;
- every medium holds only names the complete run made (--reference), SHA256SUMS and temporary
  names of those (".<name>.<16 hex>.tmp"): nothing else;
- SHA256SUMS parses, and every file it lists is there with its SHA-256;
- every file under a final name is complete: each share file opens with its passphrase through
  the independent reader (tests/cli/sharefile_open.py), each PEM is one whole certificate or CSR,
  each artifact the transcript records is there with its SHA-256;
- a temporary file is never taken for a file: the independent reader, `ceremony media read`
  and `ceremony media verify` (INCOMPLETE) refuse it, whatever it holds;
- no secret on any medium: no PEM private key, no run of 20 SLIP-39 words, no passphrase, and
  not the secret of any key whose shares on the media make a quorum (rebuilt from them).

usage: check_media.py --answers FILE --reference TREE [--expect-closed|--expect-aborted] TREE...
The binary is $CEREMONY (possibly behind a runner). Prints one line per failure; exit 1 if any.
"""
import argparse
import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import re
import shlex
import struct
import subprocess
import sys

SRCDIR = os.environ.get("SRCDIR", os.getcwd())
sys.path.insert(0, os.path.join(SRCDIR, "tests", "cli"))
import sharefile_open  # noqa: E402  (the independent reader)

TEMP = re.compile(r"^\.(.+)\.([0-9a-f]{16})\.tmp$")
SET_ID = re.compile(r"-[0-9a-f]{4}-")
CEREMONY = shlex.split(os.environ["CEREMONY"])
failures = []


def fail(tree, msg):
    failures.append("%s: %s" % (os.path.basename(tree), msg))


def ceremony(*args):
    r = subprocess.run(CEREMONY + list(args), capture_output=True)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def load_answers(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^([a-z0-9.-]+) = (.*)$", line.rstrip("\n"))
        if m:
            out[m.group(1)] = m.group(2)
    return out


def reader(path, passphrase):
    """Runs the independent reader in this process: (exit status, its output)."""
    out = io.StringIO()
    argv, stdin = sys.argv, sys.stdin
    sys.argv = ["sharefile_open.py", path]
    sys.stdin = io.TextIOWrapper(io.BytesIO(passphrase.encode()))
    try:
        with contextlib.redirect_stdout(out):
            try:
                rc = sharefile_open.main()
            except (AssertionError, ValueError, IndexError, struct.error):
                rc = 2
    finally:
        sys.argv, sys.stdin = argv, stdin
    return rc, out.getvalue()


def patterns(reference):
    """Per medium, the final names the complete run made, a share set's identifier left open."""
    pats = {}
    for medium in sorted(os.listdir(reference)):
        names = os.listdir(os.path.join(reference, medium))
        pats[medium] = [re.compile("^" + "-[0-9a-f]{4}-".join(map(re.escape, SET_ID.split(n)))
                                   + "$") for n in names if not n.startswith(".")]
    return pats


def records(data):
    """The whole lines of a transcript, and whether a torn line follows them."""
    lines = data.split(b"\n")
    return lines[:-1], lines[-1] != b""


def check_transcript(tree, expect):
    pub = os.path.join(tree, "public", "transcript.jsonl")
    bak = os.path.join(tree, "backup", "transcript.jsonl")
    if not os.path.exists(pub):
        # Killed before the transcript was created: nothing at all may have been written.
        for medium in os.listdir(tree):
            if os.listdir(os.path.join(tree, medium)):
                fail(tree, "no transcript, yet medium %s holds files" % medium)
        return None
    data = open(pub, "rb").read()
    whole, torn = records(data)
    last = json.loads(whole[-1]) if whole else None
    closed = last is not None and not torn and last["event"] in ("close", "abort")
    rc, out, err = ceremony("transcript", "verify", pub, "--artifacts",
                            os.path.join(tree, "public"))
    if closed:
        want = "closed" if last["event"] == "close" else "aborted"
        if rc != 0 or not re.search(r"outcome +%s" % want, out):
            fail(tree, "a %s transcript does not verify: exit %d %s" % (want, rc, err.strip()))
        if expect and expect != want:
            fail(tree, "the transcript is %s, not %s" % (want, expect))
    else:
        n = len(whole) - 1
        if not whole:
            said = r"(empty transcript|truncated before the first record) \(truncated\)"
        elif torn:
            said = r"truncated after record %d \(truncated\)" % n
        else:
            said = r"ends after record %d without a close or abort record \(incomplete\)" % n
        if rc != 1 or not re.search(said, err):
            fail(tree, "transcript of %d whole records%s: exit %d, said %r" %
                 (len(whole), " and a torn line" if torn else "", rc, err.strip()))
        if expect:
            fail(tree, "the transcript is not %s: %s" % (expect, err.strip()))
    if os.path.exists(bak):
        copy = open(bak, "rb").read()
        if not data.startswith(copy):
            fail(tree, "the backup transcript is not a prefix of the main one")
        elif len(records(copy)[0]) < len(whole) - 1 or records(copy)[1]:
            fail(tree, "the backup transcript is more than one record behind, or torn")
    elif os.path.getsize(pub) > 0:
        fail(tree, "records written but no backup transcript")
    return whole


def check_artifacts(tree, whole):
    """Every artifact recorded so far is on the public medium with its SHA-256 (verify checks
    them only for a transcript that verifies whole)."""
    for line in whole or []:
        rec = json.loads(line)
        d = rec["data"]
        if rec["event"] in ("media-written", "certificate-issued", "csr-exported") and "file" in d:
            path = os.path.join(tree, d.get("medium", "public") if rec["event"] == "media-written"
                                else "public", d["file"])
            if not os.path.isfile(path):
                fail(tree, "record %d names %s, which is not there" % (rec["seq"], d["file"]))
            elif hashlib.sha256(open(path, "rb").read()).hexdigest() != d["sha256"]:
                fail(tree, "record %d: %s differs from its record" % (rec["seq"], d["file"]))


def manifest(tree, mdir, medium):
    path = os.path.join(mdir, "SHA256SUMS")
    listed = {}
    if not os.path.exists(path):
        return listed
    for line in open(path, "rb").read().split(b"\n")[:-1]:
        m = re.match(rb"^([0-9a-f]{64})  ([A-Za-z0-9._-]+)$", line)
        if not m:
            fail(tree, "%s/SHA256SUMS is malformed" % medium)
            return listed
        listed[m.group(2).decode()] = m.group(1).decode()
    for name, sha in listed.items():
        f = os.path.join(mdir, name)
        if not os.path.isfile(f):
            fail(tree, "%s/SHA256SUMS lists %s, which is not there" % (medium, name))
        elif hashlib.sha256(open(f, "rb").read()).hexdigest() != sha:
            fail(tree, "%s/%s differs from SHA256SUMS" % (medium, name))
    return listed


def share_passphrase(answers, name):
    m = re.match(r"^(.+)-[0-9a-f]{4}-(\d+)\.share$", name)
    return answers.get("share.%s.%s.passphrase" % (m.group(1), m.group(2))) if m else None


def check_complete(tree, medium, path, name, answers, shares):
    if name.endswith(".share"):
        pw = share_passphrase(answers, name)
        rc, out = reader(path, pw or "")
        if rc != 0 or "mnemonic: " not in out:
            fail(tree, "%s/%s is under its final name but does not open" % (medium, name))
        elif not re.search(r"^key: %s$" % re.escape(name.rsplit("-", 2)[0]), out, re.M):
            fail(tree, "%s/%s holds a share of another key" % (medium, name))
        else:
            f = dict(re.findall(r"^([a-z ]+): (.*)$", out, re.M))
            g = re.match(r"(\d+) of (\d+) \(threshold (\d+)\), member \d+ \(threshold (\d+)\)",
                         f["group"])
            key = shares.setdefault((f["key"], f["identifier"]), {"gt": int(g.group(3)),
                                                                  "groups": {}})
            key["groups"].setdefault(g.group(1), (int(g.group(4)), []))[1].append(f["mnemonic"])
    elif name.endswith(".pem"):
        from cryptography import x509
        data = open(path, "rb").read()
        try:
            if b"CERTIFICATE REQUEST" in data[:40]:
                x509.load_pem_x509_csr(data)
            else:
                x509.load_pem_x509_certificate(data)
        except ValueError:
            fail(tree, "%s/%s is under its final name but is not whole" % (medium, name))
        if not data.endswith(b"-----\n") or data.count(b"-----BEGIN") != 1:
            fail(tree, "%s/%s is not exactly one PEM block" % (medium, name))


def check_temporary(tree, medium, mdir, name):
    rc, out = reader(os.path.join(mdir, name), "")
    if rc != 1 or "unfinished write" not in out:
        fail(tree, "the independent reader took %s/%s: %s" % (medium, name, out.strip()))
    rc, _, err = ceremony("media", "read", mdir, name)
    if rc != 1 or "unfinished write" not in err:
        fail(tree, "media read took %s/%s: exit %d %s" % (medium, name, rc, err.strip()))
    rc, out, _ = ceremony("media", "verify", mdir)
    if rc != 1 or not re.search(r"^INCOMPLETE +%s$" % re.escape(name), out, re.M):
        fail(tree, "media verify does not report %s/%s as INCOMPLETE" % (medium, name))


def no_secret(tree, medium, name, data, words, passphrases):
    if b"PRIVATE KEY" in data:
        fail(tree, "%s/%s holds a PEM private key" % (medium, name))
    run = 0
    for tok in re.split(rb"[^a-z]+", data):
        run = run + 1 if tok and tok.decode() in words else 0
        if run >= 20:
            fail(tree, "%s/%s holds a run of 20 SLIP-39 words" % (medium, name))
            break
    for p in passphrases:
        if p.encode() in data:
            fail(tree, "%s/%s holds a passphrase" % (medium, name))
            break


def check_secrets(tree, shares, contents):
    """Each key whose share files make a quorum is rebuilt (`ceremony slip39 combine`, the
    split's passphrase is empty): its secret must be in no file, as bytes or as hex."""
    for (key, ident), k in sorted(shares.items()):
        groups = [m[:t] for t, m in k["groups"].values() if len(m) >= t][:k["gt"]]
        if len(groups) < k["gt"]:
            continue
        r = subprocess.run(CEREMONY + ["slip39", "combine"], capture_output=True,
                           input="\n\n".join("\n".join(g) for g in groups).encode() + b"\n")
        if r.returncode != 0:
            fail(tree, "the shares of %s (%s) do not combine: %s" % (key, ident, r.stderr))
            continue
        hexed = r.stdout.strip()
        for where, data in contents.items():
            if bytes.fromhex(hexed.decode()) in data or hexed in data.lower():
                fail(tree, "%s holds the secret of key %s" % (where, key))


def check_media(tree, pats, answers, words):
    passphrases = [v for k, v in answers.items() if k.endswith(".passphrase")]
    shares, contents = {}, {}
    for medium in sorted(os.listdir(tree)):
        mdir = os.path.join(tree, medium)
        listed = manifest(tree, mdir, medium)
        for name in sorted(os.listdir(mdir)):
            path = os.path.join(mdir, name)
            if not os.path.isfile(path) or os.path.islink(path):
                fail(tree, "%s/%s is not a plain file" % (medium, name))
                continue
            contents["%s/%s" % (medium, name)] = open(path, "rb").read()
            no_secret(tree, medium, name, contents["%s/%s" % (medium, name)], words,
                      passphrases)
            t = TEMP.match(name)
            final = t.group(1) if t else name
            if final != "SHA256SUMS" and not any(p.match(final) for p in pats.get(medium, [])):
                fail(tree, "%s/%s is no file this ceremony writes there" % (medium, name))
                continue
            if t:
                check_temporary(tree, medium, mdir, name)
            elif name.startswith("."):
                fail(tree, "%s/%s: a hidden file that is no temporary name" % (medium, name))
            elif name not in ("SHA256SUMS", "transcript.jsonl"):
                # Listed or not (a kill between its rename and its SHA256SUMS line), whole.
                check_complete(tree, medium, path, name, answers, shares)
    check_secrets(tree, shares, contents)


def check_tree(tree, expect, pats, answers, words):
    del failures[:]
    whole = check_transcript(tree, expect)
    check_artifacts(tree, whole)
    check_media(tree, pats, answers, words)
    return list(failures)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--expect-closed", action="store_const", const="closed", dest="expect")
    ap.add_argument("--expect-aborted", action="store_const", const="aborted", dest="expect")
    ap.add_argument("trees", nargs="+")
    a = ap.parse_args()
    answers = load_answers(a.answers)
    words = set(open(os.path.join(SRCDIR, "tests/vectors/slip39/wordlist.txt")).read().split())
    pats = patterns(a.reference)
    # Trees are independent: two at a time (the machines this runs on have two cores or more).
    with multiprocessing.Pool(2) as pool:
        found = pool.starmap(check_tree, [(t, a.expect, pats, answers, words) for t in a.trees])
    failures[:] = [f for fs in found for f in fs]
    for f in failures:
        print("FAIL " + f)
    print("checked %d media trees, %d failures" % (len(a.trees), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
