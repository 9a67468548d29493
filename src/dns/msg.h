/* DNS messages: parsing a query (header, question, EDNS OPT) and the fixed parts of a reply. */
#ifndef DNS_MSG_H
#define DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

struct dns_query {
	const uint8_t *pkt;
	size_t len;
	uint16_t id, flags;
	uint8_t opcode;
	uint8_t has_question; /* the question parsed and may be echoed */
	uint8_t qname_len;    /* wire length, including the root */
	uint8_t qlabels;
	uint16_t qtype, qclass;
	uint8_t qname[DNS_NAME_MAX];  /* lowercase copy; the packet keeps the original case */
	uint8_t loff[DNS_LABELS_MAX]; /* offset of each label in qname, root excluded */
	/* EDNS (RFC 6891) */
	uint8_t edns; /* an OPT was present and well-formed */
	uint8_t edns_version;
	uint8_t edns_do;   /* DO bit (RFC 3225), echoed */
	uint8_t nsid;      /* NSID requested (RFC 5001) */
	uint16_t udp_size; /* as sent by the client */
	uint16_t tsig_off; /* where a TSIG record (RFC 8945) starts in pkt, or 0 */
	/* DNS Cookies (RFC 7873): the client's option, and the server cookie to send back */
	uint8_t cookie_len; /* 0: none; else 8 (client only) or 16-40 */
	uint8_t scookie_set;
	uint8_t cookie[40];
	uint8_t scookie[16];
	/* edns-tcp-keepalive (RFC 7828) to send in the reply, TCP only: the idle timeout the
	 * server wants, in units of 100 ms (0: it is about to close the connection). */
	uint8_t keepalive_set;
	uint16_t keepalive;
};

/* Parses pkt. Returns -1 when no reply at all must be sent (shorter than a header, or QR set:
 * never answer a response), else the rcode to reply with: DNS_RC_NOERROR (a well-formed
 * query), DNS_RC_FORMERR or DNS_RC_NOTIMP. Fields are filled as far as parsing got. */
int dns_query_parse(struct dns_query *q, const uint8_t *pkt, size_t len);

/* Bytes of the question section as sent (the name keeps the client's case). */
static inline size_t dns_query_qsec_len(const struct dns_query *q)
{
	return q->has_question ? (size_t)q->qname_len + 4 : 0;
}

/* The size of the OPT record we add to a reply to q (0 without EDNS). */
size_t dns_opt_len(const struct dns_query *q, size_t nsid_len);
/* Writes our OPT RR at p: advertised UDP size, extended rcode bits, the DO bit echoed, the
 * NSID when asked, the server cookie, and edns-tcp-keepalive when set. Returns the bytes written (dns_opt_len). */
size_t dns_opt_write(uint8_t *p, const struct dns_query *q, uint16_t udp_size, int rcode,
		     const char *nsid, size_t nsid_len);

#endif
