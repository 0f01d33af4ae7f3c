//! Ingredient lists from photos of labels: the photo prepared for OCR (grey, small text
//! made larger, turned straight, black on white), read by Tesseract (Debian's
//! `tesseract-ocr` and `tesseract-ocr-eng`, run as a command, offline), and the text
//! corrected against the analyzer's INCI dictionary: a name the dictionary does not
//! know but has one within a slip or two of ("Giycerin", "Sodlum Chloride") becomes
//! that name; what stays unknown is said, for the person to edit.

use image::{DynamicImage, GrayImage, Luma};
use regimen_core::analyzer::{Analyzer, Options};
use std::io::Write;
use std::process::{Command, Stdio};

/// Why a label could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// The photo is not an image that can be read, or too large.
    #[error(transparent)]
    Image(#[from] regimen_photos::PhotoError),
    /// Tesseract is not installed, or failed.
    #[error("{0}")]
    Ocr(String),
}

/// What was read from a label.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LabelText {
    /// The text as Tesseract read it.
    pub raw: String,
    /// The text with the names corrected.
    pub text: String,
    /// Each correction: as read, and the INCI name it became.
    pub corrected: Vec<(String, String)>,
    /// Names the dictionary has a near name for, but not surely the one on the pack (a
    /// number changed or added, a cut word, more than one slip): left as read, with the
    /// near name, for the person to check.
    pub to_check: Vec<(String, String)>,
    /// Names still unknown after correction, to be checked by the person.
    pub unknown: Vec<String>,
    /// Which reading was kept: `prepared` (enlarged, flattened, levelled) or `as_is`
    /// (the photo in grey, untouched), whichever the dictionary recognised more names in.
    pub reading: &'static str,
}

/// The longest side a photo is read at as it is (a 12 MP phone photo reads well
/// untouched, but Tesseract's time grows with its pixels).
const PLAIN_SIDE: u32 = 4000;

/// Tesseract reads letters best some 20-30 pixels high; a phone photo of a small label
/// has them at 10-15, so a photo smaller than this is enlarged to it.
const TARGET_SIDE: u32 = 1600;

/// How long Tesseract may take on one photo.
const OCR_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// The most a label is enlarged.
const MAX_ENLARGE: f32 = 3.0;

/// Otsu's threshold of a grey image: the level that best separates ink from paper.
fn otsu(grey: &GrayImage) -> u8 {
    let mut histogram = [0u64; 256];
    for p in grey.pixels() {
        histogram[p.0[0] as usize] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .map(|(i, n)| i as f64 * *n as f64)
        .sum();
    let (mut background, mut sum_background, mut best, mut threshold) = (0u64, 0f64, 0f64, 127u8);
    for (level, n) in histogram.iter().enumerate() {
        background += n;
        if background == 0 {
            continue;
        }
        let foreground = total - background;
        if foreground == 0 {
            break;
        }
        sum_background += level as f64 * *n as f64;
        let mean_b = sum_background / background as f64;
        let mean_f = (sum - sum_background) / foreground as f64;
        let between = background as f64 * foreground as f64 * (mean_b - mean_f).powi(2);
        if between > best {
            best = between;
            threshold = level as u8;
        }
    }
    threshold
}

/// The paper's brightness around each pixel (a wide box blur of the grey image, made
/// from an integral image), so ink is found against its own background: tinted paper,
/// a shadow across the label.
fn flatten(grey: &GrayImage) -> GrayImage {
    let (w, h) = grey.dimensions();
    let radius = (w.max(h) / 40).max(8) as i64;
    let stride = w as usize + 1;
    let mut integral = vec![0u64; stride * (h as usize + 1)];
    for y in 0..h as usize {
        let mut row = 0u64;
        for x in 0..w as usize {
            row += u64::from(grey.get_pixel(x as u32, y as u32).0[0]);
            integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1] + row;
        }
    }
    let mut out = GrayImage::new(w, h);
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            let (x0, y0) = ((x - radius).max(0) as usize, (y - radius).max(0) as usize);
            let (x1, y1) = (
                ((x + radius + 1).min(w as i64)) as usize,
                ((y + radius + 1).min(h as i64)) as usize,
            );
            let area = ((x1 - x0) * (y1 - y0)).max(1) as u64;
            let sum = integral[y1 * stride + x1] + integral[y0 * stride + x0]
                - integral[y0 * stride + x1]
                - integral[y1 * stride + x0];
            let background = (sum / area).max(1);
            let value = u64::from(grey.get_pixel(x as u32, y as u32).0[0]);
            // The pixel as a share of its background: paper is white whatever its tint.
            let level = (value * 255 / background).min(255) as u8;
            out.put_pixel(x as u32, y as u32, Luma([level]));
        }
    }
    out
}

/// The angle (degrees) that makes the text lines level: the one whose dark pixels,
/// projected on the vertical, fall into the sharpest rows.
fn skew(binary: &GrayImage) -> f32 {
    let small = shrink(binary, 800);
    let dark: Vec<(f32, f32)> = small
        .enumerate_pixels()
        .filter(|(_, _, p)| p.0[0] < 128)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    if dark.len() < 50 {
        return 0.0;
    }
    let rows = (small.height() + small.width()) as usize * 2;
    let score = |degrees: f32| -> f64 {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let mut histogram = vec![0u32; rows];
        for (x, y) in &dark {
            let at = y * cos - x * sin + small.width() as f32;
            if let Some(bin) = histogram.get_mut(at.max(0.0) as usize) {
                *bin += 1;
            }
        }
        histogram.iter().map(|n| f64::from(*n).powi(2)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut degrees = -10.0f32;
    while degrees <= 10.0 {
        let s = score(degrees);
        if s > best.1 {
            best = (degrees, s);
        }
        degrees += 0.5;
    }
    best.0
}

fn shrink(grey: &GrayImage, side: u32) -> GrayImage {
    let longest = grey.width().max(grey.height());
    if longest <= side {
        return grey.clone();
    }
    let f = side as f32 / longest as f32;
    image::imageops::resize(
        grey,
        ((grey.width() as f32 * f) as u32).max(1),
        ((grey.height() as f32 * f) as u32).max(1),
        image::imageops::FilterType::Triangle,
    )
}

/// The image turned by `degrees` about its centre (white where nothing was).
fn rotate(grey: &GrayImage, degrees: f32) -> GrayImage {
    // Tesseract follows lines a degree off by itself; turning costs sharpness.
    if degrees.abs() < 1.0 {
        return grey.clone();
    }
    let (w, h) = grey.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = GrayImage::from_pixel(w, h, Luma([255]));
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        // Where this pixel comes from: the inverse turn.
        let sx = dx * cos - dy * sin + cx;
        let sy = dx * sin + dy * cos + cy;
        if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h {
            *pixel = *grey.get_pixel(sx as u32, sy as u32);
        }
    }
    out
}

/// A label photo as Tesseract reads it best: grey, enlarged when small, its paper made
/// white (tint and shadows), turned level, black on white.
pub fn prepare(image: &DynamicImage) -> GrayImage {
    let grey = image.to_luma8();
    let longest = grey.width().max(grey.height()).max(1);
    let grey = if longest < TARGET_SIDE {
        let f = (TARGET_SIDE as f32 / longest as f32).min(MAX_ENLARGE);
        image::imageops::resize(
            &grey,
            (grey.width() as f32 * f) as u32,
            (grey.height() as f32 * f) as u32,
            image::imageops::FilterType::CatmullRom,
        )
    } else {
        shrink(&grey, TARGET_SIDE * 2)
    };
    let flat = flatten(&grey);
    let threshold = otsu(&flat);
    let mut binary = flat.clone();
    for p in binary.pixels_mut() {
        p.0[0] = if p.0[0] > threshold { 255 } else { 0 };
    }
    // The lines are found on black and white; Tesseract reads the flattened grey
    // (its own binarization keeps the letters' edges that a hard threshold cuts).
    let angle = skew(&binary);
    rotate(&flat, angle)
}

/// Runs Tesseract on a prepared image (PNG on its standard input, text on its output).
pub fn ocr(prepared: &GrayImage) -> Result<String, LabelError> {
    let mut png = Vec::new();
    DynamicImage::ImageLuma8(prepared.clone())
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| LabelError::Ocr(format!("preparing the image: {e}")))?;
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", "eng", "--psm", "6"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            LabelError::Ocr(format!(
                "Tesseract is not installed ({e}): apt-get install tesseract-ocr tesseract-ocr-eng"
            ))
        })?;
    // Its output is read beside it (a full pipe would stop it), and it has a time limit:
    // an image that keeps Tesseract busy does not hold a CPU slot for ever.
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let reading = std::thread::spawn(move || {
        use std::io::Read;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        if let Some(pipe) = stdout.as_mut() {
            let _ = pipe.read_to_end(&mut out);
        }
        if let Some(pipe) = stderr.as_mut() {
            let _ = pipe.read_to_end(&mut err);
        }
        (out, err)
    });
    if let Some(mut stdin) = child.stdin.take() {
        // A Tesseract that stops reading early says why below.
        let _ = stdin.write_all(&png);
    }
    let deadline = std::time::Instant::now() + OCR_TIME_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(LabelError::Ocr(format!(
                    "Tesseract took more than {} seconds on this photo",
                    OCR_TIME_LIMIT.as_secs()
                )));
            }
            Err(e) => return Err(LabelError::Ocr(format!("Tesseract: {e}"))),
        }
    };
    let (out, err) = reading
        .join()
        .map_err(|_| LabelError::Ocr("Tesseract: reading its output failed".into()))?;
    if !status.success() {
        return Err(LabelError::Ocr(format!(
            "Tesseract failed: {}",
            String::from_utf8_lossy(&err).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The OCR text with every unknown name the dictionary has a near name for replaced by
/// it, and the lines joined where Tesseract broke the list.
pub fn correct(analyzer: &Analyzer, raw: &str) -> LabelText {
    // A label's list runs on across lines; a word cut by a hyphen at a line's end is one.
    let joined = raw.replace("-\n", "").replace('\n', " ");
    let mut text = joined.split_whitespace().collect::<Vec<_>>().join(" ");
    text = pipes_as_ls(analyzer, &text);
    let options = Options {
        name: None,
        profile: None,
        avoid: None,
        kind: None,
        categories: None,
        suggest: true,
    };
    let report = analyzer.analyze(&text, &options);
    let mut corrected = Vec::new();
    let mut to_check = Vec::new();
    let mut unknown = Vec::new();
    for name in &report.unknown {
        match &name.suggestion {
            Some(suggestion) if !sure(&name.name, suggestion) => {
                to_check.push((name.name.clone(), suggestion.clone()));
            }
            Some(suggestion) => {
                if let Some(at) = find_ignoring_case(&text, &name.name) {
                    text.replace_range(at..at + name.name.len(), suggestion);
                    corrected.push((name.name.clone(), suggestion.clone()));
                }
            }
            None => unknown.push(name.name.clone()),
        }
    }
    LabelText {
        raw: raw.to_string(),
        text,
        corrected,
        to_check,
        unknown,
        reading: "prepared",
    }
}

/// An `l` that OCR read as `|` inside a word ("Cetearyl A|cohol", "|anolin") is an `l`
/// again, when the word so mended is a name the dictionary knows: a pipe separates
/// names, so left as it is it would cut one in two ("Aqua|Glycerin" stays two names).
fn pipes_as_ls(analyzer: &Analyzer, text: &str) -> String {
    if !text.contains('|') {
        return text.to_string();
    }
    let known = |word: &str| {
        let report = analyzer.analyze(word, &Options::default());
        report.ingredients.len() == 1 && report.unknown.is_empty()
    };
    text.split(' ')
        .map(|word| {
            let mended = word.replace('|', "l");
            let letters = word.chars().filter(char::is_ascii_alphabetic).count();
            if word.contains('|') && letters >= 2 && !known(word) && known(&mended) {
                mended
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a correction is sure: the same numbers ("Polyquaternium-" is no sure
/// Polyquaternium-1), the name read not cut short, and one slip at most in its letters.
fn sure(read: &str, suggestion: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let letters = |s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_alphabetic())
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let cut = read.trim_end().ends_with(['-', '/']);
    digits(read) == digits(suggestion)
        && !cut
        && strsim::damerau_levenshtein(&letters(read), &letters(suggestion)) <= 1
}

/// How many names of a text the dictionary recognises (and, to break ties, how few it
/// does not): what decides between two readings of one photo.
fn recognised(analyzer: &Analyzer, text: &str) -> (usize, std::cmp::Reverse<usize>) {
    let report = analyzer.analyze(text, &Options::default());
    (
        report.ingredients.len(),
        std::cmp::Reverse(report.unknown.len()),
    )
}

/// Where `needle` is in `haystack`, ignoring ASCII case (byte offset).
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let lower = haystack.to_ascii_lowercase();
    let at = lower.find(&needle.to_ascii_lowercase())?;
    (haystack.is_char_boundary(at) && haystack.is_char_boundary(at + needle.len())).then_some(at)
}

/// Reads the ingredient list in a label photo's bytes: the photo is read prepared and as
/// it is (the preparation helps small and faint labels, and hurts large photos whose
/// background it glues to the lines), and the reading whose names the dictionary
/// recognises best is kept.
pub fn read_label(analyzer: &Analyzer, bytes: &[u8]) -> Result<LabelText, LabelError> {
    let image = regimen_photos::decode_upright(bytes)?;
    let readings = [
        ("prepared", prepare(&image)),
        ("as_is", shrink(&image.to_luma8(), PLAIN_SIDE)),
    ];
    let mut best: Option<((usize, std::cmp::Reverse<usize>), LabelText)> = None;
    let mut failed = None;
    for (reading, picture) in readings {
        match ocr(&picture) {
            Ok(raw) => {
                let mut text = correct(analyzer, &raw);
                text.reading = reading;
                let score = recognised(analyzer, &text.text);
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    best = Some((score, text));
                }
            }
            Err(error) => failed = Some(error),
        }
    }
    match (best, failed) {
        (Some((_, text)), _) => Ok(text),
        (None, Some(error)) => Err(error),
        (None, None) => Err(LabelError::Ocr("nothing was read".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tilted_block_of_lines_is_found_level() {
        // Horizontal bars (lines of text), turned by 4 degrees.
        let mut page = GrayImage::from_pixel(600, 400, Luma([255]));
        for line in 0..8 {
            for y in (40 + line * 40)..(52 + line * 40) {
                for x in 60..540 {
                    page.put_pixel(x, y, Luma([0]));
                }
            }
        }
        let tilted = rotate(&page, -4.0);
        let angle = skew(&tilted);
        assert!((angle - 4.0).abs() <= 0.5, "{angle}");
        assert_eq!(skew(&page), 0.0);
    }

    #[test]
    fn tinted_paper_becomes_white_and_ink_stays_black() {
        // Strokes a few pixels wide, as letters are, on paper darker than white.
        let mut page = GrayImage::from_pixel(300, 100, Luma([170]));
        for x in 100..200 {
            for y in 48..51 {
                page.put_pixel(x, y, Luma([60]));
            }
        }
        let flat = flatten(&page);
        let t = otsu(&flat);
        assert!(flat.get_pixel(10, 10).0[0] > t);
        assert!(flat.get_pixel(150, 49).0[0] <= t);
    }

    #[test]
    fn a_pipe_inside_a_known_name_is_an_l_and_between_names_a_separator() {
        let knowledge = regimen_core::Knowledge::builtin().expect("knowledge");
        let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
        assert_eq!(
            pipes_as_ls(
                &analyzer,
                "Cetearyl A|cohol | Glycerin, |anolin, Aqua|Glycerin"
            ),
            "Cetearyl Alcohol | Glycerin, lanolin, Aqua|Glycerin"
        );
    }

    #[test]
    fn a_correction_is_sure_only_when_nothing_but_a_slip_changes() {
        assert!(sure("Giycerin", "GLYCERIN"));
        assert!(sure("Sodlum Chloride", "SODIUM CHLORIDE"));
        assert!(!sure("Polyquaternium-", "POLYQUATERNIUM-1"), "a cut number");
        assert!(
            !sure("Polyquaternium-7", "POLYQUATERNIUM-1"),
            "another number"
        );
        assert!(!sure("Glyceryl", "GLYCERIN"), "two slips");
    }
}
