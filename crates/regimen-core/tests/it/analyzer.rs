//! The ingredient analyzer on the kinds of text real labels carry.

use super::{analyzer, knowledge};
use proptest::prelude::*;
use regimen_core::analyzer::{Analyzer, Level, Options, Report, DICTIONARY};
use regimen_core::avoid::AvoidList;
use regimen_core::vocab::{ProductKind, Step};
use regimen_core::Profile;
use std::sync::OnceLock;

fn analyze(text: &str) -> Report<'static> {
    analyzer().analyze(
        text,
        &Options {
            suggest: true,
            ..Options::default()
        },
    )
}

fn named(name: &str, text: &str) -> Report<'static> {
    analyzer().analyze(
        text,
        &Options {
            name: Some(name),
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

#[test]
fn reads_a_plain_list_with_actives_flags_and_typos() {
    let report =
        analyze("Aqua, Glycerin, Ascorbic Acid 15%, Niacinamide, Parfum, Dimethicon, Linalool");
    assert_eq!(
        names(&report),
        [
            "Aqua",
            "Glycerin",
            "Ascorbic Acid",
            "Niacinamide",
            "Parfum",
            "Linalool"
        ]
    );
    let vitamin_c = &report.actives[0];
    assert_eq!(
        (vitamin_c.id.as_ref(), vitamin_c.family, vitamin_c.position),
        ("ascorbic_acid", "vitamin_c", 3)
    );
    assert_eq!(vitamin_c.percent, Some(15.0));
    assert!(report
        .flags
        .iter()
        .any(|f| f.code == "fragrance" && f.inci == "Parfum"));
    assert!(report
        .flags
        .iter()
        .any(|f| f.code == "fragrance_allergen" && f.inci == "Linalool"));
    assert_eq!(report.unknown.len(), 1);
    assert_eq!(report.unknown[0].name, "Dimethicon");
    assert_eq!(report.unknown[0].suggestion.as_deref(), Some("Dimethicone"));
    // Names for people keep the ceramide classes' letters in capitals.
    assert_eq!(
        regimen_core::analyzer::lexicon::display_name("CERAMIDE NP"),
        "Ceramide NP"
    );
    assert_eq!(
        analyze("Aqua, Ceramide Np").ingredients[1].inci,
        "Ceramide NP"
    );
    assert_eq!(
        report.unknown[0].position,
        Some(6),
        "unknown names keep their place"
    );
    let json: serde_json::Value = serde_json::to_value(&report).expect("json");
    for key in [
        "kind",
        "mask_type",
        "actives",
        "flags",
        "unknown",
        "diagnostics",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["actives"][0]["inci"], "Ascorbic Acid");
}

#[test]
fn prefixes_and_marketing_prose_are_set_aside() {
    let report = analyze("Our award-winning serum is loved by everyone. Ingredients: Aqua, Glycerin, Sodium Hyaluronate.");
    assert_eq!(names(&report), ["Aqua", "Glycerin", "Sodium Hyaluronate"]);
    assert!(
        report.diagnostics.iter().any(|d| d.code == "prose_ignored"),
        "{:?}",
        report.diagnostics
    );
    assert!(report.unknown.is_empty());
    let report = analyze("INCI: Aqua, Glycerin");
    assert_eq!(names(&report), ["Aqua", "Glycerin"]);
}

#[test]
fn slashes_and_parentheses_name_one_ingredient() {
    let report = analyze(
        "Aqua/Water/Eau, Parfum (Fragrance), Tocopherol (Vitamin E), Caprylic/Capric Triglyceride",
    );
    assert_eq!(
        names(&report),
        [
            "Aqua",
            "Parfum",
            "Tocopherol",
            "Caprylic/Capric Triglyceride"
        ]
    );
    let report = analyze("Wasser (Aqua), Glycerin");
    assert_eq!(
        names(&report),
        ["Aqua", "Glycerin"],
        "a translated name with the INCI name in parentheses"
    );
}

#[test]
fn semicolons_newlines_and_bullets_separate() {
    let report = analyze("Aqua; Glycerin\nNiacinamide • Panthenol | Allantoin");
    assert_eq!(
        names(&report),
        ["Aqua", "Glycerin", "Niacinamide", "Panthenol", "Allantoin"]
    );
    // Bullets as OCR reads them: "*", "»", "°", a plus between spaces (not "+/-").
    let report = analyze(
        "Aqua * Glycerin » Cetearyl Alcohol ° Niacinamide + Panthenol\n+ Allantoin [+/- CI 77891]",
    );
    assert_eq!(
        names(&report),
        [
            "Aqua",
            "Glycerin",
            "Cetearyl Alcohol",
            "Niacinamide",
            "Panthenol",
            "Allantoin",
            "CI 77891"
        ]
    );
    assert_eq!(
        report.ingredients.last().and_then(|i| i.position),
        None,
        "the may-contain list keeps no position"
    );
}

#[test]
fn commas_inside_chemical_names_do_not_split_them() {
    let report = analyze("Aqua, 1,2-Hexanediol, Glycerin");
    assert_eq!(names(&report), ["Aqua", "1,2-Hexanediol", "Glycerin"]);
}

#[test]
fn may_contain_lists_have_no_position() {
    let report = analyze("Talc, Mica, Dimethicone [+/- CI 77491, CI 77492, CI 77499]");
    let listed: Vec<_> = report
        .ingredients
        .iter()
        .filter(|i| i.position.is_some())
        .collect();
    assert_eq!(listed.len(), 3);
    assert_eq!(
        report.ingredients.iter().filter(|i| i.may_contain).count(),
        3
    );
    let report = analyze("Aqua, Glycerin. May contain: CI 77891, CI 77491");
    assert_eq!(
        report.ingredients.iter().filter(|i| i.may_contain).count(),
        2
    );
}

#[test]
fn footnotes_are_read_as_footnotes() {
    let report = analyze("Aqua, Aloe Barbadensis Leaf Juice*, Glycerin\n*from organic farming");
    assert_eq!(
        names(&report),
        ["Aqua", "Aloe Barbadensis Leaf Juice", "Glycerin"]
    );
    assert!(report.diagnostics.iter().any(|d| d.code == "footnote"));
    let report = analyze("Organic Aloe Barbadensis Leaf Juice, Aqua");
    assert_eq!(
        names(&report)[0],
        "Aloe Barbadensis Leaf Juice",
        "qualifiers do not hide a name"
    );
}

#[test]
fn several_products_in_one_text_are_kept_apart() {
    let report = analyze(
        "Day cream - Ingredients: Aqua, Glycerin\nNight serum - Ingredients: Aqua, Retinol",
    );
    assert_eq!(names(&report), ["Aqua", "Glycerin"]);
    assert_eq!(report.more_products.len(), 1);
    let night = &report.more_products[0];
    assert_eq!(night.actives[0].family, "retinoid");
    assert_eq!(
        night.actives[0].position, 2,
        "positions restart for each product"
    );
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "several_products"));
}

#[test]
fn case_accents_and_quotes_do_not_matter() {
    let report = analyze("AQUA, GLYCÉRINE, niacinamide, ‘Sodium Hyaluronate’");
    assert_eq!(
        names(&report),
        ["Aqua", "Glycerin", "Niacinamide", "Sodium Hyaluronate"]
    );
    let report = analyze("['aqua', 'polysorbate-20', 'ethylhexyl glycerin', 'vitamin-c']");
    assert_eq!(
        names(&report),
        [
            "Aqua",
            "Polysorbate 20",
            "Ethylhexylglycerin",
            "Ascorbic Acid"
        ]
    );
}

#[test]
fn every_mention_of_a_family_is_reported_with_its_level() {
    let level = |report: &Report<'_>, family: &str| {
        report
            .actives
            .iter()
            .find(|a| a.family == family)
            .map(|a| a.level)
    };
    let filler = "Aqua, Glycerin, Butylene Glycol, Dimethicone, Cetearyl Alcohol, Phenoxyethanol";
    let late = analyze(&format!("{filler}, Citric Acid"));
    assert_eq!(
        level(&late, "aha"),
        Some(Level::Trace),
        "citric acid at the end is a pH adjuster: there, but not a treatment"
    );
    assert!(late.has_family("aha") && !late.treats("aha"));
    let early = analyze("Aqua, Citric Acid, Glycerin");
    assert_eq!(level(&early, "aha"), Some(Level::Main));
    let stated = analyze(&format!("{filler}, Lactic Acid 5%"));
    assert_eq!(level(&stated, "aha"), Some(Level::Stated));
    let below_line = analyze(&format!("{filler}, Glycolic Acid"));
    assert_eq!(
        level(&below_line, "aha"),
        Some(Level::Trace),
        "after the preservative, glycolic acid is below 1%"
    );
    let above_line = analyze("Aqua, Glycolic Acid, Glycerin, Phenoxyethanol");
    assert_eq!(level(&above_line, "aha"), Some(Level::Main));
    // Retinoids work below 1%: a retinol listed after the preservative is a treatment.
    let retinol = analyze(&format!("{filler}, Retinol, Tocopherol"));
    assert_eq!(level(&retinol, "retinoid"), Some(Level::Main));
    // Ascorbyl palmitate as an antioxidant late in a cream is a trace of vitamin C.
    let antioxidant = analyze(
        "Aqua, Caprylic/Capric Triglyceride, Cetyl Alcohol, Glyceryl Stearate, Parfum, Ascorbyl Palmitate",
    );
    assert_eq!(level(&antioxidant, "vitamin_c"), Some(Level::Trace));
}

#[test]
fn families_come_from_curated_names_rules_and_unknown_names() {
    let report = analyze(
        "Aqua, Palmitoyl Tripeptide-1, Ceramide NP, Zinc Oxide, Kaolin, Palmitoyl Heptapeptide-99",
    );
    for family in ["peptide", "ceramide", "sunscreen_filter", "clay"] {
        assert!(report.has_family(family), "{family}: {:?}", report.actives);
    }
    let unknown_peptide = report
        .actives
        .iter()
        .find(|a| a.inci == "Palmitoyl Heptapeptide-99")
        .expect("found");
    assert_eq!(unknown_peptide.family, "peptide");
    assert!(
        !analyze("Aqua, Ethylhexyl Salicylate, Sodium Salicylate").has_family("bha"),
        "salicylates are not BHA"
    );
}

#[test]
fn flags_name_essential_oils_alcohol_and_irritants() {
    let report = analyze("Alcohol Denat., Lavandula Angustifolia Oil, Citrus Limon Peel Oil, Helianthus Annuus Seed Oil, Hamamelis Virginiana Water, Menthol");
    let flagged = |code: &str| -> Vec<&str> {
        report
            .flags
            .iter()
            .filter(|f| f.code == code)
            .map(|f| f.inci.as_ref())
            .collect()
    };
    assert_eq!(flagged("drying_alcohol"), ["Alcohol Denat."]);
    assert_eq!(
        flagged("essential_oil"),
        ["Lavandula Angustifolia Oil", "Citrus Limon Peel Oil"]
    );
    assert_eq!(
        flagged("irritant_sensitive"),
        ["Hamamelis Virginiana Water", "Menthol"]
    );
}

#[test]
fn a_profile_decides_which_flags_concern_the_person() {
    let text = "Aqua, Retinol, Parfum, Menthol";
    let mut profile = Profile::from_toml(
        "skin_type = \"dry\"\ngoal = \"both\"\navoid = [\"fragrance\", \"Menthol\"]",
    )
    .expect("profile");
    let options = |p: &'static Profile| Options {
        profile: Some(p),
        avoid: Some(Box::leak(Box::new(AvoidList::parse(
            knowledge(),
            analyzer(),
            &p.avoid,
        )))),
        ..Options::default()
    };
    let leaked: &'static Profile = Box::leak(Box::new(profile.clone()));
    let report = analyzer().analyze(text, &options(leaked));
    assert!(
        !report.flags.iter().any(|f| f.code == "pregnancy_retinoid"),
        "not pregnant"
    );
    assert!(
        !report.flags.iter().any(|f| f.code == "irritant_sensitive"),
        "not sensitive"
    );
    let avoided: Vec<&str> = report
        .flags
        .iter()
        .filter(|f| f.code == "avoid")
        .map(|f| f.inci.as_ref())
        .collect();
    assert_eq!(avoided, ["Parfum", "Menthol"]);
    profile.pregnant = true;
    profile.sensitive = true;
    let leaked: &'static Profile = Box::leak(Box::new(profile));
    let report = analyzer().analyze(text, &options(leaked));
    assert!(report
        .flags
        .iter()
        .any(|f| f.code == "pregnancy_retinoid" && f.inci == "Retinol"));
    assert!(report
        .flags
        .iter()
        .any(|f| f.code == "irritant_sensitive" && f.inci == "Menthol"));
    let anonymous = analyze(text);
    assert!(
        anonymous
            .flags
            .iter()
            .any(|f| f.code == "pregnancy_retinoid"),
        "without a profile every flag shows"
    );
    // Every family the planner refuses in pregnancy has its pregnancy flag.
    let fade = analyze("Aqua, Hydroquinone, Glyceryl Stearate");
    assert!(
        fade.flags
            .iter()
            .any(|f| f.code == "pregnancy_hydroquinone"),
        "{:?}",
        fade.flags
    );
}

#[test]
fn the_name_decides_the_kind_first() {
    let list = "Aqua, Glycerin, Niacinamide";
    let cases = [
        ("Vitamin C Serum 30ml", ProductKind::Serum),
        ("Deep Cleansing Oil", ProductKind::Cleanser),
        ("Oil Control Moisturiser", ProductKind::Moisturizer),
        ("Rosehip Serum Oil", ProductKind::Oil),
        ("Caffeine Eye Serum", ProductKind::EyeCare),
        ("Glow Tonic", ProductKind::Toner),
        ("Hydramist", ProductKind::Mist),
        ("Gentle Exfoliating Scrub", ProductKind::Exfoliant),
        ("Epsom Bath Salts 1kg", ProductKind::Other),
        ("Invisible Sunscreen SPF 50", ProductKind::Sunscreen),
    ];
    for (name, kind) in cases {
        assert_eq!(named(name, list).kind, kind, "{name}");
    }
    let mask = named("Purifying Clay Mask", list);
    assert_eq!(
        (mask.kind, mask.mask_type),
        (ProductKind::Mask, Some("clay"))
    );
    assert_eq!(named("Hydrating Sheet Mask", list).mask_type, Some("sheet"));
}

#[test]
fn lists_printed_with_spaced_dashes_and_nested_brackets() {
    // A French pack's dashes between names (Open Beauty Facts 20498542, a name that is
    // not INCI among them: the rest is still a list, not prose).
    let dashes =
        analyze("AQUA - HYDRATED SILICA - SORBITOL - GLYCERIN - AROMA - CI 714160 - CI 77492");
    assert_eq!(
        names(&dashes),
        [
            "Aqua",
            "Hydrated Silica",
            "Sorbitol",
            "Glycerin",
            "Aroma",
            "CI 77492"
        ]
    );
    assert_eq!(dashes.unknown.len(), 1, "{:?}", dashes.unknown);
    // The dash of "+ / -" still starts a may-contain list.
    let may = analyze("Aqua, Glycerin, + / - CI 77891");
    assert!(may.ingredients.iter().any(|i| i.may_contain), "{may:?}");
    // A "]" inside a may-contain block ends the "[nano]", not the block (3052503531281).
    let nano = analyze(
        "Butyl Acetate, Silica [+/- (MAY CONTAIN) : CI 77266 (BLACK 2) [NANO] • CI 77491 • TIN OXIDE]. Dimethicone",
    );
    let may: Vec<&str> = nano
        .ingredients
        .iter()
        .filter(|i| i.may_contain)
        .map(|i| i.inci)
        .collect();
    assert_eq!(may, ["CI 77266", "CI 77491", "Tin Oxide"], "{nano:?}");
    assert!(nano.unknown.is_empty(), "{:?}", nano.unknown);
    assert!(nano.diagnostics.iter().any(|d| d.code == "nano"));
    assert!(names(&nano).contains(&"Dimethicone".to_string()));
}

#[test]
fn a_name_in_korean_or_japanese_decides_the_kind() {
    // Real product names as Korean and Japanese packs print them: the words are
    // written together, so a kind's word is a piece of one ("수분크림", moisture cream).
    let list = "Aqua, Glycerin, Niacinamide";
    let cases = [
        ("이니스프리 그린티 씨드 세럼", ProductKind::Serum),
        ("라운드랩 독도 토너", ProductKind::Toner),
        ("에스트라 아토베리어365 크림", ProductKind::Moisturizer),
        (
            "닥터지 그린 마일드 업 선 플러스 선크림 SPF50+",
            ProductKind::Sunscreen,
        ),
        ("마녀공장 퓨어 클렌징 오일", ProductKind::Cleanser),
        ("메디힐 티트리 에센셜 마스크", ProductKind::Mask),
        ("肌ラボ 極潤 ヒアルロン液 化粧水", ProductKind::Toner),
        ("ビオレ UV アクアリッチ 日焼け止め", ProductKind::Sunscreen),
        (
            "キュレル 潤浸保湿 フェイスクリーム",
            ProductKind::Moisturizer,
        ),
        (
            "ファンケル マイルドクレンジングオイル",
            ProductKind::Cleanser,
        ),
        ("메디안 치약", ProductKind::Other),
        ("려 자양윤모 샴푸", ProductKind::Other),
        ("ラックス シャンプー", ProductKind::Other),
    ];
    for (name, kind) in cases {
        assert_eq!(named(name, list).kind, kind, "{name}");
    }
    // A kind's piece in the name of another kind: "마스크팩" is a mask, "쿠션 팩트" make-up.
    assert_eq!(named("마스크팩", list).kind, ProductKind::Mask);
    assert_eq!(named("쿠션 팩트", list).kind, ProductKind::Other);
    // The list's header in Japanese or Korean, with a full-width colon.
    for text in [
        "成分：Water, Glycerin, Niacinamide",
        "[전성분] Water, Glycerin, Niacinamide",
    ] {
        let read = names(&analyze(text));
        assert_eq!(read.len(), 3, "{text}: {read:?}");
        assert_eq!(read[1..], ["Glycerin", "Niacinamide"], "{text}");
    }
}

#[test]
fn a_leave_on_product_for_the_body_fills_no_face_step() {
    let list = "Aqua, Glycerin, Helianthus Annuus Seed Oil, Alcohol, Citrus Aurantifolia Peel Oil";
    let for_body = |report: &Report<'_>| {
        report
            .diagnostics
            .iter()
            .any(|d| d.code == regimen_core::analyzer::BODY_PRODUCT)
    };
    for name in [
        "Dr. Bronner's Körperlotion Lavendel",
        "AMELIORATE Transforming Body Lotion 200ml",
        "Intense Youth Complex Hand Cream 100ml",
        "Shimmering Body Oil 50ml",
        "Virtu-Oil Body Mist SPF30 144ml",
        "Body Firming Lotion",
        "Intensive Hand Repair Cream",
        "Crème de Corps",
        "Bodybutter Kokos",
        "Cracked Heel Balm",
        "Frank Body Original Coffee Body Scrub",
    ] {
        let report = named(name, list);
        assert!(report.uses.is_empty(), "{name}: {:?}", report.uses);
        assert!(for_body(&report), "{name}: {:?}", report.diagnostics);
    }
    // For the face too, a brand with "Body" in it, a wash: as before.
    for (name, step) in [
        ("Sun Tanning Oil Face and Body SPF 30", Step::Sunscreen),
        ("Face & Body Lotion", Step::Moisturize),
        ("The Body Shop Vitamin E Moisture Cream", Step::Moisturize),
        ("The Body Shop Tea Tree Oil", Step::Serum),
        ("Sanctuary Spa Classic Body Wash 250ml", Step::Cleanse),
    ] {
        let report = named(name, list);
        assert!(report.uses.contains(&step), "{name}: {:?}", report.uses);
    }
    assert!(!for_body(&named("Face & Body Lotion", list)));
    // A lip balm is for the lips: no face moisturizer.
    assert!(named("Frank Body Lip Balm", list).uses.is_empty());
    // A body wash is for the body, and still cleanses: it is rinsed off.
    assert!(for_body(&named(
        "Sanctuary Spa Classic Body Wash 250ml",
        list
    )));
}

#[test]
fn without_a_name_the_ingredients_decide() {
    let kind = |text: &str| analyze(text).kind;
    assert_eq!(
        kind("Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Glycerin"),
        ProductKind::Cleanser
    );
    assert_eq!(kind("Kaolin, Aqua, Bentonite, Glycerin"), ProductKind::Mask);
    assert_eq!(
        kind("Zinc Oxide, Aqua, Caprylic/Capric Triglyceride"),
        ProductKind::Sunscreen
    );
    assert_eq!(
        kind("Aqua, Niacinamide, Glycerin, Sodium Hyaluronate"),
        ProductKind::Serum
    );
    assert_eq!(
        kind("Simmondsia Chinensis Seed Oil, Tocopherol"),
        ProductKind::Oil
    );
    assert_eq!(
        kind("Aqua, Glycolic Acid, Glycerin"),
        ProductKind::Exfoliant
    );
    assert_eq!(analyze("Kaolin, Aqua").mask_type, Some("clay"));
}

#[test]
fn nothing_to_read_is_said_plainly() {
    let report = analyze("");
    assert!(report.ingredients.is_empty());
    assert!(report.diagnostics.iter().any(|d| d.code == "empty"));
    let long = "Aqua, ".repeat(20_000);
    let report = analyze(&long);
    assert!(report.diagnostics.iter().any(|d| d.code == "truncated"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gives_a_report(text in "\\PC{0,300}") {
        let report = analyze(&text);
        for ingredient in &report.ingredients {
            prop_assert!(!ingredient.inci.is_empty());
        }
        let positions: Vec<usize> = report.ingredients.iter().filter_map(|i| i.position)
            .chain(report.unknown.iter().filter_map(|u| u.position)).collect();
        let mut sorted = positions.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), positions.len(), "positions are unique");
    }

    #[test]
    fn label_like_text_gives_a_report(parts in prop::collection::vec(
        prop::sample::select(vec!["Aqua", "Glycerin", "Niacinamide 5%", "(", ")", "/", ",", ";", "\n", ":", "Ingredients:",
            "May contain", "[+/-", "]", "*", "Parfum*", "1,2-Hexanediol", "é", "Retinol", "  ", ".", "%", "Dimethicon"]), 0..40)) {
        let text = parts.concat();
        let report = analyze(&text);
        let listed = report.ingredients.iter().filter(|i| i.position.is_some()).count() + report.unknown.len();
        let last = report.ingredients.iter().filter_map(|i| i.position).chain(report.unknown.iter().filter_map(|u| u.position)).max();
        prop_assert!(last.unwrap_or(0) <= listed);
    }
}

/// An analyzer over the shipped dictionary and one more name, so that its matcher is
/// built at run time rather than loaded.
fn extended_analyzer() -> &'static Analyzer {
    static EXTENDED: OnceLock<Analyzer> = OnceLock::new();
    EXTENDED.get_or_init(|| {
        let dictionary = format!("{DICTIONARY}\nZZREGIMEN TESTOL\tE\n");
        Analyzer::new(knowledge(), &dictionary).expect("the extended dictionary builds")
    })
}

#[test]
fn the_shipped_matcher_is_built_ahead_of_time_and_an_edited_dictionary_builds_its_own() {
    assert!(
        analyzer().lexicon().matcher().is_prebuilt(),
        "the shipped dictionary loads the matcher build.rs made (its patterns drifted from build.rs otherwise)"
    );
    let extended = extended_analyzer();
    assert!(!extended.lexicon().matcher().is_prebuilt());
    let report = extended.analyze("Aqua, Zzregimen Testol, Glycerin", &Options::default());
    assert_eq!(names(&report), ["Aqua", "Zzregimen Testol", "Glycerin"]);
    assert!(analyzer()
        .analyze("Aqua, Zzregimen Testol, Glycerin", &Options::default())
        .unknown
        .iter()
        .any(|u| u.name == "Zzregimen Testol"));
    // What either made is told apart by its fingerprint (the server keeps analyses by it).
    assert_ne!(analyzer().fingerprint(), extended.fingerprint());
    assert_eq!(
        analyzer().fingerprint(),
        Analyzer::builtin(knowledge())
            .expect("builtin")
            .fingerprint()
    );
}

#[test]
fn the_loaded_and_the_built_matcher_read_labels_alike() {
    let labels = [
        "Aqua (Water), Glycerin, Niacinamide 10%, Parfum/Fragrance, Linalool, 1,2-Hexanediol",
        "INGREDIENTS: AQUA, BUTYROSPERMUM PARKII (SHEA) BUTTER, LAVANDULA ANGUSTIFOLIA (LAVENDER) OIL, CITRUS AURANTIUM DULCIS (ORANGE) PEEL OIL",
        "Drug Facts\nActive ingredients Purpose\nAvobenzone 3% ........ Sunscreen\nInactive ingredients: water, glycerin, alcohol denat.",
        "eau, glycérine, acide salicylique, parfum. Peut contenir: CI 77891, CI 77491",
        "retinol 0.3% Tetrahexyldecyl Ascorbate sodium hyaluronate Dimethicon caprylic/capric triglyceride",
        "['capric triglyceride', 'cetyl alcohol', 'propanediol', 'sodium pca', 'pca']",
    ];
    for label in labels {
        assert_eq!(
            analyzer().analyze(label, &Options::default()),
            extended_analyzer().analyze(label, &Options::default()),
            "{label}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn both_matchers_find_the_same_names(parts in prop::collection::vec(
        prop::sample::select(vec!["Aqua", "AQUA", "glycerin", "Niacinamide", "Sodium Hyaluronate", "(", ")", "/", ",", ", ",
            ";", "\n", " ", "Ingredients:", "May contain", "Parfum", "1,2-Hexanediol", "alcohol denat.", "Alcohol", "Denat.",
            "Citrus Paradisi", "X C. Reticulata Peel Oil", "Retinyl", "Palmitate", "Tocopheryl Acetate", "é", "%", "5"]), 0..30)) {
        let text = parts.concat();
        prop_assert_eq!(
            analyzer().analyze(&text, &Options::default()),
            extended_analyzer().analyze(&text, &Options::default())
        );
    }
}

/// Pieces of text for the matcher: every spelling with a separator inside ("1,2-hexanediol",
/// "alcohol denat. sd alcohol 1", "cinnamomum camphora wood oil, decamphorised"), their
/// beginnings and ends (spellings cut short at a separator), common names, and the
/// separators, quotes and spaces around names in lists.
fn matcher_parts() -> &'static [String] {
    static PARTS: OnceLock<Vec<String>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let mut parts: Vec<String> = [
            "aqua",
            "glycerin",
            "parfum",
            "1",
            "2-hexanediol",
            "alcohol denat",
            "sd alcohol 1",
            ", ",
            ",",
            ". ",
            ".",
            ";",
            "\n",
            " ",
            "'",
            "\"",
            "*",
            "[",
            "]",
            "(",
            ")",
            "/",
            "x",
            "é",
        ]
        .iter()
        .map(|p| p.to_string())
        .collect();
        for pattern in analyzer().lexicon().patterns() {
            if let Some(at) = pattern.find([',', '.', ';', '[', ']']) {
                parts.push(pattern.to_string());
                parts.push(pattern[..at].to_string());
                parts.push(pattern[at..].to_string());
            }
        }
        parts
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn pieces_find_what_one_pass_finds(picks in prop::collection::vec(any::<prop::sample::Index>(), 0..24)) {
        let parts = matcher_parts();
        let text: String = picks.iter().map(|i| i.get(parts).as_str()).collect();
        let lexicon = analyzer().lexicon();
        let one_pass: Vec<_> = lexicon.matcher().find_iter(&text).collect();
        let mut by_pieces = Vec::new();
        lexicon.find_each(&text, |start, end, pattern| by_pieces.push((start, end, pattern)));
        prop_assert_eq!(by_pieces, one_pass, "{:?}", text);
    }
}

#[test]
fn percentages_are_written_as_the_label_gave_them() {
    let report = analyzer().analyze("Aqua, Retinol 0.3%, Niacinamide 4.4%", &Options::default());
    // Also through a JSON value (as the server answers it), which holds numbers as f64.
    let value = serde_json::to_value(&report).expect("value");
    let json = value.to_string();
    assert!(
        json.contains("\"percent\":0.3,") && json.contains("\"percent\":4.4,"),
        "{json}"
    );
    assert!(!json.contains("0.30000001"), "{json}");
}

#[test]
fn isothiazolinones_are_flagged_as_contact_allergens_with_their_rule() {
    let report = analyze(
        "Aqua, Sodium Laureth Sulfate, Methylchloroisothiazolinone, Methylisothiazolinone, Benzisothiazolinone",
    );
    let flagged: Vec<&str> = report
        .flags
        .iter()
        .filter(|f| f.code == "contact_allergen")
        .map(|f| f.inci.as_ref())
        .collect();
    assert_eq!(
        flagged,
        [
            "Methylchloroisothiazolinone",
            "Methylisothiazolinone",
            "Benzisothiazolinone"
        ],
        "{:?}",
        report.flags
    );
    let rule = super::knowledge()
        .ingredients
        .flag
        .iter()
        .find(|f| f.code == "contact_allergen")
        .and_then(|f| f.rule.as_deref())
        .expect("a rule");
    assert!(super::knowledge().cite(rule).is_some());
}

/// What a beauty aisle holds that is no face skin care fills no step: oral care (by its
/// name, or by a fluoride in its list whatever the name), hair care, make-up, perfume,
/// baby wipes, household products; face products keep their kinds.
#[test]
fn products_that_are_no_face_skin_care_fill_no_step() {
    let paste = "Aqua, Hydrated Silica, Glycerin, Sorbitol, Sodium Lauryl Sulfate, Aroma, Sodium Fluoride, Titanium Dioxide";
    for (name, list) in [
        ("Colgate Total", paste),
        ("Dentifrice Menthe", "Aqua, Sorbitol, Hydrated Silica"),
        ("Mouthwash Fresh Mint", "Aqua, Alcohol, Sorbitol, Menthol"),
        (
            "Pampers Sensitive Baby Wipes",
            "Aqua, Citric Acid, Sodium Citrate, Phenoxyethanol",
        ),
        (
            "Elseve Shampooing",
            "Aqua, Sodium Laureth Sulfate, Coco-Betaine, Parfum",
        ),
        (
            "Après-Shampooing Nutrition",
            "Aqua, Cetearyl Alcohol, Behentrimonium Chloride",
        ),
        (
            "Pantene Conditioner",
            "Aqua, Stearyl Alcohol, Behentrimonium Chloride, Cetyl Alcohol",
        ),
        (
            "Hair Mask Repair",
            "Aqua, Cetearyl Alcohol, Behentrimonium Chloride",
        ),
        (
            "Maybelline Eye Shadow Palette",
            "Talc, Mica, Magnesium Stearate",
        ),
        (
            "Lippenstift Rot",
            "Ricinus Communis Seed Oil, Cera Alba, CI 15850",
        ),
        ("Eau de Toilette", "Alcohol Denat., Parfum, Aqua"),
        ("Laundry Detergent", "Aqua, Sodium Laureth Sulfate"),
    ] {
        let report = named(name, list);
        assert!(
            report.uses.is_empty(),
            "{name}: {:?} {:?}",
            report.kind,
            report.uses
        );
    }
    for (name, step) in [
        ("CeraVe Moisturising Cream", Step::Moisturize),
        ("Micellar Cleansing Water", Step::Cleanse),
        ("Eye Make-up Remover", Step::Cleanse),
        ("Clay Mask", Step::Mask),
    ] {
        let report = named(name, "Aqua, Glycerin, Cetearyl Alcohol, Kaolin");
        assert!(report.uses.contains(&step), "{name}: {:?}", report.uses);
    }
}

/// Lists as packs print them: a "(" never closed does not swallow the rest, a marketing
/// list's "Name 0.5%: what it does" keeps the name and its strength, and a Drug Facts
/// row run together keeps its active and strength apart from its purpose.
#[test]
fn lists_as_printed_keep_their_ingredients() {
    let report = analyze(
        "Aqua, Glycerin, Parfum (Fragrance, Niacinamide, Panthenol (Pro-Vitamin B5), Allantoin",
    );
    assert_eq!(
        names(&report),
        [
            "Aqua",
            "Glycerin",
            "Parfum",
            "Niacinamide",
            "Panthenol",
            "Allantoin"
        ]
    );
    let report = analyze(
        "-Salicylic Acid 0.5%: Dissolves pore congestion\n-Niacinamide 4%: Balances oil\n-Zinc PCA: Controls shine",
    );
    assert_eq!(
        names(&report),
        ["Salicylic Acid", "Niacinamide", "Zinc PCA"]
    );
    assert_eq!(report.actives[0].percent, Some(0.5));
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "description" && d.text.contains("Balances oil")));
    let report = analyze(
        "Drug Facts Active ingredient Purpose Salicylic acid 2% Acne treatment Inactive ingredients water, glycerin",
    );
    assert_eq!(names(&report), ["Salicylic Acid", "Water", "Glycerin"]);
    assert_eq!(report.actives[0].percent, Some(2.0));
    assert!(report.unknown.is_empty(), "{:?}", report.unknown);
}

#[test]
fn ingredient_and_may_contain_labels_in_other_languages() {
    let report = analyze("Inhaltsstoffe: Aqua, Glycerin. Kann enthalten: CI 77891");
    assert_eq!(names(&report), ["Aqua", "Glycerin", "CI 77891"]);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.ingredients[2].position, None, "may contain");
    let report = analyze("Ingredientes: Aqua, Niacinamide. Puede contener: CI 77491");
    assert_eq!(report.ingredients[2].position, None, "puede contener");
}

/// A catalog's categories decide the kind when the name says none, before the list.
#[test]
fn a_catalogs_categories_decide_a_kind_the_name_does_not_say() {
    let list = "Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine, Glycerin, Parfum";
    let with = |name: &str, categories: &str| {
        analyzer().analyze(
            list,
            &Options {
                name: Some(name),
                categories: Some(categories),
                ..Options::default()
            },
        )
    };
    let shampoo = with("Elseve Color Vive", "hygiene, hair, shampoos");
    assert!(shampoo.uses.is_empty(), "{:?}", shampoo.kind);
    let paste = with("Signal Integral 8", "hygiene, toothpastes");
    assert!(paste.uses.is_empty(), "{:?}", paste.kind);
    // The name decides first: a face wash stays a cleanser whatever the shop files it under.
    let wash = with("Gentle Face Wash", "hygiene, hair");
    assert!(wash.uses.contains(&Step::Cleanse), "{:?}", wash.uses);
    // Without a telling category the list decides, as before.
    let plain = with("Elseve Color Vive", "beauty");
    assert_eq!(plain.kind, named("Elseve Color Vive", list).kind);
}

/// What the description and bullet readings must leave alone: a label before a list of
/// known names, two strengths run together, "+ / -" with spaces.
#[test]
fn lists_that_look_like_descriptions_are_still_lists() {
    let report = analyze("Aqua, Glycerin, Parfum: Limonene, Linalool");
    assert!(
        names(&report).contains(&"Limonene".to_string()),
        "{:?}",
        names(&report)
    );
    assert!(report.diagnostics.iter().all(|d| d.code != "description"));
    let report = analyze("Niacinamide 10% Zinc PCA 1%");
    assert!(report.diagnostics.iter().all(|d| d.code != "description"));
    let report = analyze("Aqua, Glycerin, + / - CI 77491");
    let ci = report
        .ingredients
        .iter()
        .find(|i| i.inci == "CI 77491")
        .expect("the colour");
    assert_eq!(ci.position, None, "may contain");
}
