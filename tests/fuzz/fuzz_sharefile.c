/* libFuzzer: the share file parser. peek (the header, every check before the key derivation) on
 * anything; open on a sample of the inputs whose header parses at the cheapest cost the format
 * admits (the rehearsal cost, 1 pass and 8 MiB), so that the key derivation, the AEAD and its
 * failure paths are reached too.
 *
 * Argon2id is deliberately expensive library code (milliseconds even at the rehearsal cost) and
 * a mutated ciphertext never authenticates, so opening every such input would spend nearly all
 * the time there and find nothing more: only inputs whose last byte (a Poly1305 tag byte) is a
 * multiple of 16 are opened. corpus/sharefile/rehearsal-cost.cshare is sealed under the
 * passphrase below and chosen to qualify, so the successful open, the unpadding and the mnemonic
 * check run on it. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shamir/sharefile.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pass[] = "correct horse battery staple";
	struct sharefile_meta m;
	char *mnemonic = NULL;
	size_t n = 0;
	enum sharefile_err e;

	e = sharefile_peek(data, size, &m);
	if (e != SHAREFILE_OK)
		return 0;
	if (strlen(m.ceremony_id) == 0 || strlen(m.key_name) == 0 ||
	    m.group_threshold > m.group_count || m.group_index >= m.group_count)
		abort();
	if (m.kdf.opslimit != sharefile_kdf_rehearsal.opslimit ||
	    m.kdf.memlimit_kib != sharefile_kdf_rehearsal.memlimit_kib ||
	    (data[size - 1] & 15) != 0)
		return 0;
	e = sharefile_open(data, size, pass, sizeof(pass) - 1, &m, &mnemonic, &n);
	if (e == SHAREFILE_OK) {
		if (!sharefile_mnemonic_ok(mnemonic, n) || strlen(mnemonic) != n)
			abort();
		sodium_memzero(mnemonic, n);
		sodium_free(mnemonic);
	} else if (mnemonic != NULL) {
		abort();
	}
	return 0;
}
