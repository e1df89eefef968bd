/* The ceremony script parser: the example's plan, the rules at their limits, every bad vector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ceremony/script/script.h"

#define EXAMPLE "scripts/smki-keygen.yaml"
#define GOOD	"tests/vectors/scripts/good/"
#define BAD	"tests/vectors/scripts/bad/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The base script with the first occurrence of old replaced by new, parsed. */
static int parse_edit(const char *path, const char *old, const char *new_text,
		      struct script_plan **plan, struct script_error *err)
{
	size_t len;
	char *base = slurp(path, &len), *at = strstr(base, old), *buf;
	size_t olen = strlen(old), nlen = strlen(new_text);
	int ret;

	assert_non_null(at);
	buf = malloc(len - olen + nlen + 1);
	assert_non_null(buf);
	memcpy(buf, base, (size_t)(at - base));
	memcpy(buf + (at - base), new_text, nlen);
	memcpy(buf + (at - base) + nlen, at + olen, len - (size_t)(at - base) - olen + 1);
	ret = script_parse((const unsigned char *)buf, len - olen + nlen, plan, err);
	free(buf);
	free(base);
	return ret;
}

static void expect_error(const char *path, const char *old, const char *new_text,
			 enum script_err code, unsigned line, const char *message)
{
	struct script_plan *plan = (struct script_plan *)1;
	struct script_error err;

	assert_int_equal(parse_edit(path, old, new_text, &plan, &err), code);
	assert_null(plan);
	assert_int_equal(err.code, code);
	if (err.line != line)
		fail_msg("line %u, expected %u: %s", err.line, line, err.message);
	if (strstr(err.message, message) == NULL)
		fail_msg("'%s' lacks '%s'", err.message, message);
}

static void expect_valid(const char *path, const char *old, const char *new_text)
{
	struct script_plan *plan = NULL;
	struct script_error err;

	if (parse_edit(path, old, new_text, &plan, &err) != SCRIPT_OK)
		fail_msg("line %u: %s", err.line, err.message);
	script_free(plan);
}

static void test_example_plan(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	const struct script_key *root, *cont, *sym, *rec;
	unsigned char sha[32];
	size_t len;
	char *bytes = slurp(EXAMPLE, &len);

	(void)state;
	if (script_load(EXAMPLE, &plan, &err) != SCRIPT_OK)
		fail_msg("%u: %s", err.line, err.message);
	assert_int_equal(plan->version, 1);
	assert_string_equal(plan->id, "smki-keygen-2025");
	assert_int_equal(plan->profile, SCRIPT_PROFILE_SMKI);
	/* The hash is of the exact bytes. */
	crypto_hash_sha256(sha, (const unsigned char *)bytes, len);
	assert_memory_equal(plan->sha256, sha, 32);
	assert_int_equal(plan->participant_count, 10);
	assert_int_equal(plan->set_count, 4);
	assert_int_equal(plan->key_count, 4);
	assert_int_equal(plan->output_count, 4);
	assert_int_equal(plan->medium_count, 8);
	assert_int_equal(plan->step_count, 21);

	root = script_find_key(plan, "root");
	cont = script_find_key(plan, "contingency");
	sym = script_find_key(plan, "contingency-symmetric");
	rec = script_find_key(plan, "recovery");
	assert_non_null(root);
	assert_non_null(cont);
	assert_non_null(sym);
	assert_non_null(rec);
	assert_ptr_equal(root->apex, cont);
	assert_ptr_equal(cont->wrapped_by, sym);
	assert_int_equal(sym->algorithm, SCRIPT_ALG_AES_128);
	assert_ptr_equal(root->custodians, script_find_set(plan, "root-custodians"));
	assert_int_equal(root->custodians->share_count, 5);
	assert_int_equal(root->custodians->groups[0].threshold, 3);
	assert_int_equal(root->subject.count, 2);
	assert_string_equal(root->subject.rdn[0].type, "OU");
	assert_string_equal(root->subject.rdn[0].value, "00");
	assert_string_equal(root->subject.rdn[1].type, "CN");
	assert_string_equal(root->subject.rdn[1].value, "ZA");
	assert_int_equal(root->validity.years, 25);
	assert_int_equal(root->policy_count, 1);
	assert_string_equal(root->policies[0], "1.2.826.0.1.8641679.1.2.1.4");
	assert_null(root->issuer);
	assert_true(rec->has_entity_id);
	{
		const unsigned char want[8] = {0x90, 0xB3, 0xD5, 0x1F, 0x30, 0x00, 0x00, 0x02};

		assert_memory_equal(rec->entity_id, want, 8);
	}
	assert_string_equal(rec->subject.rdn[1].value, "ZA Recovery");

	assert_int_equal(plan->steps[0].action, SCRIPT_ACT_ATTENDANCE);
	assert_int_equal(plan->steps[1].action, SCRIPT_ACT_GO_NO_GO);
	assert_int_equal(plan->steps[20].action, SCRIPT_ACT_CLOSE);
	assert_int_equal(plan->steps[20].number, 21);
	assert_true(plan->steps[20].actor.is_role);
	assert_int_equal(plan->steps[20].actor.role, SCRIPT_ROLE_WITNESS);
	assert_ptr_equal(script_find_step(plan, "root-cert")->output,
			 script_find_output(plan, "root-certificate"));
	assert_string_equal(script_find_output(plan, "root-certificate")->medium->id, "public");
	assert_string_equal(script_find_step(plan, "sealed")->text,
			    "Every custodian medium and share card is sealed in its numbered "
			    "tamper-evident bag, and each bag number matches the one recorded for "
			    "its share.");
	assert_ptr_equal(script_medium_of(plan, script_find_participant(plan, "heidi")),
			 script_find_medium(plan, "heidi"));
	assert_null(script_medium_of(plan, script_find_participant(plan, "alice")));
	assert_null(script_find_key(plan, "nonesuch"));

	for (unsigned i = 0; i < plan->step_count; i++) {
		char line[256];

		assert_int_equal(script_step_summary(&plan->steps[i], line, sizeof(line)), 0);
		assert_true(strlen(line) > 10);
	}
	script_free(plan);
	free(bytes);
}

static void test_secret_sizes(void **state)
{
	struct script_key k;

	(void)state;
	memset(&k, 0, sizeof(k));
	k.origin = SCRIPT_ORIGIN_GENERATE;
	k.algorithm = SCRIPT_ALG_EC_P256;
	assert_int_equal(script_key_secret_bits(&k), 256);
	assert_int_equal(script_share_words(256), 33);
	k.algorithm = SCRIPT_ALG_AES_128;
	assert_int_equal(script_key_secret_bits(&k), 128);
	assert_int_equal(script_share_words(128), 20);
	k.algorithm = SCRIPT_ALG_EC_P384;
	/* A P-384 key is longer than SLIP-39 allows: its shares split a 256-bit key-encryption key. */
	assert_int_equal(script_share_words(script_key_secret_bits(&k)), 33);
	k.algorithm = SCRIPT_ALG_ED25519;
	assert_int_equal(script_key_secret_bits(&k), 256);
	k.origin = SCRIPT_ORIGIN_CSR;
	assert_int_equal(script_key_secret_bits(&k), 0);
	assert_int_equal(script_share_words(0), 0);
}

static void test_groups(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	const struct script_custodian_set *set;
	bool present[SCRIPT_MAX_PARTICIPANTS] = {false};
	unsigned q[32], group, member, n;

	(void)state;
	assert_int_equal(script_load(GOOD "groups.yaml", &plan, &err), SCRIPT_OK);
	set = script_find_set(plan, "spread");
	assert_int_equal(set->group_count, 3);
	assert_int_equal(set->group_threshold, 2);
	assert_int_equal(set->share_count, 6);
	assert_string_equal(script_set_share(set, 4, &group, &member)->id, "c4");
	assert_int_equal(group, 2);
	assert_int_equal(member, 1);
	assert_string_equal(script_set_share(set, 6, &group, &member)->id, "c6");
	assert_int_equal(group, 3);
	assert_int_equal(member, 2);
	assert_null(script_set_share(set, 7, NULL, NULL));
	assert_null(script_set_share(set, 0, NULL, NULL));
	/* The first quorum: 2 of group 1, then group 2's one share. */
	n = script_set_quorum(set, q, 32);
	assert_int_equal(n, 3);
	assert_int_equal(q[0], 1);
	assert_int_equal(q[1], 2);
	assert_int_equal(q[2], 4);
	/* Presence: c1, c2 (group 1 met) and c4 (group 2 met) make a quorum. */
	present[script_find_participant(plan, "c1")->index] = true;
	present[script_find_participant(plan, "c2")->index] = true;
	assert_false(script_set_present(set, present, false));
	present[script_find_participant(plan, "c5")->index] = true;
	assert_false(script_set_present(set, present, false));
	present[script_find_participant(plan, "c4")->index] = true;
	assert_true(script_set_present(set, present, false));
	assert_false(script_set_present(set, present, true));
	for (unsigned i = 0; i < plan->participant_count; i++)
		present[i] = true;
	assert_true(script_set_present(set, present, true));
	/* The multi-line acknowledgement keeps its lines, without the final break. */
	assert_string_equal(script_find_step(plan, "ack")->text,
			    "The auditor saw every share card sealed.\n"
			    "The public medium was write-protected before it left the room.");
	assert_false(script_find_step(plan, "ack")->actor.is_role);
	assert_string_equal(script_find_step(plan, "ack")->actor.participant->name,
			    "Ina \xc3\x98"
			    "deg\xc3\xa5rd");
	script_free(plan);
}

static void test_key_use(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	const struct script_output *crl;
	const struct script_key *nr;

	(void)state;
	assert_int_equal(script_load(GOOD "key-use.yaml", &plan, &err), SCRIPT_OK);
	crl = script_find_output(plan, "crl");
	assert_int_equal(crl->revoked_count, 2);
	assert_int_equal(crl->revoked[0].serial_len, 8);
	assert_int_equal(crl->revoked[0].serial[0], 0x01);
	assert_int_equal(crl->revoked[0].reason, SCRIPT_REASON_KEY_COMPROMISE);
	/* Leading zero octets are not part of the number. */
	assert_int_equal(crl->revoked[1].serial_len, 1);
	assert_int_equal(crl->revoked[1].serial[0], 0xFF);
	assert_int_equal(crl->next_update.days, 365);
	nr = script_find_key(plan, "new-root");
	assert_ptr_equal(nr->issuer, script_find_key(plan, "contingency"));
	assert_ptr_equal(nr->apex->wrapped_by, script_find_key(plan, "new-symmetric"));
	assert_int_equal(script_find_key(plan, "recovery")->origin, SCRIPT_ORIGIN_SHARES);
	assert_ptr_equal(script_find_input(plan, "recovery-shares")->key,
			 script_find_key(plan, "recovery"));
	assert_ptr_equal(script_step_share_set(script_find_step(plan, "reshare")),
			 script_find_set(plan, "recovery-new"));
	assert_true(script_find_input(plan, "root-cert")->has_sha256);
	assert_int_equal(script_find_input(plan, "recovery-cert")->source, SCRIPT_SOURCE_QR);
	script_free(plan);
}

/* Placeholder digests (all 32 bytes alike) are found, with their input and line; an approved
 * digest is not one; hex may be written grouped as printed, and means the same bytes. */
static void test_placeholders(void **state)
{
	static const char flat[] =
		"2192d2ef26c8230effa074536df36ff3e86cfe418cb49e7d7162cd80e9f43cf9";
	static const char grouped[] = "2192 D2EF 26C8 230E FFA0 7453 6DF3 6FF3 E86C FE41 8CB4 "
				      "9E7D 7162 CD80 E9F4 3CF9";
	struct script_plan *plan = NULL, *other = NULL;
	struct script_placeholder ph;
	struct script_error err;

	(void)state;
	assert_int_equal(script_load(GOOD "key-use.yaml", &plan, &err), SCRIPT_OK);
	assert_true(script_placeholder(plan, 0, &ph));
	assert_ptr_equal(ph.input, script_find_input(plan, "root-cert"));
	assert_string_equal(ph.field, "sha256");
	assert_int_equal(ph.line, 34);
	assert_false(script_placeholder(plan, 1, &ph));
	script_free(plan);

	assert_int_equal(script_load(GOOD "issuing-ca.yaml", &plan, &err), SCRIPT_OK);
	assert_false(script_placeholder(plan, 0, &ph));
	assert_int_equal(parse_edit(GOOD "issuing-ca.yaml", flat, grouped, &other, &err),
			 SCRIPT_OK);
	assert_memory_equal(other->inputs[0].digest, plan->inputs[0].digest, 32);
	script_free(other);
	assert_int_equal(parse_edit(GOOD "issuing-ca.yaml", flat,
				    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
				    &other, &err),
			 SCRIPT_OK);
	assert_true(script_placeholder(other, 0, &ph));
	assert_string_equal(ph.field, "digest");
	script_free(other);
	script_free(plan);
	expect_error(GOOD "issuing-ca.yaml", flat, "2192 D2EF26C8", SCRIPT_E_SCHEMA, 24,
		     "'digest' must be 64 hex digits");
}

/* Thresholds at and past the SLIP-39 limits. */
static void test_limits(void **state)
{
	const char *g = GOOD "generic-root.yaml";

	(void)state;
	expect_valid(g, "    threshold: 2\n", "    threshold: 3\n");
	expect_error(g, "    threshold: 2\n", "    threshold: 17\n", SCRIPT_E_RANGE, 26,
		     "from 1 to 16");
	expect_error(
	    g, "    members: [cara, cody, cruz]\n",
	    "    members: [cara, cody, cruz, cara, cody, cruz, cara, cody, cruz, cara, cody, "
	    "cruz, cara, cody, cruz, cara, cody]\n",
	    SCRIPT_E_RANGE, 27, "1 to 16 entries");
	/* A 1-of-1 set is allowed; 1 of 2 is not. */
	expect_valid(g, "    threshold: 2\n    members: [cara, cody, cruz]\n",
		     "    threshold: 1\n    members: [cara]\n");
	expect_error(g, "    threshold: 2\n    members: [cara, cody, cruz]\n",
		     "    threshold: 1\n    members: [cara, cody]\n", SCRIPT_E_RULE, 26,
		     "SLIP-39");
	expect_error(g, "    threshold: 2\n    members: [cara, cody, cruz]\n",
		     "    group-threshold: 1\n    threshold: 2\n    members: [cara]\n",
		     SCRIPT_E_RULE, 26, "needs 'groups'");
	expect_error(g, "    threshold: 2\n    members: [cara, cody, cruz]\n",
		     "    group-threshold: 1\n    groups: []\n", SCRIPT_E_RANGE, 27,
		     "1 to 16 entries");
}

static void test_values(void **state)
{
	const char *g = GOOD "generic-root.yaml";

	(void)state;
	/* Identifiers. */
	expect_error(g, "  - id: cara\n", "  - id: Cara\n", SCRIPT_E_SCHEMA, 14, "valid name");
	expect_error(g, "  - id: cara\n", "  - id: -cara\n", SCRIPT_E_SCHEMA, 14, "valid name");
	expect_error(g, "  - id: cara\n", "  - id: cara-\n", SCRIPT_E_SCHEMA, 14, "valid name");
	expect_error(g, "id: generic-root-test\n",
		     "id: a2345678901234567890123456789012345678901234567890123456789012345\n",
		     SCRIPT_E_SCHEMA, 3, "1 to 64");
	expect_valid(g, "id: generic-root-test\n",
		     "id: a234567890123456789012345678901234567890123456789012345678901234\n");
	expect_error(g, "  - id: willa\n", "  - id: witness\n", SCRIPT_E_RULE, 11, "role name");
	/* Validity. */
	expect_valid(g, "validity: 20y", "validity: 100y");
	expect_valid(g, "validity: 20y", "validity: 36525d");
	expect_error(g, "validity: 20y", "validity: 101y", SCRIPT_E_SCHEMA, 34, "years");
	expect_error(g, "validity: 20y", "validity: 0y", SCRIPT_E_SCHEMA, 34, "years");
	expect_error(g, "validity: 20y", "validity: 020y", SCRIPT_E_SCHEMA, 34, "years");
	expect_error(g, "validity: 20y", "validity: 36526d", SCRIPT_E_SCHEMA, 34, "years");
	expect_error(g, "validity: 20y", "validity: 20", SCRIPT_E_SCHEMA, 34, "years");
	/* OIDs. */
	expect_valid(g, "[2.5.29.32.0]", "[0.39, 2.999.1, 1.2.840.113549]");
	expect_error(g, "[2.5.29.32.0]", "[0.40]", SCRIPT_E_SCHEMA, 35, "dotted OID");
	expect_error(g, "[2.5.29.32.0]", "[3.1]", SCRIPT_E_SCHEMA, 35, "dotted OID");
	expect_error(g, "[2.5.29.32.0]", "[1.2.]", SCRIPT_E_SCHEMA, 35, "dotted OID");
	expect_error(g, "[2.5.29.32.0]", "[1.02]", SCRIPT_E_SCHEMA, 35, "dotted OID");
	expect_error(g, "[2.5.29.32.0]", "[1]", SCRIPT_E_SCHEMA, 35, "dotted OID");
	expect_error(g, "[2.5.29.32.0]", "[2.5.29.32.0, 2.5.29.32.0]", SCRIPT_E_RULE, 35,
		     "listed twice");
	/* Subjects. */
	expect_valid(g, "C=GB, O=Example Ltd, CN=Example Root CA",
		     "CN=R\xc3\xa9seau Racine,O=Exemple,C=FR");
	expect_error(g, "C=GB,", "C=gb,", SCRIPT_E_SCHEMA, 33, "two capital letters");
	expect_error(g, "C=GB,", "Country=GB,", SCRIPT_E_SCHEMA, 33, "is not one of");
	expect_error(g, "O=Example Ltd", "O=Example+Ltd", SCRIPT_E_SCHEMA, 33, "1 to 64");
	expect_error(g, "O=Example Ltd", "O=", SCRIPT_E_SCHEMA, 33, "1 to 64");
	expect_error(g, "O=Example Ltd", "O", SCRIPT_E_SCHEMA, 33, "OU=00");
	/* Name constraints: addresses with their prefix, hosts. */
	expect_valid(g, "ip:2001:db8::/32", "ip:::/0, ip:::1/128, ip:1::/16, ip:fe80::/10");
	expect_valid(g, "ip:2001:db8::/32", "ip:10.0.0.0/8, ip:0.0.0.0/0, uri:.example.org");
	expect_valid(g, "email:.invalid", "email:root@example.com");
	expect_error(g, "ip:2001:db8::/32", "ip:1:::2/64", SCRIPT_E_SCHEMA, 38, "ip:ADDRESS");
	expect_error(g, "ip:2001:db8::/32", "ip:2001:db8::/129", SCRIPT_E_SCHEMA, 38,
		     "ip:ADDRESS");
	expect_error(g, "ip:2001:db8::/32", "ip:1:2:3:4:5:6:7:8:9/64", SCRIPT_E_SCHEMA, 38,
		     "ip:ADDRESS");
	expect_error(g, "ip:2001:db8::/32", "ip:1.2.3.4/33", SCRIPT_E_SCHEMA, 38, "ip:ADDRESS");
	expect_error(g, "ip:2001:db8::/32", "ip:01.2.3.0/24", SCRIPT_E_SCHEMA, 38, "ip:ADDRESS");
	expect_error(g, "ip:2001:db8::/32", "ip:2001:db8::1/32", SCRIPT_E_SCHEMA, 38,
		     "ip:ADDRESS");
	expect_error(g, "dns:example.com", "dns:-bad.example", SCRIPT_E_SCHEMA, 38, "dns:HOST");
	expect_error(g, "dns:example.com", "ftp:example.com", SCRIPT_E_SCHEMA, 38, "dns:HOST");
	expect_error(g, "email:.invalid", "email:a b@example.com", SCRIPT_E_SCHEMA, 39,
		     "email:ADDRESS");
	expect_error(g, "      excluded: [email:.invalid]\n", "      excluded: []\n",
		     SCRIPT_E_RANGE, 39, "1 to 16");
	/* Text. */
	expect_error(g, "name: Adam Adler", "name: \"Adam Adler \"", SCRIPT_E_SCHEMA, 9, "space");
	expect_error(g, "title: Generic offline root CA key generation", "title: \"two\\nlines\"",
		     SCRIPT_E_SCHEMA, 4, "one line");
	expect_error(g, "name: Adam Adler", "name: Null", SCRIPT_E_SCHEMA, 9, "no value");
	expect_valid(g, "name: Adam Adler", "name: \"Null\"");
	expect_error(g, "name: Adam Adler", "name: \"Adam\\u200bAdler\"", SCRIPT_E_TEXT, 9,
		     "non-printable");
	expect_error(g, "name: Adam Adler", "name: \"Adam\\0Adler\"", SCRIPT_E_TEXT, 9,
		     "non-printable");
	expect_error(g, "name: Adam Adler",
		     "name: \xef\xbb\xbf"
		     "Adam",
		     SCRIPT_E_TEXT, 9, "not printable");
	expect_error(g, "name: Adam Adler", "name: Adam\x7f", SCRIPT_E_TEXT, 9, "not printable");
	expect_error(g, "name: Adam Adler", "name: Adam \xc0\xaf", SCRIPT_E_TEXT, 9,
		     "not printable");
	expect_error(g, "name: Adam Adler", "name: Adam \xed\xa0\x80", SCRIPT_E_TEXT, 9,
		     "not printable");
	/* Keys in flow style are plain words too. */
	expect_error(g, "    name: Adam Adler\n", "    \"name\": Adam Adler\n", SCRIPT_E_YAML, 9,
		     "plain words");
}

static void test_rules(void **state)
{
	const char *g = GOOD "generic-root.yaml";
	const char *s = EXAMPLE;

	(void)state;
	/* Keys in the wrong profile. */
	expect_error(g, "    kind: generic\n", "    kind: root\n", SCRIPT_E_RULE, 31,
		     "the generic profile has no root keys");
	expect_error(s, "    kind: recovery\n", "    kind: generic\n", SCRIPT_E_RULE, 80,
		     "the smki profile has no generic keys");
	/* Origins and their inputs. */
	expect_error(g, "    custodians: root-set\n", "    origin: csr\n    custodians: root-set\n",
		     SCRIPT_E_RULE, 30, "comes from an input");
	expect_error(s, "    kind: contingency\n", "    kind: contingency\n    origin: csr\n",
		     SCRIPT_E_RULE, 72, "cannot have origin csr");
	/* Links between keys. */
	expect_error(s, "    apex-contingency-key: contingency\n",
		     "    apex-contingency-key: recovery\n", SCRIPT_E_RULE, 68,
		     "not a contingency key");
	expect_error(s, "    apex-contingency-key: contingency\n", "", SCRIPT_E_RULE, 62,
		     "carries the wrapped contingency key");
	expect_error(s, "    entity-id: 90B3D51F30000002\n", "", SCRIPT_E_RULE, 79,
		     "entity identifier");
	expect_error(s, "    validity: 25y\n    policies", "    policies", SCRIPT_E_RULE, 62,
		     "needs a validity");
	expect_error(s, "    kind: contingency\n", "    kind: contingency\n    subject: CN=X\n",
		     SCRIPT_E_RULE, 72, "'subject' is only");
	expect_error(g, "    custodians: root-set\n",
		     "    custodians: root-set\n    issuer: root\n", SCRIPT_E_RULE, 41,
		     "not its own issuer");
	/* Steps. */
	expect_error(g, "    action: test-reconstruction\n", "    action: split-shares\n",
		     SCRIPT_E_RULE, 97, "already split in step 6");
	expect_error(g, "    action: show-fingerprints\n    key: root\n",
		     "    action: show-fingerprints\n    key: root\n    text: hello\n",
		     SCRIPT_E_RULE, 92, "'text' is not used by a show-fingerprints step");
}

/* Every bad vector, through the library: the line its first line declares. */
static void test_bad_vectors(void **state)
{
	DIR *d = opendir(BAD);
	struct dirent *e;
	unsigned n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char path[512], first[256];
		struct script_plan *plan = NULL;
		struct script_error err;
		unsigned line = 0;
		FILE *f;

		if (strstr(e->d_name, ".yaml") == NULL)
			continue;
		snprintf(path, sizeof(path), BAD "%s", e->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_non_null(fgets(first, sizeof(first), f));
		fclose(f);
		assert_int_equal(sscanf(first, "# expect: %u:", &line), 1);
		if (script_load(path, &plan, &err) == SCRIPT_OK)
			fail_msg("%s was accepted", path);
		assert_null(plan);
		if (err.line != line)
			fail_msg("%s: line %u, expected %u (%s)", path, err.line, line,
				 err.message);
		assert_true(err.code >= SCRIPT_E_TOO_BIG);
		n++;
	}
	closedir(d);
	assert_true(n >= 40);
}

static void test_size_and_io(void **state)
{
	struct script_plan *plan = (struct script_plan *)1;
	struct script_error err;
	unsigned char *big = malloc(SCRIPT_MAX_BYTES + 1);

	(void)state;
	assert_non_null(big);
	memset(big, '#', SCRIPT_MAX_BYTES + 1);
	for (size_t i = 79; i < SCRIPT_MAX_BYTES; i += 80)
		big[i] = '\n';
	assert_int_equal(script_parse(big, SCRIPT_MAX_BYTES + 1, &plan, &err), SCRIPT_E_TOO_BIG);
	assert_null(plan);
	assert_int_equal(err.line, SCRIPT_MAX_BYTES / 80 + 1);
	/* Within the limit it is only comments: an empty script. */
	assert_int_equal(script_parse(big, SCRIPT_MAX_BYTES, &plan, &err), SCRIPT_E_SCHEMA);
	free(big);
	assert_int_equal(script_parse((const unsigned char *)"", 0, &plan, &err),
			 SCRIPT_E_SCHEMA);
	assert_int_equal(script_load("tests/no/such/file.yaml", &plan, &err), SCRIPT_E_IO);
	assert_int_equal(err.line, 0);
	assert_int_equal(script_load("tests", &plan, &err), SCRIPT_E_IO);
	assert_null(plan);
	script_free(NULL);
	assert_string_equal(script_strerror(SCRIPT_E_RULE), "ceremony rule broken");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(script_action_name(SCRIPT_ACT_CONTINGENCY_REPLACE),
			    "contingency-replace");
	assert_string_equal(script_key_kind_name(SCRIPT_KEY_CONTINGENCY_SYMMETRIC),
			    "contingency-symmetric");
	assert_string_equal(script_algorithm_name(SCRIPT_ALG_RSA_4096), "rsa-4096");
	assert_string_equal(script_role_name(SCRIPT_ROLE_AUDITOR), "auditor");
	assert_string_equal(script_medium_kind_name(SCRIPT_MEDIUM_INPUT), "input");
	assert_string_equal(script_crl_reason_name(SCRIPT_REASON_PRIVILEGE_WITHDRAWN),
			    "privilege-withdrawn");
	assert_string_equal(script_action_name((enum script_action)99), "?");
}

/* The action table (ceremony/script/action.c): every action has its own name, the reader knows
 * each one by it, and the step lookups agree with what each action does. */
static void test_actions(void **state)
{
	struct script_plan *plan = NULL;
	struct script_error err;
	const struct script_input *in[8];
	const struct script_step *replace;

	(void)state;
	for (unsigned a = 0; a < SCRIPT_ACTION_COUNT; a++) {
		const char *name = script_action_name((enum script_action)a);
		char edit[64];

		assert_string_not_equal(name, "?");
		for (unsigned b = 0; b < a; b++)
			assert_string_not_equal(name, script_action_name((enum script_action)b));
		/* The last step as this action: refused for its rules, never for its name. */
		snprintf(edit, sizeof(edit), "action: %s", name);
		if (parse_edit(EXAMPLE, "action: close", edit, &plan, &err) == SCRIPT_OK) {
			script_free(plan);
			plan = NULL;
			continue;
		}
		assert_null(strstr(err.message, "'action' must be one of"));
	}
	assert_int_equal(script_load(GOOD "key-use.yaml", &plan, &err), SCRIPT_OK);
	replace = script_find_step(plan, "replace");
	assert_int_equal(replace->action, SCRIPT_ACT_CONTINGENCY_REPLACE);
	assert_true(script_step_uses_key(replace, script_find_key(plan, "new-root")));
	assert_true(script_step_uses_key(replace, script_find_key(plan, "contingency")));
	assert_true(script_step_uses_key(replace, script_find_key(plan, "contingency-symmetric")));
	assert_true(script_step_uses_key(replace, script_find_key(plan, "new-contingency")));
	assert_false(script_step_uses_key(replace, script_find_key(plan, "recovery")));
	assert_false(
	    script_step_uses_key(script_find_step(plan, "fpr"), script_find_key(plan, "new-root")));
	assert_int_equal(script_step_inputs(plan, replace, in, 8), 1);
	assert_ptr_equal(in[0], script_find_input(plan, "root-cert"));
	assert_int_equal(script_step_inputs(plan, script_find_step(plan, "go"), in, 8), 1);
	assert_int_equal(in[0]->type, SCRIPT_INPUT_TRANSCRIPT_DIGEST);
	assert_null(script_step_share_set(script_find_step(plan, "split-root") - 1));
	assert_ptr_equal(script_step_share_set(script_find_step(plan, "split-root")),
			 script_find_set(plan, "root-custodians"));
	script_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_example_plan), cmocka_unit_test(test_secret_sizes),
	    cmocka_unit_test(test_groups),	 cmocka_unit_test(test_key_use),
	    cmocka_unit_test(test_placeholders),
	    cmocka_unit_test(test_limits),	 cmocka_unit_test(test_values),
	    cmocka_unit_test(test_rules),	 cmocka_unit_test(test_bad_vectors),
	    cmocka_unit_test(test_size_and_io),	 cmocka_unit_test(test_names),
	    cmocka_unit_test(test_actions),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
