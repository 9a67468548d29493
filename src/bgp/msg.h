/* BGP message codec: header, OPEN and capabilities, KEEPALIVE, NOTIFICATION (with the RFC 9003
 * shutdown communication) and ROUTE-REFRESH. UPDATEs are in update.h. Encoders append one whole
 * message, header included, to a buf; decoders take the body (after the 19-byte header). */
#ifndef BGP_MSG_H
#define BGP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "bgp/proto.h"

/* A protocol error: the NOTIFICATION to send (code, subcode, data) and a reason for the log. */
struct bgp_err {
	uint8_t code, subcode;
	uint16_t datalen;
	uint8_t data[64];
	char reason[160];
};
void bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t subcode, const void *data, size_t len,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Checks the header at p (avail bytes). Returns 0 if fewer than 19 bytes are there, 1 when the
 * header is valid (*len = whole message length, *type), -1 on error (bad marker -> 1/1, length
 * out of 19..4096 or wrong for the type -> 1/2 with the length as data, unknown type -> 1/3). */
int bgp_hdr_check(const uint8_t *p, size_t avail, uint16_t *len, uint8_t *type,
		  struct bgp_err *err);
/* Appends a header with the marker; the length is filled by bgp_msg_end(). Returns the offset of
 * the message start, to pass to bgp_msg_end. */
size_t bgp_msg_begin(struct buf *b, uint8_t type);
void bgp_msg_end(struct buf *b, size_t start);

/* Capabilities advertised in, or learnt from, an OPEN. */
struct bgp_caps {
	uint8_t mp_ipv4; /* multiprotocol IPv4 unicast */
	uint8_t mp_ipv6; /* multiprotocol IPv6 unicast */
	uint8_t mp_any;  /* any MP capability was present (else IPv4 unicast is implied) */
	uint8_t ext_nh4; /* RFC 8950: IPv4 unicast NLRI with an IPv6 next hop */
	uint8_t route_refresh;
	uint8_t as4;      /* 4-octet AS capability present */
	uint8_t role;     /* enum bgp_role; BGP_ROLE_NONE if absent */
	uint32_t as4_asn; /* the 4-octet AS, if as4 */
	/* capa.h's table: enhanced route refresh (RFC 7313), graceful restart (RFC 4724) */
	uint8_t enhanced_refresh;
	uint8_t gr;       /* the graceful restart capability is present */
	uint8_t gr_flags; /* BGP_GR_FLAG_R, BGP_GR_FLAG_N */
	uint16_t gr_time; /* restart time, seconds */
	uint8_t gr_af[2]; /* IPv4, IPv6 unicast: BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING */
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as; /* the 2-octet field (AS_TRANS for large ASNs) */
	uint16_t hold_time;
	uint32_t bgp_id; /* network order as on the wire, i.e. get32() value */
	struct bgp_caps caps;
	uint32_t asn; /* decoded: caps.as4_asn if as4, else my_as */
};

/* Encodes an OPEN for asn (AS_TRANS in my_as if asn > 65535) with the given caps. */
void bgp_open_encode(struct buf *b, uint32_t asn, uint16_t hold_time, uint32_t bgp_id,
		     const struct bgp_caps *caps);
/* Decodes and checks an OPEN: version (2/1, data = 4), BGP identifier 0 (2/3), hold time 1 or 2
 * (2/6), malformed optional parameters or capabilities (2/4 or 2/0 as RFC 5492). Unknown
 * capabilities are ignored. Peer-AS checks are the session's. Returns 0 or -1 with err. */
int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_err *err);

void bgp_keepalive_encode(struct buf *b);

void bgp_notification_encode(struct buf *b, uint8_t code, uint8_t subcode, const void *data,
			     size_t len);
/* Cease/Administrative Shutdown or Reset with an RFC 9003 shutdown communication (UTF-8, at most
 * 255 octets; longer text is truncated at a character boundary). text may be NULL. */
void bgp_shutdown_encode(struct buf *b, uint8_t subcode, const char *text);
/* RFC 8538 sec 3: Cease/Hard Reset standing for the NOTIFICATION code/subcode/data (its data
 * is those three); the second form for a Cease with an RFC 9003 shutdown communication. */
void bgp_hard_reset_encode(struct buf *b, uint8_t code, uint8_t subcode, const void *data,
			   size_t len);
void bgp_hard_reset_shutdown_encode(struct buf *b, uint8_t subcode, const char *text);

struct bgp_notification {
	uint8_t code, subcode;
	const uint8_t *data; /* points into the decoded body */
	uint16_t datalen;
	char shutdown_msg[256]; /* RFC 9003 text for Cease 2/4, sanitised to printable; "" if none */
	/* RFC 8538: a Cease/Hard Reset, and the NOTIFICATION it carries (code and subcode as
	 * above when it is no Hard Reset, or one without its two octets) */
	uint8_t hard_reset;
	uint8_t inner_code, inner_subcode;
};
int bgp_notification_decode(const uint8_t *body, size_t len, struct bgp_notification *n);
/* "Cease/Administrative Shutdown", "UPDATE Message Error/Malformed AS_PATH", ... never NULL. */
const char *bgp_err_code_name(uint8_t code);
const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode);

/* RFC 7313 message subtypes, in the octet RFC 2918 reserved. */
enum { BGP_RR_REQUEST = 0, BGP_RR_BORR = 1, BGP_RR_EORR = 2 };
void bgp_refresh_encode(struct buf *b, uint16_t afi, uint8_t safi);
void bgp_refresh_encode_sub(struct buf *b, uint16_t afi, uint8_t subtype, uint8_t safi);
int bgp_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *safi,
		       struct bgp_err *err);
/* The same with the RFC 7313 subtype (callers ignore subtypes other than the three above). */
int bgp_refresh_decode_sub(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *subtype,
			   uint8_t *safi, struct bgp_err *err);

#endif
