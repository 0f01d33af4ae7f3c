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
