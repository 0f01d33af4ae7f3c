//! Persistence for regimen. One [`Store`] type over two backends chosen once by the
//! URL scheme: `sqlite://PATH` (embedded, the default for one person) and
//! `postgres://...` (for many users and several server processes). Both run through
//! sqlx's `Any` driver with portable SQL (`$1` placeholders, `RETURNING`), and each
//! backend has its own migrations, applied at connect.
//!
//! Everything a person stores (profiles, shelf products, saved plans, check-ins) is a
//! JSON document owned by one user; every query takes the owner, so another user's id
//! is simply not found. The web layer owns the documents' shapes and validates them.
//!
//! Architecture invariant: every document query is scoped by `user_id`.

mod catalog;
mod jobs;

pub use catalog::{CatalogEntry, CatalogImport, ImportCounts, Put, Term};
pub use jobs::{Claimed, Job};

use chrono::Utc;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (WAL, synchronous commits).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    BadUrl(String),
    /// A unique value is taken.
    #[error("{0} is already taken")]
    Conflict(String),
    /// The database cannot take writes now: its disk is full, it is read-only, or it
    /// cannot write its file. Nothing was stored; the request may be tried later.
    #[error("the database cannot store anything now: {0}")]
    Unavailable(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The SQLite file, or its folder, cannot be written (a read-only file system, no
    /// permission): SQLite writes beside the file too (its -wal and -shm files).
    #[error("the database file {path} cannot be written ({source}): regimen needs to write it and its folder")]
    ReadOnlyFile {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database directory could not be created.
    #[error("creating {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A result of the store.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The kinds of documents a user owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    /// Profiles.
    Profile,
    /// Shelf products.
    Shelf,
    /// Saved plans.
    Plan,
    /// Check-ins.
    Checkin,
}

impl Collection {
    /// Every collection, in export order.
    pub const ALL: [Collection; 4] = [
        Collection::Profile,
        Collection::Shelf,
        Collection::Plan,
        Collection::Checkin,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Collection::Profile => "profile",
            Collection::Shelf => "shelf",
            Collection::Plan => "plan",
            Collection::Checkin => "checkin",
        }
    }
}

/// A progress photo's record (the image is in the photo store).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Photo {
    /// Its id.
    pub id: i64,
    /// Its owner.
    #[serde(skip)]
    pub owner: i64,
    /// The day it shows (`YYYY-MM-DD`).
    pub date: String,
    /// Its width, upright.
    pub width: i64,
    /// Its height.
    pub height: i64,
    /// Bytes of the image kept.
    pub bytes: i64,
    /// When it was added (RFC 3339).
    pub created_at: String,
}

const PHOTO_COLUMNS: &str = "id, user_id, date, width, height, bytes, created_at";

fn photo(row: &AnyRow) -> Result<Photo> {
    Ok(Photo {
        id: row.try_get("id")?,
        owner: row.try_get("user_id")?,
        date: row.try_get("date")?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        bytes: row.try_get("bytes")?,
        created_at: row.try_get("created_at")?,
    })
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub owner: i64,
    /// Orders the collection (a check-in's date; empty otherwise).
    pub sort_key: String,
    /// The JSON body, as the web layer wrote it.
    pub body: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
    /// When it last changed (RFC 3339, UTC).
    pub updated_at: String,
    /// What the server derived from it (JSON), and the version it was derived with;
    /// none until derived, and again after the body changes.
    pub derived: Option<(String, String)>,
}

/// A document to import, with its original timestamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// Where it goes.
    pub collection: Collection,
    /// Orders the collection.
    pub sort_key: String,
    /// The JSON body.
    pub body: String,
    /// When it was created.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
}

/// Sign-in attempts within the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginCounts {
    /// For this username from this client.
    pub by_username: i64,
    /// From this client, for any username.
    pub by_client: i64,
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// The login name.
    pub username: String,
    /// The argon2id hash, if the account has a password.
    pub password_hash: Option<String>,
}

/// A login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The user.
    pub user_id: i64,
    /// Their username.
    pub username: String,
    /// The CSRF token for cookie-authenticated writes.
    pub csrf: String,
    /// When it ends (RFC 3339, UTC).
    pub expires_at: String,
}

/// The store.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The SQLite file (its file system's free space stops sign-ups before writes).
    file: Option<std::path::PathBuf>,
}

fn now() -> String {
    Utc::now().to_rfc3339()
}

fn document(row: &AnyRow) -> Result<Document> {
    let derived: Option<String> = row.try_get("derived")?;
    let version: Option<String> = row.try_get("derived_version")?;
    Ok(Document {
        id: row.try_get("id")?,
        owner: row.try_get("user_id")?,
        sort_key: row.try_get("sort_key")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        derived: derived.zip(version).map(|(d, v)| (v, d)),
    })
}

/// The columns of a document, as [`document`] reads them.
const DOCUMENT_COLUMNS: &str =
    "id, user_id, sort_key, body, created_at, updated_at, derived, derived_version";

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        if cannot_write(&error) {
            StoreError::Unavailable(error.to_string())
        } else {
            StoreError::Database(error)
        }
    }
}

/// Checks that an SQLite file can be opened for writing (made if missing) and that its
/// folder takes new files (its -wal and -shm), so that a read-only file is said as such
/// rather than as a database that does not answer.
fn writable_file(file: &Path) -> Result<()> {
    let failed = |source| StoreError::ReadOnlyFile {
        path: file.display().to_string(),
        source,
    };
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(file)
        .map_err(failed)?;
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    rustix::fs::access(dir, rustix::fs::Access::WRITE_OK)
        .map_err(|errno| failed(std::io::Error::from(errno)))
}

/// A full disk, a read-only database or a failed write of its file: SQLite's
/// SQLITE_FULL (13), SQLITE_READONLY (8) and SQLITE_IOERR (10) families, PostgreSQL's
/// class 53 (insufficient resources) and 25006 (read-only transaction).
fn cannot_write(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let primary = code.parse::<i64>().ok().map(|c| c & 0xff);
            matches!(primary, Some(8 | 10 | 13))
                || code.starts_with("53")
                || code == "25006"
                || db.message().contains("database or disk is full")
                || db.message().contains("readonly database")
        }
        sqlx::Error::Io(_) => true,
        _ => false,
    }
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.kind() == sqlx::error::ErrorKind::UniqueViolation
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

static DRIVERS: Once = Once::new();

impl Store {
    /// Connects to `url`, creating an SQLite file (and its directory) if needed, and
    /// applies the backend's migrations.
    pub async fn connect(url: &str) -> Result<Store> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let (backend, url, file) = if let Some(path) = url.strip_prefix("sqlite://") {
            let file = path.split('?').next().unwrap_or(path);
            if let Some(dir) = Path::new(file)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory {
                    path: dir.display().to_string(),
                    source,
                })?;
            }
            let url = if path.contains('?') {
                url.to_string()
            } else {
                writable_file(Path::new(file))?;
                format!("{url}?mode=rwc")
            };
            (Backend::Sqlite, url, Some(std::path::PathBuf::from(file)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string(), None)
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // A transaction the database ended by itself (SQLite rolls one back when the
            // disk is full, and the ROLLBACK that follows fails) leaves the driver counting
            // it open; such a connection would refuse every BEGIN, so it is closed instead.
            .before_acquire(|connection, _| {
                Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(connection)) })
            });
        let options = if backend == Backend::Sqlite {
            // WAL with synchronous commits: a write acknowledged is a write kept, even after kill -9.
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection
                        .execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
                        .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(&url).await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        Ok(Store {
            pool,
            backend,
            file,
        })
    }

    /// The bytes free for this database on its file system (SQLite; `None` for
    /// PostgreSQL, whose disk is the database server's, or when it cannot be read).
    pub fn free_bytes(&self) -> Option<u64> {
        let file = self.file.as_deref()?;
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let stats = rustix::fs::statvfs(dir).ok()?;
        Some(stats.f_bavail.saturating_mul(stats.f_frsize))
    }

    /// Notes a sign-up from `client` at `at` if this client has made fewer than
    /// `per_client` and everyone fewer than `in_all` since `since` (RFC 3339), counted and
    /// noted in one transaction (sign-ups sent together count each other); a refused one is
    /// not noted, so refusals never close sign-ups for others. `Err(Refused)` says which
    /// limit: `Ok(Some(true))` the client's, `Ok(Some(false))` everyone's; `Ok(None)`: noted.
    pub async fn note_signup(
        &self,
        client: &str,
        at: &str,
        since: &str,
        per_client: i64,
        in_all: i64,
    ) -> Result<Option<bool>> {
        let mut transaction = self.write_transaction().await?;
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM signups WHERE client = $1 AND at > $2) AS client, \
               (SELECT COUNT(*) FROM signups WHERE at > $2) AS everyone",
        )
        .bind(client)
        .bind(since)
        .fetch_one(&mut *transaction)
        .await?;
        let (by_client, everyone): (i64, i64) = (row.try_get("client")?, row.try_get("everyone")?);
        if by_client >= per_client {
            return Ok(Some(true));
        }
        if everyone >= in_all {
            return Ok(Some(false));
        }
        sqlx::query("INSERT INTO signups (client, at) VALUES ($1, $2)")
            .bind(client)
            .bind(at)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(None)
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether the database takes writes: a write that changes nothing (a disk that
    /// is full still takes it; a read-only file or database does not).
    pub async fn writable(&self) -> Result<bool> {
        let probe = "UPDATE users SET username = username WHERE id = -1";
        match sqlx::query(probe).execute(&self.pool).await {
            Ok(_) => Ok(true),
            Err(error) if cannot_write(&error) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The single user of a local, one-person server (created on first use).
    pub async fn local_user(&self) -> Result<i64> {
        if let Some(user) = self.user_by_name("local").await? {
            return Ok(user.id);
        }
        match self.create_user("local", None).await {
            Ok(id) => Ok(id),
            // Another process created it first.
            Err(StoreError::Conflict(_)) => self
                .user_by_name("local")
                .await?
                .map(|u| u.id)
                .ok_or_else(|| StoreError::Conflict("local".into())),
            Err(other) => Err(other),
        }
    }

    /// Creates an account; a taken username is a [`StoreError::Conflict`].
    pub async fn create_user(&self, username: &str, password_hash: Option<&str>) -> Result<i64> {
        // `fetch_all`, not `fetch_one`: the statement runs to its end, so a failed commit
        // (a full disk) is an error here instead of an id for a row that was never stored.
        let result = sqlx::query("INSERT INTO users (username, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(username)
            .bind(password_hash)
            .bind(now())
            .fetch_all(&self.pool)
            .await;
        match result {
            Ok(rows) => Ok(only_row(&rows)?.try_get("id")?),
            Err(error) if is_unique_violation(&error) => {
                Err(StoreError::Conflict(format!("username {username:?}")))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// A transaction that writes: on SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so that it waits its turn under the busy timeout rather than failing
    /// with "database is locked" when it turns from reading to writing after another
    /// connection wrote.
    pub(crate) async fn write_transaction(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            _ => self.pool.begin().await?,
        })
    }

    /// Deletes an account and everything it stored (documents, sessions, feed tokens
    /// go with it; its sign-in attempts too), in one transaction; whether it existed.
    pub async fn delete_user(&self, user_id: i64) -> Result<bool> {
        let mut transaction = self.write_transaction().await?;
        sqlx::query(
            "DELETE FROM login_attempts WHERE username = (SELECT username FROM users WHERE id = $1)",
        )
        .bind(user_id)
        .execute(&mut *transaction)
        .await?;
        for table in ["feed_tokens", "sessions", "photos", "documents"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *transaction)
                .await?;
        }
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// An account by username.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT id, username, password_hash FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(User {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    /// Stores a session under the hash of its token.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(now())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The session for a token hash, if it has not expired.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT s.user_id, u.username, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(Session {
                user_id: row.try_get("user_id")?,
                username: row.try_get("username")?,
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends every session of a user (sign out everywhere); how many there were.
    pub async fn delete_sessions(&self, user_id: i64) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Replaces a user's password hash; whether the user exists.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<bool> {
        let rows = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING id")
            .bind(password_hash)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(!rows.is_empty())
    }

    /// A user's password hash (`None` for the local user, who has none).
    pub async fn password_hash(&self, user_id: i64) -> Result<Option<String>> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get("password_hash")?,
            None => None,
        })
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Notes a sign-in attempt before its password is checked (it counts as a failure
    /// until [`Store::login_succeeded`] clears it), and answers how many attempts this
    /// username has had from this client, and this client in all, since `since`
    /// (RFC 3339), this one included. Noting first and counting after makes the limit
    /// hold for guesses that arrive together: each one counts the others that came first.
    pub async fn note_login_attempt(
        &self,
        username: &str,
        client: &str,
        at: &str,
        since: &str,
    ) -> Result<LoginCounts> {
        sqlx::query("INSERT INTO login_attempts (username, client, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(client)
            .bind(at)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query(
            "SELECT \
               (SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND client = $2 AND at > $3) AS pair, \
               (SELECT COUNT(*) FROM login_attempts WHERE client = $2 AND at > $3) AS client",
        )
        .bind(username)
        .bind(client)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(LoginCounts {
            by_username: row.try_get("pair")?,
            by_client: row.try_get("client")?,
        })
    }

    /// A sign-in succeeded: its username's attempts from this client are cleared.
    pub async fn login_succeeded(&self, username: &str, client: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_attempts WHERE username = $1 AND client = $2")
            .bind(username)
            .bind(client)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes sign-in attempts and sign-ups older than `before` and sessions that ended before `now`
    /// (both RFC 3339); how many rows went.
    pub async fn purge(&self, before: &str, now: &str) -> Result<u64> {
        let attempts = sqlx::query("DELETE FROM login_attempts WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        let signups = sqlx::query("DELETE FROM signups WHERE at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(attempts.rows_affected() + sessions.rows_affected() + signups.rows_affected())
    }

    /// How many sign-in attempts and sessions are stored (for tests and operators).
    pub async fn auth_rows(&self) -> Result<(i64, i64)> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM login_attempts) AS attempts, (SELECT COUNT(*) FROM sessions) AS sessions",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((row.try_get("attempts")?, row.try_get("sessions")?))
    }

    /// Stores a document for its owner.
    pub async fn create(
        &self,
        user_id: i64,
        collection: Collection,
        sort_key: &str,
        body: &str,
    ) -> Result<Document> {
        let at = now();
        // The statement runs to its end before the document counts as stored.
        let rows = sqlx::query(
            &format!("INSERT INTO documents (user_id, collection, sort_key, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING {DOCUMENT_COLUMNS}"),
        )
        .bind(user_id)
        .bind(collection.as_str())
        .bind(sort_key)
        .bind(body)
        .bind(&at)
        .bind(&at)
        .fetch_all(&self.pool)
        .await?;
        document(only_row(&rows)?)
    }

    /// Stores a document for its owner unless they keep `most` of this collection
    /// already (`None`): counted and stored in one transaction that holds the owner's
    /// row, so creates sent together cannot pass the limit between them.
    pub async fn create_within(
        &self,
        user_id: i64,
        collection: Collection,
        sort_key: &str,
        body: &str,
        most: i64,
    ) -> Result<Option<Document>> {
        let mut transaction = self.write_transaction().await?;
        // The owner's row, locked (PostgreSQL; SQLite's writes take turns).
        sqlx::query("UPDATE users SET id = id WHERE id = $1")
            .bind(user_id)
            .execute(&mut *transaction)
            .await?;
        let at = now();
        let rows = sqlx::query(&format!(
            "INSERT INTO documents (user_id, collection, sort_key, body, created_at, updated_at) \
             SELECT $1, $2, $3, $4, $5, $5 \
             WHERE (SELECT COUNT(*) FROM documents WHERE user_id = $1 AND collection = $2) < $6 \
             RETURNING {DOCUMENT_COLUMNS}"
        ))
        .bind(user_id)
        .bind(collection.as_str())
        .bind(sort_key)
        .bind(body)
        .bind(&at)
        .bind(most)
        .fetch_all(&mut *transaction)
        .await?;
        let created = rows.first().map(document).transpose()?;
        transaction.commit().await?;
        Ok(created)
    }

    /// Records a photo of the owner's (its image is kept in the photo store by its id).
    pub async fn create_photo(
        &self,
        user_id: i64,
        date: &str,
        width: u32,
        height: u32,
        bytes: usize,
    ) -> Result<Photo> {
        let rows = sqlx::query(&format!(
            "INSERT INTO photos (user_id, date, width, height, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {PHOTO_COLUMNS}"
        ))
        .bind(user_id)
        .bind(date)
        .bind(i64::from(width))
        .bind(i64::from(height))
        .bind(i64::try_from(bytes).unwrap_or(i64::MAX))
        .bind(now())
        .fetch_all(&self.pool)
        .await?;
        photo(only_row(&rows)?)
    }

    /// The owner's photos, by date.
    pub async fn photos(&self, user_id: i64) -> Result<Vec<Photo>> {
        let rows = sqlx::query(&format!(
            "SELECT {PHOTO_COLUMNS} FROM photos WHERE user_id = $1 ORDER BY date, id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(photo).collect()
    }

    /// One of the owner's photos.
    pub async fn photo(&self, user_id: i64, id: i64) -> Result<Option<Photo>> {
        let row = sqlx::query(&format!(
            "SELECT {PHOTO_COLUMNS} FROM photos WHERE user_id = $1 AND id = $2"
        ))
        .bind(user_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(photo).transpose()
    }

    /// Forgets one of the owner's photos; whether it was there.
    pub async fn delete_photo(&self, user_id: i64, id: i64) -> Result<bool> {
        let done = sqlx::query("DELETE FROM photos WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores documents with the timestamps they had (importing an export), all in one
    /// transaction: all of them or none.
    pub async fn import(&self, user_id: i64, documents: &[Imported]) -> Result<usize> {
        let mut transaction = self.write_transaction().await?;
        for document in documents {
            sqlx::query(
                "INSERT INTO documents (user_id, collection, sort_key, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(user_id)
            .bind(document.collection.as_str())
            .bind(&document.sort_key)
            .bind(&document.body)
            .bind(&document.created_at)
            .bind(&document.updated_at)
            .execute(&mut *transaction)
            .await?;
        }
        transaction.commit().await?;
        Ok(documents.len())
    }

    /// The owner's first document of a collection with this sort key (a check-in's date).
    pub async fn by_sort_key(
        &self,
        user_id: i64,
        collection: Collection,
        sort_key: &str,
    ) -> Result<Option<Document>> {
        let row = sqlx::query(
            &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = $1 AND collection = $2 AND sort_key = $3 ORDER BY id LIMIT 1"),
        )
        .bind(user_id)
        .bind(collection.as_str())
        .bind(sort_key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(document).transpose()
    }

    /// How many documents the owner has in a collection.
    pub async fn count(&self, user_id: i64, collection: Collection) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM documents WHERE user_id = $1 AND collection = $2",
        )
        .bind(user_id)
        .bind(collection.as_str())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    /// One of the owner's documents.
    pub async fn get(
        &self,
        user_id: i64,
        collection: Collection,
        id: i64,
    ) -> Result<Option<Document>> {
        let row = sqlx::query(
            &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = $1 AND collection = $2 AND id = $3"),
        )
        .bind(user_id)
        .bind(collection.as_str())
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(document).transpose()
    }

    /// All of the owner's documents in a collection, by sort key then creation.
    pub async fn list(&self, user_id: i64, collection: Collection) -> Result<Vec<Document>> {
        let rows = sqlx::query(
            &format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = $1 AND collection = $2 ORDER BY sort_key, id"),
        )
        .bind(user_id)
        .bind(collection.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(document).collect()
    }

    /// A page of the owner's documents of a collection, in the order of [`Store::list`]:
    /// at most `limit`, after the document `after` (its sort key and id), if given.
    pub async fn list_page(
        &self,
        user_id: i64,
        collection: Collection,
        after: Option<(&str, i64)>,
        limit: i64,
    ) -> Result<Vec<Document>> {
        let (key, id) = after.unwrap_or(("", i64::MIN));
        let rows = sqlx::query(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE user_id = $1 AND collection = $2 \
             AND (sort_key > $3 OR (sort_key = $3 AND id > $4)) ORDER BY sort_key, id LIMIT $5"
        ))
        .bind(user_id)
        .bind(collection.as_str())
        .bind(key)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(document).collect()
    }

    /// Replaces one of the owner's documents; `None` if there is no such document.
    pub async fn update(
        &self,
        user_id: i64,
        collection: Collection,
        id: i64,
        sort_key: &str,
        body: &str,
    ) -> Result<Option<Document>> {
        // The statement runs to its end before the change counts as stored.
        let rows = sqlx::query(
            &format!("UPDATE documents SET sort_key = $1, body = $2, updated_at = $3, derived = NULL, derived_version = NULL \
             WHERE user_id = $4 AND collection = $5 AND id = $6 RETURNING {DOCUMENT_COLUMNS}"),
        )
        .bind(sort_key)
        .bind(body)
        .bind(now())
        .bind(user_id)
        .bind(collection.as_str())
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.first().map(document).transpose()
    }

    /// Keeps what was derived from one of the owner's documents, if the document has not
    /// changed since `updated_at` (a body changed meanwhile keeps no stale derivation);
    /// whether it was kept.
    pub async fn set_derived(
        &self,
        user_id: i64,
        document_id: i64,
        updated_at: &str,
        version: &str,
        derived: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE documents SET derived = $1, derived_version = $2 WHERE user_id = $3 AND id = $4 AND updated_at = $5",
        )
        .bind(derived)
        .bind(version)
        .bind(user_id)
        .bind(document_id)
        .bind(updated_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes one of the owner's documents; whether it existed.
    pub async fn delete(&self, user_id: i64, collection: Collection, id: i64) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM documents WHERE user_id = $1 AND collection = $2 AND id = $3")
                .bind(user_id)
                .bind(collection.as_str())
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a calendar-feed token (its hash) for one of the owner's saved plans.
    pub async fn create_feed_token(
        &self,
        user_id: i64,
        plan_id: i64,
        token_hash: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO feed_tokens (token_hash, user_id, plan_id, created_at, revoked) VALUES ($1, $2, $3, $4, 0)")
            .bind(token_hash)
            .bind(user_id)
            .bind(plan_id)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The owner and plan of a live feed token.
    pub async fn feed(&self, token_hash: &str) -> Result<Option<(i64, i64)>> {
        let row = sqlx::query(
            "SELECT user_id, plan_id FROM feed_tokens WHERE token_hash = $1 AND revoked = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((row.try_get("user_id")?, row.try_get("plan_id")?)))
            .transpose()
    }

    /// The owner's live calendar feeds: (plan id, created at), oldest first.
    pub async fn live_feeds(&self, user_id: i64) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT plan_id, created_at FROM feed_tokens WHERE user_id = $1 AND revoked = 0 ORDER BY created_at, plan_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("plan_id")?, row.try_get("created_at")?)))
            .collect()
    }

    /// Revokes every feed token of one of the owner's plans; how many.
    pub async fn revoke_feed_tokens(&self, user_id: i64, plan_id: i64) -> Result<u64> {
        let done = sqlx::query("UPDATE feed_tokens SET revoked = 1 WHERE user_id = $1 AND plan_id = $2 AND revoked = 0")
            .bind(user_id)
            .bind(plan_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

/// The one row a statement returns.
fn only_row(rows: &[AnyRow]) -> Result<&AnyRow> {
    rows.first()
        .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
}

/// Helpers for tests that need a PostgreSQL database of their own.
pub mod testing {
    use sqlx::{Connection, Executor};

    /// Notes that the running test is skipped, and why: on standard error, and, when
    /// REGIMEN_SKIPPED_DIR is set (scripts/test sets it), as a file there, so that the
    /// closing summary of the whole run names every test that did not run.
    pub fn note_skip(reason: &str) {
        let test = std::thread::current()
            .name()
            .unwrap_or("a test")
            .to_string();
        eprintln!("skipping {test}: {reason}");
        if let Some(dir) = std::env::var_os("REGIMEN_SKIPPED_DIR") {
            let dir = std::path::PathBuf::from(dir);
            let file: String = test
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let _ = std::fs::create_dir_all(&dir);
            let _ = std::fs::write(dir.join(file), format!("{test}: {reason}\n"));
        }
    }

    /// The server tests use: REGIMEN_TEST_POSTGRES, else the local one.
    pub fn admin_url() -> String {
        std::env::var("REGIMEN_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
    }

    /// A database created for one test, dropped by [`PostgresDatabase::drop`].
    #[derive(Debug)]
    pub struct PostgresDatabase {
        name: String,
        url: String,
    }

    impl PostgresDatabase {
        /// Creates a fresh database, or returns `None` (with a note) when no server
        /// answers, unless REGIMEN_REQUIRE_POSTGRES is set: then it panics.
        pub async fn create() -> Option<PostgresDatabase> {
            let admin = admin_url();
            let mut connection = match sqlx::PgConnection::connect(&admin).await {
                Ok(connection) => connection,
                Err(error) => {
                    assert!(
                        std::env::var_os("REGIMEN_REQUIRE_POSTGRES").is_none(),
                        "PostgreSQL is required here but {admin} does not answer: {error}"
                    );
                    note_skip(&format!(
                        "PostgreSQL does not answer at {admin} ({error}): apt-get install postgresql, then pg_ctlcluster <version> main start; CI requires it"
                    ));
                    return None;
                }
            };
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let name = format!("regimen_test_{}_{nanos}", std::process::id());
            connection
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create the test database");
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(base, _)| base);
            let url = format!("{base}/{name}");
            Some(PostgresDatabase { name, url })
        }

        /// Its URL.
        pub fn url(&self) -> &str {
            &self.url
        }

        /// Makes the database read-only, as an operator or a failover would: new
        /// transactions are read-only, and the connections open now are ended.
        pub async fn make_read_only(&self) {
            let mut connection = sqlx::PgConnection::connect(&admin_url())
                .await
                .expect("connect as admin");
            connection
                .execute(
                    format!(
                        "ALTER DATABASE {} SET default_transaction_read_only = on",
                        self.name
                    )
                    .as_str(),
                )
                .await
                .expect("set read-only");
            connection
                .execute(
                    format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{}'",
                        self.name
                    )
                    .as_str(),
                )
                .await
                .expect("end connections");
        }

        /// Drops the database (closing any connection left open).
        pub async fn drop(self) {
            if let Ok(mut connection) = sqlx::PgConnection::connect(&admin_url()).await {
                let _ = connection
                    .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
                    .await;
            }
        }
    }
}
