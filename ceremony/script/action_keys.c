/*
 * Actions on a key's secret and its shares: generate-key, show-fingerprints, split-shares,
 * test-reconstruction, collect-shares, reshare. Their rows are in action.c.
 */
#include "ceremony/script/action.h"

#include <stdio.h>

enum script_err action_rule_generate_key(struct script_ctx *c, const struct action *a,
					 const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_origin(c, a, s, k, SCRIPT_ORIGIN_GENERATE) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->generated[k->index], "generated");
}

int action_summary_generate_key(const struct script_step *s, const struct summary_parts *sp,
				char *out, size_t outlen)
{
	return snprintf(out, outlen, "Generate key '%s' (%s, %s)", sp->kid,
			script_key_kind_name(s->key->kind),
			script_algorithm_name(s->key->algorithm));
}

enum script_err action_rule_show_fingerprints(struct script_ctx *c, const struct action *a,
					      const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	(void)a;
	if (k != NULL && (k->origin == SCRIPT_ORIGIN_GENERATE || k->origin == SCRIPT_ORIGIN_SHARES))
		return action_need_secret(c, s, pr, k);
	return SCRIPT_OK;
}

int action_summary_show_fingerprints(const struct script_step *s, const struct summary_parts *sp,
				     char *out, size_t outlen)
{
	if (s->key != NULL)
		return snprintf(out, outlen, "Read aloud the fingerprints of '%s'", sp->kid);
	return snprintf(out, outlen,
			"Read aloud the fingerprints of every key and certificate so far");
}

enum script_err action_rule_split_shares(struct script_ctx *c, const struct action *a,
					 const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_origin(c, a, s, k, SCRIPT_ORIGIN_GENERATE) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->split[k->index], "split");
}

const struct script_custodian_set *action_share_set_split_shares(const struct script_step *s)
{
	return s->key->custodians;
}

int action_summary_split_shares(const struct script_step *s, const struct summary_parts *sp,
				char *out, size_t outlen)
{
	return snprintf(out, outlen, "Split '%s' for set '%s': %s", sp->kid, s->key->custodians->id,
			sp->set);
}

enum script_err action_rule_test_reconstruction(struct script_ctx *c, const struct action *a,
						const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	(void)a;
	if (!pr->split[k->index] && !pr->reshared[k->index])
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "key '%s' is tested before split-shares or reshare writes "
				   "its shares",
				   k->id);
	return action_once(c, s, &pr->tested[k->index], "test-reconstructed");
}

int action_summary_test_reconstruction(const struct script_step *s, const struct summary_parts *sp,
				       char *out, size_t outlen)
{
	(void)s;
	return snprintf(out, outlen, "Rebuild '%s' from a quorum of its new shares; check it",
			sp->kid);
}

enum script_err action_rule_collect_shares(struct script_ctx *c, const struct action *a,
					   const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_origin(c, a, s, k, SCRIPT_ORIGIN_SHARES) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->collected[k->index], "collected");
}

/* The key's certificate, to check the rebuilt key against. */
void action_inputs_collect_shares(const struct script_plan *plan, const struct script_step *s,
				  struct input_list *l)
{
	(void)plan;
	action_add_input(l, s->key->certificate);
}

int action_summary_collect_shares(const struct script_step *s, const struct summary_parts *sp,
				  char *out, size_t outlen)
{
	return snprintf(out, outlen, "Rebuild '%s' from a quorum of set '%s'", sp->kid,
			s->key->custodians->id);
}

enum script_err action_rule_reshare(struct script_ctx *c, const struct action *a,
				    const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_origin(c, a, s, k, SCRIPT_ORIGIN_SHARES) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK)
		return script_failed(c);
	if (s->custodians == k->custodians)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "reshare moves '%s' to a different custodian set", k->id);
	return action_once(c, s, &pr->reshared[k->index], "reshared");
}

const struct script_custodian_set *action_share_set_reshare(const struct script_step *s)
{
	return s->custodians;
}

int action_summary_reshare(const struct script_step *s, const struct summary_parts *sp, char *out,
			   size_t outlen)
{
	return snprintf(out, outlen, "Reshare '%s' to set '%s': %s; old shares superseded", sp->kid,
			s->custodians->id, sp->set);
}
