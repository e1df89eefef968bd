/* UR, bytewords and fountain codes against the published vectors (tests/vectors/ur/), then our
 * decoder under loss, reordering, repeats and hostile parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/bytewords.h"
#include "media/error.h"
#include "media/fountain.h"
#include "media/ur.h"
#include "tests/unit/media_test.h"

/* The decoder is complete and holds exactly want. */
static void expect_payload(const struct media_ur_dec *d, const unsigned char *want, size_t len)
{
	const unsigned char *payload;
	size_t n;

	assert_true(media_ur_dec_complete(d));
	assert_int_equal(media_ur_dec_payload(d, &payload, &n), MEDIA_OK);
	assert_int_equal(n, len);
	assert_memory_equal(payload, want, len);
}

/* The reference test message: Xoshiro256("Wolf") bytes. */
static unsigned char *make_message(size_t len, const char *seed)
{
	struct media_xoshiro rng;
	unsigned char *m = malloc(len);

	assert_non_null(m);
	media_xoshiro_seed(&rng, (const unsigned char *)seed, strlen(seed));
	for (size_t i = 0; i < len; i++)
		m[i] = (unsigned char)media_xoshiro_int(&rng, 0, 255);
	return m;
}

/* Reads whitespace-separated unsigned numbers from a vector line. */
static size_t numbers(char *line, unsigned long *out, size_t max)
{
	size_t n = 0;
	char *p = line, *end;

	while (n < max) {
		unsigned long v = strtoul(p, &end, 10);

		if (end == p)
			break;
		out[n++] = v;
		p = end;
	}
	return n;
}

/* All numbers of a one-line vector file. */
static size_t file_numbers(const char *rel, unsigned long *out, size_t max)
{
	char *buf = read_testdata(rel, NULL), *cur = buf, *line = next_line(&cur);
	size_t n;

	assert_non_null(line);
	n = numbers(line, out, max);
	free(buf);
	return n;
}

static void test_crc32(void **state)
{
	char *buf = read_testdata("vectors/ur/crc32.txt", NULL), *cur = buf, *line;
	unsigned char *m = make_message(1024, "Wolf");
	int seen = 0;

	(void)state;
	while ((line = next_line(&cur)) != NULL) {
		char *tab = strchr(line, '\t');

		assert_non_null(tab);
		*tab = '\0';
		assert_int_equal(media_crc32((const unsigned char *)line, strlen(line)),
				 strtoul(tab + 1, NULL, 16));
		seen++;
	}
	assert_int_equal(seen, 2);
	assert_int_equal(media_crc32(m, 1024), 0x2f19f3bbu);
	free(m);
	free(buf);
}

static void test_rng(void **state)
{
	unsigned long want[100];
	struct media_xoshiro rng;
	const unsigned char crc[4] = {0x59, 0x8c, 0x84, 0xdc}; /* crc32("Wolf") big-endian */

	(void)state;
	assert_int_equal(file_numbers("vectors/ur/rng_mod100.txt", want, 100), 100);
	media_xoshiro_seed(&rng, (const unsigned char *)"Wolf", 4);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(media_xoshiro_next(&rng) % 100, want[i]);

	assert_int_equal(file_numbers("vectors/ur/rng_crc_mod100.txt", want, 100), 100);
	media_xoshiro_seed(&rng, crc, 4);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(media_xoshiro_next(&rng) % 100, want[i]);

	assert_int_equal(file_numbers("vectors/ur/rng_int_1_10.txt", want, 100), 100);
	media_xoshiro_seed(&rng, (const unsigned char *)"Wolf", 4);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(media_xoshiro_int(&rng, 1, 10), want[i]);
}

static void test_sampler(void **state)
{
	const double w[4] = {1, 2, 4, 8};
	unsigned long want[500];
	struct media_sampler s;
	struct media_xoshiro rng;
	const double bad[2] = {0, 0};

	(void)state;
	assert_int_equal(file_numbers("vectors/ur/sampler.txt", want, 500), 500);
	assert_int_equal(media_sampler_init(&s, w, 4), MEDIA_OK);
	media_xoshiro_seed(&rng, (const unsigned char *)"Wolf", 4);
	for (size_t i = 0; i < 500; i++)
		assert_int_equal(media_sampler_next(&s, &rng), want[i]);
	media_sampler_free(&s);
	assert_int_equal(media_sampler_init(&s, bad, 2), MEDIA_E_ARG);
	assert_int_equal(media_sampler_init(&s, w, 0), MEDIA_E_ARG);
}

static void test_shuffle(void **state)
{
	char *buf = read_testdata("vectors/ur/shuffle_full.txt", NULL), *cur = buf, *line;
	struct media_xoshiro rng;
	unsigned long want[10];
	size_t items[10], out[10], count = 0;

	(void)state;
	media_xoshiro_seed(&rng, (const unsigned char *)"Wolf", 4);
	while ((line = next_line(&cur)) != NULL) {
		assert_int_equal(numbers(line, want, 10), 10);
		for (size_t i = 0; i < 10; i++)
			items[i] = i + 1;
		media_fountain_shuffle(items, 10, 10, &rng, out);
		for (size_t i = 0; i < 10; i++)
			assert_int_equal(out[i], want[i]);
		count++;
	}
	assert_int_equal(count, 10);
	free(buf);

	buf = read_testdata("vectors/ur/shuffle_count.txt", NULL);
	cur = buf;
	count = 0;
	media_xoshiro_seed(&rng, (const unsigned char *)"Wolf", 4);
	while ((line = next_line(&cur)) != NULL) {
		size_t n = numbers(line, want, 10);

		assert_int_equal(n, count + 1);
		for (size_t i = 0; i < 10; i++)
			items[i] = i + 1;
		media_fountain_shuffle(items, 10, n, &rng, out);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(out[i], want[i]);
		count++;
	}
	assert_int_equal(count, 10);
	free(buf);
}

static void test_fragments(void **state)
{
	char *buf = read_testdata("vectors/ur/fragments_1024.txt", NULL), *cur = buf, *line;
	unsigned char *m = make_message(1024, "Wolf"), frag[100], want[100];
	size_t fl, i = 0;

	(void)state;
	assert_int_equal(media_fountain_fragment_len(12345, 1005, 1955), 1764);
	assert_int_equal(media_fountain_fragment_len(12345, 1005, 30000), 12345);
	fl = media_fountain_fragment_len(1024, 10, 100);
	while ((line = next_line(&cur)) != NULL) {
		size_t n = unhex(line, want, sizeof(want)), take;

		assert_int_equal(n, fl);
		take = 1024 - i * fl < fl ? 1024 - i * fl : fl;
		memset(frag, 0, sizeof(frag));
		memcpy(frag, m + i * fl, take);
		assert_memory_equal(frag, want, fl);
		i++;
	}
	assert_int_equal(i, 11);
	free(m);
	free(buf);
}

static void test_degrees(void **state)
{
	struct media_fountain_chooser c;
	struct media_xoshiro rng;
	unsigned long want[1000];
	char seed[16];

	(void)state;
	assert_int_equal(media_fountain_chooser_init(&c, 11, 0), MEDIA_OK);
	assert_int_equal(file_numbers("vectors/ur/degrees_nonce.txt", want, 1000), 200);
	for (unsigned nonce = 1; nonce <= 200; nonce++) {
		int n = snprintf(seed, sizeof(seed), "Wolf-%u", nonce);

		media_xoshiro_seed(&rng, (const unsigned char *)seed, (size_t)n);
		assert_int_equal(media_fountain_degree(&c, &rng), want[nonce - 1]);
	}
	assert_int_equal(file_numbers("vectors/ur/degrees_stream.txt", want, 1000), 1000);
	media_xoshiro_seed(&rng, (const unsigned char *)"Wolf", 4);
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(media_fountain_degree(&c, &rng), want[i]);
	media_fountain_chooser_free(&c);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void test_chooser(void **state)
{
	char *buf = read_testdata("vectors/ur/chooser_1024.txt", NULL), *cur = buf, *line;
	unsigned char *m = make_message(1024, "Wolf");
	struct media_fountain_chooser c;
	unsigned long want[11];
	size_t got[11], count;
	uint32_t seq = 1;

	(void)state;
	assert_int_equal(media_fountain_chooser_init(&c, 11, media_crc32(m, 1024)), MEDIA_OK);
	while ((line = next_line(&cur)) != NULL) {
		size_t n = numbers(line, want, 11);

		assert_int_equal(media_fountain_choose(&c, seq, got, &count), MEDIA_OK);
		assert_int_equal(count, n);
		qsort(got, count, sizeof(got[0]), cmp_size);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(got[i], want[i]);
		seq++;
	}
	assert_int_equal(seq, 51);
	assert_int_equal(media_fountain_choose(&c, 0, got, &count), MEDIA_E_ARG);
	media_fountain_chooser_free(&c);
	free(m);
	free(buf);
}

static void test_xor(void **state)
{
	char *buf = read_testdata("vectors/ur/xor.txt", NULL), *cur = buf;
	unsigned char *d = make_message(20, "Wolf"), want[10], x[10];

	(void)state;
	assert_int_equal(unhex(next_line(&cur), want, 10), 10);
	assert_memory_equal(d, want, 10);
	assert_int_equal(unhex(next_line(&cur), want, 10), 10);
	assert_memory_equal(d + 10, want, 10);
	for (size_t i = 0; i < 10; i++)
		x[i] = d[i] ^ d[10 + i];
	assert_int_equal(unhex(next_line(&cur), want, 10), 10);
	assert_memory_equal(x, want, 10);
	free(d);
	free(buf);
}

static void test_part_cbor(void **state)
{
	const unsigned char data[5] = {1, 5, 3, 3, 5};
	struct media_fountain_part p = {12, 8, 100, 0x12345678, data, 5}, q;
	unsigned char out[64], want[64], bad[64];
	size_t n, wn;

	(void)state;
	wn = unhex("850c0818641a12345678450105030305", want, sizeof(want));
	assert_int_equal(media_fountain_part_to_cbor(&p, out, sizeof(out), &n), MEDIA_OK);
	assert_int_equal(n, wn);
	assert_memory_equal(out, want, n);
	assert_int_equal(media_fountain_part_to_cbor(&p, out, 10, &n), MEDIA_E_TOOBIG);
	assert_int_equal(media_fountain_part_from_cbor(want, wn, &q), MEDIA_OK);
	assert_int_equal(q.seq_num, 12);
	assert_int_equal(q.seq_len, 8);
	assert_int_equal(q.message_len, 100);
	assert_int_equal(q.checksum, 0x12345678);
	assert_int_equal(q.data_len, 5);
	assert_memory_equal(q.data, data, 5);
	/* Trailing byte, short input, a non-shortest integer (0x18 0x0c), wrong array length, an
	 * integer above 32 bits, a text string in place of bytes. */
	memcpy(bad, want, wn);
	bad[wn] = 0;
	assert_int_equal(media_fountain_part_from_cbor(bad, wn + 1, &q), MEDIA_E_CBOR);
	assert_int_equal(media_fountain_part_from_cbor(want, wn - 1, &q), MEDIA_E_CBOR);
	n = unhex("85180c0818641a12345678450105030305", bad, sizeof(bad));
	assert_int_equal(media_fountain_part_from_cbor(bad, n, &q), MEDIA_E_CBOR);
	n = unhex("840c0818641a12345678", bad, sizeof(bad));
	assert_int_equal(media_fountain_part_from_cbor(bad, n, &q), MEDIA_E_CBOR);
	n = unhex("850c0818641b0000000112345678450105030305", bad, sizeof(bad));
	assert_int_equal(media_fountain_part_from_cbor(bad, n, &q), MEDIA_E_CBOR);
	n = unhex("850c0818641a12345678650105030305", bad, sizeof(bad));
	assert_int_equal(media_fountain_part_from_cbor(bad, n, &q), MEDIA_E_CBOR);
}

static void test_encoder(void **state)
{
	char *buf = read_testdata("vectors/ur/encoder_256.txt", NULL), *cur = buf, *line;
	unsigned char *m = make_message(256, "Wolf"), want[128], cbor[128];
	struct media_fountain_enc *e;
	struct media_fountain_part p;
	size_t count = 0, n;

	(void)state;
	assert_int_equal(media_fountain_enc_new(m, 256, 30, 0, &e), MEDIA_OK);
	assert_int_equal(media_fountain_enc_seq_len(e), 9);
	while ((line = next_line(&cur)) != NULL) {
		char *data = strchr(line, ' '), *hex;

		assert_non_null(data);
		*data++ = '\0';
		hex = strchr(data, ' ');
		assert_non_null(hex);
		*hex++ = '\0';
		assert_int_equal(media_fountain_enc_next(e, &p), MEDIA_OK);
		assert_int_equal(p.seq_num, strtoul(line, NULL, 10));
		assert_int_equal(p.seq_len, 9);
		assert_int_equal(p.message_len, 256);
		assert_int_equal(p.checksum, 23570951);
		n = unhex(data, want, sizeof(want));
		assert_int_equal(p.data_len, n);
		assert_memory_equal(p.data, want, n);
		assert_int_equal(media_fountain_part_to_cbor(&p, cbor, sizeof(cbor), &n), MEDIA_OK);
		assert_int_equal(unhex(hex, want, sizeof(want)), n);
		assert_memory_equal(cbor, want, n);
		count++;
	}
	assert_int_equal(count, 20);
	media_fountain_enc_free(e);
	free(m);
	free(buf);
}

/* Bad checksum (both styles), too short, empty, an unknown word, an odd length. */
static const struct {
	const char *text;
	enum media_bytewords_style style;
} bad_words[] = {
    {"aeadaolazojendeowf", MEDIA_BYTEWORDS_MINIMAL},
    {"able acid also lava zero jade need echo wolf", MEDIA_BYTEWORDS_STANDARD},
    {"able-acid-also-lava-zero-jade-need-echo-wolf", MEDIA_BYTEWORDS_URI},
    {"able acid also lava zoom jade need echo taxi", MEDIA_BYTEWORDS_URI},
    {"able-acid-also-lava-zoom-jade-need-echo-taxi", MEDIA_BYTEWORDS_STANDARD},
    {"wolf", MEDIA_BYTEWORDS_STANDARD},
    {"", MEDIA_BYTEWORDS_MINIMAL},
    {"aeadaolaqqjendeoti", MEDIA_BYTEWORDS_MINIMAL},
    {"aeadaolazojendeot", MEDIA_BYTEWORDS_MINIMAL},
};

static void test_bytewords(void **state)
{
	char *buf = read_testdata("vectors/ur/bytewords.txt", NULL), *cur = buf, *line;
	unsigned char in[128], out[128];
	char text[1024];
	size_t n, got, count = 0;

	(void)state;
	while ((line = next_line(&cur)) != NULL) {
		char *hex = strchr(line, '\t'), *enc;
		enum media_bytewords_style st;

		assert_non_null(hex);
		*hex++ = '\0';
		enc = strchr(hex, '\t');
		assert_non_null(enc);
		*enc++ = '\0';
		st = strcmp(line, "minimal") == 0 ? MEDIA_BYTEWORDS_MINIMAL
		     : strcmp(line, "uri") == 0   ? MEDIA_BYTEWORDS_URI
						  : MEDIA_BYTEWORDS_STANDARD;
		n = unhex(hex, in, sizeof(in));
		assert_int_equal(media_bytewords_encode(in, n, st, text, sizeof(text)), MEDIA_OK);
		assert_string_equal(text, enc);
		assert_int_equal(media_bytewords_encoded_len(n, st), strlen(enc));
		assert_int_equal(
		    media_bytewords_decode(enc, strlen(enc), st, out, sizeof(out), &got), MEDIA_OK);
		assert_int_equal(got, n);
		assert_memory_equal(out, in, n);
		count++;
	}
	assert_int_equal(count, 9);
	/* Upper case decodes; bad checksum, too short, unknown word and bad length do not. */
	assert_int_equal(media_bytewords_decode("AEADAOLAZMJENDEOTI", 18, MEDIA_BYTEWORDS_MINIMAL,
						out, sizeof(out), &got),
			 MEDIA_OK);
	for (size_t i = 0; i < sizeof(bad_words) / sizeof(bad_words[0]); i++) {
		assert_int_equal(media_bytewords_decode(bad_words[i].text,
							strlen(bad_words[i].text),
							bad_words[i].style, out, sizeof(out), &got),
				 MEDIA_E_BYTEWORDS);
		assert_int_equal(got, 0);
	}
	assert_int_equal(
	    media_bytewords_decode("aeadaolazmjendeoti", 18, MEDIA_BYTEWORDS_MINIMAL, out, 4, &got),
	    MEDIA_E_TOOBIG);
	free(buf);
}

static void test_ur_single(void **state)
{
	char *buf = read_testdata("vectors/ur/ur_single.txt", NULL), *cur = buf;
	const char *want = next_line(&cur), *text;
	unsigned char *m = make_message(50, "Wolf");
	const unsigned char *payload;
	struct media_ur_enc *e;
	struct media_ur_dec *d;
	size_t len, rank, seq, parts;
	int useful;
	char upper[256];

	(void)state;
	assert_int_equal(media_ur_enc_new(m, 50, 120, 0, &e), MEDIA_OK);
	assert_int_equal(media_ur_enc_seq_len(e), 1);
	assert_int_equal(media_ur_enc_next(e, 0, &text, &len), MEDIA_OK);
	assert_string_equal(text, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(media_ur_enc_next(e, 1, &text, &len), MEDIA_OK);
	assert_true(len < sizeof(upper));
	memcpy(upper, text, len + 1);
	media_ur_enc_free(e);

	assert_int_equal(media_ur_dec_new(1000, &d), MEDIA_OK);
	assert_int_equal(media_ur_dec_add(d, upper, strlen(upper), &useful), MEDIA_OK);
	assert_int_equal(useful, 1);
	assert_true(media_ur_dec_complete(d));
	assert_int_equal(media_ur_dec_payload(d, &payload, &len), MEDIA_OK);
	assert_int_equal(len, 50);
	assert_memory_equal(payload, m, 50);
	media_ur_dec_progress(d, &rank, &seq, &parts);
	assert_int_equal(rank, 1);
	assert_int_equal(seq, 1);
	/* The same again is a repeat; a different single-part UR is another message. */
	assert_int_equal(media_ur_dec_add(d, want, strlen(want), &useful), MEDIA_OK);
	assert_int_equal(useful, 0);
	{
		unsigned char *other = make_message(20, "other");

		assert_int_equal(media_ur_enc_new(other, 20, 120, 0, &e), MEDIA_OK);
		assert_int_equal(media_ur_enc_next(e, 0, &text, &len), MEDIA_OK);
		assert_int_equal(media_ur_dec_add(d, text, len, &useful), MEDIA_E_UR_MIXED);
		media_ur_enc_free(e);
		free(other);
	}
	media_ur_dec_free(d);

	/* A payload above the decoder's limit. */
	assert_int_equal(media_ur_dec_new(49, &d), MEDIA_OK);
	assert_int_equal(media_ur_dec_add(d, want, strlen(want), NULL), MEDIA_E_TOOBIG);
	media_ur_dec_free(d);
	free(m);
	free(buf);
}

static void test_ur_multi_vectors(void **state)
{
	char *buf = read_testdata("vectors/ur/ur_multi_256.txt", NULL), *cur = buf, *line;
	unsigned char *m = make_message(256, "Wolf");
	struct media_ur_enc *e;
	struct media_ur_dec *d;
	const char *text;
	size_t len, count = 0;

	(void)state;
	assert_int_equal(media_ur_enc_new(m, 256, 30, MEDIA_UR_ALL_PARTS, &e), MEDIA_OK);
	assert_int_equal(media_ur_enc_seq_len(e), 9);
	assert_int_equal(media_ur_dec_new(256, &d), MEDIA_OK);
	while ((line = next_line(&cur)) != NULL) {
		assert_int_equal(media_ur_enc_next(e, 0, &text, &len), MEDIA_OK);
		assert_string_equal(text, line);
		count++;
	}
	assert_int_equal(count, 20);
	free(buf);
	buf = read_testdata("vectors/ur/ur_multi_256.txt", NULL);
	cur = buf;
	{
		char *lines[20];

		for (size_t i = 0; i < 20; i++)
			lines[i] = next_line(&cur);
		/* Newest first: the fountain parts, then the fragments as needed. */
		for (size_t i = 20; i-- > 0 && !media_ur_dec_complete(d);)
			assert_int_equal(media_ur_dec_add(d, lines[i], strlen(lines[i]), NULL),
					 MEDIA_OK);
	}
	expect_payload(d, m, 256);
	media_ur_enc_free(e);
	media_ur_dec_free(d);
	free(m);
	free(buf);
}

/* The reference decoder test: 32767 bytes, 1000-byte fragments, starting at part 101. */
static void test_fountain_decoder_reference(void **state)
{
	unsigned char *m = make_message(32767, "Wolf");
	struct media_fountain_enc *e;
	struct media_fountain_dec *d;
	struct media_fountain_part p;
	const unsigned char *out;
	size_t len, parts = 0;

	(void)state;
	assert_int_equal(media_fountain_enc_new(m, 32767, 1000, 100, &e), MEDIA_OK);
	assert_int_equal(media_fountain_dec_new(32767, &d), MEDIA_OK);
	do {
		assert_int_equal(media_fountain_enc_next(e, &p), MEDIA_OK);
		assert_int_equal(media_fountain_dec_add(d, &p, NULL), MEDIA_OK);
		parts++;
	} while (!media_fountain_dec_complete(d));
	assert_int_equal(media_fountain_dec_message(d, &out, &len), MEDIA_OK);
	assert_int_equal(len, 32767);
	assert_memory_equal(out, m, len);
	/* 33 fragments, only mixed parts: solving by rank needs few beyond 33. */
	assert_true(parts < 45);
	media_fountain_enc_free(e);
	media_fountain_dec_free(d);
	free(m);
}

/* 20 % of the first frames dropped, the rest shuffled and some repeated: still decodes, and
 * close to the ideal number of frames. */
static void test_ur_loss_shuffle(void **state)
{
	enum { SENT = 60 };
	unsigned char *m = make_message(2048, "loss");
	char *frames[SENT];
	size_t order[SENT], kept = 0, len;
	struct media_xoshiro rng;
	struct media_ur_enc *e;
	struct media_ur_dec *d;
	const char *text;

	(void)state;
	media_xoshiro_seed(&rng, (const unsigned char *)"shuffle", 7);
	assert_int_equal(media_ur_enc_new(m, 2048, 120, 0, &e), MEDIA_OK);
	assert_int_equal(media_ur_enc_seq_len(e), 18);
	for (size_t i = 0; i < SENT; i++) {
		assert_int_equal(media_ur_enc_next(e, 1, &text, &len), MEDIA_OK);
		frames[i] = strdup(text);
		assert_non_null(frames[i]);
		/* Drop every fifth frame, the first fragment among them. */
		if (i % 5 != 0)
			order[kept++] = i;
	}
	for (size_t i = kept; i > 1; i--) {
		size_t j = (size_t)media_xoshiro_int(&rng, 0, i - 1), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	assert_int_equal(media_ur_dec_new(4096, &d), MEDIA_OK);
	for (size_t i = 0; i < kept && !media_ur_dec_complete(d); i++) {
		const char *f = frames[order[i]];

		assert_int_equal(media_ur_dec_add(d, f, strlen(f), NULL), MEDIA_OK);
		assert_int_equal(media_ur_dec_add(d, f, strlen(f), NULL), MEDIA_OK); /* repeat */
	}
	expect_payload(d, m, 2048);
	media_ur_dec_free(d);
	media_ur_enc_free(e);
	for (size_t i = 0; i < SENT; i++)
		free(frames[i]);
	free(m);
}

static void test_ur_rejects(void **state)
{
	static const char *const bad[] = {
	    "",
	    "ur:",
	    "ur:bytes",
	    "ur:bytes/",
	    "ur:crypto-seed/oyadgdhkwzdtfthptokigtvwnnjsqzcxknsktdhpyljeda",
	    "ur:byt%s/aeadaolazmjendeoti",
	    "ur:bytes/0-9/lpadascfadaxcywenbpljkhdcahkadaemejtswhhylkepmykhhtsytsnoyoyaxaedsuttydm",
	    "ur:bytes/01-9/lpadascfadaxcywenbpljkhdcahkadaemejtswhhylkepmykhhtsytsnoyoyaxaedsut",
	    "ur:bytes/1-9x/aeadaolazmjendeoti",
	    "ur:bytes/99999999999-9/aeadaolazmjendeoti",
	    "ur:bytes/aeadaolazmjendeot1",
	    "ur:bytes/aeadaolazmjendeoti ",
	    "ur:bytes/1-9/aeadaolazmjendeoti",
	    "url:bytes/aeadaolazojendeoti",
	};
	struct media_ur_dec *d;
	char *buf = read_testdata("vectors/ur/ur_multi_256.txt", NULL), *cur = buf;
	char *first = next_line(&cur), *second = next_line(&cur);
	size_t rank;

	(void)state;
	assert_int_equal(media_ur_dec_new(1024, &d), MEDIA_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(media_ur_dec_add(d, bad[i], strlen(bad[i]), NULL), MEDIA_OK);
	/* Sequence in the path must agree with the CBOR. */
	second[9] = '3';
	assert_int_equal(media_ur_dec_add(d, second, strlen(second), NULL), MEDIA_E_UR);
	/* A corrupted character fails the bytewords checksum. */
	first[30] = first[30] == 'a' ? 'e' : 'a';
	assert_int_not_equal(media_ur_dec_add(d, first, strlen(first), NULL), MEDIA_OK);
	media_ur_dec_progress(d, &rank, NULL, NULL);
	assert_int_equal(rank, 0);
	assert_false(media_ur_dec_complete(d));
	assert_int_equal(media_ur_dec_payload(d, (const unsigned char **)&cur, &rank), MEDIA_E_ARG);
	media_ur_dec_free(d);
	free(buf);
}

/* A part of another message after the first is refused, and the decoder goes on. */
static void test_ur_mixed(void **state)
{
	unsigned char *a = make_message(300, "a"), *b = make_message(300, "b");
	struct media_ur_enc *ea, *eb;
	struct media_ur_dec *d;
	const char *text;
	size_t len;

	(void)state;
	assert_int_equal(media_ur_enc_new(a, 300, 50, 0, &ea), MEDIA_OK);
	assert_int_equal(media_ur_enc_new(b, 300, 50, 0, &eb), MEDIA_OK);
	assert_int_equal(media_ur_dec_new(1024, &d), MEDIA_OK);
	assert_int_equal(media_ur_enc_next(ea, 0, &text, &len), MEDIA_OK);
	assert_int_equal(media_ur_dec_add(d, text, len, NULL), MEDIA_OK);
	assert_int_equal(media_ur_enc_next(eb, 0, &text, &len), MEDIA_OK);
	assert_int_equal(media_ur_enc_next(eb, 0, &text, &len), MEDIA_OK);
	assert_int_equal(media_ur_dec_add(d, text, len, NULL), MEDIA_E_UR_MIXED);
	while (!media_ur_dec_complete(d)) {
		assert_int_equal(media_ur_enc_next(ea, 0, &text, &len), MEDIA_OK);
		assert_int_equal(media_ur_dec_add(d, text, len, NULL), MEDIA_OK);
	}
	media_ur_enc_free(ea);
	media_ur_enc_free(eb);
	media_ur_dec_free(d);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crc32),
	    cmocka_unit_test(test_rng),
	    cmocka_unit_test(test_sampler),
	    cmocka_unit_test(test_shuffle),
	    cmocka_unit_test(test_fragments),
	    cmocka_unit_test(test_degrees),
	    cmocka_unit_test(test_chooser),
	    cmocka_unit_test(test_xor),
	    cmocka_unit_test(test_part_cbor),
	    cmocka_unit_test(test_encoder),
	    cmocka_unit_test(test_bytewords),
	    cmocka_unit_test(test_ur_single),
	    cmocka_unit_test(test_ur_multi_vectors),
	    cmocka_unit_test(test_fountain_decoder_reference),
	    cmocka_unit_test(test_ur_loss_shuffle),
	    cmocka_unit_test(test_ur_rejects),
	    cmocka_unit_test(test_ur_mixed),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
