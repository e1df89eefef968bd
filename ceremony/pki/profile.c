#include "ceremony/pki/profile.h"

#include <string.h>

#define SMKI_CA_KU    (PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN)
#define GENERIC_CA_KU (PKI_KU_KEY_CERT_SIGN | PKI_KU_CRL_SIGN | PKI_KU_DIGITAL_SIGNATURE)

static const struct pki_profile_def profiles[PKI_PROFILE_COUNT] = {
    [PKI_PROFILE_SMKI_ROOT] =
	{
	    .name = "smki-root",
	    .summary = "SMKI Root: self-signed P-256 CA with the wrapped contingency key",
	    .kind = PKI_KIND_CERT,
	    .smki = 1,
	    .role = PKI_ROLE_ROOT,
	    .self_signed = 1,
	    .ca = 1,
	    .path_len = PKI_PATHLEN_ABSENT,
	    .ku_required = SMKI_CA_KU,
	    .ku_allowed = SMKI_CA_KU,
	    .ext_allowed = PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_CONTIN,
	    .ext_required = PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_CONTIN,
	    .ski_method = 2,
	    .policies_critical = 1,
	    .serial_octets = 16,
	    .marked_serial = 1,
	},
    [PKI_PROFILE_SMKI_ISSUING] =
	{
	    .name = "smki-issuing",
	    .summary = "SMKI Issuing CA: P-256 CA with pathLen 0, signed by the Root",
	    .kind = PKI_KIND_CERT,
	    .smki = 1,
	    .role = PKI_ROLE_ISSUING,
	    .ca = 1,
	    .path_len = 0,
	    .ku_required = SMKI_CA_KU,
	    .ku_allowed = SMKI_CA_KU,
	    .ext_allowed = PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_AKI,
	    .ext_required = PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_AKI,
	    .ski_method = 2,
	    .policies_critical = 1,
	    .serial_octets = 16,
	    .marked_serial = 1,
	},
    [PKI_PROFILE_SMKI_RECOVERY] =
	{
	    .name = "smki-recovery",
	    .summary = "SMKI Recovery certificate (OU=01, entity identifier), from the Issuing CA",
	    .kind = PKI_KIND_CERT,
	    .smki = 1,
	    .role = PKI_ROLE_RECOVERY,
	    .entity_id = 1,
	    .path_len = PKI_PATHLEN_ABSENT,
	    .ku_required = PKI_KU_DIGITAL_SIGNATURE,
	    .ku_allowed = PKI_KU_DIGITAL_SIGNATURE,
	    .ext_allowed = PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_AKI,
	    .ext_required = PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_AKI,
	    .ski_method = 2,
	    .policies_critical = 1,
	},
    [PKI_PROFILE_SMKI_ISSUING_CSR] =
	{
	    .name = "smki-issuing-csr",
	    .summary = "request for an SMKI Issuing CA certificate (OU=07, P-256)",
	    .kind = PKI_KIND_CSR,
	    .smki = 1,
	    .role = PKI_ROLE_ISSUING,
	    .ext_allowed = PKI_EXT_BC | PKI_EXT_KU,
	},
    [PKI_PROFILE_SMKI_RECOVERY_CSR] =
	{
	    .name = "smki-recovery-csr",
	    .summary =
		"request for the SMKI Recovery certificate (OU=01, entity identifier, P-256)",
	    .kind = PKI_KIND_CSR,
	    .smki = 1,
	    .role = PKI_ROLE_RECOVERY,
	    .entity_id = 1,
	    .ext_allowed = PKI_EXT_KU,
	},
    [PKI_PROFILE_SMKI_CRL] =
	{
	    .name = "smki-crl",
	    .summary = "CRL signed by the SMKI Root",
	    .kind = PKI_KIND_CRL,
	    .smki = 1,
	    .role = PKI_ROLE_NONE,
	    .ext_allowed = PKI_EXT_AKI | PKI_EXT_CRL_NUMBER,
	    .ext_required = PKI_EXT_AKI | PKI_EXT_CRL_NUMBER,
	},
    [PKI_PROFILE_GENERIC_ROOT] =
	{
	    .name = "generic-root",
	    .summary = "RFC 5280 self-signed root CA (P-256, P-384, RSA 3072/4096, Ed25519)",
	    .kind = PKI_KIND_CERT,
	    .role = PKI_ROLE_NONE,
	    .self_signed = 1,
	    .ca = 1,
	    .path_len = PKI_PATHLEN_ANY,
	    .ku_required = PKI_KU_KEY_CERT_SIGN,
	    .ku_allowed = GENERIC_CA_KU,
	    .ext_allowed =
		PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_AKI | PKI_EXT_NC,
	    .ext_required = PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_SKI,
	    .ski_method = 1,
	    .marked_serial = 1,
	},
    [PKI_PROFILE_GENERIC_SUB] =
	{
	    .name = "generic-sub",
	    .summary = "RFC 5280 subordinate CA (P-256, P-384, RSA 3072/4096, Ed25519)",
	    .kind = PKI_KIND_CERT,
	    .role = PKI_ROLE_NONE,
	    .ca = 1,
	    .path_len = PKI_PATHLEN_ANY,
	    .ku_required = PKI_KU_KEY_CERT_SIGN,
	    .ku_allowed = GENERIC_CA_KU,
	    .ext_allowed =
		PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_CP | PKI_EXT_SKI | PKI_EXT_AKI | PKI_EXT_NC,
	    .ext_required = PKI_EXT_BC | PKI_EXT_KU | PKI_EXT_SKI | PKI_EXT_AKI,
	    .ski_method = 1,
	    .marked_serial = 1,
	},
    [PKI_PROFILE_GENERIC_CSR] =
	{
	    .name = "generic-csr",
	    .summary = "request for a generic subordinate CA certificate",
	    .kind = PKI_KIND_CSR,
	    .role = PKI_ROLE_NONE,
	    .ext_allowed = PKI_EXT_BC | PKI_EXT_KU,
	},
    [PKI_PROFILE_GENERIC_CRL] =
	{
	    .name = "generic-crl",
	    .summary = "RFC 5280 CRL signed by a generic CA",
	    .kind = PKI_KIND_CRL,
	    .role = PKI_ROLE_NONE,
	    .ext_allowed = PKI_EXT_AKI | PKI_EXT_CRL_NUMBER,
	    .ext_required = PKI_EXT_AKI | PKI_EXT_CRL_NUMBER,
	},
};

const struct pki_profile_def *pki_profile_get(enum pki_profile profile)
{
	if ((unsigned)profile >= PKI_PROFILE_COUNT)
		return NULL;
	return &profiles[profile];
}

enum pki_err pki_profile_from_name(const char *name, enum pki_profile *profile)
{
	for (unsigned i = 0; i < PKI_PROFILE_COUNT; i++)
		if (strcmp(profiles[i].name, name) == 0) {
			*profile = (enum pki_profile)i;
			return PKI_OK;
		}
	return PKI_E_ARG;
}
