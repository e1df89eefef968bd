/* Helpers for the constant-time checks: secret() marks bytes undefined for memcheck, so any
 * branch or memory index that depends on them is reported; public() declassifies a result
 * before it is compared or printed. Outside valgrind both are no-ops. */
#ifndef TESTS_CT_CT_H
#define TESTS_CT_CT_H

#include <stdio.h>
#include <stdlib.h>
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

#endif
