/* The Contingency key at work. The test (the seed's "SMKI 53") proves that the Apex Contingency
 * Key in the Root certificate is accurate and usable: unwrapped with the rebuilt Symmetric Key it
 * is the rebuilt Contingency key's public key, and that key signs. The replacement, after a Root
 * compromise, signs a new Root with the Contingency key and reveals the Symmetric Key, which
 * devices use to unwrap the Contingency public key from the Root they trust and verify the new
 * one. The Contingency public key is never published before that moment. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_steps.h"
#include "ceremony/base/fpr.h"

/* Both halves of the contingency pair held here: the key and its Symmetric Key. */
static enum step_rc held(struct engine *e, const struct script_key *ck, struct engine_key **c,
			 struct engine_key **s)
{
	*c = engine_key(e, ck);
	*s = engine_key(e, ck->wrapped_by);
	if ((*c)->pkey == NULL || (*s)->secret == NULL)
		return engine_fail(e, STEP_FAILED, "'%s' and '%s' must both be held here", ck->id,
				   ck->wrapped_by->id);
	return STEP_OK;
}

enum step_rc engine_step_contingency_test(struct engine *e, const struct script_step *s)
{
	struct engine_input *in = engine_input(e, s->input);
	struct transcript_actor a = engine_step_actor(e, s);
	struct engine_key *ck, *sk;
	struct pki_contin contin;
	uint8_t fpr[32];
	enum pki_err err;
	enum step_rc rc = held(e, s->key, &ck, &sk);

	if (rc != STEP_OK)
		return rc;
	if (in == NULL || in->obj.type != PKI_OBJ_CERT)
		return engine_fail(e, STEP_FAILED, "the Root certificate %s is not here",
				   s->input->id);
	err = pki_contin_get(in->obj.cert, &contin, NULL);
	if (err == PKI_OK)
		err = pki_contin_verify(in->obj.cert, sk->secret, sk->secret_len, ck->pkey);
	if (err != PKI_OK)
		return engine_fail(e, STEP_FAILED,
				   "CONTINGENCY TEST FAILED: the Apex Contingency Key in %s is not "
				   "'%s' under '%s': %s",
				   s->input->id, s->key->id, s->key->wrapped_by->id,
				   pki_strerror(err));
	pki_obj_fingerprint(&in->obj, fpr);
	prompt_say(e->p, PROMPT_GOOD,
		   "  CONTINGENCY TEST PASSED: the key wrapped in %s (%s) unwraps with '%s' to the "
		   "public key of '%s', and a signature by '%s' verifies under it",
		   s->input->id, pki_wrap_alg_name(contin.alg), s->key->wrapped_by->id, s->key->id,
		   s->key->id);
	return engine_record(e, &a, "contingency-tested",
			     json_pack("{s:s,s:s,s:o,s:s,s:s,s:s}", "key", s->key->id, "wrapped_by",
				       s->key->wrapped_by->id, "cert_sha256",
				       engine_json_hex(fpr, 32), "wrap_algorithm",
				       pki_wrap_alg_name(contin.alg), "input", s->input->id,
				       "result", "passed"));
}

/* The Root being replaced: the certificate (one the step reads) whose wrapped key is the
 * issuer's under its Symmetric Key. */
static X509 *old_root(struct engine *e, const struct script_step *s, struct engine_key *ck,
		      struct engine_key *sk, uint8_t fpr[32])
{
	const struct script_input *list[SCRIPT_MAX_INPUTS];
	unsigned n = script_step_inputs(e->plan, s, list, SCRIPT_MAX_INPUTS);

	for (unsigned i = 0; i < n; i++) {
		struct engine_input *in = engine_input(e, list[i]);

		if (in != NULL && in->obj.type == PKI_OBJ_CERT &&
		    pki_contin_verify(in->obj.cert, sk->secret, sk->secret_len, ck->pkey) ==
			PKI_OK) {
			pki_obj_fingerprint(&in->obj, fpr);
			return in->obj.cert;
		}
	}
	return NULL;
}

/* The Symmetric Key is public from now on: written, as hex and a newline, to the public medium
 * for the device command, and recorded with its check value (not its value). */
static enum step_rc reveal(struct engine *e, const struct script_step *s, struct engine_key *sk,
			   struct engine_key *ck)
{
	struct transcript_actor a = engine_step_actor(e, s);
	char file[SCRIPT_FILE_MAX + 1];
	size_t hlen = 2 * sk->secret_len + 1;
	char *hex = sodium_malloc(hlen + 1);
	uint8_t sha[32], spki[PKI_SPKI_MAX];
	size_t spki_len = 0;
	enum step_rc rc;

	if (hex == NULL)
		return engine_fail(e, STEP_ERROR, "out of secure memory");
	if (snprintf(file, sizeof(file), "%s-REVEALED.hex", sk->sk->id) >= (int)sizeof(file)) {
		sodium_free(hex);
		return engine_fail(e, STEP_ERROR, "key name too long for a file name");
	}
	sodium_bin2hex(hex, hlen, sk->secret, sk->secret_len);
	hex[hlen - 1] = '\n';
	rc = engine_write(e, s->output->medium, file, (const uint8_t *)hex, hlen, sha);
	sodium_memzero(hex, hlen + 1);
	sodium_free(hex);
	if (rc != STEP_OK)
		return rc;
	prompt_say(e->p, PROMPT_WARN, "  '%s' REVEALED: %s/%s (it is public from now on)",
		   sk->sk->id, s->output->medium->id, file);
	rc = engine_record(e, &a, "key-revealed",
			   json_pack("{s:s,s:s,s:s,s:o,s:o}", "key", sk->sk->id, "medium",
				     s->output->medium->id, "file", file, "sha256",
				     engine_json_hex(sha, 32), "check_value",
				     engine_json_hex(sk->fpr, 32)));
	if (rc != STEP_OK)
		return rc;
	/* Anyone can now unwrap the Contingency public key from the old Root: so the record
	 * gives it, for auditors to verify the replacement with. */
	if (pki_key_spki(ck->pkey, spki, sizeof(spki), &spki_len) != PKI_OK)
		return engine_fail(e, STEP_ERROR, "the public key of '%s'", ck->sk->id);
	return engine_record(e, &a, "key-revealed",
			     json_pack("{s:s,s:o,s:o}", "key", ck->sk->id, "spki",
				       engine_json_hex(spki, spki_len), "spki_sha256",
				       engine_json_hex(ck->fpr, 32)));
}

enum step_rc engine_step_contingency_replace(struct engine *e, const struct script_step *s)
{
	const struct script_key *nk = s->key;
	struct engine_key *root = engine_key(e, nk), *ck, *sk, *nck, *nsk;
	struct engine_cert_params cp;
	struct pki_contin_params c;
	struct pki_lint lint;
	X509 *old, *cert = NULL;
	uint8_t old_fpr[32];
	enum pki_err err;
	enum step_rc rc = held(e, nk->issuer, &ck, &sk);

	if (rc != STEP_OK)
		return rc;
	if (nk->apex == NULL || nk->apex->wrapped_by == NULL)
		return engine_fail(e, STEP_FAILED, "the new Root '%s' carries no contingency key",
				   nk->id);
	if ((rc = held(e, nk->apex, &nck, &nsk)) != STEP_OK)
		return rc;
	if (root->pkey == NULL)
		return engine_fail(e, STEP_FAILED, "'%s' is not held here", nk->id);
	old = old_root(e, s, ck, sk, old_fpr);
	if (old == NULL)
		return engine_fail(e, STEP_FAILED,
				   "no Root certificate read here carries '%s' wrapped with '%s'",
				   nk->issuer->id, nk->issuer->wrapped_by->id);
	if ((rc = engine_cert_params(e, nk, &cp)) != STEP_OK)
		return rc;
	cp.p.path_len = PKI_PATHLEN_ABSENT;
	engine_contin_params(nck, nsk, &c);
	err = pki_cert_smki_root(root->pkey, ck->pkey, &cp.p, &c, &cert, &lint);
	if (err != PKI_OK)
		return engine_cert_failed(e, "the replacement Root", err, &lint);
	/* What every device will do with it: unwrap the Contingency public key from the Root it
	 * trusts with the revealed key, and verify the replacement under it. */
	err = pki_contin_check_replacement(old, sk->secret, sk->secret_len, cert);
	if (err != PKI_OK) {
		X509_free(cert);
		return engine_fail(e, STEP_FAILED, "a device would refuse the replacement Root: %s",
				   pki_strerror(err));
	}
	prompt_say(e->p, PROMPT_GOOD,
		   "  checked as a device checks it: the replacement verifies "
		   "under the Contingency key unwrapped from the old Root");
	rc = engine_issued(e, s, cert, nk->issuer->id, "smki-root",
			   json_pack("{s:o,s:{s:s,s:s,s:s}}", "replaces",
				     engine_json_hex(old_fpr, 32), "wrapped_contingency", "key",
				     nk->apex->id, "wrapped_by", nk->apex->wrapped_by->id,
				     "algorithm", pki_wrap_alg_name(c.alg)));
	if (rc != STEP_OK)
		return rc;
	return reveal(e, s, sk, ck);
}
