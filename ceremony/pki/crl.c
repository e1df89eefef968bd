#include "ceremony/pki/crl.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "ceremony/pki/cert.h"
#include "ceremony/pki/key.h"

static const struct {
	const char *name;
	int code;
} reasons[] = {
    {"none", PKI_CRL_REASON_NONE},
    {"keyCompromise", CRL_REASON_KEY_COMPROMISE},
    {"cACompromise", CRL_REASON_CA_COMPROMISE},
    {"affiliationChanged", CRL_REASON_AFFILIATION_CHANGED},
    {"superseded", CRL_REASON_SUPERSEDED},
    {"cessationOfOperation", CRL_REASON_CESSATION_OF_OPERATION},
    {"certificateHold", CRL_REASON_CERTIFICATE_HOLD},
    {"privilegeWithdrawn", CRL_REASON_PRIVILEGE_WITHDRAWN},
    {"aACompromise", CRL_REASON_AA_COMPROMISE},
};

enum pki_err pki_crl_reason_from_name(const char *name, int *reason)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(name, reasons[i].name) == 0) {
			*reason = reasons[i].code;
			return PKI_OK;
		}
	return PKI_E_ARG;
}

static int known_reason(int code)
{
	for (size_t i = 1; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return 1;
	return code == PKI_CRL_REASON_NONE;
}

static enum pki_err add_entry(X509_CRL *crl, const struct pki_revoked *e, int64_t this_update)
{
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_TIME *date = NULL;
	ASN1_ENUMERATED *reason = NULL;
	enum pki_err err = PKI_E_ARG;

	if (e->serial_len == 0 || e->serial_len + (e->serial[0] >> 7 != 0) > PKI_CRL_SERIAL_MAX ||
	    (e->serial[0] == 0 && e->serial_len > 1) || !known_reason(e->reason))
		goto out;
	err = PKI_E_TIME;
	if (e->date > this_update)
		goto out;
	err = PKI_E_NOMEM;
	date = ASN1_TIME_set(NULL, (time_t)e->date);
	if (rv == NULL || serial == NULL || date == NULL)
		goto out;
	err = PKI_E_CRYPTO;
	if (ASN1_STRING_set(serial, e->serial, (int)e->serial_len) != 1 ||
	    X509_REVOKED_set_serialNumber(rv, serial) != 1 ||
	    X509_REVOKED_set_revocationDate(rv, date) != 1)
		goto out;
	if (e->reason != PKI_CRL_REASON_NONE) {
		reason = ASN1_ENUMERATED_new();
		if (reason == NULL || ASN1_ENUMERATED_set(reason, e->reason) != 1 ||
		    X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, reason, 0, 0) != 1)
			goto out;
	}
	if (X509_CRL_add0_revoked(crl, rv) != 1)
		goto out;
	rv = NULL;
	err = PKI_OK;
out:
	X509_REVOKED_free(rv);
	ASN1_INTEGER_free(serial);
	ASN1_TIME_free(date);
	ASN1_ENUMERATED_free(reason);
	return err;
}

static enum pki_err set_dates(X509_CRL *crl, const struct pki_crl_params *p)
{
	ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)p->this_update);
	ASN1_TIME *n = ASN1_TIME_set(NULL, (time_t)p->next_update);
	enum pki_err err = PKI_E_CRYPTO;

	if (t != NULL && n != NULL && X509_CRL_set1_lastUpdate(crl, t) == 1 &&
	    X509_CRL_set1_nextUpdate(crl, n) == 1)
		err = PKI_OK;
	ASN1_TIME_free(t);
	ASN1_TIME_free(n);
	return err;
}

static enum pki_err add_crl_extensions(X509_CRL *crl, X509 *issuer, uint64_t number)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);
	AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	enum pki_err err = PKI_E_NOMEM;

	if (akid == NULL || num == NULL)
		goto out;
	err = PKI_E_ARG;
	if (ski == NULL)
		goto out;
	err = PKI_E_CRYPTO;
	akid->keyid = ASN1_OCTET_STRING_dup(ski);
	if (akid->keyid == NULL || ASN1_INTEGER_set_uint64(num, number) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, akid, 0, 0) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1)
		goto out;
	err = PKI_OK;
out:
	AUTHORITY_KEYID_free(akid);
	ASN1_INTEGER_free(num);
	return err;
}

enum pki_err pki_crl_sign(EVP_PKEY *key, X509 *issuer, enum pki_profile profile,
			  const struct pki_crl_params *p, X509_CRL **out, struct pki_lint *lint)
{
	const struct pki_profile_def *def = pki_profile_get(profile);
	struct pki_lint local, *r = lint != NULL ? lint : &local;
	struct pki_lint_ctx ctx = {
	    .profile = profile, .flags = p->rehearsal ? 0 : PKI_LINT_PRODUCTION, .issuer = issuer};
	struct pki_validity dates = {p->this_update, p->next_update};
	uint8_t spki[PKI_SPKI_MAX];
	size_t spki_len;
	X509_CRL *crl = NULL, *parsed = NULL;
	const EVP_MD *md;
	enum pki_err err;

	*out = NULL;
	pki_lint_init(r);
	if (def == NULL || def->kind != PKI_KIND_CRL || p->nrevoked > PKI_CRL_ENTRIES_MAX)
		return PKI_E_ARG;
	if (pki_validity_check(&dates) != PKI_OK)
		return PKI_E_TIME;
	err = pki_key_digest(key, &md);
	if (err == PKI_OK)
		err = pki_cert_spki(issuer, spki, sizeof(spki), &spki_len);
	if (err == PKI_OK)
		err = pki_key_matches(key, spki, spki_len);
	if (err != PKI_OK)
		return err;
	crl = X509_CRL_new();
	if (crl == NULL)
		return PKI_E_NOMEM;
	err = PKI_E_CRYPTO;
	if (X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)) != 1)
		goto out;
	err = set_dates(crl, p);
	for (size_t i = 0; err == PKI_OK && i < p->nrevoked; i++) {
		for (size_t j = 0; j < i; j++)
			if (p->revoked[i].serial_len == p->revoked[j].serial_len &&
			    memcmp(p->revoked[i].serial, p->revoked[j].serial,
				   p->revoked[i].serial_len) == 0)
				err = PKI_E_ARG;
		if (err == PKI_OK)
			err = add_entry(crl, &p->revoked[i], p->this_update);
	}
	if (err == PKI_OK)
		err = add_crl_extensions(crl, issuer, p->number);
	if (err != PKI_OK)
		goto out;
	err = PKI_E_CRYPTO;
	if (X509_CRL_sort(crl) != 1 || X509_CRL_sign(crl, key, md) <= 0)
		goto out;
	/* X509_CRL_dup encodes and decodes: the lint reads the DER a relying party will. */
	parsed = X509_CRL_dup(crl);
	if (parsed == NULL)
		goto out;
	pki_lint_crl(parsed, &ctx, r);
	err = PKI_E_LINT;
	if (!pki_lint_passed(r))
		goto out;
	*out = parsed;
	parsed = NULL;
	err = PKI_OK;
out:
	X509_CRL_free(parsed);
	X509_CRL_free(crl);
	ERR_clear_error();
	return err;
}
