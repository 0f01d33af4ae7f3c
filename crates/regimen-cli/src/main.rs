//! `regimen`: face masks, serums or both, decided, scheduled and explained.
//!
//! This binary is the edge: it reads files, the clock and the terminal, hands text
//! and dates to `regimen-core`, and turns errors into messages and exit codes
//! (0 success, 2 bad input, 1 anything else).

/// Writes to standard output and returns its error: a closed pipe (`regimen plan ... |
/// head`) ends the command quietly instead of panicking as `print!` would.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout(), $($arg)*)?
    }};
}

/// [`say!`] with a newline.
macro_rules! sayln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)?
    }};
}

mod analyze;
mod catalog;
mod eval;
mod quiz;
mod render;
mod results;
mod scan;
mod serve;

use anyhow::{Context, Result};
use chrono::{Local, NaiveDate, NaiveTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use regimen_core::analyzer::Analyzer;
use regimen_core::calendar::{to_ics, CalendarOptions};
use regimen_core::explain::{explain, find_faq, suggest, topics};
use regimen_core::knowledge::FILE_NAMES;
use regimen_core::plan::MAX_WEEKS;
use regimen_core::profile::IsoDate;
use regimen_core::{Knowledge, PlanOptions, Planner, Profile};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};

/// Face masks, serums or both? A plan for your skin, with the reasons behind it.
#[derive(Parser)]
#[command(
    name = "regimen",
    version,
    about = "Face masks, serums or both? A plan for your skin, with the reasons behind it.",
    long_about = None
)]
struct Cli {
    /// Load the knowledge base from this directory instead of the built-in one
    /// (see `regimen knowledge export`).
    #[arg(long, global = true, value_name = "DIR", env = "REGIMEN_KNOWLEDGE")]
    knowledge: Option<PathBuf>,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide masks, serums or both, and print a dated morning/evening plan.
    Plan(PlanArgs),
    /// Say what a product is and what is in it, from its ingredient list.
    Analyze(analyze::AnalyzeArgs),
    /// Measure the analyzer against a labelled catalog (product kinds and named actives).
    Eval(eval::EvalArgs),
    /// What your check-ins say: masks against no mask, and your skin over the serum period.
    Results(results::ResultsArgs),
    /// Answer the profile questions interactively and write the profile TOML.
    Quiz {
        /// Write the profile here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Answer a question as you would ask it, from the rules that decide the plan, each
    /// sentence with its source; without one, list the written FAQ.
    Faq {
        /// Your question, or the number of a written one.
        question: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Explain a mask type, an active or a rule id, with its sources.
    Explain {
        /// What to explain (e.g. clay, retinol, skin_cycling); without one, list topics.
        topic: Vec<String>,
    },
    /// Serve the JSON API (embedded SQLite by default; PostgreSQL for many users).
    Serve(serve::ServeArgs),
    /// Work the job queue (label and barcode photos) of a server's database, on any
    /// machine that shares it; several may run at once.
    Worker(serve::WorkerArgs),
    /// The product catalog: import Open Beauty Facts, search it, show a product.
    Catalog(catalog::CatalogArgs),
    /// Read a product from a photo: its barcode, looked up in the catalog.
    Scan(scan::ScanArgs),
    /// Inspect the knowledge base.
    Knowledge {
        #[command(subcommand)]
        action: KnowledgeAction,
    },
}

#[derive(Subcommand)]
enum KnowledgeAction {
    /// Write the built-in knowledge files to DIR, to edit and load with --knowledge.
    Export {
        /// Target directory (created if missing).
        dir: PathBuf,
        /// Overwrite the knowledge files of a directory that has them.
        #[arg(long)]
        force: bool,
    },
    /// Validate a knowledge directory and report every problem.
    Check {
        /// The directory to check.
        dir: PathBuf,
    },
}

#[derive(clap::Args)]
struct PlanArgs {
    /// The profile (TOML); see examples/.
    #[arg(long, short, value_name = "FILE")]
    profile: PathBuf,
    /// How many weeks to plan (default 4; 8 for an experiment).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=i64::from(MAX_WEEKS)))]
    weeks: Option<u8>,
    /// First day (YYYY-MM-DD); default: the profile's `start`, else today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    start: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Also write an iCalendar file with one event per routine.
    #[arg(long, value_name = "FILE")]
    ics: Option<PathBuf>,
    /// Time of the morning routine in the calendar (HH:MM).
    #[arg(long, default_value = "07:30", value_parser = parse_time)]
    am_time: NaiveTime,
    /// Time of the evening routine in the calendar (HH:MM).
    #[arg(long, default_value = "21:00", value_parser = parse_time)]
    pm_time: NaiveTime,
    /// In the calendar, a reminder this long before each routine (10m, 1h, 90m).
    #[arg(long, value_name = "DURATION", value_parser = parse_reminder)]
    remind: Option<u32>,
    /// List every source in full (the table shows short tags like [3]).
    #[arg(long)]
    sources: bool,
    /// Make the plan a personal experiment: its mask evenings drawn at random within each
    /// week, so that `regimen results` can tell what masks do for you.
    #[arg(long)]
    experiment: bool,
    /// The experiment's seed (0 to 2^53 - 1; default: a new one): the same seed draws the
    /// same evenings.
    #[arg(long, requires = "experiment", value_name = "N")]
    seed: Option<u64>,
    /// Your check-ins (one JSON object a line, as `regimen results` reads them): a reaction
    /// after an active pauses it for a week and restarts it slower; after swelling or
    /// trouble breathing nothing new starts.
    #[arg(long, value_name = "FILE")]
    checkins: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A readable table.
    Table,
    /// The plan JSON of docs/product.md.
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// A reminder's lead time in minutes: "10m", "1h", "90" (minutes), at most a day.
fn parse_reminder(text: &str) -> Result<u32, String> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix('h') {
        Some(hours) => (hours, 60),
        None => (text.strip_suffix('m').unwrap_or(text), 1),
    };
    number
        .trim()
        .parse::<u32>()
        .ok()
        .map(|n| n * unit)
        .filter(|m| (1..=24 * 60).contains(m))
        .ok_or_else(|| {
            format!(
                "\"{text}\" is not a reminder: give minutes or hours, like 10m or 1h (at most 24h)"
            )
        })
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    IsoDate::parse(text).map(|d| d.0)
}

fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|_| format!("invalid time \"{text}\": expected HH:MM"))
}

/// A mistake in what the user gave us: exit code 2.
#[derive(Debug)]
struct BadInput(String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn bad(message: impl Into<String>) -> anyhow::Error {
    BadInput(message.into()).into()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let closed_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if closed_pipe {
                return ExitCode::SUCCESS;
            }
            if let Some(bad) = error.downcast_ref::<BadInput>() {
                eprintln!("error: {bad}");
                ExitCode::from(2)
            } else {
                eprintln!("error: {error:#}");
                ExitCode::from(1)
            }
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let knowledge = load_knowledge(cli.knowledge.as_deref())?;
    match cli.command {
        Command::Plan(args) => plan(&knowledge, &args, color),
        Command::Analyze(args) => {
            let profile = args.profile().map(read_profile).transpose()?;
            analyze::run(planner(&knowledge), &args, profile.as_ref(), color)
        }
        Command::Eval(args) => eval::run(build_analyzer(&knowledge)?, &args),
        Command::Results(args) => results::run(&knowledge, &args),
        Command::Serve(args) => serve::run(knowledge, &args),
        Command::Worker(args) => serve::work(knowledge, &args),
        Command::Scan(args) => scan::run(&knowledge, || build_analyzer(&knowledge), &args),
        Command::Catalog(args) => catalog::run(&knowledge, || build_analyzer(&knowledge), &args),
        Command::Quiz { out } => quiz::run(&knowledge, out.as_deref()),
        Command::Faq { question, format } => faq(&knowledge, &question.join(" "), format, color),
        Command::Explain { topic } => explain_topic(&knowledge, &topic.join(" "), color),
        Command::Knowledge { action } => match action {
            KnowledgeAction::Export { dir, force } => export_knowledge(&dir, force),
            KnowledgeAction::Check { dir } => {
                load_knowledge(Some(&dir))?;
                sayln!(
                    "{}: all {} files are valid",
                    dir.display(),
                    FILE_NAMES.len()
                );
                Ok(())
            }
        },
    }
}

fn load_knowledge(dir: Option<&Path>) -> Result<Knowledge> {
    let Some(dir) = dir else {
        return Knowledge::builtin().context("the built-in knowledge base is broken");
    };
    let mut files = Vec::new();
    for name in FILE_NAMES {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            bad(format!(
                "cannot read knowledge file {}: {e}",
                path.display()
            ))
        })?;
        files.push((*name, text));
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Knowledge::from_files(&borrowed).map_err(|e| bad(format!("{} : {e}", dir.display())))
}

/// The analyzer, built once when a command first needs it and kept for the life of the
/// process: freeing its 28,700 terms at exit would only cost time.
static ANALYZER: OnceLock<Arc<Analyzer>> = OnceLock::new();

fn build_analyzer(knowledge: &Knowledge) -> Result<&'static Analyzer> {
    if let Some(analyzer) = ANALYZER.get() {
        return Ok(analyzer);
    }
    let analyzer = Analyzer::builtin(knowledge).context("building the ingredient dictionary")?;
    Ok(ANALYZER.get_or_init(|| Arc::new(analyzer)))
}

/// The planner's front door, with the process's analyzer.
fn planner(knowledge: &Knowledge) -> Planner<'_> {
    Planner::new(knowledge, &ANALYZER)
}

fn export_knowledge(dir: &Path, force: bool) -> Result<()> {
    // Never overwrite someone's edited knowledge files without being told to.
    let existing: Vec<&str> = Knowledge::builtin_files()
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| dir.join(name).exists())
        .collect();
    if !existing.is_empty() && !force {
        return Err(bad(format!(
            "{} already holds knowledge files ({}); nothing was written. Choose another folder, or add --force to overwrite them",
            dir.display(),
            existing.join(", ")
        )));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in Knowledge::builtin_files() {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    sayln!(
        "wrote {} knowledge files to {}",
        FILE_NAMES.len(),
        dir.display()
    );
    Ok(())
}

fn read_profile(path: &Path) -> Result<Profile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(format!("cannot read profile {}: {e}", path.display())))?;
    Profile::from_toml(&text).map_err(|e| bad(format!("{}: {e}", path.display())))
}

fn plan(knowledge: &Knowledge, args: &PlanArgs, color: bool) -> Result<()> {
    let profile = read_profile(&args.profile)?;
    let start = args
        .start
        .or(profile.start.map(|d| d.0))
        .unwrap_or_else(|| Local::now().date_naive());
    let weeks = args
        .weeks
        .unwrap_or_else(|| regimen_core::options::default_weeks(args.experiment));
    let mut options = PlanOptions::new(start, weeks).map_err(bad)?;
    if args.experiment {
        let seed = args.seed.unwrap_or_else(new_seed);
        options = options
            .with_experiment(seed)
            .map_err(|e| bad(format!("--seed: {e}")))?;
    }
    let checkins = match &args.checkins {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| bad(format!("cannot read the check-ins {}: {e}", path.display())))?;
            regimen_core::checkin::read_lines(&text).map_err(|(line, error)| {
                bad(format!(
                    "{}: line {line}: {}: {}",
                    path.display(),
                    error.field,
                    error.message
                ))
            })?
        }
        None => Vec::new(),
    };
    // The dictionary is built only for a profile that needs it (an avoid list, a shelf).
    let planner = planner(knowledge);
    let reading = planner
        .read(&profile)
        .context("building the ingredient dictionary")?
        .with_checkins(knowledge, &checkins);
    let plan = planner.plan_read(&reading, &options);
    if args.experiment && plan.experiment.is_none() {
        eprintln!(
            "note: this plan has no regular mask evenings to draw, so it is no experiment (masks come with the goal \"fast\" or \"both\", and need an evening long enough for one)"
        );
    }
    if let Some(path) = &args.ics {
        let calendar = CalendarOptions {
            am: args.am_time,
            pm: args.pm_time,
            stamp: Utc::now().naive_utc(),
            remind: args.remind,
        };
        std::fs::write(path, to_ics(knowledge, &plan, &calendar))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    match args.format {
        Format::Json => sayln!("{}", plan.to_json_pretty()),
        Format::Table => {
            let layout = render::Layout {
                width: render::Layout::width_here(),
                color,
                sources: args.sources,
            };
            say!(
                "{}",
                render::plan(knowledge, &plan, &profile.events, layout)
            )
        }
    }
    if let Some(path) = &args.ics {
        eprintln!(
            "wrote {} routines to {}",
            plan.days.len() * 2,
            path.display()
        );
    }
    Ok(())
}

/// A new seed for an experiment: from the clock (it needs no secrecy, only to differ).
fn new_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    regimen_core::experiment::SplitMix64::new(nanos).next_u64() & regimen_core::experiment::MAX_SEED
}

fn faq(knowledge: &Knowledge, question: &str, format: Format, color: bool) -> Result<()> {
    if question.trim().is_empty() {
        say!("{}", render::faq_list(knowledge, color));
        return Ok(());
    }
    // A number picks a written entry.
    if question.trim().parse::<usize>().is_ok() {
        if let Some((entry, _)) = find_faq(knowledge, question) {
            say!("{}", render::faq_answer(knowledge, entry, color));
            return Ok(());
        }
    }
    let answer = regimen_core::ask::ask(knowledge, question);
    if let Format::Json = format {
        let json = answer.json();
        sayln!(
            "{}",
            serde_json::to_string_pretty(&json).map_err(|e| anyhow::anyhow!(e))?
        );
        if answer.confidence == regimen_core::ask::Confidence::Low {
            return Err(bad(format!("not sure what \"{question}\" asks")));
        }
        return Ok(());
    }
    match answer.confidence {
        regimen_core::ask::Confidence::High | regimen_core::ask::Confidence::Medium => {
            say!("{}", render::answer(&answer, color));
            Ok(())
        }
        regimen_core::ask::Confidence::Low if answer.did_you_mean.is_empty() => {
            Err(bad(format!("\"{question}\": {}", answer.answer)))
        }
        regimen_core::ask::Confidence::Low => {
            let close: Vec<String> = answer
                .did_you_mean
                .iter()
                .map(|q| format!("  - {q}"))
                .collect();
            // A word of the question that `explain` knows is a topic worth pointing to.
            let topics: Vec<String> = question
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.len() > 3 && explain(knowledge, w).is_some())
                .map(|w| format!("`regimen explain {}`", w.to_lowercase()))
                .collect();
            let topics = if topics.is_empty() {
                String::new()
            } else {
                format!("\nregimen can also explain: {}", topics.join(", "))
            };
            Err(bad(format!(
                "regimen is not sure what \"{question}\" asks, so it does not guess. Did you mean:\n{}\n(run `regimen faq` to list the written questions){topics}",
                close.join("\n")
            )))
        }
    }
}

fn explain_topic(knowledge: &Knowledge, topic: &str, color: bool) -> Result<()> {
    if topic.trim().is_empty() {
        for (group, ids) in topics(knowledge) {
            sayln!("{group}: {}", ids.join(", "));
        }
        return Ok(());
    }
    match explain(knowledge, topic) {
        Some(explanation) => {
            say!("{}", render::explanation(&explanation, color));
            Ok(())
        }
        None => {
            let close = suggest(knowledge, topic);
            let hint = if close.is_empty() {
                "run `regimen explain` to list the topics".to_string()
            } else {
                format!("did you mean {}?", close.join(", "))
            };
            Err(bad(format!("unknown topic \"{topic}\": {hint}")))
        }
    }
}
