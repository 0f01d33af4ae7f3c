//! FAQ matching and explanations.

use regimen_core::explain::{explain, find_faq, suggest};

#[test]
fn faq_matches_loose_questions_and_typos() {
    let k = super::knowledge();
    let cases = [
        ("mask and serum same day?", "same_day"),
        ("how long until serums work", "results_time"),
        ("oily skin serum", "oily"),
        ("do i need both", "both_needed"),
        ("are sheet maks as good as serums", "sheet_vs_serum"),
        ("does a mask replace a serum", "replace"),
        ("serums for sensitive skin", "sensitive"),
        ("4", "results_time"),
    ];
    for (question, id) in cases {
        let (faq, _) = find_faq(k, question).unwrap_or_else(|| panic!("no match for {question}"));
        assert_eq!(faq.id, id, "{question}");
    }
    assert!(find_faq(k, "quantum chromodynamics").is_none());
    assert!(find_faq(k, "99").is_none());
}

#[test]
fn explains_masks_actives_and_rules_with_sources() {
    let k = super::knowledge();
    let clay = explain(k, "clay").expect("clay");
    assert!(clay.points[0].text.contains("oil control"));
    assert!(clay
        .points
        .iter()
        .all(|p| p.rule.is_some() || !p.source.is_empty()));
    let retinol = explain(k, "Retinol").expect("retinol");
    let rules: Vec<&str> = retinol
        .points
        .iter()
        .filter_map(|p| p.rule.as_deref())
        .collect();
    for rule in [
        "retinoid_night_only",
        "pregnancy_no_retinoids",
        "retinoid_bpo",
        "retinoid_acids",
    ] {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    let rule = explain(k, "skin_cycling").expect("rule");
    assert!(rule.points[0].source.contains("peoplesbeauty"));
    assert!(explain(k, "vitamin c").is_some());
    assert!(explain(k, "unobtainium").is_none());
    assert_eq!(
        suggest(k, "retinl").first().map(String::as_str),
        Some("retinol")
    );
}
