# Reshare (scripts/smki-reshare.yaml) on the outputs of the key generation example: the Recovery
# key moves from 2 of (dave, frank, heidi) to 3 of (carol, erin, grace, heidi) and stays the same
# key. A later ceremony, which names both earlier transcripts, rebuilds it from the new set and
# refuses a share of the old one, whether typed from its card or found on a medium.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/keyuse.bash"
keygen

M=$T/m
example smki-reshare "$M"
tr=$M/public/transcript.jsonl
old=$(grep '"share-written"' "$KEYGEN/public/transcript.jsonl" | grep '"key":"recovery"' |
	head -n 1 | sed 's/.*"identifier":\([0-9]*\).*/\1/')
grep '"event":"shares-superseded"' "$tr" | grep -q "\"identifier\":$old," ||
	fail "the old set $old is not recorded as superseded"
new=$(grep '"share-written"' "$tr" | head -n 1 | sed 's/.*"identifier":\([0-9]*\).*/\1/')
[ "$new" != "$old" ] || fail "the new set has the old identifier"
grep '"event":"shares-superseded"' "$tr" | grep -q "\"replaced_by\":$new," ||
	fail "the superseding set is not named"
spki=$(grep '"key-generated"' "$KEYGEN/public/transcript.jsonl" | grep '"key":"recovery"' |
	sed 's/.*"spki_sha256":"\([0-9a-f]*\)".*/\1/')
for ev in key-reconstructed reconstruction-tested; do
	grep "\"event\":\"$ev\"" "$tr" | grep -q "\"spki_sha256\":\"$spki\"" ||
		fail "$ev: not the generated Recovery key"
done
for c in carol erin grace heidi; do
	ls "$M/$c"/recovery-*.share | xargs -n 1 basename | grep -q "^recovery-$(printf %04x "$new")-" ||
		fail "$c has no share of the new set"
	(cd "$M/$c" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS of $c"
done
reshare_digest=$(tail -n 1 "$tr" | sed 's/.*"final":"\([0-9a-f]*\)".*/\1/')

# A later ceremony: the Recovery key from the new set, by the transcripts of both ceremonies.
cat >"$T/later.yaml" <<YAML
version: 1
id: smki-recovery-check-2027
title: Recovery key rebuilt from its new custodians
profile: smki
participants:
  - {id: alice, name: Alice Ashworth, role: administrator}
  - {id: walter, name: Walter Whitcombe, role: witness}
  - {id: carol, name: Carol Castleton, role: custodian}
  - {id: erin, name: Erin Elsworth, role: custodian}
  - {id: grace, name: Grace Greenhalgh, role: custodian}
  - {id: heidi, name: Heidi Hartley, role: custodian}
custodian-sets:
  - {id: recovery-custodians-2026, threshold: 3, members: [carol, erin, grace, heidi]}
inputs:
  - {id: keygen, type: transcript-digest, ceremony: smki-keygen-2025, medium: inbox,
     file: keygen-transcript.jsonl, digest: $KEYGEN_DIGEST}
  - {id: reshare, type: transcript-digest, ceremony: smki-reshare-2026, medium: inbox,
     file: reshare-transcript.jsonl, digest: $reshare_digest}
  - {id: recovery-shares, type: shares, ceremony: smki-reshare-2026}
keys:
  - {id: recovery, kind: recovery, algorithm: ec-p256, origin: shares, input: recovery-shares,
     custodians: recovery-custodians-2026}
outputs:
  - {id: transcript, type: transcript, medium: public, file: transcript.jsonl}
media:
  - {id: public, kind: public}
  - {id: inbox, kind: input}
  - {id: carol, kind: custodian, holder: carol}
  - {id: erin, kind: custodian, holder: erin}
  - {id: grace, kind: custodian, holder: grace}
  - {id: heidi, kind: custodian, holder: heidi}
steps:
  - {id: attendance, title: Attendance, actor: administrator, action: attendance}
  - {id: go, title: Go, actor: administrator, action: go-no-go}
  - {id: collect, title: Rebuild Recovery, actor: custodian, action: collect-shares,
     key: recovery}
  - {id: fingerprints, title: Fingerprint, actor: witness, action: show-fingerprints,
     key: recovery}
  - {id: close, title: Close, actor: witness, action: close}
YAML
cat >"$T/later.answers" <<ANS
version = 1
attendance.alice = yes
attendance.walter = yes
attendance.carol = yes
attendance.erin = yes
attendance.grace = yes
attendance.heidi = yes
go.override.air-gap.interfaces = yes
go.override.air-gap.pci = yes
go.override.air-gap.radio = yes
go.override.air-gap.usb = yes
go.override.image = yes
go.clock = yes
go.image = yes
go.script = yes
go.media = yes
go.decision = yes
collect.recovery.1.custodian = heidi
collect.recovery.1.source = medium
collect.recovery.1.passphrase = heidi reshare 2026 passphrase for recovery share 4
collect.recovery.2.custodian = erin
collect.recovery.2.source = medium
collect.recovery.2.passphrase = erin reshare 2026 passphrase for recovery share 2
collect.recovery.3.custodian = grace
collect.recovery.3.source = medium
collect.recovery.3.passphrase = grace reshare 2026 passphrase for recovery share 3
ack.fingerprints.walter = yes
close.walter = yes
ANS
later() {
	rm -rf "$T/l"
	mkdir -p "$T/l/public" "$T/l/inbox"
	for c in carol erin grace heidi; do cp -r "$M/$c" "$T/l/$c"; done
	cp "$KEYGEN/public/transcript.jsonl" "$T/l/inbox/keygen-transcript.jsonl"
	cp "$tr" "$T/l/inbox/reshare-transcript.jsonl"
}
later
expect 0 ceremony run "$T/later.yaml" --media "$T/l" --answers "$T/later.answers" --rehearsal
grep -q "'recovery' rebuilt from 3 shares" "$T/out" || fail "not rebuilt from the new set"
verified "$T/l/public"
grep -q "\"predecessor\":\"$KEYGEN_DIGEST\"" "$T/l/public/transcript.jsonl" ||
	fail "record 0 does not name the first predecessor"
grep '"input-imported"' "$T/l/public/transcript.jsonl" | grep -q "\"final_digest\":\"$reshare_digest\"" ||
	fail "the reshare transcript is not named"

# Heidi's old share, typed from her old card: superseded.
later
cp "$T/later.answers" "$T/old.answers"
typed "$T/old.answers" 1 recovery "$KEYGEN"/heidi/recovery-*.share \
	"heidi rehearsal passphrase for recovery share 3"
expect 1 ceremony run "$T/later.yaml" --media "$T/l" --answers "$T/old.answers" --rehearsal
aborted "$T/l/public" "which a reshare in ceremony smki-reshare-2026 superseded"

# Her medium with only the old share on it: the same.
later
rm "$T/l/heidi/recovery-$(printf %04x "$new")-4.share"
grep -v "recovery-$(printf %04x "$new")-4.share" "$T/l/heidi/SHA256SUMS" >"$T/sums"
cp "$T/sums" "$T/l/heidi/SHA256SUMS"
cp "$T/later.answers" "$T/old.answers"
answer "$T/old.answers" collect.recovery.1.passphrase "heidi rehearsal passphrase for recovery share 3"
expect 1 ceremony run "$T/later.yaml" --media "$T/l" --answers "$T/old.answers" --rehearsal
aborted "$T/l/public" "which a reshare in ceremony smki-reshare-2026 superseded"
