#!/bin/bash
# Differential test of signed zones: anycast-dns, NSD and Knot (which serves a pre-signed zone
# as it is, with no dnssec-signing policy) serve the same zones, signed here and now with
# dnssec-signzone: NSEC, NSEC3 with salt and iterations, NSEC3 with opt-out, each with a
# wildcard, an empty non-terminal, a CNAME, a signed child (its DS in the parent), insecure
# delegations, and a DNAME. Each query of the set goes to all three with the DO bit (kdig
# +dnssec), and the replies are compared after normalisation as in dns_diff.sh (the ID,
# timings and EDNS values dropped, each section's records sorted): a reply passes when it
# equals Knot's or NSD's; one unlike both must be in the allow-list below, with its reason.
# Every difference is printed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd kdig knotd nsd dnssec-keygen dnssec-signzone dnssec-dsfromkey
[ -x "$DNS_BIN" ] || skip "$DNS_BIN not built (run make)"
mk_tmpdir
D=$TMPD
NSA=192.0.2.53 # the name servers' address in the zones (never asked)

zone_head() { # ORIGIN
	printf '$ORIGIN %s.\n$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A %s\n' "$1" $NSA
}
keys() { # ZONE -> KSK and ZSK file bases in $D
	KSK=$(cd "$D" && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -n ZONE "$1") || die "keygen $1"
	ZSK=$(cd "$D" && dnssec-keygen -q -a ECDSAP256SHA256 -n ZONE "$1") || die "keygen $1"
	cat "$D/$KSK.key" "$D/$ZSK.key" >>"$D/$1.zone"
}
sign() { # ZONE OUT [dnssec-signzone options]
	local z=$1 out=$2
	shift 2
	(cd "$D" && dnssec-signzone -q "$@" -o "$z" -f "$out" "$z.zone" "$KSK.key" "$ZSK.key") \
		>"$D/sign.log" 2>&1 || { cat "$D/sign.log"; die "dnssec-signzone $z"; }
}

{ zone_head child.nsec.test; echo 'www A 192.0.2.60'; } >"$D/child.nsec.test.zone"
keys child.nsec.test
CHILD_KSK=$KSK
sign child.nsec.test child.signed
{
	zone_head nsec.test
	cat <<'ZONE'
www A 192.0.2.10
www AAAA 2001:db8::10
*.wild TXT "wildcard"
*.wc CNAME www
alias CNAME www
a.b.ent A 192.0.2.20
mail MX 10 www
dn DNAME sub.nsec.test.
host.sub A 192.0.2.40
unsigned NS ns1.unsigned
child NS ns1.child
ZONE
	printf 'ns1.unsigned A %s\nns1.child A %s\n' $NSA $NSA
	(cd "$D" && dnssec-dsfromkey -2 "$CHILD_KSK.key")
} >"$D/nsec.test.zone"
keys nsec.test
sign nsec.test nsec.signed
for z in nsec3 optout; do
	{
		zone_head $z.test
		cat <<ZONE
www A 192.0.2.11
*.wild TXT "wildcard3"
*.wc CNAME www
alias CNAME www
a.b.ent A 192.0.2.21
unsigned NS ns1.unsigned
deep.er NS ns1.unsigned
ns1.unsigned A $NSA
ZONE
	} >"$D/$z.test.zone"
	keys $z.test
	eval "${z}_KSK=\$KSK ${z}_ZSK=\$ZSK"
done
KSK=$nsec3_KSK ZSK=$nsec3_ZSK sign nsec3.test nsec3.signed -3 c0ffee -H 3
KSK=$optout_KSK ZSK=$optout_ZSK sign optout.test optout.signed -3 - -A
ZFILES=(nsec.test:nsec.signed child.nsec.test:child.signed nsec3.test:nsec3.signed optout.test:optout.signed)

ZONES=()
for f in "${ZFILES[@]}"; do ZONES+=(--zone "$D/${f#*:}"); done
dns_start

mkdir -p "$D/knot" "$D/nsd"
KPORT=$((20000 + RANDOM % 20000))
NPORT=$((40000 + RANDOM % 20000))
{
	cat <<CONF
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
    zonefile-sync: -1
    journal-content: none
zone:
CONF
	for f in "${ZFILES[@]}"; do printf '  - domain: %s\n    file: "%s"\n' "${f%%:*}" "${f#*:}"; done
} >"$D/knot.conf"
{
	printf 'server:\n  ip-address: 127.0.0.1@%s\n  server-count: 1\n  username: ""\n  chroot: ""\n' $NPORT
	printf '  zonesdir: "%s"\n  zonelistfile: "%s/nsd/zl"\n  database: ""\n' "$D" "$D"
	printf '  xfrdfile: "%s/nsd/xfrd"\n  pidfile: "%s/nsd/pid"\n  logfile: "%s/nsd/log"\n' "$D" "$D" "$D"
	printf 'remote-control:\n  control-enable: no\n'
	for f in "${ZFILES[@]}"; do printf 'zone:\n  name: %s\n  zonefile: "%s/%s"\n' "${f%%:*}" "$D" "${f#*:}"; done
} >"$D/nsd.conf"
knotd -c "$D/knot.conf" >"$D/knot.log" 2>&1 </dev/null &
KNOT_PID=$!
_PIDS+=("$KNOT_PID")
nsd -d -c "$D/nsd.conf" >"$D/nsd.out" 2>&1 </dev/null &
NSD_PID=$!
_PIDS+=("$NSD_PID")
up() { kdig -p "$1" @127.0.0.1 +timeout=1 +retry=0 www.optout.test A | grep -q NOERROR; }
wait_until 10 up "$KPORT" || { cat "$D/knot.log"; die "knotd did not start"; }
wait_until 10 up "$NPORT" || { cat "$D/nsd.out"; die "nsd did not start"; }

# "kdig arguments", all sent with +dnssec (the DO bit); the cases of issue 17 under DNSSEC
QUERIES=()
for z in nsec nsec3 optout; do
	QUERIES+=(
		"www.$z.test A" "www.$z.test AAAA" "$z.test SOA" "$z.test NS" "$z.test DNSKEY"
		"nothere.$z.test A" "www.$z.test MX" "b.ent.$z.test A" "ent.$z.test TXT"
		"x.wild.$z.test TXT" "x.wild.$z.test A" "a.b.wild.$z.test TXT" "wild.$z.test TXT"
		"*.wild.$z.test TXT" "x.wc.$z.test A" "alias.$z.test A" "alias.$z.test CNAME"
		"x.unsigned.$z.test A" "unsigned.$z.test NS" "unsigned.$z.test DS"
		"a.b.c.d.$z.test A" "WwW.$z.TeSt A" "www.$z.test A +tcp" "nothere.$z.test A +tcp"
		"$z.test ANY" "www.$z.test RRSIG" "nothere.$z.test A +bufsize=512"
	)
done
QUERIES+=(
	"x.deep.er.nsec3.test A" "er.nsec3.test A" "nsec3.test NSEC3PARAM" "x.deep.er.optout.test A"
	"er.optout.test A" "optout.test NSEC3PARAM" "www.child.nsec.test A" "child.nsec.test DS"
	"x.child.nsec.test A" "child.nsec.test SOA" "x.dn.nsec.test A" "host.dn.nsec.test A"
	"dn.nsec.test DNAME" "mail.nsec.test MX" "www.nsec.test NSEC" "nsec.test NSEC"
)
# Allowed differences, by the query's arguments, each with its reason (printed with the
# difference).
declare -A ALLOW=()
for z in nsec nsec3 optout; do
	# www.nsec3/optout.test has one RRset, so there the three agree
	ALLOW["www.$z.test RRSIG"]="QTYPE RRSIG (RFC 4035 leaves an explicit RRSIG query open): every RRSIG of the name as NSD gives, where Knot gives those of one type (the lowest, as for ANY, RFC 8482); without NSD's apex NS and glue, as in all our answers (minimal, as Knot)"
done
norm() { # as dns_diff.sh
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
	' | sed 's/[[:space:]]\+/ /g' | sort
}
ask() { kdig -p "$1" @127.0.0.1 +timeout=2 +retry=0 +norecurse +dnssec $2 2>&1 | norm; }

unexplained=0
asknot=0
for qa in "${QUERIES[@]}"; do
	# the three at once (the test's time is mostly kdig's start-up)
	ask "$PORT" "$qa" >"$D/r.ours" &
	a1=$!
	ask "$KPORT" "$qa" >"$D/r.knot" &
	a2=$!
	ask "$NPORT" "$qa" >"$D/r.nsd" &
	wait $a1 $! "$a2"
	ours=$(<"$D/r.ours") knot=$(<"$D/r.knot") nsd=$(<"$D/r.nsd")
	if [ "$ours" = "$knot" ] || [ "$ours" = "$nsd" ]; then
		[ "$ours" != "$knot" ] && log "differs from Knot (as NSD): $qa"
		[ "$ours" != "$nsd" ] && log "differs from NSD (as Knot): $qa"
		pass "$qa: as Knot or NSD"
	elif [ -n "${ALLOW[$qa]:-}" ]; then
		pass "$qa: an allowed difference: ${ALLOW[$qa]}"
		diff <(printf '%s\n' "$knot") <(printf '%s\n' "$ours") | sed 's/^/         knot|ours /' | head -n 8
	else
		fail "$qa: unlike Knot and NSD"
		diff <(printf '%s\n' "$knot") <(printf '%s\n' "$ours") | sed 's/^/         knot|ours /' | head -n 16
		diff <(printf '%s\n' "$nsd") <(printf '%s\n' "$ours") | sed 's/^/         nsd|ours  /' | head -n 16
		unexplained=$((unexplained + 1))
	fi
done
log "${#QUERIES[@]} queries, $unexplained unexplained differences"
check "zero unexplained differences" test "$unexplained" = 0
stop_pid "$DNS_PID"
stop_pid "$KNOT_PID"
stop_pid "$NSD_PID"
finish
