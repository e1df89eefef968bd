/*
 * Go/no-go checks: what must hold before any key is generated or used. Each check appends a
 * result (id, passed, detail) to a report; the engine shows the report, asks the confirmations
 * that need a person (the clock, the hashes: prompt ids go.*), records every result, and stops
 * on any failure (an override exists only in rehearsal, as a recorded exception).
 *
 * Contract:
 * - Checks fail closed: anything that cannot be read or understood is a failed check with the
 *   reason in its detail, never a pass.
 * - Details are one line of printable ASCII (at most PREFLIGHT_DETAIL_MAX - 1 bytes), fit for
 *   the screen and the transcript. No secret is involved anywhere.
 * - The sysfs root, the random source, the time and the media lookup are injected, so tests can
 *   build fake /sys trees and clocks.
 *
 * Check ids: air-gap.interfaces, air-gap.pci, air-gap.radio, air-gap.usb, entropy, clock,
 * image, script, quorum.<key> (and quorum.<key>.reshare), media; the engine adds its own
 * (self-tests) with preflight_add().
 */
#ifndef CEREMONY_PREFLIGHT_H
#define CEREMONY_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "ceremony/script/script.h"

#define PREFLIGHT_MAX_CHECKS 96
#define PREFLIGHT_ID_MAX     64
#define PREFLIGHT_DETAIL_MAX 256

#define PREFLIGHT_SYSFS "/sys"
/* Written at boot by the appliance image: the SHA-256 of the boot medium, as one line
 * "<64 lowercase hex digits>[  <name>]" (sha256sum's format). */
#define PREFLIGHT_IMAGE_HASH_FILE "/run/ceremony/image.sha256"
/* No ceremony happens before this program existed: an earlier clock has not been set. */
#define PREFLIGHT_CLOCK_FLOOR	     ((time_t)1735689600) /* 2025-01-01T00:00:00Z */
#define PREFLIGHT_ENTROPY_TIMEOUT_MS 30000

enum preflight_err {
	PREFLIGHT_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	PREFLIGHT_OK = 0,
	PREFLIGHT_E_FULL, /* the report holds PREFLIGHT_MAX_CHECKS results already */
	PREFLIGHT_E_ARG,  /* a required argument is missing */
};

struct preflight_check {
	char id[PREFLIGHT_ID_MAX];
	bool passed;
	char detail[PREFLIGHT_DETAIL_MAX];
};

struct preflight_report {
	size_t count;
	struct preflight_check checks[PREFLIGHT_MAX_CHECKS];
	bool image_known; /* image_sha256 holds the running image's hash */
	unsigned char image_sha256[32];
	time_t clock; /* the time the clock check showed */
};

const char *preflight_strerror(enum preflight_err err);

void preflight_init(struct preflight_report *r);

/* Appends a result; the detail is formatted, then any byte outside printable ASCII becomes '?'
 * and it is cut to fit. */
enum preflight_err preflight_add(struct preflight_report *r, const char *id, bool passed,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True when every check in the report passed (and there is at least one). */
bool preflight_go(const struct preflight_report *r);

/* The result with this id, or NULL. */
const struct preflight_check *preflight_find(const struct preflight_report *r, const char *id);

/* Air gap, under sysfs (PREFLIGHT_SYSFS, or a test tree):
 * air-gap.interfaces: class/net holds nothing but lo;
 * air-gap.pci: no device in bus/pci/devices has class 0x02xxxx (network) or 0x0dxxxx
 *   (wireless); no PCI bus at all passes;
 * air-gap.radio: class/bluetooth, class/ieee80211 and class/rfkill are empty or absent;
 * air-gap.usb: no interface in bus/usb/devices has class 02 or 0a (CDC network, modem) or e0
 *   (wireless, Bluetooth); an interface whose class cannot be read fails.
 * A directory with more entries than can be read fails its check. */
enum preflight_err preflight_air_gap(struct preflight_report *r, const char *sysfs);

/* The random source: (*source)(buf, len, flags) behaves as getrandom(2); NULL means getrandom.
 * Passes when a GRND_NONBLOCK read succeeds, retrying every 100 ms for up to timeout_ms. */
typedef ssize_t (*preflight_random_fn)(void *buf, size_t len, unsigned int flags);
enum preflight_err preflight_entropy(struct preflight_report *r, preflight_random_fn source,
				     unsigned timeout_ms);

/* Shows now as UTC (for a witness to confirm: go.clock); fails before floor. */
enum preflight_err preflight_clock(struct preflight_report *r, time_t now, time_t floor);

/* The running image's hash: the SHA-256 of image_path when given (the boot medium or the ISO),
 * else the hash in hash_file (PREFLIGHT_IMAGE_HASH_FILE). Neither: fails with "not running
 * from the appliance image". Sets r->image_sha256 when known. */
enum preflight_err preflight_image(struct preflight_report *r, const char *hash_file,
				   const char *image_path);

/* The script's SHA-256, for the administrator and witnesses to compare (go.script). */
enum preflight_err preflight_script(struct preflight_report *r, const struct script_plan *plan);

/* present[participant->index] marks who attended. For every key rebuilt from shares, its set's
 * thresholds must be met (quorum.<key>); for every key split here, every member of its set must
 * be present to receive a share (quorum.<key>), and so for a reshare's new set
 * (quorum.<key>.reshare). */
enum preflight_err preflight_quorum(struct preflight_report *r, const struct script_plan *plan,
				    const bool *present);

/* Public, backup and input media must be present now (present(ctx, medium) says so); custodian
 * media are asked for when their holder is called. */
typedef bool (*preflight_medium_fn)(void *ctx, const struct script_medium *medium);
enum preflight_err preflight_media(struct preflight_report *r, const struct script_plan *plan,
				   preflight_medium_fn present, void *ctx);

/* Everything above, in that order. */
struct preflight_config {
	const char *sysfs;	    /* NULL: PREFLIGHT_SYSFS */
	preflight_random_fn random; /* NULL: getrandom */
	unsigned entropy_timeout_ms;
	time_t now;		     /* 0: time(NULL) */
	time_t floor;		     /* 0: PREFLIGHT_CLOCK_FLOOR */
	const char *image_hash_file; /* NULL: PREFLIGHT_IMAGE_HASH_FILE */
	const char *image_path;	     /* NULL: use the hash file */
	const struct script_plan *plan;
	const bool *present;
	preflight_medium_fn medium_present;
	void *medium_ctx;
};
enum preflight_err preflight_run(struct preflight_report *r, const struct preflight_config *cfg);

#endif
