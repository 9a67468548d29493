/* DNS protocol constants shared by the anycast-dns modules (RFC 1035, 2308, 6891, 5001). */
#ifndef DNS_DNS_H
#define DNS_DNS_H

#include <stdint.h>

#ifndef DNS_VERSION
#define DNS_VERSION "0.1.0"
#endif

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255 /* RFC 1035 3.1: wire form, including the root label */
#define DNS_LABEL_MAX 63
#define DNS_LABELS_MAX 128 /* 255 bytes hold at most 127 labels plus the root */
#define DNS_UDP_MIN 512    /* RFC 1035 4.2.1; also the floor for the EDNS size (RFC 6891 6.2.5) */
#define DNS_UDP_MAX_DEFAULT 1232 /* what we accept to send over UDP (the 2020 DNS flag day value) */
#define DNS_TCP_MAX 65535        /* RFC 7766 8: the 2-octet length prefix */

/* Header flag bits, in the 16-bit second word (RFC 1035 4.1.1). */
#define DNS_QR 0x8000
#define DNS_AA 0x0400
#define DNS_TC 0x0200
#define DNS_RD 0x0100
#define DNS_RA 0x0080
#define DNS_AD 0x0020
#define DNS_CD 0x0010
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)

enum dns_opcode { DNS_OP_QUERY = 0 };

enum dns_rcode {
	DNS_RC_NOERROR = 0,
	DNS_RC_FORMERR = 1,
	DNS_RC_SERVFAIL = 2,
	DNS_RC_NXDOMAIN = 3,
	DNS_RC_NOTIMP = 4,
	DNS_RC_REFUSED = 5,
	DNS_RC_YXDOMAIN = 6, /* RFC 6672 2.2: a DNAME substitution too long */
	DNS_RC_NOTAUTH = 9,
	DNS_RC_BADVERS = 16, /* RFC 6891 6.1.3: extended, needs OPT */
};

enum dns_class { DNS_C_IN = 1, DNS_C_CH = 3, DNS_C_ANY = 255 };

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_OPT = 41,
	DNS_T_DNAME = 39,
	DNS_T_TSIG = 250,
	DNS_T_DS = 43,
	DNS_T_RRSIG = 46,
	DNS_T_NSEC = 47,
	DNS_T_DNSKEY = 48,
	DNS_T_NSEC3 = 50,
	DNS_T_NSEC3PARAM = 51,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_MAILB = 253,
	DNS_T_MAILA = 254,
	DNS_T_ANY = 255,
	DNS_T_CAA = 257,
};

#define DNS_OPT_NSID 3           /* RFC 5001 */
#define DNS_OPT_TCP_KEEPALIVE 11 /* RFC 7828 */
#define DNS_OPT_EDE 15           /* RFC 8914 */
#define DNS_EDE_NOT_READY 14     /* RFC 8914 4.15: e.g. a zone not loaded yet */
#define DNS_EDE_INVALID_DATA 24  /* RFC 8914 4.25: e.g. a zone expired */

#endif
