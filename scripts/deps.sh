#!/bin/sh
# Install the Debian packages that building, testing and the demo need, if any is missing.
# Called by `make check` and `make demo`; safe to run again (it does nothing when all is there).
set -e
PKGS="build-essential clang clang-format llvm libclang-rt-14-dev pkg-config libmnl-dev libyaml-dev libbz2-dev
      iproute2 iputils-ping procps psmisc valgrind python3 curl libgeonames-dev
      bird2 gobgpd frr exabgp openbgpd stayrtr tcpdump passwd
      dnsutils knot-dnsutils nsd knot dnsperf chromium unbound ldnsutils bind9-utils bind9-dnsutils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Packaged daemons must not start on install: the tests start their own, by PID.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
