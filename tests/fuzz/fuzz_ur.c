/* Fuzzes the UR decoder with what a camera could bring: the input is split at newlines into QR
 * code contents fed in order to one receiver (media/qr_in.h), which hands UR texts to its UR
 * decoder and keeps a plain code as the payload; the whole input is also tried as a fountain
 * part's CBOR and as bytewords. A completed message must be internally consistent. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/bytewords.h"
#include "media/error.h"
#include "media/fountain.h"
#include "media/qr_in.h"
#include "media/ur.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_rx *rx;
	struct media_rx_progress pr;
	struct media_fountain_part p;
	unsigned char out[4096];
	size_t pos = 0, used;

	if (media_rx_new(64 * 1024, &rx) != MEDIA_OK)
		abort();
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;

		media_rx_add(rx, data + pos, len, NULL);
		pos += len + 1;
	}
	media_rx_progress(rx, &pr);
	if (pr.complete) {
		const unsigned char *payload;
		size_t plen;

		if (media_rx_payload(rx, &payload, &plen) != MEDIA_OK || plen == 0 ||
		    plen > 64 * 1024 || (pr.needed != 0 && pr.solved != pr.needed))
			abort();
	}
	media_rx_free(rx);
	if (media_fountain_part_from_cbor(data, size, &p) == MEDIA_OK) {
		unsigned char again[4096];
		size_t n;

		/* Only canonical CBOR is accepted, so it re-encodes to itself. */
		if (size <= sizeof(again) &&
		    (media_fountain_part_to_cbor(&p, again, sizeof(again), &n) != MEDIA_OK ||
		     n != size || memcmp(again, data, size) != 0))
			abort();
	}
	media_bytewords_decode((const char *)data, size, MEDIA_BYTEWORDS_MINIMAL, out, sizeof(out),
			       &used);
	media_bytewords_decode((const char *)data, size, MEDIA_BYTEWORDS_STANDARD, out, sizeof(out),
			       &used);
	return 0;
}
