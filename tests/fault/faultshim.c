/*
 * faultshim.so: makes a medium fail under the real, unmodified ceremony binary, from outside.
 * Loaded with LD_PRELOAD by the CLI tests (tests/cli/hard_faults.sh, hard_crash.sh); never part
 * of the program. It interposes the libc calls the binary makes on files (nm -D build/ceremony)
 * and, for those that touch a path matching FAULT_PATH, counts them and fails them the way a
 * medium fails: full (a short write, then ENOSPC), an I/O error, gone (every call failing until
 * a fresh medium is mounted), or the process killed at that very call (a crash or power cut).
 *
 * Environment (nothing set: the shim only passes calls through):
 *   FAULT_PATH     globs (fnmatch, '*' crosses '/'), separated by ':', on the absolute path a call
 *                  touches: an fd's path from /proc/self/fd, or a directory's path + '/' + name;
 *                  a rename or link matches on either name.
 *   FAULT_OP       comma-separated kinds counted and failed: create (an open with O_CREAT), open
 *                  (any open), write, fsync (fsync, fdatasync, syncfs), rename (renameat2,
 *                  renameat, rename, linkat, link), unlink, truncate, read, close; "mutate" is
 *                  create,write,fsync,rename,unlink,truncate; "all" is every kind.
 *   FAULT_AFTER    matching calls let through before the fault (default 0).
 *   FAULT_BYTES    for write: bytes let through before the fault instead; the write that crosses
 *                  the limit is cut short to it, as a full disk does.
 *   FAULT_ERRNO    ENOSPC, EDQUOT, EFBIG, EIO, ENODEV, ENXIO, ENOMEDIUM, EROFS; or KILL: the
 *                  process sends itself SIGKILL instead of making the call.
 *   FAULT_PARTIAL  with KILL on a write: write this many bytes of it first (a torn record).
 *   FAULT_TIMES    calls that fail before the medium works again (default: every later one).
 *   FAULT_REMOUNT  a directory: opening it with O_DIRECTORY after the fault fired ends the
 *                  fault (the failed medium was replaced by a fresh one).
 *   FAULT_LOG      a file to which one line is appended per matching call: "N OP PATH", with
 *                  " FAULT" when it failed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Public so that the linker exports them; declared here to satisfy -Wmissing-prototypes. */
int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int openat64(int dirfd, const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off);
ssize_t read(int fd, void *buf, size_t n);
int fsync(int fd);
int fdatasync(int fd);
int syncfs(int fd);
int renameat2(int od, const char *on, int nd, const char *nn, unsigned int flags);
int renameat(int od, const char *on, int nd, const char *nn);
int rename(const char *on, const char *nn);
int linkat(int od, const char *on, int nd, const char *nn, int flags);
int link(const char *on, const char *nn);
int unlinkat(int dirfd, const char *name, int flags);
int unlink(const char *name);
int ftruncate(int fd, off_t len);
int close(int fd);

enum kind {
	K_CREATE = 1 << 0,
	K_OPEN = 1 << 1,
	K_WRITE = 1 << 2,
	K_FSYNC = 1 << 3,
	K_RENAME = 1 << 4,
	K_UNLINK = 1 << 5,
	K_TRUNCATE = 1 << 6,
	K_READ = 1 << 7,
	K_CLOSE = 1 << 8,
};
#define K_MUTATE (K_CREATE | K_WRITE | K_FSYNC | K_RENAME | K_UNLINK | K_TRUNCATE)

static const struct {
	const char *name;
	unsigned kinds;
} kind_names[] = {
    {"create", K_CREATE},
    {"open", K_OPEN | K_CREATE},
    {"write", K_WRITE},
    {"fsync", K_FSYNC},
    {"rename", K_RENAME},
    {"unlink", K_UNLINK},
    {"truncate", K_TRUNCATE},
    {"read", K_READ},
    {"close", K_CLOSE},
    {"mutate", K_MUTATE},
    {"all", ~0u},
};

static const struct {
	const char *name;
	int err;
} errnos[] = {
    {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EFBIG", EFBIG},	      {"EIO", EIO},
    {"ENODEV", ENODEV}, {"ENXIO", ENXIO},   {"ENOMEDIUM", ENOMEDIUM}, {"EROFS", EROFS},
};

#define KILL_ERR (-1)

static struct {
	int ready, armed, fired, over;
	char globs[4096];
	unsigned kinds;
	unsigned long after, times, seen, failed;
	long long bytes; /* -1: count calls */
	long long partial;
	int err;
	char remount[PATH_MAX];
	int logfd;
} cfg;

/* The next definition of each interposed call (libc's, or a sanitizer's loaded before us). */
enum next {
	N_OPENAT,
	N_WRITE,
	N_PWRITE,
	N_READ,
	N_FSYNC,
	N_FDATASYNC,
	N_SYNCFS,
	N_RENAMEAT2,
	N_RENAMEAT,
	N_RENAME,
	N_LINKAT,
	N_LINK,
	N_UNLINKAT,
	N_FTRUNCATE,
	N_CLOSE,
	N_COUNT
};
static const char *const next_names[N_COUNT] = {
    "openat",	"write",  "pwrite", "read", "fsync",	"fdatasync", "syncfs", "renameat2",
    "renameat", "rename", "linkat", "link", "unlinkat", "ftruncate", "close",
};
static void *next_fn[N_COUNT];

static void *next(enum next which)
{
	if (next_fn[which] == NULL)
		next_fn[which] = dlsym(RTLD_NEXT, next_names[which]);
	/* Nothing sensible can go on without the real call. */
	if (next_fn[which] == NULL)
		abort();
	return next_fn[which];
}

#define REAL(ret, which, args) ((ret(*) args)next(which))

static unsigned long env_number(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (v == NULL || *v == '\0')
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0') {
		fprintf(stderr, "faultshim: %s is not a number\n", name);
		abort();
	}
	return n;
}

static void setup(void)
{
	const char *v;

	if (cfg.ready)
		return;
	cfg.ready = 1;
	cfg.logfd = -1;
	v = getenv("FAULT_PATH");
	if (v == NULL || *v == '\0' || strlen(v) >= sizeof(cfg.globs))
		return;
	memcpy(cfg.globs, v, strlen(v) + 1);
	v = getenv("FAULT_OP");
	for (const char *p = v ? v : "mutate"; *p != '\0';) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
			if (strlen(kind_names[i].name) == n &&
			    strncmp(kind_names[i].name, p, n) == 0)
				break;
		if (i == sizeof(kind_names) / sizeof(kind_names[0])) {
			fprintf(stderr, "faultshim: unknown FAULT_OP kind in '%s'\n", v);
			abort();
		}
		cfg.kinds |= kind_names[i].kinds;
		p += n;
		if (*p == ',')
			p++;
	}
	cfg.after = env_number("FAULT_AFTER", 0);
	cfg.times = env_number("FAULT_TIMES", 0);
	cfg.bytes = getenv("FAULT_BYTES") ? (long long)env_number("FAULT_BYTES", 0) : -1;
	cfg.partial = (long long)env_number("FAULT_PARTIAL", 0);
	v = getenv("FAULT_ERRNO");
	cfg.err = EIO;
	if (v != NULL && strcmp(v, "KILL") == 0) {
		cfg.err = KILL_ERR;
	} else if (v != NULL) {
		size_t i;

		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (strcmp(errnos[i].name, v) == 0)
				break;
		if (i == sizeof(errnos) / sizeof(errnos[0])) {
			fprintf(stderr, "faultshim: unknown FAULT_ERRNO '%s'\n", v);
			abort();
		}
		cfg.err = errnos[i].err;
	}
	v = getenv("FAULT_REMOUNT");
	if (v != NULL && strlen(v) < sizeof(cfg.remount))
		memcpy(cfg.remount, v, strlen(v) + 1);
	v = getenv("FAULT_LOG");
	if (v != NULL && *v != '\0')
		cfg.logfd = REAL(int, N_OPENAT, (int, const char *, int, ...))(
		    AT_FDCWD, v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	cfg.armed = 1;
}

static void fd_path(int fd, char *out, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, out, len - 1);
	out[n > 0 ? n : 0] = '\0';
}

static void at_path(int dirfd, const char *name, char *out, size_t len)
{
	char dir[PATH_MAX];

	if (name == NULL) {
		out[0] = '\0';
		return;
	}
	if (name[0] == '/') {
		snprintf(out, len, "%s", name);
		return;
	}
	if (dirfd == AT_FDCWD) {
		if (getcwd(dir, sizeof(dir)) == NULL)
			dir[0] = '\0';
	} else {
		fd_path(dirfd, dir, sizeof(dir));
	}
	snprintf(out, len, "%s/%s", dir, name);
}

static int matches(const char *path)
{
	char globs[sizeof(cfg.globs)], *save = NULL;

	if (path[0] == '\0')
		return 0;
	memcpy(globs, cfg.globs, sizeof(globs));
	for (char *g = strtok_r(globs, ":", &save); g != NULL; g = strtok_r(NULL, ":", &save))
		if (fnmatch(g, path, 0) == 0)
			return 1;
	return 0;
}

static void log_call(const char *what, const char *path, int failed)
{
	char line[PATH_MAX + 96];
	int n;

	if (cfg.logfd < 0)
		return;
	n = snprintf(line, sizeof(line), "%lu %s %s%s\n", cfg.seen, what, path,
		     failed ? " FAULT" : "");
	if (n > 0)
		REAL(ssize_t, N_WRITE, (int, const void *, size_t))
	(cfg.logfd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* Whether this call, of this kind on these paths, fails. Writes in FAULT_BYTES mode are decided
 * by the caller; *cut receives how many of their bytes may still pass. */
static int decide(unsigned kind, const char *what, const char *p1, const char *p2, size_t n,
		  size_t *cut)
{
	const char *path;
	int fail;

	setup();
	if (!cfg.armed || cfg.over || !(cfg.kinds & kind))
		return 0;
	if (matches(p1))
		path = p1;
	else if (p2 != NULL && matches(p2))
		path = p2;
	else
		return 0;
	cfg.seen++;
	if (kind == K_WRITE && cfg.bytes >= 0) {
		unsigned long long left = (unsigned long long)cfg.bytes;

		fail = n > 0 && left == 0;
		if (!fail && n > left) {
			*cut = (size_t)left;
			cfg.bytes = 0;
		} else if (!fail) {
			cfg.bytes -= (long long)n;
		}
	} else {
		fail = cfg.seen > cfg.after;
	}
	log_call(what, path, fail);
	if (!fail)
		return 0;
	cfg.fired = 1;
	if (cfg.times != 0 && ++cfg.failed >= cfg.times)
		cfg.over = 1;
	return 1;
}

/* The fault itself: an errno, or the end of the process. */
static int fault(void)
{
	if (cfg.err == KILL_ERR) {
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
	errno = cfg.err;
	return -1;
}

static int do_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	char path[PATH_MAX];

	setup();
	if (cfg.armed) {
		at_path(dirfd, name, path, sizeof(path));
		/* A fresh medium in place of the failed one: the fault is over. */
		if (cfg.fired && !cfg.over && cfg.remount[0] != '\0' && (flags & O_DIRECTORY) &&
		    strcmp(path, cfg.remount) == 0)
			cfg.over = 1;
		if (decide((flags & O_CREAT) ? K_CREATE : K_OPEN,
			   (flags & O_CREAT) ? "create" : "open", path, NULL, 0, NULL))
			return fault();
	}
	return REAL(int, N_OPENAT, (int, const char *, int, ...))(dirfd, name, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, unsigned int) : 0;
}

/* The four variadic entry points differ only in their names and directory. */
#define OPEN_WRAPPER(fn, params, dir)                                                              \
	int fn params                                                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		mode_t mode;                                                                       \
                                                                                                   \
		va_start(ap, flags);                                                               \
		mode = mode_arg(flags, ap);                                                        \
		va_end(ap);                                                                        \
		return do_openat(dir, path, flags, mode);                                          \
	}

OPEN_WRAPPER(open, (const char *path, int flags, ...), AT_FDCWD)
OPEN_WRAPPER(open64, (const char *path, int flags, ...), AT_FDCWD)
OPEN_WRAPPER(openat, (int dirfd, const char *path, int flags, ...), dirfd)
OPEN_WRAPPER(openat64, (int dirfd, const char *path, int flags, ...), dirfd)

int __open_2(const char *path, int flags)
{
	return do_openat(AT_FDCWD, path, flags, 0);
}

int __openat_2(int dirfd, const char *path, int flags)
{
	return do_openat(dirfd, path, flags, 0);
}

static ssize_t do_write(int fd, const void *buf, size_t n, off_t off, int positioned)
{
	char path[PATH_MAX];
	size_t cut = n;

	setup();
	if (cfg.armed) {
		fd_path(fd, path, sizeof(path));
		if (decide(K_WRITE, "write", path, NULL, n, &cut)) {
			if (cfg.err == KILL_ERR && cfg.partial > 0) {
				size_t part = (size_t)cfg.partial < n ? (size_t)cfg.partial : n;
				ssize_t w =
				    positioned ? REAL(ssize_t, N_PWRITE,
						      (int, const void *, size_t, off_t))(fd, buf,
											  part, off)
					       : REAL(ssize_t, N_WRITE,
						      (int, const void *, size_t))(fd, buf, part);

				(void)w;
			}
			return fault();
		}
	}
	if (positioned)
		return REAL(ssize_t, N_PWRITE, (int, const void *, size_t, off_t))(fd, buf, cut,
										   off);
	return REAL(ssize_t, N_WRITE, (int, const void *, size_t))(fd, buf, cut);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return do_write(fd, buf, n, 0, 0);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return do_write(fd, buf, n, off, 1);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return do_write(fd, buf, n, off, 1);
}

/* A call on one descriptor: fails, or is made. */
#define FD_CALL(kind, what, fd, call)                                                              \
	do {                                                                                       \
		char path_[PATH_MAX];                                                              \
		setup();                                                                           \
		if (cfg.armed) {                                                                   \
			fd_path(fd, path_, sizeof(path_));                                         \
			if (decide(kind, what, path_, NULL, 0, NULL))                              \
				return fault();                                                    \
		}                                                                                  \
		return call;                                                                       \
	} while (0)

ssize_t read(int fd, void *buf, size_t n)
{
	FD_CALL(K_READ, "read", fd, REAL(ssize_t, N_READ, (int, void *, size_t))(fd, buf, n));
}

int fsync(int fd)
{
	FD_CALL(K_FSYNC, "fsync", fd, REAL(int, N_FSYNC, (int))(fd));
}

int fdatasync(int fd)
{
	FD_CALL(K_FSYNC, "fdatasync", fd, REAL(int, N_FDATASYNC, (int))(fd));
}

int syncfs(int fd)
{
	FD_CALL(K_FSYNC, "syncfs", fd, REAL(int, N_SYNCFS, (int))(fd));
}

int ftruncate(int fd, off_t len)
{
	FD_CALL(K_TRUNCATE, "truncate", fd, REAL(int, N_FTRUNCATE, (int, off_t))(fd, len));
}

int close(int fd)
{
	char path[PATH_MAX];
	int r;

	setup();
	if (!cfg.armed)
		return REAL(int, N_CLOSE, (int))(fd);
	fd_path(fd, path, sizeof(path));
	/* Linux releases the descriptor whatever close says: so does a failed medium. */
	r = REAL(int, N_CLOSE, (int))(fd);
	if (decide(K_CLOSE, "close", path, NULL, 0, NULL))
		return fault();
	return r;
}

/* A call on two names (rename, link): fails, or is made. */
static int two_names(const char *what, int od, const char *on, int nd, const char *nn)
{
	char p1[PATH_MAX], p2[PATH_MAX];

	setup();
	if (!cfg.armed)
		return 0;
	at_path(od, on, p1, sizeof(p1));
	at_path(nd, nn, p2, sizeof(p2));
	return decide(K_RENAME, what, p1, p2, 0, NULL);
}

int renameat2(int od, const char *on, int nd, const char *nn, unsigned int flags)
{
	if (two_names("rename", od, on, nd, nn))
		return fault();
	return REAL(int, N_RENAMEAT2,
		    (int, const char *, int, const char *, unsigned int))(od, on, nd, nn, flags);
}

int renameat(int od, const char *on, int nd, const char *nn)
{
	if (two_names("rename", od, on, nd, nn))
		return fault();
	return REAL(int, N_RENAMEAT, (int, const char *, int, const char *))(od, on, nd, nn);
}

int rename(const char *on, const char *nn)
{
	if (two_names("rename", AT_FDCWD, on, AT_FDCWD, nn))
		return fault();
	return REAL(int, N_RENAME, (const char *, const char *))(on, nn);
}

int linkat(int od, const char *on, int nd, const char *nn, int flags)
{
	if (two_names("link", od, on, nd, nn))
		return fault();
	return REAL(int, N_LINKAT, (int, const char *, int, const char *, int))(od, on, nd, nn,
										flags);
}

int link(const char *on, const char *nn)
{
	if (two_names("link", AT_FDCWD, on, AT_FDCWD, nn))
		return fault();
	return REAL(int, N_LINK, (const char *, const char *))(on, nn);
}

int unlinkat(int dirfd, const char *name, int flags)
{
	char path[PATH_MAX];

	setup();
	if (cfg.armed) {
		at_path(dirfd, name, path, sizeof(path));
		if (decide(K_UNLINK, "unlink", path, NULL, 0, NULL))
			return fault();
	}
	return REAL(int, N_UNLINKAT, (int, const char *, int))(dirfd, name, flags);
}

int unlink(const char *name)
{
	return unlinkat(AT_FDCWD, name, 0);
}
