/* Which NSEC or NSEC3 records prove a negative or wildcard answer of a signed zone (RFC 4035
 * 3.1.3, RFC 5155 7.2). The answer path asks once per reply and writes what it gets, with
 * the RRSIGs each RRset carries; the choice is kept apart from the writing so that it can be
 * tested on its own. */
#ifndef DNS_DNSSEC_H
#define DNS_DNSSEC_H

#include <stddef.h>
#include <stdint.h>

#include "dns/zone.h"

enum dns_sec_case {
	DNS_SEC_NXDOMAIN,    /* name does not exist; ce: its closest encloser */
	DNS_SEC_NODATA,      /* node n (name) exists without the type; also DS at a cut and an
			      * insecure referral (n: the cut) */
	DNS_SEC_WILDCARD,    /* answered from the wildcard below ce: name itself does not exist */
	DNS_SEC_WILD_NODATA, /* the wildcard n below ce matched, without the type */
};

#define DNS_SEC_PROOF_MAX 6

struct dns_sec_rr {
	const struct dns_node *node; /* the owner */
	const struct dns_rrset *set; /* NSEC or NSEC3, with its sigs */
};

struct dns_sec_proof {
	int n;
	struct dns_sec_rr rr[DNS_SEC_PROOF_MAX];
};

/* Adds to p (deduplicated) what proves kind for name (lowercase wire, len octets) in z.
 * Nothing when z is not signed. */
void dns_sec_prove(const struct dns_zone *z, enum dns_sec_case kind, const uint8_t *name,
		   size_t len, const struct dns_node *n, const struct dns_node *ce,
		   struct dns_sec_proof *p);

#endif
