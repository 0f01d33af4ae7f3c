//! Owned products planned by what they contain, whatever step they fill (issue: a
//! retinoid night cream used as the moisturizer went on every morning).

use super::{knowledge, plan_toml};
use regimen_core::plan::{Day, Plan};

const RETINOL_CREAM: &str = "[[shelf]]\nname = \"Retinol Night Cream 0.3%\"\ningredients = \"Aqua, Glycerin, Caprylic/Capric Triglyceride, Cetearyl Alcohol, Dimethicone, Phenoxyethanol, Retinol, Tocopherol\"\n";
const GLYCOLIC_CREAM: &str = "[[shelf]]\nname = \"Glycolic 10% Night Cream\"\ningredients = \"Aqua, Glycolic Acid, Cetearyl Alcohol, Glycerin, Sodium Hydroxide, Dimethicone, Phenoxyethanol\"\n";
const RETINOL_SERUM: &str = "[[shelf]]\nname = \"Retinol Serum\"\nkind = \"serum\"\ningredients = \"Squalane, Caprylic/Capric Triglyceride, Retinol, Tocopherol\"\n";
const LIGHTENING: &str = "[[shelf]]\nname = \"Skin Lightening Cream\"\ningredients = \"Aqua, Hydroquinone 2%, Glycerin, Cetearyl Alcohol, Phenoxyethanol\"\n";
const PLAIN_CREAM: &str = "[[shelf]]\nname = \"Plain Cream\"\nkind = \"moisturizer\"\ningredients = \"Aqua, Glycerin, Cetearyl Alcohol, Dimethicone\"\n";

fn with(day: &Day<'_>, product: &str, morning: bool) -> bool {
    let routine = if morning { &day.am } else { &day.pm };
    routine
        .iter()
        .any(|s| s.product.as_deref() == Some(product))
}

fn nights_per_week(plan: &Plan<'_>, product: &str) -> Vec<usize> {
    plan.days
        .chunks(7)
        .map(|week| week.iter().filter(|d| with(d, product, false)).count())
        .collect()
}

fn warned(plan: &Plan<'_>, code: &str, text: &str) -> bool {
    plan.warnings
        .iter()
        .any(|w| w.code == code && w.text.contains(text))
}

#[test]
fn a_retinoid_night_cream_as_the_only_moisturizer_follows_the_retinoid_rules() {
    let plan = plan_toml(
        &format!("skin_type = \"dry\"\ngoal = \"long_term\"\n{RETINOL_CREAM}"),
        6,
    );
    let cream = "Retinol Night Cream 0.3%";
    assert!(
        plan.days.iter().all(|d| !with(d, cream, true)),
        "never in the morning"
    );
    let retinoid = knowledge().family("retinoid").expect("family");
    let nights = nights_per_week(&plan, cream);
    for (week, count) in nights.iter().enumerate() {
        let allowed = retinoid.nights_in_week(week, false).expect("a ramp");
        assert!(*count <= usize::from(allowed), "week {week}: {nights:?}");
    }
    assert_eq!(nights[0], 0, "its patch-test week first: {nights:?}");
    assert_eq!(nights[1], 2, "then two nights a week to start: {nights:?}");
    assert!(warned(&plan, "sunscreen", cream), "sun advice");
    assert!(warned(&plan, "patch_test", cream), "patch-test advice");
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf.placed[0].role.contains("evenings"),
        "{:?}",
        shelf.placed
    );
    assert!(
        shelf.missing.iter().any(|m| m.text.contains("moisturizer")),
        "a moisturizer for the other routines: {:?}",
        shelf.missing
    );
}

#[test]
fn an_acid_cream_shares_the_acid_nights_and_never_meets_a_retinoid() {
    let plan = plan_toml(
        &format!(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\n{RETINOL_SERUM}{GLYCOLIC_CREAM}{PLAIN_CREAM}"
        ),
        4,
    );
    let acid = "Glycolic 10% Night Cream";
    for day in &plan.days {
        let retinoid = day
            .pm
            .iter()
            .any(|s| s.active == Some("retinol") || s.product.as_deref() == Some("Retinol Serum"));
        assert!(
            !(retinoid && with(day, acid, false)),
            "{}: acid and retinoid",
            day.date
        );
        assert!(!with(day, acid, true), "acids at night only");
    }
    let aha = knowledge().family("aha").expect("family");
    let nights = nights_per_week(&plan, acid);
    for (week, count) in nights.iter().enumerate() {
        assert!(
            *count <= usize::from(aha.nights_in_week(week, false).expect("ramp")),
            "{nights:?}"
        );
    }
    assert!(nights.iter().sum::<usize>() > 0, "used on its nights");
    // The plain cream does the other evenings and the mornings.
    assert!(plan.days.iter().all(|d| with(d, "Plain Cream", true)));
}

#[test]
fn hydroquinone_is_known_and_refused_in_pregnancy() {
    let plan = plan_toml(
        &format!(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"pigmentation\"]\npregnant = true\n{LIGHTENING}"
        ),
        2,
    );
    let shelf = plan.shelf.as_ref().expect("report");
    assert_eq!(shelf.not_placed[0].name, "Skin Lightening Cream");
    assert!(
        shelf.not_placed[0].reason.contains("hydroquinone")
            && shelf.not_placed[0].reason.contains("pregnancy"),
        "{:?}",
        shelf.not_placed
    );
    assert!(plan.days.iter().all(
        |d| !with(d, "Skin Lightening Cream", true) && !with(d, "Skin Lightening Cream", false)
    ));
    // Outside pregnancy it is a drug for a doctor's care: never the everyday
    // moisturizer, and the reason says so.
    let plan = plan_toml(
        &format!(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"pigmentation\"]\n{LIGHTENING}"
        ),
        3,
    );
    assert!(plan.days.iter().all(
        |d| !with(d, "Skin Lightening Cream", true) && !with(d, "Skin Lightening Cream", false)
    ));
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf.not_placed[0].reason.contains("doctor"),
        "{:?}",
        shelf.not_placed
    );
}

#[test]
fn a_trace_of_a_retinoid_still_counts_in_pregnancy() {
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"long_term\"\npregnant = true\n[[shelf]]\nname = \"Day Cream\"\ningredients = \"Aqua, Glycerin, Cetearyl Alcohol, Phenoxyethanol, Parfum, Retinyl Palmitate\"\n",
        1,
    );
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf.not_placed[0].reason.contains("even in traces"),
        "{:?}",
        shelf.not_placed
    );
}

#[test]
fn spf_products_go_on_in_the_morning_only_and_a_low_spf_is_said() {
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\n[[shelf]]\nname = \"Day Cream SPF 15\"\ningredients = \"Aqua, Ethylhexyl Methoxycinnamate, Glycerin, Cetearyl Alcohol\"\n",
        1,
    );
    for day in &plan.days {
        assert!(with(day, "Day Cream SPF 15", true));
        assert!(!with(day, "Day Cream SPF 15", false), "never at night");
        let sunscreen = day.am.iter().find(|s| s.step.id() == "sunscreen");
        assert_eq!(
            sunscreen.and_then(|s| s.product.as_deref()),
            Some("Day Cream SPF 15")
        );
    }
    assert!(warned(&plan, "spf_low", "SPF 15"));
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(shelf
        .missing
        .iter()
        .any(|m| m.text.contains("below SPF 30")));
}

#[test]
fn strengths_slow_the_ramp_or_leave_a_product_out() {
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\"]\n[[shelf]]\nname = \"Retinol 1% Serum\"\nkind = \"serum\"\ningredients = \"Squalane, Retinol 1%, Tocopherol\"\n",
        6,
    );
    let retinol = plan
        .serums
        .iter()
        .find(|s| s.active == "retinol")
        .expect("retinol");
    let slow = knowledge().family("retinoid").expect("family");
    // The patch-test week, then the slower ramp.
    let expected: Vec<u8> = std::iter::once(0)
        .chain((0..5).map(|week| slow.nights_in_week(week, true).expect("ramp")))
        .collect();
    assert_eq!(retinol.nights_per_week, expected, "the slower ramp");
    assert!(warned(&plan, "strength", "1%"));
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"both\"\nconcerns = [\"texture\"]\n[[shelf]]\nname = \"AHA 30% Peeling Solution\"\ningredients = \"Glycolic Acid, Aqua, Glycerin\"\n",
        2,
    );
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(
        shelf.not_placed[0].reason.contains("30%")
            && shelf.not_placed[0].reason.contains("home use"),
        "{:?}",
        shelf.not_placed
    );
}

#[test]
fn a_sleeping_mask_stays_on_and_comes_last() {
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"fast\"\nconcerns = [\"dehydration\"]\n[[shelf]]\nname = \"Water Sleeping Mask\"\ningredients = \"Aqua, Glycerin, Sodium Hyaluronate, Cetearyl Alcohol\"\n",
        2,
    );
    let nights: Vec<_> = plan
        .days
        .iter()
        .filter(|d| with(d, "Water Sleeping Mask", false))
        .collect();
    assert!(!nights.is_empty(), "{:?}", plan.shelf);
    for day in nights {
        assert!(
            !day.pm.iter().any(|s| s.step.id() == "remove_mask"),
            "not rinsed off: {:?}",
            day.pm
        );
        assert_eq!(
            day.pm.last().and_then(|s| s.product.as_deref()),
            Some("Water Sleeping Mask"),
            "the last step of the evening"
        );
    }
}

#[test]
fn tools_and_eye_creams_are_used_nowhere_and_say_why() {
    let plan = plan_toml(
        "skin_type = \"oily\"\ngoal = \"long_term\"\n[[shelf]]\nname = \"Oil Blotting Papers\"\n[[shelf]]\nname = \"Eye Cream\"\ningredients = \"Aqua, Glycerin\"\n",
        1,
    );
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(shelf.placed.is_empty());
    assert!(shelf.not_placed[0].reason.contains("tool"));
    assert!(shelf.not_placed[1].reason.contains("eye care"));
}

const CE_FERULIC: &str = "[[shelf]]\nname = \"C E Ferulic\"\ningredients = \"Aqua, Ethoxydiglycol, Ascorbic Acid, Glycerin, Propylene Glycol, Laureth-23, Phenoxyethanol, Tocopherol, Triethanolamine, Ferulic Acid, Panthenol, Sodium Hyaluronate\"\n";
const SPF_LOTION: &str = "[[shelf]]\nname = \"AM Lotion SPF 30\"\ningredients = \"Active Ingredients: Homosalate 10%, Octinoxate 7.5%, Octocrylene 2.5%, Zinc Oxide 6.3%. Inactive Ingredients: Purified Water, Glycerin, Niacinamide, Ceramide NP, Carbomer, Dimethicone, Sodium Hyaluronate, Phenoxyethanol\"\n";

#[test]
fn one_product_fills_one_serum_and_one_step_of_a_routine() {
    let plan = plan_toml(
        &format!(
            "skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\", \"dullness\"]\n{CE_FERULIC}{SPF_LOTION}"
        ),
        4,
    );
    // The vitamin C serum with a little hyaluronic acid carries its vitamin C: it is
    // named for one serum only, and the other is to get.
    let owned: Vec<&str> = plan
        .serums
        .iter()
        .filter(|s| {
            s.reasons
                .iter()
                .any(|r| r.text.contains("You own C E Ferulic"))
        })
        .map(|s| s.active)
        .collect();
    assert_eq!(owned, ["vitamin_c"], "{owned:?}");
    for day in &plan.days {
        for routine in [&day.am, &day.pm] {
            let products: Vec<&str> = routine
                .iter()
                .filter_map(|s| s.product.as_deref())
                .collect();
            let mut unique = products.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(products.len(), unique.len(), "{}: {products:?}", day.date);
            // A serum step with no product is on the shopping list.
            for step in routine
                .iter()
                .filter(|s| s.active.is_some() && s.product.is_none())
            {
                let shelf = plan.shelf.as_ref().expect("report");
                assert!(
                    shelf
                        .missing
                        .iter()
                        .any(|m| m.active.as_deref() == step.active),
                    "{:?} bare on {} and not to get",
                    step.active,
                    day.date
                );
            }
        }
    }
    // The SPF lotion in the sunscreen step also moisturizes: no empty moisturize step.
    let morning = &plan.days[0].am;
    assert!(with(&plan.days[0], "AM Lotion SPF 30", true));
    assert!(!morning
        .iter()
        .any(|s| s.step == regimen_core::vocab::Step::Moisturize && s.product.is_none()));
}

#[test]
fn a_sensitive_persons_only_sunscreen_is_kept_with_a_word() {
    let plan = plan_toml(
        "skin_type = \"normal\"\nsensitive = true\ngoal = \"long_term\"\n[[shelf]]\nname = \"Sport Spray SPF 50\"\ningredients = \"Active Ingredients: Avobenzone 3%, Homosalate 10%, Octisalate 5%, Octocrylene 10%. Inactive Ingredients: Alcohol Denat., Isobutane, Glycerin, Tocopherol\"\n",
        2,
    );
    assert!(plan
        .days
        .iter()
        .all(|d| with(d, "Sport Spray SPF 50", true)));
    assert!(warned(&plan, "sensitive_sunscreen", "Sport Spray SPF 50"));
    // Outside the sunscreen step the same flag still leaves a product out.
    let plan = plan_toml(
        "skin_type = \"normal\"\nsensitive = true\ngoal = \"long_term\"\n[[shelf]]\nname = \"Toner\"\nkind = \"toner\"\ningredients = \"Aqua, Alcohol Denat., Glycerin\"\n",
        1,
    );
    assert!(plan
        .days
        .iter()
        .all(|d| !with(d, "Toner", true) && !with(d, "Toner", false)));
}
