/* libFuzzer: the share file parser. peek on anything; open (Argon2id at the floor) when the
 * header parses with floor parameters, so that the AEAD and unpadding paths are reached too
 * without making every run cost a costly key derivation. */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/sharefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pass[] = "correct horse battery staple";
	struct sharefile_meta m;
	char *mnemonic = NULL;
	size_t n = 0;
	enum sharefile_err e;

	if (sodium_init() < 0)
		return 0;
	e = sharefile_peek(data, size, &m);
	if (e != SHAREFILE_OK || m.kdf.opslimit != sharefile_kdf_floor.opslimit ||
	    m.kdf.memlimit_kib != sharefile_kdf_floor.memlimit_kib)
		return 0;
	e = sharefile_open(data, size, pass, sizeof(pass) - 1, &m, &mnemonic, &n);
	if (e == SHAREFILE_OK) {
		if (!sharefile_mnemonic_ok(mnemonic, n) || strlen(mnemonic) != n)
			__builtin_trap();
		sodium_memzero(mnemonic, n);
		sodium_free(mnemonic);
	} else if (mnemonic != NULL) {
		__builtin_trap();
	}
	return 0;
}
