#include "shamir/shamir.h"

#include <sodium.h>
#include <string.h>

#include "shamir/gf256.h"

#define SECRET_X 255
#define DIGEST_X 254

void shamir_rng_system(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	randombytes_buf(buf, len);
}

static int valid_len(size_t len)
{
	return len >= SHAMIR_MIN_LEN && len <= SHAMIR_MAX_LEN && len % 2 == 0;
}

enum shamir_err shamir_interpolate(uint8_t x, const uint8_t *xs, const uint8_t *const *ys, size_t m,
		       size_t len, uint8_t *out)
{
	/* The Lagrange basis weights depend only on the x values, which are public. */
	uint8_t w[SHAMIR_MAX_SHARES];

	if (len == 0)
		return SHAMIR_E_PARAM;
	sodium_memzero(out, len);
	if (m == 0 || m > SHAMIR_MAX_SHARES)
		return SHAMIR_E_PARAM;
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			if (xs[i] == xs[j])
				return SHAMIR_E_DUPLICATE_X;

	for (size_t i = 0; i < m; i++) {
		uint8_t num = 1, den = 1;

		for (size_t j = 0; j < m; j++) {
			if (j == i)
				continue;
			num = gf256_mul(num, gf256_add(x, xs[j]));
			den = gf256_mul(den, gf256_add(xs[i], xs[j]));
		}
		w[i] = gf256_mul(num, gf256_inv(den));
	}
	for (size_t k = 0; k < len; k++) {
		uint8_t acc = 0;

		for (size_t i = 0; i < m; i++)
			acc = gf256_add(acc, gf256_mul(w[i], ys[i][k]));
		out[k] = acc;
	}
	return SHAMIR_OK;
}

/* The first four bytes of HMAC-SHA256(key, msg), the SLIP-39 digest, into out (32 bytes of
 * scratch, secret). */
static void digest(const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len,
		   uint8_t *out)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, msg, len);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

enum shamir_err shamir_split(uint8_t threshold, uint8_t count, const uint8_t *secret, size_t len,
		 shamir_rng_fn rng, void *rng_ctx, uint8_t *shares)
{
	uint8_t xs[SHAMIR_MAX_SHARES];
	const uint8_t *ys[SHAMIR_MAX_SHARES];
	uint8_t *scratch = NULL, *d, *mac;
	size_t nrandom;
	int ret;

	if (!valid_len(len) || threshold < 1 || threshold > count || count > SHAMIR_MAX_SHARES) {
		sodium_memzero(shares, (size_t)count * len);
		return SHAMIR_E_PARAM;
	}
	if (threshold == 1) {
		for (size_t i = 0; i < count; i++)
			memcpy(shares + i * len, secret, len);
		return SHAMIR_OK;
	}

	scratch = sodium_malloc(len + crypto_auth_hmacsha256_BYTES);
	if (scratch == NULL) {
		sodium_memzero(shares, (size_t)count * len);
		return SHAMIR_E_NOMEM;
	}
	d = scratch;
	mac = scratch + len;

	/* Shares 0..T-3 are random points; the digest share and the secret fix the rest. */
	nrandom = (size_t)threshold - 2;
	rng(rng_ctx, shares, nrandom * len);
	rng(rng_ctx, d + SHAMIR_DIGEST_LEN, len - SHAMIR_DIGEST_LEN);
	digest(d + SHAMIR_DIGEST_LEN, len - SHAMIR_DIGEST_LEN, secret, len, mac);
	memcpy(d, mac, SHAMIR_DIGEST_LEN);

	for (size_t i = 0; i < nrandom; i++) {
		xs[i] = (uint8_t)i;
		ys[i] = shares + i * len;
	}
	xs[nrandom] = DIGEST_X;
	ys[nrandom] = d;
	xs[nrandom + 1] = SECRET_X;
	ys[nrandom + 1] = secret;
	for (size_t i = nrandom; i < count; i++) {
		ret = shamir_interpolate((uint8_t)i, xs, ys, threshold, len, shares + i * len);
		if (ret != SHAMIR_OK) {
			sodium_memzero(shares, (size_t)count * len);
			goto out;
		}
	}
	ret = SHAMIR_OK;
out:
	sodium_memzero(scratch, len + crypto_auth_hmacsha256_BYTES);
	sodium_free(scratch);
	return ret;
}

enum shamir_err shamir_recover(const uint8_t *xs, const uint8_t *const *ys, size_t m, size_t len,
		   uint8_t *secret)
{
	uint8_t *scratch, *d, *mac;
	int ret;

	if (!valid_len(len) || m == 0 || m > SHAMIR_MAX_SHARES) {
		sodium_memzero(secret, len);
		return SHAMIR_E_PARAM;
	}
	if (m == 1) {
		memcpy(secret, ys[0], len);
		return SHAMIR_OK;
	}

	scratch = sodium_malloc(len + crypto_auth_hmacsha256_BYTES);
	if (scratch == NULL) {
		sodium_memzero(secret, len);
		return SHAMIR_E_NOMEM;
	}
	d = scratch;
	mac = scratch + len;
	ret = shamir_interpolate(SECRET_X, xs, ys, m, len, secret);
	if (ret != SHAMIR_OK)
		goto out;
	ret = shamir_interpolate(DIGEST_X, xs, ys, m, len, d);
	if (ret != SHAMIR_OK)
		goto out;
	digest(d + SHAMIR_DIGEST_LEN, len - SHAMIR_DIGEST_LEN, secret, len, mac);
	/* Constant-time comparison; only its outcome is revealed. */
	if (sodium_memcmp(mac, d, SHAMIR_DIGEST_LEN) != 0)
		ret = SHAMIR_E_DIGEST;
out:
	if (ret != SHAMIR_OK)
		sodium_memzero(secret, len);
	sodium_memzero(scratch, len + crypto_auth_hmacsha256_BYTES);
	sodium_free(scratch);
	return ret;
}

const char *shamir_strerror(enum shamir_err err)
{
	switch (err) {
	case SHAMIR_E_SIGNED_: /* never returned */
		break;
	case SHAMIR_OK:
		return "success";
	case SHAMIR_E_PARAM:
		return "invalid threshold, share count, index or length";
	case SHAMIR_E_DUPLICATE_X:
		return "two shares have the same index";
	case SHAMIR_E_NOMEM:
		return "out of secure memory";
	case SHAMIR_E_DIGEST:
		return "digest mismatch: a share is wrong";
	}
	return "unknown error";
}
