/*
 * What a custodian types back, with every typed and shown byte secret: the copy-back of share
 * words (ceremony/people/copyback.c: white space, letters, word lengths), the words of a card typed or
 * scanned to rebuild a key (copyback_mnemonic, as engine_collect.c reads them), a passphrase typed
 * twice and the mnemonic read back from a share file (copyback_equal), and a symmetric key's check
 * value against its record (ceremony/base/checkvalue.c and the comparison engine.c makes). Only the
 * verdicts are declassified: the position of the first wrong word (shown to the custodian),
 * copyback_mnemonic's word count and text length (visible as the words are typed, and on the
 * card), and sodium_memcmp's one bit (ct.h). The cases double as a check of the results.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "ceremony/base/checkvalue.h"
#include "ceremony/people/copyback.h"
#include "tests/ct/ct.h"

#define MNEMONIC                                                                                   \
	"duckling enlarge academic academic agency result length solution fridge kidney coal "     \
	"piece deal husband erode duke ajar critical decision keyboard"

static void compare(const char *typed, size_t want)
{
	size_t tlen, mlen, got;
	char *t = secret_string(typed, &tlen), *m = secret_string(MNEMONIC, &mlen);

	got = copyback_compare(t, tlen, m, mlen);
	public(&got, sizeof(got));
	if (got != want) {
		fprintf(stderr, "copyback_compare(\"%s\") = %zu, want %zu\n", typed, got, want);
		exit(1);
	}
	sodium_free(t);
	sodium_free(m);
}

/* Words in a mnemonic. */
static size_t count(const char *m)
{
	size_t n = *m != '\0';

	for (; *m != '\0'; m++)
		n += *m == ' ';
	return n;
}

/* typed as a mnemonic: want (NULL for none) and the position of the first bad word. */
static void mnemonic(const char *typed, const char *want, size_t want_bad)
{
	size_t tlen, n, olen, bad;
	char *t = secret_string(typed, &tlen), *out = sodium_malloc(COPYBACK_MNEMONIC_MAX);

	CHECK(out != NULL);
	n = copyback_mnemonic(t, tlen, out, &olen, &bad);
	public(&n, sizeof(n));
	public(&olen, sizeof(olen));
	public(&bad, sizeof(bad));
	if (bad != want_bad) {
		fprintf(stderr, "copyback_mnemonic(\"%s\"): bad word %zu, want %zu\n", typed, bad,
			want_bad);
		exit(1);
	}
	/* The text itself stays secret in the program; here it is checked. */
	public(out, COPYBACK_MNEMONIC_MAX);
	if (want != NULL && (olen != strlen(want) || strcmp(out, want) != 0 || n != count(want))) {
		fprintf(stderr, "copyback_mnemonic(\"%s\") = \"%s\" (%zu words)\n", typed, out, n);
		exit(1);
	}
	for (size_t i = olen; i < COPYBACK_MNEMONIC_MAX; i++)
		CHECK(out[i] == '\0');
	sodium_free(t);
	sodium_free(out);
}

static void equal(const char *a, const char *b, int want)
{
	size_t alen, blen;
	char *x = secret_string(a, &alen), *y = secret_string(b, &blen);
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
	mnemonic(MNEMONIC, MNEMONIC, 0);
	mnemonic("duck enla acad acad agen resu leng solu frid kidn coal piec deal husb erod duke "
		 "ajar crit deci keyb",
		 MNEMONIC, 0);
	/* As a QR code carries it: upper case, first four letters. */
	mnemonic("DUCK ENLA ACAD ACAD AGEN RESU LENG SOLU FRID KIDN COAL PIEC DEAL HUSB EROD DUKE "
		 "AJAR CRIT DECI KEYB",
		 MNEMONIC, 0);
	mnemonic("\t DUCKLING  Enlarge academic\nacademic agency result length solution fridge "
		 "kidney coal piece deal husband erode duke ajar critical decision keyboard \n",
		 MNEMONIC, 0);
	mnemonic("keyboard", "keyboard", 0);
	mnemonic("duckling enlarge acad3mic academic", NULL, 3);
	mnemonic("duckling enlarged", NULL, 2);
	mnemonic("duc enlarge", NULL, 1);
	mnemonic("   ", "", 0);
	equal("carol rehearsal passphrase", "carol rehearsal passphrase", 1);
	equal("carol rehearsal passphrase", "carol rehearsal passphrasf", 0);
	equal("carol rehearsal passphrase", "carol rehearsal passphras", 0);
	check_value();
	printf("ct_copyback: ok\n");
	return 0;
}
