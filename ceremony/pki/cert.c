#include "ceremony/pki/cert.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "ceremony/pki/ext.h"
#include "ceremony/pki/key.h"
#include "ceremony/pki/profile.h"

/* 1950-01-01 and 10000-01-01: the range X.509 times can express. */
#define TIME_MIN (-631152000LL)
#define TIME_END 253402300800LL

/* What one issuance needs, whatever the profile. */
struct issue {
	enum pki_profile profile;
	EVP_PKEY *subject_key;
	X509_NAME *subject;
	X509 *issuer; /* NULL for a root */
	EVP_PKEY *signer;
	EVP_PKEY *lint_signer; /* the contingency key of a replacement Root, else NULL */
	const struct pki_cert_params *p;
	const struct pki_contin_params *c;
};

enum pki_err pki_validity_check(const struct pki_validity *v)
{
	if (v->not_before < TIME_MIN || v->not_after >= TIME_END || v->not_before >= v->not_after)
		return PKI_E_TIME;
	return PKI_OK;
}

enum pki_err pki_validity_days(int64_t not_before, uint32_t days, struct pki_validity *out)
{
	int64_t end = not_before + (int64_t)days * 86400;

	if (not_before < TIME_MIN || end >= TIME_END || days == 0)
		return PKI_E_TIME;
	out->not_before = not_before;
	out->not_after = end;
	return PKI_OK;
}

static enum pki_err set_serial(X509 *x, int rehearsal)
{
	uint8_t s[PKI_SERIAL_LEN];
	ASN1_INTEGER *serial;
	enum pki_err err = PKI_E_NOMEM;

	/* Positive, exactly 16 octets, and the first octet says whether this is a rehearsal. */
	do {
		if (RAND_bytes(s, sizeof(s)) != 1)
			return PKI_E_RANDOM;
		s[0] &= 0x7F;
	} while (!rehearsal && (s[0] == 0 || s[0] == PKI_REHEARSAL_SERIAL));
	if (rehearsal)
		s[0] = PKI_REHEARSAL_SERIAL;
	serial = ASN1_INTEGER_new();
	if (serial != NULL && ASN1_STRING_set(serial, s, sizeof(s)) == 1)
		err = X509_set_serialNumber(x, serial) == 1 ? PKI_OK : PKI_E_CRYPTO;
	ASN1_INTEGER_free(serial);
	return err;
}

static enum pki_err set_validity(X509 *x, const struct pki_validity *v)
{
	ASN1_TIME *nb, *na;
	enum pki_err err = PKI_E_CRYPTO;

	if (pki_validity_check(v) != PKI_OK)
		return PKI_E_TIME;
	nb = ASN1_TIME_set(NULL, (time_t)v->not_before);
	na = ASN1_TIME_set(NULL, (time_t)v->not_after);
	if (nb != NULL && na != NULL && X509_set1_notBefore(x, nb) == 1 &&
	    X509_set1_notAfter(x, na) == 1)
		err = PKI_OK;
	ASN1_TIME_free(nb);
	ASN1_TIME_free(na);
	return err;
}

static enum pki_err add_extensions(X509 *x, const struct issue *b,
				   const struct pki_profile_def *def)
{
	const struct pki_cert_params *p = b->p;
	enum pki_err err = PKI_OK;

	if (def->ca)
		err = pki_ext_add_bc(x, def->path_len == PKI_PATHLEN_ANY ? p->path_len
									 : def->path_len);
	if (err == PKI_OK)
		err = pki_ext_add_ku(x, def->smki ? def->ku_required
						  : PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN);
	if (err == PKI_OK && p->npolicies > 0)
		err = pki_ext_add_policies(x, p->policies, p->npolicies, def->policies_critical);
	if (err == PKI_OK)
		err = pki_ext_add_ski(x, def->ski_method);
	if (err == PKI_OK && b->issuer != NULL)
		err = pki_ext_add_aki(x, b->issuer);
	if (err == PKI_OK && !def->smki)
		err = pki_ext_add_nc(x, p->permitted, p->npermitted, p->excluded, p->nexcluded);
	if (err == PKI_OK && b->c != NULL)
		err = pki_contin_add(x, b->c->alg, b->c->symkey, b->c->symkey_len, b->c->spki,
				     b->c->spki_len);
	return err;
}

/* Builds, lints, signs, re-parses and lints again. */
static enum pki_err issue(const struct issue *b, X509 **out, struct pki_lint *lint)
{
	const struct pki_profile_def *def = pki_profile_get(b->profile);
	struct pki_lint_ctx ctx = {
	    .profile = b->profile,
	    .flags = PKI_LINT_UNSIGNED | (b->p->rehearsal ? 0 : PKI_LINT_PRODUCTION),
	    .issuer = b->issuer,
	    .signer = b->lint_signer,
	};
	X509 *x = NULL, *signed_x = NULL;
	const EVP_MD *md;
	enum pki_err err;

	if (b->p->npolicies > PKI_POLICIES_MAX || b->p->npermitted > PKI_CONSTRAINTS_MAX ||
	    b->p->nexcluded > PKI_CONSTRAINTS_MAX)
		return PKI_E_ARG;
	err = pki_key_digest(b->signer, &md);
	if (err != PKI_OK)
		return err;
	x = X509_new();
	if (x == NULL)
		return PKI_E_NOMEM;
	err = PKI_E_CRYPTO;
	if (X509_set_version(x, X509_VERSION_3) != 1 || X509_set_subject_name(x, b->subject) != 1 ||
	    X509_set_issuer_name(x, b->issuer != NULL ? X509_get_subject_name(b->issuer)
						      : b->subject) != 1 ||
	    X509_set_pubkey(x, b->subject_key) != 1)
		goto out;
	err = set_serial(x, b->p->rehearsal);
	if (err == PKI_OK)
		err = set_validity(x, &b->p->validity);
	if (err == PKI_OK)
		err = add_extensions(x, b, def);
	if (err != PKI_OK)
		goto out;

	pki_lint_cert(x, &ctx, lint);
	err = PKI_E_LINT;
	if (!pki_lint_passed(lint))
		goto out;
	err = PKI_E_CRYPTO;
	if (X509_sign(x, b->signer, md) <= 0)
		goto out;
	/* X509_dup encodes and decodes: the lint reads the DER a relying party will. */
	signed_x = X509_dup(x);
	if (signed_x == NULL)
		goto out;
	pki_lint_init(lint);
	ctx.flags &= ~PKI_LINT_UNSIGNED;
	pki_lint_cert(signed_x, &ctx, lint);
	err = PKI_E_LINT;
	if (!pki_lint_passed(lint))
		goto out;
	*out = signed_x;
	signed_x = NULL;
	err = PKI_OK;
out:
	X509_free(signed_x);
	X509_free(x);
	ERR_clear_error();
	return err;
}

enum pki_err pki_cert_spki(X509 *cert, uint8_t *out, size_t max, size_t *len)
{
	EVP_PKEY *pub = X509_get0_pubkey(cert);

	*len = 0;
	if (pub == NULL)
		return PKI_E_PARSE;
	return pki_key_spki(pub, out, max, len);
}

/* The issuer's key must be the one in its certificate before it signs anything. */
static enum pki_err check_issuer_key(EVP_PKEY *key, X509 *cert)
{
	uint8_t spki[PKI_SPKI_MAX];
	size_t len;
	enum pki_err err = pki_cert_spki(cert, spki, sizeof(spki), &len);

	return err == PKI_OK ? pki_key_matches(key, spki, len) : err;
}

/* The subject of an issued certificate: the script's, or the CSR's; marked in rehearsals. */
static enum pki_err subject_name(const struct pki_cert_params *p, X509_REQ *csr, X509_NAME **out)
{
	enum pki_err err;

	*out = NULL;
	if (p->subject != NULL) {
		err = pki_name_parse(p->subject, out);
		if (err != PKI_OK)
			return err;
	} else if (csr != NULL) {
		*out = X509_NAME_dup(X509_REQ_get_subject_name(csr));
		if (*out == NULL)
			return PKI_E_NOMEM;
	} else {
		return PKI_E_ARG;
	}
	err = p->rehearsal ? pki_name_mark_rehearsal(*out) : PKI_OK;
	if (err != PKI_OK) {
		X509_NAME_free(*out);
		*out = NULL;
	}
	return err;
}

static struct pki_lint *report(struct pki_lint *lint, struct pki_lint *local)
{
	struct pki_lint *r = lint != NULL ? lint : local;

	pki_lint_init(r);
	return r;
}

enum pki_err pki_cert_smki_root(EVP_PKEY *root_key, EVP_PKEY *signer,
				const struct pki_cert_params *p, const struct pki_contin_params *c,
				X509 **out, struct pki_lint *lint)
{
	struct pki_lint local, *r = report(lint, &local);
	uint8_t root_spki[PKI_SPKI_MAX];
	size_t root_spki_len;
	EVP_PKEY *contin = NULL;
	enum pki_alg alg;
	struct issue b = {
	    .profile = PKI_PROFILE_SMKI_ROOT,
	    .subject_key = root_key,
	    .signer = signer != NULL ? signer : root_key,
	    .lint_signer = signer,
	    .p = p,
	    .c = c,
	};
	enum pki_err err;

	*out = NULL;
	if (c == NULL || p->npermitted != 0 || p->nexcluded != 0)
		return PKI_E_ARG;
	/* The Contingency key is P-256 like the Root, and not the Root key itself. */
	err = pki_pubkey_from_spki(c->spki, c->spki_len, &contin);
	if (err != PKI_OK)
		return err;
	err = pki_key_alg(contin, &alg);
	EVP_PKEY_free(contin);
	if (err == PKI_OK && alg != PKI_ALG_EC_P256)
		err = PKI_E_ALG;
	if (err == PKI_OK)
		err = pki_key_spki(root_key, root_spki, sizeof(root_spki), &root_spki_len);
	if (err == PKI_OK && root_spki_len == c->spki_len &&
	    memcmp(root_spki, c->spki, c->spki_len) == 0)
		err = PKI_E_ARG;
	if (err == PKI_OK)
		err = subject_name(p, NULL, &b.subject);
	if (err == PKI_OK)
		err = issue(&b, out, r);
	X509_NAME_free(b.subject);
	return err;
}

/* Issues for a CSR: checks the issuer key, lints the CSR, builds the subject, issues. */
static enum pki_err issue_for_csr(struct issue *b, enum pki_profile csr_profile, X509_REQ *csr,
				  X509 **out, struct pki_lint *r)
{
	struct pki_lint_ctx ctx = {
	    .profile = csr_profile,
	    .flags = (b->p->subject != NULL ? PKI_LINT_SUBJECT_OVERRIDE : 0) |
		     (b->p->rehearsal ? 0 : PKI_LINT_PRODUCTION),
	};
	enum pki_err err;

	*out = NULL;
	err = check_issuer_key(b->signer, b->issuer);
	if (err != PKI_OK)
		return err;
	pki_lint_csr(csr, &ctx, r);
	if (!pki_lint_passed(r))
		return PKI_E_LINT;
	pki_lint_init(r);
	b->subject_key = X509_REQ_get0_pubkey(csr);
	if (b->subject_key == NULL)
		return PKI_E_PARSE;
	err = subject_name(b->p, csr, &b->subject);
	if (err == PKI_OK)
		err = issue(b, out, r);
	X509_NAME_free(b->subject);
	b->subject = NULL;
	return err;
}

enum pki_err pki_cert_smki_issuing(EVP_PKEY *root_key, X509 *root, X509_REQ *csr,
				   const struct pki_cert_params *p, X509 **out,
				   struct pki_lint *lint)
{
	struct pki_lint local, *r = report(lint, &local);
	struct issue b = {
	    .profile = PKI_PROFILE_SMKI_ISSUING,
	    .issuer = root,
	    .signer = root_key,
	    .p = p,
	};

	*out = NULL;
	if (p->npermitted != 0 || p->nexcluded != 0)
		return PKI_E_ARG;
	return issue_for_csr(&b, PKI_PROFILE_SMKI_ISSUING_CSR, csr, out, r);
}

enum pki_err pki_cert_generic_root(EVP_PKEY *key, const struct pki_cert_params *p, X509 **out,
				   struct pki_lint *lint)
{
	struct pki_lint local, *r = report(lint, &local);
	struct issue b = {
	    .profile = PKI_PROFILE_GENERIC_ROOT,
	    .subject_key = key,
	    .signer = key,
	    .p = p,
	};
	enum pki_err err;

	*out = NULL;
	if (p->subject == NULL)
		return PKI_E_ARG;
	err = subject_name(p, NULL, &b.subject);
	if (err == PKI_OK)
		err = issue(&b, out, r);
	X509_NAME_free(b.subject);
	return err;
}

enum pki_err pki_cert_generic_sub(EVP_PKEY *issuer_key, X509 *issuer, X509_REQ *csr,
				  const struct pki_cert_params *p, X509 **out,
				  struct pki_lint *lint)
{
	struct pki_lint local, *r = report(lint, &local);
	struct issue b = {
	    .profile = PKI_PROFILE_GENERIC_SUB,
	    .issuer = issuer,
	    .signer = issuer_key,
	    .p = p,
	};

	return issue_for_csr(&b, PKI_PROFILE_GENERIC_CSR, csr, out, r);
}

enum pki_err pki_chain_verify(X509 *leaf, X509 *intermediate, X509 *root, int64_t now)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509_VERIFY_PARAM *param;
	enum pki_err err = PKI_E_NOMEM;

	if (store == NULL || ctx == NULL || untrusted == NULL)
		goto out;
	err = PKI_E_CRYPTO;
	if (X509_STORE_add_cert(store, root) != 1 ||
	    (intermediate != NULL && sk_X509_push(untrusted, intermediate) == 0) ||
	    X509_STORE_CTX_init(ctx, store, leaf, untrusted) != 1)
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
	X509_VERIFY_PARAM_set_time(param, (time_t)now);
	err = X509_verify_cert(ctx) == 1 ? PKI_OK : PKI_E_CHAIN;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	ERR_clear_error();
	return err;
}

enum pki_err pki_smki_recovery_import(EVP_PKEY *key, const uint8_t entity_id[PKI_ENTITY_ID_LEN],
				      X509 *cert, X509 *issuing, X509 *root, int64_t now,
				      struct pki_lint *lint)
{
	struct pki_lint local, *r = report(lint, &local);
	struct pki_lint_ctx leaf = {.profile = PKI_PROFILE_SMKI_RECOVERY, .issuer = issuing};
	struct pki_lint_ctx ca = {.profile = PKI_PROFILE_SMKI_ISSUING, .issuer = root};
	uint8_t spki[PKI_SPKI_MAX], id[PKI_ENTITY_ID_LEN];
	size_t len;
	enum pki_err err;

	err = pki_cert_spki(cert, spki, sizeof(spki), &len);
	if (err == PKI_OK)
		err = pki_key_matches(key, spki, len);
	if (err != PKI_OK)
		return err == PKI_E_PARSE ? err : PKI_E_KEY_MISMATCH;
	if (pki_name_entity_id(X509_get_subject_name(cert), id) != PKI_OK ||
	    memcmp(id, entity_id, sizeof(id)) != 0)
		return PKI_E_ENTITY_ID;
	pki_lint_cert(cert, &leaf, r);
	pki_lint_cert(issuing, &ca, r);
	if (!pki_lint_passed(r))
		return PKI_E_LINT;
	return pki_chain_verify(cert, issuing, root, now);
}
