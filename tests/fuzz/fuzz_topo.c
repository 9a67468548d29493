/* libFuzzer target: lab topology files (YAML) from arbitrary bytes.
 *
 * Beyond "no crash, no leak, no UB", it checks the parser's promises: a failed parse leaves
 * an empty topology and a "NAME:LINE:COL: message" error whose position lies inside the
 * input; a successful one leaves no error and a topology whose invariants hold (the rules of
 * DESIGN.md "Lab topology" and the address plan of src/lab/topo.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lab/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const char *err, const uint8_t *data, size_t size)
{
	long line, col, lines = 1;
	char *end;

	if (strncmp(err, "fuzz.yaml:", 10) != 0)
		abort();
	line = strtol(err + 10, &end, 10);
	if (*end != ':')
		abort();
	col = strtol(end + 1, &end, 10);
	if (*end != ':' || end[1] != ' ' || line < 1 || col < 1)
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* The end of the input is a position too: the line after a final newline. libyaml also
	 * counts a lone '\r' as a line break. */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\r';
	if (line > lines || col > (long)size + 1)
		abort();
	for (const char *s = err; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			abort(); /* escaped for the terminal */
}

static int valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 12)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

static void check_topo(const struct lab_topo *t)
{
	size_t sites = 0, *degree = calloc(t->nnodes + 1, sizeof(*degree));

	if (!t->file || strcmp(t->file, "fuzz.yaml") || !valid_name(t->name) || !t->nnodes)
		abort();
	if (t->anycast_addr.af != t->anycast_prefix.addr.af)
		abort();
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *n = &t->nodes[i];

		if (n->index != i || !valid_name(n->name) || !n->city || n->line < 1 || n->col < 1)
			abort();
		if ((n->kind == LAB_CLIENT) != (n->asn == 0) || n->asn == 23456 ||
		    n->asn == 4294967295u)
			abort();
		if (n->router_id.af != AF_INET || n->router_id.a[0] != 198 ||
		    n->router_id.a[1] != 19 || n->router_id.a[3] == 0 || n->router_id.a[3] == 255)
			abort();
		if (n->kind == LAB_SITE) {
			sites++;
			if (n->unicast.a[3] != sites || n->unicast.a[0] != 198)
				abort();
		} else if (addr_is_set(&n->unicast)) {
			abort();
		}
		if (t->nnodes < 64 && lab_topo_node(t, n->name) != n)
			abort();
	}
	if (!sites || sites > 250 || t->nlinks > 32768)
		abort();
	for (size_t l = 0; l < t->nlinks; l++) {
		const struct lab_link *k = &t->links[l];
		const struct lab_node *a, *b;

		if (k->a >= t->nnodes || k->b >= t->nnodes || k->a == k->b)
			abort();
		a = &t->nodes[k->a];
		b = &t->nodes[k->b];
		degree[k->a]++;
		degree[k->b]++;
		if (!k->delay_us || k->delay_us > 10000000)
			abort();
		if ((a->kind == LAB_CLIENT || b->kind == LAB_CLIENT) != (k->rel == LAB_REL_NONE))
			abort();
		if (a->kind == LAB_CLIENT && b->kind != LAB_ROUTER)
			abort();
		if (b->kind == LAB_CLIENT && a->kind != LAB_ROUTER)
			abort();
		if (a->kind == LAB_SITE && b->kind == LAB_SITE)
			abort();
		if (k->rel == LAB_REL_P2C && a->kind == LAB_SITE && b->kind == LAB_ROUTER)
			abort();
		if (strncmp(k->ifname_a, "to-", 3) || strcmp(k->ifname_a + 3, b->name) ||
		    strncmp(k->ifname_b, "to-", 3) || strcmp(k->ifname_b + 3, a->name))
			abort();
		if (k->addr_a.a[0] != 198 || k->addr_a.a[1] != 18 || k->addr_a.a[3] % 2 ||
		    k->addr_b.a[3] != k->addr_a.a[3] + 1 || k->addr6_a.a[15] != 1 ||
		    k->addr6_b.a[15] != 2)
			abort();
		/* no two links between the same pair (so interface names are unique) */
		if (t->nlinks < 64)
			for (size_t m = 0; m < l; m++) {
				const struct lab_link *o = &t->links[m];

				if ((o->a == k->a && o->b == k->b) ||
				    (o->a == k->b && o->b == k->a))
					abort();
			}
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind == LAB_CLIENT && degree[i] != 1)
			abort();
		if (t->nodes[i].kind == LAB_SITE && degree[i] == 0)
			abort();
	}
	free(degree);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lab_topo t;
	char err[512];
	int r;

	r = lab_topo_parse("fuzz.yaml", (const char *)data, size, &t, err, sizeof(err));
	if (r == 0) {
		if (err[0])
			abort();
		check_topo(&t);
	} else {
		check_error(err, data, size);
		if (t.file || t.name || t.nodes || t.links || t.nnodes || t.nlinks)
			abort();
	}
	lab_topo_free(&t);
	return 0;
}
