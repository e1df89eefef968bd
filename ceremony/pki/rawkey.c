#include "ceremony/pki/rawkey.h"

#include <openssl/x509.h>
#include <sodium.h>
#include <string.h>

/* PrivateKeyInfo { version 0, ecPublicKey/prime256v1, ECPrivateKey { 1, privateKey[32] } } */
static const uint8_t p256_prefix[] = {
	0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
	0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
};
/* OpenSSL's own P-256 PKCS#8 adds the public key after the scalar; the scalar is found after
 * this prefix (the outer lengths differ from ours). */
static const uint8_t p256_export_prefix[] = {
	0x30, 0x81, 0x87, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04,
	0x6d, 0x30, 0x6b, 0x02, 0x01, 0x01, 0x04, 0x20,
};
/* PrivateKeyInfo { version 0, id-Ed25519, OCTET STRING { OCTET STRING seed[32] } } */
static const uint8_t ed25519_prefix[] = {
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b,
	0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
};
/* The order n of the P-256 group, big-endian. */
static const uint8_t p256_order[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

int pki_rawkey_supported(enum pki_alg alg)
{
	return alg == PKI_ALG_EC_P256 || alg == PKI_ALG_ED25519;
}

/* 1 when 0 < s < n, in constant time: the scalar is secret. */
static int p256_scalar_ok(const uint8_t s[32])
{
	unsigned lt = 0, eq = 1, nonzero = 0;

	for (size_t i = 0; i < 32; i++) {
		unsigned a = s[i], b = p256_order[i];
		unsigned less = ((a - b) >> 8) & 1;    /* a < b */
		unsigned same = (((a ^ b) - 1) >> 8) & 1; /* a == b */

		lt |= eq & less;
		eq &= same;
		nonzero |= a;
	}
	return (int)(lt & (((0u - nonzero) >> 8) & 1));
}

enum pki_err pki_rawkey_export(const EVP_PKEY *key, uint8_t **out)
{
	const uint8_t *prefix;
	size_t prefix_len;
	uint8_t *der = NULL, *raw;
	size_t len = 0;
	enum pki_alg alg;
	enum pki_err err;

	*out = NULL;
	err = pki_key_alg(key, &alg);
	if (err != PKI_OK)
		return err;
	if (alg == PKI_ALG_EC_P256) {
		prefix = p256_export_prefix;
		prefix_len = sizeof(p256_export_prefix);
	} else if (alg == PKI_ALG_ED25519) {
		prefix = ed25519_prefix;
		prefix_len = sizeof(ed25519_prefix);
	} else {
		return PKI_E_ALG;
	}
	err = pki_key_export_pkcs8(key, &der, &len);
	if (err != PKI_OK)
		return err;
	/* The template is exact: anything else (explicit curve parameters, a missing public key,
	 * another version) is refused rather than guessed at. */
	if (len < prefix_len + PKI_RAWKEY_LEN || memcmp(der, prefix, prefix_len) != 0) {
		pki_secret_free(der, len);
		return PKI_E_PARSE;
	}
	raw = sodium_malloc(PKI_RAWKEY_LEN);
	if (raw == NULL) {
		pki_secret_free(der, len);
		return PKI_E_NOMEM;
	}
	memcpy(raw, der + prefix_len, PKI_RAWKEY_LEN);
	pki_secret_free(der, len);
	*out = raw;
	return PKI_OK;
}

enum pki_err pki_rawkey_import(enum pki_alg alg, const uint8_t *secret, size_t len,
			       EVP_PKEY **out)
{
	const uint8_t *prefix;
	size_t prefix_len;
	const unsigned char *p;
	uint8_t *der;
	PKCS8_PRIV_KEY_INFO *p8;
	EVP_PKEY *key;
	enum pki_err err = PKI_OK;

	*out = NULL;
	if (len != PKI_RAWKEY_LEN)
		return PKI_E_ARG;
	if (alg == PKI_ALG_EC_P256) {
		if (!p256_scalar_ok(secret))
			return PKI_E_ARG;
		prefix = p256_prefix;
		prefix_len = sizeof(p256_prefix);
	} else if (alg == PKI_ALG_ED25519) {
		prefix = ed25519_prefix;
		prefix_len = sizeof(ed25519_prefix);
	} else {
		return PKI_E_ALG;
	}
	der = sodium_malloc(prefix_len + PKI_RAWKEY_LEN);
	if (der == NULL)
		return PKI_E_NOMEM;
	memcpy(der, prefix, prefix_len);
	memcpy(der + prefix_len, secret, PKI_RAWKEY_LEN);
	p = der;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)(prefix_len + PKI_RAWKEY_LEN));
	if (p8 == NULL || p != der + prefix_len + PKI_RAWKEY_LEN) {
		err = PKI_E_PARSE;
		goto out;
	}
	key = EVP_PKCS82PKEY(p8);
	if (key == NULL) {
		err = PKI_E_CRYPTO;
		goto out;
	}
	*out = key;
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	sodium_memzero(der, prefix_len + PKI_RAWKEY_LEN);
	sodium_free(der);
	return err;
}
