/* libFuzzer: an earlier ceremony's transcript read for its keys' lineage (ceremony/transcript/lineage.h),
 * as a key-use ceremony reads the transcript a medium brings. Whatever lineage_read returns, the
 * structure it fills stays within its limits, and the lookups the engine makes over it hold.
 * The input is read as it is or with its hash chain repaired (tests/fuzz/fuzz_chain.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/transcript/lineage.h"
#include "tests/fuzz/fuzz_chain.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lineage l; /* several kilobytes: not on libFuzzer's stack */

static void check(const uint8_t *data, size_t size)
{
	enum lineage_err e = lineage_read(data, size, &l);

	if (e > LINEAGE_E_LIMIT || lineage_strerror(e) == NULL ||
	    strnlen(l.ceremony, sizeof(l.ceremony)) > LINEAGE_NAME_MAX ||
	    l.nkeys > LINEAGE_KEYS_MAX)
		abort();
	for (size_t i = 0; i < l.nkeys; i++) {
		const struct lineage_key *k = &l.keys[i];
		uint16_t id;

		if (strnlen(k->name, sizeof(k->name)) > LINEAGE_NAME_MAX ||
		    lineage_key(&l, k->name) == NULL || k->nsets > LINEAGE_SETS_MAX ||
		    k->spki_len > LINEAGE_SPKI_MAX)
			abort();
		for (size_t s = 0; s < k->nsets; s++)
			if (lineage_set_state(k, k->sets[s].identifier) == LINEAGE_SET_UNKNOWN)
				abort();
		if (lineage_current_set(k, &id) && lineage_set_state(k, id) != LINEAGE_SET_CURRENT)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_chain_one(data, size, check);
	return 0;
}
