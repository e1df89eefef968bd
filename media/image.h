/*
 * Grey-scale bitmaps and the image files they come from or go to: PNG (libpng) both ways;
 * binary PGM/PPM (P5/P6) and JPEG (through libzbar's converter, which links libjpeg) for reading.
 * Pixel buffers may show a secret QR code, so they are sodium_malloc'ed and wiped on free.
 */
#ifndef MEDIA_IMAGE_H
#define MEDIA_IMAGE_H

#include <stddef.h>

/* Limits on what is read, checked on the header before any pixel is decoded: a 12-megapixel
 * camera photo or a 300 dpi scan of a card fits; a small file that claims 40 million pixels (a
 * 52 KB PNG of 6300x6300 took 10 s and 120 MB to scan) does not (docs/qr.md section 3). */
#define MEDIA_IMAGE_MAX_SIDE   10000
#define MEDIA_IMAGE_MAX_PIXELS (12u * 1000 * 1000)
#define MEDIA_IMAGE_MAX_FILE   (64u * 1024 * 1024)

/* 8-bit grey, row-major, no padding: 0 is black, 255 white. */
struct media_bitmap {
	unsigned width, height;
	unsigned char *pixels;
};

/* A white bitmap. Returns MEDIA_OK, MEDIA_E_TOOBIG, MEDIA_E_NOMEM; on failure b is empty. */
enum media_err media_bitmap_new(struct media_bitmap *b, unsigned width, unsigned height);
/* Wipes and frees; b is left empty. Safe on an empty bitmap. */
void media_bitmap_free(struct media_bitmap *b);

/* PNG (8-bit grey) in memory; *out is media_salloc'ed (free with media_sfree). */
enum media_err media_png_encode(const struct media_bitmap *b, unsigned char **out, size_t *len);

/* Decodes a PNG, binary PGM/PPM (maxval 255) or JPEG held in memory, chosen by its signature.
 * Returns MEDIA_OK, MEDIA_E_IMAGE (malformed, unsupported), MEDIA_E_TOOBIG, MEDIA_E_NOMEM. */
enum media_err media_image_decode(const unsigned char *data, size_t len, struct media_bitmap *out);

/* Reads an image file (at most MEDIA_IMAGE_MAX_FILE bytes, no symbolic link) and decodes it.
 * Also MEDIA_E_NOENT, MEDIA_E_IO. */
enum media_err media_image_read_file(const char *path, struct media_bitmap *out);

#endif
