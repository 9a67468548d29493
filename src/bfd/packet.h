/* The BFD Control packet (RFC 5880 section 4.1): its fields, its codec, and the checks of
 * section 6.8.6 that the packet alone can make.
 *
 * Why a file of its own: the codec is the one part of BFD that reads the network, so it is
 * fuzzed alone (tests/fuzz/fuzz_bfd.c), and the session FSM (session.h) and the socket layer
 * see only packets that passed it. Every rejection has a named reason for the drop counters.
 * Authentication (section 6.7) is not supported: a packet with the A bit is rejected. */
#ifndef BFD_PACKET_H
#define BFD_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define BFD_VERSION 1
#define BFD_PKT_LEN 24 /* the mandatory section; all we send */

/* Session states, as on the wire (section 4.1). */
enum bfd_state {
	BFD_ADMIN_DOWN = 0,
	BFD_DOWN = 1,
	BFD_INIT = 2,
	BFD_UP = 3,
};

/* Diagnostic codes (section 4.1): why the sender last left Up. */
enum bfd_diag {
	BFD_DIAG_NONE = 0,
	BFD_DIAG_TIME_EXPIRED = 1,
	BFD_DIAG_ECHO_FAILED = 2,
	BFD_DIAG_NEIGHBOR_DOWN = 3,
	BFD_DIAG_FWD_RESET = 4,
	BFD_DIAG_PATH_DOWN = 5,
	BFD_DIAG_CONCAT_DOWN = 6,
	BFD_DIAG_ADMIN_DOWN = 7,
	BFD_DIAG_REV_CONCAT_DOWN = 8,
};

/* Flags of the second byte, as on the wire. */
#define BFD_F_POLL 0x20
#define BFD_F_FINAL 0x10
#define BFD_F_CPI 0x08 /* control plane independent */
#define BFD_F_AUTH 0x04
#define BFD_F_DEMAND 0x02
#define BFD_F_MULTIPOINT 0x01

/* A decoded Control packet; intervals in microseconds as on the wire. */
struct bfd_pkt {
	enum bfd_diag diag;
	enum bfd_state state;
	uint8_t flags; /* BFD_F_* */
	uint8_t mult;  /* detect multiplier */
	uint32_t my_disc, your_disc;
	uint32_t min_tx_us, min_rx_us, min_echo_rx_us;
};

/* Why a packet was dropped (section 6.8.6 in its order); BFD_OK when it was not. */
enum bfd_err {
	BFD_OK,
	BFD_ERR_SHORT,      /* fewer bytes than a Control packet */
	BFD_ERR_VERSION,    /* not version 1 */
	BFD_ERR_LENGTH,     /* Length below the minimum, or beyond the bytes received */
	BFD_ERR_MULT,       /* detect multiplier 0 */
	BFD_ERR_MULTIPOINT, /* M bit set */
	BFD_ERR_MY_DISC,    /* my discriminator 0 */
	BFD_ERR_YOUR_DISC,  /* your discriminator 0 outside Down and AdminDown */
	BFD_ERR_AUTH,       /* A bit set: no authentication is configured */
	BFD_ERR_DISC,       /* your discriminator names no session of ours (the session's check) */
	BFD_ERR_COUNT,
};

/* "up", "down", ... (lower case, as in `show neighbors` and JSON). */
const char *bfd_state_name(enum bfd_state s);
/* "control detection time expired", ...; "unknown" outside the RFC's table. */
const char *bfd_diag_name(enum bfd_diag d);
/* "bad version", ...: the counter's label. */
const char *bfd_err_name(enum bfd_err e);

/* Writes the 24 bytes of p (version 1, Length 24, A bit cleared) into out; returns 24. */
size_t bfd_pkt_encode(const struct bfd_pkt *p, uint8_t out[BFD_PKT_LEN]);
/* Decodes len received bytes into p; BFD_OK, or why the packet is to be dropped (p is then
 * partly filled and not to be used). */
enum bfd_err bfd_pkt_decode(const uint8_t *data, size_t len, struct bfd_pkt *p);

#endif
