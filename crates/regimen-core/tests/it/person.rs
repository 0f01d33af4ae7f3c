//! The whole person: an age, breastfeeding, a skin tone and diagnosed conditions change
//! what the plan chooses, what the gate lets on the skin and what the plan says.

use super::{knowledge, plan_for};
use regimen_core::plan::Plan;
use regimen_core::Profile;

/// A person (TOML lines) with products, each `(name, ingredients)`.
fn person(lines: &str, shelf: &[(&str, &str)]) -> Profile {
    let mut toml = format!("start = \"2026-12-01\"\n{lines}\n");
    for (name, list) in shelf {
        toml.push_str(&format!(
            "[[shelf]]\nname = \"{name}\"\ningredients = \"{list}\"\n"
        ));
    }
    Profile::from_toml(&toml).expect("test profile")
}

fn strong_serums<'k>(plan: &Plan<'k>) -> Vec<&'k str> {
    plan.serums
        .iter()
        .filter(|s| knowledge().active(s.active).is_some_and(|a| a.rules.strong))
        .map(|s| s.active)
        .collect()
}

fn says(plan: &Plan<'_>, rule: &str) -> bool {
    plan.warnings.iter().any(|w| w.rule == rule)
}

/// Why the plan left a product out, and the rule it cites.
fn left_out<'p>(plan: &'p Plan<'_>, name: &str) -> (&'p str, &'p str) {
    plan.shelf
        .as_ref()
        .and_then(|s| s.not_placed.iter().find(|n| n.name == name))
        .map(|n| (n.rule.as_ref(), n.reason.as_ref()))
        .unwrap_or_else(|| panic!("{name} is not left out"))
}

const BPO: (&str, &str) = (
    "Acne Gel 5%",
    "Aqua, Benzoyl Peroxide 5%, Carbomer, Glycerin",
);
const RETINOL: (&str, &str) = ("Retinol Serum 0.3%", "Aqua, Retinol, Glycerin, Squalane");

#[test]
fn a_child_gets_the_basics_and_a_doctor_for_acne() {
    let plan = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"both\"\nconcerns = [\"acne\", \"texture\"]\nage = 10",
            &[BPO],
        ),
        4,
    );
    assert!(
        strong_serums(&plan).is_empty(),
        "{:?}",
        strong_serums(&plan)
    );
    let exfoliating = knowledge()
        .mask_types
        .iter()
        .filter(|m| m.has_tag("exfoliating"))
        .map(|m| m.id.as_str())
        .collect::<Vec<_>>();
    assert!(plan
        .masks
        .iter()
        .all(|m| !exfoliating.contains(&m.mask_type)));
    assert_eq!(left_out(&plan, "Acne Gel 5%").0, "child_no_actives");
    assert!(says(&plan, "derm_child_acne"));
    // The same person at 25 gets acne actives.
    let adult = plan_for(
        &person(
            "skin_type = \"oily\"\ngoal = \"both\"\nconcerns = [\"acne\", \"texture\"]\nage = 25",
            &[BPO],
        ),
        4,
    );
    assert!(!strong_serums(&adult).is_empty());
}

#[test]
fn a_teenager_gets_acne_care_and_no_anti_aging_actives() {
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\", \"acne\"]\nage = 15",
            &[],
        ),
        4,
    );
    assert!(says(&plan, "teen_no_antiaging"));
    for serum in &plan.serums {
        let active = knowledge().active(serum.active).expect("active");
        let for_acne = active.concerns.get(&regimen_core::vocab::Concern::Acne);
        assert!(
            for_acne.is_some_and(|s| *s > 0) || !active.rules.strong,
            "{} is for aging only",
            serum.active
        );
    }
    assert!(!strong_serums(&plan).is_empty(), "acne is still treated");
}

#[test]
fn breastfeeding_starts_no_retinoid_and_keeps_the_prescribed_one() {
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\", \"acne\"]\nbreastfeeding = true",
            &[
                RETINOL,
                ("Tretinoin Cream 0.025%", "Tretinoin 0.025%, Aqua, Stearic Acid, Isopropyl Myristate"),
            ],
        ),
        4,
    );
    assert!(plan.serums.iter().all(|s| knowledge()
        .active(s.active)
        .is_some_and(|a| a.family != "retinoid")));
    assert_eq!(
        left_out(&plan, "Retinol Serum 0.3%").0,
        "breastfeeding_retinoid_ask_doctor"
    );
    let tretinoin = plan
        .days
        .iter()
        .filter(|d| {
            d.pm.iter()
                .any(|s| s.product.as_deref() == Some("Tretinoin Cream 0.025%"))
        })
        .count();
    assert_eq!(tretinoin, 28, "the prescription goes on every evening");
    assert!(says(&plan, "breastfeeding_off_breast"));
    assert!(says(&plan, "breastfeeding_prescriber"));
    // Pregnancy is its own answer: the same person pregnant keeps no retinoid at all.
    let pregnant = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\npregnant = true",
            &[RETINOL],
        ),
        2,
    );
    assert_eq!(
        left_out(&pregnant, "Retinol Serum 0.3%").0,
        "pregnancy_no_retinoids"
    );
}

#[test]
fn deeper_skin_tones_ramp_more_slowly_and_hear_about_dark_marks() {
    let nights = |tone: &str| {
        let plan = plan_for(
            &person(
                &format!("skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\", \"pigmentation\"]\nskin_tone = \"{tone}\""),
                &[RETINOL],
            ),
            8,
        );
        let count = plan
            .days
            .iter()
            .filter(|d| {
                d.pm.iter()
                    .any(|s| s.product.as_deref() == Some("Retinol Serum 0.3%"))
            })
            .count();
        (count, plan)
    };
    let (light, light_plan) = nights("II");
    let (deep, deep_plan) = nights("V");
    assert!(deep < light, "tone V {deep} nights, tone II {light}");
    assert!(deep > 0);
    assert!(says(&deep_plan, "skin_tone_pih") && says(&deep_plan, "tinted_sunscreen"));
    assert!(!says(&light_plan, "skin_tone_pih"));
}

#[test]
fn conditions_change_what_may_go_on_the_skin() {
    let glycolic = (
        "Glycolic Toner 7%",
        "Aqua, Glycolic Acid, Glycerin, Sodium Hydroxide",
    );
    let hydrocortisone = (
        "Hydrocortisone Cream 1%",
        "Hydrocortisone 1%, Aqua, Cetearyl Alcohol, Glycerin",
    );
    for (condition, rule) in [
        ("rosacea", "rosacea_avoid"),
        ("eczema", "eczema_no_exfoliants"),
        ("perioral_dermatitis", "perioral_zero_therapy"),
    ] {
        let plan = plan_for(
            &person(
                &format!("skin_type = \"combination\"\ngoal = \"both\"\nconcerns = [\"texture\", \"acne\"]\nconditions = [\"{condition}\"]"),
                &[glycolic, hydrocortisone],
            ),
            4,
        );
        assert_eq!(left_out(&plan, "Glycolic Toner 7%").0, rule, "{condition}");
        let families: Vec<&str> = plan
            .serums
            .iter()
            .filter_map(|s| knowledge().active(s.active))
            .map(|a| a.family.as_str())
            .collect();
        assert!(
            !families.iter().any(|f| ["aha", "bha"].contains(f)),
            "{condition}: {families:?}"
        );
        assert!(says(&plan, "condition_referral_general"));
        if condition == "perioral_dermatitis" {
            assert!(plan.masks.is_empty(), "no masks: {:?}", plan.masks);
            assert_eq!(
                left_out(&plan, "Hydrocortisone Cream 1%").0,
                "perioral_stop_steroids"
            );
            // (Azelaic acid, a treatment of perioral dermatitis, may stay.)
            assert!(
                families
                    .iter()
                    .all(|f| *f == "azelaic_acid"
                        || !knowledge().family(f).is_some_and(|f| f.strong)),
                "{families:?}"
            );
        }
    }
}

#[test]
fn melasma_asks_for_a_tinted_sunscreen_with_iron_oxides() {
    let plan = plan_for(
        &person(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"pigmentation\"]\nconditions = [\"melasma\"]",
            &[RETINOL],
        ),
        2,
    );
    let missing = &plan.shelf.as_ref().expect("shelf").missing;
    assert!(
        missing.iter().any(|m| m
            .text
            .starts_with("a tinted broad-spectrum sunscreen with iron oxides")),
        "{missing:?}"
    );
    assert!(says(&plan, "melasma_visible_light") && says(&plan, "derm_melasma"));
}

/// A plan that listens: the profile's plan with these check-ins read.
fn plan_hearing(profile: &Profile, weeks: u8, checkins: &str) -> Plan<'static> {
    let checkins = regimen_core::checkin::read_lines(checkins).expect("check-ins");
    let reading = super::planner()
        .read(profile)
        .expect("read")
        .with_checkins(knowledge(), &checkins);
    let start = profile.start.expect("start").0;
    super::planner().plan_read(
        &reading,
        &regimen_core::PlanOptions::new(start, weeks).expect("options"),
    )
}

fn retinol_nights(plan: &Plan<'_>) -> Vec<usize> {
    plan.days
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            d.pm.iter().any(|s| {
                s.active
                    .and_then(|a| knowledge().active(a))
                    .is_some_and(|a| a.family == "retinoid")
            })
        })
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn a_week_of_reactions_after_retinol_nights_pauses_retinol_and_the_plan_says_so() {
    let profile = person(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]",
        &[],
    );
    // The plan starts on 1 Dec; the person's last week: retinol nights, then burning.
    let mut lines = String::new();
    for day in 1..=6 {
        let done = if day % 2 == 0 {
            "\"serum:retinol\", "
        } else {
            ""
        };
        lines.push_str(&format!(
            "{{\"date\": \"2026-12-{:02}\", \"pm_done\": [\"cleanse\", {done}\"moisturize\"]}}\n",
            day + 2
        ));
    }
    lines.push_str("{\"date\": \"2026-12-09\", \"reactions\": [\"burning\", \"peeling\"]}\n");
    let heard = plan_hearing(&profile, 4, &lines);
    let before = plan_for(&profile, 4);
    let (paused, usual) = (retinol_nights(&heard), retinol_nights(&before));
    // Paused until 16 Dec (day 15), then the slower ramp: fewer nights.
    assert!(paused.first().is_some_and(|d| *d >= 15), "{paused:?}");
    assert!(usual.first().is_some_and(|d| *d < 15), "{usual:?}");
    assert!(paused.len() < usual.len(), "{paused:?} {usual:?}");
    let said = heard
        .warnings
        .iter()
        .find(|w| w.rule == "reaction_pause")
        .expect("the plan says why");
    assert!(said
        .text
        .contains("Wed 9 Dec said \"burning\", \"peeling\" after retinoids"));
    assert!(said.text.contains("pauses until Wed 16 Dec"));
    assert!(said
        .text
        .contains("read your 7 check-ins, Thu 3 Dec to Wed 9 Dec"));
    // A reaction with nothing strong ticked changes nothing, and says why.
    let unknown = plan_hearing(
        &profile,
        4,
        "{\"date\": \"2026-12-09\", \"reactions\": [\"stinging\"]}\n",
    );
    assert_eq!(retinol_nights(&unknown), usual);
    assert!(unknown
        .warnings
        .iter()
        .any(|w| w.rule == "reaction_unknown_cause"));
    // Swelling stops everything new, and the urgent advice comes with it.
    let urgent = plan_hearing(
        &profile,
        4,
        "{\"date\": \"2026-11-20\", \"reactions\": [\"my lips are swelling\"]}\n",
    );
    assert!(retinol_nights(&urgent).is_empty());
    assert!(urgent
        .warnings
        .iter()
        .any(|w| w.rule == "reaction_stop_new"));
    assert!(urgent.warnings.iter().any(|w| w.rule == "reaction_urgent"));
}

#[test]
fn a_reaction_after_a_prescription_goes_to_its_prescriber_and_keeps_it() {
    let profile = person(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
        &[(
            "Tretinoin Cream 0.025%",
            "Tretinoin 0.025%, Aqua, Stearic Acid, Isopropyl Myristate",
        )],
    );
    let plan = plan_for(&profile, 2);
    let key = plan
        .days
        .iter()
        .flat_map(|d| d.pm.iter())
        .find(|s| s.product.as_deref() == Some("Tretinoin Cream 0.025%"))
        .map(|s| s.key())
        .expect("the prescription goes on");
    let lines = format!(
        "{{\"date\": \"2026-11-30\", \"pm_done\": [\"cleanse\", \"{key}\", \"moisturize\"]}}\n\
         {{\"date\": \"2026-12-01\", \"reactions\": [\"burning\"]}}\n"
    );
    let heard = plan_hearing(&profile, 2, &lines);
    let nights = |plan: &Plan<'_>| {
        plan.days
            .iter()
            .filter(|d| {
                d.pm.iter()
                    .any(|s| s.product.as_deref() == Some("Tretinoin Cream 0.025%"))
            })
            .count()
    };
    assert_eq!(nights(&heard), nights(&plan), "the prescription is kept");
    let said = heard
        .warnings
        .iter()
        .find(|w| w.rule == "reaction_prescription")
        .expect("the plan sends the reaction to the prescriber");
    assert!(
        said.text
            .contains("Tue 1 Dec said \"burning\" after Tretinoin Cream 0.025%"),
        "{}",
        said.text
    );
    assert!(!heard
        .warnings
        .iter()
        .any(|w| w.rule == "reaction_pause" || w.rule == "reaction_unknown_cause"));
}
