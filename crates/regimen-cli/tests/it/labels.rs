//! The matcher on every real ingredient list of the shared data: found piece by piece
//! (cut at separators no spelling covers, whole names looked up), it finds exactly what
//! one pass of the automaton over the whole text finds.

use super::shared_data;
use regimen_core::analyzer::Analyzer;
use regimen_core::Knowledge;
use std::io::{BufRead, BufReader};

fn real_lists() -> Option<Vec<String>> {
    let retailer = shared_data("lookfantastic/skincare_products_clean.csv")?;
    let catalog = shared_data("openbeautyfacts/openbeautyfacts-products-min.jsonl.gz")?;
    let mut lists = Vec::new();
    let mut reader = csv::Reader::from_path(retailer).expect("retailer data");
    let column = reader
        .headers()
        .expect("header")
        .iter()
        .position(|h| h == "clean_ingreds")
        .expect("clean_ingreds");
    for record in reader.records() {
        lists.push(record.expect("a record")[column].to_string());
    }
    let lines = BufReader::new(flate2::read::GzDecoder::new(
        std::fs::File::open(catalog).expect("catalog sample"),
    ));
    for line in lines.lines() {
        let product: serde_json::Value = match serde_json::from_str(&line.expect("a line")) {
            Ok(product) => product,
            Err(_) => continue,
        };
        // Every language's list ("ingredients_text_fr", ...).
        for (key, value) in product.as_object().into_iter().flatten() {
            if let (true, Some(text)) = (key.starts_with("ingredients_text"), value.as_str()) {
                lists.push(text.to_string());
            }
        }
    }
    Some(lists)
}

#[test]
fn pieces_find_what_one_pass_finds_on_every_real_list() {
    let Some(lists) = real_lists() else {
        return;
    };
    assert!(lists.len() > 4_000, "{} lists", lists.len());
    let knowledge = Knowledge::builtin().expect("knowledge");
    let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
    let matcher = analyzer.lexicon().matcher();
    let mut matches = 0;
    for list in &lists {
        let lower = list.to_lowercase();
        let one_pass: Vec<_> = matcher.find_iter(&lower).collect();
        let mut by_pieces = Vec::new();
        matcher.find_each(&lower, |start, end, pattern| {
            by_pieces.push((start, end, pattern))
        });
        assert_eq!(by_pieces, one_pass, "{lower}");
        matches += one_pass.len();
    }
    assert!(matches > 60_000, "{matches} matches");
}
