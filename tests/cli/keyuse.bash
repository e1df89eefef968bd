# Sourced by the key-use ceremony tests (tests/cli/run_smki_*.sh): the SMKI key generation
# example run once in rehearsal, and the media and scripts a key-use ceremony starts from.
need openssl sha256sum

KEYGEN=$T/keygen
custodians="carol dave erin frank grace heidi"

# Runs scripts/smki-keygen.yaml into $KEYGEN; KEYGEN_DIGEST is its final digest.
keygen() {
	for d in public backup $custodians; do mkdir -p "$KEYGEN/$d"; done
	expect 0 ceremony run "$SRCDIR/scripts/smki-keygen.yaml" --media "$KEYGEN" \
		--answers "$SRCDIR/scripts/smki-keygen.answers" --rehearsal
	expect 0 ceremony transcript verify "$KEYGEN/public/transcript.jsonl"
	KEYGEN_DIGEST=$(tail -n 1 "$KEYGEN/public/transcript.jsonl" |
		sed 's/.*"final":"\([0-9a-f]*\)".*/\1/')
	[ ${#KEYGEN_DIGEST} = 64 ] || fail "no final digest in the keygen transcript"
}

# media DIR [SRC]: fresh media for a key-use ceremony in DIR: each custodian's medium as SRC
# (default: the key generation's) left it, empty public and backup media, and an inbox with the
# Root certificate and the key generation's transcript.
media() {
	dir=$1 src=${2:-$KEYGEN}
	rm -rf "$dir"
	mkdir -p "$dir/public" "$dir/backup" "$dir/inbox"
	for c in $custodians; do cp -r "$src/$c" "$dir/$c"; done
	cp "$KEYGEN/public/root.pem" "$dir/inbox/root.pem"
	cp "$KEYGEN/public/transcript.jsonl" "$dir/inbox/keygen-transcript.jsonl"
}

# approve SCRIPT OUT [DIGEST]: the script with the final digest its ceremony approves written in.
approve() {
	sed "s/^\(  *digest:\) [0-9a-f]*/\1 ${3:-$KEYGEN_DIGEST}/" "$1" >"$2"
	grep -q "digest: ${3:-$KEYGEN_DIGEST}" "$2" || fail "no digest to approve in $1"
}

# verified DIR: the transcript on the public medium DIR verifies with its artifacts, by our
# verifier and (when Python's cryptography package is there) by the independent one.
verified() {
	expect 0 ceremony transcript verify "$1/transcript.jsonl" --artifacts "$1"
	grep -q "VALID" "$T/out" || fail "verify did not say VALID"
	grep -q "outcome *closed" "$T/out" || fail "not closed"
	(cd "$1" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS of $1"
	if python3 -c 'import cryptography' 2>/dev/null; then
		py=$(python3 "$SRCDIR/tests/cli/transcript_verify.py" "$1/transcript.jsonl" "$1") ||
			fail "independent verifier: $py"
	fi
}

# aborted DIR PATTERN: the ceremony stopped with PATTERN said, and its transcript verifies as
# aborted with nothing signed.
aborted() {
	grep -q -- "$2" "$T/out" || { tail -n 20 "$T/out"; fail "not said: $2"; }
	expect 0 ceremony transcript verify "$1/transcript.jsonl"
	grep -q "outcome *aborted" "$T/out" || fail "transcript not aborted"
	if grep -q '"certificate-issued"\|"crl-issued"' "$1/transcript.jsonl"; then
		fail "something was signed"
	fi
}
