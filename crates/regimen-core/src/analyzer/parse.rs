//! Splitting label text into ingredient items. One Aho-Corasick pass finds every known
//! name; one byte pass cuts the text at separators that fall outside those names and
//! outside parentheses. Each item then resolves against the names inside it.

use super::lexicon::Lexicon;

/// A known name found in the text, at word boundaries.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
    /// The term.
    pub term: u32,
}

/// A piece of text between separators, with the hits inside it.
#[derive(Debug, Clone, Copy)]
pub struct Piece {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
    /// Range of hits inside the piece.
    pub hits: (usize, usize),
    /// The separator that ended it (0 at the end of the text).
    pub closer: u8,
    /// What the bytes outside hits hold ([`LETTERS`], [`COLON`], ...), so that the
    /// common case (one known name and punctuation) skips the slower checks.
    pub marks: u8,
}

/// A letter outside the known names.
pub const LETTERS: u8 = 1;
/// A colon outside the known names.
pub const COLON: u8 = 2;
/// A percent sign.
pub const PERCENT: u8 = 4;
/// A parenthesis.
pub const PARENTHESIS: u8 = 8;
/// A plus sign (as in "+/-").
pub const PLUS: u8 = 16;
/// Two dots in a row (dotted leaders of a Drug Facts table).
pub const DOTS: u8 = 32;

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
}

/// Every known name in `lower` (the text in lower case), leftmost-longest, kept only at
/// word boundaries.
pub fn hits(lexicon: &Lexicon, lower: &str, out: &mut Vec<Hit>) {
    let bytes = lower.as_bytes();
    out.clear();
    lexicon.find_each(lower, |start, end, pattern| {
        let starts_word = start == 0 || !is_word(bytes[start - 1]) || !is_word(bytes[start]);
        let ends_word = end == bytes.len() || !is_word(bytes[end]) || !is_word(bytes[end - 1]);
        if starts_word && ends_word {
            out.push(Hit {
                start,
                end,
                term: lexicon.term_of_pattern(pattern as usize),
            });
        }
    });
}

/// What each byte adds to a piece's marks: one table look-up per byte of text.
const MARKS: [u8; 256] = {
    let mut marks = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        marks[byte] = match byte as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => LETTERS,
            b':' => COLON,
            b'%' => PERCENT,
            b'+' => PLUS,
            b'(' | b')' => PARENTHESIS,
            _ => 0,
        };
        byte += 1;
    }
    marks
};

/// The bytes that may end a piece (separators) or change the depth (parentheses).
const SEPARATOR: [bool; 256] = byte_set(b"()\n\r,;|[]\t{}.");

/// A table of the bytes given, for one look-up per byte of text.
pub(super) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// The places of the opening parentheses that nothing closes on their line ("Parfum
/// (Fragrance, Aqua, ..." with the ")" lost): they open nothing, so that they do not
/// swallow the rest of the list. Empty (no allocation) for a text without "(".
fn unclosed(bytes: &[u8]) -> Vec<usize> {
    let mut unclosed = Vec::new();
    if !bytes.contains(&b'(') {
        return unclosed;
    }
    let mut open: Vec<usize> = Vec::new();
    for (i, byte) in bytes.iter().enumerate() {
        match byte {
            b'(' => open.push(i),
            b')' => {
                open.pop();
            }
            b'\n' | b'\r' => unclosed.append(&mut open),
            _ => {}
        }
    }
    unclosed.append(&mut open);
    unclosed.sort_unstable();
    unclosed
}

/// Whether a colon comes before the next separator: the text is a label's.
fn before_a_colon(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| **b == b':' || SEPARATOR[usize::from(**b)])
        == Some(&b':')
}

/// Cuts `text` into pieces at separators outside hits and parentheses.
pub fn pieces(text: &str, hits: &[Hit], out: &mut Vec<Piece>) {
    let bytes = text.as_bytes();
    out.clear();
    let unclosed = unclosed(bytes);
    let mut depth = 0usize;
    let mut start = 0;
    let mut first_hit = 0;
    let mut next_hit = 0;
    let mut marks = 0u8;
    let mut i = 0;
    loop {
        // The bytes up to the next hit, read without looking at the hits again.
        let gap_end = hits.get(next_hit).map_or(bytes.len(), |h| h.start);
        while i < gap_end {
            let byte = bytes[i];
            // A plus or a dash between spaces is a bullet ("Aqua + Glycerin" as OCR
            // reads a bullet, "Aqua - Glycerin" as French packs print a list: no INCI
            // name has a spaced dash), not the "+/-" or "+ / -" of a may-contain list,
            // nor the dash of a label's text ("Day cream - Ingredients: Aqua").
            let bullet = matches!(byte, b'+' | b'-')
                && i > 0
                && bytes[i - 1] == b' '
                && bytes.get(i + 1) == Some(&b' ')
                && bytes[i + 1..].iter().find(|b| **b != b' ') != Some(&b'/')
                && bytes[..i].iter().rev().find(|b| **b != b' ') != Some(&b'/')
                && (byte == b'+' || !before_a_colon(&bytes[i + 1..]));
            if !bullet {
                marks |= MARKS[usize::from(byte)];
            }
            let cut = (bullet && depth == 0)
                || SEPARATOR[usize::from(byte)]
                    && match byte {
                        b'(' => {
                            if unclosed.binary_search(&i).is_err() {
                                depth += 1;
                            }
                            false
                        }
                        b')' => {
                            depth = depth.saturating_sub(1);
                            false
                        }
                        b'\n' | b'\r' => {
                            depth = 0;
                            true
                        }
                        // A full stop ends an item; dotted leaders ("Zinc Oxide 20% .....
                        // Sunscreen") do not: the item reader drops what follows them.
                        b'.' => {
                            if bytes.get(i + 1) == Some(&b'.') {
                                marks |= DOTS;
                            }
                            depth == 0
                                && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
                                && (i == 0 || bytes[i - 1] != b'.')
                        }
                        _ => depth == 0,
                    };
            if cut {
                out.push(Piece {
                    start,
                    end: i,
                    hits: (first_hit, next_hit),
                    closer: byte,
                    marks,
                });
                first_hit = next_hit;
                marks = 0;
                start = i + 1;
            }
            i += 1;
        }
        match hits.get(next_hit) {
            Some(hit) => {
                i = i.max(hit.end);
                next_hit += 1;
            }
            None => break,
        }
    }
    out.push(Piece {
        start,
        end: bytes.len(),
        hits: (first_hit, next_hit),
        closer: 0,
        marks,
    });
}

/// A percentage written in the text (`10%`, `0,5 %`, `(15%)`).
pub fn percent(text: &str) -> Option<f32> {
    let bytes = text.as_bytes();
    if !bytes.contains(&b'%') {
        return None;
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_digit() || bytes[i] == b'.' || bytes[i] == b',')
            {
                i += 1;
            }
            let number_end = i;
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            if bytes.get(i) == Some(&b'%') {
                let number = text[start..number_end].replace(',', ".");
                if let Ok(value) = number.trim_end_matches('.').parse::<f32>() {
                    if value > 0.0 && value <= 100.0 {
                        return Some(value);
                    }
                }
            }
            continue;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn reads_percentages() {
        assert_eq!(percent("Niacinamide 10%"), Some(10.0));
        assert_eq!(percent("Ascorbic Acid (15 %)"), Some(15.0));
        assert_eq!(percent("0,5% Salicylic Acid"), Some(0.5));
        assert_eq!(percent("PEG-100 Stearate"), None);
        assert_eq!(percent("250%"), None);
        assert_eq!(percent("C12-15 Alkyl Benzoate"), None);
    }
}
