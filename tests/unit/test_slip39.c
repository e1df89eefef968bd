#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shamir/rs1024.h"
#include "shamir/slip39.h"
#include "shamir/slip39_cipher.h"
#include "tests/unit/drbg.h"

#define PASS "TREZOR"
#define PASSLEN 6
#define VECTOR_SHARES_MAX 8

static json_t *vectors;

static int load_vectors(void **state)
{
	const char *dir = getenv("CEREMONY_TESTDATA");
	char path[512];
	json_error_t err;

	(void)state;
	snprintf(path, sizeof(path), "%s/vectors/slip39/vectors.json", dir ? dir : "tests");
	vectors = json_load_file(path, 0, &err);
	if (vectors == NULL || !json_is_array(vectors) || json_array_size(vectors) != 45) {
		fprintf(stderr, "cannot load 45 vectors from %s: %s\n", path, err.text);
		return -1;
	}
	return 0;
}

static int free_vectors(void **state)
{
	(void)state;
	json_decref(vectors);
	return 0;
}

/* What each invalid vector must fail with, by its description. */
static const struct {
	const char *what;
	int err;
} expected[] = {
	{ "invalid checksum", SLIP39_E_CHECKSUM },
	{ "invalid padding", SLIP39_E_PADDING },
	{ "Basic sharing 2-of-3", SLIP39_E_MORE_SHARES },
	{ "different identifiers", SLIP39_E_SET_MISMATCH },
	{ "different iteration exponents", SLIP39_E_PARAMS_MISMATCH },
	{ "mismatching group thresholds", SLIP39_E_PARAMS_MISMATCH },
	{ "mismatching group counts", SLIP39_E_PARAMS_MISMATCH },
	{ "greater group threshold than group counts", SLIP39_E_GROUP_PARAMS },
	{ "duplicate member indices", SLIP39_E_DUPLICATE_MEMBER },
	{ "mismatching member thresholds", SLIP39_E_MEMBER_THRESHOLD_MISMATCH },
	{ "invalid digest", SLIP39_E_DIGEST },
	{ "Insufficient number of groups", SLIP39_E_MORE_SHARES },
	{ "insufficient number of members", SLIP39_E_MORE_SHARES },
	{ "insufficient length", SLIP39_E_LENGTH },
	{ "invalid master secret length", SLIP39_E_LENGTH },
};

struct vector {
	const char *what;
	const char *m[VECTOR_SHARES_MAX];
	size_t n;
	const char *secret_hex;
};

static void get_vector(size_t i, struct vector *v)
{
	json_t *e = json_array_get(vectors, i), *ms = json_array_get(e, 1);

	v->what = json_string_value(json_array_get(e, 0));
	v->secret_hex = json_string_value(json_array_get(e, 2));
	v->n = json_array_size(ms);
	assert_non_null(v->what);
	assert_non_null(v->secret_hex);
	assert_in_range(v->n, 1, VECTOR_SHARES_MAX);
	for (size_t k = 0; k < v->n; k++) {
		v->m[k] = json_string_value(json_array_get(ms, k));
		assert_non_null(v->m[k]);
	}
}

static void test_vectors(void **state)
{
	size_t valid = 0, invalid = 0;

	(void)state;
	for (size_t i = 0; i < json_array_size(vectors); i++) {
		struct vector v;
		struct slip39_where where;
		uint8_t *secret = (uint8_t *)1;
		size_t len = 1;
		int ret;

		get_vector(i, &v);
		ret = slip39_combine(v.m, v.n, (const uint8_t *)PASS, PASSLEN, &secret, &len,
				     &where);
		if (v.secret_hex[0] != '\0') {
			char hex[2 * SLIP39_SECRET_MAX + 1];

			if (ret != SLIP39_OK)
				fail_msg("%s: %s", v.what, slip39_strerror(ret));
			sodium_bin2hex(hex, sizeof(hex), secret, len);
			assert_string_equal(hex, v.secret_hex);
			sodium_free(secret);
			valid++;
		} else {
			int want = -1;

			for (size_t k = 0; k < sizeof(expected) / sizeof(expected[0]); k++)
				if (strstr(v.what, expected[k].what) != NULL)
					want = expected[k].err;
			if (ret != want)
				fail_msg("%s: got '%s'", v.what, slip39_strerror(ret));
			assert_null(secret);
			assert_int_equal(len, 0);
			invalid++;
		}
	}
	assert_int_equal(valid, 15);
	assert_int_equal(invalid, 30);
}

/* --- splitting reproduces the vectors ---------------------------------------------------- */

/* Hands out prepared bytes, and fails the test if asked for more. */
struct replay {
	uint8_t bytes[2048];
	size_t len, pos;
};

static void replay_fill(void *ctx, uint8_t *buf, size_t len)
{
	struct replay *r = ctx;

	assert_true(r->pos + len <= r->len);
	memcpy(buf, r->bytes + r->pos, len);
	r->pos += len;
}

/* The random input of one SplitSecret whose shares lie on the polynomial through the points:
 * the values at 0..t-3, then the last n-4 bytes of the value at 254. Returns f(255). */
static void randomness_of(const uint8_t *xs, const uint8_t *const *ys, size_t t, size_t len,
			  struct replay *r, uint8_t *secret)
{
	uint8_t d[SLIP39_SECRET_MAX];

	if (t == 1) {
		memcpy(secret, ys[0], len);
		return;
	}
	for (uint8_t x = 0; (size_t)x + 2 < t; x++) {
		assert_int_equal(shamir_interpolate(x, xs, ys, t, len, r->bytes + r->len),
				 SHAMIR_OK);
		r->len += len;
	}
	assert_int_equal(shamir_interpolate(254, xs, ys, t, len, d), SHAMIR_OK);
	memcpy(r->bytes + r->len, d + 4, len - 4);
	r->len += len - 4;
	assert_int_equal(shamir_interpolate(255, xs, ys, t, len, secret), SHAMIR_OK);
}

/*
 * Each valid vector was made by some generator: recover its random choices from the shares
 * (identifier, random shares, digest randomness) and split again. Our split must print the very
 * same mnemonics, which checks encryption, sharing, layout, checksum and words against the
 * reference implementation. Groups the vector does not show get a 1-of-1 split.
 */
static void resplit(const struct vector *v)
{
	struct slip39_share s[VECTOR_SHARES_MAX];
	struct slip39_group groups[SLIP39_GROUPS_MAX];
	uint8_t member_tape[SLIP39_GROUPS_MAX][SLIP39_MEMBERS_MAX * SLIP39_SECRET_MAX];
	size_t member_tape_len[SLIP39_GROUPS_MAX] = { 0 };
	uint8_t gsecret[SLIP39_GROUPS_MAX][SLIP39_SECRET_MAX], gx[SLIP39_GROUPS_MAX];
	const uint8_t *gy[SLIP39_GROUPS_MAX];
	uint8_t ems[SLIP39_SECRET_MAX], ms[SLIP39_SECRET_MAX];
	struct replay *r = calloc(1, sizeof(*r));
	struct slip39_mnemonics *out = NULL;
	size_t ng = 0, mslen;

	assert_non_null(r);
	for (size_t k = 0; k < v->n; k++)
		assert_int_equal(slip39_share_decode(v->m[k], strlen(v->m[k]), &s[k], NULL),
				 SLIP39_OK);
	assert_int_equal(sodium_hex2bin(ms, sizeof(ms), v->secret_hex, strlen(v->secret_hex),
					NULL, &mslen, NULL),
			 0);
	assert_int_equal(mslen, s[0].len);

	for (unsigned int g = 0; g < s[0].group_count; g++) {
		uint8_t xs[SLIP39_MEMBERS_MAX];
		const uint8_t *ys[SLIP39_MEMBERS_MAX];
		struct replay mr = { .len = 0 };
		size_t m = 0, top = 0;

		groups[g] = (struct slip39_group){ 1, 1 };
		for (size_t k = 0; k < v->n; k++)
			if (s[k].group_index == g) {
				xs[m] = s[k].member_index;
				ys[m++] = s[k].value;
				top = s[k].member_index + 1u > top ? s[k].member_index + 1u : top;
				groups[g].threshold = s[k].member_threshold;
			}
		if (m == 0)
			continue;
		assert_int_equal(m, groups[g].threshold);
		groups[g].count = (uint8_t)(groups[g].threshold == 1 ? 1 : top);
		if (groups[g].count < groups[g].threshold)
			groups[g].count = groups[g].threshold;
		randomness_of(xs, ys, m, s[0].len, &mr, gsecret[ng]);
		memcpy(member_tape[g], mr.bytes, mr.len);
		member_tape_len[g] = mr.len;
		gx[ng] = (uint8_t)g;
		gy[ng] = gsecret[ng];
		ng++;
	}
	assert_int_equal(ng, s[0].group_threshold);

	/* The tape: identifier, the group-level split, then each group's member split. */
	r->bytes[0] = (uint8_t)(s[0].id >> 8);
	r->bytes[1] = (uint8_t)s[0].id;
	r->len = 2;
	randomness_of(gx, gy, ng, s[0].len, r, ems);
	for (unsigned int g = 0; g < s[0].group_count; g++) {
		memcpy(r->bytes + r->len, member_tape[g], member_tape_len[g]);
		r->len += member_tape_len[g];
	}

	assert_int_equal(slip39_split(ms, mslen, (const uint8_t *)PASS, PASSLEN, s[0].extendable,
				      s[0].iter_exp, s[0].group_threshold, groups,
				      s[0].group_count, replay_fill, r, &out),
			 SLIP39_OK);
	assert_int_equal(r->pos, r->len);
	assert_int_equal(out->id, s[0].id);
	for (size_t k = 0; k < v->n; k++) {
		const char *mine = slip39_mnemonic(out, s[k].group_index, s[k].member_index);

		assert_non_null(mine);
		assert_string_equal(mine, v->m[k]);
	}
	slip39_mnemonics_free(out);
	for (size_t k = 0; k < v->n; k++)
		slip39_share_clear(&s[k]);
	free(r);
}

static void test_vectors_resplit(void **state)
{
	size_t done = 0;

	(void)state;
	for (size_t i = 0; i < json_array_size(vectors); i++) {
		struct vector v;

		get_vector(i, &v);
		if (v.secret_hex[0] == '\0')
			continue;
		resplit(&v);
		done++;
	}
	assert_int_equal(done, 15);
}

/* --- the word list ----------------------------------------------------------------------- */

static void test_wordlist(void **state)
{
	const char *dir = getenv("CEREMONY_TESTDATA");
	char path[512], line[64];
	unsigned int n = 0;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/vectors/slip39/wordlist.txt", dir ? dir : "tests");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len = strcspn(line, "\r\n");
		char copy[SLIP39_WORD_MAX + 1] = { 0 };

		line[len] = '\0';
		assert_non_null(slip39_word(n));
		assert_string_equal(slip39_word(n), line);
		assert_int_equal(slip39_word_lookup(line, len, 0), n);
		assert_int_equal(slip39_word_copy(n, copy), len);
		assert_string_equal(copy, line);
		/* Every prefix of at least 4 letters names the word; 3 letters never do. */
		for (size_t p = SLIP39_WORD_PREFIX; p <= len; p++)
			assert_int_equal(slip39_word_lookup(line, p, 1), n);
		assert_int_equal(slip39_word_lookup(line, 3, 1), -1);
		if (len > SLIP39_WORD_PREFIX)
			assert_int_equal(slip39_word_lookup(line, SLIP39_WORD_PREFIX, 0), -1);
		n++;
	}
	fclose(f);
	assert_int_equal(n, SLIP39_WORDS);
	assert_null(slip39_word(SLIP39_WORDS));
	assert_int_equal(slip39_word_lookup("academix", 8, 1), -1);
	assert_int_equal(slip39_word_lookup("Academic", 8, 0), -1);
	assert_int_equal(slip39_word_lookup("acid\0", 5, 0), -1);
	assert_int_equal(slip39_word_lookup("acid\0", 5, 1), -1);
	assert_int_equal(slip39_word_lookup("academics", 9, 1), -1);
	assert_int_equal(slip39_word_lookup("zero", 4, 0), 1023);
}

/* slip39_words_parse as a plain reader would write it, branching on everything: split at the
 * separators, fold case when typed, look each word up. */
static size_t ref_parse(const char *t, size_t len, int how, uint16_t *v, size_t max)
{
	size_t k = 0, i = 0;

	for (size_t s = 0; s < max; s++)
		v[s] = SLIP39_WORD_NONE;
	for (;;) {
		size_t start;

		while (i < len && (t[i] == ' ' || (how == SLIP39_TEXT_TYPED && t[i] >= '\t' &&
							   t[i] <= '\r')))
			i++;
		if (i == len)
			return k;
		for (start = i; i < len && t[i] != ' ' &&
				!(how == SLIP39_TEXT_TYPED && t[i] >= '\t' && t[i] <= '\r');
		     i++)
			;
		if (k < max) {
			char w[SLIP39_WORD_MAX];
			size_t n = i - start;
			int r = -1;

			if (n <= SLIP39_WORD_MAX) {
				for (size_t q = 0; q < n; q++)
					w[q] = how == SLIP39_TEXT_TYPED && t[start + q] >= 'A' &&
							       t[start + q] <= 'Z'
						       ? (char)(t[start + q] + 32)
						       : t[start + q];
				r = slip39_word_lookup(w, n, how == SLIP39_TEXT_TYPED);
			}
			v[k] = r < 0 ? SLIP39_WORD_BAD : (uint16_t)r;
		}
		k++;
	}
}

/* The masked parser against the reference on texts built from words, prefixes, case changes,
 * over-long words, every kind of separator and stray bytes, for word limits either side of
 * the parser's slot batch. */
static void test_words_parse(void **state)
{
	static const char *const parts[] = {
		"academic", "acid", "zero", "yoga", "ACID", "Acad", "acade", "academics", "ac",
		"x", "wolf", "WoLf", "sympathy", "symp", "a1", "acid\x01", "\xc3\xa9", "",
	};
	static const size_t maxes[] = { 0, 1, 3, 33, 34, 39, 40, 41, 80, 90 };
	struct drbg d;
	char text[900];
	uint16_t got[96], want[96];

	(void)state;
	drbg_init(&d, 39);
	for (int it = 0; it < 3000; it++) {
		uint8_t r[256];
		size_t len = 0, nr = 0;

		drbg_fill(&d, r, sizeof(r));
		for (int w = r[nr++] % 90; w > 0 && len + 16 < sizeof(text) && nr + 4 < sizeof(r);
		     w--) {
			const char *p = parts[r[nr++] % (sizeof(parts) / sizeof(parts[0]))];
			size_t pl = strlen(p);

			memcpy(text + len, p, pl);
			len += pl;
			if (r[nr] % 3 != 0)
				text[len++] = " \t\n\v\f\r  "[r[nr] % 8];
			if (r[nr++] % 23 == 0)
				text[len++] = (char)r[nr++];
		}
		for (int how = SLIP39_TEXT_MNEMONIC; how <= SLIP39_TEXT_TYPED; how++) {
			size_t max = maxes[r[255] % (sizeof(maxes) / sizeof(maxes[0]))];

			memset(got, 0x55, sizeof(got));
			memset(want, 0x55, sizeof(want));
			assert_int_equal(slip39_words_parse(text, len, how, got, max),
					 ref_parse(text, len, how, want, max));
			assert_memory_equal(got, want, sizeof(got));
		}
	}
}

/* --- round trips ------------------------------------------------------------------------- */

static void combine_ok(struct slip39_mnemonics *ms, const unsigned int *sets, const uint8_t *secret,
		       size_t len, const char *pass)
{
	struct slip39_collector *c;
	struct slip39_status st;
	uint8_t *out = NULL;
	size_t outlen = 0;

	assert_int_equal(slip39_collector_new(&c), SLIP39_OK);
	for (size_t g = 0; g < ms->ngroups; g++)
		for (size_t m = 0; m < ms->groups[g].count; m++)
			if (sets[g] & (1u << m)) {
				const char *mn = slip39_mnemonic(ms, g, m);

				assert_int_equal(slip39_collector_add(c, mn, strlen(mn), NULL),
						 SLIP39_OK);
			}
	slip39_collector_status(c, &st);
	assert_true(st.ready);
	assert_int_equal(st.id, ms->id);
	assert_int_equal(slip39_collector_combine(c, (const uint8_t *)pass, strlen(pass), &out,
						  &outlen, NULL),
			 SLIP39_OK);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, secret, len);
	sodium_free(out);
	slip39_collector_free(c);
}

static int popcount(unsigned int v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* A t-of-n split of a fresh secret, every t-subset combined. */
static void single_split(struct drbg *d, size_t len, uint8_t t, uint8_t n)
{
	struct slip39_group grp = { t, n };
	struct slip39_mnemonics *ms;
	uint8_t secret[SLIP39_SECRET_MAX];

	drbg_fill(d, secret, len);
	assert_int_equal(slip39_split(secret, len, (const uint8_t *)"pw", 2, 0, 0, 1, &grp, 1,
				      drbg_fill, d, &ms),
			 SLIP39_OK);
	for (unsigned int set = 1; set < (1u << n); set++)
		if (popcount(set) == t)
			combine_ok(ms, &set, secret, len, "pw");
	slip39_mnemonics_free(ms);
}

/* Every t-subset of every t-of-n split for n <= 5, at 128 and 256 bits. */
static void test_roundtrip_single(void **state)
{
	struct drbg d;

	(void)state;
	drbg_init(&d, 10);
	for (size_t len = 16; len <= 32; len += 16)
		for (uint8_t n = 1; n <= 5; n++)
			for (uint8_t t = n == 1 ? 1 : 2; t <= n; t++)
				single_split(&d, len, t, n);
}

/* A 2-of-3 group split with groups 2-of-3, 1-of-1 and 3-of-4 (extendable): every pair of
 * groups with every member subset of each recovers the secret. */
static void test_roundtrip_groups(void **state)
{
	const struct slip39_group groups[3] = { { 2, 3 }, { 1, 1 }, { 3, 4 } };
	struct slip39_mnemonics *ms;
	uint8_t secret[24];
	struct drbg d;
	size_t combos = 0;

	(void)state;
	drbg_init(&d, 11);
	drbg_fill(&d, secret, sizeof(secret));
	assert_int_equal(slip39_split(secret, sizeof(secret), NULL, 0, 1, 0, 2, groups, 3,
				      drbg_fill, &d, &ms),
			 SLIP39_OK);
	for (unsigned int a = 0; a < 3; a++)
		for (unsigned int b = a + 1; b < 3; b++)
			for (unsigned int sa = 1; sa < (1u << groups[a].count); sa++)
				for (unsigned int sb = 1; sb < (1u << groups[b].count); sb++) {
					unsigned int sets[3] = { 0 };

					if (popcount(sa) != groups[a].threshold ||
					    popcount(sb) != groups[b].threshold)
						continue;
					sets[a] = sa;
					sets[b] = sb;
					combine_ok(ms, sets, secret, sizeof(secret), "");
					combos++;
				}
	assert_int_equal(combos, 3 * 1 + 3 * 4 + 1 * 4);
	slip39_mnemonics_free(ms);
}

/* --- collecting -------------------------------------------------------------------------- */

static int add(struct slip39_collector *c, const struct slip39_mnemonics *ms, size_t g, size_t m,
	       struct slip39_where *w)
{
	const char *mn = slip39_mnemonic(ms, g, m);

	return slip39_collector_add(c, mn, strlen(mn), w);
}

static void test_collector(void **state)
{
	const struct slip39_group groups[4] = { { 2, 3 }, { 3, 5 }, { 1, 1 }, { 2, 2 } };
	struct slip39_mnemonics *ms, *other;
	struct slip39_collector *c;
	struct slip39_status st;
	struct slip39_where w;
	uint8_t secret[16] = { 0x42 }, *out;
	size_t outlen;
	struct drbg d;

	(void)state;
	drbg_init(&d, 12);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 2, groups, 4, drbg_fill, &d, &ms),
			 SLIP39_OK);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 2, groups, 4, drbg_fill, &d,
				      &other),
			 SLIP39_OK);
	assert_int_not_equal(ms->id, other->id);
	assert_int_equal(slip39_collector_new(&c), SLIP39_OK);

	assert_int_equal(slip39_collector_combine(c, NULL, 0, &out, &outlen, NULL),
			 SLIP39_E_NO_SHARES);
	assert_int_equal(add(c, ms, 1, 4, &w), SLIP39_OK);
	assert_int_equal(w.group, 2);
	assert_int_equal(w.member, 5);
	slip39_collector_status(c, &st);
	assert_int_equal(st.shares, 1);
	assert_int_equal(st.len, 16);
	assert_int_equal(st.group_threshold, 2);
	assert_int_equal(st.group_count, 4);
	assert_int_equal(st.groups_started, 1);
	assert_int_equal(st.groups_missing, 1);
	assert_int_equal(st.group[1].present, 1);
	assert_int_equal(st.group[1].threshold, 3);
	assert_int_equal(st.group[1].needed, 2);
	assert_false(st.ready);

	/* Each rejection names its cause and changes nothing. */
	assert_int_equal(add(c, other, 1, 0, &w), SLIP39_E_SET_MISMATCH);
	assert_int_equal(add(c, ms, 1, 4, &w), SLIP39_E_DUPLICATE_MEMBER);
	assert_int_equal(w.group, 2);
	assert_int_equal(w.member, 5);
	assert_int_equal(add(c, ms, 1, 0, NULL), SLIP39_OK);
	assert_int_equal(add(c, ms, 2, 0, NULL), SLIP39_OK);
	/* Two groups begun: a third is one too many, even before either is complete. */
	assert_int_equal(add(c, ms, 0, 0, &w), SLIP39_E_TOO_MANY_GROUPS);
	assert_int_equal(w.group, 1);
	assert_int_equal(slip39_collector_combine(c, NULL, 0, &out, &outlen, NULL),
			 SLIP39_E_MORE_SHARES);
	assert_null(out);
	assert_int_equal(slip39_collector_verify(c, NULL), SLIP39_E_MORE_SHARES);
	slip39_collector_status(c, &st);
	assert_int_equal(st.shares, 3);
	assert_int_equal(st.groups_complete, 1);
	assert_int_equal(st.groups_missing, 0);
	assert_int_equal(st.group[1].needed, 1);
	assert_int_equal(st.group[0].present, 0);
	assert_int_equal(add(c, ms, 1, 2, NULL), SLIP39_OK);
	assert_int_equal(add(c, ms, 1, 3, NULL), SLIP39_E_GROUP_COMPLETE);
	slip39_collector_status(c, &st);
	assert_true(st.ready);
	assert_int_equal(st.shares, 4);
	assert_int_equal(slip39_collector_verify(c, &w), SLIP39_OK);
	assert_int_equal(slip39_collector_combine(c, NULL, 0, &out, &outlen, NULL), SLIP39_OK);
	assert_memory_equal(out, secret, 16);
	sodium_free(out);
	/* A wrong passphrase is not an error; it is another secret. */
	assert_int_equal(slip39_collector_combine(c, (const uint8_t *)"x", 1, &out, &outlen, NULL),
			 SLIP39_OK);
	assert_memory_not_equal(out, secret, 16);
	sodium_free(out);
	assert_int_equal(slip39_collector_combine(c, (const uint8_t *)"\n", 1, &out, &outlen,
						  NULL),
			 SLIP39_E_PASSPHRASE);
	slip39_collector_free(c);
	slip39_mnemonics_free(other);
	slip39_mnemonics_free(ms);
}

/* A forged share (valid checksum, wrong value) fails the digest and names its group. */
static void test_forged_share(void **state)
{
	const struct slip39_group groups[2] = { { 2, 2 }, { 2, 2 } };
	struct slip39_mnemonics *ms;
	struct slip39_share s;
	struct slip39_where w;
	char forged[SLIP39_MNEMONIC_MAX];
	const char *list[4], *m;
	uint8_t secret[32] = { 7 }, *out;
	size_t outlen;
	struct drbg d;

	(void)state;
	drbg_init(&d, 13);
	assert_int_equal(slip39_split(secret, 32, NULL, 0, 0, 0, 2, groups, 2, drbg_fill, &d, &ms),
			 SLIP39_OK);
	m = slip39_mnemonic(ms, 1, 1);
	assert_int_equal(slip39_share_decode(m, strlen(m), &s, NULL), SLIP39_OK);
	s.value[5] ^= 0x40;
	assert_int_equal(slip39_share_encode(&s, forged, sizeof(forged)), SLIP39_OK);
	slip39_share_clear(&s);
	list[0] = slip39_mnemonic(ms, 0, 0);
	list[1] = slip39_mnemonic(ms, 0, 1);
	list[2] = slip39_mnemonic(ms, 1, 0);
	list[3] = forged;
	assert_int_equal(slip39_combine(list, 4, NULL, 0, &out, &outlen, &w), SLIP39_E_DIGEST);
	assert_null(out);
	assert_int_equal(w.group, 2);
	{
		struct slip39_collector *c;

		assert_int_equal(slip39_collector_new(&c), SLIP39_OK);
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(slip39_collector_add(c, list[i], strlen(list[i]), NULL),
					 SLIP39_OK);
		assert_int_equal(slip39_collector_verify(c, &w), SLIP39_E_DIGEST);
		assert_int_equal(w.group, 2);
		slip39_collector_free(c);
	}
	list[3] = slip39_mnemonic(ms, 1, 1);
	assert_int_equal(slip39_combine(list, 4, NULL, 0, &out, &outlen, &w), SLIP39_OK);
	assert_memory_equal(out, secret, 32);
	sodium_free(out);
	slip39_mnemonics_free(ms);
}

/* --- one mnemonic ------------------------------------------------------------------------ */

static void test_decode_errors(void **state)
{
	struct vector v;
	struct slip39_share s;
	char buf[SLIP39_MNEMONIC_MAX * 2];
	size_t word;
	const char *m;

	(void)state;
	get_vector(0, &v); /* 20 words, 1-of-1 */
	m = v.m[0];

	/* Extra spaces between, before and after words are fine. */
	{
		size_t o = 0;

		buf[o++] = ' ';
		for (const char *p = m; *p != '\0'; p++) {
			buf[o++] = *p;
			if (*p == ' ')
				buf[o++] = ' ';
		}
		buf[o++] = ' ';
		buf[o] = '\0';
	}
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_OK);
	assert_int_equal(s.id, 7945);
	assert_int_equal(s.len, 16);
	assert_int_equal(s.group_count, 1);
	assert_int_equal(s.member_threshold, 1);
	slip39_share_clear(&s);
	assert_null(s.value);

	/* A word not in the list is reported by position: 1st, and 20th. */
	snprintf(buf, sizeof(buf), "Duckling%s", m + strlen("duckling"));
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_WORD);
	assert_int_equal(word, 1);
	assert_null(s.value);
	snprintf(buf, sizeof(buf), "%s\r", m);
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_WORD);
	assert_int_equal(word, 20);
	snprintf(buf, sizeof(buf), "%s", m);
	*strchr(buf, ' ') = '\t';
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_WORD);
	assert_int_equal(word, 1);
	/* A prefix is not a word in a mnemonic (only in slip39_word_lookup). */
	snprintf(buf, sizeof(buf), "duck%s", m + strlen("duckling"));
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_WORD);

	/* Lengths: 19 and 21 words, 34 words, nothing. */
	snprintf(buf, sizeof(buf), "%s", m);
	*strrchr(buf, ' ') = '\0';
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_LENGTH);
	snprintf(buf, sizeof(buf), "%s academic", m);
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_LENGTH);
	snprintf(buf, sizeof(buf), "%s %s", m, m);
	assert_int_equal(slip39_share_decode(buf, strlen(buf), &s, &word), SLIP39_E_LENGTH);
	assert_int_equal(slip39_share_decode("", 0, &s, &word), SLIP39_E_LENGTH);
	assert_int_equal(slip39_share_decode("   ", 3, &s, &word), SLIP39_E_LENGTH);
	/* The length given is honoured: no reading past it. */
	assert_int_equal(slip39_share_decode(m, strlen(m) - 1, &s, &word), SLIP39_E_WORD);
	assert_int_equal(word, 20);
}

/* Any share survives encode -> decode, and a changed word breaks the checksum. */
static void test_encode_decode(void **state)
{
	struct drbg d;

	(void)state;
	drbg_init(&d, 14);
	for (int i = 0; i < 200; i++) {
		uint8_t r[8], value[SLIP39_SECRET_MAX];
		struct slip39_share s = { 0 }, back;
		char text[SLIP39_MNEMONIC_MAX], *sp;
		size_t word;

		drbg_fill(&d, r, sizeof(r));
		s.id = (uint16_t)(((r[0] << 8) | r[1]) & 0x7FFF);
		s.extendable = r[2] & 1;
		s.iter_exp = r[2] >> 4;
		s.group_count = (uint8_t)(r[3] % 16 + 1);
		s.group_threshold = (uint8_t)(r[4] % s.group_count + 1);
		s.group_index = (uint8_t)(r[5] % s.group_count);
		s.member_threshold = (uint8_t)(r[6] % 16 + 1);
		s.member_index = r[6] >> 4;
		s.len = 16 + 2 * (size_t)(r[7] % 9);
		drbg_fill(&d, value, s.len);
		s.value = value;
		assert_int_equal(slip39_share_encode(&s, text, sizeof(text)), SLIP39_OK);
		assert_int_equal(slip39_share_decode(text, strlen(text), &back, &word), SLIP39_OK);
		assert_int_equal(back.id, s.id);
		assert_int_equal(back.extendable, s.extendable);
		assert_int_equal(back.iter_exp, s.iter_exp);
		assert_int_equal(back.group_index, s.group_index);
		assert_int_equal(back.group_threshold, s.group_threshold);
		assert_int_equal(back.group_count, s.group_count);
		assert_int_equal(back.member_index, s.member_index);
		assert_int_equal(back.member_threshold, s.member_threshold);
		assert_int_equal(back.len, s.len);
		assert_memory_equal(back.value, value, s.len);
		slip39_share_clear(&back);
		/* Swap the 5th word for "academic" (or "acid" if it was academic). */
		sp = text;
		for (int k = 0; k < 4; k++)
			sp = strchr(sp, ' ') + 1;
		{
			char changed[SLIP39_MNEMONIC_MAX + 8];
			size_t pre = (size_t)(sp - text), wl = strcspn(sp, " ");
			const char *repl = strncmp(sp, "academic", wl) == 0 ? "acid" : "academic";

			snprintf(changed, sizeof(changed), "%.*s%s%s", (int)pre, text, repl,
				 sp + wl);
			assert_int_equal(slip39_share_decode(changed, strlen(changed), &back,
							     &word),
					 SLIP39_E_CHECKSUM);
		}
	}
}

/* The two checksum customizations differ: an extendable share does not verify as ordinary. */
static void test_rs1024(void **state)
{
	uint16_t w[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };

	(void)state;
	rs1024_create(0, w, 17, w + 17);
	assert_true(rs1024_verify(0, w, 20));
	assert_false(rs1024_verify(1, w, 20));
	rs1024_create(1, w, 17, w + 17);
	assert_true(rs1024_verify(1, w, 20));
	assert_false(rs1024_verify(0, w, 20));
	/* Any single-word error is detected. */
	for (size_t i = 0; i < 20; i++)
		for (uint16_t e = 1; e < 1024; e += 37) {
			w[i] ^= e;
			assert_false(rs1024_verify(1, w, 20));
			w[i] ^= e;
		}
}

/* --- splitting: arguments ---------------------------------------------------------------- */

static void test_split_errors(void **state)
{
	const struct slip39_group ok = { 2, 3 }, one_of_two = { 1, 2 }, bad = { 4, 3 },
				  big = { 2, 17 };
	struct slip39_group many[17];
	uint8_t secret[34] = { 0 };
	struct slip39_mnemonics *ms = (struct slip39_mnemonics *)1;
	struct drbg d;

	(void)state;
	drbg_init(&d, 15);
	for (int i = 0; i < 17; i++)
		many[i] = (struct slip39_group){ 1, 1 };
	assert_int_equal(slip39_split(secret, 15, NULL, 0, 0, 0, 1, &ok, 1, drbg_fill, &d, &ms),
			 SLIP39_E_SECRET_LENGTH);
	assert_null(ms);
	assert_int_equal(slip39_split(secret, 17, NULL, 0, 0, 0, 1, &ok, 1, drbg_fill, &d, &ms),
			 SLIP39_E_SECRET_LENGTH);
	assert_int_equal(slip39_split(secret, 34, NULL, 0, 0, 0, 1, &ok, 1, drbg_fill, &d, &ms),
			 SLIP39_E_SECRET_LENGTH);
	assert_int_equal(slip39_split(secret, 16, (const uint8_t *)"caf\xc3\xa9", 5, 0, 0, 1, &ok,
				      1, drbg_fill, &d, &ms),
			 SLIP39_E_PASSPHRASE);
	assert_int_equal(slip39_split(secret, 16, (const uint8_t *)"a\x7f", 2, 0, 0, 1, &ok, 1,
				      drbg_fill, &d, &ms),
			 SLIP39_E_PASSPHRASE);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 16, 1, &ok, 1, drbg_fill, &d, &ms),
			 SLIP39_E_PARAM);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 1, &one_of_two, 1, drbg_fill, &d,
				      &ms),
			 SLIP39_E_PARAM);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 1, &bad, 1, drbg_fill, &d, &ms),
			 SLIP39_E_PARAM);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 1, &big, 1, drbg_fill, &d, &ms),
			 SLIP39_E_PARAM);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 2, &ok, 1, drbg_fill, &d, &ms),
			 SLIP39_E_PARAM);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 0, &ok, 1, drbg_fill, &d, &ms),
			 SLIP39_E_PARAM);
	assert_int_equal(slip39_split(secret, 16, NULL, 0, 0, 0, 1, many, 17, drbg_fill, &d, &ms),
			 SLIP39_E_PARAM);
	assert_null(ms);
	/* 16 groups of 16 is the largest split. */
	for (int i = 0; i < 16; i++)
		many[i] = (struct slip39_group){ 16, 16 };
	assert_int_equal(slip39_split(secret, 32, NULL, 0, 0, 0, 16, many, 16, drbg_fill, &d, &ms),
			 SLIP39_OK);
	assert_non_null(slip39_mnemonic(ms, 15, 15));
	assert_null(slip39_mnemonic(ms, 16, 0));
	assert_null(slip39_mnemonic(ms, 0, 16));
	assert_int_equal(strlen(slip39_mnemonic(ms, 15, 15)) < SLIP39_MNEMONIC_MAX, 1);
	slip39_mnemonics_free(ms);
	assert_string_equal(slip39_strerror(SLIP39_E_CHECKSUM), "checksum error");
	assert_string_equal(slip39_strerror(-1), "unknown error");
}

/* The Feistel network is a permutation: decrypt inverts encrypt, the identifier is in the salt
 * only for ordinary shares, and the passphrase matters. */
static void test_cipher(void **state)
{
	uint8_t ms[16] = "0123456789abcdef", a[16], b[16], c[16];

	(void)state;
	assert_int_equal(slip39_encrypt(ms, 16, (const uint8_t *)"pw", 2, 0, 7, 0, a), SLIP39_OK);
	assert_memory_not_equal(a, ms, 16);
	assert_int_equal(slip39_decrypt(a, 16, (const uint8_t *)"pw", 2, 0, 7, 0, b), SLIP39_OK);
	assert_memory_equal(b, ms, 16);
	assert_int_equal(slip39_encrypt(ms, 16, (const uint8_t *)"pw", 2, 0, 8, 0, c), SLIP39_OK);
	assert_memory_not_equal(a, c, 16);
	assert_int_equal(slip39_encrypt(ms, 16, (const uint8_t *)"pw", 2, 0, 7, 1, a), SLIP39_OK);
	assert_int_equal(slip39_encrypt(ms, 16, (const uint8_t *)"pw", 2, 0, 8, 1, c), SLIP39_OK);
	assert_memory_equal(a, c, 16);
	assert_int_equal(slip39_encrypt(ms, 16, (const uint8_t *)"pX", 2, 0, 8, 1, c), SLIP39_OK);
	assert_memory_not_equal(a, c, 16);
	/* In place. */
	memcpy(c, ms, 16);
	assert_int_equal(slip39_encrypt(c, 16, NULL, 0, 1, 9, 0, c), SLIP39_OK);
	assert_int_equal(slip39_decrypt(c, 16, NULL, 0, 1, 9, 0, c), SLIP39_OK);
	assert_memory_equal(c, ms, 16);
	assert_int_equal(slip39_encrypt(ms, 15, NULL, 0, 0, 7, 0, a), SLIP39_E_PARAM);
	assert_int_equal(slip39_encrypt(ms, 16, NULL, 0, 16, 7, 0, a), SLIP39_E_PARAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vectors_resplit),
		cmocka_unit_test(test_wordlist),
		cmocka_unit_test(test_words_parse),
		cmocka_unit_test(test_roundtrip_single),
		cmocka_unit_test(test_roundtrip_groups),
		cmocka_unit_test(test_collector),
		cmocka_unit_test(test_forged_share),
		cmocka_unit_test(test_decode_errors),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_rs1024),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_cipher),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, load_vectors, free_vectors);
}
