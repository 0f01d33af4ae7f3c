//! `regimen quiz`: the profile questions, asked on a terminal with defaults and
//! validation, written out as the profile TOML.

use crate::bad;
use anyhow::{Context, Result};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Select, Sort};
use regimen_core::analyzer::Analyzer;
use regimen_core::avoid::AvoidList;
use regimen_core::profile::{
    IsoDate, Minutes, ShelfItem, MAX_INGREDIENTS, MAX_MINUTES, MAX_NAME, MAX_SHELF,
};
use regimen_core::vocab::{Concern, Condition, Goal, ProductKind, SkinTone, SkinType};
use regimen_core::{Knowledge, Profile};
use std::io::IsTerminal;
use std::path::Path;

fn optional_minutes(theme: &ColorfulTheme, prompt: &str) -> Result<Option<Minutes>> {
    let text: String = Input::with_theme(theme)
        .with_prompt(prompt)
        .allow_empty(true)
        .validate_with(|text: &String| -> Result<(), String> {
            if text.trim().is_empty() {
                return Ok(());
            }
            text.trim()
                .parse::<u16>()
                .ok()
                .and_then(Minutes::new)
                .map(|_| ())
                .ok_or_else(|| format!("a whole number from 1 to {MAX_MINUTES}, or nothing"))
        })
        .interact_text()?;
    Ok(text.trim().parse::<u16>().ok().and_then(Minutes::new))
}

/// A yes/no question answered with Enter: "n" then Enter is one answer, not an answer
/// and an Enter that skips the next question.
fn confirm(theme: &ColorfulTheme) -> Confirm<'_> {
    Confirm::with_theme(theme).wait_for_newline(true)
}

/// Special occasions as typed: dates, none of them past.
fn dates(text: &str) -> Result<Vec<IsoDate>, String> {
    let dates: Vec<IsoDate> = text
        .split([',', ' '])
        .filter(|part| !part.trim().is_empty())
        .map(IsoDate::parse)
        .collect::<Result<_, _>>()?;
    let today = chrono::Local::now().date_naive();
    match regimen_core::profile::past_event(&dates, today, Some("events")) {
        Some(past) => Err(past.message),
        None => Ok(dates),
    }
}

/// Products the person owns (optional): name, pasted ingredient list, kind.
fn ask_shelf(theme: &ColorfulTheme) -> Result<Vec<ShelfItem>> {
    let mut shelf = Vec::new();
    let wanted = confirm(theme)
        .with_prompt("Add products you own, so the plan can use them?")
        .default(false)
        .interact()?;
    if !wanted {
        return Ok(shelf);
    }
    let kinds: Vec<&str> = std::iter::once("let regimen tell from the list")
        .chain(ProductKind::ALL.iter().map(|k| k.id()))
        .collect();
    while shelf.len() < MAX_SHELF {
        let name: String = Input::with_theme(theme)
            .with_prompt("Product name (empty when done)")
            .allow_empty(true)
            .validate_with(|text: &String| -> Result<(), String> {
                if text.chars().count() > MAX_NAME {
                    Err(format!("at most {MAX_NAME} characters"))
                } else {
                    Ok(())
                }
            })
            .interact_text()?;
        if name.trim().is_empty() {
            break;
        }
        let ingredients: String = Input::with_theme(theme)
            .with_prompt("Its ingredient list, pasted on one line (empty if you do not have it)")
            .allow_empty(true)
            .validate_with(|text: &String| -> Result<(), String> {
                if text.len() > MAX_INGREDIENTS {
                    Err(format!("at most {MAX_INGREDIENTS} bytes"))
                } else {
                    Ok(())
                }
            })
            .interact_text()?;
        let kind = Select::with_theme(theme)
            .with_prompt("What is it?")
            .items(&kinds)
            .default(0)
            .interact()?;
        shelf.push(ShelfItem {
            name: name.trim().to_string(),
            ingredients,
            kind: kind.checked_sub(1).map(|i| ProductKind::ALL[i]),
        });
    }
    Ok(shelf)
}

/// Asks the questions and writes the profile.
pub fn run(knowledge: &Knowledge, out: Option<&Path>) -> Result<()> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(bad(
            "regimen quiz asks its questions on a terminal, and there is none here; write a profile by hand instead (see examples/)",
        ));
    }
    let theme = ColorfulTheme::default();
    eprintln!("A few questions about your skin (Enter keeps the default).\n");
    let skin_labels = [
        "oily: shiny all over by midday",
        "dry: tight or flaky",
        "combination: oily T-zone, normal or dry cheeks",
        "normal: mostly comfortable",
    ];
    let skin = Select::with_theme(&theme)
        .with_prompt("Your skin type")
        .items(skin_labels)
        .default(2)
        .interact()?;
    let sensitive = confirm(&theme)
        .with_prompt("Is your skin sensitive (stings, reddens or reacts easily)?")
        .default(false)
        .interact()?;
    let concern_labels: Vec<&str> = Concern::ALL.iter().map(|c| c.id()).collect();
    let concerns = MultiSelect::with_theme(&theme)
        .with_prompt("Your concerns (space to tick, Enter when done)")
        .items(&concern_labels)
        .interact()?;
    let mut concerns: Vec<Concern> = concerns.into_iter().map(|i| Concern::ALL[i]).collect();
    if concerns.len() > 1 {
        let labels: Vec<&str> = concerns.iter().map(|c| c.id()).collect();
        let order = Sort::with_theme(&theme)
            .with_prompt(
                "Put them in order, most important first (space to pick one up, arrows to move it)",
            )
            .items(&labels)
            .interact()?;
        concerns = order.into_iter().map(|i| concerns[i]).collect();
    }
    let goal_labels = [
        "fast: visible results soon",
        "long_term: lasting change over weeks",
        "both",
    ];
    let goal = Select::with_theme(&theme)
        .with_prompt("What do you want?")
        .items(goal_labels)
        .default(2)
        .interact()?;
    let events: String = Input::with_theme(&theme)
        .with_prompt("Special occasions coming up (YYYY-MM-DD, comma-separated; empty for none)")
        .allow_empty(true)
        .validate_with(|text: &String| dates(text).map(|_| ()))
        .interact_text()?;
    let pregnant = confirm(&theme)
        .with_prompt("Are you pregnant?")
        .default(false)
        .interact()?;
    let breastfeeding = confirm(&theme)
        .with_prompt("Are you breastfeeding?")
        .default(false)
        .interact()?;
    let age: String = Input::with_theme(&theme)
        .with_prompt("Your age in years (empty: rather not say)")
        .allow_empty(true)
        .validate_with(|text: &String| -> Result<(), String> {
            match text.trim() {
                "" => Ok(()),
                t => t
                    .parse::<u8>()
                    .ok()
                    .filter(|a| (1..=regimen_core::profile::MAX_AGE).contains(a))
                    .map(|_| ())
                    .ok_or_else(|| {
                        format!(
                            "give a whole number from 1 to {}",
                            regimen_core::profile::MAX_AGE
                        )
                    }),
            }
        })
        .interact_text()?;
    let mut tone_labels = vec!["rather not say".to_string()];
    tone_labels.extend(SkinTone::ALL.iter().map(|t| t.id().to_string()));
    let tone = Select::with_theme(&theme)
        .with_prompt("Your skin tone, Fitzpatrick type (I always burns ... VI never burns)")
        .items(&tone_labels)
        .default(0)
        .interact()?;
    let condition_labels: Vec<&str> = Condition::ALL.iter().map(|c| c.id()).collect();
    let conditions = MultiSelect::with_theme(&theme)
        .with_prompt("Skin conditions a doctor has diagnosed (space to tick, Enter when done)")
        .items(&condition_labels)
        .interact()?;
    let minutes_am = optional_minutes(&theme, "Minutes you have in the morning (empty: no limit)")?;
    let minutes_pm = optional_minutes(&theme, "Minutes you have in the evening (empty: no limit)")?;
    let start: String = Input::with_theme(&theme)
        .with_prompt("First day of the plan (YYYY-MM-DD; empty: the day you run `regimen plan`)")
        .allow_empty(true)
        .validate_with(|text: &String| -> Result<(), String> {
            if text.trim().is_empty() {
                Ok(())
            } else {
                IsoDate::parse(text).map(|_| ())
            }
        })
        .interact_text()?;
    let avoid = ask_avoid(&theme, knowledge)?;

    let shelf = ask_shelf(&theme)?;

    let mut profile = Profile::new(SkinType::ALL[skin], Goal::ALL[goal]);
    profile.shelf = shelf;
    profile.sensitive = sensitive;
    profile.concerns = concerns;
    profile.start = IsoDate::parse(&start).ok();
    profile.events = dates(&events).map_err(bad)?;
    profile.pregnant = pregnant;
    profile.breastfeeding = breastfeeding;
    profile.age = age.trim().parse().ok();
    profile.skin_tone = tone.checked_sub(1).map(|i| SkinTone::ALL[i]);
    profile.conditions = conditions.into_iter().map(|i| Condition::ALL[i]).collect();
    profile.minutes_am = minutes_am;
    profile.minutes_pm = minutes_pm;
    profile.avoid = avoid;
    let text = format!(
        "# regimen profile, written by `regimen quiz`\n{}",
        profile.to_toml()
    );
    match out {
        Some(path) => {
            let keep = path.exists()
                && !confirm(&theme)
                    .with_prompt(format!("{} exists. Replace it?", path.display()))
                    .default(false)
                    .interact()?;
            if keep {
                say!("{text}");
                eprintln!(
                    "\nKept {}; the new profile is printed above.",
                    path.display()
                );
                return Ok(());
            }
            std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "\nSaved to {}. Next: regimen plan --profile {}",
                path.display(),
                path.display()
            );
        }
        None => say!("{text}"),
    }
    Ok(())
}

/// Asks what to avoid, and says next to the answer which entries regimen knows
/// nothing by (with the nearest names it knows), offering to change them.
fn ask_avoid(theme: &ColorfulTheme, knowledge: &Knowledge) -> Result<Vec<String>> {
    let mut analyzer = None;
    let mut initial = String::new();
    loop {
        let text: String = Input::with_theme(theme)
            .with_prompt("Ingredients to avoid (comma-separated, plain words are fine: \"lavender\", \"fragrance\", \"vitamin A\"; empty for none)")
            .with_initial_text(initial.clone())
            .allow_empty(true)
            .interact_text()?;
        let entries: Vec<String> = text
            .split(',')
            .map(|a| a.trim().to_lowercase())
            .filter(|a| !a.is_empty())
            .collect();
        if entries.is_empty() {
            return Ok(entries);
        }
        let analyzer = match &mut analyzer {
            Some(analyzer) => analyzer,
            None => analyzer.insert(
                Analyzer::builtin(knowledge).context("building the ingredient dictionary")?,
            ),
        };
        let read = AvoidList::parse(knowledge, analyzer, &entries);
        let notes: Vec<String> = read.entries().iter().filter_map(|e| e.note()).collect();
        for note in &notes {
            eprintln!("  note: {note}");
        }
        let unknown = read.needs_checking();
        if !unknown
            || !confirm(theme)
                .with_prompt("Change the list?")
                .default(true)
                .interact()?
        {
            return Ok(entries);
        }
        initial = text;
    }
}
