#!/usr/bin/env bash
# Load test on loopback: POST /api/v1/plan beside GET /healthz, in the same run, with
# wrk at 32 connections (installed from Debian's packages if missing). Prints requests
# per second and p99 latency of each, and plan throughput as a share of healthz.
# Targets: plan throughput >= 50% of healthz, p99 < 10 ms at 32 connections.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
cargo build --release --quiet
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
./target/release/regimen serve --addr "127.0.0.1:$port" --db "sqlite://$work/regimen.db" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cat > "$work/plan.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"skin_type": "combination", "concerns": ["acne", "dullness"], "goal": "both", "minutes_am": 5, "minutes_pm": 20, "start": "2026-12-01"}'
LUA
run() { # name, url, extra args
  local name=$1 url=$2; shift 2
  wrk -t"$threads" -c"$connections" -d"$duration" --latency "$@" "$url" > "$work/$name.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$name.txt")
  echo "$name $rps $p99"
}
health=$(run healthz "http://127.0.0.1:$port/healthz")
plan=$(run plan "http://127.0.0.1:$port/api/v1/plan" -s "$work/plan.lua")
printf '%-28s %12s %10s\n' "endpoint ($connections conns)" "requests/s" "p99"
read -r _ hrps hp99 <<<"$health"
read -r _ prps pp99 <<<"$plan"
printf '%-28s %12s %10s\n' "GET /healthz" "$hrps" "$hp99" "POST /api/v1/plan" "$prps" "$pp99"
python3 -c "import sys; print(f'plan throughput: {100*float(sys.argv[2])/float(sys.argv[1]):.0f}% of healthz (target >= 50%)')" "$hrps" "$prps"

# ---- Under attack (issue #10): /healthz latency and the server's memory while it is
# attacked, each attack beside the same healthz load. RSS is the server's resident
# memory after the attack, and its peak (VmHWM).
rss() { awk '/VmRSS/ {r=$2} /VmHWM/ {h=$2} END {printf "%d MiB (peak %d MiB)", r/1024, h/1024}' "/proc/$1/status"; }
attack() { # name, then the attacker command (run in the background during the healthz run)
  local name=$1; shift
  "$@" >/dev/null 2>&1 &
  local attacker=$!
  sleep 1
  local h
  h=$(run "healthz-${name// /-}" "http://127.0.0.1:$port/healthz")
  kill "$attacker" 2>/dev/null || true
  wait "$attacker" 2>/dev/null || true
  read -r _ hrps hp99 <<<"$h"
  printf '%-34s %12s %10s   server %s\n' "healthz during $name" "$hrps" "$hp99" "$(rss "$server")"
}
echo
echo "under attack (local server, $connections healthz connections beside each attack):"
printf '%-34s %12s %10s   server %s\n' "idle" "" "" "$(rss "$server")"
# Heavy plans: 4 clients asking for 12-week plans with 100 events each, nonstop.
python3 - "$work/heavy.lua" <<'PY'
import json, sys, datetime
start = datetime.date(2026, 12, 1)
events = [str(start + datetime.timedelta(days=3 * i)) for i in range(100)]
body = json.dumps({"skin_type": "combination", "concerns": ["acne", "dullness"], "goal": "both",
                   "start": str(start), "events": events, "avoid": ["fragrance", "lavender"]})
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' % json.dumps(body))
PY
attack "4 heavy-plan clients" wrk -t1 -c4 -d"$duration" -s "$work/heavy.lua" "http://127.0.0.1:$port/api/v1/plan?weeks=12"
# Slow clients: 200 connections that send their headers one byte a second.
cat > "$work/slow.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1]); conns = []
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", port)); s.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"); conns.append(s)
while True:
    for s in conns:
        try: s.send(b"X")
        except OSError: pass
    time.sleep(1)
PY
attack "200 slow clients" python3 "$work/slow.py" "$port"
kill $server 2>/dev/null; wait $server 2>/dev/null || true
# Sign-in bursts need accounts: a multi-user server on its own database.
REGIMEN_CLIENT_IP_HEADER=x-real-ip ./target/release/regimen serve --multi-user --addr "127.0.0.1:$port" --db "sqlite://$work/multi.db" 2>"$work/multi.log" &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cat > "$work/signin.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- Each sign-in from its own address (through the proxy header the server trusts here),
-- so that the per-client limit does not answer them before their passwords are hashed.
request = function()
  local headers = {["Content-Type"] = "application/json",
    ["X-Real-IP"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)}
  return wrk.format(nil, "/api/v1/sessions", headers,
    '{"username": "nobody' .. math.random(1, 1000000) .. '", "password": "not the password"}')
end
LUA
printf '%-34s %12s %10s   server %s\n' "idle (multi-user)" "" "" "$(rss "$server")"
attack "200 concurrent sign-ins" wrk -t2 -c200 -d"$duration" -s "$work/signin.lua" "http://127.0.0.1:$port"
