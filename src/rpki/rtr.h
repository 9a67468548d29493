/* The RPKI-to-Router PDU codec: RFC 8210 (version 1) and RFC 6810 (version 0). The decoder
 * works on a byte stream: it says when a whole PDU is not there yet, and when a PDU is bad it
 * names the Error Report code to answer with (RFC 8210 section 12), so that the session only
 * has to send it. Variable parts of a decoded PDU point into the input buffer. */
#ifndef RPKI_RTR_H
#define RPKI_RTR_H

#include <stddef.h>
#include <stdint.h>

#include "rpki/vrp.h"

enum rtr_type {
	RTR_SERIAL_NOTIFY = 0,
	RTR_SERIAL_QUERY = 1,
	RTR_RESET_QUERY = 2,
	RTR_CACHE_RESPONSE = 3,
	RTR_IPV4_PREFIX = 4,
	RTR_IPV6_PREFIX = 6,
	RTR_END_OF_DATA = 7,
	RTR_CACHE_RESET = 8,
	RTR_ROUTER_KEY = 9,
	RTR_ERROR_REPORT = 10,
};

/* Error Report codes (RFC 8210 section 12). */
enum rtr_ecode {
	RTR_E_CORRUPT_DATA = 0,
	RTR_E_INTERNAL = 1,
	RTR_E_NO_DATA = 2,
	RTR_E_INVALID_REQUEST = 3,
	RTR_E_UNSUPPORTED_VERSION = 4,
	RTR_E_UNSUPPORTED_TYPE = 5,
	RTR_E_UNKNOWN_WITHDRAWAL = 6,
	RTR_E_DUPLICATE_ANNOUNCEMENT = 7,
	RTR_E_UNEXPECTED_VERSION = 8,
};

#define RTR_VERSION_MAX 1
#define RTR_HDR_LEN 8
/* Longer PDUs are refused (Corrupt Data): the longest real one, an Error Report, carries one
 * PDU and a line of text. The bound keeps a broken length from making us buffer gigabytes. */
#define RTR_PDU_MAX 65536
#define RTR_FLAG_ANNOUNCE 1

struct rtr_pdu {
	uint8_t version;
	uint8_t type;
	uint16_t session; /* Serial Notify/Query, Cache Response, End of Data */
	uint32_t serial;  /* Serial Notify/Query, End of Data */
	uint8_t flags;    /* prefixes, Router Key: RTR_FLAG_ANNOUNCE or withdraw */
	struct vrp vrp;   /* IPv4/IPv6 Prefix */
	uint32_t refresh; /* End of Data, version 1: seconds */
	uint32_t retry;
	uint32_t expire;
	uint8_t ski[20];     /* Router Key */
	uint32_t asn;        /* Router Key */
	const uint8_t *spki; /* Router Key: Subject Public Key Info */
	size_t spki_len;
	uint16_t ecode;      /* Error Report: enum rtr_ecode, or an unknown code as sent */
	const uint8_t *epdu; /* Error Report: the erroneous PDU */
	size_t epdu_len;
	const char *text; /* Error Report: UTF-8, not NUL-terminated */
	size_t text_len;
};

/* Why a PDU was refused: the Error Report code to send and a message for the log. */
struct rtr_reject {
	enum rtr_ecode code;
	const char *msg;
};

/* Decodes the PDU at the start of buf[0..len). 1: decoded into p, *used = its length. 0: not
 * all of it is there yet. -1: refused, *why says why; *used is the length the header claims (0
 * when no header), so that the PDU can go into the Error Report. A refused stream is not
 * resynchronised: RTR has no framing beyond the length, and RFC 8210 ends the session. */
int rtr_decode(const uint8_t *buf, size_t len, struct rtr_pdu *p, size_t *used,
	       struct rtr_reject *why);
/* Encodes p (its type's fields) into buf[0..cap). Returns the length, or 0 when cap is too
 * small or the type is unknown. */
size_t rtr_encode(const struct rtr_pdu *p, uint8_t *buf, size_t cap);

const char *rtr_type_name(unsigned type);  /* "Serial Notify", ...; NULL when unknown */
const char *rtr_ecode_name(unsigned code); /* "Corrupt Data", ...; "unknown error" */

#endif
