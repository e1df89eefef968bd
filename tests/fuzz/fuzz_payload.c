/* Fuzzes what a received payload meets first: type detection (PEM, DER through OpenSSL, share
 * words, UR), the DER extraction, and the SHA256SUMS parser a medium brings. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "media/error.h"
#include "media/manifest.h"
#include "media/payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct media_payload_info info;
	struct media_manifest m;
	unsigned char *der = NULL;
	size_t der_len = 0;
	int ret = media_payload_detect(data, size, &info);

	/* The DER extraction must agree with detection. */
	if (media_payload_der(data, size, &der, &der_len) == MEDIA_OK) {
		if (ret != MEDIA_OK || der == NULL || der_len != info.der_len)
			abort();
		free(der);
	} else if (der != NULL) {
		abort();
	}
	if (media_manifest_parse(data, size, &m) == MEDIA_OK) {
		char *text;
		size_t len;

		/* What parses formats back to the very same bytes. */
		if (media_manifest_format(&m, &text, &len) != MEDIA_OK || len != size ||
		    (size && __builtin_memcmp(text, data, size) != 0))
			abort();
		free(text);
		media_manifest_free(&m);
	}
	return 0;
}
