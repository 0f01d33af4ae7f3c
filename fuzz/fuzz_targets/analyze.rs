//! The label parser and analyzer on arbitrary bytes: never a panic, and every report
//! keeps its positions in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regimen_core::analyzer::{Analyzer, Options};
use regimen_core::Knowledge;
use std::sync::OnceLock;

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        let knowledge = Knowledge::builtin().expect("knowledge");
        Analyzer::builtin(&knowledge).expect("analyzer")
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (name, list) = text.split_once('\u{1}').unwrap_or(("", &text));
    let options = Options {
        name: (!name.is_empty()).then_some(name),
        profile: None,
        avoid: None,
        kind: None,
        suggest: data.len() % 2 == 0,
    };
    let report = analyzer().analyze(list, &options);
    let mut last = 0;
    for position in report.ingredients.iter().filter_map(|i| i.position) {
        assert!(position > last, "positions increase");
        last = position;
    }
});
