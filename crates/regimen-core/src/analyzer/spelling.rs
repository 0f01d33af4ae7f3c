//! How a name becomes what the matcher looks for. The lexicon uses these functions at
//! run time, and `build.rs` includes this file (with `fold.rs`) to build the shipped
//! matcher ahead of time from the same spellings; the fingerprint tells the lexicon
//! whether the matcher it ships was built from exactly the patterns it computes.

/// The canonical form of a name: single spaces, upper case (as CosIng spells it).
pub fn canonical(name: &str) -> String {
    // Most names (all of CosIng's but one) are already canonical.
    if is_single_spaced(name) && !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return name.to_string();
    }
    // A label's name in mixed case ("Eucalyptus Globulus Oil"): one pass.
    if is_single_spaced(name) && name.is_ascii() {
        return name.to_ascii_uppercase();
    }
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase()
}

/// Normalizes a name for matching: ASCII, lower case, single spaces.
pub fn normalize(name: &str) -> String {
    if is_single_spaced(name) {
        return name.to_ascii_lowercase();
    }
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

/// Whether `name` is ASCII with single spaces between its words and none around them
/// (what `split_whitespace` and a join would leave as it is).
pub fn is_single_spaced(name: &str) -> bool {
    // One pass: a space must follow a byte that is none, and none may end the name.
    let mut after_space = true;
    for &byte in name.as_bytes() {
        if byte == b' ' {
            if after_space {
                return false;
            }
            after_space = true;
        } else if !byte.is_ascii() || byte.is_ascii_whitespace() {
            return false;
        } else {
            after_space = false;
        }
    }
    !after_space || name.is_empty()
}

/// The patterns a canonical name is found by: its normalized form, and the same without
/// a final full stop ("... EXTRACT." is also found as "... extract"), first.
pub fn name_patterns(canonical_name: &str) -> impl Iterator<Item = String> {
    let name = normalize(canonical_name);
    let stripped = name.strip_suffix('.').map(str::to_string);
    stripped.into_iter().chain(std::iter::once(name))
}

/// A fingerprint of the sorted, distinct patterns: 64-bit FNV-1a over each pattern and a
/// newline. The same on every platform, so a matcher built ahead of time can be checked.
pub fn fingerprint<'a>(sorted: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for pattern in sorted {
        for byte in pattern.bytes().chain(std::iter::once(b'\n')) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
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

#[cfg(test)]
mod tests {
    use super::is_single_spaced;

    /// What `is_single_spaced` must say: ASCII, and unchanged by splitting at whitespace
    /// and joining with single spaces.
    fn by_definition(name: &str) -> bool {
        name.is_ascii() && name.split_whitespace().collect::<Vec<_>>().join(" ") == name
    }

    #[test]
    fn single_spaced_names_are_told_in_one_pass_as_by_the_definition() {
        // Every string of up to six characters over letters, spaces, a tab and an accent.
        let alphabet = ['a', 'B', ' ', '\t', 'é'];
        let mut names = vec![String::new()];
        let mut longest = names.clone();
        for _ in 0..6 {
            longest = longest
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            names.extend_from_slice(&longest);
        }
        assert!(names.len() > 19_000);
        for name in &names {
            assert_eq!(is_single_spaced(name), by_definition(name), "{name:?}");
        }
    }
}
