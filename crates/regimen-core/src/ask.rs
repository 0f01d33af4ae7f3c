//! Questions as people type them, answered from the rules that decide the plan.
//!
//! A question is read into what it is about (actives, families, ingredients, mask
//! types, product kinds, conditions, life stages: the knowledge base's names, with the
//! plain words of faq.toml `[[words]]`, a slip forgiven in longer words) and what it asks
//! (faq.toml `[[ask]]`: urgent signs first, whatever else it asks). The answer is
//! composed from the same rules the planner follows (interactions, pregnancy and
//! breastfeeding gates, times of day, ramps, mask limits, timelines, reaction advice),
//! each sentence with its source. What it cannot compose it does not guess: the
//! seed's written FAQ answers what rules cannot say, and otherwise it offers the
//! closest questions.

use crate::explain::{capitalised, explain, point, rank_faqs, Point};
use crate::knowledge::{Family, FlagRule, Knowledge, Selector, Severity, When};
use crate::vocab::{Concern, Condition, ServingTime, Step};
use serde::Serialize;
use strsim::damerau_levenshtein;

/// Something a question is about: a kind (`active`, `family`, `ingredient`, `mask`,
/// `kind`, `condition`, `stage`) and an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// What sort of thing it is.
    pub kind: String,
    /// Its id.
    pub id: String,
}

/// What was understood of a question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Understood {
    /// What it is about, in the order the question names them.
    pub subjects: Vec<Subject>,
    /// What it asks, in the order they are tried (urgent first).
    pub asks: Vec<String>,
}

/// How sure the answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Composed from the rules for what the question asks, about what it names.
    High,
    /// A rule-based answer that says less than was asked, or a written FAQ entry.
    Medium,
    /// Not answered: the closest questions are offered.
    Low,
}

/// An answer.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// The answer in plain words: its first sentence says yes, no or what to do.
    pub answer: String,
    /// The sentences it is made of, each with its rule and source.
    pub points: Vec<Point>,
    /// How sure it is.
    pub confidence: Confidence,
    /// What was understood.
    pub understood: Understood,
    /// When not answered: the closest questions.
    pub did_you_mean: Vec<String>,
}

/// Reads and answers a question.
pub fn ask(knowledge: &Knowledge, question: &str) -> Answer {
    let understood = understand(knowledge, question);
    // A question for a doctor (a mole, a medicine taken by mouth, hair and scalp): said
    // so, and not answered with skin care; urgent signs still come first.
    let asked = |id: &str| understood.asks.iter().any(|a| a == id);
    if asked("doctor") && !asked("urgent") {
        let points: Vec<Point> = point(knowledge, "ask_a_doctor").into_iter().collect();
        return Answer {
            answer: said("", &points),
            points,
            confidence: Confidence::Low,
            understood,
            did_you_mean: Vec::new(),
        };
    }
    let ranked = rank_faqs(knowledge, question);
    // What the rules say of what it asks; else a written entry that matches well (it
    // answers what rules cannot say), first one that asks nothing the question does not
    // about nothing it does not name; else what the first thing it names is.
    let best = ranked.first().filter(|(_, score)| *score >= 0.6);
    let written = |faq: &crate::knowledge::Faq| {
        about(knowledge, &[&faq.id]).map(|(lead, points, _)| (lead, points, Confidence::Medium))
    };
    let fits = |faq: &crate::knowledge::Faq| {
        let its = understand(knowledge, &faq.question);
        its.asks.iter().all(|a| understood.asks.contains(a))
            && its.subjects.iter().all(|s| understood.subjects.contains(s))
    };
    let composed = compose(knowledge, &understood)
        .or_else(|| {
            best.filter(|(faq, _)| fits(faq))
                .and_then(|(faq, _)| written(faq))
        })
        .or_else(|| describe(knowledge, &understood))
        .or_else(|| best.and_then(|(faq, _)| written(faq)));
    match composed {
        Some((lead, points, confidence)) => Answer {
            answer: said(&lead, &points),
            points,
            confidence,
            understood,
            did_you_mean: Vec::new(),
        },
        None => {
            // Nothing of skin care understood: no question to offer in its place.
            let about_skin = !understood.subjects.is_empty() || !understood.asks.is_empty();
            Answer {
                answer: if about_skin {
                    "regimen is not sure what this asks, so it does not guess.".into()
                } else {
                    "regimen answers questions about skin care: masks, serums, their ingredients and how to use them.".into()
                },
                points: Vec::new(),
                confidence: Confidence::Low,
                did_you_mean: ranked
                    .iter()
                    .filter(|_| about_skin)
                    .take(3)
                    .map(|(f, _)| f.question.clone())
                    .collect(),
                understood,
            }
        }
    }
}

impl Answer {
    /// The answer as the CLI's `--format json` and `GET /api/v1/faq` give it:
    /// `{"answer", "sources", "confidence", "understood": {"subjects", "asks"},
    /// "did_you_mean"}`.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "answer": self.answer,
            "sources": self
                .points
                .iter()
                .map(|p| serde_json::json!({"rule": p.rule, "source": p.source, "link": p.link}))
                .collect::<Vec<_>>(),
            "confidence": self.confidence,
            "understood": self.understood,
            "did_you_mean": self.did_you_mean,
        })
    }
}

/// The longest question read, in characters (a longer one is cut there).
pub const MAX_QUESTION: usize = 1000;

fn said(lead: &str, points: &[Point]) -> String {
    let mut text = lead.to_string();
    for point in points {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&point.text);
    }
    text
}

/// The words of a text: lower case, letters and digits.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// How many slips a word may have and still be read as another.
#[derive(Debug, Clone, Copy)]
enum Slips {
    /// A name (of an active, an ingredient): one in a word of five to eight letters,
    /// two in a longer one ("salycilic" is salicylic).
    Name,
    /// A cue of what is asked: one at most ("bleaching" is no "breathing").
    Cue,
}

/// Whether a word of the question is this word of a phrase: the same, its plural, or
/// (five letters or more) a slip or two away; a first letter is rarely the slip
/// ("treating" is no "breathing").
fn same_word(typed: &str, known: &str, slips: Slips) -> bool {
    // A plural, of a word of three letters or more ("has" is no plural of "ha").
    if typed == known || (known.len() >= 3 && typed.strip_suffix('s') == Some(known)) {
        return true;
    }
    let (a, b) = (typed.chars().count(), known.chars().count());
    let most = match slips {
        Slips::Name if a.min(b) >= 9 => 2,
        _ => 1,
    };
    a >= 5
        && b >= 5
        && typed.chars().next() == known.chars().next()
        && damerau_levenshtein(typed, known) <= most
}

/// Whether a phrase is found at `at` in the words.
fn found_at(typed: &[String], at: usize, phrase: &[String], slips: Slips) -> bool {
    !phrase.is_empty()
        && at + phrase.len() <= typed.len()
        && phrase
            .iter()
            .zip(&typed[at..])
            .all(|(known, word)| same_word(word, known, slips))
}

/// Whether a question's words hold a cue's phrase anywhere (`exact`: as written, or a
/// plural), except wholly inside the name of a thing (`named[i]`: word i is part of a
/// name of two words or more): "peel off" in "peel off masks" names a mask and reports
/// no peeling.
fn has_phrase(typed: &[String], named: &[bool], phrase: &str, exact: bool) -> bool {
    let phrase = words(phrase);
    let len = phrase.len().max(1);
    let free = |at: usize| !named[at..(at + len).min(named.len())].iter().all(|n| *n);
    if exact {
        return typed.windows(len).enumerate().any(|(at, w)| {
            free(at)
                && w.iter()
                    .zip(&phrase)
                    .all(|(t, p)| t == p || t.strip_suffix('s') == Some(p.as_str()))
        });
    }
    (0..typed.len()).any(|at| free(at) && found_at(typed, at, &phrase, Slips::Cue))
}

/// Every phrase the knowledge base names something by, with what it names.
fn vocabulary(knowledge: &Knowledge) -> Vec<(Vec<String>, Subject)> {
    let subject = |kind: &str, id: &str| Subject {
        kind: kind.into(),
        id: id.into(),
    };
    let mut terms: Vec<(Vec<String>, Subject)> = Vec::new();
    let mut add = |text: &str, s: Subject| {
        let w = words(text);
        if !w.is_empty() && !terms.iter().any(|(t, _)| *t == w) {
            terms.push((w, s));
        }
    };
    for entry in &knowledge.subject_words {
        if let Some((kind, id)) = entry.subject.split_once(':') {
            for word in &entry.words {
                add(word, subject(kind, id));
            }
        }
    }
    for active in &knowledge.actives {
        add(&active.id.replace('_', " "), subject("active", &active.id));
        add(
            active.name.split(" (").next().unwrap_or(&active.name),
            subject("active", &active.id),
        );
    }
    for family in &knowledge.families {
        add(&family.id.replace('_', " "), subject("family", &family.id));
        add(
            family.name.split(" (").next().unwrap_or(&family.name),
            subject("family", &family.id),
        );
        for word in &family.words {
            add(word, subject("family", &family.id));
        }
    }
    for ingredient in &knowledge.ingredients.active {
        add(&ingredient.inci, subject("ingredient", &ingredient.id));
        for synonym in &ingredient.synonyms {
            add(synonym, subject("ingredient", &ingredient.id));
        }
    }
    // Groups and flags people name ("tea tree", "essential oils", "fragrance").
    for group in &knowledge.ingredients.group {
        for word in &group.words {
            add(word, subject("group", &group.id));
        }
    }
    for flag in &knowledge.ingredients.flag {
        for word in &flag.words {
            add(word, subject("flag", &flag.code));
        }
    }
    for mask in &knowledge.mask_types {
        add(&mask.name, subject("mask", &mask.id));
        add(&format!("{} masks", mask.id), subject("mask", &mask.id));
    }
    for concern in Concern::ALL {
        add(
            &concern.id().replace('_', " "),
            subject("concern", concern.id()),
        );
    }
    for condition in Condition::ALL {
        add(
            &condition.id().replace('_', " "),
            subject("condition", condition.id()),
        );
    }
    // Longest first: "salicylic acid cleanser" before "salicylic acid".
    terms.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
    terms
}

/// Reads a question into what it is about and what it asks.
pub fn understand(knowledge: &Knowledge, question: &str) -> Understood {
    let typed = words(question);
    let terms = vocabulary(knowledge);
    let mut subjects: Vec<Subject> = Vec::new();
    let mut named = vec![false; typed.len()];
    let mut at = 0;
    while at < typed.len() {
        match terms
            .iter()
            .find(|(t, _)| found_at(&typed, at, t, Slips::Name))
        {
            Some((term, subject)) => {
                if !subjects.contains(subject) {
                    subjects.push(subject.clone());
                }
                if term.len() >= 2 {
                    named[at..at + term.len()].fill(true);
                }
                at += term.len();
            }
            None => at += 1,
        }
    }
    // An age in years says the life stage ("my 10 year old", "a 14 yo").
    for pair in typed.windows(2) {
        let years = pair[0].parse::<u8>().ok();
        if let (Some(age), true) = (
            years,
            ["year", "years", "yr", "yrs", "yo"].contains(&pair[1].as_str()),
        ) {
            let stage = match age {
                0..=11 => Some("child"),
                12..=17 => Some("teen"),
                _ => None,
            };
            if let Some(stage) = stage {
                let s = Subject {
                    kind: "stage".into(),
                    id: stage.into(),
                };
                if !subjects.contains(&s) {
                    subjects.push(s);
                }
            }
        }
    }
    let mut asks: Vec<String> = Vec::new();
    for cue in &knowledge.asks {
        let holds = |words: &[String]| {
            words
                .iter()
                .any(|w| has_phrase(&typed, &named, w, cue.exact))
        };
        // A cue `with` a second list holds when a word of each is there.
        if holds(&cue.words) && (cue.with.is_empty() || holds(&cue.with)) && !asks.contains(&cue.id)
        {
            asks.push(cue.id.clone());
        }
    }
    Understood { subjects, asks }
}

/// The family a subject puts on the skin, if it is an active, a family or an ingredient.
fn family_of<'k>(knowledge: &'k Knowledge, subject: &Subject) -> Option<&'k Family> {
    let id = match subject.kind.as_str() {
        "family" => subject.id.clone(),
        "active" => knowledge.active(&subject.id)?.family.clone(),
        "ingredient" => knowledge
            .ingredients
            .active
            .iter()
            .find(|i| i.id == subject.id)?
            .family
            .clone(),
        _ => return None,
    };
    knowledge.family(&id)
}

/// The INCI names a subject stands for (an ingredient's own, an active's).
fn incis(knowledge: &Knowledge, subject: &Subject) -> Vec<String> {
    match subject.kind.as_str() {
        "ingredient" => knowledge
            .ingredients
            .active
            .iter()
            .filter(|i| i.id == subject.id)
            .map(|i| i.inci.clone())
            .collect(),
        "active" => knowledge
            .active(&subject.id)
            .map(|a| a.ingredients.clone())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Whether an interaction's side is about a subject.
fn side_holds(knowledge: &Knowledge, side: &Selector, subject: &Subject) -> bool {
    if subject.kind == "mask" {
        return knowledge
            .mask_type(&subject.id)
            .is_some_and(|m| side.mask_tags.iter().any(|t| m.has_tag(t)));
    }
    let names = incis(knowledge, subject);
    let by_name = names
        .iter()
        .any(|n| side.ingredients.iter().any(|i| i.eq_ignore_ascii_case(n)));
    let excepted = !names.is_empty()
        && names
            .iter()
            .all(|n| side.except.iter().any(|e| e.eq_ignore_ascii_case(n)));
    let by_family = family_of(knowledge, subject).is_some_and(|f| side.families.contains(&f.id));
    by_name || (by_family && !excepted)
}

/// What is composed: a lead, its points, how sure.
type Composed = (String, Vec<Point>, Confidence);

/// The answer from the rules, for the first thing asked that they can answer.
fn compose(knowledge: &Knowledge, understood: &Understood) -> Option<Composed> {
    let subjects = &understood.subjects;
    let asked = |id: &str| understood.asks.iter().any(|a| a == id);
    let stage = |id: &str| subjects.iter().any(|s| s.kind == "stage" && s.id == id);
    // Urgent signs first, whatever else is asked.
    if asked("urgent") {
        let points: Vec<Point> = ["reaction_urgent", "reaction", "derm_burning"]
            .iter()
            .filter_map(|id| point(knowledge, id))
            .collect();
        return Some((
            "This can be an emergency: get help now.".into(),
            points,
            Confidence::High,
        ));
    }
    if let Some(topic) = knowledge
        .ask_topics
        .iter()
        .find(|t| topic_holds(t, understood))
    {
        let ids: Vec<&str> = topic.points.iter().map(String::as_str).collect();
        let (_, points, confidence) = about(knowledge, &ids)?;
        return Some((topic.lead.clone(), points, confidence));
    }
    let things = things(subjects);
    // A skin type with a plain question (what suits it, how often): what fits it.
    let plain = understood
        .asks
        .iter()
        .all(|a| matches!(a.as_str(), "what_it_does" | "frequency" | "combine"));
    if let Some(skin) = subjects.iter().find(|s| s.kind == "skin").filter(|_| plain) {
        if let Some(composed) = skin_answer(knowledge, &skin.id, &things) {
            return Some(composed);
        }
    }
    let named_condition = subjects.iter().any(|s| s.kind == "condition");
    // Each ask once, in the order of its first cue.
    let mut tried: Vec<&str> = Vec::new();
    for cue in &knowledge.asks {
        if !tried.contains(&cue.id.as_str()) {
            tried.push(&cue.id);
        }
    }
    for ask in tried {
        let composed = match ask {
            "pregnancy" if asked(ask) || stage("pregnancy") => pregnancy(knowledge, &things),
            "breastfeeding" if asked(ask) || stage("breastfeeding") => {
                breastfeeding(knowledge, &things, subjects)
            }
            // Someone with a condition whose skin reacts is answered by the condition's
            // care and gates (its doctor, what to leave out), not by a general pause.
            "reaction" if asked(ask) && !named_condition => reaction(knowledge, &things),
            "order" if asked(ask) => order(knowledge, &things),
            // With a condition named ("people with rosacea"), the condition's gates answer.
            "combine" if asked(ask) && things.len() >= 2 && !named_condition => {
                combine(knowledge, &things)
            }
            "time_of_day" if asked(ask) && !things.is_empty() => time_of_day(knowledge, &things),
            "frequency" if asked(ask) && !things.is_empty() => frequency(knowledge, &things),
            "how_long" if asked(ask) => how_long(knowledge, &things),
            "event" if asked(ask) => event(knowledge, &things),
            "age" if asked(ask) || stage("child") || stage("teen") => age(knowledge, subjects),
            _ => None,
        };
        if composed.is_some() {
            return composed;
        }
    }
    if let Some(condition) = subjects.iter().find(|s| s.kind == "condition") {
        return condition_answer(knowledge, &condition.id, &things);
    }
    // Two actives named and nothing else asked: whether they go together.
    let actives = things
        .iter()
        .filter(|s| family_of(knowledge, s).is_some())
        .count();
    if actives >= 2 && !asked("what_it_does") {
        return combine(knowledge, &things);
    }
    // A deeper skin tone named: what the plan does for it.
    if subjects.iter().any(|s| s.kind == "tone") {
        let (_, mut points, confidence) = about(knowledge, &["skin_tone_pih", "tinted_sunscreen"])?;
        let mut named = Vec::new();
        for family in things.iter().filter_map(|s| family_of(knowledge, s)) {
            named.push(family.label());
            if let Some(rule) = family.nights_rule.as_deref() {
                points.extend(point(knowledge, rule));
            }
        }
        // Said as a statement: "yes" would answer "should I avoid it?" wrongly.
        let lead = if named.is_empty() {
            "With a deeper skin tone, strong actives start slower: deeper skin tones are more prone to dark marks after irritation.".to_string()
        } else {
            format!(
                "With a deeper skin tone, {} can be used, started slowly: deeper skin tones are more prone to dark marks after irritation, so strong actives start slower.",
                named.join(" and ")
            )
        };
        return Some((lead, points, confidence));
    }
    None
}

/// What a question names that goes on the skin (not a life stage, condition, concern,
/// tone or topic).
fn things(subjects: &[Subject]) -> Vec<&Subject> {
    subjects
        .iter()
        .filter(|s| {
            !matches!(
                s.kind.as_str(),
                "stage" | "condition" | "concern" | "tone" | "topic" | "skin"
            )
        })
        .collect()
}

/// Whether a topic answers a question: it names every subject of the topic (`kind:mask`
/// is any mask) and asks nothing the topic does not answer.
fn topic_holds(topic: &crate::knowledge::AskTopic, understood: &Understood) -> bool {
    let names = |wanted: &str| {
        understood.subjects.iter().any(|s| {
            let id = format!("{}:{}", s.kind, s.id);
            id == wanted || (wanted == "kind:mask" && s.kind == "mask")
        })
    };
    // Who the question is about (a skin type, a condition, a life stage, a tone) is
    // answered by what suits them, not by a topic about things (a topic about a practice,
    // such as skin cycling, still answers).
    let practice = topic.about.iter().any(|a| a.starts_with("topic:"));
    let about_someone = !practice
        && understood.subjects.iter().any(|s| {
            matches!(s.kind.as_str(), "skin" | "condition" | "stage" | "tone")
                && !topic.about.contains(&format!("{}:{}", s.kind, s.id))
        });
    !about_someone
        && topic.about.iter().all(|a| names(a))
        && understood.asks.iter().all(|a| topic.asks.contains(a))
}

/// What the things a question names are, when nothing more specific was composed and no
/// written entry matched: "X vs Y", what each does; else what the first one is.
fn describe(knowledge: &Knowledge, understood: &Understood) -> Option<Composed> {
    let asked = |id: &str| understood.asks.iter().any(|a| a == id);
    let things = things(&understood.subjects);
    // "X vs Y": what each does.
    if asked("what_it_does") && things.len() >= 2 {
        let mut points = Vec::new();
        for thing in things.iter().take(3) {
            if let Some((_, first, _)) = explained(knowledge, &topic_of(knowledge, thing), 1) {
                points.extend(first);
            }
        }
        if !points.is_empty() {
            return Some((String::new(), points, Confidence::High));
        }
    }
    if asked("what_it_does") || understood.asks.is_empty() {
        if let Some(first) = things.first() {
            // What the analyzer flags (an allergen, an essential oil): why it is flagged.
            let flags = flags_of(knowledge, first);
            if let Some(flag) = flags.first() {
                let points = gate_points(knowledge, first);
                if !points.is_empty() {
                    let lead = format!("regimen flags it in a list: {}.", flag.text);
                    return Some((lead, points, Confidence::High));
                }
            }
            return explained(knowledge, &topic_of(knowledge, first), 3);
        }
    }
    None
}

/// A skin type (or sensitive skin) and what suits it, from the fits the planner chooses
/// by: whether the mask type or active named suits it (and how often a mask), else the
/// mask types and serums that fit it best.
/// How well mask types and planner actives fit a skin type, or sensitive skin, by the
/// fits the planner chooses with.
struct SkinFit<'k> {
    knowledge: &'k Knowledge,
    /// Sensitive skin (not a skin type of its own).
    sensitive: bool,
    skin_type: Option<crate::vocab::SkinType>,
}

impl<'k> SkinFit<'k> {
    fn of(knowledge: &'k Knowledge, skin: &str) -> Option<SkinFit<'k>> {
        let sensitive = skin == "sensitive";
        let skin_type = crate::vocab::SkinType::from_id(skin);
        (sensitive || skin_type.is_some()).then_some(SkinFit {
            knowledge,
            sensitive,
            skin_type,
        })
    }

    fn mask(&self, m: &crate::knowledge::MaskType) -> i8 {
        let soothing = || {
            self.knowledge
                .limits
                .sensitive_mask_tags
                .iter()
                .any(|t| m.has_tag(t))
        };
        match self.skin_type {
            _ if self.sensitive && m.avoid_if_sensitive => -3,
            _ if self.sensitive => i8::from(soothing()) * 2,
            Some(t) => m.skin_types.get(&t).copied().unwrap_or(0),
            None => 0,
        }
    }

    fn active(&self, a: &crate::knowledge::Active) -> i8 {
        match self.skin_type {
            _ if self.sensitive && a.rules.avoid_if_sensitive => -3,
            _ if self.sensitive => a.sensitive,
            Some(t) => a.skin_types.get(&t).copied().unwrap_or(0),
            None => 0,
        }
    }
}

fn skin_answer(knowledge: &Knowledge, skin: &str, things: &[&Subject]) -> Option<Composed> {
    use crate::knowledge::{Active, MaskType};
    let fit = SkinFit::of(knowledge, skin)?;
    let (sensitive, skin_type) = (fit.sensitive, fit.skin_type);
    let mask_fit = |m: &MaskType| fit.mask(m);
    let active_fit = |a: &Active| fit.active(a);
    let label = format!("{skin} skin");
    let short = |name: &str| name.split(" (").next().unwrap_or(name).to_lowercase();
    let mut masks: Vec<&MaskType> = knowledge
        .mask_types
        .iter()
        .filter(|m| mask_fit(m) > 0)
        .collect();
    masks.sort_by_key(|m| std::cmp::Reverse(mask_fit(m)));
    let mut serums: Vec<&Active> = knowledge
        .actives
        .iter()
        .filter(|a| active_fit(a) > 0)
        .collect();
    serums.sort_by_key(|a| std::cmp::Reverse(active_fit(a)));
    let mut points: Vec<Point> = Vec::new();
    if sensitive {
        points.extend(point(knowledge, "sensitive_fewer_actives"));
    }
    // A mask type named: does it suit, and how often.
    if let Some(mask) = things
        .iter()
        .find(|s| s.kind == "mask")
        .and_then(|s| knowledge.mask_type(&s.id))
    {
        let per_week = skin_type
            .and_then(|t| mask.max_per_week_by_skin.get(&t).copied())
            .unwrap_or(mask.max_per_week);
        let lead = if mask_fit(mask) >= 0 {
            format!(
                "Yes: a {} suits {label}, up to {per_week} times a week.",
                short(&mask.name)
            )
        } else {
            let better: Vec<String> = masks.iter().take(2).map(|m| short(&m.name)).collect();
            format!(
                "Not the best for {label}: a {} fits it better.",
                better.join(" or a ")
            )
        };
        points.extend(point(knowledge, mask.fact.as_deref().unwrap_or(&mask.id)));
        if sensitive {
            points.extend(point(knowledge, "sensitive_soothing_masks"));
        }
        return Some((lead, points, Confidence::High));
    }
    // An active named: does it suit.
    if let Some(active) = things.iter().find_map(|s| {
        knowledge.active(&s.id).or_else(|| {
            let family = family_of(knowledge, s)?;
            knowledge.actives.iter().find(|a| a.family == family.id)
        })
    }) {
        let lead = if active_fit(active) >= 0 {
            format!("Yes: {} suits {label}.", short(&active.name))
        } else {
            let better: Vec<String> = serums.iter().take(2).map(|a| short(&a.name)).collect();
            format!(
                "It is not the best fit for {label}: {} suit it better.",
                better.join(" or ")
            )
        };
        points.extend(point(
            knowledge,
            active.fact.as_deref().unwrap_or(&active.id),
        ));
        return Some((lead, points, Confidence::High));
    }
    // What suits it: masks, serums, or both, as asked.
    let wants_masks = things.iter().any(|s| s.kind == "mask" || s.id == "mask");
    let wants_serums = things.iter().any(|s| s.id == "serum");
    let (show_masks, show_serums) = match (wants_masks, wants_serums) {
        (false, false) => (true, true),
        asked => asked,
    };
    let mut said = Vec::new();
    if show_masks && !masks.is_empty() {
        let names: Vec<String> = masks
            .iter()
            .take(3)
            .map(|m| format!("{} ({})", short(&m.name), m.purpose))
            .collect();
        said.push(format!("masks that suit it: {}", names.join(", ")));
        points.extend(
            masks
                .iter()
                .take(3)
                .filter_map(|m| m.fact.as_deref().and_then(|f| point(knowledge, f))),
        );
    }
    if show_serums && !serums.is_empty() {
        let names: Vec<String> = serums.iter().take(3).map(|a| short(&a.name)).collect();
        said.push(format!("serums that suit it: {}", names.join(", ")));
        points.extend(
            serums
                .iter()
                .take(3)
                .filter_map(|a| a.fact.as_deref().and_then(|f| point(knowledge, f))),
        );
    }
    if said.is_empty() {
        return None;
    }
    let lead = format!("For {label}, {}.", said.join("; "));
    Some((capitalised(&lead), points, Confidence::High))
}

/// What `explain` explains a subject by: a family with one planner active, as that active.
fn topic_of(knowledge: &Knowledge, subject: &Subject) -> String {
    if subject.kind == "family" {
        let members: Vec<&str> = knowledge
            .actives
            .iter()
            .filter(|a| a.family == subject.id)
            .map(|a| a.id.as_str())
            .collect();
        if let [only] = members.as_slice() {
            return only.to_string();
        }
    }
    subject.id.clone()
}

/// A condition: the gate's rule for a family the question names (steroids with perioral
/// dermatitis: no), else what the plan does for it.
fn condition_answer(
    knowledge: &Knowledge,
    condition: &str,
    things: &[&Subject],
) -> Option<Composed> {
    let about = |w: &When| {
        w.conditions_any
            .as_ref()
            .is_some_and(|c| c.iter().any(|c| c.id() == condition))
    };
    for family in things.iter().filter_map(|s| family_of(knowledge, s)) {
        if let Some(gate) = knowledge
            .gate
            .iter()
            .find(|g| g.when.as_ref().is_some_and(about) && g.families.contains(&family.id))
        {
            let mut points: Vec<Point> = point(knowledge, &gate.id).into_iter().collect();
            points.extend(
                knowledge
                    .referrals
                    .iter()
                    .filter(|r| about(&r.when))
                    .filter_map(|r| point(knowledge, &r.id)),
            );
            return Some((format!("No: {}.", gate.says), points, Confidence::High));
        }
    }
    let (_, points, confidence) = explained(knowledge, condition, 4)?;
    let named: Vec<String> = things
        .iter()
        .filter_map(|s| family_of(knowledge, s))
        .map(|f| f.label())
        .collect();
    let lead = if named.is_empty() {
        String::new()
    } else {
        format!(
            "regimen's rules for {} do not keep {} out.",
            condition.replace('_', " "),
            named.join(" or ")
        )
    };
    Some((lead, points, confidence))
}

/// Before an event: nothing new in the quiet days, no strong night on its eve, a prep
/// mask; and how long what the question names takes to show.
fn event(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    let mut ids: Vec<String> = vec![
        "pacing_event".into(),
        "event_eve".into(),
        "event_mask".into(),
    ];
    ids.extend(
        things
            .iter()
            .filter_map(|s| family_of(knowledge, s))
            .filter_map(|f| f.results_rule.clone()),
    );
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    about(knowledge, &ids)
}

fn about(knowledge: &Knowledge, ids: &[&str]) -> Option<Composed> {
    let points: Vec<Point> = ids.iter().filter_map(|id| point(knowledge, id)).collect();
    (!points.is_empty()).then(|| (String::new(), points, Confidence::High))
}

/// The first points of an explanation (a point another already says is left out).
fn explained(knowledge: &Knowledge, topic: &str, at_most: usize) -> Option<Composed> {
    let explanation = explain(knowledge, topic)?;
    let mut points: Vec<Point> = Vec::new();
    for point in explanation.points {
        let said = points.iter().any(|p| {
            p.text
                .to_lowercase()
                .contains(point.text.trim_end_matches('.').to_lowercase().as_str())
        });
        if !said && !point.text.starts_with("In plans:") {
            points.push(point);
        }
    }
    points.truncate(at_most);
    // A point that starts mid-sentence ("deep hydration") is said with its title.
    if let Some(first) = points.first_mut() {
        if first.text.chars().next().is_some_and(char::is_lowercase) {
            first.text = format!(
                "{}: {}.",
                explanation.title,
                first.text.trim_end_matches('.')
            );
        }
    }
    (!points.is_empty()).then(|| (String::new(), points, Confidence::High))
}

/// The flags a subject is about: a flag itself, or the flags of a group's plants (tea
/// tree: an essential oil), by the flags' genera and names.
fn flags_of<'k>(knowledge: &'k Knowledge, subject: &Subject) -> Vec<&'k FlagRule> {
    let flags = &knowledge.ingredients.flag;
    match subject.kind.as_str() {
        "flag" => flags.iter().filter(|f| f.code == subject.id).collect(),
        "group" => {
            let Some(group) = knowledge
                .ingredients
                .group
                .iter()
                .find(|g| g.id == subject.id)
            else {
                return Vec::new();
            };
            flags
                .iter()
                .filter(|f| {
                    group.prefixes.iter().any(|p| {
                        f.genera.iter().any(|g| g.eq_ignore_ascii_case(p))
                            || f.names.iter().any(|n| n.starts_with(p.as_str()))
                    })
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// How a thing that is no active is called in an answer.
fn label_of(knowledge: &Knowledge, subject: &Subject) -> String {
    match subject.kind.as_str() {
        "flag" => flags_of(knowledge, subject)
            .first()
            .map(|f| f.text.clone())
            .unwrap_or_else(|| subject.id.replace('_', " ")),
        "mask" => knowledge
            .mask_type(&subject.id)
            .map(|m| format!("{}s", m.name.to_lowercase()))
            .unwrap_or_else(|| subject.id.clone()),
        _ => subject.id.replace('_', " "),
    }
}

/// The safety gate's rules about what a flag or group names (an essential oil never
/// goes on neat).
fn gate_points(knowledge: &Knowledge, subject: &Subject) -> Vec<Point> {
    let flags = flags_of(knowledge, subject);
    let codes: Vec<&str> = flags.iter().map(|f| f.code.as_str()).collect();
    // Each flag's own rule first (why it is flagged), then the gate's.
    let mut points: Vec<Point> = Vec::new();
    for rule in flags.iter().filter_map(|f| f.rule.as_deref()) {
        if !points.iter().any(|p| p.rule.as_deref() == Some(rule)) {
            points.extend(point(knowledge, rule));
        }
    }
    for gate in knowledge.gate.iter().filter(|g| g.when.is_none()) {
        let raised = [&gate.first_flag, &gate.flag]
            .iter()
            .any(|f| f.as_deref().is_some_and(|f| codes.contains(&f)));
        if raised && !points.iter().any(|p| p.rule.as_deref() == Some(&gate.id)) {
            points.extend(point(knowledge, &gate.id));
        }
    }
    points
}

/// Things a question names in a life stage that are no active (sunscreen, a clay mask,
/// tea tree oil): no rule of the stage is about them; what regimen knows of them.
fn no_stage_rule(knowledge: &Knowledge, things: &[&Subject], stage: &str) -> Composed {
    let during = if stage == "breastfeeding" {
        "while breastfeeding"
    } else {
        "in pregnancy"
    };
    let mut lead = Vec::new();
    let mut points = Vec::new();
    for thing in things.iter().filter(|s| family_of(knowledge, s).is_none()) {
        let name = label_of(knowledge, thing);
        let gates = gate_points(knowledge, thing);
        if gates.is_empty() {
            lead.push(format!("Yes: regimen has no rule against {name} {during}."));
            if let Some((_, first, _)) = explained(knowledge, &topic_of(knowledge, thing), 1) {
                points.extend(first);
            }
        } else {
            lead.push(format!(
                "regimen has no {stage} rule of its own about {name}; ask your doctor or midwife before using it, and these hold for everyone."
            ));
            points.extend(gates);
        }
    }
    (lead.join(" "), points, Confidence::High)
}

fn pregnancy(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    let families: Vec<&Family> = things
        .iter()
        .filter_map(|s| family_of(knowledge, s))
        .collect();
    if families.is_empty() {
        if things.is_empty() {
            return about(knowledge, &["pregnancy"]);
        }
        let (lead, mut points, confidence) = no_stage_rule(knowledge, things, "pregnancy");
        points.extend(point(knowledge, "pregnancy"));
        return Some((lead, points, confidence));
    }
    let mut lead = Vec::new();
    let mut points = Vec::new();
    for family in families {
        let rule = family
            .pregnancy_rule
            .as_deref()
            .unwrap_or("pregnancy_no_retinoids");
        let name = family.label();
        if !family.pregnancy_safe {
            lead.push(format!("No: not in pregnancy ({name})."));
            points.extend(point(knowledge, rule));
        } else if family.pregnancy_rinse_off_only {
            lead.push(format!(
                "In pregnancy, {name} only in a wash you rinse off, not left on the skin."
            ));
            points.extend(point(knowledge, rule));
        } else {
            lead.push(format!(
                "Yes: regimen has no rule against {name} in pregnancy."
            ));
            points.extend(point(knowledge, "pregnancy"));
        }
    }
    points.dedup_by(|a, b| a.rule == b.rule);
    Some((lead.join(" "), points, Confidence::High))
}

fn breastfeeding(
    knowledge: &Knowledge,
    things: &[&Subject],
    subjects: &[Subject],
) -> Option<Composed> {
    let families: Vec<&Family> = things
        .iter()
        .filter_map(|s| family_of(knowledge, s))
        .collect();
    if families.is_empty() {
        let acne = subjects
            .iter()
            .any(|s| s.kind == "concern" && s.id == Concern::Acne.id());
        if acne {
            return about(
                knowledge,
                &["breastfeeding_acne_first_line", "breastfeeding_off_breast"],
            );
        }
        if things.is_empty() {
            return explained(knowledge, "breastfeeding", 3);
        }
        let (lead, mut points, confidence) = no_stage_rule(knowledge, things, "breastfeeding");
        points.extend(point(knowledge, "breastfeeding_off_breast"));
        return Some((lead, points, confidence));
    }
    let situation = When {
        breastfeeding: Some(true),
        ..When::default()
    };
    let mut lead = Vec::new();
    let mut points = Vec::new();
    let mut confidence = Confidence::High;
    for family in families {
        let name = family.label();
        let refused = knowledge.gate.iter().find(|g| {
            g.when
                .as_ref()
                .is_some_and(|w| w.breastfeeding == situation.breastfeeding)
                && g.families.contains(&family.id)
        });
        let prescribed = things.iter().any(|s| {
            s.kind == "ingredient"
                && knowledge
                    .ingredients
                    .active
                    .iter()
                    .any(|i| i.id == s.id && i.prescription && i.family == family.id)
        });
        if prescribed {
            lead.push(format!(
                "A prescription ({name}) goes on as your prescriber directs: tell them you are breastfeeding."
            ));
            points.extend(point(knowledge, "breastfeeding_prescriber"));
        } else if let Some(gate) = refused {
            lead.push(format!("No: {}.", gate.says));
            points.extend(point(knowledge, &gate.id));
        } else if let Some(rule) = family.breastfeeding_rule.as_deref() {
            lead.push(format!("Yes, with care: {name} while breastfeeding."));
            points.extend(point(knowledge, rule));
        } else if !family.strong {
            lead.push(format!(
                "Yes: nothing in regimen's rules keeps {name} out while breastfeeding."
            ));
            points.extend(point(knowledge, "breastfeeding_basics_ok"));
        } else {
            lead.push(format!(
                "regimen has no rule against {name} while breastfeeding, and no source that studied it."
            ));
            confidence = Confidence::Medium;
        }
    }
    points.extend(point(knowledge, "breastfeeding_off_breast"));
    points.dedup_by(|a, b| a.rule == b.rule);
    Some((lead.join(" "), points, confidence))
}

fn reaction(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    // A family with nights: its ramp, to build up again slowly.
    let ramps: Vec<&str> = things
        .iter()
        .filter_map(|s| family_of(knowledge, s))
        .filter_map(|f| f.nights_rule.as_deref())
        .collect();
    let mut ids = vec!["reaction", "reaction_pause"];
    ids.extend(ramps);
    ids.push("derm_burning");
    let (_, points, confidence) = about(knowledge, &ids)?;
    Some((
        "Stop it for now and let the skin settle.".into(),
        points,
        confidence,
    ))
}

/// What order: where each thing named goes (its step; an active in the serum step), the
/// routine's order, and on a mask day the mask's place.
fn order(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    let mask = things.iter().any(|s| s.kind == "mask" || s.id == "mask");
    let mut placed: Vec<(usize, String)> =
        things.iter().filter_map(|s| placed(knowledge, s)).collect();
    placed.dedup();
    let mut ids = vec!["step_order"];
    if mask {
        ids.push("mask_day_order");
    }
    let serums = placed
        .iter()
        .filter(|(rank, _)| *rank == knowledge.step_rank(Step::Serum))
        .count();
    if serums >= 2 {
        ids.insert(0, "serums_thin_to_thick");
    }
    let (_, points, confidence) = about(knowledge, &ids)?;
    let lead = match placed.as_slice() {
        [_, _, ..] if serums == placed.len() => {
            "They go in the same step, after cleansing and before moisturizer: the thinnest first."
                .to_string()
        }
        [_, _, ..] => {
            placed.sort_by_key(|(rank, _)| *rank);
            let names: Vec<&str> = placed.iter().map(|(_, n)| n.as_str()).collect();
            format!("{}.", capitalised(&names.join(", then ")))
        }
        _ => String::new(),
    };
    Some((lead, points, confidence))
}

/// A thing's place in a routine (its step's rank; a mask left on overnight after the
/// moisturizer) with its name.
fn placed(knowledge: &Knowledge, subject: &Subject) -> Option<(usize, String)> {
    let rank = |step: Step| knowledge.step_rank(step);
    let (step_rank, name) = match (subject.kind.as_str(), subject.id.as_str()) {
        ("kind", "cleanser") => (rank(Step::Cleanse), "cleanser".to_string()),
        ("kind", "serum") => (rank(Step::Serum), "serum".to_string()),
        ("kind", "moisturizer") => (rank(Step::Moisturize), "moisturizer".to_string()),
        ("kind", "sunscreen") => (rank(Step::Sunscreen), "sunscreen".to_string()),
        ("kind", "mask") => (rank(Step::Mask), "mask".to_string()),
        ("mask", id) => {
            let mask = knowledge.mask_type(id)?;
            let overnight = mask.removal == crate::knowledge::Removal::None;
            let step = if overnight {
                Step::Moisturize
            } else {
                Step::Mask
            };
            // An overnight mask goes after the moisturizer: half a step later.
            (
                rank(step) + usize::from(overnight),
                mask.name.to_lowercase(),
            )
        }
        _ => {
            let family = family_of(knowledge, subject)?;
            let name = match knowledge.active(&subject.id) {
                Some(active) => active
                    .name
                    .split(" (")
                    .next()
                    .unwrap_or(&active.name)
                    .to_string(),
                None => family.label().to_string(),
            };
            (rank(Step::Serum), name)
        }
    };
    Some((step_rank, name))
}

fn combine(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    // A mask in general with one active: each mask type by the rules.
    let any_mask = |s: &&Subject| s.kind == "kind" && s.id == "mask";
    if things.iter().any(any_mask) {
        if let [active] = things
            .iter()
            .filter(|s| s.kind != "kind" && s.kind != "mask")
            .collect::<Vec<_>>()
            .as_slice()
        {
            return masks_with(knowledge, active);
        }
    }
    let mut lead = Vec::new();
    let mut points = Vec::new();
    let wash = things
        .iter()
        .any(|s| s.kind == "kind" && s.id == "cleanser");
    let actives: Vec<&&Subject> = things.iter().filter(|s| s.kind != "kind").collect();
    for (i, a) in actives.iter().enumerate() {
        for b in &actives[i + 1..] {
            for interaction in &knowledge.interactions {
                let meets = (side_holds(knowledge, &interaction.a, a)
                    && side_holds(knowledge, &interaction.b, b))
                    || (side_holds(knowledge, &interaction.a, b)
                        && side_holds(knowledge, &interaction.b, a));
                if !meets
                    || points
                        .iter()
                        .any(|p: &Point| p.rule.as_deref() == Some(&interaction.id))
                {
                    continue;
                }
                lead.push(match interaction.severity {
                    Severity::Separate if wash => "Yes, when one of them is a wash: rinsed off within a minute, it is no clash.".to_string(),
                    Severity::Separate => "Not in the same routine: use them at different times.".to_string(),
                    Severity::Info => "Yes, with care.".to_string(),
                });
                points.extend(point(knowledge, &interaction.id));
                if wash && interaction.severity == Severity::Separate {
                    points.extend(point(knowledge, "rinse_off_milder"));
                }
            }
        }
    }
    if actives.len() < 2 {
        // Sunscreen with an active: the active's own word on the sun.
        let sun = things
            .iter()
            .any(|s| s.kind == "kind" && s.id == "sunscreen");
        let family = actives.first().and_then(|s| family_of(knowledge, s))?;
        if sun {
            let rule = match (family.photosensitising, family.sun_rule.as_deref()) {
                (true, Some(rule)) => rule,
                (true, None) => "sunscreen_photosensitising",
                (false, _) => "sunscreen",
            };
            let points = [rule, "sunscreen"]
                .iter()
                .filter_map(|id| point(knowledge, id))
                .collect();
            return Some((
                "Yes: a broad-spectrum SPF 30 or more every morning.".into(),
                points,
                Confidence::High,
            ));
        }
        return None;
    }
    if points.is_empty() {
        // No rule keeps them apart; their times of day may still (vitamin C mornings,
        // a retinoid evenings).
        let timed: Vec<(&Family, ServingTime, Option<String>)> = actives
            .iter()
            .filter_map(|s| {
                let family = family_of(knowledge, s)?;
                Some(match knowledge.active(&s.id) {
                    Some(a) => (family, a.time, Some(a.time_rule.clone())),
                    None => (family, family.time, family.time_rule.clone()),
                })
            })
            .collect();
        let apart = timed.iter().enumerate().any(|(i, (_, t, _))| {
            timed[i + 1..]
                .iter()
                .any(|(_, u, _)| t.intersect(*u).is_none())
        });
        if apart {
            let when: Vec<String> = timed
                .iter()
                .map(|(f, t, _)| {
                    format!(
                        "{} {}",
                        f.label(),
                        match t {
                            ServingTime::Am => "in the morning",
                            ServingTime::Pm => "in the evening",
                            ServingTime::AmPm => "morning or evening",
                        }
                    )
                })
                .collect();
            lead.push(format!(
                "Yes, in one routine plan, at different times of day: {}.",
                when.join(", ")
            ));
            for (_, _, rule) in &timed {
                if let Some(rule) = rule {
                    points.extend(point(knowledge, rule));
                }
            }
            points.dedup_by(|a, b| a.rule == b.rule);
        } else if timed.iter().filter(|(f, _, _)| f.strong).count() >= 2 {
            // Two strong actives: no rule keeps them apart, but not both new at once.
            lead.push("Yes, with care: no rule keeps them apart, but two strong actives irritate more together, so start one, add the other a week later, and back off if your skin complains.".into());
            for id in ["pacing", "recovery_nights", "reaction"] {
                points.extend(point(knowledge, id));
            }
        } else {
            lead.push("Yes: no rule keeps them apart, so they can share a routine.".into());
            points.extend(point(knowledge, "step_order"));
        }
    }
    lead.dedup();
    Some((lead.join(" "), points, Confidence::High))
}

/// A mask in general with an active: the mask types a rule keeps off the active's
/// nights, and those that go with it.
fn masks_with(knowledge: &Knowledge, active: &Subject) -> Option<Composed> {
    let name = family_of(knowledge, active)?.label();
    let (mut apart, mut fine, mut points) = (Vec::new(), Vec::new(), Vec::new());
    for mask in &knowledge.mask_types {
        let subject = Subject {
            kind: "mask".into(),
            id: mask.id.clone(),
        };
        let rule = knowledge.interactions.iter().find(|i| {
            (side_holds(knowledge, &i.a, &subject) && side_holds(knowledge, &i.b, active))
                || (side_holds(knowledge, &i.a, active) && side_holds(knowledge, &i.b, &subject))
        });
        let label = mask.name.to_lowercase();
        let article = if label.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        let label = format!("{article} {label}");
        match rule {
            Some(rule) => {
                apart.push(label);
                if !points
                    .iter()
                    .any(|p: &Point| p.rule.as_deref() == Some(&rule.id))
                {
                    points.extend(point(knowledge, &rule.id));
                }
            }
            None => fine.push(label),
        }
    }
    let lead = if apart.is_empty() {
        format!("Yes: no rule keeps a mask and {name} apart.")
    } else if fine.is_empty() {
        format!("Not on the same night: the rules keep every mask type and {name} apart.")
    } else {
        points.extend(point(knowledge, "step_order"));
        let or = |items: &[String]| match items {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
        };
        format!(
            "Yes, with the right mask: {} goes with {name}; {} goes on another night.",
            or(&fine),
            or(&apart)
        )
    };
    Some((lead, points, Confidence::High))
}

fn time_of_day(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    let mut lead = Vec::new();
    let mut points = Vec::new();
    for subject in things {
        if subject.kind == "kind" && subject.id == "sunscreen" {
            lead.push("Mornings.".into());
            points.extend(point(knowledge, "sunscreen"));
            continue;
        }
        let Some(family) = family_of(knowledge, subject) else {
            continue;
        };
        let (time, rule) = match knowledge.active(&subject.id) {
            Some(active) => (active.time, Some(active.time_rule.clone())),
            None => (family.time, family.time_rule.clone()),
        };
        let when = match time {
            ServingTime::Am => "in the morning",
            ServingTime::Pm => "in the evening",
            ServingTime::AmPm => "morning or evening",
        };
        lead.push(format!("{}: {when}.", capitalised(&family.label())));
        if let Some(rule) = rule {
            points.extend(point(knowledge, &rule));
        }
    }
    (!lead.is_empty()).then(|| (lead.join(" "), points, Confidence::High))
}

fn frequency(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    let mut lead = Vec::new();
    let mut points = Vec::new();
    for subject in things {
        if subject.kind == "mask" {
            if let Some(mask) = knowledge.mask_type(&subject.id) {
                lead.push(format!(
                    "{}: at most {} a week.",
                    mask.name, mask.max_per_week
                ));
                points.extend(point(knowledge, "mask_type_limit"));
            }
            continue;
        }
        if subject.kind == "kind" && subject.id == "mask" {
            lead.push("Masks: 1-2 times a week beside serums, at most 3.".into());
            points.extend(point(knowledge, "mask_weekly_max"));
            continue;
        }
        let Some(family) = family_of(knowledge, subject) else {
            continue;
        };
        match family.nights_rule.as_deref() {
            Some(rule) => {
                lead.push(format!(
                    "{}: a few nights a week at first, building up.",
                    capitalised(&family.label())
                ));
                points.extend(point(knowledge, rule));
            }
            None => {
                lead.push(format!(
                    "{}: once or twice a day.",
                    capitalised(&family.label())
                ));
                points.extend(point(knowledge, "serum_daily"));
            }
        }
    }
    (!lead.is_empty()).then(|| (lead.join(" "), points, Confidence::High))
}

fn how_long(knowledge: &Knowledge, things: &[&Subject]) -> Option<Composed> {
    if things.is_empty() {
        return None;
    }
    if let Some(mask) = things
        .iter()
        .find(|s| s.kind == "mask")
        .and_then(|s| knowledge.mask_type(&s.id))
    {
        let lead = format!(
            "{}: leave it on about {} minutes; its results show at once, on the surface.",
            mask.name, mask.minutes
        );
        let points = point(knowledge, "mask_outer_layers").into_iter().collect();
        return Some((lead, points, Confidence::High));
    }
    let mut ids: Vec<String> = things
        .iter()
        .filter_map(|s| family_of(knowledge, s))
        .filter_map(|f| f.results_rule.clone())
        .collect();
    if things.iter().any(|s| s.kind == "mask" || s.id == "mask") {
        ids.push("mask_outer_layers".into());
    }
    if ids.is_empty() {
        ids.push("expectations_serums".into());
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    about(knowledge, &ids)
}

fn age(knowledge: &Knowledge, subjects: &[Subject]) -> Option<Composed> {
    let child = subjects
        .iter()
        .any(|s| s.kind == "stage" && s.id == "child");
    let ids: &[&str] = if child {
        &["child_routine", "child_no_actives", "derm_child_acne"]
    } else {
        &["teen_acne_first_line", "teen_no_antiaging"]
    };
    about(knowledge, ids)
}
