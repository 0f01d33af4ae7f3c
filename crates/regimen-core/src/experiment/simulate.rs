//! How well the experiment finds what is there: simulated people, whose true mask
//! effect and serum trend are known, follow their own randomized plans and rate their
//! skin every morning with noise, on the 1-5 scale; their results' verdicts are
//! counted. The tests hold the rates to their targets, and
//! `cargo run --release -p regimen-core --example experiment_rates` prints them for
//! the README.

use super::{results, Inputs, MaskVerdict, PlanFacts, SplitMix64, TrendVerdict};
use crate::checkin::Checkin;
use crate::engine::Planner;
use crate::knowledge::Knowledge;
use crate::options::PlanOptions;
use crate::profile::{IsoDate, Profile};
use crate::vocab::Concern;
use chrono::{Days, NaiveDate};
use std::collections::BTreeMap;

/// A kind of person.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    /// Points a mask evening adds to the next morning's rating of the primary concern.
    pub mask_effect: f64,
    /// Points a week of the serum period adds to every rating.
    pub serum_trend_per_week: f64,
    /// The noise of a rating (standard deviation, in points, before rounding).
    pub noise: f64,
    /// How much of a morning's noise carries to the next (an AR(1) coefficient, 0 to
    /// below 1): people's ratings run in streaks of good and bad weeks.
    pub correlation: f64,
    /// Points a mask evening adds to the second morning after it (an effect that lasts).
    pub carry_over: f64,
    /// Whether the person looks at the results every week and stops at the first
    /// verdict (`better` or `worse`), instead of once at the end.
    pub weekly_looks: bool,
    /// The chance a person skips the check-in of a bad morning (the first concern
    /// rated 2 or lower), as people do.
    pub skip_bad_days: f64,
    /// Concerns rated each morning (the first-named one and others; at least 1).
    pub concerns_rated: usize,
    /// Weeks of the plan.
    pub weeks: u8,
    /// Days of it the person checks in (from the first).
    pub days_checked_in: usize,
}

/// What the verdicts were, over the people.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rates {
    /// People simulated.
    pub people: usize,
    /// The primary concern's mask comparison, by verdict.
    pub masks: BTreeMap<&'static str, usize>,
    /// The primary concern's serum trend, by verdict.
    pub serums: BTreeMap<&'static str, usize>,
    /// The primary concern's mask difference, summed over the people who have one
    /// (against every other morning, and against the clear mornings).
    pub difference_sum: f64,
    /// See `difference_sum`.
    pub clear_sum: f64,
    /// The people with both differences.
    pub with_difference: usize,
}

impl Rates {
    /// The share of people whose primary comparison said `verdict`.
    pub fn masks_share(&self, verdict: &str) -> f64 {
        self.masks.get(verdict).copied().unwrap_or(0) as f64 / self.people.max(1) as f64
    }

    /// The mean mask difference, against other mornings and against clear ones.
    pub fn mean_differences(&self) -> (f64, f64) {
        let n = self.with_difference.max(1) as f64;
        (self.difference_sum / n, self.clear_sum / n)
    }

    /// The share of people whose primary trend said `verdict`.
    pub fn serums_share(&self, verdict: &str) -> f64 {
        self.serums.get(verdict).copied().unwrap_or(0) as f64 / self.people.max(1) as f64
    }
}

fn mask_word(v: MaskVerdict) -> &'static str {
    match v {
        MaskVerdict::Better => "better",
        MaskVerdict::Worse => "worse",
        MaskVerdict::NoClearDifference => "no_clear_difference",
        MaskVerdict::NotEnoughData => "not_enough_data",
    }
}

fn trend_word(v: TrendVerdict) -> &'static str {
    match v {
        TrendVerdict::Improved => "improved",
        TrendVerdict::Worsened => "worsened",
        TrendVerdict::NoClearChange => "no_clear_change",
        TrendVerdict::NotEnoughData => "not_enough_data",
    }
}

/// A normal deviate (Box-Muller).
fn normal(rng: &mut SplitMix64) -> f64 {
    let u = rng.unit().max(f64::MIN_POSITIVE);
    let v = rng.unit();
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// Simulates `people` people of `scenario` with `profile` (whose first concern is the
/// primary one; it is rated, and so is a second concern masks do nothing for), each on
/// a plan drawn with its own seed from `seed`.
pub fn simulate(
    knowledge: &Knowledge,
    profile: &Profile,
    scenario: Scenario,
    people: usize,
    redraws: usize,
    seed: u64,
) -> Rates {
    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default();
    let primary = profile
        .concerns
        .first()
        .copied()
        .unwrap_or(Concern::Dullness);
    let others: Vec<Concern> = Concern::ALL
        .iter()
        .copied()
        .filter(|c| *c != primary)
        .take(scenario.concerns_rated.max(1) - 1)
        .collect();
    // The analyzer is built only if the profile has a shelf or an avoid list.
    let analyzer = std::sync::OnceLock::new();
    let planner = Planner::new(knowledge, &analyzer);
    let mut rng = SplitMix64::new(seed);
    let mut rates = Rates {
        people,
        ..Rates::default()
    };
    for _ in 0..people {
        let plan_seed = rng.next_u64() & super::MAX_SEED;
        let Ok(options) =
            PlanOptions::new(start, scenario.weeks).and_then(|o| o.with_experiment(plan_seed))
        else {
            continue;
        };
        let Ok(plan) = planner.plan(profile, &options) else {
            continue;
        };
        let Ok(json) = serde_json::to_string(&plan) else {
            continue;
        };
        let Ok(facts) = PlanFacts::from_json(&json) else {
            continue;
        };
        let Some(experiment) = facts.experiment.as_ref() else {
            continue;
        };
        let Ok(design) = experiment.design(facts.start, facts.weeks) else {
            continue;
        };
        let masks: Vec<NaiveDate> = experiment.mask_evenings.iter().map(|d| d.0).collect();
        let serum_day = facts
            .serum_start
            .map_or(0, |s| (s - start).num_days().max(0) as usize);
        let baseline = 2.5 + rng.unit();
        // Each concern's noise, carried from morning to morning (stationary AR(1)).
        let rho = scenario.correlation.clamp(0.0, 0.99);
        let mut carried: Vec<f64> = (0..=others.len()).map(|_| normal(&mut rng)).collect();
        let checkins: Vec<Checkin> = (0..scenario
            .days_checked_in
            .min(usize::from(scenario.weeks) * 7 + 1))
            .filter_map(|day| {
                let date = start + Days::new(day as u64);
                let after_mask = day > 0 && masks.contains(&(date - Days::new(1)));
                let second_after = day > 1 && masks.contains(&(date - Days::new(2)));
                let weeks_of_serum = day.saturating_sub(serum_day) as f64 / 7.0;
                let mut rate = |series: usize, effect: f64| {
                    carried[series] =
                        rho * carried[series] + (1.0 - rho * rho).sqrt() * normal(&mut rng);
                    let value = baseline
                        + effect
                        + scenario.serum_trend_per_week * weeks_of_serum
                        + scenario.noise * carried[series];
                    value.round().clamp(1.0, 5.0) as i64
                };
                let mask_effect = if after_mask {
                    scenario.mask_effect
                } else if second_after {
                    scenario.carry_over
                } else {
                    0.0
                };
                let first = rate(0, mask_effect);
                let mut ratings = BTreeMap::from([(primary, first)]);
                for (i, other) in others.iter().enumerate() {
                    ratings.insert(*other, rate(i + 1, 0.0));
                }
                if first <= 2 && rng.unit() < scenario.skip_bad_days {
                    return None;
                }
                Some(Checkin {
                    date: IsoDate(date),
                    steps_done: Vec::new(),
                    am_done: Vec::new(),
                    pm_done: Vec::new(),
                    ratings,
                    reactions: Vec::new(),
                    note: String::new(),
                    stored_id: None,
                    stored_created_at: None,
                    stored_updated_at: None,
                })
            })
            .collect();
        let read = |checkins: &[Checkin]| {
            let inputs = Inputs {
                start: facts.start,
                weeks: facts.weeks,
                experiment: Some((experiment, &design)),
                serum_start: facts.serum_start,
                checkins,
                redraws,
            };
            results(knowledge, &inputs)
        };
        let mut found = read(&checkins);
        if scenario.weekly_looks {
            // Looks at each week's end; the first that claims a difference stops.
            for week in 1..scenario.weeks {
                let seen: Vec<Checkin> = checkins
                    .iter()
                    .filter(|c| (c.date.0 - start).num_days() <= i64::from(week) * 7)
                    .cloned()
                    .collect();
                let look = read(&seen);
                let claims = look
                    .comparisons
                    .iter()
                    .find(|c| c.metric == primary)
                    .is_some_and(|c| matches!(c.verdict, MaskVerdict::Better | MaskVerdict::Worse));
                if claims {
                    found = look;
                    break;
                }
            }
        }
        if let Some(c) = found.comparisons.iter().find(|c| c.metric == primary) {
            *rates.masks.entry(mask_word(c.verdict)).or_default() += 1;
            if let (Some(d), Some(clear)) = (c.difference, &c.clear) {
                rates.difference_sum += d;
                rates.clear_sum += clear.difference;
                rates.with_difference += 1;
            }
        }
        if let Some(t) = found.trends.iter().find(|t| t.metric == primary) {
            *rates.serums.entry(trend_word(t.verdict)).or_default() += 1;
        }
    }
    rates
}
