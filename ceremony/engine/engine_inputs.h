/*
 * Inputs: CSRs and certificates brought in on a medium or by QR, and the transcripts of the
 * earlier ceremonies that made the keys used here, each read, checked and confirmed by a person
 * before a step uses it; and receiving one payload by QR, which collecting a share uses too.
 *
 * Secret inputs: a payload received by QR may be a share's words (engine_collect.c); it is kept
 * only in the receiver, which its caller frees. Inputs read by engine_read_step_inputs are
 * public.
 *
 * After a failure: e->reason says why; the input is not marked read (its object is freed) and
 * no receiver is left to free.
 */
#ifndef CEREMONY_ENGINE_INPUTS_H
#define CEREMONY_ENGINE_INPUTS_H

#include "ceremony/engine/engine_state.h"

/* Reads, checks and has a person confirm every input step s reads that is not read yet
 * (script_step_inputs); at the go-no-go, the earlier ceremonies' transcripts. */
enum step_rc engine_read_step_inputs(struct engine *e, const struct script_step *s);

/* Receives one payload by QR, as the operator chooses at prompt id: the camera, or the image
 * files <prefix>.<ext> and <prefix>-<n>.<ext> on an input medium. what names it for people. On
 * STEP_OK *rx holds the complete payload (media_rx_payload); free it with media_rx_free. */
struct media_rx;
enum step_rc engine_qr_receive(struct engine *e, const char *id, const char *what,
			       const char *prefix, size_t max, struct media_rx **rx);

/* The bytes of input in as received (on its medium, or by QR as the operator chooses), at most
 * max, in a new malloc'ed buffer; how in *source ("medium", "qr"). */
enum step_rc engine_receive_input(struct engine *e, const struct script_input *in, size_t max,
				  uint8_t **data, size_t *len, const char **source);

/* A person confirms input in (prompt input.<id>.fingerprint); a "no" stops the ceremony. */
enum step_rc engine_confirm_input(struct engine *e, const struct script_input *in,
				  const char *question);

/* Decision and payloads inputs (engine_recovery.c): read, checked against the SHA-256 the
 * script approves, shown and confirmed; payloads are kept in ei until engine_payloads_free. */
enum step_rc engine_read_decision(struct engine *e, const struct script_step *s,
				  const struct script_input *in, struct engine_input *ei);
enum step_rc engine_read_payloads(struct engine *e, const struct script_step *s,
				  const struct script_input *in, struct engine_input *ei);
void engine_payloads_free(struct engine_input *ei);

#endif
