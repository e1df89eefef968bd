#include "shamir/slip39_cipher.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

#include "shamir/slip39.h"

#define SALT_PREFIX "shamir"
#define SALT_PREFIX_LEN 8 /* "shamir" and the identifier */

static int feistel(const uint8_t *in, size_t len, const uint8_t *pass, size_t passlen,
		   uint8_t iter_exp, uint16_t id, int extendable, int decrypt, uint8_t *out)
{
	size_t half = len / 2, prefix = extendable ? 0 : SALT_PREFIX_LEN, size;
	uint8_t *mem, *l, *r, *f, *salt, *password;
	int ret = SLIP39_E_CRYPTO;

	if (len < SLIP39_SECRET_MIN || len > SLIP39_SECRET_MAX || len % 2 != 0 ||
	    iter_exp > SLIP39_ITER_EXP_MAX || passlen > SLIP39_PASSPHRASE_MAX || id > 0x7FFF) {
		sodium_memzero(out, len);
		return SLIP39_E_PARAM;
	}
	/* Everything that depends on the secret or the passphrase lives in one guarded buffer. */
	size = 3 * half + SALT_PREFIX_LEN + half + 1 + passlen;
	mem = sodium_malloc(size);
	if (mem == NULL) {
		sodium_memzero(out, len);
		return SLIP39_E_NOMEM;
	}
	l = mem;
	r = l + half;
	f = r + half;
	salt = f + half;
	password = salt + SALT_PREFIX_LEN + half;

	memcpy(l, in, half);
	memcpy(r, in + half, half);
	memcpy(salt, SALT_PREFIX, 6);
	salt[6] = (uint8_t)(id >> 8);
	salt[7] = (uint8_t)id;
	if (passlen > 0)
		memcpy(password + 1, pass, passlen);

	for (unsigned int step = 0; step < 4; step++) {
		password[0] = (uint8_t)(decrypt ? 3 - step : step);
		memcpy(salt + SALT_PREFIX_LEN, r, half);
		if (PKCS5_PBKDF2_HMAC((const char *)password, (int)(1 + passlen),
				      salt + SALT_PREFIX_LEN - prefix, (int)(prefix + half),
				      (int)(SLIP39_ROUND_ITERATIONS << iter_exp), EVP_sha256(),
				      (int)half, f) != 1)
			goto out;
		/* (L, R) = (R, L xor F) */
		for (size_t k = 0; k < half; k++)
			f[k] ^= l[k];
		memcpy(l, r, half);
		memcpy(r, f, half);
	}
	memcpy(out, r, half);
	memcpy(out + half, l, half);
	ret = SLIP39_OK;
out:
	if (ret != SLIP39_OK)
		sodium_memzero(out, len);
	sodium_memzero(mem, size);
	sodium_free(mem);
	return ret;
}

enum slip39_err slip39_encrypt(const uint8_t *in, size_t len, const uint8_t *pass, size_t passlen,
		   uint8_t iter_exp, uint16_t id, int extendable, uint8_t *out)
{
	return feistel(in, len, pass, passlen, iter_exp, id, extendable, 0, out);
}

enum slip39_err slip39_decrypt(const uint8_t *in, size_t len, const uint8_t *pass, size_t passlen,
		   uint8_t iter_exp, uint16_t id, int extendable, uint8_t *out)
{
	return feistel(in, len, pass, passlen, iter_exp, id, extendable, 1, out);
}
