/*
 * The SLIP-39 master secret encryption: a four-round Feistel network whose round function is
 * PBKDF2-HMAC-SHA256 (OpenSSL), keyed by the passphrase.
 *
 *   round i: F = PBKDF2(password = i || passphrase, salt = S || R,
 *                       iterations = 2500 << e, length = n / 2);  (L, R) = (R, L xor F)
 *   S = "shamir" || id (2 bytes, big-endian) for ordinary shares, empty for extendable ones
 *   encryption runs i = 0..3 on MS = L || R and outputs R || L; decryption runs i = 3..0.
 *
 * Secret: in, out, the passphrase and every intermediate half (sodium_malloc'ed, wiped). The
 * XOR of a round is constant time; PBKDF2 is OpenSSL's. A wrong passphrase is not detectable:
 * it decrypts to a different secret.
 */
#ifndef SHAMIR_SLIP39_CIPHER_H
#define SHAMIR_SLIP39_CIPHER_H

#include <stddef.h>
#include <stdint.h>

/* PBKDF2 iterations per round: 2500 << e, e in 0..SLIP39_ITER_EXP_MAX. */
#define SLIP39_ROUND_ITERATIONS 2500u

/* in and out are len bytes (16..32, even) and may be the same buffer. id is the 15-bit share
 * set identifier; the passphrase is not checked here (see slip39_split). Returns SLIP39_OK;
 * SLIP39_E_PARAM, SLIP39_E_NOMEM or SLIP39_E_CRYPTO with out zeroed. */
enum slip39_err slip39_encrypt(const uint8_t *in, size_t len, const uint8_t *pass, size_t passlen,
			       uint8_t iter_exp, uint16_t id, int extendable, uint8_t *out);
enum slip39_err slip39_decrypt(const uint8_t *in, size_t len, const uint8_t *pass, size_t passlen,
			       uint8_t iter_exp, uint16_t id, int extendable, uint8_t *out);

#endif
