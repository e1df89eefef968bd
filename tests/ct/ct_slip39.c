/*
 * SLIP-39 pieces that see share data or the master secret: the RS1024 checksum over share
 * words, word <-> value conversion, the Feistel encryption (its XOR and OpenSSL's
 * PBKDF2-HMAC-SHA256 with the passphrase and the secret halves marked undefined), and a whole
 * mnemonic's text decoded, encoded again and collected into the master secret, as a key-use
 * ceremony does with the words a custodian brings (ceremony/engine/engine_collect.c).
 *
 * A mnemonic's text is secret down to each word's length. What the decoder declassifies itself
 * (ct_declassify, shamir/ct.h, let through by tests/ct/ct.h) is what it tells or branches on:
 * the number of words (the secret's length), the position of the first word that is in no list,
 * the checksum's and the padding's verdicts, and once the checksum holds the first four words,
 * the share's public metadata (identifier, flags, group and member numbers). Here only the
 * text's length is public, as on the card, and the results are declassified to be checked.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/rs1024.h"
#include "shamir/slip39.h"
#include "shamir/slip39_cipher.h"
#include "shamir/slip39_share.h"
#include "tests/ct/ct.h"

static void check_rs1024(void)
{
	uint16_t w[33];
	int ok;

	randombytes_buf(w, sizeof(w));
	for (int i = 0; i < 33; i++)
		w[i] &= 0x3FF;
	secret(w, sizeof(w));
	rs1024_create(1, w, 30, w + 30);
	ok = rs1024_verify(1, w, 33);
	public(&ok, sizeof(ok));
	CHECK(ok == 1);
}

static void check_words(void)
{
	unsigned int index = 777;
	char word[SLIP39_WORD_MAX];
	size_t len;
	int whole, prefix;

	secret(&index, sizeof(index));
	len = slip39_word_copy(index, word);
	/* A word's length is visible wherever it is typed or shown: public. Its letters are not. */
	public(&len, sizeof(len));
	whole = slip39_word_lookup(word, len, 0);
	prefix = slip39_word_lookup(word, SLIP39_WORD_PREFIX, 1);
	public(&whole, sizeof(whole));
	public(&prefix, sizeof(prefix));
	public(word, sizeof(word));
	CHECK(whole == 777 && prefix == 777 && len == strlen(slip39_word(777)));
}

static void check_feistel(void)
{
	uint8_t *ms = sodium_malloc(32), *ems = sodium_malloc(32), *back = sodium_malloc(32);
	uint8_t *pass = sodium_malloc(6);

	CHECK(ms != NULL && ems != NULL && back != NULL && pass != NULL);
	randombytes_buf(ms, 32);
	memcpy(pass, "TREZOR", 6);
	secret(ms, 32);
	secret(pass, 6);
	CHECK(slip39_encrypt(ms, 32, pass, 6, 0, 1234, 0, ems) == SLIP39_OK);
	CHECK(slip39_decrypt(ems, 32, pass, 6, 0, 1234, 0, back) == SLIP39_OK);
	CHECK(slip39_encrypt(ms, 16, pass, 6, 0, 1234, 1, ems) == SLIP39_OK);
	public(ms, 32);
	public(back, 32);
	CHECK(memcmp(ms, back, 32) == 0);
	sodium_free(ms);
	sodium_free(ems);
	sodium_free(back);
	sodium_free(pass);
}

/* Test vectors 1, 2, 3 and 23 of the SLIP-39 specification. */
#define V1                                                                                         \
	"duckling enlarge academic academic agency result length solution fridge kidney coal "     \
	"piece deal husband erode duke ajar critical decision keyboard"
#define V1_CHECKSUM                                                                                \
	"duckling enlarge academic academic agency result length solution fridge kidney coal "     \
	"piece deal husband erode duke ajar critical decision kidney"
#define V1_PADDING                                                                                 \
	"duckling enlarge academic academic email result length solution fridge kidney coal "      \
	"piece deal husband erode duke ajar music cargo fitness"
#define V23_A                                                                                      \
	"humidity disease academic always aluminum jewelry energy woman receiver strategy amuse "  \
	"duckling lying evidence network walnut tactics forget hairy rebound impulse brother "     \
	"survive clothes stadium mailman rival ocean reward venture always armed unwrap"
#define V23_B                                                                                      \
	"humidity disease academic agency actress jacket gross physics cylinder solution fake "    \
	"mortgage benefit public busy prepare sharp friar change work slow purchase ruler again "  \
	"tricycle involve viral wireless mixture anatomy desert cargo upgrade"
#define V23_SECRET "c938b319067687e990e05e0da0ecce1278f75ff58d9853f19dcaeed5de104aae"

/* Decodes text; when it decodes, encodes the share again (its value secret) and compares. */
static void decode(const char *text, int want, size_t want_word, const char *again)
{
	struct slip39_share share;
	char out[SLIP39_MNEMONIC_MAX];
	size_t len, word = 0;
	char *t = secret_string(text, &len);
	int ret = slip39_share_decode(t, len, &share, &word);

	public(&ret, sizeof(ret));
	public(&word, sizeof(word));
	if (ret != want || word != want_word) {
		fprintf(stderr, "decode \"%s\": %d, word %zu; want %d, word %zu\n", text, ret, word,
			want, want_word);
		exit(1);
	}
	if (ret == SLIP39_OK) {
		/* Public metadata (declassified by the decoder); the value is secret. */
		CHECK(share.len == 16 || share.len == 32);
		CHECK(slip39_share_encode(&share, out, sizeof(out)) == SLIP39_OK);
		public(out, sizeof(out));
		CHECK(strcmp(out, again) == 0);
		slip39_share_clear(&share);
	}
	sodium_free(t);
}

/* Both shares of vector 23 through a collector, and the master secret out of them with the
 * passphrase secret too. */
static void collect(void)
{
	struct slip39_collector *c = NULL;
	uint8_t *ms = NULL, want[32];
	size_t len, mslen = 0;
	char *a = secret_string(V23_A, &len), *pass;
	int ret;

	CHECK(slip39_collector_new(&c) == SLIP39_OK);
	ret = slip39_collector_add(c, a, len, NULL);
	public(&ret, sizeof(ret));
	CHECK(ret == SLIP39_OK);
	sodium_free(a);
	a = secret_string(V23_B, &len);
	ret = slip39_collector_add(c, a, len, NULL);
	public(&ret, sizeof(ret));
	CHECK(ret == SLIP39_OK);
	sodium_free(a);
	pass = secret_string("TREZOR", &len);
	ret = slip39_collector_combine(c, (const uint8_t *)pass, len, &ms, &mslen, NULL);
	public(&ret, sizeof(ret));
	CHECK(ret == SLIP39_OK && mslen == 32);
	public(ms, mslen);
	CHECK(sodium_hex2bin(want, sizeof(want), V23_SECRET, 64, NULL, NULL, NULL) == 0);
	CHECK(memcmp(ms, want, 32) == 0);
	sodium_free(ms);
	sodium_free(pass);
	slip39_collector_free(c);
}

int main(void)
{
	CHECK(sodium_init() >= 0);
	check_rs1024();
	check_words();
	check_feistel();
	decode(V1, SLIP39_OK, 0, V1);
	decode("  duckling enlarge  academic academic agency result length solution fridge kidney "
	       "coal piece deal husband erode duke ajar critical decision keyboard ",
	       SLIP39_OK, 0, V1);
	decode(V23_A, SLIP39_OK, 0, V23_A);
	decode(V1_CHECKSUM, SLIP39_E_CHECKSUM, 0, NULL);
	decode(V1_PADDING, SLIP39_E_PADDING, 0, NULL);
	decode("Duckling enlarge", SLIP39_E_WORD, 1, NULL);
	decode("duckling enlarge academic academic agen result", SLIP39_E_WORD, 5, NULL);
	decode("duckling enlarge academic academic agency\tresult", SLIP39_E_WORD, 5, NULL);
	decode(
	    "duckling enlarge academic academic agency result length solution fridge kidney coal "
	    "piece deal husband erode duke ajar critical decision",
	    SLIP39_E_LENGTH, 0, NULL);
	decode(V23_A " always", SLIP39_E_LENGTH, 0, NULL);
	decode("", SLIP39_E_LENGTH, 0, NULL);
	collect();
	printf("ct_slip39: ok\n");
	return 0;
}
