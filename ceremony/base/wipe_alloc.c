/* The allocator of the process: glibc's, with every block wiped before it is freed
 * (ceremony/base/wipe_alloc.h says why). */
#include "ceremony/base/wipe_alloc.h"

#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WIPE_ALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define WIPE_ALLOC 0
#endif
#endif
#ifndef WIPE_ALLOC
#define WIPE_ALLOC 1
#endif

int wipe_alloc_active(void)
{
	return WIPE_ALLOC;
}

#if WIPE_ALLOC

/* glibc's allocator under its exported internal names (GLIBC_2.0, not in any header). Only
 * these are called here: a call to malloc or memset the compiler could see through would
 * recurse or be dropped. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *p);

void *malloc(size_t size)
{
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return __libc_calloc(n, size);
}

void free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	__libc_free(p);
}

/* Never glibc's realloc: it would free the old block unwiped. A block that is big enough is
 * kept (its spare bytes are wiped with it when it is freed). */
void *realloc(void *p, size_t size)
{
	size_t have;
	void *q;

	if (p == NULL)
		return __libc_malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	have = malloc_usable_size(p);
	if (size <= have)
		return p;
	q = __libc_malloc(size);
	if (q == NULL)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}

void *reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

void *memalign(size_t alignment, size_t size)
{
	return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size)
{
	return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
	void *p;

	if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0)
		return EINVAL;
	p = __libc_memalign(alignment, size);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return __libc_memalign((size_t)sysconf(_SC_PAGESIZE), size);
}

void *pvalloc(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (size > SIZE_MAX - page)
		return NULL;
	return __libc_memalign(page, size == 0 ? page : (size + page - 1) & ~(page - 1));
}

#endif
