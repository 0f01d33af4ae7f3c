//! The lexicon: every name the analyzer can recognise (the CosIng dictionary, curated
//! actives and label synonyms), each resolved once, at build time, to a term with its
//! family and flags, and one Aho-Corasick automaton over all their spellings.

use crate::knowledge::{FlagRule, GroupRule, IngredientKnowledge, Members};
use aho_corasick::{AhoCorasick, MatchKind};
// foldhash: the names are looked up per item of every list; SipHash cost more than the look-up.
use foldhash::{HashMap, HashMapExt};

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
    /// Lower-case spelling of each pattern, for suggestions.
    pub patterns: Vec<Box<str>>,
    automaton: AhoCorasick,
    by_name: HashMap<Box<str>, u32>,
    squashed: HashMap<Box<str>, u32>,
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
    #[error("at most 64 flags and 64 groups are supported, found {0}")]
    TooManyFlags(usize),
    /// The automaton could not be built.
    #[error("building the matcher: {0}")]
    Automaton(String),
}

/// Normalizes a name for matching: ASCII, lower case, single spaces.
pub fn normalize(name: &str) -> String {
    let folded = super::fold::to_ascii(name);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

impl Lexicon {
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
            automaton: AhoCorasick::new(["x"])
                .map_err(|e| LexiconError::Automaton(e.to_string()))?,
            by_name: HashMap::with_capacity(30_000),
            squashed: HashMap::with_capacity(32_000),
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
        for rule in &curated.family_rule {
            let family = lexicon.family_index(&rule.family);
            let class = rule.class.as_deref().map(|c| lexicon.class_index(c));
            let codes: Vec<u8> = rule.codes.iter().filter_map(|c| c.bytes().next()).collect();
            for term in lexicon.terms.iter_mut().filter(|t| t.family.is_none()) {
                let by_name = rule
                    .contains
                    .iter()
                    .any(|part| term.name.contains(part.as_str()));
                let by_code = codes.iter().any(|c| term.has_code(*c));
                if by_name || by_code {
                    term.family = Some(family);
                    term.class = class;
                    term.id = snake_case(&term.name).into();
                }
            }
        }
        let flag_members: Vec<Membership> = curated
            .flag
            .iter()
            .map(|f| Membership::new(f.members(), &lexicon))
            .collect();
        let group_members: Vec<Membership> = curated
            .group
            .iter()
            .map(|g| Membership::new(g.members(), &lexicon))
            .collect();
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
        for term in &mut lexicon.terms {
            for (bit, members) in flag_members.iter().enumerate() {
                if members.has(term) {
                    term.flags |= 1 << bit;
                }
            }
            for (bit, members) in group_members.iter().enumerate() {
                if members.has(term) {
                    term.groups |= 1 << bit;
                }
            }
            // Actives never mark the line: salicylic acid is also a preservative.
            term.marker = term.family.is_none()
                && (term.flags & marker_flags != 0
                    || marker_codes.iter().any(|c| term.has_code(*c))
                    || markers
                        .names
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(&term.name)));
        }
        // Patterns: every canonical name (and without a final dot), then the synonyms.
        let mut seen: HashMap<String, u32> = HashMap::with_capacity(32_000);
        let mut add = |pattern: String, term: u32, lexicon: &mut Lexicon| {
            if pattern.is_empty() || seen.contains_key(&pattern) {
                return;
            }
            seen.insert(pattern.clone(), term);
            lexicon.patterns.push(pattern.into_boxed_str());
            lexicon.pattern_term.push(term);
        };
        for term in 0..lexicon.terms.len() as u32 {
            let name = normalize(&lexicon.terms[term as usize].name);
            if let Some(stripped) = name.strip_suffix('.') {
                add(stripped.to_string(), term, &mut lexicon);
            }
            add(name, term, &mut lexicon);
        }
        for (term, synonym) in synonyms {
            add(normalize(synonym), term, &mut lexicon);
        }
        for (pattern, &term) in lexicon.patterns.iter().zip(&lexicon.pattern_term) {
            lexicon
                .squashed
                .entry(squash(pattern).into_boxed_str())
                .or_insert(term);
        }
        lexicon.automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(lexicon.patterns.iter().map(|p| p.as_bytes()))
            .map_err(|e| LexiconError::Automaton(e.to_string()))?;
        Ok(lexicon)
    }

    fn term_for(&mut self, name: &str) -> u32 {
        let canonical: Box<str> = name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase()
            .into();
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

    /// The automaton over every spelling.
    pub fn automaton(&self) -> &AhoCorasick {
        &self.automaton
    }

    /// The term a pattern id stands for.
    pub fn term_of_pattern(&self, pattern: usize) -> u32 {
        self.pattern_term[pattern]
    }

    /// A term by canonical name (any case).
    pub fn find(&self, name: &str) -> Option<u32> {
        let canonical = name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase();
        self.by_name.get(canonical.as_str()).copied()
    }

    /// A term whose spelling equals `text` once spaces, hyphens and punctuation are
    /// dropped ("polysorbate-20" is POLYSORBATE 20, "ethylhexyl glycerin" ETHYLHEXYLGLYCERIN).
    pub fn find_squashed(&self, text: &str) -> Option<u32> {
        // Squashed on the stack: this runs for every item the automaton did not cover.
        let mut buffer = [0u8; 128];
        let mut len = 0;
        for byte in text.bytes().filter(u8::is_ascii_alphanumeric) {
            if len == buffer.len() {
                return self.squashed.get(squash(text).as_str()).copied();
            }
            buffer[len] = byte.to_ascii_lowercase();
            len += 1;
        }
        if len < 4 {
            return None;
        }
        let key = std::str::from_utf8(&buffer[..len]).ok()?;
        self.squashed.get(key).copied()
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
    text.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// The members of a flag or group, with family and class names turned into indexes.
struct Membership<'a> {
    members: Members<'a>,
    families: Vec<u16>,
    classes: Vec<u16>,
}

impl<'a> Membership<'a> {
    fn new(members: Members<'a>, lexicon: &Lexicon) -> Membership<'a> {
        let index = |names: &[String], known: &[String]| -> Vec<u16> {
            names
                .iter()
                .filter_map(|n| known.iter().position(|k| k == n))
                .filter_map(|i| u16::try_from(i).ok())
                .collect()
        };
        Membership {
            families: index(members.families, &lexicon.families),
            classes: index(members.classes, &lexicon.classes),
            members,
        }
    }

    fn has(&self, term: &Term) -> bool {
        let name = &*term.name;
        let m = &self.members;
        m.names.iter().any(|n| n.eq_ignore_ascii_case(name))
            || m.contains.iter().any(|c| name.contains(c.as_str()))
            || m.prefixes.iter().any(|p| starts_with_word(name, p))
            || m.suffixes.iter().any(|s| name.ends_with(s.as_str()))
            || (name.ends_with(" OIL")
                && m.genera.iter().any(|g| starts_with_word(name, g))
                && !["SEED", "KERNEL", "FRUIT", "NUT"]
                    .iter()
                    .any(|part| name.contains(part)))
            || term.family.is_some_and(|f| self.families.contains(&f))
            || term.class.is_some_and(|c| self.classes.contains(&c))
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

const ACRONYMS: &[&str] = &[
    "PEG", "PPG", "CI", "EDTA", "BHT", "BHA", "PCA", "HCL", "MEA", "DEA", "TEA", "PVP", "AHA",
    "DNA", "II", "III", "IV", "SD", "UV",
];

/// "ASCORBIC ACID" -> "Ascorbic Acid"; acronyms and words with digits stay as they are.
pub fn display_name(name: &str) -> String {
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
