/*
 * What the action functions share: the rule failures worded the same for every action, and the
 * lists of inputs a step reads.
 */
#include "ceremony/script/action.h"

enum script_err action_need_secret(struct script_ctx *c, const struct script_step *s,
				   const struct progress *pr, const struct script_key *k)
{
	if (!pr->generated[k->index] && !pr->collected[k->index])
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' uses key '%s' before a generate-key or "
				   "collect-shares step brings it",
				   s->id, k->id);
	return SCRIPT_OK;
}

enum script_err action_need_output(struct script_ctx *c, const struct script_step *s,
				   struct progress *pr, enum script_output_type type,
				   const struct script_key *k)
{
	const struct script_output *o = s->output;
	unsigned idx = (unsigned)(o - c->plan->outputs);

	if (o->type != type || o->key != k)
		return script_fail(
		    c, s->line, SCRIPT_E_RULE,
		    "step '%s' makes the %s of '%s', and output '%s' is a %s of '%s'", s->id,
		    script_output_type_name(type), k->id, o->id, script_output_type_name(o->type),
		    o->key ? o->key->id : "-");
	if (pr->produced[idx])
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "output '%s' is already made by step %u", o->id,
				   pr->produced[idx]);
	pr->produced[idx] = s->number;
	pr->last_producer = s->number;
	return SCRIPT_OK;
}

enum script_err action_need_origin(struct script_ctx *c, const struct action *a,
				   const struct script_step *s, const struct script_key *k,
				   enum script_origin origin)
{
	if (k->origin != origin)
		return script_fail(
		    c, s->line, SCRIPT_E_RULE, "a %s step needs a key of origin %s; '%s' is %s",
		    a->name, script_origin_name(origin), k->id, script_origin_name(k->origin));
	return SCRIPT_OK;
}

enum script_err action_need_kind(struct script_ctx *c, const struct action *a,
				 const struct script_step *s, const struct script_key *k, bool ok)
{
	if (!ok)
		return script_fail(c, s->line, SCRIPT_E_RULE, "a %s step does not take a %s key",
				   a->name, script_key_kind_name(k->kind));
	return SCRIPT_OK;
}

enum script_err action_certifiable(struct script_ctx *c, const struct script_step *s,
				   const struct script_key *k)
{
	if (k->validity.years == 0 && k->validity.days == 0)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' certifies '%s', which has no validity", s->id, k->id);
	return SCRIPT_OK;
}

enum script_err action_once(struct script_ctx *c, const struct script_step *s, unsigned *slot,
			    const char *done)
{
	if (*slot)
		return script_fail(c, s->line, SCRIPT_E_RULE, "key '%s' is already %s in step %u",
				   s->key->id, done, *slot);
	*slot = s->number;
	return SCRIPT_OK;
}

bool action_apex_ready(const struct progress *pr, const struct script_key *root)
{
	return root->apex == NULL ||
	       (pr->generated[root->apex->index] && pr->generated[root->apex->wrapped_by->index]);
}

bool action_carries(const struct script_key *root, const struct script_key *k)
{
	return root->apex != NULL && (root->apex == k || root->apex->wrapped_by == k);
}

void action_add_input(struct input_list *l, const struct script_input *in)
{
	if (in == NULL)
		return;
	for (unsigned i = 0; i < l->n; i++)
		if (l->out[i] == in)
			return;
	if (l->n < l->max)
		l->out[l->n++] = in;
}

/* The validator forbids issuer cycles; the depth bound only guards this walk. */
static void chain(struct input_list *l, const struct script_key *k, unsigned depth)
{
	if (k == NULL || depth > SCRIPT_MAX_KEYS)
		return;
	if (k->issuer != NULL && k->issuer != k)
		chain(l, k->issuer, depth + 1);
	action_add_input(l, script_key_cert_input(k));
}

void action_add_chain(struct input_list *l, const struct script_key *k)
{
	chain(l, k, 0);
}
