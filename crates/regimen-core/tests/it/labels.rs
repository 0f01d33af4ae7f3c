//! Labels as printed, and what a product is for: the steps it can fill, whether it
//! stays on, its SPF, the level of every active, negations, Drug Facts labels, Latin
//! names with their common name, lists without separators, and tools.

use super::analyzer;
use regimen_core::analyzer::{Level, Options, Report};
use regimen_core::vocab::{ProductKind, Step};

fn named(name: &str, text: &str) -> Report<'static> {
    analyzer().analyze(
        text,
        &Options {
            name: Some(name),
            suggest: true,
            ..Options::default()
        },
    )
}

fn names(report: &Report<'_>) -> Vec<String> {
    report
        .ingredients
        .iter()
        .map(|i| i.inci.to_string())
        .collect()
}

fn level(report: &Report<'_>, family: &str) -> Option<Level> {
    report
        .actives
        .iter()
        .find(|a| a.family == family)
        .map(|a| a.level)
}

const CREAM: &str =
    "Aqua, Glycerin, Caprylic/Capric Triglyceride, Cetearyl Alcohol, Dimethicone, Phenoxyethanol";
const FILTERS: &str = "Aqua, Homosalate, Octocrylene, Butyl Methoxydibenzoylmethane, Glycerin, Dimethicone, Phenoxyethanol";

#[test]
fn what_a_product_is_for_uses_leave_on_and_spf() {
    let spf = named("Daily Moisturiser SPF 30", FILTERS);
    assert_eq!(spf.kind, ProductKind::Moisturizer);
    assert_eq!(spf.uses, [Step::Moisturize, Step::Sunscreen]);
    assert_eq!(spf.spf, Some(30));
    assert!(spf.leave_on);
    // Forms that are sunscreens once they state an SPF.
    for name in [
        "Invisible Face Mist SPF50+",
        "Sun Oil SPF 30",
        "UV Serum SPF 50",
        "Clear Spray SPF30 - Sports Formula",
    ] {
        let report = named(name, FILTERS);
        assert_eq!(report.kind, ProductKind::Sunscreen, "{name}");
        assert!(report.uses.contains(&Step::Sunscreen), "{name}");
    }
    let sunscreen = named("Mineral Sunscreen", "Zinc Oxide 20%, Aqua, Glycerin");
    assert_eq!(sunscreen.uses, [Step::Sunscreen]);
    assert_eq!(named("Broad Spectrum SPF 15 Lotion", FILTERS).spf, Some(15));
    assert_eq!(named("Crème solaire FPS 50+", FILTERS).spf, Some(50));
    assert_eq!(named("Facial Moisturising Lotion No SPF", CREAM).spf, None);
    let wash = named(
        "Foaming Face Wash",
        "Aqua, Sodium Laureth Sulfate, Glycerin",
    );
    assert_eq!(wash.uses, [Step::Cleanse]);
    assert!(!wash.leave_on);
    let micellar = named("Micellar Water", "Aqua, Poloxamer 184, Glycerin");
    assert_eq!(micellar.uses, [Step::Cleanse]);
    let remover = named(
        "Eye Make-Up Remover",
        "Aqua, Cyclopentasiloxane, Isohexadecane",
    );
    assert_eq!(remover.uses, [Step::Cleanse]);
    let clay = named("Purifying Clay Mask", "Kaolin, Aqua, Bentonite, Glycerin");
    assert_eq!(clay.uses, [Step::Mask]);
    assert!(!clay.leave_on, "a clay mask is rinsed off");
    let serum = named("Hydrating Serum", "Aqua, Sodium Hyaluronate, Glycerin");
    assert_eq!(serum.uses, [Step::Serum]);
}

#[test]
fn sleeping_masks_and_peel_pads_stay_on_peels_and_scrubs_are_rinsed() {
    let sleeping = named("Water Sleeping Mask", CREAM);
    assert_eq!(sleeping.kind, ProductKind::Mask);
    assert_eq!(sleeping.mask_type, Some("overnight"));
    assert!(sleeping.leave_on, "a sleeping mask stays on");
    let pads = named("Daily Peel Pads", "Aqua, Glycolic Acid 5%, Glycerin");
    assert_eq!(pads.kind, ProductKind::Exfoliant);
    assert!(pads.leave_on, "peel pads stay on");
    assert_eq!(pads.uses, [Step::Serum]);
    let peel = named(
        "AHA 30% + BHA 2% Peeling Solution",
        "Glycolic Acid, Aqua, Salicylic Acid",
    );
    assert!(!peel.leave_on, "a peel is rinsed off after minutes");
    assert_eq!(peel.uses, [Step::Mask]);
    assert_eq!(peel.mask_type, Some("exfoliating"));
    let scrub = named("Exfoliating Scrub", "Aqua, Jojoba Esters, Glycerin");
    assert!(!scrub.leave_on);
}

#[test]
fn strengths_come_from_the_list_or_the_name() {
    let retinol = named("Retinol Night Cream 0.3%", &format!("{CREAM}, Retinol"));
    let found = retinol
        .actives
        .iter()
        .find(|a| a.family == "retinoid")
        .expect("retinol");
    assert_eq!(found.percent, Some(0.3));
    assert_eq!(found.level, Level::Stated);
    let peel = named(
        "AHA 30% + BHA 2% Peeling Solution",
        "Glycolic Acid, Aqua, Salicylic Acid",
    );
    let percent = |family: &str| {
        peel.actives
            .iter()
            .find(|a| a.family == family)
            .and_then(|a| a.percent)
    };
    assert_eq!(percent("aha"), Some(30.0));
    assert_eq!(percent("bha"), Some(2.0));
    // "Zinc 1%" names no family: the 10% is niacinamide's, the 1% nobody's.
    let niacinamide = named(
        "Niacinamide 10% + Zinc 1%",
        "Aqua, Niacinamide, Pentylene Glycol, Zinc PCA",
    );
    assert_eq!(niacinamide.actives[0].percent, Some(10.0));
    // A family the name claims and the list does not show still counts.
    let claimed = named("Retinol Night Cream", "Aqua, Glycerin");
    assert!(claimed.treats("retinoid"), "{:?}", claimed.actives);
    assert_eq!(claimed.actives[0].position, 0);
}

#[test]
fn every_family_at_every_position_with_its_level() {
    let late_lactic = named("Cream", &format!("{CREAM}, Sodium Hydroxide, Lactic Acid"));
    assert_eq!(level(&late_lactic, "aha"), Some(Level::Trace));
    assert!(late_lactic.has_family("aha") && !late_lactic.treats("aha"));
    let antioxidant = named("Day Cream", &format!("{CREAM}, Ascorbyl Palmitate"));
    assert_eq!(level(&antioxidant, "vitamin_c"), Some(Level::Trace));
    let stated = named("Serum", "Aqua, Lactic Acid 10%, Glycerin");
    assert_eq!(level(&stated, "aha"), Some(Level::Stated));
}

#[test]
fn new_families_and_vitamin_c_derivatives() {
    let report = named(
        "Cream",
        "Aqua, Hydroquinone 2%, Benzoyl Peroxide 5%, Adapalene 0.1%, Azelaic Acid 10%, Sulfur 3%, Kojic Acid, Tranexamic Acid, Zinc Oxide, Avobenzone",
    );
    for family in [
        "hydroquinone",
        "benzoyl_peroxide",
        "retinoid",
        "azelaic_acid",
        "sulfur",
        "kojic_acid",
        "tranexamic_acid",
        "sunscreen_filter",
    ] {
        assert!(report.has_family(family), "{family}: {:?}", report.actives);
    }
    let class = |inci: &str| {
        report
            .actives
            .iter()
            .find(|a| a.inci == inci)
            .and_then(|a| a.class)
    };
    assert_eq!(class("Zinc Oxide"), Some("mineral"));
    assert_eq!(class("Butyl Methoxydibenzoylmethane"), Some("chemical"));
    for name in [
        "2-O-Ethyl Ascorbic Acid",
        "3-O-Ethyl Ascorbic Acid",
        "Ethyl Ascorbic Acid",
        "Tetrahexyldecyl Ascorbate",
        "Tetrahexydecyl Ascorbate",
        "Tetrahexadecyl Ascorbate",
        "Sodium Ascorbyl Glucoside",
        "Calcium Ascorbate",
        "3-Glyceryl Ascorbate",
        "Ascorbyl Tetraisopalmitate",
    ] {
        let report = named("Serum", &format!("Aqua, {name}, Glycerin"));
        assert!(report.treats("vitamin_c"), "{name}: {:?}", report.actives);
    }
}

#[test]
fn latin_names_with_their_common_name_in_parentheses() {
    let report = named(
        "Face Oil",
        "Simmondsia Chinensis (Jojoba) Seed Oil, Lavandula Angustifolia (Lavender) Oil, Citrus Aurantium Dulcis (Orange) Peel Oil, Butyrospermum Parkii(Shea) Butter",
    );
    assert_eq!(
        names(&report),
        [
            "Simmondsia Chinensis Seed Oil",
            "Lavandula Angustifolia Oil",
            "Citrus Aurantium Dulcis Peel Oil",
            "Butyrospermum Parkii Butter"
        ],
        "{:?}",
        report.unknown
    );
    let oils: Vec<&str> = report
        .flags
        .iter()
        .filter(|f| f.code == "essential_oil")
        .map(|f| f.inci.as_ref())
        .collect();
    assert_eq!(
        oils,
        [
            "Lavandula Angustifolia Oil",
            "Citrus Aurantium Dulcis Peel Oil"
        ]
    );
}

#[test]
fn negations_never_add_what_they_deny() {
    let moisturiser = named("Oil-Free Moisturiser", CREAM);
    assert_eq!(moisturiser.kind, ProductKind::Moisturizer);
    let text =
        "Fragrance-free, alcohol free, paraben-free. Ingredients: Aqua, Glycerin, Niacinamide";
    let report = named("Serum", text);
    assert!(report.flags.is_empty(), "{:?}", report.flags);
    assert_eq!(names(&report), ["Aqua", "Glycerin", "Niacinamide"]);
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    let free_from = named(
        "Cream",
        "Aqua, Glycerin, Squalane\nFree from: parfum, alcohol denat., parabens",
    );
    assert_eq!(names(&free_from), ["Aqua", "Glycerin", "Squalane"]);
    assert!(free_from.flags.is_empty(), "{:?}", free_from.flags);
}

#[test]
fn a_drug_facts_label_is_one_product_with_its_actives() {
    let label = "Drug Facts\nActive ingredients: Avobenzone 3%, Homosalate 10%, Octisalate 5%, Octocrylene 2.7%\nPurpose: Sunscreen\nUses: helps prevent sunburn\nWarnings: For external use only. Do not use on damaged or broken skin. Stop use and ask a doctor if rash occurs.\nDirections: apply liberally 15 minutes before sun exposure, reapply at least every 2 hours\nInactive ingredients: Water, Glycerin, Dimethicone, Phenoxyethanol\nOther information: protect this product from excessive heat";
    let report = named("Sport Sunscreen Lotion SPF 50", label);
    assert!(report.more_products.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(
        names(&report),
        [
            "Butyl Methoxydibenzoylmethane",
            "Homosalate",
            "Ethylhexyl Salicylate",
            "Octocrylene",
            "Water",
            "Glycerin",
            "Dimethicone",
            "Phenoxyethanol"
        ]
    );
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    let stated: Vec<(String, Option<f32>)> = report
        .actives
        .iter()
        .map(|a| (a.inci.to_string(), a.percent))
        .collect();
    assert_eq!(
        stated[0],
        ("Butyl Methoxydibenzoylmethane".into(), Some(3.0))
    );
    assert_eq!(report.spf, Some(50));
    // The tabular form, with dotted leaders and the purpose column.
    let tabular = "Drug Facts\nActive ingredients          Purpose\nZinc Oxide 20% .............. Sunscreen\nInactive ingredients: Water, Glycerin";
    let report = named("Mineral Sunscreen SPF 30", tabular);
    assert_eq!(names(&report), ["Zinc Oxide", "Water", "Glycerin"]);
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
}

#[test]
fn lists_whose_separators_are_missing_or_are_newlines() {
    let report = named("Serum", "Aqua Glycerin Niacinamide Phenoxyethanol");
    assert_eq!(
        names(&report),
        ["Aqua", "Glycerin", "Niacinamide", "Phenoxyethanol"]
    );
    let report = named("Serum", "Aqua\nGlycerin\nSodium Hyaluronate\n");
    assert_eq!(names(&report), ["Aqua", "Glycerin", "Sodium Hyaluronate"]);
    // A slash still joins the spellings of one name.
    let report = named("Serum", "Aqua/Water/Eau, Glycerin");
    assert_eq!(names(&report), ["Aqua", "Glycerin"]);
}

#[test]
fn tools_are_not_skincare() {
    for name in [
        "Oil Blotting Papers",
        "Organic Cotton Pads",
        "Konjac Sponge",
        "Silicone Mask Brush",
    ] {
        let report = named(name, "");
        assert_eq!(report.kind, ProductKind::Tool, "{name}");
        assert!(report.uses.is_empty(), "{name}");
        assert!(!report.leave_on, "{name}: a tool puts nothing on the skin");
    }
    assert_eq!(
        named("Daily Peel Pads", "Aqua, Glycolic Acid").kind,
        ProductKind::Exfoliant
    );
}

#[test]
fn a_label_word_after_an_item_starts_a_new_part_of_the_label() {
    // "Purpose:" on the line of the active: the active is kept, the purpose skipped.
    let differin = named(
        "Differin Gel",
        "Active ingredient: Adapalene 0.1% (retinoid) Purpose: Acne treatment. Inactive ingredients: carbomer 940, edetate disodium, methylparaben, poloxamer 182, propylene glycol, purified water, sodium hydroxide",
    );
    let active = differin
        .actives
        .iter()
        .find(|a| a.family == "retinoid")
        .expect("adapalene is read");
    assert_eq!(active.percent, Some(0.1));
    assert!(differin.more_products.is_empty());
    let wash = named(
        "PanOxyl Acne Foaming Wash 10%",
        "Drug Facts Active ingredient Benzoyl Peroxide 10% Purpose: Acne treatment Inactive ingredients: Water, Sodium C14-16 Olefin Sulfonate, Glycerin",
    );
    assert_eq!(level(&wash, "benzoyl_peroxide"), Some(Level::Stated));
    assert_eq!(wash.uses, [Step::Cleanse]);
    // A Drug Facts label pasted as one line, without colons or commas between actives.
    let spray = named(
        "Sport Spray SPF 50",
        "Drug Facts Active ingredients Avobenzone 3% Homosalate 10% Octisalate 5% Octocrylene 10% Purpose Sunscreen Uses helps prevent sunburn Warnings For external use only Inactive ingredients water, glycerin, dimethicone",
    );
    assert_eq!(
        names(&spray),
        [
            "Butyl Methoxydibenzoylmethane",
            "Homosalate",
            "Ethylhexyl Salicylate",
            "Octocrylene",
            "Water",
            "Glycerin",
            "Dimethicone"
        ]
    );
    assert_eq!(spray.uses, [Step::Sunscreen]);
    // "May contain" right after the last ingredient keeps that ingredient.
    let shimmer = named(
        "Glow Balm",
        "Aqua, Glycerin, Mica, Tocopherol May contain: CI 77891, CI 77491",
    );
    assert!(
        names(&shimmer).contains(&"Tocopherol".to_string()),
        "{:?}",
        names(&shimmer)
    );
}

#[test]
fn a_strength_written_weight_in_weight_is_the_names_strength() {
    // The wording of EU and UK medicine packs: the unit after the percentage is part of
    // the strength, not of the name.
    for text in [
        "Tretinoin 0.05 % w/w, Stearic Acid, Isopropyl Myristate, Purified Water",
        "Active ingredient: tretinoin 0.05%w/w. Other ingredients: Aqua, Cetearyl Alcohol",
        "Tretinoin 0.05 % W/W., Aqua, Cetearyl Alcohol",
    ] {
        let report = named("Cream", text);
        let tretinoin = report
            .ingredients
            .iter()
            .find(|i| i.inci.eq_ignore_ascii_case("tretinoin"));
        assert_eq!(tretinoin.and_then(|i| i.percent), Some(0.05), "{text}");
        assert!(report.unknown.is_empty(), "{text}: {:?}", report.unknown);
    }
}
