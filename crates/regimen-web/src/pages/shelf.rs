//! The shelf: the person's products, each with its analysis and its place in the plan.

use super::*;

pub(super) fn usage(report: Option<&ShelfReport>, name: &str) -> String {
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
pub(super) async fn shelf_view(
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
pub(super) fn product_context(
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

pub(super) async fn render_shelf(
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

pub(super) async fn shelf_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let form = context! { name => "", ingredients => "", kind => "" };
    render_shelf(&state, &viewer, user, form, BTreeMap::new(), StatusCode::OK).await
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
    Ok(see_other("/shelf"))
}
