#!/bin/bash
# `anycast lab demo` end to end, on examples/lab/seed.yaml: the seed lab is built, Paris is
# answered by London; when London's service fails, Paris is answered by another site within
# 1 s and the lost queries are counted; a site crash moves it again; the clients' pings find
# 192.0.2.1 anycast at New York, London and Tokyo and nyc's own address unicast; the whole demo
# takes less than 90 s and leaves no namespace, process or state behind, also when interrupted
# (SIGINT) half-way. The HTML report is opened in headless Chromium and its screenshot kept
# as build/test-logs/lab_report.png.
. "$(dirname "$0")/lib.sh"

require_root
require_anycastd
require_cmd ip "$PY"
LAB=seed
[ -e "/run/anycast/lab/$LAB" ] && skip "a lab named $LAB is up: anycast lab down $LAB"
mk_tmpdir
T=$TMPD

# Everything lab seed could have left: its state, its namespaces, its processes (anycastd,
# anycast-dns and the wire all name a file under its state directory) and the demo's probes.
leftovers() {
	local p cmd
	[ -e "/run/anycast/lab/$LAB" ] && echo "state directory /run/anycast/lab/$LAB"
	ip netns list 2>/dev/null | awk '{print $1}' | grep "^$LAB-" | sed 's/^/namespace /'
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" = $$ ] && continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		# this test's demos (this binary, the default lab name), not another test's or lab's
		case $cmd in
		*" --name "*) ;;
		*/run/anycast/lab/$LAB/* | "$ANYCAST lab demo"*) echo "process ${p#/proc/}: $cmd" ;;
		esac
	done
}
nothing_left() {
	local l
	l=$(leftovers)
	[ -z "$l" ] && return 0
	echo "$l"
	return 1
}
# a failed test must not leave a lab for the next one
tidy() { nothing_left >/dev/null || "$ANYCAST" lab down "$LAB" >/dev/null 2>&1; }

# ---------------------------------------------------------------- the demo

t0=$(date +%s%N)
"$ANYCAST" lab demo --json --report "$T/report.html" >"$T/demo.json" 2>"$T/demo.err" </dev/null
rc=$?
took=$(( ($(date +%s%N) - t0) / 1000000 ))
sed 's/^/       | /' "$T/demo.err"
check "demo exits 0" test $rc = 0
check "demo takes less than 90 s (${took} ms)" test "$took" -lt 90000
J=$(cat "$T/demo.json")
check "stdout is one JSON document" jcheck "$J" "isinstance(d, dict)"
check "anycast address and sites" \
	jcheck "$J" "d['anycast_address']=='192.0.2.1' and sorted(d['sites'])==['lon','nyc','tyo']"
check "every client has a site and an RTT" \
	jcheck "$J" "len(d['clients'])>=7 and all(c['site'] in d['sites'] and c['rtt_ms']>0 for c in d['clients'])"
check "paris is answered by lon" \
	jcheck "$J" "[c['site'] for c in d['clients'] if c['name']=='paris']==['lon']"
check "paris has an RTT to each site's own address" \
	jcheck "$J" "all(v>0 for c in d['clients'] if c['name']=='paris' for v in c['unicast_rtt_ms'].values())"
# the failover entries of lon's service failure and of the crash, for paris
SVC="[f for f in d['failover'] if f['kind']=='service' and f['failed']=='lon' and f['client']=='paris'][0]"
CRASH="[f for f in d['failover'] if f['kind']=='site' and f['client']=='paris'][0]"
IV="d['failures'][0]['interval_ms']"
check "service failure: paris moves from lon to another site" \
	jcheck "$J" "$SVC['site_before']=='lon' and $SVC['new_site'] in d['sites'] and $SVC['new_site']!='lon'"
check "service failure: paris answered again within 1 s" \
	jcheck "$J" "$SVC['recovered'] and 0 < $SVC['outage_ms'] < 1000"
check "service failure: losses counted (0 < lost <= sent)" \
	jcheck "$J" "$SVC['sent']>=500 and 0 < $SVC['lost'] <= $SVC['sent']"
# the lost queries are the outage: at one query per interval, lost x interval is the outage
# less what was still answered (or in flight) just after the failure
check "service failure: lost queries consistent with the outage" \
	jcheck "$J" "$SVC['lost']*$IV <= $SVC['outage_ms'] + 2*$IV and $SVC['outage_ms'] <= $SVC['lost']*$IV + 300"
check "every failover entry: 0 <= lost <= sent, outage >= 0" \
	jcheck "$J" "len(d['failover'])>=14 and all(0<=f['lost']<=f['sent'] and f['sent']>0 and f['outage_ms']>=0 for f in d['failover'])"
check "clients of other sites are not disturbed by lon's failure" \
	jcheck "$J" "all(f['new_site']==f['site_before'] for f in d['failover'] if f['kind']=='service' and f['site_before']!='lon')"
check "site crash: paris answered by another site" \
	jcheck "$J" "$CRASH['recovered'] and $CRASH['new_site'] in d['sites'] and $CRASH['new_site']!=$CRASH['failed']"
check "after each heal every client had its site back" \
	jcheck "$J" "all(f['heal_ms'] is not None for f in d['failures'])"
# the chapter "is 192.0.2.1 anycast?", measured after the heals from every client's pings
DET="d['chapters']['detect']"
check "detect: 192.0.2.1 is anycast" jcheck "$J" "$DET['anycast'] is True"
check "detect: 3 sites, in New York, London and Tokyo" \
	jcheck "$J" "sorted(s['city'] for s in $DET['sites'])==['London','New York','Tokyo']"
check "detect: nyc's own address is judged unicast" \
	jcheck "$J" "$DET['unicast_check'] is True and $DET['unicast_site']=='nyc' and $DET['unicast_address'].startswith('198.51.100.')"
check "detect: the terminal answer" grep -q "^is 192.0.2.1 anycast? yes: 3 sites: " "$T/demo.err"
# the chapter "DDoS": 1.5 x a site's capacity, concentrated in lon's catchment, then spread,
# then against lon alone
DD="d['chapters']['ddos']"
DS="{s['name']: s for s in $DD['concentrated']['sites']}"
DV="{v['client']: v for v in $DD['concentrated']['victims']}"
check "ddos: concentrated: lon drops, nyc and tyo do not; their clients lose nothing" \
	jcheck "$J" "$DS['lon']['dropped']>0 and $DS['nyc']['dropped']==0 and $DS['tyo']['dropped']==0 and $DV['boston']['lost']==0 and $DV['seoul']['lost']==0"
check "ddos: the top level is the concentrated run (DESIGN.md's shape)" \
	jcheck "$J" "$DD['sites']==$DD['concentrated']['sites'] and $DD['victims']==$DD['concentrated']['victims']"
check "ddos: concentrated: lon sheds mumbai to tyo and takes it back" \
	jcheck "$J" "$DV['mumbai']['sites_seen']==['lon','tyo','lon']"
check "ddos: distributed: no site drops" \
	jcheck "$J" "all(s['dropped']==0 for s in $DD['distributed']['sites'])"
check "ddos: unicast: every client loses queries at the one site left" \
	jcheck "$J" "$DD['unicast']['failed']=='nyc,tyo' and all(v['site']=='lon' and v['lost']>0 for v in $DD['unicast']['victims'])"
check "demo leaves no namespace, process or state behind" nothing_left
tidy

# ---------------------------------------------------------------- the report

check "report written" test -s "$T/report.html"
check "report is self-contained, with a map and a timeline per failover" \
	"$PY" - "$T/report.html" <<'EOF'
import sys
h = open(sys.argv[1], encoding='utf-8').read()
assert h.startswith('<!DOCTYPE html>') and h.rstrip().endswith('</html>'), 'not a whole page'
for bad in ('http:', 'https:', '<script', ' src=', '<link'):
    assert bad not in h, 'refers to something outside: ' + bad
assert h.count('<svg') == 4, h.count('<svg')
assert h.count('class="site"') == 3 and h.count('class="client"') >= 7
assert h.count('class="serve"') >= 7, 'a line from each client to its site'
assert '>paris</text>' in h and 'class="fail"' in h
assert 'Is 192.0.2.1 anycast?</h2>' in h and h.count('class="detected"') == 3, 'detect chapter'
assert '<h2 id="tcp">' in h and 'the drain broke <b>0</b> of 12' in h, 'tcp chapter'

EOF
CHROME=""
for c in chromium chromium-browser google-chrome; do
	command -v "$c" >/dev/null 2>&1 && CHROME=$c && break
done
if [ -z "$CHROME" ]; then
	log "no chromium: report screenshot skipped"
else
	PROFILE=$(mktemp -d "$T/chrome.XXXXXX")
	shot() { # NAME PAGE HEIGHT: headless Chromium's screenshot of PAGE in $T/NAME.png
		timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$PROFILE" --screenshot="$T/$1.png" --window-size=1400,$3 \
			"file://$2" >"$T/chrome-$1.log" 2>&1
	}
	mkdir -p "$TOP/build/test-logs"
	shot report "$T/report.html" 1000
	check "chromium screenshot of the report" test -s "$T/report.png"
	check "screenshot shows a page with a map (size, many colours)" \
		"$PY" "$TOP/tests/integration/pngcheck.py" "$T/report.png" 1400 1000 6
	cp "$T/report.png" "$TOP/build/test-logs/lab_report.png" &&
		log "screenshot: build/test-logs/lab_report.png"
	# Each chapter of the default demo alone on a page with the report's own styles, so that
	# the screenshot shows that chapter whatever the page's length: what it draws is checked
	# in the pixels, what it says in the HTML.
	for ch in detect hijack ddos tcp; do
		if ! grep -q "<h2 id=\"$ch\"" "$T/report.html"; then
			fail "the report has the chapter $ch"
			continue
		fi
		"$PY" - "$T/report.html" "$ch" "$T/chapter-$ch.html" <<'EOF'
import sys
h = open(sys.argv[1], encoding='utf-8').read()
start = h.index('<h2 id="%s"' % sys.argv[2])
end = h.find('<h2', start + 4)
if end < 0:
    end = h.index('</body>')
body = h.index('>', h.index('<body')) + 1
open(sys.argv[3], 'w', encoding='utf-8').write(h[:body] + h[start:end] + '</body></html>\n')
EOF
		shot "chapter-$ch" "$T/chapter-$ch.html" 900
		check "screenshot of the report's $ch chapter: drawn, not blank" \
			"$PY" "$TOP/tests/integration/pngcheck.py" "$T/chapter-$ch.png" 1400 900 6
		cp "$T/chapter-$ch.png" "$TOP/build/test-logs/lab_report_$ch.png"
	done
	log "chapter screenshots: build/test-logs/lab_report_{detect,hijack,ddos,tcp}.png"
fi

# ---------------------------------------------------------------- interrupted

"$ANYCAST" lab demo >"$T/int.out" 2>"$T/int.err" </dev/null &
DEMO=$!
_PIDS+=("$DEMO")
# half-way: the lab is up and the clients are measuring
wait_until 60 grep -q "measuring from" "$T/int.err" || fail "SIGINT: the demo never got its lab up"
kill -INT "$DEMO"
if wait_exit "$DEMO" 30; then
	check "SIGINT: demo exits 130" test "$EXIT_STATUS" = 130
else
	fail "SIGINT: demo still running 30 s later"
	stop_pid "$DEMO" KILL
fi
sed 's/^/       | /' "$T/int.err"
check "SIGINT: no namespace, process or state left" nothing_left
tidy

# ---------------------------------------------------------------- a lab of that name is up

# (its state directory stands for it) the demo refuses, and leaves that lab alone
mkdir -p "/run/anycast/lab/$LAB"
"$ANYCAST" lab demo >"$T/busy.out" 2>"$T/busy.err" </dev/null
rc=$?
check "lab already up: demo refuses (exit 1)" test $rc = 1
check "lab already up: the hint says how to take it down" grep -q "anycast lab down $LAB" "$T/busy.err"
check "lab already up: the demo did not touch it" test -d "/run/anycast/lab/$LAB"
rmdir "/run/anycast/lab/$LAB"
finish
