#include "media/qr_in.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zbar.h>

#include "media/error.h"
#include "media/ur.h"
#include "media/util.h"

/* --- scanning ------------------------------------------------------------------------------- */

static zbar_image_scanner_t *qr_scanner(void)
{
	zbar_image_scanner_t *s = zbar_image_scanner_create();

	if (s == NULL)
		return NULL;
	zbar_image_scanner_set_config(s, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	/* Raw bytes, no guessing of a text encoding. */
	zbar_image_scanner_set_config(s, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	/* Light-on-dark codes (a photographed console) too. */
	zbar_image_scanner_set_config(s, ZBAR_NONE, ZBAR_CFG_TEST_INVERTED, 1);
	return s;
}

/* Runs the scanner over a grey image and reports each QR code. */
static int scan_image(zbar_image_scanner_t *s, zbar_image_t *img, media_qr_symbol_fn fn, void *ctx,
		      size_t *found)
{
	const zbar_symbol_t *sym;
	size_t n = 0;

	if (zbar_scan_image(s, img) < 0)
		return MEDIA_E_NOMEM;
	for (sym = zbar_image_first_symbol(img); sym != NULL; sym = zbar_symbol_next(sym)) {
		if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
			continue;
		n++;
		if (fn != NULL && fn(ctx, (const unsigned char *)zbar_symbol_get_data(sym),
				     zbar_symbol_get_data_length(sym)) != 0)
			break;
	}
	if (found)
		*found = n;
	return n ? MEDIA_OK : MEDIA_E_NO_QR;
}

/* libzbar 0.23 (Debian 12) inverts an image for ZBAR_CFG_TEST_INVERTED in whole 8-byte words:
 * it reads up to 7 bytes past the image data it was given and writes up to 7 past the end of
 * the copy it mallocs, both when the data length is not a multiple of 8 (found by replaying the
 * fuzz corpus under valgrind). The scan is therefore of a copy with room to spare (a read past a
 * sodium_malloc'ed buffer would hit its guard page) whose length is given rounded up to whole
 * words, so that zbar's copy is exactly as long as what it writes. */
#define SCAN_SLACK 64
#define SCAN_WORD  sizeof(unsigned long)
_Static_assert(SCAN_SLACK >= SCAN_WORD, "the rounded-up length stays inside the copy");

/* dst = src smoothed by a (2r+1)-square box filter: sensor noise that defeats libzbar's
 * binariser is averaged out, at the price of some sharpness. */
static void box_filter(const unsigned char *src, unsigned char *dst, unsigned w, unsigned h,
		       unsigned r)
{
	for (unsigned y = 0; y < h; y++) {
		unsigned y0 = y >= r ? y - r : 0, y1 = y + r < h ? y + r : h - 1;

		for (unsigned x = 0; x < w; x++) {
			unsigned x0 = x >= r ? x - r : 0, x1 = x + r < w ? x + r : w - 1;
			unsigned long sum = 0;

			for (unsigned yy = y0; yy <= y1; yy++)
				for (unsigned xx = x0; xx <= x1; xx++)
					sum += src[(size_t)yy * w + xx];
			dst[(size_t)y * w + x] =
			    (unsigned char)(sum / ((unsigned long)(y1 - y0 + 1) * (x1 - x0 + 1)));
		}
	}
}

/* In place: each pixel black or white against the mean of its (2r+1)-square neighbourhood. A
 * blurred code keeps its module edges as local contrast even when a global threshold is lost. */
static int local_threshold(unsigned char *p, unsigned w, unsigned h, unsigned r)
{
	unsigned char *m = media_salloc((size_t)w * h);

	if (m == NULL)
		return MEDIA_E_NOMEM;
	box_filter(p, m, w, h, r);
	for (size_t i = 0; i < (size_t)w * h; i++)
		p[i] = p[i] + 2 < m[i] ? 0 : 255;
	media_sfree(m);
	return MEDIA_OK;
}

enum media_err media_qr_scan(const struct media_bitmap *b, media_qr_symbol_fn fn, void *ctx,
			     size_t *found)
{
	zbar_image_scanner_t *s;
	zbar_image_t *img;
	size_t n = (size_t)b->width * b->height;
	unsigned char *copy;
	int ret = MEDIA_E_NOMEM;

	if (found)
		*found = 0;
	if (b->pixels == NULL || n == 0)
		return MEDIA_E_ARG;
	copy = media_salloc(n + b->width + SCAN_SLACK);
	s = qr_scanner();
	img = zbar_image_create();
	if (copy == NULL || s == NULL || img == NULL)
		goto out;
	memset(copy + n, 255, b->width + SCAN_SLACK);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, b->width, b->height);
	zbar_image_set_data(img, copy, (unsigned long)((n + SCAN_WORD - 1) / SCAN_WORD * SCAN_WORD),
			    NULL);
	/* As it is, then smoothed more and more until something decodes. */
	for (unsigned r = 0; r <= 3; r++) {
		if (r == 0)
			memcpy(copy, b->pixels, n);
		else
			box_filter(b->pixels, copy, b->width, b->height, r < 3 ? r : 1);
		if (r == 3 && local_threshold(copy, b->width, b->height, 8) != MEDIA_OK)
			break;
		ret = scan_image(s, img, fn, ctx, found);
		if (ret != MEDIA_E_NO_QR)
			break;
	}
out:
	if (img)
		zbar_image_destroy(img);
	if (s)
		zbar_image_scanner_destroy(s);
	media_sfree(copy);
	return ret;
}

/* --- the receiver --------------------------------------------------------------------------- */

struct media_rx {
	size_t max_payload;
	struct media_ur_dec *ur; /* once a UR code was seen */
	unsigned char *plain;	 /* once a plain code was seen */
	size_t plain_len;
	struct media_rx_progress p;
	int last_err; /* first error seen by a scan callback */
};

enum media_err media_rx_new(size_t max_payload, struct media_rx **out)
{
	struct media_rx *rx;

	*out = NULL;
	if (max_payload == 0 || max_payload > MEDIA_UR_MAX_PAYLOAD)
		return MEDIA_E_ARG;
	rx = calloc(1, sizeof(*rx));
	if (rx == NULL)
		return MEDIA_E_NOMEM;
	rx->max_payload = max_payload;
	*out = rx;
	return MEDIA_OK;
}

static int rx_plain(struct media_rx *rx, const unsigned char *data, size_t len, int *useful)
{
	if (rx->ur != NULL)
		return MEDIA_E_MULTIPLE;
	if (rx->plain != NULL) {
		if (len == rx->plain_len && sodium_memcmp(rx->plain, data, len) == 0)
			return MEDIA_OK;
		return MEDIA_E_MULTIPLE;
	}
	if (len > rx->max_payload)
		return MEDIA_E_TOOBIG;
	rx->plain = media_salloc(len);
	if (rx->plain == NULL)
		return MEDIA_E_NOMEM;
	memcpy(rx->plain, data, len);
	rx->plain_len = len;
	*useful = 1;
	return MEDIA_OK;
}

enum media_err media_rx_add(struct media_rx *rx, const unsigned char *data, size_t len, int *useful)
{
	int ret, u = 0;

	if (useful)
		*useful = 0;
	if (len == 0) {
		ret = MEDIA_E_NO_QR;
	} else if (!media_ur_is_ur(data, len)) {
		ret = rx_plain(rx, data, len, &u);
	} else if (rx->plain != NULL) {
		ret = MEDIA_E_MULTIPLE;
	} else {
		ret = rx->ur ? MEDIA_OK : (int)media_ur_dec_new(rx->max_payload, &rx->ur);
		if (ret == MEDIA_OK)
			ret = media_ur_dec_add(rx->ur, (const char *)data, len, &u);
	}
	if (ret != MEDIA_OK) {
		rx->p.rejected++;
		return ret;
	}
	rx->p.codes++;
	if (useful)
		*useful = u;
	return MEDIA_OK;
}

void media_rx_progress(const struct media_rx *rx, struct media_rx_progress *p)
{
	*p = rx->p;
	p->multipart = 0;
	p->solved = p->needed = 0;
	p->complete = 0;
	if (rx->plain != NULL) {
		p->solved = p->needed = 1;
		p->complete = 1;
	} else if (rx->ur != NULL) {
		media_ur_dec_progress(rx->ur, &p->solved, &p->needed, NULL);
		p->multipart = p->needed > 1;
		p->complete = media_ur_dec_complete(rx->ur);
	}
}

enum media_err media_rx_payload(const struct media_rx *rx, const unsigned char **payload,
				size_t *len)
{
	if (rx->plain != NULL) {
		*payload = rx->plain;
		*len = rx->plain_len;
		return MEDIA_OK;
	}
	if (rx->ur != NULL)
		return media_ur_dec_payload(rx->ur, payload, len);
	return MEDIA_E_ARG;
}

void media_rx_free(struct media_rx *rx)
{
	if (rx == NULL)
		return;
	media_ur_dec_free(rx->ur);
	media_sfree(rx->plain);
	free(rx);
}

/* Scan callback: feeds the receiver, keeps the first error. */
static int rx_symbol(void *ctx, const unsigned char *data, size_t len)
{
	struct media_rx *rx = ctx;
	int ret = media_rx_add(rx, data, len, NULL);

	if (ret != MEDIA_OK && rx->last_err == MEDIA_OK)
		rx->last_err = ret;
	return 0;
}

enum media_err media_rx_add_file(struct media_rx *rx, const char *path)
{
	struct media_bitmap b;
	int ret = media_image_read_file(path, &b);

	if (ret != MEDIA_OK)
		return ret;
	rx->last_err = MEDIA_OK;
	ret = media_qr_scan(&b, rx_symbol, rx, NULL);
	media_bitmap_free(&b);
	if (ret != MEDIA_OK)
		return ret;
	return rx->last_err;
}

/* --- camera --------------------------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* 1 when device is a V4L2 video capture device. Asked before libzbar opens it: on anything
 * else (a file, /dev/null, a disk) libzbar and libv4l2 print their complaints on stderr, several
 * lines the caller cannot control, where one clear error is due. */
static int is_camera(const char *device)
{
	struct v4l2_capability cap;
	struct stat st;
	int fd, ok = 0;

	fd = open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	memset(&cap, 0, sizeof(cap));
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && ioctl(fd, VIDIOC_QUERYCAP, &cap) == 0) {
		uint32_t caps =
		    (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;

		ok = (caps & V4L2_CAP_VIDEO_CAPTURE) != 0;
	}
	close(fd);
	return ok;
}

/*
 * Opens the device and fixes its output format before capture: libzbar 0.23 can crash when it
 * is left to probe on its own. Memory-mapped I/O first (the read() fallback it picks on probe
 * failure is the one that breaks), then whatever the driver offers.
 */
static zbar_video_t *camera_open(const char *device)
{
	static const unsigned long formats[] = {
	    zbar_fourcc('G', 'R', 'E', 'Y'),
	    zbar_fourcc('Y', '8', '0', '0'),
	    zbar_fourcc('Y', 'U', 'Y', 'V'),
	    zbar_fourcc('M', 'J', 'P', 'G'),
	};
	static const int iomodes[] = {2, 0};

	if (!is_camera(device))
		return NULL;
	for (size_t m = 0; m < sizeof(iomodes) / sizeof(iomodes[0]); m++) {
		zbar_video_t *v = zbar_video_create();

		if (v == NULL)
			return NULL;
		zbar_video_request_iomode(v, iomodes[m]);
		zbar_video_request_size(v, 640, 480);
		if (zbar_video_open(v, device) == 0) {
			for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++)
				if (zbar_video_init(v, formats[f]) == 0)
					return v;
		}
		zbar_video_destroy(v);
	}
	return NULL;
}

enum media_err media_rx_camera(struct media_rx *rx, const char *device, unsigned timeout_ms,
			       int (*progress)(void *ctx, const struct media_rx_progress *p),
			       void *ctx)
{
	zbar_video_t *v;
	zbar_image_scanner_t *s = NULL;
	struct media_rx_progress p;
	uint64_t deadline = now_ms() + timeout_ms;
	int ret = MEDIA_E_CAMERA, fd;

	v = camera_open(device);
	if (v == NULL)
		return MEDIA_E_CAMERA;
	s = qr_scanner();
	if (s == NULL || zbar_video_enable(v, 1) != 0)
		goto out;
	fd = zbar_video_get_fd(v);
	for (;;) {
		zbar_image_t *frame, *grey;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int wait = 1000;
		size_t found = 0;

		media_rx_progress(rx, &p);
		if (p.complete) {
			ret = MEDIA_OK;
			break;
		}
		if (timeout_ms != 0) {
			uint64_t t = now_ms();

			if (t >= deadline) {
				ret = MEDIA_E_TIMEOUT;
				break;
			}
			wait = deadline - t < 1000 ? (int)(deadline - t) : 1000;
		}
		/* Wait for a frame without blocking past the deadline (v4l2 gives an fd). */
		if (fd >= 0) {
			int r = poll(&pfd, 1, wait);

			if (r == 0 || (r < 0 && errno == EINTR))
				continue;
			if (r < 0) {
				ret = MEDIA_E_CAMERA;
				break;
			}
		}
		frame = zbar_video_next_image(v);
		if (frame == NULL) {
			ret = MEDIA_E_CAMERA;
			break;
		}
		grey = zbar_image_convert(frame, zbar_fourcc('Y', '8', '0', '0'));
		zbar_image_destroy(frame);
		if (grey == NULL) {
			ret = MEDIA_E_CAMERA;
			break;
		}
		rx->last_err = MEDIA_OK;
		scan_image(s, grey, rx_symbol, rx, &found);
		sodium_memzero((void *)(uintptr_t)zbar_image_get_data(grey),
			       zbar_image_get_data_length(grey));
		zbar_image_destroy(grey);
		if (found > 0 && progress != NULL) {
			media_rx_progress(rx, &p);
			if (progress(ctx, &p) != 0) {
				ret = MEDIA_E_TIMEOUT;
				break;
			}
		}
	}
	zbar_video_enable(v, 0);
out:
	if (s)
		zbar_image_scanner_destroy(s);
	zbar_video_destroy(v);
	return ret;
}
