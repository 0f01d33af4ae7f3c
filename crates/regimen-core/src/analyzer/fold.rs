//! Folding label text to ASCII: accents dropped (é -> e), typographic punctuation made
//! plain, bullets turned into separators. Pure ASCII text is borrowed unchanged.

use std::borrow::Cow;

/// The ASCII form of `text`.
pub fn to_ascii(text: &str) -> Cow<'_, str> {
    fold(text, false)
}

/// The ASCII form of `text`, except letters that have none (Hangul, kana, kanji), which
/// stay as they are: a product's name in Korean or Japanese still says its kind.
pub fn to_ascii_keeping_letters(text: &str) -> Cow<'_, str> {
    fold(text, true)
}

fn fold(text: &str, keep_letters: bool) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        match fold_char(c) {
            Some(folded) => out.push_str(folded),
            None if keep_letters && c.is_alphabetic() => out.push(c),
            None => out.push(' '),
        }
    }
    Cow::Owned(out)
}

fn fold_char(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'æ' => "ae",
        'Æ' => "AE",
        'ç' | 'ć' | 'č' => "c",
        'Ç' | 'Ć' | 'Č' => "C",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Į' | 'İ' => "I",
        'ñ' | 'ń' | 'ň' => "n",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ß' => "ss",
        'ś' | 'š' | 'ş' => "s",
        'Ś' | 'Š' | 'Ş' => "S",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ł' => "l",
        'Ł' => "L",
        '\u{a0}' | '\u{2007}' | '\u{202f}' | '\u{2009}' | '\u{200a}' | '\u{3000}' => " ",
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '®' | '™' | '©' => "",
        '‐' | '‑' | '‒' | '–' | '—' | '−' => "-",
        '‘' | '’' | '‚' | '′' => "'",
        '“' | '”' | '„' | '″' => "\"",
        '•' | '·' | '●' | '▪' | '◦' | '、' | '，' => ",",
        '；' => ";",
        '：' => ":",
        '（' => "(",
        '）' => ")",
        '×' => "x",
        'µ' | 'μ' => "u",
        '†' | '‡' | '¹' | '²' | '³' | '⁺' => "*",
        '½' => "1/2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::to_ascii;

    #[test]
    fn folds_accents_and_punctuation() {
        assert_eq!(
            to_ascii("Glycérine • Aqua – Eau™"),
            "Glycerine , Aqua - Eau"
        );
        assert_eq!(to_ascii("Parfum\u{a0}(Fragrance)"), "Parfum (Fragrance)");
        assert!(matches!(to_ascii("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(to_ascii("日本"), "  ");
        assert_eq!(
            super::to_ascii_keeping_letters("설화수 크림 • Crème"),
            "설화수 크림 , Creme"
        );
    }
}
