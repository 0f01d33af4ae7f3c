//! Every page rendered without a browser: status, key content, errors by the field,
//! escaping of what people type, and privacy in multi-user mode.

use super::{spawn_app, TestApp};
use axum::http::{Method, StatusCode};

/// Posts a form as a browser on the page would: with the page's Origin and Host
/// (unless `headers` gives its own) and the page's CSRF token (unless the body has one).
async fn form(app: &TestApp, path: &str, body: &str, headers: &[(&str, &str)]) -> super::Reply {
    form_with(app, path, body, headers, true).await
}

/// [`form`], adding the page's CSRF token only when `add_token` says so.
async fn form_with(
    app: &TestApp,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
    add_token: bool,
) -> super::Reply {
    let given = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    if !given("origin") && !given("sec-fetch-site") {
        all.push(("origin", "http://127.0.0.1:8080"));
    }
    if !given("host") {
        all.push(("host", "127.0.0.1:8080"));
    }
    all.extend_from_slice(headers);
    let mut body = body.to_string();
    if add_token && !body.split('&').any(|pair| pair.starts_with("csrf=")) {
        let cookie: Vec<(&str, &str)> = headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .copied()
            .collect();
        if let Some(token) = page_csrf(&app.get("/checkin", &cookie).await.text) {
            body = format!("{body}&csrf={token}");
        }
    }
    let mut builder = axum::http::Request::builder()
        .method(Method::POST)
        .uri(path);
    for (name, value) in &all {
        builder = builder.header(*name, *value);
    }
    let request = builder.body(axum::body::Body::from(body)).expect("request");
    use tower::ServiceExt;
    let response = app.router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .expect("body");
    super::Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The CSRF token a page's forms carry.
fn page_csrf(page: &str) -> Option<String> {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker)? + marker.len();
    let end = start + page[start..].find('"')?;
    Some(page[start..end].to_string()).filter(|t| !t.is_empty())
}

fn assert_page(reply: &super::Reply, heading: &str) {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.text.starts_with("<!doctype html>"));
    assert!(reply.text.contains("<html lang=\"en\">"));
    assert_eq!(reply.text.matches("<h1").count(), 1, "one h1");
    assert!(reply.text.contains(heading), "{heading} in {}", reply.text);
    assert!(reply.text.contains("not a medical diagnosis"));
}

#[tokio::test]
async fn every_page_renders_in_local_mode() {
    let app = spawn_app(false).await;
    assert_page(&app.get("/", &[]).await, "Face masks, serums or both?");
    assert_eq!(
        app.get("/plan", &[]).await.status,
        StatusCode::SEE_OTHER,
        "no profile yet: to the questionnaire"
    );
    let event = (chrono::Local::now().date_naive() + chrono::Days::new(10)).to_string();
    let answers = format!("skin_type=combination&goal=both&concerns=acne&concerns=dullness&minutes_pm=20&events={event}");
    let saved = form(&app, "/", &answers, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.headers["location"], "/plan");
    let plan = app.get("/plan", &[]).await;
    assert_page(&plan, "Your plan: both");
    let marked = plan
        .text
        .matches("<span class=\"tag event\">your event</span>")
        .count();
    assert_eq!(marked, 1, "the event is on the calendar");
    for content in [
        "Today,",
        "class=\"calendar\"",
        "clay mask",
        "/plan.ics",
        "/plan.json",
        "Subscribe",
        "/explain/approach_both",
    ] {
        assert!(plan.text.contains(content), "{content}");
    }
    assert_page(&app.get("/shelf", &[]).await, "Your shelf");
    assert_page(&app.get("/checkin", &[]).await, "Check-in for");
    assert_page(&app.get("/history", &[]).await, "How it is going");
    assert_page(&app.get("/faq", &[]).await, "Questions people ask");
    assert_page(&app.get("/explain/retinol", &[]).await, "Retinol");
    let missing = app.get("/explain/unobtainium", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text.contains("<h1>Not found</h1>"));
    let ics = app.get("/plan.ics", &[]).await;
    assert!(ics.headers["content-disposition"]
        .to_str()
        .expect("header")
        .contains("attachment"));
    assert!(ics.text.contains("BEGIN:VCALENDAR"));
    let json = app.get("/plan.json", &[]).await;
    assert!(json.text.contains("\"approach\": \"both\""));
    let css = app.get("/static/style.css", &[]).await;
    assert!(css.headers["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/css"));
    assert!(css.text.contains(":focus-visible"));
    assert_eq!(
        app.get("/signin", &[]).await.status,
        StatusCode::SEE_OTHER,
        "no accounts locally"
    );
}

#[tokio::test]
async fn form_errors_sit_by_their_field_and_keep_the_input() {
    let app = spawn_app(false).await;
    let reply = form(
        &app,
        "/",
        "goal=both&events=2026-12-24%2C+2026-13-01&minutes_am=lots",
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text.contains("id=\"skin_type-error\""),
        "missing skin type is named"
    );
    assert!(reply.text.contains("id=\"minutes_am-error\""));
    assert!(reply.text.contains("value=\"lots\""), "the input is kept");
    let reply = form(
        &app,
        "/",
        "skin_type=dry&goal=both&events=2026-12-24%2C+2026-13-01",
        &[],
    )
    .await;
    assert!(
        reply.text.contains("id=\"events-error\"") && reply.text.contains("2026-13-01"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("aria-invalid=\"true\""));
    let reply = form(
        &app,
        "/checkin",
        "date=2027-01-04&rating_acne=9&note=hello",
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text.contains("id=\"ratings.acne-error\""),
        "{}",
        reply.text
    );
    assert!(reply.text.contains(">hello</textarea>"));
    let reply = form(&app, "/shelf", "name=&ingredients=Aqua", &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains("id=\"name-error\""));
}

#[tokio::test]
async fn what_people_type_is_shown_as_text() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=oily&goal=long_term&concerns=acne",
        &[],
    )
    .await;
    let name = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let added = form(
        &app,
        "/shelf",
        &format!("name={name}&ingredients=Aqua%2C+Niacinamide%2C+%3Cb%3Ebold%3C%2Fb%3E&kind=serum"),
        &[],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    for path in ["/shelf", "/plan"] {
        let page = app.get(path, &[]).await;
        assert!(
            !page.text.contains("<script>alert(1)</script>"),
            "{path} must escape"
        );
        assert!(
            page.text
                .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{path}: {}",
            page.text
        );
    }
    let checkin = form(
        &app,
        "/checkin",
        "date=2027-01-04&rating_acne=3&note=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
        &[],
    )
    .await;
    assert_eq!(checkin.status, StatusCode::SEE_OTHER);
    let history = app.get("/history", &[]).await;
    assert!(!history.text.contains("<img src=x"));
    assert!(history.text.contains("<svg"), "a chart per rated concern");
    // The same day checked in again from the page: still one check-in, the new one.
    let again = form(
        &app,
        "/checkin",
        "date=2027-01-04&rating_acne=4&note=later",
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let stored = app.get("/api/v1/checkins", &[]).await.json();
    assert_eq!(stored.as_array().map(Vec::len), Some(1), "{stored}");
    assert_eq!(stored[0]["note"], "later");
}

#[tokio::test]
async fn shelf_flags_follow_the_person() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=dry&goal=long_term&avoid=linalool",
        &[],
    )
    .await;
    form(&app, "/shelf", "name=Scented+Cream&ingredients=Aqua%2C+Glycerin%2C+Parfum%2C+Linalool%2C+Retinol&kind=moisturizer", &[]).await;
    let shelf = app.get("/shelf", &[]).await.text;
    assert!(
        shelf.contains("<strong>avoid</strong>: Linalool"),
        "the avoid list shows: {shelf}"
    );
    assert!(
        !shelf.contains("pregnancy_retinoid"),
        "not pregnant: no pregnancy flag"
    );
    assert!(
        shelf.contains("Not in your plan: it contains Linalool, which is on your avoid list"),
        "{shelf}"
    );
}

#[tokio::test]
async fn an_avoid_entry_that_matches_nothing_is_said_next_to_the_field() {
    let app = spawn_app(false).await;
    let answers = "skin_type=dry&goal=long_term&avoid=lavender%2C+retinoidz";
    let first = form(&app, "/", answers, &[]).await;
    assert_eq!(first.status, StatusCode::OK, "shown again, not saved yet");
    assert!(
        first.text.contains("id=\"avoid-notes\"")
            && first
                .text
                .contains("&quot;retinoidz&quot; looks like a misspelling of")
            && first.text.contains("retinoids"),
        "{}",
        first.text
    );
    assert!(
        first.text.contains("value=\"lavender, retinoidz\""),
        "input kept"
    );
    assert_eq!(
        app.get("/plan", &[]).await.status,
        StatusCode::SEE_OTHER,
        "nothing saved"
    );
    // Saving again keeps the list as it is; the note stays next to the field.
    let again = form(
        &app,
        "/",
        &format!("{answers}&avoid_checked=lavender%2C+retinoidz"),
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("retinoidz"), "the plan says so too");
    let start = app.get("/", &[]).await.text;
    assert!(start.contains("id=\"avoid-notes\""), "{start}");
    // A list regimen understands is saved at once.
    let known = form(
        &app,
        "/",
        "skin_type=dry&goal=long_term&avoid=lavender%2C+vitamin+A",
        &[],
    )
    .await;
    assert_eq!(known.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_form_too_large_gets_a_page_not_a_raw_error() {
    let app = spawn_app(false).await;
    let body = format!("name=x&ingredients={}", "a".repeat(300 * 1024));
    let reply = form(&app, "/shelf", &body, &[]).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        reply.text.starts_with("<!doctype html>") && reply.text.contains("<h1>"),
        "{:.200}",
        reply.text
    );
}

#[tokio::test]
async fn a_plan_that_starts_later_shows_its_first_day() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=dry&goal=long_term&start=2099-03-02",
        &[],
    )
    .await;
    let plan = app.get("/plan", &[]).await.text;
    assert!(
        plan.contains("Your first day, Monday 2 March") && plan.contains("class=\"checklist\""),
        "{plan}"
    );
}

#[tokio::test]
async fn explanations_and_answers_link_their_sources() {
    let app = spawn_app(false).await;
    // (The template escapes "/" in attributes as "&#x2f;", which browsers read as "/".)
    let page = app
        .get("/explain/retinoid_bpo", &[])
        .await
        .text
        .replace("&#x2f;", "/");
    assert!(
        page.contains("href=\"https://doi.org/10.1046/j.1365-2133.1998.1390s2008.x\""),
        "{page}"
    );
    let faq = app.get("/faq", &[]).await.text.replace("&#x2f;", "/");
    assert!(
        faq.contains("href=\"https://www.nice.org.uk/guidance/ng198/chapter/recommendations\""),
        "{faq}"
    );
}

#[tokio::test]
async fn a_product_address_that_is_no_number_is_the_not_found_page() {
    let app = spawn_app(false).await;
    let reply = app.get("/shelf/abc", &[]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply.text.starts_with("<!doctype html>") && !reply.text.contains("i64"),
        "{:.300}",
        reply.text
    );
}

#[tokio::test]
async fn forms_from_other_sites_are_refused() {
    let app = spawn_app(false).await;
    let reply = form(
        &app,
        "/",
        "skin_type=dry&goal=both",
        &[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:8080"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.text.contains("<h1>"));
    let same = form(
        &app,
        "/",
        "skin_type=dry&goal=both",
        &[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080"),
        ],
    )
    .await;
    assert_eq!(same.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn multi_user_pages_need_a_session_and_stay_private() {
    let app = spawn_app(true).await;
    let plan = app.get("/plan", &[]).await;
    assert_eq!(
        (plan.status, plan.headers["location"].to_str().ok()),
        (StatusCode::SEE_OTHER, Some("/signin"))
    );
    assert_page(&app.get("/signin", &[]).await, "Sign in");
    assert_page(&app.get("/faq", &[]).await, "Questions people ask");
    let alice = form(
        &app,
        "/signup",
        "username=alice&password=correct+horse+battery",
        &[],
    )
    .await;
    assert_eq!(alice.status, StatusCode::SEE_OTHER, "{}", alice.text);
    let alice_cookie = alice.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let bob = form(
        &app,
        "/signup",
        "username=bob&password=correct+horse+battery",
        &[],
    )
    .await;
    let bob_cookie = bob.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string();
    let page = app.get("/shelf", &[("cookie", &alice_cookie)]).await;
    let csrf = page
        .text
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let without = form_with(
        &app,
        "/shelf",
        "name=Cream&ingredients=Aqua",
        &[("cookie", &alice_cookie)],
        false,
    )
    .await;
    assert_eq!(without.status, StatusCode::FORBIDDEN, "no CSRF token");
    let added = form(
        &app,
        "/shelf",
        &format!("csrf={csrf}&name=Cream&ingredients=Aqua"),
        &[("cookie", &alice_cookie)],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let shelf = app.get("/shelf", &[("cookie", &alice_cookie)]).await;
    let id = shelf
        .text
        .split("href=\"/shelf/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("product link")
        .to_string();
    assert_eq!(
        app.get(&format!("/shelf/{id}"), &[("cookie", &alice_cookie)])
            .await
            .status,
        StatusCode::OK
    );
    let other = app
        .get(&format!("/shelf/{id}"), &[("cookie", &bob_cookie)])
        .await;
    assert_eq!(
        other.status,
        StatusCode::NOT_FOUND,
        "bob cannot open alice's product"
    );
    assert!(!app
        .get("/shelf", &[("cookie", &bob_cookie)])
        .await
        .text
        .contains("Cream"));
    let wrong = form(&app, "/signin", "username=alice&password=nope-nope", &[]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text.contains("wrong username or password") && wrong.text.contains("value=\"alice\"")
    );
}

/// Locally, the feed page says that a phone cannot reach 127.0.0.1 and offers the
/// calendar file instead; the address comes from the configured public address.
#[tokio::test]
async fn a_local_feed_page_offers_the_file_for_phones() {
    let app = spawn_app(false).await;
    let saved = form(&app, "/", "skin_type=dry&goal=both", &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let page = form(&app, "/plan/subscribe", "", &[]).await;
    assert_page(&page, "Your calendar feed");
    // The template escapes "/" in attributes.
    let address = page.text.replace("&#x2f;", "/");
    assert!(
        address.contains("value=\"http://127.0.0.1:8080/api/v1/plan.ics?token="),
        "{}",
        page.text
    );
    assert!(page.text.contains("a phone cannot reach"), "{}", page.text);
    assert!(page.text.contains("href=\"/plan.ics\""));
}
