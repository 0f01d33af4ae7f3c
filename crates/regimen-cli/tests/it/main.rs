//! End-to-end tests of the `regimen` binary: outputs, files and exit codes.

mod browser;
mod catalog;
mod labels;
mod server;

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
        text.contains("Your routines, Tue 1 Dec to Mon 28 Dec (4 weeks)"),
        "four weeks by default: {text}"
    );
    assert!(
        text.contains("When to see a dermatologist"),
        "labels, not codes"
    );
    assert!(!text.contains("see_dermatologist"));
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
fn ics_has_one_event_per_run_of_a_routine_with_steps_and_reminders() {
    let path = temp("plan.ics");
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--weeks",
        "3",
        "--start",
        "2026-12-01",
        "--ics",
        path.to_str().expect("utf-8 path"),
        "--remind",
        "10m",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ics = std::fs::read_to_string(&path).expect("ics written");
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
    // Every morning and evening of the 21 days once: an event stands for its start
    // day and, with a daily rule, the days its COUNT runs on.
    let mut occurrences: Vec<(String, String)> = Vec::new();
    for event in ics.split("BEGIN:VEVENT").skip(1) {
        let field = |name: &str| {
            event
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::trim)
                .map(str::to_string)
        };
        let start = field("DTSTART:").expect("DTSTART");
        let day = chrono::NaiveDate::parse_from_str(&start[..8], "%Y%m%d").expect("date");
        let count =
            field("RRULE:FREQ=DAILY;COUNT=").map_or(1, |c| c.parse::<u64>().expect("count"));
        for n in 0..count {
            occurrences.push((
                (day + chrono::Days::new(n)).to_string(),
                start[9..].to_string(),
            ));
        }
        assert!(
            event.contains("BEGIN:VALARM") && event.contains("TRIGGER:-PT600S"),
            "{event}"
        );
    }
    occurrences.sort();
    let mut expected: Vec<(String, String)> = (0..21)
        .flat_map(|d| {
            let day = (chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
                + chrono::Days::new(d))
            .to_string();
            [
                (day.clone(), "073000".to_string()),
                (day, "210000".to_string()),
            ]
        })
        .collect();
    expected.sort();
    assert_eq!(occurrences, expected);
    // Mornings change once (vitamin C joins after two patch-test weeks, on day 15): two
    // morning events.
    assert_eq!(ics.matches("SUMMARY:Morning skincare").count(), 2, "{ics}");
    assert!(ics.contains("UID:regimen-2026-12-01-am"));
    assert!(ics.contains("RRULE:FREQ=DAILY;COUNT=14"));
    assert!(
        ics.contains("DESCRIPTION:1. Cleanse - 1 min\\n2. Niacinamide serum - 1 min"),
        "{ics}"
    );
    assert!(ics.contains("SUMMARY:Evening skincare: clay mask"));
    assert!(ics.contains("DTSTAMP:"));
    // A reminder that is none is refused by its value.
    let bad = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--remind",
        "soon",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("\"soon\" is not a reminder"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn the_plan_fits_the_terminal_in_labels_with_a_compact_calendar() {
    let plan = |columns: &str, extra: &[&str]| {
        let mut args = vec![
            "plan",
            "--profile",
            "examples/combination-acne.toml",
            "--start",
            "2026-12-01",
        ];
        args.extend_from_slice(extra);
        let out = Command::new(env!("CARGO_BIN_EXE_regimen"))
            .args(&args)
            .current_dir(root())
            .env("COLUMNS", columns)
            .env_remove("REGIMEN_KNOWLEDGE")
            .output()
            .expect("regimen runs");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    for width in [80usize, 60] {
        let text = plan(&width.to_string(), &[]);
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(
            widest <= width,
            "a line of {widest} columns at {width}:\n{text}"
        );
    }
    let text = plan("80", &[]);
    // The four weeks: the routines folded and a calendar of weeks and days.
    let routines: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Your routines"))
        .take_while(|l| !l.is_empty() || !l.starts_with("For your"))
        .take_while(|l| !l.starts_with("For your safety"))
        .collect();
    assert!(
        routines.len() <= 30,
        "{} lines:\n{}",
        routines.len(),
        routines.join("\n")
    );
    assert!(text.contains("Mon  Tue  Wed  Thu  Fri  Sat  Sun"), "{text}");
    assert!(
        text.contains("mornings from 15 Dec"),
        "runs of identical mornings folded: {text}"
    );
    assert!(
        text.lines().count() <= 100,
        "{} lines",
        text.lines().count()
    );
    // Labels and short source tags, never codes; the sources in full on request.
    assert!(text.contains("When to see a dermatologist:") && text.contains("[1]"));
    for code in [
        "see_dermatologist",
        "time_budget",
        "patch_test",
        "approach_both",
    ] {
        assert!(!text.contains(code), "{code} in {text}");
    }
    assert!(!text.contains("Sources\n"));
    let with_sources = plan("80", &["--sources"]);
    assert!(
        with_sources.contains("\nSources\n[1] Face masks vs serums: which delivers better results"),
        "{with_sources}"
    );
    // An event is marked on its day of the calendar.
    let profile = write_profile(
        "event.toml",
        "skin_type = \"dry\"\ngoal = \"fast\"\nevents = [\"2026-12-24\"]\nstart = \"2026-12-01\"\n",
    );
    let out = regimen(&["plan", "--profile", profile.to_str().expect("path")]);
    let text = stdout(&out);
    let row = text
        .lines()
        .find(|l| l.contains(" 21") && l.contains(" 27"))
        .expect("the week of the event");
    assert!(row.contains("24") && row.contains('*'), "{row}\n{text}");
    assert!(text.contains("* your event"));
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
    assert!(stdout(&out).lines().filter(|l| l.contains('?')).count() > 30);
    let out = regimen(&[
        "faq", "can", "I", "use", "a", "mask", "and", "serum", "on", "the", "same", "day",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("serum after a mask"));
    assert!(stdout(&out).contains("[1] "), "{}", stdout(&out));
    let out = regimen(&["faq", "xylophone"]);
    assert_eq!(out.status.code(), Some(2));
    // A question as people type it is answered from the rules, with its sources.
    let out = regimen(&["faq", "tretinoin", "ok", "with", "bpo?"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Not in the same routine"),
        "{}",
        stdout(&out)
    );
    let out = regimen(&[
        "faq",
        "--format",
        "json",
        "is",
        "bakuchiol",
        "safe",
        "in",
        "pregancy",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["confidence"], "high");
    assert!(json["understood"]["asks"][0] == "pregnancy", "{json}");
    // Not sure: the closest questions, exit 2.
    let out = regimen(&["faq", "is", "it", "ok", "together"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Did you mean"), "{}", stderr(&out));
}

#[test]
fn explain_gives_sources_and_suggestions() {
    let out = regimen(&["explain", "retinol"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("NICE guideline NG198"));
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
    // Exporting again would overwrite the edits: refused without --force.
    let out = regimen(&["knowledge", "export", dir.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&facts)
            .expect("kept")
            .contains("nowhere"),
        "the edited file is kept"
    );
    let out = regimen(&[
        "knowledge",
        "export",
        "--force",
        dir.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!std::fs::read_to_string(&facts)
        .expect("rewritten")
        .contains("nowhere"));
}

/// `regimen eval` in a clone: the repository's lists as printed are scored, and the
/// retailer catalog it cannot ship is named with where to get it; with neither, exit 2.
#[test]
fn eval_without_its_data_says_where_it_comes_from() {
    let out = regimen(&["eval", "--data", "/nonexistent/catalog.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("lists as printed (200 lists"), "{said}");
    assert!(said.contains("data/README.md"), "{said}");
    let out = regimen(&[
        "eval",
        "--data",
        "/nonexistent/catalog.csv",
        "--lists",
        "/nonexistent/lists.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("LookFantastic") && message.contains("--data"),
        "{message}"
    );
}

/// A PostgreSQL server that does not answer is named (its address, never its
/// password) and `serve` exits 2 instead of waiting on the pool's retries.
#[test]
fn serve_names_a_database_that_does_not_answer() {
    let port = server::free_port();
    let url = format!("postgres://app:secret@127.0.0.1:{port}/regimen");
    let out = regimen(&["serve", "--addr", "127.0.0.1:0", "--db", &url]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

/// Renders `text` as a label photo at `path` with ImageMagick (dark ink on tinted paper,
/// then spoilt by the `spoil` arguments); false when ImageMagick is not here.
fn render_label(path: &Path, text: &str, spoil: &[&str]) -> bool {
    Command::new("convert")
        .args([
            "-size",
            "900x",
            "-background",
            "#f0e4c8",
            "-fill",
            "#302010",
            "-font",
            "DejaVu-Sans",
            "-pointsize",
            "28",
        ])
        .arg(format!("caption:{text}"))
        .args(spoil)
        .arg(path)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Real ingredient lists with their product names, from the repository alone: every
/// list of the Open Beauty Facts sample in data/ (each language's), then the texts of
/// the hand-parsed corpus in eval/lists. The retailer catalog beside the repository
/// (../shared/data), when it is there, adds its 1,138 lists; the tests do not need it.
fn real_lists() -> Vec<(String, String)> {
    use std::io::BufRead;
    let mut lists = Vec::new();
    let sample = root().join("data/openbeautyfacts/openbeautyfacts-products-min.jsonl.gz");
    let lines = std::io::BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(sample).expect("the Open Beauty Facts sample in data/"),
    ));
    for line in lines.lines() {
        let Ok(product) = serde_json::from_str::<serde_json::Value>(&line.expect("a line")) else {
            continue;
        };
        let name = product["product_name"].as_str().unwrap_or("").to_string();
        for (key, value) in product.as_object().into_iter().flatten() {
            if let (true, Some(text)) = (key.starts_with("ingredients_text"), value.as_str()) {
                if !text.trim().is_empty() {
                    lists.push((name.clone(), text.to_string()));
                }
            }
        }
    }
    let corpus = std::fs::read_to_string(root().join("eval/lists/obf-200.jsonl")).expect("corpus");
    for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).expect("a corpus line");
        lists.push((
            String::new(),
            case["text"].as_str().expect("text").to_string(),
        ));
    }
    let retailer = root().join("../shared/data/lookfantastic/skincare_products_clean.csv");
    if let Ok(mut reader) = csv::Reader::from_path(retailer) {
        for record in reader.records() {
            let record = record.expect("a retailer record");
            lists.push((record[0].to_string(), record[3].to_string()));
        }
    }
    lists
}

/// The lists of [`real_lists`] as a CSV file (name, ingredients) for `analyze --csv`.
fn real_lists_csv(file: &str) -> (PathBuf, usize) {
    let lists = real_lists();
    let path = temp(file);
    let mut writer = csv::Writer::from_path(&path).expect("csv");
    writer
        .write_record(["name", "ingredients"])
        .expect("header");
    for (name, list) in &lists {
        writer.write_record([name, list]).expect("row");
    }
    writer.flush().expect("flush");
    (path, lists.len())
}

/// Real data shipped in the repository's data/ folder (barcodes, Open Beauty Facts), each
/// with its NOTICE.
fn shipped_data(relative: &str) -> PathBuf {
    let path = root().join("data").join(relative);
    assert!(
        path.exists(),
        "{} is missing from the repository",
        path.display()
    );
    path
}

#[test]
fn analyze_reads_an_argument_a_file_or_standard_input() {
    let out = regimen(&[
        "analyze",
        "Aqua, Glycerin, Niacinamide 10%, Parfum",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["actives"][0]["id"], "niacinamide");
    assert_eq!(json["actives"][0]["percent"], 10.0);
    assert_eq!(json["flags"][0]["code"], "fragrance");
    let path = temp("label.txt");
    std::fs::write(&path, "Ingredients: Aqua, Kaolin, Bentonite").expect("write");
    let out = regimen(&[
        "analyze",
        "--file",
        path.to_str().expect("path"),
        "--name",
        "Clay Mask",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("Kind: Mask (clay mask)"),
        "{}",
        stdout(&out)
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_regimen"))
        .args(["analyze", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Aqua, Retinol")
        .expect("write");
    let out = child.wait_with_output().expect("output");
    assert_eq!(stdout(&out).lines().count(), 1);
    assert!(stdout(&out).contains("\"family\":\"retinoid\""));
}

#[test]
fn analyze_csv_writes_one_line_per_row_in_order_and_names_bad_columns() {
    let path = temp("catalog.csv");
    std::fs::write(
        &path,
        "Name,Ingredients\nSerum A,\"Aqua, Niacinamide\"\n\"Mask B\",\"Kaolin, Aqua\"\nEmpty,\nOil C,\"Simmondsia Chinensis Seed Oil\"\n",
    )
    .expect("write");
    let file = path.to_str().expect("path");
    let out = regimen(&[
        "analyze",
        "--csv",
        file,
        "--column",
        "Ingredients",
        "--name-column",
        "Name",
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["name"], "Serum A");
    assert_eq!(lines[1]["kind"], "mask");
    assert_eq!(lines[2]["diagnostics"][0]["code"], "empty");
    assert_eq!(lines[3]["kind"], "oil");
    let summary = regimen(&["analyze", "--csv", file, "--column", "Ingredients"]);
    assert!(
        stdout(&summary).contains("4 products"),
        "{}",
        stdout(&summary)
    );
    let out = regimen(&["analyze", "--csv", file, "--column", "INCI"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no column \"INCI\"") && stderr(&out).contains("Name, Ingredients")
    );
}

/// `regimen eval` as a clone runs it: the hand-parsed lists in the repository meet their
/// targets; the retailer catalog beside the repository (which cannot be shipped) meets
/// its targets where it is (CI), and where it is not, the evaluation says where to get it.
#[test]
fn eval_meets_the_targets() {
    let out = regimen(&["eval"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let corpus = text
        .lines()
        .find(|l| l.starts_with("lists as printed"))
        .unwrap_or_else(|| panic!("the list corpus in {text}"));
    // "...: 96.3% of 3822 expected names read in place, 98.1% of ... items read are expected".
    let percents: Vec<f64> = corpus
        .split('%')
        .take(2)
        .filter_map(|piece| piece.rsplit(' ').next()?.parse().ok())
        .collect();
    assert!(
        percents.len() == 2 && percents[0] >= 95.0 && percents[1] >= 97.0,
        "recall and precision on the corpus: {corpus}"
    );
    let retailer = root().join("../shared/data/lookfantastic/skincare_products_clean.csv");
    if !retailer.exists() {
        // CI sets this: there the retailer catalog must be present.
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_SHARED_DATA").is_none(),
            "{} is missing",
            retailer.display()
        );
        assert!(
            text.contains("cannot be shipped") && text.contains("data/README.md"),
            "{text}"
        );
        return;
    }
    let figure = |label: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {text}"));
        let percent = line
            .split(" = ")
            .nth(1)
            .and_then(|r| r.split('%').next())
            .expect("a percentage");
        percent.parse().expect("a number")
    };
    assert!(figure("kind accuracy") >= 90.0, "{text}");
    assert!(figure("active agreement") >= 97.0, "{text}");
    assert!(figure("uses, sunscreen") >= 95.0, "{text}");
    assert!(figure("uses, cleanse") >= 95.0, "{text}");
    assert!(figure("negations") >= 100.0, "{text}");
}

#[test]
fn the_shipped_matcher_and_one_built_from_an_edited_knowledge_base_read_the_catalog_alike() {
    // The same lists in capitals and in title case, as printed labels have them.
    let lists = real_lists();
    let mut cases = csv::Writer::from_path(temp("cases.csv")).expect("cases.csv");
    cases.write_record(["name", "ingredients"]).expect("header");
    for (name, list) in &lists {
        let name = name.as_str();
        let title: String = list
            .split(' ')
            .map(|w| {
                let mut chars = w.chars();
                chars.next().map_or(String::new(), |c| {
                    c.to_uppercase().chain(chars).collect::<String>()
                })
            })
            .collect::<Vec<_>>()
            .join(" ");
        for text in [list.to_string(), list.to_uppercase(), title] {
            cases.write_record([name, text.as_str()]).expect("row");
        }
    }
    cases.flush().expect("flush");
    // One synonym more: the patterns differ, so this matcher is built at run time.
    let edited = temp("edited-knowledge");
    let _ = std::fs::remove_dir_all(&edited);
    let out = regimen(&["knowledge", "export", edited.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ingredients = edited.join("ingredients.toml");
    let mut text = std::fs::read_to_string(&ingredients).expect("ingredients.toml");
    text.push_str("\n[[synonym]]\ninci = \"AQUA\"\nsynonyms = [\"ZZREGIMEN WATER\"]\n");
    std::fs::write(&ingredients, text).expect("write");
    let cases = temp("cases.csv");
    let args = |knowledge: Option<&Path>| {
        let mut args = vec!["analyze", "--csv", cases.to_str().expect("path")];
        args.extend([
            "--column",
            "ingredients",
            "--name-column",
            "name",
            "--format",
            "jsonl",
        ]);
        if let Some(dir) = knowledge {
            args.extend(["--knowledge", dir.to_str().expect("path")]);
        }
        args.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = regimen(&refs);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let shipped = run(args(None));
    let built = run(args(Some(&edited)));
    assert_eq!(shipped.lines().count(), 3 * lists.len());
    for (line, (a, b)) in shipped.lines().zip(built.lines()).enumerate() {
        assert_eq!(a, b, "row {}", line + 1);
    }
}

#[test]
fn analyze_with_a_profile_names_what_clashes_with_the_plan() {
    let out = regimen(&[
        "analyze",
        "--profile",
        "examples/aging.toml",
        "--format",
        "json",
        "Aqua, Glycolic Acid 10%, Glycerin, Parfum",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let rules: Vec<&str> = json["clashes"]
        .as_array()
        .expect("clashes")
        .iter()
        .filter_map(|c| c["rule"].as_str())
        .collect();
    assert!(
        rules.contains(&"retinoid_acids") && rules.contains(&"vitamin_c_acids"),
        "{rules:?}"
    );
    let out = regimen(&[
        "analyze",
        "--profile",
        "examples/oily-acne.toml",
        "--format",
        "json",
        "Aqua, Glycerin",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["clashes"], serde_json::json!([]));
}

#[test]
fn plan_uses_the_shelf_of_the_example() {
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/shelf.toml",
        "--format",
        "json",
        "--start",
        "2026-12-01",
        "--weeks",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(
        json["days"][0]["am"][0]["product"],
        "Gentle Foaming Cleanser"
    );
    assert!(json["shelf"]["placed"]
        .as_array()
        .is_some_and(|p| p.len() >= 3));
    // The retinol's patch-test week fills this one-week plan: it says so.
    let retinol = json["shelf"]["not_placed"]
        .as_array()
        .and_then(|n| n.iter().find(|p| p["name"] == "Retinol 0.5% in Squalane"))
        .expect("the retinol is not used yet");
    assert!(
        retinol["reason"]
            .as_str()
            .is_some_and(|r| r.contains("patch-test week (retinoids), which ends after this plan")),
        "{retinol}"
    );
    assert!(json["shelf"]["not_placed"][0]["reason"].is_string());
    assert!(json["shelf"]["missing"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));
}

#[test]
fn bulk_analysis_gives_the_same_bytes_on_one_thread_and_many() {
    let (data, count) = real_lists_csv("bulk.csv");
    let run = |threads: &str, format: &[&str]| {
        let mut args = vec![
            "analyze",
            "--csv",
            data.to_str().expect("path"),
            "--column",
            "ingredients",
            "--name-column",
            "name",
            "--threads",
            threads,
        ];
        args.extend_from_slice(format);
        let out = regimen(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        out.stdout
    };
    let one = run("1", &["--format", "jsonl"]);
    assert_eq!(one.iter().filter(|b| **b == b'\n').count(), count);
    for threads in ["2", "3", "8"] {
        assert!(
            one == run(threads, &["--format", "jsonl"]),
            "JSON lines on {threads} threads"
        );
    }
    assert!(run("1", &[]) == run("4", &[]), "the summary too");
    let refused = regimen(&[
        "analyze",
        "--csv",
        data.to_str().expect("path"),
        "--column",
        "ingredients",
        "--threads",
        "0",
    ]);
    assert_eq!(refused.status.code(), Some(2));
}

/// An experiment from the plan to its results: the same seed draws the same evenings,
/// the check-ins of a person whose acne is a point better after a mask say "better",
/// and a bad check-in line is named by its number and field (exit 2).
#[test]
fn an_experiment_plan_and_its_results() {
    let plan = |seed: &str| {
        regimen(&[
            "plan",
            "--profile",
            "examples/combination-acne.toml",
            "--start",
            "2026-12-01",
            "--weeks",
            "8",
            "--experiment",
            "--seed",
            seed,
            "--format",
            "json",
        ])
    };
    let out = plan("11");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        stdout(&plan("11")),
        "the same seed, the same plan"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let masks: Vec<String> =
        serde_json::from_value(json["experiment"]["mask_evenings"].clone()).expect("evenings");
    let plan_path = temp("experiment-plan.json");
    std::fs::write(&plan_path, stdout(&out)).expect("write");
    // Acne a point better on mornings after a mask; a little noise from a fixed rule.
    let start = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let lines: Vec<String> = (0..57u64)
        .map(|d| {
            let date = start + chrono::Days::new(d);
            let before = (date - chrono::Days::new(1)).format("%Y-%m-%d").to_string();
            let noise = [0, 1, 0, -1, 0, 0, 1][(d * 5 % 7) as usize];
            let acne = 3 + i64::from(masks.contains(&before)) + noise;
            format!(
                "{{\"id\": {d}, \"date\": \"{}\", \"ratings\": {{\"acne\": {acne}, \"dullness\": {}}}}}",
                date.format("%Y-%m-%d"),
                3 + noise
            )
        })
        .collect();
    let checkins = temp("experiment-checkins.jsonl");
    std::fs::write(&checkins, lines.join("\n")).expect("write");
    let (plan_arg, checkins_arg) = (
        plan_path.to_str().expect("path"),
        checkins.to_str().expect("path"),
    );
    let out = regimen(&[
        "results",
        "--plan",
        plan_arg,
        "--checkins",
        checkins_arg,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    // The names of docs/product.md.
    assert_eq!(results["primary_metric"], "acne");
    let acne = &results["comparisons"][0];
    assert_eq!(
        (acne["metric"].as_str(), acne["treatment"].as_str()),
        (Some("acne"), Some("mask"))
    );
    assert_eq!(acne["verdict"], "better", "{results}");
    assert_eq!(
        (acne["n_treatment"].as_u64(), acne["n_control"].as_u64()),
        (Some(16), Some(40))
    );
    assert!(acne["ci_low"].as_f64() < acne["difference"].as_f64());
    assert!(acne["difference"].as_f64() < acne["ci_high"].as_f64());
    assert!(acne["p_value"].as_f64().is_some_and(|p| p < 0.05));
    assert_eq!(
        results["comparisons"][1]["verdict"], "no_clear_difference",
        "{results}"
    );
    let trend = &results["trends"][0];
    assert_eq!(trend["metric"], "acne");
    assert!(
        trend["difference"].is_number()
            && trend["ci_low"].is_number()
            && trend["ci_high"].is_number()
    );
    let verdicts = ["improved", "worsened", "no_clear_change", "not_enough_data"];
    assert!(verdicts.contains(&trend["verdict"].as_str().expect("verdict")));
    assert!(results["text"]
        .as_str()
        .expect("text")
        .contains("masks help your acne"));
    let table = regimen(&["results", "--plan", plan_arg, "--checkins", checkins_arg]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    assert!(stdout(&table).contains("Acne and breakouts") && stdout(&table).contains("better"));

    let mut bad = lines.clone();
    bad[2] = "{\"date\": \"2026-12-03\", \"ratings\": {\"acne\": 9}}".into();
    std::fs::write(&checkins, bad.join("\n")).expect("write");
    let out = regimen(&["results", "--plan", plan_arg, "--checkins", checkins_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 3: ratings.acne: a rating is 1 to 5, got 9"),
        "{}",
        stderr(&out)
    );
    // A plan changed after it was made is not analysed as if it were the draw.
    let mut changed = json.clone();
    changed["experiment"]["mask_evenings"][0] = serde_json::json!("2026-12-02");
    std::fs::write(&plan_path, changed.to_string()).expect("write");
    std::fs::write(&checkins, lines.join("\n")).expect("write");
    let out = regimen(&["results", "--plan", plan_arg, "--checkins", checkins_arg]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("experiment.mask_evenings"),
        "{}",
        stderr(&out)
    );
    let out = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--seed",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(2), "--seed needs --experiment");
}

#[test]
fn a_plan_listens_to_the_check_ins_it_is_given() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let profile = format!("{root}/examples/aging.toml");
    let checkins = format!("{root}/examples/checkins.jsonl");
    let out = regimen(&[
        "plan",
        "--profile",
        &profile,
        "--start",
        "2026-12-05",
        "--checkins",
        &checkins,
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let said: Vec<&str> = plan["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["rule"] == "reaction_pause")
        .filter_map(|w| w["text"].as_str())
        .collect();
    assert!(
        said.iter().any(
            |t| t.contains("Fri 4 Dec said \"burning\", \"redness\" after retinoids")
                && t.contains("read your 4 check-ins")
        ),
        "{said:?}"
    );
    // A bad line is named, and nothing is planned.
    let bad = temp("bad-checkins.jsonl");
    std::fs::write(
        &bad,
        "{\"date\": \"2026-12-01\"}\n{\"date\": \"2026-12-02\", \"reactions\": 3}\n",
    )
    .expect("write");
    let out = regimen(&[
        "plan",
        "--profile",
        &profile,
        "--checkins",
        bad.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2: reactions"),
        "{}",
        stderr(&out)
    );
}

/// The documented experiment example: the plan `regimen plan --profile
/// examples/combination-acne.toml --experiment --seed 7 --start 2026-01-05` makes, and
/// its 8 weeks of check-ins (examples/experiment-checkins.jsonl), give a verdict, the
/// masks done and the reaction noted; `results --help` points to both.
#[test]
fn the_experiment_example_gives_its_answer() {
    let plan = temp("example-experiment-plan.json");
    let made = regimen(&[
        "plan",
        "--profile",
        "examples/combination-acne.toml",
        "--experiment",
        "--seed",
        "7",
        "--start",
        "2026-01-05",
        "--format",
        "json",
    ]);
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    std::fs::write(&plan, &made.stdout).expect("write the plan");
    let json: serde_json::Value = serde_json::from_slice(&made.stdout).expect("a plan");
    assert_eq!(
        json["days"].as_array().map(Vec::len),
        Some(56),
        "8 weeks by default"
    );
    let out = regimen(&[
        "results",
        "--plan",
        plan.to_str().expect("path"),
        "--checkins",
        "examples/experiment-checkins.jsonl",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).expect("results");
    assert_eq!(results["comparisons"][0]["metric"], "acne");
    assert_eq!(results["comparisons"][0]["verdict"], "better", "{results}");
    assert_eq!(results["progress"]["final_look"], true);
    assert_eq!(results["adherence"]["reactions"], 1);
    assert!(results["adherence"]["masks_done"].as_u64() > Some(0));
    let help = stdout(&regimen(&["results", "--help"]));
    assert!(
        help.contains("docs/product.md") && help.contains("examples/experiment-checkins.jsonl"),
        "{help}"
    );
}

/// A date the plan names outside its own year carries its year ("Wed 1 Jan 2025"), and
/// the quiz's and the API's refusal of a past occasion has its counterpart here: the
/// plan says the event falls outside it.
#[test]
fn a_date_of_another_year_says_its_year() {
    let profile = write_profile(
        "past-event.toml",
        "skin_type = \"dry\"\ngoal = \"both\"\nevents = [\"2025-01-01\"]\n",
    );
    let out = regimen(&[
        "plan",
        "--profile",
        profile.to_str().expect("path"),
        "--start",
        "2026-12-01",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Wed 1 Jan 2025"), "{text}");
}

/// A misspelt active is counted by its family and not recognised as a name: the two
/// lines agree, and the suggestion is written as people read INCI names.
#[test]
fn a_misspelt_active_is_said_once_and_suggestions_are_not_in_capitals() {
    let out = regimen(&["analyze", "Aqua, Hyaluronc Acid, Squalan, Glycerin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "Hyaluronc Acid (did you mean Hyaluronic Acid?); counted above as hyaluronic acid"
        ),
        "{text}"
    );
    assert!(text.contains("did you mean Squalane?"), "{text}");
    assert!(!text.contains("SQUALANE"), "{text}");
}

/// The avoid list's flags are said by the entry each ingredient answers, not all under
/// the first entry's words.
#[test]
fn avoid_flags_are_said_by_their_entry() {
    let profile = write_profile(
        "avoid-entries.toml",
        "skin_type = \"dry\"\ngoal = \"both\"\navoid = [\"fragrance\", \"alcohol\"]\n",
    );
    let out = regimen(&[
        "analyze",
        "--profile",
        profile.to_str().expect("path"),
        "Aqua, Parfum, Alcohol Denat., Linalool",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("On your avoid list: Parfum, Linalool (fragrance)"),
        "{text}"
    );
    assert!(
        text.contains("On your avoid list: Alcohol Denat. (alcohol)"),
        "{text}"
    );
}
