//! Uploads (a photo's body, a multipart form's file) taken as they arrive, never held
//! whole in memory:
//! - before a byte of the body is read, the uploader takes a slot: at most
//!   [`PER_PERSON`] uploads of one person in flight (429) and [`IN_FLIGHT`] of everyone
//!   (503 with Retry-After), so held uploads bound the disk and the memory;
//! - the bytes go to an unnamed temporary file as they come, within the route's size
//!   limit (413);
//! - the image header is judged as soon as it has come (`regimen_photos::check_header`):
//!   a picture with too many pixels, or no picture at all, is refused without reading
//!   the rest.
//!
//! What reads the upload (the photo's decoder, the barcode or label reader) reads the
//! file back inside its CPU slot, one upload per slot.

use crate::error::ApiError;
use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Uploads of one person in flight at once.
pub const PER_PERSON: usize = 2;
/// Uploads of everyone in flight at once (16 photos of 16 MiB: 256 MiB of disk at most).
pub const IN_FLIGHT: usize = 16;
/// Where the header is judged, in bytes received: a JPEG's size may come after its
/// EXIF block (up to 64 KiB) and colour profile.
const HEADER_AT: [usize; 3] = [64 << 10, 256 << 10, 1 << 20];

/// The slots of uploads in flight.
#[derive(Clone)]
pub struct Uploads {
    everyone: Arc<Semaphore>,
    people: Arc<Mutex<HashMap<i64, usize>>>,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            everyone: Arc::new(Semaphore::new(IN_FLIGHT)),
            people: Arc::default(),
        }
    }
}

/// An upload's slot, given back when dropped.
pub struct Slot {
    _permit: OwnedSemaphorePermit,
    people: Arc<Mutex<HashMap<i64, usize>>>,
    person: i64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut people = self.people.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = people.get_mut(&self.person) {
            *count -= 1;
            if *count == 0 {
                people.remove(&self.person);
            }
        }
    }
}

impl Uploads {
    /// A slot for an upload of `person`, or why not now (without waiting: a client that
    /// cannot have one is told at once and its body is never read).
    pub fn take(&self, person: i64) -> Result<Slot, ApiError> {
        let mut people = self.people.lock().unwrap_or_else(PoisonError::into_inner);
        let count = people.entry(person).or_insert(0);
        if *count >= PER_PERSON {
            return Err(ApiError::TooManyUploads(PER_PERSON));
        }
        let permit = Arc::clone(&self.everyone)
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy)?;
        *count += 1;
        Ok(Slot {
            _permit: permit,
            people: Arc::clone(&self.people),
            person,
        })
    }
}

/// An upload received whole, in a temporary file (gone when this is dropped).
pub struct Spooled {
    file: std::fs::File,
    len: usize,
    /// The image's size, when its header was read as it came.
    pub dimensions: Option<(u32, u32)>,
}

impl Spooled {
    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing came.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Its bytes, read back (for the decoder, inside a CPU slot).
    pub fn bytes(&self) -> Result<Vec<u8>, ApiError> {
        let mut file = &self.file;
        let mut bytes = Vec::with_capacity(self.len);
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(|e| ApiError::Internal(format!("reading an upload back: {e}")))?;
        Ok(bytes)
    }
}

/// Why an upload was not received.
#[derive(Debug)]
pub enum Refused {
    /// Beyond the route's limit, of this many bytes.
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// Its header says it is no picture we read, or one too large.
    Image(regimen_photos::PhotoError),
    /// The body broke off, or came wrong.
    Body(String),
    /// The temporary file could not be written.
    Disk(String),
}

impl From<Refused> for ApiError {
    fn from(refused: Refused) -> ApiError {
        match refused {
            Refused::TooLarge { limit } => ApiError::TooLarge { limit },
            Refused::Image(error) => error.into(),
            Refused::Body(message) => ApiError::BadRequest {
                message,
                field: None,
            },
            Refused::Disk(detail) => ApiError::Unavailable(detail),
        }
    }
}

/// Takes a request's body as an upload of `person`'s: its declared length checked
/// first (413), a slot taken (429, 503), then received as it comes, its image header
/// judged. The slot is held while the caller uses what was received.
pub async fn receive(
    state: &crate::AppState,
    person: i64,
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
    limit: usize,
) -> Result<(Slot, Spooled), ApiError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::TooLarge { limit });
    }
    let slot = state.uploads().take(person)?;
    let upload = spool(body.into_data_stream(), limit, true, |e| {
        Refused::Body(format!("the photo's body broke off: {e}"))
    })
    .await?;
    Ok((slot, upload))
}

/// Receives an upload's chunks into a temporary file, within `limit` bytes, judging
/// the image header as it comes when `image` is set. `failed` says what a broken
/// chunk means (a multipart body over its limit is [`Refused::TooLarge`]).
pub async fn spool<S, E>(
    mut chunks: S,
    limit: usize,
    image: bool,
    failed: impl Fn(E) -> Refused,
) -> Result<Spooled, Refused>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let disk = |e: std::io::Error| Refused::Disk(format!("a temporary file for an upload: {e}"));
    let mut file = tempfile::tempfile().map_err(disk)?;
    let mut len = 0usize;
    // The first bytes, kept until the header is judged.
    let mut start: Vec<u8> = Vec::new();
    let mut dimensions = None;
    let mut judged = !image;
    let mut next_look = 0;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(&failed)?;
        len += chunk.len();
        if len > limit {
            return Err(Refused::TooLarge { limit });
        }
        file.write_all(&chunk).map_err(disk)?;
        if !judged {
            start.extend_from_slice(&chunk);
            if start.len() >= HEADER_AT[next_look] {
                dimensions = regimen_photos::check_header(&start, false).map_err(Refused::Image)?;
                next_look += 1;
                if dimensions.is_some() || next_look == HEADER_AT.len() {
                    judged = true;
                    start = Vec::new();
                }
            }
        }
    }
    if !judged && !start.is_empty() {
        dimensions = regimen_photos::check_header(&start, true).map_err(Refused::Image)?;
    }
    file.flush().map_err(disk)?;
    Ok(Spooled {
        file,
        len,
        dimensions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use regimen_photos::testing::png_claiming;

    fn chunks(bytes: Vec<u8>, size: usize) -> impl Stream<Item = Result<Bytes, String>> + Unpin {
        let parts: Vec<Result<Bytes, String>> = bytes
            .chunks(size)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        futures_util::stream::iter(parts)
    }

    #[tokio::test]
    async fn an_upload_is_spooled_checked_and_capped() {
        let photo = regimen_photos::testing::jpeg_with_exif(64, 48);
        let spooled = spool(chunks(photo.clone(), 100), 1 << 20, true, Refused::Body)
            .await
            .expect("spooled");
        assert_eq!(spooled.bytes().expect("read back"), photo);
        assert_eq!(spooled.dimensions, Some((64, 48)));
        // Over the limit: refused as soon as it is over.
        let over = spool(chunks(vec![0u8; 5000], 1000), 4096, false, Refused::Body).await;
        assert!(matches!(over, Err(Refused::TooLarge { limit: 4096 })));
        // A bomb's header, then a stream that never ends: refused at the header, so
        // the rest is never read.
        let mut bomb = png_claiming(20_000, 20_000);
        bomb.resize(64 << 10, 0);
        let endless = chunks(bomb, 4096).chain(futures_util::stream::repeat_with(|| {
            Ok(Bytes::from_static(&[0u8; 4096]))
        }));
        let refused = spool(Box::pin(endless), usize::MAX, true, Refused::Body).await;
        assert!(matches!(
            refused,
            Err(Refused::Image(regimen_photos::PhotoError::TooLarge { .. }))
        ));
    }

    #[test]
    fn one_person_and_everyone_have_their_share_of_slots() {
        let uploads = Uploads::default();
        let mine: Vec<Slot> = (0..PER_PERSON)
            .map(|_| uploads.take(1).expect("a slot"))
            .collect();
        assert!(matches!(uploads.take(1), Err(ApiError::TooManyUploads(_))));
        let others: Vec<Slot> = (2..(IN_FLIGHT - PER_PERSON + 2) as i64)
            .map(|person| uploads.take(person).expect("a slot"))
            .collect();
        assert!(matches!(uploads.take(99), Err(ApiError::Busy)));
        drop(mine);
        assert!(uploads.take(1).is_ok(), "slots come back");
        drop(others);
    }
}
