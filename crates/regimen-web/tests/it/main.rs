//! API tests without sockets: each test gets a fresh app on its own SQLite file and
//! drives it with `oneshot` requests.

mod api;
mod auth;
mod caching;
mod catalog;
mod faults;
mod guard;
mod jobs;
mod openapi;
mod pages;
mod photos;
mod robustness;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use regimen_core::analyzer::Analyzer;
use regimen_core::Knowledge;
use regimen_store::Store;
use regimen_web::{app, AppState, Settings};
use serde_json::Value;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

fn shared() -> (Arc<Knowledge>, Arc<Analyzer>) {
    static SHARED: OnceLock<(Arc<Knowledge>, Arc<Analyzer>)> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let knowledge = Knowledge::builtin().expect("knowledge");
            let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
            (Arc::new(knowledge), Arc::new(analyzer))
        })
        .clone()
}

pub struct TestApp {
    pub router: Router,
    /// The app's state.
    pub state: AppState,
    /// The store under the app, for tests that plant what an older version wrote.
    pub store: Store,
    dir: std::path::PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn spawn_app(multi_user: bool) -> TestApp {
    spawn_app_in(&fresh_dir("regimen-web"), multi_user).await
}

/// A directory path no other test uses.
pub fn fresh_dir(prefix: &str) -> std::path::PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    std::env::temp_dir().join(format!("{prefix}-{}-{n}", std::process::id()))
}

/// An app whose SQLite file lives in `dir` (removed when the app is dropped).
pub async fn spawn_app_in(dir: &std::path::Path, multi_user: bool) -> TestApp {
    spawn_app_on(
        &format!("sqlite://{}/db.sqlite", dir.display()),
        dir,
        multi_user,
    )
    .await
}

/// An app on the database at `url`; `dir` is removed when the app is dropped.
pub async fn spawn_app_on(url: &str, dir: &std::path::Path, multi_user: bool) -> TestApp {
    spawn_app_with(url, dir, test_settings(multi_user)).await
}

/// The settings of a test app: accounts or not, and the header tests name their client by.
pub fn test_settings(multi_user: bool) -> Settings {
    Settings {
        multi_user,
        public_url: "http://127.0.0.1:8080".into(),
        // Tests act as different clients through this header.
        client_ip_header: Some("x-real-ip".into()),
        ..Settings::default()
    }
}

/// An app on the database at `url` with these settings; `dir` is removed when dropped.
pub async fn spawn_app_with(url: &str, dir: &std::path::Path, settings: Settings) -> TestApp {
    let dir = dir.to_path_buf();
    let store = Store::connect(url).await.expect("store");
    let (knowledge, analyzer) = shared();
    let state = AppState::new(store.clone(), knowledge, Some(analyzer), settings)
        .await
        .expect("state");
    TestApp {
        store,
        router: app(state.clone()),
        state,
        dir,
    }
}

impl TestApp {
    /// A worker for the job queue, until the handle is dropped.
    pub fn spawn_worker(&self) -> tokio::sync::oneshot::Sender<()> {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(regimen_web::jobs::work(
            self.state.clone(),
            "test".into(),
            regimen_web::jobs::LEASE_SECONDS,
            async move {
                let _ = stopped.await;
            },
        ));
        stop
    }

    /// The shelf page of a scan being read (`/shelf?reading=ID`), asked again until its
    /// photo is read (a worker runs meanwhile): the last answer.
    pub async fn read_on_the_queue(&self, location: &str) -> Reply {
        let _worker = self.spawn_worker();
        for _ in 0..600 {
            let reply = self.get(location, &[]).await;
            if !reply.text.contains("this page looks again") {
                return reply;
            }
            assert!(reply
                .text
                .contains("<meta http-equiv=\"refresh\" content=\"2\">"));
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{location} was not read within 30 s");
    }
}

/// The answer to one request.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl TestApp {
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match body {
            Some(text) => {
                builder = builder.header("content-type", "application/json");
                Body::from(text)
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(builder.body(body).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A request with a body sent as it is, with exactly these headers.
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let response = self
            .router
            .clone()
            .oneshot(builder.body(Body::from(body.to_string())).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.request(Method::GET, path, None, headers).await
    }

    pub async fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
        self.request(Method::POST, path, Some(body.to_string()), headers)
            .await
    }

    pub async fn put(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
        self.request(Method::PUT, path, Some(body.to_string()), headers)
            .await
    }

    pub async fn delete(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.request(Method::DELETE, path, None, headers).await
    }

    /// `DELETE /api/v1/account` with the password that confirms it.
    pub async fn delete_account(&self, password: &str, headers: &[(&str, &str)]) -> Reply {
        let body = serde_json::json!({ "password": password }).to_string();
        self.request(Method::DELETE, "/api/v1/account", Some(body), headers)
            .await
    }
}
