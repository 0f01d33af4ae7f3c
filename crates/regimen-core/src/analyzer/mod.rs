//! The ingredient analyzer: reads a product's ingredient list as printed on real labels
//! and says what the product is and what is in it.
//!
//! `analyze` never fails: whatever the input, it returns a [`Report`], with diagnostics
//! for what it skipped. The pipeline is one Aho-Corasick scan over the text (every
//! CosIng name and curated synonym), one byte pass that cuts the text into items, and
//! a resolution of each item against the names found inside it. Everything a term
//! needs (display name, family, flags) is computed once when the lexicon is built, so
//! a report borrows its strings from the analyzer.

mod fold;
mod kind;
pub mod lexicon;
mod parse;
mod suggest;

use crate::knowledge::{ActiveIngredient, FamilyRule, Knowledge, Situation};
use crate::vocab::ProductKind;
use crate::Profile;
use lexicon::{normalize, snake_case, Lexicon, LexiconError, Term};
use parse::{Hit, Piece};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::OnceLock;
use suggest::SuggestIndex;

/// The CosIng-derived dictionary shipped with regimen (see data/cosing/NOTICE).
pub const DICTIONARY: &str = include_str!("../../../../data/cosing/inci.tsv");

/// Labels longer than this are analysed up to this many bytes, with a diagnostic.
pub const MAX_INPUT: usize = 64 * 1024;

/// What the analysis found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<'a> {
    /// The product name, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What kind of product it is.
    pub kind: ProductKind,
    /// The mask type, for masks.
    pub mask_type: Option<&'a str>,
    /// Actives, in list order.
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
    /// Whether an active of this family is in the product.
    pub fn has_family(&self, family: &str) -> bool {
        self.actives.iter().any(|a| a.family == family)
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
    /// 1-based place in the list.
    pub position: usize,
    /// Stated percentage.
    pub percent: Option<f32>,
}

/// A flag with the ingredient that raised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag<'a> {
    /// Stable code (`fragrance`, `essential_oil`, `avoid`...).
    pub code: &'a str,
    /// The ingredient behind it.
    pub inci: &'a str,
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
    /// The person: their avoid list (ingredients, families or flag codes) adds flags,
    /// and flags that do not concern them (pregnancy, sensitivity) are left out.
    pub profile: Option<&'a Profile>,
    /// Look up suggestions for unknown names (builds an index on first use).
    pub suggest: bool,
}

/// Buffers reused between analyses.
#[derive(Debug, Default)]
pub struct Scratch {
    hits: Vec<Hit>,
    pieces: Vec<Piece>,
}

/// The analyzer: the lexicon, the curated knowledge and the kind rules.
#[derive(Debug)]
pub struct Analyzer {
    lexicon: Lexicon,
    actives: Vec<ActiveIngredient>,
    weak_position: usize,
    qualifiers: Vec<String>,
    family_rules: Vec<FamilyRule>,
    kind_rules: kind::KindRules,
    suggest: OnceLock<SuggestIndex>,
}

/// One resolved item of a product.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    term: u32,
    position: Option<usize>,
    percent: Option<f32>,
}

#[derive(Default)]
struct Product {
    resolved: Vec<Resolved>,
    unknown: Vec<Unknown>,
    diagnostics: Vec<Diagnostic>,
    positions: usize,
}

impl Product {
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
    "ingredienti",
];
const MAY_CONTAIN: &[&str] = &["may contain", "+/-", "+ / -", "peut contenir"];
const PROSE_WORDS: &[&str] = &[
    "the", "our", "with", "your", "is", "are", "for", "this", "to", "a", "that", "it", "you",
];

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

impl Analyzer {
    /// Builds the analyzer from the knowledge base and a dictionary text.
    pub fn new(knowledge: &Knowledge, dictionary: &str) -> Result<Analyzer, LexiconError> {
        Ok(Analyzer {
            lexicon: Lexicon::build(dictionary, &knowledge.ingredients)?,
            actives: knowledge.ingredients.active.clone(),
            weak_position: knowledge.ingredients.weak_position,
            qualifiers: knowledge.ingredients.qualifiers.clone(),
            family_rules: knowledge.ingredients.family_rule.clone(),
            kind_rules: kind::KindRules::new(&knowledge.kinds),
            suggest: OnceLock::new(),
        })
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
        parse::hits(&self.lexicon, text, &mut scratch.hits);
        parse::pieces(text, &scratch.hits, &mut scratch.pieces);
        let mut products = vec![Product::default()];
        let mut may_contain = false;
        for piece in &scratch.pieces {
            self.read_piece(text, piece, &scratch.hits, &mut products, &mut may_contain);
            if piece.closer == b']' || piece.closer == b'\n' {
                may_contain = false;
            }
        }
        products.retain(|p| {
            !(p.resolved.is_empty() && p.unknown.is_empty() && p.diagnostics.is_empty())
        });
        let shown = self.flags_shown(options.profile);
        let mut reports: Vec<Report<'_>> = products
            .into_iter()
            .map(|p| self.report(p, options, shown))
            .collect();
        if reports.is_empty() {
            reports.push(self.report(Product::default(), options, shown));
        }
        let mut first = reports.remove(0);
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
        if !reports.is_empty() {
            first.diagnostics.push(Diagnostic {
                code: "several_products",
                text: format!(
                    "{} products in one text; the others are under more_products",
                    reports.len() + 1
                ),
            });
        }
        first.more_products = reports;
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
        may_contain: &mut bool,
    ) {
        let hits = &hits[piece.hits.0..piece.hits.1];
        // The common case: one or more known names and punctuation, nothing else.
        if piece.marks & (parse::LETTERS | parse::COLON | parse::PARENTHESIS | parse::PLUS) == 0
            && !hits.is_empty()
        {
            let product = products.last_mut().expect("one product at least");
            let position = product.next_position(*may_contain);
            let raw = &text[piece.start..piece.end];
            product.resolved.push(Resolved {
                term: hits[0].term,
                position,
                percent: if piece.marks & parse::PERCENT != 0 {
                    parse::percent(raw)
                } else {
                    None
                },
            });
            return;
        }
        let mut start = piece.start;
        // A label ends at a colon outside names: "Ingredients:", "May contain:", prose.
        let colon = if piece.marks & parse::COLON != 0 {
            colon_outside(text, piece, hits)
        } else {
            None
        };
        if let Some(colon) = colon {
            let label = text[piece.start..colon].trim();
            let lower = label.to_ascii_lowercase();
            let product = products.last_mut().expect("one product at least");
            if MAY_CONTAIN.iter().any(|m| lower.contains(m)) {
                *may_contain = true;
            } else if PRODUCT_LABELS.iter().any(|l| lower.contains(l)) {
                if product.positions > 0 || !product.unknown.is_empty() {
                    products.push(Product::default());
                }
                *may_contain = false;
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
            } else if !label.is_empty() {
                product.diagnostics.push(Diagnostic {
                    code: "prose_ignored",
                    text: format!("ignored \"{label}\""),
                });
            }
            start = colon + 1;
        } else {
            let rest = text[piece.start..piece.end].trim_start();
            if let Some(marker) = MAY_CONTAIN
                .iter()
                .find(|m| starts_with_ignore_case(rest, m))
            {
                *may_contain = true;
                start = piece.end - rest.len() + marker.len();
            }
        }
        let first = hits.partition_point(|h| h.start < start);
        let hits = &hits[first..];
        let raw = &text[start..piece.end];
        let trimmed = trim_item(raw);
        if trimmed.is_empty() {
            return;
        }
        let product = products.last_mut().expect("one product at least");
        let resolved = self
            .resolve(text, start, piece.end, hits)
            .or_else(|| self.lexicon.find_squashed(trimmed));
        if let Some(term) = resolved {
            let position = product.next_position(*may_contain);
            product.resolved.push(Resolved {
                term,
                position,
                percent: parse::percent(raw),
            });
            return;
        }
        let words = trimmed.split_whitespace().count();
        let prose = words >= 3
            && trimmed
                .split_whitespace()
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
            let position = product.next_position(*may_contain);
            product.unknown.push(Unknown {
                name: trimmed.to_string(),
                suggestion: None,
                position,
            });
        }
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
                if letters && !self.qualifiers.iter().any(|q| q.eq_ignore_ascii_case(word)) {
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

    fn report(&self, product: Product, options: &Options<'_>, shown: u64) -> Report<'_> {
        let lexicon = &self.lexicon;
        let avoid = options.profile.map_or(&[][..], |p| p.avoid.as_slice());
        let mut ingredients = Vec::with_capacity(product.resolved.len());
        let mut actives: Vec<FoundActive<'_>> = Vec::new();
        let mut flags: Vec<Flag<'_>> = Vec::new();
        let mut seen_flags: Vec<(u32, u64)> = Vec::new();
        for item in &product.resolved {
            let term = &lexicon.terms[item.term as usize];
            ingredients.push(Ingredient {
                inci: &term.display,
                position: item.position,
                percent: item.percent,
                may_contain: item.position.is_none(),
            });
            if let (Some(family), Some(position)) = (lexicon.family_of(term), item.position) {
                let weak = term
                    .active
                    .is_some_and(|i| self.actives[usize::from(i)].weak)
                    && position > self.weak_position
                    && item.percent.is_none();
                if !weak && !actives.iter().any(|a| a.inci == *term.display) {
                    actives.push(FoundActive {
                        id: Cow::Borrowed(&term.id),
                        family,
                        inci: Cow::Borrowed(&term.display),
                        position,
                        percent: item.percent,
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
                            inci: &term.display,
                            text: Cow::Borrowed(&rule.text),
                        });
                    }
                }
            }
            if let Some(entry) = self.avoided(term, avoid) {
                if !flags
                    .iter()
                    .any(|f| f.code == "avoid" && f.inci == &*term.display)
                {
                    flags.push(Flag {
                        code: "avoid",
                        inci: &term.display,
                        text: Cow::Owned(format!("on your avoid list ({entry})")),
                    });
                }
            }
        }
        // A name the dictionary lacks can still show its family ("palmitoyl tripeptide-38").
        for entry in &product.unknown {
            let Some(position) = entry.position else {
                continue;
            };
            let upper = entry.name.to_ascii_uppercase();
            let rule = self
                .family_rules
                .iter()
                .find(|r| r.contains.iter().any(|c| upper.contains(c.as_str())));
            if let Some(rule) = rule {
                actives.push(FoundActive {
                    id: Cow::Owned(snake_case(&upper)),
                    family: &rule.family,
                    inci: Cow::Owned(entry.name.clone()),
                    position,
                    percent: None,
                });
            }
        }
        actives.sort_by_key(|a| a.position);
        let mut unknown = product.unknown;
        if options.suggest {
            for entry in &mut unknown {
                entry.suggestion = self.suggestion(&entry.name);
            }
        }
        let (kind, mask_type) = kind::classify(self, options.name, &product.resolved);
        Report {
            name: options.name.map(str::to_string),
            kind,
            mask_type,
            actives,
            flags,
            unknown,
            diagnostics: product.diagnostics,
            ingredients,
            more_products: Vec::new(),
        }
    }

    fn avoided<'o>(&self, term: &Term, avoid: &'o [String]) -> Option<&'o str> {
        if avoid.is_empty() {
            return None;
        }
        let name = normalize(&term.name).replace(' ', "_");
        let family = self.lexicon.family_of(term);
        avoid
            .iter()
            .find(|entry| {
                let entry = normalize(entry).replace(' ', "_");
                entry == name
                    || family == Some(entry.as_str())
                    || (!term.id.is_empty() && *term.id == *entry)
                    || self.lexicon.flags.iter().enumerate().any(|(bit, f)| {
                        term.flags & (1 << bit) != 0
                            && (f.code == entry || f.code.starts_with(&format!("{entry}_")))
                    })
            })
            .map(String::as_str)
    }

    /// The nearest known INCI name to a misspelt one.
    pub fn suggestion(&self, name: &str) -> Option<String> {
        let index = self
            .suggest
            .get_or_init(|| SuggestIndex::build(&self.lexicon.patterns));
        let query = normalize(name);
        let pattern = index.suggest(&self.lexicon.patterns, &query)?;
        let term = self.lexicon.term_of_pattern(pattern as usize);
        Some(self.lexicon.terms[term as usize].name.to_string())
    }

    fn term(&self, index: u32) -> &Term {
        &self.lexicon.terms[index as usize]
    }
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

/// The item without surrounding spaces, quotes, footnote stars and stray punctuation.
fn trim_item(text: &str) -> &str {
    let trimmable = |b: &u8| b.is_ascii_whitespace() || b"'\"*.-+#_=~`^".contains(b);
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
