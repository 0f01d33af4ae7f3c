//! What the server derives from stored documents, made once: the version it is derived
//! with (the knowledge base's and the dictionary's fingerprints), and a bounded cache of
//! saved plans by their inputs. A shelf product's analysis is stored beside the product
//! (`Document::derived`, see `resources.rs`); a plan, which takes milliseconds to make
//! and many kilobytes to keep, lives in memory, evicted oldest first beyond a budget.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The version of everything derived: when the knowledge base or the dictionary
/// changes, stored analyses and cached plans are made again. Without an analyzer yet,
/// the one to come is built from the shipped dictionary.
pub fn version(
    knowledge: &regimen_core::Knowledge,
    analyzer: Option<&regimen_core::analyzer::Analyzer>,
) -> String {
    let analyzer = analyzer.map_or_else(
        || {
            knowledge.fingerprint()
                ^ regimen_core::analyzer::dictionary_fingerprint().rotate_left(1)
        },
        regimen_core::analyzer::Analyzer::fingerprint,
    );
    format!("{:016x}-{analyzer:016x}", knowledge.fingerprint())
}

/// 64-bit FNV-1a over the parts, each followed by a zero byte.
pub fn key(parts: &[&[u8]]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for part in parts {
        for byte in part.iter().copied().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A strong ETag for a key.
pub fn etag(key: u64) -> String {
    format!("\"{key:016x}\"")
}

/// What a client may keep a read's answer by: a strong ETag and when it last changed
/// (the document's last update, or this process's start if later: an answer made with
/// a new version is new). A request that matches them is answered 304 without a body.
pub struct Validators {
    key: u64,
    etag: String,
    last_modified: DateTime<Utc>,
}

impl Validators {
    /// The validators of an answer made from `parts` (the inputs and the version) of a
    /// document last updated at `updated_at` (RFC 3339) by a process started at `started`.
    pub fn new(parts: &[&[u8]], updated_at: &str, started: DateTime<Utc>) -> Validators {
        let updated = DateTime::parse_from_rfc3339(updated_at)
            .map(|at| at.with_timezone(&Utc))
            .unwrap_or(started);
        let key = key(parts);
        Validators {
            key,
            etag: etag(key),
            last_modified: updated.max(started),
        }
    }

    /// The key of the answer they validate (for a cache of answers).
    pub fn key(&self) -> u64 {
        self.key
    }

    /// Whether the client's copy is this one (RFC 9110 section 13.2.2: If-None-Match
    /// decides when present; otherwise If-Modified-Since, to the second).
    pub fn fresh(&self, request: &HeaderMap) -> bool {
        if let Some(tags) = request.get(header::IF_NONE_MATCH) {
            let Ok(tags) = tags.to_str() else {
                return false;
            };
            return tags
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == self.etag);
        }
        request
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|since| since.to_str().ok())
            .and_then(|since| DateTime::parse_from_rfc2822(since).ok())
            .is_some_and(|since| self.last_modified.timestamp() <= since.timestamp())
    }

    /// The answer: 304 when the client's copy is fresh, else `make`'s, with the
    /// validators and `Cache-Control: private, no-cache` (kept, asked again each time).
    pub fn answer<E>(
        &self,
        request: &HeaderMap,
        make: impl FnOnce() -> Result<Response, E>,
    ) -> Result<Response, E> {
        let mut response = if self.fresh(request) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            make()?
        };
        if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
            let headers = response.headers_mut();
            let date = self
                .last_modified
                .format("%a, %d %b %Y %H:%M:%S GMT")
                .to_string();
            for (name, value) in [
                (header::ETAG, self.etag.as_str()),
                (header::LAST_MODIFIED, date.as_str()),
                (header::CACHE_CONTROL, "private, no-cache"),
            ] {
                if let Ok(value) = HeaderValue::from_str(value) {
                    headers.insert(name, value);
                }
            }
        }
        Ok(response)
    }
}

/// A bounded cache: values by key, the oldest evicted once their sizes pass the budget.
pub struct Cache<T> {
    budget: usize,
    inner: Mutex<Entries<T>>,
}

struct Entries<T> {
    values: HashMap<u64, (Arc<T>, usize)>,
    order: VecDeque<u64>,
    size: usize,
}

impl<T> Cache<T> {
    /// A cache that keeps about `budget` bytes.
    pub fn new(budget: usize) -> Cache<T> {
        Cache {
            budget,
            inner: Mutex::new(Entries {
                values: HashMap::new(),
                order: VecDeque::new(),
                size: 0,
            }),
        }
    }

    /// The value for `key`, made (with its size in bytes) and kept if it is not there.
    pub fn get_or_make<E>(
        &self,
        key: u64,
        make: impl FnOnce() -> Result<(T, usize), E>,
    ) -> Result<Arc<T>, E> {
        if let Some(found) = self.get(key) {
            return Ok(found);
        }
        let (value, size) = make()?;
        let value = Arc::new(value);
        let Ok(mut entries) = self.inner.lock() else {
            return Ok(value);
        };
        if size <= self.budget && !entries.values.contains_key(&key) {
            entries.values.insert(key, (Arc::clone(&value), size));
            entries.order.push_back(key);
            entries.size += size;
            while entries.size > self.budget {
                let Some(oldest) = entries.order.pop_front() else {
                    break;
                };
                if let Some((_, size)) = entries.values.remove(&oldest) {
                    entries.size -= size;
                }
            }
        }
        Ok(value)
    }

    /// The value for `key`, if kept.
    pub fn get(&self, key: u64) -> Option<Arc<T>> {
        let entries = self.inner.lock().ok()?;
        entries.values.get(&key).map(|(value, _)| Arc::clone(value))
    }

    /// How many values it keeps.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |e| e.values.len())
    }

    /// Whether it keeps none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::{Cache, Validators};
    use axum::http::{header, HeaderMap, HeaderValue};
    use chrono::{TimeZone, Utc};

    #[test]
    fn a_read_is_fresh_by_its_tag_or_else_its_date() {
        let started = Utc
            .with_ymd_and_hms(2026, 11, 3, 10, 0, 0)
            .single()
            .expect("a date");
        let v = Validators::new(&[b"plan", b"v1"], "2026-11-03T12:00:00.5+00:00", started);
        let tag = super::etag(super::key(&[b"plan", b"v1"]));
        let with = |name, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_str(value).expect("a header value"));
            headers
        };
        assert!(!v.fresh(&HeaderMap::new()));
        assert!(v.fresh(&with(header::IF_NONE_MATCH, &tag)));
        assert!(v.fresh(&with(header::IF_NONE_MATCH, &format!("\"x\", W/{tag}"))));
        assert!(v.fresh(&with(header::IF_NONE_MATCH, "*")));
        assert!(!v.fresh(&with(header::IF_NONE_MATCH, "\"other\"")));
        // Last modified: the update (later than the start), to the second.
        let since = |at: &str| with(header::IF_MODIFIED_SINCE, at);
        assert!(v.fresh(&since("Tue, 03 Nov 2026 12:00:00 GMT")));
        assert!(!v.fresh(&since("Tue, 03 Nov 2026 11:59:59 GMT")));
        assert!(!v.fresh(&since("not a date")));
        // A tag that does not match decides, whatever the date says.
        let mut both = since("Tue, 03 Nov 2026 12:00:00 GMT");
        both.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!v.fresh(&both));
        // A process started after the update: its answers are newer than the update.
        let later = Utc
            .with_ymd_and_hms(2026, 11, 4, 0, 0, 0)
            .single()
            .expect("a date");
        let v = Validators::new(&[b"plan"], "2026-11-03T12:00:00+00:00", later);
        assert!(!v.fresh(&since("Tue, 03 Nov 2026 12:00:00 GMT")));
    }

    #[test]
    fn the_oldest_go_first_beyond_the_budget() {
        let cache: Cache<String> = Cache::new(10);
        for (key, text) in [(1, "aaaa"), (2, "bbbb"), (3, "cccc")] {
            let made = cache.get_or_make::<()>(key, || Ok((text.to_string(), 4)));
            assert_eq!(made.map(|v| v.to_string()), Ok(text.to_string()));
        }
        assert!(cache.get(1).is_none(), "evicted");
        assert_eq!(cache.get(3).as_deref().map(String::as_str), Some("cccc"));
        // Kept: not made again.
        let again = cache.get_or_make::<()>(3, || panic!("made again"));
        assert!(again.is_ok());
        // Too large for the budget: answered, not kept.
        let big = cache.get_or_make::<()>(9, || Ok(("x".repeat(20), 20)));
        assert!(big.is_ok() && cache.get(9).is_none());
        assert_eq!(cache.len(), 2);
    }
}
