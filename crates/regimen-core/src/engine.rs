//! The planner: from a profile and the knowledge base to a dated plan.
//!
//! It runs in three passes. `choose` decides the approach and picks mask types and
//! serum actives, each with its reasons. `schedule` places them on dated evenings and
//! mornings: event masks first, then regular masks spread over the week, then
//! ramped evening actives on compatible nights, then daily actives. Each routine then
//! goes through the same guards: interactions, the per-routine limit of strong actives,
//! and the time budget. Every fact comes from the knowledge base; what the engine
//! decides in code is only how to combine them.

use crate::knowledge::{
    Active, Citation, Knowledge, MaskType, Selector, Severity, Situation, Treatment,
};
use crate::plan::{Day, MaskChoice, Plan, Reason, SerumChoice, StepEntry, Warnings, DISCLAIMER};
use crate::profile::{IsoDate, Profile};
use crate::vocab::{Approach, Concern, Routine, Step};
use chrono::{Days, NaiveDate};
use std::borrow::Cow;

/// The longest plan, in weeks.
pub const MAX_WEEKS: u8 = 52;

/// When the plan starts and how long it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOptions {
    start: NaiveDate,
    weeks: u8,
}

impl PlanOptions {
    /// A plan of `weeks` weeks (1 to [`MAX_WEEKS`]) from `start`.
    pub fn new(start: NaiveDate, weeks: u8) -> Result<PlanOptions, String> {
        if !(1..=MAX_WEEKS).contains(&weeks) {
            return Err(format!(
                "weeks must be between 1 and {MAX_WEEKS}, got {weeks}"
            ));
        }
        if start
            .checked_add_days(Days::new(u64::from(weeks) * 7))
            .is_none()
        {
            return Err(format!("start date {start} is too far in the future"));
        }
        Ok(PlanOptions { start, weeks })
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Number of weeks.
    pub fn weeks(&self) -> u8 {
        self.weeks
    }
}

/// Builds the plan for one person.
pub fn make_plan<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    options: &PlanOptions,
) -> Plan<'k> {
    let mut warnings = Warnings::default();
    let day_count = usize::from(options.weeks) * 7;
    let date_of = |day: usize| options.start + Days::new(day as u64);
    let end = date_of(day_count - 1);

    let mut events = Vec::new();
    for event in &profile.events {
        if event.0 < options.start || event.0 > end {
            let text = format!(
                "Your event on {event} is outside this plan ({} to {}); plan again closer to it to get an event mask.",
                options.start, end
            );
            warnings.add(
                "event_outside_plan",
                rule(knowledge, "event_mask"),
                Cow::Owned(text),
                Some(*event),
            );
        } else {
            events.push((event.0 - options.start).num_days() as usize);
        }
    }

    let situation = Situation {
        goal: profile.goal,
        skin_type: profile.skin_type,
        concerns: &profile.concerns,
        sensitive: profile.sensitive,
        pregnant: profile.pregnant,
        has_event: !events.is_empty(),
    };
    let needs = needs(knowledge, profile);
    let (approach, mut reasons) = choose_approach(knowledge, &situation);
    let serums = match approach {
        Approach::Serums | Approach::Both => {
            choose_serums(knowledge, profile, &needs, &mut warnings)
        }
        Approach::Masks => Vec::new(),
    };
    let masks = match approach {
        Approach::Masks | Approach::Both => {
            choose_masks(knowledge, profile, &needs, &situation, &mut warnings)
        }
        Approach::Serums => MaskPicks::default(),
    };
    if approach == Approach::Masks {
        reasons.push(Reason::cited(rule(knowledge, "masks_supplement")));
    }

    let schedule = Scheduler {
        knowledge,
        profile,
        serums: &serums,
        masks: &masks,
        day_count,
        start: options.start,
    };
    let (days, nights_placed) = schedule.run(&events, &mut warnings);

    verify_event_masks(knowledge, &days, &events, &masks, &mut warnings);
    advise(knowledge, profile, &situation, &serums, &mut warnings);

    Plan {
        approach,
        reasons,
        masks: masks
            .picks
            .iter()
            .map(|pick| MaskChoice {
                mask_type: &pick.mask.id,
                per_week: pick.per_week,
                minutes: pick.mask.minutes,
                for_events: pick.for_events,
                reasons: pick.reasons.clone(),
            })
            .collect(),
        serums: serums
            .iter()
            .zip(nights_placed)
            .map(|(pick, nights)| SerumChoice {
                active: &pick.active.id,
                time: pick.active.time,
                nights_per_week: nights,
                reasons: pick.reasons.clone(),
            })
            .collect(),
        days,
        warnings: warnings.into_vec(),
        start: IsoDate(options.start),
        weeks: options.weeks,
        disclaimer: DISCLAIMER,
    }
}

/// A citation the engine needs; validation guarantees it exists.
fn rule<'k>(knowledge: &'k Knowledge, id: &'static str) -> Citation<'k> {
    knowledge.cite(id).unwrap_or(Citation {
        id,
        text: "",
        source: "",
    })
}

/// A concern to address and whether it comes from the skin type rather than the list.
#[derive(Debug, Clone, Copy)]
struct Need {
    concern: Concern,
    from_skin_type: bool,
}

impl Need {
    fn describe(self, profile: &Profile) -> String {
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

fn needs(knowledge: &Knowledge, profile: &Profile) -> Vec<Need> {
    let mut needs: Vec<Need> = profile
        .concerns
        .iter()
        .map(|&concern| Need {
            concern,
            from_skin_type: false,
        })
        .collect();
    let implied = knowledge.limits.skin_type_concerns.get(&profile.skin_type);
    for &concern in implied.into_iter().flatten() {
        if !profile.concerns.contains(&concern) {
            needs.push(Need {
                concern,
                from_skin_type: true,
            });
        }
    }
    needs
}

fn choose_approach<'k>(
    knowledge: &'k Knowledge,
    situation: &Situation<'_>,
) -> (Approach, Vec<Reason<'k>>) {
    let mut masks = false;
    let mut serums = false;
    let mut reasons = Vec::new();
    let mut both_cited = false;
    for approach_rule in &knowledge.approach_rules {
        if approach_rule.when.matches(situation) {
            both_cited |= approach_rule.adds.contains(&Treatment::Masks)
                && approach_rule.adds.contains(&Treatment::Serums);
            masks |= approach_rule.adds.contains(&Treatment::Masks);
            serums |= approach_rule.adds.contains(&Treatment::Serums);
            if let Some(citation) = knowledge.cite(&approach_rule.id) {
                reasons.push(Reason::cited(citation));
            }
        }
    }
    let approach = match (masks, serums) {
        (true, false) => Approach::Masks,
        (false, true) => Approach::Serums,
        _ => Approach::Both,
    };
    if approach == Approach::Both && !both_cited {
        reasons.push(Reason::cited(rule(knowledge, "choose_both")));
    }
    (approach, reasons)
}

/// Whether the person's avoid list names this thing (by id, family or name).
fn avoided(profile: &Profile, names: &[&str]) -> bool {
    let normal = |text: &str| text.to_lowercase().replace(['_', '-'], " ");
    profile.avoid.iter().any(|entry| {
        let entry = normal(entry);
        names.iter().any(|name| {
            let name = normal(name);
            name == entry || name.split(" (").next() == Some(entry.as_str())
        })
    })
}

/// A chosen serum active.
#[derive(Debug, Clone)]
struct SerumPick<'k> {
    active: &'k Active,
    reasons: Vec<Reason<'k>>,
}

fn choose_serums<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    needs: &[Need],
    warnings: &mut Warnings<'k>,
) -> Vec<SerumPick<'k>> {
    let allowed = |active: &Active| {
        let unsafe_in_pregnancy = profile.pregnant && !active.pregnancy_safe;
        let too_harsh = profile.sensitive && active.avoid_if_sensitive;
        !unsafe_in_pregnancy
            && !too_harsh
            && !avoided(profile, &[&active.id, &active.family, &active.name])
    };
    let score =
        |active: &Active, concern: Concern| active.concerns.get(&concern).copied().unwrap_or(0);
    let best = |concern: Concern, only_allowed: bool| {
        let mut best: Option<&'k Active> = None;
        for active in &knowledge.actives {
            if (only_allowed && !allowed(active)) || score(active, concern) <= 0 {
                continue;
            }
            if best.is_none_or(|b| score(active, concern) > score(b, concern)) {
                best = Some(active);
            }
        }
        best
    };
    let cap = if profile.sensitive {
        knowledge.limits.serum_actives_max_sensitive
    } else {
        knowledge.limits.serum_actives_max
    };

    let mut picks: Vec<SerumPick<'k>> = Vec::new();
    let mut served: Vec<Vec<Need>> = Vec::new();
    let mut left_out = Vec::new();
    for &need in needs {
        if let Some(index) = picks
            .iter()
            .position(|p| score(p.active, need.concern) >= 2)
        {
            served[index].push(need);
            continue;
        }
        let Some(active) = best(need.concern, true) else {
            continue;
        };
        if let Some(index) = picks.iter().position(|p| p.active.id == active.id) {
            served[index].push(need);
            continue;
        }
        if picks.len() >= cap {
            left_out.push(concern_words(need.concern));
            continue;
        }
        let mut reasons = Vec::new();
        if let Some(unsafe_best) =
            best(need.concern, false).filter(|b| profile.pregnant && !b.pregnancy_safe)
        {
            let citation = rule(knowledge, "pregnancy_no_retinoids");
            let text = format!(
                "{} instead of {}, which is not for pregnancy or breastfeeding.",
                active.name, unsafe_best.name
            );
            reasons.push(Reason::personal(citation, text));
        }
        picks.push(SerumPick { active, reasons });
        served.push(vec![need]);
    }
    for (pick, served) in picks.iter_mut().zip(&served) {
        let active = pick.active;
        let citation = knowledge
            .cite(active.fact.as_deref().unwrap_or(&active.id))
            .unwrap_or(rule(knowledge, "serum_limit"));
        let described: Vec<String> = served.iter().map(|n| n.describe(profile)).collect();
        let text = format!(
            "{} for {}: {}.",
            active.name,
            described.join(" and "),
            active.purpose
        );
        pick.reasons.insert(0, Reason::personal(citation, text));
        if served.iter().any(|n| n.from_skin_type) {
            pick.reasons
                .push(Reason::cited(rule(knowledge, "skin_type_needs")));
        }
    }
    if picks.is_empty() {
        for id in &knowledge.limits.default_actives {
            if let Some(active) = knowledge.active(id).filter(|a| allowed(a)) {
                let reasons = vec![Reason::cited(rule(knowledge, "default_active"))];
                picks.push(SerumPick { active, reasons });
            }
        }
    }
    for pick in &mut picks {
        if let Some(citation) = knowledge.cite(&pick.active.time_rule) {
            pick.reasons.push(Reason::cited(citation));
        }
        if let Some(citation) = pick
            .active
            .nights_rule
            .as_deref()
            .and_then(|id| knowledge.cite(id))
        {
            pick.reasons.push(Reason::cited(citation));
        }
    }
    if !left_out.is_empty() {
        let text = format!(
            "We kept {cap} serums so as not to overload your skin; {} will get a serum once these are settled in.",
            left_out.join(", ")
        );
        warnings.add(
            "serum_limit",
            rule(knowledge, "serum_limit"),
            Cow::Owned(text),
            None,
        );
    }
    let excluded: Vec<&str> = knowledge
        .actives
        .iter()
        .filter(|a| avoided(profile, &[&a.id, &a.family, &a.name]))
        .map(|a| a.name.as_str())
        .collect();
    if !excluded.is_empty() {
        let text = format!(
            "Left out because you asked to avoid them: {}.",
            excluded.join(", ")
        );
        warnings.add(
            "avoided",
            rule(knowledge, "safer_wins"),
            Cow::Owned(text),
            None,
        );
    }
    picks
}

/// A chosen mask type.
#[derive(Debug, Clone)]
struct MaskPick<'k> {
    mask: &'k MaskType,
    per_week: u8,
    for_events: bool,
    reasons: Vec<Reason<'k>>,
}

/// The chosen mask types and the person's weekly mask budget.
#[derive(Debug, Clone, Default)]
struct MaskPicks<'k> {
    picks: Vec<MaskPick<'k>>,
    per_week: u8,
}

fn choose_masks<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    needs: &[Need],
    situation: &Situation<'_>,
    warnings: &mut Warnings<'k>,
) -> MaskPicks<'k> {
    let limits = &knowledge.limits;
    let mut matching = knowledge
        .mask_budgets
        .iter()
        .filter(|b| b.when.matches(situation));
    let Some(budget) = matching.next() else {
        return MaskPicks::default();
    };
    if let Some(wish) = matching
        .filter(|b| b.per_week > budget.per_week)
        .max_by_key(|b| b.per_week)
    {
        let masks = if budget.per_week == 1 {
            "mask"
        } else {
            "masks"
        };
        let text = format!(
            "{} {masks} a week rather than {}: {}",
            budget.per_week, wish.per_week, budget.text
        );
        let citation = knowledge
            .cite(&budget.id)
            .unwrap_or(rule(knowledge, "safer_wins"));
        warnings.add("safer_wins", citation, Cow::Owned(text), None);
    }
    let score = |mask: &MaskType| -> i32 {
        let concerns: i32 = needs
            .iter()
            .map(|n| i32::from(mask.concerns.get(&n.concern).copied().unwrap_or(0)))
            .sum();
        concerns
            + i32::from(
                mask.skin_types
                    .get(&profile.skin_type)
                    .copied()
                    .unwrap_or(0),
            )
    };
    let mut candidates: Vec<(&'k MaskType, i32)> = knowledge
        .mask_types
        .iter()
        .filter(|m| !(profile.sensitive && m.avoid_if_sensitive))
        .filter(|m| !profile.sensitive || limits.sensitive_mask_tags.iter().any(|t| m.has_tag(t)))
        .filter(|m| !avoided(profile, &[&m.id, &m.name]))
        .map(|m| (m, score(m)))
        .filter(|(_, s)| *s >= 0)
        .collect();
    candidates.sort_by_key(|(_, s)| std::cmp::Reverse(*s));

    let kinds = if budget.per_week >= 2 { 2 } else { 1 };
    let positive = candidates.iter().filter(|(_, s)| *s > 0).count();
    let take = if positive == 0 {
        1
    } else {
        positive.min(kinds)
    };
    let mut picks: Vec<MaskPick<'k>> = candidates
        .iter()
        .take(take)
        .map(|(mask, _)| {
            let matched: Vec<String> = needs
                .iter()
                .filter(|n| mask.concerns.get(&n.concern).is_some_and(|s| *s > 0))
                .map(|n| n.describe(profile))
                .collect();
            let why = if matched.is_empty() {
                format!(
                    "{}: {}, a good fit for {} skin.",
                    mask.name, mask.purpose, profile.skin_type
                )
            } else {
                format!(
                    "{}: {}, for {}.",
                    mask.name,
                    mask.purpose,
                    matched.join(" and ")
                )
            };
            let citation = knowledge
                .cite(mask.fact.as_deref().unwrap_or(&mask.id))
                .unwrap_or(rule(knowledge, "mask_type_limit"));
            let mut reasons = vec![Reason::personal(citation, why)];
            if let Some(citation) = knowledge.cite(&budget.id) {
                reasons.push(Reason::cited(citation));
            }
            if profile.sensitive {
                reasons.push(Reason::cited(rule(knowledge, "sensitive_soothing_masks")));
            }
            MaskPick {
                mask,
                per_week: 0,
                for_events: false,
                reasons,
            }
        })
        .collect();

    // Share the weekly budget round-robin, within each type's own limit.
    let mut left = budget.per_week;
    while left > 0 {
        let mut progressed = false;
        for pick in &mut picks {
            if left > 0 && pick.per_week < pick.mask.limit_for(profile.skin_type) {
                pick.per_week += 1;
                left -= 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }

    if situation.has_event {
        let is_event_mask = |m: &MaskType| limits.event_mask_tags.iter().any(|t| m.has_tag(t));
        if let Some(pick) = picks.iter_mut().find(|p| is_event_mask(p.mask)) {
            pick.for_events = true;
            pick.reasons
                .push(Reason::cited(rule(knowledge, "event_mask")));
        } else if let Some((mask, _)) = candidates.iter().find(|(m, _)| is_event_mask(m)) {
            picks.push(MaskPick {
                mask,
                per_week: 0,
                for_events: true,
                reasons: vec![Reason::cited(rule(knowledge, "event_mask"))],
            });
        }
    }
    if picks.is_empty() {
        let text = "No mask type suits your skin and avoid list, so this plan has no masks.";
        warnings.add(
            "no_mask",
            rule(knowledge, "mask_type_limit"),
            Cow::Borrowed(text),
            None,
        );
    }
    MaskPicks {
        picks,
        per_week: budget.per_week,
    }
}

/// Something that goes on the skin in a routine: a mask (index into the mask picks)
/// or a serum (index into the serum picks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    Mask(usize),
    Serum(usize),
}

struct Scheduler<'a, 'k> {
    knowledge: &'k Knowledge,
    profile: &'a Profile,
    serums: &'a [SerumPick<'k>],
    masks: &'a MaskPicks<'k>,
    day_count: usize,
    start: NaiveDate,
}

fn selects(selector: &Selector, families: &[&str], tags: &[String]) -> bool {
    selector
        .families
        .iter()
        .any(|f| families.contains(&f.as_str()))
        || selector.mask_tags.iter().any(|t| tags.contains(t))
}

impl<'k> Scheduler<'_, 'k> {
    fn date(&self, day: usize) -> IsoDate {
        IsoDate(self.start + Days::new(day as u64))
    }

    fn traits(&self, item: Item) -> (&'k str, &'k [String]) {
        match item {
            Item::Mask(i) => ("", &self.masks.picks[i].mask.tags),
            Item::Serum(i) => (&self.serums[i].active.family, &[]),
        }
    }

    /// The interaction that forbids `a` and `b` in one routine, if any.
    fn clash(&self, a: Item, b: Item) -> Option<&'k crate::knowledge::Interaction> {
        let (family_a, tags_a) = self.traits(a);
        let (family_b, tags_b) = self.traits(b);
        self.knowledge.interactions.iter().find(|interaction| {
            interaction.severity == Severity::Separate
                && ((selects(&interaction.a, &[family_a], tags_a)
                    && selects(&interaction.b, &[family_b], tags_b))
                    || (selects(&interaction.a, &[family_b], tags_b)
                        && selects(&interaction.b, &[family_a], tags_a)))
        })
    }

    fn name(&self, item: Item) -> &'k str {
        match item {
            Item::Mask(i) => &self.masks.picks[i].mask.name,
            Item::Serum(i) => &self.serums[i].active.name,
        }
    }

    /// Runs the schedule; returns the days and, per serum pick, the nights placed per
    /// week (empty for actives without a ramp).
    fn run(&self, events: &[usize], warnings: &mut Warnings<'k>) -> (Vec<Day<'k>>, Vec<Vec<u8>>) {
        let mut nights: Vec<Vec<Item>> = vec![Vec::new(); self.day_count];
        self.place_masks(events, &mut nights);
        let nights_placed = self.place_ramped(&mut nights, warnings);

        let mut days = Vec::with_capacity(self.day_count);
        for (day, night) in nights.into_iter().enumerate() {
            let date = self.date(day);
            let mut am: Vec<Item> = (0..self.serums.len())
                .filter(|&i| self.serums[i].active.time.in_am())
                .map(Item::Serum)
                .collect();
            let mut pm = night;
            for i in 0..self.serums.len() {
                let active = self.serums[i].active;
                if active.time.in_pm() && active.nights.is_empty() {
                    pm.push(Item::Serum(i));
                }
            }
            self.guard(&mut am, Routine::Am, date, warnings);
            self.guard(&mut pm, Routine::Pm, date, warnings);
            days.push(Day {
                date,
                am: self.steps(&am, Routine::Am, date, warnings),
                pm: self.steps(&pm, Routine::Pm, date, warnings),
            });
        }
        (days, nights_placed)
    }

    /// Whether mask pick `pick` can go on the evening of `day`: no other mask that
    /// night, and every 7-day window holding `day` stays within the person's budget
    /// and the type's own limit.
    fn mask_fits(&self, day: usize, pick: usize, nights: &[Vec<Item>]) -> bool {
        let is_mask = |items: &Vec<Item>| items.iter().any(|i| matches!(i, Item::Mask(_)));
        if day >= self.day_count || is_mask(&nights[day]) {
            return false;
        }
        let type_limit = self.masks.picks[pick]
            .mask
            .limit_for(self.profile.skin_type);
        let first = day.saturating_sub(6);
        (first..=day).all(|window_start| {
            let window = &nights[window_start..(window_start + 7).min(self.day_count)];
            let total = window.iter().filter(|n| is_mask(n)).count();
            let same = window
                .iter()
                .filter(|n| n.contains(&Item::Mask(pick)))
                .count();
            total < usize::from(self.masks.per_week) && same < usize::from(type_limit)
        })
    }

    fn place_masks(&self, events: &[usize], nights: &mut [Vec<Item>]) {
        let picks = &self.masks.picks;
        if let Some(event_pick) = picks.iter().position(|p| p.for_events) {
            let before = usize::from(self.knowledge.limits.event_mask_days_before);
            for &event in events {
                let placed = (1..=before)
                    .filter_map(|back| event.checked_sub(back))
                    .any(|day| nights[day].contains(&Item::Mask(event_pick)));
                if placed {
                    continue;
                }
                let day = (1..=before)
                    .filter_map(|back| event.checked_sub(back))
                    .find(|&day| self.mask_fits(day, event_pick, nights));
                if let Some(day) = day {
                    nights[day].push(Item::Mask(event_pick));
                }
            }
        }
        // Regular masks: interleave the types, spread evenly over each week.
        let mut order = Vec::new();
        let mut counts: Vec<u8> = picks.iter().map(|p| p.per_week).collect();
        while counts.iter().any(|c| *c > 0) {
            for (i, count) in counts.iter_mut().enumerate() {
                if *count > 0 {
                    order.push(i);
                    *count -= 1;
                }
            }
        }
        if order.is_empty() {
            return;
        }
        let per_week = order.len();
        for week in 0..self.day_count / 7 {
            for (slot, &pick) in order.iter().enumerate() {
                let ideal = week * 7 + 1 + slot * 7 / per_week;
                let week_days = week * 7..(week * 7 + 7).min(self.day_count);
                let day = [0isize, 1, -1, 2, -2, 3, -3]
                    .iter()
                    .filter_map(|shift| ideal.checked_add_signed(*shift))
                    .filter(|day| week_days.contains(day))
                    .find(|&day| self.mask_fits(day, pick, nights));
                if let Some(day) = day {
                    nights[day].push(Item::Mask(pick));
                }
            }
        }
    }

    /// Places evening actives that have a nights-per-week ramp on nights where nothing
    /// clashes, spread over each week. Returns nights placed per week, per serum pick.
    fn place_ramped(&self, nights: &mut [Vec<Item>], warnings: &mut Warnings<'k>) -> Vec<Vec<u8>> {
        let mut placed = vec![Vec::new(); self.serums.len()];
        let mut phase = 0;
        for (index, pick) in self.serums.iter().enumerate() {
            if pick.active.nights.is_empty() {
                continue;
            }
            let item = Item::Serum(index);
            for week in 0..self.day_count / 7 {
                let wanted = pick
                    .active
                    .nights_in_week(week, self.profile.sensitive)
                    .unwrap_or(7);
                let wanted = usize::from(wanted.min(7));
                let mut count = 0u8;
                let mut blocked_by = None;
                for slot in 0..wanted {
                    let ideal = (week * 7 + phase + slot * 7 / wanted) as isize;
                    let best = (week * 7..week * 7 + 7)
                        .filter(|&day| !nights[day].contains(&item))
                        .filter(|&day| {
                            let clash = nights[day]
                                .iter()
                                .find(|other| self.clash(item, **other).is_some());
                            if let Some(other) = clash {
                                blocked_by = Some(*other);
                            }
                            clash.is_none()
                        })
                        .min_by_key(|&day| {
                            let busy = nights[day].len() as isize * 2;
                            (day as isize - ideal).abs() + busy
                        });
                    if let Some(day) = best {
                        nights[day].push(item);
                        count += 1;
                    }
                }
                if usize::from(count) < wanted {
                    if let Some(other) = blocked_by {
                        let text = format!(
                            "{} went on fewer nights than planned to keep it away from {}.",
                            pick.active.name,
                            self.name(other)
                        );
                        warnings.add(
                            "safer_wins",
                            rule(self.knowledge, "safer_wins"),
                            Cow::Owned(text),
                            Some(self.date(week * 7)),
                        );
                    }
                }
                placed[index].push(count);
            }
            phase += 1;
        }
        placed
    }

    /// Drops what must not share this routine, keeping what came first (masks and
    /// ramped actives were placed deliberately), and trims strong actives to the limit.
    fn guard(
        &self,
        items: &mut Vec<Item>,
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) {
        let mut kept: Vec<Item> = Vec::with_capacity(items.len());
        for &item in items.iter() {
            if kept.contains(&item) {
                continue;
            }
            if let Some(interaction) = kept
                .iter()
                .find_map(|k| self.clash(item, *k).map(|i| (k, i)))
            {
                let (other, interaction) = interaction;
                let text = format!(
                    "{} skipped in the {} routine: it does not go with {}. {}",
                    self.name(item),
                    routine_word(routine),
                    self.name(*other),
                    interaction.text
                );
                let citation = self
                    .knowledge
                    .cite(&interaction.id)
                    .unwrap_or(rule(self.knowledge, "safer_wins"));
                warnings.add("safer_wins", citation, Cow::Owned(text), Some(date));
                continue;
            }
            kept.push(item);
        }
        let limit = if self.profile.sensitive {
            self.knowledge.limits.strong_per_routine_max_sensitive
        } else {
            self.knowledge.limits.strong_per_routine_max
        };
        let mut strong = 0;
        kept.retain(|item| {
            let Item::Serum(i) = item else { return true };
            if !self.serums[*i].active.strong {
                return true;
            }
            strong += 1;
            if strong <= limit {
                return true;
            }
            let text = format!(
                "{} skipped in the {} routine: at most {limit} strong active(s) at a time for your skin.",
                self.serums[*i].active.name,
                routine_word(routine)
            );
            warnings.add("safer_wins", rule(self.knowledge, "sensitive_fewer_actives"), Cow::Owned(text), Some(date));
            false
        });
        *items = kept;
    }

    /// Turns a routine's items into ordered steps, fitting the time budget.
    fn steps(
        &self,
        items: &[Item],
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) -> Vec<StepEntry<'k>> {
        let knowledge = self.knowledge;
        let plain = |step: Step| StepEntry {
            step,
            minutes: knowledge.step(step).minutes,
            active: None,
            mask_type: None,
        };
        let mut required = vec![plain(Step::Cleanse), plain(Step::Moisturize)];
        if routine == Routine::Am {
            required.push(plain(Step::Sunscreen));
        }
        // Optional groups in the order they are kept when time is short (rule time_budget):
        // the main serum, then the mask with its removal, then the other serums.
        let mut serum_groups = Vec::new();
        let mut mask_group = Vec::new();
        for item in items {
            match *item {
                Item::Mask(i) => {
                    let mask = self.masks.picks[i].mask;
                    mask_group.push(StepEntry {
                        step: Step::Mask,
                        minutes: mask.minutes,
                        active: None,
                        mask_type: Some(&mask.id),
                    });
                    mask_group.push(plain(Step::RemoveMask));
                }
                Item::Serum(i) => serum_groups.push((
                    i,
                    vec![StepEntry {
                        active: Some(&self.serums[i].active.id),
                        ..plain(Step::Serum)
                    }],
                )),
            }
        }
        serum_groups.sort_by_key(|(i, _)| *i);
        let mut groups: Vec<Vec<StepEntry<'k>>> = Vec::new();
        let mut serum_groups = serum_groups.into_iter().map(|(_, g)| g);
        groups.extend(serum_groups.next());
        if !mask_group.is_empty() {
            groups.push(mask_group);
        }
        groups.extend(serum_groups);

        let budget = match routine {
            Routine::Am => self.profile.minutes_am,
            Routine::Pm => self.profile.minutes_pm,
        };
        let mut steps = required;
        let mut total = Plan::minutes(&steps);
        let mut dropped = Vec::new();
        for group in groups {
            let minutes = Plan::minutes(&group);
            match budget {
                Some(budget) if total + minutes > budget.get() => dropped.push(group[0].label()),
                _ => {
                    total += minutes;
                    steps.extend(group);
                }
            }
        }
        if let Some(budget) = budget {
            let citation = rule(knowledge, "time_budget");
            if !dropped.is_empty() {
                let text = format!(
                    "Your {}-minute {} routine leaves out: {}.",
                    budget.get(),
                    routine_word(routine),
                    dropped.join(", ")
                );
                warnings.add("time_budget", citation, Cow::Owned(text), Some(date));
            }
            if total > budget.get() {
                let text = format!(
                    "The essential {} steps take {total} minutes, more than your {}-minute budget; they stay, because they protect your skin.",
                    routine_word(routine),
                    budget.get()
                );
                warnings.add("time_budget", citation, Cow::Owned(text), None);
            }
        }
        steps.sort_by_key(|s| knowledge.step_rank(s.step));
        steps
    }
}

fn routine_word(routine: Routine) -> &'static str {
    match routine {
        Routine::Am => "morning",
        Routine::Pm => "evening",
    }
}

fn verify_event_masks<'k>(
    knowledge: &'k Knowledge,
    days: &[Day<'k>],
    events: &[usize],
    masks: &MaskPicks<'k>,
    warnings: &mut Warnings<'k>,
) {
    let tags = &knowledge.limits.event_mask_tags;
    let is_event_mask = |step: &StepEntry<'_>| {
        step.mask_type
            .and_then(|id| knowledge.mask_type(id))
            .is_some_and(|m| tags.iter().any(|t| m.has_tag(t)))
    };
    let before = usize::from(knowledge.limits.event_mask_days_before);
    for &event in events {
        let found = (1..=before)
            .filter_map(|back| event.checked_sub(back))
            .any(|day| days[day].pm.iter().any(is_event_mask));
        if !found {
            let why = if masks.picks.iter().any(|p| p.for_events) {
                "there was no room for it within your mask limits or time budget"
            } else {
                "no suitable mask type is in this plan"
            };
            let text = format!(
                "No glow mask before your event on {}: {why}. A hydrating mask the evening before helps.",
                days[event].date
            );
            warnings.add(
                "event_mask_missing",
                rule(knowledge, "event_mask"),
                Cow::Owned(text),
                Some(days[event].date),
            );
        }
    }
}

/// Safety notes and expectations that hold for the whole plan.
fn advise<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    situation: &Situation<'_>,
    serums: &[SerumPick<'k>],
    warnings: &mut Warnings<'k>,
) {
    if profile.pregnant {
        let removed: Vec<&str> = knowledge
            .actives
            .iter()
            .filter(|a| !a.pregnancy_safe)
            .map(|a| a.name.as_str())
            .collect();
        let mut alternatives: Vec<&str> = Vec::new();
        for active in knowledge.actives.iter().filter(|a| !a.pregnancy_safe) {
            for alt in &active.pregnancy_alternatives {
                if let Some(alt) = knowledge.active(alt) {
                    if !alternatives.contains(&alt.name.as_str()) {
                        alternatives.push(&alt.name);
                    }
                }
            }
        }
        let text = format!(
            "While pregnant or breastfeeding, no retinoids: this plan leaves out {} (and avoid retinal, retinyl esters, tretinoin and adapalene in your products). Safer alternatives: {}.",
            removed.join(", "),
            alternatives.join(", ")
        );
        warnings.add(
            "pregnancy",
            rule(knowledge, "pregnancy_no_retinoids"),
            Cow::Owned(text),
            None,
        );
    }
    let photosensitising: Vec<&str> = serums
        .iter()
        .filter(|p| p.active.photosensitising)
        .map(|p| p.active.name.as_str())
        .collect();
    if photosensitising.is_empty() {
        warnings.cite("sunscreen", knowledge, "sunscreen_daily");
    } else {
        let citation = rule(knowledge, "sunscreen_photosensitising");
        let text = format!("{}: {}", photosensitising.join(", "), citation.text);
        warnings.add("sunscreen", citation, Cow::Owned(text), None);
    }
    for pick in serums {
        if profile.sensitive || pick.active.strong {
            let text = format!(
                "Patch-test {} before the first use: a small spot twice a day for 7-10 days.",
                pick.active.name
            );
            warnings.add(
                "patch_test",
                rule(knowledge, "patch_test"),
                Cow::Owned(text),
                None,
            );
        }
    }
    if profile.sensitive {
        warnings.cite("sensitive", knowledge, "sensitive_fewer_actives");
    }
    let families: Vec<&str> = serums.iter().map(|p| p.active.family.as_str()).collect();
    for interaction in &knowledge.interactions {
        let both =
            selects(&interaction.a, &families, &[]) && selects(&interaction.b, &families, &[]);
        if both {
            let code = match interaction.severity {
                Severity::Info => "interaction_note",
                Severity::Separate => "kept_apart",
            };
            warnings.cite(code, knowledge, &interaction.id);
        }
    }
    if !serums.is_empty() {
        warnings.cite("expectations", knowledge, "expectations_serums");
    }
    for referral in &knowledge.referrals {
        if referral.when.matches(situation) {
            warnings.cite("see_dermatologist", knowledge, &referral.id);
        }
    }
}
