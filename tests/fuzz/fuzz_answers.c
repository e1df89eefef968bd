/* libFuzzer: answers files. Any bytes: an answers object or an error without a value in it. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/people/answers.h"
#include "ceremony/base/utf8.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answers *a = NULL;
	struct answers_error err;
	const char *id, *value;
	size_t pos = 0, len;
	bool shown;

	if (answers_parse(data, size, &a, &err) != ANSWERS_OK) {
		if (a != NULL || strlen(err.message) >= sizeof(err.message) ||
		    utf8_printable((const unsigned char *)err.message, strlen(err.message), 0,
				   NULL) != 0)
			abort();
		return 0;
	}
	if (answers_count(a) > ANSWERS_MAX_ENTRIES)
		abort();
	answers_get(a, "go.clock", &value, &len, &shown);
	answers_ceremony(a);
	while ((id = answers_next_unused(a, &pos)) != NULL) {
		if (!answers_valid_id(id) || !answers_get(a, id, &value, &len, &shown) ||
		    strlen(value) != len || len > ANSWERS_VALUE_MAX)
			abort();
	}
	answers_free(a);
	return 0;
}
