#include "ceremony/pki/csr.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/pki/ext.h"
#include "ceremony/pki/key.h"

static enum pki_err push_ext(STACK_OF(X509_EXTENSION) * exts, int nid, void *value)
{
	X509_EXTENSION *e = X509V3_EXT_i2d(nid, 1, value);

	if (e == NULL)
		return PKI_E_CRYPTO;
	if (sk_X509_EXTENSION_push(exts, e) == 0) {
		X509_EXTENSION_free(e);
		return PKI_E_NOMEM;
	}
	return PKI_OK;
}

/* The extensions a request asks for, both critical as they will be in the certificate. */
static enum pki_err request_extensions(X509_REQ *req, int ca, unsigned ku_bits)
{
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	ASN1_BIT_STRING *ku = pki_ku_new(ku_bits);
	enum pki_err err = PKI_E_NOMEM;

	if (exts == NULL || bc == NULL || ku == NULL)
		goto out;
	bc->ca = 0xFF;
	err = ca ? push_ext(exts, NID_basic_constraints, bc) : PKI_OK;
	if (err == PKI_OK)
		err = push_ext(exts, NID_key_usage, ku);
	if (err == PKI_OK && X509_REQ_add_extensions(req, exts) != 1)
		err = PKI_E_CRYPTO;
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	return err;
}

enum pki_err pki_csr_build(EVP_PKEY *key, enum pki_profile profile, const struct pki_csr_params *p,
			   X509_REQ **out, struct pki_lint *lint)
{
	const struct pki_profile_def *def = pki_profile_get(profile);
	struct pki_lint local, *r = lint != NULL ? lint : &local;
	struct pki_lint_ctx ctx = {.profile = profile,
				   .flags = p->rehearsal ? 0 : PKI_LINT_PRODUCTION};
	X509_REQ *req = NULL, *parsed = NULL;
	X509_NAME *name = NULL;
	const EVP_MD *md;
	enum pki_err err;

	*out = NULL;
	pki_lint_init(r);
	if (def == NULL || def->kind != PKI_KIND_CSR || p->subject == NULL ||
	    (def->entity_id != 0) != (p->entity_id != NULL))
		return PKI_E_ARG;
	err = pki_key_digest(key, &md);
	if (err == PKI_OK)
		err = pki_name_parse(p->subject, &name);
	if (err == PKI_OK && p->entity_id != NULL)
		err = pki_name_add_entity_id(name, p->entity_id);
	if (err == PKI_OK && p->rehearsal)
		err = pki_name_mark_rehearsal(name);
	if (err != PKI_OK)
		goto out;
	err = PKI_E_NOMEM;
	req = X509_REQ_new();
	if (req == NULL)
		goto out;
	err = PKI_E_CRYPTO;
	if (X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_REQ_set_subject_name(req, name) != 1 || X509_REQ_set_pubkey(req, key) != 1)
		goto out;
	err = request_extensions(req, def->role != PKI_ROLE_RECOVERY,
				 def->role == PKI_ROLE_RECOVERY
				     ? PKI_KU_DIGITAL_SIGNATURE
				     : PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN);
	if (err != PKI_OK)
		goto out;
	err = PKI_E_CRYPTO;
	if (X509_REQ_sign(req, key, md) <= 0)
		goto out;
	/* X509_REQ_dup encodes and decodes: the lint reads the DER the CA will. */
	parsed = X509_REQ_dup(req);
	if (parsed == NULL)
		goto out;
	pki_lint_csr(parsed, &ctx, r);
	err = PKI_E_LINT;
	if (!pki_lint_passed(r))
		goto out;
	*out = parsed;
	parsed = NULL;
	err = PKI_OK;
out:
	X509_REQ_free(parsed);
	X509_REQ_free(req);
	X509_NAME_free(name);
	ERR_clear_error();
	return err;
}

enum pki_err pki_csr_smki_recovery(EVP_PKEY *key, const uint8_t entity_id[PKI_ENTITY_ID_LEN],
				   const char *subject, int rehearsal, X509_REQ **out,
				   struct pki_lint *lint)
{
	struct pki_csr_params p = {
	    .subject = subject, .entity_id = entity_id, .rehearsal = rehearsal};

	return pki_csr_build(key, PKI_PROFILE_SMKI_RECOVERY_CSR, &p, out, lint);
}
