/*
 * What a custodian types back, with every typed and shown byte secret: the copy-back of share
 * words (ceremony/copyback.c: white space, letters, word lengths), a passphrase typed twice and
 * the mnemonic read back from a share file (copyback_equal), and a symmetric key's check value
 * against its record (ceremony/checkvalue.c and the comparison engine.c makes). Only the
 * verdicts are declassified: the position of the first wrong word (shown to the custodian) and
 * sodium_memcmp's one bit (ct.h). The cases double as a check of the results.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "ceremony/checkvalue.h"
#include "ceremony/copyback.h"
#include "tests/ct/ct.h"

#define MNEMONIC                                                                                   \
	"duckling enlarge academic academic agency result length solution fridge kidney coal "     \
	"piece deal husband erode duke ajar critical decision keyboard"

/* s in sodium_malloc memory, marked secret. */
static char *secret_copy(const char *s, size_t *len)
{
	char *p;

	*len = strlen(s);
	p = sodium_malloc(*len + 1);
	CHECK(p != NULL);
	memcpy(p, s, *len + 1);
	secret(p, *len);
	return p;
}

static void compare(const char *typed, size_t want)
{
	size_t tlen, mlen, got;
	char *t = secret_copy(typed, &tlen), *m = secret_copy(MNEMONIC, &mlen);

	got = copyback_compare(t, tlen, m, mlen);
	public(&got, sizeof(got));
	if (got != want) {
		fprintf(stderr, "copyback_compare(\"%s\") = %zu, want %zu\n", typed, got, want);
		exit(1);
	}
	sodium_free(t);
	sodium_free(m);
}

static void equal(const char *a, const char *b, int want)
{
	size_t alen, blen;
	char *x = secret_copy(a, &alen), *y = secret_copy(b, &blen);
	int got = copyback_equal(x, alen, y, blen);

	public(&got, sizeof(got));
	CHECK(got == want);
	sodium_free(x);
	sodium_free(y);
}

static void check_value(void)
{
	uint8_t *key = sodium_malloc(16), cv[CHECKVALUE_LEN], record[CHECKVALUE_LEN];
	int same;

	CHECK(key != NULL);
	randombytes_buf(key, 16);
	public(key, 16);
	CHECK(checkvalue(key, 16, record) == 0);
	secret(key, 16);
	CHECK(checkvalue(key, 16, cv) == 0);
	/* As engine.c proves a rebuilt symmetric key. */
	same = sodium_memcmp(cv, record, CHECKVALUE_LEN) == 0;
	CHECK(same);
	public(cv, sizeof(cv));
	sodium_free(key);
}

int main(void)
{
	CHECK(sodium_init() >= 0);
	compare(MNEMONIC, 0);
	compare("duck enla acad acad agen resu leng solu frid kidn coal piec deal husb eros duke "
		"ajar crit deci keyb",
		15);
	compare("duck enla acad acad agen resu leng solu frid kidn coal piec deal husb erod duke "
		"ajar crit deci keyb",
		0);
	compare("  DUCKLING\tEnlarge academic\nacademic agency result length solution fridge "
		"kidney coal piece deal husband erode duke ajar critical decision keyboard \n",
		0);
	compare("duckling enlarge academic", 4);
	compare(MNEMONIC " keyboard", 21);
	compare("duc enlarge", 1);
	compare("duckling enlarged", 2);
	compare("duckling enlarge acad3mic", 3);
	compare("", 1);
	equal("carol rehearsal passphrase", "carol rehearsal passphrase", 1);
	equal("carol rehearsal passphrase", "carol rehearsal passphrasf", 0);
	equal("carol rehearsal passphrase", "carol rehearsal passphras", 0);
	check_value();
	printf("ct_copyback: ok\n");
	return 0;
}
