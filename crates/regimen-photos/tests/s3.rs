//! The S3 backend against a real S3-compatible server: s3s-fs (the S3 API over a
//! folder, with signed requests) served in this test on a free port.

use hyper_util::rt::TokioIo;
use regimen_photos::PhotoStore;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use std::path::PathBuf;

const KEY: &str = "regimen-test-key";
const SECRET: &str = "regimen-test-secret";

/// An S3 server on a folder; its port, and the task serving it (abort: an outage).
async fn s3_server(root: &std::path::Path) -> (u16, tokio::task::JoinHandle<()>) {
    let filesystem = s3s_fs::FileSystem::new(root).expect("s3s-fs");
    let mut builder = S3ServiceBuilder::new(filesystem);
    builder.set_auth(SimpleAuth::from_single(KEY, SECRET));
    let service = builder.build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let serving = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((socket, _)) = listener.accept().await {
            let service = service.clone();
            connections.spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    (port, serving)
}

fn bucket(port: u16, secret: &str) -> PhotoStore {
    let endpoint = format!("http://127.0.0.1:{port}");
    PhotoStore::bucket(
        "regimen-photos/people",
        &[
            ("aws_endpoint", &endpoint),
            ("aws_access_key_id", KEY),
            ("aws_secret_access_key", secret),
            ("aws_region", "us-east-1"),
            ("aws_allow_http", "true"),
            ("aws_virtual_hosted_style_request", "false"),
        ],
    )
    .expect("bucket")
}

fn fresh_root() -> PathBuf {
    let root = std::env::temp_dir().join(format!("regimen-s3-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    // A bucket of s3s-fs is a folder under its root.
    std::fs::create_dir_all(root.join("regimen-photos")).expect("bucket folder");
    root
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_kept_read_and_deleted_in_an_s3_bucket() {
    let root = fresh_root();
    let (port, serving) = s3_server(&root).await;
    let store = bucket(port, SECRET);
    assert_eq!(store.place(), "s3://regimen-photos/people");
    let key = regimen_photos::key(7, 42, regimen_photos::Size::Full);
    let photo: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    store.put(&key, photo.clone()).await.expect("put");
    // Kept in the bucket under the prefix, as the server keeps it.
    let on_disk = root.join("regimen-photos/people/7/42.jpg");
    assert_eq!(std::fs::read(&on_disk).expect("the object's file"), photo);
    assert_eq!(
        store.get(&key).await.expect("get").as_deref(),
        Some(photo.as_slice())
    );
    assert_eq!(store.get("7/43.jpg").await.expect("get missing"), None);
    // Deleted, and deleting what is gone is fine.
    store.delete(&key).await.expect("delete");
    assert!(!on_disk.exists());
    assert_eq!(store.get(&key).await.expect("get deleted"), None);
    store.delete(&key).await.expect("delete again");
    // A wrong secret is refused by the server, not taken for a missing object.
    let stranger = bucket(port, "not-the-secret");
    let refused = stranger.put(&key, b"x".to_vec()).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(stranger.get("7/1.jpg").await.is_err());
    // A bucket that stops answering: an error within seconds, the object kept.
    store.put(&key, photo.clone()).await.expect("put again");
    serving.abort();
    let _ = serving.await;
    let started = std::time::Instant::now();
    let failed = store.delete(&key).await;
    assert!(failed.is_err(), "an outage is an error: {failed:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "the outage was seen in {:?}",
        started.elapsed()
    );
    assert!(on_disk.exists(), "nothing was deleted");
    let message = failed.expect_err("error").to_string();
    assert!(message.contains("s3://regimen-photos/people"), "{message}");
    let _ = std::fs::remove_dir_all(root);
}
