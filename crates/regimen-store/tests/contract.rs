//! One storage contract, run against every backend: SQLite in a temporary file, and
//! PostgreSQL on 127.0.0.1:5432 in a database this test creates and drops. Without a
//! PostgreSQL server the PostgreSQL half is skipped with a note, unless
//! REGIMEN_REQUIRE_POSTGRES is set (as in CI), where that is a failure.

use regimen_store::{Backend, CatalogEntry, Collection, Put, Store, StoreError};

fn product(code: &str, name: &str, brands: &str) -> CatalogEntry {
    CatalogEntry {
        code: code.into(),
        name: name.into(),
        brands: brands.into(),
        categories: "face creams".into(),
        ingredients: "Aqua, Glycerin".into(),
        lang: "fr".into(),
        kind: "moisturizer".into(),
        analysis: "{}".into(),
        analysis_version: "v1".into(),
        modified: 1,
    }
}

fn split(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 2)
        .map(str::to_string)
        .collect()
}

async fn codes(store: &Store, terms: &[(&str, bool)]) -> Vec<String> {
    store
        .catalog_search(terms, 10)
        .await
        .expect("search")
        .into_iter()
        .map(|p| p.code)
        .collect()
}

/// The catalog: an import is all or nothing, a second one updates, words are found with
/// their accents or without, beginnings of words too, the name weighs most.
async fn catalog_story(store: &Store) {
    assert_eq!(store.catalog_generation().await.expect("generation"), 0);
    let mut import = store.catalog_import().await.expect("import");
    assert_eq!(
        import
            .put(&product("3600523614455", "Crème hydratante", "Nivéa"))
            .await
            .expect("put"),
        Put::Added
    );
    assert_eq!(
        import
            .put(&product("0000000000017", "Gel douche", "Crème & Co"))
            .await
            .expect("put"),
        Put::Added
    );
    let counts = import.finish("first", split).await.expect("finish");
    assert_eq!(counts.added, 2);
    assert_eq!(store.catalog_count().await.expect("count"), 2);
    let generation = store.catalog_generation().await.expect("generation");
    assert!(generation > 0);
    let words = store.catalog_words().await.expect("words");
    assert!(words.contains(&("crème".to_string(), 2)), "{words:?}");

    // Accents folded on both sides; the name weighs over the brand.
    assert_eq!(
        codes(store, &[("creme", false)]).await,
        ["3600523614455", "0000000000017"]
    );
    assert_eq!(codes(store, &[("nivea", false)]).await, ["3600523614455"]);
    assert_eq!(codes(store, &[("hydra", true)]).await, ["3600523614455"]);
    assert!(codes(store, &[("hydra", false)]).await.is_empty());
    assert!(codes(store, &[("creme", false), ("douche", false)]).await == ["0000000000017"]);
    // Nothing a word holds reaches the query language.
    assert!(codes(store, &[("\" OR \"x", false)]).await.is_empty());
    assert!(codes(store, &[("", false)]).await.is_empty());

    // An import dropped before it finishes leaves the catalog as it was.
    let mut import = store.catalog_import().await.expect("import");
    import
        .put(&product("1111111111116", "Sérum", "X"))
        .await
        .expect("put");
    import
        .put(&product("3600523614455", "Renamed", "X"))
        .await
        .expect("put");
    drop(import);
    assert_eq!(store.catalog_count().await.expect("count"), 2);
    assert_eq!(
        store
            .catalog_product(&["3600523614455".into()])
            .await
            .expect("get")
            .map(|p| p.name),
        Some("Crème hydratante".into())
    );
    assert_eq!(
        store.catalog_generation().await.expect("generation"),
        generation
    );

    // Again: the same is unchanged, a change updates (and its search follows), never doubled.
    let mut import = store.catalog_import().await.expect("import");
    assert_eq!(
        import
            .put(&product("3600523614455", "Crème hydratante", "Nivéa"))
            .await
            .expect("put"),
        Put::Unchanged
    );
    assert_eq!(
        import
            .put(&product("0000000000017", "Savon doux", "Crème & Co"))
            .await
            .expect("put"),
        Put::Updated
    );
    let counts = import.finish("second", split).await.expect("finish");
    assert_eq!((counts.added, counts.updated, counts.unchanged), (0, 1, 1));
    assert_eq!(store.catalog_count().await.expect("count"), 2);
    assert!(codes(store, &[("douche", false)]).await.is_empty());
    assert_eq!(codes(store, &[("savon", false)]).await, ["0000000000017"]);
    assert!(store.catalog_generation().await.expect("generation") > generation);
    assert_eq!(
        store
            .catalog_product(&["9".into(), "0000000000017".into()])
            .await
            .expect("get")
            .map(|p| p.code),
        Some("0000000000017".into())
    );
    // Words no product has all of: any of them, a brand's word weighing most.
    assert!(codes(store, &[("nivea", false), ("doux", false)])
        .await
        .is_empty());
    let any: Vec<String> = store
        .catalog_search_any(&[("nivea", false), ("doux", false)], 10)
        .await
        .expect("search")
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(any, ["3600523614455", "0000000000017"], "the brand first");
    // An import writes its products a batch at a time, holding no lock between
    // batches: others write meanwhile (on SQLite a write would wait for the whole
    // import); dropped, it leaves the catalog as it was.
    let before = store.catalog_count().await.expect("count");
    let mut import = store.catalog_import().await.expect("import");
    for i in 0..1200u32 {
        let code = format!("{:013}", 5_000_000 + i);
        import
            .put(&product(&code, "Batch cream", "Batch"))
            .await
            .expect("put");
    }
    let writing = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        store.create_user("writes-during-an-import", None),
    )
    .await;
    assert!(
        matches!(writing, Ok(Ok(_))),
        "a write while an import runs: {writing:?}"
    );
    drop(import);
    assert_eq!(store.catalog_count().await.expect("count"), before);
    // The same codes twice in one import: the last wins, counted once as added.
    let mut import = store.catalog_import().await.expect("import");
    import
        .put(&product("7000000000001", "First", "X"))
        .await
        .expect("put");
    assert_eq!(
        import
            .put(&product("7000000000001", "Second", "X"))
            .await
            .expect("put"),
        Put::Updated
    );
    let counts = import.finish("twice", split).await.expect("finish");
    assert_eq!((counts.added, counts.updated), (1, 1));
    assert_eq!(
        store
            .catalog_product(&["7000000000001".into()])
            .await
            .expect("get")
            .map(|p| p.name),
        Some("Second".into())
    );
    assert_eq!(codes(store, &[("second", false)]).await, ["7000000000001"]);
}

async fn story(store: &Store) {
    store.ping().await.expect("ping");
    let alice = store
        .create_user("alice", Some("hash-a"))
        .await
        .expect("alice");
    let bob = store.create_user("bob", None).await.expect("bob");
    assert!(matches!(
        store.create_user("alice", None).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store
            .user_by_name("alice")
            .await
            .expect("lookup")
            .map(|u| u.id),
        Some(alice)
    );
    assert_eq!(store.user_by_name("nobody").await.expect("lookup"), None);
    let local = store.local_user().await.expect("local");
    assert_eq!(store.local_user().await.expect("local again"), local);

    // Documents are scoped by owner.
    let profile = store
        .create(alice, Collection::Profile, "", "{\"skin_type\":\"dry\"}")
        .await
        .expect("create");
    assert_eq!(profile.body, "{\"skin_type\":\"dry\"}");
    assert_eq!(
        store
            .get(alice, Collection::Profile, profile.id)
            .await
            .expect("get")
            .map(|d| d.id),
        Some(profile.id)
    );
    assert_eq!(
        store
            .get(bob, Collection::Profile, profile.id)
            .await
            .expect("get"),
        None,
        "another user's id is not found"
    );
    assert_eq!(
        store
            .get(alice, Collection::Shelf, profile.id)
            .await
            .expect("get"),
        None,
        "nor in another collection"
    );
    assert!(store
        .update(bob, Collection::Profile, profile.id, "", "{}")
        .await
        .expect("update")
        .is_none());
    assert!(!store
        .delete(bob, Collection::Profile, profile.id)
        .await
        .expect("delete"));
    let updated = store
        .update(
            alice,
            Collection::Profile,
            profile.id,
            "",
            "{\"skin_type\":\"oily\"}",
        )
        .await
        .expect("update")
        .expect("found");
    assert_eq!(updated.body, "{\"skin_type\":\"oily\"}");
    assert!(updated.updated_at >= updated.created_at);

    // Lists come in sort-key order.
    for date in ["2027-01-03", "2027-01-01", "2027-01-02"] {
        store
            .create(
                alice,
                Collection::Checkin,
                date,
                &format!("{{\"date\":\"{date}\"}}"),
            )
            .await
            .expect("checkin");
    }
    let dates: Vec<String> = store
        .list(alice, Collection::Checkin)
        .await
        .expect("list")
        .into_iter()
        .map(|d| d.sort_key)
        .collect();
    assert_eq!(dates, ["2027-01-01", "2027-01-02", "2027-01-03"]);
    assert!(store
        .list(bob, Collection::Checkin)
        .await
        .expect("list")
        .is_empty());

    // What the server derives from a document stays beside it until the body changes;
    // a body changed meanwhile, or another user, keeps nothing.
    let item = store
        .create(alice, Collection::Shelf, "cream", "{\"name\":\"Cream\"}")
        .await
        .expect("item");
    assert_eq!(item.derived, None);
    assert!(!store
        .set_derived(bob, item.id, &item.updated_at, "v1", "{}")
        .await
        .expect("not bob's"));
    assert!(store
        .set_derived(
            alice,
            item.id,
            &item.updated_at,
            "v1",
            "{\"kind\":\"moisturizer\"}"
        )
        .await
        .expect("derived"));
    let read = store
        .get(alice, Collection::Shelf, item.id)
        .await
        .expect("get")
        .expect("there");
    assert_eq!(
        read.derived,
        Some(("v1".to_string(), "{\"kind\":\"moisturizer\"}".to_string()))
    );
    let changed = store
        .update(
            alice,
            Collection::Shelf,
            item.id,
            "cream",
            "{\"name\":\"Cream 2\"}",
        )
        .await
        .expect("update")
        .expect("there");
    assert_eq!(
        changed.derived, None,
        "a new body drops what was derived from the old"
    );
    assert!(
        !store
            .set_derived(alice, item.id, &item.updated_at, "v1", "{}")
            .await
            .expect("stale"),
        "derived from the old body: not kept"
    );
    assert!(store
        .delete(alice, Collection::Shelf, item.id)
        .await
        .expect("delete"));

    // Sessions expire and end.
    store
        .create_session("h1", alice, "csrf1", "2999-01-01T00:00:00+00:00")
        .await
        .expect("session");
    store
        .create_session("h2", alice, "csrf2", "2000-01-01T00:00:00+00:00")
        .await
        .expect("old session");
    assert_eq!(
        store
            .session("h1")
            .await
            .expect("session")
            .map(|s| s.user_id),
        Some(alice)
    );
    assert_eq!(store.session("h2").await.expect("session"), None, "expired");
    assert_eq!(
        store
            .session("h1")
            .await
            .expect("session")
            .map(|s| s.username),
        Some("alice".to_string()),
        "a session knows whose it is"
    );
    assert!(store.delete_session("h1").await.expect("end"));
    assert_eq!(store.session("h1").await.expect("session"), None);
    // Signing out everywhere ends every session of one user, no one else's.
    for (hash, user) in [("e1", alice), ("e2", alice), ("e3", bob)] {
        store
            .create_session(hash, user, "c", "2999-01-01T00:00:00+00:00")
            .await
            .expect("session");
    }
    // e1, e2 and the expired h2.
    assert_eq!(store.delete_sessions(alice).await.expect("everywhere"), 3);
    assert_eq!(store.session("e1").await.expect("session"), None);
    assert!(store.session("e3").await.expect("session").is_some());
    assert!(store.delete_session("e3").await.expect("end"));
    // A new password replaces the old one; the local user has none.
    assert!(store.set_password(alice, "hash-b").await.expect("password"));
    assert_eq!(
        store.password_hash(alice).await.expect("hash").as_deref(),
        Some("hash-b")
    );
    assert_eq!(store.password_hash(bob).await.expect("hash"), None);
    assert!(!store.set_password(i64::MAX, "x").await.expect("no user"));

    // Feed tokens, revocable.
    let plan = store
        .create(alice, Collection::Plan, "", "{}")
        .await
        .expect("plan");
    store
        .create_feed_token(alice, plan.id, "t1")
        .await
        .expect("token");
    assert_eq!(
        store.feed("t1").await.expect("feed"),
        Some((alice, plan.id))
    );
    assert_eq!(
        store
            .revoke_feed_tokens(bob, plan.id)
            .await
            .expect("revoke"),
        0
    );
    assert_eq!(
        store
            .revoke_feed_tokens(alice, plan.id)
            .await
            .expect("revoke"),
        1
    );
    assert_eq!(store.feed("t1").await.expect("feed"), None);
    // Live feeds are listed per owner.
    store
        .create_feed_token(alice, plan.id, "t2")
        .await
        .expect("token");
    let live = store.live_feeds(alice).await.expect("feeds");
    assert_eq!(
        live.iter().map(|(plan, _)| *plan).collect::<Vec<_>>(),
        [plan.id]
    );
    assert!(store.live_feeds(bob).await.expect("feeds").is_empty());

    // Sign-in attempts are counted per name and client, and per client; a success
    // clears its own; old ones and ended sessions are purged.
    let at = "2026-01-01T00:00:00+00:00";
    let since = "2025-12-31T23:45:00+00:00";
    for _ in 0..2 {
        store
            .note_login_attempt("alice", "10.0.0.1", at, since)
            .await
            .expect("attempt");
    }
    let counts = store
        .note_login_attempt("bob", "10.0.0.1", at, since)
        .await
        .expect("attempt");
    assert_eq!((counts.by_username, counts.by_client), (1, 3));
    let other = store
        .note_login_attempt("alice", "10.0.0.2", at, since)
        .await
        .expect("attempt");
    assert_eq!((other.by_username, other.by_client), (1, 1));
    store
        .login_succeeded("alice", "10.0.0.2")
        .await
        .expect("success");
    let later = "2026-01-02T00:00:00+00:00";
    store
        .create_session("expired", alice, "csrf", "2025-06-01T00:00:00+00:00")
        .await
        .expect("session");
    store
        .create_session("live", alice, "csrf", "2999-01-01T00:00:00+00:00")
        .await
        .expect("session");
    // Three attempts and "expired" ("h2" went with signing out everywhere).
    assert_eq!(store.purge(later, later).await.expect("purge"), 4);
    assert_eq!(
        store.auth_rows().await.expect("rows"),
        (0, 1),
        "only the live session stays"
    );

    // Deleting a plan takes its feed tokens with it.
    assert!(store
        .delete(alice, Collection::Plan, plan.id)
        .await
        .expect("delete"));
    assert!(!store
        .delete(alice, Collection::Plan, plan.id)
        .await
        .expect("again"));

    // Deleting an account takes everything it stored; others keep theirs.
    let zed = store.create_user("zed", Some("hash")).await.expect("zed");
    let zed_plan = store
        .create(zed, Collection::Plan, "", "{}")
        .await
        .expect("doc");
    store
        .create_session("zed-session", zed, "csrf", "2999-01-01T00:00:00+00:00")
        .await
        .expect("session");
    store
        .create_feed_token(zed, zed_plan.id, "zed-feed")
        .await
        .expect("feed");
    assert!(store.delete_user(zed).await.expect("delete user"));
    assert!(store.user_by_name("zed").await.expect("lookup").is_none());
    assert_eq!(store.session("zed-session").await.expect("session"), None);
    assert_eq!(store.feed("zed-feed").await.expect("feed"), None);
    assert_eq!(store.count(zed, Collection::Plan).await.expect("count"), 0);
    assert!(!store.delete_user(zed).await.expect("again"));
    assert!(store.user_by_name("alice").await.expect("lookup").is_some());
    catalog_story(store).await;
    jobs_story(store).await;
}

/// The job queue: fair claims, leases that run out, results recorded once.
async fn jobs_story(store: &Store) {
    let ann = store.create_user("ann-jobs", None).await.expect("ann");
    let ben = store.create_user("ben-jobs", None).await.expect("ben");
    // Ann queues three (her limit), a fourth is refused; Ben queues one after hers.
    let mut anns = Vec::new();
    for i in 0..3u8 {
        let job = store
            .enqueue_job(ann, "barcode", "{}", &[i; 4], 3)
            .await
            .expect("enqueue")
            .expect("within her limit");
        assert_eq!((job.state.as_str(), job.attempts), ("queued", 0));
        anns.push(job.id);
    }
    assert!(store
        .enqueue_job(ann, "barcode", "{}", b"more", 3)
        .await
        .expect("enqueue")
        .is_none());
    let bens = store
        .enqueue_job(ben, "label", r#"{"name": "x"}"#, b"ben's photo", 3)
        .await
        .expect("enqueue")
        .expect("his");
    // Two workers: the first takes Ann's oldest, the second Ben's (he has none running),
    // not Ann's next.
    let first = store
        .claim_job("w1-a", 60, 3)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!((first.job.id, first.input.clone()), (anns[0], vec![0u8; 4]));
    let second = store
        .claim_job("w2-a", 60, 3)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(
        second.job.id, bens.id,
        "one person's jobs do not hold another's"
    );
    assert_eq!(second.input, b"ben's photo");
    // Done once: the holder records it, another claim cannot.
    assert!(!store
        .finish_job(first.job.id, "w9-x", Ok("{}"))
        .await
        .expect("finish"));
    assert!(store
        .finish_job(first.job.id, "w1-a", Ok(r#"{"code": "123"}"#))
        .await
        .expect("finish"));
    let done = store
        .job(ann, first.job.id)
        .await
        .expect("job")
        .expect("hers");
    assert_eq!(
        (done.state.as_str(), done.result.as_deref()),
        ("done", Some(r#"{"code": "123"}"#))
    );
    assert!(
        store.job(ben, first.job.id).await.expect("job").is_none(),
        "owner only"
    );
    // A worker that dies: its lease runs out (0 s here) and another takes the job again.
    let dying = store
        .claim_job("w3-a", 0, 3)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(dying.job.id, anns[1]);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let retaken = store
        .claim_job("w4-a", 60, 3)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!((retaken.job.id, retaken.job.attempts), (anns[1], 2));
    assert!(
        !store
            .finish_job(anns[1], "w3-a", Ok("{}"))
            .await
            .expect("late"),
        "the dead worker's claim is gone"
    );
    assert!(store
        .finish_job(anns[1], "w4-a", Err("no barcode"))
        .await
        .expect("finish"));
    let failed = store.job(ann, anns[1]).await.expect("job").expect("hers");
    assert_eq!(
        (failed.state.as_str(), failed.error.as_deref()),
        ("failed", Some("no barcode"))
    );
    // A job whose workers all die fails after its attempts.
    for i in 0..2 {
        let held = store
            .claim_job(&format!("w5-{i}"), 0, 2)
            .await
            .expect("claim")
            .expect("job");
        assert_eq!(held.job.id, anns[2]);
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }
    assert!(store.claim_job("w6", 60, 2).await.expect("claim").is_none());
    let gave_up = store.job(ann, anns[2]).await.expect("job").expect("hers");
    assert_eq!(gave_up.state, "failed");
    assert!(store
        .finish_job(bens.id, "w2-a", Ok("{}"))
        .await
        .expect("finish"));
    assert_eq!(store.job_counts().await.expect("counts"), (0, 0, 2, 2));
    // A worker that lives renews its lease: its job is not taken again.
    let cai = store.create_user("cai-jobs", None).await.expect("cai");
    let long = store
        .enqueue_job(cai, "label", "{}", b"long", 3)
        .await
        .expect("enqueue")
        .expect("hers");
    let held = store
        .claim_job("w7-a", 0, 3)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(held.job.id, long.id);
    assert!(store.renew_job(long.id, "w7-a", 60).await.expect("renew"));
    assert!(
        !store.renew_job(long.id, "w9-x", 60).await.expect("renew"),
        "only the claim that holds a job renews it"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(
        store
            .claim_job("w8-a", 60, 3)
            .await
            .expect("claim")
            .is_none(),
        "a renewed lease holds"
    );
    assert!(store
        .finish_job(long.id, "w7-a", Ok("{}"))
        .await
        .expect("finish"));
    assert!(!store.renew_job(long.id, "w7-a", 60).await.expect("renew"));
    // Ended jobs are purged; an account's jobs go with it.
    assert_eq!(store.purge_jobs("9999").await.expect("purge"), 5);
}

#[tokio::test]
async fn sqlite_keeps_the_contract() {
    let dir = std::env::temp_dir().join(format!("regimen-store-{}", std::process::id()));
    let path = dir.join("nested/regimen.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("sqlite");
    assert_eq!(store.backend(), Backend::Sqlite);
    story(&store).await;
    store.close().await;
    // Reopening keeps the data and does not re-run migrations.
    let again = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("reopen");
    assert!(again.user_by_name("alice").await.expect("lookup").is_some());
    again.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn postgres_keeps_the_contract() {
    let Some(database) = regimen_store::testing::PostgresDatabase::create().await else {
        return;
    };
    let store = Store::connect(database.url()).await.expect("postgres");
    assert_eq!(store.backend(), Backend::Postgres);
    story(&store).await;
    store.close().await;
    database.drop().await;
}

#[tokio::test]
async fn unknown_urls_are_refused() {
    assert!(matches!(
        Store::connect("mysql://localhost/x").await,
        Err(StoreError::BadUrl(_))
    ));
}
