#!/usr/bin/env python3
"""Catalog search checked against real catalog records: does `regimen catalog search` put the
product a query was made from first, or in its top 5, and how often does it return nothing?

It imports the Open Beauty Facts sample into a temporary SQLite database, then, for a seeded
random sample of the products that have a name and a brand (at most --sample, default 300), asks
three kinds of query made from that product's own record:
  exact         the brand's first word and the words of the name
                ("cien eau micellaire sensitive")
  missing word  the same plus one real word the name lacks, taken from another product's name in
                the sample, like a person who remembers one word wrong ("... sensitive shampooing")
  typo          the exact query with one letter deleted from one name word of 5+ letters
                ("cien eau micellaire sensitve")
A query counts as found first when the first result has the product's code, or exactly the same
name and brands (the sample has duplicate names); top 5 likewise for any of the first five.

The queries are made here from real catalog records, not taken from real users: this is a check of
the search mechanism (ranking, partial matches, typo forgiveness), not a measure of how well it
serves the queries people really type.

    python3 scripts/search-eval.py [--regimen target/release/regimen]
        [--data ../shared/data/openbeautyfacts/openbeautyfacts-products-min.jsonl.gz]
        [--sample 300] [--seed 20240611] [--misses 5]

Run it from the repository root (the defaults are relative to it). Standard library only."""
import argparse, gzip, json, os, random, re, subprocess, sys, tempfile, time, unicodedata

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--regimen', default='target/release/regimen')
ap.add_argument('--data', default='../shared/data/openbeautyfacts/openbeautyfacts-products-min.jsonl.gz')
ap.add_argument('--sample', type=int, default=300, help='products at most (default 300)')
ap.add_argument('--seed', type=int, default=20240611)
ap.add_argument('--misses', type=int, default=5, help='examples of misses shown per kind')
args = ap.parse_args()


def fold(s):
    """Lower case, no accents, spaces collapsed: for comparing names and words."""
    s = unicodedata.normalize('NFKD', s or '')
    s = ''.join(c for c in s if not unicodedata.combining(c))
    return ' '.join(s.casefold().split())


def words(text):
    """The words as a person would type them: split on spaces, punctuation trimmed at the ends."""
    out = []
    for w in (text or '').split():
        w = w.strip('.,;:!?()[]{}"\'«»“”‘’*/\\|+&-–—_')
        if any(c.isalnum() for c in w):
            out.append(w)
    return out


def name_of(r):
    """product_name, else product_name_<lang of the product>, else any product_name_<lang>."""
    n = (r.get('product_name') or '').strip()
    if n:
        return n
    for lang in (r.get('lang'), r.get('lc')):
        n = (r.get(f'product_name_{lang}') or '').strip() if lang else ''
        if n:
            return n
    for k in sorted(r):
        if re.fullmatch(r'product_name_[a-z]{2}', k) and isinstance(r[k], str) and r[k].strip():
            return r[k].strip()
    return ''


def opener(path):
    return gzip.open(path, 'rt', encoding='utf-8') if path.endswith('.gz') else open(path, encoding='utf-8')


# --- the records -------------------------------------------------------------------------------
products = []
with opener(args.data) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        name, brands, code = name_of(r), (r.get('brands') or '').strip(), str(r.get('code') or '').strip()
        if not (name and brands and code):
            continue
        brand_word = words(brands.split(',')[0])
        name_words = words(name)
        if not brand_word or not name_words:
            continue
        products.append({'code': code, 'name': name, 'brands': brands,
                         'brand_word': brand_word[0], 'name_words': name_words})

rng = random.Random(args.seed)
sample = rng.sample(products, min(args.sample, len(products)))
sample.sort(key=lambda p: p['code'])
# the pool of real words for "missing word": alphabetic words of 4+ letters from the sample's names
pool = sorted({w.lower() for p in sample for w in p['name_words'] if w.isalpha() and len(w) >= 4})

queries = []  # (kind, query, product)
for p in sample:
    base = [p['brand_word'].lower()] + [w.lower() for w in p['name_words']]
    queries.append(('exact', ' '.join(base), p))
    own = {fold(w) for w in words(p['name'] + ' ' + p['brands'])}
    candidates = [w for w in pool if fold(w) not in own]
    extra = rng.choice(candidates)
    queries.append(('missing word', ' '.join(base + [extra]), p))
    long_words = [i for i, w in enumerate(base) if i > 0 and w.isalpha() and len(w) >= 5]
    if long_words:
        i = rng.choice(long_words)
        w = base[i]
        j = rng.randrange(len(w))
        typo = base[:i] + [w[:j] + w[j + 1:]] + base[i + 1:]
        queries.append(('typo', ' '.join(typo), p))

# --- the database ------------------------------------------------------------------------------
tmp = tempfile.TemporaryDirectory(prefix='search-eval-')
db = os.path.join(tmp.name, 'catalog.db')
env = dict(os.environ, REGIMEN_DB=db)


def regimen(command, *a):
    return subprocess.run([args.regimen, 'catalog', command, '--db', db, *a], capture_output=True,
                          text=True, env=env, timeout=120)


t0 = time.time()
p = regimen('import', args.data)
if p.returncode != 0:
    sys.exit(f'import failed: {p.stderr.strip()}')
print(p.stdout.strip().split('\n')[0])


def search(q, limit):
    p = regimen('search', '--format', 'json', '--limit', str(limit), '--', *q.split())
    if p.returncode != 0:
        return None, p.stderr.strip()
    try:
        return json.loads(p.stdout), None
    except ValueError:
        return None, p.stdout.strip()[:200]


# the stored name and brands of each sampled product (its code as the query), for the duplicate rule
stored = {}
for prod in sample:
    res, _ = search(prod['code'], 5)
    hit = [r for r in (res or []) if r.get('code') == prod['code']]
    stored[prod['code']] = (hit[0].get('name'), hit[0].get('brands')) if hit else (prod['name'], prod['brands'])


def same(result, prod):
    if result.get('code') == prod['code']:
        return True
    name, brands = stored[prod['code']]
    return fold(result.get('name')) == fold(name) and fold(result.get('brands')) == fold(brands)


kinds = ['exact', 'missing word', 'typo']
stats = {k: {'n': 0, 'first': 0, 'top5': 0, 'nothing': 0, 'partial': 0, 'errors': 0} for k in kinds}
misses = {k: [] for k in kinds}
for kind, q, prod in queries:
    s = stats[kind]
    s['n'] += 1
    res, err = search(q, 5)
    if res is None:
        s['errors'] += 1
        misses[kind].append((q, prod, f'error: {err}'))
        continue
    if not res:
        s['nothing'] += 1
        misses[kind].append((q, prod, 'nothing'))
        continue
    if any('matched' in r for r in res):  # partial matches: no product had every word
        s['partial'] += 1
    if same(res[0], prod):
        s['first'] += 1
    else:
        first = res[0]
        rank = next((i + 1 for i, r in enumerate(res) if same(r, prod)), None)
        got = f"{first.get('code')} {first.get('name')!r} / {first.get('brands')!r}"
        if 'matched' in first:
            got += f" (matched: {', '.join(first['matched'])})"
        got += f"; expected at rank {rank}" if rank else '; expected not in top 5'
        misses[kind].append((q, prod, got))
    if any(same(r, prod) for r in res[:5]):
        s['top5'] += 1
elapsed = time.time() - t0

# --- report ------------------------------------------------------------------------------------
print(f'seed {args.seed}; {len(sample)} of {len(products)} products with a name and a brand; '
      f'{len(queries)} queries; {elapsed:.1f} s')
print(f"{'kind':<14}{'n':>5}{'first':>14}{'top 5':>14}{'nothing':>10}{'partial':>10}{'errors':>8}")
for k in kinds:
    s = stats[k]
    n = s['n'] or 1
    print(f"{k:<14}{s['n']:>5}{s['first']:>6} ({100 * s['first'] / n:4.1f}%)"
          f"{s['top5']:>6} ({100 * s['top5'] / n:4.1f}%){s['nothing']:>10}{s['partial']:>10}{s['errors']:>8}")
print('(partial: the results were partial matches, no product had every word)')
for k in kinds:
    if not misses[k] or not args.misses:
        continue
    print(f'\nmisses, {k} ({len(misses[k])}; first {min(args.misses, len(misses[k]))} of a seeded shuffle):')
    shown = random.Random(args.seed).sample(misses[k], min(args.misses, len(misses[k])))
    for q, prod, got in shown:
        print(f"  query    {q!r}\n  expected {prod['code']} {prod['name']!r} / {prod['brands']!r}\n  first    {got}")
