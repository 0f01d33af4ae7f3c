//! Human-readable output: the plan as a table, FAQ answers and explanations, with
//! colour only when asked for (a terminal, no NO_COLOR, or `--color always`).

use chrono::Datelike;
use owo_colors::{OwoColorize, Style};
use regimen_core::analyzer::{Level, Report};
use regimen_core::explain::Explanation;
use regimen_core::knowledge::{Faq, Knowledge, WarningLevel};
use regimen_core::plan::{Plan, StepEntry};
use regimen_core::profile::IsoDate;
use regimen_core::vocab::{Approach, ServingTime};
use std::fmt::Write;

struct Paint {
    color: bool,
}

impl Paint {
    fn with(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.with(text, Style::new().bold())
    }
    fn dim(&self, text: &str) -> String {
        self.with(text, Style::new().dimmed())
    }
}

/// How the plan is laid out: the width to wrap to, colour, and whether the sources are
/// listed in full.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// Columns to wrap to.
    pub width: usize,
    /// Colour (a terminal, no NO_COLOR, or `--color always`).
    pub color: bool,
    /// List every source in full at the end (`--sources`).
    pub sources: bool,
}

impl Layout {
    /// The terminal's width, `COLUMNS` when set, else 80 (a pipe, a file).
    pub fn width_here() -> usize {
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|c| *c > 0);
        let terminal = || {
            let term = console::Term::stdout();
            term.is_term()
                .then(|| term.size_checked())
                .flatten()
                .map(|(_, cols)| usize::from(cols))
        };
        columns.or_else(terminal).unwrap_or(80).clamp(40, 200)
    }
}

/// Short source tags ("[3]"), numbered in order of first use.
#[derive(Default)]
struct Sources<'a> {
    cited: Vec<&'a str>,
}

impl<'a> Sources<'a> {
    fn tag(&mut self, source: &'a str) -> String {
        let index = match self.cited.iter().position(|s| *s == source) {
            Some(i) => i,
            None => {
                self.cited.push(source);
                self.cited.len() - 1
            }
        };
        format!("[{}]", index + 1)
    }
}

/// Text wrapped to the layout's width, every line after the first indented by `hang`.
fn wrap(layout: &Layout, first: &str, hang: &str, text: &str) -> String {
    let options = textwrap::Options::new(layout.width)
        .initial_indent(first)
        .subsequent_indent(hang)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = textwrap::fill(text, options);
    out.push('\n');
    out
}

/// A step in a routine line, as a person reads it ("clay mask 10'", "niacinamide").
fn step_text(knowledge: &Knowledge, step: &StepEntry<'_>) -> String {
    let own = |text: String| match &step.product {
        Some(product) => format!("{text} ({product})"),
        None => text,
    };
    if let Some(mask) = step.mask_type.and_then(|id| knowledge.mask_type(id)) {
        return own(format!("{} {}'", mask.name.to_lowercase(), step.minutes));
    }
    if let Some(active) = step.active.and_then(|id| knowledge.active(id)) {
        if step.product.is_none() {
            let name = active.name.split(" (").next().unwrap_or(&active.name);
            return own(name.to_string());
        }
    }
    own(step.display_name(knowledge).to_lowercase())
}

fn routine_text(knowledge: &Knowledge, steps: &[StepEntry<'_>]) -> String {
    let text: Vec<String> = steps.iter().map(|s| step_text(knowledge, s)).collect();
    text.join(" > ")
}

/// "Tue 1 Dec".
fn day_label(date: chrono::NaiveDate) -> String {
    date.format("%a %-d %b").to_string()
}

/// "Tue 1 Dec", with the year when it is not the plan's ("Wed 1 Jan 2025").
fn day_label_in(date: chrono::NaiveDate, plan_year: i32) -> String {
    use chrono::Datelike;
    if date.year() == plan_year {
        day_label(date)
    } else {
        date.format("%a %-d %b %Y").to_string()
    }
}

/// The whole plan as text, wrapped to the layout's width: the answer and its reasons,
/// the masks and serums, the routines with their dates folded, a calendar of the
/// evenings, what to know (safety first), each source as a short tag.
pub fn plan(knowledge: &Knowledge, plan: &Plan<'_>, events: &[IsoDate], layout: Layout) -> String {
    let plan_year = chrono::Datelike::year(&plan.start.0);
    let paint = Paint {
        color: layout.color,
    };
    let mut sources = Sources::default();
    // A reason that several masks or serums share is said once.
    let mut said: Vec<&str> = Vec::new();
    let mut out = String::new();
    let answer = match plan.approach {
        Approach::Masks => "face masks",
        Approach::Serums => "serums",
        Approach::Both => "both: serums daily, masks when your skin needs extra care",
    };
    out.push_str(&wrap(
        &layout,
        "",
        "  ",
        &format!(
            "{} {}",
            paint.bold("Your answer:"),
            paint.with(answer, Style::new().green().bold())
        ),
    ));
    for reason in &plan.reasons {
        let tag = sources.tag(reason.source);
        out.push_str(&wrap(
            &layout,
            "  - ",
            "    ",
            &format!("{} {}", reason.text, paint.dim(&tag)),
        ));
    }
    if !plan.masks.is_empty() || !plan.serums.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("What you use"));
    }
    for mask in &plan.masks {
        let name = knowledge
            .mask_type(mask.mask_type)
            .map_or(mask.mask_type, |m| m.name.as_str());
        let mut when = match mask.per_week {
            0 => String::new(),
            n => format!("{n} a week"),
        };
        if mask.for_events {
            if !when.is_empty() {
                when.push_str(", ");
            }
            when.push_str("before your events");
        }
        let mut why: Vec<String> = Vec::new();
        for r in &mask.reasons {
            if !said.contains(&r.text.as_ref()) {
                said.push(&r.text);
                why.push(format!("{} {}", r.text, paint.dim(&sources.tag(r.source))));
            }
        }
        out.push_str(&wrap(
            &layout,
            "  ",
            "    ",
            &format!(
                "{} ({when}, {} min). {}",
                paint.with(name, Style::new().magenta().bold()),
                mask.minutes,
                why.join(" ")
            ),
        ));
    }
    for serum in &plan.serums {
        let name = knowledge
            .active(serum.active)
            .map_or(serum.active, |a| a.name.as_str());
        let mut when = match serum.time {
            ServingTime::Am => "mornings".to_string(),
            ServingTime::Pm => "evenings".to_string(),
            ServingTime::AmPm => "mornings and evenings".to_string(),
        };
        // From its first night (weeks before it starts are not counted).
        let first_week = serum.nights_per_week.iter().position(|n| *n > 0);
        let last = plan.days.last().map_or(serum.starts, |d| d.date);
        if serum.starts > last {
            when.push_str(" after this plan: its patch-test turn comes then");
        } else if let Some(first_week) = first_week {
            let nights: Vec<String> = serum.nights_per_week[first_week..]
                .iter()
                .map(u8::to_string)
                .collect();
            let _ = write!(
                when,
                " from {}, {} nights a week in its first {} weeks",
                day_label(serum.starts.0),
                nights.join(", "),
                nights.len()
            );
        } else if serum.starts > plan.days.first().map_or(serum.starts, |d| d.date) {
            let _ = write!(when, " from {}", day_label(serum.starts.0));
        }
        let mut why: Vec<String> = Vec::new();
        for r in &serum.reasons {
            if !said.contains(&r.text.as_ref()) {
                said.push(&r.text);
                why.push(format!("{} {}", r.text, paint.dim(&sources.tag(r.source))));
            }
        }
        out.push_str(&wrap(
            &layout,
            "  ",
            "    ",
            &format!(
                "{} ({when}). {}",
                paint.with(name, Style::new().cyan().bold()),
                why.join(" ")
            ),
        ));
    }
    routines(&mut out, knowledge, plan, events, &layout, &paint);
    if let Some(shelf) = &plan.shelf {
        let _ = writeln!(out, "\n{}", paint.bold("Your products"));
        for placed in &shelf.placed {
            out.push_str(&wrap(
                &layout,
                "  ",
                "    ",
                &format!(
                    "{} {}: {}",
                    paint.with("used", Style::new().green()),
                    placed.name,
                    placed.role
                ),
            ));
        }
        for left in &shelf.not_placed {
            out.push_str(&wrap(
                &layout,
                "  ",
                "    ",
                &format!(
                    "{} {}: {}",
                    paint.with("not used", Style::new().yellow()),
                    left.name,
                    left.reason
                ),
            ));
        }
        for missing in &shelf.missing {
            out.push_str(&wrap(
                &layout,
                "  ",
                "    ",
                &format!(
                    "{} {}",
                    paint.with("to get", Style::new().cyan()),
                    missing.text
                ),
            ));
        }
    }
    // What to know: safety first, then advice, then what the planner changed.
    for (level, heading) in [
        (WarningLevel::Safety, "For your safety"),
        (WarningLevel::Advice, "Good to know"),
        (WarningLevel::Change, "What the planner adjusted"),
    ] {
        let warnings: Vec<_> = plan
            .warnings
            .iter()
            .filter(|w| knowledge.labels.warning(w.code).1 == level)
            .collect();
        if warnings.is_empty() {
            continue;
        }
        let style = match level {
            WarningLevel::Safety => Style::new().red().bold(),
            _ => Style::new().bold(),
        };
        let _ = writeln!(out, "\n{}", paint.with(heading, style));
        // Warnings under one label are said under it once.
        let mut bullets: Vec<(&str, Vec<String>)> = Vec::new();
        for warning in warnings {
            let (label, _) = knowledge.labels.warning(warning.code);
            let mut text = warning.text.to_string();
            if !warning.dates.is_empty() {
                let dates: Vec<String> = warning
                    .dates
                    .iter()
                    .take(6)
                    .map(|d| day_label_in(d.0, plan_year))
                    .collect();
                let more = warning.dates.len().saturating_sub(6);
                let _ = write!(
                    text,
                    " ({}{})",
                    dates.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                );
            }
            let text = format!("{text} {}", paint.dim(&sources.tag(warning.source)));
            match bullets.iter_mut().find(|(l, _)| *l == label) {
                Some((_, texts)) => texts.push(text),
                None => bullets.push((label, vec![text])),
            }
        }
        for (label, texts) in bullets {
            out.push_str(&wrap(
                &layout,
                "  - ",
                "    ",
                &format!("{}: {}", paint.bold(label), texts.join(" ")),
            ));
        }
    }
    if layout.sources {
        let _ = writeln!(out, "\n{}", paint.bold("Sources"));
        for (i, source) in sources.cited.iter().enumerate() {
            let number = format!("[{}] ", i + 1);
            let hang = " ".repeat(number.len());
            out.push_str(&wrap(&layout, &number, &hang, source));
        }
    } else {
        out.push_str(&wrap(
            &layout,
            "\n",
            "",
            &paint.dim(&format!(
                "[1]-[{}]: the sources, listed with `regimen plan --sources`; `regimen explain <topic>` says more.",
                sources.cited.len()
            )),
        ));
    }
    out.push_str(&wrap(&layout, "\n", "", &paint.dim(plan.disclaimer)));
    out
}

/// The routines with their dates folded: mornings by runs of days, evenings by letter,
/// and a calendar of the evenings (weeks as rows from Monday, days as columns).
fn routines(
    out: &mut String,
    knowledge: &Knowledge,
    plan: &Plan<'_>,
    events: &[IsoDate],
    layout: &Layout,
    paint: &Paint,
) {
    let (Some(first), Some(last)) = (plan.days.first(), plan.days.last()) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!(
            "Your routines, {} to {} ({} weeks)",
            day_label(first.date.0),
            day_label(last.date.0),
            plan.days.len() / 7
        ))
    );
    // Mornings: each run of identical mornings once, with its dates.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, day) in plan.days.iter().enumerate() {
        match runs.last_mut() {
            Some((start, end)) if plan.days[*start].am == day.am => *end = i,
            _ => runs.push((i, i)),
        }
    }
    let distinct_mornings: Vec<&[StepEntry<'_>]> = {
        let mut seen: Vec<&[StepEntry<'_>]> = Vec::new();
        for day in &plan.days {
            if !seen.contains(&day.am.as_slice()) {
                seen.push(&day.am);
            }
        }
        seen
    };
    let lettered_mornings = runs.len() > 3;
    let mut lines: Vec<(String, &[StepEntry<'_>])> = Vec::new();
    if !lettered_mornings {
        for (start, end) in &runs {
            let label = if runs.len() == 1 {
                "every morning".to_string()
            } else if *end + 1 == plan.days.len() && *start > 0 {
                format!(
                    "mornings from {}",
                    plan.days[*start].date.0.format("%-d %b")
                )
            } else {
                format!(
                    "mornings {}-{}",
                    plan.days[*start].date.0.format("%-d %b"),
                    plan.days[*end].date.0.format("%-d %b")
                )
            };
            lines.push((label, &plan.days[*start].am));
        }
    } else {
        for (i, steps) in distinct_mornings.iter().enumerate() {
            lines.push((format!("morning {}", (b'A' + i as u8) as char), steps));
        }
    }
    // Evenings: each different evening once, by letter.
    let mut evenings: Vec<&[StepEntry<'_>]> = Vec::new();
    for day in &plan.days {
        if !evenings.contains(&day.pm.as_slice()) {
            evenings.push(&day.pm);
        }
    }
    let letter = |i: usize| -> char {
        if i < 26 {
            (b'a' + i as u8) as char
        } else {
            '?'
        }
    };
    for (i, steps) in evenings.iter().enumerate() {
        lines.push((format!("evening {}", letter(i)), steps));
    }
    // One column for the labels, as wide as the widest.
    let column = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let _ = writeln!(out, "  {:<column$}{}", "", paint.dim("min  steps"));
    for (label, steps) in &lines {
        let head = format!("  {label:<column$}{:>3}  ", Plan::minutes(steps));
        let hang = " ".repeat(head.chars().count());
        out.push_str(&wrap(layout, &head, &hang, &routine_text(knowledge, steps)));
    }
    // The calendar: each day's evening letter (and morning letter, when mornings vary
    // too much to fold), an asterisk on an event.
    let cell_width = if lettered_mornings { 6 } else { 5 };
    let _ = write!(out, "\n  {:<5}", "");
    for name in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] {
        let _ = write!(out, "{name:>cell_width$}");
    }
    out.push('\n');
    let lead = first.date.0.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Option<&regimen_core::plan::Day<'_>>> = vec![None; lead];
    cells.extend(plan.days.iter().map(Some));
    let mut previous_month = None;
    for week in cells.chunks(7) {
        let month = week
            .iter()
            .flatten()
            .map(|d| d.date.0.format("%b").to_string())
            .next();
        let shown = if month != previous_month {
            month.clone()
        } else {
            None
        };
        previous_month = month;
        let _ = write!(out, "  {:<5}", shown.unwrap_or_default());
        for day in week {
            let Some(day) = day else {
                let _ = write!(out, "{:>cell_width$}", "");
                continue;
            };
            let evening = evenings
                .iter()
                .position(|e| *e == day.pm.as_slice())
                .map_or('?', letter);
            let morning = if lettered_mornings {
                distinct_mornings
                    .iter()
                    .position(|m| *m == day.am.as_slice())
                    .map_or(String::new(), |i| ((b'A' + i as u8) as char).to_string())
            } else {
                String::new()
            };
            let event = if events.contains(&day.date) { "*" } else { "" };
            let cell = format!("{}{morning}{evening}{event}", day.date.0.day());
            let cell = if day.pm.iter().any(|s| s.mask_type.is_some()) {
                paint.with(
                    &format!("{cell:>w$}", w = cell_width),
                    Style::new().magenta(),
                )
            } else {
                format!("{cell:>w$}", w = cell_width)
            };
            out.push_str(&cell);
        }
        out.push('\n');
    }
    let mut legend = "Each day: its date and its evening's letter".to_string();
    if lettered_mornings {
        legend = "Each day: its date, its morning (capital) and its evening".to_string();
    }
    if plan.days.iter().any(|d| events.contains(&d.date)) {
        legend.push_str("; * your event");
    }
    out.push_str(&wrap(layout, "  ", "  ", &paint.dim(&format!("{legend}."))));
}

/// The numbered list of FAQ questions.
pub fn faq_list(knowledge: &Knowledge, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    for (i, faq) in knowledge.faqs.iter().enumerate() {
        let _ = writeln!(out, "{:>2}. {}", i + 1, paint.bold(&faq.question));
    }
    let _ = writeln!(out, "\nAsk one with `regimen faq <question or number>`.");
    out
}

/// One FAQ answer with its source.
pub fn faq_answer(knowledge: &Knowledge, faq: &Faq, color: bool) -> String {
    let paint = Paint { color };
    let cited = knowledge.source(&faq.source);
    let mut source = cited.map_or(String::new(), |s| s.citation.clone());
    if let Some(link) = cited.and_then(|s| s.link()) {
        source.push_str(&format!(" <{link}>"));
    }
    format!(
        "{}\n{}\n{}",
        paint.bold(&faq.question),
        wrap_text(&faq.answer),
        dim_wrapped(&paint, &format!("Source: {source}"), "", "  ")
    )
}

/// An answer composed from the rules, with its sources.
pub fn answer(answer: &regimen_core::ask::Answer, color: bool) -> String {
    let paint = Paint { color };
    let lead = answer.answer.clone();
    let mut out = String::new();
    let _ = writeln!(out, "{}", wrap_text(&lead));
    let mut sources: Vec<String> = Vec::new();
    for point in &answer.points {
        let source = match &point.link {
            Some(link) => format!("{} <{link}>", point.source),
            None => point.source.clone(),
        };
        if !point.source.is_empty() && !sources.contains(&source) {
            sources.push(source);
        }
    }
    for (i, source) in sources.iter().enumerate() {
        out.push_str(&dim_wrapped(
            &paint,
            &format!("[{}] {source}", i + 1),
            "",
            "    ",
        ));
    }
    out
}

/// A source line wrapped to the terminal and dimmed line by line (a link is one word).
fn dim_wrapped(paint: &Paint, text: &str, first: &str, hang: &str) -> String {
    let options = textwrap::Options::new(Layout::width_here())
        .initial_indent(first)
        .subsequent_indent(hang)
        .break_words(false);
    let mut out = String::new();
    for line in textwrap::wrap(text, options) {
        let _ = writeln!(out, "{}", paint.dim(&line));
    }
    out
}

/// Text wrapped to the terminal (`COLUMNS`, else its width, else 80).
fn wrap_text(text: &str) -> String {
    textwrap::fill(text, Layout::width_here())
}

/// An explanation with its sources.
pub fn explanation(explanation: &Explanation, color: bool) -> String {
    let paint = Paint { color };
    let mut out = format!("{}\n", paint.bold(&explanation.title));
    for point in &explanation.points {
        let source = match &point.link {
            Some(link) => format!("{} <{link}>", point.source),
            None => point.source.clone(),
        };
        let cite = match (&point.rule, point.source.is_empty()) {
            (Some(rule), false) => format!(" [{rule} · {source}]"),
            (Some(rule), true) => format!(" [{rule}]"),
            (None, false) => format!(" [{source}]"),
            (None, true) => String::new(),
        };
        // The point wrapped to the terminal, its citation after it (dimmed line by line;
        // a link is one word and does not break).
        let width = Layout::width_here();
        let options = textwrap::Options::new(width)
            .initial_indent("  - ")
            .subsequent_indent("    ")
            .break_words(false);
        let _ = writeln!(out, "{}", textwrap::fill(&point.text, options));
        let cite_options = textwrap::Options::new(width)
            .initial_indent("    ")
            .subsequent_indent("    ")
            .break_words(false);
        for line in textwrap::wrap(cite.trim(), cite_options) {
            let _ = writeln!(out, "{}", paint.dim(&line));
        }
    }
    out
}

/// An ingredient analysis as text, in the words of labels.toml and the knowledge base.
pub fn report(knowledge: &Knowledge, report: &Report, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    if let Some(name) = &report.name {
        let _ = writeln!(out, "{}", paint.bold(name));
    }
    let kind_label = knowledge.labels.kind(report.kind);
    let kind = match report.mask_type.and_then(|m| knowledge.mask_type(m)) {
        Some(mask) => format!("{kind_label} ({})", mask.name.to_lowercase()),
        None => kind_label.to_string(),
    };
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("Kind:"),
        paint.with(&kind, Style::new().green().bold())
    );
    let steps: Vec<String> = report
        .uses
        .iter()
        .map(|s| knowledge.step(*s).name.to_lowercase())
        .collect();
    let uses = if steps.is_empty() {
        "no routine step".to_string()
    } else {
        steps.join(", ")
    };
    let applied = if report.leave_on {
        "stays on the skin"
    } else {
        "rinsed off"
    };
    let spf = report
        .spf
        .map(|spf| format!(", SPF {spf}"))
        .unwrap_or_default();
    let _ = writeln!(out, "{} {uses} ({applied}{spf})", paint.bold("Used for:"));
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("Ingredients:"),
        report.ingredients.len()
    );
    if report.actives.is_empty() {
        let _ = writeln!(out, "{} none found", paint.bold("Actives:"));
    } else {
        let _ = writeln!(out, "{}", paint.bold("Actives:"));
        for active in &report.actives {
            let level = match (active.level, active.percent) {
                (_, Some(p)) => format!("{p}%"),
                (Level::Trace, None) => "a trace, below 1%".to_string(),
                (_, None) => "a main ingredient".to_string(),
            };
            let class = active.class.map(|c| format!(", {c}")).unwrap_or_default();
            let place = if active.position == 0 {
                "name".to_string()
            } else {
                format!("#{}", active.position)
            };
            let family = knowledge.family(active.family).map_or(active.family, |f| {
                f.name.split(" (").next().unwrap_or(&f.name)
            });
            let _ = writeln!(
                out,
                "  {place:<4} {} ({family}{class}, {level})",
                paint.with(&active.inci, Style::new().cyan()),
            );
        }
    }
    if !report.flags.is_empty() {
        let _ = writeln!(out, "{}", paint.bold("Flags:"));
        // Each flag once for each reason, with every ingredient behind it (the avoid
        // list's flags by the entry they answer: "fragrance", "alcohol").
        let mut flags: Vec<(&str, Vec<&str>, &str)> = Vec::new();
        for flag in &report.flags {
            match flags
                .iter_mut()
                .find(|(code, _, text)| *code == flag.code && *text == flag.text.as_ref())
            {
                Some((_, names, _)) => {
                    if !names.contains(&flag.inci.as_ref()) {
                        names.push(&flag.inci);
                    }
                }
                None => flags.push((flag.code, vec![&flag.inci], &flag.text)),
            }
        }
        for (code, names, text) in flags {
            let label = knowledge.labels.flag(code);
            // "on your avoid list (fragrance)" under "On your avoid list": the entry alone.
            let reason = text
                .strip_prefix(label.to_lowercase().as_str())
                .map(|rest| rest.trim().trim_start_matches('(').trim_end_matches(')'))
                .filter(|rest| !rest.is_empty())
                .unwrap_or(text);
            let _ = writeln!(
                out,
                "  {}: {} ({reason})",
                paint.with(label, Style::new().yellow()),
                names.join(", ")
            );
        }
    }
    if !report.unknown.is_empty() {
        let _ = writeln!(out, "{}", paint.bold("Not recognised:"));
        for unknown in &report.unknown {
            let hint = unknown
                .suggestion
                .as_ref()
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            // A name the dictionary lacks can still show its family, listed above as
            // an active: said here, so that the two lines agree.
            let family = report
                .actives
                .iter()
                .find(|a| a.position == unknown.position.unwrap_or(0) && a.inci == unknown.name)
                .map(|a| {
                    let family = knowledge
                        .family(a.family)
                        .map_or(a.family, |f| f.name.as_str());
                    format!("; counted above as {} by its name", family.to_lowercase())
                })
                .unwrap_or_default();
            let _ = writeln!(out, "  {}{hint}{family}", unknown.name);
        }
    }
    for diagnostic in &report.diagnostics {
        let _ = writeln!(
            out,
            "{}",
            paint.dim(&format!("note [{}]: {}", diagnostic.code, diagnostic.text))
        );
    }
    for (i, more) in report.more_products.iter().enumerate() {
        let _ = writeln!(out, "\n{}", paint.bold(&format!("Product {}", i + 2)));
        out.push_str(&self::report(knowledge, more, color));
    }
    out
}
