//! One avoid list, one meaning: each entry is read once in the core, and the planner,
//! the analyzer and the shelf all leave out the same things.

use super::{analyzer, knowledge, plan_toml};
use regimen_core::analyzer::Options;
use regimen_core::avoid::{AvoidList, Meaning};
use regimen_core::plan::Plan;

fn read(entries: &[&str]) -> AvoidList {
    let entries: Vec<String> = entries.iter().map(|e| e.to_lowercase()).collect();
    AvoidList::parse(knowledge(), analyzer(), &entries)
}

fn means(entry: &str) -> Vec<Meaning> {
    read(&[entry]).entries()[0].meanings.clone()
}

fn avoided_by(entry: &str, text: &str) -> Vec<String> {
    let avoid = read(&[entry]);
    let report = analyzer().analyze(
        text,
        &Options {
            avoid: Some(&avoid),
            ..Options::default()
        },
    );
    report
        .flags
        .iter()
        .filter(|f| f.code == "avoid")
        .map(|f| f.inci.to_string())
        .collect()
}

fn serums<'a>(plan: &'a Plan<'a>) -> Vec<&'a str> {
    plan.serums.iter().map(|s| s.active).collect()
}

const LABEL: &str = "Aqua, Glycerin, Lavandula Angustifolia (Lavender) Oil, Lavender Flower Water, Retinyl Palmitate, Retinol, Ascorbic Acid, Sodium Ascorbyl Phosphate, Parfum, Linalool, Alcohol Denat., Methylparaben";

#[test]
fn plain_words_inci_families_and_flags_each_mean_one_thing() {
    assert_eq!(
        avoided_by("lavender", LABEL),
        ["Lavandula Angustifolia Oil", "Lavender Flower Water"]
    );
    assert_eq!(
        avoided_by("vitamin A", LABEL),
        ["Retinyl Palmitate", "Retinol"]
    );
    assert_eq!(
        avoided_by("retinoids", LABEL),
        ["Retinyl Palmitate", "Retinol"]
    );
    assert_eq!(avoided_by("ascorbic acid", LABEL), ["Ascorbic Acid"]);
    assert_eq!(
        avoided_by("vitamin-c", LABEL),
        ["Ascorbic Acid", "Sodium Ascorbyl Phosphate"]
    );
    // Lavender oil is one of the fragrance allergens EU Regulation 2023/1545 added.
    assert_eq!(
        avoided_by("fragrance", LABEL),
        ["Lavandula Angustifolia Oil", "Parfum", "Linalool"]
    );
    assert_eq!(avoided_by("alcohol", LABEL), ["Alcohol Denat."]);
    assert_eq!(avoided_by("parabens", LABEL), ["Methylparaben"]);
    assert!(means("vitamin A").contains(&Meaning::Family {
        id: "retinoid".into()
    }));
    assert!(means("clay").contains(&Meaning::MaskType { id: "clay".into() }));
}

#[test]
fn the_planner_leaves_out_what_the_analyzer_flags() {
    let person = |avoid: &str| {
        plan_toml(
            &format!("skin_type = \"normal\"\ngoal = \"long_term\"\nconcerns = [\"aging\", \"dullness\"]\navoid = [\"{avoid}\"]\n"),
            1,
        )
    };
    let everything = person("banana");
    assert!(serums(&everything).contains(&"retinol"));
    assert!(serums(&everything).contains(&"vitamin_c"));
    for entry in ["vitamin A", "retinoids", "retinol"] {
        assert!(!serums(&person(entry)).contains(&"retinol"), "{entry}");
    }
    for entry in ["ascorbic acid", "vitamin-c", "vitamin c", "Vitamin C"] {
        assert!(!serums(&person(entry)).contains(&"vitamin_c"), "{entry}");
    }
}

#[test]
fn an_entry_that_matches_nothing_is_a_warning_with_the_nearest_names() {
    let avoid = read(&["niacinamidol xq", "xqzw"]);
    let unknown: Vec<&str> = avoid.unknown().map(|e| e.text.as_str()).collect();
    assert_eq!(unknown, ["niacinamidol xq", "xqzw"]);
    assert!(
        avoid.entries()[0]
            .nearest
            .iter()
            .any(|n| n.starts_with("niacinamide")),
        "{:?}",
        avoid.entries()[0].nearest
    );
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\navoid = [\"niacinamidol xq\"]\n",
        1,
    );
    let warning = plan
        .warnings
        .iter()
        .find(|w| w.code == "avoid_unknown")
        .expect("a warning");
    assert!(warning.text.contains("niacinamidol xq") && warning.text.contains("niacinamide"));
    // "banana" is no ingredient's name, but some names contain it: the plan says so.
    let plan = plan_toml(
        "skin_type = \"normal\"\ngoal = \"long_term\"\navoid = [\"banana\"]\n",
        1,
    );
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.code == "avoid_words" && w.text.contains("banana")));
}

#[test]
fn an_avoided_product_is_left_out_of_the_plan() {
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"long_term\"\navoid = [\"lavender\"]\n[[shelf]]\nname = \"Calming Night Oil\"\ningredients = \"Simmondsia Chinensis (Jojoba) Seed Oil, Lavandula Angustifolia (Lavender) Oil\"\n",
        1,
    );
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(shelf.placed.is_empty());
    assert!(
        shelf.not_placed[0].reason.contains("avoid list"),
        "{:?}",
        shelf.not_placed
    );
}

#[test]
fn a_misspelt_entry_also_leaves_out_the_name_it_looks_like() {
    // "lavander" is inside one obscure dictionary name, and one letter from "lavender":
    // both are left out, and the person is told.
    let avoid = read(&["lavander", "fragance", "retinoidz"]);
    assert_eq!(avoid.entries()[0].read_as, ["lavender"]);
    assert!(avoid.entries()[1]
        .read_as
        .contains(&"fragrance".to_string()));
    assert!(avoid.entries()[2]
        .read_as
        .iter()
        .any(|w| w.starts_with("retinoid")));
    assert_eq!(avoided_by("lavander", LABEL), avoided_by("lavender", LABEL));
    let plan = plan_toml(
        "skin_type = \"dry\"\ngoal = \"long_term\"\navoid = [\"lavander\"]\n[[shelf]]\nname = \"Calming Night Oil\"\ningredients = \"Simmondsia Chinensis (Jojoba) Seed Oil, Lavandula Angustifolia (Lavender) Oil\"\n",
        1,
    );
    let shelf = plan.shelf.as_ref().expect("report");
    assert!(shelf.placed.is_empty(), "{:?}", shelf.placed);
    let note = avoid.entries()[0].note().expect("a note");
    assert!(note.contains("lavender"), "{note}");
    // A name regimen knows exactly is not second-guessed.
    assert!(read(&["retinal"]).entries()[0].read_as.is_empty());
}

#[test]
fn a_name_the_dictionary_lacks_is_flagged_and_avoided_by_how_it_is_written() {
    // CosIng has EUCALYPTUS GLOBULUS LEAF OIL; labels often drop the part.
    let text = "Aqua, Glycerin, Eucalyptus Globulus Oil, Phenoxyethanol";
    let report = analyzer().analyze(text, &Options::default());
    assert!(
        report
            .unknown
            .iter()
            .any(|u| u.name == "Eucalyptus Globulus Oil"),
        "{:?}",
        report.unknown
    );
    assert!(
        report
            .flags
            .iter()
            .any(|f| f.code == "essential_oil" && f.inci == "Eucalyptus Globulus Oil"),
        "{:?}",
        report.flags
    );
    assert_eq!(
        avoided_by("essential oils", text),
        ["Eucalyptus Globulus Oil"]
    );
    // A seed oil is no essential oil, known or not.
    assert!(avoided_by("essential oils", "Aqua, Eucalyptus Globulus Seed Oil").is_empty());
}
