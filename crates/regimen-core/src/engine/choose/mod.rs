//! Choosing: the approach (the seed's decision rules), the mask types and the serum
//! actives, each with the reasons that cite their rules, and which of the person's
//! products do which part. The result is a [`Choices`], the hand-off to pacing and
//! scheduling.

mod masks;
mod serums;

use super::choices::{Assignment, Choices, MaskPicks, Owned, PrescribedUse, SerumPick};
use super::context::{rule, Planning};
use super::safety::{judge_mask, kept_apart};
use crate::knowledge::{Knowledge, Situation, Treatment};
use crate::plan::{Reason, Warnings};
use crate::shelf::ShelfProduct;
use crate::vocab::{Approach, ProductKind, Routine, ServingTime, Step, WarningCode};
use std::borrow::Cow;

/// Chooses the approach, the masks and the serums, and assigns the person's products.
pub(super) fn choose<'k>(planning: &Planning<'_, 'k>, warnings: &mut Warnings<'k>) -> Choices<'k> {
    let knowledge = planning.knowledge;
    let (mut approach, mut reasons) = choose_approach(knowledge, &planning.situation);
    let mut masks = match approach {
        Approach::Masks | Approach::Both => {
            masks::choose_masks(planning, approach == Approach::Both, warnings)
        }
        Approach::Serums => MaskPicks::default(),
    };
    // The answer matches the plan: when no mask can fit (the evening's time, the avoid
    // list), the answer is serums, and it says why and what would make masks fit.
    if approach != Approach::Serums {
        if let Some(why) = masks_do_not_fit(planning, &masks, approach == Approach::Both) {
            let citation = rule(knowledge, "masks_do_not_fit");
            // First: it is why the answer is not the one the reasons after it lead to.
            reasons.insert(0, Reason::personal(citation, why.clone()));
            warnings.add(WarningCode::MasksDoNotFit, citation, Cow::Owned(why), None);
            approach = Approach::Serums;
            masks = MaskPicks::default();
        }
    }
    let serums = match approach {
        Approach::Serums | Approach::Both => serums::choose_serums(planning, warnings),
        Approach::Masks => Vec::new(),
    };
    let assignment = assign(knowledge, planning.owned(), &serums, &masks);
    if approach == Approach::Masks {
        reasons.push(Reason::cited(rule(knowledge, "masks_supplement")));
    }
    Choices {
        approach,
        reasons,
        serums,
        masks,
        assignment,
    }
}

fn choose_approach<'k>(
    knowledge: &'k Knowledge,
    situation: &Situation<'_>,
) -> (Approach, Vec<Reason<'k>>) {
    let mut masks = false;
    let mut serums = false;
    let mut reasons = Vec::new();
    let mut both_cited = false;
    for approach_rule in &knowledge.approach_rules {
        if approach_rule.when.matches(situation) {
            both_cited |= approach_rule.adds.contains(&Treatment::Masks)
                && approach_rule.adds.contains(&Treatment::Serums);
            masks |= approach_rule.adds.contains(&Treatment::Masks);
            serums |= approach_rule.adds.contains(&Treatment::Serums);
            if let Some(citation) = knowledge.cite(&approach_rule.id) {
                reasons.push(Reason::cited(citation));
            }
        }
    }
    let approach = match (masks, serums) {
        (true, false) => Approach::Masks,
        (false, true) => Approach::Serums,
        _ => Approach::Both,
    };
    if approach == Approach::Both && !both_cited {
        reasons.push(Reason::cited(rule(knowledge, "choose_both")));
    }
    (approach, reasons)
}

/// Why no mask can go in this person's plan, if none can (no mask type that suits them
/// fits their evening, or suits their skin and avoid list at all), saying what would
/// make masks fit.
fn masks_do_not_fit(
    planning: &Planning<'_, '_>,
    masks: &MaskPicks<'_>,
    with_serums: bool,
) -> Option<String> {
    let (knowledge, profile) = (planning.knowledge, planning.profile);
    if !masks.picks.is_empty() {
        return None;
    }
    let shortest = knowledge
        .mask_types
        .iter()
        .filter(|m| !m.own_only)
        .filter(|m| judge_mask(planning.knowledge, profile, planning.reading, m).is_ok())
        .map(|m| masks::mask_evening(planning, m, with_serums))
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

/// Assigns usable shelf products to the plan.
fn assign(
    knowledge: &Knowledge,
    owned: Owned<'_>,
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
) -> Assignment {
    let serum_carriers = owned.carriers_of(knowledge, serums);
    let (prescribed, held) = prescribed(knowledge, owned);
    let mut base = Vec::new();
    for step in [Step::Cleanse, Step::Moisturize, Step::Sunscreen] {
        let mut products: Vec<(usize, &ShelfProduct)> =
            owned.usable().filter(|(_, p)| p.can(step)).collect();
        if step == Step::Sunscreen {
            // SPF 30 or more first, a sunscreen before an SPF moisturizer, then the highest.
            products.sort_by_key(|(_, p)| {
                let spf = p.spf.unwrap_or(0);
                (
                    spf < 30,
                    p.kind != ProductKind::Sunscreen,
                    std::cmp::Reverse(spf),
                )
            });
        } else {
            // A product that brings an active before a plain one: where its active may
            // not go, the scheduler moves on to the next.
            products.sort_by_key(|(_, p)| p.families.is_empty());
        }
        base.push((step, products.into_iter().map(|(i, _)| i).collect()));
    }
    let ramped = |product: &ShelfProduct| {
        product.leave_on
            && product
                .families
                .iter()
                .filter_map(|f| knowledge.family(f))
                .any(|f| f.ramped())
    };
    let units = owned
        .usable()
        .filter(|(i, p)| ramped(p) && !serum_carriers.iter().flatten().any(|(c, _)| c == i))
        .filter_map(|(i, p)| {
            [Step::Moisturize, Step::Cleanse]
                .into_iter()
                .find(|step| p.can(*step))
                .map(|step| (i, step))
        })
        .collect();
    Assignment {
        serums: serum_carriers,
        masks: masks
            .picks
            .iter()
            .map(|pick| owned.mask_for(&pick.mask.id))
            .collect(),
        base,
        units,
        prescribed,
        held,
    }
}

/// The person's prescriptions, each with its routines and step, none beside another
/// that a rule keeps apart from it (rule rx_kept_apart: benzoyl peroxide and
/// tretinoin, two retinoids, two medicated washes): the later one goes in a routine
/// the gate allows it that the earlier does not take, or the earlier moves, else (or
/// when both are of one kind) the two take turns, every other day; the plan says to ask the prescriber. Only one with
/// no turn left (a third of one kind) is held back, with the one it waits for.
fn prescribed(
    knowledge: &Knowledge,
    owned: Owned<'_>,
) -> (Vec<PrescribedUse>, Vec<(usize, usize)>) {
    let mut placed: Vec<PrescribedUse> = Vec::new();
    let mut held: Vec<(usize, usize)> = Vec::new();
    let apart = |a: &PrescribedUse, b: &PrescribedUse| {
        (a.step == Step::Cleanse && b.step == Step::Cleanse)
            || kept_apart(
                knowledge,
                &owned.products[a.product],
                &owned.products[b.product],
            )
            .is_some()
    };
    for (index, product, time) in owned.prescribed() {
        let (Some(time), Some(&step)) = (time, product.uses.first()) else {
            continue;
        };
        let mut new = PrescribedUse {
            product: index,
            time,
            step,
            every_other: None,
        };
        // Tried on a copy: if no turn is left, the others stay as they were.
        let mut tried = placed.clone();
        for other in tried.iter_mut() {
            if other.time.intersect(new.time).is_some() && apart(other, &new) {
                make_room(knowledge, owned, other, &mut new);
            }
        }
        let blocker = |uses: &[PrescribedUse], new: &PrescribedUse| {
            uses.iter()
                .find(|other| other.meets(new) && apart(other, new))
                .map(|other| other.product)
        };
        let Some(blocked_by) = blocker(&tried, &new) else {
            tried.push(new);
            placed = tried;
            continue;
        };
        // With no turn left, it keeps the routines no prescription kept apart from it
        // takes (one of its kind in the mornings, this one in the evenings: one
        // label's dose a day), with the others as they were; else it is held back.
        let narrowed = Routine::ALL
            .into_iter()
            .filter(|r| {
                placed
                    .iter()
                    .any(|other| other.time.includes(*r) && apart(other, &new))
            })
            .try_fold(time, |time, r| time.without(r))
            .map(|time| PrescribedUse {
                time,
                every_other: None,
                ..new
            })
            .filter(|narrowed| blocker(&placed, narrowed).is_none());
        match narrowed {
            Some(narrowed) => placed.push(narrowed),
            None => held.push((index, blocked_by)),
        }
    }
    (placed, held)
}

/// Keeps a new prescription apart from one placed before it: the new one moves to a
/// routine the gate allows it that the other leaves free, or the other moves, else
/// (or when both are of one kind: in two routines, the day would hold both doses)
/// they take turns in the routines they share.
fn make_room(
    knowledge: &Knowledge,
    owned: Owned<'_>,
    other: &mut PrescribedUse,
    new: &mut PrescribedUse,
) {
    let same_kind = kept_apart(
        knowledge,
        &owned.products[other.product],
        &owned.products[new.product],
    )
    .is_some_and(|rule| rule == "one_strong_per_routine");
    // The routines the gate allows a product that another's time leaves free.
    let free = |index: usize, taken: ServingTime| {
        owned.verdicts[index]
            .times
            .filter(|_| !same_kind)
            .and_then(|time| {
                Routine::ALL
                    .into_iter()
                    .filter(|r| taken.includes(*r))
                    .try_fold(time, |time, r| time.without(r))
            })
    };
    if let Some(time) = free(new.product, other.time) {
        new.time = time;
    } else if let Some(time) = free(other.product, new.time).filter(|_| other.every_other.is_none())
    {
        other.time = time;
    } else if let (Some(shared), None) = (other.time.intersect(new.time), new.every_other) {
        let (routines, parity) = other.every_other.unwrap_or((shared, 0));
        let routines = if routines == shared {
            shared
        } else {
            ServingTime::AmPm
        };
        other.every_other = Some((routines, parity));
        new.every_other = Some((routines, 1 - parity));
    }
}
