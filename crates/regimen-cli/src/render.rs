//! Human-readable output: the plan as a table, FAQ answers and explanations, with
//! colour only when asked for (a terminal, no NO_COLOR, or `--color always`).

use owo_colors::{OwoColorize, Style};
use regimen_core::analyzer::{Level, Report};
use regimen_core::explain::Explanation;
use regimen_core::knowledge::{Faq, Knowledge, WarningLevel};
use regimen_core::plan::{Plan, Reason, StepEntry};
use regimen_core::vocab::{Approach, ServingTime, Step};
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

fn reason_line(out: &mut String, paint: &Paint, indent: &str, reason: &Reason<'_>) {
    let cite = paint.dim(&format!("[{} · {}]", reason.rule, reason.source));
    let _ = writeln!(out, "{indent}- {} {cite}", reason.text);
}

fn step_text(knowledge: &Knowledge, step: &StepEntry<'_>, paint: &Paint) -> String {
    let own = |text: String| match &step.product {
        Some(product) => format!("{text} [{product}]"),
        None => text,
    };
    if let Some(mask) = step.mask_type.and_then(|id| knowledge.mask_type(id)) {
        let text = own(format!("{} {}'", mask.name.to_lowercase(), step.minutes));
        return paint.with(&text, Style::new().magenta().bold());
    }
    if let Some(active) = step.active.and_then(|id| knowledge.active(id)) {
        let name = active.name.split(" (").next().unwrap_or(&active.name);
        let style = if active.rules.strong {
            Style::new().yellow()
        } else {
            Style::new().cyan()
        };
        return paint.with(&own(name.to_string()), style);
    }
    let name = match step.step {
        Step::RemoveMask => step.display_name(knowledge).to_lowercase(),
        other => other.id().to_string(),
    };
    own(name)
}

/// The whole plan as text.
pub fn plan(knowledge: &Knowledge, plan: &Plan<'_>, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    let answer = match plan.approach {
        Approach::Masks => "face masks",
        Approach::Serums => "serums",
        Approach::Both => "both: serums daily, masks when your skin needs extra care",
    };
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("Your answer:"),
        paint.with(answer, Style::new().green().bold())
    );
    for reason in &plan.reasons {
        reason_line(&mut out, &paint, "  ", reason);
    }
    if !plan.masks.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Masks"));
        for mask in &plan.masks {
            let name = knowledge
                .mask_type(mask.mask_type)
                .map_or(mask.mask_type, |m| m.name.as_str());
            let mut when = match mask.per_week {
                0 => String::new(),
                n => format!("{n}x a week"),
            };
            if mask.for_events {
                if !when.is_empty() {
                    when.push_str(", ");
                }
                when.push_str("before your events");
            }
            let _ = writeln!(out, "  {} ({when}, {} min)", paint.bold(name), mask.minutes);
            for reason in &mask.reasons {
                reason_line(&mut out, &paint, "    ", reason);
            }
        }
    }
    if !plan.serums.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Serums"));
        for serum in &plan.serums {
            let name = knowledge
                .active(serum.active)
                .map_or(serum.active, |a| a.name.as_str());
            let mut when = match serum.time {
                ServingTime::Am => "mornings".to_string(),
                ServingTime::Pm => "evenings".to_string(),
                ServingTime::AmPm => "mornings and evenings".to_string(),
            };
            // From its first night (weeks before it starts are not counted): "evenings
            // from 2026-12-05, 2, 3 nights a week in its first weeks".
            let first_week = serum.nights_per_week.iter().position(|n| *n > 0);
            if let Some(first_week) = first_week {
                let nights: Vec<String> = serum.nights_per_week[first_week..]
                    .iter()
                    .map(u8::to_string)
                    .collect();
                let _ = write!(
                    when,
                    " from {}, {} nights a week in its first {} weeks",
                    serum.starts,
                    nights.join(", "),
                    nights.len()
                );
            } else if serum.starts > plan.days.first().map_or(serum.starts, |d| d.date) {
                let _ = write!(when, " from {}", serum.starts);
            }
            let _ = writeln!(out, "  {} ({when})", paint.bold(name));
            for reason in &serum.reasons {
                reason_line(&mut out, &paint, "    ", reason);
            }
        }
    }
    let last = plan
        .days
        .last()
        .map(|d| d.date.to_string())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\n{}",
        paint.bold(&format!("Your plan, {} to {last}", plan.start))
    );
    let routine = |steps: &[StepEntry<'_>]| {
        let text: Vec<String> = steps
            .iter()
            .map(|s| step_text(knowledge, s, &paint))
            .collect();
        format!(
            "{:>3}  {}",
            Plan::minutes(steps),
            text.join(&paint.dim(" > "))
        )
    };
    let same_mornings = plan.days.windows(2).all(|w| w[0].am == w[1].am);
    if let (true, Some(first)) = (same_mornings, plan.days.first()) {
        let _ = writeln!(out, "{}", paint.dim("                  min  steps"));
        let _ = writeln!(out, "{:<18}{}", "every morning", routine(&first.am));
        for day in &plan.days {
            let date = day.date.0.format("%a %Y-%m-%d PM").to_string();
            let _ = writeln!(out, "{date:<18}{}", routine(&day.pm));
        }
    } else {
        let _ = writeln!(out, "{}", paint.dim("                  min  steps"));
        for day in &plan.days {
            let date = day.date.0.format("%a %Y-%m-%d").to_string();
            let _ = writeln!(out, "{date:<15} AM{}", routine(&day.am));
            let _ = writeln!(out, "{:<15} PM{}", "", routine(&day.pm));
        }
    }
    if let Some(shelf) = &plan.shelf {
        let _ = writeln!(out, "\n{}", paint.bold("Your shelf"));
        for placed in &shelf.placed {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                paint.with("used", Style::new().green()),
                placed.name,
                placed.role
            );
        }
        for left in &shelf.not_placed {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                paint.with("not used", Style::new().yellow()),
                left.name,
                left.reason
            );
        }
        for missing in &shelf.missing {
            let _ = writeln!(
                out,
                "  {} {}",
                paint.with("to get", Style::new().cyan()),
                missing.text
            );
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold("Good to know"));
        for warning in &plan.warnings {
            let (label, level) = knowledge.labels.warning(warning.code);
            let style = match level {
                WarningLevel::Safety => Style::new().red().bold(),
                _ => Style::new().yellow(),
            };
            let mut line = format!("  {}: {}", paint.with(label, style), warning.text);
            if !warning.dates.is_empty() {
                let dates: Vec<String> = warning
                    .dates
                    .iter()
                    .take(6)
                    .map(|d| d.to_string())
                    .collect();
                let more = warning.dates.len().saturating_sub(6);
                let _ = write!(
                    line,
                    " ({}{})",
                    dates.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                );
            }
            let _ = writeln!(
                out,
                "{line} {}",
                paint.dim(&format!("[{} · {}]", warning.rule, warning.source))
            );
        }
    }
    let _ = writeln!(out, "\n{}", paint.dim(plan.disclaimer));
    out
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
        "{}\n{}\n{}\n",
        paint.bold(&faq.question),
        faq.answer,
        paint.dim(&format!("Source: {source}"))
    )
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
        let _ = writeln!(out, "  - {}{}", point.text, paint.dim(&cite));
    }
    out
}

/// An ingredient analysis as text.
pub fn report(report: &Report, color: bool) -> String {
    let paint = Paint { color };
    let mut out = String::new();
    if let Some(name) = &report.name {
        let _ = writeln!(out, "{}", paint.bold(name));
    }
    let kind = match &report.mask_type {
        Some(mask_type) => format!("{} ({mask_type})", report.kind),
        None => report.kind.to_string(),
    };
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("Kind:"),
        paint.with(&kind, Style::new().green().bold())
    );
    let steps: Vec<&str> = report.uses.iter().map(|s| s.id()).collect();
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
            let _ = writeln!(
                out,
                "  {place:<4} {} ({}{class}, {level})",
                paint.with(&active.inci, Style::new().cyan()),
                active.family
            );
        }
    }
    if !report.flags.is_empty() {
        let _ = writeln!(out, "{}", paint.bold("Flags:"));
        for flag in &report.flags {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                paint.with(&format!("{:<20}", flag.code), Style::new().yellow()),
                flag.inci,
                flag.text
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
            let _ = writeln!(out, "  {}{hint}", unknown.name);
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
        out.push_str(&self::report(more, color));
    }
    out
}
