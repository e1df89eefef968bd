/* Inputs: CSRs and certificates brought in on a medium or by QR, parsed strictly, linted against
 * their profile and confirmed by a person from their fingerprint before use; and the
 * transcripts of the ceremonies that made the keys used here, verified, matched to the final
 * digest the script approves and read for what they say about those keys. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/engine/engine_inputs.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/base/fpr.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/qr_in.h"
#include "media/ur.h"

#define CAMERA_DEVICE	     "/dev/video0"
#define CAMERA_TIMEOUT_MS    120000
#define TRANSCRIPT_INPUT_MAX (4u * 1024 * 1024)
#define IMAGE_NAMES_MAX	     64

/* --- QR codes --------------------------------------------------------------------------- */

struct images {
	const char *prefix;
	size_t n;
	char name[IMAGE_NAMES_MAX][SCRIPT_FILE_MAX + 1];
};

/* prefix.<ext> or prefix-<digits>.<ext>, ext one of the image types the reader decodes. */
static bool image_of(const char *name, const char *prefix)
{
	static const char *const exts[] = {"png", "pgm", "ppm", "jpg", "jpeg"};
	size_t pl = strlen(prefix);
	const char *p = name + pl;

	if (strncmp(name, prefix, pl) != 0)
		return false;
	if (*p == '-') {
		const char *d = ++p;

		while (isdigit((unsigned char)*p))
			p++;
		if (p == d)
			return false;
	}
	if (*p++ != '.')
		return false;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (strcmp(p, exts[i]) == 0)
			return true;
	return false;
}

static void add_image(void *ctx, const char *name)
{
	struct images *im = ctx;

	if (im->n < IMAGE_NAMES_MAX && strlen(name) <= SCRIPT_FILE_MAX &&
	    image_of(name, im->prefix))
		snprintf(im->name[im->n++], sizeof(im->name[0]), "%s", name);
}

static int camera_progress(void *ctx, const struct media_rx_progress *p)
{
	struct engine *e = ctx;

	if (p->needed)
		prompt_progress(e->p, "QR parts received", (unsigned)p->solved,
				(unsigned)p->needed);
	return prompt_interrupted() ? 1 : 0;
}

static enum step_rc from_images(struct engine *e, const struct script_medium *m, const char *what,
				const char *prefix, struct media_rx *rx)
{
	struct images *im = calloc(1, sizeof(*im));
	struct media_rx_progress pr;
	char path[4096];
	enum step_rc rc = STEP_OK;
	enum media_err mrc;

	if (im == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	im->prefix = prefix;
	mrc = engine_list_files(e, m, add_image, im);
	if (mrc != MEDIA_OK)
		rc = engine_fail(e, STEP_FAILED, "medium %s: %s", m->id, media_strerror(mrc));
	else if (im->n == 0)
		rc = engine_fail(e, STEP_FAILED,
				 "no QR image of %s on medium %s (%s.png, %s-1.png ...)", what,
				 m->id, prefix, prefix);
	for (size_t i = 0; rc == STEP_OK && i < im->n; i++) {
		media_rx_progress(rx, &pr);
		if (pr.complete)
			break;
		if (engine_file_path(e, m, im->name[i], path, sizeof(path)) != 0) {
			rc = engine_fail(e, STEP_ERROR, "medium path too long");
			break;
		}
		mrc = media_rx_add_file(rx, path);
		if (mrc != MEDIA_OK)
			rc = engine_fail(e, STEP_FAILED, "QR image %s/%s: %s", m->id, im->name[i],
					 media_strerror(mrc));
	}
	free(im);
	return rc;
}

enum step_rc engine_qr_receive(struct engine *e, const char *id, const char *what,
			       const char *prefix, size_t max, struct media_rx **out)
{
	const char *choices[1 + SCRIPT_MAX_MEDIA];
	const struct script_medium *media[1 + SCRIPT_MAX_MEDIA];
	struct media_rx *rx = NULL;
	struct media_rx_progress pr;
	char q[300];
	size_t n = 0, pick = 0;
	enum step_rc rc;
	enum media_err mrc;
	int prc;

	*out = NULL;
	choices[n] = "camera";
	media[n++] = NULL;
	for (unsigned i = 0; i < e->plan->medium_count; i++)
		if (e->plan->media[i].kind == SCRIPT_MEDIUM_INPUT) {
			choices[n] = e->plan->media[i].id;
			media[n++] = &e->plan->media[i];
		}
	snprintf(q, sizeof(q), "The QR codes of %s: from the camera, or images on which medium?",
		 what);
	prc = prompt_choice(e->p, id, q, choices, n, &pick);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	mrc = media_rx_new(max, &rx);
	if (mrc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "QR receiver: %s", media_strerror(mrc));
	if (media[pick] != NULL) {
		rc = from_images(e, media[pick], what, prefix, rx);
	} else {
		prompt_say(e->p, PROMPT_PLAIN, "  Show the QR codes of %s to the camera...", what);
		mrc = media_rx_camera(rx, CAMERA_DEVICE, CAMERA_TIMEOUT_MS, camera_progress, e);
		rc = mrc == MEDIA_OK
			 ? STEP_OK
			 : engine_fail(e, prompt_interrupted() ? STEP_INTERRUPTED : STEP_FAILED,
				       "the camera: %s", media_strerror(mrc));
	}
	media_rx_progress(rx, &pr);
	if (rc == STEP_OK && !pr.complete)
		rc = engine_fail(e, STEP_FAILED,
				 "the QR codes of %s are incomplete (%zu of %zu parts)", what,
				 pr.solved, pr.needed);
	if (rc != STEP_OK) {
		media_rx_free(rx);
		return rc;
	}
	*out = rx;
	return STEP_OK;
}

/* --- reading an input ------------------------------------------------------------------- */

/* The bytes of an input as received, in a new malloc'ed buffer; how in *source. */
static enum step_rc receive(struct engine *e, const struct script_input *in, size_t max,
			    uint8_t **data, size_t *len, const char **source)
{
	static const char *const sources[] = {"medium", "qr"};
	bool qr = in->source == SCRIPT_SOURCE_QR;
	char id[ANSWERS_ID_MAX + 1], q[200], what[80];
	struct media_rx *rx = NULL;
	const unsigned char *payload;
	enum step_rc rc;
	enum media_err mrc;
	int prc;

	*data = NULL;
	if (in->source == SCRIPT_SOURCE_ANY && in->type != SCRIPT_INPUT_TRANSCRIPT_DIGEST) {
		size_t pick = 0;

		if (prompt_id(id, sizeof(id), PROMPT_ID_INPUT, in->id, INPUT_FIELD_SOURCE) != 0)
			return engine_fail(e, STEP_ERROR, "prompt id too long for %s", in->id);
		snprintf(q, sizeof(q), "How does '%s' come in: on a medium, or by QR?", in->id);
		prc = prompt_choice(e->p, id, q, sources, 2, &pick);
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		qr = pick == 1;
	}
	*source = sources[qr];
	if (!qr) {
		if (in->medium == NULL || in->file == NULL)
			return engine_fail(e, STEP_FAILED,
					   "input %s names no file on a medium: bring it by QR",
					   in->id);
		mrc = engine_read_file(e, in->medium, in->file, max, 0, data, len);
		if (mrc != MEDIA_OK)
			return engine_fail(e, STEP_FAILED, "input %s (%s/%s): %s", in->id,
					   in->medium->id, in->file, media_strerror(mrc));
		return STEP_OK;
	}
	if (prompt_id(id, sizeof(id), PROMPT_ID_INPUT, in->id, INPUT_FIELD_QR) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", in->id);
	snprintf(what, sizeof(what), "input '%s'", in->id);
	/* A multi-part UR carries at most MEDIA_UR_MAX_PAYLOAD bytes. */
	rc = engine_qr_receive(e, id, what, in->id,
			       max < MEDIA_UR_MAX_PAYLOAD ? max : MEDIA_UR_MAX_PAYLOAD, &rx);
	if (rc != STEP_OK)
		return rc;
	media_rx_payload(rx, &payload, len);
	*data = malloc(*len ? *len : 1);
	if (*data == NULL) {
		media_rx_free(rx);
		return engine_fail(e, STEP_ERROR, "out of memory");
	}
	memcpy(*data, payload, *len);
	media_rx_free(rx);
	return STEP_OK;
}

static enum step_rc confirm_fpr(struct engine *e, const struct script_input *in,
				const char *question)
{
	char id[ANSWERS_ID_MAX + 1];
	bool yes = false;
	int prc;

	if (prompt_id(id, sizeof(id), PROMPT_ID_INPUT, in->id, INPUT_FIELD_FINGERPRINT) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", in->id);
	prc = prompt_confirm(e->p, id, question, &yes);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	if (!yes)
		return engine_fail(e, STEP_INTERRUPTED, "the fingerprint of %s was not confirmed",
				   in->id);
	return STEP_OK;
}

/* Where an input came from, for its record. */
static json_t *origin_of(const struct script_input *in, const char *source, const uint8_t sha[32])
{
	json_t *o = json_pack("{s:s,s:s,s:o}", "input", in->id, "source", source, "sha256",
			      engine_json_hex(sha, 32));

	if (o != NULL && strcmp(source, "medium") == 0) {
		json_object_set_new(o, "medium", json_string(in->medium->id));
		json_object_set_new(o, "file", json_string(in->file));
	}
	return o;
}

enum step_rc engine_receive_input(struct engine *e, const struct script_input *in, size_t max,
				  uint8_t **data, size_t *len, const char **source)
{
	return receive(e, in, max, data, len, source);
}

enum step_rc engine_confirm_input(struct engine *e, const struct script_input *in,
				  const char *question)
{
	return confirm_fpr(e, in, question);
}

static const char *hexdigits(const char *v, size_t len, void *ctx)
{
	(void)ctx;
	if (len != 64)
		return "a final digest is 64 hex digits";
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)v[i]))
			return "a final digest is 64 hex digits";
	return NULL;
}

/* A transcript-digest input with no transcript to read: its digest only, approved in the
 * script or typed from the earlier ceremony's paper record. */
static enum step_rc digest_only(struct engine *e, const struct script_step *s,
				const struct script_input *in, struct engine_input *ei)
{
	struct transcript_actor a = engine_step_actor(e, s);
	char id[ANSWERS_ID_MAX + 1], hex[65], q[200];
	int prc;

	if (in->has_digest) {
		memcpy(ei->digest, in->digest, 32);
	} else {
		if (prompt_id(id, sizeof(id), PROMPT_ID_INPUT, in->id, INPUT_FIELD_DIGEST) != 0)
			return engine_fail(e, STEP_ERROR, "prompt id too long for %s", in->id);
		snprintf(
		    q, sizeof(q),
		    "Type the final digest of ceremony %s from its paper record:", in->ceremony);
		prc = prompt_text(e->p, id, q, 0, hexdigits, NULL, hex, sizeof(hex));
		if (prc != PROMPT_OK)
			return engine_prompt_rc(e, prc, id);
		if (sodium_hex2bin(ei->digest, 32, hex, 64, NULL, NULL, NULL) != 0)
			return engine_fail(e, STEP_FAILED, "%s: not a final digest", id);
	}
	ei->has_digest = true;
	engine_show_fpr(e, "Final digest of the earlier ceremony:", ei->digest);
	return engine_record(
	    e, &a, "note",
	    json_pack("{s:s,s:s,s:s,s:o,s:s}", "text", "earlier ceremony named by its final digest",
		      "input", in->id, "ceremony", in->ceremony, "final_digest",
		      engine_json_hex(ei->digest, 32), "how",
		      in->has_digest ? "approved in the script" : "typed from the paper record"));
}

static enum step_rc read_transcript(struct engine *e, const struct script_step *s,
				    const struct script_input *in, struct engine_input *ei)
{
	struct transcript_actor a = engine_step_actor(e, s);
	struct lineage *l = NULL;
	const char *source = "medium";
	uint8_t *data = NULL, sha[32];
	size_t len = 0;
	enum lineage_err lerr;
	enum step_rc rc;
	char q[200];

	if (in->file == NULL && in->source != SCRIPT_SOURCE_QR)
		return digest_only(e, s, in, ei);
	rc = receive(e, in, TRANSCRIPT_INPUT_MAX, &data, &len, &source);
	if (rc != STEP_OK)
		return rc;
	crypto_hash_sha256(sha, data, len);
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		free(data);
		return engine_fail(e, STEP_ERROR, "out of memory");
	}
	prompt_say(e->p, PROMPT_PLAIN, "  Verifying the transcript of ceremony %s...",
		   in->ceremony);
	lerr = lineage_read(data, len, l);
	free(data);
	if (lerr == LINEAGE_E_INVALID)
		rc = engine_fail(
		    e, STEP_FAILED, "the transcript in %s does not verify: %s%s%zu: %s", in->id,
		    transcript_errname(l->failure.err),
		    l->failure.at_record ? " at record " : " after record ",
		    l->failure.at_record ? l->failure.record : l->records, l->failure.detail);
	else if (lerr != LINEAGE_OK)
		rc = engine_fail(e, lerr == LINEAGE_E_NOMEM ? STEP_ERROR : STEP_FAILED,
				 "the transcript in %s: %s", in->id, lineage_strerror(lerr));
	else if (strcmp(l->ceremony, in->ceremony) != 0)
		rc = engine_fail(e, STEP_FAILED, "%s is the transcript of ceremony %s, not %s",
				 in->id, l->ceremony, in->ceremony);
	else if (in->has_digest && sodium_memcmp(l->final_digest, in->digest, 32) != 0)
		rc = engine_fail(e, STEP_FAILED,
				 "the transcript in %s does not have the final digest the script "
				 "approves",
				 in->id);
	else if (l->rehearsal != (e->o->rehearsal != 0))
		rc =
		    engine_fail(e, STEP_FAILED, "ceremony %s was %s: its keys are not used in %s",
				l->ceremony, l->rehearsal ? "a rehearsal" : "a production ceremony",
				e->o->rehearsal ? "a rehearsal" : "production");
	if (rc != STEP_OK) {
		free(l);
		return rc;
	}
	engine_show_fpr(e, "Final digest of the earlier ceremony's transcript:", l->final_digest);
	if (!in->has_digest) {
		snprintf(q, sizeof(q),
			 "Does this final digest match the paper record of ceremony %s?",
			 in->ceremony);
		rc = confirm_fpr(e, in, q);
		if (rc != STEP_OK) {
			free(l);
			return rc;
		}
	}
	prompt_say(e->p, PROMPT_GOOD, "  transcript of %s verified: %zu records, closed",
		   l->ceremony, l->records);
	ei->lineage = l;
	memcpy(ei->digest, l->final_digest, 32);
	ei->has_digest = true;
	{
		json_t *d = origin_of(in, source, sha);

		if (d != NULL)
			json_object_update_new(d,
					       json_pack("{s:s,s:s,s:o,s:I}", "kind", "transcript",
							 "ceremony", l->ceremony, "final_digest",
							 engine_json_hex(l->final_digest, 32),
							 "records", (json_int_t)l->records));
		return engine_record(e, &a, "input-imported", d);
	}
}

/* The key whose input or certificate this is (an import step's input is its key's). */
static const struct script_key *bound_key(const struct script_plan *plan,
					  const struct script_step *s,
					  const struct script_input *in)
{
	if (s->action == SCRIPT_ACT_IMPORT_CERTIFICATE && s->input == in)
		return s->key;
	for (unsigned i = 0; i < plan->key_count; i++)
		if (plan->keys[i].input == in || plan->keys[i].certificate == in)
			return &plan->keys[i];
	return NULL;
}

/* The profile an input is linted against, and its issuer's certificate when known. */
static enum pki_profile input_profile(struct engine *e, const struct script_input *in,
				      const struct script_key *bind, X509 **issuer)
{
	bool smki = e->plan->profile == SCRIPT_PROFILE_SMKI;

	*issuer = NULL;
	if (in->type == SCRIPT_INPUT_CSR)
		return smki ? PKI_PROFILE_SMKI_ISSUING_CSR : PKI_PROFILE_GENERIC_CSR;
	if (bind == NULL || bind->kind == SCRIPT_KEY_ROOT)
		return smki ? PKI_PROFILE_SMKI_ROOT : PKI_PROFILE_GENERIC_ROOT;
	if (bind->kind == SCRIPT_KEY_RECOVERY) {
		for (unsigned i = 0; i < e->plan->key_count && *issuer == NULL; i++)
			if (e->plan->keys[i].kind == SCRIPT_KEY_ISSUING)
				*issuer = engine_key_cert(e, &e->plan->keys[i]);
		return PKI_PROFILE_SMKI_RECOVERY;
	}
	if (bind->issuer != NULL)
		*issuer = engine_key_cert(e, bind->issuer);
	if (bind->kind == SCRIPT_KEY_ISSUING)
		return PKI_PROFILE_SMKI_ISSUING;
	return bind->issuer != NULL ? PKI_PROFILE_GENERIC_SUB : PKI_PROFILE_GENERIC_ROOT;
}

/* The public key an object carries, as SPKI DER. */
static enum pki_err object_spki(const struct pki_obj *obj, uint8_t *out, size_t max, size_t *len)
{
	if (obj->type == PKI_OBJ_CERT)
		return pki_cert_spki(obj->cert, out, max, len);
	return pki_key_spki(X509_REQ_get0_pubkey(obj->csr), out, max, len);
}

/* The input's key must be the one on record (made or rebuilt here, or in the earlier
 * ceremony); a key known only from this input takes its public key from it. */
static enum step_rc bind_to_key(struct engine *e, const struct script_input *in,
				const struct script_key *bind, const struct pki_obj *obj)
{
	struct engine_key *k = engine_key(e, bind);
	const struct lineage_key *lk = engine_lineage_key(e, bind->id, NULL);
	uint8_t spki[PKI_SPKI_MAX], fpr[32];
	size_t len = 0;
	enum pki_err err = object_spki(obj, spki, sizeof(spki), &len);

	if (err != PKI_OK)
		return engine_fail(e, STEP_FAILED, "input %s: %s", in->id, pki_strerror(err));
	crypto_hash_sha256(fpr, spki, len);
	if ((k->has_fpr && sodium_memcmp(fpr, k->fpr, 32) != 0) ||
	    (lk != NULL && lk->has_spki_sha256 && sodium_memcmp(fpr, lk->spki_sha256, 32) != 0))
		return engine_fail(e, STEP_FAILED,
				   "the %s in input %s is not for key '%s': its public key is not "
				   "the one on record",
				   pki_obj_type_name(obj->type), in->id, bind->id);
	if (!k->has_fpr) {
		memcpy(k->spki, spki, len);
		k->spki_len = len;
		memcpy(k->fpr, fpr, 32);
		k->has_fpr = true;
	}
	return STEP_OK;
}

static enum step_rc read_object(struct engine *e, const struct script_step *s,
				const struct script_input *in, struct engine_input *ei)
{
	struct transcript_actor a = engine_step_actor(e, s);
	const struct script_key *bind = bound_key(e->plan, s, in);
	enum pki_obj_type want = in->type == SCRIPT_INPUT_CSR ? PKI_OBJ_CSR : PKI_OBJ_CERT;
	struct pki_lint_ctx ctx;
	struct pki_lint *lint = NULL;
	const char *source = "medium";
	char subject[PKI_NAME_TEXT_MAX], why[PKI_LINT_DETAIL + 64], label[160];
	uint8_t *data = NULL, sha[32], fpr[32];
	size_t len = 0;
	enum pki_err err;
	enum step_rc rc;
	json_t *d;

	rc = receive(e, in, PKI_INPUT_MAX, &data, &len, &source);
	if (rc != STEP_OK)
		return rc;
	crypto_hash_sha256(sha, data, len);
	err = pki_parse_as(data, len, want, &ei->obj);
	free(data);
	if (err != PKI_OK)
		return engine_fail(e, STEP_FAILED, "input %s is not one %s: %s", in->id,
				   pki_obj_type_name(want), pki_strerror(err));
	memset(&ctx, 0, sizeof(ctx));
	ctx.profile = input_profile(e, in, bind, &ctx.issuer);
	ctx.flags =
	    (e->o->rehearsal ? 0 : PKI_LINT_PRODUCTION) |
	    (want == PKI_OBJ_CSR && bind != NULL && bind->subject.count ? PKI_LINT_SUBJECT_OVERRIDE
									: 0);
	lint = malloc(sizeof(*lint));
	if (lint == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	pki_lint_init(lint);
	err = pki_lint_obj(&ei->obj, &ctx, lint);
	if (err != PKI_OK || !pki_lint_passed(lint))
		rc = engine_fail(e, STEP_FAILED, "input %s breaks the %s profile: %s", in->id,
				 pki_profile_get(ctx.profile)->name,
				 err != PKI_OK ? pki_strerror(err)
					       : engine_lint_reason(lint, why, sizeof(why)));
	free(lint);
	if (rc != STEP_OK)
		return rc;
	pki_obj_fingerprint(&ei->obj, fpr);
	if (in->has_sha256 && sodium_memcmp(fpr, in->sha256, 32) != 0)
		return engine_fail(e, STEP_FAILED,
				   "input %s is not the one the script approves: its SHA-256 "
				   "differs",
				   in->id);
	pki_name_text(want == PKI_OBJ_CERT ? X509_get_subject_name(ei->obj.cert)
					   : X509_REQ_get_subject_name(ei->obj.csr),
		      subject, sizeof(subject));
	prompt_say(e->p, PROMPT_PLAIN, "  %s '%s': %s", pki_obj_type_name(want), in->id, subject);
	snprintf(label, sizeof(label), "Fingerprint of '%s' (SHA-256 of its DER):", in->id);
	engine_show_fpr(e, label, fpr);
	rc = confirm_fpr(e, in, "Does the fingerprint match the one its sender gave?");
	if (rc == STEP_OK && bind != NULL)
		rc = bind_to_key(e, in, bind, &ei->obj);
	if (rc != STEP_OK)
		return rc;
	d = origin_of(in, source, sha);
	if (d == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	json_object_set_new(d, "kind", json_string(want == PKI_OBJ_CSR ? "csr" : "certificate"));
	json_object_set_new(d, want == PKI_OBJ_CSR ? "csr_sha256" : "cert_sha256",
			    engine_json_hex(fpr, 32));
	json_object_set_new(d, "subject", json_string(subject));
	json_object_set_new(d, "profile", json_string(pki_profile_get(ctx.profile)->name));
	if (bind != NULL) {
		struct engine_key *k = engine_key(e, bind);

		json_object_set_new(d, "key", json_string(bind->id));
		json_object_set_new(d, "spki_sha256", engine_json_hex(k->fpr, 32));
		if (k->spki_len)
			json_object_set_new(d, "spki", engine_json_hex(k->spki, k->spki_len));
	}
	return engine_record(e, &a, "input-imported", d);
}

enum step_rc engine_read_step_inputs(struct engine *e, const struct script_step *s)
{
	const struct script_input *list[SCRIPT_MAX_INPUTS];
	unsigned n = script_step_inputs(e->plan, s, list, SCRIPT_MAX_INPUTS);

	for (unsigned i = 0; i < n; i++) {
		const struct script_input *in = list[i];
		struct engine_input *ei = &e->inputs[in - e->plan->inputs];
		enum step_rc rc;

		if (ei->done)
			continue;
		prompt_say(e->p, PROMPT_HEADING, "Input '%s' (%s)", in->id,
			   script_input_type_name(in->type));
		rc = in->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST ? read_transcript(e, s, in, ei)
		     : in->type == SCRIPT_INPUT_DECISION	? engine_read_decision(e, s, in, ei)
		     : in->type == SCRIPT_INPUT_PAYLOADS	? engine_read_payloads(e, s, in, ei)
								: read_object(e, s, in, ei);
		if (rc != STEP_OK) {
			pki_obj_free(&ei->obj);
			return rc;
		}
		ei->done = true;
	}
	return STEP_OK;
}
