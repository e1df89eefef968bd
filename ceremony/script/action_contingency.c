/*
 * Actions of the SMKI contingency: contingency-test (unwrap the contingency key from a Root
 * certificate and prove it signs) and contingency-replace (a new Root signed by the contingency
 * key). Their rows are in action.c.
 */
#include "ceremony/script/action.h"

#include <stdio.h>

enum script_err action_rule_contingency_test(struct script_ctx *c, const struct action *a,
					     const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_kind(c, a, s, k,
			     k->kind == SCRIPT_KEY_CONTINGENCY && k->wrapped_by != NULL) !=
		SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k->wrapped_by) != SCRIPT_OK)
		return script_failed(c);
	if (s->input->type != SCRIPT_INPUT_CERTIFICATE)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "contingency-test takes the Root certificate as input");
	return SCRIPT_OK;
}

void action_inputs_contingency_test(const struct script_plan *plan, const struct script_step *s,
				    struct input_list *l)
{
	(void)plan;
	action_add_input(l, s->input);
}

bool action_uses_contingency_test(const struct script_key *own, const struct script_key *k)
{
	return own == k || own->wrapped_by == k;
}

int action_summary_contingency_test(const struct script_step *s, const struct summary_parts *sp,
				    char *out, size_t outlen)
{
	return snprintf(out, outlen, "Unwrap '%s' from '%s' with '%s'; prove it signs", sp->kid,
			s->input->id, s->key->wrapped_by->id);
}

enum script_err action_rule_contingency_replace(struct script_ctx *c, const struct action *a,
						const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_kind(c, a, s, k,
			     k->kind == SCRIPT_KEY_ROOT && k->issuer != NULL &&
				 k->issuer->wrapped_by != NULL) != SCRIPT_OK ||
	    action_need_origin(c, a, s, k, SCRIPT_ORIGIN_GENERATE) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k->issuer) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k->issuer->wrapped_by) != SCRIPT_OK ||
	    action_certifiable(c, s, k) != SCRIPT_OK)
		return script_failed(c);
	if (!action_apex_ready(pr, k))
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "the replacement Root '%s' needs '%s' and '%s' generated first",
				   k->id, k->apex->id, k->apex->wrapped_by->id);
	if (action_need_output(c, s, pr, SCRIPT_OUTPUT_CERTIFICATE, k) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->certified[k->index], "certified");
}

/* The Root certificate being replaced (it carries the wrapped contingency key): every other
 * root key's, and the input of every contingency-test of the issuer. */
void action_inputs_contingency_replace(const struct script_plan *plan, const struct script_step *s,
				       struct input_list *l)
{
	const struct script_key *k = s->key;

	for (unsigned i = 0; i < plan->key_count; i++)
		if (plan->keys[i].kind == SCRIPT_KEY_ROOT && &plan->keys[i] != k)
			action_add_input(l, script_key_cert_input(&plan->keys[i]));
	for (unsigned i = 0; i < plan->step_count; i++)
		if (plan->steps[i].action == SCRIPT_ACT_CONTINGENCY_TEST &&
		    plan->steps[i].key == k->issuer)
			action_add_input(l, plan->steps[i].input);
}

/* The new root, the contingency key that signs it and the key that unwraps that, and the new
 * root's own contingency keys. */
bool action_uses_contingency_replace(const struct script_key *own, const struct script_key *k)
{
	return own == k || own->issuer == k ||
	       (own->issuer != NULL && own->issuer->wrapped_by == k) || action_carries(own, k);
}

int action_summary_contingency_replace(const struct script_step *s, const struct summary_parts *sp,
				       char *out, size_t outlen)
{
	const struct script_key *k = s->key;

	return snprintf(out, outlen, "Sign replacement Root '%s' with '%s', revealing '%s' -> %s",
			sp->kid, k->issuer->id, k->issuer->wrapped_by->id, sp->dest);
}
