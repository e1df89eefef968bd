/* Secrets held (engine_secrets.h): wiping keys, releasing those no later step uses, and proving
 * a rebuilt secret before any use. */
#include <sodium.h>
#include <string.h>

#include "ceremony/base/checkvalue.h"
#include "ceremony/engine/engine_keyfile.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/engine/engine_secrets.h"
#include "ceremony/pki/rawkey.h"

/* The split secret only: a CA key's private key may stay for the close. */
static void wipe_secret(struct engine_key *k)
{
	if (k->secret) {
		sodium_memzero(k->secret, k->secret_len);
		sodium_free(k->secret);
		k->secret = NULL;
		k->secret_len = 0;
	}
}

void engine_wipe_key(struct engine_key *k)
{
	if (k->pkey) {
		/* OpenSSL keeps the private numbers in its secure heap and clears them on free. */
		EVP_PKEY_free(k->pkey);
		k->pkey = NULL;
	}
	wipe_secret(k);
	if (k->shares) {
		slip39_mnemonics_free(k->shares);
		k->shares = NULL;
	}
}

void engine_wipe_keys(struct engine *e)
{
	for (unsigned i = 0; i < SCRIPT_MAX_KEYS; i++)
		engine_wipe_key(&e->keys[i]);
}

bool engine_key_proves(const struct engine_key *k)
{
	return k->pkey != NULL && k->sk->kind != SCRIPT_KEY_CONTINGENCY;
}

static bool holds(const struct engine_key *k)
{
	return k->pkey != NULL || k->secret != NULL || k->shares != NULL;
}

static enum step_rc record_wiped(struct engine *e, struct engine_key *k,
				 const struct transcript_actor *actor)
{
	if (k->wiped)
		return STEP_OK;
	k->wiped = true;
	return engine_record(e, actor, "key-wiped",
			     json_pack("{s:s}", "key", k->sk->id));
}

enum step_rc engine_release_unused(struct engine *e, unsigned step_index)
{
	const struct script_plan *plan = e->plan;

	for (unsigned i = 0; i < plan->key_count; i++) {
		struct engine_key *k = &e->keys[i];
		bool later = false;
		enum step_rc rc;

		if (!holds(k))
			continue;
		for (unsigned j = step_index + 1; j < plan->step_count && !later; j++)
			later = script_step_uses_key(&plan->steps[j], k->sk);
		if (later)
			continue;
		wipe_secret(k);
		/* A published key pair signs the transcript's head at the close. */
		if (engine_key_proves(k))
			continue;
		engine_wipe_key(k);
		prompt_say(e->p, PROMPT_PLAIN, "  '%s' is needed no more: wiped from memory",
			   k->sk->id);
		rc = record_wiped(e, k, &engine_system);
		if (rc != STEP_OK)
			return rc;
	}
	return STEP_OK;
}

enum step_rc engine_record_wiped(struct engine *e, const struct transcript_actor *actor)
{
	for (unsigned i = 0; i < e->plan->key_count; i++) {
		struct engine_key *k = &e->keys[i];
		enum step_rc rc;

		if (!holds(k))
			continue;
		engine_wipe_key(k);
		rc = record_wiped(e, k, actor);
		if (rc != STEP_OK)
			return rc;
	}
	return STEP_OK;
}

enum step_rc engine_prove_secret(struct engine *e, struct engine_key *k, const uint8_t *secret,
				 size_t len, EVP_PKEY **pkey)
{
	uint8_t spki[PKI_SPKI_MAX], digest[32];
	size_t spki_len = 0;
	EVP_PKEY *rebuilt = NULL;
	enum pki_alg alg;
	enum pki_err err;

	*pkey = NULL;
	if (!k->has_fpr)
		return engine_fail(e, STEP_FAILED, "'%s' has no recorded public key to prove it with",
				   k->sk->id);
	if (k->sk->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC) {
		uint8_t cv[CHECKVALUE_LEN];

		if (checkvalue(secret, len, cv) != 0)
			return engine_fail(e, STEP_ERROR, "out of secure memory");
		if (sodium_memcmp(cv, k->fpr, CHECKVALUE_LEN) != 0)
			return engine_fail(e, STEP_FAILED,
					   "the rebuilt '%s' does not match its recorded check value",
					   k->sk->id);
		return STEP_OK;
	}
	if (engine_pki_alg(k->sk->algorithm, &alg) != 0)
		return engine_fail(e, STEP_ERROR, "'%s': no such algorithm", k->sk->id);
	if (engine_uses_keyfile(k->sk))
		err = engine_keyfile_open(k, secret, len, &rebuilt);
	else
		err = pki_rawkey_import(alg, secret, len, &rebuilt);
	if (err == PKI_OK && k->spki_len == 0) {
		/* Only the SHA-256 of the public key is on record (the Contingency key's). */
		err = pki_key_spki(rebuilt, spki, sizeof(spki), &spki_len);
		crypto_hash_sha256(digest, spki, spki_len);
		if (err == PKI_OK && sodium_memcmp(digest, k->fpr, 32) != 0)
			err = PKI_E_KEY_MISMATCH;
		if (err == PKI_OK)
			err = pki_key_matches(rebuilt, spki, spki_len);
	} else if (err == PKI_OK) {
		err = pki_key_matches(rebuilt, k->spki, k->spki_len);
	}
	if (err != PKI_OK) {
		EVP_PKEY_free(rebuilt);
		return engine_fail(e, STEP_FAILED,
				   "the rebuilt '%s' does not match its recorded public key: %s",
				   k->sk->id, pki_strerror(err));
	}
	*pkey = rebuilt;
	return STEP_OK;
}
