//! What the plan did with the person's products: what each one does and when, why each
//! of the others stayed out, and what the plan still needs that the shelf lacks.

use super::choices::{Choices, MaskPicks, Owned, SerumPick};
use super::context::{routines_word, Planning, Room};
use super::pace::Paced;
use crate::knowledge::Knowledge;
use crate::plan::{Day, Missing, NotPlaced, Placed, ShelfReport};
use crate::vocab::{Approach, ProductKind, Step};

/// How a product was used over the plan.
#[derive(Debug, Default)]
struct Usage {
    /// The steps it did, as labels ("serum (niacinamide)", "moisturize").
    steps: Vec<String>,
    mornings: usize,
    evenings: usize,
    /// The first day it goes on in the morning, and in the evening.
    first_am: Option<usize>,
    first_pm: Option<usize>,
}

/// What the report needs to know of the plan besides its days.
struct Context<'a> {
    /// The most serums that suit the person.
    cap: usize,
    /// Masks, serums or both.
    approach: Approach,
    /// Families whose patch-test week ends after this plan (they start in the next).
    late: &'a [&'a str],
    /// The time the person's routines leave for serums.
    room: &'a Room<'a>,
}

/// What became of each shelf product, and what the plan still needs.
pub(super) fn shelf_report(
    planning: &Planning<'_, '_>,
    choices: &Choices<'_>,
    paced: &Paced<'_>,
) -> ShelfReport {
    let context = Context {
        cap: planning.cap,
        approach: choices.approach,
        late: &paced.late,
        room: &planning.room,
    };
    report(
        planning.knowledge,
        &context,
        planning.owned(),
        &paced.days,
        &choices.serums,
        &choices.masks,
    )
}

fn report(
    knowledge: &Knowledge,
    context: &Context<'_>,
    owned: Owned<'_>,
    days: &[Day<'_>],
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
) -> ShelfReport {
    let mut usage: Vec<Usage> = owned.products.iter().map(|_| Usage::default()).collect();
    for (day_index, day) in days.iter().enumerate() {
        for (steps, morning) in [(&day.am, true), (&day.pm, false)] {
            let mut seen: Vec<usize> = Vec::new();
            for step in steps {
                let Some(index) = step
                    .product
                    .as_deref()
                    .and_then(|name| owned.products.iter().position(|p| p.name == name))
                else {
                    continue;
                };
                let used = &mut usage[index];
                // "serum (niacinamide)", "moisturize (retinoids)": what the product
                // brings to the step, by its family's name.
                let family = step
                    .active
                    .and_then(|id| knowledge.active(id))
                    .and_then(|a| knowledge.family(&a.family));
                let label = match (family, step.mask_type) {
                    (Some(family), _) => format!("{} ({})", step.step, family.label()),
                    (None, Some(mask)) => format!(
                        "{} ({})",
                        step.step,
                        knowledge
                            .mask_type(mask)
                            .map_or(mask.to_string(), |m| m.name.to_lowercase())
                    ),
                    (None, None) => step.step.to_string(),
                };
                if !used.steps.contains(&label) {
                    used.steps.push(label);
                }
                if morning {
                    used.first_am.get_or_insert(day_index);
                } else {
                    used.first_pm.get_or_insert(day_index);
                }
                if !seen.contains(&index) {
                    seen.push(index);
                    if morning {
                        used.mornings += 1;
                    } else {
                        used.evenings += 1;
                    }
                }
            }
        }
    }
    let mut report = ShelfReport::default();
    for (index, product) in owned.products.iter().enumerate() {
        let used = &usage[index];
        if !used.steps.is_empty() {
            report.placed.push(Placed {
                name: product.name.clone(),
                role: format!("{}: {}", used.steps.join(", "), when(used, days)),
            });
            continue;
        }
        let reason = match owned.refused.get(index).cloned().flatten() {
            Some(reason) => reason,
            None => unused_reason(knowledge, days, context, owned, serums, masks, index),
        };
        report.not_placed.push(NotPlaced {
            name: product.name.clone(),
            reason,
        });
    }
    report.missing = missing(owned, days, serums, masks);
    report
}

/// When a product goes on, in words: each routine counted from its own first day (a
/// product that waits for its patch-test turn goes on "every evening from Fri 18 Dec", not
/// "about 3 times a week" averaged over the weeks before it started).
fn when(used: &Usage, days: &[Day<'_>]) -> String {
    let span = |first: Option<usize>| days.len() - first.unwrap_or(0).min(days.len());
    let (am_span, pm_span) = (span(used.first_am), span(used.first_pm));
    let per_week = |n: usize, span: usize| {
        let average = (n as f64 * 7.0 / span.max(7) as f64).round() as usize;
        match average {
            0 | 1 => "about once a week".to_string(),
            n => format!("about {n} times a week"),
        }
    };
    let morning = |m: usize| match m {
        0 => None,
        m if m == am_span => Some("every morning".to_string()),
        m => Some(format!("mornings, {}", per_week(m, am_span))),
    };
    let evening = |e: usize| match e {
        0 => None,
        e if e == pm_span => Some("every evening".to_string()),
        e => Some(format!("evenings, {}", per_week(e, pm_span))),
    };
    let from = |first: Option<usize>| {
        first
            .filter(|day| *day > 0)
            .and_then(|day| days.get(day))
            .map(|day| format!(" from {}", day.date.0.format("%a %-d %b")))
            .unwrap_or_default()
    };
    let am = morning(used.mornings).map(|text| format!("{text}{}", from(used.first_am)));
    let pm = evening(used.evenings).map(|text| format!("{text}{}", from(used.first_pm)));
    match (am, pm) {
        (Some(_), Some(_))
            if used.first_am == used.first_pm
                && used.mornings == am_span
                && used.evenings == pm_span =>
        {
            format!("every morning and evening{}", from(used.first_am))
        }
        (Some(am), Some(pm)) => format!("{am}; {pm}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => String::new(),
    }
}

/// Why a usable product never went into a routine.
#[allow(clippy::too_many_arguments)]
fn unused_reason(
    knowledge: &Knowledge,
    days: &[Day<'_>],
    context: &Context<'_>,
    owned: Owned<'_>,
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
    index: usize,
) -> String {
    let product = &owned.products[index];
    if product.uses.is_empty() {
        if product.for_body {
            return "it is made for the body, hands or feet: on the face, use a face product instead"
                .to_string();
        }
        return match product.kind {
            ProductKind::Tool => "it is a tool, not a skincare step".to_string(),
            kind => format!(
                "regimen does not plan {} products yet",
                kind.id().replace('_', " ")
            ),
        };
    }
    // Families that allow no routine at all, or clash inside the product.
    let times: Vec<(&str, crate::vocab::ServingTime)> = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .map(|f| (f.name.as_str(), f.time_for(product.leave_on)))
        .collect();
    let morning = times.iter().all(|(_, t)| t.in_am());
    let evening = times.iter().all(|(_, t)| t.in_pm());
    if !morning && !evening {
        let names: Vec<String> = times.iter().map(|(n, _)| n.to_lowercase()).collect();
        return format!(
            "what it contains cannot share one routine: {} go on at different times of day",
            names.join(" and ")
        );
    }
    let (cap, approach) = (context.cap, context.approach);
    if product.can(Step::Mask) {
        if approach == Approach::Serums {
            return "your plan has no masks: your goal is long-term change, which serums do best"
                .to_string();
        }
        return match &product.mask_type {
            Some(mask_type) if masks.picks.iter().any(|p| &p.mask.id == mask_type) => {
                format!("another {mask_type} mask is already in your plan")
            }
            Some(mask_type) => format!(
                "{mask_type} masks do not suit your skin and concerns as well as the ones in your plan"
            ),
            None => "its mask type is not in your plan".to_string(),
        };
    }
    // A strong active whose patch-test week ends after this plan.
    if let Some(family) = product
        .families
        .iter()
        .find(|f| context.late.contains(&f.as_str()))
        .and_then(|f| knowledge.family(f))
    {
        return format!(
            "it waits for its patch-test week ({}), which ends after this plan: patch-test it now, and plan the next weeks to use it",
            family.label()
        );
    }
    if product.can(Step::Serum) && !product.can(Step::Moisturize) {
        let active = product
            .families
            .iter()
            .find_map(|family| knowledge.actives.iter().find(|a| &a.family == family));
        return match active {
            Some(active) if serums.iter().any(|s| s.active.id == active.id) => {
                let family = knowledge
                    .family(&active.family)
                    .map_or(active.name.clone(), crate::knowledge::Family::label);
                format!("another product already brings {family}")
            }
            Some(active) if !context.room.fits(active) => format!(
                "its {} goes on in the {}: {}",
                active.name,
                routines_word(active.time),
                context.room.no_time(active.time)
            ),
            Some(_) if serums.len() >= cap => {
                format!("your plan already has {cap} serums, as many as suit your skin at a time")
            }
            Some(active) => format!("its {} is not needed for your concerns", active.name),
            None => "regimen finds no active it plans with in it".to_string(),
        };
    }
    let ramped: Vec<&str> = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .filter(|f| f.ramped() && product.leave_on)
        .map(|f| f.name.as_str())
        .collect();
    if !ramped.is_empty() {
        return format!(
            "its {} nights are all taken by the plan's own {}, and it does not go with what the other nights hold",
            ramped.join(" and ").to_lowercase(),
            ramped.join(" and ").to_lowercase()
        );
    }
    let step = product.uses[0];
    // Which of the two it is: another of the person's products does the step, or what
    // this one carries never found a routine it could join.
    let other = days
        .iter()
        .flat_map(Day::steps)
        .filter(|s| s.step == step)
        .find_map(|s| s.product.as_deref().filter(|name| *name != product.name));
    match other {
        Some(name) => format!(
            "{name} already does the {} step",
            step.id().replace('_', " ")
        ),
        None if product.families.is_empty() => format!(
            "the {} step is already done in every routine of your plan",
            step.id().replace('_', " ")
        ),
        None => {
            let names: Vec<String> = product
                .families
                .iter()
                .filter_map(|f| knowledge.family(f))
                .map(crate::knowledge::Family::label)
                .collect();
            format!(
                "what it carries ({}) does not go with the rest of your routines",
                names.join(", ")
            )
        }
    }
}

/// Steps of the plan that some routine does without a product of the person's.
fn missing(
    owned: Owned<'_>,
    days: &[Day<'_>],
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
) -> Vec<Missing> {
    let mut missing = Vec::new();
    let lacks = |step: Step, morning: bool| {
        days.iter().any(|day| {
            let routine = if morning { &day.am } else { &day.pm };
            routine
                .iter()
                .any(|s| s.step == step && s.product.is_none() && s.active.is_none())
        })
    };
    let low_spf = days.iter().flat_map(|d| &d.am).any(|s| {
        s.step == Step::Sunscreen
            && s.product
                .as_deref()
                .and_then(|name| owned.products.iter().find(|p| p.name == name))
                .is_some_and(|p| p.spf.is_some_and(|spf| spf < 30))
    });
    let base_needs = [
        (Step::Cleanse, ProductKind::Cleanser, "a gentle cleanser"),
        (Step::Moisturize, ProductKind::Moisturizer, "a moisturizer"),
    ];
    for (step, kind, what) in base_needs {
        let (am, pm) = (lacks(step, true), lacks(step, false));
        let when = match (am, pm) {
            (true, true) => "morning and evening",
            (true, false) => "for the mornings",
            (false, true) => "for the evenings",
            (false, false) => continue,
        };
        missing.push(Missing {
            kind,
            active: None,
            mask_type: None,
            text: format!("{what}, {when}"),
        });
    }
    if lacks(Step::Sunscreen, true) || low_spf {
        let why = if low_spf {
            " (yours is below SPF 30)"
        } else {
            ""
        };
        missing.push(Missing {
            kind: ProductKind::Sunscreen,
            active: None,
            mask_type: None,
            text: format!("a broad-spectrum sunscreen (SPF 30+), every morning{why}"),
        });
    }
    // A serum whose step goes without a product on some day (no product carries it,
    // or the one that does could not go there) is to get.
    for pick in serums {
        let bare = days.iter().flat_map(Day::steps).any(|s| {
            s.step == Step::Serum
                && s.active == Some(pick.active.id.as_str())
                && s.product.is_none()
        });
        if bare {
            missing.push(Missing {
                kind: ProductKind::Serum,
                active: Some(pick.active.id.clone()),
                mask_type: None,
                text: format!("a serum with {}: {}", pick.active.name, pick.active.purpose),
            });
        }
    }
    // A mask type is to get when the person has none, or when its evenings go on
    // without theirs on some days (it waits for its patch-test turn, or its actives
    // may not go on beside that night's), as for serums.
    for pick in &masks.picks {
        let bare = days.iter().flat_map(Day::steps).any(|s| {
            s.step == Step::Mask
                && s.mask_type == Some(pick.mask.id.as_str())
                && s.product.is_none()
        });
        let mask = with_article(&pick.mask.name.to_lowercase());
        let text = match owned.mask_for(&pick.mask.id) {
            None => format!("{mask}: {}", pick.mask.purpose),
            Some(_) if !bare => continue,
            Some(product) => format!(
                "{mask} for the evenings {} cannot go on (before its patch-test turn, or beside that night's actives): {}",
                owned.name(product),
                pick.mask.purpose
            ),
        };
        missing.push(Missing {
            kind: ProductKind::Mask,
            active: None,
            mask_type: Some(pick.mask.id.clone()),
            text,
        });
    }
    missing
}

/// "a clay mask", "an overnight mask".
fn with_article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}
