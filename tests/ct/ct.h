/* Helpers for the constant-time checks: secret() marks bytes undefined for memcheck, so any
 * branch or memory index that depends on them is reported; public() declassifies a result
 * before it is compared or printed. Outside valgrind both are no-ops. */
#ifndef TESTS_CT_CT_H
#define TESTS_CT_CT_H

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#define secret(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define public(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			exit(1);                                                             \
		}                                                                            \
	} while (0)

/* A copy of s in sodium_malloc memory, marked secret but for its length (*len); sodium_free it. */
static inline char *secret_string(const char *s, size_t *len)
{
	char *p;

	*len = strlen(s);
	p = sodium_malloc(*len + 1);
	CHECK(p != NULL);
	memcpy(p, s, *len + 1);
	secret(p, *len);
	return p;
}

/* sodium_memcmp compares secrets in constant time, and its one-bit verdict is public (a file
 * opens or not, two passphrases agree or not): under valgrind this wrapper, which memcheck puts
 * in place of the library's function, declassifies the verdict, so that the caller's branch on
 * it is not reported while a branch on anything else still is. */
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa, sodium_memcmp)(const void *a, const void *b,
							    size_t len);
int I_WRAP_SONAME_FNNAME_ZU(libsodiumZdsoZa, sodium_memcmp)(const void *a, const void *b,
							    size_t len)
{
	OrigFn fn;
	int r;

	VALGRIND_GET_ORIG_FN(fn);
	CALL_FN_W_WWW(r, fn, a, b, len);
	public(&r, sizeof(r));
	return r;
}

/* Where the library itself branches on a result computed from secrets that is public anyway (a
 * checksum's verdict, the position of a wrong word, a share's metadata), it says so with
 * ct_declassify (shamir/ct.h), a no-op in the program. Here, in its place, it makes those bytes
 * defined: each declassification is a named call in the code, and nothing else is let through. */
void I_WRAP_SONAME_FNNAME_ZU(NONE, ct_declassify)(const void *p, size_t len);
void I_WRAP_SONAME_FNNAME_ZU(NONE, ct_declassify)(const void *p, size_t len)
{
	public(p, len);
}

#endif
