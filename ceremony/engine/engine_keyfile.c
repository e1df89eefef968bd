/* Key files (engine_keyfile.h): a long key's private key sealed under the key-encryption key
 * its shares split. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/base/keyfile.h"
#include "ceremony/engine/engine_keyfile.h"
#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_pki.h"
#include "ceremony/engine/engine_record.h"
#include "ceremony/pki/rawkey.h"

bool engine_uses_keyfile(const struct script_key *sk)
{
	enum pki_alg alg;

	return engine_pki_alg(sk->algorithm, &alg) == 0 && !pki_rawkey_supported(alg);
}

void engine_keyfile_name(struct engine_key *k)
{
	char hex[9];

	sodium_bin2hex(hex, sizeof(hex), k->fpr, 4);
	snprintf(k->keyfile_name, sizeof(k->keyfile_name), "%.*s-%s.key",
		 (int)(SCRIPT_FILE_MAX - 13), k->sk->id, hex);
}

enum step_rc engine_keyfile_seal(struct engine *e, struct engine_key *k)
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

enum pki_err engine_keyfile_open(const struct engine_key *k, const uint8_t *kek, size_t len,
				EVP_PKEY **out)
{
	struct keyfile_meta meta;
	uint8_t *der = NULL;
	size_t dlen = 0;
	enum pki_err err;

	if (k->keyfile == NULL || len != KEYFILE_KEK_LEN ||
	    keyfile_open(k->keyfile, k->keyfile_len, kek, &meta, &der, &dlen) != KEYFILE_OK)
		return PKI_E_KEY_MISMATCH;
	err = strcmp(meta.key_name, k->sk->id) == 0 &&
			      sodium_memcmp(meta.spki_sha256, k->fpr, 32) == 0
		      ? pki_key_import_pkcs8(der, dlen, out)
		      : PKI_E_KEY_MISMATCH;
	sodium_memzero(der, dlen);
	sodium_free(der);
	return err;
}

enum step_rc engine_keyfile_load(struct engine *e, struct engine_key *k)
{
	const struct script_plan *plan = e->plan;

	engine_keyfile_name(k);
	for (int pass = 0; pass < 2; pass++)
		for (unsigned i = 0; i < plan->medium_count; i++) {
			const struct script_medium *m = &plan->media[i];
			struct keyfile_meta meta;
			unsigned char *buf = NULL;
			size_t len = 0;

			if ((m->kind == SCRIPT_MEDIUM_CUSTODIAN) != (pass == 0) ||
			    engine_read_file(e, m, k->keyfile_name, KEYFILE_MAX, 0, &buf, &len) !=
				MEDIA_OK)
				continue;
			if (keyfile_peek(buf, len, &meta) == KEYFILE_OK &&
			    strcmp(meta.key_name, k->sk->id) == 0 &&
			    sodium_memcmp(meta.spki_sha256, k->fpr, 32) == 0) {
				k->keyfile = buf;
				k->keyfile_len = len;
				prompt_say(e->p, PROMPT_PLAIN, "  sealed private key: %s/%s", m->id,
					   k->keyfile_name);
				return STEP_OK;
			}
			free(buf);
		}
	return engine_fail(e, STEP_FAILED, "the sealed private key of '%s' (%s) is on no medium",
			   k->sk->id, k->keyfile_name);
}

enum step_rc engine_put_keyfile(struct engine *e, const struct script_medium *m,
				struct engine_key *k, uint8_t sha[32])
{
	unsigned char *old = NULL;
	size_t olen = 0;
	enum media_err rc = engine_read_file(e, m, k->keyfile_name, KEYFILE_MAX, 0, &old, &olen);

	/* A custodian who holds shares of the key from an earlier set has its key file already. */
	if (rc == MEDIA_OK) {
		bool same = olen == k->keyfile_len && memcmp(old, k->keyfile, olen) == 0;

		free(old);
		if (!same)
			return engine_fail(e, STEP_FAILED, "medium %s holds another %s", m->id,
					   k->keyfile_name);
		crypto_hash_sha256(sha, k->keyfile, k->keyfile_len);
		return STEP_OK;
	}
	if (rc != MEDIA_E_NOENT)
		return engine_media_fail(e, STEP_ERROR, m, "reading", k->keyfile_name, rc);
	return engine_write(e, m, k->keyfile_name, k->keyfile, k->keyfile_len, sha);
}
