//! Profile parsing (TOML and JSON) and planning on arbitrary bytes: an error or a
//! plan, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regimen_core::analyzer::Analyzer;
use regimen_core::{make_plan, Knowledge, PlanOptions, Profile};
use std::sync::OnceLock;

fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| Knowledge::builtin().expect("knowledge"))
}

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::builtin(knowledge()).expect("analyzer"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for parsed in [Profile::from_toml(&text), Profile::from_json(&text)] {
        if let Ok(profile) = parsed {
            let start = profile.start.map(|d| d.0).unwrap_or_default();
            if let Ok(options) = PlanOptions::new(start, 2) {
                let _ = make_plan(knowledge(), analyzer(), &profile, &options);
            }
        }
    }
});
