//! Progress photos through the API: kept without EXIF or GPS, upright, the owner's
//! only; oversized, non-image and bomb uploads refused with the server still up;
//! deleting a photo or an account removes the images.

use super::{spawn_app, TestApp};
use axum::http::{HeaderMap, Method, StatusCode};
use regimen_photos::testing::{encoded, jpeg_with_exif, picture, png_claiming, ImageFormat};
use regimen_photos::{key, Size};
use serde_json::{json, Value};
use tower::ServiceExt;

struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Raw {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> Raw {
    let mut builder = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(axum::body::Body::from(body)).expect("request");
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body")
        .to_vec();
    Raw {
        status,
        headers,
        bytes,
    }
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_photo_is_kept_without_its_exif_and_removed_with_it() {
    let app = spawn_app(false).await;
    let upload = jpeg_with_exif(64, 32);
    assert!(contains(&upload, b"Exif"));
    let path = format!("/api/v1/photos?date={}", today());
    let created = send(
        &app,
        Method::POST,
        &path,
        upload,
        &[("content-type", "image/jpeg")],
    )
    .await;
    assert_eq!(
        created.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&created.bytes)
    );
    let photo = created.json();
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(32), Some(64)),
        "upright"
    );
    assert_eq!(photo["date"], today().as_str());
    let url = photo["url"].as_str().expect("url").to_string();
    let image = send(&app, Method::GET, &url, Vec::new(), &[]).await;
    assert_eq!(image.status, StatusCode::OK);
    assert_eq!(image.headers["content-type"], "image/jpeg");
    assert!(
        !contains(&image.bytes, b"Exif") && !contains(&image.bytes, b"PhoneMaker"),
        "no EXIF, no device"
    );
    let thumbnail = send(
        &app,
        Method::GET,
        photo["thumbnail_url"].as_str().expect("url"),
        Vec::new(),
        &[],
    )
    .await;
    assert_eq!(thumbnail.status, StatusCode::OK);
    assert!(!thumbnail.bytes.is_empty() && thumbnail.bytes.len() <= image.bytes.len());
    let list = app.get("/api/v1/photos", &[]).await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(
        app.get("/api/v1/export", &[]).await.json()["photos"][0]["id"],
        photo["id"]
    );

    let id = photo["id"].as_i64().expect("id");
    let user = app.store.local_user().await.expect("user");
    assert!(app
        .state
        .photos()
        .get(&key(user, id, Size::Full))
        .await
        .expect("get")
        .is_some());
    assert_eq!(app.delete(&url, &[]).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        send(&app, Method::GET, &url, Vec::new(), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    for size in [Size::Full, Size::Thumbnail] {
        assert!(
            app.state
                .photos()
                .get(&key(user, id, size))
                .await
                .expect("get")
                .is_none(),
            "{size:?} removed"
        );
    }
    assert_eq!(app.delete(&url, &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn what_is_no_photo_is_refused_and_the_server_stays_up() {
    let app = spawn_app(false).await;
    let path = format!("/api/v1/photos?date={}", today());
    let cases: Vec<(Vec<u8>, &str, StatusCode)> = vec![
        (
            b"just some text".to_vec(),
            "text/plain",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            encoded(&picture(8, 8), ImageFormat::Png),
            "image/gif",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            b"not really a png".to_vec(),
            "image/png",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            png_claiming(100_000, 100_000),
            "image/png",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            png_claiming(9000, 9000),
            "image/png",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vec![0xff; 16 * 1024 * 1024 + 1],
            "image/jpeg",
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (body, kind, status) in cases {
        let reply = send(&app, Method::POST, &path, body, &[("content-type", kind)]).await;
        assert_eq!(
            reply.status,
            status,
            "{kind}: {}",
            String::from_utf8_lossy(&reply.bytes)
        );
        if status != StatusCode::PAYLOAD_TOO_LARGE {
            assert!(reply.json()["error"].is_string());
        }
        assert_eq!(
            app.get("/healthz", &[]).await.status,
            StatusCode::OK,
            "still up"
        );
    }
    let bomb = send(
        &app,
        Method::POST,
        &path,
        png_claiming(100_000, 100_000),
        &[("content-type", "image/png")],
    )
    .await;
    assert!(String::from_utf8_lossy(&bomb.bytes).contains("100000 x 100000"));
    // The day is named, and is one that has come.
    let png = encoded(&picture(8, 8), ImageFormat::Png);
    for (query, field) in [
        ("", "date"),
        ("?date=next+week", "date"),
        ("?date=2999-01-01", "date"),
    ] {
        let reply = send(
            &app,
            Method::POST,
            &format!("/api/v1/photos{query}"),
            png.clone(),
            &[("content-type", "image/png")],
        )
        .await;
        assert_eq!(
            (reply.status, reply.json()["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{query}"
        );
    }
    assert_eq!(
        app.get("/api/v1/photos", &[]).await.json(),
        json!([]),
        "nothing kept"
    );
}

#[tokio::test]
async fn photos_are_the_owners_only_and_go_with_the_account() {
    let app = spawn_app(true).await;
    let mut bearers = Vec::new();
    for name in ["alice", "bob"] {
        let credentials = json!({"username": name, "password": "correct horse battery"});
        app.post("/api/v1/accounts", &credentials, &[]).await;
        let session = app.post("/api/v1/sessions", &credentials, &[]).await.json();
        bearers.push(format!(
            "Bearer {}",
            session["token"].as_str().expect("token")
        ));
    }
    let (alice, bob) = (bearers[0].as_str(), bearers[1].as_str());
    let path = format!("/api/v1/photos?date={}", today());
    let png = encoded(&picture(40, 30), ImageFormat::Png);
    let created = send(
        &app,
        Method::POST,
        &path,
        png.clone(),
        &[("content-type", "image/png"), ("authorization", alice)],
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let photo = created.json();
    let url = photo["url"].as_str().expect("url");
    assert_eq!(
        send(
            &app,
            Method::GET,
            url,
            Vec::new(),
            &[("authorization", bob)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            url,
            Vec::new(),
            &[("authorization", bob)]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, Method::GET, url, Vec::new(), &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/v1/photos", &[("authorization", bob)])
            .await
            .json(),
        json!([])
    );
    assert_eq!(
        send(
            &app,
            Method::GET,
            url,
            Vec::new(),
            &[("authorization", alice)]
        )
        .await
        .status,
        StatusCode::OK
    );
    // Alice's account goes, and her images with it.
    let user = app
        .store
        .user_by_name("alice")
        .await
        .expect("user")
        .expect("alice")
        .id;
    let id = photo["id"].as_i64().expect("id");
    assert!(app
        .state
        .photos()
        .get(&key(user, id, Size::Full))
        .await
        .expect("get")
        .is_some());
    let gone = send(
        &app,
        Method::DELETE,
        "/api/v1/account",
        br#"{"password": "correct horse battery"}"#.to_vec(),
        &[
            ("authorization", alice),
            ("content-type", "application/json"),
        ],
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    for size in [Size::Full, Size::Thumbnail] {
        assert!(app
            .state
            .photos()
            .get(&key(user, id, size))
            .await
            .expect("get")
            .is_none());
    }
}
