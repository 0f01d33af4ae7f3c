//! The questionnaire: the first page, and saving its answers.

use super::*;

pub(super) fn concern_label(concern: Concern) -> &'static str {
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

pub(super) fn start_options() -> Value {
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
pub(super) fn start_form_from(profile: Option<&Profile>) -> Value {
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
pub(super) fn avoid_notes(state: &AppState, entries: &[String]) -> (Vec<String>, bool) {
    if entries.is_empty() {
        return (Vec::new(), false);
    }
    let read = AvoidList::parse(state.knowledge(), state.analyzer(), entries);
    let notes = read.entries().iter().filter_map(|e| e.note()).collect();
    let unknown = read.needs_checking();
    (notes, unknown)
}

pub(super) async fn start(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let profile = match viewer.user_id {
        Some(user) => current_profile(&state, user).await?.map(|(_, p)| p),
        None => None,
    };
    let (avoid_notes, _) = avoid_notes(&state, profile.as_ref().map_or(&[], |p| &p.avoid));
    let ctx = context! { form => start_form_from(profile.as_ref()), errors => BTreeMap::<String, String>::new(), avoid_notes, ..start_options() };
    render("start.html", &viewer, "start", StatusCode::OK, ctx)
}

pub(super) fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The form field a profile error belongs to (`events[1]` is the events field).
pub(super) fn form_field(field: Option<&str>) -> String {
    let field = field.unwrap_or("form");
    field.split(['[', '.']).next().unwrap_or(field).to_string()
}

pub(super) async fn save_start(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
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
                let Some(user) = viewer.user_id else {
                    // A visitor (with accounts): the plan first, then an offer to keep it.
                    return visitor_plan(&state, &viewer, profile);
                };
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
                // The plan is made now and stays put: from the chosen first day, or today.
                if let Some((_, with_shelf)) = current_profile(&state, user).await? {
                    let start = profile.start.unwrap_or(IsoDate(today()));
                    set_current_plan(&state, user, with_shelf, start, 4).await?;
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
pub(super) fn typed_start_form(form: &FormData) -> Value {
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

/// The plan of a visitor who is not signed in (with accounts): shown at once, stored
/// nowhere, with the answers carried into the sign-up and sign-in forms to keep it.
fn visitor_plan(state: &AppState, viewer: &Viewer, profile: Profile) -> PageResult {
    let start = profile.start.unwrap_or(IsoDate(today()));
    let saved = crate::resources::SavedPlan {
        profile,
        start,
        weeks: 4,
    };
    let timing = Timing::of(&saved, today());
    let ctx = with_plan(state, &saved, |plan| {
        plan_context(
            state,
            plan,
            timing,
            &saved.profile.events,
            &Ticked::default(),
        )
    })?;
    let answers =
        serde_json::to_string(&saved.profile).map_err(|e| ApiError::Internal(e.to_string()))?;
    render(
        "plan.html",
        viewer,
        "plan",
        StatusCode::OK,
        context! { visitor => true, answers, ..ctx },
    )
}
