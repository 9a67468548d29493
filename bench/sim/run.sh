#!/bin/sh
# bench/sim: anycast sim's speed on the CAIDA graph (load, one propagation, RSS, batch
# what-ifs on the loaded graph), and the anchor.
#
#   bench/sim/run.sh [AS-REL-FILE] [REPS]
#
# The anchor is BGPy (bgpy-pkg, Python, three-phase Gao-Rexford). It is a PyPI package and
# not in Debian or npm; PyPI is not reachable from this machine, so it cannot run here. The
# script says so and prints the issue's measured figure (4-6 s for one two-site propagation
# over the 78.6k-AS graph) as the reference, labelled "not run". When `python3 -c 'import
# bgpy'` works, a run of BGPy on the same graph would go where that line is.
set -eu
cd "$(dirname "$0")/../.."
# the data sits in ../shared beside the checkout (DEVELOPERS.md), wherever that is
GRAPH=${1:-../shared/data/20250901.as-rel2.txt.bz2}
REPS=${2:-1000}
SITES="ams=1299+3356+p6939 nyc=174+7018 sgp=4637+p6939"

make -s build/libanycast.a build/anycast
cc -std=c11 -D_GNU_SOURCE -O2 -g -Isrc -o build/bench_sim bench/sim/bench.c build/libanycast.a \
	-lyaml -lbz2 -lm
echo "graph $GRAPH"
echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
# the floor for loading: bzip2 itself decompressing the same file (CPU seconds)
/usr/bin/time -f "bzcat_cpu_s %U" bzcat "$GRAPH" >/dev/null
# one core, as the target says
taskset -c 0 build/bench_sim "$GRAPH" "$REPS" $SITES

# the whole command, as an operator runs it: wall time and peak RSS
/usr/bin/time -f "cli_wall_s %e\ncli_rss_peak_kb %M" taskset -c 0 build/anycast sim \
	--graph "$GRAPH" --site ams=1299+3356+p6939 --site nyc=174+7018 --site sgp=4637+p6939 \
	--json 2>&1 | sed 's/^{/cli_json {/'

if python3 -c 'import bgpy' 2>/dev/null; then
	echo "anchor bgpy: installed, but this script does not drive it yet"
else
	echo "anchor bgpy: NOT RUN (bgpy-pkg is on PyPI only, unreachable here); reference: 4-6 s per two-site propagation, measured in issue 12"
fi
