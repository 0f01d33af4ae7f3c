//! Products read from photos, offline: the barcode of a pack ([`barcode`]), to look it
//! up in the catalog. Every photo goes through `regimen_photos::decode_upright` (the
//! same limits as progress photos: the header first, a pixel limit, EXIF orientation);
//! nothing of it is kept.

pub mod barcode;

pub use barcode::{read_barcode, Barcode, Format, ScanError};
