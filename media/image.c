#include "media/image.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zbar.h>

#include "media/error.h"
#include "media/util.h"

enum media_err media_bitmap_new(struct media_bitmap *b, unsigned width, unsigned height)
{
	b->width = b->height = 0;
	b->pixels = NULL;
	if (width == 0 || height == 0 || width > MEDIA_IMAGE_MAX_SIDE ||
	    height > MEDIA_IMAGE_MAX_SIDE || (size_t)width * height > MEDIA_IMAGE_MAX_PIXELS)
		return MEDIA_E_TOOBIG;
	b->pixels = media_salloc((size_t)width * height);
	if (b->pixels == NULL)
		return MEDIA_E_NOMEM;
	memset(b->pixels, 255, (size_t)width * height);
	b->width = width;
	b->height = height;
	return MEDIA_OK;
}

void media_bitmap_free(struct media_bitmap *b)
{
	media_sfree(b->pixels);
	b->pixels = NULL;
	b->width = b->height = 0;
}

/* --- PNG ------------------------------------------------------------------------------------ */

enum media_err media_png_encode(const struct media_bitmap *b, unsigned char **out, size_t *len)
{
	png_image img;
	png_alloc_size_t size = 0;
	unsigned char *buf;

	*out = NULL;
	*len = 0;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	img.width = b->width;
	img.height = b->height;
	img.format = PNG_FORMAT_GRAY;
	/* First pass sizes the output, second writes it. */
	if (!png_image_write_to_memory(&img, NULL, &size, 0, b->pixels, 0, NULL))
		return MEDIA_E_IMAGE;
	buf = media_salloc(size);
	if (buf == NULL)
		return MEDIA_E_NOMEM;
	if (!png_image_write_to_memory(&img, buf, &size, 0, b->pixels, 0, NULL)) {
		media_sfree(buf);
		return MEDIA_E_IMAGE;
	}
	*out = buf;
	*len = size;
	return MEDIA_OK;
}

static int png_decode(const unsigned char *data, size_t len, struct media_bitmap *out)
{
	png_image img;
	png_color white = {255, 255, 255};
	int ret;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&img, data, len))
		return MEDIA_E_IMAGE;
	ret = media_bitmap_new(out, img.width, img.height);
	if (ret != MEDIA_OK) {
		png_image_free(&img);
		return ret;
	}
	/* Transparent pixels go on white, as a QR code on a page would. */
	img.format = PNG_FORMAT_GRAY;
	if (!png_image_finish_read(&img, &white, out->pixels, 0, NULL)) {
		png_image_free(&img);
		media_bitmap_free(out);
		return MEDIA_E_IMAGE;
	}
	return MEDIA_OK;
}

/* --- PGM / PPM ------------------------------------------------------------------------------ */

static int pnm_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* A header number: skips white space and comments before it, then decimal digits. */
static int pnm_number(const unsigned char *d, size_t len, size_t *pos, unsigned *v)
{
	unsigned long acc = 0;
	size_t start;

	for (;;) {
		while (*pos < len && pnm_space(d[*pos]))
			(*pos)++;
		if (*pos < len && d[*pos] == '#') {
			while (*pos < len && d[*pos] != '\n')
				(*pos)++;
			continue;
		}
		break;
	}
	start = *pos;
	while (*pos < len && d[*pos] >= '0' && d[*pos] <= '9' && *pos - start < 6)
		acc = acc * 10 + (unsigned long)(d[(*pos)++] - '0');
	if (*pos == start || (*pos < len && d[*pos] >= '0' && d[*pos] <= '9'))
		return MEDIA_E_IMAGE;
	*v = (unsigned)acc;
	return MEDIA_OK;
}

static int pnm_decode(const unsigned char *d, size_t len, struct media_bitmap *out)
{
	unsigned w, h, maxval, channels = d[1] == '6' ? 3 : 1;
	size_t pos = 2, need;
	int ret;

	if (pnm_number(d, len, &pos, &w) || pnm_number(d, len, &pos, &h) ||
	    pnm_number(d, len, &pos, &maxval))
		return MEDIA_E_IMAGE;
	/* Exactly one white space character ends the header. */
	if (maxval == 0 || maxval > 255 || pos >= len || !pnm_space(d[pos]))
		return MEDIA_E_IMAGE;
	pos++;
	ret = media_bitmap_new(out, w, h);
	if (ret != MEDIA_OK)
		return ret;
	need = (size_t)w * h * channels;
	if (len - pos != need) {
		media_bitmap_free(out);
		return MEDIA_E_IMAGE;
	}
	for (size_t i = 0; i < (size_t)w * h; i++) {
		const unsigned char *p = d + pos + i * channels;
		/* Rec. 601 luma, in integers. */
		unsigned y =
		    channels == 3 ? (299u * p[0] + 587u * p[1] + 114u * p[2]) / 1000u : p[0];

		out->pixels[i] = (unsigned char)(y * 255u / maxval);
	}
	return MEDIA_OK;
}

/* --- JPEG, through libzbar ------------------------------------------------------------------ */

/* Width and height from the first start-of-frame marker. */
static int jpeg_size(const unsigned char *d, size_t len, unsigned *w, unsigned *h)
{
	size_t pos = 2;

	while (pos + 4 <= len) {
		unsigned marker, seglen;

		if (d[pos] != 0xff)
			return MEDIA_E_IMAGE;
		marker = d[pos + 1];
		if (marker == 0xff) {
			pos++;
			continue;
		}
		seglen = (unsigned)d[pos + 2] << 8 | d[pos + 3];
		if (seglen < 2 || pos + 2 + seglen > len)
			return MEDIA_E_IMAGE;
		if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
		    marker != 0xcc) {
			if (seglen < 7)
				return MEDIA_E_IMAGE;
			*h = (unsigned)d[pos + 5] << 8 | d[pos + 6];
			*w = (unsigned)d[pos + 7] << 8 | d[pos + 8];
			return MEDIA_OK;
		}
		if (marker == 0xd9 || marker == 0xda)
			return MEDIA_E_IMAGE; /* scan data or end before any frame header */
		pos += 2 + seglen;
	}
	return MEDIA_E_IMAGE;
}

static int jpeg_decode(const unsigned char *d, size_t len, struct media_bitmap *out)
{
	zbar_image_t *src, *grey = NULL;
	unsigned w = 0, h = 0;
	int ret;

	if (jpeg_size(d, len, &w, &h) != MEDIA_OK)
		return MEDIA_E_IMAGE;
	ret = media_bitmap_new(out, w, h);
	if (ret != MEDIA_OK)
		return ret;
	src = zbar_image_create();
	if (src == NULL) {
		media_bitmap_free(out);
		return MEDIA_E_NOMEM;
	}
	zbar_image_set_format(src, zbar_fourcc('J', 'P', 'E', 'G'));
	zbar_image_set_size(src, w, h);
	zbar_image_set_data(src, d, len, NULL);
	grey = zbar_image_convert(src, zbar_fourcc('Y', '8', '0', '0'));
	ret = MEDIA_E_IMAGE;
	if (grey != NULL && zbar_image_get_width(grey) == w && zbar_image_get_height(grey) == h &&
	    zbar_image_get_data_length(grey) >= (unsigned long)w * h) {
		memcpy(out->pixels, zbar_image_get_data(grey), (size_t)w * h);
		ret = MEDIA_OK;
	}
	if (grey != NULL) {
		sodium_memzero((void *)(uintptr_t)zbar_image_get_data(grey),
			       zbar_image_get_data_length(grey));
		zbar_image_destroy(grey);
	}
	zbar_image_destroy(src);
	if (ret != MEDIA_OK)
		media_bitmap_free(out);
	return ret;
}

enum media_err media_image_decode(const unsigned char *data, size_t len, struct media_bitmap *out)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

	out->width = out->height = 0;
	out->pixels = NULL;
	if (len > MEDIA_IMAGE_MAX_FILE)
		return MEDIA_E_TOOBIG;
	if (len >= 8 && memcmp(data, png_sig, 8) == 0)
		return png_decode(data, len, out);
	if (len >= 3 && data[0] == 'P' && (data[1] == '5' || data[1] == '6') && pnm_space(data[2]))
		return pnm_decode(data, len, out);
	if (len >= 4 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return jpeg_decode(data, len, out);
	return MEDIA_E_IMAGE;
}

enum media_err media_image_read_file(const char *path, struct media_bitmap *out)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t have = 0;
	int fd, ret;

	out->width = out->height = 0;
	out->pixels = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT	? MEDIA_E_NOENT
		       : errno == ELOOP ? MEDIA_E_IMAGE
					: MEDIA_E_IO;
	ret = MEDIA_E_IMAGE;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	ret = MEDIA_E_TOOBIG;
	if (st.st_size > (off_t)MEDIA_IMAGE_MAX_FILE)
		goto out;
	ret = MEDIA_E_NOMEM;
	buf = media_salloc((size_t)st.st_size);
	if (buf == NULL)
		goto out;
	while (have < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = MEDIA_E_IO;
			goto out;
		}
		have += (size_t)n;
	}
	ret = media_image_decode(buf, have, out);
out:
	media_sfree(buf);
	close(fd);
	return ret;
}
