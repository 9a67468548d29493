#!/bin/bash
# anycastd's privileges and start-up files:
#  1. `user` (a user this test creates, removed at exit): after start-up /proc/PID/status shows
#     that uid everywhere and CapPrm = CapEff = exactly CAP_NET_ADMIN, CAP_NET_BIND_SERVICE,
#     CAP_NET_RAW; it still reloads (a new service appears) and still binds port 179.
#  2. Its exec check runs as that user with no capability at all.
#  3. `control-group`: the control socket is root-free group-owned 0660: a member of the group
#     may use it, another user may not. `control-readonly`: anyone may `show`, nobody may
#     reload through it (a clear error).
#  4. Started in the background with `-c relative.conf`: exit status 0, the pidfile holds the
#     daemon's pid, `kill -HUP $(cat PIDFILE)` reloads, SIGTERM removes the pidfile.
#  5. Start-up errors before detaching: a second daemon on the same control socket, and a bad
#     file, exit 1 with the reason on stderr.
#  6. Kernel route protocol: at start only routes of our number are flushed (150 by default; a
#     route with FRR's static number 196 survives), and `kernel-protocol 151` moves it.
#  7. A root daemon with `check-user nobody` runs its exec check as nobody.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd useradd userdel groupadd groupdel setpriv python3
require_anycastd

U=acs$$
G=acg$$
useradd --system --no-create-home --user-group --shell /usr/sbin/nologin "$U" || die "useradd failed"
groupadd --system "$G" || die "groupadd failed"
# lib.sh's _cleanup reads $? first: keep it across our own cleanup
trap 'rc=$?; userdel "$U" >/dev/null 2>&1; groupdel "$U" >/dev/null 2>&1; groupdel "$G" >/dev/null 2>&1; (exit $rc); _cleanup' EXIT
UID_U=$(id -u "$U")
# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13)
CAPS=0000000000003400

ns_new a
A=$NS
addr "$A" lo 198.18.0.1/32
mk_tmpdir
D=$TMPD
mkdir -p "$D/run" "$D/out"
chown "$U" "$D/run" "$D/out"

write_conf() {
	{
		echo "router-id 198.18.0.1"
		echo "local-as 65001"
		echo "listen 198.18.0.1"
		echo "user $U"
		echo "control $D/run/ctl.sock"
		echo "control-group $G"
		echo "control-readonly $D/run/ro.sock"
		echo "pidfile $D/run/anycastd.pid"
		echo "service dns {"
		echo "    prefix 192.0.2.0/25"
		echo "    check exec \"id -u > $D/out/check.uid; grep ^CapEff /proc/self/status > $D/out/check.caps\" interval 200ms"
		echo "}"
		[ "${1:-}" = more ] && printf 'listen 198.18.0.9\nservice web {\n    prefix 192.0.2.128/25\n}\n'
	} >"$D/anycastd.conf"
	chmod 644 "$D/anycastd.conf"
}

status_field() { awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"; }
has_service() { anycast_in "$A" "$D/run/ctl.sock" show services --json | grep -q "\"$1\""; }
lacks_service() { ! has_service "$1"; }
# as_nobody [GID] CMD...: run CMD in A as nobody, with only the supplementary group GID if given
as_nobody() {
	local groups=--clear-groups
	case $1 in [0-9]*) groups=--groups=$1; shift ;; esac
	ip netns exec "$A" setpriv --reuid=nobody --regid=nogroup $groups "$@"
}
fails() { ! "$@"; }

echo "== user $U, in the background with a relative -c"
write_conf
ip -n "$A" route add 203.0.113.0/24 dev lo proto 196
ip -n "$A" route add 198.51.100.0/24 dev lo proto 150
out=$(cd "$D" && ip netns exec "$A" "$ANYCASTD" -c anycastd.conf 2>&1)
check "anycastd -c anycastd.conf (relative, background) exits 0 ($out)" test -z "$out"
check_eventually 10 "the pidfile is written" test -s "$D/run/anycastd.pid"
P=$(cat "$D/run/anycastd.pid")
_PIDS+=("$P")
check "the pidfile's pid is anycastd" grep -q anycastd "/proc/$P/comm"
check "/proc/PID/status: Uid is $UID_U (real, effective, saved, fs)" test "$(status_field "$P" Uid)" = "$UID_U $UID_U $UID_U $UID_U"
check "/proc/PID/status: CapPrm is exactly NET_ADMIN, NET_BIND_SERVICE, NET_RAW" test "$(status_field "$P" CapPrm)" = $CAPS
check "/proc/PID/status: CapEff is exactly NET_ADMIN, NET_BIND_SERVICE, NET_RAW" test "$(status_field "$P" CapEff)" = $CAPS
check "/proc/PID/status: no ambient capability" test "$(status_field "$P" CapAmb)" = 0000000000000000
check "still listening on port 179" listening "$A" tcp 179
check "a route of FRR's protocol 196 survived the start" test -n "$(ip -n "$A" route show 203.0.113.0/24 proto 196)"
check "our stale route of protocol 150 was removed at start" test -z "$(ip -n "$A" route show 198.51.100.0/24)"

check_eventually 10 "the exec check ran as $U" grep -qx "$UID_U" "$D/out/check.uid"
check_eventually 10 "the exec check has no capability" grep -q "CapEff:.*0000000000000000" "$D/out/check.caps"

check "control socket: group $G, mode 0660" test "$(stat -c '%G %a' "$D/run/ctl.sock")" = "$G 660"
check "read-only socket: mode 0666" test "$(stat -c '%a' "$D/run/ro.sock")" = 666
check "a member of $G can use the control socket" \
	as_nobody "$(getent group "$G" | cut -d: -f3)" "$ANYCAST" -s "$D/run/ctl.sock" show neighbors
check "another user cannot use the control socket" \
	fails as_nobody "$ANYCAST" -s "$D/run/ctl.sock" show neighbors
check "anyone can 'show' on the read-only socket" as_nobody "$ANYCAST" -s "$D/run/ro.sock" show services
out=$(as_nobody "$ANYCAST" -s "$D/run/ro.sock" reload 2>&1)
rc=$?
check "the read-only socket refuses reload, saying why ($out)" \
	test "$rc" = 1 -a -n "$(printf '%s' "$out" | grep 'read-only control socket')"

write_conf more
anycast_in "$A" "$D/run/ctl.sock" reload >/dev/null
check_eventually 10 "reload as $U through the control socket: service web appears" has_service web
check "reload as $U: a new listen address binds port 179 (CAP_NET_BIND_SERVICE kept)" \
	test -n "$(ip netns exec "$A" ss -Hltn 'src 198.18.0.9:179')"
write_conf
kill -HUP "$(cat "$D/run/anycastd.pid")"
check_eventually 10 "kill -HUP \$(cat PIDFILE): service web goes" lacks_service web

echo "== start-up errors before detaching"
out=$(ip netns exec "$A" "$ANYCASTD" -c "$D/anycastd.conf" 2>&1)
rc=$?
check "a second anycastd on the same control socket exits 1 ($rc)" test $rc = 1
check "... and says why on stderr ($out)" test -n "$(printf '%s' "$out" | grep 'another anycastd is running')"
printf 'router-id 198.18.0.1\nlocal-as 65001\nfoo bar\n' >"$D/bad.conf"
out=$(cd "$D" && "$ANYCASTD" -c bad.conf 2>&1)
rc=$?
check "a bad file exits 1 ($rc) with FILE:LINE:COL, the path made absolute ($out)" \
	test "$rc" = 1 -a -n "$(printf '%s' "$out" | grep "^$D/bad.conf:3:1: ")"

kill -TERM "$P"
check_eventually 10 "SIGTERM: anycastd exits" fails alive "$P"
check "SIGTERM: the pidfile is removed" test ! -e "$D/run/anycastd.pid"

echo "== root with kernel-protocol 151 and check-user nobody"
chmod 1777 "$D/out"
rm -f "$D/out/check.uid"
cat >"$D/root.conf" <<EOF
router-id 198.18.0.1
local-as 65001
control $D/root.sock
kernel-protocol 151
check-user nobody
service dns {
    prefix 192.0.2.0/25
    check exec "id -u > $D/out/check.uid" interval 200ms
}
EOF
ip -n "$A" route add 198.51.100.0/24 dev lo proto 150
ip -n "$A" route add 198.51.100.128/25 dev lo proto 151
spawn "$A" "$D/root.log" "$ANYCASTD" -d -c "$D/root.conf" -p "$D/root.pid"
RP=$SPAWN_PID
check_eventually 10 "-p: the pidfile holds the pid" grep -qx "$RP" "$D/root.pid"
check_eventually 10 "kernel-protocol 151: our stale route of protocol 151 was removed" \
	test -z "$(ip -n "$A" route show 198.51.100.128/25)"
check "kernel-protocol 151: a route of protocol 150 is not ours any more and stays" \
	test -n "$(ip -n "$A" route show 198.51.100.0/24 proto 150)"
check "a route of protocol 196 still stays" test -n "$(ip -n "$A" route show 203.0.113.0/24 proto 196)"
check_eventually 10 "check-user nobody: the exec check ran as nobody" grep -qx "$(id -u nobody)" "$D/out/check.uid"
stop_pid "$RP"
check "-p: the pidfile is removed at exit" test ! -e "$D/root.pid"
finish
