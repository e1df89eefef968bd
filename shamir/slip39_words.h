/*
 * The SLIP-39 word list: 1024 English words of 4 to 8 lower-case letters, sorted, each unique
 * in its first four letters. A word's position in the list is its 10-bit value.
 *
 * Mnemonic words are share data, hence secret: slip39_word_lookup and slip39_word_copy scan the
 * whole list with masks, so their timing does not depend on which word is involved.
 */
#ifndef SHAMIR_SLIP39_WORDS_H
#define SHAMIR_SLIP39_WORDS_H

#include <stddef.h>

#define SLIP39_WORDS 1024
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

/* Copies the word with value index & 1023 into out, NUL-padded to 8 bytes (no terminator when it
 * has 8 letters), and returns its length. Constant time in index. */
size_t slip39_word_copy(unsigned int index, char out[SLIP39_WORD_MAX]);

#endif
