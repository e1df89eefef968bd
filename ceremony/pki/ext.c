#include "ceremony/pki/ext.h"

#include <string.h>

#include <openssl/x509v3.h>

#include "ceremony/pki/profile.h"

enum pki_err pki_ski_compute(const X509_PUBKEY *pub, int method, uint8_t out[PKI_SKI_MAX],
			     size_t *len)
{
	const unsigned char *bits;
	int bitslen;
	uint8_t sha1[20];

	*len = 0;
	if ((method != 1 && method != 2) ||
	    X509_PUBKEY_get0_param(NULL, &bits, &bitslen, NULL, pub) != 1 || bitslen <= 0)
		return PKI_E_ARG;
	if (EVP_Digest(bits, (size_t)bitslen, sha1, NULL, EVP_sha1(), NULL) != 1)
		return PKI_E_CRYPTO;
	if (method == 1) {
		memcpy(out, sha1, 20);
		*len = 20;
	} else {
		memcpy(out, sha1 + 12, 8);
		out[0] = (uint8_t)(0x40 | (out[0] & 0x0F));
		*len = 8;
	}
	return PKI_OK;
}

enum pki_err pki_policy_oid(const char *text, ASN1_OBJECT **out)
{
	size_t len = strnlen(text, PKI_POLICY_OID_MAX + 1), arcs = 1;

	*out = NULL;
	if (len == 0 || len > PKI_POLICY_OID_MAX || text[0] < '0' || text[0] > '2' ||
	    text[1] != '.')
		return PKI_E_OID;
	for (size_t i = 0; i < len; i++) {
		int start = i == 0 || text[i - 1] == '.';

		if (text[i] == '.') {
			if (start || i + 1 == len)
				return PKI_E_OID;
			arcs++;
		} else if (text[i] < '0' || text[i] > '9' ||
			   (start && text[i] == '0' && i + 1 < len && text[i + 1] != '.')) {
			return PKI_E_OID;
		}
	}
	/* Under arcs 0 and 1 the second arc is below 40 (X.660). */
	if (arcs < 2 ||
	    (text[0] != '2' && (strspn(text + 2, "0123456789") > 2 ||
				(strspn(text + 2, "0123456789") == 2 && text[2] >= '4'))))
		return PKI_E_OID;
	*out = OBJ_txt2obj(text, 1);
	return *out != NULL ? PKI_OK : PKI_E_OID;
}

static enum pki_err add_ext(X509 *x, int nid, void *value, int critical)
{
	return X509_add1_ext_i2d(x, nid, value, critical, X509V3_ADD_APPEND) == 1 ? PKI_OK
										  : PKI_E_CRYPTO;
}

enum pki_err pki_ext_add_bc(X509 *x, int path_len)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	enum pki_err err = PKI_E_NOMEM;

	if (bc == NULL)
		return err;
	bc->ca = 0xFF;
	if (path_len >= 0) {
		bc->pathlen = ASN1_INTEGER_new();
		if (bc->pathlen == NULL || ASN1_INTEGER_set(bc->pathlen, path_len) != 1)
			goto out;
	}
	err = add_ext(x, NID_basic_constraints, bc, 1);
out:
	BASIC_CONSTRAINTS_free(bc);
	return err;
}

ASN1_BIT_STRING *pki_ku_new(unsigned ku_bits)
{
	/* PKI_KU_* follow OpenSSL's layout: bit n of the BIT STRING is 0x80 >> n of octet 0. */
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();

	for (int n = 0; ku != NULL && n < 8; n++)
		if ((ku_bits & (0x80u >> n)) != 0 && ASN1_BIT_STRING_set_bit(ku, n, 1) != 1) {
			ASN1_BIT_STRING_free(ku);
			ku = NULL;
		}
	return ku;
}

enum pki_err pki_ext_add_ku(X509 *x, unsigned ku_bits)
{
	ASN1_BIT_STRING *ku = pki_ku_new(ku_bits);
	enum pki_err err = PKI_E_NOMEM;

	if (ku != NULL)
		err = add_ext(x, NID_key_usage, ku, 1);
	ASN1_BIT_STRING_free(ku);
	return err;
}

unsigned pki_ku_bits(const ASN1_BIT_STRING *ku)
{
	const unsigned char *d = ASN1_STRING_get0_data(ku);
	int len = ASN1_STRING_length(ku);
	unsigned bits = 0;

	if (len > 0)
		bits = d[0];
	if (len > 1)
		bits |= (unsigned)d[1] << 8;
	return bits;
}

enum pki_err pki_ext_add_policies(X509 *x, const char *const *oids, size_t n, int critical)
{
	CERTIFICATEPOLICIES *cp = sk_POLICYINFO_new_null();
	enum pki_err err = PKI_E_NOMEM;

	if (cp == NULL)
		return err;
	for (size_t i = 0; i < n; i++) {
		POLICYINFO *pi = POLICYINFO_new();

		if (pi == NULL)
			goto out;
		if (sk_POLICYINFO_push(cp, pi) == 0) {
			POLICYINFO_free(pi);
			goto out;
		}
		ASN1_OBJECT_free(pi->policyid);
		pi->policyid = NULL;
		err = pki_policy_oid(oids[i], &pi->policyid);
		if (err != PKI_OK)
			goto out;
		for (size_t j = 0; j < i; j++)
			if (OBJ_cmp(sk_POLICYINFO_value(cp, (int)j)->policyid, pi->policyid) == 0) {
				err = PKI_E_OID;
				goto out;
			}
		err = PKI_E_NOMEM;
	}
	err = add_ext(x, NID_certificate_policies, cp, critical);
out:
	sk_POLICYINFO_pop_free(cp, POLICYINFO_free);
	return err;
}

static enum pki_err add_octets_ext(X509 *x, int nid, const uint8_t *v, size_t len)
{
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	enum pki_err err = PKI_E_NOMEM;

	if (os != NULL && ASN1_OCTET_STRING_set(os, v, (int)len) == 1)
		err = add_ext(x, nid, os, 0);
	ASN1_OCTET_STRING_free(os);
	return err;
}

enum pki_err pki_ext_add_ski(X509 *x, int method)
{
	uint8_t ski[PKI_SKI_MAX];
	size_t len;
	enum pki_err err = pki_ski_compute(X509_get_X509_PUBKEY(x), method, ski, &len);

	if (err != PKI_OK)
		return err;
	return add_octets_ext(x, NID_subject_key_identifier, ski, len);
}

enum pki_err pki_ext_add_aki(X509 *x, X509 *issuer)
{
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);
	AUTHORITY_KEYID *akid;
	enum pki_err err = PKI_E_NOMEM;

	if (ski == NULL)
		return PKI_E_ARG;
	akid = AUTHORITY_KEYID_new();
	if (akid == NULL)
		return err;
	akid->keyid = ASN1_OCTET_STRING_dup(ski);
	if (akid->keyid != NULL)
		err = add_ext(x, NID_authority_key_identifier, akid, 0);
	AUTHORITY_KEYID_free(akid);
	return err;
}

/* One subtree from "TYPE:value". */
static enum pki_err subtree(const char *spec, GENERAL_SUBTREE **out)
{
	static const struct {
		const char *prefix;
		int type;
	} forms[] = {
	    {"DNS:", GEN_DNS}, {"email:", GEN_EMAIL}, {"URI:", GEN_URI}, {"IP:", GEN_IPADD}};
	size_t len = strnlen(spec, PKI_NC_MAX + 8), f;
	const char *v = NULL;
	GENERAL_SUBTREE *st;

	*out = NULL;
	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
		if (strncmp(spec, forms[f].prefix, strlen(forms[f].prefix)) == 0) {
			v = spec + strlen(forms[f].prefix);
			break;
		}
	if (v == NULL || *v == '\0' || len - (size_t)(v - spec) > PKI_NC_MAX)
		return PKI_E_CONSTRAINT;
	for (const char *c = v; *c != '\0'; c++)
		if (*c <= 0x20 || *c >= 0x7F)
			return PKI_E_CONSTRAINT;
	st = GENERAL_SUBTREE_new();
	if (st == NULL)
		return PKI_E_NOMEM;
	if (forms[f].type == GEN_IPADD) {
		ASN1_OCTET_STRING *ip = a2i_IPADDRESS_NC(v);

		if (ip == NULL) {
			GENERAL_SUBTREE_free(st);
			return PKI_E_CONSTRAINT;
		}
		GENERAL_NAME_set0_value(st->base, GEN_IPADD, ip);
	} else {
		ASN1_IA5STRING *s = ASN1_IA5STRING_new();

		if (s == NULL || ASN1_STRING_set(s, v, (int)strlen(v)) != 1) {
			ASN1_IA5STRING_free(s);
			GENERAL_SUBTREE_free(st);
			return PKI_E_NOMEM;
		}
		GENERAL_NAME_set0_value(st->base, forms[f].type, s);
	}
	*out = st;
	return PKI_OK;
}

static enum pki_err subtrees(const char *const *specs, size_t n, STACK_OF(GENERAL_SUBTREE) * *out)
{
	*out = NULL;
	if (n == 0)
		return PKI_OK;
	*out = sk_GENERAL_SUBTREE_new_null();
	if (*out == NULL)
		return PKI_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		GENERAL_SUBTREE *st;
		enum pki_err err = subtree(specs[i], &st);

		if (err != PKI_OK)
			return err;
		if (sk_GENERAL_SUBTREE_push(*out, st) == 0) {
			GENERAL_SUBTREE_free(st);
			return PKI_E_NOMEM;
		}
	}
	return PKI_OK;
}

enum pki_err pki_ext_add_nc(X509 *x, const char *const *permitted, size_t npermitted,
			    const char *const *excluded, size_t nexcluded)
{
	NAME_CONSTRAINTS *nc;
	enum pki_err err;

	if (npermitted == 0 && nexcluded == 0)
		return PKI_OK;
	nc = NAME_CONSTRAINTS_new();
	if (nc == NULL)
		return PKI_E_NOMEM;
	err = subtrees(permitted, npermitted, &nc->permittedSubtrees);
	if (err == PKI_OK)
		err = subtrees(excluded, nexcluded, &nc->excludedSubtrees);
	if (err == PKI_OK)
		err = add_ext(x, NID_name_constraints, nc, 1);
	NAME_CONSTRAINTS_free(nc);
	return err;
}
