//! The catalog through the API: search by words, brand, slip, accent and barcode, one
//! product with its analysis (made again when the stored one is of another version),
//! and bad queries answered by the field.

use super::spawn_app;
use axum::http::{Method, StatusCode};
use regimen_store::{CatalogEntry, Store};

fn product(code: &str, name: &str, brands: &str, ingredients: &str) -> CatalogEntry {
    CatalogEntry {
        code: code.into(),
        name: name.into(),
        brands: brands.into(),
        categories: "face creams".into(),
        ingredients: ingredients.into(),
        lang: "fr".into(),
        kind: "moisturizer".into(),
        // Of an older version: the answer makes the analysis again.
        analysis: "{}".into(),
        analysis_version: "old".into(),
        modified: 0,
    }
}

/// Three products: a cream with a list, a serum with a list, a cream without one.
pub async fn seed(store: &Store) {
    let mut import = store.catalog_import().await.expect("import");
    for p in [
        product(
            "3600523614455",
            "Crème hydratante légère",
            "Nivéa",
            "Aqua, Glycerin, Niacinamide, Parfum",
        ),
        product(
            "0036000291452",
            "Sérum rétinol nuit",
            "Bonne Peau",
            "Aqua, Retinol, Tocopherol",
        ),
        product("96385074", "Crème mains", "Nivéa", ""),
    ] {
        import.put(&p).await.expect("put");
    }
    import
        .finish("test", regimen_core::catalog::words)
        .await
        .expect("finish");
}

fn codes(reply: &super::Reply) -> Vec<String> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["products"]
        .as_array()
        .expect("products")
        .iter()
        .map(|p| p["code"].as_str().expect("code").to_string())
        .collect()
}

#[tokio::test]
async fn the_catalog_is_searched_every_way_and_a_product_comes_with_its_analysis() {
    let app = spawn_app(false).await;
    // Before any import: nothing, and no error.
    assert!(codes(&app.get("/api/v1/catalog?q=creme", &[]).await).is_empty());
    seed(&app.store).await;

    let found = app.get("/api/v1/catalog?q=cr%C3%A8me", &[]).await;
    assert_eq!(codes(&found), ["96385074", "3600523614455"]);
    let json = found.json();
    assert!(json["attribution"]
        .as_str()
        .expect("attribution")
        .contains("Open Database License"));
    assert_eq!(json["products"][1]["kind"], "moisturizer");
    assert_eq!(json["products"][0]["has_ingredients"], false);
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=creme+hydratante", &[]).await),
        ["3600523614455"]
    );
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=NIVEA", &[]).await).len(),
        2
    );
    // A slip, said back; a word being typed.
    let slip = app.get("/api/v1/catalog?q=serum+retinl", &[]).await;
    assert_eq!(codes(&slip), ["0036000291452"]);
    assert_eq!(slip.json()["corrected"][0]["to"], "retinol");
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=bonne+pe", &[]).await),
        ["0036000291452"]
    );
    // A barcode, and the same UPC-A without its EAN-13 zero.
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=0036000291452", &[]).await),
        ["0036000291452"]
    );
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=036000291452", &[]).await),
        ["0036000291452"]
    );
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=9638+5074", &[]).await),
        ["96385074"]
    );
    // Words that no product has all of: those with the most of them, a brand's word
    // first, each with the words it has.
    let all = app.get("/api/v1/catalog?q=creme+hydratante", &[]).await;
    assert_eq!(all.json()["all_words"], true);
    assert!(all.json()["products"][0].get("matched").is_none());
    let some = app.get("/api/v1/catalog?q=nivea+serum+nuit", &[]).await;
    let found = codes(&some);
    assert_eq!(found.len(), 3, "{}", some.text);
    let json = some.json();
    assert_eq!(json["all_words"], false);
    // The serum has two of the words, the Nivéa products one.
    assert_eq!(found[0], "0036000291452", "{json}");
    assert_eq!(
        json["products"][0]["matched"],
        serde_json::json!(["serum", "nuit"])
    );
    assert_eq!(
        json["products"][1]["matched"],
        serde_json::json!(["nivea"]),
        "{json}"
    );
    // Nothing near: said, nothing found.
    let none = app.get("/api/v1/catalog?q=zzqqxx", &[]).await;
    assert!(codes(&none).is_empty());
    assert_eq!(none.json()["unknown"][0], "zzqqxx");
    assert_eq!(
        codes(&app.get("/api/v1/catalog?q=creme&limit=1", &[]).await).len(),
        1
    );

    // Bad queries, by the field.
    let long = format!("/api/v1/catalog?q={}", "a".repeat(201));
    let reply = app.get(&long, &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["field"], "q");
    let reply = app.get("/api/v1/catalog?q=x&limit=0", &[]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply.json()["field"], "limit");
    // A limit too large for a number is named too, not the framework's plain message.
    let reply = app.get("/api/v1/catalog?q=x&limit=99999999999", &[]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["field"], "limit", "{}", reply.text);
    assert_eq!(
        app.get("/api/v1/catalog", &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/api/v1/catalog?q=x&color=red", &[]).await.status,
        StatusCode::BAD_REQUEST
    );

    // One product: its list, its analysis made again (the stored one is of an old
    // version), its source.
    let reply = app.get("/api/v1/catalog/0036000291452", &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let product = reply.json();
    assert_eq!(product["ingredients"], "Aqua, Retinol, Tocopherol");
    let families: Vec<&str> = product["analysis"]["actives"]
        .as_array()
        .expect("actives")
        .iter()
        .filter_map(|a| a["family"].as_str())
        .collect();
    assert!(families.contains(&"retinoid"), "{product}");
    assert_eq!(product["source"]["licence"], "ODbL-1.0");
    assert!(product["source"]["url"]
        .as_str()
        .expect("url")
        .ends_with("/product/0036000291452"));
    assert_eq!(
        app.get("/api/v1/catalog/036000291452", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/catalog/9999999999994", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/catalog/soap", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let reply = app
        .request(Method::POST, "/api/v1/catalog", Some("{}".into()), &[])
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}
