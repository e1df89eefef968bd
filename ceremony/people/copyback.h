/*
 * What a custodian types back, checked in constant time: the words of their card (the copy-back
 * after a share is handed out) and a passphrase typed twice.
 *
 * Typed words and the mnemonic are secret down to their letters and their lengths (a word's
 * length narrows it to a few dozen of the 1024): the words are split at white space and looked
 * up with masks (slip39_words_parse), never a branch or an index on a character, so the time
 * taken depends only on the lengths of the whole texts. tests/ct/ct_copyback.c checks this under
 * valgrind. Nothing is allocated and nothing fails: each call returns its comparison.
 */
#ifndef CEREMONY_COPYBACK_H
#define CEREMONY_COPYBACK_H

#include <stddef.h>

#include "shamir/slip39_words.h"

/* SLIP-39's longest mnemonic (33 words) and one more, to see that a text is longer. */
#define COPYBACK_WORDS_MAX 34
/* Bytes for copyback_mnemonic's text: COPYBACK_WORDS_MAX words, spaces and a NUL. */
#define COPYBACK_MNEMONIC_MAX (COPYBACK_WORDS_MAX * (SLIP39_WORD_MAX + 1))

/* Compares typed (tlen bytes) with mnemonic (mlen bytes: lower-case SLIP-39 words separated by
 * spaces) word by word. A typed word is a whole word of the list or its first four letters or
 * more, in either case, and words are separated by any white space. Returns 0 when they agree,
 * else the 1-based position of the first word that differs (a word that is not in the list, or
 * count+1 when one text has fewer words): that position is shown to the custodian, so it is the
 * one result that is public. */
size_t copyback_compare(const char *typed, size_t tlen, const char *mnemonic, size_t mlen);

/* Words typed or scanned (tlen bytes, read as copyback_compare reads them) as a mnemonic: the
 * words of the list they stand for, lower case and whole, one space between two, NUL-terminated
 * and zero-filled in out, *outlen its length. Returns the number of words; *bad is the 1-based
 * position of the first word that is not in the list, or 0. Words past the COPYBACK_WORDS_MAX-th
 * are neither read nor written: such a text is longer than any mnemonic, and so is out then.
 * What the caller shows or branches on - the count, *bad and *outlen, all visible as the words
 * are typed or shown - it has to treat as public; out stays secret. */
size_t copyback_mnemonic(const char *typed, size_t tlen, char out[COPYBACK_MNEMONIC_MAX],
			 size_t *outlen, size_t *bad);

/* 1 if a (alen bytes) and b (blen bytes) are equal, else 0. The lengths are public (a typed
 * passphrase's length is visible as it is typed); the contents are compared in constant time. */
int copyback_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
