/* A deterministic generator for tests, in the shape of shamir_rng_fn: each call draws from
 * ChaCha20 (libsodium) keyed by the seed and a call counter, so runs are reproducible. */
#ifndef TESTS_UNIT_DRBG_H
#define TESTS_UNIT_DRBG_H

#include <sodium.h>
#include <stdint.h>
#include <string.h>

struct drbg {
	uint8_t seed[randombytes_SEEDBYTES];
	uint64_t calls;
};

static inline void drbg_init(struct drbg *d, uint8_t label)
{
	memset(d, 0, sizeof(*d));
	d->seed[0] = label;
}

static inline void drbg_fill(void *ctx, uint8_t *buf, size_t len)
{
	struct drbg *d = ctx;
	uint8_t key[randombytes_SEEDBYTES];

	memcpy(key, d->seed, sizeof(key));
	for (size_t i = 0; i < 8; i++)
		key[24 + i] ^= (uint8_t)(d->calls >> (8 * i));
	d->calls++;
	randombytes_buf_deterministic(buf, len, key);
}

#endif
