/* Extended communities (RFC 4360, RFC 7153): how one is written for people, and whether it may
 * leave the AS. Kept apart from the attribute codec because `show routes`, export and the
 * tests all need these rules and nothing else of the codec. */
#ifndef BGP_EXTCOMM_H
#define BGP_EXTCOMM_H

#include <stdint.h>

/* "generic:0x00000000:0x00000000" plus NUL; "rt:255.255.255.255:65535" is shorter */
#define BGP_EXTCOMM_STRLEN 32

/* 0 when the Transitive bit of the type (0x40, RFC 4360 sec 2) says "non-transitive". */
int bgp_extcomm_transitive(const uint8_t v[8]);

/* Writes v as text (the forms are listed in anycast(1)):
 *   rt:ASN:N, soo:ASN:N        two- and four-octet AS specific (types 0x00, 0x02), sub-type 2 or 3
 *   rt:IPV4:N, soo:IPV4:N      IPv4 address specific (type 0x01)
 *   generic:0xHHHHHHHH:0xLLLLLLLL   any other: the high and the low four octets, as BIRD does.
 * Returns out, which holds at least BGP_EXTCOMM_STRLEN octets. */
const char *bgp_extcomm_fmt(const uint8_t v[8], char *out);

#endif
