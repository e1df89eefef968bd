/* Reasons, records and actors (engine_record.h). */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ceremony/engine/engine_record.h"
#include "ceremony/base/fpr.h"

const struct transcript_actor engine_system = { "system", "ceremony" };

enum step_rc engine_fail(struct engine *e, enum step_rc rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
	return rc;
}

enum step_rc engine_prompt_rc(struct engine *e, int prc, const char *id)
{
	switch (prc) {
	case PROMPT_OK:
		return STEP_OK;
	case PROMPT_E_INTERRUPTED:
		return engine_fail(e, STEP_INTERRUPTED, "interrupted at prompt %s", id);
	case PROMPT_E_MISSING:
		return engine_fail(e, STEP_INTERRUPTED, "no answer for prompt %s", id);
	case PROMPT_E_INVALID:
		return engine_fail(e, STEP_FAILED, "answer to %s refused: %s", id,
				   prompt_reason(e->p));
	case PROMPT_E_EOF:
		return engine_fail(e, STEP_INTERRUPTED, "end of input at prompt %s", id);
	default:
		return engine_fail(e, STEP_ERROR, "prompt %s: %s", id, prompt_strerror(prc));
	}
}

enum step_rc engine_record(struct engine *e, const struct transcript_actor *actor,
			   const char *event, json_t *data)
{
	enum transcript_err terr;
	json_t *obj = data ? data : json_object();

	if (obj == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	terr = transcript_append(e->t, e->step ? e->step->id : "start", actor, event, obj);
	json_decref(obj);
	if (terr != TRANSCRIPT_OK)
		return engine_fail(e, STEP_ERROR, "transcript: %s %s", transcript_strerror(terr),
				   transcript_detail(e->t));
	return STEP_OK;
}

struct transcript_actor engine_actor(const struct script_participant *p)
{
	struct transcript_actor a = { script_role_name(p->role), p->name };

	return a;
}

struct transcript_actor engine_role_actor(struct engine *e, enum script_role role)
{
	const struct script_plan *plan = e->plan;

	for (unsigned i = 0; i < plan->participant_count; i++) {
		const struct script_participant *p = &plan->participants[i];

		if (p->role == role && e->present[p->index])
			return engine_actor(p);
	}
	return engine_system;
}

struct transcript_actor engine_step_actor(struct engine *e, const struct script_step *s)
{
	if (!s->actor.is_role)
		return engine_actor(s->actor.participant);
	return engine_role_actor(e, s->actor.role);
}

int64_t engine_now(const struct engine *e)
{
	return e->o->fixed_time ? e->o->fixed_time : (int64_t)time(NULL);
}

json_t *engine_json_hex(const uint8_t *b, size_t len)
{
	char *hex = malloc(2 * len + 1);
	json_t *j;

	if (hex == NULL)
		return NULL;
	sodium_bin2hex(hex, 2 * len + 1, b, len);
	j = json_string(hex);
	free(hex);
	return j;
}

/* Fingerprints are read aloud and copied onto paper: each line fits an 80-column screen, so a
 * terminal never breaks one inside a group or a word. */
#define FPR_SCREEN_COLS 80
#define FPR_INDENT "          "

void engine_show_value(struct engine *e, const char *label, const char *what, const uint8_t v[32])
{
	char hex[FPR_HEX_32], words[FPR_WORDS_32];
	const char *w = words, *lead = "  words   ";

	fpr_hex(v, 32, hex, sizeof(hex));
	fpr_words(v, 32, words, sizeof(words));
	prompt_say(e->p, PROMPT_HEADING, "%s", label);
	/* Two lines of eight groups: 16 bytes each, as the paper script's boxes have them. */
	prompt_say(e->p, PROMPT_PLAIN, "  %-7s %.39s", what, hex);
	prompt_say(e->p, PROMPT_PLAIN, FPR_INDENT "%s", hex + 40);
	/* The 32 words, as many whole words a line as fit. */
	while (*w != '\0') {
		size_t take = 0, room = FPR_SCREEN_COLS - strlen(FPR_INDENT);

		for (;;) {
			size_t next = take + strcspn(w + take + (take ? 1 : 0), " ") + (take ? 1 : 0);

			if (take > 0 && next > room)
				break;
			take = next;
			if (w[take] == '\0')
				break;
		}
		prompt_say(e->p, PROMPT_PLAIN, "%s%.*s", lead, (int)take, w);
		lead = FPR_INDENT;
		w += take;
		while (*w == ' ')
			w++;
	}
}

void engine_show_fpr(struct engine *e, const char *label, const uint8_t fpr[32])
{
	engine_show_value(e, label, "SHA-256", fpr);
}

