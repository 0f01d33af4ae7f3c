//! Property tests: for any profile, the plan keeps every rule of the scheduler and
//! the safety gates, for the planner's serums and for random shelves of owned products
//! (any kind, any step, random actives at random strengths and places). The checks
//! read the rules from the knowledge base, not from the scheduler's code, and judge
//! the avoid list with their own table of what each entry must keep out.

use super::{analyzer, knowledge, planner};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::subsequence;
use regimen_core::analyzer::{Options, Report};
use regimen_core::engine::judge;
use regimen_core::knowledge::{GateEffect, Removal, Selector, Severity};
use regimen_core::plan::{Instead, Plan, StepEntry};
use regimen_core::profile::{IsoDate, Minutes, ShelfItem};
use regimen_core::shelf::ShelfProduct;
use regimen_core::vocab::{
    Concern, Condition, Goal, ProductKind, Routine, ServingTime, SkinTone, SkinType, Step,
};
use regimen_core::{PlanOptions, Profile};

/// Product names: a claim, a form word (which decides the kind and the steps), and
/// sometimes an SPF and a strength.
const NAME_CLAIMS: &[&str] = &[
    "",
    "Daily ",
    "Night ",
    "Retinol ",
    "Glycolic ",
    "Clarifying ",
    "Hydrating ",
    "Vitamin C ",
    "AHA ",
    "Oil-Free ",
    "Fragrance-Free ",
];
const FORMS: &[&str] = &[
    "Cream",
    "Serum",
    "Face Wash",
    "Cleanser",
    "Toner",
    "Sleeping Mask",
    "Clay Mask",
    "Sheet Mask",
    "Peel",
    "Peel Pads",
    "Facial Oil",
    "Mist",
    "Moisturiser",
    "Sunscreen",
    "Eye Cream",
    "Cotton Pads",
    "Exfoliating Scrub",
    "Gel",
    "Spot Treatment",
    "Ointment",
    "Foaming Cleanser",
];
const NAME_SUFFIXES: &[&str] = &[
    "", "", " SPF 15", " SPF 30", " SPF 50", " 0.3%", " 1%", " 10%", " 30%",
];

/// Ingredients a product may carry, each placed above or below the 1% line.
const ACTIVES: &[&str] = &[
    "Retinol",
    "Retinyl Palmitate",
    "Adapalene",
    "Glycolic Acid",
    "Lactic Acid",
    "Salicylic Acid",
    "Benzoyl Peroxide",
    "Ascorbic Acid",
    "Sodium Ascorbyl Phosphate",
    "Niacinamide",
    "Hydroquinone",
    "Azelaic Acid",
    "Zinc Oxide",
    "Avobenzone",
    "Kaolin",
    "Sulfur",
    "Sodium Hyaluronate",
    "Parfum",
    "Linalool",
    "Lavandula Angustifolia Oil",
    "Alcohol Denat.",
    "Bakuchiol",
    "Methylparaben",
    "Citric Acid",
    "Citrus Aurantium Bergamia Peel Oil",
    "Melaleuca Alternifolia Leaf Oil",
    "Metronidazole",
    "Clindamycin Phosphate",
    "Tretinoin",
    "Tazarotene",
    "Dapsone",
    "Hydrocortisone",
    "Betamethasone Valerate",
    "Ivermectin",
];
/// Bottles of pure or nearly pure essential oil, as shops sell them.
const NEAT_OILS: &[(&str, &str)] = &[
    ("Tea Tree Oil", "Melaleuca Alternifolia Leaf Oil"),
    (
        "Pure Lavender Oil",
        "Lavandula Angustifolia Oil, Tocopherol",
    ),
    (
        "Bergamot Essential Oil",
        "Citrus Aurantium Bergamia Peel Oil",
    ),
    (
        "Eucalyptus Oil",
        "Eucalyptus Globulus Leaf Oil, Limonene, Linalool",
    ),
];

const PERCENTS: &[Option<&str>] = &[
    None,
    None,
    None,
    Some("0.1%"),
    Some("0.5%"),
    Some("1%"),
    Some("2%"),
    Some("5%"),
    Some("10%"),
    Some("20%"),
    Some("30%"),
];

prop_compose! {
    fn products()(
        claim in prop::sample::select(NAME_CLAIMS),
        form in prop::sample::select(FORMS),
        suffix in prop::sample::select(NAME_SUFFIXES),
        actives in prop::collection::vec(
            (prop::sample::select(ACTIVES), prop::sample::select(PERCENTS), any::<bool>()),
            0..4,
        ),
        kind in prop::option::weighted(0.3, prop::sample::select(ProductKind::ALL)),
        neat in prop::option::weighted(0.05, prop::sample::select(NEAT_OILS)),
    ) -> ShelfItem {
        // A bottle of (nearly) pure essential oil.
        if let Some((name, list)) = neat {
            return ShelfItem { name: name.to_string(), ingredients: list.to_string(), kind };
        }
        let mut main = vec!["Aqua".to_string(), "Glycerin".to_string()];
        let mut trace = vec!["Phenoxyethanol".to_string()];
        for (name, percent, above) in actives {
            let item = match percent {
                Some(p) => format!("{name} {p}"),
                None => name.to_string(),
            };
            if above { main.push(item) } else { trace.push(item) }
        }
        main.push("Cetearyl Alcohol".to_string());
        main.extend(trace);
        ShelfItem {
            name: format!("{claim}{form}{suffix}"),
            ingredients: main.join(", "),
            kind,
        }
    }
}

/// Avoid entries in plain words, INCI names, families, flags and mask types, each with
/// what it must keep out of the plan: a test on a product's own analysis (no profile),
/// the planner actives it leaves out, and the mask types it leaves out.
type ProductTest = fn(&Report<'_>) -> bool;
const AVOID: &[(&str, ProductTest, &[&str], &[&str])] = &[
    ("lavender", |r| has_ingredient(r, "Lavandula"), &[], &[]),
    ("vitamin A", |r| r.has_family("retinoid"), &["retinol"], &[]),
    ("retinoids", |r| r.has_family("retinoid"), &["retinol"], &[]),
    // An INCI name is that ingredient (and its synonyms), not another that contains
    // its words (3-O-ethyl ascorbic acid is a derivative of its own).
    (
        "ascorbic acid",
        |r| {
            r.ingredients
                .iter()
                .any(|i| i.inci.eq_ignore_ascii_case("Ascorbic Acid"))
        },
        &["vitamin_c"],
        &[],
    ),
    (
        "vitamin-c",
        |r| r.has_family("vitamin_c"),
        &["vitamin_c"],
        &[],
    ),
    (
        "fragrance",
        |r| has_flag(r, "fragrance") || has_flag(r, "fragrance_allergen"),
        &[],
        &[],
    ),
    ("Linalool", |r| has_ingredient(r, "Linalool"), &[], &[]),
    ("parabens", |r| has_ingredient(r, "paraben"), &[], &[]),
    ("alcohol", |r| has_flag(r, "drying_alcohol"), &[], &[]),
    (
        "niacinamide",
        |r| r.has_family("niacinamide"),
        &["niacinamide"],
        &[],
    ),
    ("clay", |r| r.has_family("clay"), &[], &["clay"]),
    (
        "acids",
        |r| r.has_family("aha") || r.has_family("bha"),
        &["glycolic_acid", "salicylic_acid"],
        &["exfoliating"],
    ),
    ("essential oils", |r| has_flag(r, "essential_oil"), &[], &[]),
    (
        "Glycolic Acid",
        |r| has_ingredient(r, "Glycolic Acid"),
        &["glycolic_acid"],
        &[],
    ),
    (
        "chemical sunscreen",
        |r| r.actives.iter().any(|a| a.class == Some("chemical")),
        &[],
        &[],
    ),
    ("sheet masks", |_| false, &[], &["sheet"]),
    (
        "benzoyl peroxide",
        |r| r.has_family("benzoyl_peroxide"),
        &[],
        &[],
    ),
];

fn has_ingredient(report: &Report<'_>, name: &str) -> bool {
    let name = name.to_lowercase();
    report
        .ingredients
        .iter()
        .any(|i| i.inci.to_lowercase().contains(&name))
        || report
            .unknown
            .iter()
            .any(|u| u.name.to_lowercase().contains(&name))
}

fn has_flag(report: &Report<'_>, code: &str) -> bool {
    report.flags.iter().any(|f| f.code == code)
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
        avoid in prop::option::weighted(0.5, subsequence((0..AVOID.len()).collect::<Vec<_>>(), 0..4)),
        start_offset in 0u64..2000,
        shelf in prop::option::weighted(0.6, prop::collection::vec(products(), 0..8)),
        person in (
            prop::option::weighted(0.2, any::<bool>()),
            prop::option::weighted(0.5, 5u8..80),
            prop::option::weighted(0.5, prop::sample::select(SkinTone::ALL)),
            prop::option::weighted(0.4, subsequence(Condition::ALL, 1..3)),
        ),
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
        let (breastfeeding, age, skin_tone, conditions) = person;
        profile.breastfeeding = breastfeeding.unwrap_or(false);
        profile.age = age;
        profile.skin_tone = skin_tone;
        profile.conditions = conditions.unwrap_or_default();
        profile.minutes_am = minutes_am.and_then(Minutes::new);
        profile.minutes_pm = minutes_pm.and_then(Minutes::new);
        profile.avoid = avoid
            .unwrap_or_default()
            .into_iter()
            .map(|i| AVOID[i].0.to_lowercase())
            .collect();
        profile.start = Some(IsoDate(start));
        let mut shelf = shelf.unwrap_or_default();
        // Names identify products in a plan: keep them unique.
        for (i, item) in shelf.iter_mut().enumerate() {
            item.name = format!("{} #{i}", item.name);
        }
        profile.shelf = shelf;
        profile
    }
}

/// What one step puts on the skin: its serum active's family and its product's
/// treatment families, and whether that stays on.
/// Whether a rule keeps two prescriptions out of one routine: an interaction between
/// what they leave on the skin, a strong family both leave on, or two washes.
fn rx_apart(a: &ShelfProduct, b: &ShelfProduct) -> bool {
    let k = knowledge();
    if a.washes() && b.washes() {
        return true;
    }
    if a.washes() || b.washes() {
        return false;
    }
    let view = |p: &'_ ShelfProduct| -> Vec<(String, String)> { p.contents.clone() };
    let (x, y) = (view(a), view(b));
    let x: Vec<(&str, &str)> = x.iter().map(|(f, i)| (f.as_str(), i.as_str())).collect();
    let y: Vec<(&str, &str)> = y.iter().map(|(f, i)| (f.as_str(), i.as_str())).collect();
    let interaction = k
        .interactions
        .iter()
        .filter(|i| i.severity == Severity::Separate)
        .any(|i| {
            (hits(&i.a, &x, &[]) && hits(&i.b, &y, &[]))
                || (hits(&i.b, &x, &[]) && hits(&i.a, &y, &[]))
        });
    let double = a.leave_on
        && b.leave_on
        && a.families
            .iter()
            .any(|f| b.families.contains(f) && k.family(f).is_some_and(|f| f.strong));
    interaction || double
}

/// Whether a routine's time budget leaves a minute for a serum beside the steps every
/// routine keeps, the person's prescriptions too.
fn serum_room(profile: &Profile, shelf: &[ShelfProduct], routine: Routine) -> bool {
    let k = knowledge();
    let prescribed: u16 = shelf
        .iter()
        .map(|p| judge(k, profile, p))
        .filter(|v| {
            v.allowed()
                && v.steps.first() == Some(&Step::Serum)
                && v.prescribed
                    .and_then(|p| p.time)
                    .is_some_and(|t| t.includes(routine))
        })
        .map(|_| k.step(Step::Serum).minutes)
        .sum();
    let minutes =
        |steps: &[Step]| steps.iter().map(|s| k.step(*s).minutes).sum::<u16>() + prescribed;
    let (budget, essential): (Option<Minutes>, &[Step]) = match routine {
        Routine::Am => (
            profile.minutes_am,
            &[Step::Cleanse, Step::Sunscreen, Step::Moisturize],
        ),
        Routine::Pm => (profile.minutes_pm, &[Step::Cleanse, Step::Moisturize]),
    };
    budget.is_none_or(|b| b.get() >= minutes(essential) + k.step(Step::Serum).minutes)
}

/// Whether a step is one of the person's washes (a rinse-off product that only cleanses).
fn washed(step: &StepEntry<'_>, shelf: &[ShelfProduct]) -> bool {
    product_of(step, shelf).is_some_and(ShelfProduct::washes)
}

/// The routines a family allows in one of the person's products (rule
/// formula_not_layering): a firm time always; another family's time when the product's
/// other families share a routine with its firm ones, else where the firm ones go.
fn formula_time(product: &ShelfProduct, family: &regimen_core::knowledge::Family) -> ServingTime {
    let k = knowledge();
    let own = family.time_for(product.leave_on);
    if family.firm_time {
        return own;
    }
    let times = |firm: bool| -> Vec<ServingTime> {
        product
            .families
            .iter()
            .filter_map(|f| k.family(f))
            .filter(|f| f.firm_time == firm)
            .map(|f| f.time_for(product.leave_on))
            .collect()
    };
    let all = |times: &[ServingTime]| {
        [Routine::Am, Routine::Pm]
            .into_iter()
            .filter(|r| times.iter().all(|t| t.includes(*r)))
            .collect::<Vec<_>>()
    };
    let firm = all(&times(true));
    let mut with_others = times(false);
    with_others.extend(times(true));
    if all(&with_others).is_empty() {
        // The other families give way: the family goes where the firm ones do.
        match firm.as_slice() {
            [Routine::Am] => ServingTime::Am,
            [Routine::Pm] => ServingTime::Pm,
            _ => ServingTime::AmPm,
        }
    } else {
        own
    }
}

fn step_families<'a>(step: &'a StepEntry<'a>, shelf: &'a [ShelfProduct]) -> Vec<&'a str> {
    let k = knowledge();
    let mut families: Vec<&str> = step
        .active
        .and_then(|a| k.active(a))
        .map(|a| a.family.as_str())
        .into_iter()
        .collect();
    if let Some(product) = product_of(step, shelf) {
        families.extend(product.families.iter().map(String::as_str));
    }
    families.sort_unstable();
    families.dedup();
    families
}

/// Actives as (family, INCI name).
type Contents<'a> = Vec<(&'a str, &'a str)>;

/// What one step puts on the skin as the interactions read it: (family, INCI name) of
/// its serum active and of its product's treatment-level actives.
fn step_contents<'a>(
    step: &'a StepEntry<'a>,
    shelf: &'a [ShelfProduct],
) -> Vec<(&'a str, &'a str)> {
    let k = knowledge();
    let mut contents: Vec<(&str, &str)> = Vec::new();
    if let Some(active) = step.active.and_then(|a| k.active(a)) {
        if active.ingredients.is_empty() {
            contents.push((active.family.as_str(), active.family.as_str()));
        }
        for inci in &active.ingredients {
            contents.push((active.family.as_str(), inci.as_str()));
        }
    }
    if let Some(product) = product_of(step, shelf) {
        contents.extend(
            product
                .contents
                .iter()
                .map(|(f, i)| (f.as_str(), i.as_str())),
        );
    }
    contents
}

/// Whether a step is one of the person's prescriptions (they keep their own schedule).
fn prescribed(profile: &Profile, step: &StepEntry<'_>, shelf: &[ShelfProduct]) -> bool {
    product_of(step, shelf).is_some_and(|p| judge(knowledge(), profile, p).prescribed.is_some())
}

fn product_of<'a>(step: &StepEntry<'_>, shelf: &'a [ShelfProduct]) -> Option<&'a ShelfProduct> {
    step.product.as_deref().map(|name| {
        shelf
            .iter()
            .find(|p| p.name == name)
            .expect("a shelf product")
    })
}

fn leave_on(step: &StepEntry<'_>, shelf: &[ShelfProduct]) -> bool {
    match product_of(step, shelf) {
        Some(product) => product.leave_on,
        None => step
            .mask_type
            .and_then(|m| knowledge().mask_type(m))
            .is_none_or(|m| m.leave_on()),
    }
}

fn hits(selector: &Selector, contents: &[(&str, &str)], tags: &[&str]) -> bool {
    selector.selects(contents, tags)
}

fn check(profile: &Profile, plan: &Plan<'_>, shelf: &[ShelfProduct]) -> Result<(), TestCaseError> {
    let k = knowledge();
    let strong_limit = if profile.sensitive {
        k.limits.strong_per_routine_max_sensitive
    } else {
        k.limits.strong_per_routine_max
    };
    let rank = |s: &StepEntry<'_>| {
        let overnight = s
            .mask_type
            .and_then(|m| k.mask_type(m))
            .is_some_and(|m| m.removal == Removal::None);
        if overnight {
            (k.step_rank(Step::Moisturize), 1)
        } else {
            (k.step_rank(s.step), 0)
        }
    };
    for day in &plan.days {
        for (is_am, steps) in [(true, &day.am), (false, &day.pm)] {
            // Order: cleanse first, then the knowledge's step order; a mask is removed
            // right after unless it stays on overnight, and then it comes last.
            prop_assert_eq!(
                steps.first().map(|s| s.step),
                Some(Step::Cleanse),
                "{} starts with cleanse",
                day.date
            );
            let ranks: Vec<(usize, usize)> = steps.iter().map(rank).collect();
            prop_assert!(
                ranks.windows(2).all(|w| w[0] <= w[1]),
                "{} steps out of order: {:?}",
                day.date,
                steps
            );
            for (i, step) in steps.iter().enumerate() {
                if step.step == Step::Mask {
                    let removal = step
                        .mask_type
                        .and_then(|m| k.mask_type(m))
                        .map(|m| m.removal);
                    if removal != Some(Removal::None) {
                        prop_assert_eq!(steps.get(i + 1).map(|s| s.step), Some(Step::RemoveMask));
                    }
                    prop_assert!(!is_am, "masks go in the evening");
                }
            }
            // A moisturize step, or an SPF moisturizer in the sunscreen step that does it.
            let moisturizes = |s: &StepEntry<'_>| {
                s.step == Step::Moisturize
                    || s.product.as_deref().is_some_and(|name| {
                        shelf
                            .iter()
                            .any(|p| p.name == name && p.can(Step::Moisturize))
                    })
            };
            prop_assert!(steps.iter().any(moisturizes));
            prop_assert_eq!(
                steps.iter().any(|s| s.step == Step::Sunscreen),
                is_am,
                "sunscreen every morning, only mornings"
            );
            for base in [Step::Cleanse, Step::Moisturize, Step::Sunscreen] {
                prop_assert!(
                    steps.iter().filter(|s| s.step == base).count() <= 1,
                    "{} twice on {}",
                    base,
                    day.date
                );
            }
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
                // (Carried by a product of the person's, it goes where the formula does,
                // checked below with the product's families; rule formula_not_layering.)
                let carried = steps
                    .iter()
                    .any(|s| s.active == Some(*a) && s.product.is_some());
                prop_assert!(
                    carried
                        || if is_am {
                            active.time.in_am()
                        } else {
                            active.time.in_pm()
                        },
                    "{} at the wrong time",
                    a
                );
                prop_assert!(
                    !profile.pregnant || active.rules.pregnancy_safe,
                    "{} in pregnancy",
                    a
                );
            }
            // Every product by what it contains: the time of day of each family it
            // carries, pregnancy at any level, no SPF at night, nothing avoided.
            let mut carriers: Vec<&str> = Vec::new();
            let mut strong: Vec<&str> = Vec::new();
            let mut families: Vec<&str> = Vec::new();
            for step in steps.iter() {
                let step_families = step_families(step, shelf);
                let stays = leave_on(step, shelf);
                for family in &step_families {
                    let rules = k.family(family).expect("known family");
                    let time = match product_of(step, shelf) {
                        Some(p) => formula_time(p, rules),
                        None => rules.time,
                    };
                    prop_assert!(
                        if is_am { time.in_am() } else { time.in_pm() },
                        "{} ({}) at the wrong time on {}: {:?}",
                        family,
                        step.product.as_deref().unwrap_or("serum"),
                        day.date,
                        steps
                    );
                    if rules.strong {
                        carriers.push(family);
                        if stays {
                            strong.push(family);
                        }
                    }
                }
                families.extend(step_families);
                if let Some(product) = product_of(step, shelf) {
                    prop_assert!(
                        !(profile.pregnant
                            && product
                                .present
                                .iter()
                                .any(|f| k.family(f).is_some_and(|f| !f.pregnancy_safe))),
                        "{} in pregnancy on {}",
                        product.name,
                        day.date
                    );
                    prop_assert!(
                        is_am || product.spf.is_none(),
                        "{} (SPF) at night on {}",
                        product.name,
                        day.date
                    );
                    prop_assert!(
                        !product.flags.iter().any(|(code, _)| code == "avoid"),
                        "{} has an avoided ingredient",
                        product.name
                    );
                }
            }
            prop_assert!(
                !(is_am && families.contains(&"retinoid")),
                "a retinoid in the morning on {}: {:?}",
                day.date,
                steps
            );
            // One carrier (a product, or the planner's serum) per strong family.
            carriers.sort_unstable();
            carriers.dedup();
            for family in &carriers {
                // (A wash, rinsed off within a minute, doubles nothing.)
                let mut by: Vec<&str> = steps
                    .iter()
                    .filter(|s| step_families(s, shelf).contains(family) && !washed(s, shelf))
                    .map(|s| s.product.as_deref().or(s.active).unwrap_or("?"))
                    .collect();
                by.sort_unstable();
                by.dedup();
                // Prescriptions too: two of one family take turns (rule rx_kept_apart).
                prop_assert!(
                    by.len() <= 1,
                    "{} twice in a routine on {}: {:?}",
                    family,
                    day.date,
                    steps
                );
            }
            strong.sort_unstable();
            strong.dedup();
            // Prescriptions take their place first, and the sunscreen protects whatever it
            // carries; anything else only within the limit.
            let others_strong = steps.iter().any(|s| {
                !prescribed(profile, s, shelf)
                    && s.step != Step::Sunscreen
                    && leave_on(s, shelf)
                    && step_families(s, shelf)
                        .iter()
                        .any(|f| k.family(f).is_some_and(|f| f.strong))
            });
            prop_assert!(
                strong.len() <= strong_limit || !others_strong,
                "{} strong actives on {}: {:?}",
                strong.len(),
                day.date,
                steps
            );
            // Interactions: nothing that must be separated shares a routine, whether two
            // steps carry the two sides or one product carries both (a mask's own acids
            // are how it exfoliates: its tags and its families are one thing).
            let sides: Vec<(Contents<'_>, Vec<&str>)> = steps
                .iter()
                .map(|s| {
                    let tags = s
                        .mask_type
                        .and_then(|m| k.mask_type(m))
                        .map(|m| m.tags.iter().map(String::as_str).collect())
                        .unwrap_or_default();
                    (step_contents(s, shelf), tags)
                })
                .collect();
            for interaction in k
                .interactions
                .iter()
                .filter(|i| i.severity == Severity::Separate)
            {
                for (i, (families_i, tags_i)) in sides.iter().enumerate() {
                    for (j, (families_j, tags_j)) in sides.iter().enumerate() {
                        // Inside one formula only the rules that say so hold, on what it
                        // carries above the 1% line (rule formula_not_layering).
                        let main: Vec<(&str, &str)> = product_of(&steps[i], shelf)
                            .map(|p| {
                                p.contents
                                    .iter()
                                    .filter(|(f, _)| p.main.contains(f))
                                    .map(|(f, i)| (f.as_str(), i.as_str()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let together = if i == j {
                            interaction.within_product
                                && hits(&interaction.a, &main, &[])
                                && hits(&interaction.b, &main, &[])
                        } else if washed(&steps[i], shelf) || washed(&steps[j], shelf) {
                            // A wash is rinsed off before the next step goes on (rule
                            // rinse_off_milder); prescriptions, too, keep these rules
                            // (rule rx_kept_apart).
                            false
                        } else {
                            hits(&interaction.a, families_i, tags_i)
                                && hits(&interaction.b, families_j, tags_j)
                        };
                        prop_assert!(
                            !together,
                            "{} broken on {}: {:?}",
                            interaction.id,
                            day.date,
                            steps
                        );
                    }
                }
            }
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
                        steps
                            .iter()
                            .all(|s| k.step(s.step).required || prescribed(profile, s, shelf)),
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
    // Ramped families: the leave-on nights of each, counted together whatever carries
    // it, stay within its ramp in every plan week.
    for family in k.families.iter().filter(|f| f.ramped()) {
        for (week, days) in plan.days.chunks(7).enumerate() {
            let nights = days
                .iter()
                .filter(|d| {
                    d.pm.iter().any(|s| {
                        leave_on(s, shelf)
                            && !prescribed(profile, s, shelf)
                            && step_families(s, shelf).contains(&family.id.as_str())
                    })
                })
                .count();
            let limit = family.nights_in_week(week, false).expect("ramped");
            prop_assert!(
                nights <= usize::from(limit),
                "{} on {} nights in week {}",
                family.id,
                nights,
                week
            );
        }
    }
    // Pacing: new strong actives start one at a time, at least the patch-test window
    // apart, none in the quiet days before an event; nothing strong the evening before an
    // event; recovery nights; the answer matches the plan.
    let limits = &k.limits;
    // What the first morning's sunscreen brings is on the skin from then: not new.
    let protected: Vec<&str> = plan.days.first().map_or(Vec::new(), |day| {
        day.am
            .iter()
            .filter(|s| s.step == Step::Sunscreen)
            .filter_map(|s| product_of(s, shelf))
            .flat_map(|p| p.families.iter().map(String::as_str))
            .collect()
    });
    let events: Vec<usize> = profile
        .events
        .iter()
        .filter_map(|e| plan.days.iter().position(|d| d.date == *e))
        .collect();
    let strong_families = |day: &regimen_core::plan::Day<'_>, evening_only: bool| -> Vec<String> {
        let mut families: Vec<String> = Vec::new();
        let routines: Vec<&Vec<StepEntry<'_>>> = if evening_only {
            vec![&day.pm]
        } else {
            vec![&day.am, &day.pm]
        };
        for steps in routines {
            for step in steps.iter().filter(|s| !prescribed(profile, s, shelf)) {
                // A strong mask is a new thing of its own, unless the person's mask brings
                // a strong family (then the family is the new thing).
                let own_strong = product_of(step, shelf).is_some_and(|p| {
                    p.families
                        .iter()
                        .any(|f| k.family(f).is_some_and(|f| f.strong))
                });
                let strong_mask = step.mask_type.and_then(|m| k.mask_type(m)).filter(|m| {
                    !own_strong && limits.strong_mask_tags.iter().any(|t| m.has_tag(t))
                });
                if let Some(mask) = strong_mask {
                    if !families.contains(&mask.id) {
                        families.push(mask.id.clone());
                    }
                }
                // A wash rinsed off within a minute is no new strong active to pace.
                // (Nor a sunscreen: protection goes on from the first morning.)
                let washed =
                    product_of(step, shelf).is_some_and(|p| p.washes() || p.can(Step::Sunscreen));
                for family in step_families(step, shelf).into_iter().filter(|_| !washed) {
                    let leave = !evening_only || leave_on(step, shelf);
                    // For recovery nights, the nights of skin cycling: families with nights.
                    let cycling = !evening_only || k.family(family).is_some_and(|f| f.ramped());
                    if leave
                        && cycling
                        && (evening_only || !protected.contains(&family))
                        && k.family(family).is_some_and(|f| f.strong)
                        && !families.iter().any(|f| f == family)
                    {
                        families.push(family.to_string());
                    }
                }
            }
        }
        families
    };
    let mut first: Vec<(String, usize)> = Vec::new();
    for (index, day) in plan.days.iter().enumerate() {
        for family in strong_families(day, false) {
            if !first.iter().any(|(f, _)| *f == family) {
                first.push((family, index));
            }
        }
    }
    for (i, (family, start)) in first.iter().enumerate() {
        for (other, other_start) in &first[..i] {
            if start == other_start {
                // Two that start together come in one product (one new thing).
                // (A mask of the person's with its own acids is one new thing too.)
                let brings = |s: &StepEntry<'_>, what: &str| {
                    s.mask_type == Some(what)
                        || product_of(s, shelf).is_some_and(|p| p.treats(what))
                };
                let together = plan.days[*start]
                    .am
                    .iter()
                    .chain(&plan.days[*start].pm)
                    .any(|s| brings(s, family) && brings(s, other));
                prop_assert!(together, "{} and {} start on the same day", family, other);
                continue;
            }
            prop_assert!(
                start - other_start >= usize::from(limits.new_active_gap_days),
                "{} starts {} days after {}",
                family,
                start - other_start,
                other
            );
        }
        for event in &events {
            prop_assert!(
                !(*event >= *start && event - start <= usize::from(limits.event_quiet_days)),
                "{} starts {} days before an event",
                family,
                event - start
            );
        }
    }
    for event in &events {
        if let Some(eve) = event.checked_sub(1) {
            let day = &plan.days[eve];
            for step in day.pm.iter().filter(|s| !prescribed(profile, s, shelf)) {
                for family in step_families(step, shelf) {
                    prop_assert!(
                        !limits.event_eve_families.iter().any(|f| f == family),
                        "{} the evening before an event",
                        family
                    );
                }
                let tags = step
                    .mask_type
                    .and_then(|m| k.mask_type(m))
                    .map(|m| m.tags.clone())
                    .unwrap_or_default();
                prop_assert!(
                    !tags.iter().any(|t| limits.event_eve_mask_tags.contains(t)),
                    "an exfoliating mask the evening before an event"
                );
            }
        }
    }
    // Recovery nights, the whole plan: a strong night (a prescription's too) after as
    // many in a row as the rules allow holds nothing strong but the prescription.
    let rx_strong = |day: &regimen_core::plan::Day<'_>| {
        day.pm.iter().any(|s| {
            prescribed(profile, s, shelf)
                && leave_on(s, shelf)
                && step_families(s, shelf)
                    .iter()
                    .any(|f| k.family(f).is_some_and(|f| f.strong && f.ramped()))
        })
    };
    let mut in_a_row = 0;
    for day in &plan.days {
        let others = !strong_families(day, true).is_empty();
        if !others && !rx_strong(day) {
            in_a_row = 0;
        } else {
            in_a_row += 1;
            prop_assert!(
                !others || in_a_row <= usize::from(limits.strong_nights_in_a_row_max),
                "{} strong nights in a row up to {}",
                in_a_row,
                day.date
            );
        }
    }
    let has_mask = plan
        .days
        .iter()
        .any(|d| d.pm.iter().any(|s| s.step == Step::Mask));
    match plan.approach {
        regimen_core::vocab::Approach::Masks | regimen_core::vocab::Approach::Both => {
            // (A strong mask whose patch-test week ends after a short plan starts in the
            // next one, which the plan says.)
            let late = plan
                .warnings
                .iter()
                .any(|w| w.code == "pacing" && w.text.contains("after this plan"));
            prop_assert!(
                has_mask || late,
                "the answer is {} but no mask is in the plan",
                plan.approach
            )
        }
        regimen_core::vocab::Approach::Serums => {}
    }
    if plan.approach != regimen_core::vocab::Approach::Masks {
        // Routines whose time budget leaves no minute for a serum beside the steps
        // every routine keeps, which the plan then says.
        let minutes = |steps: &[Step]| steps.iter().map(|s| k.step(*s).minutes).sum::<u16>();
        let serum = k.step(Step::Serum).minutes;
        let no_room = |budget: Option<Minutes>, essential: &[Step]| {
            budget.is_some_and(|b| b.get() < minutes(essential) + serum)
        };
        let timeless = no_room(
            profile.minutes_am,
            &[Step::Cleanse, Step::Sunscreen, Step::Moisturize],
        ) && no_room(profile.minutes_pm, &[Step::Cleanse, Step::Moisturize]);
        if timeless {
            prop_assert!(plan.serums.is_empty(), "serums beyond every routine's time");
            prop_assert!(plan.has_warning("time_budget"));
        }
        for day in plan.days.iter().filter(|_| !timeless) {
            // (An SPF moisturizer that carries a serum's active does its step too: it goes
            // on once.)
            let serum = day.am.iter().chain(&day.pm).any(|s| {
                s.step == Step::Serum
                    || s.active.is_some()
                    || s.step == Step::Sunscreen
                        && product_of(s, shelf).is_some_and(|p| {
                            plan.serums.iter().any(|pick| {
                                k.active(pick.active)
                                    .is_some_and(|a| p.families.contains(&a.family))
                            })
                        })
            });
            let dropped = plan
                .warnings
                .iter()
                .any(|w| w.code == "time_budget" && w.dates.contains(&day.date));
            prop_assert!(serum || dropped, "no serum on {}", day.date);
        }
    } else {
        prop_assert!(!has_mask || plan.serums.is_empty());
    }
    if plan.approach == regimen_core::vocab::Approach::Both {
        for week in plan.days.chunks(7) {
            let masks = week
                .iter()
                .filter(|d| d.pm.iter().any(|s| s.step == Step::Mask))
                .count();
            prop_assert!(
                masks <= usize::from(limits.masks_per_week_with_serums),
                "{} masks in a week with serums",
                masks
            );
        }
    }
    prop_assert!(
        plan.warnings.iter().any(|w| w.code == "reaction"),
        "what to do on a reaction"
    );
    // The avoid list, judged by this test's own table.
    for entry in &profile.avoid {
        let (_, keeps_out, actives, masks) = AVOID
            .iter()
            .find(|(text, ..)| text.to_lowercase() == *entry)
            .expect("an entry of the table");
        for step in plan.days.iter().flat_map(|d| d.am.iter().chain(&d.pm)) {
            if let Some(active) = step.active {
                prop_assert!(
                    !actives.contains(&active),
                    "{} used despite \"{}\"",
                    active,
                    entry
                );
            }
            if let Some(mask) = step.mask_type {
                prop_assert!(
                    !masks.contains(&mask),
                    "{} mask despite \"{}\"",
                    mask,
                    entry
                );
            }
            if let Some(name) = step.product.as_deref() {
                let item = profile.shelf.iter().find(|i| i.name == name).expect("item");
                let report = analyzer().analyze(
                    &item.ingredients,
                    &Options {
                        name: Some(&item.name),
                        ..Options::default()
                    },
                );
                prop_assert!(!keeps_out(&report), "{} used despite \"{}\"", name, entry);
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
    // Advice for what goes on the skin: a patch test for every strong active (the
    // planner's and the products'), sunscreen advice naming every photosensitising one.
    // A serum the person's own product carries may be named by the product.
    for serum in &plan.serums {
        let active = k.active(serum.active).expect("active");
        let mut names: Vec<&str> = vec![active.name.as_str()];
        names.extend(
            plan.days
                .iter()
                .flat_map(|d| d.am.iter().chain(&d.pm))
                .filter(|s| s.active == Some(serum.active))
                .filter_map(|s| s.product.as_deref()),
        );
        let said = |code: &str| {
            plan.warnings
                .iter()
                .any(|w| w.code == code && names.iter().any(|n| w.text.contains(n)))
        };
        // (A sunscreen of the person's that carries it goes on from the first morning.)
        let protects = plan
            .days
            .iter()
            .flat_map(|d| d.am.iter().chain(&d.pm))
            .filter(|s| s.active == Some(serum.active))
            .filter_map(|s| product_of(s, shelf))
            .any(|p| p.can(Step::Sunscreen));
        if (profile.sensitive || active.rules.strong) && !protects {
            prop_assert!(said("patch_test"), "patch test advice for {}", active.id);
        }
        if active.rules.photosensitising {
            prop_assert!(said("sunscreen"), "sunscreen advice for {}", active.id);
        }
    }
    // What the plan says of each serum holds in its days: a serum said to go on in the
    // mornings (or evenings) goes on some morning (or evening), unless it goes on no
    // day at all because it starts after this plan, which the plan then says.
    for serum in &plan.serums {
        let family = k.active(serum.active).expect("active").family.as_str();
        let goes_on = |am: bool| {
            plan.days.iter().any(|d| {
                let steps = if am { &d.am } else { &d.pm };
                // The serum itself, or a product of the person's that carries it.
                steps.iter().any(|s| {
                    s.active == Some(serum.active) || step_families(s, shelf).contains(&family)
                })
            })
        };
        if !goes_on(true) && !goes_on(false) {
            // The serum, or the product of the person's that carries it.
            let active = k.active(serum.active).expect("active");
            let carriers = shelf
                .iter()
                .filter(|p| p.families.contains(&active.family))
                .map(|p| p.name.as_str());
            let names: Vec<&str> = std::iter::once(active.name.as_str())
                .chain(carriers)
                .collect();
            prop_assert!(
                plan.warnings.iter().any(|w| w.code == "pacing"
                    && names
                        .iter()
                        .any(|n| w.text.contains(&format!("{n} after this plan")))),
                "{} goes on no day, and the plan does not say it starts after this plan",
                serum.active
            );
            continue;
        }
        for (am, word) in [(true, "mornings"), (false, "evenings")] {
            let said = if am {
                serum.time.in_am()
            } else {
                serum.time.in_pm()
            };
            prop_assert!(
                !said || goes_on(am),
                "{} is said to go on {}, and goes on none of them",
                serum.active,
                word
            );
        }
    }
    let used: Vec<&ShelfProduct> = shelf
        .iter()
        .filter(|p| {
            plan.days
                .iter()
                .flat_map(|d| d.am.iter().chain(&d.pm))
                .any(|s| s.product.as_deref() == Some(p.name.as_str()))
        })
        .collect();
    for product in used {
        let families: Vec<_> = product
            .families
            .iter()
            .filter_map(|f| k.family(f))
            .collect();
        let rx = judge(k, profile, product).prescribed.is_some();
        let washed = product.washes() || product.can(Step::Sunscreen);
        if families.iter().any(|f| f.strong) && !rx && !washed {
            prop_assert!(
                plan.warnings
                    .iter()
                    .any(|w| w.code == "patch_test" && w.text.contains(product.name.as_str())),
                "patch test advice for {}",
                product.name
            );
        }
        if families.iter().any(|f| f.photosensitising) {
            prop_assert!(
                plan.warnings
                    .iter()
                    .any(|w| w.code == "sunscreen" && w.text.contains(product.name.as_str())),
                "sunscreen advice for {}",
                product.name
            );
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
        prop_assert!(super::treatment_serums(plan).len() <= k.limits.serum_actives_max_sensitive);
    }
    Ok(())
}

/// The safety gate holds over the whole plan: every product placed is allowed for this
/// person, in the step and routine it went in; each rule of gate.toml, read here from the
/// knowledge base, holds for the products it is about; no prescription is displaced; no
/// owned product that could do a serum's step is passed over for that serum to buy; and
/// what the plan says of each product it left out holds in its days.
fn check_gate(
    profile: &Profile,
    plan: &Plan<'_>,
    shelf: &[ShelfProduct],
) -> Result<(), TestCaseError> {
    let k = knowledge();
    // The person's own rules (an age, breastfeeding, a condition) refuse families and
    // mask types: read here from gate.toml, independently of the engine.
    let situation = regimen_core::knowledge::Situation::of(profile, false);
    let refusing: Vec<&regimen_core::knowledge::GateRule> = k
        .gate
        .iter()
        .filter(|r| {
            r.effect == GateEffect::Refuse
                && r.when.as_ref().is_some_and(|w| w.matches(&situation))
                && r.first_flag.is_none()
                && r.flag.is_none()
                && r.prescription != Some(true)
        })
        .collect();
    for day in &plan.days {
        for (routine, steps) in [(Routine::Am, &day.am), (Routine::Pm, &day.pm)] {
            for step in steps {
                let family = step
                    .active
                    .and_then(|a| k.active(a))
                    .map(|a| &a.family)
                    .filter(|_| !prescribed(profile, step, shelf));
                if let Some(family) = family {
                    let barred = refusing.iter().find(|r| r.families.contains(family));
                    prop_assert!(
                        barred.is_none(),
                        "the serum {:?} on {} breaks {:?}",
                        step.active,
                        day.date,
                        barred.map(|r| &r.id)
                    );
                }
                if let Some(mask) = step.mask_type.and_then(|m| k.mask_type(m)) {
                    let barred = refusing.iter().find(|r| {
                        r.families.is_empty() && r.mask_tags.iter().any(|t| mask.has_tag(t))
                    });
                    prop_assert!(
                        barred.is_none(),
                        "the {} on {} breaks {:?}",
                        mask.id,
                        day.date,
                        barred.map(|r| &r.id)
                    );
                }
                let Some(product) = product_of(step, shelf) else {
                    continue;
                };
                let verdict = judge(k, profile, product);
                prop_assert!(
                    verdict.allowed(),
                    "{} placed on {} though the gate refuses it: {:?}",
                    product.name,
                    day.date,
                    verdict.refusal
                );
                prop_assert!(
                    verdict.admits(step.step, routine),
                    "{} in the {} step of the {:?} routine on {}, which the gate does not allow: {:?}",
                    product.name,
                    step.step,
                    routine,
                    day.date,
                    verdict
                );
                for rule in k
                    .gate
                    .iter()
                    .filter(|r| gate_rule_holds(r, profile, product))
                {
                    let ok = match rule.effect {
                        GateEffect::Refuse => false,
                        // (A steroid combined with a medicine of a daily routine goes on
                        // by that routine, as the treatment or the wash.)
                        GateEffect::AsDirected => {
                            (step.step == Step::Serum || !product.leave_on)
                                && product.contents.iter().any(|(family, inci)| {
                                    product.prescription.contains(inci)
                                        && k.family(family)
                                            .and_then(|f| f.prescribed.as_ref())
                                            .is_some_and(|p| !p.as_directed && p.time.is_some())
                                })
                        }
                        GateEffect::Evening => routine == Routine::Pm,
                        // (A product with an SPF keeps protecting.)
                        GateEffect::Treatment => {
                            !product.leave_on
                                || product.can(Step::Sunscreen)
                                || step.step != Step::Moisturize
                        }
                        GateEffect::Prescribed => step.step == Step::Serum || !product.leave_on,
                    };
                    prop_assert!(
                        ok,
                        "{} breaks gate rule {} ({:?}) on {}",
                        product.name,
                        rule.id,
                        rule.effect,
                        day.date
                    );
                }
            }
        }
    }
    // Prescriptions keep their place: every day, in every routine of their label, unless
    // another prescription a rule keeps apart from it is there instead, or it went to the
    // other routine that day to keep apart from one (rule rx_kept_apart).
    let in_routine = |steps: &[StepEntry<'_>], name: &str| {
        steps.iter().any(|s| s.product.as_deref() == Some(name))
    };
    for product in shelf {
        let verdict = judge(k, profile, product);
        let Some(time) = verdict.prescribed.and_then(|p| p.time) else {
            continue;
        };
        if !verdict.allowed() {
            continue;
        }
        for day in &plan.days {
            for (routine, steps) in [(Routine::Am, &day.am), (Routine::Pm, &day.pm)] {
                if !time.includes(routine) || in_routine(steps, &product.name) {
                    continue;
                }
                let instead = steps.iter().filter_map(|s| product_of(s, shelf)).any(|p| {
                    p.name != product.name
                        && judge(k, profile, p).prescribed.is_some()
                        && rx_apart(product, p)
                }) || (in_routine(&day.am, &product.name)
                    || in_routine(&day.pm, &product.name))
                    && shelf.iter().any(|p| {
                        p.name != product.name
                            && judge(k, profile, p).prescribed.is_some()
                            && rx_apart(product, p)
                    });
                prop_assert!(
                    instead,
                    "the prescription {} is missing from the {:?} routine of {}",
                    product.name,
                    routine,
                    day.date
                );
            }
        }
    }
    let used = |name: &str| {
        plan.days
            .iter()
            .flat_map(|d| d.am.iter().chain(&d.pm))
            .any(|s| s.product.as_deref() == Some(name))
    };
    if let Some(report) = &plan.shelf {
        // No serum to get that a product of the person's, unused, could bring (one whose
        // other actives bring no rules of their own that keep it out).
        for missing in report.missing.iter().filter_map(|m| m.active.as_deref()) {
            let family = &k.active(missing).expect("active").family;
            let ruled = |f: &String| {
                f != family
                    && k.family(f)
                        .is_some_and(|f| f.strong || f.ramped() || f.photosensitising)
            };
            for product in shelf
                .iter()
                .filter(|p| !used(&p.name) && !p.families.iter().any(ruled))
            {
                let verdict = judge(k, profile, product);
                let carries = verdict.steps.contains(&Step::Serum)
                    || (product.leave_on
                        && verdict.steps.contains(&Step::Moisturize)
                        && k.family(family).is_some_and(|f| f.strong || f.ramped()));
                // (One the gate keeps to a routine with no time for a serum, or to another
                // routine than the plan's serum, cannot.)
                let time = plan
                    .serums
                    .iter()
                    .find(|s| s.active == missing)
                    .map(|s| s.time);
                let timed = verdict.times.is_some_and(|t| {
                    Routine::ALL.iter().any(|r| {
                        t.includes(*r)
                            && serum_room(profile, shelf, *r)
                            && time.is_none_or(|time| time.includes(*r))
                    })
                });
                prop_assert!(
                    !(verdict.allowed()
                        && verdict.prescribed.is_none()
                        && carries
                        && timed
                        && product.treats(family)),
                    "the plan asks to get a serum with {} and leaves out {}, which carries it",
                    missing,
                    product.name
                );
            }
        }
        // What the plan says of each product it left out holds in its days.
        for left in &report.not_placed {
            prop_assert!(k.cite(&left.rule).is_some(), "unknown rule {}", left.rule);
            let steps = || plan.days.iter().flat_map(|d| d.am.iter().chain(&d.pm));
            let holds = match &left.instead {
                None => true,
                Some(Instead::Family { family, by }) => steps().any(|s| {
                    let by_product = s.product.as_deref() == Some(by.as_str())
                        && product_of(s, shelf).is_some_and(|p| p.treats(family));
                    let by_serum = s.product.is_none()
                        && s.active
                            .and_then(|a| k.active(a))
                            .is_some_and(|a| a.name == *by && a.family == *family);
                    by_product || by_serum
                }),
                Some(Instead::Step { step, by }) => {
                    steps().any(|s| s.step == *step && s.product.as_deref() == Some(by.as_str()))
                }
                Some(Instead::Mask { mask_type, by }) => steps().any(|s| {
                    s.mask_type == Some(mask_type.as_str())
                        && s.product.as_deref() == Some(by.as_str())
                }),
            };
            prop_assert!(
                holds,
                "{} was left out because \"{}\", which the plan's days contradict",
                left.name,
                left.reason
            );
            prop_assert!(!used(&left.name), "{} is both used and left out", left.name);
        }
    }
    Ok(())
}

/// Whether a rule of gate.toml is about this product and person, read from its fields.
fn gate_rule_holds(
    rule: &regimen_core::knowledge::GateRule,
    profile: &Profile,
    product: &ShelfProduct,
) -> bool {
    let situation = regimen_core::knowledge::Situation::of(profile, false);
    rule.when.as_ref().is_none_or(|w| w.matches(&situation))
        && rule
            .first_flag
            .as_deref()
            .is_none_or(|f| product.first_flags.iter().any(|c| c == f))
        && rule
            .flag
            .as_deref()
            .is_none_or(|f| product.flags.iter().any(|(c, _)| c == f))
        && (rule.families.is_empty() || rule.families.iter().any(|f| product.treats(f)))
        && rule
            .prescription
            .is_none_or(|wanted| wanted != product.prescription.is_empty())
        && rule.leave_on.is_none_or(|l| l == product.leave_on)
        && (rule.mask_tags.is_empty()
            || product.can(Step::Mask)
                && product
                    .mask_type
                    .as_deref()
                    .and_then(|m| knowledge().mask_type(m))
                    .is_some_and(|m| rule.mask_tags.iter().any(|t| m.has_tag(t))))
}

/// Real products as (name, ingredient list): the Open Beauty Facts sample in the
/// repository (data/openbeautyfacts, ODbL), and the retailer data's when it is beside
/// the repository (../shared/data/lookfantastic: its licence is unknown, so it is not
/// shipped).
fn real_products() -> &'static [(String, String)] {
    static PRODUCTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PRODUCTS.get_or_init(|| {
        use std::io::BufRead;
        let mut products = Vec::new();
        let sample = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/openbeautyfacts/openbeautyfacts-products-min.jsonl.gz"
        );
        let file = std::fs::File::open(sample).expect("data/openbeautyfacts is in the repository");
        for line in std::io::BufReader::new(flate2::read::GzDecoder::new(file)).lines() {
            let Ok(product) = serde_json::from_str::<serde_json::Value>(&line.expect("a line"))
            else {
                continue;
            };
            let text = |key: &str| product[key].as_str().unwrap_or("").to_string();
            let (name, list) = (text("product_name"), text("ingredients_text"));
            if !list.trim().is_empty() {
                products.push((name, list));
            }
        }
        let retailer = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/lookfantastic/skincare_products_clean.csv"
        );
        if let Ok(mut reader) = csv::Reader::from_path(retailer) {
            products.extend(reader.records().filter_map(Result::ok).map(|r| {
                let list = r[3]
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .replace('\'', "");
                (r[0].to_string(), list)
            }));
        }
        products
    })
}

#[test]
fn every_plan_with_a_real_shelf_keeps_every_rule() {
    // Shelves drawn from real products (Open Beauty Facts' sample in the repository, and a
    // retailer's 1,138 when they are beside it; with a few of the classes the gate is for
    // among them), for random people: the same checks as above.
    let products = real_products();
    let classes = NEAT_OILS
        .iter()
        .map(|(n, l)| (n.to_string(), l.to_string()));
    let pool: Vec<(String, String)> = products.iter().cloned().chain(classes).collect();
    let config = ProptestConfig {
        cases: 600,
        ..ProptestConfig::default()
    };
    let shelves = prop::collection::vec(prop::sample::select(pool), 1..9);
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let outcome = runner.run(
        &(profiles(), shelves, 1u8..9),
        |(mut profile, shelf, weeks)| {
            profile.shelf = shelf
                .into_iter()
                .enumerate()
                .map(|(i, (name, list))| ShelfItem {
                    name: format!("{name} #{i}"),
                    ingredients: list,
                    kind: None,
                })
                .collect();
            let start = profile.start.map(|d| d.0).expect("start");
            let reading = planner().read(&profile).expect("read");
            let plan =
                planner().plan_read(&reading, &PlanOptions::new(start, weeks).expect("options"));
            // (The profile as planned: a condition may make the skin sensitive.)
            check(reading.profile(), &plan, reading.shelf())?;
            check_gate(reading.profile(), &plan, reading.shelf())
        },
    );
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_plan_keeps_every_rule(profile in profiles(), weeks in 1u8..9) {
        let start = profile.start.map(|d| d.0).expect("start");
        let reading = planner().read(&profile).expect("read");
        let plan = planner().plan_read(&reading, &PlanOptions::new(start, weeks).expect("options"));
        prop_assert_eq!(plan.days.len(), usize::from(weeks) * 7);
        prop_assert_eq!(plan.shelf.is_some(), !profile.shelf.is_empty());
        check(reading.profile(), &plan, reading.shelf())?;
        check_gate(reading.profile(), &plan, reading.shelf())?;
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
