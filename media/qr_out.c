#include "media/qr_out.h"

#include <errno.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "media/error.h"
#include "media/qr_in.h"
#include "media/ur.h"
#include "media/util.h"

/* The largest QR code (version 40-L) holds 7089 digits, 4296 alphanumerics or 2953 bytes. */
#define QR_MAX_INPUT 7089
/* Pixels per module for the loopback renderings. */
#define LOOPBACK_SCALE 4

static const char an_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

const char *media_qr_ec_name(enum media_qr_ec ec)
{
	switch (ec) {
	case MEDIA_QR_EC_L:
		return "L";
	case MEDIA_QR_EC_M:
		return "M";
	case MEDIA_QR_EC_Q:
		return "Q";
	case MEDIA_QR_EC_H:
		return "H";
	default:
		return "auto";
	}
}

static int is_alphanumeric(const unsigned char *d, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (d[i] == 0 || memchr(an_chars, d[i], sizeof(an_chars) - 1) == NULL)
			return 0;
	return 1;
}

void media_qr_free(struct media_qr *qr)
{
	media_sfree(qr->modules);
	media_sfree(qr->payload);
	memset(qr, 0, sizeof(*qr));
}

/* --- loopback ------------------------------------------------------------------------------- */

struct loopback {
	const unsigned char *want;
	size_t len;
	int match, other;
};

static int loopback_symbol(void *ctx, const unsigned char *data, size_t len)
{
	struct loopback *lb = ctx;

	if (len == lb->len && sodium_memcmp(data, lb->want, len) == 0)
		lb->match = 1;
	else
		lb->other = 1;
	return 0;
}

/* The bitmap must decode to exactly the payload, and to nothing else. */
static int loopback(const struct media_bitmap *b, const unsigned char *want, size_t len)
{
	struct loopback lb = {want, len, 0, 0};
	int ret = media_qr_scan(b, loopback_symbol, &lb, NULL);

	if (ret == MEDIA_E_NOMEM)
		return ret;
	return lb.match && !lb.other ? MEDIA_OK : MEDIA_E_LOOPBACK;
}

/* --- encoding ------------------------------------------------------------------------------- */

/* One attempt with libqrencode at a level; NULL with errno ERANGE when it does not fit. */
static QRcode *qr_try(const unsigned char *data, size_t len, const char *text, int an,
		      enum media_qr_ec ec)
{
	static const QRecLevel levels[4] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};

	if (an)
		return QRcode_encodeString(text, 0, levels[ec], QR_MODE_8, 1);
	return QRcode_encodeData((int)len, data, 0, levels[ec]);
}

static void qrcode_wipe_free(QRcode *c)
{
	if (c == NULL)
		return;
	sodium_memzero(c->data, (size_t)c->width * (size_t)c->width);
	QRcode_free(c);
}

enum media_err media_qr_encode(const unsigned char *data, size_t len, enum media_qr_ec ec,
			       struct media_qr *qr)
{
	QRcode *code = NULL;
	char *text = NULL;
	struct media_bitmap b = {0, 0, NULL};
	int an, ret;
	enum media_qr_ec used = ec;

	memset(qr, 0, sizeof(*qr));
	if (len == 0 || len > QR_MAX_INPUT || ec < MEDIA_QR_EC_AUTO || ec > MEDIA_QR_EC_H)
		return len > QR_MAX_INPUT ? MEDIA_E_QR_CAPACITY : MEDIA_E_ARG;
	an = is_alphanumeric(data, len);
	if (an) {
		/* libqrencode takes a NUL-terminated string for the mixed-mode encoder. */
		text = media_salloc(len + 1);
		if (text == NULL)
			return MEDIA_E_NOMEM;
		memcpy(text, data, len);
		text[len] = '\0';
	}
	if (ec != MEDIA_QR_EC_AUTO) {
		code = qr_try(data, len, text, an, ec);
	} else {
		for (int l = MEDIA_QR_EC_H; l >= MEDIA_QR_EC_L; l--) {
			QRcode *c = qr_try(data, len, text, an, (enum media_qr_ec)l);

			if (c == NULL)
				continue;
			if (c->version <= MEDIA_QR_COMFORT_VERSION || l == MEDIA_QR_EC_L) {
				code = c;
				used = (enum media_qr_ec)l;
				break;
			}
			qrcode_wipe_free(c);
		}
	}
	media_sfree(text);
	if (code == NULL)
		return errno == ERANGE || ec == MEDIA_QR_EC_AUTO ? MEDIA_E_QR_CAPACITY
								 : MEDIA_E_QR_ENCODE;
	ret = MEDIA_E_NOMEM;
	qr->size = (unsigned)code->width;
	qr->version = (unsigned)code->version;
	qr->ec = used;
	qr->alphanumeric = an;
	qr->modules = media_salloc((size_t)qr->size * qr->size);
	qr->payload = media_salloc(len);
	if (qr->modules == NULL || qr->payload == NULL)
		goto fail;
	for (size_t i = 0; i < (size_t)qr->size * qr->size; i++)
		qr->modules[i] = code->data[i] & 1;
	memcpy(qr->payload, data, len);
	qr->payload_len = len;
	ret = media_qr_bitmap(qr, LOOPBACK_SCALE, MEDIA_QR_QUIET, &b);
	if (ret == MEDIA_OK)
		ret = loopback(&b, data, len);
	media_bitmap_free(&b);
	if (ret != MEDIA_OK)
		goto fail;
	qrcode_wipe_free(code);
	return MEDIA_OK;
fail:
	qrcode_wipe_free(code);
	media_qr_free(qr);
	return ret;
}

enum media_err media_qr_bitmap(const struct media_qr *qr, unsigned scale, unsigned quiet,
			       struct media_bitmap *out)
{
	unsigned side;
	int ret;

	if (scale == 0 || scale > 64 || quiet > 64 || qr->modules == NULL)
		return MEDIA_E_ARG;
	side = (qr->size + 2 * quiet) * scale;
	ret = media_bitmap_new(out, side, side);
	if (ret != MEDIA_OK)
		return ret;
	for (unsigned y = 0; y < qr->size; y++)
		for (unsigned x = 0; x < qr->size; x++) {
			if (!qr->modules[(size_t)y * qr->size + x])
				continue;
			for (unsigned dy = 0; dy < scale; dy++)
				memset(out->pixels + (size_t)((y + quiet) * scale + dy) * side +
					   (x + quiet) * scale,
				       0, scale);
		}
	return MEDIA_OK;
}

enum media_err media_qr_png(const struct media_qr *qr, unsigned scale, unsigned char **png,
			    size_t *len)
{
	struct media_bitmap b = {0, 0, NULL}, back = {0, 0, NULL};
	int ret;

	*png = NULL;
	*len = 0;
	ret = media_qr_bitmap(qr, scale, MEDIA_QR_QUIET, &b);
	if (ret == MEDIA_OK)
		ret = media_png_encode(&b, png, len);
	media_bitmap_free(&b);
	if (ret != MEDIA_OK)
		return ret;
	/* Decode the very bytes handed out. */
	ret = media_image_decode(*png, *len, &back);
	if (ret == MEDIA_OK)
		ret = loopback(&back, qr->payload, qr->payload_len);
	else
		ret = MEDIA_E_LOOPBACK;
	media_bitmap_free(&back);
	if (ret != MEDIA_OK) {
		media_sfree(*png);
		*png = NULL;
		*len = 0;
	}
	return ret;
}

/* --- terminal ------------------------------------------------------------------------------- */

/* Half blocks, indexed by (top lit) | (bottom lit) << 1. */
static const char *const glyphs[4] = {" ", "\xe2\x96\x80", "\xe2\x96\x84", "\xe2\x96\x88"};

/* Whether the module at (x, y) of the padded symbol is drawn (lit) on the terminal. */
static int lit(const struct media_qr *qr, unsigned x, unsigned y, unsigned flags)
{
	unsigned q = MEDIA_QR_QUIET;
	int dark = 0;

	if (x >= q && y >= q && x - q < qr->size && y - q < qr->size)
		dark = qr->modules[(size_t)(y - q) * qr->size + (x - q)];
	return (flags & MEDIA_QR_TERM_DARK_ON_LIGHT) ? dark : !dark;
}

enum media_err media_qr_terminal(const struct media_qr *qr, unsigned flags, char **text,
				 size_t *len)
{
	unsigned side = qr->size + 2 * MEDIA_QR_QUIET, lines = (side + 1) / 2;
	size_t cap = (size_t)lines * (side * 3 + 1) + 1, used = 0;
	struct media_bitmap b = {0, 0, NULL};
	char *t;
	int ret;

	*text = NULL;
	*len = 0;
	if (qr->modules == NULL)
		return MEDIA_E_ARG;
	t = media_salloc(cap);
	if (t == NULL)
		return MEDIA_E_NOMEM;
	for (unsigned l = 0; l < lines; l++) {
		for (unsigned x = 0; x < side; x++) {
			unsigned y = 2 * l;
			/* Below the last row is the console's own background: not lit. */
			int g = lit(qr, x, y, flags) | (y + 1 < side ? lit(qr, x, y + 1, flags) : 0)
							   << 1;
			size_t gl = strlen(glyphs[g]);

			memcpy(t + used, glyphs[g], gl);
			used += gl;
		}
		t[used++] = '\n';
	}
	t[used] = '\0';
	ret = media_qr_terminal_to_bitmap(t, used, flags, LOOPBACK_SCALE, &b);
	if (ret == MEDIA_OK)
		ret = loopback(&b, qr->payload, qr->payload_len);
	else
		ret = MEDIA_E_LOOPBACK;
	media_bitmap_free(&b);
	if (ret != MEDIA_OK) {
		media_sfree(t);
		return ret;
	}
	*text = t;
	*len = used;
	return MEDIA_OK;
}

/* The glyph at text[*pos] (0..3), advancing past it; -1 if it is none of ours. */
static int glyph_at(const char *text, size_t len, size_t *pos)
{
	for (int g = 0; g < 4; g++) {
		size_t gl = strlen(glyphs[g]);

		if (len - *pos >= gl && memcmp(text + *pos, glyphs[g], gl) == 0) {
			*pos += gl;
			return g;
		}
	}
	return -1;
}

enum media_err media_qr_terminal_to_bitmap(const char *text, size_t len, unsigned flags,
					   unsigned scale, struct media_bitmap *out)
{
	unsigned cols = 0, lines = 0, c = 0;
	size_t pos = 0;
	int ret;
	unsigned char lit_px = (flags & MEDIA_QR_TERM_DARK_ON_LIGHT) ? 0 : 255;

	out->pixels = NULL;
	out->width = out->height = 0;
	if (scale == 0 || scale > 64)
		return MEDIA_E_ARG;
	/* First pass: the grid must be rectangular. */
	while (pos < len) {
		if (text[pos] == '\n') {
			if (c == 0 || (lines > 0 && c != cols))
				return MEDIA_E_IMAGE;
			cols = c;
			c = 0;
			lines++;
			pos++;
			continue;
		}
		if (glyph_at(text, len, &pos) < 0)
			return MEDIA_E_IMAGE;
		c++;
	}
	if (c != 0 || lines == 0)
		return MEDIA_E_IMAGE;
	ret = media_bitmap_new(out, cols * scale, lines * 2 * scale);
	if (ret != MEDIA_OK)
		return ret;
	memset(out->pixels, 255 - lit_px, (size_t)out->width * out->height);
	pos = 0;
	for (unsigned l = 0; l < lines; l++, pos++) {
		for (unsigned x = 0; x < cols; x++) {
			int g = glyph_at(text, len, &pos);

			for (unsigned half = 0; half < 2; half++) {
				if (!((g >> half) & 1))
					continue;
				for (unsigned dy = 0; dy < scale; dy++)
					memset(out->pixels +
						   (size_t)((2 * l + half) * scale + dy) *
						       out->width +
						   x * scale,
					       lit_px, scale);
			}
		}
	}
	return MEDIA_OK;
}

/* --- animation ------------------------------------------------------------------------------ */

struct media_qr_anim {
	enum media_qr_ec ec;
	struct media_ur_enc *ur; /* NULL: a single plain code */
	struct media_qr cur;
	size_t seq, fragments;
};

enum media_err media_qr_anim_new(const unsigned char *payload, size_t len, int ur,
				 size_t fragment_len, enum media_qr_ec ec,
				 struct media_qr_anim **out)
{
	struct media_qr_anim *a;
	int ret;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return MEDIA_E_NOMEM;
	a->ec = ec;
	a->fragments = 1;
	if (!ur) {
		/* One plain code if it is comfortable to show, otherwise a multi-part UR. */
		ret = media_qr_encode(payload, len, ec, &a->cur);
		if (ret == MEDIA_OK && a->cur.version <= MEDIA_QR_COMFORT_VERSION) {
			*out = a;
			return MEDIA_OK;
		}
		media_qr_free(&a->cur);
		if (ret != MEDIA_OK && ret != MEDIA_E_QR_CAPACITY)
			goto fail;
	}
	ret = media_ur_enc_new(payload, len, fragment_len, 0, &a->ur);
	if (ret != MEDIA_OK)
		goto fail;
	a->fragments = media_ur_enc_seq_len(a->ur);
	*out = a;
	return MEDIA_OK;
fail:
	media_qr_anim_free(a);
	return ret;
}

size_t media_qr_anim_fragments(const struct media_qr_anim *a)
{
	return a->fragments;
}

enum media_err media_qr_anim_next(struct media_qr_anim *a, const struct media_qr **qr, size_t *seq)
{
	const char *text;
	size_t len;
	int ret;

	*qr = NULL;
	if (a->ur != NULL) {
		media_qr_free(&a->cur);
		ret = media_ur_enc_next(a->ur, 1, &text, &len);
		if (ret == MEDIA_OK)
			ret = media_qr_encode((const unsigned char *)text, len, a->ec, &a->cur);
		if (ret != MEDIA_OK)
			return ret;
	}
	a->seq++;
	*qr = &a->cur;
	*seq = a->seq;
	return MEDIA_OK;
}

void media_qr_anim_free(struct media_qr_anim *a)
{
	if (a == NULL)
		return;
	media_ur_enc_free(a->ur);
	media_qr_free(&a->cur);
	free(a);
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return MEDIA_E_IO;
		s += n;
		len -= (size_t)n;
	}
	return MEDIA_OK;
}

enum media_err media_qr_play(int fd, struct media_qr_anim *a, unsigned flags, const char *caption,
			     unsigned period_ms, size_t max_frames, int (*keep_going)(void *ctx),
			     void *ctx)
{
	struct timespec ts = {(time_t)(period_ms / 1000), (long)(period_ms % 1000) * 1000000L};
	char line[64];
	int ret = write_all(fd, "\033[2J", 4);

	for (size_t shown = 0; ret == MEDIA_OK && (max_frames == 0 || shown < max_frames);
	     shown++) {
		const struct media_qr *qr;
		char *text;
		size_t seq, len;
		int n;

		if (keep_going != NULL && !keep_going(ctx))
			break;
		ret = media_qr_anim_next(a, &qr, &seq);
		if (ret == MEDIA_OK)
			ret = media_qr_terminal(qr, flags, &text, &len);
		if (ret != MEDIA_OK)
			break;
		ret = write_all(fd, "\033[H", 3);
		if (ret == MEDIA_OK)
			ret = write_all(fd, text, len);
		media_sfree(text);
		if (ret == MEDIA_OK && caption != NULL) {
			ret = write_all(fd, caption, strlen(caption));
			if (ret == MEDIA_OK)
				ret = write_all(fd, "\n", 1);
		}
		if (a->fragments > 1)
			n = snprintf(line, sizeof(line), "part %zu (%zu fragments)\033[K\n\033[J",
				     seq, a->fragments);
		else
			n = snprintf(line, sizeof(line), "\033[J");
		if (ret == MEDIA_OK)
			ret = write_all(fd, line, (size_t)n);
		if (ret == MEDIA_OK && (max_frames == 0 || shown + 1 < max_frames))
			nanosleep(&ts, NULL);
	}
	return ret;
}
