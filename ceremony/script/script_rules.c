/*
 * The rules that span sections of a script: which keys may be linked, which outputs belong to
 * which keys, and the order of steps (a key is generated or rebuilt before it is used, split and
 * test-reconstructed before the close, every output produced once and written). A script that
 * passes cannot stop half-way for a reason visible in the script itself.
 */
#include "ceremony/script/action.h"

#include <string.h>

static enum script_err check_keys(struct script_ctx *c)
{
	const struct script_plan *plan = c->plan;

	for (unsigned i = 0; i < plan->key_count; i++) {
		const struct script_key *k = &plan->keys[i];
		const struct script_key *up = k->issuer;

		for (unsigned j = 0; j < plan->key_count; j++) {
			const struct script_key *o = &plan->keys[j];

			if (j < i && k->wrapped_by != NULL && o->wrapped_by == k->wrapped_by)
				return script_fail(c, k->line, SCRIPT_E_RULE,
						   "symmetric key '%s' already wraps '%s': each "
						   "contingency key has its own",
						   k->wrapped_by->id, o->id);
			if (j < i && k->apex != NULL && o->apex == k->apex)
				return script_fail(c, k->line, SCRIPT_E_RULE,
						   "contingency key '%s' is already in root '%s'",
						   k->apex->id, o->id);
		}
		if (k->apex != NULL && k->apex->wrapped_by == NULL)
			return script_fail(c, k->line, SCRIPT_E_RULE,
					   "root '%s' carries contingency key '%s', which names no "
					   "wrapped-by key",
					   k->id, k->apex->id);
		/* Split knowledge: no one holds shares of both halves of the contingency. */
		if (plan->profile == SCRIPT_PROFILE_SMKI && k->wrapped_by != NULL &&
		    k->custodians != NULL && k->wrapped_by->custodians != NULL) {
			const struct script_custodian_set *a = k->custodians;
			const struct script_custodian_set *b = k->wrapped_by->custodians;

			for (unsigned g = 0; g < a->group_count; g++)
				for (unsigned m = 0; m < a->groups[g].count; m++)
					if (script_set_has(b, a->groups[g].members[m]))
						return script_fail(
						    c, k->line, SCRIPT_E_RULE,
						    "'%s' would hold shares of both '%s' and "
						    "'%s': the contingency key and its "
						    "symmetric key need separate custodians",
						    a->groups[g].members[m]->id, k->id,
						    k->wrapped_by->id);
		}
		for (unsigned n = 0; up != NULL && n <= plan->key_count; n++, up = up->issuer)
			if (up == k)
				return script_fail(c, k->line, SCRIPT_E_RULE,
						   "key '%s' is its own issuer through a chain",
						   k->id);
	}
	return SCRIPT_OK;
}

static enum script_err check_inputs(struct script_ctx *c)
{
	const struct script_plan *plan = c->plan;

	for (unsigned i = 0; i < plan->input_count; i++) {
		const struct script_input *in = &plan->inputs[i];
		bool used = in->key != NULL || in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST;

		for (unsigned j = 0; j < plan->key_count; j++)
			used = used || plan->keys[j].certificate == in;
		for (unsigned j = 0; j < plan->step_count; j++)
			used = used || plan->steps[j].input == in;
		if (!used)
			return script_fail(c, in->line, SCRIPT_E_RULE,
					   "input '%s' is used by no key and no step", in->id);
	}
	return SCRIPT_OK;
}

static enum script_err check_outputs(struct script_ctx *c)
{
	const struct script_plan *plan = c->plan;

	for (unsigned i = 0; i < plan->output_count; i++) {
		const struct script_output *o = &plan->outputs[i];
		const struct script_key *k = o->key;
		bool ok = true;

		if (k == NULL)
			continue;
		switch (o->type) {
		case SCRIPT_OUTPUT_CERTIFICATE:
			ok = k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_ISSUING ||
			     k->kind == SCRIPT_KEY_GENERIC;
			break;
		case SCRIPT_OUTPUT_CSR:
			ok = (k->kind == SCRIPT_KEY_RECOVERY || k->kind == SCRIPT_KEY_GENERIC) &&
			     k->origin == SCRIPT_ORIGIN_GENERATE;
			break;
		case SCRIPT_OUTPUT_CRL:
			ok = (k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_GENERIC) &&
			     (k->origin == SCRIPT_ORIGIN_GENERATE ||
			      k->origin == SCRIPT_ORIGIN_SHARES);
			break;
		case SCRIPT_OUTPUT_TRANSCRIPT:
			break;
		case SCRIPT_OUTPUT_SIGNATURES:
			/* Device commands signed by the Recovery key, or by the Contingency key
			 * once the authority decides to use it (its Symmetric Key then goes out in
			 * the same command): signatures, never the key. */
			if (k->kind == SCRIPT_KEY_RECOVERY || k->kind == SCRIPT_KEY_CONTINGENCY)
				continue;
			ok = false;
			break;
		}
		if (k->kind == SCRIPT_KEY_CONTINGENCY ||
		    k->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC)
			return script_fail(c, o->line, SCRIPT_E_RULE,
					   "output '%s': nothing of the %s key '%s' is published",
					   o->id, script_key_kind_name(k->kind), k->id);
		if (!ok)
			return script_fail(
			    c, o->line, SCRIPT_E_RULE,
			    "output '%s': no %s is made for the %s key '%s' (origin %s)", o->id,
			    script_output_type_name(o->type), script_key_kind_name(k->kind), k->id,
			    script_origin_name(k->origin));
	}
	return SCRIPT_OK;
}

/* The rules every step meets, then its action's own (action.c). */
static enum script_err check_step(struct script_ctx *c, const struct script_step *s,
				  struct progress *pr)
{
	const struct action *a = script_action_row(s->action);

	if (s->actor.is_role && script_role_count(c->plan, s->actor.role) == 0)
		return script_fail(c, s->line, SCRIPT_E_REFERENCE, "no participant has the role %s",
				   script_role_name(s->actor.role));
	if (pr->count[SCRIPT_ACT_CLOSE])
		return script_fail(c, s->line, SCRIPT_E_RULE, "close is the last step");
	if (!pr->count[SCRIPT_ACT_GO_NO_GO] && !a->before_go)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' comes before the go-no-go step", s->id);
	pr->count[s->action]++;
	if (a->single && pr->count[s->action] > 1)
		return script_fail(c, s->line, SCRIPT_E_RULE, "a ceremony has one %s step",
				   a->name);
	return a->rule != NULL ? a->rule(c, a, s, pr) : SCRIPT_OK;
}

/* After the last step: key k, index i, is made, shared, tested and certified as it must be. */
static enum script_err end_key(struct script_ctx *c, const struct progress *pr, unsigned i)
{
	const struct script_key *k = &c->plan->keys[i];

	if (k->origin == SCRIPT_ORIGIN_GENERATE && !pr->generated[i])
		return script_fail(c, k->line, SCRIPT_E_RULE, "key '%s' is never generated", k->id);
	if (k->origin == SCRIPT_ORIGIN_GENERATE && (!pr->split[i] || !pr->tested[i]))
		return script_fail(c, k->line, SCRIPT_E_RULE,
				   "key '%s' is not both split into shares and "
				   "test-reconstructed before the close",
				   k->id);
	if (pr->reshared[i] && !pr->tested[i])
		return script_fail(c, k->line, SCRIPT_E_RULE,
				   "key '%s' is reshared but its new shares are never "
				   "test-reconstructed",
				   k->id);
	if (k->origin == SCRIPT_ORIGIN_SHARES && !pr->collected[i])
		return script_fail(c, k->line, SCRIPT_E_RULE,
				   "key '%s' comes from shares but no collect-shares step "
				   "rebuilds it",
				   k->id);
	if (c->plan->profile != SCRIPT_PROFILE_SMKI || k->origin != SCRIPT_ORIGIN_GENERATE)
		return SCRIPT_OK;
	if (k->kind == SCRIPT_KEY_ROOT && !pr->certified[i])
		return script_fail(c, k->line, SCRIPT_E_RULE, "root key '%s' gets no certificate",
				   k->id);
	if (k->kind == SCRIPT_KEY_RECOVERY && !pr->csr[i])
		return script_fail(c, k->line, SCRIPT_E_RULE,
				   "recovery key '%s' gets no export-csr step", k->id);
	if (k->kind == SCRIPT_KEY_CONTINGENCY) {
		bool carried = false;

		for (unsigned j = 0; j < c->plan->key_count; j++)
			carried = carried || c->plan->keys[j].apex == k;
		if (!carried)
			return script_fail(c, k->line, SCRIPT_E_RULE,
					   "contingency key '%s' is in no Root certificate "
					   "(apex-contingency-key)",
					   k->id);
	}
	return SCRIPT_OK;
}

/* After the last step: everything begun is finished. */
static enum script_err check_end(struct script_ctx *c, const struct progress *pr)
{
	const struct script_plan *plan = c->plan;
	const struct script_step *last = &plan->steps[plan->step_count - 1];

	if (!pr->count[SCRIPT_ACT_ATTENDANCE] || !pr->count[SCRIPT_ACT_GO_NO_GO])
		return script_fail(c, plan->steps[0].line, SCRIPT_E_RULE,
				   "every ceremony has an attendance and a go-no-go step");
	if (last->action != SCRIPT_ACT_CLOSE)
		return script_fail(c, last->line, SCRIPT_E_RULE, "the last step is close");
	for (unsigned i = 0; i < plan->key_count; i++)
		if (end_key(c, pr, i) != SCRIPT_OK)
			return script_failed(c);
	for (unsigned i = 0; i < plan->output_count; i++) {
		const struct script_output *o = &plan->outputs[i];

		if (o->type != SCRIPT_OUTPUT_TRANSCRIPT && !pr->produced[i])
			return script_fail(c, o->line, SCRIPT_E_RULE,
					   "output '%s' is made by no step", o->id);
	}
	if (pr->last_producer > pr->last_write)
		return script_fail(c, plan->steps[pr->last_producer - 1].line, SCRIPT_E_RULE,
				   "no write-public-outputs step follows step %u, which makes an "
				   "output",
				   pr->last_producer);
	return SCRIPT_OK;
}

/* Everyone who receives a share here has a medium to receive it on. */
static enum script_err check_media(struct script_ctx *c)
{
	const struct script_plan *plan = c->plan;

	for (unsigned i = 0; i < plan->step_count; i++) {
		const struct script_custodian_set *set = script_step_share_set(&plan->steps[i]);

		for (unsigned n = 1; set != NULL && n <= set->share_count; n++) {
			const struct script_participant *p = script_set_share(set, n, NULL, NULL);

			if (script_medium_of(plan, p) == NULL)
				return script_fail(c, plan->steps[i].line, SCRIPT_E_RULE,
						   "custodian '%s' receives a share in step '%s' "
						   "but has no custodian medium",
						   p->id, plan->steps[i].id);
		}
	}
	return SCRIPT_OK;
}

enum script_err script_check_rules(struct script_ctx *c)
{
	const struct script_plan *plan = c->plan;
	struct progress pr;

	memset(&pr, 0, sizeof(pr));
	if (script_role_count(plan, SCRIPT_ROLE_ADMINISTRATOR) == 0 ||
	    script_role_count(plan, SCRIPT_ROLE_WITNESS) == 0)
		return script_fail(c, plan->participants[0].line, SCRIPT_E_RULE,
				   "a ceremony needs an administrator and at least one witness");
	if (check_keys(c) != SCRIPT_OK || check_inputs(c) != SCRIPT_OK ||
	    check_outputs(c) != SCRIPT_OK)
		return script_failed(c);
	for (unsigned i = 0; i < plan->step_count; i++)
		if (check_step(c, &plan->steps[i], &pr) != SCRIPT_OK)
			return script_failed(c);
	if (check_end(c, &pr) != SCRIPT_OK)
		return script_failed(c);
	return check_media(c);
}
