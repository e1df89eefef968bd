/* The SMKI Recovery Procedure: the policy authority's decision read and recorded; device-command
 * payloads, each approved by its SHA-256 in the script, signed by the Recovery (or Contingency)
 * key as GBCS carries signatures (64-octet r || s) and as DER; keys of an earlier ceremony
 * retired after a compromise, their shares superseded, and never rebuilt again. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include "ceremony/engine/engine_inputs.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_steps.h"
#include "ceremony/base/fpr.h"
#include "ceremony/pki/name.h"
#include "ceremony/pki/rawsig.h"
#include "media/error.h"
#include "media/qr_in.h"

#define DECISION_MAX (16u * 1024 * 1024) /* a decision document: a PDF, a signed letter */
#define PAYLOAD_MAX  65536u		 /* one device-command payload */

/* --- the decision ------------------------------------------------------------------------ */

enum step_rc engine_read_decision(struct engine *e, const struct script_step *s,
				  const struct script_input *in, struct engine_input *ei)
{
	struct transcript_actor a = engine_step_actor(e, s);
	const char *source = "medium";
	uint8_t *data = NULL;
	size_t len = 0;
	enum step_rc rc = engine_receive_input(e, in, DECISION_MAX, &data, &len, &source);

	if (rc != STEP_OK)
		return rc;
	crypto_hash_sha256(ei->sha256, data, len);
	free(data);
	if (sodium_memcmp(ei->sha256, in->sha256, 32) != 0)
		return engine_fail(e, STEP_FAILED,
				   "input %s is not the decision the script approves: its SHA-256 "
				   "differs",
				   in->id);
	prompt_say(e->p, PROMPT_PLAIN, "  Decision %s: %zu bytes", in->reference, len);
	engine_show_fpr(e, "SHA-256 of the decision document:", ei->sha256);
	rc = engine_confirm_input(e, in, "Does this SHA-256 match the decision the policy authority "
				  "issued?");
	if (rc != STEP_OK)
		return rc;
	return engine_record(e, &a, "input-imported",
			     json_pack("{s:s,s:s,s:s,s:o,s:s,s:I}", "kind", "decision", "input",
				       in->id, "source", source, "sha256",
				       engine_json_hex(ei->sha256, 32), "reference", in->reference,
				       "size", (json_int_t)len));
}

enum step_rc engine_step_record_decision(struct engine *e, const struct script_step *s)
{
	const struct script_input *in = s->input;
	struct engine_input *ei = engine_input(e, in);
	struct transcript_actor a = engine_step_actor(e, s);
	char q[300];
	enum step_rc rc;

	if (ei == NULL)
		return engine_fail(e, STEP_FAILED, "the decision %s is not here", in->id);
	prompt_say(e->p, PROMPT_PLAIN, "  The policy authority's decision %s", in->reference);
	engine_show_fpr(e, "SHA-256 of the decision document:", ei->sha256);
	snprintf(q, sizeof(q),
		 "Have you seen decision %s, and does it authorise this ceremony as scripted?",
		 in->reference);
	rc = engine_confirm_each(e, s, q, "acknowledgement");
	if (rc != STEP_OK)
		return rc;
	return engine_record(e, &a, "decision-recorded",
			     json_pack("{s:s,s:s,s:o}", "input", in->id, "reference",
				       in->reference, "sha256", engine_json_hex(ei->sha256, 32)));
}

/* --- payloads ------------------------------------------------------------------------------ */

void engine_payloads_free(struct engine_input *ei)
{
	if (ei->payload != NULL)
		for (unsigned i = 0; i < SCRIPT_MAX_PAYLOADS && ei->payload_len != NULL; i++)
			free(ei->payload[i]);
	free(ei->payload);
	free(ei->payload_len);
	ei->payload = NULL;
	ei->payload_len = NULL;
}

/* The payloads come in on the input's medium or by QR: the script says, or the operator. */
static enum step_rc payload_source(struct engine *e, const struct script_input *in, bool *qr)
{
	static const char *const sources[] = {"medium", "qr"};
	char id[ANSWERS_ID_MAX + 1], q[200];
	size_t pick = 0;
	int prc;

	*qr = in->source == SCRIPT_SOURCE_QR;
	if (in->source != SCRIPT_SOURCE_ANY)
		return STEP_OK;
	if (prompt_id(id, sizeof(id), PROMPT_ID_INPUT, in->id, INPUT_FIELD_SOURCE) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", in->id);
	snprintf(q, sizeof(q), "How do the payloads of '%s' come in: on a medium, or by QR?",
		 in->id);
	prc = prompt_choice(e->p, id, q, sources, 2, &pick);
	if (prc != PROMPT_OK)
		return engine_prompt_rc(e, prc, id);
	*qr = pick == 1;
	return STEP_OK;
}

/* Payload i: from the medium, or the QR codes whose images are named after its file. */
static enum step_rc one_payload(struct engine *e, const struct script_input *in, unsigned i,
				bool qr, uint8_t **data, size_t *len)
{
	const struct script_payload *pl = &in->payloads[i];
	char id[ANSWERS_ID_MAX + 1], what[100];
	struct media_rx *rx = NULL;
	const unsigned char *bytes;
	enum media_err mrc;
	enum step_rc rc;

	if (!qr) {
		if (in->medium == NULL)
			return engine_fail(e, STEP_FAILED, "input %s names no medium: bring it by QR",
					   in->id);
		mrc = engine_read_file(e, in->medium, pl->file, PAYLOAD_MAX, 0, data, len);
		return mrc == MEDIA_OK ? STEP_OK
				       : engine_fail(e, STEP_FAILED, "payload %s/%s: %s",
						     in->medium->id, pl->file, media_strerror(mrc));
	}
	if (prompt_id(id, sizeof(id), PROMPT_ID_INPUT, in->id, INPUT_FIELD_QR) != 0)
		return engine_fail(e, STEP_ERROR, "prompt id too long for %s", in->id);
	snprintf(what, sizeof(what), "payload %s", pl->file);
	rc = engine_qr_receive(e, id, what, pl->file, PAYLOAD_MAX, &rx);
	if (rc != STEP_OK)
		return rc;
	media_rx_payload(rx, &bytes, len);
	*data = malloc(*len ? *len : 1);
	if (*data != NULL)
		memcpy(*data, bytes, *len);
	media_rx_free(rx);
	return *data != NULL ? STEP_OK : engine_fail(e, STEP_ERROR, "out of memory");
}

enum step_rc engine_read_payloads(struct engine *e, const struct script_step *s,
				  const struct script_input *in, struct engine_input *ei)
{
	struct transcript_actor a = engine_step_actor(e, s);
	crypto_hash_sha256_state list;
	size_t total = 0;
	uint8_t sha[32];
	char hex[FPR_HEX_32], q[200];
	bool qr = false;
	enum step_rc rc = payload_source(e, in, &qr);

	if (rc != STEP_OK)
		return rc;
	ei->payload = calloc(SCRIPT_MAX_PAYLOADS, sizeof(*ei->payload));
	ei->payload_len = calloc(SCRIPT_MAX_PAYLOADS, sizeof(*ei->payload_len));
	if (ei->payload == NULL || ei->payload_len == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	/* The list digest: SHA-256 over the approved SHA-256s in script order, one value to read
	 * aloud for the whole batch. */
	crypto_hash_sha256_init(&list);
	for (unsigned i = 0; i < in->payload_count; i++) {
		const struct script_payload *pl = &in->payloads[i];

		rc = one_payload(e, in, i, qr, &ei->payload[i], &ei->payload_len[i]);
		if (rc != STEP_OK)
			return rc;
		crypto_hash_sha256(sha, ei->payload[i], ei->payload_len[i]);
		if (sodium_memcmp(sha, pl->sha256, 32) != 0)
			return engine_fail(e, STEP_FAILED,
					   "payload %s is not the one the script approves: its "
					   "SHA-256 differs",
					   pl->file);
		crypto_hash_sha256_update(&list, pl->sha256, 32);
		total += ei->payload_len[i];
		fpr_hex(sha, 8, hex, sizeof(hex));
		prompt_say(e->p, PROMPT_PLAIN, "  %-40s %6zu bytes  SHA-256 %s...", pl->file,
			   ei->payload_len[i], hex);
	}
	crypto_hash_sha256_final(&list, ei->sha256);
	prompt_say(e->p, PROMPT_GOOD, "  %u payloads, %zu bytes: each has the SHA-256 the script "
				      "approves",
		   in->payload_count, total);
	engine_show_fpr(e, "Digest of the approved list:", ei->sha256);
	snprintf(q, sizeof(q), "Are these the %u payloads the policy authority approved?",
		 in->payload_count);
	rc = engine_confirm_input(e, in, q);
	if (rc != STEP_OK)
		return rc;
	return engine_record(e, &a, "input-imported",
			     json_pack("{s:s,s:s,s:s,s:o,s:I,s:I}", "kind", "payloads", "input",
				       in->id, "source", qr ? "qr" : "medium", "sha256",
				       engine_json_hex(ei->sha256, 32), "count",
				       (json_int_t)in->payload_count, "size", (json_int_t)total));
}

/* "<file>.<ext>" into out; the script keeps payload names short enough. */
static enum step_rc name_with(struct engine *e, const char *file, const char *ext, char *out,
			      size_t outlen)
{
	int n = snprintf(out, outlen, "%s.%s", file, ext);

	return n > 0 && (size_t)n < outlen ? STEP_OK
					    : engine_fail(e, STEP_ERROR, "name too long: %s", file);
}

/* One payload signed: r || s checked under the key, written raw and as DER, recorded. The list
 * line "<payload sha256> <r||s> <file>" goes to line. */
static enum step_rc sign_one(struct engine *e, const struct script_step *s, EVP_PKEY *key,
			     const struct script_payload *pl, const uint8_t *msg, size_t len,
			     char *line, size_t linelen)
{
	const struct script_medium *m = s->output->medium;
	struct transcript_actor a = engine_step_actor(e, s);
	uint8_t rs[PKI_RAWSIG_LEN], der[PKI_RAWSIG_DER_MAX], der_sha[32];
	char rs_hex[2 * PKI_RAWSIG_LEN + 1], pl_hex[65], name[SCRIPT_FILE_MAX + 1];
	size_t der_len = 0;
	enum pki_err err = pki_rawsig_sign(key, msg, len, rs);
	enum step_rc rc;

	/* Checked before it leaves: a fault in the signer must not reach a device. */
	if (err == PKI_OK)
		err = pki_rawsig_verify(key, msg, len, rs);
	if (err == PKI_OK)
		err = pki_rawsig_to_der(rs, der, sizeof(der), &der_len);
	if (err != PKI_OK)
		return engine_fail(e, STEP_FAILED, "signing %s: %s", pl->file, pki_strerror(err));
	sodium_bin2hex(rs_hex, sizeof(rs_hex), rs, sizeof(rs));
	sodium_bin2hex(pl_hex, sizeof(pl_hex), pl->sha256, 32);
	if ((rc = name_with(e, pl->file, "rs", name, sizeof(name))) != STEP_OK ||
	    (rc = engine_write(e, m, name, rs, sizeof(rs), NULL)) != STEP_OK ||
	    (rc = name_with(e, pl->file, "sig", name, sizeof(name))) != STEP_OK ||
	    (rc = engine_write(e, m, name, der, der_len, der_sha)) != STEP_OK)
		return rc;
	snprintf(line, linelen, "%s %s %s\n", pl_hex, rs_hex, pl->file);
	return engine_record(e, &a, "payload-signed",
			     json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "key", s->key->id, "payload",
				       pl->file, "payload_sha256", pl_hex, "signature_rs", rs_hex,
				       "file", name, "sha256", engine_json_hex(der_sha, 32)));
}

enum step_rc engine_step_sign_payloads(struct engine *e, const struct script_step *s)
{
	const struct script_input *in = s->input;
	struct engine_input *ei = engine_input(e, in);
	EVP_PKEY *key = engine_key(e, s->key)->pkey;
	enum { LINE = 64 + 1 + 128 + 1 + SCRIPT_PAYLOAD_FILE_MAX + 1 };
	char *list = NULL, q[200];
	size_t used = 0;
	enum step_rc rc;

	if (ei == NULL || ei->payload == NULL)
		return engine_fail(e, STEP_FAILED, "the payloads of %s are not here", in->id);
	if (key == NULL)
		return engine_fail(e, STEP_FAILED, "'%s' is not held here", s->key->id);
	snprintf(q, sizeof(q), "Sign these %u payloads with '%s'?", in->payload_count, s->key->id);
	rc = engine_confirm_each(e, s, q, "acknowledgement");
	if (rc != STEP_OK)
		return rc;
	list = malloc((size_t)in->payload_count * LINE + 1);
	if (list == NULL)
		return engine_fail(e, STEP_ERROR, "out of memory");
	for (unsigned i = 0; rc == STEP_OK && i < in->payload_count; i++) {
		rc = sign_one(e, s, key, &in->payloads[i], ei->payload[i], ei->payload_len[i],
			      list + used, LINE + 1);
		used += strlen(list + used);
		prompt_progress(e->p, "payloads signed", i + 1, in->payload_count);
	}
	if (rc == STEP_OK)
		rc = engine_write(e, s->output->medium, s->output->file, (const uint8_t *)list,
				  used, NULL);
	free(list);
	if (rc == STEP_OK)
		prompt_say(e->p, PROMPT_GOOD, "  %u payloads signed by '%s' -> %s/%s",
			   in->payload_count, s->key->id, s->output->medium->id, s->output->file);
	return rc;
}

/* --- retired keys -------------------------------------------------------------------------- */

enum step_rc engine_step_retire_key(struct engine *e, const struct script_step *s)
{
	struct engine_input *ei = engine_input(e, s->input);
	const struct engine_key *k = engine_key(e, s->key);
	struct transcript_actor a = engine_step_actor(e, s);
	const struct lineage_key *lk;
	const struct lineage *l;
	char q[300], label[200];
	enum step_rc rc;
	json_t *d;

	l = ei != NULL ? ei->lineage : NULL;
	lk = l != NULL ? lineage_key(l, s->key->id) : NULL;
	if (lk == NULL || (!lk->has_spki_sha256 && !lk->has_check_value))
		return engine_fail(e, STEP_FAILED, "the transcript of %s records no key '%s'",
				   s->input->ceremony, s->key->id);
	if (k->has_fpr && sodium_memcmp(k->fpr, lk->has_spki_sha256 ? lk->spki_sha256
								   : lk->check_value,
					32) == 0)
		return engine_fail(e, STEP_FAILED, "'%s' generated here is the key it replaces",
				   s->key->id);
	snprintf(label, sizeof(label), "Key '%s' of ceremony %s, retired:", s->key->id,
		 l->ceremony);
	engine_show_fpr(e, label, lk->has_spki_sha256 ? lk->spki_sha256 : lk->check_value);
	snprintf(q, sizeof(q),
		 "Is key '%s' of ceremony %s retired, its shares superseded, never to be used "
		 "again?",
		 s->key->id, l->ceremony);
	rc = engine_confirm_each(e, s, q, "acknowledgement");
	if (rc != STEP_OK)
		return rc;
	d = json_pack("{s:s,s:s}", "key", s->key->id, "ceremony", l->ceremony);
	if (d != NULL)
		json_object_set_new(d, lk->has_spki_sha256 ? "spki_sha256" : "check_value",
				    engine_json_hex(lk->has_spki_sha256 ? lk->spki_sha256
									: lk->check_value,
						    32));
	rc = engine_record(e, &a, "key-retired", d);
	for (size_t i = 0; rc == STEP_OK && i < lk->nsets; i++)
		if (!lk->sets[i].superseded)
			rc = engine_record(e, &a, "shares-superseded",
					   json_pack("{s:s,s:I,s:s}", "key", s->key->id,
						     "identifier",
						     (json_int_t)lk->sets[i].identifier,
						     "ceremony", l->ceremony));
	if (rc == STEP_OK)
		prompt_say(e->p, PROMPT_GOOD, "  '%s' of %s retired; its shares are superseded",
			   s->key->id, l->ceremony);
	return rc;
}

enum step_rc engine_refuse_retired(struct engine *e, const struct engine_key *k)
{
	const char *ceremony = k->sk->input != NULL ? k->sk->input->ceremony : "";

	for (unsigned i = 0; i < e->plan->input_count; i++) {
		const struct lineage *l = e->inputs[i].lineage;
		const struct lineage_retired *r =
		    l != NULL ? lineage_retired(l, k->sk->id, ceremony, k->has_fpr ? k->fpr : NULL)
			      : NULL;

		if (r != NULL)
			return engine_fail(e, STEP_FAILED,
					   "'%s' is key '%s' of ceremony %s, which ceremony %s "
					   "retired: it is never rebuilt or used again",
					   k->sk->id, r->name, r->ceremony, l->ceremony);
	}
	return STEP_OK;
}

/* --- a Root certified again ---------------------------------------------------------------- */

static int epoch_of(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;

	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

enum step_rc engine_recert_params(struct engine *e, const struct script_key *sk,
				  struct engine_cert_params *cp)
{
	X509 *old = engine_key_cert(e, sk);
	struct script_key with = *sk;
	enum step_rc rc;

	if (old == NULL)
		return engine_fail(e, STEP_FAILED, "the current certificate of '%s' is not here",
				   sk->id);
	/* A validity to build from; replaced below when the script keeps the old one. */
	if (with.validity.years == 0 && with.validity.days == 0)
		with.validity.days = 1;
	if ((rc = engine_cert_params(e, &with, cp)) != STEP_OK)
		return rc;
	if (sk->subject.count == 0) {
		if (pki_name_text(X509_get_subject_name(old), cp->subject, sizeof(cp->subject)) !=
		    PKI_OK)
			return engine_fail(e, STEP_FAILED, "the subject of '%s' is too long",
					   sk->id);
		cp->p.subject = cp->subject;
	}
	if (sk->validity.years == 0 && sk->validity.days == 0 &&
	    (epoch_of(X509_get0_notBefore(old), &cp->p.validity.not_before) != 0 ||
	     epoch_of(X509_get0_notAfter(old), &cp->p.validity.not_after) != 0))
		return engine_fail(e, STEP_FAILED, "the validity of '%s' cannot be read", sk->id);
	prompt_say(e->p, PROMPT_PLAIN, "  the same Root key, certified again: subject %s (%s), "
				       "validity %s",
		   cp->p.subject, sk->subject.count ? "the script's" : "kept",
		   sk->validity.years || sk->validity.days ? "the script's" : "kept");
	return STEP_OK;
}
