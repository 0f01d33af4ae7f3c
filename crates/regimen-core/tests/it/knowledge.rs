//! The knowledge base loads, covers domain.md, and rejects inconsistent edits.

use regimen_core::knowledge::{Knowledge, KnowledgeError, SourceKind, ENGINE_RULES};

fn files_with(name: &str, edit: impl Fn(&str) -> String) -> Vec<(&'static str, String)> {
    Knowledge::builtin_files()
        .iter()
        .map(|(file, text)| {
            (
                *file,
                if *file == name {
                    edit(text)
                } else {
                    text.to_string()
                },
            )
        })
        .collect()
}

fn load(files: &[(&'static str, String)]) -> Result<Knowledge, KnowledgeError> {
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Knowledge::from_files(&borrowed)
}

fn problems(files: &[(&'static str, String)]) -> String {
    match load(files) {
        Ok(_) => panic!("the edited knowledge should be rejected"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn builtin_knowledge_is_valid_and_cites_every_engine_rule() {
    let knowledge = super::knowledge();
    for id in ENGINE_RULES {
        let citation = knowledge.cite(id).expect("engine rule present");
        assert!(
            !citation.text.is_empty() && !citation.source.is_empty(),
            "{id}"
        );
    }
}

#[test]
fn every_seed_fact_of_part_a_is_encoded() {
    let knowledge = super::knowledge();
    let expected = [
        ("mask_frequency", "1-3 times a week"),
        ("mask_occlusive", "occlusive"),
        ("mask_outer_layers", "outer layers"),
        ("mask_dedicated_time", "dedicated time"),
        ("mask_benefits", "glow boost before events"),
        ("mask_type_clay", "oil control and pore purification"),
        ("mask_type_sheet", "hydration and soothing"),
        ("mask_type_gel", "cooling and calming"),
        ("mask_type_cream", "nourishment and barrier repair"),
        ("serum_daily", "1-2 times a day"),
        ("serum_vitamin_c", "brightening and antioxidant"),
        ("serum_hyaluronic_acid", "deep hydration"),
        ("serum_niacinamide", "oil balance and barrier support"),
        ("serum_retinol", "anti-aging and texture"),
        ("serum_results", "2-6 weeks"),
        ("choose_masks", "special event"),
        ("choose_serums", "chronic concerns"),
        ("choose_both", "both"),
        ("order_mask_day", "cleanse, apply the mask"),
        ("oily_serums", "oil-free"),
    ];
    for (id, words) in expected {
        let fact = knowledge
            .cite(id)
            .unwrap_or_else(|| panic!("fact {id} is missing"));
        assert!(fact.text.contains(words), "{id}: {}", fact.text);
        assert_eq!(
            fact.source,
            "Face masks vs serums: which delivers better results at home? (the article regimen is built on)"
        );
    }
    let seed_faqs = [
        "same_day",
        "sensitive",
        "replace",
        "results_time",
        "sheet_vs_serum",
        "oily",
        "both_needed",
    ];
    for id in seed_faqs {
        let faq = knowledge
            .faqs
            .iter()
            .find(|f| f.id == id)
            .expect("the seed's FAQ");
        assert_eq!(faq.source, "seed", "{id}");
    }
}

#[test]
fn part_b_guidance_is_encoded_with_its_source() {
    let knowledge = super::knowledge();
    let expected = [
        ("retinoid_bpo", "Martin"),
        ("retinoid_acids", "regimen's design"),
        ("vitamin_c_acids", "regimen's design"),
        ("vitamin_c_niacinamide", "regimen's design"),
        ("pregnancy_no_retinoids", "NICE"),
        ("pregnancy_salicylic_wash", "regimen's design"),
        ("sunscreen_photosensitising", "FDA"),
        ("retinoid_night_only", "NICE"),
        ("patch_test", "American Academy of Dermatology"),
        ("derm_acne", "NICE"),
        ("derm_burning", "NHS"),
        ("sensitive_fewer_actives", "American Academy of Dermatology"),
        ("mask_type_limit", "regimen's design"),
        ("skin_cycling", "regimen's design"),
        ("strength_vitamin_c", "Pinnell"),
        ("strength_retinol", "2024/996"),
        ("strength_aha", "Cosmetic Ingredient Review"),
        ("strength_bha", "OTC"),
        ("strength_bpo", "OTC"),
        ("trace_level", "1223/2009"),
        ("hydroquinone_pregnancy", "Bozzo"),
        ("step_order", "American Academy of Dermatology"),
        ("reaction_urgent", "NHS"),
    ];
    for (id, source) in expected {
        let rule = knowledge
            .cite(id)
            .unwrap_or_else(|| panic!("rule {id} is missing"));
        assert!(rule.source.contains(source), "{id} cites {}", rule.source);
    }
    let info = knowledge
        .interactions
        .iter()
        .find(|i| i.id == "vitamin_c_niacinamide")
        .expect("interaction");
    assert_eq!(
        info.severity,
        regimen_core::knowledge::Severity::Info,
        "never a blocking conflict"
    );
}

#[test]
fn a_dangling_source_is_rejected() {
    let files = files_with("facts.toml", |t| {
        t.replacen("source = \"seed\"", "source = \"nowhere\"", 1)
    });
    let message = problems(&files);
    assert!(
        message.contains("mask_intensive cites unknown source nowhere"),
        "{message}"
    );
}

#[test]
fn a_missing_source_field_is_rejected_with_its_line() {
    let files = files_with("rules.toml", |t| {
        t.replacen("source = \"aad_skin_care_order\"\n", "", 1)
    });
    match load(&files) {
        Err(KnowledgeError::Parse {
            file,
            line,
            message,
        }) => {
            assert_eq!(file, "rules.toml");
            assert!(line > 1);
            assert!(message.contains("source"), "{message}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn a_dangling_pregnancy_alternative_is_rejected() {
    let files = files_with("actives.toml", |t| {
        t.replacen(
            "pregnancy_alternatives = [\"azelaic_acid\"]",
            "pregnancy_alternatives = [\"azelaic_acid\", \"tretinoin\"]",
            1,
        )
    });
    assert!(problems(&files).contains("unknown alternative tretinoin"));
}

#[test]
fn an_unsafe_pregnancy_alternative_is_rejected() {
    let files = files_with("actives.toml", |t| {
        t.replacen(
            "pregnancy_alternatives = [\"azelaic_acid\"]",
            "pregnancy_alternatives = [\"retinol\"]",
            1,
        )
    });
    assert!(problems(&files).contains("not pregnancy-safe"));
}

#[test]
fn a_rule_the_engine_needs_cannot_be_removed() {
    let files = files_with("rules.toml", |t| {
        t.replace("id = \"patch_test\"", "id = \"patch_testing\"")
    });
    assert!(problems(&files).contains("the engine needs rule patch_test"));
}

#[test]
fn an_interaction_with_an_unknown_family_is_rejected() {
    let files = files_with("interactions.toml", |t| {
        t.replacen(
            "families = [\"benzoyl_peroxide\"]",
            "families = [\"bpo\"]",
            1,
        )
    });
    assert!(problems(&files).contains("unknown family bpo"));
}

#[test]
fn duplicate_ids_are_rejected() {
    let files = files_with("facts.toml", |t| {
        t.replace("id = \"mask_occlusive\"", "id = \"mask_intensive\"")
    });
    assert!(problems(&files).contains("id mask_intensive is used twice"));
}

#[test]
fn a_mask_budget_above_the_weekly_maximum_is_rejected() {
    let files = files_with("rules.toml", |t| {
        t.replace("per_week = 3\n", "per_week = 5\n")
    });
    assert!(problems(&files).contains("outside 1..=3"));
}

#[test]
fn every_step_must_be_listed_once() {
    let files = files_with("steps.toml", |t| {
        t.replace("id = \"sunscreen\"", "id = \"serum\"")
    });
    let message = problems(&files);
    assert!(
        message.contains("step sunscreen is listed 0 times"),
        "{message}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let files: Vec<(&'static str, String)> = files_with("faq.toml", str::to_string)
        .into_iter()
        .filter(|(n, _)| *n != "faq.toml")
        .collect();
    assert!(problems(&files).contains("faq.toml is missing"));
}

#[test]
fn the_ramp_is_read_week_by_week() {
    let retinol = super::knowledge().active("retinol").expect("retinol");
    let nights: Vec<Option<u8>> = (0..6).map(|w| retinol.nights_in_week(w, false)).collect();
    assert_eq!(
        nights,
        [Some(2), Some(2), Some(3), Some(3), Some(4), Some(4)]
    );
    let sensitive: Vec<Option<u8>> = (0..6).map(|w| retinol.nights_in_week(w, true)).collect();
    assert_eq!(
        sensitive,
        [Some(2), Some(2), Some(2), Some(2), Some(3), Some(3)]
    );
    let niacinamide = super::knowledge()
        .active("niacinamide")
        .expect("niacinamide");
    assert_eq!(niacinamide.nights_in_week(0, false), None);
}

#[test]
fn every_source_can_be_checked_and_says_what_it_is() {
    let knowledge = super::knowledge();
    for source in &knowledge.sources {
        let kind = source
            .kind
            .unwrap_or_else(|| panic!("{} has no kind", source.id));
        match kind {
            SourceKind::Policy => assert!(source.rationale.is_some(), "{}", source.id),
            SourceKind::Seed => assert!(source.path.is_some(), "{}", source.id),
            _ => assert!(
                source.url.is_some() || source.doi.is_some(),
                "{} has neither url nor doi",
                source.id
            ),
        }
    }
    // The loader refuses a source without them.
    let files = files_with("sources.toml", |t| {
        t.replacen("doi = \"10.3122/jabfm.2016.02.150165\"\n", "", 1)
            .replacen(
                "url = \"https://www.jabfm.org/content/29/2/254.full\"\n",
                "",
                1,
            )
    });
    assert!(
        problems(&files).contains("source chien_2016 has neither url nor doi"),
        "{}",
        problems(&files)
    );
    let files = files_with("sources.toml", |t| {
        t.replacen(
            "rationale = \"A missed benefit",
            "# rationale = \"A missed benefit",
            1,
        )
    });
    assert!(
        problems(&files).contains("policy policy_safer_wins gives no rationale"),
        "{}",
        problems(&files)
    );
}

#[test]
fn every_code_people_see_has_a_label() {
    use regimen_core::knowledge::WarningLevel;
    use regimen_core::vocab::{Concern, ProductKind, WarningCode};
    let labels = &super::knowledge().labels;
    for code in WarningCode::ALL {
        let (label, _) = labels.warning(*code);
        assert_ne!(label, code.id(), "{code} has a label");
    }
    assert_eq!(
        labels.warning(WarningCode::SeeDermatologist).1,
        WarningLevel::Safety
    );
    for concern in Concern::ALL {
        assert_ne!(labels.concern(*concern), concern.id());
    }
    assert_eq!(labels.kind(ProductKind::EyeCare), "Eye care");
    assert_eq!(labels.flag("fragrance_allergen"), "Fragrance allergen");
    // The loader refuses a code without its label, and a label for no code.
    let files = files_with("labels.toml", |t| {
        t.replacen("fragrance_allergen = \"Fragrance allergen\"\n", "", 1)
            .replacen("[warning.pacing]", "[warning.pacng]", 1)
    });
    let found = problems(&files);
    assert!(
        found.contains("[flag] has no label for fragrance_allergen"),
        "{found}"
    );
    assert!(
        found.contains("[warning] has no label for pacing"),
        "{found}"
    );
    assert!(
        found.contains("[warning] labels pacng, which is no code"),
        "{found}"
    );
}

/// A word beginning, ending or piece in kinds.toml is a part of one word: an empty one
/// (it would match every word) or one with a space (it would match none) is refused.
#[test]
fn kind_word_parts_are_parts_of_one_word() {
    for part in ["\"\"", "\"eye cr\""] {
        let files = files_with("kinds.toml", |text| {
            text.replacen("prefixes = [", &format!("prefixes = [{part}, "), 1)
        });
        let said = problems(&files);
        assert!(said.contains("is no part of one word"), "{part}: {said}");
    }
}
