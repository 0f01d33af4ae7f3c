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
    assert!(rule.points[0].source.contains("regimen's design"));
    assert!(explain(k, "vitamin c").is_some());
    assert!(explain(k, "unobtainium").is_none());
    assert_eq!(
        suggest(k, "retinl").first().map(String::as_str),
        Some("retinol")
    );
}

#[test]
fn the_questions_people_ask_during_a_plan_are_answered_with_sources() {
    let k = super::knowledge();
    let cases = [
        ("is retinol safe in pregnancy", "retinol_pregnancy"),
        ("when will my serum start working", "serum_start_working"),
        ("my retinoid burns what should I do", "retinoid_burns"),
        ("how often should I use a clay mask", "clay_mask_often"),
        ("does benzoyl peroxide bleach towels", "bpo_bleach"),
        (
            "can I use benzoyl peroxide with adapalene",
            "bpo_with_retinoid",
        ),
        ("what order do I apply products in", "product_order"),
        // Words such as "while" say nothing of the topic: the retinol question is the
        // retinol one, not the one that shares "while pregnant".
        ("can I use retinol while pregnant", "retinol_pregnancy"),
        ("what can I use for acne while pregnant", "acne_pregnancy"),
        ("can I use azelaic acid when pregnant", "azelaic_pregnancy"),
    ];
    for (question, id) in cases {
        let (faq, _) = find_faq(k, question).unwrap_or_else(|| panic!("no match for {question}"));
        assert_eq!(faq.id, id, "{question}");
        let source = k.source(&faq.source).expect("its source");
        assert!(
            source.url.is_some()
                || source.doi.is_some()
                || source.path.is_some()
                || source.rationale.is_some(),
            "{question}: {} cannot be checked, nor says why it is regimen's design",
            source.id
        );
    }
    // Topics the plans talk about are explained, each point with its source.
    for topic in [
        "pregnancy",
        "sunscreen",
        "benzoyl peroxide",
        "adapalene",
        "tretinoin",
        "hydroquinone",
    ] {
        let explanation = explain(k, topic).unwrap_or_else(|| panic!("no topic {topic}"));
        assert!(!explanation.points.is_empty(), "{topic}");
        assert!(
            explanation
                .points
                .iter()
                .all(|p| p.rule.is_none() || !p.source.is_empty()),
            "{topic}"
        );
    }
}

#[test]
fn explains_conditions_life_stages_ingredients_and_flags() {
    let k = super::knowledge();
    let rules = |topic: &str| -> Vec<String> {
        regimen_core::explain::explain(k, topic)
            .unwrap_or_else(|| panic!("{topic} is explained"))
            .points
            .into_iter()
            .filter_map(|p| p.rule)
            .collect()
    };
    // A condition: its person rule, its gate rule and its referral, each with a source.
    let rosacea = rules("rosacea");
    for id in ["rosacea_avoid", "derm_rosacea"] {
        assert!(rosacea.iter().any(|r| r == id), "{rosacea:?}");
    }
    assert!(rules("perioral dermatitis").contains(&"perioral_stop_steroids".to_string()));
    assert!(rules("Breastfeeding").contains(&"breastfeeding_hydroquinone".to_string()));
    assert!(rules("skin tone").contains(&"skin_tone_pih".to_string()));
    assert!(rules("teenagers").contains(&"teen_no_antiaging".to_string()));
    // An ingredient known as an active: a prescription, then its family.
    let tazarotene = regimen_core::explain::explain(k, "tazarotene").expect("tazarotene");
    assert!(tazarotene.points[0]
        .text
        .starts_with("Tazarotene is a prescription medicine"));
    assert!(tazarotene
        .points
        .iter()
        .any(|p| p.rule.as_deref() == Some("retinoid_bpo")));
    // A flag: the gate's rules about it.
    assert!(rules("essential oils").contains(&"essential_oil_never_neat".to_string()));
    assert!(regimen_core::explain::explain(k, "warts").is_none());
}
