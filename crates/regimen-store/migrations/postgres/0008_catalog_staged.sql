-- Products of an import in progress, written in short transactions so that the
-- server's writes go on meanwhile; the import's end moves them into the catalog in one
-- transaction (an import that stops midway changes nothing, and its rows are removed
-- by a later import).
CREATE TABLE catalog_staged (
    import TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    brands TEXT NOT NULL,
    categories TEXT NOT NULL,
    ingredients TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    analysis TEXT NOT NULL,
    analysis_version TEXT NOT NULL,
    modified BIGINT NOT NULL,
    staged_at TEXT NOT NULL,
    PRIMARY KEY (import, code)
);
