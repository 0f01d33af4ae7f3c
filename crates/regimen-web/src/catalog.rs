//! The product catalog as the API, the pages and the command line answer it: a search
//! (a barcode, or words read through the catalog's own vocabulary so a slip still
//! finds the product), a product with its analysis, and the attribution its data
//! needs. The words are cached per import (`catalog_generation`), so a search costs
//! one small query for the generation and the full-text search itself.

use regimen_core::analyzer::{Analyzer, Options};
use regimen_core::catalog::{Query, Vocabulary};
use regimen_store::{CatalogEntry, Store, StoreError};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// Where the catalog's data comes from and under which terms; said wherever it appears.
pub const ATTRIBUTION: &str = "Product data from Open Beauty Facts (openbeautyfacts.org), under the Open Database License (ODbL 1.0); contents under the Database Contents License.";

/// The attribution's link.
pub const ATTRIBUTION_URL: &str = "https://world.openbeautyfacts.org";

/// The most products a search answers.
pub const MAX_RESULTS: u32 = 50;

/// The catalog's words, kept for the import they were read at.
#[derive(Debug, Default)]
pub struct Words {
    cached: Mutex<Option<(i64, Arc<Vocabulary>)>>,
}

impl Words {
    /// The vocabulary of the catalog as it is now.
    pub async fn current(&self, store: &Store) -> Result<Arc<Vocabulary>, StoreError> {
        let generation = store.catalog_generation().await?;
        if let Some((at, words)) = self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            if *at == generation {
                return Ok(words.clone());
            }
        }
        let counted = store.catalog_words().await?;
        let words = Arc::new(Vocabulary::new(counted));
        *self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((generation, words.clone()));
        Ok(words)
    }
}

/// What a search found, and how it read what was typed.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The products, best first.
    pub products: Vec<CatalogEntry>,
    /// Typed words read as the catalog's nearest (`("niveo", "nivea")`).
    pub corrected: Vec<(String, String)>,
    /// Typed words the catalog has nothing near.
    pub unknown: Vec<String>,
    /// When no product has every word: the products that have some, and for each
    /// (in the order of `products`) the words of the search it has.
    pub partial: Option<Vec<Vec<String>>>,
}

/// The words of a search (as read: corrected, a beginning for the last) that a product's
/// name, brands or categories hold.
fn matched(product: &CatalogEntry, terms: &[(&str, bool)]) -> Vec<String> {
    let mut have = regimen_core::catalog::words(&product.name);
    have.extend(regimen_core::catalog::words(&product.brands));
    have.extend(regimen_core::catalog::words(&product.categories));
    terms
        .iter()
        .filter(|(word, prefix)| {
            have.iter()
                .any(|w| w == word || (*prefix && w.starts_with(word)))
        })
        .map(|(word, _)| (*word).to_string())
        .collect()
}

/// Searches the catalog: a barcode finds its product; words find the products that have
/// them all in their name, brands or categories, best first; when none has them all,
/// those with the most of them (a brand's word weighing most), each with the words it has.
pub async fn search(
    store: &Store,
    words: &Words,
    typed: &str,
    limit: u32,
) -> Result<Found, StoreError> {
    let limit = limit.clamp(1, MAX_RESULTS);
    let vocabulary = words.current(store).await?;
    match vocabulary.query(typed) {
        Query::Empty => Ok(Found::default()),
        Query::Code(forms) => Ok(Found {
            products: store.catalog_product(&forms).await?.into_iter().collect(),
            ..Found::default()
        }),
        Query::Words {
            terms,
            corrected,
            unknown,
        } => {
            let terms: Vec<(&str, bool)> =
                terms.iter().map(|t| (t.word.as_str(), t.prefix)).collect();
            let mut products = if terms.is_empty() {
                Vec::new()
            } else {
                store.catalog_search(&terms, limit).await?
            };
            let mut partial = None;
            if products.is_empty() && terms.len() >= 2 {
                // More than asked for, so that those with the most words are among them;
                // then the most words first, in the order of rank within.
                let wider = (limit * 5).min(MAX_RESULTS * 5);
                let mut ranked: Vec<(CatalogEntry, Vec<String>)> = store
                    .catalog_search_any(&terms, wider)
                    .await?
                    .into_iter()
                    .map(|p| {
                        let words = matched(&p, &terms);
                        (p, words)
                    })
                    .collect();
                ranked.sort_by_key(|(_, words)| std::cmp::Reverse(words.len()));
                ranked.truncate(limit as usize);
                let (found, words): (Vec<_>, Vec<_>) = ranked.into_iter().unzip();
                products = found;
                partial = Some(words);
            }
            Ok(Found {
                products,
                corrected,
                unknown,
                partial,
            })
        }
    }
}

/// A product of a search, in short: `{"code", "name", "brands", "kind", "categories",
/// "lang", "has_ingredients"}`.
pub fn summary_json(product: &CatalogEntry) -> Value {
    json!({
        "code": product.code,
        "name": product.name,
        "brands": product.brands,
        "kind": product.kind,
        "categories": product.categories,
        "lang": product.lang,
        "has_ingredients": !product.ingredients.trim().is_empty(),
    })
}

/// What a search answers: the products, how the query was read, and the attribution.
pub fn found_json(found: &Found) -> Value {
    let products: Vec<Value> = found
        .products
        .iter()
        .enumerate()
        .map(|(i, product)| {
            let mut json = summary_json(product);
            if let Some(words) = found.partial.as_ref().and_then(|p| p.get(i)) {
                json["matched"] = json!(words);
            }
            json
        })
        .collect();
    json!({
        "products": products,
        "all_words": found.partial.is_none(),
        "corrected": found.corrected.iter().map(|(from, to)| json!({"from": from, "to": to})).collect::<Vec<_>>(),
        "unknown": found.unknown,
        "attribution": ATTRIBUTION,
    })
}

/// The product's analysis: the one made at import when it is of this version, else
/// made again now (a newer knowledge base or dictionary).
pub fn analysis(product: &CatalogEntry, analyzer: &Analyzer, version: &str) -> Value {
    if product.analysis_version == version {
        if let Ok(value) = serde_json::from_str(&product.analysis) {
            return value;
        }
    }
    analyze(product, analyzer)
}

/// The analysis of a product's list, as JSON.
pub fn analyze(product: &CatalogEntry, analyzer: &Analyzer) -> Value {
    let options = Options {
        name: Some(&product.name),
        profile: None,
        avoid: None,
        kind: None,
        categories: Some(&product.categories),
        suggest: false,
    };
    serde_json::to_value(analyzer.analyze(&product.ingredients, &options)).unwrap_or(Value::Null)
}

/// A product in full: its summary, its ingredient list, its analysis and the attribution.
pub fn product_json(product: &CatalogEntry, analyzer: &Analyzer, version: &str) -> Value {
    let mut value = summary_json(product);
    value["ingredients"] = json!(product.ingredients);
    value["analysis"] = analysis(product, analyzer, version);
    value["source"] = json!({
        "name": "Open Beauty Facts",
        "url": format!("https://world.openbeautyfacts.org/product/{}", product.code),
        "licence": "ODbL-1.0",
        "attribution": ATTRIBUTION,
    });
    value
}
