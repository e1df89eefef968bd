/*
 * Questions asked of a plan that do not depend on the step actions: lookups by id, custodian
 * sets and their shares, actors, the size of a key's secret. Pure functions of the plan.
 */
#include "ceremony/script/script_impl.h"

#include <string.h>

#define FIND(array, count)                                                                         \
	for (unsigned i_ = 0; i_ < plan->count; i_++)                                              \
		if (plan->array[i_].id != NULL && strcmp(plan->array[i_].id, id) == 0)             \
			return &plan->array[i_];                                                   \
	return NULL

const struct script_participant *script_find_participant(const struct script_plan *plan,
							 const char *id)
{
	FIND(participants, participant_count);
}
const struct script_custodian_set *script_find_set(const struct script_plan *plan, const char *id)
{
	FIND(sets, set_count);
}
const struct script_key *script_find_key(const struct script_plan *plan, const char *id)
{
	FIND(keys, key_count);
}
const struct script_input *script_find_input(const struct script_plan *plan, const char *id)
{
	FIND(inputs, input_count);
}
const struct script_output *script_find_output(const struct script_plan *plan, const char *id)
{
	FIND(outputs, output_count);
}
const struct script_medium *script_find_medium(const struct script_plan *plan, const char *id)
{
	FIND(media, medium_count);
}
const struct script_step *script_find_step(const struct script_plan *plan, const char *id)
{
	FIND(steps, step_count);
}

const struct script_medium *script_medium_of(const struct script_plan *plan,
					     const struct script_participant *p)
{
	for (unsigned i = 0; i < plan->medium_count; i++)
		if (plan->media[i].holder == p)
			return &plan->media[i];
	return NULL;
}

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

bool script_set_has(const struct script_custodian_set *set, const struct script_participant *p)
{
	for (unsigned g = 0; g < set->group_count; g++)
		for (unsigned m = 0; m < set->groups[g].count; m++)
			if (set->groups[g].members[m] == p)
				return true;
	return false;
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

const struct script_input *script_key_cert_input(const struct script_key *k)
{
	if (k->origin == SCRIPT_ORIGIN_CERTIFICATE)
		return k->input;
	return k->certificate;
}

unsigned script_role_count(const struct script_plan *plan, enum script_role role)
{
	unsigned n = 0;

	for (unsigned i = 0; i < plan->participant_count; i++)
		n += plan->participants[i].role == role;
	return n;
}
