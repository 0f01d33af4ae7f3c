//! The product catalog: products by barcode with their analysis, searched by words
//! (SQLite FTS5 with accents folded; PostgreSQL a weighted `tsvector` with unaccent
//! under a GIN index), and the catalog's words for searches typed with a slip.
//!
//! An import ([`CatalogImport`]) is written a batch at a time to a staging table, in
//! short transactions that let the server write between them, and moved into the
//! catalog in one transaction when it finishes: dropped before
//! [`CatalogImport::finish`], it leaves the catalog as it was; a product already there
//! is updated, never doubled.

use crate::{now, Backend, Result, Store};
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::Row;

/// A product as the catalog keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    /// Its barcode.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its brands.
    pub brands: String,
    /// Its categories, in words.
    pub categories: String,
    /// Its ingredient list.
    pub ingredients: String,
    /// The list's language.
    pub lang: String,
    /// What kind of product the analysis found (`serum`, `cleanser`, ...).
    pub kind: String,
    /// The analysis, as JSON.
    pub analysis: String,
    /// What made the analysis (the analyzer's and knowledge's version).
    pub analysis_version: String,
    /// When it last changed at its source (Unix seconds).
    pub modified: i64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// Products new to the catalog.
    pub added: u64,
    /// Products there before, changed.
    pub updated: u64,
    /// Products there before, the same.
    pub unchanged: u64,
}

/// What one product did to the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    /// It is new.
    Added,
    /// It was there and changed.
    Updated,
    /// It was there, the same.
    Unchanged,
}

/// A word of a search: the word, and whether words it begins match too.
pub type Term<'a> = (&'a str, bool);

const COLUMNS: &str =
    "c.code, c.name, c.brands, c.categories, c.ingredients, c.lang, c.kind, c.analysis, c.analysis_version, c.modified";

fn entry(row: &AnyRow) -> Result<CatalogEntry> {
    Ok(CatalogEntry {
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        brands: row.try_get("brands")?,
        categories: row.try_get("categories")?,
        ingredients: row.try_get("ingredients")?,
        lang: row.try_get("lang")?,
        kind: row.try_get("kind")?,
        analysis: row.try_get("analysis")?,
        analysis_version: row.try_get("analysis_version")?,
        modified: row.try_get("modified")?,
    })
}

/// A word as the database's query language writes it: only letters and digits (what
/// the caller's words are; anything else is dropped, so nothing can change the query).
fn plain(word: &str) -> String {
    word.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The FTS5 expression of the terms: each a quoted word, `*` for a beginning, joined by
/// `join` (` AND `: all of them; ` OR `: any).
fn fts5_expression(terms: &[Term<'_>], join: &str) -> String {
    terms
        .iter()
        .map(|(word, prefix)| format!("\"{}\"{}", plain(word), if *prefix { "*" } else { "" }))
        .collect::<Vec<_>>()
        .join(join)
}

/// The tsquery of the terms: `word`, `word:*` for a beginning, joined by `join` (` & `
/// or ` | `).
fn tsquery(terms: &[Term<'_>], join: &str) -> String {
    terms
        .iter()
        .map(|(word, prefix)| format!("{}{}", plain(word), if *prefix { ":*" } else { "" }))
        .collect::<Vec<_>>()
        .join(join)
}

/// Products written to the staging table in one short transaction.
const BATCH: usize = 500;

/// Staged rows of imports that never finished are removed after this long.
const STAGED_KEPT_HOURS: i64 = 24;

/// The staged products' columns.
const STAGED_COLUMNS: &str =
    "code, name, brands, categories, ingredients, lang, kind, analysis, analysis_version, modified";

/// An import in progress. Its products are written to `catalog_staged` a batch at a
/// time, each batch a short transaction (the server's writes go on between them), and
/// moved into the catalog by [`CatalogImport::finish`] in one transaction: dropped
/// before it, the import leaves the catalog as it was.
pub struct CatalogImport {
    store: Store,
    key: String,
    pending: Vec<CatalogEntry>,
    pending_at: std::collections::HashMap<String, usize>,
    counts: ImportCounts,
}

impl std::fmt::Debug for CatalogImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogImport")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

/// PostgreSQL's search vector of a staged product (`s`): accents removed, the name
/// weighed over the brands over the categories.
const STAGED_TSVECTOR: &str = "setweight(to_tsvector('simple', unaccent(s.name)), 'A') || setweight(to_tsvector('simple', unaccent(s.brands)), 'B') || setweight(to_tsvector('simple', unaccent(s.categories)), 'C')";

impl CatalogImport {
    /// Adds a product, or updates the one with its code (the last of a code in one
    /// import wins).
    pub async fn put(&mut self, product: &CatalogEntry) -> Result<Put> {
        // What the catalog will hold for this code without this product: what this
        // import put before, else what the catalog has.
        let before = match self.pending_at.get(&product.code) {
            Some(&at) => Some(self.pending[at].clone()),
            None => {
                let staged = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM catalog_staged c WHERE c.import = $1 AND c.code = $2"
                ))
                .bind(&self.key)
                .bind(&product.code)
                .fetch_optional(&self.store.pool)
                .await?;
                let row = match staged {
                    Some(row) => Some(row),
                    None => {
                        sqlx::query(&format!(
                            "SELECT {COLUMNS} FROM catalog c WHERE c.code = $1"
                        ))
                        .bind(&product.code)
                        .fetch_optional(&self.store.pool)
                        .await?
                    }
                };
                row.as_ref().map(entry).transpose()?
            }
        };
        let put = match before {
            Some(known) if known == *product => {
                self.counts.unchanged += 1;
                return Ok(Put::Unchanged);
            }
            Some(_) => {
                self.counts.updated += 1;
                Put::Updated
            }
            None => {
                self.counts.added += 1;
                Put::Added
            }
        };
        match self.pending_at.get(&product.code) {
            Some(&at) => self.pending[at] = product.clone(),
            None => {
                self.pending_at
                    .insert(product.code.clone(), self.pending.len());
                self.pending.push(product.clone());
            }
        }
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(put)
    }

    /// Writes the pending products to the staging table in one short transaction.
    async fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let staged_at = now();
        let mut transaction = self.store.write_transaction().await?;
        for p in &self.pending {
            sqlx::query(&format!(
                "INSERT INTO catalog_staged (import, {STAGED_COLUMNS}, staged_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (import, code) DO UPDATE SET name = excluded.name, brands = excluded.brands, \
                 categories = excluded.categories, ingredients = excluded.ingredients, lang = excluded.lang, \
                 kind = excluded.kind, analysis = excluded.analysis, analysis_version = excluded.analysis_version, \
                 modified = excluded.modified, staged_at = excluded.staged_at"
            ))
            .bind(&self.key)
            .bind(&p.code)
            .bind(&p.name)
            .bind(&p.brands)
            .bind(&p.categories)
            .bind(&p.ingredients)
            .bind(&p.lang)
            .bind(&p.kind)
            .bind(&p.analysis)
            .bind(&p.analysis_version)
            .bind(p.modified)
            .bind(&staged_at)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        self.pending.clear();
        self.pending_at.clear();
        Ok(())
    }

    /// What the import has done so far.
    pub fn counts(&self) -> ImportCounts {
        self.counts
    }

    /// Moves the staged products into the catalog, makes the catalog's words again from
    /// every product (`words` splits a text into the words a search matches), records
    /// the import, and commits it all in one transaction.
    pub async fn finish(
        mut self,
        source: &str,
        words: impl Fn(&str) -> Vec<String>,
    ) -> Result<ImportCounts> {
        self.flush().await?;
        let backend = self.store.backend;
        let mut transaction = self.store.write_transaction().await?;
        let (search_set, search_column, search_value) = match backend {
            Backend::Postgres => (
                format!(", search = {STAGED_TSVECTOR}"),
                ", search",
                format!(", {STAGED_TSVECTOR}"),
            ),
            Backend::Sqlite => (String::new(), "", String::new()),
        };
        sqlx::query(&format!(
            "UPDATE catalog SET name = s.name, brands = s.brands, categories = s.categories, \
             ingredients = s.ingredients, lang = s.lang, kind = s.kind, analysis = s.analysis, \
             analysis_version = s.analysis_version, modified = s.modified{search_set} \
             FROM catalog_staged s WHERE s.import = $1 AND catalog.code = s.code"
        ))
        .bind(&self.key)
        .execute(&mut *transaction)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO catalog ({STAGED_COLUMNS}{search_column}) \
             SELECT s.code, s.name, s.brands, s.categories, s.ingredients, s.lang, s.kind, s.analysis, \
             s.analysis_version, s.modified{search_value} FROM catalog_staged s \
             WHERE s.import = $1 AND NOT EXISTS (SELECT 1 FROM catalog c WHERE c.code = s.code) \
             ORDER BY s.code"
        ))
        .bind(&self.key)
        .execute(&mut *transaction)
        .await?;
        if backend == Backend::Sqlite {
            let staged = "SELECT c.id FROM catalog c JOIN catalog_staged s ON s.code = c.code AND s.import = $1";
            sqlx::query(&format!(
                "DELETE FROM catalog_search WHERE rowid IN ({staged})"
            ))
            .bind(&self.key)
            .execute(&mut *transaction)
            .await?;
            sqlx::query(
                "INSERT INTO catalog_search (rowid, name, brands, categories) \
                 SELECT c.id, c.name, c.brands, c.categories FROM catalog c \
                 JOIN catalog_staged s ON s.code = c.code AND s.import = $1",
            )
            .bind(&self.key)
            .execute(&mut *transaction)
            .await?;
        }
        sqlx::query("DELETE FROM catalog_staged WHERE import = $1")
            .bind(&self.key)
            .execute(&mut *transaction)
            .await?;
        // Streamed: memory follows the words, not the products.
        let mut counts: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        {
            let mut rows = sqlx::query("SELECT name, brands, categories FROM catalog")
                .fetch(&mut *transaction);
            while let Some(row) = rows.try_next().await? {
                for column in ["name", "brands", "categories"] {
                    let text: String = row.try_get(column)?;
                    for word in words(&text) {
                        *counts.entry(word).or_default() += 1;
                    }
                }
            }
        }
        sqlx::query("DELETE FROM catalog_words")
            .execute(&mut *transaction)
            .await?;
        let counted: Vec<(String, i64)> = counts.into_iter().collect();
        // Many rows a statement: 400 words, 800 placeholders.
        for chunk in counted.chunks(400) {
            let placeholders: Vec<String> = (0..chunk.len())
                .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
                .collect();
            let sql = format!(
                "INSERT INTO catalog_words (word, n) VALUES {}",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for (word, n) in chunk {
                query = query.bind(word).bind(*n);
            }
            query.execute(&mut *transaction).await?;
        }
        let counts = self.counts;
        sqlx::query(
            "INSERT INTO catalog_imports (source, added, updated, unchanged, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(source)
        .bind(i64::try_from(counts.added).unwrap_or(i64::MAX))
        .bind(i64::try_from(counts.updated).unwrap_or(i64::MAX))
        .bind(i64::try_from(counts.unchanged).unwrap_or(i64::MAX))
        .bind(now())
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(counts)
    }
}

impl Store {
    /// Starts an import: everything it puts is kept only when it finishes. Staged rows
    /// of imports that stopped a day ago or more are removed first.
    pub async fn catalog_import(&self) -> Result<CatalogImport> {
        static IMPORTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let before = (chrono::Utc::now() - chrono::Duration::hours(STAGED_KEPT_HOURS)).to_rfc3339();
        sqlx::query("DELETE FROM catalog_staged WHERE staged_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        let key = format!(
            "{}-{}-{}",
            now(),
            std::process::id(),
            IMPORTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        Ok(CatalogImport {
            store: self.clone(),
            key,
            pending: Vec::new(),
            pending_at: std::collections::HashMap::new(),
            counts: ImportCounts::default(),
        })
    }

    /// The product with one of these codes (the forms a barcode may be stored under).
    pub async fn catalog_product(&self, codes: &[String]) -> Result<Option<CatalogEntry>> {
        for code in codes {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM catalog c WHERE c.code = $1"
            ))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                return entry(&row).map(Some);
            }
        }
        Ok(None)
    }

    /// The products whose name, brands or categories have every term, best first.
    pub async fn catalog_search(
        &self,
        terms: &[Term<'_>],
        limit: u32,
    ) -> Result<Vec<CatalogEntry>> {
        self.catalog_search_by(terms, limit, false).await
    }

    /// The products that have any of the terms, those with more of them first and a
    /// brand's word weighing most (what a search whose words are not all in one product
    /// falls back to).
    pub async fn catalog_search_any(
        &self,
        terms: &[Term<'_>],
        limit: u32,
    ) -> Result<Vec<CatalogEntry>> {
        self.catalog_search_by(terms, limit, true).await
    }

    async fn catalog_search_by(
        &self,
        terms: &[Term<'_>],
        limit: u32,
        any: bool,
    ) -> Result<Vec<CatalogEntry>> {
        if terms.iter().all(|(w, _)| plain(w).is_empty()) {
            return Ok(Vec::new());
        }
        let terms: Vec<Term<'_>> = terms
            .iter()
            .copied()
            .filter(|(w, _)| !plain(w).is_empty())
            .collect();
        let rows = match self.backend {
            Backend::Sqlite => {
                // Weights of name, brands, categories: all the words, the name first; some
                // of them, the brand first.
                let weights = if any {
                    "4.0, 10.0, 1.0"
                } else {
                    "10.0, 4.0, 1.0"
                };
                let join = if any { " OR " } else { " AND " };
                // The best rows by rank first, then only those joined to their products.
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM (SELECT rowid AS id, bm25(catalog_search, {weights}) AS rank \
                     FROM catalog_search WHERE catalog_search MATCH $1 ORDER BY rank, rowid LIMIT $2) s \
                     JOIN catalog c ON c.id = s.id ORDER BY s.rank, s.id"
                ))
                .bind(fts5_expression(&terms, join))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
            }
            Backend::Postgres => {
                // ts_rank's weights are {D, C, B, A}: the name is A, the brands B.
                let weights = if any {
                    "'{0.1, 0.2, 1.0, 0.4}'"
                } else {
                    "'{0.1, 0.2, 0.4, 1.0}'"
                };
                let join = if any { " | " } else { " & " };
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM (SELECT c.id, ts_rank({weights}, c.search, q) AS rank FROM catalog c, to_tsquery('simple', $1) q \
                     WHERE c.search @@ q ORDER BY rank DESC, c.id LIMIT $2) s \
                     JOIN catalog c ON c.id = s.id ORDER BY s.rank DESC, s.id"
                ))
                .bind(tsquery(&terms, join))
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(entry).collect()
    }

    /// The catalog's words and how many times each is used.
    pub async fn catalog_words(&self) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT word, n FROM catalog_words")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("word")?, row.try_get("n")?)))
            .collect()
    }

    /// Which import the catalog is at (0 before any): a cache of its words is stale
    /// when this changes.
    pub async fn catalog_generation(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS g FROM catalog_imports")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("g")?)
    }

    /// How many products the catalog has.
    pub async fn catalog_count(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM catalog")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}
