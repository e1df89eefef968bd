/*
 * SLIP-39 split and combine times next to the PBKDF2 work they contain (4 rounds of
 * 2500 << e iterations of PBKDF2-HMAC-SHA256), measured in the same run, interleaved, in process
 * CPU time, best of several repetitions (the build machine is shared, and the minimum is the
 * figure least disturbed by others). SLIP-39 time is PBKDF2 time: the target ratio is below 1.2.
 */
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shamir/slip39.h"
#include "shamir/slip39_cipher.h"

#define REPS 21
#define PASS "TREZOR"

struct config {
	const char *name;
	size_t len;
	uint8_t group_threshold;
	size_t ngroups;
	struct slip39_group groups[3];
};

static const struct config configs[] = {
	{ "128-bit 3-of-5", 16, 1, 1, { { 3, 5 } } },
	{ "256-bit 3-of-5", 32, 1, 1, { { 3, 5 } } },
	{ "128-bit 2-of-3 groups of 2-of-3", 16, 2, 3, { { 2, 3 }, { 2, 3 }, { 2, 3 } } },
	{ "256-bit 2-of-3 groups of 2-of-3", 32, 2, 3, { { 2, 3 }, { 2, 3 }, { 2, 3 } } },
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double best(const double *v)
{
	double m = v[0];

	for (int i = 1; i < REPS; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

/* The PBKDF2 calls of one encryption or decryption, alone. */
static void pbkdf2_only(size_t len, uint8_t e)
{
	unsigned char password[1 + sizeof(PASS) - 1], salt[8 + 16], out[16];

	memcpy(password + 1, PASS, sizeof(PASS) - 1);
	memcpy(salt, "shamir\x12\x34", 8);
	memset(salt + 8, 0x5A, len / 2);
	for (unsigned char i = 0; i < 4; i++) {
		password[0] = i;
		if (PKCS5_PBKDF2_HMAC((const char *)password, sizeof(password), salt,
				      (int)(8 + len / 2), (int)(SLIP39_ROUND_ITERATIONS << e),
				      EVP_sha256(), (int)(len / 2), out) != 1)
			exit(2);
	}
}

static struct slip39_mnemonics *split_once(const struct config *c, const uint8_t *secret,
					   uint8_t e)
{
	struct slip39_mnemonics *ms;

	if (slip39_split(secret, c->len, (const uint8_t *)PASS, sizeof(PASS) - 1, 0, e,
			 c->group_threshold, c->groups, c->ngroups, shamir_rng_system, NULL,
			 &ms) != SLIP39_OK)
		exit(2);
	return ms;
}

/* The first threshold members of the first group_threshold groups. */
static void combine_once(const struct config *c, const struct slip39_mnemonics *ms)
{
	const char *list[16];
	size_t n = 0, len;
	uint8_t *secret;

	for (size_t g = 0; g < c->group_threshold; g++)
		for (size_t m = 0; m < c->groups[g].threshold; m++)
			list[n++] = slip39_mnemonic(ms, g, m);
	if (slip39_combine(list, n, (const uint8_t *)PASS, sizeof(PASS) - 1, &secret, &len,
			   NULL) != SLIP39_OK)
		exit(2);
	sodium_memzero(secret, len);
	sodium_free(secret);
}

int main(void)
{
	uint8_t secret[32];

	if (sodium_init() < 0)
		return 2;
	randombytes_buf(secret, sizeof(secret));
	printf("%-32s %2s %9s %10s %9s %7s %7s\n", "split/combine", "e", "split ms", "combine ms",
	       "pbkdf2 ms", "split/", "combine/");
	printf("%-32s %2s %9s %10s %9s %7s %7s\n", "", "", "", "", "", "pbkdf2", "pbkdf2");
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const struct config *c = &configs[i];

		for (uint8_t e = 0; e <= 1; e++) {
			double ts[REPS], tc[REPS], tp[REPS], split, combine, pbkdf2;

			for (int r = 0; r < REPS; r++) {
				struct slip39_mnemonics *ms;
				double t0 = now_ms(), t1, t2, t3;

				pbkdf2_only(c->len, e);
				t1 = now_ms();
				ms = split_once(c, secret, e);
				t2 = now_ms();
				combine_once(c, ms);
				t3 = now_ms();
				slip39_mnemonics_free(ms);
				tp[r] = t1 - t0;
				ts[r] = t2 - t1;
				tc[r] = t3 - t2;
			}
			split = best(ts);
			combine = best(tc);
			pbkdf2 = best(tp);
			printf("%-32s %2u %9.2f %10.2f %9.2f %7.2f %7.2f\n", c->name, e, split,
			       combine, pbkdf2, split / pbkdf2, combine / pbkdf2);
		}
	}
	return 0;
}
