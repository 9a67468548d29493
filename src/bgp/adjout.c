/* The Adj-RIB-Out of a neighbour: what changed is queued per prefix and sent once per loop
 * iteration, packed into as few UPDATEs as the attribute sets allow (see adjout.h). */
#include "bgp/adjout.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/export.h"
#include "bgp/speaker.h"
#include "lib/log.h"

struct pending_item {
	const struct bgp_attrs *attrs; /* what Adj-RIB-Out holds now; NULL: withdrawn */
	struct prefix pfx;
};

static int cmp_pending(const void *a, const void *b)
{
	const struct pending_item *x = a, *y = b;

	if (x->attrs != y->attrs)
		return (uintptr_t)x->attrs < (uintptr_t)y->attrs ? -1 : 1;
	return prefix_cmp(&x->pfx, &y->pfx);
}

/* Routes whose attributes leave no room for even one prefix in 4096 octets (a huge AS_PATH or
 * community list): the neighbour must not keep an older version of them, and our Adj-RIB-Out
 * must not claim they were sent. Withdrawn, counted and logged. */
static void unencodable(struct bgp_peer *p, const struct prefix *v, size_t n)
{
	char pb[PREFIX_STRLEN];

	log_warn("neighbor %s: UPDATE for %s%s too large to encode (over %u octets): "
		 "%zu route%s withdrawn",
		 bgp_session_name(p), prefix_fmt(&v[0], pb), n > 1 ? " and others" : "",
		 BGP_MAX_LEN, n, n > 1 ? "s" : "");
	p->unencodable += n;
	for (size_t i = 0; i < n; i++)
		rib_withdraw(&p->adj_out, &v[i], NULL);
	for (size_t k = 0; k < n;) {
		size_t done = bgp_withdraw_encode(&p->conn->wbuf, v + k, n - k, &p->ctx);

		if (done == 0)
			break;
		p->updates_out++;
		k += done;
	}
}

/* Sends the queued Adj-RIB-Out changes: one UPDATE per attribute set and family, as full as
 * 4096 octets allow, withdrawals together. */
void bgp_adjout_send_pending(struct bgp_peer *p)
{
	struct bgp_conn *c = p->conn;

	if (!c || c->state != BGP_ESTABLISHED || (p->npending == 0 && p->eor_sent)) {
		p->npending = 0;
		return;
	}
	struct pending_item *v = xmalloc(p->npending * sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < p->npending; i++) {
		const struct rib_node *node = rib_lookup(&p->adj_out, &p->pending[i]);

		v[n].attrs = node ? node->paths->attrs : NULL;
		v[n].pfx = p->pending[i];
		n++;
	}
	p->npending = 0;
	qsort(v, n, sizeof(*v), cmp_pending);
	/* Drop duplicates: the same prefix sorts next to itself. */
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (m == 0 || !prefix_eq(&v[m - 1].pfx, &v[i].pfx) || v[m - 1].attrs != v[i].attrs)
			v[m++] = v[i];
	struct prefix *batch = xmalloc(m * sizeof(*batch));

	for (size_t i = 0; i < m;) {
		size_t j = i;

		while (j < m && v[j].attrs == v[i].attrs && v[j].pfx.addr.af == v[i].pfx.addr.af) {
			batch[j - i] = v[j].pfx;
			j++;
		}
		for (size_t k = 0; k < j - i;) {
			size_t done = v[i].attrs ? bgp_update_encode(&c->wbuf, v[i].attrs,
								     batch + k, j - i - k, &p->ctx)
						 : bgp_withdraw_encode(&c->wbuf, batch + k,
								       j - i - k, &p->ctx);
			if (done == 0) {
				if (v[i].attrs)
					unencodable(p, batch + k, j - i - k);
				break;
			}
			p->updates_out++;
			k += done;
		}
		i = j;
	}
	free(batch);
	free(v);
	if (!p->eor_sent) {
		if (p->ctx.mp_ipv4)
			bgp_eor_encode(&c->wbuf, BGP_AFI_IPV4);
		if (p->ctx.mp_ipv6)
			bgp_eor_encode(&c->wbuf, BGP_AFI_IPV6);
		p->eor_sent = 1;
	}
	bgp_session_send(p);
}

static void queue(struct bgp_peer *p, const struct prefix *pfx)
{
	if (p->npending == p->cappending) {
		p->cappending = p->cappending ? p->cappending * 2 : 64;
		p->pending = xrealloc(p->pending, p->cappending * sizeof(*p->pending));
	}
	p->pending[p->npending++] = *pfx;
}

void bgp_adjout_export(struct bgp_peer *p, const struct rib_node *n)
{
	struct bgp_speaker *sp = p->sp;

	if (!p->conn || p->conn->state != BGP_ESTABLISHED)
		return;
	if (n) {
		const struct bgp_attrs *want = bgp_export_attrs(sp, p, n);
		const struct rib_node *cur = rib_lookup(&p->adj_out, &n->pfx);
		const struct bgp_attrs *have = cur ? cur->paths->attrs : NULL;

		if (want == have) {
			if (want)
				bgp_attrs_unref(want);
			return;
		}
		if (want) {
			rib_update(&p->adj_out, &n->pfx, NULL, want, 0);
			bgp_attrs_unref(want);
		} else {
			rib_withdraw(&p->adj_out, &n->pfx, NULL);
		}
		queue(p, &n->pfx);
	}
	/* Send at the end of this loop iteration, so one change of many prefixes is batched. */
	if (!ev_timer_active(&sp->flush))
		ev_timer_start(sp->loop, &sp->flush, 0);
}

void bgp_adjout_start(struct bgp_peer *p, const struct rib *rib)
{
	struct rib_iter it;
	struct rib_node *n;

	p->eor_sent = 0;
	rib_iter_init(&it, rib);
	while ((n = rib_iter_next(&it)))
		bgp_adjout_export(p, n);
	/* Even with nothing to say, End-of-RIB goes out. */
	bgp_adjout_export(p, NULL);
}

void bgp_adjout_refresh(struct bgp_peer *p, uint16_t afi)
{
	struct rib_iter it;
	struct rib_node *n;

	rib_iter_init(&it, &p->adj_out);
	while ((n = rib_iter_next(&it))) {
		if ((afi == BGP_AFI_IPV4) != (n->pfx.addr.af == AF_INET))
			continue;
		queue(p, &n->pfx);
	}
	bgp_adjout_export(p, NULL);
}

void bgp_adjout_reset(struct bgp_peer *p)
{
	rib_free(&p->adj_out);
	p->npending = 0;
}

void bgp_adjout_free(struct bgp_peer *p)
{
	rib_free(&p->adj_out);
	free(p->pending);
	p->pending = NULL;
	p->npending = p->cappending = 0;
}
