#!/usr/bin/env python3
"""Scores `anycast detect` on one iGreedy dataset (see run.sh). The dataset is converted to
our CSV input at run time in a temporary directory; nothing of it is kept.

score.py ANYCAST DATADIR NAME [--set K=V ...]  ->  one JSON line of figures."""
import json
import math
import os
import subprocess
import sys
import tempfile
import unicodedata

# A site is at the right city if it has the true city's name (as iGreedy scores) or lies within
# this distance of it (GeoNames and iGreedy's airport table spell some cities differently).
# A right city counts as 0 km of error: the airport of the ground truth is not the centre.
CITY_KM = 40.0


def dist(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def norm(name):
    """A city name for comparison: no accents, case or punctuation."""
    n = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in n.lower() if ch.isalpha())


def airports(path):
    codes = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) < 6:
                continue
            try:
                lat, lon = map(float, c[3].split())
            except ValueError:
                continue
            codes[c[0].lower()] = (lat, lon, c[5])
    return codes


def detect(anycast, rows, knobs):
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "in.csv")
        with open(p, "w") as f:
            f.write("vp,lat,lon,rtt_ms\n")
            for r in rows:
                f.write("%s,%s,%s,%s\n" % r[:4])
        cmd = [anycast, "detect", "--json", p]
        for k in knobs:
            cmd += ["--set", k]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main():
    anycast, data, name = sys.argv[1:4]
    knobs = [a for a in sys.argv[4:] if a != "--set"]
    ap = airports(os.path.join(data, "airports.csv"))
    rows, gt = [], {}
    gtfile = os.path.join(data, "measurement+gt", name)
    if os.path.exists(gtfile):
        for line in open(gtfile):
            if line.startswith("#") or not line.strip():
                continue
            h, lat, lon, g, rtt = line.split()
            rows.append((h, lat, lon, rtt))
            gt[h] = g.lower()
        published = None
    else:
        for line in open(os.path.join(data, "measurement-nogt", name)):
            if line.startswith("#") or not line.strip():
                continue
            h, lat, lon, rtt = line.split()
            rows.append((h, lat, lon, rtt))
        op = name.split("-")[0]
        published = [ap[c.strip().lower()] for c in open(os.path.join(
            data, "public-available-information", op)) if not c.startswith("#") and
            c.strip().lower() in ap]
    res = detect(anycast, rows, knobs)
    out = {"dataset": name, "vps": len(rows), "anycast": res["anycast"], "found": len(res["sites"])}
    errs = []
    if published is None:
        reached = set(gt.values())
        hit = set()
        for s in res["sites"]:
            g = gt.get(s["vp"])
            hit.add(g)
            if g in ap:
                e = dist((s["lat"], s["lon"]), ap[g][:2])
                errs.append(0.0 if norm(s["city"]) == norm(ap[g][2]) else e)
        out["reached"] = len(reached)
        out["true_sites"] = len(hit & reached)
        # the unicast control: the vantage points of the most visited site alone
        top = max(reached, key=lambda c: sum(1 for v in gt.values() if v == c))
        uni = detect(anycast, [r for r in rows if gt[r[0]] == top], knobs)
        out["unicast_ok"] = not uni["anycast"]
    else:
        out["reached"] = len(published)
        for s in res["sites"]:
            errs.append(min(0.0 if norm(s["city"]) == norm(p[2]) else
                            dist((s["lat"], s["lon"]), p[:2]) for p in published))
        out["true_sites"] = None
    out["recall"] = (out["true_sites"] if out["true_sites"] is not None else
                     min(out["found"], out["reached"])) / out["reached"]
    out["city_acc"] = sum(e <= CITY_KM for e in errs) / len(errs) if errs else 0
    out["mean_err_km"] = sum(errs) / len(errs) if errs else 0
    print(json.dumps(out))


main()
