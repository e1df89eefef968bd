/*
 * The rules that span sections of a script: which keys may be linked, which outputs belong to
 * which keys, and the order of steps (a key is generated or rebuilt before it is used, split and
 * test-reconstructed before the close, every output produced once and written). A script that
 * passes cannot stop half-way for a reason visible in the script itself.
 */
#include "ceremony/script/script.h"
#include "ceremony/script/script_impl.h"

#include <stdio.h>
#include <string.h>

static unsigned role_count(const struct script_plan *plan, enum script_role role)
{
	unsigned n = 0;

	for (unsigned i = 0; i < plan->participant_count; i++)
		n += plan->participants[i].role == role;
	return n;
}

static bool set_has(const struct script_custodian_set *set, const struct script_participant *p)
{
	for (unsigned g = 0; g < set->group_count; g++)
		for (unsigned m = 0; m < set->groups[g].count; m++)
			if (set->groups[g].members[m] == p)
				return true;
	return false;
}

static int check_keys(struct script_ctx *c)
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
					if (set_has(b, a->groups[g].members[m]))
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
	return 0;
}

static int check_inputs(struct script_ctx *c)
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
	return 0;
}

static int check_outputs(struct script_ctx *c)
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
	return 0;
}

/* What has happened to each key and output by a given step (step numbers, 0 = not yet). */
struct progress {
	unsigned generated[SCRIPT_MAX_KEYS], collected[SCRIPT_MAX_KEYS];
	unsigned split[SCRIPT_MAX_KEYS], tested[SCRIPT_MAX_KEYS];
	unsigned certified[SCRIPT_MAX_KEYS], csr[SCRIPT_MAX_KEYS], reshared[SCRIPT_MAX_KEYS];
	unsigned produced[SCRIPT_MAX_OUTPUTS];
	unsigned count[SCRIPT_ACTION_COUNT];
	unsigned last_producer, last_write;
};

static bool secret_here(const struct progress *pr, const struct script_key *k)
{
	return pr->generated[k->index] || pr->collected[k->index];
}

static int need_secret(struct script_ctx *c, const struct script_step *s, const struct progress *pr,
		       const struct script_key *k)
{
	if (!secret_here(pr, k))
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' uses key '%s' before a generate-key or "
				   "collect-shares step brings it",
				   s->id, k->id);
	return 0;
}

static int need_output(struct script_ctx *c, const struct script_step *s, struct progress *pr,
		       enum script_output_type type, const struct script_key *k)
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
	return 0;
}

static int need_origin(struct script_ctx *c, const struct script_step *s,
		       const struct script_key *k, enum script_origin origin)
{
	if (k->origin != origin)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "a %s step needs a key of origin %s; '%s' is %s",
				   script_action_name(s->action), script_origin_name(origin), k->id,
				   script_origin_name(k->origin));
	return 0;
}

static int need_kind(struct script_ctx *c, const struct script_step *s, const struct script_key *k,
		     bool ok)
{
	if (!ok)
		return script_fail(c, s->line, SCRIPT_E_RULE, "a %s step does not take a %s key",
				   script_action_name(s->action), script_key_kind_name(k->kind));
	return 0;
}

static int once(struct script_ctx *c, const struct script_step *s, unsigned *slot, const char *done)
{
	if (*slot)
		return script_fail(c, s->line, SCRIPT_E_RULE, "key '%s' is already %s in step %u",
				   s->key->id, done, *slot);
	*slot = s->number;
	return 0;
}

/* A certificate made here needs a validity, and in the smki profile a policy. */
static int certifiable(struct script_ctx *c, const struct script_step *s,
		       const struct script_key *k)
{
	if (k->validity.years == 0 && k->validity.days == 0)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' certifies '%s', which has no validity", s->id, k->id);
	return 0;
}

static int check_step(struct script_ctx *c, const struct script_step *s, struct progress *pr)
{
	const struct script_plan *plan = c->plan;
	const struct script_key *k = s->key;
	unsigned ki = k != NULL ? k->index : 0;

	if (s->actor.is_role && role_count(plan, s->actor.role) == 0)
		return script_fail(c, s->line, SCRIPT_E_REFERENCE,
				   "no participant has the role %s",
				   script_role_name(s->actor.role));
	if (pr->count[SCRIPT_ACT_CLOSE])
		return script_fail(c, s->line, SCRIPT_E_RULE, "close is the last step");
	if (!pr->count[SCRIPT_ACT_GO_NO_GO] && s->action != SCRIPT_ACT_ATTENDANCE &&
	    s->action != SCRIPT_ACT_ACKNOWLEDGE && s->action != SCRIPT_ACT_GO_NO_GO)
		return script_fail(c, s->line, SCRIPT_E_RULE,
				   "step '%s' comes before the go-no-go step", s->id);
	pr->count[s->action]++;

	switch (s->action) {
	case SCRIPT_ACT_GO_NO_GO:
	case SCRIPT_ACT_ATTENDANCE:
	case SCRIPT_ACT_ENTROPY:
	case SCRIPT_ACT_CLOSE:
		if (pr->count[s->action] > 1)
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "a ceremony has one %s step",
					   script_action_name(s->action));
		if (s->action == SCRIPT_ACT_GO_NO_GO && !pr->count[SCRIPT_ACT_ATTENDANCE])
			return script_fail(
			    c, s->line, SCRIPT_E_RULE,
			    "attendance comes before go-no-go (its quorum check counts "
			    "who is present)");
		if (s->action == SCRIPT_ACT_ENTROPY && pr->count[SCRIPT_ACT_GENERATE_KEY])
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "entropy comes before the first generate-key step");
		return 0;
	case SCRIPT_ACT_GENERATE_KEY:
		if (need_origin(c, s, k, SCRIPT_ORIGIN_GENERATE) != 0)
			return -1;
		return once(c, s, &pr->generated[ki], "generated");
	case SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE:
		if (need_kind(c, s, k,
			      (k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_GENERIC) &&
				  k->issuer == NULL) != 0 ||
		    need_origin(c, s, k, SCRIPT_ORIGIN_GENERATE) != 0 ||
		    need_secret(c, s, pr, k) != 0 || certifiable(c, s, k) != 0)
			return -1;
		if (k->apex != NULL &&
		    (!pr->generated[k->apex->index] || !pr->generated[k->apex->wrapped_by->index]))
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "the Root certificate of '%s' needs '%s' and '%s' "
					   "generated first",
					   k->id, k->apex->id, k->apex->wrapped_by->id);
		if (need_output(c, s, pr, SCRIPT_OUTPUT_CERTIFICATE, k) != 0)
			return -1;
		return once(c, s, &pr->certified[ki], "certified");
	case SCRIPT_ACT_EXPORT_CSR:
		if (need_kind(c, s, k,
			      k->kind == SCRIPT_KEY_RECOVERY || k->kind == SCRIPT_KEY_GENERIC) !=
			0 ||
		    need_origin(c, s, k, SCRIPT_ORIGIN_GENERATE) != 0 ||
		    need_secret(c, s, pr, k) != 0 ||
		    need_output(c, s, pr, SCRIPT_OUTPUT_CSR, k) != 0)
			return -1;
		return once(c, s, &pr->csr[ki], "exported as a CSR");
	case SCRIPT_ACT_SHOW_FINGERPRINTS:
		if (k != NULL &&
		    (k->origin == SCRIPT_ORIGIN_GENERATE || k->origin == SCRIPT_ORIGIN_SHARES))
			return need_secret(c, s, pr, k);
		return 0;
	case SCRIPT_ACT_SPLIT_SHARES:
		if (need_origin(c, s, k, SCRIPT_ORIGIN_GENERATE) != 0 ||
		    need_secret(c, s, pr, k) != 0)
			return -1;
		return once(c, s, &pr->split[ki], "split");
	case SCRIPT_ACT_TEST_RECONSTRUCTION:
		if (!pr->split[ki] && !pr->reshared[ki])
			return script_fail(
			    c, s->line, SCRIPT_E_RULE,
			    "key '%s' is tested before split-shares or reshare writes "
			    "its shares",
			    k->id);
		return once(c, s, &pr->tested[ki], "test-reconstructed");
	case SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS:
		pr->last_write = s->number;
		return 0;
	case SCRIPT_ACT_COLLECT_SHARES:
		if (need_origin(c, s, k, SCRIPT_ORIGIN_SHARES) != 0)
			return -1;
		return once(c, s, &pr->collected[ki], "collected");
	case SCRIPT_ACT_SIGN_CSR:
		if (need_kind(c, s, k,
			      k->kind == SCRIPT_KEY_ISSUING || k->kind == SCRIPT_KEY_GENERIC) !=
			0 ||
		    need_origin(c, s, k, SCRIPT_ORIGIN_CSR) != 0 || certifiable(c, s, k) != 0)
			return -1;
		if (k->issuer == NULL)
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "key '%s' names no issuer to sign its CSR", k->id);
		if (need_secret(c, s, pr, k->issuer) != 0 ||
		    need_output(c, s, pr, SCRIPT_OUTPUT_CERTIFICATE, k) != 0)
			return -1;
		return once(c, s, &pr->certified[ki], "certified");
	case SCRIPT_ACT_SIGN_CRL:
		if (need_kind(c, s, k,
			      k->kind == SCRIPT_KEY_ROOT || k->kind == SCRIPT_KEY_GENERIC) != 0 ||
		    need_secret(c, s, pr, k) != 0)
			return -1;
		return need_output(c, s, pr, SCRIPT_OUTPUT_CRL, k);
	case SCRIPT_ACT_IMPORT_CERTIFICATE:
		if (s->input->type != SCRIPT_INPUT_CERTIFICATE)
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "import-certificate takes an input of type certificate");
		if (plan->profile == SCRIPT_PROFILE_SMKI && k->kind == SCRIPT_KEY_RECOVERY &&
		    !k->has_entity_id)
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "importing the Recovery certificate of '%s' checks its "
					   "entity identifier: the key needs 'entity-id'",
					   k->id);
		return need_secret(c, s, pr, k);
	case SCRIPT_ACT_CONTINGENCY_TEST:
		if (need_kind(c, s, k,
			      k->kind == SCRIPT_KEY_CONTINGENCY && k->wrapped_by != NULL) != 0 ||
		    need_secret(c, s, pr, k) != 0 || need_secret(c, s, pr, k->wrapped_by) != 0)
			return -1;
		if (s->input->type != SCRIPT_INPUT_CERTIFICATE)
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "contingency-test takes the Root certificate as input");
		return 0;
	case SCRIPT_ACT_CONTINGENCY_REPLACE:
		if (need_kind(c, s, k,
			      k->kind == SCRIPT_KEY_ROOT && k->issuer != NULL &&
				  k->issuer->wrapped_by != NULL) != 0 ||
		    need_origin(c, s, k, SCRIPT_ORIGIN_GENERATE) != 0 ||
		    need_secret(c, s, pr, k) != 0 || need_secret(c, s, pr, k->issuer) != 0 ||
		    need_secret(c, s, pr, k->issuer->wrapped_by) != 0 || certifiable(c, s, k) != 0)
			return -1;
		if (k->apex != NULL &&
		    (!pr->generated[k->apex->index] || !pr->generated[k->apex->wrapped_by->index]))
			return script_fail(
			    c, s->line, SCRIPT_E_RULE,
			    "the replacement Root '%s' needs '%s' and '%s' generated "
			    "first",
			    k->id, k->apex->id, k->apex->wrapped_by->id);
		if (need_output(c, s, pr, SCRIPT_OUTPUT_CERTIFICATE, k) != 0)
			return -1;
		return once(c, s, &pr->certified[ki], "certified");
	case SCRIPT_ACT_RESHARE:
		if (need_origin(c, s, k, SCRIPT_ORIGIN_SHARES) != 0 ||
		    need_secret(c, s, pr, k) != 0)
			return -1;
		if (s->custodians == k->custodians)
			return script_fail(c, s->line, SCRIPT_E_RULE,
					   "reshare moves '%s' to a different custodian set",
					   k->id);
		return once(c, s, &pr->reshared[ki], "reshared");
	case SCRIPT_ACT_ACKNOWLEDGE:
		return 0;
	}
	return 0;
}

/* After the last step: everything begun is finished. */
static int check_end(struct script_ctx *c, const struct progress *pr)
{
	const struct script_plan *plan = c->plan;
	const struct script_step *last = &plan->steps[plan->step_count - 1];

	if (!pr->count[SCRIPT_ACT_ATTENDANCE] || !pr->count[SCRIPT_ACT_GO_NO_GO])
		return script_fail(c, plan->steps[0].line, SCRIPT_E_RULE,
				   "every ceremony has an attendance and a go-no-go step");
	if (last->action != SCRIPT_ACT_CLOSE)
		return script_fail(c, last->line, SCRIPT_E_RULE, "the last step is close");
	for (unsigned i = 0; i < plan->key_count; i++) {
		const struct script_key *k = &plan->keys[i];

		if (k->origin == SCRIPT_ORIGIN_GENERATE && !pr->generated[i])
			return script_fail(c, k->line, SCRIPT_E_RULE,
					   "key '%s' is never generated", k->id);
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
		if (plan->profile != SCRIPT_PROFILE_SMKI || k->origin != SCRIPT_ORIGIN_GENERATE)
			continue;
		if (k->kind == SCRIPT_KEY_ROOT && !pr->certified[i])
			return script_fail(c, k->line, SCRIPT_E_RULE,
					   "root key '%s' gets no certificate", k->id);
		if (k->kind == SCRIPT_KEY_RECOVERY && !pr->csr[i])
			return script_fail(c, k->line, SCRIPT_E_RULE,
					   "recovery key '%s' gets no export-csr step", k->id);
		if (k->kind == SCRIPT_KEY_CONTINGENCY) {
			bool carried = false;

			for (unsigned j = 0; j < plan->key_count; j++)
				carried = carried || plan->keys[j].apex == k;
			if (!carried)
				return script_fail(c, k->line, SCRIPT_E_RULE,
						   "contingency key '%s' is in no Root certificate "
						   "(apex-contingency-key)",
						   k->id);
		}
	}
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
	return 0;
}

/* Everyone who receives a share here has a medium to receive it on. */
static int check_media(struct script_ctx *c)
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
	return 0;
}

int script_check_rules(struct script_ctx *c)
{
	const struct script_plan *plan = c->plan;
	struct progress pr;

	memset(&pr, 0, sizeof(pr));
	if (role_count(plan, SCRIPT_ROLE_ADMINISTRATOR) == 0 ||
	    role_count(plan, SCRIPT_ROLE_WITNESS) == 0)
		return script_fail(c, plan->participants[0].line, SCRIPT_E_RULE,
				   "a ceremony needs an administrator and at least one witness");
	if (check_keys(c) != 0 || check_inputs(c) != 0 || check_outputs(c) != 0)
		return -1;
	for (unsigned i = 0; i < plan->step_count; i++)
		if (check_step(c, &plan->steps[i], &pr) != 0)
			return -1;
	if (check_end(c, &pr) != 0)
		return -1;
	return check_media(c);
}

/* ---- helpers for the engine ------------------------------------------------------------------ */

unsigned script_key_secret_bits(const struct script_key *key)
{
	if (key->origin == SCRIPT_ORIGIN_CSR || key->origin == SCRIPT_ORIGIN_CERTIFICATE)
		return 0;
	switch (key->algorithm) {
	case SCRIPT_ALG_AES_128:
		return 128;
	case SCRIPT_ALG_EC_P384:
	case SCRIPT_ALG_EC_P256:
	case SCRIPT_ALG_ED25519:
	case SCRIPT_ALG_AES_256:
	case SCRIPT_ALG_RSA_3072:
	case SCRIPT_ALG_RSA_4096:
		return 256;
	}
	return 0;
}

unsigned script_share_words(unsigned secret_bits)
{
	/* id, extendable flag, exponent: 2 words; group and member fields: 2; checksum: 3. */
	return secret_bits == 0 ? 0 : 7 + (secret_bits + 9) / 10;
}

const struct script_participant *script_set_share(const struct script_custodian_set *set,
						  unsigned n, unsigned *group, unsigned *member)
{
	for (unsigned g = 0; g < set->group_count && n > 0; g++) {
		if (n <= set->groups[g].count) {
			if (group != NULL)
				*group = g + 1;
			if (member != NULL)
				*member = n;
			return set->groups[g].members[n - 1];
		}
		n -= set->groups[g].count;
	}
	return NULL;
}

bool script_set_present(const struct script_custodian_set *set, const bool *present, bool all)
{
	unsigned groups = 0;

	for (unsigned g = 0; g < set->group_count; g++) {
		const struct script_group *gr = &set->groups[g];
		unsigned here = 0;

		for (unsigned m = 0; m < gr->count; m++)
			here += present[gr->members[m]->index];
		if (all && here < gr->count)
			return false;
		groups += here >= gr->threshold;
	}
	return groups >= set->group_threshold;
}

unsigned script_set_quorum(const struct script_custodian_set *set, unsigned *out, unsigned max)
{
	unsigned n = 0, first = 1;

	for (unsigned g = 0; g < set->group_threshold; g++) {
		for (unsigned m = 0; m < set->groups[g].threshold && n < max; m++)
			out[n++] = first + m;
		first += set->groups[g].count;
	}
	return n;
}

bool script_actor_includes(const struct script_actor *actor, const struct script_participant *p)
{
	return actor->is_role ? p->role == actor->role : p == actor->participant;
}

const struct script_custodian_set *script_step_share_set(const struct script_step *s)
{
	if (s->action == SCRIPT_ACT_SPLIT_SHARES)
		return s->key->custodians;
	if (s->action == SCRIPT_ACT_RESHARE)
		return s->custodians;
	return NULL;
}

static int set_phrase(const struct script_custodian_set *set, char *out, size_t outlen)
{
	int n;

	if (set->group_count == 1)
		n = snprintf(out, outlen, "%u shares, %u needed", set->share_count,
			     set->groups[0].threshold);
	else
		n = snprintf(out, outlen, "%u shares in %u groups, %u groups needed",
			     set->share_count, set->group_count, set->group_threshold);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int script_step_summary(const struct script_step *s, char *out, size_t outlen)
{
	const struct script_key *k = s->key;
	const struct script_output *o = s->output;
	const char *kid = k != NULL ? k->id : "";
	char set[64] = "", dest[SCRIPT_ID_MAX + SCRIPT_FILE_MAX + 8] = "";
	int n = -1;

	if (o != NULL)
		snprintf(dest, sizeof(dest), "%s/%s", o->medium->id, o->file);
	if (script_step_share_set(s) != NULL &&
	    set_phrase(script_step_share_set(s), set, sizeof(set)) != 0)
		return -1;
	switch (s->action) {
	case SCRIPT_ACT_GO_NO_GO:
		n = snprintf(out, outlen,
			     "Go/no-go: air gap, entropy, clock, image and script "
			     "hashes, self-tests, quorum, media");
		break;
	case SCRIPT_ACT_ATTENDANCE:
		n = snprintf(out, outlen, "Attendance: the identity of every participant checked");
		break;
	case SCRIPT_ACT_ENTROPY:
		n = snprintf(out, outlen, "Dice rolls (optional) mixed into the random generator");
		break;
	case SCRIPT_ACT_GENERATE_KEY:
		n = snprintf(out, outlen, "Generate key '%s' (%s, %s)", kid,
			     script_key_kind_name(k->kind), script_algorithm_name(k->algorithm));
		break;
	case SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE:
		n = snprintf(out, outlen, "Self-sign the certificate of '%s'%s%s -> %s", kid,
			     k->apex ? " carrying wrapped " : "", k->apex ? k->apex->id : "", dest);
		break;
	case SCRIPT_ACT_EXPORT_CSR:
		n = snprintf(out, outlen, "Export the CSR of '%s' -> %s", kid, dest);
		break;
	case SCRIPT_ACT_SHOW_FINGERPRINTS:
		if (k != NULL)
			n = snprintf(out, outlen, "Read aloud the fingerprints of '%s'", kid);
		else
			n = snprintf(out, outlen,
				     "Read aloud the fingerprints of every key and "
				     "certificate so far");
		break;
	case SCRIPT_ACT_SPLIT_SHARES:
		n = snprintf(out, outlen, "Split '%s' for set '%s': %s", kid, k->custodians->id,
			     set);
		break;
	case SCRIPT_ACT_TEST_RECONSTRUCTION:
		n = snprintf(out, outlen, "Rebuild '%s' from a quorum of its new shares; check it",
			     kid);
		break;
	case SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS:
		n = snprintf(out, outlen, "Write the public outputs and SHA256SUMS to their media");
		break;
	case SCRIPT_ACT_COLLECT_SHARES:
		n = snprintf(out, outlen, "Rebuild '%s' from a quorum of set '%s'", kid,
			     k->custodians->id);
		break;
	case SCRIPT_ACT_SIGN_CSR:
		n = snprintf(out, outlen, "Sign the CSR of '%s' with '%s' -> %s", kid,
			     k->issuer->id, dest);
		break;
	case SCRIPT_ACT_SIGN_CRL:
		n = snprintf(out, outlen, "Sign a CRL with '%s' (%u revoked) -> %s", kid,
			     o->revoked_count, dest);
		break;
	case SCRIPT_ACT_IMPORT_CERTIFICATE:
		n = snprintf(out, outlen, "Import certificate '%s' and check it against '%s'",
			     s->input->id, kid);
		break;
	case SCRIPT_ACT_CONTINGENCY_TEST:
		n = snprintf(out, outlen, "Unwrap '%s' from '%s' with '%s'; prove it signs", kid,
			     s->input->id, k->wrapped_by->id);
		break;
	case SCRIPT_ACT_CONTINGENCY_REPLACE:
		n = snprintf(out, outlen,
			     "Sign replacement Root '%s' with '%s', revealing '%s' -> %s", kid,
			     k->issuer->id, k->issuer->wrapped_by->id, dest);
		break;
	case SCRIPT_ACT_RESHARE:
		n = snprintf(out, outlen, "Reshare '%s' to set '%s': %s; old shares superseded",
			     kid, s->custodians->id, set);
		break;
	case SCRIPT_ACT_ACKNOWLEDGE:
		n = snprintf(out, outlen, "Confirm: %.*s", (int)strcspn(s->text, "\n"), s->text);
		break;
	case SCRIPT_ACT_CLOSE:
		n = snprintf(out, outlen,
			     "Close: secrets wiped, final record, final digest copied");
		break;
	}
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}
