#!/bin/sh
# `make demo`: anycastd announces the anycast service prefix to BIRD, in two network namespaces.
#
#   [site: anycastd AS 65001] 198.18.0.1 ---veth--- 198.18.0.0 [upstream: BIRD AS 64500]
#                             2001:db8:ffff::1      2001:db8:ffff::2
#
# Configs: examples/demo-anycastd.conf, examples/demo-bird.conf. Needs root, `make` and bird2.
# Everything it starts it stops by PID, and it deletes its namespaces, also on failure or Ctrl-C.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
ANYCASTD=${ANYCASTD:-$TOP/build/anycastd}
ANYCAST=${ANYCAST:-$TOP/build/anycast}
SITE=acdemo$$site
UP=acdemo$$up
PIDS=()
NSS=()
D=""

if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B="" N=""; fi
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
say() { printf '    %s\n' "$*"; }
die() {
	printf '\ndemo: %s\n' "$*" >&2
	for f in "$D/anycastd.log" "$D/bird.log"; do
		[ -s "$f" ] && { echo "---- last lines of $(basename "$f")" >&2; tail -n 15 "$f" >&2; }
	done
	exit 1
}

cleanup() {
	local p ns
	trap - EXIT INT TERM HUP
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for _ in $(seq 20); do
		local left=0
		for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && left=1; done
		[ $left = 0 ] && break
		sleep 0.1
	done
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	[ -n "$D" ] && rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

[ "$(id -u)" = 0 ] || die "needs root (network namespaces): sudo make demo"
[ -x "$ANYCASTD" ] && [ -x "$ANYCAST" ] || die "build/anycastd or build/anycast missing: run make"
command -v bird >/dev/null && command -v birdc >/dev/null || die "BIRD 2 missing: apt-get install bird2"

# wait_until SECONDS CMD...
wait_until() {
	local end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge $end ] && return 1
		sleep 0.1
	done
}
anycast() { ip netns exec $SITE "$ANYCAST" -s "$D/anycastd.sock" "$@"; }
birdc_() { birdc -s "$D/bird.ctl" "$@" | sed '/^BIRD .* ready\.$/d'; }
established() { anycast show neighbors --json | grep -o '"state": *"[A-Za-z]*"' | grep -c Established | grep -qx 2; }
bird_has_route() { birdc_ show route "$1" | grep -q "$1"; }

step "1. Two network namespaces, one veth link"
D=$(mktemp -d /tmp/anycast-demo.XXXXXX) || die "mktemp failed"
chmod 755 "$D"
ip netns add $SITE && NSS+=($SITE) || die "cannot create namespace $SITE"
ip netns add $UP && NSS+=($UP) || die "cannot create namespace $UP"
ip link add eth0 netns $SITE type veth peer name eth0 netns $UP || die "cannot create the veth pair"
for ns in $SITE $UP; do
	ip -n $ns link set lo up
	ip -n $ns link set eth0 up
done
ip -n $SITE addr add 198.18.0.1/31 dev eth0
ip -n $UP addr add 198.18.0.0/31 dev eth0
ip -n $SITE -6 addr add 2001:db8:ffff::1/64 dev eth0 nodad
ip -n $UP -6 addr add 2001:db8:ffff::2/64 dev eth0 nodad
say "$SITE  (the anycast site)  eth0 198.18.0.1/31  2001:db8:ffff::1/64"
say "$UP    (its upstream)      eth0 198.18.0.0/31  2001:db8:ffff::2/64"

step "2. anycastd's config (examples/demo-anycastd.conf)"
sed "s|^control .*|control $D/anycastd.sock|" "$TOP/examples/demo-anycastd.conf" >"$D/anycastd.conf"
grep -v -e '^#' -e '^$' "$D/anycastd.conf" | sed 's/^/    /'
"$ANYCASTD" -n -c "$D/anycastd.conf" >/dev/null || die "anycastd -n rejects the config"

step "3. Start BIRD (AS 64500) and anycastd (AS 65001)"
ip netns exec $UP bird -f -c "$TOP/examples/demo-bird.conf" -s "$D/bird.ctl" >"$D/bird.log" 2>&1 &
PIDS+=($!)
say "bird      pid $!"
ip netns exec $SITE "$ANYCASTD" -d -c "$D/anycastd.conf" >"$D/anycastd.log" 2>&1 &
PIDS+=($!)
say "anycastd  pid $!"
printf '    waiting for both BGP sessions to be Established ...'
wait_until 30 established || die "the sessions did not come up within 30 s"
printf ' done\n'
wait_until 10 bird_has_route 192.0.2.0/24 || die "BIRD did not learn 192.0.2.0/24 within 10 s"
wait_until 10 bird_has_route 2001:db8:1::/48 || die "BIRD did not learn 2001:db8:1::/48 within 10 s"

step "4. anycast show neighbors"
anycast show neighbors | sed 's/^/    /'

step "5. anycast show services"
anycast show services | sed 's/^/    /'

step "6. BIRD's view: birdc show route all 192.0.2.0/24 (and 2001:db8:1::/48)"
birdc_ show route all 192.0.2.0/24 | sed 's/^/    /'
birdc_ show route all 2001:db8:1::/48 | sed '/^Table/d; s/^/    /'

step "7. Clean up"
cleanup
say "stopped anycastd and BIRD, deleted $SITE and $UP"
echo
echo "Demo done: BIRD learned 192.0.2.0/24 and 2001:db8:1::/48 from anycastd, AS path 65001."
