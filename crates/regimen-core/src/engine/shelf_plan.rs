//! The person's products in the plan: which one does which step, and what the plan
//! says about the rest (left out, and why; kinds of product still missing).

use super::choose::{MaskPicks, Owned, SerumPick, SERUM_KINDS};
use crate::knowledge::Knowledge;
use crate::profile::Profile;
use crate::shelf::{Assignment, Missing, NotPlaced, Placed, ShelfReport};
use crate::vocab::{Approach, ProductKind, Step};

/// Assigns usable shelf products to the plan's steps.
pub(super) fn assign(
    owned: Owned<'_>,
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
) -> Assignment {
    let first_of = |kind: ProductKind| owned.usable().find(|(_, p)| p.kind == kind).map(|(i, _)| i);
    let mut base = Vec::new();
    if let Some(product) = first_of(ProductKind::Cleanser) {
        base.push((Step::Cleanse, product));
    }
    if let Some(product) = first_of(ProductKind::Moisturizer) {
        base.push((Step::Moisturize, product));
    }
    let sunscreen = first_of(ProductKind::Sunscreen).or_else(|| {
        owned
            .usable()
            .find(|(_, p)| {
                p.kind == ProductKind::Moisturizer
                    && p.families.iter().any(|f| f == "sunscreen_filter")
            })
            .map(|(i, _)| i)
    });
    if let Some(product) = sunscreen {
        base.push((Step::Sunscreen, product));
    }
    Assignment {
        base,
        serums: serums
            .iter()
            .map(|pick| owned.serum_for(&pick.active.family))
            .collect(),
        masks: masks
            .picks
            .iter()
            .map(|pick| owned.mask_for(&pick.mask.id))
            .collect(),
    }
}

/// What became of each shelf product, and what the plan still needs.
pub(super) fn report(
    knowledge: &Knowledge,
    profile: &Profile,
    approach: Approach,
    owned: Owned<'_>,
    assignment: &Assignment,
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
) -> ShelfReport {
    let mut report = ShelfReport::default();
    let cap = if profile.sensitive {
        knowledge.limits.serum_actives_max_sensitive
    } else {
        knowledge.limits.serum_actives_max
    };
    for (index, product) in owned.products.iter().enumerate() {
        let mut roles: Vec<String> = Vec::new();
        roles.extend(
            assignment
                .base
                .iter()
                .filter(|(_, p)| *p == index)
                .map(|(step, _)| step.id().to_string()),
        );
        for (pick, assigned) in serums.iter().zip(&assignment.serums) {
            if *assigned == Some(index) {
                roles.push(format!("serum ({})", pick.active.id));
            }
        }
        for (pick, assigned) in masks.picks.iter().zip(&assignment.masks) {
            if *assigned == Some(index) {
                roles.push(format!("mask ({})", pick.mask.id));
            }
        }
        if !roles.is_empty() {
            report.placed.push(Placed {
                name: product.name.clone(),
                role: roles.join(", "),
            });
            continue;
        }
        let reason = match owned.refused.get(index).cloned().flatten() {
            Some(reason) => reason,
            None => unused_reason(
                knowledge, approach, owned, assignment, serums, masks, cap, index,
            ),
        };
        report.not_placed.push(NotPlaced {
            name: product.name.clone(),
            reason,
        });
    }
    let base_needs = [
        (
            Step::Cleanse,
            ProductKind::Cleanser,
            "a gentle cleanser, morning and evening",
        ),
        (
            Step::Moisturize,
            ProductKind::Moisturizer,
            "a moisturizer, morning and evening",
        ),
        (
            Step::Sunscreen,
            ProductKind::Sunscreen,
            "a broad-spectrum sunscreen (SPF 30+), every morning",
        ),
    ];
    for (step, kind, text) in base_needs {
        if assignment.base_product(step).is_none() {
            report.missing.push(Missing {
                kind,
                active: None,
                mask_type: None,
                text: text.to_string(),
            });
        }
    }
    for (pick, assigned) in serums.iter().zip(&assignment.serums) {
        if assigned.is_none() {
            report.missing.push(Missing {
                kind: ProductKind::Serum,
                active: Some(pick.active.id.clone()),
                mask_type: None,
                text: format!(
                    "a serum with {} ({})",
                    pick.active.name, pick.active.purpose
                ),
            });
        }
    }
    for (pick, assigned) in masks.picks.iter().zip(&assignment.masks) {
        if assigned.is_none() {
            report.missing.push(Missing {
                kind: ProductKind::Mask,
                active: None,
                mask_type: Some(pick.mask.id.clone()),
                text: format!(
                    "a {} ({})",
                    pick.mask.name.to_lowercase(),
                    pick.mask.purpose
                ),
            });
        }
    }
    report
}

#[allow(clippy::too_many_arguments)]
fn unused_reason(
    knowledge: &Knowledge,
    approach: Approach,
    owned: Owned<'_>,
    assignment: &Assignment,
    serums: &[SerumPick<'_>],
    masks: &MaskPicks<'_>,
    cap: usize,
    index: usize,
) -> String {
    let product = &owned.products[index];
    let doing = |step: Step| assignment.base_product(step).map(|p| owned.name(p));
    match product.kind {
        kind if SERUM_KINDS.contains(&kind) => {
            let active = product
                .families
                .iter()
                .find_map(|family| knowledge.actives.iter().find(|a| &a.family == family));
            match active {
                Some(active) if serums.iter().any(|s| s.active.id == active.id) => {
                    format!("another product already brings {}", active.name)
                }
                Some(_) if serums.len() >= cap => {
                    format!("your plan already has {cap} serums, as many as suit your skin at a time")
                }
                Some(active) => format!("its {} is not needed for your concerns", active.name),
                None => "regimen finds no active it plans with in it".to_string(),
            }
        }
        ProductKind::Mask if approach == Approach::Serums => {
            "your plan has no masks: your goal is long-term change, which serums do best".to_string()
        }
        ProductKind::Mask => match &product.mask_type {
            Some(mask_type) if masks.picks.iter().any(|p| &p.mask.id == mask_type) => {
                format!("another {mask_type} mask is already in your plan")
            }
            Some(mask_type) => format!("{mask_type} masks do not suit your skin and concerns as well as the ones in your plan"),
            None => "its mask type is not in your plan".to_string(),
        },
        ProductKind::Cleanser => match doing(Step::Cleanse) {
            Some(other) => format!("{other} already does the cleanse step"),
            None => "regimen could not use it to cleanse".to_string(),
        },
        ProductKind::Moisturizer => match doing(Step::Moisturize) {
            Some(other) => format!("{other} already does the moisturize step"),
            None => "regimen could not use it to moisturize".to_string(),
        },
        ProductKind::Sunscreen => match doing(Step::Sunscreen) {
            Some(other) => format!("{other} already does the sunscreen step"),
            None => "regimen could not use it as sunscreen".to_string(),
        },
        kind => format!("regimen does not schedule {} products yet", kind.id().replace('_', " ")),
    }
}
