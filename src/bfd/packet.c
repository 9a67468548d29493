/* The BFD Control packet codec: RFC 5880 sections 4.1 and 6.8.6. */
#include "bfd/packet.h"

static const char *const state_names[] = {
	[BFD_ADMIN_DOWN] = "admin-down",
	[BFD_DOWN] = "down",
	[BFD_INIT] = "init",
	[BFD_UP] = "up",
};

static const char *const diag_names[] = {
	[BFD_DIAG_NONE] = "no diagnostic",
	[BFD_DIAG_TIME_EXPIRED] = "control detection time expired",
	[BFD_DIAG_ECHO_FAILED] = "echo function failed",
	[BFD_DIAG_NEIGHBOR_DOWN] = "neighbor signaled session down",
	[BFD_DIAG_FWD_RESET] = "forwarding plane reset",
	[BFD_DIAG_PATH_DOWN] = "path down",
	[BFD_DIAG_CONCAT_DOWN] = "concatenated path down",
	[BFD_DIAG_ADMIN_DOWN] = "administratively down",
	[BFD_DIAG_REV_CONCAT_DOWN] = "reverse concatenated path down",
};

static const char *const err_names[BFD_ERR_COUNT] = {
	[BFD_OK] = "ok",
	[BFD_ERR_SHORT] = "short packet",
	[BFD_ERR_VERSION] = "bad version",
	[BFD_ERR_LENGTH] = "bad length",
	[BFD_ERR_MULT] = "zero detect multiplier",
	[BFD_ERR_MULTIPOINT] = "multipoint bit set",
	[BFD_ERR_MY_DISC] = "zero my discriminator",
	[BFD_ERR_YOUR_DISC] = "zero your discriminator",
	[BFD_ERR_AUTH] = "authentication not supported",
	[BFD_ERR_DISC] = "unknown discriminator",
};

const char *bfd_state_name(enum bfd_state s)
{
	return (unsigned)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "?";
}

const char *bfd_diag_name(enum bfd_diag d)
{
	return (unsigned)d < sizeof(diag_names) / sizeof(diag_names[0]) ? diag_names[d] : "unknown";
}

const char *bfd_err_name(enum bfd_err e)
{
	return (unsigned)e < BFD_ERR_COUNT ? err_names[e] : "?";
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t bfd_pkt_encode(const struct bfd_pkt *p, uint8_t out[BFD_PKT_LEN])
{
	out[0] = (uint8_t)(BFD_VERSION << 5 | (p->diag & 0x1f));
	out[1] = (uint8_t)((p->state & 3) << 6 | (p->flags & 0x3f & ~BFD_F_AUTH));
	out[2] = p->mult;
	out[3] = BFD_PKT_LEN;
	put32(out + 4, p->my_disc);
	put32(out + 8, p->your_disc);
	put32(out + 12, p->min_tx_us);
	put32(out + 16, p->min_rx_us);
	put32(out + 20, p->min_echo_rx_us);
	return BFD_PKT_LEN;
}

enum bfd_err bfd_pkt_decode(const uint8_t *d, size_t len, struct bfd_pkt *p)
{
	if (len < BFD_PKT_LEN)
		return BFD_ERR_SHORT;
	if (d[0] >> 5 != BFD_VERSION)
		return BFD_ERR_VERSION;
	p->diag = (enum bfd_diag)(d[0] & 0x1f);
	p->state = (enum bfd_state)(d[1] >> 6);
	p->flags = d[1] & 0x3f;
	p->mult = d[2];
	/* With the A bit the minimum is 26 (an authentication section's type and length). A
	 * longer packet without it is taken: the RFC sets only the minimum. */
	if (d[3] < ((p->flags & BFD_F_AUTH) ? BFD_PKT_LEN + 2 : BFD_PKT_LEN) || d[3] > len)
		return BFD_ERR_LENGTH;
	if (p->mult == 0)
		return BFD_ERR_MULT;
	if (p->flags & BFD_F_MULTIPOINT)
		return BFD_ERR_MULTIPOINT;
	p->my_disc = get32(d + 4);
	p->your_disc = get32(d + 8);
	p->min_tx_us = get32(d + 12);
	p->min_rx_us = get32(d + 16);
	p->min_echo_rx_us = get32(d + 20);
	if (p->my_disc == 0)
		return BFD_ERR_MY_DISC;
	if (p->your_disc == 0 && p->state != BFD_DOWN && p->state != BFD_ADMIN_DOWN)
		return BFD_ERR_YOUR_DISC;
	if (p->flags & BFD_F_AUTH)
		return BFD_ERR_AUTH;
	return BFD_OK;
}
