//! Choosing the mask types: those that suit the person's skin, needs, avoid list and
//! evening, best first (a type they own wins a tie), the weekly budget shared among
//! them, and a glow mask for an event.

use super::super::choices::{MaskPick, MaskPicks};
use super::super::context::{rule, Planning};
use super::super::safety::judge_mask;
use crate::knowledge::{MaskBudget, MaskType, Removal};
use crate::plan::{Reason, Warnings};
use crate::vocab::{Routine, Step, WarningCode};
use std::borrow::Cow;

/// The minutes of an evening with this mask: cleanse, the person's prescriptions, the
/// mask and its removal, the main serum (with serums; the time budget keeps it before a
/// mask) and the moisturizer.
pub(super) fn mask_evening(planning: &Planning<'_, '_>, mask: &MaskType, with_serums: bool) -> u16 {
    let knowledge = planning.knowledge;
    let minutes = |step: Step| knowledge.step(step).minutes;
    let removal = if mask.removal == Removal::None {
        0
    } else {
        minutes(Step::RemoveMask)
    };
    let serum = if with_serums { minutes(Step::Serum) } else { 0 };
    minutes(Step::Cleanse)
        + planning.room.prescribed(Routine::Pm)
        + mask.minutes
        + removal
        + serum
        + minutes(Step::Moisturize)
}

/// Chooses the mask types and shares the person's weekly mask budget among them.
pub(super) fn choose_masks<'k>(
    planning: &Planning<'_, 'k>,
    with_serums: bool,
    warnings: &mut Warnings<'k>,
) -> MaskPicks<'k> {
    let Some((budget, per_week)) = weekly_budget(planning, with_serums, warnings) else {
        return MaskPicks::default();
    };
    let candidates = candidates(planning, with_serums);
    let kinds = if per_week >= 2 { 2 } else { 1 };
    let positive = candidates.iter().filter(|(_, s)| *s > 0).count();
    let take = if positive == 0 {
        1
    } else {
        positive.min(kinds)
    };
    // One strong mask at most (an exfoliating mask or a scrub): two would exfoliate twice.
    let strong_tags = &planning.knowledge.limits.strong_mask_tags;
    let strong = |m: &MaskType| strong_tags.iter().any(|t| m.has_tag(t));
    let mut picks: Vec<MaskPick<'k>> = Vec::new();
    for (mask, _) in &candidates {
        if picks.len() >= take {
            break;
        }
        if strong(mask) && picks.iter().any(|p| strong(p.mask)) {
            continue;
        }
        picks.push(pick(planning, mask, budget));
    }
    share(planning, &mut picks, per_week);
    if planning.situation.has_event {
        add_event_mask(planning, &mut picks, &candidates);
    }
    if per_week < budget.per_week {
        for pick in &mut picks {
            pick.reasons
                .push(Reason::cited(rule(planning.knowledge, "masks_with_serums")));
        }
    }
    MaskPicks { picks, per_week }
}

/// The person's mask budget (the first rule that matches their situation) and the masks
/// a week it allows: with serums, 1-2 (rule masks_with_serums). A wish for more than the
/// budget allows is said, with why.
fn weekly_budget<'k>(
    planning: &Planning<'_, 'k>,
    with_serums: bool,
    warnings: &mut Warnings<'k>,
) -> Option<(&'k MaskBudget, u8)> {
    let knowledge = planning.knowledge;
    let mut matching = knowledge
        .mask_budgets
        .iter()
        .filter(|b| b.when.matches(&planning.situation));
    let budget = matching.next()?;
    let per_week = if with_serums {
        budget
            .per_week
            .min(knowledge.limits.masks_per_week_with_serums)
    } else {
        budget.per_week
    };
    if let Some(wish) = matching
        .filter(|b| b.per_week > budget.per_week)
        .max_by_key(|b| b.per_week)
    {
        let masks = if budget.per_week == 1 {
            "mask"
        } else {
            "masks"
        };
        let text = format!(
            "{} {masks} a week rather than {}: {}",
            budget.per_week, wish.per_week, budget.text
        );
        let citation = knowledge
            .cite(&budget.id)
            .unwrap_or(rule(knowledge, "safer_wins"));
        warnings.add(WarningCode::SaferWins, citation, Cow::Owned(text), None);
    }
    Some((budget, per_week))
}

/// The mask types that suit the person (skin, sensitivity, avoid list, evening time),
/// with their fit to the person's needs and skin type, best first; on a tie, a type the
/// person owns (owning one adds to its fit, rule shelf_first).
fn candidates<'k>(planning: &Planning<'_, 'k>, with_serums: bool) -> Vec<(&'k MaskType, i32)> {
    let (knowledge, profile) = (planning.knowledge, planning.profile);
    let limits = &knowledge.limits;
    let owned = planning.owned();
    let score = |mask: &MaskType| -> i32 {
        let concerns: i32 = planning
            .needs
            .iter()
            .map(|n| i32::from(mask.concerns.get(&n.concern).copied().unwrap_or(0)))
            .sum();
        concerns
            + i32::from(
                mask.skin_types
                    .get(&profile.skin_type)
                    .copied()
                    .unwrap_or(0),
            )
    };
    let mut candidates: Vec<(&'k MaskType, i32)> = knowledge
        .mask_types
        .iter()
        .filter(|m| judge_mask(planning.knowledge, profile, planning.reading, m).is_ok())
        .filter(|m| !profile.sensitive || limits.sensitive_mask_tags.iter().any(|t| m.has_tag(t)))
        .filter(|m| !m.own_only || owned.mask_for(&m.id).is_some())
        .filter(|m| {
            mask_evening(planning, m, with_serums)
                <= profile.minutes_pm.map_or(u16::MAX, |b| b.get())
        })
        .map(|m| (m, score(m)))
        .filter(|(_, s)| *s >= 0)
        .map(|(m, s)| {
            let bonus = if owned.mask_for(&m.id).is_some() {
                limits.owned_bonus
            } else {
                0
            };
            (m, s + bonus)
        })
        .collect();
    candidates.sort_by_key(|(m, s)| (std::cmp::Reverse(*s), owned.mask_for(&m.id).is_none()));
    candidates
}

/// A chosen mask type with its reasons: what it does for the person's needs (or skin),
/// the product of theirs that is one, the budget, and soothing masks for sensitive skin.
fn pick<'k>(
    planning: &Planning<'_, 'k>,
    mask: &'k MaskType,
    budget: &'k MaskBudget,
) -> MaskPick<'k> {
    let (knowledge, profile) = (planning.knowledge, planning.profile);
    let owned = planning.owned();
    let matched: Vec<String> = planning
        .needs
        .iter()
        .filter(|n| mask.concerns.get(&n.concern).is_some_and(|s| *s > 0))
        .map(|n| n.describe(profile))
        .collect();
    let why = if matched.is_empty() {
        format!(
            "{}: {}, a good fit for {} skin.",
            mask.name, mask.purpose, profile.skin_type
        )
    } else {
        format!(
            "{}: {}, for {}.",
            mask.name,
            mask.purpose,
            matched.join(" and ")
        )
    };
    let citation = knowledge
        .cite(mask.fact.as_deref().unwrap_or(&mask.id))
        .unwrap_or(rule(knowledge, "mask_type_limit"));
    let mut reasons = vec![Reason::personal(citation, why)];
    if let Some(product) = owned.mask_for(&mask.id) {
        let text = format!(
            "You own {}, a {}.",
            owned.name(product),
            mask.name.to_lowercase()
        );
        reasons.push(Reason::personal(rule(knowledge, "shelf_first"), text));
    }
    if let Some(citation) = knowledge.cite(&budget.id) {
        reasons.push(Reason::cited(citation));
    }
    if profile.sensitive {
        reasons.push(Reason::cited(rule(knowledge, "sensitive_soothing_masks")));
    }
    MaskPick {
        mask,
        per_week: 0,
        for_events: false,
        reasons,
    }
}

/// Shares the weekly budget round-robin, within each type's own limit.
fn share(planning: &Planning<'_, '_>, picks: &mut [MaskPick<'_>], per_week: u8) {
    let mut left = per_week;
    while left > 0 {
        let mut progressed = false;
        for pick in picks.iter_mut() {
            if left > 0 && pick.per_week < pick.mask.limit_for(planning.profile.skin_type) {
                pick.per_week += 1;
                left -= 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
}

/// With an event: a glow mask among the picks goes on before it, or one is added for it.
fn add_event_mask<'k>(
    planning: &Planning<'_, 'k>,
    picks: &mut Vec<MaskPick<'k>>,
    candidates: &[(&'k MaskType, i32)],
) {
    let knowledge = planning.knowledge;
    let tags = &knowledge.limits.event_mask_tags;
    let is_event_mask = |m: &MaskType| tags.iter().any(|t| m.has_tag(t));
    if let Some(pick) = picks.iter_mut().find(|p| is_event_mask(p.mask)) {
        pick.for_events = true;
        pick.reasons
            .push(Reason::cited(rule(knowledge, "event_mask")));
    } else if let Some((mask, _)) = candidates.iter().find(|(m, _)| is_event_mask(m)) {
        picks.push(MaskPick {
            mask,
            per_week: 0,
            for_events: true,
            reasons: vec![Reason::cited(rule(knowledge, "event_mask"))],
        });
    }
}
