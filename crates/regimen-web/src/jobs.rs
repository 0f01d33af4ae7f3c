//! Heavy work on the job queue (`regimen_store::jobs`): reading a label photo
//! (Tesseract) and a barcode photo.
//!
//! - `POST /api/v1/scans/label` and `POST /api/v1/scans/barcode` take the photo as every
//!   upload is taken (`upload.rs`), queue it and answer 202 with the job;
//!   `GET /api/v1/jobs/{id}` answers its state and, once done, its result.
//! - [`work`] is a worker: it takes jobs in turn, runs each in a CPU slot and records its
//!   end. `regimen worker` runs workers on any machine that shares the database;
//!   `regimen serve` runs its own (`--workers`).

use crate::auth::Caller;
use crate::error::ApiError;
use crate::error::DocumentId;
use crate::upload::Spooled;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use regimen_store::{Claimed, Job};
use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;

/// Jobs one person may have queued or running at once.
pub const MOST_WAITING: i64 = 10;
/// How long a worker's claim on a job holds unless renewed; the worker renews it every
/// third of it while the job runs, so a job whose worker died is taken again within it.
pub const LEASE_SECONDS: u64 = 30;
/// How many times a job is taken before it fails (its workers died each time).
pub const MAX_ATTEMPTS: i64 = 3;
/// How long an idle worker waits before it looks for work again.
const IDLE: Duration = Duration::from_millis(250);
/// How long ended jobs are kept.
const KEPT_HOURS: i64 = 24;

/// A job as the API answers it.
pub fn job_json(job: &Job) -> Value {
    let result = job
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<Value>(r).ok());
    json!({
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "attempts": job.attempts,
        "result": result,
        "error": job.error,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "url": format!("/api/v1/jobs/{}", job.id),
    })
}

/// Queues a job of `user`'s with the upload as its input.
pub async fn enqueue(
    state: &AppState,
    user: i64,
    kind: &str,
    params: &Value,
    upload: &Spooled,
) -> Result<Job, ApiError> {
    let input = upload.bytes()?;
    state
        .store()
        .enqueue_job(user, kind, &params.to_string(), &input, MOST_WAITING)
        .await?
        .ok_or(ApiError::TooManyJobs(MOST_WAITING))
}

/// The name a scan is queued under, if given (`?name=`): what a label's product is
/// called, kept with its result.
#[derive(Debug, serde::Deserialize)]
pub struct ScanQuery {
    name: Option<String>,
}

/// Takes a scan's photo (checked before its body is read: the declared type and length,
/// a slot) and queues it: 202 with the job and its address.
async fn scan(
    state: AppState,
    caller: Caller,
    kind: &str,
    params: Value,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    regimen_photos::declared_type(content_type)?;
    let (_slot, upload) = crate::upload::receive(
        &state,
        caller.user_id,
        headers,
        body,
        crate::photos::MAX_PHOTO_BODY,
    )
    .await?;
    let job = enqueue(&state, caller.user_id, kind, &params, &upload).await?;
    Ok(accepted(&job))
}

/// 202 with a job and its address.
fn accepted(job: &Job) -> Response {
    let url = format!("/api/v1/jobs/{}", job.id);
    (
        StatusCode::ACCEPTED,
        [(header::LOCATION, url)],
        Json(job_json(job)),
    )
        .into_response()
}

/// Stateless plans above this cost (products on the shelf times weeks: 25 products for
/// 4 weeks) are made on the queue by a hosted server.
pub const QUEUED_PLAN_COST: usize = 100;

/// How long a request waits for its plan's job before it answers 202 with the job.
const PLAN_WAIT: Duration = Duration::from_secs(45);

/// Whether a stateless plan is made on the queue (in multi-user mode).
pub fn queued_plan(profile: &regimen_core::Profile, weeks: u8) -> bool {
    profile.shelf.len() * usize::from(weeks) > QUEUED_PLAN_COST
}

/// What a plan job makes, besides its profile (the job's input, as sent).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct PlanParams {
    /// The first day.
    pub start: String,
    /// Its weeks.
    pub weeks: u8,
    /// An experiment's seed.
    pub experiment: Option<u64>,
}

/// Queues a large stateless plan and waits for it: the plan when it is made within
/// [`PLAN_WAIT`], else 202 with its job (its result is the plan).
pub async fn plan_on_queue(
    state: &AppState,
    user: i64,
    params: &PlanParams,
    profile: &[u8],
) -> Result<Response, ApiError> {
    let params = serde_json::to_string(params).map_err(|e| ApiError::Internal(e.to_string()))?;
    let job = state
        .store()
        .enqueue_job(user, "plan", &params, profile, MOST_WAITING)
        .await?
        .ok_or(ApiError::TooManyJobs(MOST_WAITING))?;
    let deadline = std::time::Instant::now() + PLAN_WAIT;
    let mut pause = Duration::from_millis(10);
    loop {
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(250));
        // Gone: the account was deleted meanwhile.
        let now = state
            .store()
            .job(user, job.id)
            .await?
            .ok_or(ApiError::NotFound)?;
        match now.state.as_str() {
            "done" => {
                let plan = now.result.unwrap_or_default();
                return Ok(([(header::CONTENT_TYPE, "application/json")], plan).into_response());
            }
            "failed" => {
                return Err(ApiError::Internal(format!(
                    "plan job {}: {}",
                    job.id,
                    now.error.unwrap_or_default()
                )))
            }
            _ if std::time::Instant::now() >= deadline => return Ok(accepted(&now)),
            _ => {}
        }
    }
}

/// Makes a queued plan.
fn plan_job(state: &AppState, claimed: &Claimed) -> Result<Value, String> {
    let params: PlanParams =
        serde_json::from_str(&claimed.job.params).map_err(|e| e.to_string())?;
    let profile = crate::body::profile(&claimed.input).map_err(|e| e.to_string())?;
    let start = regimen_core::profile::IsoDate::parse(&params.start)?;
    crate::resources::plan_now(
        state,
        (&profile, &[]),
        start,
        params.weeks,
        params.experiment,
        |plan| serde_json::to_value(plan),
    )
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())
}

/// `POST /api/v1/scans/label?name=`: a photo of a label's ingredient list, read on the
/// queue.
pub async fn scan_label(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ScanQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    let params = json!({ "name": query.name.unwrap_or_default() });
    scan(state, caller, "label", params, &headers, body).await
}

/// `POST /api/v1/scans/barcode`: a photo of a pack's barcode, read on the queue.
pub async fn scan_barcode(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    scan(state, caller, "barcode", json!({}), &headers, body).await
}

/// `GET /api/v1/jobs/{id}`: one of the caller's jobs.
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
) -> Result<Json<Value>, ApiError> {
    let job = state
        .store()
        .job(caller.user_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(job_json(&job)))
}

/// Runs one job: what it found, or why it could not.
fn run(state: &AppState, claimed: &Claimed) -> Result<Value, String> {
    let input = &claimed.input;
    match claimed.job.kind.as_str() {
        "barcode" => match regimen_scan::read_barcode(input) {
            Ok(found) => Ok(json!({ "barcode": found })),
            Err(error) => Err(error.to_string()),
        },
        "label" => read_label(state, input),
        "plan" => plan_job(state, claimed),
        other => Err(format!("no worker does \"{other}\" jobs")),
    }
}

#[cfg(feature = "ocr")]
fn read_label(state: &AppState, input: &[u8]) -> Result<Value, String> {
    match regimen_scan::read_label(state.analyzer(), input) {
        Ok(read) => Ok(json!({ "label": read })),
        Err(error) => Err(error.to_string()),
    }
}

#[cfg(not(feature = "ocr"))]
fn read_label(_: &AppState, _: &[u8]) -> Result<Value, String> {
    Err("this build of regimen reads no labels (built without the `ocr` feature)".into())
}

/// Renews a held job's lease every third of it until dropped (the job ended, or the
/// worker's task unwound), or until the claim no longer holds the job.
struct Renewal(tokio::task::JoinHandle<()>);

impl Renewal {
    fn start(state: &AppState, claimed: &Claimed, lease_seconds: u64) -> Renewal {
        let store = state.store().clone();
        let (id, claim) = (claimed.job.id, claimed.claim.clone());
        let every = Duration::from_secs((lease_seconds / 3).max(1));
        Renewal(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match store.renew_job(id, &claim, lease_seconds).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(error) => tracing::warn!(id, %error, "renewing a job's lease"),
                }
            }
        }))
    }
}

impl Drop for Renewal {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A worker: takes jobs in turn until `stop` resolves (between jobs), running each in a
/// CPU slot, each claim held for `lease_seconds` and renewed while the job runs (a job
/// whose worker died is taken again when its lease ends); ended jobs older than a day
/// are purged now and then. `name` names it in its claims and logs.
pub async fn work(
    state: AppState,
    name: String,
    lease_seconds: u64,
    stop: impl Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut purged = std::time::Instant::now();
    loop {
        let claim = match crate::auth::new_token() {
            Ok(token) => format!("{name}-{}", &token[..16]),
            Err(error) => {
                tracing::error!(%error, "a worker cannot make a claim");
                return;
            }
        };
        let claimed = tokio::select! {
            () = &mut stop => return,
            claimed = state.store().claim_job(&claim, lease_seconds, MAX_ATTEMPTS) => claimed,
        };
        match claimed {
            Ok(Some(job)) => {
                let renewal = Renewal::start(&state, &job, lease_seconds);
                // A job that panics (a decoder's bug on a crafted photo) fails alone: the
                // worker goes on.
                let outcome = state.cpu_bound(true, || {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&state, &job)))
                        .unwrap_or_else(|_| Err("reading this photo failed".to_string()))
                });
                let text = outcome.as_ref().map(Value::to_string);
                let text = match &text {
                    Ok(result) => Ok(result.as_str()),
                    Err(error) => Err(error.as_str()),
                };
                drop(renewal);
                let recorded = state.store().finish_job(job.job.id, &job.claim, text).await;
                match recorded {
                    Ok(true) => tracing::debug!(id = job.job.id, worker = %name, "a job ended"),
                    Ok(false) => tracing::warn!(
                        id = job.job.id,
                        worker = %name,
                        "a job outlived its lease and was taken again: its result was not recorded"
                    ),
                    Err(error) => tracing::warn!(id = job.job.id, %error, "recording a job's end"),
                }
            }
            Ok(None) => {
                if purged.elapsed() > Duration::from_secs(60) {
                    purged = std::time::Instant::now();
                    let before =
                        (chrono::Utc::now() - chrono::Duration::hours(KEPT_HOURS)).to_rfc3339();
                    if let Err(error) = state.store().purge_jobs(&before).await {
                        tracing::warn!(%error, "purging ended jobs");
                    }
                }
                tokio::select! {
                    () = &mut stop => return,
                    () = tokio::time::sleep(IDLE) => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, worker = %name, "looking for a job");
                tokio::select! {
                    () = &mut stop => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
}
