#!/bin/bash
# anycastd on a site, BIRD 2 upstream (see lib_site.sh): a drain that waits for TCP
# connections (issue 16, drain-wait).
#   service dns: 192.0.2.0/24, address 192.0.2.1, check tcp 127.0.0.1:8053, drain-time 2s,
#                drain-wait 20s, drain-file $D/dns.drain
#   the service's TCP: a listener on port 5300 in A that holds every connection until the peer
#   closes it; a client in B (routed to 192.0.2.1 over the veth) holding 3 connections until
#   told to close them
# Asserts: show services counts the 3 connections (and the metric); on `anycast drain dns` the
# drain file appears, show services says closing, and BIRD keeps the plain route while they are
# open; once the client closes them, GSHUT (65535:0, AS path +3) reaches BIRD within 3 s and the
# route goes away about drain-time later; `anycast resume` removes the file and brings the
# plain route back; with connections that never close, the plain route stays for drain-wait and
# the shift starts at 20 s (18..30 s).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_site.sh"
require_root
require_cmd bird birdc
require_anycastd

DNS=192.0.2.0/24
NCONN=3

site_net
ip -n "$B" route add 192.0.2.1/32 via $SA_V4 || die "cannot route 192.0.2.1 in B"
bird_start 9
listener_start 8053
site_conf "$D/anycastd.conf" 9 "
service dns {
    prefix $DNS
    address 192.0.2.1
    check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2
    drain-time 2s
    drain-wait 20s
    drain-file $D/dns.drain
    flap-limit 0
}"
check "anycastd -n accepts the config" "$ANYCASTD" -n -c "$D/anycastd.conf"
anycastd_start
check_eventually 20 "BGP session Established at BIRD" bird_established
check_eventually 10 "BIRD has $DNS, AS path $SITE_AS, no 65535:0" bird_route_is $DNS 1 0

# the service: holds each connection until the peer closes it (at most 120 s)
spawn "$A" "$D/server.log" "$PY" -c '
import selectors, socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5300))
s.listen(64)
sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ)
end = time.monotonic() + 120
while time.monotonic() < end:
    for k, _ in sel.select(0.5):
        if k.fileobj is s:
            c, _ = s.accept()
            sel.register(c, selectors.EVENT_READ)
        else:
            if not k.fileobj.recv(4096):
                sel.unregister(k.fileobj)
                k.fileobj.close()
'
wait_until 5 listening "$A" tcp 5300 || die "the service listener did not come up"

# client_start STOPFILE: NCONN connections from B to 192.0.2.1:5300, held until STOPFILE
# exists (at most 60 s), then closed in an orderly way
client_start() {
	spawn "$B" "$D/client.log" "$PY" -c '
import os, socket, sys, time
cs = [socket.create_connection(("192.0.2.1", 5300), 5) for _ in range(int(sys.argv[2]))]
print("open", len(cs), flush=True)
end = time.monotonic() + 60
while not os.path.exists(sys.argv[1]) and time.monotonic() < end:
    time.sleep(0.05)
for c in cs:
    c.close()
print("closed", flush=True)
' "$1" $NCONN
	CLIENT_PID=$SPAWN_PID
}
svc_json() { ac show services --json; }
conns_are() { jcheck "$(svc_json)" "d[0]['connections'] == $1" "want connections $1"; }
phase_is() { jcheck "$(svc_json)" "d[0].get('drain_phase') == $1" "want drain_phase $1"; }
# ms_until T0_NS CMD...: waits (at most 40 s) until CMD succeeds; prints the ms since T0_NS
ms_until() {
	local t0=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) - t0)) -gt 40000000000 ] && break
		sleep 0.05
	done
	echo $((($(date +%s%N) - t0) / 1000000))
}

echo "== connections close during the drain"
check_eventually 5 "show services: connections 0 before the client" conns_are 0
client_start "$D/close1"
check_eventually 10 "show services: connections $NCONN" conns_are $NCONN
check "metric anycast_service_connections $NCONN" metric_is anycast_service_connections 'service="dns"' $NCONN
check "anycast drain dns exits 0" ac drain dns
check "the drain file exists" test -e "$D/dns.drain"
closing_n() { jcheck "$(svc_json)" "d[0]['state'] == 'draining' and d[0].get('drain_phase') == 'closing' and d[0]['connections'] == $1" "want draining, closing, $1 connections"; }
check "show services: draining, phase closing, connections $NCONN" closing_n $NCONN
ac show services | grep -q "drain: closing" && pass "text table says drain: closing" ||
	{ fail "text table says drain: closing"; ac show services; }
check_steady 2 "BIRD keeps the plain route while the connections are open" bird_route_is $DNS 1 0
t0=$(date +%s%N)
touch "$D/close1"
gshut_ms=$(ms_until "$t0" bird_route_is $DNS 4 1)
gone_ms=$(ms_until "$t0" bird_lacks $DNS)
log "connections closed at 0 ms; GSHUT at BIRD at $gshut_ms ms; withdrawn at $gone_ms ms"
check "GSHUT (65535:0, AS path 4) at BIRD within 3 s of the close ($gshut_ms ms)" test "$gshut_ms" -le 3000
# GSHUT was seen first (a poll of BIRD takes a while on a loaded machine: measured from the close)
check "withdrawn after GSHUT, about drain-time (2 s) after the close ($gone_ms ms, want 1500..12000)" \
	test "$gone_ms" -ge 1500 -a "$gone_ms" -le 12000 -a "$gone_ms" -gt "$gshut_ms"
check "show services: connections 0" conns_are 0
wait_exit "$CLIENT_PID" 10
check "anycast resume dns exits 0" ac resume dns
check "the drain file is gone" test ! -e "$D/dns.drain"
check_eventually 10 "after resume: the plain route at BIRD" bird_route_is $DNS 1 0
check "show services: up, no drain_phase" phase_is None

echo "== connections that never close: the shift starts at drain-wait (20 s)"
client_start "$D/close2"
check_eventually 10 "show services: connections $NCONN" conns_are $NCONN
t0=$(date +%s%N)
check "anycast drain dns exits 0" ac drain dns
check_steady 15 "BIRD keeps the plain route for 15 s" bird_route_is $DNS 1 0
check "still closing, $NCONN connections" closing_n $NCONN
gshut_ms=$(ms_until "$t0" bird_route_is $DNS 4 1)
log "GSHUT at BIRD $gshut_ms ms after the drain"
check "the shift started at drain-wait ($gshut_ms ms, want 18000..30000)" \
	test "$gshut_ms" -ge 18000 -a "$gshut_ms" -le 30000
check "show services: phase shifting" phase_is "'shifting'"
check_eventually 10 "then withdrawn" bird_lacks $DNS
touch "$D/close2"
wait_exit "$CLIENT_PID" 10
check "anycast resume dns exits 0" ac resume dns
check_eventually 10 "after resume: the plain route at BIRD" bird_route_is $DNS 1 0

[ "$T_FAILED" = 0 ] || show_site_logs
finish
