/* libFuzzer target for the restart mark's content (bgp/restart_mark.h): whatever the file holds,
 * the parser reads within it, and what it accepts prints back to the same value. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/restart_mark.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	uint64_t t, t2;

	if (size)
		memcpy(copy, data, size);
	if (bgp_restart_mark_parse(copy, size, &t)) {
		char line[40];
		int n = snprintf(line, sizeof(line), "stopped %" PRIu64 "\n", t);

		if (!bgp_restart_mark_parse(line, (size_t)n, &t2) || t2 != t)
			abort();
	}
	free(copy);
	return 0;
}
