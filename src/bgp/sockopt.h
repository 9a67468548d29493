/* The socket options of BGP connections: TCP-MD5 signatures (RFC 2385, `password`), the TTL
 * we send with and the one we accept (GTSM, RFC 5082, `ttl-security`; `multihop`), and the CS6
 * class of service (RFC 4594: network control) on everything BGP sends.
 *
 * Why a file of its own: the session and the speaker each open sockets (connect, listen,
 * accept) and each must give them the same options before the first segment leaves; the
 * kernel's interfaces for them differ by family and are easy to get subtly wrong.
 *
 * TTL: eBGP sends with TTL 1 unless `multihop N` (a neighbour more than one hop away), as BIRD
 * and OpenBGPD do, so a session cannot be opened from afar; iBGP with 64. With ttl-security
 * we send with 255 and the kernel drops every segment that arrives with less than 256 - hops
 * (255 for a directly connected neighbour: only a packet no router forwarded passes).
 * Listening sockets send with 255, since their SYN-ACK goes to neighbours of either kind
 * before we know which, and keep each SYN's headers (TCP_SAVE_SYN) so its TTL can be checked
 * once we know; the accepted connection then gets the neighbour's own options.
 *
 * A wrong or missing TCP-MD5 key, or GTSM on one side only, makes the kernel drop segments
 * without telling anyone: bgp_sockopt_hint() says which of those may explain a connection
 * that never completes, for the log line the session writes. */
#ifndef BGP_SOCKOPT_H
#define BGP_SOCKOPT_H

#include "bgp/peer.h"

struct bgp_speaker;

/* Before connect(): key, TTL, minimum TTL, class. Returns 0, or -1 (logged) when the key
 * could not be set: connecting unsigned would only be dropped by the neighbour. */
int bgp_sockopt_connect(int fd, const struct bgp_peer *p);
/* A connection accepted for p: its TTL, minimum TTL and class (the key came with the
 * listening socket). With ttl-security, the SYN's own TTL (saved by the listening socket) must
 * pass too: the minimum TTL only guards what comes after the handshake, and a neighbour
 * without GTSM would otherwise hold the connection in OpenSent with every later segment
 * dropped. Returns 0, or -1 with the reason in why (the caller closes fd). */
int bgp_sockopt_accepted(int fd, const struct bgp_peer *p, char *why, size_t whylen);
/* A new listening socket of family af: TTL 255, CS6 and the key of every neighbour of sp
 * that has a password. */
void bgp_sockopt_listener(struct bgp_speaker *sp, int fd, int af);
/* Adds (add=1) or removes p's key on every listening socket of its family. */
void bgp_sockopt_peer_keys(struct bgp_speaker *sp, const struct bgp_peer *p, int add);
/* Why segments from p may be dropped in silence: "" or a sentence starting with "; ". */
const char *bgp_sockopt_hint(const struct bgp_peer *p);
/* Bytes written to a TCP connection that its peer has not acknowledged yet; 0 for other
 * sockets. Why it matters: a neighbour whose kernel drops our segments (GTSM on its side
 * only) may still have had our OPEN and answer with its KEEPALIVE, while our KEEPALIVE never
 * reaches it; the session is Established only once the neighbour has acknowledged it. */
int bgp_sockopt_unacked(int fd);
/* Segments this network namespace's kernel dropped for a missing, unexpected or wrong TCP-MD5
 * signature (TcpExt TCPMD5NotFound + TCPMD5Unexpected + TCPMD5Failure), 0 if unknown. A
 * passive neighbour with the wrong password leaves no other trace: its SYNs never reach us. */
uint64_t bgp_sockopt_md5_drops(void);
/* The TTL we send to p with. */
int bgp_sockopt_ttl(const struct bgp_peer *p);

#endif
