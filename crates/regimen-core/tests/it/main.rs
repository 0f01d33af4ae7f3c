//! Integration tests of the core, as one binary.

mod analyzer;
mod ask;
mod avoid;
mod contents;
mod engine;
mod experiment;
mod explain;
mod gate;
mod knowledge;
mod labels;
mod lists;
mod person;
mod properties;
mod shelf;
mod snapshots;

use chrono::NaiveDate;
use regimen_core::analyzer::Analyzer;
use regimen_core::{Knowledge, Plan, PlanOptions, Planner, Profile};
use std::sync::{Arc, OnceLock};

/// The built-in knowledge base, loaded once.
pub fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| Knowledge::builtin().expect("built-in knowledge is valid"))
}

/// The planner over the built-in knowledge base, with its analyzer built once.
pub fn planner() -> Planner<'static> {
    static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();
    Planner::new(knowledge(), &ANALYZER)
}

/// The analyzer over the shipped dictionary, built once.
pub fn analyzer() -> &'static Analyzer {
    planner().analyzer().expect("the shipped dictionary builds")
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// Plans a TOML profile from 2026-12-01 for `weeks` weeks.
pub fn plan_toml(toml: &str, weeks: u8) -> Plan<'static> {
    let profile = Profile::from_toml(toml).expect("test profile is valid");
    plan_for(&profile, weeks)
}

/// The serums a plan chose for the person's concerns: all but the gentle one that fills
/// the free days (rule serum_every_day), which comes on top of the limit.
pub fn treatment_serums<'a>(plan: &'a Plan<'_>) -> Vec<&'a str> {
    plan.serums
        .iter()
        .filter(|s| !s.reasons.iter().any(|r| r.rule == "serum_every_day"))
        .map(|s| s.active)
        .collect()
}

pub fn plan_for(profile: &Profile, weeks: u8) -> Plan<'static> {
    let start = profile.start.map(|d| d.0).unwrap_or(date("2026-12-01"));
    planner()
        .plan(profile, &PlanOptions::new(start, weeks).expect("options"))
        .expect("the shipped dictionary builds")
}
