/* Untrusted certificates, CSRs, CRLs, public keys and ApexContingencyKey values: import, lint
 * against every profile of the object's kind, and render names as inspect does.
 *
 * Signature verification is OpenSSL's public-key arithmetic, not parsing, and costs far more than
 * the rest of an input (an ECDSA P-384 verify per profile): only the first profile of the
 * object's kind checks signatures, the others lint with PKI_LINT_UNSIGNED. */
#include <openssl/err.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ceremony/pki/lint.h"
#include "ceremony/pki/name.h"
#include "ceremony/pki/parse.h"
#include "ceremony/pki/wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum pki_profile_kind kind_of(enum pki_obj_type t)
{
	return t == PKI_OBJ_CERT ? PKI_KIND_CERT : t == PKI_OBJ_CSR ? PKI_KIND_CSR : PKI_KIND_CRL;
}

static void lint_all(const struct pki_obj *obj)
{
	unsigned signed_done = 0;

	for (unsigned p = 0; p < PKI_PROFILE_COUNT; p++) {
		/* A certificate as its own issuer takes the issuer-dependent paths too. */
		struct pki_lint_ctx ctx = {.profile = (enum pki_profile)p,
					   .flags = PKI_LINT_PRODUCTION | PKI_LINT_UNSIGNED,
					   .issuer = obj->cert};
		struct pki_lint r;

		pki_lint_init(&r);
		if (pki_profile_get(ctx.profile)->kind != kind_of(obj->type)) {
			if (pki_lint_obj(obj, &ctx, &r) != PKI_ERR_TYPE)
				abort();
			continue;
		}
		if (!signed_done) {
			ctx.flags = PKI_LINT_PRODUCTION;
			signed_done = 1;
		}
		pki_lint_init(&r);
		if (pki_lint_obj(obj, &ctx, &r) == PKI_OK)
			(void)pki_lint_passed(&r);
		ctx.issuer = NULL;
		pki_lint_init(&r);
		(void)pki_lint_obj(obj, &ctx, &r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pki_obj obj;
	struct pki_contin c;
	char text[PKI_NAME_TEXT_MAX];
	uint8_t fpr[PKI_SHA256_LEN], id[PKI_ENTITY_ID_LEN];
	EVP_PKEY *key;

	if (pki_parse(data, size, &obj) == PKI_OK) {
		lint_all(&obj);
		(void)pki_obj_fingerprint(&obj, fpr);
		if (obj.cert != NULL) {
			(void)pki_name_text(X509_get_subject_name(obj.cert), text, sizeof(text));
			(void)pki_name_text(X509_get_issuer_name(obj.cert), text, sizeof(text));
			(void)pki_name_entity_id(X509_get_subject_name(obj.cert), id);
			(void)pki_contin_get(obj.cert, &c, NULL);
		} else if (obj.csr != NULL) {
			(void)pki_name_text(X509_REQ_get_subject_name(obj.csr), text, sizeof(text));
			(void)pki_name_entity_id(X509_REQ_get_subject_name(obj.csr), id);
		} else {
			(void)pki_name_text(X509_CRL_get_issuer(obj.crl), text, sizeof(text));
		}
		pki_obj_free(&obj);
	}
	(void)pki_contin_decode(data, size, &c);
	if (pki_parse_pubkey(data, size, &key) == PKI_OK)
		EVP_PKEY_free(key);
	/* The error queue's entries hold allocations until they are cleared; left in place they
	 * make every input look like a leak and cost a leak scan. */
	ERR_clear_error();
	return 0;
}
