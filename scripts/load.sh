#!/usr/bin/env bash
# Load test on loopback: POST /api/v1/plan beside GET /healthz, in the same run, with
# wrk at 32 connections (installed from Debian's packages if missing). Prints requests
# per second and p99 latency of each, and plan throughput as a share of healthz.
# Targets: plan throughput >= 50% of healthz, p99 < 10 ms at 32 connections; reading a
# saved 12-week plan with a 20-product shelf >= 30% of healthz (issue #13).
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

# ---- A saved plan read (issue #13): a 12-week plan of a profile with 20 shelf products
# (the example shelf's six lists, each under a few names), read in full and with the
# ETag of the copy a client keeps (304).
python3 - "$work" <<'PY'
import json, sys, tomllib
work = sys.argv[1]
example = tomllib.load(open("examples/shelf.toml", "rb"))
products = [dict(p, name=f"{p['name']} ({i // len(example['shelf']) + 1})")
            for i, p in enumerate(example["shelf"] * 4)][:20]
open(f"{work}/products.json", "w").write(json.dumps(products))
profile = {k: v for k, v in example.items() if k != "shelf"}
open(f"{work}/profile.json", "w").write(json.dumps(profile))
PY
api="http://127.0.0.1:$port/api/v1"
python3 - "$work" "$api" <<'PY'
import json, sys, urllib.request
work, api = sys.argv[1], sys.argv[2]
def post(path, body):
    request = urllib.request.Request(api + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
for product in json.load(open(f"{work}/products.json")):
    post("/shelf", product)
profile = post("/profiles", json.load(open(f"{work}/profile.json")))
plan = post("/plans", {"profile_id": profile["id"], "weeks": 12, "start": "2026-12-01"})
assert len(plan["profile"]["shelf"]) == 20, plan["profile"]["shelf"]
response = urllib.request.urlopen(f"{api}/plans/{plan['id']}")
open(f"{work}/plan-id", "w").write(str(plan["id"]))
open(f"{work}/plan-etag", "w").write(response.headers["ETag"])
open(f"{work}/plan-bytes", "w").write(str(len(response.read())))
PY
plan_id=$(cat "$work/plan-id")
printf 'wrk.headers["If-None-Match"] = %s\n' "$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$work/plan-etag")" > "$work/etag.lua"
health=$(run healthz-2 "http://127.0.0.1:$port/healthz")
saved=$(run saved "$api/plans/$plan_id")
kept=$(run kept "$api/plans/$plan_id" -s "$work/etag.lua")
read -r _ hrps hp99 <<<"$health"
read -r _ srps sp99 <<<"$saved"
read -r _ krps kp99 <<<"$kept"
echo
printf '%-28s %12s %10s\n' "endpoint ($connections conns)" "requests/s" "p99"
printf '%-28s %12s %10s\n' "GET /healthz" "$hrps" "$hp99" "GET saved plan ($(($(cat "$work/plan-bytes") / 1024)) KiB)" "$srps" "$sp99" "GET saved plan, 304" "$krps" "$kp99"
python3 -c "import sys; h=float(sys.argv[1]); print(f'saved-plan read: {100*float(sys.argv[2])/h:.0f}% of healthz in full, {100*float(sys.argv[3])/h:.0f}% as a 304 (target >= 30%)')" "$hrps" "$srps" "$krps"

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
start = datetime.date.today() + datetime.timedelta(days=1)  # events still to come
events = [str(start + datetime.timedelta(days=3 * i)) for i in range(100)]
body = json.dumps({"skin_type": "combination", "concerns": ["acne", "dullness"], "goal": "both",
                   "start": str(start), "events": events, "avoid": ["fragrance", "lavender"]})
open(sys.argv[1], "w").write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' % json.dumps(body))
PY
attack "4 heavy-plan clients" wrk -t1 -c4 -d"$duration" -s "$work/heavy.lua" "http://127.0.0.1:$port/api/v1/plan?weeks=12"
# Slow clients: 200 connections that send their headers one byte a second (from
# 127.0.0.4: one client; healthz's wrk is another).
cat > "$work/slow.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1]); conns = []
for _ in range(200):
    s = socket.socket(); s.bind(("127.0.0.4", 0)); s.connect(("127.0.0.1", port))
    s.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"); conns.append(s)
while True:
    for s in conns:
        try: s.send(b"X")
        except OSError: pass
    time.sleep(1)
PY
attack "200 slow clients" python3 "$work/slow.py" "$port"
# One client (its own address: 127.0.0.2; healthz's wrk is 127.0.0.1) with 1,100
# connections that pipeline requests for the OpenAPI document and never read the answers
# (issue #17: they once filled every connection slot and /healthz answered nothing).
cat > "$work/noread.py" <<'PY'
import socket, sys, time
port, source, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]); conns = []
ask = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 200
for _ in range(count):
    try:
        s = socket.socket(); s.bind((source, 0)); s.connect(("127.0.0.1", port)); s.setblocking(False)
        try: s.send(ask)
        except OSError: pass
        conns.append(s)
    except OSError: pass
while True:
    for s in conns:
        try: s.send(ask)
        except OSError: pass
    time.sleep(1)
PY
attack "1,100 non-reading connections" python3 "$work/noread.py" "$port" 127.0.0.2 1100
# One client trickling photo bodies a byte a second on 1,100 connections (127.0.0.3).
cat > "$work/trickle.py" <<'PY'
import socket, sys, time
port, source, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]); conns = []
head = (b"POST /api/v1/photos?date=2026-12-01 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: image/jpeg\r\nContent-Length: 15000000\r\n\r\n\xff")
for _ in range(count):
    try:
        s = socket.socket(); s.bind((source, 0)); s.connect(("127.0.0.1", port)); s.send(head); conns.append(s)
    except OSError: pass
while True:
    for s in conns:
        try: s.send(b"\xd8")
        except OSError: pass
    time.sleep(1)
PY
attack "1,100 trickled uploads" python3 "$work/trickle.py" "$port" 127.0.0.3 1100
# 100 photo uploads held at 15 of 16 MB (issue #17: they once took the server to 1.58 GB).
cat > "$work/held.py" <<'PY'
import socket, sys, time
port = int(sys.argv[1]); conns = []
head = (b"POST /api/v1/photos?date=2026-12-01 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: image/jpeg\r\nContent-Length: 16000000\r\n\r\n")
jpeg = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffc0000b080030004001011100")
chunk = b"\0" * (1 << 20)
for i in range(100):
    try:
        s = socket.socket(); s.bind(("127.0.0.5", 0)); s.connect(("127.0.0.1", port)); s.settimeout(5)
        s.send(head + jpeg)
        for _ in range(15): s.sendall(chunk)
        conns.append(s)
    except OSError: pass
while True: time.sleep(1)
PY
attack "100 uploads held at 15 of 16 MB" python3 "$work/held.py" "$port"
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
# A sign-up burst from one client (issue #17: once 648 accounts in 20 s).
python3 - "$port" <<'PY'
import json, sys, urllib.request, urllib.error
port = int(sys.argv[1]); codes = {}
for i in range(200):
    body = json.dumps({"username": f"flood{i}", "password": "a long enough phrase"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/accounts", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "X-Real-IP": "10.200.0.1"})
    try: code = urllib.request.urlopen(request).status
    except urllib.error.HTTPError as e: code = e.code
    codes[code] = codes.get(code, 0) + 1
print(f"{'200 sign-ups from one client':34s} answers {dict(sorted(codes.items()))}")
PY
