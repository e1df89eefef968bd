/* Key work: generating keys, the Root certificate with its wrapped Contingency key, the
 * Recovery CSR, and writing the public outputs. */
#include <arpa/inet.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ceremony/base/checkvalue.h"
#include "ceremony/engine/engine_impl.h"
#include "ceremony/base/fpr.h"
#include "ceremony/base/keyfile.h"
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

/* A key longer than a SLIP-39 secret: its shares split a fresh 256-bit key-encryption key, and
 * the private key, sealed under it, goes on every custodian medium and the public medium. */
static enum step_rc seal_keyfile(struct engine *e, struct engine_key *k)
{
	struct keyfile_meta meta;
	uint8_t *der = NULL;
	size_t len = 0;
	enum pki_err err;
	enum keyfile_err kerr;

	k->secret = sodium_malloc(KEYFILE_KEK_LEN);
	if (k->secret == NULL)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	k->secret_len = KEYFILE_KEK_LEN;
	entropy_bytes(e->rng, k->secret, k->secret_len);
	err = pki_key_export_pkcs8(k->pkey, &der, &len);
	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "key %s: %s", k->sk->id, pki_strerror(err));
	memset(&meta, 0, sizeof(meta));
	snprintf(meta.ceremony_id, sizeof(meta.ceremony_id), "%s", e->plan->id);
	snprintf(meta.key_name, sizeof(meta.key_name), "%s", k->sk->id);
	memcpy(meta.spki_sha256, k->fpr, 32);
	kerr = keyfile_seal(&meta, k->secret, der, len, NULL, NULL, &k->keyfile, &k->keyfile_len);
	pki_secret_free(der, len);
	if (kerr != KEYFILE_OK)
		return engine_fail(e, STEP_ERROR, "sealing %s: %s", k->sk->id,
				   keyfile_strerror(kerr));
	engine_keyfile_name(k);
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
	return pki_rawkey_supported(alg) ? STEP_OK : seal_keyfile(e, k);
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

/* not_before + years, by the calendar (25 years from 29 February lands on 1 March). */
int engine_validity(const struct script_validity *v, int64_t now, struct pki_validity *out)
{
	if (v->days)
		return pki_validity_days(now, v->days, out) == PKI_OK ? 0 : -1;
	if (v->years) {
		time_t t = (time_t)now;
		struct tm tm;

		gmtime_r(&t, &tm);
		tm.tm_year += (int)v->years;
		out->not_before = now;
		out->not_after = (int64_t)timegm(&tm);
		return pki_validity_check(out) == PKI_OK ? 0 : -1;
	}
	return -1;
}

/* "ip:ADDR/PREFIX" as the PKI library takes it, "IP:ADDR/MASK"; the other forms by their tag. */
static int nc_spec(const struct script_constraint *c, char *out, size_t outlen)
{
	static const char *const tags[] = {
		[SCRIPT_NC_DNS] = "DNS:", [SCRIPT_NC_EMAIL] = "email:", [SCRIPT_NC_URI] = "URI:"
	};
	unsigned char mask[16] = { 0 };
	char addr[64], text[INET6_ADDRSTRLEN];
	const char *slash;
	unsigned long bits;
	int v6, n;

	if (c->type != SCRIPT_NC_IP) {
		n = snprintf(out, outlen, "%s%s", tags[c->type], c->value);
		return n < 0 || (size_t)n >= outlen ? -1 : 0;
	}
	slash = strchr(c->value, '/');
	if (slash == NULL || (size_t)(slash - c->value) >= sizeof(addr))
		return -1;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - c->value), c->value);
	v6 = strchr(addr, ':') != NULL;
	bits = strtoul(slash + 1, NULL, 10); /* the script checked its form and range */
	if (bits > (v6 ? 128u : 32u))
		return -1;
	for (unsigned long i = 0; i < bits; i++)
		mask[i / 8] = (unsigned char)(mask[i / 8] | (0x80u >> (i % 8)));
	if (inet_ntop(v6 ? AF_INET6 : AF_INET, mask, text, sizeof(text)) == NULL)
		return -1;
	n = snprintf(out, outlen, "IP:%s/%s", addr, text);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

enum step_rc engine_cert_params(struct engine *e, const struct script_key *sk,
				struct engine_cert_params *cp)
{
	struct pki_cert_params *p = &cp->p;
	size_t nc = 0;

	memset(cp, 0, sizeof(*cp));
	p->subject = sk->subject.count ? sk->subject.text : NULL;
	if (engine_validity(&sk->validity, engine_now(e), &p->validity) != 0)
		return engine_fail(e, STEP_FAILED, "key %s: no valid validity period", sk->id);
	p->policies = sk->policies;
	p->npolicies = sk->policy_count;
	p->path_len = sk->path_length >= 0 ? sk->path_length : PKI_PATHLEN_ABSENT;
	p->rehearsal = e->o->rehearsal;
	for (unsigned i = 0; i < sk->permitted_count + sk->excluded_count; i++) {
		bool permitted = i < sk->permitted_count;
		const struct script_constraint *c =
			permitted ? &sk->permitted[i] : &sk->excluded[i - sk->permitted_count];

		if (nc_spec(c, cp->nc[nc], sizeof(cp->nc[nc])) != 0)
			return engine_fail(e, STEP_FAILED, "key %s: name constraint %s", sk->id,
					   c->value);
		if (permitted)
			cp->permitted[p->npermitted++] = cp->nc[nc++];
		else
			cp->excluded[p->nexcluded++] = cp->nc[nc++];
	}
	p->permitted = cp->permitted;
	p->excluded = cp->excluded;
	return STEP_OK;
}

enum step_rc engine_write_pem(struct engine *e, const struct script_output *out,
			      const struct pki_obj *obj, uint8_t sha[32])
{
	char *pem = NULL;
	size_t len = 0;
	enum pki_err err = pki_obj_pem(obj, &pem, &len);
	enum step_rc rc;

	if (err != PKI_OK)
		return engine_fail(e, STEP_ERROR, "output %s: %s", out->id, pki_strerror(err));
	rc = engine_write(e, out->medium, out->file, (const uint8_t *)pem, len, sha);
	OPENSSL_free(pem);
	if (rc == STEP_OK)
		prompt_say(e->p, PROMPT_GOOD, "  wrote %s/%s", out->medium->id, out->file);
	return rc;
}

enum step_rc engine_issued(struct engine *e, const struct script_step *s, X509 *cert,
			   const char *issuer, const char *profile, json_t *extra)
{
	struct engine_key *k = engine_key(e, s->key);
	struct transcript_actor a = engine_step_actor(e, s);
	char label[160], subject[PKI_NAME_TEXT_MAX];
	uint8_t fpr[32], file_sha[32];
	const ASN1_INTEGER *sn;
	enum pki_err err;
	enum step_rc rc;
	json_t *data;

	err = pki_obj_from_cert(cert, &k->cert);
	if (err != PKI_OK) {
		json_decref(extra);
		return engine_fail(e, STEP_ERROR, "certificate of %s: %s", s->key->id,
				   pki_strerror(err));
	}
	pki_obj_fingerprint(&k->cert, fpr);
	snprintf(label, sizeof(label), "Certificate of '%s' issued by '%s':", s->key->id, issuer);
	engine_show_fpr(e, label, fpr);
	rc = engine_write_pem(e, s->output, &k->cert, file_sha);
	if (rc != STEP_OK) {
		json_decref(extra);
		return rc;
	}
	pki_name_text(X509_get_subject_name(k->cert.cert), subject, sizeof(subject));
	sn = X509_get0_serialNumber(k->cert.cert);
	data = extra ? extra : json_object();
	if (data == NULL ||
	    json_object_update_missing_new(
		    data, json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o}", "key", s->key->id, "issuer",
				    issuer, "file", s->output->file, "sha256",
				    engine_json_hex(file_sha, 32), "cert_sha256",
				    engine_json_hex(fpr, 32), "profile", profile, "subject",
				    subject, "serial",
				    engine_json_hex(sn->data, (size_t)sn->length))) != 0) {
		json_decref(data);
		return engine_fail(e, STEP_ERROR, "out of memory");
	}
	return engine_record(e, &a, "certificate-issued", data);
}

static const char *lint_text(const struct pki_lint *lint, enum pki_err err, char *buf,
			     size_t len)
{
	if (err != PKI_E_LINT)
		return "";
	return engine_lint_reason(lint, buf, len);
}

enum step_rc engine_cert_failed(struct engine *e, const char *what, enum pki_err err,
				const struct pki_lint *lint)
{
	char why[PKI_LINT_DETAIL + 80];

	return engine_fail(e, err == PKI_E_NOMEM || err == PKI_E_CRYPTO ? STEP_ERROR
									  : STEP_FAILED,
			   "%s: %s %s", what, pki_strerror(err),
			   lint_text(lint, err, why, sizeof(why)));
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
	if ((rc = engine_cert_params(e, s->key, &cp)) != STEP_OK)
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

void engine_contin_params(const struct engine_key *ck, const struct engine_key *sk,
			  struct pki_contin_params *c)
{
	memset(c, 0, sizeof(*c));
	c->spki = ck->spki;
	c->spki_len = ck->spki_len;
	c->symkey = sk->secret;
	c->symkey_len = sk->secret_len;
	c->alg = sk->secret_len == 32 ? PKI_WRAP_AES256_PAD : PKI_WRAP_AES128_PAD;
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
	int rc;

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
	rc = media_qr_play(STDOUT_FILENO, anim, 0, caption, 400,
			   2 * media_qr_anim_fragments(anim) + 10, NULL, NULL);
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
		int listed = 0, mrc;
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
