//! Suggestions for names the analyzer does not know: a symmetric-delete index
//! (SymSpell) over every known spelling finds the names within one deletion of the
//! query on each side, which covers one missing, extra or changed letter, and the
//! closest by Damerau-Levenshtein distance wins. Built on first use.

use std::hash::BuildHasher;

/// Spellings longer than this are not indexed (long botanical blends are rarely typed).
const MAX_LEN: usize = 48;

/// Buckets of the index, by the top bits of a hash.
const BUCKET_BITS: u32 = 16;

/// The index: (hash of a spelling or of one of its deletions, pattern id), placed in
/// buckets by the top bits of the hash (two passes, where sorting all 700,000 entries
/// took most of the build); an entry keeps the low 32 bits, so a candidate matches 48
/// bits of the hash (a rare false candidate is measured like the others, and loses).
#[derive(Debug)]
pub struct SuggestIndex {
    /// Where each bucket starts in `entries` (one more at the end).
    starts: Vec<u32>,
    entries: Vec<(u32, u32)>,
}

fn low(hash: u64) -> u32 {
    hash as u32
}

fn bucket(hash: u64) -> usize {
    (hash >> (64 - BUCKET_BITS)) as usize
}

/// A fixed-seed hash: the index is built and queried in one process, so any seed works,
/// and foldhash hashes short keys several times faster than SipHash.
fn hash(bytes: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x5eed).hash_one(bytes)
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
        let mut raw = Vec::with_capacity(patterns.len() * 24);
        for (id, pattern) in patterns.iter().enumerate() {
            let bytes = pattern.as_bytes();
            if bytes.len() > MAX_LEN || bytes.len() < 3 {
                continue;
            }
            raw.push((hash(bytes), id as u32));
            deletions(bytes, |d| raw.push((hash(d), id as u32)));
        }
        let mut starts = vec![0u32; (1 << BUCKET_BITS) + 1];
        for (h, _) in &raw {
            starts[bucket(*h) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut entries = vec![(0u32, 0u32); raw.len()];
        for (h, id) in raw {
            let at = &mut next[bucket(h)];
            entries[*at as usize] = (low(h), id);
            *at += 1;
        }
        SuggestIndex { starts, entries }
    }

    fn lookup(&self, key: u64, out: &mut Vec<u32>) {
        let b = bucket(key);
        let range = self.starts[b] as usize..self.starts[b + 1] as usize;
        out.extend(
            self.entries[range]
                .iter()
                .filter(|(h, _)| *h == low(key))
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
