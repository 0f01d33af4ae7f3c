//! Analysing ingredient lists: the analyzer beside a bare scan of the same bytes with the
//! same matcher (the text in lower case, then one leftmost-longest pass: the floor any
//! matcher-based analyzer stands on).
//! Target: >= 100,000 lists per second on one core, within 2x of the bare scan.
//!
//! 100,000 lists per iteration, cycling through the real labels of
//! ../shared/data/lookfantastic when it is there, else a fixed synthetic mix of common
//! INCI names.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use regimen_core::analyzer::{Analyzer, Options, Scratch};
use regimen_core::Knowledge;
use std::hint::black_box;

const LISTS: usize = 100_000;

fn lists() -> Vec<String> {
    let source = source_lists();
    source.iter().cycle().take(LISTS).cloned().collect()
}

fn source_lists() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lookfantastic/skincare_products_clean.csv"
    );
    if let Ok(mut reader) = csv::Reader::from_path(path) {
        let lists: Vec<String> = reader
            .records()
            .filter_map(Result::ok)
            .filter_map(|r| r.get(3).map(str::to_string))
            .collect();
        if !lists.is_empty() {
            return lists;
        }
    }
    let names = [
        "Aqua",
        "Glycerin",
        "Niacinamide",
        "Butylene Glycol",
        "Sodium Hyaluronate",
        "Dimethicone",
        "Cetearyl Alcohol",
        "Phenoxyethanol",
        "Parfum",
        "Limonene",
        "Tocopherol",
        "Xanthan Gum",
        "Caprylic/Capric Triglyceride",
        "Ascorbic Acid",
        "Citric Acid",
        "Disodium EDTA",
        "Retinol",
        "Panthenol",
        "Allantoin",
        "Ethylhexylglycerin",
        "Carbomer",
        "Sodium Hydroxide",
    ];
    (0..1000)
        .map(|i| {
            (0..25)
                .map(|j| names[(i * 7 + j * 13) % names.len()])
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

fn analyze(c: &mut Criterion) {
    let knowledge = Knowledge::builtin().expect("knowledge");
    let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
    let lists = lists();
    let bytes: usize = lists.iter().map(String::len).sum();
    let mut group = c.benchmark_group("ingredient_lists");
    group.sample_size(10);
    group.throughput(Throughput::Elements(lists.len() as u64));
    group.bench_function(
        format!("analyze/{} lists, {} bytes", lists.len(), bytes),
        |b| {
            let mut scratch = Scratch::default();
            let options = Options::default();
            b.iter(|| {
                for list in &lists {
                    black_box(analyzer.analyze_with(black_box(list), &options, &mut scratch));
                }
            })
        },
    );
    group.bench_function(format!("bare_scan/{} lists", lists.len()), |b| {
        let matcher = analyzer.lexicon().matcher();
        let mut lower = String::new();
        b.iter(|| {
            let mut matches = 0usize;
            for list in &lists {
                lower.clear();
                lower.push_str(black_box(list));
                lower.make_ascii_lowercase();
                matches += matcher.find_iter(&lower).count();
            }
            black_box(matches)
        })
    });
    group.finish();
    c.bench_function("analyzer_build", |b| {
        b.iter(|| Analyzer::builtin(&knowledge))
    });
    // What a process pays before its first answer: the knowledge base read and checked,
    // the analyzer made, one list analysed.
    c.bench_function("startup/knowledge, analyzer, one list", |b| {
        b.iter(|| {
            let knowledge = Knowledge::builtin().expect("knowledge");
            let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
            let report = analyzer.analyze(
                black_box("Aqua, Glycerin, Niacinamide 10%, Zinc PCA, Parfum"),
                &Options::default(),
            );
            black_box(report.ingredients.len())
        })
    });
    // The kind from the name: real product names with a two-name list, so that the
    // name decides and the list costs little.
    let names = product_names();
    let mut group = c.benchmark_group("kind");
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function(format!("{} product names", names.len()), |b| {
        let mut scratch = Scratch::default();
        b.iter(|| {
            for name in &names {
                let options = Options {
                    name: Some(name),
                    ..Options::default()
                };
                let report = analyzer.analyze_with("Aqua, Glycerin", &options, &mut scratch);
                black_box(report.kind);
            }
        })
    });
    group.finish();
}

/// Product names: the retailer's when its catalog is beside the repository, and the
/// Open Beauty Facts sample's in data/.
fn product_names() -> Vec<String> {
    use std::io::BufRead;
    let mut names = Vec::new();
    let retailer = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lookfantastic/skincare_products_clean.csv"
    );
    if let Ok(mut reader) = csv::Reader::from_path(retailer) {
        names.extend(
            reader
                .records()
                .filter_map(Result::ok)
                .filter_map(|r| r.get(0).map(str::to_string)),
        );
    }
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/openbeautyfacts/openbeautyfacts-products-min.jsonl.gz"
    );
    let file = std::fs::File::open(sample).expect("the Open Beauty Facts sample");
    for line in std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines() {
        let line = line.expect("a line");
        if let Ok(product) = serde_json::from_str::<serde_json::Value>(&line) {
            if let Some(name) = product["product_name"].as_str().filter(|n| !n.is_empty()) {
                names.push(name.to_string());
            }
        }
    }
    names
}

criterion_group!(benches, analyze);
criterion_main!(benches);
