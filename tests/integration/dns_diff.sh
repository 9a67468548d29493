#!/bin/bash
# Differential test: anycast-dns, NSD and Knot serve the same zones; each query of the set
# below (every case of issue 17 that they share) goes to all three with kdig, and the replies
# are compared after normalisation (the ID, timings and the EDNS NSID/cookie values dropped,
# the sections' records sorted; an Extended DNS Error, RFC 8914, kept: NSD 4.6 and Knot 3.2
# give none for any of these queries, so neither do we). A reply passes when it equals Knot's or NSD's (the two
# references differ only by RFC-valid choices); a reply unlike both must be in the allow-list
# below, with its reason. Every difference is printed. The signed zones: dns_diff_dnssec.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd kdig knotd nsd
dns_setup
dns_start
mkdir -p "$D/knot" "$D/nsd"
KPORT=$((20000 + RANDOM % 20000))
NPORT=$((40000 + RANDOM % 20000))
cat >"$D/knot.conf" <<CONF
server:
    rundir: "$D/knot"
    listen: 127.0.0.1@$KPORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$D/knot"
template:
  - id: default
    storage: "$D"
zone:
  - domain: example.com
    file: "example.com.zone"
  - domain: 2.0.192.in-addr.arpa
    file: "2.0.192.in-addr.arpa.zone"
CONF
cat >"$D/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$NPORT
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$D"
    zonelistfile: "$D/nsd/zone.list"
    database: ""
    xfrdfile: "$D/nsd/xfrd.state"
    pidfile: "$D/nsd/nsd.pid"
    logfile: "$D/nsd/nsd.log"
    verbosity: 0
remote-control:
    control-enable: no
zone:
    name: example.com
    zonefile: "$D/example.com.zone"
zone:
    name: 2.0.192.in-addr.arpa
    zonefile: "$D/2.0.192.in-addr.arpa.zone"
CONF
knotd -c "$D/knot.conf" >"$D/knot.log" 2>&1 </dev/null &
_PIDS+=("$!")
KNOT_PID=$!
nsd -d -c "$D/nsd.conf" >"$D/nsd.out" 2>&1 </dev/null &
_PIDS+=("$!")
NSD_PID=$!
up() { kdig -p "$1" @127.0.0.1 +timeout=1 +retry=0 www.example.com A | grep -q NOERROR; }
wait_until 10 up "$KPORT" || die "knotd did not start"
wait_until 10 up "$NPORT" || die "nsd did not start"

# The query set: "kdig arguments" one per line; a name after # is the case's label.
QUERIES=(
	"www.example.com A" "www.example.com AAAA" "example.com SOA" "example.com NS"
	"example.com MX" "example.com TXT" "example.com CAA" "mail.example.com A"
	"txt.example.com TXT" "_sip._udp.example.com SRV" "80.2.0.192.in-addr.arpa PTR"
	"4.2.example.com PTR" "nothere.example.com A" "www.example.com MX" "www.example.com TXT"
	"alias.example.com A" "alias.example.com CNAME" "chain1.example.com A"
	"outside.example.com A" "sub.example.com A" "x.sub.example.com A" "sub.example.com NS"
	"ns.sub.example.com A" "x.wild.example.com A" "x.wild.example.com TXT"
	"x.wild.example.com MX" "a.b.c.example.com TXT" "b.c.example.com A" "c.example.com A"
	"x.c.example.com A" "WwW.ExAmPlE.cOm A" "www.example.org A" "www.example.com A -c ANY"
	"www.example.com ANY" "example.com ANY" "www.example.com ANY +tcp" "www.example.com A +noedns"
	"big.example.com TXT +noedns" "big.example.com TXT +bufsize=512" "big.example.com TXT +tcp"
	"www.example.com A +edns=1" "www.example.com A +opcode=STATUS" "example.com AXFR +tcp"
	"www.example.com A +dnssec" "www.example.com A -y hmac-sha256:k1:c2VjcmV0c2VjcmV0"
	"nothere.2.0.192.in-addr.arpa PTR" "2.0.192.in-addr.arpa SOA"
)
# Allowed differences, by the query's arguments: the reason is printed with the difference.
# None is needed now: every reply equals Knot's or NSD's (where those two differ, e.g. NSD adds
# the apex NS to the authority section and their addresses as additional data where Knot
# answers minimally, we are one of them; the log says which). Add e.g.
#   ["example.com AXFR +tcp"]="RFC 5936 leaves the RCODE of a refused transfer open"
declare -A ALLOW=()
norm() { # kdig output -> rcode, flags and each section's records, sorted; no ID, time, EDNS values
	awk '
		/->>HEADER<<-/ { sub(/[;,] id: [0-9]+/, ""); print; next }
		/^;; Flags:/ { sub(/; QUERY:.*/, ""); print; next }
		/^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/ { sec = $2; next }
		/^;; EDE/ { print "EDE", $0; next }
		/^;; (EDNS|OPT)/ { next }
		/^;; (NSID|COOKIE|Version|PADDING|Received|From|Time)/ { next }
		/^;;/ { next }
		/^$/ { next }
		sec != "" && !/^;/ { print sec, $0 }
	' | sed 's/[[:space:]]\+/ /g; s/\( TSIG [^ ]* \)[0-9]* \([0-9]* [0-9]* \)[0-9]* /\1TIME \2ID /' | sort
}
ask() { kdig -p "$1" @127.0.0.1 +timeout=2 +retry=0 +norecurse $2 2>&1 | norm; }

unexplained=0
for qa in "${QUERIES[@]}"; do
	ours=$(ask "$PORT" "$qa")
	knot=$(ask "$KPORT" "$qa")
	nsd=$(ask "$NPORT" "$qa")
	if [ "$ours" = "$knot" ] || [ "$ours" = "$nsd" ]; then
		[ "$ours" != "$knot" ] && log "differs from Knot (as NSD): $qa"
		[ "$ours" != "$nsd" ] && log "differs from NSD (as Knot): $qa"
		pass "$qa: as Knot or NSD"
	elif [ -n "${ALLOW[$qa]:-}" ]; then
		pass "$qa: an allowed difference: ${ALLOW[$qa]}"
		diff <(printf '%s\n' "$knot") <(printf '%s\n' "$ours") | sed 's/^/         knot|ours /' | head -n 8
	else
		fail "$qa: unlike Knot and NSD"
		diff <(printf '%s\n' "$knot") <(printf '%s\n' "$ours") | sed 's/^/         knot|ours /' | head -n 12
		diff <(printf '%s\n' "$nsd") <(printf '%s\n' "$ours") | sed 's/^/         nsd|ours  /' | head -n 12
		unexplained=$((unexplained + 1))
	fi
done
log "${#QUERIES[@]} queries, $unexplained unexplained differences"
check "zero unexplained differences" test "$unexplained" = 0
stop_pid "$DNS_PID"
stop_pid "$KNOT_PID"
stop_pid "$NSD_PID"
finish
