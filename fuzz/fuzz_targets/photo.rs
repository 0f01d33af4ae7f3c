//! The photo decoder path: whatever bytes an upload brings, under any of the types a
//! photo may have, `process` keeps a photo or says why not, and never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let kind = ["image/jpeg", "image/png", "image/webp"][usize::from(data.first().copied().unwrap_or(0) % 3)];
    let _ = regimen_photos::process(data, kind);
});
