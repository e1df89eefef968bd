/*
 * The SLIP-39 word list: 1024 English words of 4 to 8 lower-case letters, sorted, each unique
 * in its first four letters. A word's position in the list is its 10-bit value.
 *
 * Mnemonic words are share data, hence secret down to their letters and their lengths (a word's
 * length narrows it to a few dozen of the 1024): everything here but slip39_word scans the whole
 * list with masks, and reads or writes text in one pass over every byte: the time taken never
 * depends on which word is involved or where it sits in a text. tests/ct/ct_slip39.c and
 * tests/ct/ct_copyback.c check this under valgrind.
 */
#ifndef SHAMIR_SLIP39_WORDS_H
#define SHAMIR_SLIP39_WORDS_H

#include <stddef.h>
#include <stdint.h>

#define SLIP39_WORDS	1024
#define SLIP39_WORD_MIN 4
#define SLIP39_WORD_MAX 8
/* Letters that identify a word: a custodian may type just these. */
#define SLIP39_WORD_PREFIX 4

/* The word with this value (0..1023), NUL-terminated, or NULL when out of range. A plain table
 * lookup: for public use (word lists, tests), not for share data. */
const char *slip39_word(unsigned int index);

/* The value of word (len bytes, no NUL needed): a whole word of the list, or with allow_prefix
 * also any prefix of at least 4 letters of one (unique by construction of the list). Returns
 * 0..1023, or -1 when there is no such word. Constant time in the word's content. */
int slip39_word_lookup(const char *word, size_t len, int allow_prefix);

/* Values slip39_words_parse gives besides 0..1023. */
#define SLIP39_WORD_BAD	 0xFFFEu /* not a word of the list */
#define SLIP39_WORD_NONE 0xFFFFu /* past the last word */

/* How slip39_words_parse reads a text. */
enum slip39_text {
	/* As written (slip39_share_encode): whole lower-case words, separated by spaces. */
	SLIP39_TEXT_MNEMONIC,
	/* As a custodian types or scans it: any white space (C locale) between words, either case,
	 * and a word's first SLIP39_WORD_PREFIX letters or more standing for it. */
	SLIP39_TEXT_TYPED,
};

/* Splits text (len bytes) into words and looks each up: values[i] (i < max) is the value of the
 * (i+1)-th word, SLIP39_WORD_BAD when it is no word of the list (how says what counts as one),
 * SLIP39_WORD_NONE past the last word. Runs of separators, and separators before the first word
 * or after the last, are allowed. Returns the number of words, which may exceed max (words past
 * max are not looked at). The time taken depends on len and max only. The results are as secret
 * as the text: the caller declassifies what it shows or branches on. */
size_t slip39_words_parse(const char *text, size_t len, int how, uint16_t *values, size_t max);

/* Writes the words values[0..max-1] (0..1023; SLIP39_WORD_NONE for none, only after the last),
 * one space between two, NUL-terminated and zero-filled, into out (max * (SLIP39_WORD_MAX + 1)
 * bytes, at least 1). Returns the text's length. The time taken depends on max only. */
size_t slip39_words_text(const uint16_t *values, size_t max, char *out);

/* Copies the word with value index & 1023 into out, NUL-padded to 8 bytes (no terminator when it
 * has 8 letters), and returns its length. Constant time in index. */
size_t slip39_word_copy(unsigned int index, char out[SLIP39_WORD_MAX]);

#endif
