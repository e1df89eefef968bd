#include "ceremony/base/checkvalue.h"

#include <sodium.h>
#include <string.h>

int checkvalue(const uint8_t *key, size_t len, uint8_t out[CHECKVALUE_LEN])
{
	/* The HMAC state holds the key: it lives in locked memory and is wiped. */
	crypto_auth_hmacsha256_state *st = sodium_malloc(sizeof(*st));

	if (st == NULL) {
		sodium_memzero(out, CHECKVALUE_LEN);
		return -1;
	}
	crypto_auth_hmacsha256_init(st, key, len);
	crypto_auth_hmacsha256_update(st, (const uint8_t *)CHECKVALUE_LABEL,
				      strlen(CHECKVALUE_LABEL));
	crypto_auth_hmacsha256_final(st, out);
	sodium_memzero(st, sizeof(*st));
	sodium_free(st);
	return 0;
}
