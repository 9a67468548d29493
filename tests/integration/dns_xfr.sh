#!/bin/bash
# Secondary zones against Knot as the primary: the first AXFR, a change on the primary that
# reaches anycast-dns by NOTIFY + IXFR within 1 s, NOTIFY refused from anyone but the primary,
# the zone served while the primary is down, from the disk copy after a restart, then no more
# once the SOA expire has passed, and again once the primary is back. NSD and a second Knot run
# as secondaries of the same primary beside us: before the first transfer and after the
# expire, all three answer SERVFAIL (RFC 1035/1996 practice; REFUSED would say "not
# authoritative here"), and our reply equals NSD's, Extended DNS Error included.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig kdig knotd knotc nsd
dns_setup
mkdir -p "$D/knot" "$D/zd" "$D/k2" "$D/nsd"

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
K2PORT=$((KPORT + 1)) # the second Knot, a secondary
NSPORT=$((KPORT + 2)) # NSD, a secondary
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
  - id: knot2
    address: 127.0.0.1@$K2PORT
  - id: nsd
    address: 127.0.0.1@$NSPORT
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
    notify: [anycast-dns, knot2, nsd]
    acl: xfr
CONF
}
# the other secondaries, told of changes by the same NOTIFYs
cat >"$D/k2.conf" <<CONF
server:
    rundir: "$D/k2"
    listen: 127.0.0.1@$K2PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$D/k2"
remote:
  - id: primary
    address: 127.0.0.1@$KPORT
acl:
  - id: notify
    address: 127.0.0.1
    action: notify
template:
  - id: default
    storage: "$D/k2"
zone:
  - domain: sec.test
    master: primary
    acl: notify
CONF
cat >"$D/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$NSPORT
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$D/nsd"
    zonelistfile: "$D/nsd/zone.list"
    database: ""
    xfrdfile: "$D/nsd/xfrd.state"
    pidfile: "$D/nsd/nsd.pid"
    logfile: "$D/nsd/nsd.log"
remote-control:
    control-enable: no
zone:
    name: sec.test
    zonefile: "$D/nsd/sec.test.zone"
    request-xfr: 127.0.0.1@$KPORT NOKEY
    allow-notify: 127.0.0.1 NOKEY
CONF
knotd -c "$D/k2.conf" >"$D/k2.log" 2>&1 </dev/null &
K2_PID=$!
_PIDS+=("$K2_PID")
nsd -d -c "$D/nsd.conf" >"$D/nsd.out" 2>&1 </dev/null &
NSD_PID=$!
_PIDS+=("$NSD_PID")
# norm: the status, the flags and the EDE of a kdig reply
norm() { grep -E 'status:|^;; Flags:|^;; EDE:' | sed 's/[;,] id: [0-9]*//; s/; QUERY:.*//'; }
kq() { kdig -p "$1" @127.0.0.1 +timeout=1 +retry=0 +norecurse "${@:2}" 2>&1; }
# as_nsd STATUS ARGS...: our reply to ARGS has STATUS, no AA, and equals NSD's; Knot's STATUS too
as_nsd() {
	local st=$1 ours nsd knot
	shift
	ours=$(kq "$PORT" "$@" | norm)
	nsd=$(kq "$NSPORT" "$@" | norm)
	knot=$(kq "$K2PORT" "$@" | norm)
	grep -q "status: $st" <<<"$ours" && grep -q "status: $st" <<<"$knot" && [ "$ours" = "$nsd" ] &&
		! grep -q ' aa' <<<"$ours" && return 0
	printf 'ours:\n%s\nnsd:\n%s\nknot:\n%s\n' "$ours" "$nsd" "$knot"
	return 1
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
on_fail 'echo "anycast-dns pid $DNS_PID port $PORT, exit status ${EXIT_STATUS:-(running)}"; cat "$D/dns.log"'
nsd_up() { kq "$NSPORT" www.sec.test A | grep -q status:; }
k2_up() { kq "$K2PORT" www.sec.test A | grep -q status:; }
wait_until 10 nsd_up || die "nsd did not start"
wait_until 10 k2_up || die "the second knotd did not start"
# ---- before the first transfer (the primary not started yet)
for a in "www.sec.test A" "www.sec.test A +edns" "sec.test SOA +dnssec" "x.y.sec.test TXT +tcp +edns"; do
	check "before the first copy: SERVFAIL as NSD and Knot: $a" as_nsd SERVFAIL $a
done
check "not loaded: CHAOS still answered" ok_all "$(q CH TXT id.server)" 'status: NOERROR'
knot_start
check_eventually 10 "AXFR from Knot: www.sec.test served" www_is 192.0.2.80
nsd_has() { kq "$NSPORT" www.sec.test A | grep -q 'status: NOERROR'; }
k2_has() { kq "$K2PORT" www.sec.test A | grep -q 'status: NOERROR'; }
check_eventually 10 "NSD, a secondary too, has it" nsd_has
check_eventually 10 "the second Knot, a secondary too, has it" k2_has
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

# ---- past the expire: SERVFAIL, as NSD and Knot; the primary back: served again
check_eventually $((EXPIRE + 5)) "after the SOA expire ($EXPIRE s): not served (SERVFAIL)" \
	status_is SERVFAIL www.sec.test
check "the log says it expired" grep -q 'secondary sec.test.: expired' "$D/dns.log"
nsd_expired() { kq "$NSPORT" www.sec.test A | grep -q 'status: SERVFAIL'; }
k2_expired() { kq "$K2PORT" www.sec.test A | grep -q 'status: SERVFAIL'; }
check_eventually $((EXPIRE + 5)) "NSD has expired it too" nsd_expired
check_eventually $((EXPIRE + 5)) "the second Knot has expired it too" k2_expired
for a in "www.sec.test A" "www.sec.test A +edns" "sec.test SOA +dnssec" "nothere.sec.test MX +tcp +edns" \
	"sec.test DNSKEY +edns +nsid"; do
	check "expired: SERVFAIL, no AA, EDE 24, as NSD (and SERVFAIL as Knot): $a" as_nsd SERVFAIL $a
done
out=$(kq "$PORT" +edns www.sec.test A)
check "expired: the Extended DNS Error says so" ok_all "$out" "EDE: 24 \\(Invalid Data\\): 'Zone has expired'"
out=$(kq "$PORT" +tcp sec.test AXFR)
check "expired: AXFR still REFUSED (as NSD; Knot says NOTAUTH)" ok_all "$out" 'REFUSED'
check "expired: NOTIFY from the primary still taken" ok_all "$(q +opcode=notify sec.test SOA)" \
	'opcode: NOTIFY, status: NOERROR'
check "the other zones are still served" status_is NOERROR www.example.com
knot_start
check_eventually 10 "the primary back: served again" www_is 192.0.2.81
check "still running" alive "$DNS_PID"
stop_pid "$DNS_PID"
check "SIGTERM: a clean exit" test "$EXIT_STATUS" = 0
stop_pid "$KNOT_PID"
stop_pid "$K2_PID"
stop_pid "$NSD_PID"
finish
