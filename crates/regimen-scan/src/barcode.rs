//! Barcodes from phone photos: EAN-13, EAN-8, UPC-A and UPC-E, read by rxing (ZXing's
//! readers, which also try the picture turned a quarter) from the photo in grey, at
//! several scales (small photos larger first), with two binarizers. A wrong code is
//! worse than none, so a code is answered only when its check digit is right (a
//! UPC-E's on its UPC-A expansion) and two scales read it (an 8-digit one three, and no
//! long code found where it is): on the shared phone photos, bars a pixel wide misread
//! at their own size passed the check digit.

use image::imageops::FilterType;
use image::{DynamicImage, GrayImage};
use regimen_core::catalog::check_digit_ok;
use regimen_photos::PhotoError;
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource, MultiFormatReader, Reader,
};
use std::collections::HashSet;

/// The kinds of barcode on products.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// 13 digits (most of the world).
    Ean13,
    /// 8 digits (small packs).
    Ean8,
    /// 12 digits (North America).
    UpcA,
    /// 8 digits, a UPC-A with its zeros left out (small packs in North America).
    UpcE,
}

impl Format {
    /// Its name as printed on specifications: `EAN-13`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Ean13 => "EAN-13",
            Format::Ean8 => "EAN-8",
            Format::UpcA => "UPC-A",
            Format::UpcE => "UPC-E",
        }
    }
}

/// A barcode read from a photo.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Barcode {
    /// The digits as printed under the bars.
    pub code: String,
    /// Its kind.
    pub format: Format,
    /// The code as a 13-digit GTIN (EAN-13; a UPC-A with a leading 0; a UPC-E expanded
    /// first), the form catalogs file most products under.
    pub gtin: String,
}

/// Why a photo could not be looked at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// It is not an image that can be read, or it is too large.
    #[error(transparent)]
    Image(#[from] PhotoError),
}

/// A UPC-E code (8 digits: number system 0 or 1, six digits, check) as the UPC-A it
/// stands for, by the zeros the last of the six says were left out.
pub fn upc_e_to_upc_a(code: &str) -> Option<String> {
    let d: Vec<char> = code.chars().collect();
    if d.len() != 8 || !d.iter().all(char::is_ascii_digit) || !matches!(d[0], '0' | '1') {
        return None;
    }
    let (ns, x, check) = (d[0], &d[1..7], d[7]);
    let body: String = match x[5] {
        '0'..='2' => [x[0], x[1], x[5], '0', '0', '0', '0', x[2], x[3], x[4]]
            .iter()
            .collect(),
        '3' => [x[0], x[1], x[2], '0', '0', '0', '0', '0', x[3], x[4]]
            .iter()
            .collect(),
        '4' => [x[0], x[1], x[2], x[3], '0', '0', '0', '0', '0', x[4]]
            .iter()
            .collect(),
        _ => [x[0], x[1], x[2], x[3], x[4], '0', '0', '0', '0', x[5]]
            .iter()
            .collect(),
    };
    Some(format!("{ns}{body}{check}"))
}

/// The barcode a reader's text and format make, if it is one of ours and its check
/// digit is right.
fn checked(text: &str, format: BarcodeFormat) -> Option<Barcode> {
    let (format, gtin) = match format {
        BarcodeFormat::EAN_13 if text.len() == 13 => (Format::Ean13, text.to_string()),
        BarcodeFormat::EAN_8 if text.len() == 8 => (Format::Ean8, text.to_string()),
        BarcodeFormat::UPC_A if text.len() == 12 => (Format::UpcA, format!("0{text}")),
        BarcodeFormat::UPC_E if text.len() == 8 => {
            let upc_a = upc_e_to_upc_a(text)?;
            if !check_digit_ok(&upc_a) {
                return None;
            }
            return Some(Barcode {
                code: text.to_string(),
                format: Format::UpcE,
                gtin: format!("0{upc_a}"),
            });
        }
        _ => return None,
    };
    check_digit_ok(text).then(|| Barcode {
        code: text.to_string(),
        format,
        gtin,
    })
}

/// The formats of products' barcodes, and the long ones only.
const ALL: [BarcodeFormat; 4] = [
    BarcodeFormat::EAN_13,
    BarcodeFormat::UPC_A,
    BarcodeFormat::EAN_8,
    BarcodeFormat::UPC_E,
];
const LONG: [BarcodeFormat; 2] = [BarcodeFormat::EAN_13, BarcodeFormat::UPC_A];

fn hints(formats: &[BarcodeFormat]) -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some(formats.iter().copied().collect::<HashSet<_>>()),
        ..DecodeHints::default()
    }
}

/// One try: the grey pixels through one binarizer.
fn attempt(grey: &GrayImage, histogram: bool, formats: &[BarcodeFormat]) -> Option<Barcode> {
    let source = Luma8LuminanceSource::new(grey.as_raw().clone(), grey.width(), grey.height());
    let mut reader = MultiFormatReader::default();
    let hints = hints(formats);
    let result = if histogram {
        reader.decode_with_hints(
            &mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)),
            &hints,
        )
    } else {
        reader.decode_with_hints(&mut BinaryBitmap::new(HybridBinarizer::new(source)), &hints)
    };
    let result = result.ok()?;
    checked(result.getText(), *result.getBarcodeFormat())
}

/// The longest side a photo is read at first: bars of a phone photo stay readable, and
/// a 12-megapixel photo costs a fraction of its full size.
const WORKING_SIDE: u32 = 1600;

/// The photo at a longest side of `side`: made smaller by averaging boxes of pixels (one
/// pass in integers, a fraction of a filter's cost), larger by a bilinear filter.
fn scaled(grey: &GrayImage, side: u32) -> GrayImage {
    let (w, h) = grey.dimensions();
    let longest = w.max(h).max(1);
    let (nw, nh) = (
        (u64::from(w) * u64::from(side) / u64::from(longest)).max(1) as u32,
        (u64::from(h) * u64::from(side) / u64::from(longest)).max(1) as u32,
    );
    if side < longest {
        image::imageops::thumbnail(grey, nw, nh)
    } else {
        enlarged(grey, nw, nh)
    }
}

/// A grey photo made larger by fast_image_resize's bilinear filter (SIMD), or by
/// image's triangle filter, the same filter, if the first cannot take the buffer.
fn enlarged(grey: &GrayImage, width: u32, height: u32) -> GrayImage {
    use fast_image_resize::{images::Image, images::ImageRef, FilterType as Filter};
    use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer};
    let from = ImageRef::new(grey.width(), grey.height(), grey.as_raw(), PixelType::U8);
    let mut to = Image::new(width, height, PixelType::U8);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(Filter::Bilinear));
    let resized = from.map_err(|_| ()).and_then(|from| {
        Resizer::new()
            .resize(&from, &mut to, &options)
            .map_err(|_| ())
    });
    match resized
        .ok()
        .and_then(|()| GrayImage::from_raw(width, height, to.into_vec()))
    {
        Some(done) => done,
        None => image::imageops::resize(grey, width, height, FilterType::Triangle),
    }
}

/// How many scales must read the same code before it is answered: a misread of bars
/// too few pixels wide can pass the check digit, but rarely at two scales.
const AGREEING: usize = 2;

/// A photo whose longest side is below this is read larger first: at a phone
/// thumbnail's size the bars are a pixel or two wide, and misreads come from there.
const SMALL: u32 = 800;

/// The scales a photo is read at, by its size.
fn factors(side: u32) -> &'static [f32] {
    if side < SMALL {
        &[2.0, 3.0, 1.5, 2.5, 1.0, 1.25]
    } else {
        &[1.0, 0.6, 1.5, 2.0, 0.8, 1.25]
    }
}

/// One scale's read: the hybrid binarizer (local contrast: glare, shadows), else the
/// global one (blur). rxing's readers already try the picture turned a quarter.
fn read_at(grey: &GrayImage, formats: &[BarcodeFormat]) -> Option<Barcode> {
    attempt(grey, false, formats).or_else(|| attempt(grey, true, formats))
}

/// Reads the barcode in a decoded photo at several scales; a code is answered when
/// [`AGREEING`] scales read it and no other code is read as often.
pub fn read_image(image: &DynamicImage) -> Option<Barcode> {
    let grey = image.to_luma8();
    let longest = grey.width().max(grey.height());
    let base = if longest > WORKING_SIDE {
        scaled(&grey, WORKING_SIDE)
    } else {
        grey
    };
    let mut scales = Scales::new(base);
    let found = vote(&mut scales, &ALL).agreed?;
    if !short(&found) {
        return Some(found);
    }
    // An 8-digit code is what a 12- or 13-digit one misread by halves looks like: it
    // stands only if no scale finds a long code when only long ones are looked for.
    let long = vote(&mut scales, &LONG);
    match long.agreed {
        Some(long) => Some(long),
        None if !long.any => Some(found),
        None => None,
    }
}

/// The photo at each scale it is read at, each made once and kept for a second vote.
struct Scales {
    base: GrayImage,
    sides: Vec<u32>,
    made: Vec<Option<GrayImage>>,
}

impl Scales {
    fn new(base: GrayImage) -> Scales {
        let side = base.width().max(base.height());
        let sides: Vec<u32> = factors(side)
            .iter()
            .map(|f| (side as f32 * f) as u32)
            .filter(|at| (100..=2 * WORKING_SIDE).contains(at))
            .collect();
        let made = vec![None; sides.len()];
        Scales { base, sides, made }
    }

    /// The photo at its `i`th scale.
    fn at(&mut self, i: usize) -> &GrayImage {
        let side = self.sides[i];
        if side == self.base.width().max(self.base.height()) {
            return &self.base;
        }
        let base = &self.base;
        self.made[i].get_or_insert_with(|| scaled(base, side))
    }
}

/// What the scales read: the code they agree on, if any, and whether any scale read a
/// code at all.
struct Tally {
    agreed: Option<Barcode>,
    any: bool,
}

/// The code the scales agree on: read by [`AGREEING`] of them (an 8-digit one by
/// [`AGREEING_SHORT`], and nothing else read) and by more than any other code.
fn vote(scales: &mut Scales, formats: &[BarcodeFormat]) -> Tally {
    let mut votes: Vec<(Barcode, usize)> = Vec::new();
    for i in 0..scales.sides.len() {
        if let Some(found) = read_at(scales.at(i), formats) {
            match votes.iter_mut().find(|(b, _)| b.gtin == found.gtin) {
                Some((_, n)) => *n += 1,
                None => votes.push((found, 1)),
            }
            // Agreed, and nothing else read: no need to look further.
            let needed = if short(&votes[0].0) {
                AGREEING_SHORT
            } else {
                AGREEING
            };
            if votes.len() == 1 && votes[0].1 >= needed {
                return Tally {
                    agreed: Some(votes[0].0.clone()),
                    any: true,
                };
            }
        }
    }
    votes.sort_by_key(|v| std::cmp::Reverse(v.1));
    let agreed = match votes.as_slice() {
        [(best, n), rest @ ..] if short(best) => {
            (rest.is_empty() && *n >= AGREEING_SHORT).then(|| best.clone())
        }
        [(best, n), rest @ ..] if *n >= AGREEING && rest.first().is_none_or(|(_, m)| m < n) => {
            Some(best.clone())
        }
        _ => None,
    };
    Tally {
        agreed,
        any: !votes.is_empty(),
    }
}

/// How many scales must read an 8-digit code (EAN-8, UPC-E), and nothing else.
const AGREEING_SHORT: usize = 3;

fn short(code: &Barcode) -> bool {
    matches!(code.format, Format::Ean8 | Format::UpcE)
}

/// Reads the barcode in a photo's bytes (JPEG, PNG or WebP). `Ok(None)`: no barcode
/// with a right check digit was found.
pub fn read_barcode(bytes: &[u8]) -> Result<Option<Barcode>, ScanError> {
    let image = regimen_photos::decode_upright(bytes)?;
    Ok(read_image(&image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upc_e_expands_to_its_upc_a() {
        // The textbook examples: 0 425261 4 is 0 42100 00526 4, and so on.
        assert_eq!(upc_e_to_upc_a("04252614").as_deref(), Some("042100005264"));
        assert_eq!(upc_e_to_upc_a("01234505").as_deref(), Some("012000003455"));
        assert_eq!(upc_e_to_upc_a("01234565").as_deref(), Some("012345000065"));
        assert_eq!(upc_e_to_upc_a("0123456x"), None);
        assert_eq!(upc_e_to_upc_a("21234505"), None);
    }

    #[test]
    fn only_codes_with_a_right_check_digit_are_answered() {
        assert_eq!(
            checked("036000291452", BarcodeFormat::UPC_A).map(|b| b.gtin),
            Some("0036000291452".into())
        );
        assert_eq!(checked("036000291453", BarcodeFormat::UPC_A), None);
        assert_eq!(
            checked("9780764544200", BarcodeFormat::EAN_13).map(|b| b.format),
            Some(Format::Ean13)
        );
        assert_eq!(checked("9780764544201", BarcodeFormat::EAN_13), None);
        assert_eq!(
            checked("04252614", BarcodeFormat::UPC_E).map(|b| b.gtin),
            Some("0042100005264".into())
        );
        assert_eq!(checked("04252615", BarcodeFormat::UPC_E), None);
        assert_eq!(checked("HELLO", BarcodeFormat::QR_CODE), None);
    }
}
