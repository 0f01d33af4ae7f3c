//! The safety gate, one test per class of product it judges (knowledge/gate.toml and the
//! families' own rules): each failed before the gate, on a shelf like the ones people own.

use super::{analyzer, knowledge, plan_for};
use regimen_core::analyzer::{Level, Options};
use regimen_core::engine::judge;
use regimen_core::plan::{Plan, StepEntry};
use regimen_core::shelf::ShelfProduct;
use regimen_core::vocab::Step;
use regimen_core::Profile;

fn profile(toml: &str) -> Profile {
    Profile::from_toml(toml).expect("test profile")
}

/// A person (TOML lines) with products, each `(name, ingredients)`.
fn person(lines: &str, shelf: &[(&str, &str)]) -> Profile {
    let mut toml = format!("start = \"2026-12-01\"\n{lines}\n");
    for (name, list) in shelf {
        toml.push_str(&format!(
            "[[shelf]]\nname = \"{name}\"\ningredients = \"{list}\"\n"
        ));
    }
    profile(&toml)
}

/// The steps a product does, over the plan: (day index, morning, step).
fn uses<'a>(plan: &'a Plan<'_>, product: &str) -> Vec<(usize, bool, &'a StepEntry<'a>)> {
    let mut found = Vec::new();
    for (day, d) in plan.days.iter().enumerate() {
        for (morning, steps) in [(true, &d.am), (false, &d.pm)] {
            for step in steps {
                if step.product.as_deref() == Some(product) {
                    found.push((day, morning, step));
                }
            }
        }
    }
    found
}

fn left_out<'a>(plan: &'a Plan<'_>, product: &str) -> &'a regimen_core::plan::NotPlaced {
    plan.shelf
        .as_ref()
        .expect("a shelf report")
        .not_placed
        .iter()
        .find(|n| n.name == product)
        .unwrap_or_else(|| panic!("{product} is left out"))
}

fn to_get(plan: &Plan<'_>) -> Vec<String> {
    plan.shelf
        .as_ref()
        .expect("a shelf report")
        .missing
        .iter()
        .map(|m| {
            format!(
                "{}{}",
                m.kind,
                m.active
                    .as_deref()
                    .or(m.mask_type.as_deref())
                    .map(|a| format!(" {a}"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

const CREAM: (&str, &str) = (
    "Rich Cream",
    "Aqua, Glycerin, Butyrospermum Parkii Butter, Cetearyl Alcohol, Dimethicone, Phenoxyethanol",
);

#[test]
fn pure_tea_tree_oil_is_never_a_step_and_the_real_cream_moisturizes() {
    let plan = plan_for(
        &person(
            "skin_type = \"dry\"\ngoal = \"long_term\"\nconcerns = [\"dryness\"]\npregnant = true",
            &[
                (
                    "Pure Tea Tree Oil",
                    "Melaleuca Alternifolia (Tea Tree) Leaf Oil",
                ),
                CREAM,
            ],
        ),
        4,
    );
    assert!(uses(&plan, "Pure Tea Tree Oil").is_empty());
    let why = left_out(&plan, "Pure Tea Tree Oil");
    assert_eq!(why.rule, "essential_oil_never_neat", "{why:?}");
    assert!(uses(&plan, "Rich Cream")
        .iter()
        .all(|(_, _, s)| s.step == Step::Moisturize));
    assert_eq!(
        uses(&plan, "Rich Cream").len(),
        56,
        "every morning and evening"
    );
}

#[test]
fn a_leave_on_product_with_bergamot_oil_goes_on_in_the_evening_only() {
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dryness\"]",
            &[(
                "Bergamot Glow Cream",
                "Aqua, Glycerin, Cetearyl Alcohol, Citrus Aurantium Bergamia Peel Oil, Dimethicone",
            )],
        ),
        2,
    );
    let used = uses(&plan, "Bergamot Glow Cream");
    assert_eq!(used.len(), 14, "every evening");
    assert!(used.iter().all(|(_, morning, _)| !morning));
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.rule == "phototoxic_citrus" && w.text.contains("Bergamot Glow Cream")));
}

#[test]
fn prescriptions_go_on_as_prescribed_from_the_first_day() {
    let plan = plan_for(
        &person(
            "skin_type = \"combination\"\ngoal = \"long_term\"\nconcerns = [\"redness\", \"acne\"]",
            &[
                ("Metronidazole Gel 0.75%", "Metronidazole 0.75%, Aqua, Carbomer 980, Methylparaben, Propylene Glycol"),
                ("Clindamycin and Benzoyl Peroxide Gel", "Clindamycin Phosphate 1.2%, Benzoyl Peroxide 5%, Aqua, Carbomer, Glycerin, Silica"),
                ("Dapsone Gel 7.5%", "Dapsone 7.5%, Aqua, Diethylene Glycol Monoethyl Ether, Methylparaben"),
                ("Daily Moisturiser", "Aqua, Glycerin, Caprylic/Capric Triglyceride, Cetearyl Alcohol, Dimethicone"),
            ],
        ),
        4,
    );
    // Metronidazole twice a day, every day, as a treatment, never as the moisturizer.
    let metronidazole = uses(&plan, "Metronidazole Gel 0.75%");
    assert_eq!(metronidazole.len(), 56, "{metronidazole:?}");
    assert!(metronidazole.iter().all(|(_, _, s)| s.step == Step::Serum));
    // The clindamycin gel and the dapsone gel once a day from the first (no patch-test
    // week, no ramp); they stain together, so they never share a routine (the gel goes
    // on in the morning), and the plan says to ask the prescriber.
    let clindamycin = uses(&plan, "Clindamycin and Benzoyl Peroxide Gel");
    let dapsone = uses(&plan, "Dapsone Gel 7.5%");
    assert_eq!(clindamycin.len(), 28, "{clindamycin:?}");
    assert_eq!(dapsone.len(), 28, "{dapsone:?}");
    for (day, morning, _) in &clindamycin {
        assert!(
            !dapsone.iter().any(|(d, m, _)| d == day && m == morning),
            "together on day {day}"
        );
    }
    assert!(plan.warnings.iter().any(|w| w.code == "prescription"
        && w.rule == "rx_kept_apart"
        && w.text.contains("yellow or orange")));
    // The moisturizer keeps its own step.
    assert_eq!(uses(&plan, "Daily Moisturiser").len(), 56);
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "prescription" && w.rule == "rx_doctor_directions"));
    // Nothing is added for the acne the prescriptions treat.
    assert!(
        !plan
            .serums
            .iter()
            .any(|s| s.active == "benzoyl_peroxide" || s.active == "adapalene"),
        "{:?}",
        plan.serums.iter().map(|s| s.active).collect::<Vec<_>>()
    );
}

#[test]
fn a_steroid_is_never_a_daily_step_nor_the_moisturizer() {
    let plan = plan_for(
        &person(
            "skin_type = \"dry\"\ngoal = \"long_term\"\nconcerns = [\"redness\"]",
            &[(
                "Betnovate Cream",
                "Betamethasone Valerate 0.1%, Aqua, Cetostearyl Alcohol, Paraffinum Liquidum, Petrolatum",
            )],
        ),
        2,
    );
    assert!(uses(&plan, "Betnovate Cream").is_empty());
    let why = left_out(&plan, "Betnovate Cream");
    assert_eq!(why.rule, "steroid_not_moisturizer");
    assert!(why.reason.contains("doctor"), "{}", why.reason);
    assert!(plan.warnings.iter().any(|w| w.rule == "steroid_face_short"));
}

#[test]
fn a_prescription_retinoid_in_pregnancy_is_left_out_with_a_word_for_the_prescriber() {
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]\npregnant = true",
            &[(
                "Tretinoin Cream 0.05%",
                "Tretinoin 0.05%, Aqua, Stearic Acid, Isopropyl Myristate",
            )],
        ),
        2,
    );
    assert!(uses(&plan, "Tretinoin Cream 0.05%").is_empty());
    let why = left_out(&plan, "Tretinoin Cream 0.05%");
    assert!(why.reason.contains("prescriber"), "{}", why.reason);
}

#[test]
fn an_adapalene_and_benzoyl_peroxide_gel_is_a_guideline_treatment_not_a_clash() {
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
            &[(
                "Adapalene and Benzoyl Peroxide Gel",
                "Adapalene 0.1%, Benzoyl Peroxide 2.5%, Aqua, Carbomer 940, Glycerin, Poloxamer 124, Propylene Glycol",
            )],
        ),
        4,
    );
    let used = uses(&plan, "Adapalene and Benzoyl Peroxide Gel");
    assert!(!used.is_empty(), "{:?}", plan.shelf);
    assert!(used
        .iter()
        .all(|(_, morning, s)| !morning && s.step == Step::Serum));
    assert!(!to_get(&plan)
        .iter()
        .any(|k| k.contains("benzoyl") || k.contains("adapalene") || k.contains("retinol")));
}

#[test]
fn owned_first_line_products_are_used_before_anything_to_buy() {
    // An owned benzoyl peroxide lotion does the acne step: nothing with benzoyl peroxide
    // to get.
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
            &[(
                "Benzoyl Peroxide 5% Lotion",
                "Aqua, Benzoyl Peroxide 5%, Cetearyl Alcohol, Glycerin, Dimethicone",
            )],
        ),
        4,
    );
    assert!(!uses(&plan, "Benzoyl Peroxide 5% Lotion").is_empty());
    assert!(
        !to_get(&plan).iter().any(|k| k.contains("benzoyl_peroxide")),
        "{:?}",
        to_get(&plan)
    );
    // An owned 2% BHA serves acne; the stronger option is named beside it.
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
            &[("2% BHA Liquid Exfoliant", "Aqua, Methylpropanediol, Butylene Glycol, Salicylic Acid 2%, Polysorbate 20, Sodium Hydroxide")],
        ),
        4,
    );
    assert!(!uses(&plan, "2% BHA Liquid Exfoliant").is_empty());
    let bha = plan
        .serums
        .iter()
        .find(|s| s.active == "salicylic_acid")
        .expect("the BHA is the plan's");
    assert!(bha.reasons.iter().any(|r| r
        .text
        .contains("Benzoyl peroxide has the stronger evidence")));
    assert!(!plan.serums.iter().any(|s| s.active == "benzoyl_peroxide"));
    // An owned adapalene gel serves acne beside aging (no retinol to get on top of it).
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\", \"acne\"]",
            &[(
                "Adapalene Gel 0.1%",
                "Adapalene 0.1%, Aqua, Carbomer 940, Propylene Glycol, Poloxamer 182",
            )],
        ),
        4,
    );
    assert!(!uses(&plan, "Adapalene Gel 0.1%").is_empty());
    assert!(
        !to_get(&plan).iter().any(|k| k.contains("retinol")),
        "{:?}",
        to_get(&plan)
    );
}

#[test]
fn a_trace_of_acid_at_the_end_of_a_vitamin_c_serum_makes_no_clash() {
    let serum = (
        "C E Ferulic Serum",
        "Aqua, Ethoxydiglycol, Ascorbic Acid 15%, Glycerin, Propylene Glycol, Laureth-23, Tocopherol, Phenoxyethanol, Ferulic Acid, Panthenol, Sodium Hyaluronate, Triethanolamine, Xanthan Gum, Sodium Benzoate, Potassium Sorbate, Citric Acid, Disodium EDTA, Polysorbate 80, Hydroxyethylcellulose, Aminomethyl Propanol, Caprylyl Glycol, Ethylhexylglycerin, Chlorphenesin, Sodium Citrate, Benzyl Alcohol, Dehydroacetic Acid, Salicylic Acid, Butylene Glycol",
    );
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"pigmentation\", \"dullness\"]",
            &[serum],
        ),
        4,
    );
    let used = uses(&plan, "C E Ferulic Serum");
    assert!(!used.is_empty() && used.iter().all(|(_, morning, _)| *morning));
    assert!(!to_get(&plan).iter().any(|k| k.contains("vitamin_c")));
}

#[test]
fn citric_or_lactic_acid_in_a_wash_is_a_ph_adjuster_not_an_exfoliating_acid() {
    let wash = "Aqua, Sodium Laureth Sulfate, Lactic Acid, Citric Acid, Cocamidopropyl Betaine, Glycerin, Sodium Chloride, Phenoxyethanol";
    let report = analyzer().analyze(
        wash,
        &Options {
            name: Some("Gentle Foaming Cleanser"),
            ..Options::default()
        },
    );
    assert!(!report.leave_on);
    assert!(
        report.actives.iter().all(|a| a.level == Level::Trace),
        "{:?}",
        report.actives
    );
    // In a leave-on toner near the top of the list, lactic acid is still an AHA.
    let toner = analyzer().analyze(
        "Aqua, Lactic Acid, Glycerin, Sodium Hydroxide",
        &Options {
            name: Some("Resurfacing Toner"),
            ..Options::default()
        },
    );
    assert!(toner.treats("aha"));
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dryness\"]",
            &[("Gentle Foaming Cleanser", wash)],
        ),
        2,
    );
    assert_eq!(uses(&plan, "Gentle Foaming Cleanser").len(), 28);
    assert!(!plan
        .warnings
        .iter()
        .any(|w| (w.code == "patch_test" || w.code == "sunscreen")
            && w.text.contains("Gentle Foaming Cleanser")));
}

#[test]
fn an_exfoliating_mask_is_paced_like_a_strong_active() {
    // Texture calls for an exfoliating mask: its first evening waits for a patch-test week,
    // keeps out of the two weeks before the event and its eve, and never follows another
    // mask evening.
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"fast\"\nconcerns = [\"texture\", \"dullness\"]\nevents = [\"2026-12-30\"]",
            &[],
        ),
        8,
    );
    let exfoliating: Vec<usize> = plan
        .days
        .iter()
        .enumerate()
        .filter(|(_, d)| d.pm.iter().any(|s| s.mask_type == Some("exfoliating")))
        .map(|(i, _)| i)
        .collect();
    assert!(!exfoliating.is_empty(), "an exfoliating mask in 8 weeks");
    let first = exfoliating[0];
    assert!(first >= 7, "it waits for its patch-test week: day {first}");
    assert!(
        !(15..=29).contains(&first),
        "no first exfoliating mask in the 14 days before the event: day {first}"
    );
    let masks: Vec<bool> = plan
        .days
        .iter()
        .map(|d| d.pm.iter().any(|s| s.step == Step::Mask))
        .collect();
    assert!(
        masks.windows(2).all(|w| !(w[0] && w[1])),
        "no mask evening right after another: {masks:?}"
    );
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "patch_test" && w.text.contains("Exfoliating mask")));
}

#[test]
fn recovery_nights_hold_for_the_whole_plan() {
    // Retinol ramps up to four nights a week and an exfoliating mask comes weekly: never
    // three strong nights in a row, in any week.
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"both\"\nconcerns = [\"aging\", \"texture\"]",
            &[],
        ),
        10,
    );
    let strong: Vec<bool> = plan
        .days
        .iter()
        .map(|d| {
            d.pm.iter().any(|s| {
                s.active == Some("retinol")
                    || s.mask_type == Some("exfoliating")
                    || s.active == Some("glycolic_acid")
            })
        })
        .collect();
    assert!(
        strong.windows(3).all(|w| !(w[0] && w[1] && w[2])),
        "three strong nights in a row: {strong:?}"
    );
    assert!(
        strong.iter().skip(35).any(|s| *s),
        "strong nights after week 5"
    );
}

#[test]
fn a_scrub_is_a_minute_rinsed_off_not_a_ten_minute_mask() {
    let scrub = (
        "Apricot Face Scrub",
        "Aqua, Juglans Regia Shell Powder, Glycerin, Cetearyl Alcohol, Phenoxyethanol",
    );
    let report = analyzer().analyze(
        scrub.1,
        &Options {
            name: Some(scrub.0),
            ..Options::default()
        },
    );
    assert_eq!(report.mask_type, Some("scrub"));
    let plan = plan_for(
        &person(
            "skin_type = \"combination\"\ngoal = \"fast\"\nconcerns = [\"texture\"]",
            &[scrub],
        ),
        6,
    );
    let used = uses(&plan, "Apricot Face Scrub");
    assert!(!used.is_empty(), "{:?}", plan.shelf);
    assert!(used
        .iter()
        .all(|(_, morning, s)| !morning && s.minutes == 1 && s.mask_type == Some("scrub")));
}

#[test]
fn spot_treatments_and_drug_gels_are_treatments_never_the_moisturizer() {
    let shelf = [
        (
            "Sulfur Spot Ointment",
            "Sulfur 10%, Petrolatum, Paraffinum Liquidum, Lanolin",
        ),
        (
            "Azelaic Acid 15% Gel",
            "Azelaic Acid 15%, Aqua, Propylene Glycol, Carbomer, Polysorbate 80, Lecithin",
        ),
        CREAM,
    ];
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\", \"redness\"]",
            &shelf,
        ),
        4,
    );
    for name in ["Sulfur Spot Ointment", "Azelaic Acid 15% Gel"] {
        assert!(
            uses(&plan, name)
                .iter()
                .all(|(_, _, s)| s.step == Step::Serum),
            "{name}: {:?}",
            uses(&plan, name)
        );
    }
    // The prescription-strength azelaic acid twice a day from the first day.
    assert_eq!(uses(&plan, "Azelaic Acid 15% Gel").len(), 56);
    assert!(uses(&plan, "Rich Cream")
        .iter()
        .all(|(_, _, s)| s.step == Step::Moisturize));
}

#[test]
fn an_owned_sunscreen_with_a_vitamin_c_derivative_is_the_sunscreen_from_the_first_day() {
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"pigmentation\"]\npregnant = true",
            &[(
                "UV Fluid SPF 50",
                "Aqua, Homosalate, Octocrylene, Ethylhexyl Salicylate, Butyl Methoxydibenzoylmethane, Ascorbyl Glucoside, Glycerin, Dimethicone",
            )],
        ),
        4,
    );
    for day in &plan.days {
        assert!(
            day.am
                .iter()
                .any(|s| s.step == Step::Sunscreen
                    && s.product.as_deref() == Some("UV Fluid SPF 50")),
            "{}: {:?}",
            day.date,
            day.am
        );
    }
    assert!(!to_get(&plan).iter().any(|k| k.starts_with("sunscreen")));
}

#[test]
fn a_reason_to_leave_a_product_out_names_what_does_its_part() {
    // Two vitamin C serums, the second with hyaluronic acid too: the one left out is left
    // out for vitamin C, which the other brings, not for hyaluronic acid.
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dullness\"]",
            &[
                (
                    "Bright C Serum",
                    "Aqua, Ascorbic Acid 15%, Glycerin, Phenoxyethanol",
                ),
                (
                    "C + HA Serum",
                    "Aqua, Ascorbic Acid 10%, Sodium Hyaluronate, Glycerin, Phenoxyethanol",
                ),
            ],
        ),
        4,
    );
    let left = plan
        .shelf
        .as_ref()
        .expect("report")
        .not_placed
        .first()
        .expect("one left out");
    assert!(left.reason.contains("vitamin c"), "{}", left.reason);
    match &left.instead {
        Some(regimen_core::plan::Instead::Family { family, by }) => {
            assert_eq!(family, "vitamin_c");
            assert!(!uses(&plan, by).is_empty(), "{by} is in the plan");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_gate_judges_a_catalog_product_for_the_person() {
    // The same functions judge a product the person has not bought (the catalog, a
    // label): for a pregnant person, a retinol cream is refused with its rule; a
    // bergamot cream is for the evening.
    let pregnant = profile("skin_type = \"normal\"\ngoal = \"long_term\"\npregnant = true\n");
    let read = |name: &str, list: &str| {
        let report = analyzer().analyze(
            list,
            &Options {
                name: Some(name),
                ..Options::default()
            },
        );
        ShelfProduct::of_report(knowledge(), name, &report)
    };
    let retinol = judge(
        knowledge(),
        &pregnant,
        &read("Night Cream", "Aqua, Retinol, Glycerin"),
    );
    assert_eq!(
        retinol.refusal.as_ref().map(|r| r.rule),
        Some("pregnancy_no_retinoids")
    );
    let bergamot = judge(
        knowledge(),
        &pregnant,
        &read(
            "Glow Cream",
            "Aqua, Glycerin, Citrus Aurantium Bergamia Peel Oil",
        ),
    );
    assert!(bergamot.allowed());
    assert_eq!(bergamot.times, Some(regimen_core::vocab::ServingTime::Pm));
}

#[test]
fn the_readme_table_names_every_rule_of_the_gate() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("the README");
    let start = readme
        .find("### One safety gate")
        .expect("the gate's section");
    let table = &readme[start..];
    for rule in &knowledge().gate {
        assert!(
            table.contains(&format!("`{}`", rule.id)),
            "the README's gate table does not name {}",
            rule.id
        );
    }
}

#[test]
fn two_prescriptions_a_rule_keeps_apart_never_share_a_routine_and_neither_is_dropped() {
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
            &[
                ("Clindamycin 1% Benzoyl Peroxide 5% Gel", "Clindamycin Phosphate 1.2%, Benzoyl Peroxide 5%, Aqua, Carbomer, Glycerin, Silica"),
                ("Tretinoin Gel 0.04%", "Tretinoin 0.04%, Aqua, Glycerin, Carbomer 974P, Benzyl Alcohol"),
                ("Tazarotene Cream 0.05%", "Tazarotene 0.05%, Aqua, Mineral Oil, Sorbitan Monooleate, Benzyl Alcohol"),
                CREAM,
            ],
        ),
        4,
    );
    let gel = uses(&plan, "Clindamycin 1% Benzoyl Peroxide 5% Gel");
    let tretinoin = uses(&plan, "Tretinoin Gel 0.04%");
    let tazarotene = uses(&plan, "Tazarotene Cream 0.05%");
    // The gel every day (in the morning, apart from the evening's retinoid); the two
    // retinoids take turns, every other evening; none of them is left out.
    assert_eq!(gel.len(), 28, "{gel:?}");
    assert!(gel.iter().all(|(_, morning, _)| *morning));
    assert_eq!(tretinoin.len() + tazarotene.len(), 28);
    assert!(tretinoin.len() >= 14 && tazarotene.len() >= 14);
    for (day, morning, _) in tretinoin.iter().chain(&tazarotene) {
        assert!(!morning, "a retinoid in the morning on day {day}");
        assert!(!gel.iter().any(|(d, m, _)| d == day && m == morning));
    }
    for (day, _, _) in &tretinoin {
        assert!(
            !tazarotene.iter().any(|(d, _, _)| d == day),
            "two retinoids on day {day}"
        );
    }
    // The plan says why, and to ask the prescriber.
    let apart: Vec<&str> = plan
        .warnings
        .iter()
        .filter(|w| w.rule == "rx_kept_apart")
        .map(|w| w.text.as_ref())
        .collect();
    assert_eq!(apart.len(), 3, "one for each pair: {apart:?}");
    assert!(apart.iter().all(|t| t.contains("Ask your prescriber")));
}

#[test]
fn a_third_prescription_of_a_kind_keeps_the_routine_the_others_leave_free() {
    // Two clindamycin lotions with an SPF (mornings only) take turns in the mornings; a
    // third clindamycin gel, for morning and evening, goes on in the evenings that
    // nothing of its kind takes, rather than being held back: one dose per routine.
    let lotion = "Aqua, Glycerin, Cetearyl Alcohol, Phenoxyethanol, Clindamycin Phosphate";
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
            &[
                ("Clindamycin Lotion SPF 15", lotion),
                ("Clindamycin Day Lotion SPF 15", lotion),
                (
                    "Clindamycin 1% Gel",
                    "Clindamycin Phosphate 1%, Aqua, Carbomer, Glycerin",
                ),
                CREAM,
            ],
        ),
        2,
    );
    let first = uses(&plan, "Clindamycin Lotion SPF 15");
    let second = uses(&plan, "Clindamycin Day Lotion SPF 15");
    let gel = uses(&plan, "Clindamycin 1% Gel");
    assert!(first.iter().chain(&second).all(|(_, morning, _)| *morning));
    assert_eq!(first.len() + second.len(), 14, "{first:?} {second:?}");
    assert_eq!(gel.len(), 14, "every evening: {gel:?}");
    assert!(gel.iter().all(|(_, morning, _)| !morning));
}

#[test]
fn a_formula_goes_on_whole_where_its_sun_sensitive_actives_allow() {
    // A vitamin C serum with some salicylic acid and niacinamide: the plan's own vitamin
    // C goes on in the morning and its BHA in the evening, but one formula is made to go
    // on whole; a retinol in a formula keeps it to the evening.
    let k = knowledge();
    let person = person("skin_type = \"normal\"\ngoal = \"long_term\"", &[]);
    let judged = |name: &str, list: &str| {
        let report = analyzer().analyze(
            list,
            &Options {
                name: Some(name),
                ..Options::default()
            },
        );
        judge(k, &person, &ShelfProduct::of_report(k, name, &report))
    };
    let vitamin_c = judged(
        "Vitamin C Brightening Serum",
        "Aqua, Alcohol Denat., Ethyl Ascorbic Acid, Niacinamide, Glycerin, Salicylic Acid, Sodium Hyaluronate, Phenoxyethanol",
    );
    assert!(vitamin_c.allowed(), "{vitamin_c:?}");
    let retinol = judged(
        "Vitamin C and Retinol Night Serum",
        "Aqua, Ascorbic Acid, Glycerin, Retinol, Tocopherol, Phenoxyethanol",
    );
    assert!(retinol.allowed(), "{retinol:?}");
    assert_eq!(retinol.times, Some(regimen_core::vocab::ServingTime::Pm));
}

#[test]
fn a_medicines_buffer_is_no_exfoliating_acid() {
    // Metronidazole 0.75% cream lists lactic acid to set its pH: the medicine goes on
    // twice a day, as its label says, not as an AHA kept to the evening.
    let plan = plan_for(
        &person(
            "skin_type = \"dry\"\ngoal = \"long_term\"\nconcerns = [\"redness\"]",
            &[
                ("Metronidazole 0.75% Cream", "Metronidazole 0.75%, Glycerin, Isopropyl Palmitate, Lactic Acid, Sodium Hydroxide, Sorbitol, Purified Water, Emulsifying Wax"),
                CREAM,
            ],
        ),
        2,
    );
    assert_eq!(uses(&plan, "Metronidazole 0.75% Cream").len(), 28);
    assert!(!plan.warnings.iter().any(|w| w.text.contains("(AHA)")));
}

#[test]
fn an_owned_acne_wash_is_not_pushed_aside_by_a_serum_to_buy() {
    // A wash is rinsed off within a minute, before the serum goes on: no layering rule
    // holds for it, so the benzoyl peroxide wash cleanses every morning and evening
    // beside the vitamin C to buy.
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\", \"dullness\"]",
            &[
                ("Acne Foaming Cream Cleanser", "Benzoyl Peroxide 4%, Aqua, Glycerin, Sodium Cocoyl Isethionate, Cocamidopropyl Betaine, Ceramide NP, Niacinamide"),
                CREAM,
            ],
        ),
        4,
    );
    assert!(plan.serums.iter().any(|s| s.active == "vitamin_c"));
    assert_eq!(uses(&plan, "Acne Foaming Cream Cleanser").len(), 56);
    assert!(
        !to_get(&plan).iter().any(|m| m == "cleanser"),
        "{:?}",
        to_get(&plan)
    );
}

#[test]
fn medicines_are_read_as_medicines_whatever_their_vehicle_or_name() {
    // Prescription medicines the planner had not met (oxymetazoline, brimonidine,
    // minocycline, clascoterone), a medicine foam (not a wash), a medicine named with
    // no form word, and a steroid combination with a daily routine.
    let plan = plan_for(
        &person(
            "skin_type = \"combination\"\ngoal = \"long_term\"\nconcerns = [\"redness\", \"acne\", \"pigmentation\"]",
            &[
                ("Rhofade Cream 1%", "Oxymetazoline Hydrochloride 1%, Sodium Citrate, Oleyl Alcohol, PEG-300, Cetostearyl Alcohol, Methylparaben, Purified Water"),
                ("Mirvaso Gel 0.33%", "Brimonidine Tartrate 0.5%, Carbomer, Methylparaben, Phenoxyethanol, Glycerin, Purified Water"),
                ("Amzeeq Topical Foam 4%", "Minocycline Hydrochloride 4%, Soybean Oil, Coconut Oil, Light Mineral Oil, Cetyl Alcohol, Stearyl Alcohol"),
                ("Winlevi Cream 1%", "Clascoterone 1%, Cetyl Alcohol, Citric Acid, Edetate Disodium, Mineral Oil, Propylene Glycol, Purified Water"),
                ("Finacea Foam 15%", "Azelaic Acid 15%, Benzoic Acid, Cetostearyl Alcohol, Medium-chain Triglycerides, Polysorbate 80, Propylene Glycol, Purified Water"),
                ("MetroGel 0.75%", "Metronidazole 0.75%, Carbomer 941, Edetate Disodium, Methylparaben, Propylparaben, Propylene Glycol, Purified Water"),
                ("Tri-Luma Cream", "Fluocinolone Acetonide 0.01%, Hydroquinone 4%, Tretinoin 0.05%, Butylated Hydroxytoluene, Cetyl Alcohol, Glycerin, Purified Water"),
                ("Gentle Facial Cleanser", "Aqua, Glycerin, Coco-Glucoside, Sodium Chloride, Citric Acid"),
                CREAM,
            ],
        ),
        2,
    );
    let days = plan.days.len();
    // Treatments, never the moisturizer or the wash.
    for name in [
        "Rhofade Cream 1%",
        "Mirvaso Gel 0.33%",
        "Amzeeq Topical Foam 4%",
        "Winlevi Cream 1%",
        "Finacea Foam 15%",
        "MetroGel 0.75%",
        "Tri-Luma Cream",
    ] {
        let used = uses(&plan, name);
        assert!(!used.is_empty(), "{name} is used");
        assert!(
            used.iter().all(|(_, _, s)| s.step == Step::Serum),
            "{name}: {used:?}"
        );
    }
    // Once a day where the label says so; the two redness creams take turns.
    let redness = uses(&plan, "Rhofade Cream 1%").len() + uses(&plan, "Mirvaso Gel 0.33%").len();
    assert_eq!(redness, days);
    assert_eq!(uses(&plan, "Amzeeq Topical Foam 4%").len(), days);
    assert!(uses(&plan, "Amzeeq Topical Foam 4%")
        .iter()
        .all(|(_, morning, _)| !morning));
    assert_eq!(uses(&plan, "Tri-Luma Cream").len(), days);
    assert!(uses(&plan, "Tri-Luma Cream")
        .iter()
        .all(|(_, morning, _)| !morning));
    // The real cleanser cleanses.
    assert_eq!(uses(&plan, "Gentle Facial Cleanser").len(), 2 * days);
}
