/*
 * Bare ECDSA P-256 signatures as GBCS device commands carry them: 64 octets, r then s, each a
 * 32-octet big-endian integer (not DER). The message is hashed with SHA-256.
 */
#ifndef CEREMONY_PKI_RAWSIG_H
#define CEREMONY_PKI_RAWSIG_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ceremony/pki/err.h"

#define PKI_RAWSIG_LEN	   64
#define PKI_RAWSIG_DER_MAX 72 /* SEQUENCE of two INTEGERs of up to 33 octets */

/* Signs msg with a P-256 private key (PKI_E_ALG for any other key). */
enum pki_err pki_rawsig_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
			     uint8_t sig[PKI_RAWSIG_LEN]);
/* PKI_OK when sig is a valid signature over msg by the P-256 key pub; PKI_E_SIGNATURE when
 * it is not (including r or s zero or not below the group order). */
enum pki_err pki_rawsig_verify(EVP_PKEY *pub, const uint8_t *msg, size_t len,
			       const uint8_t sig[PKI_RAWSIG_LEN]);

/* Conversions between r || s and the DER Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER }. */
enum pki_err pki_rawsig_to_der(const uint8_t sig[PKI_RAWSIG_LEN], uint8_t *der, size_t max,
			       size_t *len);
enum pki_err pki_rawsig_from_der(const uint8_t *der, size_t len, uint8_t sig[PKI_RAWSIG_LEN]);

#endif
