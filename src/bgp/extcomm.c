/* Extended communities as text, and their transitivity (RFC 4360, RFC 7153). */
#include "bgp/extcomm.h"

#include <stdio.h>

#include "lib/buf.h"

enum {
	EC_AS2 = 0x00,  /* Transitive Two-Octet AS-Specific (RFC 7153 sec 5.1.1) */
	EC_IPV4 = 0x01, /* Transitive IPv4-Address-Specific (sec 5.1.2) */
	EC_AS4 = 0x02,  /* Transitive Four-Octet AS-Specific (sec 5.1.3, RFC 5668) */
	EC_NON_TRANSITIVE = 0x40,
	EC_SUB_RT = 0x02,  /* Route Target */
	EC_SUB_SOO = 0x03, /* Route Origin (Site of Origin) */
};

int bgp_extcomm_transitive(const uint8_t v[8]) { return !(v[0] & EC_NON_TRANSITIVE); }

const char *bgp_extcomm_fmt(const uint8_t v[8], char *out)
{
	const char *kind = v[1] == EC_SUB_RT ? "rt" : v[1] == EC_SUB_SOO ? "soo" : NULL;

	/* rt and soo are defined for the transitive AS and IPv4 types only (RFC 7153 sec 5.2) */
	if (kind && v[0] == EC_AS2)
		snprintf(out, BGP_EXTCOMM_STRLEN, "%s:%u:%u", kind, (unsigned)get16(v + 2),
			 (unsigned)get32(v + 4));
	else if (kind && v[0] == EC_AS4)
		snprintf(out, BGP_EXTCOMM_STRLEN, "%s:%u:%u", kind, (unsigned)get32(v + 2),
			 (unsigned)get16(v + 6));
	else if (kind && v[0] == EC_IPV4)
		snprintf(out, BGP_EXTCOMM_STRLEN, "%s:%u.%u.%u.%u:%u", kind, v[2], v[3], v[4], v[5],
			 (unsigned)get16(v + 6));
	else
		snprintf(out, BGP_EXTCOMM_STRLEN, "generic:0x%08x:0x%08x", (unsigned)get32(v),
			 (unsigned)get32(v + 4));
	return out;
}
