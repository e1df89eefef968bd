/* Subjects from script strings, their rendering, the rehearsal mark, the entity identifier,
 * and the other strict text inputs (policy OIDs, name constraints). */
#include "tests/unit/pki_test.h"

#include "ceremony/pki/ext.h"
#include "ceremony/pki/name.h"

static void expect_text(const char *subject, const char *want)
{
	X509_NAME *name = NULL;
	char text[PKI_NAME_TEXT_MAX];

	assert_int_equal(pki_name_parse(subject, &name), PKI_OK);
	assert_int_equal(pki_name_text(name, text, sizeof(text)), PKI_OK);
	assert_string_equal(text, want);
	X509_NAME_free(name);
}

static void test_parse_good(void **state)
{
	(void)state;
	expect_text("OU=00,CN=ZA", "OU=00, CN=ZA");
	expect_text("OU=00, CN=ZA", "OU=00, CN=ZA");
	expect_text("C=GB,ST=London,L=City,O=Example Ltd,OU=PKI,CN=Example Root,serialNumber=42",
		    "C=GB, ST=London, L=City, O=Example Ltd, OU=PKI, CN=Example Root, "
		    "serialNumber=42");
	/* UTF-8 is kept in the DER and escaped in the rendering. */
	expect_text("CN=Zo\xc3\xab", "CN=Zo\\xC3\\xAB");
}

/* The DER: OU first, UTF8String; C as PrintableString. */
static void test_parse_der(void **state)
{
	static const uint8_t want[] = {0x30, 0x1A, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
				       0x0B, 0x0C, 0x02, '0',  '0',  0x31, 0x0B, 0x30, 0x09, 0x06,
				       0x03, 0x55, 0x04, 0x03, 0x0C, 0x02, 'Z',	 'A'};
	X509_NAME *name;
	unsigned char *der = NULL;
	int n;

	(void)state;
	assert_int_equal(pki_name_parse("OU=00,CN=ZA", &name), PKI_OK);
	n = i2d_X509_NAME(name, &der);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(der, want, sizeof(want));
	OPENSSL_free(der);
	X509_NAME_free(name);
	assert_int_equal(pki_name_parse("C=GB", &name), PKI_OK);
	assert_int_equal(ASN1_STRING_type(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, 0))),
			 V_ASN1_PRINTABLESTRING);
	X509_NAME_free(name);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "OU",
	    "OU=",
	    "=00",
	    "OU=00,",
	    ",OU=00",
	    "OU=00,,CN=ZA",
	    "ou=00",
	    "X=1",
	    "OU =00",
	    "OU= 00",
	    "OU=00 ",
	    "CN=a,b",
	    "CN=a+b",
	    "CN=a=b",
	    "CN=a\\,b",
	    "CN=\"a\"",
	    "CN=a;b",
	    "CN=<a>",
	    "C=gb",
	    "C=GBR",
	    "C=G",
	    "serialNumber=a_b",
	    "CN=a\tb",
	    "CN=a\x7f",
	    "CN=\xc3",
	    "CN=\xc0\xaf",
	    "CN=\xed\xa0\x80",
	    "CN=\xc2\x85",
	    "CN="
	    "12345678901234567890123456789012345678901234567890123456789012345",
	    "emailAddress=a@b",
	};
	char big[PKI_SUBJECT_MAX + 8];
	X509_NAME *name = (X509_NAME *)1;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (pki_name_parse(bad[i], &name) != PKI_E_SUBJECT)
			fail_msg("accepted subject %zu '%s'", i, bad[i]);
		assert_null(name);
	}
	/* 17 attributes, and a string over the size limit. */
	assert_int_equal(pki_name_parse("CN=1,CN=2,CN=3,CN=4,CN=5,CN=6,CN=7,CN=8,CN=9,CN=10,"
					"CN=11,CN=12,CN=13,CN=14,CN=15,CN=16,CN=17",
					&name),
			 PKI_E_SUBJECT);
	memset(big, 'a', sizeof(big));
	memcpy(big, "O=", 2);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(pki_name_parse(big, &name), PKI_E_SUBJECT);
	/* 64 characters (not bytes) is the CN bound. */
	{
		char cn[3 + 64 * 2 + 1] = "CN=";

		for (int i = 0; i < 64; i++)
			memcpy(cn + 3 + 2 * i, "\xc3\xa9", 2);
		cn[sizeof(cn) - 1] = '\0';
		assert_int_equal(pki_name_parse(cn, &name), PKI_OK);
		X509_NAME_free(name);
	}
}

static void test_rehearsal_mark(void **state)
{
	X509_NAME *name;
	char text[PKI_NAME_TEXT_MAX];

	(void)state;
	assert_int_equal(pki_name_parse("OU=00,CN=ZA", &name), PKI_OK);
	assert_false(pki_name_is_rehearsal(name));
	assert_int_equal(pki_name_mark_rehearsal(name), PKI_OK);
	assert_true(pki_name_is_rehearsal(name));
	assert_int_equal(pki_name_mark_rehearsal(name), PKI_OK); /* idempotent */
	assert_int_equal(pki_name_text(name, text, sizeof(text)), PKI_OK);
	assert_string_equal(text, "OU=00, CN=REHEARSAL ZA");
	X509_NAME_free(name);

	assert_int_equal(pki_name_parse("OU=01", &name), PKI_OK);
	assert_int_equal(pki_name_mark_rehearsal(name), PKI_OK);
	assert_int_equal(pki_name_text(name, text, sizeof(text)), PKI_OK);
	assert_string_equal(text, "OU=01, CN=REHEARSAL");
	X509_NAME_free(name);

	/* "REHEARSALS" is not the mark; a CN too long to take the prefix is refused. */
	assert_int_equal(pki_name_parse("CN=REHEARSALS", &name), PKI_OK);
	assert_false(pki_name_is_rehearsal(name));
	X509_NAME_free(name);
	assert_int_equal(pki_name_parse("CN=12345678901234567890123456789012345678901234567890"
					"1234567890",
					&name),
			 PKI_OK);
	assert_int_equal(pki_name_mark_rehearsal(name), PKI_E_SUBJECT);
	X509_NAME_free(name);
}

static void test_entity_id(void **state)
{
	X509_NAME *name;
	uint8_t id[PKI_ENTITY_ID_LEN];
	unsigned char *der = NULL;
	char text[PKI_NAME_TEXT_MAX];
	int n;
	/* A trailing zero octet: the BIT STRING must keep all 64 bits (03 09 00 ...). */
	static const uint8_t tail[] = {0x06, 0x03, 0x55, 0x04, 0x2D, 0x03, 0x09, 0x00,
				       0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x01, 0x00, 0x00};

	(void)state;
	assert_int_equal(pki_name_parse("OU=01", &name), PKI_OK);
	assert_int_equal(pki_name_entity_id(name, id), PKI_E_ENTITY_ID);
	assert_int_equal(pki_name_add_entity_id(name, t_entity_id), PKI_OK);
	assert_int_equal(pki_name_entity_id(name, id), PKI_OK);
	assert_memory_equal(id, t_entity_id, sizeof(id));
	n = i2d_X509_NAME(name, &der);
	assert_true(n > (int)sizeof(tail));
	assert_memory_equal(der + n - sizeof(tail), tail, sizeof(tail));
	OPENSSL_free(der);
	assert_int_equal(pki_name_text(name, text, sizeof(text)), PKI_OK);
	assert_string_equal(text, "OU=01, x500UniqueIdentifier='90B3D51F30010000'H");
	/* Two identifiers are one too many. */
	assert_int_equal(pki_name_add_entity_id(name, t_entity_id), PKI_OK);
	assert_int_equal(pki_name_entity_id(name, id), PKI_E_ENTITY_ID);
	X509_NAME_free(name);
}

/* Untrusted names render as printable ASCII, truncated with "..." when too long. */
static void test_text_untrusted(void **state)
{
	X509_NAME *name = X509_NAME_new();
	char text[32];

	(void)state;
	X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_UTF8STRING,
				   (const unsigned char *)"a\x1b[31mb\\", -1, -1, 0);
	assert_int_equal(pki_name_text(name, text, sizeof(text)), PKI_OK);
	assert_string_equal(text, "CN=a\\x1B[31mb\\x5C");
	X509_NAME_add_entry_by_NID(name, NID_organizationName, V_ASN1_UTF8STRING,
				   (const unsigned char *)"a long organisation name", -1, -1, 0);
	assert_int_equal(pki_name_text(name, text, sizeof(text)), PKI_E_BUFFER);
	assert_int_equal(strlen(text), sizeof(text) - 1);
	assert_string_equal(text + sizeof(text) - 4, "...");
	X509_NAME_free(name);
}

static void test_policy_oid(void **state)
{
	static const char *const good[] = {T_POLICY, "2.5.29.32.0", "0.0", "1.39.1"};
	static const char *const bad[] = {"",	    "1",    "3.1",   "1.",     ".1",   "1..2",
					  "1.2.03", "1.40", "1.2.a", "1.2 .3", "01.2", "anyPolicy"};
	ASN1_OBJECT *obj;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(pki_policy_oid(good[i], &obj), PKI_OK);
		ASN1_OBJECT_free(obj);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pki_policy_oid(bad[i], &obj) != PKI_E_OID)
			fail_msg("accepted OID '%s'", bad[i]);
}

/* SKI method 2 by hand from the RFC 5280 text, against pki_ski_compute. */
static void test_ski_methods(void **state)
{
	EVP_PKEY *key;
	X509_PUBKEY *pub = NULL;
	const unsigned char *bits;
	int bitslen;
	uint8_t sha1[20], ski[PKI_SKI_MAX];
	size_t len;

	(void)state;
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &key), PKI_OK);
	assert_int_equal(X509_PUBKEY_set(&pub, key), 1);
	assert_int_equal(X509_PUBKEY_get0_param(NULL, &bits, &bitslen, NULL, pub), 1);
	assert_int_equal(bitslen, 65);
	assert_int_equal(EVP_Digest(bits, (size_t)bitslen, sha1, NULL, EVP_sha1(), NULL), 1);
	assert_int_equal(pki_ski_compute(pub, 1, ski, &len), PKI_OK);
	assert_int_equal(len, 20);
	assert_memory_equal(ski, sha1, 20);
	assert_int_equal(pki_ski_compute(pub, 2, ski, &len), PKI_OK);
	assert_int_equal(len, 8);
	assert_int_equal(ski[0] >> 4, 0x4);
	assert_int_equal(ski[0] & 0x0F, sha1[12] & 0x0F);
	assert_memory_equal(ski + 1, sha1 + 13, 7);
	assert_int_equal(pki_ski_compute(pub, 3, ski, &len), PKI_E_ARG);
	X509_PUBKEY_free(pub);
	EVP_PKEY_free(key);
}

static void test_name_constraints(void **state)
{
	static const char *const good[] = {"DNS:example.com", "email:example.com",
					   "URI:.example.com", "IP:192.0.2.0/255.255.255.0"};
	static const char *const bad[][1] = {
	    {"DNS:"}, {"dns:example.com"}, {"IP:192.0.2.0"}, {"DNS:a b"}, {"DirName:CN=x"}};
	X509 *x = X509_new();

	(void)state;
	assert_int_equal(pki_ext_add_nc(x, good, 4, good, 1), PKI_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pki_ext_add_nc(x, bad[i], 1, NULL, 0), PKI_E_CONSTRAINT);
	assert_int_equal(X509_get_ext_count(x), 1);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(x, 0)), 1);
	X509_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),	     cmocka_unit_test(test_parse_der),
	    cmocka_unit_test(test_parse_bad),	     cmocka_unit_test(test_rehearsal_mark),
	    cmocka_unit_test(test_entity_id),	     cmocka_unit_test(test_text_untrusted),
	    cmocka_unit_test(test_policy_oid),	     cmocka_unit_test(test_ski_methods),
	    cmocka_unit_test(test_name_constraints),
	};

	return cmocka_run_group_tests(tests, pki_test_setup, NULL);
}
