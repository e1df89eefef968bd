/* Slips: tries announced and recorded, and a deliberate, confirmed abort. */
#include "ceremony/engine/engine_slip.h"

#include <stdio.h>
#include <string.h>

#include "ceremony/engine/engine_record.h"

#define CHOICES_MAX 4

const char *engine_try_text(char *out, size_t outlen, unsigned attempt)
{
	if (attempt <= 1)
		snprintf(out, outlen, "%s", "");
	else
		snprintf(out, outlen, " (try %u of %u)", attempt, ENGINE_TRIES);
	return out;
}

enum step_rc engine_slip(struct engine *e, const struct transcript_actor *actor, const char *id,
			 unsigned attempt, const char *why)
{
	prompt_say(e->p, PROMPT_BAD, "  %s (try %u of %u).", why, attempt, ENGINE_TRIES);
	return engine_record(e, actor, "note",
			     json_pack("{s:s,s:s,s:I,s:I,s:s}", "text", "a slip, not accepted",
				       "prompt", id, "attempt", (json_int_t)attempt, "tries",
				       (json_int_t)ENGINE_TRIES, "reason", why));
}

/* The administrator confirms an abort. STEP_OK: not confirmed, ask again. */
static enum step_rc confirm_abort(struct engine *e, const char *id)
{
	char aid[ANSWERS_ID_MAX + 1];
	bool yes = false;
	int prc;

	if (prompt_id(aid, sizeof(aid), PROMPT_ID_ABORT, e->step ? e->step->id : "start") != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for step %s", e->step->id);
	prc = prompt_confirm(e->p, aid,
			     "Administrator: abort the whole ceremony? Every secret is wiped and "
			     "the ceremony has to start again from its first step.",
			     &yes);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, aid);
	if (yes)
		return engine_fail(e, STEP_INTERRUPTED,
				   "aborted by the administrator at prompt %s (confirmed at %s)",
				   id, aid);
	prompt_say(e->p, PROMPT_PLAIN, "  Not aborted.");
	return STEP_OK;
}

enum step_rc engine_what_now(struct engine *e, const struct transcript_actor *actor, const char *id,
			     const char *question, const char *const *choices, size_t n,
			     size_t *index, const char *failed)
{
	const char *all[CHOICES_MAX + 1];
	enum step_rc rc;
	size_t pick = 0;

	*index = n;
	if (prompt_from_answers(e->p))
		return engine_fail(e, STEP_FAILED, "%s", failed);
	if (n > CHOICES_MAX)
		return engine_fail(e, STEP_ERROR, "too many choices at %s", id);
	memcpy(all, choices, n * sizeof(*all));
	all[n] = "abort";
	for (;;) {
		int prc = prompt_choice(e->p, id, question, all, n + 1, &pick);

		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		rc = engine_record(e, actor, "note",
				   json_pack("{s:s,s:s,s:s}", "text", "after the last try",
					     "prompt", id, "choice", all[pick]));
		if (rc != STEP_OK)
			return rc;
		if (pick < n) {
			*index = pick;
			return STEP_OK;
		}
		if ((rc = confirm_abort(e, id)) != STEP_OK)
			return rc;
	}
}

enum step_rc engine_after_tries(struct engine *e, const struct transcript_actor *actor,
				const char *id, const char *q, unsigned *attempt)
{
	static const char *const again[] = {"again"};
	size_t pick;
	enum step_rc rc;

	if (*attempt <= ENGINE_TRIES)
		return STEP_OK;
	rc = engine_what_now(e, actor, id, q, again, 1, &pick, "no more tries");
	if (rc == STEP_OK)
		*attempt = 1;
	return rc;
}

static void refused(void *ctx, const char *id, const char *why)
{
	struct engine *e = ctx;
	struct transcript_actor a = e->step ? engine_step_actor(e, e->step) : engine_system;

	/* A record that cannot be written is found by the next one, which stops the step. */
	(void)engine_record(e, &a, "note",
			    json_pack("{s:s,s:s,s:s}", "text", "an answer refused, asked again",
				      "prompt", id, "reason", why));
}

void engine_slip_watch(struct engine *e)
{
	prompt_on_refusal(e->p, refused, e);
}
