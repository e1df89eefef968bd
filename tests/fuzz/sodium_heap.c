/*
 * Linked into every libFuzzer binary (not the product, not the replay build): libsodium's
 * guarded allocator replaced by the ordinary heap, which ASan instruments. sodium_malloc maps
 * guard pages and locks memory for every secret, a handful of system calls each (over a third of
 * a fuzz_slip39 run was in the kernel), and places each block against its trailing guard page,
 * so that an overrun by a few bytes of a block whose size is not a multiple of 16 lands in its
 * own padding unseen; ASan's redzones catch any overrun or underrun, and use after free. The
 * product is tested with the real allocator in every other build (make check, asan, valgrind).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void *sodium_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	/* As libsodium does: garbage, never zeros, so that nothing relies on fresh memory. */
	if (p != NULL)
		memset(p, 0xdb, size);
	return p;
}

void *sodium_allocarray(size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		return NULL;
	return sodium_malloc(count * size);
}

void sodium_free(void *ptr)
{
	free(ptr);
}

int sodium_mprotect_noaccess(void *ptr)
{
	(void)ptr;
	return 0;
}

int sodium_mprotect_readonly(void *ptr)
{
	(void)ptr;
	return 0;
}

int sodium_mprotect_readwrite(void *ptr)
{
	(void)ptr;
	return 0;
}
