//! The product catalog as text: a line of the Open Beauty Facts JSONL dump read into a
//! [`Record`] (its name in the best language, its ingredient list and that list's
//! language), the words a search matches (accents folded, lower case), barcodes
//! checked by their GTIN check digit, and a search typed with a slip made into the
//! words the catalog has ([`Vocabulary::query`]). Pure: the file, the database and the
//! progress bar are the callers'.

use crate::analyzer::{to_ascii, SuggestIndex};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;

/// One product of the catalog, as the dump describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The barcode as the dump writes it (EAN-13, EAN-8, UPC; digits).
    pub code: String,
    /// Its name in the best language the dump has (its own language, then any).
    pub name: String,
    /// Brands, as written.
    pub brands: String,
    /// Categories, without their language prefix (`en:face-creams` -> `face creams`).
    pub categories: String,
    /// The ingredient list (empty when the dump has none).
    pub ingredients: String,
    /// The list's language (`fr`), or the product's when the list has no suffix.
    pub lang: String,
    /// When the product was last changed in the dump (Unix seconds; 0 unknown).
    pub modified: i64,
}

/// Why a line is not a product.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The line is not one JSON object.
    #[error("not a JSON object: {0}")]
    Json(String),
    /// The object has no barcode.
    #[error("no \"code\"")]
    NoCode,
}

/// What a dump line holds that the catalog keeps; the many other fields are skipped
/// unread (`IgnoredAny`), so a line costs its scan, not its tree.
#[derive(Default)]
struct Raw {
    code: Option<String>,
    lang: Option<String>,
    lc: Option<String>,
    brands: Option<String>,
    categories: Vec<String>,
    modified: Option<i64>,
    /// `product_name` (key "") and `product_name_<lang>`.
    names: Vec<(String, String)>,
    /// `ingredients_text` and `ingredients_text_<lang>`.
    ingredients: Vec<(String, String)>,
}

/// A language suffix: two or three lower-case letters (`product_name_fr`, not
/// `product_name_fr_debug_tags`).
fn language_suffix<'k>(key: &'k str, field: &str) -> Option<&'k str> {
    let rest = key.strip_prefix(field)?;
    if rest.is_empty() {
        return Some("");
    }
    let lang = rest.strip_prefix('_')?;
    ((2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase())).then_some(lang)
}

/// A value taken as text when it is one (a string or a number), else nothing: the dump
/// is written by many hands.
struct Lenient(Option<String>);

impl<'de> de::Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lenient;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Lenient, E> {
                Ok(Lenient(Some(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Lenient, E> {
                Ok(Lenient(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Lenient, E> {
                Ok(Lenient(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Lenient, E> {
                Ok(Lenient(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Lenient, E> {
                Ok(Lenient(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lenient, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A list of texts, leniently (anything else is an empty list).
struct Texts(Vec<String>);

impl<'de> de::Deserialize<'de> for Texts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Texts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of texts")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Texts, A::Error> {
                let mut out = Vec::new();
                while let Some(Lenient(text)) = seq.next_element::<Lenient>()? {
                    out.extend(text);
                }
                Ok(Texts(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Texts, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Texts(Vec::new()))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Texts, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Texts, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Texts, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Texts, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Texts, E> {
                Ok(Texts(Vec::new()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Texts, E> {
                Ok(Texts(Vec::new()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> de::Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a product object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
                let mut raw = Raw::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let key = key.as_ref();
                    match key {
                        "code" => raw.code = map.next_value::<Lenient>()?.0,
                        "lang" => raw.lang = map.next_value::<Lenient>()?.0,
                        "lc" => raw.lc = map.next_value::<Lenient>()?.0,
                        "brands" => raw.brands = map.next_value::<Lenient>()?.0,
                        "categories_tags" => raw.categories = map.next_value::<Texts>()?.0,
                        "last_modified_t" => {
                            raw.modified =
                                map.next_value::<Lenient>()?.0.and_then(|t| t.parse().ok());
                        }
                        _ => {
                            if let Some(lang) = language_suffix(key, "product_name") {
                                let lang = lang.to_string();
                                if let Some(text) = map.next_value::<Lenient>()?.0 {
                                    raw.names.push((lang, text));
                                }
                            } else if let Some(lang) = language_suffix(key, "ingredients_text") {
                                let lang = lang.to_string();
                                if let Some(text) = map.next_value::<Lenient>()?.0 {
                                    raw.ingredients.push((lang, text));
                                }
                            } else {
                                map.next_value::<IgnoredAny>()?;
                            }
                        }
                    }
                }
                Ok(raw)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// The best of several texts by language: the product's own language, then the text
/// without a suffix, then English, then any other (the first by language code, so the
/// choice does not depend on the order of the keys). Blank texts do not count.
fn best<'a>(texts: &'a [(String, String)], lang: &str) -> Option<(&'a str, &'a str)> {
    let usable = || texts.iter().filter(|(_, t)| !t.trim().is_empty());
    let by = |wanted: &str| usable().find(|(l, _)| l == wanted);
    let found = by(lang)
        .filter(|_| !lang.is_empty())
        .or_else(|| by(""))
        .or_else(|| by("en"))
        .or_else(|| usable().min_by(|a, b| a.0.cmp(&b.0)))?;
    Some((found.0.as_str(), found.1.trim()))
}

/// A category tag in words: `en:face-creams` -> `face creams`.
fn category_words(tag: &str) -> String {
    let words = tag.split_once(':').map_or(tag, |(_, rest)| rest);
    words.replace('-', " ")
}

/// Reads one line of the Open Beauty Facts dump. `Ok(None)`: a product with neither a
/// name nor an ingredient list, which nothing could find or use.
pub fn read_record(line: &str) -> Result<Option<Record>, RecordError> {
    let raw: Raw = serde_json::from_str(line).map_err(|e| RecordError::Json(e.to_string()))?;
    let code: String = raw
        .code
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if code.is_empty() {
        return Err(RecordError::NoCode);
    }
    let lang = raw
        .lang
        .as_deref()
        .filter(|l| !l.is_empty())
        .or(raw.lc.as_deref())
        .unwrap_or_default()
        .to_string();
    let name = best(&raw.names, &lang).map(|(_, t)| t.to_string());
    let ingredients = best(&raw.ingredients, &lang).map(|(l, t)| {
        (
            if l.is_empty() {
                lang.clone()
            } else {
                l.to_string()
            },
            t,
        )
    });
    if name.is_none() && ingredients.is_none() {
        return Ok(None);
    }
    let mut categories: Vec<String> = Vec::new();
    for tag in &raw.categories {
        let words = category_words(tag);
        if !words.is_empty() && !categories.contains(&words) {
            categories.push(words);
        }
    }
    let (ingredients_lang, ingredients) = ingredients.unwrap_or_default();
    Ok(Some(Record {
        code,
        name: name.unwrap_or_default(),
        brands: raw.brands.unwrap_or_default().trim().to_string(),
        categories: categories.join(", "),
        ingredients: ingredients.to_string(),
        lang: if ingredients.is_empty() {
            lang
        } else {
            ingredients_lang
        },
        modified: raw.modified.unwrap_or(0),
    }))
}

/// The words a search matches in `text`: accents folded, lower case, letters and
/// digits only, two characters or more.
pub fn words(text: &str) -> Vec<String> {
    let folded = to_ascii(text).to_ascii_lowercase();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

/// Whether `code` (8, 12, 13 or 14 digits) ends with the right GTIN check digit: the
/// digits before it weighted 3 and 1 from the right, the sum brought to a multiple of 10.
pub fn check_digit_ok(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != code.len() || ![8, 12, 13, 14].contains(&digits.len()) {
        return false;
    }
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    (10 - sum % 10) % 10 == check[0]
}

/// A query that is a barcode (8 to 14 digits, spaces and dashes allowed) as the codes
/// a catalog may store it under: as typed, a UPC-A (12) with the leading 0 of its
/// EAN-13, an EAN-13 or GTIN-14 without its leading zeros.
pub fn barcode_forms(query: &str) -> Option<Vec<String>> {
    let digits: String = query.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !(8..=14).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut forms = vec![digits.clone()];
    match digits.len() {
        12 => forms.push(format!("0{digits}")),
        13 if digits.starts_with('0') => forms.push(digits[1..].to_string()),
        14 if digits.starts_with('0') => {
            forms.push(digits[1..].to_string());
            if let Some(rest) = digits.strip_prefix("00") {
                forms.push(rest.to_string());
            }
        }
        _ => {}
    }
    Some(forms)
}

/// One word of a search as the catalog will match it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The word (folded, lower case).
    pub word: String,
    /// Also the words it begins (the last word of a search being typed).
    pub prefix: bool,
}

/// A search, ready for the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Nothing to look for.
    Empty,
    /// A barcode, in the forms it may be stored under.
    Code(Vec<String>),
    /// Words, every one to be found; `corrected` says which typed words were read as
    /// another (`("niveo", "nivea")`), and `unknown` those left out.
    Words {
        /// The words.
        terms: Vec<Term>,
        /// Typed words read as the catalog's nearest.
        corrected: Vec<(String, String)>,
        /// Typed words the catalog has nothing near.
        unknown: Vec<String>,
    },
}

/// The words of a catalog (of its names, brands and categories), most frequent first,
/// with an index of their spellings for the ones typed with a slip.
#[derive(Debug)]
pub struct Vocabulary {
    words: Vec<Box<str>>,
    /// Word ids in alphabetical order, for prefixes.
    sorted: Vec<u32>,
    known: HashMap<Box<str>, u32>,
    index: SuggestIndex,
}

impl Vocabulary {
    /// The vocabulary of `(word, count)` pairs (any order).
    pub fn new(mut counted: Vec<(String, i64)>) -> Vocabulary {
        counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let words: Vec<Box<str>> = counted.into_iter().map(|(w, _)| w.into()).collect();
        let mut sorted: Vec<u32> = (0..words.len() as u32).collect();
        sorted.sort_by(|a, b| words[*a as usize].cmp(&words[*b as usize]));
        let known = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u32))
            .collect();
        let index = SuggestIndex::build(&words);
        Vocabulary {
            words,
            sorted,
            known,
            index,
        }
    }

    fn begins_some_word(&self, prefix: &str) -> bool {
        let at = self
            .sorted
            .partition_point(|id| &*self.words[*id as usize] < prefix);
        self.sorted
            .get(at)
            .is_some_and(|id| self.words[*id as usize].starts_with(prefix))
    }

    /// A typed search as the catalog will run it: a barcode as its forms; else each
    /// word as the catalog has it, or its nearest word (one or two slips, the most
    /// frequent of the nearest), the last one also as the beginning of longer words,
    /// and a word with nothing near left out (and said).
    pub fn query(&self, typed: &str) -> Query {
        if let Some(forms) = barcode_forms(typed) {
            return Query::Code(forms);
        }
        let typed_words = words(typed);
        let last = typed_words.len().saturating_sub(1);
        let mut terms: Vec<Term> = Vec::new();
        let mut corrected = Vec::new();
        let mut unknown = Vec::new();
        for (i, word) in typed_words.into_iter().enumerate() {
            let prefix = i == last;
            let term = if self.known.contains_key(word.as_str())
                || (prefix && self.begins_some_word(&word))
            {
                Some(Term {
                    word: word.clone(),
                    prefix,
                })
            } else if let Some(id) = self
                .index
                .suggest(|id| self.words.get(id as usize).map_or("", |w| w), &word)
            {
                let near = self.words[id as usize].to_string();
                corrected.push((word.clone(), near.clone()));
                Some(Term {
                    word: near,
                    prefix: false,
                })
            } else {
                unknown.push(word.clone());
                None
            };
            if let Some(term) = term {
                if !terms.iter().any(|t| t.word == term.word) {
                    terms.push(term);
                }
            }
        }
        if terms.is_empty() && unknown.is_empty() {
            return Query::Empty;
        }
        Query::Words {
            terms,
            corrected,
            unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_in_the_products_own_language_and_the_list_with_its_language() {
        let line = r#"{"code":"0018787810545","lang":"de","product_name":"","product_name_de":"Naturseife Eukalyptus","product_name_en":"Pure-Castile Soap","product_name_de_debug_tags":[],"ingredients_text_de":"Aqua, Glycerin","brands":"Dr. Bronner's","categories_tags":["en:hygiene","de:körperlotion"],"last_modified_t":1560000000,"nutriments":{"x":1}}"#;
        let record = read_record(line).expect("read").expect("a product");
        assert_eq!(record.name, "Naturseife Eukalyptus");
        assert_eq!(record.ingredients, "Aqua, Glycerin");
        assert_eq!(record.lang, "de");
        assert_eq!(record.categories, "hygiene, körperlotion");
        assert_eq!(record.modified, 1_560_000_000);
    }

    #[test]
    fn a_line_that_is_not_a_product_is_said() {
        assert!(matches!(
            read_record("{\"code\": "),
            Err(RecordError::Json(_))
        ));
        assert_eq!(
            read_record("{\"product_name\":\"x\"}"),
            Err(RecordError::NoCode)
        );
        assert_eq!(read_record("{\"code\":\"123\"}"), Ok(None));
        // A number for a code, a list for a name: read as far as they make sense.
        let record =
            read_record(r#"{"code":3600523,"product_name":["x"],"ingredients_text":"Aqua"}"#)
                .expect("read")
                .expect("a product");
        assert_eq!(record.code, "3600523");
        assert_eq!(record.name, "");
    }

    #[test]
    fn check_digits() {
        assert!(check_digit_ok("3600523614455"));
        assert!(!check_digit_ok("3600523614454"));
        assert!(check_digit_ok("036000291452")); // UPC-A
        assert!(check_digit_ok("96385074")); // EAN-8
        assert!(!check_digit_ok("12345"));
        assert!(!check_digit_ok("36005236144a5"));
    }

    #[test]
    fn barcodes_in_their_stored_forms() {
        let forms = |q: &str| barcode_forms(q).expect("a barcode");
        assert_eq!(forms("036000291452"), ["036000291452", "0036000291452"]);
        assert_eq!(forms("0036000291452"), ["0036000291452", "036000291452"]);
        assert_eq!(forms("96385074"), ["96385074"]);
        assert_eq!(barcode_forms("nivea"), None);
        assert_eq!(
            barcode_forms("3600 5236 14455").expect("a barcode")[0],
            "3600523614455"
        );
    }

    #[test]
    fn a_slip_is_read_as_the_nearest_word_and_the_last_word_as_a_beginning() {
        let vocabulary = Vocabulary::new(vec![
            ("nivea".into(), 40),
            ("creme".into(), 30),
            ("cremes".into(), 2),
            ("hydratante".into(), 10),
        ]);
        let Query::Words {
            terms,
            corrected,
            unknown,
        } = vocabulary.query("Niveo Crème hydrat")
        else {
            panic!("words")
        };
        assert_eq!(
            terms,
            vec![
                Term {
                    word: "nivea".into(),
                    prefix: false
                },
                Term {
                    word: "creme".into(),
                    prefix: false
                },
                Term {
                    word: "hydrat".into(),
                    prefix: true
                },
            ]
        );
        assert_eq!(corrected, vec![("niveo".to_string(), "nivea".to_string())]);
        assert!(unknown.is_empty());
        let Query::Words { terms, unknown, .. } = vocabulary.query("nivea zzzzqqq") else {
            panic!("words")
        };
        assert_eq!(terms.len(), 1);
        assert_eq!(unknown, vec!["zzzzqqq".to_string()]);
        assert_eq!(vocabulary.query("  "), Query::Empty);
        assert!(matches!(vocabulary.query("3600523614455"), Query::Code(_)));
    }
}
