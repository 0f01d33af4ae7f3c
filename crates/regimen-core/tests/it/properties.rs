//! Property tests: for any profile, the plan keeps every rule of the scheduler and
//! the safety gates. The checks read the rules from the knowledge base, not from the
//! scheduler's code.

use super::knowledge;
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::subsequence;
use regimen_core::knowledge::{Selector, Severity};
use regimen_core::plan::{Plan, StepEntry};
use regimen_core::profile::{IsoDate, Minutes, ShelfItem};
use regimen_core::shelf::{analyze_shelf, ShelfProduct};
use regimen_core::vocab::{Concern, Goal, SkinType, Step};
use regimen_core::{make_plan_with_shelf, PlanOptions, Profile};

/// Products a person may own, covering every family an interaction names.
const PRODUCTS: &[(&str, &str, Option<&str>)] = &[
    (
        "Acne Wash",
        "Aqua, Sodium Laureth Sulfate, Benzoyl Peroxide, Glycerin",
        Some("cleanser"),
    ),
    (
        "Foam Cleanser",
        "Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Glycerin",
        None,
    ),
    (
        "Niacinamide Drops",
        "Aqua, Niacinamide, Glycerin",
        Some("serum"),
    ),
    (
        "Night Retinol",
        "Squalane, Retinol, Tocopherol",
        Some("serum"),
    ),
    (
        "C Serum",
        "Aqua, Ascorbic Acid 15%, Glycerin",
        Some("serum"),
    ),
    (
        "AHA Cream",
        "Aqua, Glycolic Acid, Cetearyl Alcohol, Glycerin, Dimethicone",
        Some("moisturizer"),
    ),
    (
        "Plain Cream",
        "Aqua, Glycerin, Cetearyl Alcohol, Dimethicone",
        Some("moisturizer"),
    ),
    (
        "Scented Serum",
        "Aqua, Sodium Hyaluronate, Parfum, Linalool",
        Some("serum"),
    ),
    (
        "BHA Clay Mask",
        "Kaolin, Aqua, Bentonite, Salicylic Acid",
        Some("mask"),
    ),
    (
        "Peel Mask",
        "Aqua, Glycolic Acid 10%, Lactic Acid, Glycerin",
        None,
    ),
    ("Sheet Mask", "Aqua, Glycerin, Sodium Hyaluronate", None),
    (
        "Sun Fluid SPF 50",
        "Aqua, Homosalate, Octocrylene, Zinc Oxide, Glycerin",
        Some("sunscreen"),
    ),
    (
        "Glycolic Toner",
        "Aqua, Glycolic Acid, Aloe Barbadensis Leaf Juice",
        Some("toner"),
    ),
    (
        "Azelaic Gel",
        "Aqua, Azelaic Acid 10%, Glycerin",
        Some("serum"),
    ),
];

fn avoidable() -> Vec<String> {
    let k = knowledge();
    k.actives
        .iter()
        .map(|a| a.id.clone())
        .chain(k.mask_types.iter().map(|m| m.id.clone()))
        .chain(["retinoid".to_string(), "fragrance".to_string()])
        .collect()
}

prop_compose! {
    fn profiles()(
        skin_type in prop::sample::select(SkinType::ALL),
        sensitive in any::<bool>(),
        concerns in subsequence(Concern::ALL, 0..=Concern::ALL.len()).prop_shuffle(),
        goal in prop::sample::select(Goal::ALL),
        event_offsets in prop::collection::vec(-5i64..60, 0..4),
        pregnant in any::<bool>(),
        minutes_am in prop::option::of(1u16..12),
        minutes_pm in prop::option::of(1u16..40),
        avoid in prop::option::weighted(0.5, subsequence(avoidable(), 0..4)),
        start_offset in 0u64..2000,
        shelf in prop::option::weighted(0.4, subsequence((0..PRODUCTS.len()).collect::<Vec<_>>(), 0..8)),
    ) -> Profile {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date") + Days::new(start_offset);
        let mut profile = Profile::new(skin_type, goal);
        profile.sensitive = sensitive;
        profile.concerns = concerns;
        profile.events = event_offsets
            .into_iter()
            .filter_map(|o| start.checked_add_signed(chrono::Duration::days(o)))
            .map(IsoDate)
            .collect();
        profile.events.sort();
        profile.events.dedup();
        profile.pregnant = pregnant;
        profile.minutes_am = minutes_am.and_then(Minutes::new);
        profile.minutes_pm = minutes_pm.and_then(Minutes::new);
        profile.avoid = avoid.unwrap_or_default();
        profile.start = Some(IsoDate(start));
        profile.shelf = shelf
            .unwrap_or_default()
            .into_iter()
            .map(|i| {
                let (name, ingredients, kind) = PRODUCTS[i];
                ShelfItem {
                    name: name.to_string(),
                    ingredients: ingredients.to_string(),
                    kind: kind.and_then(regimen_core::vocab::ProductKind::from_id),
                }
            })
            .collect();
        profile
    }
}

fn families_and_tags<'a>(
    steps: &'a [StepEntry<'a>],
    shelf: &'a [ShelfProduct],
) -> (Vec<&'a str>, Vec<&'a str>) {
    let k = knowledge();
    let own = steps
        .iter()
        .filter_map(|s| s.product.as_deref())
        .filter_map(|name| shelf.iter().find(|p| p.name == name))
        .flat_map(|p| p.families.iter().map(String::as_str));
    let families = steps
        .iter()
        .filter_map(|s| s.active)
        .filter_map(|a| k.active(a))
        .map(|a| a.family.as_str())
        .chain(own)
        .collect();
    let tags = steps
        .iter()
        .filter_map(|s| s.mask_type)
        .filter_map(|m| k.mask_type(m))
        .flat_map(|m| m.tags.iter().map(String::as_str))
        .collect();
    (families, tags)
}

fn hits(selector: &Selector, families: &[&str], tags: &[&str]) -> bool {
    selector
        .families
        .iter()
        .any(|f| families.contains(&f.as_str()))
        || selector
            .mask_tags
            .iter()
            .any(|t| tags.contains(&t.as_str()))
}

fn check(profile: &Profile, plan: &Plan<'_>, shelf: &[ShelfProduct]) -> Result<(), TestCaseError> {
    let k = knowledge();
    let strong_limit = if profile.sensitive {
        k.limits.strong_per_routine_max_sensitive
    } else {
        k.limits.strong_per_routine_max
    };
    for day in &plan.days {
        for (is_am, steps) in [(true, &day.am), (false, &day.pm)] {
            // Order: cleanse first, then the knowledge's step order; a mask is removed right after.
            prop_assert_eq!(
                steps.first().map(|s| s.step),
                Some(Step::Cleanse),
                "{} starts with cleanse",
                day.date
            );
            let ranks: Vec<usize> = steps.iter().map(|s| k.step_rank(s.step)).collect();
            prop_assert!(
                ranks.windows(2).all(|w| w[0] <= w[1]),
                "{} steps out of order: {:?}",
                day.date,
                steps
            );
            for (i, step) in steps.iter().enumerate() {
                if step.step == Step::Mask {
                    prop_assert_eq!(steps.get(i + 1).map(|s| s.step), Some(Step::RemoveMask));
                    prop_assert!(!is_am, "masks go in the evening");
                }
            }
            prop_assert!(steps.iter().any(|s| s.step == Step::Moisturize));
            prop_assert_eq!(
                steps.iter().any(|s| s.step == Step::Sunscreen),
                is_am,
                "sunscreen every morning, only mornings"
            );
            // Each serum at most once per routine (so at most twice a day).
            let actives: Vec<&str> = steps.iter().filter_map(|s| s.active).collect();
            for (i, a) in actives.iter().enumerate() {
                prop_assert!(
                    !actives[..i].contains(a),
                    "{} twice in one routine on {}",
                    a,
                    day.date
                );
                prop_assert!(
                    plan.serums.iter().any(|s| s.active == *a),
                    "{} scheduled but not chosen",
                    a
                );
                let active = k.active(a).expect("known active");
                prop_assert!(
                    if is_am {
                        active.time.in_am()
                    } else {
                        active.time.in_pm()
                    },
                    "{} at the wrong time",
                    a
                );
                prop_assert!(
                    !profile.pregnant || active.pregnancy_safe,
                    "{} in pregnancy",
                    a
                );
                prop_assert!(
                    !(is_am && active.family == "retinoid"),
                    "retinoid in the morning"
                );
                prop_assert!(
                    !profile
                        .avoid
                        .iter()
                        .any(|x| *x == active.id || *x == active.family),
                    "avoided {} used",
                    a
                );
            }
            // Interactions: nothing that must be separated shares a routine.
            let (families, tags) = families_and_tags(steps, shelf);
            prop_assert!(
                !(profile.pregnant && families.contains(&"retinoid")),
                "a retinoid product in pregnancy on {}",
                day.date
            );
            for name in steps.iter().filter_map(|s| s.product.as_deref()) {
                let product = shelf
                    .iter()
                    .find(|p| p.name == name)
                    .expect("a shelf product");
                prop_assert!(
                    !product.flags.iter().any(|(code, _)| code == "avoid"),
                    "{} has an avoided ingredient",
                    name
                );
            }
            for interaction in k
                .interactions
                .iter()
                .filter(|i| i.severity == Severity::Separate)
            {
                let together = (hits(&interaction.a, &families, &[])
                    && hits(&interaction.b, &families, &tags))
                    || (hits(&interaction.a, &[], &tags) && hits(&interaction.b, &families, &[]));
                prop_assert!(
                    !together,
                    "{} broken on {}: {:?}",
                    interaction.id,
                    day.date,
                    steps
                );
            }
            // Strong actives per routine.
            let strong = actives
                .iter()
                .filter(|a| k.active(a).is_some_and(|a| a.strong))
                .count();
            prop_assert!(
                strong <= strong_limit,
                "{} strong actives on {}",
                strong,
                day.date
            );
            // Time budget: kept, unless even the essentials do not fit (and then only those).
            let budget = if is_am {
                profile.minutes_am
            } else {
                profile.minutes_pm
            };
            if let Some(budget) = budget {
                let total = Plan::minutes(steps);
                if total > budget.get() {
                    prop_assert!(
                        steps.iter().all(|s| k.step(s.step).required),
                        "over budget with optional steps"
                    );
                    prop_assert!(plan
                        .warnings
                        .iter()
                        .any(|w| w.code == "time_budget" && w.text.contains("essential")));
                }
            }
        }
    }
    // Masks: every 7-day window within the weekly maximum, sensitive skin at most one,
    // each type within its own limit, only chosen types.
    let masks: Vec<Option<&str>> = plan
        .days
        .iter()
        .map(|d| d.pm.iter().find_map(|s| s.mask_type))
        .collect();
    let weekly_max = if profile.sensitive {
        1
    } else {
        usize::from(k.limits.masks_per_week_max)
    };
    for window in masks.windows(7.min(masks.len())) {
        prop_assert!(
            window.iter().flatten().count() <= weekly_max,
            "too many masks in a week: {:?}",
            window
        );
        for mask in window.iter().flatten() {
            let limit = usize::from(
                k.mask_type(mask)
                    .expect("known mask")
                    .limit_for(profile.skin_type),
            );
            prop_assert!(
                window.iter().flatten().filter(|m| *m == mask).count() <= limit,
                "{} over its limit",
                mask
            );
        }
    }
    for mask in masks.iter().flatten() {
        prop_assert!(plan.masks.iter().any(|m| m.mask_type == *mask));
        let mask_type = k.mask_type(mask).expect("mask");
        prop_assert!(
            !(profile.sensitive && mask_type.avoid_if_sensitive),
            "{} for sensitive skin",
            mask
        );
    }
    // Ramped actives stay within their nights per week.
    for serum in &plan.serums {
        let active = k.active(serum.active).expect("active");
        for (week, days) in plan.days.chunks(7).enumerate() {
            if let Some(limit) = active.nights_in_week(week, profile.sensitive) {
                let nights = days
                    .iter()
                    .filter(|d| d.pm.iter().any(|s| s.active == Some(&active.id)))
                    .count();
                prop_assert!(
                    nights <= usize::from(limit),
                    "{} on {} nights in week {}",
                    active.id,
                    nights,
                    week
                );
            }
        }
        if profile.sensitive || active.strong {
            prop_assert!(
                plan.warnings
                    .iter()
                    .any(|w| w.code == "patch_test" && w.text.contains(active.name.as_str())),
                "patch test advice for {}",
                active.id
            );
        }
        if active.photosensitising {
            prop_assert!(plan
                .warnings
                .iter()
                .any(|w| w.code == "sunscreen" && w.text.contains(active.name.as_str())));
        }
    }
    // Events: a glow mask in the two evenings before, or a warning naming the date.
    let event_tags = &k.limits.event_mask_tags;
    let first = plan.days.first().map(|d| d.date).expect("days");
    let last = plan.days.last().map(|d| d.date).expect("days");
    for event in profile
        .events
        .iter()
        .filter(|e| **e >= first && **e <= last)
    {
        let index = plan
            .days
            .iter()
            .position(|d| d.date == *event)
            .expect("event day");
        let glow = (1..=usize::from(k.limits.event_mask_days_before))
            .filter_map(|back| index.checked_sub(back))
            .filter_map(|i| masks[i])
            .any(|m| {
                k.mask_type(m)
                    .is_some_and(|m| event_tags.iter().any(|t| m.has_tag(t)))
            });
        let warned = plan
            .warnings
            .iter()
            .any(|w| w.code == "event_mask_missing" && w.dates.contains(event));
        prop_assert!(
            glow || warned,
            "event {} has neither a mask nor a warning",
            event
        );
    }
    let chosen: Vec<&str> = plan.serums.iter().map(|s| s.active).collect();
    for (i, active) in chosen.iter().enumerate() {
        prop_assert!(!chosen[..i].contains(active), "{} chosen twice", active);
    }
    // Safety gates and expectations.
    prop_assert!(plan.warnings.iter().any(|w| w.code == "see_dermatologist"));
    if !plan.serums.is_empty() {
        prop_assert!(plan.warnings.iter().any(|w| w.code == "expectations"));
    }
    if profile.pregnant {
        let warning = plan.warnings.iter().find(|w| w.code == "pregnancy");
        prop_assert!(warning
            .is_some_and(|w| w.text.contains("Azelaic acid") && w.text.contains("Bakuchiol")));
    }
    if profile.sensitive {
        prop_assert!(plan.serums.len() <= k.limits.serum_actives_max_sensitive);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_plan_keeps_every_rule(profile in profiles(), weeks in 1u8..9) {
        let start = profile.start.map(|d| d.0).expect("start");
        let shelf = analyze_shelf(super::shelf::analyzer(), &profile);
        let plan = make_plan_with_shelf(knowledge(), &profile, &PlanOptions::new(start, weeks).expect("options"), &shelf);
        prop_assert_eq!(plan.days.len(), usize::from(weeks) * 7);
        prop_assert_eq!(plan.shelf.is_some(), !profile.shelf.is_empty());
        check(&profile, &plan, &shelf)?;
    }

    #[test]
    fn any_text_as_a_profile_is_an_error_or_a_profile_never_a_panic(text in "\\PC{0,200}") {
        let _ = Profile::from_toml(&text);
        let _ = Profile::from_json(&text);
    }

    #[test]
    fn plausible_profile_lines_never_panic(
        lines in prop::collection::vec(
            (prop::sample::select(vec!["skin_type", "goal", "concerns", "events", "minutes_am", "start", "sensitive", "avoid", "x"]),
             prop::sample::select(vec!["\"oily\"", "\"both\"", "[\"acne\"]", "[2026-12-01]", "-1", "99999999999", "\"2026-02-30\"", "true", "[]", "{}", "1.5"])),
            0..8)
    ) {
        let text: String = lines.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        if let Err(error) = Profile::from_toml(&text) {
            prop_assert!(!error.message.is_empty());
        }
    }
}
