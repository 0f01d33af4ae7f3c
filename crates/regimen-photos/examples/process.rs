//! Processes a photo as an upload is processed (decoded upright, scaled, re-encoded
//! with a thumbnail) and says what came out and how long it took: for measuring the
//! cost of large uploads (`/usr/bin/time -v` for the peak memory).
//!
//! `cargo run --release -p regimen-photos --example process -- photo.png image/png`

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(content_type)) = (args.next(), args.next()) else {
        eprintln!("usage: process PHOTO CONTENT-TYPE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2);
    });
    let started = std::time::Instant::now();
    match regimen_photos::process(&bytes, &content_type) {
        Ok(done) => println!(
            "{path}: {} x {}, photo {} bytes, thumbnail {} bytes, in {:?}",
            done.width,
            done.height,
            done.photo.len(),
            done.thumbnail.len(),
            started.elapsed()
        ),
        Err(error) => {
            println!("{path}: refused ({error}) in {:?}", started.elapsed());
        }
    }
}
