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
use crate::profile::IsoDate;
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
    /// Adjusted for the concerns compared (the first-named first, then Holm's method).
    pub p_adjusted: Option<f64>,
    /// What it says.
    pub verdict: MaskVerdict,
    /// The same against only the mornings with no mask on either of the two evenings
    /// before (a mask's effect that lasts two mornings counts fully): what it says
    /// beside the verdict, which is the comparison above.
    pub clear: Option<Clear>,
}

/// Mask mornings against the mornings clear of a mask for two evenings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Clear {
    /// Clear mornings rated.
    pub n_control: usize,
    /// `mean_treatment` less the clear mornings' mean.
    pub difference: f64,
    /// Welch's 95% interval: its low end.
    pub ci_low: f64,
    /// Its high end.
    pub ci_high: f64,
    /// The randomization test's two-sided p-value (the plan's own rule drawn again).
    pub p_value: f64,
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
    /// How far the plan had come at the latest rating, and the level its verdicts met.
    pub progress: Progress,
    /// The mask evenings drawn so far and those ticked done, and the reactions noted
    /// (an experiment only).
    pub adherence: Option<Adherence>,
    /// Each concern's ratings by morning, for a chart.
    pub series: Vec<Series>,
}

/// One concern's ratings over the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The concern rated.
    pub metric: Concern,
    /// Its ratings, by morning.
    pub points: Vec<Point>,
}

/// One morning's rating.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// The morning (0 = the plan's first day).
    pub morning: usize,
    /// The rating, 1 to 5.
    pub rating: f64,
    /// Whether a mask evening drawn by the experiment came before it.
    pub after_mask: bool,
}

/// How far the plan had come: the verdicts are made at its planned end; a look before
/// it claims only past a stricter line (O'Brien-Fleming's shape), so that looking every
/// week and stopping at the first verdict does not add false claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// The latest morning rated (1 = the plan's second morning, after its first evening).
    pub latest_morning: usize,
    /// The plan's mornings.
    pub mornings: usize,
    /// The plan's last morning: the verdicts' day.
    pub planned_end: IsoDate,
    /// Whether the latest rating is on the last morning (or later).
    pub final_look: bool,
    /// The p-value a verdict had to be below at this look (0.05 at the end).
    pub level: f64,
}

/// What was done of what the experiment drew, from the check-ins' ticks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adherence {
    /// Mask evenings drawn up to the latest check-in.
    pub masks_planned: usize,
    /// Of them, those whose evening has a mask ticked done.
    pub masks_done: usize,
    /// Check-ins that noted a skin reaction.
    pub reactions: usize,
}

/// The level a verdict must meet when `reached` (0 to 1) of the plan's mornings are in:
/// 2(1 - Φ(z / √reached)) with z = 1.96, O'Brien and Fleming's boundary shape (Lan and
/// DeMets' spending function): tiny early, 0.05 at the end.
pub fn level_at(reached: f64) -> f64 {
    if reached >= 1.0 {
        return ALPHA;
    }
    if reached <= 0.0 {
        return 0.0;
    }
    let z = 1.959_963_984_540_054 / reached.sqrt();
    2.0 * (1.0 - distrs::Normal::cdf(z, 0.0, 1.0))
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
    let p = two_sided_p(t, df);
    ([difference - quantile * se, difference + quantile * se], p)
}

/// The change from one run of mornings to a later one (`late` mean less `first` mean),
/// its 95% interval and two-sided p-value, allowing for ratings that run in streaks: a
/// good week rated good day after day is one piece of evidence, not seven. The
/// ratings' day-to-day correlation is read as an AR(1) from the whole `period` (the
/// lag-one correlation, on consecutive mornings, of each rating's distance from a
/// straight line through the period, corrected for its bias in a short series); the
/// variance of each run's mean and their covariance follow from it exactly for the
/// mornings rated, and the t distribution takes the effective number of mornings less
/// two as its degrees of freedom. Welch's test, which takes every morning as
/// independent, claimed a change for 17% of simulated people with none at a
/// correlation of 0.5 (42% at 0.8).
fn streaky(
    first: &[(usize, f64)],
    late: &[(usize, f64)],
    period: &[(usize, f64)],
) -> Option<([f64; 2], f64)> {
    if first.len() < 2 || late.len() < 2 || period.len() < 4 {
        return None;
    }
    let mean = |run: &[(usize, f64)]| run.iter().map(|(_, v)| v).sum::<f64>() / run.len() as f64;
    let difference = mean(late) - mean(first);
    // The period's distances from its straight line.
    let n = period.len() as f64;
    let (mx, my) = (
        period.iter().map(|(d, _)| *d as f64).sum::<f64>() / n,
        mean(period),
    );
    let sxx: f64 = period.iter().map(|(d, _)| (*d as f64 - mx).powi(2)).sum();
    let sxy: f64 = period
        .iter()
        .map(|(d, v)| (*d as f64 - mx) * (v - my))
        .sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let residuals: Vec<(usize, f64)> = period
        .iter()
        .map(|(d, v)| (*d, v - my - slope * (*d as f64 - mx)))
        .collect();
    let squares: f64 = residuals.iter().map(|(_, e)| e * e).sum();
    let lagged: f64 = residuals
        .windows(2)
        .filter(|w| w[1].0 == w[0].0 + 1)
        .map(|w| w[0].1 * w[1].1)
        .sum();
    let raw = if squares > 0.0 { lagged / squares } else { 0.0 };
    // The lag-one correlation of a short series runs low by about (1 + 3 rho) / n, and
    // by about 2 / n more for the line taken out.
    let rho = (raw + (3.0 + 3.0 * raw) / n).clamp(0.0, 0.95);
    let weight = |a: &[(usize, f64)], b: &[(usize, f64)]| -> f64 {
        a.iter()
            .flat_map(|(i, _)| {
                b.iter()
                    .map(move |(j, _)| rho.powi(i32::try_from(i.abs_diff(*j)).unwrap_or(i32::MAX)))
            })
            .sum()
    };
    // Distances from a line through correlated ratings understate their variance.
    let kept = n - weight(period, period) / n - 1.0;
    if kept <= 0.0 {
        return None;
    }
    let variance = squares / kept;
    let (n1, n2) = (first.len() as f64, late.len() as f64);
    let (w1, w2, w12) = (
        weight(first, first),
        weight(late, late),
        weight(first, late),
    );
    let se = (variance * (w1 / (n1 * n1) + w2 / (n2 * n2) - 2.0 * w12 / (n1 * n2)))
        .max(0.0)
        .sqrt();
    if se <= f64::EPSILON {
        let p = if difference.abs() <= f64::EPSILON {
            1.0
        } else {
            0.0
        };
        return Some(([difference, difference], p));
    }
    let effective = (n1 + n2) * (1.0 - rho) / (1.0 + rho);
    let df = (effective - 2.0).max(2.0);
    let quantile = distrs::StudentsT::ppf(0.975, df);
    let t = difference / se;
    let p = two_sided_p(t, df);
    Some(([difference - quantile * se, difference + quantile * se], p))
}

/// The two-sided p-value of `t` on `df` degrees of freedom: the regularized incomplete
/// beta function I_x(df/2, 1/2) at x = df / (df + t^2). (distrs' t CDF overflows a
/// counter, and so panics or loops, for whole degrees of freedom below 20 and t above 2.)
pub(crate) fn two_sided_p(t: f64, df: f64) -> f64 {
    if !t.is_finite() || !df.is_finite() || df <= 0.0 {
        return if t.is_infinite() { 0.0 } else { 1.0 };
    }
    let x = df / (df + t * t);
    incomplete_beta(df / 2.0, 0.5, x).clamp(0.0, 1.0)
}

/// The regularized incomplete beta function I_x(a, b), by its continued fraction
/// (modified Lentz; Numerical Recipes 6.4), at most 300 terms.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The fraction converges fast for x below (a + 1) / (a + b + 2); else by symmetry.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        for step in [
            even,
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + step * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + step / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-14 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let sum = G[1..]
        .iter()
        .enumerate()
        .fold(G[0], |acc, (i, g)| acc + g / (x + i as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The p-values adjusted for the concerns tested: with the first-named concern first
/// (`primary_first`), a fixed sequence: it is tested alone at the level, and the
/// others, adjusted among themselves by Holm's method, only count when it gives a
/// clear answer (each adjusted value is at least the first's). Without one, Holm's
/// method over all. Either keeps the chance of any false claim at the level.
fn adjust(p: &[Option<f64>], primary_first: bool) -> Vec<Option<f64>> {
    match p.split_first() {
        Some((Some(first), rest)) if primary_first => {
            let mut adjusted = vec![Some(*first)];
            adjusted.extend(holm(rest).into_iter().map(|q| q.map(|q| q.max(*first))));
            adjusted
        }
        _ => holm(p),
    }
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

/// What an adjusted p-value and a difference say at this look's `level`: `Some(true)`
/// a claimed rise, `Some(false)` a claimed fall, `None` nothing claimed; and whether
/// there was a test at all.
fn claim(p: Option<f64>, difference: Option<f64>, level: f64) -> Option<Option<bool>> {
    match (p, difference) {
        (Some(p), Some(d)) if p < level && d != 0.0 => Some(Some(d > 0.0)),
        (Some(_), Some(_)) => Some(None),
        _ => None,
    }
}

/// The comparisons' adjusted p-values and verdicts at this look's `level`.
fn judge_masks(comparisons: &mut [Comparison], primary_first: bool, level: f64) {
    let adjusted = adjust(
        &comparisons.iter().map(|c| c.p_value).collect::<Vec<_>>(),
        primary_first,
    );
    for (comparison, p) in comparisons.iter_mut().zip(adjusted) {
        comparison.p_adjusted = p;
        comparison.verdict = match claim(p, comparison.difference, level) {
            None => MaskVerdict::NotEnoughData,
            Some(Some(true)) => MaskVerdict::Better,
            Some(Some(false)) => MaskVerdict::Worse,
            Some(None) => MaskVerdict::NoClearDifference,
        };
    }
}

/// The trends' adjusted p-values and verdicts at this look's `level`.
fn judge_trends(trends: &mut [Trend], primary_first: bool, level: f64) {
    let adjusted = adjust(
        &trends.iter().map(|t| t.p_value).collect::<Vec<_>>(),
        primary_first,
    );
    for (trend, p) in trends.iter_mut().zip(adjusted) {
        trend.p_adjusted = p;
        trend.verdict = match claim(p, trend.difference, level) {
            None => TrendVerdict::NotEnoughData,
            Some(Some(true)) => TrendVerdict::Improved,
            Some(Some(false)) => TrendVerdict::Worsened,
            Some(None) => TrendVerdict::NoClearChange,
        };
    }
}

/// Each concern's ratings by morning, mornings after a drawn mask marked.
fn series(
    concerns: &[Concern],
    ratings: &BTreeMap<Concern, BTreeMap<usize, f64>>,
    drawn: &[bool],
) -> Vec<Series> {
    concerns
        .iter()
        .map(|c| Series {
            metric: *c,
            points: ratings[c]
                .iter()
                .map(|(morning, rating)| Point {
                    morning: *morning,
                    rating: *rating,
                    after_mask: *morning > 0 && drawn.get(morning - 1) == Some(&true),
                })
                .collect(),
        })
        .collect()
}

/// What the numbers cannot tell.
fn caveats(experiment: bool) -> Vec<String> {
    let mut caveats = vec![
        "A before/after change cannot tell the serum apart from the season, stress, sleep or anything else that changed meanwhile.".to_string(),
        "Ratings are how your skin looked and felt to you: they are not a dermatologist's assessment.".to_string(),
    ];
    if experiment {
        caveats.insert(
            0,
            "Mask evenings were drawn at random, so chance and what else happened in your weeks are ruled out as the cause of a difference the test finds; expectation is not: the mornings were not blinded, and knowing you used a mask the evening before can colour a rating.".to_string(),
        );
    }
    caveats
}

/// The masks done and reactions noted, after the summary; a look before the planned end
/// that claims nothing says when the answer is due, before the Next line.
fn say_progress(
    (text, next): (&mut String, &mut String),
    adherence: Option<&Adherence>,
    progress: &Progress,
    lead: Option<&Comparison>,
) {
    if let Some(a) = adherence {
        if a.masks_planned > 0 {
            text.push_str(&format!(
                " You did {} of the {} mask evenings drawn so far.",
                a.masks_done, a.masks_planned
            ));
        }
        match a.reactions {
            0 => {}
            1 => text.push_str(" You noted a skin reaction on 1 day."),
            n => text.push_str(&format!(" You noted a skin reaction on {n} days.")),
        }
    }
    let claimed =
        lead.is_some_and(|c| matches!(c.verdict, MaskVerdict::Better | MaskVerdict::Worse));
    if adherence.is_some() && !progress.final_look && !claimed && progress.latest_morning > 0 {
        *next = format!(
            "Too early to tell: the answer is due on {}, when the plan ends; look again then (an earlier look claims only a large difference). {next}",
            progress.planned_end.0.format("%a %-d %b %Y")
        );
    }
}

/// One concern over the serum period (from morning `start`): its first week against
/// its latest two weeks, three weeks apart or more, by the streak-aware test.
fn follow(metric: Concern, rated: &[(usize, f64)], start: usize) -> Trend {
    let latest = rated.last().map_or(start, |(d, _)| *d);
    let first_days: Vec<(usize, f64)> = rated
        .iter()
        .filter(|(d, _)| *d < start + 7)
        .copied()
        .collect();
    let late_from = latest.saturating_sub(13).max(start + 7);
    let late_days: Vec<(usize, f64)> = if latest >= start + 20 {
        rated
            .iter()
            .filter(|(d, _)| *d >= late_from)
            .copied()
            .collect()
    } else {
        Vec::new()
    };
    let values = |run: &[(usize, f64)]| -> Vec<f64> { run.iter().map(|(_, v)| *v).collect() };
    let (first, late) = (values(&first_days), values(&late_days));
    let (a, b) = (sample(&first), sample(&late));
    let enough = first.len() >= MIN_FIRST_WEEK && late.len() >= MIN_LATEST;
    let tested = if enough {
        streaky(&first_days, &late_days, rated)
    } else {
        None
    };
    Trend {
        metric,
        n_first_week: first.len(),
        n_latest_two_weeks: late.len(),
        first_mean: a.as_ref().map(|s| s.mean),
        latest_mean: b.as_ref().map(|s| s.mean),
        difference: a.as_ref().zip(b.as_ref()).map(|(a, b)| b.mean - a.mean),
        ci_low: tested.map(|t| t.0[0]),
        ci_high: tested.map(|t| t.0[1]),
        p_value: tested.map(|t| t.1),
        p_adjusted: None,
        verdict: TrendVerdict::NotEnoughData,
    }
}

/// One concern's mask mornings against its other mornings (the verdict's comparison),
/// and against its clear mornings: means, Welch's interval, and the randomization
/// test's p-value over the re-drawn evenings.
fn compare(
    metric: Concern,
    rated: &[(usize, f64)],
    drawn: &[bool],
    redrawn: &[Vec<bool>],
) -> Comparison {
    let group = |controls: Option<Controls>| -> Vec<f64> {
        rated
            .iter()
            .filter(|(d, _)| match controls {
                None => drawn[d - 1],
                Some(c) => c.holds(*d, drawn),
            })
            .map(|(_, v)| *v)
            .collect()
    };
    let mask = group(None);
    let test = |controls: Controls| -> Option<(Sample, [f64; 2], f64)> {
        let other = group(Some(controls));
        if mask.len() < MIN_MORNINGS || other.len() < MIN_MORNINGS {
            return None;
        }
        let (a, b) = (sample(&other)?, sample(&mask)?);
        let observed = mask_difference(rated, drawn, controls).abs();
        let as_far = redrawn
            .iter()
            .filter(|m| mask_difference(rated, m, controls).abs() >= observed - 1e-9)
            .count();
        let p = (1 + as_far) as f64 / (1 + redrawn.len()) as f64;
        let interval = welch(&a, &b).0;
        Some((a, interval, p))
    };
    let others = group(Some(Controls::Others));
    let (a, b) = (sample(&others), sample(&mask));
    let main = test(Controls::Others);
    let clear = test(Controls::Clear).and_then(|(control, interval, p)| {
        Some(Clear {
            n_control: control.n,
            difference: b.as_ref()?.mean - control.mean,
            ci_low: interval[0],
            ci_high: interval[1],
            p_value: p,
        })
    });
    Comparison {
        metric,
        treatment: "mask",
        n_treatment: mask.len(),
        n_control: others.len(),
        mean_treatment: b.as_ref().map(|s| s.mean),
        mean_control: a.as_ref().map(|s| s.mean),
        difference: a.as_ref().zip(b.as_ref()).map(|(a, b)| b.mean - a.mean),
        ci_low: main.as_ref().map(|m| m.1[0]),
        ci_high: main.as_ref().map(|m| m.1[1]),
        p_value: main.as_ref().map(|m| m.2),
        p_adjusted: None,
        verdict: MaskVerdict::NotEnoughData,
        clear,
    }
}

/// The mask evenings drawn before the latest rated morning, those ticked done in the
/// evening's check-in, and the check-ins that noted a reaction.
fn adherence(inputs: &Inputs<'_>, drawn: &[bool], latest_morning: usize) -> Adherence {
    let by_day: BTreeMap<usize, &Checkin> = inputs
        .checkins
        .iter()
        .filter_map(|c| {
            let day = usize::try_from((c.date.0 - inputs.start).num_days()).ok()?;
            Some((day, c))
        })
        .collect();
    let planned: Vec<usize> = (0..latest_morning.min(drawn.len()))
        .filter(|d| drawn[*d])
        .collect();
    let done = planned
        .iter()
        .filter(|d| {
            by_day.get(d).is_some_and(|c| {
                c.pm_done
                    .iter()
                    .any(|k| k == "mask" || k.starts_with("mask:"))
            })
        })
        .count();
    Adherence {
        masks_planned: planned.len(),
        masks_done: done,
        reactions: by_day
            .range(..=drawn.len())
            .filter(|(_, c)| !c.reactions.is_empty())
            .count(),
    }
}

/// Which mornings a mask's mornings are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Controls {
    /// Every other morning.
    Others,
    /// Mornings with no mask on either of the two evenings before.
    Clear,
}

impl Controls {
    /// Whether morning `day` (1 or later) is a control under the evenings `mask`.
    fn holds(self, day: usize, mask: &[bool]) -> bool {
        !mask[day - 1] && (self == Controls::Others || day < 2 || !mask[day - 2])
    }
}

/// The difference of the means of the mornings after a mask evening (`mask[d - 1]`)
/// and the control mornings, 0 when a group is empty.
fn mask_difference(ratings: &[(usize, f64)], mask: &[bool], controls: Controls) -> f64 {
    let (mut sum_mask, mut n_mask, mut sum_other, mut n_other) = (0.0, 0usize, 0.0, 0usize);
    for &(day, value) in ratings {
        if mask[day - 1] {
            sum_mask += value;
            n_mask += 1;
        } else if controls.holds(day, mask) {
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
    // The first-named concern, when it was rated, is tested first (fixed sequence).
    let primary_first = primary.is_some() && concerns.first() == primary.as_ref();
    let latest_morning = ratings
        .values()
        .filter_map(|m| m.keys().next_back().copied())
        .max()
        .unwrap_or(0);
    let progress = Progress {
        latest_morning,
        mornings: days,
        planned_end: IsoDate(inputs.start + chrono::Days::new(days as u64)),
        final_look: latest_morning >= days,
        level: level_at(latest_morning as f64 / days.max(1) as f64),
    };

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
    let after_fixed = |day: usize| day > 0 && fixed.get(day - 1).copied().unwrap_or(false);

    let mut comparisons = Vec::new();
    if inputs.experiment.is_some() {
        for concern in &concerns {
            let rated: Vec<(usize, f64)> = ratings[concern]
                .iter()
                .filter(|(day, _)| (1..=days).contains(*day) && !after_fixed(**day))
                .map(|(d, v)| (*d, *v))
                .collect();
            comparisons.push(compare(*concern, &rated, &drawn, &redrawn));
        }
        judge_masks(&mut comparisons, primary_first, progress.level);
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
            trends.push(follow(*concern, &rated, start));
        }
        judge_trends(&mut trends, primary_first, progress.level);
    }

    let (mut text, mut next) = say(
        knowledge,
        (inputs.experiment.is_some(), !progress.final_look),
        &comparisons,
        &trends,
    );
    let adherence = inputs
        .experiment
        .map(|_| adherence(inputs, &drawn, latest_morning));
    say_progress(
        (&mut text, &mut next),
        adherence.as_ref(),
        &progress,
        comparisons.first(),
    );
    let caveats = caveats(inputs.experiment.is_some());
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
            correction: if primary_first {
                "fixed_sequence_then_holm"
            } else {
                "holm"
            },
            interval: "welch_t_95",
            rules: &[
                "experiment",
                "experiment_planned_end",
                "experiment_randomization",
                "experiment_several_concerns",
                "experiment_streaky_ratings",
            ],
        },
        progress,
        adherence,
        series: series(&concerns, &ratings, &drawn),
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

/// The interval of a difference the verdict does not claim: when it leaves out zero (it
/// is for this concern alone, the verdict allows for every concern rated), it says so.
fn unclaimed_span(interval: Option<[f64; 2]>, concerns: usize, early: bool) -> String {
    match interval {
        Some([lo, hi]) if lo > 0.0 || hi < 0.0 => {
            let why = if early {
                "before the plan's end a difference must be larger to count".to_string()
            } else if concerns > 1 {
                format!("for this concern alone; allowing for the {concerns} concerns you rate, chance could give it")
            } else {
                "a rougher measure; the test that counts says chance could give it".to_string()
            };
            format!(" ({lo:.1} to {hi:.1}: {why})")
        }
        other => format!("{}, which chance alone could give", span(other)),
    }
}

/// "rose by 0.5 points" or "fell by 0.5 points".
fn moved(value: f64) -> String {
    let way = if value >= 0.0 { "rose" } else { "fell" };
    format!("{way} by {}", points(value))
}

/// The summary paragraph and what to change next.
fn say(
    knowledge: &Knowledge,
    (experiment, early): (bool, bool),
    comparisons: &[Comparison],
    trends: &[Trend],
) -> (String, String) {
    let name = |c: Concern| knowledge.labels.concern(c).to_lowercase();
    let mut sentences = Vec::new();
    for c in comparisons {
        let d = c.difference.unwrap_or(0.0);
        sentences.push(match c.verdict {
            MaskVerdict::Better => format!(
                "On mornings after a mask your {} rating was {} better{}: masks help your {}.",
                name(c.metric), points(d), span(c.interval()), name(c.metric)
            ),
            MaskVerdict::Worse => format!(
                "On mornings after a mask your {} rating was {} worse{}: masks do not suit your {}.",
                name(c.metric), points(d), span(c.interval()), name(c.metric)
            ),
            MaskVerdict::NoClearDifference => format!(
                "On mornings after a mask your {} rating was {} {}{}: no clear difference.",
                name(c.metric), points(d), if d >= 0.0 { "higher" } else { "lower" },
                unclaimed_span(c.interval(), comparisons.len(), early)
            ),
            MaskVerdict::NotEnoughData => format!(
                "For {}, {} after a mask and {} others are rated: a comparison needs {MIN_MORNINGS} of each.",
                name(c.metric), mornings(c.n_treatment), c.n_control
            ),
        });
        // A mask's effect may last a second morning: the mornings clear of a mask for
        // two evenings, said beside it.
        if let (Some(clear), false) = (&c.clear, c.verdict == MaskVerdict::NotEnoughData) {
            sentences.push(format!(
                "Against the {} with no mask on either of the two evenings before, it was {} {}{}.",
                mornings(clear.n_control),
                points(clear.difference),
                if clear.difference >= 0.0 {
                    "higher"
                } else {
                    "lower"
                },
                span(Some([clear.ci_low, clear.ci_high]))
            ));
        }
    }
    for t in trends {
        let c = t.difference.unwrap_or(0.0);
        sentences.push(match t.verdict {
            TrendVerdict::Improved => format!(
                "Your {} rating rose by {} from the serum's first week to its latest two{}, more than good and bad spells alone would give.",
                name(t.metric), points(c), span(t.interval())
            ),
            TrendVerdict::Worsened => format!(
                "Your {} rating fell by {} from the serum's first week to its latest two{}, more than good and bad spells alone would give.",
                name(t.metric), points(c), span(t.interval())
            ),
            TrendVerdict::NoClearChange => format!(
                "Your {} rating {} from the serum's first week to its latest two{}: no clear change yet.",
                name(t.metric), moved(c), unclaimed_span(t.interval(), trends.len(), early)
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
    // The Next line follows the concern named first, and says so.
    let lead = comparisons.first();
    let about = lead.map_or_else(String::new, |c| format!("For your {}: ", name(c.metric)));
    let next = match lead.map(|c| c.verdict) {
        Some(MaskVerdict::Better) => format!("{about}keep your mask evenings; the serums stay daily."),
        Some(MaskVerdict::Worse) => format!("{about}try a gentler mask, or leave masks out and keep the serums; if your skin reacts, stop and see the advice on reactions."),
        Some(MaskVerdict::NoClearDifference) => format!("{about}masks make no clear difference so far: keep going to the end of the plan, then keep them only if you enjoy them."),
        Some(MaskVerdict::NotEnoughData) | None if experiment => "Keep checking in every morning, mask or not: each rated morning makes the answer surer.".to_string(),
        _ => "Rate your skin each morning; a plan made as an experiment can also tell what masks do for you.".to_string(),
    };
    (sentences.join(" "), next)
}

#[cfg(test)]
mod tests {
    use super::{adjust, holm, sample, say, welch, Comparison, MaskVerdict, Trend, TrendVerdict};
    use crate::knowledge::Knowledge;
    use crate::vocab::Concern;

    fn comparison(metric: Concern, d: f64, ci: [f64; 2], verdict: MaskVerdict) -> Comparison {
        Comparison {
            metric,
            treatment: "mask",
            n_treatment: 16,
            n_control: 40,
            mean_treatment: Some(3.0 + d),
            mean_control: Some(3.0),
            difference: Some(d),
            ci_low: Some(ci[0]),
            ci_high: Some(ci[1]),
            p_value: Some(0.03),
            p_adjusted: Some(0.06),
            verdict,
            clear: None,
        }
    }

    fn trend(metric: Concern, d: f64, ci: [f64; 2], verdict: TrendVerdict) -> Trend {
        Trend {
            metric,
            n_first_week: 7,
            n_latest_two_weeks: 14,
            first_mean: Some(3.0),
            latest_mean: Some(3.0 + d),
            difference: Some(d),
            ci_low: Some(ci[0]),
            ci_high: Some(ci[1]),
            p_value: Some(0.4),
            p_adjusted: Some(0.8),
            verdict,
        }
    }

    #[test]
    fn the_words_carry_the_sign_agree_with_the_interval_and_name_the_concern() {
        let knowledge = Knowledge::builtin().expect("knowledge");
        // A fall is said as a fall (it was "changed by 0.5 points").
        let (text, _) = say(
            &knowledge,
            (false, false),
            &[],
            &[trend(
                Concern::Acne,
                -0.5,
                [-1.6, 0.6],
                TrendVerdict::NoClearChange,
            )],
        );
        assert!(text.contains("fell by 0.5 points"), "{text}");
        assert!(text.contains("chance alone could give"), "{text}");
        // An interval that leaves out zero next to a verdict that claims nothing says
        // why (the verdict allows for every concern rated).
        let comparisons = [
            comparison(
                Concern::Acne,
                0.1,
                [-0.3, 0.5],
                MaskVerdict::NoClearDifference,
            ),
            comparison(
                Concern::Dullness,
                0.7,
                [0.2, 1.3],
                MaskVerdict::NoClearDifference,
            ),
        ];
        let (text, next) = say(&knowledge, (true, false), &comparisons, &[]);
        assert!(
            text.contains("0.2 to 1.3: for this concern alone; allowing for the 2 concerns"),
            "{text}"
        );
        assert!(!text.contains("1.3), which chance alone"), "{text}");
        // Before the plan's end, the stricter line is the reason, and it says so.
        let (early, _) = say(&knowledge, (true, true), &comparisons, &[]);
        assert!(
            early.contains("0.2 to 1.3: before the plan's end a difference must be larger"),
            "{early}"
        );
        // The Next line is about the first concern and names it, even when another
        // concern's masks help.
        let comparisons = [
            comparison(
                Concern::Acne,
                0.1,
                [-0.3, 0.5],
                MaskVerdict::NoClearDifference,
            ),
            comparison(Concern::Dullness, 0.9, [0.4, 1.4], MaskVerdict::Better),
        ];
        let (text, next2) = say(&knowledge, (true, false), &comparisons, &[]);
        let dullness = knowledge.labels.concern(Concern::Dullness).to_lowercase();
        assert!(
            text.contains(&format!("masks help your {dullness}")),
            "{text}"
        );
        let acne = knowledge.labels.concern(Concern::Acne).to_lowercase();
        assert!(next2.starts_with(&format!("For your {acne}:")), "{next2}");
        assert!(next.starts_with(&format!("For your {acne}:")), "{next}");
    }

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
    fn the_level_is_strict_early_and_five_percent_at_the_end() {
        use super::level_at;
        assert!((level_at(1.0) - 0.05).abs() < 1e-12);
        // 2(1 - Φ(1.96 / 0.5)) = 2(1 - Φ(3.92)) = 8.9e-5.
        assert!(
            (level_at(0.25) - 8.9e-5).abs() < 0.5e-5,
            "{}",
            level_at(0.25)
        );
        assert!(level_at(0.5) < level_at(0.75) && level_at(0.75) < level_at(1.0));
        assert_eq!(level_at(0.0), 0.0);
    }

    #[test]
    fn the_first_concern_is_tested_first_and_opens_the_others() {
        // The first at 0.03 is claimed alone; the others, Holm among themselves
        // (0.01 x 2, then 0.04), never below it.
        let opened = adjust(&[Some(0.03), Some(0.01), Some(0.04)], true);
        let round = |v: &[Option<f64>]| -> Vec<Option<i64>> {
            v.iter()
                .map(|p| p.map(|p| (p * 1e6).round() as i64))
                .collect()
        };
        assert_eq!(round(&opened), [Some(30_000), Some(30_000), Some(40_000)]);
        // The first unclear: nothing after it can be claimed at 5%.
        let closed = adjust(&[Some(0.2), Some(0.001), Some(0.002)], true);
        assert!(
            closed.iter().all(|p| p.is_some_and(|p| p >= 0.2)),
            "{closed:?}"
        );
        // Without a first-named concern rated: Holm over all.
        assert_eq!(
            round(&adjust(&[Some(0.2), Some(0.001)], false)),
            round(&holm(&[Some(0.2), Some(0.001)]))
        );
    }

    #[test]
    fn t_p_values_match_tables_for_whole_and_broken_degrees_of_freedom() {
        // Two-sided p of t on df (checked against scipy.stats.t.sf, 2026-12-06).
        for (t, df, p) in [
            (2.093, 19.0, 0.0500),
            (2.228, 10.0, 0.0500),
            (3.873, 10.0, 0.0031),
            (12.706, 1.0, 0.0500),
            (1.0, 2.0, 0.4226),
            (2.476, 19.0, 0.0229),
            (1.96, 1e6, 0.0500),
            (0.0, 5.0, 1.0),
            (2.5, 3.04, 0.0866),
        ] {
            let got = super::two_sided_p(t, df);
            assert!((got - p).abs() < 0.0005, "t {t} df {df}: {got} vs {p}");
        }
        assert_eq!(super::two_sided_p(f64::INFINITY, 3.0), 0.0);
        assert_eq!(super::two_sided_p(f64::NAN, 3.0), 1.0);
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
