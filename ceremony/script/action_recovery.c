/*
 * Actions of the SMKI Recovery Procedure: record-decision (the policy authority's decision that
 * authorises a recovery), sign-payloads (device-command payloads signed by the Recovery or the
 * Contingency key) and retire-key (a key an earlier ceremony made, retired after a compromise,
 * its shares superseded). Their rows are in action.c.
 */
#include "ceremony/script/action.h"

#include <stdio.h>

/* A recovery step is authorised by a decision recorded before it. */
static enum script_err need_decision(struct script_ctx *c, const struct script_step *s,
				     const struct progress *pr)
{
	if (!pr->decided)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' needs the policy authority's decision recorded "
				   "first (a record-decision step)",
				   s->id);
	return SCRIPT_OK;
}

static enum script_err need_input(struct script_ctx *c, const struct script_step *s,
				  enum script_input_type type)
{
	if (s->input->type != type)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "a %s step takes an input of type %s; '%s' is %s",
				   script_action_name(s->action), script_input_type_name(type),
				   s->input->id, script_input_type_name(s->input->type));
	return SCRIPT_OK;
}

enum script_err action_rule_record_decision(struct script_ctx *c, const struct action *a,
					    const struct script_step *s, struct progress *pr)
{
	(void)a;
	if (need_input(c, s, SCRIPT_INPUT_DECISION) != SCRIPT_OK)
		return script_failed(c);
	if (!pr->decided)
		pr->decided = s->number;
	return SCRIPT_OK;
}

void action_inputs_own_input(const struct script_plan *plan, const struct script_step *s,
			     struct input_list *l)
{
	(void)plan;
	action_add_input(l, s->input);
}

int action_summary_record_decision(const struct script_step *s, const struct summary_parts *sp,
				   char *out, size_t outlen)
{
	(void)sp;
	return snprintf(out, outlen, "Record the policy authority's decision %s ('%s')",
			s->input->reference, s->input->id);
}

enum script_err action_rule_sign_payloads(struct script_ctx *c, const struct action *a,
					  const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_kind(c, a, s, k,
			     (k->kind == SCRIPT_KEY_RECOVERY || k->kind == SCRIPT_KEY_CONTINGENCY) &&
				 k->algorithm == SCRIPT_ALG_EC_P256) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK ||
	    need_input(c, s, SCRIPT_INPUT_PAYLOADS) != SCRIPT_OK ||
	    need_decision(c, s, pr) != SCRIPT_OK ||
	    action_need_output(c, s, pr, SCRIPT_OUTPUT_SIGNATURES, k) != SCRIPT_OK)
		return script_failed(c);
	return SCRIPT_OK;
}

int action_summary_sign_payloads(const struct script_step *s, const struct summary_parts *sp,
				 char *out, size_t outlen)
{
	return snprintf(out, outlen, "Sign the %u payloads of '%s' with '%s' -> %s",
			s->input->payload_count, s->input->id, sp->kid, sp->dest);
}

/* The key named in an earlier ceremony's transcript, which the engine reads: so the input
 * brings the transcript itself (a file or QR), not the digest alone. */
enum script_err action_rule_retire_key(struct script_ctx *c, const struct action *a,
				       const struct script_step *s, struct progress *pr)
{
	const struct script_input *in = s->input;

	(void)a;
	if (need_input(c, s, SCRIPT_INPUT_TRANSCRIPT_DIGEST) != SCRIPT_OK ||
	    need_decision(c, s, pr) != SCRIPT_OK)
		return script_failed(c);
	if (in->file == NULL && in->source != SCRIPT_SOURCE_QR)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "retire-key reads the transcript of ceremony %s: input '%s' "
				   "needs its file or 'source: qr'",
				   in->ceremony, in->id);
	if (s->key->origin != SCRIPT_ORIGIN_GENERATE || !pr->generated[s->key->index])
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "retire-key names the key generated (before it) to replace the "
				   "retired one of the same name; '%s' is not",
				   s->key->id);
	return SCRIPT_OK;
}

bool action_uses_none(const struct script_key *own, const struct script_key *k)
{
	(void)own;
	(void)k;
	return false;
}

int action_summary_retire_key(const struct script_step *s, const struct summary_parts *sp,
			      char *out, size_t outlen)
{
	return snprintf(out, outlen, "Retire '%s' of ceremony %s; its shares are superseded",
			sp->kid, s->input->ceremony);
}
