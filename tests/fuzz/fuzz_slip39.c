/*
 * libFuzzer target: the input is mnemonics, one per line. Each line is offered to a collector;
 * one that decodes is decoded again and re-encoded (the canonical text must come back). When
 * the collector is ready and the iteration exponent is small, the shares are combined with an
 * empty passphrase. Crashes, sanitizer reports and a failed round trip are findings.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/slip39.h"
#include "tests/fuzz/fuzz_sodium.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The words of line, single-spaced, as the encoder writes them. */
static size_t canonical(const char *line, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		if (line[i] == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;
		out[o++] = line[i];
	}
	if (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return o;
}

static void round_trip(const char *line, size_t n)
{
	struct slip39_share s;
	char text[SLIP39_MNEMONIC_MAX], canon[SLIP39_MNEMONIC_MAX * 2];

	if (slip39_share_decode(line, n, &s, NULL) != SLIP39_OK)
		return;
	if (slip39_share_encode(&s, text, sizeof(text)) != SLIP39_OK)
		__builtin_trap();
	canonical(line, n, canon, sizeof(canon));
	if (strcmp(text, canon) != 0)
		__builtin_trap();
	slip39_share_clear(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct slip39_collector *c;
	struct slip39_status st;
	struct slip39_where w;
	size_t pos = 0;

	if (size > 64 * 1024 || slip39_collector_new(&c) != SLIP39_OK)
		return 0;
	while (pos < size) {
		const char *line = (const char *)data + pos;
		size_t n = 0;
		int ret;

		while (pos + n < size && line[n] != '\n')
			n++;
		pos += n + 1;
		/* Both run slip39_share_parse: the round trip only when the collector's parse
		 * accepted the line, so that a line that does not decode is parsed once, not twice
		 * (parsing, constant time over the word list, is most of the cost). */
		ret = slip39_collector_add(c, line, n, &w);
		if (ret == SLIP39_OK || ret >= SLIP39_E_SET_MISMATCH)
			round_trip(line, n);
	}
	slip39_collector_status(c, &st);
	/* The digests on every complete set; the full combine (PBKDF2, milliseconds) on one such
	 * input in eight, so that parsing keeps most of the time. */
	if (st.ready && slip39_collector_verify(c, &w) == SLIP39_OK && st.iter_exp == 0 &&
	    size % 8 == 0) {
		uint8_t *secret;
		size_t len;

		if (slip39_collector_combine(c, NULL, 0, &secret, &len, &w) != SLIP39_OK ||
		    len != st.len)
			__builtin_trap();
		sodium_free(secret);
	}
	slip39_collector_free(c);
	return 0;
}
