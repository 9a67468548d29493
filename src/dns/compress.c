/* Name compression for composed messages. */
#include "dns/compress.h"

#include <string.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "lib/buf.h"

void dns_wr_init(struct dns_wr *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->len = 0;
	w->cap = cap;
	w->nct = 0;
}

static void remember_upto(struct dns_wr *w, const uint8_t *name, const uint8_t *stop, size_t len,
			  size_t off)
{
	while (name < stop && off < 0x4000 && w->nct < DNS_CT_MAX) {
		w->ct[w->nct++] = (struct dns_ct_ent){ name, (uint16_t)off, (uint8_t)len };
		off += 1 + (size_t)name[0];
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
}

void dns_wr_remember(struct dns_wr *w, const uint8_t *name, size_t len, size_t off)
{
	/* Pointers have 14 bits (RFC 1035 4.1.4), so only the first 16 KiB can be targets. */
	remember_upto(w, name, name + len - 1, len, off);
}

static int ct_find(const struct dns_wr *w, const uint8_t *s, size_t len)
{
	for (int i = 0; i < w->nct; i++) {
		const struct dns_ct_ent *e = &w->ct[i];

		if (e->len == len && dns_name_eq(e->name, len, s, len))
			return e->off;
	}
	return -1;
}

int dns_wr_bytes(struct dns_wr *w, const void *p, size_t n)
{
	if (n > w->cap - w->len)
		return -1;
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

int dns_wr_name(struct dns_wr *w, const uint8_t *name, size_t len, int compress)
{
	size_t start = w->len;
	const uint8_t *s = name;
	size_t rem = len;

	if (compress) {
		/* Longest suffix first: the first hit is the best one. */
		for (; s[0]; rem -= 1 + (size_t)s[0], s += 1 + s[0]) {
			int off = ct_find(w, s, rem);

			if (off >= 0) {
				size_t pre = (size_t)(s - name);

				if (pre + 2 > w->cap - w->len)
					return -1;
				memcpy(w->buf + w->len, name, pre);
				w->buf[w->len + pre] = (uint8_t)(0xc0 | off >> 8);
				w->buf[w->len + pre + 1] = (uint8_t)off;
				w->len += pre + 2;
				/* Only the labels written out in full are new targets. */
				remember_upto(w, name, s, len, start);
				return 0;
			}
		}
	}
	if (dns_wr_bytes(w, name, len) < 0)
		return -1;
	if (compress)
		dns_wr_remember(w, name, len, start);
	return 0;
}

int dns_wr_rr(struct dns_wr *w, const uint8_t *owner, size_t olen, uint16_t type, uint16_t cls,
	      uint32_t ttl, const uint8_t *rdata, size_t rdlen)
{
	struct dns_wr_mark m = dns_wr_mark(w);

	if (dns_wr_name(w, owner, olen, 1) < 0 || w->cap - w->len < 10)
		goto full;
	uint8_t *fix = w->buf + w->len;

	put16(fix, type);
	put16(fix + 2, cls);
	put32(fix + 4, ttl);
	w->len += 10;
	size_t rstart = w->len;
	int r = 0;

	switch (type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR: r = dns_wr_name(w, rdata, rdlen, 1); break;
	case DNS_T_MX:
		r = dns_wr_bytes(w, rdata, 2);
		if (r == 0)
			r = dns_wr_name(w, rdata + 2, rdlen - 2, 1);
		break;
	case DNS_T_SOA: {
		size_t l1 = dns_name_len(rdata), l2 = dns_name_len(rdata + l1);

		r = dns_wr_name(w, rdata, l1, 1);
		if (r == 0)
			r = dns_wr_name(w, rdata + l1, l2, 1);
		if (r == 0)
			r = dns_wr_bytes(w, rdata + l1 + l2, 20);
		break;
	}
	default: r = dns_wr_bytes(w, rdata, rdlen);
	}
	if (r < 0)
		goto full;
	put16(fix + 8, (uint16_t)(w->len - rstart));
	return 0;
full:
	dns_wr_rollback(w, m);
	return -1;
}
