#!/bin/bash
# anycast-dns bound to the wildcard addresses (0.0.0.0 and ::) replies from the address each
# query was sent to, as the anycast service address on lo needs; dig and kdig drop a reply
# from any other source. Runs in a network namespace of its own (only lo), with the service
# address 192.0.2.1 and 2001:db8::1 on lo as a site has them, and with --coalesce on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_root
require_cmd dig kdig ip
dns_setup
ns_new d
N=$NS
addr "$N" lo 192.0.2.1/32
addr "$N" lo 2001:db8::1/128
PORT=5353
spawn "$N" "$D/dns.log" "$DNS_BIN" -d --listen 0.0.0.0:$PORT --listen "[::]:$PORT" "${ZONES[@]}" \
	--identity site-wild --threads 2 --coalesce 100
DNS_PID=$SPAWN_PID
up() { ip netns exec "$N" dig +time=1 +tries=1 -p $PORT @127.0.0.1 CH TXT id.server +short | grep -q site-wild; }
check_eventually 10 "anycast-dns answers in the namespace" up || finish

for a in 127.0.0.1 127.0.0.53 192.0.2.1 ::1 2001:db8::1; do
	for client in dig kdig; do
		for tr in udp tcp; do
			out=$(ip netns exec "$N" bash -c "$(declare -f dns_q); PORT=$PORT dns_q $client $tr $a www.example.com A +nsid")
			check "$client/$tr to $a: answered from $a" ok_all "$out" 'status: NOERROR' \
				'A[[:space:]]+192\.0\.2\.80' 'NSID.*site-wild'
		done
	done
done
check "the server is still running" alive "$DNS_PID"
finish
