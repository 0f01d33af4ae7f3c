-- The product catalog (Open Beauty Facts, ODbL): one row a barcode, with its analysis
-- made at import; a tsvector of names, brands and categories (accents removed by
-- unaccent, weighted in that order) under a GIN index; the words of the catalog for
-- searches typed with a slip; and each import, so a cache of those words knows when
-- it is stale.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TABLE catalog (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    brands TEXT NOT NULL,
    categories TEXT NOT NULL,
    ingredients TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    analysis TEXT NOT NULL,
    analysis_version TEXT NOT NULL,
    modified BIGINT NOT NULL,
    search tsvector NOT NULL
);
CREATE INDEX catalog_search ON catalog USING GIN (search);
CREATE TABLE catalog_words (
    word TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);
CREATE TABLE catalog_imports (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL,
    added BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    at TEXT NOT NULL
);
