/*
 * Names as written in scripts, for every enumeration of script.h but the step actions (whose
 * names are a column of the action table, action.c). Pure tables.
 */
#include "ceremony/script/script_impl.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NAMES(var, ...)                                                                            \
	static const char *const var##_[] = {__VA_ARGS__};                                         \
	const struct script_names var = {var##_, COUNT(var##_)}

NAMES(script_roles, "administrator", "witness", "custodian", "auditor");
NAMES(script_profiles, "smki", "generic");
NAMES(script_kinds, "root", "recovery", "contingency", "contingency-symmetric", "issuing",
      "generic");
NAMES(script_algorithms, "ec-p256", "ec-p384", "rsa-3072", "rsa-4096", "ed25519", "aes-128",
      "aes-256");
NAMES(script_origins, "generate", "shares", "csr", "certificate");
NAMES(script_input_types, "csr", "certificate", "shares", "transcript-digest", "decision",
      "payloads");
NAMES(script_sources, "any", "medium", "qr");
NAMES(script_output_types, "certificate", "csr", "crl", "transcript", "signatures");
NAMES(script_medium_kinds, "public", "custodian", "backup", "input");

_Static_assert(COUNT(script_roles_) == SCRIPT_ROLE_COUNT, "one name per role");

static const struct {
	const char *name;
	enum script_crl_reason reason;
} reasons[] = {
    {"unspecified", SCRIPT_REASON_UNSPECIFIED},
    {"key-compromise", SCRIPT_REASON_KEY_COMPROMISE},
    {"ca-compromise", SCRIPT_REASON_CA_COMPROMISE},
    {"affiliation-changed", SCRIPT_REASON_AFFILIATION_CHANGED},
    {"superseded", SCRIPT_REASON_SUPERSEDED},
    {"cessation-of-operation", SCRIPT_REASON_CESSATION_OF_OPERATION},
    {"certificate-hold", SCRIPT_REASON_CERTIFICATE_HOLD},
    {"privilege-withdrawn", SCRIPT_REASON_PRIVILEGE_WITHDRAWN},
};

const char *script_name_of(const struct script_names *names, unsigned i)
{
	return i < names->count ? names->name[i] : "?";
}

bool script_name_find(const struct script_names *names, const char *s, unsigned *i)
{
	for (unsigned n = 0; n < names->count; n++) {
		if (strcmp(names->name[n], s) == 0) {
			*i = n;
			return true;
		}
	}
	return false;
}

const char *script_role_name(enum script_role role)
{
	return script_name_of(&script_roles, role);
}
const char *script_key_kind_name(enum script_key_kind kind)
{
	return script_name_of(&script_kinds, kind);
}
const char *script_algorithm_name(enum script_algorithm alg)
{
	return script_name_of(&script_algorithms, alg);
}
const char *script_origin_name(enum script_origin origin)
{
	return script_name_of(&script_origins, origin);
}
const char *script_input_type_name(enum script_input_type type)
{
	return script_name_of(&script_input_types, type);
}
const char *script_output_type_name(enum script_output_type type)
{
	return script_name_of(&script_output_types, type);
}
const char *script_medium_kind_name(enum script_medium_kind kind)
{
	return script_name_of(&script_medium_kinds, kind);
}

const char *script_crl_reason_name(enum script_crl_reason reason)
{
	for (size_t i = 0; i < COUNT(reasons); i++)
		if (reasons[i].reason == reason)
			return reasons[i].name;
	return "?";
}

bool script_crl_reason_by_name(const char *name, enum script_crl_reason *out)
{
	for (size_t i = 0; i < COUNT(reasons); i++) {
		if (strcmp(reasons[i].name, name) == 0) {
			*out = reasons[i].reason;
			return true;
		}
	}
	return false;
}
