#!/bin/bash
# Secondary zones against Knot as the primary: the first AXFR, a change on the primary that
# reaches anycast-dns by NOTIFY + IXFR within 1 s, NOTIFY refused from anyone but the primary,
# the zone served while the primary is down, from the disk copy after a restart, then no more
# once the SOA expire has passed, and again once the primary is back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig knotd knotc
dns_setup
mkdir -p "$D/knot" "$D/zd"

EXPIRE=20
write_zone() { # SERIAL WWW-ADDRESS [EXTRA-LINE]
	cat >"$D/sec.zone" <<ZONE
\$ORIGIN sec.test.
\$TTL 300
@ IN SOA ns1 hostmaster $1 3600 1 $EXPIRE 60
@ NS ns1
ns1 A 192.0.2.53
www A $2
mx MX 10 mail
mail A 192.0.2.25
txt TXT "hello" "world"
_sip._udp SRV 0 5 5060 sip
sip AAAA 2001:db8::5
${3:-}
ZONE
}
write_zone 1 192.0.2.80

KPORT=$((20000 + RANDOM % 40000))
knot_conf() { # the port anycast-dns listens on, for NOTIFY
	cat >"$D/knot.conf" <<CONF
server:
    rundir: "$D/knot"
    listen: 127.0.0.1@$KPORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$D/knot"
log:
  - target: stderr
    any: info
remote:
  - id: anycast-dns
    address: 127.0.0.1@$1
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "$D"
    zonefile-sync: -1
    zonefile-load: difference
    journal-content: changes
zone:
  - domain: sec.test
    file: "sec.zone"
    notify: anycast-dns
    acl: xfr
CONF
}
knot_start() {
	knot_conf "$PORT"
	knotd -c "$D/knot.conf" >>"$D/knot.log" 2>&1 </dev/null &
	KNOT_PID=$!
	_PIDS+=("$KNOT_PID")
}
SEC=(--secondary "sec.test@127.0.0.1:$KPORT" --zone-dir "$D/zd")
q() { dig -p "$PORT" @127.0.0.1 +time=1 +tries=1 +norecurse "$@" 2>&1; }
www_is() { q www.sec.test A +short | grep -qx "$1"; }
status_is() { q "$2" A | grep -q "status: $1"; }

dns_start "${SEC[@]}"
knot_start
check_eventually 10 "AXFR from Knot: www.sec.test served" www_is 192.0.2.80
out=$(q _sip._udp.sec.test SRV)
check "SRV (a name in rdata) transferred" ok_all "$out" 'SRV[[:space:]]+0 5 5060 sip\.sec\.test\.$' "$AA"
check "the example zones are still served beside it" status_is NOERROR www.example.com
check "the copy is on disk" test -s "$D/zd/sec.test.zone"
check "the log names the AXFR" grep -q 'secondary sec.test.: serial 1 from .* by AXFR' "$D/dns.log"

# ---- a change on the primary: NOTIFY, then IXFR, within 1 s
write_zone 2 192.0.2.81 'new A 192.0.2.99'
t0=$(date +%s%N)
knotc -c "$D/knot.conf" zone-reload sec.test >/dev/null
new_there() { q new.sec.test A +short | grep -qx 192.0.2.99; }
wait_until 5 new_there
ms=$((($(date +%s%N) - t0) / 1000000))
log "the change was served after $ms ms"
check "NOTIFY + IXFR: the new record served within 1 s ($ms ms)" test "$ms" -lt 1000
check "NOTIFY + IXFR: the changed record too" www_is 192.0.2.81
check "the log names the IXFR" grep -q 'secondary sec.test.: serial 2 from .* by IXFR' "$D/dns.log"
check "the disk copy has serial 2" grep -q 'new.sec.test. 300 IN A' "$D/zd/sec.test.zone"

# ---- NOTIFY by hand
out=$(q +opcode=notify sec.test SOA)
check "NOTIFY from the primary's address: NOERROR, aa" ok_all "$out" 'opcode: NOTIFY, status: NOERROR' "$AA"
out=$(dig -p "$PORT" @::1 +time=1 +tries=1 +norecurse +opcode=notify sec.test SOA 2>&1)
check "NOTIFY from another address: REFUSED" ok_all "$out" 'opcode: NOTIFY, status: REFUSED'
out=$(q +opcode=notify example.com SOA)
check "NOTIFY for a zone we are not secondary for: REFUSED" ok_all "$out" 'status: REFUSED'

# ---- the primary down: still served, also after a restart (from disk)
stop_pid "$KNOT_PID"
check_steady 2 "primary stopped: the zone is still served" www_is 192.0.2.81
stop_pid "$DNS_PID"
dns_start "${SEC[@]}"
check "restarted while the primary is down: served from the disk copy" www_is 192.0.2.81
check "restarted: the log says so" grep -q "secondary sec.test.: serial 2 from $D/zd/sec.test.zone" "$D/dns.log"

# ---- past the expire: not served; the primary back: served again
check_eventually $((EXPIRE + 5)) "after the SOA expire ($EXPIRE s): not served (REFUSED)" \
	status_is REFUSED www.sec.test
check "the log says it expired" grep -q 'secondary sec.test.: expired' "$D/dns.log"
check "the other zones are still served" status_is NOERROR www.example.com
knot_start
check_eventually 10 "the primary back: served again" www_is 192.0.2.81
check "still running" alive "$DNS_PID"
stop_pid "$DNS_PID"
check "SIGTERM: a clean exit" test "$EXIT_STATUS" = 0
stop_pid "$KNOT_PID"
finish
