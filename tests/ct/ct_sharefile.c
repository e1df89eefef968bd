/* Constant time: the share file's check of a decrypted mnemonic reads secret text, so it must
 * neither branch nor index on it (a branching check would leak word lengths through timing).
 * Under valgrind the text is undefined; only the one-bit verdict is declassified.
 *
 * Argon2id is not checked here: its second half indexes memory by secret-derived values by
 * design (Argon2id's data-dependent passes), which memcheck would rightly report. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "shamir/sharefile.h"

static int check(const char *text, int want)
{
	size_t n = strlen(text);
	char *s = sodium_malloc(n + 1);
	int got;

	if (s == NULL)
		return 1;
	memcpy(s, text, n + 1);
	VALGRIND_MAKE_MEM_UNDEFINED(s, n);
	got = sharefile_mnemonic_ok(s, n);
	VALGRIND_MAKE_MEM_DEFINED(&got, sizeof(got));
	VALGRIND_MAKE_MEM_DEFINED(s, n);
	sodium_memzero(s, n);
	sodium_free(s);
	if (got != want) {
		printf("sharefile_mnemonic_ok(\"%s\") = %d, want %d\n", text, got, want);
		return 1;
	}
	return 0;
}

int main(void)
{
	int bad = 0;

	if (sodium_init() < 0)
		return 1;
	bad |= check("duckling enlarge academic academic agency result length solution fridge "
		     "kidney coal piece deal husband erode duke ajar critical decision keyboard",
		     1);
	bad |= check("duckling  enlarge", 0);
	bad |= check("Duckling enlarge", 0);
	bad |= check("duckling enlarge ", 0);
	printf("ct_sharefile: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
