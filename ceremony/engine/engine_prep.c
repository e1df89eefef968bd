/* Preparation steps: attendance, go/no-go, entropy; and the steps where people confirm what they
 * see: acknowledgements and fingerprints. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_steps.h"
#include "ceremony/base/fpr.h"
#include "ceremony/checks/preflight.h"
#include "ceremony/checks/selftest.h"

/* Asks every participant the step's actor covers to confirm text; a "no" stops the ceremony. */
static enum step_rc confirm_each(struct engine *e, const struct script_step *s,
				 const char *question, const char *event)
{
	unsigned asked = 0;

	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		struct transcript_actor a = engine_actor(p);
		char id[ANSWERS_ID_MAX + 1], q[512];
		bool yes = false;
		int prc;
		enum step_rc rc;

		if (!e->present[p->index] || !script_actor_includes(&s->actor, p))
			continue;
		if (prompt_id(id, sizeof(id), PROMPT_ID_ACK, s->id, p->id) != 0)
			return engine_fail(e, STEP_ERROR, "prompt id too long in step %s", s->id);
		snprintf(q, sizeof(q), "%s (%s): %s", p->name, script_role_name(p->role),
			 question);
		prc = prompt_confirm(e->p, id, q, &yes);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		if (!yes)
			return engine_fail(e, STEP_INTERRUPTED, "%s did not confirm step %s",
					   p->name, s->id);
		rc = engine_record(e, &a, event, json_pack("{s:s,s:s}", "participant", p->id,
							   "subject", question));
		if (rc != STEP_OK)
			return rc;
		asked++;
	}
	if (asked == 0)
		return engine_fail(e, STEP_FAILED, "nobody present can confirm step %s", s->id);
	return STEP_OK;
}

enum step_rc engine_confirm_each(struct engine *e, const struct script_step *s,
				 const char *question, const char *event)
{
	return confirm_each(e, s, question, event);
}

enum step_rc engine_step_attendance(struct engine *e, const struct script_step *s)
{
	bool admin = false, witness = false;

	(void)s;
	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		struct transcript_actor a = engine_actor(p);
		char id[ANSWERS_ID_MAX + 1], q[512];
		bool yes = false;
		int prc;
		enum step_rc rc;

		if (prompt_id(id, sizeof(id), PROMPT_ID_ATTENDANCE, p->id) != 0)
			return engine_fail(e, STEP_ERROR, "prompt id too long for %s", p->id);
		snprintf(q, sizeof(q),
			 "Is %s (%s) present, with identity checked against an official document?",
			 p->name, script_role_name(p->role));
		prc = prompt_confirm(e->p, id, q, &yes);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		e->present[p->index] = yes;
		admin |= yes && p->role == SCRIPT_ROLE_ADMINISTRATOR;
		witness |= yes && p->role == SCRIPT_ROLE_WITNESS;
		rc = engine_record(e, &a, "attendance",
				   json_pack("{s:s,s:s,s:s,s:b,s:s}", "participant", p->id,
					     "name", p->name, "role", script_role_name(p->role),
					     "present", yes, "identity",
					     yes ? "checked against an official document"
						 : "absent"));
		if (rc != STEP_OK)
			return rc;
	}
	if (!admin)
		return engine_fail(e, STEP_FAILED, "no ceremony administrator is present");
	if (!witness)
		return engine_fail(e, STEP_FAILED, "no witness is present");
	return STEP_OK;
}

/* Directory backend: a medium is present when its directory exists. */
static bool medium_present(void *ctx, const struct script_medium *m)
{
	struct engine *e = ctx;
	char path[4096];
	struct stat st;

	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return false;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The confirmations people give at the go/no-go: who answers, and what. */
struct go_question {
	const char *id;
	const char *field; /* its name in the go-no-go record */
	enum script_role role;
	const char *question;
};

static enum step_rc ask_role(struct engine *e, const struct go_question *g, json_t *confirmed)
{
	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		bool yes = false;
		int prc;

		if (!e->present[p->index] || p->role != g->role)
			continue;
		prc = prompt_confirm(e->p, g->id, g->question, &yes);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, g->id);
		json_object_set_new(confirmed, g->field,
				    json_pack("{s:s,s:b}", "by", p->id, "yes", yes));
		if (!yes)
			return engine_fail(e, STEP_NOGO, "%s answered no to %s", p->name, g->id);
		return STEP_OK;
	}
	return engine_fail(e, STEP_NOGO, "nobody present in the role %s for %s",
			   script_role_name(g->role), g->id);
}

/* What the go/no-go gathers for its record, and whether it said GO. */
struct go {
	struct preflight_report *r;
	struct transcript_actor admin;
	json_t *checks, *confirmed, *overrides;
	bool decided;	 /* the administrator declared GO */
	bool unrecorded; /* the transcript refused a record: no go-no-go record follows */
};

/* The preflight checks and the self-tests, into g->r. */
static void run_checks(struct engine *e, struct go *g)
{
	struct preflight_config cfg;
	char detail[PREFLIGHT_DETAIL_MAX];
	bool ok;

	memset(&cfg, 0, sizeof(cfg));
	cfg.sysfs = e->o->sysfs;
	cfg.entropy_timeout_ms = PREFLIGHT_ENTROPY_TIMEOUT_MS;
	cfg.now = (time_t)engine_now(e);
	cfg.image_hash_file = e->o->image_hash;
	cfg.plan = e->plan;
	cfg.present = e->present;
	cfg.medium_present = medium_present;
	cfg.medium_ctx = e;
	preflight_init(g->r);
	prompt_say(e->p, PROMPT_PLAIN,
		   "Checking the air gap, entropy, clock, hashes, quorum and "
		   "media; running the self-tests...");
	preflight_run(g->r, &cfg);
	ok = selftest_run(detail, sizeof(detail)) == 0;
	preflight_add(g->r, "self-tests", ok, "%s", detail);
}

static void show_checks(struct engine *e, struct go *g)
{
	for (size_t i = 0; i < g->r->count; i++) {
		const struct preflight_check *c = &g->r->checks[i];

		prompt_say(e->p, c->passed ? PROMPT_GOOD : PROMPT_BAD, "  [%s] %-22s %s",
			   c->passed ? " ok " : "FAIL", c->id, c->detail);
		json_array_append_new(g->checks, json_pack("{s:s,s:b,s:s}", "id", c->id, "passed",
							   c->passed, "detail", c->detail));
	}
}

/* A failed check is NO-GO; in a rehearsal the administrator may override it, and the override
 * is recorded as an exception. */
static enum step_rc override(struct engine *e, struct go *g, const struct preflight_check *c)
{
	char id[ANSWERS_ID_MAX + 1], q[400];
	bool yes = false;
	int prc;
	enum step_rc rc;

	/* Failed known-answer tests mean the arithmetic itself is wrong: whatever a rehearsal
	 * made with it would show nothing, so not even a rehearsal goes on. */
	if (!e->o->rehearsal || strcmp(c->id, "self-tests") == 0 ||
	    prompt_id(id, sizeof(id), PROMPT_ID_GO_OVERRIDE, c->id) != 0)
		return engine_fail(e, STEP_NOGO, "check %s failed: %s", c->id, c->detail);
	snprintf(q, sizeof(q), "REHEARSAL: override the failed check %s?", c->id);
	prc = prompt_confirm(e->p, id, q, &yes);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	if (!yes)
		return engine_fail(e, STEP_NOGO, "check %s failed: %s", c->id, c->detail);
	json_array_append_new(g->overrides, json_string(c->id));
	rc = engine_record(e, &g->admin, "exception",
			   json_pack("{s:s,s:s,s:s,s:s}", "description",
				     "rehearsal override of a failed go/no-go check", "check",
				     c->id, "detail", c->detail, "approved_by", g->admin.name));
	g->unrecorded = rc != STEP_OK;
	return rc;
}

/* What the witnesses and the administrator confirm: the clock, the image, the script, the
 * media. */
static enum step_rc confirm_go(struct engine *e, struct go *g)
{
	char clock[64], qclock[128], qimage[256], qscript[256], hex[FPR_HEX_32];
	struct go_question qs[4];
	struct tm tm;
	time_t now = (time_t)engine_now(e);
	enum step_rc rc;

	gmtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(qclock, sizeof(qclock), "The clock reads %s. Is that correct?", clock);
	if (e->image_known)
		fpr_hex(e->image_sha256, 32, hex, sizeof(hex));
	snprintf(qimage, sizeof(qimage), "%s%s",
		 e->image_known ? "Does the image SHA-256 match the published one? "
				: "Not running from the appliance image: accept? ",
		 e->image_known ? hex : "");
	fpr_hex(e->plan->sha256, 32, hex, sizeof(hex));
	snprintf(qscript, sizeof(qscript), "Does the script SHA-256 match the approved script? %s",
		 hex);
	qs[0] = (struct go_question){ PROMPT_ID_GO_CLOCK, "clock", SCRIPT_ROLE_WITNESS, qclock };
	qs[1] = (struct go_question){ PROMPT_ID_GO_IMAGE, "image", SCRIPT_ROLE_WITNESS, qimage };
	qs[2] = (struct go_question){ PROMPT_ID_GO_SCRIPT, "script", SCRIPT_ROLE_WITNESS, qscript };
	qs[3] = (struct go_question){ PROMPT_ID_GO_MEDIA, "media", SCRIPT_ROLE_ADMINISTRATOR,
				     "Is the media inventory complete and correct?" };
	for (size_t i = 0; i < 4; i++)
		if ((rc = ask_role(e, &qs[i], g->confirmed)) != STEP_OK)
			return rc;
	return STEP_OK;
}

static enum step_rc decide(struct engine *e, struct go *g)
{
	bool yes = false;
	int prc =
	    prompt_confirm(e->p, PROMPT_ID_GO_DECISION, "All checks passed. Declare GO?", &yes);

	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, PROMPT_ID_GO_DECISION);
	if (!yes)
		return engine_fail(e, STEP_NOGO, "the administrator declared NO-GO");
	g->decided = true;
	return STEP_OK;
}

/* Every failed check overridden, every confirmation given, and GO declared. */
static enum step_rc go_or_not(struct engine *e, struct go *g)
{
	enum step_rc rc;

	for (size_t i = 0; i < g->r->count; i++)
		if (!g->r->checks[i].passed && (rc = override(e, g, &g->r->checks[i])) != STEP_OK)
			return rc;
	if ((rc = confirm_go(e, g)) != STEP_OK)
		return rc;
	return decide(e, g);
}

/* The go-no-go record, whatever was decided; its failure counts only when it was GO. */
static enum step_rc record_go(struct engine *e, struct go *g, enum step_rc rc)
{
	enum step_rc rrc = engine_record(
	    e, &g->admin, "go-no-go",
	    json_pack("{s:s,s:O,s:O,s:O}", "decision", g->decided ? "go" : "no-go", "checks",
		      g->checks, "confirmations", g->confirmed, "overrides", g->overrides));

	return rrc != STEP_OK && rc == STEP_OK ? rrc : rc;
}

enum step_rc engine_step_go(struct engine *e, const struct script_step *s)
{
	struct go g = { .r = calloc(1, sizeof(*g.r)), .admin = engine_step_actor(e, s) };
	enum step_rc rc;

	if (g.r == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	run_checks(e, &g);
	g.checks = json_array();
	g.confirmed = json_object();
	g.overrides = json_array();
	if (g.checks == NULL || g.confirmed == NULL || g.overrides == NULL) {
		rc = engine_fail(e, STEP_ERROR, "out of memory");
	} else {
		show_checks(e, &g);
		rc = go_or_not(e, &g);
		if (!g.unrecorded)
			rc = record_go(e, &g, rc);
	}
	if (rc == STEP_OK) {
		e->go = true;
		prompt_say(e->p, PROMPT_GOOD, "GO");
	}
	json_decref(g.checks);
	json_decref(g.confirmed);
	json_decref(g.overrides);
	free(g.r);
	return rc;
}

/* Dice rolls: digits 1 to 6, spaces allowed between them. */
static const char *check_dice(const char *v, size_t len, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < len; i++)
		if (!((v[i] >= '1' && v[i] <= '6') || v[i] == ' '))
			return "dice rolls are digits 1 to 6";
	return NULL;
}

enum step_rc engine_step_entropy(struct engine *e, const struct script_step *s)
{
	struct transcript_actor a = engine_step_actor(e, s);
	json_t *who = json_array();
	uint8_t commit[32];
	unsigned n;

	if (who == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		char id[ANSWERS_ID_MAX + 1], q[300];
		unsigned char *dice = NULL;
		size_t len = 0, rolls = 0;
		int prc;

		if (!e->present[p->index] || !script_actor_includes(&s->actor, p))
			continue;
		if (prompt_id(id, sizeof(id), PROMPT_ID_ENTROPY, p->id) != 0) {
			json_decref(who);
			return engine_fail(e, STEP_ERROR, "prompt id too long for %s", p->id);
		}
		snprintf(q, sizeof(q), "%s, roll the dice and type the results (Enter to skip):",
			 p->name);
		prc = prompt_secret(e->p, id, q, PROMPT_EMPTY_OK, check_dice, NULL, NULL, &dice,
				    &len);
		if (prc != PROMPT_OK) {
			json_decref(who);
			return engine_prompt_rc(e, prc, id);
		}
		for (size_t k = 0; k < len; k++)
			rolls += dice[k] != ' ';
		if (rolls > 0) {
			entropy_contribute(e->rng, dice, len);
			json_array_append_new(who, json_pack("{s:s,s:I}", "participant", p->id,
							     "rolls", (json_int_t)rolls));
		}
		prompt_secret_free(dice, len);
	}
	n = entropy_commit(e->rng, commit);
	prompt_say(e->p, PROMPT_PLAIN, "%u contribution%s mixed into the random generator.", n,
		   n == 1 ? "" : "s");
	engine_show_fpr(e, "Entropy commitment:", commit);
	return engine_record(e, &a, "entropy-commitment",
			     json_pack("{s:o,s:I,s:o}", "commitment", engine_json_hex(commit, 32),
				       "contributions", (json_int_t)n, "contributors", who));
}

enum step_rc engine_step_acknowledge(struct engine *e, const struct script_step *s)
{
	prompt_block(e->p, s->text);
	prompt_block(e->p, "\n");
	return confirm_each(e, s, "Do you confirm the statement above?", "acknowledgement");
}

enum step_rc engine_step_fingerprints(struct engine *e, const struct script_step *s)
{
	for (unsigned i = 0; i < e->plan->key_count; i++) {
		struct engine_key *k = &e->keys[i];
		char label[200];
		uint8_t fpr[32];

		if (!k->has_fpr)
			continue;
		snprintf(label, sizeof(label), "Key '%s' (%s, %s)%s:", k->sk->id,
			 script_key_kind_name(k->sk->kind), script_algorithm_name(k->sk->algorithm),
			 k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC ? " check value" : "");
		engine_show_fpr(e, label, k->fpr);
		if (k->cert.type != PKI_OBJ_NONE && pki_obj_fingerprint(&k->cert, fpr) == PKI_OK) {
			snprintf(label, sizeof(label), "Certificate of '%s':", k->sk->id);
			engine_show_fpr(e, label, fpr);
		}
		if (k->csr.type != PKI_OBJ_NONE && pki_obj_fingerprint(&k->csr, fpr) == PKI_OK) {
			snprintf(label, sizeof(label), "CSR of '%s':", k->sk->id);
			engine_show_fpr(e, label, fpr);
		}
	}
	return confirm_each(e, s, "Have you read the fingerprints aloud and written them down?",
			    "acknowledgement");
}
