/* Issuance by profile: the SMKI hierarchy, generic CAs of every algorithm, CRLs, the Recovery
 * certificate import, and requests that must be refused with the rule they break. */
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

static void lint_cert(X509 *x, enum pki_profile profile, X509 *issuer, struct pki_lint *r)
{
	struct pki_lint_ctx ctx = {.profile = profile, .issuer = issuer};

	pki_lint_init(r);
	pki_lint_cert(x, &ctx, r);
}

/* The SMKI Root, field by field, as OpenSSL reads it. */
static void test_smki_root_fields(void **state)
{
	X509 *x = s.root_cert;
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	const ASN1_OCTET_STRING *ski;
	BASIC_CONSTRAINTS *bc;
	CERTIFICATEPOLICIES *cp;
	int crit;
	char text[PKI_NAME_TEXT_MAX];
	struct pki_lint r;

	(void)state;
	assert_int_equal(X509_get_version(x), X509_VERSION_3);
	assert_int_equal(ASN1_STRING_length(serial), 16);
	assert_true(ASN1_STRING_get0_data(serial)[0] != 0x52);
	assert_true(ASN1_STRING_get0_data(serial)[0] < 0x80);
	assert_int_equal(pki_name_text(X509_get_subject_name(x), text, sizeof(text)), PKI_OK);
	assert_string_equal(text, "OU=00, CN=ZA");
	assert_int_equal(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);
	assert_int_equal(X509_get_signature_nid(x), NID_ecdsa_with_SHA256);
	assert_int_equal(X509_get_key_usage(x), PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	assert_non_null(bc);
	assert_int_equal(crit, 1);
	assert_true(bc->ca);
	assert_null(bc->pathlen);
	BASIC_CONSTRAINTS_free(bc);
	cp = X509_get_ext_d2i(x, NID_certificate_policies, &crit, NULL);
	assert_int_equal(crit, 1);
	assert_int_equal(sk_POLICYINFO_num(cp), 1);
	assert_int_equal(OBJ_obj2txt(text, sizeof(text), sk_POLICYINFO_value(cp, 0)->policyid, 1),
			 (int)strlen(T_POLICY));
	assert_string_equal(text, T_POLICY);
	CERTIFICATEPOLICIES_free(cp);
	ski = X509_get0_subject_key_id(x);
	assert_int_equal(ASN1_STRING_length(ski), 8);
	assert_int_equal(ASN1_STRING_get0_data(ski)[0] >> 4, 4);
	assert_int_equal(X509_get_ext_by_NID(x, NID_authority_key_identifier, -1), -1);
	assert_int_equal(X509_get_ext_count(x), 5);
	assert_int_equal(X509_check_ca(x), 1);
	assert_int_equal(X509_verify(x, X509_get0_pubkey(x)), 1);
	lint_cert(x, PKI_PROFILE_SMKI_ROOT, NULL, &r);
	assert_lint_ok(&r);
	assert_int_equal(r.count, 0);
}

static void test_smki_issuing_fields(void **state)
{
	X509 *x = s.issuing_cert;
	BASIC_CONSTRAINTS *bc;
	AUTHORITY_KEYID *aki;
	int crit;
	struct pki_lint r;

	(void)state;
	bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	assert_int_equal(crit, 1);
	assert_int_equal(ASN1_INTEGER_get(bc->pathlen), 0);
	BASIC_CONSTRAINTS_free(bc);
	aki = X509_get_ext_d2i(x, NID_authority_key_identifier, &crit, NULL);
	assert_int_equal(crit, 0);
	assert_null(aki->issuer);
	assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid, X509_get0_subject_key_id(s.root_cert)),
			 0);
	AUTHORITY_KEYID_free(aki);
	assert_int_equal(X509_check_issued(s.root_cert, x), X509_V_OK);
	assert_int_equal(pki_chain_verify(x, NULL, s.root_cert, T_NOW + 60), PKI_OK);
	/* Before notBefore and after notAfter the chain does not verify. */
	assert_int_equal(pki_chain_verify(x, NULL, s.root_cert, T_NOW - 60), PKI_E_CHAIN);
	assert_int_equal(pki_chain_verify(x, NULL, s.root_cert, T_NOW + 26LL * 365 * 86400),
			 PKI_E_CHAIN);
	lint_cert(x, PKI_PROFILE_SMKI_ISSUING, s.root_cert, &r);
	assert_lint_ok(&r);
	assert_int_equal(r.count, 0);
	/* Without the issuer, a notice says what could not be checked. */
	lint_cert(x, PKI_PROFILE_SMKI_ISSUING, NULL, &r);
	assert_lint_ok(&r);
	assert_true(pki_lint_has(&r, "cert.no-issuer"));
	/* Against the wrong issuer, the signature, issuer name and AKI rules break. */
	lint_cert(x, PKI_PROFILE_SMKI_ISSUING, x, &r);
	assert_true(pki_lint_has(&r, "cert.signature"));
	assert_true(pki_lint_has(&r, "cert.issuer"));
	assert_true(pki_lint_has(&r, "ext.aki"));
}

/* Rehearsal certificates carry both marks; production lint calls them errors. */
static void test_rehearsal_marks(void **state)
{
	struct smki t;
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_ROOT, .flags = PKI_LINT_PRODUCTION};

	(void)state;
	smki_build(&t, 1, PKI_WRAP_AES128_PAD);
	assert_int_equal(ASN1_STRING_get0_data(X509_get0_serialNumber(t.root_cert))[0], 0x52);
	assert_true(pki_name_is_rehearsal(X509_get_subject_name(t.root_cert)));
	assert_true(pki_name_is_rehearsal(X509_get_subject_name(t.issuing_cert)));
	assert_true(pki_name_is_rehearsal(X509_REQ_get_subject_name(t.recovery_csr)));
	lint_cert(t.root_cert, PKI_PROFILE_SMKI_ROOT, NULL, &r);
	assert_lint_ok(&r);
	assert_true(pki_lint_has(&r, "mark.rehearsal"));
	pki_lint_init(&r);
	pki_lint_cert(t.root_cert, &ctx, &r);
	assert_false(pki_lint_passed(&r));
	assert_true(pki_lint_has(&r, "mark.rehearsal"));
	/* A production issuance refuses a rehearsal CSR (subject kept from the CSR). */
	{
		struct pki_cert_params p = t_params(NULL, 0);
		X509 *x = (X509 *)1;

		assert_int_equal(
		    pki_cert_smki_issuing(s.root, s.root_cert, t.issuing_csr, &p, &x, &r),
		    PKI_E_LINT);
		assert_null(x);
		assert_true(pki_lint_has(&r, "mark.rehearsal"));
	}
	smki_free(&t);
}

/* Issuance refuses a CSR that breaks the profile, naming the rule; nothing is signed. */
static void expect_refused(X509_REQ *csr, const char *rule)
{
	struct pki_cert_params p = t_params(NULL, 0);
	struct pki_lint r;
	X509 *x = (X509 *)1;

	assert_non_null(csr);
	assert_int_equal(pki_cert_smki_issuing(s.root, s.root_cert, csr, &p, &x, &r), PKI_E_LINT);
	assert_null(x);
	if (!pki_lint_has(&r, rule))
		fail_msg("rule %s not reported", rule);
	X509_REQ_free(csr);
}

static void test_csr_refused(void **state)
{
	EVP_PKEY *p384, *rsa, *p256;
	char big[400] = "/OU=07/CN=Z1";

	(void)state;
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P384, &p384), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_RSA_3072, &rsa), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &p256), PKI_OK);

	/* The control: OpenSSL's own CSR of the right shape is accepted. */
	{
		struct pki_cert_params p = t_params(NULL, 0);
		X509_REQ *ok = raw_csr(p256, "/OU=07/CN=Z1", NULL, NULL);
		X509 *x;

		assert_int_equal(pki_cert_smki_issuing(s.root, s.root_cert, ok, &p, &x, NULL),
				 PKI_OK);
		X509_free(x);
		/* Bad signature: a flipped octet in the signature value. */
		expect_refused(csr_with_flipped_octet(ok, -1), "csr.signature");
		X509_REQ_free(ok);
	}
	expect_refused(raw_csr(p384, "/OU=07/CN=Z1", NULL, NULL), "smki.key");
	expect_refused(raw_csr(p384, "/OU=07/CN=Z1", NULL, NULL), "smki.sig-alg");
	expect_refused(raw_csr(rsa, "/OU=07/CN=Z1", NULL, NULL), "smki.key");
	expect_refused(raw_csr(p256, "/OU=07/CN=Z1", "subjectAltName", "DNS:example.com"),
		       "csr.ext-allowed");
	expect_refused(raw_csr(p256, "/OU=07/CN=Z1", "extendedKeyUsage", "serverAuth"),
		       "csr.ext-allowed");
	for (size_t i = 0, n = strlen(big); i < 6; i++, n = strlen(big))
		snprintf(big + n, sizeof(big) - n, "/OU=%s",
			 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
	expect_refused(raw_csr(p256, big, NULL, NULL), "name.size");
	expect_refused(raw_csr(p256, "/OU=02/CN=Z1", NULL, NULL), "smki.ou");
	expect_refused(raw_csr(p256, "/O=DCC/OU=07/CN=Z1", NULL, NULL), "name.type");
	expect_refused(raw_csr(p256,
			       "/OU=07/CN=1234567890123456789012345678901234567890123456789"
			       "0123456789012345",
			       NULL, NULL),
		       "name.length");
	EVP_PKEY_free(p384);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
}

/* A subject from the script replaces the CSR's, and the CSR's own is then not judged. */
static void test_issuing_subject_override(void **state)
{
	struct pki_cert_params p = t_params("OU=07,CN=Z2", 0);
	X509_REQ *csr = raw_csr(s.issuing, "/CN=anything", NULL, NULL);
	X509 *x;
	char text[PKI_NAME_TEXT_MAX];

	(void)state;
	assert_int_equal(pki_cert_smki_issuing(s.root, s.root_cert, csr, &p, &x, NULL), PKI_OK);
	pki_name_text(X509_get_subject_name(x), text, sizeof(text));
	assert_string_equal(text, "OU=07, CN=Z2");
	X509_free(x);
	/* The root key must match the root certificate. */
	assert_int_equal(pki_cert_smki_issuing(s.issuing, s.root_cert, csr, &p, &x, NULL),
			 PKI_E_KEY_MISMATCH);
	/* A script subject with the wrong role is refused by the certificate lint. */
	p.subject = "OU=02,CN=Z2";
	assert_int_equal(pki_cert_smki_issuing(s.root, s.root_cert, csr, &p, &x, NULL),
			 PKI_E_LINT);
	p.subject = "OU=07;CN=Z2";
	assert_int_equal(pki_cert_smki_issuing(s.root, s.root_cert, csr, &p, &x, NULL),
			 PKI_E_SUBJECT);
	p.subject = "OU=07,CN=Z2";
	p.npermitted = 1;
	p.permitted = t_policies;
	assert_int_equal(pki_cert_smki_issuing(s.root, s.root_cert, csr, &p, &x, NULL),
			 PKI_E_ARG);
	X509_REQ_free(csr);
}

/* The SMKI Root refuses what its profile forbids before signing. */
static void test_smki_root_refused(void **state)
{
	struct pki_cert_params p = t_params("OU=00,CN=ZA", 0);
	struct pki_contin_params c = {s.contin_spki, s.contin_spki_len, s.symkey, 16,
				      PKI_WRAP_AES128_PAD};
	EVP_PKEY *p384;
	uint8_t spki[PKI_SPKI_MAX];
	size_t len;
	struct pki_lint r;
	X509 *x = NULL;

	(void)state;
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P384, &p384), PKI_OK);
	assert_int_equal(pki_cert_smki_root(p384, NULL, &p, &c, &x, &r), PKI_E_LINT);
	assert_true(pki_lint_has(&r, "smki.key"));
	p.subject = "OU=07,CN=ZA";
	assert_int_equal(pki_cert_smki_root(s.root, NULL, &p, &c, &x, &r), PKI_E_LINT);
	assert_true(pki_lint_has(&r, "smki.ou"));
	p.subject = "OU=00,CN=ZA";
	p.npolicies = 0;
	assert_int_equal(pki_cert_smki_root(s.root, NULL, &p, &c, &x, &r), PKI_E_LINT);
	assert_true(pki_lint_has(&r, "ext.policies"));
	p.npolicies = 1;
	p.validity.not_after = p.validity.not_before;
	assert_int_equal(pki_cert_smki_root(s.root, NULL, &p, &c, &x, &r), PKI_E_TIME);
	p = t_params("OU=00,CN=ZA", 0);
	/* The contingency key must be P-256. */
	assert_int_equal(pki_key_spki(p384, spki, sizeof(spki), &len), PKI_OK);
	c.spki = spki;
	c.spki_len = len;
	assert_int_equal(pki_cert_smki_root(s.root, NULL, &p, &c, &x, &r), PKI_E_ALG);
	assert_null(x);
	EVP_PKEY_free(p384);
}

/* Validity encodings: UTCTime through 2049, GeneralizedTime from 2050. */
static void test_validity_encoding(void **state)
{
	struct pki_cert_params p = t_params("C=GB,CN=Long", 0);
	EVP_PKEY *key;
	X509 *x;

	(void)state;
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &key), PKI_OK);
	p.validity.not_after = 2524608000LL; /* 2050-01-01 */
	assert_int_equal(pki_cert_generic_root(key, &p, &x, NULL), PKI_OK);
	assert_int_equal(ASN1_STRING_type(X509_get0_notBefore(x)), V_ASN1_UTCTIME);
	assert_int_equal(ASN1_STRING_type(X509_get0_notAfter(x)), V_ASN1_GENERALIZEDTIME);
	X509_free(x);
	p.validity.not_after = 2524607999LL;
	assert_int_equal(pki_cert_generic_root(key, &p, &x, NULL), PKI_OK);
	assert_int_equal(ASN1_STRING_type(X509_get0_notAfter(x)), V_ASN1_UTCTIME);
	X509_free(x);
	assert_int_equal(pki_validity_days(T_NOW, 0, &p.validity), PKI_E_TIME);
	assert_int_equal(pki_validity_days(253402300000LL, 30, &p.validity), PKI_E_TIME);
	EVP_PKEY_free(key);
}

/* Generic root and subordinate for every algorithm, with pathLen and name constraints. */
static void test_generic_all_algs(void **state)
{
	static const enum pki_alg algs[] = {PKI_ALG_EC_P256, PKI_ALG_EC_P384, PKI_ALG_RSA_3072,
					    PKI_ALG_ED25519};
	static const int sig_nids[] = {NID_ecdsa_with_SHA256, NID_ecdsa_with_SHA384,
				       NID_sha256WithRSAEncryption, NID_ED25519};
	static const char *const permitted[] = {"DNS:example.com", "IP:10.0.0.0/255.0.0.0"};
	static const char *const excluded[] = {"DNS:bad.example.com"};

	(void)state;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct pki_cert_params rp = t_params("C=GB,O=Example,CN=Example Root", 0);
		struct pki_cert_params sp = t_params(NULL, 0);
		struct pki_csr_params cp = {.subject = "C=GB,O=Example,CN=Example Sub"};
		EVP_PKEY *rk, *sk;
		X509 *root, *sub;
		X509_REQ *csr;
		NAME_CONSTRAINTS *nc;
		BASIC_CONSTRAINTS *bc;
		struct pki_lint r;
		int crit;

		rp.path_len = 1;
		rp.policies = NULL;
		rp.npolicies = 0;
		sp.path_len = 0;
		sp.permitted = permitted;
		sp.npermitted = 2;
		sp.excluded = excluded;
		sp.nexcluded = 1;
		assert_int_equal(pki_key_generate(algs[i], &rk), PKI_OK);
		assert_int_equal(pki_key_generate(algs[(i + 1) % 4], &sk), PKI_OK);
		assert_int_equal(pki_cert_generic_root(rk, &rp, &root, &r), PKI_OK);
		assert_lint_ok(&r);
		assert_int_equal(X509_get_signature_nid(root), sig_nids[i]);
		assert_int_equal(ASN1_STRING_length(X509_get0_subject_key_id(root)), 20);
		assert_int_equal(pki_csr_build(sk, PKI_PROFILE_GENERIC_CSR, &cp, &csr, &r), PKI_OK);
		assert_int_equal(pki_cert_generic_sub(rk, root, csr, &sp, &sub, &r), PKI_OK);
		assert_lint_ok(&r);
		assert_int_equal(X509_get_signature_nid(sub), sig_nids[i]);
		assert_int_equal(pki_chain_verify(sub, NULL, root, T_NOW + 1), PKI_OK);
		nc = X509_get_ext_d2i(sub, NID_name_constraints, &crit, NULL);
		assert_non_null(nc);
		assert_int_equal(crit, 1);
		assert_int_equal(sk_GENERAL_SUBTREE_num(nc->permittedSubtrees), 2);
		assert_int_equal(sk_GENERAL_SUBTREE_num(nc->excludedSubtrees), 1);
		NAME_CONSTRAINTS_free(nc);
		bc = X509_get_ext_d2i(root, NID_basic_constraints, &crit, NULL);
		assert_int_equal(ASN1_INTEGER_get(bc->pathlen), 1);
		BASIC_CONSTRAINTS_free(bc);
		/* SMKI profiles refuse these, generic ones accept them. */
		lint_cert(root, PKI_PROFILE_SMKI_ROOT, NULL, &r);
		assert_false(pki_lint_passed(&r));
		lint_cert(sub, PKI_PROFILE_GENERIC_SUB, root, &r);
		assert_lint_ok(&r);
		X509_free(root);
		X509_free(sub);
		X509_REQ_free(csr);
		EVP_PKEY_free(rk);
		EVP_PKEY_free(sk);
	}
}

static void test_crl(void **state)
{
	static const uint8_t a[] = {0x01, 0x02, 0x03}, b[] = {0xFF, 0x00};
	struct pki_revoked rv[] = {{b, sizeof(b), T_NOW, CRL_REASON_KEY_COMPROMISE},
				   {a, sizeof(a), T_NOW - 10, PKI_CRL_REASON_NONE}};
	struct pki_crl_params p = {.this_update = T_NOW + 100,
				   .next_update = T_NOW + 100 + 30 * 86400,
				   .number = 7,
				   .revoked = rv,
				   .nrevoked = 2};
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_CRL, .issuer = s.root_cert};
	X509_CRL *crl;
	int reason;

	(void)state;
	assert_int_equal(pki_crl_reason_from_name("keyCompromise", &reason), PKI_OK);
	assert_int_equal(reason, 1);
	assert_int_equal(pki_crl_reason_from_name("unspecified", &reason), PKI_E_ARG);
	assert_int_equal(pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, &r),
			 PKI_OK);
	assert_lint_ok(&r);
	assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(s.root_cert)), 1);
	assert_int_equal(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 2);
	pki_lint_init(&r);
	pki_lint_crl(crl, &ctx, &r);
	assert_lint_ok(&r);
	/* Against another issuer: signature, issuer name, AKI. */
	ctx.issuer = s.issuing_cert;
	pki_lint_init(&r);
	pki_lint_crl(crl, &ctx, &r);
	assert_true(pki_lint_has(&r, "crl.signature"));
	assert_true(pki_lint_has(&r, "crl.issuer"));
	assert_true(pki_lint_has(&r, "ext.aki"));
	X509_CRL_free(crl);

	/* Refusals: repeated serial, revocation after thisUpdate, bad dates, wrong key. */
	rv[1] = rv[0];
	assert_int_equal(pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, &r),
			 PKI_E_ARG);
	rv[1] = (struct pki_revoked){a, sizeof(a), T_NOW + 200, 1};
	assert_int_equal(pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, &r),
			 PKI_E_TIME);
	rv[1] = (struct pki_revoked){a, sizeof(a), T_NOW, 7};
	assert_int_equal(pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, &r),
			 PKI_E_ARG);
	p.nrevoked = 0;
	p.next_update = p.this_update;
	assert_int_equal(pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, &r),
			 PKI_E_TIME);
	p.next_update = p.this_update + 1;
	assert_int_equal(pki_crl_sign(s.issuing, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, &r),
			 PKI_E_KEY_MISMATCH);
	assert_int_equal(pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_ROOT, &p, &crl, &r),
			 PKI_E_ARG);
}

/* The Recovery CSR and the import of the certificate the DCC issues from it. */
static void test_recovery(void **state)
{
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_RECOVERY_CSR};
	uint8_t id[PKI_ENTITY_ID_LEN], other[PKI_ENTITY_ID_LEN];
	X509 *cert;
	X509_REQ *csr;

	(void)state;
	pki_lint_init(&r);
	pki_lint_csr(s.recovery_csr, &ctx, &r);
	assert_lint_ok(&r);
	assert_int_equal(X509_REQ_verify(s.recovery_csr, X509_REQ_get0_pubkey(s.recovery_csr)), 1);
	assert_int_equal(pki_name_entity_id(X509_REQ_get_subject_name(s.recovery_csr), id), PKI_OK);
	assert_memory_equal(id, t_entity_id, sizeof(id));

	cert = recovery_cert(&s, T_NOW);
	lint_cert(cert, PKI_PROFILE_SMKI_RECOVERY, s.issuing_cert, &r);
	assert_lint_ok(&r);
	assert_int_equal(pki_smki_recovery_import(s.recovery, t_entity_id, cert, s.issuing_cert,
						  s.root_cert, T_NOW + 60, &r),
			 PKI_OK);
	assert_int_equal(pki_smki_recovery_import(s.root, t_entity_id, cert, s.issuing_cert,
						  s.root_cert, T_NOW + 60, &r),
			 PKI_E_KEY_MISMATCH);
	memcpy(other, t_entity_id, sizeof(other));
	other[7] ^= 1;
	assert_int_equal(pki_smki_recovery_import(s.recovery, other, cert, s.issuing_cert,
						  s.root_cert, T_NOW + 60, &r),
			 PKI_E_ENTITY_ID);
	assert_int_equal(pki_smki_recovery_import(s.recovery, t_entity_id, cert, s.issuing_cert,
						  s.root_cert, T_NOW - 60, &r),
			 PKI_E_CHAIN);
	/* Chained to the wrong CA: the lint against the given Issuing CA fails first. */
	assert_int_equal(pki_smki_recovery_import(s.recovery, t_entity_id, cert, s.root_cert,
						  s.root_cert, T_NOW + 60, &r),
			 PKI_E_LINT);
	X509_free(cert);

	/* The Recovery CSR needs its entity identifier, and only it has one. */
	{
		struct pki_csr_params p = {.subject = "OU=01"};

		assert_int_equal(
		    pki_csr_build(s.recovery, PKI_PROFILE_SMKI_RECOVERY_CSR, &p, &csr, &r),
		    PKI_E_ARG);
		p.entity_id = t_entity_id;
		assert_int_equal(
		    pki_csr_build(s.recovery, PKI_PROFILE_SMKI_ISSUING_CSR, &p, &csr, &r),
		    PKI_E_ARG);
		p.subject = "OU=02";
		assert_int_equal(
		    pki_csr_build(s.recovery, PKI_PROFILE_SMKI_RECOVERY_CSR, &p, &csr, &r),
		    PKI_E_LINT);
		assert_true(pki_lint_has(&r, "smki.ou"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smki_root_fields),
	    cmocka_unit_test(test_smki_issuing_fields),
	    cmocka_unit_test(test_rehearsal_marks),
	    cmocka_unit_test(test_csr_refused),
	    cmocka_unit_test(test_issuing_subject_override),
	    cmocka_unit_test(test_smki_root_refused),
	    cmocka_unit_test(test_validity_encoding),
	    cmocka_unit_test(test_generic_all_algs),
	    cmocka_unit_test(test_crl),
	    cmocka_unit_test(test_recovery),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
