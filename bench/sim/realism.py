#!/usr/bin/env python3
"""bench/sim realism: anycast sim against 28 measured two-site catchments (PEERING,
bgp-estimation; ../shared/data/peering, README there). For each usable experiment: the share of
scored ASes (a ping value and reached by the simulator) whose predicted site is the measured
one, the share of those that are ties, the agreement on untied ASes, and the baseline that
sends everyone to the site with more measured ASes. Sites: each mux a virtual site of origin
AS47065 (so AS47065 in the graph refuses the routes, as if deleted), its neighbours from
muxes.tsv: provider -> provider, peer -> peer, rs-member -> route-server member (rASN; a
peer in the pure model). The real model also reads the collector paths of single-site runs
(paths_<mux>.tsv only, never paths_both or the catchment).

usage: bench/sim/realism.py [--model pure|real] [--graph FILE] [--all] [--step NAME]
"""
import argparse, csv, os, subprocess, sys, tempfile

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
# the data sits in ../shared beside the checkout (DEVELOPERS.md), wherever that is
SHARED = os.path.join(TOP, "..", "shared", "data")
DATA = os.path.join(SHARED, "peering")
ANYCAST = os.path.join(TOP, "build", "anycast")


def muxes():
    up = {}
    for line in open(os.path.join(DATA, "muxes.tsv")):
        if line.startswith("#"):
            continue
        mux, asn, rel = line.rstrip("\n").split("\t")[:3]
        tag = {"provider": "", "peer": "p", "rs-member": "r"}.get(rel)
        if tag is not None:
            up.setdefault(mux, []).append(tag + asn)
    return up


def experiments():
    out = []
    for line in open(os.path.join(DATA, "experiments.tsv")):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        out.append({"id": int(f[0]), "dir": f[1], "mux1": f[2], "mux2": f[3], "usable": f[15]})
    return out


def single_site_paths(path_file):
    """Every single-site collector path of every experiment, origin part cut, one a line."""
    with open(path_file, "w") as out:
        for e in experiments():
            for mux in (e["mux1"], e["mux2"]):
                p = os.path.join(DATA, "exp", e["dir"], "paths_%s.tsv" % mux)
                if not os.path.exists(p):
                    continue
                for line in open(p):
                    if line.startswith("#"):
                        continue
                    asns = line.rstrip("\n").split("\t")[2].split(",")
                    if "47065" in asns:
                        asns = asns[:asns.index("47065")]
                    if len(asns) > 1:
                        out.write(" ".join(asns) + "\n")


def truth(e):
    t = {}
    for line in open(os.path.join(DATA, "exp", e["dir"], "catchment.tsv")):
        if line.startswith("#"):
            continue
        asn, ping = line.split("\t")[:2]
        if ping != "-":
            t[asn] = ping
    return t


def run(e, up, args, paths, tmp, flip=False):
    """flip: every tie-break reversed (highest neighbour ASN, the second site first), so that
    the ASes whose site changes are those a tie decided, here or upstream."""
    csvf = os.path.join(tmp, "per-as.csv")
    sites = [e["mux1"], e["mux2"]]
    if flip:
        sites.reverse()
    cmd = [ANYCAST, "sim", "--graph", args.graph, "--origin", "47065",
           "--site", "%s=%s" % (sites[0], "+".join(up[sites[0]])),
           "--site", "%s=%s" % (sites[1], "+".join(up[sites[1]])),
           "--per-as", csvf, "--json", "--model", "real" if flip else args.model]
    if args.model == "real" or flip:
        cmd += ["--paths", paths]
    env = dict(os.environ)
    if flip:
        env["ANYCAST_SIM_REAL_STEPS"] = "64"
    elif args.step:
        env["ANYCAST_SIM_REAL_STEPS"] = args.step
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    pred = {}
    with open(csvf) as f:
        for r in csv.DictReader(f):
            pred[r["asn"]] = (r["site"], r["tied"] == "1")
    return pred


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="pure")
    ap.add_argument("--graph", default=os.path.join(SHARED, "20250901.as-rel2.txt.bz2"))
    ap.add_argument("--all", action="store_true", help="weak experiments too")
    ap.add_argument("--step", default="", help="real-model steps (for the step table)")
    ap.add_argument("--tie-decided", action="store_true",
                    help="also the share of scored ASes that a tie decided (pure model only)")
    args = ap.parse_args()
    up = muxes()
    tmp = tempfile.mkdtemp(prefix="anycast-realism-")
    paths = os.path.join(tmp, "paths.txt")
    single_site_paths(paths)
    rows = []
    td = args.tie_decided and args.model == "pure"
    print("| exp | sites | scored | agree | ties | agree untied | bigger site | baseline |" +
          (" tie-decided |" if td else ""))
    print("| ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |" + (" ---: |" if td else ""))
    for e in experiments():
        if e["usable"] != "yes" and not (args.all and e["usable"] == "weak"):
            continue
        t = truth(e)
        pred = run(e, up, args, paths, tmp)
        scored = [a for a in t if a in pred and pred[a][0] not in ("-",)]
        n = len(scored)
        agree = sum(1 for a in scored if pred[a][0] == t[a])
        ties = [a for a in scored if pred[a][1]]
        untied = [a for a in scored if not pred[a][1]]
        agree_u = sum(1 for a in untied if pred[a][0] == t[a])
        c1 = sum(1 for a in t.values() if a == e["mux1"])
        big = e["mux1"] if c1 * 2 >= len(t) else e["mux2"]
        base = sum(1 for a in scored if t[a] == big)
        decided = 0.0
        if td:
            other = run(e, up, args, paths, tmp, flip=True)
            decided = sum(1 for a in scored if other.get(a, ("-",))[0] != pred[a][0]) / n
        r = (agree / n, len(ties) / n, agree_u / max(1, len(untied)), base / n, decided)
        rows.append(r)
        print("| %d | %s, %s | %d | %.3f | %.3f | %.3f | %s | %.3f |" %
              (e["id"], e["mux1"], e["mux2"], n, r[0], r[1], r[2], big, r[3]) +
              (" %.3f |" % r[4] if td else ""))
    m = [sum(x[i] for x in rows) / len(rows) for i in range(5)]
    print("| mean of %d | | | %.3f | %.3f | %.3f | | %.3f |" % (len(rows), m[0], m[1], m[2], m[3]) +
          (" %.3f |" % m[4] if td else ""))
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
