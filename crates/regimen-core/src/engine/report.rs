//! What the plan did with the person's products: what each one does and when, why each
//! of the others stayed out, and what the plan still needs that the shelf lacks.

use super::choices::{Choices, MaskPicks, Owned, SerumPick};
use super::context::{routines_word, Planning};
use super::pace::Paced;
use crate::knowledge::Family;
use crate::plan::{Day, Instead, Missing, NotPlaced, Placed, ShelfReport};
use crate::shelf::ShelfProduct;
use crate::vocab::{Approach, Goal, ProductKind, Step};

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

/// What became of each shelf product, and what the plan still needs.
pub(super) fn shelf_report(
    planning: &Planning<'_, '_>,
    choices: &Choices<'_>,
    paced: &Paced<'_>,
) -> ShelfReport {
    let (knowledge, owned, days) = (planning.knowledge, planning.owned(), &paced.days);
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
        let why = unused(planning, choices, paced, index);
        report.not_placed.push(NotPlaced {
            name: product.name.clone(),
            reason: why.reason,
            rule: why.rule.to_string(),
            instead: why.instead,
        });
    }
    report.missing = missing(owned, days, &choices.serums, &choices.masks);
    // The sunscreen a person rule asks for (tinted, with iron oxides), when there is one.
    if let Some(words) = knowledge
        .person_rules(&planning.situation)
        .into_iter()
        .find_map(|r| r.sunscreen.as_deref())
    {
        for to_get in report
            .missing
            .iter_mut()
            .filter(|m| m.kind == ProductKind::Sunscreen)
        {
            to_get.text = to_get.text.replacen("a broad-spectrum sunscreen", words, 1);
        }
    }
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

/// Why a product never went into a routine, the rule behind it, and what does its part
/// instead: each claim is read from the plan's days, so it holds.
struct Unused {
    reason: String,
    rule: String,
    instead: Option<Instead>,
}

impl Unused {
    fn new(rule: &str, reason: String) -> Unused {
        Unused {
            reason,
            rule: rule.to_string(),
            instead: None,
        }
    }
}

/// Why a product never went into a routine.
fn unused(
    planning: &Planning<'_, '_>,
    choices: &Choices<'_>,
    paced: &Paced<'_>,
    index: usize,
) -> Unused {
    let product = &planning.as_read()[index];
    let verdict = &planning.verdicts[index];
    if let Some(refusal) = &verdict.refusal {
        return Unused::new(refusal.rule, refusal.reason.clone());
    }
    if let Some((_, other)) = choices.assignment.held.iter().find(|(p, _)| *p == index) {
        return Unused::new(
            "rx_kept_apart",
            format!(
                "{} and your other prescriptions of its kind already take every routine it could go in, and a rule keeps them apart: ask your prescriber which to use",
                planning.as_read()[*other].name
            ),
        );
    }
    let as_directed = verdict.prescribed.filter(|p| p.time.is_none());
    if let Some(prescription) = as_directed.filter(|_| !product.uses.is_empty()) {
        let says = verdict
            .notes
            .iter()
            .find(|(rule, _)| *rule == prescription.rule)
            .map(|(_, says)| (*says).to_string())
            .or_else(|| {
                planning
                    .knowledge
                    .cite(prescription.rule)
                    .map(|c| c.text.to_string())
            })
            .unwrap_or_else(|| "use it only as your prescriber directs".to_string());
        return Unused::new(prescription.rule, says);
    }
    if product.uses.is_empty() {
        let reason = if product.for_body {
            "it is made for the body, hands or feet: on the face, use a face product instead"
                .to_string()
        } else if product.kind == ProductKind::Tool {
            "it is a tool, not a skincare step".to_string()
        } else {
            format!(
                "regimen does not plan {} products yet",
                product.kind.id().replace('_', " ")
            )
        };
        return Unused::new("product_by_contents", reason);
    }
    let gated = &planning.shelf()[index];
    if gated.can(Step::Mask) {
        return unused_mask(planning, choices, paced, gated);
    }
    // A strong active whose patch-test week ends after this plan.
    let knowledge = planning.knowledge;
    if let Some(family) = gated
        .families
        .iter()
        .find(|f| paced.late.contains(&f.as_str()))
        .and_then(|f| knowledge.family(f))
    {
        return Unused::new(
            "pacing",
            format!(
                "it waits for its patch-test week ({}), which ends after this plan: patch-test it now, and plan the next weeks to use it",
                family.label()
            ),
        );
    }
    // Another product, or the plan's own serum, brings what it carries.
    if let Some(why) = brought(planning, &paced.days, gated) {
        return why;
    }
    if gated.can(Step::Serum) && !gated.can(Step::Moisturize) {
        return unused_serum(planning, choices, gated);
    }
    unused_step(planning, &paced.days, gated)
}

/// A family the product carries (strong ones first) that some routine of the plan brings
/// by another product or by the plan's own serum, named.
fn brought(
    planning: &Planning<'_, '_>,
    days: &[Day<'_>],
    product: &ShelfProduct,
) -> Option<Unused> {
    let knowledge = planning.knowledge;
    let mut families: Vec<&Family> = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .filter(|f| f.strong)
        .collect();
    families.sort_by_key(|f| !f.ramped());
    for family in families {
        let by = days.iter().flat_map(Day::steps).find_map(|step| {
            let other = step
                .product
                .as_deref()
                .filter(|name| *name != product.name)
                .and_then(|name| planning.shelf().iter().find(|p| p.name == name))
                .filter(|p| p.treats(&family.id))
                .map(|p| p.name.clone());
            let serum = step
                .active
                .and_then(|a| knowledge.active(a))
                .filter(|a| a.family == family.id && step.product.is_none())
                .map(|a| a.name.clone());
            other.or(serum)
        });
        if let Some(by) = by {
            return Some(Unused {
                reason: format!("{by} already brings {} in your plan", family.label()),
                rule: "one_strong_per_routine".to_string(),
                instead: Some(Instead::Family {
                    family: family.id.clone(),
                    by,
                }),
            });
        }
    }
    None
}

/// Why a mask of the person's stayed out.
fn unused_mask(
    planning: &Planning<'_, '_>,
    choices: &Choices<'_>,
    paced: &Paced<'_>,
    product: &ShelfProduct,
) -> Unused {
    if choices.approach == Approach::Serums {
        let reason = if planning.profile.goal == Goal::LongTerm {
            "your plan has no masks: your goal is long-term change, which serums do best"
        } else {
            "your plan has no masks: no mask type fits your evenings, your skin and your avoid list (the plan says why)"
        };
        return Unused::new("masks_do_not_fit", reason.to_string());
    }
    let Some(mask_type) = product.mask_type.as_deref() else {
        return Unused::new(
            "mask_type_limit",
            "its mask type is not in your plan".to_string(),
        );
    };
    let name = planning
        .knowledge
        .mask_type(mask_type)
        .map_or(mask_type.to_string(), |m| m.name.to_lowercase());
    let Some(pick) = choices
        .masks
        .picks
        .iter()
        .position(|p| p.mask.id == mask_type)
    else {
        return Unused::new(
            "mask_type_limit",
            format!("{name}s do not suit your skin and concerns as well as the ones in your plan"),
        );
    };
    if paced.late_masks.contains(&pick) {
        return Unused::new(
            "strong_masks",
            "it waits for its patch-test week, which ends after this plan: patch-test it now, and plan the next weeks to use it".to_string(),
        );
    }
    let by = paced.days.iter().flat_map(|d| &d.pm).find_map(|s| {
        s.product
            .as_deref()
            .filter(|p| s.mask_type == Some(mask_type) && *p != product.name)
    });
    match by {
        Some(by) => Unused {
            reason: format!("{by} is the {name} of your plan"),
            rule: "mask_type_limit".to_string(),
            instead: Some(Instead::Mask {
                mask_type: mask_type.to_string(),
                by: by.to_string(),
            }),
        },
        None => Unused::new(
            "masks_apart",
            format!(
                "no evening of this plan has room for a {name}: your weekly masks, the nights before and after another mask, and the rules of what goes on that night leave none"
            ),
        ),
    }
}

/// Why a product for the serum step stayed out, when nothing else brings what it does.
fn unused_serum(
    planning: &Planning<'_, '_>,
    choices: &Choices<'_>,
    product: &ShelfProduct,
) -> Unused {
    let knowledge = planning.knowledge;
    let active = product
        .families
        .iter()
        .find_map(|family| knowledge.actives.iter().find(|a| &a.family == family));
    let Some(active) = active else {
        let carried: Vec<String> = product
            .families
            .iter()
            .filter_map(|f| knowledge.family(f))
            .map(Family::label)
            .collect();
        let reason = if carried.is_empty() {
            "regimen finds no active it plans with in it".to_string()
        } else {
            format!(
                "what it carries ({}) is not needed for your concerns",
                carried.join(", ")
            )
        };
        return Unused::new("serum_limit", reason);
    };
    if !planning.room.fits(active) {
        return Unused::new(
            "time_budget",
            format!(
                "its {} goes on in the {}: {}",
                active.name,
                routines_word(active.time),
                planning.room.no_time(active.time)
            ),
        );
    }
    if choices.serums.len() >= planning.cap {
        return Unused::new(
            "serum_limit",
            format!(
                "your plan already has {} serums, as many as suit your skin at a time",
                planning.cap
            ),
        );
    }
    if choices
        .serums
        .iter()
        .any(|s| s.active.family == active.family)
    {
        return Unused::new(
            "safer_wins",
            format!(
                "its {} has no routine it may go in beside the rest of your plan",
                active.name
            ),
        );
    }
    Unused::new(
        "serum_limit",
        format!("its {} is not needed for your concerns", active.name),
    )
}

/// Why a product for a base step (or one on its own nights) stayed out.
fn unused_step(planning: &Planning<'_, '_>, days: &[Day<'_>], product: &ShelfProduct) -> Unused {
    let knowledge = planning.knowledge;
    let ramped: Vec<&str> = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .filter(|f| f.ramped() && product.leave_on)
        .map(|f| f.name.as_str())
        .collect();
    if !ramped.is_empty() {
        return Unused::new(
            "product_by_contents",
            format!(
                "its {} nights found no evening where it goes with what the evening holds",
                ramped.join(" and ").to_lowercase()
            ),
        );
    }
    let step = product.uses[0];
    // Another of the person's products does the step, or what this one carries never
    // found a routine it could join.
    let other = days
        .iter()
        .flat_map(Day::steps)
        .filter(|s| s.step == step)
        .find_map(|s| s.product.as_deref().filter(|name| *name != product.name));
    match other {
        Some(name) => Unused {
            reason: format!(
                "{name} already does the {} step",
                step.id().replace('_', " ")
            ),
            rule: "shelf_first".to_string(),
            instead: Some(Instead::Step {
                step,
                by: name.to_string(),
            }),
        },
        None if product.families.is_empty() => Unused::new(
            "step_order",
            format!(
                "the {} step of your plan goes on without a product where it could go",
                step.id().replace('_', " ")
            ),
        ),
        None => {
            let names: Vec<String> = product
                .families
                .iter()
                .filter_map(|f| knowledge.family(f))
                .map(Family::label)
                .collect();
            Unused::new(
                "safer_wins",
                format!(
                    "what it carries ({}) does not go with the rest of your routines",
                    names.join(", ")
                ),
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
