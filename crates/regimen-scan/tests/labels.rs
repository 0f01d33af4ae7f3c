//! Label photos read back: real ingredient lists (Open Beauty Facts, ODbL) rendered as
//! labels with ImageMagick and distorted as phone photos are (turned, in perspective,
//! curved round a bottle, blurred, noisy, on tinted paper, saved as a poor JPEG), then
//! read by `read_label`. The share of each list's ingredients found again must be 85%
//! or more over all of them. Needs ImageMagick's `convert` and Tesseract: without them
//! the test is skipped with a note; CI installs both (REGIMEN_REQUIRE_OCR).
#![cfg(feature = "ocr")]

use regimen_core::analyzer::{Analyzer, Options};
use std::collections::BTreeSet;
use std::process::Command;

const LISTS: [&str; 6] = [
    "Aqua, Sodium C14-16 Olefin Sulfonate, Glycol Stearate, Cocamidopropyl Betaine, Cocamide DIPA, Sodium Chloride, PEG-120 Methyl Glucose Dioleate, Cocos Nucifera Oil, Hydrolyzed Keratin, Tocopheryl Acetate, Glycerin, Phenoxyethanol, Hydroxypropyl Methylcellulose, Polyquaternium-10, Tetrasodium EDTA, Phosphoric Acid, Methylisothiazolinone, Parfum, Coumarin",
    "Ingredients: Aqua/Water, Cyclopentasiloxane, Paraffinum Liquidum/Mineral Oil, Propylene Glycol, Glycerin, Stearic Acid, Magnesium Aluminum Silicate, Talc, Isostearic Acid, Triethanolamine, Cetyl Alcohol, Phenoxyethanol, Dimethicone Crosspolymer, Xanthan Gum, Methylparaben, Tocopheryl Acetate, Disodium Edta, Propylparaben, Ethylparaben",
    "Aqua, Sodium Laureth Sulfate, Glycerin, Cocamidopropyl Betaine, Sodium Chloride, PEG-7 Glyceryl Cocoate, Sucrose Cocoate, Phenoxyethanol, Benzoic Acid, Dehydroacetic Acid",
    "Aqua/Water, Alcohol denat., Aluminium chlorohydrate, Parfum / Fragrance, PEG-40 hydrogenated castor oil, Linalool, Geraniol, Eugenol, Coumarin, Limonene, Hydroxyethylcellulose, Citronellol, Menthoxypropanediol, Hexylcinnamal",
    "Aqua/Water, Sodium Laureth Sulfate, Disodium Laureth Sulfosuccinate, Cocamidopropyl Betaine, Sodium Chloride, Sodium Lauryl Sulfate, PEG-150 Distearate, Parfum, Phenoxyethanol, Chlorphenesin, Disodium EDTA, Citric Acid, Tocopheryl Acetate, Retinyl Palmitate",
    "Alcohol Denat, Aqua, Parfum, Ethylhexyl Methoxycinnamate, Diethylamino Hydroxybenzoyl Hexyl Benzoate, BHT, Linalool, Limonene, Citral, Citronellol, Eugenol, Cinnamal, Geraniol, Benzyl Benzoate",
];

/// How each label is made and spoiled (ImageMagick 6 arguments after the text).
const PHOTOS: [(&str, &[&str]); 4] = [
    ("plain, JPEG", &["-quality", "75"]),
    ("turned 4 degrees, blurred", &["-rotate", "4", "-blur", "0x1.2", "-quality", "80"]),
    (
        "tinted paper, perspective, noise",
        &["-distort", "Perspective", "0,0 40,30  %[fx:w],0 %[fx:w-20],0  0,%[fx:h] 0,%[fx:h]  %[fx:w],%[fx:h] %[fx:w-40],%[fx:h-30]", "-attenuate", "0.4", "+noise", "Gaussian", "-quality", "80"],
    ),
    ("curved round a bottle, poor JPEG", &["-distort", "Barrel", "0.0 0.0 0.06 0.94", "-quality", "35"]),
];

fn tool(name: &str, arg: &str) -> bool {
    Command::new(name)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn names(analyzer: &Analyzer, text: &str) -> BTreeSet<String> {
    let options = Options {
        name: None,
        profile: None,
        avoid: None,
        kind: None,
        categories: None,
        suggest: false,
    };
    analyzer
        .analyze(text, &options)
        .ingredients
        .iter()
        .map(|i| i.inci.to_string())
        .collect()
}

#[test]
fn distorted_label_photos_are_read_back() {
    if !tool("convert", "-version") || !tool("tesseract", "--version") {
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_OCR").is_none(),
            "ImageMagick's convert and Tesseract are needed here"
        );
        regimen_store::testing::note_skip(
            "label OCR: needs ImageMagick and Tesseract (apt-get install imagemagick tesseract-ocr tesseract-ocr-eng fonts-dejavu-core); CI requires them",
        );
        return;
    }
    let knowledge = regimen_core::Knowledge::builtin().expect("knowledge");
    let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
    let dir = std::env::temp_dir().join(format!("regimen-labels-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let (mut wanted, mut bare_found, mut raw_found, mut found) = (0usize, 0usize, 0usize, 0usize);
    let mut report = Vec::new();
    for (i, list) in LISTS.iter().enumerate() {
        let expected = names(&analyzer, list);
        for (j, (how, spoil)) in PHOTOS.iter().enumerate() {
            let path = dir.join(format!("label-{i}-{j}.jpg"));
            let tinted = how.contains("tinted");
            let mut args: Vec<String> = vec![
                "-size".into(),
                "1100x".into(),
                "-background".into(),
                if tinted {
                    "#efe2c2".into()
                } else {
                    "white".into()
                },
                "-fill".into(),
                if tinted {
                    "#3b2a1a".into()
                } else {
                    "black".into()
                },
                "-font".into(),
                "DejaVu-Sans".into(),
                "-pointsize".into(),
                "26".into(),
                "-bordercolor".into(),
                if tinted {
                    "#efe2c2".into()
                } else {
                    "white".into()
                },
                format!("caption:{list}"),
                "-border".into(),
                "30".into(),
                "-virtual-pixel".into(),
                if tinted {
                    "Background".into()
                } else {
                    "White".into()
                },
            ];
            args.extend(spoil.iter().map(|s| s.to_string()));
            args.push(path.to_str().expect("path").into());
            let made = Command::new("convert")
                .args(&args)
                .output()
                .expect("convert");
            assert!(
                made.status.success(),
                "{how}: {}",
                String::from_utf8_lossy(&made.stderr)
            );
            let bytes = std::fs::read(&path).expect("label");
            let read = regimen_scan::read_label(&analyzer, &bytes).expect("read");
            let raw = names(&analyzer, &read.raw.replace('\n', " "));
            // Tesseract on the photo as it is, for comparison.
            let photo = regimen_photos::decode_upright(&bytes).expect("photo");
            let bare = regimen_scan::label::ocr(&photo.to_luma8()).expect("ocr");
            bare_found += expected
                .intersection(&names(&analyzer, &bare.replace('\n', " ")))
                .count();
            let corrected = names(&analyzer, &read.text);
            wanted += expected.len();
            raw_found += expected.intersection(&raw).count();
            found += expected.intersection(&corrected).count();
            report.push(format!(
                "list {i}, {how}: {} of {} ({} before correction)",
                expected.intersection(&corrected).count(),
                expected.len(),
                expected.intersection(&raw).count()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (raw, recall) = (
        raw_found as f64 / wanted as f64,
        found as f64 / wanted as f64,
    );
    println!(
        "{}\nlabel OCR: {found} of {wanted} ingredients ({:.0}%); {:.0}% before correction; Tesseract alone on the photos {:.0}%",
        report.join("\n"),
        100.0 * recall,
        100.0 * raw,
        100.0 * bare_found as f64 / wanted as f64
    );
    assert!(recall >= 0.85, "{:.2}: {report:#?}", recall);
}
