/*
 * Keys: generation, PKCS#8 export/import through sodium_malloc buffers (so private keys can be
 * split into shares and rebuilt), public keys as DER SubjectPublicKeyInfo (SPKI), their SHA-256
 * fingerprints, the proof that a rebuilt key is the recorded one, and symmetric keys.
 *
 * Private keys live in EVP_PKEY objects whose secret numbers OpenSSL keeps in its secure heap
 * (cli_harden() initialises it); free them with EVP_PKEY_free. Secret byte strings (PKCS#8 DER,
 * symmetric keys) are sodium_malloc buffers owned by the caller: release them with
 * pki_secret_free(). After a failure every output is NULL/0 and nothing is left allocated.
 */
#ifndef CEREMONY_PKI_KEY_H
#define CEREMONY_PKI_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ceremony/pki/err.h"

enum pki_alg {
	PKI_ALG_EC_P256,  /* "ec-p256": the SMKI algorithm, signs with ecdsa-with-SHA256 */
	PKI_ALG_EC_P384,  /* "ec-p384": ecdsa-with-SHA384 */
	PKI_ALG_RSA_3072, /* "rsa-3072": e = 65537, sha256WithRSAEncryption */
	PKI_ALG_RSA_4096, /* "rsa-4096": e = 65537, sha256WithRSAEncryption */
	PKI_ALG_ED25519,  /* "ed25519": pure Ed25519 */
};

#define PKI_SPKI_MAX	  1024 /* largest SPKI DER (RSA 4096: 550 octets) */
#define PKI_PKCS8_MAX	  4096 /* largest PrivateKeyInfo DER (RSA 4096: about 2400 octets) */
#define PKI_SIG_MAX	  512  /* largest signature (RSA 4096) */
#define PKI_SHA256_LEN	  32
#define PKI_SYMKEY_AES128 16
#define PKI_SYMKEY_AES256 32

/* Algorithm names as scripts spell them (above). PKI_E_ALG for any other name. */
enum pki_err pki_alg_from_name(const char *name, enum pki_alg *alg);
const char *pki_alg_name(enum pki_alg alg);

/* Which supported algorithm a key is: P-256/P-384 with a named curve, RSA of exactly 3072 or
 * 4096 bits, or Ed25519. PKI_E_ALG for anything else (RSA-PSS keys, other curves, sizes). */
enum pki_err pki_key_alg(const EVP_PKEY *key, enum pki_alg *alg);

/* The digest a key signs with (NULL for Ed25519, which hashes internally). */
enum pki_err pki_key_digest(const EVP_PKEY *key, const EVP_MD **md);

/* A fresh key pair from OpenSSL's RNG. */
enum pki_err pki_key_generate(enum pki_alg alg, EVP_PKEY **out);

/* The private key as PKCS#8 PrivateKeyInfo DER in a new sodium_malloc buffer of *len bytes,
 * owned by the caller (secret). The encoding passes through OpenSSL's secure heap only. */
enum pki_err pki_key_export_pkcs8(const EVP_PKEY *key, uint8_t **der, size_t *len);

/* A private key from exactly len bytes of PKCS#8 DER (secret input, not modified). The key
 * must be of a supported algorithm; trailing bytes are PKI_E_TRAILING. */
enum pki_err pki_key_import_pkcs8(const uint8_t *der, size_t len, EVP_PKEY **out);

/* The public key as DER SubjectPublicKeyInfo (EC points uncompressed) into out[max]. */
enum pki_err pki_key_spki(const EVP_PKEY *key, uint8_t *out, size_t max, size_t *len);

/* SHA-256 of the key's SPKI DER: the key fingerprint shown to witnesses (render it with
 * ceremony/base/fpr.h). */
enum pki_err pki_key_fingerprint(const EVP_PKEY *key, uint8_t fpr[PKI_SHA256_LEN]);

/* A public key from exactly len bytes of SPKI DER, which must be canonical (re-encoding gives
 * the same bytes) and of a supported algorithm. */
enum pki_err pki_pubkey_from_spki(const uint8_t *spki, size_t len, EVP_PKEY **out);

/* Proof that a private key (rebuilt from shares, say) is the recorded one: its SPKI equals
 * spki byte for byte, and a test message it signs verifies under the recorded public key.
 * PKI_OK, or PKI_E_KEY_MISMATCH. Use it before the key does anything else. */
enum pki_err pki_key_matches(EVP_PKEY *priv, const uint8_t *spki, size_t len);

/* A signature over msg with the key's algorithm and digest (DER for ECDSA, PKCS#1 v1.5 for
 * RSA, 64 octets for Ed25519) into sig[max]. */
enum pki_err pki_sign(EVP_PKEY *key, const uint8_t *msg, size_t msglen, uint8_t *sig, size_t max,
		      size_t *siglen);
/* PKI_OK when sig verifies over msg with pub; PKI_E_SIGNATURE when it does not. */
enum pki_err pki_verify(EVP_PKEY *pub, const uint8_t *msg, size_t msglen, const uint8_t *sig,
			size_t siglen);

/* A random symmetric key of len bytes (PKI_SYMKEY_AES128 or PKI_SYMKEY_AES256) in a new
 * sodium_malloc buffer owned by the caller (secret). */
enum pki_err pki_symkey_generate(size_t len, uint8_t **key);

/* Wipes and frees a secret buffer from this module; NULL is ignored. */
void pki_secret_free(uint8_t *buf, size_t len);

/* SHA-256 of data: fingerprints of certificates, CSRs and CRLs are over their DER. */
enum pki_err pki_sha256(const uint8_t *data, size_t len, uint8_t out[PKI_SHA256_LEN]);

#endif
