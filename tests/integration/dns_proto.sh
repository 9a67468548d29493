#!/bin/bash
# Protocol corner cases of issue 17, each with the RCODE Knot gives for the same query on the
# same zone: QCLASS ANY answered with the IN data, NOTIMP and FORMERR replies that keep the OPT
# record (RFC 6891 6.1.1), a TSIG-signed query answered NOTAUTH with TSIG error BADKEY (RFC
# 8945 5.2.2), version.bind set or hidden with --version, a query over 4096 octets over TCP,
# and a TCP message that trickles in cut after --tcp-msg-timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig knotd python3
dns_setup
echo 000102030405060708090a0b0c0d0e0f >"$D/secret"
dns_start --version "test version 1" --tcp-msg-timeout 1000 --cookie-secret "$D/secret"

# Knot on the same zone, for the RCODE of each case
mkdir -p "$D/knot"
KPORT=$((20000 + RANDOM % 40000))
cat >"$D/knot.conf" <<CONF
server:
    rundir: "$D/knot"
    listen: 127.0.0.1@$KPORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$D/knot"
zone:
  - domain: example.com
    storage: "$D"
    file: "example.com.zone"
CONF
knotd -c "$D/knot.conf" >"$D/knot.log" 2>&1 </dev/null &
KNOT_PID=$!
_PIDS+=("$KNOT_PID")
knot_up() { dig -p "$KPORT" @127.0.0.1 +time=1 +tries=1 www.example.com A | grep -q NOERROR; }
wait_until 10 knot_up || die "knotd did not start"

q() { dns_q dig udp 127.0.0.1 "$@"; }
kq() { dig -p "$KPORT" @127.0.0.1 +time=2 +tries=1 +norecurse "$@" 2>&1; }
st() { sed -n 's/.*status: \([A-Z]*\),.*/\1/p' <<<"$1" | head -n 1; }
same() { # DESC DIG-ARGS...: our RCODE is Knot's
	local a k
	a=$(q "${@:2}")
	k=$(kq "${@:2}")
	check "$1: RCODE as Knot's ($(st "$k"))" test "$(st "$a")" = "$(st "$k")"
	OUT=$a
}

same "QCLASS ANY" -c ANY www.example.com A
check "QCLASS ANY: the IN data, AA" ok_all "$OUT" 'www\.example\.com\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80' "$AA"
same "opcode STATUS" +opcode=status www.example.com A
check "NOTIMP keeps the OPT record" ok_all "$OUT" 'status: NOTIMP' 'OPT PSEUDOSECTION'
same "TSIG with a key we do not have" -y hmac-sha256:k1:c2VjcmV0c2VjcmV0 www.example.com A
check "NOTAUTH with TSIG error BADKEY, no answer" ok_all "$OUT" 'status: NOTAUTH' \
	'^k1\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADKEY' 'ANSWER: 0'

# ANY: one RRset (RFC 8482 4.1), the same as Knot's, over UDP and TCP
kany() { kdig -p "$1" @127.0.0.1 +timeout=2 +retry=0 +norecurse "${@:2}" 2>&1 | grep -E '^[a-z].*[[:space:]]IN[[:space:]]' | sort; }
for name in www.example.com example.com; do
	ours=$(kany "$PORT" "$name" ANY)
	check "ANY over UDP for $name: one RRset, Knot's" test "$ours" = "$(kany "$KPORT" "$name" ANY)"
	check "ANY over UDP for $name: one type" test "$(awk -v n="$name." '$1 == n {print $4}' <<<"$ours" | sort -u | wc -l)" = 1
done
check "ANY over TCP: one RRset too, as Knot" test "$(kany "$PORT" +tcp www.example.com ANY)" = "$(kany "$KPORT" +tcp www.example.com ANY)"

# FORMERR with an OPT: a query with two questions and EDNS
formerr=$(python3 - "$PORT" <<'PY'
import socket, struct, sys
q = b'\x03www\x07example\x03com\x00' + struct.pack('>HH', 1, 1)
m = struct.pack('>HHHHHH', 7, 0, 2, 0, 0, 1) + q + q + b'\x00' + struct.pack('>HHIH', 41, 1232, 0, 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(m, ('127.0.0.1', int(sys.argv[1])))
r = s.recv(4096)
print('rcode', r[3] & 15, 'arcount', struct.unpack('>H', r[10:12])[0], 'opt', r[-11:-8] == b'\x00\x00\x29')
PY
)
check "FORMERR keeps the OPT record" test "$formerr" = "rcode 1 arcount 1 opt True"

out=$(q CH TXT version.bind +short)
check "--version STRING: version.bind" test "$out" = '"test version 1"'
out=$(q CH TXT id.server +short)
check "id.server is still the identity" test "$out" = '"site-test"'

# a query of 5000 octets over TCP (an OPT padded with an unknown option): answered
big=$(python3 - "$PORT" <<'PY'
import socket, struct, sys
q = b'\x03www\x07example\x03com\x00' + struct.pack('>HH', 1, 1)
pad = struct.pack('>HH', 65001, 5000) + b'\x00' * 5000
m = struct.pack('>HHHHHH', 9, 0, 1, 0, 0, 1) + q + b'\x00' + struct.pack('>HHIH', 41, 1232, 0, len(pad)) + pad
s = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); s.settimeout(3)
s.sendall(struct.pack('>H', len(m)) + m)
b = b''
while len(b) < 2 or len(b) < 2 + struct.unpack('>H', b[:2])[0]:
    d = s.recv(65536)
    if not d: break
    b += d
print(len(m), 'rcode', b[5] & 15 if len(b) > 5 else 'none', 'ancount', struct.unpack('>H', b[8:10])[0] if len(b) > 10 else 0)
PY
)
check "a 5000-octet query over TCP is answered" ok_all "$big" '^5[0-9]{3} rcode 0 ancount 1$'

# a message trickling in, one byte every 400 ms, is cut after --tcp-msg-timeout 1000
cut=$(python3 - "$PORT" <<'PY'
import socket, sys, time
s = socket.create_connection(('127.0.0.1', int(sys.argv[1]))); t = time.time()
try:
    for i in range(20):
        s.send(b'\x01'); time.sleep(0.4)
    print('open')
except OSError:
    print('cut %.0f' % (time.time() - t))
PY
)
log "trickle: $cut"
check "a trickling TCP message is cut (not after 8 s)" ok_all "$cut" '^cut [1-4]$'
# cookies (RFC 7873, RFC 9018): a client cookie gets a server cookie; another instance with
# the same secret accepts it (and keeps it), one with another secret gives a new one
out=$(q +cookie=0123456789abcdef www.example.com A)
check "a client cookie gets a server cookie" ok_all "$out" \
	'^; COOKIE: 0123456789abcdef01000000[0-9a-f]{24} \(good\)$' 'status: NOERROR'
full=$(sed -n 's/^; COOKIE: \([0-9a-f]*\) (good)$/\1/p' <<<"$out")
out=$(python3 - "$PORT" <<'PY'
import socket, struct, sys
q = b'\x03www\x07example\x03com\x00' + struct.pack('>HH', 1, 1)
opt = b'\x00' + struct.pack('>HHIH', 41, 1232, 0, 9) + struct.pack('>HH', 10, 5) + b'\x01' * 5
m = struct.pack('>HHHHHH', 5, 0, 1, 0, 0, 1) + q + opt
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(m, ('127.0.0.1', int(sys.argv[1])))
print('rcode', s.recv(4096)[3] & 15)
PY
)
check "a malformed cookie (5 octets) is FORMERR" test "$out" = "rcode 1"
check "still running" alive "$DNS_PID"
stop_pid "$DNS_PID"
dns_start --cookie-secret "$D/secret"
out=$(q +cookie="$full" www.example.com A)
check "another instance with the same secret accepts the server cookie" contains "$out" "; COOKIE: $full (good)"
stop_pid "$DNS_PID"
echo 00000000000000000000000000000001 >"$D/secret2"
dns_start --cookie-secret "$D/secret2"
out=$(q +cookie="$full" www.example.com A)
check "one with another secret answers with a new server cookie" ok_none "$out" "COOKIE: $full"
check "... and answers" ok_all "$out" 'status: NOERROR' '^; COOKIE: 0123456789abcdef01000000'
stop_pid "$DNS_PID"

dns_start --version hide
out=$(q CH TXT version.bind)
check "--version hide: version.bind REFUSED" ok_all "$out" 'status: REFUSED'
stop_pid "$DNS_PID"
stop_pid "$KNOT_PID"
finish
