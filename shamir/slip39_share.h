/*
 * Internal to shamir/: parsing a mnemonic into memory the caller already owns, so that the
 * collector decodes straight into its own guarded buffer instead of allocating per share.
 */
#ifndef SHAMIR_SLIP39_SHARE_H
#define SHAMIR_SLIP39_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "shamir/slip39.h"

/* As slip39_share_decode, but the share value is written to value (SLIP39_SECRET_MAX bytes,
 * secret, owned by the caller) and out->value points there; nothing is allocated, so the
 * caller wipes value instead of calling slip39_share_clear. On failure value and out are
 * zeroed. */
enum slip39_err slip39_share_parse(const char *mnemonic, size_t len, struct slip39_share *out,
				   uint8_t *value, size_t *word);

#endif
