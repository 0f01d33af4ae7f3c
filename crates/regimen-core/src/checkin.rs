//! A check-in: one day's record of what was done and how the skin was that morning.
//! One checked type that the API, the pages and `regimen results` share: its JSON is
//! what the API stores (docs/product.md), and [`Checkin::check`] names the field of
//! every value out of range. Whether its date has come is the caller's to say (the
//! core has no clock).

use crate::profile::IsoDate;
use crate::vocab::{Concern, Step};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most entries ticked in one routine.
pub const MAX_ENTRIES: usize = 30;
/// The most reactions in one check-in.
pub const MAX_REACTIONS: usize = 20;
/// The longest note, in characters.
pub const MAX_NOTE: usize = 2000;

/// A check-in as sent and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkin {
    /// The day it records.
    pub date: IsoDate,
    /// Routine steps done that day.
    #[serde(default)]
    pub steps_done: Vec<Step>,
    /// The morning routine's entries ticked (the day's checklist), by their key: a step,
    /// or a step and what it holds ("serum:niacinamide"); their steps are in `steps_done`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub am_done: Vec<String>,
    /// The evening routine's entries ticked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pm_done: Vec<String>,
    /// How each concern was that morning: 1 (bad) to 5 (great).
    #[serde(default)]
    pub ratings: BTreeMap<Concern, i64>,
    /// What the skin did (stinging, redness...).
    #[serde(default)]
    pub reactions: Vec<String>,
    /// A free note.
    #[serde(default)]
    pub note: String,
    /// What a store adds when it answers one (`id`, `created_at`, `updated_at`): read
    /// and ignored, so a check-in read from the API can be given back as it came.
    #[serde(default, skip_serializing, rename = "id")]
    pub stored_id: Option<serde_json::Value>,
    /// See `stored_id`.
    #[serde(default, skip_serializing, rename = "created_at")]
    pub stored_created_at: Option<serde_json::Value>,
    /// See `stored_id`.
    #[serde(default, skip_serializing, rename = "updated_at")]
    pub stored_updated_at: Option<serde_json::Value>,
}

/// A value out of range, by its field (`ratings.acne`, `am_done[2]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CheckinError {
    /// The field's path.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> CheckinError {
    CheckinError {
        field: field.into(),
        message: message.into(),
    }
}

impl Checkin {
    /// Reads one from JSON: a value of the wrong type names its field.
    pub fn from_json(text: &str) -> Result<Checkin, CheckinError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let checkin: Checkin =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                let path = error.path().to_string();
                let field = if path == "." {
                    "(check-in)".to_string()
                } else {
                    path
                };
                invalid(field, error.inner().to_string())
            })?;
        deserializer
            .end()
            .map_err(|e| invalid("(check-in)", e.to_string()))?;
        checkin.checked()
    }

    /// Checks every value, and adds the step of each routine entry ticked to
    /// `steps_done`.
    pub fn checked(mut self) -> Result<Checkin, CheckinError> {
        for (field, keys) in [("am_done", &self.am_done), ("pm_done", &self.pm_done)] {
            if keys.len() > MAX_ENTRIES {
                return Err(invalid(
                    field,
                    format!("at most {MAX_ENTRIES} entries a routine"),
                ));
            }
            for (i, key) in keys.iter().enumerate() {
                let (step, what) = key.split_once(':').unwrap_or((key, ""));
                let step = Step::from_id(step).filter(|_| {
                    what.len() <= 60
                        && what
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                });
                let Some(step) = step else {
                    return Err(invalid(
                        format!("{field}[{i}]"),
                        format!("\"{key}\" is not a step of a routine (a step id, then \":\" and what it holds)"),
                    ));
                };
                if !self.steps_done.contains(&step) {
                    self.steps_done.push(step);
                }
            }
        }
        for (concern, rating) in &self.ratings {
            if !(1..=5).contains(rating) {
                return Err(invalid(
                    format!("ratings.{concern}"),
                    format!("a rating is 1 to 5, got {rating}"),
                ));
            }
        }
        if self.reactions.len() > MAX_REACTIONS {
            return Err(invalid(
                "reactions",
                format!("at most {MAX_REACTIONS} reactions"),
            ));
        }
        if let Some(i) = self
            .reactions
            .iter()
            .position(|r| r.trim().is_empty() || r.chars().count() > 100)
        {
            return Err(invalid(
                format!("reactions[{i}]"),
                "a reaction is 1 to 100 characters",
            ));
        }
        if self.note.chars().count() > MAX_NOTE {
            return Err(invalid(
                "note",
                format!("a note has at most {MAX_NOTE} characters"),
            ));
        }
        Ok(self)
    }

    /// The rating of a concern that morning, if given.
    pub fn rating(&self, concern: Concern) -> Option<u8> {
        self.ratings
            .get(&concern)
            .and_then(|r| u8::try_from(*r).ok())
    }
}

/// Reads check-ins one JSON object a line (blank lines skipped); a bad line is named
/// by its number (from 1) and field.
pub fn read_lines(text: &str) -> Result<Vec<Checkin>, (usize, CheckinError)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| Checkin::from_json(line).map_err(|e| (i + 1, e)))
        .collect()
}
