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

/// How a pattern of the name automaton matches the words of a name.
#[derive(Debug, Clone, Copy)]
enum Anchor {
    /// " w1 ... wk ": these whole words in a row.
    Phrase(usize),
    /// " p": the start of a word.
    Prefix,
    /// "s ": the end of a word.
    Suffix,
    /// "c": a piece inside one word.
    Piece,
}

/// Every name rule of kinds.toml (kinds, mask types, the application words) compiled
/// into one automaton over a name's words, joined by single spaces between two more:
/// one pass finds, for every rule at once, the index just past the last word it matches.
#[derive(Debug, Clone)]
struct NameRules {
    automaton: AhoCorasick,
    /// For each pattern: the rules it belongs to, and how it matches.
    owners: Vec<Vec<(usize, Anchor)>>,
    rules: usize,
}

impl NameRules {
    /// The rules in order, each with its phrases, prefixes, suffixes and pieces.
    fn new<'a>(rules: impl IntoIterator<Item = &'a NameRule>) -> NameRules {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, Anchor)>> = Vec::new();
        let mut by_text: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        let mut add = |pattern: String, owner: (usize, Anchor)| {
            let at = *by_text.entry(pattern.clone()).or_insert_with(|| {
                patterns.push(pattern);
                owners.push(Vec::new());
                owners.len() - 1
            });
            owners[at].push(owner);
        };
        let mut count = 0;
        for (index, rule) in rules.into_iter().enumerate() {
            count = index + 1;
            for phrase in rule.words.iter().map(|w| words(w)) {
                if !phrase.is_empty() {
                    let anchor = Anchor::Phrase(phrase.len());
                    add(format!(" {} ", phrase.join(" ")), (index, anchor));
                }
            }
            // A word holds no space: an affix or piece with one can match no word.
            let one_word = |text: &&String| !text.is_empty() && !text.contains(' ');
            for prefix in rule.prefixes.iter().filter(one_word) {
                add(format!(" {prefix}"), (index, Anchor::Prefix));
            }
            for suffix in rule.suffixes.iter().filter(one_word) {
                add(format!("{suffix} "), (index, Anchor::Suffix));
            }
            for piece in rule.contains.iter().filter(one_word) {
                add(piece.to_lowercase(), (index, Anchor::Piece));
            }
        }
        NameRules {
            automaton: AhoCorasick::new(&patterns)
                .expect("name patterns are short text and always build"),
            owners,
            rules: count,
        }
    }

    /// For each rule, the index just past the last word of `name` it matches, if any.
    fn ends(&self, name: &[String]) -> Ends {
        let mut ends = vec![None; self.rules];
        if name.is_empty() {
            return Ends(ends);
        }
        let mut text = String::with_capacity(name.iter().map(|w| w.len() + 1).sum::<usize>() + 1);
        let mut starts = Vec::with_capacity(name.len());
        for word in name {
            text.push(' ');
            starts.push(text.len());
            text.push_str(word);
        }
        text.push(' ');
        // The word whose bytes hold `at`.
        let word_at = |at: usize| starts.partition_point(|&s| s <= at).saturating_sub(1);
        for found in self.automaton.find_overlapping_iter(&text) {
            for &(rule, anchor) in &self.owners[found.pattern().as_usize()] {
                let end = match anchor {
                    Anchor::Phrase(count) => word_at(found.start() + 1) + count,
                    Anchor::Prefix => word_at(found.start() + 1) + 1,
                    Anchor::Suffix => word_at(found.end() - 2) + 1,
                    Anchor::Piece => word_at(found.start()) + 1,
                };
                ends[rule] = ends[rule].max(Some(end));
            }
        }
        Ends(ends)
    }
}

/// What one pass of [`NameRules`] found in a name: each rule's end, by its index.
struct Ends(Vec<Option<usize>>);

impl Ends {
    fn has(&self, rule: usize) -> bool {
        self.0[rule].is_some()
    }
}

/// The name rules of kinds.toml, ready to match: the kinds, then the mask types, then
/// the application words, as rules of one [`NameRules`].
#[derive(Debug, Clone)]
pub(super) struct KindRules {
    names: NameRules,
    /// Each kind rule's kind and whether it is tried first (rules `0..kinds.len()`).
    kinds: Vec<(Option<ProductKind>, bool)>,
    /// The mask types' ids (the rules after the kinds).
    mask_types: Vec<String>,
    uses: Vec<KindUse>,
    application: Application,
    spf_markers: AhoCorasick,
}

/// The application words' rules, after the kinds and mask types, in this order.
#[derive(Debug, Clone, Copy)]
enum Words {
    LeaveOn,
    RinseOff,
    Wash,
    Body,
    Face,
    Lips,
    /// The face words that are not lip words.
    FaceNotLips,
}

impl KindRules {
    pub(super) fn new(knowledge: &KindKnowledge) -> KindRules {
        let application = &knowledge.application;
        let phrases = |id: &str, words: &[String]| NameRule {
            id: id.to_string(),
            words: words.to_vec(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            contains: Vec::new(),
            priority: false,
        };
        let face_not_lips: Vec<String> = application
            .face_words
            .iter()
            .filter(|w| !application.lip_words.contains(w))
            .cloned()
            .collect();
        // In the order of `Words`.
        let words = [
            phrases("leave_on", &application.leave_on_words),
            phrases("rinse_off", &application.rinse_off_words),
            phrases("wash", &application.wash_words),
            phrases("body", &application.body_words),
            phrases("face", &application.face_words),
            phrases("lips", &application.lip_words),
            phrases("face_not_lips", &face_not_lips),
        ];
        KindRules {
            names: NameRules::new(
                knowledge
                    .kind
                    .iter()
                    .chain(&knowledge.mask_type)
                    .chain(&words),
            ),
            kinds: knowledge
                .kind
                .iter()
                .map(|r| (ProductKind::from_id(&r.id), r.priority))
                .collect(),
            mask_types: knowledge.mask_type.iter().map(|r| r.id.clone()).collect(),
            uses: knowledge.uses.clone(),
            application: application.clone(),
            spf_markers: AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostFirst)
                .build(SPF_MARKERS)
                .expect("four fixed ASCII patterns always build"),
        }
    }

    /// One pass over a name's words for every rule.
    fn read(&self, name: &[String]) -> Ends {
        self.names.ends(name)
    }

    /// Whether the name has the application words `words`.
    fn says(&self, found: &Ends, words: Words) -> bool {
        found.has(self.kinds.len() + self.mask_types.len() + words as usize)
    }

    /// Whether a name says the product is made for the body, hands or feet: a body word
    /// near a product word, the two joined in one word, or a body phrase.
    fn for_body(&self, name: &[String], found: &Ends) -> bool {
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
        joined || near || self.says(found, Words::Body)
    }

    /// The kind a name says: the first priority kind that matches, else the form word
    /// that comes last in the name (the first such rule on a tie).
    fn kind(&self, found: &Ends) -> Option<ProductKind> {
        let ends = &found.0[..self.kinds.len()];
        let first_priority = self
            .kinds
            .iter()
            .zip(ends)
            .position(|((_, priority), end)| *priority && end.is_some());
        let rule = first_priority.or_else(|| {
            let mut best: Option<(usize, usize)> = None;
            for (rule, ((_, priority), end)) in self.kinds.iter().zip(ends).enumerate() {
                if let (false, Some(end)) = (*priority, *end) {
                    if best.is_none_or(|(b, _)| end > b) {
                        best = Some((end, rule));
                    }
                }
            }
            best.map(|(_, rule)| rule)
        });
        rule.and_then(|r| self.kinds[r].0)
    }

    fn mask_type(&self, found: &Ends) -> Option<&str> {
        let first = self.kinds.len();
        (0..self.mask_types.len())
            .find(|m| found.has(first + m))
            .map(|m| self.mask_types[m].as_str())
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
    let found = rules.read(&name_words);
    let top = Top::new(analyzer, resolved);
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
                .kind(&found)
                // Each category on its own: "Face, Powders" is no "face powder".
                .or_else(|| {
                    options.categories.and_then(|c| {
                        c.split(',')
                            .find_map(|one| rules.kind(&rules.read(&words(one))))
                    })
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
        && !rules.says(&found, Words::Wash)
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
    } else if rules.says(&found, Words::LeaveOn) {
        leave_on = true;
    } else if rules.says(&found, Words::RinseOff) {
        leave_on = false;
    }
    let mut mask_type = None;
    let mut uses: Vec<Step> = match usage {
        Some(u) if !leave_on => u.rinse_off_uses.clone().unwrap_or_else(|| u.uses.clone()),
        Some(u) => u.uses.clone(),
        None => Vec::new(),
    };
    if uses.contains(&Step::Mask) {
        let by_name = rules.mask_type(&found);
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
                || rules.says(&found, Words::LeaveOn);
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
    let for_body = rules.for_body(&name_words, &found) && !rules.says(&found, Words::Face);
    if for_body && !uses.iter().all(|s| *s == Step::Cleanse) {
        uses.clear();
    }
    // For the lips alone: no face step.
    if rules.says(&found, Words::Lips) && !rules.says(&found, Words::FaceNotLips) {
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

/// The listed (not "may contain") ingredients, in order, each with its term (read from
/// the lexicon once: the questions below look at the top of the list many times).
struct Top<'a> {
    analyzer: &'a Analyzer,
    resolved: &'a [Resolved],
    listed: Vec<(Term<'a>, &'a Resolved)>,
}

impl<'a> Top<'a> {
    fn new(analyzer: &'a Analyzer, resolved: &'a [Resolved]) -> Top<'a> {
        let listed = resolved
            .iter()
            .filter(|r| r.position.is_some())
            .map(|r| (analyzer.term(r.term), r))
            .collect();
        Top {
            analyzer,
            resolved,
            listed,
        }
    }

    fn listed(&self) -> impl Iterator<Item = (&Term<'a>, &'a Resolved)> + '_ {
        self.listed.iter().map(|(term, r)| (term, *r))
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
                    .family_of(&self.analyzer.lexicon.term(r.term))
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
        let is_water = |t: &Term| t.name == "AQUA" || t.name == "WATER";
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
