//! Pacing: new strong actives start one at a time, each after its own patch-test week
//! and never in the quiet days before an event (rules pacing, pacing_event). The
//! schedule is made, the day each new active is first used is read back, the starts
//! are moved and the schedule is made again until they hold; starts only move later,
//! so this ends.

use super::choices::{Choices, Owned};
use super::context::{rule, Planning};
use super::safety::kept_apart;
use super::schedule::{Bits, Scheduler, Starts, Waits};
use crate::experiment::Design;
use crate::knowledge::Knowledge;
use crate::plan::{Day, Warnings};
use crate::shelf::ShelfProduct;
use crate::vocab::{Routine, Step, WarningCode};
use std::borrow::Cow;

/// The plan's days, scheduled and paced.
pub(super) struct Paced<'k> {
    pub(super) days: Vec<Day<'k>>,
    /// Per serum pick, the nights placed per week (empty for actives without a ramp).
    pub(super) nights_placed: Vec<Vec<u8>>,
    /// An experiment's design, when the plan is one and has mask evenings to draw.
    pub(super) design: Option<Design>,
    /// Families whose patch-test week ends after this plan: they start in the next.
    pub(super) late: Vec<&'k str>,
    /// Mask picks whose patch-test week ends after this plan.
    pub(super) late_masks: Vec<usize>,
    /// The day each new strong family is first used (the plan's length when never).
    pub(super) starts: Vec<(&'k str, usize)>,
}

/// Schedules the plan, moving the starts of new strong actives until each has its
/// patch-test week after the one before and none starts just before an event.
pub(super) fn schedule<'k>(
    planning: &Planning<'_, 'k>,
    choices: &Choices<'k>,
    warnings: &mut Warnings<'k>,
) -> Paced<'k> {
    let (knowledge, shelf) = (planning.knowledge, planning.shelf());
    let (events, day_count) = (&planning.events, planning.day_count);
    let owned = planning.owned();
    let times: Vec<_> = planning.verdicts.iter().map(|v| v.times).collect();
    let slow = slow_families(planning, owned, warnings);
    let introductions = introductions(knowledge, choices, owned);
    let mut first_use: Vec<Option<usize>> = vec![None; introductions.len()];
    let not_before = not_before(planning, &introductions, choices);
    let pace = |first_use: &[Option<usize>], seen: &[Option<usize>]| {
        pace(knowledge, (first_use, seen), events, &not_before)
    };
    let mut starts_of = pace(&first_use, &[]);
    let mut follow: Vec<(Waits, usize)> = Vec::new();
    let (days, nights_placed, design, schedule_warnings) = loop {
        let starts = starts(&introductions, &starts_of, &follow);
        let bits = Bits::new(
            knowledge,
            (&choices.serums, &choices.masks),
            (shelf, &times),
            &starts,
        );
        let scheduler = Scheduler {
            knowledge,
            profile: planning.profile,
            serums: &choices.serums,
            masks: &choices.masks,
            shelf,
            assignment: &choices.assignment,
            slow: &slow,
            bits: &bits,
            day_count,
            start: planning.options.start(),
            events,
            experiment: planning.options.experiment(),
        };
        let mut run_warnings = Warnings::default();
        let (days, nights_placed, design) = scheduler.run(events, &mut run_warnings);
        let seen;
        (first_use, seen) = first_uses(knowledge, &introductions, choices, shelf, &days);
        let again: Vec<usize> = pace(&first_use, &seen)
            .into_iter()
            .zip(&starts_of)
            .map(|(new, old)| new.max(*old).min(day_count))
            .collect();
        // Starts only move later, so this ends.
        let follows: Vec<(Waits, usize)> =
            followers(&introductions, choices, owned, (&again, &first_use))
                .into_iter()
                .map(|(waits, day)| {
                    let before = follow.iter().find(|(w, _)| *w == waits).map_or(0, |f| f.1);
                    (waits, day.max(before).min(day_count))
                })
                .collect();
        if again == starts_of && follows == follow {
            break (days, nights_placed, design, run_warnings);
        }
        starts_of = again;
        follow = follows;
    };
    warnings.extend(schedule_warnings);
    paced(
        planning,
        &introductions,
        (&first_use, &starts_of),
        (days, nights_placed, design),
        warnings,
    )
}

/// What the scheduler is told of the starts: each introduction's families and strong
/// mask picks at its day, and what waits for another product's.
fn starts<'k>(
    introductions: &[Introduction<'k>],
    starts_of: &[usize],
    follow: &[(Waits, usize)],
) -> Starts<'k> {
    Starts {
        waits: follow.to_vec(),
        families: introductions
            .iter()
            .zip(starts_of)
            .flat_map(|(intro, day)| intro.families.iter().map(move |f| (*f, *day)))
            .collect(),
        masks: introductions
            .iter()
            .zip(starts_of)
            .flat_map(|(intro, day)| intro.masks.iter().map(move |m| (*m, *day)))
            .collect(),
    }
}

/// The paced plan: its days, and what started when (and what starts after it), said.
fn paced<'k>(
    planning: &Planning<'_, 'k>,
    introductions: &[Introduction<'k>],
    (first_use, starts_of): (&[Option<usize>], &[usize]),
    (days, nights_placed, design): (Vec<Day<'k>>, Vec<Vec<u8>>, Option<Design>),
    warnings: &mut Warnings<'k>,
) -> Paced<'k> {
    let (knowledge, day_count) = (planning.knowledge, planning.day_count);
    say_pacing(
        knowledge,
        introductions,
        (first_use, starts_of),
        (planning.options.start(), day_count),
        warnings,
    );
    let late: Vec<&str> = introductions
        .iter()
        .zip(starts_of)
        .filter(|(_, start)| **start >= day_count)
        .flat_map(|(intro, _)| intro.families.iter().copied())
        .collect();
    let late_masks: Vec<usize> = introductions
        .iter()
        .zip(starts_of)
        .filter(|(_, start)| **start >= day_count)
        .flat_map(|(intro, _)| intro.masks.iter().copied())
        .collect();
    let starts: Vec<(&str, usize)> = introductions
        .iter()
        .zip(first_use)
        .flat_map(|(intro, day)| {
            intro
                .families
                .iter()
                .map(move |f| (*f, day.unwrap_or(day_count)))
        })
        .collect();
    Paced {
        days,
        nights_placed,
        design,
        late,
        late_masks,
        starts,
    }
}

/// One new strong active the plan brings, with what brings it (the planner's serum or
/// mask, or the person's product). A product that carries two goes on once both have
/// started.
struct Introduction<'k> {
    families: Vec<&'k str>,
    /// Strong mask picks it is (an exfoliating mask, a scrub: rule strong_masks).
    masks: Vec<usize>,
    /// The person's product that brings it, if one does.
    product: Option<usize>,
    what: String,
}

/// The new strong actives of a plan, in the order of the person's priorities: the
/// planner's serums (or the products that carry them), its strong masks, then the
/// person's products left on the skin (a wash is rinsed off within a minute: no
/// patch-test turn; a prescription keeps its own schedule).
fn introductions<'k>(
    knowledge: &'k Knowledge,
    choices: &Choices<'k>,
    owned: Owned<'_>,
) -> Vec<Introduction<'k>> {
    let assignment = &choices.assignment;
    let mut order: Vec<Introduction<'k>> = Vec::new();
    let protected = protected(knowledge, assignment, owned);
    let introduced = |order: &[Introduction<'k>], family: &str| {
        protected.contains(&family) || order.iter().any(|i| i.families.contains(&family))
    };
    for (pick, carrier) in choices.serums.iter().zip(&assignment.serums) {
        let product = carrier.map(|(product, _)| &owned.products[product]);
        // Protection first: a sunscreen of the person's goes on from the first morning.
        let protects = product.is_some_and(|p| p.can(Step::Sunscreen));
        if !pick.active.rules.strong || protects || introduced(&order, &pick.active.family) {
            continue;
        }
        let what = product.map_or(pick.active.name.as_str(), |p| p.name.as_str());
        // The other strong families of the person's product start with it: one new thing.
        let mut families = vec![pick.active.family.as_str()];
        families.extend(
            product
                .into_iter()
                .flat_map(|p| p.families.iter())
                .filter_map(|f| knowledge.family(f))
                .filter(|f| f.strong && f.id != pick.active.family && !introduced(&order, &f.id))
                .map(|f| f.id.as_str()),
        );
        order.push(Introduction {
            families,
            masks: Vec::new(),
            product: carrier.map(|(product, _)| product),
            what: what.to_string(),
        });
    }
    let strong_tags = &knowledge.limits.strong_mask_tags;
    for (index, pick) in choices.masks.picks.iter().enumerate() {
        let strong = strong_tags.iter().any(|t| pick.mask.has_tag(t));
        let product = assignment.masks.get(index).copied().flatten();
        // The strong families of the person's mask start with it.
        let families: Vec<&'k str> = product
            .map(|p| &owned.products[p])
            .into_iter()
            .flat_map(|p| p.families.iter())
            .filter_map(|f| knowledge.family(f))
            .filter(|f| f.strong && !introduced(&order, &f.id))
            .map(|f| f.id.as_str())
            .collect();
        // A mask is new and strong by its type (an exfoliating mask), or by the acids of
        // the person's own.
        if !strong && families.is_empty() {
            continue;
        }
        // A strong type waits as a type; a gentle type waits only with the person's mask
        // that brings a strong family (the plain one of its type may go on before).
        order.push(Introduction {
            families,
            masks: if strong { vec![index] } else { Vec::new() },
            product,
            what: product.map_or(pick.mask.name.clone(), |p| owned.name(p).to_string()),
        });
    }
    // Only the products the plan may use: a serum left out for the limit of serums
    // waits for no patch-test turn.
    for (index, product) in owned.usable().filter(|(i, p)| {
        !p.uses.is_empty() && !p.washes() && !p.can(Step::Sunscreen) && assignment.may_use(*i)
    }) {
        for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
            if family.strong && !introduced(&order, &family.id) {
                order.push(Introduction {
                    families: vec![family.id.as_str()],
                    masks: Vec::new(),
                    product: Some(index),
                    what: product.name.clone(),
                });
            }
        }
    }
    order
}

/// What the person's sunscreen brings: it goes on from the first morning, so what it
/// brings is on the skin from then, not new, with no patch-test turn to wait for. (The
/// first the gate admits in the morning beside the morning's prescriptions, as the
/// scheduler takes it.)
fn protected<'s>(
    knowledge: &Knowledge,
    assignment: &crate::engine::choices::Assignment,
    owned: Owned<'s>,
) -> Vec<&'s str> {
    assignment
        .candidates(Step::Sunscreen)
        .iter()
        .find(|&&p| {
            owned.verdicts[p].admits(Step::Sunscreen, Routine::Am)
                && !assignment.prescribed.iter().any(|rx| {
                    rx.time.includes(Routine::Am)
                        && kept_apart(knowledge, &owned.products[p], &owned.products[rx.product])
                            .is_some()
                })
        })
        .map(|&p| {
            owned.products[p]
                .families
                .iter()
                .map(String::as_str)
                .collect()
        })
        .unwrap_or_default()
}

/// When each introduction may start (rule pacing), given the day the one before it was
/// first used: a patch-test window after it, and never in the quiet days before an
/// event (rule pacing_event). `first_use[i]` is the day introduction `i` was first used
/// in the last schedule (none yet: its planned start); `seen[i]`, the last day one of
/// its families was first on the skin, by whatever brought it (a product that carries
/// part of it): the next waits a patch-test week after that too. Returns a start day
/// per introduction.
fn pace(
    knowledge: &Knowledge,
    (first_use, seen): (&[Option<usize>], &[Option<usize>]),
    events: &[usize],
    not_before: &[usize],
) -> Vec<usize> {
    let count = not_before.len();
    let gap = usize::from(knowledge.limits.new_active_gap_days);
    let quiet = usize::from(knowledge.limits.event_quiet_days);
    let mut starts = Vec::with_capacity(count);
    // The first, too, waits for its patch-test week (rule patch_test): nothing strong
    // goes on the face before a week of testing it on a small spot.
    let mut earliest = gap;
    for (i, &paused) in not_before.iter().enumerate() {
        let mut day = earliest.max(paused);
        // Its first use must not fall in the quiet days before an event either.
        let used = first_use.get(i).copied().flatten().unwrap_or(day).max(day);
        let mut check = used;
        while let Some(event) = events.iter().find(|e| **e >= check && **e - check <= quiet) {
            day = day.max(event + 1);
            check = day;
        }
        starts.push(day);
        let first = first_use.get(i).copied().flatten().unwrap_or(day).max(day);
        earliest = first.max(seen.get(i).copied().flatten().unwrap_or(0)) + gap;
    }
    starts
}

/// The first day each introduction may start by what the person's check-ins said: after
/// the pause a reaction put on one of its families or its strong mask (rule
/// reaction_pause), and never in this plan after an urgent reaction (rule
/// reaction_stop_new).
fn not_before(
    planning: &Planning<'_, '_>,
    introductions: &[Introduction<'_>],
    choices: &Choices<'_>,
) -> Vec<usize> {
    let heard = planning.reading.heard();
    let start = planning.options.start();
    let day_of = |date: chrono::NaiveDate| {
        usize::try_from((date - start).num_days())
            .unwrap_or(0)
            .min(planning.day_count)
    };
    introductions
        .iter()
        .map(|intro| {
            if heard.urgent.is_some() {
                return planning.day_count;
            }
            let families = intro.families.iter().filter_map(|f| heard.family_pause(f));
            let masks = intro
                .masks
                .iter()
                .filter_map(|m| heard.mask_pause(&choices.masks.picks[*m].mask.id));
            families
                .chain(masks)
                .map(|p| day_of(p.until))
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The day each introduction is first used in a plan's days (a prescription, which
/// keeps its own schedule, starts nothing), and the last day one of its families was
/// first on the skin, whatever brought it.
fn first_uses(
    knowledge: &Knowledge,
    introductions: &[Introduction<'_>],
    choices: &Choices<'_>,
    shelf: &[ShelfProduct],
    days: &[Day<'_>],
) -> (Vec<Option<usize>>, Vec<Option<usize>>) {
    let prescribed = |name: &str| {
        choices
            .assignment
            .prescribed
            .iter()
            .any(|p| shelf[p.product].name == name)
    };
    // Per day, per step: the families it brings and the mask type it is.
    let brought: Vec<Vec<(Vec<&str>, Option<&str>)>> = days
        .iter()
        .map(|day| {
            day.steps()
                .map(|step| {
                    let mut brings: Vec<&str> = Vec::new();
                    brings.extend(
                        step.active
                            .and_then(|a| knowledge.active(a))
                            .map(|a| a.family.as_str()),
                    );
                    brings.extend(
                        step.product
                            .as_deref()
                            .filter(|name| !prescribed(name))
                            .and_then(|name| shelf.iter().find(|p| p.name == name))
                            // (A wash starts nothing: it is rinsed off within a minute.)
                            .filter(|p| !p.washes())
                            .into_iter()
                            .flat_map(|p| p.families.iter().map(String::as_str)),
                    );
                    (brings, step.mask_type)
                })
                .collect()
        })
        .collect();
    let first_day = |on: &dyn Fn(&[&str], Option<&str>) -> bool| {
        brought
            .iter()
            .position(|steps| steps.iter().any(|(families, mask)| on(families, *mask)))
    };
    let used = introductions
        .iter()
        .map(|intro| {
            first_day(&|brings: &[&str], mask: Option<&str>| {
                // All of an introduction's families when it has several (one product
                // brings them together).
                let family = |f: &&str| brings.contains(f);
                let covered = if intro.families.len() > 1 {
                    intro.families.iter().all(family)
                } else {
                    intro.families.iter().any(family)
                };
                let mask = mask.is_some_and(|id| {
                    intro
                        .masks
                        .iter()
                        .any(|m| choices.masks.picks[*m].mask.id == id)
                });
                covered || mask
            })
        })
        .collect();
    let seen = introductions
        .iter()
        .map(|intro| {
            intro
                .families
                .iter()
                .filter_map(|f| first_day(&|brings: &[&str], _| brings.contains(f)))
                .max()
        })
        .collect();
    (used, seen)
}

/// Products that bring some, not all, of the new strong families one product brings
/// together (a clay mask with the AHA of the pads that bring AHA and BHA), and serums to
/// get of one of those families: they start once that product has, so that its
/// families start together, as one new thing. Returns (what waits, day).
fn followers(
    introductions: &[Introduction<'_>],
    choices: &Choices<'_>,
    owned: Owned<'_>,
    (starts, first_use): (&[usize], &[Option<usize>]),
) -> Vec<(Waits, usize)> {
    let mut follow: Vec<(Waits, usize)> = Vec::new();
    let mut wait = |waits: Waits, day: usize| match follow.iter_mut().find(|(w, _)| *w == waits) {
        Some((_, at)) => *at = (*at).max(day),
        None => follow.push((waits, day)),
    };
    for (i, intro) in introductions.iter().enumerate() {
        if intro.families.len() < 2 {
            continue;
        }
        let day = first_use[i].unwrap_or(starts[i]).max(starts[i]);
        // (A wash is rinsed off within a minute and a sunscreen goes on from the first
        // morning: neither waits.)
        for (product, carried) in owned
            .usable()
            .filter(|(_, p)| !p.washes() && !p.can(Step::Sunscreen))
        {
            let shares = intro
                .families
                .iter()
                .filter(|f| carried.families.iter().any(|g| g == *f))
                .count();
            if Some(product) != intro.product && shares > 0 && shares < intro.families.len() {
                wait(Waits::Product(product), day);
            }
        }
        for (pick, _) in choices
            .serums
            .iter()
            .zip(&choices.assignment.serums)
            .enumerate()
            .filter(|(_, (pick, carrier))| {
                carrier.is_none() && intro.families.contains(&pick.active.family.as_str())
            })
        {
            wait(Waits::Pick(pick), day);
        }
    }
    follow
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
    planning: &Planning<'_, 'k>,
    owned: Owned<'_>,
    warnings: &mut Warnings<'k>,
) -> Vec<&'k str> {
    let knowledge = planning.knowledge;
    // A person rule may put every family with nights on its slower ramp (deeper skin
    // tones: irritation leaves dark marks); the plan says its rule.
    let mut slow: Vec<&'k str> = if knowledge
        .person_rules(&planning.situation)
        .iter()
        .any(|r| r.slow_ramp)
    {
        knowledge
            .families
            .iter()
            .filter(|f| f.ramped())
            .map(|f| f.id.as_str())
            .collect()
    } else {
        Vec::new()
    };
    // A family a reaction paused restarts on its slower ramp (rule reaction_pause).
    for pause in planning.reading.heard().pauses.iter().filter(|p| !p.mask) {
        if let Some(family) = knowledge.family(&pause.what) {
            if !slow.contains(&family.id.as_str()) {
                slow.push(&family.id);
            }
        }
    }
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
