#!/usr/bin/env bash
# Barcode photos: regimen's CPU against zbarimg's on the same phone photos (ZXing's test
# photos in data/barcodes), whole processes, side by side (scripts/pairs.py: pairs
# A B A B, CPU from wait4; quote the median ratio). Installs zbar-tools (Debian) if missing.
#   scripts/bench-barcode.sh [SET]   (SET: ean13-3 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
set_name=${1:-ean13-3}
dir=data/barcodes/$set_name
[ -d "$dir" ] || { echo "no $dir (the repository's data folder)" >&2; exit 2; }
if ! command -v zbarimg >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq zbar-tools >/dev/null; else sudo apt-get install -y -qq zbar-tools >/dev/null; fi
fi
cargo build --release --quiet
photos=$( (ls "$dir"/*.png "$dir"/*.jpg 2>/dev/null || true) | head -20 | tr '\n' ' ')
count=$(echo "$photos" | wc -w)
echo "== $count photos of $set_name: regimen scan barcode (A) against zbarimg (B)"
scripts/pairs.py -n 5 --shell --label-a regimen --label-b zbarimg \
  "for f in $photos; do ./target/release/regimen scan barcode \$f >/dev/null || true; done" \
  "for f in $photos; do zbarimg -q \$f >/dev/null || true; done"
