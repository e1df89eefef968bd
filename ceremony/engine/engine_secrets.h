/*
 * Secrets held: wiping a key's private key, split secret and mnemonics; releasing, after each
 * step, the keys no later step uses; and proving a rebuilt secret is the key on record before
 * anything uses it.
 *
 * Secret inputs: every struct engine_key's pkey, secret and shares, and the rebuilt secret given
 * to engine_prove_secret (which stays the caller's, who wipes it).
 *
 * After a failure: the wiping functions cannot fail; a key is wiped before its key-wiped record
 * is tried, so a failed record never leaves a secret behind. engine_prove_secret that fails sets
 * e->reason and leaves *pkey NULL and nothing of the secret anywhere.
 */
#ifndef CEREMONY_ENGINE_SECRETS_H
#define CEREMONY_ENGINE_SECRETS_H

#include "ceremony/engine/engine_state.h"

/* Wipes every secret the engine holds. */
void engine_wipe_keys(struct engine *e);
void engine_wipe_key(struct engine_key *k);

/* Whether key k signs the transcript's head at the close (a proof of possession): every key pair
 * held whose public key is published, that is all but the Contingency key, whose public key
 * stays unpublished. The verifier asks it of every such key (docs/transcript.md section 8). */
bool engine_key_proves(const struct engine_key *k);
/* Writes those proofs (engine_close.c): at the close, and before an abort record, so that the
 * outputs of an aborted ceremony are anchored in its record too. Fails the step (e->reason) on
 * the first that cannot be written. */
enum step_rc engine_prove_held(struct engine *e, const char *step,
			       const struct transcript_actor *a);

/* Wipes the keys no step after step_index uses (keys that prove possession keep their private
 * key for the close, not their split secret) and records key-wiped for each key whose private
 * part is gone. */
enum step_rc engine_release_unused(struct engine *e, unsigned step_index);
/* Records key-wiped for every key held here that has no such record yet (the close). */
enum step_rc engine_record_wiped(struct engine *e, const struct transcript_actor *actor);

/* Proves a rebuilt secret is key k before any use: a symmetric key's check value, or the
 * private key made from it against the recorded public key (k->spki, or only its SHA-256 k->fpr
 * when the public key is unpublished). On success a key pair's private key is in *pkey (NULL for
 * a symmetric key); on failure nothing is. */
enum step_rc engine_prove_secret(struct engine *e, struct engine_key *k, const uint8_t *secret,
				 size_t len, EVP_PKEY **pkey);

#endif
