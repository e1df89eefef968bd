/*
 * Go/no-go checks. The air gap is read from sysfs, which the kernel fills whatever drivers are
 * loaded: a network interface, a network-class PCI function, a radio or a USB network
 * interface each make the check fail.
 */
#include "ceremony/checks/preflight.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* Entries read from one sysfs directory; more makes the check fail, never pass. */
#define MAX_NAMES    512
#define NAME_MAX_LEN 64

const char *preflight_strerror(enum preflight_err err)
{
	switch (err) {
	case PREFLIGHT_E_SIGNED_: /* never returned */
		break;
	case PREFLIGHT_OK:
		return "ok";
	case PREFLIGHT_E_FULL:
		return "too many checks";
	case PREFLIGHT_E_ARG:
		return "missing argument";
	}
	return "unknown error";
}

void preflight_init(struct preflight_report *r)
{
	memset(r, 0, sizeof(*r));
}

enum preflight_err preflight_add(struct preflight_report *r, const char *id, bool passed,
				 const char *fmt, ...)
{
	struct preflight_check *c;
	va_list ap;

	if (r->count == PREFLIGHT_MAX_CHECKS)
		return PREFLIGHT_E_FULL;
	c = &r->checks[r->count++];
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->passed = passed;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	for (char *s = c->detail; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
			*s = '?';
	return PREFLIGHT_OK;
}

bool preflight_go(const struct preflight_report *r)
{
	for (size_t i = 0; i < r->count; i++)
		if (!r->checks[i].passed)
			return false;
	return r->count > 0;
}

const struct preflight_check *preflight_find(const struct preflight_report *r, const char *id)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	return NULL;
}

/* ---- sysfs ---------------------------------------------------------------------------------- */

struct names {
	size_t count;
	char name[MAX_NAMES][NAME_MAX_LEN];
	bool more; /* some did not fit */
};

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The entries of dir (sorted, "." and ".." left out); -1 with errno when it cannot be read. */
static int list_dir(const char *dir, struct names *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (d == NULL)
		return -1;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (out->count == MAX_NAMES) {
			out->more = true;
			continue;
		}
		len = strnlen(e->d_name, NAME_MAX_LEN - 1);
		memcpy(out->name[out->count], e->d_name, len);
		out->name[out->count++][len] = '\0';
	}
	closedir(d);
	if (errno != 0)
		return -1;
	qsort(out->name, out->count, NAME_MAX_LEN, by_name);
	return 0;
}

/* Appends a name to a comma-separated list held in a detail-sized buffer. */
static void add_name(char *list, size_t size, const char *name)
{
	size_t used = strlen(list);

	if (used < size)
		snprintf(list + used, size - used, "%s%s", used ? ", " : "", name);
}

/* Reads a small sysfs attribute as a hexadecimal number ("0x020000\n" or "e0\n"). */
static int read_hex(const char *path, unsigned long *out)
{
	char buf[32], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	errno = 0;
	*out = strtoul(buf, &end, 16);
	if (errno != 0 || end == buf || (*end != '\n' && *end != '\0'))
		return -1;
	return 0;
}

/* Lists sysfs/rel into n and returns true; otherwise adds the check's result and returns false
 * with *ret set: passed with detail none when the directory does not exist (no such bus),
 * failed when it cannot be read or holds more entries than can be checked. */
static bool list_bus(struct preflight_report *r, const char *id, const char *sysfs, const char *rel,
		     const char *none, struct names *n, enum preflight_err *ret)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
	if (list_dir(path, n) != 0) {
		if (errno == ENOENT)
			*ret = preflight_add(r, id, true, "%s", none);
		else
			*ret = preflight_add(r, id, false, "cannot list %s (%s)", path,
					     strerror(errno));
		return false;
	}
	if (n->more) {
		*ret = preflight_add(r, id, false, "more than %d entries in %s", MAX_NAMES, path);
		return false;
	}
	return true;
}

static enum preflight_err check_interfaces(struct preflight_report *r, const char *sysfs)
{
	char path[4096], found[PREFLIGHT_DETAIL_MAX] = "";
	struct names n;

	snprintf(path, sizeof(path), "%s/class/net", sysfs);
	if (list_dir(path, &n) != 0)
		return preflight_add(r, "air-gap.interfaces", false,
				     "cannot list %s (%s): the air gap cannot be shown", path,
				     strerror(errno));
	for (size_t i = 0; i < n.count; i++)
		if (strcmp(n.name[i], "lo") != 0)
			add_name(found, sizeof(found), n.name[i]);
	if (found[0] != '\0' || n.more)
		return preflight_add(r, "air-gap.interfaces", false, "network interfaces: %s%s",
				     found, n.more ? ", ..." : "");
	return preflight_add(r, "air-gap.interfaces", true, "no network interface but lo");
}

static enum preflight_err check_pci(struct preflight_report *r, const char *sysfs)
{
	char path[4096], found[PREFLIGHT_DETAIL_MAX] = "";
	struct names n;
	enum preflight_err ret;

	if (!list_bus(r, "air-gap.pci", sysfs, "bus/pci/devices", "no PCI bus", &n, &ret))
		return ret;
	for (size_t i = 0; i < n.count; i++) {
		unsigned long cls;
		char item[NAME_MAX_LEN + 32];

		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/class", sysfs, n.name[i]);
		if (read_hex(path, &cls) != 0)
			return preflight_add(r, "air-gap.pci", false,
					     "cannot read the class of PCI device %s", n.name[i]);
		if ((cls >> 16) == 0x02 || (cls >> 16) == 0x0d) {
			snprintf(item, sizeof(item), "%s (class 0x%06lx)", n.name[i], cls);
			add_name(found, sizeof(found), item);
		}
	}
	if (found[0] != '\0')
		return preflight_add(r, "air-gap.pci", false, "network or wireless devices: %s",
				     found);
	return preflight_add(r, "air-gap.pci", true, "no network or wireless PCI device among %zu",
			     n.count);
}

static enum preflight_err check_radio(struct preflight_report *r, const char *sysfs)
{
	static const char *const classes[] = {"bluetooth", "ieee80211", "rfkill"};
	char path[4096], found[PREFLIGHT_DETAIL_MAX] = "";

	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		struct names n;

		snprintf(path, sizeof(path), "%s/class/%s", sysfs, classes[c]);
		if (list_dir(path, &n) != 0) {
			if (errno == ENOENT)
				continue;
			return preflight_add(r, "air-gap.radio", false, "cannot list %s (%s)", path,
					     strerror(errno));
		}
		for (size_t i = 0; i < n.count; i++) {
			char item[NAME_MAX_LEN + 16];

			snprintf(item, sizeof(item), "%s %s", classes[c], n.name[i]);
			add_name(found, sizeof(found), item);
		}
	}
	if (found[0] != '\0')
		return preflight_add(r, "air-gap.radio", false, "radios: %s", found);
	return preflight_add(r, "air-gap.radio", true, "no Bluetooth, Wi-Fi or rfkill device");
}

static enum preflight_err check_usb(struct preflight_report *r, const char *sysfs)
{
	char path[4096], found[PREFLIGHT_DETAIL_MAX] = "";
	struct names n;
	enum preflight_err ret;

	if (!list_bus(r, "air-gap.usb", sysfs, "bus/usb/devices", "no USB bus", &n, &ret))
		return ret;
	for (size_t i = 0; i < n.count; i++) {
		unsigned long cls;

		/* Interfaces ("1-1:1.0") have a class; devices and hubs ("1-1", "usb1") do not. */
		if (strchr(n.name[i], ':') == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/bus/usb/devices/%s/bInterfaceClass", sysfs,
			 n.name[i]);
		if (read_hex(path, &cls) != 0)
			return preflight_add(r, "air-gap.usb", false,
					     "cannot read the class of USB interface %s",
					     n.name[i]);
		if (cls == 0x02 || cls == 0x0a || cls == 0xe0) {
			char item[NAME_MAX_LEN + 32];

			snprintf(item, sizeof(item), "%s (class %02lx)", n.name[i], cls);
			add_name(found, sizeof(found), item);
		}
	}
	if (found[0] != '\0')
		return preflight_add(r, "air-gap.usb", false, "USB network or radio interfaces: %s",
				     found);
	return preflight_add(r, "air-gap.usb", true, "no USB network or radio interface");
}

enum preflight_err preflight_air_gap(struct preflight_report *r, const char *sysfs)
{
	enum preflight_err ret;

	if (sysfs == NULL)
		sysfs = PREFLIGHT_SYSFS;
	if ((ret = check_interfaces(r, sysfs)) != PREFLIGHT_OK ||
	    (ret = check_pci(r, sysfs)) != PREFLIGHT_OK ||
	    (ret = check_radio(r, sysfs)) != PREFLIGHT_OK)
		return ret;
	return check_usb(r, sysfs);
}

/* ---- entropy, clock, hashes ------------------------------------------------------------------ */

static ssize_t real_getrandom(void *buf, size_t len, unsigned int flags)
{
	return getrandom(buf, len, flags);
}

enum preflight_err preflight_entropy(struct preflight_report *r, preflight_random_fn source,
				     unsigned timeout_ms)
{
	unsigned char probe[16];
	unsigned waited = 0;
	enum preflight_err ret;

	if (source == NULL)
		source = real_getrandom;
	for (;;) {
		ssize_t n = source(probe, sizeof(probe), GRND_NONBLOCK);

		if (n == (ssize_t)sizeof(probe)) {
			ret = preflight_add(r, "entropy", true,
					    "the kernel random generator is initialised%s",
					    waited ? " (after a wait)" : "");
			break;
		}
		if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
			ret = preflight_add(r, "entropy", false, "getrandom failed: %s",
					    n < 0 ? strerror(errno) : "short read");
			break;
		}
		if (waited >= timeout_ms) {
			ret = preflight_add(r, "entropy", false,
					    "the kernel random generator is not initialised after "
					    "%u ms",
					    timeout_ms);
			break;
		}
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
		waited += 100;
	}
	sodium_memzero(probe, sizeof(probe));
	return ret;
}

enum preflight_err preflight_clock(struct preflight_report *r, time_t now, time_t floor)
{
	char shown[32], least[32];
	struct tm tm;

	r->clock = now;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(shown, sizeof(shown), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return preflight_add(r, "clock", false, "the clock cannot be read");
	if (now < floor) {
		if (gmtime_r(&floor, &tm) == NULL ||
		    strftime(least, sizeof(least), "%Y-%m-%d", &tm) == 0)
			least[0] = '\0';
		return preflight_add(r, "clock", false, "%s is before %s: set the clock", shown,
				     least);
	}
	return preflight_add(r, "clock", true, "%s (UTC): plausible; a witness is asked below",
			     shown);
}

/* Streams a file (an image or a block device) through SHA-256. */
static int hash_file(const char *path, unsigned char out[32])
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
	}
	close(fd);
	crypto_hash_sha256_final(&st, out);
	return 0;
}

/* "<64 lowercase hex>" optionally followed by "  name", then an optional newline. */
static int read_hash_line(const char *path, unsigned char out[32])
{
	char buf[512];
	size_t got = 0, len;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 64)
		return -2;
	buf[n] = '\0';
	len = (size_t)n;
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strspn(buf, "0123456789abcdef") != 64 ||
	    (len > 64 && strncmp(buf + 64, "  ", 2) != 0) || memchr(buf, '\n', len) != NULL ||
	    sodium_hex2bin(out, 32, buf, 64, NULL, &got, NULL) != 0 || got != 32)
		return -2;
	return 0;
}

enum preflight_err preflight_image(struct preflight_report *r, const char *hash_path,
				   const char *image_path)
{
	char hex[65];
	int ret;

	if (hash_path == NULL)
		hash_path = PREFLIGHT_IMAGE_HASH_FILE;
	if (image_path != NULL) {
		if (hash_file(image_path, r->image_sha256) != 0)
			return preflight_add(r, "image", false, "cannot read %s (%s)", image_path,
					     strerror(errno));
	} else if ((ret = read_hash_line(hash_path, r->image_sha256)) != 0) {
		if (ret == -1 && errno == ENOENT)
			return preflight_add(r, "image", false,
					     "not running from the appliance image (no %s)",
					     hash_path);
		return preflight_add(r, "image", false, "%s is not a SHA-256 line", hash_path);
	}
	r->image_known = true;
	sodium_bin2hex(hex, sizeof(hex), r->image_sha256, sizeof(r->image_sha256));
	return preflight_add(r, "image", true, "%s", hex);
}

enum preflight_err preflight_script(struct preflight_report *r, const struct script_plan *plan)
{
	char hex[2 * SCRIPT_SHA256_LEN + 1];

	if (plan == NULL)
		return PREFLIGHT_E_ARG;
	sodium_bin2hex(hex, sizeof(hex), plan->sha256, sizeof(plan->sha256));
	return preflight_add(r, "script", true, "%s", hex);
}

/* ---- people and media --------------------------------------------------------------------------
 */

static void absent(const struct script_custodian_set *set, const bool *present, char *list,
		   size_t size)
{
	list[0] = '\0';
	for (unsigned n = 1; n <= set->share_count; n++) {
		const struct script_participant *p = script_set_share(set, n, NULL, NULL);

		if (!present[p->index])
			add_name(list, size, p->id);
	}
}

static enum preflight_err quorum_check(struct preflight_report *r, const char *id,
				       const struct script_custodian_set *set, const bool *present,
				       bool all)
{
	char missing[PREFLIGHT_DETAIL_MAX];

	absent(set, present, missing, sizeof(missing));
	if (script_set_present(set, present, all))
		return preflight_add(r, id, true, "set %s: %s%s%s", set->id,
				     all ? "every member present" : "quorum present",
				     missing[0] ? "; absent: " : "", missing);
	return preflight_add(r, id, false, "set %s: %s; absent: %s", set->id,
			     all ? "every member must be present to receive a share"
				 : "not enough custodians for the threshold",
			     missing);
}

enum preflight_err preflight_quorum(struct preflight_report *r, const struct script_plan *plan,
				    const bool *present)
{
	char id[PREFLIGHT_ID_MAX];
	enum preflight_err ret;

	if (plan == NULL || present == NULL)
		return PREFLIGHT_E_ARG;
	for (unsigned i = 0; i < plan->key_count; i++) {
		const struct script_key *k = &plan->keys[i];

		if (k->custodians == NULL)
			continue;
		snprintf(id, sizeof(id), "quorum.%s", k->id);
		ret = quorum_check(r, id, k->custodians, present,
				   k->origin == SCRIPT_ORIGIN_GENERATE);
		if (ret != PREFLIGHT_OK)
			return ret;
	}
	for (unsigned i = 0; i < plan->step_count; i++) {
		const struct script_step *s = &plan->steps[i];

		if (s->action != SCRIPT_ACT_RESHARE)
			continue;
		snprintf(id, sizeof(id), "quorum.%s.reshare", s->key->id);
		if ((ret = quorum_check(r, id, s->custodians, present, true)) != PREFLIGHT_OK)
			return ret;
	}
	return PREFLIGHT_OK;
}

enum preflight_err preflight_media(struct preflight_report *r, const struct script_plan *plan,
				   preflight_medium_fn present, void *ctx)
{
	char here[PREFLIGHT_DETAIL_MAX] = "", missing[PREFLIGHT_DETAIL_MAX] = "";

	if (plan == NULL || present == NULL)
		return PREFLIGHT_E_ARG;
	for (unsigned i = 0; i < plan->medium_count; i++) {
		const struct script_medium *m = &plan->media[i];

		if (m->kind == SCRIPT_MEDIUM_CUSTODIAN)
			continue;
		if (present(ctx, m))
			add_name(here, sizeof(here), m->id);
		else
			add_name(missing, sizeof(missing), m->id);
	}
	if (missing[0] != '\0')
		return preflight_add(r, "media", false, "missing: %s", missing);
	return preflight_add(r, "media", true,
			     "present: %s; custodian media come when their holder is called",
			     here[0] ? here : "none needed");
}

enum preflight_err preflight_run(struct preflight_report *r, const struct preflight_config *cfg)
{
	enum preflight_err ret;

	if (cfg->plan == NULL || cfg->present == NULL || cfg->medium_present == NULL)
		return PREFLIGHT_E_ARG;
	if ((ret = preflight_air_gap(r, cfg->sysfs)) != PREFLIGHT_OK ||
	    (ret = preflight_entropy(r, cfg->random, cfg->entropy_timeout_ms)) != PREFLIGHT_OK ||
	    (ret = preflight_clock(r, cfg->now ? cfg->now : time(NULL),
				   cfg->floor ? cfg->floor : PREFLIGHT_CLOCK_FLOOR)) !=
		PREFLIGHT_OK ||
	    (ret = preflight_image(r, cfg->image_hash_file, cfg->image_path)) != PREFLIGHT_OK ||
	    (ret = preflight_script(r, cfg->plan)) != PREFLIGHT_OK ||
	    (ret = preflight_quorum(r, cfg->plan, cfg->present)) != PREFLIGHT_OK)
		return ret;
	return preflight_media(r, cfg->plan, cfg->medium_present, cfg->medium_ctx);
}
