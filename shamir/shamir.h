/*
 * Shamir secret sharing over GF(256), one polynomial per byte, as SLIP-39 defines it
 * ("SplitSecret" and "RecoverSecret"): the secret sits at x = 255 and a digest share at x = 254,
 * so every share index 0..15 is usable and a wrong set of shares is detected.
 *
 * Secret inputs and outputs: the secret, every share value, the returned secret. They should
 * live in sodium_malloc memory owned by the caller; this module's own scratch memory is
 * sodium_malloc'ed and wiped. Share indices (x values) and counts are public. Arithmetic on
 * secret bytes is constant time (no secret-indexed table, no secret-dependent branch).
 */
#ifndef SHAMIR_SHAMIR_H
#define SHAMIR_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

enum shamir_err {
	SHAMIR_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	SHAMIR_OK = 0,
	SHAMIR_E_PARAM,	       /* threshold, count, length or index out of range */
	SHAMIR_E_DUPLICATE_X,  /* two points with the same x */
	SHAMIR_E_NOMEM,	       /* sodium_malloc failed */
	SHAMIR_E_DIGEST,       /* the recovered secret does not match its digest */
};

/* Share values are between these lengths in bytes, and even (SLIP-39: >= 128 bits, a multiple
 * of 16 bits). */
#define SHAMIR_MIN_LEN 16
#define SHAMIR_MAX_LEN 32
/* Shares per split; share indices are 0..count-1 and fit in 4 bits. */
#define SHAMIR_MAX_SHARES 16
/* Length of the digest at the start of the x = 254 share. */
#define SHAMIR_DIGEST_LEN 4

/* Fills buf with len bytes of randomness. Must not fail. */
typedef void (*shamir_rng_fn)(void *ctx, uint8_t *buf, size_t len);

/* The production generator: randombytes_buf; ctx is ignored. */
void shamir_rng_system(void *ctx, uint8_t *buf, size_t len);

/*
 * Evaluates at x the polynomial of lowest degree through the m points (xs[i], ys[i]), each
 * ys[i] a vector of len bytes, and writes it to out (len bytes). x may equal one of xs.
 * Returns SHAMIR_OK; SHAMIR_E_PARAM when m is 0, m > 16 or len is 0; SHAMIR_E_DUPLICATE_X.
 * On failure out is zeroed.
 */
enum shamir_err shamir_interpolate(uint8_t x, const uint8_t *xs, const uint8_t *const *ys, size_t m,
		       size_t len, uint8_t *out);

/*
 * SplitSecret(threshold, count, secret): writes count shares of len bytes, share i (x = i) at
 * shares + i * len. With threshold 1 every share is the secret. Randomness comes from rng, in
 * this order: threshold - 2 random shares (len bytes each), then the n - 4 random bytes of the
 * digest share; nothing when threshold is 1.
 * Returns SHAMIR_OK; SHAMIR_E_PARAM unless 1 <= threshold <= count <= 16 and len is valid;
 * SHAMIR_E_NOMEM. On failure shares is zeroed.
 */
enum shamir_err shamir_split(uint8_t threshold, uint8_t count, const uint8_t *secret, size_t len,
		 shamir_rng_fn rng, void *rng_ctx, uint8_t *shares);

/*
 * RecoverSecret from exactly threshold = m points: with m = 1 the secret is the share value;
 * otherwise the value at 255, checked against the digest at 254.
 * Returns SHAMIR_OK; SHAMIR_E_PARAM; SHAMIR_E_DUPLICATE_X; SHAMIR_E_NOMEM; SHAMIR_E_DIGEST.
 * On failure secret is zeroed.
 */
enum shamir_err shamir_recover(const uint8_t *xs, const uint8_t *const *ys, size_t m, size_t len,
		   uint8_t *secret);

const char *shamir_strerror(enum shamir_err err);

#endif
