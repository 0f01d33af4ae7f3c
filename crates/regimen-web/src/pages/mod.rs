//! The web pages: server-rendered HTML (minijinja, autoescaped), plain forms with
//! post-redirect-get, no JavaScript needed, own CSS, offline. Every page sees the same
//! data as the API, through the same store scoping and the same core.

use crate::auth::{self, cookie_token, token_hash};
use crate::error::{ApiError, DocumentId};
use crate::resources::{make_saved_plan, Checkins, Resource};
use crate::AppState;
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, Local, NaiveDate};
use minijinja::{context, Environment, Value};
use regimen_core::analyzer::Options;
use regimen_core::avoid::AvoidList;
use regimen_core::calendar::to_ics;
use regimen_core::explain::{explain, suggest};
use regimen_core::plan::ShelfReport;
use regimen_core::plan::{Plan, DISCLAIMER};
use regimen_core::profile::{Answers, IsoDate, ShelfItem};
use regimen_core::vocab::{Concern, Condition, Goal, ProductKind, SkinTone, SkinType, Step};
use regimen_core::{PlanOptions, Profile};
use regimen_store::{Collection, Document};
use std::collections::BTreeMap;
use std::sync::OnceLock;

mod account;
mod checkin;
mod faq;
mod plan;
mod results;
mod shelf;
mod start;

use account::*;
use checkin::*;
use faq::*;
use plan::*;
use results::*;
use shelf::*;
use start::*;

const STYLE: &str = include_str!("../../static/style.css");

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A source's link says it in a few words; its title holds the whole citation.
        env.add_filter("short_citation", |citation: String| {
            regimen_core::knowledge::short_citation(&citation).to_string()
        });
        let sources = [
            ("layout.html", include_str!("../../templates/layout.html")),
            ("macros.html", include_str!("../../templates/macros.html")),
            ("start.html", include_str!("../../templates/start.html")),
            ("plan.html", include_str!("../../templates/plan.html")),
            ("results.html", include_str!("../../templates/results.html")),
            ("routine.html", include_str!("../../templates/routine.html")),
            ("day.html", include_str!("../../templates/day.html")),
            (
                "subscribed.html",
                include_str!("../../templates/subscribed.html"),
            ),
            ("shelf.html", include_str!("../../templates/shelf.html")),
            ("product.html", include_str!("../../templates/product.html")),
            ("checkin.html", include_str!("../../templates/checkin.html")),
            ("history.html", include_str!("../../templates/history.html")),
            ("faq.html", include_str!("../../templates/faq.html")),
            ("explain.html", include_str!("../../templates/explain.html")),
            ("account.html", include_str!("../../templates/account.html")),
            (
                "settings.html",
                include_str!("../../templates/settings.html"),
            ),
            ("error.html", include_str!("../../templates/error.html")),
        ];
        for (name, source) in sources {
            // The templates ship with the binary; a test renders every page.
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, name, "template does not compile");
            }
        }
        env
    })
}

/// Who is looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    user_id: Option<i64>,
    /// Their username (none in local mode).
    username: Option<String>,
    csrf: String,
    multi_user: bool,
}

impl Viewer {
    fn user(&self) -> Result<i64, PageError> {
        self.user_id.ok_or(PageError::SignIn)
    }
}

/// A document id in a page's path; one that is no number is the "not found" page.
struct PageId(i64);

impl FromRequestParts<AppState> for PageId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<PageId, PageError> {
        let DocumentId(id) = DocumentId::from_request_parts(parts, state).await?;
        Ok(PageId(id))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, PageError> {
        if !state.multi_user() {
            return Ok(Viewer {
                user_id: Some(state.local_user()),
                username: None,
                csrf: state.local_csrf().to_string(),
                multi_user: false,
            });
        }
        let session = match cookie_token(&parts.headers) {
            Some(token) => state
                .store()
                .session(&token_hash(&token))
                .await
                .map_err(ApiError::from)?,
            None => None,
        };
        Ok(Viewer {
            user_id: session.as_ref().map(|s| s.user_id),
            username: session.as_ref().map(|s| s.username.clone()),
            csrf: session.map(|s| s.csrf).unwrap_or_default(),
            multi_user: true,
        })
    }
}

/// What can go wrong on a page: answered with a page, never a raw error.
#[derive(Debug)]
pub enum PageError {
    /// Sign in first (multi-user mode).
    SignIn,
    /// Not found.
    NotFound,
    /// A forged or foreign form.
    Forbidden,
    /// Anything else.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        match error {
            ApiError::NotFound | ApiError::NoRoute(_) => PageError::NotFound,
            other => PageError::Api(other),
        }
    }
}

impl From<regimen_store::StoreError> for PageError {
    fn from(error: regimen_store::StoreError) -> PageError {
        PageError::Api(error.into())
    }
}

/// An unknown path or a method a path does not take, outside the API: a page, not JSON.
pub fn page_not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address. The links at the top lead to your plan, your shelf and your check-ins.",
    )
}

/// A method a page does not take (a form sent to a page that shows only).
pub fn page_method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "That did not work",
        "This page only shows; it takes no form. Go back and use the page's own buttons.",
    )
}

fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let ctx = context! { page => "error", heading, message, disclaimer => DISCLAIMER, multi_user => false, signed_in => false, csrf => "" };
    match templates()
        .get_template("error.html")
        .and_then(|t| t.render(ctx))
    {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn => Redirect::to("/signin").into_response(),
            PageError::NotFound => error_page(StatusCode::NOT_FOUND, "Not found", "There is nothing here, or it is not yours."),
            PageError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "That form was not sent from this page",
                "For your safety regimen only takes forms sent from its own pages. Go back, reload the page and try again.",
            ),
            PageError::Api(ApiError::Internal(detail)) => {
                tracing::error!(%detail, "page failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Sorry: regimen could not show this page. Please try again.")
            }
            PageError::Api(other) => {
                let status = other.status();
                error_page(status, "That did not work", &other.to_string())
            }
        }
    }
}

type PageResult = Result<Response, PageError>;

fn render(name: &str, viewer: &Viewer, page: &str, status: StatusCode, ctx: Value) -> PageResult {
    let base = context! {
        page,
        multi_user => viewer.multi_user,
        signed_in => viewer.user_id.is_some(),
        username => viewer.username.clone(),
        csrf => viewer.csrf.clone(),
        disclaimer => DISCLAIMER,
    };
    let ctx = context! { ..ctx, ..base };
    let html = templates()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| ApiError::Internal(format!("rendering {name}: {e:#}")))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response())
}

/// A form body: like the API's, but a body too large is answered with a page.
pub struct PageBody(Vec<u8>);

impl axum::extract::FromRequest<AppState> for PageBody {
    type Rejection = PageError;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<PageBody, PageError> {
        let bytes = crate::body::limited(request, state).await?;
        Ok(PageBody(bytes.to_vec()))
    }
}

/// Fields of a submitted form, in order (repeated names allowed).
struct FormData(Vec<(String, String)>);

impl FormData {
    /// A form's fields; the NUL character, which no text holds and no database stores,
    /// is dropped.
    fn parse(bytes: &[u8]) -> FormData {
        FormData(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.replace('\0', ""), v.replace('\0', "")))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == "true")
    }
}

/// One field of a page's query string, decoded ("" when absent).
fn query_field(query: Option<&str>, name: &str) -> String {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// A form post must come from our own pages: the [`crate::guard`] refused posts from
/// other sites before the handler ran; here a signed-in viewer's form (the local user's
/// too) must carry their CSRF token.
fn check_form(viewer: &Viewer, form: &FormData) -> Result<(), PageError> {
    if viewer.user_id.is_some() && form.get("csrf") != viewer.csrf {
        return Err(PageError::Forbidden);
    }
    Ok(())
}

/// A multipart form with one file: its other fields, the file (its declared type and
/// what was received), and why the file was refused, if it was.
struct Upload {
    fields: FormData,
    file: Option<(String, crate::upload::Spooled)>,
    /// The file's declared type, received or not.
    declared: String,
    refused: Option<crate::upload::Refused>,
}

impl Upload {
    /// The page's word for what happened to a refused file (`large`, `image`), if it was.
    fn refused_code(&self) -> Option<&'static str> {
        use crate::upload::Refused;
        match self.refused.as_ref()? {
            Refused::TooLarge { .. }
            | Refused::Image(regimen_photos::PhotoError::TooLarge { .. }) => Some("large"),
            Refused::Image(_) => Some("image"),
            Refused::Body(_) | Refused::Disk(_) => Some("broken"),
        }
    }

    /// The file received, unless it is empty.
    fn received(&self) -> Option<&(String, crate::upload::Spooled)> {
        self.file.as_ref().filter(|(_, f)| !f.is_empty())
    }
}

/// The longest text field of a multipart form (a name, a date, the form's token).
const MAX_FORM_FIELD: usize = 64 << 10;

/// Reads a multipart form whose file is the field `file_field`, received as it comes
/// (see `upload.rs`): the caller holds an upload slot of the person's while it is read.
async fn read_upload(
    mut multipart: axum::extract::Multipart,
    file_field: &str,
    limit: usize,
    image: bool,
) -> Result<Upload, PageError> {
    use crate::upload::Refused;
    let mut upload = Upload {
        fields: FormData(Vec::new()),
        file: None,
        declared: String::new(),
        refused: None,
    };
    let too_large =
        |e: &axum::extract::multipart::MultipartError| e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                // A body beyond the limit ends the form; anything else is a bad form.
                if too_large(&error) {
                    upload.refused = Some(Refused::TooLarge { limit });
                    break;
                }
                return Err(PageError::from(ApiError::BadRequest {
                    message: error.body_text(),
                    field: None,
                }));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let kind = field.content_type().unwrap_or_default().to_string();
            upload.declared.clone_from(&kind);
            let received = crate::upload::spool(field, limit, image, |e| {
                if too_large(&e) {
                    Refused::TooLarge { limit }
                } else {
                    Refused::Body(e.body_text())
                }
            })
            .await;
            match received {
                Ok(file) => upload.file = Some((kind, file)),
                Err(refused) => {
                    upload.refused = Some(refused);
                    break;
                }
            }
        } else {
            // Any other field is a short text: read up to its cap, never whole.
            let mut field = field;
            let mut text: Vec<u8> = Vec::new();
            while let Ok(Some(chunk)) = field.chunk().await {
                if text.len() + chunk.len() > MAX_FORM_FIELD {
                    upload.refused = Some(Refused::TooLarge {
                        limit: MAX_FORM_FIELD,
                    });
                    return Ok(upload);
                }
                text.extend_from_slice(&chunk);
            }
            let text = String::from_utf8_lossy(&text).replace('\0', "");
            upload.fields.0.push((name, text));
        }
    }
    Ok(upload)
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The person's current profile (the one they saved last), with their shelf added.
async fn current_profile(
    state: &AppState,
    user: i64,
) -> Result<Option<(Document, Profile)>, PageError> {
    let Some(document) = state
        .store()
        .list(user, Collection::Profile)
        .await?
        .into_iter()
        .max_by_key(|d| d.id)
    else {
        return Ok(None);
    };
    let mut profile = Profile::from_json(&document.body)
        .map_err(|e| ApiError::Internal(format!("stored profile: {e}")))?;
    for item in shelf_items(state, user).await? {
        if profile.shelf.len() < regimen_core::profile::MAX_SHELF {
            profile.shelf.push(item.1);
        }
    }
    Ok(Some((document, profile)))
}

async fn shelf_items(state: &AppState, user: i64) -> Result<Vec<(i64, ShelfItem)>, PageError> {
    let documents = state.store().list(user, Collection::Shelf).await?;
    Ok(documents
        .into_iter()
        .filter_map(|d| {
            serde_json::from_str::<ShelfItem>(&d.body)
                .ok()
                .map(|item| (d.id, item))
        })
        .collect())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(start).post(save_start))
        .route("/plan", get(plan_page))
        .route("/plan.json", get(plan_download_json))
        .route("/plan.ics", get(plan_download_ics))
        .route("/plan/subscribe", post(subscribe))
        .route("/plan/unsubscribe", post(unsubscribe))
        .route("/plan/next", post(plan_next))
        .route("/plan/again", post(plan_again))
        .route("/day/{date}", get(day_page).post(save_day))
        .route("/shelf", get(shelf_page).post(add_product))
        .route("/shelf/catalog", post(add_from_catalog))
        .route(
            "/shelf/label",
            post(scan_label).layer(axum::extract::DefaultBodyLimit::max(
                crate::photos::MAX_PHOTO_BODY + 64 * 1024,
            )),
        )
        .route(
            "/shelf/scan",
            post(scan_barcode).layer(axum::extract::DefaultBodyLimit::max(
                crate::photos::MAX_PHOTO_BODY + 64 * 1024,
            )),
        )
        .route("/shelf/{id}", get(product_page))
        .route("/shelf/{id}/delete", post(remove_product))
        .route("/checkin", get(checkin_page).post(save_checkin))
        .route("/checkin/{id}/delete", post(delete_checkin))
        .route(
            "/checkin/photo",
            post(add_photo).layer(axum::extract::DefaultBodyLimit::max(
                crate::photos::MAX_PHOTO_BODY + 64 * 1024,
            )),
        )
        .route("/photos/{id}/delete", post(delete_photo))
        .route("/history", get(history_page))
        .route("/results", get(results_page))
        .route("/results/start", post(start_experiment))
        .route("/faq", get(faq_page))
        .route("/explain/{id}", get(explain_page))
        .route("/signup", get(signup_page).post(signup))
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
        .route("/account", get(account_page))
        .route("/account/export.json", get(account_export))
        .route("/account/password", post(change_password))
        .route("/account/signout-everywhere", post(sign_out_everywhere))
        .route("/account/delete", post(delete_account))
        .route(
            "/account/import",
            // Beyond the file's limit, so that a file too large is read up to it and
            // said as such on the page, with the form's other fields.
            post(account_import).layer(axum::extract::DefaultBodyLimit::max(
                crate::body::MAX_IMPORT + MAX_FORM_FIELD * 4,
            )),
        )
        .route("/static/style.css", get(style))
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}
