//! The planner: from a profile and the knowledge base to a dated plan.
//!
//! It runs in three passes. `choose` decides the approach and picks mask types and
//! serum actives, each with its reasons. `schedule` places them on dated evenings and
//! mornings: event masks first, then regular masks spread over the week, then
//! ramped evening actives on compatible nights, then daily actives. Each routine then
//! goes through the same guards: interactions, the per-routine limit of strong actives,
//! and the time budget. Every fact comes from the knowledge base; what the engine
//! decides in code is only how to combine them.

use crate::knowledge::{Citation, Knowledge, Severity, Situation};
use crate::plan::{Day, MaskChoice, Plan, Reason, SerumChoice, StepEntry, Warnings, DISCLAIMER};
use crate::profile::{IsoDate, Profile};
use crate::shelf::ShelfProduct;
use crate::vocab::{Approach, Routine};
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
}

impl PlanOptions {
    /// A plan of `weeks` weeks (1 to [`MAX_WEEKS`]) from `start`.
    pub fn new(start: NaiveDate, weeks: u8) -> Result<PlanOptions, String> {
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(format!(
                "weeks must be between 1 and {MAX_WEEKS}, got {weeks}"
            ));
        }
        if start
            .checked_add_days(Days::new(u64::from(weeks) * 7))
            .is_none()
        {
            return Err(format!("start date {start} is too far in the future"));
        }
        Ok(PlanOptions { start, weeks })
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

/// Builds the plan for one person (without their shelf).
pub fn make_plan<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    options: &PlanOptions,
) -> Plan<'k> {
    make_plan_with_shelf(knowledge, profile, options, &[])
}

/// Builds the plan for one person, using the products on their shelf (analysed with
/// [`crate::shelf::analyze_shelf`]).
pub fn make_plan_with_shelf<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    options: &PlanOptions,
    shelf: &[ShelfProduct],
) -> Plan<'k> {
    let mut warnings = Warnings::default();
    let day_count = usize::from(options.weeks) * 7;
    let date_of = |day: usize| options.start + Days::new(day as u64);
    let end = date_of(day_count - 1);

    let mut events = Vec::new();
    for event in &profile.events {
        if event.0 < options.start || event.0 > end {
            let text = format!(
                "Your event on {event} is outside this plan ({} to {}); plan again closer to it to get an event mask.",
                options.start, end
            );
            warnings.add(
                "event_outside_plan",
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
    let refused: Vec<Option<String>> = shelf
        .iter()
        .map(|product| crate::shelf::refusal(knowledge, profile, product))
        .collect();
    let owned = Owned {
        products: shelf,
        refused: &refused,
    };
    let (approach, mut reasons) = choose_approach(knowledge, &situation);
    let serums = match approach {
        Approach::Serums | Approach::Both => {
            choose_serums(knowledge, profile, &needs, owned, &mut warnings)
        }
        Approach::Masks => Vec::new(),
    };
    let masks = match approach {
        Approach::Masks | Approach::Both => {
            choose_masks(knowledge, profile, &needs, &situation, owned, &mut warnings)
        }
        Approach::Serums => MaskPicks::default(),
    };
    let assignment = shelf_plan::assign(owned, &serums, &masks);
    if approach == Approach::Masks {
        reasons.push(Reason::cited(rule(knowledge, "masks_supplement")));
    }

    let schedule = Scheduler {
        knowledge,
        profile,
        serums: &serums,
        masks: &masks,
        shelf,
        assignment: &assignment,
        day_count,
        start: options.start,
    };
    let (days, nights_placed) = schedule.run(&events, &mut warnings);

    verify_event_masks(knowledge, &days, &events, &masks, &mut warnings);
    advise(knowledge, profile, &situation, &serums, &mut warnings);

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
            .map(|(pick, nights)| SerumChoice {
                active: &pick.active.id,
                time: pick.active.time,
                nights_per_week: nights,
                reasons: pick.reasons.clone(),
            })
            .collect(),
        days,
        warnings: warnings.into_vec(),
        start: IsoDate(options.start),
        weeks: options.weeks,
        disclaimer: DISCLAIMER,
        shelf: (!shelf.is_empty()).then(|| {
            shelf_plan::report(
                knowledge,
                profile,
                approach,
                owned,
                &assignment,
                &serums,
                &masks,
            )
        }),
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
                "No glow mask before your event on {}: {why}. A hydrating mask the evening before helps.",
                days[event].date
            );
            warnings.add(
                "event_mask_missing",
                rule(knowledge, "event_mask"),
                Cow::Owned(text),
                Some(days[event].date),
            );
        }
    }
}

/// Safety notes and expectations that hold for the whole plan.
fn advise<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    situation: &Situation<'_>,
    serums: &[SerumPick<'k>],
    warnings: &mut Warnings<'k>,
) {
    if profile.pregnant {
        let removed: Vec<&str> = knowledge
            .actives
            .iter()
            .filter(|a| !a.pregnancy_safe)
            .map(|a| a.name.as_str())
            .collect();
        let mut alternatives: Vec<&str> = Vec::new();
        for active in knowledge.actives.iter().filter(|a| !a.pregnancy_safe) {
            for alt in &active.pregnancy_alternatives {
                if let Some(alt) = knowledge.active(alt) {
                    if !alternatives.contains(&alt.name.as_str()) {
                        alternatives.push(&alt.name);
                    }
                }
            }
        }
        let text = format!(
            "While pregnant or breastfeeding, no retinoids: this plan leaves out {} (and avoid retinal, retinyl esters, tretinoin and adapalene in your products). Safer alternatives: {}.",
            removed.join(", "),
            alternatives.join(", ")
        );
        warnings.add(
            "pregnancy",
            rule(knowledge, "pregnancy_no_retinoids"),
            Cow::Owned(text),
            None,
        );
    }
    let photosensitising: Vec<&str> = serums
        .iter()
        .filter(|p| p.active.photosensitising)
        .map(|p| p.active.name.as_str())
        .collect();
    if photosensitising.is_empty() {
        warnings.cite("sunscreen", knowledge, "sunscreen_daily");
    } else {
        let citation = rule(knowledge, "sunscreen_photosensitising");
        let text = format!("{}: {}", photosensitising.join(", "), citation.text);
        warnings.add("sunscreen", citation, Cow::Owned(text), None);
    }
    for pick in serums {
        if profile.sensitive || pick.active.strong {
            let text = format!(
                "Patch-test {} before the first use: a small spot twice a day for 7-10 days.",
                pick.active.name
            );
            warnings.add(
                "patch_test",
                rule(knowledge, "patch_test"),
                Cow::Owned(text),
                None,
            );
        }
    }
    if profile.sensitive {
        warnings.cite("sensitive", knowledge, "sensitive_fewer_actives");
    }
    let families: Vec<&str> = serums.iter().map(|p| p.active.family.as_str()).collect();
    for interaction in &knowledge.interactions {
        let both = interaction.a.picks(&families, &[]) && interaction.b.picks(&families, &[]);
        if both {
            let code = match interaction.severity {
                Severity::Info => "interaction_note",
                Severity::Separate => "kept_apart",
            };
            warnings.cite(code, knowledge, &interaction.id);
        }
    }
    if !serums.is_empty() {
        warnings.cite("expectations", knowledge, "expectations_serums");
    }
    for referral in &knowledge.referrals {
        if referral.when.matches(situation) {
            warnings.cite("see_dermatologist", knowledge, &referral.id);
        }
    }
}
