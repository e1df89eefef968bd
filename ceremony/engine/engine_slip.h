/*
 * A person's slip (a `no`, a typo, a wrong passphrase) is retried, never a silent abort: each
 * try is announced ("try 2 of 3") and recorded, and when the tries run out the people choose
 * what comes next; aborting is one of the choices and has to be confirmed by the administrator
 * (docs/ceremonies.md, "Slips and aborting").
 *
 * Secret inputs: none. What is recorded and said is public: prompt ids, counts, reasons.
 *
 * After a failure: e->reason says why; nothing else changes.
 */
#ifndef CEREMONY_ENGINE_SLIP_H
#define CEREMONY_ENGINE_SLIP_H

#include <stddef.h>

#include "ceremony/engine/engine_state.h"

/* Tries of one question before the people are asked what to do next. */
#define ENGINE_TRIES 3

/* " (try N of M)" for try > 1, else "", into out. */
const char *engine_try_text(char *out, size_t outlen, unsigned attempt);

/* Try attempt at prompt id went wrong (why: public): said and recorded as a note by actor. */
enum step_rc engine_slip(struct engine *e, const struct transcript_actor *actor, const char *id,
			 unsigned attempt, const char *why);

/* After the last try: asks at id which of choices[0..n) comes next; "abort" is added as the
 * last choice and needs the administrator's yes at abort.<step>, else the question is asked
 * again. The choice is recorded. STEP_OK with *index < n, or STEP_INTERRUPTED (aborted, with
 * e->reason) or another failure. In answers mode, where the same answers would come again,
 * nothing is asked: it fails with e->reason set to failed. */
enum step_rc engine_what_now(struct engine *e, const struct transcript_actor *actor, const char *id,
			     const char *question, const char *const *choices, size_t n,
			     size_t *index, const char *failed);

/* Before a try: once *attempt is past the last, asks at id (question q) whether to start again
 * ("again", or a confirmed abort, as engine_what_now), and on "again" sets *attempt to 1. */
enum step_rc engine_after_tries(struct engine *e, const struct transcript_actor *actor,
				const char *id, const char *q, unsigned *attempt);

/* From now on, every answer the prompt layer refuses at a terminal (not yes or no, too short a
 * passphrase, not one of the choices...) is recorded as a slip too. */
void engine_slip_watch(struct engine *e);

#endif
