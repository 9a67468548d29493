/* anycastd.conf: the keywords of privileges and protection. At top level user, group,
 * check-user, control-group, control-readonly, pidfile and kernel-protocol; in a neighbor block
 * password (TCP-MD5), ttl-security (GTSM) and multihop; `user` on an exec check. Names of users
 * and groups are resolved while the file is read, so `anycastd -n` reports a typo at its line.
 * Their meaning is in anycastd.conf(5). */
#include "conf/conf.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "conf/conf_int.h"
#include "conf/lexer.h"
#include "kernel/kr.h" /* KR_RTPROT, the default of kernel-protocol */
#include "lib/log.h"

void conf_user_free(struct conf_user *u)
{
	free(u->name);
	memset(u, 0, sizeof(*u));
}

/* A user name or numeric uid; its primary group comes with it. */
static int resolve_user(struct conf_parser *p, const struct lex_tok *t, struct conf_user *u)
{
	char b[CONF_SHOW_LEN];
	struct passwd *pw = NULL;
	uint32_t id;

	if (t->len && conf_parse_u32(t->text, UINT32_MAX - 1, &id) == 0)
		pw = getpwuid((uid_t)id);
	else if (t->len)
		pw = getpwnam(t->text);
	if (!pw)
		return conf_terr(p, t, "unknown user '%s' (not in the password database)",
				 conf_show(t->text, b, sizeof(b)));
	conf_user_free(u);
	u->name = xstrdup(pw->pw_name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->set = 1;
	u->line = t->line;
	u->col = t->col;
	return 0;
}

static int resolve_group(struct conf_parser *p, const struct lex_tok *t, struct conf_user *g)
{
	char b[CONF_SHOW_LEN];
	struct group *gr = NULL;
	uint32_t id;

	if (t->len && conf_parse_u32(t->text, UINT32_MAX - 1, &id) == 0)
		gr = getgrgid((gid_t)id);
	else if (t->len)
		gr = getgrnam(t->text);
	if (!gr)
		return conf_terr(p, t, "unknown group '%s' (not in the group database)",
				 conf_show(t->text, b, sizeof(b)));
	conf_user_free(g);
	g->name = xstrdup(gr->gr_name);
	g->gid = gr->gr_gid;
	g->set = 1;
	g->line = t->line;
	g->col = t->col;
	return 0;
}

/* ---------- top level ---------- */

static int one_user(struct conf_parser *p, struct conf_user *u)
{
	if (conf_nargs(p, 1, 1, "user name") < 0)
		return -1;
	return resolve_user(p, &p->tok[1], u);
}

static int one_group(struct conf_parser *p, struct conf_user *g)
{
	if (conf_nargs(p, 1, 1, "group name") < 0)
		return -1;
	return resolve_group(p, &p->tok[1], g);
}

int conf_top_user(struct conf_parser *p, void *obj)
{
	return one_user(p, &((struct conf *)obj)->priv.user);
}

int conf_top_group(struct conf_parser *p, void *obj)
{
	return one_group(p, &((struct conf *)obj)->priv.group);
}

int conf_top_check_user(struct conf_parser *p, void *obj)
{
	return one_user(p, &((struct conf *)obj)->priv.check_user);
}

int conf_top_control_group(struct conf_parser *p, void *obj)
{
	return one_group(p, &((struct conf *)obj)->priv.control_group);
}

static int path_arg(struct conf_parser *p, size_t max, char **dst)
{
	const struct lex_tok *t = &p->tok[1];

	if (!t->len || t->len > max)
		return conf_terr(p, t, "%s path must be 1 to %zu bytes", p->tok[0].text, max);
	if (t->text[0] != '/')
		return conf_terr(p, t, "%s path must be absolute (the daemon runs in /)",
				 p->tok[0].text);
	free(*dst);
	*dst = xstrdup(t->text);
	return 0;
}

/* control-readonly PATH [group GROUP] */
int conf_top_control_ro(struct conf_parser *p, void *obj)
{
	struct conf_priv *v = &((struct conf *)obj)->priv;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 3, "socket path") < 0 ||
	    path_arg(p, sizeof(((struct sockaddr_un *)0)->sun_path) - 1, &v->control_ro) < 0)
		return -1;
	if (p->ntok == 2)
		return 0;
	if (p->ntok != 4 || strcmp(p->tok[2].text, "group") != 0)
		return conf_terr(p, &p->tok[2], "unexpected '%s' (expected: group GROUP)",
				 conf_show(p->tok[2].text, b, sizeof(b)));
	return resolve_group(p, &p->tok[3], &v->control_ro_group);
}

int conf_top_pidfile(struct conf_parser *p, void *obj)
{
	if (conf_nargs(p, 1, 1, "file path") < 0)
		return -1;
	return path_arg(p, 4095, &((struct conf *)obj)->priv.pidfile);
}

int conf_top_kernel_protocol(struct conf_parser *p, void *obj)
{
	const struct lex_tok *t = &p->tok[1];
	char b[CONF_SHOW_LEN];
	uint32_t v;

	if (conf_nargs(p, 1, 1, "protocol number") < 0)
		return -1;
	/* 0-4 are the kernel's own (unspec, redirect, kernel, boot, static). */
	if (conf_parse_u32(t->text, 255, &v) < 0 || v < 5)
		return conf_terr(p, t, "invalid kernel-protocol '%s' (expected 5..255)",
				 conf_show(t->text, b, sizeof(b)));
	((struct conf *)obj)->priv.kernel_protocol = (uint8_t)v;
	return 0;
}

/* ---------- neighbor ---------- */

int conf_nb_password(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	const struct lex_tok *t = &p->tok[1];

	if (conf_nargs(p, 1, 1, "password") < 0)
		return -1;
	if (!t->len || t->len > CONF_PASSWORD_MAX)
		return conf_terr(p, t, "password must be 1 to %d bytes (a TCP-MD5 key)",
				 CONF_PASSWORD_MAX);
	memcpy(n->password, t->text, t->len + 1);
	return 0;
}

int conf_nb_ttl_security(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf_neighbor *)obj)->ttl_security);
}

int conf_nb_multihop(struct conf_parser *p, void *obj)
{
	const struct lex_tok *t = &p->tok[1];
	char b[CONF_SHOW_LEN];
	uint32_t v;

	if (conf_nargs(p, 1, 1, "hop count") < 0)
		return -1;
	if (conf_parse_u32(t->text, 255, &v) < 0 || v == 0)
		return conf_terr(p, t, "invalid multihop '%s' (expected 1..255 hops)",
				 conf_show(t->text, b, sizeof(b)));
	((struct conf_neighbor *)obj)->multihop = (uint8_t)v;
	return 0;
}

/* ---------- exec checks ---------- */

int conf_check_user(struct conf_parser *p, const struct lex_tok *t, struct conf_check *k)
{
	if (k->kind != CHECK_EXEC)
		return conf_terr(p, t, "'user' is an option of exec checks only");
	return resolve_user(p, t, &k->run_as);
}

/* ---------- defaults and the file as a whole ---------- */

void conf_sec_defaults(struct conf *c) { c->priv.kernel_protocol = KR_RTPROT; }

static void user_copy(struct conf_user *dst, const struct conf_user *src)
{
	*dst = *src;
	dst->name = src->name ? xstrdup(src->name) : NULL;
}

int conf_sec_finish(struct conf_parser *p)
{
	struct conf *c = p->c;
	const struct conf_priv *v = &c->priv;

	if (v->group.set && !v->user.set)
		return conf_perr(p, v->group.line, v->group.col,
				 "'group' needs 'user' (the daemon stays root otherwise)");
	for (size_t i = 0; i < c->nservices; i++) {
		struct conf_service *s = &c->services[i];

		for (size_t j = 0; j < s->nchecks; j++) {
			struct conf_check *k = &s->checks[j];

			if (k->kind != CHECK_EXEC)
				continue;
			if (!k->run_as.set && v->check_user.set)
				user_copy(&k->run_as, &v->check_user);
			/* Once it runs as `user` the daemon keeps no CAP_SETUID: it cannot start a
			 * check as anyone else. */
			if (v->user.set && k->run_as.set && k->run_as.uid != v->user.uid)
				return conf_perr(p, k->line, k->col,
						 "exec check as user %s: anycastd runs as %s and "
						 "cannot switch to another user (leave the check's "
						 "user out, or set it to %s)",
						 k->run_as.name, v->user.name, v->user.name);
		}
	}
	return 0;
}

void conf_sec_free(struct conf *c)
{
	struct conf_priv *v = &c->priv;

	conf_user_free(&v->user);
	conf_user_free(&v->group);
	conf_user_free(&v->check_user);
	conf_user_free(&v->control_group);
	conf_user_free(&v->control_ro_group);
	free(v->control_ro);
	free(v->pidfile);
}
