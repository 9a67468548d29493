/* A DNS query as a client asks it, and what the response says. One encoder and one reader for
 * every client of ours (anycastd's dns health check, `anycast lab status`, `anycast probe
 * dns`), so that they agree on what counts as a response to their query and on how a server's
 * identity (CH TXT id.server, RFC 4892) is read from it. */
#ifndef DNS_QUERY_H
#define DNS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

struct dns_question {
	uint8_t name[DNS_NAME_MAX]; /* wire form */
	size_t len;
	uint16_t type, qclass;
};

/* The question for name (presentation form with or without the final dot, RFC 1035 escapes;
 * "." is the root), type and class. -1 with *err set to a static reason for a bad name. */
int dns_question_set(struct dns_question *q, const char *name, uint16_t type, uint16_t qclass,
		     const char **err);

/* EDNS (RFC 6891) in a query: an OPT record advertising udp_size, with an NSID request
 * (RFC 5001) when nsid is set. */
struct dns_edns_opts {
	uint16_t udp_size;
	int nsid;
};

/* The largest query dns_query_build() writes: header, question, OPT with an empty NSID. */
#define DNS_QUERY_MAX (DNS_HDR_LEN + DNS_NAME_MAX + 4 + 11 + 4)

/* Writes a query for q with id; RD clear (the question is for the server itself, nothing to
 * resolve); an OPT record when edns is not NULL. Returns its length, -1 if cap is too small. */
int dns_query_build(uint8_t *out, size_t cap, uint16_t id, const struct dns_question *q,
		    const struct dns_edns_opts *edns);

struct dns_reply {
	uint16_t id;
	int rcode; /* the header's RCODE */
	unsigned ancount;
	size_t answers; /* offset of the answer section */
};

/* Checks that p is a response to a query for q: QR set, opcode QUERY, and the question echoed
 * (the name compared without case, RFC 4343), or no question at all in an error response (a
 * server may not echo what it could not read). Fills r (the caller matches the ID); -1 when p
 * is no such response. */
int dns_reply_parse(const uint8_t *p, size_t n, const struct dns_question *q, struct dns_reply *r);

enum dns_txt_result { DNS_TXT_FOUND, DNS_TXT_NONE, DNS_TXT_MALFORMED };
/* The first string of the first TXT record of the answer section, made printable (a byte
 * outside ASCII 0x20-0x7e becomes '?': identities end up on terminals) and cut to fit out
 * (cap >= 1). DNS_TXT_NONE when the answer section has no TXT record, DNS_TXT_MALFORMED when
 * it breaks before one (a name, a record or a string running off its end). */
enum dns_txt_result dns_reply_txt(const uint8_t *p, size_t n, const struct dns_reply *r, char *out,
				  size_t cap);

/* Who answered, as one label: the TXT string when the response names someone, else why not:
 * the RCODE of an error response ("(SERVFAIL)", "(RCODE11)"), "(no TXT)", "(empty)" or
 * "(malformed)". Returns 1 for an identity, 0 for a "(...)" label; cap >= 16. */
int dns_reply_identity(const uint8_t *p, size_t n, const struct dns_reply *r, char *out,
		       size_t cap);

/* "NOERROR", "SERVFAIL", ... for the RCODEs of RFC 1035 4.1.1; NULL for others. */
const char *dns_rcode_name(int rcode);

#endif
