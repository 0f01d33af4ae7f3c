//! The avoid list: each entry a person writes ("lavender", "vitamin A", "retinoids",
//! "Linalool", "fragrance", "clay") is read once into what it means (an ingredient, a
//! family, a flag, a group of ingredients, a mask type, a planner active, or the
//! ingredients whose names contain its words), and that one meaning is what the
//! planner, the analyzer, the shelf and the pages use. An entry that means nothing is
//! kept, with the nearest names regimen knows, so that it can be said next to the field.

use crate::analyzer::lexicon::{normalize, Lexicon, NameBits};
use crate::analyzer::Analyzer;
use crate::knowledge::{Active, Knowledge, MaskType};
use serde::Serialize;

/// An avoid list, read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AvoidList {
    entries: Vec<AvoidEntry>,
}

/// One entry and what it means.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AvoidEntry {
    /// As the person wrote it (trimmed, lower case).
    pub text: String,
    /// What it means; empty when regimen knows nothing by that name.
    pub meanings: Vec<Meaning>,
    /// For an entry that means nothing: the nearest names regimen knows.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nearest: Vec<String>,
    /// For an entry that looks like a misspelling of a name regimen knows
    /// ("lavander"): that name, whose meaning is left out too, to be safe.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub read_as: Vec<String>,
    #[serde(skip)]
    matcher: Matcher,
}

/// One thing an entry means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Meaning {
    /// An INCI ingredient (or one of its label spellings).
    Ingredient {
        /// Its INCI name.
        inci: String,
    },
    /// An active family, at any level.
    Family {
        /// Family id.
        id: String,
    },
    /// Everything a flag marks.
    Flag {
        /// Flag code.
        code: String,
    },
    /// A group named by plain words ("lavender", "parabens").
    Group {
        /// Group id.
        id: String,
    },
    /// A mask type.
    MaskType {
        /// Mask type id.
        id: String,
    },
    /// A serum the planner could choose.
    Active {
        /// Active id.
        id: String,
    },
    /// Every ingredient whose name contains these words.
    Words {
        /// The words.
        words: String,
        /// How many dictionary names contain them.
        names: usize,
    },
}

/// What an entry matches, ready to test.
#[derive(Debug, Clone, Default, PartialEq)]
struct Matcher {
    terms: Vec<u32>,
    families: Vec<String>,
    flags: u64,
    groups: u64,
    mask_types: Vec<String>,
    actives: Vec<String>,
    /// Word sequences (upper case) that a dictionary name must contain.
    name_words: Vec<Vec<String>>,
    /// Word sequences (lower case) that an unknown name must contain.
    plain_words: Vec<Vec<String>>,
}

/// The words of a text for comparing plain names: ASCII, lower case, `_` and `-` as spaces.
fn plain(text: &str) -> Vec<String> {
    normalize(text)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether `words` occurs in `text` as a run of whole words.
fn contains_words(text: &[String], words: &[String]) -> bool {
    !words.is_empty() && text.windows(words.len()).any(|w| w == words)
}

impl AvoidEntry {
    /// What the person should know about this entry, if anything: that regimen knows
    /// nothing by that name (with the nearest names it knows), or that it is no
    /// ingredient's name and stands for the names that contain its words.
    pub fn note(&self) -> Option<String> {
        if !self.read_as.is_empty() {
            return Some(format!(
                "\"{}\" looks like a misspelling of \"{}\", so {} {} left out too, to be safe. If you meant something else, change the entry.",
                self.text,
                self.read_as.join("\", \""),
                self.read_as.join(" and "),
                if self.read_as.len() == 1 { "is" } else { "are" },
            ));
        }
        if self.meanings.is_empty() {
            let nearest = if self.nearest.is_empty() {
                String::new()
            } else {
                format!(" Did you mean: {}?", self.nearest.join(", "))
            };
            return Some(format!(
                "Nothing regimen knows is called \"{}\", so nothing is left out for it.{nearest}",
                self.text
            ));
        }
        self.meanings.iter().find_map(|meaning| match meaning {
            Meaning::Words { words, names } => Some(if *names == 1 {
                format!(
                    "No ingredient is called \"{}\"; the one whose name contains \"{words}\" is left out.",
                    self.text
                )
            } else {
                format!(
                    "No ingredient is called \"{}\"; the {names} whose names contain \"{words}\" are left out.",
                    self.text
                )
            }),
            _ => None,
        })
    }

    /// Whether regimen knows nothing by this entry.
    pub fn is_unknown(&self) -> bool {
        self.meanings.is_empty()
    }
}

impl AvoidList {
    /// Reads every entry of an avoid list.
    pub fn parse(knowledge: &Knowledge, analyzer: &Analyzer, entries: &[String]) -> AvoidList {
        AvoidList {
            entries: entries
                .iter()
                .map(|entry| read_entry(knowledge, analyzer, entry))
                .filter(|entry| !entry.text.is_empty())
                .collect(),
        }
    }

    /// The entries, in the person's order.
    pub fn entries(&self) -> &[AvoidEntry] {
        &self.entries
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the person should look at the list again before it is kept: an entry
    /// means nothing, or was read as a misspelling of another name.
    pub fn needs_checking(&self) -> bool {
        self.entries
            .iter()
            .any(|e| e.meanings.is_empty() || !e.read_as.is_empty())
    }

    /// Entries regimen knows nothing by.
    pub fn unknown(&self) -> impl Iterator<Item = &AvoidEntry> {
        self.entries.iter().filter(|e| e.meanings.is_empty())
    }

    /// The entry that avoids a dictionary ingredient, if any.
    pub fn term_entry(&self, lexicon: &Lexicon, term: u32) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.matcher.term(lexicon, term))
            .map(|e| e.text.as_str())
    }

    /// The entry that avoids an ingredient the dictionary does not know: by its words,
    /// or by the flags and groups its name belongs to (`Lexicon::name_bits`: "essential
    /// oils" avoids "Eucalyptus Globulus Oil").
    pub fn name_entry(&self, name: &str, bits: &NameBits) -> Option<&str> {
        let (flags, groups) = (bits.flags, bits.groups);
        let words = plain(name);
        self.entries
            .iter()
            .find(|e| {
                e.matcher.flags & flags != 0
                    || e.matcher.groups & groups != 0
                    || e.matcher
                        .plain_words
                        .iter()
                        .any(|w| contains_words(&words, w))
            })
            .map(|e| e.text.as_str())
    }

    /// The entry that avoids a family.
    pub fn family_entry(&self, family: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.matcher.families.iter().any(|f| f == family))
            .map(|e| e.text.as_str())
    }

    /// The entry that leaves out a serum the planner could choose: by its id, its
    /// family, or an ingredient it stands for.
    pub fn active_entry(&self, lexicon: &Lexicon, active: &Active) -> Option<&str> {
        let terms: Vec<u32> = active
            .ingredients
            .iter()
            .filter_map(|inci| lexicon.find(inci))
            .collect();
        self.entries
            .iter()
            .find(|e| {
                e.matcher.actives.contains(&active.id)
                    || e.matcher.families.contains(&active.family)
                    || terms.iter().any(|t| e.matcher.term(lexicon, *t))
            })
            .map(|e| e.text.as_str())
    }

    /// The entry that leaves out a mask type: by its id or name, or a family its masks
    /// usually carry.
    pub fn mask_entry(&self, mask: &MaskType) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| {
                e.matcher.mask_types.contains(&mask.id)
                    || mask.families.iter().any(|f| e.matcher.families.contains(f))
            })
            .map(|e| e.text.as_str())
    }
}

impl Matcher {
    fn term(&self, lexicon: &Lexicon, index: u32) -> bool {
        let term = lexicon.term(index);
        self.terms.contains(&index)
            || term.flags & self.flags != 0
            || term.groups & self.groups != 0
            || lexicon
                .family_of(&term)
                .is_some_and(|f| self.families.iter().any(|x| x == f))
            || (!self.name_words.is_empty() && {
                let words: Vec<String> = term
                    .name
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                self.name_words.iter().any(|w| contains_words(&words, w))
            })
    }
}

/// Reads one entry; an entry that names no family, flag, group, mask type, active or
/// ingredient but is one or two letters away from a word that does ("lavander",
/// "fragance") also means that word: an avoid list errs on the side of leaving out.
fn read_entry(knowledge: &Knowledge, analyzer: &Analyzer, entry: &str) -> AvoidEntry {
    let mut read = read_exact(knowledge, analyzer, entry);
    let named = read
        .meanings
        .iter()
        .any(|m| !matches!(m, Meaning::Words { .. }));
    if named || read.text.len() < 4 {
        return read;
    }
    let allowed = if read.text.len() >= 7 { 2 } else { 1 };
    let mut best: Vec<(usize, String)> = vocabulary(knowledge, analyzer)
        .into_iter()
        .filter(|word| *word != read.text)
        .map(|word| (strsim::damerau_levenshtein(&read.text, &word), word))
        .filter(|(distance, _)| *distance <= allowed)
        .collect();
    let Some(closest) = best.iter().map(|(d, _)| *d).min() else {
        return read;
    };
    best.retain(|(d, _)| *d == closest);
    best.sort();
    best.dedup();
    for (_, word) in best {
        let other = read_exact(knowledge, analyzer, &word);
        if other.meanings.is_empty() {
            continue;
        }
        read.meanings.extend(other.meanings);
        read.matcher.merge(other.matcher);
        read.read_as.push(word);
    }
    if !read.read_as.is_empty() {
        read.nearest.clear();
    }
    read
}

impl Matcher {
    fn merge(&mut self, other: Matcher) {
        self.terms.extend(other.terms);
        self.families.extend(other.families);
        self.flags |= other.flags;
        self.groups |= other.groups;
        self.mask_types.extend(other.mask_types);
        self.actives.extend(other.actives);
        self.name_words.extend(other.name_words);
        self.plain_words.extend(other.plain_words);
    }
}

/// Reads one entry as written.
fn read_exact(knowledge: &Knowledge, analyzer: &Analyzer, entry: &str) -> AvoidEntry {
    let text = normalize(entry);
    let lexicon = analyzer.lexicon();
    let words = plain(&text);
    // The entry, and the entry in the singular ("retinoids", "parabens").
    let mut forms = vec![words.clone()];
    if let Some(last) = words.last().filter(|w| w.len() > 3 && w.ends_with('s')) {
        let mut singular = words.clone();
        let len = singular.len();
        singular[len - 1] = last[..last.len() - 1].to_string();
        forms.push(singular);
    }
    let says = |phrase: &str| {
        let phrase = plain(phrase);
        !phrase.is_empty() && forms.contains(&phrase)
    };
    let mut meanings = Vec::new();
    let mut matcher = Matcher::default();
    if !words.is_empty() {
        matcher.plain_words.push(words.clone());
    }
    for family in &knowledge.families {
        let name = family.name.split(" (").next().unwrap_or(&family.name);
        if says(&family.id) || says(name) || family.words.iter().any(|w| says(w)) {
            meanings.push(Meaning::Family {
                id: family.id.clone(),
            });
            matcher.families.push(family.id.clone());
            matcher
                .plain_words
                .extend(family.words.iter().map(|w| plain(w)));
        }
    }
    for (bit, flag) in lexicon.flags.iter().enumerate() {
        if says(&flag.code) || flag.words.iter().any(|w| says(w)) {
            meanings.push(Meaning::Flag {
                code: flag.code.clone(),
            });
            matcher.flags |= 1 << bit;
            matcher
                .plain_words
                .extend(flag.words.iter().map(|w| plain(w)));
        }
    }
    for (bit, group) in lexicon.groups.iter().enumerate() {
        if says(&group.id) || group.words.iter().any(|w| says(w)) {
            meanings.push(Meaning::Group {
                id: group.id.clone(),
            });
            matcher.groups |= 1 << bit;
            matcher
                .plain_words
                .extend(group.words.iter().map(|w| plain(w)));
        }
    }
    for mask in &knowledge.mask_types {
        let named = says(&mask.id)
            || says(&mask.name)
            || says(&format!("{} mask", mask.id))
            || says(&format!("{} masks", mask.id));
        if named {
            meanings.push(Meaning::MaskType {
                id: mask.id.clone(),
            });
            matcher.mask_types.push(mask.id.clone());
        }
    }
    for active in &knowledge.actives {
        let short = active.name.split(" (").next().unwrap_or(&active.name);
        if says(&active.id) || says(&active.name) || says(short) {
            meanings.push(Meaning::Active {
                id: active.id.clone(),
            });
            matcher.actives.push(active.id.clone());
            matcher
                .terms
                .extend(active.ingredients.iter().filter_map(|i| lexicon.find(i)));
        }
    }
    let term = lexicon.find(&text).or_else(|| lexicon.find_squashed(&text));
    if let Some(term) = term {
        meanings.push(Meaning::Ingredient {
            inci: lexicon.term(term).display.to_string(),
        });
        matcher.terms.push(term);
    }
    if meanings.is_empty() && !words.is_empty() {
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let names = lexicon
            .names()
            .filter(|t| {
                let name: Vec<String> = t
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                contains_words(&name, &upper)
            })
            .count();
        if names > 0 {
            meanings.push(Meaning::Words {
                words: words.join(" "),
                names,
            });
            matcher.name_words.push(upper);
        }
    }
    let nearest = if meanings.is_empty() {
        nearest(knowledge, analyzer, &text)
    } else {
        Vec::new()
    };
    AvoidEntry {
        text,
        meanings,
        nearest,
        read_as: Vec::new(),
        matcher,
    }
}

/// The names regimen knows that are nearest to an unknown entry: words of families,
/// flags, groups, mask types and actives, and the nearest INCI name.
fn nearest(knowledge: &Knowledge, analyzer: &Analyzer, text: &str) -> Vec<String> {
    let mut scored: Vec<(f64, String)> = vocabulary(knowledge, analyzer)
        .into_iter()
        .map(|word| (strsim::normalized_damerau_levenshtein(text, &word), word))
        .filter(|(score, _)| *score >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut nearest: Vec<String> = Vec::new();
    for (_, word) in scored {
        if !nearest.contains(&word) && nearest.len() < 3 {
            nearest.push(word);
        }
    }
    if let Some(inci) = analyzer.suggestion(text) {
        let inci = inci.to_lowercase();
        if !nearest.contains(&inci) {
            nearest.push(inci);
        }
    }
    nearest
}

/// The plain words regimen knows: of families, flags, groups, mask types and actives.
fn vocabulary(knowledge: &Knowledge, analyzer: &Analyzer) -> Vec<String> {
    let lexicon = analyzer.lexicon();
    let mut vocabulary: Vec<String> = Vec::new();
    for family in &knowledge.families {
        vocabulary.push(family.id.replace('_', " "));
        vocabulary.extend(family.words.iter().cloned());
    }
    for flag in &lexicon.flags {
        vocabulary.extend(flag.words.iter().cloned());
    }
    for group in &lexicon.groups {
        vocabulary.extend(group.words.iter().cloned());
    }
    for mask in &knowledge.mask_types {
        vocabulary.push(mask.name.to_lowercase());
    }
    for active in &knowledge.actives {
        vocabulary.push(
            active
                .name
                .split(" (")
                .next()
                .unwrap_or(&active.name)
                .to_lowercase(),
        );
    }
    vocabulary
}
