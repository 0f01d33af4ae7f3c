//! Where photos are kept: a folder beside the database by default, memory for tests,
//! or (built with the `s3` feature) an S3-compatible bucket for hosted use, all
//! through `object_store`. Each photo is two objects, by owner and id:
//! `{user}/{id}.jpg` and `{user}/{id}.thumb.jpg`.

use bytes::Bytes;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// A storage failure (its message names the store, not the person's data).
#[derive(Debug, thiserror::Error)]
#[error("photo storage ({place}): {message}")]
pub struct StoreError {
    place: String,
    message: String,
}

/// The photo store.
#[derive(Clone)]
pub struct PhotoStore {
    inner: Arc<dyn ObjectStore>,
    place: String,
}

/// Photos in memory.
impl Default for PhotoStore {
    fn default() -> PhotoStore {
        PhotoStore::memory()
    }
}

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhotoStore({})", self.place)
    }
}

/// Which object of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// The photo.
    Full,
    /// Its thumbnail.
    Thumbnail,
}

/// The object key of a photo.
pub fn key(user: i64, id: i64, size: Size) -> String {
    match size {
        Size::Full => format!("{user}/{id}.jpg"),
        Size::Thumbnail => format!("{user}/{id}.thumb.jpg"),
    }
}

impl PhotoStore {
    /// Photos in memory (tests; gone with the process).
    pub fn memory() -> PhotoStore {
        PhotoStore {
            inner: Arc::new(InMemory::new()),
            place: "memory".into(),
        }
    }

    /// The store a setting names: `memory:`, `s3://bucket/prefix` (with the `s3`
    /// feature; credentials and region from the usual AWS_* variables), or a folder
    /// (made if missing).
    pub fn open(setting: &str) -> Result<PhotoStore, StoreError> {
        let setting = setting.trim();
        let failed = |message: String| StoreError {
            place: setting.to_string(),
            message,
        };
        if setting == "memory:" {
            return Ok(PhotoStore::memory());
        }
        if let Some(rest) = setting.strip_prefix("s3://") {
            return s3(rest, &[]).map_err(failed);
        }
        std::fs::create_dir_all(setting).map_err(|e| failed(e.to_string()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(setting)
            .map_err(|e| failed(e.to_string()))?;
        Ok(PhotoStore {
            inner: Arc::new(store),
            place: setting.to_string(),
        })
    }

    /// A bucket (`bucket/prefix`) with settings given on top of the AWS_* variables, by
    /// their `object_store` names (`aws_endpoint`, `aws_access_key_id`, `aws_region`,
    /// `aws_allow_http`, ...): an S3-compatible server of one's own.
    #[cfg(feature = "s3")]
    pub fn bucket(rest: &str, settings: &[(&str, &str)]) -> Result<PhotoStore, StoreError> {
        s3(rest, settings).map_err(|message| StoreError {
            place: format!("s3://{rest}"),
            message,
        })
    }

    /// Where it keeps photos, for messages.
    pub fn place(&self) -> &str {
        &self.place
    }

    fn error(&self, e: object_store::Error) -> StoreError {
        StoreError {
            place: self.place.clone(),
            message: e.to_string(),
        }
    }

    /// Keeps an object.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.inner
            .put(&Path::from(key), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// An object, if kept.
    pub async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        match self.inner.get(&Path::from(key)).await {
            Ok(found) => found.bytes().await.map(Some).map_err(|e| self.error(e)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Removes an object (one already gone is fine).
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }
}

#[cfg(feature = "s3")]
fn s3(rest: &str, settings: &[(&str, &str)]) -> Result<PhotoStore, String> {
    use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err("give the bucket: s3://bucket/prefix".into());
    }
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    for (name, value) in settings {
        let key: AmazonS3ConfigKey = name
            .parse()
            .map_err(|_| format!("\"{name}\" is no S3 setting"))?;
        builder = builder.with_config(key, *value);
    }
    // A bucket that does not answer fails a request within seconds (a person waits on
    // it), not after object_store's default of three minutes of retries.
    let retry = object_store::RetryConfig {
        max_retries: 3,
        retry_timeout: std::time::Duration::from_secs(10),
        ..object_store::RetryConfig::default()
    };
    let store = builder
        .with_retry(retry)
        .build()
        .map_err(|e| e.to_string())?;
    let inner: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
        Arc::new(store)
    } else {
        Arc::new(object_store::prefix::PrefixStore::new(
            store,
            prefix.trim_matches('/'),
        ))
    };
    Ok(PhotoStore {
        inner,
        place: format!("s3://{rest}"),
    })
}

#[cfg(not(feature = "s3"))]
fn s3(_: &str, _: &[(&str, &str)]) -> Result<PhotoStore, String> {
    Err(
        "this build keeps photos in a folder or in memory: build with `--features s3` for a bucket"
            .into(),
    )
}
