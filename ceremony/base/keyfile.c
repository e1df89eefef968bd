#include "ceremony/base/keyfile.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t magic[8] = {0x89, 'C', 'K', 'E', 'Y', '\r', '\n', 0x1a};
#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN	  crypto_aead_xchacha20poly1305_ietf_ABYTES

const char *keyfile_strerror(enum keyfile_err err)
{
	switch (err) {
	case KEYFILE_E_SIGNED_: /* never returned */
		break;
	case KEYFILE_OK:
		return "ok";
	case KEYFILE_E_INVAL:
		return "invalid argument";
	case KEYFILE_E_NOMEM:
		return "out of memory";
	case KEYFILE_E_MAGIC:
		return "not a key file";
	case KEYFILE_E_VERSION:
		return "a key file version this program does not know";
	case KEYFILE_E_FORMAT:
		return "malformed key file";
	case KEYFILE_E_DECRYPT:
		return "the key file does not open: another key, or it was altered";
	}
	return "unknown error";
}

static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > KEYFILE_NAME_MAX || s[0] == '.' || s[0] == '_' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* The header's length, checked; with meta filled. *sealed is the length of what follows. */
static enum keyfile_err parse(const uint8_t *in, size_t len, struct keyfile_meta *meta,
			      size_t *hlen, size_t *sealed)
{
	size_t p = 0;
	uint32_t n;

	memset(meta, 0, sizeof(*meta));
	if (len < sizeof(magic) || memcmp(in, magic, sizeof(magic)) != 0)
		return KEYFILE_E_MAGIC;
	p = sizeof(magic);
	if (p >= len)
		return KEYFILE_E_FORMAT;
	if (in[p++] != KEYFILE_VERSION)
		return KEYFILE_E_VERSION;
	for (int f = 0; f < 2; f++) {
		char *dst = f == 0 ? meta->ceremony_id : meta->key_name;
		size_t l;

		if (p >= len)
			return KEYFILE_E_FORMAT;
		l = in[p++];
		if (l > len - p || !name_ok((const char *)in + p, l))
			return KEYFILE_E_FORMAT;
		memcpy(dst, in + p, l);
		dst[l] = '\0';
		p += l;
	}
	if (len - p < 32 + NONCE_LEN + 4)
		return KEYFILE_E_FORMAT;
	memcpy(meta->spki_sha256, in + p, 32);
	p += 32 + NONCE_LEN;
	n = (uint32_t)in[p] << 24 | (uint32_t)in[p + 1] << 16 | (uint32_t)in[p + 2] << 8 |
	    in[p + 3];
	p += 4;
	if (n <= TAG_LEN || n > KEYFILE_DER_MAX + TAG_LEN || n != len - p)
		return KEYFILE_E_FORMAT;
	*hlen = p;
	*sealed = n;
	return KEYFILE_OK;
}

enum keyfile_err keyfile_peek(const uint8_t *in, size_t len, struct keyfile_meta *meta)
{
	size_t hlen, sealed;

	return parse(in, len, meta, &hlen, &sealed);
}

enum keyfile_err keyfile_seal(const struct keyfile_meta *meta, const uint8_t kek[KEYFILE_KEK_LEN],
			      const uint8_t *der, size_t len,
			      void (*rnd)(void *ctx, unsigned char *buf, size_t len), void *ctx,
			      uint8_t **out, size_t *outlen)
{
	size_t cl = strlen(meta->ceremony_id), kl = strlen(meta->key_name), p = 0, total;
	uint8_t *buf;
	uint32_t n = (uint32_t)(len + TAG_LEN);

	*out = NULL;
	if (!name_ok(meta->ceremony_id, cl) || !name_ok(meta->key_name, kl) || len == 0 ||
	    len > KEYFILE_DER_MAX)
		return KEYFILE_E_INVAL;
	total = sizeof(magic) + 1 + 1 + cl + 1 + kl + 32 + NONCE_LEN + 4 + n;
	buf = malloc(total);
	if (buf == NULL)
		return KEYFILE_E_NOMEM;
	memcpy(buf, magic, sizeof(magic));
	p = sizeof(magic);
	buf[p++] = KEYFILE_VERSION;
	buf[p++] = (uint8_t)cl;
	memcpy(buf + p, meta->ceremony_id, cl);
	p += cl;
	buf[p++] = (uint8_t)kl;
	memcpy(buf + p, meta->key_name, kl);
	p += kl;
	memcpy(buf + p, meta->spki_sha256, 32);
	p += 32;
	if (rnd)
		rnd(ctx, buf + p, NONCE_LEN);
	else
		randombytes_buf(buf + p, NONCE_LEN);
	p += NONCE_LEN;
	buf[p++] = (uint8_t)(n >> 24);
	buf[p++] = (uint8_t)(n >> 16);
	buf[p++] = (uint8_t)(n >> 8);
	buf[p++] = (uint8_t)n;
	/* The whole header is the associated data: no byte of it can change unnoticed. */
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + p, NULL, der, len, buf, p, NULL,
						   buf + p - 4 - NONCE_LEN, kek);
	*out = buf;
	*outlen = total;
	return KEYFILE_OK;
}

enum keyfile_err keyfile_open(const uint8_t *in, size_t len, const uint8_t kek[KEYFILE_KEK_LEN],
			      struct keyfile_meta *meta, uint8_t **der, size_t *derlen)
{
	size_t hlen = 0, sealed = 0;
	unsigned long long plen = 0;
	enum keyfile_err err = parse(in, len, meta, &hlen, &sealed);
	uint8_t *plain;

	*der = NULL;
	if (err != KEYFILE_OK)
		return err;
	plain = sodium_malloc(sealed - TAG_LEN);
	if (plain == NULL)
		return KEYFILE_E_NOMEM;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, in + hlen, sealed, in,
						       hlen, in + hlen - 4 - NONCE_LEN, kek) != 0) {
		sodium_memzero(plain, sealed - TAG_LEN);
		sodium_free(plain);
		return KEYFILE_E_DECRYPT;
	}
	*der = plain;
	*derlen = (size_t)plen;
	return KEYFILE_OK;
}
