//! Accounts: sign up, sign in, sign out.

use super::*;

pub(super) fn account_ctx(signup: bool, username: &str, errors: BTreeMap<String, String>) -> Value {
    let (heading, action) = if signup {
        ("Sign up", "/signup")
    } else {
        ("Sign in", "/signin")
    };
    context! { heading, action, signup, form => context! { username }, errors }
}

pub(super) async fn signup_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if !state.multi_user() {
        return Ok(see_other("/"));
    }
    render(
        "account.html",
        &viewer,
        "signup",
        StatusCode::OK,
        account_ctx(true, "", BTreeMap::new()),
    )
}

pub(super) async fn signin_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if !state.multi_user() {
        return Ok(see_other("/"));
    }
    render(
        "account.html",
        &viewer,
        "signin",
        StatusCode::OK,
        account_ctx(false, "", BTreeMap::new()),
    )
}

pub(super) fn with_cookie(mut response: Response, cookie: &str) -> Result<Response, PageError> {
    let value = HeaderValue::from_str(cookie).map_err(|e| ApiError::Internal(e.to_string()))?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

pub(super) fn account_error(error: ApiError) -> Result<BTreeMap<String, String>, PageError> {
    let mut errors = BTreeMap::new();
    match error {
        ApiError::Invalid { message, field } | ApiError::BadRequest { message, field } => {
            errors.insert(field.unwrap_or_else(|| "form".into()), message);
        }
        ApiError::Conflict(message) => {
            errors.insert("username".into(), message);
        }
        ApiError::BadLogin | ApiError::TooManyAttempts => {
            errors.insert("form".into(), error.to_string());
        }
        other => return Err(other.into()),
    }
    Ok(errors)
}

pub(super) async fn signup(
    State(state): State<AppState>,
    viewer: Viewer,
    client: auth::ClientAddr,
    PageBody(bytes): PageBody,
) -> PageResult {
    if !state.multi_user() {
        return Ok(see_other("/"));
    }
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let (username, password) = (form.get("username"), form.get("password"));
    let result = match auth::create_account(&state, &username, &password).await {
        Ok(_) => auth::sign_in(&state, &username, &password, &client).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(session) => with_cookie(
            see_other("/"),
            &session.cookie(state.settings().secure_cookies),
        ),
        Err(error) => render(
            "account.html",
            &viewer,
            "signup",
            StatusCode::UNPROCESSABLE_ENTITY,
            account_ctx(true, &username, account_error(error)?),
        ),
    }
}

pub(super) async fn signin(
    State(state): State<AppState>,
    viewer: Viewer,
    client: auth::ClientAddr,
    PageBody(bytes): PageBody,
) -> PageResult {
    if !state.multi_user() {
        return Ok(see_other("/"));
    }
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let username = form.get("username");
    match auth::sign_in(&state, &username, &form.get("password"), &client).await {
        Ok(session) => with_cookie(
            see_other("/plan"),
            &session.cookie(state.settings().secure_cookies),
        ),
        Err(error) => render(
            "account.html",
            &viewer,
            "signin",
            StatusCode::UNAUTHORIZED,
            account_ctx(false, &username, account_error(error)?),
        ),
    }
}

pub(super) async fn signout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    PageBody(bytes): PageBody,
) -> PageResult {
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let cookie = auth::cookie_token(&headers);
    if let Some(token) = cookie {
        state.store().delete_session(&token_hash(&token)).await?;
    }
    with_cookie(see_other("/signin"), &auth::expired_cookie())
}
