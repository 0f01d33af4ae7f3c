#!/usr/bin/env bash
# Writes to a running server while the catalog import of scripts/bench-catalog.sh runs on the
# same SQLite database: how many were stored, and the slowest. Run bench-catalog.sh first
# (it builds the release binary and the 100k dump).
set -u
cd "$(dirname "$0")/.."
work=$(mktemp -d)
port=18555
./target/release/regimen serve --addr 127.0.0.1:$port --db "sqlite://$work/regimen.db" 2>"$work/server.log" &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
./target/release/regimen catalog --db "sqlite://$work/regimen.db" import target/catalog-100k.jsonl.gz > "$work/import.log" 2>&1 &
import=$!
n=0; bad=0; worst=0
start=$(date +%s)
while kill -0 $import 2>/dev/null; do
  day=$(date -d "2020-01-01 + $n days" +%F)
  out=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" -H 'content-type: application/json' -d "{\"date\": \"$day\", \"ratings\": {\"acne\": 3}}" http://127.0.0.1:$port/api/v1/checkins)
  code=${out% *}; t=${out#* }
  n=$((n+1))
  [ "$code" = 201 ] || bad=$((bad+1))
  worst=$(python3 -c "print(max($worst, $t))")
  sleep 0.05
done
echo "writes during the import: $n, not stored: $bad, slowest: ${worst}s, import: $(tail -3 $work/import.log | head -1)"
kill $server; wait $server 2>/dev/null; rm -rf "$work"
