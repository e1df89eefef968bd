/*
 * The prompt layer: the one module of the engine that talks to people. Every question has a
 * stable id (docs/answers.md); answers come from the terminal or from an answers file.
 *
 * Contract:
 * - One prompt context at a time per process. While it is open, SIGINT, SIGTERM, SIGHUP and
 *   SIGQUIT do not kill the process: they set a flag, and a prompt waiting for input returns
 *   PROMPT_E_INTERRUPTED at once (the terminal restored). The engine polls prompt_interrupted()
 *   between steps and runs its abort path. prompt_close() restores the previous handlers.
 * - Terminal mode: input must be a terminal. Secrets are read with echo off (termios), straight
 *   into sodium_malloc memory; pending typeahead is discarded first. Colour only when the output
 *   is a terminal, TERM is not "dumb" and NO_COLOR is unset; plain ASCII otherwise.
 * - Answers mode: each prompt is answered from the answers file by id and echoed as
 *   "[answers] id = value", or "[answers] id" for a secret; a missing answer is PROMPT_E_MISSING
 *   (nothing is guessed), an answer that fails validation is PROMPT_E_INVALID.
 * - Secrets returned to the caller are sodium_malloc'ed, NUL-terminated, owned by the caller:
 *   release them with prompt_secret_free(). No secret is ever printed, except by
 *   prompt_show_secret() on a terminal.
 */
#ifndef CEREMONY_PROMPT_H
#define CEREMONY_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "ceremony/people/answers.h"
#include "media/error.h"
#include "ceremony/script/script.h"

enum prompt_err {
	PROMPT_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	PROMPT_OK = 0,
	PROMPT_E_INTERRUPTED, /* a signal (Ctrl-C) arrived: abort the ceremony */
	PROMPT_E_MISSING,     /* answers mode: no answer for this prompt id */
	PROMPT_E_INVALID,     /* answers mode: the answer was refused (see prompt_reason) */
	PROMPT_E_EOF,	      /* terminal mode: end of input */
	PROMPT_E_IO,	      /* a read or write failed, or the input is not a terminal */
	PROMPT_E_NOMEM,
};

const char *prompt_strerror(enum prompt_err err);

/* Flags for prompt_open_*. */
#define PROMPT_REHEARSAL 1u /* answers mode honours ANSWERS_SHOWN ("@shown") */
#define PROMPT_NO_COLOUR 2u

/* Flags for prompt_text and prompt_secret. */
#define PROMPT_EMPTY_OK 1u /* an empty answer is accepted */
#define PROMPT_ECHO	2u /* secret: echo while typing (words copied from the screen) */

#define PROMPT_TEXT_MAX	  256  /* text answers, bytes */
#define PROMPT_SECRET_MAX 1024 /* secret answers, bytes */

struct prompt;

/* Terminal mode on in_fd (must be a tty) and out_fd. Returns PROMPT_OK, PROMPT_E_IO or
 * PROMPT_E_NOMEM; *out is NULL on failure. */
enum prompt_err prompt_open_tty(struct prompt **out, int in_fd, int out_fd, unsigned flags);

/* Answers mode: answers (not owned, must outlive the context) answer by id; out_fd shows what
 * happens. */
enum prompt_err prompt_open_answers(struct prompt **out, struct answers *answers, int out_fd,
				    unsigned flags);

/* Restores signal handlers; NULL allowed. */
void prompt_close(struct prompt *p);

/* True once a signal has arrived (until prompt_clear_interrupt). Async-signal-safe to read. */
bool prompt_interrupted(void);
void prompt_clear_interrupt(void);

/* True in answers mode. */
bool prompt_from_answers(const struct prompt *p);

/* Checks an answer: NULL when acceptable, else a short reason (shown, and on a terminal the
 * question is asked again). Never echo the value in the reason. */
typedef const char *(*prompt_check_fn)(const char *value, size_t len, void *ctx);

/* "yes" or "no". */
enum prompt_err prompt_confirm(struct prompt *p, const char *id, const char *question, bool *yes);

/* One line of printable UTF-8, at most outlen - 1 and PROMPT_TEXT_MAX bytes, into out. check
 * may be NULL. */
enum prompt_err prompt_text(struct prompt *p, const char *id, const char *question, unsigned flags,
			    prompt_check_fn check, void *ctx, char *out, size_t outlen);

/* A secret line (at most PROMPT_SECRET_MAX bytes) into a new sodium_malloc buffer *out of
 * *len + 1 bytes. shown is what the program displayed for the person to copy back, or NULL: a
 * rehearsal answers file may answer ANSWERS_SHOWN to mean exactly that. On failure *out is
 * NULL. */
enum prompt_err prompt_secret(struct prompt *p, const char *id, const char *question,
			      unsigned flags, prompt_check_fn check, void *ctx, const char *shown,
			      unsigned char **out, size_t *len);

/* Wipes and frees a secret from prompt_secret; NULL allowed. */
void prompt_secret_free(unsigned char *secret, size_t len);

/* One of choices[0..n): answered by name, or on a terminal by its number. */
enum prompt_err prompt_choice(struct prompt *p, const char *id, const char *question,
			      const char *const *choices, size_t n, size_t *index);

/* Called at a terminal each time an answer is refused and the question asked again: its id and
 * the reason shown (never the value). */
typedef void (*prompt_refused_fn)(void *ctx, const char *id, const char *why);
void prompt_on_refusal(struct prompt *p, prompt_refused_fn fn, void *ctx);

/* Why the last answer was refused (for PROMPT_E_INVALID), or "". */
const char *prompt_reason(const struct prompt *p);

/* ---- output: everything shown to people goes through these ------------------------------ */

enum prompt_style {
	PROMPT_PLAIN,
	PROMPT_HEADING, /* a step or phase title */
	PROMPT_GOOD,	/* a check passed, GO */
	PROMPT_WARN,	/* rehearsal markers, exceptions */
	PROMPT_BAD,	/* a check failed, NO-GO, abort */
};

/* One line (a newline is added). */
void prompt_say(struct prompt *p, enum prompt_style style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Text shown as is (QR codes rendered as text, fingerprints, the printed step). */
void prompt_block(struct prompt *p, const char *text);

/* Secret text for one person's eyes (share words, a share's QR). Terminal: shown under title
 * until Enter is pressed, then the screen and its scrollback are cleared. Answers mode: not
 * shown at all; "[answers] id (shown on the terminal only)" is printed instead. */
struct media_qr_anim;
/* Plays an animated multi-part QR code (media/qr_out.h) where people look, with caption under
 * each frame: max_frames frames, period_ms apart, then asks at id "Was it received?
 * (yes/replay)" and plays it again until the answer is yes. Only public payloads are animated
 * (a share's QR code is shown by prompt_show_secret). *played is what media_qr_play returned
 * (the prompt result is PROMPT_OK when playing failed). */
enum prompt_err prompt_qr_play(struct prompt *p, const char *id, struct media_qr_anim *anim,
			       const char *caption, unsigned period_ms, size_t max_frames,
			       enum media_err *played);

/* Terminal: clears the screen and its scrollback (ESC[3J, where the terminal honours it), so
 * that nothing one person typed or was shown is left for the next. Answers mode: nothing. */
void prompt_clear(struct prompt *p);

/* Terminal: its size in rows and columns; false when unknown (answers mode, not a tty). */
bool prompt_screen(const struct prompt *p, unsigned *rows, unsigned *cols);

enum prompt_err prompt_show_secret(struct prompt *p, const char *id, const char *title,
				   const char *text);

/* Progress of a slow step: updates one line on a terminal; elsewhere a line at the end only. */
void prompt_progress(struct prompt *p, const char *what, unsigned done, unsigned total);

/* ---- prompt ids (docs/answers.md) --------------------------------------------------------- */

/* printf-style formats; arguments are script ids, share numbers (from 1) and field names. */
#define PROMPT_ID_ATTENDANCE  "attendance.%s"	      /* participant: identity checked */
#define PROMPT_ID_GO_CLOCK    "go.clock"	      /* a witness: UTC time correct */
#define PROMPT_ID_GO_IMAGE    "go.image"	      /* image hash matches the published one */
#define PROMPT_ID_GO_SCRIPT   "go.script"	      /* script hash matches the approved one */
#define PROMPT_ID_GO_MEDIA    "go.media"	      /* media inventory correct */
#define PROMPT_ID_GO_OVERRIDE "go.override.%s"	      /* preflight check id (rehearsal only) */
#define PROMPT_ID_GO_DECISION "go.decision"	      /* the administrator declares GO */
#define PROMPT_ID_ENTROPY     "entropy.%s.dice"	      /* participant: dice rolls, "" = none */
#define PROMPT_ID_ACK	      "ack.%s.%s"	      /* step, participant */
#define PROMPT_ID_SHARE	      "share.%s.%u.%s"	      /* key, share, SHARE_FIELD_* */
#define PROMPT_ID_TEST	      "test.%s.%u.passphrase" /* key, share (test reconstruction) */
#define PROMPT_ID_TEST_NEXT   "test.%s.%u.next"	      /* choice after the last try (terminal) */
#define PROMPT_ID_SEAL_BAG    "seal.%s.bag"	      /* custodian: tamper-evident bag number */
#define PROMPT_ID_SEAL_CHECK  "seal.check"	      /* a witness: the bags match the list */
#define PROMPT_ID_SEAL_NEXT   "seal.%s.next"	      /* choice after the last try (terminal) */
#define PROMPT_ID_SEAL_CHECK_NEXT "seal.check-next"   /* choice after the last try (terminal) */
#define PROMPT_ID_COLLECT     "collect.%s.%u.%s"      /* key, entry, COLLECT_FIELD_* */
#define PROMPT_ID_COLLECT_NEXT "collect.%s.next"      /* choice after many refusals (terminal) */
#define PROMPT_ID_INPUT	      "input.%s.%s"	      /* input, INPUT_FIELD_* */
#define PROMPT_ID_CLOSE	      "close.%s"	      /* participant: final digest copied */
#define PROMPT_ID_RECEIVED    "output.%s.received"    /* terminal only: QR codes received */
#define PROMPT_ID_ABORT	      "abort.%s"	      /* step: the administrator confirms */

#define SHARE_FIELD_MEDIUM	      "medium"		  /* confirm: medium inserted */
#define SHARE_FIELD_PASSPHRASE	      "passphrase"	  /* secret */
#define SHARE_FIELD_PASSPHRASE_REPEAT "passphrase-repeat" /* secret, must match */
#define SHARE_FIELD_WORDS	      "words"		  /* secret, echoed: copy-back check */
#define SHARE_FIELD_MEDIUM_NEXT	      "medium-next"	  /* choice after the last try (terminal) */
#define SHARE_FIELD_PASSPHRASE_NEXT   "passphrase-next"	  /* choice after the last try (terminal) */
#define SHARE_FIELD_WORDS_NEXT	      "words-next"	  /* choice after the last try (terminal) */
#define SHARE_FIELD_WITNESS	      "witness"		  /* confirm: the card may be shown again */
#define SHARE_FIELD_RETRY	      "retry" /* confirm: after a failed write, a fresh medium (conditional) \
					       */
#define SHARE_FIELD_CARD	 "card"	       /* shown: the words and QR (not answered) */
#define COLLECT_FIELD_CUSTODIAN	 "custodian"   /* choice: participant id */
#define COLLECT_FIELD_SOURCE	 "source"      /* choice: medium, words, qr */
#define COLLECT_FIELD_PASSPHRASE "passphrase"  /* secret */
#define COLLECT_FIELD_WORDS	 "words"       /* secret */
#define COLLECT_FIELD_QR	 "qr"	       /* choice: camera, an input medium */
#define INPUT_FIELD_SOURCE	 "source"      /* choice: medium, qr */
#define INPUT_FIELD_FINGERPRINT	 "fingerprint" /* confirm: read aloud, matches */
#define INPUT_FIELD_DIGEST	 "digest"      /* text: 64 hex digits */
#define INPUT_FIELD_QR		 "qr"	       /* choice: camera, an input medium */

/* Formats an id and checks it is well formed (answers_valid_id). Returns 0, or -1 when it does
 * not fit or is malformed. */
int prompt_id(char *out, size_t outlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

enum prompt_kind { PROMPT_KIND_CONFIRM, PROMPT_KIND_TEXT, PROMPT_KIND_SECRET, PROMPT_KIND_CHOICE };

const char *prompt_kind_name(enum prompt_kind kind);

/* Called once per prompt a run of the plan asks unconditionally, in order: its id, its kind and
 * its step (NULL for none). Returning non-zero stops the walk and is returned. */
typedef int (*prompt_plan_fn)(void *ctx, const char *id, enum prompt_kind kind,
			      const struct script_step *step);

/* Walks the prompts of a plan (key-generation steps in full; for collect-shares only the
 * first quorum's entries; each input's questions at the first step that reads it). Conditional
 * prompts (go.override.*, share.*.retry, collect.*.passphrase/words/qr, input.*.qr after a
 * source choice) are not listed. Returns 0, -1
 * when an id does not fit, or the callback's non-zero value. */
int prompt_plan_ids(const struct script_plan *plan, prompt_plan_fn fn, void *ctx);

#endif
