//! The knowledge base: every fact, rule, mask type, active, interaction and FAQ the
//! planner knows, each with an id, a text and a source. The files live in
//! `knowledge/` at the workspace root; they are compiled into the binary and can be
//! replaced by an edited copy (`--knowledge DIR`), which is validated the same way.
//!
//! This module owns the schema of those files. It does no IO: callers hand it the
//! contents of each file.

use crate::vocab::{Concern, Goal, ServingTime, SkinType, Step};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// Declares the knowledge files once: their names, and their built-in contents.
macro_rules! knowledge_files {
    ($($name:literal),+ $(,)?) => {
        /// The file names a knowledge directory holds, in load order.
        pub const FILE_NAMES: &[&str] = &[$($name),+];
        const BUILTIN: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../../knowledge/", $name)))),+];
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
);

/// Rule ids the engine cites by name; validation fails if one is missing.
pub const ENGINE_RULES: &[&str] = &[
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
    /// Pregnant or breastfeeding.
    pub pregnant: bool,
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
            && self.has_event.is_none_or(|e| e == situation.has_event)
    }

    /// Whether the condition holds for everybody.
    pub fn is_always(&self) -> bool {
        self.goals.is_none()
            && self.skin_types.is_none()
            && self.concerns_any.is_none()
            && self.sensitive.is_none()
            && self.pregnant.is_none()
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
    /// A practical tip.
    pub tip: String,
}

impl MaskType {
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

/// A family of actives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
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

/// A serum active.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// Morning, evening or both.
    pub time: ServingTime,
    /// The rule explaining the time.
    pub time_rule: String,
    /// Counts towards the per-routine limit of strong actives.
    pub strong: bool,
    /// Requires sunscreen every morning.
    pub photosensitising: bool,
    /// Allowed in pregnancy and breastfeeding.
    pub pregnancy_safe: bool,
    /// Alternatives named when it is removed for pregnancy.
    #[serde(default)]
    pub pregnancy_alternatives: Vec<String>,
    /// Kept out of plans for sensitive skin.
    #[serde(default)]
    pub avoid_if_sensitive: bool,
    /// Fit by concern.
    #[serde(default)]
    pub concerns: BTreeMap<Concern, i8>,
    /// Nights a week, ramping up (evening-only actives).
    #[serde(default)]
    pub nights: Vec<RampStep>,
    /// The ramp for sensitive skin.
    #[serde(default)]
    pub nights_sensitive: Vec<RampStep>,
    /// The rule explaining the ramp.
    pub nights_rule: Option<String>,
    /// The rule giving strengths to look for.
    pub strength_rule: Option<String>,
}

impl Active {
    /// Nights allowed in the given plan week (0-based), or `None` for no limit.
    pub fn nights_in_week(&self, week: usize, sensitive: bool) -> Option<u8> {
        let ramp = if sensitive && !self.nights_sensitive.is_empty() {
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
}

impl Selector {
    /// Whether this side picks something with one of these families or mask tags.
    pub fn picks(&self, families: &[&str], tags: &[&str]) -> bool {
        self.families.iter().any(|f| families.contains(&f.as_str()))
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
    /// Usually a pH adjuster or helper: an active only early in the list or with a percentage.
    #[serde(default)]
    pub weak: bool,
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

/// A flag the analyzer raises, with the ingredients behind it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    /// Stable code.
    pub code: String,
    /// What it means, in a few words.
    pub text: String,
    /// Exact names.
    #[serde(default)]
    pub names: Vec<String>,
    /// Substrings of names.
    #[serde(default)]
    pub contains: Vec<String>,
    /// Endings of names.
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Genera whose " OIL" names (not seed, kernel, fruit or nut oils) are members.
    #[serde(default)]
    pub genera: Vec<String>,
    /// Families whose members are flagged.
    #[serde(default)]
    pub families: Vec<String>,
    /// For a known person, the flag is shown only when this holds.
    pub when: Option<When>,
}

/// ingredients.toml: the curated layer over CosIng.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngredientKnowledge {
    /// Weak actives count only up to this position (or with a percentage).
    pub weak_position: usize,
    /// Words that qualify a name without changing it.
    pub qualifiers: Vec<String>,
    /// Curated actives.
    pub active: Vec<ActiveIngredient>,
    /// Family rules over the dictionary.
    pub family_rule: Vec<FamilyRule>,
    /// Synonyms.
    pub synonym: Vec<SynonymEntry>,
    /// Flags.
    pub flag: Vec<FlagRule>,
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
    /// General rules.
    pub rules: Vec<Rule>,
    /// Approach rules.
    pub approach_rules: Vec<ApproachRule>,
    /// Mask budgets.
    pub mask_budgets: Vec<MaskBudget>,
    /// Dermatologist referrals.
    pub referrals: Vec<Referral>,
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
    citations: HashMap<String, (String, String)>,
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
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    approach: Vec<ApproachRule>,
    mask_budget: Vec<MaskBudget>,
    referral: Vec<Referral>,
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
    active: Vec<Active>,
}
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InteractionsFile {
    interaction: Vec<Interaction>,
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

impl Knowledge {
    /// The knowledge base compiled into the binary.
    pub fn builtin() -> Result<Knowledge, KnowledgeError> {
        Knowledge::from_files(BUILTIN)
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
        let mut knowledge = Knowledge {
            sources: sources.source,
            facts: facts.fact,
            faqs: faq.faq,
            rules: rules.rule,
            approach_rules: rules.approach,
            mask_budgets: rules.mask_budget,
            referrals: rules.referral,
            limits: rules.limits,
            steps: steps.step,
            mask_types: mask_types.mask_type,
            families: actives.family,
            actives: actives.active,
            interactions: interactions.interaction,
            ingredients,
            kinds,
            citations: HashMap::new(),
        };
        let problems = knowledge.problems();
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

    /// A source by id.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
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

    /// Every inconsistency between the files, one line each.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for (id, _, source) in self.citables() {
            if !seen.insert(id) {
                problems.push(format!("id {id} is used twice"));
            }
            if self.source(source).is_none() {
                problems.push(format!("{id} cites unknown source {source}"));
            }
        }
        let cited = |id: &str| seen.contains(id);
        fn unique(problems: &mut Vec<String>, kind: &str, ids: Vec<&str>) {
            let mut kind_seen = HashSet::new();
            for id in ids {
                if !kind_seen.insert(id.to_string()) {
                    problems.push(format!("{kind} {id} is defined twice"));
                }
            }
        }
        unique(
            &mut problems,
            "source",
            self.sources.iter().map(|s| &*s.id).collect(),
        );
        unique(
            &mut problems,
            "mask type",
            self.mask_types.iter().map(|m| &*m.id).collect(),
        );
        unique(
            &mut problems,
            "family",
            self.families.iter().map(|f| &*f.id).collect(),
        );
        unique(
            &mut problems,
            "active",
            self.actives.iter().map(|a| &*a.id).collect(),
        );
        for id in ENGINE_RULES {
            if !cited(id) {
                problems.push(format!("the engine needs rule {id}, which is missing"));
            }
        }
        for step in Step::ALL {
            let count = self.steps.iter().filter(|s| s.id == *step).count();
            if count != 1 {
                problems.push(format!("step {step} is listed {count} times, not once"));
            }
        }
        for budget in &self.mask_budgets {
            if budget.per_week == 0 || budget.per_week > self.limits.masks_per_week_max {
                problems.push(format!(
                    "mask budget {} allows {} a week, outside 1..={}",
                    budget.id, budget.per_week, self.limits.masks_per_week_max
                ));
            }
        }
        if !self.mask_budgets.iter().any(|b| b.when.is_always()) {
            problems.push("no mask budget applies to everybody (add one with `when = {}`)".into());
        }
        if !self.referrals.iter().any(|r| r.when.is_always()) {
            problems.push("no dermatologist referral applies to everybody".into());
        }
        let tags: HashSet<&str> = self
            .mask_types
            .iter()
            .flat_map(|m| m.tags.iter().map(|t| &**t))
            .collect();
        for mask in &self.mask_types {
            if let Some(fact) = &mask.fact {
                if !cited(fact) {
                    problems.push(format!("mask type {} names unknown fact {fact}", mask.id));
                }
            }
            if mask.max_per_week == 0 || mask.minutes == 0 {
                problems.push(format!(
                    "mask type {} needs minutes and a weekly limit",
                    mask.id
                ));
            }
        }
        for active in &self.actives {
            let id = &active.id;
            if self.family(&active.family).is_none() {
                problems.push(format!(
                    "active {id} is in unknown family {}",
                    active.family
                ));
            }
            let rules = [
                Some(&active.time_rule),
                active.fact.as_ref(),
                active.nights_rule.as_ref(),
                active.strength_rule.as_ref(),
            ];
            for rule in rules.into_iter().flatten() {
                if !cited(rule) {
                    problems.push(format!("active {id} names unknown rule or fact {rule}"));
                }
            }
            for alternative in &active.pregnancy_alternatives {
                match self.active(alternative) {
                    None => problems.push(format!("active {id} names unknown alternative {alternative}")),
                    Some(alt) if !alt.pregnancy_safe => problems.push(format!(
                        "active {id} names {alternative} as a pregnancy alternative, but it is not pregnancy-safe"
                    )),
                    Some(_) => {}
                }
            }
            if !active.pregnancy_safe && active.pregnancy_alternatives.is_empty() {
                problems.push(format!(
                    "active {id} is unsafe in pregnancy but names no alternative"
                ));
            }
            for ramp in [&active.nights, &active.nights_sensitive] {
                if ramp.iter().any(|s| s.per_week == 0 || s.per_week > 7) {
                    problems.push(format!("active {id} has a ramp step outside 1..=7 nights"));
                }
                if !ramp.is_empty() && active.nights_rule.is_none() {
                    problems.push(format!("active {id} has a ramp but no nights_rule"));
                }
                if ramp.is_empty() {
                    continue;
                }
                let (last, rest) = ramp.split_last().unwrap_or((&ramp[0], &[]));
                if last.weeks.is_some() || rest.iter().any(|s| s.weeks.is_none_or(|w| w == 0)) {
                    problems.push(format!("active {id}: every ramp step but the last needs weeks >= 1, and the last none"));
                }
            }
            if !active.nights.is_empty() && active.time != ServingTime::Pm {
                problems.push(format!(
                    "active {id} has a nights ramp but is not evening-only"
                ));
            }
        }
        for tag in self
            .limits
            .event_mask_tags
            .iter()
            .chain(&self.limits.sensitive_mask_tags)
        {
            if !tags.contains(&**tag) {
                problems.push(format!(
                    "limits name mask tag {tag}, which no mask type has"
                ));
            }
        }
        for id in &self.limits.default_actives {
            if self.active(id).is_none() {
                problems.push(format!("limits.default_actives names unknown active {id}"));
            }
        }
        for interaction in &self.interactions {
            for selector in [&interaction.a, &interaction.b] {
                for family in &selector.families {
                    if self.family(family).is_none() {
                        problems.push(format!(
                            "interaction {} names unknown family {family}",
                            interaction.id
                        ));
                    }
                }
                for tag in &selector.mask_tags {
                    if !tags.contains(&**tag) {
                        problems.push(format!(
                            "interaction {} names mask tag {tag}, which no mask type has",
                            interaction.id
                        ));
                    }
                }
            }
        }
        let families = |kind: &str, family: &str, problems: &mut Vec<String>| {
            if self.family(family).is_none() {
                problems.push(format!("{kind} names unknown family {family}"));
            }
        };
        for active in &self.ingredients.active {
            families(
                &format!("ingredient {}", active.id),
                &active.family,
                &mut problems,
            );
        }
        for rule in &self.ingredients.family_rule {
            families("a family rule", &rule.family, &mut problems);
        }
        for flag in &self.ingredients.flag {
            for family in &flag.families {
                families(&format!("flag {}", flag.code), family, &mut problems);
            }
        }
        unique(
            &mut problems,
            "ingredient",
            self.ingredients.active.iter().map(|a| &*a.id).collect(),
        );
        unique(
            &mut problems,
            "flag",
            self.ingredients.flag.iter().map(|f| &*f.code).collect(),
        );
        for rule in &self.kinds.kind {
            if crate::vocab::ProductKind::from_id(&rule.id).is_none() {
                problems.push(format!("kinds.toml names unknown product kind {}", rule.id));
            }
        }
        for rule in &self.kinds.mask_type {
            if self.mask_type(&rule.id).is_none() {
                problems.push(format!("kinds.toml names unknown mask type {}", rule.id));
            }
        }
        problems
    }
}

impl fmt::Display for Citation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}: {}]", self.text, self.id, self.source)
    }
}
