/* Keys: generation, PKCS#8 round trips through sodium_malloc buffers, SPKI, the proof that a
 * rebuilt key is the recorded one, symmetric keys, and raw r||s signatures. */
#include "tests/unit/pki_test.h"

#include "ceremony/pki/rawsig.h"

static const enum pki_alg all_algs[] = {PKI_ALG_EC_P256, PKI_ALG_EC_P384, PKI_ALG_RSA_3072,
					PKI_ALG_RSA_4096, PKI_ALG_ED25519};
static EVP_PKEY *keys[5];

static int setup_keys(void **state)
{
	if (pki_test_setup(state) != 0)
		return -1;
	for (size_t i = 0; i < 5; i++)
		if (pki_key_generate(all_algs[i], &keys[i]) != PKI_OK)
			return -1;
	return 0;
}

static int teardown_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < 5; i++)
		EVP_PKEY_free(keys[i]);
	return 0;
}

static void test_alg_names(void **state)
{
	enum pki_alg alg;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(pki_alg_from_name(pki_alg_name(all_algs[i]), &alg), PKI_OK);
		assert_int_equal(alg, all_algs[i]);
	}
	assert_int_equal(pki_alg_from_name("ec-p256", &alg), PKI_OK);
	assert_int_equal(alg, PKI_ALG_EC_P256);
	assert_int_equal(pki_alg_from_name("EC-P256", &alg), PKI_E_ALG);
	assert_int_equal(pki_alg_from_name("rsa-2048", &alg), PKI_E_ALG);
	assert_int_equal(pki_alg_from_name("", &alg), PKI_E_ALG);
}

/* Each generated key is of the algorithm asked for, with the expected SPKI size. */
static void test_generate(void **state)
{
	static const size_t spki_len[] = {91, 120, 422, 550, 44};
	uint8_t spki[PKI_SPKI_MAX];
	size_t len;
	enum pki_alg alg;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(pki_key_alg(keys[i], &alg), PKI_OK);
		assert_int_equal(alg, all_algs[i]);
		assert_int_equal(pki_key_spki(keys[i], spki, sizeof(spki), &len), PKI_OK);
		assert_int_equal(len, spki_len[i]);
	}
	/* P-256 SPKI: uncompressed point (0x04) at the start of the 65-octet key. */
	assert_int_equal(pki_key_spki(keys[0], spki, sizeof(spki), &len), PKI_OK);
	assert_int_equal(spki[26], 0x04);
	assert_int_equal(pki_key_spki(keys[3], spki, 100, &len), PKI_E_BUFFER);
}

/* Export to PKCS#8 in a sodium_malloc buffer, import back: the same key, proved by
 * pki_key_matches; a different key does not match. */
static void test_pkcs8_round_trip(void **state)
{
	uint8_t spki[PKI_SPKI_MAX], again[PKI_SPKI_MAX];
	size_t len, againlen, derlen;
	uint8_t *der;
	EVP_PKEY *back;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(pki_key_export_pkcs8(keys[i], &der, &derlen), PKI_OK);
		assert_non_null(der);
		assert_true(derlen > 32 && derlen <= PKI_PKCS8_MAX);
		assert_int_equal(der[0], 0x30);
		assert_int_equal(pki_key_import_pkcs8(der, derlen, &back), PKI_OK);
		assert_int_equal(pki_key_spki(keys[i], spki, sizeof(spki), &len), PKI_OK);
		assert_int_equal(pki_key_spki(back, again, sizeof(again), &againlen), PKI_OK);
		assert_memory_equal(spki, again, len);
		assert_int_equal(pki_key_matches(back, spki, len), PKI_OK);
		assert_int_equal(pki_key_matches(keys[(i + 1) % 5], spki, len),
				 PKI_E_KEY_MISMATCH);
		EVP_PKEY_free(back);
		pki_secret_free(der, derlen);
	}
}

static void test_pkcs8_strict(void **state)
{
	uint8_t *der, *longer;
	size_t derlen;
	EVP_PKEY *back = (EVP_PKEY *)1;

	(void)state;
	assert_int_equal(pki_key_export_pkcs8(keys[0], &der, &derlen), PKI_OK);
	longer = sodium_malloc(derlen + 1);
	memcpy(longer, der, derlen);
	longer[derlen] = 0;
	assert_int_equal(pki_key_import_pkcs8(longer, derlen + 1, &back), PKI_E_TRAILING);
	assert_null(back);
	assert_int_equal(pki_key_import_pkcs8(der, derlen - 1, &back), PKI_E_PARSE);
	assert_int_equal(pki_key_import_pkcs8(der, 0, &back), PKI_E_PARSE);
	longer[0] = 0x31;
	assert_int_equal(pki_key_import_pkcs8(longer, derlen, &back), PKI_E_PARSE);
	pki_secret_free(longer, derlen + 1);
	pki_secret_free(der, derlen);
}

/* An unsupported key (RSA 2048) is refused on import. */
static void test_pkcs8_unsupported(void **state)
{
	EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048), *back;
	unsigned char *der = NULL;
	int n;

	(void)state;
	assert_non_null(rsa);
	n = i2d_PrivateKey(rsa, &der);
	assert_true(n > 0);
	/* i2d_PrivateKey gives the RSAPrivateKey form; PKCS#8 is what the import takes. */
	assert_int_equal(pki_key_import_pkcs8(der, (size_t)n, &back), PKI_E_PARSE);
	OPENSSL_free(der);
	der = NULL;
	{
		PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(rsa);

		n = i2d_PKCS8_PRIV_KEY_INFO(p8, &der);
		PKCS8_PRIV_KEY_INFO_free(p8);
	}
	assert_int_equal(pki_key_import_pkcs8(der, (size_t)n, &back), PKI_E_ALG);
	OPENSSL_clear_free(der, (size_t)n);
	EVP_PKEY_free(rsa);
}

/* The proof refuses a key whose public half was swapped in: equal SPKI is not enough. */
static void test_matches_needs_private_half(void **state)
{
	uint8_t spki[PKI_SPKI_MAX];
	size_t len;
	EVP_PKEY *pub;

	(void)state;
	assert_int_equal(pki_key_spki(keys[0], spki, sizeof(spki), &len), PKI_OK);
	assert_int_equal(pki_pubkey_from_spki(spki, len, &pub), PKI_OK);
	/* A public-only key cannot sign: not a match. */
	assert_int_not_equal(pki_key_matches(pub, spki, len), PKI_OK);
	EVP_PKEY_free(pub);
	spki[len - 1] ^= 1;
	assert_int_equal(pki_key_matches(keys[0], spki, len), PKI_E_KEY_MISMATCH);
}

static void test_spki_strict(void **state)
{
	uint8_t spki[PKI_SPKI_MAX + 1];
	size_t len;
	EVP_PKEY *pub;

	(void)state;
	assert_int_equal(pki_key_spki(keys[0], spki, sizeof(spki), &len), PKI_OK);
	spki[len] = 0;
	assert_int_equal(pki_pubkey_from_spki(spki, len + 1, &pub), PKI_E_TRAILING);
	assert_int_equal(pki_pubkey_from_spki(spki, len - 1, &pub), PKI_E_PARSE);
	assert_null(pub);
}

static void test_fingerprint(void **state)
{
	uint8_t spki[PKI_SPKI_MAX], fpr[32], want[32];
	size_t len;

	(void)state;
	assert_int_equal(pki_key_spki(keys[1], spki, sizeof(spki), &len), PKI_OK);
	assert_int_equal(pki_key_fingerprint(keys[1], fpr), PKI_OK);
	crypto_hash_sha256(want, spki, len);
	assert_memory_equal(fpr, want, 32);
}

static void test_symkey(void **state)
{
	uint8_t *a, *b;

	(void)state;
	assert_int_equal(pki_symkey_generate(16, &a), PKI_OK);
	assert_int_equal(pki_symkey_generate(32, &b), PKI_OK);
	assert_memory_not_equal(a, b, 16);
	pki_secret_free(a, 16);
	pki_secret_free(b, 32);
	assert_int_equal(pki_symkey_generate(24, &a), PKI_E_ARG);
	assert_null(a);
	pki_secret_free(NULL, 0);
}

static void test_sign_verify(void **state)
{
	static const uint8_t msg[] = "a message";
	uint8_t sig[PKI_SIG_MAX];
	size_t siglen;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(pki_sign(keys[i], msg, sizeof(msg), sig, sizeof(sig), &siglen),
				 PKI_OK);
		assert_int_equal(pki_verify(keys[i], msg, sizeof(msg), sig, siglen), PKI_OK);
		assert_int_equal(pki_verify(keys[i], msg, sizeof(msg) - 1, sig, siglen),
				 PKI_E_SIGNATURE);
	}
}

/* r || s: sign, verify, reject tampering, and agree with an independent DER verification. */
static void test_rawsig(void **state)
{
	static const uint8_t msg[] = "Update Security Credentials";
	uint8_t sig[PKI_RAWSIG_LEN], der[PKI_RAWSIG_DER_MAX], back[PKI_RAWSIG_LEN];
	size_t derlen;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	(void)state;
	assert_int_equal(pki_rawsig_sign(keys[0], msg, sizeof(msg), sig), PKI_OK);
	assert_int_equal(pki_rawsig_verify(keys[0], msg, sizeof(msg), sig), PKI_OK);
	assert_int_equal(pki_rawsig_to_der(sig, der, sizeof(der), &derlen), PKI_OK);
	assert_int_equal(der[0], 0x30);
	assert_int_equal(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, keys[0]), 1);
	assert_int_equal(EVP_DigestVerify(ctx, der, derlen, msg, sizeof(msg)), 1);
	assert_int_equal(pki_rawsig_from_der(der, derlen, back), PKI_OK);
	assert_memory_equal(sig, back, sizeof(sig));
	sig[63] ^= 1;
	assert_int_equal(pki_rawsig_verify(keys[0], msg, sizeof(msg), sig), PKI_E_SIGNATURE);
	memset(sig, 0, sizeof(sig));
	assert_int_equal(pki_rawsig_verify(keys[0], msg, sizeof(msg), sig), PKI_E_SIGNATURE);
	assert_int_equal(pki_rawsig_sign(keys[1], msg, sizeof(msg), sig), PKI_E_ALG);
	assert_int_equal(pki_rawsig_sign(keys[2], msg, sizeof(msg), sig), PKI_E_ALG);
	assert_int_equal(pki_rawsig_from_der(der, derlen - 1, back), PKI_E_PARSE);
	EVP_MD_CTX_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alg_names),
	    cmocka_unit_test(test_generate),
	    cmocka_unit_test(test_pkcs8_round_trip),
	    cmocka_unit_test(test_pkcs8_strict),
	    cmocka_unit_test(test_pkcs8_unsupported),
	    cmocka_unit_test(test_matches_needs_private_half),
	    cmocka_unit_test(test_spki_strict),
	    cmocka_unit_test(test_fingerprint),
	    cmocka_unit_test(test_symkey),
	    cmocka_unit_test(test_sign_verify),
	    cmocka_unit_test(test_rawsig),
	};

	return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
