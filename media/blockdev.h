/*
 * Removable block devices: discovery through sysfs, file system and label from the superblock
 * (read here, no blkid), and mount/unmount with mount(2).
 *
 * Mounts are always nodev,nosuid,noexec (and nosymfollow where the kernel has it); read-only
 * unless writable is asked for; iso9660 is read-only whatever is asked. File systems: vfat
 * (FAT12/16/32), ext4 (ext2/3/4 superblocks, mounted by the ext4 driver), iso9660.
 */
#ifndef MEDIA_BLOCKDEV_H
#define MEDIA_BLOCKDEV_H

#include <stddef.h>
#include <stdint.h>

struct media_device {
	char name[32];	      /* kernel name, "sdb1" */
	char node[64];	      /* "/dev/sdb1" */
	char disk[32];	      /* the whole disk, "sdb" (same as name for a disk) */
	int partition;	      /* 1 for a partition */
	int removable;	      /* the disk's sysfs "removable" flag */
	int readonly;	      /* sysfs "ro" */
	uint64_t size;	      /* bytes */
	char fstype[16];      /* "vfat", "ext4", "iso9660", or "" when none was recognised */
	char label[64];	      /* printable ASCII ('?' for anything else); may be empty */
	char serial[64];      /* printable ASCII; empty when sysfs has none */
	char mountpoint[256]; /* empty when not mounted */
};

/* Include devices whose disk is not removable (loop devices in a rehearsal VM, say). */
#define MEDIA_LIST_ALL 1u

/*
 * Lists disks and partitions under sysfs_root/block (normally "/sys"), their nodes under dev_root
 * (normally "/dev"), mounts from /proc/self/mountinfo. Fills at most max entries, sets *count to
 * the number found (which may be larger). Returns MEDIA_OK or MEDIA_E_IO (no sysfs).
 */
enum media_err media_devices_scan(const char *sysfs_root, const char *dev_root, unsigned flags,
				  struct media_device *out, size_t max, size_t *count);
/* The same on the running system. */
enum media_err media_devices(unsigned flags, struct media_device *out, size_t max, size_t *count);

/* Recognises the file system on an open device or image and reads its label. Returns MEDIA_OK,
 * MEDIA_E_FSTYPE (none of ours), MEDIA_E_IO. */
enum media_err media_probe_fs(int fd, char fstype[16], char label[64]);

/*
 * Mounts block device node at mountpoint (created, mode 0700, if missing). Returns MEDIA_OK,
 * MEDIA_E_DEVICE (not a block device), MEDIA_E_FSTYPE, MEDIA_E_READONLY (iso9660 asked
 * writable), MEDIA_E_PERM, MEDIA_E_MOUNT.
 */
enum media_err media_mount(const char *node, const char *mountpoint, int writable);

/* Syncs and unmounts. MEDIA_OK means the medium is safe to remove; MEDIA_E_BUSY, MEDIA_E_PERM,
 * MEDIA_E_NOENT (no such mount point), MEDIA_E_IO otherwise. */
enum media_err media_unmount(const char *mountpoint);

#endif
