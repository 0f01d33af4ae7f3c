//! The person's own products, read: each shelf product is analysed once into what it
//! contains (families at a treatment level with their strengths, families in traces,
//! flags) and how it is used (the steps it can fill, leave-on or rinse-off, its SPF).
//! Whether a product may go on the person's skin, and where, is the safety gate's
//! question (`engine::safety`); this module knows nothing of the planner.

use crate::analyzer::{Analyzer, Level, Options, Report};
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
    /// The actives at a treatment level as (family, INCI name): the interactions that are
    /// true of some members of a family only read them.
    pub contents: Vec<(String, String)>,
    /// Families at a treatment level that count in one formula's own rules (rule
    /// formula_not_layering): stated, listed above the 1% line, or below it with rules
    /// against the sun or for pregnancy.
    pub main: Vec<String>,
    /// The highest percentage stated for a family (in the list or the name).
    pub strengths: Vec<(String, f32)>,
    /// Flags raised for this person: (code, ingredient).
    pub flags: Vec<(String, String)>,
    /// The flags of the first ingredient listed (an essential oil first: nearly all oil).
    pub first_flags: Vec<String>,
    /// The prescription medicines it carries (INCI names).
    pub prescription: Vec<String>,
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

    /// Whether it is a wash: rinsed off within a minute in the cleanse step, no new
    /// strong active to patch-test or pace (rule rinse_off_milder).
    pub fn washes(&self) -> bool {
        !self.leave_on && self.uses == [Step::Cleanse]
    }
}

/// Analyses every product on the person's shelf, with their avoid list read once.
pub fn analyze_shelf(
    knowledge: &Knowledge,
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
                categories: None,
                suggest: false,
            };
            let report = analyzer.analyze(&item.ingredients, &options);
            ShelfProduct::of_report(knowledge, &item.name, &report)
        })
        .collect()
}

impl ShelfProduct {
    /// A product as an analysis of its list reads it (a shelf item, or a product of the
    /// catalog), for the safety gate and the planner.
    pub fn of_report(knowledge: &Knowledge, name: &str, report: &Report<'_>) -> ShelfProduct {
        let mut families: Vec<String> = Vec::new();
        let mut present: Vec<String> = Vec::new();
        let mut strengths: Vec<(String, f32)> = Vec::new();
        let mut actives: Vec<String> = Vec::new();
        let mut contents: Vec<(String, String)> = Vec::new();
        let mut main: Vec<String> = Vec::new();
        let mut prescription: Vec<String> = Vec::new();
        for active in &report.actives {
            let family = active.family.to_string();
            if active.level != Level::Trace {
                actives.push(active.inci.to_string());
                contents.push((family.clone(), active.inci.to_string()));
                if !families.contains(&family) {
                    families.push(family.clone());
                }
                // Below the 1% line, a low-dose active still counts in the formula when
                // its own rules guard against the sun or pregnancy (a retinol).
                let guarded = knowledge
                    .family(&family)
                    .is_some_and(|f| f.photosensitising || !f.pregnancy_safe);
                if (!active.below_line || guarded) && !main.contains(&family) {
                    main.push(family.clone());
                }
                if is_prescription(knowledge, &active.id, &active.inci, active.percent) {
                    prescription.push(active.inci.to_string());
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
            for list in [&mut families, &mut present, &mut main] {
                if !list.iter().any(|f| f == "sunscreen_filter") {
                    list.push("sunscreen_filter".to_string());
                }
            }
        }
        families.sort();
        present.sort();
        main.sort();
        // One formula's own rules are judged on its levels (rule formula_not_layering): a
        // low-dose active below the 1% line whose rules carry no sun or pregnancy risk (a
        // touch of salicylic acid at the end of a vitamin C serum's list) gives way where
        // its time of day would clash with the formula's main actives, and counts as the
        // trace it is; a retinol there does not, and the formula shares no routine.
        let shared = |families: &[String]| {
            families
                .iter()
                .filter_map(|f| knowledge.family(f))
                .try_fold(crate::vocab::ServingTime::AmPm, |t, f| {
                    t.intersect(f.time_for(report.leave_on))
                })
                .is_some()
        };
        if !shared(&families) && shared(&main) {
            families.retain(|f| main.contains(f));
            contents.retain(|(f, _)| main.contains(f));
            let kept: Vec<&str> = contents.iter().map(|(_, inci)| inci.as_str()).collect();
            actives.retain(|inci| kept.contains(&inci.as_str()));
        }
        ShelfProduct {
            name: name.to_string(),
            kind: report.kind,
            mask_type: report.mask_type.map(str::to_string),
            uses: report.uses.clone(),
            leave_on: report.leave_on,
            spf: report.spf,
            families,
            present,
            actives,
            contents,
            main,
            strengths,
            flags: report
                .flags
                .iter()
                .map(|f| (f.code.to_string(), f.inci.to_string()))
                .collect(),
            first_flags: first_flags(report),
            prescription,
            for_body: report
                .diagnostics
                .iter()
                .any(|d| d.code == crate::analyzer::BODY_PRODUCT),
        }
    }
}

/// The flags of the first ingredient listed, known or not.
fn first_flags(report: &Report<'_>) -> Vec<String> {
    let first = report
        .ingredients
        .iter()
        .find(|i| i.position == Some(1))
        .map(|i| i.inci.to_string())
        .or_else(|| {
            report
                .unknown
                .iter()
                .find(|u| u.position == Some(1))
                .map(|u| u.name.clone())
        });
    report
        .flags
        .iter()
        .filter(|f| first.as_deref().is_some_and(|first| *f.inci == *first))
        .map(|f| f.code.to_string())
        .collect()
}

/// Whether an active, as found in a list, is a prescription medicine: by its entry in
/// ingredients.toml, or above its prescription strength.
fn is_prescription(knowledge: &Knowledge, id: &str, inci: &str, percent: Option<f32>) -> bool {
    knowledge
        .ingredients
        .active
        .iter()
        .find(|a| a.id == id || a.inci.eq_ignore_ascii_case(inci))
        .is_some_and(|a| {
            a.prescription
                || a.prescription_above
                    .zip(percent)
                    .is_some_and(|(limit, percent)| percent > limit)
        })
}
