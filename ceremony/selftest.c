#include "ceremony/selftest.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/pki/key.h"
#include "ceremony/pki/wrap.h"
#include "shamir/slip39.h"

static int hex(const char *h, uint8_t *out, size_t max, size_t *len)
{
	return sodium_hex2bin(out, max, h, strlen(h), NULL, len, NULL);
}

static int test_sha256(void)
{
	static const char want[] =
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	uint8_t d[32], w[32];
	size_t wl;

	crypto_hash_sha256(d, (const uint8_t *)"abc", 3);
	return hex(want, w, sizeof(w), &wl) == 0 && wl == 32 && memcmp(d, w, 32) == 0;
}

/* SLIP-39 test vector 1 (satoshilabs/slips), passphrase "TREZOR". */
static int test_slip39(void)
{
	static const char *const mnemonic[] = {
		"duckling enlarge academic academic agency result length solution fridge kidney "
		"coal piece deal husband erode duke ajar critical decision keyboard",
	};
	static const char want[] = "bb54aac4b89dc868ba37d9cc21b2cece";
	uint8_t w[16], *secret = NULL;
	size_t wl, len = 0;
	struct slip39_where where;
	int ok;

	if (slip39_combine(mnemonic, 1, (const uint8_t *)"TREZOR", 6, &secret, &len, &where) !=
	    SLIP39_OK)
		return 0;
	ok = hex(want, w, sizeof(w), &wl) == 0 && len == wl && memcmp(secret, w, len) == 0;
	sodium_memzero(secret, len);
	sodium_free(secret);
	return ok;
}

/* RFC 5649 section 6: both examples, wrap and unwrap. */
static int test_wrap(void)
{
	static const char *const v[2][3] = {
		{ "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
		  "c37b7e6492584340bed12207808941155068f738",
		  "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a" },
		{ "5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "466f7250617369",
		  "afbeb0f07dfbf5419200f2ccb50bb24f" },
	};

	for (size_t i = 0; i < 2; i++) {
		uint8_t kek[32], key[32], wrapped[64], out[64];
		size_t kl, dl, wl, ol;

		if (hex(v[i][0], kek, sizeof(kek), &kl) || hex(v[i][1], key, sizeof(key), &dl) ||
		    hex(v[i][2], wrapped, sizeof(wrapped), &wl))
			return 0;
		if (pki_wrap_pad(kek, kl, key, dl, out, sizeof(out), &ol) != PKI_OK || ol != wl ||
		    memcmp(out, wrapped, wl) != 0)
			return 0;
		if (pki_unwrap_pad(kek, kl, wrapped, wl, out, sizeof(out), &ol) != PKI_OK ||
		    ol != dl || memcmp(out, key, dl) != 0)
			return 0;
		/* A damaged wrap must be refused. */
		wrapped[0] ^= 1;
		if (pki_unwrap_pad(kek, kl, wrapped, wl, out, sizeof(out), &ol) != PKI_ERR_UNWRAP)
			return 0;
	}
	return 1;
}

/* RFC 8032 section 7.1, test 1 (empty message). */
static int test_ed25519(void)
{
	static const char seed_hex[] =
		"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
	static const char pk_hex[] =
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	static const char sig_hex[] =
		"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33"
		"bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
	uint8_t seed[32], pk[32], want_pk[32], want_sig[64], sig[64];
	uint8_t *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	size_t l1, l2, l3;
	int ok;

	if (sk == NULL)
		return 0;
	ok = hex(seed_hex, seed, sizeof(seed), &l1) == 0 &&
	     hex(pk_hex, want_pk, sizeof(want_pk), &l2) == 0 &&
	     hex(sig_hex, want_sig, sizeof(want_sig), &l3) == 0 &&
	     crypto_sign_seed_keypair(pk, sk, seed) == 0 && memcmp(pk, want_pk, 32) == 0 &&
	     crypto_sign_detached(sig, NULL, (const uint8_t *)"", 0, sk) == 0 &&
	     memcmp(sig, want_sig, 64) == 0 &&
	     crypto_sign_verify_detached(want_sig, (const uint8_t *)"", 0, pk) == 0;
	want_sig[0] ^= 1;
	ok = ok && crypto_sign_verify_detached(want_sig, (const uint8_t *)"", 0, pk) != 0;
	sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
	sodium_free(sk);
	return ok;
}

/* ECDSA P-256: a throw-away key signs, its public key verifies, a changed message fails. */
static int test_ecdsa(void)
{
	static const uint8_t msg[] = "ceremony self-test";
	uint8_t sig[PKI_SIG_MAX], spki[PKI_SPKI_MAX];
	size_t siglen = 0, spkilen = 0;
	EVP_PKEY *key = NULL, *pub = NULL;
	int ok = 0;

	if (pki_key_generate(PKI_ALG_EC_P256, &key) != PKI_OK)
		return 0;
	if (pki_sign(key, msg, sizeof(msg), sig, sizeof(sig), &siglen) != PKI_OK ||
	    pki_key_spki(key, spki, sizeof(spki), &spkilen) != PKI_OK ||
	    pki_pubkey_from_spki(spki, spkilen, &pub) != PKI_OK)
		goto out;
	ok = pki_verify(pub, msg, sizeof(msg), sig, siglen) == PKI_OK &&
	     pki_verify(pub, msg, sizeof(msg) - 1, sig, siglen) == PKI_ERR_SIGNATURE;
out:
	EVP_PKEY_free(key);
	EVP_PKEY_free(pub);
	return ok;
}

/* The random generator answers and does not repeat itself. */
static int test_random(void)
{
	uint8_t a[32], b[32];

	randombytes_buf(a, sizeof(a));
	randombytes_buf(b, sizeof(b));
	return memcmp(a, b, sizeof(a)) != 0;
}

int selftest_run_all(struct selftest_result results[SELFTEST_COUNT], char *detail, size_t len)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} tests[SELFTEST_COUNT] = {
		{ "sha256", test_sha256 },   { "slip39", test_slip39 }, { "rfc5649", test_wrap },
		{ "ed25519", test_ed25519 }, { "ecdsa-p256", test_ecdsa }, { "random", test_random },
	};
	char failed[200] = "";
	size_t npass = 0;

	for (size_t i = 0; i < SELFTEST_COUNT; i++) {
		int ok = tests[i].fn();

		if (results) {
			results[i].name = tests[i].name;
			results[i].passed = ok;
		}
		if (ok) {
			npass++;
		} else {
			size_t used = strlen(failed);

			snprintf(failed + used, sizeof(failed) - used, " %s", tests[i].name);
		}
	}
	if (npass == SELFTEST_COUNT)
		snprintf(detail, len, "%d of %d known-answer tests passed", SELFTEST_COUNT,
			 SELFTEST_COUNT);
	else
		snprintf(detail, len, "failed:%s", failed);
	return npass == SELFTEST_COUNT ? 0 : -1;
}

int selftest_run(char *detail, size_t len)
{
	return selftest_run_all(NULL, detail, len);
}
