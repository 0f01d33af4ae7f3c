#!/usr/bin/env bash
# The catalog at scale: a 100,000-product Open Beauty Facts dump made from the shared
# sample (scripts/make-catalog.py), imported with its rate and peak memory, then
# GET /api/v1/catalog?q= searched on loopback with wrk through a list of real queries
# (name words, brands, typos, accents, barcodes): p50 and p99 at 1 connection, and
# requests per second at 16.
set -euo pipefail
cd "$(dirname "$0")/.."
products=${PRODUCTS:-100000}
dump=target/catalog-$((products / 1000))k.jsonl.gz
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
cargo build --release --quiet
[ -f "$dump" ] || python3 scripts/make-catalog.py "$products" "$dump"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'kill ${server:-} 2>/dev/null; wait ${server:-} 2>/dev/null; rm -rf "$work"' EXIT
echo "== import of $dump"
/usr/bin/time -f "peak memory: %M KiB, wall %e s" ./target/release/regimen catalog --db "sqlite://$work/regimen.db" import "$dump"
echo "== importing it again (every product unchanged)"
/usr/bin/time -f "peak memory: %M KiB, wall %e s" ./target/release/regimen catalog --db "sqlite://$work/regimen.db" import "$dump"
./target/release/regimen serve --addr "127.0.0.1:$port" --db "sqlite://$work/regimen.db" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
cat > "$work/search.lua" <<'LUA'
local queries = {
  "nivea", "creme hydratante", "crème hydratante", "dr bronner", "bronnr", "shampooing",
  "l'oreal elseve", "gel douche", "savon", "lait corporel", "serum", "eau de toilette",
  "niveo creme", "shampoing", "deodorant", "creme solaire", "mixa", "garnier",
  "0018787810545", "3058325050054", "dentifrice", "baume levres", "masque", "huile"
}
local i = 0
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]
  return wrk.format("GET", "/api/v1/catalog?q=" .. q:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
LUA
# The first search reads the catalog's words; what follows is what people wait for.
curl -sf "http://127.0.0.1:$port/api/v1/catalog?q=nivea" >/dev/null
echo "== search, 1 connection"
wrk -t1 -c1 -d"${DURATION:-10s}" --latency -s "$work/search.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%"
echo "== search, 16 connections"
wrk -t2 -c16 -d"${DURATION:-10s}" --latency -s "$work/search.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%"
echo "server peak memory: $(grep VmHWM /proc/$server/status)"
