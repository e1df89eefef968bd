/*
 * Atomic, verified file writes in one directory (see docs/media.md, "Atomic write protocol"):
 *
 *   1. refuse the name if it exists (unless replacing a manifest);
 *   2. create ".<name>.<16 hex>.tmp" with O_CREAT|O_EXCL|O_NOFOLLOW, mode 0444;
 *   3. write all, fsync, close;
 *   4. rename onto the name with RENAME_NOREPLACE (link + unlink where the file system lacks
 *      it), so an existing file is never replaced;
 *   5. fsync the directory;
 *   6. drop the file's cached pages, read it back and compare its SHA-256 with the data's.
 *
 * On any failure the temporary file and, after step 4, the new name are removed (best effort: a
 * medium that is gone may keep a ".*.tmp" file, which never looks complete), and nothing that
 * existed before is touched. With MEDIA_ATOMIC_REPLACE a failure after step 4 leaves the new
 * content in place for the caller to restore the old one.
 */
#ifndef MEDIA_ATOMIC_H
#define MEDIA_ATOMIC_H

#include <stddef.h>

/* Names on a medium: 1 to MEDIA_NAME_MAX characters of A-Z a-z 0-9 . _ -, not starting
 * with '.'. */
#define MEDIA_NAME_MAX 128
int media_name_ok(const char *name);

/* Whether name is that of an unfinished write: "." ... ".tmp", as step 2 makes them. Such a
 * file is never a finished file, whatever its content: the rename of step 4 is what finishes a
 * write, and a crash or a medium pulled out before it leaves the temporary name behind. Readers
 * refuse it (MEDIA_E_INCOMPLETE), listings skip it, and verification reports it. */
int media_temp_name(const char *name);

/* May replace an existing file of that name: for SHA256SUMS only. */
#define MEDIA_ATOMIC_REPLACE 1u

/*
 * Writes data (len may be 0) as dirfd/name. sha256, if not NULL, receives the data's SHA-256.
 * Returns MEDIA_OK, MEDIA_E_NAME, MEDIA_E_EXISTS, MEDIA_E_NOSPACE, MEDIA_E_IO, MEDIA_E_GONE,
 * MEDIA_E_READONLY, MEDIA_E_PERM, MEDIA_E_READBACK.
 */
enum media_err media_atomic_write(int dirfd, const char *name, const unsigned char *data,
				  size_t len, unsigned flags, unsigned char sha256[32]);

/* SHA-256 and size of dirfd/name, read through (no symbolic link, regular files only), after
 * asking the kernel to drop its cached pages so the medium itself is read. */
enum media_err media_hash_file(int dirfd, const char *name, unsigned char sha256[32], size_t *size);

/*
 * Reads dirfd/name (regular file, no symbolic link) of at most max bytes into *out: sodium_malloc
 * if secret (free with media_sfree), malloc otherwise (free()). *sha256 (if not NULL) receives
 * its SHA-256. MEDIA_E_NOENT, MEDIA_E_TOOBIG, MEDIA_E_IO, MEDIA_E_GONE, MEDIA_E_NOMEM.
 */
enum media_err media_read_file(int dirfd, const char *name, size_t max, int secret,
			       unsigned char **out, size_t *len, unsigned char sha256[32]);

/* The media error for an errno value. */
enum media_err media_errno(int err);

#endif
