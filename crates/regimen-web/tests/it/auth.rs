//! Multi-user mode: accounts, sessions, CSRF, rate limiting, and that every owned
//! resource answers 404 to another user and 401 to nobody.

use super::{spawn_app, TestApp};
use axum::http::StatusCode;
use serde_json::json;

async fn sign_up_and_in(app: &TestApp, username: &str) -> (String, String, String) {
    let credentials = json!({"username": username, "password": "correct horse battery"});
    let created = app.post("/api/v1/accounts", &credentials, &[]).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let session = app.post("/api/v1/sessions", &credentials, &[]).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    let cookie = session.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let json = session.json();
    let token = json["token"].as_str().expect("token").to_string();
    let csrf = json["csrf"].as_str().expect("csrf").to_string();
    let cookie_pair = cookie.split(';').next().expect("pair").to_string();
    (token, csrf, cookie_pair)
}

#[tokio::test]
async fn accounts_sessions_and_sign_out() {
    let app = spawn_app(true).await;
    assert_eq!(
        app.get("/api/v1/profiles", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "no credentials"
    );
    assert_eq!(app.get("/healthz", &[]).await.status, StatusCode::OK);
    let profile = json!({"skin_type": "dry", "goal": "both"});
    assert_eq!(
        app.post("/api/v1/plan", &profile, &[]).await.status,
        StatusCode::OK,
        "stateless plans need no login"
    );
    let (token, csrf, cookie) = sign_up_and_in(&app, "alice").await;
    let bearer = format!("Bearer {token}");
    let created = app
        .post("/api/v1/profiles", &profile, &[("authorization", &bearer)])
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    // The same account twice is a conflict; a weak password or name is a 422.
    let again = app
        .post(
            "/api/v1/accounts",
            &json!({"username": "alice", "password": "another password"}),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let weak = app
        .post(
            "/api/v1/accounts",
            &json!({"username": "bob", "password": "short"}),
            &[],
        )
        .await;
    assert_eq!(
        (weak.status, weak.json()["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password"))
    );
    // Cookie reads work; cookie writes need the CSRF header.
    assert_eq!(
        app.get("/api/v1/profiles", &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::OK
    );
    let forged = app
        .post("/api/v1/profiles", &profile, &[("cookie", &cookie)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let wrong = app
        .post(
            "/api/v1/profiles",
            &profile,
            &[("cookie", &cookie), ("x-csrf-token", "nope")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let honest = app
        .post(
            "/api/v1/profiles",
            &profile,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(honest.status, StatusCode::CREATED);
    // Signing out ends the session.
    assert_eq!(
        app.delete("/api/v1/sessions", &[("authorization", &bearer)])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/profiles", &[("authorization", &bearer)])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let bad = app
        .post(
            "/api/v1/sessions",
            &json!({"username": "alice", "password": "wrong password"}),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let nobody = app
        .post(
            "/api/v1/sessions",
            &json!({"username": "nobody", "password": "whatever123"}),
            &[],
        )
        .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_is_rate_limited() {
    let app = spawn_app(true).await;
    sign_up_and_in(&app, "carol").await;
    let wrong = json!({"username": "carol", "password": "not the password"});
    for _ in 0..5 {
        assert_eq!(
            app.post("/api/v1/sessions", &wrong, &[]).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let right = json!({"username": "carol", "password": "correct horse battery"});
    assert_eq!(
        app.post("/api/v1/sessions", &right, &[]).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// 50 guesses sent together were once nearly all checked (the count was read before
/// any was written); the limit now holds however they arrive.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_sent_together_are_limited_too() {
    let app = std::sync::Arc::new(spawn_app(true).await);
    sign_up_and_in(&app, "dave").await;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let app = std::sync::Arc::clone(&app);
            tokio::spawn(async move {
                let wrong = json!({"username": "dave", "password": "not the password"});
                app.post("/api/v1/sessions", &wrong, &[("x-real-ip", "203.0.113.9")])
                    .await
                    .status
            })
        })
        .collect();
    let mut checked = 0;
    for task in tasks {
        match task.await.expect("task") {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        checked <= 5,
        "{checked} of 50 guesses were checked; the limit is 5"
    );
}

/// Someone else's guesses do not lock the owner out; one client spraying many
/// usernames is limited; a username no account can have is refused without a lookup.
#[tokio::test]
async fn limits_follow_the_client_not_just_the_username() {
    let app = spawn_app(true).await;
    sign_up_and_in(&app, "erin").await;
    let attacker = [("x-real-ip", "198.51.100.7")];
    let wrong = json!({"username": "erin", "password": "not the password"});
    for _ in 0..6 {
        app.post("/api/v1/sessions", &wrong, &attacker).await;
    }
    assert_eq!(
        app.post("/api/v1/sessions", &wrong, &attacker).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let right = json!({"username": "erin", "password": "correct horse battery"});
    assert_eq!(
        app.post("/api/v1/sessions", &right, &[("x-real-ip", "192.0.2.1")])
            .await
            .status,
        StatusCode::CREATED,
        "the owner signs in from their own device"
    );
    // Spraying: one client, a different username each time.
    let sprayer = [("x-real-ip", "198.51.100.99")];
    let mut statuses = Vec::new();
    for i in 0..25 {
        let guess = json!({"username": format!("user{i}"), "password": "password guess"});
        statuses.push(app.post("/api/v1/sessions", &guess, &sprayer).await.status);
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
    assert!(
        statuses[20..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let long = json!({"username": "a".repeat(10_000), "password": "whatever it is"});
    assert_eq!(
        app.post("/api/v1/sessions", &long, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// On PostgreSQL a 10,000-character username was a 500 (its index refuses such rows).
#[tokio::test]
async fn a_huge_username_is_a_401_on_postgres() {
    let Some(database) = regimen_store::testing::PostgresDatabase::create().await else {
        return;
    };
    let app = super::spawn_app_on(database.url(), &super::fresh_dir("regimen-pg-auth"), true).await;
    let long = json!({"username": "é".repeat(10_000), "password": "whatever it is"});
    let reply = app.post("/api/v1/sessions", &long, &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    let account = app.post("/api/v1/accounts", &long, &[]).await;
    assert_eq!(
        account.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        account.text
    );
    drop(app);
    database.drop().await;
}

#[tokio::test]
async fn every_owned_resource_is_private() {
    let app = spawn_app(true).await;
    let (alice, _, _) = sign_up_and_in(&app, "alice").await;
    let (bob, _, _) = sign_up_and_in(&app, "bob").await;
    let alice = format!("Bearer {alice}");
    let bob = format!("Bearer {bob}");
    let profile = json!({"skin_type": "dry", "goal": "both", "start": "2026-12-01"});
    let resources = [
        ("profiles", profile.clone()),
        (
            "shelf",
            json!({"name": "Cream", "ingredients": "Aqua, Glycerin"}),
        ),
        ("plans", json!({"profile": profile, "weeks": 1})),
        ("checkins", json!({"date": "2026-11-04"})),
    ];
    for (collection, body) in &resources {
        let created = app
            .post(
                &format!("/api/v1/{collection}"),
                body,
                &[("authorization", &alice)],
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "{collection}: {}",
            created.text
        );
        let id = created.json()["id"].as_i64().expect("id");
        let path = format!("/api/v1/{collection}/{id}");
        assert_eq!(
            app.get(&path, &[("authorization", &bob)]).await.status,
            StatusCode::NOT_FOUND,
            "{collection} read"
        );
        assert_eq!(
            app.put(&path, body, &[("authorization", &bob)])
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{collection} update"
        );
        assert_eq!(
            app.delete(&path, &[("authorization", &bob)]).await.status,
            StatusCode::NOT_FOUND,
            "{collection} delete"
        );
        assert_eq!(
            app.get(&path, &[]).await.status,
            StatusCode::UNAUTHORIZED,
            "{collection} without credentials"
        );
        let listed = app
            .get(&format!("/api/v1/{collection}"), &[("authorization", &bob)])
            .await
            .json();
        assert_eq!(listed, json!([]), "{collection} list");
        assert_eq!(
            app.get(&path, &[("authorization", &alice)]).await.status,
            StatusCode::OK,
            "{collection} owner"
        );
        if *collection == "plans" {
            let feed = format!("/api/v1/plans/{id}/feed");
            assert_eq!(
                app.post(&feed, &json!({}), &[("authorization", &bob)])
                    .await
                    .status,
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                app.delete(&feed, &[("authorization", &bob)]).await.status,
                StatusCode::NOT_FOUND
            );
        }
    }
    let export = app
        .get("/api/v1/export", &[("authorization", &bob)])
        .await
        .json();
    assert_eq!(
        export["profiles"],
        json!([]),
        "bob's export holds nothing of alice's"
    );
}

#[tokio::test]
async fn local_mode_has_no_accounts() {
    let app = spawn_app(false).await;
    let credentials = json!({"username": "alice", "password": "correct horse battery"});
    assert_eq!(
        app.post("/api/v1/accounts", &credentials, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/profiles", &[]).await.status,
        StatusCode::OK,
        "the local user needs no login"
    );
}

/// Deleting an account takes everything it stored, and its token and password stop
/// working; another account is untouched.
#[tokio::test]
async fn deleting_an_account_leaves_nothing_behind() {
    let app = spawn_app(true).await;
    let (token, _, _) = sign_up_and_in(&app, "frank").await;
    let (other, _, _) = sign_up_and_in(&app, "grace").await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    app.post(
        "/api/v1/checkins",
        &json!({"date": "2026-11-04", "note": "private"}),
        &auth,
    )
    .await;
    let other_bearer = format!("Bearer {other}");
    app.post(
        "/api/v1/checkins",
        &json!({"date": "2026-11-04"}),
        &[("authorization", other_bearer.as_str())],
    )
    .await;
    let user = app
        .store
        .user_by_name("frank")
        .await
        .expect("user")
        .expect("frank")
        .id;
    // The password confirms it: a wrong one deletes nothing, and guesses are limited.
    let wrong = app.delete_account("not my password", &auth).await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.text
    );
    assert_eq!(wrong.json()["field"], "password");
    assert_eq!(
        app.delete("/api/v1/account", &auth).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "no password (no JSON body): nothing deleted"
    );
    assert_eq!(
        app.delete_account("correct horse battery", &auth)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/checkins", &auth).await.status,
        StatusCode::UNAUTHORIZED
    );
    let credentials = json!({"username": "frank", "password": "correct horse battery"});
    assert_eq!(
        app.post("/api/v1/sessions", &credentials, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    for collection in regimen_store::Collection::ALL {
        assert_eq!(app.store.count(user, collection).await.expect("count"), 0);
    }
    let kept = app
        .get(
            "/api/v1/checkins",
            &[("authorization", other_bearer.as_str())],
        )
        .await
        .json();
    assert_eq!(kept.as_array().map(Vec::len), Some(1), "grace keeps hers");
}

#[tokio::test]
async fn sign_ups_are_limited_per_client_and_in_all() {
    let app = spawn_app(true).await;
    let sign_up = |name: String, client: String| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/accounts",
                &json!({"username": name, "password": "correct horse battery"}),
                &[("x-real-ip", client.as_str())],
            )
            .await
        }
    };
    // One client: three accounts, then 429 (once 648 in 20 s).
    let mut statuses = Vec::new();
    for i in 0..6 {
        statuses.push(sign_up(format!("burst{i}"), "10.9.0.1".into()).await.status);
    }
    assert_eq!(
        statuses,
        [201, 201, 201, 429, 429, 429].map(|s| StatusCode::from_u16(s).expect("status"))
    );
    // Refused ones are not counted: one client hammering cannot close sign-ups for others.
    for i in 0..70 {
        let reply = sign_up(format!("hammer{i}"), "10.9.0.1".into()).await;
        assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    }
    // A taken name is said as one, and not counted either.
    for _ in 0..4 {
        let taken = sign_up("burst0".into(), "10.9.0.3".into()).await;
        assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);
    }
    // A mistake in the form is not counted: another client tries three weak passwords,
    // then signs up.
    for _ in 0..3 {
        let weak = app
            .post(
                "/api/v1/accounts",
                &json!({"username": "careful", "password": "password1"}),
                &[("x-real-ip", "10.9.0.2")],
            )
            .await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        sign_up("careful".into(), "10.9.0.2".into()).await.status,
        StatusCode::CREATED
    );
    // Everyone together: at most 60 in the window, then 503 with Retry-After.
    let mut last = None;
    for i in 0..60 {
        let reply = sign_up(format!("many{i}"), format!("10.8.{}.{}", i / 200, i % 200)).await;
        last = Some(reply);
    }
    let last = last.expect("replies");
    assert_eq!(
        last.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        last.text
    );
    assert!(last.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn a_nearly_full_disk_stops_sign_ups_before_writes() {
    let dir = super::fresh_dir("regimen-watermark");
    let first = super::spawn_app_in(&dir, true).await;
    let (token, _, _) = sign_up_and_in(&first, "alice").await;
    // The same database (the first app removes it when dropped, at the end), now with a
    // watermark above any disk's free space.
    let settings = regimen_web::Settings {
        signups_stop_below: u64::MAX,
        ..super::test_settings(true)
    };
    let app = super::spawn_app_with(
        &format!("sqlite://{}/db.sqlite", dir.display()),
        &dir,
        settings,
    )
    .await;
    let refused = app
        .post(
            "/api/v1/accounts",
            &json!({"username": "bob", "password": "correct horse battery"}),
            &[],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.text
    );
    assert!(refused.json()["error"]
        .as_str()
        .expect("error")
        .contains("not taking new accounts"));
    // Those who have an account keep writing.
    let bearer = format!("Bearer {token}");
    let checkin = app
        .post(
            "/api/v1/checkins",
            &json!({"date": "2026-12-01", "ratings": {"acne": 3}}),
            &[("authorization", bearer.as_str())],
        )
        .await;
    assert_eq!(checkin.status, StatusCode::CREATED, "{}", checkin.text);
    drop(first);
}

#[tokio::test]
async fn password_checks_after_sign_in_are_limited_too() {
    let app = spawn_app(true).await;
    let (token, _, _) = sign_up_and_in(&app, "gina").await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(app.delete_account("a guess at it", &auth).await.status);
    }
    assert_eq!(statuses[..5], [StatusCode::UNPROCESSABLE_ENTITY; 5]);
    assert_eq!(
        statuses[5..],
        [StatusCode::TOO_MANY_REQUESTS; 2],
        "{statuses:?}"
    );
    // The account is still there.
    assert_eq!(
        app.get("/api/v1/profiles", &auth).await.status,
        StatusCode::OK
    );
}
