//! What a person's check-ins say: for each concern they rate (1 bad to 5 great, each
//! morning), masks against no mask and the trend over the serum period.
//!
//! - **Masks** (`comparisons`): the mornings after a drawn mask evening against the
//!   other mornings of the plan (mornings after a mask placed for an event are left
//!   out). The difference of the means, a 95% Welch interval, and a two-sided p-value
//!   from a randomization test: the mask evenings are drawn again `redraws` times with
//!   the plan's own rule (seeds from SplitMix64 of the plan's seed XOR
//!   [`REDRAW_SALT`]), and p = (1 + draws at least as far from zero) / (1 + draws).
//!   Because the evenings really were drawn by that rule, the test needs no assumption
//!   about the ratings.
//! - **Serums** (`trends`): the first week of the serum period against its latest two
//!   weeks (every morning but those after an event's mask: the drawn mask evenings
//!   fall alike in both), with a 95% Welch interval and p-value. A before/after change
//!   cannot tell the serum apart from the season or stress.
//! - Several concerns are several tests: p-values are adjusted by Holm's method (within
//!   the comparisons, and within the trends), and the verdicts use the adjusted ones at
//!   5%. The concern named before the start (`primary`) leads the summary.

use super::{Design, Experiment, SplitMix64};
use crate::checkin::Checkin;
use crate::knowledge::Knowledge;
use crate::vocab::Concern;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Mixed into the plan's seed for the re-draws (the bytes of "redraws!").
pub const REDRAW_SALT: u64 = 0x7265_6472_6177_7321;
/// The fewest mornings in each group for a comparison.
pub const MIN_MORNINGS: usize = 6;
/// The fewest ratings in the serum period's first week, and in its latest two weeks.
pub const MIN_FIRST_WEEK: usize = 4;
/// See [`MIN_FIRST_WEEK`].
pub const MIN_LATEST: usize = 6;
/// The significance level of the verdicts (after Holm's adjustment).
pub const ALPHA: f64 = 0.05;

/// A comparison's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskVerdict {
    /// Mornings after a mask are better.
    Better,
    /// Mornings after a mask are worse.
    Worse,
    /// No difference the data can tell from chance.
    NoClearDifference,
    /// Fewer than [`MIN_MORNINGS`] mornings in a group.
    NotEnoughData,
}

/// A trend's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendVerdict {
    /// Better in the latest two weeks than in the first.
    Improved,
    /// Worse.
    Worsened,
    /// No change the data can tell from chance.
    NoClearChange,
    /// Too few ratings, or a serum period too short.
    NotEnoughData,
}

/// Mask mornings against the other mornings, for one concern (docs/product.md names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The concern rated.
    pub metric: Concern,
    /// What is compared with no treatment: `"mask"`.
    pub treatment: &'static str,
    /// Mornings after a drawn mask evening, rated.
    pub n_treatment: usize,
    /// Other mornings of the plan, rated.
    pub n_control: usize,
    /// Mean rating of the mask mornings.
    pub mean_treatment: Option<f64>,
    /// Mean rating of the other mornings.
    pub mean_control: Option<f64>,
    /// `mean_treatment - mean_control` (positive: better after a mask).
    pub difference: Option<f64>,
    /// The 95% interval of the difference: its low end.
    pub ci_low: Option<f64>,
    /// Its high end.
    pub ci_high: Option<f64>,
    /// The randomization test's two-sided p-value.
    pub p_value: Option<f64>,
    /// Adjusted by Holm's method over the concerns compared.
    pub p_adjusted: Option<f64>,
    /// What it says.
    pub verdict: MaskVerdict,
}

impl Comparison {
    /// The 95% interval, when there is one.
    pub fn interval(&self) -> Option<[f64; 2]> {
        Some([self.ci_low?, self.ci_high?])
    }
}

/// The serum period's first week against its latest two weeks, for one concern.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// The concern rated.
    pub metric: Concern,
    /// Ratings in the first week.
    pub n_first_week: usize,
    /// Ratings in the latest two weeks.
    pub n_latest_two_weeks: usize,
    /// Mean of the first week.
    pub first_mean: Option<f64>,
    /// Mean of the latest two weeks.
    pub latest_mean: Option<f64>,
    /// `latest_mean - first_mean` (positive: improved).
    pub difference: Option<f64>,
    /// The 95% interval of the change: its low end.
    pub ci_low: Option<f64>,
    /// Its high end.
    pub ci_high: Option<f64>,
    /// Welch's two-sided p-value.
    pub p_value: Option<f64>,
    /// Adjusted by Holm's method over the concerns followed.
    pub p_adjusted: Option<f64>,
    /// What it says.
    pub verdict: TrendVerdict,
}

impl Trend {
    /// The 95% interval, when there is one.
    pub fn interval(&self) -> Option<[f64; 2]> {
        Some([self.ci_low?, self.ci_high?])
    }
}

/// How the numbers were made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    /// Re-draws of the randomization test.
    pub redraws: usize,
    /// The verdicts' level.
    pub alpha: f64,
    /// The adjustment for several concerns.
    pub correction: &'static str,
    /// The intervals.
    pub interval: &'static str,
    /// The rules that say how (`regimen explain <rule>`), each with its source.
    pub rules: &'static [&'static str],
}

/// Everything the check-ins say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Whether the plan is an experiment (else there are no comparisons).
    pub experiment: bool,
    /// The concern named before the start.
    pub primary_metric: Option<Concern>,
    /// Masks, by concern.
    pub comparisons: Vec<Comparison>,
    /// Serums, by concern.
    pub trends: Vec<Trend>,
    /// In plain words.
    pub text: String,
    /// What to change next.
    pub next: String,
    /// What the numbers cannot tell.
    pub caveats: Vec<String>,
    /// How they were made.
    pub method: Method,
}

/// What the analysis reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The plan's first day.
    pub start: NaiveDate,
    /// Its length.
    pub weeks: u8,
    /// Its experiment and the design drawn again from it ([`Experiment::design`]).
    pub experiment: Option<(&'a Experiment, &'a Design)>,
    /// The first day a serum is in the routine.
    pub serum_start: Option<NaiveDate>,
    /// The person's check-ins (any order; the last one of a date counts).
    pub checkins: &'a [Checkin],
    /// Re-draws for the randomization test.
    pub redraws: usize,
}

struct Sample {
    n: usize,
    mean: f64,
    variance: f64,
}

fn sample(values: &[f64]) -> Option<Sample> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = if n > 1 {
        values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    Some(Sample { n, mean, variance })
}

/// Welch's 95% interval of `b - a` and its two-sided p-value.
fn welch(a: &Sample, b: &Sample) -> ([f64; 2], f64) {
    let difference = b.mean - a.mean;
    let (va, vb) = (a.variance / a.n as f64, b.variance / b.n as f64);
    let se = (va + vb).sqrt();
    if se <= f64::EPSILON {
        let p = if difference.abs() <= f64::EPSILON {
            1.0
        } else {
            0.0
        };
        return ([difference, difference], p);
    }
    let df_denominator = if a.n > 1 {
        va * va / (a.n - 1) as f64
    } else {
        0.0
    } + if b.n > 1 {
        vb * vb / (b.n - 1) as f64
    } else {
        0.0
    };
    let df = if df_denominator > 0.0 {
        (va + vb).powi(2) / df_denominator
    } else {
        1.0
    };
    let quantile = distrs::StudentsT::ppf(0.975, df);
    let t = difference / se;
    let p = (2.0 * (1.0 - distrs::StudentsT::cdf(t.abs(), df))).clamp(0.0, 1.0);
    ([difference - quantile * se, difference + quantile * se], p)
}

/// Holm's step-down adjustment of the p-values present.
fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<(usize, f64)> = p
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|p| (i, p)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1));
    let m = order.len();
    let mut adjusted = vec![None; p.len()];
    let mut running: f64 = 0.0;
    for (rank, (i, p)) in order.into_iter().enumerate() {
        running = running.max(((m - rank) as f64 * p).min(1.0));
        adjusted[i] = Some(running);
    }
    adjusted
}

/// The check-ins' ratings by morning (day of the plan, 0 = its first morning), the
/// last check-in of a date counting.
fn ratings_by_day(inputs: &Inputs<'_>) -> BTreeMap<Concern, BTreeMap<usize, f64>> {
    let days = usize::from(inputs.weeks) * 7;
    let mut by_date: BTreeMap<NaiveDate, &Checkin> = BTreeMap::new();
    for checkin in inputs.checkins {
        by_date.insert(checkin.date.0, checkin);
    }
    let mut ratings: BTreeMap<Concern, BTreeMap<usize, f64>> = BTreeMap::new();
    for (date, checkin) in by_date {
        let Ok(day) = usize::try_from((date - inputs.start).num_days()) else {
            continue;
        };
        if day > days {
            continue;
        }
        for concern in Concern::ALL {
            if let Some(value) = checkin.rating(*concern) {
                ratings
                    .entry(*concern)
                    .or_default()
                    .insert(day, f64::from(value));
            }
        }
    }
    ratings
}

/// The difference of the means of the mornings after a mask evening (`mask[d - 1]`)
/// and the others, 0 when a group is empty.
fn mask_difference(ratings: &[(usize, f64)], mask: &[bool]) -> f64 {
    let (mut sum_mask, mut n_mask, mut sum_other, mut n_other) = (0.0, 0usize, 0.0, 0usize);
    for &(day, value) in ratings {
        if mask[day - 1] {
            sum_mask += value;
            n_mask += 1;
        } else {
            sum_other += value;
            n_other += 1;
        }
    }
    if n_mask == 0 || n_other == 0 {
        return 0.0;
    }
    sum_mask / n_mask as f64 - sum_other / n_other as f64
}

fn evenings(days: usize, drawn: &[(usize, usize)]) -> Vec<bool> {
    let mut mask = vec![false; days];
    for &(day, _) in drawn {
        if let Some(m) = mask.get_mut(day) {
            *m = true;
        }
    }
    mask
}

/// What the check-ins say.
pub fn results(knowledge: &Knowledge, inputs: &Inputs<'_>) -> Results {
    let days = usize::from(inputs.weeks) * 7;
    let ratings = ratings_by_day(inputs);
    let primary = inputs.experiment.and_then(|(e, _)| e.primary_metric);
    let mut concerns: Vec<Concern> = ratings.keys().copied().collect();
    concerns.sort_by_key(|c| (Some(*c) != primary, *c));

    // The evenings drawn, and those the re-draws give.
    let (drawn, fixed, redrawn) = match inputs.experiment {
        Some((experiment, design)) => {
            let drawn = evenings(days, &design.draw(experiment.seed));
            let fixed = evenings(days, &design.fixed);
            let mut seeds = SplitMix64::new(experiment.seed ^ REDRAW_SALT);
            let redrawn: Vec<Vec<bool>> = (0..inputs.redraws)
                .map(|_| evenings(days, &design.draw(seeds.next_u64())))
                .collect();
            (drawn, fixed, redrawn)
        }
        None => (vec![false; days], vec![false; days], Vec::new()),
    };
    let after_mask = |day: usize| day > 0 && drawn.get(day - 1).copied().unwrap_or(false);
    let after_fixed = |day: usize| day > 0 && fixed.get(day - 1).copied().unwrap_or(false);

    let mut comparisons = Vec::new();
    if inputs.experiment.is_some() {
        for concern in &concerns {
            let rated: Vec<(usize, f64)> = ratings[concern]
                .iter()
                .filter(|(day, _)| (1..=days).contains(*day) && !after_fixed(**day))
                .map(|(d, v)| (*d, *v))
                .collect();
            let (mask, other): (Vec<f64>, Vec<f64>) = {
                let mask = rated
                    .iter()
                    .filter(|(d, _)| after_mask(*d))
                    .map(|(_, v)| *v)
                    .collect();
                let other = rated
                    .iter()
                    .filter(|(d, _)| !after_mask(*d))
                    .map(|(_, v)| *v)
                    .collect();
                (mask, other)
            };
            let (a, b) = (sample(&other), sample(&mask));
            let enough = mask.len() >= MIN_MORNINGS && other.len() >= MIN_MORNINGS;
            let (interval, p_value) = match (&a, &b) {
                (Some(a), Some(b)) if enough => {
                    let observed = mask_difference(&rated, &drawn).abs();
                    let as_far = redrawn
                        .iter()
                        .filter(|m| mask_difference(&rated, m).abs() >= observed - 1e-9)
                        .count();
                    let p = (1 + as_far) as f64 / (1 + redrawn.len()) as f64;
                    (Some(welch(a, b).0), Some(p))
                }
                _ => (None, None),
            };
            comparisons.push(Comparison {
                metric: *concern,
                treatment: "mask",
                n_treatment: mask.len(),
                n_control: other.len(),
                mean_treatment: b.as_ref().map(|s| s.mean),
                mean_control: a.as_ref().map(|s| s.mean),
                difference: a.as_ref().zip(b.as_ref()).map(|(a, b)| b.mean - a.mean),
                ci_low: interval.map(|i| i[0]),
                ci_high: interval.map(|i| i[1]),
                p_value,
                p_adjusted: None,
                verdict: MaskVerdict::NotEnoughData,
            });
        }
        let adjusted = holm(&comparisons.iter().map(|c| c.p_value).collect::<Vec<_>>());
        for (comparison, p) in comparisons.iter_mut().zip(adjusted) {
            comparison.p_adjusted = p;
            comparison.verdict = match (p, comparison.difference) {
                (None, _) | (_, None) => MaskVerdict::NotEnoughData,
                (Some(p), Some(d)) if p < ALPHA && d > 0.0 => MaskVerdict::Better,
                (Some(p), Some(d)) if p < ALPHA && d < 0.0 => MaskVerdict::Worse,
                _ => MaskVerdict::NoClearDifference,
            };
        }
    }

    let mut trends = Vec::new();
    if let Some(serum_start) = inputs.serum_start {
        let start = usize::try_from((serum_start - inputs.start).num_days()).unwrap_or(0);
        for concern in &concerns {
            let rated: Vec<(usize, f64)> = ratings[concern]
                .iter()
                .filter(|(day, _)| **day >= start && !after_fixed(**day))
                .map(|(d, v)| (*d, *v))
                .collect();
            let latest = rated.last().map_or(start, |(d, _)| *d);
            let first: Vec<f64> = rated
                .iter()
                .filter(|(d, _)| *d < start + 7)
                .map(|(_, v)| *v)
                .collect();
            let late_from = latest.saturating_sub(13).max(start + 7);
            let late: Vec<f64> = if latest >= start + 20 {
                rated
                    .iter()
                    .filter(|(d, _)| *d >= late_from)
                    .map(|(_, v)| *v)
                    .collect()
            } else {
                Vec::new()
            };
            let (a, b) = (sample(&first), sample(&late));
            let enough = first.len() >= MIN_FIRST_WEEK && late.len() >= MIN_LATEST;
            let (interval, p_value) = match (&a, &b) {
                (Some(a), Some(b)) if enough => {
                    let (interval, p) = welch(a, b);
                    (Some(interval), Some(p))
                }
                _ => (None, None),
            };
            trends.push(Trend {
                metric: *concern,
                n_first_week: first.len(),
                n_latest_two_weeks: late.len(),
                first_mean: a.as_ref().map(|s| s.mean),
                latest_mean: b.as_ref().map(|s| s.mean),
                difference: a.as_ref().zip(b.as_ref()).map(|(a, b)| b.mean - a.mean),
                ci_low: interval.map(|i| i[0]),
                ci_high: interval.map(|i| i[1]),
                p_value,
                p_adjusted: None,
                verdict: TrendVerdict::NotEnoughData,
            });
        }
        let adjusted = holm(&trends.iter().map(|t| t.p_value).collect::<Vec<_>>());
        for (trend, p) in trends.iter_mut().zip(adjusted) {
            trend.p_adjusted = p;
            trend.verdict = match (p, trend.difference) {
                (None, _) | (_, None) => TrendVerdict::NotEnoughData,
                (Some(p), Some(c)) if p < ALPHA && c > 0.0 => TrendVerdict::Improved,
                (Some(p), Some(c)) if p < ALPHA && c < 0.0 => TrendVerdict::Worsened,
                _ => TrendVerdict::NoClearChange,
            };
        }
    }

    let (text, next) = say(
        knowledge,
        inputs.experiment.is_some(),
        &comparisons,
        &trends,
    );
    let mut caveats = vec![
        "A before/after change cannot tell the serum apart from the season, stress, sleep or anything else that changed meanwhile.".to_string(),
        "Ratings are how your skin looked and felt to you: they are not a dermatologist's assessment.".to_string(),
    ];
    if inputs.experiment.is_some() {
        caveats.insert(
            0,
            "Mask evenings were drawn at random, so a difference between mornings after a mask and other mornings is the mask's, not chance's, when the test says so; the mornings were not blinded, and knowing you used a mask can colour a rating.".to_string(),
        );
    }
    Results {
        experiment: inputs.experiment.is_some(),
        primary_metric: primary,
        comparisons,
        trends,
        text,
        next,
        caveats,
        method: Method {
            redraws: if inputs.experiment.is_some() {
                inputs.redraws
            } else {
                0
            },
            alpha: ALPHA,
            correction: "holm",
            interval: "welch_t_95",
            rules: &[
                "experiment",
                "experiment_randomization",
                "experiment_several_concerns",
            ],
        },
    }
}

fn points(value: f64) -> String {
    let value = value.abs();
    if (value - 1.0).abs() < 0.05 {
        "1.0 point".into()
    } else {
        format!("{value:.1} points")
    }
}

fn ratings(n: usize) -> String {
    if n == 1 {
        "1 rating".into()
    } else {
        format!("{n} ratings")
    }
}

fn mornings(n: usize) -> String {
    if n == 1 {
        "1 morning".into()
    } else {
        format!("{n} mornings")
    }
}

fn span(interval: Option<[f64; 2]>) -> String {
    interval.map_or_else(String::new, |[lo, hi]| format!(" ({lo:.1} to {hi:.1})"))
}

/// The summary paragraph and what to change next.
fn say(
    knowledge: &Knowledge,
    experiment: bool,
    comparisons: &[Comparison],
    trends: &[Trend],
) -> (String, String) {
    let name = |c: Concern| knowledge.labels.concern(c).to_lowercase();
    let mut sentences = Vec::new();
    for c in comparisons {
        let d = c.difference.unwrap_or(0.0);
        sentences.push(match c.verdict {
            MaskVerdict::Better => format!(
                "On mornings after a mask your {} rating was {} better{}: masks help you.",
                name(c.metric), points(d), span(c.interval())
            ),
            MaskVerdict::Worse => format!(
                "On mornings after a mask your {} rating was {} worse{}: masks do not suit you.",
                name(c.metric), points(d), span(c.interval())
            ),
            MaskVerdict::NoClearDifference => format!(
                "On mornings after a mask your {} rating was {} {}{}, which chance alone could give: no clear difference.",
                name(c.metric), points(d), if d >= 0.0 { "higher" } else { "lower" }, span(c.interval())
            ),
            MaskVerdict::NotEnoughData => format!(
                "For {}, {} after a mask and {} others are rated: a comparison needs {MIN_MORNINGS} of each.",
                name(c.metric), mornings(c.n_treatment), c.n_control
            ),
        });
    }
    for t in trends {
        let c = t.difference.unwrap_or(0.0);
        sentences.push(match t.verdict {
            TrendVerdict::Improved => format!(
                "Your {} rating improved by {} since the serum started{}.",
                name(t.metric), points(c), span(t.interval())
            ),
            TrendVerdict::Worsened => format!(
                "Your {} rating fell by {} since the serum started{}.",
                name(t.metric), points(c), span(t.interval())
            ),
            TrendVerdict::NoClearChange => format!(
                "Your {} rating changed by {} since the serum started{}, which chance alone could give: no clear change yet.",
                name(t.metric), points(c), span(t.interval())
            ),
            TrendVerdict::NotEnoughData => format!(
                "For {} since the serum started, {} in its first week and {} in its latest two weeks: a trend needs {MIN_FIRST_WEEK} and {MIN_LATEST}, three weeks apart or more.",
                name(t.metric), ratings(t.n_first_week), ratings(t.n_latest_two_weeks)
            ),
        });
    }
    if sentences.is_empty() {
        sentences.push("No ratings yet: rate your skin each morning in a check-in.".into());
    }
    let lead = comparisons.first();
    let next = match lead.map(|c| c.verdict) {
        Some(MaskVerdict::Better) => "Keep your mask evenings; the serums stay daily.".to_string(),
        Some(MaskVerdict::Worse) => "Try a gentler mask, or leave masks out and keep the serums; if your skin reacts, stop and see the advice on reactions.".to_string(),
        Some(MaskVerdict::NoClearDifference) => "Masks make no clear difference for you so far: keep going to the end of the plan, then keep them only if you enjoy them.".to_string(),
        Some(MaskVerdict::NotEnoughData) | None if experiment => "Keep checking in every morning, mask or not: each rated morning makes the answer surer.".to_string(),
        _ => "Rate your skin each morning; a plan made as an experiment can also tell what masks do for you.".to_string(),
    };
    (sentences.join(" "), next)
}

#[cfg(test)]
mod tests {
    use super::{holm, sample, welch};

    #[test]
    fn holm_adjusts_in_order_and_never_lowers_a_later_p() {
        let adjusted = holm(&[Some(0.01), None, Some(0.04), Some(0.03)]);
        // Sorted 0.01, 0.03, 0.04: 3 x 0.01, max(0.03, 2 x 0.03), max(0.06, 1 x 0.04).
        let expected = [Some(0.03), None, Some(0.06), Some(0.06)];
        for (a, e) in adjusted.iter().zip(expected) {
            assert_eq!(
                a.map(|p| (p * 1e9).round()),
                e.map(|p: f64| (p * 1e9).round())
            );
        }
    }

    #[test]
    fn welch_matches_a_textbook_example() {
        // Means 2 and 4, variances 0.8 each: se = sqrt(0.8/6 + 0.8/6) = 0.5164,
        // t = 3.873 on 10 degrees of freedom, two-sided p = 0.0031, and the 97.5%
        // quantile of t(10) is 2.228 (any table).
        let a = sample(&[1.0, 2.0, 3.0, 2.0, 1.0, 3.0]).expect("a");
        let b = sample(&[4.0, 5.0, 3.0, 4.0, 5.0, 3.0]).expect("b");
        let (interval, p) = welch(&a, &b);
        assert!(((interval[0] + interval[1]) / 2.0 - 2.0).abs() < 1e-9);
        assert!((p - 0.0031).abs() < 0.0002, "{p}");
        let half = (interval[1] - interval[0]) / 2.0;
        assert!((half - 2.228 * 0.5164).abs() < 0.01, "{half}");
    }
}
