/* Go/no-go checks against fake /sys trees, fake random sources and clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/checks/preflight.h"
#include "ceremony/script/script.h"

static char root[256];

/* Creates root/rel (and its parents); with content, as a file. */
static void make(const char *rel, const char *content)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = path + strlen(root) + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			fail_msg("mkdir %s", path);
		*s = '/';
	}
	if (content == NULL) {
		if (mkdir(path, 0700) != 0 && errno != EEXIST)
			fail_msg("mkdir %s", path);
	} else {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(content, f);
		fclose(f);
	}
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int rm_tree(void)
{
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "%s/preflight.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rm_tree() == 0 ? 0 : -1;
}

/* A machine as the appliance should be: loopback, a host bridge, a SATA controller, a USB
 * keyboard and a USB stick. */
static void clean_machine(void)
{
	make("sys/class/net/lo", NULL);
	make("sys/bus/pci/devices/0000:00:00.0/class", "0x060000\n");
	make("sys/bus/pci/devices/0000:00:1f.2/class", "0x010601\n");
	make("sys/bus/usb/devices/usb1", NULL);
	make("sys/bus/usb/devices/1-1:1.0/bInterfaceClass", "03\n");
	make("sys/bus/usb/devices/1-2:1.0/bInterfaceClass", "08\n");
}

static const char *sysfs(void)
{
	static char path[300];

	snprintf(path, sizeof(path), "%s/sys", root);
	return path;
}

static const struct preflight_check *run_air_gap(struct preflight_report *r, const char *id)
{
	preflight_init(r);
	assert_int_equal(preflight_air_gap(r, sysfs()), PREFLIGHT_OK);
	assert_int_equal(r->count, 4);
	assert_non_null(preflight_find(r, id));
	return preflight_find(r, id);
}

static void test_air_gap_clean(void **state)
{
	struct preflight_report r;

	(void)state;
	clean_machine();
	run_air_gap(&r, "air-gap.interfaces");
	for (size_t i = 0; i < r.count; i++)
		if (!r.checks[i].passed)
			fail_msg("%s: %s", r.checks[i].id, r.checks[i].detail);
	assert_true(preflight_go(&r));
	assert_string_equal(r.checks[0].id, "air-gap.interfaces");
	assert_string_equal(r.checks[1].id, "air-gap.pci");
	assert_string_equal(r.checks[2].id, "air-gap.radio");
	assert_string_equal(r.checks[3].id, "air-gap.usb");
}

static void test_air_gap_interface(void **state)
{
	struct preflight_report r;
	const struct preflight_check *c;

	(void)state;
	clean_machine();
	make("sys/class/net/eth0", NULL);
	make("sys/class/net/wlan0", NULL);
	c = run_air_gap(&r, "air-gap.interfaces");
	assert_false(c->passed);
	assert_string_equal(c->detail, "network interfaces: eth0, wlan0");
	assert_false(preflight_go(&r));
}

/* A network card with no driver loaded has no interface, but it is on the bus. */
static void test_air_gap_pci_nic(void **state)
{
	struct preflight_report r;
	const struct preflight_check *c;

	(void)state;
	clean_machine();
	make("sys/bus/pci/devices/0000:00:03.0/class", "0x020000\n");
	c = run_air_gap(&r, "air-gap.pci");
	assert_false(c->passed);
	assert_non_null(strstr(c->detail, "0000:00:03.0 (class 0x020000)"));
	assert_true(preflight_find(&r, "air-gap.interfaces")->passed);
	assert_false(preflight_go(&r));
}

static void test_air_gap_pci_wireless_and_garbage(void **state)
{
	struct preflight_report r;

	(void)state;
	clean_machine();
	make("sys/bus/pci/devices/0000:02:00.0/class", "0x0d1100\n");
	assert_false(run_air_gap(&r, "air-gap.pci")->passed);
	make("sys/bus/pci/devices/0000:02:00.0/class", "network\n");
	assert_false(run_air_gap(&r, "air-gap.pci")->passed);
	assert_non_null(strstr(preflight_find(&r, "air-gap.pci")->detail, "cannot read"));
}

static void test_air_gap_no_sysfs(void **state)
{
	struct preflight_report r;
	const struct preflight_check *c;

	(void)state;
	/* Nothing mounted: the air gap cannot be shown, so it fails. */
	make("sys", NULL);
	c = run_air_gap(&r, "air-gap.interfaces");
	assert_false(c->passed);
	assert_non_null(strstr(c->detail, "cannot list"));
	/* No PCI bus, no radios, no USB: those pass. */
	assert_true(preflight_find(&r, "air-gap.pci")->passed);
	assert_true(preflight_find(&r, "air-gap.radio")->passed);
	assert_true(preflight_find(&r, "air-gap.usb")->passed);
}

static void test_air_gap_radio_usb(void **state)
{
	struct preflight_report r;

	(void)state;
	clean_machine();
	make("sys/class/bluetooth/hci0", NULL);
	assert_false(run_air_gap(&r, "air-gap.radio")->passed);
	assert_string_equal(preflight_find(&r, "air-gap.radio")->detail, "radios: bluetooth hci0");
	assert_true(preflight_find(&r, "air-gap.usb")->passed);
	rm_tree();
	assert_int_equal(mkdir(root, 0700), 0);
	clean_machine();
	make("sys/bus/usb/devices/1-3:1.0/bInterfaceClass", "e0\n");
	make("sys/bus/usb/devices/1-4:1.1/bInterfaceClass", "0a\n");
	assert_false(run_air_gap(&r, "air-gap.usb")->passed);
	assert_string_equal(
	    preflight_find(&r, "air-gap.usb")->detail,
	    "USB network or radio interfaces: 1-3:1.0 (class e0), 1-4:1.1 (class 0a)");
	/* An interface whose class cannot be read is not assumed harmless. */
	rm_tree();
	assert_int_equal(mkdir(root, 0700), 0);
	clean_machine();
	make("sys/bus/usb/devices/1-5:1.0", NULL);
	assert_false(run_air_gap(&r, "air-gap.usb")->passed);
	assert_string_equal(preflight_find(&r, "air-gap.usb")->detail,
			    "cannot read the class of USB interface 1-5:1.0");
	/* More entries than the check can read: it fails, it does not look at a part. */
	for (int i = 0; i < 520; i++) {
		char name[64];

		snprintf(name, sizeof(name), "sys/bus/usb/devices/9-%d", i);
		make(name, NULL);
	}
	assert_false(run_air_gap(&r, "air-gap.usb")->passed);
	assert_non_null(strstr(preflight_find(&r, "air-gap.usb")->detail, "more than 512 entries"));
}

/* ---- entropy ---- */

static unsigned calls;

static ssize_t never_ready(void *buf, size_t len, unsigned int flags)
{
	(void)buf;
	(void)len;
	assert_int_equal(flags, GRND_NONBLOCK);
	calls++;
	errno = EAGAIN;
	return -1;
}

static ssize_t ready_later(void *buf, size_t len, unsigned int flags)
{
	(void)flags;
	if (++calls < 3) {
		errno = EAGAIN;
		return -1;
	}
	memset(buf, 0x5a, len);
	return (ssize_t)len;
}

static ssize_t broken(void *buf, size_t len, unsigned int flags)
{
	(void)buf;
	(void)len;
	(void)flags;
	errno = ENOSYS;
	return -1;
}

static void test_entropy(void **state)
{
	struct preflight_report r;

	(void)state;
	preflight_init(&r);
	calls = 0;
	assert_int_equal(preflight_entropy(&r, never_ready, 300), PREFLIGHT_OK);
	assert_false(r.checks[0].passed);
	assert_string_equal(r.checks[0].detail,
			    "the kernel random generator is not initialised after 300 ms");
	assert_int_equal(calls, 4);
	calls = 0;
	assert_int_equal(preflight_entropy(&r, ready_later, 1000), PREFLIGHT_OK);
	assert_true(r.checks[1].passed);
	assert_non_null(strstr(r.checks[1].detail, "after a wait"));
	assert_int_equal(preflight_entropy(&r, broken, 1000), PREFLIGHT_OK);
	assert_false(r.checks[2].passed);
	/* The real kernel, on any machine that runs the tests, is ready. */
	assert_int_equal(preflight_entropy(&r, NULL, 5000), PREFLIGHT_OK);
	assert_true(r.checks[3].passed);
}

/* ---- clock, image, script ---- */

static void test_clock(void **state)
{
	struct preflight_report r;

	(void)state;
	preflight_init(&r);
	/* 2025-03-08T11:30:00Z */
	assert_int_equal(preflight_clock(&r, 1741433400, PREFLIGHT_CLOCK_FLOOR), PREFLIGHT_OK);
	assert_true(r.checks[0].passed);
	assert_string_equal(r.checks[0].detail,
			    "2025-03-08T11:30:00Z (UTC): plausible; a witness is asked below");
	assert_int_equal(r.clock, 1741433400);
	/* A machine that lost its clock reads 1970 or 2000. */
	assert_int_equal(preflight_clock(&r, 946684800, PREFLIGHT_CLOCK_FLOOR), PREFLIGHT_OK);
	assert_false(r.checks[1].passed);
	assert_string_equal(r.checks[1].detail,
			    "2000-01-01T00:00:00Z is before 2025-01-01: set the clock");
}

static void test_image(void **state)
{
	/* FIPS 180-2 appendix B.1: SHA-256("abc"). */
	static const char abc[] =
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	struct preflight_report r;
	char path[512], hashf[512];
	unsigned char want[32];

	(void)state;
	sodium_hex2bin(want, 32, abc, 64, NULL, NULL, NULL);
	preflight_init(&r);
	snprintf(path, sizeof(path), "%s/boot.iso", root);
	snprintf(hashf, sizeof(hashf), "%s/image.sha256", root);
	make("boot.iso", "abc");
	assert_int_equal(preflight_image(&r, hashf, path), PREFLIGHT_OK);
	assert_true(r.checks[0].passed);
	assert_string_equal(r.checks[0].detail, abc);
	assert_true(r.image_known);
	assert_memory_equal(r.image_sha256, want, 32);

	/* No hash file: on a host. */
	preflight_init(&r);
	assert_int_equal(preflight_image(&r, hashf, NULL), PREFLIGHT_OK);
	assert_false(r.checks[0].passed);
	assert_non_null(strstr(r.checks[0].detail, "not running from the appliance image"));
	assert_false(r.image_known);

	/* sha256sum's own format, as the image's /init writes it. */
	make("image.sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  "
			     "/dev/sr0\n");
	assert_int_equal(preflight_image(&r, hashf, NULL), PREFLIGHT_OK);
	assert_true(r.checks[1].passed);
	assert_memory_equal(r.image_sha256, want, 32);
	make("image.sha256", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\n");
	preflight_image(&r, hashf, NULL);
	assert_false(r.checks[2].passed);
	make("image.sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015\n");
	preflight_image(&r, hashf, NULL);
	assert_false(r.checks[3].passed);
	make("image.sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015adX\n");
	preflight_image(&r, hashf, NULL);
	assert_false(r.checks[4].passed);
}

static bool medium_present(void *ctx, const struct script_medium *m)
{
	const char *absent = ctx;

	return absent == NULL || strcmp(m->id, absent) != 0;
}

static void test_quorum_media_script(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	struct preflight_report r;
	bool present[SCRIPT_MAX_PARTICIPANTS];
	char hex[65], backup[] = "backup", carol[] = "carol";

	(void)state;
	assert_int_equal(script_load("scripts/smki-keygen.yaml", &plan, &err), SCRIPT_OK);
	for (unsigned i = 0; i < plan->participant_count; i++)
		present[i] = true;
	preflight_init(&r);
	assert_int_equal(preflight_quorum(&r, plan, present), PREFLIGHT_OK);
	assert_int_equal(r.count, 4);
	assert_true(preflight_go(&r));
	assert_string_equal(r.checks[0].id, "quorum.root");
	/* Keys split here need every member, to hand each a share. */
	present[script_find_participant(plan, "grace")->index] = false;
	preflight_init(&r);
	preflight_quorum(&r, plan, present);
	assert_false(preflight_find(&r, "quorum.root")->passed);
	assert_string_equal(preflight_find(&r, "quorum.root")->detail,
			    "set root-custodians: every member must be present to receive a "
			    "share; absent: grace");
	assert_false(preflight_find(&r, "quorum.contingency-symmetric")->passed);
	assert_true(preflight_find(&r, "quorum.contingency")->passed);
	assert_true(preflight_find(&r, "quorum.recovery")->passed);

	preflight_init(&r);
	assert_int_equal(preflight_media(&r, plan, medium_present, NULL), PREFLIGHT_OK);
	assert_true(r.checks[0].passed);
	assert_non_null(strstr(r.checks[0].detail, "present: public, backup"));
	assert_int_equal(preflight_media(&r, plan, medium_present, backup), PREFLIGHT_OK);
	assert_false(r.checks[1].passed);
	assert_string_equal(r.checks[1].detail, "missing: backup");
	/* Custodian media are not needed at go/no-go. */
	assert_int_equal(preflight_media(&r, plan, medium_present, carol), PREFLIGHT_OK);
	assert_true(r.checks[2].passed);

	assert_int_equal(preflight_script(&r, plan), PREFLIGHT_OK);
	sodium_bin2hex(hex, sizeof(hex), plan->sha256, 32);
	assert_string_equal(r.checks[3].detail, hex);
	assert_int_equal(preflight_quorum(&r, NULL, present), PREFLIGHT_E_ARG);
	assert_int_equal(preflight_media(&r, plan, NULL, NULL), PREFLIGHT_E_ARG);
	script_free(plan);

	/* Keys rebuilt from shares need only their thresholds. */
	assert_int_equal(script_load("tests/vectors/scripts/good/issuing-ca.yaml", &plan, &err),
			 SCRIPT_OK);
	for (unsigned i = 0; i < plan->participant_count; i++)
		present[i] = false;
	present[script_find_participant(plan, "carol")->index] = true;
	present[script_find_participant(plan, "erin")->index] = true;
	preflight_init(&r);
	preflight_quorum(&r, plan, present);
	assert_int_equal(r.count, 1);
	assert_false(r.checks[0].passed);
	present[script_find_participant(plan, "grace")->index] = true;
	preflight_quorum(&r, plan, present);
	assert_true(r.checks[1].passed);
	assert_string_equal(r.checks[1].detail,
			    "set root-custodians: quorum present; absent: dave, frank");
	script_free(plan);
}

static void test_run_and_report(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	struct preflight_report *r = malloc(sizeof(*r));
	struct preflight_config cfg;
	bool present[SCRIPT_MAX_PARTICIPANTS];
	char hashf[512];
	static const char *const order[] = {
	    "air-gap.interfaces",
	    "air-gap.pci",
	    "air-gap.radio",
	    "air-gap.usb",
	    "entropy",
	    "clock",
	    "image",
	    "script",
	    "quorum.root",
	    "quorum.contingency",
	    "quorum.contingency-symmetric",
	    "quorum.recovery",
	    "media",
	};

	(void)state;
	assert_non_null(r);
	assert_int_equal(script_load("scripts/smki-keygen.yaml", &plan, &err), SCRIPT_OK);
	for (unsigned i = 0; i < plan->participant_count; i++)
		present[i] = true;
	clean_machine();
	snprintf(hashf, sizeof(hashf), "%s/image.sha256", root);
	make("image.sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
	memset(&cfg, 0, sizeof(cfg));
	cfg.sysfs = sysfs();
	cfg.now = 1741433400;
	cfg.image_hash_file = hashf;
	cfg.plan = plan;
	cfg.present = present;
	cfg.medium_present = medium_present;
	cfg.entropy_timeout_ms = 1000;
	preflight_init(r);
	assert_int_equal(preflight_run(r, &cfg), PREFLIGHT_OK);
	assert_int_equal(r->count, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < r->count; i++) {
		assert_string_equal(r->checks[i].id, order[i]);
		if (!r->checks[i].passed)
			fail_msg("%s: %s", r->checks[i].id, r->checks[i].detail);
	}
	assert_true(preflight_go(r));

	/* The same machine with a network card plugged in: NO-GO. */
	make("sys/bus/pci/devices/0000:00:19.0/class", "0x020000\n");
	make("sys/class/net/enp0s25", NULL);
	preflight_init(r);
	assert_int_equal(preflight_run(r, &cfg), PREFLIGHT_OK);
	assert_false(preflight_go(r));
	assert_false(preflight_find(r, "air-gap.interfaces")->passed);
	assert_false(preflight_find(r, "air-gap.pci")->passed);
	assert_true(preflight_find(r, "clock")->passed);

	cfg.plan = NULL;
	assert_int_equal(preflight_run(r, &cfg), PREFLIGHT_E_ARG);
	script_free(plan);

	/* The report is bounded, and details are printable. */
	preflight_init(r);
	for (size_t i = 0; i < PREFLIGHT_MAX_CHECKS; i++)
		assert_int_equal(preflight_add(r, "selftest.x", true, "ok"), PREFLIGHT_OK);
	assert_int_equal(preflight_add(r, "selftest.y", true, "ok"), PREFLIGHT_E_FULL);
	preflight_init(r);
	assert_false(preflight_go(r));
	preflight_add(r, "selftest.slip39", false, "bad\x1b[31m\xc3\xa9");
	assert_string_equal(r->checks[0].detail, "bad?[31m??");
	assert_null(preflight_find(r, "selftest.none"));
	assert_string_equal(preflight_strerror(PREFLIGHT_E_FULL), "too many checks");
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_air_gap_clean, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_air_gap_interface, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_air_gap_pci_nic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_air_gap_pci_wireless_and_garbage, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_air_gap_no_sysfs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_air_gap_radio_usb, setup, teardown),
	    cmocka_unit_test(test_entropy),
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test_setup_teardown(test_image, setup, teardown),
	    cmocka_unit_test(test_quorum_media_script),
	    cmocka_unit_test_setup_teardown(test_run_and_report, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
