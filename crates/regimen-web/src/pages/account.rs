//! Accounts: sign up, sign in (keeping the answers a visitor gave), sign out, and the
//! account page: a new password, signing out everywhere, one's data, deleting it all.

use super::*;

pub(super) fn account_ctx(
    signup: bool,
    username: &str,
    errors: BTreeMap<String, String>,
    answers: &str,
    experiment: bool,
) -> Value {
    let (heading, action) = if signup {
        ("Sign up", "/signup")
    } else {
        ("Sign in", "/signin")
    };
    context! { heading, action, signup, form => context! { username }, errors, answers, keep_experiment => experiment }
}

pub(super) async fn signup_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    if !state.multi_user() {
        return Ok(see_other("/"));
    }
    let deleted = query_field(query.as_deref(), "deleted") == "1";
    let answers = query_field(query.as_deref(), "answers");
    let experiment = query_field(query.as_deref(), "experiment") == "on";
    render(
        "account.html",
        &viewer,
        "signup",
        StatusCode::OK,
        context! { deleted, ..account_ctx(true, "", BTreeMap::new(), &answers, experiment) },
    )
}

pub(super) async fn signin_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    if !state.multi_user() {
        return Ok(see_other("/"));
    }
    let answers = query_field(query.as_deref(), "answers");
    let experiment = query_field(query.as_deref(), "experiment") == "on";
    let everywhere = query_field(query.as_deref(), "everywhere") == "1";
    render(
        "account.html",
        &viewer,
        "signin",
        StatusCode::OK,
        context! { everywhere, ..account_ctx(false, "", BTreeMap::new(), &answers, experiment) },
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
        ApiError::BadLogin
        | ApiError::TooManyAttempts
        | ApiError::TooManySignups
        | ApiError::SignupsClosed => {
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
    let answers = form.get("answers");
    let experiment = form.get("experiment") == "on";
    let result = match auth::create_account(&state, &username, &password, &client).await {
        Ok(user) => auth::sign_in(&state, &username, &password, &client)
            .await
            .map(|session| (user, session)),
        Err(error) => Err(error),
    };
    match result {
        Ok((user, session)) => {
            let kept = keep_answers(&state, user, &answers, experiment).await?;
            with_cookie(
                see_other(if kept { "/plan" } else { "/" }),
                &session.cookie(state.settings().secure_cookies),
            )
        }
        Err(error) => render(
            "account.html",
            &viewer,
            "signup",
            StatusCode::UNPROCESSABLE_ENTITY,
            account_ctx(true, &username, account_error(error)?, &answers, experiment),
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
    let answers = form.get("answers");
    let experiment = form.get("experiment") == "on";
    match auth::sign_in(&state, &username, &form.get("password"), &client).await {
        Ok(session) => {
            if let Some(user) = state
                .store()
                .user_by_name(&auth::username(&username))
                .await?
            {
                keep_answers(&state, user.id, &answers, experiment).await?;
            }
            with_cookie(
                see_other("/plan"),
                &session.cookie(state.settings().secure_cookies),
            )
        }
        Err(error) => render(
            "account.html",
            &viewer,
            "signin",
            StatusCode::UNAUTHORIZED,
            account_ctx(
                false,
                &username,
                account_error(error)?,
                &answers,
                experiment,
            ),
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

/// The answers a visitor gave before signing up or in (a profile as JSON, carried in
/// the form): saved with their new plan once they are signed in, as an experiment when
/// they asked to test it on their skin.
pub(super) async fn keep_answers(
    state: &AppState,
    user: i64,
    answers: &str,
    experiment: bool,
) -> Result<bool, PageError> {
    if answers.is_empty() {
        return Ok(false);
    }
    let Ok(profile) = Profile::from_json(answers) else {
        return Ok(false);
    };
    let body = serde_json::to_string(&profile).map_err(|e| ApiError::Internal(e.to_string()))?;
    state
        .create_document(user, Collection::Profile, "", &body)
        .await?;
    let start = profile.start.unwrap_or(IsoDate(today()));
    let experiment = if experiment {
        Some(crate::resources::experiment_seed(None, "experiment")?)
    } else {
        None
    };
    let weeks = regimen_core::options::default_weeks(experiment.is_some());
    set_current_plan(state, user, profile, start, weeks, experiment).await?;
    Ok(true)
}

/// Who is signed in, and what they can do with their account and their data.
pub(super) async fn account_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let imported = query_field(query.as_deref(), "imported");
    let done = match query.as_deref() {
        Some("done=password") => {
            "Your password is changed; you were signed out everywhere else.".to_string()
        }
        _ if !imported.is_empty() => format!(
            "Your file is back: {imported} document(s) added ({} already here were left as they were).",
            query_field(query.as_deref(), "skipped")
        ),
        _ => String::new(),
    };
    settings_again(
        &state,
        &viewer,
        user,
        BTreeMap::new(),
        &done,
        StatusCode::OK,
    )
    .await
}

/// Takes back a file of "Download all my data" (a multipart form: the file and the
/// form's token), then back to this page with what was added; a file that is not one
/// is said by the field the import names, and nothing is stored.
pub(super) async fn account_import(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let user = viewer.user()?;
    let Ok(_slot) = state.uploads().take(user) else {
        return Err(ApiError::Busy.into());
    };
    let upload = read_upload(multipart, "data", crate::body::MAX_IMPORT, false).await?;
    // A body far beyond the limit ends before any field is read: it is said as too
    // large (nothing is stored either way).
    if upload.refused_code().is_none() || !upload.fields.0.is_empty() {
        check_form(&viewer, &upload.fields)?;
    }
    let mut errors = BTreeMap::new();
    let bytes = match (upload.refused_code(), upload.received()) {
        (Some(_), _) => {
            errors.insert(
                "data".to_string(),
                format!(
                    "That file is too large or cut short: an export taken back is at most {} MB.",
                    crate::body::MAX_IMPORT >> 20
                ),
            );
            None
        }
        (None, None) => {
            errors.insert(
                "data".to_string(),
                "Choose the file you downloaded (regimen-data.json).".to_string(),
            );
            None
        }
        (None, Some((_, file))) => Some(file.bytes()?),
    };
    if let Some(bytes) = bytes {
        match crate::export::import_bytes(&state, auth::Caller { user_id: user }, &bytes).await {
            Ok((added, skipped)) => {
                return Ok(see_other(&format!(
                    "/account?imported={added}&skipped={skipped}"
                )))
            }
            Err(ApiError::Invalid { message, field } | ApiError::BadRequest { message, field }) => {
                let at = field.map(|f| format!(" (at {f})")).unwrap_or_default();
                errors.insert(
                    "data".to_string(),
                    format!("That file is not one regimen can take back{at}: {message}. Nothing was added."),
                );
            }
            Err(other) => return Err(other.into()),
        }
    }
    settings_again(
        &state,
        &viewer,
        user,
        errors,
        "",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// How much the person keeps, by kind.
async fn account_counts(state: &AppState, user: i64) -> Result<Value, PageError> {
    let mut counts = BTreeMap::new();
    for collection in Collection::ALL {
        let n = state.store().count(user, collection).await?;
        let kind = match collection {
            Collection::Profile => "Answers to the questions",
            Collection::Shelf => "Products on your shelf",
            Collection::Plan => "Plans",
            Collection::Checkin => "Check-ins",
        };
        counts.insert(kind, n.to_string());
    }
    // Photos: how many, and from which days.
    let photos = state.store().photos(user).await?;
    let days: Vec<&str> = photos.iter().map(|p| p.date.as_str()).collect();
    let said = match (days.iter().min(), days.iter().max()) {
        (Some(first), Some(last)) if first != last => {
            format!("{} (from {first} to {last})", photos.len())
        }
        (Some(first), _) => format!("{} (of {first})", photos.len()),
        _ => "0".to_string(),
    };
    counts.insert("Photos", said);
    Ok(Value::from_serialize(&counts))
}

async fn settings_again(
    state: &AppState,
    viewer: &Viewer,
    user: i64,
    errors: BTreeMap<String, String>,
    done: &str,
    status: StatusCode,
) -> PageResult {
    let counts = account_counts(state, user).await?;
    render(
        "settings.html",
        viewer,
        "account",
        status,
        context! { counts, errors, done },
    )
}

/// Everything the person stored, as one JSON file (the API's export).
pub(super) async fn account_export(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"regimen-data.json\"",
            ),
        ],
        crate::export::export_body(state, user),
    )
        .into_response())
}

/// A new password: the current one first; every other session ends, this one goes on.
pub(super) async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    client: auth::ClientAddr,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let Some(username) = viewer.username.clone() else {
        return Err(PageError::NotFound);
    };
    let (current, new) = (form.get("current"), form.get("new"));
    let mut errors = BTreeMap::new();
    if !auth::check_password(&state, user, &current, &client).await? {
        errors.insert(
            "current".to_string(),
            "That is not your current password.".to_string(),
        );
    } else if let Err(error) = auth::check_credentials(&username, &new) {
        errors.extend(account_error(error)?);
        if let Some(message) = errors.remove("password") {
            errors.insert("new".into(), message);
        }
    }
    if !errors.is_empty() {
        return settings_again(
            &state,
            &viewer,
            user,
            errors,
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let hash = state.passwords().hash(new.clone()).await?;
    state.store().set_password(user, &hash).await?;
    state.store().delete_sessions(user).await?;
    let session = auth::sign_in(&state, &username, &new, &client).await?;
    with_cookie(
        see_other("/account?done=password"),
        &session.cookie(state.settings().secure_cookies),
    )
}

/// Ends every session of the person, this one too.
pub(super) async fn sign_out_everywhere(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    if !state.multi_user() {
        return Err(PageError::NotFound);
    }
    state.store().delete_sessions(user).await?;
    with_cookie(see_other("/signin?everywhere=1"), &auth::expired_cookie())
}

/// Deletes the account and everything it stored (with accounts: after the password);
/// locally, everything stored.
pub(super) async fn delete_account(
    State(state): State<AppState>,
    viewer: Viewer,
    client: auth::ClientAddr,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    if !state.multi_user() {
        if form.get("confirm") != "delete" {
            let mut errors = BTreeMap::new();
            errors.insert("confirm".to_string(), "Type delete to confirm.".to_string());
            return settings_again(
                &state,
                &viewer,
                user,
                errors,
                "",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        // The photos first: if the photo store refuses, nothing else is deleted.
        crate::photos::forget_all(&state, user).await?;
        state.store().delete_jobs(user).await?;
        for collection in Collection::ALL {
            for document in state.store().list(user, collection).await? {
                state.store().delete(user, collection, document.id).await?;
            }
        }
        return Ok(see_other("/?deleted"));
    }
    if !auth::check_password(&state, user, &form.get("password"), &client).await? {
        let mut errors = BTreeMap::new();
        errors.insert(
            "password".to_string(),
            "That is not your password: nothing was deleted.".to_string(),
        );
        return settings_again(
            &state,
            &viewer,
            user,
            errors,
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    crate::photos::forget_all(&state, user).await?;
    state.store().delete_user(user).await?;
    tracing::info!(user, "an account was deleted from its page");
    with_cookie(see_other("/signup?deleted=1"), &auth::expired_cookie())
}
