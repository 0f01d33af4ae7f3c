//! The OpenAPI document lists every route, and every listed route is served.

use super::spawn_app;
use axum::http::{Method, StatusCode};
use regimen_web::openapi::ROUTES;

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = spawn_app(false).await;
    let document = app.get("/api/v1/openapi.json", &[]).await.json();
    assert!(document["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with('3')));
    for route in ROUTES {
        let entry = &document["paths"][route.path][route.method.to_lowercase()];
        assert!(
            entry["summary"].is_string(),
            "{} {} is documented",
            route.method,
            route.path
        );
        let method = Method::from_bytes(route.method.as_bytes()).expect("method");
        let path = route.path.replace("{id}", "1");
        let body = route.body.map(|_| "{}".to_string());
        let reply = app.request(method, &path, body, &[]).await;
        assert_ne!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{} {}",
            route.method,
            route.path
        );
        let no_route = reply.status == StatusCode::NOT_FOUND
            && serde_json::from_str::<serde_json::Value>(&reply.text)
                .ok()
                .and_then(|v| v["error"].as_str().map(|e| e.contains("no such endpoint")))
                .unwrap_or(false);
        assert!(!no_route, "{} {} is served", route.method, route.path);
    }
}
