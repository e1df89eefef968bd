"""Drives `ceremony run` through a pseudo-terminal (pexpect) as the people at a ceremony would,
with slips, and reads the screen as they see it (pyte, scrollback included).

Usage: tty_slips.py CEREMONY SCRIPT ANSWERS MEDIA_DIR

The rehearsal answers file answers every prompt the script asks, as in tests/cli/tty.bash; on top
of that these slips are made, and each must be retried (never an abort) and said as a try:
  - Cara answers `maybe`, then `no`, to "is your own medium inserted";
  - Cara's two passphrases differ once;
  - Cara's copy-back misses three times; she asks for the card again, first choosing to abort
    and declining when the administrator is asked to confirm, then a witness confirms;
  - Cody's copy-back misses once;
  - Cara types a wrong passphrase at the test reconstruction once;
  - Cody's passphrase is wrong at every try: Cruz's share is used instead (2 of 3);
  - Cody types Cara's bag number;
  - the certificate's QR codes are asked to play again once;
  - Cody's terminal is too small for his card's QR code: it is said, not silently dropped.
Whenever a custodian is addressed, no other custodian's words may be on the screen or in its
scrollback. Exits 0 when the ceremony closed; prints what failed otherwise.
"""
import re
import sys

import pexpect
import pyte

ROWS, COLS = 60, 120
DEBUG = bool(__import__("os").environ.get("TTY_DEBUG"))
ceremony, script, answers_path, media = sys.argv[1:5]
HOLDER = {"1": "cara", "2": "cody", "3": "cruz"}

answers = {}
for line in open(answers_path, encoding="utf-8"):
    m = re.match(r"^([a-z0-9.-]+) =(?: (.*))?$", line.rstrip("\n"))
    if m:
        answers[m.group(1)] = m.group(2) or ""

# The slips, by prompt id: the answers given before the right one, in order.
slips = {
    "share.root.1.medium": ["maybe", "no"],
    "share.root.1.passphrase-repeat": ["not the same passphrase"],
    "share.root.1.words": ["academic acid acne acquire"] * 3,
    "share.root.1.words-next": ["abort", "show-card"],
    "abort.split": ["no"],
    "share.root.1.witness": ["yes"],
    "share.root.2.words": ["academic acid acne acquire"],
    "test.root.1.passphrase": ["a wrong passphrase"],
    "test.root.2.passphrase": ["a wrong passphrase"] * 3,
    "test.root.2.next": ["other-share"],
    "output.root-cert.received": ["replay", "yes"],
    "seal.cody.bag": ["EX-501"],
}
asked = {}

screen = pyte.HistoryScreen(COLS, ROWS, history=5000)
stream = pyte.ByteStream(screen)
words = {}  # custodian -> the words of their card
errors = []


def text():
    """What a person can see: the scrollback above the screen, and the screen."""
    hist = ["".join(ch.data for ch in line.values()) for line in screen.history.top]
    return "\n".join(hist + screen.display)


def feed(data):
    if data:
        stream.feed(data if isinstance(data, bytes) else data.encode())


def check_private(who, where):
    """No other custodian's words on the screen or in its scrollback while who is addressed."""
    seen = " ".join(text().split())
    for other, ws in words.items():
        if other == who:
            continue
        # The first words of every share of a set are alike (identifier, thresholds): any three
        # words in a row from the fifth on are that custodian's alone.
        for i in range(4, len(ws) - 2):
            if " ".join(ws[i:i + 3]) in seen:
                errors.append(f"{other}'s words are visible when {who} is addressed at {where}")
                return
    if re.search(r"(?m)^\s*\d+\. [a-z]+ ", text()) and not where.endswith(".card"):
        errors.append(f"a share card is visible when {who} is addressed at {where}")


def owner(pid):
    m = re.match(r"^(?:share|test)\.root\.(\d)\.", pid)
    if m:
        return HOLDER[m.group(1)]
    m = re.match(r"^seal\.([a-z]+)\.bag$", pid)
    return m.group(1) if m else None


def answer(pid):
    queue = slips.get(pid)
    n = asked.get(pid, 0)
    asked[pid] = n + 1
    if queue and n < len(queue):
        return queue[n]
    if pid.endswith(".words"):
        return " ".join(words.get(owner(pid), ["(no card seen)"]))
    if pid.startswith("test.") and pid not in answers:
        # A share the test did not plan on: its holder types the passphrase they chose.
        pid = pid.replace("test.", "share.", 1)
    if pid not in answers:
        errors.append(f"no answer for {pid}")
        return ""
    return answers[pid]


env = {"TERM": "xterm", "NO_COLOR": "1", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
child = pexpect.spawn(ceremony, ["run", script, "--media", media, "--rehearsal"], env=env,
                      dimensions=(ROWS, COLS), timeout=120)
card_for = None
tries_said = qr_screens = 0
while True:
    i = child.expect([rb"\[([a-z0-9.-]+)\] $", rb"Press Enter when you have finished[^\n]*",
                      pexpect.EOF])
    feed(child.before)
    feed(child.after if i != 2 else b"")
    if i == 2:
        break
    if i == 1:
        shown = text()
        if "the QR code of your share" in shown:
            qr_screens += 1
            if not re.search(r"[\u2580\u2584\u2588]", shown):
                errors.append("the QR screen shows no QR code")
        else:
            who = re.search(r"([A-Z][a-z]+) [A-Z][a-z]+: your share (\d)", shown)
            ws = [w for _, w in sorted((int(n), w) for n, w in
                                       re.findall(r"(\d+)\. ([a-z]+)", "\n".join(screen.display)))]
            if not who or not ws:
                errors.append("a share card without its holder or words")
            else:
                card_for = HOLDER[who.group(2)]
                check_private(card_for, "share.root.%s.card" % who.group(2))
                words[card_for] = ws
        child.send("\r")
        continue
    pid = child.match.group(1).decode()
    if sum(asked.values()) > 200:
        errors.append(f"still asking at {pid} after 200 answers")
        child.terminate(force=True)
        break
    if DEBUG:
        print("prompt", pid, file=sys.stderr, flush=True)
    who = owner(pid)
    if who:
        check_private(who, pid)
    # The question, wrapped or not, ends in its try (a slip's message ends in a full stop).
    cy = screen.cursor.y
    if re.search(r"\(try [23] of 3\)[:?]", "".join(screen.display[max(0, cy - 3):cy + 1])):
        tries_said += 1
    # Cody's card comes on a terminal too small for its QR code.
    if pid == "share.root.2.passphrase-repeat":
        child.setwinsize(24, COLS)
        screen.resize(24, COLS)
    if pid == "share.root.2.words" and pid not in asked:
        if "No QR code on this card" not in text():
            errors.append("a QR code too big for the terminal is not said:\n" + text())
        child.setwinsize(ROWS, COLS)
        screen.resize(ROWS, COLS)
    child.send(answer(pid) + "\r")

child.close()
for pid, queue in slips.items():
    if asked.get(pid, 0) < len(queue):
        errors.append(f"slip at {pid} not reached ({asked.get(pid, 0)} of {len(queue)})")
if tries_said != 9:
    errors.append(f"{tries_said} retries said which try they were, not 9")
if qr_screens != 3:
    errors.append(f"{qr_screens} QR screens, not 3 (Cara's twice, Cruz's)")
if "test.root.3.passphrase" not in asked:
    errors.append("Cruz's share was not used instead of Cody's")
if child.exitstatus != 0:
    errors.append(f"exit {child.exitstatus}; last screen:\n" + "\n".join(screen.display))
for e in errors:
    print("FAIL:", e)
print(f"answered {sum(asked.values())} prompts, {tries_said} tries announced, "
      f"{len(words)} cards copied")
sys.exit(1 if errors else 0)
