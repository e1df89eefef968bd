/* Key work: generating keys, the Root certificate with its wrapped Contingency key, the
 * Recovery CSR, and writing the public outputs. */
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/base/checkvalue.h"
#include "ceremony/engine/engine_keyfile.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_steps.h"
#include "ceremony/base/fpr.h"
#include "ceremony/pki/cert.h"
#include "ceremony/pki/csr.h"
#include "ceremony/pki/rawkey.h"
#include "ceremony/pki/wrap.h"
#include "media/error.h"
#include "media/medium.h"
#include "media/qr_out.h"

static enum step_rc generate_symmetric(struct engine *e, struct engine_key *k)
{
	size_t len = k->sk->algorithm == SCRIPT_ALG_AES_256 ? 32 : 16;

	k->secret = sodium_malloc(len);
	if (k->secret == NULL)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	k->secret_len = len;
	entropy_bytes(e->rng, k->secret, len);
	if (checkvalue(k->secret, len, k->fpr) != 0)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	k->has_fpr = true;
	return STEP_OK;
}

/* P-256 and Ed25519 keys come straight from the mixed generator, so the participants' dice
 * reach the key itself; other key types come from OpenSSL's generator, which the dice were
 * also added to. */
static enum step_rc generate_pair(struct engine *e, struct engine_key *k)
{
	enum pki_alg alg;
	enum pki_err err;

	if (engine_pki_alg(k->sk->algorithm, &alg) != 0)
		return engine_fail(e, STEP_ERROR, "key %s: no such algorithm", k->sk->id);
	if (pki_rawkey_supported(alg)) {
		k->secret = sodium_malloc(PKI_RAWKEY_LEN);
		if (k->secret == NULL)
			return engine_fail(e, STEP_ERROR, "out of secure memory");
		k->secret_len = PKI_RAWKEY_LEN;
		/* A P-256 scalar at or above the group order is drawn again (probability about
		 * 2^-32 per draw). */
		for (int tries = 0;; tries++) {
			entropy_bytes(e->rng, k->secret, k->secret_len);
			err = pki_rawkey_import(alg, k->secret, k->secret_len, &k->pkey);
			if (err != PKI_E_ARG || tries == 16)
				break;
		}
	} else {
		uint8_t *seed = sodium_malloc(32);

		if (seed == NULL)
			return engine_fail(e, STEP_ERROR, "out of secure memory");
		entropy_bytes(e->rng, seed, 32);
		RAND_add(seed, 32, 0.0);
		sodium_memzero(seed, 32);
		sodium_free(seed);
		err = pki_key_generate(alg, &k->pkey);
	}
	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "key %s: %s", k->sk->id, pki_strerror(err));
	err = pki_key_spki(k->pkey, k->spki, sizeof(k->spki), &k->spki_len);
	if (err == PKI_OK)
		err = pki_key_fingerprint(k->pkey, k->fpr);
	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "key %s: %s", k->sk->id, pki_strerror(err));
	k->has_fpr = true;
	return pki_rawkey_supported(alg) ? STEP_OK : engine_keyfile_seal(e, k);
}

enum step_rc engine_step_generate(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	struct transcript_actor a = engine_step_actor(e, s);
	bool symmetric = s->key->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC;
	char label[160];
	json_t *data;
	enum step_rc rc;

	if (!e->go)
		return engine_fail(e, STEP_FAILED, "no key is generated before GO");
	if (k->pkey || k->secret || k->has_fpr)
		return engine_fail(e, STEP_FAILED, "key %s exists already", s->key->id);
	prompt_progress(e->p, "generating", 0, 1);
	rc = symmetric ? generate_symmetric(e, k) : generate_pair(e, k);
	prompt_progress(e->p, "generating", 1, 1);
	if (rc != STEP_OK)
		return rc;
	snprintf(label, sizeof(label), "Key '%s' generated (%s)%s:", s->key->id,
		 script_algorithm_name(s->key->algorithm), symmetric ? ", check value" : "");
	engine_show_fpr(e, label, k->fpr);
	data = json_pack("{s:s,s:s,s:s}", "key", s->key->id, "kind",
			 script_key_kind_name(s->key->kind), "algorithm",
			 script_algorithm_name(s->key->algorithm));
	if (data == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	if (symmetric) {
		json_object_set_new(data, "check_value", engine_json_hex(k->fpr, 32));
	} else {
		json_object_set_new(data, "spki_sha256", engine_json_hex(k->fpr, 32));
		/* The Contingency public key stays unpublished (it travels wrapped in the Root
		 * certificate); every other public key is recorded in full. */
		if (s->key->kind != SCRIPT_KEY_CONTINGENCY)
			json_object_set_new(data, "spki", engine_json_hex(k->spki, k->spki_len));
	}
	if (k->keyfile != NULL) {
		uint8_t sha[32];

		crypto_hash_sha256(sha, k->keyfile, k->keyfile_len);
		json_object_set_new(data, "keyfile", json_string(k->keyfile_name));
		json_object_set_new(data, "keyfile_sha256", engine_json_hex(sha, 32));
	}
	return engine_record(e, &a, "key-generated", data);
}

enum step_rc engine_step_root_cert(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key), *ck, *sk;
	struct engine_cert_params cp;
	struct pki_contin_params c;
	struct pki_lint lint;
	X509 *cert = NULL;
	enum pki_err err;
	enum step_rc rc;

	if (k->pkey == NULL)
		return engine_fail(e, STEP_FAILED, "key %s is not held", s->key->id);
	rc = s->key->origin == SCRIPT_ORIGIN_SHARES ? engine_recert_params(e, s->key, &cp)
						    : engine_cert_params(e, s->key, &cp);
	if (rc != STEP_OK)
		return rc;
	if (s->key->kind == SCRIPT_KEY_GENERIC) {
		err = pki_cert_generic_root(k->pkey, &cp.p, &cert, &lint);
		if (err != PKI_OK)
			return engine_cert_failed(e, "root certificate", err, &lint);
		return engine_issued(e, s, cert, s->key->id, "generic-root", NULL);
	}
	if (s->key->apex == NULL || s->key->apex->wrapped_by == NULL)
		return engine_fail(e, STEP_FAILED, "root %s has no wrapped contingency key",
				   s->key->id);
	ck = engine_key(e, s->key->apex);
	sk = engine_key(e, s->key->apex->wrapped_by);
	if (ck->pkey == NULL || sk->secret == NULL)
		return engine_fail(e, STEP_FAILED,
				   "the Contingency key and its Symmetric Key must be generated "
				   "before the Root certificate");
	cp.p.path_len = PKI_PATHLEN_ABSENT;
	engine_contin_params(ck, sk, &c);
	err = pki_cert_smki_root(k->pkey, NULL, &cp.p, &c, &cert, &lint);
	if (err != PKI_OK)
		return engine_cert_failed(e, "root certificate", err, &lint);
	return engine_issued(e, s, cert, s->key->id, "smki-root",
			     json_pack("{s:{s:s,s:s,s:s}}", "wrapped_contingency", "key",
				       s->key->apex->id, "wrapped_by",
				       s->key->apex->wrapped_by->id, "algorithm",
				       pki_wrap_alg_name(c.alg)));
}

enum step_rc engine_step_export_csr(struct engine *e, const struct script_step *s)
{
	struct engine_key *k = engine_key(e, s->key);
	struct transcript_actor a = engine_step_actor(e, s);
	struct pki_lint lint;
	X509_REQ *req = NULL;
	enum pki_err err;
	enum step_rc rc;
	char label[160], subject[PKI_NAME_TEXT_MAX];
	uint8_t fpr[32], file_sha[32];

	if (k->pkey == NULL)
		return engine_fail(e, STEP_FAILED, "key %s is not held", s->key->id);
	if (s->output == NULL)
		return engine_fail(e, STEP_FAILED, "step %s names no output", s->id);
	if (s->key->kind == SCRIPT_KEY_RECOVERY) {
		err = pki_csr_smki_recovery(k->pkey, s->key->entity_id, s->key->subject.text,
					    e->o->rehearsal, &req, &lint);
	} else {
		struct pki_csr_params cp = { s->key->subject.text, NULL, e->o->rehearsal };

		err = pki_csr_build(k->pkey,
				    e->plan->profile == SCRIPT_PROFILE_SMKI
					    ? PKI_PROFILE_SMKI_ISSUING_CSR
					    : PKI_PROFILE_GENERIC_CSR,
				    &cp, &req, &lint);
	}
	if (err != PKI_OK)
		return engine_cert_failed(e, "CSR", err, &lint);
	err = pki_obj_from_csr(req, &k->csr);
	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "CSR for %s: %s", s->key->id, pki_strerror(err));
	pki_obj_fingerprint(&k->csr, fpr);
	snprintf(label, sizeof(label), "CSR for '%s' made:", s->key->id);
	engine_show_fpr(e, label, fpr);
	rc = engine_write_pem(e, s->output, &k->csr, file_sha);
	if (rc != STEP_OK)
		return rc;
	pki_name_text(X509_REQ_get_subject_name(k->csr.csr), subject, sizeof(subject));
	return engine_record(e, &a, "csr-exported",
			     json_pack("{s:s,s:s,s:o,s:o,s:s}", "key", s->key->id, "file",
				       s->output->file, "sha256", engine_json_hex(file_sha, 32),
				       "csr_sha256", engine_json_hex(fpr, 32), "subject", subject));
}

/* Shows a payload as QR codes on a terminal: one code when it fits, else a multi-part UR
 * animation, each frame checked by loopback when it is made. */
static enum step_rc show_qr(struct engine *e, const char *name, const uint8_t *data, size_t len,
			    const uint8_t sha[32])
{
	struct media_qr_anim *anim = NULL;
	char caption[256], hex[FPR_HEX_32];
	enum media_err rc;

	if (prompt_from_answers(e->p)) {
		prompt_say(e->p, PROMPT_PLAIN, "  (the QR codes of %s are shown on a terminal only)",
			   name);
		return STEP_OK;
	}
	rc = media_qr_anim_new(data, len, 1, 200, MEDIA_QR_EC_AUTO, &anim);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "QR of %s: %s", name, media_strerror(rc));
	fpr_hex(sha, 32, hex, sizeof(hex));
	snprintf(caption, sizeof(caption), "%s  SHA-256 %s", name, hex);
	/* Two passes over the fragments; fountain parts follow for a camera that missed some. */
	rc = prompt_qr_play(e->p, anim, caption, 400, 2 * media_qr_anim_fragments(anim) + 10);
	media_qr_anim_free(anim);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "showing the QR codes of %s: %s", name,
				   media_strerror(rc));
	return STEP_OK;
}

/* The public outputs were written as they were made; here each is read back from its medium,
 * checked against the medium's SHA256SUMS, recorded, and shown as QR codes if the script asks. */
enum step_rc engine_step_publish(struct engine *e, const struct script_step *s)
{
	struct transcript_actor a = engine_step_actor(e, s);

	for (unsigned i = 0; i < e->plan->output_count; i++) {
		const struct script_output *out = &e->plan->outputs[i];
		struct media_medium *mm = NULL;
		unsigned char *data = NULL;
		size_t len = 0;
		int listed = 0;
		enum media_err mrc;
		char path[4096];
		uint8_t sha[32];
		enum step_rc rc;

		if (out->type == SCRIPT_OUTPUT_TRANSCRIPT)
			continue; /* written as it grows, listed at the close */
		if (engine_medium_path(e, out->medium, path, sizeof(path)) != 0)
			return engine_fail(e, STEP_ERROR, "medium path too long");
		mrc = media_open_dir(path, 0, &mm);
		if (mrc == MEDIA_OK)
			mrc = media_read(mm, out->file, PKI_INPUT_MAX, MEDIA_READ_LISTED, &data, &len,
					 &listed);
		if (mm)
			media_close(mm);
		if (mrc != MEDIA_OK)
			return engine_fail(e, STEP_FAILED, "output %s (%s/%s): %s", out->id,
					   out->medium->id, out->file, media_strerror(mrc));
		crypto_hash_sha256(sha, data, len);
		rc = engine_record(e, &a, "media-written",
				   json_pack("{s:s,s:s,s:s,s:s,s:o,s:I}", "output", out->id, "type",
					     script_output_type_name(out->type), "medium",
					     out->medium->id, "file", out->file, "sha256",
					     engine_json_hex(sha, 32), "size", (json_int_t)len));
		if (rc == STEP_OK)
			prompt_say(e->p, PROMPT_GOOD, "  %s/%s verified on the medium",
				   out->medium->id, out->file);
		if (rc == STEP_OK && out->qr)
			rc = show_qr(e, out->file, data, len, sha);
		free(data);
		if (rc != STEP_OK)
			return rc;
	}
	return STEP_OK;
}
