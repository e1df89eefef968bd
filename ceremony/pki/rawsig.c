#include "ceremony/pki/rawsig.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "ceremony/pki/key.h"

static enum pki_err need_p256(const EVP_PKEY *key)
{
	enum pki_alg alg;

	if (pki_key_alg(key, &alg) != PKI_OK || alg != PKI_ALG_EC_P256)
		return PKI_E_ALG;
	return PKI_OK;
}

enum pki_err pki_rawsig_to_der(const uint8_t sig[PKI_RAWSIG_LEN], uint8_t *der, size_t max,
			       size_t *len)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *ss = BN_bin2bn(sig + 32, 32, NULL);
	unsigned char *p = der;
	int n;
	enum pki_err err = PKI_E_NOMEM;

	*len = 0;
	if (s == NULL || r == NULL || ss == NULL)
		goto out;
	ECDSA_SIG_set0(s, r, ss);
	r = ss = NULL;
	err = PKI_E_CRYPTO;
	n = i2d_ECDSA_SIG(s, NULL);
	if (n <= 0)
		goto out;
	err = PKI_E_BUFFER;
	if ((size_t)n > max)
		goto out;
	err = PKI_E_CRYPTO;
	if (i2d_ECDSA_SIG(s, &p) != n)
		goto out;
	*len = (size_t)n;
	err = PKI_OK;
out:
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return err;
}

enum pki_err pki_rawsig_from_der(const uint8_t *der, size_t len, uint8_t sig[PKI_RAWSIG_LEN])
{
	const unsigned char *p = der;
	ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *ss;
	enum pki_err err = PKI_E_PARSE;

	if (s == NULL)
		return err;
	ECDSA_SIG_get0(s, &r, &ss);
	if (p == der + len && BN_bn2binpad(r, sig, 32) == 32 &&
	    BN_bn2binpad(ss, sig + 32, 32) == 32)
		err = PKI_OK;
	ECDSA_SIG_free(s);
	return err;
}

enum pki_err pki_rawsig_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
			     uint8_t sig[PKI_RAWSIG_LEN])
{
	uint8_t der[PKI_SIG_MAX];
	size_t derlen;
	enum pki_err err = need_p256(key);

	if (err == PKI_OK)
		err = pki_sign(key, msg, len, der, sizeof(der), &derlen);
	if (err == PKI_OK)
		err = pki_rawsig_from_der(der, derlen, sig);
	return err;
}

enum pki_err pki_rawsig_verify(EVP_PKEY *pub, const uint8_t *msg, size_t len,
			       const uint8_t sig[PKI_RAWSIG_LEN])
{
	uint8_t der[PKI_RAWSIG_DER_MAX];
	size_t derlen;
	enum pki_err err = need_p256(pub);

	if (err == PKI_OK)
		err = pki_rawsig_to_der(sig, der, sizeof(der), &derlen);
	if (err == PKI_OK)
		err = pki_verify(pub, msg, len, der, derlen);
	return err;
}
