//! Builds the shipped ingredient matcher ahead of time: every spelling of the CosIng
//! dictionary and of the curated names in knowledge/ingredients.toml, as one
//! leftmost-longest double-array Aho-Corasick automaton, serialized into OUT_DIR, with
//! the suggestion index of the same spellings. The lexicon loads them in milliseconds
//! when the patterns it computes at run time have the fingerprint written here, and
//! builds its own otherwise (an edited knowledge base).

#[allow(dead_code)]
#[path = "src/analyzer/fold.rs"]
mod fold;
#[allow(dead_code)]
#[path = "src/analyzer/spelling.rs"]
mod spelling;
#[allow(dead_code)]
#[path = "src/analyzer/suggest.rs"]
mod suggest;

use std::collections::BTreeSet;
use std::path::PathBuf;

const DICTIONARY: &str = "../../data/cosing/inci.tsv";
const INGREDIENTS: &str = "../../knowledge/ingredients.toml";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for input in [
        DICTIONARY,
        INGREDIENTS,
        "src/analyzer/fold.rs",
        "src/analyzer/spelling.rs",
        "src/analyzer/suggest.rs",
        "build.rs",
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    let dictionary = std::fs::read_to_string(DICTIONARY)?;
    let ingredients: toml::Table = std::fs::read_to_string(INGREDIENTS)?.parse()?;

    // The names that become terms, and the further spellings of curated entries.
    let mut names: Vec<&str> = dictionary
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split_once('\t').map_or(line, |(name, _)| name))
        .collect();
    let mut synonyms: Vec<&str> = Vec::new();
    for table in ["active", "synonym"] {
        let entries = ingredients.get(table).and_then(toml::Value::as_array);
        for entry in entries.into_iter().flatten() {
            if let Some(inci) = entry.get("inci").and_then(toml::Value::as_str) {
                names.push(inci);
            }
            let spellings = entry.get("synonyms").and_then(toml::Value::as_array);
            synonyms.extend(
                spellings
                    .into_iter()
                    .flatten()
                    .filter_map(toml::Value::as_str),
            );
        }
    }
    let mut patterns: BTreeSet<String> = BTreeSet::new();
    for name in names {
        patterns.extend(spelling::name_patterns(&spelling::canonical(name)));
    }
    patterns.extend(synonyms.into_iter().map(spelling::normalize));
    patterns.remove("");

    // Each pattern's value is its rank in sorted order.
    let matcher: daachorse::DoubleArrayAhoCorasick<u32> =
        daachorse::DoubleArrayAhoCorasickBuilder::new()
            .match_kind(daachorse::MatchKind::LeftmostLongest)
            .build_with_values(patterns.iter().zip(0u32..))
            .map_err(|e| e.to_string())?;
    let fingerprint = spelling::fingerprint(patterns.iter().map(String::as_str));

    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("matcher.bin"), matcher.serialize())?;
    let sorted: Vec<&str> = patterns.iter().map(String::as_str).collect();
    std::fs::write(
        out.join("suggest.bin"),
        suggest::SuggestIndex::build(&sorted).to_bytes(),
    )?;
    std::fs::write(
        out.join("matcher.rs"),
        format!(
            "/// The fingerprint of the patterns the shipped matcher was built from.\n\
             pub const FINGERPRINT: u64 = {fingerprint:#x};\n\
             /// How many patterns it holds.\n\
             pub const PATTERNS: usize = {};\n",
            patterns.len()
        ),
    )?;
    Ok(())
}
