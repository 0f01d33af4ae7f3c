//! Reading a barcode from a phone photo: the upload checked and decoded, the photo read
//! at its scales, the code's check digit verified (`read_barcode`), on real photos of
//! ZXing's test set in data/barcodes.
//! Whole processes against zbarimg: scripts/bench-barcode.sh.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn photo(name: &str) -> Vec<u8> {
    let path = format!("{}/../../data/barcodes/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn barcodes(c: &mut Criterion) {
    let mut group = c.benchmark_group("barcode_photo");
    group.sample_size(20);
    for name in ["ean13-3/01.png", "ean13-3/12.png", "upca-2/01.png"] {
        let bytes = photo(name);
        group.bench_function(name, |b| {
            b.iter(|| black_box(regimen_scan::barcode::read_barcode(black_box(&bytes))))
        });
    }
    group.finish();
}

criterion_group!(benches, barcodes);
criterion_main!(benches);
