/* The wrapped Apex Contingency Key: RFC 5649 vectors, the ApexContingencyKey encoding, the
 * "SMKI 53" verification and the contingency replacement Root. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/pki_test.h"

static size_t hex(const char *s, size_t slen, uint8_t *out, size_t max)
{
	size_t len;

	assert_int_equal(sodium_hex2bin(out, max, s, slen, NULL, &len, NULL), 0);
	return len;
}

/* Every vector in tests/vectors/rfc5649/vectors.txt wraps and unwraps exactly. */
static void test_rfc5649_vectors(void **state)
{
	char path[4096], line[1024];
	const char *dir = getenv("CEREMONY_TESTDATA");
	FILE *f;
	int count = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/vectors/rfc5649/vectors.txt", dir ? dir : "tests");
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		uint8_t kek[32], key[64], want[80], got[80], back[80];
		size_t keklen, keylen, wantlen, gotlen, backlen;
		char *a = line, *b, *c;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		b = strchr(a, ' ');
		assert_non_null(b);
		c = strchr(b + 1, ' ');
		assert_non_null(c);
		keklen = hex(a, (size_t)(b - a), kek, sizeof(kek));
		keylen = hex(b + 1, (size_t)(c - b - 1), key, sizeof(key));
		wantlen = hex(c + 1, strcspn(c + 1, "\n"), want, sizeof(want));
		assert_int_equal(pki_wrap_pad(kek, keklen, key, keylen, got, sizeof(got), &gotlen),
				 PKI_OK);
		assert_int_equal(gotlen, wantlen);
		assert_int_equal(gotlen, PKI_WRAP_PAD_LEN(keylen));
		assert_memory_equal(got, want, wantlen);
		assert_int_equal(
		    pki_unwrap_pad(kek, keklen, want, wantlen, back, sizeof(back), &backlen),
		    PKI_OK);
		assert_int_equal(backlen, keylen);
		assert_memory_equal(back, key, keylen);
		/* Any altered octet, or another key, fails the integrity check. */
		for (size_t i = 0; i < wantlen; i++) {
			want[i] ^= 0x80;
			assert_int_equal(pki_unwrap_pad(kek, keklen, want, wantlen, back,
							sizeof(back), &backlen),
					 PKI_E_UNWRAP);
			assert_int_equal(backlen, 0);
			want[i] ^= 0x80;
		}
		kek[0] ^= 1;
		assert_int_equal(
		    pki_unwrap_pad(kek, keklen, want, wantlen, back, sizeof(back), &backlen),
		    PKI_E_UNWRAP);
		count++;
	}
	fclose(f);
	assert_int_equal(count, 2);
}

static void test_wrap_bounds(void **state)
{
	uint8_t kek[16] = {0}, in[8] = {0}, out[32];
	size_t len;

	(void)state;
	assert_int_equal(pki_wrap_pad(kek, 15, in, 8, out, sizeof(out), &len), PKI_E_ARG);
	assert_int_equal(pki_wrap_pad(kek, 16, in, 0, out, sizeof(out), &len), PKI_E_ARG);
	assert_int_equal(pki_wrap_pad(kek, 16, in, 8, out, 15, &len), PKI_E_BUFFER);
	assert_int_equal(pki_unwrap_pad(kek, 16, out, 12, out, sizeof(out), &len), PKI_E_UNWRAP);
	assert_int_equal(pki_unwrap_pad(kek, 16, out, 8, out, sizeof(out), &len), PKI_E_UNWRAP);
}

static void test_alg_names(void **state)
{
	enum pki_wrap_alg alg;

	(void)state;
	assert_int_equal(pki_wrap_alg_from_name("aes128", &alg), PKI_OK);
	assert_int_equal(alg, PKI_WRAP_AES128_PAD);
	assert_int_equal(pki_wrap_alg_keylen(alg), 16);
	assert_int_equal(pki_wrap_alg_from_name("aes256", &alg), PKI_OK);
	assert_int_equal(pki_wrap_alg_keylen(alg), 32);
	assert_string_equal(pki_wrap_alg_name(alg), "id-aes256-wrap-pad");
	assert_int_equal(pki_wrap_alg_from_name("aes192", &alg), PKI_E_ALG);
}

/* The DER layout, octet by octet: SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.1.8 },
 * OCTET STRING (104) }. */
static void test_contin_der(void **state)
{
	static const uint8_t head[] = {0x30, 0x77, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48,
				       0x01, 0x65, 0x03, 0x04, 0x01, 0x08, 0x04, 0x68};
	uint8_t kek[16], spki[PKI_SPKI_MAX], der[PKI_CONTIN_DER_MAX], back[PKI_SPKI_MAX];
	size_t spkilen, derlen, backlen;
	struct pki_contin c;
	EVP_PKEY *key;

	(void)state;
	randombytes_buf(kek, sizeof(kek));
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &key), PKI_OK);
	assert_int_equal(pki_key_spki(key, spki, sizeof(spki), &spkilen), PKI_OK);
	assert_int_equal(spkilen, 91);
	assert_int_equal(pki_contin_encode(PKI_WRAP_AES128_PAD, kek, 16, spki, spkilen, der,
					   sizeof(der), &derlen),
			 PKI_OK);
	assert_int_equal(derlen, sizeof(head) + 104);
	assert_memory_equal(der, head, sizeof(head));
	assert_int_equal(pki_contin_decode(der, derlen, &c), PKI_OK);
	assert_int_equal(c.alg, PKI_WRAP_AES128_PAD);
	assert_int_equal(c.wrapped_len, 104);
	assert_int_equal(
	    pki_unwrap_pad(kek, 16, c.wrapped, c.wrapped_len, back, sizeof(back), &backlen),
	    PKI_OK);
	assert_int_equal(backlen, spkilen);
	assert_memory_equal(back, spki, spkilen);

	/* Strictness: trailing octet, truncation, parameters, another OID, BER length form. */
	assert_int_equal(pki_contin_decode(der, derlen - 1, &c), PKI_E_PARSE);
	der[derlen] = 0;
	assert_int_equal(pki_contin_decode(der, derlen + 1, &c), PKI_E_PARSE);
	der[14] = 0x05; /* id-aes128-wrap (no padding): not accepted */
	assert_int_equal(pki_contin_decode(der, derlen, &c), PKI_E_ALG);
	der[14] = 0x08;
	{
		uint8_t ber[sizeof(der) + 1];

		ber[0] = 0x30;
		ber[1] = 0x81; /* long-form length where the short form fits */
		memcpy(ber + 2, der + 1, derlen - 1);
		assert_int_equal(pki_contin_decode(ber, derlen + 1, &c), PKI_E_PARSE);
	}
	assert_int_equal(pki_contin_encode(PKI_WRAP_AES256_PAD, kek, 16, spki, spkilen, der,
					   sizeof(der), &derlen),
			 PKI_E_ALG);
	EVP_PKEY_free(key);
}

/* The SMKI 53 test: the right symmetric key and contingency key pass; anything else fails
 * with the reason named. */
static void test_contin_verify(void **state)
{
	struct smki s;
	uint8_t wrong[16];

	(void)state;
	smki_build(&s, 0, PKI_WRAP_AES128_PAD);
	assert_int_equal(pki_contin_verify(s.root_cert, s.symkey, 16, s.contin), PKI_OK);
	assert_int_equal(pki_contin_verify(s.root_cert, s.symkey, 16, s.root),
			 PKI_E_KEY_MISMATCH);
	memcpy(wrong, s.symkey, 16);
	wrong[15] ^= 1;
	assert_int_equal(pki_contin_verify(s.root_cert, wrong, 16, s.contin), PKI_E_UNWRAP);
	assert_int_equal(pki_contin_verify(s.root_cert, s.symkey, 32, s.contin), PKI_E_ALG);
	assert_int_equal(pki_contin_verify(s.issuing_cert, s.symkey, 16, s.contin),
			 PKI_E_NO_CONTIN);
	smki_free(&s);

	smki_build(&s, 1, PKI_WRAP_AES256_PAD);
	assert_int_equal(pki_contin_verify(s.root_cert, s.symkey, 32, s.contin), PKI_OK);
	smki_free(&s);
}

/* The replacement Root: fresh Root key, fresh contingency pair and symmetric key, signed by
 * the old Contingency key; a device holding the old Root accepts it with the revealed key. */
static void test_contin_replacement(void **state)
{
	struct smki s;
	struct pki_cert_params p = t_params("OU=00,CN=ZA", 0);
	EVP_PKEY *root2, *contin2;
	uint8_t *sym2, spki2[PKI_SPKI_MAX];
	size_t spki2len;
	struct pki_contin_params c;
	struct pki_lint r;
	struct pki_lint_ctx ctx = {.profile = PKI_PROFILE_SMKI_ROOT};
	X509 *repl = NULL;

	(void)state;
	smki_build(&s, 0, PKI_WRAP_AES128_PAD);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &root2), PKI_OK);
	assert_int_equal(pki_key_generate(PKI_ALG_EC_P256, &contin2), PKI_OK);
	assert_int_equal(pki_symkey_generate(16, &sym2), PKI_OK);
	assert_int_equal(pki_key_spki(contin2, spki2, sizeof(spki2), &spki2len), PKI_OK);
	c = (struct pki_contin_params){spki2, spki2len, sym2, 16, PKI_WRAP_AES128_PAD};
	assert_int_equal(pki_cert_smki_root(root2, s.contin, &p, &c, &repl, &r), PKI_OK);
	assert_lint_ok(&r);

	assert_int_equal(pki_contin_check_replacement(s.root_cert, s.symkey, 16, repl), PKI_OK);
	assert_int_equal(pki_contin_verify(repl, sym2, 16, contin2), PKI_OK);
	/* Not self-signed: as a plain Root it fails its signature rule... */
	pki_lint_init(&r);
	pki_lint_cert(repl, &ctx, &r);
	assert_true(pki_lint_has(&r, "cert.signature"));
	/* ...and with the contingency key as signer it passes. */
	pki_lint_init(&r);
	ctx.signer = s.contin;
	pki_lint_cert(repl, &ctx, &r);
	assert_lint_ok(&r);
	/* A Root the old contingency key did not sign is refused. */
	assert_int_equal(pki_contin_check_replacement(s.root_cert, s.symkey, 16, s.root_cert),
			 PKI_E_SIGNATURE);
	/* The contingency key may not be the Root key itself. */
	assert_int_equal(pki_key_spki(root2, spki2, sizeof(spki2), &spki2len), PKI_OK);
	X509_free(repl);
	assert_int_equal(pki_cert_smki_root(root2, NULL, &p, &c, &repl, &r), PKI_E_ARG);
	assert_null(repl);

	EVP_PKEY_free(root2);
	EVP_PKEY_free(contin2);
	pki_secret_free(sym2, 16);
	smki_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc5649_vectors), cmocka_unit_test(test_wrap_bounds),
	    cmocka_unit_test(test_alg_names),	    cmocka_unit_test(test_contin_der),
	    cmocka_unit_test(test_contin_verify),   cmocka_unit_test(test_contin_replacement),
	};

	return cmocka_run_group_tests(tests, pki_test_setup, NULL);
}
