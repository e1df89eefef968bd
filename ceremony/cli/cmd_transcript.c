/*
 * ceremony transcript verify FILE [--artifacts DIR] [--expect-key KEY] [--expect-final DIGEST]
 *                                 [--json]
 * ceremony transcript show FILE
 *
 * verify: checks everything docs/transcript.md says a verifier checks and prints the auditor's
 * report (or a JSON report); show: every record, readable, those no signature covers marked.
 * Exit 0 valid, 1 invalid (the first bad record and why, or a value that differs from the one
 * expected), 2 usage or an unreadable file.
 */
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "ceremony/base/fpr.h"
#include "ceremony/transcript/transcript_verify.h"

static void usage(FILE *f)
{
	fputs("usage: ceremony transcript verify FILE [--artifacts DIR] [--expect-key KEY]\n"
	      "                                    [--expect-final DIGEST] [--json]\n"
	      "       ceremony transcript show FILE\n"
	      "\n"
	      "verify  check the hash chain, sequence, times, signatures and closing record;\n"
	      "        with --artifacts, that every file the transcript names is in DIR with\n"
	      "        its recorded SHA-256, every certificate, CSR and CRL verifies, and the\n"
	      "        transcript is anchored: every CA key whose certificate or CSR is in DIR\n"
	      "        signed it (proof of possession), and DIR's rehearsal marking is its own\n"
	      "        --expect-key, --expect-final: the transcript key and the final digest as\n"
	      "        the paper copies have them (hex in either case, spaces or not, or the\n"
	      "        PGP words): a difference is exit 1\n"
	      "show    print every record for people, marking those no signature covers\n"
	      "\n"
	      "exit status: 0 valid, 1 invalid, 2 usage or unreadable file\n",
	      f);
}

/* --- the report, gathered from the records as they verify ------------------------------- */

struct report {
	json_t *participants, *steps, *exceptions, *keys, *outputs, *shares, *possession,
		*checkpoints, *decisions, *inputs;
	json_t *sets; /* "key/identifier" -> the share count its "share set created" note gave */
	char first[32], last[32];
	char abort_reason[512];
	int show;		/* print each record as it verifies */
	const struct transcript_summary *signed_by; /* show: what the first pass found signed */
};

/* The values the paper copies hold, given on the command line (--expect-key, --expect-final). */
struct expect {
	int has_key, has_final;
	unsigned char key[32], final[32];
};

/* Whether no signature covers record seq: after the last signed record. */
static int is_unsigned(const struct transcript_summary *sum, size_t seq)
{
	return !sum->has_signed || seq > sum->last_signed;
}

static const char *sget(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* A shallow object of the named fields of data that are present. */
static json_t *pick(const json_t *data, const char *const *fields, size_t seq)
{
	json_t *o = json_pack("{s:I}", "record", (json_int_t)seq);

	for (size_t i = 0; o != NULL && fields[i] != NULL; i++) {
		json_t *v = json_object_get(data, fields[i]);

		if (v != NULL && json_object_set(o, fields[i], v) != 0) {
			json_decref(o);
			o = NULL;
		}
	}
	return o;
}

static int add_participant(struct report *r, const char *role, const char *name,
			   const json_t *extra)
{
	size_t i;
	json_t *p;

	json_array_foreach (r->participants, i, p)
		if (strcmp(sget(p, "role"), role) == 0 && strcmp(sget(p, "name"), name) == 0) {
			if (extra != NULL && json_object_get(extra, "identity") != NULL)
				json_object_set(p, "identity", json_object_get(extra, "identity"));
			return 0;
		}
	p = json_pack("{s:s,s:s}", "role", role, "name", name);
	if (p != NULL && extra != NULL && json_object_get(extra, "identity") != NULL)
		json_object_set(p, "identity", json_object_get(extra, "identity"));
	return json_array_append_new(r->participants, p);
}

static int add_step(struct report *r, size_t seq, const char *step, const char *time)
{
	json_t *last = json_array_get(r->steps, json_array_size(r->steps) - 1);

	if (last != NULL && strcmp(sget(last, "step"), step) == 0) {
		json_int_t n = json_integer_value(json_object_get(last, "records"));

		return json_object_set_new(last, "last_time", json_string(time)) ||
		       json_object_set_new(last, "records", json_integer(n + 1));
	}
	return json_array_append_new(r->steps,
				     json_pack("{s:s,s:I,s:s,s:s,s:I}", "step", step, "record",
					       (json_int_t)seq, "first_time", time, "last_time",
					       time, "records", (json_int_t)1));
}

static void show_record(size_t seq, const json_t *rec, int unsigned_)
{
	const json_t *actor = json_object_get(rec, "actor"), *data = json_object_get(rec, "data");
	const char *k;
	json_t *v;

	printf("%-6zu %s  %-20s  step %s, %s %s%s\n", seq, sget(rec, "time"), sget(rec, "event"),
	       sget(rec, "step"), sget(actor, "role"), sget(actor, "name"),
	       unsigned_ ? "  [UNSIGNED: no signature covers this record]" : "");
	json_object_foreach ((json_t *)(uintptr_t)data, k, v) {
		char *s;

		if (json_is_string(v)) {
			printf("         %-16s %s\n", k, json_string_value(v));
			continue;
		}
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		printf("         %-16s %s\n", k, s ? s : "?");
		free(s);
	}
}

/* A share as the screen named it: the person who brought or received it, and for a share
 * written here its number in its set ("share 1 of 5"), counted from 1 like the screen's. */
static json_t *share_entry(struct report *r, size_t seq, const char *event, const json_t *actor,
			   const json_t *data)
{
	static const char *const fields[] = { "key",	"group",  "member",	"number",
					      "holder", "medium", "file",	"sha256",
					      "identifier", "source", NULL };
	json_t *o = pick(data, fields, seq);
	char set[160];

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "event", json_string(event));
	json_object_set_new(o, "by", json_string(sget(actor, "name")));
	snprintf(set, sizeof(set), "%s/%" JSON_INTEGER_FORMAT, sget(data, "key"),
		 json_integer_value(json_object_get(data, "identifier")));
	if (strcmp(event, "share-written") == 0 && json_object_get(r->sets, set) != NULL)
		json_object_set(o, "of", json_object_get(r->sets, set));
	return o;
}

/* Notes the report shows: a share set created (its size numbers the shares) and a share
 * refused at a key-use ceremony (what was refused, brought by whom, and why). */
static int on_note(struct report *r, size_t seq, const json_t *actor, const json_t *data)
{
	const char *text = sget(data, "text");
	char set[160];

	if (strcmp(text, "share set created") == 0) {
		snprintf(set, sizeof(set), "%s/%" JSON_INTEGER_FORMAT, sget(data, "key"),
			 json_integer_value(json_object_get(data, "identifier")));
		return json_object_set(r->sets, set, json_object_get(data, "count"));
	}
	if (strcmp(text, "share refused") == 0)
		return json_array_append_new(
			r->shares, json_pack("{s:I,s:s,s:s,s:s,s:s}", "record", (json_int_t)seq,
					     "event", "share-refused", "key", sget(data, "key"),
					     "by", sget(actor, "name"), "reason",
					     sget(data, "reason")));
	return 0;
}

/* For `show`: a share record's share as the screen named it (numbers from 1, "share 1 of 5"
 * when the record has its number), under the record's own members (SLIP-39 indices from 0). */
static void show_share(const struct report *r, const json_t *data)
{
	json_t *num = json_object_get(data, "number"), *of;
	char set[160];

	if (!json_is_integer(json_object_get(data, "group")) ||
	    !json_is_integer(json_object_get(data, "member")))
		return;
	snprintf(set, sizeof(set), "%s/%" JSON_INTEGER_FORMAT, sget(data, "key"),
		 json_integer_value(json_object_get(data, "identifier")));
	of = json_object_get(r->sets, set);
	printf("         %-16s %s share", "as on screen", sget(data, "key"));
	if (num != NULL)
		printf(" %" JSON_INTEGER_FORMAT, json_integer_value(num));
	if (num != NULL && of != NULL)
		printf(" of %" JSON_INTEGER_FORMAT, json_integer_value(of));
	printf(" (group %" JSON_INTEGER_FORMAT ", member %" JSON_INTEGER_FORMAT ")\n",
	       json_integer_value(json_object_get(data, "group")) + 1,
	       json_integer_value(json_object_get(data, "member")) + 1);
}

/* The decision, and the failed checks the administrator overrode, by name. */
static json_t *decision(size_t seq, const char *time, const json_t *data)
{
	json_t *o = json_pack("{s:I,s:s,s:s}", "record", (json_int_t)seq, "time", time,
			      "decision", sget(data, "decision"));

	if (o != NULL && json_is_array(json_object_get(data, "overrides")))
		json_object_set(o, "overrides", json_object_get(data, "overrides"));
	return o;
}

static json_t *exception(size_t seq, const json_t *rec, const json_t *data)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s}", "record", (json_int_t)seq, "step",
			      sget(rec, "step"), "time", sget(rec, "time"), "description",
			      sget(data, "description"), "approved_by", sget(data, "approved_by"));

	/* An overridden go/no-go check names itself and what failed. */
	if (o != NULL && json_object_get(data, "check") != NULL)
		json_object_set(o, "check", json_object_get(data, "check"));
	if (o != NULL && json_object_get(data, "detail") != NULL)
		json_object_set(o, "detail", json_object_get(data, "detail"));
	return o;
}

static int on_record(void *ctx, size_t seq, const json_t *rec)
{
	static const char *const key_fields[] = { "key",	 "kind",	"algorithm",
						  "spki_sha256", "check_value", "shares",
						  "input",	 NULL };
	static const char *const out_fields[] = { "file",	"sha256", "key",   "issuer",
						  "cert_sha256", "csr_sha256", "medium", NULL };
	static const char *const in_fields[] = { "input",	"kind",	   "key",	  "source",
						 "medium",	"file",	   "sha256",	  "cert_sha256",
						 "csr_sha256", "ceremony", "final_digest", NULL };
	static const char *const pop_fields[] = { "key", "algorithm", "spki_sha256", NULL };
	struct report *r = ctx;
	const json_t *actor = json_object_get(rec, "actor"), *data = json_object_get(rec, "data");
	const char *event = sget(rec, "event"), *time = sget(rec, "time");
	int bad = 0;

	if (r->show)
		show_record(seq, rec, r->signed_by == NULL || is_unsigned(r->signed_by, seq));
	if (r->show)
		show_share(r, data);
	if (seq == 0)
		snprintf(r->first, sizeof(r->first), "%s", time);
	snprintf(r->last, sizeof(r->last), "%s", time);
	bad |= add_participant(r, sget(actor, "role"), sget(actor, "name"), NULL);
	bad |= add_step(r, seq, sget(rec, "step"), time);
	if (strcmp(event, "input-imported") == 0)
		bad |= json_array_append_new(r->inputs, pick(data, in_fields, seq));
	if (strcmp(event, "attendance") == 0)
		bad |= add_participant(r, sget(data, "role"), sget(data, "name"), data);
	else if (strcmp(event, "exception") == 0)
		bad |= json_array_append_new(r->exceptions, exception(seq, rec, data));
	else if (strcmp(event, "note") == 0)
		bad |= on_note(r, seq, actor, data);
	else if (strcmp(event, "key-generated") == 0 || strcmp(event, "key-reconstructed") == 0 ||
		 (strcmp(event, "input-imported") == 0 && json_object_get(data, "key"))) {
		json_t *o = pick(data, key_fields, seq);

		bad |= o == NULL || json_object_set_new(o, "event", json_string(event)) != 0;
		bad |= json_array_append_new(r->keys, o);
	}
	else if (strcmp(event, "certificate-issued") == 0 || strcmp(event, "csr-exported") == 0 ||
		 strcmp(event, "crl-issued") == 0 || strcmp(event, "media-written") == 0) {
		json_t *o = pick(data, out_fields, seq);

		bad |= o == NULL || json_object_set_new(o, "event", json_string(event)) != 0;
		bad |= json_array_append_new(r->outputs, o);
	} else if (strcmp(event, "share-written") == 0 || strcmp(event, "share-collected") == 0 ||
		   strcmp(event, "shares-superseded") == 0) {
		bad |= json_array_append_new(r->shares, share_entry(r, seq, event, actor, data));
	} else if (strcmp(event, "share-accepted") == 0) {
		size_t i;
		json_t *s;

		json_array_foreach (r->shares, i, s)
			if (strcmp(sget(s, "key"), sget(data, "key")) == 0 &&
			    json_equal(json_object_get(s, "group"), json_object_get(data, "group")) &&
			    json_equal(json_object_get(s, "member"), json_object_get(data, "member")))
				bad |= json_object_set(s, "bag", json_object_get(data, "bag"));
	} else if (strcmp(event, "proof-of-possession") == 0) {
		bad |= json_array_append_new(r->possession, pick(data, pop_fields, seq));
	} else if (strcmp(event, "checkpoint") == 0) {
		bad |= json_array_append_new(r->checkpoints,
					     json_pack("{s:I,s:s,s:s}", "record", (json_int_t)seq,
						       "time", time, "phase", sget(data, "phase")));
	} else if (strcmp(event, "go-no-go") == 0) {
		bad |= json_array_append_new(r->decisions, decision(seq, time, data));
	} else if (strcmp(event, "abort") == 0) {
		snprintf(r->abort_reason, sizeof(r->abort_reason), "%s", sget(data, "reason"));
	}
	return bad;
}

static void hexstr(const unsigned char *d, char out[65])
{
	sodium_bin2hex(out, 65, d, 32);
}

/* Whether the value was given and matched (1), given and differs (-1), or not given (0). */
static int expected(int given, const unsigned char want[32], const unsigned char got[32])
{
	if (!given)
		return 0;
	return sodium_memcmp(want, got, 32) == 0 ? 1 : -1;
}

static const char *expect_word(int v)
{
	return v > 0 ? "match" : v < 0 ? "differs" : "not given";
}

/* What the paper copies still have to be compared with by hand, and what was compared. */
static void json_paper(json_t *o, const struct transcript_summary *sum, const struct expect *x)
{
	int k = expected(x->has_key, x->key, sum->transcript_key);
	int f = expected(x->has_final, x->final, sum->final_digest);
	json_t *hand = json_array();

	json_object_set_new(o, "expected", json_pack("{s:s,s:s}", "transcript_key",
						     expect_word(k), "final_digest",
						     expect_word(f)));
	if (k == 0)
		json_array_append_new(hand, json_string("transcript_key"));
	if (f == 0 && sum->outcome != TRANSCRIPT_OPEN)
		json_array_append_new(hand, json_string("final_digest"));
	if (sum->start != NULL && json_object_get(sum->start, "predecessor") != NULL)
		json_array_append_new(hand, json_string("predecessor"));
	json_object_set_new(o, "compare_by_hand", hand);
}

/* Which records a signature covers; the rest anyone could have written. */
static void json_coverage(json_t *o, const struct transcript_summary *sum)
{
	json_object_set_new(o, "signed_through", sum->has_signed
							 ? json_integer((json_int_t)sum->last_signed)
							 : json_null());
	if (sum->records > 0 && is_unsigned(sum, sum->records - 1))
		json_object_set_new(o, "unsigned_records",
				    json_pack("{s:I,s:I}", "first",
					      (json_int_t)(sum->has_signed ? sum->last_signed + 1 : 0),
					      "last", (json_int_t)(sum->records - 1)));
	else
		json_object_set_new(o, "unsigned_records", json_null());
}

static json_t *json_report(const struct report *r, const char *file, enum transcript_err err,
			   const struct transcript_summary *sum,
			   const struct transcript_failure *fail, int artifacts,
			   const struct expect *x)
{
	static const char *const outcomes[] = { "open", "closed", "aborted" };
	json_t *o = json_object(), *error = json_null(), *start = sum->start;
	char hex[65];

	if (err != TRANSCRIPT_OK) {
		error = json_pack("{s:s,s:s}", "code", transcript_errname(err), "detail", fail->detail);
		if (error && fail->at_record)
			json_object_set_new(error, "record", json_integer((json_int_t)fail->record));
	}
	json_object_set_new(o, "valid", json_boolean(err == TRANSCRIPT_OK));
	json_object_set_new(o, "error", error);
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "format", json_integer(1));
	json_object_set_new(o, "records", json_integer((json_int_t)sum->records));
	if (start != NULL) {
		static const char *const fields[] = { "ceremony",     "title",	      "rehearsal",
						      "script_sha256", "image_sha256",
						      "transcript_key", "predecessor" };

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (json_object_get(start, fields[i]))
				json_object_set(o, fields[i], json_object_get(start, fields[i]));
		json_object_set_new(o, "first_time", json_string(r->first));
		json_object_set_new(o, "last_time", json_string(r->last));
	}
	json_object_set_new(o, "outcome", json_string(outcomes[sum->outcome]));
	if (sum->outcome == TRANSCRIPT_ABORTED)
		json_object_set_new(o, "abort_reason", json_string(r->abort_reason));
	if (sum->outcome != TRANSCRIPT_OPEN) {
		hexstr(sum->final_digest, hex);
		json_object_set_new(o, "final_digest", json_string(hex));
	}
	json_object_set(o, "decisions", r->decisions);
	json_object_set(o, "participants", r->participants);
	json_object_set(o, "steps", r->steps);
	json_object_set(o, "exceptions", r->exceptions);
	json_object_set(o, "keys", r->keys);
	json_object_set(o, "inputs", r->inputs);
	json_object_set(o, "outputs", r->outputs);
	json_object_set(o, "shares", r->shares);
	json_object_set(o, "possession", r->possession);
	json_object_set(o, "checkpoints", r->checkpoints);
	json_object_set_new(o, "artifacts",
			    artifacts ? json_pack("{s:I,s:I}", "files",
						  (json_int_t)sum->artifacts_checked, "objects",
						  (json_int_t)sum->objects_checked)
				      : json_null());
	json_object_set_new(o, "anchored", json_boolean(sum->anchored));
	json_coverage(o, sum);
	json_paper(o, sum, x);
	return o;
}

/* A digest as grouped hex, and as PGP words when people read it aloud against a paper copy. */
static void print_digest(const char *label, const char *hex, int words)
{
	unsigned char d[32];
	char h[FPR_HEX_32], w[FPR_WORDS_32];

	if (sodium_hex2bin(d, sizeof(d), hex, strlen(hex), NULL, NULL, NULL) != 0 ||
	    fpr_hex(d, 32, h, sizeof(h)) != 0 || fpr_words(d, 32, w, sizeof(w)) != 0) {
		printf("%-16s %s\n", label, hex);
		return;
	}
	printf("%-16s %s\n", label, h);
	if (words)
		printf("%-16s %s\n", "", w);
}

/* The values the paper copies hold, each labelled for what it is: those of record 0 ... */
static void print_start_values(const json_t *o)
{
	if (json_object_get(o, "predecessor")) {
		printf("predecessor      the final digest of the earlier ceremony's transcript "
		       "(SHA-256)\n");
		print_digest("", sget(o, "predecessor"), 1);
	}
	printf("transcript key   the Ed25519 public key of record 0 (32 bytes, not a digest)\n");
	print_digest("", sget(o, "transcript_key"), 1);
}

/* ... and the close's. */
static void print_final(const json_t *o)
{
	printf("final digest     the SHA-256 of the record before the close\n");
	print_digest("", sget(o, "final_digest"), 1);
}

/* What the ceremony was: the start record's public fields and the outcome. */
static void print_summary(const json_t *o)
{
	printf("transcript       VALID (%s)\n", sget(o, "file"));
	printf("ceremony         %s\n", sget(o, "ceremony"));
	printf("title            %s\n", sget(o, "title"));
	if (json_is_true(json_object_get(o, "rehearsal")))
		printf("mode             REHEARSAL\n");
	else
		printf("mode             production\n");
	printf("outcome          %s", sget(o, "outcome"));
	if (strcmp(sget(o, "outcome"), "aborted") == 0)
		printf(": %s", sget(o, "abort_reason"));
	printf("\nrecords          %" JSON_INTEGER_FORMAT ", %s to %s\n",
	       json_integer_value(json_object_get(o, "records")), sget(o, "first_time"),
	       sget(o, "last_time"));
	printf("script sha256    %s\n", sget(o, "script_sha256"));
	printf("image sha256     %s\n", sget(o, "image_sha256"));
	print_start_values(o);
}

/* How it went: the go/no-go decisions, who was there, the steps, the exceptions. */
static void print_conduct(const json_t *o)
{
	size_t i;
	json_t *v;

	printf("\ngo/no-go\n");
	json_array_foreach (json_object_get(o, "decisions"), i, v) {
		size_t j;
		json_t *c;

		printf("  record %-6" JSON_INTEGER_FORMAT " %s  %s",
		       json_integer_value(json_object_get(v, "record")), sget(v, "time"),
		       sget(v, "decision"));
		/* The failed checks the administrator overrode, by name (a rehearsal only). */
		json_array_foreach (json_object_get(v, "overrides"), j, c)
			printf("%s%s", j ? ", " : "; overridden: ", json_string_value(c));
		printf("\n");
	}
	printf("\nparticipants\n");
	json_array_foreach (json_object_get(o, "participants"), i, v) {
		printf("  %-14s %s", sget(v, "role"), sget(v, "name"));
		if (json_object_get(v, "identity"))
			printf(" (identity: %s)", sget(v, "identity"));
		printf("\n");
	}
	printf("\nsteps\n");
	json_array_foreach (json_object_get(o, "steps"), i, v) {
		json_int_t first = json_integer_value(json_object_get(v, "record"));

		printf("  %-16s %s .. %s  records %" JSON_INTEGER_FORMAT "-%" JSON_INTEGER_FORMAT
		       "\n",
		       sget(v, "step"), sget(v, "first_time"), sget(v, "last_time"), first,
		       first + json_integer_value(json_object_get(v, "records")) - 1);
	}
	printf("\nexceptions\n");
	if (json_array_size(json_object_get(o, "exceptions")) == 0)
		printf("  none\n");
	json_array_foreach (json_object_get(o, "exceptions"), i, v) {
		printf("  record %" JSON_INTEGER_FORMAT " (step %s, %s): %s",
		       json_integer_value(json_object_get(v, "record")), sget(v, "step"),
		       sget(v, "time"), sget(v, "description"));
		if (json_object_get(v, "check"))
			printf(" %s (%s)", sget(v, "check"), sget(v, "detail"));
		printf("; approved by %s\n", sget(v, "approved_by"));
	}
}

/* before, the member's text and after, when v has the member. */
static void opt(const json_t *v, const char *member, const char *before, const char *after)
{
	if (json_object_get(v, member) != NULL)
		printf("%s%s%s", before, sget(v, member), after);
}

/* A file's hash, and the fingerprints people read aloud: a certificate's or CSR's DER hash. */
static void print_object_hashes(const json_t *v)
{
	if (json_object_get(v, "sha256"))
		print_digest("    file sha256", sget(v, "sha256"), 0);
	if (json_object_get(v, "cert_sha256"))
		print_digest("    cert sha256", sget(v, "cert_sha256"), 1);
	/* The CSR's fingerprint read aloud: the SHA-256 of its DER, not of the PEM file. */
	if (json_object_get(v, "csr_sha256"))
		print_digest("    csr sha256", sget(v, "csr_sha256"), 1);
}

/* What came in: certificates, CSRs and earlier transcripts, with the fingerprints people
 * compared with their senders'. */
static void print_inputs(const json_t *o)
{
	size_t i;
	json_t *v;

	if (json_array_size(json_object_get(o, "inputs")) == 0)
		return;
	printf("\ninputs\n");
	json_array_foreach (json_object_get(o, "inputs"), i, v) {
		printf("  %s: %s", sget(v, "input"), sget(v, "kind"));
		opt(v, "medium", ", ", "/");
		opt(v, "file", "", "");
		opt(v, "source", " (by ", ")");
		opt(v, "ceremony", " of ceremony ", "\n");
		if (json_object_get(v, "ceremony") == NULL)
			printf("\n");
		print_object_hashes(v);
		if (json_object_get(v, "final_digest"))
			print_digest("    final digest", sget(v, "final_digest"), 1);
	}
}

/* The keys made or used, and the files published. */
static void print_keys(const json_t *o)
{
	size_t i;
	json_t *v;

	printf("\nkeys\n");
	json_array_foreach (json_object_get(o, "keys"), i, v) {
		const char *ev = sget(v, "event");

		if (strcmp(ev, "key-reconstructed") == 0)
			printf("  %s: rebuilt from %" JSON_INTEGER_FORMAT " shares\n", sget(v, "key"),
			       json_integer_value(json_object_get(v, "shares")));
		else if (strcmp(ev, "input-imported") == 0)
			printf("  %s: public key from %s input %s\n", sget(v, "key"),
			       sget(v, "kind"), sget(v, "input"));
		else if (json_object_get(v, "kind"))
			printf("  %s (%s, %s)\n", sget(v, "key"), sget(v, "kind"),
			       sget(v, "algorithm"));
		else
			printf("  %s (%s)\n", sget(v, "key"), sget(v, "algorithm"));
		if (json_object_get(v, "spki_sha256"))
			print_digest("    spki sha256", sget(v, "spki_sha256"), 1);
		/* A symmetric key's check value, read aloud as its fingerprint was. */
		if (json_object_get(v, "check_value"))
			print_digest("    check value", sget(v, "check_value"), 1);
	}
	print_inputs(o);
	printf("\noutputs\n");
	json_array_foreach (json_object_get(o, "outputs"), i, v) {
		printf("  %s: %s", sget(v, "event"), sget(v, "file"));
		opt(v, "key", " (key ", ")");
		opt(v, "issuer", " (issuer ", ")");
		printf("\n");
		print_object_hashes(v);
	}
}

/* A share named as the screen named it: "share 1 of 5 (group 1, member 1)" for one written
 * here, "group 1, member 3" for one brought to a key-use ceremony (numbers from 1). */
static void share_name(const json_t *v)
{
	json_int_t g = json_integer_value(json_object_get(v, "group")) + 1;
	json_int_t m = json_integer_value(json_object_get(v, "member")) + 1;

	if (json_object_get(v, "number") && json_object_get(v, "of"))
		printf("  %s share %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT, sget(v, "key"),
		       json_integer_value(json_object_get(v, "number")),
		       json_integer_value(json_object_get(v, "of")));
	else if (json_object_get(v, "number"))
		printf("  %s share %" JSON_INTEGER_FORMAT, sget(v, "key"),
		       json_integer_value(json_object_get(v, "number")));
	else
		printf("  %s share", sget(v, "key"));
	printf(" (group %" JSON_INTEGER_FORMAT ", member %" JSON_INTEGER_FORMAT ")", g, m);
}

/* Where the shares went, which ones a key-use ceremony was brought and by whom, which it
 * refused and why, and which sets a reshare replaced. */
static void print_shares(const json_t *o)
{
	size_t i;
	json_t *v;

	printf("\nshares\n");
	json_array_foreach (json_object_get(o, "shares"), i, v) {
		const char *ev = sget(v, "event");

		if (strcmp(ev, "shares-superseded") == 0) {
			printf("  %s set %" JSON_INTEGER_FORMAT " superseded\n", sget(v, "key"),
			       json_integer_value(json_object_get(v, "identifier")));
		} else if (strcmp(ev, "share-refused") == 0) {
			printf("  %s share REFUSED at record %" JSON_INTEGER_FORMAT
			       ", brought by %s: %s\n",
			       sget(v, "key"), json_integer_value(json_object_get(v, "record")),
			       sget(v, "by"), sget(v, "reason"));
		} else if (strcmp(ev, "share-collected") == 0) {
			share_name(v);
			printf(": brought by %s (%s), by %s, from set %" JSON_INTEGER_FORMAT "\n",
			       sget(v, "by"), sget(v, "holder"), sget(v, "source"),
			       json_integer_value(json_object_get(v, "identifier")));
		} else {
			share_name(v);
			printf(": %s", sget(v, "by"));
			if (json_object_get(v, "holder"))
				printf(" (%s)", sget(v, "holder"));
			printf(", medium %s, file %s, bag %s\n", sget(v, "medium"), sget(v, "file"),
			       json_object_get(v, "bag") ? sget(v, "bag") : "(none)");
		}
	}
}

/* The values given on the command line, and what is left to compare with the paper copies. */
static void print_paper(const json_t *o)
{
	const json_t *x = json_object_get(o, "expected"), *hand = json_object_get(o, "compare_by_hand");
	static const char *const names[][2] = { { "transcript_key", "the transcript key" },
						{ "final_digest", "the final digest" },
						{ "predecessor", "the predecessor digest" } };
	size_t n = json_array_size(hand), i;
	json_t *v;

	printf("\n");
	if (strcmp(sget(x, "transcript_key"), "match") == 0)
		printf("The transcript key matches --expect-key.\n");
	if (strcmp(sget(x, "final_digest"), "match") == 0)
		printf("The final digest matches --expect-final.\n");
	if (n == 0) {
		printf("Nothing is left to compare by hand.\n");
		return;
	}
	printf("Compare by hand with the paper copies: ");
	json_array_foreach (hand, i, v)
		for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
			if (strcmp(json_string_value(v), names[j][0]) == 0)
				printf("%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ", names[j][1]);
	printf(".\n");
}

/* The signatures and artifacts that verified, and the final digest. */
static void print_signatures(const json_t *o)
{
	size_t i;
	json_t *v;

	printf("\nsignatures\n");
	printf("  checkpoints      %zu verified\n", json_array_size(json_object_get(o, "checkpoints")));
	json_array_foreach (json_object_get(o, "possession"), i, v)
		printf("  possession       %s (%s) verified at record %" JSON_INTEGER_FORMAT "\n",
		       sget(v, "key"), sget(v, "algorithm"),
		       json_integer_value(json_object_get(v, "record")));
	v = json_object_get(o, "artifacts");
	if (json_is_object(v))
		printf("  artifacts        %" JSON_INTEGER_FORMAT " file(s) match, %" JSON_INTEGER_FORMAT
		       " certificate(s)/CSR(s)/CRL(s) verify\n",
		       json_integer_value(json_object_get(v, "files")),
		       json_integer_value(json_object_get(v, "objects")));
	else
		printf("  artifacts        not checked (use --artifacts DIR)\n");
	if (json_is_true(json_object_get(o, "anchored")))
		printf("  anchored         every CA key whose certificate or CSR is in the artifacts,\n"
		       "                   or that was held at the close, signed this transcript\n");
	else
		printf("  NOT ANCHORED     without --artifacts, anyone with a key of their own could\n"
		       "                   have written this transcript: only the paper copies tell\n");
	printf("\n");
	print_final(o);
	print_paper(o);
}

static void print_report(const json_t *o)
{
	print_summary(o);
	print_conduct(o);
	print_keys(o);
	print_shares(o);
	print_signatures(o);
}

/* --- the verbs -------------------------------------------------------------------------- */

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), r;

	if (fd < 0) {
		cli_error("cannot open '%s'", path);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		cli_error("'%s' is not a plain file", path);
		return -1;
	}
	if ((unsigned long long)st.st_size > TRANSCRIPT_FILE_MAX) {
		close(fd);
		cli_error("'%s' is larger than %u bytes", path, TRANSCRIPT_FILE_MAX);
		return -1;
	}
	r = cli_read_all(fd, (size_t)st.st_size, 0, buf, len);
	close(fd);
	if (r != 0) {
		cli_error("cannot read '%s'%s", path, r == -2 ? " (it grew while reading)" : "");
		return -1;
	}
	return 0;
}

static void report_free(struct report *r)
{
	json_decref(r->participants);
	json_decref(r->steps);
	json_decref(r->exceptions);
	json_decref(r->keys);
	json_decref(r->outputs);
	json_decref(r->shares);
	json_decref(r->possession);
	json_decref(r->checkpoints);
	json_decref(r->decisions);
	json_decref(r->inputs);
	json_decref(r->sets);
}

static void print_failure(enum transcript_err err, const struct transcript_failure *f)
{
	if (f->at_record)
		cli_error("transcript INVALID: record %zu: %s (%s)", f->record, f->detail,
			  transcript_errname(err));
	else
		cli_error("transcript INVALID: %s (%s)", f->detail, transcript_errname(err));
}

/* A value the paper copies hold that the transcript does not: said with both values, so that a
 * slip in copying is told from another transcript. Returns 0 when nothing differs. */
static int differs(const struct transcript_summary *sum, const struct expect *x, char *detail,
		   size_t n)
{
	const unsigned char *got = NULL, *want = NULL;
	const char *what = NULL, *opt = NULL;
	char g[65], w[65];

	if (expected(x->has_key, x->key, sum->transcript_key) < 0) {
		what = "transcript key", opt = "--expect-key";
		got = sum->transcript_key, want = x->key;
	} else if (expected(x->has_final, x->final, sum->final_digest) < 0) {
		what = "final digest", opt = "--expect-final";
		got = sum->final_digest, want = x->final;
	}
	if (what == NULL)
		return 0;
	hexstr(got, g);
	hexstr(want, w);
	snprintf(detail, n, "the %s is %.64s, not %.64s (%s)", what, g, w, opt);
	return 1;
}

static void report_init(struct report *r, int show)
{
	memset(r, 0, sizeof(*r));
	r->show = show;
	r->participants = json_array();
	r->steps = json_array();
	r->exceptions = json_array();
	r->keys = json_array();
	r->outputs = json_array();
	r->shares = json_array();
	r->possession = json_array();
	r->checkpoints = json_array();
	r->decisions = json_array();
	r->inputs = json_array();
	r->sets = json_object();
}

/* show: which records a signature covers is known only at the end, so a first pass finds it. */
static void first_pass(const unsigned char *buf, size_t len, struct transcript_summary *sum)
{
	struct transcript_failure fail;

	transcript_verify(buf, len, NULL, sum, &fail);
}

static void print_result(const json_t *o, const char *file, enum transcript_err err,
			 const struct transcript_summary *sum, int json, int show)
{
	if (json) {
		if (json_dumpf(o, stdout, JSON_INDENT(2)) == 0)
			fputc('\n', stdout);
	} else if (show) {
		printf("\n%s: %zu record(s) verified%s\n", file, sum->records,
		       err == TRANSCRIPT_OK ? ", transcript VALID" : "");
		if (sum->records > 0 && is_unsigned(sum, sum->records - 1))
			printf("records %zu to %zu are UNSIGNED: no signature covers them, and anyone "
			       "could have written them\n",
			       sum->has_signed ? sum->last_signed + 1 : 0, sum->records - 1);
		if (err == TRANSCRIPT_OK) {
			print_start_values(o);
			print_final(o);
			print_paper(o);
		}
	} else if (err == TRANSCRIPT_OK) {
		print_report(o);
	}
}

static int run(const char *file, const char *artifacts, int json, int show,
	       const struct expect *x)
{
	struct report r;
	struct transcript_verify_opts opts = { artifacts, on_record, &r };
	struct transcript_summary sum, first = { 0 };
	struct transcript_failure fail;
	enum transcript_err err;
	unsigned char *buf = NULL;
	size_t len = 0;
	json_t *o;
	int ret, paper = 0;

	if (read_file(file, &buf, &len) != 0)
		return CLI_USAGE;
	report_init(&r, show);
	if (show) {
		first_pass(buf, len, &first);
		r.signed_by = &first;
	}
	err = transcript_verify(buf, len, &opts, &sum, &fail);
	free(buf);
	if (err == TRANSCRIPT_E_NOMEM || (artifacts && err == TRANSCRIPT_E_IO)) {
		cli_error("%s", fail.detail);
		ret = CLI_USAGE;
		goto out;
	}
	if (err == TRANSCRIPT_OK && differs(&sum, x, fail.detail, sizeof(fail.detail))) {
		/* Verified, but not the transcript the witnesses copied: as invalid as any other. */
		err = TRANSCRIPT_E_CONFLICT;
		fail.at_record = 0;
		paper = 1;
	}
	ret = err == TRANSCRIPT_OK ? CLI_OK : CLI_FAIL;
	o = json_report(&r, file, err, &sum, &fail, artifacts != NULL, x);
	if (paper)
		json_object_set_new(json_object_get(o, "error"), "code", json_string("expected"));
	print_result(o, file, err, &sum, json, show);
	json_decref(o);
	if (paper)
		cli_error("transcript DIFFERS from the paper copy: %s (expected)", fail.detail);
	else if (err != TRANSCRIPT_OK)
		print_failure(err, &fail);
out:
	transcript_summary_free(&first);
	transcript_summary_free(&sum);
	report_free(&r);
	fflush(stdout);
	return ret;
}

/* --expect-key VALUE, --expect-final VALUE: as the paper copy has it. Returns 0, or -1 (said). */
static int expect_arg(const char *opt, const char *value, int *has, unsigned char out[32])
{
	if (*has) {
		cli_error("%s given twice", opt);
		return -1;
	}
	if (fpr_parse32(value, strlen(value), out) != 0) {
		cli_error("%s: not 64 hex digits (spaces allowed) or the 32 PGP words of the "
			  "paper copy",
			  opt);
		return -1;
	}
	*has = 1;
	return 0;
}

int cmd_transcript(int argc, char **argv)
{
	const char *file = NULL, *artifacts = NULL;
	struct expect x = { 0 };
	int json = 0, verify;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (cli_is_help(argv[1])) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "verify") == 0) {
		verify = 1;
	} else if (strcmp(argv[1], "show") == 0) {
		verify = 0;
	} else {
		cli_error("unknown transcript verb '%.40s' (verify or show)", argv[1]);
		return CLI_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			usage(stdout);
			return CLI_OK;
		} else if (verify && strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (verify && strcmp(argv[i], "--artifacts") == 0 && i + 1 < argc &&
			   artifacts == NULL) {
			artifacts = argv[++i];
		} else if (verify && strcmp(argv[i], "--expect-key") == 0 && i + 1 < argc) {
			if (expect_arg(argv[i], argv[i + 1], &x.has_key, x.key) != 0)
				return CLI_USAGE;
			i++;
		} else if (verify && strcmp(argv[i], "--expect-final") == 0 && i + 1 < argc) {
			if (expect_arg(argv[i], argv[i + 1], &x.has_final, x.final) != 0)
				return CLI_USAGE;
			i++;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_error("unknown or repeated option '%.40s'", argv[i]);
			return CLI_USAGE;
		} else if (file == NULL) {
			file = argv[i];
		} else {
			cli_error("more than one transcript file");
			return CLI_USAGE;
		}
	}
	if (file == NULL) {
		usage(stderr);
		return CLI_USAGE;
	}
	return run(file, artifacts, json, !verify, &x);
}
