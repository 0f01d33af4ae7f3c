//! End to end in a real headless browser: Debian's chromium driven through
//! chromium-driver (WebDriver) with fantoccini, against `regimen serve`. Each test
//! saves a screenshot of every page it visits under target/screenshots/.
//!
//! Without chromedriver the tests are skipped with a note, unless REGIMEN_REQUIRE_BROWSER
//! is set (as in CI), where that is a failure.

use super::server::{free_port, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Driver {
    process: Child,
    port: u16,
}

impl Drop for Driver {
    /// Stops chromedriver and every browser it started (its own process group), also
    /// when the test failed before closing its session.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.process.id())])
            .status();
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn chromedriver() -> Option<Driver> {
    let binary = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    let Some(binary) = binary else {
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_BROWSER").is_none(),
            "chromium-driver is required here (apt-get install chromium chromium-driver)"
        );
        regimen_store::testing::note_skip(
            "chromium-driver is not installed (apt-get install chromium chromium-driver); CI requires it",
        );
        return None;
    };
    let port = free_port();
    let process = Command::new(binary)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(Driver { process, port })
}

/// A phone-sized and a desktop window.
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 1000);

async fn browser(driver: &Driver, profile_dir: &std::path::Path, size: (u32, u32)) -> Client {
    let mut capabilities = serde_json::Map::new();
    let args = [
        "--headless=new".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        format!("--window-size={},{}", size.0, size.1),
        format!("--user-data-dir={}", profile_dir.display()),
    ];
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": "/usr/bin/chromium", "args": args}),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

struct Shots {
    dir: PathBuf,
    test: &'static str,
    count: usize,
}

impl Shots {
    fn new(test: &'static str) -> Shots {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        // This test's screenshots of an earlier run go first.
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(&format!("{test}-"))
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Shots {
            dir,
            test,
            count: 0,
        }
    }

    async fn take(&mut self, client: &Client, page: &str) {
        self.count += 1;
        let png = client.screenshot().await.expect("screenshot");
        let path = self
            .dir
            .join(format!("{}-{:02}-{page}.png", self.test, self.count));
        std::fs::write(&path, png).expect("write screenshot");
    }
}

/// Waits until the browser is on a path ending with `suffix` (a form post and its
/// redirect may still be under way when a click returns).
async fn arrive(client: &Client, suffix: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = client.current_url().await.expect("url");
        if url.path().ends_with(suffix) && client.find(Locator::Css("footer")).await.is_ok() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "expected to arrive at {suffix}, still at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks what sends a form (or follows a link) and waits for the next page at `suffix`:
/// first for the page it was on to go (the next one may have the same address).
async fn submit(client: &Client, css: &str, suffix: &str) {
    let before = client.find(Locator::Css("html")).await.expect("a page");
    click(client, css).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while before.tag_name().await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{css}: still on the page after 15 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    arrive(client, suffix).await;
}

/// The shelf page while a photo is read looks again every two seconds by itself (no
/// script): waits until it has been read, and answers the page's text.
async fn read_on_the_queue(client: &Client) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // The page may be loading itself again as it is asked: an element gone stale
        // is asked again.
        if let Ok(main) = client.find(Locator::Css("main")).await {
            if let Ok(page) = main.text().await {
                if !page.contains("this page looks again") {
                    return page;
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "the photo was not read within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn h1(client: &Client) -> String {
    client
        .find(Locator::Css("h1"))
        .await
        .expect("an h1")
        .text()
        .await
        .expect("text")
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

async fn fill(client: &Client, css: &str, text: &str) {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    element.clear().await.expect("clear");
    element.send_keys(text).await.expect("type");
}

/// Chooses a file in a file input (the browser takes only a canonical path).
async fn choose_file(client: &Client, css: &str, file: &std::path::Path) {
    let path = file
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(path.to_str().expect("a path in UTF-8"))
        .await
        .expect("choose the file");
}

async fn text(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .expect("text")
}

async fn checked(client: &Client, css: &str) -> bool {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .prop("checked")
        .await
        .expect("checked")
        .as_deref()
        == Some("true")
}

/// Answers the questionnaire: first with a mistake (every one is shown at once), then
/// right, with a first day eight days ago (so the plan is in its second week).
async fn answer_the_questions(client: &Client, base: &str, shots: &mut Shots) {
    client.goto(&format!("{base}/")).await.expect("start page");
    assert_eq!(h1(client).await, "Face masks, serums or both?");
    shots.take(client, "start").await;
    click(client, "input[name=concerns][value=acne]").await;
    click(client, "form.stack > button[type=submit]").await;
    client
        .wait()
        .for_element(Locator::Css(".errors-summary"))
        .await
        .expect("the mistakes");
    let summary = text(client, ".errors-summary").await;
    // (A browser keeps a number or a date field from taking what is not one; the
    // page tests send such mistakes as a form would.)
    assert!(
        summary.contains("One answer needs another look")
            && summary.contains("Choose your skin type"),
        "{summary}"
    );
    // The first mistake has the focus.
    let focused = client
        .active_element()
        .await
        .expect("focus")
        .attr("name")
        .await
        .expect("name");
    assert_eq!(focused.as_deref(), Some("skin_type"));
    shots.take(client, "start-mistakes").await;
    click(client, "input[name=skin_type][value=combination]").await;
    click(client, "input[name=concerns][value=dullness]").await;
    click(client, "input[name=goal][value=both]").await;
    fill(client, "#minutes_pm", "20").await;
    let start = (chrono::Local::now().date_naive() - chrono::Days::new(8)).to_string();
    // A date input takes what a person types as month, day, year (en-US).
    let typed = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d")
        .expect("date")
        .format("%m%d%Y")
        .to_string();
    fill(client, "#start", &typed).await;
    click(client, "form.stack > button[type=submit]").await;
    arrive(client, "/plan").await;
    assert!(h1(client).await.starts_with("Your plan: both"));
    let status = text(client, ".status").await;
    assert!(status.contains("Week 2 of 4"), "{status}");
    shots.take(client, "plan").await;
}

/// The daily loop in one window: the plan, ticking today, a day of its own, the shelf,
/// a check-in and its history, the calendar feed, the FAQ, an explanation, the data.
async fn daily_loop(driver: &Driver, window: &'static str, size: (u32, u32)) {
    let dir = std::env::temp_dir().join(format!("regimen-browser-{window}-{}", std::process::id()));
    let db = format!("sqlite://{}/regimen.db", dir.display());
    // A small catalog, imported as a person would (the barcode photo's product among them).
    std::fs::create_dir_all(&dir).expect("dir");
    let dump = dir.join("catalog.jsonl");
    std::fs::write(
        &dump,
        concat!(
            r#"{"code":"9780764544200","product_name":"Hydrating Clay Mask","brands":"Example","ingredients_text":"Aqua, Kaolin, Glycerin, Niacinamide"}"#,
            "\n",
            r#"{"code":"3600523614455","lang":"fr","product_name_fr":"Crème hydratante légère","brands":"Nivéa","ingredients_text_fr":"Aqua, Glycerin, Parfum"}"#,
            "\n"
        ),
    )
    .expect("dump");
    let imported = std::process::Command::new(env!("CARGO_BIN_EXE_regimen"))
        .args([
            "catalog",
            "--db",
            &db,
            "import",
            dump.to_str().expect("path"),
        ])
        .output()
        .expect("import");
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let server = Server::start(&db, &[]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = browser(driver, &dir.join("chrome"), size).await;
    let mut shots = Shots::new(window);

    answer_the_questions(&client, &base, &mut shots).await;

    // Today's checklist: ticks are saved, the streak counts the day.
    click(&client, ".routine-am input[type=checkbox]").await;
    submit(&client, ".checklist-form > button[type=submit]", "/plan").await;
    assert!(
        checked(&client, ".routine-am input[type=checkbox]").await,
        "the tick is kept"
    );
    let status = text(&client, ".status").await;
    assert!(status.contains("1 day in a row"), "{status}");
    shots.take(&client, "plan-ticked").await;

    // A calendar day opens its own page; "the day after" goes on.
    click(&client, ".more-days a").await;
    arrive(
        &client,
        &(chrono::Local::now().date_naive() + chrono::Days::new(1)).to_string(),
    )
    .await;
    assert_eq!(
        h1(&client).await,
        format!(
            "Tomorrow\n{}",
            (chrono::Local::now().date_naive() + chrono::Days::new(1)).format("%A %-d %B")
        )
    );
    shots.take(&client, "day").await;
    click(&client, ".pager a[rel=next]").await;
    arrive(
        &client,
        &(chrono::Local::now().date_naive() + chrono::Days::new(2)).to_string(),
    )
    .await;

    // Shelf: a product with its analysis; the plan offers to take it in.
    client.goto(&format!("{base}/shelf")).await.expect("shelf");
    fill(&client, "#name", "Night Niacinamide <b>10%</b>").await;
    fill(
        &client,
        "#ingredients",
        "Ingredients: Aqua, Niacinamide 10%, Glycerin, Parfum",
    )
    .await;
    submit(
        &client,
        "form[action='/shelf'] > button[type=submit]",
        "/shelf",
    )
    .await;
    client
        .wait()
        .for_element(Locator::Css(".products"))
        .await
        .expect("the product list");
    let shelf = text(&client, ".products").await;
    assert!(
        shelf.contains("Night Niacinamide <b>10%</b>"),
        "the name shows as typed: {shelf}"
    );
    assert!(
        shelf.contains("Niacinamide 10%") && shelf.contains("Fragrance: Parfum"),
        "{shelf}"
    );
    assert!(shelf.contains("Not in your current plan yet"), "{shelf}");
    shots.take(&client, "shelf").await;

    // The catalog: a search typed without accents finds the cream, one click adds it.
    fill(&client, "#q", "creme hydratante").await;
    submit(&client, "form.search button", "/shelf").await;
    let found = text(&client, ".found").await;
    assert!(found.contains("Crème hydratante légère"), "{found}");
    assert!(text(&client, "main")
        .await
        .contains("Open Database License"));
    shots.take(&client, "shelf-catalog").await;
    submit(&client, ".found-card form button", "/shelf").await;
    let shelf = text(&client, ".products").await;
    assert!(shelf.contains("Nivéa Crème hydratante légère"), "{shelf}");
    // A photo of a barcode finds its product.
    {
        let photo = super::shipped_data("barcodes/ean13-3/01.png");
        client.goto(&format!("{base}/shelf")).await.expect("shelf");
        choose_file(&client, "#barcode-photo", &photo).await;
        submit(&client, "form[action='/shelf/scan'] button", "/shelf").await;
        let page = read_on_the_queue(&client).await;
        assert!(
            page.contains("Barcode read from your photo") && page.contains("Hydrating Clay Mask"),
            "{page}"
        );
        client
            .execute(
                "document.getElementById('catalog').scrollIntoView()",
                vec![],
            )
            .await
            .expect("scroll");
        shots.take(&client, "shelf-barcode").await;
        client.goto(&format!("{base}/shelf")).await.expect("shelf");
    }
    // A photo of a label's list fills the form, to be checked and saved.
    let label = dir.join("label.jpg");
    let made = super::render_label(
        &label,
        "Ingredients: Aqua, Glycerin, Niacinamide, Panthenol, Phenoxyethanol",
        &["-rotate", "2", "-quality", "75"],
    );
    if made {
        choose_file(&client, "#label-photo", &label).await;
        submit(&client, "form[action='/shelf/label'] button", "/shelf").await;
        read_on_the_queue(&client).await;
        let read = client
            .find(Locator::Css("#ingredients"))
            .await
            .expect("the list")
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default();
        assert!(
            read.contains("Glycerin") && read.contains("Niacinamide"),
            "{read}"
        );
        fill(&client, "#name", "Label Serum").await;
        shots.take(&client, "shelf-label").await;
        submit(
            &client,
            "form[action='/shelf'] > button[type=submit]",
            "/shelf",
        )
        .await;
        assert!(text(&client, ".products").await.contains("Label Serum"));
    } else {
        assert!(
            std::env::var_os("REGIMEN_REQUIRE_OCR").is_none(),
            "ImageMagick is needed to make the label photo"
        );
    }
    submit(&client, ".notice form button", "/plan").await;
    let status = text(&client, ".status").await;
    assert!(
        status.contains("Week 1 of 4"),
        "planned again from today: {status}"
    );
    client.goto(&format!("{base}/shelf")).await.expect("shelf");
    let shelf = text(&client, ".products").await;
    assert!(
        shelf.contains("Your plan uses it for: serum (niacinamide)"),
        "{shelf}"
    );

    // Check-in: rate a concern, note a reaction; the history charts and lists it.
    client
        .goto(&format!("{base}/checkin"))
        .await
        .expect("checkin");
    click(&client, "input[name=rating_acne][value='3']").await;
    fill(&client, "#reactions", "slight stinging").await;
    shots.take(&client, "checkin").await;
    submit(&client, "form.stack > button[type=submit]", "/history").await;
    let history = text(&client, "main").await;
    assert!(
        history.contains("slight stinging") && history.contains("Acne and breakouts: 1 rating"),
        "{history}"
    );
    client
        .find(Locator::Css("figure.chart svg"))
        .await
        .expect("a chart");
    shots.take(&client, "history").await;
    // The reaction box offers to plan again, and the plan made again listens to it.
    submit(&client, "#reaction form button", "/plan").await;
    let plan = text(&client, "main").await;
    assert!(
        plan.contains("said \"slight stinging\"") && plan.contains("This plan read your"),
        "{plan}"
    );

    // The calendar feed: shown, listed on the plan, stopped.
    client.goto(&format!("{base}/plan")).await.expect("plan");
    submit(
        &client,
        "button[formaction='/plan/subscribe']",
        "/plan/subscribe",
    )
    .await;
    let feed = text(&client, "main").await;
    assert!(feed.contains("a phone cannot reach"), "{feed}");
    shots.take(&client, "feed").await;
    client.goto(&format!("{base}/plan")).await.expect("plan");
    assert!(text(&client, "main")
        .await
        .contains("1 calendar subscription follows this plan"));
    submit(&client, "form[action='/plan/unsubscribe'] button", "/plan").await;

    // The FAQ and an explanation linked from the plan.
    client.goto(&format!("{base}/faq")).await.expect("faq");
    shots.take(&client, "faq").await;
    client.goto(&format!("{base}/plan")).await.expect("plan");
    click(&client, "a[href^='/explain/']").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !client
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/explain/")
    {
        assert!(Instant::now() < deadline, "an explanation opens");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shots.take(&client, "explain").await;

    // Which works for me: start an experiment, add a photo of yesterday and of today,
    // and see the results with the two side by side.
    client
        .goto(&format!("{base}/results"))
        .await
        .expect("results");
    assert_eq!(h1(&client).await, "Which works for you");
    submit(&client, "form[action='/results/start'] button", "/plan").await;
    assert!(text(&client, "main")
        .await
        .contains("Your experiment starts today"));
    let (yesterday, today) = {
        let today = chrono::Local::now().date_naive();
        (
            (today - chrono::Days::new(1)).to_string(),
            today.to_string(),
        )
    };
    for (date, width) in [(&yesterday, 900), (&today, 700)] {
        let photo = dir.join(format!("photo-{date}.jpg"));
        std::fs::write(&photo, regimen_photos::testing::jpeg_with_exif(width, 600)).expect("photo");
        client
            .goto(&format!("{base}/checkin?date={date}"))
            .await
            .expect("checkin");
        choose_file(&client, "#photo", &photo).await;
        submit(&client, "form[action='/checkin/photo'] button", "/checkin").await;
        assert!(text(&client, "main").await.contains("Your photo is added"));
    }
    client
        .execute("document.getElementById('photos').scrollIntoView()", vec![])
        .await
        .expect("scroll");
    shots.take(&client, "checkin-photo").await;
    client
        .goto(&format!("{base}/results"))
        .await
        .expect("results");
    let results = text(&client, "main").await;
    assert!(
        results.contains("What your check-ins say") && results.contains("side by side"),
        "{results}"
    );
    let shown = client
        .find_all(Locator::Css(".compare img"))
        .await
        .expect("photos");
    assert_eq!(shown.len(), 2);
    for image in shown {
        let element = serde_json::to_value(&image).expect("element");
        let width = client
            .execute("return arguments[0].naturalWidth", vec![element])
            .await
            .expect("width");
        // Turned upright by its EXIF orientation: 600 wide, as the phone held it.
        assert_eq!(width, serde_json::json!(600), "the photo loads, upright");
    }
    shots.take(&client, "results").await;
    client
        .execute(
            "document.getElementById('side-by-side').scrollIntoView()",
            vec![],
        )
        .await
        .expect("scroll");
    shots.take(&client, "results-photos").await;

    // Your data.
    client.goto(&format!("{base}/account")).await.expect("data");
    assert_eq!(h1(&client).await, "Your data");
    shots.take(&client, "data").await;
    // Downloaded, deleted, taken back: the experiment is back, with its results.
    // The download, as the browser gets it (HTTP/1.0: the stream comes unchunked).
    let export = {
        use std::io::{Read, Write};
        let address = base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect");
        write!(
            stream,
            "GET /account/export.json HTTP/1.0\r\nHost: {address}\r\n\r\n"
        )
        .expect("ask");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("the download");
        let (head, body) = response.split_once("\r\n\r\n").expect("a body");
        assert!(
            head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
            "{head}"
        );
        body.to_string()
    };
    let file = dir.join("regimen-data.json");
    std::fs::write(&file, &export).expect("save the file");
    fill(&client, "#confirm", "delete").await;
    submit(&client, "form[action='/account/delete'] button", "/").await;
    assert!(text(&client, "main")
        .await
        .contains("All your data is deleted"));
    client
        .goto(&format!("{base}/results"))
        .await
        .expect("results");
    assert!(!text(&client, "main").await.contains("an experiment"));
    client.goto(&format!("{base}/account")).await.expect("data");
    choose_file(&client, "#import-data", &file).await;
    submit(&client, "form[action='/account/import'] button", "/account").await;
    assert!(text(&client, "main").await.contains("Your file is back"));
    client
        .goto(&format!("{base}/results"))
        .await
        .expect("results");
    let results = text(&client, "main").await;
    assert!(
        results.contains("an experiment") && results.contains("What your check-ins say"),
        "{results}"
    );

    client.close().await.expect("close");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_daily_loop_on_a_phone_and_a_desktop() {
    let Some(driver) = chromedriver() else {
        return;
    };
    daily_loop(&driver, "phone", PHONE).await;
    daily_loop(&driver, "desktop", DESKTOP).await;
}

#[tokio::test]
async fn a_visitor_keeps_the_plan_by_signing_up_and_accounts_stay_private() {
    let Some(driver) = chromedriver() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("regimen-browser-mu-{}", std::process::id()));
    let server = Server::start(
        &format!("sqlite://{}/regimen.db", dir.display()),
        &["--multi-user"],
    );
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = browser(&driver, &dir.join("chrome"), PHONE).await;
    let mut shots = Shots::new("accounts");

    // A visitor answers first and sees the plan, with an offer to keep it.
    client.goto(&format!("{base}/")).await.expect("start");
    click(&client, "input[name=skin_type][value=oily]").await;
    click(&client, "input[name=concerns][value=acne]").await;
    click(&client, "input[name=goal][value=long_term]").await;
    click(&client, "form.stack > button[type=submit]").await;
    client
        .wait()
        .for_element(Locator::Css(".keep"))
        .await
        .expect("the offer to keep the plan");
    assert!(h1(&client).await.starts_with("Your plan: serums"));
    shots.take(&client, "visitor-plan").await;
    // A password too short: the error by its field, the answers still there.
    fill(&client, "#signup-username", "alice").await;
    fill(&client, "#signup-password", "short").await;
    click(&client, ".keep form[action='/signup'] button").await;
    client
        .wait()
        .for_element(Locator::Css("#password-error"))
        .await
        .expect("the error");
    assert!(text(&client, "#password-error").await.contains("8 to 200"));
    shots.take(&client, "signup-error").await;
    fill(&client, "#password", "correct horse battery").await;
    submit(&client, "form.stack > button[type=submit]", "/plan").await;
    assert!(
        h1(&client).await.starts_with("Your plan: serums"),
        "the answers were kept"
    );
    assert!(text(&client, ".who").await.contains("Signed in as alice"));
    shots.take(&client, "kept-plan").await;

    client.goto(&format!("{base}/shelf")).await.expect("shelf");
    fill(&client, "#name", "Alice's Cream").await;
    fill(&client, "#ingredients", "Aqua, Glycerin, Cetearyl Alcohol").await;
    submit(
        &client,
        "form[action='/shelf'] > button[type=submit]",
        "/shelf",
    )
    .await;
    let link = client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".products h2 a"))
        .await
        .expect("product link");
    let product = link.attr("href").await.expect("href").expect("a path");

    // The account page: change the password.
    client
        .goto(&format!("{base}/account"))
        .await
        .expect("account");
    assert_eq!(h1(&client).await, "Your account");
    fill(&client, "#current", "correct horse battery").await;
    fill(&client, "#new", "a new long phrase").await;
    submit(
        &client,
        "form[action='/account/password'] button",
        "/account",
    )
    .await;
    assert!(text(&client, "main")
        .await
        .contains("Your password is changed"));
    shots.take(&client, "account").await;

    // Sign out, sign up as bob, try alice's product page.
    submit(&client, ".who form button", "/signin").await;
    client
        .goto(&format!("{base}/signup"))
        .await
        .expect("signup");
    fill(&client, "#username", "bob").await;
    fill(&client, "#password", "another good password").await;
    submit(&client, "form.stack > button[type=submit]", "/").await;
    client
        .goto(&format!("{base}{product}"))
        .await
        .expect("alice's product");
    assert_eq!(
        h1(&client).await,
        "Not found",
        "bob cannot open alice's page"
    );
    shots.take(&client, "bob-404").await;
    client
        .goto(&format!("{base}/shelf"))
        .await
        .expect("bob's shelf");
    assert!(!text(&client, "main").await.contains("Alice's Cream"));

    // Alice signs back in with her new password and finds her things.
    submit(&client, ".who form button", "/signin").await;
    fill(&client, "#username", "alice").await;
    fill(&client, "#password", "a new long phrase").await;
    submit(&client, "form.stack > button[type=submit]", "/plan").await;
    client
        .goto(&format!("{base}/shelf"))
        .await
        .expect("alice's shelf");
    assert!(text(&client, "main").await.contains("Alice's Cream"));
    shots.take(&client, "alice-again").await;

    client.close().await.expect("close");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

/// A plan that listens: burning reported after a retinol night, in the check-in page,
/// pauses retinol in the plan made again, and the plan says so.
#[tokio::test]
async fn a_reaction_after_retinol_pauses_it_and_the_plan_says_so() {
    let Some(driver) = chromedriver() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("regimen-browser-react-{}", std::process::id()));
    let server = Server::start(&format!("sqlite://{}/regimen.db", dir.display()), &[]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = browser(&driver, &dir.join("chrome"), PHONE).await;
    let mut shots = Shots::new("reaction");
    let today = chrono::Local::now().date_naive();

    // Three weeks into a plan for aging skin: retinol nights are behind.
    client.goto(&format!("{base}/")).await.expect("start");
    click(&client, "input[name=skin_type][value=normal]").await;
    click(&client, "input[name=concerns][value=aging]").await;
    click(&client, "input[name=goal][value=long_term]").await;
    let typed = (today - chrono::Days::new(21)).format("%m%d%Y").to_string();
    fill(&client, "#start", &typed).await;
    submit(&client, "form.stack > button[type=submit]", "/plan").await;

    // The last retinol night before today, ticked as done.
    let mut night = None;
    for back in 1..=21 {
        let date = today - chrono::Days::new(back);
        client
            .goto(&format!("{base}/day/{date}"))
            .await
            .expect("day");
        if client
            .find(Locator::Css(".routine-pm input[value='serum:retinol']"))
            .await
            .is_ok()
        {
            night = Some(date);
            break;
        }
    }
    let night = night.expect("a retinol night in the last three weeks");
    for tick in client
        .find_all(Locator::Css(".routine-pm input[type=checkbox]"))
        .await
        .expect("the evening's steps")
    {
        tick.click().await.expect("tick");
    }
    submit(
        &client,
        ".checklist-form > button[type=submit]",
        &format!("/day/{night}"),
    )
    .await;

    // The next day's check-in says it burned.
    let reported = night + chrono::Days::new(1);
    client
        .goto(&format!("{base}/checkin?date={reported}"))
        .await
        .expect("checkin");
    fill(&client, "#reactions", "burning, peeling").await;
    submit(&client, "form.stack > button[type=submit]", "/history").await;
    shots.take(&client, "reaction-history").await;
    submit(&client, "#reaction form button", "/plan").await;
    let plan = text(&client, "main").await;
    assert!(
        plan.contains("said \"burning\", \"peeling\" after retinoids: it pauses until")
            && plan.contains("then restarts on its slower ramp"),
        "{plan}"
    );
    shots.take(&client, "reaction-plan").await;
    client.close().await.expect("close");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
