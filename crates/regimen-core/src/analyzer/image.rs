//! The spelling image: every name the analyzer can recognise (the CosIng dictionary and
//! the curated names of knowledge/ingredients.toml), its name for people, its function
//! codes, every spelling it is found by, the automaton over those spellings and the
//! tables that look them up, laid out flat: a text of strings and a byte array of
//! fixed-width little-endian tables, both read in place.
//!
//! `build.rs` includes this file and makes the image of the shipped dictionary and
//! knowledge base ahead of time, so that a process starts without building anything:
//! the image is a part of the binary, and only the pages a look-up touches are read.
//! An edited knowledge base makes its own image at run time, with this same code.
//!
//! What the curated knowledge says a name is (its family, flags, groups) is not in the
//! image: the lexicon works it out per name when a name is first met.

use super::spelling::{canonical, display_name, name_patterns, normalize};
use std::borrow::Cow;
use std::collections::HashMap;

/// The version of the layout below; an image of another version is not read.
const VERSION: u32 = 2;
const MAGIC: &[u8; 4] = b"RGLX";

/// The tables, in the order of the header.
#[derive(Debug, Clone, Copy)]
enum Table {
    /// Per term: name (offset u32, length u32), display name (offset, length), codes u32.
    Terms,
    /// Per pattern, sorted: spelling (offset u32, length u32), term u32.
    Patterns,
    /// Open addressing over the patterns' spellings: [`SLOT`]s of (tag u32,
    /// pattern + 1 u32, the spelling's offset u32 and length u32 in the text).
    Whole,
    /// Open addressing over the terms' canonical names, the same way (term + 1).
    Names,
    /// Per squashed spelling: (offset u32, length u32, term u32).
    Squashed,
    /// Open addressing over the squashed spellings, the same way (entry + 1).
    SquashedIndex,
    /// The leftmost-longest double-array Aho-Corasick automaton over the patterns
    /// (daachorse's serialization, searched in place by [`Automaton`]), each match valued
    /// by its pattern's place.
    Automaton,
}

const TABLES: usize = 7;
/// The magic bytes, the version, the length of the text, then each table's place.
const HEADER: usize = 12 + 8 * TABLES;
const TERM: usize = 20;
const PATTERN: usize = 12;
const SQUASHED: usize = 12;

/// Why an image could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// A line of the dictionary is malformed (1-based line).
    Dictionary(usize, String),
    /// The automaton could not be built.
    Automaton(String),
    /// The bytes are no image of this version.
    Damaged,
}

/// A 64-bit hash of bytes, the same on every platform and in build.rs (the tables are
/// made ahead of time): eight bytes at a time, multiplied and folded.
pub fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(23) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    }
    h ^ (h >> 29)
}

/// A spelling's letters and digits alone, in lower case ("Polysorbate-20" ->
/// "polysorbate20").
pub fn squash(text: &str) -> String {
    text.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| char::from(b.to_ascii_lowercase()))
        .collect()
}

/// A fingerprint of the curated names an image is made of: 64-bit FNV-1a over each
/// name and spelling, each ended by a byte no text holds. build.rs writes the shipped
/// image's; the lexicon reads that image only when its own names have the same.
pub fn names_fingerprint(curated: &[(String, Vec<String>)]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |bytes: &[u8], end: u8| {
        for &byte in bytes.iter().chain([end].iter()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, spellings) in curated {
        eat(name.as_bytes(), 0xfe);
        for spelling in spellings {
            eat(spelling.as_bytes(), 0xff);
        }
    }
    hash
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

fn put(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Bytes of a slot of a look-up table: (tag, place + 1, the key's offset and length in
/// the text), so that a look-up reads the slot, then the key, and nothing between.
const SLOT: usize = 16;

/// An open-addressing table (at most half full) of keys that are spans of `text`, read
/// out of a span table (`spans`, records of `width` bytes, the span at their start).
fn table(text: &str, spans: &[u8], width: usize) -> Vec<u8> {
    let keys = spans.len() / width;
    let slots = (keys * 2).next_power_of_two().max(2);
    let mut out = vec![0u8; slots * SLOT];
    for place in 0..keys {
        let offset = u32_at(spans, place * width);
        let len = u32_at(spans, place * width + 4);
        let key = &text.as_bytes()[offset as usize..(offset + len) as usize];
        let h = hash(key);
        let mut slot = h as usize & (slots - 1);
        while u32_at(&out, slot * SLOT + 4) != 0 {
            slot = (slot + 1) & (slots - 1);
        }
        for (i, value) in [(h >> 32) as u32, count(place) + 1, offset, len]
            .into_iter()
            .enumerate()
        {
            out[slot * SLOT + 4 * i..slot * SLOT + 4 * i + 4].copy_from_slice(&value.to_le_bytes());
        }
    }
    out
}

/// Makes the image of a dictionary (data/cosing/inci.tsv: a name, a tab, function code
/// letters) and the curated names (each canonical name with its further spellings:
/// the actives, then the synonym entries, in file order). Terms are the dictionary's
/// names in order, then the curated names it lacks; a spelling belongs to the first
/// term that has it (each name's own spellings first, then the further ones).
pub fn make(dictionary: &str, curated: &[(String, Vec<String>)]) -> Result<Image, ImageError> {
    let mut names: Vec<String> = Vec::with_capacity(30_000);
    let mut codes: Vec<u32> = Vec::with_capacity(30_000);
    let mut by_name: HashMap<String, u32> = HashMap::with_capacity(30_000);
    let mut term_for = |name: &str, names: &mut Vec<String>, codes: &mut Vec<u32>| {
        let name = canonical(name);
        *by_name.entry(name.clone()).or_insert_with(|| {
            names.push(name);
            codes.push(0);
            count(names.len() - 1)
        })
    };
    for (index, line) in dictionary.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (name, letters) = line.split_once('\t').unwrap_or((line, ""));
        let mut bits = 0u32;
        for code in letters.trim().bytes() {
            if !code.is_ascii_uppercase() {
                return Err(ImageError::Dictionary(
                    index + 1,
                    format!("function code {:?} is not a capital letter", code as char),
                ));
            }
            bits |= 1 << (code - b'A');
        }
        let term = term_for(name, &mut names, &mut codes);
        codes[term as usize] |= bits;
    }
    let mut further: Vec<(u32, &str)> = Vec::new();
    for (name, spellings) in curated {
        let term = term_for(name, &mut names, &mut codes);
        further.extend(spellings.iter().map(|s| (term, s.as_str())));
    }
    // Every spelling with its term, first come first served.
    let mut ordered: Vec<(String, u32)> = Vec::with_capacity(32_000);
    let mut seen: HashMap<String, ()> = HashMap::with_capacity(32_000);
    let mut add = |pattern: String, term: u32, ordered: &mut Vec<(String, u32)>| {
        if !pattern.is_empty() && seen.insert(pattern.clone(), ()).is_none() {
            ordered.push((pattern, term));
        }
    };
    for (term, name) in names.iter().enumerate() {
        for pattern in name_patterns(name) {
            add(pattern, count(term), &mut ordered);
        }
    }
    for (term, spelling) in further {
        add(normalize(spelling), term, &mut ordered);
    }
    // A squashed spelling, too, belongs to the first term that has it.
    let mut squashed: Vec<(String, u32)> = Vec::new();
    let mut squashed_seen: HashMap<String, ()> = HashMap::new();
    for (pattern, term) in &ordered {
        let key = squash(pattern);
        if squashed_seen.insert(key.clone(), ()).is_none() {
            squashed.push((key, *term));
        }
    }
    ordered.sort_unstable();
    let automaton = daachorse::DoubleArrayAhoCorasickBuilder::new()
        .match_kind(daachorse::MatchKind::LeftmostLongest)
        .build_with_values(ordered.iter().map(|(p, _)| p.as_bytes()).zip(0u32..))
        .map_err(|e| ImageError::Automaton(e.to_string()))?;

    // The strings, each once per use, and the tables pointing into them.
    let mut text = String::with_capacity(2 << 20);
    let span = |s: &str, text: &mut String, out: &mut Vec<u8>| {
        put(out, count(text.len()));
        put(out, count(s.len()));
        text.push_str(s);
    };
    let mut tables: [Vec<u8>; TABLES] = Default::default();
    for (name, bits) in names.iter().zip(&codes) {
        let out = &mut tables[Table::Terms as usize];
        span(name, &mut text, out);
        span(&display_name(name), &mut text, out);
        put(out, *bits);
    }
    for (pattern, term) in &ordered {
        let out = &mut tables[Table::Patterns as usize];
        span(pattern, &mut text, out);
        put(out, *term);
    }
    for (key, term) in &squashed {
        let out = &mut tables[Table::Squashed as usize];
        span(key, &mut text, out);
        put(out, *term);
    }
    tables[Table::Whole as usize] = table(&text, &tables[Table::Patterns as usize], PATTERN);
    tables[Table::Names as usize] = table(&text, &tables[Table::Terms as usize], TERM);
    tables[Table::SquashedIndex as usize] =
        table(&text, &tables[Table::Squashed as usize], SQUASHED);
    tables[Table::Automaton as usize] = automaton.serialize();

    let mut bytes = Vec::with_capacity(HEADER + tables.iter().map(Vec::len).sum::<usize>());
    bytes.extend_from_slice(MAGIC);
    put(&mut bytes, VERSION);
    put(&mut bytes, count(text.len()));
    let mut at = HEADER;
    for table in &tables {
        put(&mut bytes, count(at));
        put(&mut bytes, count(table.len()));
        at += table.len();
    }
    for table in &tables {
        bytes.extend_from_slice(table);
    }
    Image::read(Cow::Owned(text), Cow::Owned(bytes))
}

/// An image, read in place.
#[derive(Clone)]
pub struct Image {
    text: Cow<'static, str>,
    bytes: Cow<'static, [u8]>,
    tables: [(usize, usize); TABLES],
    automaton: Layout,
}

/// Where the parts of daachorse's serialized leftmost automaton are, in the image's
/// bytes: the states (base u32, output place << 8 | check byte u32), the failure
/// links (u32), the outputs (value u32, length u32, parent u32).
#[derive(Debug, Clone, Copy, Default)]
struct Layout {
    states: usize,
    count: usize,
    fails: usize,
    outputs: usize,
    outputs_count: usize,
}

impl Layout {
    /// The layout of daachorse 5's serialization of a leftmost automaton at `at`, if
    /// its parts fit in `bytes`.
    fn of(bytes: &[u8], at: usize, len: usize) -> Option<Layout> {
        let end = at + len;
        let dense_states = u32_at(bytes, at) as usize;
        // A leftmost automaton has no states of the standard kind.
        if dense_states != 0 || at + 4 > end {
            return None;
        }
        let count = u32_at(bytes, at + 4) as usize;
        let states = at + 8;
        let fails_len = states + 8 * count;
        let fails = fails_len + 4;
        if fails + 4 * count > end || u32_at(bytes, fails_len) as usize != count || count < 2 {
            return None;
        }
        let outputs_len = fails + 4 * count;
        let outputs_count = u32_at(bytes, outputs_len) as usize;
        let outputs = outputs_len + 4;
        // The match kind follows the outputs: 1, leftmost-longest.
        let kind = outputs + 12 * outputs_count;
        (kind < end && bytes[kind] == 1).then_some(Layout {
            states,
            count,
            fails,
            outputs,
            outputs_count,
        })
    }
}

/// The root state and the dead state of daachorse's automata.
const ROOT: u32 = 0;
const DEAD: u32 = 1;

/// The automaton of an image, searched where it lies: the same transitions, failure
/// links and outputs as daachorse's `leftmost_find_iter` over the deserialized
/// automaton (a test compares them), without copying its 6 MB first.
#[derive(Clone, Copy)]
pub struct Automaton<'a> {
    bytes: &'a [u8],
    layout: Layout,
}

impl<'a> Automaton<'a> {
    #[inline]
    fn state(&self, state: u32) -> (u32, u32) {
        let at = self.layout.states + 8 * state as usize;
        (u32_at(self.bytes, at), u32_at(self.bytes, at + 4))
    }

    /// The next state from `state` on byte `c`: the child if there is one, else along
    /// the failure links; the root when none leads on (leftmost matching).
    #[inline]
    fn next(&self, mut state: u32, c: u8) -> u32 {
        loop {
            let (base, _) = self.state(state);
            if base != 0 {
                let child = base ^ u32::from(c);
                if (child as usize) < self.layout.count && self.state(child).1 as u8 == c {
                    return child;
                }
            }
            if state == ROOT {
                return ROOT;
            }
            let fail = u32_at(self.bytes, self.layout.fails + 4 * state as usize);
            if fail == DEAD || fail == state {
                return ROOT;
            }
            state = fail;
        }
    }

    /// Every leftmost-longest match in `haystack`: (start, end, value).
    pub fn find_iter(self, haystack: &'a [u8]) -> Leftmost<'a> {
        Leftmost {
            automaton: self,
            haystack,
            pos: 0,
        }
    }
}

/// The leftmost-longest matches of an [`Automaton`] in a text, in order.
pub struct Leftmost<'a> {
    automaton: Automaton<'a>,
    haystack: &'a [u8],
    pos: usize,
}

impl Iterator for Leftmost<'_> {
    type Item = (usize, usize, u32);

    fn next(&mut self) -> Option<(usize, usize, u32)> {
        let automaton = &self.automaton;
        let mut state = ROOT;
        let mut last: Option<u32> = None;
        let mut pos = self.pos;
        let found = |output: u32, end: usize| {
            let at = automaton.layout.outputs + 12 * (output as usize - 1);
            let length = u32_at(automaton.bytes, at + 4) as usize;
            (end.saturating_sub(length), end, u32_at(automaton.bytes, at))
        };
        while let Some(&c) = self.haystack.get(pos) {
            state = automaton.next(state, c);
            if state == ROOT {
                if let Some(output) = last {
                    return Some(found(output, self.pos));
                }
            } else {
                let output = automaton.state(state).1 >> 8;
                if output != 0 && (output as usize) <= automaton.layout.outputs_count {
                    last = Some(output);
                    self.pos = pos + 1;
                }
            }
            pos += 1;
        }
        match last {
            Some(output) => Some(found(output, self.pos)),
            None => {
                self.pos = self.haystack.len();
                None
            }
        }
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("terms", &self.terms())
            .field("patterns", &self.patterns())
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Image {
    /// The image in these strings and tables, if they are one of this version, made
    /// with this text, whose tables are all in bounds.
    pub fn read(text: Cow<'static, str>, bytes: Cow<'static, [u8]>) -> Result<Image, ImageError> {
        let whole = bytes.get(..4) == Some(MAGIC.as_slice())
            && u32_at(&bytes, 4) == VERSION
            && u32_at(&bytes, 8) as usize == text.len();
        if !whole {
            return Err(ImageError::Damaged);
        }
        let mut tables = [(0, 0); TABLES];
        for (i, table) in tables.iter_mut().enumerate() {
            let start = u32_at(&bytes, 12 + 8 * i) as usize;
            let len = u32_at(&bytes, 16 + 8 * i) as usize;
            if start + len > bytes.len() {
                return Err(ImageError::Damaged);
            }
            *table = (start, len);
        }
        let (at, len) = tables[Table::Automaton as usize];
        let automaton = Layout::of(&bytes, at, len).ok_or(ImageError::Damaged)?;
        let image = Image {
            text,
            bytes,
            tables,
            automaton,
        };
        let sound = image.table(Table::Terms).len().is_multiple_of(TERM)
            && image.table(Table::Patterns).len().is_multiple_of(PATTERN)
            && image.table(Table::Squashed).len().is_multiple_of(SQUASHED)
            && [Table::Whole, Table::Names, Table::SquashedIndex]
                .iter()
                .all(|t| (image.table(*t).len() / SLOT).is_power_of_two());
        // A string out of bounds reads as empty (`string`): no span needs checking here.
        sound.then_some(image).ok_or(ImageError::Damaged)
    }

    fn table(&self, table: Table) -> &[u8] {
        let (start, len) = self.tables[table as usize];
        &self.bytes[start..start + len]
    }

    fn string(&self, table: Table, at: usize) -> &str {
        let bytes = self.table(table);
        let start = u32_at(bytes, at) as usize;
        let len = u32_at(bytes, at + 4) as usize;
        self.text.get(start..start + len).unwrap_or("")
    }

    /// The strings of the image (what build.rs writes beside the tables).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The tables' bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether the image is a part of the binary (made ahead of time).
    pub fn is_static(&self) -> bool {
        matches!(self.bytes, Cow::Borrowed(_))
    }

    /// How many terms.
    pub fn terms(&self) -> usize {
        self.table(Table::Terms).len() / TERM
    }

    /// A term's canonical name (upper case, as CosIng spells it).
    pub fn name(&self, term: u32) -> &str {
        self.string(Table::Terms, term as usize * TERM)
    }

    /// A term's name for people ("Ascorbic Acid").
    pub fn display(&self, term: u32) -> &str {
        self.string(Table::Terms, term as usize * TERM + 8)
    }

    /// A term's CosIng function codes as bits (`1 << (letter - 'A')`).
    pub fn codes(&self, term: u32) -> u32 {
        u32_at(self.table(Table::Terms), term as usize * TERM + 16)
    }

    /// How many spellings.
    pub fn patterns(&self) -> usize {
        self.table(Table::Patterns).len() / PATTERN
    }

    /// A spelling (lower case), by its place in sorted order.
    pub fn pattern(&self, pattern: u32) -> &str {
        self.string(Table::Patterns, pattern as usize * PATTERN)
    }

    /// The term a spelling belongs to.
    pub fn pattern_term(&self, pattern: u32) -> u32 {
        u32_at(self.table(Table::Patterns), pattern as usize * PATTERN + 8)
    }

    /// The automaton's serialized bytes (daachorse's).
    pub fn automaton_bytes(&self) -> &[u8] {
        self.table(Table::Automaton)
    }

    /// The automaton over every spelling, searched in place.
    pub fn automaton(&self) -> Automaton<'_> {
        Automaton {
            bytes: &self.bytes,
            layout: self.automaton,
        }
    }

    /// The place of the entry whose key is `key` in an open-addressing table.
    #[inline]
    fn find(&self, table: Table, key: &[u8]) -> Option<u32> {
        let slots = self.table(table);
        let mask = slots.len() / SLOT - 1;
        let h = hash(key);
        let tag = (h >> 32) as u32;
        let mut slot = h as usize & mask;
        loop {
            let at = slot * SLOT;
            let place = u32_at(slots, at + 4);
            if place == 0 {
                return None;
            }
            if u32_at(slots, at) == tag {
                let offset = u32_at(slots, at + 8) as usize;
                let len = u32_at(slots, at + 12) as usize;
                if self.text.as_bytes().get(offset..offset + len) == Some(key) {
                    return Some(place - 1);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The spelling that is exactly `spelling` (lower case), if it is one.
    #[inline]
    pub fn whole(&self, spelling: &[u8]) -> Option<u32> {
        self.find(Table::Whole, spelling)
    }

    /// The term whose canonical name is `name`.
    pub fn term_named(&self, name: &str) -> Option<u32> {
        self.find(Table::Names, name.as_bytes())
    }

    /// The term of the first spelling that squashes to `squashed`.
    pub fn squashed(&self, squashed: &[u8]) -> Option<u32> {
        let entry = self.find(Table::SquashedIndex, squashed)?;
        Some(u32_at(
            self.table(Table::Squashed),
            entry as usize * SQUASHED + 8,
        ))
    }
}
