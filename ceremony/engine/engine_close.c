/* Closing: proofs of possession by the CA keys, every secret wiped, the closing record, and the
 * final digest shown for the witnesses to copy onto the paper script. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_secrets.h"
#include "ceremony/engine/engine_steps.h"
#include "ceremony/base/fpr.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/qr_out.h"
#include "media/util.h"

/* Lists each transcript copy in its medium's SHA256SUMS, now that it is complete. */
static enum step_rc list_transcripts(struct engine *e)
{
	for (unsigned i = 0; i < e->plan->output_count; i++) {
		const struct script_output *out = &e->plan->outputs[i];
		struct media_medium *mm = NULL;
		char path[4096];
		enum media_err rc;

		if (out->type != SCRIPT_OUTPUT_TRANSCRIPT)
			continue;
		if (engine_medium_path(e, out->medium, path, sizeof(path)) != 0)
			return engine_fail(e, STEP_ERROR, "medium path too long");
		rc = media_open_dir(path, 1, &mm);
		if (rc == MEDIA_OK)
			rc = media_adopt(mm, out->file);
		if (mm) {
			enum media_err crc = media_close(mm);

			if (rc == MEDIA_OK)
				rc = crc;
		}
		if (rc != MEDIA_OK)
			return engine_fail(e, STEP_ERROR, "listing %s/%s: %s", out->medium->id,
					   out->file, media_strerror(rc));
	}
	return STEP_OK;
}

static void show_digest_qr(struct engine *e, const uint8_t final[32])
{
	char hex[65], *text = NULL;
	struct media_qr qr;
	size_t len = 0;

	if (prompt_from_answers(e->p))
		return;
	/* Upper-case hex is alphanumeric mode: a small code. */
	sodium_bin2hex(hex, sizeof(hex), final, 32);
	for (size_t i = 0; hex[i]; i++)
		if (hex[i] >= 'a' && hex[i] <= 'f')
			hex[i] = (char)(hex[i] - 'a' + 'A');
	memset(&qr, 0, sizeof(qr));
	if (media_qr_encode((const unsigned char *)hex, 64, MEDIA_QR_EC_AUTO, &qr) == MEDIA_OK &&
	    media_qr_terminal(&qr, 0, &text, &len) == MEDIA_OK)
		prompt_block(e->p, text);
	if (text)
		media_sfree(text);
	media_qr_free(&qr);
}

enum step_rc engine_prove_held(struct engine *e, const char *step,
			       const struct transcript_actor *a)
{
	for (unsigned i = 0; i < e->plan->key_count; i++) {
		struct engine_key *k = &e->keys[i];
		enum transcript_err terr;

		if (!engine_key_proves(k))
			continue;
		terr = transcript_prove_possession(e->t, step, a, k->sk->id, k->pkey);
		if (terr != TRANSCRIPT_OK)
			return engine_fail(e, STEP_ERROR, "proof of possession by %s: %s %s",
					   k->sk->id, transcript_strerror(terr),
					   transcript_detail(e->t));
		prompt_say(e->p, PROMPT_GOOD, "  '%s' signed the transcript head", k->sk->id);
	}
	return STEP_OK;
}

/* The program signs with the keys and wipes them: those records are the system's; the close is
 * the step's actor's. */
enum step_rc engine_step_close(struct engine *e, const struct script_step *s)
{
	struct transcript_actor a = engine_step_actor(e, s);
	enum transcript_err terr;
	uint8_t final[32];
	enum step_rc rc = engine_prove_held(e, s->id, &engine_system);

	if (rc != STEP_OK)
		return rc;
	rc = engine_record_wiped(e, &engine_system);
	engine_wipe_keys(e);
	if (rc != STEP_OK)
		return rc;
	prompt_say(e->p, PROMPT_PLAIN, "Every private key, share and passphrase is wiped from "
				       "memory.");
	terr = transcript_close(e->t, s->id, &a, final);
	if (terr != TRANSCRIPT_OK)
		return engine_fail(e, STEP_ERROR, "closing the transcript: %s %s",
				   transcript_strerror(terr), transcript_detail(e->t));
	/* Closed: whatever fails from here on, the final digest is shown for the paper. */
	e->closed = true;

	prompt_say(e->p, PROMPT_PLAIN, "%s", "");
	engine_show_fpr(e,
			"FINAL DIGEST, the SHA-256 of the record before the close: copy it onto the "
			"paper script, every witness:",
			final);
	show_digest_qr(e, final);
	for (unsigned i = 0; i < e->plan->participant_count; i++) {
		const struct script_participant *p = &e->plan->participants[i];
		char id[ANSWERS_ID_MAX + 1], q[300];
		bool yes = false;
		int prc;

		if (!e->present[p->index] || !script_actor_includes(&s->actor, p))
			continue;
		if (prompt_id(id, sizeof(id), PROMPT_ID_CLOSE, p->id) != 0)
			continue;
		snprintf(q, sizeof(q), "%s, have you copied the final digest?", p->name);
		prc = prompt_confirm(e->p, id, q, &yes);
		/* The record is closed: a missing confirmation is said, not recorded. */
		if (prc != PROMPT_OK || !yes)
			prompt_say(e->p, PROMPT_WARN, "  %s did not confirm the copy", p->name);
	}
	rc = list_transcripts(e);
	if (rc != STEP_OK)
		return rc;
	prompt_say(e->p, PROMPT_GOOD, "Ceremony %s closed.", e->plan->id);
	return STEP_OK;
}
