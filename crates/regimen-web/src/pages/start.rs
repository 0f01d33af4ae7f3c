//! The questionnaire: the first page, and saving its answers.

use super::*;

pub(super) fn start_options(state: &AppState) -> Value {
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
        concerns => Concern::ALL.iter().map(|c| context! { id => c.id(), label => state.knowledge().labels.concern(*c) }).collect::<Vec<_>>(),
        goals => Goal::ALL.iter().map(|g| { let (label, help) = goal(*g); context! { id => g.id(), label, help } }).collect::<Vec<_>>(),
        skin_tones => SkinTone::ALL.iter().map(|t| context! { id => t.id(), help => tone_help(*t) }).collect::<Vec<_>>(),
        conditions => Condition::ALL.iter().map(|c| context! { id => c.id(), label => condition_label(*c) }).collect::<Vec<_>>(),
    }
}

/// How the Fitzpatrick types read (by how skin reacts to the sun; skin_tone_scale).
fn tone_help(tone: SkinTone) -> &'static str {
    match tone {
        SkinTone::I => "always burns, never tans",
        SkinTone::II => "usually burns, tans a little",
        SkinTone::III => "sometimes burns, tans gradually",
        SkinTone::IV => "rarely burns, tans easily",
        SkinTone::V => "very rarely burns, brown skin",
        SkinTone::VI => "never burns, deeply pigmented skin",
    }
}

/// A condition as people name it.
fn condition_label(condition: Condition) -> &'static str {
    match condition {
        Condition::Rosacea => "Rosacea",
        Condition::Melasma => "Melasma",
        Condition::Eczema => "Eczema (atopic dermatitis)",
        Condition::PerioralDermatitis => "Perioral dermatitis",
        Condition::Psoriasis => "Psoriasis",
        Condition::SeborrheicDermatitis => "Seborrheic dermatitis",
    }
}

/// The questionnaire's fields for a stored profile (or empty ones): concerns with their
/// rank when there are several, at least three event dates to fill.
pub(super) fn start_form_from(profile: Option<&Profile>) -> Value {
    let Some(p) = profile else {
        return typed_form(&Answers {
            goal: "both".into(),
            ..Answers::default()
        });
    };
    let ranked = p.concerns.len() > 1;
    typed_form(&Answers {
        skin_type: p.skin_type.id().into(),
        goal: p.goal.id().into(),
        sensitive: p.sensitive,
        pregnant: p.pregnant,
        breastfeeding: p.breastfeeding,
        age: p.age.map(|a| a.to_string()).unwrap_or_default(),
        skin_tone: p.skin_tone.map(|t| t.id().to_string()).unwrap_or_default(),
        conditions: p.conditions.iter().map(|c| c.id().to_string()).collect(),
        concerns: p
            .concerns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id().to_string(), ranked.then(|| (i + 1) as u8)))
            .collect(),
        events: p.events.iter().map(|e| e.to_string()).collect(),
        minutes_am: p
            .minutes_am
            .map(|m| m.get().to_string())
            .unwrap_or_default(),
        minutes_pm: p
            .minutes_pm
            .map(|m| m.get().to_string())
            .unwrap_or_default(),
        avoid: p.avoid.join(", "),
        start: p.start.map(|d| d.to_string()).unwrap_or_default(),
    })
}

/// The answers as the form shows them again.
fn typed_form(answers: &Answers) -> Value {
    let mut events: Vec<String> = answers
        .events
        .iter()
        .flat_map(|e| e.split(','))
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect();
    while events.len() < 3 {
        events.push(String::new());
    }
    let ranks: BTreeMap<String, String> = answers
        .concerns
        .iter()
        .filter_map(|(id, rank)| rank.map(|r| (id.clone(), r.to_string())))
        .collect();
    context! {
        skin_type => answers.skin_type.clone(),
        goal => answers.goal.clone(),
        concerns => answers.concerns.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
        ranks,
        sensitive => answers.sensitive,
        pregnant => answers.pregnant,
        breastfeeding => answers.breastfeeding,
        age => answers.age.clone(),
        skin_tone => answers.skin_tone.clone(),
        conditions => answers.conditions.clone(),
        events,
        minutes_am => answers.minutes_am.clone(),
        minutes_pm => answers.minutes_pm.clone(),
        avoid => answers.avoid.clone(),
        start => answers.start.clone(),
    }
}

/// The questionnaire's answers from a submitted form: a concern counts when it is ticked
/// or given a rank.
fn answers_from(form: &FormData) -> Answers {
    let ticked = form.all("concerns");
    let mut concerns: Vec<(String, Option<u8>)> = Vec::new();
    for id in ticked
        .iter()
        .map(String::as_str)
        .chain(Concern::ALL.iter().map(|c| c.id()))
    {
        if concerns.iter().any(|(c, _)| c == id) {
            continue;
        }
        let rank = form.get(&format!("rank_{id}")).parse::<u8>().ok();
        if rank.is_some() || ticked.iter().any(|t| t == id) {
            concerns.push((id.to_string(), rank));
        }
    }
    Answers {
        skin_type: form.get("skin_type"),
        goal: form.get("goal"),
        sensitive: form.checked("sensitive"),
        pregnant: form.checked("pregnant"),
        breastfeeding: form.checked("breastfeeding"),
        age: form.get("age"),
        skin_tone: form.get("skin_tone"),
        conditions: form.all("conditions"),
        concerns,
        events: form.all("events"),
        minutes_am: form.get("minutes_am"),
        minutes_pm: form.get("minutes_pm"),
        avoid: form.get("avoid"),
        start: form.get("start"),
    }
}

/// Every mistake of a questionnaire, in the order of its questions: by field for the
/// notes next to each, and as a list for the summary at the top.
fn answer_errors(errors: &[regimen_core::ProfileError]) -> (BTreeMap<String, String>, Vec<Value>) {
    let mut by_field: BTreeMap<String, String> = BTreeMap::new();
    let mut list = Vec::new();
    for error in errors {
        let field = form_field(error.field.as_deref());
        list.push(context! { field => field.clone(), message => error.message.clone() });
        by_field
            .entry(field)
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&error.message);
            })
            .or_insert_with(|| error.message.clone());
    }
    (by_field, list)
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

pub(super) async fn start(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    // After "Delete all my data" (locally): said at the top of the empty questionnaire.
    let deleted = query.as_deref() == Some("deleted");
    let (profile, experiment) = match viewer.user_id {
        Some(user) => (
            current_profile(&state, user).await?.map(|(_, p)| p),
            current_plan(&state, user)
                .await?
                .is_some_and(|c| c.saved.experiment.is_some()),
        ),
        None => (None, false),
    };
    let (avoid_notes, _) = avoid_notes(&state, profile.as_ref().map_or(&[], |p| &p.avoid));
    let ctx = context! { form => start_form_from(profile.as_ref()), experiment, deleted, errors => BTreeMap::<String, String>::new(), avoid_notes, ..start_options(&state) };
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
    let answers = answers_from(&form);
    let profile = match answers.check_on(today()) {
        Ok(profile) => profile,
        Err(errors) => {
            // Every mistake at once, the first one focused.
            let (errors, error_list) = answer_errors(&errors);
            let first_error = error_list.first().and_then(|e| e.get_attr("field").ok());
            let ctx = context! {
                form => typed_form(&answers),
                experiment => form.get("experiment") == "on",
                errors,
                error_list,
                first_error,
                ..start_options(&state)
            };
            return render(
                "start.html",
                &viewer,
                "start",
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx,
            );
        }
    };
    // The avoid list already saved (its notes were said when it was): saving it again
    // does not stop for them.
    let saved_avoid = match viewer.user_id {
        Some(user) => current_profile(&state, user).await?.map(|(_, p)| p.avoid),
        None => None,
    };
    if avoid_notes(&state, &profile.avoid).1
        && form.get("avoid_checked") != form.get("avoid")
        && saved_avoid.as_ref() != Some(&profile.avoid)
    {
        // An entry regimen knows nothing by: say so next to the field first; saving
        // again keeps the list as it is.
        let (avoid_notes, _) = avoid_notes(&state, &profile.avoid);
        let ctx = context! {
            form => typed_form(&answers),
            experiment => form.get("experiment") == "on",
            errors => BTreeMap::<String, String>::new(),
            avoid_notes,
            avoid_checked => form.get("avoid"),
            first_error => "avoid",
            ..start_options(&state)
        };
        return render("start.html", &viewer, "start", StatusCode::OK, ctx);
    }
    let Some(user) = viewer.user_id else {
        // A visitor (with accounts): the plan first, then an offer to keep it.
        return visitor_plan(&state, &viewer, profile, form.get("experiment") == "on");
    };
    let body = serde_json::to_string(&profile).map_err(|e| ApiError::Internal(e.to_string()))?;
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
    // The plan is made now and stays put: from the chosen first day, or today; as an
    // experiment when the person asks to test it on their skin.
    let experiment = if form.get("experiment") == "on" {
        Some(crate::resources::experiment_seed(None, "experiment")?)
    } else {
        None
    };
    if let Some((_, with_shelf)) = current_profile(&state, user).await? {
        let start = profile.start.unwrap_or(IsoDate(today()));
        let weeks = regimen_core::options::default_weeks(experiment.is_some());
        set_current_plan(&state, user, with_shelf, start, weeks, experiment).await?;
    }
    Ok(see_other("/plan"))
}

/// The plan of a visitor who is not signed in (with accounts): shown at once, stored
/// nowhere, with the answers (and the wish to test it as an experiment) carried into
/// the sign-up and sign-in forms to keep it.
fn visitor_plan(
    state: &AppState,
    viewer: &Viewer,
    profile: Profile,
    experiment: bool,
) -> PageResult {
    let start = profile.start.unwrap_or(IsoDate(today()));
    let saved = crate::resources::SavedPlan {
        profile,
        start,
        weeks: 4,
        experiment: None,
        checkins: Vec::new(),
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
        context! { visitor => true, answers, keep_experiment => experiment, ..ctx },
    )
}
