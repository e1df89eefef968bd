#include "media/util.h"

#include <sodium.h>

void *media_salloc(size_t n)
{
	if (sodium_init() < 0)
		return NULL;
	return sodium_malloc(n ? n : 1);
}

void media_sfree(void *p)
{
	if (p != NULL)
		sodium_free(p);
}

void media_sha256(const unsigned char *data, size_t len, unsigned char out[32])
{
	crypto_hash_sha256(out, data, len);
}
