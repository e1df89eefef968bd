/* The engine's media (engine_media.h). */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/engine/engine_media.h"
#include "ceremony/engine/engine_record.h"
#include "media/medium.h"

int engine_medium_path(const struct engine *e, const struct script_medium *m, char *out,
		       size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", e->o->media_dir, m->id);

	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int engine_file_path(const struct engine *e, const struct script_medium *m, const char *file,
		     char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s/%s", e->o->media_dir, m->id, file);

	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/* Names from a medium are untrusted: shown and recorded as printable ASCII only. */
static void printable_name(const char *in, char *out, size_t outlen)
{
	size_t i = 0;

	for (; in[i] != '\0' && i + 1 < outlen; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '?';
	out[i] = '\0';
}

#define LEFTOVERS_SHOWN 8

struct leftovers {
	char names[LEFTOVERS_SHOWN][64];
	size_t n;
};

static void add_leftover(void *ctx, const char *name)
{
	struct leftovers *l = ctx;

	if (l->n < LEFTOVERS_SHOWN)
		printable_name(name, l->names[l->n], sizeof(l->names[0]));
	l->n++;
}

enum step_rc engine_say_leftovers(struct engine *e, const struct script_medium *m)
{
	size_t index = (size_t)(m - e->plan->media);
	struct media_medium *mm = NULL;
	struct leftovers l;
	char path[4096], list[LEFTOVERS_SHOWN * 66] = "";
	json_t *files;

	if (index >= SCRIPT_MAX_MEDIA || e->leftovers_seen[index])
		return STEP_OK;
	if (engine_medium_path(e, m, path, sizeof(path)) != 0 ||
	    media_open_dir(path, 0, &mm) != MEDIA_OK)
		return STEP_OK; /* not here yet: looked at when it is used */
	e->leftovers_seen[index] = true;
	memset(&l, 0, sizeof(l));
	media_leftovers(mm, add_leftover, &l);
	media_close(mm);
	if (l.n == 0)
		return STEP_OK;
	files = json_array();
	for (size_t i = 0; i < l.n && i < LEFTOVERS_SHOWN; i++) {
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 l.names[i]);
		json_array_append_new(files, json_string(l.names[i]));
	}
	/* Never a file of this ceremony: a reader refuses the name (docs/media.md, section 3). */
	prompt_say(e->p, PROMPT_WARN,
		   "  medium %s holds %zu unfinished write%s left by an interrupted run: %s%s",
		   m->id, l.n, l.n == 1 ? "" : "s", list, l.n > LEFTOVERS_SHOWN ? ", ..." : "");
	prompt_say(e->p, PROMPT_WARN,
		   "  they are not files and are ignored; destroy them when the medium is cleared");
	return engine_record(e, &engine_system, "note",
			     json_pack("{s:s,s:s,s:I,s:o}", "text",
				       "unfinished writes of an interrupted run are on a medium; "
				       "they are ignored",
				       "medium", m->id, "count", (json_int_t)l.n, "files", files));
}

void engine_medium_replaced(struct engine *e, const struct script_medium *m)
{
	size_t index = (size_t)(m - e->plan->media);

	if (index < SCRIPT_MAX_MEDIA)
		e->leftovers_seen[index] = false;
}

/* An identical file already there (a write that failed after its rename, the medium put back)
 * is taken as written, and listed if it is not. MEDIA_E_EXISTS for any other file. */
static enum media_err same_file(struct media_medium *mm, const char *file, const uint8_t *data,
				size_t len)
{
	unsigned char *old = NULL;
	size_t olen = 0;
	int listed = 0;
	enum media_err rc = media_read(mm, file, len, 0, &old, &olen, &listed);

	if (rc == MEDIA_E_TOOBIG || (rc == MEDIA_OK && (olen != len || memcmp(old, data, len))))
		rc = MEDIA_E_EXISTS;
	free(old);
	if (rc == MEDIA_OK && !listed)
		rc = media_adopt(mm, file);
	return rc;
}

static enum step_rc write_file(struct engine *e, const struct script_medium *m, const char *file,
			       const uint8_t *data, size_t len, uint8_t sha256[32], bool again)
{
	char path[4096];
	struct media_medium *mm = NULL;
	struct engine_artifact *a;
	enum step_rc said;
	enum media_err rc;

	if (e->nartifacts == ENGINE_MAX_ARTIFACTS)
		return engine_fail(e, STEP_ERROR, "too many artifacts");
	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return engine_fail(e, STEP_ERROR, "medium path too long");
	if ((said = engine_say_leftovers(e, m)) != STEP_OK)
		return said;
	rc = media_open_dir(path, 1, &mm);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "medium %s: %s", m->id, media_strerror(rc));
	rc = media_write(mm, file, data, len);
	if (rc == MEDIA_E_EXISTS && again)
		rc = same_file(mm, file, data, len);
	if (rc != MEDIA_OK) {
		media_close(mm);
		return engine_fail(e, STEP_ERROR, "writing %s to medium %s: %s", file, m->id,
				   media_strerror(rc));
	}
	rc = media_close(mm);
	if (rc != MEDIA_OK)
		return engine_fail(e, STEP_ERROR, "closing medium %s: %s", m->id,
				   media_strerror(rc));
	a = &e->artifacts[e->nartifacts++];
	snprintf(a->medium, sizeof(a->medium), "%s", m->id);
	snprintf(a->file, sizeof(a->file), "%s", file);
	crypto_hash_sha256(a->sha256, data, len);
	if (sha256)
		memcpy(sha256, a->sha256, 32);
	return STEP_OK;
}

enum step_rc engine_write(struct engine *e, const struct script_medium *m, const char *file,
			  const uint8_t *data, size_t len, uint8_t sha256[32])
{
	return write_file(e, m, file, data, len, sha256, false);
}

enum step_rc engine_write_again(struct engine *e, const struct script_medium *m, const char *file,
				const uint8_t *data, size_t len, uint8_t sha256[32])
{
	return write_file(e, m, file, data, len, sha256, true);
}


enum media_err engine_read_file(struct engine *e, const struct script_medium *m, const char *file,
				size_t max, unsigned flags, unsigned char **out, size_t *len)
{
	struct media_medium *mm = NULL;
	char path[4096];
	enum media_err rc;
	int listed = 0;

	*out = NULL;
	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return MEDIA_E_NAME;
	rc = media_open_dir(path, 0, &mm);
	if (rc != MEDIA_OK)
		return rc;
	rc = media_read(mm, file, max, flags, out, len, &listed);
	media_close(mm);
	return rc;
}

struct names {
	char (*name)[256];
	size_t n, cap;
};

static void add_name(void *ctx, const char *name, int status)
{
	struct names *l = ctx;

	/* A file SHA256SUMS lists but that is gone is no file to read. */
	if (status == MEDIA_E_MISSING || status == MEDIA_E_INCOMPLETE || strlen(name) > 255)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		char(*more)[256] = realloc(l->name, cap * sizeof(*more));

		if (more == NULL)
			return;
		l->name = more;
		l->cap = cap;
	}
	snprintf(l->name[l->n++], 256, "%s", name);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

enum media_err engine_list_files(struct engine *e, const struct script_medium *m,
				 void (*fn)(void *ctx, const char *name), void *ctx)
{
	struct media_medium *mm = NULL;
	struct names l = { NULL, 0, 0 };
	char path[4096];
	enum media_err rc;

	if (engine_medium_path(e, m, path, sizeof(path)) != 0)
		return MEDIA_E_NAME;
	rc = media_open_dir(path, 0, &mm);
	if (rc != MEDIA_OK)
		return rc;
	/* media_verify names every file, listed or not; a mismatch is found again on reading. */
	rc = media_verify(mm, add_name, &l);
	media_close(mm);
	if (rc == MEDIA_E_MANIFEST || rc == MEDIA_E_IO) {
		free(l.name);
		return rc;
	}
	if (l.n > 1)
		qsort(l.name, l.n, sizeof(*l.name), name_cmp);
	for (size_t i = 0; i < l.n; i++)
		if (i == 0 || strcmp(l.name[i], l.name[i - 1]) != 0)
			fn(ctx, l.name[i]);
	free(l.name);
	return MEDIA_OK;
}

