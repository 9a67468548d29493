/* libFuzzer target: the lab's reading of a site's Prometheus text (lab_metric_value), which
 * comes over the network from anycast-dns. Beyond "no crash, no overread": a value is found
 * only where the input has the metric's name followed by a label set or a space. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lab/sitestats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy, so that ASan sees any read past the end */
	char *text = malloc(size ? size : 1);
	double v;

	memcpy(text, data, size);
	if (lab_metric_value(text, size, "anycast_dns_answered_total", NULL, &v) == 0 &&
	    !memmem(text, size, "anycast_dns_answered_total", 26))
		abort();
	if (lab_metric_value(text, size, "anycast_dns_dropped_total", "reason=\"capacity\"", &v) ==
		    0 &&
	    !memmem(text, size, "reason=\"capacity\"", 17))
		abort();
	lab_metric_value(text, size, "anycast_dns_load", NULL, &v);
	free(text);
	return 0;
}
