//! The person's own products, read: each shelf product is analysed once into what it
//! contains (families at a treatment level with their strengths, families in traces,
//! flags) and how it is used (the steps it can fill, leave-on or rinse-off, its SPF).
//! Whether a product may go on the person's skin, and where, is the safety gate's
//! question (`engine::safety`); this module knows nothing of the planner.

use crate::analyzer::{Analyzer, Level, Options};
use crate::avoid::AvoidList;
use crate::knowledge::Knowledge;
use crate::profile::Profile;
use crate::vocab::{ProductKind, Step};

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
