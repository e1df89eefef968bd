/*
 * Shared fixtures for the PKI unit tests: an SMKI hierarchy built with the library, and
 * objects built directly with OpenSSL (a CSR of any shape, the Recovery certificate the DCC
 * would issue) so the library is checked against inputs it did not make.
 */
#ifndef TESTS_UNIT_PKI_TEST_H
#define TESTS_UNIT_PKI_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <string.h>

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "ceremony/pki/cert.h"
#include "ceremony/pki/crl.h"
#include "ceremony/pki/csr.h"
#include "ceremony/pki/key.h"
#include "ceremony/pki/lint.h"
#include "ceremony/pki/parse.h"
#include "ceremony/pki/wrap.h"

#define T_NOW	 1700000000LL /* 2023-11-14 */
#define T_POLICY "1.2.826.0.1.8641679.1.2.1.4"

static const char *const t_policies[] = {T_POLICY};
static const uint8_t t_entity_id[PKI_ENTITY_ID_LEN] = {0x90, 0xB3, 0xD5, 0x1F,
						       0x30, 0x01, 0x00, 0x00};

struct smki {
	EVP_PKEY *root, *contin, *issuing, *recovery;
	uint8_t *symkey;
	size_t symkey_len;
	uint8_t contin_spki[PKI_SPKI_MAX];
	size_t contin_spki_len;
	X509 *root_cert, *issuing_cert;
	X509_REQ *issuing_csr, *recovery_csr;
};

static inline int pki_test_setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	if (CRYPTO_secure_malloc_initialized() == 0 &&
	    CRYPTO_secure_malloc_init(256 * 1024, 32) == 0)
		return -1;
	return 0;
}

static inline struct pki_cert_params t_params(const char *subject, int rehearsal)
{
	struct pki_cert_params p = {.subject = subject,
				    .policies = t_policies,
				    .npolicies = 1,
				    .path_len = PKI_PATHLEN_ABSENT,
				    .rehearsal = rehearsal};

	assert_int_equal(pki_validity_days(T_NOW, 25 * 365, &p.validity), PKI_OK);
	return p;
}

static inline void assert_lint_ok(const struct pki_lint *r)
{
	for (size_t i = 0; i < r->count; i++)
		if (r->findings[i].severity == PKI_SEV_ERROR)
			print_message("finding %s: %s\n", r->findings[i].rule->id,
				      r->findings[i].detail);
	assert_true(pki_lint_passed(r));
}

/* The whole SMKI key-generation output plus an issued Issuing CA. */
static inline void smki_build(struct smki *s, int rehearsal, enum pki_wrap_alg alg)
{
	struct pki_cert_params root = t_params("OU=00,CN=ZA", rehearsal);
	struct pki_cert_params issuing = t_params(NULL, rehearsal);
	struct pki_csr_params csr = {.subject = "OU=07,CN=Z1", .rehearsal = rehearsal};
	struct pki_contin_params c;
	struct pki_lint r;

	memset(s, 0, sizeof(*s));
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &s->root), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &s->contin), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &s->issuing), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &s->recovery), PKI_OK);
	s->symkey_len = pki_wrap_alg_keylen(alg);
	assert_int_equal(pki_symkey_generate(s->symkey_len, &s->symkey), PKI_OK);
	assert_int_equal(
	    pki_key_spki(s->contin, s->contin_spki, sizeof(s->contin_spki), &s->contin_spki_len),
	    PKI_OK);
	c = (struct pki_contin_params){.spki = s->contin_spki,
				       .spki_len = s->contin_spki_len,
				       .symkey = s->symkey,
				       .symkey_len = pki_wrap_alg_keylen(alg),
				       .alg = alg};
	assert_int_equal(pki_cert_smki_root(s->root, NULL, &root, &c, &s->root_cert, &r), PKI_OK);
	assert_lint_ok(&r);
	assert_int_equal(
	    pki_csr_build(s->issuing, PKI_PROFILE_SMKI_ISSUING_CSR, &csr, &s->issuing_csr, &r),
	    PKI_OK);
	assert_int_equal(pki_cert_smki_issuing(s->root, s->root_cert, s->issuing_csr, &issuing,
					       &s->issuing_cert, &r),
			 PKI_OK);
	assert_lint_ok(&r);
	assert_int_equal(pki_csr_smki_recovery(s->recovery, t_entity_id, "OU=01,CN=Recovery",
					       rehearsal, &s->recovery_csr, &r),
			 PKI_OK);
}

static inline void smki_free(struct smki *s)
{
	EVP_PKEY_free(s->root);
	EVP_PKEY_free(s->contin);
	EVP_PKEY_free(s->issuing);
	EVP_PKEY_free(s->recovery);
	pki_secret_free(s->symkey, s->symkey_len);
	X509_free(s->root_cert);
	X509_free(s->issuing_cert);
	X509_REQ_free(s->issuing_csr);
	X509_REQ_free(s->recovery_csr);
}

/* A CSR built by OpenSSL alone: subject by OpenSSL's own parser ("/OU=07/CN=Z1"), optional
 * requested extension from OpenSSL's config syntax ("subjectAltName=DNS:x"). */
static inline X509_REQ *raw_csr(EVP_PKEY *key, const char *subject, const char *ext_name,
				const char *ext_value)
{
	X509_REQ *req = X509_REQ_new();
	X509_NAME *name = X509_NAME_new();
	const EVP_MD *md = NULL;

	assert_non_null(req);
	assert_non_null(name);
	assert_int_equal(pki_key_digest(key, &md), PKI_OK);
	for (const char *p = subject; *p == '/';) {
		char field[512], *eq;
		size_t n = strcspn(p + 1, "/");

		assert_true(n < sizeof(field));
		memcpy(field, p + 1, n);
		field[n] = '\0';
		eq = strchr(field, '=');
		assert_non_null(eq);
		*eq = '\0';
		assert_int_equal(X509_NAME_add_entry_by_txt(name, field, V_ASN1_UTF8STRING,
							    (unsigned char *)eq + 1, -1, -1, 0),
				 1);
		p += n + 1;
	}
	assert_int_equal(X509_REQ_set_version(req, X509_REQ_VERSION_1), 1);
	assert_int_equal(X509_REQ_set_subject_name(req, name), 1);
	assert_int_equal(X509_REQ_set_pubkey(req, key), 1);
	if (ext_name != NULL) {
		STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
		X509_EXTENSION *e = X509V3_EXT_conf(NULL, NULL, ext_name, ext_value);

		assert_non_null(e);
		sk_X509_EXTENSION_push(exts, e);
		assert_int_equal(X509_REQ_add_extensions(req, exts), 1);
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	}
	assert_true(X509_REQ_sign(req, key, md) > 0);
	X509_NAME_free(name);
	return req;
}

/* The Recovery certificate as the DCC's Issuing CA would issue it from the Recovery CSR, made
 * with OpenSSL's own extension code (RFC 5280 method 1 would not do: SMKI wants method 2, so
 * the SKI is computed here by hand). */
static inline X509 *recovery_cert(const struct smki *s, int64_t not_before)
{
	X509 *x = X509_new();
	X509V3_CTX ctx;
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
	unsigned char sha1[20], id[8];
	time_t start = (time_t)not_before;
	CONF *conf = NCONF_new(NULL);
	const unsigned char *bits;
	int bitslen;
	const char *exts[][2] = {
	    {"keyUsage", "critical,digitalSignature"},
	    {"certificatePolicies", "critical," T_POLICY},
	    {"authorityKeyIdentifier", "keyid:always"},
	};

	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(ASN1_INTEGER_set(serial, 0x1234567), 1);
	assert_int_equal(X509_set_serialNumber(x, serial), 1);
	assert_int_equal(X509_set_subject_name(x, X509_REQ_get_subject_name(s->recovery_csr)), 1);
	assert_int_equal(X509_set_issuer_name(x, X509_get_subject_name(s->issuing_cert)), 1);
	assert_non_null(X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &start));
	assert_non_null(X509_time_adj_ex(X509_getm_notAfter(x), 3650, 0, &start));
	assert_int_equal(X509_set_pubkey(x, X509_REQ_get0_pubkey(s->recovery_csr)), 1);
	assert_int_equal(
	    X509_PUBKEY_get0_param(NULL, &bits, &bitslen, NULL, X509_get_X509_PUBKEY(x)), 1);
	assert_int_equal(EVP_Digest(bits, (size_t)bitslen, sha1, NULL, EVP_sha1(), NULL), 1);
	memcpy(id, sha1 + 12, 8);
	id[0] = (unsigned char)(0x40 | (id[0] & 0x0F));
	assert_int_equal(ASN1_OCTET_STRING_set(ski, id, 8), 1);
	assert_int_equal(X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0, 0), 1);
	X509V3_set_ctx(&ctx, s->issuing_cert, x, NULL, NULL, 0);
	/* certificatePolicies is parsed as if from a config file: give it an empty one. */
	X509V3_set_nconf(&ctx, conf);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		X509_EXTENSION *e = X509V3_EXT_conf(NULL, &ctx, exts[i][0], exts[i][1]);

		assert_non_null(e);
		assert_int_equal(X509_add_ext(x, e, -1), 1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, s->issuing, EVP_sha256()) > 0);
	ASN1_INTEGER_free(serial);
	ASN1_OCTET_STRING_free(ski);
	NCONF_free(conf);
	return x;
}

/* DER round trip with one octet changed (offset from the end when negative). */
static inline X509_REQ *csr_with_flipped_octet(X509_REQ *req, long offset)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int n = i2d_X509_REQ(req, &der);
	X509_REQ *out;

	assert_true(n > 0);
	der[offset < 0 ? n + offset : offset] ^= 0x01;
	p = der;
	out = d2i_X509_REQ(NULL, &p, n);
	OPENSSL_free(der);
	return out;
}

#endif
