/*
 * The prompt list of a plan (`ceremony script prompts`, answers-file coverage): every prompt id
 * a run of the plan asks unconditionally, in order. A table indexed by the step action says
 * which prompts each action asks. Reads only the public plan; nothing here is secret or printed.
 */
#include "ceremony/people/prompt.h"

#include <stdbool.h>
#include <stdlib.h>

const char *prompt_kind_name(enum prompt_kind kind)
{
	switch (kind) {
	case PROMPT_KIND_CONFIRM:
		return "confirm";
	case PROMPT_KIND_TEXT:
		return "text";
	case PROMPT_KIND_SECRET:
		return "secret";
	case PROMPT_KIND_CHOICE:
		return "choice";
	}
	return "?";
}

struct walk {
	prompt_plan_fn fn;
	void *ctx;
	const struct script_step *step;
	char id[ANSWERS_ID_MAX + 1];
	bool read[SCRIPT_MAX_INPUTS]; /* inputs whose questions are already listed */
};

/* Emits the id in w->id. */
static int emit(struct walk *w, int formatted, enum prompt_kind kind)
{
	if (formatted != 0)
		return -1;
	return w->fn(w->ctx, w->id, kind, w->step);
}

#define EMIT(w, kind, ...) emit(w, prompt_id((w)->id, sizeof((w)->id), __VA_ARGS__), kind)

/* The questions about one input, the first time a step reads it (script_step_inputs). */
static int input_prompts(struct walk *w, const struct script_input *in)
{
	bool transcript = in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST;
	int ret = 0;

	if (transcript && in->file == NULL && in->source != SCRIPT_SOURCE_QR)
		return in->has_digest
			   ? 0
			   : EMIT(w, PROMPT_KIND_TEXT, PROMPT_ID_INPUT, in->id, INPUT_FIELD_DIGEST);
	if (in->source == SCRIPT_SOURCE_ANY && !transcript)
		ret = EMIT(w, PROMPT_KIND_CHOICE, PROMPT_ID_INPUT, in->id, INPUT_FIELD_SOURCE);
	else if (in->source == SCRIPT_SOURCE_QR)
		ret = EMIT(w, PROMPT_KIND_CHOICE, PROMPT_ID_INPUT, in->id, INPUT_FIELD_QR);
	if (ret == 0 && !(transcript && in->has_digest))
		ret =
		    EMIT(w, PROMPT_KIND_CONFIRM, PROMPT_ID_INPUT, in->id, INPUT_FIELD_FINGERPRINT);
	return ret;
}

static int step_inputs(struct walk *w, const struct script_plan *plan)
{
	const struct script_input *in[SCRIPT_MAX_INPUTS];
	unsigned n = script_step_inputs(plan, w->step, in, SCRIPT_MAX_INPUTS);
	int ret = 0;

	for (unsigned i = 0; i < n && ret == 0; i++) {
		unsigned idx = (unsigned)(in[i] - plan->inputs);

		if (w->read[idx])
			continue;
		w->read[idx] = true;
		ret = input_prompts(w, in[i]);
	}
	return ret;
}

static int go_prompts(struct walk *w, const struct script_plan *plan)
{
	static const char *const ids[] = {PROMPT_ID_GO_CLOCK, PROMPT_ID_GO_IMAGE,
					  PROMPT_ID_GO_SCRIPT, PROMPT_ID_GO_MEDIA,
					  PROMPT_ID_GO_DECISION};
	int ret = 0;

	(void)plan;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]) && ret == 0; i++)
		ret = EMIT(w, PROMPT_KIND_CONFIRM, "%s", ids[i]);
	return ret;
}

static int attendance_prompts(struct walk *w, const struct script_plan *plan)
{
	int ret = 0;

	for (unsigned i = 0; i < plan->participant_count && ret == 0; i++)
		ret = EMIT(w, PROMPT_KIND_CONFIRM, PROMPT_ID_ATTENDANCE, plan->participants[i].id);
	return ret;
}

/* split-shares and reshare: every question for every share of the step's set. */
static int share_prompts(struct walk *w, const struct script_plan *plan)
{
	static const struct {
		const char *field;
		enum prompt_kind kind;
	} fields[] = {
	    {SHARE_FIELD_MEDIUM, PROMPT_KIND_CONFIRM},
	    {SHARE_FIELD_PASSPHRASE, PROMPT_KIND_SECRET},
	    {SHARE_FIELD_PASSPHRASE_REPEAT, PROMPT_KIND_SECRET},
	    {SHARE_FIELD_WORDS, PROMPT_KIND_SECRET},
	    {SHARE_FIELD_BAG, PROMPT_KIND_TEXT},
	};
	const struct script_key *key = w->step->key;
	const struct script_custodian_set *set = script_step_share_set(w->step);
	int ret;

	(void)plan;
	for (unsigned n = 1; n <= set->share_count; n++)
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			if ((ret = EMIT(w, fields[f].kind, PROMPT_ID_SHARE, key->id, n,
					fields[f].field)) != 0)
				return ret;
	return 0;
}

/* The first quorum of the key's set; a reshare test uses the new set. */
static int test_prompts(struct walk *w, const struct script_plan *plan)
{
	const struct script_key *k = w->step->key;
	const struct script_custodian_set *set = k->custodians;
	unsigned quorum[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS];
	unsigned nq;
	int ret = 0;

	for (unsigned i = 0; i < plan->step_count; i++)
		if (plan->steps[i].action == SCRIPT_ACT_RESHARE && plan->steps[i].key == k)
			set = plan->steps[i].custodians;
	nq = script_set_quorum(set, quorum, sizeof(quorum) / sizeof(quorum[0]));
	for (unsigned i = 0; i < nq && ret == 0; i++)
		ret = EMIT(w, PROMPT_KIND_SECRET, PROMPT_ID_TEST, k->id, quorum[i]);
	return ret;
}

/* The first quorum's entries: who brings the share, and how. */
static int collect_prompts(struct walk *w, const struct script_plan *plan)
{
	const struct script_key *k = w->step->key;
	unsigned quorum[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS];
	unsigned nq = script_set_quorum(k->custodians, quorum, sizeof(quorum) / sizeof(quorum[0]));
	int ret = 0;

	(void)plan;
	for (unsigned i = 1; i <= nq && ret == 0; i++) {
		ret = EMIT(w, PROMPT_KIND_CHOICE, PROMPT_ID_COLLECT, k->id, i,
			   COLLECT_FIELD_CUSTODIAN);
		if (ret == 0)
			ret = EMIT(w, PROMPT_KIND_CHOICE, PROMPT_ID_COLLECT, k->id, i,
				   COLLECT_FIELD_SOURCE);
	}
	return ret;
}

/* The prompt each participant acting in a step is asked. */
static int entropy_prompt(struct walk *w, const struct script_participant *pa)
{
	return EMIT(w, PROMPT_KIND_SECRET, PROMPT_ID_ENTROPY, pa->id);
}

static int ack_prompt(struct walk *w, const struct script_participant *pa)
{
	return EMIT(w, PROMPT_KIND_CONFIRM, PROMPT_ID_ACK, w->step->id, pa->id);
}

static int close_prompt(struct walk *w, const struct script_participant *pa)
{
	return EMIT(w, PROMPT_KIND_CONFIRM, PROMPT_ID_CLOSE, pa->id);
}

/* What each action asks unconditionally: step lists the prompts of the whole step, actor the
 * one prompt of each participant acting in it; both NULL for an action that asks nothing. A new
 * action adds one row. */
static const struct {
	int (*step)(struct walk *w, const struct script_plan *plan);
	int (*actor)(struct walk *w, const struct script_participant *pa);
} action_prompts[] = {
    [SCRIPT_ACT_GO_NO_GO] = {go_prompts, NULL},
    [SCRIPT_ACT_ATTENDANCE] = {attendance_prompts, NULL},
    [SCRIPT_ACT_ENTROPY] = {NULL, entropy_prompt},
    [SCRIPT_ACT_GENERATE_KEY] = {NULL, NULL},
    [SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE] = {NULL, NULL},
    [SCRIPT_ACT_EXPORT_CSR] = {NULL, NULL},
    [SCRIPT_ACT_SHOW_FINGERPRINTS] = {NULL, ack_prompt},
    [SCRIPT_ACT_SPLIT_SHARES] = {share_prompts, NULL},
    [SCRIPT_ACT_TEST_RECONSTRUCTION] = {test_prompts, NULL},
    [SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS] = {NULL, NULL},
    [SCRIPT_ACT_COLLECT_SHARES] = {collect_prompts, NULL},
    [SCRIPT_ACT_SIGN_CSR] = {NULL, NULL},
    [SCRIPT_ACT_SIGN_CRL] = {NULL, NULL},
    [SCRIPT_ACT_IMPORT_CERTIFICATE] = {NULL, NULL},
    [SCRIPT_ACT_CONTINGENCY_TEST] = {NULL, NULL},
    [SCRIPT_ACT_CONTINGENCY_REPLACE] = {NULL, NULL},
    [SCRIPT_ACT_RESHARE] = {share_prompts, NULL},
    [SCRIPT_ACT_ACKNOWLEDGE] = {NULL, ack_prompt},
    [SCRIPT_ACT_CLOSE] = {NULL, close_prompt},
    [SCRIPT_ACT_RECORD_DECISION] = {NULL, ack_prompt},
    [SCRIPT_ACT_SIGN_PAYLOADS] = {NULL, ack_prompt},
    [SCRIPT_ACT_RETIRE_KEY] = {NULL, ack_prompt},
};
_Static_assert(sizeof(action_prompts) / sizeof(action_prompts[0]) == SCRIPT_ACTION_COUNT,
	       "prompt_plan.c: one row per script action");

static int step_prompts(struct walk *w, const struct script_plan *plan)
{
	int (*actor)(struct walk *, const struct script_participant *) =
	    action_prompts[w->step->action].actor;
	int ret = 0;

	if (action_prompts[w->step->action].step != NULL)
		return action_prompts[w->step->action].step(w, plan);
	for (unsigned i = 0; actor != NULL && i < plan->participant_count && ret == 0; i++)
		if (script_actor_includes(&w->step->actor, &plan->participants[i]))
			ret = actor(w, &plan->participants[i]);
	return ret;
}

int prompt_plan_ids(const struct script_plan *plan, prompt_plan_fn fn, void *ctx)
{
	struct walk *w = calloc(1, sizeof(*w));
	int ret = 0;

	if (w == NULL)
		return -1;
	w->fn = fn;
	w->ctx = ctx;
	for (unsigned i = 0; i < plan->step_count && ret == 0; i++) {
		w->step = &plan->steps[i];
		ret = step_inputs(w, plan);
		if (ret == 0)
			ret = step_prompts(w, plan);
	}
	free(w);
	return ret;
}
