#!/bin/bash
# Timing from daemons' own logs (sourced after lib.sh; tests/run.sh skips lib*.sh): when a
# failure is polled through a CLI on a loaded machine, the poll only bounds the moment the
# daemon acted; its log line's millisecond timestamp is that moment.

# log_delay T0_NS FILE REGEX...: the milliseconds from T0_NS to the latest of the first lines
# at or after T0_NS that match each REGEX, by the log's own millisecond timestamps (the moment
# the daemon acted, which polling a CLI on a loaded machine can only bound); fails unless
# every REGEX matched
log_delay() {
	"$PY" - "$@" <<'PYEOF'
import datetime, re, sys
t0, path, pats = int(sys.argv[1]) / 1e6, sys.argv[2], sys.argv[3:]
today = datetime.date.today().isoformat()
first = {}
for ln in open(path, errors="replace"):
    m = re.match(r"(\d{4}[-/]\d\d[-/]\d\d )?(\d\d:\d\d:\d\d\.\d{3})", ln)
    if not m:
        continue
    day = (m.group(1) or today).strip().replace("/", "-")
    ts = datetime.datetime.fromisoformat(day + " " + m.group(2)).timestamp() * 1000
    if ts < t0 - 5:
        continue
    for p in pats:
        if p not in first and re.search(p, ln):
            first[p] = ts
if len(first) < len(pats):
    sys.exit(1)
print(int(round(max(first.values()) - t0)))
PYEOF
}
