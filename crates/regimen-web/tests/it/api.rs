//! The API in local mode: plans, documents, feeds, export and import, and bad input.

use super::spawn_app;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

fn profile() -> Value {
    json!({"skin_type": "combination", "concerns": ["acne", "dullness"], "goal": "both", "start": "2026-12-01"})
}

#[tokio::test]
async fn health_and_a_stateless_plan() {
    let app = spawn_app(false).await;
    let reply = app.get("/healthz", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["status"], "ok");
    let reply = app.post("/api/v1/plan?weeks=2", &profile(), &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let plan = reply.json();
    assert_eq!(plan["approach"], "both");
    assert_eq!(plan["days"].as_array().map(Vec::len), Some(14));
    assert_eq!(plan["days"][0]["date"], "2026-12-01");
    assert!(plan["warnings"]
        .as_array()
        .is_some_and(|w| w.iter().any(|w| w["code"] == "see_dermatologist")));
}

#[tokio::test]
async fn bad_input_is_a_4xx_with_the_field() {
    let app = spawn_app(false).await;
    let cases: Vec<(String, StatusCode, Option<&str>)> = vec![
        ("{\"skin_type\": ".into(), StatusCode::BAD_REQUEST, None),
        (json!({"skin_type": "oilly", "goal": "both"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, Some("skin_type")),
        (json!({"skin_type": "dry", "goal": "both", "events": ["2026-02-30"]}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, Some("events[0]")),
        (json!({"skin_type": "dry", "goal": "both", "minutes_am": "five"}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, Some("minutes_am")),
        (json!({"skin_type": "dry", "goal": "both", "shelf": [{"name": "x", "ingredients": "a".repeat(30_000)}]}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, Some("shelf[0].ingredients")),
    ];
    for (body, status, field) in cases {
        let reply = app
            .request(Method::POST, "/api/v1/plan", Some(body.clone()), &[])
            .await;
        assert_eq!(reply.status, status, "{body:.80}: {}", reply.text);
        let json = reply.json();
        assert!(json["error"].is_string());
        assert_eq!(json["field"].as_str(), field, "{}", reply.text);
    }
    let reply = app.post("/api/v1/plan?weeks=0", &profile(), &[]).await;
    assert_eq!(
        (reply.status, reply.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("weeks"))
    );
    let huge = json!({"skin_type": "dry", "goal": "both", "avoid": ["x".repeat(300 * 1024)]});
    let reply = app.post("/api/v1/plan", &huge, &[]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(reply.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("larger than")));
    let plain = app
        .request(
            Method::POST,
            "/api/v1/profiles",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_eq!(
        plain.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "no writes from pages elsewhere without CORS"
    );
    let reply = app.get("/api/v1/nothing", &[]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("no such endpoint")));
}

/// A profile with thousands of events once took seconds to plan (its warnings merged
/// by a linear scan each) and stalled the server: long lists are a 422 by their field.
#[tokio::test]
async fn huge_lists_in_a_profile_are_refused_by_their_field() {
    let app = spawn_app(false).await;
    let start = chrono::Local::now().date_naive() + chrono::Duration::days(1);
    let events: Vec<String> = (0..18_000)
        .map(|d| (start + chrono::Duration::days(d % 3000)).to_string())
        .collect();
    let profile = json!({"skin_type": "dry", "goal": "both", "events": events});
    let reply = app.post("/api/v1/plan", &profile, &[]).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        &reply.text[..200.min(reply.text.len())]
    );
    assert_eq!(reply.json()["field"], "events");
    let avoid: Vec<String> = (0..5_000).map(|i| format!("thing {i}")).collect();
    let profile = json!({"skin_type": "dry", "goal": "both", "avoid": avoid});
    let reply = app.post("/api/v1/profiles", &profile, &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["field"], "avoid");
    // A hundred events still plan, each with its preparation.
    let events: Vec<String> = (0..100)
        .map(|d| (start + chrono::Duration::days(3 * d)).to_string())
        .collect();
    let profile =
        json!({"skin_type": "dry", "goal": "both", "events": events, "start": start.to_string()});
    let reply = app.post("/api/v1/plan?weeks=12", &profile, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

/// A special occasion that has passed is refused where a person gives a profile (the
/// API's profiles and plan, the questionnaire), by its field and date.
#[tokio::test]
async fn a_special_occasion_that_has_passed_is_refused() {
    let app = spawn_app(false).await;
    let soon = (chrono::Local::now().date_naive() + chrono::Duration::days(20)).to_string();
    for path in ["/api/v1/profiles", "/api/v1/plan"] {
        let past = json!({"skin_type": "dry", "goal": "both", "events": [soon, "2025-01-01"]});
        let reply = app.post(path, &past, &[]).await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            reply.text
        );
        // Events are kept in date order: the past one is the first.
        assert_eq!(reply.json()["field"], "events[0]", "{path}");
        assert!(
            reply.text.contains("2025-01-01 has passed"),
            "{}",
            reply.text
        );
        let coming = json!({"skin_type": "dry", "goal": "both", "events": [soon]});
        assert!(
            app.post(path, &coming, &[]).await.status.is_success(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn profiles_can_be_created_read_updated_and_deleted() {
    let app = spawn_app(false).await;
    let created = app.post("/api/v1/profiles", &profile(), &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["id"].as_i64().expect("id");
    let read = app.get(&format!("/api/v1/profiles/{id}"), &[]).await.json();
    assert_eq!(read["profile"]["skin_type"], "combination");
    assert_eq!(
        app.get("/api/v1/profiles", &[])
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let changed = app
        .put(
            &format!("/api/v1/profiles/{id}"),
            &json!({"skin_type": "oily", "goal": "fast"}),
            &[],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(changed.json()["profile"]["goal"], "fast");
    let bad = app
        .put(
            &format!("/api/v1/profiles/{id}"),
            &json!({"skin_type": "oily"}),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.delete(&format!("/api/v1/profiles/{id}"), &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/api/v1/profiles/{id}"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/api/v1/profiles/{id}"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // An id that is no number names no document: a JSON 404, not a parse message.
    let reply = app.get("/api/v1/profiles/abc", &[]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply.text.starts_with('{') && !reply.text.contains("i64"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn shelf_products_come_back_with_their_analysis() {
    let app = spawn_app(false).await;
    let body =
        json!({"name": "C Serum", "ingredients": "Aqua, Ascorbic Acid 15%, Glycerin, Parfum"});
    let created = app.post("/api/v1/shelf", &body, &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let product = created.json();
    assert_eq!(product["analysis"]["actives"][0]["family"], "vitamin_c");
    assert_eq!(product["analysis"]["flags"][0]["code"], "fragrance");
    let bad = app
        .post(
            "/api/v1/shelf",
            &json!({"name": "x", "kind": "lipstick"}),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "kind");
}

#[tokio::test]
async fn saved_plans_use_the_shelf_and_feed_a_calendar_until_revoked() {
    let app = spawn_app(false).await;
    let profile_id = app.post("/api/v1/profiles", &profile(), &[]).await.json()["id"]
        .as_i64()
        .expect("id");
    let cleanser = json!({"name": "Foam Cleanser", "ingredients": "Aqua, Sodium Laureth Sulfate, Cocamidopropyl Betaine"});
    app.post("/api/v1/shelf", &cleanser, &[]).await;
    let saved = app
        .post(
            "/api/v1/plans",
            &json!({"profile_id": profile_id, "weeks": 1}),
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let saved = saved.json();
    let plan_id = saved["id"].as_i64().expect("id");
    assert_eq!(
        saved["plan"]["days"][0]["am"][0]["product"],
        "Foam Cleanser"
    );
    let missing = app
        .post("/api/v1/plans", &json!({"profile_id": 999}), &[])
        .await;
    assert_eq!(
        (missing.status, missing.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("profile_id"))
    );
    let inline = app
        .post(
            "/api/v1/plans",
            &json!({"profile": {"skin_type": "dry"}}),
            &[],
        )
        .await;
    assert_eq!(
        (inline.status, inline.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("profile"))
    );

    let feed = app
        .post(&format!("/api/v1/plans/{plan_id}/feed"), &json!({}), &[])
        .await;
    assert_eq!(feed.status, StatusCode::CREATED);
    let url = feed.json()["url"].as_str().expect("url").to_string();
    let ics = app.get(&url, &[]).await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.headers["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/calendar"));
    // A week of mornings and evenings: 14 routines, each once (a run of identical
    // days is one event with a daily rule).
    let occurrences: u32 = ics
        .text
        .split("BEGIN:VEVENT")
        .skip(1)
        .map(|event| {
            event
                .lines()
                .find_map(|l| l.strip_prefix("RRULE:FREQ=DAILY;COUNT="))
                .map_or(1, |c| c.trim().parse().expect("count"))
        })
        .sum();
    assert_eq!(occurrences, 14, "{}", ics.text);
    assert_eq!(
        app.get("/api/v1/plan.ics?token=wrong", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/api/v1/plans/{plan_id}/feed"), &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&url, &[]).await.status,
        StatusCode::NOT_FOUND,
        "revoked"
    );
}

#[tokio::test]
async fn checkins_follow_the_documented_shape() {
    let app = spawn_app(false).await;
    let body = json!({"date": "2026-11-04", "steps_done": ["cleanse", "serum"], "ratings": {"acne": 3}, "reactions": ["stinging"], "note": "fine"});
    let created = app.post("/api/v1/checkins", &body, &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["id"].as_i64().expect("id");
    let earlier = json!({"date": "2026-11-02", "ratings": {"acne": 4}});
    app.post("/api/v1/checkins", &earlier, &[]).await;
    let list = app.get("/api/v1/checkins", &[]).await.json();
    let dates: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["date"].as_str())
        .collect();
    assert_eq!(dates, ["2026-11-02", "2026-11-04"]);
    let read = app.get(&format!("/api/v1/checkins/{id}"), &[]).await.json();
    assert_eq!(read["ratings"]["acne"], 3);
    assert_eq!(read["steps_done"], json!(["cleanse", "serum"]));
    let cases = [
        (
            json!({"date": "2026-11-04", "ratings": {"acne": 7}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "ratings.acne",
        ),
        // A typo of a year: earlier than the ten years an account keeps.
        (
            json!({"date": "1900-01-01", "ratings": {"acne": 3}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "date",
        ),
        (
            json!({"date": "2026-11-04", "steps_done": ["cleanse", "dance"]}),
            StatusCode::BAD_REQUEST,
            "steps_done[1]",
        ),
        (
            json!({"date": "2027-13-04"}),
            StatusCode::BAD_REQUEST,
            "date",
        ),
        (
            json!({"date": "2026-11-04", "ratings": {"wrinkles": 2}}),
            StatusCode::BAD_REQUEST,
            "ratings.wrinkles",
        ),
        (
            json!({"date": "2026-11-04", "ratings": {"acne": 3.5}}),
            StatusCode::BAD_REQUEST,
            "ratings.acne",
        ),
        (
            json!({"date": "2026-11-04", "mood": "good"}),
            StatusCode::BAD_REQUEST,
            "",
        ),
    ];
    for (body, status, field) in cases {
        let reply = app.post("/api/v1/checkins", &body, &[]).await;
        assert_eq!(reply.status, status, "{body}: {}", reply.text);
        if !field.is_empty() {
            assert!(
                reply.json()["field"].as_str() == Some(field),
                "{body}: {}",
                reply.text
            );
        }
    }
    let changed = app
        .put(
            &format!("/api/v1/checkins/{id}"),
            &json!({"date": "2026-11-05", "note": "better"}),
            &[],
        )
        .await;
    assert_eq!(changed.json()["note"], "better");
    assert_eq!(
        app.delete(&format!("/api/v1/checkins/{id}"), &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}

/// Imports once stored `weeks: 0` (after which every list of plans was a 422), any
/// text as a timestamp, and everything twice when run twice.
#[tokio::test]
async fn imports_are_checked_like_the_api_and_never_duplicate() {
    let app = spawn_app(false).await;
    app.post("/api/v1/checkins", &json!({"date": "2026-11-04"}), &[])
        .await;
    app.post(
        "/api/v1/plans",
        &json!({"profile": profile(), "weeks": 2}),
        &[],
    )
    .await;
    let export = app.get("/api/v1/export", &[]).await.json();
    let mut zero_weeks = export.clone();
    zero_weeks["plans"][0]["body"]["weeks"] = json!(0);
    let reply = app.post("/api/v1/import", &zero_weeks, &[]).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.json()["field"], "plans[0].body.weeks");
    let mut free_text = export.clone();
    free_text["checkins"][0]["created_at"] = json!("last tuesday");
    let reply = app.post("/api/v1/import", &free_text, &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["field"], "checkins[0].created_at");
    let again = app.post("/api/v1/import", &export, &[]).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.json()["imported"], 0);
    assert_eq!(again.json()["skipped"], 2);
    assert_eq!(
        app.get("/api/v1/checkins", &[])
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // A plan an older version stored with zero weeks no longer breaks the list.
    let user = app.store.local_user().await.expect("user");
    app.store
        .create(
            user,
            regimen_store::Collection::Plan,
            "",
            &json!({"profile": profile(), "start": "2026-11-04", "weeks": 0}).to_string(),
        )
        .await
        .expect("plant");
    let plans = app.get("/api/v1/plans", &[]).await;
    assert_eq!(plans.status, StatusCode::OK, "{}", plans.text);
    let plans = plans.json();
    assert_eq!(plans.as_array().map(Vec::len), Some(2));
    assert!(plans[1]["error"].is_string(), "{plans}");
    assert!(plans[0]["plan"].is_object());
}

/// One person's storage is bounded: a clear 413 past the most of a kind.
#[tokio::test]
async fn one_person_cannot_fill_the_disk() {
    let app = spawn_app(false).await;
    for _ in 0..50 {
        assert_eq!(
            app.post("/api/v1/profiles", &profile(), &[]).await.status,
            StatusCode::CREATED
        );
    }
    let full = app.post("/api/v1/profiles", &profile(), &[]).await;
    assert_eq!(full.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", full.text);
    assert!(full.json()["error"]
        .as_str()
        .is_some_and(|e| e.contains("50 profiles")));
}

#[tokio::test]
async fn export_and_import_lose_nothing() {
    let app = spawn_app(false).await;
    app.post("/api/v1/profiles", &profile(), &[]).await;
    app.post(
        "/api/v1/shelf",
        &json!({"name": "Cream", "ingredients": "Aqua, Glycerin", "kind": "moisturizer"}),
        &[],
    )
    .await;
    app.post(
        "/api/v1/plans",
        &json!({"profile": profile(), "weeks": 2}),
        &[],
    )
    .await;
    app.post(
        "/api/v1/checkins",
        &json!({"date": "2026-11-04", "ratings": {"acne": 2}, "note": "día uno"}),
        &[],
    )
    .await;
    let export = app.get("/api/v1/export", &[]).await.json();
    for key in ["profiles", "shelf", "plans", "checkins"] {
        assert_eq!(export[key].as_array().map(Vec::len), Some(1), "{key}");
    }
    let other = spawn_app(false).await;
    let imported = other.post("/api/v1/import", &export, &[]).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    assert_eq!(imported.json()["imported"], 4);
    let again = other.get("/api/v1/export", &[]).await.json();
    let strip = |mut value: Value| {
        for key in ["profiles", "shelf", "plans", "checkins"] {
            for item in value[key].as_array_mut().expect("list") {
                item.as_object_mut().expect("object").remove("id");
            }
        }
        value
    };
    assert_eq!(
        strip(again),
        strip(export.clone()),
        "bodies and timestamps survive the round trip"
    );
    let mut broken = export;
    broken["checkins"][0]["body"]["ratings"]["acne"] = json!(9);
    let other = spawn_app(false).await;
    let reply = other.post("/api/v1/import", &broken, &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["field"], "checkins[0].body.ratings.acne");
    let empty = other.get("/api/v1/export", &[]).await.json();
    assert_eq!(
        empty["profiles"],
        json!([]),
        "nothing imported when one document fails"
    );
}

/// An export is read a page at a time: a history longer than a page (three years of
/// daily check-ins with notes, far more than an ordinary request may carry) comes
/// whole, in order, and goes back in; a file beyond the import's limit is a 413.
#[tokio::test]
async fn a_long_export_comes_whole_in_order_and_goes_back_in() {
    let app = spawn_app(false).await;
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("date");
    let days = 1100;
    let note = "Skin felt calm this morning; the new cleanser stings a little around the nose, \
                less than last week. Slept well, drank water, no make-up today.";
    let bodies: Vec<Value> = (0..days)
        .map(|day| {
            let date = start + chrono::Duration::days(day);
            json!({"date": date.to_string(), "ratings": {"acne": 1 + day % 5}, "note": note})
        })
        .collect();
    let history = json!({"version": 1, "profiles": [], "shelf": [], "plans": [],
        "checkins": bodies.iter().map(|b| json!({"id": 0,
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z", "body": b})).collect::<Vec<_>>()});
    assert!(
        history.to_string().len() > regimen_web::MAX_BODY,
        "longer than an ordinary request"
    );
    let imported = app.post("/api/v1/import", &history, &[]).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    let reply = app.get("/api/v1/export", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "application/json");
    let export = reply.json();
    let checkins = export["checkins"].as_array().expect("checkins");
    assert_eq!(checkins.len(), days as usize);
    let dates: Vec<&str> = checkins
        .iter()
        .map(|c| c["body"]["date"].as_str().expect("date"))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted, "in the order of the list");
    assert_eq!(export["profiles"], json!([]));
    assert!(export.get("photos").is_none(), "no photos, no key");
    let other = spawn_app(false).await;
    let back = other.post("/api/v1/import", &export, &[]).await;
    assert_eq!(back.status, StatusCode::CREATED, "{}", back.text);
    assert_eq!(back.json()["imported"], days);
    let mut huge = export;
    huge["checkins"][0]["body"]["note"] = json!("x".repeat(5 << 20));
    let refused = other.post("/api/v1/import", &huge, &[]).await;
    assert_eq!(
        refused.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        refused.text
    );
}

/// An idle server holds no ingredient dictionary (28,000 names): it is built when a
/// request first needs it, and plans without a shelf or an avoid list never do.
#[tokio::test]
async fn the_dictionary_is_built_on_first_use() {
    let dir = super::fresh_dir("regimen-lazy");
    let store = regimen_store::Store::connect(&format!("sqlite://{}/db.sqlite", dir.display()))
        .await
        .expect("store");
    let knowledge = std::sync::Arc::new(regimen_core::Knowledge::builtin().expect("knowledge"));
    let state =
        regimen_web::AppState::new(store, knowledge, None, regimen_web::Settings::default())
            .await
            .expect("state");
    let router = regimen_web::app(state.clone());
    let send = |request: axum::http::Request<axum::body::Body>| {
        use tower::ServiceExt;
        router.clone().oneshot(request)
    };
    let plan = axum::http::Request::post("/api/v1/plan")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(profile().to_string()))
        .expect("request");
    assert_eq!(send(plan).await.expect("answer").status(), StatusCode::OK);
    assert!(!state.analyzer_built(), "a plain plan needs no dictionary");
    let product = json!({"name": "Cream", "ingredients": "Aqua, Glycerin"});
    let shelf = axum::http::Request::post("/api/v1/shelf")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(product.to_string()))
        .expect("request");
    assert_eq!(
        send(shelf).await.expect("answer").status(),
        StatusCode::CREATED
    );
    assert!(state.analyzer_built());
    let _ = std::fs::remove_dir_all(dir);
}

/// One check-in per date: a second one for the same day updates the first.
#[tokio::test]
async fn a_second_checkin_for_a_date_updates_the_first() {
    let app = spawn_app(false).await;
    let first = app
        .post(
            "/api/v1/checkins",
            &json!({"date": "2026-11-04", "ratings": {"acne": 2}, "note": "morning"}),
            &[],
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let id = first.json()["id"].as_i64().expect("id");
    let second = app
        .post(
            "/api/v1/checkins",
            &json!({"date": "2026-11-04", "ratings": {"acne": 3}, "note": "evening"}),
            &[],
        )
        .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.json()["id"].as_i64(), Some(id));
    let listed = app.get("/api/v1/checkins", &[]).await.json();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["note"], "evening");
    let other_day = app
        .post("/api/v1/checkins", &json!({"date": "2026-11-05"}), &[])
        .await;
    assert_eq!(other_day.status, StatusCode::CREATED);
}

/// A personal experiment through the API: a plan saved with `"experiment": true` keeps
/// its seed and answers the draw under `plan.experiment`; check-ins of a person whose
/// acne is a point better after a mask give the verdict "better"; another person's
/// plan is not found.
#[tokio::test]
async fn an_experiment_plan_and_its_results() {
    let app = spawn_app(false).await;
    let today = chrono::Local::now().date_naive();
    let start = today - chrono::Days::new(56);
    let profile = json!({"skin_type": "combination", "concerns": ["acne", "dullness"], "goal": "both", "minutes_pm": 20});
    let profile_id = app.post("/api/v1/profiles", &profile, &[]).await.json()["id"]
        .as_i64()
        .expect("id");
    let bad = app
        .post(
            "/api/v1/plans",
            &json!({"profile_id": profile_id, "seed": 3}),
            &[],
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("seed"))
    );
    let saved = app
        .post(
            "/api/v1/plans",
            &json!({"profile_id": profile_id, "weeks": 8, "start": start.to_string(), "experiment": true, "seed": 9}),
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let saved = saved.json();
    assert_eq!(saved["experiment"], 9);
    assert_eq!(saved["plan"]["experiment"]["seed"], 9);
    let masks: Vec<String> =
        serde_json::from_value(saved["plan"]["experiment"]["mask_evenings"].clone())
            .expect("evenings");
    let id = saved["id"].as_i64().expect("id");
    let results = app.get(&format!("/api/v1/plans/{id}/results"), &[]).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.text);
    assert!(results.json()["text"]
        .as_str()
        .expect("text")
        .contains("No ratings yet"));
    for d in 0..57u64 {
        let date = start + chrono::Days::new(d);
        let before = (date - chrono::Days::new(1)).to_string();
        let noise = [0, 1, 0, -1, 0, 0, 1][(d * 5 % 7) as usize];
        let acne = 3 + i64::from(masks.contains(&before)) + noise;
        let reply = app
            .post(
                "/api/v1/checkins",
                &json!({"date": date.to_string(), "ratings": {"acne": acne, "dullness": 3 + noise}}),
                &[],
            )
            .await;
        assert!(reply.status.is_success(), "{}", reply.text);
    }
    let results = app
        .get(&format!("/api/v1/plans/{id}/results"), &[])
        .await
        .json();
    // With the mornings rated, a new experiment over them (another seed) is refused:
    // a seed cannot be drawn again until one likes the answer.
    let again = app
        .post(
            "/api/v1/plans",
            &json!({"profile_id": profile_id, "weeks": 8, "start": start.to_string(), "experiment": true, "seed": 10}),
            &[],
        )
        .await;
    assert_eq!(
        (again.status, again.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("start")),
        "{}",
        again.text
    );
    assert_eq!(results["experiment"], true);
    assert_eq!(results["comparisons"][0]["metric"], "acne");
    assert_eq!(results["comparisons"][0]["verdict"], "better", "{results}");
    assert_eq!(results["comparisons"][1]["verdict"], "no_clear_difference");
    assert_eq!(results["method"]["redraws"], 2000);
    // A rating out of range is refused by its field, by the type the core checks.
    let bad = app
        .post(
            "/api/v1/checkins",
            &json!({"date": today.to_string(), "ratings": {"acne": 6}}),
            &[],
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("ratings.acne"))
    );
    assert_eq!(
        app.get("/api/v1/plans/999999/results", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn faq_answers_questions_as_people_type_them() {
    let app = spawn_app(false).await;
    let reply = app
        .get("/api/v1/faq?q=is+bakuchiol+safe+in+pregancy", &[])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["confidence"], "high", "{body}");
    assert!(body["answer"].as_str().expect("answer").starts_with("No"));
    assert!(body["understood"]["asks"]
        .as_array()
        .expect("asks")
        .iter()
        .any(|a| a == "pregnancy"));
    assert!(!body["sources"].as_array().expect("sources").is_empty());
    let unsure = app
        .get("/api/v1/faq?q=best+pizza+near+me", &[])
        .await
        .json();
    assert_eq!(unsure["confidence"], "low");
    let empty = app.get("/api/v1/faq?q=", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = format!("/api/v1/faq?q={}", "a".repeat(1200));
    assert_eq!(
        app.get(&long, &[]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// Lists come in pages (a person with 3,660 check-ins once got 901 KB at once): `limit`
/// (default 100, at most 500) and the next page's address in `Link`.
#[tokio::test]
async fn lists_come_in_pages_linked_to_the_next() {
    let app = spawn_app(false).await;
    for day in 1..=7 {
        let checkin = json!({"date": format!("2026-11-{day:02}"), "ratings": {"acne": 3}});
        assert_eq!(
            app.post("/api/v1/checkins", &checkin, &[]).await.status,
            StatusCode::CREATED
        );
    }
    let mut dates = Vec::new();
    let mut next = Some("/api/v1/checkins?limit=3".to_string());
    let mut pages = 0;
    while let Some(url) = next {
        let page = app.get(&url, &[]).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let items = page.json();
        let items = items.as_array().expect("an array");
        assert!(items.len() <= 3);
        dates.extend(
            items
                .iter()
                .map(|c| c["date"].as_str().expect("date").to_string()),
        );
        next = page.headers.get("link").map(|link| {
            let link = link.to_str().expect("text");
            assert!(link.ends_with("; rel=\"next\""), "{link}");
            link.trim_start_matches('<')
                .split('>')
                .next()
                .expect("address")
                .to_string()
        });
        pages += 1;
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (1..=7).map(|d| format!("2026-11-{d:02}")).collect();
    assert_eq!(dates, expected, "every item once, in order");
    // The whole list by default (under 100), and no Link.
    let all = app.get("/api/v1/checkins", &[]).await;
    assert_eq!(all.json().as_array().map(Vec::len), Some(7));
    assert!(all.headers.get("link").is_none());
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=nope", "cursor"),
    ] {
        let bad = app.get(&format!("/api/v1/checkins?{query}"), &[]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(bad.json()["field"], field, "{query}");
    }
}

/// 40 creates sent together once stored 53 profiles against a quota of 50: counted
/// and stored in one transaction now, on both databases.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_sent_together_keep_the_quota() {
    async fn fill(app: &super::TestApp) {
        let profile = json!({"skin_type": "oily", "goal": "both"});
        for _ in 0..45 {
            assert_eq!(
                app.post("/api/v1/profiles", &profile, &[]).await.status,
                StatusCode::CREATED
            );
        }
        let together = (0..40).map(|_| app.post("/api/v1/profiles", &profile, &[]));
        let statuses: Vec<StatusCode> = futures_util::future::join_all(together)
            .await
            .iter()
            .map(|r| r.status)
            .collect();
        let created = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(created, 5, "{statuses:?}");
        let listed = app.get("/api/v1/profiles?limit=500", &[]).await.json();
        assert_eq!(listed.as_array().map(Vec::len), Some(50));
    }
    let app = spawn_app(false).await;
    fill(&app).await;
    if let Some(database) = regimen_store::testing::PostgresDatabase::create().await {
        let app =
            super::spawn_app_on(database.url(), &super::fresh_dir("regimen-pg-quota"), false).await;
        fill(&app).await;
        drop(app);
        database.drop().await;
    }
}
