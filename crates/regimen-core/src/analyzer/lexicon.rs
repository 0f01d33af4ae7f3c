//! The lexicon: every name the analyzer can recognise (the CosIng dictionary, curated
//! actives and label synonyms), each resolved once, at build time, to a term with its
//! family and flags, and one Aho-Corasick automaton over all their spellings.

use super::cuts::Cuts;
pub use super::spelling::normalize;
use super::spelling::{self, canonical, is_single_spaced};
use super::spellings::Spellings;
use super::suggest::SuggestIndex;
use crate::knowledge::{FlagRule, GroupRule, IngredientKnowledge};
use aho_corasick::AhoCorasick;
use daachorse::{DoubleArrayAhoCorasick, DoubleArrayAhoCorasickBuilder, MatchKind};
// foldhash: the names are looked up per item of every list; SipHash cost more than the look-up.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// One recognised ingredient.
#[derive(Debug, Clone)]
pub struct Term {
    /// The canonical name, as CosIng spells it (upper case).
    pub name: Box<str>,
    /// The name for people ("Ascorbic Acid").
    pub display: Box<str>,
    /// The ingredient id for actives (`ascorbic_acid`), set with the family.
    pub id: Box<str>,
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

impl Term {
    /// Whether the term carries a CosIng function code (a letter of data/cosing/inci.tsv).
    pub fn has_code(&self, code: u8) -> bool {
        code.is_ascii_uppercase() && self.codes & (1 << (code - b'A')) != 0
    }
}

/// The lexicon and its automaton.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// All terms; pattern ids map to them through `pattern_term`.
    pub terms: Vec<Term>,
    /// Family ids referenced by terms.
    pub families: Vec<String>,
    /// Flag rules, by bit.
    pub flags: Vec<FlagRule>,
    /// Groups named by plain words, by bit.
    pub groups: Vec<GroupRule>,
    /// Class names referenced by terms.
    pub classes: Vec<String>,
    pattern_term: Vec<u32>,
    /// Lower-case spelling of each pattern, sorted (a pattern's id is its place here).
    pub patterns: Vec<Box<str>>,
    matcher: Matcher,
    by_name: HashMap<Box<str>, u32>,
    squashed: Spellings,
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

/// The matcher over every spelling: leftmost-longest over lower-case ASCII text, each
/// match valued by its pattern's id. The shipped one is built ahead of time (build.rs).
#[derive(Clone)]
pub struct Matcher {
    automaton: DoubleArrayAhoCorasick<u32>,
    prebuilt: bool,
    /// Each spelling's pattern id: a piece that is one whole name is one look-up.
    whole: Spellings,
    /// Where a text can be cut into pieces searched apart.
    cuts: Cuts,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("states", &self.automaton.num_states())
            .field("prebuilt", &self.prebuilt)
            .finish()
    }
}

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/matcher.rs"));
}

/// The matcher build.rs made from the shipped dictionary and knowledge/ingredients.toml.
static SHIPPED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/matcher.bin"));

/// The suggestion index build.rs made of the same spellings.
static SHIPPED_SUGGESTIONS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/suggest.bin"));

impl Matcher {
    /// The matcher of these sorted, distinct patterns: the shipped one when it was built
    /// from exactly them, else one built now.
    fn of(sorted: &[Box<str>]) -> Result<Matcher, LexiconError> {
        let automaton_error =
            |e: daachorse::errors::DaachorseError| LexiconError::Automaton(e.to_string());
        if sorted.len() == shipped::PATTERNS
            && spelling::fingerprint(sorted.iter().map(|p| &**p)) == shipped::FINGERPRINT
        {
            let (automaton, _) =
                DoubleArrayAhoCorasick::deserialize(SHIPPED).map_err(automaton_error)?;
            return Ok(Matcher::with(automaton, true, sorted));
        }
        let automaton = DoubleArrayAhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build_with_values(sorted.iter().map(|p| p.as_bytes()).zip(0u32..))
            .map_err(automaton_error)?;
        Ok(Matcher::with(automaton, false, sorted))
    }

    fn with(
        automaton: DoubleArrayAhoCorasick<u32>,
        prebuilt: bool,
        sorted: &[Box<str>],
    ) -> Matcher {
        Matcher {
            automaton,
            prebuilt,
            whole: sorted.iter().map(|p| p.as_bytes()).zip(0u32..).collect(),
            cuts: Cuts::of(sorted),
        }
    }

    /// Every match in `lower` (lower-case ASCII): `(start, end, pattern id)`,
    /// leftmost-longest, not overlapping. One pass of the automaton over the text.
    pub fn find_iter<'a>(
        &'a self,
        lower: &'a str,
    ) -> impl Iterator<Item = (usize, usize, u32)> + 'a {
        self.automaton
            .leftmost_find_iter(lower)
            .map(|m| (m.start(), m.end(), m.value()))
    }

    /// The same matches as [`Matcher::find_iter`], in the same order, found piece by
    /// piece: the text is cut where no spelling can cover the separator, and a piece
    /// that is one whole spelling (once spaces and quotes are trimmed) is looked up, not
    /// searched.
    pub fn find_each(&self, lower: &str, mut each: impl FnMut(usize, usize, u32)) {
        let bytes = lower.as_bytes();
        let mut start = 0;
        loop {
            let cut = self.cuts.next(bytes, start);
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
        if let Some(pattern) = self.whole.get(&lower.as_bytes()[first..last]) {
            each(first, last, pattern);
            return;
        }
        for found in self.automaton.leftmost_find_iter(&lower[start..end]) {
            each(start + found.start(), start + found.end(), found.value());
        }
    }

    /// Whether this is the matcher built ahead of time (not one built at run time).
    pub fn is_prebuilt(&self) -> bool {
        self.prebuilt
    }

    /// Bytes of memory it holds.
    pub fn heap_bytes(&self) -> usize {
        self.automaton.heap_bytes() + self.whole.heap_bytes() + self.cuts.heap_bytes()
    }
}

impl Lexicon {
    /// The suggestion index of its spellings: the one build.rs made when the matcher is
    /// the shipped one (the same spellings), else one built now.
    pub(super) fn suggest_index(&self) -> SuggestIndex {
        self.matcher
            .prebuilt
            .then(|| SuggestIndex::from_static(SHIPPED_SUGGESTIONS))
            .flatten()
            .unwrap_or_else(|| SuggestIndex::build(&self.patterns))
    }

    /// Builds the lexicon from the dictionary text (data/cosing/inci.tsv) and the
    /// curated ingredient knowledge.
    pub fn build(dictionary: &str, curated: &IngredientKnowledge) -> Result<Lexicon, LexiconError> {
        if curated.flag.len() > 64 || curated.group.len() > 64 {
            return Err(LexiconError::TooManyFlags(
                curated.flag.len().max(curated.group.len()),
            ));
        }
        let mut lexicon = Lexicon {
            terms: Vec::with_capacity(30_000),
            families: Vec::new(),
            flags: curated.flag.clone(),
            groups: curated.group.clone(),
            classes: Vec::new(),
            pattern_term: Vec::new(),
            patterns: Vec::new(),
            matcher: Matcher {
                automaton: DoubleArrayAhoCorasick::new(["x"])
                    .map_err(|e| LexiconError::Automaton(e.to_string()))?,
                prebuilt: false,
                whole: Spellings::default(),
                cuts: Cuts::default(),
            },
            by_name: HashMap::with_capacity(30_000),
            squashed: Spellings::default(),
            name_rules: NameRules::empty(),
        };
        for (index, line) in dictionary.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (name, codes) = line.split_once('\t').unwrap_or((line, ""));
            let mut bits = 0u32;
            for code in codes.trim().bytes() {
                if !code.is_ascii_uppercase() {
                    return Err(LexiconError::Dictionary {
                        line: index + 1,
                        message: format!(
                            "function code {:?} is not a capital letter",
                            code as char
                        ),
                    });
                }
                bits |= 1 << (code - b'A');
            }
            let term = lexicon.term_for(name);
            lexicon.terms[term as usize].codes |= bits;
        }
        let mut synonyms: Vec<(u32, &str)> = Vec::new();
        for (index, active) in curated.active.iter().enumerate() {
            let term = lexicon.term_for(&active.inci);
            let family = lexicon.family_index(&active.family);
            let class = active.class.as_deref().map(|c| lexicon.class_index(c));
            let entry = &mut lexicon.terms[term as usize];
            entry.active = u16::try_from(index).ok();
            entry.family = Some(family);
            entry.class = class;
            entry.id = active.id.as_str().into();
            synonyms.extend(active.synonyms.iter().map(|s| (term, s.as_str())));
        }
        for entry in &curated.synonym {
            let term = lexicon.term_for(&entry.inci);
            synonyms.extend(entry.synonyms.iter().map(|s| (term, s.as_str())));
        }
        // The family rules in file order: a name takes the family of the first rule it meets.
        let rules: Vec<(u16, Option<u16>, Vec<u8>)> = curated
            .family_rule
            .iter()
            .map(|rule| {
                let family = lexicon.family_index(&rule.family);
                let class = rule.class.as_deref().map(|c| lexicon.class_index(c));
                let codes = rule.codes.iter().filter_map(|c| c.bytes().next()).collect();
                (family, class, codes)
            })
            .collect();
        let name_rules = NameRules::new(curated, &lexicon)?;
        let markers = &curated.one_percent_line;
        let marker_codes: Vec<u8> = markers
            .codes
            .iter()
            .filter_map(|c| c.bytes().next())
            .collect();
        let marker_flags: u64 = curated
            .flag
            .iter()
            .enumerate()
            .filter(|(_, f)| markers.flags.contains(&f.code))
            .fold(0, |bits, (bit, _)| bits | 1 << bit);
        for (index, term) in lexicon.terms.iter_mut().enumerate() {
            let held = name_rules.held(index as u32, &term.name);
            if term.family.is_none() {
                let by_code = rules
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, _, codes))| codes.iter().any(|c| term.has_code(*c)))
                    .fold(0u64, |bits, (bit, _)| bits | 1 << bit);
                let first = (held.rules | by_code).trailing_zeros() as usize;
                if let Some(&(family, class, _)) = rules.get(first) {
                    term.family = Some(family);
                    term.class = class;
                    term.id = snake_case(&term.name).into();
                }
            }
            let held = held.with(name_rules.of_family(term.family, term.class));
            term.flags = held.flags;
            term.groups = held.groups;
            // Actives never mark the line: salicylic acid is also a preservative.
            term.marker = term.family.is_none()
                && (term.flags & marker_flags != 0
                    || marker_codes.iter().any(|c| term.has_code(*c))
                    || held.marker);
        }
        // Patterns: every canonical name (and without a final dot), then the synonyms;
        // a spelling belongs to the first term that has it. Then sorted: a pattern's id
        // is its place in sorted order, the value the matcher gives it.
        let mut ordered: Vec<(String, u32)> = Vec::with_capacity(32_000);
        let mut seen: HashSet<String> = HashSet::with_capacity(32_000);
        let mut add = |pattern: String, term: u32| {
            if !pattern.is_empty() && !seen.contains(&pattern) {
                seen.insert(pattern.clone());
                ordered.push((pattern, term));
            }
        };
        for term in 0..lexicon.terms.len() as u32 {
            for pattern in spelling::name_patterns(&lexicon.terms[term as usize].name) {
                add(pattern, term);
            }
        }
        for (term, synonym) in synonyms {
            add(normalize(synonym), term);
        }
        // A squashed spelling, too, belongs to the first term that has it.
        for (pattern, term) in &ordered {
            lexicon
                .squashed
                .insert_first(squash(pattern).as_bytes(), *term);
        }
        ordered.sort_unstable();
        for (pattern, term) in ordered {
            lexicon.patterns.push(pattern.into_boxed_str());
            lexicon.pattern_term.push(term);
        }
        lexicon.matcher = Matcher::of(&lexicon.patterns)?;
        lexicon.name_rules = name_rules;
        Ok(lexicon)
    }

    fn term_for(&mut self, name: &str) -> u32 {
        let canonical: Box<str> = canonical(name).into();
        if let Some(&term) = self.by_name.get(&canonical) {
            return term;
        }
        let term = self.terms.len() as u32;
        self.terms.push(Term {
            display: display_name(&canonical).into(),
            id: Box::from(""),
            name: canonical.clone(),
            codes: 0,
            active: None,
            family: None,
            class: None,
            flags: 0,
            groups: 0,
            marker: false,
        });
        self.by_name.insert(canonical, term);
        term
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
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// The term a pattern id stands for.
    pub fn term_of_pattern(&self, pattern: usize) -> u32 {
        self.pattern_term[pattern]
    }

    /// A term by canonical name (any case).
    pub fn find(&self, name: &str) -> Option<u32> {
        self.by_name.get(canonical(name).as_str()).copied()
    }

    /// A term whose spelling equals `text` once spaces, hyphens and punctuation are
    /// dropped ("polysorbate-20" is POLYSORBATE 20, "ethylhexyl glycerin" ETHYLHEXYLGLYCERIN).
    pub fn find_squashed(&self, text: &str) -> Option<u32> {
        // Squashed on the stack: this runs for every item the automaton did not cover.
        let mut buffer = [0u8; 128];
        let mut len = 0;
        for byte in text.bytes().filter(u8::is_ascii_alphanumeric) {
            if len == buffer.len() {
                return self.squashed.get(squash(text).as_bytes());
            }
            buffer[len] = byte.to_ascii_lowercase();
            len += 1;
        }
        if len < 4 {
            return None;
        }
        self.squashed.get(&buffer[..len])
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
}

fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    out.extend(
        text.bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| char::from(b.to_ascii_lowercase())),
    );
    out
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

/// Words that stay in capitals in a name for people: abbreviations, and the letters of
/// the ceramide classes ("Ceramide NP", "Ceramide EOP").
const ACRONYMS: &[&str] = &[
    "PEG", "PPG", "CI", "EDTA", "BHT", "BHA", "PCA", "HCL", "MEA", "DEA", "TEA", "PVP", "AHA",
    "DNA", "II", "III", "IV", "SD", "UV", "NP", "AP", "NS", "NG", "EOP", "EOS", "EOH",
];

/// "ASCORBIC ACID" -> "Ascorbic Acid"; acronyms and words with digits stay as they are.
pub fn display_name(name: &str) -> String {
    if name.is_ascii() {
        // Byte by byte: every CosIng name but one is ASCII.
        let bytes = name.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphanumeric() {
                out.push(bytes[i]);
                i += 1;
                continue;
            }
            let end = bytes[i..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| i + n);
            let word = &bytes[i..end];
            out.push(word[0]);
            let keep = word.iter().any(u8::is_ascii_digit)
                || ACRONYMS.iter().any(|a| a.as_bytes() == word);
            if keep {
                out.extend_from_slice(&word[1..]);
            } else {
                out.extend(word[1..].iter().map(u8::to_ascii_lowercase));
            }
            i = end;
        }
        return String::from_utf8(out).unwrap_or_else(|_| name.to_string());
    }
    let mut out = String::with_capacity(name.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if ACRONYMS.contains(&word.as_str()) || word.bytes().any(|b| b.is_ascii_digit()) {
            out.push_str(word);
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first);
                out.extend(chars.flat_map(char::to_lowercase));
            }
        }
        word.clear();
    };
    for c in name.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
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
    use crate::analyzer::Analyzer;
    use crate::Knowledge;

    /// The suggestion index build.rs made is the one the shipped spellings make now:
    /// byte for byte, so every suggestion is the same.
    #[test]
    fn the_shipped_suggestion_index_is_the_one_built_now() {
        let knowledge = Knowledge::builtin().expect("knowledge");
        let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
        let lexicon = analyzer.lexicon();
        assert!(lexicon.matcher.prebuilt);
        let shipped = lexicon.suggest_index();
        assert!(matches!(shipped.to_bytes(), b if std::ptr::eq(b, super::SHIPPED_SUGGESTIONS)));
        let built = SuggestIndex::build(&lexicon.patterns);
        assert!(shipped.to_bytes() == built.to_bytes());
        // Bytes from elsewhere are not taken for an index.
        assert!(SuggestIndex::from_static(b"not an index").is_none());
        assert!(SuggestIndex::from_static(&super::SHIPPED_SUGGESTIONS[..1000]).is_none());
    }
}
