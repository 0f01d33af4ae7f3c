//! The one error type of the web layer: every failure becomes a status code and a JSON
//! body `{"error": "...", "field": "..."}`. Server faults are logged with their detail
//! and answered with a plain 500 that leaks nothing.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use regimen_store::StoreError;
use serde::Serialize;

/// A failed request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed (bad JSON, wrong type): 400.
    #[error("{message}")]
    BadRequest {
        /// What is wrong.
        message: String,
        /// The field path, when known.
        field: Option<String>,
    },
    /// The request is well-formed but a value is not acceptable: 422.
    #[error("{message}")]
    Invalid {
        /// What is wrong.
        message: String,
        /// The field path, when known.
        field: Option<String>,
    },
    /// The body is too large: 413.
    #[error("the request body is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A person's storage is full (too many documents of a kind): 413.
    #[error("{0}")]
    Quota(String),
    /// The body came too slowly: 408.
    #[error("the request body took too long to arrive")]
    SlowBody,
    /// The request was not read and answered within the deadline of every request: 408.
    #[error("the request took longer than {} seconds to arrive and be answered; try again", crate::REQUEST_DEADLINE.as_secs())]
    Deadline,
    /// A body that is not JSON: 415.
    #[error("send the body as JSON, with Content-Type: application/json")]
    MediaType,
    /// A body of a type this route does not take (a photo that is no JPEG, PNG or
    /// WebP): 415.
    #[error("{0}")]
    Unsupported(String),
    /// No or bad credentials: 401.
    #[error("sign in first: send `Authorization: Bearer <token>` or the session cookie")]
    Unauthorized,
    /// Wrong username or password: 401.
    #[error("wrong username or password")]
    BadLogin,
    /// A cookie-authenticated write without the CSRF header: 403.
    #[error("missing or wrong X-CSRF-Token header for a cookie-authenticated write")]
    Csrf,
    /// Not found (or another user's): 404.
    #[error("not found")]
    NotFound,
    /// No such endpoint: 404.
    #[error("no such endpoint: {0}")]
    NoRoute(String),
    /// A method the endpoint does not take: 405.
    #[error("{0} is not allowed: see /api/v1/openapi.json for the methods of each path")]
    Method(String),
    /// Taken: 409.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts: 429.
    #[error("too many sign-in attempts from here; try again in a few minutes")]
    TooManyAttempts,
    /// A person's queued scans and large plans are at their limit: 429.
    #[error("{0} of your scans or large plans are waiting to be done already; send this one when they are done")]
    TooManyJobs(i64),
    /// A stateless plan above the queue's cost, asked without an account: 401.
    #[error("a plan for {products} products over {weeks} weeks is heavy work, done for people who are signed in: sign in (an account is free) and send it again, or send fewer products or weeks")]
    HeavyPlan {
        /// Products on the shelf.
        products: usize,
        /// Weeks asked for.
        weeks: u8,
    },
    /// This client made its accounts for now: 429.
    #[error("too many new accounts from here; try again in a few minutes")]
    TooManySignups,
    /// Sign-ups are paused (the disk is nearly full, or a burst from everywhere): 503.
    #[error("regimen is not taking new accounts just now; please try again later")]
    SignupsClosed,
    /// A person's uploads in flight are at their limit: 429.
    #[error(
        "{0} of your uploads are on their way already; send this one when one of them is done"
    )]
    TooManyUploads(usize),
    /// The database cannot store anything now (a full disk, a read-only file): 503 with
    /// Retry-After, logged. Nothing was stored.
    #[error(
        "the server cannot store anything right now; nothing was saved, please try again later"
    )]
    Unavailable(String),
    /// The photo store would not remove a photo's images (read-only, an outage): the
    /// photo, or the account, stays as it was until they can be removed: 503.
    #[error("your photos cannot be removed from the photo store right now; what they belong to is kept as it was until they can be, please try again later")]
    PhotosRemain(String),
    /// Too busy right now (every password-hashing slot taken): 503 with Retry-After.
    #[error("the server is busy; please try again in a moment")]
    Busy,
    /// A fault of the server: 500, logged.
    #[error("internal error")]
    Internal(String),
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

impl ApiError {
    /// A 422 naming a field.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            message: message.into(),
            field: Some(field.to_string()),
        }
    }

    /// The status code this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::SlowBody | ApiError::Deadline => StatusCode::REQUEST_TIMEOUT,
            ApiError::Quota(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::MediaType | ApiError::Unsupported(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthorized | ApiError::BadLogin | ApiError::HeavyPlan { .. } => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::Method(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyAttempts
            | ApiError::TooManyUploads(_)
            | ApiError::TooManySignups
            | ApiError::TooManyJobs(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_)
            | ApiError::Busy
            | ApiError::SignupsClosed
            | ApiError::PhotosRemain(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// A photo refused: not a type regimen takes (415), no picture or too large (422), or
/// a fault in encoding what is kept (500).
impl From<regimen_photos::PhotoError> for ApiError {
    fn from(error: regimen_photos::PhotoError) -> ApiError {
        use regimen_photos::PhotoError;
        match error {
            PhotoError::Unsupported(_) => ApiError::Unsupported(error.to_string()),
            PhotoError::NotAnImage(_) | PhotoError::TooLarge { .. } => ApiError::Invalid {
                message: error.to_string(),
                field: None,
            },
            PhotoError::Encode(detail) => ApiError::Internal(detail),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "request failed"),
            ApiError::Unavailable(detail) => tracing::error!(%detail, "a write was refused"),
            ApiError::PhotosRemain(detail) => {
                tracing::error!(%detail, "the photo store refused a delete")
            }
            _ => {}
        }
        let field = match &self {
            ApiError::BadRequest { field, .. } | ApiError::Invalid { field, .. } => {
                field.as_deref()
            }
            _ => None,
        };
        let body = ErrorBody {
            error: self.to_string(),
            field,
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("30"),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} is already taken")),
            StoreError::Unavailable(detail) => ApiError::Unavailable(detail),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<regimen_core::ProfileError> for ApiError {
    fn from(error: regimen_core::ProfileError) -> ApiError {
        ApiError::Invalid {
            message: error.message,
            field: error.field,
        }
    }
}

/// The id of a stored document in a path (`/api/v1/shelf/{id}`, `/shelf/{id}`): a path
/// that is no number names no document, so it is a 404 like any other unknown id, never
/// the framework's raw parse message.
#[derive(Debug, Clone, Copy)]
pub struct DocumentId(pub i64);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for DocumentId {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<DocumentId, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::NotFound)?;
        raw.parse().map(DocumentId).map_err(|_| ApiError::NotFound)
    }
}
