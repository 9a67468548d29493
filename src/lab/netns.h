/* Named network namespaces, as ip(8) keeps them (a bind mount in /run/netns), handled without
 * running ip: the lab lists, tests and deletes many of them, and enters them from inside its
 * own process to open sockets there. The bottom of the lab: it knows nothing of labs but the
 * namespace naming. */
#ifndef LAB_NETNS_H
#define LAB_NETNS_H

#include <stddef.h>

/* Namespace of a node: "NAME-NODE" (e.g. "seed-lon"). */
void lab_ns_name(const char *lab, const char *node, char *out, size_t len);
int lab_netns_exists(const char *ns);
/* Deletes a named namespace as ip(8) does (detach the bind mount, remove the file). */
void lab_netns_del(const char *ns);
/* Names in /run/netns starting with prefix; *out is malloc'ed, each name too. */
size_t lab_netns_list(const char *prefix, char ***out);
/* Runs fn(arg) inside namespace ns and comes back to ours; fn explains a failure in err.
 * Sockets fn opens stay in ns. */
int lab_in_netns(const char *ns, int (*fn)(void *arg, char *err, size_t errlen), void *arg,
		 char *err, size_t errlen);

#endif
