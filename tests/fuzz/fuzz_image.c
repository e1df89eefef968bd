/* libFuzzer: image files as `qr decode FILE` and a scripted QR input read them (PNG, binary
 * PGM/PPM, JPEG), then the QR scan over the decoded bitmap with every code found offered to a
 * receiver. The decoders proper are libpng's and libjpeg's, the scan libzbar's; what is fuzzed is
 * the signature dispatch, the PNM parser, the size limits, the conversions to grey and the
 * padded copy zbar reads. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "media/error.h"
#include "media/image.h"
#include "media/qr_in.h"
#include "tests/fuzz/fuzz_sodium.h"

/* zbar's scan costs about a microsecond a pixel: larger bitmaps are decoded, not scanned. */
#define SCAN_MAX_PIXELS (256u * 256u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int symbol(void *ctx, const unsigned char *data, size_t len)
{
	(void)media_rx_add(ctx, data, len, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_bitmap b;
	struct media_rx *rx;
	int ret = media_image_decode(data, size, &b);

	if (ret != MEDIA_OK) {
		if (b.pixels != NULL || b.width != 0 || b.height != 0)
			abort();
		return 0;
	}
	if (b.pixels == NULL || b.width == 0 || b.height == 0 || b.width > MEDIA_IMAGE_MAX_SIDE ||
	    b.height > MEDIA_IMAGE_MAX_SIDE || (size_t)b.width * b.height > MEDIA_IMAGE_MAX_PIXELS)
		abort();
	if ((size_t)b.width * b.height <= SCAN_MAX_PIXELS) {
		if (media_rx_new(64 * 1024, &rx) != MEDIA_OK)
			abort();
		(void)media_qr_scan(&b, symbol, rx, NULL);
		media_rx_free(rx);
	}
	media_bitmap_free(&b);
	return 0;
}
