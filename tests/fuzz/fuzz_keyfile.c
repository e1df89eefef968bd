/* libFuzzer: the key file parser (ceremony/base/keyfile.h). peek on anything; open with a fixed KEK,
 * which must fail cleanly on anything but a file sealed under it. */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "ceremony/base/keyfile.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t kek[KEYFILE_KEK_LEN] = {0x5a, 0x5a, 0x5a, 0x5a};
	struct keyfile_meta m;
	uint8_t *der = NULL;
	size_t n = 0;
	enum keyfile_err e;

	e = keyfile_peek(data, size, &m);
	if (e != KEYFILE_OK)
		return 0;
	if (strlen(m.ceremony_id) == 0 || strlen(m.key_name) == 0)
		__builtin_trap();
	e = keyfile_open(data, size, kek, &m, &der, &n);
	if (e == KEYFILE_OK) {
		if (der == NULL || n == 0 || n > KEYFILE_DER_MAX)
			__builtin_trap();
		sodium_memzero(der, n);
		sodium_free(der);
	} else if (der != NULL) {
		__builtin_trap();
	}
	return 0;
}
