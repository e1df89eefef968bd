/*
 * SLIP-39 pieces that see share data or the master secret: the RS1024 checksum over share
 * words, word <-> value conversion, and the Feistel encryption (its XOR and OpenSSL's
 * PBKDF2-HMAC-SHA256 with the passphrase and the secret halves marked undefined).
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "shamir/rs1024.h"
#include "shamir/slip39.h"
#include "shamir/slip39_cipher.h"
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

int main(void)
{
	CHECK(sodium_init() >= 0);
	check_rs1024();
	check_words();
	check_feistel();
	return 0;
}
