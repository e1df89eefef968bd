/* Sealing: after the last step that uses the custodians' cards and media, each custodian who
 * received shares seals their medium and cards in one numbered tamper-evident bag; the numbers
 * are shown for a witness to check against the bags, and recorded (share-accepted). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_slip.h"
#include "ceremony/engine/engine_steps.h"

#define BAG_MAX 32

struct bags {
	char bag[SCRIPT_MAX_PARTICIPANTS][BAG_MAX + 1]; /* "" for none */
	const struct script_plan *plan;
	unsigned asking; /* participant index being asked */
};

static bool media_action(enum script_action a)
{
	return a == SCRIPT_ACT_SPLIT_SHARES || a == SCRIPT_ACT_TEST_RECONSTRUCTION ||
	       a == SCRIPT_ACT_RESHARE || a == SCRIPT_ACT_COLLECT_SHARES;
}

/* Bag numbers: 1..32 of A-Z a-z 0-9 and '-', as printed on tamper-evident bags. */
static const char *check_bag(const char *v, size_t len, void *ctx)
{
	(void)ctx;
	if (len == 0 || len > BAG_MAX)
		return "a bag number has 1 to 32 characters";
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '-')
			return "a bag number has letters, digits and '-' only";
	return NULL;
}

/* The custodian who has bag number v already, other than the one asked; NULL if none. */
static const struct script_participant *bag_taken(const struct bags *b, const char *v)
{
	for (unsigned i = 0; i < b->plan->participant_count; i++)
		if (i != b->asking && strcmp(b->bag[i], v) == 0)
			return &b->plan->participants[i];
	return NULL;
}

/* One custodian's bag number at id (question q), until it is one no other custodian has: a
 * number used twice is a slip, said and recorded, and asked again. */
static enum step_rc ask_bag(struct engine *e, struct bags *b, const struct script_participant *p,
			    const char *id, const char *q)
{
	struct transcript_actor a = engine_actor(p);
	const struct script_participant *other;
	char qt[1000], t[32], why[200], nid[ANSWERS_ID_MAX + 1];
	enum step_rc rc;

	if (prompt_id(nid, sizeof(nid), PROMPT_ID_SEAL_NEXT, p->id) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", p->id);
	for (unsigned attempt = 1;; attempt++) {
		int prc;

		rc = engine_after_tries(e, &a, nid,
					"The bag number was used twice at every try. Ask again?",
					&attempt);
		if (rc != STEP_OK)
			return rc;
		snprintf(qt, sizeof(qt), "%s%s:", q, engine_try_text(t, sizeof(t), attempt));
		prc = prompt_text(e->p, id, qt, 0, check_bag, NULL, b->bag[p->index],
				  sizeof(b->bag[p->index]));
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		if ((other = bag_taken(b, b->bag[p->index])) == NULL)
			return STEP_OK;
		snprintf(why, sizeof(why), "Bag %s is recorded already, for %s", b->bag[p->index],
			 other->name);
		b->bag[p->index][0] = '\0';
		if (prompt_from_answers(e->p))
			return engine_fail(e, STEP_FAILED, "%s: %s", id, why);
		if ((rc = engine_slip(e, &a, id, attempt, why)) != STEP_OK)
			return rc;
	}
}

/* The shares participant p received in this ceremony, as "root share 1, recovery share 2". */
static unsigned shares_of(struct engine *e, const struct script_participant *p, char *out,
			  size_t outlen)
{
	unsigned count = 0;
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < e->plan->key_count; i++) {
		const struct engine_key *k = &e->keys[i];

		if (!k->split || k->share_set == NULL)
			continue;
		for (unsigned n = 1; n <= k->share_set->share_count; n++) {
			unsigned g, m;
			int w;

			if (script_set_share(k->share_set, n, &g, &m) != p)
				continue;
			w = snprintf(out + used, outlen - used, "%s%s share %u", count ? ", " : "",
				     k->sk->id, n);
			if (w > 0 && (size_t)w < outlen - used)
				used += (size_t)w;
			count++;
		}
	}
	return count;
}

static enum step_rc ask_bags(struct engine *e, struct bags *b)
{
	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		const struct script_medium *m = script_medium_of(e->plan, p);
		char id[ANSWERS_ID_MAX + 1], list[600], q[900];
		enum step_rc rc;

		if (m == NULL || shares_of(e, p, list, sizeof(list)) == 0)
			continue;
		if (prompt_id(id, sizeof(id), PROMPT_ID_SEAL_BAG, p->id) != 0)
			return engine_fail(e, STEP_ERROR, "prompt id too long for %s", p->id);
		b->asking = i;
		b->bag[i][0] = '\0';
		snprintf(q, sizeof(q),
			 "%s, seal your medium '%s' and your share cards (%s) in one "
			 "tamper-evident bag, and type its number",
			 p->name, m->id, list);
		if ((rc = ask_bag(e, b, p, id, q)) != STEP_OK)
			return rc;
	}
	return STEP_OK;
}

/* The recorded numbers, for the witness to hold each bag against. */
static void show_bags(struct engine *e, const struct bags *b)
{
	prompt_say(e->p, PROMPT_HEADING, "Bag numbers recorded");
	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		char list[600];

		if (b->bag[i][0] == '\0')
			continue;
		shares_of(e, p, list, sizeof(list));
		prompt_say(e->p, PROMPT_PLAIN, "  bag %-12s %s: medium '%s', %s", b->bag[i],
			   p->name, script_medium_of(e->plan, p)->id, list);
	}
}

/* A witness present at the ceremony, as the actor of the check. */
static struct transcript_actor witness(struct engine *e, const struct script_step *s)
{
	for (unsigned i = 0; i < e->plan->participant_count; i++)
		if (e->plan->participants[i].role == SCRIPT_ROLE_WITNESS && e->present[i])
			return engine_actor(&e->plan->participants[i]);
	return engine_step_actor(e, s);
}

/* share-accepted for every share, by its holder, with the bag it is sealed in. */
static enum step_rc record_bags(struct engine *e, const struct bags *b)
{
	enum step_rc rc = STEP_OK;

	for (unsigned i = 0; rc == STEP_OK && i < e->plan->key_count; i++) {
		const struct engine_key *k = &e->keys[i];

		for (unsigned n = 1;
		     rc == STEP_OK && k->split && k->share_set && n <= k->share_set->share_count;
		     n++) {
			unsigned g, m;
			const struct script_participant *p =
			    script_set_share(k->share_set, n, &g, &m);
			struct transcript_actor a = engine_actor(p);

			rc = engine_record(e, &a, "share-accepted",
					   json_pack("{s:s,s:I,s:I,s:s,s:I}", "key", k->sk->id,
						     "group", (json_int_t)(g - 1), "member",
						     (json_int_t)(m - 1), "bag", b->bag[p->index],
						     "number", (json_int_t)n));
		}
	}
	return rc;
}

enum step_rc engine_seal(struct engine *e, unsigned i)
{
	const struct script_step *s = &e->plan->steps[i];
	struct transcript_actor w = witness(e, s);
	struct bags b;
	enum step_rc rc;
	bool any = false, yes = false;

	if (!media_action(s->action))
		return STEP_OK;
	for (unsigned j = i + 1; j < e->plan->step_count; j++)
		if (media_action(e->plan->steps[j].action))
			return STEP_OK;
	for (unsigned k = 0; k < e->plan->key_count; k++)
		any |= e->keys[k].split && e->keys[k].share_set != NULL;
	if (!any)
		return STEP_OK;
	memset(&b, 0, sizeof(b));
	b.plan = e->plan;
	prompt_clear(e->p);
	prompt_say(e->p, PROMPT_HEADING, "Sealing: the cards and media are not needed any more");
	for (unsigned attempt = 1;; attempt++) {

		rc = engine_after_tries(e, &w, PROMPT_ID_SEAL_CHECK_NEXT,
					"The bags did not match at any try. Type the numbers again?",
					&attempt);
		if (rc != STEP_OK)
			return rc;
		if ((rc = ask_bags(e, &b)) != STEP_OK)
			return rc;
		show_bags(e, &b);
		rc = engine_prompt_rc(e,
				      prompt_confirm(e->p, PROMPT_ID_SEAL_CHECK,
						     "Witness: does each bag carry the number "
						     "recorded for it above?",
						     &yes),
				      PROMPT_ID_SEAL_CHECK);
		if (rc != STEP_OK || yes)
			break;
		if (prompt_from_answers(e->p))
			return engine_fail(e, STEP_FAILED, "the bag numbers do not match the bags");
		if ((rc = engine_slip(e, &w, PROMPT_ID_SEAL_CHECK, attempt,
				      "Then the numbers are typed again")) != STEP_OK)
			return rc;
	}
	if (rc == STEP_OK)
		rc = engine_record(
		    e, &w, "acknowledgement",
		    json_pack("{s:s}", "subject", "each bag carries the number recorded for it"));
	return rc == STEP_OK ? record_bags(e, &b) : rc;
}
