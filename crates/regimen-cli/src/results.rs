//! `regimen results`: what a plan's check-ins say (see regimen_core::experiment).

use crate::{bad, render};
use anyhow::Result;
use clap::{Args, ValueEnum};
use regimen_core::checkin::read_lines;
use regimen_core::experiment::{results, Inputs, PlanFacts, Results};
use regimen_core::Knowledge;
use std::path::PathBuf;

/// Re-draws of the randomization test by default.
pub const REDRAWS: u32 = 2000;

#[derive(Args)]
pub struct ResultsArgs {
    /// The plan, as `regimen plan --format json` wrote it (or a saved plan from the API).
    #[arg(long, value_name = "FILE")]
    plan: PathBuf,
    /// The check-ins, one JSON object a line: `date` (YYYY-MM-DD), `ratings` ({"acne": 4}:
    /// 1 bad to 5 great), `am_done`/`pm_done` (entries ticked: "mask", "serum:retinol"),
    /// `reactions`, `note`; the fields are in docs/product.md, and
    /// examples/experiment-checkins.jsonl is 8 weeks of an experiment (for the plan of
    /// `regimen plan --profile examples/combination-acne.toml --experiment --seed 7
    /// --start 2026-01-05 --format json`).
    #[arg(long, value_name = "FILE")]
    checkins: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Re-draws of the mask evenings for the randomization test (more: a finer p-value).
    #[arg(long, default_value_t = REDRAWS, value_parser = clap::value_parser!(u32).range(99..=100_000))]
    redraws: u32,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Plain words and a table.
    Table,
    /// The results JSON.
    Json,
}

pub fn run(knowledge: &Knowledge, args: &ResultsArgs) -> Result<()> {
    let read = |path: &PathBuf, what: &str| {
        std::fs::read_to_string(path)
            .map_err(|e| bad(format!("cannot read the {what} {}: {e}", path.display())))
    };
    let plan_text = read(&args.plan, "plan")?;
    let facts = PlanFacts::from_json(&plan_text)
        .map_err(|(field, message)| bad(format!("{}: {field}: {message}", args.plan.display())))?;
    let design = facts
        .experiment
        .as_ref()
        .map(|e| e.design(facts.start, facts.weeks))
        .transpose()
        .map_err(|(field, message)| bad(format!("{}: {field}: {message}", args.plan.display())))?;
    let checkins_text = read(&args.checkins, "check-ins")?;
    let checkins = read_lines(&checkins_text).map_err(|(line, error)| {
        bad(format!(
            "{}: line {line}: {}: {}",
            args.checkins.display(),
            error.field,
            error.message
        ))
    })?;
    let inputs = Inputs {
        start: facts.start,
        weeks: facts.weeks,
        experiment: facts.experiment.as_ref().zip(design.as_ref()),
        serum_start: facts.serum_start,
        checkins: &checkins,
        redraws: args.redraws as usize,
    };
    let results = results(knowledge, &inputs);
    match args.format {
        Format::Json => sayln!(
            "{}",
            serde_json::to_string_pretty(&results).map_err(|e| anyhow::anyhow!(e))?
        ),
        Format::Table => say!("{}", table(knowledge, &results)),
    }
    Ok(())
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.1}"))
}

fn interval(value: Option<[f64; 2]>) -> String {
    value.map_or_else(|| "-".into(), |[lo, hi]| format!("{lo:.1} to {hi:.1}"))
}

fn p(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

fn words(verdict: impl serde::Serialize) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

/// The results in plain words, then a table of each concern.
/// Rows as a table when it fits the terminal (the first column as wide as its longest
/// name), else each row as a short paragraph wrapped to it.
fn rows_text(header: &[&str; 8], rows: &[[String; 8]], width: usize) -> String {
    let first = rows
        .iter()
        .map(|r| r[0].chars().count())
        .chain([header[0].len()])
        .max()
        .unwrap_or(0);
    let widths = [first, 5, 5, 6, 13, 6, 6];
    let last = rows
        .iter()
        .map(|r| r[7].chars().count())
        .chain([header[7].len()])
        .max()
        .unwrap_or(0);
    let line = |r: [&str; 8]| {
        format!(
            "  {:<w0$} {:>5} {:>5} {:>6} {:>13} {:>6} {:>6}  {}\n",
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            w0 = widths[0]
        )
    };
    let mut out = String::new();
    if 2 + widths.iter().map(|w| w + 1).sum::<usize>() + 1 + last <= width {
        out.push_str(&line(*header));
        for r in rows {
            out.push_str(&line(std::array::from_fn(|i| r[i].as_str())));
        }
    } else {
        let options = textwrap::Options::new(width)
            .initial_indent("  ")
            .subsequent_indent("    ");
        for r in rows {
            let said = format!(
                "{}: {}, {} {} ({}), {} {} and {} {}, p {} (adjusted {})",
                r[0], r[7], header[3], r[3], r[4], r[1], header[1], r[2], header[2], r[5], r[6]
            );
            out.push_str(&textwrap::fill(&said, options.clone()));
            out.push('\n');
        }
    }
    out
}

fn table(knowledge: &Knowledge, results: &Results) -> String {
    let width = render::Layout::width_here();
    let fill = |text: &str| textwrap::fill(text, width);
    let mut out = String::new();
    out.push_str(&fill(&results.text));
    out.push_str("\n\n");
    out.push_str(&fill(&format!("Next: {}", results.next)));
    out.push('\n');
    let name = |c: regimen_core::vocab::Concern| knowledge.labels.concern(c).to_string();
    // One row per concern: (name, two counts, the difference, its interval, p, p adjusted,
    // the verdict).
    let masks: Vec<[String; 8]> = results
        .comparisons
        .iter()
        .map(|c| {
            [
                name(c.metric),
                c.n_treatment.to_string(),
                c.n_control.to_string(),
                number(c.difference),
                interval(c.interval()),
                p(c.p_value),
                p(c.p_adjusted),
                words(c.verdict),
            ]
        })
        .collect();
    let serums: Vec<[String; 8]> = results
        .trends
        .iter()
        .map(|t| {
            [
                name(t.metric),
                t.n_first_week.to_string(),
                t.n_latest_two_weeks.to_string(),
                number(t.difference),
                interval(t.interval()),
                p(t.p_value),
                p(t.p_adjusted),
                words(t.verdict),
            ]
        })
        .collect();
    let sections = [
        (
            "Masks: mornings after a mask against the others (1 bad to 5 great)",
            [
                "concern",
                "after",
                "other",
                "diff",
                "95% interval",
                "p",
                "p adj",
                "verdict",
            ],
            masks,
        ),
        (
            "Serums: the first week of the serum period against the latest two weeks",
            [
                "concern",
                "first",
                "late",
                "change",
                "95% interval",
                "p",
                "p adj",
                "verdict",
            ],
            serums,
        ),
    ];
    for (title, header, rows) in &sections {
        if !rows.is_empty() {
            out.push('\n');
            out.push_str(&fill(title));
            out.push('\n');
            out.push_str(&rows_text(header, rows, width));
        }
    }
    out.push_str("\nWhat this cannot tell\n");
    for caveat in &results.caveats {
        let options = textwrap::Options::new(width)
            .initial_indent("  - ")
            .subsequent_indent("    ");
        out.push_str(&textwrap::fill(caveat, options));
        out.push('\n');
    }
    if results.experiment {
        out.push_str(&fill(&format!(
            "\np-values: a randomization test over {} re-draws of your mask evenings with the plan's own rule, adjusted for several concerns by Holm's method; intervals: Welch's t.",
            results.method.redraws
        )));
        out.push('\n');
    }
    out
}
