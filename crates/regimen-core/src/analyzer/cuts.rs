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
const CUT: [bool; 256] = super::parse::byte_set(b",;|[]{}.\n\r\t");

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
    /// A filter over the spellings' cut bytes with their neighbours: bit
    /// `hash(before, byte, after) % BITS`, where a missing neighbour is [`EDGE`]. A clear
    /// bit means no spelling holds the byte between these neighbours.
    inside: Box<[u64]>,
    /// The spellings behind each key.
    holders: HashMap<u32, Vec<Holder>>,
}

/// A spelling that holds a cut byte, and where.
#[derive(Debug, Clone)]
struct Holder {
    spelling: Box<[u8]>,
    offset: usize,
}

/// Bits of the filter: 8 KiB, a few hundred keys set.
const BITS: u32 = 1 << 16;

fn key(before: u32, byte: u8, after: u32) -> u32 {
    (before << 17) | (after << 8) | u32::from(byte)
}

fn bit(key: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize % BITS as usize
}

impl Default for Cuts {
    fn default() -> Cuts {
        Cuts::of(&[])
    }
}

impl Cuts {
    /// The cuts of text searched for these spellings.
    pub fn of(patterns: &[Box<str>]) -> Cuts {
        let mut trim = [false; 256];
        for &byte in TRIMMED {
            trim[usize::from(byte)] = true;
        }
        let mut inside = vec![0u64; BITS as usize / 64].into_boxed_slice();
        let mut holders: HashMap<u32, Vec<Holder>> = HashMap::new();
        for pattern in patterns {
            let bytes = pattern.as_bytes();
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
                let key = key(
                    neighbour(offset.checked_sub(1)),
                    byte,
                    neighbour(Some(offset + 1)),
                );
                inside[bit(key) / 64] |= 1 << (bit(key) % 64);
                holders.entry(key).or_default().push(Holder {
                    spelling: bytes.into(),
                    offset,
                });
            }
        }
        Cuts {
            trim,
            inside,
            holders,
        }
    }

    /// The next cut at or after `from`, or the end of `bytes`: a separator that no
    /// occurrence of a spelling in `bytes` covers.
    #[inline]
    pub fn next(&self, bytes: &[u8], mut from: usize) -> usize {
        loop {
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
        let before = at.checked_sub(1).map(|b| u32::from(bytes[b]));
        // The spelling may hold the byte with both neighbours, or begin or end with it.
        let keys = [
            before.zip(after).map(|(b, a)| key(b, byte, a)),
            before.map(|b| key(b, byte, EDGE)),
            after.map(|a| key(EDGE, byte, a)),
            Some(key(EDGE, byte, EDGE)),
        ];
        for key in keys.into_iter().flatten() {
            if self.inside[bit(key) / 64] & (1 << (bit(key) % 64)) == 0 {
                continue;
            }
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
        self.inside.len() * 8
            + self
                .holders
                .values()
                .map(|h| h.iter().map(|h| h.spelling.len() + 24).sum::<usize>() + 32)
                .sum::<usize>()
    }
}
