#!/usr/bin/env bash
# End-to-end bulk analysis: CSV in, JSON lines out, with the release binary.
# Builds a 100,000-row catalog from the retailer data in ../shared/data (or from the
# shipped examples' ingredient lists when that is absent) and prints rows per second on
# one thread and on every core, checking that both give the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source_csv=../shared/data/lookfantastic/skincare_products_clean.csv
python3 - "$source_csv" "$work/catalog.csv" "$rows" <<'PY'
import csv, os, sys
source, target, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
if os.path.exists(source):
    with open(source, newline="") as f:
        records = [(r["product_name"], r["clean_ingreds"]) for r in csv.DictReader(f)]
else:
    records = [("Serum", "Aqua, Glycerin, Niacinamide 10%, Zinc PCA, Phenoxyethanol"),
               ("Clay Mask", "Kaolin, Aqua, Bentonite, Glycerin, Parfum, Limonene"),
               ("Cleanser", "Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Glycerin")]
with open(target, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "ingredients"])
    for i in range(rows):
        w.writerow(records[i % len(records)])
PY
cargo build --release --quiet
run() {
  local threads=$1
  local start end
  start=$(date +%s.%N)
  ./target/release/regimen analyze --csv "$work/catalog.csv" --column ingredients --name-column name --format jsonl --threads "$threads" > "$work/out-$threads.jsonl"
  end=$(date +%s.%N)
  python3 -c "print(float('$end') - float('$start'))"
}
cores=$(nproc)
one=$(run 1)
all=$(run "$cores")
cmp -s "$work/out-1.jsonl" "$work/out-$cores.jsonl" || { echo "the outputs differ" >&2; exit 1; }
lines=$(wc -l < "$work/out-1.jsonl")
python3 -c "
one, all, n, cores = float('$one'), float('$all'), int('$lines'), int('$cores')
print(f'{n} rows, CSV in, JSON lines out: 1 thread {one:.2f} s ({n/one:,.0f} rows/s); {cores} threads {all:.2f} s ({n/all:,.0f} rows/s): {one/all:.2f}x on {cores} cores, the same bytes')
"
