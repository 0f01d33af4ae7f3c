//! The kind of a product: its name decides first (kinds.toml); without a telling name,
//! the ingredients near the top of the list do.

use super::{Analyzer, Resolved, Term};
use crate::knowledge::{KindKnowledge, NameRule};
use crate::vocab::ProductKind;

fn words(text: &str) -> Vec<String> {
    super::fold::to_ascii(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A name rule with its phrases split into words once.
#[derive(Debug, Clone)]
struct Rule {
    id: String,
    priority: bool,
    phrases: Vec<Vec<String>>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
}

impl Rule {
    fn new(rule: &NameRule) -> Rule {
        Rule {
            id: rule.id.clone(),
            priority: rule.priority,
            phrases: rule
                .words
                .iter()
                .map(|w| words(w))
                .filter(|w| !w.is_empty())
                .collect(),
            prefixes: rule.prefixes.clone(),
            suffixes: rule.suffixes.clone(),
        }
    }

    /// The index just past the last word of `name` that the rule matches, if any.
    fn match_end(&self, name: &[String]) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        let mut end = None;
        for wanted in &self.phrases {
            for (at, window) in name.windows(wanted.len()).enumerate() {
                if window == wanted.as_slice() {
                    end = end.max(Some(at + wanted.len()));
                }
            }
        }
        for (at, word) in name.iter().enumerate() {
            let prefix = self.prefixes.iter().any(|p| word.starts_with(p.as_str()));
            let suffix = self.suffixes.iter().any(|s| word.ends_with(s.as_str()));
            if prefix || suffix {
                end = end.max(Some(at + 1));
            }
        }
        end
    }
}

/// The name rules of kinds.toml, ready to match.
#[derive(Debug, Clone)]
pub(super) struct KindRules {
    kinds: Vec<Rule>,
    mask_types: Vec<Rule>,
}

impl KindRules {
    pub(super) fn new(knowledge: &KindKnowledge) -> KindRules {
        KindRules {
            kinds: knowledge.kind.iter().map(Rule::new).collect(),
            mask_types: knowledge.mask_type.iter().map(Rule::new).collect(),
        }
    }

    /// The kind a name says: the first priority kind that matches, else the form word
    /// that comes last in the name.
    fn kind(&self, name: &[String]) -> Option<ProductKind> {
        let rule = match self
            .kinds
            .iter()
            .filter(|r| r.priority)
            .find(|r| r.match_end(name).is_some())
        {
            Some(rule) => Some(rule),
            None => {
                let mut best: Option<(usize, &Rule)> = None;
                for rule in self.kinds.iter().filter(|r| !r.priority) {
                    if let Some(end) = rule.match_end(name) {
                        if best.is_none_or(|(b, _)| end > b) {
                            best = Some((end, rule));
                        }
                    }
                }
                best.map(|(_, rule)| rule)
            }
        };
        rule.and_then(|r| ProductKind::from_id(&r.id))
    }

    fn mask_type(&self, name: &[String]) -> Option<&str> {
        self.mask_types
            .iter()
            .find(|r| r.match_end(name).is_some())
            .map(|r| r.id.as_str())
    }
}

/// The kind and, for masks, the mask type.
pub(super) fn classify<'a>(
    analyzer: &'a Analyzer,
    name: Option<&str>,
    resolved: &[Resolved],
) -> (ProductKind, Option<&'a str>) {
    let name_words = name.map(words).unwrap_or_default();
    let top = Top { analyzer, resolved };
    let kind = analyzer
        .kind_rules
        .kind(&name_words)
        .unwrap_or_else(|| top.kind());
    if kind != ProductKind::Mask {
        return (kind, None);
    }
    let mask_type = analyzer
        .kind_rules
        .mask_type(&name_words)
        .unwrap_or_else(|| top.mask_type());
    (kind, Some(mask_type))
}

/// The listed (not "may contain") ingredients, in order.
struct Top<'a> {
    analyzer: &'a Analyzer,
    resolved: &'a [Resolved],
}

impl Top<'_> {
    fn listed(&self) -> impl Iterator<Item = (&Term, &Resolved)> {
        self.resolved
            .iter()
            .filter(|r| r.position.is_some())
            .map(|r| (self.analyzer.term(r.term), r))
    }

    fn any(&self, within: usize, test: impl Fn(&Term, &Resolved) -> bool) -> bool {
        self.listed().take(within).any(|(term, r)| test(term, r))
    }

    fn family(&self, within: usize, families: &[&str]) -> bool {
        self.any(within, |term, _| {
            self.analyzer
                .lexicon
                .family_of(term)
                .is_some_and(|f| families.contains(&f))
        })
    }

    fn strong_acid(&self, within: usize) -> bool {
        self.any(within, |term, r| {
            let family = self.analyzer.lexicon.family_of(term);
            let weak = term
                .active
                .is_some_and(|i| self.analyzer.actives[usize::from(i)].weak);
            matches!(family, Some("aha" | "bha")) && (!weak || r.percent.is_some_and(|p| p >= 5.0))
        })
    }

    // Thresholds: list order follows concentration down to about 1%, so "in the top N"
    // stands for "a main ingredient".
    fn kind(&self) -> ProductKind {
        let lexicon = &self.analyzer.lexicon;
        if self.listed().next().is_none() {
            return ProductKind::Other;
        }
        let is_water = |t: &Term| &*t.name == "AQUA" || &*t.name == "WATER";
        let water_first = self.any(1, |t, _| is_water(t));
        if self.any(3, |t, _| lexicon.family_of(t) == Some("sunscreen_filter")) {
            return ProductKind::Sunscreen;
        }
        if self.family(5, &["clay"]) {
            return ProductKind::Mask;
        }
        if self.any(4, |t, _| t.has_code(b'S')) && !self.any(3, |t, _| t.has_code(b'E')) {
            return ProductKind::Cleanser;
        }
        if self.strong_acid(4) {
            return ProductKind::Exfoliant;
        }
        if self.any(1, |t, _| t.name.ends_with(" OIL") || t.has_code(b'E'))
            && !self.any(4, |t, _| is_water(t))
        {
            return ProductKind::Oil;
        }
        let emulsion = self.any(6, |t, _| t.has_code(b'M')) || self.any(5, |t, _| t.has_code(b'E'));
        let serum_actives = [
            "vitamin_c",
            "hyaluronic_acid",
            "niacinamide",
            "retinoid",
            "peptide",
            "azelaic_acid",
            "bha",
            "aha",
        ];
        if water_first && !emulsion && self.family(6, &serum_actives) {
            return ProductKind::Serum;
        }
        if emulsion {
            return ProductKind::Moisturizer;
        }
        if water_first && self.listed().count() < 15 {
            return ProductKind::Toner;
        }
        ProductKind::Other
    }

    fn mask_type(&self) -> &'static str {
        if self.family(6, &["clay"]) {
            "clay"
        } else if self.strong_acid(8) {
            "exfoliating"
        } else if self.any(5, |t, _| t.has_code(b'E') || t.has_code(b'M')) {
            "cream"
        } else {
            "gel"
        }
    }
}
