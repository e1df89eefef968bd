/* The run loop: load, start the transcript, run each step, close or abort. */
#include "ceremony/engine/engine.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/base/fpr.h"
#include "ceremony/checks/preflight.h"
#include "ceremony/engine/engine_inputs.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_secrets.h"
#include "ceremony/engine/engine_steps.h"

/* Phases, for the signed checkpoints: one is written whenever the phase changes. An action of
 * PHASE_SAME stays in the phase of the step before it. */
enum phase { PHASE_NONE, PHASE_PREPARATION, PHASE_KEYS, PHASE_SHARES, PHASE_OUTPUTS, PHASE_SAME };

/* One row per step action: its handler and its phase. */
static const struct step_action {
	step_fn run;
	enum phase phase;
} actions[SCRIPT_ACTION_COUNT] = {
	[SCRIPT_ACT_GO_NO_GO] = { engine_step_go, PHASE_PREPARATION },
	[SCRIPT_ACT_ATTENDANCE] = { engine_step_attendance, PHASE_PREPARATION },
	[SCRIPT_ACT_ENTROPY] = { engine_step_entropy, PHASE_PREPARATION },
	[SCRIPT_ACT_GENERATE_KEY] = { engine_step_generate, PHASE_KEYS },
	[SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE] = { engine_step_root_cert, PHASE_KEYS },
	[SCRIPT_ACT_EXPORT_CSR] = { engine_step_export_csr, PHASE_KEYS },
	[SCRIPT_ACT_SHOW_FINGERPRINTS] = { engine_step_fingerprints, PHASE_KEYS },
	[SCRIPT_ACT_SPLIT_SHARES] = { engine_step_split, PHASE_SHARES },
	[SCRIPT_ACT_TEST_RECONSTRUCTION] = { engine_step_test, PHASE_SHARES },
	[SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS] = { engine_step_publish, PHASE_OUTPUTS },
	[SCRIPT_ACT_COLLECT_SHARES] = { engine_step_collect, PHASE_SHARES },
	[SCRIPT_ACT_SIGN_CSR] = { engine_step_sign_csr, PHASE_KEYS },
	[SCRIPT_ACT_SIGN_CRL] = { engine_step_sign_crl, PHASE_KEYS },
	[SCRIPT_ACT_IMPORT_CERTIFICATE] = { engine_step_import, PHASE_KEYS },
	[SCRIPT_ACT_CONTINGENCY_TEST] = { engine_step_contingency_test, PHASE_KEYS },
	[SCRIPT_ACT_CONTINGENCY_REPLACE] = { engine_step_contingency_replace, PHASE_KEYS },
	[SCRIPT_ACT_RESHARE] = { engine_step_reshare, PHASE_SHARES },
	[SCRIPT_ACT_ACKNOWLEDGE] = { engine_step_acknowledge, PHASE_SAME },
	[SCRIPT_ACT_CLOSE] = { engine_step_close, PHASE_SAME },
	[SCRIPT_ACT_RECORD_DECISION] = { engine_step_record_decision, PHASE_PREPARATION },
	[SCRIPT_ACT_SIGN_PAYLOADS] = { engine_step_sign_payloads, PHASE_KEYS },
	[SCRIPT_ACT_RETIRE_KEY] = { engine_step_retire_key, PHASE_KEYS },
};

static const char *const phase_names[] = { "none", "preparation", "keys", "shares", "outputs" };

const char *engine_result_name(enum engine_result r)
{
	switch (r) {
	case ENGINE_DONE:
		return "closed";
	case ENGINE_NOGO:
		return "NO-GO";
	case ENGINE_FAILED:
		return "failed";
	case ENGINE_ABORTED:
		return "aborted";
	case ENGINE_ERROR:
		return "error";
	}
	return "unknown";
}

static void free_keys(struct engine *e)
{
	engine_wipe_keys(e);
	for (unsigned i = 0; i < SCRIPT_MAX_KEYS; i++) {
		pki_obj_free(&e->keys[i].cert);
		pki_obj_free(&e->keys[i].csr);
		free(e->keys[i].keyfile);
		e->keys[i].keyfile = NULL;
	}
	for (unsigned i = 0; i < SCRIPT_MAX_INPUTS; i++) {
		engine_payloads_free(&e->inputs[i]);
		pki_obj_free(&e->inputs[i].obj);
		free(e->inputs[i].lineage);
		e->inputs[i].lineage = NULL;
	}
}

/* The one line engine_run gives its caller when it cannot start. */
static void say_error(struct engine_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say_error(struct engine_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
}

/* A script or answers file that does not load: where, and why. */
static void file_error(struct engine_error *err, const char *path, unsigned line,
		       const char *message)
{
	if (line)
		say_error(err, "%s:%u: %s", path, line, message);
	else
		say_error(err, "%s: %s", path, message);
}

/* The transcript lives on the public medium under the name its output gives; the backup
 * medium's transcript output, if any, is the second copy. */
static int transcript_paths(struct engine *e, char *path, size_t plen, char *copy, size_t clen)
{
	const struct script_output *main = NULL, *backup = NULL;

	for (unsigned i = 0; i < e->plan->output_count; i++) {
		const struct script_output *out = &e->plan->outputs[i];

		if (out->type != SCRIPT_OUTPUT_TRANSCRIPT)
			continue;
		if (out->medium->kind == SCRIPT_MEDIUM_PUBLIC && main == NULL)
			main = out;
		else if (backup == NULL)
			backup = out;
	}
	if (main == NULL)
		return -1;
	if (snprintf(path, plen, "%s/%s/%s", e->o->media_dir, main->medium->id, main->file) >=
	    (int)plen)
		return -1;
	copy[0] = '\0';
	if (backup && snprintf(copy, clen, "%s/%s/%s", e->o->media_dir, backup->medium->id,
			       backup->file) >= (int)clen)
		return -1;
	return 0;
}

static int64_t clock_now(void *ctx)
{
	return engine_now(ctx);
}

static enum engine_result start(struct engine *e, struct engine_error *err)
{
	struct transcript_start st;
	struct transcript_env env = { clock_now, NULL, e };
	struct preflight_report *img;
	char path[4096], copy[4096];
	enum transcript_err terr;
	json_t *extra;
	unsigned char pk[32];

	memset(&st, 0, sizeof(st));
	st.ceremony_id = e->plan->id;
	st.title = e->plan->title;
	memcpy(st.script_sha256, e->plan->sha256, 32);
	st.rehearsal = e->o->rehearsal;
	/* A key-use ceremony names the ceremony that made its keys by the final digest approved in
	 * the script: the first such input's, here; each one's again when it is read. */
	for (unsigned i = 0; i < e->plan->input_count && !st.has_predecessor; i++) {
		const struct script_input *in = &e->plan->inputs[i];

		if (in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST && in->has_digest) {
			st.has_predecessor = 1;
			memcpy(st.predecessor, in->digest, 32);
		}
	}

	img = calloc(1, sizeof(*img));
	if (img == NULL)
		return ENGINE_ERROR;
	preflight_init(img);
	preflight_image(img, e->o->image_hash ? e->o->image_hash : PREFLIGHT_IMAGE_HASH_FILE,
			NULL);
	e->image_known = img->image_known;
	memcpy(e->image_sha256, img->image_sha256, 32);
	free(img);
	memcpy(st.image_sha256, e->image_sha256, 32);
	extra = json_pack("{s:b,s:s}", "image_known", e->image_known, "program",
			  "ceremony " CEREMONY_VERSION);
	st.extra = extra;

	if (transcript_paths(e, path, sizeof(path), copy, sizeof(copy)) != 0) {
		json_decref(extra);
		prompt_say(e->p, PROMPT_BAD, "the script has no transcript on a public medium");
		return ENGINE_ERROR;
	}
	terr = transcript_create(&e->t, path, copy[0] ? copy : NULL, &st, "start", &engine_system,
				 e->o->fixed_time ? &env : NULL);
	json_decref(extra);
	if (terr != TRANSCRIPT_OK) {
		/* Nothing is recorded yet: an operational error of the command, not a step. */
		say_error(err, "cannot start the transcript %s: %s", path,
			  transcript_strerror(terr));
		return ENGINE_ERROR;
	}
	transcript_public_key(e->t, pk);
	engine_show_fpr(e, "Transcript signing key (write it down):", pk);
	return ENGINE_DONE;
}

static void closing_statement(struct engine *e)
{
	char hex[FPR_HEX_32];

	prompt_say(e->p, PROMPT_HEADING, "What exists now:");
	prompt_say(e->p, PROMPT_PLAIN, "  the transcript, on the public medium (and its copy)");
	if (e->nartifacts == 0)
		prompt_say(e->p, PROMPT_PLAIN, "  no other file was written");
	for (size_t i = 0; i < e->nartifacts; i++) {
		fpr_hex(e->artifacts[i].sha256, 8, hex, sizeof(hex));
		prompt_say(e->p, PROMPT_PLAIN, "  %s/%s  (SHA-256 %s...)", e->artifacts[i].medium,
			   e->artifacts[i].file, hex);
	}
}

static enum engine_result abort_ceremony(struct engine *e, enum step_rc rc)
{
	unsigned char final[32];
	enum transcript_err terr;
	enum engine_result res = rc == STEP_NOGO	 ? ENGINE_NOGO
				 : rc == STEP_FAILED	 ? ENGINE_FAILED
				 : rc == STEP_INTERRUPTED ? ENGINE_ABORTED
							 : ENGINE_ERROR;

	/* Secrets first: nothing may outlive an abort, whatever happens to the transcript. */
	engine_wipe_keys(e);
	prompt_say(e->p, PROMPT_BAD, "%s: %s", res == ENGINE_NOGO ? "NO-GO" : "ABORT", e->reason);
	terr = transcript_abort(e->t, e->step ? e->step->id : "start", &engine_system, e->reason,
				final);
	if (terr != TRANSCRIPT_OK)
		prompt_say(e->p, PROMPT_BAD,
			   "the abort record could not be written: %s; the transcript ends at its "
			   "last whole record and verifies as incomplete",
			   transcript_detail(e->t));
	else
		engine_show_fpr(e, "Final digest of the aborted ceremony's transcript:", final);
	closing_statement(e);
	prompt_say(e->p, PROMPT_PLAIN, "Every secret held in memory has been wiped.");
	return res;
}

/* A signed checkpoint of the phase that ends before step s, when s starts another one. */
static enum step_rc checkpoint(struct engine *e, const struct script_step *s, enum phase *phase)
{
	enum phase next = actions[s->action].phase;
	enum transcript_err terr;

	if (next == PHASE_SAME)
		return STEP_OK;
	if (next != *phase && *phase != PHASE_NONE) {
		terr = transcript_checkpoint(e->t, s->id, &engine_system, phase_names[*phase]);
		if (terr != TRANSCRIPT_OK)
			return engine_fail(e, STEP_ERROR, "checkpoint: %s",
					   transcript_strerror(terr));
	}
	*phase = next;
	return STEP_OK;
}

static void say_step(struct engine *e, const struct script_step *s)
{
	char summary[256];

	prompt_say(e->p, PROMPT_PLAIN, "%s", "");
	prompt_say(e->p, PROMPT_HEADING, "Step %u of %u: %s", s->number, e->plan->step_count,
		   s->title);
	if (script_step_summary(s, summary, sizeof(summary)) == 0)
		prompt_say(e->p, PROMPT_PLAIN, "  %s", summary);
}

/* What failed after the close is said, not aborted: the transcript says closed. */
static enum engine_result after_close(struct engine *e)
{
	prompt_say(e->p, PROMPT_BAD, "ERROR after the close: %s", e->reason);
	prompt_say(e->p, PROMPT_BAD, "The transcript is closed and complete (final "
				     "digest above); check the medium and copy it "
				     "to a sound one.");
	return ENGINE_ERROR;
}

static enum engine_result run_steps(struct engine *e)
{
	enum phase phase = PHASE_NONE;
	const struct script_plan *plan = e->plan;

	/* Said before anything else happens, for every medium already here. */
	for (unsigned i = 0; i < plan->medium_count; i++) {
		enum step_rc rc = engine_say_leftovers(e, &plan->media[i]);

		if (rc != STEP_OK)
			return abort_ceremony(e, rc);
	}
	for (unsigned i = 0; i < plan->step_count; i++) {
		const struct script_step *s = &plan->steps[i];
		const struct step_action *act = &actions[s->action];
		enum step_rc rc = checkpoint(e, s, &phase);

		if (rc != STEP_OK)
			return abort_ceremony(e, rc);
		e->step = s;
		if (prompt_interrupted())
			return abort_ceremony(
				e, engine_fail(e, STEP_INTERRUPTED, "interrupted before step %s",
					       s->id));
		if (act->run == NULL)
			return abort_ceremony(e, engine_fail(e, STEP_ERROR,
							     "step %s: action %s is not supported "
							     "in this version",
							     s->id, script_action_name(s->action)));
		say_step(e, s);
		/* The inputs a step needs are read, checked and confirmed before it acts. */
		rc = engine_read_step_inputs(e, s);
		if (rc == STEP_OK)
			rc = act->run(e, s);
		if (rc == STEP_OK && s->action == SCRIPT_ACT_CLOSE)
			return ENGINE_DONE;
		if (e->closed)
			return after_close(e);
		if (rc == STEP_OK)
			rc = engine_release_unused(e, i);
		if (rc != STEP_OK)
			return abort_ceremony(e, rc);
	}
	/* The script validator requires a closing step last; reaching here is a bug. */
	return abort_ceremony(e, engine_fail(e, STEP_ERROR, "the script ended without closing"));
}

/* The answers file, which must be for this ceremony. */
static bool load_answers(struct engine *e, struct engine_error *err)
{
	const char *path = e->o->answers;
	struct answers_error aerr;

	if (answers_load(path, &e->answers, &aerr) != ANSWERS_OK) {
		file_error(err, path, aerr.line, aerr.message);
		return false;
	}
	if (answers_ceremony(e->answers) &&
	    strcmp(answers_ceremony(e->answers), e->plan->id) != 0) {
		say_error(err, "%s: answers for ceremony '%s', not '%s'", path,
			  answers_ceremony(e->answers), e->plan->id);
		return false;
	}
	return true;
}

/* The script, the answers if any, and the way to talk to people: the terminal or the answers. */
static bool load(struct engine *e, struct engine_error *err)
{
	const struct engine_options *o = e->o;
	unsigned flags = o->rehearsal ? PROMPT_REHEARSAL : 0;
	struct script_error serr;
	int rc;

	if (script_load(o->script, &e->plan, &serr) != SCRIPT_OK) {
		file_error(err, o->script, serr.line, serr.message);
		return false;
	}
	for (unsigned i = 0; i < e->plan->key_count; i++)
		e->keys[i].sk = &e->plan->keys[i];
	if (o->answers == NULL)
		rc = prompt_open_tty(&e->p, o->in_fd, o->out_fd, flags);
	else if (load_answers(e, err))
		rc = prompt_open_answers(&e->p, e->answers, o->out_fd, flags);
	else
		return false;
	if (rc != PROMPT_OK) {
		say_error(err, "cannot talk to people: %s", prompt_strerror(rc));
		return false;
	}
	return true;
}

static void say_opening(struct engine *e)
{
	char hex[FPR_HEX_32];

	prompt_say(e->p, PROMPT_HEADING, "%s", e->plan->title);
	prompt_say(e->p, PROMPT_PLAIN, "Ceremony %s%s", e->plan->id,
		   e->o->rehearsal ? "  ** REHEARSAL: nothing made here is for production **" : "");
	fpr_hex(e->plan->sha256, 32, hex, sizeof(hex));
	prompt_say(e->p, PROMPT_PLAIN, "Script %s", e->o->script);
	prompt_say(e->p, PROMPT_PLAIN, "Script SHA-256 %s", hex);
}

/* An answers file that says more than was asked was not written for this script: said,
 * although the ceremony itself is complete. */
static void say_unused_answers(struct engine *e)
{
	size_t pos = 0;
	const char *unused = answers_next_unused(e->answers, &pos);

	if (unused)
		prompt_say(e->p, PROMPT_WARN, "note: the answers file has unused answers "
					      "(first: %s)",
			   unused);
}

enum engine_result engine_run(const struct engine_options *o, struct engine_error *err)
{
	struct engine *e;
	enum engine_result res = ENGINE_ERROR;

	err->message[0] = '\0';
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return ENGINE_ERROR;
	e->o = o;
	if (!load(e, err))
		goto out;
	e->rng = entropy_new(NULL, NULL);
	if (e->rng == NULL)
		goto out;
	say_opening(e);
	res = start(e, err);
	if (res != ENGINE_DONE)
		goto out;
	res = run_steps(e);
	if (res == ENGINE_DONE && e->answers)
		say_unused_answers(e);
out:
	if (e->t)
		transcript_free(e->t);
	free_keys(e);
	entropy_free(e->rng);
	prompt_close(e->p);
	answers_free(e->answers);
	script_free(e->plan);
	sodium_memzero(e, sizeof(*e));
	free(e);
	return res;
}
