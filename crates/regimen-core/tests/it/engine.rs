//! The planner's rules, one test each, on small profiles.

use super::{date, plan_toml};
use regimen_core::plan::{Plan, StepEntry};
use regimen_core::vocab::{Approach, ServingTime, Step};

fn approach(toml: &str) -> Approach {
    plan_toml(toml, 1).approach
}

fn mask_nights(plan: &Plan<'_>) -> Vec<(usize, &'static str)> {
    plan.days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.pm.iter().find_map(|s| s.mask_type).map(|m| (i, leak(m))))
        .collect()
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

fn has_active(steps: &[StepEntry<'_>], id: &str) -> bool {
    steps.iter().any(|s| s.active == Some(id))
}

#[test]
fn the_seed_decision_rules_choose_the_approach() {
    assert_eq!(
        approach("skin_type = \"normal\"\ngoal = \"fast\""),
        Approach::Masks
    );
    assert_eq!(
        approach("skin_type = \"normal\"\ngoal = \"long_term\""),
        Approach::Serums
    );
    assert_eq!(
        approach("skin_type = \"normal\"\ngoal = \"both\""),
        Approach::Both
    );
    // Chronic concerns add serums to a fast goal; an event adds masks to a long-term one.
    assert_eq!(
        approach("skin_type = \"oily\"\ngoal = \"fast\"\nconcerns = [\"acne\"]"),
        Approach::Both
    );
    assert_eq!(
        approach("skin_type = \"dry\"\ngoal = \"long_term\"\nevents = [\"2026-12-05\"]"),
        Approach::Both
    );
    // An event outside the plan does not count.
    assert_eq!(
        approach("skin_type = \"dry\"\ngoal = \"long_term\"\nevents = [\"2027-06-05\"]"),
        Approach::Serums
    );
}

#[test]
fn every_reason_cites_a_rule_and_a_source() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"both\"\nconcerns = [\"acne\", \"aging\"]",
        4,
    );
    let reasons = plan
        .reasons
        .iter()
        .chain(plan.masks.iter().flat_map(|m| &m.reasons))
        .chain(plan.serums.iter().flat_map(|s| &s.reasons));
    for reason in reasons {
        assert!(
            super::knowledge().cite(reason.rule).is_some(),
            "{} is not a known id",
            reason.rule
        );
        assert!(!reason.source.is_empty() && !reason.text.is_empty());
    }
    for warning in &plan.warnings {
        assert!(
            super::knowledge().cite(warning.rule).is_some(),
            "{}",
            warning.rule
        );
    }
}

#[test]
fn choices_follow_skin_type_and_concerns() {
    let masks = |toml: &str| -> Vec<String> {
        plan_toml(toml, 1)
            .masks
            .iter()
            .map(|m| m.mask_type.to_string())
            .collect()
    };
    let serums = |toml: &str| -> Vec<String> {
        plan_toml(toml, 1)
            .serums
            .iter()
            .map(|s| s.active.to_string())
            .collect()
    };
    assert_eq!(
        masks("skin_type = \"oily\"\ngoal = \"fast\"\nconcerns = [\"pores\"]")[0],
        "clay"
    );
    assert_eq!(
        masks("skin_type = \"normal\"\ngoal = \"fast\"\nconcerns = [\"dehydration\"]")[0],
        "sheet"
    );
    assert_eq!(
        masks("skin_type = \"normal\"\ngoal = \"fast\"\nconcerns = [\"redness\"]")[0],
        "gel"
    );
    assert_eq!(
        masks("skin_type = \"dry\"\ngoal = \"fast\"\nconcerns = [\"dryness\"]")[0],
        "cream"
    );
    assert_eq!(
        serums("skin_type = \"oily\"\ngoal = \"long_term\""),
        ["niacinamide"]
    );
    assert_eq!(
        serums("skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dullness\"]"),
        ["vitamin_c", "hyaluronic_acid"],
        "vitamin C in the morning, a gentle serum in the evening"
    );
    assert_eq!(
        serums("skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dehydration\"]"),
        ["hyaluronic_acid"]
    );
    assert_eq!(
        serums("skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\", \"texture\"]"),
        ["retinol", "vitamin_c", "hyaluronic_acid"],
        "retinol at night, an antioxidant in the morning, a gentle serum on the free days"
    );
    assert_eq!(
        serums("skin_type = \"normal\"\ngoal = \"long_term\""),
        ["hyaluronic_acid"]
    );
    assert_eq!(
        serums(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"acne\", \"pigmentation\"]"
        ),
        ["azelaic_acid", "hyaluronic_acid"],
        "a first-line acne treatment that also evens tone, morning and evening"
    );
    assert_eq!(
        serums("skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]"),
        ["benzoyl_peroxide", "niacinamide"],
        "oily skin: benzoyl peroxide for acne, niacinamide for oil"
    );
    assert_eq!(
        serums(
            "skin_type = \"dry\"\nsensitive = true\ngoal = \"long_term\"\nconcerns = [\"acne\"]"
        )[0],
        "azelaic_acid",
        "sensitive, dry skin: azelaic acid"
    );
}

#[test]
fn a_mask_day_follows_the_seed_order() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"both\"\nconcerns = [\"acne\"]",
        1,
    );
    let day = plan
        .days
        .iter()
        .find(|d| d.pm.iter().any(|s| s.step == Step::Mask))
        .expect("a mask day");
    let steps: Vec<Step> = day.pm.iter().map(|s| s.step).collect();
    let mut unique = steps.clone();
    unique.dedup();
    assert_eq!(
        unique,
        [
            Step::Cleanse,
            Step::Mask,
            Step::RemoveMask,
            Step::Serum,
            Step::Moisturize
        ]
    );
    let am: Vec<Step> = day.am.iter().map(|s| s.step).collect();
    assert_eq!(am.last(), Some(&Step::Sunscreen));
}

#[test]
fn masks_are_spread_over_the_week_within_limits() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"fast\"\nconcerns = [\"oiliness\", \"pores\"]",
        4,
    );
    let nights = mask_nights(&plan);
    assert_eq!(
        nights.len(),
        12,
        "three a week for fast results: {nights:?}"
    );
    for pair in nights.windows(2) {
        assert!(
            pair[1].0 - pair[0].0 >= 2,
            "no masks on consecutive nights: {nights:?}"
        );
    }
    let sensitive = plan_toml(
        "skin_type = \"oily\"\nsensitive = true\ngoal = \"fast\"\nconcerns = [\"oiliness\"]",
        4,
    );
    assert_eq!(
        mask_nights(&sensitive).len(),
        4,
        "sensitive skin: one a week"
    );
    assert!(sensitive
        .masks
        .iter()
        .all(|m| m.mask_type != "clay" && m.mask_type != "exfoliating"));
    let collision = sensitive
        .warnings
        .iter()
        .find(|w| w.code == "safer_wins")
        .expect("the collision is explained");
    assert_eq!(collision.rule, "mask_sensitive_weekly");
    assert!(
        collision.text.starts_with("1 mask a week rather than 3"),
        "{}",
        collision.text
    );
}

#[test]
fn retinol_is_night_only_and_ramps_up() {
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]",
        6,
    );
    assert!(plan.days.iter().all(|d| !has_active(&d.am, "retinol")));
    let per_week: Vec<usize> = plan
        .days
        .chunks(7)
        .map(|week| week.iter().filter(|d| has_active(&d.pm, "retinol")).count())
        .collect();
    // The first week is its patch-test week; then the ramp.
    assert_eq!(per_week, [0, 2, 2, 3, 3, 4]);
    let serum = plan
        .serums
        .iter()
        .find(|s| s.active == "retinol")
        .expect("retinol");
    assert_eq!(serum.time, ServingTime::Pm);
    assert_eq!(serum.nights_per_week, [0, 2, 2, 3, 3, 4]);
    assert_eq!(serum.starts.to_string(), "2026-12-08");
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "sunscreen" && w.rule == "sun_retinoid"));
}

#[test]
fn pregnancy_removes_retinoids_and_names_the_alternatives() {
    let plan = plan_toml("skin_type = \"normal\"\ngoal = \"long_term\"\npregnant = true\nconcerns = [\"aging\", \"acne\"]", 4);
    assert!(plan.serums.iter().all(|s| s.active != "retinol"));
    assert!(plan.days.iter().all(|d| !has_active(&d.pm, "retinol")));
    let warning = plan
        .warnings
        .iter()
        .find(|w| w.code == "pregnancy")
        .expect("pregnancy warning");
    assert!(
        warning.text.contains("Safer alternatives: Azelaic acid.")
            && warning
                .text
                .contains("no retinoids, hydroquinone or bakuchiol"),
        "{}",
        warning.text
    );
    // Bakuchiol has no safety data in pregnancy: it is not swapped in.
    assert!(plan.serums.iter().all(|s| s.active != "bakuchiol"));
    let azelaic = plan
        .serums
        .iter()
        .find(|s| s.active == "azelaic_acid")
        .expect("azelaic acid, with data in pregnancy");
    assert!(!azelaic.reasons.is_empty());
}

#[test]
fn retinoids_never_share_a_night_with_exfoliation() {
    // Texture calls for retinol and an exfoliating mask.
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"both\"\nconcerns = [\"texture\"]",
        4,
    );
    assert!(
        plan.masks.iter().any(|m| m.mask_type == "exfoliating"),
        "{:?}",
        plan.masks
    );
    for day in &plan.days {
        let exfoliating = day.pm.iter().any(|s| s.mask_type == Some("exfoliating"));
        assert!(
            !(exfoliating && has_active(&day.pm, "retinol")),
            "{}",
            day.date
        );
    }
    assert!(plan.days.iter().any(|d| has_active(&d.pm, "retinol")));
    // Avoiding the gentler options brings salicylic acid in next to retinol.
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"pores\", \"aging\"]\navoid = [\"niacinamide\"]",
        4,
    );
    let ids: Vec<&str> = plan.serums.iter().map(|s| s.active).collect();
    assert_eq!(
        ids,
        ["salicylic_acid", "retinol", "vitamin_c", "hyaluronic_acid"]
    );
    for day in &plan.days {
        assert!(
            !(has_active(&day.pm, "salicylic_acid") && has_active(&day.pm, "retinol")),
            "{}",
            day.date
        );
    }
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "kept_apart" && w.rule == "retinoid_acids"));
    assert!(plan.warnings.iter().any(|w| w.code == "avoided"));
}

#[test]
fn vitamin_c_goes_in_the_morning() {
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"dullness\"]",
        2,
    );
    // After its patch-test week, every morning and never in the evening.
    let (test_week, rest) = plan.days.split_at(7);
    assert!(test_week.iter().all(|d| !has_active(&d.am, "vitamin_c")));
    assert!(rest
        .iter()
        .all(|d| has_active(&d.am, "vitamin_c") && !has_active(&d.pm, "vitamin_c")));
}

#[test]
fn an_event_gets_a_glow_mask_in_the_two_evenings_before() {
    let plan = plan_toml("skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]\nevents = [\"2026-12-10\"]", 4);
    let event = plan
        .days
        .iter()
        .position(|d| d.date.0 == date("2026-12-10"))
        .expect("event day");
    let before: Vec<Option<&str>> = plan.days[event - 2..event]
        .iter()
        .map(|d| d.pm.iter().find_map(|s| s.mask_type))
        .collect();
    assert!(
        before
            .iter()
            .flatten()
            .any(|m| *m == "sheet" || *m == "gel"),
        "a hydrating mask before the event: {before:?}"
    );
    let glow = plan
        .masks
        .iter()
        .find(|m| m.for_events)
        .expect("an event mask type");
    assert!(glow.reasons.iter().any(|r| r.rule == "event_mask"));
}

#[test]
fn an_event_on_the_first_day_is_flagged() {
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"fast\"\nevents = [\"2026-12-01\"]",
        1,
    );
    assert!(plan.has_warning("event_mask_missing"));
    let past = plan_toml(
        "skin_type = \"dry\"\ngoal = \"fast\"\nevents = [\"2026-11-01\"]",
        1,
    );
    assert!(past.has_warning("event_outside_plan"));
}

#[test]
fn the_time_budget_is_kept_and_drops_are_named() {
    let plan = plan_toml(
        "skin_type = \"combination\"\ngoal = \"both\"\nconcerns = [\"acne\", \"dullness\"]\nminutes_am = 4\nminutes_pm = 8",
        4,
    );
    for day in &plan.days {
        assert!(Plan::minutes(&day.am) <= 4, "{}", day.date);
        assert!(Plan::minutes(&day.pm) <= 8, "{}", day.date);
    }
    let warning = plan
        .warnings
        .iter()
        .find(|w| w.code == "time_budget")
        .expect("a time budget warning");
    // Named as the person reads them (Niacinamide, clay mask), not "serum (niacinamide)".
    assert!(
        warning.text.contains("leaves out: Niacinamide") || warning.text.contains("mask"),
        "{}",
        warning.text
    );
    assert!(!warning.text.contains("serum ("), "{}", warning.text);
    assert!(!warning.dates.is_empty());
    // Steps show their minutes.
    assert!(plan.days[0].am.iter().all(|s| s.minutes > 0));
}

#[test]
fn a_morning_with_no_time_for_a_serum_gets_none_and_says_what_goes_on_instead() {
    // 3 minutes: cleanse, sunscreen and moisturizer, and no minute for a serum.
    let plan = plan_toml(
        "skin_type = \"combination\"\ngoal = \"both\"\nconcerns = [\"acne\", \"pigmentation\"]\nminutes_am = 3\nminutes_pm = 20",
        4,
    );
    for day in &plan.days {
        assert!(day.am.iter().all(|s| s.step != Step::Serum), "{}", day.date);
    }
    // What the plan says of each serum is what the days hold: no morning for any.
    for serum in &plan.serums {
        assert!(
            !serum.time.in_am(),
            "{} said to go on in the morning",
            serum.active
        );
    }
    // Vitamin C goes on in the morning only: for the pigmentation, an evening active.
    assert!(plan.serums.iter().all(|s| s.active != "vitamin_c"));
    let azelaic = plan
        .serums
        .iter()
        .find(|s| s.active == "azelaic_acid")
        .expect("azelaic acid for the pigmentation");
    assert!(
        azelaic.reasons.iter().any(
            |r| r.text.contains("instead of Vitamin C") && r.text.contains("3-minute mornings")
        ),
        "{:?}",
        azelaic.reasons
    );
    let said: Vec<&str> = plan
        .warnings
        .iter()
        .filter(|w| w.code == "time_budget")
        .map(|w| w.text.as_ref())
        .collect();
    assert!(
        said.iter()
            .any(|t| t.contains("Niacinamide") && t.contains("in the evenings only")),
        "{said:?}"
    );
    // Nothing is advised for a serum the plan does not use.
    assert!(!plan
        .warnings
        .iter()
        .any(|w| w.code == "patch_test" && w.text.contains("Vitamin C")));
}

#[test]
fn a_budget_below_the_essentials_keeps_them_and_says_so() {
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nminutes_am = 1",
        1,
    );
    assert!(plan
        .days
        .iter()
        .all(|d| d.am.iter().any(|s| s.step == Step::Sunscreen)));
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "time_budget" && w.text.contains("essential")));
}

#[test]
fn sensitive_skin_gets_fewer_strong_actives_and_patch_tests() {
    let plan = plan_toml(
        "skin_type = \"normal\"\nsensitive = true\ngoal = \"long_term\"\nconcerns = [\"pigmentation\", \"aging\", \"acne\"]",
        4,
    );
    assert!(super::treatment_serums(&plan).len() <= 2);
    let strong = |steps: &[StepEntry<'_>]| {
        steps
            .iter()
            .filter_map(|s| s.active)
            .filter(|a| super::knowledge().active(a).is_some_and(|a| a.rules.strong))
            .count()
    };
    for day in &plan.days {
        assert!(strong(&day.am) <= 1 && strong(&day.pm) <= 1, "{}", day.date);
    }
    for serum in &plan.serums {
        let name = &super::knowledge()
            .active(serum.active)
            .expect("active")
            .name;
        assert!(
            plan.warnings
                .iter()
                .any(|w| w.code == "patch_test" && w.text.contains(name.as_str())),
            "patch test for {name}"
        );
    }
}

#[test]
fn every_plan_says_when_to_see_a_dermatologist_and_sets_expectations() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
        1,
    );
    let referrals: Vec<&str> = plan
        .warnings
        .iter()
        .filter(|w| w.code == "see_dermatologist")
        .map(|w| w.rule)
        .collect();
    assert!(referrals.contains(&"derm_acne") && referrals.contains(&"derm_burning"));
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "expectations" && w.text.contains("2-6 weeks")));
}

#[test]
fn vitamin_c_with_niacinamide_is_a_note_not_a_conflict() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"oiliness\", \"dullness\"]",
        2,
    );
    assert!(plan.has_warning("interaction_note"));
    assert!(plan.days[7..]
        .iter()
        .all(|d| has_active(&d.am, "vitamin_c") && has_active(&d.am, "niacinamide")));
}

#[test]
fn the_plan_json_keeps_the_documented_names() {
    let plan = plan_toml(
        "skin_type = \"combination\"\ngoal = \"both\"\nconcerns = [\"acne\", \"dullness\"]",
        1,
    );
    let json: serde_json::Value = serde_json::from_str(&plan.to_json_pretty()).expect("json");
    for key in ["approach", "reasons", "masks", "serums", "days", "warnings"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["approach"], "both");
    assert!(json["masks"][0]["type"].is_string() && json["masks"][0]["per_week"].is_number());
    assert!(json["serums"][0]["active"].is_string() && json["serums"][0]["time"].is_string());
    let day = &json["days"][0];
    assert_eq!(day["date"], "2026-12-01");
    assert_eq!(day["am"][0]["step"], "cleanse");
    assert!(json["reasons"][0]["rule"].is_string() && json["reasons"][0]["source"].is_string());
    assert!(json["warnings"][0]["code"].is_string() && json["warnings"][0]["text"].is_string());
}

#[test]
fn plans_say_how_long_their_actives_take_and_what_is_urgent() {
    // Acne treatments are judged at 12 weeks, not 2-6.
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
        4,
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.rule == "results_acne" || w.rule == "results_retinoid"),
        "{:?}",
        plan.warnings.iter().map(|w| w.rule).collect::<Vec<_>>()
    );
    let referral = plan
        .warnings
        .iter()
        .find(|w| w.rule == "derm_acne")
        .expect("acne referral");
    assert!(referral.text.contains("12 weeks"), "{}", referral.text);
    // Retinol for lines: months.
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]",
        4,
    );
    if plan.serums.iter().any(|s| s.active == "retinol") {
        assert!(plan.warnings.iter().any(|w| w.rule == "results_retinoid"));
    }
    // Every plan says what to do on a reaction, and when it is urgent.
    for rule in ["reaction", "reaction_urgent"] {
        assert!(plan.warnings.iter().any(|w| w.rule == rule), "{rule}");
    }
}

/// A profile with no avoid list and no shelf reads to nothing: the planner builds no
/// analyzer for it (so that an idle server holds no dictionary), and its plan is the same
/// as with one.
#[test]
fn a_profile_without_avoid_or_shelf_needs_no_analyzer() {
    use regimen_core::{PlanOptions, Planner, Profile};
    let mut compared = 0;
    for example in ["combination-acne", "dry-event", "aging", "sensitive"] {
        let path = format!(
            "{}/../../examples/{example}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let profile = Profile::from_toml(&text).expect("example");
        if !(profile.avoid.is_empty() && profile.shelf.is_empty()) {
            continue;
        }
        let options = PlanOptions::new(date("2026-12-01"), 4).expect("options");
        let read = super::planner().plan(&profile, &options).expect("plan");
        let empty = std::sync::OnceLock::new();
        let unread = Planner::new(super::knowledge(), &empty)
            .plan(&profile, &options)
            .expect("plan");
        assert!(empty.get().is_none(), "{example}: no analyzer was built");
        assert_eq!(read.to_json_pretty(), unread.to_json_pretty(), "{example}");
        compared += 1;
    }
    assert!(compared >= 2, "compared {compared} examples");
}

#[test]
fn the_first_strong_active_waits_for_its_patch_test_week() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"long_term\"\nconcerns = [\"acne\"]",
        4,
    );
    let strong: Vec<&str> = super::knowledge()
        .actives
        .iter()
        .filter(|a| a.rules.strong)
        .map(|a| a.id.as_str())
        .collect();
    let first_strong = plan
        .days
        .iter()
        .position(|d| {
            d.am.iter()
                .chain(&d.pm)
                .any(|s| s.active.is_some_and(|a| strong.contains(&a)))
        })
        .expect("a strong active");
    assert!(
        first_strong >= 7,
        "on the face only after a week of patch testing (day {first_strong})"
    );
    let pacing = plan
        .warnings
        .iter()
        .find(|w| w.code == "pacing")
        .expect("the pacing says when");
    assert!(
        pacing.text.contains("each after its own patch-test week")
            && pacing.text.contains("from Tuesday 8 December"),
        "{}",
        pacing.text
    );
}

#[test]
fn when_masks_cannot_fit_the_answer_says_so_first() {
    let plan = plan_toml(
        "skin_type = \"oily\"\nsensitive = true\nconcerns = [\"acne\"]\ngoal = \"both\"\nevents = [\"2026-12-20\"]\nminutes_pm = 5",
        4,
    );
    assert_eq!(plan.approach, regimen_core::vocab::Approach::Serums);
    assert!(plan.masks.is_empty());
    assert_eq!(
        plan.reasons[0].rule, "masks_do_not_fit",
        "why the answer is serums comes before the reasons that argued for masks"
    );
}

#[test]
fn an_alternative_is_not_chosen_beside_what_it_replaces() {
    // Acne brings a retinoid (adapalene); bakuchiol, an alternative to retinol for
    // lines, stays out (rule alternatives_apart), owned retinol or not.
    let plan = plan_toml(
        "skin_type = \"combination\"\ngoal = \"long_term\"\nconcerns = [\"acne\", \"aging\", \"pigmentation\"]\n[[shelf]]\nname = \"Retinol Night Cream\"\ningredients = \"Aqua, Caprylic/Capric Triglyceride, Glycerin, Retinol, Tocopherol\"\n",
        4,
    );
    let actives: Vec<&str> = plan.serums.iter().map(|s| s.active).collect();
    assert!(
        actives.iter().any(|a| *a == "adapalene" || *a == "retinol"),
        "{actives:?}"
    );
    assert!(!actives.contains(&"bakuchiol"), "{actives:?}");
    // The step the person's cream does is named by its family, not by the pick.
    let step = plan
        .days
        .iter()
        .flat_map(|d| d.pm.iter())
        .find(|s| s.product.as_deref() == Some("Retinol Night Cream"))
        .expect("the cream is used");
    assert_eq!(step.display_name(super::knowledge()), "Retinoids");
    // Without a retinoid, bakuchiol can serve lines.
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"long_term\"\npregnant = false\nconcerns = [\"aging\"]\navoid = [\"retinoids\"]",
        4,
    );
    let actives: Vec<&str> = plan.serums.iter().map(|s| s.active).collect();
    assert!(actives.contains(&"bakuchiol"), "{actives:?}");
}

#[test]
fn a_plan_ends_by_the_last_date_the_dates_can_write() {
    use regimen_core::PlanOptions;
    // Every date of a plan is written YYYY-MM-DD: one that would end after 9999-12-31
    // is refused, naming the start, instead of writing "+10000-01-27".
    assert!(PlanOptions::new(date("9999-11-01"), 4).is_ok());
    assert!(
        PlanOptions::new(date("9999-12-04"), 4).is_ok(),
        "ends on 9999-12-31"
    );
    for (start, weeks) in [("9999-12-05", 4), ("9999-12-31", 1), ("9999-06-01", 52)] {
        let error = PlanOptions::new(date(start), weeks).expect_err(start);
        assert!(
            error.contains(start) && error.contains("9999-12-31"),
            "{error}"
        );
    }
}

#[test]
fn a_serum_no_evening_has_time_for_is_left_out_not_said_to_start_after_the_plan() {
    // 3-minute evenings hold one serum. Azelaic acid, once its patch-test turn has come,
    // goes on every evening and takes it; retinol, an evening active, then never fits.
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"long_term\"\nconcerns = [\"acne\", \"aging\"]\nminutes_am = 4\nminutes_pm = 3",
        4,
    );
    for serum in &plan.serums {
        assert!(
            plan.days.iter().any(|d| d
                .am
                .iter()
                .chain(&d.pm)
                .any(|s| s.active == Some(serum.active))),
            "{} is in the plan's serums but goes on no day",
            serum.active
        );
    }
    let said = |code: &str, text: &str| {
        plan.warnings
            .iter()
            .any(|w| w.code == code && w.text.contains(text))
    };
    assert!(!said("pacing", "Retinol after this plan"));
    assert!(said("time_budget", "Retinol"), "{:?}", plan.warnings);
    // Nor is it advised on: no sun, patch-test or expectation note for a retinoid.
    let advised: Vec<&str> = plan
        .warnings
        .iter()
        .filter(|w| w.code != "time_budget" && w.text.contains("Retino"))
        .map(|w| w.text.as_ref())
        .collect();
    assert!(advised.is_empty(), "{advised:?}");
}
