/* Is a socket listening on ADDR:PORT in this network namespace? How many connections are
 * established to a service's addresses? Asked of the kernel through
 * NETLINK_SOCK_DIAG (inet_diag), not by connecting: a `check listen` sees the listener vanish
 * without disturbing the service, and a UDP service has no connection to try. */
#ifndef NODE_SOCKDIAG_H
#define NODE_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

/* 1: a TCP socket in LISTEN (udp: a UDP socket bound) on a's port, on a itself or on the
 * wildcard address of its family (or an IPv6 wildcard, which also takes IPv4); 0: none; -1
 * with err set when the kernel could not be asked. A short synchronous netlink dump. */
int sockdiag_listening(const struct addr *a, uint16_t port, int udp, char *err, size_t errlen);
/* How many TCP sockets are ESTABLISHED with a local address inside one of pfx[0..n) (both
 * families; an IPv4-mapped IPv6 address counts as IPv4): the connections a drain waits for.
 * -1 with err set when the kernel could not be asked. One dump per family. */
long sockdiag_established(const struct prefix *pfx, size_t n, char *err, size_t errlen);

#endif
