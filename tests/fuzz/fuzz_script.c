/* libFuzzer: ceremony scripts. Whatever the bytes, script_parse returns a plan or an error with
 * a printable message; an accepted plan survives every walk the engine makes over it, and every
 * subject it accepts is one the certificate code (pki_name_parse, given the text as written)
 * accepts too, with the same attributes: otherwise a ceremony would stop at the key step. */
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/pki/name.h"
#include "ceremony/people/prompt.h"
#include "ceremony/script/script.h"
#include "ceremony/base/utf8.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int walk(void *ctx, const char *id, enum prompt_kind kind, const struct script_step *step)
{
	(void)ctx;
	(void)kind;
	(void)step;
	if (!answers_valid_id(id))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	bool present[SCRIPT_MAX_PARTICIPANTS];
	unsigned quorum[SCRIPT_MAX_GROUPS * SCRIPT_MAX_MEMBERS];

	if (script_parse(data, size, &plan, &err) != SCRIPT_OK) {
		if (plan != NULL || utf8_printable((const unsigned char *)err.message,
						   strlen(err.message), 0, NULL) != 0)
			abort();
		return 0;
	}
	for (unsigned i = 0; i < plan->step_count; i++) {
		char line[512];

		script_step_summary(&plan->steps[i], line, sizeof(line));
	}
	memset(present, 1, sizeof(present));
	for (unsigned i = 0; i < plan->set_count; i++) {
		const struct script_custodian_set *set = &plan->sets[i];

		if (!script_set_present(set, present, true) ||
		    script_set_quorum(set, quorum, sizeof(quorum) / sizeof(quorum[0])) == 0)
			abort();
		for (unsigned n = 1; n <= set->share_count; n++)
			if (script_set_share(set, n, NULL, NULL) == NULL)
				abort();
	}
	for (unsigned i = 0; i < plan->key_count; i++) {
		const struct script_name *sub = &plan->keys[i].subject;

		script_share_words(script_key_secret_bits(&plan->keys[i]));
		if (sub->count > 0) {
			X509_NAME *name;

			if (pki_name_parse(sub->text, &name) != PKI_OK)
				abort();
			if (X509_NAME_entry_count(name) != (int)sub->count)
				abort();
			X509_NAME_free(name);
		}
	}
	prompt_plan_ids(plan, walk, NULL);
	script_free(plan);
	return 0;
}
