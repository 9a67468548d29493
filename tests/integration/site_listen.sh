#!/bin/bash
# `check listen ADDR:PORT[/tcp|udp]` on a site, BIRD 2 upstream (lib_site.sh): the kernel is
# asked (NETLINK_SOCK_DIAG) whether a socket listens, nothing connects to the service.
#   service dns: 192.0.2.0/24, check listen 127.0.0.1:8053 every 100 ms (TCP)
#   service udp: 203.0.113.0/24, check listen 127.0.0.1:5353/udp every 100 ms
#   service web: 198.51.100.0/24, check process (the listener's PID) and check listen
#                127.0.0.1:8080, both every 5 s
# Asserts: each announced while its socket is there; the TCP listener killed -> BIRD lacks dns;
# the UDP socket closed -> BIRD lacks udp; web's listener killed -> its listen check fails at
# once with the process check (well before its 5 s interval) and BIRD lacks web in under 1 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_site.sh"
require_root
require_cmd bird birdc
require_anycastd

DNS=192.0.2.0/24
UDP=203.0.113.0/24
WEB=198.51.100.0/24

udp_start() {
	spawn "$A" "$D/udp.log" "$PY" -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5353))
time.sleep(300)'
	UDP_PID=$SPAWN_PID
}
listen_ok() {
	jcheck "$(ac show services --json)" \
		"[c['ok'] for s in d if s['name']=='$1' for c in s['checks'] if c['kind']=='listen'] == [$2]"
}

site_net
bird_start 9
listener_start 8053
DNS_PID=$LISTEN_PID
listener_start 8080
WEB_PID=$LISTEN_PID
echo "$WEB_PID" >"$D/web.pid"
udp_start
site_conf "$D/anycastd.conf" 9 "
service dns {
    prefix $DNS
    check listen 127.0.0.1:8053 interval 100ms rise 1 fall 1
}
service udp {
    prefix $UDP
    check listen 127.0.0.1:5353/udp interval 100ms rise 1 fall 1
}
service web {
    prefix $WEB
    check process $D/web.pid interval 5s fast-interval 100ms rise 1 fall 1
    check listen 127.0.0.1:8080/tcp interval 5s fast-interval 100ms rise 1 fall 1
}"
check "anycastd -n accepts check listen" "$ANYCASTD" -n -c "$D/anycastd.conf"
anycastd_start
check_eventually 20 "BGP session Established at BIRD" bird_established
check_eventually 10 "BIRD has $DNS (TCP listener on 8053)" bird_has $DNS
check_eventually 10 "BIRD has $UDP (UDP socket on 5353)" bird_has $UDP
check_eventually 10 "BIRD has $WEB (process and listener on 8080)" bird_has $WEB

echo "== the TCP listener dies"
listener_stop "$DNS_PID"
check_eventually 5 "BIRD lacks $DNS" bird_lacks $DNS
check "dns's listen check is down" listen_ok dns False
check "BIRD still has $WEB" bird_has $WEB

echo "== the UDP socket closes"
stop_pid "$UDP_PID" KILL 2
check_eventually 5 "BIRD lacks $UDP" bird_lacks $UDP

echo "== web's process (the listener) is killed: both checks at once"
t0=$(date +%s%N)
kill -KILL "$WEB_PID"
ms=$(ms_to_withdraw "$WEB" "$t0")
check "BIRD lacks $WEB $ms ms after the kill (< 1000)" test "$ms" -lt 1000
check "web's listen check already down (its interval is 5 s)" listen_ok web False
check "log: web's listen check down: nothing listens" grep -q "check listen .*: down: nothing listens" "$D/anycastd.log"

echo "== the TCP listener is back"
listener_start 8053
check_eventually 5 "BIRD has $DNS again" bird_has $DNS
finish
