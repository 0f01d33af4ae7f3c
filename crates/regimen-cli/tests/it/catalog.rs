//! `regimen catalog` on the real Open Beauty Facts sample: import (counts, idempotence,
//! a cut or damaged dump refused whole), search (name, brand, slip, accent, barcode)
//! and a product shown with its analysis.

use super::{root, shipped_data, stderr, stdout, temp};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SAMPLE: &str = "openbeautyfacts/openbeautyfacts-products-min.jsonl.gz";

fn catalog(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regimen"))
        .arg("catalog")
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .env("REGIMEN_DB", format!("sqlite://{}", db.display()))
        .env_remove("REGIMEN_KNOWLEDGE")
        .output()
        .expect("regimen runs")
}

fn codes(output: &Output) -> Vec<String> {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    let found: serde_json::Value = serde_json::from_str(&stdout(output)).expect("JSON");
    found
        .as_array()
        .expect("a list")
        .iter()
        .map(|p| p["code"].as_str().expect("code").to_string())
        .collect()
}

fn search(db: &Path, query: &str) -> Vec<String> {
    codes(&catalog(db, &["search", query, "--format", "json"]))
}

fn unzipped(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("sample"))
        .read_to_string(&mut text)
        .expect("gunzip");
    text
}

#[test]
fn the_open_beauty_facts_sample_is_imported_once_and_found_every_way() {
    let sample = shipped_data(SAMPLE);
    let db = temp("catalog.db");
    let _ = std::fs::remove_file(&db);
    let sample = sample.to_str().expect("path");

    // 1,000 lines: 879 with a name or an ingredient list, 121 with neither.
    let first = catalog(&db, &["import", sample]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let said = stdout(&first);
    assert!(said.contains("879 products from openbeautyfacts-products-min.jsonl.gz: 879 added, 0 updated, 0 unchanged; 121 lines skipped"), "{said}");
    assert!(said.contains("Open Database License"), "{said}");
    // Again: updated in place, never doubled.
    let again = catalog(&db, &["import", sample]);
    assert!(
        stdout(&again).contains("0 added, 0 updated, 879 unchanged"),
        "{}",
        stdout(&again)
    );
    assert!(stdout(&again).contains("The catalog now has 879 products."));

    // By name words, in the order of the name (any case, accents or none).
    let cream = search(&db, "crème hydratante protectrice");
    assert_eq!(cream.first().map(String::as_str), Some("3058325050054"));
    assert_eq!(
        search(&db, "creme hydratante protectrice"),
        cream,
        "accents ignored"
    );
    assert_eq!(search(&db, "CRÈME HYDRATANTE PROTECTRICE"), cream);
    // By brand, with its apostrophe or not, and by brand and name together.
    let bronner = search(&db, "bronner");
    assert!(bronner.len() >= 6, "{bronner:?}");
    assert!(bronner.contains(&"0018787810545".to_string()));
    assert_eq!(search(&db, "bronner eukalyptus"), ["0018787810545"]);
    assert!(search(&db, "l'oreal elseve").contains(&"3054080004028".to_string()));
    // A slip in a word, and a word being typed.
    assert_eq!(search(&db, "bronnr eukalyptus"), ["0018787810545"]);
    assert_eq!(search(&db, "bronner eukal"), ["0018787810545"]);
    let slip = catalog(&db, &["search", "bronnr", "eukalyptus"]);
    assert!(
        stdout(&slip).contains("(\"bronnr\" read as \"bronner\")"),
        "{}",
        stdout(&slip)
    );
    // By barcode: as stored, and a UPC-A without the EAN-13's leading zero.
    assert_eq!(search(&db, "0018787810545"), ["0018787810545"]);
    assert_eq!(search(&db, "018787810545"), ["0018787810545"]);
    assert!(search(&db, "9999999999994").is_empty());
    assert!(search(&db, "qqqqzzzz").is_empty());

    // The JSON of a search names each product's kind.
    let out = catalog(&db, &["search", "bronner eukalyptus", "--format", "json"]);
    let found: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(found[0]["kind"], "cleanser");
    assert_eq!(found[0]["brands"], "Dr. Bronner's");
    assert_eq!(
        found[0]["name"],
        "Dr. Bronner's 18-IN-1 Naturseife Eukalyptus"
    );

    // One product, with its list, its analysis and its source.
    let shown = catalog(&db, &["show", "0018787810545", "--format", "json"]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let product: serde_json::Value = serde_json::from_str(&stdout(&shown)).expect("JSON");
    assert!(product["ingredients"]
        .as_str()
        .expect("list")
        .starts_with("Aqua, Potassium Cocoate"));
    assert_eq!(product["lang"], "de");
    assert_eq!(product["analysis"]["kind"], "cleanser");
    assert_eq!(product["source"]["licence"], "ODbL-1.0");
    let table = catalog(&db, &["show", "0018787810545"]);
    assert!(
        stdout(&table).contains("Open Beauty Facts"),
        "{}",
        stdout(&table)
    );
    let missing = catalog(&db, &["show", "9999999999994"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no product 9999999999994"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(catalog(&db, &["show", "soap"]).status.code(), Some(2));
    let _ = std::fs::remove_file(&db);
}

#[test]
fn a_cut_or_damaged_dump_is_refused_whole_and_the_catalog_stays_as_it_was() {
    let sample = shipped_data(SAMPLE);
    let db = temp("catalog-refused.db");
    let _ = std::fs::remove_file(&db);
    let imported = catalog(&db, &["import", sample.to_str().expect("path")]);
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));

    // A gzip stream cut in the middle.
    let bytes = std::fs::read(&sample).expect("sample");
    let cut = temp("cut.jsonl.gz");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).expect("write");
    let out = catalog(&db, &["import", cut.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("cut short or damaged")
            && stderr(&out).contains("the catalog is as it was"),
        "{}",
        stderr(&out)
    );

    // A plain JSONL dump whose changes come first and whose last line is cut: none of
    // its changes are kept.
    let text = unzipped(&sample);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let renamed = lines
        .iter()
        .position(|l| {
            l.contains("\"code\":\"0018787810545\"") || l.contains("\"code\": \"0018787810545\"")
        })
        .expect("the soap's line");
    let mut soap: serde_json::Value = serde_json::from_str(&lines[renamed]).expect("JSON");
    soap["product_name_de"] = serde_json::json!("Umbenannte Seife");
    lines[renamed] = soap.to_string();
    lines.insert(0, r#"{"code":"4006000000004","product_name":"Brand-new Serum","ingredients_text":"Aqua, Niacinamide"}"#.into());
    let last = lines.len() - 1;
    let half = lines[last].len() / 2;
    lines[last].truncate(half);
    let damaged = temp("damaged.jsonl");
    let mut file = std::fs::File::create(&damaged).expect("create");
    file.write_all(lines.join("\n").as_bytes()).expect("write");
    drop(file);
    let out = catalog(&db, &["import", damaged.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("line {}", last + 1))
            && stderr(&out).contains("nothing was imported"),
        "{}",
        stderr(&out)
    );
    // (A search with no product of all its words shows those with some: not this one.)
    assert!(!search(&db, "brand-new serum").contains(&"4006000000004".to_string()));
    assert!(search(&db, "umbenannte").is_empty());
    let shown = catalog(&db, &["show", "0018787810545", "--format", "json"]);
    let product: serde_json::Value = serde_json::from_str(&stdout(&shown)).expect("JSON");
    assert_eq!(
        product["name"],
        "Dr. Bronner's 18-IN-1 Naturseife Eukalyptus"
    );

    // The same dump, whole: both changes land, and nothing is doubled.
    lines.pop();
    std::fs::write(&damaged, lines.join("\n")).expect("write");
    let out = catalog(&db, &["import", damaged.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(" 1 added, 1 updated, "),
        "{}",
        stdout(&out)
    );
    assert_eq!(search(&db, "umbenannte"), ["0018787810545"]);
    assert_eq!(search(&db, "brand new serum"), ["4006000000004"]);

    // No such file; not a dump at all.
    let out = catalog(&db, &["import", "no-such-dump.jsonl.gz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read no-such-dump.jsonl.gz"),
        "{}",
        stderr(&out)
    );
    let not_json = temp("not-a-dump.jsonl");
    std::fs::write(&not_json, "code,name\n1,soap\n").expect("write");
    let out = catalog(&db, &["import", not_json.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: not a JSON object"),
        "{}",
        stderr(&out)
    );
    // A line without end (once 600 MB read whole, 3.7 GB of memory): stopped at its
    // cap, by its number.
    let endless = temp("endless-line.jsonl");
    let mut file = std::fs::File::create(&endless).expect("create");
    file.write_all(b"{\"code\":\"4006000000004\",\"product_name\":\"Serum\"}\n")
        .expect("write");
    file.write_all(b"{\"code\":\"").expect("write");
    let block = vec![b'7'; 1 << 20];
    for _ in 0..17 {
        file.write_all(&block).expect("write");
    }
    drop(file);
    let out = catalog(&db, &["import", endless.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 2: the line is longer than 16 MiB"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_file(&endless);
    let _ = std::fs::remove_file(&db);
}

#[test]
fn a_barcode_photo_is_read_and_looked_up_in_the_catalog() {
    let photo = shipped_data("barcodes/ean13-3/01.png");
    let db = temp("scan.db");
    let _ = std::fs::remove_file(&db);
    let scan = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_regimen"))
            .arg("scan")
            .args(args)
            .current_dir(root())
            .stdin(Stdio::null())
            .env("REGIMEN_DB", format!("sqlite://{}", db.display()))
            .output()
            .expect("regimen runs")
    };
    let photo = photo.to_str().expect("path");
    // Not in the catalog yet: the code, and no product.
    let out = scan(&["barcode", photo, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let read: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(read["code"], "9780764544200");
    assert_eq!(read["format"], "ean13");
    assert_eq!(read["product"], serde_json::Value::Null);
    // In the catalog: the product it names.
    let dump = temp("one.jsonl");
    std::fs::write(
        &dump,
        r#"{"code":"9780764544200","product_name":"Hydrating Face Mask","brands":"Example","ingredients_text":"Aqua, Glycerin, Kaolin"}"#,
    )
    .expect("write");
    assert_eq!(
        catalog(&db, &["import", dump.to_str().expect("path")])
            .status
            .code(),
        Some(0)
    );
    let out = scan(&["barcode", photo]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("9780764544200 (EAN-13)"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("In the catalog: Hydrating Face Mask · Example"),
        "{}",
        stdout(&out)
    );

    // No barcode in the picture, not a picture, no file: exit 2, said plainly.
    let plain = temp("plain.png");
    std::fs::write(
        &plain,
        regimen_photos::testing::encoded(
            &regimen_photos::testing::picture(400, 300),
            regimen_photos::testing::ImageFormat::Png,
        ),
    )
    .expect("write");
    let out = scan(&["barcode", plain.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no barcode found"),
        "{}",
        stderr(&out)
    );
    let text = temp("not-a-photo.png");
    std::fs::write(&text, "hello").expect("write");
    let out = scan(&["barcode", text.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a JPEG, PNG or WebP image"),
        "{}",
        stderr(&out)
    );
    assert_eq!(scan(&["barcode", "no-such.jpg"]).status.code(), Some(2));
    let _ = std::fs::remove_file(&db);
}

#[test]
fn a_label_photo_is_read_into_an_analysis() {
    let photo = temp("label.jpg");
    let made = super::render_label(
        &photo,
        "INGREDIENTS: Aqua, Glycerin, Retinol, Tocopherol, Parfum, Linalool",
        &["-rotate", "3", "-blur", "0x0.8", "-quality", "70"],
    );
    let tesseract = Command::new("tesseract").arg("--version").output();
    if !made || !tesseract.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_OCR").is_none(),
            "ImageMagick and Tesseract are needed here"
        );
        regimen_store::testing::note_skip(
            "scan label: needs ImageMagick and Tesseract (apt-get install imagemagick tesseract-ocr tesseract-ocr-eng fonts-dejavu-core); CI requires them",
        );
        return;
    }
    let out = super::regimen(&[
        "scan",
        "label",
        photo.to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let names: Vec<&str> = report["ingredients"]
        .as_array()
        .expect("ingredients")
        .iter()
        .filter_map(|i| i["inci"].as_str())
        .collect();
    for name in ["GLYCERIN", "RETINOL", "TOCOPHEROL"] {
        assert!(
            names.iter().any(|n| n.eq_ignore_ascii_case(name)),
            "{name} in {names:?}"
        );
    }
    assert!(report["ocr"]["raw"].as_str().is_some_and(|t| !t.is_empty()));
    // The table says what was read and what the list is.
    let out = super::regimen(&["scan", "label", photo.to_str().expect("path")]);
    assert!(
        stdout(&out).contains("Read from the label:"),
        "{}",
        stdout(&out)
    );
    let text = temp("not-a-label.jpg");
    std::fs::write(&text, "hello").expect("write");
    assert_eq!(
        super::regimen(&["scan", "label", text.to_str().expect("path")])
            .status
            .code(),
        Some(2)
    );
}
