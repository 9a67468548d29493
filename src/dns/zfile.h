/* A zone's text saved to disk so that a crash leaves one whole copy or the other: written to
 * PATH.tmp, synced, renamed over PATH. Called by the builder thread for the secondaries'
 * transferred copies, off the thread that serves TCP (a 200k-record zone is ~10 MB to
 * write and fsync). */
#ifndef DNS_ZFILE_H
#define DNS_ZFILE_H

#include <stddef.h>

/* 0, or -1 with "PATH: reason" in err (the temporary file removed). */
int dns_zfile_save(const char *path, const char *text, size_t len, char *err, size_t errlen);

#endif
