#include "ceremony/pki/parse.h"

#include <string.h>

#include <openssl/pem.h>

static const char pem_begin[] = "-----BEGIN ";

const char *pki_obj_type_name(enum pki_obj_type type)
{
	switch (type) {
	case PKI_OBJ_CERT:
		return "certificate";
	case PKI_OBJ_CSR:
		return "certificate request";
	case PKI_OBJ_CRL:
		return "CRL";
	case PKI_OBJ_NONE:
		break;
	}
	return "nothing";
}

void pki_obj_free(struct pki_obj *obj)
{
	X509_free(obj->cert);
	X509_REQ_free(obj->csr);
	X509_CRL_free(obj->crl);
	OPENSSL_free(obj->der);
	memset(obj, 0, sizeof(*obj));
}

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* One PEM block covering all of in[len] but trailing whitespace: its label and DER. */
static enum pki_err pem_block(const uint8_t *in, size_t len, char **label, uint8_t **der,
			      size_t *derlen)
{
	BIO *bio;
	char *header = NULL;
	unsigned char *data = NULL;
	long n = 0;
	char *rest;
	long restlen;
	enum pki_err err = PKI_E_PARSE;

	*label = NULL;
	*der = NULL;
	*derlen = 0;
	bio = BIO_new_mem_buf(in, (int)len);
	if (bio == NULL)
		return PKI_E_NOMEM;
	if (PEM_read_bio(bio, label, &header, &data, &n) != 1 || n <= 0 || header[0] != '\0')
		goto out;
	err = PKI_E_TRAILING;
	restlen = BIO_get_mem_data(bio, &rest);
	for (long i = 0; i < restlen; i++)
		if (!is_space((uint8_t)rest[i]))
			goto out;
	*der = data;
	*derlen = (size_t)n;
	data = NULL;
	err = PKI_OK;
out:
	if (err != PKI_OK) {
		OPENSSL_free(*label);
		*label = NULL;
	}
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return err;
}

/* DER nesting deeper than any certificate, CSR or CRL has (about 10). */
#define DER_DEPTH_MAX 32

/* 1 when der[len] is a sequence of TLVs in DER's length rules, recursively inside constructed
 * ones: definite lengths in their shortest form. OpenSSL's decoder also takes BER (indefinite
 * and padded lengths), under which one certificate has many encodings and so many fingerprints;
 * people compare fingerprints, so only DER is taken. */
static int der_lengths(const uint8_t *der, size_t len, unsigned depth)
{
	size_t at = 0;

	if (depth > DER_DEPTH_MAX)
		return 0;
	while (at < len) {
		uint8_t tag = der[at++];
		size_t n = 0;

		if ((tag & 0x1f) == 0x1f) /* high tag numbers: not in these structures */
			return 0;
		if (at == len)
			return 0;
		if (der[at] < 0x80) {
			n = der[at++];
		} else {
			size_t k = der[at++] & 0x7fu;

			/* k 0 is the indefinite form; 4 bytes are far above PKI_INPUT_MAX */
			if (k == 0 || k > 4 || k > len - at || der[at] == 0)
				return 0;
			while (k--)
				n = n << 8 | der[at++];
			if (n < 0x80)
				return 0;
		}
		if (n > len - at)
			return 0;
		if ((tag & 0x20) && !der_lengths(der + at, n, depth + 1))
			return 0;
		at += n;
	}
	return 1;
}

/* DER of one object of type want (PKI_OBJ_NONE: any) covering exactly der[len]. */
static enum pki_err der_object(const uint8_t *der, size_t len, enum pki_obj_type want,
			       struct pki_obj *out)
{
	const unsigned char *p;

	if (want == PKI_OBJ_NONE || want == PKI_OBJ_CERT) {
		p = der;
		out->cert = d2i_X509(NULL, &p, (long)len);
		if (out->cert != NULL) {
			out->type = PKI_OBJ_CERT;
			return p == der + len ? PKI_OK : PKI_E_TRAILING;
		}
	}
	if (want == PKI_OBJ_NONE || want == PKI_OBJ_CRL) {
		p = der;
		out->crl = d2i_X509_CRL(NULL, &p, (long)len);
		if (out->crl != NULL) {
			out->type = PKI_OBJ_CRL;
			return p == der + len ? PKI_OK : PKI_E_TRAILING;
		}
	}
	if (want == PKI_OBJ_NONE || want == PKI_OBJ_CSR) {
		p = der;
		out->csr = d2i_X509_REQ(NULL, &p, (long)len);
		if (out->csr != NULL) {
			out->type = PKI_OBJ_CSR;
			return p == der + len ? PKI_OK : PKI_E_TRAILING;
		}
	}
	return PKI_E_PARSE;
}

static enum pki_obj_type label_type(const char *label)
{
	if (strcmp(label, "CERTIFICATE") == 0)
		return PKI_OBJ_CERT;
	if (strcmp(label, "CERTIFICATE REQUEST") == 0 ||
	    strcmp(label, "NEW CERTIFICATE REQUEST") == 0)
		return PKI_OBJ_CSR;
	if (strcmp(label, "X509 CRL") == 0)
		return PKI_OBJ_CRL;
	return PKI_OBJ_NONE;
}

static int is_pem(const uint8_t *in, size_t len)
{
	return len >= sizeof(pem_begin) - 1 && memcmp(in, pem_begin, sizeof(pem_begin) - 1) == 0;
}

enum pki_err pki_parse(const uint8_t *in, size_t len, struct pki_obj *out)
{
	char *label = NULL;
	uint8_t *der = NULL;
	size_t derlen = 0;
	enum pki_obj_type type = PKI_OBJ_NONE;
	enum pki_err err;

	memset(out, 0, sizeof(*out));
	if (len > PKI_INPUT_MAX)
		return PKI_E_TOO_LARGE;
	if (len == 0)
		return PKI_E_PARSE;
	if (is_pem(in, len)) {
		err = pem_block(in, len, &label, &der, &derlen);
		if (err != PKI_OK)
			return err;
		type = label_type(label);
		OPENSSL_free(label);
		if (type == PKI_OBJ_NONE) {
			OPENSSL_free(der);
			return PKI_E_TYPE;
		}
	} else {
		der = OPENSSL_memdup(in, len);
		if (der == NULL)
			return PKI_E_NOMEM;
		derlen = len;
	}
	err = der_object(der, derlen, type, out);
	if (err == PKI_OK && !der_lengths(der, derlen, 0))
		err = PKI_E_PARSE;
	out->der = der;
	out->der_len = derlen;
	if (err != PKI_OK)
		pki_obj_free(out);
	return err;
}

enum pki_err pki_parse_as(const uint8_t *in, size_t len, enum pki_obj_type want,
			  struct pki_obj *out)
{
	enum pki_err err = pki_parse(in, len, out);

	if (err == PKI_OK && out->type != want) {
		pki_obj_free(out);
		err = PKI_E_TYPE;
	}
	return err;
}

static enum pki_err obj_der(struct pki_obj *obj, int n)
{
	if (n <= 0) {
		pki_obj_free(obj);
		return PKI_E_CRYPTO;
	}
	obj->der_len = (size_t)n;
	return PKI_OK;
}

enum pki_err pki_obj_from_cert(X509 *cert, struct pki_obj *obj)
{
	memset(obj, 0, sizeof(*obj));
	obj->type = PKI_OBJ_CERT;
	obj->cert = cert;
	return obj_der(obj, i2d_X509(cert, &obj->der));
}

enum pki_err pki_obj_from_csr(X509_REQ *csr, struct pki_obj *obj)
{
	memset(obj, 0, sizeof(*obj));
	obj->type = PKI_OBJ_CSR;
	obj->csr = csr;
	return obj_der(obj, i2d_X509_REQ(csr, &obj->der));
}

enum pki_err pki_obj_from_crl(X509_CRL *crl, struct pki_obj *obj)
{
	memset(obj, 0, sizeof(*obj));
	obj->type = PKI_OBJ_CRL;
	obj->crl = crl;
	return obj_der(obj, i2d_X509_CRL(crl, &obj->der));
}

enum pki_err pki_obj_fingerprint(const struct pki_obj *obj, uint8_t fpr[PKI_SHA256_LEN])
{
	if (obj->der == NULL)
		return PKI_E_ARG;
	return pki_sha256(obj->der, obj->der_len, fpr);
}

enum pki_err pki_obj_pem(const struct pki_obj *obj, char **pem, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int ok = 0;

	*pem = NULL;
	*len = 0;
	if (bio == NULL)
		return PKI_E_NOMEM;
	switch (obj->type) {
	case PKI_OBJ_CERT:
		ok = PEM_write_bio_X509(bio, obj->cert);
		break;
	case PKI_OBJ_CSR:
		ok = PEM_write_bio_X509_REQ(bio, obj->csr);
		break;
	case PKI_OBJ_CRL:
		ok = PEM_write_bio_X509_CRL(bio, obj->crl);
		break;
	case PKI_OBJ_NONE:
		break;
	}
	n = BIO_get_mem_data(bio, &data);
	if (ok == 1 && n > 0) {
		*pem = OPENSSL_malloc((size_t)n + 1);
		if (*pem != NULL) {
			memcpy(*pem, data, (size_t)n);
			(*pem)[n] = '\0';
			*len = (size_t)n;
		}
	}
	BIO_free(bio);
	if (*pem == NULL)
		return ok == 1 ? PKI_E_NOMEM : PKI_E_ARG;
	return PKI_OK;
}

enum pki_err pki_parse_pubkey(const uint8_t *in, size_t len, EVP_PKEY **out)
{
	char *label = NULL;
	uint8_t *der = NULL;
	size_t derlen = 0;
	enum pki_err err;

	*out = NULL;
	if (len > PKI_INPUT_MAX)
		return PKI_E_TOO_LARGE;
	if (!is_pem(in, len))
		return pki_pubkey_from_spki(in, len, out);
	err = pem_block(in, len, &label, &der, &derlen);
	if (err != PKI_OK)
		return err;
	err = strcmp(label, "PUBLIC KEY") == 0 ? pki_pubkey_from_spki(der, derlen, out)
					       : PKI_E_TYPE;
	OPENSSL_free(label);
	OPENSSL_free(der);
	return err;
}
