//! The plan page, its downloads and the calendar subscription.

use super::*;

pub(super) fn routine_context(
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
pub(super) fn plan_context(state: &AppState, plan: &Plan<'_>, events: &[IsoDate]) -> Value {
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

pub(super) fn shelf_context(report: &ShelfReport) -> Value {
    Value::from_serialize(report)
}

pub(super) async fn plan_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let Some((_, profile)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let ctx = make_saved_plan(&state, &profile, plan_start(&profile), 4, |plan| {
        plan_context(&state, plan, &profile.events)
    })?;
    render("plan.html", &viewer, "plan", StatusCode::OK, ctx)
}

pub(super) fn download(content_type: &str, filename: &str, body: Vec<u8>) -> Response {
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

pub(super) async fn plan_download_json(
    State(state): State<AppState>,
    viewer: Viewer,
) -> PageResult {
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

pub(super) async fn plan_download_ics(State(state): State<AppState>, viewer: Viewer) -> PageResult {
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

pub(super) async fn subscribe(
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
