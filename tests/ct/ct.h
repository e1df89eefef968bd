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

#endif
