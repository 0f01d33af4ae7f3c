//! Whatever a client sends, the answer is never a 5xx: random and near-valid bodies to
//! every endpoint that takes one.

use super::spawn_app;
use axum::http::Method;
use proptest::prelude::*;
use regimen_web::openapi::ROUTES;

fn bodies() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\"skin_type\"",
        "\"goal\"",
        "\"oily\"",
        "\"both\"",
        "\"date\"",
        "\"2026-11-04\"",
        "\"2027-02-30\"",
        "\"ratings\"",
        "{\"acne\": 9}",
        "\"steps_done\"",
        "[\"cleanse\"]",
        "\"shelf\"",
        "[{\"name\": \"x\", \"ingredients\": \"Aqua, Retinol\"}]",
        "null",
        "true",
        "-1",
        "1e999",
        "\"\\u0000\"",
        "\"profile\"",
        "\"profile_id\"",
        "99999999999999999999",
        "\"weeks\"",
        "0",
        "\"username\"",
        "\"password\"",
        "\"version\"",
        "1",
        "\"profiles\"",
        "[]",
    ]);
    prop_oneof![
        prop::collection::vec(fragments, 0..30).prop_map(|parts| parts.concat()),
        "\\PC{0,200}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_body_makes_the_server_fail(body in bodies(), multi_user in any::<bool>()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            let app = spawn_app(multi_user).await;
            for route in ROUTES.iter().filter(|r| r.body.is_some()) {
                let method = Method::from_bytes(route.method.as_bytes()).expect("method");
                let path = route.path.replace("{id}", "1");
                let reply = app.request(method, &path, Some(body.clone()), &[]).await;
                prop_assert!(reply.status.as_u16() < 500, "{} {} answered {} to {:?}: {}", route.method, route.path, reply.status, body, reply.text);
            }
            Ok(())
        })?;
    }
}

/// A NUL character in any text (once a 500 on PostgreSQL, which cannot store it) is a
/// 422 naming the field, before any database sees it; a form's NUL is dropped.
#[tokio::test]
async fn the_nul_character_is_refused_by_its_field() {
    let app = spawn_app(false).await;
    let reply = app
        .post(
            "/api/v1/shelf",
            &serde_json::json!({"name": "Cream\u{0}", "ingredients": "Aqua, Glycerin"}),
            &[],
        )
        .await;
    assert_eq!(
        reply.status,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert_eq!(reply.json()["field"], "name");
    let reply = app
        .post(
            "/api/v1/checkins",
            &serde_json::json!({"date": "2026-12-01", "reactions": ["ok", "sting\u{0}ing"]}),
            &[],
        )
        .await;
    assert_eq!(reply.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["field"], "reactions[1]");
}
