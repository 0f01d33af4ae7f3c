//! `regimen scan barcode PHOTO`: the barcode of a pack from a phone photo, then the
//! product it names in the catalog (when one is imported).

use crate::bad;
use crate::serve::{connect, database};
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// `regimen scan`.
#[derive(Args)]
pub struct ScanArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Read the barcode (EAN-13, EAN-8, UPC-A, UPC-E) in a photo and look it up.
    Barcode {
        /// The photo (JPEG, PNG or WebP).
        photo: PathBuf,
        /// Database URL of the catalog [default: REGIMEN_DB, else the SQLite file
        /// `regimen serve` uses].
        #[arg(long, value_name = "URL")]
        db: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Read the ingredient list on a label photo (Tesseract), corrected against the
    /// INCI dictionary, and analyse it.
    Label {
        /// The photo (JPEG, PNG or WebP).
        photo: PathBuf,
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

/// Runs `regimen scan`.
pub fn run(
    knowledge: &regimen_core::Knowledge,
    analyzer: impl FnOnce() -> Result<&'static regimen_core::analyzer::Analyzer>,
    args: &ScanArgs,
) -> Result<()> {
    match &args.action {
        Action::Barcode { photo, db, format } => barcode(photo, db.as_deref(), *format),
        Action::Label { photo, format } => label(knowledge, analyzer, photo, *format),
    }
}

#[cfg(not(feature = "ocr"))]
fn label(
    _: &regimen_core::Knowledge,
    _: impl FnOnce() -> Result<&'static regimen_core::analyzer::Analyzer>,
    _: &Path,
    _: Format,
) -> Result<()> {
    Err(bad(regimen_scan::OCR_HINT))
}

#[cfg(feature = "ocr")]
fn label(
    knowledge: &regimen_core::Knowledge,
    analyzer: impl FnOnce() -> Result<&'static regimen_core::analyzer::Analyzer>,
    path: &Path,
    format: Format,
) -> Result<()> {
    let bytes = read_photo(path)?;
    let analyzer = analyzer()?;
    let read = regimen_scan::read_label(analyzer, &bytes)
        .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    if read.text.trim().is_empty() {
        return Err(bad(format!(
            "no text found in {}: photograph the list straight on, in focus, in good light",
            path.display()
        )));
    }
    let options = regimen_core::analyzer::Options {
        name: None,
        profile: None,
        avoid: None,
        kind: None,
        categories: None,
        suggest: true,
    };
    let report = analyzer.analyze(&read.text, &options);
    match format {
        Format::Json => {
            let mut value = serde_json::to_value(&report)?;
            value["ocr"] = serde_json::to_value(&read)?;
            sayln!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Table => {
            sayln!("Read from the label:\n{}\n", read.text);
            if !read.corrected.is_empty() {
                let fixes: Vec<String> = read
                    .corrected
                    .iter()
                    .map(|(a, b)| format!("{a} -> {b}"))
                    .collect();
                sayln!("Corrected: {}", fixes.join(", "));
            }
            if !read.to_check.is_empty() {
                let near: Vec<String> = read
                    .to_check
                    .iter()
                    .map(|(a, b)| format!("{a} (perhaps {b})"))
                    .collect();
                sayln!(
                    "Check these against the pack (left as read): {}",
                    near.join(", ")
                );
            }
            if !read.unknown.is_empty() {
                sayln!(
                    "Check these against the pack (not known names): {}",
                    read.unknown.join(", ")
                );
            }
            sayln!();
            say!("{}", crate::render::report(knowledge, &report, false));
        }
    }
    Ok(())
}

fn read_photo(path: &Path) -> Result<Vec<u8>> {
    let size = std::fs::metadata(path)
        .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?
        .len();
    // The upload limit of the server: a photo, not a film.
    if size > 16 << 20 {
        return Err(bad(format!(
            "{} is {} MiB: a photo is at most 16 MiB",
            path.display(),
            size >> 20
        )));
    }
    std::fs::read(path).map_err(|e| bad(format!("cannot read {}: {e}", path.display())))
}

fn barcode(path: &Path, db: Option<&str>, format: Format) -> Result<()> {
    let bytes = read_photo(path)?;
    let found =
        regimen_scan::read_barcode(&bytes).map_err(|e| bad(format!("{}: {e}", path.display())))?;
    let Some(found) = found else {
        return Err(bad(format!(
            "no barcode found in {}: photograph the bars straight on, in focus and filling most of the picture",
            path.display()
        )));
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let product = runtime.block_on(async {
        let store = connect(&database(db)).await?;
        let forms = regimen_core::catalog::barcode_forms(&found.gtin).unwrap_or_default();
        let mut all = vec![found.code.clone()];
        all.extend(forms);
        let product = store.catalog_product(&all).await?;
        store.close().await;
        anyhow::Ok(product)
    })?;
    match format {
        Format::Json => {
            let mut value = serde_json::to_value(&found)?;
            value["product"] = product
                .as_ref()
                .map_or(serde_json::Value::Null, regimen_web::catalog::summary_json);
            sayln!("{}", serde_json::to_string_pretty(&value)?);
        }
        Format::Table => {
            sayln!("{} ({})", found.code, found.format.name());
            match product {
                Some(p) => {
                    sayln!("In the catalog: {} · {}", p.name, p.brands);
                    sayln!("(regimen catalog show {} for its list and analysis)", p.code);
                    sayln!("{}", regimen_web::catalog::ATTRIBUTION);
                }
                None => sayln!(
                    "Not in the catalog here (regimen catalog import loads Open Beauty Facts); add it with its ingredient list."
                ),
            }
        }
    }
    Ok(())
}
