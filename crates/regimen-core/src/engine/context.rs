//! The planning context, built once per plan: the knowledge, the person (profile,
//! situation, needs, the time their routines leave), what was read of their shelf and
//! avoid list, and the plan's days. Every stage reads it; none changes it.
//!
//! Small helpers every stage shares live here too: the rule citations the engine needs,
//! and the words for routines and lists.

use super::choices::{Owned, SerumPick};
use super::safety::{judge, Verdict};
use crate::knowledge::{Active, Citation, Knowledge, Situation};
use crate::options::PlanOptions;
use crate::plan::Warnings;
use crate::profile::Profile;
use crate::reading::Reading;
use crate::shelf::ShelfProduct;
use crate::vocab::{Concern, Routine, ServingTime, Step, WarningCode};
use chrono::{Days, NaiveDate};
use std::borrow::Cow;

/// Everything a plan is made from, read once.
pub(super) struct Planning<'a, 'k> {
    pub(super) knowledge: &'k Knowledge,
    pub(super) profile: &'a Profile,
    pub(super) reading: &'a Reading,
    pub(super) options: &'a PlanOptions,
    pub(super) situation: Situation<'a>,
    /// The concerns to address, the person's first, then those their skin type implies.
    pub(super) needs: Vec<Need>,
    /// The time the person's routines leave for serums.
    pub(super) room: Room<'k>,
    /// The most treatment serums that suit the person's skin at a time.
    pub(super) cap: usize,
    /// Days in the plan.
    pub(super) day_count: usize,
    /// Days of the plan (0-based) with an event.
    pub(super) events: Vec<usize>,
    /// The person's products as the gate allows them: each one's steps are those the
    /// gate lets it fill.
    products: Vec<ShelfProduct>,
    /// The gate's verdict on each of the person's products.
    pub(super) verdicts: Vec<Verdict<'k>>,
}

impl<'a, 'k> Planning<'a, 'k> {
    /// Reads the context of a plan; an event outside the plan's days is said in a warning.
    pub(super) fn new(
        knowledge: &'k Knowledge,
        reading: &'a Reading,
        options: &'a PlanOptions,
        warnings: &mut Warnings<'k>,
    ) -> Planning<'a, 'k> {
        let profile = reading.profile();
        let day_count = usize::from(options.weeks()) * 7;
        let start = options.start();
        let end = start + Days::new(day_count as u64 - 1);
        let mut events = Vec::new();
        for event in &profile.events {
            if event.0 < start || event.0 > end {
                let text = format!(
                    "An event falls outside this plan ({} to {}): plan again closer to it to get an event mask.",
                    start.format("%-d %B %Y"), end.format("%-d %B %Y")
                );
                warnings.add(
                    WarningCode::EventOutsidePlan,
                    rule(knowledge, "event_mask"),
                    Cow::Owned(text),
                    Some(*event),
                );
            } else {
                events.push((event.0 - start).num_days() as usize);
            }
        }
        let verdicts: Vec<Verdict<'k>> = reading
            .shelf()
            .iter()
            .map(|product| judge(knowledge, profile, product))
            .collect();
        let products = reading
            .shelf()
            .iter()
            .zip(&verdicts)
            .map(|(product, verdict)| ShelfProduct {
                uses: verdict.steps.clone(),
                ..product.clone()
            })
            .collect();
        let cap = if profile.sensitive {
            knowledge.limits.serum_actives_max_sensitive
        } else {
            knowledge.limits.serum_actives_max
        };
        Planning {
            knowledge,
            profile,
            reading,
            options,
            situation: Situation::of(profile, !events.is_empty()),
            needs: needs(knowledge, profile),
            room: Room::of(knowledge, profile, prescribed_minutes(knowledge, &verdicts)),
            cap,
            day_count,
            events,
            products,
            verdicts,
        }
    }

    /// The person's products as the gate allows them (their steps are the gate's).
    pub(super) fn shelf(&self) -> &[ShelfProduct] {
        &self.products
    }

    /// The person's products as their lists read (the steps they are made for).
    pub(super) fn as_read(&self) -> &'a [ShelfProduct] {
        self.reading.shelf()
    }

    /// What the person owns and may use.
    pub(super) fn owned(&self) -> Owned<'_> {
        Owned {
            products: &self.products,
            verdicts: &self.verdicts,
        }
    }

    /// The date of a day of the plan (0-based).
    pub(super) fn date_of(&self, day: usize) -> NaiveDate {
        self.options.start() + Days::new(day as u64)
    }
}

/// The minutes the person's prescriptions take in the morning and in the evening: a
/// treatment step each (a medicated wash takes the cleanse step's own).
fn prescribed_minutes(knowledge: &Knowledge, verdicts: &[Verdict<'_>]) -> [u16; 2] {
    let mut minutes = [0u16; 2];
    for verdict in verdicts.iter().filter(|v| v.allowed()) {
        let (Some(time), Some(&Step::Serum)) = (
            verdict.prescribed.and_then(|p| p.time),
            verdict.steps.first(),
        ) else {
            continue;
        };
        for (slot, routine) in minutes.iter_mut().zip(Routine::ALL) {
            if time.includes(routine) {
                *slot += knowledge.step(Step::Serum).minutes;
            }
        }
    }
    minutes
}

/// A concern to address and whether it comes from the skin type rather than the list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Need {
    pub(super) concern: Concern,
    pub(super) from_skin_type: bool,
}

impl Need {
    pub(super) fn describe(self, profile: &Profile) -> String {
        if self.from_skin_type {
            format!(
                "your {} skin ({})",
                profile.skin_type,
                concern_words(self.concern)
            )
        } else {
            format!("your {}", concern_words(self.concern))
        }
    }
}

fn concern_words(concern: Concern) -> &'static str {
    match concern {
        Concern::Acne => "acne",
        Concern::Aging => "signs of aging",
        Concern::Pigmentation => "pigmentation",
        Concern::Dehydration => "dehydrated skin",
        Concern::Dryness => "dryness",
        Concern::Dullness => "dullness",
        Concern::Redness => "redness",
        Concern::Oiliness => "oiliness",
        Concern::Pores => "visible pores",
        Concern::Texture => "uneven texture",
    }
}

/// The concerns the plan serves with actives, most important first: the person's, then
/// those their skin type implies; less those a person rule serves with no actives (a
/// teenager's aging: sunscreen).
pub(super) fn needs(knowledge: &Knowledge, profile: &Profile) -> Vec<Need> {
    let situation = Situation::of(profile, false);
    let basics_only: Vec<Concern> = knowledge
        .person_rules(&situation)
        .iter()
        .flat_map(|r| r.no_actives_for.iter().copied())
        .collect();
    let mut needs: Vec<Need> = profile
        .concerns
        .iter()
        .filter(|c| !basics_only.contains(c))
        .map(|&concern| Need {
            concern,
            from_skin_type: false,
        })
        .collect();
    let implied = knowledge.limits.skin_type_concerns.get(&profile.skin_type);
    for &concern in implied.into_iter().flatten() {
        if !profile.concerns.contains(&concern) && !basics_only.contains(&concern) {
            needs.push(Need {
                concern,
                from_skin_type: true,
            });
        }
    }
    needs
}

/// What a person's time budgets leave for serums (rule time_budget): per routine, how
/// many fit beside the steps every routine keeps; without a budget, any number.
pub(super) struct Room<'a> {
    knowledge: &'a Knowledge,
    budgets: [Option<u16>; 2],
    /// The minutes the person's prescriptions take in each routine (they always stay).
    prescribed: [u16; 2],
}

impl<'a> Room<'a> {
    pub(super) fn of(
        knowledge: &'a Knowledge,
        profile: &Profile,
        prescribed: [u16; 2],
    ) -> Room<'a> {
        Room {
            knowledge,
            budgets: [
                profile.minutes_am.map(|m| m.get()),
                profile.minutes_pm.map(|m| m.get()),
            ],
            prescribed,
        }
    }

    /// The minutes a routine's prescriptions take.
    pub(super) fn prescribed(&self, routine: Routine) -> u16 {
        self.prescribed[Room::index(routine)]
    }

    fn index(routine: Routine) -> usize {
        match routine {
            Routine::Am => 0,
            Routine::Pm => 1,
        }
    }

    /// The minutes of the steps a routine always keeps, the person's prescriptions too.
    fn essential(&self, routine: Routine) -> u16 {
        essential_steps(routine)
            .iter()
            .map(|s| self.knowledge.step(*s).minutes)
            .sum::<u16>()
            + self.prescribed(routine)
    }

    /// How many serums fit the routine.
    pub(super) fn serums(&self, routine: Routine) -> usize {
        let serum = self.knowledge.step(Step::Serum).minutes.max(1);
        self.budgets[Room::index(routine)].map_or(usize::MAX, |budget| {
            usize::from(budget.saturating_sub(self.essential(routine)) / serum)
        })
    }

    /// Sets each pick's routines, in order: its active's, less those with no time left
    /// for it. A gentle serum goes on every day, so it holds its place in a routine; a
    /// strong one comes on some days only (its ramp, its patch-test turn) and holds none,
    /// since the scheduler keeps serums in order each day and says what it left out.
    /// Says which picks still have a routine.
    pub(super) fn narrow(&self, picks: &mut [SerumPick<'_>]) -> Vec<bool> {
        let mut held = [0usize; 2];
        picks
            .iter_mut()
            .map(|pick| {
                let mut time = Some(pick.allowed);
                for routine in Routine::ALL {
                    if !pick.allowed.includes(routine) {
                        continue;
                    }
                    let taken = &mut held[Room::index(routine)];
                    if *taken >= self.serums(routine) {
                        time = time.and_then(|t| t.without(routine));
                    } else if every_day(pick.active) {
                        *taken += 1;
                    }
                }
                pick.time = time.unwrap_or(pick.allowed);
                time.is_some()
            })
            .collect()
    }

    /// Whether a routine has time for one more serum beside these picks' every-day ones.
    pub(super) fn has_room(&self, routine: Routine, picks: &[SerumPick<'_>]) -> bool {
        let held = picks
            .iter()
            .filter(|p| p.time.includes(routine) && every_day(p.active))
            .count();
        self.serums(routine) > held
    }

    /// Why a routine has no room for one more serum: "your 3-minute mornings have time
    /// for cleanse, sunscreen and moisturize (3 minutes); with 4 minutes, a serum fits".
    pub(super) fn no_room(&self, routine: Routine) -> String {
        let steps: Vec<String> = essential_steps(routine)
            .iter()
            .map(|s| self.knowledge.step(*s).name.to_lowercase())
            .collect();
        let mut steps: Vec<&str> = steps.iter().map(String::as_str).collect();
        let serums = self.serums(routine);
        let serum = self.knowledge.step(Step::Serum).minutes;
        let count = match serums {
            0 => String::new(),
            1 => "one serum".to_string(),
            n => format!("{n} serums"),
        };
        if serums > 0 {
            steps.push(&count);
        }
        let used = self.essential(routine) + serum * serums as u16;
        let budget = self.budgets[Room::index(routine)].unwrap_or(0);
        let room = if budget < used {
            format!(
                "{} already take {used} minutes of your {budget}-minute {}s",
                and_list(&steps),
                routine_word(routine)
            )
        } else {
            format!(
                "your {budget}-minute {}s have time for {} ({used} minutes)",
                routine_word(routine),
                and_list(&steps)
            )
        };
        format!(
            "{room}; with {} minutes, {} fits",
            used + serum,
            if serums == 0 { "a serum" } else { "one more" },
        )
    }

    /// Whether some routine of the active's has time for a serum.
    pub(super) fn fits(&self, active: &Active) -> bool {
        Routine::ALL
            .iter()
            .any(|&r| active.time.includes(r) && self.serums(r) > 0)
    }

    /// Why a serum of this time has no room in any routine of it.
    pub(super) fn no_time(&self, time: ServingTime) -> String {
        let full: Vec<String> = Routine::ALL
            .into_iter()
            .filter(|r| time.includes(*r))
            .map(|r| self.no_room(r))
            .collect();
        full.join("; ")
    }
}

/// Whether a serum goes on every day of its routines from its first (no ramp, no
/// patch-test turn).
pub(super) fn every_day(active: &Active) -> bool {
    !active.rules.ramped() && !active.rules.strong
}

/// "mornings", "evenings", "mornings and evenings".
pub(super) fn routines_word(time: ServingTime) -> &'static str {
    match time {
        ServingTime::Am => "mornings",
        ServingTime::Pm => "evenings",
        ServingTime::AmPm => "mornings and evenings",
    }
}

/// A citation the engine needs; validation guarantees it exists.
pub(super) fn rule<'k>(knowledge: &'k Knowledge, id: &'static str) -> Citation<'k> {
    knowledge.cite(id).unwrap_or(Citation {
        id,
        text: "",
        source: "",
    })
}

/// "morning", "evening".
pub(super) fn routine_word(routine: Routine) -> &'static str {
    match routine {
        Routine::Am => "morning",
        Routine::Pm => "evening",
    }
}

/// "a", "a and b", "a, b and c".
pub(super) fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The steps every routine keeps, whatever its time (rule time_budget), in the order
/// they are filled: sunscreen before moisturizer, so that an SPF moisturizer placed as
/// the sunscreen also moisturizes.
pub(super) fn essential_steps(routine: Routine) -> &'static [Step] {
    match routine {
        Routine::Am => &[Step::Cleanse, Step::Sunscreen, Step::Moisturize],
        Routine::Pm => &[Step::Cleanse, Step::Moisturize],
    }
}
