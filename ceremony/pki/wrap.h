/*
 * The Apex Contingency Key (RFC 5934 section 9): the Contingency public key's DER SPKI wrapped
 * with the Contingency Symmetric Key by AES key wrap with padding (RFC 5649), carried in the
 * Root certificate as the non-critical extension id-pe-wrappedApexContinKey:
 *
 *   ApexContingencyKey ::= SEQUENCE {
 *     wrapAlgorithm        AlgorithmIdentifier,  -- id-aes128-wrap-pad or id-aes256-wrap-pad,
 *                                                -- parameters absent
 *     wrappedContinPubKey  OCTET STRING }
 *
 * The symmetric key (kek) is secret: it stays in the caller's sodium_malloc buffer and is only
 * read. Everything else here is public.
 */
#ifndef CEREMONY_PKI_WRAP_H
#define CEREMONY_PKI_WRAP_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ceremony/pki/err.h"

#define PKI_OID_WRAPPED_APEX_CONTIN_KEY "1.3.6.1.5.5.7.1.20"
#define PKI_OID_AES128_WRAP_PAD		"2.16.840.1.101.3.4.1.8"
#define PKI_OID_AES256_WRAP_PAD		"2.16.840.1.101.3.4.1.48"

/* RFC 5649 output length for n octets of key data: n rounded up to 8, plus 8. */
#define PKI_WRAP_PAD_LEN(n) ((((n) + 7) / 8) * 8 + 8)
/* Largest wrapped value accepted from a certificate (an RSA-4096 SPKI wraps to 560 octets). */
#define PKI_CONTIN_WRAPPED_MAX 1040
/* Largest ApexContingencyKey DER. */
#define PKI_CONTIN_DER_MAX (PKI_CONTIN_WRAPPED_MAX + 32)

enum pki_wrap_alg {
	PKI_WRAP_AES128_PAD, /* "aes128": id-aes128-wrap-pad, a 16-octet key (the default) */
	PKI_WRAP_AES256_PAD, /* "aes256": id-aes256-wrap-pad, a 32-octet key */
};

/* "aes128" or "aes256" as scripts spell them; PKI_E_ALG otherwise. */
enum pki_err pki_wrap_alg_from_name(const char *name, enum pki_wrap_alg *alg);
/* "id-aes128-wrap-pad" or "id-aes256-wrap-pad". */
const char *pki_wrap_alg_name(enum pki_wrap_alg alg);
/* The symmetric key length the algorithm takes: 16 or 32. */
size_t pki_wrap_alg_keylen(enum pki_wrap_alg alg);

/* RFC 5649 wrap of in[inlen] (1 or more octets) under kek (16, 24 or 32 octets) into
 * out[max]; *outlen = PKI_WRAP_PAD_LEN(inlen). */
enum pki_err pki_wrap_pad(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen,
			  uint8_t *out, size_t max, size_t *outlen);
/* RFC 5649 unwrap: out[max] needs max >= inlen. PKI_E_UNWRAP when the integrity check or the
 * padding check fails (a wrong key, or altered data); out then holds nothing. */
enum pki_err pki_unwrap_pad(const uint8_t *kek, size_t keklen, const uint8_t *in, size_t inlen,
			    uint8_t *out, size_t max, size_t *outlen);

/* A decoded ApexContingencyKey. */
struct pki_contin {
	enum pki_wrap_alg alg;
	size_t wrapped_len;
	uint8_t wrapped[PKI_CONTIN_WRAPPED_MAX];
};

/* Wraps spki under kek (whose length must be the algorithm's) and encodes the
 * ApexContingencyKey DER into der[max]. */
enum pki_err pki_contin_encode(enum pki_wrap_alg alg, const uint8_t *kek, size_t keklen,
			       const uint8_t *spki, size_t spkilen, uint8_t *der, size_t max,
			       size_t *derlen);
/* Strict decode of exactly len octets: DER only (re-encoding must give the same bytes).
 * PKI_E_PARSE for a malformed structure, PKI_E_ALG for another wrap algorithm or present
 * parameters, PKI_E_TOO_LARGE past PKI_CONTIN_WRAPPED_MAX. */
enum pki_err pki_contin_decode(const uint8_t *der, size_t len, struct pki_contin *out);

/* The extension of a certificate, decoded; *critical (may be NULL) gets its critical flag.
 * PKI_E_NO_CONTIN when absent, PKI_E_PARSE when present more than once. */
enum pki_err pki_contin_get(const X509 *cert, struct pki_contin *out, int *critical);

/* Adds the extension (non-critical) wrapping spki under kek to a certificate being built. */
enum pki_err pki_contin_add(X509 *cert, enum pki_wrap_alg alg, const uint8_t *kek, size_t keklen,
			    const uint8_t *spki, size_t spkilen);

/* Unwraps the Contingency public key's SPKI from a Root certificate into spki[max]. The kek
 * length must match the extension's algorithm (else PKI_E_ALG). */
enum pki_err pki_contin_unwrap(const X509 *root, const uint8_t *kek, size_t keklen, uint8_t *spki,
			       size_t max, size_t *spkilen);

/* The "SMKI 53" test: unwraps the Apex Contingency Key from root with kek, checks it equals
 * contin_key's public key, and signs and verifies a test message with contin_key against the
 * unwrapped key (pki_key_matches). PKI_OK, or the first failure (PKI_E_NO_CONTIN,
 * PKI_E_UNWRAP, PKI_E_KEY_MISMATCH, ...). */
enum pki_err pki_contin_verify(const X509 *root, const uint8_t *kek, size_t keklen,
			       EVP_PKEY *contin_key);

/* What a device does on a contingency replacement: unwraps the Contingency public key from the
 * Root it trusts (old_root) with the revealed kek and checks that new_root's signature verifies
 * under it, and that new_root carries a wrapped contingency key of its own. */
enum pki_err pki_contin_check_replacement(const X509 *old_root, const uint8_t *kek, size_t keklen,
					  X509 *new_root);

#endif
