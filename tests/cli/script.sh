# ceremony script check|print|prompts: the example and the good vectors are valid, every bad
# vector is refused with exit 1 and FILE:LINE: reason (each bad file says which in its first
# line), the printed script fits 80 columns, and the rehearsal answers cover every prompt.
. "$SRCDIR/tests/cli/lib.sh"
need sha256sum
V="$SRCDIR/tests/vectors/scripts"
EX="$SRCDIR/scripts/smki-keygen.yaml"
ANS="$SRCDIR/scripts/smki-keygen.answers"

# --- valid scripts; the SHA-256 agrees with coreutils ---
expect 0 ceremony script check "$EX"
sum=$(sha256sum "$EX" | cut -d' ' -f1)
grep -q "valid script 'smki-keygen-2025', 21 steps, SHA-256 $sum\$" "$T/out" || fail "check line"
for f in "$V"/good/*.yaml; do
	# A placeholder digest (all zero) is refused outside a rehearsal, and flagged in one.
	if grep -q '0\{64\}' "$f"; then
		expect_err 1 "$f:[0-9]*: input '.*': its .* is a placeholder" ceremony script check "$f"
		expect 0 ceremony script check "$f" --rehearsal
		grep -q "^$f:[0-9]*: WARNING: input '.*': its .* is a PLACEHOLDER" "$T/out" ||
			fail "$f: placeholder not flagged in a rehearsal check"
		grep -q "valid rehearsal script" "$T/out" || fail "$f: rehearsal check line"
		continue
	fi
	expect 0 ceremony script check "$f"
done

# A digest as the screen and the paper print it (groups of four, either case) is the same
# digest as the 64 digits together: the plan, hence a run, cannot tell them apart.
I=$SRCDIR/scripts/smki-issuing-ca.yaml
d=2192d2ef26c8230effa074536df36ff3e86cfe418cb49e7d7162cd80e9f43cf9
g=$(echo "$d" | tr a-f A-F | sed 's/..../& /g; s/ $//')
sed "s/^\(  *digest:\) 0*$/\1 $d/" "$I" >"$T/flat.yaml"
sed "s/^\(  *digest:\) 0*$/\1 $g/" "$I" >"$T/grouped.yaml"
grep -q "digest: 2192 D2EF" "$T/grouped.yaml" || fail "no grouped digest written"
expect 0 ceremony script check "$T/grouped.yaml"
grep -q "PLACEHOLDER" "$T/out" && fail "an approved digest flagged"
expect 0 ceremony script print "$T/grouped.yaml"
grep -q "2192 D2EF 26C8 230E" "$T/out" || fail "the grouped digest is not printed"
# A key-use script's paper: the predecessor's digest compared, each input's fingerprint boxed
# once (the Root certificate is read by two steps, once), the issued certificate boxed.
grep -q "^     Final digest of the earlier ceremony smki-keygen-2025 (input 'keygen')" \
	"$T/out" || fail "no box for the predecessor's digest"
[ "$(grep -c "^     Fingerprint of the certificate of input 'root-cert'" "$T/out")" = 1 ] ||
	fail "the Root certificate's box is not there exactly once"
grep -q "^     Fingerprint of the csr of input 'issuing-csr'" "$T/out" || fail "no CSR box"
grep -q "^     Certificate of 'issuing' (SHA-256 of its DER)" "$T/out" || fail "no cert box"
sed "s/^\(  *digest:\) 0*$/\1 $(echo "$g" | sed 's/ /  /')/" "$I" >"$T/badgroup.yaml"
expect_err 1 "badgroup.yaml:[0-9]*: 'digest' must be 64 hex digits" \
	ceremony script check "$T/badgroup.yaml"

# --- usage and operational errors are exit 2 ---
expect 2 ceremony script
expect 2 ceremony script check
expect 2 ceremony script frobnicate "$EX"
expect 2 ceremony script check "$EX" extra
expect 2 ceremony script check "$EX" --rehearsal --rehearsal
expect_err 2 "cannot read the script" ceremony script check "$T/absent.yaml"
expect_err 2 "cannot read the script" ceremony script check "$V"
expect 0 ceremony script --help

# --- every bad vector: exit 1, one line, at the line and with the reason it declares ---
n=0
for f in "$V"/bad/*.yaml; do
	exp=$(head -n 1 "$f" | sed 's/^# expect: //')
	line=${exp%%:*} pat=${exp#*: }
	expect_err 1 "$f:$line: " ceremony script check "$f"
	grep -qF -- "$pat" "$T/err" || { cat "$T/err"; fail "$f: stderr lacks '$pat'"; }
	n=$((n + 1))
done
[ "$n" -ge 40 ] || fail "only $n bad vectors"

# --- size limit: 256 KiB exactly is accepted, one byte more is refused, naming a line ---
pad() { # pad FILE SIZE: append comment lines to FILE until it is SIZE bytes
	have=$(wc -c <"$1")
	while [ $((have + 80)) -le "$2" ]; do
		printf '#%78s\n' '' >>"$1"
		have=$((have + 80))
	done
	head -c $(($2 - have - 1)) /dev/zero | tr '\0' '#' >>"$1"
	printf '\n' >>"$1"
}
cp "$EX" "$T/limit.yaml"
pad "$T/limit.yaml" 262144
[ "$(wc -c <"$T/limit.yaml")" = 262144 ] || fail "pad"
expect 0 ceremony script check "$T/limit.yaml"
cp "$EX" "$T/big.yaml"
pad "$T/big.yaml" 262145
expect_err 1 "big.yaml:[0-9]*: the script is larger than 262144 bytes" \
	ceremony script check "$T/big.yaml"

# --- print: 80 columns, printable ASCII for this script, the hash, one card per share ---
expect 0 ceremony script print "$EX"
cp "$T/out" "$T/printed"
[ "$(wc -L <"$T/printed")" -le 80 ] || fail "printed script wider than 80 columns"
! LC_ALL=C grep -q '[^ -~]' "$T/printed" || fail "printed script has non-ASCII bytes"
grouped=$(echo "$sum" | cut -c1-32 | tr a-f A-F | sed 's/..../& /g; s/ $//')
grep -qF "    $grouped" "$T/printed" || fail "printed script lacks the SHA-256 ($grouped)"
[ "$(grep -c '^SHARE CARD   ceremony smki-keygen-2025$' "$T/printed")" = 14 ] ||
	fail "expected 14 share cards (5 root, 3 contingency, 3 symmetric, 3 recovery)"
# 33 words for the P-256 keys' 256-bit secrets, 20 for the AES-128 Symmetric Key.
[ "$(grep -c 'The 33 words' "$T/printed")" = 11 ] || fail "33-word cards"
[ "$(grep -c 'The 20 words' "$T/printed")" = 3 ] || fail "20-word cards"
[ "$(grep -c '^  33 _' "$T/printed")" = 11 ] || fail "33 numbered word lines"
grep -q '^  Tamper-evident bag number: _' "$T/printed" || fail "bag number line"
grep -q '^ 21  Close the ceremony' "$T/printed" || fail "numbered steps"
# A box, with the value's length and grouping, for every value the screen asks people to write
# down: the transcript key, the entropy commitment, four key fingerprints (the Symmetric Key's
# a check value), the Root certificate, the Recovery CSR (its DER) and the final digest.
[ "$(grep -c '^     64 hex digits, 16 groups of 4, two lines of 8' "$T/printed")" = 9 ] ||
	fail "expected 9 boxes"
[ "$(grep -c '^     |  ____   ____   ____   ____   ____   ____   ____   ____  |$' \
	"$T/printed")" = 18 ] || fail "expected two lines of eight groups per box"
for l in "Transcript key: the Ed25519 public key that signs the transcript" "Entropy commitment" \
	"Check value of 'contingency-symmetric'" "Public key fingerprint of 'root'" \
	"Certificate of 'root' (SHA-256 of its DER)" "CSR of 'recovery' (SHA-256 of its DER" \
	"Final digest: shown at the close"; do
	grep -qF "     $l" "$T/printed" || fail "no box for: $l"
done
# A bag number per custodian (medium and cards), for the witness who checks them against the
# recorded ones: six custodians hold the 14 shares.
[ "$(grep -c ' bag ____________$' "$T/printed")" = 6 ] || fail "expected 6 bag numbers"
grep -q "^  Carol Castleton (carol), medium 'carol'" "$T/printed" || fail "bag names the custodian"
grep -q '^  root 1 of 5, contingency 1 of 3  *bag _' "$T/printed" ||
	fail "bag line lists the custodian's shares"
# Word lines (the PGP words of the hash) break between words.
sed -n '/^Script SHA-256/,/^Date/p' "$T/printed" | grep -v '^Script\|^Date\|^$' |
	tr ' ' '\n' | grep -v '^$' | sed -n '17,$p' >"$T/words"
[ "$(wc -l <"$T/words")" = 32 ] || fail "the script hash's 32 words are not whole words"
# The same as PostScript for A4: DSC comments whose page count is the pages drawn, every text
# line once, in order, as a PostScript string (parentheses and backslashes escaped), and a page
# of its own for each share card.
expect 0 ceremony script print "$EX" --ps
ps=$T/printed.ps
cp "$T/out" "$ps"
[ "$(head -n 1 "$ps")" = "%!PS-Adobe-3.0" ] || fail "not PostScript"
pages=$(grep -c '^%%Page: ' "$ps")
grep -qx "%%Pages: $pages" "$ps" || fail "%%Pages is not the number of pages"
[ "$(grep -c '^showpage$' "$ps")" = "$pages" ] || fail "a page is not shown"
[ "$(tail -n 1 "$ps")" = "%%EOF" ] || fail "no %%EOF"
sed -n 's/^(\(.*\)) L$/\1/p' "$ps" | sed 's/\\\([()\\]\)/\1/g' >"$T/ps.txt"
cmp -s "$T/ps.txt" "$T/printed" || { diff "$T/printed" "$T/ps.txt" | head; fail "PostScript text"; }
[ "$(grep -A2 '^%%Page: ' "$ps" | grep -c '^(- - - .* cut here')" = 14 ] ||
	fail "share cards do not start pages"
expect 2 ceremony script print "$EX" --pdf
for f in "$V"/good/*.yaml; do
	expect 0 ceremony script print "$f"
	[ "$(wc -L <"$T/out")" -le 80 ] || fail "$f: printed wider than 80 columns"
done
expect_err 1 "unknown key 'colour'" ceremony script print "$V/bad/unknown-key.yaml"

# --- prompts and answers ---
expect 0 ceremony script prompts "$EX"
[ "$(wc -l <"$T/out")" = 98 ] || fail "98 prompts expected"
head -n 1 "$T/out" | grep -qx 'attendance.alice confirm attendance' || fail "first prompt"
grep -qx 'share.root.3.passphrase secret split-root' "$T/out" || fail "share prompt"
grep -qx 'seal.heidi.bag text test-recovery' "$T/out" || fail "bag prompt"
expect 0 ceremony script check "$EX" --answers "$ANS"
grep -q 'answers all 98 prompts' "$T/out" || fail "answers coverage"
grep -v '^share.root.3.words = ' "$ANS" >"$T/short.answers"
expect_err 1 "no answer for prompt 'share.root.3.words' (1 of 98 prompts unanswered)" \
	ceremony script check "$EX" --answers "$T/short.answers"
sed 's/^ceremony = .*/ceremony = other-ceremony/' "$ANS" >"$T/other.answers"
expect_err 1 "answers are for ceremony 'other-ceremony'" \
	ceremony script check "$EX" --answers "$T/other.answers"
{ cat "$ANS"; echo 'go.clock = no'; } >"$T/dup.answers"
line=$(wc -l <"$T/dup.answers")
expect_err 1 "dup.answers:$line: 'go.clock' is answered twice" \
	ceremony script check "$EX" --answers "$T/dup.answers"
# Secrets never appear in an error: a bad line after a passphrase names only the id.
printf 'version = 1\nshare.root.1.passphrase =  secret with a leading space\n' >"$T/sp.answers"
expect_err 1 "sp.answers:2: the answer to 'share.root.1.passphrase' starts or ends" \
	ceremony script check "$EX" --answers "$T/sp.answers"
! grep -q 'secret with' "$T/err" || fail "a value leaked into an error"
expect_err 2 "cannot read the answers file" \
	ceremony script check "$EX" --answers "$T/absent.answers"
