/*
 * SLIP-39: Shamir's secret sharing for mnemonic codes (satoshilabs/slips, slip-0039.md), the
 * whole scheme: two-level group sharing, the share mnemonic layout, the RS1024 checksum, the
 * digest share and the passphrase-keyed Feistel encryption, extendable shares included.
 *
 * Limits: master secrets of 16..32 bytes (even lengths), so mnemonics of 20..33 words; at most
 * 16 groups of 16 members; passphrases of printable ASCII (32..126), at most 1024 bytes.
 *
 * Secrets: the master secret, the passphrase, every share value and every mnemonic. Those this
 * module returns are in sodium_malloc memory that its free function wipes. Public: identifiers,
 * flags, iteration exponents, indices, thresholds and counts (they are on every share card).
 * Word lookups and all arithmetic on share values are constant time; splitting a mnemonic into
 * words (hence word lengths) is not.
 *
 * Numbering: the library uses the 0-based indices encoded in a share; slip39_where carries the
 * 1-based group and member numbers that people see ("group 1", "member 2").
 */
#ifndef SHAMIR_SLIP39_H
#define SHAMIR_SLIP39_H

#include <stddef.h>
#include <stdint.h>

#include "shamir/shamir.h"
#include "shamir/slip39_words.h"

enum slip39_err {
	SLIP39_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	SLIP39_OK = 0,
	/* arguments (splitting, combining) */
	SLIP39_E_PARAM,		/* a threshold, count or iteration exponent out of range */
	SLIP39_E_SECRET_LENGTH, /* master secret not 16..32 bytes, or odd */
	SLIP39_E_PASSPHRASE,	/* not printable ASCII, or longer than 1024 bytes */
	SLIP39_E_NOMEM,		/* sodium_malloc failed */
	SLIP39_E_CRYPTO,	/* OpenSSL's PBKDF2 failed */
	/* one mnemonic */
	SLIP39_E_WORD,	       /* a word not in the list (its position is reported) */
	SLIP39_E_LENGTH,       /* a number of words no share can have */
	SLIP39_E_CHECKSUM,     /* RS1024 checksum wrong */
	SLIP39_E_PADDING,      /* padding bits not zero */
	SLIP39_E_GROUP_PARAMS, /* group threshold above group count, or index */
	/* a set of shares */
	SLIP39_E_SET_MISMATCH,		    /* identifiers differ: not the same share set */
	SLIP39_E_PARAMS_MISMATCH,	    /* same set, other flag, exponent, groups or length */
	SLIP39_E_MEMBER_THRESHOLD_MISMATCH, /* a group's shares disagree on its threshold */
	SLIP39_E_DUPLICATE_MEMBER,	    /* a member index given twice in a group */
	SLIP39_E_GROUP_COMPLETE,	    /* the group already has its threshold of shares */
	SLIP39_E_TOO_MANY_GROUPS,	    /* shares already come from group-threshold groups */
	SLIP39_E_NO_SHARES,		    /* nothing to combine */
	SLIP39_E_MORE_SHARES,		    /* not enough shares yet: see slip39_status */
	SLIP39_E_DIGEST,		    /* the shares do not reproduce their digest */
};

#define SLIP39_SECRET_MIN 16
#define SLIP39_SECRET_MAX 32
#define SLIP39_PASSPHRASE_MAX 1024
#define SLIP39_GROUPS_MAX 16
#define SLIP39_MEMBERS_MAX 16
#define SLIP39_ID_MAX 0x7FFF
#define SLIP39_ITER_EXP_MAX 15
#define SLIP39_MNEMONIC_WORDS_MIN 20
#define SLIP39_MNEMONIC_WORDS_MAX 33
/* Bytes for the longest mnemonic: 33 words of up to 8 letters, 32 spaces, a NUL. */
#define SLIP39_MNEMONIC_MAX (SLIP39_MNEMONIC_WORDS_MAX * (SLIP39_WORD_MAX + 1))

/* Randomness for splitting: shamir_rng_system (randombytes_buf) in production. */
typedef shamir_rng_fn slip39_rng_fn;

/* One decoded share. value is secret: sodium_malloc'ed by slip39_share_decode (32 bytes, of
 * which len are used) and released by slip39_share_clear. */
struct slip39_share {
	uint16_t id;		  /* 15-bit share set identifier */
	uint8_t extendable;	  /* 0 or 1 */
	uint8_t iter_exp;	  /* e: 2500 << e PBKDF2 iterations per Feistel round */
	uint8_t group_index;	  /* 0..15 */
	uint8_t group_threshold;  /* 1..16 (encoded as value - 1) */
	uint8_t group_count;	  /* 1..16 (encoded as value - 1) */
	uint8_t member_index;	  /* 0..15 */
	uint8_t member_threshold; /* 1..16 (encoded as value - 1) */
	size_t len;		  /* share value length in bytes, 16..32 */
	uint8_t *value;
};

/* Where a problem is, for a message; any field may be 0 (unknown or not applicable). */
struct slip39_where {
	size_t share;	     /* 1-based position in the list given to slip39_combine */
	size_t word;	     /* 1-based word position, for SLIP39_E_WORD */
	unsigned int group;  /* 1-based group number (group index + 1) */
	unsigned int member; /* 1-based member number (member index + 1) */
};

/*
 * Parses one mnemonic of len bytes: lower-case words of the list separated by spaces (runs of
 * spaces and leading or trailing spaces are allowed), 20..33 of them, padding of at most 8 zero
 * bits, a valid checksum, group threshold <= group count > group index.
 * Returns SLIP39_OK with out filled (release with slip39_share_clear); otherwise an error, out
 * cleared with nothing allocated, and for SLIP39_E_WORD the 1-based position in *word
 * (word may be NULL).
 */
enum slip39_err slip39_share_decode(const char *mnemonic, size_t len, struct slip39_share *out, size_t *word);

/* Wipes and frees out->value (if any) and zeroes the struct. */
void slip39_share_clear(struct slip39_share *s);

/* Writes the mnemonic of s, NUL-terminated, into out (outlen >= SLIP39_MNEMONIC_MAX; secret).
 * Returns SLIP39_OK, or SLIP39_E_PARAM when a field is out of range (out then zeroed). */
enum slip39_err slip39_share_encode(const struct slip39_share *s, char *out, size_t outlen);

/* --- splitting --------------------------------------------------------------------------- */

struct slip39_group {
	uint8_t threshold; /* 1..count; 1 only with count 1 (the specification's advice) */
	uint8_t count;	   /* 1..16 */
};

/* The output of a split. The metadata is public; text is secret (sodium_malloc'ed). */
struct slip39_mnemonics {
	uint16_t id;
	uint8_t extendable;
	uint8_t iter_exp;
	uint8_t group_threshold;
	size_t ngroups;
	struct slip39_group groups[SLIP39_GROUPS_MAX];
	char *text; /* mnemonic (g, m) at text + (g * 16 + m) * SLIP39_MNEMONIC_MAX */
};

/*
 * GenerateShares: encrypts secret (len bytes) with the passphrase (pass may be NULL when
 * passlen is 0), splits it group_threshold-of-ngroups, then each group share
 * groups[g].threshold-of-groups[g].count. iter_exp is 0..15. rng supplies, in this order: two
 * bytes for the identifier (the top bit is dropped), then the randomness of the group split,
 * then that of each group's member split (see shamir_split).
 * Returns SLIP39_OK with *out set (release with slip39_mnemonics_free); otherwise
 * SLIP39_E_SECRET_LENGTH, SLIP39_E_PASSPHRASE, SLIP39_E_PARAM, SLIP39_E_NOMEM or
 * SLIP39_E_CRYPTO with *out NULL.
 */
enum slip39_err slip39_split(const uint8_t *secret, size_t len, const uint8_t *pass, size_t passlen,
		 int extendable, uint8_t iter_exp, uint8_t group_threshold,
		 const struct slip39_group *groups, size_t ngroups, slip39_rng_fn rng,
		 void *rng_ctx, struct slip39_mnemonics **out);

/* The mnemonic of member m (0-based) of group g (0-based), or NULL when there is none. */
const char *slip39_mnemonic(const struct slip39_mnemonics *ms, size_t g, size_t m);

/* Wipes and frees everything; NULL is allowed. */
void slip39_mnemonics_free(struct slip39_mnemonics *ms);

/* --- collecting and combining ------------------------------------------------------------ */

/*
 * Collects shares one at a time, each checked against those already accepted, so a caller can
 * tell a custodian at once whether a share belongs and what is still missing. Shares are
 * accepted exactly as the specification's combining rules require: one set (identifier,
 * extendable flag, iteration exponent, group threshold and count, length), distinct member
 * indices and one member threshold per group, never more shares in a group than its threshold,
 * never more groups than the group threshold. A rejected share leaves the collector unchanged.
 * The collector owns copies of the share values (sodium_malloc'ed, wiped on free).
 */
struct slip39_collector;

/* Returns SLIP39_OK or SLIP39_E_NOMEM (*out NULL). */
enum slip39_err slip39_collector_new(struct slip39_collector **out);

/* Wipes and frees; NULL is allowed. */
void slip39_collector_free(struct slip39_collector *c);

/* Decodes one mnemonic (as slip39_share_decode) and adds it. where (may be NULL) receives the
 * word position for SLIP39_E_WORD and the group and member numbers once the share decoded. */
enum slip39_err slip39_collector_add(struct slip39_collector *c, const char *mnemonic, size_t len,
			 struct slip39_where *where);

/* Adds an already decoded share (the value is copied). */
enum slip39_err slip39_collector_add_share(struct slip39_collector *c, const struct slip39_share *s,
			       struct slip39_where *where);

struct slip39_status {
	size_t shares;		 /* accepted so far; the fields below are valid when > 0 */
	uint16_t id;
	uint8_t extendable;
	uint8_t iter_exp;
	size_t len;		 /* master secret length in bytes */
	uint8_t group_threshold; /* groups needed */
	uint8_t group_count;
	uint8_t groups_started;	 /* groups with at least one share */
	uint8_t groups_complete; /* groups with their member threshold of shares */
	uint8_t groups_missing;	 /* group_threshold - groups_started: groups not yet begun */
	int ready;		 /* slip39_collector_combine has enough */
	struct {
		uint8_t present;   /* shares accepted from this group */
		uint8_t threshold; /* its member threshold; 0 while no share of it is seen */
		uint8_t needed;	   /* threshold - present */
	} group[SLIP39_GROUPS_MAX];
};

void slip39_collector_status(const struct slip39_collector *c, struct slip39_status *st);

/* Checks that the shares reproduce their digests at both levels, without the passphrase and
 * without PBKDF2, so a caller can confirm a quorum is sound before (or without) recovering the
 * secret. Returns SLIP39_OK; SLIP39_E_DIGEST (where->group set when a group's shares are at
 * fault), SLIP39_E_NO_SHARES, SLIP39_E_MORE_SHARES or SLIP39_E_NOMEM. */
enum slip39_err slip39_collector_verify(const struct slip39_collector *c, struct slip39_where *where);

/*
 * Recovers each group share, then the encrypted master secret, checking the digest at each
 * level, and decrypts it with the passphrase. A wrong passphrase is not detected: it yields a
 * different secret. Returns SLIP39_OK with *secret (sodium_malloc'ed, *len bytes; wipe with
 * sodium_memzero and release with sodium_free); otherwise SLIP39_E_NO_SHARES,
 * SLIP39_E_MORE_SHARES, SLIP39_E_DIGEST (where->group set when a group's shares are at fault),
 * SLIP39_E_PASSPHRASE, SLIP39_E_NOMEM or SLIP39_E_CRYPTO with *secret NULL.
 */
enum slip39_err slip39_collector_combine(const struct slip39_collector *c, const uint8_t *pass,
			     size_t passlen, uint8_t **secret, size_t *len,
			     struct slip39_where *where);

/* The whole combine at once: adds the n mnemonics in order (where->share names the first one
 * rejected), then combines. Same results and ownership as slip39_collector_combine. */
enum slip39_err slip39_combine(const char *const *mnemonics, size_t n, const uint8_t *pass, size_t passlen,
		   uint8_t **secret, size_t *len, struct slip39_where *where);

/* A one-line description of an error, without any share data. */
const char *slip39_strerror(enum slip39_err err);

#endif
