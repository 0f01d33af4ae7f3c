//! End to end in a real headless browser: Debian's chromium driven through
//! chromium-driver (WebDriver) with fantoccini, against `regimen serve`. Each test
//! saves a screenshot of every page it visits under target/screenshots/.
//!
//! Without chromedriver the tests are skipped with a note, unless REGIMEN_REQUIRE_BROWSER
//! is set (as in CI), where that is a failure.

use super::server::{free_port, Server};
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Driver {
    process: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
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
        eprintln!("skipping the browser tests: chromium-driver is not installed");
        return None;
    };
    let port = free_port();
    let process = Command::new(binary)
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

async fn browser(driver: &Driver, profile_dir: &std::path::Path) -> Client {
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
        "--window-size=1280,1600".into(),
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

async fn answer_the_questions(client: &Client, base: &str, shots: &mut Shots) {
    client.goto(&format!("{base}/")).await.expect("start page");
    assert_eq!(h1(client).await, "Face masks, serums or both?");
    shots.take(client, "start").await;
    click(client, "input[name=skin_type][value=combination]").await;
    click(client, "input[name=concerns][value=acne]").await;
    click(client, "input[name=concerns][value=dullness]").await;
    click(client, "input[name=goal][value=both]").await;
    fill(client, "#minutes_pm", "20").await;
    click(client, "form.stack button[type=submit]").await;
    arrive(client, "/plan").await;
    assert!(h1(client).await.starts_with("Your plan: both"));
    let calendar = client
        .find(Locator::Css(".calendar"))
        .await
        .expect("calendar")
        .text()
        .await
        .expect("text");
    assert!(calendar.contains("clay mask"), "{calendar}");
    shots.take(client, "plan").await;
}

#[tokio::test]
async fn questionnaire_plan_shelf_checkin_history() {
    let Some(driver) = chromedriver() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("regimen-browser-{}", std::process::id()));
    let server = Server::start(&format!("sqlite://{}/regimen.db", dir.display()), &[]);
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = browser(&driver, &dir.join("chrome")).await;
    let mut shots = Shots::new("journey");

    answer_the_questions(&client, &base, &mut shots).await;

    // Shelf: add a product by name and pasted list; see its analysis and its use.
    client.goto(&format!("{base}/shelf")).await.expect("shelf");
    fill(&client, "#name", "Night Niacinamide <b>10%</b>").await;
    fill(
        &client,
        "#ingredients",
        "Ingredients: Aqua, Niacinamide 10%, Glycerin, Parfum",
    )
    .await;
    click(&client, "form.stack button[type=submit]").await;
    arrive(&client, "/shelf").await;
    client
        .wait()
        .for_element(Locator::Css(".products"))
        .await
        .expect("the product list");
    let shelf = client
        .find(Locator::Css(".products"))
        .await
        .expect("products")
        .text()
        .await
        .expect("text");
    assert!(
        shelf.contains("Night Niacinamide <b>10%</b>"),
        "the name shows as typed: {shelf}"
    );
    assert!(
        shelf.contains("Niacinamide (niacinamide)") && shelf.contains("fragrance: Parfum"),
        "{shelf}"
    );
    assert!(
        shelf.contains("Your plan uses it for: serum (niacinamide)"),
        "{shelf}"
    );
    shots.take(&client, "shelf").await;

    // Check-in: tick steps, rate a concern, note a reaction.
    client
        .goto(&format!("{base}/checkin"))
        .await
        .expect("checkin");
    click(&client, "input[name=steps_done][value=cleanse]").await;
    click(&client, "input[name=steps_done][value=serum]").await;
    click(&client, "input[name=rating_acne][value='3']").await;
    fill(&client, "#reactions", "slight stinging").await;
    shots.take(&client, "checkin").await;
    click(&client, "form.stack button[type=submit]").await;

    // History: the check-in and a chart.
    arrive(&client, "/history").await;
    let history = client
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text");
    assert!(
        history.contains("slight stinging") && history.contains("cleanse, serum"),
        "{history}"
    );
    client
        .find(Locator::Css("figure.chart svg"))
        .await
        .expect("a chart");
    shots.take(&client, "history").await;

    // The FAQ and an explanation linked from the plan.
    client.goto(&format!("{base}/plan")).await.expect("plan");
    click(&client, ".reasons a").await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while !client
        .current_url()
        .await
        .expect("url")
        .path()
        .starts_with("/explain/")
    {
        assert!(
            Instant::now() < deadline,
            "the reason's link leads to its explanation"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shots.take(&client, "explain").await;

    client.close().await.expect("close");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn sign_up_sign_in_and_privacy() {
    let Some(driver) = chromedriver() else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("regimen-browser-mu-{}", std::process::id()));
    let server = Server::start(
        &format!("sqlite://{}/regimen.db", dir.display()),
        &["--multi-user"],
    );
    let base = format!("http://127.0.0.1:{}", server.port);
    let client = browser(&driver, &dir.join("chrome")).await;
    let mut shots = Shots::new("accounts");

    client.goto(&format!("{base}/plan")).await.expect("plan");
    arrive(&client, "/signin").await;
    client
        .goto(&format!("{base}/signup"))
        .await
        .expect("signup");
    fill(&client, "#username", "alice").await;
    fill(&client, "#password", "short").await;
    click(&client, "form.stack button[type=submit]").await;
    client
        .wait()
        .for_element(Locator::Css("#password-error"))
        .await
        .expect("the error");
    let error = client
        .find(Locator::Css("#password-error"))
        .await
        .expect("error by the field")
        .text()
        .await
        .expect("text");
    assert!(error.contains("8 to 200"), "{error}");
    assert_eq!(
        client
            .find(Locator::Css("#username"))
            .await
            .expect("field")
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("alice"),
        "input kept"
    );
    shots.take(&client, "signup-error").await;
    fill(&client, "#password", "correct horse battery").await;
    click(&client, "form.stack button[type=submit]").await;
    arrive(&client, "/").await;
    answer_the_questions(&client, &base, &mut shots).await;
    client.goto(&format!("{base}/shelf")).await.expect("shelf");
    fill(&client, "#name", "Alice's Cream").await;
    fill(&client, "#ingredients", "Aqua, Glycerin, Cetearyl Alcohol").await;
    click(&client, "form.stack button[type=submit]").await;
    arrive(&client, "/shelf").await;
    // The form posts to the page it is on: wait for the new product itself.
    let link = client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".products h2 a"))
        .await
        .expect("product link");
    let product = link.attr("href").await.expect("href").expect("a path");
    shots.take(&client, "alice-shelf").await;

    // Sign out, sign up as bob, try alice's product page.
    click(&client, "header form button").await;
    arrive(&client, "/signin").await;
    client
        .goto(&format!("{base}/signup"))
        .await
        .expect("signup");
    fill(&client, "#username", "bob").await;
    fill(&client, "#password", "another good password").await;
    click(&client, "form.stack button[type=submit]").await;
    arrive(&client, "/").await;
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
    let shelf = client
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text");
    assert!(!shelf.contains("Alice's Cream"));

    // Alice signs back in and finds her things.
    click(&client, "header form button").await;
    arrive(&client, "/signin").await;
    fill(&client, "#username", "alice").await;
    fill(&client, "#password", "correct horse battery").await;
    click(&client, "form.stack button[type=submit]").await;
    arrive(&client, "/plan").await;
    client
        .goto(&format!("{base}/shelf"))
        .await
        .expect("alice's shelf");
    let shelf = client
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text");
    assert!(shelf.contains("Alice's Cream"));
    shots.take(&client, "alice-again").await;

    client.close().await.expect("close");
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
