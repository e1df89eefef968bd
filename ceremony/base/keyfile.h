/*
 * The key file: a private key too long for SLIP-39 words (P-384, RSA), sealed under a random
 * 256-bit key-encryption key (KEK). The KEK is what the custodians' shares split; the sealed file
 * goes on every custodian medium and the public medium (docs/ceremonies.md, "Keys longer than a
 * share"; version 1):
 *
 *   magic       8   89 43 4b 45 59 0d 0a 1a   ("\x89CKEY\r\n\x1a")
 *   version     1   1
 *   ceremony    1 + n   length, then the id of the ceremony that made the key (1..64 bytes)
 *   key         1 + n   length, then the key's name (1..64 bytes)
 *   spki_sha256 32  SHA-256 of the key's DER SubjectPublicKeyInfo
 *   nonce       24  random
 *   length      4   big-endian length of what follows (PKCS#8 length + 16)
 *   sealed      ... XChaCha20-Poly1305(KEK, nonce, PKCS#8 PrivateKeyInfo DER), with every
 *                   byte before it as associated data
 *
 * Names are [A-Za-z0-9][A-Za-z0-9._-]*. Nothing may follow the sealed bytes.
 *
 * Secrets: the KEK and the PKCS#8 DER, in and out in sodium_malloc memory; a wrong KEK and an
 * altered file are the same KEYFILE_E_DECRYPT. The file itself is public.
 */
#ifndef CEREMONY_KEYFILE_H
#define CEREMONY_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#define KEYFILE_VERSION	 1
#define KEYFILE_KEK_LEN	 32
#define KEYFILE_NAME_MAX 64
#define KEYFILE_DER_MAX	 4096 /* PKCS#8 of an RSA-4096 key is about 2 400 bytes */
#define KEYFILE_MAX	 (8 + 1 + 2 * (1 + KEYFILE_NAME_MAX) + 32 + 24 + 4 + KEYFILE_DER_MAX + 16)

enum keyfile_err {
	KEYFILE_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	KEYFILE_OK = 0,
	KEYFILE_E_INVAL, /* a bad argument (seal) */
	KEYFILE_E_NOMEM,
	KEYFILE_E_MAGIC,   /* not a key file */
	KEYFILE_E_VERSION, /* another version */
	KEYFILE_E_FORMAT,  /* a field out of range, a length that does not add up, trailing bytes */
	KEYFILE_E_DECRYPT, /* the wrong KEK, or the file was altered */
};

const char *keyfile_strerror(enum keyfile_err err);

struct keyfile_meta {
	char ceremony_id[KEYFILE_NAME_MAX + 1];
	char key_name[KEYFILE_NAME_MAX + 1];
	uint8_t spki_sha256[32];
};

/* Seals der[len] (1..KEYFILE_DER_MAX) under kek. *out is malloc'ed (public; free()). rnd fills the
 * nonce (NULL: randombytes_buf). */
enum keyfile_err keyfile_seal(const struct keyfile_meta *meta, const uint8_t kek[KEYFILE_KEK_LEN],
			      const uint8_t *der, size_t len,
			      void (*rnd)(void *ctx, unsigned char *buf, size_t len), void *ctx,
			      uint8_t **out, size_t *outlen);

/* The header, without the KEK. */
enum keyfile_err keyfile_peek(const uint8_t *in, size_t len, struct keyfile_meta *meta);

/* Opens the file: *der is sodium_malloc'ed (sodium_memzero + sodium_free), NULL on failure. */
enum keyfile_err keyfile_open(const uint8_t *in, size_t len, const uint8_t kek[KEYFILE_KEK_LEN],
			      struct keyfile_meta *meta, uint8_t **der, size_t *derlen);

#endif
