/*
 * The share file: one custodian's SLIP-39 mnemonic, sealed under their passphrase on their own
 * medium (docs/sharefile.md, version 1).
 *
 * A public header (readable with sharefile_peek, without the passphrase) says which ceremony,
 * key and share it holds; Argon2id (libsodium crypto_pwhash, parameters in the header, never
 * below sharefile_kdf_floor) turns the passphrase into the key of XChaCha20-Poly1305, whose
 * associated data is the whole header, so no header byte can change unnoticed.
 *
 * Secrets: the mnemonic and the passphrase. Pass them in sodium_malloc memory; the opened
 * mnemonic comes back in sodium_malloc memory that the caller owns (sodium_memzero, then
 * sodium_free). Derived keys and padded plaintext are wiped before any return. Error results
 * never say more than which check failed: a wrong passphrase and a tampered file are the same
 * SHAREFILE_E_DECRYPT.
 */
#ifndef SHAMIR_SHAREFILE_H
#define SHAMIR_SHAREFILE_H

#include <stddef.h>
#include <stdint.h>

#define SHAREFILE_VERSION 1
#define SHAREFILE_NAME_MAX 64	       /* ceremony id, key name: [A-Za-z0-9][A-Za-z0-9._-]* */
#define SHAREFILE_MNEMONIC_MAX 24576   /* bytes of mnemonic text */
#define SHAREFILE_MAX 32768	       /* bytes of a whole file */
#define SHAREFILE_PASSPHRASE_MIN 8     /* bytes, when sealing */
#define SHAREFILE_PASSPHRASE_MAX 1024  /* bytes */
#define SHAREFILE_PAD_BLOCK 256	       /* the mnemonic is padded to a multiple of this */

/* Argon2id cost: passes and memory in KiB (parallelism is always 1 in libsodium). */
struct sharefile_kdf {
	uint32_t opslimit;
	uint32_t memlimit_kib;
};

/* Production: libsodium's MODERATE (3 passes, 256 MiB). */
extern const struct sharefile_kdf sharefile_kdf_default;
/* The weakest accepted, for sealing and opening alike (2 passes, 19 MiB); tests use it. */
extern const struct sharefile_kdf sharefile_kdf_floor;
/* Rehearsal files only (flagged rehearsal in their header; production runs refuse them): 1 pass,
 * 8 MiB, libsodium's minimum, so a rehearsal in an emulated VM takes seconds per share, not
 * minutes. Their passphrases are public anyway. */
extern const struct sharefile_kdf sharefile_kdf_rehearsal;
/* The costliest accepted (16 passes, 1 GiB): a file cannot make open exhaust the machine. */
extern const struct sharefile_kdf sharefile_kdf_ceiling;

/* The public header. Indices are 0-based as in SLIP-39; thresholds and count are 1..16. */
struct sharefile_meta {
	char ceremony_id[SHAREFILE_NAME_MAX + 1];
	char key_name[SHAREFILE_NAME_MAX + 1];
	uint16_t identifier; /* the SLIP-39 identifier of the share set, 0..32767 */
	uint8_t group_index;
	uint8_t group_threshold; /* <= group_count */
	uint8_t group_count;
	uint8_t member_index;
	uint8_t member_threshold; /* 1 only with member_index 0 (SLIP-39) */
	int rehearsal;		  /* 1: made in rehearsal mode */
	uint64_t created;	  /* seconds since 1970 UTC, at most 9999-12-31 */
	unsigned char key_fpr[32]; /* SHA-256 of the key's DER SubjectPublicKeyInfo */
	struct sharefile_kdf kdf;  /* set by peek and open; seal takes its own argument */
};

enum sharefile_err {
	SHAREFILE_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	SHAREFILE_OK = 0,
	SHAREFILE_E_INVAL,	/* a bad argument or metadata field (seal) */
	SHAREFILE_E_NOMEM,	/* out of memory (Argon2id's memory included) */
	SHAREFILE_E_MAGIC,	/* not a share file */
	SHAREFILE_E_VERSION,	/* a version or algorithm this program does not know */
	SHAREFILE_E_FORMAT,	/* a header field out of range */
	SHAREFILE_E_TRUNCATED,	/* shorter than its header says */
	SHAREFILE_E_TRAILING,	/* longer than its header says */
	SHAREFILE_E_WEAK,	/* Argon2id parameters below the floor */
	SHAREFILE_E_COSTLY,	/* Argon2id parameters above the ceiling */
	SHAREFILE_E_PASSPHRASE, /* a passphrase of the wrong length */
	SHAREFILE_E_MNEMONIC,	/* not mnemonic text: lower-case words, single spaces */
	SHAREFILE_E_DECRYPT,	/* wrong passphrase, or the file was altered */
};

const char *sharefile_strerror(enum sharefile_err err);

/* Fills buf with len random bytes (salt, nonce); NULL means randombytes_buf. */
typedef void (*sharefile_random_fn)(void *ctx, unsigned char *buf, size_t len);

/* Seals mnemonic (1..SHAREFILE_MNEMONIC_MAX bytes of lower-case words separated by single
 * spaces) under passphrase (SHAREFILE_PASSPHRASE_MIN..MAX bytes) with cost kdf (NULL:
 * sharefile_kdf_default). On success *out is a malloc'ed file of *out_len bytes (public: free
 * it with free); on failure *out is NULL. */
enum sharefile_err sharefile_seal(const struct sharefile_meta *meta,
				  const struct sharefile_kdf *kdf, const char *mnemonic,
				  size_t mnemonic_len, const char *passphrase,
				  size_t passphrase_len, sharefile_random_fn rnd, void *rnd_ctx,
				  unsigned char **out, size_t *out_len);

/* Parses and checks the header (exact length included) without the passphrase. */
enum sharefile_err sharefile_peek(const unsigned char *file, size_t len,
				  struct sharefile_meta *meta);

/* Opens the file. On success *mnemonic is sodium_malloc'ed, NUL-terminated text of
 * *mnemonic_len bytes, and meta (if not NULL) the header; on failure *mnemonic is NULL.
 * passphrase: 1..SHAREFILE_PASSPHRASE_MAX bytes. */
enum sharefile_err sharefile_open(const unsigned char *file, size_t len, const char *passphrase,
				  size_t passphrase_len, struct sharefile_meta *meta,
				  char **mnemonic, size_t *mnemonic_len);

/* 1 if m is mnemonic text, else 0, in time that depends only on len (m is secret). */
int sharefile_mnemonic_ok(const char *m, size_t len);

#endif
