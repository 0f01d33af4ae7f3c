//! Analyses every list of a CSV column once and prints how many ingredients it found:
//! a fixed, short run for instruction counters (`valgrind --tool=callgrind`), where
//! wall-clock benchmarks on a shared machine are too noisy to compare two builds.
//!
//! `cargo run --release -p regimen-core --example count_work -- FILE.csv COLUMN [scan|analyze] [ROUNDS]`
//! (`scan` runs only the bare matcher pass over the text in lower case, the floor the analyzer is compared with;
//! ROUNDS repeats the pass, for a sampling profiler).

use regimen_core::analyzer::lexicon::Matcher;
use regimen_core::analyzer::{Analyzer, Options, Scratch};
use regimen_core::Knowledge;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(column)) = (args.next(), args.next()) else {
        return Err("usage: count_work FILE.csv COLUMN [scan|analyze] [ROUNDS]".into());
    };
    let scan_only = args.next().as_deref() == Some("scan");
    let rounds: usize = args.next().map_or(Ok(1), |r| r.parse())?;
    let mut reader = csv::Reader::from_path(&path)?;
    let index = reader
        .headers()?
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| format!("no column {column} in {path}"))?;
    let lists: Vec<String> = reader
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(index).map(str::to_string))
        .collect();
    let knowledge = Knowledge::builtin()?;
    let analyzer = Analyzer::builtin(&knowledge)?;
    let mut found = 0usize;
    let lists: Vec<&String> = std::iter::repeat_n(&lists, rounds).flatten().collect();
    if scan_only {
        found = scan(analyzer.lexicon().matcher(), &lists);
    } else {
        let mut scratch = Scratch::default();
        let options = Options::default();
        for list in &lists {
            found += analyzer
                .analyze_with(list, &options, &mut scratch)
                .ingredients
                .len();
        }
    }
    println!("{} lists, {found} found", lists.len());
    Ok(())
}

/// The floor: each text in lower case, then one pass of the matcher (on its own, so that
/// its inclusive cost reads apart from the set-up).
#[inline(never)]
fn scan(matcher: Matcher<'_>, lists: &[&String]) -> usize {
    let mut lower = String::new();
    let mut found = 0;
    for list in lists {
        lower.clear();
        lower.push_str(list);
        lower.make_ascii_lowercase();
        found += matcher.find_iter(&lower).count();
    }
    found
}
