//! Plans that use the person's own products.

use super::plan_for;
use regimen_core::plan::Plan;
use regimen_core::Profile;

pub fn plan_with_shelf(profile: &Profile, weeks: u8) -> Plan<'static> {
    plan_for(profile, weeks)
}

fn profile(toml: &str) -> Profile {
    Profile::from_toml(toml).expect("test profile")
}

const CLEANSER: &str = "[[shelf]]\nname = \"Foam Cleanser\"\ningredients = \"Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Glycerin\"\n";
const NIACINAMIDE: &str = "[[shelf]]\nname = \"Niacinamide Drops\"\nkind = \"serum\"\ningredients = \"Aqua, Niacinamide, Glycerin, Phenoxyethanol\"\n";
const RETINOL: &str = "[[shelf]]\nname = \"Night Retinol\"\nkind = \"serum\"\ningredients = \"Squalane, Retinol, Tocopherol\"\n";
const AHA_CREAM: &str = "[[shelf]]\nname = \"Smoothing AHA Cream\"\nkind = \"moisturizer\"\ningredients = \"Aqua, Glycolic Acid, Cetearyl Alcohol, Glycerin, Dimethicone\"\n";
const PLAIN_CREAM: &str = "[[shelf]]\nname = \"Plain Cream\"\nkind = \"moisturizer\"\ningredients = \"Aqua, Glycerin, Cetearyl Alcohol, Dimethicone\"\n";
const PERFUMED_SERUM: &str = "[[shelf]]\nname = \"Scented Glow Serum\"\nkind = \"serum\"\ningredients = \"Aqua, Sodium Hyaluronate, Glycerin, Parfum, Linalool\"\n";

fn steps_with(plan: &Plan<'_>, product: &str) -> usize {
    plan.days
        .iter()
        .flat_map(|d| d.am.iter().chain(&d.pm))
        .filter(|s| s.product.as_deref() == Some(product))
        .count()
}

#[test]
fn own_products_do_the_steps_they_fit() {
    let person = profile(&format!(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]\n{CLEANSER}{NIACINAMIDE}{PLAIN_CREAM}"
    ));
    let plan = plan_with_shelf(&person, 1);
    assert_eq!(
        steps_with(&plan, "Foam Cleanser"),
        14,
        "cleanse, morning and evening"
    );
    assert_eq!(
        steps_with(&plan, "Niacinamide Drops"),
        14,
        "the niacinamide serum, twice a day"
    );
    assert_eq!(steps_with(&plan, "Plain Cream"), 14);
    let shelf = plan.shelf.as_ref().expect("a shelf report");
    assert_eq!(shelf.placed.len(), 3);
    assert!(shelf
        .missing
        .iter()
        .any(|m| m.kind == regimen_core::vocab::ProductKind::Sunscreen));
    let json: serde_json::Value = serde_json::from_str(&plan.to_json_pretty()).expect("json");
    assert_eq!(json["days"][0]["am"][0]["product"], "Foam Cleanser");
}

#[test]
fn a_retinoid_product_is_refused_in_pregnancy() {
    let person = profile(&format!("skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\npregnant = true\n{RETINOL}"));
    let plan = plan_with_shelf(&person, 2);
    assert_eq!(steps_with(&plan, "Night Retinol"), 0);
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf.not_placed[0].reason.contains("not for pregnancy"),
        "{:?}",
        shelf.not_placed
    );
}

#[test]
fn a_product_that_combines_what_must_be_kept_apart_is_refused() {
    let person = profile(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\n[[shelf]]\nname = \"All-in-one\"\nkind = \"serum\"\ningredients = \"Aqua, Retinol, Glycolic Acid\"\n",
    );
    let plan = plan_with_shelf(&person, 1);
    assert_eq!(steps_with(&plan, "All-in-one"), 0);
    assert!(plan.shelf.as_ref().expect("report").not_placed[0]
        .reason
        .contains("keep apart"));
}

#[test]
fn own_products_never_meet_what_they_clash_with() {
    let person = profile(&format!(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\n{RETINOL}{AHA_CREAM}"
    ));
    // New actives start a week apart: the AHA cream's turn comes in the third week.
    let plan = plan_with_shelf(&person, 4);
    let mut retinol_nights = 0;
    for day in &plan.days {
        let retinol = day.pm.iter().any(|s| s.active == Some("retinol"));
        retinol_nights += usize::from(retinol);
        let aha_cream = day
            .pm
            .iter()
            .any(|s| s.product.as_deref() == Some("Smoothing AHA Cream"));
        assert!(
            !(retinol && aha_cream),
            "{}: the AHA cream meets retinol",
            day.date
        );
    }
    assert!(retinol_nights > 0);
    assert!(
        steps_with(&plan, "Smoothing AHA Cream") > 0,
        "used where it is safe"
    );
    // The cream carries an AHA, so it goes on only on acid nights, within their ramp.
    for week in plan.days.chunks(7) {
        let nights = week
            .iter()
            .filter(|d| {
                d.pm.iter()
                    .any(|s| s.product.as_deref() == Some("Smoothing AHA Cream"))
            })
            .count();
        assert!(nights <= 2, "{nights} AHA nights in a week");
    }
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "product_rules" && w.text.contains("Smoothing AHA Cream")));
}

#[test]
fn sensitive_skin_and_the_avoid_list_keep_products_out() {
    let person = profile(&format!("skin_type = \"dry\"\nsensitive = true\ngoal = \"long_term\"\nconcerns = [\"dehydration\"]\n{PERFUMED_SERUM}"));
    let plan = plan_with_shelf(&person, 1);
    assert_eq!(steps_with(&plan, "Scented Glow Serum"), 0);
    assert!(plan.shelf.as_ref().expect("report").not_placed[0]
        .reason
        .contains("sensitive"));
    let person = profile(&format!("skin_type = \"dry\"\ngoal = \"long_term\"\nconcerns = [\"dehydration\"]\navoid = [\"linalool\"]\n{PERFUMED_SERUM}"));
    let plan = plan_with_shelf(&person, 1);
    assert!(plan.shelf.as_ref().expect("report").not_placed[0]
        .reason
        .contains("avoid list"));
    let person = profile(&format!(
        "skin_type = \"dry\"\ngoal = \"long_term\"\nconcerns = [\"dehydration\"]\n{PERFUMED_SERUM}"
    ));
    assert_eq!(
        steps_with(&plan_with_shelf(&person, 1), "Scented Glow Serum"),
        14,
        "fine for everyone else"
    );
}

#[test]
fn unused_products_say_why_and_missing_kinds_are_named() {
    let person = profile(&format!(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"oiliness\"]\n{NIACINAMIDE}{RETINOL}\n[[shelf]]\nname = \"Clay Mask\"\ningredients = \"Kaolin, Aqua, Bentonite\"\n[[shelf]]\nname = \"Eye Cream\"\nkind = \"eye_care\"\n"
    ));
    let plan = plan_with_shelf(&person, 1);
    let shelf = plan.shelf.as_ref().expect("report");
    let reason = |name: &str| {
        shelf
            .not_placed
            .iter()
            .find(|n| n.name == name)
            .map(|n| n.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("Night Retinol").contains("not needed"),
        "{:?}",
        shelf.not_placed
    );
    assert!(
        reason("Clay Mask").contains("no masks"),
        "{:?}",
        shelf.not_placed
    );
    assert!(
        reason("Eye Cream").contains("does not plan eye care"),
        "{:?}",
        shelf.not_placed
    );
    let kinds: Vec<_> = shelf.missing.iter().map(|m| m.kind.id()).collect();
    assert_eq!(kinds, ["cleanser", "moisturizer", "sunscreen"]);
    assert!(make_plan_without_shelf_has_no_report());
}

fn make_plan_without_shelf_has_no_report() -> bool {
    let person = profile("skin_type = \"oily\"\ngoal = \"long_term\"\n");
    plan_with_shelf(&person, 1).shelf.is_none()
}

#[test]
fn an_owned_product_does_its_step_as_the_active_it_holds() {
    // Acne calls for adapalene; the person owns a retinol serum, which does the retinoid
    // step: the plan names and follows retinol, and names adapalene as the stronger option.
    let person = profile(&format!(
        "skin_type = \"combination\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]\n{RETINOL}"
    ));
    let plan = plan_with_shelf(&person, 4);
    let retinoid = plan
        .serums
        .iter()
        .find(|s| s.active == "retinol" || s.active == "adapalene")
        .expect("a retinoid in the plan");
    assert_eq!(retinoid.active, "retinol", "{:?}", plan.serums);
    assert!(steps_with(&plan, "Night Retinol") > 0);
    let texts: Vec<&str> = retinoid.reasons.iter().map(|r| r.text.as_ref()).collect();
    assert!(
        texts.contains(
            &"Retinol for your acne: unclogs pores and keeps new breakouts from forming."
        ),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.contains("Adapalene (a retinoid) has the stronger evidence")),
        "{texts:?}"
    );
    // Every step of the retinoid family in the plan is that product's.
    for step in plan.days.iter().flat_map(|d| d.am.iter().chain(&d.pm)) {
        if step.active == Some("adapalene") {
            panic!("adapalene scheduled beside the owned retinol: {step:?}");
        }
    }
}

#[test]
fn a_product_the_plan_cannot_use_waits_for_no_patch_test_turn() {
    // Three serums fill the limit; the acid toner stays out, so the pacing note does not
    // promise it a start "after this plan".
    let person = profile(&format!(
        "skin_type = \"combination\"\ngoal = \"both\"\nconcerns = [\"acne\", \"pores\", \"dullness\"]\n{NIACINAMIDE}{RETINOL}\n[[shelf]]\nname = \"Glow Tonic\"\ningredients = \"Aqua, Glycolic Acid, Aloe Barbadensis Leaf Juice, Glycerin, Sodium Hydroxide\"\n"
    ));
    let plan = plan_with_shelf(&person, 4);
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf.not_placed.iter().any(|n| n.name == "Glow Tonic"),
        "{:?}",
        shelf.not_placed
    );
    for warning in &plan.warnings {
        assert!(
            !warning.text.contains("Glow Tonic"),
            "a product left out is still paced: {}",
            warning.text
        );
    }
}

#[test]
fn a_product_that_starts_late_is_said_to_go_on_from_its_first_day() {
    // A benzoyl peroxide gel waits for its patch-test week, then goes on every evening:
    // the report says so from that day, not as a weekly average over the whole plan.
    let person = profile(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]\nstart = \"2026-12-01\"\n[[shelf]]\nname = \"Acne Gel\"\ningredients = \"Aqua, Benzoyl Peroxide 5%, Glycerin, Carbomer\"\n",
    );
    let plan = plan_with_shelf(&person, 4);
    let first = plan
        .days
        .iter()
        .find(|d| {
            d.am.iter()
                .chain(&d.pm)
                .any(|s| s.product.as_deref() == Some("Acne Gel"))
        })
        .expect("the gel goes on");
    assert!(
        first.date.0 > plan.days[0].date.0,
        "it waits for its patch-test week"
    );
    let from = first.date.0.format("%a %-d %b").to_string();
    let shelf = plan.shelf.as_ref().expect("report");
    let placed = shelf
        .placed
        .iter()
        .find(|p| p.name == "Acne Gel")
        .expect("placed");
    let evenings_after = plan
        .days
        .iter()
        .filter(|d| d.date.0 >= first.date.0)
        .all(|d| {
            d.pm.iter()
                .any(|s| s.product.as_deref() == Some("Acne Gel"))
        });
    assert!(evenings_after, "the gel is in every evening once started");
    assert!(
        placed.role.starts_with(&format!(
            "serum (benzoyl peroxide): every evening from {from}"
        )),
        "{}",
        placed.role
    );
}

#[test]
fn a_wash_is_no_peel_it_washes_from_the_first_day() {
    // A benzoyl peroxide wash is rinsed off within a minute: no patch-test week, no
    // patch-test advice as for a peel.
    let person = profile(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]\nstart = \"2026-12-01\"\n[[shelf]]\nname = \"Acne Wash\"\ningredients = \"Aqua, Benzoyl Peroxide 5%, Glycerin, Sodium Laureth Sulfate\"\n",
    );
    let plan = plan_with_shelf(&person, 4);
    assert!(
        plan.days[0]
            .am
            .iter()
            .any(|s| s.product.as_deref() == Some("Acne Wash")),
        "the wash goes on from the first morning"
    );
    assert!(
        !plan
            .warnings
            .iter()
            .any(|w| w.code == "patch_test" && w.text.contains("Acne Wash")),
        "a wash is not patch-tested as a peel"
    );
}

#[test]
fn an_owned_mask_that_waits_for_its_turn_is_not_swapped_for_one_to_buy() {
    // The person's clay mask carries salicylic acid: it waits for its patch-test turn,
    // and no plain clay mask stands in for it before (rule owned_first): the plan asks to
    // get no clay mask, and every clay-mask evening is theirs.
    let person = profile(
        "skin_type = \"oily\"\ngoal = \"both\"\nconcerns = [\"acne\", \"pores\"]\nstart = \"2026-12-01\"\n[[shelf]]\nname = \"Purifying Clay Mask\"\ningredients = \"Kaolin, Aqua, Bentonite, Glycerin, Salicylic Acid\"\n",
    );
    let plan = plan_with_shelf(&person, 4);
    let clay: Vec<&regimen_core::plan::StepEntry<'_>> = plan
        .days
        .iter()
        .flat_map(|d| &d.pm)
        .filter(|s| s.mask_type == Some("clay"))
        .collect();
    assert!(!clay.is_empty(), "clay-mask evenings");
    assert!(
        clay.iter()
            .all(|s| s.product.as_deref() == Some("Purifying Clay Mask")),
        "{clay:?}"
    );
    let first = plan
        .days
        .iter()
        .position(|d| d.pm.iter().any(|s| s.mask_type == Some("clay")))
        .expect("a clay evening");
    assert!(first >= 7, "it waits for its patch-test week: day {first}");
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        !shelf
            .missing
            .iter()
            .any(|m| m.mask_type.as_deref() == Some("clay")),
        "{:?}",
        shelf.missing
    );
}

#[test]
fn an_owned_active_without_evidence_for_the_need_does_not_stand_in() {
    // Aging calls for retinol; an adapalene gel carries the retinoid family but adapalene
    // has no evidence for aging here: the pick stays retinol, never "Adapalene for your
    // signs of aging".
    let person = profile(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\n[[shelf]]\nname = \"Adapalene Gel 0.1%\"\nkind = \"serum\"\ningredients = \"Aqua, Adapalene, Carbomer, Propylene Glycol\"\n",
    );
    let plan = plan_with_shelf(&person, 4);
    let actives: Vec<&str> = plan.serums.iter().map(|s| s.active).collect();
    assert!(actives.contains(&"retinol"), "{actives:?}");
    assert!(!actives.contains(&"adapalene"), "{actives:?}");
}

#[test]
fn a_serum_that_waits_past_the_plan_says_so_not_that_another_product_brings_it() {
    // A one-week plan with two new strong actives: the person's vitamin C serum waits
    // for its patch-test turn beyond the plan. No other product brings vitamin C.
    let person = profile(
        "skin_type = \"dry\"\nsensitive = true\ngoal = \"fast\"\nconcerns = [\"redness\", \"pigmentation\", \"dullness\"]\nstart = \"2026-01-01\"\n[[shelf]]\nname = \"C Drops\"\nkind = \"serum\"\ningredients = \"Aqua, Glycerin, Ascorbic Acid, Cetearyl Alcohol, Phenoxyethanol\"\n",
    );
    let plan = plan_with_shelf(&person, 1);
    assert_eq!(steps_with(&plan, "C Drops"), 0);
    let shelf = plan.shelf.as_ref().expect("report");
    let waiting = shelf
        .not_placed
        .iter()
        .find(|n| n.name == "C Drops")
        .expect("C Drops is not used");
    assert!(
        waiting.reason.contains("patch-test week") && !waiting.reason.contains("another product"),
        "{}",
        waiting.reason
    );
}

#[test]
fn a_body_lotion_is_not_the_face_moisturizer() {
    let person = profile(
        "skin_type = \"dry\"\ngoal = \"long_term\"\n[[shelf]]\nname = \"Dr. Bronner's Körperlotion Lavendel\"\ningredients = \"Aqua, Helianthus Annuus Seed Oil, Alcohol, Glycerin, Lavandula Angustifolia Oil\"\n",
    );
    let plan = plan_with_shelf(&person, 2);
    assert_eq!(steps_with(&plan, "Dr. Bronner's Körperlotion Lavendel"), 0);
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf
            .not_placed
            .iter()
            .any(|n| n.reason.contains("made for the body")),
        "{:?}",
        shelf.not_placed
    );
    assert!(shelf.missing.iter().any(|m| m.text.contains("moisturizer")));
}

#[test]
fn a_serum_left_out_for_time_says_so_not_that_it_is_not_needed() {
    // Vitamin C goes on in the mornings, and 3-minute mornings hold no serum: the person's
    // vitamin C serum stays out for that, though it would suit the dullness.
    let person = profile(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dullness\"]\nminutes_am = 3\nminutes_pm = 20\n[[shelf]]\nname = \"C Drops\"\nkind = \"serum\"\ningredients = \"Aqua, Ascorbic Acid, Glycerin, Phenoxyethanol\"\n",
    );
    let plan = plan_with_shelf(&person, 2);
    assert_eq!(steps_with(&plan, "C Drops"), 0);
    let shelf = plan.shelf.as_ref().expect("report");
    let left = shelf
        .not_placed
        .iter()
        .find(|n| n.name == "C Drops")
        .expect("C Drops is not used");
    assert!(
        left.reason.contains("3-minute mornings") && !left.reason.contains("not needed"),
        "{}",
        left.reason
    );
}
