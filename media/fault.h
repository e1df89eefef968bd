/*
 * The file operations of media/ go through these wrappers so that tests can make them fail the
 * way a real medium does: a full disk part-way through a write, an I/O error, a medium pulled
 * out (every operation failing from some point on), a read-back that differs. The wrappers are
 * always compiled in and do nothing but the plain system call until a test calls
 * media_fault_set(); nothing outside tests calls it.
 */
#ifndef MEDIA_FAULT_H
#define MEDIA_FAULT_H

#include <stddef.h>
#include <sys/types.h>

enum media_fault_op {
	MEDIA_FAULT_NONE,
	MEDIA_FAULT_WRITE,    /* write(): after `after` bytes, short write, then errors */
	MEDIA_FAULT_FSYNC,    /* fsync() of a file or directory: after `after` calls */
	MEDIA_FAULT_RENAME,   /* renameat2()/renameat()/linkat(): after `after` calls */
	MEDIA_FAULT_ALL,      /* every operation, reads included, after `after` calls: removal */
	MEDIA_FAULT_READBACK, /* the read-back of a write sees one bit flipped */
};

/* Arms one fault: once `after` bytes (WRITE) or calls (others) have passed, the operation fails
 * with errno err, and keeps failing until media_fault_clear(). */
void media_fault_set(enum media_fault_op op, size_t after, int err);
void media_fault_clear(void);

/* The wrappers, for media/ only. Same contracts as the system calls. */
ssize_t media_io_write(int fd, const void *buf, size_t n);
ssize_t media_io_read(int fd, void *buf, size_t n);
int media_io_fsync(int fd);
int media_io_openat(int dirfd, const char *name, int flags, mode_t mode);
int media_io_renameat2(int olddirfd, const char *oldname, int newdirfd, const char *newname,
		       unsigned flags);
int media_io_linkat(int olddirfd, const char *oldname, int newdirfd, const char *newname);
int media_io_unlinkat(int dirfd, const char *name);
/* Applies a READBACK fault to data just read back (flips a bit), once per armed fault. */
void media_io_readback(unsigned char *data, size_t n);

#endif
