//! Snapshots of the plans for the shipped example profiles (examples/*.toml), from
//! 2026-12-01 unless the profile gives its own start. Days are folded to one line
//! each so that a change in the schedule reads as a one-line diff.

use regimen_core::plan::StepEntry;
use regimen_core::Profile;
use serde_json::Value;
use std::path::Path;

fn routine(steps: &[StepEntry<'_>]) -> String {
    steps
        .iter()
        .map(|s| format!("{}({})", s.label(), s.minutes))
        .collect::<Vec<_>>()
        .join(" ")
}

fn snapshot_of(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let profile = Profile::from_toml(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let plan = super::shelf::plan_with_shelf(&profile, 4);
    let mut json = serde_json::to_value(&plan).expect("plan serializes");
    let days: Vec<Value> = plan
        .days
        .iter()
        .map(|d| {
            Value::String(format!(
                "{} | am: {} | pm: {}",
                d.date,
                routine(&d.am),
                routine(&d.pm)
            ))
        })
        .collect();
    json["days"] = Value::Array(days);
    json
}

#[test]
fn example_plans() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 5,
        "the example profiles are shipped: {names:?}"
    );
    for name in names {
        let snapshot = snapshot_of(&name);
        insta::assert_json_snapshot!(name.trim_end_matches(".toml"), snapshot);
    }
}
