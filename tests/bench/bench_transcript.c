/* Figures: transcript records verified per second for 10 000, 50 000 and 100 000 records (target
 * at least 200 000 per second at 100 000, growing linearly), and the writer's rate. The
 * transcripts are written with the real writer, on tmpfs when there is one (the writer
 * fdatasyncs every record). Prints figures only; never fails on time. */
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/transcript/transcript.h"
#include "ceremony/transcript/transcript_verify.h"

#define CHECKPOINT_EVERY 1000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t bench_clock(void *ctx)
{
	long *n = ctx;

	return 1714554000 + (*n)++ / 10;
}

static int write_transcript(const char *path, size_t records)
{
	static const struct transcript_actor admin = { "administrator", "Alice Example" };
	static const struct transcript_actor witness = { "witness", "Bob Witness" };
	long tick = 0;
	struct transcript_env env = { bench_clock, NULL, &tick };
	struct transcript_start st = { 0 };
	struct transcript *t = NULL;
	unsigned char final[32];
	char hex[65];
	int ret = -1;

	st.ceremony_id = "bench";
	st.title = "benchmark ceremony";
	st.rehearsal = 1;
	if (transcript_create(&t, path, NULL, &st, "1", &admin, &env) != TRANSCRIPT_OK)
		return -1;
	memset(hex, 'a', 64);
	hex[64] = '\0';
	/* Typical records: an acknowledgement, a share handed over, a media write. */
	while (transcript_records(t) < records - 1) {
		size_t i = transcript_records(t);
		json_t *d;
		enum transcript_err e;

		if (i % CHECKPOINT_EVERY == 0) {
			e = transcript_checkpoint(t, "work", &admin, "phase");
		} else {
			if (i % 3 == 0)
				d = json_pack("{s:s,s:I}", "subject", "fingerprint read aloud",
					      "item", (json_int_t)i);
			else if (i % 3 == 1)
				d = json_pack("{s:s,s:s,s:I}", "text",
					      "custodian inserted medium and set a passphrase",
					      "medium", "custodian-7", "serial", (json_int_t)i);
			else
				d = json_pack("{s:s,s:s,s:s}", "description",
					      "witness stepped out and back in", "approved_by",
					      "Alice Example", "ref", hex);
			e = transcript_append(t, "work", &witness,
					      i % 3 == 0   ? "acknowledgement"
					      : i % 3 == 1 ? "note"
							   : "exception",
					      d);
			json_decref(d);
		}
		if (e != TRANSCRIPT_OK) {
			fprintf(stderr, "write: %s: %s\n", transcript_strerror(e),
				transcript_detail(t));
			goto out;
		}
	}
	if (transcript_close(t, "end", &admin, final) == TRANSCRIPT_OK)
		ret = 0;
out:
	transcript_free(t);
	return ret;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf = NULL;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 &&
	    cli_read_all(fd, (size_t)st.st_size, 0, &buf, len) != 0)
		buf = NULL;
	if (fd >= 0)
		close(fd);
	return buf;
}

int main(void)
{
	static const size_t sizes[] = { 10000, 50000, 100000 };
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	char path[512];

	if (sodium_init() < 0)
		return 2;
	if (base == NULL)
		base = "/tmp";
	printf("%-8s %10s %12s %12s %10s %12s\n", "records", "bytes", "write/s", "verify/s",
	       "us/record", "verify ms");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct transcript_summary sum;
		struct transcript_failure f;
		double t0, tw, best = 1e9;
		unsigned char *buf;
		size_t len = 0;

		snprintf(path, sizeof(path), "%s/bench-transcript-%ld.jsonl", base, (long)getpid());
		unlink(path);
		t0 = now();
		if (write_transcript(path, sizes[s]) != 0) {
			unlink(path);
			return 2;
		}
		tw = now() - t0;
		buf = slurp(path, &len);
		unlink(path);
		if (buf == NULL)
			return 2;
		for (int run = 0; run < 3; run++) {
			enum transcript_err e;

			t0 = now();
			e = transcript_verify(buf, len, NULL, &sum, &f);
			t0 = now() - t0;
			transcript_summary_free(&sum);
			if (e != TRANSCRIPT_OK || sum.records != sizes[s]) {
				fprintf(stderr, "verify: %s: %s\n", transcript_strerror(e), f.detail);
				free(buf);
				return 2;
			}
			if (t0 < best)
				best = t0;
		}
		printf("%-8zu %10zu %12.0f %12.0f %10.2f %12.1f\n", sizes[s], len,
		       (double)sizes[s] / tw, (double)sizes[s] / best, best * 1e6 / (double)sizes[s],
		       best * 1e3);
		free(buf);
	}
	printf("(checkpoint every %d records; verify/s is the best of 3 runs; target >= 200000)\n",
	       CHECKPOINT_EVERY);
	return 0;
}
