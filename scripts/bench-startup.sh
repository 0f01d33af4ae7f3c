#!/usr/bin/env bash
# Start-up: whole processes of the release binary, CPU from the operating system
# (scripts/pairs.py: pairs A B A B, quote the medians and the median ratio).
#   scripts/bench-startup.sh [BASELINE]
# Without BASELINE each command is paired with `regimen --version` (a process that
# reads nothing: the floor); with BASELINE (another build's regimen binary) each
# command is paired with the same command of that build.
# Commands: one list analysed; a plan with a 20-product shelf (real products of the
# Open Beauty Facts sample in data/, written to a temporary profile); a plan without
# a shelf (no dictionary needed).
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${1:-}
runs=${RUNS:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet -p regimen-cli
new=./target/release/regimen
python3 - "$work/shelf-20.toml" <<'PY'
import gzip, json, sys
products = []
with gzip.open("data/openbeautyfacts/openbeautyfacts-products-min.jsonl.gz", "rt") as f:
    for line in f:
        p = json.loads(line)
        name, text = p.get("product_name") or "", p.get("ingredients_text") or ""
        if name and "," in text and len(text) < 1500:
            products.append((name, text))
        if len(products) == 20:
            break
with open(sys.argv[1], "w") as out:
    out.write('skin_type = "combination"\nconcerns = ["acne", "pores"]\ngoal = "both"\n')
    for name, text in products:
        out.write(f"\n[[shelf]]\nname = {json.dumps(name)}\ningredients = {json.dumps(text)}\n")
PY
list="Aqua, Glycerin, Niacinamide 10%, Zinc PCA, Parfum"
for args in "analyze '$list'" "plan --profile $work/shelf-20.toml" "plan --profile examples/aging.toml"; do
  echo "== regimen $args"
  if [ -n "$baseline" ]; then
    scripts/pairs.py -n "$runs" --label-a now --label-b baseline "$new $args" "$baseline $args"
  else
    scripts/pairs.py -n "$runs" --label-a now --label-b floor "$new $args" "$new --version"
  fi
done
