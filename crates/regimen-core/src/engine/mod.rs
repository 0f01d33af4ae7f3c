//! The planner: from a profile and the knowledge base to a dated plan.
//!
//! It runs in three passes. `choose` decides the approach and picks mask types and
//! serum actives, each with its reasons. `schedule` places them on dated evenings and
//! mornings: event masks first, then regular masks spread over the week, then
//! ramped evening actives on compatible nights, then daily actives. Each routine then
//! goes through the same guards: interactions, the per-routine limit of strong actives,
//! and the time budget. Every fact comes from the knowledge base; what the engine
//! decides in code is only how to combine them.

use crate::analyzer::Analyzer;
use crate::avoid::AvoidList;
use crate::experiment::Experiment;
use crate::knowledge::{Active, Citation, Knowledge, Severity, Situation};
use crate::plan::{Day, MaskChoice, Plan, Reason, SerumChoice, StepEntry, Warnings, DISCLAIMER};
use crate::profile::{IsoDate, Profile};
use crate::shelf::ShelfProduct;
use crate::vocab::{Approach, Routine, ServingTime, Step, WarningCode};
use choose::{choose_approach, choose_masks, choose_serums, needs, MaskPicks, Owned, SerumPick};
use chrono::{Days, NaiveDate};
use schedule::Scheduler;
use std::borrow::Cow;

/// The longest plan, in weeks.
pub const MAX_WEEKS: u8 = 52;

/// When the plan starts and how long it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    start: NaiveDate,
    weeks: u8,
    experiment: Option<u64>,
}

impl PlanOptions {
    /// A plan of `weeks` weeks (1 to [`MAX_WEEKS`]) from `start`.
    pub fn new(start: NaiveDate, weeks: u8) -> Result<PlanOptions, String> {
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(format!(
                "weeks must be between 1 and {MAX_WEEKS}, got {weeks}"
            ));
        }
        // Every day of the plan is written as YYYY-MM-DD: the last one is 9999-12-31 at
        // the latest (the dates a profile, the API and a calendar read back).
        let last_day = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");
        if start
            .checked_add_days(Days::new(u64::from(weeks) * 7 - 1))
            .is_none_or(|end| end > last_day)
        {
            return Err(format!(
                "start date {start} is too far in the future: a plan of {weeks} weeks must end by 9999-12-31"
            ));
        }
        Ok(PlanOptions {
            start,
            weeks,
            experiment: None,
        })
    }

    /// The plan as a personal experiment: its regular mask evenings drawn at random
    /// within each week from `seed` (0 to [`crate::experiment::MAX_SEED`]).
    pub fn with_experiment(mut self, seed: u64) -> Result<PlanOptions, String> {
        if seed > crate::experiment::MAX_SEED {
            return Err(format!(
                "a seed is a whole number from 0 to {}, got {seed}",
                crate::experiment::MAX_SEED
            ));
        }
        self.experiment = Some(seed);
        Ok(self)
    }

    /// The experiment's seed, if the plan is one.
    pub fn experiment(&self) -> Option<u64> {
        self.experiment
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Number of weeks.
    pub fn weeks(&self) -> u8 {
        self.weeks
    }
}

/// Everything the planner reads from a profile with the analyzer, once: the avoid list
/// and what it leaves out, and the shelf, analysed.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The avoid list, read.
    pub avoid: AvoidList,
    /// The shelf, analysed.
    pub shelf: Vec<ShelfProduct>,
    /// Planner actives the avoid list leaves out: (active id, entry).
    avoided_actives: Vec<(String, String)>,
    /// Mask types the avoid list leaves out: (mask type id, entry).
    avoided_masks: Vec<(String, String)>,
}

impl Reading {
    /// Whether reading this profile needs the ingredient analyzer: only an avoid list or
    /// a shelf does ([`Reading::default`] reads any other profile, without building it).
    pub fn needs_analyzer(profile: &Profile) -> bool {
        !profile.avoid.is_empty() || !profile.shelf.is_empty()
    }

    /// Reads a profile's avoid list and shelf.
    pub fn of(knowledge: &Knowledge, analyzer: &Analyzer, profile: &Profile) -> Reading {
        let avoid = AvoidList::parse(knowledge, analyzer, &profile.avoid);
        let shelf = crate::shelf::analyze_shelf(analyzer, profile, &avoid);
        let avoided_actives = knowledge
            .actives
            .iter()
            .filter_map(|a| {
                avoid
                    .active_entry(analyzer.lexicon(), a)
                    .map(|e| (a.id.clone(), e.to_string()))
            })
            .collect();
        let avoided_masks = knowledge
            .mask_types
            .iter()
            .filter_map(|m| avoid.mask_entry(m).map(|e| (m.id.clone(), e.to_string())))
            .collect();
        Reading {
            avoid,
            shelf,
            avoided_actives,
            avoided_masks,
        }
    }

    /// The entry that leaves out a planner active, if any.
    pub fn active_avoided(&self, id: &str) -> Option<&str> {
        self.avoided_actives
            .iter()
            .find(|(a, _)| a == id)
            .map(|(_, e)| e.as_str())
    }

    /// The entry that leaves out a mask type, if any.
    pub fn mask_avoided(&self, id: &str) -> Option<&str> {
        self.avoided_masks
            .iter()
            .find(|(m, _)| m == id)
            .map(|(_, e)| e.as_str())
    }
}

/// Builds the plan for one person: reads their avoid list and shelf with the analyzer,
/// then plans. This is the one entry point; callers never assemble the pieces.
pub fn make_plan<'k>(
    knowledge: &'k Knowledge,
    analyzer: &Analyzer,
    profile: &Profile,
    options: &PlanOptions,
) -> Plan<'k> {
    let reading = Reading::of(knowledge, analyzer, profile);
    make_plan_from(knowledge, profile, options, &reading)
}

/// Builds the plan from a profile already read ([`Reading::of`]), for callers that
/// keep the reading (a shelf analysed once, many plans).
pub fn make_plan_from<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    options: &PlanOptions,
    reading: &Reading,
) -> Plan<'k> {
    let shelf = reading.shelf.as_slice();
    let mut warnings = Warnings::default();
    let day_count = usize::from(options.weeks) * 7;
    let date_of = |day: usize| options.start + Days::new(day as u64);
    let end = date_of(day_count - 1);

    let mut events = Vec::new();
    for event in &profile.events {
        if event.0 < options.start || event.0 > end {
            let text = format!(
                "An event falls outside this plan ({} to {}): plan again closer to it to get an event mask.",
                options.start.format("%-d %B %Y"), end.format("%-d %B %Y")
            );
            warnings.add(
                WarningCode::EventOutsidePlan,
                rule(knowledge, "event_mask"),
                Cow::Owned(text),
                Some(*event),
            );
        } else {
            events.push((event.0 - options.start).num_days() as usize);
        }
    }

    let situation = Situation::of(profile, !events.is_empty());
    let needs = needs(knowledge, profile);
    let refusals: Vec<Option<(String, &str)>> = shelf
        .iter()
        .map(|product| crate::shelf::refusal(knowledge, profile, product))
        .collect();
    let refused: Vec<Option<String>> = refusals
        .iter()
        .map(|r| r.as_ref().map(|(reason, _)| reason.clone()))
        .collect();
    let owned = Owned {
        products: shelf,
        refused: &refused,
    };
    let (mut approach, mut reasons) = choose_approach(knowledge, &situation);
    let mut masks = match approach {
        Approach::Masks | Approach::Both => choose_masks(
            knowledge,
            profile,
            &needs,
            &situation,
            owned,
            reading,
            approach == Approach::Both,
            &mut warnings,
        ),
        Approach::Serums => MaskPicks::default(),
    };
    // The answer matches the plan: when no mask can fit (the evening's time, the avoid
    // list), the answer is serums, and it says why and what would make masks fit.
    if approach != Approach::Serums {
        if let Some(why) = masks_do_not_fit(knowledge, profile, &masks, approach == Approach::Both)
        {
            let citation = rule(knowledge, "masks_do_not_fit");
            // First: it is why the answer is not the one the reasons after it lead to.
            reasons.insert(0, Reason::personal(citation, why.clone()));
            warnings.add(WarningCode::MasksDoNotFit, citation, Cow::Owned(why), None);
            approach = Approach::Serums;
            masks = MaskPicks::default();
        }
    }
    let serums = match approach {
        Approach::Serums | Approach::Both => {
            choose_serums(knowledge, profile, &needs, owned, reading, &mut warnings)
        }
        Approach::Masks => Vec::new(),
    };
    let assignment = shelf_plan::assign(knowledge, owned, &serums, &masks);
    if approach == Approach::Masks {
        reasons.push(Reason::cited(rule(knowledge, "masks_supplement")));
    }
    let slow = slow_families(knowledge, owned, &mut warnings);
    // Schedule, then check that each new strong active really starts a patch-test
    // window after the one before (a ramped active's first night may come days after
    // its start) and not just before an event; move the starts and schedule again until
    // they hold. Starts only move later, so this ends.
    let introductions = introductions(knowledge, &serums, &assignment, owned);
    let mut first_use: Vec<Option<usize>> = vec![None; introductions.len()];
    let mut starts_of = pace(knowledge, introductions.len(), &first_use, &events);
    let (days, nights_placed, design, schedule_warnings) = loop {
        let starts: Vec<(&str, usize)> = introductions
            .iter()
            .zip(&starts_of)
            .flat_map(|(intro, day)| intro.families.iter().map(move |f| (*f, *day)))
            .collect();
        let bits = schedule::Bits::new(knowledge, &serums, &masks, shelf, &starts);
        let schedule = Scheduler {
            knowledge,
            profile,
            serums: &serums,
            masks: &masks,
            shelf,
            assignment: &assignment,
            slow: &slow,
            bits: &bits,
            day_count,
            start: options.start,
            events: &events,
            experiment: options.experiment,
        };
        let mut run_warnings = Warnings::default();
        let (days, nights_placed, design) = schedule.run(&events, &mut run_warnings);
        first_use = first_uses(knowledge, &introductions, shelf, &days);
        let again: Vec<usize> = pace(knowledge, introductions.len(), &first_use, &events)
            .into_iter()
            .zip(&starts_of)
            .map(|(new, old)| new.max(*old).min(day_count))
            .collect();
        if again == starts_of {
            break (days, nights_placed, design, run_warnings);
        }
        starts_of = again;
    };
    warnings.extend(schedule_warnings);
    say_pacing(
        knowledge,
        &introductions,
        (&first_use, &starts_of),
        (options.start, day_count),
        &mut warnings,
    );
    // Families whose patch-test week ends after this plan: they start in the next.
    let late: Vec<&str> = introductions
        .iter()
        .zip(&starts_of)
        .filter(|(_, start)| **start >= day_count)
        .flat_map(|(intro, _)| intro.families.iter().copied())
        .collect();
    let starts: Vec<(&str, usize)> = introductions
        .iter()
        .zip(&first_use)
        .flat_map(|(intro, day)| {
            intro
                .families
                .iter()
                .map(move |f| (*f, day.unwrap_or(day_count)))
        })
        .collect();

    verify_event_masks(knowledge, &days, &events, &masks, &mut warnings);
    if let (Some(seed), Some(_)) = (options.experiment, &design) {
        let citation = rule(knowledge, "experiment");
        let text = format!(
            "{} The seed is {seed}: the same seed draws the same evenings.",
            citation.text
        );
        warnings.add(WarningCode::Experiment, citation, Cow::Owned(text), None);
    }
    // The serums the plan holds: those some day took, and those whose patch-test turn
    // comes after it. One no day took, though its turn came (no routine had time for it,
    // which the notes say), is not the plan's: it gets no advice and is not listed.
    let in_plan: Vec<bool> = serums
        .iter()
        .zip(&assignment.serums)
        .map(|(pick, carrier)| {
            late.contains(&pick.active.family.as_str())
                || days
                    .iter()
                    .flat_map(Day::steps)
                    .any(|s| brings(s, shelf, pick.active, *carrier))
        })
        .collect();
    let advised: Vec<SerumPick<'_>> = serums
        .iter()
        .zip(&in_plan)
        .filter(|(_, held)| **held)
        .map(|(pick, _)| pick.clone())
        .collect();
    let used = used_products(shelf, &days);
    advise(
        knowledge,
        profile,
        &situation,
        &advised,
        &days,
        Used {
            shelf,
            indexes: &used,
        },
        reading,
        &mut warnings,
    );

    Plan {
        approach,
        reasons,
        masks: masks
            .picks
            .iter()
            .map(|pick| MaskChoice {
                mask_type: &pick.mask.id,
                per_week: pick.per_week,
                minutes: pick.mask.minutes,
                for_events: pick.for_events,
                reasons: pick.reasons.clone(),
            })
            .collect(),
        serums: serums
            .iter()
            .zip(nights_placed)
            .zip(&assignment.serums)
            .zip(&in_plan)
            .filter(|(_, held)| **held)
            .map(|(((pick, nights), carrier), _)| {
                let first = starts
                    .iter()
                    .find(|(family, _)| *family == pick.active.family)
                    .map_or(0, |(_, day)| *day);
                // "You own ..." holds only if that product did go on for this serum.
                let placed = days
                    .iter()
                    .flat_map(Day::steps)
                    .any(|s| s.active == Some(pick.active.id.as_str()) && s.product.is_some());
                let reasons = pick
                    .reasons
                    .iter()
                    .filter(|r| placed || r.rule != "shelf_first")
                    .cloned()
                    .collect();
                // The routines it goes in, as the days have it (a strong active may
                // keep to the evenings beside a morning one); its time when it waits
                // for the next plan.
                let goes_on = |routine: Routine| {
                    days.iter().any(|day| {
                        let steps = match routine {
                            Routine::Am => &day.am,
                            Routine::Pm => &day.pm,
                        };
                        steps
                            .iter()
                            .any(|s| brings(s, shelf, pick.active, *carrier))
                    })
                };
                let time = match (goes_on(Routine::Am), goes_on(Routine::Pm)) {
                    (true, true) => ServingTime::AmPm,
                    (true, false) => ServingTime::Am,
                    (false, true) => ServingTime::Pm,
                    (false, false) => pick.time,
                };
                SerumChoice {
                    active: &pick.active.id,
                    time,
                    nights_per_week: nights,
                    starts: IsoDate(date_of(first)),
                    reasons,
                }
            })
            .collect(),
        shelf: (!shelf.is_empty()).then(|| {
            let cap = if profile.sensitive {
                knowledge.limits.serum_actives_max_sensitive
            } else {
                knowledge.limits.serum_actives_max
            };
            let room = choose::Room::of(knowledge, profile);
            let context = shelf_plan::Context {
                cap,
                approach,
                late: &late,
                room: &room,
            };
            shelf_plan::report(knowledge, &context, owned, &days, &serums, &masks)
        }),
        experiment: design.zip(options.experiment).map(|(design, seed)| {
            // The serum period starts with the first serum in a routine.
            let serum_start = days
                .iter()
                .find(|day| day.steps().any(|s| s.step == Step::Serum))
                .map(|day| day.date.0);
            Experiment::of(
                &design,
                seed,
                options.start,
                profile.concerns.first().copied(),
                serum_start,
            )
        }),
        days,
        warnings: warnings.into_vec(),
        start: IsoDate(options.start),
        weeks: options.weeks,
        disclaimer: DISCLAIMER,
    }
}

/// Why no mask can go in this person's plan, if none can (no mask type that suits them
/// fits their evening, or suits their skin and avoid list at all), saying what would
/// make masks fit.
fn masks_do_not_fit(
    knowledge: &Knowledge,
    profile: &Profile,
    masks: &MaskPicks<'_>,
    with_serums: bool,
) -> Option<String> {
    if !masks.picks.is_empty() {
        return None;
    }
    let shortest = knowledge
        .mask_types
        .iter()
        .filter(|m| !(profile.sensitive && m.avoid_if_sensitive))
        .map(|m| choose::mask_evening(knowledge, m, with_serums))
        .min()
        .unwrap_or(0);
    let steps = if with_serums {
        "cleanse, mask, removal, serum, moisturizer"
    } else {
        "cleanse, mask, removal, moisturizer"
    };
    Some(match profile.minutes_pm {
        Some(budget) if budget.get() < shortest => format!(
            "A mask evening needs at least {shortest} minutes ({steps}) and your evening has {}: the answer is serums. Give one evening a week {shortest} minutes or more and masks fit.",
            budget.get()
        ),
        Some(budget) => format!(
            "No mask type that suits your skin and your avoid list fits a {}-minute evening, so the answer is serums; more time one evening a week, or a shorter avoid list, would let masks in.",
            budget.get()
        ),
        None => "No mask type suits your skin and your avoid list, so the answer is serums; changing the avoid list would let masks back in.".to_string(),
    })
}

/// One new strong active the plan brings, with what brings it (the planner's serum or
/// the person's product). A product that carries two goes on once both have started.
struct Introduction<'k> {
    families: Vec<&'k str>,
    what: String,
}

/// The new strong actives of a plan, in the order of the person's priorities: the
/// planner's serums (or the products that carry them), then the person's products.
fn introductions<'k>(
    knowledge: &'k Knowledge,
    serums: &[SerumPick<'k>],
    assignment: &shelf_plan::Assignment,
    owned: Owned<'_>,
) -> Vec<Introduction<'k>> {
    let mut order: Vec<Introduction<'k>> = Vec::new();
    let mut introduce = |family: &'k crate::knowledge::Family, what: &str| {
        if family.strong
            && !order
                .iter()
                .any(|i| i.families.contains(&family.id.as_str()))
        {
            order.push(Introduction {
                families: vec![family.id.as_str()],
                what: what.to_string(),
            });
        }
    };
    for (pick, carrier) in serums.iter().zip(&assignment.serums) {
        let what = match carrier {
            Some((product, _)) => owned.products[*product].name.as_str(),
            None => pick.active.name.as_str(),
        };
        introduce(&pick.active.rules, what);
    }
    // Only the products the plan may use: a serum left out for the limit of serums
    // waits for no patch-test turn.
    for (_, product) in owned
        .usable()
        .filter(|(i, p)| !p.uses.is_empty() && assignment.may_use(*i))
    {
        for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
            introduce(family, &product.name);
        }
    }
    order
}

/// When each introduction may start (rule pacing), given the day the one before it was
/// first used: a patch-test window after it, and never in the quiet days before an
/// event (rule pacing_event). `first_use[i]` is the day introduction `i` was first used
/// in the last schedule (none yet: its planned start). Returns a start day per
/// introduction.
fn pace(
    knowledge: &Knowledge,
    count: usize,
    first_use: &[Option<usize>],
    events: &[usize],
) -> Vec<usize> {
    let gap = usize::from(knowledge.limits.new_active_gap_days);
    let quiet = usize::from(knowledge.limits.event_quiet_days);
    let mut starts = Vec::with_capacity(count);
    // The first, too, waits for its patch-test week (rule patch_test): nothing strong
    // goes on the face before a week of testing it on a small spot.
    let mut earliest = gap;
    for i in 0..count {
        let mut day = earliest;
        // Its first use must not fall in the quiet days before an event either.
        let used = first_use.get(i).copied().flatten().unwrap_or(day).max(day);
        let mut check = used;
        while let Some(event) = events.iter().find(|e| **e >= check && **e - check <= quiet) {
            day = day.max(event + 1);
            check = day;
        }
        starts.push(day);
        let first = first_use.get(i).copied().flatten().unwrap_or(day).max(day);
        earliest = first + gap;
    }
    starts
}

/// The day each introduction is first used in a plan's days.
fn first_uses(
    knowledge: &Knowledge,
    introductions: &[Introduction<'_>],
    shelf: &[ShelfProduct],
    days: &[Day<'_>],
) -> Vec<Option<usize>> {
    introductions
        .iter()
        .map(|intro| {
            days.iter().position(|day| {
                day.steps().any(|step| {
                    let own = step
                        .active
                        .and_then(|a| knowledge.active(a))
                        .is_some_and(|a| intro.families.contains(&a.family.as_str()));
                    let product = step
                        .product
                        .as_deref()
                        .and_then(|name| shelf.iter().find(|p| p.name == name))
                        .is_some_and(|p| {
                            p.families
                                .iter()
                                .any(|f| intro.families.contains(&f.as_str()))
                        });
                    own || product
                })
            })
        })
        .collect()
}

/// Says when each new active starts, and why.
/// Says when each new strong active starts: its first day, or after this plan when its
/// turn comes then. One whose turn comes in the plan but that no day took (the notes say
/// why) is not said to start at all.
fn say_pacing<'k>(
    knowledge: &'k Knowledge,
    introductions: &[Introduction<'_>],
    (first_use, starts): (&[Option<usize>], &[usize]),
    (start, day_count): (chrono::NaiveDate, usize),
    warnings: &mut Warnings<'k>,
) {
    let date = |day: usize| (start + chrono::Days::new(day as u64)).format("%A %-d %B");
    let said: Vec<String> = introductions
        .iter()
        .zip(first_use.iter().zip(starts))
        .filter_map(|(intro, (first, turn))| match first {
            Some(day) => Some(format!("{} from {}", intro.what, date(*day))),
            None if *turn >= day_count => {
                Some(format!("{} after this plan: plan again then", intro.what))
            }
            None => None,
        })
        .collect();
    if said.is_empty() {
        return;
    }
    let quiet = knowledge.limits.event_quiet_days;
    let text = format!(
        "New strong actives start one at a time, each after its own patch-test week, and none in the {quiet} days before an event: {}.",
        said.join("; ")
    );
    warnings.add(
        WarningCode::Pacing,
        rule(knowledge, "pacing"),
        Cow::Owned(text),
        None,
    );
}

/// Families that start on their slower ramp because a product the person may use
/// carries them above a beginner's strength (rule strength_slow).
fn slow_families<'k>(
    knowledge: &'k Knowledge,
    owned: Owned<'_>,
    warnings: &mut Warnings<'k>,
) -> Vec<&'k str> {
    let mut slow: Vec<&'k str> = Vec::new();
    for (_, product) in owned.usable().filter(|(_, p)| p.leave_on) {
        for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
            let Some(limit) = family.strength.as_ref().and_then(|s| s.slow_above) else {
                continue;
            };
            let Some(percent) = product.strength(&family.id).filter(|p| *p > limit) else {
                continue;
            };
            if !slow.contains(&family.id.as_str()) {
                slow.push(&family.id);
            }
            let strength = family
                .strength
                .as_ref()
                .and_then(|s| knowledge.cite(&s.rule));
            let text = format!(
                "{} has {percent}% {}, more than a beginner's {limit}%, so it starts on the slower ramp. {}",
                product.name,
                family.name.to_lowercase(),
                strength.map_or("", |c| c.text)
            );
            warnings.add(
                WarningCode::Strength,
                rule(knowledge, "strength_slow"),
                Cow::Owned(text.trim_end().to_string()),
                None,
            );
        }
    }
    slow
}

/// A family as a person reads it: its abbreviation when it has one ("AHA"), else its
/// name in lower case ("retinoids").
pub(super) fn family_label(family: &crate::knowledge::Family) -> String {
    match family.name.split_once(" (") {
        Some((_, short)) => short.trim_end_matches(')').to_string(),
        None => family.name.to_lowercase(),
    }
}

/// The shelf products that appear in some routine of the plan.
fn used_products(shelf: &[ShelfProduct], days: &[Day<'_>]) -> Vec<usize> {
    let mut used: Vec<usize> = Vec::new();
    for step in days.iter().flat_map(Day::steps) {
        if let Some(index) = step
            .product
            .as_deref()
            .and_then(|name| shelf.iter().position(|p| p.name == name))
        {
            if !used.contains(&index) {
                used.push(index);
            }
        }
    }
    used.sort_unstable();
    used
}

/// The person's products that the plan uses.
#[derive(Clone, Copy)]
struct Used<'a> {
    shelf: &'a [ShelfProduct],
    indexes: &'a [usize],
}

impl<'a> Used<'a> {
    fn products(&self) -> impl Iterator<Item = &'a ShelfProduct> + '_ {
        self.indexes.iter().map(|&i| &self.shelf[i])
    }
}

/// A citation the engine needs; validation guarantees it exists.
fn rule<'k>(knowledge: &'k Knowledge, id: &'static str) -> Citation<'k> {
    knowledge.cite(id).unwrap_or(Citation {
        id,
        text: "",
        source: "",
    })
}

mod choose;
mod schedule;
mod shelf_plan;

fn routine_word(routine: Routine) -> &'static str {
    match routine {
        Routine::Am => "morning",
        Routine::Pm => "evening",
    }
}

fn verify_event_masks<'k>(
    knowledge: &'k Knowledge,
    days: &[Day<'k>],
    events: &[usize],
    masks: &MaskPicks<'k>,
    warnings: &mut Warnings<'k>,
) {
    let tags = &knowledge.limits.event_mask_tags;
    let is_event_mask = |step: &StepEntry<'_>| {
        step.mask_type
            .and_then(|id| knowledge.mask_type(id))
            .is_some_and(|m| tags.iter().any(|t| m.has_tag(t)))
    };
    let before = usize::from(knowledge.limits.event_mask_days_before);
    for &event in events {
        let found = (1..=before)
            .filter_map(|back| event.checked_sub(back))
            .any(|day| days[day].pm.iter().any(is_event_mask));
        if !found {
            let why = if masks.picks.iter().any(|p| p.for_events) {
                "there was no room for it within your mask limits or time budget"
            } else {
                "no suitable mask type is in this plan"
            };
            let text = format!(
                "No glow mask before your event: {why}. A hydrating mask the evening before helps."
            );
            warnings.add(
                WarningCode::EventMaskMissing,
                rule(knowledge, "event_mask"),
                Cow::Owned(text),
                Some(days[event].date),
            );
        }
    }
}

/// Safety notes and expectations that hold for the whole plan: for the planner's
/// serums and for the person's products it uses, by what they contain.
#[allow(clippy::too_many_arguments)]
fn advise<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    situation: &Situation<'_>,
    serums: &[SerumPick<'k>],
    days: &[Day<'_>],
    used: Used<'_>,
    reading: &Reading,
    warnings: &mut Warnings<'k>,
) {
    let family_name = |id: &str| {
        knowledge
            .family(id)
            .map_or(id.replace('_', " "), family_label)
    };
    // A serum the person's own product carries is advised about under the product's name.
    let carried_by_product: Vec<bool> = serums
        .iter()
        .map(|pick| {
            days.iter()
                .flat_map(Day::steps)
                .any(|s| s.active == Some(pick.active.id.as_str()) && s.product.is_some())
        })
        .collect();
    if profile.pregnant {
        let unsafe_families: Vec<String> = knowledge
            .families
            .iter()
            .filter(|f| !f.pregnancy_safe)
            .map(|f| f.name.to_lowercase())
            .collect();
        let removed: Vec<&str> = knowledge
            .actives
            .iter()
            .filter(|a| !a.rules.pregnancy_safe)
            .map(|a| a.name.as_str())
            .collect();
        let mut alternatives: Vec<&str> = Vec::new();
        for family in knowledge.families.iter().filter(|f| !f.pregnancy_safe) {
            for alt in &family.pregnancy_alternatives {
                if let Some(alt) = knowledge.active(alt) {
                    if !alternatives.contains(&alt.name.as_str()) {
                        alternatives.push(&alt.name);
                    }
                }
            }
        }
        let text = format!(
            "While pregnant or breastfeeding, no {}: this plan leaves out {}, and any product of yours that contains them, even in traces (retinal, retinyl esters, tretinoin and adapalene are retinoids too). Safer alternatives: {}.",
            crate::explain::join_or(&unsafe_families),
            removed.join(", "),
            alternatives.join(", ")
        );
        warnings.add(
            WarningCode::Pregnancy,
            rule(knowledge, "pregnancy_no_retinoids"),
            Cow::Owned(text),
            None,
        );
    }
    // What goes on the skin at a treatment level: the planner's serums and the families
    // of the products used.
    let mut carried: Vec<(String, &str)> = serums
        .iter()
        .zip(&carried_by_product)
        .filter(|(_, by_product)| !**by_product)
        .map(|(p, _)| (p.active.name.clone(), p.active.family.as_str()))
        .collect();
    for product in used.products() {
        for family in &product.families {
            carried.push((
                format!("{} ({})", product.name, family_name(family)),
                family.as_str(),
            ));
        }
    }
    // What makes the skin sun-sensitive, grouped by the rule (and source) that says so.
    let mut sun: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, family) in &carried {
        let Some(family) = knowledge.family(family).filter(|f| f.photosensitising) else {
            continue;
        };
        let rule_id = family
            .sun_rule
            .as_deref()
            .unwrap_or("sunscreen_photosensitising");
        match sun.iter_mut().find(|(r, _)| *r == rule_id) {
            Some((_, names)) => names.push(name),
            None => sun.push((rule_id, vec![name])),
        }
    }
    if sun.is_empty() {
        warnings.cite(WarningCode::Sunscreen, knowledge, "sunscreen_daily");
    }
    for (rule_id, names) in sun {
        if let Some(citation) = knowledge.cite(rule_id) {
            let text = format!("{}: {}", names.join(", "), citation.text);
            warnings.add(WarningCode::Sunscreen, citation, Cow::Owned(text), None);
        }
    }
    for product in used.products() {
        if let Some(spf) = product.spf.filter(|spf| *spf < 30) {
            let citation = rule(knowledge, "spf_minimum");
            let text = format!(
                "{} has SPF {spf}: use it, and get a broad-spectrum sunscreen of SPF 30 or more for every morning. {}",
                product.name, citation.text
            );
            warnings.add(WarningCode::SpfLow, citation, Cow::Owned(text), None);
        }
    }
    // Every new active to patch-test, said once: the planner's serums, then the
    // person's products that carry one.
    let mut to_test: Vec<&str> = Vec::new();
    for (pick, by_product) in serums.iter().zip(&carried_by_product) {
        if !by_product && (profile.sensitive || pick.active.rules.strong) {
            to_test.push(&pick.active.name);
        }
    }
    for product in used.products() {
        let strong = product
            .families
            .iter()
            .filter_map(|f| knowledge.family(f))
            .any(|f| f.strong);
        if (strong || (profile.sensitive && !product.families.is_empty()))
            && !to_test.contains(&product.name.as_str())
        {
            to_test.push(&product.name);
        }
    }
    if !to_test.is_empty() {
        let text = format!(
            "Patch-test {} before the first use: a small spot twice a day for 7-10 days.",
            and_list(&to_test)
        );
        warnings.add(
            WarningCode::PatchTest,
            rule(knowledge, "patch_test"),
            Cow::Owned(text),
            None,
        );
    }
    for product in used.products() {
        for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
            if family.ramped()
                && product.leave_on
                && !serums.iter().any(|s| s.active.family == family.id)
            {
                let text = format!(
                    "{} carries {}, so it follows its rules: it goes on only on the nights set for {}, ramping up.",
                    product.name,
                    family_label(family),
                    family_label(family)
                );
                warnings.add(
                    WarningCode::ProductRules,
                    rule(knowledge, "product_by_contents"),
                    Cow::Owned(text),
                    None,
                );
            }
            if let Some(caution) = &family.caution_rule {
                warnings.cite(WarningCode::Caution, knowledge, caution);
            }
        }
        let flagged = product.sensitive_flag(knowledge);
        if let (true, Some((code, inci))) = (profile.sensitive, flagged) {
            let text = format!(
                "{} contains {inci} ({}), which can sting sensitive skin; it stays in the plan because nothing replaces sun protection. A sunscreen without it would suit you better.",
                product.name,
                code.replace('_', " ")
            );
            warnings.add(
                WarningCode::SensitiveSunscreen,
                rule(knowledge, "sensitive_sunscreen_kept"),
                Cow::Owned(text),
                None,
            );
        }
    }
    if profile.sensitive {
        warnings.cite(WarningCode::Sensitive, knowledge, "sensitive_fewer_actives");
    }
    let families: Vec<&str> = carried.iter().map(|(_, f)| *f).collect();
    for interaction in &knowledge.interactions {
        let both = interaction.a.picks(&families, &[]) && interaction.b.picks(&families, &[]);
        if both {
            let code = match interaction.severity {
                Severity::Info => WarningCode::InteractionNote,
                Severity::Separate => WarningCode::KeptApart,
            };
            warnings.cite(code, knowledge, &interaction.id);
        }
    }
    let masks_left_out: Vec<String> = knowledge
        .mask_types
        .iter()
        .filter_map(|m| {
            reading
                .mask_avoided(&m.id)
                .map(|entry| format!("{} ({entry})", m.name.to_lowercase()))
        })
        .collect();
    if !masks_left_out.is_empty() {
        let text = format!(
            "Left out because of your avoid list: {}.",
            masks_left_out.join(", ")
        );
        warnings.add(
            WarningCode::Avoided,
            rule(knowledge, "safer_wins"),
            Cow::Owned(text),
            None,
        );
    }
    for entry in reading.avoid.entries() {
        if let Some(note) = entry.note() {
            let code = if entry.is_unknown() {
                WarningCode::AvoidUnknown
            } else {
                WarningCode::AvoidWords
            };
            warnings.add(code, rule(knowledge, "safer_wins"), Cow::Owned(note), None);
        }
    }
    if !serums.is_empty() || used.products().any(|p| !p.families.is_empty()) {
        warnings.cite(WarningCode::Expectations, knowledge, "expectations_serums");
    }
    // How long each family takes, where it is slower than the general 2-6 weeks.
    let families_used = carried.iter().map(|(_, f)| *f);
    let mut results_cited: Vec<&str> = Vec::new();
    for family in families_used.filter_map(|f| knowledge.family(f)) {
        if let Some(results) = family.results_rule.as_deref() {
            if !results_cited.contains(&results) {
                results_cited.push(results);
                warnings.cite(WarningCode::Expectations, knowledge, results);
            }
        }
    }
    warnings.cite(WarningCode::Reaction, knowledge, "reaction");
    warnings.cite(WarningCode::Reaction, knowledge, "reaction_urgent");
    for referral in &knowledge.referrals {
        if referral.when.matches(situation) {
            warnings.cite(WarningCode::SeeDermatologist, knowledge, &referral.id);
        }
    }
}

/// Whether a step puts a serum's active on the skin: as the serum itself, or in the
/// product of the person's that carries it for the plan (a retinol night cream as the
/// moisturizer); another product of the same family does not make the serum's routine.
fn brings(
    step: &StepEntry<'_>,
    shelf: &[ShelfProduct],
    active: &Active,
    carrier: Option<(usize, Step)>,
) -> bool {
    step.active == Some(active.id.as_str())
        || carrier.is_some_and(|(product, _)| {
            step.product.as_deref() == Some(shelf[product].name.as_str())
        })
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
