#!/usr/bin/env python3
"""Label photos read against their true lists: for a folder with truth.json (file -> {"items":
["name|other name", ...]}) and the photos, runs `regimen scan label --format json` on each and says
how many true ingredients were read (recall) and how many names read are true (precision).

    scripts/label-eval.py ../shared/data/labels-real [target/release/regimen]

The photos of ../shared/data/labels-real are for measuring only: they never go in the repository."""
import json, re, subprocess, sys, os

folder = sys.argv[1]
binary = sys.argv[2] if len(sys.argv) > 2 else 'target/debug/regimen'
truth = json.load(open(os.path.join(folder, 'truth.json')))

def norm(name):
    return re.sub(r'[^a-z0-9]+', ' ', name.lower()).strip()

total_true = total_found = total_read = total_right = 0
for photo, entry in truth.items():
    items = [[norm(a) for a in item.split('|')] for item in entry['items']]
    p = subprocess.run([binary, 'scan', 'label', '--format', 'json', os.path.join(folder, photo)],
                       capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(p.stdout)
    except ValueError:
        print(f'{photo}: not read ({p.stderr.strip()[:120]})')
        total_true += len(items)
        continue
    read = [norm(i.get('inci') or '') for i in report.get('ingredients', [])]
    read = [r for r in read if r]
    found = sum(1 for alts in items if any(a in read for a in alts))
    right = sum(1 for r in read if any(r in alts for alts in items))
    total_true += len(items); total_found += found; total_read += len(read); total_right += right
    print(f'{photo}: {found}/{len(items)} true ingredients read, {right}/{len(read)} names read are true')
print(f'all {len(truth)} photos: recall {total_found}/{total_true} = {100*total_found/max(total_true,1):.0f}%, '
      f'precision {total_right}/{total_read} = {100*total_right/max(total_read,1):.0f}%')
