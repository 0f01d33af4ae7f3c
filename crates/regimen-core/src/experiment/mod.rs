//! A personal experiment: masks or serums, which works for *this* person. A plan made
//! as an experiment draws its regular mask evenings at random within each week
//! ([`design`]), and carries under `"experiment"` everything needed to draw them again:
//! the rule, the seed and the limits. [`results`] compares the mornings after a mask
//! with the other mornings (a randomization test that re-draws the evenings with the
//! plan's own rule) and follows each concern over the serum period. Pure: seeded, no
//! clock.

pub mod design;
pub mod results;
pub mod simulate;

pub use design::{Design, SplitMix64, MAX_SEED};
pub use results::{
    level_at, results, Adherence, Clear, Comparison, Inputs, MaskVerdict, Point, Progress, Results,
    Series, Trend, TrendVerdict, MIN_MORNINGS,
};

use crate::profile::IsoDate;
use crate::vocab::Concern;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name of the design, in the plan's JSON.
pub const DESIGN: &str = "masks_randomized_within_week";
/// The random number generator, in the plan's JSON.
pub const RNG: &str = "splitmix64";

/// A mask type in the design: its id, its limit in any 7-day window, and the evenings
/// it may not go on (an event's eve for an exfoliating mask, a strong active's rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignMask {
    /// The mask type's id.
    pub id: String,
    /// Its limit in a calendar week of the plan.
    pub limit: u8,
    /// Evenings it may not go on.
    #[serde(default)]
    pub barred: Vec<IsoDate>,
}

/// A mask placed for an event (not drawn).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventMask {
    /// Its evening.
    pub date: IsoDate,
    /// The mask type's id.
    pub mask_type: String,
}

/// The experiment a plan carries (`"experiment"` in the plan's JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    /// [`DESIGN`].
    pub design: String,
    /// [`RNG`].
    pub rng: String,
    /// The seed the mask evenings were drawn with.
    pub seed: u64,
    /// The concern the experiment is about, named before it starts (the person's first).
    pub primary_metric: Option<Concern>,
    /// The first day a serum is in the routine: the serum period's start.
    pub serum_start: Option<IsoDate>,
    /// Masks in a calendar week of the plan (from its first day), all types together.
    pub per_week: u8,
    /// Masks in any 7-day window, all types together.
    pub window_max: u8,
    /// The mask types.
    pub mask_types: Vec<DesignMask>,
    /// A week's mask slots, by mask type, in order.
    pub slots: Vec<String>,
    /// Masks placed for events, not drawn (their mornings are left out).
    #[serde(default)]
    pub event_masks: Vec<EventMask>,
    /// The evenings drawn.
    pub mask_evenings: Vec<IsoDate>,
}

impl Experiment {
    /// The record of a draw.
    pub fn of(
        design: &Design,
        seed: u64,
        start: NaiveDate,
        primary: Option<Concern>,
        serum_start: Option<NaiveDate>,
    ) -> Experiment {
        let date = |day: usize| IsoDate(start + Days::new(day as u64));
        Experiment {
            design: DESIGN.into(),
            rng: RNG.into(),
            seed,
            primary_metric: primary,
            serum_start: serum_start.map(IsoDate),
            per_week: design.per_week,
            window_max: design.window_max,
            mask_types: design
                .types
                .iter()
                .zip(&design.type_limits)
                .zip(&design.barred)
                .map(|((id, limit), barred)| DesignMask {
                    id: id.clone(),
                    limit: *limit,
                    barred: barred.iter().map(|d| date(*d)).collect(),
                })
                .collect(),
            slots: design
                .slots
                .iter()
                .map(|t| design.types[*t].clone())
                .collect(),
            event_masks: design
                .fixed
                .iter()
                .map(|(day, kind)| EventMask {
                    date: date(*day),
                    mask_type: design.types[*kind].clone(),
                })
                .collect(),
            mask_evenings: design.draw(seed).iter().map(|(d, _)| date(*d)).collect(),
        }
    }

    /// The design again, for a plan of `weeks` weeks from `start`; an experiment that
    /// is not one regimen can re-draw names its field.
    pub fn design(&self, start: NaiveDate, weeks: u8) -> Result<Design, (String, String)> {
        let bad = |field: &str, message: String| (format!("experiment.{field}"), message);
        if self.design != DESIGN {
            return Err(bad(
                "design",
                format!(
                    "\"{}\" is not a design regimen knows (\"{DESIGN}\")",
                    self.design
                ),
            ));
        }
        if self.rng != RNG {
            return Err(bad(
                "rng",
                format!(
                    "\"{}\" is not a generator regimen knows (\"{RNG}\")",
                    self.rng
                ),
            ));
        }
        if self.seed > MAX_SEED {
            return Err(bad("seed", format!("a seed is at most {MAX_SEED}")));
        }
        let days = usize::from(weeks) * 7;
        let day_of = |field: String, date: IsoDate| {
            let day = (date.0 - start).num_days();
            usize::try_from(day)
                .ok()
                .filter(|d| *d < days)
                .ok_or_else(|| bad(&field, format!("{date} is not a day of the plan")))
        };
        let index: BTreeMap<&str, usize> = self
            .mask_types
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        let kind = |field: String, id: &str| {
            index
                .get(id)
                .copied()
                .ok_or_else(|| bad(&field, format!("\"{id}\" is not one of the mask types")))
        };
        let mut barred = Vec::with_capacity(self.mask_types.len());
        for (i, mask) in self.mask_types.iter().enumerate() {
            let mut days = mask
                .barred
                .iter()
                .enumerate()
                .map(|(j, d)| day_of(format!("mask_types[{i}].barred[{j}]"), *d))
                .collect::<Result<Vec<_>, _>>()?;
            days.sort_unstable();
            barred.push(days);
        }
        let slots = self
            .slots
            .iter()
            .enumerate()
            .map(|(i, id)| kind(format!("slots[{i}]"), id))
            .collect::<Result<Vec<_>, _>>()?;
        if slots.len() > 7 {
            return Err(bad("slots", "at most 7 mask slots a week".into()));
        }
        let fixed = self
            .event_masks
            .iter()
            .enumerate()
            .map(|(i, m)| {
                Ok((
                    day_of(format!("event_masks[{i}].date"), m.date)?,
                    kind(format!("event_masks[{i}].mask_type"), &m.mask_type)?,
                ))
            })
            .collect::<Result<Vec<_>, (String, String)>>()?;
        let design = Design {
            days,
            types: self.mask_types.iter().map(|m| m.id.clone()).collect(),
            type_limits: self.mask_types.iter().map(|m| m.limit).collect(),
            per_week: self.per_week,
            window_max: self.window_max,
            slots,
            barred,
            fixed,
        };
        let drawn: Vec<IsoDate> = design
            .draw(self.seed)
            .iter()
            .map(|(d, _)| IsoDate(start + Days::new(*d as u64)))
            .collect();
        if drawn != self.mask_evenings {
            return Err(bad(
                "mask_evenings",
                "these are not the evenings the seed draws: the plan was changed after it was made"
                    .into(),
            ));
        }
        Ok(design)
    }
}

/// What the analysis needs of a plan, read from its JSON (`regimen plan --format json`,
/// or a saved plan as the API answers it, whose plan is under `"plan"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFacts {
    /// The first day.
    pub start: NaiveDate,
    /// The length.
    pub weeks: u8,
    /// The experiment, if the plan is one.
    pub experiment: Option<Experiment>,
    /// The first day a serum is in a routine.
    pub serum_start: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct PlanJson {
    start: IsoDate,
    weeks: u8,
    #[serde(default)]
    experiment: Option<Experiment>,
    #[serde(default)]
    days: Vec<DayJson>,
}

#[derive(Deserialize)]
struct DayJson {
    date: IsoDate,
    #[serde(default)]
    am: Vec<StepJson>,
    #[serde(default)]
    pm: Vec<StepJson>,
}

#[derive(Deserialize)]
struct StepJson {
    step: String,
}

impl PlanFacts {
    /// Reads a plan's JSON; what is missing or of the wrong type is named by its path.
    pub fn from_json(text: &str) -> Result<PlanFacts, (String, String)> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ("(plan)".to_string(), e.to_string()))?;
        let (value, prefix) = match value.get("plan") {
            Some(plan) if plan.is_object() => (plan.clone(), "plan."),
            _ => (value, ""),
        };
        let plan: PlanJson = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." {
                "(plan)".to_string()
            } else {
                format!("{prefix}{path}")
            };
            (field, e.inner().to_string())
        })?;
        if !(1..=crate::options::MAX_WEEKS).contains(&plan.weeks) {
            return Err((
                format!("{prefix}weeks"),
                format!("a plan has 1 to {} weeks", crate::options::MAX_WEEKS),
            ));
        }
        let serum_start = plan
            .experiment
            .as_ref()
            .and_then(|e| e.serum_start.map(|d| d.0))
            .or_else(|| {
                plan.days
                    .iter()
                    .find(|d| d.am.iter().chain(&d.pm).any(|s| s.step == "serum"))
                    .map(|d| d.date.0)
            });
        Ok(PlanFacts {
            start: plan.start.0,
            weeks: plan.weeks,
            experiment: plan.experiment,
            serum_start,
        })
    }
}
