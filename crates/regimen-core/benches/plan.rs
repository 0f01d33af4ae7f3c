//! How long a 4-week plan takes to build (target: median under 100 microseconds),
//! for the example profiles, with the knowledge base loaded once as a server would.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use regimen_core::analyzer::Analyzer;
use regimen_core::{make_plan_from, Knowledge, PlanOptions, Profile, Reading};
use std::hint::black_box;

const PROFILES: &[(&str, &str)] = &[
    (
        "combination-acne",
        include_str!("../../../examples/combination-acne.toml"),
    ),
    ("aging", include_str!("../../../examples/aging.toml")),
    (
        "dry-event",
        include_str!("../../../examples/dry-event.toml"),
    ),
    (
        "sensitive",
        include_str!("../../../examples/sensitive.toml"),
    ),
];

fn plans(c: &mut Criterion) {
    let knowledge = Knowledge::builtin().expect("built-in knowledge");
    let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
    let start = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let options = PlanOptions::new(start, 4).expect("options");
    let mut group = c.benchmark_group("plan_4_weeks");
    for (name, text) in PROFILES {
        let profile = Profile::from_toml(text).expect("example profile");
        let reading = Reading::of(&knowledge, &analyzer, &profile);
        group.bench_function(*name, |b| {
            b.iter(|| make_plan_from(&knowledge, black_box(&profile), &options, &reading))
        });
    }
    group.finish();
    c.bench_function("plan_4_weeks_to_json/combination-acne", |b| {
        let profile = Profile::from_toml(PROFILES[0].1).expect("profile");
        let reading = Reading::of(&knowledge, &analyzer, &profile);
        b.iter(|| {
            serde_json::to_string(&make_plan_from(
                &knowledge,
                black_box(&profile),
                &options,
                &reading,
            ))
        })
    });
    let shelf_profile =
        Profile::from_toml(include_str!("../../../examples/shelf.toml")).expect("shelf example");
    let reading = Reading::of(&knowledge, &analyzer, &shelf_profile);
    c.bench_function(
        "plan_4_weeks_with_shelf/shelf (6 products, analysed once)",
        |b| b.iter(|| make_plan_from(&knowledge, black_box(&shelf_profile), &options, &reading)),
    );
    c.bench_function("read_profile/shelf (6 products and the avoid list)", |b| {
        b.iter(|| Reading::of(&knowledge, &analyzer, black_box(&shelf_profile)))
    });
    // What a saved plan's read cost before the server kept it (issue #13): the shelf of
    // 20 products read, a 12-week plan made and written as JSON, each time.
    let mut big = shelf_profile.clone();
    big.shelf = (0..20)
        .map(|i| {
            let mut item = shelf_profile.shelf[i % shelf_profile.shelf.len()].clone();
            item.name = format!("{} ({})", item.name, i / shelf_profile.shelf.len() + 1);
            item
        })
        .collect();
    let twelve = PlanOptions::new(start, 12).expect("options");
    c.bench_function("saved_plan_made/12 weeks, 20 products, to JSON", |b| {
        b.iter(|| {
            let reading = Reading::of(&knowledge, &analyzer, black_box(&big));
            serde_json::to_vec(&make_plan_from(&knowledge, &big, &twelve, &reading))
        })
    });
    c.bench_function("knowledge_load", |b| b.iter(Knowledge::builtin));
}

criterion_group!(benches, plans);
criterion_main!(benches);
