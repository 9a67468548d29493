/* The capability table (see capa.h): route refresh, enhanced route refresh, graceful restart. */
#include "bgp/capa.h"

#include <stddef.h>
#include <string.h>

#include "bgp/proto.h"

int bgp_capa_af_index(uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return -1;
	return afi == BGP_AFI_IPV4 ? 0 : afi == BGP_AFI_IPV6 ? 1 : -1;
}

static int dec_rr(struct bgp_caps *c, const uint8_t *v, uint8_t len)
{
	(void)v;
	c->route_refresh = 1;
	return len == 0 ? 0 : -1;
}

static int dec_err(struct bgp_caps *c, const uint8_t *v, uint8_t len)
{
	(void)v;
	c->enhanced_refresh = 1;
	return len == 0 ? 0 : -1;
}

/* RFC 4724 sec 3: flags and restart time, then AFI, SAFI, flags per family. Only the last
 * instance counts; families we do not know are skipped. */
static int dec_gr(struct bgp_caps *c, const uint8_t *v, uint8_t len)
{
	if (len < 2 || (len - 2) % 4 != 0)
		return -1;
	c->gr = 1;
	c->gr_flags = v[0] >> 4;
	c->gr_time = get16(v) & 0x0fff;
	memset(c->gr_af, 0, sizeof(c->gr_af));
	for (size_t o = 2; o + 4 <= len; o += 4) {
		int i = bgp_capa_af_index(get16(v + o), v[o + 2]);

		if (i >= 0)
			c->gr_af[i] = BGP_GR_AF_PRESENT | (v[o + 3] & BGP_GR_AF_FORWARDING);
	}
	return 0;
}

static void enc_rr(struct buf *b, const struct bgp_caps *c)
{
	(void)c;
	buf_put8(b, BGP_CAP_ROUTE_REFRESH);
	buf_put8(b, 0);
}

static void enc_err(struct buf *b, const struct bgp_caps *c)
{
	(void)c;
	buf_put8(b, BGP_CAP_ENHANCED_RR);
	buf_put8(b, 0);
}

static void enc_gr(struct buf *b, const struct bgp_caps *c)
{
	static const uint16_t afi[2] = { BGP_AFI_IPV4, BGP_AFI_IPV6 };
	size_t n = 0;

	for (int i = 0; i < 2; i++)
		n += (c->gr_af[i] & BGP_GR_AF_PRESENT) != 0;
	buf_put8(b, BGP_CAP_GR);
	buf_put8(b, (uint8_t)(2 + 4 * n));
	buf_put16(b, (uint16_t)((c->gr_flags & 0xf) << 12 |
				(c->gr_time > BGP_GR_TIME_MAX ? BGP_GR_TIME_MAX : c->gr_time)));
	for (int i = 0; i < 2; i++) {
		if (!(c->gr_af[i] & BGP_GR_AF_PRESENT))
			continue;
		buf_put16(b, afi[i]);
		buf_put8(b, BGP_SAFI_UNICAST);
		buf_put8(b, c->gr_af[i] & BGP_GR_AF_FORWARDING);
	}
}

static int want_rr(const struct bgp_caps *c) { return c->route_refresh; }
static int want_err(const struct bgp_caps *c) { return c->enhanced_refresh; }
static int want_gr(const struct bgp_caps *c) { return c->gr; }

static const struct {
	uint8_t code;
	const char *name;
	int (*dec)(struct bgp_caps *c, const uint8_t *v, uint8_t len);
	int (*want)(const struct bgp_caps *c);
	void (*enc)(struct buf *b, const struct bgp_caps *c);
} capa_tab[] = {
	{ BGP_CAP_ROUTE_REFRESH, "route refresh", dec_rr, want_rr, enc_rr },
	{ BGP_CAP_GR, "graceful restart", dec_gr, want_gr, enc_gr },
	{ BGP_CAP_ENHANCED_RR, "enhanced route refresh", dec_err, want_err, enc_err },
};

int bgp_capa_decode(struct bgp_caps *c, uint8_t code, const uint8_t *v, uint8_t len,
		    const char **name)
{
	for (size_t i = 0; i < sizeof(capa_tab) / sizeof(capa_tab[0]); i++) {
		if (capa_tab[i].code != code)
			continue;
		if (capa_tab[i].dec(c, v, len) == 0)
			return 1;
		*name = capa_tab[i].name;
		return -1;
	}
	return 0;
}

void bgp_capa_encode(struct buf *b, const struct bgp_caps *c)
{
	for (size_t i = 0; i < sizeof(capa_tab) / sizeof(capa_tab[0]); i++)
		if (capa_tab[i].want(c))
			capa_tab[i].enc(b, c);
}
