#include "media/blockdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/error.h"

/* --- superblocks ---------------------------------------------------------------------------- */

static int read_at(int fd, unsigned char *buf, size_t n, off_t off)
{
	size_t have = 0;

	while (have < n) {
		ssize_t r = pread(fd, buf + have, n - have, off + (off_t)have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return 0;
}

/* A label as people see it: printable ASCII, '?' for anything else, trailing blanks and NULs
 * removed. */
static void set_label(char out[64], const unsigned char *raw, size_t n)
{
	size_t len = 0;

	if (n > 63)
		n = 63;
	for (size_t i = 0; i < n; i++)
		out[i] = (raw[i] >= 0x20 && raw[i] < 0x7f) ? (char)raw[i] : raw[i] ? '?' : ' ';
	for (size_t i = 0; i < n; i++)
		if (out[i] != ' ')
			len = i + 1;
	out[len] = '\0';
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int probe_iso9660(int fd, char fstype[16], char label[64])
{
	unsigned char pvd[2048];

	if (read_at(fd, pvd, sizeof(pvd), 16 * 2048) != 0)
		return 0;
	if (pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0 || pvd[6] != 1)
		return 0;
	memcpy(fstype, "iso9660", 8);
	set_label(label, pvd + 40, 32);
	return 1;
}

static int probe_ext(int fd, char fstype[16], char label[64])
{
	unsigned char sb[1024];

	if (read_at(fd, sb, sizeof(sb), 1024) != 0 || le16(sb + 56) != 0xef53)
		return 0;
	memcpy(fstype, "ext4", 5);
	set_label(label, sb + 120, 16);
	return 1;
}

static int probe_vfat(int fd, char fstype[16], char label[64])
{
	unsigned char bs[512];
	unsigned bps, spc;
	const unsigned char *ext;

	if (read_at(fd, bs, sizeof(bs), 0) != 0 || bs[510] != 0x55 || bs[511] != 0xaa)
		return 0;
	bps = le16(bs + 11);
	spc = bs[13];
	if ((bps != 512 && bps != 1024 && bps != 2048 && bps != 4096) || spc == 0 ||
	    (spc & (spc - 1)) != 0 || le16(bs + 14) == 0 || bs[16] == 0)
		return 0;
	/* FAT32 has no 16-bit FAT size; its extended BPB starts 28 bytes later. */
	ext = le16(bs + 22) == 0 ? bs + 64 : bs + 36;
	if (memcmp(ext + 18, "FAT", 3) != 0)
		return 0;
	memcpy(fstype, "vfat", 5);
	label[0] = '\0';
	if (ext[2] == 0x29 && memcmp(ext + 7, "NO NAME    ", 11) != 0)
		set_label(label, ext + 7, 11);
	return 1;
}

enum media_err media_probe_fs(int fd, char fstype[16], char label[64])
{
	unsigned char probe[1];

	fstype[0] = label[0] = '\0';
	if (read_at(fd, probe, 1, 0) != 0)
		return MEDIA_E_IO;
	if (probe_iso9660(fd, fstype, label) || probe_ext(fd, fstype, label) ||
	    probe_vfat(fd, fstype, label))
		return MEDIA_OK;
	return MEDIA_E_FSTYPE;
}

/* --- sysfs ---------------------------------------------------------------------------------- */

/* out = a "/" b; -1 (out empty) when it does not fit. */
static int join(char *out, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	out[0] = '\0';
	if (la + 1 + lb + 1 > n)
		return -1;
	memcpy(out, a, la);
	out[la] = '/';
	memcpy(out + la + 1, b, lb + 1);
	return 0;
}

/* The first line of a small sysfs file, without its newline; -1 if absent. */
static int read_line(const char *path, char *out, size_t outlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	char *nl;

	out[0] = '\0';
	if (fd < 0)
		return -1;
	n = read(fd, out, outlen - 1);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = '\0';
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static unsigned long long read_number(const char *path)
{
	char buf[32], *end;
	unsigned long long v;

	if (read_line(path, buf, sizeof(buf)) != 0)
		return 0;
	v = strtoull(buf, &end, 10);
	return (end == buf || *end != '\0') ? 0 : v;
}

static int kernel_name_ok(const char *name)
{
	size_t n = strnlen(name, 32);

	if (n == 0 || n >= 32 || name[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* The serial number: the nearest "serial" file from the disk's device upwards (a USB stick's
 * is on its USB device, a few levels above the SCSI disk). */
static void find_serial(const char *sysfs_root, const char *disk, char serial[64])
{
	char path[PATH_MAX], real[PATH_MAX], raw[64];

	serial[0] = '\0';
	snprintf(path, sizeof(path), "%s/block/%s/device", sysfs_root, disk);
	if (realpath(path, real) == NULL)
		return;
	for (int level = 0; level < 8; level++) {
		char *slash;

		join(path, sizeof(path), real, "serial");
		if (read_line(path, raw, sizeof(raw)) == 0 && raw[0] != '\0') {
			set_label(serial, (const unsigned char *)raw, strlen(raw));
			return;
		}
		slash = strrchr(real, '/');
		if (slash == NULL || slash == real)
			return;
		*slash = '\0';
	}
}

/* Undoes mountinfo's octal escapes (\040 for a space and so on). */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* The mount point of device maj:min in /proc/self/mountinfo, if mounted. */
static void find_mount(const char *majmin, char mountpoint[256])
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	mountpoint[0] = '\0';
	if (f == NULL || majmin[0] == '\0') {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *save = NULL, *field[5];
		int i;

		field[0] = strtok_r(line, " ", &save);
		for (i = 1; i < 5 && field[i - 1] != NULL; i++)
			field[i] = strtok_r(NULL, " ", &save);
		if (i < 5 || field[4] == NULL || strcmp(field[2], majmin) != 0)
			continue;
		unescape(field[4]);
		if (strlen(field[4]) < 256) {
			memcpy(mountpoint, field[4], strlen(field[4]) + 1);
			break;
		}
	}
	fclose(f);
}

/* Fills one entry from sysfs dir (a disk's or a partition's). */
static void fill(struct media_device *d, const char *sysdir, const char *dev_root, const char *name,
		 const char *disk, int partition, int removable)
{
	char path[PATH_MAX], majmin[32];
	int fd;

	memset(d, 0, sizeof(*d));
	memcpy(d->name, name, strlen(name) + 1);
	memcpy(d->disk, disk, strlen(disk) + 1);
	join(d->node, sizeof(d->node), dev_root, name);
	d->partition = partition;
	d->removable = removable;
	join(path, sizeof(path), sysdir, "size");
	d->size = read_number(path) * 512u;
	join(path, sizeof(path), sysdir, "ro");
	d->readonly = read_number(path) != 0;
	join(path, sizeof(path), sysdir, "dev");
	if (read_line(path, majmin, sizeof(majmin)) == 0)
		find_mount(majmin, d->mountpoint);
	fd = open(d->node, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0) {
		media_probe_fs(fd, d->fstype, d->label);
		close(fd);
	}
}

enum media_err media_devices_scan(const char *sysfs_root, const char *dev_root, unsigned flags,
				  struct media_device *out, size_t max, size_t *count)
{
	char path[PATH_MAX], real[PATH_MAX];
	DIR *blocks;
	struct dirent *e;
	size_t n = 0;

	*count = 0;
	join(path, sizeof(path), sysfs_root, "block");
	blocks = opendir(path);
	if (blocks == NULL)
		return MEDIA_E_IO;
	while ((e = readdir(blocks)) != NULL) {
		char diskdir[PATH_MAX];
		int removable;
		DIR *parts;
		struct dirent *p;

		if (!kernel_name_ok(e->d_name))
			continue;
		snprintf(diskdir, sizeof(diskdir), "%s/block/%s", sysfs_root, e->d_name);
		join(path, sizeof(path), diskdir, "removable");
		/* Some USB sticks claim not to be removable; their path says otherwise. */
		removable = read_number(path) != 0 ||
			    (realpath(diskdir, real) != NULL && strstr(real, "/usb") != NULL);
		join(path, sizeof(path), diskdir, "size");
		if ((!removable && !(flags & MEDIA_LIST_ALL)) || read_number(path) == 0)
			continue;
		if (n < max)
			fill(&out[n], diskdir, dev_root, e->d_name, e->d_name, 0, removable);
		n++;
		if (n < max)
			find_serial(sysfs_root, e->d_name, out[n - 1].serial);
		parts = opendir(diskdir);
		if (parts == NULL)
			continue;
		while ((p = readdir(parts)) != NULL) {
			char partdir[PATH_MAX];
			struct stat st;

			if (!kernel_name_ok(p->d_name))
				continue;
			if (join(partdir, sizeof(partdir), diskdir, p->d_name) != 0)
				continue;
			join(path, sizeof(path), partdir, "partition");
			if (stat(path, &st) != 0)
				continue;
			if (n < max) {
				fill(&out[n], partdir, dev_root, p->d_name, e->d_name, 1,
				     removable);
				find_serial(sysfs_root, e->d_name, out[n].serial);
			}
			n++;
		}
		closedir(parts);
	}
	closedir(blocks);
	*count = n;
	return MEDIA_OK;
}

enum media_err media_devices(unsigned flags, struct media_device *out, size_t max, size_t *count)
{
	return media_devices_scan("/sys", "/dev", flags, out, max, count);
}

/* --- mounting ------------------------------------------------------------------------------- */

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

enum media_err media_mount(const char *node, const char *mountpoint, int writable)
{
	char fstype[16], label[64];
	unsigned long flags = MS_NODEV | MS_NOSUID | MS_NOEXEC | MS_NOSYMFOLLOW;
	const char *data = NULL;
	struct stat st;
	int fd, ret;

	fd = open(node, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == EACCES || errno == EPERM ? MEDIA_E_PERM : MEDIA_E_DEVICE;
	if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode)) {
		close(fd);
		return MEDIA_E_DEVICE;
	}
	ret = media_probe_fs(fd, fstype, label);
	close(fd);
	if (ret != MEDIA_OK)
		return ret == MEDIA_E_IO ? MEDIA_E_DEVICE : ret;
	if (strcmp(fstype, "iso9660") == 0 && writable)
		return MEDIA_E_READONLY;
	if (!writable)
		flags |= MS_RDONLY;
	if (strcmp(fstype, "vfat") == 0)
		data = "utf8,shortname=mixed,errors=remount-ro";
	else if (strcmp(fstype, "ext4") == 0)
		data = "errors=remount-ro";
	if (mkdir(mountpoint, 0700) != 0 && errno != EEXIST)
		return errno == EACCES || errno == EPERM ? MEDIA_E_PERM : MEDIA_E_MOUNT;
	if (lstat(mountpoint, &st) != 0 || !S_ISDIR(st.st_mode))
		return MEDIA_E_NOTDIR;
	if (mount(node, mountpoint, fstype, flags, data) != 0) {
		/* Older kernels refuse nosymfollow: the other flags are what matters. */
		if (errno == EINVAL && mount(node, mountpoint, fstype,
					     flags & ~(unsigned long)MS_NOSYMFOLLOW, data) == 0)
			return MEDIA_OK;
		return errno == EPERM || errno == EACCES ? MEDIA_E_PERM : MEDIA_E_MOUNT;
	}
	return MEDIA_OK;
}

enum media_err media_unmount(const char *mountpoint)
{
	int fd = open(mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW), synced = 1;

	if (fd >= 0) {
		synced = syncfs(fd) == 0;
		close(fd);
	}
	if (umount2(mountpoint, UMOUNT_NOFOLLOW) != 0) {
		if (errno == EBUSY)
			return MEDIA_E_BUSY;
		if (errno == ENOENT || errno == ENOTDIR)
			return MEDIA_E_NOENT;
		return errno == EPERM ? MEDIA_E_PERM : MEDIA_E_IO;
	}
	/* Unmounted, but a failed sync means the data may not all be on the medium. */
	return synced ? MEDIA_OK : MEDIA_E_IO;
}
