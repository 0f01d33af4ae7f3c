//! The results page: which works for *you*. What the person's check-ins say about
//! their current plan (see regimen_core::experiment), in words first, then per concern;
//! a plan that is no experiment offers to start one.

use super::*;
use crate::resources::plan_results;
use regimen_core::experiment::Results;

fn verdict_words(verdict: impl serde::Serialize) -> String {
    serde_json::to_value(verdict)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_default()
}

fn one(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:+.1}"))
}

fn span(value: Option<[f64; 2]>) -> String {
    value.map_or_else(|| "-".into(), |[lo, hi]| format!("{lo:+.1} to {hi:+.1}"))
}

fn p(value: Option<f64>) -> String {
    value.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

fn results_context(state: &AppState, results: &Results) -> Value {
    let labels = &state.knowledge().labels;
    let comparisons: Vec<Value> = results
        .comparisons
        .iter()
        .map(|c| {
            context! {
                concern => labels.concern(c.metric),
                primary => Some(c.metric) == results.primary_metric,
                after => c.n_treatment,
                other => c.n_control,
                difference => one(c.difference),
                interval => span(c.interval()),
                p => p(c.p_adjusted),
                verdict => verdict_words(c.verdict),
                tone => match c.verdict {
                    regimen_core::experiment::MaskVerdict::Better => "good",
                    regimen_core::experiment::MaskVerdict::Worse => "bad",
                    _ => "plain",
                },
            }
        })
        .collect();
    let trends: Vec<Value> = results
        .trends
        .iter()
        .map(|t| {
            context! {
                concern => labels.concern(t.metric),
                first => t.n_first_week,
                late => t.n_latest_two_weeks,
                change => one(t.difference),
                interval => span(t.interval()),
                p => p(t.p_adjusted),
                verdict => verdict_words(t.verdict),
                tone => match t.verdict {
                    regimen_core::experiment::TrendVerdict::Improved => "good",
                    regimen_core::experiment::TrendVerdict::Worsened => "bad",
                    _ => "plain",
                },
            }
        })
        .collect();
    let rules: Vec<Value> = results
        .method
        .rules
        .iter()
        .map(|id| {
            let title =
                explain(state.knowledge(), id).map_or_else(|| (*id).to_string(), |e| e.title);
            context! { id => *id, title }
        })
        .collect();
    context! {
        experiment => results.experiment,
        chart => chart(state, results),
        summary => &results.text,
        next => &results.next,
        comparisons,
        trends,
        caveats => &results.caveats,
        redraws => results.method.redraws,
        rules,
    }
}

/// The ratings over the plan as an SVG line per concern (viewBox 0 0 600 170), mask
/// mornings as filled dots, the serum period's start and the planned end marked.
fn chart(state: &AppState, results: &Results) -> Option<Value> {
    const LEFT: f64 = 34.0;
    const WIDTH: f64 = 556.0;
    const TOP: f64 = 10.0;
    const HEIGHT: f64 = 130.0;
    let mornings = results.progress.mornings.max(1) as f64;
    let x = |morning: usize| LEFT + WIDTH * (morning as f64 / mornings).min(1.0);
    let y = |rating: f64| TOP + HEIGHT * (5.0 - rating) / 4.0;
    let labels = &state.knowledge().labels;
    let lines: Vec<Value> = results
        .series
        .iter()
        .filter(|s| s.points.len() > 1)
        .enumerate()
        .map(|(i, s)| {
            let points: Vec<String> = s
                .points
                .iter()
                .map(|p| format!("{:.1},{:.1}", x(p.morning), y(p.rating)))
                .collect();
            let masks: Vec<Value> = s
                .points
                .iter()
                .filter(|p| p.after_mask)
                .map(|p| context! { x => format!("{:.1}", x(p.morning)), y => format!("{:.1}", y(p.rating)) })
                .collect();
            context! {
                concern => labels.concern(s.metric),
                points => points.join(" "),
                masks,
                tone => i % 4,
            }
        })
        .collect();
    if lines.is_empty() {
        return None;
    }
    let grid: Vec<Value> = (1..=5)
        .map(|r| context! { rating => r, y => format!("{:.1}", y(f64::from(r))) })
        .collect();
    Some(context! {
        lines,
        grid,
        left => LEFT,
        right => LEFT + WIDTH,
        end => long_date(results.progress.planned_end.0),
    })
}

/// Two of the person's photos side by side: the ones asked for (`?before=ID&after=ID`),
/// else the first and the latest.
async fn compare_context(state: &AppState, user: i64, query: &str) -> Result<Value, PageError> {
    let photos = state.store().photos(user).await?;
    let asked = |name: &str| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .and_then(|id| photos.iter().find(|p| p.id == id))
    };
    let before = asked("before").or(photos.first());
    let after = asked("after")
        .or(photos.last())
        .filter(|_| photos.len() > 1);
    let day = |p: &regimen_store::Photo| {
        IsoDate::parse(&p.date).map_or_else(|_| p.date.clone(), |d| long_date(d.0))
    };
    let shown = |p: Option<&regimen_store::Photo>| {
        p.map(|p| context! { id => p.id, url => format!("/api/v1/photos/{}", p.id), day => day(p) })
    };
    let choices: Vec<Value> = photos
        .iter()
        .map(|p| context! { id => p.id, day => day(p) })
        .collect();
    Ok(context! { before => shown(before), after => shown(after), choices, count => photos.len() })
}

pub(super) async fn results_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let user = viewer.user()?;
    let Some((current, _)) = plan_and_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let results = plan_results(&state, user, &current.saved).await?;
    let ctx = context! {
        results => results_context(&state, &results),
        start => long_date(current.saved.start.0),
        weeks => current.saved.weeks,
        compare => compare_context(&state, user, &query.unwrap_or_default()).await?,
    };
    render("results.html", &viewer, "results", StatusCode::OK, ctx)
}

/// Starts an experiment: a new plan from today with the answers and shelf as they are,
/// its mask evenings drawn from a new seed.
pub(super) async fn start_experiment(
    State(state): State<AppState>,
    viewer: Viewer,
    PageBody(bytes): PageBody,
) -> PageResult {
    let user = viewer.user()?;
    check_form(&viewer, &FormData::parse(&bytes))?;
    let Some((_, profile)) = current_profile(&state, user).await? else {
        return Ok(see_other("/"));
    };
    let seed = crate::resources::experiment_seed(None, "experiment")?;
    set_current_plan(
        &state,
        user,
        profile,
        IsoDate(today()),
        regimen_core::options::EXPERIMENT_WEEKS,
        Some(seed),
    )
    .await?;
    Ok(see_other("/plan?experiment"))
}
