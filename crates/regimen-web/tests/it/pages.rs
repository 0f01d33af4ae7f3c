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
        .matches("<span class=\"tag event\" title=\"your event\">")
        .count();
    assert_eq!(marked, 1, "the event is on the calendar");
    for content in [
        "Today,",
        "class=\"calendar\"",
        "clay mask",
        "/plan.ics",
        "/plan.json",
        "Subscribe",
        // A reason's source: the seed article has no address, so regimen's explanation
        // (the template escapes "/" in attributes).
        "href=\"&#x2f;explain&#x2f;approach_both\"",
    ] {
        assert!(plan.text.contains(content), "{content}");
    }
    assert_page(&app.get("/shelf", &[]).await, "Your shelf");
    assert_page(
        &app.get("/checkin", &[]).await,
        "Check-in <span class=\"sub\">",
    );
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
    // A reminder ten minutes before each routine unless the person says otherwise, at
    // the times they chose on the plan page.
    assert!(ics.text.contains("BEGIN:VALARM") && ics.text.contains("TRIGGER:-PT600S"));
    let own = app
        .get("/plan.ics?am=06%3A45&pm=22%3A15&remind=15", &[])
        .await;
    assert!(
        own.text.contains("T064500") && own.text.contains("T221500"),
        "{}",
        own.text
    );
    assert!(own.text.contains("TRIGGER:-PT900S"), "{}", own.text);
    let none = app.get("/plan.ics?remind=0", &[]).await;
    assert!(!none.text.contains("BEGIN:VALARM"));
    let bad = app.get("/plan.ics?am=seven", &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get("/plan", &[]).await.text;
    assert!(page.contains("name=\"am\" value=\"07:30\""), "{page}");
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
        "goal=both&events=2099-12-24%2C+2026-13-01&minutes_am=lots",
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text.contains("id=\"skin_type-error\""),
        "missing skin type is named"
    );
    // Every mistake at once, in the summary and by its field, the first one focused.
    assert!(reply.text.contains("id=\"minutes_am-error\""));
    assert!(reply.text.contains("id=\"events-error\""), "{}", reply.text);
    assert!(
        reply.text.contains("3 answers need another look"),
        "{}",
        reply.text
    );
    assert!(reply
        .text
        .contains("&quot;2026-13-01&quot; is not a date: pick the day on the calendar"));
    assert_eq!(reply.text.matches(" autofocus").count(), 1);
    // A special occasion that has passed is a mistake by its field, with its date.
    let past = form(&app, "/", "skin_type=dry&goal=both&events=2025-01-01", &[]).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.text.contains("id=\"events-error\""), "{}", past.text);
    assert!(past.text.contains("2025-01-01 has passed"), "{}", past.text);
    assert!(
        reply
            .text
            .contains("name=\"skin_type\" value=\"oily\" autofocus"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("value=\"lots\""), "the input is kept");
    assert!(
        reply.text.contains("value=\"2099-12-24\""),
        "the good date is kept"
    );
    let reply = form(
        &app,
        "/",
        "skin_type=dry&goal=both&events=2099-12-24%2C+2026-13-01",
        &[],
    )
    .await;
    assert!(
        reply.text.contains("id=\"events-error\"") && reply.text.contains("2026-13-01"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("aria-invalid=\"true\""));
    // "next week" in a date field: plain words, and the date inputs are calendars.
    let reply = form(&app, "/", "skin_type=dry&goal=both&events=next+week", &[]).await;
    assert!(
        reply
            .text
            .contains("&quot;next week&quot; is not a date: pick the day on the calendar"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("name=\"events\" type=\"date\""));
    // The whole person: a wrong age, tone or condition is named by its field, and kept.
    let reply = form(
        &app,
        "/",
        "skin_type=dry&goal=both&age=200&skin_tone=VII&conditions=warts",
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["age", "skin_tone", "conditions"] {
        assert!(
            reply.text.contains(&format!("id=\"{field}-error\"")),
            "{field}: {}",
            reply.text
        );
    }
    assert!(reply
        .text
        .contains("name=\"age\" min=\"1\" max=\"120\" inputmode=\"numeric\" value=\"200\""));
    let person = form(
        &app,
        "/",
        "skin_type=oily&goal=long_term&concerns=acne&age=16&skin_tone=V&conditions=rosacea&breastfeeding=true",
        &[],
    )
    .await;
    assert_eq!(person.status, StatusCode::SEE_OTHER, "{}", person.text);
    let again = app.get("/", &[]).await;
    assert!(
        again.text.contains("value=\"V\" selected"),
        "{}",
        again.text
    );
    assert!(again.text.contains("value=\"rosacea\" checked"));
    assert!(again
        .text
        .contains("name=\"breastfeeding\" value=\"true\" checked"));
    // Concerns ranked on the web: the numbers decide the order.
    let ranked = form(
        &app,
        "/",
        "skin_type=oily&goal=long_term&concerns=acne&concerns=pores&rank_pores=1&rank_acne=2",
        &[],
    )
    .await;
    assert_eq!(ranked.status, StatusCode::SEE_OTHER, "{}", ranked.text);
    let profiles = app.get("/api/v1/profiles", &[]).await.json();
    assert_eq!(
        profiles[0]["profile"]["concerns"],
        serde_json::json!(["pores", "acne"])
    );
    let again = app.get("/", &[]).await.text;
    assert!(
        again.contains("<option value=\"1\" selected>1</option>"),
        "the ranks are shown again"
    );
    let reply = form(
        &app,
        "/checkin",
        "date=2026-11-04&rating_acne=9&note=hello",
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
    // The plan takes the new product when it is made again.
    form(&app, "/plan/again", "", &[]).await;
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
        "date=2026-11-04&rating_acne=3&note=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
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
        "date=2026-11-04&rating_acne=4&note=later",
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
        shelf.contains("<strong>On your avoid list:</strong> Linalool"),
        "the avoid list shows, by its label: {shelf}"
    );
    // Each flag once, with every ingredient behind it; labels, never codes.
    assert!(
        shelf.contains("<strong>Fragrance allergen:</strong> Linalool"),
        "{shelf}"
    );
    assert!(!shelf.contains(">fragrance_allergen<") && !shelf.contains("(retinoid)"));
    assert!(
        shelf.contains("<span class=\"chip\">Retinoids"),
        "family names: {shelf}"
    );
    assert!(
        !shelf.contains("pregnancy_retinoid"),
        "not pregnant: no pregnancy flag"
    );
    assert!(
        shelf.contains("Not in your current plan yet")
            && shelf.contains(
                "it would be left out: it contains Linalool, which is on your avoid list"
            ),
        "added after the plan was made: what a new plan would do with it: {shelf}"
    );
    form(&app, "/plan/again", "", &[]).await;
    let shelf = app.get("/shelf", &[]).await.text;
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
    // Saving the answers again with the same list (another change) does not stop again.
    let changed = form(
        &app,
        "/",
        "skin_type=oily&goal=long_term&avoid=lavender%2C+retinoidz",
        &[],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
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

/// The session cookie a sign-up or sign-in answer sets.
fn session_cookie(reply: &super::Reply) -> String {
    reply.headers["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_string()
}

fn days_from_today(days: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(days)).to_string()
}

#[tokio::test]
async fn the_plan_is_anchored_when_made_and_says_which_week_it_is() {
    let app = spawn_app(false).await;
    // Made eight days ago: week 2 of 4, and the stored plan keeps that first day.
    let start = days_from_today(-8);
    let made = form(
        &app,
        "/",
        &format!("skin_type=oily&goal=long_term&concerns=acne&start={start}"),
        &[],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("<strong>Week 2 of 4</strong>"), "{plan}");
    let saved = app.get("/api/v1/plans", &[]).await.json();
    assert_eq!(saved.as_array().map(Vec::len), Some(1), "{saved}");
    assert_eq!(saved[0]["start"], start.as_str());
    assert_eq!(saved[0]["weeks"], 4);
    // Visiting again does not move it.
    app.get("/plan", &[]).await;
    let again = app.get("/api/v1/plans", &[]).await.json();
    assert_eq!(again[0]["start"], start.as_str());
    assert_eq!(again[0]["id"], saved[0]["id"]);

    // A plan that ended offers the next weeks, which go on from the same first day.
    let start = days_from_today(-30);
    form(
        &app,
        "/",
        &format!("skin_type=oily&goal=long_term&concerns=acne&start={start}"),
        &[],
    )
    .await;
    let ended = app.get("/plan", &[]).await.text;
    assert!(ended.contains("<strong>Ended on"), "{ended}");
    assert!(ended.contains("action=\"/plan/next\""));
    let next = form(&app, "/plan/next", "", &[]).await;
    assert_eq!(next.status, StatusCode::SEE_OTHER);
    let longer = app.get("/api/v1/plans", &[]).await.json();
    assert_eq!(longer.as_array().map(Vec::len), Some(1), "still one plan");
    assert_eq!(longer[0]["start"], start.as_str());
    assert_eq!(longer[0]["weeks"], 8);
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("<strong>Week 5 of 8</strong>"), "{plan}");
    assert!(plan.contains("Weeks 5 to 8"), "the block that holds today");

    // One that ended weeks ago (four more weeks would not reach today): one click makes
    // a plan from today, its ramps starting again.
    let start = days_from_today(-70);
    form(
        &app,
        "/",
        &format!("skin_type=oily&goal=long_term&concerns=acne&start={start}"),
        &[],
    )
    .await;
    form(&app, "/plan/next", "", &[]).await;
    let fresh = app.get("/api/v1/plans", &[]).await.json();
    assert_eq!(fresh[0]["start"], days_from_today(0).as_str(), "{fresh}");
    assert_eq!(fresh[0]["weeks"], 4);
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("<strong>Week 1 of 4</strong>"), "{plan}");
}

#[tokio::test]
async fn a_changed_shelf_leaves_the_plan_as_it_was_until_planned_again() {
    let app = spawn_app(false).await;
    let start = days_from_today(-8);
    form(
        &app,
        "/",
        &format!("skin_type=dry&goal=long_term&concerns=aging&start={start}"),
        &[],
    )
    .await;
    let before = app.get("/plan", &[]).await.text;
    assert!(!before.contains("Plan again from today"));
    form(
        &app,
        "/shelf",
        "name=Night+Cream&ingredients=Aqua%2C+Glycerin%2C+Retinol&kind=moisturizer",
        &[],
    )
    .await;
    let changed = app.get("/plan", &[]).await.text;
    assert!(
        changed.contains("Your answers or your shelf changed") && changed.contains("/plan/again"),
        "{changed}"
    );
    assert!(
        !changed.contains("Night Cream"),
        "the plan made before the product stays as it was"
    );
    assert!(changed.contains("<strong>Week 2 of 4</strong>"));
    let again = form(&app, "/plan/again", "", &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("<strong>Week 1 of 4</strong>"), "from today");
    assert!(plan.contains("Night Cream"), "{plan}");
    assert!(!plan.contains("Your answers or your shelf changed"));
    let saved = app.get("/api/v1/plans", &[]).await.json();
    assert_eq!(saved.as_array().map(Vec::len), Some(1));
    assert_eq!(saved[0]["start"], days_from_today(0).as_str());
}

#[tokio::test]
async fn a_day_page_saves_its_ticks_and_the_plan_counts_the_streak() {
    let app = spawn_app(false).await;
    let start = days_from_today(-3);
    form(
        &app,
        "/",
        &format!("skin_type=combination&goal=both&concerns=acne&concerns=dullness&start={start}"),
        &[],
    )
    .await;
    let today = days_from_today(0);
    let yesterday = days_from_today(-1);
    let page = app.get(&format!("/day/{today}"), &[]).await;
    assert_page(&page, "Today");
    assert!(
        page.text.contains(&format!("href=\"/day/{yesterday}\"")),
        "the day before"
    );
    assert!(page
        .text
        .contains(&format!("href=\"/day/{}\"", days_from_today(1))));
    assert!(
        page.text.contains("name=\"am\" value=\"cleanse\""),
        "{}",
        page.text
    );
    // Two serums in one evening are ticked apart.
    let saved = form(
        &app,
        &format!("/day/{yesterday}"),
        "am=cleanse&pm=cleanse&pm=serum%3Aniacinamide&back=day",
        &[],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        saved.headers["location"],
        format!("/day/{yesterday}?saved=1").as_str()
    );
    let said = app
        .get(&format!("/day/{yesterday}?saved=1"), &[])
        .await
        .text;
    assert!(said.contains("class=\"saved\""), "a word that it is saved");
    let day = app.get(&format!("/day/{yesterday}"), &[]).await.text;
    assert!(day.contains("value=\"serum:niacinamide\" checked"), "{day}");
    assert!(!day.contains("value=\"serum:benzoyl_peroxide\" checked"));
    assert_eq!(day.matches(" checked").count(), 3);
    let checkins = app.get("/api/v1/checkins", &[]).await.json();
    assert_eq!(checkins[0]["date"], yesterday.as_str());
    assert_eq!(
        checkins[0]["steps_done"],
        serde_json::json!(["cleanse", "serum"])
    );
    // Today ticked from the plan page: two days in a row; the rest of a check-in stays.
    form(
        &app,
        "/checkin",
        &format!("date={today}&rating_acne=4&note=calm"),
        &[],
    )
    .await;
    form(&app, &format!("/day/{today}"), "am=cleanse&back=plan", &[]).await;
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("2 days in a row"), "{plan}");
    let checkins = app.get("/api/v1/checkins", &[]).await.json();
    assert_eq!(checkins[1]["note"], "calm");
    assert_eq!(checkins[1]["ratings"]["acne"], 4);
    // Every calendar day opens its own page; a day outside the plan says so.
    assert!(plan.contains(&format!("href=\"/day/{start}\"")));
    let outside = app.get("/day/2020-01-01", &[]).await;
    assert_page(&outside, "This day is not in your plan");
    assert_eq!(
        app.get("/day/not-a-date", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    // A tick that is no step of a routine is refused by its field.
    let bad = form(&app, &format!("/day/{today}"), "am=brushing", &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
}

#[tokio::test]
async fn the_calendar_subscription_follows_the_plan_and_can_be_stopped() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=dry&goal=long_term&concerns=aging",
        &[],
    )
    .await;
    let subscribed = form(
        &app,
        "/plan/subscribe",
        "am=06%3A45&pm=22%3A15&remind=15",
        &[],
    )
    .await;
    assert_eq!(subscribed.status, StatusCode::OK);
    let url = subscribed
        .text
        .split("value=\"")
        .find(|r| r.contains("plan.ics?token="))
        .and_then(|r| r.split('"').next())
        .expect("feed address")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert!(url.contains("&am=06:45&pm=22:15&remind=15"), "{url}");
    let path = &url[url.find("/api/").expect("path")..];
    let feed = app.get(path, &[]).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.text.contains("T064500") && feed.text.contains("TRIGGER:-PT900S"));
    // A product and a new plan: the same address now gives the new plan.
    form(
        &app,
        "/shelf",
        "name=Gentle+Wash&ingredients=Aqua%2C+Sodium+Cocoyl+Isethionate%2C+Glycerin&kind=cleanser",
        &[],
    )
    .await;
    form(&app, "/plan/again", "", &[]).await;
    let plan = app.get("/plan", &[]).await.text;
    assert!(
        plan.contains("1 calendar subscription follows this plan"),
        "{plan}"
    );
    let feed = app.get(path, &[]).await;
    assert!(feed.text.contains("Gentle Wash"), "{}", feed.text);
    let stopped = form(&app, "/plan/unsubscribe", "", &[]).await;
    assert_eq!(stopped.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(path, &[]).await.status, StatusCode::NOT_FOUND);
    assert!(!app
        .get("/plan", &[])
        .await
        .text
        .contains("calendar subscription follows"));
}

/// The answers a visitor's plan page carries into its sign-up and sign-in forms.
fn carried_answers(page: &str) -> String {
    page.split("name=\"answers\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the answers go with the form")
        .replace("&quot;", "\"")
        .replace("&#x2f;", "/")
}

#[tokio::test]
async fn a_visitor_sees_the_plan_first_and_keeps_it_by_signing_up() {
    let app = spawn_app(true).await;
    let answers = "skin_type=oily&goal=long_term&concerns=acne&avoid=fragrance";
    let shown = form(&app, "/", answers, &[]).await;
    assert_page(&shown, "Your plan: serums");
    assert!(shown.text.contains("Keep this plan"), "{}", shown.text);
    assert!(
        !shown.text.contains("action=\"/day/"),
        "nothing to tick before signing up"
    );
    let carried = carried_answers(&shown.text);
    assert!(carried.contains("\"avoid\":[\"fragrance\"]"), "{carried}");
    let encoded: String = form_urlencoded::byte_serialize(carried.as_bytes()).collect();
    let signed_up = form(
        &app,
        "/signup",
        &format!("username=carol&password=correct+horse+battery&answers={encoded}"),
        &[],
    )
    .await;
    assert_eq!(
        signed_up.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_up.text
    );
    assert_eq!(signed_up.headers["location"], "/plan");
    let cookie = session_cookie(&signed_up);
    let plan = app.get("/plan", &[("cookie", &cookie)]).await;
    assert_page(&plan, "Your plan: serums");
    assert!(
        plan.text.contains("Signed in as <strong>carol</strong>"),
        "{}",
        plan.text
    );
    assert!(plan.text.contains("<strong>Week 1 of 4</strong>"));
    let profiles = app
        .get("/api/v1/profiles", &[("cookie", &cookie)])
        .await
        .json();
    assert_eq!(
        profiles[0]["profile"]["avoid"],
        serde_json::json!(["fragrance"])
    );
    // Someone who already has an account signs in with the answers and keeps them too.
    form(
        &app,
        "/signup",
        "username=dave&password=correct+horse+battery",
        &[],
    )
    .await;
    let signed_in = form(
        &app,
        "/signin",
        &format!("username=dave&password=correct+horse+battery&answers={encoded}"),
        &[],
    )
    .await;
    assert_eq!(signed_in.headers["location"], "/plan");
    let dave = session_cookie(&signed_in);
    assert_page(
        &app.get("/plan", &[("cookie", &dave)]).await,
        "Your plan: serums",
    );
}

#[tokio::test]
async fn a_visitor_who_asks_for_an_experiment_keeps_it_through_signing_up() {
    let app = spawn_app(true).await;
    let shown = form(
        &app,
        "/",
        "skin_type=oily&goal=both&concerns=acne&experiment=on",
        &[],
    )
    .await;
    assert!(shown.text.contains("Keep this plan"), "{}", shown.text);
    assert!(
        shown.text.contains("it becomes an experiment"),
        "the visitor is told: {}",
        shown.text
    );
    let carried = carried_answers(&shown.text);
    let signup_form = shown
        .text
        .split("action=\"/signup\"")
        .nth(1)
        .and_then(|r| r.split("</form>").next())
        .expect("the sign-up form");
    assert!(
        signup_form.contains("name=\"experiment\" value=\"on\""),
        "the wish goes with the form: {signup_form}"
    );
    let encoded: String = form_urlencoded::byte_serialize(carried.as_bytes()).collect();
    let signed_up = form(
        &app,
        "/signup",
        &format!("username=fay&password=correct+horse+battery&answers={encoded}&experiment=on"),
        &[],
    )
    .await;
    assert_eq!(signed_up.headers["location"], "/plan");
    let cookie = session_cookie(&signed_up);
    let plan = app.get("/plan", &[("cookie", &cookie)]).await;
    assert!(
        plan.text.contains("an experiment: <a href=\"/results\">"),
        "{}",
        plan.text
    );
    // The sign-in page reached from the sign-up page carries it too.
    let page = app
        .get(&format!("/signup?answers={encoded}&experiment=on"), &[])
        .await;
    assert!(
        page.text.contains("experiment=on\">Sign in</a>"),
        "{}",
        page.text
    );
}

#[tokio::test]
async fn the_account_page_changes_the_password_signs_out_everywhere_and_deletes() {
    let app = spawn_app(true).await;
    let first = form(
        &app,
        "/signup",
        "username=erin&password=correct+horse+battery",
        &[],
    )
    .await;
    let cookie = session_cookie(&first);
    let second = session_cookie(
        &form(
            &app,
            "/signin",
            "username=erin&password=correct+horse+battery",
            &[],
        )
        .await,
    );
    let page = app.get("/account", &[("cookie", &cookie)]).await;
    assert_page(&page, "Your account");
    assert!(page.text.contains("Signed in as <strong>erin</strong>"));
    assert!(page.text.contains("/account/export.json"));
    // A wrong current password changes nothing and says so by its field.
    let wrong = form(
        &app,
        "/account/password",
        "current=nope+nope+nope&new=another+long+phrase",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.text.contains("id=\"current-error\""),
        "{}",
        wrong.text
    );
    let changed = form(
        &app,
        "/account/password",
        "current=correct+horse+battery&new=another+long+phrase",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    let renewed = session_cookie(&changed);
    assert_eq!(
        app.get("/plan", &[("cookie", &second)]).await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_ne!(
        app.get("/account", &[("cookie", &renewed)]).await.status,
        StatusCode::SEE_OTHER
    );
    let old = form(
        &app,
        "/signin",
        "username=erin&password=correct+horse+battery",
        &[],
    )
    .await;
    assert_eq!(
        old.status,
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    // The data file.
    form(
        &app,
        "/",
        "skin_type=dry&goal=long_term",
        &[("cookie", &renewed)],
    )
    .await;
    let export = app
        .get("/account/export.json", &[("cookie", &renewed)])
        .await;
    assert!(export.headers["content-disposition"]
        .to_str()
        .expect("header")
        .contains("attachment"));
    assert_eq!(export.json()["profiles"].as_array().map(Vec::len), Some(1));
    // Deleting needs the password; then the account and its data are gone.
    let refused = form(
        &app,
        "/account/delete",
        "password=wrong",
        &[("cookie", &renewed)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("nothing was deleted"));
    let deleted = form(
        &app,
        "/account/delete",
        "password=another+long+phrase",
        &[("cookie", &renewed)],
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(deleted.headers["location"], "/signup?deleted=1");
    let gone = form(
        &app,
        "/signin",
        "username=erin&password=another+long+phrase",
        &[],
    )
    .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    assert!(app
        .get("/signup?deleted=1", &[])
        .await
        .text
        .contains("were deleted"));
    // Signing out everywhere ends every session.
    let frank = session_cookie(
        &form(
            &app,
            "/signup",
            "username=frank&password=correct+horse+battery",
            &[],
        )
        .await,
    );
    let frank_too = session_cookie(
        &form(
            &app,
            "/signin",
            "username=frank&password=correct+horse+battery",
            &[],
        )
        .await,
    );
    let out = form(
        &app,
        "/account/signout-everywhere",
        "",
        &[("cookie", &frank)],
    )
    .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    for session in [&frank, &frank_too] {
        assert_eq!(
            app.get("/account", &[("cookie", session)]).await.status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn locally_the_data_page_downloads_and_deletes_everything() {
    let app = spawn_app(false).await;
    form(&app, "/", "skin_type=dry&goal=long_term", &[]).await;
    let page = app.get("/account", &[]).await;
    assert_page(&page, "Your data");
    assert!(!page.text.contains("Change my password"));
    let refused = form(&app, "/account/delete", "confirm=no", &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // What is kept, photos too, and that they go with a delete.
    assert!(page.text.contains("Photos: 0"), "{}", page.text);
    assert!(page
        .text
        .contains("check-ins, photos and calendar subscriptions go"));
    let export = app.get("/account/export.json", &[]).await.text;
    let deleted = form(&app, "/account/delete", "confirm=delete", &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        deleted.headers["location"].to_str().expect("location"),
        "/?deleted"
    );
    assert!(app
        .get("/?deleted", &[])
        .await
        .text
        .contains("All your data is deleted"));
    assert_eq!(
        app.get("/api/v1/profiles", &[]).await.json(),
        serde_json::json!([])
    );
    assert_eq!(app.get("/plan", &[]).await.status, StatusCode::SEE_OTHER);
    // The file taken back on the same page: everything is there again, the plan too.
    let csrf = page_csrf(&app.get("/account", &[]).await.text).expect("token");
    let (content_type, body) = multipart_named(
        &[("csrf", &csrf)],
        "data",
        Some(("application/json", export.as_bytes())),
    );
    let back = post_multipart(&app, "/account/import", &content_type, body).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.text);
    let location = back.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(location.starts_with("/account?imported="), "{location}");
    assert!(app
        .get(&location, &[])
        .await
        .text
        .contains("Your file is back"));
    assert_eq!(app.get("/plan", &[]).await.status, StatusCode::OK);
    // A file that is no export is said by the field, and nothing is added.
    let (content_type, body) = multipart_named(
        &[("csrf", &csrf)],
        "data",
        Some(("application/json", b"{\"version\": 7}")),
    );
    let bad = post_multipart(&app, "/account/import", &content_type, body).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("id=\"data-error\""), "{}", bad.text);
    // A file beyond the limit is said with the limit (a long history is within it).
    let huge = vec![b' '; 5 << 20];
    let (content_type, body) = multipart_named(
        &[("csrf", &csrf)],
        "data",
        Some(("application/json", &huge)),
    );
    let large = post_multipart(&app, "/account/import", &content_type, body).await;
    assert!(large.status.is_client_error(), "{}", large.status);
    assert!(large.text.contains("at most 4 MB"), "{}", large.text);
}

#[tokio::test]
async fn history_charts_are_spaced_by_date_mark_reactions_and_say_what_they_show() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=oily&goal=long_term&concerns=acne",
        &[],
    )
    .await;
    for (date, rating, reactions) in [
        ("2026-11-01", 2, ""),
        ("2026-11-02", 3, "stinging"),
        ("2026-11-10", 4, ""),
    ] {
        let saved = form(
            &app,
            "/checkin",
            &format!("date={date}&rating_acne={rating}&reactions={reactions}"),
            &[],
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    }
    let history = app.get("/history", &[]).await.text;
    assert!(
        history.contains("Acne and breakouts: 3 ratings from 1 Nov to 10 Nov, between 2 and 4; the first 2, the latest 4. One day with a reaction."),
        "{history}"
    );
    // Spaced by date: 1 and 2 November sit close, 10 November far off; the line breaks
    // across the gap, so one stretch of line (two points) is drawn.
    assert_eq!(history.matches("<polyline").count(), 1, "{history}");
    assert!(history.contains("2 Nov: a reaction"));
    assert!(history.contains("class=\"reaction\">Reactions: stinging"));
    assert!(
        history.contains("Ratings: Acne and breakouts 4"),
        "labels, not codes"
    );
    // A check-in is edited from its history (its page is filled in) and deleted.
    let edit = app.get("/checkin?date=2026-11-02", &[]).await.text;
    assert!(
        edit.contains("Your check-in") && edit.contains("value=\"stinging\""),
        "{edit}"
    );
    assert!(edit.contains("name=\"rating_acne\" value=\"3\" checked"));
    let id = app.get("/api/v1/checkins", &[]).await.json()[0]["id"].clone();
    let deleted = form(&app, &format!("/checkin/{id}/delete"), "", &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/api/v1/checkins", &[])
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        form(&app, &format!("/checkin/{id}/delete"), "", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn warnings_put_safety_first_by_label_and_link_their_sources() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=oily&goal=long_term&concerns=acne&minutes_pm=2",
        &[],
    )
    .await;
    let plan = app.get("/plan", &[]).await.text;
    let safety = plan.find("For your safety").expect("a safety section");
    let dermatologist = plan
        .find("When to see a dermatologist:")
        .expect("by its label");
    let more = plan
        .find("<details class=\"more\">")
        .expect("changes folded away");
    assert!(
        safety < dermatologist && dermatologist < more,
        "safety first"
    );
    assert!(
        plan[more..].contains("To fit your time:"),
        "the time budget is a change"
    );
    // Codes stay out of what people read.
    for code in ["see_dermatologist:", ">time_budget", ">patch_test"] {
        assert!(!plan.contains(code), "{code}");
    }
    // A source with an address is linked itself.
    assert!(
        plan.contains("href=\"https:&#x2f;&#x2f;www.aad.org"),
        "the AAD's own page: {plan}"
    );
}

#[tokio::test]
async fn a_reaction_gets_its_advice_and_a_day_ahead_cannot_be_checked_in() {
    let app = spawn_app(false).await;
    form(
        &app,
        "/",
        "skin_type=dry&goal=long_term&concerns=aging",
        &[],
    )
    .await;
    let today = days_from_today(0);
    let saved = form(
        &app,
        "/checkin",
        &format!("date={today}&rating_aging=3&reactions=burning%2C+swelling+of+lips"),
        &[],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let to = saved.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(to.starts_with("/history?reaction"), "{to}");
    let history = app.get(&to, &[]).await.text;
    let urgent = history.find("call an ambulance").expect("the urgent signs");
    let first_steps = history.find("wash it off gently").expect("the first steps");
    assert!(urgent < first_steps, "the urgent signs first");
    assert!(history.contains("See a doctor if burning"), "{history}");
    // Without a reaction, a word that it is saved.
    form(
        &app,
        "/checkin",
        &format!("date={}&rating_aging=4", days_from_today(-1)),
        &[],
    )
    .await;
    assert!(app
        .get("/history?saved=1", &[])
        .await
        .text
        .contains("Your check-in is saved"));
    // A day still ahead: no check-in, and its checklist is to read, not to tick.
    let ahead = days_from_today(5);
    let refused = form(
        &app,
        "/checkin",
        &format!("date={ahead}&rating_aging=4"),
        &[],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("is still ahead"), "{}", refused.text);
    let api = app
        .post("/api/v1/checkins", &serde_json::json!({"date": ahead}), &[])
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    let day = app
        .get(&format!("/day/{}", days_from_today(2)), &[])
        .await
        .text;
    assert!(
        !day.contains("type=\"checkbox\""),
        "a day ahead is read, not ticked"
    );
    assert!(day.contains("Tick them off on the day itself"));
    let bad = app.get("/day/2026-13-01", &[]).await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.text.contains("That is not a date"));
}

#[tokio::test]
async fn usernames_are_kept_in_lower_case() {
    let app = spawn_app(true).await;
    let up = form(
        &app,
        "/signup",
        "username=Anna&password=correct+horse+battery",
        &[],
    )
    .await;
    assert_eq!(up.status, StatusCode::SEE_OTHER, "{}", up.text);
    let cookie = session_cookie(&up);
    assert!(app
        .get("/account", &[("cookie", &cookie)])
        .await
        .text
        .contains("Signed in as <strong>anna</strong>"));
    let again = form(
        &app,
        "/signin",
        "username=ANNA&password=correct+horse+battery",
        &[],
    )
    .await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "signing in as ANNA is anna"
    );
    let taken = form(
        &app,
        "/signup",
        "username=anna&password=correct+horse+battery",
        &[],
    )
    .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn explanations_are_titled_in_words() {
    let app = spawn_app(false).await;
    for (rule, title) in [
        ("approach_event", "You are preparing for a special event"),
        ("serum_limit", "A few well-chosen serums beat many"),
    ] {
        let page = app.get(&format!("/explain/{rule}"), &[]).await;
        assert_page(&page, &format!("<h1>{title}</h1>"));
    }
    let overnight = app.get("/explain/overnight", &[]).await.text;
    assert!(
        !overnight.contains("leave it on about 1 minutes"),
        "{overnight}"
    );
    assert!(overnight.contains("stays on overnight"));
}

/// "Test it on my skin": the questionnaire makes the plan an experiment, the plan says
/// so, the results page reads the check-ins (a rating from the check-in page counts),
/// extending the plan keeps its draw, and a plan that is no experiment offers one.
#[tokio::test]
async fn an_experiment_from_the_questionnaire_to_its_results() {
    let app = spawn_app(false).await;
    let start = days_from_today(-20);
    let made = form(
        &app,
        "/",
        &format!("skin_type=combination&goal=both&concerns=acne&concerns=dullness&minutes_pm=20&start={start}&experiment=on"),
        &[],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let saved = app.get("/api/v1/plans", &[]).await.json();
    let seed = saved[0]["experiment"].as_u64().expect("a seed is stored");
    assert_eq!(saved[0]["weeks"], 8, "an experiment is 8 weeks");
    let drawn = saved[0]["plan"]["experiment"]["mask_evenings"].clone();
    assert!(app
        .get("/", &[])
        .await
        .text
        .contains("name=\"experiment\" value=\"on\" checked"));
    let plan = app.get("/plan", &[]).await.text;
    assert!(
        plan.contains("an experiment: <a href=\"/results\">"),
        "{plan}"
    );
    assert!(plan.contains("Your experiment"), "the plan explains it");
    let results = app.get("/results", &[]).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.text.contains("<h1>Which works for you</h1>"));
    assert!(results.text.contains("No ratings yet"), "{}", results.text);
    assert!(!results.text.contains("Start an experiment"));
    // A morning rated on the check-in page shows in the results.
    let today = days_from_today(0);
    let checkin = form(
        &app,
        "/checkin",
        &format!("date={today}&rating_acne=4&rating_dullness=3"),
        &[],
    )
    .await;
    assert_eq!(checkin.status, StatusCode::SEE_OTHER, "{}", checkin.text);
    let results = app.get("/results", &[]).await.text;
    assert!(
        results.contains("Acne and breakouts") && results.contains("not enough data"),
        "{results}"
    );
    assert!(results.contains("href=\"/explain/experiment_randomization\""));
    // Two rated mornings draw the ratings over the plan, one line per concern.
    let yesterday = days_from_today(-1);
    form(
        &app,
        "/checkin",
        &format!("date={yesterday}&rating_acne=3&rating_dullness=2"),
        &[],
    )
    .await;
    let results = app.get("/results", &[]).await.text;
    assert!(results.contains("<svg class=\"chart\""), "{results}");
    assert_eq!(
        results.matches("<polyline class=\"series").count(),
        2,
        "{results}"
    );
    assert!(results.contains("the answer is due on"), "{results}");
    // The next weeks keep the seed, and the weeks already planned keep their evenings.
    form(&app, "/plan/next", "", &[]).await;
    let longer = app.get("/api/v1/plans", &[]).await.json();
    assert_eq!(longer[0]["weeks"], 12);
    assert_eq!(longer[0]["experiment"].as_u64(), Some(seed));
    let first: Vec<String> = serde_json::from_value(drawn).expect("dates");
    let again: Vec<String> =
        serde_json::from_value(longer[0]["plan"]["experiment"]["mask_evenings"].clone())
            .expect("dates");
    assert_eq!(&again[..first.len()], &first[..]);

    // Without the box: no experiment, and the results page offers to start one.
    form(&app, "/", "skin_type=oily&goal=both&concerns=acne", &[]).await;
    let plain = app.get("/api/v1/plans", &[]).await.json();
    assert!(plain[0].get("experiment").is_none(), "{plain}");
    let results = app.get("/results", &[]).await.text;
    assert!(results.contains("action=\"/results/start\""), "{results}");
    let started = form(&app, "/results/start", "", &[]).await;
    assert_eq!(started.headers["location"], "/plan?experiment");
    assert!(app
        .get("/plan?experiment", &[])
        .await
        .text
        .contains("Your experiment starts today"));
    let now = app.get("/api/v1/plans", &[]).await.json();
    assert!(now[0]["experiment"].is_u64());
    assert_eq!(now[0]["start"], today.as_str());
}

/// A multipart body as a browser sends a file input's form (the file's field "photo").
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    multipart_named(fields, "photo", file)
}

/// [`multipart`] with the file in the field `file_field`.
fn multipart_named(
    fields: &[(&str, &str)],
    file_field: &str,
    file: Option<(&str, &[u8])>,
) -> (String, Vec<u8>) {
    let boundary = "----regimen-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((kind, bytes)) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"face.jpg\"\r\nContent-Type: {kind}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_multipart(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> super::Reply {
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", content_type)
        .header("origin", "http://127.0.0.1:8080")
        .header("host", "127.0.0.1:8080")
        .body(axum::body::Body::from(body))
        .expect("request");
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

/// A photo from a plain file input on the day's check-in (no script), shown there and
/// on the results page beside another day's; what is no photo is said in words.
#[tokio::test]
async fn photos_are_added_to_a_check_in_and_compared_side_by_side() {
    use regimen_photos::testing::{encoded, jpeg_with_exif, picture, ImageFormat};
    let app = spawn_app(false).await;
    form(&app, "/", "skin_type=oily&goal=both&concerns=acne", &[]).await;
    let csrf = page_csrf(&app.get("/checkin", &[]).await.text).expect("token");
    let (yesterday, today) = (days_from_today(-1), days_from_today(0));
    let checkin = app.get(&format!("/checkin?date={today}"), &[]).await.text;
    assert!(
        checkin.contains("enctype=\"multipart/form-data\"") && checkin.contains("type=\"file\"")
    );
    let uploads = [
        (
            yesterday.as_str(),
            encoded(&picture(60, 40), ImageFormat::Png),
            "image/png",
        ),
        (today.as_str(), jpeg_with_exif(64, 32), "image/jpeg"),
    ];
    for (date, bytes, kind) in &uploads {
        let (content_type, body) =
            multipart(&[("csrf", &csrf), ("date", date)], Some((kind, bytes)));
        let reply = post_multipart(&app, "/checkin/photo", &content_type, body).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
        assert_eq!(
            reply.headers["location"],
            format!("/checkin?date={date}&photo=added#photos").as_str()
        );
    }
    let page = app
        .get(&format!("/checkin?date={today}&photo=added"), &[])
        .await
        .text;
    assert!(page.contains("Your photo is added"), "{page}");
    assert!(page.contains("<img src=\"/api/v1/photos/") && page.contains("size=thumbnail"));
    let results = app.get("/results", &[]).await.text;
    assert!(results.contains("Your skin, side by side"));
    assert_eq!(
        results
            .matches("<figure class=\"card\"><img src=\"/api/v1/photos/")
            .count(),
        2,
        "{results}"
    );
    let photos = app.get("/api/v1/photos", &[]).await.json();
    let (first, second) = (
        photos[0]["id"].as_i64().expect("id"),
        photos[1]["id"].as_i64().expect("id"),
    );
    let chosen = app
        .get(&format!("/results?before={second}&after={first}"), &[])
        .await
        .text;
    let at = |id: i64| {
        chosen
            .find(&format!("<img src=\"/api/v1/photos/{id}\""))
            .expect("shown")
    };
    assert!(at(second) < at(first), "the order asked for");

    // Not a photo, no file, a foreign form: said in words, or refused.
    let (content_type, body) = multipart(
        &[("csrf", &csrf), ("date", &today)],
        Some(("text/plain", b"hello")),
    );
    let reply = post_multipart(&app, "/checkin/photo", &content_type, body).await;
    assert_eq!(
        reply.headers["location"],
        format!("/checkin?date={today}&photo=type#photos").as_str()
    );
    assert!(app
        .get(&format!("/checkin?date={today}&photo=type"), &[])
        .await
        .text
        .contains("not a photo regimen takes"));
    let (content_type, body) = multipart(
        &[("csrf", &csrf), ("date", &today)],
        Some(("image/jpeg", b"not a jpeg")),
    );
    let reply = post_multipart(&app, "/checkin/photo", &content_type, body).await;
    assert_eq!(
        reply.headers["location"],
        format!("/checkin?date={today}&photo=image#photos").as_str()
    );
    let (content_type, body) = multipart(&[("csrf", &csrf), ("date", &today)], None);
    let reply = post_multipart(&app, "/checkin/photo", &content_type, body).await;
    assert_eq!(
        reply.headers["location"],
        format!("/checkin?date={today}&photo=missing#photos").as_str()
    );

    // Deleting one from its check-in page.
    let deleted = form(&app, &format!("/photos/{second}/delete"), "", &[]).await;
    assert_eq!(
        deleted.headers["location"],
        format!("/checkin?date={today}&photo=removed#photos").as_str()
    );
    assert_eq!(
        app.get("/api/v1/photos", &[])
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn a_catalog_product_goes_on_the_shelf_in_one_click() {
    let app = spawn_app(false).await;
    // No catalog yet: the page says how to import one.
    let page = app.get("/shelf", &[]).await;
    assert_page(&page, "Your shelf");
    assert!(
        page.text.contains("regimen catalog import"),
        "{}",
        page.text
    );
    super::catalog::seed(&app.store).await;

    let page = app.get("/shelf?q=nivea+creme+hydra", &[]).await;
    assert_page(&page, "Find it in the catalog");
    assert!(
        page.text.contains("Crème hydratante légère"),
        "{}",
        page.text
    );
    assert!(page.text.contains("value=\"3600523614455\""));
    assert!(
        page.text.contains("Open Database License"),
        "attribution with the data"
    );
    assert!(!page.text.contains("Crème mains"));
    // A slip is said back; a search for nothing says so.
    let page = app.get("/shelf?q=serum+retinl", &[]).await;
    assert!(page.text.contains("as “retinol”"), "{}", page.text);
    let page = app.get("/shelf?q=%3Cscript%3Ezz", &[]).await;
    assert!(
        page.text
            .contains("No product in the catalog matches “&lt;script&gt;zz”"),
        "{}",
        page.text
    );

    // One click: the product with its list is on the shelf, under its brand and name.
    let added = form(&app, "/shelf/catalog", "code=3600523614455", &[]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    assert_eq!(added.headers["location"], "/shelf?added=1");
    let shelf = app.get("/api/v1/shelf", &[]).await.json();
    assert_eq!(shelf[0]["name"], "Nivéa Crème hydratante légère");
    assert_eq!(
        shelf[0]["ingredients"],
        "Aqua, Glycerin, Niacinamide, Parfum"
    );
    // Without a list: to the form, its name filled in, to type the list from the pack.
    let listless = form(&app, "/shelf/catalog", "code=96385074", &[]).await;
    assert_eq!(listless.status, StatusCode::SEE_OTHER);
    let to = listless.headers["location"].to_str().expect("location");
    assert!(to.starts_with("/shelf?needs_list=1&name=Niv"), "{to}");
    let page = app.get(to, &[]).await;
    assert!(page.text.contains("type it from the pack"), "{}", page.text);
    assert!(
        page.text.contains("value=\"Nivéa Crème mains\""),
        "{}",
        page.text
    );
    assert_eq!(
        app.get("/api/v1/shelf", &[])
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // Not in the catalog, or not a code: 404; without the page's token: refused.
    assert_eq!(
        form(&app, "/shelf/catalog", "code=9999999999994", &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        form(&app, "/shelf/catalog", "code=soap", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let forged = form_with(&app, "/shelf/catalog", "code=3600523614455", &[], false).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
}

/// A photo of a pack's barcode on the shelf page (a plain file input): read, then found
/// in the catalog, one click from the shelf; what is no barcode is said in words.
#[tokio::test]
async fn a_barcode_photo_on_the_shelf_page_finds_the_product() {
    // A real phone photo of a barcode (data/barcodes, ZXing's, in the repository).
    let photo: std::path::PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/barcodes/ean13-3/01.png",
    ]
    .concat()
    .into();
    let app = spawn_app(false).await;
    let mut import = app.store.catalog_import().await.expect("import");
    import
        .put(&regimen_store::CatalogEntry {
            code: "9780764544200".into(),
            name: "Hydrating Face Mask".into(),
            brands: "Example".into(),
            categories: String::new(),
            ingredients: "Aqua, Glycerin, Kaolin".into(),
            lang: "en".into(),
            kind: "mask".into(),
            analysis: "{}".into(),
            analysis_version: "old".into(),
            modified: 0,
        })
        .await
        .expect("put");
    import
        .finish("test", regimen_core::catalog::words)
        .await
        .expect("finish");
    let page = app.get("/shelf", &[]).await;
    assert!(
        page.text.contains("action=\"/shelf/scan\"")
            && page.text.contains("enctype=\"multipart/form-data\"")
    );
    let csrf = page_csrf(&page.text).expect("token");

    let bytes = std::fs::read(&photo).expect("photo");
    let (content_type, body) = multipart(&[("csrf", &csrf)], Some(("image/png", &bytes)));
    let reply = post_multipart(&app, "/shelf/scan", &content_type, body).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    // Queued: the page says it is reading, and looks again until it is read.
    let reading = reply.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    assert!(reading.starts_with("/shelf?reading="), "{reading}");
    let waiting = app.get(&reading, &[]).await;
    assert!(
        waiting.text.contains("Reading the barcode in your photo"),
        "{}",
        waiting.text
    );
    let read = app.read_on_the_queue(&reading).await;
    assert_eq!(read.status, StatusCode::SEE_OTHER, "{}", read.text);
    let to = read.headers["location"].to_str().expect("location");
    assert_eq!(to, "/shelf?scan=read&q=9780764544200#catalog");
    let page = app.get(to.trim_end_matches("#catalog"), &[]).await;
    assert!(
        page.text.contains("Barcode read from your photo"),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("Hydrating Face Mask") && page.text.contains("value=\"9780764544200\"")
    );

    // No barcode in it; not a photo; no file; without the page's token.
    let plain = regimen_photos::testing::encoded(
        &regimen_photos::testing::picture(300, 200),
        regimen_photos::testing::ImageFormat::Png,
    );
    let (content_type, body) = multipart(&[("csrf", &csrf)], Some(("image/png", &plain)));
    let reply = post_multipart(&app, "/shelf/scan", &content_type, body).await;
    let reading = reply.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    let read = app.read_on_the_queue(&reading).await;
    assert_eq!(read.headers["location"], "/shelf?scan=none#catalog");
    for (file, said) in [
        (
            Some(b"not an image".as_slice()),
            "/shelf?scan=image#catalog",
        ),
        (None, "/shelf?scan=missing#catalog"),
    ] {
        let (content_type, body) = multipart(&[("csrf", &csrf)], file.map(|f| ("image/png", f)));
        let reply = post_multipart(&app, "/shelf/scan", &content_type, body).await;
        assert_eq!(reply.headers["location"], said);
    }
    assert!(app
        .get("/shelf?scan=none", &[])
        .await
        .text
        .contains("No barcode could be read in that photo"));
    let (content_type, body) = multipart(&[], Some(("image/png", &bytes)));
    let reply = post_multipart(&app, "/shelf/scan", &content_type, body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

/// A photo of a label's list on the shelf page: read, corrected, and shown in the form
/// to be checked and saved (needs ImageMagick to make the photo, and Tesseract).
#[cfg(feature = "ocr")]
#[tokio::test]
async fn a_label_photo_fills_the_form_to_check_and_save() {
    let dir = super::fresh_dir("regimen-label");
    std::fs::create_dir_all(&dir).expect("dir");
    let photo = dir.join("label.jpg");
    let made = std::process::Command::new("convert")
        .args([
            "-size",
            "900x",
            "-background",
            "white",
            "-fill",
            "black",
            "-font",
            "DejaVu-Sans",
            "-pointsize",
            "28",
            "caption:Ingredients: Aqua, Glycerin, Niacinamide, Sodium Hyaluronate, Phenoxyethanol",
            "-rotate",
            "2",
            "-quality",
            "80",
        ])
        .arg(&photo)
        .output();
    let tesseract = std::process::Command::new("tesseract")
        .arg("--version")
        .output();
    if !made.is_ok_and(|o| o.status.success()) || !tesseract.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_OCR").is_none(),
            "ImageMagick and Tesseract are needed here"
        );
        regimen_store::testing::note_skip(
            "label photo page: needs ImageMagick and Tesseract (apt-get install imagemagick tesseract-ocr tesseract-ocr-eng fonts-dejavu-core); CI requires them",
        );
        return;
    }
    let app = spawn_app(false).await;
    let page = app.get("/shelf", &[]).await;
    assert!(page.text.contains("action=\"/shelf/label\""));
    let csrf = page_csrf(&page.text).expect("token");
    let bytes = std::fs::read(&photo).expect("photo");
    let (content_type, body) = multipart(&[("csrf", &csrf)], Some(("image/jpeg", &bytes)));
    let reply = post_multipart(&app, "/shelf/label", &content_type, body).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
    let reading = reply.headers["location"]
        .to_str()
        .expect("location")
        .to_string();
    let reply = app.read_on_the_queue(&reading).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(
        reply.text.contains("check it against the pack"),
        "{}",
        reply.text
    );
    let textarea = reply
        .text
        .split("<textarea id=\"ingredients\"")
        .nth(1)
        .and_then(|t| t.split("</textarea>").next())
        .expect("the list in the form");
    for name in ["Glycerin", "Niacinamide", "Phenoxyethanol"] {
        assert!(textarea.contains(name), "{name} in {textarea}");
    }
    // Not a photo, no photo: said by the form.
    let (content_type, body) = multipart(&[("csrf", &csrf)], Some(("image/jpeg", b"nope")));
    let reply = post_multipart(&app, "/shelf/label", &content_type, body).await;
    assert_eq!(reply.headers["location"], "/shelf?label=image#add");
    let (content_type, body) = multipart(&[("csrf", &csrf)], None);
    let reply = post_multipart(&app, "/shelf/label", &content_type, body).await;
    assert_eq!(reply.headers["location"], "/shelf?label=missing#add");
    assert!(app
        .get("/shelf?label=image", &[])
        .await
        .text
        .contains("could not be read as a photo"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_reaction_after_retinol_nights_pauses_retinol_when_the_plan_is_made_again() {
    let app = spawn_app(false).await;
    let start = days_from_today(-6);
    form(
        &app,
        "/",
        &format!("skin_type=normal&goal=long_term&concerns=aging&start={start}"),
        &[],
    )
    .await;
    // Retinol ticked two evenings ago, burning reported this morning.
    let before = days_from_today(-2);
    let saved = form(
        &app,
        &format!("/day/{before}"),
        "pm=cleanse&pm=serum%3Aretinol&pm=moisturize&back=day",
        &[],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let yesterday = days_from_today(-1);
    form(
        &app,
        "/checkin",
        &format!("date={yesterday}&rating_aging=3&reactions=burning"),
        &[],
    )
    .await;
    let history = app.get("/history?reaction=1", &[]).await.text;
    assert!(history.contains("action=\"/plan/again\""), "{history}");
    form(&app, "/plan/again", "", &[]).await;
    let plan = app.get("/plan", &[]).await.text;
    assert!(plan.contains("after retinoids: it pauses until"), "{plan}");
    assert!(plan.contains("This plan read your"), "{plan}");
}

#[tokio::test]
async fn the_faq_page_answers_a_typed_question_with_its_sources() {
    let app = spawn_app(false).await;
    let page = app
        .get(
            "/faq?q=can+i+use+my+BHA+exfoliant+and+vitamin+C+together",
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("Not in the same routine"),
        "{}",
        page.text
    );
    assert!(page.text.contains("class=\"source\""));
    let unsure = app.get("/faq?q=what+about+the+thing", &[]).await;
    assert!(
        unsure
            .text
            .contains("regimen answers questions about skin care"),
        "{}",
        unsure.text
    );
    let near = app.get("/faq?q=is+it+ok+together", &[]).await;
    assert_eq!(near.status, StatusCode::OK);
    assert!(
        near.text.contains("Did you mean") && near.text.contains("href=\"/faq?q="),
        "{}",
        near.text
    );
    let urgent = app
        .get("/faq?q=my+lips+are+swelling+after+a+new+cream", &[])
        .await;
    assert!(urgent.text.contains("call an ambulance"), "{}", urgent.text);
}

#[tokio::test]
async fn a_long_history_is_listed_a_page_at_a_time_newest_first() {
    let app = spawn_app(false).await;
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    for day in 0..130 {
        let date = start + chrono::Duration::days(day);
        let body = serde_json::json!({"date": date.to_string(), "ratings": {"acne": 3}});
        let saved = app.post("/api/v1/checkins", &body, &[]).await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    }
    let first = app.get("/history", &[]).await.text;
    assert_eq!(first.matches("<li class=\"card\">").count(), 60);
    assert!(first.contains("130 check-ins, newest first: page 1 of 3."));
    assert!(first.contains("<h3>Sunday 10 May</h3>"), "the newest first");
    assert!(
        !first.contains("<h3>Thursday 1 January</h3>"),
        "the oldest is on the last page"
    );
    assert!(first.contains("href=\"/history?page=2\" rel=\"next\">Older check-ins"));
    assert!(!first.contains("Newer check-ins"));
    // The chart still shows them all.
    assert!(first.contains("130 ratings"), "{first}");
    let last = app.get("/history?page=3", &[]).await.text;
    assert_eq!(last.matches("<li class=\"card\">").count(), 10);
    assert!(last.contains("<h3>Thursday 1 January</h3>"));
    assert!(!last.contains("<h3>Sunday 10 May</h3>"));
    assert!(last.contains("href=\"/history?page=2\" rel=\"prev\">Newer check-ins"));
    assert!(!last.contains("Older check-ins"));
    // A page past the end, or no number, shows the nearest page.
    let beyond = app.get("/history?page=99", &[]).await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(beyond.text.contains("page 3 of 3"));
    assert!(app
        .get("/history?page=x", &[])
        .await
        .text
        .contains("page 1 of 3"));
}

/// Export, then import into an empty store: the plan that was current is current again
/// (an experiment stays one; the pages make no new plan), and a profile whose special
/// occasion has passed since is imported as it was stored.
#[tokio::test]
async fn an_export_brings_back_the_current_plan_and_its_experiment() {
    let app = spawn_app(false).await;
    let start = days_from_today(-10);
    form(
        &app,
        "/",
        &format!("skin_type=combination&goal=both&concerns=acne&minutes_pm=20&start={start}&experiment=on"),
        &[],
    )
    .await;
    let mut export = app.get("/api/v1/export", &[]).await.json();
    assert_eq!(export["plans"][0]["current"], true, "{export}");
    // An occasion that has passed since the export was made.
    export["profiles"][0]["body"]["events"] = serde_json::json!(["2025-01-01"]);
    let other = spawn_app(false).await;
    let imported = other.post("/api/v1/import", &export, &[]).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text);
    let plans = other.get("/api/v1/plans", &[]).await.json();
    assert_eq!(plans.as_array().map(Vec::len), Some(1), "{plans}");
    let plan = other.get("/plan", &[]).await.text;
    assert!(
        plan.contains("an experiment: <a href=\"/results\">"),
        "{plan}"
    );
    let results = other.get("/results", &[]).await.text;
    assert!(!results.contains("This plan is no experiment"), "{results}");
    assert_eq!(
        other
            .get("/api/v1/plans", &[])
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1),
        "the pages made no new plan"
    );
}
