//! A person's profile (docs/product.md), parsed once at the edge from TOML (the CLI)
//! or JSON (the API) into types that cannot hold a bad value. A mistake becomes a
//! [`ProfileError`] that names the field, the line and the value; never a panic.

use crate::vocab::{Concern, Condition, Goal, SkinTone, SkinType};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// The longest time budget a routine may have, in minutes.
pub const MAX_MINUTES: u16 = 240;

/// A person's skin, concerns, goal and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Skin type.
    pub skin_type: SkinType,
    /// Sensitive or reactive skin.
    #[serde(default)]
    pub sensitive: bool,
    /// Concerns, most important first.
    #[serde(default)]
    pub concerns: Vec<Concern>,
    /// Fast results, long-term change or both.
    pub goal: Goal,
    /// Special occasions.
    #[serde(default, deserialize_with = "event_dates")]
    pub events: Vec<IsoDate>,
    /// Pregnant (breastfeeding is its own field).
    #[serde(default)]
    pub pregnant: bool,
    /// Breastfeeding.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub breastfeeding: bool,
    /// Age in whole years, when given.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "age_years"
    )]
    pub age: Option<u8>,
    /// Skin tone on the Fitzpatrick scale, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skin_tone: Option<SkinTone>,
    /// Diagnosed skin conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Time budget of the morning routine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_am: Option<Minutes>,
    /// Time budget of the evening routine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_pm: Option<Minutes>,
    /// First day of the plan; today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<IsoDate>,
    /// Ingredients, actives or groups to avoid.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "avoid_entries"
    )]
    pub avoid: Vec<String>,
    /// Products the person owns.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "shelf_items"
    )]
    pub shelf: Vec<ShelfItem>,
}

/// The most products a shelf may hold.
pub const MAX_SHELF: usize = 60;
/// The longest product name, in characters.
pub const MAX_NAME: usize = 200;
/// The longest ingredient list, in bytes.
pub const MAX_INGREDIENTS: usize = 20_000;

/// The most special occasions a profile may list (a plan is a few weeks long).
pub const MAX_EVENTS: usize = 100;
/// The most entries an avoid list may have.
pub const MAX_AVOID: usize = 100;
/// The longest avoid entry, in characters.
pub const MAX_AVOID_ENTRY: usize = 100;

/// The oldest age a profile may give, in years.
pub const MAX_AGE: u8 = 120;

fn age_years<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    let age = i64::deserialize(deserializer)?;
    match u8::try_from(age) {
        Ok(age) if (1..=MAX_AGE).contains(&age) => Ok(Some(age)),
        _ => Err(serde::de::Error::custom(format!(
            "{age} is not an age in years: give a whole number from 1 to {MAX_AGE}"
        ))),
    }
}

fn event_dates<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IsoDate>, D::Error> {
    let dates = Vec::<IsoDate>::deserialize(deserializer)?;
    if dates.len() > MAX_EVENTS {
        return Err(serde::de::Error::custom(format!(
            "{} events is more than a plan can prepare for (at most {MAX_EVENTS})",
            dates.len()
        )));
    }
    Ok(dates)
}

fn avoid_entries<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let entries = Vec::<String>::deserialize(deserializer)?;
    if entries.len() > MAX_AVOID {
        return Err(serde::de::Error::custom(format!(
            "{} entries is more than an avoid list holds here (at most {MAX_AVOID})",
            entries.len()
        )));
    }
    if let Some(long) = entries.iter().find(|e| e.chars().count() > MAX_AVOID_ENTRY) {
        let start: String = long.chars().take(30).collect();
        return Err(serde::de::Error::custom(format!(
            "the entry \"{start}...\" is longer than {MAX_AVOID_ENTRY} characters"
        )));
    }
    Ok(entries)
}

/// A product the person owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShelfItem {
    /// Its name, as the person calls it.
    #[serde(deserialize_with = "product_name")]
    pub name: String,
    /// Its ingredient list, as printed.
    #[serde(default, deserialize_with = "ingredient_list")]
    pub ingredients: String,
    /// What it is, when the person says so (otherwise the analyzer decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<crate::vocab::ProductKind>,
}

fn shelf_items<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<ShelfItem>, D::Error> {
    let items = Vec::<ShelfItem>::deserialize(deserializer)?;
    if items.len() > MAX_SHELF {
        return Err(serde::de::Error::custom(format!(
            "{} products is more than a shelf holds here (at most {MAX_SHELF})",
            items.len()
        )));
    }
    Ok(items)
}

fn product_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(serde::de::Error::custom("a product needs a name"));
    }
    if trimmed.chars().count() > MAX_NAME {
        return Err(serde::de::Error::custom(format!(
            "a product name has at most {MAX_NAME} characters"
        )));
    }
    Ok(trimmed.to_string())
}

fn ingredient_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let list = String::deserialize(deserializer)?;
    if list.len() > MAX_INGREDIENTS {
        return Err(serde::de::Error::custom(format!(
            "an ingredient list of {} bytes is too long (at most {MAX_INGREDIENTS})",
            list.len()
        )));
    }
    Ok(list)
}

impl Profile {
    /// A minimal profile: the given skin type and goal, nothing else.
    pub fn new(skin_type: SkinType, goal: Goal) -> Profile {
        Profile {
            skin_type,
            sensitive: false,
            concerns: Vec::new(),
            goal,
            events: Vec::new(),
            pregnant: false,
            breastfeeding: false,
            age: None,
            skin_tone: None,
            conditions: Vec::new(),
            minutes_am: None,
            minutes_pm: None,
            start: None,
            avoid: Vec::new(),
            shelf: Vec::new(),
        }
    }

    /// Parses a profile from TOML text.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileError> {
        let deserializer =
            toml::Deserializer::parse(text).map_err(|error| toml_error(text, None, &error))?;
        serde_path_to_error::deserialize(deserializer)
            .map_err(|error| {
                let path = field_path(error.path());
                toml_error(text, path, error.inner())
            })
            .map(Profile::normalized)
    }

    /// Parses a profile from JSON text.
    pub fn from_json(text: &str) -> Result<Profile, ProfileError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let profile: Profile =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                let path = field_path(error.path());
                let inner = error.inner();
                ProfileError {
                    field: path,
                    line: Some(inner.line()),
                    message: friendly(&strip_json_position(&inner.to_string())),
                }
            })?;
        deserializer.end().map_err(|error| ProfileError {
            field: None,
            line: Some(error.line()),
            message: strip_json_position(&error.to_string()),
        })?;
        Ok(profile.normalized())
    }

    /// Renders the profile as TOML, the format `regimen quiz` writes.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Removes repeated concerns, events and avoid entries, keeping the first.
    fn normalized(mut self) -> Profile {
        let mut seen = Vec::new();
        self.concerns.retain(|c| {
            let new = !seen.contains(c);
            seen.push(*c);
            new
        });
        self.events.sort();
        self.events.dedup();
        self.conditions.sort();
        self.conditions.dedup();
        for entry in &mut self.avoid {
            *entry = entry.trim().to_lowercase();
        }
        self.avoid.retain(|a| !a.is_empty());
        self.avoid.dedup();
        self
    }
}

/// A profile that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProfileError {
    /// The field, as a path (`concerns[1]`), when known.
    pub field: Option<String>,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong, naming the value.
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.field) {
            (Some(line), Some(field)) => {
                write!(f, "line {line}, field `{field}`: {}", self.message)
            }
            (Some(line), None) => write!(f, "line {line}: {}", self.message),
            (None, Some(field)) => write!(f, "field `{field}`: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// The 1-based line holding byte `offset` of `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    let path = path.to_string();
    (path != "." && !path.is_empty()).then_some(path)
}

fn toml_error(text: &str, field: Option<String>, error: &toml::de::Error) -> ProfileError {
    ProfileError {
        field,
        line: error.span().map(|span| line_of(text, span.start)),
        message: friendly(error.message().trim()),
    }
}

/// Rewrites serde's "unknown variant `x`, expected one of `a`, `b`" in plain words,
/// with the closest allowed value suggested.
fn friendly(message: &str) -> String {
    for (prefix, noun) in [("unknown variant `", "value"), ("unknown field `", "field")] {
        let Some(rest) = message.strip_prefix(prefix) else {
            continue;
        };
        let Some((given, expected)) = rest.split_once('`') else {
            continue;
        };
        let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let closest = allowed
            .iter()
            .map(|a| (strsim::jaro_winkler(given, a), *a))
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let mut text = format!("unknown {noun} \"{given}\"");
        if let Some((_, suggestion)) = closest {
            text.push_str(&format!(" (did you mean \"{suggestion}\"?)"));
        }
        if !allowed.is_empty() {
            text.push_str(&format!("; expected one of: {}", allowed.join(", ")));
        }
        return text;
    }
    message.to_string()
}

fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// A calendar date written as `YYYY-MM-DD` (a quoted string, or a bare TOML date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub NaiveDate);

impl IsoDate {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<IsoDate, String> {
        let text = text.trim();
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 10)
            .map(IsoDate)
            .ok_or_else(|| {
                format!("invalid date \"{text}\": expected a real calendar date as YYYY-MM-DD")
            })
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for IsoDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = IsoDate;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as \"YYYY-MM-DD\"")
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<IsoDate, E> {
                IsoDate::parse(value).map_err(E::custom)
            }
            // A bare TOML date (`events = [2026-12-24]`) arrives as a one-entry map.
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<IsoDate, A::Error> {
                let Some((_, value)) = map.next_entry::<String, String>()? else {
                    return Err(serde::de::Error::custom(
                        "expected a date as \"YYYY-MM-DD\"",
                    ));
                };
                IsoDate::parse(&value).map_err(serde::de::Error::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A routine's time budget: 1 to [`MAX_MINUTES`] minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Minutes(u16);

impl Minutes {
    /// A budget, if it is within range.
    pub fn new(minutes: u16) -> Option<Minutes> {
        (1..=MAX_MINUTES)
            .contains(&minutes)
            .then_some(Minutes(minutes))
    }

    /// The number of minutes.
    pub fn get(self) -> u16 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Minutes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        u16::try_from(value)
            .ok()
            .and_then(Minutes::new)
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{value} minutes is out of range: give a whole number from 1 to {MAX_MINUTES}"
                ))
            })
    }
}

/// A questionnaire's answers as a person typed them (the web form): every field checked
/// at once, so that all the mistakes can be shown together, each by its field, in plain
/// words; then the profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// A skin type id.
    pub skin_type: String,
    /// A goal id.
    pub goal: String,
    /// Sensitive skin.
    pub sensitive: bool,
    /// Pregnant.
    pub pregnant: bool,
    /// Breastfeeding.
    pub breastfeeding: bool,
    /// Age in years, as typed (empty: not given).
    pub age: String,
    /// A Fitzpatrick skin tone ("I" to "VI"; empty: not given).
    pub skin_tone: String,
    /// Condition ids.
    pub conditions: Vec<String>,
    /// Concern ids, each with its rank when one was given (1 first); unranked ones
    /// follow the ranked, in the order given.
    pub concerns: Vec<(String, Option<u8>)>,
    /// Event dates as typed (`YYYY-MM-DD`), empty ones ignored.
    pub events: Vec<String>,
    /// Minutes of the morning routine, as typed (empty: no budget).
    pub minutes_am: String,
    /// Minutes of the evening routine, as typed.
    pub minutes_pm: String,
    /// The avoid list, entries separated by commas.
    pub avoid: String,
    /// The first day, as typed (empty: today).
    pub start: String,
}

/// An event date before `today`, said by its field (`events[0]`; `events` from a form): a
/// special occasion that has passed cannot be prepared for. Checked where a person gives a
/// profile (the questionnaire, the quiz, the API), not where a stored one is read again.
pub fn past_event(
    events: &[IsoDate],
    today: NaiveDate,
    field: Option<&str>,
) -> Option<ProfileError> {
    let at = events.iter().position(|d| d.0 < today)?;
    Some(ProfileError {
        field: Some(field.map_or_else(|| format!("events[{at}]"), str::to_string)),
        line: None,
        message: format!(
            "{} has passed (today is {today}): a special occasion is one still to come.",
            events[at].0
        ),
    })
}

impl Answers {
    /// [`Answers::check`], and an event that has passed (before `today`) is a mistake too.
    pub fn check_on(&self, today: NaiveDate) -> Result<Profile, Vec<ProfileError>> {
        let past = self
            .events
            .iter()
            .flat_map(|e| e.split(','))
            .filter_map(|e| IsoDate::parse(e.trim()).ok())
            .collect::<Vec<_>>();
        let past = past_event(&past, today, Some("events"));
        match (self.check(), past) {
            (Ok(profile), None) => Ok(profile),
            (Ok(_), Some(past)) => Err(vec![past]),
            (Err(mut errors), Some(past)) => {
                // In the order of the questions: after the goal's, before the minutes'.
                let at = errors
                    .iter()
                    .position(|e| {
                        !matches!(
                            e.field.as_deref(),
                            Some("skin_type" | "concerns" | "goal" | "events")
                        )
                    })
                    .unwrap_or(errors.len());
                errors.insert(at, past);
                Err(errors)
            }
            (Err(errors), None) => Err(errors),
        }
    }

    /// The profile these answers give, or every mistake in them, in the order of the
    /// questions, each naming its field (`events`, `minutes_am`, ...).
    pub fn check(&self) -> Result<Profile, Vec<ProfileError>> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| {
            errors.push(ProfileError {
                field: Some(field.to_string()),
                line: None,
                message,
            });
        };
        let skin_type = match self.skin_type.trim() {
            "" => {
                fail("skin_type", "Choose your skin type.".into());
                None
            }
            id => SkinType::from_id(id).or_else(|| {
                fail(
                    "skin_type",
                    format!("\"{id}\" is not a skin type: choose one of the four."),
                );
                None
            }),
        };
        let mut ranked: Vec<(Option<u8>, usize, Concern)> = Vec::new();
        for (order, (id, rank)) in self.concerns.iter().enumerate() {
            match Concern::from_id(id.trim()) {
                Some(concern) if !ranked.iter().any(|(_, _, c)| *c == concern) => {
                    ranked.push((*rank, order, concern));
                }
                Some(_) => {}
                None => fail(
                    "concerns",
                    format!("\"{id}\" is not a concern regimen knows."),
                ),
            }
        }
        // Ranked first (by rank), then the rest as given.
        ranked.sort_by_key(|(rank, order, _)| (rank.is_none(), *rank, *order));
        let goal = match self.goal.trim() {
            "" => {
                fail("goal", "Choose what you want.".into());
                None
            }
            id => Goal::from_id(id).or_else(|| {
                fail(
                    "goal",
                    format!("\"{id}\" is not a goal: choose one of the three."),
                );
                None
            }),
        };
        let mut events = Vec::new();
        let typed: Vec<&str> = self
            .events
            .iter()
            .flat_map(|e| e.split(','))
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .collect();
        if typed.len() > MAX_EVENTS {
            fail(
                "events",
                format!(
                    "{} events is more than a plan can prepare for (at most {MAX_EVENTS}).",
                    typed.len()
                ),
            );
        }
        for text in typed.iter().take(MAX_EVENTS) {
            match IsoDate::parse(text) {
                Ok(date) => events.push(date),
                Err(_) => fail(
                    "events",
                    format!("\"{text}\" is not a date: pick the day on the calendar (or write it as 2026-12-24)."),
                ),
            }
        }
        let mut minutes = |field: &str, text: &str| -> Option<Minutes> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            match text.parse::<u16>().ok().and_then(Minutes::new) {
                Some(minutes) => Some(minutes),
                None => {
                    let said = if text.bytes().all(|b| b.is_ascii_digit()) {
                        format!("{text} minutes is out of range: give a whole number from 1 to {MAX_MINUTES}.")
                    } else {
                        format!("\"{text}\" is not a whole number of minutes.")
                    };
                    fail(field, said);
                    None
                }
            }
        };
        let minutes_am = minutes("minutes_am", &self.minutes_am);
        let minutes_pm = minutes("minutes_pm", &self.minutes_pm);
        let avoid: Vec<String> = self
            .avoid
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect();
        if avoid.len() > MAX_AVOID {
            fail(
                "avoid",
                format!(
                    "{} entries is more than an avoid list holds here (at most {MAX_AVOID}).",
                    avoid.len()
                ),
            );
        }
        if let Some(long) = avoid.iter().find(|e| e.chars().count() > MAX_AVOID_ENTRY) {
            let start: String = long.chars().take(30).collect();
            fail(
                "avoid",
                format!("The entry \"{start}...\" is longer than {MAX_AVOID_ENTRY} characters."),
            );
        }
        let start = match self.start.trim() {
            "" => None,
            text => IsoDate::parse(text).map(Some).unwrap_or_else(|_| {
                fail(
                    "start",
                    format!("\"{text}\" is not a date: pick the first day on the calendar, or leave it empty for today."),
                );
                None
            }),
        };
        let age = match self.age.trim() {
            "" => None,
            text => match text.parse::<u8>() {
                Ok(age) if (1..=MAX_AGE).contains(&age) => Some(age),
                _ => {
                    fail(
                        "age",
                        format!("\"{text}\" is not an age: give your age in whole years, from 1 to {MAX_AGE}, or leave it empty."),
                    );
                    None
                }
            },
        };
        let skin_tone = match self.skin_tone.trim() {
            "" => None,
            text => SkinTone::from_id(text).or_else(|| {
                fail(
                    "skin_tone",
                    format!("\"{text}\" is not a skin tone: choose one from I to VI, or leave it empty."),
                );
                None
            }),
        };
        let mut conditions = Vec::new();
        for id in self
            .conditions
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            match Condition::from_id(id) {
                Some(condition) => conditions.push(condition),
                None => fail(
                    "conditions",
                    format!("\"{id}\" is not a condition regimen knows."),
                ),
            }
        }
        let (Some(skin_type), Some(goal), true) = (skin_type, goal, errors.is_empty()) else {
            return Err(errors);
        };
        Ok(Profile {
            skin_type,
            sensitive: self.sensitive,
            concerns: ranked.into_iter().map(|(_, _, c)| c).collect(),
            goal,
            events,
            pregnant: self.pregnant,
            breastfeeding: self.breastfeeding,
            age,
            skin_tone,
            conditions,
            minutes_am,
            minutes_pm,
            start,
            avoid,
            shelf: Vec::new(),
        }
        .normalized())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> ProfileError {
        Profile::from_toml(text).expect_err("profile should be rejected")
    }

    #[test]
    fn reads_the_documented_profile() {
        let profile = Profile::from_toml(
            r#"
skin_type = "combination"
sensitive = false
concerns = ["acne", "dullness", "acne"]
goal = "both"
events = ["2026-12-24"]
pregnant = false
minutes_am = 5
minutes_pm = 15
start = "2026-12-01"
avoid = [" Fragrance "]
"#,
        )
        .expect("valid profile");
        assert_eq!(profile.skin_type, SkinType::Combination);
        assert_eq!(profile.concerns, vec![Concern::Acne, Concern::Dullness]);
        assert_eq!(profile.minutes_pm.map(Minutes::get), Some(15));
        assert_eq!(
            profile.start.map(|d| d.to_string()),
            Some("2026-12-01".into())
        );
        assert_eq!(profile.avoid, vec!["fragrance".to_string()]);
    }

    #[test]
    fn bare_toml_dates_are_accepted() {
        let profile =
            Profile::from_toml("skin_type = \"dry\"\ngoal = \"fast\"\nevents = [2026-12-24]\n")
                .expect("valid");
        assert_eq!(profile.events[0].to_string(), "2026-12-24");
    }

    #[test]
    fn unknown_value_names_field_line_and_value() {
        let e = error("goal = \"both\"\nskin_type = \"oilly\"\n");
        assert_eq!(e.field.as_deref(), Some("skin_type"));
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("oilly"), "{e}");
    }

    #[test]
    fn unknown_values_are_explained_in_plain_words_with_a_suggestion() {
        let e = error("goal = \"both\"\nskin_type = \"oilly\"\n");
        assert_eq!(
            e.message,
            "unknown value \"oilly\" (did you mean \"oily\"?); expected one of: oily, dry, combination, normal"
        );
        let e = error("goal = \"both\"\nskin_type = \"dry\"\nsensitve = true\n");
        assert!(
            e.message
                .starts_with("unknown field \"sensitve\" (did you mean \"sensitive\"?)"),
            "{e}"
        );
        let e = error("goal = \"both\"\nskin_type = \"purple\"\n");
        assert!(!e.message.contains("did you mean"), "{e}");
    }

    #[test]
    fn ids_are_read_in_any_case_and_with_spaces_or_hyphens() {
        let profile = Profile::from_toml(
            "skin_type = \"Combination\"\ngoal = \"Long-Term\"\nconcerns = [\"Acne\", \" DULLNESS \"]\n",
        )
        .expect("a profile");
        assert_eq!(profile.skin_type, SkinType::Combination);
        assert_eq!(profile.goal, Goal::LongTerm);
        assert_eq!(profile.concerns, [Concern::Acne, Concern::Dullness]);
        let e = error("goal = \"Both\"\nskin_type = \"Oilly\"\n");
        assert!(e.message.contains("\"Oilly\""), "{e}");
    }

    #[test]
    fn bad_concern_in_a_list_names_its_index() {
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nconcerns = [\"acne\", \"acme\"]\n");
        assert_eq!(e.field.as_deref(), Some("concerns[1]"));
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("acme"));
    }

    #[test]
    fn bad_date_names_the_value() {
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\n\nevents = [\"2026-02-30\"]\n");
        assert_eq!(e.field.as_deref(), Some("events[0]"));
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("2026-02-30"), "{e}");
    }

    #[test]
    fn long_lists_are_refused_by_their_field() {
        let dates: Vec<String> = (0..101)
            .map(|d| format!("\"2026-{:02}-{:02}\"", d / 28 + 1, d % 28 + 1))
            .collect();
        let e = error(&format!(
            "skin_type = \"dry\"\ngoal = \"both\"\nevents = [{}]\n",
            dates.join(", ")
        ));
        assert_eq!(e.field.as_deref(), Some("events"), "{e}");
        assert!(e.message.contains("at most 100"), "{e}");
        let entries: Vec<String> = (0..101).map(|i| format!("\"thing {i}\"")).collect();
        let e = error(&format!(
            "skin_type = \"dry\"\ngoal = \"both\"\navoid = [{}]\n",
            entries.join(", ")
        ));
        assert_eq!(e.field.as_deref(), Some("avoid"), "{e}");
        let e = error(&format!(
            "skin_type = \"dry\"\ngoal = \"both\"\navoid = [\"{}\"]\n",
            "x".repeat(101)
        ));
        assert_eq!(e.field.as_deref(), Some("avoid"), "{e}");
        assert!(e.message.contains("100 characters"), "{e}");
    }

    #[test]
    fn wrong_type_and_range() {
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nsensitive = \"yes\"\n");
        assert_eq!(e.field.as_deref(), Some("sensitive"));
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nminutes_pm = 0\n");
        assert_eq!(e.field.as_deref(), Some("minutes_pm"));
        assert!(e.message.contains("0 minutes"));
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nminutes_am = -3\n");
        assert!(e.message.contains("-3"));
    }

    #[test]
    fn unknown_field_is_named() {
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nskin_colour = \"warm\"\n");
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("skin_colour"), "{e}");
    }

    #[test]
    fn the_whole_person_is_read_and_checked() {
        let p = Profile::from_toml(
            "skin_type = \"dry\"\ngoal = \"both\"\nage = 15\nbreastfeeding = true\nskin_tone = \"iv\"\nconditions = [\"Rosacea\", \"eczema\", \"rosacea\"]\n",
        )
        .expect("profile");
        assert_eq!(p.age, Some(15));
        assert!(p.breastfeeding && !p.pregnant);
        assert_eq!(p.skin_tone, Some(SkinTone::IV));
        assert_eq!(p.conditions, vec![Condition::Rosacea, Condition::Eczema]);
        assert_eq!(Profile::from_toml(&p.to_toml()).expect("again"), p);
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nskin_tone = \"warm\"\n");
        assert_eq!(e.field.as_deref(), Some("skin_tone"));
        assert!(e.message.contains("\"warm\" is not a skin tone"), "{e}");
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nage = 0\n");
        assert_eq!(e.field.as_deref(), Some("age"));
        assert!(e.message.contains("from 1 to 120"), "{e}");
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nage = 400\n");
        assert_eq!(e.field.as_deref(), Some("age"));
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\nconditions = [\"acne\"]\n");
        assert_eq!(e.field.as_deref(), Some("conditions[0]"));
        let json = Profile::from_json(r#"{"skin_type": "oily", "goal": "fast", "age": 30, "skin_tone": "VI", "conditions": ["melasma"]}"#)
            .expect("json");
        assert_eq!(json.skin_tone, Some(SkinTone::VI));
        let answers = Answers {
            skin_type: "oily".into(),
            goal: "fast".into(),
            age: "abc".into(),
            skin_tone: "VII".into(),
            conditions: vec!["warts".into()],
            ..Answers::default()
        };
        let errors = answers.check().expect_err("three mistakes");
        let fields: Vec<_> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(fields, ["age", "skin_tone", "conditions"]);
    }

    #[test]
    fn missing_field_is_named() {
        let e = error("skin_type = \"dry\"\n");
        assert!(e.message.contains("goal"), "{e}");
    }

    #[test]
    fn broken_toml_gives_a_line() {
        let e = error("skin_type = \"dry\"\ngoal = both\n");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn json_profiles_name_the_field_path() {
        let e = Profile::from_json(
            "{\"skin_type\": \"dry\", \"goal\": \"both\", \"concerns\": [\"acne\", 3]}",
        )
        .expect_err("bad");
        assert_eq!(e.field.as_deref(), Some("concerns[1]"));
        let ok = Profile::from_json("{\"skin_type\": \"oily\", \"goal\": \"fast\"}").expect("good");
        assert_eq!(ok.goal, Goal::Fast);
    }

    #[test]
    fn shelf_products_are_read_and_checked() {
        let profile = Profile::from_toml(
            "skin_type = \"dry\"\ngoal = \"both\"\n\n[[shelf]]\nname = \" My serum \"\ningredients = \"Aqua, Niacinamide\"\n\n[[shelf]]\nname = \"Cleanser\"\nkind = \"cleanser\"\n",
        )
        .expect("valid");
        assert_eq!(profile.shelf.len(), 2);
        assert_eq!(profile.shelf[0].name, "My serum");
        assert_eq!(
            profile.shelf[1].kind,
            Some(crate::vocab::ProductKind::Cleanser)
        );
        let e = error(
            "skin_type = \"dry\"\ngoal = \"both\"\n[[shelf]]\nname = \"x\"\nkind = \"lipstick\"\n",
        );
        assert_eq!(e.field.as_deref(), Some("shelf[0].kind"));
        assert_eq!(e.line, Some(5));
        let e = error("skin_type = \"dry\"\ngoal = \"both\"\n[[shelf]]\nname = \"  \"\n");
        assert_eq!(e.field.as_deref(), Some("shelf[0].name"));
        let long = "a".repeat(MAX_INGREDIENTS + 1);
        let e = error(&format!("skin_type = \"dry\"\ngoal = \"both\"\n[[shelf]]\nname = \"x\"\ningredients = \"{long}\"\n"));
        assert_eq!(e.field.as_deref(), Some("shelf[0].ingredients"));
        assert!(e.message.contains("too long"));
    }

    #[test]
    fn toml_round_trip() {
        let mut profile = Profile::new(SkinType::Oily, Goal::LongTerm);
        profile.concerns = vec![Concern::Acne];
        profile.minutes_am = Minutes::new(5);
        profile.events = vec![IsoDate::parse("2027-01-02").expect("date")];
        let again = Profile::from_toml(&profile.to_toml()).expect("round trip");
        assert_eq!(again, profile);
    }

    #[test]
    fn answers_report_every_mistake_at_once_in_plain_words() {
        let answers = Answers {
            skin_type: String::new(),
            goal: "both".into(),
            concerns: vec![("acne".into(), None), ("wrinkles".into(), None)],
            events: vec!["2026-12-24".into(), "next week".into()],
            minutes_am: "lots".into(),
            minutes_pm: "999".into(),
            start: "soon".into(),
            ..Answers::default()
        };
        let errors = answers.check().expect_err("mistakes");
        let fields: Vec<&str> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(
            fields,
            [
                "skin_type",
                "concerns",
                "events",
                "minutes_am",
                "minutes_pm",
                "start"
            ]
        );
        assert!(errors[2]
            .message
            .contains("\"next week\" is not a date: pick the day on the calendar"));
        assert!(errors[4].message.contains("from 1 to 240"));
    }

    #[test]
    fn a_special_occasion_that_has_passed_is_a_mistake_of_its_question() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        let answers = Answers {
            skin_type: "oily".into(),
            goal: "both".into(),
            events: vec!["2026-12-24, 2025-01-01".into()],
            minutes_am: "lots".into(),
            ..Answers::default()
        };
        let errors = answers.check_on(today).expect_err("two mistakes");
        let fields: Vec<&str> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(fields, ["events", "minutes_am"]);
        assert!(
            errors[0].message.contains("2025-01-01 has passed"),
            "{}",
            errors[0].message
        );
        // Today and later are fine; `check` alone does not look at the date.
        let coming = Answers {
            events: vec!["2026-12-06".into()],
            minutes_am: "5".into(),
            ..answers.clone()
        };
        assert!(coming.check_on(today).is_ok());
        assert!(Answers {
            minutes_am: "5".into(),
            ..answers
        }
        .check()
        .is_ok());
    }

    #[test]
    fn answers_rank_concerns_and_give_the_profile() {
        let answers = Answers {
            skin_type: "oily".into(),
            goal: "long_term".into(),
            concerns: vec![
                ("acne".into(), None),
                ("pores".into(), Some(2)),
                ("dullness".into(), Some(1)),
                ("acne".into(), None),
            ],
            events: vec![String::new(), "2027-01-02, 2027-01-01".into()],
            minutes_pm: "20".into(),
            avoid: " Fragrance , lavender".into(),
            ..Answers::default()
        };
        let profile = answers.check().expect("valid");
        assert_eq!(
            profile.concerns,
            [Concern::Dullness, Concern::Pores, Concern::Acne]
        );
        assert_eq!(profile.events.len(), 2);
        assert_eq!(profile.minutes_pm.map(Minutes::get), Some(20));
        assert_eq!(profile.avoid, ["fragrance", "lavender"]);
        assert_eq!(profile.start, None);
    }
}
