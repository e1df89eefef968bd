# SMKI Issuing CA signing (scripts/smki-issuing-ca.yaml) on the outputs of the key generation
# example: the Root rebuilt from three custodians' shares, the CSR (made here by openssl) signed,
# and the certificate checked by openssl and the transcript by both verifiers.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
keygen

issuing_ca "$T/m"
M=$T/m
pub=$M/public
openssl verify -x509_strict -CAfile "$KEYGEN/public/root.pem" "$pub/issuing.pem" >/dev/null ||
	fail "the Issuing CA does not chain to the Root"
openssl x509 -in "$pub/issuing.pem" -noout -text >"$T/issuing.txt"
grep -q "Subject: OU = 07, CN = REHEARSAL Z1" "$T/issuing.txt" || fail "issuing subject"
grep -q "CA:TRUE, pathlen:0" "$T/issuing.txt" || fail "basic constraints"
grep -q "Certificate Policies: critical" "$T/issuing.txt" || fail "policies"
same_key "$pub/issuing.pem" "$ISSUING_KEY"
grep -q "\"predecessor\":\"$KEYGEN_DIGEST\"" "$pub/transcript.jsonl" ||
	fail "the transcript does not name the key generation"

# The auditor's report of a key-use ceremony: who brought each share, the CSR's fingerprint as
# read aloud (its DER's SHA-256), the earlier ceremony's digest; the imported Root certificate
# is the administrator's act and the rebuilt key the program's, not a custodian's.
F=$pub/transcript.jsonl
expect 0 ceremony transcript verify "$F"
grep -q "^  root share (group 1, member 1): brought by Carol Castleton (carol), by medium" \
	"$T/out" || fail "who brought the share is not in the report"
der=$(openssl req -in "$M/inbox/issuing-csr.pem" -outform DER | sha256sum | cut -c1-64 |
	tr a-f A-F | sed 's/..../& /g; s/ $//')
grep -A3 "^  issuing-csr: csr, inbox/issuing-csr.pem" "$T/out" | grep -q "csr sha256   $der" ||
	fail "the CSR input's DER fingerprint is not in the report"
grep -q "^    final digest $(echo "$KEYGEN_DIGEST" | tr a-f A-F | sed 's/..../& /g; s/ $//')" \
	"$T/out" || fail "the earlier ceremony's digest is not in the report"
grep '"event":"input-imported"' "$F" | grep '"kind":"certificate"' |
	grep -q '"actor":{"role":"administrator"' || fail "the Root certificate's importer"
grep '"event":"key-reconstructed"' "$F" | grep -q '"actor":{"role":"system","name":"ceremony"}' ||
	fail "the rebuilt key is not the system's act"

# A share refused at a terminal is a note; the report lists it with who brought it and why.
# (An answers file never gets that far: it stops at the refusal.) The note, chained onto the
# records up to the first collected share, verifies as far as it goes.
python3 - "$F" "$T/refused.jsonl" <<'PY'
import hashlib, json, sys
out = []
for line in open(sys.argv[1], "rb").read().split(b"\n"):
    out.append(line)
    if b'"event":"share-collected"' in line:
        break
last = json.loads(out[-1])
note = {"seq": last["seq"] + 1, "time": last["time"], "step": last["step"],
        "actor": {"role": "custodian", "name": "Dave Davenport"}, "event": "note",
        "data": {"key": "root", "reason": "the share is refused: it is of another set",
                 "text": "share refused"},
        "prev": hashlib.sha256(out[-1]).hexdigest()}
out.append(json.dumps(note, separators=(",", ":")).encode())
open(sys.argv[2], "wb").write(b"\n".join(out) + b"\n")
PY
expect 1 ceremony transcript verify "$T/refused.jsonl" --json
python3 - "$T/out" <<'PY' || fail "the refused share is not in the JSON report"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["error"]["code"] == "incomplete", o["error"]
r = [s for s in o["shares"] if s["event"] == "share-refused"]
assert r and r[0]["by"] == "Dave Davenport" and "another set" in r[0]["reason"], o["shares"]
c = [s for s in o["shares"] if s["event"] == "share-collected"]
assert c and c[0]["by"] == "Carol Castleton" and c[0]["holder"] == "carol", c
PY

# The layout docs/ceremonies.md gives for a key-use rehearsal on a host, run as written there.
sed -n '/^<!-- keyuse-layout -->$/,/^<!-- end -->$/p' "$SRCDIR/docs/ceremonies.md" |
	sed '1,2d; $d' | sed '$d' >"$T/layout.sh"
grep -q 'ceremony run "$M.yaml"' "$T/layout.sh" || fail "no layout in docs/ceremonies.md"
(cd "$SRCDIR" && KEYGEN=$KEYGEN M=$T/doc CSR=$T/m/inbox/issuing-csr.pem . "$T/layout.sh") \
	>"$T/doc.out" 2>&1 || { tail -n 20 "$T/doc.out"; fail "the documented layout does not run"; }
grep -q "valid rehearsal script" "$T/doc.out" || fail "the documented check did not pass"
grep -q "Ceremony $(sed -n 's/^id: //p' "$SRCDIR/scripts/smki-issuing-ca.yaml") closed" \
	"$T/doc.out" || fail "the documented rehearsal did not close"
verified "$T/doc/public"

# The key generation named by its digest alone, typed from the paper as printed there (groups
# of four, upper case): accepted as the same digest, and recorded as such.
M=$T/typed
media "$M"
cp "$T/m/inbox/issuing-csr.pem" "$M/inbox/"
sed '/^    medium: inbox$/d; /^    file: keygen-transcript.jsonl$/d; /^    digest: /d' \
	"$SRCDIR/scripts/smki-issuing-ca.yaml" >"$T/typed.yaml"
cp "$SRCDIR/scripts/smki-issuing-ca.answers" "$T/typed.answers"
answer "$T/typed.answers" input.keygen.digest \
	"$(echo "$KEYGEN_DIGEST" | tr a-f A-F | sed 's/..../& /g; s/ $//')"
expect 0 ceremony run "$T/typed.yaml" --media "$M" --answers "$T/typed.answers" --rehearsal
grep '"typed from the paper record"' "$M/public/transcript.jsonl" |
	grep -q "\"final_digest\":\"$KEYGEN_DIGEST\"" || fail "the typed digest is not the recorded one"

# Again with everything by QR: the CSR as one code, the key generation's transcript as a
# multi-part UR (PNG frames, as `ceremony qr encode --ur` writes them), both from images on the
# input medium; the transcript input has no file, only `source: qr`.
need qrencode
M=$T/qr
media "$M"
rm "$M/inbox/keygen-transcript.jsonl"
qrencode -o "$M/inbox/issuing-csr.png" <"$T/m/inbox/issuing-csr.pem"
mkdir "$T/frames"
ceremony qr encode --ur --frames "$T/frames" --fragment-size 1500 \
	<"$KEYGEN/public/transcript.jsonl" >/dev/null 2>&1 || fail "no UR frames"
for f in "$T"/frames/frame-*.png; do
	n=${f##*frame-}
	cp "$f" "$M/inbox/keygen-$n"
done
sed '/^    medium: inbox$/d; /^    file: keygen-transcript.jsonl$/d;
     s/^\(    ceremony: smki-keygen-2025\)$/\1\n    source: qr/' "$T/smki-issuing-ca.yaml" \
	>"$T/qr.yaml"
grep -q "source: qr" "$T/qr.yaml" || fail "the script was not changed"
cp "$SRCDIR/scripts/smki-issuing-ca.answers" "$T/qr.answers"
answer "$T/qr.answers" input.keygen.qr inbox
answer "$T/qr.answers" input.issuing-csr.source qr
answer "$T/qr.answers" input.issuing-csr.qr inbox
expect 0 ceremony run "$T/qr.yaml" --media "$M" --answers "$T/qr.answers" --rehearsal
grep -q "transcript of smki-keygen-2025 verified" "$T/out" || fail "transcript not read by QR"
verified "$M/public"
grep '"kind":"transcript"' "$M/public/transcript.jsonl" | grep -q '"source":"qr"' ||
	fail "the transcript's QR source is not recorded"
grep '"kind":"csr"' "$M/public/transcript.jsonl" | grep -q '"source":"qr"' ||
	fail "the CSR's QR source is not recorded"
openssl verify -x509_strict -CAfile "$KEYGEN/public/root.pem" "$M/public/issuing.pem" \
	>/dev/null || fail "the Issuing CA from the QR run does not chain"
