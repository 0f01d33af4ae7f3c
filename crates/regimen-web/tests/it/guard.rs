//! What stands in front of every route: the Host a local server answers to (DNS
//! rebinding), writes from other sites, the headers of every answer, and the small
//! holes of sign-in and sign-out.

use super::{spawn_app, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::json;

async fn form_post(
    app: &TestApp,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> super::Reply {
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    app.request_raw(Method::POST, path, body, &all).await
}

fn page_csrf(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("a form with a token") + marker.len();
    let end = start + page[start..].find('"').expect("end");
    page[start..end].to_string()
}

#[tokio::test]
async fn a_local_server_answers_only_to_its_own_names() {
    let app = spawn_app(false).await;
    for host in [
        "127.0.0.1:8080",
        "localhost:8080",
        "[::1]:8080",
        "LOCALHOST:9",
    ] {
        let reply = app.get("/api/v1/export", &[("host", host)]).await;
        assert_eq!(reply.status, StatusCode::OK, "{host}: {}", reply.text);
    }
    // A page on a rebinding domain (its name resolves to 127.0.0.1) sends its own name.
    for host in [
        "evil.example:8080",
        "127.0.0.1.evil.example:8080",
        "attacker",
    ] {
        let read = app.get("/api/v1/export", &[("host", host)]).await;
        assert_eq!(read.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        let write = app
            .post(
                "/api/v1/checkins",
                &json!({"date": "2026-01-01"}),
                &[("host", host)],
            )
            .await;
        assert_eq!(write.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        let page = app.get("/", &[("host", host)]).await;
        assert_eq!(page.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert!(page.text.contains("<h1>"), "a page answers with a page");
    }
    let listed = app
        .get("/api/v1/checkins", &[("host", "localhost:8080")])
        .await;
    assert_eq!(listed.json(), json!([]), "nothing was written");
}

#[tokio::test]
async fn forms_from_null_or_unknown_origins_are_refused_in_local_mode() {
    let app = spawn_app(false).await;
    let csrf = page_csrf(&app.get("/", &[]).await.text);
    let body = format!("csrf={csrf}&skin_type=dry&goal=both&pregnant=false");
    let host = ("host", "127.0.0.1:8080");
    let refused = [
        vec![("origin", "null"), host],
        vec![host],
        vec![("sec-fetch-site", "cross-site"), host],
        vec![("sec-fetch-site", "same-site"), host],
        vec![("origin", "http://evil.example"), host],
    ];
    for headers in &refused {
        let reply = form_post(&app, "/", &body, headers).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(reply.text.contains("<h1>"));
    }
    // A form without the page's token is refused even from the page's own origin.
    let without = form_post(
        &app,
        "/",
        "skin_type=dry&goal=both",
        &[("origin", "http://127.0.0.1:8080"), host],
    )
    .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN);
    for headers in [
        vec![("origin", "http://127.0.0.1:8080"), host],
        vec![("sec-fetch-site", "same-origin"), host],
    ] {
        let reply = form_post(&app, "/", &body, &headers).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{headers:?}: {}",
            reply.text
        );
    }
    // The API refuses a browser's write from a null origin too.
    let api = app
        .post(
            "/api/v1/checkins",
            &json!({"date": "2026-01-01"}),
            &[("origin", "null")],
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert!(api.json()["error"].is_string());
}

#[tokio::test]
async fn signing_in_from_another_site_is_refused() {
    let app = spawn_app(true).await;
    let credentials = json!({"username": "ada", "password": "correct horse battery"});
    assert_eq!(
        app.post("/api/v1/accounts", &credentials, &[]).await.status,
        StatusCode::CREATED
    );
    // Login CSRF: another site signs the person in as someone else.
    let api = app
        .post(
            "/api/v1/sessions",
            &credentials,
            &[
                ("origin", "http://evil.example"),
                ("host", "regimen.example"),
            ],
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    let page = form_post(
        &app,
        "/signin",
        "username=ada&password=correct+horse+battery",
        &[("origin", "null"), ("host", "regimen.example")],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let ours = form_post(
        &app,
        "/signin",
        "username=ada&password=correct+horse+battery",
        &[
            ("origin", "https://regimen.example"),
            ("host", "regimen.example"),
        ],
    )
    .await;
    assert_eq!(ours.status, StatusCode::SEE_OTHER, "{}", ours.text);
}

#[tokio::test]
async fn every_answer_forbids_framing_sniffing_and_caching() {
    let app = spawn_app(false).await;
    for path in ["/", "/faq", "/api/v1/export", "/healthz", "/no-such-page"] {
        let reply = app.get(path, &[]).await;
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            header("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert!(header("content-security-policy").contains("default-src 'none'"));
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("cache-control"), "no-store", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
    }
    let style = app.get("/static/style.css", &[]).await;
    assert!(style.headers["cache-control"]
        .to_str()
        .expect("header")
        .contains("max-age"));
}

#[tokio::test]
async fn signing_out_ends_the_token_whatever_the_case_of_bearer() {
    let app = spawn_app(true).await;
    let credentials = json!({"username": "ada", "password": "correct horse battery"});
    app.post("/api/v1/accounts", &credentials, &[]).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let session = app.post("/api/v1/sessions", &credentials, &[]).await;
        let token = session.json()["token"].as_str().expect("token").to_string();
        let header = format!("{scheme} {token}");
        assert_eq!(
            app.get("/api/v1/profiles", &[("authorization", &header)])
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            app.delete("/api/v1/sessions", &[("authorization", &header)])
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            app.get("/api/v1/profiles", &[("authorization", &header)])
                .await
                .status,
            StatusCode::UNAUTHORIZED,
            "{scheme}: the token is no longer valid"
        );
    }
}

#[tokio::test]
async fn the_most_common_passwords_are_refused() {
    let app = spawn_app(true).await;
    for password in [
        "password1",
        "Password123",
        "12345678",
        "aaaaaaaaaa",
        "qwertyuiop",
    ] {
        let reply = app
            .post(
                "/api/v1/accounts",
                &json!({"username": "ada", "password": password}),
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        assert_eq!(reply.json()["field"], "password");
    }
    let same = app
        .post(
            "/api/v1/accounts",
            &json!({"username": "adalovelace", "password": "adalovelace"}),
            &[],
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn feed_addresses_come_from_the_settings_not_the_host_header() {
    let app = spawn_app(true).await;
    let credentials = json!({"username": "ada", "password": "correct horse battery"});
    app.post("/api/v1/accounts", &credentials, &[]).await;
    let session = app.post("/api/v1/sessions", &credentials, &[]).await;
    let bearer = format!(
        "Bearer {}",
        session.json()["token"].as_str().expect("token")
    );
    let profile = json!({"skin_type": "dry", "goal": "both"});
    let saved = app
        .post("/api/v1/profiles", &profile, &[("authorization", &bearer)])
        .await;
    let profile_id = saved.json()["id"].as_i64().expect("id");
    let plan = app
        .post(
            "/api/v1/plans",
            &json!({"profile_id": profile_id}),
            &[("authorization", &bearer)],
        )
        .await;
    let plan_id = plan.json()["id"].as_i64().expect("id");
    let feed = app
        .post(
            &format!("/api/v1/plans/{plan_id}/feed"),
            &json!({}),
            &[("authorization", &bearer), ("host", "evil.example")],
        )
        .await;
    assert_eq!(feed.status, StatusCode::CREATED, "{}", feed.text);
    let address = feed.json()["address"]
        .as_str()
        .expect("address")
        .to_string();
    assert!(
        address.starts_with("http://127.0.0.1:8080/api/v1/plan.ics?token="),
        "{address}"
    );
}

/// Errors the framework answered in plain text (a bad query string, a method a path
/// does not take) answer in the API's JSON like every other error.
#[tokio::test]
async fn every_api_error_is_json() {
    let app = spawn_app(false).await;
    let profile = json!({"skin_type": "dry", "goal": "both"});
    let query = app.post("/api/v1/plan?weeks=many", &profile, &[]).await;
    assert_eq!(query.status, StatusCode::BAD_REQUEST);
    assert!(
        query.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("weeks")),
        "{}",
        query.text
    );
    let method = app
        .request(Method::PATCH, "/api/v1/profiles", None, &[])
        .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(method.json()["error"].is_string(), "{}", method.text);
}

/// Outside the API, an unknown address or a method a page does not take answers a page.
#[tokio::test]
async fn unknown_pages_answer_pages_and_unknown_endpoints_json() {
    let app = spawn_app(false).await;
    let page = app.get("/no-such-page", &[]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text.starts_with("<!doctype html>"), "{}", page.text);
    assert!(page.text.contains("<h1>"));
    let endpoint = app.get("/api/v1/no-such-thing", &[]).await;
    assert_eq!(endpoint.status, StatusCode::NOT_FOUND);
    assert!(endpoint.json()["error"].is_string());
    let method = form_post(
        &app,
        "/faq",
        "x=1",
        &[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ],
    )
    .await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        method.text.starts_with("<!doctype html>"),
        "{}",
        method.text
    );
}
