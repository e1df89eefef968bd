/* Media: atomic writes, SHA256SUMS, the directory backend under injected faults (full medium,
 * I/O errors, removal mid-write, read-back mismatch), verification, and device discovery and
 * superblock probing on a fake sysfs with crafted images. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media/atomic.h"
#include "media/blockdev.h"
#include "media/error.h"
#include "media/fault.h"
#include "media/manifest.h"
#include "media/medium.h"
#include "media/util.h"

/* --- scratch directories -------------------------------------------------------------------- */

static char *scratch(void)
{
	char tmpl[] = "/tmp/media-test.XXXXXX", *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[4096];

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		remove_tree(p);
	}
	closedir(d);
	rmdir(path);
}

static int teardown(void **state)
{
	media_fault_clear();
	remove_tree(*state);
	free(*state);
	return 0;
}

static int setup(void **state)
{
	*state = scratch();
	return 0;
}

/* Names in dir, sorted, comma-separated ("" for none). */
static void listing(const char *dir, char *out, size_t outlen)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t used = 0;

	out[0] = '\0';
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' ||
		    (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0))
			used += (size_t)snprintf(out + used, outlen - used, "%s%s", used ? "," : "",
						 names[i]->d_name);
		free(names[i]);
	}
	free(names);
}

static void put_file(const char *dir, const char *name, const char *content)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "wb");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static struct media_medium *open_rw(const char *dir)
{
	struct media_medium *m;

	assert_int_equal(media_open_dir(dir, 1, &m), MEDIA_OK);
	return m;
}

/* --- atomic writes and the manifest --------------------------------------------------------- */

static void test_names(void **state)
{
	char longname[MEDIA_NAME_MAX + 2];

	(void)state;
	assert_true(media_name_ok("root-ca.crt"));
	assert_true(media_name_ok("A_b.9"));
	assert_false(media_name_ok(""));
	assert_false(media_name_ok(".hidden"));
	assert_false(media_name_ok("a/b"));
	assert_false(media_name_ok(".."));
	assert_false(media_name_ok("sp ace"));
	assert_false(media_name_ok("caf\xc3\xa9"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(media_name_ok(longname));
	longname[MEDIA_NAME_MAX] = '\0';
	assert_true(media_name_ok(longname));
}

static void test_write_read_verify(void **state)
{
	const char *dir = *state;
	struct media_medium *m = open_rw(dir);
	unsigned char *out;
	size_t len;
	int listed;
	char ls[512], p[4096];
	struct stat st;

	assert_int_equal(media_write(m, "a.txt", (const unsigned char *)"alpha\n", 6), MEDIA_OK);
	assert_int_equal(media_write(m, "empty", (const unsigned char *)"", 0), MEDIA_OK);
	assert_int_equal(media_write(m, "a.txt", (const unsigned char *)"other", 5),
			 MEDIA_E_EXISTS);
	assert_int_equal(media_write(m, "SHA256SUMS", (const unsigned char *)"x", 1), MEDIA_E_NAME);
	assert_int_equal(media_write(m, "../x", (const unsigned char *)"x", 1), MEDIA_E_NAME);
	listing(dir, ls, sizeof(ls));
	assert_string_equal(ls, "SHA256SUMS,a.txt,empty");
	/* Files are read-only once written. */
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0444);

	assert_int_equal(media_read(m, "a.txt", 100, 0, &out, &len, &listed), MEDIA_OK);
	assert_int_equal(len, 6);
	assert_memory_equal(out, "alpha\n", 6);
	assert_int_equal(listed, 1);
	free(out);
	assert_int_equal(media_read(m, "a.txt", 5, 0, &out, &len, &listed), MEDIA_E_TOOBIG);
	assert_int_equal(media_read(m, "nope", 5, 0, &out, &len, &listed), MEDIA_E_NOENT);
	assert_int_equal(media_read(m, "a.txt", 100, MEDIA_READ_SECRET, &out, &len, NULL),
			 MEDIA_OK);
	media_sfree(out);
	assert_int_equal(media_verify(m, NULL, NULL), MEDIA_OK);

	/* A file put there by someone else: never replaced, readable but unlisted. */
	put_file(dir, "foreign.csr", "csr");
	assert_int_equal(media_write(m, "foreign.csr", (const unsigned char *)"x", 1),
			 MEDIA_E_EXISTS);
	assert_int_equal(media_read(m, "foreign.csr", 100, 0, &out, &len, &listed), MEDIA_OK);
	assert_int_equal(listed, 0);
	free(out);
	assert_int_equal(media_read(m, "foreign.csr", 100, MEDIA_READ_LISTED, &out, &len, NULL),
			 MEDIA_E_UNLISTED);
	assert_int_equal(media_verify(m, NULL, NULL), MEDIA_E_UNLISTED);
	assert_int_equal(media_close(m), MEDIA_OK);

	/* Read-only opening refuses writes. */
	assert_int_equal(media_open_dir(dir, 0, &m), MEDIA_OK);
	assert_int_equal(media_write(m, "b", (const unsigned char *)"b", 1), MEDIA_E_READONLY);
	assert_int_equal(media_close(m), MEDIA_OK);
	assert_int_equal(media_open_dir("/nonexistent/dir", 0, &m), MEDIA_E_NOENT);
	snprintf(p, sizeof(p), "%s/a.txt", dir);
	assert_int_equal(media_open_dir(p, 0, &m), MEDIA_E_NOTDIR);
}

/* What sha256sum(1) would write. */
static void test_manifest_format(void **state)
{
	const char *dir = *state;
	struct media_medium *m = open_rw(dir);
	unsigned char *out;
	size_t len;

	assert_int_equal(media_write(m, "abc", (const unsigned char *)"abc", 3), MEDIA_OK);
	assert_int_equal(media_read(m, "SHA256SUMS", 1000, 0, &out, &len, NULL), MEDIA_OK);
	assert_int_equal(len, 64 + 2 + 3 + 1);
	assert_memory_equal(
	    out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n", len);
	free(out);
	media_close(m);
}

static void test_manifest_parse(void **state)
{
	static const char *const bad[] = {
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad abc\n",
	    "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD  abc\n",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\r\n",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  .abc\n",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015  abc\n",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n"
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n",
	    "\n",
	    "# comment\n",
	};
	static const char good[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n";
	struct media_manifest man;
	char *text;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(
		    media_manifest_parse((const unsigned char *)bad[i], strlen(bad[i]), &man),
		    MEDIA_E_MANIFEST);
	assert_int_equal(media_manifest_parse((const unsigned char *)good, strlen(good), &man),
			 MEDIA_OK);
	assert_int_equal(man.count, 2);
	assert_non_null(media_manifest_find(&man, "empty"));
	assert_null(media_manifest_find(&man, "none"));
	assert_int_equal(media_manifest_format(&man, &text, &len), MEDIA_OK);
	assert_string_equal(text, good);
	free(text);
	assert_int_equal(media_manifest_add(&man, "abc", man.entries[0].sha256), MEDIA_E_EXISTS);
	assert_int_equal(media_manifest_add(&man, "SHA256SUMS", man.entries[0].sha256),
			 MEDIA_E_NAME);
	media_manifest_free(&man);
	assert_int_equal(media_manifest_parse((const unsigned char *)"", 0, &man), MEDIA_OK);
	assert_int_equal(man.count, 0);
}

/* Three files written, then one changed, one deleted, an unfinished write and a stray file put
 * next to them, and a directory. */
static void damage(const char *dir, struct media_medium *m)
{
	char p[4096];

	assert_int_equal(media_write(m, "keep", (const unsigned char *)"keep", 4), MEDIA_OK);
	assert_int_equal(media_write(m, "tamper", (const unsigned char *)"good", 4), MEDIA_OK);
	assert_int_equal(media_write(m, "gone", (const unsigned char *)"gone", 4), MEDIA_OK);
	snprintf(p, sizeof(p), "%s/tamper", dir);
	chmod(p, 0644);
	put_file(dir, "tamper", "evil");
	snprintf(p, sizeof(p), "%s/gone", dir);
	unlink(p);
	put_file(dir, ".x.0123456789abcdef.tmp", "half");
	put_file(dir, "stray", "stray");
	snprintf(p, sizeof(p), "%s/lost+found", dir);
	mkdir(p, 0700);
}

static void test_verify_reports(void **state)
{
	const char *dir = *state;
	struct media_medium *m = open_rw(dir);
	char p[4096];

	damage(dir, m);
	assert_int_equal(media_verify(m, NULL, NULL), MEDIA_E_MISMATCH);
	/* Reading the tampered file is refused; the good one is fine. */
	{
		unsigned char *out;
		size_t len;

		assert_int_equal(media_read(m, "tamper", 100, 0, &out, &len, NULL),
				 MEDIA_E_MISMATCH);
		assert_null(out);
		assert_int_equal(media_read(m, "keep", 100, MEDIA_READ_LISTED, &out, &len, NULL),
				 MEDIA_OK);
		free(out);
	}
	/* A malformed manifest stops writes and verification. */
	snprintf(p, sizeof(p), "%s/SHA256SUMS", dir);
	chmod(p, 0644);
	put_file(dir, "SHA256SUMS", "garbage\n");
	assert_int_equal(media_verify(m, NULL, NULL), MEDIA_E_MANIFEST);
	assert_int_equal(media_write(m, "new", (const unsigned char *)"n", 1), MEDIA_E_MANIFEST);
	snprintf(p, sizeof(p), "%s/new", dir);
	assert_int_equal(access(p, F_OK), -1);
	media_close(m);
}

/* Records what media_verify reports. */
struct seen {
	char names[8][64];
	int status[8];
	int n;
};

static void record(void *ctx, const char *name, int status)
{
	struct seen *s = ctx;

	if (s->n < 8) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->status[s->n++] = status;
	}
}

static int status_of(const struct seen *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return s->status[i];
	return -1;
}

static void test_verify_each(void **state)
{
	const char *dir = *state;
	struct media_medium *m = open_rw(dir);
	struct seen s = {.n = 0};

	damage(dir, m);
	assert_int_equal(media_verify(m, record, &s), MEDIA_E_MISMATCH);
	assert_int_equal(s.n, 5);
	assert_int_equal(status_of(&s, "keep"), MEDIA_OK);
	assert_int_equal(status_of(&s, "tamper"), MEDIA_E_MISMATCH);
	assert_int_equal(status_of(&s, "gone"), MEDIA_E_MISSING);
	assert_int_equal(status_of(&s, ".x.0123456789abcdef.tmp"), MEDIA_E_INCOMPLETE);
	assert_int_equal(status_of(&s, "stray"), MEDIA_E_UNLISTED);
	media_close(m);
}

/* A link, a FIFO or a directory where a listed file should be is named as such, not reported
 * missing, and the FIFO does not hang the reader. */
static void test_not_regular(void **state)
{
	const char *dir = *state;
	struct media_medium *m = open_rw(dir);
	struct seen s = {.n = 0};
	char p[4096];
	unsigned char *out;
	size_t len;

	for (const char *n = "abc"; *n; n++) {
		char name[2] = {*n, 0};

		assert_int_equal(media_write(m, name, (const unsigned char *)"x", 1), MEDIA_OK);
		snprintf(p, sizeof(p), "%s/%s", dir, name);
		assert_int_equal(unlink(p), 0);
	}
	snprintf(p, sizeof(p), "%s/a", dir);
	assert_int_equal(symlink("/etc/hostname", p), 0);
	snprintf(p, sizeof(p), "%s/b", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/c", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	for (const char *n = "abc"; *n; n++) {
		char name[2] = {*n, 0};

		assert_int_equal(media_read(m, name, 100, 0, &out, &len, NULL), MEDIA_E_NOTREG);
	}
	assert_int_equal(media_verify(m, record, &s), MEDIA_E_NOTREG);
	assert_int_equal(status_of(&s, "a"), MEDIA_E_NOTREG);
	assert_int_equal(status_of(&s, "b"), MEDIA_E_NOTREG);
	assert_int_equal(status_of(&s, "c"), MEDIA_E_NOTREG);
	/* A manifest that is a link stops writes, rather than counting as no manifest. */
	snprintf(p, sizeof(p), "%s/SHA256SUMS", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(symlink("/etc/hostname", p), 0);
	assert_int_equal(media_write(m, "d", (const unsigned char *)"d", 1),
			 MEDIA_E_MANIFEST_NOTREG);
	snprintf(p, sizeof(p), "%s/d", dir);
	assert_int_equal(access(p, F_OK), -1);
	media_close(m);
}

static void record_name(void *ctx, const char *name)
{
	record(ctx, name, MEDIA_E_INCOMPLETE);
}

/* A complete file left under a temporary name (a crash between fsync and rename) is no file. */
static void test_unfinished(void **state)
{
	const char *dir = *state;
	struct media_medium *m = open_rw(dir);
	struct seen s = {.n = 0};
	unsigned char *out = NULL;
	size_t len = 0;
	int listed = 0;

	assert_true(media_temp_name(".a.share.0123456789abcdef.tmp"));
	assert_true(media_temp_name(".x.tmp"));
	assert_false(media_temp_name(".tmp"));
	assert_false(media_temp_name("a.tmp"));
	assert_false(media_temp_name(".profile"));
	assert_int_equal(media_write(m, "kept", (const unsigned char *)"k", 1), MEDIA_OK);
	put_file(dir, ".a.share.0123456789abcdef.tmp", "complete content");
	put_file(dir, ".b.tmp", "x");
	assert_int_equal(
	    media_read(m, ".a.share.0123456789abcdef.tmp", 1024, 0, &out, &len, &listed),
	    MEDIA_E_INCOMPLETE);
	assert_null(out);
	assert_int_equal(media_leftovers(m, record_name, &s), MEDIA_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(status_of(&s, ".a.share.0123456789abcdef.tmp"), MEDIA_E_INCOMPLETE);
	assert_int_equal(status_of(&s, ".b.tmp"), MEDIA_E_INCOMPLETE);
	s.n = 0;
	assert_int_equal(media_verify(m, record, &s), MEDIA_E_INCOMPLETE);
	assert_int_equal(status_of(&s, "kept"), MEDIA_OK);
	assert_int_equal(status_of(&s, ".b.tmp"), MEDIA_E_INCOMPLETE);
	media_close(m);
}

/* --- faults --------------------------------------------------------------------------------- */

/* After a failed write: no such file, no temporary file, the manifest as before; and the same
 * write succeeds on another medium. */
static void after_failure(const char *dir, const char *before, const unsigned char *data,
			  size_t len)
{
	char ls[512], other[] = "/tmp/media-other.XXXXXX";
	struct media_medium *m;

	media_fault_clear();
	listing(dir, ls, sizeof(ls));
	assert_string_equal(ls, before);
	assert_non_null(mkdtemp(other));
	m = open_rw(other);
	assert_int_equal(media_write(m, "big.bin", data, len), MEDIA_OK);
	assert_int_equal(media_verify(m, NULL, NULL), MEDIA_OK);
	media_close(m);
	remove_tree(other);
}

static void fault_case(const char *dir, enum media_fault_op op, size_t after, int err, int want)
{
	unsigned char data[10000];
	struct media_medium *m = open_rw(dir);
	char before[512];

	randombytes_buf(data, sizeof(data));
	assert_int_equal(media_write(m, "first", (const unsigned char *)"1", 1), MEDIA_OK);
	listing(dir, before, sizeof(before));
	media_fault_set(op, after, err);
	assert_int_equal(media_write(m, "big.bin", data, sizeof(data)), want);
	media_fault_clear();
	assert_int_equal(media_verify(m, NULL, NULL), MEDIA_OK);
	media_close(m);
	after_failure(dir, before, data, sizeof(data));
}

static void test_fault_full(void **state)
{
	fault_case(*state, MEDIA_FAULT_WRITE, 4096, ENOSPC, MEDIA_E_NOSPACE);
}

static void test_fault_eio_write(void **state)
{
	fault_case(*state, MEDIA_FAULT_WRITE, 0, EIO, MEDIA_E_IO);
}

static void test_fault_fsync(void **state)
{
	fault_case(*state, MEDIA_FAULT_FSYNC, 0, EIO, MEDIA_E_IO);
}

static void test_fault_rename(void **state)
{
	fault_case(*state, MEDIA_FAULT_RENAME, 0, EIO, MEDIA_E_IO);
}

/* The directory fsync after the rename fails: the new name is taken back. */
static void test_fault_dir_fsync(void **state)
{
	fault_case(*state, MEDIA_FAULT_FSYNC, 1, EIO, MEDIA_E_IO);
}

static void test_fault_readback(void **state)
{
	fault_case(*state, MEDIA_FAULT_READBACK, 0, 0, MEDIA_E_READBACK);
}

/* The file is in, the manifest update fails: the file goes again, the manifest is restored. */
static void test_fault_manifest(void **state)
{
	/* fsync calls: file, directory (file in place), then the manifest's file fsync. */
	fault_case(*state, MEDIA_FAULT_FSYNC, 2, EIO, MEDIA_E_IO);
}

/* Removal mid-write: everything fails from the middle of the data on. Whatever is left is a
 * temporary file; verification says so; another medium takes the write. */
static void test_fault_removed(void **state)
{
	const char *dir = *state;
	unsigned char data[10000];
	struct media_medium *m = open_rw(dir);
	struct seen s = {.n = 0};
	char ls[512], other[] = "/tmp/media-other.XXXXXX";

	randombytes_buf(data, sizeof(data));
	assert_int_equal(media_write(m, "first", (const unsigned char *)"1", 1), MEDIA_OK);
	/* A few calls in (reading the manifest, creating the temporary file), then nothing. */
	media_fault_set(MEDIA_FAULT_ALL, 4, ENODEV);
	assert_int_equal(media_write(m, "big.bin", data, sizeof(data)), MEDIA_E_GONE);
	media_fault_clear();
	listing(dir, ls, sizeof(ls));
	assert_null(strstr(ls, "big.bin,"));
	assert_false(strlen(ls) >= 7 && strcmp(ls + strlen(ls) - 7, "big.bin") == 0);
	assert_int_equal(media_verify(m, record, &s), MEDIA_E_INCOMPLETE);
	media_close(m);
	assert_non_null(mkdtemp(other));
	m = open_rw(other);
	assert_int_equal(media_write(m, "big.bin", data, sizeof(data)), MEDIA_OK);
	media_close(m);
	remove_tree(other);
}

/* --- devices -------------------------------------------------------------------------------- */

static void write_bytes(const char *path, off_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
	close(fd);
}

/* A FAT32 boot sector labelled CUSTODIAN1. */
static void make_vfat(const char *path)
{
	unsigned char bs[512] = {0xeb, 0x58, 0x90, 'm', 'k', 'f', 's', '.', 'f', 'a', 't'};

	bs[11] = 0x00; /* 512 bytes per sector */
	bs[12] = 0x02;
	bs[13] = 8;    /* sectors per cluster */
	bs[14] = 32;   /* reserved sectors */
	bs[16] = 2;    /* FATs */
	bs[66] = 0x29; /* extended boot signature */
	memcpy(bs + 71, "CUSTODIAN1 ", 11);
	memcpy(bs + 82, "FAT32   ", 8);
	bs[510] = 0x55;
	bs[511] = 0xaa;
	write_bytes(path, 0, bs, sizeof(bs));
	write_bytes(path, 65535, "", 1);
}

static void make_ext4(const char *path, const char *label)
{
	unsigned char sb[1024] = {0};

	sb[56] = 0x53;
	sb[57] = 0xef;
	memcpy(sb + 120, label, strlen(label));
	write_bytes(path, 1024, sb, sizeof(sb));
}

static void make_iso(const char *path)
{
	unsigned char pvd[2048];

	memset(pvd, ' ', sizeof(pvd));
	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	pvd[6] = 1;
	memcpy(pvd + 40, "TRANSCRIPT_2026", 15);
	write_bytes(path, 16 * 2048, pvd, sizeof(pvd));
}

static void expect_fs(const char *path, const char *fstype, const char *label)
{
	char t[16], l[64];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(media_probe_fs(fd, t, l), MEDIA_OK);
	close(fd);
	assert_string_equal(t, fstype);
	assert_string_equal(l, label);
}

static void test_probe(void **state)
{
	const char *dir = *state;
	char path[4096], fstype[16], label[64];
	int fd;

	snprintf(path, sizeof(path), "%s/fat.img", dir);
	make_vfat(path);
	expect_fs(path, "vfat", "CUSTODIAN1");
	snprintf(path, sizeof(path), "%s/ext.img", dir);
	make_ext4(path, "AUDIT\x01");
	expect_fs(path, "ext4", "AUDIT?");
	snprintf(path, sizeof(path), "%s/iso.img", dir);
	make_iso(path);
	expect_fs(path, "iso9660", "TRANSCRIPT_2026");

	snprintf(path, sizeof(path), "%s/zero.img", dir);
	write_bytes(path, 65535, "", 1);
	fd = open(path, O_RDONLY);
	assert_int_equal(media_probe_fs(fd, fstype, label), MEDIA_E_FSTYPE);
	close(fd);
	assert_int_equal(media_mount(path, "/nonexistent-mnt", 0), MEDIA_E_DEVICE);
}

static void mk(const char *root, const char *rel, const char *content)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (content == NULL) {
		assert_int_equal(mkdir(p, 0755), 0);
		return;
	}
	put_file(root, rel, content);
}

static void test_discovery(void **state)
{
	const char *dir = *state;
	struct media_device d[8];
	size_t n;
	char dev[4096];

	mk(dir, "sys", NULL);
	mk(dir, "sys/block", NULL);
	mk(dir, "sys/block/sda", NULL);
	mk(dir, "sys/block/sda/removable", "0\n");
	mk(dir, "sys/block/sda/size", "1000000\n");
	mk(dir, "sys/block/sdb", NULL);
	mk(dir, "sys/block/sdb/removable", "1\n");
	mk(dir, "sys/block/sdb/size", "7864320\n");
	mk(dir, "sys/block/sdb/ro", "0\n");
	mk(dir, "sys/block/sdb/dev", "8:16\n");
	mk(dir, "sys/block/sdb/device", NULL);
	mk(dir, "sys/block/sdb/device/serial", "AA0012\x07X\n");
	mk(dir, "sys/block/sdb/sdb1", NULL);
	mk(dir, "sys/block/sdb/sdb1/partition", "1\n");
	mk(dir, "sys/block/sdb/sdb1/size", "7862272\n");
	mk(dir, "sys/block/sdb/sdb1/dev", "8:17\n");
	mk(dir, "sys/block/loop0", NULL);
	mk(dir, "sys/block/loop0/removable", "0\n");
	mk(dir, "sys/block/loop0/size", "0\n");
	mk(dir, "dev", NULL);
	snprintf(dev, sizeof(dev), "%s/dev/sdb1", dir);
	make_vfat(dev);

	{
		char sys[4096], devroot[4096];

		snprintf(sys, sizeof(sys), "%s/sys", dir);
		snprintf(devroot, sizeof(devroot), "%s/dev", dir);
		assert_int_equal(media_devices_scan(sys, devroot, 0, d, 8, &n), MEDIA_OK);
		assert_int_equal(n, 2);
		for (size_t i = 0; i < n; i++) {
			assert_string_equal(d[i].serial, "AA0012?X");
			assert_true(d[i].removable);
			assert_string_equal(d[i].mountpoint, "");
			if (d[i].partition) {
				assert_string_equal(d[i].name, "sdb1");
				assert_string_equal(d[i].disk, "sdb");
				assert_int_equal(d[i].size, 7862272ull * 512);
				assert_string_equal(d[i].fstype, "vfat");
				assert_string_equal(d[i].label, "CUSTODIAN1");
			} else {
				assert_string_equal(d[i].name, "sdb");
				assert_string_equal(d[i].fstype, "");
			}
		}
		/* With every device: the fixed disk too, never the empty loop device. */
		assert_int_equal(media_devices_scan(sys, devroot, MEDIA_LIST_ALL, d, 8, &n),
				 MEDIA_OK);
		assert_int_equal(n, 3);
		/* Room for one: the count still says how many there are. */
		assert_int_equal(media_devices_scan(sys, devroot, 0, d, 1, &n), MEDIA_OK);
		assert_int_equal(n, 2);
		assert_int_equal(media_devices_scan("/nonexistent", devroot, 0, d, 8, &n),
				 MEDIA_E_IO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_manifest_parse),
	    cmocka_unit_test_setup_teardown(test_write_read_verify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_manifest_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_reports, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_each, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unfinished, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_eio_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_fsync, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_dir_fsync, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_rename, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_readback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_manifest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fault_removed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_discovery, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
