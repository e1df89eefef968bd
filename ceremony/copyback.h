/*
 * What a custodian types back, checked in constant time: the words of their card (the copy-back
 * after a share is handed out) and a passphrase typed twice.
 *
 * Typed words and the mnemonic are secret down to their letters and their lengths (a word's
 * length narrows it to a few dozen of the 1024): the words are split at white space and looked
 * up with masks, never a branch or an index on a character, so the time taken depends only on
 * the lengths of the whole texts. tests/ct/ct_copyback.c checks this under valgrind.
 */
#ifndef CEREMONY_COPYBACK_H
#define CEREMONY_COPYBACK_H

#include <stddef.h>

/* SLIP-39's longest mnemonic (33 words) and one more, to see that a text is longer. */
#define COPYBACK_WORDS_MAX 34

/* Compares typed (tlen bytes) with mnemonic (mlen bytes: lower-case SLIP-39 words separated by
 * spaces) word by word. A typed word is a whole word of the list or its first four letters or
 * more, in either case, and words are separated by any white space. Returns 0 when they agree,
 * else the 1-based position of the first word that differs (a word that is not in the list, or
 * count+1 when one text has fewer words): that position is shown to the custodian, so it is the
 * one result that is public. */
size_t copyback_compare(const char *typed, size_t tlen, const char *mnemonic, size_t mlen);

/* 1 if a (alen bytes) and b (blen bytes) are equal, else 0. The lengths are public (a typed
 * passphrase's length is visible as it is typed); the contents are compared in constant time. */
int copyback_equal(const void *a, size_t alen, const void *b, size_t blen);

#endif
