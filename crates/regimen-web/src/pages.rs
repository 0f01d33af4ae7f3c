//! The web pages: server-rendered HTML (minijinja, autoescaped), plain forms with
//! post-redirect-get, no JavaScript needed, own CSS, offline. Every page sees the same
//! data as the API, through the same store scoping and the same core.

use crate::auth::{self, cookie_token, token_hash};
use crate::error::{ApiError, DocumentId};
use crate::resources::{make_saved_plan, Checkins, Plans, Resource};
use crate::AppState;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Local, NaiveDate};
use minijinja::{context, Environment, Value};
use regimen_core::analyzer::Options;
use regimen_core::avoid::AvoidList;
use regimen_core::calendar::{to_ics, CalendarOptions};
use regimen_core::explain::{explain, suggest};
use regimen_core::plan::{Plan, DISCLAIMER};
use regimen_core::profile::{IsoDate, ShelfItem};
use regimen_core::shelf::ShelfReport;
use regimen_core::vocab::{Concern, Goal, ProductKind, SkinType, Step};
use regimen_core::Profile;
use regimen_store::{Collection, Document};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const STYLE: &str = include_str!("../static/style.css");

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        let sources = [
            ("layout.html", include_str!("../templates/layout.html")),
            ("macros.html", include_str!("../templates/macros.html")),
            ("start.html", include_str!("../templates/start.html")),
            ("plan.html", include_str!("../templates/plan.html")),
            (
                "subscribed.html",
                include_str!("../templates/subscribed.html"),
            ),
            ("shelf.html", include_str!("../templates/shelf.html")),
            ("product.html", include_str!("../templates/product.html")),
            ("checkin.html", include_str!("../templates/checkin.html")),
            ("history.html", include_str!("../templates/history.html")),
            ("faq.html", include_str!("../templates/faq.html")),
            ("explain.html", include_str!("../templates/explain.html")),
            ("account.html", include_str!("../templates/account.html")),
            ("error.html", include_str!("../templates/error.html")),
        ];
        for (name, source) in sources {
            // The templates ship with the binary; a test renders every page.
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(%error, name, "template does not compile");
            }
        }
        env
    })
}

/// Who is looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    user_id: Option<i64>,
    csrf: String,
    multi_user: bool,
}

impl Viewer {
    fn user(&self) -> Result<i64, PageError> {
        self.user_id.ok_or(PageError::SignIn)
    }
}

/// A document id in a page's path; one that is no number is the "not found" page.
struct PageId(i64);

impl FromRequestParts<AppState> for PageId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<PageId, PageError> {
        let DocumentId(id) = DocumentId::from_request_parts(parts, state).await?;
        Ok(PageId(id))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, PageError> {
        if !state.multi_user() {
            return Ok(Viewer {
                user_id: Some(state.local_user()),
                csrf: state.local_csrf().to_string(),
                multi_user: false,
            });
        }
        let session = match cookie_token(&parts.headers) {
            Some(token) => state
                .store()
                .session(&token_hash(&token))
                .await
                .map_err(ApiError::from)?,
            None => None,
        };
        Ok(Viewer {
            user_id: session.as_ref().map(|s| s.user_id),
            csrf: session.map(|s| s.csrf).unwrap_or_default(),
            multi_user: true,
        })
    }
}

/// What can go wrong on a page: answered with a page, never a raw error.
#[derive(Debug)]
pub enum PageError {
    /// Sign in first (multi-user mode).
    SignIn,
    /// Not found.
    NotFound,
    /// A forged or foreign form.
    Forbidden,
    /// Anything else.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        match error {
            ApiError::NotFound | ApiError::NoRoute(_) => PageError::NotFound,
            other => PageError::Api(other),
        }
    }
}

impl From<regimen_store::StoreError> for PageError {
    fn from(error: regimen_store::StoreError) -> PageError {
        PageError::Api(error.into())
    }
}

/// An unknown path or a method a path does not take, outside the API: a page, not JSON.
pub fn page_not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no page at this address. The links at the top lead to your plan, your shelf and your check-ins.",
    )
}

/// A method a page does not take (a form sent to a page that shows only).
pub fn page_method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "That did not work",
        "This page only shows; it takes no form. Go back and use the page's own buttons.",
    )
}

fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let ctx = context! { page => "error", heading, message, disclaimer => DISCLAIMER, multi_user => false, signed_in => false, csrf => "" };
    match templates()
        .get_template("error.html")
        .and_then(|t| t.render(ctx))
    {
        Ok(html) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            html,
        )
            .into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn => Redirect::to("/signin").into_response(),
            PageError::NotFound => error_page(StatusCode::NOT_FOUND, "Not found", "There is nothing here, or it is not yours."),
            PageError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "That form was not sent from this page",
                "For your safety regimen only takes forms sent from its own pages. Go back, reload the page and try again.",
            ),
            PageError::Api(ApiError::Internal(detail)) => {
                tracing::error!(%detail, "page failed");
                error_page(StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong", "Sorry: regimen could not show this page. Please try again.")
            }
            PageError::Api(other) => {
                let status = other.status();
                error_page(status, "That did not work", &other.to_string())
            }
        }
    }
}

type PageResult = Result<Response, PageError>;

fn render(name: &str, viewer: &Viewer, page: &str, status: StatusCode, ctx: Value) -> PageResult {
    let base = context! {
        page,
        multi_user => viewer.multi_user,
        signed_in => viewer.user_id.is_some(),
        csrf => viewer.csrf.clone(),
        disclaimer => DISCLAIMER,
    };
    let ctx = context! { ..ctx, ..base };
    let html = templates()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| ApiError::Internal(format!("rendering {name}: {e:#}")))?;
    Ok((
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response())
}

/// A form body: like the API's, but a body too large is answered with a page.
pub struct PageBody(Vec<u8>);

impl axum::extract::FromRequest<AppState> for PageBody {
    type Rejection = PageError;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<PageBody, PageError> {
        let bytes = crate::body::limited(request, state).await?;
        Ok(PageBody(bytes.to_vec()))
    }
}

/// Fields of a submitted form, in order (repeated names allowed).
struct FormData(Vec<(String, String)>);

impl FormData {
    fn parse(bytes: &[u8]) -> FormData {
        FormData(form_urlencoded::parse(bytes).into_owned().collect())
    }

    fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == "true")
    }
}

/// A form post must come from our own pages: the [`crate::guard`] refused posts from
/// other sites before the handler ran; here a signed-in viewer's form (the local user's
/// too) must carry their CSRF token.
fn check_form(viewer: &Viewer, form: &FormData) -> Result<(), PageError> {
    if viewer.user_id.is_some() && form.get("csrf") != viewer.csrf {
        return Err(PageError::Forbidden);
    }
    Ok(())
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The person's current profile (the one they saved last), with their shelf added.
async fn current_profile(
    state: &AppState,
    user: i64,
) -> Result<Option<(Document, Profile)>, PageError> {
    let Some(document) = state
        .store()
        .list(user, Collection::Profile)
        .await?
        .into_iter()
        .max_by_key(|d| d.id)
    else {
        return Ok(None);
    };
    let mut profile = Profile::from_json(&document.body)
        .map_err(|e| ApiError::Internal(format!("stored profile: {e}")))?;
    for item in shelf_items(state, user).await? {
        if profile.shelf.len() < regimen_core::profile::MAX_SHELF {
            profile.shelf.push(item.1);
        }
    }
    Ok(Some((document, profile)))
}

async fn shelf_items(state: &AppState, user: i64) -> Result<Vec<(i64, ShelfItem)>, PageError> {
    let documents = state.store().list(user, Collection::Shelf).await?;
    Ok(documents
        .into_iter()
        .filter_map(|d| {
            serde_json::from_str::<ShelfItem>(&d.body)
                .ok()
                .map(|item| (d.id, item))
        })
        .collect())
}

fn plan_start(profile: &Profile) -> IsoDate {
    profile.start.unwrap_or(IsoDate(today()))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(start).post(save_start))
        .route("/plan", get(plan_page))
        .route("/plan.json", get(plan_download_json))
        .route("/plan.ics", get(plan_download_ics))
        .route("/plan/subscribe", post(subscribe))
        .route("/shelf", get(shelf_page).post(add_product))
        .route("/shelf/{id}", get(product_page))
        .route("/shelf/{id}/delete", post(remove_product))
        .route("/checkin", get(checkin_page).post(save_checkin))
        .route("/history", get(history_page))
        .route("/faq", get(faq_page))
        .route("/explain/{id}", get(explain_page))
        .route("/signup", get(signup_page).post(signup))
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
        .route("/static/style.css", get(style))
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

// ---- the questionnaire ----

fn concern_label(concern: Concern) -> &'static str {
    match concern {
        Concern::Acne => "Acne and breakouts",
        Concern::Aging => "Fine lines and aging",
        Concern::Pigmentation => "Dark spots and pigmentation",
        Concern::Dehydration => "Dehydrated, tight skin",
        Concern::Dryness => "Dryness and flaking",
        Concern::Dullness => "Dullness",
        Concern::Redness => "Redness",
        Concern::Oiliness => "Oiliness and shine",
        Concern::Pores => "Visible pores",
        Concern::Texture => "Uneven texture",
    }
}

fn start_options() -> Value {
    let skin_help = |s: SkinType| match s {
        SkinType::Oily => "shiny all over by midday",
        SkinType::Dry => "tight or flaky, rarely shiny",
        SkinType::Combination => "oily T-zone, normal or dry cheeks",
        SkinType::Normal => "mostly comfortable",
    };
    let goal = |g: Goal| match g {
        Goal::Fast => (
            "Fast results",
            "a visible difference soon, for instance before an event (masks)",
        ),
        Goal::LongTerm => ("Lasting change", "steady improvement over weeks (serums)"),
        Goal::Both => (
            "Both",
            "serums every day, masks when your skin needs extra care",
        ),
    };
    context! {
        skin_types => SkinType::ALL.iter().map(|s| context! { id => s.id(), help => skin_help(*s) }).collect::<Vec<_>>(),
        concerns => Concern::ALL.iter().map(|c| context! { id => c.id(), label => concern_label(*c) }).collect::<Vec<_>>(),
        goals => Goal::ALL.iter().map(|g| { let (label, help) = goal(*g); context! { id => g.id(), label, help } }).collect::<Vec<_>>(),
    }
}

/// The questionnaire's fields as typed.
fn start_form_from(profile: Option<&Profile>) -> Value {
    let Some(p) = profile else {
        return context! { skin_type => "", goal => "both", concerns => Vec::<String>::new(), sensitive => false, pregnant => false, events => "", minutes_am => "", minutes_pm => "", avoid => "", start => "" };
    };
    context! {
        skin_type => p.skin_type.id(),
        goal => p.goal.id(),
        concerns => p.concerns.iter().map(|c| c.id()).collect::<Vec<_>>(),
        sensitive => p.sensitive,
        pregnant => p.pregnant,
        events => p.events.iter().map(|e| e.to_string()).collect::<Vec<_>>().join(", "),
        minutes_am => p.minutes_am.map(|m| m.get().to_string()).unwrap_or_default(),
        minutes_pm => p.minutes_pm.map(|m| m.get().to_string()).unwrap_or_default(),
        avoid => p.avoid.join(", "),
        start => p.start.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// What to say next to the avoid field: entries regimen knows nothing by (with the
/// nearest names it knows), and entries that stand for the names containing them.
fn avoid_notes(state: &AppState, entries: &[String]) -> (Vec<String>, bool) {
    if entries.is_empty() {
        return (Vec::new(), false);
    }
    let read = AvoidList::parse(state.knowledge(), state.analyzer(), entries);
    let notes = read.entries().iter().filter_map(|e| e.note()).collect();
    let unknown = read.needs_checking();
    (notes, unknown)
}

async fn start(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let profile = match viewer.user_id {
        Some(user) => current_profile(&state, user).await?.map(|(_, p)| p),
        None => None,
    };
    let (avoid_notes, _) = avoid_notes(&state, profile.as_ref().map_or(&[], |p| &p.avoid));
    let ctx = context! { form => start_form_from(profile.as_ref()), errors => BTreeMap::<String, String>::new(), avoid_notes, ..start_options() };
    render("start.html", &viewer, "start", StatusCode::OK, ctx)
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The form field a profile error belongs to (`events[1]` is the events field).
fn form_field(field: Option<&str>) -> String {
    let field = field.unwrap_or("form");
    field.split(['[', '.']).next().unwrap_or(field).to_string()
}

async fn save_start(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let skin_type = form.get("skin_type");
    let goal = form.get("goal");
    if skin_type.is_empty() {
        errors.insert("skin_type".into(), "Choose your skin type.".into());
    }
    if goal.is_empty() {
        errors.insert("goal".into(), "Choose what you want.".into());
    }
    let mut json = serde_json::json!({
        "skin_type": skin_type,
        "goal": goal,
        "sensitive": form.checked("sensitive"),
        "pregnant": form.checked("pregnant"),
        "concerns": form.all("concerns"),
        "events": list(&form.get("events")),
        "avoid": list(&form.get("avoid")),
    });
    for field in ["minutes_am", "minutes_pm"] {
        let text = form.get(field);
        if text.is_empty() {
            continue;
        }
        match text.parse::<i64>() {
            Ok(n) => json[field] = n.into(),
            Err(_) => {
                errors.insert(
                    field.into(),
                    format!("\"{text}\" is not a whole number of minutes."),
                );
            }
        }
    }
    if !form.get("start").is_empty() {
        json["start"] = form.get("start").into();
    }
    if errors.is_empty() {
        match Profile::from_json(&json.to_string()) {
            Ok(profile)
                if avoid_notes(&state, &profile.avoid).1
                    && form.get("avoid_checked") != form.get("avoid") =>
            {
                // An entry regimen knows nothing by: say so next to the field first;
                // saving again keeps the list as it is.
                let (avoid_notes, _) = avoid_notes(&state, &profile.avoid);
                let ctx = context! {
                    form => typed_start_form(&form),
                    errors,
                    avoid_notes,
                    avoid_checked => form.get("avoid"),
                    ..start_options()
                };
                return render("start.html", &viewer, "start", StatusCode::OK, ctx);
            }
            Ok(profile) => {
                let body = serde_json::to_string(&profile)
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
                match state
                    .store()
                    .list(user, Collection::Profile)
                    .await?
                    .into_iter()
                    .max_by_key(|d| d.id)
                {
                    Some(existing) => {
                        state
                            .store()
                            .update(user, Collection::Profile, existing.id, "", &body)
                            .await?;
                    }
                    None => {
                        state
                            .create_document(user, Collection::Profile, "", &body)
                            .await?;
                    }
                }
                return Ok(see_other("/plan"));
            }
            Err(error) => {
                errors.insert(form_field(error.field.as_deref()), error.message);
            }
        }
    }
    let ctx = context! { form => typed_start_form(&form), errors, ..start_options() };
    render(
        "start.html",
        &viewer,
        "start",
        StatusCode::UNPROCESSABLE_ENTITY,
        ctx,
    )
}

/// The questionnaire's fields as the person typed them.
fn typed_start_form(form: &FormData) -> Value {
    context! {
        skin_type => form.get("skin_type"),
        goal => form.get("goal"),
        concerns => form.all("concerns"),
        sensitive => form.checked("sensitive"),
        pregnant => form.checked("pregnant"),
        events => form.get("events"),
        minutes_am => form.get("minutes_am"),
        minutes_pm => form.get("minutes_pm"),
        avoid => form.get("avoid"),
        start => form.get("start"),
    }
}

// ---- the plan ----

fn routine_context(
    state: &AppState,
    name: &str,
    steps: &[regimen_core::plan::StepEntry<'_>],
) -> Value {
    context! {
        name,
        minutes => Plan::minutes(steps),
        steps => steps.iter().map(|s| context! {
            label => s.display_name(state.knowledge()),
            minutes => s.minutes,
            product => s.product.clone(),
            how => s.removes.map(|_| s.how(state.knowledge())),
        }).collect::<Vec<_>>(),
    }
}

/// The plan page's data; `events` are the person's special occasions, marked on the calendar.
fn plan_context(state: &AppState, plan: &Plan<'_>, events: &[IsoDate]) -> Value {
    let knowledge = state.knowledge();
    let today = IsoDate(today());
    // Today's routines; for a plan that starts later, those of its first day.
    let today_day = plan
        .days
        .iter()
        .find(|d| d.date == today)
        .map(|d| (d, "Today"))
        .or_else(|| {
            plan.days
                .first()
                .filter(|d| d.date > today)
                .map(|d| (d, "Your first day"))
        });
    let today_ctx = today_day.map(|(day, heading)| {
        context! {
            heading,
            label => day.date.0.format("%A %-d %B").to_string(),
            routines => vec![routine_context(state, "Morning", &day.am), routine_context(state, "Evening", &day.pm)],
        }
    });
    let weeks: Vec<Vec<Value>> = plan
        .days
        .chunks(7)
        .map(|week| {
            week.iter()
                .map(|day| {
                    let mask = day.pm.iter().find_map(|s| s.mask_type).map(|m| {
                        knowledge
                            .mask_type(m)
                            .map_or(m.to_string(), |t| t.name.to_lowercase())
                    });
                    let actives: Vec<String> = day
                        .pm
                        .iter()
                        .filter_map(|s| s.active)
                        .filter_map(|a| knowledge.active(a))
                        .filter(|a| !a.rules.nights.is_empty())
                        .map(|a| a.name.split(" (").next().unwrap_or(&a.name).to_lowercase())
                        .collect();
                    context! {
                        label => day.date.0.format("%a %-d").to_string(),
                        mask,
                        actives,
                        today => day.date == today,
                        event => events.contains(&day.date),
                    }
                })
                .collect()
        })
        .collect();
    let approach = match plan.approach {
        regimen_core::vocab::Approach::Masks => "face masks",
        regimen_core::vocab::Approach::Serums => "serums",
        regimen_core::vocab::Approach::Both => {
            "both, serums daily and masks when your skin needs extra care"
        }
    };
    let masks: Vec<Value> = plan
        .masks
        .iter()
        .map(|m| {
            let name = knowledge
                .mask_type(m.mask_type)
                .map_or(m.mask_type, |t| t.name.as_str());
            let when = match (m.per_week, m.for_events) {
                (0, _) => "before your events".to_string(),
                (n, false) => format!("{n} a week"),
                (n, true) => format!("{n} a week, and before your events"),
            };
            context! { id => m.mask_type, name, when, minutes => m.minutes }
        })
        .collect();
    let serums: Vec<Value> = plan
        .serums
        .iter()
        .map(|s| {
            let name = knowledge
                .active(s.active)
                .map_or(s.active, |a| a.name.as_str());
            let when = match s.time {
                regimen_core::vocab::ServingTime::Am => "mornings",
                regimen_core::vocab::ServingTime::Pm => "evenings",
                regimen_core::vocab::ServingTime::AmPm => "mornings and evenings",
            };
            let when = if s.nights_per_week.is_empty() {
                when.to_string()
            } else {
                let nights: Vec<String> = s.nights_per_week.iter().map(u8::to_string).collect();
                format!("{when}, {} nights a week by week", nights.join(", "))
            };
            context! { id => s.active, name, when }
        })
        .collect();
    context! {
        approach,
        reasons => plan.reasons.iter().map(|r| context! { text => r.text.as_ref(), rule => r.rule, source => r.source }).collect::<Vec<_>>(),
        today => today_ctx,
        weeks,
        first_day => plan.days.first().map(|d| d.date.to_string()),
        last_day => plan.days.last().map(|d| d.date.to_string()),
        masks,
        serums,
        shelf => plan.shelf.as_ref().map(shelf_context),
        warnings => plan.warnings.iter().map(|w| context! {
            code => w.code, text => w.text.as_ref(), rule => w.rule, source => w.source,
            dates => w.dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        }).collect::<Vec<_>>(),
    }
}

fn shelf_context(report: &ShelfReport) -> Value {
    Value::from_serialize(report)
}

async fn plan_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let Some((_, profile)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let ctx = make_saved_plan(&state, &profile, plan_start(&profile), 4, |plan| {
        plan_context(&state, plan, &profile.events)
    })?;
    render("plan.html", &viewer, "plan", StatusCode::OK, ctx)
}

fn download(content_type: &str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn plan_download_json(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let Some((_, profile)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let json = make_saved_plan(&state, &profile, plan_start(&profile), 4, |plan| {
        plan.to_json_pretty()
    })?;
    Ok(download(
        "application/json",
        "regimen-plan.json",
        json.into_bytes(),
    ))
}

async fn plan_download_ics(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let Some((_, profile)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let options = CalendarOptions {
        am: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap_or_default(),
        pm: chrono::NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
        stamp: chrono::Utc::now().naive_utc(),
    };
    let ics = make_saved_plan(&state, &profile, plan_start(&profile), 4, |plan| {
        to_ics(state.knowledge(), plan, &options)
    })?;
    Ok(download(
        "text/calendar; charset=utf-8",
        "regimen-plan.ics",
        ics.into_bytes(),
    ))
}

async fn subscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let Some((document, _)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let caller = crate::Caller { user_id: user };
    let request = serde_json::json!({"profile_id": document.id});
    let stored = Plans::accept(&state, caller, request.to_string().as_bytes()).await?;
    let (saved, _) = state
        .create_document(user, Collection::Plan, &stored.sort_key, &stored.body)
        .await?;
    let token = auth::new_token()?;
    state
        .store()
        .create_feed_token(user, saved.id, &token_hash(&token))
        .await?;
    // From the configured address, never from the request's Host.
    let url = format!(
        "{}/api/v1/plan.ics?token={token}",
        state.settings().public_url.trim_end_matches('/')
    );
    render(
        "subscribed.html",
        &viewer,
        "plan",
        StatusCode::OK,
        context! { url, local => !state.multi_user() },
    )
}

// ---- the shelf ----

fn usage(report: Option<&ShelfReport>, name: &str) -> String {
    let Some(report) = report else {
        return "Answer the questions on the start page to see where your plan uses it.".into();
    };
    if let Some(placed) = report.placed.iter().find(|p| p.name == name) {
        return format!("Your plan uses it for: {}.", placed.role);
    }
    if let Some(left) = report.not_placed.iter().find(|p| p.name == name) {
        return format!("Not in your plan: {}.", left.reason);
    }
    String::new()
}

/// The person's profile (with their shelf) and what their plan does with each product.
async fn shelf_view(
    state: &AppState,
    user: i64,
) -> Result<(Option<Profile>, Option<ShelfReport>), PageError> {
    let Some((_, profile)) = current_profile(state, user).await? else {
        return Ok((None, None));
    };
    let report = make_saved_plan(state, &profile, plan_start(&profile), 4, |plan| {
        plan.shelf.clone()
    })?;
    Ok((Some(profile), report))
}

/// A product with its analysis; with a profile, the flags are the ones that concern
/// the person (their avoid list, pregnancy, sensitivity).
fn product_context(
    state: &AppState,
    id: i64,
    item: &ShelfItem,
    profile: Option<&Profile>,
    report: Option<&ShelfReport>,
) -> Value {
    let avoid = profile.map(|p| AvoidList::parse(state.knowledge(), state.analyzer(), &p.avoid));
    let options = Options {
        name: Some(&item.name),
        profile,
        avoid: avoid.as_ref(),
        kind: item.kind,
        suggest: true,
    };
    let analysis = state.analyzer().analyze(&item.ingredients, &options);
    let kind = item.kind.unwrap_or(analysis.kind);
    context! {
        id,
        name => item.name.clone(),
        ingredients => item.ingredients.clone(),
        kind => kind.id().replace('_', " "),
        uses => analysis.uses.iter().map(|s| s.id().replace('_', " ")).collect::<Vec<_>>(),
        leave_on => analysis.leave_on,
        spf => analysis.spf,
        mask_type => analysis.mask_type,
        actives => Value::from_serialize(&analysis.actives),
        flags => Value::from_serialize(&analysis.flags),
        unknown => Value::from_serialize(&analysis.unknown),
        usage => usage(report, &item.name),
    }
}

async fn render_shelf(
    state: &AppState,
    viewer: &Viewer,
    user: i64,
    form: Value,
    errors: BTreeMap<String, String>,
    status: StatusCode,
) -> PageResult {
    let (profile, report) = shelf_view(state, user).await?;
    let products: Vec<Value> = shelf_items(state, user)
        .await?
        .iter()
        .map(|(id, item)| product_context(state, *id, item, profile.as_ref(), report.as_ref()))
        .collect();
    let kinds: Vec<&str> = ProductKind::ALL.iter().map(|k| k.id()).collect();
    render(
        "shelf.html",
        viewer,
        "shelf",
        status,
        context! { products, form, errors, kinds },
    )
}

async fn shelf_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let form = context! { name => "", ingredients => "", kind => "" };
    render_shelf(&state, &viewer, user, form, BTreeMap::new(), StatusCode::OK).await
}

async fn add_product(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let mut json =
        serde_json::json!({"name": form.get("name"), "ingredients": form.get("ingredients")});
    if !form.get("kind").is_empty() {
        json["kind"] = form.get("kind").into();
    }
    let caller = crate::Caller { user_id: user };
    match crate::resources::ShelfItems::accept(&state, caller, json.to_string().as_bytes()).await {
        Ok(stored) => {
            state
                .create_document(user, Collection::Shelf, &stored.sort_key, &stored.body)
                .await?;
            Ok(see_other("/shelf"))
        }
        Err(ApiError::BadRequest { message, field } | ApiError::Invalid { message, field }) => {
            let mut errors = BTreeMap::new();
            errors.insert(form_field(field.as_deref()), message);
            let typed = context! { name => form.get("name"), ingredients => form.get("ingredients"), kind => form.get("kind") };
            render_shelf(
                &state,
                &viewer,
                user,
                typed,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

async fn product_page(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
) -> PageResult {
    let user = viewer.user()?;
    let document = state
        .store()
        .get(user, Collection::Shelf, id)
        .await?
        .ok_or(PageError::NotFound)?;
    let item: ShelfItem =
        serde_json::from_str(&document.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (profile, report) = shelf_view(&state, user).await?;
    let product = product_context(&state, id, &item, profile.as_ref(), report.as_ref());
    render(
        "product.html",
        &viewer,
        "shelf",
        StatusCode::OK,
        context! { product },
    )
}

async fn remove_product(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    if !state.store().delete(user, Collection::Shelf, id).await? {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/shelf"))
}

// ---- check-ins ----

async fn checkin_context(
    state: &AppState,
    user: i64,
) -> Result<(Vec<Value>, Vec<Value>), PageError> {
    let profile = current_profile(state, user).await?.map(|(_, p)| p);
    let concerns: Vec<Concern> = match &profile {
        Some(p) if !p.concerns.is_empty() => p.concerns.clone(),
        _ => Concern::ALL.to_vec(),
    };
    let steps: Vec<Value> = Step::ALL
        .iter()
        .map(|s| context! { id => s.id(), name => state.knowledge().step(*s).name.clone() })
        .collect();
    let concerns = concerns
        .iter()
        .map(|c| context! { id => c.id(), label => concern_label(*c) })
        .collect();
    Ok((steps, concerns))
}

async fn checkin_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let (steps, concerns) = checkin_context(&state, user).await?;
    let form = context! { date => today().to_string(), steps_done => Vec::<String>::new(), ratings => BTreeMap::<String, i64>::new(), reactions => "", note => "" };
    render(
        "checkin.html",
        &viewer,
        "checkin",
        StatusCode::OK,
        context! { form, steps, concerns, errors => BTreeMap::<String, String>::new() },
    )
}

async fn save_checkin(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let mut ratings = serde_json::Map::new();
    let mut typed_ratings = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for concern in Concern::ALL {
        let value = form.get(&format!("rating_{}", concern.id()));
        if value.is_empty() {
            continue;
        }
        match value.parse::<i64>() {
            Ok(n) => {
                ratings.insert(concern.id().into(), n.into());
                typed_ratings.insert(concern.id().to_string(), n);
            }
            Err(_) => {
                errors.insert(
                    format!("ratings.{}", concern.id()),
                    format!("\"{value}\" is not a rating from 1 to 5."),
                );
            }
        }
    }
    let json = serde_json::json!({
        "date": form.get("date"),
        "steps_done": form.all("steps_done"),
        "ratings": ratings,
        "reactions": list(&form.get("reactions")),
        "note": form.get("note"),
    });
    if errors.is_empty() {
        let caller = crate::Caller { user_id: user };
        match Checkins::accept(&state, caller, json.to_string().as_bytes()).await {
            Ok(stored) => {
                state
                    .create_document(user, Collection::Checkin, &stored.sort_key, &stored.body)
                    .await?;
                return Ok(see_other("/history"));
            }
            Err(ApiError::BadRequest { message, field } | ApiError::Invalid { message, field }) => {
                let field = field.unwrap_or_else(|| "date".into());
                let key = if field.starts_with("ratings.") {
                    field
                } else {
                    form_field(Some(&field))
                };
                errors.insert(key, message);
            }
            Err(other) => return Err(other.into()),
        }
    }
    let (steps, concerns) = checkin_context(&state, user).await?;
    let typed = context! { date => form.get("date"), steps_done => form.all("steps_done"), ratings => typed_ratings, reactions => form.get("reactions"), note => form.get("note") };
    render(
        "checkin.html",
        &viewer,
        "checkin",
        StatusCode::UNPROCESSABLE_ENTITY,
        context! { form => typed, steps, concerns, errors },
    )
}

/// A line chart of one concern's ratings, as SVG (dates are ISO strings, ratings 1-5).
fn chart_svg(label: &str, points: &[(String, i64)]) -> String {
    let (width, height, left, right, top, bottom) = (600.0, 200.0, 40.0, 20.0, 15.0, 35.0);
    let span = (points.len().max(2) - 1) as f64;
    let x = |i: usize| left + (width - left - right) * i as f64 / span;
    let y = |v: i64| top + (height - top - bottom) * (5 - v.clamp(1, 5)) as f64 / 4.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{label}: {} ratings\" xmlns=\"http://www.w3.org/2000/svg\">",
        points.len()
    );
    for level in 1..=5 {
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d7d2c8\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#4a5560\">{level}</text>",
            width - right,
            left - 16.0,
            y(level) + 4.0,
            y = y(level)
        ));
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    svg.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#1f5f8b\" stroke-width=\"3\" points=\"{}\"/>",
        path.join(" ")
    ));
    for (i, (date, value)) in points.iter().enumerate() {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"#1f5f8b\"><title>{date}: {value}</title></circle>",
            x(i),
            y(*value)
        ));
    }
    if let Some(first) = points.first() {
        svg.push_str(&format!(
            "<text x=\"{left}\" y=\"{}\" font-size=\"12\" fill=\"#4a5560\">{}</text>",
            height - 10.0,
            first.0
        ));
    }
    if let Some(last) = points.last().filter(|_| points.len() > 1) {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#4a5560\" text-anchor=\"end\">{}</text>",
            width - right,
            height - 10.0,
            last.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

async fn history_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let documents = state.store().list(user, Collection::Checkin).await?;
    let checkins: Vec<serde_json::Value> = documents
        .iter()
        .filter_map(|d| serde_json::from_str(&d.body).ok())
        .collect();
    let mut charts = Vec::new();
    for concern in Concern::ALL {
        let points: Vec<(String, i64)> = checkins
            .iter()
            .filter_map(|c| {
                let value = c["ratings"][concern.id()].as_i64()?;
                let date = IsoDate::parse(c["date"].as_str()?).ok()?;
                Some((date.to_string(), value))
            })
            .collect();
        if !points.is_empty() {
            charts.push(context! { label => concern_label(*concern), svg => chart_svg(concern_label(*concern), &points) });
        }
    }
    let mut newest_first = checkins;
    newest_first.reverse();
    render(
        "history.html",
        &viewer,
        "history",
        StatusCode::OK,
        context! { checkins => Value::from_serialize(&newest_first), charts },
    )
}

// ---- FAQ and explanations ----

async fn faq_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let knowledge = state.knowledge();
    let faqs: Vec<Value> = knowledge
        .faqs
        .iter()
        .map(|f| {
            let cited = knowledge.source(&f.source);
            let source = cited.map(|s| s.citation.clone()).unwrap_or_default();
            let link = cited.and_then(|s| s.link());
            context! { id => f.id.clone(), question => f.question.clone(), answer => f.answer.clone(), source, link }
        })
        .collect();
    let mask_types: Vec<Value> = knowledge
        .mask_types
        .iter()
        .map(|m| context! { id => m.id.clone(), name => m.name.clone() })
        .collect();
    let actives: Vec<Value> = knowledge
        .actives
        .iter()
        .map(|a| context! { id => a.id.clone(), name => a.name.clone() })
        .collect();
    render(
        "faq.html",
        &viewer,
        "faq",
        StatusCode::OK,
        context! { faqs, mask_types, actives },
    )
}

async fn explain_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    match explain(state.knowledge(), &id) {
        Some(explanation) => {
            let points: Vec<Value> = explanation
                .points
                .iter()
                .map(|p| context! { text => p.text.clone(), source => p.source.clone(), link => p.link.clone() })
                .collect();
            render(
                "explain.html",
                &viewer,
                "faq",
                StatusCode::OK,
                context! { title => explanation.title, points },
            )
        }
        None => {
            let close = suggest(state.knowledge(), &id);
            let message = if close.is_empty() {
                "regimen has no explanation by that name.".to_string()
            } else {
                format!(
                    "regimen has no explanation by that name. Close ones: {}.",
                    close.join(", ")
                )
            };
            let page = error_page(StatusCode::NOT_FOUND, "Not found", &message);
            Ok(page)
        }
    }
}

// ---- accounts ----

fn account_ctx(signup: bool, username: &str, errors: BTreeMap<String, String>) -> Value {
    let (heading, action) = if signup {
        ("Sign up", "/signup")
    } else {
        ("Sign in", "/signin")
    };
    context! { heading, action, signup, form => context! { username }, errors }
}

async fn signup_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
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

async fn signin_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
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

fn with_cookie(mut response: Response, cookie: &str) -> Result<Response, PageError> {
    let value = HeaderValue::from_str(cookie).map_err(|e| ApiError::Internal(e.to_string()))?;
    response.headers_mut().insert(header::SET_COOKIE, value);
    Ok(response)
}

fn account_error(error: ApiError) -> Result<BTreeMap<String, String>, PageError> {
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

async fn signup(
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

async fn signin(
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

async fn signout(
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
