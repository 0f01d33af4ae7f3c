//! Products read from photos, offline: the barcode of a pack ([`barcode`]), to look it
//! up in the catalog, and (with the `ocr` feature and Tesseract installed) the
//! ingredient list on its label ([`label`]). Every photo goes through `regimen_photos::decode_upright` (the
//! same limits as progress photos: the header first, a pixel limit, EXIF orientation);
//! nothing of it is kept.

pub mod barcode;
#[cfg(feature = "ocr")]
pub mod label;

pub use barcode::{read_barcode, Barcode, Format, ScanError};
#[cfg(feature = "ocr")]
pub use label::{read_label, LabelError, LabelText};

/// How to get label reading in a build without it.
pub const OCR_HINT: &str = "this regimen was built without label reading: install Tesseract (apt-get install tesseract-ocr tesseract-ocr-eng) and build with the ocr feature (cargo install --path crates/regimen-cli --features ocr)";
