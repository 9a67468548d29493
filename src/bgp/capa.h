/* OPEN capabilities kept in a table, one row per capability code: graceful restart (RFC 4724),
 * enhanced route refresh (RFC 7313) and route refresh (RFC 2918). msg.c hands every capability
 * it does not decode itself to bgp_capa_decode() and appends bgp_capa_encode() to its own.
 *
 * Why a table: a capability is a code, a decoder and an encoder over struct bgp_caps; a new one
 * is a row here, not another case in msg.c's OPEN codec. */
#ifndef BGP_CAPA_H
#define BGP_CAPA_H

#include <stdint.h>

#include "lib/buf.h"
#include "bgp/msg.h"

#define BGP_CAP_GR 64             /* RFC 4724 */
#define BGP_CAP_ENHANCED_RR 70    /* RFC 7313 */
#define BGP_GR_FLAG_R 0x8         /* Restart State: the sender has restarted */
#define BGP_GR_FLAG_N 0x4         /* RFC 8538: NOTIFICATION keeps graceful restart */
#define BGP_GR_AF_PRESENT 0x01    /* (ours) the family is listed in the capability */
#define BGP_GR_AF_FORWARDING 0x80 /* F bit: forwarding state kept across the restart */
#define BGP_GR_TIME_MAX 4095      /* the restart time is 12 bits of seconds */

/* The index of a family in bgp_caps.gr_af: 0 IPv4 unicast, 1 IPv6 unicast, -1 other. */
int bgp_capa_af_index(uint16_t afi, uint8_t safi);

/* Decodes capability code (value v, len octets) into c. Returns 1 if the table knows the code,
 * 0 if it does not (the caller ignores it, RFC 5492 sec 3), -1 if it is malformed, with *name
 * the capability's name for the caller's error. */
int bgp_capa_decode(struct bgp_caps *c, uint8_t code, const uint8_t *v, uint8_t len,
		    const char **name);
/* Appends the table's capabilities that c asks for (code, length, value each). */
void bgp_capa_encode(struct buf *b, const struct bgp_caps *c);

#endif
