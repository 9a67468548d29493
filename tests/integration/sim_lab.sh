#!/bin/bash
# anycast sim --topology against the lab: for examples/lab/seed.yaml and relations.yaml, the
# site the simulation predicts for every client is the site that answers it in the real lab
# (lab status: CH TXT id.server asked from the client's namespace). Then one site of the seed
# fails, in the lab and in the simulation (--fail), and they must agree again. `lab status`
# itself shows the prediction beside the measurement (predicted_site, the PREDICTED column).
# Each lab runs under its own name (simx1, simx2) so as not to collide with the lab tests.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
mk_tmpdir
T=$TMPD
LABS=""
# the labs come down first, then lib.sh's cleanup (temp dirs) runs
lab_down() {
	local l
	for l in $LABS; do "$ANYCAST" lab down "$l" >/dev/null 2>&1; done
	_cleanup
}
trap 'lab_down' EXIT

# compare NAME PRED STATUS: "ok" when every client's predicted site is the measured one,
# else the differences
compare() {
	$PY -c 'import json,sys
pred = {c["name"]: c["site"] for c in json.load(open(sys.argv[1]))["clients"]}
meas = {c["name"]: c.get("site") for c in json.load(open(sys.argv[2]))["clients"]}
bad = ["%s: predicted %s, measured %s" % (n, pred.get(n), meas.get(n))
       for n in sorted(set(pred) | set(meas)) if pred.get(n) != meas.get(n)]
print("ok" if not bad and pred else "; ".join(bad) or "no clients")' "$1" "$2"
}

# status_agrees STATUS: "ok" when lab status's own predicted_site equals the measured site of
# every client, else the differences
status_agrees() {
	$PY -c 'import json,sys
cl = json.load(open(sys.argv[1]))["clients"]
bad = ["%s: predicted %s, measured %s" % (c["name"], c.get("predicted_site"), c.get("site"))
       for c in cl if "predicted_site" not in c or c["predicted_site"] != c.get("site")]
print("ok" if not bad and cl else "; ".join(bad) or "no clients")' "$1"
}

# until_agree LAB PRED SECONDS: polls lab status until it matches the prediction
until_agree() {
	local lab=$1 pred=$2 end=$(($(date +%s) + $3)) r
	while :; do
		"$ANYCAST" lab status --json "$lab" >"$T/$lab.status.json" 2>/dev/null
		r=$(compare "$pred" "$T/$lab.status.json" 2>&1)
		[ "$r" = ok ] && { echo ok; return 0; }
		[ "$(date +%s)" -ge "$end" ] && { echo "$r"; return 1; }
		sleep 0.5
	done
}

n=0
for topo in seed relations; do
	n=$((n + 1))
	LAB=simx$n
	if [ -e /run/anycast/lab/$LAB ] || ip netns list | grep -q "^$LAB-"; then
		skip "a lab named $LAB is already up (anycast lab down $LAB)"
	fi
	sed "s/^name: .*/name: $LAB/" "$TOP/examples/lab/$topo.yaml" >"$T/$LAB.yaml"
	check "$topo: anycast sim --topology" sh -c "'$ANYCAST' sim --topology '$T/$LAB.yaml' --json >'$T/$LAB.pred.json'"
	LABS="$LABS $LAB"
	check "$topo: lab up as $LAB" "$ANYCAST" lab up "$T/$LAB.yaml"
	r=$(until_agree "$LAB" "$T/$LAB.pred.json" 20)
	check "$topo: every client's measured site is the predicted one ($r)" [ "$r" = ok ]
	r=$(status_agrees "$T/$LAB.status.json")
	check "$topo: lab status shows the same prediction beside the measurement ($r)" [ "$r" = ok ]
	"$ANYCAST" lab status "$LAB" >"$T/$LAB.status.txt" 2>&1
	check "$topo: lab status's table has a PREDICTED column and no difference mark" \
		sh -c "grep -q 'PREDICTED' '$T/$LAB.status.txt' && ! grep -q ' !\$' '$T/$LAB.status.txt'"
done

# a failed site: London in the seed (paris, berlin and mumbai move)
check "seed: anycast sim --fail lon" sh -c "'$ANYCAST' sim --topology '$T/simx1.yaml' --fail lon --json >'$T/fail.pred.json'"
check "seed: prediction moves paris off lon" sh -c "grep -q '\"paris\",\"site\":\"nyc\"' '$T/fail.pred.json'"
check "seed: lab fail lon --site" "$ANYCAST" lab fail --lab simx1 lon --site
r=$(until_agree simx1 "$T/fail.pred.json" 30)
check "seed with lon failed: measured equals predicted ($r)" [ "$r" = ok ]
r=$(status_agrees "$T/simx1.status.json")
check "seed with lon failed: lab status predicts with lon failed too ($r)" [ "$r" = ok ]

for l in $LABS; do
	check "lab down $l" "$ANYCAST" lab down "$l"
done
check "no namespace of the labs left" sh -c "! ip netns list | grep -q '^simx[12]-'"
LABS=""
finish
