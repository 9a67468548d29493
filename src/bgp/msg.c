/* BGP message codec: header, OPEN with capabilities, KEEPALIVE, NOTIFICATION (RFC 4271 sec 4,
 * RFC 5492, RFC 9003), ROUTE-REFRESH (RFC 2918). UPDATE lives in update.c. */
#include "bgp/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp/capa.h"

void bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t subcode, const void *data, size_t len,
		 const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->subcode = subcode;
	/* The NOTIFICATION data is diagnostic; a long attribute is cut to what we keep. */
	if (len > sizeof(e->data))
		len = sizeof(e->data);
	if (data && len)
		memcpy(e->data, data, len);
	e->datalen = data ? (uint16_t)len : 0;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
	va_end(ap);
}

/* ---- header ---- */

int bgp_hdr_check(const uint8_t *p, size_t avail, uint16_t *len, uint8_t *type, struct bgp_err *err)
{
	uint8_t lenbuf[2];
	uint16_t l;
	uint8_t t;
	int ok;

	if (avail < BGP_HDR_LEN)
		return 0;
	for (int i = 0; i < 16; i++) {
		if (p[i] != 0xff) {
			bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_SYNC, NULL, 0,
				    "bad marker in message header");
			return -1;
		}
	}
	l = get16(p + 16);
	t = p[18];
	memcpy(lenbuf, p + 16, 2);
	/* RFC 4271 6.1: the length range first, then the type, then the per-type minimum. */
	if (l < BGP_HDR_LEN || l > BGP_MAX_LEN) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, lenbuf, 2,
			    "bad message length %u", l);
		return -1;
	}
	switch (t) {
	case BGP_OPEN: ok = l >= BGP_HDR_LEN + 10; break;
	case BGP_UPDATE: ok = l >= BGP_HDR_LEN + 4; break;
	case BGP_NOTIFICATION: ok = l >= BGP_HDR_LEN + 2; break;
	case BGP_KEEPALIVE: ok = l == BGP_HDR_LEN; break;
	case BGP_ROUTE_REFRESH:
		ok = l == BGP_HDR_LEN + 4; /* RFC 2918 sec 3 */
		break;
	default:
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_TYPE, &t, 1, "bad message type %u", t);
		return -1;
	}
	if (!ok) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, lenbuf, 2,
			    "bad message length %u for type %u", l, t);
		return -1;
	}
	*len = l;
	*type = t;
	return 1;
}

/* The offset handed out is relative to b->off: buf_reserve() may move the pending bytes to the
 * front of the buffer when it grows, which would invalidate an absolute offset. Reserving a
 * whole message up front makes that rare; relative offsets make it harmless. */
size_t bgp_msg_begin(struct buf *b, uint8_t type)
{
	static const uint8_t marker[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	size_t start;

	buf_reserve(b, BGP_MAX_LEN);
	start = b->len - b->off;
	buf_put(b, marker, sizeof(marker));
	buf_put16(b, 0);
	buf_put8(b, type);
	return start;
}

void bgp_msg_end(struct buf *b, size_t start)
{
	buf_set16(b, b->off + start + 16, (uint16_t)(b->len - b->off - start));
}

/* ---- OPEN ---- */

static void put_cap_mp(struct buf *b, uint16_t afi, uint8_t safi)
{
	buf_put8(b, BGP_CAP_MP);
	buf_put8(b, 4);
	buf_put16(b, afi);
	buf_put8(b, 0);
	buf_put8(b, safi);
}

void bgp_open_encode(struct buf *b, uint32_t asn, uint16_t hold_time, uint32_t bgp_id,
		     const struct bgp_caps *caps)
{
	size_t start = bgp_msg_begin(b, BGP_OPEN);
	size_t optlen_at, param_at;

	buf_put8(b, BGP_VERSION);
	buf_put16(b, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn); /* RFC 6793 sec 4.1 */
	buf_put16(b, hold_time);
	buf_put32(b, bgp_id);
	/* (no growth past the reserved 4096 octets here: absolute offsets are safe) */
	optlen_at = b->len;
	buf_put8(b, 0);
	/* All capabilities in one Capabilities optional parameter (RFC 5492 sec 4 allows either). */
	param_at = b->len;
	buf_put8(b, 2);
	buf_put8(b, 0);
	if (caps->mp_ipv4)
		put_cap_mp(b, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	if (caps->mp_ipv6)
		put_cap_mp(b, BGP_AFI_IPV6, BGP_SAFI_UNICAST);
	if (caps->ext_nh4) {
		/* RFC 8950 sec 4: NLRI AFI, NLRI SAFI (two octets), next hop AFI */
		buf_put8(b, BGP_CAP_EXT_NEXTHOP);
		buf_put8(b, 6);
		buf_put16(b, BGP_AFI_IPV4);
		buf_put16(b, BGP_SAFI_UNICAST);
		buf_put16(b, BGP_AFI_IPV6);
	}
	if (caps->role != BGP_ROLE_NONE) {
		buf_put8(b, BGP_CAP_ROLE);
		buf_put8(b, 1);
		buf_put8(b, caps->role);
	}
	if (caps->as4) {
		buf_put8(b, BGP_CAP_AS4);
		buf_put8(b, 4);
		buf_put32(b, asn);
	}
	bgp_capa_encode(b, caps);
	if (b->len == param_at + 2)
		b->len = param_at; /* no capability: no parameter */
	else
		b->data[param_at + 1] = (uint8_t)(b->len - param_at - 2);
	b->data[optlen_at] = (uint8_t)(b->len - optlen_at - 1);
	bgp_msg_end(b, start);
}

/* One capability TLV from a Capabilities parameter. Unknown codes are ignored (RFC 5492 sec 3). */
static int open_cap(struct bgp_open *o, uint8_t code, const uint8_t *v, uint8_t len,
		    struct bgp_err *err)
{
	struct bgp_caps *c = &o->caps;

	switch (code) {
	case BGP_CAP_MP:
		if (len != 4)
			goto malformed;
		c->mp_any = 1;
		if (get16(v) == BGP_AFI_IPV4 && v[3] == BGP_SAFI_UNICAST)
			c->mp_ipv4 = 1;
		else if (get16(v) == BGP_AFI_IPV6 && v[3] == BGP_SAFI_UNICAST)
			c->mp_ipv6 = 1;
		break;
	case BGP_CAP_EXT_NEXTHOP:
		if (len % 6)
			goto malformed;
		for (uint8_t i = 0; i < len; i += 6)
			if (get16(v + i) == BGP_AFI_IPV4 && get16(v + i + 2) == BGP_SAFI_UNICAST &&
			    get16(v + i + 4) == BGP_AFI_IPV6)
				c->ext_nh4 = 1;
		break;
	case BGP_CAP_ROLE:
		if (len != 1)
			goto malformed;
		/* RFC 9234 sec 4.2: repeated Role capabilities must agree. */
		if (c->role != BGP_ROLE_NONE && c->role != v[0]) {
			bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_ROLE, NULL, 0,
				    "conflicting BGP Role capabilities (%u and %u)", c->role, v[0]);
			return -1;
		}
		c->role = v[0];
		break;
	case BGP_CAP_AS4:
		if (len != 4)
			goto malformed;
		c->as4 = 1;
		c->as4_asn = get32(v);
		break;
	default: {
		const char *name = "";

		if (bgp_capa_decode(c, code, v, len, &name) >= 0)
			break;
		bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0, "malformed %s capability (length %u)",
			    name, len);
		return -1;
	}
	}
	return 0;
malformed:
	bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0, "malformed capability %u (length %u)", code,
		    len);
	return -1;
}

static int open_caps(struct bgp_open *o, const uint8_t *p, size_t len, struct bgp_err *err)
{
	struct rd r;
	uint8_t code, clen;
	const uint8_t *v;

	rd_init(&r, p, len);
	while (rd_left(&r) > 0) {
		if (rd_get8(&r, &code) < 0 || rd_get8(&r, &clen) < 0 || rd_ref(&r, &v, clen) < 0) {
			bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0,
				    "capability overruns its optional parameter");
			return -1;
		}
		if (open_cap(o, code, v, clen, err) < 0)
			return -1;
	}
	return 0;
}

int bgp_open_decode(const uint8_t *body, size_t len, struct bgp_open *o, struct bgp_err *err)
{
	struct rd r;
	uint8_t optlen, ptype;
	uint16_t plen;
	const uint8_t *pv;
	int ext = 0;

	memset(o, 0, sizeof(*o));
	o->caps.role = BGP_ROLE_NONE;
	rd_init(&r, body, len);
	if (rd_get8(&r, &o->version) < 0 || rd_get16(&r, &o->my_as) < 0 ||
	    rd_get16(&r, &o->hold_time) < 0 || rd_get32(&r, &o->bgp_id) < 0 ||
	    rd_get8(&r, &optlen) < 0) {
		uint8_t l[2];

		put16(l, (uint16_t)(len + BGP_HDR_LEN));
		bgp_err_set(err, BGP_ERR_HEADER, BGP_ERR_HDR_LEN, l, 2, "OPEN too short");
		return -1;
	}
	if (o->version != BGP_VERSION) {
		/* RFC 4271 6.2: the data is the largest version we support. */
		uint8_t v[2] = { 0, BGP_VERSION };

		bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_VERSION, v, 2,
			    "unsupported BGP version %u", o->version);
		return -1;
	}
	if (o->my_as == 0) { /* RFC 7607 */
		bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, NULL, 0, "peer AS 0 in OPEN");
		return -1;
	}
	if (o->hold_time == 1 || o->hold_time == 2) {
		bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD, NULL, 0,
			    "unacceptable hold time %u", o->hold_time);
		return -1;
	}
	if (o->bgp_id == 0) {
		bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL, 0, "BGP identifier 0");
		return -1;
	}
	/* RFC 9072: a Non-Ext OP Len of 255 with a first type of 255 announces 2-octet lengths. */
	if (optlen == 255 && rd_left(&r) >= 1 && r.p[r.pos] == 255) {
		uint16_t elen;

		r.pos++;
		if (rd_get16(&r, &elen) < 0 || elen != rd_left(&r))
			goto badlen;
		ext = 1;
	} else if (optlen != rd_left(&r)) {
		goto badlen;
	}
	while (rd_left(&r) > 0) {
		uint8_t l8;

		if (rd_get8(&r, &ptype) < 0)
			goto badlen;
		if (ext) {
			if (rd_get16(&r, &plen) < 0)
				goto badlen;
		} else {
			if (rd_get8(&r, &l8) < 0)
				goto badlen;
			plen = l8;
		}
		if (rd_ref(&r, &pv, plen) < 0)
			goto badlen;
		if (ptype != 2) {
			bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_OPTPARAM, NULL, 0,
				    "unsupported optional parameter %u", ptype);
			return -1;
		}
		if (open_caps(o, pv, plen, err) < 0)
			return -1;
	}
	if (o->caps.as4 && o->caps.as4_asn == 0) { /* RFC 7607 */
		bgp_err_set(err, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, NULL, 0,
			    "peer AS 0 in the 4-octet AS capability");
		return -1;
	}
	o->asn = o->caps.as4 ? o->caps.as4_asn : o->my_as;
	return 0;
badlen:
	bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0, "malformed optional parameters");
	return -1;
}

void bgp_keepalive_encode(struct buf *b)
{
	size_t start = bgp_msg_begin(b, BGP_KEEPALIVE);

	bgp_msg_end(b, start);
}

/* ---- NOTIFICATION ---- */

void bgp_notification_encode(struct buf *b, uint8_t code, uint8_t subcode, const void *data,
			     size_t len)
{
	size_t start = bgp_msg_begin(b, BGP_NOTIFICATION);

	if (len > BGP_MAX_LEN - BGP_HDR_LEN - 2)
		len = BGP_MAX_LEN - BGP_HDR_LEN - 2;
	buf_put8(b, code);
	buf_put8(b, subcode);
	if (data)
		buf_put(b, data, len);
	bgp_msg_end(b, start);
}

/* RFC 9003 sec 2: a length octet and at most 255 octets of UTF-8; cut before a continuation
 * byte so the message stays valid UTF-8. Returns the data's length. */
static size_t shutdown_data(uint8_t data[256], const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n > 255) {
		n = 255;
		while (n > 0 && ((uint8_t)text[n] & 0xc0) == 0x80)
			n--;
	}
	data[0] = (uint8_t)n;
	if (n)
		memcpy(data + 1, text, n);
	return n + 1;
}

void bgp_shutdown_encode(struct buf *b, uint8_t subcode, const char *text)
{
	uint8_t data[256];

	bgp_notification_encode(b, BGP_ERR_CEASE, subcode, data, shutdown_data(data, text));
}

void bgp_hard_reset_encode(struct buf *b, uint8_t code, uint8_t subcode, const void *data,
			   size_t len)
{
	size_t start = bgp_msg_begin(b, BGP_NOTIFICATION);

	if (len > BGP_MAX_LEN - BGP_HDR_LEN - 4)
		len = BGP_MAX_LEN - BGP_HDR_LEN - 4;
	buf_put8(b, BGP_ERR_CEASE);
	buf_put8(b, BGP_CEASE_HARD_RESET);
	buf_put8(b, code);
	buf_put8(b, subcode);
	if (data)
		buf_put(b, data, len);
	bgp_msg_end(b, start);
}

void bgp_hard_reset_shutdown_encode(struct buf *b, uint8_t subcode, const char *text)
{
	uint8_t data[256];

	bgp_hard_reset_encode(b, BGP_ERR_CEASE, subcode, data, shutdown_data(data, text));
}

/* Length of a valid, minimal UTF-8 sequence of a non-control character at p, or 0. */
static size_t utf8_char(const uint8_t *p, size_t left)
{
	uint32_t cp;
	size_t n;

	if (p[0] >= 0x20 && p[0] < 0x7f)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
		return 0;
	return n;
}

int bgp_notification_decode(const uint8_t *body, size_t len, struct bgp_notification *n)
{
	memset(n, 0, sizeof(*n));
	if (len < 2)
		return -1;
	n->code = body[0];
	n->subcode = body[1];
	n->data = body + 2;
	n->datalen = (uint16_t)(len - 2);
	n->inner_code = n->code;
	n->inner_subcode = n->subcode;
	const uint8_t *d = n->data;
	size_t dl = n->datalen;

	/* RFC 8538 sec 3: a Hard Reset carries the NOTIFICATION it stands for (code, subcode,
	 * data); its text, if any, is that one's. Without the two octets it is a bare one. */
	if (n->code == BGP_ERR_CEASE && n->subcode == BGP_CEASE_HARD_RESET) {
		n->hard_reset = 1;
		if (dl >= 2) {
			n->inner_code = d[0];
			n->inner_subcode = d[1];
			d += 2;
			dl -= 2;
		}
	}
	/* RFC 9003 sec 2: Cease 2 and 4 may carry a length octet and a UTF-8 message. A length
	 * past the data makes it malformed: we keep no text then. Whatever we keep is made
	 * printable, since it goes to logs and terminals. */
	if (n->inner_code == BGP_ERR_CEASE &&
	    (n->inner_subcode == BGP_CEASE_ADMIN_SHUTDOWN ||
	     n->inner_subcode == BGP_CEASE_ADMIN_RESET) &&
	    dl >= 1 && d[0] <= dl - 1) {
		const uint8_t *t = d + 1;
		size_t tl = d[0], o = 0;

		for (size_t i = 0; i < tl;) {
			size_t cl = utf8_char(t + i, tl - i);

			if (cl == 0) {
				n->shutdown_msg[o++] = '?';
				i++;
			} else {
				memcpy(n->shutdown_msg + o, t + i, cl);
				o += cl;
				i += cl;
			}
		}
		n->shutdown_msg[o] = 0;
	}
	return 0;
}

#define N(c, s) c "/" s
static const char *const hdr_names[] = {
	[1] = N("Message Header Error", "Connection Not Synchronized"),
	[2] = N("Message Header Error", "Bad Message Length"),
	[3] = N("Message Header Error", "Bad Message Type"),
};
static const char *const open_names[] = {
	[1] = N("OPEN Message Error", "Unsupported Version Number"),
	[2] = N("OPEN Message Error", "Bad Peer AS"),
	[3] = N("OPEN Message Error", "Bad BGP Identifier"),
	[4] = N("OPEN Message Error", "Unsupported Optional Parameter"),
	[5] = N("OPEN Message Error", "Authentication Failure"),
	[6] = N("OPEN Message Error", "Unacceptable Hold Time"),
	[7] = N("OPEN Message Error", "Unsupported Capability"),
	[11] = N("OPEN Message Error", "Role Mismatch"),
};
static const char *const update_names[] = {
	[1] = N("UPDATE Message Error", "Malformed Attribute List"),
	[2] = N("UPDATE Message Error", "Unrecognized Well-known Attribute"),
	[3] = N("UPDATE Message Error", "Missing Well-known Attribute"),
	[4] = N("UPDATE Message Error", "Attribute Flags Error"),
	[5] = N("UPDATE Message Error", "Attribute Length Error"),
	[6] = N("UPDATE Message Error", "Invalid ORIGIN Attribute"),
	[7] = N("UPDATE Message Error", "AS Routing Loop"),
	[8] = N("UPDATE Message Error", "Invalid NEXT_HOP Attribute"),
	[9] = N("UPDATE Message Error", "Optional Attribute Error"),
	[10] = N("UPDATE Message Error", "Invalid Network Field"),
	[11] = N("UPDATE Message Error", "Malformed AS_PATH"),
};
static const char *const fsm_names[] = {
	/* RFC 6608 */
	[1] = N("Finite State Machine Error", "Unexpected Message in OpenSent"),
	[2] = N("Finite State Machine Error", "Unexpected Message in OpenConfirm"),
	[3] = N("Finite State Machine Error", "Unexpected Message in Established"),
};
static const char *const cease_names[] = {
	/* RFC 4486, RFC 8538 */
	[1] = N("Cease", "Maximum Number of Prefixes Reached"),
	[2] = N("Cease", "Administrative Shutdown"),
	[3] = N("Cease", "Peer De-configured"),
	[4] = N("Cease", "Administrative Reset"),
	[5] = N("Cease", "Connection Rejected"),
	[6] = N("Cease", "Other Configuration Change"),
	[7] = N("Cease", "Connection Collision Resolution"),
	[8] = N("Cease", "Out of Resources"),
	[9] = N("Cease", "Hard Reset"),
};
static const char *const refresh_names[] = {
	/* RFC 7313 */
	[1] = N("ROUTE-REFRESH Message Error", "Invalid Message Length"),
};
static const char *const unspecific_names[] = {
	[1] = N("Message Header Error", "Unspecific"),
	[2] = N("OPEN Message Error", "Unspecific"),
	[3] = N("UPDATE Message Error", "Unspecific"),
	[4] = N("Hold Timer Expired", "Unspecific"),
	[5] = N("Finite State Machine Error", "Unspecified Error"),
	[6] = N("Cease", "Unspecific"),
	[7] = N("ROUTE-REFRESH Message Error", "Unspecific"),
	[8] = N("Send Hold Timer Expired", "Unspecific"),
};
#undef N

const char *bgp_err_code_name(uint8_t code)
{
	static const char *const names[] = {
		[1] = "Message Header Error",        [2] = "OPEN Message Error",
		[3] = "UPDATE Message Error",        [4] = "Hold Timer Expired",
		[5] = "Finite State Machine Error",  [6] = "Cease",
		[7] = "ROUTE-REFRESH Message Error", [8] = "Send Hold Timer Expired",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "Unknown Error Code";
}

/* The combined "Code/Subcode" name, as the log and `show neighbors` print it. */
const char *bgp_err_subcode_name(uint8_t code, uint8_t subcode)
{
	static const struct {
		const char *const *names;
		size_t n;
	} tab[] = {
		[1] = { hdr_names, sizeof(hdr_names) / sizeof(hdr_names[0]) },
		[2] = { open_names, sizeof(open_names) / sizeof(open_names[0]) },
		[3] = { update_names, sizeof(update_names) / sizeof(update_names[0]) },
		[5] = { fsm_names, sizeof(fsm_names) / sizeof(fsm_names[0]) },
		[6] = { cease_names, sizeof(cease_names) / sizeof(cease_names[0]) },
		[7] = { refresh_names, sizeof(refresh_names) / sizeof(refresh_names[0]) },
	};

	static const char *const unknown[] = {
		[1] = "Message Header Error/Unknown Subcode",
		[2] = "OPEN Message Error/Unknown Subcode",
		[3] = "UPDATE Message Error/Unknown Subcode",
		[4] = "Hold Timer Expired/Unknown Subcode",
		[5] = "Finite State Machine Error/Unknown Subcode",
		[6] = "Cease/Unknown Subcode",
		[7] = "ROUTE-REFRESH Message Error/Unknown Subcode",
		[8] = "Send Hold Timer Expired/Unknown Subcode",
	};

	if (code < 1 || code > 8)
		return "Unknown Error Code/Unknown Subcode";
	if (subcode == 0)
		return unspecific_names[code];
	if (code < sizeof(tab) / sizeof(tab[0]) && tab[code].names && subcode < tab[code].n &&
	    tab[code].names[subcode])
		return tab[code].names[subcode];
	return unknown[code];
}

/* ---- ROUTE-REFRESH ---- */

void bgp_refresh_encode(struct buf *b, uint16_t afi, uint8_t safi)
{
	bgp_refresh_encode_sub(b, afi, BGP_RR_REQUEST, safi);
}

void bgp_refresh_encode_sub(struct buf *b, uint16_t afi, uint8_t subtype, uint8_t safi)
{
	size_t start = bgp_msg_begin(b, BGP_ROUTE_REFRESH);

	buf_put16(b, afi);
	buf_put8(b, subtype); /* RFC 2918's reserved octet */
	buf_put8(b, safi);
	bgp_msg_end(b, start);
}

int bgp_refresh_decode(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *safi,
		       struct bgp_err *err)
{
	uint8_t subtype;

	return bgp_refresh_decode_sub(body, len, afi, &subtype, safi, err);
}

int bgp_refresh_decode_sub(const uint8_t *body, size_t len, uint16_t *afi, uint8_t *subtype,
			   uint8_t *safi, struct bgp_err *err)
{
	if (len != 4) {
		/* RFC 7313 sec 5: the data is the whole message; we have only the body here. */
		bgp_err_set(err, BGP_ERR_REFRESH, 1, body, len, "ROUTE-REFRESH of length %zu",
			    len + BGP_HDR_LEN);
		return -1;
	}
	*afi = get16(body);
	*subtype = body[2];
	*safi = body[3];
	return 0;
}
