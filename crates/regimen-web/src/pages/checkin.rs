//! Check-ins and their history.

use super::*;

pub(super) async fn checkin_context(
    state: &AppState,
    user: i64,
) -> Result<(Vec<Value>, Vec<Value>), PageError> {
    let profile = current_profile(state, user).await?.map(|(_, p)| p);
    let concerns: Vec<Concern> = match &profile {
        Some(p) if !p.concerns.is_empty() => p.concerns.clone(),
        _ => Concern::ALL.to_vec(),
    };
    let steps: Vec<Value> = Step::ALL
        .iter()
        .map(|s| context! { id => s.id(), name => state.knowledge().step(*s).name.clone() })
        .collect();
    let concerns = concerns
        .iter()
        .map(|c| context! { id => c.id(), label => concern_label(*c) })
        .collect();
    Ok((steps, concerns))
}

pub(super) async fn checkin_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let (steps, concerns) = checkin_context(&state, user).await?;
    let form = context! { date => today().to_string(), steps_done => Vec::<String>::new(), ratings => BTreeMap::<String, i64>::new(), reactions => "", note => "" };
    render(
        "checkin.html",
        &viewer,
        "checkin",
        StatusCode::OK,
        context! { form, steps, concerns, errors => BTreeMap::<String, String>::new() },
    )
}

pub(super) async fn save_checkin(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let mut ratings = serde_json::Map::new();
    let mut typed_ratings = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for concern in Concern::ALL {
        let value = form.get(&format!("rating_{}", concern.id()));
        if value.is_empty() {
            continue;
        }
        match value.parse::<i64>() {
            Ok(n) => {
                ratings.insert(concern.id().into(), n.into());
                typed_ratings.insert(concern.id().to_string(), n);
            }
            Err(_) => {
                errors.insert(
                    format!("ratings.{}", concern.id()),
                    format!("\"{value}\" is not a rating from 1 to 5."),
                );
            }
        }
    }
    let json = serde_json::json!({
        "date": form.get("date"),
        "steps_done": form.all("steps_done"),
        "ratings": ratings,
        "reactions": list(&form.get("reactions")),
        "note": form.get("note"),
    });
    if errors.is_empty() {
        let caller = crate::Caller { user_id: user };
        match Checkins::accept(&state, caller, json.to_string().as_bytes()).await {
            Ok(stored) => {
                state
                    .create_document(user, Collection::Checkin, &stored.sort_key, &stored.body)
                    .await?;
                return Ok(see_other("/history"));
            }
            Err(ApiError::BadRequest { message, field } | ApiError::Invalid { message, field }) => {
                let field = field.unwrap_or_else(|| "date".into());
                let key = if field.starts_with("ratings.") {
                    field
                } else {
                    form_field(Some(&field))
                };
                errors.insert(key, message);
            }
            Err(other) => return Err(other.into()),
        }
    }
    let (steps, concerns) = checkin_context(&state, user).await?;
    let typed = context! { date => form.get("date"), steps_done => form.all("steps_done"), ratings => typed_ratings, reactions => form.get("reactions"), note => form.get("note") };
    render(
        "checkin.html",
        &viewer,
        "checkin",
        StatusCode::UNPROCESSABLE_ENTITY,
        context! { form => typed, steps, concerns, errors },
    )
}

/// A line chart of one concern's ratings, as SVG (dates are ISO strings, ratings 1-5).
pub(super) fn chart_svg(label: &str, points: &[(String, i64)]) -> String {
    let (width, height, left, right, top, bottom) = (600.0, 200.0, 40.0, 20.0, 15.0, 35.0);
    let span = (points.len().max(2) - 1) as f64;
    let x = |i: usize| left + (width - left - right) * i as f64 / span;
    let y = |v: i64| top + (height - top - bottom) * (5 - v.clamp(1, 5)) as f64 / 4.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{label}: {} ratings\" xmlns=\"http://www.w3.org/2000/svg\">",
        points.len()
    );
    for level in 1..=5 {
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d7d2c8\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#4a5560\">{level}</text>",
            width - right,
            left - 16.0,
            y(level) + 4.0,
            y = y(level)
        ));
    }
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, (_, v))| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    svg.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#1f5f8b\" stroke-width=\"3\" points=\"{}\"/>",
        path.join(" ")
    ));
    for (i, (date, value)) in points.iter().enumerate() {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"#1f5f8b\"><title>{date}: {value}</title></circle>",
            x(i),
            y(*value)
        ));
    }
    if let Some(first) = points.first() {
        svg.push_str(&format!(
            "<text x=\"{left}\" y=\"{}\" font-size=\"12\" fill=\"#4a5560\">{}</text>",
            height - 10.0,
            first.0
        ));
    }
    if let Some(last) = points.last().filter(|_| points.len() > 1) {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#4a5560\" text-anchor=\"end\">{}</text>",
            width - right,
            height - 10.0,
            last.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

pub(super) async fn history_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let user = viewer.user()?;
    let documents = state.store().list(user, Collection::Checkin).await?;
    let checkins: Vec<serde_json::Value> = documents
        .iter()
        .filter_map(|d| serde_json::from_str(&d.body).ok())
        .collect();
    let mut charts = Vec::new();
    for concern in Concern::ALL {
        let points: Vec<(String, i64)> = checkins
            .iter()
            .filter_map(|c| {
                let value = c["ratings"][concern.id()].as_i64()?;
                let date = IsoDate::parse(c["date"].as_str()?).ok()?;
                Some((date.to_string(), value))
            })
            .collect();
        if !points.is_empty() {
            charts.push(context! { label => concern_label(*concern), svg => chart_svg(concern_label(*concern), &points) });
        }
    }
    let mut newest_first = checkins;
    newest_first.reverse();
    render(
        "history.html",
        &viewer,
        "history",
        StatusCode::OK,
        context! { checkins => Value::from_serialize(&newest_first), charts },
    )
}
