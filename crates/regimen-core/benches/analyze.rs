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
}

criterion_group!(benches, analyze);
criterion_main!(benches);
