#!/bin/bash
# `check process PIDFILE` on a site, BIRD 2 upstream (lib_site.sh): the service's process is
# watched through a pidfd, so its death withdraws the route at BIRD in milliseconds, not at the
# next poll (the check's interval is 5 s here, so a polled check would take 5 s or more).
#   service dns: 192.0.2.0/24, check process $D/dns.pid interval 5s fast-interval 100ms rise 1
# Asserts: up while the process lives; killed (SIGKILL) -> BIRD lacks the route in under 1 s
# (the figure printed); a new process in the pid file -> announced again within the interval.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_site.sh"
require_root
require_cmd bird birdc
require_anycastd

DNS=192.0.2.0/24
LIMIT_MS=1000

# proc_start: a stand-in service process, its PID in $D/dns.pid; sets PROC_PID
proc_start() {
	spawn "$A" /dev/null sleep 600
	PROC_PID=$SPAWN_PID
	echo "$PROC_PID" >"$D/dns.pid"
}

site_net
bird_start 9
proc_start
site_conf "$D/anycastd.conf" 9 "
service dns {
    prefix $DNS
    check process $D/dns.pid interval 5s fast-interval 100ms rise 1 fall 2
}"
check "anycastd -n accepts check process" "$ANYCASTD" -n -c "$D/anycastd.conf"
anycastd_start
check_eventually 20 "BGP session Established at BIRD" bird_established
check_eventually 10 "BIRD has $DNS while the process lives" bird_has $DNS

echo "== the process is killed"
t0=$(date +%s%N)
kill -KILL "$PROC_PID"
ms=$(ms_to_withdraw "$DNS" "$t0")
check "BIRD lacks $DNS $ms ms after the kill (< $LIMIT_MS; the check's interval is 5 s)" test "$ms" -lt $LIMIT_MS
wait_exit "$PROC_PID" 2
J=$(ac show services --json)
check "show services: the process check says the process exited" jcheck "$J" \
	"[c for s in d for c in s['checks'] if c['kind']=='process' and not c['ok']]"
check "log: check process down: process $PROC_PID exited" grep -q "check process .*: down: process $PROC_PID exited" "$D/anycastd.log"

echo "== a new process in the pid file"
proc_start
check_eventually 8 "BIRD has $DNS again (the pid file re-read on the interval)" bird_has $DNS
finish
