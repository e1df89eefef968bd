/*
 * QR codes out (libqrencode): a module matrix (for the paper card), a PNG, or UTF-8 half blocks
 * for a VT or serial console, one QR code or an animated multi-part UR.
 *
 * Every code is checked by loopback before it is returned: the matrix is rendered and decoded
 * with libzbar on encoding, and the PNG bytes and the terminal text are decoded again from what
 * is actually handed out. A mismatch is MEDIA_E_LOOPBACK, never a warning.
 *
 * Mode: a payload made only of the QR alphanumeric characters (0-9 A-Z space $ % * + - . / :),
 * such as upper-cased SLIP-39 words or an upper-cased UR, is encoded in alphanumeric mode;
 * anything else in 8-bit byte mode, byte for byte. Error correction, unless given: the highest
 * level (H, Q, M, L) whose symbol is at most MEDIA_QR_COMFORT_VERSION; failing that, L at the
 * smallest version that holds it.
 *
 * The payload may be secret: copies and renderings made here are sodium_malloc'ed and wiped;
 * libqrencode's and libzbar's internal buffers are ordinary heap, which the ceremony program
 * wipes whenever a block is freed (ceremony/base/wipe_alloc.h, docs/qr.md).
 */
#ifndef MEDIA_QR_OUT_H
#define MEDIA_QR_OUT_H

#include <stddef.h>

#include "media/image.h"

/* Version 13 is 69 modules: with the quiet zone it fits an 80-column terminal. */
#define MEDIA_QR_COMFORT_VERSION 13
#define MEDIA_QR_QUIET		 4

enum media_qr_ec {
	MEDIA_QR_EC_AUTO = -1,
	MEDIA_QR_EC_L = 0,
	MEDIA_QR_EC_M,
	MEDIA_QR_EC_Q,
	MEDIA_QR_EC_H
};

struct media_qr {
	unsigned size;		/* modules per side, without quiet zone */
	unsigned version;	/* 1..40 */
	enum media_qr_ec ec;	/* the level used */
	int alphanumeric;	/* 1 if encoded in alphanumeric mode */
	unsigned char *modules; /* size * size, row-major, 1 = dark */
	unsigned char *payload; /* a copy of what it encodes, for the loopback checks */
	size_t payload_len;
};

/* "L", "M", "Q", "H". */
const char *media_qr_ec_name(enum media_qr_ec ec);

/* Encodes data (1 to 7089 bytes) and checks it by loopback. Returns MEDIA_OK,
 * MEDIA_E_QR_CAPACITY, MEDIA_E_QR_ENCODE, MEDIA_E_LOOPBACK, MEDIA_E_NOMEM, MEDIA_E_ARG. On
 * failure qr is empty. */
enum media_err media_qr_encode(const unsigned char *data, size_t len, enum media_qr_ec ec,
			       struct media_qr *qr);
void media_qr_free(struct media_qr *qr);

/* Renders with scale pixels per module and a quiet zone of quiet modules. */
enum media_err media_qr_bitmap(const struct media_qr *qr, unsigned scale, unsigned quiet,
			       struct media_bitmap *out);

/* A PNG (scale pixels per module, MEDIA_QR_QUIET quiet zone), decoded again before it is
 * returned. *png is media_salloc'ed (media_sfree). */
enum media_err media_qr_png(const struct media_qr *qr, unsigned scale, unsigned char **png,
			    size_t *len);

/* Terminal text: UTF-8 half blocks (two module rows per line), MEDIA_QR_QUIET quiet zone, lines
 * ending in '\n'. By default light modules are drawn, for a light-on-dark console (VT, serial);
 * MEDIA_QR_TERM_DARK_ON_LIGHT draws dark ones. Parsed back and decoded before it is returned.
 * *text is media_salloc'ed and NUL-terminated (media_sfree). */
#define MEDIA_QR_TERM_DARK_ON_LIGHT 1u
enum media_err media_qr_terminal(const struct media_qr *qr, unsigned flags, char **text,
				 size_t *len);

/* Reads terminal text made by media_qr_terminal back into a bitmap (scale pixels per module),
 * as a camera would see it. For tests and the loopback. */
enum media_err media_qr_terminal_to_bitmap(const char *text, size_t len, unsigned flags,
					   unsigned scale, struct media_bitmap *out);

/*
 * An animation for the terminal: a single QR code for a payload that fits one (plainly, or as a
 * single-part UR if ur is set), otherwise a multi-part UR of fragment_len-byte fragments, each
 * frame checked by loopback. ec as above.
 */
struct media_qr_anim;
enum media_err media_qr_anim_new(const unsigned char *payload, size_t len, int ur,
				 size_t fragment_len, enum media_qr_ec ec,
				 struct media_qr_anim **out);
/* Frames in one pass over the fragments (1 for a single code). */
size_t media_qr_anim_fragments(const struct media_qr_anim *a);
/* The next frame's QR code, valid until the next call; *seq is its 1-based number. */
enum media_err media_qr_anim_next(struct media_qr_anim *a, const struct media_qr **qr, size_t *seq);
void media_qr_anim_free(struct media_qr_anim *a);

/*
 * Shows an animation on a terminal: writes each frame to fd (cursor home, the code, the caption
 * and "part N of M" below it), every period_ms milliseconds, until keep_going(ctx) returns 0
 * (called between frames) or max_frames were shown (0: no limit). The caller chooses the fd and
 * the caption (say, the payload's fingerprint); nothing else is written. Returns MEDIA_OK, or
 * MEDIA_E_IO if fd fails.
 */
enum media_err media_qr_play(int fd, struct media_qr_anim *a, unsigned flags, const char *caption,
			     unsigned period_ms, size_t max_frames, int (*keep_going)(void *ctx),
			     void *ctx);

#endif
