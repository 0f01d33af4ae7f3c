//! The knowledge base: every fact, rule, mask type, active, interaction and FAQ the
//! planner knows, each with an id, a text and a source. The files live in
//! `knowledge/` at the workspace root; they are compiled into the binary and can be
//! replaced by an edited copy (`--knowledge DIR`), which is validated the same way.
//!
//! This module owns the schema of those files. It does no IO: callers hand it the
//! contents of each file.

use crate::vocab::{Concern, Condition, Goal, ServingTime, SkinTone, SkinType, Step};
mod validate;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Declares the knowledge files once: their names, and their built-in contents.
macro_rules! knowledge_files {
    ($($name:literal),+ $(,)?) => {
        /// The file names a knowledge directory holds, in load order.
        pub const FILE_NAMES: &[&str] = &[$($name),+];
        const BUILTIN: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../../../knowledge/", $name)))),+];
    };
}

knowledge_files!(
    "sources.toml",
    "facts.toml",
    "faq.toml",
    "rules.toml",
    "steps.toml",
    "mask_types.toml",
    "actives.toml",
    "interactions.toml",
    "ingredients.toml",
    "kinds.toml",
    "labels.toml",
    "gate.toml",
);

/// Rule ids the engine cites by name; validation fails if one is missing.
pub const ENGINE_RULES: &[&str] = &[
    "reaction_urgent",
    "reaction_pause",
    "reaction_unknown_cause",
    "reaction_prescription",
    "reaction_stop_new",
    "sensitive_sunscreen_kept",
    "step_order",
    "mask_day_order",
    "mask_weekly_max",
    "mask_type_limit",
    "serum_twice_daily",
    "retinoid_night_only",
    "skin_cycling",
    "sunscreen_daily",
    "sunscreen_photosensitising",
    "pregnancy_no_retinoids",
    "patch_test",
    "sensitive_fewer_actives",
    "sensitive_soothing_masks",
    "expectations_serums",
    "event_mask",
    "time_budget",
    "safer_wins",
    "masks_supplement",
    "skin_type_needs",
    "default_active",
    "serum_limit",
    "shelf_first",
    "choose_both",
    "product_by_contents",
    "one_strong_per_routine",
    "spf_minimum",
    "strength_slow",
    "strength_refused",
    "trace_level",
    "rinse_off_milder",
    "sunscreen_morning",
    "pacing",
    "pacing_event",
    "event_eve",
    "recovery_nights",
    "serum_every_day",
    "morning_antioxidant",
    "acne_first_line",
    "masks_with_serums",
    "masks_do_not_fit",
    "reaction",
    "experiment",
    "rx_doctor_directions",
    "rx_tell_prescriber",
    "rx_not_yours",
    "rx_as_directed",
    "rx_kept_apart",
    "strong_masks",
    "masks_apart",
    "owned_first",
    "formula_not_layering",
    "ph_adjuster_not_exfoliant",
];

/// Why loading or validating a knowledge base failed.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// A file is missing from the set handed to the loader.
    #[error("knowledge file {file} is missing")]
    Missing {
        /// The file name.
        file: String,
    },
    /// A file is not valid TOML or does not fit the schema.
    #[error("knowledge file {file}, line {line}: {message}")]
    Parse {
        /// The file name.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The files parse but contradict each other (dangling ids, missing sources...).
    #[error("knowledge is inconsistent:\n  {}", problems.join("\n  "))]
    Invalid {
        /// Every problem found, one line each.
        problems: Vec<String>,
    },
}

/// Where a fact comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Stable id.
    pub id: String,
    /// Human-readable citation.
    pub citation: String,
    /// Where anyone can read it.
    pub url: Option<String>,
    /// Its DOI.
    pub doi: Option<String>,
    /// For the seed article, shipped beside the project: its path.
    pub path: Option<String>,
    /// What it is.
    pub kind: Option<SourceKind>,
    /// For a policy: why regimen chose it.
    pub rationale: Option<String>,
}

impl Source {
    /// Its address: the url, else the DOI as a link.
    pub fn link(&self) -> Option<String> {
        self.url.clone().or_else(|| {
            self.doi
                .as_ref()
                .map(|doi| format!("https://doi.org/{doi}"))
        })
    }
}

/// 64-bit FNV-1a over every file's name and text, in the order of [`FILE_NAMES`].
fn fingerprint(files: &[(&str, &str)]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for name in FILE_NAMES {
        let text = files
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, t)| *t);
        for byte in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A citation in a few words, for a link whose title holds the whole of it: what comes
/// before its first comma, colon or full stop ("American Academy of Dermatology", "NICE
/// guideline NG198", "regimen's design", "Reynolds RV et al").
pub fn short_citation(citation: &str) -> &str {
    let end = [", ", ": ", ". ", " ("]
        .iter()
        .filter_map(|sep| citation.find(sep))
        .min()
        .unwrap_or(citation.len());
    let short = citation[..end].trim();
    if short.is_empty() {
        citation
    } else {
        short
    }
}

/// What a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A peer-reviewed paper.
    PeerReviewed,
    /// A professional guideline.
    Guideline,
    /// A regulator's text.
    Regulator,
    /// A textbook.
    Textbook,
    /// The seed article.
    Seed,
    /// regimen's own design choice.
    Policy,
}

/// One fact of the seed article.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Stable id.
    pub id: String,
    /// The fact, in plain words.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// A frequently asked question with its answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    /// Stable id.
    pub id: String,
    /// The question as the seed asks it.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// Source id.
    pub source: String,
}

/// What a question asks, by its cue words (faq.toml `[[ask]]`, read by `regimen faq`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskCue {
    /// What it asks (`pregnancy`, `combine`, ...).
    pub id: String,
    /// Words and phrases that ask it, in lower case.
    pub words: Vec<String>,
    /// Matched only as written (no slip forgiven: "cancer" is no "cancel").
    #[serde(default)]
    pub exact: bool,
    /// When given, the cue holds only with a word of this list too (a part of the body
    /// with a sign: "lips" with "puffing").
    #[serde(default)]
    pub with: Vec<String>,
}

/// Plain words for something a question is about, beyond the names the knowledge base
/// gives it (faq.toml `[[words]]`): "vit c" for vitamin C, "tret" for tretinoin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubjectWords {
    /// What they name: `active:<id>`, `family:<id>`, `mask:<id>`, `condition:<id>`,
    /// `stage:<pregnancy|breastfeeding|child|teen>`, `kind:<product kind>`,
    /// `ingredient:<id>` (ingredients.toml).
    pub subject: String,
    /// The words, in lower case.
    pub words: Vec<String>,
}

/// An answer for a subject the rules cannot compose from (faq.toml `[[topic]]`): the
/// seed's own question, masks against serums, or purging. It answers a question that
/// names every subject of `about` (`kind:mask` is any mask) and asks nothing outside
/// `asks`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskTopic {
    /// Stable id.
    pub id: String,
    /// The subjects a question names, as `kind:id`.
    pub about: Vec<String>,
    /// What it may ask (`[[ask]]` ids); a question that asks nothing is answered too.
    #[serde(default)]
    pub asks: Vec<String>,
    /// The answer's first sentence.
    pub lead: String,
    /// The citable entries (rules, facts, written FAQ answers) that make the answer.
    pub points: Vec<String>,
}

/// A rule of guidance the planner applies or cites.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable id.
    pub id: String,
    /// The rule, in plain words.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// A condition on a profile; every given field must hold.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct When {
    /// The goal is one of these.
    pub goals: Option<Vec<Goal>>,
    /// The skin type is one of these.
    pub skin_types: Option<Vec<SkinType>>,
    /// At least one of these concerns is listed.
    pub concerns_any: Option<Vec<Concern>>,
    /// Sensitivity equals this.
    pub sensitive: Option<bool>,
    /// Pregnancy equals this.
    pub pregnant: Option<bool>,
    /// Breastfeeding equals this.
    pub breastfeeding: Option<bool>,
    /// The person gave an age below this (an unknown age is not below anything).
    pub age_below: Option<u8>,
    /// The skin tone given is one of these.
    pub skin_tones: Option<Vec<SkinTone>>,
    /// At least one of these conditions is listed.
    pub conditions_any: Option<Vec<Condition>>,
    /// Whether an event falls inside the plan.
    pub has_event: Option<bool>,
}

/// What a condition is tested against.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    /// The goal.
    pub goal: Goal,
    /// The skin type.
    pub skin_type: SkinType,
    /// The listed concerns.
    pub concerns: &'a [Concern],
    /// Sensitive skin.
    pub sensitive: bool,
    /// Pregnant.
    pub pregnant: bool,
    /// Breastfeeding.
    pub breastfeeding: bool,
    /// Age in years, when given.
    pub age: Option<u8>,
    /// Skin tone, when given.
    pub skin_tone: Option<SkinTone>,
    /// Diagnosed conditions.
    pub conditions: &'a [Condition],
    /// An event falls inside the plan.
    pub has_event: bool,
}

impl<'a> Situation<'a> {
    /// The situation of a person, with whether an event falls inside the plan.
    pub fn of(profile: &'a crate::Profile, has_event: bool) -> Situation<'a> {
        Situation {
            goal: profile.goal,
            skin_type: profile.skin_type,
            concerns: &profile.concerns,
            sensitive: profile.sensitive,
            pregnant: profile.pregnant,
            breastfeeding: profile.breastfeeding,
            age: profile.age,
            skin_tone: profile.skin_tone,
            conditions: &profile.conditions,
            has_event,
        }
    }
}

impl When {
    /// Whether every given field holds in `situation`.
    pub fn matches(&self, situation: &Situation<'_>) -> bool {
        self.goals
            .as_ref()
            .is_none_or(|g| g.contains(&situation.goal))
            && self
                .skin_types
                .as_ref()
                .is_none_or(|s| s.contains(&situation.skin_type))
            && self
                .concerns_any
                .as_ref()
                .is_none_or(|c| c.iter().any(|c| situation.concerns.contains(c)))
            && self.sensitive.is_none_or(|s| s == situation.sensitive)
            && self.pregnant.is_none_or(|p| p == situation.pregnant)
            && self
                .breastfeeding
                .is_none_or(|b| b == situation.breastfeeding)
            && self
                .age_below
                .is_none_or(|below| situation.age.is_some_and(|age| age < below))
            && self
                .skin_tones
                .as_ref()
                .is_none_or(|t| situation.skin_tone.is_some_and(|tone| t.contains(&tone)))
            && self
                .conditions_any
                .as_ref()
                .is_none_or(|c| c.iter().any(|c| situation.conditions.contains(c)))
            && self.has_event.is_none_or(|e| e == situation.has_event)
    }

    /// Whether the condition holds for everybody.
    pub fn is_always(&self) -> bool {
        self.goals.is_none()
            && self.skin_types.is_none()
            && self.concerns_any.is_none()
            && self.sensitive.is_none()
            && self.pregnant.is_none()
            && self.breastfeeding.is_none()
            && self.age_below.is_none()
            && self.skin_tones.is_none()
            && self.conditions_any.is_none()
            && self.has_event.is_none()
    }
}

/// Which half of the answer an approach rule adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    /// Face masks.
    Masks,
    /// Serums.
    Serums,
}

/// A seed decision rule: when it matches, masks and/or serums are in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproachRule {
    /// Stable id.
    pub id: String,
    /// The condition.
    pub when: When,
    /// What it adds.
    pub adds: Vec<Treatment>,
    /// Why, in plain words.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// How many masks a week a person gets; the first match wins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskBudget {
    /// Stable id.
    pub id: String,
    /// The condition.
    pub when: When,
    /// Masks a week.
    pub per_week: u8,
    /// Why.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// When to see a dermatologist.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    /// Stable id.
    pub id: String,
    /// Which profiles it concerns.
    pub when: When,
    /// The advice with its trigger.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// What a person's age, skin tone, life stage or conditions change in a plan, beyond
/// the gate's rules for what may go on their skin (gate.toml): every plan whose person
/// it holds for says its rule, and it may count the skin as sensitive, put the strong
/// actives with nights on their slower ramp, or serve some concerns with no actives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRule {
    /// The rule it says (rules.toml).
    pub rule: String,
    /// Who it holds for.
    pub when: When,
    /// The skin counts as sensitive (its gates, limits and ramps).
    #[serde(default)]
    pub sensitive: bool,
    /// Strong actives with nights start on their slower ramp.
    #[serde(default)]
    pub slow_ramp: bool,
    /// Concerns the plan serves with no serum actives.
    #[serde(default)]
    pub no_actives_for: Vec<Concern>,
    /// The sunscreen to get, in words, when it is a particular one (tinted, with iron
    /// oxides).
    pub sunscreen: Option<String>,
}

/// Numeric limits the scheduler enforces.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Masks a week, at most, for anybody.
    pub masks_per_week_max: u8,
    /// Serum actives in a plan.
    pub serum_actives_max: usize,
    /// Serum actives in a plan for sensitive skin.
    pub serum_actives_max_sensitive: usize,
    /// Strong actives in one routine.
    pub strong_per_routine_max: usize,
    /// Strong actives in one routine for sensitive skin.
    pub strong_per_routine_max_sensitive: usize,
    /// How many evenings before an event a prep mask may go.
    pub event_mask_days_before: u8,
    /// A mask with one of these tags preps the skin for an event.
    pub event_mask_tags: Vec<String>,
    /// Sensitive skin only gets masks with one of these tags.
    pub sensitive_mask_tags: Vec<String>,
    /// Shelf products with one of these flags are left out for sensitive skin.
    pub sensitive_refused_flags: Vec<String>,
    /// How much owning a product adds to its fit when choosing actives and masks.
    pub owned_bonus: i32,
    /// Concerns implied by a skin type.
    pub skin_type_concerns: BTreeMap<SkinType, Vec<Concern>>,
    /// Actives used when nothing else is called for.
    pub default_actives: Vec<String>,
    /// Days between the starts of two new strong actives (the patch-test window).
    pub new_active_gap_days: u8,
    /// Nothing new starts this many days before an event.
    pub event_quiet_days: u8,
    /// At most this many strong-active nights in a row (rule recovery_nights).
    pub strong_nights_in_a_row_max: u8,
    /// Families that never go on the evening before an event.
    pub event_eve_families: Vec<String>,
    /// Mask tags that never go on the evening before an event.
    pub event_eve_mask_tags: Vec<String>,
    /// Concerns that call for an antioxidant serum in the morning.
    pub antioxidant_concerns: Vec<Concern>,
    /// Gentle serums (best first) for the days no other serum covers.
    pub filler_actives: Vec<String>,
    /// Masks a week, at most, when the plan also has serums.
    pub masks_per_week_with_serums: u8,
    /// Masks with one of these tags are strong actives (rule strong_masks): paced,
    /// patch-tested, counted for recovery nights.
    pub strong_mask_tags: Vec<String>,
    /// A product the person owns serves a need when its active's score for the concern
    /// is at least this (rule owned_first).
    pub owned_serves_min: i8,
    /// A check-in's reaction points to what was done that day and this many days in
    /// all, counting back (rule reaction_pause).
    #[serde(default)]
    pub reaction_look_back_days: u8,
    /// Days a reaction pauses what it points to (rule reaction_pause).
    #[serde(default)]
    pub reaction_pause_days: u8,
    /// Words of a reaction that pause (rule reaction_pause).
    #[serde(default)]
    pub reaction_words: Vec<String>,
    /// Words of a reaction that stop everything new (rule reaction_stop_new).
    #[serde(default)]
    pub reaction_urgent_words: Vec<String>,
}

/// A routine step's data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepInfo {
    /// Which step.
    pub id: Step,
    /// Display name.
    pub name: String,
    /// Minutes it takes.
    pub minutes: u16,
    /// Never dropped to fit a time budget.
    pub required: bool,
    /// How to do it.
    pub how: String,
}

/// A mask type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskType {
    /// Stable id.
    pub id: String,
    /// How it comes off.
    pub removal: Removal,
    /// The removal step, in a few words ("Lift off").
    pub removal_name: String,
    /// How to take it off.
    pub removal_how: String,
    /// Active families masks of this type usually carry.
    #[serde(default)]
    pub families: Vec<String>,
    /// Display name.
    pub name: String,
    /// What it is for.
    pub purpose: String,
    /// Source id.
    pub source: String,
    /// Fact id in facts.toml, when the seed states it.
    pub fact: Option<String>,
    /// Minutes it stays on.
    pub minutes: u16,
    /// Its own weekly limit.
    pub max_per_week: u8,
    /// Weekly limit by skin type, replacing `max_per_week`.
    #[serde(default)]
    pub max_per_week_by_skin: BTreeMap<SkinType, u8>,
    /// What it does.
    pub tags: Vec<String>,
    /// Fit by concern.
    #[serde(default)]
    pub concerns: BTreeMap<Concern, i8>,
    /// Fit by skin type.
    #[serde(default)]
    pub skin_types: BTreeMap<SkinType, i8>,
    /// Kept out of plans for sensitive skin.
    pub avoid_if_sensitive: bool,
    /// Planned only with a product the person owns (a scrub).
    #[serde(default)]
    pub own_only: bool,
    /// A practical tip.
    pub tip: String,
}

/// How a mask comes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Removal {
    /// Rinsed or wiped off after its minutes.
    Rinse,
    /// The sheet comes off and the rest is patted in.
    Lift,
    /// It stays on overnight.
    None,
}

impl MaskType {
    /// Whether what it leaves stays on the skin (for the rules of its actives).
    pub fn leave_on(&self) -> bool {
        self.removal != Removal::Rinse
    }

    /// The weekly limit for a skin type.
    pub fn limit_for(&self, skin_type: SkinType) -> u8 {
        self.max_per_week_by_skin
            .get(&skin_type)
            .copied()
            .unwrap_or(self.max_per_week)
    }

    /// Whether it has a tag.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// A family of actives and its rules of use. The rules hold for the planner's serum of
/// the family and for every owned product that contains it at a treatment level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Plain words naming the family in an avoid list.
    #[serde(default)]
    pub words: Vec<String>,
    /// Morning, evening or both.
    #[serde(default = "am_pm")]
    pub time: ServingTime,
    /// The rule explaining the time.
    pub time_rule: Option<String>,
    /// The time for rinse-off products, when it differs.
    pub rinse_off_time: Option<ServingTime>,
    /// One product of the family per routine; counts towards the per-routine limit of
    /// strong actives; needs a patch test.
    #[serde(default)]
    pub strong: bool,
    /// Requires sunscreen every morning.
    #[serde(default)]
    pub photosensitising: bool,
    /// Its time holds inside a formula too (rule formula_not_layering).
    #[serde(default)]
    pub firm_time: bool,
    /// Allowed in pregnancy and breastfeeding.
    #[serde(default = "yes")]
    pub pregnancy_safe: bool,
    /// In pregnancy, only in rinse-off products (a wash).
    #[serde(default)]
    pub pregnancy_rinse_off_only: bool,
    /// The rule that keeps it out (or limits it) in pregnancy.
    pub pregnancy_rule: Option<String>,
    /// Planner actives named when it is removed for pregnancy.
    #[serde(default)]
    pub pregnancy_alternatives: Vec<String>,
    /// Leave-on products with it are kept out for sensitive skin.
    #[serde(default)]
    pub avoid_if_sensitive: bool,
    /// Nights a week, ramping up (evening-only families).
    #[serde(default)]
    pub nights: Vec<RampStep>,
    /// The slower ramp: sensitive skin, or a strength above `strength.slow_above`.
    #[serde(default)]
    pub nights_sensitive: Vec<RampStep>,
    /// The rule explaining the ramp.
    pub nights_rule: Option<String>,
    /// Works below 1%: never a trace because of its place in a list.
    #[serde(default)]
    pub low_dose: bool,
    /// Strengths the rules know.
    pub strength: Option<Strength>,
    /// A rule cited as a warning whenever a product with it is used.
    pub caution_rule: Option<String>,
    /// What guidance says of it while breastfeeding (a rule), when it says something.
    pub breastfeeding_rule: Option<String>,
    /// How long it takes to show results, when that is not the usual 2-6 weeks.
    pub results_rule: Option<String>,
    /// For a photosensitising family: the rule that says so, with its own source
    /// (default `sunscreen_photosensitising`).
    pub sun_rule: Option<String>,
    /// How a prescription product with it goes on (rule rx_doctor_directions).
    pub prescribed: Option<Prescribed>,
    /// Concerns a prescription of the family treats (when no planner active says so).
    #[serde(default)]
    pub treats: Vec<Concern>,
}

/// How a prescription medicine goes on, by its label.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prescribed {
    /// The routines its label gives (once daily: the evening).
    pub time: Option<ServingTime>,
    /// Other routines at some strengths (metronidazole 1%: once a day).
    #[serde(default)]
    pub by_strength: Vec<PrescribedStrength>,
    /// On no fixed day: as the prescriber directs (a steroid).
    #[serde(default)]
    pub as_directed: bool,
    /// The rule that says so.
    pub rule: String,
}

impl Prescribed {
    /// The routines for a stated strength (none stated: the label's usual ones).
    pub fn time_at(&self, percent: Option<f32>) -> Option<ServingTime> {
        percent
            .and_then(|p| {
                self.by_strength.iter().find(|s| {
                    s.from.is_none_or(|from| p >= from) && s.up_to.is_none_or(|up| p <= up)
                })
            })
            .map(|s| s.time)
            .or(self.time)
    }
}

/// The routines of a prescription at some strengths.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrescribedStrength {
    /// From this percentage (included).
    pub from: Option<f32>,
    /// Up to this percentage (included).
    pub up_to: Option<f32>,
    /// The routines.
    pub time: ServingTime,
}

fn am_pm() -> ServingTime {
    ServingTime::AmPm
}

fn yes() -> bool {
    true
}

impl Family {
    /// Nights allowed in the given plan week (0-based), or `None` for no limit.
    pub fn nights_in_week(&self, week: usize, slow: bool) -> Option<u8> {
        let ramp = if slow && !self.nights_sensitive.is_empty() {
            &self.nights_sensitive
        } else {
            &self.nights
        };
        let mut start = 0usize;
        for step in ramp {
            match step.weeks {
                Some(weeks) if week >= start + usize::from(weeks) => start += usize::from(weeks),
                _ => return Some(step.per_week),
            }
        }
        ramp.last().map(|step| step.per_week)
    }

    /// The family as a person reads it: its abbreviation when it has one ("AHA"), else
    /// its name in lower case ("retinoids").
    pub fn label(&self) -> String {
        match self.name.split_once(" (") {
            Some((_, short)) => short.trim_end_matches(')').to_string(),
            None => self.name.to_lowercase(),
        }
    }

    /// Whether it has a nights-per-week ramp.
    pub fn ramped(&self) -> bool {
        !self.nights.is_empty()
    }

    /// The time of day a product with it may be used, by how it is applied.
    pub fn time_for(&self, leave_on: bool) -> ServingTime {
        if leave_on {
            self.time
        } else {
            self.rinse_off_time.unwrap_or(self.time)
        }
    }
}

/// The strengths a family's rules know, in percent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Strength {
    /// The rule that states them.
    pub rule: String,
    /// Above this, a leave-on product is not for home use.
    pub leave_on_max: Option<f32>,
    /// Above this, a rinse-off product is not for home use.
    pub rinse_off_max: Option<f32>,
    /// Above this, the family starts with its slower ramp.
    pub slow_above: Option<f32>,
}

/// One step of a ramp: `per_week` nights for `weeks` weeks (forever when absent).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RampStep {
    /// How many weeks this step lasts.
    pub weeks: Option<u8>,
    /// Nights a week.
    pub per_week: u8,
}

/// A serum active the planner can choose, with the rules of its family.
#[derive(Debug, Clone)]
pub struct Active {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Family id.
    pub family: String,
    /// What it does.
    pub purpose: String,
    /// Source id.
    pub source: String,
    /// Fact id in facts.toml, when the seed states it.
    pub fact: Option<String>,
    /// When the planner's serum goes on (the family's time, or narrower).
    pub time: ServingTime,
    /// The rule explaining the time.
    pub time_rule: String,
    /// The INCI names the serum stands for.
    pub ingredients: Vec<String>,
    /// Fit by concern.
    pub concerns: BTreeMap<Concern, i8>,
    /// Fit by skin type, added to a concern's fit.
    pub skin_types: BTreeMap<SkinType, i8>,
    /// Fit for sensitive skin, added when the skin is sensitive.
    pub sensitive: i8,
    /// More rules cited among the reasons when the planner chooses it.
    pub cites: Vec<String>,
    /// The rule giving strengths to look for.
    pub strength_rule: Option<String>,
    /// Families it is an alternative to: it is not chosen beside one of them (rule
    /// alternatives_apart).
    pub instead_of: Vec<String>,
    /// The rules of its family.
    pub rules: Family,
}

impl Active {
    /// Nights allowed in the given plan week (0-based), or `None` for no limit.
    pub fn nights_in_week(&self, week: usize, slow: bool) -> Option<u8> {
        self.rules.nights_in_week(week, slow)
    }
}

/// An active as written in actives.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActiveEntry {
    id: String,
    name: String,
    family: String,
    purpose: String,
    source: String,
    fact: Option<String>,
    time: Option<ServingTime>,
    time_rule: Option<String>,
    #[serde(default)]
    ingredients: Vec<String>,
    #[serde(default)]
    concerns: BTreeMap<Concern, i8>,
    #[serde(default)]
    skin_types: BTreeMap<SkinType, i8>,
    #[serde(default)]
    sensitive: i8,
    strength_rule: Option<String>,
    #[serde(default)]
    cites: Vec<String>,
    #[serde(default)]
    instead_of: Vec<String>,
}

/// One side of an interaction.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// Actives of these families.
    #[serde(default)]
    pub families: Vec<String>,
    /// Masks with one of these tags.
    #[serde(default)]
    pub mask_tags: Vec<String>,
    /// Actives by INCI name, whatever their family.
    #[serde(default)]
    pub ingredients: Vec<String>,
    /// INCI names the rule is not true of: a member of `families` that carries the
    /// family only through these is not picked (adapalene with benzoyl peroxide).
    #[serde(default)]
    pub except: Vec<String>,
}

impl Selector {
    /// Whether this side picks what something puts on the skin: its actives as
    /// (family, INCI name) pairs (a family known by no INCI name has its id there), and
    /// its mask tags. A family member listed in `except` does not count.
    pub fn selects(&self, actives: &[(&str, &str)], tags: &[&str]) -> bool {
        let excepted = |inci: &str| self.except.iter().any(|e| e.eq_ignore_ascii_case(inci));
        self.families.iter().any(|f| {
            actives
                .iter()
                .any(|(family, inci)| family == f && !excepted(inci))
        }) || self
            .ingredients
            .iter()
            .any(|i| actives.iter().any(|(_, inci)| inci.eq_ignore_ascii_case(i)))
            || self.mask_tags.iter().any(|t| tags.contains(&t.as_str()))
    }
}

/// How serious an interaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Never in the same routine.
    Separate,
    /// Worth a word, never blocking.
    Info,
}

/// A pair of ingredients that must not share a routine, or deserve a note.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interaction {
    /// Stable id.
    pub id: String,
    /// One side.
    pub a: Selector,
    /// The other side.
    pub b: Selector,
    /// Blocking or informational.
    pub severity: Severity,
    /// It holds inside one formula too (irritation adding up), when both sides are
    /// there at a treatment level above the 1% line (rule formula_not_layering).
    #[serde(default)]
    pub within_product: bool,
    /// What happens and what to do.
    pub text: String,
    /// Source id.
    pub source: String,
}

/// A curated active ingredient (ingredients.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActiveIngredient {
    /// Stable id, e.g. `ascorbic_acid`.
    pub id: String,
    /// The INCI name as CosIng spells it.
    pub inci: String,
    /// Family id.
    pub family: String,
    /// Other spellings found on labels.
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Usually a pH adjuster or helper: a trace beyond the first places unless a
    /// percentage is stated.
    #[serde(default)]
    pub weak: bool,
    /// A further sorting within the family (UV filters: mineral or chemical).
    pub class: Option<String>,
    /// A prescription medicine (rule rx_doctor_directions).
    #[serde(default)]
    pub prescription: bool,
    /// A prescription medicine above this stated percentage (adapalene above 0.1%).
    pub prescription_above: Option<f32>,
}

/// Every dictionary name matching the rule belongs to the family.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRule {
    /// Family id.
    pub family: String,
    /// Substrings of the name (upper case).
    #[serde(default)]
    pub contains: Vec<String>,
    /// CosIng function codes (see data/cosing/inci.tsv).
    #[serde(default)]
    pub codes: Vec<String>,
    /// The class its members get.
    pub class: Option<String>,
}

/// Label spellings of a CosIng name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymEntry {
    /// The CosIng name.
    pub inci: String,
    /// Other spellings.
    pub synonyms: Vec<String>,
}

/// Which dictionary names belong to a flag or a group.
#[derive(Debug, Clone, Default)]
pub struct Members<'a> {
    /// Exact names.
    pub names: &'a [String],
    /// Substrings of names.
    pub contains: &'a [String],
    /// Starts of names, as whole words.
    pub prefixes: &'a [String],
    /// Endings of names.
    pub suffixes: &'a [String],
    /// Genera whose " OIL" names (not seed, kernel, fruit or nut oils) are members.
    pub genera: &'a [String],
    /// Families whose members belong.
    pub families: &'a [String],
    /// Classes whose members belong.
    pub classes: &'a [String],
}

/// A flag the analyzer raises, with the ingredients behind it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    /// Stable code.
    pub code: String,
    /// What it means, in a few words.
    pub text: String,
    /// Plain words naming it in an avoid list.
    #[serde(default)]
    pub words: Vec<String>,
    /// Exact names.
    #[serde(default)]
    pub names: Vec<String>,
    /// Substrings of names.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Starts of names, as whole words.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Endings of names.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Genera whose " OIL" names (not seed, kernel, fruit or nut oils) are members.
    #[serde(default)]
    pub genera: Vec<String>,
    /// Families whose members are flagged.
    #[serde(default)]
    pub families: Vec<String>,
    /// Classes whose members are flagged.
    #[serde(default)]
    pub classes: Vec<String>,
    /// For a known person, the flag is shown only when this holds.
    pub when: Option<When>,
    /// The rule that says why it is flagged, with its source (rules.toml).
    pub rule: Option<String>,
}

impl FlagRule {
    /// Its members.
    pub fn members(&self) -> Members<'_> {
        Members {
            names: &self.names,
            contains: &self.contains,
            prefixes: &self.prefixes,
            suffixes: &self.suffixes,
            genera: &self.genera,
            families: &self.families,
            classes: &self.classes,
        }
    }
}

/// A set of ingredients that plain words name in an avoid list ("lavender").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupRule {
    /// Stable id.
    pub id: String,
    /// The words that name it.
    pub words: Vec<String>,
    /// Exact names.
    #[serde(default)]
    pub names: Vec<String>,
    /// Substrings of names.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Starts of names, as whole words.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Endings of names.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Genera whose " OIL" names are members.
    #[serde(default)]
    pub genera: Vec<String>,
    /// Families whose members belong.
    #[serde(default)]
    pub families: Vec<String>,
    /// Classes whose members belong.
    #[serde(default)]
    pub classes: Vec<String>,
}

impl GroupRule {
    /// Its members.
    pub fn members(&self) -> Members<'_> {
        Members {
            names: &self.names,
            contains: &self.contains,
            prefixes: &self.prefixes,
            suffixes: &self.suffixes,
            genera: &self.genera,
            families: &self.families,
            classes: &self.classes,
        }
    }
}

/// Ingredients used at 1% or less: an active listed after the first of them is a trace.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineMarkers {
    /// Exact names.
    #[serde(default)]
    pub names: Vec<String>,
    /// CosIng function codes (preservatives).
    #[serde(default)]
    pub codes: Vec<String>,
    /// Flags whose members mark the line (fragrance).
    #[serde(default)]
    pub flags: Vec<String>,
}

/// ingredients.toml: the curated layer over CosIng.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngredientKnowledge {
    /// Weak actives count only up to this position (or with a percentage).
    pub weak_position: usize,
    /// Words that qualify a name without changing it.
    pub qualifiers: Vec<String>,
    /// How a strength is written after its percentage ("w/w").
    #[serde(default)]
    pub strength_units: Vec<String>,
    /// Curated actives.
    pub active: Vec<ActiveIngredient>,
    /// Family rules over the dictionary.
    pub family_rule: Vec<FamilyRule>,
    /// Synonyms.
    pub synonym: Vec<SynonymEntry>,
    /// Flags.
    pub flag: Vec<FlagRule>,
    /// Groups named by plain words.
    #[serde(default)]
    pub group: Vec<GroupRule>,
    /// Where the 1% line falls in a list.
    #[serde(default)]
    pub one_percent_line: LineMarkers,
}

/// Words in a product name that decide its kind or mask type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRule {
    /// The kind or mask type id.
    pub id: String,
    /// Whole words or phrases.
    #[serde(default)]
    pub words: Vec<String>,
    /// Word beginnings.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Word endings.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Pieces of a word, for languages that write a product's words together
    /// (Korean, Japanese): "크림" in "수분크림".
    #[serde(default)]
    pub contains: Vec<String>,
    /// Tried before the form words, in file order.
    #[serde(default)]
    pub priority: bool,
}

/// kinds.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindKnowledge {
    /// Product kinds, most specific first.
    pub kind: Vec<NameRule>,
    /// Mask types, most specific first.
    pub mask_type: Vec<NameRule>,
    /// The steps each kind can fill, and how it is applied.
    #[serde(rename = "use")]
    pub uses: Vec<KindUse>,
    /// Words about how a product is applied.
    pub application: Application,
}

/// The steps a kind of product can fill, and whether it stays on the skin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindUse {
    /// The kind.
    pub kind: crate::vocab::ProductKind,
    /// Steps, best first.
    pub uses: Vec<Step>,
    /// Whether it stays on the skin, unless its name says otherwise.
    pub leave_on: bool,
    /// The steps when its name says it is rinsed off.
    pub rinse_off_uses: Option<Vec<Step>>,
}

/// Words in a name about how a product is applied, and what an SPF does to a kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Words that make a product leave-on (they win).
    pub leave_on_words: Vec<String>,
    /// Words that make a product rinse-off.
    pub rinse_off_words: Vec<String>,
    /// Words that say a medicine is a wash (else it is a treatment left on).
    #[serde(default)]
    pub wash_words: Vec<String>,
    /// Kinds that never fill the sunscreen step, even with an SPF.
    pub no_sunscreen: Vec<crate::vocab::ProductKind>,
    /// Kinds that become sunscreens with an SPF.
    pub spf_kinds: Vec<crate::vocab::ProductKind>,
    /// Name phrases of products made for the body, hands or feet ("shower gel").
    #[serde(default)]
    pub body_words: Vec<String>,
    /// Words for the body, hands or feet ("body", "hand", "corps").
    #[serde(default)]
    pub body_parts: Vec<String>,
    /// Product words that, near a word of `body_parts`, make a body product ("lotion").
    #[serde(default)]
    pub body_products: Vec<String>,
    /// How many words apart the two may stand.
    #[serde(default)]
    pub body_reach: usize,
    /// Name words that say a product is for the face too ("Face & Body Oil").
    #[serde(default)]
    pub face_words: Vec<String>,
    /// Ingredients only products for the mouth hold: a list with one is oral care
    /// (kind `other`).
    #[serde(default)]
    pub oral_care_names: Vec<String>,
    /// Name words for the lips: a product named for them and no other part of the face
    /// fills no face step.
    #[serde(default)]
    pub lip_words: Vec<String>,
}

/// What a rule of the safety gate does to a product it holds for (gate.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateEffect {
    /// It is never a step for this person.
    Refuse,
    /// It goes on in the evening only.
    Evening,
    /// It fills only the treatment (serum) step.
    Treatment,
    /// It goes on as prescribed, every day, first.
    Prescribed,
    /// It goes on no fixed day: as the prescriber directs.
    AsDirected,
}

/// A rule of the safety gate for a class of products (gate.toml).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateRule {
    /// The rule it cites (rules.toml).
    pub id: String,
    /// The class of product it is about, as people read it.
    pub class: String,
    /// Who it holds for (everyone when absent).
    pub when: Option<When>,
    /// The first ingredient of the list raises this flag.
    pub first_flag: Option<String>,
    /// Some ingredient raises this flag.
    pub flag: Option<String>,
    /// It carries one of these families at a treatment level.
    #[serde(default)]
    pub families: Vec<String>,
    /// It carries a prescription medicine (or none, with `false`).
    pub prescription: Option<bool>,
    /// It stays on the skin (or is rinsed off, with `false`).
    pub leave_on: Option<bool>,
    /// It is a mask of a type with one of these tags (mask_types.toml).
    #[serde(default)]
    pub mask_tags: Vec<String>,
    /// What follows.
    pub effect: GateEffect,
    /// The reason in plain words ("it is ...").
    pub says: String,
}

impl GateRule {
    /// Whether it is about what a serum of a family puts on the skin (a leave-on product
    /// that carries the family, whatever else is in it): it looks at nothing else.
    pub fn judges_family(&self, family: &str) -> bool {
        self.first_flag.is_none()
            && self.flag.is_none()
            && self.mask_tags.is_empty()
            && self.prescription != Some(true)
            && self.leave_on != Some(false)
            && self.families.iter().any(|f| f == family)
    }

    /// Whether it is about a mask type: one of its tags, and nothing else to look at.
    pub fn judges_mask(&self, mask: &MaskType) -> bool {
        self.first_flag.is_none()
            && self.flag.is_none()
            && self.families.is_empty()
            && self.prescription != Some(true)
            && self.mask_tags.iter().any(|t| mask.has_tag(t))
    }
}

/// Something that can be cited: an id with a text and a source.
#[derive(Debug, Clone, Copy)]
pub struct Citation<'k> {
    /// The id cited.
    pub id: &'k str,
    /// Its text.
    pub text: &'k str,
    /// The source's citation.
    pub source: &'k str,
}

/// The whole knowledge base, validated.
#[derive(Debug, Clone)]
pub struct Knowledge {
    /// Sources.
    pub sources: Vec<Source>,
    /// Facts of the seed.
    pub facts: Vec<Fact>,
    /// FAQ.
    pub faqs: Vec<Faq>,
    /// What questions ask, by their cue words (in the order they are tried).
    pub asks: Vec<AskCue>,
    /// Plain words for what questions are about.
    pub subject_words: Vec<SubjectWords>,
    /// Answers for subjects the rules cannot compose from.
    pub ask_topics: Vec<AskTopic>,
    /// General rules.
    pub rules: Vec<Rule>,
    /// Approach rules.
    pub approach_rules: Vec<ApproachRule>,
    /// Mask budgets.
    pub mask_budgets: Vec<MaskBudget>,
    /// Dermatologist referrals.
    pub referrals: Vec<Referral>,
    /// What a person's age, tone, life stage or conditions change in a plan.
    pub person: Vec<PersonRule>,
    /// Limits.
    pub limits: Limits,
    /// Steps, in application order.
    pub steps: Vec<StepInfo>,
    /// Mask types.
    pub mask_types: Vec<MaskType>,
    /// Active families.
    pub families: Vec<Family>,
    /// Serum actives.
    pub actives: Vec<Active>,
    /// Interactions.
    pub interactions: Vec<Interaction>,
    /// The analyzer's curated ingredients and flags.
    pub ingredients: IngredientKnowledge,
    /// The analyzer's kind rules.
    pub kinds: KindKnowledge,
    /// The words people see for every code.
    pub labels: Labels,
    /// The safety gate's rules for classes of products.
    pub gate: Vec<GateRule>,
    citations: HashMap<String, (String, String)>,
    /// A fingerprint of the files it was read from.
    fingerprint: u64,
}

/// labels.toml: the words people see for the codes regimen uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Warnings, by code.
    pub warning: BTreeMap<String, WarningLabel>,
    /// The analyzer's flags, by code.
    pub flag: BTreeMap<String, String>,
    /// Concerns, by id.
    pub concern: BTreeMap<String, String>,
    /// Product kinds, by id.
    pub kind: BTreeMap<String, String>,
}

/// How a warning is shown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningLabel {
    /// Its heading.
    pub label: String,
    /// How prominent it is.
    pub level: WarningLevel,
}

/// How prominent a warning is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    /// The person's health: first, prominent.
    Safety,
    /// How to use the plan well.
    Advice,
    /// What the planner adjusted, and why: folded away.
    Change,
}

impl Labels {
    /// A warning's label (checked at load time: every code has one).
    pub fn warning(&self, code: crate::vocab::WarningCode) -> (&str, WarningLevel) {
        self.warning
            .get(code.id())
            .map_or((code.id(), WarningLevel::Advice), |w| (&w.label, w.level))
    }

    /// A flag's label; the code itself for a flag an edited knowledge base added
    /// without one (checked at load time).
    pub fn flag<'a>(&'a self, code: &'a str) -> &'a str {
        self.flag.get(code).map_or(code, String::as_str)
    }

    /// A concern's label.
    pub fn concern(&self, concern: Concern) -> &str {
        self.concern
            .get(concern.id())
            .map_or(concern.id(), String::as_str)
    }

    /// A product kind's label.
    pub fn kind(&self, kind: crate::vocab::ProductKind) -> &str {
        self.kind.get(kind.id()).map_or(kind.id(), String::as_str)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    source: Vec<Source>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    fact: Vec<Fact>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaqFile {
    faq: Vec<Faq>,
    #[serde(default)]
    ask: Vec<AskCue>,
    #[serde(default)]
    words: Vec<SubjectWords>,
    #[serde(default)]
    topic: Vec<AskTopic>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    approach: Vec<ApproachRule>,
    mask_budget: Vec<MaskBudget>,
    referral: Vec<Referral>,
    #[serde(default)]
    person: Vec<PersonRule>,
    rule: Vec<Rule>,
    limits: Limits,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepsFile {
    step: Vec<StepInfo>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaskTypesFile {
    mask_type: Vec<MaskType>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActivesFile {
    family: Vec<Family>,
    active: Vec<ActiveEntry>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InteractionsFile {
    interaction: Vec<Interaction>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GateFile {
    gate: Vec<GateRule>,
}

fn parse_file<T: serde::de::DeserializeOwned>(
    files: &[(&str, &str)],
    name: &str,
) -> Result<T, KnowledgeError> {
    let text = files
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| *text)
        .ok_or_else(|| KnowledgeError::Missing {
            file: name.to_string(),
        })?;
    toml::from_str(text).map_err(|error| KnowledgeError::Parse {
        file: name.to_string(),
        line: error
            .span()
            .map(|span| crate::profile::line_of(text, span.start))
            .unwrap_or(1),
        message: error.message().to_string(),
    })
}

/// Gives each planner active the rules of its family (and its own narrower time).
fn resolve_actives(families: &[Family], entries: Vec<ActiveEntry>) -> (Vec<Active>, Vec<String>) {
    let mut actives = Vec::with_capacity(entries.len());
    let mut problems = Vec::new();
    for entry in entries {
        let Some(family) = families.iter().find(|f| f.id == entry.family) else {
            problems.push(format!(
                "active {} is in unknown family {}",
                entry.id, entry.family
            ));
            continue;
        };
        let time = entry.time.unwrap_or(family.time);
        let narrower =
            (!time.in_am() || family.time.in_am()) && (!time.in_pm() || family.time.in_pm());
        if !narrower {
            problems.push(format!(
                "active {}: time {time} is not within its family's time {}",
                entry.id, family.time
            ));
        }
        let Some(time_rule) = entry.time_rule.or_else(|| family.time_rule.clone()) else {
            problems.push(format!(
                "active {} needs a time_rule (or its family {} one)",
                entry.id, family.id
            ));
            continue;
        };
        actives.push(Active {
            strength_rule: entry
                .strength_rule
                .or_else(|| family.strength.as_ref().map(|s| s.rule.clone())),
            id: entry.id,
            instead_of: entry.instead_of,
            name: entry.name,
            family: entry.family,
            purpose: entry.purpose,
            source: entry.source,
            fact: entry.fact,
            time,
            time_rule,
            ingredients: entry.ingredients,
            concerns: entry.concerns,
            skin_types: entry.skin_types,
            sensitive: entry.sensitive,
            cites: entry.cites,
            rules: family.clone(),
        });
    }
    (actives, problems)
}

impl Knowledge {
    /// The knowledge base compiled into the binary.
    pub fn builtin() -> Result<Knowledge, KnowledgeError> {
        Knowledge::from_files(BUILTIN)
    }

    /// A fingerprint of the files this knowledge base was read from: what is derived
    /// from it (a stored analysis, a cached plan) is made again when it changes.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// The built-in files, by name, for writing an editable copy.
    pub fn builtin_files() -> &'static [(&'static str, &'static str)] {
        BUILTIN
    }

    /// Parses and validates a knowledge base from `(file name, contents)` pairs.
    pub fn from_files(files: &[(&str, &str)]) -> Result<Knowledge, KnowledgeError> {
        let sources: SourcesFile = parse_file(files, "sources.toml")?;
        let facts: FactsFile = parse_file(files, "facts.toml")?;
        let faq: FaqFile = parse_file(files, "faq.toml")?;
        let rules: RulesFile = parse_file(files, "rules.toml")?;
        let steps: StepsFile = parse_file(files, "steps.toml")?;
        let mask_types: MaskTypesFile = parse_file(files, "mask_types.toml")?;
        let actives: ActivesFile = parse_file(files, "actives.toml")?;
        let interactions: InteractionsFile = parse_file(files, "interactions.toml")?;
        let ingredients: IngredientKnowledge = parse_file(files, "ingredients.toml")?;
        let kinds: KindKnowledge = parse_file(files, "kinds.toml")?;
        let labels: Labels = parse_file(files, "labels.toml")?;
        let gate: GateFile = parse_file(files, "gate.toml")?;
        let (active_list, mut problems) = resolve_actives(&actives.family, actives.active);
        let mut knowledge = Knowledge {
            sources: sources.source,
            facts: facts.fact,
            faqs: faq.faq,
            asks: faq.ask,
            subject_words: faq.words,
            ask_topics: faq.topic,
            rules: rules.rule,
            approach_rules: rules.approach,
            mask_budgets: rules.mask_budget,
            referrals: rules.referral,
            person: rules.person,
            limits: rules.limits,
            steps: steps.step,
            mask_types: mask_types.mask_type,
            families: actives.family,
            actives: active_list,
            interactions: interactions.interaction,
            ingredients,
            kinds,
            labels,
            gate: gate.gate,
            citations: HashMap::new(),
            fingerprint: fingerprint(files),
        };
        problems.extend(knowledge.problems());
        if !problems.is_empty() {
            return Err(KnowledgeError::Invalid { problems });
        }
        knowledge.citations = knowledge
            .citables()
            .map(|(id, text, source)| {
                let citation = knowledge
                    .source(source)
                    .map(|s| s.citation.clone())
                    .unwrap_or_default();
                (id.to_string(), (text.to_string(), citation))
            })
            .collect();
        Ok(knowledge)
    }

    /// Every citable entry: (id, text, source id).
    fn citables(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        let facts = self.facts.iter().map(|f| (&*f.id, &*f.text, &*f.source));
        let rules = self.rules.iter().map(|r| (&*r.id, &*r.text, &*r.source));
        let approach = self
            .approach_rules
            .iter()
            .map(|r| (&*r.id, &*r.text, &*r.source));
        let budgets = self
            .mask_budgets
            .iter()
            .map(|r| (&*r.id, &*r.text, &*r.source));
        let referrals = self
            .referrals
            .iter()
            .map(|r| (&*r.id, &*r.text, &*r.source));
        let interactions = self
            .interactions
            .iter()
            .map(|r| (&*r.id, &*r.text, &*r.source));
        let faqs = self.faqs.iter().map(|f| (&*f.id, &*f.answer, &*f.source));
        let actives = self
            .actives
            .iter()
            .map(|a| (&*a.id, &*a.purpose, &*a.source));
        let masks = self
            .mask_types
            .iter()
            .map(|m| (&*m.id, &*m.purpose, &*m.source));
        facts
            .chain(rules)
            .chain(approach)
            .chain(budgets)
            .chain(referrals)
            .chain(interactions)
            .chain(faqs)
            .chain(actives)
            .chain(masks)
    }

    /// Looks up a citable id (fact, rule, approach rule, budget, referral,
    /// interaction, FAQ, active or mask type).
    pub fn cite<'k>(&'k self, id: &'k str) -> Option<Citation<'k>> {
        self.citations
            .get_key_value(id)
            .map(|(id, (text, source))| Citation { id, text, source })
    }

    /// The person rules that hold for a situation, in file order.
    pub fn person_rules(&self, situation: &Situation<'_>) -> Vec<&PersonRule> {
        self.person
            .iter()
            .filter(|r| r.when.matches(situation))
            .collect()
    }

    /// The profile as the planner and the gate read it: skin that a condition makes
    /// sensitive (rosacea, eczema) counts as sensitive.
    pub fn as_planned(&self, profile: &crate::Profile) -> crate::Profile {
        let situation = Situation::of(profile, false);
        let sensitive = self.person_rules(&situation).iter().any(|r| r.sensitive);
        crate::Profile {
            sensitive: profile.sensitive || sensitive,
            ..profile.clone()
        }
    }

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Where anyone can read the source of a rule, fact, FAQ entry, active or mask type.
    pub fn source_link(&self, id: &str) -> Option<String> {
        let (_, _, source) = self.citables().find(|(cited, _, _)| *cited == id)?;
        self.source(source)?.link()
    }

    /// An active by id.
    pub fn active(&self, id: &str) -> Option<&Active> {
        self.actives.iter().find(|a| a.id == id)
    }

    /// A mask type by id.
    pub fn mask_type(&self, id: &str) -> Option<&MaskType> {
        self.mask_types.iter().find(|m| m.id == id)
    }

    /// A step's data.
    pub fn step(&self, step: Step) -> &StepInfo {
        // Validation guarantees every step is present exactly once.
        let index = self.steps.iter().position(|s| s.id == step).unwrap_or(0);
        &self.steps[index]
    }

    /// The position of a step in application order.
    pub fn step_rank(&self, step: Step) -> usize {
        self.steps
            .iter()
            .position(|s| s.id == step)
            .unwrap_or(usize::MAX)
    }

    /// A family by id.
    pub fn family(&self, id: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.id == id)
    }
}

impl fmt::Display for Citation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}: {}]", self.text, self.id, self.source)
    }
}
