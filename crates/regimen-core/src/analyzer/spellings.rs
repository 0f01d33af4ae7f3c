//! A map from spellings (bytes) to ids, for the look-ups made for every item of every
//! list. Most spellings are short, and those are kept inside the table: a look-up reads
//! one place in memory, where a map of boxed strings reads the table and then the
//! string, elsewhere on the heap, and waits for memory twice.

use foldhash::HashMap;
use std::hash::{Hash, Hasher};

/// Spellings and their ids.
#[derive(Debug, Clone, Default)]
pub struct Spellings {
    short: HashMap<Short, u32>,
    long: HashMap<Box<[u8]>, u32>,
}

/// A spelling of up to [`Short::LEN`] bytes, in place (the rest zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Short {
    len: u8,
    bytes: [u8; Short::LEN],
}

impl Short {
    /// With the length, 28 bytes: the entry with its id fills 32.
    const LEN: usize = 27;

    fn of(bytes: &[u8]) -> Option<Short> {
        let mut short = Short {
            len: u8::try_from(bytes.len()).ok()?,
            bytes: [0; Short::LEN],
        };
        short.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        Some(short)
    }
}

impl Hash for Short {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write(&self.bytes[..usize::from(self.len)]);
    }
}

impl Spellings {
    /// The id of `spelling`, if it is one.
    #[inline]
    pub fn get(&self, spelling: &[u8]) -> Option<u32> {
        match Short::of(spelling) {
            Some(short) => self.short.get(&short).copied(),
            None => self.long.get(spelling).copied(),
        }
    }

    /// Adds `spelling` with `id` unless it is there already (the first id stays).
    pub fn insert_first(&mut self, spelling: &[u8], id: u32) {
        match Short::of(spelling) {
            Some(short) => self.short.entry(short).or_insert(id),
            None => self.long.entry(spelling.into()).or_insert(id),
        };
    }

    /// Bytes of memory it holds.
    pub fn heap_bytes(&self) -> usize {
        self.short.capacity() * (std::mem::size_of::<(Short, u32)>() + 1)
            + self.long.capacity() * (std::mem::size_of::<(Box<[u8]>, u32)>() + 1)
            + self.long.keys().map(|k| k.len()).sum::<usize>()
    }
}

impl<'a> FromIterator<(&'a [u8], u32)> for Spellings {
    fn from_iter<I: IntoIterator<Item = (&'a [u8], u32)>>(spellings: I) -> Spellings {
        let mut map = Spellings::default();
        for (spelling, id) in spellings {
            map.insert_first(spelling, id);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::Spellings;

    #[test]
    fn finds_short_and_long_spellings_and_keeps_the_first_id() {
        let long = "hydroxyethyl acrylate/sodium acryloyldimethyl taurate copolymer";
        let mut map: Spellings = [("glycerin".as_bytes(), 1), (long.as_bytes(), 2)]
            .into_iter()
            .collect();
        map.insert_first(b"glycerin", 3);
        assert_eq!(map.get(b"glycerin"), Some(1));
        assert_eq!(map.get(long.as_bytes()), Some(2));
        assert_eq!(map.get(b"glycerin "), None);
        assert_eq!(map.get(b"glyceri"), None);
        // Zero bytes in the text are no padding.
        assert_eq!(map.get(b"glycerin\0"), None);
        assert_eq!(map.get(&long.as_bytes()[..27]), None);
        assert_eq!(map.get(b""), None);
    }
}
