#!/bin/sh
# Validation of `anycast detect` on the iGreedy datasets (../shared/data/igreedy: no licence,
# read at run time, never copied): per dataset, anycast detected, sites found against the
# distinct sites the vantage points reached (recall), city-level accuracy (the site within
# 40 km of the true one) and mean error, and a unicast control (the vantage points of one site
# alone must say unicast). Prints a Markdown table; the last line is the mean.
#
#   sh bench/detect/run.sh [DATADIR] [--set K=V ...]
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${1:-$root/../shared/data/igreedy}
[ $# -gt 0 ] && shift
[ -x "$root/build/anycast" ] || make -C "$root" build/anycast >/dev/null
sets="f-ripe i-ripe k-ripe l-ripe f-planetlab i-planetlab k-planetlab l-planetlab
cloudflare-planetlab edgecast-planetlab cloudflare-ripe edgecast-ripe"
echo "| dataset | VPs | anycast | unicast control | sites found | reached | true sites | recall | city acc. | mean error km |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for s in $sets; do
	python3 "$here/score.py" "$root/build/anycast" "$data" "$s" "$@"
done | python3 -c '
import json, sys
R = [json.loads(l) for l in sys.stdin]
for r in R:
    t = "-" if r["true_sites"] is None else r["true_sites"]
    u = "-" if "unicast_ok" not in r else ("unicast" if r["unicast_ok"] else "ANYCAST")
    pub = " (published)" if r["true_sites"] is None else ""
    print("| %s | %d | %s | %s | %d | %d%s | %s | %.0f%% | %.0f%% | %.0f |" % (r["dataset"], r["vps"],
          "yes" if r["anycast"] else "NO", u, r["found"], r["reached"], pub, t, 100 * r["recall"],
          100 * r["city_acc"], r["mean_err_km"]))
def mean(rows, label):
    n = len(rows)
    print("| %s | | %d/%d | | | | | %.0f%% | %.0f%% | %.0f |" % (label, sum(r["anycast"] for r in rows),
          n, 100 * sum(r["recall"] for r in rows) / n, 100 * sum(r["city_acc"] for r in rows) / n,
          sum(r["mean_err_km"] for r in rows) / n))
mean([r for r in R if r["true_sites"] is not None], "mean (ground truth)")
mean(R, "mean (all)")
'
