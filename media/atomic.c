#include "media/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/error.h"
#include "media/fault.h"
#include "media/util.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* Temporary names: '.' + name + '.' + 16 hex + ".tmp" + NUL. */
#define TMPNAME_LEN (1 + MEDIA_NAME_MAX + 1 + 16 + 4 + 1)
#define CHUNK	    65536

enum media_err media_errno(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
	case EFBIG:
		return MEDIA_E_NOSPACE;
	case ENODEV:
	case ENXIO:
	case ENOMEDIUM:
	case ESTALE:
		return MEDIA_E_GONE;
	case EROFS:
		return MEDIA_E_READONLY;
	case EEXIST:
		return MEDIA_E_EXISTS;
	case ENOENT:
		return MEDIA_E_NOENT;
	case EACCES:
	case EPERM:
		return MEDIA_E_PERM;
	case ENOMEM:
		return MEDIA_E_NOMEM;
	default:
		return MEDIA_E_IO;
	}
}

int media_name_ok(const char *name)
{
	size_t n = strnlen(name, MEDIA_NAME_MAX + 1);

	if (n == 0 || n > MEDIA_NAME_MAX || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

int media_temp_name(const char *name)
{
	size_t n = strlen(name);

	/* Wider than the names step 2 makes: anything hidden ending in ".tmp" is treated alike. */
	return name[0] == '.' && n > 5 && strcmp(name + n - 4, ".tmp") == 0;
}

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = media_io_write(fd, data, len > CHUNK ? CHUNK : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return media_errno(errno);
		if (n == 0)
			return MEDIA_E_NOSPACE;
		data += n;
		len -= (size_t)n;
	}
	return MEDIA_OK;
}

/* One read, retried on EINTR. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
	ssize_t r;

	do
		r = media_io_read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Opens a regular file for reading, refusing symbolic links and anything else, by name: a link
 * planted where a file should be is not reported as a file that is missing. */
static int open_regular(int dirfd, const char *name, struct stat *st)
{
	/* O_NONBLOCK: a FIFO planted on the medium must not hang the open. */
	int fd = media_io_openat(dirfd, name,
				 O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);

	if (fd < 0)
		return -(int)(errno == ELOOP ? MEDIA_E_NOTREG : media_errno(errno));
	if (fstat(fd, st) != 0) {
		int err = media_errno(errno);

		close(fd);
		return -err;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -MEDIA_E_NOTREG;
	}
	return fd;
}

enum media_err media_hash_file(int dirfd, const char *name, unsigned char sha256[32], size_t *size)
{
	crypto_hash_sha256_state h;
	unsigned char buf[4096];
	struct stat st;
	size_t total = 0;
	int fd, ret = MEDIA_OK;

	fd = open_regular(dirfd, name, &st);
	if (fd < 0)
		return -fd;
	/* Read the medium, not the page cache: the pages were just written and synced. */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	crypto_hash_sha256_init(&h);
	for (;;) {
		ssize_t n = read_some(fd, buf, sizeof(buf));

		if (n <= 0) {
			ret = n < 0 ? (int)media_errno(errno) : MEDIA_OK;
			break;
		}
		media_io_readback(buf, (size_t)n);
		crypto_hash_sha256_update(&h, buf, (size_t)n);
		total += (size_t)n;
	}
	crypto_hash_sha256_final(&h, sha256);
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(&h, sizeof(h));
	close(fd);
	if (size)
		*size = total;
	return ret;
}

enum media_err media_read_file(int dirfd, const char *name, size_t max, int secret,
			       unsigned char **out, size_t *len, unsigned char sha256[32])
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t have = 0, cap;
	int fd, ret = MEDIA_OK;

	*out = NULL;
	*len = 0;
	fd = open_regular(dirfd, name, &st);
	if (fd < 0)
		return -fd;
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		return MEDIA_E_TOOBIG;
	}
	/* One byte more than the size, to notice a file that grew. */
	cap = (size_t)st.st_size + 1;
	buf = secret ? media_salloc(cap) : malloc(cap);
	if (buf == NULL) {
		close(fd);
		return MEDIA_E_NOMEM;
	}
	for (;;) {
		ssize_t n = read_some(fd, buf + have, cap - have);

		if (n <= 0) {
			ret = n < 0 ? (int)media_errno(errno) : MEDIA_OK;
			break;
		}
		have += (size_t)n;
		if (have == cap) {
			ret = MEDIA_E_IO; /* changed under us */
			break;
		}
	}
	close(fd);
	if (ret != MEDIA_OK) {
		if (secret)
			media_sfree(buf);
		else
			free(buf);
		return ret;
	}
	if (sha256 != NULL)
		media_sha256(buf, have, sha256);
	*out = buf;
	*len = have;
	return MEDIA_OK;
}

/* Puts the finished temporary file in place without ever replacing (unless asked to). */
static int install(int dirfd, const char *tmp, const char *name, unsigned flags)
{
	if (flags & MEDIA_ATOMIC_REPLACE)
		return media_io_renameat2(dirfd, tmp, dirfd, name, 0) == 0
			   ? MEDIA_OK
			   : (int)media_errno(errno);
	if (media_io_renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0)
		return MEDIA_OK;
	if (errno != EINVAL && errno != ENOSYS)
		return media_errno(errno);
	/* No RENAME_NOREPLACE here: a hard link fails on an existing name just the same. */
	if (media_io_linkat(dirfd, tmp, dirfd, name) != 0)
		return media_errno(errno);
	media_io_unlinkat(dirfd, tmp);
	return MEDIA_OK;
}

enum media_err media_atomic_write(int dirfd, const char *name, const unsigned char *data,
				  size_t len, unsigned flags, unsigned char sha256[32])
{
	unsigned char want[32], got[32], rnd[8];
	char tmp[TMPNAME_LEN], hex[17];
	struct stat st;
	size_t size = 0;
	int fd = -1, ret, placed = 0;

	if (!media_name_ok(name) || (flags & ~MEDIA_ATOMIC_REPLACE))
		return MEDIA_E_NAME;
	if (!(flags & MEDIA_ATOMIC_REPLACE) && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return MEDIA_E_EXISTS;
	media_sha256(data, len, want);
	if (sha256 != NULL)
		memcpy(sha256, want, 32);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(tmp, sizeof(tmp), ".%s.%s.tmp", name, hex);

	fd =
	    media_io_openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return media_errno(errno);
	ret = write_all(fd, data, len);
	if (ret == MEDIA_OK && media_io_fsync(fd) != 0)
		ret = media_errno(errno);
	if (close(fd) != 0 && ret == MEDIA_OK)
		ret = media_errno(errno);
	if (ret != MEDIA_OK)
		goto fail;
	ret = install(dirfd, tmp, name, flags);
	if (ret != MEDIA_OK)
		goto fail;
	placed = 1;
	if (media_io_fsync(dirfd) != 0) {
		ret = media_errno(errno);
		goto fail;
	}
	ret = media_hash_file(dirfd, name, got, &size);
	if (ret != MEDIA_OK)
		goto fail;
	if (size != len || sodium_memcmp(got, want, 32) != 0) {
		ret = MEDIA_E_READBACK;
		goto fail;
	}
	return MEDIA_OK;
fail:
	/* Leave nothing that looks complete. A replaced manifest is left for the caller, who
	 * restores the previous one (removing it would unlist every file). */
	media_io_unlinkat(dirfd, tmp);
	if (placed && !(flags & MEDIA_ATOMIC_REPLACE))
		media_io_unlinkat(dirfd, name);
	media_io_fsync(dirfd);
	return ret;
}
