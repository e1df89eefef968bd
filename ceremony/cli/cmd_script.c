/*
 * ceremony script check FILE [--answers FILE] [--rehearsal]
 * ceremony script print FILE [--ps]
 * ceremony script prompts FILE
 *
 * check validates a script (exit 0 valid, 1 invalid with FILE:LINE: reason, 2 usage or I/O) and,
 * with --answers, that an answers file answers every prompt the script asks unconditionally.
 * print renders the paper script participants initial, with one blank share card per share.
 * prompts lists the prompt ids a run asks, in order, for writing answers files.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "ceremony/people/answers.h"
#include "ceremony/cli/cli.h"
#include "ceremony/cli/cmd.h"
#include "ceremony/base/fpr.h"
#include "ceremony/people/prompt.h"
#include "ceremony/script/script.h"
#include "ceremony/base/utf8.h"

#define WIDTH 80

static void usage(FILE *f)
{
	fputs("usage: ceremony script check FILE [--answers ANSWERS] [--rehearsal]\n"
	      "       ceremony script print FILE [--ps]\n"
	      "       ceremony script prompts FILE\n"
	      "       ceremony script media FILE\n"
	      "\n"
	      "check    validate FILE (errors as FILE:LINE); with --answers, that ANSWERS answers\n"
	      "         every prompt a run asks; a placeholder digest (all zero) is refused,\n"
	      "         and with --rehearsal accepted and flagged\n"
	      "print    the paper script participants initial, with blank share cards;\n"
	      "         --ps: the same as PostScript for A4 paper (a page per share card)\n"
	      "prompts  the id and kind of every prompt a run asks, in order\n"
	      "media    the media a run uses, one per line: id, kind, holder (or -)\n",
	      f);
}

static int load(const char *path, struct script_plan **plan)
{
	struct script_error err;
	int ret = script_load(path, plan, &err);

	if (ret == SCRIPT_OK)
		return CLI_OK;
	if (ret == SCRIPT_E_IO || ret == SCRIPT_E_NOMEM) {
		cli_error("%s: %s", path, err.message);
		return CLI_USAGE;
	}
	cli_error("%s:%u: %s", path, err.line, err.message);
	return CLI_FAIL;
}

/* The verbs that take exactly FILE. */
static int load_only(int argc, char **argv, struct script_plan **plan)
{
	if (argc != 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	return load(argv[1], plan);
}

/* ---- check ---------------------------------------------------------------------------------- */

struct coverage {
	struct answers *answers;
	unsigned asked, missing;
	char first_missing[ANSWERS_ID_MAX + 1];
};

static int cover(void *ctx, const char *id, enum prompt_kind kind, const struct script_step *step)
{
	struct coverage *c = ctx;
	const char *value;
	size_t len;
	bool shown;

	(void)kind;
	(void)step;
	c->asked++;
	if (!answers_get(c->answers, id, &value, &len, &shown) && c->missing++ == 0)
		snprintf(c->first_missing, sizeof(c->first_missing), "%s", id);
	return 0;
}

static int check_answers(const struct script_plan *plan, const char *path)
{
	struct answers_error err;
	struct coverage c;
	const char *id;
	size_t pos = 0;
	int ret = CLI_FAIL;

	memset(&c, 0, sizeof(c));
	if (answers_load(path, &c.answers, &err) != ANSWERS_OK) {
		if (err.code == ANSWERS_E_IO || err.code == ANSWERS_E_NOMEM) {
			cli_error("%s: %s", path, err.message);
			return CLI_USAGE;
		}
		if (err.line)
			cli_error("%s:%u: %s", path, err.line, err.message);
		else
			cli_error("%s: %s", path, err.message);
		return CLI_FAIL;
	}
	if (answers_ceremony(c.answers) != NULL &&
	    strcmp(answers_ceremony(c.answers), plan->id) != 0) {
		cli_error("%s: the answers are for ceremony '%s', not '%s'", path,
			  answers_ceremony(c.answers), plan->id);
		goto out;
	}
	if (prompt_plan_ids(plan, cover, &c) != 0) {
		cli_error("%s: a prompt id does not fit", path);
		goto out;
	}
	if (c.missing > 0) {
		cli_error("%s: no answer for prompt '%s' (%u of %u prompts unanswered)", path,
			  c.first_missing, c.missing, c.asked);
		goto out;
	}
	printf("%s: answers all %u prompts\n", path, c.asked);
	while ((id = answers_next_unused(c.answers, &pos)) != NULL)
		printf("%s: '%s' is asked only when a check fails or a choice leads to it\n", path,
		       id);
	ret = CLI_OK;
out:
	answers_free(c.answers);
	return ret;
}

/* Placeholder digests (script_placeholder): refused by a production check, each flagged in a
 * rehearsal one. Returns how many there are. */
static unsigned placeholders(const char *path, const struct script_plan *plan, bool rehearsal)
{
	struct script_placeholder ph;
	unsigned n = 0;

	while (script_placeholder(plan, n, &ph)) {
		if (rehearsal)
			printf("%s:%u: WARNING: input '%s': its %s is a PLACEHOLDER, not an approved "
			       "value: a rehearsal only\n",
			       path, ph.line, ph.input->id, ph.field);
		else if (n == 0)
			cli_error("%s:%u: input '%s': its %s is a placeholder, not an approved value "
				  "(write in the approved one; --rehearsal accepts it)",
				  path, ph.line, ph.input->id, ph.field);
		n++;
	}
	return n;
}

static int do_check(int argc, char **argv)
{
	struct script_plan *plan = NULL;
	const char *answers = NULL;
	char hex[2 * SCRIPT_SHA256_LEN + 1];
	bool rehearsal = false;
	int ret;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--answers") == 0 && i + 1 < argc && answers == NULL) {
			answers = argv[++i];
		} else if (strcmp(argv[i], "--rehearsal") == 0 && !rehearsal) {
			rehearsal = true;
		} else {
			usage(stderr);
			return CLI_USAGE;
		}
	}
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if ((ret = load(argv[1], &plan)) != CLI_OK)
		return ret;
	if (placeholders(argv[1], plan, rehearsal) > 0 && !rehearsal) {
		script_free(plan);
		return CLI_FAIL;
	}
	sodium_bin2hex(hex, sizeof(hex), plan->sha256, sizeof(plan->sha256));
	printf("%s: valid %sscript '%s', %u steps, SHA-256 %s\n", argv[1],
	       rehearsal ? "rehearsal " : "", plan->id, plan->step_count, hex);
	if (answers != NULL)
		ret = check_answers(plan, answers);
	script_free(plan);
	return ret;
}

/* ---- prompts ----------------------------------------------------------------------------------
 */

static int list(void *ctx, const char *id, enum prompt_kind kind, const struct script_step *step)
{
	(void)ctx;
	printf("%s %s %s\n", id, prompt_kind_name(kind), step != NULL ? step->id : "-");
	return 0;
}

static int do_prompts(int argc, char **argv)
{
	struct script_plan *plan = NULL;
	int ret;

	if ((ret = load_only(argc, argv, &plan)) != CLI_OK)
		return ret;
	if (prompt_plan_ids(plan, list, NULL) != 0) {
		cli_error("%s: a prompt id does not fit", argv[1]);
		ret = CLI_FAIL;
	}
	script_free(plan);
	return ret;
}

/* ---- media ---------------------------------------------------------------------------------- */

/* One medium per line, for the people (and the VM harness) who prepare the media. */
static int do_media(int argc, char **argv)
{
	struct script_plan *plan = NULL;
	int ret;

	if ((ret = load_only(argc, argv, &plan)) != CLI_OK)
		return ret;
	for (unsigned i = 0; i < plan->medium_count; i++) {
		const struct script_medium *m = &plan->media[i];

		printf("%s %s %s\n", m->id, script_medium_kind_name(m->kind),
		       m->holder ? m->holder->id : "-");
	}
	script_free(plan);
	return CLI_OK;
}

/* ---- print ------------------------------------------------------------------------------------
 */

/* Where the printed script goes: standard output, or the buffer the PostScript is made from. */
static FILE *page;

static void put(int c)
{
	fputc(c, page);
}

static void out_line(const char *s)
{
	fputs(s, page);
	fputc('\n', page);
}

static void spaces(size_t n)
{
	while (n-- > 0)
		put(' ');
}

static void rule(char ch)
{
	for (int i = 0; i < WIDTH; i++)
		put(ch);
	put('\n');
}

/* s left-aligned in width columns (no cut: callers keep to widths that fit). */
static void cell(const char *s, size_t width)
{
	size_t cols = utf8_columns(s, strlen(s));

	fputs(s, page);
	if (cols < width)
		spaces(width - cols);
}

/* Text wrapped at WIDTH: the first line continues the current line at column col, the others
 * start at column indent. Runs of spaces become one; words longer than a line are cut between
 * characters; a newline in text starts a new line. */
static void wrap(const char *text, size_t col, size_t indent)
{
	const char *s = text;
	bool space = false, started = false;

	while (*s != '\0') {
		size_t word, cols, room, take;

		if (*s == '\n' || *s == ' ') {
			if (*s == '\n') {
				put('\n');
				spaces(indent);
				col = indent;
				started = false;
			}
			space = started;
			s++;
			continue;
		}
		word = strcspn(s, " \n");
		cols = utf8_columns(s, word);
		if (started && col + cols + space > WIDTH) {
			put('\n');
			spaces(indent);
			col = indent;
			space = started = false;
		}
		if (space) {
			put(' ');
			col++;
		}
		room = WIDTH > col ? WIDTH - col : 1;
		take = cols > room ? utf8_prefix(s, word, room) : word;
		fwrite(s, 1, take, page);
		col += utf8_columns(s, take);
		s += take;
		space = false;
		started = true;
		if (take < word) {
			put('\n');
			spaces(indent);
			col = indent;
			started = false;
		}
	}
	put('\n');
}

/* s in a cell of width columns after a two-column margin; a longer s gets a line of its own
 * and the cell stays blank under it. */
static void lead_cell(const char *s, size_t width)
{
	spaces(2);
	if (utf8_columns(s, strlen(s)) > width - 1) {
		out_line(s);
		spaces(2);
		s = "";
	}
	cell(s, width);
}

static void heading(const char *title)
{
	fprintf(page, "\n%s\n", title);
	for (size_t i = 0; i < strlen(title); i++)
		put('-');
	put('\n');
}

static void set_line(const struct script_custodian_set *set, char *out, size_t outlen)
{
	if (set->group_count == 1)
		snprintf(out, outlen, "%u of %u", set->groups[0].threshold, set->groups[0].count);
	else
		snprintf(out, outlen, "%u of %u groups", set->group_threshold, set->group_count);
}

static void print_hash(const unsigned char *sha256, size_t indent)
{
	char hex[FPR_HEX_32], words[FPR_WORDS_32];

	fpr_hex(sha256, 16, hex, sizeof(hex));
	spaces(indent);
	out_line(hex);
	fpr_hex(sha256 + 16, 16, hex, sizeof(hex));
	spaces(indent);
	out_line(hex);
	fpr_words(sha256, SCRIPT_SHA256_LEN, words, sizeof(words));
	spaces(indent);
	wrap(words, indent, indent);
}

/* A box for a 32-byte value the screen shows for people to write down or compare later: its
 * label, its length and grouping, and a blank per group of four hex digits, two lines of eight
 * as the screen shows them. The PGP words the screen shows with it are for reading aloud. */
static void box(const char *label)
{
	static const char *const edge =
		"     +---------------------------------------------------------+";

	put('\n');
	spaces(5);
	wrap(label, 5, 7);
	out_line("     64 hex digits, 16 groups of 4, two lines of 8 as on the screen:");
	out_line(edge);
	for (int line = 0; line < 2; line++)
		out_line("     |  ____   ____   ____   ____   ____   ____   ____   ____  |");
	out_line(edge);
}

static void print_header(const struct script_plan *plan)
{
	char line[WIDTH + 1];

	rule('=');
	snprintf(line, sizeof(line), "script format version %u", plan->version);
	fputs("CEREMONY SCRIPT  ", page);
	cell(plan->id, WIDTH - 17 - strlen(line));
	out_line(line);
	wrap(plan->title, 0, 0);
	fprintf(page, "Profile: %s\n", plan->profile == SCRIPT_PROFILE_SMKI ? "smki" : "generic");
	rule('=');
	out_line("\nScript SHA-256: check it against the approved script and the screen.");
	print_hash(plan->sha256, 4);
	out_line("\nDate: ____________________   Place: ___________________________________________");
	box("Transcript key: the Ed25519 public key that signs the transcript (not a digest), "
	    "shown when the ceremony starts; the auditor gives it to `ceremony transcript verify "
	    "--expect-key`.");
}

static void print_participants(const struct script_plan *plan)
{
	heading("PARTICIPANTS");
	out_line("  Id / name                                  Role           Identity  Initials");
	for (unsigned i = 0; i < plan->participant_count; i++) {
		const struct script_participant *p = &plan->participants[i];
		char who[SCRIPT_ID_MAX + SCRIPT_NAME_MAX + 8];

		snprintf(who, sizeof(who), "%s  %s", p->id, p->name);
		lead_cell(who, 43);
		cell(script_role_name(p->role), 15);
		out_line("[ ]       ________");
	}
}

static void print_sets(const struct script_plan *plan)
{
	if (plan->set_count == 0)
		return;
	heading("CUSTODIAN SETS");
	for (unsigned i = 0; i < plan->set_count; i++) {
		const struct script_custodian_set *set = &plan->sets[i];
		char need[48], line[WIDTH * 8];

		set_line(set, need, sizeof(need));
		fprintf(page, "  %s: %s\n", set->id, need);
		for (unsigned g = 0; g < set->group_count; g++) {
			const struct script_group *gr = &set->groups[g];
			size_t used = 0;

			if (set->group_count > 1)
				used = (size_t)snprintf(line, sizeof(line),
							"group %u, %u of %u: ", g + 1,
							gr->threshold, gr->count);
			for (unsigned m = 0; m < gr->count && used < sizeof(line); m++)
				used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s",
							 m ? ", " : "", gr->members[m]->id);
			spaces(6);
			wrap(line, 6, 8);
		}
	}
}

static void print_keys(const struct script_plan *plan)
{
	heading("KEYS");
	for (unsigned i = 0; i < plan->key_count; i++) {
		const struct script_key *k = &plan->keys[i];
		char line[WIDTH * 8], need[48];
		size_t used;

		fprintf(page, "  %s: %s key, %s, %s\n", k->id, script_key_kind_name(k->kind),
		       script_algorithm_name(k->algorithm),
		       k->origin == SCRIPT_ORIGIN_GENERATE ? "generated here"
		       : k->origin == SCRIPT_ORIGIN_SHARES ? "rebuilt from shares"
		       : k->origin == SCRIPT_ORIGIN_CSR	   ? "public key from a CSR"
							   : "public key from a certificate");
		if (k->subject.count > 0) {
			fputs("      subject: ", page);
			wrap(k->subject.text, 15, 8);
		}
		if (k->validity.years || k->validity.days)
			fprintf(page, "      validity: %u %s\n",
			       k->validity.years ? k->validity.years : k->validity.days,
			       k->validity.years ? "years" : "days");
		for (unsigned p = 0; p < k->policy_count; p++)
			fprintf(page, "      policy: %s\n", k->policies[p]);
		if (k->has_entity_id) {
			char hex[2 * SCRIPT_ENTITY_ID_LEN + 1];

			sodium_bin2hex(hex, sizeof(hex), k->entity_id, sizeof(k->entity_id));
			fprintf(page, "      entity id: %s\n", hex);
		}
		if (k->apex != NULL) {
			snprintf(line, sizeof(line), "its certificate carries '%s' wrapped by '%s'",
				 k->apex->id, k->apex->wrapped_by->id);
			spaces(6);
			wrap(line, 6, 8);
		}
		if (k->wrapped_by != NULL)
			fprintf(page, "      wrapped by: %s\n", k->wrapped_by->id);
		if (k->issuer != NULL)
			fprintf(page, "      issuer: %s\n", k->issuer->id);
		if (k->path_length >= 0)
			fprintf(page, "      path length: %d\n", k->path_length);
		used = 0;
		line[0] = '\0';
		for (unsigned n = 0; n < k->permitted_count + k->excluded_count; n++) {
			static const char *const types[] = {"dns", "email", "uri", "ip"};
			bool perm = n < k->permitted_count;
			const struct script_constraint *ct =
			    perm ? &k->permitted[n] : &k->excluded[n - k->permitted_count];

			if (used < sizeof(line))
				used += (size_t)snprintf(
				    line + used, sizeof(line) - used, "%s%s %s:%s", n ? ", " : "",
				    perm ? "permit" : "exclude", types[ct->type], ct->value);
		}
		if (used > 0) {
			fputs("      names: ", page);
			wrap(line, 13, 8);
		}
		if (k->input != NULL)
			fprintf(page, "      from input: %s\n", k->input->id);
		if (k->certificate != NULL)
			fprintf(page, "      certificate: input %s\n", k->certificate->id);
		if (k->custodians != NULL) {
			set_line(k->custodians, need, sizeof(need));
			fprintf(page, "      custodians: %s (%s)\n", k->custodians->id, need);
		}
	}
}

static void print_io(const struct script_plan *plan)
{
	if (plan->input_count > 0)
		heading("INPUTS");
	for (unsigned i = 0; i < plan->input_count; i++) {
		const struct script_input *in = &plan->inputs[i];

		char line[WIDTH * 4];

		snprintf(line, sizeof(line), "%s: %s%s%s%s%s%s%s", in->id,
			 script_input_type_name(in->type), in->ceremony ? " from ceremony " : "",
			 in->ceremony ? in->ceremony : "", in->medium ? ", " : "",
			 in->medium ? in->medium->id : "", in->medium ? "/" : "",
			 in->file ? in->file : "");
		spaces(2);
		wrap(line, 2, 6);
		if (in->has_sha256) {
			out_line("      approved SHA-256:");
			print_hash(in->sha256, 8);
		}
		if (in->has_digest) {
			out_line("      approved final digest:");
			print_hash(in->digest, 8);
		}
	}
	if (plan->output_count > 0)
		heading("OUTPUTS");
	for (unsigned i = 0; i < plan->output_count; i++) {
		const struct script_output *o = &plan->outputs[i];

		char line[WIDTH * 4];

		snprintf(line, sizeof(line), "%s: %s%s%s -> %s/%s%s", o->id,
			 script_output_type_name(o->type), o->key ? " of " : "",
			 o->key ? o->key->id : "", o->medium->id, o->file,
			 o->qr ? ", also as QR" : "");
		spaces(2);
		wrap(line, 2, 6);
		for (unsigned r = 0; r < o->revoked_count; r++) {
			char hex[2 * SCRIPT_SERIAL_MAX + 1];

			sodium_bin2hex(hex, sizeof(hex), o->revoked[r].serial,
				       o->revoked[r].serial_len);
			fprintf(page, "      revokes %s (%s)\n", hex,
			       script_crl_reason_name(o->revoked[r].reason));
		}
	}
	heading("MEDIA");
	out_line("  Name           Kind        Holder / label                    Serial no.");
	for (unsigned i = 0; i < plan->medium_count; i++) {
		const struct script_medium *m = &plan->media[i];
		const char *what = m->holder ? m->holder->name : m->label ? m->label : "";
		char cut[WIDTH];

		spaces(2);
		cell(m->id, 15);
		cell(script_medium_kind_name(m->kind), 12);
		snprintf(cut, sizeof(cut), "%.*s", (int)utf8_prefix(what, strlen(what), 33), what);
		cell(cut, 34);
		out_line("__________");
	}
}

static bool per_person(enum script_action a)
{
	return a == SCRIPT_ACT_ENTROPY || a == SCRIPT_ACT_SHOW_FINGERPRINTS ||
	       a == SCRIPT_ACT_ACKNOWLEDGE || a == SCRIPT_ACT_CLOSE;
}

/* The inputs step s reads that people check by eye: a certificate's or CSR's fingerprint
 * compared with its sender's (or with the approved one printed under INPUTS), an earlier
 * ceremony's final digest typed or compared from its paper record. */
static void input_boxes(const struct script_plan *plan, const struct script_step *s, bool *seen)
{
	const struct script_input *in[SCRIPT_MAX_INPUTS];
	unsigned n = script_step_inputs(plan, s, in, SCRIPT_MAX_INPUTS);
	char label[WIDTH * 3];

	for (unsigned i = 0; i < n; i++) {
		size_t at = (size_t)(in[i] - plan->inputs);

		/* An input is read once, by the first step that needs it. */
		if (in[i]->type == SCRIPT_INPUT_SHARES || seen[at])
			continue;
		seen[at] = true;
		if (in[i]->type == SCRIPT_INPUT_TRANSCRIPT_DIGEST)
			snprintf(label, sizeof(label),
				 "Final digest of the earlier ceremony %s (input '%s'): %s",
				 in[i]->ceremony, in[i]->id,
				 in[i]->has_digest ? "compare the screen with the approved digest "
						     "under INPUTS and its paper record"
						   : "typed from its paper record; copy what the "
						     "screen shows");
		else
			snprintf(label, sizeof(label),
				 "Fingerprint of the %s of input '%s' (SHA-256 of its DER): %s",
				 script_input_type_name(in[i]->type), in[i]->id,
				 in[i]->has_sha256 ? "compare with the approved SHA-256 under INPUTS"
						   : "compare with the one its sender gave");
		box(label);
	}
}

/* The values step s shows for people to write down (docs/script.md, "The printed script"). */
static void step_boxes(const struct script_plan *plan, const struct script_step *s, bool *seen)
{
	const char *id = s->key != NULL ? s->key->id : "";
	char label[WIDTH * 3];

	label[0] = '\0';
	switch (s->action) {
	case SCRIPT_ACT_ENTROPY:
		snprintf(label, sizeof(label), "Entropy commitment");
		break;
	case SCRIPT_ACT_GENERATE_KEY:
		if (s->key->kind == SCRIPT_KEY_CONTINGENCY_SYMMETRIC)
			snprintf(label, sizeof(label),
				 "Check value of '%s' (read aloud; the key itself is never shown)",
				 id);
		else
			snprintf(label, sizeof(label),
				 "Public key fingerprint of '%s' (SHA-256 of its SubjectPublicKeyInfo)",
				 id);
		break;
	case SCRIPT_ACT_ISSUE_ROOT_CERTIFICATE:
	case SCRIPT_ACT_SIGN_CSR:
	case SCRIPT_ACT_IMPORT_CERTIFICATE:
		snprintf(label, sizeof(label), "Certificate of '%s' (SHA-256 of its DER)", id);
		break;
	case SCRIPT_ACT_EXPORT_CSR:
		snprintf(label, sizeof(label), "CSR of '%s' (SHA-256 of its DER, not of the PEM file)",
			 id);
		break;
	case SCRIPT_ACT_SIGN_CRL:
		snprintf(label, sizeof(label), "CRL signed by '%s' (SHA-256 of its DER)", id);
		break;
	case SCRIPT_ACT_SHOW_FINGERPRINTS:
		out_line("     Compare every fingerprint read aloud with the boxes above.");
		break;
	default:
		break;
	}
	input_boxes(plan, s, seen);
	if (label[0] != '\0')
		box(label);
}

static void print_steps(const struct script_plan *plan)
{
	bool seen[SCRIPT_MAX_INPUTS] = { false };

	heading("STEPS");
	out_line(" No  Step                                     Who             Initials  Time");
	out_line("---  ---------------------------------------  --------------  --------  -----");
	for (unsigned i = 0; i < plan->step_count; i++) {
		const struct script_step *s = &plan->steps[i];
		const char *who =
		    s->actor.is_role ? script_role_name(s->actor.role) : s->actor.participant->id;
		const char *t = s->title;
		char summary[512], title[128];
		size_t len = strlen(t), take;

		/* The title in a 39-column cell, wrapped onto continuation lines. */
		take = utf8_columns(t, len) > 39 ? utf8_prefix(t, len, 39) : len;
		while (take < len && take > 0 && t[take] != ' ')
			take--;
		if (take == 0)
			take = utf8_prefix(t, len, 39);
		snprintf(title, sizeof(title), "%.*s", (int)take, t);
		fprintf(page, "%3u  ", s->number);
		cell(title, 41);
		cell(strlen(who) <= 14 ? who : "see below", 16);
		out_line("________  _____");
		t += take;
		while (*t == ' ')
			t++;
		if (*t != '\0') {
			spaces(5);
			wrap(t, 5, 5);
		}
		if (s->action == SCRIPT_ACT_ACKNOWLEDGE) {
			fputs("     Confirm: ", page);
			wrap(s->text, 14, 7);
		} else if (script_step_summary(s, summary, sizeof(summary)) == 0) {
			spaces(5);
			wrap(summary, 5, 7);
		}
		if (strlen(who) > 14)
			fprintf(page, "     Who: %s\n", who);
		if (per_person(s->action)) {
			char line[WIDTH * 8];
			size_t used = (size_t)snprintf(line, sizeof(line), "Each of: ");

			for (unsigned p = 0; p < plan->participant_count && used < sizeof(line);
			     p++)
				if (script_actor_includes(&s->actor, &plan->participants[p]))
					used += (size_t)snprintf(line + used, sizeof(line) - used,
								 "%s%s", used > 9 ? ", " : "",
								 plan->participants[p].id);
			spaces(5);
			wrap(line, 5, 7);
		}
		step_boxes(plan, s, seen);
	}
}

static void print_signatures(const struct script_plan *plan)
{
	heading("SIGNATURES AT THE CLOSE");
	box("Final digest: shown at the close (or at an abort), every witness copies it; a later "
	    "ceremony that uses these keys names this ceremony by it.");
	put('\n');
	for (unsigned i = 0; i < plan->participant_count; i++) {
		const struct script_participant *p = &plan->participants[i];
		char who[SCRIPT_NAME_MAX + 24];

		snprintf(who, sizeof(who), "%s (%s)", p->name, script_role_name(p->role));
		lead_cell(who, 45);
		out_line("________________________________");
	}
}

/* One bag per custodian who receives shares: their medium and every card they hold, sealed after
 * the last step that uses them (the engine asks for the numbers then). The witness checks each
 * bag against the numbers the screen shows. */
static void print_bags(const struct script_plan *plan)
{
	bool any = false;

	for (unsigned c = 0; c < plan->participant_count; c++) {
		const struct script_participant *p = &plan->participants[c];
		const struct script_medium *md;
		char what[WIDTH * 2];
		size_t used = 0;

		what[0] = '\0';
		for (unsigned i = 0; i < plan->step_count; i++) {
			const struct script_step *s = &plan->steps[i];
			const struct script_custodian_set *set = script_step_share_set(s);

			for (unsigned n = 1; set != NULL && n <= set->share_count; n++) {
				unsigned g = 0, m = 0;
				int w;

				if (script_set_share(set, n, &g, &m) != p)
					continue;
				w = snprintf(what + used, sizeof(what) - used, "%s%s %u of %u",
					     used ? ", " : "", s->key->id, n, set->share_count);
				if (w > 0 && (size_t)w < sizeof(what) - used)
					used += (size_t)w;
			}
		}
		if (used == 0)
			continue;
		if (!any)
			heading("BAG NUMBERS (one tamper-evident bag per custodian: medium and cards)");
		any = true;
		md = script_medium_of(plan, p);
		fprintf(page, "  %s (%s), medium '%s'\n", p->name, p->id, md ? md->id : "(none)");
		lead_cell(what, 56);
		out_line("bag ____________");
	}
}

static void print_card(const struct script_plan *plan, const struct script_step *s,
		       const struct script_custodian_set *set, unsigned n)
{
	const struct script_key *k = s->key;
	unsigned group = 0, member = 0, words = script_share_words(script_key_secret_bits(k));
	const struct script_participant *holder = script_set_share(set, n, &group, &member);
	const struct script_group *g = &set->groups[group - 1];
	char hex[2 * 8 + 1];

	out_line("\n- - - - - - - - - - - - - - - - - - cut here - - - - - - - - - - - - - - - - - -");
	fprintf(page, "SHARE CARD   ceremony %s\n\n", plan->id);
	fprintf(page, "  Key:         %s (%s, %s)\n", k->id, script_key_kind_name(k->kind),
	       script_algorithm_name(k->algorithm));
	if (set->group_count == 1) {
		fprintf(page, "  Share:       %u of %u; any %u rebuild the key\n", n, set->share_count,
		       g->threshold);
		fprintf(page, "  Group:       1 of 1\n");
	} else {
		fprintf(page, "  Share:       %u of %u: group %u, member %u of %u\n", n, set->share_count,
		       group, member, g->count);
		fprintf(page, "  Needed:      %u of this group's %u, from %u of the %u groups\n",
		       g->threshold, g->count, set->group_threshold, set->group_count);
	}
	fprintf(page, "  Custodian:   %s (%s)\n", holder->name, holder->id);
	fprintf(page, "  Set:         %s%s\n", set->id,
	       s->action == SCRIPT_ACT_RESHARE ? " (reshare: replaces the earlier shares)" : "");
	sodium_bin2hex(hex, sizeof(hex), plan->sha256, 8);
	fprintf(page, "  Script:      SHA-256 %s...\n\n", hex);
	fprintf(page, "  The %u words, copied from the screen in order:\n\n", words);
	for (unsigned w = 1; w <= words; w++)
		fprintf(page, "  %2u _____________%s", w, w % 4 == 0 || w == words ? "\n" : "  ");
	out_line("\n  Tamper-evident bag number: ______________________\n");
	out_line("  Custodian signature: ______________________________   Date: ____________\n");
	out_line("  Witness signature:   ______________________________");
}

/* ---- PostScript -------------------------------------------------------------------------------
 * The same text, set in Courier (ISO Latin-1) on A4 for a printer, written by hand: DSC comments,
 * one procedure, one string per line. A share card starts a page of its own. Characters outside
 * Latin-1 become '?' (the text rendering keeps them). */

#define PS_LINES     64	  /* lines on a page */
#define PS_TOP	     800  /* points from the bottom of an A4 page (842) */
#define PS_LEADING   12
#define PS_CUT	     "- - - - - - - - - - - - - - - - - - cut here"

static void ps_string(const char *s, size_t len)
{
	putchar('(');
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp = c, n = 1;

		if (c >= 0xC0 && c < 0xE0 && i + 1 < len) {
			cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu);
			n = 2;
		} else if (c >= 0xE0) {
			cp = '?';
			n = c >= 0xF0 ? 4 : 3;
		}
		if (cp == '(' || cp == ')' || cp == '\\')
			printf("\\%c", (int)cp);
		else if (cp >= 0x20 && cp < 0x7F)
			putchar((int)cp);
		else
			printf("\\%03o", cp < 0x100 && cp >= 0xA0 ? cp : (unsigned)'?');
		i += n;
	}
	puts(") L");
}

static void ps_page(unsigned n)
{
	printf("%%%%Page: %u %u\nF %d M\n", n, n, PS_TOP);
}

/* Counts the pages text takes, then writes them. */
static void ps_emit(const char *id, const char *text, size_t len)
{
	unsigned pages = 0;

	for (int pass = 0; pass < 2; pass++) {
		unsigned on_page = PS_LINES, n = 0;
		const char *s = text, *end = text + len;

		if (pass == 1) {
			printf("%%!PS-Adobe-3.0\n%%%%Title: ceremony script %s\n"
			       "%%%%Creator: ceremony %s\n%%%%Pages: %u\n"
			       "%%%%BoundingBox: 0 0 595 842\n%%%%DocumentNeededResources: font "
			       "Courier\n%%%%EndComments\n%%%%BeginProlog\n"
			       "/Courier findfont dup length dict begin\n"
			       "  { 1 index /FID ne { def } { pop pop } ifelse } forall\n"
			       "  /Encoding ISOLatin1Encoding def currentdict end\n"
			       "/Courier-Latin1 exch definefont pop\n"
			       "/F { /Courier-Latin1 findfont 9.5 scalefont setfont } def\n"
			       "/M { /y exch def } def\n"
			       "/L { 56 y moveto show /y y %d sub def } def\n%%%%EndProlog\n",
			       id, CEREMONY_VERSION, pages, PS_LEADING);
		}
		while (s < end) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);

			if (on_page == PS_LINES ||
			    (l >= strlen(PS_CUT) && memcmp(s, PS_CUT, strlen(PS_CUT)) == 0)) {
				if (pass == 1 && n > 0)
					puts("showpage");
				n++;
				on_page = 0;
				if (pass == 1)
					ps_page(n);
			}
			if (pass == 1)
				ps_string(s, l);
			on_page++;
			s += l + (nl != NULL);
		}
		if (pass == 1 && n > 0)
			puts("showpage");
		pages = n;
	}
	puts("%%Trailer\n%%EOF");
}

static int do_print(int argc, char **argv)
{
	struct script_plan *plan = NULL;
	bool ps = argc == 3 && strcmp(argv[2], "--ps") == 0;
	char *text = NULL;
	size_t len = 0;
	int ret;

	if ((ret = load_only(ps ? 2 : argc, argv, &plan)) != CLI_OK)
		return ret;
	page = ps ? open_memstream(&text, &len) : stdout;
	if (page == NULL) {
		script_free(plan);
		cli_error("out of memory");
		return CLI_USAGE;
	}
	print_header(plan);
	print_participants(plan);
	print_sets(plan);
	print_keys(plan);
	print_io(plan);
	print_steps(plan);
	print_bags(plan);
	print_signatures(plan);
	for (unsigned i = 0; i < plan->step_count; i++) {
		const struct script_custodian_set *set = script_step_share_set(&plan->steps[i]);

		for (unsigned n = 1; set != NULL && n <= set->share_count; n++)
			print_card(plan, &plan->steps[i], set, n);
	}
	if (ps) {
		if (fclose(page) != 0 || text == NULL)
			ret = CLI_USAGE;
		else
			ps_emit(plan->id, text, len);
		free(text);
	}
	if (ret != CLI_OK || fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write the printed script");
		ret = CLI_USAGE;
	}
	script_free(plan);
	return ret;
}

static const struct cli_command verbs[] = {
	{ "check", do_check, "validate a script" },
	{ "print", do_print, "the paper script participants initial" },
	{ "prompts", do_prompts, "the prompts a run asks" },
	{ "media", do_media, "the media a run uses" },
};

int cmd_script(int argc, char **argv)
{
	return cli_dispatch("script", verbs, sizeof(verbs) / sizeof(verbs[0]), usage, argc, argv);
}
