/*
 * A medium: a directory of flat files plus SHA256SUMS (docs/media.md). Two backends with the
 * same calls: a directory (host rehearsals, tests), or a removable block device that is mounted
 * on open and synced and unmounted on close.
 *
 * Writes are atomic and verified (media/atomic.h), never replace a file, and keep SHA256SUMS in
 * step: a write either leaves the file and its manifest line, or neither. Reads are limited in
 * size and checked against SHA256SUMS when the file is listed.
 */
#ifndef MEDIA_MEDIUM_H
#define MEDIA_MEDIUM_H

#include <stddef.h>

struct media_medium;

/* Opens directory path (no symbolic link) as a medium; writable or read-only. MEDIA_E_NOENT,
 * MEDIA_E_NOTDIR, MEDIA_E_PERM. */
enum media_err media_open_dir(const char *path, int writable, struct media_medium **out);

/* Mounts block device node at mountpoint (media/blockdev.h: nodev,nosuid,noexec; read-only
 * unless writable) and opens it. The errors of media_mount and media_open_dir. */
enum media_err media_open_device(const char *node, const char *mountpoint, int writable,
				 struct media_medium **out);

/* Closes the medium and frees m (always). For a device: syncs and unmounts; MEDIA_OK then means
 * it is safe to remove, MEDIA_E_BUSY or MEDIA_E_IO that it is not. */
enum media_err media_close(struct media_medium *m);

/* The directory the files are in (the mount point for a device). */
const char *media_path(const struct media_medium *m);

/*
 * Writes a new file and its SHA256SUMS line. name: media_name_ok(), not "SHA256SUMS". Returns
 * MEDIA_OK or the errors of media_atomic_write, MEDIA_E_READONLY, MEDIA_E_MANIFEST (the present
 * SHA256SUMS is malformed: nothing is written), MEDIA_E_EXISTS (also when listed but absent). On
 * failure neither the file nor a new manifest line is left.
 */
enum media_err media_write(struct media_medium *m, const char *name, const unsigned char *data,
			   size_t len);

/*
 * Lists a file that is already complete on the medium (written by its own protocol, such as the
 * transcript, appended and synced record by record) in SHA256SUMS, hashed as read back from the
 * medium. MEDIA_E_EXISTS when already listed; MEDIA_E_NOENT when absent. On failure the manifest
 * is as it was.
 */
enum media_err media_adopt(struct media_medium *m, const char *name);

#define MEDIA_READ_SECRET 1u /* *out is sodium_malloc'ed (free with media_sfree), not malloc */
#define MEDIA_READ_LISTED 2u /* the file must be listed in SHA256SUMS (else MEDIA_E_UNLISTED) */
/*
 * Reads a file of at most max bytes. *listed (may be NULL) is 1 if SHA256SUMS lists it and its
 * SHA-256 matches; a listed file that does not match is MEDIA_E_MISMATCH, and nothing is
 * returned. The name of an unfinished write (media_temp_name) is MEDIA_E_INCOMPLETE. Also
 * MEDIA_E_NAME, MEDIA_E_NOENT, MEDIA_E_TOOBIG, MEDIA_E_MANIFEST, MEDIA_E_IO.
 */
enum media_err media_read(struct media_medium *m, const char *name, size_t max, unsigned flags,
			  unsigned char **out, size_t *len, int *listed);

/*
 * Checks the whole medium: every SHA256SUMS line against its file, and every regular file or
 * symbolic link at the top against SHA256SUMS (directories are not looked into). report(ctx, name,
 * status) is called for every name with MEDIA_OK, MEDIA_E_MISMATCH, MEDIA_E_MISSING,
 * MEDIA_E_UNLISTED or MEDIA_E_INCOMPLETE (a left-over temporary file); it may be NULL. Returns
 * MEDIA_OK when everything verified, else the first problem's code (or MEDIA_E_MANIFEST,
 * MEDIA_E_IO).
 */
enum media_err media_verify(struct media_medium *m,
			    void (*report)(void *ctx, const char *name, int status), void *ctx);

/*
 * Calls fn(ctx, name) for every unfinished write left on the medium (media_temp_name: a write
 * that a crash or a removed medium interrupted before its rename). MEDIA_OK, or MEDIA_E_IO if
 * the medium cannot be listed.
 */
enum media_err media_leftovers(struct media_medium *m, void (*fn)(void *ctx, const char *name),
			       void *ctx);

#endif
