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
	grep -q "^  anchored" "$T/out" || fail "not anchored in its artifacts"
	# A key-use ceremony's predecessor: as hex and words, and on the comparison line.
	if grep -q '"predecessor":' "$1/transcript.jsonl"; then
		[ "$(grep -A2 "^predecessor" "$T/out" | tail -n 1 | wc -w)" = 32 ] ||
			fail "predecessor digest not shown as words"
		grep -q "^Compare by hand with the paper copies: .*and the predecessor digest\.$" \
			"$T/out" || fail "predecessor digest not on the comparison line"
	fi
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

# run_example NAME DIR: the example scripts/NAME.yaml, approved with the key generation's
# digest (as $T/NAME.yaml), run with its answers on the media in DIR. It must close and its
# transcript verify; what it said is kept in $T/run.out.
run_example() {
	approve "$SRCDIR/scripts/$1.yaml" "$T/$1.yaml"
	expect 0 ceremony run "$T/$1.yaml" --media "$2" --answers "$SRCDIR/scripts/$1.answers" \
		--rehearsal
	cp "$T/out" "$T/run.out"
	grep -q "Ceremony $(sed -n 's/^id: //p' "$T/$1.yaml") closed" "$T/run.out" ||
		fail "$1 did not close"
	verified "$2/public"
}

# example NAME DIR: run_example on fresh media in DIR.
example() {
	media "$2"
	run_example "$1" "$2"
}

# issuing_ca DIR: the Issuing CA ceremony (scripts/smki-issuing-ca.yaml) run in DIR on a CSR
# made by openssl (its key in DIR/issuing.key); the certificate is DIR/public/issuing.pem.
issuing_ca() {
	media "$1"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1/issuing.key" \
		2>/dev/null
	openssl req -new -key "$1/issuing.key" -subj "/OU=07/CN=Z1" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1/inbox/issuing-csr.pem"
	run_example smki-issuing-ca "$1"
	ISSUING_KEY=$1/issuing.key
	ISSUING_CERT=$1/public/issuing.pem
}

# same_key CERT KEY: the certificate CERT is for the private key in KEY (PEM files).
same_key() {
	[ "$(openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" = \
		"$(openssl pkey -in "$2" -pubout -outform DER | sha256sum)" ] ||
		fail "$1 is not for the key in $2"
}

# recovery_cert CSR OUT: the SMKI Recovery certificate the Issuing CA issues for CSR, made by
# openssl (subjectKeyIdentifier by RFC 5280 method 2, as the smki profile requires).
recovery_cert() {
	openssl req -in "$1" -noout -pubkey >"$T/rec.pub"
	ski=$(openssl pkey -pubin -in "$T/rec.pub" -outform DER | tail -c 65 |
		openssl dgst -sha1 -binary | tail -c 8 | xxd -p)
	cat >"$T/rec.ext" <<EXT
keyUsage = critical, digitalSignature
certificatePolicies = critical, 1.2.826.0.1.8641679.1.2.1.4
subjectKeyIdentifier = 4${ski#?}
authorityKeyIdentifier = keyid:always
EXT
	openssl x509 -req -in "$1" -CA "$ISSUING_CERT" -CAkey "$ISSUING_KEY" \
		-set_serial 0x0102030405 -days 3650 -extfile "$T/rec.ext" -out "$2" 2>/dev/null ||
		fail "openssl could not issue the Recovery certificate"
}

# share_words FILE PASSPHRASE: WORDS, the words in a share file, opened by the independent reader
# (tests/cli/sharefile_open.py); the test is skipped without its tools.
share_words() {
	need argon2 python3
	python3 -c 'from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305' \
		2>/dev/null || { echo "no python3 cryptography"; exit 77; }
	WORDS=$(printf '%s' "$2" | python3 "$SRCDIR/tests/cli/sharefile_open.py" "$1" |
		sed -n 's/^mnemonic: //p')
	[ -n "$WORDS" ] || fail "the share file $1 does not open"
}

# typed ANSWERS ENTRY KEY FILE PASSPHRASE: in ANSWERS, entry ENTRY of collecting KEY brings the
# words of the share file FILE (opened with PASSPHRASE), typed; they are also in WORDS.
typed() {
	share_words "$4" "$5"
	answer "$1" "collect.$3.$2.source" words
	answer "$1" "collect.$3.$2.words" "$WORDS"
}

# answer FILE ID VALUE: sets the answer to prompt ID in FILE (replacing it, or adding it).
answer() {
	grep -v "^$2 = " "$1" >"$1.new" || true
	printf '%s = %s\n' "$2" "$3" >>"$1.new"
	mv "$1.new" "$1"
}
