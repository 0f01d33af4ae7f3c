//! The safety gate: whether something may go on this person's skin at all (a product
//! they own, whatever step it would fill), and what in a product clashes with a plan.

use crate::knowledge::{Knowledge, Severity};
use crate::profile::Profile;
use crate::shelf::ShelfProduct;
use serde::Serialize;

/// Why a product cannot be used by this person at all, with the rule, if it cannot.
pub(super) fn refusal<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> Option<(String, &'k str)> {
    let family_name = |id: &str| {
        knowledge
            .family(id)
            .map_or(id.replace('_', " "), |f| f.name.clone())
    };
    if profile.pregnant {
        let unsafe_family = product
            .present
            .iter()
            .filter_map(|f| knowledge.family(f))
            .find(|f| !f.pregnancy_safe);
        if let Some(family) = unsafe_family {
            let rule = family
                .pregnancy_rule
                .as_deref()
                .unwrap_or("pregnancy_no_retinoids");
            return Some((
                format!(
                    "it contains {} (even in traces), which is not for pregnancy or breastfeeding",
                    family.name.to_lowercase()
                ),
                rule,
            ));
        }
    }
    if profile.pregnant && product.leave_on {
        let wash_only = product
            .families
            .iter()
            .filter_map(|f| knowledge.family(f))
            .find(|f| f.pregnancy_rinse_off_only);
        if let Some(family) = wash_only {
            return Some((
                format!(
                    "it leaves {} on the skin: in pregnancy, only in a wash you rinse off",
                    family.name.to_lowercase()
                ),
                family
                    .pregnancy_rule
                    .as_deref()
                    .unwrap_or("pregnancy_no_retinoids"),
            ));
        }
    }
    let doctor_only = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .find(|f| f.doctor_only);
    if let Some(family) = doctor_only {
        return Some((
            format!(
                "it contains {}, a drug to use only as a doctor directs, so the plan leaves it out",
                family.name.to_lowercase()
            ),
            family.caution_rule.as_deref().unwrap_or("safer_wins"),
        ));
    }
    if let Some((_, inci)) = product.flags.iter().find(|(code, _)| code == "avoid") {
        return Some((
            format!("it contains {inci}, which is on your avoid list"),
            "safer_wins",
        ));
    }
    for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
        let (Some(strength), Some(percent)) = (&family.strength, product.strength(&family.id))
        else {
            continue;
        };
        let (limit, how) = if product.leave_on {
            (strength.leave_on_max, "left on the skin")
        } else {
            (strength.rinse_off_max, "rinsed off")
        };
        if let Some(limit) = limit.filter(|limit| percent > *limit) {
            let cited = knowledge
                .cite(&strength.rule)
                .map_or(String::new(), |c| format!(" {}", c.text));
            return Some((
                format!(
                    "its {percent}% {} is stronger than the {limit}% that home use allows for a product {how}.{cited}",
                    family_name(&family.id).to_lowercase()
                ),
                knowledge
                    .cite(&strength.rule)
                    .map_or("strength_refused", |c| c.id),
            ));
        }
    }
    // What it carries that the rules keep apart (a mask's own acids are how it
    // exfoliates: its type's tags do not count against its families).
    let families: Vec<&str> = product.families.iter().map(String::as_str).collect();
    for interaction in knowledge
        .interactions
        .iter()
        .filter(|i| i.severity == Severity::Separate)
    {
        if interaction.a.picks(&families, &[]) && interaction.b.picks(&families, &[]) {
            return Some((
                format!(
                    "it combines what the rules keep apart: {}",
                    interaction.text
                ),
                knowledge
                    .cite(&interaction.id)
                    .map_or("safer_wins", |c| c.id),
            ));
        }
    }
    // What it carries must share at least one routine (a vitamin C for mornings and a
    // retinoid for evenings in one bottle have none).
    let times: Vec<&crate::knowledge::Family> = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .collect();
    let morning = times.iter().all(|f| f.time_for(product.leave_on).in_am());
    let evening = times.iter().all(|f| f.time_for(product.leave_on).in_pm());
    if !morning && !evening {
        let names: Vec<String> = times.iter().map(|f| f.name.to_lowercase()).collect();
        return Some((
            format!(
                "what it contains cannot share one routine: {} go on at different times of day",
                names.join(" and ")
            ),
            "product_by_contents",
        ));
    }
    if profile.sensitive {
        if let Some(family) = product
            .families
            .iter()
            .filter_map(|f| knowledge.family(f))
            .find(|f| f.avoid_if_sensitive)
        {
            return Some((
                format!(
                    "what it carries ({}) can be too harsh for sensitive skin",
                    family.label()
                ),
                "sensitive_fewer_actives",
            ));
        }
        // Nothing replaces sun protection: a sunscreen is kept, with a word about it.
        let protects = product.uses.contains(&crate::vocab::Step::Sunscreen);
        let flagged = product.sensitive_flag(knowledge);
        if let (Some((code, inci)), false) = (flagged, protects) {
            return Some((
                format!(
                    "it contains {inci} ({}), best avoided on sensitive skin",
                    code.replace('_', " ")
                ),
                "sensitive_fewer_actives",
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
