//! The lexicon: every name the analyzer can recognise (the CosIng dictionary, curated
//! actives and label synonyms) with its spellings and one Aho-Corasick automaton over
//! them, in the spelling image (image.rs: made ahead of time for the shipped knowledge,
//! read in place); and what the curated knowledge says each name is (its family, flags
//! and groups), worked out once per name, when the name is first met.

use super::cuts::Cuts;
use super::image::{self, Automaton, Image, ImageError};
use super::spelling::{canonical, is_single_spaced};
pub use super::spelling::{display_name, normalize};
use super::suggest::SuggestIndex;
use crate::knowledge::{FlagRule, GroupRule, IngredientKnowledge};
use aho_corasick::AhoCorasick;
use std::borrow::Cow;
use std::sync::OnceLock;
// foldhash: the name rules' exact names are looked up for every name the dictionary lacks.
use foldhash::{HashMap, HashMapExt};

/// One recognised ingredient: its names from the image, what the knowledge says it is.
#[derive(Debug, Clone, Copy)]
pub struct Term<'a> {
    /// The canonical name, as CosIng spells it (upper case).
    pub name: &'a str,
    /// The name for people ("Ascorbic Acid").
    pub display: &'a str,
    /// The ingredient id for actives (`ascorbic_acid`), set with the family.
    pub id: &'a str,
    /// CosIng function codes as bits (`1 << (letter - 'A')`).
    pub codes: u32,
    /// Index into the curated actives, for actives.
    pub active: Option<u16>,
    /// Index into [`Lexicon::families`].
    pub family: Option<u16>,
    /// Index into [`Lexicon::classes`].
    pub class: Option<u16>,
    /// Bits of [`Lexicon::flags`].
    pub flags: u64,
    /// Bits of [`Lexicon::groups`].
    pub groups: u64,
    /// Used at 1% or less: an active listed after it is a trace.
    pub marker: bool,
}

impl Term<'_> {
    /// Whether the term carries a CosIng function code (a letter of data/cosing/inci.tsv).
    pub fn has_code(&self, code: u8) -> bool {
        code.is_ascii_uppercase() && self.codes & (1 << (code - b'A')) != 0
    }
}

/// What the curated knowledge says a term is.
#[derive(Debug, Clone, Default)]
struct Meaning {
    id: Box<str>,
    active: Option<u16>,
    family: Option<u16>,
    class: Option<u16>,
    flags: u64,
    groups: u64,
    marker: bool,
}

/// The lexicon and its automaton.
#[derive(Debug, Clone)]
pub struct Lexicon {
    image: Image,
    /// Family ids referenced by terms.
    pub families: Vec<String>,
    /// Flag rules, by bit.
    pub flags: Vec<FlagRule>,
    /// Groups named by plain words, by bit.
    pub groups: Vec<GroupRule>,
    /// Class names referenced by terms.
    pub classes: Vec<String>,
    /// The curated actives' terms, with the active, family, class and id they give.
    actives: HashMap<u32, Meaning>,
    /// The family rules in file order: (family, class, CosIng codes).
    family_rules: Vec<(u16, Option<u16>, Vec<u8>)>,
    marker_codes: Vec<u8>,
    marker_flags: u64,
    /// Each term's meaning, worked out when the term is first met (boxed: most terms
    /// are never met, and an empty place is two words).
    meanings: Box<[OnceLock<Box<Meaning>>]>,
    /// Where a text can be cut into pieces searched apart.
    cuts: Cuts,
    name_rules: NameRules,
}

/// Why the lexicon could not be built.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// A line of the dictionary is malformed.
    #[error("dictionary line {line}: {message}")]
    Dictionary {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Too many flags or groups for the bit set.
    #[error("at most 64 flags, 64 groups and 64 family rules are supported, found {0}")]
    TooManyFlags(usize),
    /// The automaton could not be built.
    #[error("building the matcher: {0}")]
    Automaton(String),
}

impl From<ImageError> for LexiconError {
    fn from(error: ImageError) -> LexiconError {
        match error {
            ImageError::Dictionary(line, message) => LexiconError::Dictionary { line, message },
            ImageError::Automaton(message) => LexiconError::Automaton(message),
            ImageError::Damaged => LexiconError::Automaton("the spelling image is damaged".into()),
        }
    }
}

/// The matcher over every spelling: leftmost-longest over lower-case ASCII text, each
/// match valued by its pattern's id; the image's automaton, searched in place.
#[derive(Clone, Copy)]
pub struct Matcher<'a> {
    automaton: Automaton<'a>,
    prebuilt: bool,
    cuts: &'a Cuts,
}

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/lexicon.rs"));
}

/// The spelling image build.rs made of the shipped dictionary and knowledge: its
/// strings and its tables.
static SHIPPED_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon.txt"));
static SHIPPED_TABLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/lexicon.bin"));

/// The suggestion index build.rs made of the same spellings.
static SHIPPED_SUGGESTIONS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/suggest.bin"));

/// The curated names the image holds: each active's and each synonym entry's name
/// with its further spellings, in file order (build.rs reads the same from the file).
pub fn curated_names(curated: &IngredientKnowledge) -> Vec<(String, Vec<String>)> {
    let actives = curated.active.iter().map(|a| (&a.inci, &a.synonyms));
    let synonyms = curated.synonym.iter().map(|s| (&s.inci, &s.synonyms));
    actives
        .chain(synonyms)
        .map(|(name, spellings)| (name.clone(), spellings.clone()))
        .collect()
}

impl<'a> Matcher<'a> {
    /// Every match in `lower` (lower-case ASCII): `(start, end, pattern id)`,
    /// leftmost-longest, not overlapping. One pass of the automaton over the text.
    pub fn find_iter(self, lower: &'a str) -> impl Iterator<Item = (usize, usize, u32)> + 'a {
        self.automaton.find_iter(lower.as_bytes())
    }

    /// Whether this is the matcher made ahead of time (not one built at run time).
    pub fn is_prebuilt(&self) -> bool {
        self.prebuilt
    }

    /// Bytes of memory it holds beside the image (the cut tables).
    pub fn heap_bytes(&self) -> usize {
        self.cuts.heap_bytes()
    }
}

impl Lexicon {
    /// The suggestion index of its spellings: the one build.rs made when the image is
    /// the shipped one (the same spellings), else one built now.
    pub(super) fn suggest_index(&self) -> SuggestIndex {
        self.image
            .is_static()
            .then(|| SuggestIndex::from_static(SHIPPED_SUGGESTIONS))
            .flatten()
            .unwrap_or_else(|| SuggestIndex::build(&self.patterns()))
    }

    /// Every spelling, in sorted order (a pattern's id is its place here).
    pub fn patterns(&self) -> Vec<&str> {
        (0..self.image.patterns() as u32)
            .map(|p| self.image.pattern(p))
            .collect()
    }

    /// A spelling by its pattern id.
    pub fn pattern(&self, pattern: u32) -> &str {
        self.image.pattern(pattern)
    }

    /// Builds the lexicon from the dictionary text (data/cosing/inci.tsv) and the
    /// curated ingredient knowledge: the shipped image when they are the shipped ones
    /// (`shipped_dictionary`: the text is the one in the binary), else one made now.
    pub fn build(
        dictionary: &str,
        shipped_dictionary: bool,
        curated: &IngredientKnowledge,
    ) -> Result<Lexicon, LexiconError> {
        if curated.flag.len() > 64 || curated.group.len() > 64 {
            return Err(LexiconError::TooManyFlags(
                curated.flag.len().max(curated.group.len()),
            ));
        }
        let names = curated_names(curated);
        let shipped =
            shipped_dictionary && image::names_fingerprint(&names) == shipped::NAMES_FINGERPRINT;
        let image = match shipped {
            true => Image::read(Cow::Borrowed(SHIPPED_TEXT), Cow::Borrowed(SHIPPED_TABLES))?,
            false => image::make(dictionary, &names)?,
        };
        let cuts = Cuts::of((0..image.patterns() as u32).map(|p| image.pattern(p).as_bytes()));
        let mut lexicon = Lexicon {
            meanings: (0..image.terms()).map(|_| OnceLock::new()).collect(),
            image,
            families: Vec::new(),
            flags: curated.flag.clone(),
            groups: curated.group.clone(),
            classes: Vec::new(),
            actives: HashMap::with_capacity(curated.active.len()),
            family_rules: Vec::new(),
            marker_codes: Vec::new(),
            marker_flags: 0,
            cuts,
            name_rules: NameRules::empty(),
        };
        for (index, active) in curated.active.iter().enumerate() {
            let Some(term) = lexicon.find(&active.inci) else {
                continue;
            };
            let family = lexicon.family_index(&active.family);
            let class = active.class.as_deref().map(|c| lexicon.class_index(c));
            // The last active of a name gives it its meaning.
            lexicon.actives.insert(
                term,
                Meaning {
                    id: active.id.as_str().into(),
                    active: u16::try_from(index).ok(),
                    family: Some(family),
                    class,
                    ..Meaning::default()
                },
            );
        }
        // The family rules in file order: a name takes the family of the first rule it meets.
        lexicon.family_rules = curated
            .family_rule
            .iter()
            .map(|rule| {
                let family = lexicon.family_index(&rule.family);
                let class = rule.class.as_deref().map(|c| lexicon.class_index(c));
                let codes = rule.codes.iter().filter_map(|c| c.bytes().next()).collect();
                (family, class, codes)
            })
            .collect();
        lexicon.name_rules = NameRules::new(curated, &lexicon)?;
        let markers = &curated.one_percent_line;
        lexicon.marker_codes = markers
            .codes
            .iter()
            .filter_map(|c| c.bytes().next())
            .collect();
        lexicon.marker_flags = curated
            .flag
            .iter()
            .enumerate()
            .filter(|(_, f)| markers.flags.contains(&f.code))
            .fold(0, |bits, (bit, _)| bits | 1 << bit);
        Ok(lexicon)
    }

    /// What the knowledge says term `index` is: an active's family, else the first
    /// family rule its name or codes meet; its flags and groups by name, family and
    /// class; whether it marks the 1% line.
    fn meaning(&self, index: u32) -> Meaning {
        let name = self.image.name(index);
        let codes = self.image.codes(index);
        let has_code = |c: u8| c.is_ascii_uppercase() && codes & (1 << (c - b'A')) != 0;
        let held = self.name_rules.held(index, name);
        let mut meaning = Meaning::default();
        if let Some(active) = self.actives.get(&index) {
            meaning = active.clone();
        } else {
            let by_code = self
                .family_rules
                .iter()
                .enumerate()
                .filter(|(_, (_, _, codes))| codes.iter().any(|c| has_code(*c)))
                .fold(0u64, |bits, (bit, _)| bits | 1 << bit);
            let first = (held.rules | by_code).trailing_zeros() as usize;
            if let Some(&(family, class, _)) = self.family_rules.get(first) {
                meaning.family = Some(family);
                meaning.class = class;
                meaning.id = snake_case(name).into();
            }
        }
        let held = held.with(self.name_rules.of_family(meaning.family, meaning.class));
        meaning.flags = held.flags;
        meaning.groups = held.groups;
        // Actives never mark the line: salicylic acid is also a preservative.
        meaning.marker = meaning.family.is_none()
            && (held.flags & self.marker_flags != 0
                || self.marker_codes.iter().any(|c| has_code(*c))
                || held.marker);
        meaning
    }

    /// A term by its index.
    pub fn term(&self, index: u32) -> Term<'_> {
        let meaning = self.meanings[index as usize].get_or_init(|| Box::new(self.meaning(index)));
        Term {
            name: self.image.name(index),
            display: self.image.display(index),
            id: &meaning.id,
            codes: self.image.codes(index),
            active: meaning.active,
            family: meaning.family,
            class: meaning.class,
            flags: meaning.flags,
            groups: meaning.groups,
            marker: meaning.marker,
        }
    }

    /// How many terms.
    pub fn terms(&self) -> usize {
        self.image.terms()
    }

    /// Every term's canonical name, in term order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.image.terms() as u32).map(|t| self.image.name(t))
    }

    fn class_index(&mut self, class: &str) -> u16 {
        match self.classes.iter().position(|c| c == class) {
            Some(index) => index as u16,
            None => {
                self.classes.push(class.to_string());
                (self.classes.len() - 1) as u16
            }
        }
    }

    fn family_index(&mut self, family: &str) -> u16 {
        match self.families.iter().position(|f| f == family) {
            Some(index) => index as u16,
            None => {
                self.families.push(family.to_string());
                (self.families.len() - 1) as u16
            }
        }
    }

    /// The matcher over every spelling.
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher {
            automaton: self.image.automaton(),
            prebuilt: self.image.is_static(),
            cuts: &self.cuts,
        }
    }

    /// The same matches as [`Matcher::find_iter`], in the same order, found piece by
    /// piece: the text is cut where no spelling can cover the separator, and a piece
    /// that is one whole spelling (once spaces and quotes are trimmed) is looked up, not
    /// searched.
    pub fn find_each(&self, lower: &str, mut each: impl FnMut(usize, usize, u32)) {
        let cuts = &self.cuts;
        let bytes = lower.as_bytes();
        let mut start = 0;
        loop {
            let cut = cuts.next(bytes, start);
            self.find_in(lower, start, cut, &mut each);
            if cut == bytes.len() {
                return;
            }
            start = cut + 1;
        }
    }

    /// The matches in `lower[start..end]`, a piece between cuts.
    fn find_in(
        &self,
        lower: &str,
        start: usize,
        end: usize,
        each: &mut impl FnMut(usize, usize, u32),
    ) {
        let (first, last) = self.cuts.trimmed(lower.as_bytes(), start, end);
        if first == last {
            return;
        }
        if let Some(pattern) = self.image.whole(&lower.as_bytes()[first..last]) {
            each(first, last, pattern);
            return;
        }
        let piece = &lower.as_bytes()[start..end];
        for (from, to, pattern) in self.image.automaton().find_iter(piece) {
            each(start + from, start + to, pattern);
        }
    }

    /// The term a pattern id stands for.
    pub fn term_of_pattern(&self, pattern: usize) -> u32 {
        self.image.pattern_term(pattern as u32)
    }

    /// A term by canonical name (any case).
    pub fn find(&self, name: &str) -> Option<u32> {
        self.image.term_named(&canonical(name))
    }

    /// A term whose spelling equals `text` once spaces, hyphens and punctuation are
    /// dropped ("polysorbate-20" is POLYSORBATE 20, "ethylhexyl glycerin" ETHYLHEXYLGLYCERIN).
    pub fn find_squashed(&self, text: &str) -> Option<u32> {
        // Squashed on the stack: this runs for every item the automaton did not cover.
        let mut buffer = [0u8; 128];
        let mut len = 0;
        for byte in text.bytes().filter(u8::is_ascii_alphanumeric) {
            if len == buffer.len() {
                return self.image.squashed(image::squash(text).as_bytes());
            }
            buffer[len] = byte.to_ascii_lowercase();
            len += 1;
        }
        if len < 4 {
            return None;
        }
        self.image.squashed(&buffer[..len])
    }

    /// The flags, groups and family rule a name the dictionary lacks belongs to by how it
    /// is written ("Eucalyptus Globulus Oil": an essential oil, by its genus).
    pub fn name_bits(&self, name: &str) -> NameBits {
        // Most names are single-spaced ASCII: put in upper case on the stack.
        let mut buffer = [0u8; 128];
        let held = match buffer.get_mut(..name.len()) {
            Some(upper) if is_single_spaced(name) => {
                upper.copy_from_slice(name.as_bytes());
                upper.make_ascii_uppercase();
                let upper = std::str::from_utf8(upper).unwrap_or(name);
                self.name_rules.held(u32::MAX, upper)
            }
            _ => self.name_rules.held(u32::MAX, &canonical(name)),
        };
        NameBits {
            flags: held.flags,
            groups: held.groups,
            family_rule: (held.rules != 0).then(|| held.rules.trailing_zeros() as usize),
        }
    }

    /// The family id of a term.
    pub fn family_of(&self, term: &Term) -> Option<&str> {
        term.family.map(|f| self.families[usize::from(f)].as_str())
    }

    /// The class of a term.
    pub fn class_of(&self, term: &Term) -> Option<&str> {
        term.class.map(|c| self.classes[usize::from(c)].as_str())
    }

    /// The spelling image (for build.rs's test and the heap figures).
    pub fn image(&self) -> &Image {
        &self.image
    }
}

/// What a name the dictionary lacks belongs to by how it is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameBits {
    /// Bits of the flags ([`Lexicon::flags`]).
    pub flags: u64,
    /// Bits of the groups.
    pub groups: u64,
    /// The first family rule (in file order) with a word in the name.
    pub family_rule: Option<usize>,
}

/// What a name belongs to by how it is written, for every family rule, flag and group at
/// once: exact names (looked up once each), parts of names (one automaton), starts of
/// names as whole words (by first byte), endings (by last byte), the " OIL" names of
/// genera; and, once its family is known, by family and class.
#[derive(Debug, Clone)]
struct NameRules {
    named: HashMap<u32, Held>,
    parts: AhoCorasick,
    part_owners: Vec<Held>,
    prefixes: Vec<Vec<(Box<str>, Held)>>,
    suffixes: Vec<Vec<(Box<str>, Held)>>,
    genera: Vec<Vec<(Box<str>, Held)>>,
    by_family: Vec<Held>,
    by_class: Vec<Held>,
}

/// Bits of family rules, flags and groups, and whether a name marks the 1% line.
#[derive(Debug, Clone, Copy, Default)]
struct Held {
    rules: u64,
    flags: u64,
    groups: u64,
    marker: bool,
}

impl Held {
    fn with(self, other: Held) -> Held {
        Held {
            rules: self.rules | other.rules,
            flags: self.flags | other.flags,
            groups: self.groups | other.groups,
            marker: self.marker || other.marker,
        }
    }
}

impl NameRules {
    fn empty() -> NameRules {
        NameRules {
            named: HashMap::new(),
            parts: AhoCorasick::new::<_, &str>([]).expect("no patterns always build"),
            part_owners: Vec::new(),
            prefixes: vec![Vec::new(); 256],
            suffixes: vec![Vec::new(); 256],
            genera: vec![Vec::new(); 256],
            by_family: Vec::new(),
            by_class: Vec::new(),
        }
    }

    fn new<'a>(
        curated: &'a IngredientKnowledge,
        lexicon: &Lexicon,
    ) -> Result<NameRules, LexiconError> {
        if curated.family_rule.len() > 64 {
            return Err(LexiconError::TooManyFlags(curated.family_rule.len()));
        }
        let mut rules = NameRules {
            named: HashMap::new(),
            parts: AhoCorasick::new(["x"]).map_err(|e| LexiconError::Automaton(e.to_string()))?,
            part_owners: Vec::new(),
            prefixes: vec![Vec::new(); 256],
            suffixes: vec![Vec::new(); 256],
            genera: vec![Vec::new(); 256],
            by_family: vec![Held::default(); lexicon.families.len()],
            by_class: vec![Held::default(); lexicon.classes.len()],
        };
        let mut parts: Vec<&'a str> = Vec::new();
        let mut add_part = |part: &'a str, held: Held, owners: &mut Vec<Held>| match parts
            .iter()
            .position(|p| *p == part)
        {
            Some(i) => owners[i] = owners[i].with(held),
            None => {
                parts.push(part);
                owners.push(held);
            }
        };
        let bit = |i: usize| 1u64 << i;
        for (i, rule) in curated.family_rule.iter().enumerate() {
            let held = Held {
                rules: bit(i),
                ..Held::default()
            };
            for part in &rule.contains {
                add_part(part, held, &mut rules.part_owners);
            }
        }
        let members = curated
            .flag
            .iter()
            .enumerate()
            .map(|(i, f)| {
                (
                    f.members(),
                    Held {
                        flags: bit(i),
                        ..Held::default()
                    },
                )
            })
            .chain(curated.group.iter().enumerate().map(|(i, g)| {
                (
                    g.members(),
                    Held {
                        groups: bit(i),
                        ..Held::default()
                    },
                )
            }));
        let bucket = |buckets: &mut Vec<Vec<(Box<str>, Held)>>,
                      text: &'a str,
                      byte: Option<&u8>,
                      held: Held| {
            if let Some(&byte) = byte {
                buckets[usize::from(byte)].push((text.into(), held));
            }
        };
        for (m, held) in members {
            for term in m.names.iter().filter_map(|n| lexicon.find(n)) {
                let entry = rules.named.entry(term).or_default();
                *entry = entry.with(held);
            }
            for part in m.contains {
                add_part(part, held, &mut rules.part_owners);
            }
            for prefix in m.prefixes {
                bucket(&mut rules.prefixes, prefix, prefix.as_bytes().first(), held);
            }
            for suffix in m.suffixes {
                bucket(&mut rules.suffixes, suffix, suffix.as_bytes().last(), held);
            }
            for genus in m.genera {
                bucket(&mut rules.genera, genus, genus.as_bytes().first(), held);
            }
            for family in m.families {
                if let Some(i) = lexicon.families.iter().position(|f| f == family) {
                    rules.by_family[i] = rules.by_family[i].with(held);
                }
            }
            for class in m.classes {
                if let Some(i) = lexicon.classes.iter().position(|c| c == class) {
                    rules.by_class[i] = rules.by_class[i].with(held);
                }
            }
        }
        let marker = Held {
            marker: true,
            ..Held::default()
        };
        for term in curated
            .one_percent_line
            .names
            .iter()
            .filter_map(|n| lexicon.find(n))
        {
            let entry = rules.named.entry(term).or_default();
            *entry = entry.with(marker);
        }
        // A DFA: it runs over every name the dictionary lacks, in every list.
        rules.parts = AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&parts)
            .map_err(|e| LexiconError::Automaton(e.to_string()))?;
        Ok(rules)
    }

    /// What term `index`, named `name` (canonical: upper case), belongs to by its name.
    fn held(&self, index: u32, name: &str) -> Held {
        let mut held = self.named.get(&index).copied().unwrap_or_default();
        for found in self.parts.find_overlapping_iter(name) {
            held = held.with(self.part_owners[found.pattern().as_usize()]);
        }
        let bytes = name.as_bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return held;
        };
        for (prefix, owner) in &self.prefixes[usize::from(first)] {
            if starts_with_word(name, prefix) {
                held = held.with(*owner);
            }
        }
        for (suffix, owner) in &self.suffixes[usize::from(last)] {
            if name.ends_with(&**suffix) {
                held = held.with(*owner);
            }
        }
        let genus_oil = name.ends_with(" OIL")
            && !["SEED", "KERNEL", "FRUIT", "NUT"]
                .iter()
                .any(|part| name.contains(part));
        if genus_oil {
            for (genus, owner) in &self.genera[usize::from(first)] {
                if starts_with_word(name, genus) {
                    held = held.with(*owner);
                }
            }
        }
        held
    }

    /// What a term of this family and class belongs to by them.
    fn of_family(&self, family: Option<u16>, class: Option<u16>) -> Held {
        let of = |list: &[Held], i: Option<u16>| {
            i.and_then(|i| list.get(usize::from(i)))
                .copied()
                .unwrap_or_default()
        };
        of(&self.by_family, family).with(of(&self.by_class, class))
    }
}

/// Whether `name` starts with `prefix` as a whole word ("LAVANDULA" in "LAVANDULA
/// ANGUSTIFOLIA OIL", not in "LAVANDULAX"); a prefix ending in a space or a hyphen
/// ("CI ", "COCO-") is complete as it is.
pub fn starts_with_word(name: &str, prefix: &str) -> bool {
    if !name.starts_with(prefix) {
        return false;
    }
    let complete = prefix.ends_with([' ', '-']);
    complete
        || name
            .as_bytes()
            .get(prefix.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric())
}

/// "PALMITOYL TRIPEPTIDE-1" -> "palmitoyl_tripeptide_1".
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::SuggestIndex;
    use crate::analyzer::{image, Analyzer, DICTIONARY};
    use crate::Knowledge;

    /// The image build.rs made is the one the shipped dictionary and knowledge make now,
    /// byte for byte; and the suggestion index build.rs made is the one its spellings
    /// make now: every look-up and every suggestion is the same.
    #[test]
    fn the_shipped_image_and_suggestion_index_are_the_ones_made_now() {
        let knowledge = Knowledge::builtin().expect("knowledge");
        let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
        let lexicon = analyzer.lexicon();
        assert!(lexicon.matcher().is_prebuilt());
        assert!(lexicon.image().is_static());
        let made =
            image::make(DICTIONARY, &super::curated_names(&knowledge.ingredients)).expect("image");
        assert!(made.text() == lexicon.image().text(), "the strings");
        assert!(made.bytes() == lexicon.image().bytes(), "the tables");
        let shipped = lexicon.suggest_index();
        assert!(matches!(shipped.to_bytes(), b if std::ptr::eq(b, super::SHIPPED_SUGGESTIONS)));
        let built = SuggestIndex::build(&lexicon.patterns());
        assert!(shipped.to_bytes() == built.to_bytes());
        // Bytes from elsewhere are not taken for an index or an image.
        assert!(SuggestIndex::from_static(b"not an index").is_none());
        assert!(SuggestIndex::from_static(&super::SHIPPED_SUGGESTIONS[..1000]).is_none());
        let cut = &super::SHIPPED_TABLES[..super::SHIPPED_TABLES.len() / 2];
        assert!(image::Image::read(super::SHIPPED_TEXT.into(), cut.into()).is_err());
        let short = &super::SHIPPED_TEXT[..1000];
        assert!(image::Image::read(short.into(), super::SHIPPED_TABLES.into()).is_err());
    }

    /// The automaton searched in place finds exactly what daachorse finds over the same
    /// bytes deserialized: on every spelling alone, on spellings run together, joined by
    /// commas and spaces, cut short, with their letters changed, and on random bytes.
    #[test]
    fn the_automaton_searched_in_place_finds_what_daachorse_finds() {
        use proptest::prelude::*;
        let knowledge = Knowledge::builtin().expect("knowledge");
        let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
        let image = analyzer.lexicon().image();
        let (daachorse, _) =
            daachorse::DoubleArrayAhoCorasick::<u32>::deserialize(image.automaton_bytes())
                .expect("daachorse reads the image's automaton");
        let same = |text: &[u8]| {
            let ours: Vec<_> = image.automaton().find_iter(text).collect();
            let theirs: Vec<_> = daachorse
                .leftmost_find_iter(text)
                .map(|m| (m.start(), m.end(), m.value()))
                .collect();
            assert_eq!(ours, theirs, "{:?}", String::from_utf8_lossy(text));
        };
        let patterns = image.patterns() as u32;
        for p in 0..patterns {
            let spelling = image.pattern(p).as_bytes();
            same(spelling);
            same(&spelling[..spelling.len() / 2]);
        }
        for p in (0..patterns - 3).step_by(7) {
            let [a, b, c] = [p, p + 1, p + 3].map(|i| image.pattern(i));
            same(format!("{a}, {b} ({c}) 1%").as_bytes());
            same(format!("{a}{b}{c}").as_bytes());
            same(format!("x{a} {b}y").replace('a', "e").as_bytes());
        }
        proptest!(ProptestConfig::with_cases(3000), |(picks in prop::collection::vec(0..patterns, 1..6), noise in prop::collection::vec(any::<u8>(), 0..12))| {
            let mut text: Vec<u8> = Vec::new();
            for (i, pick) in picks.iter().enumerate() {
                text.extend_from_slice(image.pattern(*pick).as_bytes());
                text.extend_from_slice(&noise[..noise.len().min(i)]);
            }
            same(&text);
            same(&noise);
        });
    }

    /// Every term's spellings find it, by whole spelling, canonical name and squashed
    /// form; words that are no name find nothing.
    #[test]
    fn the_image_finds_every_spelling_and_nothing_else() {
        let knowledge = Knowledge::builtin().expect("knowledge");
        let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
        let lexicon = analyzer.lexicon();
        let image = lexicon.image();
        assert!(image.terms() > 28_000 && image.patterns() > image.terms());
        for pattern in 0..image.patterns() as u32 {
            assert_eq!(
                image.whole(image.pattern(pattern).as_bytes()),
                Some(pattern)
            );
        }
        for term in 0..image.terms() as u32 {
            assert_eq!(image.term_named(image.name(term)), Some(term));
        }
        let glycerin = lexicon.find("glycerin").expect("glycerin");
        assert_eq!(lexicon.term(glycerin).display, "Glycerin");
        assert_eq!(
            lexicon.find_squashed("Poly-sorbate 20"),
            lexicon.find("POLYSORBATE 20")
        );
        assert_eq!(image.whole(b"glycerinx"), None);
        assert_eq!(lexicon.find("NOT AN INGREDIENT NAME"), None);
        assert_eq!(lexicon.find_squashed("zzzz qqqq"), None);
    }
}
