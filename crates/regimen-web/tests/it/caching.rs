//! What the server keeps instead of making again: a shelf product's analysis stored
//! with the product (made again when the product, the knowledge base or the dictionary
//! changes), saved plans and feeds by their inputs, and 304s for copies still right.

use super::{spawn_app, TestApp};
use axum::http::StatusCode;
use regimen_core::analyzer::Analyzer;
use regimen_core::Knowledge;
use regimen_store::{Collection, Document};
use regimen_web::{AppState, Settings};
use serde_json::{json, Value};
use std::sync::Arc;

/// The stored document, once the background write of its analysis (if any) has landed.
async fn stored(app: &TestApp, id: i64, version: &str) -> Document {
    let user = app.store.local_user().await.expect("user");
    for _ in 0..200 {
        let document = app
            .store
            .get(user, Collection::Shelf, id)
            .await
            .expect("get")
            .expect("stored");
        if document.derived.as_ref().is_some_and(|(v, _)| v == version) {
            return document;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("no analysis of version {version} stored for {id}");
}

async fn plant(app: &TestApp, document: &Document, version: &str, derived: &Value) {
    let kept = app
        .store
        .set_derived(
            document.owner,
            document.id,
            &document.updated_at,
            version,
            &derived.to_string(),
        )
        .await
        .expect("set");
    assert!(kept);
}

#[tokio::test]
async fn a_shelf_products_analysis_is_kept_and_made_again_when_the_knowledge_changes() {
    let app = spawn_app(false).await;
    let product = json!({"name": "C Serum", "ingredients": "Aqua, Ascorbic Acid 15%, Glycerin"});
    let created = app.post("/api/v1/shelf", &product, &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["id"].as_i64().expect("id");
    let version = app.state.version().to_string();
    let document = stored(&app, id, &version).await;
    let path = format!("/api/v1/shelf/{id}");

    // A kept analysis of this version is answered as kept: not made again.
    let marker = json!({"kept": true});
    plant(&app, &document, &version, &marker).await;
    assert_eq!(app.get(&path, &[]).await.json()["analysis"], marker);

    // One made by another version (an older dictionary) is made again, and kept anew.
    plant(&app, &document, "an older dictionary", &marker).await;
    let read = app.get(&path, &[]).await.json();
    assert_eq!(
        read["analysis"]["actives"][0]["family"], "vitamin_c",
        "{read}"
    );
    let document = stored(&app, id, &version).await;
    let kept: Value = serde_json::from_str(&document.derived.expect("derived").1).expect("json");
    assert_eq!(kept, read["analysis"]);

    // Changing the product forgets its analysis.
    let changed = json!({"name": "C Serum", "ingredients": "Aqua, Niacinamide, Glycerin"});
    let updated = app.put(&path, &changed, &[]).await.json();
    assert_eq!(updated["analysis"]["actives"][0]["family"], "niacinamide");

    // A server with an edited knowledge base (the same dictionary) has another version,
    // so what the first one kept is made again.
    let mut files: Vec<(&str, String)> = Knowledge::builtin_files()
        .iter()
        .map(|(name, text)| (*name, (*text).to_string()))
        .collect();
    for (name, text) in &mut files {
        if *name == "labels.toml" {
            text.push_str("\n# edited\n");
        }
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let edited = Knowledge::from_files(&files).expect("knowledge");
    let analyzer = Analyzer::builtin(&edited).expect("analyzer");
    assert_ne!(
        analyzer.fingerprint(),
        Analyzer::builtin(&Knowledge::builtin().expect("k"))
            .expect("a")
            .fingerprint()
    );
    let other = AppState::new(
        app.store.clone(),
        Arc::new(edited),
        Some(Arc::new(analyzer)),
        Settings::default(),
    )
    .await
    .expect("state");
    assert_ne!(other.version(), version);
    let document = stored(&app, id, &version).await;
    plant(&app, &document, &version, &marker).await;
    let router = regimen_web::app(other.clone());
    let reply = {
        use tower::ServiceExt;
        let request = axum::http::Request::get(path.as_str())
            .body(axum::body::Body::empty())
            .expect("request");
        let response = router.oneshot(request).await.expect("answer");
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        serde_json::from_slice::<Value>(&bytes).expect("json")
    };
    assert_eq!(
        reply["analysis"]["actives"][0]["family"], "niacinamide",
        "{reply}"
    );
}

#[tokio::test]
async fn saved_plans_and_feeds_answer_304_to_a_copy_still_right() {
    let app = spawn_app(false).await;
    let profile = json!({"skin_type": "oily", "concerns": ["acne"], "goal": "both"});
    let profile_id = app.post("/api/v1/profiles", &profile, &[]).await.json()["id"]
        .as_i64()
        .expect("id");
    let shelf = json!({"name": "Gel", "ingredients": "Aqua, Niacinamide 5%, Glycerin"});
    app.post("/api/v1/shelf", &shelf, &[]).await;
    let saved = app
        .post(
            "/api/v1/plans",
            &json!({"profile_id": profile_id, "weeks": 4}),
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let id = saved.json()["id"].as_i64().expect("id");
    let path = format!("/api/v1/plans/{id}");

    let first = app.get(&path, &[]).await;
    assert_eq!(first.status, StatusCode::OK);
    let tag = first.headers["etag"].to_str().expect("etag").to_string();
    let date = first.headers["last-modified"]
        .to_str()
        .expect("date")
        .to_string();
    assert_eq!(first.headers["cache-control"], "private, no-cache");
    assert!(tag.starts_with('"') && tag.ends_with('"'), "{tag}");
    // Made once: the second read is the same bytes, from the cache.
    let second = app.get(&path, &[]).await;
    assert_eq!(
        (second.text.as_str(), &second.headers["etag"]),
        (first.text.as_str(), &first.headers["etag"])
    );

    let again = app.get(&path, &[("if-none-match", &tag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    assert_eq!(again.headers["etag"], tag.as_str());
    let by_date = app.get(&path, &[("if-modified-since", &date)]).await;
    assert_eq!(by_date.status, StatusCode::NOT_MODIFIED);
    let other = app
        .get(&path, &[("if-none-match", "\"something else\"")])
        .await;
    assert_eq!(
        (other.status, other.text.as_str()),
        (StatusCode::OK, first.text.as_str())
    );

    // A changed plan has a new tag: the old copy is answered in full.
    let changed = app
        .put(&path, &json!({"profile_id": profile_id, "weeks": 2}), &[])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let after = app.get(&path, &[("if-none-match", &tag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.headers["etag"], tag.as_str());
    assert_eq!(after.json()["weeks"], 2);
    // Other reads are still never kept.
    let profile_read = app
        .get(&format!("/api/v1/profiles/{profile_id}"), &[])
        .await;
    assert_eq!(profile_read.headers["cache-control"], "no-store");
    assert!(!profile_read.headers.contains_key("etag"));

    // The feed: the same bytes each time, and a 304 for the copy a calendar keeps.
    let feed = app.post(&format!("{path}/feed"), &json!({}), &[]).await;
    let url = feed.json()["url"].as_str().expect("url").to_string();
    let ics = app.get(&url, &[]).await;
    assert_eq!(ics.status, StatusCode::OK);
    let ics_tag = ics.headers["etag"].to_str().expect("etag").to_string();
    assert_ne!(ics_tag, after.headers["etag"].to_str().expect("tag"));
    assert_eq!(app.get(&url, &[]).await.text, ics.text);
    let kept = app.get(&url, &[("if-none-match", &ics_tag)]).await;
    assert_eq!(kept.status, StatusCode::NOT_MODIFIED);
    // The plan of 4 weeks, of 2, and the feed read one shelf, once.
    assert_eq!(app.state.readings().len(), 1);
    // A revoked feed is gone whatever copy is kept.
    app.delete(&format!("{path}/feed"), &[]).await;
    let gone = app.get(&url, &[("if-none-match", &ics_tag)]).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
