#include "ceremony/pki/key.h"

#include <sodium.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/x509.h>

static const struct {
	const char *name;
	enum pki_alg alg;
} alg_names[] = {
    {"ec-p256", PKI_ALG_EC_P256},   {"ec-p384", PKI_ALG_EC_P384}, {"rsa-3072", PKI_ALG_RSA_3072},
    {"rsa-4096", PKI_ALG_RSA_4096}, {"ed25519", PKI_ALG_ED25519},
};

/* Signed by pki_key_matches: any fixed text serves, it proves possession, not intent. */
static const uint8_t match_message[] = "ceremony pki: rebuilt key matches its recorded public key";

enum pki_err pki_alg_from_name(const char *name, enum pki_alg *alg)
{
	for (size_t i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++)
		if (strcmp(name, alg_names[i].name) == 0) {
			*alg = alg_names[i].alg;
			return PKI_OK;
		}
	return PKI_E_ALG;
}

const char *pki_alg_name(enum pki_alg alg)
{
	for (size_t i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++)
		if (alg_names[i].alg == alg)
			return alg_names[i].name;
	return "unknown";
}

enum pki_err pki_key_alg(const EVP_PKEY *key, enum pki_alg *alg)
{
	char group[32];
	size_t glen = 0;

	if (key == NULL)
		return PKI_E_ARG;
	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(key, group, sizeof(group), &glen) != 1)
			return PKI_E_ALG;
		if (strcmp(group, "prime256v1") == 0)
			*alg = PKI_ALG_EC_P256;
		else if (strcmp(group, "secp384r1") == 0)
			*alg = PKI_ALG_EC_P384;
		else
			return PKI_E_ALG;
		return PKI_OK;
	case EVP_PKEY_RSA:
		if (EVP_PKEY_get_bits(key) == 3072)
			*alg = PKI_ALG_RSA_3072;
		else if (EVP_PKEY_get_bits(key) == 4096)
			*alg = PKI_ALG_RSA_4096;
		else
			return PKI_E_ALG;
		return PKI_OK;
	case EVP_PKEY_ED25519:
		*alg = PKI_ALG_ED25519;
		return PKI_OK;
	default:
		return PKI_E_ALG;
	}
}

enum pki_err pki_key_digest(const EVP_PKEY *key, const EVP_MD **md)
{
	enum pki_alg alg;
	enum pki_err err = pki_key_alg(key, &alg);

	if (err != PKI_OK)
		return err;
	switch (alg) {
	case PKI_ALG_EC_P384:
		*md = EVP_sha384();
		break;
	case PKI_ALG_ED25519:
		*md = NULL;
		break;
	case PKI_ALG_EC_P256:
	case PKI_ALG_RSA_3072:
	case PKI_ALG_RSA_4096:
		*md = EVP_sha256();
		break;
	}
	return PKI_OK;
}

enum pki_err pki_key_generate(enum pki_alg alg, EVP_PKEY **out)
{
	EVP_PKEY *key = NULL;

	*out = NULL;
	switch (alg) {
	case PKI_ALG_EC_P256:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case PKI_ALG_EC_P384:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case PKI_ALG_RSA_3072:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
		break;
	case PKI_ALG_RSA_4096:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
		break;
	case PKI_ALG_ED25519:
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		return PKI_E_ALG;
	}
	if (key == NULL)
		return PKI_E_CRYPTO;
	*out = key;
	return PKI_OK;
}

enum pki_err pki_key_export_pkcs8(const EVP_PKEY *key, uint8_t **der, size_t *len)
{
	OSSL_ENCODER_CTX *ctx = NULL;
	BIO *bio = NULL;
	char *data = NULL;
	long n;
	enum pki_err err = PKI_E_CRYPTO;

	*der = NULL;
	*len = 0;
	/* A secure-heap memory BIO: the encoding is wiped when it is freed. */
	bio = BIO_new(BIO_s_secmem());
	ctx = OSSL_ENCODER_CTX_new_for_pkey(key, EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo", NULL);
	if (bio == NULL || ctx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ctx) == 0)
		goto out;
	if (OSSL_ENCODER_to_bio(ctx, bio) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || (size_t)n > PKI_PKCS8_MAX)
		goto out;
	*der = sodium_malloc((size_t)n);
	if (*der == NULL) {
		err = PKI_E_NOMEM;
		goto out;
	}
	memcpy(*der, data, (size_t)n);
	*len = (size_t)n;
	err = PKI_OK;
out:
	OSSL_ENCODER_CTX_free(ctx);
	BIO_free(bio);
	return err;
}

enum pki_err pki_key_import_pkcs8(const uint8_t *der, size_t len, EVP_PKEY **out)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	const unsigned char *p = der;
	EVP_PKEY *key = NULL;
	enum pki_alg alg;
	enum pki_err err = PKI_E_PARSE;

	*out = NULL;
	if (len == 0 || len > PKI_PKCS8_MAX)
		return len == 0 ? PKI_E_PARSE : PKI_E_TOO_LARGE;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)len);
	if (p8 == NULL)
		goto out;
	if (p != der + len) {
		err = PKI_E_TRAILING;
		goto out;
	}
	key = EVP_PKCS82PKEY(p8);
	if (key == NULL)
		goto out;
	err = pki_key_alg(key, &alg);
	if (err != PKI_OK)
		goto out;
	/* The SPKI of a rebuilt key must be byte-identical to the recorded one. */
	if ((alg == PKI_ALG_EC_P256 || alg == PKI_ALG_EC_P384) &&
	    EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
					   "uncompressed") != 1) {
		err = PKI_E_CRYPTO;
		goto out;
	}
	*out = key;
	key = NULL;
	err = PKI_OK;
out:
	EVP_PKEY_free(key);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return err;
}

enum pki_err pki_key_spki(const EVP_PKEY *key, uint8_t *out, size_t max, size_t *len)
{
	unsigned char *p = out;
	int n;

	*len = 0;
	n = i2d_PUBKEY(key, NULL);
	if (n <= 0)
		return PKI_E_CRYPTO;
	if ((size_t)n > max)
		return PKI_E_BUFFER;
	if (i2d_PUBKEY(key, &p) != n)
		return PKI_E_CRYPTO;
	*len = (size_t)n;
	return PKI_OK;
}

enum pki_err pki_sha256(const uint8_t *data, size_t len, uint8_t out[PKI_SHA256_LEN])
{
	return EVP_Digest(data, len, out, NULL, EVP_sha256(), NULL) == 1 ? PKI_OK : PKI_E_CRYPTO;
}

enum pki_err pki_key_fingerprint(const EVP_PKEY *key, uint8_t fpr[PKI_SHA256_LEN])
{
	uint8_t spki[PKI_SPKI_MAX];
	size_t len;
	enum pki_err err = pki_key_spki(key, spki, sizeof(spki), &len);

	if (err != PKI_OK)
		return err;
	return pki_sha256(spki, len, fpr);
}

enum pki_err pki_pubkey_from_spki(const uint8_t *spki, size_t len, EVP_PKEY **out)
{
	const unsigned char *p = spki;
	uint8_t again[PKI_SPKI_MAX];
	size_t againlen;
	EVP_PKEY *key;
	enum pki_alg alg;
	enum pki_err err;

	*out = NULL;
	if (len == 0 || len > PKI_SPKI_MAX)
		return len == 0 ? PKI_E_PARSE : PKI_E_TOO_LARGE;
	key = d2i_PUBKEY(NULL, &p, (long)len);
	if (key == NULL)
		return PKI_E_PARSE;
	err = p == spki + len ? PKI_OK : PKI_E_TRAILING;
	if (err == PKI_OK)
		err = pki_key_alg(key, &alg);
	if (err == PKI_OK)
		err = pki_key_spki(key, again, sizeof(again), &againlen);
	if (err == PKI_OK && (againlen != len || memcmp(again, spki, len) != 0))
		err = PKI_E_PARSE;
	if (err != PKI_OK) {
		EVP_PKEY_free(key);
		return err;
	}
	*out = key;
	return PKI_OK;
}

enum pki_err pki_sign(EVP_PKEY *key, const uint8_t *msg, size_t msglen, uint8_t *sig, size_t max,
		      size_t *siglen)
{
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	size_t n = 0;
	enum pki_err err;

	*siglen = 0;
	err = pki_key_digest(key, &md);
	if (err != PKI_OK)
		return err;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return PKI_E_NOMEM;
	err = PKI_E_CRYPTO;
	if (EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, msg, msglen) != 1)
		goto out;
	if (n > max) {
		err = PKI_E_BUFFER;
		goto out;
	}
	if (EVP_DigestSign(ctx, sig, &n, msg, msglen) != 1)
		goto out;
	*siglen = n;
	err = PKI_OK;
out:
	EVP_MD_CTX_free(ctx);
	return err;
}

enum pki_err pki_verify(EVP_PKEY *pub, const uint8_t *msg, size_t msglen, const uint8_t *sig,
			size_t siglen)
{
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	enum pki_err err;

	err = pki_key_digest(pub, &md);
	if (err != PKI_OK)
		return err;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return PKI_E_NOMEM;
	err = PKI_E_CRYPTO;
	if (EVP_DigestVerifyInit(ctx, NULL, md, NULL, pub) == 1)
		err = EVP_DigestVerify(ctx, sig, siglen, msg, msglen) == 1 ? PKI_OK
									   : PKI_E_SIGNATURE;
	EVP_MD_CTX_free(ctx);
	return err;
}

enum pki_err pki_key_matches(EVP_PKEY *priv, const uint8_t *spki, size_t len)
{
	uint8_t mine[PKI_SPKI_MAX], sig[PKI_SIG_MAX];
	size_t minelen, siglen;
	EVP_PKEY *pub = NULL;
	enum pki_err err;

	err = pki_key_spki(priv, mine, sizeof(mine), &minelen);
	if (err != PKI_OK)
		return err;
	if (minelen != len || memcmp(mine, spki, len) != 0)
		return PKI_E_KEY_MISMATCH;
	err = pki_pubkey_from_spki(spki, len, &pub);
	if (err != PKI_OK)
		return PKI_E_KEY_MISMATCH;
	/* Equal public halves do not prove the private half belongs to them: sign and check. */
	err = pki_sign(priv, match_message, sizeof(match_message), sig, sizeof(sig), &siglen);
	if (err == PKI_OK)
		err = pki_verify(pub, match_message, sizeof(match_message), sig, siglen);
	if (err == PKI_E_SIGNATURE)
		err = PKI_E_KEY_MISMATCH;
	EVP_PKEY_free(pub);
	return err;
}

enum pki_err pki_symkey_generate(size_t len, uint8_t **key)
{
	*key = NULL;
	if (len != PKI_SYMKEY_AES128 && len != PKI_SYMKEY_AES256)
		return PKI_E_ARG;
	*key = sodium_malloc(len);
	if (*key == NULL)
		return PKI_E_NOMEM;
	randombytes_buf(*key, len);
	return PKI_OK;
}

void pki_secret_free(uint8_t *buf, size_t len)
{
	if (buf == NULL)
		return;
	sodium_memzero(buf, len);
	sodium_free(buf);
}
