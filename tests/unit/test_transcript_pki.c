/* Proof of possession with every supported key type, and `verify --artifacts`: certificates,
 * CSRs and CRLs made by openssl (tests/vectors/transcript/) checked against the keys the
 * transcript says signed them, and every way an artifact can be wrong.
 *
 * With CEREMONY_FIXTURE_OUT=FILE the fixture transcript is also written to FILE: that is how
 * tests/vectors/transcript/public/transcript.jsonl was made. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "transcript_test.h"

static const char *const fixture_files[] = { "root.pem", "recovery-csr.pem", "root-crl.pem",
					     "manifest.txt" };
#define NFILES (sizeof(fixture_files) / sizeof(fixture_files[0]))

static char vectors[512];

static void vector_path(char *out, size_t len, const char *name)
{
	scratch_path(out, len, vectors, name);
}

static EVP_PKEY *load_key(const char *name)
{
	char path[600];
	FILE *f;
	EVP_PKEY *k;

	vector_path(path, sizeof(path), name);
	f = fopen(path, "r");
	assert_non_null(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(k);
	return k;
}

static void file_sha256(const char *dir, const char *name, char out[65])
{
	char path[600];
	unsigned char *buf, d[32];
	size_t len = 0;

	scratch_path(path, sizeof(path), dir, name);
	buf = slurp(path, &len);
	assert_non_null(buf);
	crypto_hash_sha256(d, buf, len);
	hex32(d, out);
	free(buf);
}

/* The SHA-256 of the DER certificate in a PEM file. */
static void cert_sha256(const char *dir, const char *name, char out[65])
{
	char path[600];
	unsigned char *der = NULL, d[32];
	FILE *f;
	X509 *x;
	int n;

	scratch_path(path, sizeof(path), dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	n = i2d_X509(x, &der);
	assert_true(n > 0);
	crypto_hash_sha256(d, der, (unsigned long long)n);
	hex32(d, out);
	OPENSSL_free(der);
	X509_free(x);
}

/* Lets a test record something the fixture would not: the artifact records' fields. */
struct overrides {
	const char *cert_key, *cert_issuer, *cert_sha;
	const char *crl_issuer;
};

/* The SMKI key generation rehearsal behind the committed fixture: Root, Contingency (public key
 * unpublished), Contingency Symmetric and Recovery keys; the Root certificate, the Recovery CSR,
 * the first CRL and a manifest on the public medium; two Root shares; possession proved by Root
 * and Recovery. */
static void write_fixture(const char *path, const char *public_dir, const struct overrides *o)
{
	static const struct transcript_actor witness = { "witness", "Bob Witness" };
	static const struct transcript_actor carol = { "custodian", "Carol Custodian" };
	static const struct transcript_actor dave = { "custodian", "Dave Custodian" };
	static const struct transcript_actor auditor = { "auditor", "Erin Auditor" };
	int tick = 0;
	struct transcript_env env = { fixed_now, fixed_random, &tick };
	struct transcript_start st;
	struct transcript *t = NULL;
	EVP_PKEY *root = load_key("keys/root.key"), *recovery = load_key("keys/recovery.key");
	char root_fpr[65], rec_fpr[65], cont_fpr[65], h[65], hash[NFILES][65], root_cert[65];
	char *root_spki = spki_hex(root, root_fpr), *rec_spki = spki_hex(recovery, rec_fpr);
	unsigned char d[32], final[32];
	json_t *extra = json_pack("{s:s,s:s}", "profile", "smki", "script", "smki-keygen.yaml");

	for (size_t i = 0; i < NFILES; i++)
		file_sha256(public_dir, fixture_files[i], hash[i]);
	cert_sha256(public_dir, "root.pem", root_cert);
	fill_start(&st, "smki-keygen-rehearsal");
	crypto_hash_sha256(d, (const unsigned char *)"smki-keygen.yaml", 16);
	memcpy(st.script_sha256, d, 32);
	st.extra = extra;
	assert_int_equal(transcript_create(&t, path, NULL, &st, "0", &ADMIN, &env), TRANSCRIPT_OK);
	append(t, "1", &ADMIN, "go-no-go",
	       json_pack("{s:s,s:[s,s,s,s,s]}", "decision", "go", "checks", "air-gap", "entropy",
			 "clock", "self-tests", "quorum"));
	append(t, "2", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:s}", "name", "Alice Example", "role", "administrator",
			 "identity", "passport checked by Bob Witness"));
	append(t, "2", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:s}", "name", "Bob Witness", "role", "witness", "identity",
			 "driving licence"));
	append(t, "2", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:s}", "name", "Carol Custodian", "role", "custodian",
			 "identity", "passport"));
	append(t, "2", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:s}", "name", "Dave Custodian", "role", "custodian",
			 "identity", "passport"));
	append(t, "2", &ADMIN, "attendance",
	       json_pack("{s:s,s:s,s:s}", "name", "Erin Auditor", "role", "auditor", "identity",
			 "staff card"));
	append(t, "3", &witness, "acknowledgement",
	       json_pack("{s:s}", "subject", "image and script hashes match the published ones"));
	memset(d, 0x3c, 32);
	hex32(d, h);
	append(t, "4", &carol, "entropy-commitment",
	       json_pack("{s:s,s:s}", "commitment", h, "source", "dice rolls by custodians"));
	append(t, "5", &SYSTEM, "key-generated",
	       json_pack("{s:s,s:s,s:s,s:s}", "key", "root", "algorithm", "ecdsa-p256", "spki",
			 root_spki, "spki_sha256", root_fpr));
	memset(d, 0xc0, 32);
	hex32(d, cont_fpr);
	append(t, "5", &SYSTEM, "key-generated",
	       json_pack("{s:s,s:s,s:s}", "key", "contingency", "algorithm", "ecdsa-p256",
			 "spki_sha256", cont_fpr));
	append(t, "5", &SYSTEM, "key-generated",
	       json_pack("{s:s,s:s}", "key", "contingency-symmetric", "algorithm", "aes-128"));
	append(t, "5", &SYSTEM, "key-generated",
	       json_pack("{s:s,s:s,s:s,s:s}", "key", "recovery", "algorithm", "ecdsa-p256", "spki",
			 rec_spki, "spki_sha256", rec_fpr));
	append(t, "6", &witness, "acknowledgement",
	       json_pack("{s:s}", "subject", "Root and Recovery fingerprints read aloud"));
	assert_int_equal(transcript_checkpoint(t, "6", &SYSTEM, "key generation"), TRANSCRIPT_OK);
	append(t, "7", &SYSTEM, "certificate-issued",
	       json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "key", o && o->cert_key ? o->cert_key : "root",
			 "issuer", o && o->cert_issuer ? o->cert_issuer : "root", "file", "root.pem",
			 "sha256", hash[0], "cert_sha256",
			 o && o->cert_sha ? o->cert_sha : root_cert, "subject",
			 "OU=00, CN=ZA REHEARSAL"));
	append(t, "7", &SYSTEM, "csr-exported",
	       json_pack("{s:s,s:s,s:s}", "key", "recovery", "file", "recovery-csr.pem", "sha256",
			 hash[1]));
	append(t, "7", &SYSTEM, "crl-issued",
	       json_pack("{s:s,s:s,s:s}", "issuer", o && o->crl_issuer ? o->crl_issuer : "root",
			 "file", "root-crl.pem", "sha256", hash[2]));
	for (int m = 0; m < 2; m++) {
		const struct transcript_actor *c = m ? &dave : &carol;
		char medium[32], file[32], bag[32];

		snprintf(medium, sizeof(medium), "custodian-%d", m + 1);
		snprintf(file, sizeof(file), "root-share-%d.cshare", m + 1);
		snprintf(bag, sizeof(bag), "TEB-00%d", 4711 + m);
		memset(d, 0xa0 + m, 32);
		hex32(d, h);
		append(t, "8", c, "share-written",
		       json_pack("{s:s,s:i,s:i,s:s,s:s,s:s}", "key", "root", "group", 0, "member", m,
				 "medium", medium, "file", file, "sha256", h));
		append(t, "8", c, "share-verified",
		       json_pack("{s:s,s:i,s:i}", "key", "root", "group", 0, "member", m));
		append(t, "8", c, "share-accepted",
		       json_pack("{s:s,s:i,s:i,s:s}", "key", "root", "group", 0, "member", m, "bag",
				 bag));
	}
	append(t, "9", &SYSTEM, "reconstruction-tested",
	       json_pack("{s:s,s:i,s:s}", "key", "root", "shares", 2, "spki_sha256", root_fpr));
	append(t, "9", &ADMIN, "exception",
	       json_pack("{s:s,s:s}", "description",
			 "witness Bob left the room for five minutes; ceremony paused", "approved_by",
			 "Alice Example"));
	append(t, "10", &SYSTEM, "media-written",
	       json_pack("{s:s,s:s,s:s}", "medium", "public", "file", "manifest.txt", "sha256",
			 hash[3]));
	append(t, "11", &SYSTEM, "key-wiped", json_pack("{s:s}", "key", "root"));
	append(t, "11", &auditor, "acknowledgement",
	       json_pack("{s:s}", "subject", "secrets wiped; outputs listed"));
	assert_int_equal(transcript_checkpoint(t, "11", &SYSTEM, "shares and outputs"),
			 TRANSCRIPT_OK);
	assert_int_equal(transcript_prove_possession(t, "12", &SYSTEM, "root", root),
			 TRANSCRIPT_OK);
	assert_int_equal(transcript_prove_possession(t, "12", &SYSTEM, "recovery", recovery),
			 TRANSCRIPT_OK);
	assert_int_equal(transcript_close(t, "12", &ADMIN, final), TRANSCRIPT_OK);
	transcript_free(t);
	json_decref(extra);
	EVP_PKEY_free(root);
	EVP_PKEY_free(recovery);
	free(root_spki);
	free(rec_spki);
}

static void expect_file(const char *path, const char *artifacts, enum transcript_err want,
			const char *detail)
{
	struct transcript_summary sum;
	struct transcript_failure f;
	enum transcript_err e = verify_path(path, artifacts, &sum, &f);

	transcript_summary_free(&sum);
	if (e != want || (detail && strstr(f.detail, detail) == NULL))
		fail_msg("want %s (%s), got %s: %s", transcript_errname(want), detail ? detail : "",
			 transcript_errname(e), f.detail);
}

static void test_fixture(void **state)
{
	char *dir = scratch_dir(), path[600], pub[600], committed[600];
	static const char *const names[] = { "t.jsonl", NULL };
	const char *out = getenv("CEREMONY_FIXTURE_OUT");
	struct transcript_summary sum;
	struct transcript_failure f;

	(void)state;
	vector_path(pub, sizeof(pub), "public");
	scratch_path(path, sizeof(path), dir, "t.jsonl");
	write_fixture(path, pub, NULL);
	assert_int_equal(verify_path(path, pub, &sum, &f), TRANSCRIPT_OK);
	assert_int_equal(sum.outcome, TRANSCRIPT_CLOSED);
	assert_int_equal(sum.checkpoints, 2);
	assert_int_equal(sum.possessions, 2);
	assert_int_equal(sum.artifacts_checked, NFILES);
	assert_int_equal(sum.objects_checked, 3);
	transcript_summary_free(&sum);
	if (out != NULL && *out != '\0')
		write_fixture(out, pub, NULL);

	/* The committed fixture, as an auditor would check it. */
	vector_path(committed, sizeof(committed), "public/transcript.jsonl");
	assert_int_equal(verify_path(committed, pub, &sum, &f), TRANSCRIPT_OK);
	assert_int_equal(sum.artifacts_checked, NFILES);
	assert_int_equal(sum.objects_checked, 3);
	transcript_summary_free(&sum);
	remove_tree(dir, names);
	free(dir);
}

static unsigned char *must_read(const char *path, size_t *len)
{
	unsigned char *buf = slurp(path, len);

	if (buf == NULL) {
		fail_msg("cannot read %s", path);
		exit(1); /* not reached */
	}
	return buf;
}

static void put_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A copy of the public medium that a test may spoil. */
static char *copy_public(void)
{
	char *dir = scratch_dir(), src[600], dst[600];

	assert_non_null(dir);
	for (size_t i = 0; i < NFILES; i++) {
		unsigned char *buf;
		size_t len = 0;

		vector_path(src, sizeof(src), "public");
		scratch_path(dst, sizeof(dst), src, fixture_files[i]);
		buf = must_read(dst, &len);
		scratch_path(dst, sizeof(dst), dir, fixture_files[i]);
		put_file(dst, buf, len);
		free(buf);
	}
	return dir;
}

static void free_public(char *dir)
{
	static const char *const names[] = { "root.pem",     "recovery-csr.pem", "root-crl.pem",
					     "manifest.txt", "t.jsonl",		 NULL };

	remove_tree(dir, names);
	free(dir);
}

static void test_artifacts_spoiled(void **state)
{
	char *pub = copy_public(), path[600], file[600], *other;
	unsigned char *buf;
	size_t len = 0;

	(void)state;
	other = scratch_dir();
	assert_non_null(other);
	scratch_path(path, sizeof(path), other, "t.jsonl");
	write_fixture(path, pub, NULL);
	expect_file(path, pub, TRANSCRIPT_OK, NULL);

	/* The manifest changed. */
	scratch_path(file, sizeof(file), pub, "manifest.txt");
	buf = must_read(file, &len);
	put_file(file, (const unsigned char *)"tampered\n", 9);
	expect_file(path, pub, TRANSCRIPT_E_ARTIFACT, "'manifest.txt' does not match");
	put_file(file, buf, len);
	free(buf);

	/* The CSR missing, then a link in its place. */
	scratch_path(file, sizeof(file), pub, "recovery-csr.pem");
	buf = must_read(file, &len);
	unlink(file);
	expect_file(path, pub, TRANSCRIPT_E_ARTIFACT, "'recovery-csr.pem' is missing");
	assert_int_equal(symlink("root.pem", file), 0);
	expect_file(path, pub, TRANSCRIPT_E_ARTIFACT, "not a readable plain file");
	unlink(file);
	put_file(file, buf, len);
	free(buf);
	expect_file(path, pub, TRANSCRIPT_OK, NULL);
	expect_file(path, "/nonexistent/artifacts", TRANSCRIPT_E_IO, NULL);
	unlink(path);

	/* The records say something the files do not. */
	write_fixture(path, pub, &(struct overrides){ .cert_key = "recovery" });
	expect_file(path, pub, TRANSCRIPT_E_CERT, "is not for key 'recovery'");
	unlink(path);
	write_fixture(path, pub, &(struct overrides){ .cert_issuer = "recovery" });
	expect_file(path, pub, TRANSCRIPT_E_CERT, "is not signed by key 'recovery'");
	unlink(path);
	write_fixture(path, pub,
		      &(struct overrides){ .cert_sha = "00000000000000000000000000000000"
						       "00000000000000000000000000000000" });
	expect_file(path, pub, TRANSCRIPT_E_CERT, "does not match cert_sha256");
	unlink(path);
	write_fixture(path, pub, &(struct overrides){ .crl_issuer = "recovery" });
	expect_file(path, pub, TRANSCRIPT_E_CERT, "CRL in 'root-crl.pem' is not signed by key");
	/* Without --artifacts none of that is looked at. */
	expect_file(path, NULL, TRANSCRIPT_OK, NULL);
	unlink(path);
	rmdir(other);
	free(other);
	free_public(pub);
}

/* A certificate for key, signed by signer, in a file: one the fixture's Root did not sign. */
static void write_cert(const char *path, EVP_PKEY *key, EVP_PKEY *signer)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	FILE *f;

	assert_non_null(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"forged", -1, -1,
				   0);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	assert_true(X509_sign(x, signer, EVP_sha256()) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	PEM_write_X509(f, x);
	fclose(f);
	X509_NAME_free(n);
	X509_free(x);
}

/* A certificate that names the right key but was signed by another: caught by its signature. */
static void test_certificate_signed_by_other_key(void **state)
{
	char *pub = copy_public(), *other = scratch_dir(), path[600], file[600];
	EVP_PKEY *root = load_key("keys/root.key"), *stranger = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
										  "P-256");

	(void)state;
	assert_non_null(stranger);
	scratch_path(file, sizeof(file), pub, "root.pem");
	write_cert(file, root, stranger);
	scratch_path(path, sizeof(path), other, "t.jsonl");
	write_fixture(path, pub, NULL);
	expect_file(path, pub, TRANSCRIPT_E_CERT, "'root.pem' is not signed by key 'root'");
	unlink(path);
	rmdir(other);
	free(other);
	EVP_PKEY_free(root);
	EVP_PKEY_free(stranger);
	free_public(pub);
}

static void test_possession_algorithms(void **state)
{
	static const struct {
		const char *type, *param, *alg;
		size_t bits;
	} ok[] = {
		{ "EC", "P-256", "ecdsa-p256-sha256", 0 },
		{ "EC", "P-384", "ecdsa-p384-sha384", 0 },
		{ "RSA", NULL, "rsa-pkcs1-sha256", 2048 },
		{ "ED25519", NULL, "ed25519", 0 },
	};
	char fpr[65], *spki, name[16];
	struct scratch s;
	struct transcript *t;
	struct transcript_summary sum;
	struct transcript_failure f;
	unsigned char final[32];
	EVP_PKEY *k, *bad;

	(void)state;
	scratch_open(&s, "possession", NULL);
	t = s.t;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		k = ok[i].param ? EVP_PKEY_Q_keygen(NULL, NULL, ok[i].type, ok[i].param)
		    : ok[i].bits ? EVP_PKEY_Q_keygen(NULL, NULL, ok[i].type, ok[i].bits)
				 : EVP_PKEY_Q_keygen(NULL, NULL, ok[i].type);
		assert_non_null(k);
		spki = spki_hex(k, fpr);
		snprintf(name, sizeof(name), "key-%zu", i);
		/* Not in the transcript yet: refused. */
		assert_int_equal(transcript_prove_possession(t, "2", &SYSTEM, name, k),
				 TRANSCRIPT_E_CONFLICT);
		append(t, "2", &SYSTEM, "key-generated",
		       json_pack("{s:s,s:s,s:s,s:s}", "key", name, "algorithm", ok[i].alg, "spki",
				 spki, "spki_sha256", fpr));
		assert_int_equal(transcript_prove_possession(t, "2", &SYSTEM, name, k),
				 TRANSCRIPT_OK);
		/* Another key under the same name: refused. */
		bad = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		assert_int_equal(transcript_prove_possession(t, "2", &SYSTEM, name, bad),
				 TRANSCRIPT_E_CONFLICT);
		EVP_PKEY_free(bad);
		EVP_PKEY_free(k);
		free(spki);
	}
	/* Key types that cannot prove possession. */
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	assert_int_equal(transcript_prove_possession(t, "3", &SYSTEM, "key-0", k), TRANSCRIPT_E_KEY);
	EVP_PKEY_free(k);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	assert_int_equal(transcript_prove_possession(t, "3", &SYSTEM, "key-0", k), TRANSCRIPT_E_KEY);
	EVP_PKEY_free(k);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	assert_int_equal(transcript_prove_possession(t, "3", &SYSTEM, "key-0", k), TRANSCRIPT_E_KEY);
	EVP_PKEY_free(k);
	assert_int_equal(transcript_close(t, "3", &ADMIN, final), TRANSCRIPT_OK);
	assert_int_equal(verify_path(s.path, NULL, &sum, &f), TRANSCRIPT_OK);
	assert_int_equal(sum.possessions, 4);
	transcript_summary_free(&sum);
	scratch_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_artifacts_spoiled),
		cmocka_unit_test(test_certificate_signed_by_other_key),
		cmocka_unit_test(test_possession_algorithms),
	};
	const char *base = getenv("CEREMONY_TESTDATA");

	if (sodium_init() < 0)
		return 1;
	snprintf(vectors, sizeof(vectors), "%s/vectors/transcript", base ? base : "tests");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
