//! Who is calling. In local mode every request is the one local user. In multi-user
//! mode a request carries `Authorization: Bearer <token>` or the session cookie; a
//! cookie-authenticated write must also carry the session's CSRF token in
//! `X-CSRF-Token`. Tokens are random, and only their SHA-256 is stored.

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Method;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE: &str = "regimen_session";

/// The user a request acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    /// The user's id.
    pub user_id: i64,
}

/// A fresh random token, as 64 hex characters.
pub fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("random: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The token of an `Authorization: Bearer <token>` header (the scheme in any case, as
/// RFC 9110 says); the one reader for signing in and signing out.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The session token from the cookie header, if any.
pub fn cookie_token(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        if !state.multi_user() {
            return Ok(Caller {
                user_id: state.local_user(),
            });
        }
        if let Some(token) = bearer(&parts.headers) {
            let session = state
                .store()
                .session(&token_hash(token))
                .await?
                .ok_or(ApiError::Unauthorized)?;
            return Ok(Caller {
                user_id: session.user_id,
            });
        }
        if let Some(token) = cookie_token(&parts.headers) {
            let session = state
                .store()
                .session(&token_hash(&token))
                .await?
                .ok_or(ApiError::Unauthorized)?;
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if !safe {
                let sent = parts
                    .headers
                    .get("x-csrf-token")
                    .and_then(|v| v.to_str().ok());
                if sent != Some(session.csrf.as_str()) {
                    return Err(ApiError::Csrf);
                }
            }
            return Ok(Caller {
                user_id: session.user_id,
            });
        }
        Err(ApiError::Unauthorized)
    }
}

/// Sessions last this long.
pub const SESSION_DAYS: i64 = 30;
/// Sign-ins allowed per username from one client within [`LOGIN_WINDOW_MINUTES`].
pub const LOGIN_ATTEMPTS: i64 = 5;
/// Sign-ins allowed from one client, whatever the username, within the window.
pub const CLIENT_ATTEMPTS: i64 = 20;
/// The window of the sign-in rate limit.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
/// Accounts one client may make in [`LOGIN_WINDOW_MINUTES`].
pub const SIGNUPS_PER_CLIENT: i64 = 3;
/// Accounts everyone together may make in [`LOGIN_WINDOW_MINUTES`] (a burst from many
/// addresses stops here, and the disk with it).
pub const SIGNUPS_IN_ALL: i64 = 60;

/// Whether a password is on the list of the most common ones (in any case), or one
/// character repeated.
fn common_password(password: &str) -> bool {
    const LIST: &str = include_str!("common-passwords.txt");
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first)
        || LIST
            .lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l.trim() == lower)
}

/// Checks a new account's name and password.
pub fn check_credentials(username: &str, password: &str) -> Result<(), ApiError> {
    let valid_name = (3..=40).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !valid_name {
        return Err(ApiError::invalid(
            "username",
            "3 to 40 characters: letters, digits, '.', '_' or '-' (kept in lower case)",
        ));
    }
    if !(8..=200).contains(&password.chars().count()) {
        return Err(ApiError::invalid(
            "password",
            "a password has 8 to 200 characters",
        ));
    }
    if common_password(password) || password.eq_ignore_ascii_case(username) {
        return Err(ApiError::invalid(
            "password",
            "this password is among the most common ones (or is your username): choose another",
        ));
    }
    if username == "local" {
        return Err(ApiError::Conflict(
            "username \"local\" is already taken".into(),
        ));
    }
    Ok(())
}

/// A username as typed, as regimen keeps it: trimmed, in lower case ("Anna" is "anna",
/// at sign-up and at sign-in alike).
pub fn username(typed: &str) -> String {
    typed.trim().to_lowercase()
}

/// Creates an account; its id.
pub async fn create_account(
    state: &AppState,
    username: &str,
    password: &str,
    client: &ClientAddr,
) -> Result<i64, ApiError> {
    // A disk close to full takes no new people: those here keep writing.
    let watermark = state.settings().signups_stop_below;
    if state
        .store()
        .free_bytes()
        .is_some_and(|free| free < watermark)
    {
        tracing::warn!(
            watermark,
            "sign-ups stopped: the database's disk is nearly full"
        );
        return Err(ApiError::SignupsClosed);
    }
    // A mistake in the form costs nothing and is not counted: a person may try again.
    let username = self::username(username);
    let username = username.as_str();
    check_credentials(username, password)?;
    let _slot = state.signin_slot().await?;
    let now = chrono::Utc::now();
    let since = (now - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES)).to_rfc3339();
    state.purge_now_and_then(&since).await?;
    // A name that is taken is said before anything is counted.
    if state.store().user_by_name(username).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "username \"{username}\" is already taken"
        )));
    }
    // Counted and noted before the account is made (sign-ups sent together count each
    // other); a refused one is not noted, so refusals never close sign-ups for others.
    let refused = state
        .store()
        .note_signup(
            &client.0,
            &now.to_rfc3339(),
            &since,
            SIGNUPS_PER_CLIENT,
            SIGNUPS_IN_ALL,
        )
        .await?;
    match refused {
        Some(true) => return Err(ApiError::TooManySignups),
        Some(false) => {
            tracing::warn!("sign-ups paused: {SIGNUPS_IN_ALL} in the window");
            return Err(ApiError::SignupsClosed);
        }
        None => {}
    }
    let hash = state.passwords().hash(password.to_string()).await?;
    Ok(state.store().create_user(username, Some(&hash)).await?)
}

/// Checks the password of a signed-in person before something that needs it (a new
/// password, deleting the account), within the same limits as signing in: each attempt
/// is noted first (under the person's id, from this client), too many are a 429, a wrong
/// password a 401, and the right one clears the attempts. `Ok(false)`: wrong password.
pub async fn check_password(
    state: &AppState,
    user_id: i64,
    password: &str,
    client: &ClientAddr,
) -> Result<bool, ApiError> {
    let _slot = state.signin_slot().await?;
    let now = chrono::Utc::now();
    let since = (now - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES)).to_rfc3339();
    // Not a username anyone can have ('#' is none of their characters).
    let key = format!("#{user_id}");
    let counts = state
        .store()
        .note_login_attempt(&key, &client.0, &now.to_rfc3339(), &since)
        .await?;
    if counts.by_username > LOGIN_ATTEMPTS || counts.by_client > CLIENT_ATTEMPTS {
        return Err(ApiError::TooManyAttempts);
    }
    let stored = state.store().password_hash(user_id).await?;
    let ok = state
        .passwords()
        .verify(password.to_string(), stored)
        .await?;
    if ok {
        state.store().login_succeeded(&key, &client.0).await?;
    }
    Ok(ok)
}

/// A new session: the token to hand out, and its CSRF token.
pub struct NewSession {
    /// The bearer token (and cookie value).
    pub token: String,
    /// The CSRF token for cookie-authenticated writes.
    pub csrf: String,
    /// When it ends (RFC 3339).
    pub expires_at: String,
}

impl NewSession {
    /// The `Set-Cookie` value that carries it.
    pub fn cookie(&self, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
            self.token,
            SESSION_DAYS * 24 * 3600
        )
    }
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn expired_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// Signs in with a username and password, within the limits: [`LOGIN_ATTEMPTS`] per
/// username from one client, [`CLIENT_ATTEMPTS`] from one client in all, in
/// [`LOGIN_WINDOW_MINUTES`]. Someone else's failures never lock the owner out: the
/// owner's own client is counted apart.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    client: &ClientAddr,
) -> Result<NewSession, ApiError> {
    let username = self::username(username);
    let username = username.as_str();
    let _slot = state.signin_slot().await?;
    let now = chrono::Utc::now();
    let since = (now - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES)).to_rfc3339();
    state.purge_now_and_then(&since).await?;
    // A name that breaks the rules of usernames has no account: it is not looked up
    // (a 10,000-character name once failed the database's index), and counts for the
    // client only.
    let plausible = check_credentials(username, "a password long enough").is_ok();
    let noted_name = if plausible { username } else { "" };
    let counts = state
        .store()
        .note_login_attempt(noted_name, &client.0, &now.to_rfc3339(), &since)
        .await?;
    if counts.by_username > LOGIN_ATTEMPTS || counts.by_client > CLIENT_ATTEMPTS {
        return Err(ApiError::TooManyAttempts);
    }
    let user = if plausible {
        state.store().user_by_name(username).await?
    } else {
        None
    };
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = state.passwords().verify(password.to_string(), hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        return Err(ApiError::BadLogin);
    };
    state.store().login_succeeded(username, &client.0).await?;
    let session = NewSession {
        token: new_token()?,
        csrf: new_token()?,
        expires_at: (now + chrono::Duration::days(SESSION_DAYS)).to_rfc3339(),
    };
    state
        .store()
        .create_session(
            &token_hash(&session.token),
            user.id,
            &session.csrf,
            &session.expires_at,
        )
        .await?;
    Ok(session)
}

/// Where a request comes from: the trusted proxy's header when the settings name one,
/// else the connection's peer address (without the port), else "unknown".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddr, ApiError> {
        if let Some(name) = &state.settings().client_ip_header {
            let forwarded = parts
                .headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok())
                // X-Forwarded-For: the address the proxy saw is the last one.
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.len() <= 64);
            if let Some(address) = forwarded {
                return Ok(ClientAddr(address.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string());
        Ok(ClientAddr(peer.unwrap_or_else(|| "unknown".into())))
    }
}
