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

static int cmp_prefix(const void *a, const void *b) { return prefix_cmp(a, b); }

/* Sorts v[0..n) and drops repeated prefixes; returns the new count. */
static size_t sort_unique(struct prefix *v, size_t n)
{
	size_t m = 0;

	qsort(v, n, sizeof(*v), cmp_prefix);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || !prefix_eq(&v[m - 1], &v[i]))
			v[m++] = v[i];
	return m;
}

static const struct bgp_attrs *adj_out_attrs(struct bgp_peer *p, const struct prefix *pfx)
{
	const struct rib_node *node = rib_lookup(&p->adj_out, pfx);

	return node ? node->paths->attrs : NULL;
}

/* Takes what is pending into outq, ordered by attribute set so that each UPDATE carries as many
 * prefixes as it can; a prefix queued twice sorts next to itself and is kept once. */
static void take_pending(struct bgp_peer *p)
{
	struct pending_item *v = xmalloc(p->npending * sizeof(*v));
	size_t n = p->npending, m = 0;

	for (size_t i = 0; i < n; i++) {
		v[i].attrs = adj_out_attrs(p, &p->pending[i]);
		v[i].pfx = p->pending[i];
	}
	p->npending = 0;
	qsort(v, n, sizeof(*v), cmp_pending);
	free(p->outq);
	p->outq = xmalloc((n ? n : 1) * sizeof(*p->outq));
	for (size_t i = 0; i < n; i++)
		if (m == 0 || !prefix_eq(&p->outq[m - 1], &v[i].pfx))
			p->outq[m++] = v[i].pfx;
	p->noutq = m;
	p->outq_pos = 0;
	free(v);
}

/* The most prefixes one UPDATE can hold (4096 octets, /32s or more specific); what the encoder
 * is offered at a time. */
#define BATCH_MAX 1024
#define SEND_ROUNDS 8
/* The first export's walk: the cost of one step (a node visited 1, one queued for sending 8),
 * a few ms; and how many prefixes may wait unsent before the walk goes on, so that a slow
 * neighbour holds the walk, not a million queued prefixes. */
#define WALK_BUDGET 16384
#define WALK_QUEUE_MAX 8192

static size_t walk_visit(struct rib_node *n, void *arg)
{
	struct bgp_peer *p = arg;
	size_t before = p->npending;

	bgp_adjout_export(p, n);
	return p->npending != before ? 8 : 1;
}

/* One step of the first export (the speaker runs it once per loop iteration), then what it
 * queued goes out. Nodes changed meanwhile were exported as they changed (the
 * Loc-RIB exports to every Established neighbour), with their latest attributes; the walk
 * meeting them again finds the Adj-RIB-Out already equal and queues nothing, and a prefix
 * queued twice goes out once (take_pending). */
void bgp_adjout_walk_step(struct bgp_peer *p)
{
	if (!p->export_walking || !p->conn || p->conn->state != BGP_ESTABLISHED)
		return;
	if (p->npending + (p->noutq - p->outq_pos) < WALK_QUEUE_MAX &&
	    rib_walk(&p->sp->rib, &p->export_pos, WALK_BUDGET, walk_visit, p))
		p->export_walking = 0;
	bgp_adjout_send_pending(p);
}

/* Encodes one UPDATE (or withdrawal) from the head of outq: the prefixes that follow with the
 * same attributes now, as Adj-RIB-Out holds them (they may have changed since take_pending). */
static void send_one(struct bgp_peer *p, struct prefix *batch)
{
	struct bgp_conn *c = p->conn;
	const struct prefix *head = &p->outq[p->outq_pos];
	const struct bgp_attrs *attrs = adj_out_attrs(p, head);
	size_t n = 0;

	while (p->outq_pos + n < p->noutq && n < BATCH_MAX) {
		const struct prefix *x = &p->outq[p->outq_pos + n];

		if (x->addr.af != head->addr.af || (n > 0 && adj_out_attrs(p, x) != attrs))
			break;
		batch[n++] = *x;
	}
	size_t done = attrs ? bgp_update_encode(&c->wbuf, attrs, batch, n, &p->ctx)
			    : bgp_withdraw_encode(&c->wbuf, batch, n, &p->ctx);

	if (done == 0 && attrs) {
		unencodable(p, batch, n);
		done = n;
	} else if (done == 0) {
		done = 1; /* a withdrawal always fits; never loop */
	} else {
		p->updates_out++;
	}
	p->outq_pos += done;
}

/* Sends the queued Adj-RIB-Out changes: one UPDATE per attribute set and family, as full as
 * 4096 octets allow, withdrawals together; End-of-RIB once all is said. Stops while the
 * session's output queue is full and goes on when the session reports it writable, so what a
 * slow neighbour has not taken stays here, one entry per prefix. */
void bgp_adjout_send_pending(struct bgp_peer *p)
{
	struct bgp_conn *c = p->conn;

	if (!c || c->state != BGP_ESTABLISHED) {
		p->npending = 0;
		p->noutq = p->outq_pos = 0;
		return;
	}
	if (p->npending == 0 && p->outq_pos == p->noutq && p->eor_sent && !p->eorr_pending)
		return;
	struct prefix *batch = xmalloc(BATCH_MAX * sizeof(*batch));

	/* Up to SEND_ROUNDS queuefuls per call, while the socket takes each at once: a fast
	 * neighbour is not held to one queueful per loop iteration, a slow one costs one. */
	for (int round = 0; round < SEND_ROUNDS; round++) {
		while (!bgp_session_congested(p)) {
			if (p->outq_pos == p->noutq) {
				if (p->npending == 0)
					break;
				take_pending(p);
				continue;
			}
			send_one(p, batch);
		}
		if (p->outq_pos == p->noutq && p->npending == 0)
			break;
		bgp_session_send(p);
		if (bgp_session_congested(p))
			break;
	}
	free(batch);
	if (p->outq_pos == p->noutq) {
		free(p->outq);
		p->outq = NULL;
		p->noutq = p->outq_pos = 0;
	}
	int more = p->outq_pos < p->noutq || p->npending > 0;

	/* The walk goes on in the next iteration (the speaker's steps), or when a full socket
	 * has room again (the writable op). */
	if (p->export_walking && !bgp_session_congested(p))
		bgp_speaker_want_steps(p->sp);
	if (!more && !p->eor_sent && !p->export_walking) {
		if (p->ctx.mp_ipv4)
			bgp_eor_encode(&c->wbuf, BGP_AFI_IPV4);
		if (p->ctx.mp_ipv6)
			bgp_eor_encode(&c->wbuf, BGP_AFI_IPV6);
		p->eor_sent = 1;
	}
	/* RFC 7313: EoRR after the routes of a refresh (refresh.c sent the BoRR). */
	for (int f = 0; f < 2 && !more; f++)
		if (p->eorr_pending & (1 << f))
			bgp_refresh_encode_sub(&c->wbuf, f ? BGP_AFI_IPV6 : BGP_AFI_IPV4,
					       BGP_RR_EORR, BGP_SAFI_UNICAST);
	if (!more)
		p->eorr_pending = 0;
	bgp_session_want_writable(p, more || p->export_walking);
	bgp_session_send(p);
}

/* A prefix whose Adj-RIB-Out changed. Repeats are folded when the list is full, so it stays
 * within a small multiple of the distinct prefixes changed, however long the neighbour leaves
 * them unsent. */
static void queue(struct bgp_peer *p, const struct prefix *pfx)
{
	if (p->npending == p->cappending && p->cappending >= 1024) {
		p->npending = sort_unique(p->pending, p->npending);
		if (p->npending > p->cappending / 2)
			p->cappending *= 2;
		p->pending = xrealloc(p->pending, p->cappending * sizeof(*p->pending));
	} else if (p->npending == p->cappending) {
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

		/* Nothing to say and nothing said (the neighbour a route came from, a node
		 * neighbour that hears none of transit): no lookup. */
		if (!want && !p->adj_out.count)
			return;
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

void bgp_adjout_start(struct bgp_peer *p)
{
	p->eor_sent = 0;
	p->export_walking = 1;
	p->export_pos = 0;
	/* The walk starts in the next iteration; End-of-RIB follows it, even with nothing to
	 * say. */
	bgp_speaker_want_steps(p->sp);
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
	p->export_walking = 0;
	rib_free(&p->adj_out);
	p->npending = 0;
	p->noutq = p->outq_pos = 0;
	p->eorr_pending = 0;
}

void bgp_adjout_free(struct bgp_peer *p)
{
	rib_free(&p->adj_out);
	free(p->pending);
	p->pending = NULL;
	p->npending = p->cappending = 0;
	free(p->outq);
	p->outq = NULL;
	p->noutq = p->outq_pos = 0;
}
