//! When a plan starts, how long it runs, and whether it is a personal experiment.

use crate::experiment::design::MAX_SEED;
use chrono::{Days, NaiveDate};

/// The longest plan, in weeks.
pub const MAX_WEEKS: u8 = 52;
/// A plan's length when none is asked for.
pub const PLAN_WEEKS: u8 = 4;
/// A personal experiment's length when none is asked for: in 4 weeks a true mask
/// effect of one point is found in about half of people, in 8 in nine of ten.
pub const EXPERIMENT_WEEKS: u8 = 8;

/// The length of a plan when none is asked for: longer for an experiment.
pub fn default_weeks(experiment: bool) -> u8 {
    if experiment {
        EXPERIMENT_WEEKS
    } else {
        PLAN_WEEKS
    }
}

/// When the plan starts and how long it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    start: NaiveDate,
    weeks: u8,
    experiment: Option<u64>,
}

impl PlanOptions {
    /// A plan of `weeks` weeks (1 to [`MAX_WEEKS`]) from `start`.
    pub fn new(start: NaiveDate, weeks: u8) -> Result<PlanOptions, String> {
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(format!(
                "weeks must be between 1 and {MAX_WEEKS}, got {weeks}"
            ));
        }
        // Every day of the plan is written as YYYY-MM-DD: the last one is 9999-12-31 at
        // the latest (the dates a profile, the API and a calendar read back).
        let last_day = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");
        if start
            .checked_add_days(Days::new(u64::from(weeks) * 7 - 1))
            .is_none_or(|end| end > last_day)
        {
            return Err(format!(
                "start date {start} is too far in the future: a plan of {weeks} weeks must end by 9999-12-31"
            ));
        }
        Ok(PlanOptions {
            start,
            weeks,
            experiment: None,
        })
    }

    /// The plan as a personal experiment: its regular mask evenings drawn at random
    /// within each week from `seed` (0 to [`MAX_SEED`]).
    pub fn with_experiment(mut self, seed: u64) -> Result<PlanOptions, String> {
        if seed > MAX_SEED {
            return Err(format!(
                "a seed is a whole number from 0 to {}, got {seed}",
                MAX_SEED
            ));
        }
        self.experiment = Some(seed);
        Ok(self)
    }

    /// The experiment's seed, if the plan is one.
    pub fn experiment(&self) -> Option<u64> {
        self.experiment
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Number of weeks.
    pub fn weeks(&self) -> u8 {
        self.weeks
    }
}
