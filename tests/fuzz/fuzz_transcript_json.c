/* libFuzzer, differential: the verifier's canonical JSON scanner (ceremony/transcript/transcript_json.c)
 * must accept exactly the texts that jansson parses and writes back byte for byte with
 * JSON_COMPACT (the writer's serialisation), integers only; and what it reads (strings after
 * unescaping, integers, structure) must be what jansson reads. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/transcript/transcript_format.h"
#include "ceremony/transcript/transcript_json.h"

static struct tjson_tok tok[TJSON_TOKENS_MAX];
static char buf[65536];

/* Token i and jansson value v hold the same thing; returns the token after it. */
static size_t same(const char *s, size_t i, const json_t *v)
{
	const struct tjson_tok *t = &tok[i];
	size_t j = i + 1;

	switch (t->type) {
	case TJ_STRING:
		if (!json_is_string(v) || tjson_copy(s, t, buf, sizeof(buf)) != 0 ||
		    strlen(buf) != json_string_length(v) || strcmp(buf, json_string_value(v)) != 0)
			__builtin_trap();
		break;
	case TJ_INTEGER:
		if (!json_is_integer(v) || json_integer_value(v) != t->integer)
			__builtin_trap();
		break;
	case TJ_TRUE:
	case TJ_FALSE:
	case TJ_NULL:
		if ((t->type == TJ_TRUE && !json_is_true(v)) ||
		    (t->type == TJ_FALSE && !json_is_false(v)) ||
		    (t->type == TJ_NULL && !json_is_null(v)))
			__builtin_trap();
		break;
	case TJ_ARRAY:
		if (!json_is_array(v) || json_array_size(v) != t->count)
			__builtin_trap();
		for (size_t k = 0; k < t->count; k++)
			j = same(s, j, json_array_get(v, k));
		break;
	case TJ_OBJECT: {
		void *it = json_object_iter((json_t *)(uintptr_t)v);

		if (!json_is_object(v) || json_object_size(v) != t->count)
			__builtin_trap();
		for (size_t k = 0; k < t->count;
		     k++, it = json_object_iter_next((json_t *)(uintptr_t)v, it)) {
			if (tjson_copy(s, &tok[j], buf, sizeof(buf)) != 0 ||
			    strcmp(buf, json_object_iter_key(it)) != 0 ||
			    /* Lookups match plain keys only (field names have no escapes). */
			    (tok[j].count == 0 &&
			     tjson_member(s, tok, i, json_object_iter_key(it)) != (long)j + 1))
				__builtin_trap();
			j = same(s, j + 1, json_object_iter_value(it));
		}
		break;
	}
	default:
		__builtin_trap();
	}
	if (t->next != j)
		__builtin_trap();
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t n = 0, small_n = 0;
	/* The verifier gives the scanner size + 1 tokens, not TJSON_TOKENS_MAX (every token
	 * starts at a byte of its own): with that capacity the answer must not change. */
	enum tjson_result small =
	    size + 1 < TJSON_TOKENS_MAX ? tjson_scan(s, size, tok, size + 1, &small_n) : TJSON_OK;
	enum tjson_result r = tjson_scan(s, size, tok, TJSON_TOKENS_MAX, &n);
	json_t *j = json_loadb(s, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	int canonical = 0;

	if (size + 1 < TJSON_TOKENS_MAX && (small != r || (r == TJSON_OK && small_n != n)))
		__builtin_trap();
	if (r == TJSON_LIMIT || size >= sizeof(buf)) {
		json_decref(j);
		return 0;
	}
	if (j != NULL && !tformat_has_fraction(j)) {
		size_t need = json_dumpb(j, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
		char *out = malloc(need + 1);

		canonical = out != NULL &&
			    json_dumpb(j, out, need, JSON_COMPACT | JSON_ENCODE_ANY) == need &&
			    need == size && memcmp(out, s, size) == 0;
		free(out);
	}
	if (canonical && r != TJSON_OK)
		__builtin_trap(); /* the writer's output refused */
	if (r == TJSON_OK && !canonical) {
		/* Only duplicate keys may pass the scanner (the verifier's key order checks
		 * catch them); jansson reads the text once duplicates are allowed. */
		json_t *k = j ? NULL : json_loadb(s, size, JSON_DECODE_ANY, NULL);

		if (k == NULL)
			__builtin_trap();
		json_decref(k);
	}
	if (canonical && same(s, 0, j) != n)
		__builtin_trap();
	json_decref(j);
	return 0;
}
