#include "media/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* The armed fault (a test sets it; production never does). */
static struct {
	enum media_fault_op op;
	size_t budget; /* bytes or calls still allowed */
	int err;
	int fired;
} fault;

void media_fault_set(enum media_fault_op op, size_t after, int err)
{
	fault.op = op;
	fault.budget = after;
	fault.err = err;
	fault.fired = 0;
}

void media_fault_clear(void)
{
	media_fault_set(MEDIA_FAULT_NONE, 0, 0);
}

/* One call of kind op: false (errno set) once the budget is spent. */
static int call_allowed(enum media_fault_op op)
{
	if (fault.op != op && !(fault.op == MEDIA_FAULT_ALL && op != MEDIA_FAULT_READBACK))
		return 1;
	if (fault.budget > 0) {
		fault.budget--;
		return 1;
	}
	errno = fault.err;
	return 0;
}

ssize_t media_io_write(int fd, const void *buf, size_t n)
{
	if (fault.op == MEDIA_FAULT_WRITE) {
		/* A full disk: what fits is written, then the error. */
		if (fault.budget == 0) {
			errno = fault.err;
			return -1;
		}
		if (n > fault.budget)
			n = fault.budget;
		{
			ssize_t w = write(fd, buf, n);

			if (w > 0)
				fault.budget -= (size_t)w;
			return w;
		}
	}
	if (!call_allowed(MEDIA_FAULT_WRITE))
		return -1;
	return write(fd, buf, n);
}

ssize_t media_io_read(int fd, void *buf, size_t n)
{
	if (fault.op == MEDIA_FAULT_ALL && !call_allowed(MEDIA_FAULT_ALL))
		return -1;
	return read(fd, buf, n);
}

int media_io_fsync(int fd)
{
	if (!call_allowed(MEDIA_FAULT_FSYNC))
		return -1;
	return fsync(fd);
}

int media_io_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	if (fault.op == MEDIA_FAULT_ALL && !call_allowed(MEDIA_FAULT_ALL))
		return -1;
	return openat(dirfd, name, flags, mode);
}

int media_io_renameat2(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		       unsigned flags)
{
	if (!call_allowed(MEDIA_FAULT_RENAME))
		return -1;
	return renameat2(olddirfd, oldname, newdirfd, newname, flags);
}

int media_io_linkat(int olddirfd, const char *oldname, int newdirfd, const char *newname)
{
	if (!call_allowed(MEDIA_FAULT_RENAME))
		return -1;
	return linkat(olddirfd, oldname, newdirfd, newname, 0);
}

int media_io_unlinkat(int dirfd, const char *name)
{
	if (fault.op == MEDIA_FAULT_ALL && !call_allowed(MEDIA_FAULT_ALL))
		return -1;
	return unlinkat(dirfd, name, 0);
}

void media_io_readback(unsigned char *data, size_t n)
{
	if (fault.op == MEDIA_FAULT_READBACK && !fault.fired && n > 0) {
		data[n / 2] ^= 0x01;
		fault.fired = 1;
	}
}
