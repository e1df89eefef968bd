/* Lookups over the engine's state: a key, an input, a key's certificate, what the earlier
 * ceremonies' transcripts say about a key. */
#include <string.h>

#include "ceremony/engine/engine_state.h"

struct engine_key *engine_key(struct engine *e, const struct script_key *sk)
{
	return &e->keys[sk->index];
}

struct engine_input *engine_input(struct engine *e, const struct script_input *in)
{
	struct engine_input *ei = &e->inputs[in - e->plan->inputs];

	return ei->done ? ei : NULL;
}

X509 *engine_key_cert(struct engine *e, const struct script_key *sk)
{
	struct engine_key *k = engine_key(e, sk);
	const struct script_input *in = script_key_cert_input(sk);
	struct engine_input *ei = in ? engine_input(e, in) : NULL;

	if (k->cert.type == PKI_OBJ_CERT)
		return k->cert.cert;
	return ei != NULL && ei->obj.type == PKI_OBJ_CERT ? ei->obj.cert : NULL;
}

bool engine_key_retired(struct engine *e, const char *name, const char *ceremony)
{
	for (unsigned i = 0; i < e->plan->input_count; i++)
		if (e->inputs[i].lineage != NULL &&
		    lineage_retired(e->inputs[i].lineage, name, ceremony, NULL) != NULL)
			return true;
	return false;
}

const struct lineage_key *engine_lineage_key(struct engine *e, const char *key,
					     const char *ceremony)
{
	for (unsigned i = 0; i < e->plan->input_count; i++) {
		const struct lineage *l = e->inputs[i].lineage;
		const struct lineage_key *lk;

		if (l == NULL || (ceremony != NULL && strcmp(l->ceremony, ceremony) != 0))
			continue;
		/* Any ceremony's: not one whose key of that name a later ceremony retired. */
		if (ceremony == NULL && engine_key_retired(e, key, l->ceremony))
			continue;
		if ((lk = lineage_key(l, key)) != NULL)
			return lk;
	}
	return NULL;
}
