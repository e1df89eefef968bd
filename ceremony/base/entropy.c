#include "ceremony/base/entropy.h"

#include <sodium.h>
#include <string.h>

#define LABEL_POOL "ceremony-entropy-v1"
#define LABEL_COMMIT "ceremony-entropy-commit-v1"
#define LABEL_RNG "ceremony-rng-v1"
#define CONTRIBUTION_MAX 4096

struct entropy {
	crypto_hash_sha256_state pool_state;
	uint8_t pool[32];
	uint64_t counter;
	unsigned contributions;
	int sealed;
	entropy_source_fn source;
	void *ctx;
	/* Work area for entropy_bytes: inside the guarded allocation, never on the stack. */
	crypto_auth_hmacsha256_state st;
	uint8_t sys[32];
	uint8_t block[32];
	uint8_t ctr[8];
};

static void system_source(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	randombytes_buf(buf, len);
}

struct entropy *entropy_new(entropy_source_fn source, void *ctx)
{
	struct entropy *e = sodium_malloc(sizeof(*e));

	if (e == NULL)
		return NULL;
	sodium_memzero(e, sizeof(*e));
	e->source = source ? source : system_source;
	e->ctx = ctx;
	crypto_hash_sha256_init(&e->pool_state);
	crypto_hash_sha256_update(&e->pool_state, (const uint8_t *)LABEL_POOL, strlen(LABEL_POOL));
	return e;
}

void entropy_free(struct entropy *e)
{
	if (e == NULL)
		return;
	sodium_memzero(e, sizeof(*e));
	sodium_free(e);
}

int entropy_contribute(struct entropy *e, const uint8_t *data, size_t len)
{
	static const uint8_t sep = 0;

	if (e->sealed || len > CONTRIBUTION_MAX)
		return -1;
	/* The separator keeps "12" + "3" apart from "1" + "23". */
	crypto_hash_sha256_update(&e->pool_state, &sep, 1);
	crypto_hash_sha256_update(&e->pool_state, data, len);
	e->contributions++;
	return 0;
}

static void seal(struct entropy *e)
{
	if (e->sealed)
		return;
	crypto_hash_sha256_final(&e->pool_state, e->pool);
	e->sealed = 1;
}

unsigned entropy_commit(struct entropy *e, uint8_t commit[32])
{
	crypto_hash_sha256_state st;

	seal(e);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)LABEL_COMMIT, strlen(LABEL_COMMIT));
	crypto_hash_sha256_update(&st, e->pool, sizeof(e->pool));
	crypto_hash_sha256_final(&st, commit);
	return e->contributions;
}

void entropy_bytes(struct entropy *e, uint8_t *out, size_t len)
{
	seal(e);
	while (len > 0) {
		size_t n = len < sizeof(e->block) ? len : sizeof(e->block);

		for (int i = 0; i < 8; i++)
			e->ctr[i] = (uint8_t)(e->counter >> (56 - 8 * i));
		e->counter++;
		e->source(e->ctx, e->sys, sizeof(e->sys));
		crypto_auth_hmacsha256_init(&e->st, e->pool, sizeof(e->pool));
		crypto_auth_hmacsha256_update(&e->st, (const uint8_t *)LABEL_RNG, strlen(LABEL_RNG));
		crypto_auth_hmacsha256_update(&e->st, e->ctr, sizeof(e->ctr));
		crypto_auth_hmacsha256_update(&e->st, e->sys, sizeof(e->sys));
		crypto_auth_hmacsha256_final(&e->st, e->block);
		memcpy(out, e->block, n);
		out += n;
		len -= n;
	}
	sodium_memzero(e->sys, sizeof(e->sys));
	sodium_memzero(e->block, sizeof(e->block));
	sodium_memzero(&e->st, sizeof(e->st));
}

void entropy_rng(void *ctx, uint8_t *out, size_t len)
{
	entropy_bytes(ctx, out, len);
}
