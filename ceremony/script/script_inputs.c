/* Which inputs each step reads: one list for the engine, which reads them, and for the prompt
 * walker, which lists their questions (docs/answers.md). */
#include <stdbool.h>

#include "ceremony/script/script.h"

struct list {
	const struct script_input **out;
	unsigned n, max;
};

static void add(struct list *l, const struct script_input *in)
{
	if (in == NULL)
		return;
	for (unsigned i = 0; i < l->n; i++)
		if (l->out[i] == in)
			return;
	if (l->n < l->max)
		l->out[l->n++] = in;
}

const struct script_input *script_key_cert_input(const struct script_key *k)
{
	if (k->origin == SCRIPT_ORIGIN_CERTIFICATE)
		return k->input;
	return k->certificate;
}

/* A key's certificate with its issuers' before it, Root first. The validator forbids issuer
 * cycles; the depth bound only guards this walk. */
static void chain(struct list *l, const struct script_key *k, unsigned depth)
{
	if (k == NULL || depth > SCRIPT_MAX_KEYS)
		return;
	if (k->issuer != NULL && k->issuer != k)
		chain(l, k->issuer, depth + 1);
	add(l, script_key_cert_input(k));
}

unsigned script_step_inputs(const struct script_plan *plan, const struct script_step *s,
			    const struct script_input **out, unsigned max)
{
	struct list l = {out, 0, max};
	const struct script_key *k = s->key;

	switch (s->action) {
	case SCRIPT_ACT_GO_NO_GO:
		for (unsigned i = 0; i < plan->input_count; i++)
			if (plan->inputs[i].type == SCRIPT_INPUT_TRANSCRIPT_DIGEST)
				add(&l, &plan->inputs[i]);
		break;
	case SCRIPT_ACT_COLLECT_SHARES:
		add(&l, k->certificate);
		break;
	case SCRIPT_ACT_SIGN_CSR:
		chain(&l, k->issuer, 0);
		add(&l, k->input);
		break;
	case SCRIPT_ACT_SIGN_CRL:
		chain(&l, k, 0);
		break;
	case SCRIPT_ACT_IMPORT_CERTIFICATE:
		/* A Recovery certificate chains through an Issuing CA to the Root. */
		for (unsigned i = 0; k->kind == SCRIPT_KEY_RECOVERY && i < plan->key_count; i++)
			if (plan->keys[i].kind == SCRIPT_KEY_ISSUING)
				chain(&l, &plan->keys[i], 0);
		chain(&l, k->issuer, 0);
		add(&l, s->input);
		break;
	case SCRIPT_ACT_CONTINGENCY_TEST:
		add(&l, s->input);
		break;
	case SCRIPT_ACT_CONTINGENCY_REPLACE:
		/* The Root certificate being replaced: it carries the wrapped contingency key. */
		for (unsigned i = 0; i < plan->key_count; i++)
			if (plan->keys[i].kind == SCRIPT_KEY_ROOT && &plan->keys[i] != k)
				add(&l, script_key_cert_input(&plan->keys[i]));
		for (unsigned i = 0; i < plan->step_count; i++)
			if (plan->steps[i].action == SCRIPT_ACT_CONTINGENCY_TEST &&
			    plan->steps[i].key == k->issuer)
				add(&l, plan->steps[i].input);
		break;
	default:
		break;
	}
	return l.n;
}

/* Whether step s needs the private part of key k. Fingerprints and test reconstructions need
 * only public values, but a key is kept until its shares are tested. */
bool script_step_uses_key(const struct script_step *s, const struct script_key *k)
{
	const struct script_key *sk = s->key;

	if (sk == NULL || s->action == SCRIPT_ACT_SHOW_FINGERPRINTS)
		return false;
	if (sk == k)
		return true;
	switch (s->action) {
	case SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE:
		return sk->apex != NULL && (sk->apex == k || sk->apex->wrapped_by == k);
	case SCRIPT_ACT_SIGN_CSR:
		return sk->issuer == k;
	case SCRIPT_ACT_CONTINGENCY_TEST:
		return sk->wrapped_by == k;
	case SCRIPT_ACT_CONTINGENCY_REPLACE:
		return sk->issuer == k || (sk->issuer != NULL && sk->issuer->wrapped_by == k) ||
		       (sk->apex != NULL && (sk->apex == k || sk->apex->wrapped_by == k));
	default:
		return false;
	}
}
