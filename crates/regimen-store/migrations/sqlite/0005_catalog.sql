-- The product catalog (Open Beauty Facts, ODbL): one row a barcode, with its analysis
-- made at import; an FTS5 index of names, brands and categories (accents folded) whose
-- rowid is the product's id; the words of the catalog for searches typed with a slip;
-- and each import, so a cache of those words knows when it is stale.
CREATE TABLE catalog (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    brands TEXT NOT NULL,
    categories TEXT NOT NULL,
    ingredients TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    analysis TEXT NOT NULL,
    analysis_version TEXT NOT NULL,
    modified INTEGER NOT NULL
);
CREATE VIRTUAL TABLE catalog_search USING fts5(
    name, brands, categories,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
CREATE TABLE catalog_words (
    word TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
CREATE TABLE catalog_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    added INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    at TEXT NOT NULL
);
