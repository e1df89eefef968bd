# ceremony transcript verify/show on the committed fixture (tests/vectors/transcript/, written
# by tests/unit/test_transcript_pki.c from keys and certificates openssl made), its mutations,
# and cross-checks with tools we did not write: openssl, sha256sum and an independent Python
# verifier written from docs/transcript.md.
. "$SRCDIR/tests/cli/lib.sh"
need openssl sha256sum

V=$SRCDIR/tests/vectors/transcript
F=$V/public/transcript.jsonl
PUB=$V/public

# --- valid ---------------------------------------------------------------------------------
expect 0 ceremony transcript verify "$F" --artifacts "$PUB"
for s in "VALID" "ceremony         smki-keygen-rehearsal" "mode             REHEARSAL" \
	"outcome          closed" "Carol Custodian" "witness Bob left the room" \
	"possession       root (ecdsa-p256-sha256) verified" "4 file(s) match, 3 certificate" \
	"bag TEB-004711"; do
	grep -q -- "$s" "$T/out" || fail "report lacks '$s'"
done
# Nothing on stderr (but valgrind's own notes when run under it).
[ -z "$(grep -v '^--[0-9]*--' "$T/err")" ] || fail "stderr on success"

# The final digest is the SHA-256 of the line before close, as sha256sum computes it, and the
# report shows it.
n=$(wc -l <"$F")
final=$(sed -n "$((n - 1))p" "$F" | tr -d '\n' | sha256sum | cut -d' ' -f1)
grep -q "\"final\":\"$final\"" "$F" || fail "close record's final is not sha256 of the record before"
want=$(echo "$final" | tr a-f A-F | sed 's/..../& /g; s/ $//' | cut -c1-79)
grep -q "^                 $want" "$T/out" || fail "report's final digest"

# Every artifact's hash as sha256sum and openssl compute it.
for f in root.pem recovery-csr.pem root-crl.pem manifest.txt; do
	h=$(sha256sum "$PUB/$f" | cut -d' ' -f1)
	grep -q "\"file\":\"$f\",.*\"sha256\":\"$h\"" "$F" || fail "recorded sha256 of $f"
done
h=$(openssl x509 -in "$PUB/root.pem" -outform DER | sha256sum | cut -d' ' -f1)
grep -q "\"cert_sha256\":\"$h\"" "$F" || fail "cert_sha256 of root.pem"
h=$(openssl pkey -in "$V/keys/root.key" -pubout -outform DER | sha256sum | cut -d' ' -f1)
grep -q "\"key\":\"root\",\"spki\":\"[0-9a-f]*\",\"spki_sha256\":\"$h\"" "$F" || fail "root spki"
# The artifacts themselves are what openssl says they are.
openssl verify -CAfile "$PUB/root.pem" "$PUB/root.pem" >/dev/null || fail "openssl: root.pem"
openssl req -verify -noout -in "$PUB/recovery-csr.pem" 2>/dev/null || fail "openssl: csr"
openssl crl -CAfile "$PUB/root.pem" -in "$PUB/root-crl.pem" -noout 2>/dev/null ||
	fail "openssl: crl"

expect 0 ceremony transcript verify "$F"
grep -q "not checked (use --artifacts DIR)" "$T/out" || fail "artifacts not checked line"

# Signatures as openssl checks them, following docs/transcript.md section 4: M is the domain,
# the event, and the SHA-256 of the line with its signature's digits removed.
unhex() { perl -e 'print pack("H*", <STDIN> =~ s/\s//gr)'; }
message() { # LINE EVENT -> $T/M.bin, $T/sig.bin
	d=$(printf '%s' "$1" | sed 's/"sig":"[0-9a-f]*"/"sig":""/' | sha256sum | cut -c1-64)
	{ printf 'ceremony-transcript/1\0%s\0' "$2"; echo "$d" | unhex; } >"$T/M.bin"
	printf '%s' "$1" | sed 's/.*"sig":"\([0-9a-f]*\)".*/\1/' | unhex >"$T/sig.bin"
}
tkey=$(sed -n 1p "$F" | sed 's/.*"transcript_key":"\([0-9a-f]*\)".*/\1/')
echo "302a300506032b6570032100$tkey" | unhex >"$T/tkey.der"
message "$(sed -n 15p "$F")" checkpoint
openssl pkeyutl -verify -pubin -inkey "$T/tkey.der" -keyform DER -rawin -in "$T/M.bin" \
	-sigfile "$T/sig.bin" >/dev/null || fail "openssl: checkpoint signature"
line=$(grep '"event":"proof-of-possession".*"key":"root"' "$F")
printf '%s' "$line" | sed 's/.*"spki":"\([0-9a-f]*\)".*/\1/' | unhex >"$T/root.der"
message "$line" proof-of-possession
openssl dgst -sha256 -verify "$T/root.der" -keyform DER -signature "$T/sig.bin" "$T/M.bin" \
	>/dev/null || fail "openssl: root's proof of possession"

# The worked example in the documentation is a valid transcript.
sed -n '/^## 11/,/^## 12/p' "$SRCDIR/docs/transcript.md" | grep '^{"seq"' >"$T/example.jsonl"
[ "$(wc -l <"$T/example.jsonl")" = 4 ] || fail "docs example: 4 records"
expect 0 ceremony transcript verify "$T/example.jsonl"
grep -q "3DDE AB70 8E83 4429" "$T/out" || fail "docs example final digest"

expect 0 ceremony transcript verify --json "$F" --artifacts "$PUB"
grep -q '"valid": true' "$T/out" || fail "json valid"
grep -q "\"final_digest\": \"$final\"" "$T/out" || fail "json final digest"
grep -q '"files": 4' "$T/out" || fail "json artifacts"

expect 0 ceremony transcript show "$F"
grep -q "^0 .*ceremony-start" "$T/out" || fail "show record 0"
grep -q "^32 .*close" "$T/out" || fail "show close"
grep -q "33 record(s) verified, transcript VALID" "$T/out" || fail "show verdict"

# --- usage: exit 2 ---------------------------------------------------------------------------
expect 2 ceremony transcript
expect_err 2 "unknown transcript verb" ceremony transcript check "$F"
expect 2 ceremony transcript verify
expect_err 2 "cannot open" ceremony transcript verify "$T/missing.jsonl"
expect_err 2 "unknown or repeated option" ceremony transcript verify "$F" --artifacts
expect_err 2 "unknown or repeated option" ceremony transcript verify "$F" --bogus
expect_err 2 "more than one" ceremony transcript verify "$F" "$F"
expect_err 2 "unknown or repeated option" ceremony transcript show "$F" --json
expect_err 2 "cannot open the artifacts directory" \
	ceremony transcript verify "$F" --artifacts "$T/nowhere"
expect_err 2 "not a plain file" ceremony transcript verify "$T"
expect 0 ceremony transcript --help
grep -q "usage: ceremony transcript verify" "$T/out" || fail "help"

# --- invalid: exit 1, the first bad record and why ------------------------------------------
sed '6d' "$F" >"$T/deleted.jsonl"
expect_err 1 "record 5: seq is 6, expected 5" ceremony transcript verify "$T/deleted.jsonl"
{ sed -n '1,4p' "$F"; sed -n 6p "$F"; sed -n 5p "$F"; sed -n '7,$p' "$F"; } >"$T/swapped.jsonl"
expect_err 1 "record 4: seq is 5, expected 4" ceremony transcript verify "$T/swapped.jsonl"
sed '4s/driving licence/forged licence/' "$F" >"$T/edited.jsonl"
expect_err 1 "record 4: prev is not the SHA-256 of record 3" \
	ceremony transcript verify "$T/edited.jsonl"
head -c -10 "$F" >"$T/torn.jsonl"
expect_err 1 "truncated after record 31 (truncated)" ceremony transcript verify "$T/torn.jsonl"
head -n 32 "$F" >"$T/open.jsonl"
expect_err 1 "ends after record 31 without a close or abort record" \
	ceremony transcript verify "$T/open.jsonl"
{ cat "$F"; sed -n 2p "$F"; } >"$T/after.jsonl"
expect_err 1 "record 33: a record after the close record" ceremony transcript verify "$T/after.jsonl"
sed '3s/,"step":/, "step":/' "$F" >"$T/space.jsonl"
expect_err 1 "record 2: not in canonical form" ceremony transcript verify "$T/space.jsonl"
# Another checkpoint's signature (record 29's) in place of record 14's.
sig=$(sed -n 30p "$F" | sed 's/.*"sig":"\([0-9a-f]*\)".*/\1/')
sed "15s/\"sig\":\"[0-9a-f]*\"/\"sig\":\"$sig\"/" "$F" >"$T/sig.jsonl"
expect_err 1 "record 14: checkpoint signature does not verify" \
	ceremony transcript verify "$T/sig.jsonl"

# --json on an invalid transcript: the report says where it stopped.
expect 1 ceremony transcript verify --json "$T/deleted.jsonl"
grep -q '"valid": false' "$T/out" || fail "json invalid"
grep -q '"code": "sequence"' "$T/out" || fail "json error code"
grep -q '"record": 5' "$T/out" || fail "json error record"

# show renders what verified, then says where it stopped.
expect 1 ceremony transcript show "$T/edited.jsonl"
grep -q "4 record(s) verified" "$T/out" || fail "show partial"
grep -q "record 4: prev is not" "$T/err" || fail "show error"

# An artifact altered on the medium.
mkdir "$T/pub"
cp "$PUB"/root.pem "$PUB"/recovery-csr.pem "$PUB"/root-crl.pem "$PUB"/manifest.txt "$T/pub/"
echo tampered >>"$T/pub/manifest.txt"
expect_err 1 "record 26: file 'manifest.txt' does not match its recorded SHA-256" \
	ceremony transcript verify "$F" --artifacts "$T/pub"
rm "$T/pub/recovery-csr.pem"
cp "$PUB/manifest.txt" "$T/pub/"
expect_err 1 "record 16: file 'recovery-csr.pem' is missing" \
	ceremony transcript verify "$F" --artifacts "$T/pub"

# --- an independent verifier agrees ----------------------------------------------------------
if python3 -c 'import cryptography' 2>/dev/null; then
	py=$(python3 "$SRCDIR/tests/cli/transcript_verify.py" "$F" "$PUB") || fail "python: $py"
	[ "$py" = "valid 33 $final" ] || fail "python verifier: $py"
	for bad in deleted swapped edited torn open after space sig; do
		if python3 "$SRCDIR/tests/cli/transcript_verify.py" "$T/$bad.jsonl" >/dev/null; then
			fail "python verifier accepted $bad"
		fi
	done
else
	echo "python3 cryptography missing: independent verifier not run"
fi

# --- the forger: the whole transcript, none of the CA keys ------------------------------------
# tests/cli/transcript_forge.py re-chains and re-signs with a fresh Ed25519 key of its own, as
# docs/security.md says anyone holding the transcript can. Each forgery must fail against the
# public medium (--artifacts) and against the paper copies (--expect-key, --expect-final).
expect 0 ceremony transcript verify "$F"
paper_key=$(grep -A1 "^transcript key" "$T/out" | tail -n 1 | sed 's/^ *//')
paper_final=$(grep -A2 "^final digest" "$T/out" | tail -n 1 | sed 's/^ *//')
[ "$(echo "$paper_final" | wc -w)" = 32 ] || fail "final digest words not shown: $paper_final"
if python3 -c 'import cryptography' 2>/dev/null; then
	forge() { python3 "$SRCDIR/tests/cli/transcript_forge.py" "$F" "$T/$1.jsonl" "$1"; }
	# Re-signed, proofs kept: a CA key's signature breaks at once, without any artifact.
	forge resign >/dev/null
	expect_err 1 "record 30: proof-of-possession signature by key 'root' does not verify" \
		ceremony transcript verify "$T/resign.jsonl"
	# Re-signed with the proofs dropped, record 0 or a bag edited, or every record naming the
	# Root and Recovery keys erased: valid on its own (a transcript key of its own is all it
	# takes), refused against the public medium and against the paper.
	for forgery in drop-proofs production image bag erase; do
		fkey=$(forge $forgery)
		expect 0 ceremony transcript verify "$T/$forgery.jsonl"
		grep -q "NOT ANCHORED" "$T/out" || fail "$forgery: not said that it is not anchored"
		grep -qi "$fkey" <(tr -d ' \n' <"$T/out") || fail "$forgery: report lacks its key"
		expect 1 ceremony transcript verify "$T/$forgery.jsonl" --artifacts "$PUB"
		grep -q "(anchor)\|(mode)" "$T/err" || fail "$forgery: $(cat "$T/err")"
		expect_err 1 "DIFFERS from the paper copy: the transcript key is $fkey" \
			ceremony transcript verify "$T/$forgery.jsonl" --expect-key "$paper_key"
		# The independent verifier, written from section 8.1, refuses it too.
		if python3 "$SRCDIR/tests/cli/transcript_verify.py" "$T/$forgery.jsonl" "$PUB" \
			>/dev/null; then
			fail "python verifier accepted the $forgery forgery with the artifacts"
		fi
	done
	expect_err 1 "REHEARSAL .* under a production transcript (mode)" \
		ceremony transcript verify "$T/production.jsonl" --artifacts "$PUB"
	grep -q '"rehearsal":false' "$T/production.jsonl" || fail "production forgery"
	grep -q '"image_known":true' "$T/image.jsonl" || fail "image forgery"
	if grep -q '"key":"root"' "$T/erase.jsonl"; then fail "erase forgery kept the root"; fi
	# A record after the last checkpoint rewritten, re-chained: the close's signature fails.
	forge tail >/dev/null
	expect_err 1 "does not verify (signature)" ceremony transcript verify "$T/tail.jsonl"
	# Bytes after a signed close are tampering, not a crash's truncation.
	forge after-close >/dev/null
	expect_err 1 "data after the close record (record 32): added after the ceremony (after-close)" \
		ceremony transcript verify "$T/after-close.jsonl"
	# The independent verifier agrees without the artifacts too.
	for bad in resign tail after-close; do
		if python3 "$SRCDIR/tests/cli/transcript_verify.py" "$T/$bad.jsonl" >/dev/null; then
			fail "python verifier accepted the $bad forgery"
		fi
	done
else
	echo "python3 cryptography missing: forgeries not built"
fi

# The paper copies as the witnesses wrote them: hex in either case, spaced or not, or words.
key_hex=$(sed -n 1p "$F" | sed 's/.*"transcript_key":"\([0-9a-f]*\)".*/\1/')
expect 0 ceremony transcript verify "$F" --artifacts "$PUB" --expect-key "$paper_key" \
	--expect-final "$(echo "$final" | tr a-f A-F | sed 's/..../& /g')"
grep -q "Nothing is left to compare by hand" "$T/out" || fail "nothing left to compare"
expect 0 ceremony transcript verify "$F" --expect-key "$key_hex"
grep -q "transcript key matches --expect-key" "$T/out" || fail "key matched"
grep -q "Compare by hand with the paper copies: the final digest\.$" "$T/out" ||
	fail "what is left to compare: $(tail -n 1 "$T/out")"
expect 0 ceremony transcript verify "$F"
grep -q "Compare by hand with the paper copies: the transcript key and the final digest\.$" \
	"$T/out" || fail "comparison line"
grep -q "the Ed25519 public key of record 0 (32 bytes, not a digest)" "$T/out" ||
	fail "transcript key not labelled for what it is"
expect 0 ceremony transcript verify --json "$F" --expect-final "$final"
grep -q '"final_digest": "match"' "$T/out" || fail "json expected"
grep -q '"compare_by_hand": \[' "$T/out" || fail "json compare_by_hand"
grep -q '"anchored": false' "$T/out" || fail "json anchored without artifacts"
# One word swapped, one digit changed: a difference, exit 1; not a value at all: usage, exit 2.
swapped=$(echo "$paper_final" | awk '{ t = $1; $1 = $2; $2 = t; print }')
expect_err 2 "--expect-final: not 64 hex digits" \
	ceremony transcript verify "$F" --expect-final "$swapped"
expect_err 1 "DIFFERS from the paper copy: the final digest is $final" \
	ceremony transcript verify "$F" --expect-final "${final%?}$( [ "${final: -1}" = 0 ] && echo 1 || echo 0)"
expect_err 2 "--expect-key: not 64 hex digits" ceremony transcript verify "$F" --expect-key abc
expect_err 2 "given twice" ceremony transcript verify "$F" --expect-key "$key_hex" \
	--expect-key "$key_hex"

# Records no signature covers: after a crash, everything after the last checkpoint is unsigned,
# and show and --json say so; rewriting one is not detectable, which is what the mark says.
head -n 29 "$F" >"$T/crash.jsonl"
expect 1 ceremony transcript show "$T/crash.jsonl"
grep -q "^14 .*checkpoint" "$T/out" || fail "show crash"
if grep -q "^14 .*UNSIGNED" "$T/out"; then fail "a signed record marked unsigned"; fi
grep -q "^15 .*UNSIGNED" "$T/out" || fail "record 15 not marked unsigned"
grep -q "^28 .*UNSIGNED" "$T/out" || fail "record 28 not marked unsigned"
grep -q "records 15 to 28 are UNSIGNED" "$T/out" || fail "unsigned summary"
expect 1 ceremony transcript verify --json "$T/crash.jsonl"
grep -q '"signed_through": 14' "$T/out" || fail "json signed_through"
tr -d ' \n' <"$T/out" | grep -q '"unsigned_records":{"first":15,"last":28}' ||
	fail "json unsigned_records"
expect 0 ceremony transcript show "$F"
if grep -q "UNSIGNED" "$T/out"; then fail "a closed transcript has unsigned records"; fi

# An artifact directory with a certificate that no key of the transcript holds or signed: a
# forger who drops records does not drop files from the medium.
rm -rf "$T/pub" && mkdir "$T/pub" && cp "$PUB"/* "$T/pub/"
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-subj "/CN=REHEARSAL stray" -days 1 -out "$T/pub/stray.pem" 2>/dev/null
expect_err 1 "the certificate 'stray.pem' is not anchored" \
	ceremony transcript verify "$F" --artifacts "$T/pub"
openssl req -new -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-subj "/CN=ZA" -days 1 -out "$T/pub/stray.pem" 2>/dev/null
expect_err 1 "'stray.pem' is a production certificate under a rehearsal transcript (mode)" \
	ceremony transcript verify "$F" --artifacts "$T/pub"
