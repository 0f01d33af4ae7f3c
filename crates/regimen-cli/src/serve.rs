//! `regimen serve`: the JSON API on embedded SQLite by default, or PostgreSQL.
//!
//! Settings come in layers, each overriding the one before: built-in defaults, the
//! config file (`--config FILE` or REGIMEN_CONFIG), REGIMEN_* environment variables,
//! then flags.

use crate::bad;
use anyhow::{Context, Result};
use regimen_core::Knowledge;
use regimen_store::Store;
use regimen_web::{app, AppState, Settings};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Flags of `regimen serve`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Settings are layered: defaults < config file < REGIMEN_* environment < flags.\n\
Environment: REGIMEN_CONFIG, REGIMEN_ADDR, REGIMEN_DB, REGIMEN_PHOTOS, REGIMEN_MULTI_USER, REGIMEN_SECURE_COOKIES (true/false),\n\
REGIMEN_PUBLIC_URL, REGIMEN_HOSTS (comma-separated), REGIMEN_CLIENT_IP_HEADER.\n\
Config file (TOML): addr = \"127.0.0.1:8080\", db = \"sqlite://...\", photos = \"FOLDER\" or \"s3://bucket/prefix\", multi_user = false, secure_cookies = false,\n\
public_url = \"https://regimen.example.org\" (calendar addresses; default http://ADDR, https with secure_cookies),\n\
hosts = [\"regimen.lan\"] (names a local server answers to besides 127.0.0.1, localhost and [::1]),\n\
client_ip_header = \"x-forwarded-for\" (only behind a proxy you run: the client address for sign-in limits),\n\
signups_stop_below_mb = 512 (sign-ups stop when the SQLite database's disk has less free; REGIMEN_SIGNUPS_STOP_BELOW_MB)."
)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT")]
    addr: Option<String>,
    /// Database: sqlite://PATH (or a plain PATH) or postgres://... [default: sqlite:// in your data directory].
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Where progress photos are kept: a folder, or s3://bucket/prefix (a build with the
    /// `s3` feature) [default: a `photos` folder beside the SQLite file, else ./regimen-photos].
    #[arg(long, value_name = "FOLDER|URL")]
    photos: Option<String>,
    /// A TOML file of settings.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Accounts and sessions, for many users (needed to listen beyond this machine).
    #[arg(long)]
    multi_user: bool,
    /// Mark the session cookie Secure (when served over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
    /// Workers inside this server for the job queue (label and barcode photos); 0 when
    /// `regimen worker` processes do the work [default: 1].
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
}

/// Flags of `regimen worker`.
#[derive(clap::Args, Debug)]
pub struct WorkerArgs {
    /// Database URL: the server's (sqlite://PATH or postgres://...) [default: REGIMEN_DB, else the server's default].
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Workers in this process [default: the cores less one, at least one].
    #[arg(long, value_name = "N")]
    workers: Option<usize>,
    /// How long a claim on a job holds, in seconds: a job whose worker died is taken
    /// again after it (longer than a label takes to read).
    #[arg(long, value_name = "SECONDS", default_value_t = regimen_web::jobs::LEASE_SECONDS)]
    lease: u64,
}

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    addr: Option<String>,
    db: Option<String>,
    photos: Option<String>,
    multi_user: Option<bool>,
    secure_cookies: Option<bool>,
    public_url: Option<String>,
    hosts: Option<Vec<String>>,
    client_ip_header: Option<String>,
    signups_stop_below_mb: Option<u64>,
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The database.
    pub db: String,
    /// Where progress photos are kept.
    pub photos: String,
    /// Accounts on.
    pub multi_user: bool,
    /// Secure cookies.
    pub secure_cookies: bool,
    /// The address people reach the server at.
    pub public_url: String,
    /// Host names a local server answers to besides the loopback names.
    pub hosts: Vec<String>,
    /// The header a trusted proxy puts the client's address in.
    pub client_ip_header: Option<String>,
    /// Sign-ups stop when the SQLite database's disk has fewer bytes free.
    pub signups_stop_below: u64,
    /// Workers inside the server.
    pub workers: usize,
}

fn default_db() -> String {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    format!(
        "sqlite://{}",
        base.join("regimen").join("regimen.db").display()
    )
}

/// Photos beside a SQLite database (`photos/` in its folder); for PostgreSQL, a folder
/// in the working directory (a hosted service gives a bucket or a shared folder).
fn default_photos(db: &str) -> String {
    let folder = db
        .strip_prefix("sqlite://")
        .map(|path| path.split('?').next().unwrap_or(path))
        .and_then(|path| Path::new(path).parent().map(Path::to_path_buf))
        .filter(|dir| !dir.as_os_str().is_empty());
    match folder {
        Some(dir) => dir.join("photos").display().to_string(),
        None => "regimen-photos".into(),
    }
}

fn env_bool(name: &str) -> Result<Option<bool>> {
    match std::env::var(name) {
        Err(_) => Ok(None),
        Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(Some(true)),
            "0" | "false" | "no" | "off" | "" => Ok(Some(false)),
            other => Err(bad(format!("{name}={other:?}: expected true or false"))),
        },
    }
}

/// Merges the layers.
pub fn resolve(args: &ServeArgs) -> Result<Resolved> {
    let config_path = args
        .config
        .clone()
        .or_else(|| std::env::var_os("REGIMEN_CONFIG").map(PathBuf::from));
    let file = match &config_path {
        Some(path) => read_config(path)?,
        None => ConfigFile::default(),
    };
    let addr = args
        .addr
        .clone()
        .or_else(|| std::env::var("REGIMEN_ADDR").ok())
        .or(file.addr)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let addr: SocketAddr = addr.parse().map_err(|_| {
        bad(format!(
            "addr {addr:?} is not an address like 127.0.0.1:8080"
        ))
    })?;
    let db = args
        .db
        .clone()
        .or_else(|| std::env::var("REGIMEN_DB").ok())
        .or(file.db)
        .map(|db| url_of(&db))
        .unwrap_or_else(default_db);
    let photos = args
        .photos
        .clone()
        .or_else(|| std::env::var("REGIMEN_PHOTOS").ok())
        .or(file.photos)
        .unwrap_or_else(|| default_photos(&db));
    let multi_user = args.multi_user
        || env_bool("REGIMEN_MULTI_USER")?
            .or(file.multi_user)
            .unwrap_or(false);
    let secure_cookies = args.secure_cookies
        || env_bool("REGIMEN_SECURE_COOKIES")?
            .or(file.secure_cookies)
            .unwrap_or(false);
    let public_url = std::env::var("REGIMEN_PUBLIC_URL")
        .ok()
        .or(file.public_url)
        .unwrap_or_else(|| {
            let scheme = if secure_cookies { "https" } else { "http" };
            format!("{scheme}://{addr}")
        });
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return Err(bad(format!(
            "public_url {public_url:?} is not an address like https://regimen.example.org"
        )));
    }
    let hosts = match std::env::var("REGIMEN_HOSTS") {
        Ok(list) => list
            .split(',')
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect(),
        Err(_) => file.hosts.unwrap_or_default(),
    };
    let client_ip_header = std::env::var("REGIMEN_CLIENT_IP_HEADER")
        .ok()
        .or(file.client_ip_header)
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty());
    let signups_stop_below = match std::env::var("REGIMEN_SIGNUPS_STOP_BELOW_MB") {
        Ok(value) => Some(value.trim().parse::<u64>().map_err(|_| {
            bad(format!(
                "REGIMEN_SIGNUPS_STOP_BELOW_MB={value:?}: expected a whole number of megabytes"
            ))
        })?),
        Err(_) => file.signups_stop_below_mb,
    }
    .map_or(regimen_web::SIGNUPS_STOP_BELOW, |mb| {
        mb.saturating_mul(1 << 20)
    });
    Ok(Resolved {
        addr,
        db,
        photos,
        multi_user,
        secure_cookies,
        public_url,
        hosts,
        client_ip_header,
        signups_stop_below,
        workers: args.workers.unwrap_or(1),
    })
}

fn read_config(path: &Path) -> Result<ConfigFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(format!("cannot read config {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| regimen_core::profile::line_of(&text, s.start));
        let at = line.map(|l| format!(", line {l}")).unwrap_or_default();
        bad(format!("config {}{at}: {}", path.display(), e.message()))
    })
}

/// Runs workers for the job queue until SIGTERM or Ctrl-C (each ends its job first):
/// on any machine that shares the server's database.
pub fn work(knowledge: Knowledge, args: &WorkerArgs) -> Result<()> {
    init_logs();
    let db = database(args.db.as_deref());
    let workers = args.workers.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
    });
    if workers == 0 {
        return Err(bad("--workers: at least one"));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let store = connect(&db).await?;
        let state = AppState::new(
            store.clone(),
            Arc::new(knowledge),
            None,
            Settings::default(),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        tracing::info!("regimen worker: {workers} on {}", redact(&db));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut running = Vec::new();
        for n in 0..workers {
            let mut stopped = stopped.clone();
            running.push(tokio::spawn(regimen_web::jobs::work(
                state.clone(),
                format!("worker-{}-{n}", std::process::id()),
                args.lease.max(1),
                async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                },
            )));
        }
        shutdown().await;
        let _ = stop.send(true);
        for worker in running {
            let _ = worker.await;
        }
        store.close().await;
        tracing::info!("regimen worker stopped");
        Ok(())
    })
}

fn init_logs() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("REGIMEN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
}

/// Runs the server until SIGTERM or Ctrl-C, finishing requests in flight.
pub fn run(knowledge: Knowledge, args: &ServeArgs) -> Result<()> {
    let settings = resolve(args)?;
    if !settings.addr.ip().is_loopback() && !settings.multi_user {
        return Err(bad(format!(
            "refusing to listen on {}: a local server has no login, so anyone who can reach this address could read and change your data; \
             listen on 127.0.0.1, or turn on accounts with --multi-user",
            settings.addr
        )));
    }
    init_logs();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(serve(knowledge, settings))
}

/// The store at `db`. A database that does not answer is said within 2 seconds, by its
/// address (without its password), instead of after the pool's own retries.
pub(crate) async fn connect(db: &str) -> Result<Store> {
    tokio::time::timeout(CONNECT_TIMEOUT, Store::connect(db))
        .await
        .map_err(|_| {
            bad(format!(
                "the database at {} does not answer within {} seconds: is it running, and is the address right?",
                redact(db),
                CONNECT_TIMEOUT.as_secs()
            ))
        })?
        .map_err(|e| bad(format!("database {}: {e}", redact(db))))
}

/// The database of `--db URL`, else `REGIMEN_DB`, else the SQLite file in the data
/// directory (where `serve` keeps everything by default).
pub(crate) fn database(flag: Option<&str>) -> String {
    flag.map(str::to_string)
        .or_else(|| std::env::var("REGIMEN_DB").ok())
        .map(|db| url_of(&db))
        .unwrap_or_else(default_db)
}

/// A database as given: a URL, or a plain path, which is an SQLite file.
fn url_of(db: &str) -> String {
    if db.contains("://") {
        db.to_string()
    } else {
        format!("sqlite://{db}")
    }
}

async fn serve(knowledge: Knowledge, settings: Resolved) -> Result<()> {
    let store = connect(&settings.db).await?;
    let photos = regimen_photos::PhotoStore::open(&settings.photos)
        .map_err(|e| bad(format!("--photos: {e}")))?;
    // The ingredient dictionary is built when a request first needs it (idle memory).
    let state = AppState::new(
        store.clone(),
        Arc::new(knowledge),
        None,
        Settings {
            multi_user: settings.multi_user,
            secure_cookies: settings.secure_cookies,
            hosts: settings.hosts.clone(),
            public_url: settings.public_url.clone(),
            client_ip_header: settings.client_ip_header.clone(),
            photos,
            signups_stop_below: settings.signups_stop_below,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| bad(format!("cannot listen on {}: {e}", settings.addr)))?;
    let mode = if settings.multi_user {
        "multi-user"
    } else {
        "local, one user"
    };
    tracing::info!(
        "regimen listening on http://{} ({mode}; database {})",
        settings.addr,
        redact(&settings.db)
    );
    // Behind a proxy every connection comes from the proxy: it limits clients, not us.
    let per_client = if settings.client_ip_header.is_some() {
        MAX_CONNECTIONS
    } else {
        MAX_CONNECTIONS_PER_CLIENT
    };
    let (stop_workers, stopped) = tokio::sync::watch::channel(false);
    let mut workers = Vec::new();
    for n in 0..settings.workers {
        let mut stopped = stopped.clone();
        workers.push(tokio::spawn(regimen_web::jobs::work(
            state.clone(),
            format!("serve-{}-{n}", std::process::id()),
            regimen_web::jobs::LEASE_SECONDS,
            async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            },
        )));
    }
    accept_loop(listener, app(state), per_client, shutdown()).await;
    // Workers end the job they hold (within the shutdown deadline) before the store closes.
    let _ = stop_workers.send(true);
    let ended = async {
        for worker in workers {
            let _ = worker.await;
        }
    };
    if tokio::time::timeout(SHUTDOWN_DEADLINE, ended)
        .await
        .is_err()
    {
        tracing::warn!(
            "a job still running after {SHUTDOWN_DEADLINE:?}: it is taken again after its lease"
        );
    }
    store.close().await;
    tracing::info!("regimen stopped");
    Ok(())
}

/// How long `serve` waits for the database at start.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// A client must send a request's headers within this time, including the wait for the
/// next request on a kept-alive connection (so idle connections end too).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections served at once; more wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 1024;
/// The most connections one client address holds at once (a browser opens about six);
/// more are answered 429 and closed, so one client cannot take the others' slots.
pub const MAX_CONNECTIONS_PER_CLIENT: usize = 64;
/// A connection whose answer makes no progress for this long (a client that sends
/// requests and never reads the answers) is ended.
pub const WRITE_STALL: Duration = Duration::from_secs(15);
/// How long requests in flight may take to finish after SIGTERM.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(10);

/// The connections each client address holds, so that one cannot hold them all.
#[derive(Clone, Default)]
struct PerClient(Arc<std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>>);

/// One connection counted against its client; uncounted when dropped.
struct Counted(PerClient, std::net::IpAddr);

impl PerClient {
    /// Counts a connection of `ip`, unless it holds `most` already.
    fn take(&self, ip: std::net::IpAddr, most: usize) -> Option<Counted> {
        let mut held = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = held.entry(ip).or_insert(0);
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Counted(self.clone(), ip))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut held = (self.0)
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = held.get_mut(&self.1) {
            *count -= 1;
            if *count == 0 {
                held.remove(&self.1);
            }
        }
    }
}

/// What a client over its connection limit is told before the connection closes.
const TOO_MANY: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain\r\nRetry-After: 5\r\nContent-Length: 37\r\n\r\nToo many connections from one client\n";

/// Serves `app` on `listener` until `stop` resolves: HTTP/1.1 with a header-read (and
/// idle) timeout, a connection ended when its answer stalls for [`WRITE_STALL`], at
/// most [`MAX_CONNECTIONS`] at once and `per_client` from one address, each request
/// told its client's address; then lets requests in flight finish for up to
/// [`SHUTDOWN_DEADLINE`]. (The whole-request deadline is the app's.)
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    per_client: usize,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let clients = PerClient::default();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_headers(64);
    tokio::pin!(stop);
    loop {
        // A free slot first: beyond the cap, connections wait in the kernel's queue.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(counted) = clients.take(peer.ip(), per_client) else {
            // Best effort: the answer fits in the socket's buffer, or is not sent.
            let _ = stream.try_write(TOO_MANY);
            continue;
        };
        let mut stream = tokio_io_timeout::TimeoutStream::new(stream);
        stream.set_write_timeout(Some(WRITE_STALL));
        let service = tower::ServiceExt::map_request(
            app.clone(),
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let connection = http.serve_connection(
            TokioIo::new(Box::pin(stream)),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
            drop((slot, counted));
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_DEADLINE) => {
            tracing::warn!("requests still in flight after {SHUTDOWN_DEADLINE:?}; stopping anyway");
        }
    }
}

/// The database URL without its password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

#[cfg(test)]
mod tests {
    use super::{default_photos, redact, resolve, url_of, ServeArgs};

    #[test]
    fn flags_override_the_config_file_which_overrides_defaults() {
        let path =
            std::env::temp_dir().join(format!("regimen-serve-config-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "addr = \"127.0.0.1:9000\"\ndb = \"sqlite:///tmp/from-config.db\"\nmulti_user = true\n",
        )
        .expect("write");
        let args = ServeArgs {
            addr: Some("127.0.0.1:9100".into()),
            db: None,
            photos: None,
            config: Some(path.clone()),
            multi_user: false,
            secure_cookies: false,
            workers: None,
        };
        let resolved = resolve(&args).expect("settings");
        assert_eq!(resolved.addr.port(), 9100, "the flag wins over the file");
        assert_eq!(
            resolved.db, "sqlite:///tmp/from-config.db",
            "the file wins over the default"
        );
        assert!(resolved.multi_user);
        assert_eq!(
            resolved.photos, "/tmp/photos",
            "photos beside the database by default"
        );
        std::fs::write(&path, "addr = \"127.0.0.1:9000\"\nport = 1\n").expect("write");
        let error = resolve(&args).expect_err("unknown setting").to_string();
        assert!(
            error.contains("line 2") && error.contains("port"),
            "{error}"
        );
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn photos_go_beside_a_sqlite_database_by_default() {
        assert_eq!(
            default_photos("sqlite:///data/regimen/regimen.db"),
            "/data/regimen/photos"
        );
        assert_eq!(
            default_photos("sqlite://regimen.db?mode=rwc"),
            "regimen-photos"
        );
        assert_eq!(default_photos("postgres://db/regimen"), "regimen-photos");
    }

    #[test]
    fn passwords_stay_out_of_logs() {
        assert_eq!(
            redact("postgres://app:secret@db:5432/regimen"),
            "postgres://app:***@db:5432/regimen"
        );
        assert_eq!(redact("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    #[test]
    fn a_plain_path_is_an_sqlite_file() {
        assert_eq!(url_of("./regimen.db"), "sqlite://./regimen.db");
        assert_eq!(url_of("/data/r.db"), "sqlite:///data/r.db");
        assert_eq!(url_of("postgres://db/regimen"), "postgres://db/regimen");
        assert_eq!(url_of("sqlite://x.db"), "sqlite://x.db");
    }
}
