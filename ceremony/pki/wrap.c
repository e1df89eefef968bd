#include "ceremony/pki/wrap.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>

#include "ceremony/pki/key.h"

static const EVP_CIPHER *wrap_cipher(size_t keklen)
{
	switch (keklen) {
	case 16:
		return EVP_aes_128_wrap_pad();
	case 24:
		return EVP_aes_192_wrap_pad();
	case 32:
		return EVP_aes_256_wrap_pad();
	default:
		return NULL;
	}
}

enum pki_err pki_wrap_alg_from_name(const char *name, enum pki_wrap_alg *alg)
{
	if (strcmp(name, "aes128") == 0)
		*alg = PKI_WRAP_AES128_PAD;
	else if (strcmp(name, "aes256") == 0)
		*alg = PKI_WRAP_AES256_PAD;
	else
		return PKI_E_ALG;
	return PKI_OK;
}

const char *pki_wrap_alg_name(enum pki_wrap_alg alg)
{
	return alg == PKI_WRAP_AES256_PAD ? "id-aes256-wrap-pad" : "id-aes128-wrap-pad";
}

size_t pki_wrap_alg_keylen(enum pki_wrap_alg alg)
{
	return alg == PKI_WRAP_AES256_PAD ? 32 : 16;
}

static int wrap_alg_nid(enum pki_wrap_alg alg)
{
	return alg == PKI_WRAP_AES256_PAD ? NID_id_aes256_wrap_pad : NID_id_aes128_wrap_pad;
}

/* One RFC 5649 operation: OpenSSL's wrap ciphers take the whole input in a single update. */
static enum pki_err wrap_op(int enc, const uint8_t *kek, size_t keklen, const uint8_t *in,
			    size_t inlen, uint8_t *out, size_t *outlen)
{
	const EVP_CIPHER *cipher = wrap_cipher(keklen);
	EVP_CIPHER_CTX *ctx;
	int n = 0, fin = 0;
	enum pki_err err = enc ? PKI_E_CRYPTO : PKI_E_UNWRAP;

	*outlen = 0;
	if (cipher == NULL)
		return PKI_E_ARG;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return PKI_E_NOMEM;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex(ctx, cipher, NULL, kek, NULL, enc) != 1) {
		err = PKI_E_CRYPTO;
		goto out;
	}
	if (EVP_CipherUpdate(ctx, out, &n, in, (int)inlen) != 1 || n <= 0 ||
	    EVP_CipherFinal_ex(ctx, out + n, &fin) != 1 || fin != 0)
		goto out;
	*outlen = (size_t)n;
	err = PKI_OK;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

enum pki_err pki_wrap_pad(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen,
			  uint8_t *out, size_t max, size_t *outlen)
{
	enum pki_err err;

	*outlen = 0;
	if (inlen == 0 || inlen > PKI_CONTIN_WRAPPED_MAX)
		return PKI_E_ARG;
	if (max < PKI_WRAP_PAD_LEN(inlen))
		return PKI_E_BUFFER;
	err = wrap_op(1, kek, keklen, in, inlen, out, outlen);
	if (err == PKI_OK && *outlen != PKI_WRAP_PAD_LEN(inlen)) {
		*outlen = 0;
		err = PKI_E_CRYPTO;
	}
	return err;
}

enum pki_err pki_unwrap_pad(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen,
			    uint8_t *out, size_t max, size_t *outlen)
{
	enum pki_err err;

	*outlen = 0;
	if (inlen < 16 || inlen % 8 != 0 || inlen > PKI_CONTIN_WRAPPED_MAX)
		return PKI_E_UNWRAP;
	if (max < inlen)
		return PKI_E_BUFFER;
	err = wrap_op(0, kek, keklen, in, inlen, out, outlen);
	if (err == PKI_OK && PKI_WRAP_PAD_LEN(*outlen) != inlen)
		err = PKI_E_UNWRAP;
	if (err != PKI_OK) {
		OPENSSL_cleanse(out, max);
		*outlen = 0;
	}
	return err;
}

/* SEQUENCE { SEQUENCE { OID }, OCTET STRING wrapped }: the one DER form of the structure. */
static enum pki_err contin_der(enum pki_wrap_alg alg, const uint8_t *wrapped, size_t wlen,
			       uint8_t *der, size_t max, size_t *derlen)
{
	X509_ALGOR *algor = X509_ALGOR_new();
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	unsigned char *p = der;
	int alen, olen, total;
	enum pki_err err = PKI_E_NOMEM;

	*derlen = 0;
	if (algor == NULL || os == NULL)
		goto out;
	err = PKI_E_CRYPTO;
	if (X509_ALGOR_set0(algor, OBJ_nid2obj(wrap_alg_nid(alg)), V_ASN1_UNDEF, NULL) != 1 ||
	    ASN1_OCTET_STRING_set(os, wrapped, (int)wlen) != 1)
		goto out;
	alen = i2d_X509_ALGOR(algor, NULL);
	olen = i2d_ASN1_OCTET_STRING(os, NULL);
	if (alen <= 0 || olen <= 0)
		goto out;
	total = ASN1_object_size(1, alen + olen, V_ASN1_SEQUENCE);
	if (total <= 0 || (size_t)total > max) {
		err = PKI_E_BUFFER;
		goto out;
	}
	ASN1_put_object(&p, 1, alen + olen, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
	if (i2d_X509_ALGOR(algor, &p) != alen || i2d_ASN1_OCTET_STRING(os, &p) != olen)
		goto out;
	*derlen = (size_t)total;
	err = PKI_OK;
out:
	X509_ALGOR_free(algor);
	ASN1_OCTET_STRING_free(os);
	return err;
}

enum pki_err pki_contin_encode(enum pki_wrap_alg alg, const uint8_t *kek, size_t keklen,
			       const uint8_t *spki, size_t spkilen, uint8_t *der, size_t max,
			       size_t *derlen)
{
	uint8_t wrapped[PKI_CONTIN_WRAPPED_MAX];
	size_t wlen;
	enum pki_err err;

	*derlen = 0;
	if (keklen != pki_wrap_alg_keylen(alg))
		return PKI_E_ALG;
	if (spkilen == 0 || PKI_WRAP_PAD_LEN(spkilen) > sizeof(wrapped))
		return PKI_E_ARG;
	err = pki_wrap_pad(kek, keklen, spki, spkilen, wrapped, sizeof(wrapped), &wlen);
	if (err != PKI_OK)
		return err;
	return contin_der(alg, wrapped, wlen, der, max, derlen);
}

enum pki_err pki_contin_decode(const uint8_t *der, size_t len, struct pki_contin *out)
{
	const unsigned char *p = der, *end;
	long inner;
	int tag, xclass, ret;
	X509_ALGOR *algor = NULL;
	ASN1_OCTET_STRING *os = NULL;
	const ASN1_OBJECT *oid;
	int ptype, nid;
	uint8_t again[PKI_CONTIN_DER_MAX];
	size_t againlen;
	enum pki_err err = PKI_E_PARSE;

	memset(out, 0, sizeof(*out));
	if (len > PKI_CONTIN_DER_MAX)
		return PKI_E_TOO_LARGE;
	ret = ASN1_get_object(&p, &inner, &tag, &xclass, (long)len);
	if ((ret & 0x80) != 0 || ret != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE ||
	    xclass != V_ASN1_UNIVERSAL || inner != (long)len - (p - der))
		return PKI_E_PARSE;
	end = der + len;
	algor = d2i_X509_ALGOR(NULL, &p, end - p);
	if (algor == NULL)
		goto out;
	os = d2i_ASN1_OCTET_STRING(NULL, &p, end - p);
	if (os == NULL || p != end)
		goto out;
	X509_ALGOR_get0(&oid, &ptype, NULL, algor);
	nid = OBJ_obj2nid(oid);
	if (ptype != V_ASN1_UNDEF ||
	    (nid != NID_id_aes128_wrap_pad && nid != NID_id_aes256_wrap_pad)) {
		err = PKI_E_ALG;
		goto out;
	}
	out->alg = nid == NID_id_aes256_wrap_pad ? PKI_WRAP_AES256_PAD : PKI_WRAP_AES128_PAD;
	if ((size_t)ASN1_STRING_length(os) > sizeof(out->wrapped)) {
		err = PKI_E_TOO_LARGE;
		goto out;
	}
	out->wrapped_len = (size_t)ASN1_STRING_length(os);
	memcpy(out->wrapped, ASN1_STRING_get0_data(os), out->wrapped_len);
	/* BER that OpenSSL tolerates (long-form lengths, say) re-encodes differently. */
	if (contin_der(out->alg, out->wrapped, out->wrapped_len, again, sizeof(again), &againlen) !=
		PKI_OK ||
	    againlen != len || memcmp(again, der, len) != 0)
		goto out;
	err = PKI_OK;
out:
	if (err != PKI_OK)
		memset(out, 0, sizeof(*out));
	X509_ALGOR_free(algor);
	ASN1_OCTET_STRING_free(os);
	return err;
}

enum pki_err pki_contin_get(const X509 *cert, struct pki_contin *out, int *critical)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(PKI_OID_WRAPPED_APEX_CONTIN_KEY, 1);
	X509_EXTENSION *ext;
	const ASN1_OCTET_STRING *v;
	int i;

	memset(out, 0, sizeof(*out));
	if (obj == NULL)
		return PKI_E_NOMEM;
	i = X509_get_ext_by_OBJ(cert, obj, -1);
	if (i >= 0 && X509_get_ext_by_OBJ(cert, obj, i) >= 0) {
		ASN1_OBJECT_free(obj);
		return PKI_E_PARSE;
	}
	ASN1_OBJECT_free(obj);
	if (i < 0)
		return PKI_E_NO_CONTIN;
	ext = X509_get_ext(cert, i);
	if (critical != NULL)
		*critical = X509_EXTENSION_get_critical(ext);
	v = X509_EXTENSION_get_data(ext);
	return pki_contin_decode(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), out);
}

enum pki_err pki_contin_add(X509 *cert, enum pki_wrap_alg alg, const uint8_t *kek, size_t keklen,
			    const uint8_t *spki, size_t spkilen)
{
	uint8_t der[PKI_CONTIN_DER_MAX];
	size_t derlen;
	ASN1_OBJECT *obj = NULL;
	ASN1_OCTET_STRING *os = NULL;
	X509_EXTENSION *ext = NULL;
	enum pki_err err;

	err = pki_contin_encode(alg, kek, keklen, spki, spkilen, der, sizeof(der), &derlen);
	if (err != PKI_OK)
		return err;
	err = PKI_E_CRYPTO;
	obj = OBJ_txt2obj(PKI_OID_WRAPPED_APEX_CONTIN_KEY, 1);
	os = ASN1_OCTET_STRING_new();
	if (obj == NULL || os == NULL || ASN1_OCTET_STRING_set(os, der, (int)derlen) != 1)
		goto out;
	ext = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	if (ext == NULL || X509_add_ext(cert, ext, -1) != 1)
		goto out;
	err = PKI_OK;
out:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return err;
}

enum pki_err pki_contin_unwrap(const X509 *root, const uint8_t *kek, size_t keklen, uint8_t *spki,
			       size_t max, size_t *spkilen)
{
	struct pki_contin c;
	enum pki_err err;

	*spkilen = 0;
	err = pki_contin_get(root, &c, NULL);
	if (err != PKI_OK)
		return err;
	if (keklen != pki_wrap_alg_keylen(c.alg))
		return PKI_E_ALG;
	return pki_unwrap_pad(kek, keklen, c.wrapped, c.wrapped_len, spki, max, spkilen);
}

enum pki_err pki_contin_verify(const X509 *root, const uint8_t *kek, size_t keklen,
			       EVP_PKEY *contin_key)
{
	uint8_t spki[PKI_CONTIN_WRAPPED_MAX];
	size_t len;
	enum pki_err err;

	err = pki_contin_unwrap(root, kek, keklen, spki, sizeof(spki), &len);
	if (err != PKI_OK)
		return err;
	return pki_key_matches(contin_key, spki, len);
}

enum pki_err pki_contin_check_replacement(const X509 *old_root, const uint8_t *kek, size_t keklen,
					  X509 *new_root)
{
	uint8_t spki[PKI_CONTIN_WRAPPED_MAX];
	size_t len;
	EVP_PKEY *contin = NULL;
	struct pki_contin fresh;
	enum pki_err err;

	err = pki_contin_unwrap(old_root, kek, keklen, spki, sizeof(spki), &len);
	if (err == PKI_OK)
		err = pki_pubkey_from_spki(spki, len, &contin);
	if (err != PKI_OK)
		return err;
	err = X509_verify(new_root, contin) == 1 ? PKI_OK : PKI_E_SIGNATURE;
	EVP_PKEY_free(contin);
	if (err == PKI_OK)
		err = pki_contin_get(new_root, &fresh, NULL);
	return err;
}
