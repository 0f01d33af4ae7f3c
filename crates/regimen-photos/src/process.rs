//! An upload made safe to keep: its header read first (a picture of more than
//! [`MAX_PIXELS`] is refused before a pixel is decoded, so a decompression bomb costs
//! nothing), then decoded within memory limits, turned upright by its EXIF orientation,
//! scaled down to at most [`MAX_SIDE`] pixels a side, and encoded again as a plain
//! JPEG: no EXIF, GPS, maker notes or colour profile survive, because nothing of the
//! original file is copied, only its pixels. A thumbnail is made the same way.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The most pixels an upload may have (a 48-megapixel phone photo is 8000 x 6000).
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side an upload may have.
pub const MAX_UPLOAD_SIDE: u32 = 16_384;
/// The longest side of the photo kept.
pub const MAX_SIDE: u32 = 2048;
/// The longest side of its thumbnail.
pub const THUMB_SIDE: u32 = 320;
/// The JPEG quality of what is kept.
pub const QUALITY: u8 = 85;

/// The types an upload may have.
pub const TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// Its content type is none of [`TYPES`].
    #[error("a photo is a JPEG, PNG or WebP image (image/jpeg, image/png or image/webp), not {0}")]
    Unsupported(String),
    /// Its bytes are no JPEG, PNG or WebP image, or a broken one.
    #[error("this is not a JPEG, PNG or WebP image that can be read: {0}")]
    NotAnImage(String),
    /// It has too many pixels.
    #[error("a photo of {width} x {height} pixels is too large: at most {} million pixels, {MAX_UPLOAD_SIDE} a side", MAX_PIXELS / 1_000_000)]
    TooLarge {
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
    },
    /// Encoding what is kept failed.
    #[error("encoding the photo: {0}")]
    Encode(String),
}

/// What is kept of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The photo, as a JPEG.
    pub photo: Vec<u8>,
    /// Its thumbnail, as a JPEG.
    pub thumbnail: Vec<u8>,
    /// The photo's width, upright.
    pub width: u32,
    /// Its height.
    pub height: u32,
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_UPLOAD_SIDE);
    limits.max_image_height = Some(MAX_UPLOAD_SIDE);
    // 50 million pixels of 8-bit RGBA, and some room for the decoder.
    limits.max_alloc = Some(256 * 1024 * 1024);
    limits
}

fn encode(image: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, QUALITY))
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

/// Whether an upload's declared `Content-Type` is one of [`TYPES`] (its parameters
/// aside, in any case); what it is, or why not.
pub fn declared_type(content_type: &str) -> Result<String, PhotoError> {
    let declared = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if TYPES.contains(&declared.as_str()) {
        return Ok(declared);
    }
    Err(PhotoError::Unsupported(if declared.is_empty() {
        "an upload without a type".to_string()
    } else {
        declared
    }))
}

/// Makes an upload of `content_type` safe to keep.
pub fn process(bytes: &[u8], content_type: &str) -> Result<Processed, PhotoError> {
    declared_type(content_type)?;
    let mut image = decode_upright(bytes)?;
    if image.width().max(image.height()) > MAX_SIDE {
        image = image.thumbnail(MAX_SIDE, MAX_SIDE);
    }
    // Scaled down only: a small photo is its own thumbnail.
    let thumbnail = if image.width().max(image.height()) > THUMB_SIDE {
        image.thumbnail(THUMB_SIDE, THUMB_SIDE)
    } else {
        image.clone()
    };
    Ok(Processed {
        photo: encode(&image)?,
        thumbnail: encode(&thumbnail)?,
        width: image.width(),
        height: image.height(),
    })
}

/// Decodes a JPEG, PNG or WebP image (found by its bytes) within the limits, turned
/// upright by its EXIF orientation: the header is read first, and an image of more
/// than [`MAX_PIXELS`] is refused before any pixel is decoded. What every use of an
/// upload (a photo kept, a barcode or a label read) decodes it with.
pub fn decode_upright(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    let not_an_image = |e: image::ImageError| PhotoError::NotAnImage(e.to_string());
    let reader = |limited: bool| -> Result<ImageReader<Cursor<&[u8]>>, PhotoError> {
        let mut reader = ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| PhotoError::NotAnImage(e.to_string()))?;
        match reader.format() {
            Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
            _ => {
                return Err(PhotoError::NotAnImage(
                    "its bytes are none of these formats".into(),
                ))
            }
        }
        if limited {
            reader.limits(limits());
        }
        Ok(reader)
    };
    // The header first (it allocates no pixels): its size decides before any pixel
    // is decoded.
    let (width, height) = reader(false)?.into_dimensions().map_err(not_an_image)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_UPLOAD_SIDE {
        return Err(PhotoError::TooLarge { width, height });
    }
    let mut decoder = reader(true)?.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooLarge { width, height },
        other => not_an_image(other),
    })?;
    let orientation = decoder.orientation().map_err(not_an_image)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooLarge { width, height },
        other => not_an_image(other),
    })?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Checks the start of an upload, before the rest has arrived (`whole`: all of it has):
/// `Ok(Some((width, height)))` when its header says it is a JPEG, PNG or WebP image
/// small enough, `Ok(None)` when the header is not all there yet, and the refusal when
/// it is no such image or has too many pixels (so the rest of a bomb is never read).
pub fn check_header(start: &[u8], whole: bool) -> Result<Option<(u32, u32)>, PhotoError> {
    let reader = ImageReader::new(Cursor::new(start))
        .with_guessed_format()
        .map_err(|e| PhotoError::NotAnImage(e.to_string()))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        // Too short to tell yet.
        _ if start.len() < 16 && !whole => return Ok(None),
        _ => {
            return Err(PhotoError::NotAnImage(
                "its bytes are none of these formats".into(),
            ))
        }
    }
    match reader.into_dimensions() {
        Ok((width, height)) => {
            if u64::from(width) * u64::from(height) > MAX_PIXELS
                || width.max(height) > MAX_UPLOAD_SIDE
            {
                return Err(PhotoError::TooLarge { width, height });
            }
            Ok(Some((width, height)))
        }
        // The header goes on past what has come (an EXIF block first, say): the
        // decoder judges the whole.
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod header_tests {
    use super::*;
    use crate::testing::{encoded, jpeg_with_exif, picture, png_claiming};

    #[test]
    fn a_header_is_judged_from_the_start_of_an_upload() {
        let png = encoded(&picture(40, 30), ImageFormat::Png);
        assert_eq!(check_header(&png[..64], false), Ok(Some((40, 30))));
        assert_eq!(
            check_header(&png[..8], false),
            Ok(None),
            "too short to tell"
        );
        let jpeg = jpeg_with_exif(64, 48);
        assert_eq!(check_header(&jpeg, true), Ok(Some((64, 48))));
        // A bomb's header alone refuses it.
        let bomb = png_claiming(20_000, 20_000);
        assert!(matches!(
            check_header(&bomb[..64], false),
            Err(PhotoError::TooLarge { .. })
        ));
        assert!(matches!(
            check_header(b"%PDF-1.7 this is not a picture at all", false),
            Err(PhotoError::NotAnImage(_))
        ));
        assert!(matches!(
            check_header(b"not an image", true),
            Err(PhotoError::NotAnImage(_))
        ));
    }
}
