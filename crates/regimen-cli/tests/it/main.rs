//! End-to-end tests of the `regimen` binary: outputs, files and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn regimen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regimen"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .env_remove("REGIMEN_KNOWLEDGE")
        .output()
        .expect("regimen runs")
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regimen-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

fn write_profile(name: &str, text: &str) -> PathBuf {
    let path = temp(name);
    std::fs::write(&path, text).expect("write profile");
    path
}

#[test]
fn plan_prints_a_readable_table_without_colour_when_piped() {
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--start",
        "2026-12-01",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Your answer:") && text.contains("both"));
    assert!(
        text.contains("Tue 2026-12-01") && text.contains("Mon 2026-12-28"),
        "four weeks by default"
    );
    assert!(text.contains("see_dermatologist"));
    assert!(!text.contains('\u{1b}'), "no colour codes when piped");
    let coloured = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--color",
        "always",
    ]);
    assert!(stdout(&coloured).contains('\u{1b}'));
}

#[test]
fn plan_json_has_the_documented_shape() {
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/aging.toml",
        "--format",
        "json",
        "--weeks",
        "2",
        "--start",
        "2027-01-04",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid json");
    assert_eq!(json["days"].as_array().map(Vec::len), Some(14));
    assert_eq!(json["days"][0]["date"], "2027-01-04");
    assert_eq!(json["approach"], "serums");
    assert!(json["serums"].as_array().is_some_and(|s| s
        .iter()
        .any(|s| s["active"] == "retinol" && s["time"] == "pm")));
}

#[test]
fn ics_has_one_event_per_routine_with_steps() {
    let path = temp("plan.ics");
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--weeks",
        "1",
        "--start",
        "2026-12-01",
        "--ics",
        path.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ics = std::fs::read_to_string(&path).expect("ics written");
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 14);
    assert!(ics.contains("DTSTART:20261201T073000"));
    assert!(ics.contains("DTSTART:20261201T210000"));
    assert!(ics.contains("UID:regimen-2026-12-01-am"));
    assert!(
        ics.contains("DESCRIPTION:1. Cleanse - 1 min\\n2. Niacinamide serum - 1 min"),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:Evening skincare: clay mask"));
    assert!(ics.contains("DTSTAMP:"));
}

#[test]
fn a_bad_profile_names_field_line_and_value_and_exits_2() {
    let cases = [
        (
            "skin_type = \"oilly\"\ngoal = \"both\"\n",
            "line 1, field `skin_type`",
            "oilly",
        ),
        (
            "skin_type = \"dry\"\ngoal = \"both\"\nconcerns = [\"acne\", \"wrinkles\"]\n",
            "line 3, field `concerns[1]`",
            "wrinkles",
        ),
        (
            "skin_type = \"dry\"\ngoal = \"both\"\nevents = [\"2026-13-01\"]\n",
            "field `events[0]`",
            "2026-13-01",
        ),
        (
            "skin_type = \"dry\"\ngoal = \"both\"\nminutes_pm = \"ten\"\n",
            "field `minutes_pm`",
            "ten",
        ),
        (
            "skin_type = \"dry\"\ngoal = \"both\"\nskin_colour = \"x\"\n",
            "line 3",
            "skin_colour",
        ),
        ("skin_type = \"dry\"\n", "", "goal"),
        ("skin_type = dry\n", "line 1", ""),
    ];
    for (i, (text, place, value)) in cases.iter().enumerate() {
        let path = write_profile(&format!("bad{i}.toml"), text);
        let out = regimen(&["plan", "--profile", path.to_str().expect("path")]);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "case {i}: {message}");
        assert!(
            message.contains(place) && message.contains(value),
            "case {i}: {message}"
        );
        assert!(
            message.contains(&*path.to_string_lossy()),
            "names the file: {message}"
        );
        assert!(!message.contains("panicked"));
    }
}

#[test]
fn missing_files_and_bad_flags_exit_2() {
    let out = regimen(&["plan", "--profile", "no/such/profile.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/profile.toml"));
    let out = regimen(&["plan", "--profile", "examples/aging.toml", "--weeks", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/aging.toml",
        "--start",
        "2026-02-30",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("2026-02-30"));
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/aging.toml",
        "--start",
        "+262142-12-31",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn quiz_without_a_terminal_says_so_and_exits_2() {
    let out = regimen(&["quiz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("terminal"));
}

#[test]
fn faq_lists_matches_and_refuses_nonsense() {
    let out = regimen(&["faq"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().filter(|l| l.contains('?')).count(), 7);
    let out = regimen(&[
        "faq", "can", "I", "use", "a", "mask", "and", "serum", "on", "the", "same", "day",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("serum after a mask"));
    assert!(stdout(&out).contains("Source:"));
    let out = regimen(&["faq", "xylophone"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explain_gives_sources_and_suggestions() {
    let out = regimen(&["explain", "retinol"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("WebMD"));
    let out = regimen(&["explain", "retinl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean retinol"));
    let out = regimen(&["explain"]);
    assert!(stdout(&out).contains("mask types: clay"));
}

#[test]
fn an_edited_knowledge_directory_is_loaded_and_validated() {
    let dir = temp("knowledge");
    let out = regimen(&["knowledge", "export", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let facts = dir.join("mask_types.toml");
    let text = std::fs::read_to_string(&facts).expect("exported");
    std::fs::write(
        &facts,
        text.replace(
            "purpose = \"oil control and pore purification\"",
            "purpose = \"EDITED purpose\"",
        ),
    )
    .expect("edit");
    let out = regimen(&[
        "--knowledge",
        dir.to_str().expect("path"),
        "explain",
        "clay",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = regimen(&[
        "--knowledge",
        dir.to_str().expect("path"),
        "plan",
        "--profile",
        "examples/combination-acne.toml",
    ]);
    assert!(
        stdout(&out).contains("EDITED purpose"),
        "the edited copy is used"
    );
    std::fs::write(
        &facts,
        text.replace("source = \"seed\"", "source = \"nowhere\""),
    )
    .expect("edit");
    let out = regimen(&["knowledge", "check", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown source nowhere"),
        "{}",
        stderr(&out)
    );
}
