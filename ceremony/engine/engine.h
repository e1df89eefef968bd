/*
 * The ceremony engine: runs a validated plan (ceremony/script/script.h) step by step, talking to
 * people through the people layer (ceremony/people/prompt.h) and recording every step in the
 * transcript. It prints nothing itself: what it cannot say to people, because it could not start,
 * it gives its caller (struct engine_error).
 *
 * A run either ends with a closing record (ENGINE_DONE), or with an abort record and every
 * secret wiped (ENGINE_NOGO, ENGINE_FAILED, ENGINE_ABORTED), or, when it could not even start a
 * transcript, with nothing written (ENGINE_ERROR). Artifacts already written stay intact; no
 * half-written file looks complete (media/atomic.h).
 */
#ifndef CEREMONY_ENGINE_H
#define CEREMONY_ENGINE_H

#include <stdint.h>

enum engine_result {
	ENGINE_DONE = 0, /* closed; the final digest was shown */
	ENGINE_NOGO,     /* the go/no-go decided NO-GO: nothing was generated */
	ENGINE_FAILED,   /* a check failed during the ceremony (mismatch, bad input): aborted */
	ENGINE_ABORTED,  /* interrupted (Ctrl-C, a missing answer, a person said no): aborted */
	ENGINE_ERROR,    /* could not start or write (script, answers, media, transcript) */
};

struct engine_options {
	const char *script;     /* path of the ceremony script */
	const char *media_dir;  /* directory backend: each medium is media_dir/<medium id>/ */
	const char *answers;    /* answers file, or NULL for the terminal */
	int rehearsal;          /* a rehearsal: marked everywhere, overrides allowed */
	const char *sysfs;      /* "/sys", or a fake tree for tests */
	const char *image_hash; /* file holding the booted image's SHA-256 in hex, or NULL */
	/* Where people are, chosen by the caller: the terminal's input (unused with answers) and
	 * what they see (prompts, progress, QR codes). */
	int in_fd, out_fd;
	/* Tests only: a fixed clock (seconds since 1970, UTC) when non-zero. */
	int64_t fixed_time;
};

/* Why a run could not start: the script or answers file does not load or is for another
 * ceremony, people cannot be talked to, or the transcript cannot be created. */
#define ENGINE_ERROR_MAX 1024
struct engine_error {
	char message[ENGINE_ERROR_MAX]; /* one line, never a secret; "" when there is none */
};

/* Runs the ceremony. Progress, prompts and what fails during the ceremony go to people through
 * the people layer: the terminal, or standard output in answers mode. Nothing secret is ever
 * shown except a custodian's own share, on a terminal, for them. When the run could not start,
 * ENGINE_ERROR comes with err->message for the caller to show; it may be "" (out of memory, or
 * people were told already). */
enum engine_result engine_run(const struct engine_options *opts, struct engine_error *err);

const char *engine_result_name(enum engine_result r);

#endif
