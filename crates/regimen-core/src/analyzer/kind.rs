//! The kind of a product: its name decides first (kinds.toml); without a telling name,
//! the ingredients near the top of the list do. Then how it is applied: the steps it
//! can fill, whether it stays on the skin, and its SPF.

use super::parse::Hit;
use super::{Analyzer, Resolved, Term};
use crate::knowledge::{Application, KindKnowledge, KindUse, NameRule};
use crate::vocab::{ProductKind, Step};
use aho_corasick::{AhoCorasick, MatchKind};

/// Words that deny the word after them ("no fragrance", "without SPF").
const DENY_BEFORE: &[&str] = &[
    "no", "without", "non", "sans", "zero", "ohne", "senza", "sin",
];
/// Words that deny the word before them ("oil-free", "fragrance free").
const DENY_AFTER: &[&str] = &["free", "frei", "libre"];

/// A piece of a product name: a word, or a percentage ("0.3%").
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Word(String),
    Percent(f32),
}

/// The lower-case words and percentages of a name, without the words it denies
/// ("Oil-Free Moisturiser" is just "moisturiser"). Latin letters are folded to ASCII;
/// letters with no ASCII form (Hangul, kana, kanji) stay, and a run of them is a word.
pub(super) fn tokens(text: &str) -> Vec<Token> {
    let folded = super::fold::to_ascii_keeping_letters(text).to_ascii_lowercase();
    let bytes = folded.as_bytes();
    // A letter kept by the fold is the only non-ASCII left: its bytes are word bytes.
    let in_word = |b: u8| b.is_ascii_alphanumeric() || !b.is_ascii();
    let mut raw: Vec<Token> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !in_word(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && in_word(bytes[i]) {
            i += 1;
        }
        let word = &folded[start..i];
        if word.bytes().all(|b| b.is_ascii_digit()) {
            // A number, maybe with decimals, maybe a percentage.
            let mut end = i;
            if matches!(bytes.get(end), Some(b'.' | b','))
                && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
            {
                end += 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
            }
            let mut after = end;
            while bytes.get(after) == Some(&b' ') {
                after += 1;
            }
            if bytes.get(after) == Some(&b'%') {
                if let Ok(value) = folded[start..end].replace(',', ".").parse::<f32>() {
                    raw.push(Token::Percent(value));
                    i = after + 1;
                    continue;
                }
            }
        }
        raw.push(Token::Word(word.to_string()));
    }
    let is_word = |t: Option<&Token>, list: &[&str]| matches!(t, Some(Token::Word(w)) if list.contains(&w.as_str()));
    let mut kept = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let token = &raw[i];
        if is_word(Some(token), DENY_BEFORE) && matches!(raw.get(i + 1), Some(Token::Word(_))) {
            i += 2;
            continue;
        }
        if is_word(Some(token), DENY_AFTER) {
            i += 1;
            continue;
        }
        if matches!(token, Token::Word(_)) && is_word(raw.get(i + 1), DENY_AFTER) {
            i += 2;
            continue;
        }
        kept.push(token.clone());
        i += 1;
    }
    kept
}

/// The lower-case ASCII words of a name, without the ones it denies.
pub(super) fn words(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w),
            Token::Percent(_) => None,
        })
        .collect()
}

/// Words that announce a sun protection factor ("SPF 30", "FPS 50", "LSF 30").
const SPF_MARKERS: &[&str] = &["spf", "fps", "lsf", "sun protection factor"];

/// The SPF a text states ("SPF 30", "SPF50+", "FPS 50", "LSF 30", "sun protection
/// factor 15"), unless it denies one ("No SPF"). `markers` finds [`SPF_MARKERS`].
fn spf(markers: &AhoCorasick, text: &str) -> Option<u16> {
    let text = super::fold::to_ascii(text);
    let bytes = text.as_bytes();
    for found in markers.find_iter(text.as_ref()) {
        let (start, mut i) = (found.start(), found.end());
        if start > 0 && bytes[start - 1].is_ascii_alphabetic() {
            continue;
        }
        let word_before = text[..start]
            .rsplit(|c: char| !c.is_ascii_alphanumeric())
            .find(|w| !w.is_empty());
        if word_before.is_some_and(|w| DENY_BEFORE.iter().any(|d| w.eq_ignore_ascii_case(d))) {
            continue;
        }
        while i < bytes.len() && matches!(bytes[i], b' ' | b'-' | b':' | b'.') {
            i += 1;
        }
        let digits = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == digits || i - digits > 3 {
            continue;
        }
        if let Ok(value) = text[digits..i].parse::<u16>() {
            if (2..=100).contains(&value) {
                return Some(value);
            }
        }
    }
    None
}

/// The SPF a label states in its text ("Drug Facts ... SPF 30"). No ingredient name
/// holds one, so only the text between the names found is searched.
fn label_spf(markers: &AhoCorasick, text: &str, hits: &[Hit]) -> Option<u16> {
    let mut from = 0;
    let ends = hits.iter().map(|h| (h.start, h.end));
    for (start, end) in ends.chain([(text.len(), text.len())]) {
        let gap = &text[from..start.max(from)];
        from = end;
        if gap.bytes().filter(u8::is_ascii_alphabetic).nth(2).is_some() {
            if let Some(value) = spf(markers, gap) {
                return Some(value);
            }
        }
    }
    None
}

/// A name rule with its phrases split into words once.
#[derive(Debug, Clone)]
struct Rule {
    id: String,
    priority: bool,
    phrases: Vec<Vec<String>>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    /// Pieces of a word (Korean and Japanese write a product's words together).
    contains: Vec<String>,
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
            contains: rule.contains.iter().map(|c| c.to_lowercase()).collect(),
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
            let piece = self.contains.iter().any(|c| word.contains(c.as_str()));
            if prefix || suffix || piece {
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
    uses: Vec<KindUse>,
    application: Application,
    leave_on_words: Rule,
    rinse_off_words: Rule,
    wash_words: Rule,
    body_words: Rule,
    face_words: Rule,
    lip_words: Rule,
    /// The face words that are not lip words.
    face_not_lips: Rule,
    spf_markers: AhoCorasick,
}

impl KindRules {
    pub(super) fn new(knowledge: &KindKnowledge) -> KindRules {
        let phrases = |id: &str, words: &[String]| {
            Rule::new(&NameRule {
                id: id.to_string(),
                words: words.to_vec(),
                prefixes: Vec::new(),
                suffixes: Vec::new(),
                contains: Vec::new(),
                priority: false,
            })
        };
        KindRules {
            kinds: knowledge.kind.iter().map(Rule::new).collect(),
            mask_types: knowledge.mask_type.iter().map(Rule::new).collect(),
            uses: knowledge.uses.clone(),
            leave_on_words: phrases("leave_on", &knowledge.application.leave_on_words),
            rinse_off_words: phrases("rinse_off", &knowledge.application.rinse_off_words),
            wash_words: phrases("wash", &knowledge.application.wash_words),
            body_words: phrases("body", &knowledge.application.body_words),
            face_words: phrases("face", &knowledge.application.face_words),
            lip_words: phrases("lips", &knowledge.application.lip_words),
            face_not_lips: phrases(
                "face_not_lips",
                &knowledge
                    .application
                    .face_words
                    .iter()
                    .filter(|w| !knowledge.application.lip_words.contains(w))
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
            application: knowledge.application.clone(),
            spf_markers: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(SPF_MARKERS)
                .expect("four fixed ASCII patterns always build"),
        }
    }

    /// Whether a name says the product is made for the body, hands or feet: a body word
    /// near a product word, the two joined in one word, or a body phrase.
    fn for_body(&self, name: &[String]) -> bool {
        let application = &self.application;
        let is = |list: &[String], word: &str| list.iter().any(|w| w == word);
        let joined = name.iter().any(|word| {
            application.body_parts.iter().any(|part| {
                word.strip_prefix(part.as_str())
                    .is_some_and(|rest| is(&application.body_products, rest))
            })
        });
        let near = name.iter().enumerate().any(|(at, word)| {
            let reach = application.body_reach;
            is(&application.body_parts, word)
                && name[at.saturating_sub(reach)..(at + reach + 1).min(name.len())]
                    .iter()
                    .any(|other| is(&application.body_products, other))
        });
        joined || near || self.body_words.match_end(name).is_some()
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

/// Families whose presence near the top of a watery list makes a serum.
const SERUM_ACTIVES: [&str; 8] = [
    "vitamin_c",
    "hyaluronic_acid",
    "niacinamide",
    "retinoid",
    "peptide",
    "azelaic_acid",
    "bha",
    "aha",
];

/// What a product is and how it is used.
pub(super) struct Classified<'a> {
    pub kind: ProductKind,
    /// Made for the body, hands or feet, not the face.
    pub for_body: bool,
    pub mask_type: Option<&'a str>,
    pub uses: Vec<Step>,
    pub leave_on: bool,
    pub spf: Option<u16>,
}

/// The kind, the mask type (for masks and rinse-off exfoliants), the steps it can fill,
/// whether it stays on, and its SPF (from the name, else from the label when it has
/// UV filters).
pub(super) fn classify<'a>(
    analyzer: &'a Analyzer,
    options: &super::Options<'_>,
    text: &str,
    hits: &[Hit],
    resolved: &[Resolved],
) -> Classified<'a> {
    let rules = &analyzer.kind_rules;
    let name = options.name;
    let name_words = name.map(words).unwrap_or_default();
    let top = Top { analyzer, resolved };
    // A list that holds what only a product for the mouth holds (a fluoride) is oral
    // care, whatever the name says (or does not).
    let oral_care = || {
        top.listed().any(|(t, _)| {
            rules
                .application
                .oral_care_names
                .iter()
                .any(|n| **n == *t.name)
        })
    };
    let mut kind = options.kind.unwrap_or_else(|| {
        if oral_care() {
            ProductKind::Other
        } else {
            rules
                .kind(&name_words)
                // Each category on its own: "Face, Powders" is no "face powder".
                .or_else(|| {
                    options
                        .categories
                        .and_then(|c| c.split(',').find_map(|one| rules.kind(&words(one))))
                })
                .unwrap_or_else(|| top.kind())
        }
    });
    // "Adapalene Gel 0.1%": a gel that states the strength of a treatment and has no
    // emollient is a treatment, not the moisturizer the word "gel" says.
    if options.kind.is_none() && kind == ProductKind::Moisturizer && top.treatment_gel() {
        kind = ProductKind::Serum;
    }
    // A medicine is a treatment left on the skin, whatever its vehicle ("Finacea Foam",
    // "MetroGel 0.75%"), unless its name says it washes.
    let medicine = analyzer.medicine(resolved);
    if options.kind.is_none()
        && matches!(kind, ProductKind::Cleanser | ProductKind::Other)
        && medicine
        && rules.wash_words.match_end(&name_words).is_none()
    {
        kind = ProductKind::Serum;
    }
    let spf = name
        .and_then(|name| spf(&rules.spf_markers, name))
        .or_else(|| {
            top.family(usize::MAX, &["sunscreen_filter"])
                .then(|| label_spf(&rules.spf_markers, text, hits))
                .flatten()
        });
    if spf.is_some() && options.kind.is_none() && rules.application.spf_kinds.contains(&kind) {
        kind = ProductKind::Sunscreen;
    }
    let usage = rules.uses.iter().find(|u| u.kind == kind);
    let mut leave_on = usage.is_none_or(|u| u.leave_on);
    let fills_a_step = usage.is_none_or(|u| !u.uses.is_empty());
    if !fills_a_step {
        // A tool (cotton pads, a sponge) puts nothing on the skin, whatever its name says.
    } else if rules.leave_on_words.match_end(&name_words).is_some() {
        leave_on = true;
    } else if rules.rinse_off_words.match_end(&name_words).is_some() {
        leave_on = false;
    }
    let mut mask_type = None;
    let mut uses: Vec<Step> = match usage {
        Some(u) if !leave_on => u.rinse_off_uses.clone().unwrap_or_else(|| u.uses.clone()),
        Some(u) => u.uses.clone(),
        None => Vec::new(),
    };
    if uses.contains(&Step::Mask) {
        let by_name = rules.mask_type(&name_words);
        let chosen = match (by_name, kind) {
            (Some(id), _) => id,
            (None, ProductKind::Exfoliant) => "exfoliating",
            (None, _) => top.mask_type(),
        };
        let chosen = analyzer
            .mask_removal
            .iter()
            .find(|(id, _)| id == chosen)
            .map_or(chosen, |(id, _)| id.as_str());
        mask_type = Some(chosen);
        if kind == ProductKind::Mask {
            leave_on = analyzer
                .mask_removal
                .iter()
                .find(|(id, _)| id == chosen)
                .is_some_and(|(_, leave_on)| *leave_on)
                || rules.leave_on_words.match_end(&name_words).is_some();
        }
    }
    if spf.is_some()
        && !rules.application.no_sunscreen.contains(&kind)
        && !uses.contains(&Step::Sunscreen)
    {
        uses.push(Step::Sunscreen);
    }
    // An SPF protects only what stays on the skin: a product that states one is leave-on.
    if spf.is_some() {
        leave_on = true;
    }
    // Made for the body, hands or feet (rule body_products): it stays out of face
    // routines (a body scrub is no face mask), but a wash still cleanses.
    let for_body = rules.for_body(&name_words) && rules.face_words.match_end(&name_words).is_none();
    if for_body && !uses.iter().all(|s| *s == Step::Cleanse) {
        uses.clear();
    }
    // For the lips alone: no face step.
    if rules.lip_words.match_end(&name_words).is_some()
        && rules.face_not_lips.match_end(&name_words).is_none()
    {
        uses.clear();
    }
    Classified {
        kind,
        for_body,
        mask_type,
        uses,
        leave_on,
        spf,
    }
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

    fn treatment_gel(&self) -> bool {
        let stated = self.resolved.iter().any(|r| {
            r.percent.is_some()
                && self
                    .analyzer
                    .lexicon
                    .family_of(&self.analyzer.lexicon.terms[r.term as usize])
                    .is_some_and(|f| SERUM_ACTIVES.contains(&f) || f == "benzoyl_peroxide")
        });
        stated && !self.any(8, |t, _| t.has_code(b'E'))
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
        let serum_actives = SERUM_ACTIVES;
        // A watery base with an active among its first three and no emulsifier or
        // emollient near the top is a serum, whatever solubilizer follows (C E Ferulic).
        let light = !self.any(4, |t, _| t.has_code(b'M') || t.has_code(b'E'));
        if water_first
            && (!emulsion || light)
            && self.family(if emulsion { 3 } else { 6 }, &serum_actives)
        {
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
