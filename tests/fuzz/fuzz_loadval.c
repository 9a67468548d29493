/* libFuzzer target for load levels (node/loadval.h): a command's output, an HTTP body, a
 * Prometheus exposition. Beyond "no crash, no UB, no read past the input" (the input is copied
 * to a buffer of its exact size, without a terminating NUL): every level accepted is finite,
 * >= 0 and at most 1e6; every refusal says why; a body accepted as a bare number gives the
 * same level as the first number of the same text. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/loadval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void judge(int r, double v, const char *why)
{
	if (r == 0 && (!isfinite(v) || v < 0 || v > 1e6))
		abort();
	if (r < 0 && (!why || !*why))
		abort();
	if (r != 0 && r != -1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *t = malloc(size ? size : 1);
	double a = -1, b = -1, c = -1;
	const char *why = NULL;
	int r;

	if (size)
		memcpy(t, data, size);
	r = loadval_bare_number(t, size, &a, &why);
	judge(r, a, why);
	why = NULL;
	int r2 = loadval_first_number(t, size, &b, &why);

	judge(r2, b, why);
	if (r == 0 && (r2 != 0 || a != b))
		abort();
	why = NULL;
	judge(loadval_prom_sample(t, size, "load", &c, &why), c, why);
	why = NULL;
	judge(loadval_prom_sample(t, size, "a", &c, &why), c, why);
	free(t);
	return 0;
}
