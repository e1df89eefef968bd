/*
 * Actions that make or check certificates, CSRs and CRLs: issue-root-certificate, export-csr,
 * sign-csr, sign-crl, import-certificate. Their rows are in action.c.
 */
#include "ceremony/script/action.h"

#include <stdio.h>

enum script_err action_rule_issue_root_certificate(struct script_ctx *c, const struct action *a,
						   const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	/* A Root rebuilt from shares is certified again with its old certificate beside it. */
	bool again = k->kind == SCRIPT_KEY_ROOT && k->origin == SCRIPT_ORIGIN_SHARES;

	if (action_need_kind(c, a, s, k,
			     (k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_GENERIC) &&
				 k->issuer == NULL) != SCRIPT_OK ||
	    (!again && action_need_origin(c, a, s, k, SCRIPT_ORIGIN_GENERATE) != SCRIPT_OK) ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK ||
	    (!again && action_certifiable(c, s, k) != SCRIPT_OK))
		return script_failed(c);
	if (again && (k->certificate == NULL || (c->plan->profile == SCRIPT_PROFILE_SMKI &&
						  k->policy_count == 0)))
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "certifying '%s' again needs its current certificate "
				   "('certificate') and, in the smki profile, its policies",
				   k->id);
	if (!action_apex_ready(pr, k))
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "the Root certificate of '%s' needs '%s' and '%s' generated "
				   "first",
				   k->id, k->apex->id, k->apex->wrapped_by->id);
	if (action_need_output(c, s, pr, SCRIPT_OUTPUT_CERTIFICATE, k) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->certified[k->index], "certified");
}

/* The root signs with its own key and carries the wrapped contingency key. */
bool action_uses_issue_root_certificate(const struct script_key *own, const struct script_key *k)
{
	return own == k || action_carries(own, k);
}

int action_summary_issue_root_certificate(const struct script_step *s,
					  const struct summary_parts *sp, char *out, size_t outlen)
{
	const struct script_key *apex = s->key->apex;

	return snprintf(out, outlen, "Self-sign the certificate of '%s'%s%s -> %s", sp->kid,
			apex ? " carrying wrapped " : "", apex ? apex->id : "", sp->dest);
}

enum script_err action_rule_export_csr(struct script_ctx *c, const struct action *a,
				       const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_kind(c, a, s, k,
			     k->kind == SCRIPT_KEY_RECOVERY || k->kind == SCRIPT_KEY_GENERIC) !=
		SCRIPT_OK ||
	    action_need_origin(c, a, s, k, SCRIPT_ORIGIN_GENERATE) != SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK ||
	    action_need_output(c, s, pr, SCRIPT_OUTPUT_CSR, k) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->csr[k->index], "exported as a CSR");
}

int action_summary_export_csr(const struct script_step *s, const struct summary_parts *sp,
			      char *out, size_t outlen)
{
	(void)s;
	return snprintf(out, outlen, "Export the CSR of '%s' -> %s", sp->kid, sp->dest);
}

enum script_err action_rule_sign_csr(struct script_ctx *c, const struct action *a,
				     const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_kind(c, a, s, k,
			     k->kind == SCRIPT_KEY_ISSUING || k->kind == SCRIPT_KEY_GENERIC) !=
		SCRIPT_OK ||
	    action_need_origin(c, a, s, k, SCRIPT_ORIGIN_CSR) != SCRIPT_OK ||
	    action_certifiable(c, s, k) != SCRIPT_OK)
		return script_failed(c);
	if (k->issuer == NULL)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "key '%s' names no issuer to sign its CSR", k->id);
	if (action_need_secret(c, s, pr, k->issuer) != SCRIPT_OK ||
	    action_need_output(c, s, pr, SCRIPT_OUTPUT_CERTIFICATE, k) != SCRIPT_OK)
		return script_failed(c);
	return action_once(c, s, &pr->certified[k->index], "certified");
}

/* The issuer's certificate chain (Root first), then the CSR. */
void action_inputs_sign_csr(const struct script_plan *plan, const struct script_step *s,
			    struct input_list *l)
{
	(void)plan;
	action_add_chain(l, s->key->issuer);
	action_add_input(l, s->key->input);
}

bool action_uses_sign_csr(const struct script_key *own, const struct script_key *k)
{
	return own == k || own->issuer == k;
}

int action_summary_sign_csr(const struct script_step *s, const struct summary_parts *sp, char *out,
			    size_t outlen)
{
	return snprintf(out, outlen, "Sign the CSR of '%s' with '%s' -> %s", sp->kid,
			s->key->issuer->id, sp->dest);
}

enum script_err action_rule_sign_crl(struct script_ctx *c, const struct action *a,
				     const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	if (action_need_kind(c, a, s, k,
			     k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_GENERIC) !=
		SCRIPT_OK ||
	    action_need_secret(c, s, pr, k) != SCRIPT_OK)
		return script_failed(c);
	return action_need_output(c, s, pr, SCRIPT_OUTPUT_CRL, k);
}

/* The signer's chain. */
void action_inputs_sign_crl(const struct script_plan *plan, const struct script_step *s,
			    struct input_list *l)
{
	(void)plan;
	action_add_chain(l, s->key);
}

int action_summary_sign_crl(const struct script_step *s, const struct summary_parts *sp, char *out,
			    size_t outlen)
{
	return snprintf(out, outlen, "Sign a CRL with '%s' (%u revoked) -> %s", sp->kid,
			s->output->revoked_count, sp->dest);
}

enum script_err action_rule_import_certificate(struct script_ctx *c, const struct action *a,
					       const struct script_step *s, struct progress *pr)
{
	const struct script_key *k = s->key;

	(void)a;
	if (s->input->type != SCRIPT_INPUT_CERTIFICATE)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "import-certificate takes an input of type certificate");
	if (c->plan->profile == SCRIPT_PROFILE_SMKI && k->kind == SCRIPT_KEY_RECOVERY &&
	    !k->has_entity_id)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "importing the Recovery certificate of '%s' checks its "
				   "entity identifier: the key needs 'entity-id'",
				   k->id);
	return action_need_secret(c, s, pr, k);
}

/* The chain the certificate must reach (a Recovery certificate chains through every Issuing CA
 * to the Root), then the certificate. */
void action_inputs_import_certificate(const struct script_plan *plan, const struct script_step *s,
				      struct input_list *l)
{
	const struct script_key *k = s->key;

	for (unsigned i = 0; k->kind == SCRIPT_KEY_RECOVERY && i < plan->key_count; i++)
		if (plan->keys[i].kind == SCRIPT_KEY_ISSUING)
			action_add_chain(l, &plan->keys[i]);
	action_add_chain(l, k->issuer);
	action_add_input(l, s->input);
}

int action_summary_import_certificate(const struct script_step *s, const struct summary_parts *sp,
				      char *out, size_t outlen)
{
	return snprintf(out, outlen, "Import certificate '%s' and check it against '%s'",
			s->input->id, sp->kid);
}
