/*
 * The ceremony engine: runs a validated plan (ceremony/script/script.h) step by step, talking to people
 * through the prompt layer and recording every step in the transcript. The only module besides
 * the CLI that talks to people.
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
	/* Tests only: a fixed clock (seconds since 1970, UTC) when non-zero. */
	int64_t fixed_time;
};

/* Runs the ceremony. Progress, prompts and errors go to the terminal (or standard output in
 * answers mode); nothing secret is ever printed except a custodian's own share, on a terminal,
 * for them. */
enum engine_result engine_run(const struct engine_options *opts);

const char *engine_result_name(enum engine_result r);

#endif
