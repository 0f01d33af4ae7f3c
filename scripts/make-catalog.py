#!/usr/bin/env python3
"""A large Open Beauty Facts dump for measuring `regimen catalog import` and search:
the real sample (../shared/data/openbeautyfacts) repeated and varied until it has N
products (default 100,000). Each copy gets its own valid EAN-13 (prefix 200, an in-store
range, so no real product's code), a numbered variant in its name, and every other field
as in the sample, so the text the importer parses and analyses is real.

    scripts/make-catalog.py [N] [OUT.jsonl.gz]
"""
import gzip
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "..", "shared", "data", "openbeautyfacts",
                      "openbeautyfacts-products-min.jsonl.gz")
count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
out = sys.argv[2] if len(sys.argv) > 2 else "target/catalog-100k.jsonl.gz"

def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)

with gzip.open(sample, "rt", encoding="utf-8") as f:
    products = [json.loads(line) for line in f if line.strip()]

variants = ["", " Travel", " Refill", " Mini", " XL", " Duo", " Édition", " Sensitive", " Fresh", " Bio"]
written = 0
with gzip.open(out, "wt", encoding="utf-8", compresslevel=6) as f:
    while written < count:
        for product in products:
            if written >= count:
                break
            copy = dict(product)
            round_ = written // len(products)
            copy["code"] = copy["_id"] = ean13(f"200{written:09d}")
            suffix = variants[round_ % len(variants)] + (f" {round_}" if round_ else "")
            for key, value in product.items():
                if key.startswith("product_name") and isinstance(value, str) and value:
                    copy[key] = value + suffix
            f.write(json.dumps(copy, ensure_ascii=False) + "\n")
            written += 1
print(f"{written} products in {out}")
