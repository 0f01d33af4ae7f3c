#!/usr/bin/env python3
"""Derive data/cosing/inci.tsv from the EU CosIng export in ../shared/data/cosing/cosing.csv.

Keeps each INCI name (non-breaking spaces turned to spaces, whitespace collapsed) and
the functions the analyzer uses, as one-letter codes. See data/cosing/NOTICE for the
attribution the licence requires.

    python3 scripts/derive-cosing.py ../shared/data/cosing/cosing.csv data/cosing/inci.tsv
"""
import csv
import sys

# CosIng function label -> one-letter code (the analyzer's `FunctionCode`).
CODES = {
    "Perfuming": "P",
    "Uv Filter": "U",
    "Uv Absorber": "U",
    "Surfactant - Cleansing": "S",
    "Cleansing": "S",
    "Skin Conditioning - Emollient": "E",
    "Humectant": "H",
    "Skin Conditioning - Humectant": "H",
    "Abrasive": "A",
    "Absorbent": "B",
    "Exfoliating": "X",
    "Keratolytic": "X",
    "Preservative": "R",
    "Surfactant - Emulsifying": "M",
    "Colorant": "C",
    "Solvent": "V",
    "Astringent": "T",
    "Soothing": "O",
}


def main(source, target):
    seen = set()
    rows = []
    with open(source, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = " ".join(row["inci_name"].replace("\xa0", " ").split())
            if not name or name.upper() in seen:
                continue
            seen.add(name.upper())
            functions = [part.strip() for part in row["function"].split(",")]
            codes = "".join(sorted({CODES[f] for f in functions if f in CODES}))
            rows.append((name, codes))
    rows.sort()
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        out.write("# INCI names and function codes derived from the EU CosIng inventory; see NOTICE.\n")
        out.write("# codes: " + " ".join(f"{code}={label}" for label, code in CODES.items()) + "\n")
        for name, codes in rows:
            out.write(f"{name}\t{codes}\n")
    print(f"wrote {len(rows)} names to {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
