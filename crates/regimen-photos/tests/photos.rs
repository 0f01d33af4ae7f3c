//! What an upload becomes, and where it is kept.

use image::ImageFormat;
use proptest::prelude::*;
use regimen_photos::testing::{encoded, jpeg_with_exif, picture, png_claiming};
use regimen_photos::{key, process, PhotoError, PhotoStore, Size};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_phone_photo_comes_back_upright_without_its_exif_or_gps() {
    let upload = jpeg_with_exif(64, 32);
    assert!(contains(&upload, b"Exif") && contains(&upload, b"PhoneMaker"));
    let kept = process(&upload, "image/jpeg").expect("a photo");
    for bytes in [&kept.photo, &kept.thumbnail] {
        assert!(!contains(bytes, b"Exif"), "no EXIF block");
        assert!(!contains(bytes, b"PhoneMaker"), "no device data");
        assert!(
            !bytes.windows(2).any(|w| w == [0xff, 0xe1]),
            "no APP1 segment at all"
        );
        assert_eq!(
            image::guess_format(bytes).expect("format"),
            ImageFormat::Jpeg
        );
    }
    // Orientation 6: the 64 x 32 picture stands 32 x 64, red on top.
    assert_eq!((kept.width, kept.height), (32, 64));
    let thumb = image::load_from_memory(&kept.thumbnail).expect("thumbnail");
    assert_eq!(
        (thumb.width(), thumb.height()),
        (32, 64),
        "a small photo is not scaled up"
    );
    let upright = image::load_from_memory(&kept.photo)
        .expect("decodes")
        .to_rgb8();
    assert_eq!(upright.dimensions(), (32, 64));
    let top = upright.get_pixel(16, 8);
    assert!(top[0] > 150 && top[2] < 100, "red on top: {top:?}");
}

#[test]
fn png_and_webp_are_taken_and_kept_as_jpeg_with_a_thumbnail() {
    for (format, kind) in [
        (ImageFormat::Png, "image/png"),
        (ImageFormat::WebP, "image/webp"),
    ] {
        let kept = process(&encoded(&picture(3000, 1000), format), kind).expect(kind);
        assert_eq!(
            (kept.width, kept.height),
            (2048, 683),
            "{kind}: scaled to 2048 a side"
        );
        let thumb = image::load_from_memory(&kept.thumbnail).expect("thumbnail");
        assert_eq!(thumb.width().max(thumb.height()), 320);
    }
    // A real phone photo (a barcode on a pack; data/barcodes, ZXing's).
    let real =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/barcodes/ean13-3/01.png");
    let bytes = std::fs::read(&real).expect("data/barcodes is in the repository");
    let kept = process(&bytes, "image/png").expect("a real photo");
    assert!(kept.width > 0 && !kept.photo.is_empty());
}

#[test]
fn what_is_no_image_is_refused_by_why() {
    let png = encoded(&picture(8, 8), ImageFormat::Png);
    assert!(matches!(
        process(&png, "image/gif"),
        Err(PhotoError::Unsupported(_))
    ));
    assert!(matches!(process(&png, ""), Err(PhotoError::Unsupported(_))));
    assert!(matches!(
        process(b"hello, not an image", "image/png"),
        Err(PhotoError::NotAnImage(_))
    ));
    assert!(matches!(
        process(b"GIF89a....", "image/jpeg"),
        Err(PhotoError::NotAnImage(_))
    ));
    // A truncated photo.
    let jpeg = encoded(&picture(64, 64), ImageFormat::Jpeg);
    assert!(matches!(
        process(&jpeg[..jpeg.len() / 3], "image/jpeg"),
        Err(PhotoError::NotAnImage(_))
    ));
    // The declared type may be off by a format regimen takes: the bytes decide.
    assert!(process(&png, "image/jpeg; charset=binary").is_ok());
}

#[test]
fn a_picture_too_large_is_refused_before_it_is_decoded() {
    for (w, h) in [(100_000, 100_000), (8000, 8000), (20_000, 10)] {
        let started = std::time::Instant::now();
        let refused = process(&png_claiming(w, h), "image/png");
        assert_eq!(
            refused,
            Err(PhotoError::TooLarge {
                width: w,
                height: h
            })
        );
        // Not a timing assertion: a note if this machine is slow to refuse.
        if started.elapsed().as_secs() > 1 {
            eprintln!("refusing {w} x {h} took {:?}", started.elapsed());
        }
    }
    // Within the limits, its missing data is simply a broken image.
    assert!(matches!(
        process(&png_claiming(4000, 3000), "image/png"),
        Err(PhotoError::NotAnImage(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the bytes, the decoder path answers (a photo or a reason), never panics.
    #[test]
    fn any_bytes_are_answered(bytes in proptest::collection::vec(any::<u8>(), 0..4096), kind in 0usize..3) {
        let _ = process(&bytes, ["image/jpeg", "image/png", "image/webp"][kind]);
    }

    /// A real photo with bytes changed here and there is kept or refused, never a panic.
    #[test]
    fn damaged_photos_are_answered(changes in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12), kind in 0usize..3) {
        let format = [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP][kind];
        let mut bytes = encoded(&picture(24, 16), format);
        for (at, value) in changes {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        let _ = process(&bytes, ["image/jpeg", "image/png", "image/webp"][kind]);
    }
}

#[tokio::test]
async fn photos_are_kept_in_memory_or_in_a_folder_and_removed() {
    let folder = std::env::temp_dir().join(format!("regimen-photos-{}", std::process::id()));
    let stores = [
        PhotoStore::memory(),
        PhotoStore::open("memory:").expect("memory"),
        PhotoStore::open(folder.to_str().expect("path")).expect("folder"),
    ];
    for store in stores {
        let full = key(7, 42, Size::Full);
        assert_eq!(full, "7/42.jpg");
        assert_eq!(key(7, 42, Size::Thumbnail), "7/42.thumb.jpg");
        assert_eq!(store.get(&full).await.expect("get"), None);
        store.put(&full, b"jpeg bytes".to_vec()).await.expect("put");
        assert_eq!(
            store.get(&full).await.expect("get").as_deref(),
            Some(&b"jpeg bytes"[..])
        );
        store.delete(&full).await.expect("delete");
        assert_eq!(store.get(&full).await.expect("get"), None);
        store
            .delete(&full)
            .await
            .expect("deleting what is gone is fine");
    }
    assert!(
        folder.join("7").is_dir(),
        "the folder store writes under its folder"
    );
    let _ = std::fs::remove_dir_all(folder);
    #[cfg(not(feature = "s3"))]
    assert!(PhotoStore::open("s3://bucket/prefix").is_err());
}
