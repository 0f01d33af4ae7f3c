//! regimen's progress photos: what an upload becomes ([`process`]: decoded and encoded
//! again, so no EXIF, GPS or device data is ever kept, upright, with a thumbnail) and
//! where it is kept ([`store`]: a folder, memory or an S3-compatible bucket).
#![deny(missing_docs)]

pub mod process;
pub mod store;
pub mod testing;

pub use process::{check_header, declared_type, decode_upright, process, PhotoError, Processed};
pub use store::{key, PhotoStore, Size, StoreError};
