#!/bin/bash
# TCP-MD5 (RFC 2385) and GTSM (RFC 5082) against BIRD 2 and FRR bgpd.
#
# Per peer: namespace A runs anycastd, namespace B the peer; six veth links between them, one
# per case, each its own eBGP session (anycastd AS 65001, peer AS 64500):
#   link i: A ethi 198.18.0.(2i+1)/31  B ethi 198.18.0.(2i)/31   (links 1 and 4: IPv6 too,
#           A 2001:db8:ffff:i::1/64  B 2001:db8:ffff:i::2/64)
#   1 md5-ok          password on both sides, the same          -> Established, segments signed
#   2 md5-wrong       different passwords                        -> never, a warning naming it
#   3 md5-missing     password here, none at the peer            -> never, a warning naming it
#   4 gtsm-ok         ttl-security on both sides                 -> Established, TTL 255
#   5 gtsm-peer-only  GTSM at the peer only                      -> never Established (either side)
#   6 gtsm-ours-only  ttl-security here only                     -> never, a warning naming it
#   7 md5-wrong-passive  different passwords, anycastd passive   -> never, a warning naming it
#                     (from the kernel's TCP-MD5 drop counters: the peer's SYNs never reach us)
# All seven run at once. Sessions are identified by their TCP 4-tuple and anycastd's flap counter,
# never by timestamps; every wait is on a condition. On the wire (tcpdump in B): anycastd's
# segments carry DSCP CS6 (tos 0xc0), TTL 1 (eBGP, directly connected) or 255 (GTSM), and an
# MD5 signature option where a password is set.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bird birdc vtysh tcpdump python3
BGPD=${BGPD:-/usr/lib/frr/bgpd}
[ -x "$BGPD" ] || skip "missing $BGPD"
require_anycastd

PEER_AS=64500
LOCAL_AS=65001
NCASE=7
UP_CASES="1 4"
DOWN_CASES="2 3 5 6 7"
A4() { echo "198.18.0.$((2 * $1 + 1))"; }
B4() { echo "198.18.0.$((2 * $1))"; }
A6() { echo "2001:db8:ffff:$1::1"; }
B6() { echo "2001:db8:ffff:$1::2"; }
has_v6() { [ "$1" = 1 ] || [ "$1" = 4 ]; }
# what each side is configured with, per case
our_pw() { case $1 in 1 | 2 | 3 | 7) echo s3cret-md5 ;; esac; }
peer_pw() { case $1 in 1) echo s3cret-md5 ;; 2 | 7) echo other-key ;; esac; }
our_gtsm() { [ "$1" = 4 ] || [ "$1" = 6 ]; }
peer_gtsm() { [ "$1" = 4 ] || [ "$1" = 5 ]; }
case_name() {
	case $1 in
	1) echo md5-ok ;; 2) echo md5-wrong ;; 3) echo md5-missing ;;
	4) echo gtsm-ok ;; 5) echo gtsm-peer-only ;; 6) echo gtsm-ours-only ;;
	7) echo md5-wrong-passive ;;
	esac
}

write_anycastd_conf() {
	local i pw a
	{
		echo "router-id $(A4 1)"
		echo "local-as $LOCAL_AS"
		echo "control $SOCK"
		for i in $(seq $NCASE); do
			echo "listen $(A4 "$i")"
			has_v6 "$i" && echo "listen $(A6 "$i")"
		done
		for i in $(seq $NCASE); do
			for a in "$(B4 "$i")" $(has_v6 "$i" && B6 "$i"); do
				echo "neighbor $a {"
				echo "    remote-as $PEER_AS"
				echo "    hold-time 9"
				pw=$(our_pw "$i")
				[ -n "$pw" ] && echo "    password \"$pw\""
				our_gtsm "$i" && echo "    ttl-security yes"
				[ "$i" = 7 ] && echo "    passive"
				echo "}"
			done
		done
		echo "service dns {"
		echo "    prefix 192.0.2.0/24"
		echo "}"
	} >"$D/anycastd.conf"
}

# ---- BIRD

bird_start() {
	local i fam pw
	{
		echo "log stderr all;"
		echo "router id $(B4 1);"
		echo "protocol device { }"
		for i in $(seq $NCASE); do
			for fam in 4 6; do
				[ $fam = 6 ] && ! has_v6 "$i" && continue
				echo "protocol bgp c${i}v$fam {"
				if [ $fam = 4 ]; then
					echo "  local $(B4 "$i") as $PEER_AS; neighbor $(A4 "$i") as $LOCAL_AS;"
				else
					echo "  local $(B6 "$i") as $PEER_AS; neighbor $(A6 "$i") as $LOCAL_AS;"
				fi
				echo "  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;"
				pw=$(peer_pw "$i")
				[ -n "$pw" ] && echo "  password \"$pw\";"
				peer_gtsm "$i" && echo "  ttl security on;"
				echo "  ipv$fam { import all; export none; };"
				echo "}"
			done
		done
	} >"$D/bird.conf"
	spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$D/bird.ctl"
	PEER_PID=$SPAWN_PID
	wait_until 10 birdc -s "$D/bird.ctl" show status || fail "BIRD control socket did not come up"
}
bird_established() { birdc -s "$D/bird.ctl" show protocols "c$1v$2" | grep -q Established; }

# ---- FRR

frr_start() {
	local i a pw
	{
		echo "frr defaults traditional"
		echo "hostname peer"
		echo "log stdout informational"
		echo "router bgp $PEER_AS"
		echo " bgp router-id $(B4 1)"
		echo " no bgp ebgp-requires-policy"
		echo " no bgp default ipv4-unicast"
		echo " bgp log-neighbor-changes"
		for i in $(seq $NCASE); do
			for a in "$(A4 "$i")" $(has_v6 "$i" && A6 "$i"); do
				echo " neighbor $a remote-as $LOCAL_AS"
				echo " neighbor $a timers 3 9"
				echo " neighbor $a timers connect 1"
				pw=$(peer_pw "$i")
				[ -n "$pw" ] && echo " neighbor $a password $pw"
				peer_gtsm "$i" && echo " neighbor $a ttl-security hops 1"
			done
		done
		echo " address-family ipv4 unicast"
		for i in $(seq $NCASE); do echo "  neighbor $(A4 "$i") activate"; done
		echo " exit-address-family"
		echo " address-family ipv6 unicast"
		for i in $UP_CASES; do echo "  neighbor $(A6 "$i") activate"; done
		echo " exit-address-family"
		echo "exit"
	} >"$D/bgpd.conf"
	mkdir -p "$D/vty"
	local listen=()
	for i in $(seq $NCASE); do
		listen+=(-l "$(B4 "$i")")
		has_v6 "$i" && listen+=(-l "$(B6 "$i")")
	done
	spawn "$B" "$D/bgpd.log" "$BGPD" -f "$D/bgpd.conf" -i "$D/bgpd.pid" --vty_socket "$D/vty" \
		--no_zebra -S -n "${listen[@]}"
	PEER_PID=$SPAWN_PID
	wait_until 10 frr_vtysh -c "show bgp summary" || fail "bgpd vty did not come up"
}
frr_vtysh() { ip netns exec "$B" vtysh --vty_socket "$D/vty" -d bgpd "$@"; }
frr_established() {
	local a j
	if [ "$2" = 4 ]; then a=$(A4 "$1"); else a=$(A6 "$1"); fi
	j=$(frr_vtysh -c "show bgp neighbors $a json") &&
		jcheck "$j" "list(d.values())[0]['bgpState'] == 'Established'" >/dev/null
}

# ---- assertions

our_addr() { if [ "$2" = 4 ]; then A4 "$1"; else A6 "$1"; fi; }
their_addr() { if [ "$2" = 4 ]; then B4 "$1"; else B6 "$1"; fi; }
session_id() {
	local t f
	t=$(tcp_session "$A" "$(our_addr "$1" "$2")" "$(their_addr "$1" "$2")") || return 1
	f=$(neighbor_flaps "$A" "$SOCK" "$(their_addr "$1" "$2")") && [ -n "$f" ] || return 1
	echo "$t flaps=$f"
}
# both sides Established, and the session still the one recorded in IDS ("case fam id;...")
up_same() {
	local ids=$1 i fam id want
	for i in $UP_CASES; do
		for fam in 4 6; do
			[ $fam = 6 ] && ! has_v6 "$i" && continue
			want=$(printf '%s\n' "$ids" | sed -n "s/^$i $fam //p")
			id=$(nonempty session_id "$i" $fam)
			[ "$id" = "$want" ] || { echo "case $(case_name "$i") v$fam: session changed: $want -> ${id:-?}"; return 1; }
			retry 3 neighbor_established "$A" "$SOCK" "$(their_addr "$i" $fam)" || { echo "anycastd: $(case_name "$i") v$fam not Established"; return 1; }
			retry 3 peer_established "$i" $fam || { echo "$PEER_NAME: $(case_name "$i") v$fam not Established"; return 1; }
		done
	done
}
# neither side ever Established in the cases that must fail
none_established() {
	local i st
	for i in $DOWN_CASES; do
		st=$(neighbor_state "$A" "$SOCK" "$(B4 "$i")") || { echo "anycast show neighbors failed"; return 1; }
		[ "$st" != Established ] || { echo "anycastd says $(case_name "$i") is Established"; return 1; }
		[ -n "$(anycast_in "$A" "$SOCK" show neighbors | grep -F "$(B4 "$i") " | grep Established)" ] &&
			{ echo "anycast show neighbors (text) says $(case_name "$i") is Established"; return 1; }
		peer_established "$i" 4 && { echo "$PEER_NAME says $(case_name "$i") is Established"; return 1; }
	done
	return 0
}
warned() { grep -F "warning: neighbor $(B4 "$1"): TCP connection not answered" "$D/anycastd.log" | grep -q -F "$2"; }
not_refused() {
	local j
	j=$(anycast_in "$A" "$SOCK" show neighbors --json) &&
		jcheck "$j" "all('refused' not in n['last_error'] for n in d if n['address']=='$(B4 "$1")')"
}
# wire CASE FAM PATTERN...: anycastd's segments on link CASE, as tcpdump -v shows them in B,
# contain every PATTERN
wire() {
	local i=$1 fam=$2 out p
	shift 2
	# established sessions: keepalives every 3 s (tcpdump cannot index tcp[] over IPv6)
	out=$(ip netns exec "$B" timeout 10 tcpdump -l -i "eth$i" -nn -v -c 2 \
		"tcp port 179 and src host $(our_addr "$i" "$fam")" 2>/dev/null)
	for p; do
		printf '%s\n' "$out" | grep -q -e "$p" || { echo "no '$p' in:"; printf '%s\n' "$out" | head -n 6; return 1; }
	done
}

show_logs() {
	local f
	for f in "$D/anycastd.log" "$D/bird.log" "$D/bgpd.log"; do
		[ -s "$f" ] || continue
		echo "---- tail of $f"
		tail -n 30 "$f"
	done
}

# scenario bird|frr
scenario() {
	local kind=$1 failed0=$T_FAILED i fam ids=""
	PEER_NAME=$kind
	echo "== $kind: TCP-MD5 and GTSM, seven sessions at once"
	ns_new "a$kind"
	A=$NS
	ns_new "b$kind"
	B=$NS
	for i in $(seq $NCASE); do
		veth "$A" "eth$i" "$B" "eth$i"
		addr "$A" "eth$i" "$(A4 "$i")/31"
		addr "$B" "eth$i" "$(B4 "$i")/31"
		if has_v6 "$i"; then
			addr "$A" "eth$i" "$(A6 "$i")/64"
			addr "$B" "eth$i" "$(B6 "$i")/64"
		fi
	done
	mk_tmpdir
	D=$TMPD
	SOCK=$D/anycastd.sock
	write_anycastd_conf
	check "anycastd -n accepts password and ttl-security" "$ANYCASTD" -n -c "$D/anycastd.conf"
	case $kind in
	bird) bird_start; peer_established() { bird_established "$@"; } ;;
	frr) frr_start; peer_established() { frr_established "$@"; } ;;
	esac
	spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/anycastd.conf"

	for i in $UP_CASES; do
		for fam in 4 6; do
			check_eventually 30 "$(case_name "$i") v$fam: Established in anycastd" \
				neighbor_established "$A" "$SOCK" "$(their_addr "$i" $fam)"
			check_eventually 10 "$(case_name "$i") v$fam: Established at $kind" peer_established "$i" $fam
			check_eventually 10 "$(case_name "$i") v$fam: one TCP connection" session_id "$i" $fam
			ids="$ids$i $fam $(session_id "$i" $fam)
"
		done
	done
	for i in 2 3; do
		check_eventually 20 "$(case_name "$i"): a warning names the neighbour and TCP-MD5" \
			warned "$i" "TCP-MD5 is configured"
	done
	check_eventually 20 "gtsm-ours-only: a warning names the neighbour and ttl-security" \
		grep -q -E "warning: neighbor $(B4 6): (TCP connection not answered.*ttl-security is configured|connection closed: it arrived with TTL 1, ttl-security accepts 255)" "$D/anycastd.log"
	check_eventually 20 "md5-wrong-passive: a warning names the neighbour and TCP-MD5" \
		grep -q -F "warning: neighbor $(B4 7): passive and not connected, while the kernel dropped" "$D/anycastd.log"
	check_steady 12 "md5-wrong, md5-missing, gtsm-peer-only, gtsm-ours-only, md5-wrong-passive: never Established on either side" \
		none_established
	check_steady 2 "md5-ok, gtsm-ok: both sessions stay up, not reset" up_same "$ids"
	for i in 2 3 6 7; do
		check "$(case_name "$i"): no stale 'Connection refused' in show neighbors" not_refused "$i"
	done
	check "md5-ok v4 on the wire: CS6, TTL 1 (eBGP), MD5 signature" wire 1 4 "tos 0xc0" "ttl 1," "md5"
	check "md5-ok v6 on the wire: class 0xc0, hop limit 1, MD5 signature" wire 1 6 "class 0xc0" "hlim 1," "md5"
	check "gtsm-ok v4 on the wire: CS6, TTL 255" wire 4 4 "tos 0xc0" "ttl 255,"
	check "gtsm-ok v6 on the wire: class 0xc0, hop limit 255" wire 4 6 "class 0xc0" "hlim 255,"

	[ "$T_FAILED" != "$failed0" ] && show_logs
	stop_all
}

scenario bird
scenario frr
finish
