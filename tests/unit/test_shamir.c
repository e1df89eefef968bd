#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include <string.h>

#include "shamir/shamir.h"
#include "tests/unit/drbg.h"

#define LEN_MAX SHAMIR_MAX_LEN

/* Records everything it hands out, so a test can see where each random byte went. */
struct tape {
	struct drbg d;
	uint8_t bytes[SHAMIR_MAX_SHARES * LEN_MAX];
	size_t used;
};

static void tape_fill(void *ctx, uint8_t *buf, size_t len)
{
	struct tape *t = ctx;

	drbg_fill(&t->d, buf, len);
	assert_true(t->used + len <= sizeof(t->bytes));
	memcpy(t->bytes + t->used, buf, len);
	t->used += len;
}

static int popcount(unsigned int v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* Every subset of at least t of the n shares: exactly t recover the secret, and more
 * interpolate to it. */
static void check_subsets(uint8_t t, uint8_t n, const uint8_t *shares, const uint8_t *secret,
			  size_t len)
{
	for (unsigned int set = 1; set < (1u << n); set++) {
		uint8_t xs[8], out[LEN_MAX];
		const uint8_t *ys[8];
		size_t m = 0;

		if (popcount(set) < t)
			continue;
		for (uint8_t i = 0; i < n; i++)
			if (set & (1u << i)) {
				xs[m] = i;
				ys[m++] = shares + i * len;
			}
		if (m == t) {
			assert_int_equal(shamir_recover(xs, ys, m, len, out), SHAMIR_OK);
			assert_memory_equal(out, secret, len);
		}
		if (t > 1) {
			assert_int_equal(shamir_interpolate(255, xs, ys, m, len, out), SHAMIR_OK);
			assert_memory_equal(out, secret, len);
		}
	}
}

/* n up to 8, every threshold, both extreme lengths. */
static void test_every_subset(void **state)
{
	uint8_t secret[LEN_MAX], shares[8 * LEN_MAX];
	struct drbg d;

	(void)state;
	drbg_init(&d, 1);
	for (size_t len = SHAMIR_MIN_LEN; len <= SHAMIR_MAX_LEN; len += 16)
		for (uint8_t n = 1; n <= 8; n++)
			for (uint8_t t = 1; t <= n; t++) {
				drbg_fill(&d, secret, len);
				assert_int_equal(shamir_split(t, n, secret, len, drbg_fill, &d,
							      shares),
						 SHAMIR_OK);
				check_subsets(t, n, shares, secret, len);
			}
}

/* The layout the specification fixes: shares 0..T-3 are the first random bytes, then the digest
 * share at 254 holds HMAC-SHA256(R, S)[0..4] || R with R the next n-4 random bytes (checked
 * with OpenSSL's HMAC, not the one the code uses), and every share lies on the polynomial. */
static void test_layout(void **state)
{
	const size_t len = 16;
	uint8_t secret[16], shares[6 * 16], d254[16], mac[32];
	uint8_t xs[4] = { 2, 3, 4, 5 };
	const uint8_t *ys[4];
	unsigned int maclen = 0;
	struct tape t = { 0 };

	(void)state;
	drbg_init(&t.d, 2);
	for (size_t i = 0; i < len; i++)
		secret[i] = (uint8_t)(0xA0 + i);
	assert_int_equal(shamir_split(4, 6, secret, len, tape_fill, &t, shares), SHAMIR_OK);
	assert_int_equal(t.used, 2 * len + len - 4);
	assert_memory_equal(shares, t.bytes, 2 * len);
	for (size_t i = 0; i < 4; i++)
		ys[i] = shares + xs[i] * len;
	assert_int_equal(shamir_interpolate(254, xs, ys, 4, len, d254), SHAMIR_OK);
	assert_memory_equal(d254 + 4, t.bytes + 2 * len, len - 4);
	assert_non_null(HMAC(EVP_sha256(), d254 + 4, (int)len - 4, secret, len, mac, &maclen));
	assert_int_equal(maclen, 32);
	assert_memory_equal(d254, mac, 4);
	/* Any four points give the others back. */
	for (uint8_t x = 0; x < 2; x++) {
		uint8_t v[16];

		assert_int_equal(shamir_interpolate(x, xs, ys, 4, len, v), SHAMIR_OK);
		assert_memory_equal(v, shares + x * len, len);
	}
}

static void test_threshold_one(void **state)
{
	uint8_t secret[16] = { 1, 2, 3 }, shares[3 * 16];
	struct tape t = { 0 };

	(void)state;
	assert_int_equal(shamir_split(1, 3, secret, 16, tape_fill, &t, shares), SHAMIR_OK);
	assert_int_equal(t.used, 0);
	for (int i = 0; i < 3; i++)
		assert_memory_equal(shares + i * 16, secret, 16);
}

/* A changed share, or too few shares, fails the digest and leaves no output. */
static void test_digest_detects(void **state)
{
	uint8_t secret[32], shares[5 * 32], out[32], zero[32] = { 0 };
	uint8_t xs[3] = { 0, 2, 4 };
	const uint8_t *ys[3] = { shares, shares + 64, shares + 128 };
	struct drbg d;

	(void)state;
	drbg_init(&d, 3);
	drbg_fill(&d, secret, 32);
	assert_int_equal(shamir_split(3, 5, secret, 32, drbg_fill, &d, shares), SHAMIR_OK);
	assert_int_equal(shamir_recover(xs, ys, 3, 32, out), SHAMIR_OK);
	assert_memory_equal(out, secret, 32);
	shares[64 + 17] ^= 0x01;
	assert_int_equal(shamir_recover(xs, ys, 3, 32, out), SHAMIR_E_DIGEST);
	assert_memory_equal(out, zero, 32);
	shares[64 + 17] ^= 0x01;
	/* Two shares of a 3-of-5 split: some degree-1 polynomial fits, its digest does not. */
	assert_int_equal(shamir_recover(xs, ys, 2, 32, out), SHAMIR_E_DIGEST);
	assert_memory_equal(out, zero, 32);
}

static void test_bad_arguments(void **state)
{
	uint8_t secret[34] = { 0 }, shares[17 * 34], out[34];
	uint8_t xs[3] = { 1, 1, 2 };
	const uint8_t *ys[3] = { shares, shares + 16, shares + 32 };
	struct drbg d;

	(void)state;
	drbg_init(&d, 4);
	assert_int_equal(shamir_split(0, 3, secret, 16, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_split(4, 3, secret, 16, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_split(2, 17, secret, 16, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_split(2, 3, secret, 15, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_split(2, 3, secret, 17, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_split(2, 3, secret, 14, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_split(2, 3, secret, 34, drbg_fill, &d, shares), SHAMIR_E_PARAM);
	assert_int_equal(shamir_recover(xs, ys, 3, 16, out), SHAMIR_E_DUPLICATE_X);
	assert_int_equal(shamir_recover(xs, ys, 0, 16, out), SHAMIR_E_PARAM);
	assert_int_equal(shamir_recover(xs, ys, 17, 16, out), SHAMIR_E_PARAM);
	assert_int_equal(shamir_interpolate(255, xs, ys, 2, 16, out), SHAMIR_E_DUPLICATE_X);
	assert_int_equal(shamir_interpolate(255, xs, ys, 0, 16, out), SHAMIR_E_PARAM);
	assert_string_equal(shamir_strerror(SHAMIR_E_DIGEST), "digest mismatch: a share is wrong");
	assert_string_equal(shamir_strerror(12345), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_subset),	 cmocka_unit_test(test_layout),
		cmocka_unit_test(test_threshold_one),	 cmocka_unit_test(test_digest_detects),
		cmocka_unit_test(test_bad_arguments),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
