//! The plan: what the engine answers, in the JSON shape of docs/product.md. The CLI's
//! `--format json` and the HTTP API both serialize these types, so they cannot drift.

use crate::knowledge::{Citation, Knowledge};
use crate::profile::IsoDate;
use crate::vocab::{Approach, ProductKind, ServingTime, Step, WarningCode};
use serde::Serialize;
use std::borrow::Cow;

pub use crate::options::{PlanOptions, MAX_WEEKS};

/// Shown once with every plan.
pub const DISCLAIMER: &str = "This is general skincare advice, not a medical diagnosis. \
If something worries you, ask a dermatologist.";

/// A whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan<'k> {
    /// Masks, serums or both.
    pub approach: Approach,
    /// Why that approach.
    pub reasons: Vec<Reason<'k>>,
    /// Mask types chosen, with their frequency.
    pub masks: Vec<MaskChoice<'k>>,
    /// Serum actives chosen, with their time of day.
    pub serums: Vec<SerumChoice<'k>>,
    /// The dated routines.
    pub days: Vec<Day<'k>>,
    /// Advice, safety notes and everything the planner had to change.
    pub warnings: Vec<Warning<'k>>,
    /// First day of the plan.
    pub start: IsoDate,
    /// Number of weeks.
    pub weeks: u8,
    /// Advice, not diagnosis.
    pub disclaimer: &'static str,
    /// What the plan did with the person's own products.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shelf: Option<ShelfReport>,
    /// The personal experiment, when the plan is one: how its mask evenings were drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiment: Option<crate::experiment::Experiment>,
}

/// Why a decision was made, with its rule and source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason<'k> {
    /// The rule or fact id.
    pub rule: &'k str,
    /// Why, in plain words.
    pub text: Cow<'k, str>,
    /// Where it comes from.
    pub source: &'k str,
}

impl<'k> Reason<'k> {
    /// The reason a citation gives, in its own words.
    pub fn cited(citation: Citation<'k>) -> Reason<'k> {
        Reason {
            rule: citation.id,
            text: Cow::Borrowed(citation.text),
            source: citation.source,
        }
    }

    /// A reason with a personal text, citing a rule for its source.
    pub fn personal(citation: Citation<'k>, text: String) -> Reason<'k> {
        Reason {
            rule: citation.id,
            text: Cow::Owned(text),
            source: citation.source,
        }
    }
}

/// A chosen mask type.
#[derive(Debug, Clone, Serialize)]
pub struct MaskChoice<'k> {
    /// Mask type id.
    #[serde(rename = "type")]
    pub mask_type: &'k str,
    /// Regular masks a week (event masks come on top, within the weekly limits).
    pub per_week: u8,
    /// Minutes it stays on.
    pub minutes: u16,
    /// Used before events.
    pub for_events: bool,
    /// Why.
    pub reasons: Vec<Reason<'k>>,
}

/// A chosen serum active.
#[derive(Debug, Clone, Serialize)]
pub struct SerumChoice<'k> {
    /// Active id.
    pub active: &'k str,
    /// Morning, evening or both.
    pub time: ServingTime,
    /// Nights a week by plan week, for actives that ramp up.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nights_per_week: Vec<u8>,
    /// The first day it goes on (a new strong active starts after the one before it);
    /// the day after the plan when its patch-test turn comes after the plan.
    pub starts: IsoDate,
    /// Why.
    pub reasons: Vec<Reason<'k>>,
}

/// One day of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct Day<'k> {
    /// The date.
    pub date: IsoDate,
    /// Morning routine.
    pub am: Vec<StepEntry<'k>>,
    /// Evening routine.
    pub pm: Vec<StepEntry<'k>>,
}

impl<'k> Day<'k> {
    /// Every step of the day, morning then evening.
    pub fn steps(&self) -> impl Iterator<Item = &StepEntry<'k>> {
        self.am.iter().chain(&self.pm)
    }
}

/// One step of a routine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepEntry<'k> {
    /// Which step.
    pub step: Step,
    /// Minutes it takes.
    pub minutes: u16,
    /// The serum's active.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<&'k str>,
    /// The mask's type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_type: Option<&'k str>,
    /// The person's own product for this step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// For a removal step, the mask type it takes off (its removal says how).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removes: Option<&'k str>,
}

impl StepEntry<'_> {
    /// The entry's key within a routine: its step, and what tells it from the routine's
    /// other entries of that step ("serum:niacinamide", "mask:clay", "mask_removal:clay").
    pub fn key(&self) -> String {
        match self.active.or(self.mask_type).or(self.removes) {
            Some(what) => format!("{}:{what}", self.step.id()),
            None => self.step.id().to_string(),
        }
    }

    /// The step as a person reads it: "Cleanse", "Clay mask", "Niacinamide serum".
    pub fn display_name(&self, knowledge: &Knowledge) -> String {
        if let Some(mask) = self.mask_type.and_then(|id| knowledge.mask_type(id)) {
            return mask.name.clone();
        }
        if let Some(mask) = self.removes.and_then(|id| knowledge.mask_type(id)) {
            return mask.removal_name.clone();
        }
        if let Some(active) = self.active.and_then(|id| knowledge.active(id)) {
            // The person's own product carries the family, not the planner's pick: the
            // step is named by the family ("Retinoids", with "Retinol Night Cream").
            if self.product.is_some() {
                if let Some(family) = knowledge.family(&active.family) {
                    return family
                        .name
                        .split(" (")
                        .next()
                        .unwrap_or(&family.name)
                        .to_string();
                }
            }
            let short = active.name.split(" (").next().unwrap_or(&active.name);
            return format!("{short} serum");
        }
        knowledge.step(self.step).name.clone()
    }

    /// How to do the step: the mask's own removal for a removal step, else the step's.
    pub fn how<'a>(&self, knowledge: &'a Knowledge) -> &'a str {
        match self.removes.and_then(|id| knowledge.mask_type(id)) {
            Some(mask) => &mask.removal_how,
            None => &knowledge.step(self.step).how,
        }
    }

    /// A short label: "serum (niacinamide)", "mask (clay)", "cleanse".
    pub fn label(&self) -> String {
        match (self.active, self.mask_type) {
            (Some(active), _) => format!("{} ({active})", self.step),
            (_, Some(mask)) => format!("{} ({mask})", self.step),
            _ => self.step.to_string(),
        }
    }
}

/// Advice or a change the planner made, with its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning<'k> {
    /// A stable code: patch_test, see_dermatologist, pregnancy, time_budget...
    pub code: WarningCode,
    /// What to know, in plain words.
    pub text: Cow<'k, str>,
    /// The rule behind it.
    pub rule: &'k str,
    /// Where it comes from.
    pub source: &'k str,
    /// The dates it concerns, when it concerns some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<IsoDate>,
}

impl Plan<'_> {
    /// Total minutes of a routine.
    pub fn minutes(steps: &[StepEntry<'_>]) -> u16 {
        steps.iter().map(|s| s.minutes).sum()
    }

    /// Serializes the plan as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Whether a warning with this code (its id) is present.
    pub fn has_warning(&self, code: &str) -> bool {
        self.warnings.iter().any(|w| w.code.id() == code)
    }
}

/// Collects warnings, merging repeats of the same code and text into one with dates.
/// A date already noted is found in a set, so a warning with thousands of dates (a
/// profile with many events) costs linear time, not quadratic.
#[derive(Debug, Default)]
pub(crate) struct Warnings<'k> {
    list: Vec<Warning<'k>>,
    /// (index in `list`, date) of every date noted.
    dated: std::collections::HashSet<(usize, IsoDate)>,
}

impl<'k> Warnings<'k> {
    pub(crate) fn add(
        &mut self,
        code: WarningCode,
        citation: Citation<'k>,
        text: Cow<'k, str>,
        date: Option<IsoDate>,
    ) {
        if let Some(index) = self
            .list
            .iter()
            .position(|w| w.code == code && w.text == text)
        {
            if let Some(date) = date {
                if self.dated.insert((index, date)) {
                    self.list[index].dates.push(date);
                }
            }
            return;
        }
        if let Some(date) = date {
            self.dated.insert((self.list.len(), date));
        }
        self.list.push(Warning {
            code,
            text,
            rule: citation.id,
            source: citation.source,
            dates: date.into_iter().collect(),
        });
    }

    pub(crate) fn cite(&mut self, code: WarningCode, knowledge: &'k Knowledge, rule: &'k str) {
        if let Some(citation) = knowledge.cite(rule) {
            self.add(code, citation, Cow::Borrowed(citation.text), None);
        }
    }

    /// Adds every warning of another collection, merging repeats.
    pub(crate) fn extend(&mut self, other: Warnings<'k>) {
        for warning in other.list {
            let dates = warning.dates.clone();
            let citation = Citation {
                id: warning.rule,
                text: "",
                source: warning.source,
            };
            if dates.is_empty() {
                self.add(warning.code, citation, warning.text.clone(), None);
            }
            for date in dates {
                self.add(warning.code, citation, warning.text.clone(), Some(date));
            }
        }
    }

    pub(crate) fn into_vec(self) -> Vec<Warning<'k>> {
        self.list
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
    /// The rule behind the reason.
    pub rule: String,
    /// What the reason says of the plan, for a reader to check: what does its part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instead: Option<Instead>,
}

/// What does a product's part in the plan instead of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Instead {
    /// Another product (or the plan's own serum, by its active's name) brings this
    /// family in some routine of the plan.
    Family {
        /// The family id.
        family: String,
        /// The product's name, or the serum's active name.
        by: String,
    },
    /// Another product does this step in some routine of the plan.
    Step {
        /// The step.
        step: Step,
        /// The product's name.
        by: String,
    },
    /// Another product of this mask type goes on some evening of the plan.
    Mask {
        /// The mask type id.
        mask_type: String,
        /// The product's name.
        by: String,
    },
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
