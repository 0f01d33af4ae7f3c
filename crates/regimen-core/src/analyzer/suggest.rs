//! Suggestions for names the analyzer does not know: a symmetric-delete index
//! (SymSpell) over every known spelling finds the names within one deletion of the
//! query on each side, which covers one missing, extra or changed letter, and the
//! closest by Damerau-Levenshtein distance wins. build.rs makes the index of the
//! shipped spellings ahead of time (the same bytes this module makes at run time), so
//! a first misspelt name costs no build; an edited dictionary builds its own.

use std::borrow::Cow;
use std::hash::BuildHasher;

/// Spellings longer than this are not indexed (long botanical blends are rarely typed).
const MAX_LEN: usize = 48;

/// Buckets of the index, by the top bits of a hash.
const BUCKET_BITS: u32 = 16;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// The index: (hash of a spelling or of one of its deletions, pattern id), placed in
/// buckets by the top bits of the hash (two passes, where sorting all 700,000 entries
/// took most of the build); an entry keeps the low 32 bits, so a candidate matches 48
/// bits of the hash (a rare false candidate is measured like the others, and loses).
///
/// Its bytes, little-endian: the hash of [`CHECK`], then where each bucket starts
/// (`BUCKETS + 1` u32 counts of entries), then the entries (u32 low hash, u32 id).
#[derive(Debug)]
pub struct SuggestIndex {
    bytes: Cow<'static, [u8]>,
}

/// Hashed into the index's first bytes: an index made where the hash differs (another
/// platform) is not used.
const CHECK: &[u8] = b"regimen suggestion index";
const HEADER: usize = 8;

fn low(hash: u64) -> u32 {
    hash as u32
}

fn bucket(hash: u64) -> usize {
    (hash >> (64 - BUCKET_BITS)) as usize
}

/// A fixed-seed hash, and foldhash hashes short keys several times faster than SipHash.
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

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

impl SuggestIndex {
    /// Indexes the spellings (lower case).
    pub fn build<S: AsRef<str>>(patterns: &[S]) -> SuggestIndex {
        let mut raw = Vec::with_capacity(patterns.len() * 24);
        for (id, pattern) in patterns.iter().enumerate() {
            let bytes = pattern.as_ref().as_bytes();
            if bytes.len() > MAX_LEN || bytes.len() < 3 {
                continue;
            }
            raw.push((hash(bytes), id as u32));
            deletions(bytes, |d| raw.push((hash(d), id as u32)));
        }
        let mut starts = vec![0u32; BUCKETS + 1];
        for (h, _) in &raw {
            starts[bucket(*h) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let entries_at = HEADER + 4 * starts.len();
        let mut bytes = vec![0u8; entries_at + 8 * raw.len()];
        bytes[..HEADER].copy_from_slice(&hash(CHECK).to_le_bytes());
        for (i, start) in starts.iter().enumerate() {
            bytes[HEADER + 4 * i..HEADER + 4 * i + 4].copy_from_slice(&start.to_le_bytes());
        }
        let mut next = starts;
        for (h, id) in raw {
            let at = &mut next[bucket(h)];
            let place = entries_at + 8 * *at as usize;
            bytes[place..place + 4].copy_from_slice(&low(h).to_le_bytes());
            bytes[place + 4..place + 8].copy_from_slice(&id.to_le_bytes());
            *at += 1;
        }
        SuggestIndex {
            bytes: Cow::Owned(bytes),
        }
    }

    /// The index in `bytes` (made by [`SuggestIndex::to_bytes`]), if it was made with
    /// this platform's hash and holds `BUCKETS` buckets whose entries it has.
    pub fn from_static(bytes: &'static [u8]) -> Option<SuggestIndex> {
        let check = bytes.get(..HEADER)?;
        let entries = u32_at(bytes, HEADER + 4 * BUCKETS) as usize;
        let sound = check == hash(CHECK).to_le_bytes()
            && bytes.len() == HEADER + 4 * (BUCKETS + 1) + 8 * entries;
        sound.then_some(SuggestIndex {
            bytes: Cow::Borrowed(bytes),
        })
    }

    /// The index's bytes (what build.rs writes; the tests compare them).
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn to_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn lookup(&self, key: u64, out: &mut Vec<u32>) {
        let b = bucket(key);
        let start = u32_at(&self.bytes, HEADER + 4 * b) as usize;
        let end = u32_at(&self.bytes, HEADER + 4 * (b + 1)) as usize;
        let entries_at = HEADER + 4 * (BUCKETS + 1);
        for entry in start..end {
            let at = entries_at + 8 * entry;
            if u32_at(&self.bytes, at) == low(key) {
                out.push(u32_at(&self.bytes, at + 4));
            }
        }
    }

    /// The closest known spelling to `query` (lower case), if one is within two edits.
    pub fn suggest<'p>(&self, pattern: impl Fn(u32) -> &'p str, query: &str) -> Option<u32> {
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
            .map(|id| (strsim::damerau_levenshtein(query, pattern(id)), id))
            .filter(|(distance, _)| *distance <= 2)
            .min()
            .map(|(_, id)| id)
    }
}
