/*
 * QR codes in (libzbar): from bitmaps, image files (PNG, PGM/PPM, JPEG) and a V4L2 camera, and a
 * receiver that turns the codes into one payload: a plain QR code is the payload itself; UR codes
 * (single or multi-part, in any order, repeated or missing) are reassembled. zbar runs with only
 * QR enabled and ZBAR_CFG_BINARY set, so byte-mode payloads come through byte for byte.
 *
 * What is received may be secret (a share): the receiver's copies are sodium_malloc'ed and wiped.
 * It is not yet trusted either: the caller parses it (media/payload.h) and has the operator
 * confirm its fingerprint before use.
 */
#ifndef MEDIA_QR_IN_H
#define MEDIA_QR_IN_H

#include <stddef.h>

#include "media/image.h"

/* Called for each QR code found; return nonzero to stop scanning. */
typedef int (*media_qr_symbol_fn)(void *ctx, const unsigned char *data, size_t len);

/* Scans a bitmap (a copy of it, padded to whole 8-byte words: libzbar inverts an image a word
 * at a time). Light-on-dark codes are found too. Returns MEDIA_OK with *found codes (at least
 * one), MEDIA_E_NO_QR, MEDIA_E_NOMEM, or MEDIA_E_ARG for an empty bitmap. found may be NULL. */
enum media_err media_qr_scan(const struct media_bitmap *b, media_qr_symbol_fn fn, void *ctx,
			     size_t *found);

/* The receiver. */
struct media_rx;
struct media_rx_progress {
	size_t codes;	 /* QR codes accepted (repeats included) */
	size_t rejected; /* QR codes refused (another message, malformed UR) */
	int multipart;	 /* 1 once a multi-part UR is under way */
	size_t solved;	 /* fragments solved (1 for a single code, once seen) */
	size_t needed;	 /* fragments in the message (0 until known) */
	int complete;
};

enum media_err media_rx_new(size_t max_payload, struct media_rx **out);
/*
 * Adds the content of one QR code. Returns MEDIA_OK (*useful 1 if it brought new information;
 * may be NULL), MEDIA_E_MULTIPLE (a different plain payload, or a plain payload mixed with UR
 * codes), MEDIA_E_TOOBIG, or the UR decoder's errors (media/ur.h). A refused code changes
 * nothing but the rejected count.
 */
enum media_err media_rx_add(struct media_rx *rx, const unsigned char *data, size_t len,
			    int *useful);
void media_rx_progress(const struct media_rx *rx, struct media_rx_progress *p);
/* The payload once complete (MEDIA_E_ARG before); valid until free. */
enum media_err media_rx_payload(const struct media_rx *rx, const unsigned char **payload,
				size_t *len);
void media_rx_free(struct media_rx *rx);

/* Every QR code in an image file goes to rx. Returns MEDIA_OK, media_image_read_file's errors,
 * MEDIA_E_NO_QR, or the first error of media_rx_add. */
enum media_err media_rx_add_file(struct media_rx *rx, const char *path);

/*
 * Reads from a V4L2 camera (libzbar's video API; the output format is set before capture, grey
 * preferred) until the payload is complete, timeout_ms passes (MEDIA_E_TIMEOUT; 0 means no
 * limit), or progress(ctx, ...) returns nonzero (MEDIA_E_TIMEOUT as well). progress is called
 * after every frame that brought a QR code, and may be NULL. Codes of another message are
 * counted as rejected and skipped. Returns MEDIA_OK, MEDIA_E_CAMERA, MEDIA_E_TIMEOUT.
 */
enum media_err media_rx_camera(struct media_rx *rx, const char *device, unsigned timeout_ms,
			       int (*progress)(void *ctx, const struct media_rx_progress *p),
			       void *ctx);

#endif
