#include "ceremony/checks/selftest.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/pki/key.h"
#include "ceremony/pki/wrap.h"
#include "ceremony/transcript/transcript_format.h"
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

/* SLIP-39: published vectors (satoshilabs/slips, passphrase "TREZOR"), numbered as there. */
struct slip39_kat {
	const char *const mnemonics[3];
	size_t n;
	const char *secret; /* hex; NULL when the mnemonics must be refused */
};

static const struct slip39_kat slip39_kats[] = {
    /* 1: no sharing, 128 bits */
    {{"duckling enlarge academic academic agency result length solution fridge kidney "
      "coal piece deal husband erode duke ajar critical decision keyboard"},
     1,
     "bb54aac4b89dc868ba37d9cc21b2cece"},
    /* 2: the same with a bad checksum */
    {{"duckling enlarge academic academic agency result length solution fridge kidney "
      "coal piece deal husband erode duke ajar critical decision kidney"},
     1,
     NULL},
    /* 4: basic 2-of-3 */
    {{"shadow pistol academic always adequate wildlife fancy gross oasis cylinder mustang "
      "wrist rescue view short owner flip making coding armed",
      "shadow pistol academic acid actress prayer class unknown daughter sweater depict "
      "flip twice unkind craft early superior advocate guest smoking"},
     2,
     "b43ceb7e57a0ea8766221624d01b0864"},
    /* 13: shares that combine to a secret whose digest is wrong */
    {{"guilt walnut academic acid deliver remove equip listen vampire tactics nylon rhythm "
      "failure husband fatigue alive blind enemy teaspoon rebound",
      "guilt walnut academic agency brave hamster hobo declare herd taste alpha slim "
      "criminal mild arcade formal romp branch pink ambition"},
     2,
     NULL},
    /* 18: two-level sharing, threshold groups and members */
    {{"eraser senior decision smug corner ruin rescue cubic angel tackle skin skunk program "
      "roster trash rumor slush angel flea amazing",
      "eraser senior beard romp adorn nuclear spill corner cradle style ancient family "
      "general leader ambition exchange unusual garlic promise voice",
      "eraser senior decision scared cargo theory device idea deliver modify curly include "
      "pancake both news skin realize vitamins away join"},
     3,
     "7c3397a292a5941682d7a4ae2d898d11"},
    /* 20: no sharing, 256 bits */
    {{"theory painting academic academic armed sweater year military elder discuss acne "
      "wildlife boring employer fused large satoshi bundle carbon diagnose anatomy hamster "
      "leaves tracks paces beyond phantom capital marvel lips brave detect luck"},
     1,
     "989baf9dcaad5b10ca33dfd8cc75e42477025dce88ae83e75a230086a0e00e92"},
};

static int slip39_kat_ok(const struct slip39_kat *k)
{
	uint8_t w[32], *secret = NULL;
	size_t wl = 0, len = 0;
	struct slip39_where where;
	int rc, ok;

	rc =
	    slip39_combine(k->mnemonics, k->n, (const uint8_t *)"TREZOR", 6, &secret, &len, &where);
	if (k->secret == NULL) {
		if (secret != NULL) {
			sodium_memzero(secret, len);
			sodium_free(secret);
		}
		return rc != SLIP39_OK;
	}
	if (rc != SLIP39_OK)
		return 0;
	ok = hex(k->secret, w, sizeof(w), &wl) == 0 && len == wl && memcmp(secret, w, len) == 0;
	sodium_memzero(secret, len);
	sodium_free(secret);
	return ok;
}

/* A counter as the split's randomness: the round trip below needs no entropy. */
static void counter_rng(void *ctx, uint8_t *out, size_t n)
{
	uint8_t *c = ctx;

	for (size_t i = 0; i < n; i++)
		out[i] = (*c)++;
}

/* Every pair of a 2-of-3 split of a fixed secret combines back to it: Shamir over GF(256)
 * in both directions, as the ceremony uses them. */
static int slip39_roundtrip_ok(void)
{
	static const struct slip39_group g = {2, 3};
	static const uint8_t fixed[16] = {0x5e, 0x1f, 0x7e, 0x57, 0, 1, 2,  3,
					  4,	5,    6,    7,	  8, 9, 10, 11};
	struct slip39_mnemonics *ms = NULL;
	uint8_t counter = 0x42;
	int ok = 1;

	if (slip39_split(fixed, sizeof(fixed), (const uint8_t *)"TREZOR", 6, 1, 0, 1, &g, 1,
			 counter_rng, &counter, &ms) != SLIP39_OK)
		return 0;
	for (size_t a = 0; a < 3 && ok; a++)
		for (size_t b = a + 1; b < 3 && ok; b++) {
			const char *pair[2] = {slip39_mnemonic(ms, 0, a),
					       slip39_mnemonic(ms, 0, b)};
			struct slip39_where where;
			uint8_t *secret = NULL;
			size_t len = 0;

			ok = slip39_combine(pair, 2, (const uint8_t *)"TREZOR", 6, &secret, &len,
					    &where) == SLIP39_OK &&
			     len == sizeof(fixed) && memcmp(secret, fixed, len) == 0;
			if (secret != NULL) {
				sodium_memzero(secret, len);
				sodium_free(secret);
			}
		}
	slip39_mnemonics_free(ms);
	return ok;
}

static int test_slip39(void)
{
	for (size_t i = 0; i < sizeof(slip39_kats) / sizeof(slip39_kats[0]); i++)
		if (!slip39_kat_ok(&slip39_kats[i]))
			return 0;
	return slip39_roundtrip_ok();
}

/* RFC 5649 section 6: both examples, wrap and unwrap. */
static int test_wrap(void)
{
	static const char *const v[2][3] = {
	    {"5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8",
	     "c37b7e6492584340bed12207808941155068f738",
	     "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"},
	    {"5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "466f7250617369",
	     "afbeb0f07dfbf5419200f2ccb50bb24f"},
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
		if (pki_unwrap_pad(kek, kl, wrapped, wl, out, sizeof(out), &ol) != PKI_E_UNWRAP)
			return 0;
	}
	return 1;
}

/* NIST's ECDSA example for P-256 with SHA-256 ("Example of ECDSA with P-256"): the public key
 * as an SPKI, and the signature (r, s) in DER. */
static int ecdsa_kat_ok(void)
{
	static const char spki_hex[] =
	    "3059301306072a8648ce3d020106082a8648ce3d03010703420004"
	    "b7e08afdfe94bad3f1dc8c734798ba1c62b3a0ad1e9ea2a38201cd0889bc7a19"
	    "3603f747959dbf7a4bb226e41928729063adc7ae43529e61b563bbc606cc5e09";
	static const char sig_hex[] =
	    "304502202b42f576d07f4165ff65d1f3b1500f81e44c316f1f0b3ef57325b69aca46104f022100dc"
	    "42c2122d6392cd3e3a993a89502a8198c1886fe69d262c4b329bdb6b63faf1";
	static const char msg[] = "Example of ECDSA with P-256";
	uint8_t spki[91], sig[72];
	size_t spkilen, siglen;
	EVP_PKEY *pub = NULL;
	int ok;

	if (hex(spki_hex, spki, sizeof(spki), &spkilen) != 0 ||
	    hex(sig_hex, sig, sizeof(sig), &siglen) != 0 ||
	    pki_pubkey_from_spki(spki, spkilen, &pub) != PKI_OK)
		return 0;
	ok = pki_verify(pub, (const uint8_t *)msg, sizeof(msg) - 1, sig, siglen) == PKI_OK &&
	     pki_verify(pub, (const uint8_t *)msg, sizeof(msg) - 2, sig, siglen) ==
		 PKI_E_SIGNATURE;
	EVP_PKEY_free(pub);
	return ok;
}

/* A throw-away key of each algorithm the ceremonies generate by default goes the way a
 * ceremony key goes: out as PKCS #8 (what is split), back in, signs; the public key taken
 * from the original verifies, and refuses a changed message. */
static int pairwise_ok(enum pki_alg alg)
{
	static const uint8_t msg[] = "ceremony self-test";
	uint8_t sig[PKI_SIG_MAX], spki[PKI_SPKI_MAX], *der = NULL;
	size_t siglen = 0, spkilen = 0, derlen = 0;
	EVP_PKEY *key = NULL, *back = NULL, *pub = NULL;
	int ok = 0;

	if (pki_key_generate(alg, &key) != PKI_OK)
		return 0;
	if (pki_key_export_pkcs8(key, &der, &derlen) != PKI_OK ||
	    pki_key_import_pkcs8(der, derlen, &back) != PKI_OK ||
	    pki_sign(back, msg, sizeof(msg), sig, sizeof(sig), &siglen) != PKI_OK ||
	    pki_key_spki(key, spki, sizeof(spki), &spkilen) != PKI_OK ||
	    pki_pubkey_from_spki(spki, spkilen, &pub) != PKI_OK)
		goto out;
	ok = pki_verify(pub, msg, sizeof(msg), sig, siglen) == PKI_OK &&
	     pki_verify(pub, msg, sizeof(msg) - 1, sig, siglen) == PKI_E_SIGNATURE;
out:
	if (der != NULL) {
		sodium_memzero(der, derlen);
		sodium_free(der);
	}
	EVP_PKEY_free(key);
	EVP_PKEY_free(back);
	EVP_PKEY_free(pub);
	return ok;
}

/* RFC 8032 section 7.1, test 1 (empty message); then the same key signing a transcript
 * signature message (domain, event, digest: docs/transcript.md), whose signature was computed
 * independently of this code. */
static int test_ed25519(void)
{
	static const char seed_hex[] =
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
	static const char pk_hex[] =
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	static const char sig_hex[] =
	    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33"
	    "bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
	/* over "ceremony-transcript/1" NUL "checkpoint" NUL SHA-256("ceremony self-test") */
	static const char tsig_hex[] =
	    "1ba45c50d11706a779404e57fb82b53a2e3c5db3cb2be46dccccbfdcd93c5dfbeb58f8c4210bee9d5af"
	    "da7e47e7b99c0350b3a8aca60883b50a8a15148ed6a09";
	static const char kat_msg[] = "ceremony self-test";
	uint8_t seed[32], pk[32], want_pk[32], want_sig[64], want_tsig[64], sig[64], digest[32];
	uint8_t msg[TRANSCRIPT_SIG_MSG_MAX];
	uint8_t *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	size_t l1, l2, l3, l4, mlen;
	int ok;

	if (sk == NULL)
		return 0;
	crypto_hash_sha256(digest, (const uint8_t *)kat_msg, sizeof(kat_msg) - 1);
	mlen = tformat_sig_message("checkpoint", digest, msg);
	ok = hex(seed_hex, seed, sizeof(seed), &l1) == 0 &&
	     hex(pk_hex, want_pk, sizeof(want_pk), &l2) == 0 &&
	     hex(sig_hex, want_sig, sizeof(want_sig), &l3) == 0 &&
	     hex(tsig_hex, want_tsig, sizeof(want_tsig), &l4) == 0 &&
	     crypto_sign_seed_keypair(pk, sk, seed) == 0 && memcmp(pk, want_pk, 32) == 0 &&
	     crypto_sign_detached(sig, NULL, (const uint8_t *)"", 0, sk) == 0 &&
	     memcmp(sig, want_sig, 64) == 0 &&
	     crypto_sign_verify_detached(want_sig, (const uint8_t *)"", 0, pk) == 0 &&
	     crypto_sign_detached(sig, NULL, msg, mlen, sk) == 0 &&
	     memcmp(sig, want_tsig, 64) == 0 &&
	     crypto_sign_verify_detached(want_tsig, msg, mlen, pk) == 0;
	want_sig[0] ^= 1;
	ok = ok && crypto_sign_verify_detached(want_sig, (const uint8_t *)"", 0, pk) != 0 &&
	     pairwise_ok(PKI_ALG_ED25519);
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
	sodium_free(sk);
	return ok;
}

static int test_ecdsa(void)
{
	return ecdsa_kat_ok() && pairwise_ok(PKI_ALG_EC_P256) && pairwise_ok(PKI_ALG_EC_P384);
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
	    {"sha256", test_sha256},   {"slip39", test_slip39}, {"rfc5649", test_wrap},
	    {"ed25519", test_ed25519}, {"ecdsa", test_ecdsa},	{"random", test_random},
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
