/* SLIP-39 splitting, collecting and combining: the two-level scheme over shamir.c. */
#include "shamir/slip39.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "shamir/ct.h"
#include "shamir/slip39_cipher.h"
#include "shamir/slip39_share.h"

/* One slot per possible share, and one where a share is parsed before it is accepted. */
#define VALUE_SLOTS (SLIP39_GROUPS_MAX * SLIP39_MEMBERS_MAX + 1)
#define PARSE_SLOT (VALUE_SLOTS - 1)

struct slip39_collector {
	size_t shares;
	uint16_t id;
	uint8_t extendable, iter_exp, group_threshold, group_count;
	size_t len;
	struct {
		uint8_t count, threshold;
		uint8_t member[SLIP39_MEMBERS_MAX]; /* indices, in order of arrival */
	} group[SLIP39_GROUPS_MAX];
	/* Share values: group g, arrival k at values + (g * 16 + k) * SLIP39_SECRET_MAX. */
	uint8_t *values;
};

/* Printable ASCII only, checked without branching on the passphrase's bytes. The verdict is
 * told (the passphrase is refused), so the callers may branch on it. */
static int passphrase_ok(const uint8_t *pass, size_t passlen)
{
	uint32_t bad = 0;

	if (passlen > SLIP39_PASSPHRASE_MAX || (pass == NULL && passlen > 0))
		return 0;
	for (size_t i = 0; i < passlen; i++)
		bad |= ((uint32_t)pass[i] - 32u) > 94u;
	ct_declassify(&bad, sizeof(bad));
	return bad == 0;
}

static int secret_length_ok(size_t len)
{
	return len >= SLIP39_SECRET_MIN && len <= SLIP39_SECRET_MAX && len % 2 == 0;
}

static int map_shamir(int err)
{
	switch (err) {
	case SHAMIR_OK:
		return SLIP39_OK;
	case SHAMIR_E_NOMEM:
		return SLIP39_E_NOMEM;
	case SHAMIR_E_DIGEST:
		return SLIP39_E_DIGEST;
	}
	return SLIP39_E_PARAM;
}

static void where_set(struct slip39_where *where, unsigned int group, unsigned int member)
{
	if (where != NULL) {
		where->group = group;
		where->member = member;
	}
}

/* --- splitting --------------------------------------------------------------------------- */

static int split_params_ok(uint8_t iter_exp, uint8_t group_threshold,
			   const struct slip39_group *groups, size_t ngroups)
{
	if (iter_exp > SLIP39_ITER_EXP_MAX || ngroups < 1 || ngroups > SLIP39_GROUPS_MAX ||
	    group_threshold < 1 || group_threshold > ngroups)
		return 0;
	for (size_t g = 0; g < ngroups; g++) {
		const struct slip39_group *gr = &groups[g];

		if (gr->threshold < 1 || gr->threshold > gr->count ||
		    gr->count > SLIP39_MEMBERS_MAX || (gr->threshold == 1 && gr->count != 1))
			return 0;
	}
	return 1;
}

static char *slot(const struct slip39_mnemonics *ms, size_t g, size_t m)
{
	return ms->text + (g * SLIP39_MEMBERS_MAX + m) * SLIP39_MNEMONIC_MAX;
}

const char *slip39_mnemonic(const struct slip39_mnemonics *ms, size_t g, size_t m)
{
	if (ms == NULL || g >= ms->ngroups || m >= ms->groups[g].count)
		return NULL;
	return slot(ms, g, m);
}

void slip39_mnemonics_free(struct slip39_mnemonics *ms)
{
	if (ms == NULL)
		return;
	if (ms->text != NULL) {
		sodium_memzero(ms->text, ms->ngroups * SLIP39_MEMBERS_MAX * SLIP39_MNEMONIC_MAX);
		sodium_free(ms->text);
	}
	free(ms);
}

enum slip39_err slip39_split(const uint8_t *secret, size_t len, const uint8_t *pass, size_t passlen,
		 int extendable, uint8_t iter_exp, uint8_t group_threshold,
		 const struct slip39_group *groups, size_t ngroups, slip39_rng_fn rng,
		 void *rng_ctx, struct slip39_mnemonics **out)
{
	struct slip39_mnemonics *ms = NULL;
	struct slip39_share share;
	uint8_t idbytes[2];
	uint8_t *mem = NULL, *ems, *gshares, *mshares;
	size_t memlen = (1 + SLIP39_GROUPS_MAX + SLIP39_MEMBERS_MAX) * SLIP39_SECRET_MAX;
	int ret;

	*out = NULL;
	if (!secret_length_ok(len))
		return SLIP39_E_SECRET_LENGTH;
	if (!passphrase_ok(pass, passlen))
		return SLIP39_E_PASSPHRASE;
	if (groups == NULL || !split_params_ok(iter_exp, group_threshold, groups, ngroups))
		return SLIP39_E_PARAM;

	ms = calloc(1, sizeof(*ms));
	if (ms == NULL)
		return SLIP39_E_NOMEM;
	mem = sodium_malloc(memlen);
	ms->text = sodium_malloc(ngroups * SLIP39_MEMBERS_MAX * SLIP39_MNEMONIC_MAX);
	ms->ngroups = ngroups;
	if (mem == NULL || ms->text == NULL) {
		ret = SLIP39_E_NOMEM;
		goto out;
	}
	sodium_memzero(ms->text, ngroups * SLIP39_MEMBERS_MAX * SLIP39_MNEMONIC_MAX);
	ems = mem;
	gshares = ems + SLIP39_SECRET_MAX;
	mshares = gshares + SLIP39_GROUPS_MAX * SLIP39_SECRET_MAX;

	rng(rng_ctx, idbytes, sizeof(idbytes));
	ms->id = (uint16_t)(((idbytes[0] << 8) | idbytes[1]) & SLIP39_ID_MAX);
	ms->extendable = extendable ? 1 : 0;
	ms->iter_exp = iter_exp;
	ms->group_threshold = group_threshold;
	memcpy(ms->groups, groups, ngroups * sizeof(*groups));

	ret = slip39_encrypt(secret, len, pass, passlen, iter_exp, ms->id, ms->extendable, ems);
	if (ret != SLIP39_OK)
		goto out;
	ret = map_shamir(shamir_split(group_threshold, (uint8_t)ngroups, ems, len, rng, rng_ctx,
				      gshares));
	if (ret != SLIP39_OK)
		goto out;

	share = (struct slip39_share){
		.id = ms->id,
		.extendable = ms->extendable,
		.iter_exp = iter_exp,
		.group_threshold = group_threshold,
		.group_count = (uint8_t)ngroups,
		.len = len,
	};
	for (size_t g = 0; g < ngroups; g++) {
		ret = map_shamir(shamir_split(groups[g].threshold, groups[g].count,
					      gshares + g * len, len, rng, rng_ctx, mshares));
		if (ret != SLIP39_OK)
			goto out;
		share.group_index = (uint8_t)g;
		share.member_threshold = groups[g].threshold;
		for (size_t m = 0; m < groups[g].count; m++) {
			share.member_index = (uint8_t)m;
			share.value = mshares + m * len;
			ret = slip39_share_encode(&share, slot(ms, g, m), SLIP39_MNEMONIC_MAX);
			if (ret != SLIP39_OK)
				goto out;
		}
	}
	*out = ms;
	ms = NULL;
	ret = SLIP39_OK;
out:
	if (mem != NULL) {
		sodium_memzero(mem, memlen);
		sodium_free(mem);
	}
	slip39_mnemonics_free(ms);
	return ret;
}

/* --- collecting -------------------------------------------------------------------------- */

enum slip39_err slip39_collector_new(struct slip39_collector **out)
{
	struct slip39_collector *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return SLIP39_E_NOMEM;
	c->values = sodium_malloc(VALUE_SLOTS * SLIP39_SECRET_MAX);
	if (c->values == NULL) {
		free(c);
		return SLIP39_E_NOMEM;
	}
	sodium_memzero(c->values, VALUE_SLOTS * SLIP39_SECRET_MAX);
	*out = c;
	return SLIP39_OK;
}

void slip39_collector_free(struct slip39_collector *c)
{
	if (c == NULL)
		return;
	sodium_memzero(c->values, VALUE_SLOTS * SLIP39_SECRET_MAX);
	sodium_free(c->values);
	free(c);
}

static uint8_t groups_started(const struct slip39_collector *c)
{
	uint8_t n = 0;

	for (size_t g = 0; g < SLIP39_GROUPS_MAX; g++)
		n = (uint8_t)(n + (c->group[g].count > 0));
	return n;
}

enum slip39_err slip39_collector_add_share(struct slip39_collector *c, const struct slip39_share *s,
			       struct slip39_where *where)
{
	unsigned int g = s->group_index;
	size_t k;

	where_set(where, g + 1u, s->member_index + 1u);
	if (s->value == NULL || !secret_length_ok(s->len) || s->id > SLIP39_ID_MAX ||
	    s->extendable > 1 || s->iter_exp > SLIP39_ITER_EXP_MAX ||
	    s->group_index >= SLIP39_GROUPS_MAX || s->member_index >= SLIP39_MEMBERS_MAX ||
	    s->member_threshold < 1 || s->member_threshold > SLIP39_MEMBERS_MAX)
		return SLIP39_E_PARAM;
	if (s->group_threshold < 1 || s->group_threshold > s->group_count ||
	    s->group_count > SLIP39_GROUPS_MAX || s->group_index >= s->group_count)
		return SLIP39_E_GROUP_PARAMS;
	if (c->shares > 0) {
		if (s->id != c->id)
			return SLIP39_E_SET_MISMATCH;
		if (s->extendable != c->extendable || s->iter_exp != c->iter_exp ||
		    s->group_threshold != c->group_threshold ||
		    s->group_count != c->group_count || s->len != c->len)
			return SLIP39_E_PARAMS_MISMATCH;
	}
	k = c->group[g].count;
	if (k == 0) {
		if (c->shares > 0 && groups_started(c) >= c->group_threshold)
			return SLIP39_E_TOO_MANY_GROUPS;
	} else {
		if (s->member_threshold != c->group[g].threshold)
			return SLIP39_E_MEMBER_THRESHOLD_MISMATCH;
		for (size_t i = 0; i < k; i++)
			if (c->group[g].member[i] == s->member_index)
				return SLIP39_E_DUPLICATE_MEMBER;
		if (k >= c->group[g].threshold)
			return SLIP39_E_GROUP_COMPLETE;
	}

	if (c->shares == 0) {
		c->id = s->id;
		c->extendable = s->extendable;
		c->iter_exp = s->iter_exp;
		c->group_threshold = s->group_threshold;
		c->group_count = s->group_count;
		c->len = s->len;
	}
	c->group[g].threshold = s->member_threshold;
	c->group[g].member[k] = s->member_index;
	memcpy(c->values + (g * SLIP39_MEMBERS_MAX + k) * SLIP39_SECRET_MAX, s->value, s->len);
	c->group[g].count = (uint8_t)(k + 1);
	c->shares++;
	return SLIP39_OK;
}

enum slip39_err slip39_collector_add(struct slip39_collector *c, const char *mnemonic, size_t len,
			 struct slip39_where *where)
{
	uint8_t *slot = c->values + PARSE_SLOT * SLIP39_SECRET_MAX;
	struct slip39_share s;
	size_t word = 0;
	int ret;

	if (where != NULL) {
		where->word = 0;
		where_set(where, 0, 0);
	}
	ret = slip39_share_parse(mnemonic, len, &s, slot, &word);
	if (ret == SLIP39_OK)
		ret = slip39_collector_add_share(c, &s, where);
	else if (where != NULL)
		where->word = word;
	sodium_memzero(slot, SLIP39_SECRET_MAX);
	sodium_memzero(&s, sizeof(s));
	return ret;
}

void slip39_collector_status(const struct slip39_collector *c, struct slip39_status *st)
{
	sodium_memzero(st, sizeof(*st));
	st->shares = c->shares;
	if (c->shares == 0)
		return;
	st->id = c->id;
	st->extendable = c->extendable;
	st->iter_exp = c->iter_exp;
	st->len = c->len;
	st->group_threshold = c->group_threshold;
	st->group_count = c->group_count;
	for (size_t g = 0; g < SLIP39_GROUPS_MAX; g++) {
		uint8_t present = c->group[g].count;

		if (present == 0)
			continue;
		st->group[g].present = present;
		st->group[g].threshold = c->group[g].threshold;
		st->group[g].needed = (uint8_t)(c->group[g].threshold - present);
		st->groups_started++;
		if (st->group[g].needed == 0)
			st->groups_complete++;
	}
	st->groups_missing = (uint8_t)(c->group_threshold - st->groups_started);
	st->ready = st->groups_complete == c->group_threshold;
}

/* --- combining --------------------------------------------------------------------------- */

/* Scratch for recover_ems: the group shares, then the encrypted master secret. */
#define WORK_LEN ((SLIP39_GROUPS_MAX + 1) * SLIP39_SECRET_MAX)

/* The encrypted master secret (c->len bytes) into work + WORK_EMS: each group's share from its
 * members, then the groups' shares, each level checked against its digest. */
#define WORK_EMS (SLIP39_GROUPS_MAX * SLIP39_SECRET_MAX)
static int recover_ems(const struct slip39_collector *c, uint8_t *work, struct slip39_where *where)
{
	struct slip39_status st;
	uint8_t gx[SLIP39_GROUPS_MAX];
	const uint8_t *gy[SLIP39_GROUPS_MAX];
	size_t ng = 0;
	int ret = SLIP39_OK;

	where_set(where, 0, 0);
	slip39_collector_status(c, &st);
	if (st.shares == 0)
		return SLIP39_E_NO_SHARES;
	if (!st.ready)
		return SLIP39_E_MORE_SHARES;
	for (size_t g = 0; g < SLIP39_GROUPS_MAX && ret == SLIP39_OK; g++) {
		uint8_t mx[SLIP39_MEMBERS_MAX];
		const uint8_t *my[SLIP39_MEMBERS_MAX];
		size_t m = c->group[g].count;

		if (m == 0)
			continue;
		for (size_t k = 0; k < m; k++) {
			mx[k] = c->group[g].member[k];
			my[k] = c->values + (g * SLIP39_MEMBERS_MAX + k) * SLIP39_SECRET_MAX;
		}
		gx[ng] = (uint8_t)g;
		gy[ng] = work + ng * SLIP39_SECRET_MAX;
		ret = map_shamir(shamir_recover(mx, my, m, c->len, work + ng * SLIP39_SECRET_MAX));
		if (ret != SLIP39_OK)
			where_set(where, (unsigned int)g + 1u, 0);
		ng++;
	}
	if (ret == SLIP39_OK)
		ret = map_shamir(shamir_recover(gx, gy, ng, c->len, work + WORK_EMS));
	return ret;
}

enum slip39_err slip39_collector_verify(const struct slip39_collector *c, struct slip39_where *where)
{
	uint8_t *work = sodium_malloc(WORK_LEN);
	int ret;

	if (work == NULL)
		return SLIP39_E_NOMEM;
	ret = recover_ems(c, work, where);
	sodium_memzero(work, WORK_LEN);
	sodium_free(work);
	return ret;
}

enum slip39_err slip39_collector_combine(const struct slip39_collector *c, const uint8_t *pass,
			     size_t passlen, uint8_t **secret, size_t *len,
			     struct slip39_where *where)
{
	uint8_t *work, *ms = NULL;
	int ret;

	*secret = NULL;
	*len = 0;
	where_set(where, 0, 0);
	if (!passphrase_ok(pass, passlen))
		return SLIP39_E_PASSPHRASE;
	work = sodium_malloc(WORK_LEN);
	if (work == NULL)
		return SLIP39_E_NOMEM;
	ret = recover_ems(c, work, where);
	if (ret != SLIP39_OK)
		goto out;
	/* Exactly len bytes, so that the guard page follows the secret. */
	ms = sodium_malloc(c->len);
	if (ms == NULL) {
		ret = SLIP39_E_NOMEM;
		goto out;
	}
	ret = slip39_decrypt(work + WORK_EMS, c->len, pass, passlen, c->iter_exp, c->id,
			     c->extendable, ms);
	if (ret != SLIP39_OK)
		goto out;
	*secret = ms;
	*len = c->len;
	ms = NULL;
out:
	if (ms != NULL) {
		sodium_memzero(ms, c->len);
		sodium_free(ms);
	}
	sodium_memzero(work, WORK_LEN);
	sodium_free(work);
	return ret;
}

enum slip39_err slip39_combine(const char *const *mnemonics, size_t n, const uint8_t *pass, size_t passlen,
		   uint8_t **secret, size_t *len, struct slip39_where *where)
{
	struct slip39_collector *c;
	int ret;

	*secret = NULL;
	*len = 0;
	if (where != NULL)
		sodium_memzero(where, sizeof(*where));
	ret = slip39_collector_new(&c);
	if (ret != SLIP39_OK)
		return ret;
	for (size_t i = 0; i < n; i++) {
		ret = slip39_collector_add(c, mnemonics[i], strlen(mnemonics[i]), where);
		if (ret != SLIP39_OK) {
			if (where != NULL)
				where->share = i + 1;
			goto out;
		}
	}
	ret = slip39_collector_combine(c, pass, passlen, secret, len, where);
out:
	slip39_collector_free(c);
	return ret;
}

const char *slip39_strerror(enum slip39_err err)
{
	switch (err) {
	case SLIP39_E_SIGNED_: /* never returned */
		break;
	case SLIP39_OK:
		return "success";
	case SLIP39_E_PARAM:
		return "invalid threshold, count or iteration exponent";
	case SLIP39_E_SECRET_LENGTH:
		return "the master secret must be 16 to 32 bytes, an even number";
	case SLIP39_E_PASSPHRASE:
		return "the passphrase must be printable ASCII, at most 1024 characters";
	case SLIP39_E_NOMEM:
		return "out of secure memory";
	case SLIP39_E_CRYPTO:
		return "PBKDF2 failed";
	case SLIP39_E_WORD:
		return "a word is not in the SLIP-39 word list";
	case SLIP39_E_LENGTH:
		return "invalid number of words";
	case SLIP39_E_CHECKSUM:
		return "checksum error";
	case SLIP39_E_PADDING:
		return "invalid padding";
	case SLIP39_E_GROUP_PARAMS:
		return "invalid group parameters (threshold above count, or index beyond it)";
	case SLIP39_E_SET_MISMATCH:
		return "shares from different sets (identifier mismatch)";
	case SLIP39_E_PARAMS_MISMATCH:
		return "shares with different parameters (extendable flag, iteration exponent, "
		       "group threshold or count, or length)";
	case SLIP39_E_MEMBER_THRESHOLD_MISMATCH:
		return "member threshold mismatch within a group";
	case SLIP39_E_DUPLICATE_MEMBER:
		return "duplicate member index";
	case SLIP39_E_GROUP_COMPLETE:
		return "the group already has the shares it needs";
	case SLIP39_E_TOO_MANY_GROUPS:
		return "shares from more groups than the group threshold";
	case SLIP39_E_NO_SHARES:
		return "no shares";
	case SLIP39_E_MORE_SHARES:
		return "more shares needed";
	case SLIP39_E_DIGEST:
		return "digest mismatch: a share is wrong";
	}
	return "unknown error";
}
