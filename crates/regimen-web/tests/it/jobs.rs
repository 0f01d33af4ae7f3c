//! Heavy work on the job queue through the API: a barcode photo and a label photo are
//! answered at once with a job (202), a worker reads them, and the job says what it
//! found; one person's jobs are theirs only; a person's queue is bounded.

use super::{spawn_app, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

async fn post_photo(
    app: &TestApp,
    path: &str,
    bytes: Vec<u8>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut builder = axum::http::Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "image/png");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let response = app
        .router
        .clone()
        .oneshot(
            builder
                .body(axum::body::Body::from(bytes))
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let location = response.headers().get("location").cloned();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let json: Value = serde_json::from_slice(&body).expect("json");
    if status == StatusCode::ACCEPTED {
        assert_eq!(
            location.and_then(|l| l.to_str().ok().map(str::to_string)),
            json["url"].as_str().map(str::to_string),
            "Location is the job's address"
        );
    }
    (status, json)
}

/// Waits for a job to end (a worker runs meanwhile).
async fn ended(app: &TestApp, url: &str, headers: &[(&str, &str)]) -> Value {
    for _ in 0..600 {
        let job = app.get(url, headers).await.json();
        if job["state"] == "done" || job["state"] == "failed" {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the job did not end within 30 s");
}

/// A real phone photo of a barcode (data/barcodes, ZXing's, in the repository).
fn barcode_photo() -> Option<Vec<u8>> {
    let path = [
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/barcodes/ean13-3/01.png",
    ]
    .concat();
    Some(std::fs::read(&path).expect("data/barcodes is in the repository"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_barcode_photo_is_read_on_the_queue() {
    let Some(photo) = barcode_photo() else {
        return;
    };
    let app = spawn_app(false).await;
    let (status, job) = post_photo(&app, "/api/v1/scans/barcode", photo.clone(), &[]).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(
        (job["kind"].as_str(), job["state"].as_str()),
        (Some("barcode"), Some("queued"))
    );
    // No worker yet: it waits.
    let url = job["url"].as_str().expect("url").to_string();
    assert_eq!(app.get(&url, &[]).await.json()["state"], "queued");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(regimen_web::jobs::work(
        app.state.clone(),
        "test".into(),
        regimen_web::jobs::LEASE_SECONDS,
        async move {
            let _ = stopped.await;
        },
    ));
    let done = ended(&app, &url, &[]).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["result"]["barcode"]["code"], "9780764544200", "{done}");
    // What is no barcode is a job done with nothing found; what is no picture is
    // refused before it is queued.
    let blank = regimen_photos::testing::encoded(
        &regimen_photos::testing::picture(200, 120),
        regimen_photos::testing::ImageFormat::Png,
    );
    let (_, nothing) = post_photo(&app, "/api/v1/scans/barcode", blank, &[]).await;
    let nothing = ended(&app, nothing["url"].as_str().expect("url"), &[]).await;
    assert_eq!(nothing["result"]["barcode"], Value::Null, "{nothing}");
    let (status, refused) = post_photo(
        &app,
        "/api/v1/scans/barcode",
        b"%PDF-1.7 not a picture at all".to_vec(),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let _ = stop.send(());
    worker.await.expect("the worker stops");
}

#[tokio::test]
async fn jobs_are_their_owners_only_and_a_queue_is_bounded() {
    let app = spawn_app(true).await;
    let mut bearers = Vec::new();
    for name in ["alice", "bob"] {
        let credentials =
            serde_json::json!({"username": name, "password": "correct horse battery"});
        app.post("/api/v1/accounts", &credentials, &[]).await;
        let session = app.post("/api/v1/sessions", &credentials, &[]).await.json();
        bearers.push(format!(
            "Bearer {}",
            session["token"].as_str().expect("token")
        ));
    }
    let png = regimen_photos::testing::encoded(
        &regimen_photos::testing::picture(40, 30),
        regimen_photos::testing::ImageFormat::Png,
    );
    let alice = [("authorization", bearers[0].as_str())];
    let bob = [("authorization", bearers[1].as_str())];
    let mut statuses = Vec::new();
    let mut first = None;
    for _ in 0..regimen_web::jobs::MOST_WAITING + 1 {
        let (status, job) =
            post_photo(&app, "/api/v1/scans/label?name=Cream", png.clone(), &alice).await;
        first.get_or_insert(job);
        statuses.push(status);
    }
    assert!(
        statuses[..10].iter().all(|s| *s == StatusCode::ACCEPTED),
        "{statuses:?}"
    );
    assert_eq!(
        statuses[10],
        StatusCode::TOO_MANY_REQUESTS,
        "ten waiting at most"
    );
    let url = first.expect("a job")["url"]
        .as_str()
        .expect("url")
        .to_string();
    assert_eq!(app.get(&url, &alice).await.status, StatusCode::OK);
    assert_eq!(app.get(&url, &bob).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&url, &[]).await.status, StatusCode::UNAUTHORIZED);
    // Not a photo type: 415 before anything is read.
    let (status, _) = {
        let response = app
            .request_raw(
                Method::POST,
                "/api/v1/scans/barcode",
                "text",
                &[("content-type", "text/plain"), alice[0]],
            )
            .await;
        (response.status, ())
    };
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

/// A profile with `products` products on its shelf.
fn shelf_profile(products: usize) -> Value {
    let shelf: Vec<Value> = (0..products)
        .map(|i| {
            serde_json::json!({
                "name": format!("Cream {i}"),
                "ingredients": "Aqua, Glycerin, Niacinamide, Cetearyl Alcohol, Dimethicone, Phenoxyethanol",
                "kind": "moisturizer",
            })
        })
        .collect();
    serde_json::json!({"skin_type": "oily", "goal": "both", "concerns": ["acne"], "shelf": shelf})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_plan_of_a_hosted_server_is_made_on_the_queue() {
    let app = spawn_app(true).await;
    let large = shelf_profile(30);
    let path = "/api/v1/plan?start=2026-12-07";
    // Without an account: asked to sign in; a small plan is made at once.
    let refused = app.post(path, &large, &[]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    assert!(refused.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("30 products over 4 weeks") && e.contains("sign in")));
    let small = app.post(path, &shelf_profile(5), &[]).await;
    assert_eq!(small.status, StatusCode::OK, "{}", small.text);
    assert_eq!(
        app.store.job_counts().await.expect("counts"),
        (0, 0, 0, 0),
        "nothing queued for either"
    );
    // Signed in, with a worker: the plan, as the same server makes it in local mode.
    let credentials = serde_json::json!({"username": "ada", "password": "correct horse battery"});
    app.post("/api/v1/accounts", &credentials, &[]).await;
    let session = app.post("/api/v1/sessions", &credentials, &[]).await.json();
    let bearer = format!("Bearer {}", session["token"].as_str().expect("token"));
    // What the planner would refuse is said before anything is queued.
    let late = app
        .post(
            "/api/v1/plan?start=9999-12-25",
            &large,
            &[("authorization", bearer.as_str())],
        )
        .await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.text
    );
    assert_eq!(late.json()["field"], "start");
    assert_eq!(app.store.job_counts().await.expect("counts"), (0, 0, 0, 0));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(regimen_web::jobs::work(
        app.state.clone(),
        "test".into(),
        regimen_web::jobs::LEASE_SECONDS,
        async move {
            let _ = stopped.await;
        },
    ));
    let queued = app
        .post(path, &large, &[("authorization", bearer.as_str())])
        .await;
    assert_eq!(queued.status, StatusCode::OK, "{}", queued.text);
    assert_eq!(
        app.store.job_counts().await.expect("counts"),
        (0, 0, 1, 0),
        "made as a job"
    );
    let local = spawn_app(false).await.post(path, &large, &[]).await;
    assert_eq!(local.status, StatusCode::OK);
    assert_eq!(queued.json(), local.json(), "the same plan");
    assert_eq!(queued.json()["days"].as_array().map(Vec::len), Some(28));
    let _ = stop.send(());
    worker.await.expect("the worker stops");
}
