//! Faults of the machine: a full disk, on a real file system (a small tmpfs mounted for
//! the test; mounting needs root: without it the test says so and stops, unless
//! REGIMEN_REQUIRE_MOUNT is set, as in CI, where that is a failure), and a database
//! that turns read-only (PostgreSQL).

use super::{fresh_dir, spawn_app_in};
use axum::http::StatusCode;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of `size` mounted at a fresh directory, unmounted when dropped.
struct Mount {
    dir: PathBuf,
}

impl Mount {
    fn new(size: &str) -> Option<Mount> {
        let dir = fresh_dir("regimen-fault");
        std::fs::create_dir_all(&dir).expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status();
        if status.is_ok_and(|s| s.success()) {
            return Some(Mount { dir });
        }
        let _ = std::fs::remove_dir(&dir);
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_MOUNT").is_none(),
            "REGIMEN_REQUIRE_MOUNT is set but a tmpfs could not be mounted (run as root)"
        );
        regimen_store::testing::note_skip(
            "a tmpfs could not be mounted here (run the tests as root: sudo scripts/test); CI requires it",
        );
        None
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes zeros into `dir/filler` until the file system is full.
fn fill(dir: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(dir.join("filler")).expect("filler");
    let block = vec![0u8; 4096];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
}

#[tokio::test]
async fn a_full_disk_never_acknowledges_a_write_it_did_not_store() {
    let Some(mount) = Mount::new("4m") else {
        return;
    };
    let app = spawn_app_in(&mount.dir.join("data"), true).await;
    let credentials = json!({"username": "ada", "password": "correct horse battery"});
    assert_eq!(
        app.post("/api/v1/accounts", &credentials, &[]).await.status,
        StatusCode::CREATED
    );
    let session = app.post("/api/v1/sessions", &credentials, &[]).await;
    let token = session.json()["token"].as_str().expect("token").to_string();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    fill(&mount.dir);
    let note = "n".repeat(2000);
    let mut acknowledged = Vec::new();
    let mut refused = None;
    for day in 0..3000 {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
            + chrono::Duration::days(day);
        let checkin = json!({"date": date.to_string(), "note": note});
        let reply = app.post("/api/v1/checkins", &checkin, &auth).await;
        match reply.status {
            StatusCode::CREATED => acknowledged.push(reply.json()["id"].as_i64().expect("id")),
            _ => {
                refused = Some(reply);
                break;
            }
        }
    }
    let refused = refused.expect("a full disk refuses writes at some point");
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.text
    );
    assert!(refused.headers.contains_key("retry-after"));
    assert!(
        refused.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("nothing was saved")),
        "{}",
        refused.text
    );
    // /healthz says so.
    let health = app.get("/healthz", &[]).await;
    assert_eq!(
        health.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        health.text
    );
    assert_eq!(health.json()["status"], "disk_full");
    // Every acknowledged check-in is there, and nothing else.
    let listed = app.get("/api/v1/checkins", &auth).await.json();
    let ids: Vec<i64> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(
        ids, acknowledged,
        "stored check-ins are the acknowledged ones"
    );
    // A new account on the full disk: stored and usable, or refused; never a ghost.
    let other = json!({"username": "grace", "password": "another good password"});
    let created = app.post("/api/v1/accounts", &other, &[]).await;
    match created.status {
        StatusCode::CREATED => assert_eq!(
            app.post("/api/v1/sessions", &other, &[]).await.status,
            StatusCode::CREATED,
            "an acknowledged account signs in"
        ),
        status => assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{}", created.text),
    }
    drop(app);
}

/// A database that turns read-only while the server runs (a PostgreSQL primary
/// demoted, or set read-only by its operator): `/healthz` says so and writes are 503.
#[tokio::test]
async fn healthz_reports_a_read_only_database() {
    let Some(database) = regimen_store::testing::PostgresDatabase::create().await else {
        return;
    };
    let app = super::spawn_app_on(database.url(), &fresh_dir("regimen-ro"), false).await;
    assert_eq!(app.get("/healthz", &[]).await.status, StatusCode::OK);
    // The server's connections end; the ones it opens next are read-only.
    database.make_read_only().await;
    let mut health = app.get("/healthz", &[]).await;
    // A connection that was cut answers one error before the pool opens a new one, and
    // the server probes writes at most once a second.
    for _ in 0..10 {
        if health.status == StatusCode::SERVICE_UNAVAILABLE && health.text.contains("read_only") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        health = app.get("/healthz", &[]).await;
    }
    assert_eq!(
        health.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        health.text
    );
    assert_eq!(health.json()["status"], "read_only");
    let write = app
        .post("/api/v1/checkins", &json!({"date": "2026-01-01"}), &[])
        .await;
    assert_eq!(
        write.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        write.text
    );
    assert!(write.headers.contains_key("retry-after"));
    drop(app);
    database.drop().await;
}

/// Remounts a mounted tmpfs read-only, or writable again.
fn remount(dir: &Path, read_only: bool) {
    let mode = if read_only {
        "remount,ro"
    } else {
        "remount,rw"
    };
    let status = Command::new("mount")
        .args(["-o", mode])
        .arg(dir)
        .status()
        .expect("mount");
    assert!(status.success(), "mount -o {mode}");
}

/// The photo store refusing a delete (a read-only folder here; an S3 outage alike) once
/// answered 204 to an account's deletion while its photos stayed on disk, owned by
/// nobody. Now the photos go first, and while they cannot, the account stays (503);
/// asked again once the store is back, everything goes.
#[tokio::test]
async fn deleting_an_account_deletes_its_photos_or_nothing() {
    use tower::ServiceExt;
    let Some(mount) = Mount::new("16m") else {
        return;
    };
    let data = fresh_dir("regimen-rodel");
    let photos_dir = mount.dir.join("photos");
    let settings = regimen_web::Settings {
        photos: regimen_photos::PhotoStore::open(photos_dir.to_str().expect("path"))
            .expect("photo store"),
        ..super::test_settings(true)
    };
    let app = super::spawn_app_with(
        &format!("sqlite://{}/db.sqlite", data.display()),
        &data,
        settings,
    )
    .await;
    let credentials = json!({"username": "alice", "password": "correct horse battery"});
    app.post("/api/v1/accounts", &credentials, &[]).await;
    let session = app.post("/api/v1/sessions", &credentials, &[]).await.json();
    let bearer = format!("Bearer {}", session["token"].as_str().expect("token"));
    let png = regimen_photos::testing::encoded(
        &regimen_photos::testing::picture(40, 30),
        regimen_photos::testing::ImageFormat::Png,
    );
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(format!(
            "/api/v1/photos?date={}",
            chrono::Local::now().date_naive()
        ))
        .header("content-type", "image/png")
        .header("authorization", &bearer)
        .body(axum::body::Body::from(png))
        .expect("request");
    let created = app.router.clone().oneshot(request).await.expect("response");
    assert_eq!(created.status(), StatusCode::CREATED);
    let files = || walk(&photos_dir);
    assert_eq!(files(), 2, "the photo and its thumbnail");

    remount(&mount.dir, true);
    let auth = [("authorization", bearer.as_str())];
    let refused = app.delete_account("correct horse battery", &auth).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.text
    );
    assert!(refused.headers.contains_key("retry-after"));
    // Nothing is lost: the account, its photo and its images are all still there.
    assert_eq!(
        app.get("/api/v1/photos", &auth)
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(files(), 2);

    remount(&mount.dir, false);
    let deleted = app.delete_account("correct horse battery", &auth).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(files(), 0, "no image is left that nobody owns");
    drop(app);
    drop(mount);
}

/// How many files are under `dir`, at any depth.
fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    walk(&path)
                } else {
                    1
                }
            })
            .sum()
    })
}

/// A database file on a read-only file system is said as such when it is opened (not as
/// a database that does not answer), and nothing is changed.
#[tokio::test]
async fn a_read_only_database_file_is_said_as_such() {
    let Some(mount) = Mount::new("4m") else {
        return;
    };
    let file = mount.dir.join("db.sqlite");
    let url = format!("sqlite://{}", file.display());
    let store = regimen_store::Store::connect(&url).await.expect("made");
    store.close().await;
    remount(&mount.dir, true);
    let Err(error) = regimen_store::Store::connect(&url).await else {
        panic!("a read-only file is refused");
    };
    let message = error.to_string();
    assert!(
        matches!(error, regimen_store::StoreError::ReadOnlyFile { .. }),
        "{message}"
    );
    assert!(message.contains("cannot be written"), "{message}");
    assert!(message.contains("db.sqlite"), "{message}");
}
