#include "ceremony/pki/lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "ceremony/pki/ext.h"
#include "ceremony/pki/key.h"
#include "ceremony/pki/name.h"
#include "ceremony/pki/wrap.h"

enum rule_id {
	R_LINT_PROFILE,
	R_CERT_VERSION,
	R_CERT_SERIAL,
	R_CERT_VALIDITY,
	R_CERT_UNIQUE_ID,
	R_CERT_SIG_MATCH,
	R_CERT_SIGNATURE,
	R_CERT_ISSUER,
	R_CERT_NO_ISSUER,
	R_NAME_EMPTY,
	R_NAME_RDN,
	R_NAME_TYPE,
	R_NAME_STRING,
	R_NAME_LENGTH,
	R_NAME_SIZE,
	R_KEY_POINT,
	R_GEN_KEY,
	R_GEN_SIG_ALG,
	R_EXT_UNIQUE,
	R_EXT_ALLOWED,
	R_EXT_BC,
	R_EXT_KU,
	R_EXT_POLICIES,
	R_EXT_SKI,
	R_EXT_AKI,
	R_EXT_NC,
	R_SMKI_KEY,
	R_SMKI_SIG_ALG,
	R_SMKI_SERIAL,
	R_SMKI_OU,
	R_SMKI_ENTITY_ID,
	R_SMKI_CONTIN,
	R_SMKI_CONTIN_FORM,
	R_SMKI_CONTIN_ALG,
	R_SMKI_CONTIN_LEN,
	R_CSR_VERSION,
	R_CSR_SIGNATURE,
	R_CSR_ATTRIBUTES,
	R_CSR_EXT_ALLOWED,
	R_CRL_VERSION,
	R_CRL_SIG_MATCH,
	R_CRL_SIGNATURE,
	R_CRL_ISSUER,
	R_CRL_NO_ISSUER,
	R_CRL_DATES,
	R_CRL_NUMBER,
	R_CRL_ENTRIES,
	R_MARK_REHEARSAL,
	R_MARK_SERIAL,
	R_COUNT
};

static const struct pki_rule rules[R_COUNT] = {
    [R_LINT_PROFILE] = {"lint.profile", "the profile is one for this kind of object"},
    [R_CERT_VERSION] = {"cert.version", "the certificate is X.509 version 3"},
    [R_CERT_SERIAL] = {"cert.serial", "the serial number is positive and at most 20 octets"},
    [R_CERT_VALIDITY] = {"cert.validity",
			 "notBefore precedes notAfter, each UTCTime through 2049 and "
			 "GeneralizedTime from 2050, in seconds with Z"},
    [R_CERT_UNIQUE_ID] = {"cert.unique-id", "no issuerUniqueID or subjectUniqueID"},
    [R_CERT_SIG_MATCH] = {"cert.sig-match",
			  "signatureAlgorithm equals the signature field of tbsCertificate"},
    [R_CERT_SIGNATURE] = {"cert.signature",
			  "the signature verifies with the issuer's public key (a root's "
			  "own, or the given signer key)"},
    [R_CERT_ISSUER] = {"cert.issuer",
		       "the issuer name equals the issuing CA's subject (a root's own)"},
    [R_CERT_NO_ISSUER] = {"cert.no-issuer", "no issuing CA given: the signature, issuer name and "
					    "authorityKeyIdentifier were not checked against it"},
    [R_NAME_EMPTY] = {"name.empty", "the subject is not empty"},
    [R_NAME_RDN] = {"name.rdn", "each relative distinguished name holds one attribute"},
    [R_NAME_TYPE] = {"name.type", "subject attributes are of the types the profile allows"},
    [R_NAME_STRING] = {"name.string",
		       "attribute values are printable UTF8String or PrintableString (C and "
		       "serialNumber PrintableString), without control characters"},
    [R_NAME_LENGTH] = {"name.length",
		       "attribute values are within the RFC 5280 upper bounds (CN, O, OU, "
		       "serialNumber 64; L, ST 128; C exactly 2)"},
    [R_NAME_SIZE] = {"name.size", "the subject is at most 256 octets of DER"},
    [R_KEY_POINT] = {"key.point",
		     "EC public points are uncompressed (65 octets for P-256, 97 for P-384)"},
    [R_GEN_KEY] = {"gen.key", "the public key is P-256 or P-384 (named curve), RSA of 3072 or 4096 "
			      "bits, or Ed25519"},
    [R_GEN_SIG_ALG] = {"gen.sig-alg",
		       "the signature algorithm suits the signer's key: ecdsa-with-SHA256 "
		       "(P-256), ecdsa-with-SHA384 (P-384), sha256WithRSAEncryption (RSA), "
		       "Ed25519"},
    [R_EXT_UNIQUE] = {"ext.unique", "each extension appears at most once"},
    [R_EXT_ALLOWED] = {"ext.allowed", "only the extensions the profile allows"},
    [R_EXT_BC] = {"ext.bc", "basicConstraints present and critical, cA TRUE, pathLenConstraint as "
			    "the profile requires"},
    [R_EXT_KU] = {"ext.ku", "keyUsage present and critical, with the profile's bits only"},
    [R_EXT_POLICIES] = {"ext.policies",
			"certificatePolicies holds at least one policy, none twice (SMKI: "
			"present and critical)"},
    [R_EXT_SKI] = {"ext.ski",
		   "subjectKeyIdentifier present, non-critical, by the profile's RFC 5280 "
		   "4.2.1.2 method (SMKI: method 2, 8 octets; generic: method 1, 20 octets)"},
    [R_EXT_AKI] = {"ext.aki",
		   "authorityKeyIdentifier: non-critical, keyIdentifier only, equal to the "
		   "issuer's subjectKeyIdentifier; absent on the SMKI Root"},
    [R_EXT_NC] = {"ext.nc", "nameConstraints, when present, critical and not empty"},
    [R_SMKI_KEY] = {"smki.key", "the public key is ECDSA P-256: id-ecPublicKey with namedCurve "
				"prime256v1"},
    [R_SMKI_SIG_ALG] = {"smki.sig-alg", "signed with ecdsa-with-SHA256, parameters absent"},
    [R_SMKI_SERIAL] = {"smki.serial", "the serial number is 16 octets"},
    [R_SMKI_OU] = {"smki.ou",
		   "exactly one OU, the profile's role code as two upper-case hex digits "
		   "(root 00, recovery 01, issuing CA 07)"},
    [R_SMKI_ENTITY_ID] = {"smki.entity-id",
			  "exactly one x500UniqueIdentifier: a BIT STRING of 8 octets with "
			  "no unused bits"},
    [R_SMKI_CONTIN] = {"smki.contin",
		       "id-pe-wrappedApexContinKey (1.3.6.1.5.5.7.1.20) present once, "
		       "non-critical"},
    [R_SMKI_CONTIN_FORM] = {"smki.contin-form",
			    "the extension holds exactly one DER ApexContingencyKey: "
			    "SEQUENCE { AlgorithmIdentifier, OCTET STRING }"},
    [R_SMKI_CONTIN_ALG] = {"smki.contin-alg",
			   "wrapAlgorithm is id-aes128-wrap-pad or id-aes256-wrap-pad, "
			   "parameters absent"},
    [R_SMKI_CONTIN_LEN] = {"smki.contin-len", "the wrapped key is 104 octets: a 91-octet P-256 "
					      "SubjectPublicKeyInfo wrapped by RFC 5649"},
    [R_CSR_VERSION] = {"csr.version", "the request is version 1 (value 0)"},
    [R_CSR_SIGNATURE] = {"csr.signature",
			 "the request's signature verifies with its own public key"},
    [R_CSR_ATTRIBUTES] = {"csr.attributes", "the only attribute is a single extensionRequest"},
    [R_CSR_EXT_ALLOWED] = {"csr.ext-allowed",
			   "requested extensions are only those the profile allows (their "
			   "values are not copied)"},
    [R_CRL_VERSION] = {"crl.version", "the CRL is version 2"},
    [R_CRL_SIG_MATCH] = {"crl.sig-match",
			 "signatureAlgorithm equals the signature field of tbsCertList"},
    [R_CRL_SIGNATURE] = {"crl.signature",
			 "the CRL's signature verifies with the issuer's public key"},
    [R_CRL_ISSUER] = {"crl.issuer", "the CRL's issuer equals the issuing CA's subject"},
    [R_CRL_NO_ISSUER] = {"crl.no-issuer", "no issuing CA given: the signature, issuer name and "
					  "authorityKeyIdentifier were not checked against it"},
    [R_CRL_DATES] = {"crl.dates",
		     "thisUpdate and nextUpdate encoded as for certificates, nextUpdate "
		     "present and later; no revocation dated after thisUpdate"},
    [R_CRL_NUMBER] = {"crl.number",
		      "cRLNumber present, non-critical, non-negative, at most 20 octets"},
    [R_CRL_ENTRIES] = {"crl.entries",
		       "each serial revoked once, positive and at most 20 octets; the only "
		       "entry extension is a non-critical reasonCode other than "
		       "unspecified (0), 7 and removeFromCRL (8)"},
    [R_MARK_REHEARSAL] = {"mark.rehearsal",
			  "marked as a rehearsal object: a subject (CRL: issuer) CN "
			  "'REHEARSAL' or 'REHEARSAL ...'"},
    [R_MARK_SERIAL] = {"mark.serial",
		       "the serial's first octet is 0x52 exactly when the subject is marked "
		       "REHEARSAL (16-octet serials the appliance issues)"},
};

/* DER content octets of 1.3.6.1.5.5.7.1.20 (OpenSSL has no NID for it). */
static const uint8_t contin_oid[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x14};

#define REHEARSAL_SERIAL_OCTET 0x52
#define SUBJECT_DER_MAX	       256

size_t pki_lint_rules(const struct pki_rule **table)
{
	*table = rules;
	return R_COUNT;
}

void pki_lint_init(struct pki_lint *report)
{
	memset(report, 0, sizeof(*report));
}

int pki_lint_passed(const struct pki_lint *report)
{
	return report->errors == 0 && !report->truncated;
}

int pki_lint_has(const struct pki_lint *report, const char *rule_id)
{
	for (size_t i = 0; i < report->count; i++)
		if (strcmp(report->findings[i].rule->id, rule_id) == 0)
			return 1;
	return 0;
}

__attribute__((format(printf, 4, 5))) static void add(struct pki_lint *r, enum rule_id id,
						      enum pki_severity sev, const char *fmt, ...)
{
	struct pki_finding *f;
	va_list ap;

	if (sev == PKI_SEV_ERROR)
		r->errors++;
	if (r->count == PKI_LINT_MAX) {
		r->truncated = 1;
		return;
	}
	f = &r->findings[r->count++];
	f->rule = &rules[id];
	f->severity = sev;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	/* Details quote untrusted input: keep them printable. */
	for (char *c = f->detail; *c != '\0'; c++)
		if (*c < 0x20 || *c >= 0x7F)
			*c = '?';
}

#define fail(r, id, ...) add(r, id, PKI_SEV_ERROR, __VA_ARGS__)
#define note(r, id, ...) add(r, id, PKI_SEV_NOTICE, __VA_ARGS__)

static const char *obj_name(const ASN1_OBJECT *obj, char *buf, size_t len)
{
	int nid = OBJ_obj2nid(obj);

	if (nid != NID_undef)
		return OBJ_nid2sn(nid);
	if (OBJ_obj2txt(buf, (int)len, obj, 1) <= 0)
		snprintf(buf, len, "(unreadable OID)");
	return buf;
}

/* --- shared field checks ---------------------------------------------------------------- */

/* The INTEGER's content octets as encoded (the magnitude, plus a sign octet when its top bit
 * is set); 0 for zero or a negative value. */
static size_t positive_octets(const ASN1_INTEGER *v)
{
	const unsigned char *d = ASN1_STRING_get0_data(v);
	int len = ASN1_STRING_length(v), nonzero = 0;

	if (ASN1_STRING_type(v) != V_ASN1_INTEGER || len <= 0)
		return 0;
	for (int i = 0; i < len; i++)
		nonzero |= d[i];
	if (!nonzero)
		return 0;
	return (size_t)len + ((d[0] & 0x80) != 0);
}

static void check_time(struct pki_lint *r, enum rule_id id, const ASN1_TIME *t, const char *what)
{
	struct tm tm;
	int len = ASN1_STRING_length(t), want;
	const unsigned char *d = ASN1_STRING_get0_data(t);

	if (ASN1_TIME_check(t) != 1 || ASN1_TIME_to_tm(t, &tm) != 1) {
		fail(r, id, "%s is not a valid time", what);
		return;
	}
	want = tm.tm_year + 1900 < 2050 ? V_ASN1_UTCTIME : V_ASN1_GENERALIZEDTIME;
	if (ASN1_STRING_type(t) != want || len != (want == V_ASN1_UTCTIME ? 13 : 15) ||
	    d[len - 1] != 'Z')
		fail(r, id, "%s (year %d) is not encoded as RFC 5280 requires", what,
		     tm.tm_year + 1900);
}

static void check_subject(struct pki_lint *r, const struct pki_profile_def *def,
			  const X509_NAME *name, unsigned flags)
{
	int count = X509_NAME_entry_count(name), ous = 0, der = i2d_X509_NAME(name, NULL);
	char buf[80], ou[8];
	uint8_t id[PKI_ENTITY_ID_LEN];

	if (count == 0)
		fail(r, R_NAME_EMPTY, "empty subject");
	if (der > SUBJECT_DER_MAX)
		fail(r, R_NAME_SIZE, "%d octets", der);
	for (int i = 0; i < count; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), type = ASN1_STRING_type(v);
		const char *sn = obj_name(X509_NAME_ENTRY_get_object(e), buf, sizeof(buf));
		const uint8_t *s = ASN1_STRING_get0_data(v);
		size_t len = (size_t)ASN1_STRING_length(v), chars = 0;
		int allowed;

		if (i > 0 &&
		    X509_NAME_ENTRY_set(e) == X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1)))
			fail(r, R_NAME_RDN, "%s shares an RDN", sn);
		if (def->smki)
			allowed = nid == NID_organizationalUnitName || nid == NID_commonName ||
				  (def->entity_id && nid == NID_x500UniqueIdentifier);
		else
			allowed = pki_name_upper_bound(nid) != 0;
		if (!allowed)
			fail(r, R_NAME_TYPE, "%s", sn);
		if (nid == NID_x500UniqueIdentifier)
			continue;
		if (nid == NID_organizationalUnitName)
			ous++;
		if ((type != V_ASN1_UTF8STRING && type != V_ASN1_PRINTABLESTRING) ||
		    ((nid == NID_countryName || nid == NID_serialNumber) &&
		     type != V_ASN1_PRINTABLESTRING) ||
		    (type == V_ASN1_PRINTABLESTRING && !pki_printable_string(s, len)) ||
		    !pki_utf8_printable(s, len, &chars) || len == 0)
			fail(r, R_NAME_STRING, "%s: %s", sn, ASN1_tag2str(type));
		else if ((pki_name_upper_bound(nid) != 0 && chars > pki_name_upper_bound(nid)) ||
			 (nid == NID_countryName && chars != 2))
			fail(r, R_NAME_LENGTH, "%s: %zu characters", sn, chars);
	}
	if (def->role != PKI_ROLE_NONE) {
		char want[12];

		snprintf(want, sizeof(want), "%02X", (unsigned)def->role);
		if (ous != 1 || !pki_name_get(name, NID_organizationalUnitName, ou, sizeof(ou)) ||
		    strcmp(ou, want) != 0)
			fail(r, R_SMKI_OU, "expected OU=%s", want);
	}
	if (def->entity_id && pki_name_entity_id(name, id) != PKI_OK)
		fail(r, R_SMKI_ENTITY_ID, "missing or malformed");
	if (pki_name_is_rehearsal(name))
		add(r, R_MARK_REHEARSAL,
		    (flags & PKI_LINT_PRODUCTION) != 0 ? PKI_SEV_ERROR : PKI_SEV_NOTICE,
		    "REHEARSAL object");
}

static void key_desc(EVP_PKEY *k, const ASN1_OBJECT *alg, char *buf, size_t len)
{
	char name[64];
	size_t glen;

	if (k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	    EVP_PKEY_get_group_name(k, name, sizeof(name), &glen) == 1)
		snprintf(buf, len, "EC %s", name);
	else if (k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA)
		snprintf(buf, len, "RSA %d bits", EVP_PKEY_get_bits(k));
	else
		snprintf(buf, len, "%s%s", obj_name(alg, name, sizeof(name)),
			 k == NULL ? " (undecodable)" : "");
}

static void check_key(struct pki_lint *r, const struct pki_profile_def *def, X509_PUBKEY *pk)
{
	ASN1_OBJECT *alg = NULL;
	const unsigned char *bits = NULL;
	int bitslen = 0, ptype = V_ASN1_UNDEF, curve = NID_undef;
	X509_ALGOR *palg = NULL;
	const void *pval = NULL;
	EVP_PKEY *k;
	enum pki_alg a;
	char desc[96];

	if (pk == NULL || X509_PUBKEY_get0_param(&alg, &bits, &bitslen, &palg, pk) != 1) {
		fail(r, def->smki ? R_SMKI_KEY : R_GEN_KEY, "no readable public key");
		return;
	}
	k = X509_PUBKEY_get0(pk);
	key_desc(k, alg, desc, sizeof(desc));
	X509_ALGOR_get0(NULL, &ptype, &pval, palg);
	if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey && ptype == V_ASN1_OBJECT)
		curve = OBJ_obj2nid(pval);
	if (def->smki) {
		if (k == NULL || OBJ_obj2nid(alg) != NID_X9_62_id_ecPublicKey ||
		    curve != NID_X9_62_prime256v1)
			fail(r, R_SMKI_KEY, "found %s", desc);
	} else if (k == NULL || pki_key_alg(k, &a) != PKI_OK ||
		   (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey && curve == NID_undef)) {
		fail(r, R_GEN_KEY, "found %s", desc);
	}
	if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey &&
	    (curve == NID_X9_62_prime256v1 || curve == NID_secp384r1)) {
		int want = curve == NID_X9_62_prime256v1 ? 65 : 97;

		if (bitslen != want || bits[0] != 0x04)
			fail(r, R_KEY_POINT, "%d octets, first 0x%02X", bitslen,
			     bitslen > 0 ? bits[0] : 0);
	}
}

/* The signature algorithm a key of ours signs with. */
static int expected_sig_nid(EVP_PKEY *signer)
{
	enum pki_alg a;

	if (signer == NULL || pki_key_alg(signer, &a) != PKI_OK)
		return NID_undef;
	switch (a) {
	case PKI_ALG_EC_P256:
		return NID_ecdsa_with_SHA256;
	case PKI_ALG_EC_P384:
		return NID_ecdsa_with_SHA384;
	case PKI_ALG_RSA_3072:
	case PKI_ALG_RSA_4096:
		return NID_sha256WithRSAEncryption;
	case PKI_ALG_ED25519:
		return NID_ED25519;
	}
	return NID_undef;
}

static void check_sig_alg(struct pki_lint *r, const struct pki_profile_def *def,
			  const X509_ALGOR *alg, EVP_PKEY *signer)
{
	const ASN1_OBJECT *obj;
	int ptype, nid, want_params, known;
	char buf[80];

	X509_ALGOR_get0(&obj, &ptype, NULL, alg);
	nid = OBJ_obj2nid(obj);
	if (def->smki) {
		if (nid != NID_ecdsa_with_SHA256 || ptype != V_ASN1_UNDEF)
			fail(r, R_SMKI_SIG_ALG, "found %s%s", obj_name(obj, buf, sizeof(buf)),
			     ptype != V_ASN1_UNDEF ? " with parameters" : "");
		return;
	}
	known = nid == NID_ecdsa_with_SHA256 || nid == NID_ecdsa_with_SHA384 ||
		nid == NID_sha256WithRSAEncryption || nid == NID_ED25519;
	want_params = nid == NID_sha256WithRSAEncryption ? V_ASN1_NULL : V_ASN1_UNDEF;
	if (!known || ptype != want_params || (signer != NULL && expected_sig_nid(signer) != nid))
		fail(r, R_GEN_SIG_ALG, "found %s%s", obj_name(obj, buf, sizeof(buf)),
		     known && ptype != want_params ? " with wrong parameters" : "");
}

/* --- extensions ------------------------------------------------------------------------- */

static unsigned ext_bit(const ASN1_OBJECT *obj)
{
	switch (OBJ_obj2nid(obj)) {
	case NID_basic_constraints:
		return PKI_EXT_BC;
	case NID_key_usage:
		return PKI_EXT_KU;
	case NID_certificate_policies:
		return PKI_EXT_CP;
	case NID_subject_key_identifier:
		return PKI_EXT_SKI;
	case NID_authority_key_identifier:
		return PKI_EXT_AKI;
	case NID_name_constraints:
		return PKI_EXT_NC;
	case NID_crl_number:
		return PKI_EXT_CRL_NUMBER;
	default:
		break;
	}
	if ((size_t)OBJ_length(obj) == sizeof(contin_oid) &&
	    memcmp(OBJ_get0_data(obj), contin_oid, sizeof(contin_oid)) == 0)
		return PKI_EXT_CONTIN;
	return 0;
}

static void check_ext_list(struct pki_lint *r, const struct pki_profile_def *def,
			   const STACK_OF(X509_EXTENSION) * exts, enum rule_id not_allowed)
{
	int n = sk_X509_EXTENSION_num(exts);
	char buf[80];

	for (int i = 0; i < n; i++) {
		X509_EXTENSION *e = sk_X509_EXTENSION_value(exts, i);
		const ASN1_OBJECT *obj = X509_EXTENSION_get_object(e);

		for (int j = 0; j < i; j++)
			if (OBJ_cmp(obj, X509_EXTENSION_get_object(
					     sk_X509_EXTENSION_value(exts, j))) == 0) {
				fail(r, R_EXT_UNIQUE, "%s repeated",
				     obj_name(obj, buf, sizeof(buf)));
				break;
			}
		if ((ext_bit(obj) & def->ext_allowed) == 0)
			fail(r, not_allowed, "%s%s", obj_name(obj, buf, sizeof(buf)),
			     X509_EXTENSION_get_critical(e) ? " (critical)" : "");
	}
}

enum ext_state { EXT_ABSENT, EXT_BAD, EXT_OK };

/* The decoded extension nid; *state says whether it was absent, repeated or undecodable. */
static void *get_ext(const STACK_OF(X509_EXTENSION) * exts, int nid, int *crit,
		     enum ext_state *state)
{
	void *v = X509V3_get_d2i(exts, nid, crit, NULL);

	*state = v != NULL ? EXT_OK : *crit == -1 ? EXT_ABSENT : EXT_BAD;
	return v;
}

/* Common presence checks: returns 1 when the extension is there to be examined. */
static int present(struct pki_lint *r, enum rule_id id, unsigned required, unsigned bit,
		   enum ext_state st, const char *what)
{
	if (st == EXT_ABSENT && (required & bit) != 0)
		fail(r, id, "%s absent", what);
	else if (st == EXT_BAD)
		fail(r, id, "%s malformed or repeated", what);
	return st == EXT_OK;
}

static void check_bc(struct pki_lint *r, const struct pki_profile_def *def,
		     const STACK_OF(X509_EXTENSION) * exts)
{
	int crit;
	enum ext_state st;
	BASIC_CONSTRAINTS *bc = get_ext(exts, NID_basic_constraints, &crit, &st);

	if (present(r, R_EXT_BC, def->ext_required, PKI_EXT_BC, st, "basicConstraints") &&
	    def->ca) {
		long pl = bc->pathlen != NULL ? ASN1_INTEGER_get(bc->pathlen) : -1;

		if (!crit)
			fail(r, R_EXT_BC, "not critical");
		if (!bc->ca)
			fail(r, R_EXT_BC, "cA is FALSE");
		if (def->path_len == PKI_PATHLEN_ABSENT && bc->pathlen != NULL)
			fail(r, R_EXT_BC, "pathLenConstraint %ld present", pl);
		else if (def->path_len >= 0 && pl != def->path_len)
			fail(r, R_EXT_BC, "pathLenConstraint %ld, expected %d", pl, def->path_len);
		else if (bc->pathlen != NULL && pl < 0)
			fail(r, R_EXT_BC, "pathLenConstraint negative or too large");
	}
	BASIC_CONSTRAINTS_free(bc);
}

static void check_ku(struct pki_lint *r, const struct pki_profile_def *def,
		     const STACK_OF(X509_EXTENSION) * exts)
{
	int crit;
	enum ext_state st;
	ASN1_BIT_STRING *ku = get_ext(exts, NID_key_usage, &crit, &st);

	if (present(r, R_EXT_KU, def->ext_required, PKI_EXT_KU, st, "keyUsage")) {
		unsigned bits = pki_ku_bits(ku);

		if (!crit)
			fail(r, R_EXT_KU, "not critical");
		if ((bits & def->ku_required) != def->ku_required || (bits & ~def->ku_allowed) != 0)
			fail(r, R_EXT_KU, "bits 0x%04X, required 0x%04X, allowed 0x%04X", bits,
			     def->ku_required, def->ku_allowed);
	}
	ASN1_BIT_STRING_free(ku);
}

static void check_policies(struct pki_lint *r, const struct pki_profile_def *def,
			   const STACK_OF(X509_EXTENSION) * exts)
{
	int crit;
	enum ext_state st;
	CERTIFICATEPOLICIES *cp = get_ext(exts, NID_certificate_policies, &crit, &st);

	if (present(r, R_EXT_POLICIES, def->ext_required, PKI_EXT_CP, st, "certificatePolicies")) {
		int n = sk_POLICYINFO_num(cp);

		if (def->policies_critical && !crit)
			fail(r, R_EXT_POLICIES, "not critical");
		if (n == 0)
			fail(r, R_EXT_POLICIES, "no policy");
		for (int i = 0; i < n; i++)
			for (int j = 0; j < i; j++)
				if (OBJ_cmp(sk_POLICYINFO_value(cp, i)->policyid,
					    sk_POLICYINFO_value(cp, j)->policyid) == 0)
					fail(r, R_EXT_POLICIES, "policy %d repeated", i + 1);
	}
	CERTIFICATEPOLICIES_free(cp);
}

static void check_ski(struct pki_lint *r, const struct pki_profile_def *def,
		      const STACK_OF(X509_EXTENSION) * exts, const X509_PUBKEY *pub)
{
	int crit;
	enum ext_state st;
	ASN1_OCTET_STRING *ski = get_ext(exts, NID_subject_key_identifier, &crit, &st);
	uint8_t want[PKI_SKI_MAX];
	size_t wantlen;

	if (present(r, R_EXT_SKI, def->ext_required, PKI_EXT_SKI, st, "subjectKeyIdentifier")) {
		if (crit)
			fail(r, R_EXT_SKI, "critical");
		if (pki_ski_compute(pub, def->ski_method, want, &wantlen) != PKI_OK ||
		    (size_t)ASN1_STRING_length(ski) != wantlen ||
		    memcmp(ASN1_STRING_get0_data(ski), want, wantlen) != 0)
			fail(r, R_EXT_SKI, "%d octets, not those of method %d",
			     ASN1_STRING_length(ski), def->ski_method);
	}
	ASN1_OCTET_STRING_free(ski);
}

/* authorityKeyIdentifier against the issuer's SKI (want, may be NULL: unknown). */
static void check_aki(struct pki_lint *r, const struct pki_profile_def *def,
		      const STACK_OF(X509_EXTENSION) * exts, const ASN1_OCTET_STRING *want)
{
	int crit;
	enum ext_state st;
	AUTHORITY_KEYID *aki = get_ext(exts, NID_authority_key_identifier, &crit, &st);

	if (def->self_signed && def->smki && st != EXT_ABSENT) {
		fail(r, R_EXT_AKI, "present on the Root");
	} else if (present(r, R_EXT_AKI, def->ext_required, PKI_EXT_AKI, st,
			   "authorityKeyIdentifier")) {
		if (crit)
			fail(r, R_EXT_AKI, "critical");
		if (aki->keyid == NULL || aki->issuer != NULL || aki->serial != NULL)
			fail(r, R_EXT_AKI, "not a keyIdentifier only");
		else if (want != NULL && ASN1_OCTET_STRING_cmp(aki->keyid, want) != 0)
			fail(r, R_EXT_AKI, "does not match the issuer's subjectKeyIdentifier");
		else if (want == NULL && def->smki && ASN1_STRING_length(aki->keyid) != 8)
			fail(r, R_EXT_AKI, "%d octets, SMKI key identifiers have 8",
			     ASN1_STRING_length(aki->keyid));
	}
	AUTHORITY_KEYID_free(aki);
}

static void check_nc(struct pki_lint *r, const struct pki_profile_def *def,
		     const STACK_OF(X509_EXTENSION) * exts)
{
	int crit;
	enum ext_state st;
	NAME_CONSTRAINTS *nc = get_ext(exts, NID_name_constraints, &crit, &st);

	if (present(r, R_EXT_NC, def->ext_required, PKI_EXT_NC, st, "nameConstraints")) {
		if (!crit)
			fail(r, R_EXT_NC, "not critical");
		if (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0 &&
		    sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0)
			fail(r, R_EXT_NC, "no subtree");
	}
	NAME_CONSTRAINTS_free(nc);
}

static void check_contin(struct pki_lint *r, const X509 *x)
{
	struct pki_contin c;
	int critical = 0;
	enum pki_err err = pki_contin_get(x, &c, &critical);

	if (err == PKI_E_NO_CONTIN) {
		fail(r, R_SMKI_CONTIN, "absent");
		return;
	}
	if (critical)
		fail(r, R_SMKI_CONTIN, "critical");
	if (err == PKI_E_ALG)
		fail(r, R_SMKI_CONTIN_ALG, "unknown wrap algorithm or parameters present");
	else if (err == PKI_E_TOO_LARGE)
		fail(r, R_SMKI_CONTIN_LEN, "too long");
	else if (err != PKI_OK)
		fail(r, R_SMKI_CONTIN_FORM, "%s", pki_strerror(err));
	else if (c.wrapped_len != PKI_WRAP_PAD_LEN(91))
		fail(r, R_SMKI_CONTIN_LEN, "%zu octets", c.wrapped_len);
}

/* --- objects ---------------------------------------------------------------------------- */

static const struct pki_profile_def *profile_for(struct pki_lint *r, const struct pki_lint_ctx *ctx,
						 enum pki_profile_kind kind)
{
	const struct pki_profile_def *def = pki_profile_get(ctx->profile);

	if (def == NULL || def->kind != kind) {
		fail(r, R_LINT_PROFILE, "%s", def != NULL ? def->name : "unknown profile");
		return NULL;
	}
	return def;
}

static void check_serial_marks(struct pki_lint *r, const struct pki_profile_def *def,
			       const ASN1_INTEGER *serial, const X509_NAME *subject)
{
	size_t octets = positive_octets(serial);
	int marked;

	if (octets == 0 || octets > 20)
		fail(r, R_CERT_SERIAL, "%s", octets == 0 ? "zero or negative" : "too long");
	if (def->serial_octets != 0 && octets != (size_t)def->serial_octets)
		fail(r, R_SMKI_SERIAL, "%zu octets", octets);
	if (def->marked_serial && octets == 16) {
		marked = ASN1_STRING_get0_data(serial)[0] == REHEARSAL_SERIAL_OCTET;
		if (marked != pki_name_is_rehearsal(subject))
			fail(r, R_MARK_SERIAL, "serial %s the mark, subject %s",
			     marked ? "carries" : "lacks",
			     pki_name_is_rehearsal(subject) ? "marked" : "unmarked");
	}
}

void pki_lint_cert(X509 *x, const struct pki_lint_ctx *ctx, struct pki_lint *r)
{
	const struct pki_profile_def *def = profile_for(r, ctx, PKI_KIND_CERT);
	const STACK_OF(X509_EXTENSION) * exts;
	const ASN1_BIT_STRING *iuid, *suid;
	const ASN1_TIME *nb, *na;
	EVP_PKEY *signer;
	const X509_ALGOR *sig_alg;
	const ASN1_BIT_STRING *sig;

	if (def == NULL)
		return;
	if (X509_get_version(x) != X509_VERSION_3)
		fail(r, R_CERT_VERSION, "version %ld", X509_get_version(x) + 1);
	check_serial_marks(r, def, X509_get0_serialNumber(x), X509_get_subject_name(x));
	nb = X509_get0_notBefore(x);
	na = X509_get0_notAfter(x);
	check_time(r, R_CERT_VALIDITY, nb, "notBefore");
	check_time(r, R_CERT_VALIDITY, na, "notAfter");
	if (ASN1_TIME_compare(nb, na) >= 0)
		fail(r, R_CERT_VALIDITY, "notBefore is not before notAfter");
	X509_get0_uids(x, &iuid, &suid);
	if (iuid != NULL || suid != NULL)
		fail(r, R_CERT_UNIQUE_ID, "present");
	check_subject(r, def, X509_get_subject_name(x), ctx->flags);
	check_key(r, def, X509_get_X509_PUBKEY(x));

	exts = X509_get0_extensions(x);
	check_ext_list(r, def, exts, R_EXT_ALLOWED);
	check_bc(r, def, exts);
	check_ku(r, def, exts);
	check_policies(r, def, exts);
	check_ski(r, def, exts, X509_get_X509_PUBKEY(x));
	check_nc(r, def, exts);
	if (def->self_signed)
		check_aki(r, def, exts, X509_get0_subject_key_id(x));
	else
		check_aki(r, def, exts,
			  ctx->issuer != NULL ? X509_get0_subject_key_id(ctx->issuer) : NULL);
	if ((def->ext_required & PKI_EXT_CONTIN) != 0)
		check_contin(r, x);

	if (def->self_signed) {
		if (X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(x)) != 0)
			fail(r, R_CERT_ISSUER, "a root's issuer must be its subject");
	} else if (ctx->issuer != NULL && X509_NAME_cmp(X509_get_issuer_name(x),
							X509_get_subject_name(ctx->issuer)) != 0) {
		fail(r, R_CERT_ISSUER, "differs from the issuing CA's subject");
	}
	signer = ctx->signer != NULL   ? ctx->signer
		 : def->self_signed    ? X509_get0_pubkey(x)
		 : ctx->issuer != NULL ? X509_get0_pubkey(ctx->issuer)
				       : NULL;
	if ((ctx->flags & PKI_LINT_UNSIGNED) == 0) {
		X509_get0_signature(&sig, &sig_alg, x);
		if (X509_ALGOR_cmp(sig_alg, X509_get0_tbs_sigalg(x)) != 0)
			fail(r, R_CERT_SIG_MATCH, "differ");
		check_sig_alg(r, def, sig_alg, signer);
		if (signer != NULL && X509_verify(x, signer) != 1)
			fail(r, R_CERT_SIGNATURE, "does not verify");
	}
	if (signer == NULL)
		note(r, R_CERT_NO_ISSUER, "give the issuing CA to check them");
	ERR_clear_error();
}

void pki_lint_csr(X509_REQ *req, const struct pki_lint_ctx *ctx, struct pki_lint *r)
{
	const struct pki_profile_def *def = profile_for(r, ctx, PKI_KIND_CSR);
	STACK_OF(X509_EXTENSION) * exts;
	const X509_ALGOR *sig_alg;
	const ASN1_BIT_STRING *sig;
	EVP_PKEY *pub;
	int n, ext_reqs = 0;
	char buf[80];

	if (def == NULL)
		return;
	if (X509_REQ_get_version(req) != X509_REQ_VERSION_1)
		fail(r, R_CSR_VERSION, "version value %ld", X509_REQ_get_version(req));
	if ((ctx->flags & PKI_LINT_SUBJECT_OVERRIDE) == 0)
		check_subject(r, def, X509_REQ_get_subject_name(req), ctx->flags);
	check_key(r, def, X509_REQ_get_X509_PUBKEY(req));
	pub = X509_REQ_get0_pubkey(req);
	X509_REQ_get0_signature(req, &sig, &sig_alg);
	check_sig_alg(r, def, sig_alg, pub);
	if (pub == NULL || X509_REQ_verify(req, pub) != 1)
		fail(r, R_CSR_SIGNATURE, "does not verify");

	n = X509_REQ_get_attr_count(req);
	for (int i = 0; i < n; i++) {
		const ASN1_OBJECT *obj = X509_ATTRIBUTE_get0_object(X509_REQ_get_attr(req, i));

		if (OBJ_obj2nid(obj) == NID_ext_req && ext_reqs++ == 0)
			continue;
		fail(r, R_CSR_ATTRIBUTES, "%s", obj_name(obj, buf, sizeof(buf)));
	}
	exts = X509_REQ_get_extensions(req);
	if (exts == NULL && ext_reqs > 0)
		fail(r, R_CSR_EXT_ALLOWED, "malformed extensionRequest");
	check_ext_list(r, def, exts, R_CSR_EXT_ALLOWED);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ERR_clear_error();
}

static void check_crl_entries(struct pki_lint *r, X509_CRL *crl)
{
	STACK_OF(X509_REVOKED) *revoked = X509_CRL_get_REVOKED(crl);
	const ASN1_TIME *this_update = X509_CRL_get0_lastUpdate(crl);
	int n = sk_X509_REVOKED_num(revoked);

	for (int i = 0; i < n; i++) {
		X509_REVOKED *rv = sk_X509_REVOKED_value(revoked, i);
		const ASN1_INTEGER *serial = X509_REVOKED_get0_serialNumber(rv);
		const STACK_OF(X509_EXTENSION) *exts = X509_REVOKED_get0_extensions(rv);
		size_t octets = positive_octets(serial);
		int crit;
		enum ext_state st;
		ASN1_ENUMERATED *reason;

		if (octets == 0 || octets > 20)
			fail(r, R_CRL_ENTRIES, "entry %d: serial zero, negative or too long",
			     i + 1);
		for (int j = 0; j < i; j++)
			if (ASN1_INTEGER_cmp(serial, X509_REVOKED_get0_serialNumber(
							 sk_X509_REVOKED_value(revoked, j))) == 0) {
				fail(r, R_CRL_ENTRIES, "entry %d: serial repeated", i + 1);
				break;
			}
		check_time(r, R_CRL_DATES, X509_REVOKED_get0_revocationDate(rv), "revocationDate");
		if (this_update != NULL &&
		    ASN1_TIME_compare(X509_REVOKED_get0_revocationDate(rv), this_update) > 0)
			fail(r, R_CRL_DATES, "entry %d revoked after thisUpdate", i + 1);
		for (int k = 0; k < sk_X509_EXTENSION_num(exts); k++)
			if (OBJ_obj2nid(X509_EXTENSION_get_object(
				sk_X509_EXTENSION_value(exts, k))) != NID_crl_reason)
				fail(r, R_CRL_ENTRIES, "entry %d: extension other than reasonCode",
				     i + 1);
		reason = get_ext(exts, NID_crl_reason, &crit, &st);
		if (st == EXT_BAD) {
			fail(r, R_CRL_ENTRIES, "entry %d: reasonCode malformed or repeated", i + 1);
		} else if (st == EXT_OK) {
			long code = ASN1_ENUMERATED_get(reason);

			if (crit || code <= 0 || code == 7 || code == 8 || code > 10)
				fail(r, R_CRL_ENTRIES, "entry %d: reasonCode %ld%s", i + 1, code,
				     crit ? " (critical)" : "");
		}
		ASN1_ENUMERATED_free(reason);
	}
}

/* The signature field of tbsCertList, read from the CRL's DER (OpenSSL has no accessor). */
static X509_ALGOR *crl_tbs_sigalg(X509_CRL *crl)
{
	unsigned char *der = NULL;
	const unsigned char *p, *q, *end;
	long len;
	int n = i2d_X509_CRL(crl, &der), tag, xclass;
	X509_ALGOR *alg = NULL;

	if (n <= 0)
		return NULL;
	p = der;
	end = der + n;
	/* CertificateList SEQUENCE, then tbsCertList SEQUENCE, then an optional version. */
	if (ASN1_get_object(&p, &len, &tag, &xclass, end - p) != V_ASN1_CONSTRUCTED ||
	    ASN1_get_object(&p, &len, &tag, &xclass, end - p) != V_ASN1_CONSTRUCTED)
		goto out;
	q = p;
	if (ASN1_get_object(&q, &len, &tag, &xclass, end - p) == 0 && tag == V_ASN1_INTEGER)
		p = q + len;
	alg = d2i_X509_ALGOR(NULL, &p, end - p);
out:
	OPENSSL_free(der);
	return alg;
}

void pki_lint_crl(X509_CRL *crl, const struct pki_lint_ctx *ctx, struct pki_lint *r)
{
	const struct pki_profile_def *def = profile_for(r, ctx, PKI_KIND_CRL);
	const STACK_OF(X509_EXTENSION) * exts;
	const ASN1_TIME *this_update, *next_update;
	const X509_ALGOR *sig_alg;
	const ASN1_BIT_STRING *sig;
	EVP_PKEY *signer;
	X509_ALGOR *tbs_alg;
	ASN1_INTEGER *number;
	int crit;
	enum ext_state st;

	if (def == NULL)
		return;
	if (X509_CRL_get_version(crl) != X509_CRL_VERSION_2)
		fail(r, R_CRL_VERSION, "version %ld", X509_CRL_get_version(crl) + 1);
	if (pki_name_is_rehearsal(X509_CRL_get_issuer(crl)))
		add(r, R_MARK_REHEARSAL,
		    (ctx->flags & PKI_LINT_PRODUCTION) != 0 ? PKI_SEV_ERROR : PKI_SEV_NOTICE,
		    "REHEARSAL issuer");
	this_update = X509_CRL_get0_lastUpdate(crl);
	next_update = X509_CRL_get0_nextUpdate(crl);
	check_time(r, R_CRL_DATES, this_update, "thisUpdate");
	if (next_update == NULL) {
		fail(r, R_CRL_DATES, "nextUpdate absent");
	} else {
		check_time(r, R_CRL_DATES, next_update, "nextUpdate");
		if (ASN1_TIME_compare(this_update, next_update) >= 0)
			fail(r, R_CRL_DATES, "nextUpdate is not after thisUpdate");
	}

	exts = X509_CRL_get0_extensions(crl);
	check_ext_list(r, def, exts, R_EXT_ALLOWED);
	number = get_ext(exts, NID_crl_number, &crit, &st);
	if (present(r, R_CRL_NUMBER, def->ext_required, PKI_EXT_CRL_NUMBER, st, "cRLNumber")) {
		if (crit)
			fail(r, R_CRL_NUMBER, "critical");
		if (ASN1_STRING_type(number) != V_ASN1_INTEGER || positive_octets(number) > 20)
			fail(r, R_CRL_NUMBER, "negative or too long");
	}
	ASN1_INTEGER_free(number);
	check_aki(r, def, exts, ctx->issuer != NULL ? X509_get0_subject_key_id(ctx->issuer) : NULL);
	check_crl_entries(r, crl);

	signer = ctx->signer != NULL   ? ctx->signer
		 : ctx->issuer != NULL ? X509_get0_pubkey(ctx->issuer)
				       : NULL;
	if (ctx->issuer != NULL &&
	    X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ctx->issuer)) != 0)
		fail(r, R_CRL_ISSUER, "differs from the issuing CA's subject");
	X509_CRL_get0_signature(crl, &sig, &sig_alg);
	tbs_alg = crl_tbs_sigalg(crl);
	if (tbs_alg == NULL || X509_ALGOR_cmp(sig_alg, tbs_alg) != 0)
		fail(r, R_CRL_SIG_MATCH, "differ");
	X509_ALGOR_free(tbs_alg);
	check_sig_alg(r, def, sig_alg, signer);
	if (signer == NULL)
		note(r, R_CRL_NO_ISSUER, "give the issuing CA to check them");
	else if (X509_CRL_verify(crl, signer) != 1)
		fail(r, R_CRL_SIGNATURE, "does not verify");
	ERR_clear_error();
}

enum pki_err pki_lint_obj(const struct pki_obj *obj, const struct pki_lint_ctx *ctx,
			  struct pki_lint *report)
{
	const struct pki_profile_def *def = pki_profile_get(ctx->profile);
	static const enum pki_profile_kind kinds[] = {
	    [PKI_OBJ_CERT] = PKI_KIND_CERT,
	    [PKI_OBJ_CSR] = PKI_KIND_CSR,
	    [PKI_OBJ_CRL] = PKI_KIND_CRL,
	};

	if (def == NULL || obj->type == PKI_OBJ_NONE || def->kind != kinds[obj->type])
		return PKI_E_TYPE;
	if (obj->type == PKI_OBJ_CERT)
		pki_lint_cert(obj->cert, ctx, report);
	else if (obj->type == PKI_OBJ_CSR)
		pki_lint_csr(obj->csr, ctx, report);
	else
		pki_lint_crl(obj->crl, ctx, report);
	return PKI_OK;
}
