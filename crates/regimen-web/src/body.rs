//! Reading JSON bodies: a size limit answered with 413, and parse errors answered with
//! 400 naming the field path (`ratings.acne`) and the problem.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// The largest request body accepted, in bytes.
pub const MAX_BODY: usize = 256 * 1024;
/// The largest export taken back (`POST /api/v1/import`, "Take back a file"): years of
/// daily check-ins (a check-in is about 300 bytes; ten years are about 1 MB).
pub const MAX_IMPORT: usize = 4 * 1024 * 1024;
/// How long a client may take to send a body (a slow sender holds a connection).
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A JSON body, within `LIMIT` bytes ([`MAX_BODY`] unless said). It must be sent as
/// `application/json`: a browser cannot send that type to another site without asking
/// first (CORS), so a web page elsewhere cannot write through the API of a local server.
pub struct Body<const LIMIT: usize = MAX_BODY>(pub Bytes);

impl<S: Send + Sync, const LIMIT: usize> FromRequest<S> for Body<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Body<LIMIT>, ApiError> {
        let json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/json")
            });
        if !json {
            return Err(ApiError::MediaType);
        }
        Ok(Body(limited_to(request, state, LIMIT).await?))
    }
}

/// The body of a request within [`MAX_BODY`], whatever its type (413 beyond), sent
/// within [`BODY_TIMEOUT`] (408 beyond).
pub async fn limited<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    limited_to(request, state, MAX_BODY).await
}

/// The body of a request within `limit` bytes (413 beyond; the route's
/// `DefaultBodyLimit` must allow as much), sent within [`BODY_TIMEOUT`] (408 beyond).
async fn limited_to<S: Send + Sync>(
    request: Request,
    state: &S,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::TooLarge { limit });
    }
    tokio::time::timeout(BODY_TIMEOUT, Bytes::from_request(request, state))
        .await
        .map_err(|_| ApiError::SlowBody)?
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge { limit }
            } else {
                ApiError::BadRequest {
                    message: format!("could not read the body: {rejection}"),
                    field: None,
                }
            }
        })
}

/// A query string, or a 400 in the API's JSON naming the problem (never the
/// framework's plain-text answer).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<ApiQuery<T>, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let field = (path != "." && !path.is_empty()).then_some(path);
                ApiError::BadRequest {
                    message: match &field {
                        Some(field) => format!("query parameter {field}: {}", error.inner()),
                        None => format!("bad query: {}", error.inner()),
                    },
                    field,
                }
            })
    }
}

/// Parses JSON, naming the field path of the first problem.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let inner = error.inner();
        let message = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                format!("malformed JSON: {inner}")
            }
            _ => strip_position(&inner.to_string()),
        };
        // Map keys are read as strings (the vocabulary too), so the path names them:
        // `ratings.wrinkles`, `ratings.acne`.
        let path = error.path().to_string();
        ApiError::BadRequest {
            message,
            field: (path != "." && !path.is_empty()).then_some(path),
        }
    })?;
    deserializer.end().map_err(|error| ApiError::BadRequest {
        message: format!("malformed JSON: {error}"),
        field: None,
    })?;
    // The NUL character is no text: PostgreSQL cannot store it, so no database does.
    // (A quick look for the escape first; the parsed text says whether it is one.)
    let lower = bytes.to_ascii_lowercase();
    if lower.windows(6).any(|w| w == b"\\u0000") {
        let tree: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        if let Some(path) = nul_at(&tree, String::new()) {
            return Err(ApiError::Invalid {
                message: "text may not hold the NUL character (\\u0000)".into(),
                field: (!path.is_empty()).then_some(path),
            });
        }
    }
    Ok(value)
}

/// The path of the first string (or key) holding a NUL character.
fn nul_at(value: &serde_json::Value, path: String) -> Option<String> {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        serde_json::Value::String(text) => text.contains('\0').then_some(path),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_at(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(key, item)| {
            if key.contains('\0') {
                Some(join(key))
            } else {
                nul_at(item, join(key))
            }
        }),
        _ => None,
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

/// A profile from a JSON body: malformed JSON is a 400, a bad value a 422 naming the field.
/// A profile a person gives now: [`profile`], and no special occasion that has passed
/// (422 naming `events[i]`). A queued job reads its profile with [`profile`] alone.
pub fn given_profile(bytes: &[u8]) -> Result<regimen_core::Profile, ApiError> {
    let profile = profile(bytes)?;
    let today = chrono::Local::now().date_naive();
    match regimen_core::profile::past_event(&profile.events, today, None) {
        Some(past) => Err(past.into()),
        None => Ok(profile),
    }
}

pub fn profile(bytes: &[u8]) -> Result<regimen_core::Profile, ApiError> {
    parse::<serde::de::IgnoredAny>(bytes)?;
    let text = std::str::from_utf8(bytes).map_err(|_| ApiError::BadRequest {
        message: "the body is not UTF-8".into(),
        field: None,
    })?;
    Ok(regimen_core::Profile::from_json(text)?)
}
