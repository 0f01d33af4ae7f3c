//! The person's own products in the plan: each shelf product is analysed once into
//! what it contains (families at a treatment level with their strengths, families in
//! traces, flags) and how it is used (the steps it can fill, leave-on or rinse-off, its
//! SPF); a product that is unsafe for the person is refused with the reason. The
//! scheduler then uses products by what they contain, whatever step they fill.

use crate::analyzer::{Analyzer, Level, Options};
use crate::avoid::AvoidList;
use crate::knowledge::{Knowledge, Severity};
use crate::profile::Profile;
use crate::vocab::{ProductKind, Step};
use serde::Serialize;

/// A shelf product, analysed.
#[derive(Debug, Clone, PartialEq)]
pub struct ShelfProduct {
    /// Its name.
    pub name: String,
    /// What it is (the person's word, else the analyzer's).
    pub kind: ProductKind,
    /// The mask type, for products used as masks.
    pub mask_type: Option<String>,
    /// The steps it can fill, best first.
    pub uses: Vec<Step>,
    /// Whether it stays on the skin.
    pub leave_on: bool,
    /// The SPF its name or label states.
    pub spf: Option<u16>,
    /// Families it carries at a treatment level (stated, or above the 1% line).
    pub families: Vec<String>,
    /// Families present in any amount, traces included (avoid lists, pregnancy).
    pub present: Vec<String>,
    /// The INCI names of the actives it carries at a treatment level ("Retinol"): the
    /// planner's active of a family is the one the product holds.
    pub actives: Vec<String>,
    /// The highest percentage stated for a family (in the list or the name).
    pub strengths: Vec<(String, f32)>,
    /// Flags raised for this person: (code, ingredient).
    pub flags: Vec<(String, String)>,
    /// Made for the body, hands or feet (rule body_products).
    pub for_body: bool,
}

impl ShelfProduct {
    /// Whether it carries a family at a treatment level.
    pub fn treats(&self, family: &str) -> bool {
        self.families.iter().any(|f| f == family)
    }

    /// Whether it carries an active (by INCI name, any case) at a treatment level.
    pub fn holds(&self, inci: &str) -> bool {
        self.actives.iter().any(|a| a.eq_ignore_ascii_case(inci))
    }

    /// Whether a family is in it at all, traces included.
    pub fn contains(&self, family: &str) -> bool {
        self.present.iter().any(|f| f == family)
    }

    /// The stated strength of a family, in percent.
    pub fn strength(&self, family: &str) -> Option<f32> {
        self.strengths
            .iter()
            .find(|(f, _)| f == family)
            .map(|(_, p)| *p)
    }

    /// The first flag of it that sensitive skin is better without (alcohol, fragrance
    /// ...), as (code, ingredient): the refusal and the sunscreen's note both read it.
    pub fn sensitive_flag<'s>(&'s self, knowledge: &Knowledge) -> Option<&'s (String, String)> {
        let harsh = &knowledge.limits.sensitive_refused_flags;
        self.flags.iter().find(|(code, _)| harsh.contains(code))
    }

    /// Whether it can fill a step.
    pub fn can(&self, step: Step) -> bool {
        self.uses.contains(&step)
    }
}

/// Analyses every product on the person's shelf, with their avoid list read once.
pub fn analyze_shelf(
    analyzer: &Analyzer,
    profile: &Profile,
    avoid: &AvoidList,
) -> Vec<ShelfProduct> {
    profile
        .shelf
        .iter()
        .map(|item| {
            let options = Options {
                name: Some(&item.name),
                profile: Some(profile),
                avoid: Some(avoid),
                kind: item.kind,
                suggest: false,
            };
            let report = analyzer.analyze(&item.ingredients, &options);
            let mut families: Vec<String> = Vec::new();
            let mut present: Vec<String> = Vec::new();
            let mut strengths: Vec<(String, f32)> = Vec::new();
            let mut actives: Vec<String> = Vec::new();
            for active in &report.actives {
                let family = active.family.to_string();
                if active.level != Level::Trace {
                    actives.push(active.inci.to_string());
                    if !families.contains(&family) {
                        families.push(family.clone());
                    }
                }
                if let Some(percent) = active.percent {
                    match strengths.iter_mut().find(|(f, _)| *f == family) {
                        Some((_, p)) => *p = p.max(percent),
                        None => strengths.push((family.clone(), percent)),
                    }
                }
                if !present.contains(&family) {
                    present.push(family);
                }
            }
            // A stated SPF means sunscreen filters, whatever the list shows.
            if report.spf.is_some() {
                for list in [&mut families, &mut present] {
                    if !list.iter().any(|f| f == "sunscreen_filter") {
                        list.push("sunscreen_filter".to_string());
                    }
                }
            }
            families.sort();
            present.sort();
            ShelfProduct {
                name: item.name.clone(),
                kind: report.kind,
                mask_type: report.mask_type.map(str::to_string),
                uses: report.uses.clone(),
                leave_on: report.leave_on,
                spf: report.spf,
                families,
                present,
                actives,
                strengths,
                flags: report
                    .flags
                    .iter()
                    .map(|f| (f.code.to_string(), f.inci.to_string()))
                    .collect(),
                for_body: report
                    .diagnostics
                    .iter()
                    .any(|d| d.code == crate::analyzer::BODY_PRODUCT),
            }
        })
        .collect()
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
    /// The step it does and when ("moisturize (evenings, on retinoid nights)").
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

/// Why a product cannot be used by this person at all, with the rule, if it cannot.
pub(crate) fn refusal<'k>(
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
                    crate::engine::family_label(family)
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
