/* Each lint rule fires on an object that breaks it (built by altering a good one and signing
 * again), the rule table matches docs/profiles.md, and imports are strict. */
#include <stdio.h>
#include <stdlib.h>

#include <openssl/pem.h>

#include "tests/unit/pki_test.h"

#include "ceremony/pki/ext.h"
#include "ceremony/pki/name.h"

static struct smki s;

static int setup(void **state)
{
	if (pki_test_setup(state) != 0)
		return -1;
	smki_build(&s, 0, PKI_WRAP_AES128_PAD);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	smki_free(&s);
	return 0;
}

/* Signs x with key and re-parses it, as a relying party would read it. */
static X509 *resign(X509 *x, EVP_PKEY *key)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *out;
	int n;

	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	n = i2d_X509(x, &der);
	p = der;
	out = d2i_X509(NULL, &p, n);
	assert_non_null(out);
	OPENSSL_free(der);
	X509_free(x);
	return out;
}

/* Lints x (freed) as profile with issuer; fails unless rule is reported as an error. */
static void expect_rule(X509 *x, enum pki_profile profile, X509 *issuer, const char *rule)
{
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = profile, .issuer = issuer};

	pki_lint_init(&r);
	pki_lint_cert(x, &ctx, &r);
	if (!pki_lint_has(&r, rule) || pki_lint_passed(&r))
		fail_msg("rule %s not reported", rule);
	X509_free(x);
}

static X509 *root_copy(void)
{
	X509 *x = X509_dup(s.root_cert);

	assert_non_null(x);
	return x;
}

static void replace_ext(X509 *x, int nid, void *value, int critical)
{
	int i = X509_get_ext_by_NID(x, nid, -1);

	if (i >= 0)
		X509_EXTENSION_free(X509_delete_ext(x, i));
	if (value != NULL)
		assert_int_equal(X509_add1_ext_i2d(x, nid, value, critical, X509V3_ADD_APPEND), 1);
}

static void test_rule_table(void **state)
{
	const struct pki_rule *rules;
	size_t n = pki_lint_rules(&rules);

	(void)state;
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		const char *dot = strchr(rules[i].id, '.');

		assert_non_null(dot);
		assert_true(strspn(rules[i].id, "abcdefghijklmnopqrstuvwxyz-.") ==
			    strlen(rules[i].id));
		assert_true(strlen(rules[i].text) > 10);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(rules[i].id, rules[j].id);
	}
}

/* docs/profiles.md names every rule id and every profile. */
static void test_rules_documented(void **state)
{
	const char *dir = getenv("CEREMONY_TESTDATA");
	char path[4096], *doc;
	const struct pki_rule *rules;
	size_t n = pki_lint_rules(&rules), len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/../docs/profiles.md", dir != NULL ? dir : "tests");
	f = fopen(path, "r");
	assert_non_null(f);
	doc = malloc(1 << 20);
	len = fread(doc, 1, (1 << 20) - 1, f);
	doc[len] = '\0';
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		char want[80];

		snprintf(want, sizeof(want), "`%s`", rules[i].id);
		if (strstr(doc, want) == NULL)
			fail_msg("docs/profiles.md does not describe %s", rules[i].id);
	}
	for (unsigned p = 0; p < PKI_PROFILE_COUNT; p++) {
		char want[80];

		snprintf(want, sizeof(want), "`%s`", pki_profile_get((enum pki_profile)p)->name);
		if (strstr(doc, want) == NULL)
			fail_msg("docs/profiles.md does not describe %s", want);
	}
	free(doc);
}

static void test_profile_names(void **state)
{
	enum pki_profile p;

	(void)state;
	assert_int_equal(pki_profile_from_name("smki-root", &p), PKI_OK);
	assert_int_equal(p, PKI_PROFILE_SMKI_ROOT);
	assert_int_equal(pki_profile_from_name("generic-crl", &p), PKI_OK);
	assert_int_equal(pki_profile_from_name("smki", &p), PKI_E_ARG);
	assert_null(pki_profile_get(PKI_PROFILE_COUNT));
}

static void test_cert_structure_rules(void **state)
{
	X509 *x;
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_TIME *t;

	(void)state;
	x = root_copy();
	assert_int_equal(X509_set_version(x, X509_VERSION_1), 1);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "cert.version");

	x = root_copy();
	ASN1_INTEGER_set(serial, -5);
	X509_set_serialNumber(x, serial);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "cert.serial");
	x = root_copy();
	ASN1_INTEGER_set(serial, 5);
	X509_set_serialNumber(x, serial);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "smki.serial");
	ASN1_INTEGER_free(serial);

	/* A rehearsal serial on an unmarked subject. */
	x = root_copy();
	serial = ASN1_INTEGER_dup(X509_get0_serialNumber(x));
	serial->data[0] = 0x52;
	X509_set_serialNumber(x, serial);
	ASN1_INTEGER_free(serial);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "mark.serial");

	/* GeneralizedTime for a year before 2050; notAfter before notBefore. */
	x = root_copy();
	t = ASN1_GENERALIZEDTIME_set(NULL, (time_t)T_NOW);
	X509_set1_notBefore(x, t);
	ASN1_TIME_free(t);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "cert.validity");
	x = root_copy();
	t = ASN1_TIME_set(NULL, (time_t)T_NOW - 1);
	X509_set1_notAfter(x, t);
	ASN1_TIME_free(t);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "cert.validity");

	/* Signed by another key; issuer name not the subject. */
	expect_rule(resign(root_copy(), s.issuing), PKI_PROFILE_SMKI_ROOT, NULL, "cert.signature");
	x = root_copy();
	X509_set_issuer_name(x, X509_get_subject_name(s.issuing_cert));
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "cert.issuer");

	/* Signed with SHA-384. */
	x = root_copy();
	assert_true(X509_sign(x, s.root, EVP_sha384()) > 0);
	expect_rule(x, PKI_PROFILE_SMKI_ROOT, NULL, "smki.sig-alg");
}

/* The outer signatureAlgorithm altered in the DER (ecdsa-with-SHA256 -> SHA384). */
static void test_sig_match(void **state)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	static const uint8_t oid256[] = {0x06, 0x08, 0x2A, 0x86, 0x48,
					 0xCE, 0x3D, 0x04, 0x03, 0x02};
	int n = i2d_X509(s.root_cert, &der), last = -1;
	X509 *x;

	(void)state;
	for (int i = 0; i + (int)sizeof(oid256) <= n; i++)
		if (memcmp(der + i, oid256, sizeof(oid256)) == 0)
			last = i;
	assert_true(last > 0);
	der[last + (int)sizeof(oid256) - 1] = 0x03;
	p = der;
	x = d2i_X509(NULL, &p, n);
	assert_non_null(x);
	OPENSSL_free(der);
	expect_rule(x, PKI_PROFILE_SMKI_ROOT, NULL, "cert.sig-match");
}

static void test_extension_rules(void **state)
{
	X509 *x;
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	ASN1_BIT_STRING *ku;
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	CERTIFICATEPOLICIES *cp = sk_POLICYINFO_new_null();

	(void)state;
	/* Method 1 SKI where SMKI wants method 2. */
	x = root_copy();
	assert_int_equal(pki_ext_add_ski(x, 1), PKI_OK);
	X509_EXTENSION_free(
	    X509_delete_ext(x, X509_get_ext_by_NID(x, NID_subject_key_identifier, -1)));
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.ski");
	x = root_copy();
	ASN1_OCTET_STRING_set(os, (const unsigned char *)"12345678", 8);
	replace_ext(x, NID_subject_key_identifier, os, 0);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.ski");
	x = root_copy();
	replace_ext(x, NID_subject_key_identifier, NULL, 0);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.ski");

	/* keyUsage: extra digitalSignature; not critical. */
	x = root_copy();
	ku = pki_ku_new(PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN | PKI_KU_DIGITAL_SIGNATURE);
	replace_ext(x, NID_key_usage, ku, 1);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.ku");
	x = root_copy();
	ASN1_BIT_STRING_free(ku);
	ku = pki_ku_new(PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN);
	replace_ext(x, NID_key_usage, ku, 0);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.ku");
	ASN1_BIT_STRING_free(ku);

	/* basicConstraints: not critical; cA FALSE; a pathLen on the Root. */
	bc->ca = 0xFF;
	x = root_copy();
	replace_ext(x, NID_basic_constraints, bc, 0);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.bc");
	bc->ca = 0;
	x = root_copy();
	replace_ext(x, NID_basic_constraints, bc, 1);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.bc");
	bc->ca = 0xFF;
	bc->pathlen = ASN1_INTEGER_new();
	ASN1_INTEGER_set(bc->pathlen, 2);
	x = root_copy();
	replace_ext(x, NID_basic_constraints, bc, 1);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.bc");

	/* Policies: not critical; empty; absent. */
	x = root_copy();
	assert_int_equal(pki_ext_add_policies(x, t_policies, 1, 0), PKI_OK);
	X509_EXTENSION_free(
	    X509_delete_ext(x, X509_get_ext_by_NID(x, NID_certificate_policies, -1)));
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.policies");
	x = root_copy();
	replace_ext(x, NID_certificate_policies, cp, 1);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.policies");

	/* AKI on the SMKI Root; a repeated and a forbidden extension. */
	x = root_copy();
	assert_int_equal(pki_ext_add_aki(x, s.root_cert), PKI_OK);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.aki");
	x = root_copy();
	X509_add_ext(x, X509_get_ext(x, 0), -1);
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.unique");
	x = root_copy();
	{
		static const char *const nc[] = {"DNS:example.com"};

		assert_int_equal(pki_ext_add_nc(x, nc, 1, NULL, 0), PKI_OK);
	}
	expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "ext.allowed");

	ASN1_OCTET_STRING_free(os);
	BASIC_CONSTRAINTS_free(bc);
	sk_POLICYINFO_free(cp);
}

/* The contingency extension: absent, critical, another algorithm, parameters, wrong length,
 * trailing data. */
static void test_contin_rules(void **state)
{
	static const struct {
		const char *rule;
		int critical;
		uint8_t der[32];
		size_t len;
	} bad[] = {
	    /* OCTET STRING of 8 octets: too short for a P-256 SPKI. */
	    {"smki.contin-len",
	     0,
	     {0x30, 0x17, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
	      0x08, 0x04, 0x08},
	     25},
	    /* id-aes128-wrap (RFC 3394, no padding). */
	    {"smki.contin-alg",
	     0,
	     {0x30, 0x0F, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
	      0x05, 0x04, 0x00},
	     17},
	    /* Parameters NULL present. */
	    {"smki.contin-alg",
	     0,
	     {0x30, 0x11, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
	      0x08, 0x05, 0x00, 0x04, 0x00},
	     19},
	    /* Not a SEQUENCE. */
	    {"smki.contin-form", 0, {0x04, 0x00}, 2},
	    /* Trailing octet after the SEQUENCE. */
	    {"smki.contin-form",
	     0,
	     {0x30, 0x0F, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01,
	      0x08, 0x04, 0x00, 0x00},
	     18},
	};
	ASN1_OBJECT *oid = OBJ_txt2obj(PKI_OID_WRAPPED_APEX_CONTIN_KEY, 1);

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		X509 *x = root_copy();
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		X509_EXTENSION *e;

		X509_EXTENSION_free(X509_delete_ext(x, X509_get_ext_by_OBJ(x, oid, -1)));
		ASN1_OCTET_STRING_set(os, bad[i].der, (int)bad[i].len);
		e = X509_EXTENSION_create_by_OBJ(NULL, oid, bad[i].critical, os);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
		ASN1_OCTET_STRING_free(os);
		expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, bad[i].rule);
	}
	{
		X509 *x = root_copy();
		int i = X509_get_ext_by_OBJ(x, oid, -1);

		X509_EXTENSION_set_critical(X509_get_ext(x, i), 1);
		expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "smki.contin");
		x = root_copy();
		X509_EXTENSION_free(X509_delete_ext(x, i));
		expect_rule(resign(x, s.root), PKI_PROFILE_SMKI_ROOT, NULL, "smki.contin");
	}
	ASN1_OBJECT_free(oid);
}

struct attr {
	int nid, type;
	const char *value;
	int set; /* X509_NAME_add_entry's set: -1 joins the previous RDN */
};

/* The Root with subject and issuer replaced by attrs, signed again. */
static X509 *root_named(const struct attr *attrs, size_t n)
{
	X509 *x = root_copy();
	X509_NAME *name = X509_NAME_new();

	for (size_t i = 0; i < n; i++)
		assert_int_equal(X509_NAME_add_entry_by_NID(name, attrs[i].nid, attrs[i].type,
							    (const unsigned char *)attrs[i].value,
							    -1, -1, attrs[i].set),
				 1);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_NAME_free(name);
	return resign(x, s.root);
}

static void test_name_rules(void **state)
{
	const struct attr one_rdn[] = {
	    {NID_organizationalUnitName, V_ASN1_UTF8STRING, "00", 0},
	    {NID_commonName, V_ASN1_UTF8STRING, "ZA", -1},
	};
	const struct attr ia5[] = {
	    {NID_organizationalUnitName, V_ASN1_UTF8STRING, "00", 0},
	    {NID_commonName, V_ASN1_IA5STRING, "ZA", 0},
	};
	const struct attr control_and_two_ous[] = {
	    {NID_organizationalUnitName, V_ASN1_UTF8STRING, "00", 0},
	    {NID_commonName, V_ASN1_UTF8STRING, "Z\nA", 0},
	    {NID_organizationalUnitName, V_ASN1_UTF8STRING, "00", 0},
	};
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_ROOT};
	X509 *x;

	(void)state;
	expect_rule(root_named(NULL, 0), PKI_PROFILE_SMKI_ROOT, NULL, "name.empty");
	expect_rule(root_named(one_rdn, 2), PKI_PROFILE_SMKI_ROOT, NULL, "name.rdn");
	expect_rule(root_named(ia5, 2), PKI_PROFILE_SMKI_ROOT, NULL, "name.string");
	x = root_named(control_and_two_ous, 3);
	pki_lint_init(&r);
	pki_lint_cert(x, &ctx, &r);
	assert_true(pki_lint_has(&r, "name.string"));
	assert_true(pki_lint_has(&r, "smki.ou"));
	/* Details quoting the name stay printable. */
	for (size_t i = 0; i < r.count; i++)
		for (const char *c = r.findings[i].detail; *c != '\0'; c++)
			assert_true(*c >= 0x20 && *c < 0x7F);
	X509_free(x);
}

/* A compressed P-256 point and a P-384 key on the SMKI Root. */
static void test_key_rules(void **state)
{
	EVP_PKEY *key;
	X509 *x;

	(void)state;
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &key), PKI_OK);
	assert_int_equal(EVP_PKEY_set_utf8_string_param(key, "point-format", "compressed"), 1);
	x = root_copy();
	X509_set_pubkey(x, key);
	replace_ext(x, NID_subject_key_identifier, NULL, 0);
	assert_int_equal(pki_ext_add_ski(x, 2), PKI_OK);
	x = resign(x, key);
	expect_rule(x, PKI_PROFILE_SMKI_ROOT, NULL, "key.point");
	EVP_PKEY_free(key);
	assert_int_equal(pki_key_generate(PKI_ALG_RSA_3072, &key), PKI_OK);
	x = root_copy();
	X509_set_pubkey(x, key);
	expect_rule(resign(x, key), PKI_PROFILE_SMKI_ROOT, NULL, "smki.key");
	x = root_copy();
	X509_set_pubkey(x, key);
	expect_rule(resign(x, key), PKI_PROFILE_GENERIC_ROOT, NULL, "ext.ski");
	EVP_PKEY_free(key);
	/* RSA 2048 is not among the generic keys. */
	key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	x = root_copy();
	X509_set_pubkey(x, key);
	expect_rule(resign(x, key), PKI_PROFILE_GENERIC_ROOT, NULL, "gen.key");
	EVP_PKEY_free(key);
}

static void test_csr_rules(void **state)
{
	X509_REQ *req = X509_REQ_dup(s.recovery_csr);
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_RECOVERY_CSR};

	(void)state;
	assert_int_equal(X509_REQ_add1_attr_by_NID(req, NID_pkcs9_challengePassword, MBSTRING_ASC,
						   (const unsigned char *)"secret", -1),
			 1);
	assert_true(X509_REQ_sign(req, s.recovery, EVP_sha256()) > 0);
	pki_lint_init(&r);
	pki_lint_csr(req, &ctx, &r);
	assert_true(pki_lint_has(&r, "csr.attributes"));
	X509_REQ_free(req);

	/* Without the entity identifier. */
	req = raw_csr(s.recovery, "/OU=01/CN=Recovery", NULL, NULL);
	pki_lint_init(&r);
	pki_lint_csr(req, &ctx, &r);
	assert_true(pki_lint_has(&r, "smki.entity-id"));
	X509_REQ_free(req);

	/* A certificate profile on a CSR. */
	ctx.profile = PKI_PROFILE_SMKI_ROOT;
	pki_lint_init(&r);
	pki_lint_csr(s.recovery_csr, &ctx, &r);
	assert_true(pki_lint_has(&r, "lint.profile"));
}

static void test_crl_rules(void **state)
{
	X509_CRL *crl = X509_CRL_new();
	X509_REVOKED *rv = X509_REVOKED_new();
	ASN1_INTEGER *serial = ASN1_INTEGER_new();
	ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new();
	ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)T_NOW);
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_CRL, .issuer = s.root_cert};

	(void)state;
	/* Version 1, no nextUpdate, no cRLNumber or AKI, reason unspecified (0) and critical. */
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(s.root_cert));
	X509_CRL_set1_lastUpdate(crl, t);
	ASN1_INTEGER_set(serial, 9);
	X509_REVOKED_set_serialNumber(rv, serial);
	X509_REVOKED_set_revocationDate(rv, t);
	ASN1_ENUMERATED_set(reason, 0);
	X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, reason, 1, 0);
	X509_CRL_add0_revoked(crl, rv);
	assert_true(X509_CRL_sign(crl, s.root, EVP_sha256()) > 0);
	pki_lint_init(&r);
	pki_lint_crl(crl, &ctx, &r);
	assert_true(pki_lint_has(&r, "crl.version"));
	assert_true(pki_lint_has(&r, "crl.dates"));
	assert_true(pki_lint_has(&r, "crl.number"));
	assert_true(pki_lint_has(&r, "ext.aki"));
	assert_true(pki_lint_has(&r, "crl.entries"));
	assert_false(pki_lint_has(&r, "crl.signature"));
	ctx.issuer = NULL;
	pki_lint_init(&r);
	pki_lint_crl(crl, &ctx, &r);
	assert_true(pki_lint_has(&r, "crl.no-issuer"));
	ASN1_INTEGER_free(serial);
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
}

/* Import: PEM and DER of each type; anything else refused with the reason. */
static void test_parse(void **state)
{
	struct pki_obj o, built;
	char *pem, buf[8192];
	size_t pemlen;
	uint8_t fpr[32], want[32];

	(void)state;
	assert_int_equal(pki_obj_from_cert(X509_dup(s.root_cert), &built), PKI_OK);
	assert_int_equal(pki_parse(built.der, built.der_len, &o), PKI_OK);
	assert_int_equal(o.type, PKI_OBJ_CERT);
	assert_int_equal(pki_obj_fingerprint(&o, fpr), PKI_OK);
	crypto_hash_sha256(want, built.der, built.der_len);
	assert_memory_equal(fpr, want, 32);
	pki_obj_free(&o);
	assert_int_equal(pki_obj_pem(&built, &pem, &pemlen), PKI_OK);
	assert_int_equal(pki_parse((uint8_t *)pem, pemlen, &o), PKI_OK);
	assert_int_equal(o.type, PKI_OBJ_CERT);
	assert_int_equal(o.der_len, built.der_len);
	assert_memory_equal(o.der, built.der, built.der_len);
	pki_obj_free(&o);
	assert_true(pemlen + 16 < sizeof(buf));

	/* Trailing whitespace is fine; anything else after END is not. */
	memcpy(buf, pem, pemlen);
	memcpy(buf + pemlen, "\r\n \n", 4);
	assert_int_equal(pki_parse((uint8_t *)buf, pemlen + 4, &o), PKI_OK);
	pki_obj_free(&o);
	memcpy(buf + pemlen, "x", 1);
	assert_int_equal(pki_parse((uint8_t *)buf, pemlen + 1, &o), PKI_E_TRAILING);
	memcpy(buf + pemlen, pem, pemlen);
	assert_int_equal(pki_parse((uint8_t *)buf, 2 * pemlen, &o), PKI_E_TRAILING);
	/* Text before BEGIN, another label, a DER octet more or less. */
	buf[0] = ' ';
	memcpy(buf + 1, pem, pemlen);
	assert_int_equal(pki_parse((uint8_t *)buf, pemlen + 1, &o), PKI_E_PARSE);
	{
		static const char key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
					  "-----END PRIVATE KEY-----\n";

		assert_int_equal(pki_parse((const uint8_t *)key, sizeof(key) - 1, &o),
				 PKI_E_TYPE);
	}
	memcpy(buf, built.der, built.der_len);
	buf[built.der_len] = 0;
	assert_int_equal(pki_parse((uint8_t *)buf, built.der_len + 1, &o), PKI_E_TRAILING);
	assert_int_equal(pki_parse(built.der, built.der_len - 1, &o), PKI_E_PARSE);
	assert_int_equal(pki_parse(built.der, 0, &o), PKI_E_PARSE);
	assert_int_equal(pki_parse(built.der, PKI_INPUT_MAX + 1, &o), PKI_E_TOO_LARGE);
	assert_int_equal(o.type, PKI_OBJ_NONE);
	/* A certificate where a CSR is wanted. */
	assert_int_equal(pki_parse_as(built.der, built.der_len, PKI_OBJ_CSR, &o), PKI_E_TYPE);
	OPENSSL_free(pem);
	pki_obj_free(&built);

	/* CSR and CRL by DER, typed correctly. */
	assert_int_equal(pki_obj_from_csr(X509_REQ_dup(s.recovery_csr), &built), PKI_OK);
	assert_int_equal(pki_parse_as(built.der, built.der_len, PKI_OBJ_CSR, &o), PKI_OK);
	pki_obj_free(&o);
	pki_obj_free(&built);
	{
		struct pki_crl_params p = {.this_update = T_NOW, .next_update = T_NOW + 86400};
		X509_CRL *crl;

		assert_int_equal(
		    pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, NULL),
		    PKI_OK);
		assert_int_equal(pki_obj_from_crl(crl, &built), PKI_OK);
		assert_int_equal(pki_obj_pem(&built, &pem, &pemlen), PKI_OK);
		assert_int_equal(pki_parse_as((uint8_t *)pem, pemlen, PKI_OBJ_CRL, &o), PKI_OK);
		OPENSSL_free(pem);
		pki_obj_free(&o);
		pki_obj_free(&built);
	}
}

static void test_parse_pubkey(void **state)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	EVP_PKEY *key;

	(void)state;
	PEM_write_bio_PUBKEY(bio, s.contin);
	n = BIO_get_mem_data(bio, &data);
	assert_int_equal(pki_parse_pubkey((uint8_t *)data, (size_t)n, &key), PKI_OK);
	assert_int_equal(pki_key_matches(s.contin, s.contin_spki, s.contin_spki_len), PKI_OK);
	EVP_PKEY_free(key);
	assert_int_equal(pki_parse_pubkey(s.contin_spki, s.contin_spki_len, &key), PKI_OK);
	EVP_PKEY_free(key);
	BIO_free(bio);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, s.root_cert);
	n = BIO_get_mem_data(bio, &data);
	assert_int_equal(pki_parse_pubkey((uint8_t *)data, (size_t)n, &key), PKI_E_TYPE);
	BIO_free(bio);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_table),	  cmocka_unit_test(test_rules_documented),
	    cmocka_unit_test(test_profile_names), cmocka_unit_test(test_cert_structure_rules),
	    cmocka_unit_test(test_sig_match),	  cmocka_unit_test(test_extension_rules),
	    cmocka_unit_test(test_contin_rules),  cmocka_unit_test(test_name_rules),
	    cmocka_unit_test(test_key_rules),	  cmocka_unit_test(test_csr_rules),
	    cmocka_unit_test(test_crl_rules),	  cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_pubkey),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
