//! The handlers. Each one is thin: read and check the input, call the store or the
//! core, answer JSON (or iCalendar).

use crate::auth::{self, Caller};
use crate::body::{parse, ApiQuery, Body};
use crate::error::{ApiError, DocumentId};
use crate::resources::{
    experiment_seed, make_saved_plan, plan_validators, plan_weeks, Resource, SavedPlan,
};
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Local;
use regimen_core::calendar::to_ics;
use regimen_core::profile::IsoDate;
use regimen_store::Collection;
use serde::Deserialize;
use serde_json::{json, Value};

/// `GET /healthz`: 200 `{"status": "ok"}`, or 503 `{"status": "read_only"}` when the
/// database answers but takes no writes (so a balancer stops sending people here).
pub async fn healthz(State(state): State<AppState>) -> Response {
    let checked = tokio::time::timeout(HEALTH_DEADLINE, async {
        state.store().ping().await?;
        state.writable().await
    })
    .await;
    let unavailable = |status: &str, error: &str| {
        let body = Json(json!({"status": status, "error": error}));
        let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        response
    };
    match checked {
        Err(_) => {
            tracing::error!("the database does not answer within {HEALTH_DEADLINE:?}");
            unavailable(
                "unavailable",
                "the database does not answer within a second",
            )
        }
        Ok(Err(error)) => {
            tracing::error!(%error, "the database does not answer");
            unavailable("unavailable", "the database does not answer")
        }
        Ok(Ok(false)) => {
            tracing::error!("the database is read-only");
            unavailable("read_only", "the database takes no writes")
        }
        Ok(Ok(true))
            if state
                .store()
                .free_bytes()
                .is_some_and(|free| free < DISK_FULL) =>
        {
            tracing::error!("the database's disk is full");
            unavailable("disk_full", "the database's disk is full: writes will fail")
        }
        Ok(Ok(true)) => Json(json!({"status": "ok"})).into_response(),
    }
}

/// `/healthz` answers within this, whatever the database does.
const HEALTH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(1);

/// Free bytes under which the SQLite database's disk counts as full.
const DISK_FULL: u64 = 4 << 20;

/// An unknown path: 404 in the API's JSON under /api, a page elsewhere.
pub async fn not_found(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::NoRoute(format!("{method} {}", uri.path())).into_response()
    } else {
        crate::pages::page_not_found()
    }
}

/// A known path with a method it does not take: 405 in the API's JSON under /api, a
/// page elsewhere.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    if is_api(uri.path()) {
        ApiError::Method(format!("{method} {}", uri.path())).into_response()
    } else {
        crate::pages::page_method_not_allowed()
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path == "/healthz"
}

/// `GET /api/v1/openapi.json`: the document, made once (it never changes while the
/// server runs) and answered as its bytes.
pub async fn openapi_json() -> Response {
    static DOCUMENT: std::sync::OnceLock<axum::body::Bytes> = std::sync::OnceLock::new();
    let bytes = DOCUMENT.get_or_init(|| crate::openapi::document().to_string().into());
    json_answer(bytes.clone())
}

#[derive(Debug, Deserialize)]
pub struct PlanQuery {
    weeks: Option<i64>,
    start: Option<String>,
    /// Make it a personal experiment.
    #[serde(default)]
    experiment: bool,
    /// The experiment's seed (default: a new one).
    seed: Option<u64>,
}

/// `POST /api/v1/plan`: a profile in, a plan out; stateless.
pub async fn plan(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    ApiQuery(query): ApiQuery<PlanQuery>,
    Body(bytes): Body,
) -> Result<Response, ApiError> {
    let profile = crate::body::given_profile(&bytes)?;
    let weeks = plan_weeks(query.weeks, query.experiment)?;
    let start = match &query.start {
        Some(text) => IsoDate::parse(text).map_err(|e| ApiError::invalid("start", e))?,
        None => profile.start.unwrap_or(IsoDate(Local::now().date_naive())),
    };
    let experiment = match (query.experiment, query.seed) {
        (true, seed) => Some(experiment_seed(seed, "seed")?),
        (false, Some(_)) => {
            return Err(ApiError::invalid(
                "seed",
                "a seed is for an experiment: add experiment=true",
            ))
        }
        (false, None) => None,
    };
    // A large plan of a hosted server is made on the queue, in turn with everyone's;
    // what the planner would refuse (a plan past the calendar's end) is said first.
    if state.multi_user() && crate::jobs::queued_plan(&profile, weeks) {
        crate::resources::plan_options(start, weeks, experiment)?;
        let caller = caller.map_err(|error| match error {
            ApiError::Unauthorized => ApiError::HeavyPlan {
                products: profile.shelf.len(),
                weeks,
            },
            other => other,
        })?;
        let params = crate::jobs::PlanParams {
            start: start.0.to_string(),
            weeks,
            experiment,
        };
        return crate::jobs::plan_on_queue(&state, caller.user_id, &params, &bytes).await;
    }
    let body = make_saved_plan(&state, (&profile, &[]), start, weeks, experiment, |plan| {
        // A 4-week plan is about 15 KB of JSON: one allocation instead of a dozen.
        let mut buffer = Vec::with_capacity(32 * 1024);
        serde_json::to_writer(&mut buffer, plan).map(|()| buffer)
    })?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub async fn create<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    Body(bytes): Body,
) -> Result<Response, ApiError> {
    let stored = R::accept(&state, caller, &bytes).await?;
    let (document, created) = state
        .create_document(
            caller.user_id,
            R::COLLECTION,
            &stored.sort_key,
            &stored.body,
        )
        .await?;
    // A check-in for a date that has one updates it: 200 with the same id.
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, json_answer(R::answer(&state, &document)?)).into_response())
}

/// JSON text as an answer.
fn json_answer(text: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], text).into_response()
}

/// A list's page: `?limit=` (default [`PAGE`], at most [`MAX_PAGE`]) and `?cursor=`
/// (from the `Link` header of the page before).
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Items of a list page by default.
pub const PAGE: i64 = 100;
/// The most items of a list page.
pub const MAX_PAGE: i64 = 500;

/// A cursor: the last item's id and sort key (hex), so that the next page starts after it.
fn cursor_of(document: &regimen_store::Document) -> String {
    let hex: String = document
        .sort_key
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{}.{hex}", document.id)
}

fn read_cursor(cursor: &str) -> Result<(String, i64), ApiError> {
    let bad = || ApiError::invalid("cursor", "not a cursor from this list's Link header");
    let (id, hex) = cursor.split_once('.').ok_or_else(bad)?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    if hex.len() % 2 != 0 || hex.len() > 4096 {
        return Err(bad());
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| bad())?;
    let key = String::from_utf8(bytes).map_err(|_| bad())?;
    if key.contains('\0') {
        return Err(bad());
    }
    Ok((key, id))
}

pub async fn list<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    uri: axum::http::Uri,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let limit = page.limit.unwrap_or(PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::invalid(
            "limit",
            format!("a page has 1 to {MAX_PAGE} items"),
        ));
    }
    let after = page.cursor.as_deref().map(read_cursor).transpose()?;
    let mut documents = state
        .store()
        .list_page(
            caller.user_id,
            R::COLLECTION,
            after.as_ref().map(|(key, id)| (key.as_str(), *id)),
            limit + 1,
        )
        .await?;
    // One more than the page says whether there is a next one.
    let next = (documents.len() as i64 > limit).then(|| {
        documents.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        documents.last().map(cursor_of)
    });
    // One document that no longer passes its checks (stored by an older version) is
    // shown with its error, and the rest of the list still answers. Each item is the
    // text its own read answers (kept ones are not made again).
    let mut text = b"[".to_vec();
    for (i, d) in documents.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        match R::answer(&state, d) {
            Ok(item) => text.extend_from_slice(&item),
            Err(error) => {
                tracing::warn!(id = d.id, %error, "a stored document fails its checks");
                let item = json!({"id": d.id, "error": error.to_string()});
                text.extend_from_slice(item.to_string().as_bytes());
            }
        }
    }
    text.push(b']');
    let mut response = json_answer(text.into());
    if let Some(Some(cursor)) = next {
        let link = format!(
            "<{}?limit={limit}&cursor={cursor}>; rel=\"next\"",
            uri.path()
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

pub async fn read<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let document = state
        .store()
        .get(caller.user_id, R::COLLECTION, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let answer = || R::answer(&state, &document).map(json_answer);
    match R::validators(&state, &document) {
        Some(validators) => validators.answer(&request, answer),
        None => answer(),
    }
}

pub async fn update<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
    Body(bytes): Body,
) -> Result<Response, ApiError> {
    // Not found first: another user's id answers 404 whatever the body.
    state
        .store()
        .get(caller.user_id, R::COLLECTION, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let stored = R::accept(&state, caller, &bytes).await?;
    let document = state
        .store()
        .update(
            caller.user_id,
            R::COLLECTION,
            id,
            &stored.sort_key,
            &stored.body,
        )
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(json_answer(R::answer(&state, &document)?))
}

pub async fn delete<R: Resource>(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
) -> Result<StatusCode, ApiError> {
    if state
        .store()
        .delete(caller.user_id, R::COLLECTION, id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}

/// Fails with 404 unless the caller owns saved plan `id`.
async fn owned_plan(state: &AppState, caller: Caller, id: i64) -> Result<(), ApiError> {
    state
        .store()
        .get(caller.user_id, Collection::Plan, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(())
}

/// `GET /api/v1/plans/{id}/results`: what the owner's check-ins say about the plan.
pub async fn results(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
) -> Result<Json<regimen_core::experiment::Results>, ApiError> {
    let document = state
        .store()
        .get(caller.user_id, Collection::Plan, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let saved: SavedPlan = serde_json::from_str(&document.body)
        .map_err(|e| ApiError::Internal(format!("stored plan {id}: {e}")))?;
    Ok(Json(
        crate::resources::plan_results(&state, caller.user_id, &saved).await?,
    ))
}

/// The query of a catalog search.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogQuery {
    /// Name words, a brand or a barcode.
    q: String,
    /// How many products at most (1 to 50; 20 unless said).
    limit: Option<u32>,
}

/// `GET /api/v1/faq?q=`: a question as a person types it, answered from the rules that
/// decide the plan (`{"answer", "sources", "confidence", "understood", "did_you_mean"}`);
/// when regimen is not sure, `confidence` is `low` and `did_you_mean` offers the closest
/// questions. No login needed.
pub async fn faq(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FaqQuery>,
) -> Result<Json<Value>, ApiError> {
    if query.q.trim().is_empty() {
        return Err(ApiError::Invalid {
            field: Some("q".into()),
            message: "ask a question".into(),
        });
    }
    if query.q.chars().count() > regimen_core::ask::MAX_QUESTION {
        return Err(ApiError::Invalid {
            field: Some("q".into()),
            message: format!(
                "a question is at most {} characters",
                regimen_core::ask::MAX_QUESTION
            ),
        });
    }
    Ok(Json(
        regimen_core::ask::ask(state.knowledge(), &query.q).json(),
    ))
}

/// `GET /api/v1/faq`'s query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaqQuery {
    /// The question.
    q: String,
}

/// The longest search the catalog reads.
const MAX_QUERY: usize = 200;

/// `GET /api/v1/catalog?q=`: products of the catalog by name words, brand or barcode,
/// best first; typo-tolerant, accents ignored. Public data: no login needed.
pub async fn catalog_search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CatalogQuery>,
) -> Result<Json<Value>, ApiError> {
    if query.q.len() > MAX_QUERY {
        return Err(ApiError::Invalid {
            field: Some("q".into()),
            message: format!("a search is at most {MAX_QUERY} characters"),
        });
    }
    let limit = query.limit.unwrap_or(20);
    if !(1..=crate::catalog::MAX_RESULTS).contains(&limit) {
        return Err(ApiError::Invalid {
            field: Some("limit".into()),
            message: format!("between 1 and {}", crate::catalog::MAX_RESULTS),
        });
    }
    let found =
        crate::catalog::search(state.store(), state.catalog_words(), &query.q, limit).await?;
    Ok(Json(crate::catalog::found_json(&found)))
}

/// `GET /api/v1/catalog/{code}`: one product of the catalog with its ingredient list,
/// its analysis and its source.
pub async fn catalog_product(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<Json<Value>, ApiError> {
    let forms = regimen_core::catalog::barcode_forms(&code).ok_or(ApiError::NotFound)?;
    let product = state
        .store()
        .catalog_product(&forms)
        .await?
        .ok_or(ApiError::NotFound)?;
    let version = state.version().to_string();
    let value = state.cpu_bound(true, || {
        crate::catalog::product_json(&product, state.analyzer(), &version)
    });
    Ok(Json(value))
}

/// `POST /api/v1/plans/{id}/feed`: a new secret calendar-feed address for a saved plan.
pub async fn create_feed(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
) -> Result<Response, ApiError> {
    owned_plan(&state, caller, id).await?;
    let token = auth::new_token()?;
    state
        .store()
        .create_feed_token(caller.user_id, id, &auth::token_hash(&token))
        .await?;
    let url = format!("/api/v1/plan.ics?token={token}");
    // The full address, from the configured public address (never the Host header).
    let address = format!("{}{url}", state.settings().public_url.trim_end_matches('/'));
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token, "url": url, "address": address})),
    )
        .into_response())
}

/// `DELETE /api/v1/plans/{id}/feed`: revokes every feed address of a saved plan.
pub async fn revoke_feed(
    State(state): State<AppState>,
    caller: Caller,
    DocumentId(id): DocumentId,
) -> Result<StatusCode, ApiError> {
    owned_plan(&state, caller, id).await?;
    state.store().revoke_feed_tokens(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct FeedQuery {
    token: Option<String>,
    /// The morning routine's time (HH:MM), the evening's, and the reminder in minutes
    /// before each (see resources::calendar_options).
    am: Option<String>,
    pm: Option<String>,
    remind: Option<String>,
}

/// `GET /api/v1/plan.ics?token=...`: a saved plan as an iCalendar feed.
pub async fn feed(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FeedQuery>,
    request: HeaderMap,
) -> Result<Response, ApiError> {
    let token = query
        .token
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    let (user_id, plan_id) = state
        .store()
        .feed(&auth::token_hash(&token))
        .await?
        .ok_or(ApiError::NotFound)?;
    let document = state
        .store()
        .get(user_id, Collection::Plan, plan_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    // Calendar apps ask every few hours: the feed is made once for the plan's inputs
    // and this version, and a copy that is still right is a 304.
    let options = crate::resources::calendar_options(
        query.am.as_deref(),
        query.pm.as_deref(),
        query.remind.as_deref(),
    )?;
    let variant = format!("ics {} {} {:?}", options.am, options.pm, options.remind);
    let validators = plan_validators(&state, &document, &variant);
    validators.answer(&request, || {
        let ics = state.answers().get_or_make(validators.key(), || {
            let saved: SavedPlan = serde_json::from_str(&document.body)
                .map_err(|e| ApiError::Internal(format!("stored plan {plan_id}: {e}")))?;
            let ics = saved.make(&state, |plan| to_ics(state.knowledge(), plan, &options))?;
            let size = ics.len();
            Ok::<_, ApiError>((axum::body::Bytes::from(ics), size))
        })?;
        Ok((
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            (*ics).clone(),
        )
            .into_response())
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    username: String,
    password: String,
}

/// `POST /api/v1/accounts`: a new account (multi-user mode).
pub async fn create_account(
    State(state): State<AppState>,
    client: auth::ClientAddr,
    Body(bytes): Body,
) -> Result<Response, ApiError> {
    if !state.multi_user() {
        return Err(ApiError::NotFound);
    }
    let credentials: Credentials = parse(&bytes)?;
    let id = auth::create_account(
        &state,
        &credentials.username,
        &credentials.password,
        &client,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "username": credentials.username})),
    )
        .into_response())
}

/// `POST /api/v1/sessions`: signs in; answers the bearer token and sets the cookie.
/// `DELETE /api/v1/account`: the caller's account and everything it stored go; its
/// tokens and its password stop working (multi-user mode).
pub async fn delete_account(
    State(state): State<AppState>,
    caller: Caller,
    client: auth::ClientAddr,
    Body(bytes): Body,
) -> Result<Response, ApiError> {
    if !state.multi_user() {
        return Err(ApiError::NotFound);
    }
    #[derive(serde::Deserialize)]
    struct Confirm {
        password: String,
    }
    let confirm: Confirm = parse(&bytes)?;
    if !auth::check_password(&state, caller.user_id, &confirm.password, &client).await? {
        return Err(ApiError::invalid(
            "password",
            "that is not your password: nothing was deleted",
        ));
    }
    crate::photos::forget_all(&state, caller.user_id).await?;
    if !state.store().delete_user(caller.user_id).await? {
        return Err(ApiError::NotFound);
    }
    tracing::info!(user = caller.user_id, "an account was deleted");
    let mut headers = HeaderMap::new();
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::expired_cookie())
            .map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

pub async fn create_session(
    State(state): State<AppState>,
    client: auth::ClientAddr,
    Body(bytes): Body,
) -> Result<Response, ApiError> {
    if !state.multi_user() {
        return Err(ApiError::NotFound);
    }
    let credentials: Credentials = parse(&bytes)?;
    let session = auth::sign_in(
        &state,
        &credentials.username,
        &credentials.password,
        &client,
    )
    .await?;
    let mut headers = HeaderMap::new();
    let cookie = session.cookie(state.settings().secure_cookies);
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    let body =
        json!({"token": session.token, "csrf": session.csrf, "expires_at": session.expires_at});
    Ok((StatusCode::CREATED, headers, Json(body)).into_response())
}

/// `DELETE /api/v1/sessions`: signs out (the bearer token or the cookie's session).
pub async fn delete_session(
    State(state): State<AppState>,
    caller: Caller,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let _ = caller;
    let bearer = auth::bearer(&request_headers).map(str::to_string);
    let cookie = auth::cookie_token(&request_headers);
    for token in [bearer, cookie].into_iter().flatten() {
        state
            .store()
            .delete_session(&auth::token_hash(&token))
            .await?;
    }
    let mut headers = HeaderMap::new();
    let expired = format!(
        "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
        auth::COOKIE
    );
    headers.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&expired).map_err(|e| ApiError::Internal(e.to_string()))?,
    );
    Ok((StatusCode::NO_CONTENT, headers).into_response())
}

/// `GET /api/v1/export`: everything stored for the caller, as one JSON document.
pub async fn export(State(state): State<AppState>, caller: Caller) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::export::export_body(state, caller.user_id),
    )
        .into_response()
}

/// `POST /api/v1/import`: takes an export back; every document is checked first, and
/// nothing is stored unless all of them pass.
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    Body(bytes): Body<{ crate::body::MAX_IMPORT }>,
) -> Result<Response, ApiError> {
    let (count, skipped) = crate::export::import_bytes(&state, caller, &bytes).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"imported": count, "skipped": skipped})),
    )
        .into_response())
}
