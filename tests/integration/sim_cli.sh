#!/bin/bash
# anycast sim from the command line on a small synthetic graph (no root, no network): the
# table, --json, --per-as, --weights, --scenario, a bz2 graph, and FILE:LINE errors.
#
#   1 -- 2 (peers); 1 > 3, 2 > 4 (providers of); 3 > 5, 4 > 6; site a behind 3, b behind 4
. "$(dirname "$0")/lib.sh"
[ -x "$ANYCAST" ] || skip "build/anycast not built"
require_cmd bzip2
mk_tmpdir
T=$TMPD
printf '# synthetic\n1|2|0|bgp\n1|3|-1|bgp\n2|4|-1|bgp\n3|5|-1|bgp\n4|6|-1|bgp\n' >"$T/g.txt"
bzip2 -k "$T/g.txt"

"$ANYCAST" sim --graph "$T/g.txt" --site a=3 --site b=4 --json >"$T/out.json" 2>"$T/err"
check "json: 6 ASes, 3 each, no ties" $PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert d["ases"] == 6 and d["unreached"] == 0 and d["ties"] == 0, d
s = {x["name"]: (x["ases"], x["share"]) for x in d["sites"]}
assert s == {"a": (3, 0.5), "b": (3, 0.5)}, s
assert d["seconds"] >= 0' "$T/out.json"
check "the bz2 graph gives the same answer" sh -c "'$ANYCAST' sim --graph '$T/g.txt.bz2' --site a=3 --site b=4 --json | sed 's/\"seconds\":[0-9.e-]*//' >'$T/bz.json' && sed 's/\"seconds\":[0-9.e-]*//' '$T/out.json' | cmp - '$T/bz.json'"

"$ANYCAST" sim --graph "$T/g.txt" --site a=3 --site b=4/1 --per-as "$T/per.csv" >"$T/table" 2>&1
check "per-as: header and one line per AS" [ "$(wc -l <"$T/per.csv")" = 7 ]
check "per-as: 2 keeps its customer's b (3 hops with the prepend) over its peer's a" \
	grep -qx '2,b,3,0' "$T/per.csv"
check "per-as: 1 keeps its customer's a" grep -qx '1,a,2,0' "$T/per.csv"
check "per-as: 6 under b counts the prepend" grep -qx '6,b,3,0' "$T/per.csv"
check "table names the sites" grep -q '^a ' "$T/table"

printf 'asn,weight\n5,10\n6,30\n' >"$T/w.csv"
"$ANYCAST" sim --graph "$T/g.txt" --site a=3 --site b=4 --weights "$T/w.csv" --json >"$T/w.json"
check "weights count traffic, not ASes" $PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x["ases"] for x in d["sites"]}
assert d["ases"] == 40 and s == {"a": 10, "b": 30}, d' "$T/w.json"

printf 'sites:\n  a: {providers: [3]}\n  b: {peers: [2]}\nfail: [b]\n' >"$T/s.yaml"
"$ANYCAST" sim --graph "$T/g.txt" --scenario "$T/s.yaml" --json >"$T/s.json"
check "scenario: b failed, a everywhere it reaches" $PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x["ases"] for x in d["sites"]}
assert s == {"a": 6, "b": 0}, d' "$T/s.json"

"$ANYCAST" sim --graph "$T/g.txt" --site a=3 --site b=4 --hijack 6 --rov all --json >"$T/h.json"
check "hijack with ROV everywhere: only the hijacker itself" $PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x["ases"] for x in d["sites"]}
assert s["hijacker"] == 1, d' "$T/h.json"

printf '1|2|0\n1|x|-1\n' >"$T/bad.txt"
out=$("$ANYCAST" sim --graph "$T/bad.txt" --site a=1 2>&1); rc=$?
check "malformed line: FILE:LINE: message, exit 1 ($out)" sh -c "[ $rc = 1 ] && echo '$out' | grep -q '$T/bad.txt:2: '"
out=$("$ANYCAST" sim --graph "$T/g.txt" --site a=99 2>&1); rc=$?
check "a site with no upstream in the graph: exit 1 ($out)" [ $rc = 1 ]
out=$("$ANYCAST" sim --graph "$T/g.txt" --site a=3+99 --json 2>&1 >/dev/null); rc=$?
check "an upstream missing from the graph is a warning ($out)" sh -c "[ $rc = 0 ] && echo '$out' | grep -q warning"
"$ANYCAST" sim --graph "$T/g.txt" --bogus >/dev/null 2>&1
check "unknown option: exit 2" [ $? = 2 ]
"$ANYCAST" sim --site a=3 >/dev/null 2>&1
check "no graph and no topology: exit 2" [ $? = 2 ]
finish
