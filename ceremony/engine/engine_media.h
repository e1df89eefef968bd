/*
 * The engine's media: paths of media and files in the directory backend, writing an artifact
 * (atomic, verified, listed in SHA256SUMS, never replacing), reading and listing files, and
 * saying what an interrupted run left behind.
 *
 * Secret inputs: the bytes written or read may be secret (a sealed share file is not, a
 * revealed key is); they are never shown, recorded or kept past the call, except that a read
 * file's bytes go to the caller. Names and hashes are public.
 *
 * After a failure: a write that fails leaves no file that looks complete (media/atomic.h) and no
 * artifact remembered; the step functions set e->reason, the media functions return the media
 * library's error code and set nothing.
 */
#ifndef CEREMONY_ENGINE_MEDIA_H
#define CEREMONY_ENGINE_MEDIA_H

#include "ceremony/engine/engine_state.h"
#include "media/error.h"

/* "medium_dir/<id>" into out. Returns 0, or -1 when it does not fit. */
int engine_medium_path(const struct engine *e, const struct script_medium *m, char *out,
		       size_t outlen);

/* Whether medium m's directory is missing; if so msg says so, its path and what to do
 * ("medium 'public' is not present at DIR/public: insert it"). Returns 1 when missing. */
int engine_medium_missing(const struct engine *e, const struct script_medium *m, char *msg,
			  size_t n);

/* Fails the step (kind: STEP_ERROR, STEP_FAILED) saying the medium, its path, what was being
 * done ("writing", file), the media error and what a person can do about it. */
enum step_rc engine_media_fail(struct engine *e, enum step_rc kind, const struct script_medium *m,
			       const char *doing, const char *file, enum media_err rc);

/* "medium_dir/<id>/<file>" into out. Returns 0, or -1 when it does not fit. */
int engine_file_path(const struct engine *e, const struct script_medium *m, const char *file,
		     char *out, size_t outlen);

/* Writes data as medium/file (atomic, verified, listed in SHA256SUMS, never replacing) and
 * remembers it as an artifact. The hash goes to sha256 when not NULL. */
enum step_rc engine_write(struct engine *e, const struct script_medium *m, const char *file,
			  const uint8_t *data, size_t len, uint8_t sha256[32]);

/* The same, for a write tried again on a medium that replaces a failed one: a file of that name
 * with exactly these bytes (the failed write had got that far) counts as written. */
enum step_rc engine_write_again(struct engine *e, const struct script_medium *m, const char *file,
				const uint8_t *data, size_t len, uint8_t sha256[32]);

/* Says, and records as a note, the unfinished writes (temporary files an interrupted run left)
 * on medium m, once per medium: at the start for every medium present, else at its first
 * write. A medium not present yet is looked at later. */
enum step_rc engine_say_leftovers(struct engine *e, const struct script_medium *m);
/* Medium m was replaced by another: look at the new one again. */
void engine_medium_replaced(struct engine *e, const struct script_medium *m);

/* Reads medium/file with media_read (at most max bytes; a file SHA256SUMS lists must match it;
 * flags MEDIA_READ_LISTED, MEDIA_READ_SECRET). On MEDIA_OK *out holds the bytes (free them as
 * media_read says); otherwise *out is NULL. */
enum media_err engine_read_file(struct engine *e, const struct script_medium *m, const char *file,
				size_t max, unsigned flags, unsigned char **out, size_t *len);
/* Calls fn for the name of each file on the medium (SHA256SUMS excepted), sorted. */
enum media_err engine_list_files(struct engine *e, const struct script_medium *m,
				 void (*fn)(void *ctx, const char *name), void *ctx);

#endif
