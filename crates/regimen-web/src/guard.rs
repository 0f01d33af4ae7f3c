//! What stands in front of every route, before any handler runs:
//!
//! - **The Host** (local mode): only the loopback names (`127.0.0.1`, `localhost`,
//!   `[::1]`) and the host names the settings add are served; anything else is 421. A
//!   web page on a rebinding domain (a name that resolves to 127.0.0.1) sends its own
//!   name as Host, so it can neither read nor write the local server.
//! - **Cross-site writes**: a write (POST, PUT, PATCH, DELETE) that a browser marks as
//!   coming from another site (`Sec-Fetch-Site: cross-site` or `same-site`), or whose
//!   `Origin` is `null` (a sandboxed frame, a `data:` page) or another origin, is 403.
//!   Page forms must also show where they come from (an `Origin` or `Sec-Fetch-Site`;
//!   browsers send both); API clients without a browser send neither, and API writes
//!   need a JSON body, which another site cannot send without a CORS preflight that
//!   this server never grants.
//! - **Headers on every answer**: no framing (`frame-ancestors 'none'`,
//!   `X-Frame-Options`), no type sniffing, a strict CSP (the pages run no script), no
//!   referrer to other sites (calendar addresses carry a secret), and `Cache-Control: no-store` on
//!   everything but the style sheet and the reads that carry validators (`private, no-cache`).

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// The content security policy of every answer: the pages load their own style sheet
/// and nothing else, post forms only to this server, and run no script.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Host names a local server answers to, whatever the port.
const LOOPBACK: &[&str] = &["127.0.0.1", "localhost", "[::1]"];

/// The host name of a `Host` header value, without the port, in lower case; `None`
/// when it is no host and port at all (userinfo, a port that is no number, characters
/// no host name has: `127.0.0.1:8080@evil.example` is refused, not read as 127.0.0.1).
fn host_name(host: &str) -> Option<String> {
    let host = host.trim();
    let (name, port) = if let Some(inside) = host.strip_prefix('[') {
        // "[::1]:8080"
        let end = inside.find(']')?;
        let address = &inside[..end];
        if address.is_empty()
            || !address
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return None;
        }
        (&host[..end + 2], &inside[end + 1..])
    } else {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, _)) => (name, &host[name.len()..]),
            None => (host, ""),
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return None;
        }
        (name, port)
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok.then(|| name.to_ascii_lowercase())
}

/// Whether a local server answers to this Host.
pub fn host_allowed(host: &str, extra: &[String]) -> bool {
    let Some(name) = host_name(host) else {
        return false;
    };
    LOOPBACK.contains(&name.as_str()) || extra.iter().any(|h| h.eq_ignore_ascii_case(&name))
}

/// Why a write is refused as coming from another site, if it is.
pub fn cross_site(headers: &HeaderMap, page: bool) -> Option<&'static str> {
    let fetch_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    if let Some(site) = &fetch_site {
        if site != "same-origin" && site != "none" {
            return Some("this request comes from another site");
        }
    }
    match headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("null"))
    {
        Some("null") => Some("this request comes from a page without an origin"),
        Some(origin) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            (!origin_host.eq_ignore_ascii_case(host))
                .then_some("this request comes from another site")
        }
        None if page && fetch_site.is_none() => {
            Some("this form does not say where it comes from; send it from regimen's own page")
        }
        None => None,
    }
}

fn refuse(status: StatusCode, message: &str, page: bool) -> Response {
    if page {
        let body = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>regimen</title>\
             <link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main><h1>Not allowed</h1>\
             <p>{message}.</p><p><a href=\"/\">Back to regimen</a></p></main></body></html>"
        );
        (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    } else {
        (status, Json(json!({ "error": message }))).into_response()
    }
}

/// The middleware: Host, cross-site writes, then the headers of every answer.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let page = !(path.starts_with("/api/") || path == "/healthz");
    if !state.multi_user() {
        if let Some(host) = request.headers().get(header::HOST) {
            let host = host.to_str().unwrap_or("");
            if !host_allowed(host, &state.settings().hosts) {
                tracing::warn!(host, "refused a request for another host name");
                return with_headers(
                    refuse(
                        StatusCode::MISDIRECTED_REQUEST,
                        "this regimen server answers only as 127.0.0.1, localhost or [::1]",
                        page,
                    ),
                    false,
                );
            }
        }
    }
    let write = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if write {
        if let Some(reason) = cross_site(request.headers(), page) {
            return with_headers(refuse(StatusCode::FORBIDDEN, reason, page), false);
        }
    }
    let cacheable = path.starts_with("/static/");
    with_headers(next.run(request).await, cacheable)
}

fn with_headers(mut response: Response, cacheable: bool) -> Response {
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        // Not "no-referrer": with it, browsers send `Origin: null` on the pages' own form
        // posts, which the cross-site check (rightly) refuses.
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // A handler that says how its answer may be kept (a saved plan's read, with its
    // validators) is taken at its word.
    if !cacheable && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::{host_allowed, host_name};

    #[test]
    fn host_names_lose_their_port() {
        assert_eq!(host_name("127.0.0.1:8080").as_deref(), Some("127.0.0.1"));
        assert_eq!(host_name("[::1]:8080").as_deref(), Some("[::1]"));
        assert_eq!(host_name("LocalHost").as_deref(), Some("localhost"));
        // What is no host and port is refused, not read by its first part.
        for bad in [
            "127.0.0.1:8080@evil.example",
            "127.0.0.1@evil.example",
            "127.0.0.1:80x",
            "127.0.0.1:123456",
            "[::1]x:80",
            "",
            "local host",
        ] {
            assert_eq!(host_name(bad), None, "{bad}");
            assert!(!host_allowed(bad, &[]), "{bad}");
        }
        assert!(host_allowed("localhost:9", &[]));
        assert!(!host_allowed("evil.example:8080", &[]));
        assert!(!host_allowed("127.0.0.1.evil.example:8080", &[]));
        assert!(host_allowed("regimen.lan:8080", &["regimen.lan".into()]));
    }
}
