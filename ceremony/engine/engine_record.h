/*
 * Reasons, records and actors: how a step says why it failed (e->reason), appends to the
 * transcript, names who acted, reads the clock and shows a fingerprint to people.
 *
 * Secret inputs: none. Nothing passed here may be a secret: reasons are shown and recorded,
 * records are public, fingerprints are read aloud.
 *
 * After a failure: engine_fail and engine_prompt_rc only set e->reason; engine_record that fails
 * sets e->reason and leaves the transcript as the writer left it (ceremony/transcript/).
 */
#ifndef CEREMONY_ENGINE_RECORD_H
#define CEREMONY_ENGINE_RECORD_H

#include "ceremony/engine/engine_state.h"

/* Sets e->reason (one printable line, never a secret) and returns rc. */
enum step_rc engine_fail(struct engine *e, enum step_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The step result for a prompt result that is not PROMPT_OK. */
enum step_rc engine_prompt_rc(struct engine *e, int prc, const char *id);

/* Appends a record for the current step; data is stolen (may be NULL for {}). */
enum step_rc engine_record(struct engine *e, const struct transcript_actor *actor,
			   const char *event, json_t *data);

/* The system actor, and a participant as an actor. */
extern const struct transcript_actor engine_system;
struct transcript_actor engine_actor(const struct script_participant *p);
/* The step's actor: the named participant, or the first present holder of the role. */
struct transcript_actor engine_step_actor(struct engine *e, const struct script_step *s);

/* The first present participant with the role, else engine_system. Records of what the
 * administrator does whatever the step's actor (inputs brought in) name the administrator. */
struct transcript_actor engine_role_actor(struct engine *e, enum script_role role);

/* The current time (the fixed test time, or the clock). */
int64_t engine_now(const struct engine *e);

/* Lower-case hex of len bytes into a new JSON string; NULL when out of memory. */
json_t *engine_json_hex(const uint8_t *b, size_t len);

/* Shows a fingerprint (a SHA-256) as hex and words under a label. */
void engine_show_fpr(struct engine *e, const char *label, const uint8_t fpr[32]);
/* The same for any 32-byte value, its hex line labelled what (at most 7 characters: "SHA-256",
 * "Ed25519", "HMAC"), so that no value is shown as what it is not. */
void engine_show_value(struct engine *e, const char *label, const char *what, const uint8_t v[32]);

#endif
