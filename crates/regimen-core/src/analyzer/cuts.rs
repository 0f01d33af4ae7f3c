//! Where label text can be cut without changing what the matcher finds.
//!
//! Every match is an occurrence of a spelling, so a separator that no occurrence of a
//! spelling in the text covers lies between matches: cut there, a leftmost-longest
//! search finds in the pieces, one after the other, what it finds in the whole text. Most pieces of a list are one whole name ("glycerin"), found with
//! one hash look-up instead of a walk through the automaton's states, most of which are
//! out of cache; the others are searched as before. [`Cuts`] says which separators of a
//! text are such cuts: the ones no spelling could cover there ("oil, decamphorised" is a
//! spelling, so the comma of "wood oil, decamphorised" is no cut, and the comma of
//! "1,2-hexanediol" is none either).

use foldhash::{HashMap, HashMapExt};

/// The bytes a piece may be cut at (a full stop only before a space or the end).
const CUT_BYTES: &[u8] = b",;|[]{}.\n\r\t";
const CUT: [bool; 256] = super::parse::byte_set(CUT_BYTES);

/// The place of each cut byte in [`CUT_BYTES`].
const CUT_INDEX: [u8; 256] = {
    let mut index = [0u8; 256];
    let mut i = 0;
    while i < CUT_BYTES.len() {
        index[CUT_BYTES[i] as usize] = i as u8;
        i += 1;
    }
    index
};

fn triple(before: u8, byte: u8, after: u8) -> usize {
    usize::from(CUT_INDEX[usize::from(byte)]) << 16 | usize::from(before) << 8 | usize::from(after)
}

fn pair(before: u8, byte: u8) -> usize {
    usize::from(before) << 8 | usize::from(byte)
}

fn set(bits: &mut [u64], at: usize) {
    bits[at / 64] |= 1 << (at % 64);
}

fn has(bits: &[u64], at: usize) -> bool {
    bits[at / 64] & (1 << (at % 64)) != 0
}

/// Bytes trimmed off a piece before it is looked up whole, if no spelling starts or ends
/// with them.
const TRIMMED: &[u8] = b" \t\r\n'\"*";

/// "No byte": the cut byte is a spelling's first or last.
const EDGE: u32 = 256;

/// Which separators of a text are cuts, and what is trimmed off a piece.
#[derive(Debug, Clone)]
pub struct Cuts {
    /// Bytes no spelling starts or ends with, of [`TRIMMED`].
    trim: [bool; 256],
    /// Exact sets of the neighbours a cut byte has inside the spellings, so that one or
    /// two look-ups rule out most separators of a list: bit `triple(before, byte, after)`
    /// when a spelling holds `byte` between the two (80 KiB), bit `pair(before, byte)`
    /// when a spelling ends with them (8 KiB), and the cut bytes a spelling starts with.
    triples: Box<[u64]>,
    ends: Box<[u64]>,
    starts: [bool; 256],
    /// The spellings behind each key (a cut byte with its neighbours).
    holders: HashMap<u32, Vec<Holder>>,
}

/// A spelling that holds a cut byte, and where.
#[derive(Debug, Clone)]
struct Holder {
    spelling: Box<[u8]>,
    offset: usize,
}

fn key(before: u32, byte: u8, after: u32) -> u32 {
    (before << 17) | (after << 8) | u32::from(byte)
}

impl Default for Cuts {
    fn default() -> Cuts {
        Cuts::of([])
    }
}

impl Cuts {
    /// The cuts of text searched for these spellings.
    pub fn of<'a>(patterns: impl IntoIterator<Item = &'a [u8]>) -> Cuts {
        let mut trim = [false; 256];
        for &byte in TRIMMED {
            trim[usize::from(byte)] = true;
        }
        let mut triples = vec![0u64; CUT_BYTES.len() << 10].into_boxed_slice();
        let mut ends = vec![0u64; 1 << 10].into_boxed_slice();
        let mut starts = [false; 256];
        let mut holders: HashMap<u32, Vec<Holder>> = HashMap::new();
        for bytes in patterns {
            if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
                trim[usize::from(first)] = false;
                trim[usize::from(last)] = false;
            }
            for (offset, &byte) in bytes.iter().enumerate() {
                if !CUT[usize::from(byte)] {
                    continue;
                }
                let neighbour = |at: Option<usize>| {
                    at.and_then(|at| bytes.get(at))
                        .map_or(EDGE, |&b| u32::from(b))
                };
                match (
                    offset.checked_sub(1).map(|at| bytes[at]),
                    bytes.get(offset + 1),
                ) {
                    (None, _) => starts[usize::from(byte)] = true,
                    (Some(before), None) => set(&mut ends, pair(before, byte)),
                    (Some(before), Some(&after)) => {
                        set(&mut triples, triple(before, byte, after));
                    }
                }
                let key = key(
                    neighbour(offset.checked_sub(1)),
                    byte,
                    neighbour(Some(offset + 1)),
                );
                holders.entry(key).or_default().push(Holder {
                    spelling: bytes.into(),
                    offset,
                });
            }
        }
        Cuts {
            trim,
            triples,
            ends,
            starts,
            holders,
        }
    }

    /// The next cut at or after `from`, or the end of `bytes`: a separator that no
    /// occurrence of a spelling in `bytes` covers.
    #[inline]
    pub fn next(&self, bytes: &[u8], mut from: usize) -> usize {
        loop {
            // Eight bytes at a time with one branch: most of a list is no cut byte.
            while let Some(chunk) = bytes.get(from..from + 8) {
                if chunk
                    .iter()
                    .fold(false, |any, &b| any | CUT[usize::from(b)])
                {
                    break;
                }
                from += 8;
            }
            while from < bytes.len() && !CUT[usize::from(bytes[from])] {
                from += 1;
            }
            if from == bytes.len() || self.is_cut(bytes, from) {
                return from;
            }
            from += 1;
        }
    }

    /// Whether the separator at `at` is a cut.
    fn is_cut(&self, bytes: &[u8], at: usize) -> bool {
        let byte = bytes[at];
        let after = bytes.get(at + 1).map(|&b| u32::from(b));
        if byte == b'.' && after.is_some_and(|b| !(b as u8).is_ascii_whitespace()) {
            return false;
        }
        let before = at.checked_sub(1).map(|b| bytes[b]);
        // Which spellings could hold the byte here: between these neighbours, at their
        // end after this one, or at their start; most separators of a list are held by
        // none, told by these exact sets without hashing.
        let inside = before
            .zip(after)
            .is_some_and(|(b, a)| has(&self.triples, triple(b, byte, a as u8)));
        let ends = before.is_some_and(|b| has(&self.ends, pair(b, byte)));
        let starts = self.starts[usize::from(byte)];
        if !(inside || ends || starts) {
            return true;
        }
        let before = before.map(u32::from);
        let keys = [
            before
                .zip(after)
                .filter(|_| inside)
                .map(|(b, a)| key(b, byte, a)),
            before.filter(|_| ends).map(|b| key(b, byte, EDGE)),
            after.filter(|_| starts).map(|a| key(EDGE, byte, a)),
            starts.then(|| key(EDGE, byte, EDGE)),
        ];
        for key in keys.into_iter().flatten() {
            let holders = self.holders.get(&key).map_or(&[][..], Vec::as_slice);
            for Holder { spelling, offset } in holders {
                let Some(start) = at.checked_sub(*offset) else {
                    continue;
                };
                if bytes.get(start..start + spelling.len()) == Some(&spelling[..]) {
                    return false;
                }
            }
        }
        true
    }

    /// `start..end` without the bytes at either end that no spelling starts or ends with.
    #[inline]
    pub fn trimmed(&self, bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
        while start < end && self.trim[usize::from(bytes[start])] {
            start += 1;
        }
        while end > start && self.trim[usize::from(bytes[end - 1])] {
            end -= 1;
        }
        (start, end)
    }

    /// Bytes of memory it holds.
    pub fn heap_bytes(&self) -> usize {
        (self.triples.len() + self.ends.len()) * 8
            + self
                .holders
                .values()
                .map(|h| h.iter().map(|h| h.spelling.len() + 24).sum::<usize>() + 32)
                .sum::<usize>()
    }
}
