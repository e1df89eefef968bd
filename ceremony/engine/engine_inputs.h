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

#endif
