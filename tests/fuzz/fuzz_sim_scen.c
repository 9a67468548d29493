/* libFuzzer target: `anycast sim --scenario` YAML from arbitrary bytes.
 *
 * A failed parse gives "fuzz.yaml:LINE:COL: message" with no control characters; a
 * successful one gives sites with names, at least one upstream each and prepends <= 200. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_scen s = { 0 };
	struct sim_opts o = { 0 };
	char err[512];

	if (sim_scen_parse("fuzz.yaml", (const char *)data, size, &s, &o, err, sizeof(err)) < 0) {
		char *end;
		long line, col;

		if (strncmp(err, "fuzz.yaml:", 10) != 0)
			abort();
		line = strtol(err + 10, &end, 10);
		if (*end != ':' || line < 1)
			abort();
		col = strtol(end + 1, &end, 10);
		if (*end != ':' || col < 1)
			abort();
		for (const char *c = err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort();
	} else {
		for (size_t i = 0; i < s.nsites; i++) {
			if (!s.sites[i].name || !s.sites[i].name[0] || !s.sites[i].nup ||
			    s.sites[i].prepend > 200)
				abort();
			for (size_t k = 0; k < s.nsites; k++)
				if (k != i && strcmp(s.sites[i].name, s.sites[k].name) == 0)
					abort();
		}
		if (s.hijack_len > 128 || (s.rov == SIM_ROV_SET) != (s.rov_asns != NULL))
			abort();
	}
	sim_scen_free(&s);
	sim_opts_free(&o);
	return 0;
}
