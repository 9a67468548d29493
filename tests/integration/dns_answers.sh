#!/bin/bash
# anycast-dns answers as an authoritative server must, asked by dig and by kdig, over UDP and
# TCP, on IPv4 and IPv6: AA, NXDOMAIN/NODATA with the SOA (negative TTL), CNAME chains,
# delegations with glue and no AA, wildcards and empty non-terminals, REFUSED, FORMERR,
# NOTIMP, the query's case, name compression; plus one UDP socket per thread.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig kdig
dns_setup
dns_start --threads 2

# every point with both clients, both transports, both address families
for client in dig kdig; do
	for tr in udp tcp; do
		for addr in 127.0.0.1 ::1; do
			Q() { dns_q "$client" "$tr" "$addr" "$@"; }
			t="$client/$tr/$addr"

			out=$(Q www.example.com A)
			check "$t: A answer, AA" ok_all "$out" 'status: NOERROR' "$AA" \
				'^www\.example\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80'
			out=$(Q www.example.com AAAA)
			check "$t: AAAA answer" ok_all "$out" 'IN[[:space:]]+AAAA[[:space:]]+2001:db8::80'
			if [ $client = dig ]; then # kdig sends every name in lowercase
				out=$(Q WwW.ExAmPlE.cOm A)
				check "$t: the query's case kept in question and answer" ok_all "$out" \
					'^;WwW\.ExAmPlE\.cOm\.' '^WwW\.ExAmPlE\.cOm\.[[:space:]]+3600'
			fi
			out=$(Q nothere.example.com A)
			check "$t: NXDOMAIN, AA, SOA with the negative TTL" ok_all "$out" \
				'status: NXDOMAIN' "$AA" "$(soa_line 300)"
			out=$(Q www.example.com MX)
			check "$t: NODATA, AA, SOA" ok_all "$out" 'status: NOERROR' "$AA" \
				'ANSWER: 0[,;]' "$(soa_line 300)"
			out=$(Q chain1.example.com A)
			check "$t: CNAME chain followed inside the zone" ok_all "$out" 'ANSWER: 3[,;]' \
				'^chain1\.example\.com\..*CNAME[[:space:]]+chain2\.example\.com\.' \
				'^chain2\.example\.com\..*CNAME[[:space:]]+www\.example\.com\.' \
				'^www\.example\.com\..*A[[:space:]]+192\.0\.2\.80'
			out=$(Q outside.example.com A)
			check "$t: CNAME out of the zone left to the resolver" ok_all "$out" 'ANSWER: 1[,;]' \
				'CNAME[[:space:]]+www\.example\.net\.'
			out=$(Q host.sub.example.com A)
			check "$t: delegation: NS and glue, no AA" ok_all "$out" 'status: NOERROR' \
				'ANSWER: 0[,;]' '^sub\.example\.com\..*NS[[:space:]]+ns\.sub\.example\.com\.' \
				'^ns\.sub\.example\.com\..*A[[:space:]]+192\.0\.2\.153'
			check "$t: delegation has no AA" ok_none "$out" "$AA"
			out=$(Q a.b.wild.example.com TXT)
			check "$t: wildcard synthesis (RFC 4592)" ok_all "$out" "$AA" \
				'^a\.b\.wild\.example\.com\..*TXT[[:space:]]+"synthesised from \*\.wild"'
			out=$(Q x.c.example.com A)
			check "$t: wildcard under an empty non-terminal's parent" ok_all "$out" \
				'^x\.c\.example\.com\..*A[[:space:]]+192\.0\.2\.100'
			out=$(Q x.b.c.example.com A)
			check "$t: an empty non-terminal blocks the wildcard" ok_all "$out" \
				'status: NXDOMAIN'
			out=$(Q b.c.example.com A)
			check "$t: an empty non-terminal is NODATA" ok_all "$out" 'status: NOERROR' \
				'ANSWER: 0[,;]' "$(soa_line 300)"
			out=$(Q www.example.org A)
			check "$t: REFUSED outside our zones, no AA" ok_all "$out" 'status: REFUSED'
			check "$t: REFUSED has no AA" ok_none "$out" "$AA"
			out=$(Q www.example.com TYPE41)
			check "$t: FORMERR for a query of type OPT" ok_all "$out" 'status: FORMERR'
			out=$(Q example.com MX)
			check "$t: MX with its address in additional" ok_all "$out" \
				'MX[[:space:]]+10 mail\.example\.com\.' '^mail\.example\.com\.[[:space:]]+600'
			out=$(Q _sip._udp.example.com SRV)
			check "$t: SRV" ok_all "$out" 'SRV[[:space:]]+10 60 5060 www\.example\.com\.'
			out=$(Q example.com CAA)
			check "$t: CAA" ok_all "$out" 'CAA[[:space:]]+0 issue "ca\.example\.net"'
			out=$(Q txt.example.com TXT)
			check "$t: TXT with escapes" ok_all "$out" \
				'TXT[[:space:]]+"a \\"quoted\\" string" "ABC" "semi;colon"'
			out=$(Q 80.2.0.192.in-addr.arpa PTR)
			check "$t: PTR from a second zone" ok_all "$out" 'PTR[[:space:]]+www\.example\.com\.'
			out=$(Q example.com SOA +noedns)
			check "$t: names compressed (80-octet SOA reply)" ok_all "$out" "$(size_re 80)"
		done
	done
done

# what only one client can send
out=$(dns_q dig udp 127.0.0.1 +header-only)
check "dig: FORMERR for a query with no question" ok_all "$out" 'status: FORMERR'
for op in status update 9; do
	out=$(dns_q dig udp 127.0.0.1 www.example.com A +opcode=$op)
	check "dig: NOTIMP for opcode $op" ok_all "$out" 'status: NOTIMP'
done
out=$(dns_q kdig udp 127.0.0.1 example.com NOTIFY)
check "kdig: NOTIMP for NOTIFY" ok_all "$out" 'status: NOTIMP'
out=$(dns_q kdig tcp ::1 example.com AXFR)
check "kdig: zone transfer REFUSED" ok_all "$out" 'REFUSED'

# --threads 2: two workers, each with its own SO_REUSEPORT socket per address
check "two UDP worker threads plus the main and the zone builder threads" test "$(ls /proc/$DNS_PID/task | wc -l)" -eq 4
check "two UDP sockets on 127.0.0.1:$PORT" \
	test "$(ss -Hlun "sport = :$PORT" | grep -c '127.0.0.1')" -eq 2
check "one TCP listener on [::1]:$PORT" test "$(ss -Hltn "sport = :$PORT" | grep -c '\[::1\]')" -eq 1
finish
