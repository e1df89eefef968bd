#include "media/medium.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/atomic.h"
#include "media/blockdev.h"
#include "media/error.h"
#include "media/fault.h"
#include "media/manifest.h"
#include "media/util.h"

/* A manifest of the most entries with the longest names. */
#define MANIFEST_MAX_BYTES ((size_t)MEDIA_MANIFEST_MAX_ENTRIES * (64 + 2 + MEDIA_NAME_MAX + 1))

struct media_medium {
	int dirfd;
	int writable;
	int mounted;
	char path[PATH_MAX];
};

enum media_err media_open_dir(const char *path, int writable, struct media_medium **out)
{
	struct media_medium *m;
	int fd;

	*out = NULL;
	if (strlen(path) >= PATH_MAX)
		return MEDIA_E_ARG;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? MEDIA_E_NOTDIR : media_errno(errno);
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		close(fd);
		return MEDIA_E_NOMEM;
	}
	m->dirfd = fd;
	m->writable = writable;
	memcpy(m->path, path, strlen(path) + 1);
	*out = m;
	return MEDIA_OK;
}

enum media_err media_open_device(const char *node, const char *mountpoint, int writable,
				 struct media_medium **out)
{
	int ret = media_mount(node, mountpoint, writable);

	*out = NULL;
	if (ret != MEDIA_OK)
		return ret;
	ret = media_open_dir(mountpoint, writable, out);
	if (ret != MEDIA_OK) {
		media_unmount(mountpoint);
		return ret;
	}
	(*out)->mounted = 1;
	return MEDIA_OK;
}

enum media_err media_close(struct media_medium *m)
{
	int ret = MEDIA_OK;

	if (m == NULL)
		return MEDIA_OK;
	if (m->writable && media_io_fsync(m->dirfd) != 0)
		ret = media_errno(errno);
	close(m->dirfd);
	if (m->mounted) {
		int u = media_unmount(m->path);

		if (u != MEDIA_OK)
			ret = u;
	}
	free(m);
	return ret;
}

const char *media_path(const struct media_medium *m)
{
	return m->path;
}

/* The current manifest (empty if there is none); *text keeps its bytes for a restore. */
static int load_manifest(struct media_medium *m, struct media_manifest *man, unsigned char **text,
			 size_t *len, int *existed)
{
	int ret;

	*text = NULL;
	*len = 0;
	*existed = 0;
	man->count = 0;
	man->entries = NULL;
	ret =
	    media_read_file(m->dirfd, MEDIA_MANIFEST_NAME, MANIFEST_MAX_BYTES, 0, text, len, NULL);
	if (ret == MEDIA_E_NOENT)
		return MEDIA_OK;
	if (ret == MEDIA_E_TOOBIG)
		return MEDIA_E_MANIFEST;
	/* Said as the manifest's fault, not the file being written's. */
	if (ret == MEDIA_E_NOTREG)
		return MEDIA_E_MANIFEST_NOTREG;
	if (ret != MEDIA_OK)
		return ret;
	*existed = 1;
	ret = media_manifest_parse(*text, *len, man);
	if (ret != MEDIA_OK) {
		free(*text);
		*text = NULL;
		*len = 0;
	}
	return ret;
}

/* Puts the previous manifest back after a failed update (best effort: the medium may be gone). */
static void restore_manifest(struct media_medium *m, const unsigned char *old, size_t len,
			     int existed)
{
	if (existed)
		media_atomic_write(m->dirfd, MEDIA_MANIFEST_NAME, old, len, MEDIA_ATOMIC_REPLACE,
				   NULL);
	else
		media_io_unlinkat(m->dirfd, MEDIA_MANIFEST_NAME);
	media_io_fsync(m->dirfd);
}

enum media_err media_write(struct media_medium *m, const char *name, const unsigned char *data,
			   size_t len)
{
	struct media_manifest man;
	unsigned char sha[32], *old = NULL;
	char *text = NULL;
	size_t old_len, text_len;
	int ret, existed;

	if (!m->writable)
		return MEDIA_E_READONLY;
	if (!media_name_ok(name) || strcmp(name, MEDIA_MANIFEST_NAME) == 0)
		return MEDIA_E_NAME;
	ret = load_manifest(m, &man, &old, &old_len, &existed);
	if (ret != MEDIA_OK)
		return ret;
	if (media_manifest_find(&man, name) != NULL) {
		ret = MEDIA_E_EXISTS;
		goto out;
	}
	ret = media_atomic_write(m->dirfd, name, data, len, 0, sha);
	if (ret != MEDIA_OK)
		goto out;
	ret = media_manifest_add(&man, name, sha);
	if (ret == MEDIA_OK)
		ret = media_manifest_format(&man, &text, &text_len);
	if (ret == MEDIA_OK)
		ret = media_atomic_write(m->dirfd, MEDIA_MANIFEST_NAME, (unsigned char *)text,
					 text_len, MEDIA_ATOMIC_REPLACE, NULL);
	if (ret != MEDIA_OK) {
		/* All or nothing: the file goes, the old manifest comes back. */
		media_io_unlinkat(m->dirfd, name);
		restore_manifest(m, old, old_len, existed);
	}
out:
	free(text);
	free(old);
	media_manifest_free(&man);
	return ret;
}

enum media_err media_adopt(struct media_medium *m, const char *name)
{
	struct media_manifest man;
	unsigned char sha[32], *old = NULL;
	char *text = NULL;
	size_t old_len, text_len, size;
	int ret, existed;

	if (!m->writable)
		return MEDIA_E_READONLY;
	if (!media_name_ok(name) || strcmp(name, MEDIA_MANIFEST_NAME) == 0)
		return MEDIA_E_NAME;
	ret = load_manifest(m, &man, &old, &old_len, &existed);
	if (ret != MEDIA_OK)
		return ret;
	if (media_manifest_find(&man, name) != NULL) {
		ret = MEDIA_E_EXISTS;
		goto out;
	}
	/* Hashed from the medium itself (cached pages dropped), as a reader will see it. */
	ret = media_hash_file(m->dirfd, name, sha, &size);
	if (ret == MEDIA_OK)
		ret = media_manifest_add(&man, name, sha);
	if (ret == MEDIA_OK)
		ret = media_manifest_format(&man, &text, &text_len);
	if (ret == MEDIA_OK)
		ret = media_atomic_write(m->dirfd, MEDIA_MANIFEST_NAME, (unsigned char *)text,
					 text_len, MEDIA_ATOMIC_REPLACE, NULL);
	if (ret != MEDIA_OK)
		restore_manifest(m, old, old_len, existed);
out:
	free(text);
	free(old);
	media_manifest_free(&man);
	return ret;
}

enum media_err media_read(struct media_medium *m, const char *name, size_t max, unsigned flags,
			  unsigned char **out, size_t *len, int *listed)
{
	struct media_manifest man;
	const struct media_manifest_entry *e;
	unsigned char sha[32], *old = NULL;
	size_t old_len;
	int ret, existed, secret = (flags & MEDIA_READ_SECRET) != 0;

	*out = NULL;
	*len = 0;
	if (listed)
		*listed = 0;
	/* An unfinished write is no file, however complete its content may look. */
	if (media_temp_name(name))
		return MEDIA_E_INCOMPLETE;
	if (!media_name_ok(name))
		return MEDIA_E_NAME;
	ret = load_manifest(m, &man, &old, &old_len, &existed);
	free(old);
	if (ret != MEDIA_OK)
		return ret;
	e = media_manifest_find(&man, name);
	if (e == NULL && (flags & MEDIA_READ_LISTED)) {
		ret = MEDIA_E_UNLISTED;
		goto out;
	}
	ret = media_read_file(m->dirfd, name, max, secret, out, len, sha);
	if (ret != MEDIA_OK)
		goto out;
	if (e != NULL) {
		if (sodium_memcmp(sha, e->sha256, 32) != 0) {
			if (secret)
				media_sfree(*out);
			else
				free(*out);
			*out = NULL;
			*len = 0;
			ret = MEDIA_E_MISMATCH;
			goto out;
		}
		if (listed)
			*listed = 1;
	}
out:
	media_manifest_free(&man);
	return ret;
}

/* Calls fn for every regular file or symbolic link at the top of the medium (directories and
 * SHA256SUMS left out), in directory order. MEDIA_E_IO if the directory cannot be read. */
static int each_file(struct media_medium *m, void (*fn)(void *ctx, const char *name), void *ctx)
{
	int fd = openat(m->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (dir == NULL) {
		if (fd >= 0)
			close(fd);
		return MEDIA_E_IO;
	}
	while ((de = readdir(dir)) != NULL) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, MEDIA_MANIFEST_NAME) == 0)
			continue;
		if (fstatat(m->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		fn(ctx, de->d_name);
	}
	closedir(dir);
	return MEDIA_OK;
}

struct unlisted {
	const struct media_manifest *man;
	void (*report)(void *ctx, const char *name, int status);
	void *ctx;
	int first;
};

static void report_unlisted(void *ctx, const char *name)
{
	struct unlisted *u = ctx;
	int status;

	if (media_manifest_find(u->man, name) != NULL)
		return;
	status = media_temp_name(name) ? MEDIA_E_INCOMPLETE : MEDIA_E_UNLISTED;
	if (u->report)
		u->report(u->ctx, name, status);
	if (u->first == MEDIA_OK)
		u->first = status;
}

struct leftovers {
	void (*fn)(void *ctx, const char *name);
	void *ctx;
};

static void report_leftover(void *ctx, const char *name)
{
	struct leftovers *l = ctx;

	if (media_temp_name(name))
		l->fn(l->ctx, name);
}

enum media_err media_leftovers(struct media_medium *m, void (*fn)(void *ctx, const char *name),
			       void *ctx)
{
	struct leftovers l = {fn, ctx};

	return each_file(m, report_leftover, &l);
}

enum media_err media_verify(struct media_medium *m,
			    void (*report)(void *ctx, const char *name, int status), void *ctx)
{
	struct media_manifest man;
	unsigned char *old = NULL, sha[32];
	size_t old_len;
	int ret, existed, first = MEDIA_OK;
	struct unlisted u;

	ret = load_manifest(m, &man, &old, &old_len, &existed);
	free(old);
	if (ret != MEDIA_OK)
		return ret;
	for (size_t i = 0; i < man.count; i++) {
		int st = media_hash_file(m->dirfd, man.entries[i].name, sha, NULL);

		if (st == MEDIA_E_NOENT)
			st = MEDIA_E_MISSING;
		else if (st == MEDIA_OK && sodium_memcmp(sha, man.entries[i].sha256, 32) != 0)
			st = MEDIA_E_MISMATCH;
		if (report)
			report(ctx, man.entries[i].name, st);
		if (first == MEDIA_OK)
			first = st;
	}
	u.man = &man;
	u.report = report;
	u.ctx = ctx;
	u.first = first;
	ret = each_file(m, report_unlisted, &u);
	media_manifest_free(&man);
	return ret != MEDIA_OK ? ret : u.first;
}
