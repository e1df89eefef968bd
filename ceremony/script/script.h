/*
 * Ceremony scripts: the YAML file that describes one whole ceremony (docs/script.md, format
 * version 1), parsed strictly into a validated plan that the engine runs step by step.
 *
 * Contract:
 * - Input is at most SCRIPT_MAX_BYTES of printable UTF-8 (LF line ends, no tabs), one YAML
 *   document without anchors, aliases, tags or directives. Every key is known, every value typed
 *   and range-checked, every reference resolved, the profile and ordering rules hold
 *   (docs/script.md lists them). Any failure fills struct script_error with the 1-based line of
 *   the offending text and leaves *plan NULL.
 * - A plan is immutable once returned: all pointers inside it point into the plan (ids and text
 *   are NUL-terminated, printable UTF-8) and live until script_free().
 * - No secret ever passes through this module.
 */
#ifndef CEREMONY_SCRIPT_H
#define CEREMONY_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#define SCRIPT_VERSION	 1
#define SCRIPT_MAX_BYTES (256 * 1024)
/* Identifiers: 1..32 of [a-z0-9-], starting with a letter or digit, not ending with '-'. */
#define SCRIPT_ID_MAX	       32
#define SCRIPT_CEREMONY_ID_MAX 64
#define SCRIPT_NAME_MAX	       128  /* participant names, titles (bytes) */
#define SCRIPT_TEXT_MAX	       2048 /* acknowledgement texts (bytes) */
#define SCRIPT_FILE_MAX	       64   /* file names on a medium */

#define SCRIPT_MAX_PARTICIPANTS 64
#define SCRIPT_MAX_SETS		16
#define SCRIPT_MAX_GROUPS	16 /* SLIP-39: at most 16 groups */
#define SCRIPT_MAX_MEMBERS	16 /* SLIP-39: at most 16 members in a group */
#define SCRIPT_MAX_KEYS		32
#define SCRIPT_MAX_INPUTS	32
#define SCRIPT_MAX_OUTPUTS	64
#define SCRIPT_MAX_MEDIA	96
#define SCRIPT_MAX_STEPS	256
#define SCRIPT_MAX_RDNS		8
#define SCRIPT_MAX_POLICIES	8
#define SCRIPT_MAX_CONSTRAINTS	16
#define SCRIPT_MAX_REVOKED	256
#define SCRIPT_SERIAL_MAX	20 /* RFC 5280: serial numbers are at most 20 octets */
#define SCRIPT_MAX_PAYLOADS	1024 /* payloads one sign-payloads step signs */
#define SCRIPT_PAYLOAD_FILE_MAX 60   /* a payload's name leaves room for ".sig" */

#define SCRIPT_SHA256_LEN    32
#define SCRIPT_ENTITY_ID_LEN 8

enum script_err {
	SCRIPT_E_SIGNED_ = -1, /* never returned: a negative member makes the enum a signed type,
				   * so a code passes through an int without a change of sign */
	SCRIPT_OK = 0,
	SCRIPT_E_IO,	    /* the file cannot be read (operational, not a script fault) */
	SCRIPT_E_NOMEM,	    /* out of memory (operational) */
	SCRIPT_E_TOO_BIG,   /* more than SCRIPT_MAX_BYTES */
	SCRIPT_E_TEXT,	    /* not printable UTF-8 (control character, tab, CR, bidi ...) */
	SCRIPT_E_YAML,	    /* YAML syntax, or a YAML feature the format forbids */
	SCRIPT_E_SCHEMA,    /* unknown, duplicate or missing key; wrong type; malformed value */
	SCRIPT_E_RANGE,	    /* a number or a count outside its limits */
	SCRIPT_E_REFERENCE, /* a name that does not resolve, or is defined twice */
	SCRIPT_E_RULE,	    /* a profile, SLIP-39 or step-order rule is broken */
};

struct script_error {
	enum script_err code;
	unsigned line;	   /* 1-based line in the script; 0 when there is no place (I/O, memory) */
	char message[200]; /* one line, printable; names the key and value at fault */
};

enum script_profile { SCRIPT_PROFILE_SMKI, SCRIPT_PROFILE_GENERIC };

enum script_role {
	SCRIPT_ROLE_ADMINISTRATOR,
	SCRIPT_ROLE_WITNESS,
	SCRIPT_ROLE_CUSTODIAN,
	SCRIPT_ROLE_AUDITOR,
};
#define SCRIPT_ROLE_COUNT 4

struct script_participant {
	const char *id;	  /* identifier; never a role name */
	const char *name; /* full name as shown and recorded */
	enum script_role role;
	unsigned index; /* position in plan->participants: index into "present" arrays */
	unsigned line;
};

struct script_group {
	unsigned threshold; /* member threshold, 1..count; 1 only when count is 1 (SLIP-39) */
	unsigned count;	    /* 1..SCRIPT_MAX_MEMBERS */
	const struct script_participant *members[SCRIPT_MAX_MEMBERS];
};

/* A custodian set: the single form "threshold of members" is one group with group threshold 1.
 * No participant appears twice in a set. Shares are numbered 1..share_count, group by group in
 * the order written (see script_set_share). */
struct script_custodian_set {
	const char *id;
	unsigned group_threshold; /* 1..group_count */
	unsigned group_count;	  /* 1..SCRIPT_MAX_GROUPS */
	struct script_group groups[SCRIPT_MAX_GROUPS];
	unsigned share_count;
	unsigned line;
};

enum script_key_kind {
	SCRIPT_KEY_ROOT,
	SCRIPT_KEY_RECOVERY,
	SCRIPT_KEY_CONTINGENCY,
	SCRIPT_KEY_CONTINGENCY_SYMMETRIC,
	SCRIPT_KEY_ISSUING,
	SCRIPT_KEY_GENERIC,
};

enum script_algorithm {
	SCRIPT_ALG_EC_P256,
	SCRIPT_ALG_EC_P384,
	SCRIPT_ALG_RSA_3072,
	SCRIPT_ALG_RSA_4096,
	SCRIPT_ALG_ED25519,
	SCRIPT_ALG_AES_128, /* symmetric; its wrap algorithm is id-aes128-wrap-pad */
	SCRIPT_ALG_AES_256, /* symmetric; id-aes256-wrap-pad */
};

/* Where the key comes from in this ceremony. */
enum script_origin {
	SCRIPT_ORIGIN_GENERATE,	   /* generated here, then split to its custodians */
	SCRIPT_ORIGIN_SHARES,	   /* rebuilt here from shares of an earlier ceremony (an input) */
	SCRIPT_ORIGIN_CSR,	   /* only its public key, from a CSR (an input) */
	SCRIPT_ORIGIN_CERTIFICATE, /* only its public key, from a certificate (an input) */
};

/* One attribute of a distinguished name, in the order written (most significant first, as
 * in "OU=00, CN=ZA"). type is one of C, ST, L, O, OU, CN, serialNumber, DC. */
struct script_rdn {
	const char *type;
	const char *value;
};

struct script_name {
	unsigned count; /* 0: no subject */
	struct script_rdn rdn[SCRIPT_MAX_RDNS];
	const char *text; /* as written in the script, for display */
};

/* Validity: exactly one of years and days is non-zero when present; both zero when absent. */
struct script_validity {
	unsigned years;
	unsigned days;
};

enum script_constraint_type {
	SCRIPT_NC_DNS,	 /* dns:example.com or dns:.example.com */
	SCRIPT_NC_EMAIL, /* email:user@example.com, email:example.com, email:.example.com */
	SCRIPT_NC_URI,	 /* uri:example.com or uri:.example.com (a host, RFC 5280 4.2.1.10) */
	SCRIPT_NC_IP,	 /* ip:192.0.2.0/24 or ip:2001:db8::/32 (address/prefix) */
};

struct script_constraint {
	enum script_constraint_type type;
	const char *value; /* after the "type:" prefix */
};

struct script_input;

struct script_key {
	const char *id;
	enum script_key_kind kind;
	enum script_algorithm algorithm;
	enum script_origin origin;
	const struct script_input *input; /* SHARES, CSR, CERTIFICATE origins; NULL for GENERATE */
	const struct script_custodian_set *custodians; /* GENERATE and SHARES; NULL otherwise */
	const struct script_input *certificate; /* SHARES: its certificate (an input), or NULL */
	struct script_name subject;		/* count 0 when absent */
	struct script_validity validity;
	unsigned policy_count;
	const char *policies[SCRIPT_MAX_POLICIES]; /* dotted OIDs, checked well-formed */
	bool has_entity_id;			   /* recovery keys (SMKI): always */
	unsigned char entity_id[SCRIPT_ENTITY_ID_LEN];
	const struct script_key *wrapped_by; /* contingency: its contingency-symmetric key */
	const struct script_key *apex;	     /* root: the contingency key its certificate carries */
	const struct script_key *issuer;     /* who signs its certificate; NULL: self-signed/none */
	int path_length;		     /* generic: 0..16, or -1 when absent */
	unsigned permitted_count, excluded_count;
	struct script_constraint permitted[SCRIPT_MAX_CONSTRAINTS];
	struct script_constraint excluded[SCRIPT_MAX_CONSTRAINTS];
	unsigned index;
	unsigned line;
};

enum script_input_type {
	SCRIPT_INPUT_CSR,
	SCRIPT_INPUT_CERTIFICATE,
	SCRIPT_INPUT_SHARES,		/* shares of a key made by an earlier ceremony */
	SCRIPT_INPUT_TRANSCRIPT_DIGEST, /* the final digest of an earlier ceremony's transcript */
	SCRIPT_INPUT_DECISION,		/* the policy authority's decision document */
	SCRIPT_INPUT_PAYLOADS,		/* device-command payloads to sign, each approved */
};

/* One payload of a payloads input: its file (on the input's medium, or the prefix of its QR
 * images) and the SHA-256 of its exact bytes, approved in advance. */
struct script_payload {
	const char *file; /* at most SCRIPT_PAYLOAD_FILE_MAX characters */
	unsigned char sha256[SCRIPT_SHA256_LEN];
};

/* What a payload's signature covers (docs/profiles.md: GBCS's signing input is not confirmed
 * public, so the script says it). FILE_BYTES: ECDSA with SHA-256 over the file's exact bytes. */
enum script_signing_input { SCRIPT_SIGNING_FILE_BYTES };

enum script_source {
	SCRIPT_SOURCE_ANY,    /* the operator chooses at the time: medium or QR */
	SCRIPT_SOURCE_MEDIUM, /* a file on a medium */
	SCRIPT_SOURCE_QR,     /* QR codes (camera or images) */
};

struct script_medium;

struct script_input {
	const char *id;
	enum script_input_type type;
	enum script_source source;	    /* CSR, CERTIFICATE, TRANSCRIPT_DIGEST */
	const struct script_medium *medium; /* optional: where the file is */
	const char *file;		    /* optional: its name on that medium */
	bool has_sha256;		    /* the SHA-256 approved in advance, if any */
	unsigned char sha256[SCRIPT_SHA256_LEN];
	const char *ceremony; /* SHARES, TRANSCRIPT_DIGEST: the earlier ceremony's id */
	bool has_digest;      /* TRANSCRIPT_DIGEST: the approved final digest */
	unsigned char digest[SCRIPT_SHA256_LEN];
	const struct script_key *key; /* the key that names this input (NULL if none) */
	const char *reference;	      /* DECISION: the decision's reference, as published */
	unsigned payload_count;	      /* PAYLOADS: 1..SCRIPT_MAX_PAYLOADS */
	const struct script_payload *payloads;
	enum script_signing_input signing_input; /* PAYLOADS */
	unsigned line;
};

enum script_output_type {
	SCRIPT_OUTPUT_CERTIFICATE, /* PEM */
	SCRIPT_OUTPUT_CSR,	   /* PEM */
	SCRIPT_OUTPUT_CRL,	   /* PEM */
	SCRIPT_OUTPUT_TRANSCRIPT,  /* JSON Lines */
	SCRIPT_OUTPUT_SIGNATURES,  /* payload signatures: a list, and per payload .rs and .sig */
};

enum script_crl_reason {
	SCRIPT_REASON_UNSPECIFIED = 0,
	SCRIPT_REASON_KEY_COMPROMISE = 1,
	SCRIPT_REASON_CA_COMPROMISE = 2,
	SCRIPT_REASON_AFFILIATION_CHANGED = 3,
	SCRIPT_REASON_SUPERSEDED = 4,
	SCRIPT_REASON_CESSATION_OF_OPERATION = 5,
	SCRIPT_REASON_CERTIFICATE_HOLD = 6,
	SCRIPT_REASON_PRIVILEGE_WITHDRAWN = 9,
};

struct script_revoked {
	unsigned char serial[SCRIPT_SERIAL_MAX]; /* big-endian, positive, minimal */
	size_t serial_len;
	enum script_crl_reason reason; /* RFC 5280 CRLReason code */
};

struct script_output {
	const char *id;
	enum script_output_type type;
	const struct script_key
	    *key; /* whose certificate or CSR; the CRL's signer; NULL: transcript */
	const struct script_medium *medium; /* a public or backup medium */
	const char *file;		    /* name on the medium; (medium, file) pairs unique */
	bool qr;			    /* also shown as QR */
	struct script_validity next_update; /* CRL: thisUpdate + this = nextUpdate */
	unsigned revoked_count;
	struct script_revoked *revoked; /* CRL: revoked_count entries */
	unsigned line;
};

enum script_medium_kind {
	SCRIPT_MEDIUM_PUBLIC,	 /* certificates, CSRs, CRLs, the transcript: leaves the room */
	SCRIPT_MEDIUM_CUSTODIAN, /* one custodian's shares */
	SCRIPT_MEDIUM_BACKUP,	 /* a second copy of public outputs (the transcript) */
	SCRIPT_MEDIUM_INPUT,	 /* brings inputs in (CSRs, certificates); read only */
};

/* A medium's id is also its name: with the directory backend it is DIR/<id>/. */
struct script_medium {
	const char *id;
	enum script_medium_kind kind;
	const struct script_participant *holder; /* CUSTODIAN: whose; NULL otherwise */
	const char *label;			 /* free text for the inventory, or NULL */
	unsigned line;
};

enum script_action {
	SCRIPT_ACT_GO_NO_GO,
	SCRIPT_ACT_ATTENDANCE,
	SCRIPT_ACT_ENTROPY,
	SCRIPT_ACT_GENERATE_KEY,
	SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE,
	SCRIPT_ACT_EXPORT_CSR,
	SCRIPT_ACT_SHOW_FINGERPRINTS,
	SCRIPT_ACT_SPLIT_SHARES,
	SCRIPT_ACT_TEST_RECONSTRUCTION,
	SCRIPT_ACT_WRITE_PUBLIC_OUTPUTS,
	SCRIPT_ACT_COLLECT_SHARES,
	SCRIPT_ACT_SIGN_CSR,
	SCRIPT_ACT_SIGN_CRL,
	SCRIPT_ACT_IMPORT_CERTIFICATE,
	SCRIPT_ACT_CONTINGENCY_TEST,
	SCRIPT_ACT_CONTINGENCY_REPLACE,
	SCRIPT_ACT_RESHARE,
	SCRIPT_ACT_ACKNOWLEDGE,
	SCRIPT_ACT_CLOSE,
	SCRIPT_ACT_RECORD_DECISION,
	SCRIPT_ACT_SIGN_PAYLOADS,
	SCRIPT_ACT_RETIRE_KEY,
};
#define SCRIPT_ACTION_COUNT 22

/* Who acts: a role (every participant holding it) or one named participant. */
struct script_actor {
	bool is_role;
	enum script_role role;			      /* when is_role */
	const struct script_participant *participant; /* otherwise */
};

/* One step. Which of key/input/output/custodians/text are set depends on the action (the table
 * in docs/script.md); those not used are NULL. */
struct script_step {
	const char *id;
	const char *title;
	struct script_actor actor;
	enum script_action action;
	const struct script_key *key;
	const struct script_input *input;
	const struct script_output *output;
	const struct script_custodian_set *custodians; /* RESHARE: the new set */
	const char *text;			       /* ACKNOWLEDGE: what is confirmed */
	unsigned number;			       /* 1-based position */
	unsigned line;
};

struct script_plan {
	unsigned version;
	const char *id;
	const char *title;
	enum script_profile profile;
	unsigned char sha256[SCRIPT_SHA256_LEN]; /* of the script file's exact bytes */

	unsigned participant_count, set_count, key_count, input_count, output_count;
	unsigned medium_count, step_count;
	struct script_participant *participants;
	struct script_custodian_set *sets;
	struct script_key *keys;
	struct script_input *inputs;
	struct script_output *outputs;
	struct script_medium *media;
	struct script_step *steps;

	void *arena; /* private: the memory behind every string */
};

/* Reads and validates the script at path. Returns SCRIPT_OK with *plan set, or an error code
 * with *plan NULL and err filled (err->line 0 for IO and NOMEM). */
enum script_err script_load(const char *path, struct script_plan **plan, struct script_error *err);

/* The same from memory (len bytes, need not be NUL-terminated). */
enum script_err script_parse(const unsigned char *buf, size_t len, struct script_plan **plan,
			     struct script_error *err);

void script_free(struct script_plan *plan);

/* A short constant description of an error code. */
const char *script_strerror(enum script_err err);

/* Lookups by id; NULL when absent. */
const struct script_participant *script_find_participant(const struct script_plan *plan,
							 const char *id);
const struct script_custodian_set *script_find_set(const struct script_plan *plan, const char *id);
const struct script_key *script_find_key(const struct script_plan *plan, const char *id);
const struct script_input *script_find_input(const struct script_plan *plan, const char *id);
const struct script_output *script_find_output(const struct script_plan *plan, const char *id);
const struct script_medium *script_find_medium(const struct script_plan *plan, const char *id);
const struct script_step *script_find_step(const struct script_plan *plan, const char *id);
/* The custodian medium whose holder is p, or NULL. */
const struct script_medium *script_medium_of(const struct script_plan *plan,
					     const struct script_participant *p);

/* Names as written in scripts ("contingency-symmetric", "ec-p256", "split-shares" ...). */
const char *script_role_name(enum script_role role);
const char *script_key_kind_name(enum script_key_kind kind);
const char *script_algorithm_name(enum script_algorithm alg);
const char *script_origin_name(enum script_origin origin);
const char *script_action_name(enum script_action action);
const char *script_input_type_name(enum script_input_type type);
const char *script_output_type_name(enum script_output_type type);
const char *script_medium_kind_name(enum script_medium_kind kind);
const char *script_crl_reason_name(enum script_crl_reason reason);

/* Bits of the secret that is split into shares for this key: the private scalar or seed for
 * P-256 and Ed25519 keys (256), the key itself for AES (128, 256). P-384 and RSA private keys
 * are longer than SLIP-39 allows; for them the shared secret is a 256-bit key-encryption key
 * (docs/ceremonies.md). 0 when the key has no secret here (CSR/CERTIFICATE). */
unsigned script_key_secret_bits(const struct script_key *key);

/* SLIP-39 words in one share of a secret of that many bits: 7 + ceil(bits / 10), so 20 for 128
 * bits and 33 for 256 bits. 0 when bits is 0. */
unsigned script_share_words(unsigned secret_bits);

/* Share number n (1..set->share_count) of a set: its holder, 1-based group and member index. */
const struct script_participant *script_set_share(const struct script_custodian_set *set,
						  unsigned n, unsigned *group, unsigned *member);

/* True when the participants marked present (present[participant->index]) meet the set's
 * thresholds: group_threshold groups each with at least their member threshold present. With
 * all set, every member of the set must be present. */
bool script_set_present(const struct script_custodian_set *set, const bool *present, bool all);

/* The shares a test reconstruction uses: the first member-threshold shares of each of the first
 * group-threshold groups. Writes share numbers to out (at most max) and returns how many. */
unsigned script_set_quorum(const struct script_custodian_set *set, unsigned *out, unsigned max);

/* True when participant p acts in step s (holds the role, or is the named participant). */
bool script_actor_includes(const struct script_actor *actor, const struct script_participant *p);

/* The sets whose shares are written in this ceremony (split-shares: the key's set; reshare: the
 * step's new set), for step s; NULL for other actions. */
const struct script_custodian_set *script_step_share_set(const struct script_step *s);

/* The certificate input of a key: its input (origin certificate) or its `certificate` (origin
 * shares); NULL when it has none. */
const struct script_input *script_key_cert_input(const struct script_key *k);

/* The inputs step s reads, in the order it reads them (docs/answers.md, "Inputs"), at most max,
 * into out; returns how many. An input read by an earlier step is read only once: the reader
 * skips those it has. go-no-go reads the transcript-digest inputs; collect-shares the key's
 * certificate; sign-csr the issuer's certificate chain (Root first), then the CSR; sign-crl the
 * key's chain; import-certificate the chain the certificate must reach (for a recovery key,
 * every issuing key's), then the certificate; contingency-test its input; contingency-replace
 * the certificate of every other root key and of every contingency-test of its issuer. */
unsigned script_step_inputs(const struct script_plan *plan, const struct script_step *s,
			    const struct script_input **out, unsigned max);

/* Whether step s needs the private part of key k (the engine wipes a key after the last step
 * that does). Fingerprints and test reconstructions need only public values, but a key is kept
 * until its shares are tested. */
bool script_step_uses_key(const struct script_step *s, const struct script_key *k);

/* One line saying what a step does, for the printed script and the screen ("Generate the key
 * 'root' (root, ec-p256)"). Returns 0, or -1 when out is too small (out is then truncated). */
int script_step_summary(const struct script_step *s, char *out, size_t outlen);

#endif
