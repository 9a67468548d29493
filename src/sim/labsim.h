/* `anycast sim --topology`: a lab topology as a simulation, so that what the lab measures can
 * be checked against what the model predicts. Routers are ASes with the lab's relations,
 * sites seed the prefix, clients take their access router's choice. The tie-break is the
 * lab's own (src/bgp/decide.c after LOCAL_PREF and AS path length: the lowest BGP identifier
 * of the advertising neighbour, and lab router ids grow with the node's index). */
#ifndef SIM_LABSIM_H
#define SIM_LABSIM_H

#include <stddef.h>
#include <stdint.h>

#include "lab/topo.h"
#include "sim/prop.h"

/* A topology as graph and scenario; tie and site_tie are the tie keys for sim_prepare, and
 * client_node[c] the graph index of client c's access router (-1: not in the graph), with
 * clients in topology order. Free with sim_topo_free. */
struct sim_topo {
	struct sim_graph g;
	struct sim_scen scen;
	uint32_t *tie, *site_tie;
	size_t nclients;
	const char **client_name; /* borrowed from the topology */
	int64_t *client_node;
};

int sim_topo_build(const struct lab_topo *t, struct sim_topo *st, char *err, size_t errlen);
void sim_topo_free(struct sim_topo *st);

/* The predicted site of every client of t, with the named sites failed: client[i] is client
 * i's name and site[i] its site's name or NULL when unreached, both borrowed from t;
 * delay_us[i] the one-way delay along the predicted path (the access link included), so that
 * a caller knows how long an answer should take; router[i] the client's access router (where
 * an unreached client's route stops), or NULL. */
struct sim_lab_pred {
	size_t n;
	const char **client, **site, **router;
	uint32_t *delay_us;
};
int sim_predict_topology(const struct lab_topo *t, const char *const *failed, size_t nfailed,
			 struct sim_lab_pred *out, char *err, size_t errlen);
/* A hijack in force in the lab (`lab hijack`): a router of AS asn originates the anycast prefix
 * (len 0) or a more-specific of length len; with rov, every router drops its route as
 * invalid. The clients it takes are predicted as label (borrowed), the identity its DNS
 * answers with. */
struct sim_lab_hijack {
	uint32_t asn;
	unsigned len;
	int rov;
	const char *label;
};
/* The same with a hijack (NULL: none). */
int sim_predict_topology_hijack(const struct lab_topo *t, const char *const *failed, size_t nfailed,
				const struct sim_lab_hijack *hj, struct sim_lab_pred *out,
				char *err, size_t errlen);
void sim_lab_pred_free(struct sim_lab_pred *p);

#endif
