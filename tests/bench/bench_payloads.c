/* Figures: one sign-payloads step's work per payload, for a batch of 500 payloads of 256 octets
 * (the scale of an SMKI Recovery Procedure batch): ECDSA P-256 r || s signature, its check under
 * the key, the DER form, the two files written atomically and listed in SHA256SUMS
 * (media_write, as engine_write does), and the payload-signed transcript record (fdatasync'ed
 * by the writer). On tmpfs when there is one. Prints figures only; never fails on time. */
#include <dirent.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ceremony/pki/key.h"
#include "ceremony/pki/rawsig.h"
#include "ceremony/transcript/transcript.h"
#include "media/error.h"
#include "media/medium.h"

#define PAYLOADS 500
#define SIZE	 256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One payload, as sign_one in ceremony/engine/engine_recovery.c does it. */
static int sign_one(EVP_PKEY *key, struct media_medium *m, struct transcript *t, unsigned i,
		    double *sign_time)
{
	static const struct transcript_actor admin = {"administrator", "Alice Example"};
	uint8_t msg[SIZE], rs[PKI_RAWSIG_LEN], der[PKI_RAWSIG_DER_MAX], sha[32];
	char name[64], rs_hex[129], sha_hex[65];
	size_t der_len = 0;
	double t0 = now();
	json_t *d;
	int bad;

	memset(msg, (int)(i & 0xff), sizeof(msg));
	memcpy(msg, &i, sizeof(i));
	if (pki_rawsig_sign(key, msg, sizeof(msg), rs) != PKI_OK ||
	    pki_rawsig_verify(key, msg, sizeof(msg), rs) != PKI_OK ||
	    pki_rawsig_to_der(rs, der, sizeof(der), &der_len) != PKI_OK)
		return -1;
	*sign_time += now() - t0;
	crypto_hash_sha256(sha, msg, sizeof(msg));
	snprintf(name, sizeof(name), "payload-%04u.bin.rs", i);
	if (media_write(m, name, rs, sizeof(rs)) != MEDIA_OK)
		return -1;
	snprintf(name, sizeof(name), "payload-%04u.bin.sig", i);
	if (media_write(m, name, der, der_len) != MEDIA_OK)
		return -1;
	sodium_bin2hex(rs_hex, sizeof(rs_hex), rs, sizeof(rs));
	sodium_bin2hex(sha_hex, sizeof(sha_hex), sha, sizeof(sha));
	d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "key", "recovery", "payload", name,
		      "payload_sha256", sha_hex, "signature_rs", rs_hex, "file", name, "sha256",
		      sha_hex);
	bad = transcript_append(t, "sign", &admin, "payload-signed", d) != TRANSCRIPT_OK;
	json_decref(d);
	return bad ? -1 : 0;
}

/* Removes the scratch directory and the files in it (no subdirectories). */
static int remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[1024];
	int bad = d == NULL;

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path)) {
			bad = 1;
			continue;
		}
		bad |= unlink(path) != 0;
	}
	if (d != NULL)
		closedir(d);
	return bad | (rmdir(dir) != 0);
}

int main(void)
{
	static const struct transcript_actor admin = {"administrator", "Alice Example"};
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	char dir[512], path[600];
	struct transcript_start st = {0};
	struct transcript *t = NULL;
	struct media_medium *m = NULL;
	EVP_PKEY *key = NULL;
	double t0, total, sign_time = 0;
	int ret = 2;

	if (sodium_init() < 0 || pki_key_generate(PKI_ALG_EC_P256, &key) != PKI_OK)
		return 2;
	snprintf(dir, sizeof(dir), "%s/bench-payloads-XXXXXX", base ? base : "/tmp");
	if (mkdtemp(dir) == NULL)
		goto out;
	snprintf(path, sizeof(path), "%s/transcript.jsonl", dir);
	st.ceremony_id = "bench";
	st.title = "sign-payloads benchmark";
	st.rehearsal = 1;
	if (transcript_create(&t, path, NULL, &st, "1", &admin, NULL) != TRANSCRIPT_OK ||
	    media_open_dir(dir, 1, &m) != MEDIA_OK)
		goto out;
	t0 = now();
	for (unsigned i = 0; i < PAYLOADS; i++)
		if (sign_one(key, m, t, i, &sign_time) != 0)
			goto out;
	total = now() - t0;
	printf("sign-payloads: %u payloads of %u octets in %.2f s: %.1f ms a payload "
	       "(signing and checking %.2f ms; files, SHA256SUMS and record the rest) on %s\n",
	       PAYLOADS, SIZE, total, 1000 * total / PAYLOADS, 1000 * sign_time / PAYLOADS,
	       base ? base : "/tmp");
	ret = 0;
out:
	if (ret != 0)
		fprintf(stderr, "bench_payloads: setup or write failed in %s\n", dir);
	if (m != NULL)
		media_close(m);
	if (t != NULL)
		transcript_free(t);
	EVP_PKEY_free(key);
	if (remove_dir(dir) != 0)
		ret = 2;
	return ret;
}
