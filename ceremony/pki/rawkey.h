/*
 * Private keys as the short secrets that SLIP-39 splits: the 32-octet scalar of a P-256 key and
 * the 32-octet seed of an Ed25519 key. (P-384 and RSA keys are longer than SLIP-39's 32-octet
 * limit and are not split this way.)
 *
 * The conversion goes through fixed PKCS#8 templates (RFC 5915 ECPrivateKey without the optional
 * public key, which OpenSSL recomputes; RFC 8410 for Ed25519), so no deprecated low-level API is
 * used and the secret only passes through sodium_malloc buffers and OpenSSL's secure heap.
 */
#ifndef CEREMONY_PKI_RAWKEY_H
#define CEREMONY_PKI_RAWKEY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ceremony/pki/err.h"
#include "ceremony/pki/key.h"

#define PKI_RAWKEY_LEN 32

/* True for the algorithms whose private key is a 32-octet secret here. */
int pki_rawkey_supported(enum pki_alg alg);

/* The key's 32-octet secret into a new sodium_malloc buffer (*out, PKI_RAWKEY_LEN octets,
 * release with pki_secret_free). PKI_E_ALG for other key types. */
enum pki_err pki_rawkey_export(const EVP_PKEY *key, uint8_t **out);

/* A private key from its 32-octet secret (secret input, only read). For P-256 the scalar must
 * be in [1, n-1]: PKI_E_ARG otherwise (a caller drawing random scalars draws again). */
enum pki_err pki_rawkey_import(enum pki_alg alg, const uint8_t *secret, size_t len,
			       EVP_PKEY **out);

#endif
