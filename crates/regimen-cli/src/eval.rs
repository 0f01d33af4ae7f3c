//! `regimen eval`: how well the analyzer reads a labelled catalog. Kind accuracy compares
//! the analyzer's kind with the catalog's product type (mapped below); active agreement
//! checks, for every product whose name names an active, that the analyzer finds an
//! active of that family in its ingredient list (not just in the name). Uses: every
//! product whose name states an SPF can fill the sunscreen step, every cleanser or wash
//! the cleanse step. Negations: a name that denies a word ("Oil-Free", "No SPF") never
//! gets the kind or SPF it denies. Families: over every list, the families found at any
//! position against a plain substring check.

use crate::bad;
use anyhow::Result;
use regimen_core::analyzer::{Analyzer, Options, Scratch, BODY_PRODUCT};
use regimen_core::vocab::{ProductKind, Step};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The catalog (CSV with product_name, product_type and clean_ingreds columns). The
    /// default is the LookFantastic skincare catalog of the shared data folder beside the
    /// repository (../shared/data, with its README on provenance and terms).
    #[arg(
        long,
        value_name = "FILE",
        default_value = "../shared/data/lookfantastic/skincare_products_clean.csv"
    )]
    data: PathBuf,
    /// Lists as packs print them, with their parse written by hand (JSON lines; the
    /// default is the 200 Open Beauty Facts lists in the repository).
    #[arg(long, value_name = "FILE", default_value = "eval/lists/obf-200.jsonl")]
    lists: PathBuf,
    /// Print every disagreement.
    #[arg(long)]
    verbose: bool,
}

/// The retailer's product types, as regimen kinds.
pub fn expected_kind(product_type: &str) -> Option<ProductKind> {
    Some(match product_type {
        "Mask" => ProductKind::Mask,
        "Body Wash" | "Cleanser" => ProductKind::Cleanser,
        "Moisturiser" | "Balm" => ProductKind::Moisturizer,
        "Serum" => ProductKind::Serum,
        "Eye Care" => ProductKind::EyeCare,
        "Mist" => ProductKind::Mist,
        "Oil" => ProductKind::Oil,
        "Toner" => ProductKind::Toner,
        "Exfoliator" | "Peel" => ProductKind::Exfoliant,
        "Bath Salts" | "Bath Oil" => ProductKind::Other,
        _ => return None,
    })
}

/// Actives a product name can claim: (words in the name, family, stems that show the
/// family is in the raw list at all). The stems are a loose, independent check: a claim
/// whose family no stem finds in the list cannot be verified from that list.
pub const NAMED_ACTIVES: &[(&[&str], &str, &[&str])] = &[
    (
        &["vitamin c", "ascorbic", "c10", "c15", "c-tetra"],
        "vitamin_c",
        &["ascorb", "vitamin c", "vitamin-c"],
    ),
    (
        &["hyaluronic", "hyaluronate"],
        "hyaluronic_acid",
        &["hyalur"],
    ),
    (
        &["niacinamide"],
        "niacinamide",
        &["niacinamide", "nicotinamide"],
    ),
    (
        &["retinol", "retinoid", "retinal", "retinyl"],
        "retinoid",
        &["retin", "adapalene", "tretinoin"],
    ),
    (
        &["glycolic", "lactic acid", "mandelic", "aha"],
        "aha",
        &[
            "glycolic",
            "lactic acid",
            "mandelic",
            "malic acid",
            "tartaric",
            "citric acid",
            "gluconolactone",
        ],
    ),
    (
        &["salicylic", "bha"],
        "bha",
        &["salicylic acid", "betaine salicylate"],
    ),
    (&["azelaic"], "azelaic_acid", &["azela"]),
    (&["peptide"], "peptide", &["peptide"]),
    (&["ceramide"], "ceramide", &["ceramide"]),
    (&["bakuchiol"], "bakuchiol", &["bakuchiol"]),
    (
        &["clay", "kaolin"],
        "clay",
        &["clay", "kaolin", "bentonite", "montmorillonite", "illite"],
    ),
];

/// Words a name can deny, with the kind the word would otherwise give.
const DENIABLE: &[(&str, Option<ProductKind>)] = &[
    ("oil", Some(ProductKind::Oil)),
    ("spf", None),
    ("soap", None),
    ("fragrance", None),
    ("alcohol", None),
    ("paraben", None),
    ("sulphate", None),
    ("sulfate", None),
];

/// The word a name denies ("Oil-Free", "Fragrance Free", "No SPF"), if any.
fn denied(name: &str) -> Option<&'static (&'static str, Option<ProductKind>)> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    DENIABLE.iter().find(|(word, _)| {
        words.windows(2).any(|pair| {
            (pair[0] == *word && pair[1] == "free") || (pair[0] == "no" && pair[1] == *word)
        })
    })
}

/// The SPF a name states, by a plain reading independent of the analyzer's.
fn stated_spf(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.match_indices("spf").any(|(at, _)| {
        let after = lower[at + 3..].trim_start_matches([' ', '-']);
        let before = lower[..at].trim_end();
        after.starts_with(|c: char| c.is_ascii_digit()) && !before.ends_with(" no")
    })
}

fn claims(name: &str) -> Vec<(&'static str, &'static [&'static str])> {
    let lower = format!(
        " {} ",
        name.to_lowercase()
            .replace(['-', '+', '%', '(', ')', ','], " ")
    );
    NAMED_ACTIVES
        .iter()
        .filter(|(words, _, _)| {
            words.iter().any(|w| {
                let w = w.replace('-', " ");
                lower.contains(&format!(" {w} ")) || (w.len() > 6 && lower.contains(&w))
            })
        })
        .map(|(_, family, stems)| (*family, *stems))
        .collect()
}

/// The lists with their hand-written parse, scored; whether they could be read.
fn lists(analyzer: &Analyzer, path: &std::path::Path) -> Result<bool> {
    let Ok(text) = std::fs::read_to_string(path) else {
        sayln!(
            "lists as printed: {} is not here (run from the repository's root, or give --lists FILE)",
            path.display()
        );
        return Ok(false);
    };
    let cases = regimen_core::analyzer::corpus::cases(&text)
        .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    let score = regimen_core::analyzer::corpus::score(analyzer, &cases);
    sayln!(
        "lists as printed ({} lists, {}): {:.1}% of {} expected names read in place, \
         {:.1}% of {} items read are expected; may contain {} of {}",
        score.lists,
        path.display(),
        100.0 * score.recall(),
        score.expected,
        100.0 * score.precision(),
        score.read,
        score.may_paired,
        score.may_expected
    );
    Ok(true)
}

pub fn run(analyzer: &Analyzer, args: &EvalArgs) -> Result<()> {
    let listed = lists(analyzer, &args.lists)?;
    let mut reader = match csv::Reader::from_path(&args.data) {
        Ok(reader) => reader,
        Err(e) if listed => {
            sayln!(
                "retailer catalog: cannot read {}: {e}. It cannot be shipped (its licence is \
                 unknown); data/README.md says where to get it, or give a copy with --data FILE",
                args.data.display()
            );
            return Ok(());
        }
        Err(e) => {
            return Err(bad(format!(
                "cannot read {}: {e}. The evaluation reads a retailer's catalog: by default the \
                 LookFantastic skincare catalog (skincare_products_clean.csv, columns product_name, \
                 product_type, clean_ingreds) in ../shared/data/lookfantastic beside the repository \
                 (data/README.md says where to get it); give another copy with --data FILE",
                args.data.display()
            )))
        }
    };
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("{}: no column {name}", args.data.display())))
    };
    let (name_col, type_col, ingredients_col) = (
        column("product_name")?,
        column("product_type")?,
        column("clean_ingreds")?,
    );
    let mut scratch = Scratch::default();
    let (mut kind_total, mut kind_right) = (0usize, 0usize);
    let (mut claim_total, mut claim_found, mut claim_verifiable) = (0usize, 0usize, 0usize);
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    // Across every list: (both, stems only, analyzer only) per family.
    let mut families: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut rows = 0usize;
    let mut unknown_names = 0usize;
    let mut names = 0usize;
    let (mut spf_total, mut spf_right) = (0usize, 0usize);
    let (mut cleanse_total, mut cleanse_right) = (0usize, 0usize);
    let (mut denied_total, mut denied_right) = (0usize, 0usize);
    for record in reader.records() {
        let record = record?;
        rows += 1;
        let name = record.get(name_col).unwrap_or_default();
        let options = Options {
            name: Some(name),
            profile: None,
            avoid: None,
            kind: None,
            categories: None,
            suggest: false,
        };
        let list = record.get(ingredients_col).unwrap_or_default();
        let report = analyzer.analyze_with(list, &options, &mut scratch);
        let lower_list = list.to_lowercase();
        names += report.ingredients.len() + report.unknown.len();
        unknown_names += report.unknown.len();
        // Eye creams and body products aside: an SPF there protects the eye area, or the
        // body, and the product fills no step of a face routine.
        let for_body = report.diagnostics.iter().any(|d| d.code == BODY_PRODUCT);
        if stated_spf(name) && report.kind != ProductKind::EyeCare && !for_body {
            spf_total += 1;
            let right = report.uses.contains(&Step::Sunscreen) && report.spf.is_some();
            spf_right += usize::from(right);
            if args.verbose && !right {
                sayln!("uses: {name}: states an SPF, uses {:?}", report.uses);
            }
        }
        let product_type = record.get(type_col).unwrap_or_default();
        if matches!(product_type, "Cleanser" | "Body Wash") {
            cleanse_total += 1;
            let right = report.uses.contains(&Step::Cleanse);
            cleanse_right += usize::from(right);
            if args.verbose && !right {
                sayln!("uses: {name}: a {product_type}, uses {:?}", report.uses);
            }
        }
        if let Some((word, kind)) = denied(name) {
            denied_total += 1;
            let right = match (word, kind) {
                (&"spf", _) => report.spf.is_none(),
                (_, Some(kind)) => report.kind != *kind,
                (_, None) => true,
            };
            denied_right += usize::from(right);
            if args.verbose && !right {
                sayln!(
                    "negation: {name}: denies {word}, got {} {:?}",
                    report.kind,
                    report.spf
                );
            }
        }
        if let Some(expected) = expected_kind(product_type) {
            kind_total += 1;
            if report.kind == expected {
                kind_right += 1;
            } else {
                *confusion
                    .entry((expected.id().to_string(), report.kind.id().to_string()))
                    .or_default() += 1;
                if args.verbose {
                    sayln!("kind: {name}: expected {expected}, got {}", report.kind);
                }
            }
        }
        for (_, family, stems) in NAMED_ACTIVES {
            let by_stem = stems.iter().any(|s| lower_list.contains(s));
            // Found in the list (position 0 is a family only the name claims).
            let by_analyzer = report
                .actives
                .iter()
                .any(|a| a.family == *family && a.position > 0);
            let entry = families.entry(family).or_default();
            match (by_stem, by_analyzer) {
                (true, true) => entry.0 += 1,
                (true, false) => entry.1 += 1,
                (false, true) => entry.2 += 1,
                (false, false) => {}
            }
        }
        for (family, stems) in claims(name) {
            claim_total += 1;
            let verifiable = stems.iter().any(|s| lower_list.contains(s));
            let found = report
                .actives
                .iter()
                .any(|a| a.family == family && a.position > 0);
            claim_verifiable += usize::from(verifiable);
            claim_found += usize::from(found && verifiable);
            if args.verbose && !found {
                let why = if verifiable {
                    "missed"
                } else {
                    "not in the list"
                };
                sayln!("active: {name}: {family} {why}");
            }
        }
    }
    let percent = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    sayln!("rows: {rows}");
    sayln!(
        "kind accuracy: {kind_right}/{kind_total} = {:.1}% (target >= 90%)",
        percent(kind_right, kind_total)
    );
    sayln!(
        "active agreement: {claim_found}/{claim_verifiable} = {:.1}% of the actives a product name claims and its list contains (target >= 97%)",
        percent(claim_found, claim_verifiable)
    );
    sayln!(
        "  ({} of {claim_total} claims name an active the list does not contain at all: incomplete data or marketing)",
        claim_total - claim_verifiable
    );
    sayln!(
        "uses, sunscreen: {spf_right}/{spf_total} = {:.1}% of products whose name states an SPF (eye creams and body products aside) fill the sunscreen step (target >= 95%)",
        percent(spf_right, spf_total)
    );
    sayln!(
        "uses, cleanse: {cleanse_right}/{cleanse_total} = {:.1}% of cleansers and washes fill the cleanse step (target >= 95%)",
        percent(cleanse_right, cleanse_total)
    );
    sayln!(
        "negations: {denied_right}/{denied_total} = {:.1}% of names that deny a word (\"Oil-Free\", \"No SPF\") do not get the kind or SPF it denies (target 100%)",
        percent(denied_right, denied_total)
    );
    sayln!(
        "ingredient names recognised: {}/{names} = {:.1}%",
        names - unknown_names,
        percent(names - unknown_names, names)
    );
    sayln!("families at every position, across all lists (analyzer vs a substring check of the raw list):");
    for (family, (both, stems_only, analyzer_only)) in &families {
        sayln!(
            "  {family:<16} both {both:>4}  list only {stems_only:>3}  analyzer only {analyzer_only:>3}  agreement {:>5.1}%",
            percent(*both, both + stems_only + analyzer_only)
        );
    }
    let mut confusion: Vec<_> = confusion.into_iter().collect();
    confusion.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    sayln!("most frequent kind confusions (expected -> got):");
    for ((expected, got), n) in confusion.into_iter().take(10) {
        sayln!("  {expected:>12} -> {got:<12} {n}");
    }
    Ok(())
}
