/*
 * RS1024, the SLIP-39 checksum: a Reed-Solomon code over GF(1024) whose three check words
 * detect any error in up to three words. The customization string is "shamir", or
 * "shamir_extendable" for shares with the extendable flag set.
 *
 * Words are 10-bit values (0..1023) and may encode a secret share, the extendable flag included
 * (it is read from the words being checked): both functions run in time that depends only on n.
 */
#ifndef SHAMIR_RS1024_H
#define SHAMIR_RS1024_H

#include <stddef.h>
#include <stdint.h>

#define RS1024_CHECKSUM_WORDS 3

/* The three check words for data[0..n-1]. */
void rs1024_create(int extendable, const uint16_t *data, size_t n,
		   uint16_t checksum[RS1024_CHECKSUM_WORDS]);

/* 1 when words[0..n-1] (data followed by its three check words) is a valid codeword, else 0. */
int rs1024_verify(int extendable, const uint16_t *words, size_t n);

#endif
