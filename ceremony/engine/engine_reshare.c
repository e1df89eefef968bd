/* Reshare: the key stays, its custodians change. The rebuilt key is split to the step's set as a
 * new share set (a new SLIP-39 identifier), each share to its holder as in a key generation, and
 * the set it was rebuilt from is recorded as superseded: later ceremonies refuse its shares. */
#include <stdio.h>

#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_steps.h"

enum step_rc engine_step_reshare(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	struct transcript_actor a = engine_step_actor(e, s);
	enum step_rc rc;

	if (!k->collected || k->secret == NULL)
		return engine_fail(e, STEP_FAILED,
				   "'%s' must be rebuilt here before it is reshared", s->key->id);
	rc = engine_split_to(e, s, k, s->custodians);
	if (rc != STEP_OK)
		return rc;
	prompt_say(e->p, PROMPT_GOOD,
		   "  '%s' reshared to '%s' as set %04x; set %04x of ceremony %s is superseded",
		   s->key->id, s->custodians->id, k->set_id, k->collected_id,
		   s->key->input->ceremony);
	return engine_record(e, &a, "shares-superseded",
			     json_pack("{s:s,s:I,s:I,s:s,s:s}", "key", s->key->id, "identifier",
				       (json_int_t)k->collected_id, "replaced_by",
				       (json_int_t)k->set_id, "ceremony", s->key->input->ceremony,
				       "set", s->key->custodians->id));
}
