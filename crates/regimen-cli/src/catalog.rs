//! `regimen catalog`: import the Open Beauty Facts dump into the database (streaming,
//! in one transaction, each product's analysis made on the way in), search it, and
//! show one product.
//!
//! The import reads and analyses on one thread and writes on another, through a
//! bounded queue, so memory stays flat whatever the dump's size; any bad line, a
//! truncated gzip stream or a failed write drops the transaction, and the catalog is
//! as it was.

use crate::bad;
use crate::serve::{connect, database};
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use regimen_core::analyzer::{Analyzer, Options, Scratch};
use regimen_core::catalog::{read_record, words, Record, RecordError};
use regimen_core::Knowledge;
use regimen_store::{CatalogEntry, ImportCounts, Store};
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `regimen catalog`.
#[derive(Args)]
pub struct CatalogArgs {
    /// Database URL: sqlite://PATH or postgres://... [default: REGIMEN_DB, else the
    /// SQLite file `regimen serve` uses].
    #[arg(long, value_name = "URL", global = true)]
    db: Option<String>,
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Import an Open Beauty Facts JSONL dump (.jsonl or .jsonl.gz); importing again
    /// updates the products, never doubles them.
    Import {
        /// The dump.
        file: PathBuf,
    },
    /// Search by name words, brand or barcode (typos and accents are forgiven).
    Search {
        /// What to look for.
        #[arg(required = true)]
        query: Vec<String>,
        /// How many products at most (1-50).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=50))]
        limit: u32,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// One product by its barcode: its ingredient list and its analysis.
    Show {
        /// The barcode.
        code: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// Runs `regimen catalog`.
pub fn run(
    knowledge: &Knowledge,
    analyzer: impl FnOnce() -> Result<&'static Analyzer>,
    args: &CatalogArgs,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let db = database(args.db.as_deref());
    runtime.block_on(async {
        let store = connect(&db).await?;
        let result = match &args.action {
            Action::Import { file } => import(&store, knowledge, analyzer()?, file).await,
            Action::Search {
                query,
                limit,
                format,
            } => search(&store, &query.join(" "), *limit, *format).await,
            Action::Show { code, format } => {
                show(&store, knowledge, analyzer()?, code, *format).await
            }
        };
        store.close().await;
        result
    })
}

/// Why an import stopped.
#[derive(Debug)]
enum Stop {
    /// The file could not be read (or its gzip stream is cut or broken) at this line.
    Read { line: u64, reason: String },
    /// A line is not a product.
    Line { line: u64, reason: RecordError },
    /// A line longer than [`MAX_LINE`].
    TooLong { line: u64 },
}

/// What the reading thread sends.
enum Item {
    Product(Box<CatalogEntry>),
    /// A line with nothing to keep (no name nor ingredients; blank).
    Skipped,
    Stop(Stop),
}

/// The dump, as text: gunzipped when it starts with gzip's magic bytes (whatever its
/// name), through a progress bar on a terminal.
fn open(path: &Path) -> Result<(Box<dyn BufRead + Send>, Option<indicatif::ProgressBar>)> {
    let file = std::fs::File::open(path)
        .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let raw: Box<dyn Read + Send> = match &progress {
        Some(bar) => Box::new(bar.wrap_read(file)),
        None => Box::new(file),
    };
    let mut buffered = BufReader::with_capacity(1 << 16, raw);
    let gzip = buffered
        .fill_buf()
        .map(|head| head.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    let reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    Ok((reader, progress))
}

/// A record as the catalog keeps it, with its analysis.
fn entry(
    record: Record,
    analyzer: &Analyzer,
    version: &str,
    scratch: &mut Scratch,
) -> CatalogEntry {
    let options = Options {
        name: Some(&record.name),
        profile: None,
        avoid: None,
        kind: None,
        categories: Some(&record.categories),
        suggest: false,
    };
    let report = analyzer.analyze_with(&record.ingredients, &options, scratch);
    let kind = serde_json::to_value(report.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let analysis = serde_json::to_string(&report).unwrap_or_default();
    CatalogEntry {
        code: record.code,
        name: record.name,
        brands: record.brands,
        categories: record.categories,
        ingredients: record.ingredients,
        lang: record.lang,
        kind,
        analysis,
        analysis_version: version.to_string(),
        modified: record.modified,
    }
}

/// The longest line of a dump read (Open Beauty Facts' longest records are a few
/// hundred KiB).
pub const MAX_LINE: usize = 16 << 20;

/// Reads the dump line by line and sends what each line is; stops at the first bad one.
fn read_dump(
    mut reader: Box<dyn BufRead + Send>,
    analyzer: &'static Analyzer,
    version: String,
    to_writer: tokio::sync::mpsc::Sender<Item>,
) {
    let mut scratch = Scratch::default();
    let mut buffer = Vec::new();
    let mut line = 0u64;
    loop {
        buffer.clear();
        line += 1;
        // A line is read up to its cap: one longer stops the import, by its number.
        let read = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buffer);
        let item = match read {
            Ok(0) => return,
            Ok(n) if n > MAX_LINE => Item::Stop(Stop::TooLong { line }),
            Err(error) => Item::Stop(Stop::Read {
                line,
                reason: error.to_string(),
            }),
            Ok(_) => match std::str::from_utf8(&buffer) {
                Err(_) => Item::Stop(Stop::Read {
                    line,
                    reason: "the line is not UTF-8 text".into(),
                }),
                Ok(text) if text.trim().is_empty() => Item::Skipped,
                Ok(text) => match read_record(text) {
                    Ok(Some(record)) => {
                        Item::Product(Box::new(entry(record, analyzer, &version, &mut scratch)))
                    }
                    Ok(None) => Item::Skipped,
                    Err(reason) => Item::Stop(Stop::Line { line, reason }),
                },
            },
        };
        let stop = matches!(item, Item::Stop(_));
        if to_writer.blocking_send(item).is_err() || stop {
            return;
        }
    }
}

async fn import(
    store: &Store,
    knowledge: &Knowledge,
    analyzer: &'static Analyzer,
    path: &Path,
) -> Result<()> {
    let started = Instant::now();
    let (reader, progress) = open(path)?;
    let version = regimen_web::derived::version(knowledge, Some(analyzer));
    let (to_writer, mut items) = tokio::sync::mpsc::channel::<Item>(1024);
    let reading = std::thread::spawn(move || read_dump(reader, analyzer, version, to_writer));
    let mut import = store.catalog_import().await?;
    let mut skipped = 0u64;
    let mut stopped = None;
    while let Some(item) = items.recv().await {
        match item {
            Item::Product(product) => {
                import.put(&product).await?;
            }
            Item::Skipped => skipped += 1,
            Item::Stop(stop) => {
                stopped = Some(stop);
                break;
            }
        }
    }
    drop(items);
    let _ = reading.join();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    if let Some(stop) = stopped {
        // Dropping the import rolls it back: the catalog is as it was.
        drop(import);
        let name = path.display();
        return Err(bad(match stop {
            Stop::Read { line, reason } => format!(
                "{name}, line {line}: {reason}; the file is cut short or damaged, so nothing was imported (the catalog is as it was)"
            ),
            Stop::Line { line, reason } => format!(
                "{name}, line {line}: {reason}; nothing was imported (the catalog is as it was)"
            ),
            Stop::TooLong { line } => format!(
                "{name}, line {line}: the line is longer than {} MiB, more than any product's record; nothing was imported (the catalog is as it was)",
                MAX_LINE >> 20
            ),
        }));
    }
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ImportCounts {
        added,
        updated,
        unchanged,
    } = import.finish(&source, words).await?;
    let seconds = started.elapsed().as_secs_f64();
    let products = added + updated + unchanged;
    sayln!(
        "{products} products from {source}: {added} added, {updated} updated, {unchanged} unchanged; {skipped} lines skipped (no name nor ingredient list). {:.1} s, {:.0} products/s.",
        seconds,
        products as f64 / seconds.max(1e-9)
    );
    sayln!(
        "The catalog now has {} products. {}",
        store.catalog_count().await?,
        regimen_web::catalog::ATTRIBUTION
    );
    Ok(())
}

async fn search(store: &Store, query: &str, limit: u32, format: Format) -> Result<()> {
    let words = regimen_web::catalog::Words::default();
    let found = regimen_web::catalog::search(store, &words, query, limit).await?;
    match format {
        Format::Json => {
            let products = regimen_web::catalog::found_json(&found)["products"].take();
            sayln!("{}", serde_json::to_string_pretty(&products)?);
        }
        Format::Table => {
            if store.catalog_generation().await? == 0 {
                return Err(bad(
                    "the catalog is empty: import the Open Beauty Facts dump first (regimen catalog import FILE)",
                ));
            }
            for (from, to) in &found.corrected {
                sayln!("(\"{from}\" read as \"{to}\")");
            }
            if !found.unknown.is_empty() {
                sayln!(
                    "(nothing in the catalog is near: {})",
                    found.unknown.join(", ")
                );
            }
            if found.products.is_empty() {
                sayln!("No product found for \"{query}\".");
            } else if found.partial.is_some() {
                sayln!("No product has all these words; these have some of them.");
            }
            for (i, product) in found.products.iter().enumerate() {
                let name = if product.name.is_empty() {
                    "(no name)"
                } else {
                    &product.name
                };
                say!("{}  {name}", product.code);
                if !product.brands.is_empty() {
                    say!(" · {}", product.brands);
                }
                if !product.kind.is_empty() {
                    say!(" · {}", product.kind.replace('_', " "));
                }
                if product.ingredients.trim().is_empty() {
                    say!(" · no ingredient list");
                }
                if let Some(words) = found.partial.as_ref().and_then(|p| p.get(i)) {
                    say!(" · has: {}", words.join(", "));
                }
                sayln!();
            }
            if !found.products.is_empty() {
                sayln!("\n{}", regimen_web::catalog::ATTRIBUTION);
            }
        }
    }
    Ok(())
}

async fn show(
    store: &Store,
    knowledge: &Knowledge,
    analyzer: &'static Analyzer,
    code: &str,
    format: Format,
) -> Result<()> {
    let forms = regimen_core::catalog::barcode_forms(code)
        .ok_or_else(|| bad(format!("{code:?} is not a barcode (8 to 14 digits)")))?;
    let Some(product) = store.catalog_product(&forms).await? else {
        return Err(bad(format!(
            "no product {code} in the catalog (regimen catalog search finds products by name)"
        )));
    };
    let version = regimen_web::derived::version(knowledge, Some(analyzer));
    match format {
        Format::Json => {
            let value = regimen_web::catalog::product_json(&product, analyzer, &version);
            sayln!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Table => {
            sayln!("{}  {}", product.code, product.name);
            if !product.brands.is_empty() {
                sayln!("Brands: {}", product.brands);
            }
            if !product.categories.is_empty() {
                sayln!("Categories: {}", product.categories);
            }
            if product.ingredients.trim().is_empty() {
                sayln!(
                    "No ingredient list in the catalog: paste it from the pack (regimen analyze)."
                );
            } else {
                sayln!("Ingredients ({}): {}\n", product.lang, product.ingredients);
                let options = Options {
                    name: Some(&product.name),
                    profile: None,
                    avoid: None,
                    kind: None,
                    categories: Some(&product.categories),
                    suggest: true,
                };
                let report = analyzer.analyze(&product.ingredients, &options);
                say!("{}", crate::render::report(knowledge, &report, false));
            }
            sayln!("\n{}", regimen_web::catalog::ATTRIBUTION);
        }
    }
    Ok(())
}
