//! Answers for people: the seed's FAQ with fuzzy matching, and explanations of a mask
//! type, an active or any rule id, each with its sources.

use crate::knowledge::{Faq, Knowledge, Selector};
use crate::vocab::Condition;
use strsim::normalized_damerau_levenshtein;

/// One point of an explanation, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Point {
    /// The point, in plain words.
    pub text: String,
    /// The rule or fact id behind it, if any.
    pub rule: Option<String>,
    /// The source's citation.
    pub source: String,
    /// Where anyone can read the source (its url, or its DOI as a link).
    pub link: Option<String>,
}

/// An explanation of one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// What is explained.
    pub title: String,
    /// The points, most important first.
    pub points: Vec<Point>,
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "i", "my", "me", "is", "are", "do", "does", "can", "to", "of", "for", "in",
    "on", "and", "or", "it", "be", "as", "with", "from", "how", "what", "should", "use", "using",
    "while", "when", "during", "if", "im", "will", "would", "could",
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// The FAQ entry that best matches a question, with a score from 0 to 1; `None` when
/// nothing matches well enough. A number picks the entry by its position (1-based).
pub fn find_faq<'k>(knowledge: &'k Knowledge, question: &str) -> Option<(&'k Faq, f64)> {
    if let Ok(number) = question.trim().parse::<usize>() {
        return number
            .checked_sub(1)
            .and_then(|i| knowledge.faqs.get(i))
            .map(|f| (f, 1.0));
    }
    rank_faqs(knowledge, question)
        .into_iter()
        .next()
        .filter(|(_, score)| *score >= 0.4)
}

/// Every FAQ entry with its match score for a question, best first.
pub fn rank_faqs<'k>(knowledge: &'k Knowledge, question: &str) -> Vec<(&'k Faq, f64)> {
    let query = words(question);
    let mut ranked: Vec<(&Faq, f64)> = knowledge
        .faqs
        .iter()
        .map(|faq| {
            let question_words = words(&faq.question);
            let answer_words = words(&faq.answer);
            let similarity = |word: &String, pool: &[String]| {
                pool.iter()
                    .map(|w| normalized_damerau_levenshtein(word, w))
                    .fold(0.0, f64::max)
            };
            let score: f64 = query
                .iter()
                .map(|word| {
                    let in_question = similarity(word, &question_words);
                    let in_answer = similarity(word, &answer_words) * 0.6;
                    let best = in_question.max(in_answer);
                    if best >= 0.75 {
                        best
                    } else {
                        0.0
                    }
                })
                .sum();
            (
                faq,
                if query.is_empty() {
                    0.0
                } else {
                    score / query.len() as f64
                },
            )
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranked
}

fn normal(text: &str) -> String {
    text.trim().to_lowercase().replace([' ', '-'], "_")
}

/// A citable id as a point: its text, rule, source and link.
pub(crate) fn point(knowledge: &Knowledge, id: &str) -> Option<Point> {
    knowledge.cite(id).map(|c| Point {
        text: c.text.to_string(),
        rule: Some(c.id.to_string()),
        source: c.source.to_string(),
        link: knowledge.source_link(id),
    })
}

fn interactions_of(knowledge: &Knowledge, matches: impl Fn(&Selector) -> bool) -> Vec<Point> {
    knowledge
        .interactions
        .iter()
        .filter(|i| matches(&i.a) || matches(&i.b))
        .filter_map(|i| point(knowledge, &i.id))
        .collect()
}

/// Explains a mask type, an active (by id, name or family) or any rule, fact or FAQ id.
pub fn explain(knowledge: &Knowledge, topic: &str) -> Option<Explanation> {
    let key = normal(topic);
    if let Some(mask) = knowledge
        .mask_types
        .iter()
        .find(|m| normal(&m.id) == key || normal(&m.name) == key)
    {
        let mut points: Vec<Point> = point(knowledge, mask.fact.as_deref().unwrap_or(&mask.id))
            .into_iter()
            .collect();
        let limit_source = point(knowledge, "mask_type_limit");
        let by_skin: Vec<String> = mask
            .max_per_week_by_skin
            .iter()
            .map(|(skin, n)| format!("{n} for {skin} skin"))
            .collect();
        let mut limit = format!("At most {} a week", mask.max_per_week);
        if !by_skin.is_empty() {
            limit.push_str(&format!(" ({})", by_skin.join(", ")));
        }
        // An overnight mask stays on until the morning: its minutes are those it takes
        // to put on.
        match mask.removal {
            crate::knowledge::Removal::None => limit.push_str(&format!(
                "; it takes about {} to put on and stays on overnight.",
                minutes(mask.minutes)
            )),
            _ => limit.push_str(&format!("; leave it on about {}.", minutes(mask.minutes))),
        }
        points.push(Point {
            text: limit,
            rule: Some("mask_type_limit".into()),
            link: limit_source.as_ref().and_then(|p| p.link.clone()),
            source: limit_source.map(|p| p.source).unwrap_or_default(),
        });
        let tip_source = knowledge.source(&mask.source);
        points.push(Point {
            text: mask.tip.clone(),
            rule: None,
            source: tip_source.map(|s| s.citation.clone()).unwrap_or_default(),
            link: tip_source.and_then(|s| s.link()),
        });
        if mask.avoid_if_sensitive {
            points.extend(point(knowledge, "sensitive_fewer_actives"));
        }
        points.extend(interactions_of(knowledge, |s| {
            s.mask_tags.iter().any(|t| mask.has_tag(t))
        }));
        return Some(Explanation {
            title: mask.name.clone(),
            points,
        });
    }
    if let Some(active) = knowledge.actives.iter().find(|a| {
        normal(&a.id) == key
            || normal(&a.name) == key
            || normal(a.name.split(" (").next().unwrap_or("")) == key
    }) {
        let mut points: Vec<Point> = point(knowledge, active.fact.as_deref().unwrap_or(&active.id))
            .into_iter()
            .collect();
        if active.fact.is_some() {
            points.extend(point(knowledge, &active.id));
        }
        points.extend(point(knowledge, &format!("about_{}", active.id)));
        points.extend(point(knowledge, &active.time_rule));
        points.extend(
            active
                .rules
                .nights_rule
                .as_deref()
                .and_then(|r| point(knowledge, r)),
        );
        points.extend(
            active
                .strength_rule
                .as_deref()
                .and_then(|r| point(knowledge, r)),
        );
        if active.rules.photosensitising {
            let sun = active.rules.sun_rule.as_deref();
            points.extend(point(
                knowledge,
                sun.unwrap_or("sunscreen_photosensitising"),
            ));
        }
        if !active.rules.pregnancy_safe {
            points.extend(point(knowledge, "pregnancy_no_retinoids"));
        }
        points.extend(interactions_of(knowledge, |s| {
            s.families.contains(&active.family)
        }));
        return Some(Explanation {
            title: active.name.clone(),
            points,
        });
    }
    if let Some(family) = knowledge
        .families
        .iter()
        .find(|f| normal(&f.id) == key || normal(&f.name) == key)
    {
        let members: Vec<&str> = knowledge
            .actives
            .iter()
            .filter(|a| a.family == family.id)
            .map(|a| a.name.as_str())
            .collect();
        let mut points: Vec<Point> = point(knowledge, &format!("about_{}", family.id))
            .into_iter()
            .collect();
        // The rules the family carries: its time of day, strength, caution, pregnancy.
        let carried = [
            family.time_rule.as_deref(),
            family.strength.as_ref().map(|s| s.rule.as_str()),
            family.caution_rule.as_deref(),
            family.pregnancy_rule.as_deref(),
        ];
        for id in carried.into_iter().flatten() {
            if !points.iter().any(|p| p.rule.as_deref() == Some(id)) {
                points.extend(point(knowledge, id));
            }
        }
        if !members.is_empty() {
            points.push(Point {
                text: format!("In plans: {}.", members.join(", ")),
                rule: None,
                source: String::new(),
                link: None,
            });
        }
        points.extend(interactions_of(knowledge, |s| {
            s.families.contains(&family.id)
        }));
        return Some(Explanation {
            title: family.name.clone(),
            points,
        });
    }
    if let Some(explanation) = person_topic(knowledge, &key)
        .or_else(|| ingredient_topic(knowledge, &key))
        .or_else(|| flag_topic(knowledge, &key))
    {
        return Some(explanation);
    }
    let citation = knowledge.cite(&key)?;
    Some(Explanation {
        title: title_of(citation.text),
        points: vec![Point {
            text: citation.text.to_string(),
            rule: Some(citation.id.to_string()),
            source: citation.source.to_string(),
            link: knowledge.source_link(citation.id),
        }],
    })
}

/// Whether a `when` is about a topic.
type WhenTest = Box<dyn Fn(&crate::knowledge::When) -> bool>;

/// A condition, a life stage, an age or a skin tone: every rule, gate rule and referral
/// whose `when` is about it, in the knowledge base's order.
fn person_topic(knowledge: &Knowledge, key: &str) -> Option<Explanation> {
    use crate::knowledge::When;
    let condition = Condition::ALL
        .iter()
        .copied()
        .find(|c| c.id() == key || (key.ends_with('s') && c.id() == &key[..key.len() - 1]));
    let (title, about, first): (String, WhenTest, Option<&str>) = match (condition, key) {
        (Some(condition), _) => (
            title_case(&condition.id().replace('_', " ")),
            Box::new(move |w: &When| {
                w.conditions_any
                    .as_ref()
                    .is_some_and(|c| c.contains(&condition))
            }),
            None,
        ),
        (None, "breastfeeding" | "breast_feeding" | "nursing" | "lactation") => (
            "Breastfeeding".into(),
            Box::new(|w: &When| w.breastfeeding == Some(true)),
            None,
        ),
        (None, "skin_tone" | "skin_tones" | "fitzpatrick" | "skin_of_color" | "dark_skin") => (
            "Skin tone".into(),
            Box::new(|w: &When| w.skin_tones.is_some()),
            Some("skin_tone_scale"),
        ),
        (None, "age" | "children" | "child" | "kids" | "teenagers" | "teens" | "teenager") => (
            "Age".into(),
            Box::new(|w: &When| w.age_below.is_some()),
            Some("about_pediatric_acne"),
        ),
        _ => return None,
    };
    let mut ids: Vec<&str> = first.into_iter().collect();
    let rules = knowledge
        .person
        .iter()
        .filter(|r| about(&r.when))
        .map(|r| r.rule.as_str());
    let gates = knowledge
        .gate
        .iter()
        .filter(|g| g.when.as_ref().is_some_and(&about))
        .map(|g| g.id.as_str());
    let referrals = knowledge
        .referrals
        .iter()
        .filter(|r| about(&r.when))
        .map(|r| r.id.as_str());
    for id in rules.chain(gates).chain(referrals) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let points: Vec<Point> = ids
        .into_iter()
        .filter_map(|id| point(knowledge, id))
        .collect();
    (!points.is_empty()).then_some(Explanation { title, points })
}

/// An ingredient the analyzer knows as an active (tazarotene): what it is, then its
/// family's explanation.
fn ingredient_topic(knowledge: &Knowledge, key: &str) -> Option<Explanation> {
    let ingredient = knowledge
        .ingredients
        .active
        .iter()
        .find(|a| a.id == key || normal(&a.inci) == key)?;
    let family = knowledge.family(&ingredient.family)?;
    let mut explanation = explain(knowledge, &family.id)?;
    let what = if ingredient.prescription {
        format!(
            "{} is a prescription medicine, one of the {}: it goes on only as a doctor prescribed it, and the plan keeps it as prescribed.",
            title_case(&ingredient.inci),
            family.name.to_lowercase()
        )
    } else {
        format!(
            "{} is one of the {}.",
            title_case(&ingredient.inci),
            family.name.to_lowercase()
        )
    };
    let rule = if ingredient.prescription {
        point(knowledge, "rx_doctor_directions")
    } else {
        None
    };
    explanation.points.insert(
        0,
        Point {
            text: what,
            rule: rule.as_ref().and_then(|p| p.rule.clone()),
            source: rule.as_ref().map(|p| p.source.clone()).unwrap_or_default(),
            link: rule.and_then(|p| p.link),
        },
    );
    explanation.title = title_case(&ingredient.inci);
    Some(explanation)
}

/// A flag the analyzer raises (essential oils, fragrance): the gate's rules about it.
fn flag_topic(knowledge: &Knowledge, key: &str) -> Option<Explanation> {
    let singular = key.strip_suffix('s').unwrap_or(key);
    let flag = knowledge
        .ingredients
        .flag
        .iter()
        .find(|f| f.code == key || f.code == singular)?;
    let mut ids: Vec<&str> = knowledge
        .gate
        .iter()
        .filter(|g| {
            g.flag.as_deref() == Some(flag.code.as_str())
                || g.first_flag.as_deref() == Some(flag.code.as_str())
        })
        .map(|g| g.id.as_str())
        .collect();
    if knowledge
        .limits
        .sensitive_refused_flags
        .contains(&flag.code)
    {
        ids.push("sensitive_fewer_actives");
    }
    let points: Vec<Point> = ids
        .into_iter()
        .filter_map(|id| point(knowledge, id))
        .collect();
    (!points.is_empty()).then(|| Explanation {
        title: flag.text.clone(),
        points,
    })
}

/// "SALICYLIC ACID" as a title: "Salicylic acid".
fn title_case(inci: &str) -> String {
    capitalised(&inci.to_lowercase())
}

/// The text with its first letter in upper case ("AHA" stays "AHA").
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Topics close to a misspelt one, best first.
pub fn suggest(knowledge: &Knowledge, topic: &str) -> Vec<String> {
    let key = normal(topic);
    let mut topics: Vec<(f64, String)> = knowledge
        .mask_types
        .iter()
        .map(|m| m.id.clone())
        .chain(knowledge.actives.iter().map(|a| a.id.clone()))
        .chain(knowledge.families.iter().map(|f| f.id.clone()))
        .chain(knowledge.rules.iter().map(|r| r.id.clone()))
        .map(|id| (normalized_damerau_levenshtein(&key, &id), id))
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    topics.sort_by(|a, b| b.0.total_cmp(&a.0));
    topics.into_iter().take(3).map(|(_, id)| id).collect()
}

/// Every topic `explain` knows, grouped: mask types, actives, rules.
pub fn topics(knowledge: &Knowledge) -> Vec<(&'static str, Vec<&str>)> {
    vec![
        (
            "mask types",
            knowledge.mask_types.iter().map(|m| m.id.as_str()).collect(),
        ),
        (
            "actives",
            knowledge.actives.iter().map(|a| a.id.as_str()).collect(),
        ),
        (
            "conditions and life stages",
            Condition::ALL
                .iter()
                .map(|c| c.id())
                .chain(["breastfeeding", "skin_tone", "age"])
                .collect(),
        ),
        (
            "rules",
            knowledge.rules.iter().map(|r| r.id.as_str()).collect(),
        ),
    ]
}

/// "a", "a or b", "a, b or c".
pub fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", rest.join(", "), last.as_ref())
        }
    }
}

/// "1 minute", "10 minutes".
fn minutes(n: u16) -> String {
    if n == 1 {
        "1 minute".into()
    } else {
        format!("{n} minutes")
    }
}

/// A title in words for a rule or fact: what its text says before its first colon, or
/// its first sentence, shortened at a word to about 60 characters.
pub fn title_of(text: &str) -> String {
    let head = match text.split_once(':') {
        Some((before, _)) if before.chars().count() <= 70 => before,
        _ => text.split(". ").next().unwrap_or(text),
    };
    let head = head.trim().trim_end_matches('.');
    if head.chars().count() <= 64 {
        return head.to_string();
    }
    let mut title = String::new();
    for word in head.split_whitespace() {
        if title.chars().count() + word.chars().count() > 60 {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    format!("{}...", title.trim_end_matches([',', ';']))
}
