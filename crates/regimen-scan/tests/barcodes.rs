//! The barcode reader on real phone photos (ZXing's test images, in data/barcodes:
//! blur, glare, rotation, curved packs): the share it reads per set, and never a wrong
//! code. The photos are in the repository, under the Apache License 2.0.

use std::path::{Path, PathBuf};

/// The least share of each set read: measured 55 of 55, 39 of 52 and 11 of 21
/// (2026-12-06; 40 of 52 with image's slower filter), less a margin; raise them when
/// the reader gets better.
const AT_LEAST: [(&str, f64); 3] = [("ean13-3", 0.95), ("upca-2", 0.70), ("upca-3", 0.45)];

/// ZXing's phone photos, in the repository (data/barcodes, with its NOTICE).
fn shared() -> Option<PathBuf> {
    Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/barcodes"))
}

/// The same product: an EAN-13 with a leading 0 is its UPC-A.
fn same(read: &regimen_scan::Barcode, expected: &str) -> bool {
    read.code == expected || read.gtin == expected || read.gtin == format!("0{expected}")
}

#[test]
fn phone_photos_of_barcodes_are_read_and_never_wrong() {
    let Some(root) = shared() else {
        return;
    };
    let mut report = Vec::new();
    let mut wrong = Vec::new();
    for (set, at_least) in AT_LEAST {
        let dir = root.join(set);
        let mut photos: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the set")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x != "txt"))
            .collect();
        photos.sort();
        let mut read = 0usize;
        for photo in &photos {
            let expected =
                std::fs::read_to_string(photo.with_extension("txt")).expect("expected code");
            let expected = expected.trim();
            let bytes = std::fs::read(photo).expect("photo");
            match regimen_scan::read_barcode(&bytes).expect("an image") {
                Some(found) if same(&found, expected) => read += 1,
                Some(found) => wrong.push(format!(
                    "{}: read {} for {expected}",
                    photo.display(),
                    found.code
                )),
                None => {}
            }
        }
        let share = read as f64 / photos.len().max(1) as f64;
        report.push(format!(
            "{set}: {read} of {} ({:.0}%)",
            photos.len(),
            100.0 * share
        ));
        assert!(
            share >= at_least,
            "{set}: {share:.2} < {at_least}: {report:?}"
        );
    }
    println!("barcodes read: {}", report.join("; "));
    assert!(wrong.is_empty(), "wrong codes: {wrong:#?}");
}

#[test]
fn what_is_not_a_photo_of_a_barcode_is_said() {
    assert!(regimen_scan::read_barcode(b"not an image").is_err());
    // A plain picture has no barcode.
    let plain = regimen_photos::testing::encoded(
        &regimen_photos::testing::picture(400, 300),
        regimen_photos::testing::ImageFormat::Png,
    );
    assert_eq!(regimen_scan::read_barcode(&plain).expect("an image"), None);
}
