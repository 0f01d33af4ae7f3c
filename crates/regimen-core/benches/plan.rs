//! How long a 4-week plan takes to build (target: median under 100 microseconds),
//! for the example profiles, with the knowledge base loaded once as a server would.

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use regimen_core::{make_plan, Knowledge, PlanOptions, Profile};
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
    let start = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let options = PlanOptions::new(start, 4).expect("options");
    let mut group = c.benchmark_group("plan_4_weeks");
    for (name, text) in PROFILES {
        let profile = Profile::from_toml(text).expect("example profile");
        group.bench_function(*name, |b| {
            b.iter(|| make_plan(&knowledge, black_box(&profile), &options))
        });
    }
    group.finish();
    c.bench_function("plan_4_weeks_to_json/combination-acne", |b| {
        let profile = Profile::from_toml(PROFILES[0].1).expect("profile");
        b.iter(|| serde_json::to_string(&make_plan(&knowledge, black_box(&profile), &options)))
    });
    c.bench_function("knowledge_load", |b| b.iter(Knowledge::builtin));
}

criterion_group!(benches, plans);
criterion_main!(benches);
