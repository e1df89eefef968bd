/*
 * Key files: a key longer than a SLIP-39 secret (P-384, RSA) is not split itself; its shares
 * split a fresh key-encryption key, and its private key, sealed under that key
 * (ceremony/base/keyfile.h), goes on every custodian medium and the public medium.
 *
 * Secret inputs: k->pkey and k->secret (the key-encryption key) when sealing, the rebuilt
 * key-encryption key when opening; the private key opened is secret and goes to the caller in
 * OpenSSL's secure heap. The sealed file itself is public.
 *
 * After a failure: e->reason says why (engine_keyfile_open returns the PKI error instead); no
 * secret is left anywhere but in k, which the run loop wipes.
 */
#ifndef CEREMONY_ENGINE_KEYFILE_H
#define CEREMONY_ENGINE_KEYFILE_H

#include "ceremony/engine/engine_state.h"

/* Whether a key's shares split a key-encryption key that seals its private key (P-384, RSA)
 * rather than the private key itself. */
bool engine_uses_keyfile(const struct script_key *sk);
/* Names the key file of k (from its public key's fingerprint). */
void engine_keyfile_name(struct engine_key *k);
/* A fresh key-encryption key in k->secret, and k's private key sealed under it in k->keyfile. */
enum step_rc engine_keyfile_seal(struct engine *e, struct engine_key *k);
/* The private key sealed in k's key file, opened with the rebuilt key-encryption key kek. Any
 * key file that is not k's, or does not open, is PKI_E_KEY_MISMATCH. */
enum pki_err engine_keyfile_open(const struct engine_key *k, const uint8_t *kek, size_t len,
				 EVP_PKEY **out);
/* k's key file from the first medium that has it - a custodian's, then an input, public or
 * backup medium - into k->keyfile. It opens only once the shares are in. */
enum step_rc engine_keyfile_load(struct engine *e, struct engine_key *k);
/* Puts k's key file on medium m, unless the same file is there already. */
enum step_rc engine_put_keyfile(struct engine *e, const struct script_medium *m,
				struct engine_key *k, uint8_t sha[32]);

#endif
