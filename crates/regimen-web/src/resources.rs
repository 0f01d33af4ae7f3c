//! The four kinds of documents a person stores, each with the checks on the way in and
//! its JSON on the way out. One mechanism (`Resource`) serves every CRUD route.

use crate::auth::Caller;
use crate::body::parse;
use crate::derived::Validators;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use chrono::Local;
use regimen_core::analyzer::Options;
use regimen_core::checkin::Checkin;
use regimen_core::plan::MAX_WEEKS;
use regimen_core::profile::{IsoDate, ShelfItem};
use regimen_core::Reading;
use regimen_core::{PlanOptions, Profile};
use regimen_store::{Collection, Document};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::Arc;

/// A document ready to store.
pub struct Stored {
    /// Orders the collection.
    pub sort_key: String,
    /// The JSON body.
    pub body: String,
}

/// A kind of stored document.
pub trait Resource: Send + Sync + 'static {
    /// Where it is stored.
    const COLLECTION: Collection;

    /// Checks a request body and turns it into what is stored.
    fn accept(
        state: &AppState,
        caller: Caller,
        bytes: &[u8],
    ) -> impl Future<Output = Result<Stored, ApiError>> + Send;

    /// The JSON answered for a stored document.
    fn render(state: &AppState, document: &Document) -> Result<Value, ApiError>;

    /// What a client may keep `render`'s answer by, for kinds whose answer is costly to
    /// make (a read that matches is a 304).
    fn validators(_state: &AppState, _document: &Document) -> Option<Validators> {
        None
    }

    /// `render`'s answer as JSON text. Kinds with validators keep it, by their key, in
    /// the state's bounded cache of answers: made once for its inputs and this version.
    fn answer(state: &AppState, document: &Document) -> Result<Bytes, ApiError> {
        let make = || {
            let text = serde_json::to_vec(&Self::render(state, document)?)
                .map_err(|e| ApiError::Internal(format!("serializing: {e}")))?;
            let size = text.len();
            Ok((Bytes::from(text), size))
        };
        match Self::validators(state, document) {
            Some(validators) => Ok((*state.answers().get_or_make(validators.key(), make)?).clone()),
            None => make().map(|(text, _)| text),
        }
    }
}

fn stored_json(document: &Document) -> Result<Value, ApiError> {
    serde_json::from_str(&document.body).map_err(|e| {
        ApiError::Internal(format!("stored document {} is not JSON: {e}", document.id))
    })
}

fn with_meta(document: &Document, mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("id".into(), json!(document.id));
        map.insert("created_at".into(), json!(document.created_at));
        map.insert("updated_at".into(), json!(document.updated_at));
    }
    value
}

fn to_body<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(format!("serializing: {e}")))
}

/// Profiles: the fields of docs/product.md.
pub struct Profiles;

impl Resource for Profiles {
    const COLLECTION: Collection = Collection::Profile;

    async fn accept(_: &AppState, _: Caller, bytes: &[u8]) -> Result<Stored, ApiError> {
        let profile = crate::body::given_profile(bytes)?;
        Ok(Stored {
            sort_key: String::new(),
            body: to_body(&profile)?,
        })
    }

    fn render(_: &AppState, document: &Document) -> Result<Value, ApiError> {
        Ok(with_meta(
            document,
            json!({ "profile": stored_json(document)? }),
        ))
    }
}

/// Shelf products, answered with their analysis.
pub struct ShelfItems;

impl Resource for ShelfItems {
    const COLLECTION: Collection = Collection::Shelf;

    async fn accept(_: &AppState, _: Caller, bytes: &[u8]) -> Result<Stored, ApiError> {
        let item: ShelfItem = parse(bytes)?;
        Ok(Stored {
            sort_key: item.name.to_lowercase(),
            body: to_body(&item)?,
        })
    }

    fn render(state: &AppState, document: &Document) -> Result<Value, ApiError> {
        let item: ShelfItem = serde_json::from_str(&document.body)
            .map_err(|e| ApiError::Internal(format!("stored shelf item {}: {e}", document.id)))?;
        let mut value =
            serde_json::to_value(&item).map_err(|e| ApiError::Internal(e.to_string()))?;
        value["analysis"] = analysis_of(state, document, &item)?;
        Ok(with_meta(document, value))
    }
}

/// A shelf product's analysis: the one stored beside it when it was made with this
/// version of the knowledge base and the dictionary, else made now and stored (in the
/// background: the answer does not wait for the write).
fn analysis_of(state: &AppState, document: &Document, item: &ShelfItem) -> Result<Value, ApiError> {
    if let Some((version, derived)) = &document.derived {
        if version == state.version() {
            if let Ok(analysis) = serde_json::from_str(derived) {
                return Ok(analysis);
            }
        }
    }
    let options = Options {
        name: Some(&item.name),
        profile: None,
        avoid: None,
        kind: item.kind,
        categories: None,
        suggest: true,
    };
    let report = state.cpu_bound(true, || {
        state.analyzer().analyze(&item.ingredients, &options)
    });
    let analysis = serde_json::to_value(&report).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let (Ok(handle), Ok(text)) = (
        tokio::runtime::Handle::try_current(),
        serde_json::to_string(&analysis),
    ) {
        let (state, owner, id, updated_at) = (
            state.clone(),
            document.owner,
            document.id,
            document.updated_at.clone(),
        );
        handle.spawn(async move {
            let version = state.version().to_string();
            if let Err(error) = state
                .store()
                .set_derived(owner, id, &updated_at, &version, &text)
                .await
            {
                tracing::warn!(id, %error, "keeping a shelf product's analysis");
            }
        });
    }
    Ok(analysis)
}

/// What a saved plan is made from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanRequest {
    /// A stored profile of the caller.
    profile_id: Option<i64>,
    /// Or a profile given inline.
    profile: Option<Value>,
    start: Option<IsoDate>,
    weeks: Option<i64>,
    /// Add the caller's stored shelf products (default: yes).
    #[serde(default = "yes")]
    with_shelf: bool,
    /// Make it a personal experiment (its mask evenings drawn at random).
    #[serde(default)]
    experiment: bool,
    /// The experiment's seed (default: a new one).
    seed: Option<u64>,
}

fn yes() -> bool {
    true
}

/// What is stored for a saved plan: everything needed to make it again.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedPlan {
    /// The profile, with the shelf it had.
    pub profile: Profile,
    /// The first day.
    pub start: IsoDate,
    /// How many weeks.
    pub weeks: u8,
    /// A personal experiment's seed: its mask evenings are drawn from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<u64>,
    /// The check-ins it listened to when it was made (those with a reaction, and the
    /// days a reaction looks back to): made again, it hears the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkins: Vec<Checkin>,
}

impl SavedPlan {
    /// Makes the plan and hands it to `with`.
    pub fn make<T>(
        &self,
        state: &AppState,
        with: impl FnOnce(&regimen_core::Plan<'_>) -> T,
    ) -> Result<T, ApiError> {
        make_saved_plan(
            state,
            (&self.profile, &self.checkins),
            self.start,
            self.weeks,
            self.experiment,
            with,
        )
    }
}

/// The person's stored check-ins that still pass their checks (one stored by an older
/// version that no longer does is left out).
async fn stored_checkins(state: &AppState, user: i64) -> Result<Vec<Checkin>, ApiError> {
    let mut checkins = Vec::new();
    for document in state.store().list(user, Collection::Checkin).await? {
        if let Ok(checkin) = Checkin::from_json(&document.body) {
            checkins.push(checkin);
        }
    }
    Ok(checkins)
}

/// The person's stored check-ins a new plan listens to (those with a reaction, and the
/// days a reaction looks back to); check-ins stored by an older version that no longer
/// pass their checks are left out.
pub async fn heard_checkins(state: &AppState, user: i64) -> Result<Vec<Checkin>, ApiError> {
    let stored = stored_checkins(state, user).await?;
    Ok(regimen_core::listen::Heard::kept(
        state.knowledge(),
        &stored,
    ))
}

/// Re-draws of the randomization test in the results the server answers.
pub const REDRAWS: usize = 2000;

/// What a saved plan's check-ins say (see regimen_core::experiment): the plan made
/// again gives its experiment and its serum period; the owner's check-ins that no
/// longer pass their checks (stored by an older version) are left out.
pub async fn plan_results(
    state: &AppState,
    user: i64,
    saved: &SavedPlan,
) -> Result<regimen_core::experiment::Results, ApiError> {
    let checkins = stored_checkins(state, user).await?;
    let (experiment, serum_start) = saved.make(state, |plan| {
        let serum_start = plan
            .days
            .iter()
            .find(|d| {
                d.steps()
                    .any(|s| s.step == regimen_core::vocab::Step::Serum)
            })
            .map(|d| d.date.0);
        (plan.experiment.clone(), serum_start)
    })?;
    let design = experiment
        .as_ref()
        .map(|e| e.design(saved.start.0, saved.weeks))
        .transpose()
        .map_err(|(field, message)| ApiError::Internal(format!("{field}: {message}")))?;
    let inputs = regimen_core::experiment::Inputs {
        start: saved.start.0,
        weeks: saved.weeks,
        experiment: experiment.as_ref().zip(design.as_ref()),
        serum_start,
        checkins: &checkins,
        redraws: REDRAWS,
    };
    Ok(state.cpu_bound(true, || {
        regimen_core::experiment::results(state.knowledge(), &inputs)
    }))
}

/// A new experiment's seed, or the one asked for (`field` names it in an error).
pub fn experiment_seed(asked: Option<u64>, field: &str) -> Result<u64, ApiError> {
    let seed = match asked {
        Some(seed) => seed,
        None => {
            getrandom::u64().map_err(|e| ApiError::Internal(format!("a random seed: {e}")))?
                & regimen_core::experiment::MAX_SEED
        }
    };
    if seed > regimen_core::experiment::MAX_SEED {
        return Err(ApiError::invalid(
            field,
            format!(
                "a seed is a whole number from 0 to {}",
                regimen_core::experiment::MAX_SEED
            ),
        ));
    }
    Ok(seed)
}

/// The sort key of the plan the web pages show (the person's current plan): the pages
/// make and read it, the export marks it and the import restores it.
pub const CURRENT_PLAN: &str = "current";

/// Saved plans: stored as their inputs, answered with the plan made again.
pub struct Plans;

impl Resource for Plans {
    const COLLECTION: Collection = Collection::Plan;

    async fn accept(state: &AppState, caller: Caller, bytes: &[u8]) -> Result<Stored, ApiError> {
        let request: PlanRequest = parse(bytes)?;
        let mut profile = match (request.profile_id, request.profile) {
            (Some(id), None) => {
                let document = state
                    .store()
                    .get(caller.user_id, Collection::Profile, id)
                    .await?
                    .ok_or_else(|| ApiError::invalid("profile_id", format!("no profile {id}")))?;
                Profile::from_json(&document.body)?
            }
            (None, Some(inline)) => {
                Profile::from_json(&inline.to_string()).map_err(|e| ApiError::Invalid {
                    message: e.message,
                    field: Some(
                        e.field
                            .map_or_else(|| "profile".to_string(), |f| format!("profile.{f}")),
                    ),
                })?
            }
            _ => {
                return Err(ApiError::invalid(
                    "profile",
                    "give either profile_id or profile",
                ))
            }
        };
        let weeks = plan_weeks(request.weeks, request.experiment)?;
        let experiment = match (request.experiment, request.seed) {
            (true, seed) => Some(experiment_seed(seed, "seed")?),
            (false, Some(_)) => {
                return Err(ApiError::invalid(
                    "seed",
                    "a seed is for an experiment: add \"experiment\": true",
                ))
            }
            (false, None) => None,
        };
        let start = request
            .start
            .or(profile.start)
            .unwrap_or(IsoDate(Local::now().date_naive()));
        PlanOptions::new(start.0, weeks).map_err(|e| ApiError::invalid("start", e))?;
        not_after_the_mornings(state, caller.user_id, start, experiment).await?;
        if request.with_shelf {
            for document in state
                .store()
                .list(caller.user_id, Collection::Shelf)
                .await?
            {
                if let Ok(item) = serde_json::from_str::<ShelfItem>(&document.body) {
                    if profile.shelf.len() < regimen_core::profile::MAX_SHELF {
                        profile.shelf.push(item);
                    }
                }
            }
        }
        Ok(Stored {
            sort_key: String::new(),
            body: to_body(&SavedPlan {
                profile,
                start,
                weeks,
                experiment,
                checkins: heard_checkins(state, caller.user_id).await?,
            })?,
        })
    }

    fn render(state: &AppState, document: &Document) -> Result<Value, ApiError> {
        let saved: SavedPlan = serde_json::from_str(&document.body)
            .map_err(|e| ApiError::Internal(format!("stored plan {}: {e}", document.id)))?;
        let plan_json = saved
            .make(state, |plan| serde_json::to_value(plan))?
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut value = json!({
            "start": saved.start,
            "weeks": saved.weeks,
            "profile": saved.profile,
            "plan": plan_json,
        });
        if let Some(seed) = saved.experiment {
            value["experiment"] = json!(seed);
        }
        Ok(with_meta(document, value))
    }

    fn validators(state: &AppState, document: &Document) -> Option<Validators> {
        Some(plan_validators(state, document, "json"))
    }
}

/// The number of weeks asked for (4 when absent), within 1 to [`MAX_WEEKS`].
pub fn plan_weeks(weeks: Option<i64>, experiment: bool) -> Result<u8, ApiError> {
    let weeks = weeks.unwrap_or(i64::from(regimen_core::options::default_weeks(experiment)));
    u8::try_from(weeks)
        .ok()
        .filter(|w| (1..=MAX_WEEKS).contains(w))
        .ok_or_else(|| {
            ApiError::invalid(
                "weeks",
                format!("weeks must be between 1 and {MAX_WEEKS}, got {weeks}"),
            )
        })
}

/// Makes the plan of a profile and hands it to `with` (the plan borrows the knowledge).
pub fn make_saved_plan<T>(
    state: &AppState,
    (profile, checkins): (&Profile, &[Checkin]),
    start: IsoDate,
    weeks: u8,
    experiment: Option<u64>,
    with: impl FnOnce(&regimen_core::Plan<'_>) -> T,
) -> Result<T, ApiError> {
    // A plan of a few weeks without a shelf takes tens of microseconds; one with a
    // shelf, many weeks or many events can take milliseconds.
    let heavy = !profile.shelf.is_empty() || weeks > 8 || profile.events.len() > 8;
    state.cpu_bound(heavy, || {
        plan_now(state, (profile, checkins), start, weeks, experiment, with)
    })
}

/// The options of a plan, or why the planner would refuse them (by the field).
/// A saved experiment's mask evenings are drawn before the mornings they are compared
/// on: a plan whose period already holds rated mornings (after its first, which no
/// comparison reads) cannot be made an experiment,
/// so that a seed cannot be drawn again until one likes the answer those ratings give.
async fn not_after_the_mornings(
    state: &AppState,
    user: i64,
    start: IsoDate,
    experiment: Option<u64>,
) -> Result<(), ApiError> {
    if experiment.is_none() {
        return Ok(());
    }
    let rated = stored_checkins(state, user)
        .await?
        .into_iter()
        .filter(|c| c.date.0 > start.0 && !c.ratings.is_empty())
        .map(|c| c.date.0)
        .min();
    match rated {
        Some(first) => Err(ApiError::invalid(
            "start",
            format!(
                "an experiment starts after the mornings it compares: you rated {first} already; start it on {} or later",
                Local::now().date_naive().max(first + chrono::Days::new(1))
            ),
        )),
        None => Ok(()),
    }
}

pub fn plan_options(
    start: IsoDate,
    weeks: u8,
    experiment: Option<u64>,
) -> Result<PlanOptions, ApiError> {
    let options = PlanOptions::new(start.0, weeks).map_err(|e| ApiError::invalid("start", e))?;
    match experiment {
        Some(seed) => options
            .with_experiment(seed)
            .map_err(|e| ApiError::invalid("seed", e)),
        None => Ok(options),
    }
}

/// [`make_saved_plan`] on this thread, in no CPU slot (a job's worker holds one).
pub fn plan_now<T>(
    state: &AppState,
    (profile, checkins): (&Profile, &[Checkin]),
    start: IsoDate,
    weeks: u8,
    experiment: Option<u64>,
    with: impl FnOnce(&regimen_core::Plan<'_>) -> T,
) -> Result<T, ApiError> {
    let options = plan_options(start, weeks, experiment)?;
    Ok({
        let planner = state.planner();
        let reading = if Reading::needs_analyzer(profile) {
            reading_of(state, profile)
        } else {
            Arc::new(
                planner
                    .read(profile)
                    .expect("a profile without a shelf or an avoid list needs no analyzer"),
            )
        };
        let plan = if checkins.is_empty() {
            planner.plan_read(&reading, &options)
        } else {
            let heard = (*reading)
                .clone()
                .with_checkins(state.knowledge(), checkins);
            planner.plan_read(&heard, &options)
        };
        with(&plan)
    })
}

/// A profile's shelf and avoid list, read (each product analysed) once for the profile
/// and this version, then kept: the plan page, a saved plan's read and its feed all
/// read the same shelf.
fn reading_of(state: &AppState, profile: &Profile) -> Arc<Reading> {
    let make = || {
        let reading = read(state, profile);
        // What it keeps is of the order of the lists it read.
        let size = 4 * profile
            .shelf
            .iter()
            .map(|p| p.name.len() + p.ingredients.len())
            .sum::<usize>()
            + 64 * profile.avoid.len()
            + 1024;
        Ok::<_, std::convert::Infallible>((reading, size))
    };
    let Ok(text) = serde_json::to_vec(profile) else {
        return Arc::new(read(state, profile));
    };
    let key = crate::derived::key(&[b"reading", state.version().as_bytes(), &text]);
    match state.readings().get_or_make(key, make) {
        Ok(reading) => reading,
        Err(never) => match never {},
    }
}

/// A profile read with the server's analyzer (built on first use).
fn read(state: &AppState, profile: &Profile) -> Reading {
    state.analyzer();
    state
        .planner()
        .read(profile)
        .expect("the server's analyzer is built")
}

/// The years of daily check-ins an account keeps.
const CHECKIN_YEARS: u64 = 10;

/// Check-ins, in date order.
pub struct Checkins;

impl Resource for Checkins {
    const COLLECTION: Collection = Collection::Checkin;

    async fn accept(_: &AppState, _: Caller, bytes: &[u8]) -> Result<Stored, ApiError> {
        // The checked type the core shares with `regimen results`; a value of the wrong
        // type is a 400 by its path, one out of range a 422 by its field.
        let checkin: Checkin = parse(bytes)?;
        let checkin = checkin
            .checked()
            .map_err(|e| ApiError::invalid(&e.field, e.message))?;
        // A check-in records a day that has come (a day of slack for a person whose
        // clock is ahead of the server's), within the ten years an account keeps.
        let today = Local::now().date_naive();
        let latest = today + chrono::Days::new(1);
        let earliest = today - chrono::Days::new(CHECKIN_YEARS * 366);
        if checkin.date.0 < earliest {
            return Err(ApiError::invalid(
                "date",
                format!(
                    "a check-in is for a day of the last {CHECKIN_YEARS} years: {} is earlier than {earliest}",
                    checkin.date
                ),
            ));
        }
        if checkin.date.0 > latest {
            return Err(ApiError::invalid(
                "date",
                format!(
                    "a check-in is for a day that has come: {} is still ahead",
                    checkin.date
                ),
            ));
        }
        Ok(Stored {
            sort_key: checkin.date.to_string(),
            body: to_body(&checkin)?,
        })
    }

    fn render(_: &AppState, document: &Document) -> Result<Value, ApiError> {
        Ok(with_meta(document, stored_json(document)?))
    }
}

/// The most documents of a collection one person keeps: generous for a real person,
/// small enough that no account can fill the disk.
pub fn max_documents(collection: Collection) -> i64 {
    match collection {
        Collection::Profile => 50,
        Collection::Shelf => 300,
        Collection::Plan => 100,
        // Ten years of daily check-ins.
        Collection::Checkin => CHECKIN_YEARS as i64 * 366,
    }
}

/// Whether a collection keeps one document per sort key: check-ins, one per date (a
/// second check-in for a day updates the first).
pub fn one_per_sort_key(collection: Collection) -> bool {
    // Check-ins by date; plans by key (the pages' current plan, made again in place).
    matches!(collection, Collection::Checkin | Collection::Plan)
}

/// The collection's name in a sentence.
pub fn plural(collection: Collection) -> &'static str {
    match collection {
        Collection::Profile => "profiles",
        Collection::Shelf => "shelf products",
        Collection::Plan => "saved plans",
        Collection::Checkin => "check-ins",
    }
}

/// Checks a stored body of any collection (for import).
pub async fn accept_any(
    state: &AppState,
    caller: Caller,
    collection: Collection,
    bytes: &[u8],
) -> Result<Stored, ApiError> {
    match collection {
        // A profile is imported as it was stored: a special occasion that has passed
        // since is no reason to lose it.
        Collection::Profile => Ok(Stored {
            sort_key: String::new(),
            body: to_body(&crate::body::profile(bytes)?)?,
        }),
        Collection::Shelf => ShelfItems::accept(state, caller, bytes).await,
        Collection::Plan => {
            // A saved plan is imported as stored (its inputs), with the checks a new one
            // gets: its profile, its weeks and its start.
            let saved: SavedPlan = parse(bytes)?;
            plan_weeks(Some(i64::from(saved.weeks)), false)?;
            if let Some(seed) = saved.experiment {
                experiment_seed(Some(seed), "experiment")?;
            }
            PlanOptions::new(saved.start.0, saved.weeks)
                .map_err(|e| ApiError::invalid("start", e))?;
            Ok(Stored {
                sort_key: String::new(),
                body: to_body(&saved)?,
            })
        }
        Collection::Checkin => Checkins::accept(state, caller, bytes).await,
    }
}

/// The validators of what is made from a saved plan (`what`: "json", "ics"): its
/// inputs, the version and when it was stored (which the JSON answers).
pub fn plan_validators(state: &AppState, document: &Document, what: &str) -> Validators {
    Validators::new(
        &[
            what.as_bytes(),
            state.version().as_bytes(),
            document.body.as_bytes(),
            document.updated_at.as_bytes(),
        ],
        &document.updated_at,
        state.started(),
    )
}

/// A calendar's routine times and reminder as a person chose them on the plan page
/// (`am=07:30&pm=21:00&remind=10`): else 07:30, 21:00 and a reminder ten minutes before
/// (`remind=0`: none). A time that is not HH:MM, or a reminder past a day, is a 422
/// naming its field.
pub fn calendar_options(
    am: Option<&str>,
    pm: Option<&str>,
    remind: Option<&str>,
) -> Result<regimen_core::calendar::CalendarOptions, ApiError> {
    let time = |field: &str, text: Option<&str>, default: (u32, u32)| match text
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => Ok(chrono::NaiveTime::from_hms_opt(default.0, default.1, 0).unwrap_or_default()),
        Some(text) => chrono::NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| {
            ApiError::invalid(
                field,
                format!("\"{text}\" is not a time: write it as 07:30"),
            )
        }),
    };
    let remind = match remind.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(10),
        Some(text) => match text.parse::<u32>() {
            Ok(0) => None,
            Ok(minutes) if minutes <= 1440 => Some(minutes),
            _ => {
                return Err(ApiError::invalid(
                    "remind",
                    format!("\"{text}\" is not a number of minutes from 0 (no reminder) to 1440"),
                ))
            }
        },
    };
    Ok(regimen_core::calendar::CalendarOptions {
        am: time("am", am, (7, 30))?,
        pm: time("pm", pm, (21, 0))?,
        stamp: chrono::Utc::now().naive_utc(),
        remind,
    })
}
