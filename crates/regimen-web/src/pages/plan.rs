//! The plan page, the day view, the downloads and the calendar subscription.
//!
//! The pages show one plan per person, anchored when it is made: a saved plan (its
//! profile, shelf, first day and length stored) under the sort key [`CURRENT`], updated
//! in place, so its calendar subscriptions follow it. Answering the questions makes it;
//! the next four weeks extend it (ramps go on where they were); changed answers or a
//! changed shelf offer to plan again from today.

use super::*;
use crate::resources::SavedPlan;
use chrono::Days;
use regimen_core::knowledge::WarningLevel;
use regimen_core::plan::Day;
use regimen_core::plan::MAX_WEEKS;

/// Weeks in a block of the plan: what the page shows at a time, and what "the next
/// weeks" adds.
pub(super) const BLOCK_WEEKS: u8 = 4;

/// The person's current plan.
pub(super) struct CurrentPlan {
    pub id: i64,
    pub saved: SavedPlan,
    /// When it was made or last extended (RFC 3339).
    pub made: String,
}

/// The person's current plan, if they have one.
pub(super) async fn current_plan(
    state: &AppState,
    user: i64,
) -> Result<Option<CurrentPlan>, PageError> {
    let Some(document) = state
        .store()
        .by_sort_key(user, Collection::Plan, crate::resources::CURRENT_PLAN)
        .await?
    else {
        return Ok(None);
    };
    let saved: SavedPlan = serde_json::from_str(&document.body)
        .map_err(|e| ApiError::Internal(format!("stored plan {}: {e}", document.id)))?;
    Ok(Some(CurrentPlan {
        id: document.id,
        saved,
        made: document.updated_at,
    }))
}

/// Makes (or makes again) the person's current plan from this profile, its shelf
/// included, from `start` for `weeks`; with a seed, as a personal experiment.
pub(super) async fn set_current_plan(
    state: &AppState,
    user: i64,
    profile: Profile,
    start: IsoDate,
    weeks: u8,
    experiment: Option<u64>,
) -> Result<CurrentPlan, PageError> {
    PlanOptions::new(start.0, weeks).map_err(|e| ApiError::invalid("start", e))?;
    // The plan listens to the person's check-ins (a reaction pauses what it points to);
    // it keeps the ones it heard, so that made again it says the same.
    let saved = SavedPlan {
        profile,
        start,
        weeks,
        experiment,
        checkins: crate::resources::heard_checkins(state, user).await?,
    };
    let body = serde_json::to_string(&saved).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (document, _) = state
        .create_document(
            user,
            Collection::Plan,
            crate::resources::CURRENT_PLAN,
            &body,
        )
        .await?;
    Ok(CurrentPlan {
        id: document.id,
        saved,
        made: document.updated_at,
    })
}

/// The current plan and the person's profile now (with their shelf); a person who has
/// answered the questions but has no plan yet (an older account) gets one from today.
pub(super) async fn plan_and_profile(
    state: &AppState,
    user: i64,
) -> Result<Option<(CurrentPlan, Profile)>, PageError> {
    let Some((_, profile)) = current_profile(state, user).await? else {
        return Ok(None);
    };
    let current = match current_plan(state, user).await? {
        Some(current) => current,
        None => {
            let start = profile.start.unwrap_or(IsoDate(today()));
            set_current_plan(state, user, profile.clone(), start, BLOCK_WEEKS, None).await?
        }
    };
    Ok(Some((current, profile)))
}

/// Where today falls in a plan.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timing {
    start: NaiveDate,
    weeks: u8,
    today: NaiveDate,
}

impl Timing {
    pub(super) fn of(saved: &SavedPlan, today: NaiveDate) -> Timing {
        Timing {
            start: saved.start.0,
            weeks: saved.weeks,
            today,
        }
    }

    fn days(&self) -> usize {
        usize::from(self.weeks) * 7
    }

    fn last(&self) -> NaiveDate {
        self.start + Days::new(self.days() as u64 - 1)
    }

    /// Today's place in the plan (0-based), before it (negative), or after it.
    fn offset(&self) -> i64 {
        (self.today - self.start).num_days()
    }

    /// The block of [`BLOCK_WEEKS`] weeks that holds today (the first before the plan
    /// starts, the last after it ends), as a range of day indexes.
    fn block(&self) -> std::ops::Range<usize> {
        let block_days = usize::from(BLOCK_WEEKS) * 7;
        let blocks = self.days().div_ceil(block_days);
        let index = (self.offset().max(0) as usize / block_days).min(blocks - 1);
        index * block_days..((index + 1) * block_days).min(self.days())
    }

    fn ended(&self) -> bool {
        self.today > self.last()
    }

    /// What the page says of it: "Week 2 of 4", "Starts on ...", "Ended on ...".
    fn context(&self) -> Value {
        let offset = self.offset();
        let (state, week) = if offset < 0 {
            ("upcoming", 0)
        } else if self.ended() {
            ("ended", 0)
        } else {
            ("running", offset / 7 + 1)
        };
        context! {
            state,
            week,
            weeks => self.weeks,
            start => long_date(self.start),
            last => long_date(self.last()),
            can_extend => self.weeks + BLOCK_WEEKS <= MAX_WEEKS,
        }
    }
}

/// "Tuesday 1 December".
pub(super) fn long_date(date: NaiveDate) -> String {
    date.format("%A %-d %B").to_string()
}

pub(super) fn routine_context(
    state: &AppState,
    (name, field): (&str, &str),
    steps: &[regimen_core::plan::StepEntry<'_>],
    done: &Ticked,
) -> Value {
    let ticked = if field == "am" { &done.am } else { &done.pm };
    context! {
        name,
        field,
        minutes => Plan::minutes(steps),
        steps => steps.iter().map(|s| context! {
            key => s.key(),
            label => s.display_name(state.knowledge()),
            minutes => s.minutes,
            product => s.product.clone(),
            how => s.removes.map(|_| s.how(state.knowledge())),
            done => done.has(ticked, s),
        }).collect::<Vec<_>>(),
    }
}

/// One day's routines, with the entries already ticked for it.
pub(super) fn day_context(state: &AppState, day: &Day<'_>, done: &Ticked) -> Value {
    context! {
        date => day.date.to_string(),
        label => long_date(day.date.0),
        routines => vec![
            routine_context(state, ("Morning", "am"), &day.am, done),
            routine_context(state, ("Evening", "pm"), &day.pm, done),
        ],
    }
}

/// The calendar of days `shown`: rows are weeks from Monday, cells outside the plan are
/// empty, a month's name where it starts, each day a link to its own page.
fn calendar_context(
    state: &AppState,
    plan: &Plan<'_>,
    shown: std::ops::Range<usize>,
    events: &[IsoDate],
    today: NaiveDate,
) -> Vec<Vec<Value>> {
    let knowledge = state.knowledge();
    let days = &plan.days[shown.start.min(plan.days.len())..shown.end.min(plan.days.len())];
    let Some(first) = days.first() else {
        return Vec::new();
    };
    let lead = first.date.0.weekday().num_days_from_monday() as usize;
    let mut cells: Vec<Value> = vec![Value::UNDEFINED; lead];
    for (i, day) in days.iter().enumerate() {
        let date = day.date.0;
        let mask = day.pm.iter().find_map(|s| s.mask_type).map(|m| {
            knowledge
                .mask_type(m)
                .map_or(m.to_string(), |t| t.name.to_lowercase())
        });
        // Ramped actives by name, or by family when the person's product carries one.
        let actives: Vec<String> = day
            .pm
            .iter()
            .filter_map(|s| Some((s, knowledge.active(s.active?)?)))
            .filter(|(_, a)| !a.rules.nights.is_empty())
            .map(|(s, a)| {
                let name = match (&s.product, knowledge.family(&a.family)) {
                    (Some(_), Some(family)) => &family.name,
                    _ => &a.name,
                };
                name.split(" (").next().unwrap_or(name).to_lowercase()
            })
            .collect();
        let month = (i == 0 || date.day() == 1).then(|| date.format("%b").to_string());
        cells.push(context! {
            date => day.date.to_string(),
            number => date.day(),
            month,
            label => long_date(date),
            mask,
            actives,
            today => date == today,
            event => events.contains(&day.date),
        });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(Value::UNDEFINED);
    }
    cells.chunks(7).map(<[Value]>::to_vec).collect()
}

/// The plan page's data: the block of weeks that holds today.
pub(super) fn plan_context(
    state: &AppState,
    plan: &Plan<'_>,
    timing: Timing,
    events: &[IsoDate],
    done_today: &Ticked,
) -> Value {
    let knowledge = state.knowledge();
    let today = timing.today;
    // Today's routines; for a plan that starts later, those of its first day.
    let today_day = plan
        .days
        .iter()
        .find(|d| d.date.0 == today)
        .map(|d| (d, "Today"))
        .or_else(|| {
            plan.days
                .first()
                .filter(|d| d.date.0 > today)
                .map(|d| (d, "Your first day"))
        });
    let today_ctx = today_day.map(|(day, heading)| {
        let none = Ticked::default();
        let done = if day.date.0 == today {
            done_today
        } else {
            &none
        };
        context! { heading, ..day_context(state, day, done) }
    });
    let shown = timing.block();
    let weeks = calendar_context(state, plan, shown.clone(), events, today);
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
            let last = plan.days.last().map_or(s.starts, |d| d.date);
            let when = if s.starts > last {
                format!("{when} after this plan: its patch-test turn comes then")
            } else if s.nights_per_week.is_empty() {
                when.to_string()
            } else {
                let nights: Vec<String> = s.nights_per_week.iter().map(u8::to_string).collect();
                format!("{when}, {} nights a week by week", nights.join(", "))
            };
            context! { id => s.active, name, when }
        })
        .collect();
    let block_first = plan.days.get(shown.start).map(|d| long_date(d.date.0));
    let block_last = plan
        .days
        .get(shown.end.saturating_sub(1))
        .map(|d| long_date(d.date.0));
    let tomorrow = today
        .succ_opt()
        .filter(|t| plan.days.iter().any(|d| d.date.0 == *t))
        .map(|t| t.to_string());
    context! {
        approach,
        tomorrow,
        timing => timing.context(),
        reasons => plan.reasons.iter().map(|r| context! { text => r.text.as_ref(), rule => r.rule, source => r.source, href => source_href(state, r.rule), external => state.knowledge().source_link(r.rule).is_some() }).collect::<Vec<_>>(),
        today => today_ctx,
        weeks,
        block => context! {
            first => block_first,
            last => block_last,
            from_week => shown.start / 7 + 1,
            to_week => shown.end.div_ceil(7),
        },
        masks,
        serums,
        shelf => plan.shelf.as_ref().map(shelf_context),
        warnings => warnings_context(state, plan),
    }
}

/// Where a rule's source can be read: the source itself when it has an address, else
/// regimen's explanation of the rule (its design, the seed article).
pub(super) fn source_href(state: &AppState, rule: &str) -> String {
    state
        .knowledge()
        .source_link(rule)
        .unwrap_or_else(|| format!("/explain/{rule}"))
}

/// The plan's warnings by how prominent they are: what the check-ins changed (shown
/// at the top), safety first, then advice, then what the planner changed (folded
/// away); each with its label, never its code.
fn warnings_context(state: &AppState, plan: &Plan<'_>) -> Value {
    let labels = &state.knowledge().labels;
    let mut levels: BTreeMap<WarningLevel, Vec<Value>> = BTreeMap::new();
    let mut heard = Vec::new();
    for w in &plan.warnings {
        let (label, level) = labels.warning(w.code);
        let shown = if regimen_core::listen::HEARD_RULES.contains(&w.rule) {
            &mut heard
        } else {
            levels.entry(level).or_default()
        };
        shown.push(context! {
            code => w.code.id(),
            label,
            text => w.text.as_ref(),
            rule => w.rule,
            source => w.source,
            href => source_href(state, w.rule),
            external => state.knowledge().source_link(w.rule).is_some(),
            dates => w.dates.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        });
    }
    let take = |level| levels.get(&level).cloned().unwrap_or_default();
    context! {
        heard,
        safety => take(WarningLevel::Safety),
        advice => take(WarningLevel::Advice),
        changes => take(WarningLevel::Change),
    }
}

pub(super) fn shelf_context(report: &ShelfReport) -> Value {
    Value::from_serialize(report)
}

/// Makes the plan of a saved plan and hands it to `with`.
pub(super) fn with_plan<T>(
    state: &AppState,
    saved: &SavedPlan,
    with: impl FnOnce(&Plan<'_>) -> T,
) -> Result<T, PageError> {
    Ok(saved.make(state, with)?)
}

/// The routine entries ticked for a date, morning and evening, by key
/// ([`StepEntry::key`]); a check-in that says only which steps were done that day
/// counts them for every entry of those steps.
#[derive(Debug, Default)]
pub(super) struct Ticked {
    am: Vec<String>,
    pm: Vec<String>,
    day: Vec<Step>,
}

impl Ticked {
    fn has(&self, routine: &[String], entry: &regimen_core::plan::StepEntry<'_>) -> bool {
        if self.am.is_empty() && self.pm.is_empty() {
            return self.day.contains(&entry.step);
        }
        routine.contains(&entry.key())
    }
}

pub(super) async fn ticked(
    state: &AppState,
    user: i64,
    date: IsoDate,
) -> Result<Ticked, PageError> {
    let Some(document) = state
        .store()
        .by_sort_key(user, Collection::Checkin, &date.to_string())
        .await?
    else {
        return Ok(Ticked::default());
    };
    let body: serde_json::Value =
        serde_json::from_str(&document.body).map_err(|e| ApiError::Internal(e.to_string()))?;
    let strings = |field: &str| -> Vec<String> {
        body[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    Ok(Ticked {
        am: strings("am_done"),
        pm: strings("pm_done"),
        day: strings("steps_done")
            .iter()
            .filter_map(|s| Step::from_id(s))
            .collect(),
    })
}

/// Days in a row, up to today (or yesterday, while today is still open), with at least
/// one step ticked.
pub(super) async fn streak(state: &AppState, user: i64) -> Result<usize, PageError> {
    let mut ticked: std::collections::BTreeSet<NaiveDate> = std::collections::BTreeSet::new();
    for document in state.store().list(user, Collection::Checkin).await? {
        let body: serde_json::Value = match serde_json::from_str(&document.body) {
            Ok(body) => body,
            Err(_) => continue,
        };
        let any_step = body["steps_done"].as_array().is_some_and(|s| !s.is_empty());
        if let (true, Ok(date)) = (any_step, IsoDate::parse(&document.sort_key)) {
            ticked.insert(date.0);
        }
    }
    let mut day = today();
    if !ticked.contains(&day) {
        day = day.pred_opt().unwrap_or(day);
    }
    let mut count = 0;
    while ticked.contains(&day) {
        count += 1;
        match day.pred_opt() {
            Some(before) => day = before,
            None => break,
        }
    }
    Ok(count)
}

/// Whether a page's query names a flag (`?saved=1`): the word a page says after an action.
pub(super) fn flag(query: &Option<String>, name: &str) -> bool {
    query
        .as_deref()
        .is_some_and(|q| form_urlencoded::parse(q.as_bytes()).any(|(k, _)| k == name))
}

pub(super) async fn plan_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let Some((current, profile)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let timing = Timing::of(&current.saved, today());
    let done = ticked(&state, user, IsoDate(today())).await?;
    let streak = streak(&state, user).await?;
    let feeds = state
        .store()
        .live_feeds(user)
        .await?
        .into_iter()
        .filter(|(plan, _)| *plan == current.id)
        .map(|(_, created)| created.get(..10).unwrap_or(&created).to_string())
        .collect::<Vec<_>>();
    let changed = current.saved.profile != profile;
    let made = current.made.get(..10).unwrap_or(&current.made).to_string();
    let ctx = with_plan(&state, &current.saved, |plan| {
        plan_context(&state, plan, timing, &current.saved.profile.events, &done)
    })?;
    render(
        "plan.html",
        &viewer,
        "plan",
        StatusCode::OK,
        context! {
            changed, made, streak, feeds,
            experiment => current.saved.experiment.is_some(),
            experiment_started => flag(&query, "experiment"),
            saved => flag(&query, "saved"),
            stopped => flag(&query, "stopped"),
            ..ctx
        },
    )
}

/// The next weeks of the plan: the same plan made longer (its ramps go on), or, when the
/// answers or the shelf changed, the plan is as long as plans go, or it ended before
/// today (four more weeks would not reach today), a new one from today.
pub(super) async fn plan_next(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    let Some((current, profile)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let saved = current.saved;
    // Four more weeks that would still end before today: the person stopped a while
    // ago, and a plan from today starts its ramps again.
    let reach = saved.start.0 + chrono::Days::new(u64::from(saved.weeks + BLOCK_WEEKS) * 7 - 1);
    let ended = reach < today();
    if saved.profile == profile && saved.weeks + BLOCK_WEEKS <= MAX_WEEKS && !ended {
        // The same seed draws the same evenings for the weeks already planned.
        set_current_plan(
            &state,
            user,
            saved.profile,
            saved.start,
            saved.weeks + BLOCK_WEEKS,
            saved.experiment,
        )
        .await?;
    } else {
        let experiment = saved.experiment;
        set_current_plan(
            &state,
            user,
            profile,
            IsoDate(today()),
            BLOCK_WEEKS,
            experiment,
        )
        .await?;
    }
    Ok(see_other("/plan"))
}

/// A new plan from today, with the answers and the shelf as they are now.
pub(super) async fn plan_again(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    let Some((_, profile)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let experiment = current_plan(&state, user)
        .await?
        .and_then(|c| c.saved.experiment);
    set_current_plan(
        &state,
        user,
        profile,
        IsoDate(today()),
        regimen_core::options::default_weeks(experiment.is_some()),
        experiment,
    )
    .await?;
    Ok(see_other("/plan"))
}

/// One day of the plan: its routines, a checklist whose ticks are saved, and the days
/// around it.
pub(super) async fn day_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(date): Path<String>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let Ok(date) = IsoDate::parse(&date) else {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            "That is not a date",
            &format!("\"{date}\" is not a day of the calendar: a day's page is at /day/YYYY-MM-DD, like /day/{}.", today()),
        ));
    };
    let Some((current, _)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let done = ticked(&state, user, date).await?;
    let (day, first, last) = with_plan(&state, &current.saved, |plan| {
        let day = plan
            .days
            .iter()
            .find(|d| d.date == date)
            .map(|d| day_context(&state, d, &done));
        let first = plan.days.first().map(|d| d.date);
        let last = plan.days.last().map(|d| d.date);
        (day, first, last)
    })?;
    let step = |days: i64| {
        let to = date.0.checked_add_signed(chrono::Duration::days(days))?;
        let inside = first.is_some_and(|f| to >= f.0) && last.is_some_and(|l| to <= l.0);
        inside.then(|| to.to_string())
    };
    let today = today();
    let name = if date.0 == today {
        "Today".to_string()
    } else if Some(date.0) == today.succ_opt() {
        "Tomorrow".to_string()
    } else if Some(date.0) == today.pred_opt() {
        "Yesterday".to_string()
    } else {
        long_date(date.0)
    };
    render(
        "day.html",
        &viewer,
        "plan",
        StatusCode::OK,
        context! {
            name,
            label => long_date(date.0),
            date => date.to_string(),
            day,
            previous => step(-1),
            next => step(1),
            past_or_today => date.0 <= today,
            saved => flag(&query, "saved"),
            after_plan => last.is_some_and(|l| date > l),
            event => current.saved.profile.events.contains(&date),
            first => first.map(|d| long_date(d.0)),
            last => last.map(|d| long_date(d.0)),
        },
    )
}

/// Saves the ticks of a day's checklist as that date's check-in steps (the rest of a
/// check-in already there stays as it was).
pub(super) async fn save_day(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(date): Path<String>,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let date = IsoDate::parse(&date).map_err(|_| PageError::NotFound)?;
    let key = date.to_string();
    let mut body = match state
        .store()
        .by_sort_key(user, Collection::Checkin, &key)
        .await?
    {
        Some(document) => {
            serde_json::from_str(&document.body).map_err(|e| ApiError::Internal(e.to_string()))?
        }
        None => serde_json::json!({ "date": key }),
    };
    // The entries ticked in each routine (their steps are the day's steps done, which
    // the check-in works out).
    let routine = |field: &str| -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for key in form.all(field) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    };
    body["am_done"] = routine("am").into();
    body["pm_done"] = routine("pm").into();
    body["steps_done"] = Vec::<String>::new().into();
    let caller = crate::Caller { user_id: user };
    let stored = Checkins::accept(&state, caller, body.to_string().as_bytes()).await?;
    state
        .create_document(user, Collection::Checkin, &stored.sort_key, &stored.body)
        .await?;
    let back = match form.get("back").as_str() {
        "plan" => "/plan?saved=1#today".to_string(),
        _ => format!("/day/{key}?saved=1"),
    };
    Ok(see_other(&back))
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
    let Some((current, _)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let json = with_plan(&state, &current.saved, |plan| plan.to_json_pretty())?;
    Ok(download(
        "application/json",
        "regimen-plan.json",
        json.into_bytes(),
    ))
}

pub(super) async fn plan_download_ics(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let Some((current, _)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let query = query.unwrap_or_default();
    let field = |name: &str| query_field(Some(query.as_str()), name);
    let options = crate::resources::calendar_options(
        Some(field("am").as_str()),
        Some(field("pm").as_str()),
        Some(field("remind").as_str()),
    )?;
    let ics = with_plan(&state, &current.saved, |plan| {
        to_ics(state.knowledge(), plan, &options)
    })?;
    Ok(download(
        "text/calendar; charset=utf-8",
        "regimen-plan.ics",
        ics.into_bytes(),
    ))
}

/// A calendar subscription to the current plan: the feed follows the plan as it is
/// extended or made again.
pub(super) async fn subscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    let form = FormData::parse(&bytes);
    check_form(&viewer, &form)?;
    let Some((current, _)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    // The routine times and reminder chosen beside the button go in the address.
    let (am, pm, remind) = (form.get("am"), form.get("pm"), form.get("remind"));
    let options = crate::resources::calendar_options(Some(&am), Some(&pm), Some(&remind))?;
    let token = auth::new_token()?;
    state
        .store()
        .create_feed_token(user, current.id, &token_hash(&token))
        .await?;
    // From the configured address, never from the request's Host.
    let url = format!(
        "{}/api/v1/plan.ics?token={token}&am={}&pm={}&remind={}",
        state.settings().public_url.trim_end_matches('/'),
        options.am.format("%H:%M"),
        options.pm.format("%H:%M"),
        options.remind.unwrap_or(0)
    );
    render(
        "subscribed.html",
        &viewer,
        "plan",
        StatusCode::OK,
        context! { url, local => !state.multi_user() },
    )
}

/// Stops every calendar subscription to the current plan.
pub(super) async fn unsubscribe(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    if let Some(current) = current_plan(&state, user).await? {
        state.store().revoke_feed_tokens(user, current.id).await?;
    }
    Ok(see_other("/plan?stopped=1#take"))
}
