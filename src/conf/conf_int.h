/* Internals shared by the anycastd.conf parser files. conf_parse.c defines the statement layer
 * (errors, statements, dispatch, value parsers); conf.c, conf_service.c, conf_check.c and
 * conf_router.c the blocks and keywords. Not an API. */
#ifndef CONF_INT_H
#define CONF_INT_H

#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "conf/lexer.h"

struct conf_parser {
	const char *file; /* name used in messages */
	struct lex lx;
	struct conf *c;
	char *err;
	size_t errlen;
	int failed;
	/* The statement being parsed: its words and strings, and the token that ended it
	 * (a newline, '{', '}' or the end of the file). */
	struct lex_tok *tok;
	size_t ntok, captok;
	struct lex_tok term;
	uint8_t transit_set; /* 'transit' was given; else it follows 'fib' */
};

/* Router mode: LOCAL_PREF of routes by the neighbour's relation, unless configured. */
#define CONF_DEFAULT_LP_CUSTOMER 200
#define CONF_DEFAULT_LP_PEER 100
#define CONF_DEFAULT_LP_PROVIDER 50

/* Records the first error as "FILE:LINE:COL: message"; always returns -1. */
int conf_perr(struct conf_parser *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Same, at a token. */
int conf_terr(struct conf_parser *p, const struct lex_tok *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Copies s for a message: printable ASCII kept, the rest as \xHH, long text cut with "...". */
const char *conf_show(const char *s, char *buf, size_t len);
#define CONF_SHOW_LEN 64

/* Makes room for element n of an array that holds n: capacity is kept at the next power of
 * two, so the conf needs no capacity fields and appending stays linear. */
void *conf_grow(void *arr, size_t n, size_t size);

int conf_parse_u32(const char *s, uint32_t max, uint32_t *v);
/* "V4:PORT", "[V6]:PORT"; "V4" or "[V6]" alone only when defport != 0. IPv6 needs brackets. */
int conf_parse_hostport(const char *s, uint16_t defport, struct addr *a, uint16_t *port);

/* A keyword table per block. A handler sees the statement in p->tok. */
struct conf_kw {
	const char *name;
	int (*fn)(struct conf_parser *p, void *obj);
	int repeatable;
	int block; /* opens a block, so its statement ends with '{' */
};

/* Where each unique keyword of a table was first given (0 = not yet), for "given twice". */
struct conf_seen {
	int line[64];
};

/* Empties p's current statement. */
void conf_stmt_clear(struct conf_parser *p);
/* Reads words and strings up to the next newline, '{', '}' or end of file into p->tok. */
int conf_read_stmt(struct conf_parser *p);
/* Runs the handler of the statement in p->tok from tab: -1 on error, 1 if it was a block
 * (consumed up to its '}'), else 0. where ("at top level") and inblock/open_line shape the
 * messages. */
int conf_dispatch(struct conf_parser *p, const struct conf_kw *tab, size_t n,
		  struct conf_seen *seen, void *obj, const char *where, const char *inblock,
		  int open_line);
/* Checks that the statement has between min and max values after its keyword. */
int conf_nargs(struct conf_parser *p, size_t min, size_t max, const char *what);
/* After a block header: the '{' ends the statement, or comes alone on a following line. */
int conf_expect_lbrace(struct conf_parser *p, const char *what);
/* Runs the statements of a block until its '}'; open_line is the block keyword's line. */
int conf_parse_block(struct conf_parser *p, const struct conf_kw *tab, size_t n, void *obj,
		     const char *name, int open_line);
int conf_parse_addr_tok(struct conf_parser *p, const struct lex_tok *t, struct addr *a);
/* "KEYWORD yes|no" into *v. */
int conf_parse_yesno(struct conf_parser *p, uint8_t *v);
/* ADDR/LEN with no host bits set. */
int conf_parse_prefix_tok(struct conf_parser *p, const struct lex_tok *t, struct prefix *pf);

/* ---------- the blocks, above conf_parse.c ---------- */

/* A service block's handlers get this as obj. */
struct conf_svc_ctx {
	struct conf *c;
	struct conf_service *s;
	struct lex_tok address_at; /* position of the address value, for the final check */
};

/* "service NAME {...}" at top level; obj is the struct conf. */
int conf_parse_service(struct conf_parser *p, void *obj);
/* Parses "check KIND ..." (the statement in p) into a new check of s. */
int conf_parse_check(struct conf_parser *p, struct conf_service *s);
void conf_check_free(struct conf_check *k);
/* "A:B" or a well-known name; "A:B:C". 0 or -1. */
int conf_parse_comm(const char *s, uint32_t *comm);
int conf_parse_lcomm(const char *s, uint32_t v[3]);
/* conf_shed.c: `shed LEVEL ACTION` into s, and the shed-* keywords of a service block (obj
 * is its struct conf_svc_ctx). */
int conf_parse_shed(struct conf_parser *p, struct conf_service *s);
int conf_sv_shed_rise(struct conf_parser *p, void *obj);
int conf_sv_shed_fall(struct conf_parser *p, void *obj);
int conf_sv_shed_hysteresis(struct conf_parser *p, void *obj);
int conf_sv_shed_hold(struct conf_parser *p, void *obj);
void conf_shed_defaults(struct conf_service *s);
/* After the whole file: every withdraw-from names a configured neighbour. 0 or -1. */
int conf_shed_finish(struct conf_parser *p);

/* Top-level keywords; obj is the struct conf. */
int conf_top_transit(struct conf_parser *p, void *obj);
int conf_top_multipath(struct conf_parser *p, void *obj);
int conf_top_lp_customer(struct conf_parser *p, void *obj);
int conf_top_lp_peer(struct conf_parser *p, void *obj);
int conf_top_lp_provider(struct conf_parser *p, void *obj);
/* Neighbor block keywords; obj is the struct conf_neighbor. */
int conf_nb_max_prefix(struct conf_parser *p, void *obj);
int conf_nb_send_hold_time(struct conf_parser *p, void *obj);
int conf_nb_prepend(struct conf_parser *p, void *obj);
int conf_nb_local_pref(struct conf_parser *p, void *obj);
int conf_nb_import_prefix(struct conf_parser *p, void *obj);
int conf_nb_export_prefix(struct conf_parser *p, void *obj);
/* conf_gr.c: graceful-restart, graceful-restart-time */
int conf_nb_graceful_restart(struct conf_parser *p, void *obj);
int conf_nb_gr_time(struct conf_parser *p, void *obj);
/* conf_mp.c: "ADDR" or "ADDR%IFNAME" (IPv6 link-local only); ifname gets "" or the name. */
int conf_parse_scoped_addr_tok(struct conf_parser *p, const struct lex_tok *t, struct addr *a,
			       char ifname[16]);
/* An error at line:col when a is link-local without an interface. */
int conf_check_scope(struct conf_parser *p, int line, int col, const struct addr *a,
		     const char *ifname);
int conf_nb_family(struct conf_parser *p, void *obj);
int conf_nb_interface(struct conf_parser *p, void *obj);
int conf_nb_ext_nexthop(struct conf_parser *p, void *obj);
void conf_nb_mp_defaults(struct conf_neighbor *n);
int conf_top_gshut_lp(struct conf_parser *p, void *obj);
int conf_top_rfc8212(struct conf_parser *p, void *obj);
void conf_mp_defaults(struct conf *c);
/* After parsing: the default families of each neighbor. */
void conf_mp_finish(struct conf *c);
/* BFD in a neighbor block (conf_bfd.c); obj is the struct conf_neighbor. */
int conf_nb_bfd(struct conf_parser *p, void *obj);
int conf_nb_bfd_interval(struct conf_parser *p, void *obj);
int conf_nb_bfd_multiplier(struct conf_parser *p, void *obj);
void conf_bfd_defaults(struct conf_neighbor *n);
/* The router-mode defaults, set before parsing; the ones that depend on other keywords
 * (transit follows fib), resolved after. */
void conf_router_defaults(struct conf *c);
void conf_router_finish(struct conf_parser *p);
/* conf_sec.c: privileges, files, TCP-MD5, GTSM, TTL (anycastd.conf(5)). */
int conf_top_user(struct conf_parser *p, void *obj);
int conf_top_group(struct conf_parser *p, void *obj);
int conf_top_check_user(struct conf_parser *p, void *obj);
int conf_top_control_group(struct conf_parser *p, void *obj);
int conf_top_control_ro(struct conf_parser *p, void *obj);
int conf_top_pidfile(struct conf_parser *p, void *obj);
int conf_top_kernel_protocol(struct conf_parser *p, void *obj);
int conf_nb_password(struct conf_parser *p, void *obj);
int conf_nb_ttl_security(struct conf_parser *p, void *obj);
int conf_nb_multihop(struct conf_parser *p, void *obj);
/* `user NAME` of an exec check into k->run_as; t is the name's token. */
int conf_check_user(struct conf_parser *p, const struct lex_tok *t, struct conf_check *k);
void conf_sec_defaults(struct conf *c);
/* After the whole file: exec checks get check-user, and are refused a user the daemon could
 * not switch to once it has dropped root. Returns 0 or -1 (error recorded). */
int conf_sec_finish(struct conf_parser *p);
void conf_sec_free(struct conf *c);
void conf_user_free(struct conf_user *u);
/* conf_rpki.c: origin validation and hijack alarms (rpki, roa-file, monitor, watch at top
 * level; rov in a neighbor block), and the default of rov, resolved after parsing. */
int conf_top_rpki(struct conf_parser *p, void *obj);
int conf_top_roa_file(struct conf_parser *p, void *obj);
int conf_top_monitor(struct conf_parser *p, void *obj);
int conf_top_watch(struct conf_parser *p, void *obj);
int conf_nb_rov(struct conf_parser *p, void *obj);
void conf_rpki_finish(struct conf *c);
void conf_rpki_free(struct conf *c);
/* Frees what a neighbor owns (not the neighbor itself). */
void conf_neighbor_free(struct conf_neighbor *n);

#endif
