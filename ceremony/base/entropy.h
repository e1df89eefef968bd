/*
 * The ceremony's random generator: the system RNG (getrandom through libsodium) mixed with the
 * participants' optional contribution (dice rolls), so that neither a weak system RNG alone nor
 * a chosen contribution alone decides the keys.
 *
 *   pool      = SHA-256("ceremony-entropy-v1" || 0x00 || contribution_1 || 0x00 || ...)
 *   commit    = SHA-256("ceremony-entropy-commit-v1" || pool)   (recorded in the transcript)
 *   block_i   = HMAC-SHA-256(key = pool, "ceremony-rng-v1" || u64be(i) || sys_i)
 *
 * where sys_i are 32 fresh bytes from the system RNG for each block. Without a contribution the
 * pool is SHA-256 of the label alone and the output is a keyed hash of the system RNG.
 *
 * Secrets: the pool and every output. The state is sodium_malloc'ed and wiped by
 * entropy_free(). A refused contribution (too long, or after the commitment) leaves the pool as
 * it was.
 */
#ifndef CEREMONY_ENTROPY_H
#define CEREMONY_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

struct entropy;

/* The system source, injectable for tests: fills buf with len random bytes. */
typedef void (*entropy_source_fn)(void *ctx, uint8_t *buf, size_t len);

/* NULL source: libsodium's randombytes_buf. Returns NULL when out of secure memory. */
struct entropy *entropy_new(entropy_source_fn source, void *ctx);
void entropy_free(struct entropy *e);

/* Mixes one contribution (secret: dice rolls) into the pool. Returns 0, or -1 for too long
 * (more than 4096 bytes). */
int entropy_contribute(struct entropy *e, const uint8_t *data, size_t len);

/* Seals the pool (no more contributions) and gives its commitment. Returns the number of
 * contributions mixed in. */
unsigned entropy_commit(struct entropy *e, uint8_t commit[32]);

/* Random bytes from the mixed generator. */
void entropy_bytes(struct entropy *e, uint8_t *out, size_t len);

/* An adapter with the shamir_rng_fn shape (ctx is the struct entropy). */
void entropy_rng(void *ctx, uint8_t *out, size_t len);

#endif
