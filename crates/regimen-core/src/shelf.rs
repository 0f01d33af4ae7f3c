//! The person's own products in the plan: each shelf product is analysed once, refused
//! when it is unsafe for the person, and assigned to the steps it can do. The scheduler
//! then uses the product names in the routines and keeps a product out of any routine
//! where it would clash with what else goes on the skin.

use crate::analyzer::{Analyzer, Options};
use crate::knowledge::{Knowledge, Severity};
use crate::profile::Profile;
use crate::vocab::{ProductKind, Step};
use serde::Serialize;

/// A shelf product, analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShelfProduct {
    /// Its name.
    pub name: String,
    /// What it is (the person's word, else the analyzer's).
    pub kind: ProductKind,
    /// The mask type, for masks.
    pub mask_type: Option<String>,
    /// Families of the actives in it.
    pub families: Vec<String>,
    /// Flags raised for this person: (code, ingredient).
    pub flags: Vec<(String, String)>,
}

/// Analyses every product on the person's shelf.
pub fn analyze_shelf(analyzer: &Analyzer, profile: &Profile) -> Vec<ShelfProduct> {
    profile
        .shelf
        .iter()
        .map(|item| {
            let options = Options {
                name: Some(&item.name),
                profile: Some(profile),
                suggest: false,
            };
            let report = analyzer.analyze(&item.ingredients, &options);
            let mut families: Vec<String> = report
                .actives
                .iter()
                .map(|a| a.family.to_string())
                .collect();
            families.sort();
            families.dedup();
            ShelfProduct {
                name: item.name.clone(),
                kind: item.kind.unwrap_or(report.kind),
                mask_type: report.mask_type.map(str::to_string),
                families,
                flags: report
                    .flags
                    .iter()
                    .map(|f| (f.code.to_string(), f.inci.to_string()))
                    .collect(),
            }
        })
        .collect()
}

/// Which shelf product (index) does which step.
#[derive(Debug, Clone, Default)]
pub(crate) struct Assignment {
    /// Per base step (cleanse, moisturize, sunscreen).
    pub base: Vec<(Step, usize)>,
    /// Per serum pick.
    pub serums: Vec<Option<usize>>,
    /// Per mask pick.
    pub masks: Vec<Option<usize>>,
}

impl Assignment {
    /// The product doing a base step.
    pub fn base_product(&self, step: Step) -> Option<usize> {
        self.base.iter().find(|(s, _)| *s == step).map(|(_, p)| *p)
    }
}

/// What the plan did with the shelf.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShelfReport {
    /// Products in the plan, with the step they do.
    pub placed: Vec<Placed>,
    /// Products left out, with the reason.
    pub not_placed: Vec<NotPlaced>,
    /// Steps of the plan no shelf product does.
    pub missing: Vec<Missing>,
}

/// A product in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Placed {
    /// Product name.
    pub name: String,
    /// The step it does ("serum (niacinamide)", "cleanse").
    pub role: String,
}

/// A product left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotPlaced {
    /// Product name.
    pub name: String,
    /// Why, in plain words.
    pub reason: String,
}

/// A kind of product the plan needs and the shelf lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The kind of product.
    pub kind: ProductKind,
    /// For a serum, the active it should carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
    /// For a mask, its type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_type: Option<String>,
    /// What for.
    pub text: String,
}

/// Why a product cannot be used by this person at all, if it cannot.
pub(crate) fn refusal(
    knowledge: &Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> Option<String> {
    let has = |family: &str| product.families.iter().any(|f| f == family);
    if profile.pregnant {
        if let Some(active) = knowledge
            .actives
            .iter()
            .find(|a| !a.pregnancy_safe && has(&a.family))
        {
            let family = knowledge
                .family(&active.family)
                .map_or(active.family.as_str(), |f| f.name.as_str());
            return Some(format!(
                "it contains {} ({family}), which is not for pregnancy or breastfeeding",
                active.name
            ));
        }
    }
    if let Some((_, inci)) = product.flags.iter().find(|(code, _)| code == "avoid") {
        return Some(format!("it contains {inci}, which is on your avoid list"));
    }
    let families: Vec<&str> = product.families.iter().map(String::as_str).collect();
    let tags: Vec<&str> = product
        .mask_type
        .as_deref()
        .and_then(|m| knowledge.mask_type(m))
        .map(|m| m.tags.iter().map(String::as_str).collect())
        .unwrap_or_default();
    for interaction in knowledge
        .interactions
        .iter()
        .filter(|i| i.severity == Severity::Separate)
    {
        if interaction.a.picks(&families, &tags) && interaction.b.picks(&families, &tags) {
            return Some(format!(
                "it combines what the rules keep apart: {}",
                interaction.text
            ));
        }
    }
    if profile.sensitive {
        if let Some(active) = knowledge
            .actives
            .iter()
            .find(|a| a.avoid_if_sensitive && has(&a.family))
        {
            return Some(format!("{} is too harsh for sensitive skin", active.name));
        }
        let harsh = &knowledge.limits.sensitive_refused_flags;
        if let Some((code, inci)) = product.flags.iter().find(|(code, _)| harsh.contains(code)) {
            return Some(format!(
                "it contains {inci} ({}), best avoided on sensitive skin",
                code.replace('_', " ")
            ));
        }
    }
    None
}

/// Something in a product that does not go with an active or mask of the person's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clash {
    /// The plan's active or mask type it clashes with.
    pub with: String,
    /// The interaction rule.
    pub rule: String,
    /// What happens and what to do.
    pub text: String,
}

/// What in a product (its active families, and mask type if it is a mask) clashes with
/// the actives and masks of a plan.
pub fn plan_clashes(
    knowledge: &Knowledge,
    plan: &crate::plan::Plan<'_>,
    families: &[&str],
    mask_type: Option<&str>,
) -> Vec<Clash> {
    let tags: Vec<&str> = mask_type
        .and_then(|m| knowledge.mask_type(m))
        .map(|m| m.tags.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut items: Vec<(String, Vec<&str>, Vec<&str>)> = Vec::new();
    for serum in &plan.serums {
        if let Some(active) = knowledge.active(serum.active) {
            items.push((
                active.name.clone(),
                vec![active.family.as_str()],
                Vec::new(),
            ));
        }
    }
    for mask in &plan.masks {
        if let Some(mask_type) = knowledge.mask_type(mask.mask_type) {
            items.push((
                mask_type.name.clone(),
                Vec::new(),
                mask_type.tags.iter().map(String::as_str).collect(),
            ));
        }
    }
    let mut clashes = Vec::new();
    for (name, item_families, item_tags) in &items {
        for interaction in knowledge
            .interactions
            .iter()
            .filter(|i| i.severity == Severity::Separate)
        {
            let forward = interaction.a.picks(families, &tags)
                && interaction.b.picks(item_families, item_tags);
            let backward = interaction.b.picks(families, &tags)
                && interaction.a.picks(item_families, item_tags);
            if (forward || backward)
                && !clashes
                    .iter()
                    .any(|c: &Clash| &c.with == name && c.rule == interaction.id)
            {
                clashes.push(Clash {
                    with: name.clone(),
                    rule: interaction.id.clone(),
                    text: interaction.text.clone(),
                });
            }
        }
    }
    clashes
}
