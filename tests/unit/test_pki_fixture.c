/*
 * Writes a full set of PKI artifacts made by the library, for tests/cli/cert_*.sh to check
 * with the openssl CLI: with PKI_FIXTURE_DIR set they go there; otherwise to a scratch
 * directory that is removed (the unit run still checks every one is produced and parses).
 * Test material only: the symmetric key and the Issuing CA key are written in the clear so
 * that openssl can unwrap the contingency key and issue a Recovery certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "tests/unit/pki_test.h"

#include "ceremony/pki/rawsig.h"

static char dir[4096];
static int scratch;
static int written;

static void write_file(const char *name, const void *data, size_t len)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	written++;
}

static void write_obj(const char *name, struct pki_obj *obj, int der)
{
	char *pem;
	size_t len;
	struct pki_obj back;

	if (der) {
		write_file(name, obj->der, obj->der_len);
	} else {
		assert_int_equal(pki_obj_pem(obj, &pem, &len), PKI_OK);
		assert_int_equal(pki_parse((uint8_t *)pem, len, &back), PKI_OK);
		pki_obj_free(&back);
		write_file(name, pem, len);
		OPENSSL_free(pem);
	}
}

static void write_cert(const char *name, X509 *x)
{
	struct pki_obj o;

	assert_int_equal(pki_obj_from_cert(X509_dup(x), &o), PKI_OK);
	write_obj(name, &o, 0);
	pki_obj_free(&o);
}

static void write_csr(const char *name, X509_REQ *req)
{
	struct pki_obj o;

	assert_int_equal(pki_obj_from_csr(X509_REQ_dup(req), &o), PKI_OK);
	write_obj(name, &o, 0);
	pki_obj_free(&o);
}

static void write_pubkey(const char *name, EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	assert_int_equal(PEM_write_bio_PUBKEY(bio, key), 1);
	n = BIO_get_mem_data(bio, &data);
	write_file(name, data, (size_t)n);
	BIO_free(bio);
}

static void write_hex(const char *name, const uint8_t *data, size_t len)
{
	char hex[129];

	assert_true(2 * len < sizeof(hex));
	sodium_bin2hex(hex, sizeof(hex), data, len);
	hex[2 * len] = '\n';
	write_file(name, hex, 2 * len + 1);
}

static int setup(void **state)
{
	const char *env = getenv("PKI_FIXTURE_DIR");

	if (pki_test_setup(state) != 0)
		return -1;
	if (env != NULL) {
		snprintf(dir, sizeof(dir), "%s", env);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/pki-fixture.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	scratch = 1;
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (scratch) {
		char path[4200];
		static const char *const names[] = {
		    "smki-root.pem",	   "smki-root.der",
		    "contin.pub.pem",	   "contin.spki.der",
		    "symkey.hex",	   "issuing.csr.pem",
		    "issuing.pem",	   "issuing.key.pem",
		    "recovery.csr.pem",	   "entity-id.hex",
		    "smki-crl.pem",	   "replacement-root.pem",
		    "rehearsal-root.pem",  "rehearsal-issuing.pem",
		    "generic-root.pem",	   "generic-sub.pem",
		    "generic-sub.csr.pem", "generic-crl.pem",
		    "rawsig.msg",	   "rawsig.sig",
		    "rawsig.pub.pem",	   "ed25519-root.pem",
		    "rsa-root.pem",
		};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			unlink(path);
		}
		rmdir(dir);
	}
	return 0;
}

static void test_smki(void **state)
{
	struct smki s, t;
	struct pki_obj o;
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	(void)state;
	smki_build(&s, 0, PKI_WRAP_AES128_PAD);
	write_cert("smki-root.pem", s.root_cert);
	assert_int_equal(pki_obj_from_cert(X509_dup(s.root_cert), &o), PKI_OK);
	write_obj("smki-root.der", &o, 1);
	pki_obj_free(&o);
	write_pubkey("contin.pub.pem", s.contin);
	write_file("contin.spki.der", s.contin_spki, s.contin_spki_len);
	write_hex("symkey.hex", s.symkey, s.symkey_len);
	write_csr("issuing.csr.pem", s.issuing_csr);
	write_cert("issuing.pem", s.issuing_cert);
	assert_int_equal(PEM_write_bio_PrivateKey(bio, s.issuing, NULL, NULL, 0, NULL, NULL), 1);
	n = BIO_get_mem_data(bio, &data);
	write_file("issuing.key.pem", data, (size_t)n);
	BIO_free(bio);
	write_csr("recovery.csr.pem", s.recovery_csr);
	write_hex("entity-id.hex", t_entity_id, sizeof(t_entity_id));

	/* A CRL revoking two serials. */
	{
		static const uint8_t a[] = {0x52, 0x01}, b[] = {0x10, 0x20, 0x30};
		struct pki_revoked rv[] = {{a, 2, T_NOW, CRL_REASON_KEY_COMPROMISE},
					   {b, 3, T_NOW, CRL_REASON_SUPERSEDED}};
		struct pki_crl_params p = {.this_update = T_NOW + 60,
					   .next_update = T_NOW + 60 + 90 * 86400,
					   .number = 1,
					   .revoked = rv,
					   .nrevoked = 2};
		X509_CRL *crl;

		assert_int_equal(
		    pki_crl_sign(s.root, s.root_cert, PKI_PROFILE_SMKI_CRL, &p, &crl, NULL),
		    PKI_OK);
		assert_int_equal(pki_obj_from_crl(crl, &o), PKI_OK);
		write_obj("smki-crl.pem", &o, 0);
		pki_obj_free(&o);
	}

	/* The contingency replacement Root, signed by the Contingency key. */
	{
		struct pki_cert_params p = t_params("OU=00,CN=ZA", 0);
		EVP_PKEY *root2, *contin2;
		uint8_t *sym2, spki[PKI_SPKI_MAX];
		size_t len;
		struct pki_contin_params c;
		X509 *repl;

		assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &root2), PKI_OK);
		assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &contin2), PKI_OK);
		assert_int_equal(pki_symkey_generate(16, &sym2), PKI_OK);
		assert_int_equal(pki_key_spki(contin2, spki, sizeof(spki), &len), PKI_OK);
		c = (struct pki_contin_params){spki, len, sym2, 16, PKI_WRAP_AES128_PAD};
		assert_int_equal(pki_cert_smki_root(root2, s.contin, &p, &c, &repl, NULL), PKI_OK);
		assert_int_equal(pki_contin_check_replacement(s.root_cert, s.symkey, 16, repl),
				 PKI_OK);
		write_cert("replacement-root.pem", repl);
		X509_free(repl);
		EVP_PKEY_free(root2);
		EVP_PKEY_free(contin2);
		pki_secret_free(sym2, 16);
	}

	/* A bare r||s signature by the Recovery key. */
	{
		static const uint8_t msg[] = "GBCS Update Security Credentials, mode 8";
		uint8_t sig[PKI_RAWSIG_LEN];

		assert_int_equal(pki_rawsig_sign(s.recovery, msg, sizeof(msg) - 1, sig), PKI_OK);
		write_file("rawsig.msg", msg, sizeof(msg) - 1);
		write_file("rawsig.sig", sig, sizeof(sig));
		write_pubkey("rawsig.pub.pem", s.recovery);
	}

	smki_build(&t, 1, PKI_WRAP_AES256_PAD);
	write_cert("rehearsal-root.pem", t.root_cert);
	write_cert("rehearsal-issuing.pem", t.issuing_cert);
	smki_free(&t);
	smki_free(&s);
}

static void test_generic(void **state)
{
	struct pki_cert_params rp = t_params("C=GB,O=Example,CN=Example Root", 0);
	struct pki_cert_params sp = t_params(NULL, 0);
	struct pki_csr_params cp = {.subject = "C=GB,O=Example,CN=Example Issuing"};
	static const char *const permitted[] = {"DNS:example.com"};
	EVP_PKEY *rk, *sk, *ek, *xk;
	X509 *root, *sub, *other;
	X509_REQ *csr;
	struct pki_obj o;

	(void)state;
	rp.path_len = 1;
	sp.path_len = 0;
	sp.permitted = permitted;
	sp.npermitted = 1;
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P384, &rk), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &sk), PKI_OK);
	assert_int_equal(pki_cert_generic_root(rk, &rp, &root, NULL), PKI_OK);
	assert_int_equal(pki_csr_build(sk, PKI_PROFILE_GENERIC_CSR, &cp, &csr, NULL), PKI_OK);
	assert_int_equal(pki_cert_generic_sub(rk, root, csr, &sp, &sub, NULL), PKI_OK);
	write_cert("generic-root.pem", root);
	write_cert("generic-sub.pem", sub);
	write_csr("generic-sub.csr.pem", csr);
	{
		struct pki_crl_params p = {
		    .this_update = T_NOW, .next_update = T_NOW + 86400, .number = 3};
		X509_CRL *crl;

		assert_int_equal(pki_crl_sign(rk, root, PKI_PROFILE_GENERIC_CRL, &p, &crl, NULL),
				 PKI_OK);
		assert_int_equal(pki_obj_from_crl(crl, &o), PKI_OK);
		write_obj("generic-crl.pem", &o, 0);
		pki_obj_free(&o);
	}
	rp.subject = "CN=Ed25519 Root";
	assert_int_equal(pki_key_generate(PKI_ALG_ED25519, &ek), PKI_OK);
	assert_int_equal(pki_cert_generic_root(ek, &rp, &other, NULL), PKI_OK);
	write_cert("ed25519-root.pem", other);
	X509_free(other);
	rp.subject = "CN=RSA Root";
	assert_int_equal(pki_key_generate(PKI_ALG_RSA_3072, &xk), PKI_OK);
	assert_int_equal(pki_cert_generic_root(xk, &rp, &other, NULL), PKI_OK);
	write_cert("rsa-root.pem", other);
	X509_free(other);
	X509_free(root);
	X509_free(sub);
	X509_REQ_free(csr);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(sk);
	EVP_PKEY_free(ek);
	EVP_PKEY_free(xk);
}

static void test_all_written(void **state)
{
	(void)state;
	assert_int_equal(written, 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_smki),
	    cmocka_unit_test(test_generic),
	    cmocka_unit_test(test_all_written),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
