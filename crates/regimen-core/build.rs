//! Makes the spelling image of the shipped dictionary and knowledge ahead of time
//! (src/analyzer/image.rs, included here: the same code the lexicon runs for an edited
//! knowledge base): every name, its spellings, the tables that look them up and the
//! leftmost-longest double-array Aho-Corasick automaton over the spellings, written
//! into OUT_DIR as strings and tables the lexicon reads in place; with the suggestion
//! index of the same spellings, and the fingerprint of the curated names it was made of.

#[allow(dead_code)]
#[path = "src/analyzer/fold.rs"]
mod fold;
#[allow(dead_code)]
#[path = "src/analyzer/image.rs"]
mod image;
#[allow(dead_code)]
#[path = "src/analyzer/spelling.rs"]
mod spelling;
#[allow(dead_code)]
#[path = "src/analyzer/suggest.rs"]
mod suggest;

use std::path::PathBuf;

const DICTIONARY: &str = "../../data/cosing/inci.tsv";
const INGREDIENTS: &str = "../../knowledge/ingredients.toml";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for input in [
        DICTIONARY,
        INGREDIENTS,
        "src/analyzer/fold.rs",
        "src/analyzer/image.rs",
        "src/analyzer/spelling.rs",
        "src/analyzer/suggest.rs",
        "build.rs",
    ] {
        println!("cargo::rerun-if-changed={input}");
    }
    let dictionary = std::fs::read_to_string(DICTIONARY)?;
    let ingredients: toml::Table = std::fs::read_to_string(INGREDIENTS)?.parse()?;

    // The curated names, as the lexicon reads them (`lexicon::curated_names`): each
    // active's and each synonym entry's name with its further spellings, in file order.
    let mut curated: Vec<(String, Vec<String>)> = Vec::new();
    for table in ["active", "synonym"] {
        let entries = ingredients.get(table).and_then(toml::Value::as_array);
        for entry in entries.into_iter().flatten() {
            let Some(name) = entry.get("inci").and_then(toml::Value::as_str) else {
                continue;
            };
            let spellings = entry.get("synonyms").and_then(toml::Value::as_array);
            let spellings = spellings
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_str)
                .map(str::to_string)
                .collect();
            curated.push((name.to_string(), spellings));
        }
    }
    let image = image::make(&dictionary, &curated).map_err(|e| format!("{e:?}"))?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("lexicon.txt"), image.text())?;
    std::fs::write(out.join("lexicon.bin"), image.bytes())?;
    let patterns: Vec<&str> = (0..image.patterns() as u32)
        .map(|p| image.pattern(p))
        .collect();
    std::fs::write(
        out.join("suggest.bin"),
        suggest::SuggestIndex::build(&patterns).to_bytes(),
    )?;
    std::fs::write(
        out.join("lexicon.rs"),
        format!(
            "/// The fingerprint of the curated names the shipped image was made of.\n\
             pub const NAMES_FINGERPRINT: u64 = {:#x};\n",
            image::names_fingerprint(&curated)
        ),
    )?;
    Ok(())
}
