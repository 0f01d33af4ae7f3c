//! How long a 4-week plan takes to build (target: median under 100 microseconds),
//! for the example profiles, with the knowledge base loaded once as a server would.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use regimen_core::analyzer::Analyzer;
use regimen_core::{Knowledge, PlanOptions, Planner, Profile};
use std::hint::black_box;
use std::sync::{Arc, OnceLock};

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
    let cell = OnceLock::from(Arc::new(Analyzer::builtin(&knowledge).expect("analyzer")));
    let planner = Planner::new(&knowledge, &cell);
    let start = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let options = PlanOptions::new(start, 4).expect("options");
    let mut group = c.benchmark_group("plan_4_weeks");
    for (name, text) in PROFILES {
        let profile = Profile::from_toml(text).expect("example profile");
        let reading = planner.read(&profile).expect("read");
        group.bench_function(*name, |b| {
            b.iter(|| planner.plan_read(black_box(&reading), &options))
        });
    }
    group.finish();
    c.bench_function("plan_4_weeks_to_json/combination-acne", |b| {
        let profile = Profile::from_toml(PROFILES[0].1).expect("profile");
        let reading = planner.read(&profile).expect("read");
        b.iter(|| serde_json::to_string(&planner.plan_read(black_box(&reading), &options)))
    });
    let shelf_profile =
        Profile::from_toml(include_str!("../../../examples/shelf.toml")).expect("shelf example");
    let reading = planner.read(&shelf_profile).expect("read");
    c.bench_function(
        "plan_4_weeks_with_shelf/shelf (6 products, analysed once)",
        |b| b.iter(|| planner.plan_read(black_box(&reading), &options)),
    );
    c.bench_function("read_profile/shelf (6 products and the avoid list)", |b| {
        b.iter(|| planner.read(black_box(&shelf_profile)))
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
            let reading = planner.read(black_box(&big)).expect("read");
            serde_json::to_vec(&planner.plan_read(&reading, &twelve))
        })
    });
    c.bench_function("knowledge_load", |b| b.iter(Knowledge::builtin));
}

criterion_group!(benches, plans);
criterion_main!(benches);
