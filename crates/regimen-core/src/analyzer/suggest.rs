//! Suggestions for names the analyzer does not know: a symmetric-delete index
//! (SymSpell) over every known spelling finds the names within one deletion of the
//! query on each side, which covers one missing, extra or changed letter, and the
//! closest by Damerau-Levenshtein distance wins. Built on first use.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

/// Spellings longer than this are not indexed (long botanical blends are rarely typed).
const MAX_LEN: usize = 48;

/// The index: (hash of a spelling or of one of its deletions, pattern id), sorted.
#[derive(Debug)]
pub struct SuggestIndex {
    entries: Vec<(u64, u32)>,
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn deletions(word: &[u8], mut each: impl FnMut(&[u8])) {
    let mut buffer = Vec::with_capacity(word.len());
    for skip in 0..word.len() {
        buffer.clear();
        buffer.extend_from_slice(&word[..skip]);
        buffer.extend_from_slice(&word[skip + 1..]);
        each(&buffer);
    }
}

impl SuggestIndex {
    /// Indexes the spellings (lower case).
    pub fn build(patterns: &[Box<str>]) -> SuggestIndex {
        let mut entries = Vec::with_capacity(patterns.len() * 24);
        for (id, pattern) in patterns.iter().enumerate() {
            let bytes = pattern.as_bytes();
            if bytes.len() > MAX_LEN || bytes.len() < 3 {
                continue;
            }
            entries.push((hash(bytes), id as u32));
            deletions(bytes, |d| entries.push((hash(d), id as u32)));
        }
        entries.sort_unstable();
        entries.dedup();
        SuggestIndex { entries }
    }

    fn lookup(&self, key: u64, out: &mut Vec<u32>) {
        let first = self.entries.partition_point(|(h, _)| *h < key);
        out.extend(
            self.entries[first..]
                .iter()
                .take_while(|(h, _)| *h == key)
                .map(|(_, id)| *id),
        );
    }

    /// The closest known spelling to `query` (lower case), if one is within two edits.
    pub fn suggest(&self, patterns: &[Box<str>], query: &str) -> Option<u32> {
        let bytes = query.as_bytes();
        if bytes.len() > MAX_LEN || bytes.len() < 4 {
            return None;
        }
        let mut candidates = Vec::new();
        self.lookup(hash(bytes), &mut candidates);
        deletions(bytes, |d| self.lookup(hash(d), &mut candidates));
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .map(|id| {
                (
                    strsim::damerau_levenshtein(query, &patterns[id as usize]),
                    id,
                )
            })
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, id)| id)
    }
}
