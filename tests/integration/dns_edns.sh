#!/bin/bash
# EDNS0 (RFC 6891) and the identity of the instance, asked by dig and kdig over UDP and TCP on
# IPv4 and IPv6: the client's UDP size (512 at least) decides TC, BADVERS for version 1, DO
# echoed, NSID (RFC 5001) and CHAOS TXT id.server./hostname.bind. carry the identity,
# version.server./version.bind. the version.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig kdig
dns_setup
IDENTITY=site-nyc-1 dns_start
VERSION=$("$DNS_BIN" --version)

for client in dig kdig; do
	for addr in 127.0.0.1 ::1; do
		Q() { dns_q "$client" udp "$addr" "$@"; }
		t="$client/$addr"
		# the 700-octet "big" TXT: over 512, under 1232
		ign=+ignore # both clients: show the TC reply, do not retry over TCP
		out=$(Q big.example.com TXT +noedns $ign)
		check "$t: no EDNS: 512 octets at most, TC" ok_all "$out" '[Ff]lags: [a-z ]*\btc\b' 'ANSWER: 0[,;]'
		out=$(Q big.example.com TXT +bufsize=512 $ign)
		check "$t: EDNS size 512: TC" ok_all "$out" '[Ff]lags: [a-z ]*\btc\b'
		out=$(Q big.example.com TXT +bufsize=300 $ign)
		check "$t: EDNS size under 512 counts as 512: TC" ok_all "$out" '[Ff]lags: [a-z ]*\btc\b'
		out=$(Q big.example.com TXT +bufsize=1232 $ign)
		check "$t: EDNS size 1232: the whole answer" ok_all "$out" 'ANSWER: 1[,;]' \
			'udp: 1232|UDP size: 1232'
		check "$t: EDNS size 1232: no TC" ok_none "$out" '[Ff]lags: [a-z ]*\btc\b'
		out=$(dns_q $client tcp "$addr" big.example.com TXT +noedns)
		check "$t: over TCP the whole answer without EDNS" ok_all "$out" 'ANSWER: 1[,;]'
		out=$(Q big.example.com TXT +bufsize=512)
		check "$t: after TC the client retries over TCP and gets it" ok_all "$out" 'ANSWER: 1[,;]'
		out=$(Q www.example.com A +edns=1 +noednsneg 2>/dev/null || Q www.example.com A +edns=1)
		check "$t: BADVERS for EDNS version 1" ok_all "$out" 'status: BADVERS'
		out=$(Q www.example.com A +dnssec)
		check "$t: DO bit echoed" ok_all "$out" 'flags: do|EDNS.*flags: do|Version: 0; flags: do'
		for tr in udp tcp; do
			out=$(dns_q $client $tr "$addr" www.example.com A +nsid)
			check "$t/$tr: NSID is the identity" ok_all "$out" 'NSID.*site-nyc-1'
			for n in id.server hostname.bind; do
				out=$(dns_q $client $tr "$addr" $n TXT CH)
				check "$t/$tr: CH TXT $n is the identity" ok_all "$out" "$AA" \
					"^$n\.[[:space:]]+0[[:space:]]+CH[[:space:]]+TXT[[:space:]]+\"site-nyc-1\""
			done
			for n in version.server version.bind; do
				out=$(dns_q $client $tr "$addr" $n TXT CH)
				check "$t/$tr: CH TXT $n is the version" ok_all "$out" \
					"CH[[:space:]]+TXT[[:space:]]+\"$VERSION\""
			done
		done
		out=$(Q authors.bind TXT CH)
		check "$t: other CHAOS names REFUSED" ok_all "$out" 'status: REFUSED'
		out=$(Q www.example.com A +nsid +noedns)
		check "$t: no OPT in the reply without one in the query" ok_none "$out" 'NSID|OPT PSEUDOSECTION|EDNS:'
	done
done
finish
