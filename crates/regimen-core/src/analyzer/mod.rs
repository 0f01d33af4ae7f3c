//! The ingredient analyzer: reads a product's ingredient list as printed on real labels
//! and says what the product is and what is in it.
//!
//! `analyze` never fails: whatever the input, it returns a [`Report`], with diagnostics
//! for what it skipped. The pipeline is one Aho-Corasick scan over the text (every
//! CosIng name and curated synonym), one byte pass that cuts the text into items, and
//! a resolution of each item against the names found inside it. Everything a term
//! needs (display name, family, flags) is computed once when the lexicon is built, so
//! a report borrows its strings from the analyzer.

pub mod corpus;
mod cuts;
mod fold;
mod image;
mod kind;
pub mod lexicon;
mod parse;
mod spelling;
mod suggest;
pub use fold::to_ascii;
pub use suggest::SuggestIndex;

use crate::avoid::AvoidList;
use crate::knowledge::{ActiveIngredient, FamilyRule, Knowledge, Situation};
use crate::vocab::{ProductKind, Step};
use crate::Profile;
use aho_corasick::AhoCorasick;
use lexicon::{normalize, snake_case, Lexicon, LexiconError, Term};
use parse::{Hit, Piece};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::OnceLock;

/// The CosIng-derived dictionary shipped with regimen (see data/cosing/NOTICE).
pub const DICTIONARY: &str = include_str!("../../../../data/cosing/inci.tsv");

/// A fingerprint of the shipped dictionary (with the knowledge base's, it says which
/// analyses are still current; see [`Analyzer::fingerprint`]).
pub fn dictionary_fingerprint() -> u64 {
    static FINGERPRINT: OnceLock<u64> = OnceLock::new();
    *FINGERPRINT.get_or_init(|| spelling::fingerprint([DICTIONARY]))
}

/// Labels longer than this are analysed up to this many bytes, with a diagnostic.
pub const MAX_INPUT: usize = 64 * 1024;

/// The diagnostic code of a product made for the body, hands or feet (rule body_products).
pub const BODY_PRODUCT: &str = "body_product";

/// What the analysis found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<'a> {
    /// The product name, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What kind of product it is.
    pub kind: ProductKind,
    /// The routine steps it can fill, best first.
    pub uses: Vec<Step>,
    /// Whether it stays on the skin (a rinse-off product is removed within minutes).
    pub leave_on: bool,
    /// The sun protection factor its name or label states.
    pub spf: Option<u16>,
    /// The mask type, for masks (and rinse-off exfoliants, used as exfoliating masks).
    pub mask_type: Option<&'a str>,
    /// Actives, in list order: every mention of a family, with its level.
    pub actives: Vec<FoundActive<'a>>,
    /// Flags, each with the ingredient behind it.
    pub flags: Vec<Flag<'a>>,
    /// Names it does not know, with the nearest known INCI name.
    pub unknown: Vec<Unknown>,
    /// What it skipped or noticed while reading.
    pub diagnostics: Vec<Diagnostic>,
    /// Every recognised ingredient, in list order.
    pub ingredients: Vec<Ingredient<'a>>,
    /// Further products found in the same text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub more_products: Vec<Report<'a>>,
}

impl Report<'_> {
    /// Whether an active of this family is in the product, at any level.
    pub fn has_family(&self, family: &str) -> bool {
        self.actives.iter().any(|a| a.family == family)
    }

    /// Whether the product carries this family at a treatment level (not a trace).
    pub fn treats(&self, family: &str) -> bool {
        self.actives
            .iter()
            .any(|a| a.family == family && a.level != Level::Trace)
    }
}

/// How much of an active a product holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A percentage is stated.
    Stated,
    /// Listed above the 1% line (or a family that works below it).
    Main,
    /// Listed below the 1% line: present, but not a treatment (rule trace_level).
    Trace,
}

/// A percentage as the label wrote it: `0.3`, not the nearest double to the `f32`
/// (`0.30000001192092896`).
fn as_written<S: serde::Serializer>(percent: &Option<f32>, to: S) -> Result<S::Ok, S::Error> {
    match percent.map(|p| p.to_string().parse::<f64>()) {
        Some(Ok(p)) => to.serialize_some(&p),
        _ => to.serialize_none(),
    }
}

/// An active found in the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundActive<'a> {
    /// Ingredient id (`ascorbic_acid`).
    pub id: Cow<'a, str>,
    /// Family id (`vitamin_c`).
    pub family: &'a str,
    /// INCI name.
    pub inci: Cow<'a, str>,
    /// 1-based place in the list; 0 when only the product's name names it.
    pub position: usize,
    /// Stated percentage (in the list or the name).
    #[serde(serialize_with = "as_written")]
    pub percent: Option<f32>,
    /// Stated, main or trace.
    pub level: Level,
    /// A further sorting within the family (UV filters: mineral or chemical).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<&'a str>,
    /// Listed after the 1% line (a low-dose family is no trace there, but one formula's
    /// own rules do not count it: rule formula_not_layering).
    #[serde(skip)]
    pub below_line: bool,
}

/// A flag with the ingredient that raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag<'a> {
    /// Stable code (`fragrance`, `essential_oil`, `avoid`...).
    pub code: &'a str,
    /// The ingredient behind it.
    pub inci: Cow<'a, str>,
    /// What it means.
    pub text: Cow<'a, str>,
}

/// A name the analyzer does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// As written.
    pub name: String,
    /// The nearest known INCI name.
    pub suggestion: Option<String>,
    /// 1-based place in the list.
    pub position: Option<usize>,
}

/// Something the analyzer skipped or noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code.
    pub code: &'static str,
    /// What, in plain words.
    pub text: String,
}

/// A recognised ingredient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingredient<'a> {
    /// INCI name.
    pub inci: &'a str,
    /// 1-based place in the list; none for "may contain" entries.
    pub position: Option<usize>,
    /// Stated percentage.
    #[serde(serialize_with = "as_written")]
    pub percent: Option<f32>,
    /// Listed under "may contain".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub may_contain: bool,
}

/// What the caller knows besides the list.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The product name.
    pub name: Option<&'a str>,
    /// The person: flags that do not concern them (pregnancy, sensitivity) are left out.
    pub profile: Option<&'a Profile>,
    /// Their avoid list, read once ([`AvoidList::parse`]): matches add `avoid` flags.
    pub avoid: Option<&'a AvoidList>,
    /// The kind, when the person says it (the name and the list decide otherwise).
    pub kind: Option<ProductKind>,
    /// A shop's categories for the product (a catalog's: "hair, shampoos"), read for
    /// its kind when the name says none, before the list.
    pub categories: Option<&'a str>,
    /// Look up suggestions for unknown names (builds an index on first use).
    pub suggest: bool,
}

/// Buffers reused between analyses.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The folded text in lower case, what the matcher reads.
    lower: String,
    hits: Vec<Hit>,
    pieces: Vec<Piece>,
    /// The products read from the text (emptied before each text).
    products: Vec<Product>,
    /// (term, flag bits) already reported for a product.
    seen_flags: Vec<(u32, u64)>,
}

/// The analyzer: the lexicon, the curated knowledge and the kind rules.
#[derive(Debug)]
pub struct Analyzer {
    lexicon: Lexicon,
    actives: Vec<ActiveIngredient>,
    weak_position: usize,
    qualifiers: Vec<String>,
    /// How a strength is written after its percentage ("w/w"): not part of the name.
    strength_units: Vec<String>,
    /// Bit `n` set when some qualifier is `n` bytes long (most words are no qualifier).
    qualifier_lengths: u64,
    /// The family rules, in file order (for names the dictionary lacks).
    family_rules: Vec<FamilyRule>,
    kind_rules: kind::KindRules,
    /// Mask types and whether what they leave stays on the skin.
    mask_removal: Vec<(String, bool)>,
    /// Families that work below 1%: never a trace by their place in a list.
    low_dose: Vec<String>,
    /// Phrases in a product name that name a family ("retinol", "glycolic acid", "aha").
    claims: Vec<(Vec<String>, String)>,
    suggest: OnceLock<SuggestIndex>,
    /// The fingerprints of the knowledge base and of the dictionary it was built from
    /// (`None`: the shipped one, whose fingerprint is worked out when first asked).
    fingerprints: (u64, Option<u64>),
}

/// One resolved item of a product.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    term: u32,
    position: Option<usize>,
    percent: Option<f32>,
}

#[derive(Debug, Default)]
struct Product {
    resolved: Vec<Resolved>,
    unknown: Vec<Unknown>,
    diagnostics: Vec<Diagnostic>,
    positions: usize,
}

impl Product {
    fn clear(&mut self) {
        self.resolved.clear();
        self.unknown.clear();
        self.diagnostics.clear();
        self.positions = 0;
    }

    fn is_empty(&self) -> bool {
        self.resolved.is_empty() && self.unknown.is_empty() && self.diagnostics.is_empty()
    }

    fn next_position(&mut self, may_contain: bool) -> Option<usize> {
        if may_contain {
            return None;
        }
        self.positions += 1;
        Some(self.positions)
    }
}

const PRODUCT_LABELS: &[&str] = &[
    "ingredient",
    "inci",
    "composition",
    "contains",
    "formula",
    "zutaten",
    "inhaltsstoffe",
    "bestandteile",
    "ingredienti",
    "ingredientes",
    "ingredients",
];
/// Labels that continue the ingredient list before them (a Drug Facts label lists the
/// active ingredients, then the inactive ones).
const CONTINUING_LABELS: &[&str] = &["inactive ingredient", "other ingredient"];
const MAY_CONTAIN: &[&str] = &[
    "may contain",
    "+/-",
    "+ / -",
    "peut contenir",
    "kann enthalten",
    "puede contener",
    "puo contenere",
];
/// Labels before what a product does not contain ("Free from: parabens").
const DENYING_LABELS: &[&str] = &[
    "free from",
    "free of",
    "without",
    "does not contain",
    "contains no",
    "no added",
    "sans",
    "ohne",
];
/// Sections of a Drug Facts label (and similar) that are not ingredients.
const SECTIONS: &[&str] = &[
    "purpose",
    "uses",
    "use",
    "warnings",
    "warning",
    "directions",
    "other information",
    "questions",
    "questions or comments",
    "do not use",
    "stop use",
    "when using this product",
    "keep out of reach",
    "for external use",
    "ask a doctor",
    "storage",
    "how to use",
    "caution",
];
/// Headings that announce what follows without being ingredients.
const HEADINGS: &[&str] = &[
    "drug facts",
    "active ingredients",
    "active ingredient",
    "inactive ingredients",
    "inactive ingredient",
];
const PROSE_WORDS: &[&str] = &[
    "the", "our", "with", "your", "is", "are", "for", "this", "to", "a", "that", "it", "you",
];

impl Analyzer {
    /// Builds the analyzer from the knowledge base and a dictionary text.
    pub fn new(knowledge: &Knowledge, dictionary: &str) -> Result<Analyzer, LexiconError> {
        Ok(Analyzer {
            lexicon: Lexicon::build(
                dictionary,
                std::ptr::eq(dictionary, DICTIONARY) || dictionary == DICTIONARY,
                &knowledge.ingredients,
            )?,
            actives: knowledge.ingredients.active.clone(),
            weak_position: knowledge.ingredients.weak_position,
            qualifiers: knowledge.ingredients.qualifiers.clone(),
            strength_units: knowledge.ingredients.strength_units.clone(),
            qualifier_lengths: knowledge
                .ingredients
                .qualifiers
                .iter()
                .filter(|q| q.len() < 64)
                .fold(0, |bits, q| bits | 1 << q.len()),
            family_rules: knowledge.ingredients.family_rule.clone(),
            kind_rules: kind::KindRules::new(&knowledge.kinds),
            mask_removal: knowledge
                .mask_types
                .iter()
                .map(|m| (m.id.clone(), m.leave_on()))
                .collect(),
            low_dose: knowledge
                .families
                .iter()
                .filter(|f| f.low_dose)
                .map(|f| f.id.clone())
                .collect(),
            claims: name_claims(knowledge),
            suggest: OnceLock::new(),
            fingerprints: (
                knowledge.fingerprint(),
                (!std::ptr::eq(dictionary, DICTIONARY))
                    .then(|| spelling::fingerprint([dictionary])),
            ),
        })
    }

    /// A fingerprint of the knowledge base and the dictionary this analyzer was built
    /// from: an analysis made by one with another fingerprint may differ.
    pub fn fingerprint(&self) -> u64 {
        let (knowledge, dictionary) = self.fingerprints;
        knowledge
            ^ dictionary
                .unwrap_or_else(dictionary_fingerprint)
                .rotate_left(1)
    }

    /// The analyzer with the shipped dictionary.
    pub fn builtin(knowledge: &Knowledge) -> Result<Analyzer, LexiconError> {
        Analyzer::new(knowledge, DICTIONARY)
    }

    /// The lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Analyses one ingredient list.
    pub fn analyze(&self, text: &str, options: &Options<'_>) -> Report<'_> {
        self.analyze_with(text, options, &mut Scratch::default())
    }

    /// Analyses one ingredient list, reusing buffers (for bulk work).
    pub fn analyze_with(
        &self,
        text: &str,
        options: &Options<'_>,
        scratch: &mut Scratch,
    ) -> Report<'_> {
        let mut truncated = false;
        let mut text = text;
        if text.len() > MAX_INPUT {
            let mut end = MAX_INPUT;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text = &text[..end];
            truncated = true;
        }
        let folded = fold::to_ascii(text);
        let text = folded.as_ref();
        scratch.lower.clear();
        scratch.lower.push_str(text);
        scratch.lower.make_ascii_lowercase();
        let Scratch {
            lower,
            hits,
            pieces,
            products,
            seen_flags,
        } = scratch;
        parse::hits(&self.lexicon, lower, hits);
        parse::pieces(text, hits, pieces);
        // The products of earlier texts, emptied: their buffers are reused.
        products.truncate(1);
        match products.first_mut() {
            Some(first) => first.clear(),
            None => products.push(Product::default()),
        }
        let mut state = ReadState::default();
        for piece in pieces.iter() {
            self.read_piece(text, piece, hits, products, &mut state);
            match piece.closer {
                b'[' => state.brackets += 1,
                b']' => {
                    state.brackets = state.brackets.saturating_sub(1);
                    if state.brackets < state.may_contain_brackets || state.brackets == 0 {
                        state.may_contain = false;
                    }
                }
                b'\n' => {
                    state.may_contain = false;
                    state.brackets = 0;
                }
                _ => {}
            }
            if piece.closer == b'\n' || piece.closer == b'.' {
                state.denied = false;
            }
        }
        let shown = self.flags_shown(options.profile);
        let found = products.iter().filter(|p| !p.is_empty()).count();
        let mut read = products.iter_mut().filter(|p| !p.is_empty());
        let mut first = match read.next() {
            Some(product) => self.report(product, text, hits, options, shown, seen_flags),
            None => self.report(
                &mut Product::default(),
                text,
                hits,
                options,
                shown,
                seen_flags,
            ),
        };
        let more: Vec<Report<'_>> = read
            .map(|product| self.report(product, text, hits, options, shown, seen_flags))
            .collect();
        if truncated {
            first.diagnostics.push(Diagnostic {
                code: "truncated",
                text: format!(
                    "the text is longer than {MAX_INPUT} bytes; only the beginning was read"
                ),
            });
        }
        if first.ingredients.is_empty() && first.unknown.is_empty() {
            first.diagnostics.push(Diagnostic {
                code: "empty",
                text: "no ingredients found".into(),
            });
        }
        if found > 1 {
            first.diagnostics.push(Diagnostic {
                code: "several_products",
                text: format!("{found} products in one text; the others are under more_products"),
            });
        }
        first.more_products = more;
        first
    }

    /// Bits of the flags that concern this person (all of them without a profile).
    fn flags_shown(&self, profile: Option<&Profile>) -> u64 {
        let Some(profile) = profile else {
            return u64::MAX;
        };
        let situation = Situation::of(profile, !profile.events.is_empty());
        let mut shown = 0u64;
        for (bit, rule) in self.lexicon.flags.iter().enumerate() {
            if rule
                .when
                .as_ref()
                .is_none_or(|when| when.matches(&situation))
            {
                shown |= 1 << bit;
            }
        }
        shown
    }

    fn read_piece(
        &self,
        text: &str,
        piece: &Piece,
        hits: &[Hit],
        products: &mut Vec<Product>,
        state: &mut ReadState,
    ) {
        let all_hits = hits;
        let hits = &hits[piece.hits.0..piece.hits.1];
        // Dotted leaders ("Avobenzone 3% ........ Sunscreen"): the rest is another column.
        let end = if piece.marks & parse::DOTS != 0 {
            text[piece.start..piece.end]
                .find("..")
                .map_or(piece.end, |at| piece.start + at)
        } else {
            piece.end
        };
        let hits = &hits[..hits.partition_point(|h| h.end <= end)];
        // The common case: one or more known names and punctuation, nothing else.
        if piece.marks & (parse::LETTERS | parse::COLON | parse::PARENTHESIS | parse::PLUS) == 0
            && !hits.is_empty()
        {
            if state.skipping {
                return;
            }
            let product = products.last_mut().expect("one product at least");
            if state.denied {
                product.diagnostics.push(Diagnostic {
                    code: "negation",
                    text: format!("not in it: \"{}\"", trim_item(&text[piece.start..end])),
                });
                return;
            }
            // Names with only spaces between them are separate ingredients (a list
            // whose commas were lost); a slash joins alternatives of one name.
            let mut item_start = 0;
            for i in 0..hits.len() {
                let gap_end = hits.get(i + 1).map_or(end, |h| h.start);
                let gap = &text.as_bytes()[hits[i].end..gap_end];
                let last = i + 1 == hits.len();
                if !last && (gap.contains(&b'/') || !gap.iter().any(u8::is_ascii_whitespace)) {
                    continue;
                }
                let position = product.next_position(state.may_contain);
                let raw = &text[hits[item_start].start..gap_end];
                product.resolved.push(Resolved {
                    term: hits[item_start].term,
                    position,
                    percent: if piece.marks & parse::PERCENT != 0 {
                        parse::percent(raw)
                    } else {
                        None
                    },
                });
                item_start = i + 1;
            }
            return;
        }
        // A label inside the piece, after an item ("Adapalene 0.1% Purpose: Acne
        // treatment", "Tocopherol May contain: CI 77891", a Drug Facts label pasted as
        // one line): the item is read first, then the label and what follows it.
        if piece.marks & parse::LETTERS != 0 {
            if let Some(at) = embedded_label(text, piece.start, end, hits) {
                let before = Piece {
                    end: at,
                    marks: u8::MAX,
                    ..*piece
                };
                let after = Piece {
                    start: at,
                    marks: u8::MAX,
                    ..*piece
                };
                self.read_piece(text, &before, all_hits, products, state);
                self.read_piece(text, &after, all_hits, products, state);
                return;
            }
        }
        let mut start = piece.start;
        // A label ends at a colon outside names: "Ingredients:", "May contain:", prose.
        let colon = if piece.marks & parse::COLON != 0 {
            colon_outside(text, piece, hits)
        } else {
            None
        };
        if let Some(colon) = colon.filter(|c| *c < end) {
            if self.read_described(text, piece, (colon, end), all_hits, products, state) {
                return;
            }
            let label = text[piece.start..colon].trim();
            let lower = label.to_ascii_lowercase();
            self.read_label(label, &lower, products, state);
            start = colon + 1;
        } else {
            let rest = text[piece.start..end].trim_start();
            // Most items start with no label word's first letter: one table look-up.
            let may_be_label = rest.bytes().next().is_some_and(label_first_byte);
            if let Some(marker) = MAY_CONTAIN
                .iter()
                .filter(|_| may_be_label)
                .find(|m| starts_with_ignore_case(rest, m))
            {
                state.may_contain = true;
                state.may_contain_brackets = state.brackets;
                start = end - rest.len() + marker.len();
            } else if let Some(heading) = may_be_label
                .then(|| LabelIndex::headings().first_word(rest))
                .flatten()
            {
                // Labels written without their colon ("Drug Facts Active ingredients",
                // "Active ingredients   Purpose": a heading with its column).
                self.read_label(heading, heading, products, state);
                let mut after = &rest[heading.len()..];
                loop {
                    let trimmed = after.trim_start();
                    if starts_with_word(trimmed, "purpose") {
                        after = &trimmed["purpose".len()..];
                        continue;
                    }
                    match LabelIndex::headings().first_word(trimmed) {
                        Some(next) => {
                            self.read_label(next, next, products, state);
                            after = &trimmed[next.len()..];
                        }
                        None => break,
                    }
                }
                start = end - after.len();
            } else {
                let bare = rest.trim_end_matches(['?', ' ']);
                if may_be_label && SECTIONS.iter().any(|s| bare.eq_ignore_ascii_case(s)) {
                    let lower = bare.to_ascii_lowercase();
                    self.read_label(rest, &lower, products, state);
                    return;
                }
            }
        }
        if state.skipping {
            return;
        }
        // After a label, names with only spaces and strengths between them
        // ("Active ingredients Avobenzone 3% Homosalate 10%") are read as a list.
        if start > piece.start {
            let marks = marks_between(text, start, end, hits);
            if marks & (parse::LETTERS | parse::COLON | parse::PARENTHESIS | parse::PLUS) == 0 {
                let first = piece.hits.0 + hits.partition_point(|h| h.start < start);
                let rest = Piece {
                    start,
                    end,
                    hits: (first, piece.hits.0 + hits.len()),
                    marks,
                    ..*piece
                };
                if rest.hits.0 < rest.hits.1 {
                    self.read_piece(text, &rest, all_hits, products, state);
                    return;
                }
            }
        }
        let end = self.before_unit(text, start, end);
        let first = hits.partition_point(|h| h.start < start);
        let hits = &hits[first..hits.partition_point(|h| h.end <= end)];
        let raw = &text[start..end];
        let trimmed = trim_item(raw);
        if trimmed.is_empty() {
            return;
        }
        let product = products.last_mut().expect("one product at least");
        // "Titanium Dioxide [nano]": the EU's mark of a nanomaterial, said of the name
        // before it, is no ingredient.
        if trimmed.eq_ignore_ascii_case("nano") {
            product.diagnostics.push(Diagnostic {
                code: "nano",
                text: "the ingredient before \"[nano]\" is in nano form".to_string(),
            });
            return;
        }
        if state.denied || denies(trimmed) {
            product.diagnostics.push(Diagnostic {
                code: "negation",
                text: format!("not in it: \"{trimmed}\""),
            });
            return;
        }
        let resolved = self
            .without_common_name(trimmed)
            .or_else(|| self.resolve(text, start, end, hits))
            .or_else(|| self.lexicon.find_squashed(trimmed));
        if let Some(term) = resolved {
            let position = product.next_position(state.may_contain);
            product.resolved.push(Resolved {
                term,
                position,
                percent: parse::percent(raw),
            });
            return;
        }
        // A Drug Facts row, its columns run together: a known name, its strength, what
        // it is for ("Salicylic acid 2% Acne treatment").
        if let Some((hit, strength_end)) = name_strength_purpose(text, start, end, hits) {
            let position = product.next_position(state.may_contain);
            product.resolved.push(Resolved {
                term: hit.term,
                position,
                percent: parse::percent(&text[hit.start..strength_end]),
            });
            product
                .diagnostics
                .push(described(&text[strength_end..end]));
            return;
        }
        // The text is folded to ASCII: ASCII whitespace splits its words.
        let words = trimmed.split_ascii_whitespace().count();
        let prose = words >= 3
            && trimmed
                .split_ascii_whitespace()
                .any(|w| PROSE_WORDS.iter().any(|p| p.eq_ignore_ascii_case(w)));
        if raw.trim_start().starts_with('*') && words > 1 {
            product.diagnostics.push(Diagnostic {
                code: "footnote",
                text: format!("footnote \"{trimmed}\""),
            });
        } else if words >= 6 || prose {
            product.diagnostics.push(Diagnostic {
                code: "prose_ignored",
                text: format!("ignored \"{trimmed}\""),
            });
        } else {
            let position = product.next_position(state.may_contain);
            product.unknown.push(Unknown {
                name: trimmed.to_string(),
                suggestion: None,
                position,
            });
        }
    }

    /// "Salicylic Acid 0.5%: dissolves pore congestion": a known name (and its strength)
    /// before the colon is an ingredient, what follows the colon says what it does.
    /// Whether the piece was read so.
    fn read_described(
        &self,
        text: &str,
        piece: &Piece,
        (colon, end): (usize, usize),
        all_hits: &[Hit],
        products: &mut Vec<Product>,
        state: &mut ReadState,
    ) -> bool {
        let hits = &all_hits[piece.hits.0..piece.hits.1];
        let named = hits
            .iter()
            .filter(|h| h.start >= piece.start && h.end <= colon)
            .count();
        let marks = marks_between(text, piece.start, colon, hits);
        if named == 0 || marks & (parse::LETTERS | parse::COLON | parse::PARENTHESIS) != 0 {
            return false;
        }
        // "Parfum: Limonene, Linalool": what follows is known names, a list, not a
        // description.
        let after_named = hits.iter().any(|h| h.start > colon && h.end <= end);
        if after_named && marks_between(text, colon + 1, end, hits) & parse::LETTERS == 0 {
            return false;
        }
        let first = piece.hits.0 + hits.partition_point(|h| h.start < piece.start);
        let name = Piece {
            end: colon,
            hits: (first, first + named),
            marks,
            ..*piece
        };
        self.read_piece(text, &name, all_hits, products, state);
        if !trim_item(&text[colon + 1..end]).is_empty() && !state.skipping {
            let product = products.last_mut().expect("one product at least");
            product.diagnostics.push(described(&text[colon + 1..end]));
        }
        true
    }

    /// What a label (the text before a colon, or a heading) starts: an ingredient list
    /// (a new product unless it continues a Drug Facts label), a "may contain" list, a
    /// list of what the product is free from, or a section that is not ingredients.
    fn read_label(
        &self,
        label: &str,
        lower: &str,
        products: &mut Vec<Product>,
        state: &mut ReadState,
    ) {
        let product = products.last_mut().expect("one product at least");
        if MAY_CONTAIN.iter().any(|m| lower.contains(m)) {
            state.may_contain = true;
            state.may_contain_brackets = state.brackets;
            state.skipping = false;
        } else if DENYING_LABELS.iter().any(|d| lower.starts_with(d)) {
            state.denied = true;
            state.skipping = false;
        } else if PRODUCT_LABELS.iter().any(|l| lower.contains(l)) {
            let continues = CONTINUING_LABELS.iter().any(|c| lower.contains(c));
            if !continues && (product.positions > 0 || !product.unknown.is_empty()) {
                products.push(Product::default());
            }
            state.may_contain = false;
            state.skipping = false;
            if lower.split_whitespace().count() > 3 {
                products
                    .last_mut()
                    .expect("product")
                    .diagnostics
                    .push(Diagnostic {
                        code: "prose_ignored",
                        text: format!("ignored \"{label}\""),
                    });
            }
        } else if SECTIONS
            .iter()
            .any(|s| lower.trim_end_matches(['?', ' ']).starts_with(s))
        {
            state.skipping = true;
            product.diagnostics.push(Diagnostic {
                code: "section_skipped",
                text: format!(
                    "skipped the \"{}\" section",
                    label.trim_end_matches(['?', ' '])
                ),
            });
        } else if HEADINGS.iter().any(|h| lower.starts_with(h)) {
            product.diagnostics.push(Diagnostic {
                code: "heading",
                text: format!("heading \"{label}\""),
            });
        } else if !label.is_empty() {
            product.diagnostics.push(Diagnostic {
                code: "prose_ignored",
                text: format!("ignored \"{label}\""),
            });
        }
    }

    /// "Lavandula Angustifolia (Lavender) Oil": a Latin name with its common name in
    /// parentheses in the middle is the Latin name without them.
    fn without_common_name(&self, item: &str) -> Option<u32> {
        let open = item.find('(')?;
        let close = open + item[open..].find(')')?;
        let after = item[close + 1..].trim();
        if after.is_empty() || !after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let name = format!("{} {after}", item[..open].trim());
        self.lexicon
            .find(&name)
            .or_else(|| self.lexicon.find_squashed(&name))
    }

    /// Whether a list holds a prescription medicine: a drug, or an active above its
    /// prescription strength (rule rx_doctor_directions).
    fn medicine(&self, resolved: &[Resolved]) -> bool {
        resolved.iter().any(|r| {
            let term = self.lexicon.term(r.term);
            term.active.is_some_and(|i| {
                let active = &self.actives[usize::from(i)];
                active.prescription
                    || active
                        .prescription_above
                        .zip(r.percent)
                        .is_some_and(|(limit, percent)| percent > limit)
            })
        })
    }

    /// Where an item ends before the unit of its strength ("Tretinoin 0.05 % w/w"): the
    /// unit follows a percentage and ends the item.
    fn before_unit(&self, text: &str, start: usize, end: usize) -> usize {
        let item = text[start..end].trim_end_matches([' ', '.', ')']);
        for unit in &self.strength_units {
            let Some(cut) = item.len().checked_sub(unit.len()) else {
                continue;
            };
            if !item.is_char_boundary(cut) || !item[cut..].eq_ignore_ascii_case(unit) {
                continue;
            }
            let before = item[..cut].trim_end();
            if before.ends_with('%') {
                return start + before.len();
            }
        }
        end
    }

    /// The term an item stands for: the first name in a slash-separated alternative
    /// that it covers entirely (qualifiers and percentages aside), else a name given
    /// in parentheses.
    fn resolve(&self, text: &str, start: usize, end: usize, hits: &[Hit]) -> Option<u32> {
        let bytes = text.as_bytes();
        let mut depth = 0usize;
        let mut next = 0;
        let mut segment_hit: Option<u32> = None;
        let mut segment_dirty = false;
        let mut in_parentheses: Option<u32> = None;
        let mut word_start: Option<usize> = None;
        let mut chosen: Option<u32> = None;
        let finish_word = |from: Option<usize>, to: usize, dirty: &mut bool| {
            if let Some(from) = from {
                let word = &text[from..to];
                let letters = word.bytes().any(|b| b.is_ascii_alphabetic());
                let qualifier = word.len() < 64
                    && self.qualifier_lengths & (1 << word.len()) != 0
                    && self.qualifiers.iter().any(|q| q.eq_ignore_ascii_case(word));
                if letters && !qualifier {
                    *dirty = true;
                }
            }
        };
        let mut i = start;
        while i < end {
            if next < hits.len() && hits[next].start == i {
                finish_word(word_start.take(), i, &mut segment_dirty);
                if depth == 0 {
                    segment_hit.get_or_insert(hits[next].term);
                } else {
                    in_parentheses.get_or_insert(hits[next].term);
                }
                i = hits[next].end;
                next += 1;
                continue;
            }
            let byte = bytes[i];
            if byte.is_ascii_alphanumeric() {
                if depth == 0 && word_start.is_none() {
                    word_start = Some(i);
                }
            } else {
                if depth == 0 {
                    finish_word(word_start.take(), i, &mut segment_dirty);
                }
                match byte {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    b'/' if depth == 0 => {
                        if let (Some(term), false) = (segment_hit, segment_dirty) {
                            chosen.get_or_insert(term);
                        }
                        segment_hit = None;
                        segment_dirty = false;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        if depth == 0 {
            finish_word(word_start.take(), end, &mut segment_dirty);
        }
        if let (Some(term), false) = (segment_hit, segment_dirty) {
            chosen.get_or_insert(term);
        }
        chosen.or(in_parentheses)
    }

    fn report(
        &self,
        product: &mut Product,
        text: &str,
        hits: &[Hit],
        options: &Options<'_>,
        shown: u64,
        seen_flags: &mut Vec<(u32, u64)>,
    ) -> Report<'_> {
        let lexicon = &self.lexicon;
        let avoid = options.avoid;
        // The 1% line: the place of the first ingredient used at 1% or less.
        let line = product
            .resolved
            .iter()
            .find(|r| r.position.is_some() && lexicon.term(r.term).marker)
            .and_then(|r| r.position);
        // How it is used decides whether a weak acid can be an active at all: in a
        // rinse-off product it only sets the pH (rule ph_adjuster_not_exfoliant).
        let classified = kind::classify(self, options, text, hits, &product.resolved);
        let rinse_off = !classified.leave_on;
        // So does a medicine's: its active ingredient is the drug it declares, the rest
        // of its list is the vehicle (a lactic acid buffer in a metronidazole cream).
        let medicine = self.medicine(&product.resolved);
        let below = |position: usize| line.is_some_and(|l| position > l);
        let level = |family: &str, position: usize, percent: Option<f32>, weak: bool| {
            let below_line = below(position) && !self.low_dose.iter().any(|f| f == family);
            let vehicle = rinse_off || medicine || position > self.weak_position;
            if percent.is_some() {
                Level::Stated
            } else if below_line || (weak && vehicle) {
                Level::Trace
            } else {
                Level::Main
            }
        };
        let mut ingredients = Vec::with_capacity(product.resolved.len());
        let mut actives: Vec<FoundActive<'_>> = Vec::new();
        let mut flags: Vec<Flag<'_>> = Vec::new();
        seen_flags.clear();
        for item in &product.resolved {
            let term = lexicon.term(item.term);
            ingredients.push(Ingredient {
                inci: term.display,
                position: item.position,
                percent: item.percent,
                may_contain: item.position.is_none(),
            });
            if let (Some(family), Some(position)) = (lexicon.family_of(&term), item.position) {
                let weak = term
                    .active
                    .is_some_and(|i| self.actives[usize::from(i)].weak);
                if !actives.iter().any(|a| a.inci == *term.display) {
                    actives.push(FoundActive {
                        id: Cow::Borrowed(term.id),
                        family,
                        inci: Cow::Borrowed(term.display),
                        position,
                        percent: item.percent,
                        level: level(family, position, item.percent, weak),
                        class: lexicon.class_of(&term),
                        below_line: item.percent.is_none() && below(position),
                    });
                }
            }
            let raised = term.flags & shown;
            if raised != 0 && !seen_flags.contains(&(item.term, raised)) {
                seen_flags.push((item.term, raised));
                for (bit, rule) in lexicon.flags.iter().enumerate() {
                    if raised & (1 << bit) != 0 {
                        flags.push(Flag {
                            code: &rule.code,
                            inci: Cow::Borrowed(term.display),
                            text: Cow::Borrowed(&rule.text),
                        });
                    }
                }
            }
            if let Some(entry) = avoid.and_then(|a| a.term_entry(lexicon, item.term)) {
                push_avoid(&mut flags, Cow::Borrowed(term.display), entry);
            }
        }
        // A name the dictionary lacks can still show its family ("palmitoyl tripeptide-38").
        for entry in &product.unknown {
            // Flags by how the name is written: an unknown "Eucalyptus Globulus Oil" is
            // still an essential oil.
            let bits = lexicon.name_bits(&entry.name);
            let raised = bits.flags & shown;
            for (bit, rule) in lexicon.flags.iter().enumerate() {
                if raised & (1 << bit) != 0 {
                    flags.push(Flag {
                        code: &rule.code,
                        inci: Cow::Owned(entry.name.clone()),
                        text: Cow::Borrowed(&rule.text),
                    });
                }
            }
            // The first family rule (in file order) with a word in the name, read with
            // its flags: an avoided family leaves out its unknown members too.
            let rule = bits.family_rule.and_then(|i| self.family_rules.get(i));
            let avoided = avoid.and_then(|a| {
                a.name_entry(&entry.name, &bits)
                    .or_else(|| rule.and_then(|r| a.family_entry(&r.family)))
            });
            if let Some(avoided) = avoided {
                push_avoid(&mut flags, Cow::Owned(entry.name.clone()), avoided);
            }
            let Some(position) = entry.position else {
                continue;
            };
            if let Some(rule) = rule {
                actives.push(FoundActive {
                    id: Cow::Owned(snake_case(&entry.name)),
                    family: &rule.family,
                    inci: Cow::Owned(entry.name.clone()),
                    position,
                    percent: None,
                    level: level(&rule.family, position, None, false),
                    class: None,
                    below_line: below(position),
                });
            }
        }
        actives.sort_by_key(|a| a.position);
        // What the name claims ("Retinol Night Cream 0.3%"): a percentage for an active
        // of the list, or a family the list does not show (counted as present).
        let mut diagnostics = std::mem::take(&mut product.diagnostics);
        for (family, percent) in options.name.map(|n| self.claimed(n)).unwrap_or_default() {
            if let Some(found) = actives.iter_mut().find(|a| a.family == family) {
                found.below_line = false;
                if let (Some(percent), None) = (percent, found.percent) {
                    found.percent = Some(percent);
                    found.level = Level::Stated;
                } else if found.level == Level::Trace {
                    // "Lactic Acid Treatment": what the name is for is no trace.
                    found.level = Level::Main;
                }
                continue;
            }
            diagnostics.push(Diagnostic {
                code: "named_not_listed",
                text: format!(
                    "the name says {}, which the list does not show; it is counted as present",
                    family.replace('_', " ")
                ),
            });
            actives.insert(
                0,
                FoundActive {
                    id: Cow::Borrowed(family),
                    family,
                    inci: Cow::Borrowed(family),
                    position: 0,
                    percent,
                    level: if percent.is_some() {
                        Level::Stated
                    } else {
                        Level::Main
                    },
                    class: None,
                    below_line: false,
                },
            );
            for (bit, rule) in lexicon.flags.iter().enumerate() {
                if shown & (1 << bit) != 0 && rule.families.iter().any(|f| f == family) {
                    flags.push(Flag {
                        code: &rule.code,
                        inci: Cow::Borrowed(family),
                        text: Cow::Borrowed(&rule.text),
                    });
                }
            }
            if let Some(entry) = avoid.and_then(|a| a.family_entry(family)) {
                push_avoid(&mut flags, Cow::Borrowed(family), entry);
            }
        }
        let mut unknown = std::mem::take(&mut product.unknown);
        if options.suggest {
            for entry in &mut unknown {
                entry.suggestion = self.suggestion(&entry.name);
            }
        }
        if classified.for_body {
            diagnostics.push(Diagnostic {
                code: BODY_PRODUCT,
                text: if classified.uses.is_empty() {
                    "made for the body, hands or feet, not the face: it fills no step of a face routine"
                        .into()
                } else {
                    "made for the body, hands or feet; as a wash, it can still cleanse the face".into()
                },
            });
        }
        Report {
            name: options.name.map(str::to_string),
            kind: classified.kind,
            uses: classified.uses,
            leave_on: classified.leave_on,
            spf: classified.spf,
            mask_type: classified.mask_type,
            actives,
            flags,
            unknown,
            diagnostics,
            ingredients,
            more_products: Vec::new(),
        }
    }

    /// The families a product name claims, each with the percentage written next to it
    /// ("AHA 30% + BHA 2% Peeling Solution": aha 30, bha 2).
    fn claimed(&self, name: &str) -> Vec<(&str, Option<f32>)> {
        use kind::Token;
        let tokens = kind::tokens(name);
        // (first token, token after the last, family) of every claim.
        let mut found: Vec<(usize, usize, &str)> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let best = self
                .claims
                .iter()
                .filter(|(phrase, _)| {
                    phrase.iter().enumerate().all(
                        |(k, word)| matches!(tokens.get(i + k), Some(Token::Word(w)) if w == word),
                    )
                })
                .max_by_key(|(phrase, _)| phrase.len());
            match best {
                Some((phrase, family)) => {
                    found.push((i, i + phrase.len(), family.as_str()));
                    i += phrase.len();
                }
                None => i += 1,
            }
        }
        let mut claims: Vec<(&str, Option<f32>)> = Vec::new();
        for &(_, _, family) in &found {
            if !claims.iter().any(|(f, _)| *f == family) {
                claims.push((family, None));
            }
        }
        let percent_between = |from: usize, to: usize| {
            tokens[from..to]
                .iter()
                .any(|t| matches!(t, Token::Percent(_)))
        };
        for (at, token) in tokens.iter().enumerate() {
            let Token::Percent(value) = token else {
                continue;
            };
            // The nearest claim before it (at most three words away, no other
            // percentage between), else the claim right after it.
            let before = found
                .iter()
                .rev()
                .find(|(_, end, _)| *end <= at && at - end <= 3 && !percent_between(*end, at));
            let after = found.iter().find(|(start, _, _)| {
                *start > at && start - at <= 2 && !percent_between(at + 1, *start)
            });
            if let Some((_, _, family)) = before.or(after) {
                if let Some(claim) = claims.iter_mut().find(|(f, _)| f == family) {
                    claim.1.get_or_insert(*value);
                }
            }
        }
        claims
    }

    /// The nearest known INCI name to a misspelt one, as people read it ("Squalane",
    /// "Ceramide NP"), not in CosIng's capitals.
    pub fn suggestion(&self, name: &str) -> Option<String> {
        let index = self.suggest.get_or_init(|| self.lexicon.suggest_index());
        let query = normalize(name);
        let pattern = index.suggest(|p| self.lexicon.pattern(p), &query)?;
        let term = self.lexicon.term_of_pattern(pattern as usize);
        Some(self.lexicon.term(term).display.to_string())
    }

    fn term(&self, index: u32) -> Term<'_> {
        self.lexicon.term(index)
    }
}

/// Adds an `avoid` flag for an ingredient, once.
fn push_avoid<'a>(flags: &mut Vec<Flag<'a>>, inci: Cow<'a, str>, entry: &str) {
    if !flags.iter().any(|f| f.code == "avoid" && f.inci == inci) {
        flags.push(Flag {
            code: "avoid",
            inci,
            text: Cow::Owned(format!("on your avoid list ({entry})")),
        });
    }
}

/// Phrases in a product name that name a family: family ids and words, and the names
/// and synonyms of curated actives; a phrase that could name two families is dropped.
fn name_claims(knowledge: &Knowledge) -> Vec<(Vec<String>, String)> {
    let mut claims: Vec<(Vec<String>, String)> = Vec::new();
    let mut ambiguous: Vec<Vec<String>> = Vec::new();
    let mut add = |phrase: &str, family: &str| {
        let words = kind::words(phrase);
        if words.is_empty() || ambiguous.contains(&words) {
            return;
        }
        match claims.iter().position(|(w, _)| *w == words) {
            Some(i) if claims[i].1 != family => {
                claims.remove(i);
                ambiguous.push(words);
            }
            Some(_) => {}
            None => claims.push((words, family.to_string())),
        }
    };
    let named = |family: &str| family != "sunscreen_filter";
    for family in knowledge.families.iter().filter(|f| named(&f.id)) {
        add(&family.id.replace('_', " "), &family.id);
        add(
            family.name.split(" (").next().unwrap_or(&family.name),
            &family.id,
        );
        for word in &family.words {
            add(word, &family.id);
        }
    }
    for active in knowledge
        .ingredients
        .active
        .iter()
        .filter(|a| named(&a.family))
    {
        add(&active.inci, &active.family);
        for synonym in &active.synonyms {
            add(synonym, &active.family);
        }
    }
    claims
}

fn colon_outside(text: &str, piece: &Piece, hits: &[Hit]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut next = 0;
    let mut i = piece.start;
    while i < piece.end {
        if next < hits.len() && hits[next].start == i {
            i = hits[next].end;
            next += 1;
            continue;
        }
        if bytes[i] == b':' {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// What is carried from one piece of a label to the next.
#[derive(Debug, Default)]
struct ReadState {
    /// Inside a "may contain" list.
    may_contain: bool,
    /// How many square brackets are open, and how many were when the "may contain"
    /// list began: its "]" ends it ("[+/- CI 77266 [NANO], CI 77491]"), not a "]" inside.
    brackets: usize,
    may_contain_brackets: usize,
    /// Inside a list of what the product is free from.
    denied: bool,
    /// Inside a section that is not ingredients (Drug Facts warnings, directions).
    skipping: bool,
}

/// Whether an item denies what it names ("fragrance-free", "no parabens").
fn denies(item: &str) -> bool {
    let mut words = item
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '%')
        .filter(|w| !w.is_empty());
    let Some(first) = words.next() else {
        return false;
    };
    let Some(last) = words.next_back() else {
        return false;
    };
    let is = |word: &str, list: &[&str]| list.iter().any(|w| word.eq_ignore_ascii_case(w));
    is(last, &["free", "frei", "libre"])
        || is(
            first,
            &[
                "no", "without", "sans", "zero", "0%", "ohne", "senza", "sin", "non",
            ],
        )
}

/// The note that a text says what an ingredient does.
fn described(said: &str) -> Diagnostic {
    Diagnostic {
        code: "description",
        text: format!("what it does, not an ingredient: \"{}\"", trim_item(said)),
    }
}

/// A known name at the start of `text[start..end]` followed by a strength ("2%") and
/// then words: the name's hit and where the strength ends.
fn name_strength_purpose(
    text: &str,
    start: usize,
    end: usize,
    hits: &[Hit],
) -> Option<(Hit, usize)> {
    let bytes = text.as_bytes();
    let first = start + (end - start - text[start..end].trim_start().len());
    let hit = *hits.iter().find(|h| h.start == first && h.end <= end)?;
    let mut i = hit.end;
    let skip_spaces = |mut i: usize| {
        while i < end && bytes[i] == b' ' {
            i += 1;
        }
        i
    };
    i = skip_spaces(i);
    let digits = i;
    while i < end && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b',') {
        i += 1;
    }
    if i == digits {
        return None;
    }
    i = skip_spaces(i);
    if i >= end || bytes[i] != b'%' {
        return None;
    }
    let strength_end = i + 1;
    let rest = skip_spaces(strength_end);
    // What follows is a purpose: words, with no known name and no strength of its own
    // ("Niacinamide 10% Zinc 1%" is two items run together, not a purpose).
    let more = hits.iter().any(|h| h.start >= strength_end && h.end <= end)
        || bytes[strength_end..end].contains(&b'%');
    (rest < end && bytes[rest].is_ascii_alphabetic() && !more).then_some((hit, strength_end))
}

/// What the bytes of `text[start..end]` outside `hits` hold ([`parse::LETTERS`], ...).
fn marks_between(text: &str, start: usize, end: usize, hits: &[Hit]) -> u8 {
    let bytes = text.as_bytes();
    let mut marks = 0;
    let mut next = hits.partition_point(|h| h.start < start);
    let mut i = start;
    while i < end {
        if next < hits.len() && hits[next].start == i {
            i = hits[next].end;
            next += 1;
            continue;
        }
        marks |= match bytes[i] {
            b'a'..=b'z' | b'A'..=b'Z' => parse::LETTERS,
            b':' => parse::COLON,
            b'%' => parse::PERCENT,
            b'+' => parse::PLUS,
            b'(' | b')' => parse::PARENTHESIS,
            b'.' if bytes.get(i + 1) == Some(&b'.') => parse::DOTS,
            _ => 0,
        };
        i += 1;
    }
    marks
}

/// Whether `text` starts with the word or words `prefix`, in any case.
fn starts_with_word(text: &str, prefix: &str) -> bool {
    starts_with_ignore_case(text, prefix)
        && text
            .as_bytes()
            .get(prefix.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// Words that start a part of a label when they are written with a capital inside a
/// piece of text: the sections and headings of a Drug Facts label, "May contain".
const EMBEDDED_LABELS: &[&[&str]] = &[SECTIONS, HEADINGS, CONTINUING_LABELS, MAY_CONTAIN];

/// Where a label starts inside `text[start..end]`, after some item text: a label word
/// with a capital, at a word boundary, outside known names. A piece that starts with
/// its label has none.
fn embedded_label(text: &str, start: usize, end: usize, hits: &[Hit]) -> Option<usize> {
    let bytes = text.as_bytes();
    // A label that starts the piece is its own ("Active ingredients   Purpose" is a
    // heading with its column): the search starts after it.
    let mut i = start;
    loop {
        i += text[i..end].len() - text[i..end].trim_start().len();
        if i >= end || !label_first_byte(bytes[i]) {
            break;
        }
        match LabelIndex::embedded().first_word(&text[i..end]) {
            Some(label) => i += label.len(),
            None => break,
        }
    }
    // A label after item text starts with a capital or "+": most items have none.
    if !bytes
        .get(i + 1..end)
        .is_some_and(|rest| rest.iter().any(|b| b.is_ascii_uppercase() || *b == b'+'))
    {
        return None;
    }
    // One automaton pass over the rest finds the candidates; a candidate counts where it
    // starts a word with a capital (or "+/-"), ends a word, lies outside known names, and
    // follows some item text.
    let bytes_from = i;
    for found in label_automaton().find_iter(&text[i..end]) {
        let at = bytes_from + found.start();
        let after = bytes_from + found.end();
        let first = bytes[at];
        let starts_word = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        let ends_word =
            first == b'+' || after >= bytes.len() || !bytes[after].is_ascii_alphanumeric();
        if !(starts_word && ends_word && (first.is_ascii_uppercase() || first == b'+')) {
            continue;
        }
        let inside_name = hits.iter().any(|h| h.start <= at && at < h.end);
        let item_before = text[bytes_from..at]
            .bytes()
            .any(|b| b.is_ascii_alphanumeric());
        if !inside_name && item_before {
            return Some(at);
        }
    }
    None
}

/// Label words by their first letter, so that finding the first label of a list (in its
/// order) that starts a text as a word compares a few labels, not all of them.
struct LabelIndex {
    by_first: Vec<Vec<&'static str>>,
}

impl LabelIndex {
    fn new<'a>(labels: impl Iterator<Item = &'a &'static str>) -> LabelIndex {
        let mut by_first = vec![Vec::new(); 256];
        for label in labels {
            if let Some(&b) = label.as_bytes().first() {
                by_first[usize::from(b.to_ascii_lowercase())].push(*label);
            }
        }
        LabelIndex { by_first }
    }

    /// The headings, then the sections of a Drug Facts label.
    fn headings() -> &'static LabelIndex {
        static INDEX: OnceLock<LabelIndex> = OnceLock::new();
        INDEX.get_or_init(|| LabelIndex::new(HEADINGS.iter().chain(SECTIONS)))
    }

    /// The words of [`EMBEDDED_LABELS`].
    fn embedded() -> &'static LabelIndex {
        static INDEX: OnceLock<LabelIndex> = OnceLock::new();
        INDEX.get_or_init(|| LabelIndex::new(EMBEDDED_LABELS.iter().flat_map(|list| list.iter())))
    }

    /// The first label, in list order, that `text` starts with as a whole word (any case).
    fn first_word(&self, text: &str) -> Option<&'static str> {
        let first = text.as_bytes().first()?.to_ascii_lowercase();
        self.by_first[usize::from(first)]
            .iter()
            .find(|label| starts_with_word(text, label))
            .copied()
    }
}

/// Whether some label word of [`EMBEDDED_LABELS`] starts with `byte` (in any case).
fn label_first_byte(byte: u8) -> bool {
    static FIRST: OnceLock<[bool; 256]> = OnceLock::new();
    FIRST.get_or_init(|| {
        let mut first = [false; 256];
        for label in EMBEDDED_LABELS.iter().flat_map(|list| list.iter()) {
            if let Some(&b) = label.as_bytes().first() {
                first[usize::from(b.to_ascii_lowercase())] = true;
                first[usize::from(b.to_ascii_uppercase())] = true;
            }
        }
        first
    })[usize::from(byte)]
}

/// The label words of [`EMBEDDED_LABELS`], in one automaton (longest first).
fn label_automaton() -> &'static AhoCorasick {
    static AUTOMATON: OnceLock<AhoCorasick> = OnceLock::new();
    AUTOMATON.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(EMBEDDED_LABELS.iter().flat_map(|list| list.iter()))
            .expect("the label words build an automaton")
    })
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// The item without surrounding spaces, quotes, footnote stars and stray punctuation.
fn trim_item(text: &str) -> &str {
    let trimmable = |b: &u8| {
        matches!(
            b,
            b' ' | b'\t'
                | b'\n'
                | b'\r'
                | b'\x0c'
                | b'\''
                | b'"'
                | b'*'
                | b'.'
                | b'-'
                | b'+'
                | b'#'
                | b'_'
                | b'='
                | b'~'
                | b'`'
                | b'^'
        )
    };
    let bytes = text.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !trimmable(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !trimmable(b))
        .map_or(start, |i| i + 1);
    // Trimmed bytes are ASCII, so both ends are character boundaries.
    &text[start..end.max(start)]
}
