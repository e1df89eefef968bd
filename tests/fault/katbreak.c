/*
 * An LD_PRELOAD library for tests: it breaks one primitive under the real binary, the way a
 * miscompiled or corrupted library would, so that a test can show the self-tests catch it and
 * that the go/no-go then stops the ceremony. KATBREAK names the primitive:
 *   sha256   crypto_hash_sha256 gives a wrong digest of "abc" (the FIPS 180-2 input)
 *   ed25519  crypto_sign_detached gives a wrong signature of the empty message (RFC 8032)
 *   random   randombytes_buf returns the same bytes every time
 *   slip39   PKCS5_PBKDF2_HMAC (the SLIP-39 Feistel rounds' function) gives a wrong output
 * Anything else, or nothing, breaks nothing. Not part of the product.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

int crypto_hash_sha256(unsigned char *out, const unsigned char *in, unsigned long long inlen);
int crypto_sign_detached(unsigned char *sig, unsigned long long *siglen, const unsigned char *m,
			 unsigned long long mlen, const unsigned char *sk);
void randombytes_buf(void *buf, size_t size);

static int broken(const char *what)
{
	const char *k = getenv("KATBREAK");

	return k != NULL && strcmp(k, what) == 0;
}

/* The next definition of name, the library's own. */
static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL)
		abort();
	return f;
}

int crypto_hash_sha256(unsigned char *out, const unsigned char *in, unsigned long long inlen)
{
	int (*f)(unsigned char *, const unsigned char *, unsigned long long);
	int r;

	*(void **)&f = real("crypto_hash_sha256");
	r = f(out, in, inlen);
	if (broken("sha256") && inlen == 3 && memcmp(in, "abc", 3) == 0)
		out[0] ^= 1;
	return r;
}

int crypto_sign_detached(unsigned char *sig, unsigned long long *siglen, const unsigned char *m,
			 unsigned long long mlen, const unsigned char *sk)
{
	int (*f)(unsigned char *, unsigned long long *, const unsigned char *, unsigned long long,
		 const unsigned char *);
	int r;

	*(void **)&f = real("crypto_sign_detached");
	r = f(sig, siglen, m, mlen, sk);
	if (broken("ed25519") && mlen == 0)
		sig[0] ^= 1;
	return r;
}

void randombytes_buf(void *buf, size_t size)
{
	void (*f)(void *, size_t);

	if (broken("random")) {
		memset(buf, 0x5a, size);
		return;
	}
	*(void **)&f = real("randombytes_buf");
	f(buf, size);
}

int PKCS5_PBKDF2_HMAC(const char *pass, int passlen, const unsigned char *salt, int saltlen,
		      int iter, const EVP_MD *digest, int keylen, unsigned char *out)
{
	int (*f)(const char *, int, const unsigned char *, int, int, const EVP_MD *, int,
		 unsigned char *);
	int r;

	*(void **)&f = real("PKCS5_PBKDF2_HMAC");
	r = f(pass, passlen, salt, saltlen, iter, digest, keylen, out);
	if (broken("slip39") && keylen > 0)
		out[0] ^= 1;
	return r;
}
