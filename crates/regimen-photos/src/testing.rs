//! Pictures for tests: what a phone sends (a JPEG with its orientation, its maker and
//! GPS coordinates in EXIF), and what a decompression bomb looks like.

pub use image::ImageFormat;
use image::{DynamicImage, Rgb, RgbImage};
use std::io::Cursor;

/// A picture, red on the left and blue on the right.
pub fn picture(width: u32, height: u32) -> DynamicImage {
    // Red on the left, blue on the right: which way up it is shows in the pixels.
    DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    }))
}

/// A picture encoded in a format.
pub fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encode");
    out.into_inner()
}

/// An EXIF block (APP1) as a phone writes one: the orientation (6: turn 90 degrees
/// clockwise to view), the camera's make, and GPS coordinates.
pub fn exif_app1() -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: three entries (orientation, make, the GPS IFD's place).
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = tag.to_le_bytes().to_vec();
        e.extend_from_slice(&kind.to_le_bytes());
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&value.to_le_bytes());
        e
    };
    let ifd0_len = 2 + 3 * 12 + 4;
    let make_at = 8 + ifd0_len;
    let make = b"PhoneMaker\0";
    let gps_at = make_at + make.len() as u32 as usize;
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, 6));
    tiff.extend(entry(0x010f, 2, make.len() as u32, make_at as u32));
    tiff.extend(entry(0x8825, 4, 1, gps_at as u32));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(make);
    // The GPS IFD: latitude reference "N" and latitude 48/1, 51/1, 30/1.
    let gps_len = 2 + 2 * 12 + 4;
    let rationals_at = gps_at + gps_len;
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0")));
    tiff.extend(entry(0x0002, 5, 3, rationals_at as u32));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for n in [48u32, 51, 30] {
        tiff.extend_from_slice(&n.to_le_bytes());
        tiff.extend_from_slice(&1u32.to_le_bytes());
    }
    let mut app1 = vec![0xff, 0xe1];
    let body_len = 2 + 6 + tiff.len();
    app1.extend_from_slice(&(body_len as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend(tiff);
    app1
}

/// A JPEG of a picture with the EXIF block [`exif_app1`] after its start.
pub fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let plain = encoded(&picture(width, height), ImageFormat::Jpeg);
    let mut with = plain[..2].to_vec(); // SOI
    with.extend(exif_app1());
    with.extend_from_slice(&plain[2..]);
    with
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut checked = kind.to_vec();
    checked.extend_from_slice(data);
    out.extend_from_slice(&crc32(&checked).to_be_bytes());
    out
}

/// A PNG whose header claims `width` x `height` pixels, with almost no data: what a
/// decompression bomb looks like before it is decoded.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}
