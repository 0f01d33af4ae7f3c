#!/usr/bin/env python3
"""Barcode photos read by regimen and by zbarimg, side by side: for each photo of the given
folders (each photo beside a .txt with its true code, as in ZXing's test sets), whether each
reader answers the true code, a wrong one or none, and the CPU time of each whole process.

    scripts/barcode-eval.py data/barcodes/* [--regimen target/release/regimen]

A UPC-A read as its 13-digit EAN form (a leading 0) counts as the same code, as does a
UPC-E read as its UPC-A expansion. Needs zbarimg (Debian: apt-get install zbar-tools)."""
import os, resource, subprocess, sys, json

args = [a for a in sys.argv[1:]]
binary = 'target/release/regimen'
if '--regimen' in args:
    i = args.index('--regimen'); binary = args[i + 1]; del args[i:i + 2]
folders = [a for a in args if os.path.isdir(a)]
if not folders:
    sys.exit(__doc__)


def upc_e_to_a(code):
    if len(code) != 8 or code[0] not in '01':
        return code
    ns, x, check = code[0], code[1:7], code[7]
    last = x[5]
    if last in '012':
        body = x[0] + x[1] + last + '0000' + x[2] + x[3] + x[4]
    elif last == '3':
        body = x[0] + x[1] + x[2] + '00000' + x[3] + x[4]
    elif last == '4':
        body = x[0] + x[1] + x[2] + x[3] + '00000' + x[4]
    else:
        body = x[0] + x[1] + x[2] + x[3] + x[4] + '0000' + last
    return ns + body + check


def forms(code):
    """The forms one code can be read as."""
    code = code.strip()
    out = {code, code.lstrip('0')}
    if len(code) == 8:
        out |= {upc_e_to_a(code), '0' + upc_e_to_a(code)}
    if len(code) == 12:
        out.add('0' + code)
    if len(code) == 13 and code.startswith('0'):
        out.add(code[1:])
    return out


def timed(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, cpu


def regimen(photo):
    p, cpu = timed([binary, 'scan', 'barcode', '--format', 'json', photo])
    try:
        return json.loads(p.stdout).get('code'), cpu
    except ValueError:
        return None, cpu


def zbar(photo):
    p, cpu = timed(['zbarimg', '-q', '--raw', photo])
    lines = [l.strip() for l in p.stdout.splitlines() if l.strip()]
    return (lines[0] if lines else None), cpu


def verdict(read, truth):
    if not read:
        return 'none'
    return 'right' if forms(read) & forms(truth) else 'wrong'


totals = {}
only = {'regimen': [], 'zbar': []}
for folder in folders:
    photos = sorted(f for f in os.listdir(folder) if f.rsplit('.', 1)[-1].lower() in ('png', 'jpg', 'jpeg'))
    counts = {r: {'right': 0, 'wrong': 0, 'none': 0, 'cpu': 0.0} for r in ('regimen', 'zbar')}
    for photo in photos:
        truth_file = os.path.join(folder, photo.rsplit('.', 1)[0] + '.txt')
        if not os.path.exists(truth_file):
            continue
        truth = open(truth_file).read().strip()
        path = os.path.join(folder, photo)
        got = {}
        for name, reader in (('regimen', regimen), ('zbar', zbar)):
            read, cpu = reader(path)
            got[name] = verdict(read, truth)
            counts[name][got[name]] += 1
            counts[name]['cpu'] += cpu
            if got[name] == 'wrong':
                print(f'  {name} misread {path}: {read} (true {truth})')
        if got['regimen'] == 'right' and got['zbar'] != 'right':
            only['regimen'].append(path)
        if got['zbar'] == 'right' and got['regimen'] != 'right':
            only['zbar'].append(path)
    n = sum(counts['zbar'][k] for k in ('right', 'wrong', 'none'))
    name = os.path.basename(os.path.normpath(folder))
    print(f'{name} ({n} photos): regimen {counts["regimen"]["right"]} right, {counts["regimen"]["wrong"]} wrong, '
          f'{counts["regimen"]["cpu"]:.2f} s CPU; zbar {counts["zbar"]["right"]} right, {counts["zbar"]["wrong"]} wrong, '
          f'{counts["zbar"]["cpu"]:.2f} s CPU')
    for r in counts:
        for k in counts[r]:
            totals.setdefault(r, {}).setdefault(k, 0)
            totals[r][k] += counts[r][k]
    totals.setdefault('photos', 0)
    totals['photos'] += n
r, z = totals['regimen'], totals['zbar']
print(f'all {totals["photos"]} photos: regimen {r["right"]} right, {r["wrong"]} wrong, {r["cpu"]:.1f} s CPU; '
      f'zbar {z["right"]} right, {z["wrong"]} wrong, {z["cpu"]:.1f} s CPU; CPU ratio {r["cpu"] / max(z["cpu"], 1e-9):.1f}x')
print(f'read by regimen only: {len(only["regimen"])}; by zbar only: {len(only["zbar"])}')
for p in only['zbar']:
    print(f'  zbar only: {p}')
