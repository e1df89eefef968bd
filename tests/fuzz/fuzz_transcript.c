/* libFuzzer: the transcript verifier on arbitrary bytes, whole files as an auditor would feed
 * them. It must never crash, leak or read out of bounds; with a callback so that the jansson
 * copy of every accepted record is made too. The input is verified as it is or with its hash
 * chain repaired (tests/fuzz/fuzz_chain.h). The same bytes go to the reader of the paper copies
 * (--expect-key, --expect-final: fpr_parse32), whose every accepted value must come back the
 * same from its hex and from its words. */
#include <stddef.h>
#include <stdint.h>

#include "ceremony/transcript/transcript_verify.h"
#include "ceremony/base/fpr.h"
#include "ceremony/base/utf8.h"
#include "tests/fuzz/fuzz_chain.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *ctx, size_t seq, const json_t *record)
{
	(void)seq;
	(void)record;
	(*(size_t *)ctx)++;
	return 0;
}

static void check(const uint8_t *data, size_t size)
{
	size_t seen = 0;
	struct transcript_verify_opts opts = {NULL, count, &seen};
	struct transcript_summary sum;
	struct transcript_failure fail;
	enum transcript_err e = transcript_verify(data, size, &opts, &sum, &fail);

	/* Every record the callback saw was accepted, and the summary agrees; a failure's detail
	 * is one printable line. */
	if (seen != sum.records || (e == TRANSCRIPT_OK && sum.outcome == TRANSCRIPT_OPEN) ||
	    (e != TRANSCRIPT_OK &&
	     utf8_printable((const unsigned char *)fail.detail,
			    strnlen(fail.detail, sizeof(fail.detail) - 1), 0, NULL) != 0))
		abort();
	transcript_summary_free(&sum);
}

static void check_paper(const uint8_t *data, size_t size)
{
	unsigned char v[32], again[32];
	char hex[FPR_HEX_32], words[FPR_WORDS_32];

	if (fpr_parse32((const char *)data, size, v) != 0)
		return;
	if (fpr_hex(v, 32, hex, sizeof(hex)) != 0 || fpr_words(v, 32, words, sizeof(words)) != 0 ||
	    fpr_parse32(hex, strlen(hex), again) != 0 || memcmp(v, again, 32) != 0 ||
	    fpr_parse32(words, strlen(words), again) != 0 || memcmp(v, again, 32) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_chain_one(data, size, check);
	check_paper(data, size);
	return 0;
}
