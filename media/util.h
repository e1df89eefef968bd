/*
 * Small helpers shared inside media/. Payload bytes may be secret (a share shown as a QR code),
 * so every buffer that holds them comes from here: sodium_malloc'ed, and zeroed by sodium_free.
 */
#ifndef MEDIA_UTIL_H
#define MEDIA_UTIL_H

#include <stddef.h>

/* sodium_malloc(n) (n == 0 allocates one byte), after making sure libsodium is initialised.
 * Returns NULL on failure. */
void *media_salloc(size_t n);
/* sodium_free: wipes and frees; NULL is fine. */
void media_sfree(void *p);

/* out = SHA-256(data). */
void media_sha256(const unsigned char *data, size_t len, unsigned char out[32]);

#endif
