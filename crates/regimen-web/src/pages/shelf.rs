//! The shelf: the person's products, each with its analysis and its place in the plan.

use super::*;

/// What the plan does with a product; one the current plan does not hold (added after it
/// was made) says what a plan made again from today would do with it.
pub(super) fn usage(reports: &ShelfReports, name: &str) -> String {
    let said = |report: &ShelfReport| {
        if let Some(placed) = report.placed.iter().find(|p| p.name == name) {
            return Some(format!("used for: {}", placed.role));
        }
        report
            .not_placed
            .iter()
            .find(|p| p.name == name)
            .map(|left| format!("left out: {}", left.reason))
    };
    if !reports.planned {
        return "Answer the questions on the start page to see where your plan uses it.".into();
    }
    if let Some(current) = &reports.current {
        if let Some(placed) = current.placed.iter().find(|p| p.name == name) {
            return format!("Your plan uses it for: {}.", placed.role);
        }
        if let Some(left) = current.not_placed.iter().find(|p| p.name == name) {
            return format!("Not in your plan: {}.", left.reason);
        }
    }
    match reports.again.as_ref().and_then(said) {
        Some(would) => format!(
            "Not in your current plan yet (it was added after the plan was made). Planned again from today, it would be {would}."
        ),
        None => "Not in your current plan yet: it was added after the plan was made.".into(),
    }
}

/// What the current plan does with the shelf, and, when the shelf or the answers changed
/// since it was made, what a plan made again from today would do.
#[derive(Debug, Default)]
pub(super) struct ShelfReports {
    /// Whether the person has a plan (a plan made before any product has no report).
    planned: bool,
    current: Option<ShelfReport>,
    again: Option<ShelfReport>,
}

/// The person's profile now (with their shelf), what their plans do with each product,
/// and whether the shelf or the answers changed since the current plan was made.
pub(super) async fn shelf_view(
    state: &AppState,
    user: i64,
) -> Result<(Option<Profile>, ShelfReports, bool), PageError> {
    let Some((current, profile)) = plan_and_profile(state, user).await? else {
        return Ok((None, ShelfReports::default(), false));
    };
    let changed = current.saved.profile != profile;
    let again = if changed {
        make_saved_plan(state, (&profile, &[]), IsoDate(today()), 4, None, |plan| {
            plan.shelf.clone()
        })?
    } else {
        None
    };
    let reports = ShelfReports {
        planned: true,
        current: with_plan(state, &current.saved, |plan| plan.shelf.clone())?,
        again,
    };
    Ok((Some(profile), reports, changed))
}

/// A product with its analysis; with a profile, the flags are the ones that concern
/// the person (their avoid list, pregnancy, sensitivity).
pub(super) fn product_context(
    state: &AppState,
    id: i64,
    item: &ShelfItem,
    profile: Option<&Profile>,
    reports: &ShelfReports,
) -> Value {
    let avoid = profile.map(|p| AvoidList::parse(state.knowledge(), state.analyzer(), &p.avoid));
    let options = Options {
        name: Some(&item.name),
        profile,
        avoid: avoid.as_ref(),
        kind: item.kind,
        categories: None,
        suggest: true,
    };
    let analysis = state.analyzer().analyze(&item.ingredients, &options);
    let kind = item.kind.unwrap_or(analysis.kind);
    let knowledge = state.knowledge();
    // Each flag once, with the ingredients behind it: "Fragrance: Parfum, Limonene".
    let mut flags: Vec<(&str, Vec<String>, &str)> = Vec::new();
    for flag in &analysis.flags {
        match flags.iter_mut().find(|(code, _, _)| *code == flag.code) {
            Some((_, names, _)) if !names.iter().any(|n| n == flag.inci.as_ref()) => {
                names.push(flag.inci.to_string());
            }
            Some(_) => {}
            None => flags.push((flag.code, vec![flag.inci.to_string()], &flag.text)),
        }
    }
    let flags: Vec<Value> = flags
        .into_iter()
        .map(|(code, names, text)| {
            context! { code, label => knowledge.labels.flag(code), names, text }
        })
        .collect();
    let family_name = |id: &str| {
        knowledge.family(id).map_or(id.replace('_', " "), |f| {
            f.name.split(" (").next().unwrap_or(&f.name).to_string()
        })
    };
    let actives: Vec<Value> = analysis
        .actives
        .iter()
        .map(|a| {
            context! {
                inci => a.inci.as_ref(),
                family => family_name(a.family),
                class => a.class,
                position => a.position,
                percent => a.percent.map(|p| format!("{}", (p * 100.0).round() / 100.0)),
                level => a.level,
            }
        })
        .collect();
    // One chip a family (with its strength when the product states one).
    let mut chips: Vec<String> = Vec::new();
    for active in &analysis.actives {
        let mut chip = family_name(active.family);
        if let Some(p) = active.percent {
            chip.push_str(&format!(" {}%", (p * 100.0).round() / 100.0));
        }
        let family = family_name(active.family);
        if !chips.iter().any(|c| c.starts_with(&family)) {
            chips.push(chip);
        }
    }
    let step_name = |s: &Step| knowledge.step(*s).name.to_lowercase();
    context! {
        id,
        name => item.name.clone(),
        ingredients => item.ingredients.clone(),
        kind => knowledge.labels.kind(kind),
        uses => analysis.uses.iter().map(step_name).collect::<Vec<_>>(),
        leave_on => analysis.leave_on,
        spf => analysis.spf,
        mask_type => analysis.mask_type.map(|m| knowledge.mask_type(m).map_or(m.to_string(), |t| t.name.to_lowercase())),
        actives,
        chips,
        flags,
        unknown => Value::from_serialize(&analysis.unknown),
        usage => usage(reports, &item.name),
    }
}

pub(super) async fn render_shelf(
    state: &AppState,
    viewer: &Viewer,
    user: i64,
    form: Value,
    errors: BTreeMap<String, String>,
    status: StatusCode,
) -> PageResult {
    let (profile, reports, changed) = shelf_view(state, user).await?;
    let products: Vec<Value> = shelf_items(state, user)
        .await?
        .iter()
        .map(|(id, item)| product_context(state, *id, item, profile.as_ref(), &reports))
        .collect();
    let kinds: Vec<Value> = ProductKind::ALL
        .iter()
        .map(|k| context! { id => k.id(), label => state.knowledge().labels.kind(*k) })
        .collect();
    render(
        "shelf.html",
        viewer,
        "shelf",
        status,
        context! { products, added => form.get_attr("added").ok(), removed => form.get_attr("removed").ok(), refresh => form.get_attr("refresh").ok(), form, errors, kinds, changed },
    )
}

pub(super) async fn shelf_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let asked = FormData::parse(query.as_deref().unwrap_or_default().as_bytes());
    if let Ok(id) = asked.get("reading").parse::<i64>() {
        return reading_page(&state, &viewer, user, id).await;
    }
    // A catalog product without an ingredient list comes back here with its name, for
    // the list to be typed from the pack.
    let form = context! {
        name => asked.get("name"), ingredients => "", kind => "",
        added => flag(&query, "added"), removed => flag(&query, "removed"),
        needs_list => flag(&query, "needs_list"),
        scan => scan_notice(&asked.get("scan")),
        label => label_notice(&asked.get("label")),
        catalog => catalog_context(&state, &asked.get("q")).await?,
    };
    render_shelf(&state, &viewer, user, form, BTreeMap::new(), StatusCode::OK).await
}

/// The catalog part of the shelf page: whether there is a catalog, and what a search
/// found (each with an "add" button).
async fn catalog_context(state: &AppState, q: &str) -> Result<Value, PageError> {
    let imported = state.store().catalog_generation().await? > 0;
    let q = q.trim();
    if !imported || q.is_empty() {
        return Ok(context! { imported, q });
    }
    let q: String = q.chars().take(200).collect();
    let found = crate::catalog::search(state.store(), state.catalog_words(), &q, 10).await?;
    let products: Vec<Value> = found
        .products
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let matched = found.partial.as_ref().and_then(|m| m.get(i)).cloned();
            context! {
                matched,
                code => p.code,
                name => if p.name.is_empty() { "(no name)".to_string() } else { p.name.clone() },
                brands => p.brands.split(',').map(str::trim).take(2).collect::<Vec<_>>().join(", "),
                kind => regimen_core::vocab::ProductKind::from_id(&p.kind)
                    .map_or_else(String::new, |k| state.knowledge().labels.kind(k).to_string()),
                has_list => !p.ingredients.trim().is_empty(),
            }
        })
        .collect();
    let corrected: Vec<String> = found
        .corrected
        .iter()
        .map(|(from, to)| format!("\u{201c}{from}\u{201d} as \u{201c}{to}\u{201d}"))
        .collect();
    Ok(context! {
        imported, q, searched => true, products, corrected, unknown => found.unknown,
        partial => found.partial.is_some(),
        attribution => crate::catalog::ATTRIBUTION, attribution_url => crate::catalog::ATTRIBUTION_URL,
    })
}

/// `POST /shelf/scan`: a photo of a pack's barcode (a plain file input), queued to be
/// read; the shelf page then looks again until it is (`?reading=`), and goes to the
/// catalog part with what was found.
pub(super) async fn scan_barcode(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: axum::extract::Multipart,
) -> PageResult {
    queue_photo(state, viewer, multipart, "barcode").await
}

/// `POST /shelf/label`: a photo of a label's ingredient list, queued to be read
/// (Tesseract) and corrected against the dictionary; the shelf page then looks again
/// until it is, and shows the list in the form to be checked, edited and saved.
pub(super) async fn scan_label(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: axum::extract::Multipart,
) -> PageResult {
    queue_photo(state, viewer, multipart, "label").await
}

/// Takes a scan's photo as every upload is taken and queues it (a job of `kind`); back
/// to the shelf page, which looks again until it is read.
async fn queue_photo(
    state: AppState,
    viewer: Viewer,
    multipart: axum::extract::Multipart,
    kind: &str,
) -> PageResult {
    let user = viewer.user()?;
    let back = |code: &str| {
        Ok(see_other(&match kind {
            "barcode" => format!("/shelf?scan={code}#catalog"),
            _ => format!("/shelf?label={code}#add"),
        }))
    };
    let Ok(_slot) = state.uploads().take(user) else {
        return back("busy");
    };
    let upload = read_upload(multipart, "photo", crate::photos::MAX_PHOTO_BODY, true).await?;
    if let Some(code) = upload.refused_code() {
        return back(code);
    }
    check_form(&viewer, &upload.fields)?;
    let Some((_, file)) = upload.received() else {
        return back("missing");
    };
    let params = serde_json::json!({ "name": upload.fields.get("name") });
    match crate::jobs::enqueue(&state, user, kind, &params, file).await {
        Ok(job) => Ok(see_other(&format!("/shelf?reading={}", job.id))),
        Err(ApiError::TooManyJobs(_)) => back("queue"),
        Err(other) => Err(other.into()),
    }
}

/// After this long a photo still waiting to be read is said to be waiting, and the page
/// stops looking again.
const STALE_MINUTES: i64 = 5;

/// The shelf page while a scan's photo is read: it looks again every two seconds; once
/// read, a barcode goes to the catalog part, a label's list into the form.
async fn reading_page(state: &AppState, viewer: &Viewer, user: i64, id: i64) -> PageResult {
    let job = state
        .store()
        .job(user, id)
        .await?
        .ok_or(PageError::NotFound)?;
    let result: Value = job
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
        .map(Value::from_serialize)
        .unwrap_or_default();
    let label = job.kind == "label";
    match job.state.as_str() {
        "done" if label => {
            let read = result.get_attr("label").unwrap_or_default();
            let text = read
                .get_attr("text")
                .map(|t| t.to_string())
                .unwrap_or_default();
            if text.trim().is_empty() {
                return Ok(see_other("/shelf?label=empty#add"));
            }
            let pairs = |field: &str, joiner: &str| -> Vec<String> {
                read.get_attr(field)
                    .ok()
                    .and_then(|c| c.try_iter().ok())
                    .into_iter()
                    .flatten()
                    .map(|pair| {
                        let part = |i: usize| {
                            pair.get_item(&Value::from(i))
                                .map(|v| v.to_string())
                                .unwrap_or_default()
                        };
                        format!("\u{201c}{}\u{201d}{joiner}{}", part(0), part(1))
                    })
                    .collect()
            };
            let corrected = pairs("corrected", " as ");
            let to_check = pairs("to_check", ", perhaps ");
            let name = serde_json::from_str::<serde_json::Value>(&job.params)
                .ok()
                .and_then(|p| p["name"].as_str().map(str::to_string))
                .unwrap_or_default();
            let form = context! {
                name, ingredients => text, kind => "",
                catalog => catalog_context(state, "").await?,
                label_read => true, label_corrected => corrected, label_to_check => to_check,
                label_unknown => read.get_attr("unknown").unwrap_or_default(),
            };
            render_shelf(state, viewer, user, form, BTreeMap::new(), StatusCode::OK).await
        }
        "done" => {
            let code = result
                .get_attr("barcode")
                .and_then(|b| b.get_attr("code"))
                .ok()
                .filter(|c| !c.is_undefined() && !c.is_none())
                .map(|c| c.to_string());
            Ok(see_other(&match code {
                Some(code) => format!("/shelf?scan=read&q={code}#catalog"),
                None => "/shelf?scan=none#catalog".to_string(),
            }))
        }
        "failed" => {
            let error = job.error.unwrap_or_default();
            tracing::warn!(id, %error, "a scan failed");
            let code = if error.contains("esseract") || error.contains("reads no labels") {
                "ocr"
            } else if error.contains("stopped before it ended")
                || error.contains("reading this photo failed")
            {
                "stopped"
            } else {
                "image"
            };
            Ok(see_other(&if label {
                format!("/shelf?label={code}#add")
            } else {
                format!("/shelf?scan={code}#catalog")
            }))
        }
        _ => {
            // A photo that waits long (no worker runs, say) stops the looking again.
            let waited = chrono::DateTime::parse_from_rfc3339(&job.created_at)
                .map(|at| chrono::Utc::now().signed_duration_since(at))
                .unwrap_or_default();
            let stale = waited > chrono::Duration::minutes(STALE_MINUTES);
            let form = context! {
                name => "", ingredients => "", kind => "",
                reading => if label { "the ingredient list" } else { "the barcode" },
                stale, refresh => (!stale).then_some(2),
                catalog => catalog_context(state, "").await?,
            };
            render_shelf(state, viewer, user, form, BTreeMap::new(), StatusCode::OK).await
        }
    }
}

/// What a label photo did, in words (when it did not fill the form).
fn label_notice(code: &str) -> Option<Value> {
    let text = match code {
        "empty" => "No text could be read in that photo: photograph the list straight on, in focus, in good light, or type it.",
        "missing" => "Choose a photo of the ingredient list first.",
        "image" => "That file could not be read as a photo: choose a JPEG, PNG or WebP image.",
        "large" => "That photo is too large: at most 16 MB and 50 million pixels.",
        "busy" => "Another photo of yours is still on its way: try again in a moment.",
        "broken" => "The photo did not arrive whole: try again.",
        "ocr" => "Reading labels is not set up on this server (it needs Tesseract): type the list instead.",
        "queue" => "Ten of your photos are waiting to be read already: try again when they are done.",
        "stopped" => "Reading your photo stopped before it ended: try again in a moment, or type the list.",
        _ => return None,
    };
    Some(context! { ok => false, text })
}

/// What a barcode photo did, in words.
fn scan_notice(code: &str) -> Option<Value> {
    let (ok, text) = match code {
        "read" => (true, "Barcode read from your photo."),
        "none" => (false, "No barcode could be read in that photo: photograph the bars straight on, in focus and filling most of the picture, or type the number under them."),
        "missing" => (false, "Choose a photo of the barcode first."),
        "image" => (false, "That file could not be read as a photo: choose a JPEG, PNG or WebP image."),
        "large" => (false, "That photo is too large: at most 16 MB and 50 million pixels."),
        "busy" => (false, "Another photo of yours is still on its way: try again in a moment."),
        "broken" => (false, "The photo did not arrive whole: try again."),
        "queue" => (false, "Ten of your photos are waiting to be read already: try again when they are done."),
        "stopped" => (false, "Reading your photo stopped before it ended: try again in a moment, or type the number under the bars."),
        _ => return None,
    };
    Some(context! { ok, text })
}

/// The name a catalog product goes on the shelf by: its brand first when the name does
/// not say it.
fn shelf_name(product: &regimen_store::CatalogEntry) -> String {
    let brand = product.brands.split(',').next().unwrap_or_default().trim();
    let name = product.name.trim();
    if name.is_empty() {
        return brand.to_string();
    }
    if brand.is_empty() || name.to_lowercase().contains(&brand.to_lowercase()) {
        name.to_string()
    } else {
        format!("{brand} {name}")
    }
}

/// `POST /shelf/catalog`: a catalog product onto the shelf in one click; one without
/// an ingredient list goes to the form with its name, for the list to be typed.
pub(super) async fn add_from_catalog(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let forms =
        regimen_core::catalog::barcode_forms(&form.get("code")).ok_or(PageError::NotFound)?;
    let product = state
        .store()
        .catalog_product(&forms)
        .await?
        .ok_or(PageError::NotFound)?;
    let name = shelf_name(&product);
    if product.ingredients.trim().is_empty() {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("needs_list", "1")
            .append_pair("name", &name)
            .finish();
        return Ok(see_other(&format!("/shelf?{query}#add")));
    }
    let json = serde_json::json!({"name": name, "ingredients": product.ingredients});
    let caller = crate::Caller { user_id: user };
    let stored =
        crate::resources::ShelfItems::accept(&state, caller, json.to_string().as_bytes()).await?;
    state
        .create_document(user, Collection::Shelf, &stored.sort_key, &stored.body)
        .await?;
    Ok(see_other("/shelf?added=1"))
}

pub(super) async fn add_product(
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
            Ok(see_other("/shelf?added=1"))
        }
        Err(ApiError::BadRequest { message, field } | ApiError::Invalid { message, field }) => {
            let mut errors = BTreeMap::new();
            errors.insert(form_field(field.as_deref()), message);
            let typed = context! {
                name => form.get("name"), ingredients => form.get("ingredients"), kind => form.get("kind"),
                catalog => catalog_context(&state, "").await?,
            };
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

pub(super) async fn product_page(
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
    let (profile, reports, _) = shelf_view(&state, user).await?;
    let product = product_context(&state, id, &item, profile.as_ref(), &reports);
    render(
        "product.html",
        &viewer,
        "shelf",
        StatusCode::OK,
        context! { product },
    )
}

pub(super) async fn remove_product(
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
    Ok(see_other("/shelf?removed=1"))
}
