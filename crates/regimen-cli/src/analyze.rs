//! `regimen analyze`: one ingredient list (argument, file or standard input) or a whole
//! CSV catalog, as a table, JSON or JSON lines.

use crate::{bad, render};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use regimen_core::analyzer::{Analyzer, Options, Report, Scratch};
use regimen_core::avoid::AvoidList;
use regimen_core::engine::{judge, plan_clashes};
use regimen_core::shelf::ShelfProduct;
use regimen_core::vocab::ProductKind;
use regimen_core::{PlanOptions, Planner, Profile};
use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Output of `analyze`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AnalyzeFormat {
    /// A readable summary.
    Table,
    /// One JSON object.
    Json,
    /// One JSON object per line (one per CSV row).
    Jsonl,
}

#[derive(clap::Args)]
pub struct AnalyzeArgs {
    /// The ingredient list; without it, --file, --csv or standard input.
    text: Option<String>,
    /// Read the ingredient list from this file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "csv"])]
    file: Option<PathBuf>,
    /// Analyse every row of a CSV file.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "text",
        requires = "column"
    )]
    csv: Option<PathBuf>,
    /// The CSV column holding the ingredient lists.
    #[arg(long, value_name = "NAME", requires = "csv")]
    column: Option<String>,
    /// The CSV column holding product names.
    #[arg(long, value_name = "NAME", requires = "csv")]
    name_column: Option<String>,
    /// The product's name (helps tell its kind).
    #[arg(long)]
    name: Option<String>,
    /// Your profile: flags follow your avoid list and pregnancy.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Output format (default: a table; with --csv, a summary table).
    #[arg(long, value_enum)]
    format: Option<AnalyzeFormat>,
    /// With --csv: threads to analyse on (default: every core); the output is the same,
    /// in the same order, whatever the number.
    #[arg(long, value_name = "N", requires = "csv", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

impl AnalyzeArgs {
    /// The profile path, if given.
    pub fn profile(&self) -> Option<&Path> {
        self.profile.as_deref()
    }
}

pub fn run(
    planner: Planner<'_>,
    args: &AnalyzeArgs,
    profile: Option<&Profile>,
    color: bool,
) -> Result<()> {
    let knowledge = planner.knowledge();
    let analyzer = planner
        .analyzer()
        .context("building the ingredient dictionary")?;
    let avoid = profile.map(|p| AvoidList::parse(knowledge, analyzer, &p.avoid));
    if let Some(path) = &args.csv {
        let column = args.column.as_deref().unwrap_or_default();
        let threads = args.threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, usize::from),
            usize::from,
        );
        let job = Bulk {
            analyzer,
            avoid: avoid.as_ref(),
            profile,
            jsonl: matches!(
                args.format,
                Some(AnalyzeFormat::Jsonl | AnalyzeFormat::Json)
            ),
            column: 0,
            name_column: None,
        };
        return bulk(job, path, column, args.name_column.as_deref(), threads);
    }
    let text = match (&args.text, &args.file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => std::fs::read(path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?,
        (None, None) => {
            if std::io::stdin().is_terminal() {
                eprintln!("Paste the ingredient list, then press Ctrl-D:");
            }
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading standard input")?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let options = Options {
        name: args.name.as_deref(),
        profile,
        avoid: avoid.as_ref(),
        kind: None,
        categories: None,
        suggest: true,
    };
    let report = analyzer.analyze(&text, &options);
    // With a profile, the safety gate's answer for the person, and what in the product
    // clashes with their plan.
    let product = ShelfProduct::of_report(knowledge, args.name.as_deref().unwrap_or(""), &report);
    let judged = match profile {
        Some(profile) => {
            let start = profile
                .start
                .map_or_else(|| chrono::Local::now().date_naive(), |d| d.0);
            let plan_options = PlanOptions::new(start, 4).map_err(bad)?;
            let plan = planner
                .plan(profile, &plan_options)
                .context("building the ingredient dictionary")?;
            Some((
                judge(knowledge, profile, &product),
                plan_clashes(knowledge, &plan, &product),
            ))
        }
        None => None,
    };
    let clashes = judged.as_ref().map(|(_, c)| c.clone()).unwrap_or_default();
    let mut json = serde_json::to_value(&report)?;
    if let Some((verdict, _)) = &judged {
        json["gate"] = serde_json::to_value(verdict)?;
    }
    if profile.is_some() {
        json["clashes"] = serde_json::to_value(&clashes)?;
    }
    match args.format.unwrap_or(AnalyzeFormat::Table) {
        AnalyzeFormat::Json => sayln!("{}", serde_json::to_string_pretty(&json)?),
        AnalyzeFormat::Jsonl => sayln!("{}", serde_json::to_string(&json)?),
        AnalyzeFormat::Table => {
            say!("{}", render::report(knowledge, &report, color));
            for clash in &clashes {
                sayln!("Clashes with your {}: {}", clash.with, clash.text);
            }
        }
    }
    Ok(())
}

/// Counts for the catalog summary.
#[derive(Default)]
struct Summary {
    rows: usize,
    kinds: BTreeMap<ProductKind, usize>,
    families: BTreeMap<String, usize>,
    flags: BTreeMap<String, usize>,
    unknown: BTreeMap<String, usize>,
}

impl Summary {
    /// Adds the counts of another part of the catalog.
    fn merge(&mut self, other: Summary) {
        self.rows += other.rows;
        for (kind, n) in other.kinds {
            *self.kinds.entry(kind).or_default() += n;
        }
        for (map, more) in [
            (&mut self.families, other.families),
            (&mut self.flags, other.flags),
            (&mut self.unknown, other.unknown),
        ] {
            for (key, n) in more {
                *map.entry(key).or_default() += n;
            }
        }
    }

    fn add(&mut self, report: &Report) {
        self.rows += 1;
        *self.kinds.entry(report.kind).or_default() += 1;
        let mut families: Vec<&str> = report.actives.iter().map(|a| a.family).collect();
        families.sort_unstable();
        families.dedup();
        for family in families {
            *self.families.entry(family.to_string()).or_default() += 1;
        }
        let mut flags: Vec<&str> = report.flags.iter().map(|f| f.code).collect();
        flags.sort_unstable();
        flags.dedup();
        for flag in flags {
            *self.flags.entry(flag.to_string()).or_default() += 1;
        }
        for unknown in &report.unknown {
            *self.unknown.entry(unknown.name.to_lowercase()).or_default() += 1;
        }
    }

    fn print(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "{} products", self.rows)?;
        let share = |n: usize| 100.0 * n as f64 / self.rows.max(1) as f64;
        writeln!(out, "\nby kind")?;
        for (kind, n) in &self.kinds {
            writeln!(out, "  {:<22}{n:>7}  {:>5.1}%", kind.id(), share(*n))?;
        }
        writeln!(out, "\nwith an active of the family")?;
        for (family, n) in &self.families {
            writeln!(out, "  {family:<22}{n:>7}  {:>5.1}%", share(*n))?;
        }
        writeln!(out, "\nflagged")?;
        for (flag, n) in &self.flags {
            writeln!(out, "  {flag:<22}{n:>7}  {:>5.1}%", share(*n))?;
        }
        let mut unknown: Vec<(&String, &usize)> = self.unknown.iter().collect();
        unknown.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        writeln!(out, "\nmost frequent unknown names")?;
        for (name, n) in unknown.into_iter().take(15) {
            writeln!(out, "  {name:<40}{n:>7}")?;
        }
        Ok(())
    }
}

/// What every row of a bulk analysis is analysed with.
struct Bulk<'a> {
    analyzer: &'a Analyzer,
    avoid: Option<&'a AvoidList>,
    profile: Option<&'a Profile>,
    /// JSON lines out (else a summary).
    jsonl: bool,
    /// The column of the lists, and of the names.
    column: usize,
    name_column: Option<usize>,
}

/// Rows read together and handed to one worker.
const BATCH: usize = 256;

/// A row as read (its bytes: the workers decode them), or why it could not be read.
enum Row {
    Record(csv::ByteRecord),
    Unreadable(String),
}

/// What a worker makes of a batch: its JSON lines, or its counts.
enum Done {
    Lines(Vec<u8>),
    Counts(Summary),
}

impl Bulk<'_> {
    /// Analyses a batch of rows, in order.
    fn batch(&self, rows: &[Row], scratch: &mut Scratch) -> Result<Done> {
        let mut lines = Vec::new();
        let mut summary = Summary::default();
        for row in rows {
            match row {
                Row::Unreadable(error) => {
                    // Nothing is lost: the row is reported, the rest goes on.
                    if self.jsonl {
                        serde_json::to_writer(&mut lines, &serde_json::json!({"error": error}))?;
                        lines.push(b'\n');
                    }
                }
                Row::Record(record) => {
                    let text = String::from_utf8_lossy(record.get(self.column).unwrap_or_default());
                    let name = self
                        .name_column
                        .and_then(|c| record.get(c))
                        .map(String::from_utf8_lossy);
                    let options = Options {
                        name: name.as_deref(),
                        profile: self.profile,
                        avoid: self.avoid,
                        kind: None,
                        categories: None,
                        suggest: false,
                    };
                    let report = self.analyzer.analyze_with(&text, &options, scratch);
                    if self.jsonl {
                        serde_json::to_writer(&mut lines, &report)?;
                        lines.push(b'\n');
                    } else {
                        summary.add(&report);
                    }
                }
            }
        }
        Ok(if self.jsonl {
            Done::Lines(lines)
        } else {
            Done::Counts(summary)
        })
    }
}

/// Every row of a CSV column: one thread reads batches of rows, `threads` workers
/// analyse them, and the output is written in input order (the same bytes whatever the
/// number of threads).
fn bulk(
    mut job: Bulk<'_>,
    path: &Path,
    column: &str,
    name_column: Option<&str>,
    threads: usize,
) -> Result<()> {
    let file = std::fs::File::open(path)
        .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let headers = reader
        .byte_headers()
        .map_err(|e| {
            bad(format!(
                "{}: cannot read the CSV header: {e}",
                path.display()
            ))
        })?
        .clone();
    let find = |wanted: &str| {
        headers
            .iter()
            .position(|h| String::from_utf8_lossy(h).trim() == wanted)
            .ok_or_else(|| {
                let names: Vec<String> = headers
                    .iter()
                    .map(|h| String::from_utf8_lossy(h).into_owned())
                    .collect();
                bad(format!(
                    "{}: no column \"{wanted}\"; the columns are: {}",
                    path.display(),
                    names.join(", ")
                ))
            })
    };
    job.column = find(column)?;
    job.name_column = name_column.map(find).transpose()?;
    let job = &job;
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec}, {eta} left",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(bar)
    } else {
        None
    };
    let threads = threads.max(1);
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut summary = Summary::default();
    // Bounded: a few batches in flight per worker keep memory flat on any catalog.
    let (to_workers, jobs) = std::sync::mpsc::sync_channel::<(usize, Vec<Row>)>(threads * 2);
    let (to_writer, done) = std::sync::mpsc::sync_channel::<(usize, Result<Done>)>(threads * 2);
    std::thread::scope(|scope| -> Result<()> {
        // The workers share the queue; when the last one stops (the writer gone), the
        // queue goes with it and the reader stops too.
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        for _ in 0..threads {
            let (jobs, to_writer) = (std::sync::Arc::clone(&jobs), to_writer.clone());
            scope.spawn(move || {
                let mut scratch = Scratch::default();
                loop {
                    let next = jobs.lock().map(|rx| rx.recv());
                    let Ok(Ok((seq, rows))) = next else {
                        return;
                    };
                    if to_writer
                        .send((seq, job.batch(&rows, &mut scratch)))
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
        drop(to_writer);
        drop(jobs);
        let progress = progress.clone();
        scope.spawn(move || {
            let mut record = csv::ByteRecord::new();
            let mut batch = Vec::with_capacity(BATCH);
            let mut seq = 0;
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => batch.push(Row::Record(record.clone())),
                    Err(error) => batch.push(Row::Unreadable(error.to_string())),
                }
                if batch.len() == BATCH {
                    if let Some(bar) = &progress {
                        bar.set_position(reader.position().byte());
                    }
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if to_workers.send((seq, full)).is_err() {
                        return;
                    }
                    seq += 1;
                }
            }
            if !batch.is_empty() {
                let _ = to_workers.send((seq, batch));
            }
        });
        // Written in input order: a batch that comes early waits for the ones before it.
        let mut waiting: BTreeMap<usize, Done> = BTreeMap::new();
        let mut next = 0;
        for (seq, result) in done {
            waiting.insert(seq, result?);
            while let Some(ready) = waiting.remove(&next) {
                match ready {
                    Done::Lines(lines) => out.write_all(&lines)?,
                    Done::Counts(counts) => summary.merge(counts),
                }
                next += 1;
            }
        }
        Ok(())
    })?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if !job.jsonl {
        summary.print(&mut out)?;
    }
    out.flush()?;
    Ok(())
}
