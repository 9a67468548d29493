# The small lab of the hung-site tests (lab_hang.sh, lab_demo_hang.sh), written to FILE under
# lab name NAME: hang_lab_yaml NAME FILE
#
#   c1 -- r1 ==customer of==> r2 ==peer== r3 -- c2
#                              |           |
#                              s1          s2        (s1, s2: customers, AS 65001)
hang_lab_yaml() {
	cat >"$2" <<EOF2
name: $1
anycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}
nodes:
  r1: {kind: router, asn: 64501, city: paris}
  r2: {kind: router, asn: 64502, city: london}
  r3: {kind: router, asn: 64503, city: new-york}
  s1: {kind: site, asn: 65001, city: london}
  s2: {kind: site, asn: 65001, city: new-york}
  c1: {kind: client, city: paris}
  c2: {kind: client, city: boston}
links:
  - {endpoints: [r2, r1], rel: p2c}
  - {endpoints: [r2, r3], rel: p2p, delay: 2ms}
  - {endpoints: [r2, s1], rel: p2c}
  - {endpoints: [r3, s2], rel: p2c}
  - {endpoints: [r1, c1]}
  - {endpoints: [r3, c2]}
EOF2
}
