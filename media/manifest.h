/*
 * SHA256SUMS, the manifest at the root of every medium (docs/media.md): one line per file,
 *
 *   <64 lower-case hex digits of SHA-256><space><space><name>\n
 *
 * in the order the files were written, names as media_name_ok() allows, no name twice, nothing
 * else (no blank line, no comment, no CR). `sha256sum -c SHA256SUMS` checks it.
 */
#ifndef MEDIA_MANIFEST_H
#define MEDIA_MANIFEST_H

#include <stddef.h>

#include "media/atomic.h"

#define MEDIA_MANIFEST_NAME	   "SHA256SUMS"
#define MEDIA_MANIFEST_MAX_ENTRIES 4096

struct media_manifest_entry {
	char name[MEDIA_NAME_MAX + 1];
	unsigned char sha256[32];
};

struct media_manifest {
	size_t count;
	struct media_manifest_entry *entries;
};

/* Parses text strictly (an empty text is an empty manifest). MEDIA_E_MANIFEST on any deviation;
 * on failure m is empty. */
enum media_err media_manifest_parse(const unsigned char *text, size_t len,
				    struct media_manifest *m);
/* The text of m, malloc'ed (free()). */
enum media_err media_manifest_format(const struct media_manifest *m, char **text, size_t *len);
/* The entry for name, or NULL. */
const struct media_manifest_entry *media_manifest_find(const struct media_manifest *m,
						       const char *name);
/* Appends an entry. MEDIA_E_NAME, MEDIA_E_EXISTS (already listed), MEDIA_E_TOOBIG, NOMEM. */
enum media_err media_manifest_add(struct media_manifest *m, const char *name,
				  const unsigned char sha[32]);
void media_manifest_free(struct media_manifest *m);

#endif
