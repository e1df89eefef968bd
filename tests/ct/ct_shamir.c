/* Splitting (random shares, digest share, interpolation), interpolating at the secret and
 * digest points, and recovering with the digest check touch the secret and the shares only in
 * constant time. Indices are public; so is the digest check's verdict (ct.h). */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/shamir.h"
#include "tests/ct/ct.h"

/* Randomness is secret too: it becomes share values and the digest key. */
static void rng(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	randombytes_buf(buf, len);
	secret(buf, len);
}

int main(void)
{
	uint8_t *s, *shares, *out;
	uint8_t xs[3] = { 4, 0, 2 };
	const uint8_t *ys[3];

	CHECK(sodium_init() >= 0);
	s = sodium_malloc(32);
	shares = sodium_malloc(5 * 32);
	out = sodium_malloc(32);
	CHECK(s != NULL && shares != NULL && out != NULL);
	randombytes_buf(s, 32);
	secret(s, 32);
	CHECK(shamir_split(3, 5, s, 32, rng, NULL, shares) == SHAMIR_OK);
	for (int i = 0; i < 3; i++)
		ys[i] = shares + xs[i] * 32;
	CHECK(shamir_interpolate(255, xs, ys, 3, 32, out) == SHAMIR_OK);
	CHECK(shamir_interpolate(254, xs, ys, 3, 32, out) == SHAMIR_OK);
	CHECK(shamir_interpolate(255, xs, ys, 3, 32, out) == SHAMIR_OK);
	CHECK(shamir_recover(xs, ys, 3, 32, out) == SHAMIR_OK);
	public(out, 32);
	public(s, 32);
	CHECK(memcmp(out, s, 32) == 0);
	/* An altered share fails the digest check. */
	shares[2 * 32 + 5] ^= 1;
	CHECK(shamir_recover(xs, ys, 3, 32, out) == SHAMIR_E_DIGEST);
	sodium_free(s);
	sodium_free(shares);
	sodium_free(out);
	return 0;
}
