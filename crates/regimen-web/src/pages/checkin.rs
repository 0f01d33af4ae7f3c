//! Check-ins (one a date, edited and deleted from their history) and the history:
//! a chart per rated concern, spaced by date, reactions marked, and said in words.

use super::*;
use std::collections::BTreeSet;

/// The concerns a check-in asks about: the person's, else all of them.
async fn checkin_concerns(state: &AppState, user: i64) -> Result<Vec<Value>, PageError> {
    let profile = current_profile(state, user).await?.map(|(_, p)| p);
    let concerns: Vec<Concern> = match &profile {
        Some(p) if !p.concerns.is_empty() => p.concerns.clone(),
        _ => Concern::ALL.to_vec(),
    };
    Ok(concerns
        .iter()
        .map(|c| context! { id => c.id(), label => state.knowledge().labels.concern(*c) })
        .collect())
}

/// A stored check-in, as JSON.
async fn stored_checkin(
    state: &AppState,
    user: i64,
    date: &str,
) -> Result<Option<serde_json::Value>, PageError> {
    let Some(document) = state
        .store()
        .by_sort_key(user, Collection::Checkin, date)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(serde_json::from_str(&document.body).map_err(|e| {
        ApiError::Internal(format!("stored check-in {}: {e}", document.id))
    })?))
}

/// The steps of a day's check-in, in words.
fn steps_in_words(state: &AppState, checkin: &serde_json::Value) -> Vec<String> {
    checkin["steps_done"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().and_then(Step::from_id))
        .map(|s| state.knowledge().step(s).name.clone())
        .collect()
}

/// The check-in page: today's, or the date asked for (`?date=`), filled in with what
/// is already stored for it.
pub(super) async fn checkin_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let query = query.unwrap_or_default();
    let param = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let asked = param("date").and_then(|v| IsoDate::parse(&v).ok());
    let date = asked.unwrap_or(IsoDate(today()));
    let photos: Vec<Value> = state
        .store()
        .photos(user)
        .await?
        .iter()
        .filter(|p| p.date == date.to_string())
        .map(|p| Value::from_serialize(crate::photos::photo_json(p)))
        .collect();
    let photo_note = param("photo").and_then(|code| photo_words(&code));
    let stored = stored_checkin(&state, user, &date.to_string()).await?;
    let concerns = checkin_concerns(&state, user).await?;
    let (ratings, reactions, note, steps) = match &stored {
        Some(c) => (
            c["ratings"]
                .as_object()
                .map(|r| {
                    r.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_i64()?)))
                        .collect::<BTreeMap<String, i64>>()
                })
                .unwrap_or_default(),
            c["reactions"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            c["note"].as_str().unwrap_or_default().to_string(),
            steps_in_words(&state, c),
        ),
        None => (BTreeMap::new(), String::new(), String::new(), Vec::new()),
    };
    let form = context! { date => date.to_string(), ratings, reactions, note };
    render(
        "checkin.html",
        &viewer,
        "checkin",
        StatusCode::OK,
        context! {
            form,
            concerns,
            steps,
            // A check-in with only the day's ticks is not one the person wrote yet.
            editing => stored.as_ref().is_some_and(|c| {
                let rated = c["ratings"].as_object().is_some_and(|r| !r.is_empty());
                let noted = !c["note"].as_str().unwrap_or_default().is_empty();
                let reacted = c["reactions"].as_array().is_some_and(|r| !r.is_empty());
                rated || noted || reacted
            }),
            label => long_date(date.0),
            errors => BTreeMap::<String, String>::new(),
            photos,
            photo_note,
            photo_types => regimen_photos::process::TYPES.join(","),
        },
    )
}

/// What happened to a photo, by the code the upload's redirect carries.
fn photo_words(code: &str) -> Option<Value> {
    let (ok, text) = match code {
        "added" => (true, "Your photo is added. Only you can see it; nothing about where or with what it was taken is kept."),
        "removed" => (true, "The photo is deleted."),
        "missing" => (false, "Choose a photo first."),
        "type" => (false, "That file is not a photo regimen takes: choose a JPEG, PNG or WebP image."),
        "image" => (false, "That file could not be read as a photo: it may be damaged."),
        "large" => (false, "That photo is too large: at most 16 MB and 50 million pixels."),
        "busy" => (false, "Another photo of yours is still on its way: try again in a moment."),
        "broken" => (false, "The photo did not arrive whole: try again."),
        "full" => (false, "You keep as many photos as regimen stores for one person: delete some first."),
        "date" => (false, "A photo is of a day that has come: choose today or a day before."),
        _ => return None,
    };
    Some(context! { ok, text })
}

/// Adds a photo to a day's check-in (a plain multipart form: a file input, the date
/// and the form's token), then back to that day's check-in with what happened.
pub(super) async fn add_photo(
    State(state): State<AppState>,
    viewer: Viewer,
    multipart: axum::extract::Multipart,
) -> PageResult {
    let user = viewer.user()?;
    let Ok(_slot) = state.uploads().take(user) else {
        return Ok(see_other("/checkin?photo=busy#photos"));
    };
    let upload = read_upload(multipart, "photo", crate::photos::MAX_PHOTO_BODY, true).await?;
    let date = IsoDate::parse(&upload.fields.get("date")).unwrap_or(IsoDate(today()));
    // Back to the photos of that day, where what happened is said.
    let back = |code: &str| {
        Ok(see_other(&format!(
            "/checkin?date={date}&photo={code}#photos"
        )))
    };
    // A file of another declared type is said to be one, whatever its bytes.
    if !upload.declared.is_empty() && regimen_photos::declared_type(&upload.declared).is_err() {
        return back("type");
    }
    if let Some(code) = upload.refused_code() {
        return back(code);
    }
    check_form(&viewer, &upload.fields)?;
    let Some((kind, file)) = upload.received() else {
        return back("missing");
    };
    let kept = async {
        let date = crate::photos::may_keep(&state, user, &date.to_string(), kind).await?;
        crate::photos::keep(&state, user, date, kind, file).await
    };
    match kept.await {
        Ok(_) => back("added"),
        Err(ApiError::Unsupported(_)) => back("type"),
        Err(ApiError::Quota(_)) => back("full"),
        Err(ApiError::Invalid {
            field: Some(field), ..
        }) if field == "date" => back("date"),
        Err(ApiError::Invalid { message, .. }) if message.contains("too large") => back("large"),
        Err(ApiError::Invalid { .. }) => back("image"),
        Err(other) => Err(other.into()),
    }
}

/// Deletes one of the person's photos from its check-in page.
pub(super) async fn delete_photo(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    let photo = state
        .store()
        .photo(user, id)
        .await?
        .ok_or(PageError::NotFound)?;
    crate::photos::forget_one(&state, user, id).await?;
    Ok(see_other(&format!(
        "/checkin?date={}&photo=removed#photos",
        photo.date
    )))
}

/// Saves a check-in: the ratings, reactions and note of a date (its ticked steps, from
/// the day's checklist, stay as they are).
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
    let date = form.get("date");
    let mut json = serde_json::json!({
        "date": date,
        "ratings": ratings,
        "reactions": list(&form.get("reactions")),
        "note": form.get("note"),
    });
    // The steps ticked for that day stay.
    if let Some(stored) = stored_checkin(&state, user, &date).await? {
        for field in ["steps_done", "am_done", "pm_done"] {
            if !stored[field].is_null() {
                json[field] = stored[field].clone();
            }
        }
    }
    if errors.is_empty() {
        let caller = crate::Caller { user_id: user };
        match Checkins::accept(&state, caller, json.to_string().as_bytes()).await {
            Ok(stored) => {
                state
                    .create_document(user, Collection::Checkin, &stored.sort_key, &stored.body)
                    .await?;
                // A reaction gets its advice at once, the urgent signs first.
                let reacted = json["reactions"].as_array().is_some_and(|r| !r.is_empty());
                return Ok(see_other(if reacted {
                    "/history?reaction=1#reaction"
                } else {
                    "/history?saved=1"
                }));
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
    let concerns = checkin_concerns(&state, user).await?;
    let typed = context! { date => form.get("date"), ratings => typed_ratings, reactions => form.get("reactions"), note => form.get("note") };
    render(
        "checkin.html",
        &viewer,
        "checkin",
        StatusCode::UNPROCESSABLE_ENTITY,
        context! { form => typed, concerns, steps => Vec::<String>::new(), editing => false, label => form.get("date"), errors },
    )
}

/// Deletes one check-in.
pub(super) async fn delete_checkin(
    State(state): State<AppState>,
    viewer: Viewer,
    PageId(id): PageId,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    if !state.store().delete(user, Collection::Checkin, id).await? {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/history?deleted=1"))
}

/// One concern's ratings over time.
pub(super) struct Series<'a> {
    /// The concern, in words.
    pub label: &'a str,
    /// (date, rating 1-5), in date order.
    pub points: Vec<(NaiveDate, i64)>,
    /// Days with a reaction.
    pub reactions: Vec<NaiveDate>,
}

/// "1 Dec".
fn short_date(date: NaiveDate) -> String {
    date.format("%-d %b").to_string()
}

impl Series<'_> {
    /// A line chart as SVG: days spaced by date (a gap in the check-ins is a gap in the
    /// line), reactions marked below, text large enough on a phone.
    pub(super) fn svg(&self) -> String {
        let (width, height, left, right, top, bottom) = (360.0, 190.0, 26.0, 12.0, 12.0, 46.0);
        let (Some(first), Some(last)) = (
            self.points
                .first()
                .map(|p| p.0)
                .into_iter()
                .chain(self.reactions.iter().copied())
                .min(),
            self.points
                .last()
                .map(|p| p.0)
                .into_iter()
                .chain(self.reactions.iter().copied())
                .max(),
        ) else {
            return String::new();
        };
        let days = (last - first).num_days().max(1) as f64;
        let x = |d: NaiveDate| left + (width - left - right) * (d - first).num_days() as f64 / days;
        let y = |v: i64| top + (height - top - bottom) * (5 - v.clamp(1, 5)) as f64 / 4.0;
        let mut svg = format!(
            "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-hidden=\"true\" focusable=\"false\" xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\">",
        );
        for level in 1..=5 {
            svg.push_str(&format!(
                "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd5c8\"/><text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#4f5d66\">{level}</text>",
                width - right,
                left - 18.0,
                y(level) + 4.5,
                y = y(level)
            ));
        }
        // The line, broken where check-ins are more than two days apart.
        let mut runs: Vec<Vec<String>> = Vec::new();
        let mut previous: Option<NaiveDate> = None;
        for (date, value) in &self.points {
            if previous.is_none_or(|p| (*date - p).num_days() > 2) {
                runs.push(Vec::new());
            }
            if let Some(run) = runs.last_mut() {
                run.push(format!("{:.1},{:.1}", x(*date), y(*value)));
            }
            previous = Some(*date);
        }
        for run in runs.iter().filter(|r| r.len() > 1) {
            svg.push_str(&format!(
                "<polyline fill=\"none\" stroke=\"#1e5b57\" stroke-width=\"3\" stroke-linejoin=\"round\" points=\"{}\"/>",
                run.join(" ")
            ));
        }
        for (date, value) in &self.points {
            svg.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"#1e5b57\"><title>{}: {value}</title></circle>",
                x(*date),
                y(*value),
                short_date(*date)
            ));
        }
        let base = height - bottom + 14.0;
        for date in &self.reactions {
            let cx = x(*date);
            svg.push_str(&format!(
                "<path d=\"M{:.1} {:.1} l5 9 h-10 z\" fill=\"#a3161b\"><title>{}: a reaction</title></path>",
                cx,
                base - 4.0,
                short_date(*date)
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{left}\" y=\"{}\" font-size=\"13\" fill=\"#4f5d66\">{}</text>",
            height - 6.0,
            short_date(first)
        ));
        if last != first {
            svg.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#4f5d66\" text-anchor=\"end\">{}</text>",
                width - right,
                height - 6.0,
                short_date(last)
            ));
        }
        svg.push_str("</svg>");
        svg
    }

    /// What the chart shows, in words (its text alternative).
    pub(super) fn summary(&self) -> String {
        let (Some(first), Some(last)) = (self.points.first(), self.points.last()) else {
            return format!("{}: no ratings yet.", self.label);
        };
        let low = self.points.iter().map(|p| p.1).min().unwrap_or(first.1);
        let high = self.points.iter().map(|p| p.1).max().unwrap_or(first.1);
        let mut text = format!(
            "{}: {} rating{} from {} to {}, between {low} and {high}; the first {}, the latest {}.",
            self.label,
            self.points.len(),
            if self.points.len() == 1 { "" } else { "s" },
            short_date(first.0),
            short_date(last.0),
            first.1,
            last.1,
        );
        match self.reactions.len() {
            0 => {}
            1 => text.push_str(" One day with a reaction."),
            n => text.push_str(&format!(" {n} days with a reaction.")),
        }
        text
    }
}

/// What to do about a reaction, from the knowledge base: the urgent signs, the first
/// steps, when to see a doctor, each with its source.
fn reaction_advice(state: &AppState) -> Vec<Value> {
    ["reaction_urgent", "reaction", "derm_burning"]
        .iter()
        .filter_map(|rule| state.knowledge().cite(rule))
        .map(|c| {
            context! {
                text => c.text,
                source => c.source,
                href => source_href(state, c.id),
                urgent => c.id == "reaction_urgent",
            }
        })
        .collect()
}

/// Check-ins listed on one page of the history.
const HISTORY_PAGE: usize = 60;

pub(super) async fn history_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let query = query.unwrap_or_default();
    let said = |name: &str| form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == name);
    let reaction = said("reaction").then(|| reaction_advice(&state));
    let saved = said("saved") || said("reaction");
    let deleted = said("deleted");
    let documents = state.store().list(user, Collection::Checkin).await?;
    let checkins: Vec<(i64, NaiveDate, serde_json::Value)> = documents
        .iter()
        .filter_map(|d| {
            let body: serde_json::Value = serde_json::from_str(&d.body).ok()?;
            let date = IsoDate::parse(body["date"].as_str()?).ok()?;
            Some((d.id, date.0, body))
        })
        .collect();
    let reactions: BTreeSet<NaiveDate> = checkins
        .iter()
        .filter(|(_, _, c)| c["reactions"].as_array().is_some_and(|r| !r.is_empty()))
        .map(|(_, date, _)| *date)
        .collect();
    let labels = &state.knowledge().labels;
    let mut charts = Vec::new();
    for concern in Concern::ALL {
        let points: Vec<(NaiveDate, i64)> = checkins
            .iter()
            .filter_map(|(_, date, c)| Some((*date, c["ratings"][concern.id()].as_i64()?)))
            .collect();
        if points.is_empty() {
            continue;
        }
        let series = Series {
            label: labels.concern(*concern),
            points,
            reactions: reactions.iter().copied().collect(),
        };
        charts.push(context! {
            id => concern.id(),
            label => series.label,
            svg => series.svg(),
            summary => series.summary(),
            reactions => !series.reactions.is_empty(),
        });
    }
    // The list a page at a time, newest first (the charts show them all).
    let pages = checkins.len().div_ceil(HISTORY_PAGE).max(1);
    let page = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let newest_first: Vec<Value> = checkins
        .iter()
        .rev()
        .skip((page - 1) * HISTORY_PAGE)
        .take(HISTORY_PAGE)
        .map(|(id, date, c)| {
            let ratings: Vec<String> = Concern::ALL
                .iter()
                .filter_map(|concern| {
                    let value = c["ratings"][concern.id()].as_i64()?;
                    Some(format!("{} {value}", labels.concern(*concern)))
                })
                .collect();
            context! {
                id,
                date => date.to_string(),
                label => long_date(*date),
                steps => steps_in_words(&state, c),
                ratings,
                reactions => c["reactions"].clone(),
                note => c["note"].as_str().unwrap_or_default(),
            }
        })
        .collect();
    render(
        "history.html",
        &viewer,
        "history",
        StatusCode::OK,
        context! {
            checkins => newest_first,
            charts,
            reaction,
            saved,
            deleted,
            total => checkins.len(),
            page,
            pages,
            newer => (page > 1).then(|| page - 1),
            older => (page < pages).then(|| page + 1),
        },
    )
}
