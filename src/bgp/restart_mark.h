/* The restart mark: a small file through which an anycastd that stops for a graceful restart
 * (RFC 4724, the restarting speaker) tells the next one that it restarted. Next to the control
 * socket (CONTROL.restart, under /run by default: gone after a reboot, which also loses the
 * kernel's forwarding state).
 *
 * Why: the Restart State bit of our OPEN must say whether this speaker restarted with its
 * forwarding state kept, not merely that graceful restart is configured. Kernel routes or lo
 * addresses of our protocol found at start say it too (a kill -9 leaves them); a node without
 * `fib` that stopped cleanly leaves only this mark. Its file descriptor is opened at start,
 * while we still have the privileges to create it under /run, and written at stop.
 *
 * Content, one line: "running" or "stopped <unix seconds>". */
#ifndef BGP_RESTART_MARK_H
#define BGP_RESTART_MARK_H

#include <stddef.h>
#include <stdint.h>

/* Parses a mark's content. Returns 1 and *stopped_at for "stopped T", 0 for anything else. */
int bgp_restart_mark_parse(const char *s, size_t len, uint64_t *stopped_at);
/* Opens (creates) the mark at path and reads what the previous instance left: *restarted is 1
 * if it stopped for a graceful restart at most max_age seconds before now. The mark then says
 * "running". Returns the descriptor for bgp_restart_mark_stopping(), or -1 (logged; then
 * *restarted is 0). */
int bgp_restart_mark_open(const char *path, unsigned max_age, int *restarted);
/* Records that this instance stops now for a graceful restart, then closes fd. */
void bgp_restart_mark_stopping(int fd);
void bgp_restart_mark_close(int fd);

#endif
