#!/usr/bin/env bash
# End-to-end bulk analysis: CSV in, JSON lines out, with the release binary.
# Builds a 100,000-row catalog from the retailer data in ../shared/data (or from the
# shipped examples' ingredient lists when that is absent) and prints rows per second.
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
start=$(date +%s.%N)
./target/release/regimen analyze --csv "$work/catalog.csv" --column ingredients --name-column name --format jsonl > "$work/out.jsonl"
end=$(date +%s.%N)
lines=$(wc -l < "$work/out.jsonl")
python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); n=int(sys.argv[3]); print(f'{n} rows in {s:.2f} s: {n/s:,.0f} rows per second (CSV in, JSON lines out)')" "$start" "$end" "$lines"
