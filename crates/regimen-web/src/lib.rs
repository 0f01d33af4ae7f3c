//! regimen's HTTP API under `/api/v1`, with `GET /healthz`. It turns requests into
//! calls of the core (plans, analyses) and the store (documents owned by the caller),
//! and owns its wire types: profiles and plans keep the JSON of docs/product.md (the
//! core's own serializer), the rest are the DTOs in `resources`.
//!
//! Architecture invariant: every handler that touches stored data takes a [`Caller`]
//! and passes its user id to the store; nothing reads another user's rows.

mod api;
pub mod auth;
mod body;
pub mod catalog;
pub mod derived;
pub mod error;
mod export;
pub mod guard;
pub mod jobs;
pub mod openapi;
pub mod pages;
pub mod passwords;
pub mod photos;
mod resources;
pub mod upload;

use axum::routing::{get, post};
use axum::Router;
use regimen_core::analyzer::Analyzer;
use regimen_core::Knowledge;
use regimen_store::Store;
use std::sync::Arc;

pub use auth::Caller;
pub use body::MAX_BODY;
pub use error::ApiError;

/// How the server runs.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Accounts and sessions (else one local user, no login).
    pub multi_user: bool,
    /// Add `Secure` to the session cookie (behind HTTPS).
    pub secure_cookies: bool,
    /// Host names a local server answers to besides the loopback names.
    pub hosts: Vec<String>,
    /// The address people reach the server at (`https://regimen.example.org`), for
    /// calendar-feed addresses; never taken from a request's Host header.
    pub public_url: String,
    /// The header a trusted reverse proxy puts the client's address in
    /// (`X-Forwarded-For`, `X-Real-IP`); without one, the connection's peer is the client.
    pub client_ip_header: Option<String>,
    /// Where progress photos are kept (default: in memory, for tests; `serve` gives a
    /// folder beside the database, or a bucket).
    pub photos: regimen_photos::PhotoStore,
    /// Sign-ups stop when the database's file system has fewer bytes free than this
    /// (SQLite; writes of those who have accounts go on). 0: never.
    pub signups_stop_below: u64,
}

/// The default of [`Settings::signups_stop_below`]: 512 MiB.
pub const SIGNUPS_STOP_BELOW: u64 = 512 << 20;

/// Everything a handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    knowledge: Arc<Knowledge>,
    /// Built on first use: most requests (plans without a shelf or an avoid list, the
    /// pages, check-ins) never need its 28,000-name dictionary, so an idle server is small.
    analyzer: std::sync::OnceLock<Arc<Analyzer>>,
    settings: Settings,
    local_user: i64,
    /// Sign-ins in progress at once (their database work and their hash): a burst of
    /// hundreds waits here instead of queueing for the database's connections ahead of
    /// everyone else's requests.
    signin_gate: tokio::sync::Semaphore,
    /// Password hashing, bounded in time and memory.
    passwords: Arc<passwords::Passwords>,
    /// Slots for CPU-bound work (planning, analysing), one per core.
    cpu: tokio::sync::Semaphore,
    /// The CSRF token of the local user's pages (made at start, kept in memory).
    local_csrf: String,
    /// When old sign-in attempts and ended sessions were last purged.
    purged: std::sync::Mutex<Option<std::time::Instant>>,
    /// When the database was last found writable or not (a write probe takes SQLite's
    /// write lock, so `/healthz` probes at most once a second).
    writable: std::sync::Mutex<Option<(std::time::Instant, bool)>>,
    /// The version of what is derived from documents (see `derived.rs`).
    version: String,
    /// When this process started: nothing it answers was made before.
    started: chrono::DateTime<chrono::Utc>,
    /// Answers made from saved documents (a saved plan's JSON, its calendar feed), by
    /// their validators' key: their inputs and the version.
    answers: derived::Cache<axum::body::Bytes>,
    /// Profiles' shelves and avoid lists, read, by the profile and the version.
    readings: derived::Cache<regimen_core::Reading>,
    /// The product catalog's words, for searches typed with a slip.
    catalog_words: catalog::Words,
    /// Slots of uploads in flight.
    uploads: upload::Uploads,
}

/// About what the cache of answers keeps (a 12-week plan's JSON is some 70 KB).
const ANSWER_CACHE_BYTES: usize = 64 << 20;

/// About what the cache of shelves read keeps (a 20-product shelf is some 30 KB).
const READING_CACHE_BYTES: usize = 16 << 20;

impl AppState {
    /// Builds the state; in local mode, makes sure the local user exists. Without an
    /// analyzer, the built-in one is built when a request first needs it.
    pub async fn new(
        store: Store,
        knowledge: Arc<Knowledge>,
        analyzer: Option<Arc<Analyzer>>,
        settings: Settings,
    ) -> Result<AppState, ApiError> {
        let local_user = store.local_user().await?;
        let local_csrf = auth::new_token()?;
        let version = derived::version(&knowledge, analyzer.as_deref());
        Ok(AppState {
            inner: Arc::new(Inner {
                store,
                knowledge,
                analyzer: analyzer.map(std::sync::OnceLock::from).unwrap_or_default(),
                settings,
                local_user,
                local_csrf,
                cpu: tokio::sync::Semaphore::new(work_slots()),
                passwords: Arc::new(passwords::Passwords::new(work_slots())),
                signin_gate: tokio::sync::Semaphore::new(2 * work_slots()),
                writable: std::sync::Mutex::new(None),
                purged: std::sync::Mutex::new(None),
                version,
                started: chrono::Utc::now(),
                answers: derived::Cache::new(ANSWER_CACHE_BYTES),
                readings: derived::Cache::new(READING_CACHE_BYTES),
                catalog_words: catalog::Words::default(),
                uploads: upload::Uploads::default(),
            }),
        })
    }

    /// Slots of uploads in flight (see `upload.rs`).
    pub fn uploads(&self) -> &upload::Uploads {
        &self.inner.uploads
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The version of what is derived from documents (the knowledge base's and the
    /// dictionary's fingerprints).
    pub fn version(&self) -> &str {
        &self.inner.version
    }

    /// When this process started.
    pub fn started(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.started
    }

    /// Profiles' shelves and avoid lists, read, by the profile and the version.
    pub fn readings(&self) -> &derived::Cache<regimen_core::Reading> {
        &self.inner.readings
    }

    /// Answers made from saved documents, by their validators' key (see `derived.rs`).
    pub fn answers(&self) -> &derived::Cache<axum::body::Bytes> {
        &self.inner.answers
    }

    /// The product catalog's words (see `catalog.rs`).
    pub fn catalog_words(&self) -> &catalog::Words {
        &self.inner.catalog_words
    }

    /// Where progress photos are kept.
    pub fn photos(&self) -> &regimen_photos::PhotoStore {
        &self.inner.settings.photos
    }

    /// The knowledge base.
    pub fn knowledge(&self) -> &Knowledge {
        &self.inner.knowledge
    }

    /// Whether the analyzer has been built yet.
    pub fn analyzer_built(&self) -> bool {
        self.inner.analyzer.get().is_some()
    }

    /// The ingredient analyzer (built on first use, once).
    pub fn analyzer(&self) -> &Analyzer {
        self.inner.analyzer.get_or_init(|| {
            tracing::info!("building the ingredient dictionary");
            Arc::new(
                Analyzer::builtin(&self.inner.knowledge)
                    .expect("the compiled-in dictionary builds (checked by the analyzer tests)"),
            )
        })
    }

    /// The planner's front door, with the server's analyzer.
    pub fn planner(&self) -> regimen_core::Planner<'_> {
        regimen_core::Planner::new(&self.inner.knowledge, &self.inner.analyzer)
    }

    /// Whether accounts are on.
    pub fn multi_user(&self) -> bool {
        self.inner.settings.multi_user
    }

    /// The server settings.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Whether the database takes writes, probed at most once a second.
    pub async fn writable(&self) -> Result<bool, ApiError> {
        const EVERY: std::time::Duration = std::time::Duration::from_secs(1);
        let known = *self
            .inner
            .writable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, writable)) = known.filter(|(at, _)| at.elapsed() < EVERY) {
            return Ok(writable);
        }
        let writable = self.store().writable().await?;
        *self
            .inner
            .writable
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((std::time::Instant::now(), writable));
        Ok(writable)
    }

    /// Runs heavy CPU-bound work (a long plan, a plan with a shelf, an analysis) off the
    /// async workers, a [`work_slots`] number of pieces at a time: on a multi-threaded
    /// runtime the worker hands its other tasks to another thread while this runs (so
    /// `/healthz` stays fast however many plans are asked for), and waits for a free slot
    /// first. Light work (`heavy` false: a few weeks, no shelf, few events, tens of
    /// microseconds) runs in place, where moving it would cost more than it does.
    pub fn cpu_bound<T>(&self, heavy: bool, work: impl FnOnce() -> T) -> T {
        use tokio::runtime::{Handle, RuntimeFlavor};
        match Handle::try_current() {
            Ok(handle) if heavy && handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| {
                    let _slot = handle.block_on(self.inner.cpu.acquire());
                    work()
                })
            }
            // Light work, or a single-threaded runtime (tests) where no other worker is.
            _ => work(),
        }
    }

    /// Purges sign-in attempts older than `since` and ended sessions, at most once a
    /// minute (called on sign-in).
    pub async fn purge_now_and_then(&self, since: &str) -> Result<(), ApiError> {
        {
            let mut last = self
                .inner
                .purged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_some_and(|at| at.elapsed() < std::time::Duration::from_secs(60)) {
                return Ok(());
            }
            *last = Some(std::time::Instant::now());
        }
        let removed = self
            .store()
            .purge(since, &chrono::Utc::now().to_rfc3339())
            .await?;
        if removed > 0 {
            tracing::debug!(removed, "purged old sign-in attempts and ended sessions");
        }
        Ok(())
    }

    /// Stores a new document for `user`, within the most one person may keep of its
    /// collection ([`resources::max_documents`]; 413 beyond). A collection with one
    /// document per sort key (check-ins: one per date) updates the one there instead;
    /// the flag says whether a document was created.
    pub async fn create_document(
        &self,
        user: i64,
        collection: regimen_store::Collection,
        sort_key: &str,
        body: &str,
    ) -> Result<(regimen_store::Document, bool), ApiError> {
        if resources::one_per_sort_key(collection) && !sort_key.is_empty() {
            if let Some(existing) = self.store().by_sort_key(user, collection, sort_key).await? {
                let updated = self
                    .store()
                    .update(user, collection, existing.id, sort_key, body)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                return Ok((updated, false));
            }
        }
        let max = resources::max_documents(collection);
        let created = self
            .store()
            .create_within(user, collection, sort_key, body, max)
            .await?
            .ok_or_else(|| {
                ApiError::Quota(format!(
                    "you keep {max} {}, the most regimen stores for one person; delete some first",
                    resources::plural(collection)
                ))
            })?;
        Ok((created, true))
    }

    /// A place among the sign-ins in progress, waited for up to [`passwords::WAIT`]
    /// (then 503 with Retry-After).
    pub async fn signin_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        tokio::time::timeout(passwords::WAIT, self.inner.signin_gate.acquire())
            .await
            .map_err(|_| ApiError::Busy)?
            .map_err(|_| ApiError::Busy)
    }

    /// The password hasher.
    pub fn passwords(&self) -> &Arc<passwords::Passwords> {
        &self.inner.passwords
    }

    /// The CSRF token the local user's page forms carry (local mode).
    pub fn local_csrf(&self) -> &str {
        &self.inner.local_csrf
    }

    /// The local user (local mode).
    pub fn local_user(&self) -> i64 {
        self.inner.local_user
    }
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

/// Slots for heavy work (password hashing, costly plans): one core fewer than the
/// machine has (one at least), so that one core always answers `/healthz` and light
/// requests while the others are busy.
pub fn work_slots() -> usize {
    cores().saturating_sub(1).max(1)
}

/// The application: every route, with its state, behind the [`guard`].
pub fn app(state: AppState) -> Router {
    use resources::{Checkins, Plans, Profiles, ShelfItems};
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/api/v1/plan", post(api::plan))
        .route("/api/v1/plan.ics", get(api::feed))
        .route("/api/v1/accounts", post(api::create_account))
        .route(
            "/api/v1/account",
            axum::routing::delete(api::delete_account),
        )
        .route(
            "/api/v1/sessions",
            post(api::create_session).delete(api::delete_session),
        )
        .route(
            "/api/v1/profiles",
            get(api::list::<Profiles>).post(api::create::<Profiles>),
        )
        .route(
            "/api/v1/profiles/{id}",
            get(api::read::<Profiles>)
                .put(api::update::<Profiles>)
                .delete(api::delete::<Profiles>),
        )
        .route(
            "/api/v1/shelf",
            get(api::list::<ShelfItems>).post(api::create::<ShelfItems>),
        )
        .route(
            "/api/v1/shelf/{id}",
            get(api::read::<ShelfItems>)
                .put(api::update::<ShelfItems>)
                .delete(api::delete::<ShelfItems>),
        )
        .route(
            "/api/v1/plans",
            get(api::list::<Plans>).post(api::create::<Plans>),
        )
        .route(
            "/api/v1/plans/{id}",
            get(api::read::<Plans>)
                .put(api::update::<Plans>)
                .delete(api::delete::<Plans>),
        )
        .route(
            "/api/v1/plans/{id}/feed",
            post(api::create_feed).delete(api::revoke_feed),
        )
        .route("/api/v1/plans/{id}/results", get(api::results))
        .route(
            "/api/v1/checkins",
            get(api::list::<Checkins>).post(api::create::<Checkins>),
        )
        .route(
            "/api/v1/checkins/{id}",
            get(api::read::<Checkins>)
                .put(api::update::<Checkins>)
                .delete(api::delete::<Checkins>),
        )
        .route(
            "/api/v1/photos",
            get(photos::list)
                .post(photos::upload)
                .layer(axum::extract::DefaultBodyLimit::max(photos::MAX_PHOTO_BODY)),
        )
        .route(
            "/api/v1/photos/{id}",
            get(photos::image).delete(photos::delete),
        )
        .route(
            "/api/v1/scans/label",
            post(jobs::scan_label)
                .layer(axum::extract::DefaultBodyLimit::max(photos::MAX_PHOTO_BODY)),
        )
        .route(
            "/api/v1/scans/barcode",
            post(jobs::scan_barcode)
                .layer(axum::extract::DefaultBodyLimit::max(photos::MAX_PHOTO_BODY)),
        )
        .route("/api/v1/jobs/{id}", get(jobs::read))
        .route("/api/v1/faq", get(api::faq))
        .route("/api/v1/catalog", get(api::catalog_search))
        .route("/api/v1/catalog/{code}", get(api::catalog_product))
        .route("/api/v1/export", get(api::export))
        .route(
            "/api/v1/import",
            post(api::import).layer(axum::extract::DefaultBodyLimit::max(body::MAX_IMPORT)),
        )
        .merge(pages::routes())
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY))
        // Inside the guard, so that the deadline's answer has its headers too.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_DEADLINE,
        ))
        .layer(axum::middleware::map_response(deadline_said))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .with_state(state)
}

/// The longest a request may take, from its headers to its answer (a body trickled a
/// byte at a time included): then it is answered 408 and its connection closed.
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(60);

/// The deadline's bare 408 said as every error is said.
async fn deadline_said(response: axum::response::Response) -> axum::response::Response {
    let bare = response.status() == axum::http::StatusCode::REQUEST_TIMEOUT
        && !response
            .headers()
            .contains_key(axum::http::header::CONTENT_TYPE);
    if bare {
        return axum::response::IntoResponse::into_response(error::ApiError::Deadline);
    }
    response
}
