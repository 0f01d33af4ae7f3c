//! Choosing: the approach (the seed's decision rules), the serum actives and the mask
//! types, each with the reasons that cite their rules.

use super::{rule, Reading};
use crate::knowledge::{Active, Knowledge, MaskType, Situation, Treatment};
use crate::plan::{Reason, Warnings};
use crate::profile::Profile;
use crate::shelf::ShelfProduct;
use crate::vocab::{Approach, Concern, ProductKind, Routine, ServingTime, Step, WarningCode};
use std::borrow::Cow;

/// A concern to address and whether it comes from the skin type rather than the list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Need {
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

pub(super) fn needs(knowledge: &Knowledge, profile: &Profile) -> Vec<Need> {
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

pub(super) fn choose_approach<'k>(
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

/// A chosen serum active.
#[derive(Debug, Clone)]
pub(super) struct SerumPick<'k> {
    pub(super) active: &'k Active,
    /// The routines it goes in: its active's time, less a routine with no time left for
    /// it (rule time_budget).
    pub(super) time: ServingTime,
    pub(super) reasons: Vec<Reason<'k>>,
}

/// What the person owns and may use, for choosing and assigning.
#[derive(Debug, Clone, Copy)]
pub(super) struct Owned<'s> {
    pub(super) products: &'s [ShelfProduct],
    pub(super) refused: &'s [Option<String>],
}

impl<'s> Owned<'s> {
    pub(super) fn usable(&self) -> impl Iterator<Item = (usize, &'s ShelfProduct)> + '_ {
        self.products
            .iter()
            .enumerate()
            .filter(|(i, _)| self.refused.get(*i).is_none_or(Option::is_none))
    }

    /// The product that carries an active's family, with the step it fills: a product
    /// for the serum step first (a serum before a toner or an oil), else a leave-on
    /// cream that carries it in the moisturize step.
    pub(super) fn carrier(&self, knowledge: &Knowledge, family: &str) -> Option<(usize, Step)> {
        self.carriers(knowledge, [family]).pop().flatten()
    }

    /// The products that carry each of these families, one product per family at most
    /// and one family per product: a vitamin C serum that also holds some hyaluronic
    /// acid fills the vitamin C step, not both.
    pub(super) fn carriers<'f>(
        &self,
        knowledge: &Knowledge,
        families: impl IntoIterator<Item = &'f str>,
    ) -> Vec<Option<(usize, Step)>> {
        let families: Vec<&str> = families.into_iter().collect();
        let strong = |family: &str| {
            knowledge
                .family(family)
                .is_some_and(|f| f.strong || f.ramped())
        };
        // Strong families choose first: a vitamin C serum with some hyaluronic acid
        // carries the vitamin C.
        let mut order: Vec<usize> = (0..families.len()).collect();
        order.sort_by_key(|&i| !strong(families[i]));
        let mut taken: Vec<usize> = Vec::new();
        let mut found: Vec<Option<(usize, Step)>> = vec![None; families.len()];
        for i in order {
            let family = families[i];
            let free = |p: &usize| !taken.contains(p);
            // A gentle serum's step is not filled by a product that brings a strong
            // family besides (a 10% lactic acid with some hyaluronic acid).
            let fits = |product: &ShelfProduct| {
                strong(family) || !product.families.iter().any(|f| f != family && strong(f))
            };
            let serum = self
                .usable()
                .filter(|(p, product)| {
                    free(p) && product.can(Step::Serum) && product.treats(family) && fits(product)
                })
                .min_by_key(|(_, product)| product.kind != ProductKind::Serum)
                .map(|(p, _)| (p, Step::Serum));
            // A cream carries a treatment on its nights; a hydrating serum is no
            // reason to skip the moisturizer.
            let carrier = serum.or_else(|| {
                if !strong(family) {
                    return None;
                }
                self.usable()
                    .find(|(p, product)| {
                        free(p)
                            && product.leave_on
                            && product.can(Step::Moisturize)
                            && product.treats(family)
                    })
                    .map(|(p, _)| (p, Step::Moisturize))
            });
            if let Some((p, _)) = carrier {
                taken.push(p);
            }
            found[i] = carrier;
        }
        found
    }

    /// The product to use for a mask type.
    pub(super) fn mask_for(&self, mask_type: &str) -> Option<usize> {
        self.usable()
            .find(|(_, p)| p.can(Step::Mask) && p.mask_type.as_deref() == Some(mask_type))
            .map(|(i, _)| i)
    }

    pub(super) fn name(&self, index: usize) -> &'s str {
        &self.products[index].name
    }
}

/// What a person's time budgets leave for serums (rule time_budget): per routine, how
/// many fit beside the steps every routine keeps; without a budget, any number.
pub(super) struct Room<'a> {
    knowledge: &'a Knowledge,
    budgets: [Option<u16>; 2],
}

impl<'a> Room<'a> {
    pub(super) fn of(knowledge: &'a Knowledge, profile: &Profile) -> Room<'a> {
        Room {
            knowledge,
            budgets: [
                profile.minutes_am.map(|m| m.get()),
                profile.minutes_pm.map(|m| m.get()),
            ],
        }
    }

    fn index(routine: Routine) -> usize {
        match routine {
            Routine::Am => 0,
            Routine::Pm => 1,
        }
    }

    /// The minutes of the steps a routine always keeps.
    fn essential(&self, routine: Routine) -> u16 {
        super::schedule::essential_steps(routine)
            .iter()
            .map(|s| self.knowledge.step(*s).minutes)
            .sum()
    }

    /// How many serums fit the routine.
    fn serums(&self, routine: Routine) -> usize {
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
    fn narrow(&self, picks: &mut [SerumPick<'_>]) -> Vec<bool> {
        let mut held = [0usize; 2];
        picks
            .iter_mut()
            .map(|pick| {
                let mut time = Some(pick.active.time);
                for routine in Routine::ALL {
                    if !pick.active.time.includes(routine) {
                        continue;
                    }
                    let taken = &mut held[Room::index(routine)];
                    if *taken >= self.serums(routine) {
                        time = time.and_then(|t| t.without(routine));
                    } else if every_day(pick.active) {
                        *taken += 1;
                    }
                }
                pick.time = time.unwrap_or(pick.active.time);
                time.is_some()
            })
            .collect()
    }

    /// Whether a routine has time for one more serum beside these picks' every-day ones.
    fn has_room(&self, routine: Routine, picks: &[SerumPick<'_>]) -> bool {
        let held = picks
            .iter()
            .filter(|p| p.time.includes(routine) && every_day(p.active))
            .count();
        self.serums(routine) > held
    }

    /// Why a routine has no room for one more serum: "your 3-minute mornings have time
    /// for cleanse, sunscreen and moisturize (3 minutes); with 4 minutes, a serum fits".
    fn no_room(&self, routine: Routine) -> String {
        let steps: Vec<String> = super::schedule::essential_steps(routine)
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
                super::and_list(&steps),
                super::routine_word(routine)
            )
        } else {
            format!(
                "your {budget}-minute {}s have time for {} ({used} minutes)",
                super::routine_word(routine),
                super::and_list(&steps)
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
fn every_day(active: &Active) -> bool {
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

pub(super) fn choose_serums<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    needs: &[Need],
    owned: Owned<'_>,
    reading: &Reading,
    warnings: &mut Warnings<'k>,
) -> Vec<SerumPick<'k>> {
    // A serum is a leave-on product: in pregnancy, a family allowed only in washes is out.
    let unsafe_in_pregnancy = |active: &Active| {
        profile.pregnant && (!active.rules.pregnancy_safe || active.rules.pregnancy_rinse_off_only)
    };
    let allowed = |active: &Active| {
        let too_harsh = profile.sensitive && active.rules.avoid_if_sensitive;
        !unsafe_in_pregnancy(active) && !too_harsh && reading.active_avoided(&active.id).is_none()
    };
    // A serum needs a routine of its time with room for a serum beside the essential
    // steps: vitamin C, a morning serum, is no choice for a morning of 3 minutes.
    let room = Room::of(knowledge, profile);
    let fits = |active: &Active| room.fits(active);
    let score =
        |active: &Active, concern: Concern| active.concerns.get(&concern).copied().unwrap_or(0);
    // The fit for a concern, adjusted by skin type and sensitivity; owning a product that
    // carries an active makes it fit a little better (rule shelf_first).
    let fit = |active: &Active, concern: Concern| {
        let bonus = if owned.carrier(knowledge, &active.family).is_some() {
            knowledge.limits.owned_bonus
        } else {
            0
        };
        let skin = active
            .skin_types
            .get(&profile.skin_type)
            .copied()
            .unwrap_or(0);
        let sensitive = if profile.sensitive {
            active.sensitive
        } else {
            0
        };
        i32::from(score(active, concern)) + i32::from(skin) + i32::from(sensitive) + bonus
    };
    // The best active for a concern, of a family the plan does not have yet.
    let best = |concern: Concern, only_allowed: bool, timed: bool, taken: &[&str]| {
        let mut best: Option<&'k Active> = None;
        for active in &knowledge.actives {
            // An alternative to a family already in the plan is not a second choice
            // beside it (rule alternatives_apart).
            if (only_allowed && !allowed(active))
                || (timed && !fits(active))
                || score(active, concern) <= 0
                || taken.contains(&active.family.as_str())
                || active
                    .instead_of
                    .iter()
                    .any(|f| taken.contains(&f.as_str()))
            {
                continue;
            }
            if best.is_none_or(|b| fit(active, concern) > fit(b, concern)) {
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
    // Families a wash the person owns already brings every day (a benzoyl peroxide
    // wash): no serum of the same family on top of it.
    let washed: Vec<&str> = owned
        .usable()
        .filter(|(_, p)| p.can(Step::Cleanse) && !p.can(Step::Serum))
        .flat_map(|(_, p)| p.families.iter().map(String::as_str))
        .filter(|f| knowledge.family(f).is_some_and(|f| f.strong))
        .collect();
    for &need in needs {
        if let Some(index) = picks
            .iter()
            .position(|p| score(p.active, need.concern) >= 2)
        {
            served[index].push(need);
            continue;
        }
        let mut taken: Vec<&str> = picks.iter().map(|p| p.active.family.as_str()).collect();
        // A pick that is an alternative to a family keeps that family out too.
        taken.extend(
            picks
                .iter()
                .flat_map(|p| p.active.instead_of.iter().map(String::as_str)),
        );
        taken.extend(washed.iter().copied());
        let Some(active) = best(need.concern, true, true, &taken) else {
            continue;
        };
        if let Some(index) = picks.iter().position(|p| p.active.id == active.id) {
            served[index].push(need);
            continue;
        }
        if picks.len() >= cap {
            left_out.push(need.describe(profile));
            continue;
        }
        let mut reasons = Vec::new();
        // The first choice, had the routines time for it.
        if let Some(untimed) = best(need.concern, true, false, &taken).filter(|b| {
            b.id != active.id && !fits(b) && fit(b, need.concern) > fit(active, need.concern)
        }) {
            reasons.push(Reason::personal(
                rule(knowledge, "time_budget"),
                format!(
                    "{} instead of {}, which goes on in the {}: {}.",
                    active.name,
                    untimed.name,
                    routines_word(untimed.time),
                    room.no_time(untimed.time),
                ),
            ));
        }
        if let Some(unsafe_best) =
            best(need.concern, false, false, &taken).filter(|b| unsafe_in_pregnancy(b))
        {
            let citation = knowledge
                .cite(
                    unsafe_best
                        .rules
                        .pregnancy_rule
                        .as_deref()
                        .unwrap_or("pregnancy_no_retinoids"),
                )
                .unwrap_or(rule(knowledge, "pregnancy_no_retinoids"));
            let text = format!(
                "{} instead of {}, which is not for pregnancy or breastfeeding.",
                active.name, unsafe_best.name
            );
            reasons.push(Reason::personal(citation, text));
        }
        picks.push(SerumPick {
            active,
            time: active.time,
            reasons,
        });
        served.push(vec![need]);
    }
    // Serums the person owns that suit one of their needs join while there is room.
    for (_, product) in owned.usable().filter(|(_, p)| p.can(Step::Serum)) {
        for family in &product.families {
            let Some(active) = knowledge
                .actives
                .iter()
                .find(|a| &a.family == family && allowed(a) && fits(a))
            else {
                continue;
            };
            let suits: Vec<Need> = needs
                .iter()
                .copied()
                .filter(|n| score(active, n.concern) > 0)
                .collect();
            if suits.is_empty()
                || picks.iter().any(|p| p.active.family == active.family)
                || picks.len() >= cap
            {
                continue;
            }
            picks.push(SerumPick {
                active,
                time: active.time,
                reasons: Vec::new(),
            });
            served.push(suits);
        }
    }
    // A product the person owns does its family's step as the active it holds: a
    // retinol serum fills the retinoid step as retinol, with retinol's rules, not as the
    // family's best choice (adapalene for acne), which is named as the stronger option.
    let carriers = owned.carriers(knowledge, picks.iter().map(|p| p.active.family.as_str()));
    // Per pick swapped: the active first chosen (its purpose and source describe the
    // step) and the needs it has the stronger evidence for.
    let mut swapped: Vec<Option<(&'k Active, Vec<String>)>> = Vec::new();
    for ((pick, carrier), served) in picks.iter_mut().zip(carriers).zip(&served) {
        let product = carrier.map(|(p, _)| &owned.products[p]);
        // Only an active with some evidence for every need the pick serves stands in
        // (an adapalene gel does not become the retinoid for aging).
        let held = product
            .filter(|product| !pick.active.ingredients.iter().any(|i| product.holds(i)))
            .and_then(|product| {
                knowledge.actives.iter().find(|a| {
                    a.family == pick.active.family
                        && allowed(a)
                        && fits(a)
                        && a.ingredients.iter().any(|i| product.holds(i))
                        && served.iter().all(|n| score(a, n.concern) > 0)
                })
            });
        let Some(held) = held else {
            swapped.push(None);
            continue;
        };
        let better = std::mem::replace(&mut pick.active, held);
        pick.time = held.time;
        let concerns: Vec<String> = served
            .iter()
            .filter(|n| score(better, n.concern) > score(held, n.concern))
            .map(|n| n.describe(profile))
            .collect();
        swapped.push(Some((better, concerns)));
    }
    for (i, (pick, served)) in picks.iter_mut().zip(&served).enumerate() {
        let active = pick.active;
        // What the family does for the needs it was chosen for (a retinoid for acne
        // unclogs pores), with its source, not what the held active is best known for.
        let described_by = swapped
            .get(i)
            .and_then(|s| s.as_ref())
            .map_or(active, |(chosen, _)| *chosen);
        let purpose = &described_by.purpose;
        let citation = knowledge
            .cite(described_by.fact.as_deref().unwrap_or(&described_by.id))
            .unwrap_or(rule(knowledge, "serum_limit"));
        let described: Vec<String> = served.iter().map(|n| n.describe(profile)).collect();
        let text = format!(
            "{} for {}: {}.",
            active.name,
            described.join(" and "),
            purpose
        );
        pick.reasons.insert(0, Reason::personal(citation, text));
        if served.iter().any(|n| n.from_skin_type) {
            pick.reasons
                .push(Reason::cited(rule(knowledge, "skin_type_needs")));
        }
    }
    if picks.is_empty() {
        for id in &knowledge.limits.default_actives {
            if let Some(active) = knowledge.active(id).filter(|a| allowed(a) && fits(a)) {
                let reasons = vec![Reason::cited(rule(knowledge, "default_active"))];
                picks.push(SerumPick {
                    active,
                    time: active.time,
                    reasons,
                });
            }
        }
    }
    // An antioxidant in the morning where the concerns call for it (rule
    // morning_antioxidant), within the limit.
    let limits = &knowledge.limits;
    let calls: Vec<Concern> = profile
        .concerns
        .iter()
        .copied()
        .filter(|c| limits.antioxidant_concerns.contains(c))
        .collect();
    room.narrow(&mut picks);
    if !calls.is_empty()
        && picks.len() < cap
        && !picks.iter().any(|p| p.time.in_am())
        && room.has_room(Routine::Am, &picks)
    {
        let taken: Vec<&str> = picks.iter().map(|p| p.active.family.as_str()).collect();
        let morning = knowledge
            .actives
            .iter()
            .filter(|a| {
                a.time == ServingTime::Am
                    && allowed(a)
                    && fits(a)
                    && !taken.contains(&a.family.as_str())
            })
            .filter(|a| calls.iter().any(|c| score(a, *c) > 0))
            .max_by_key(|a| calls.iter().map(|c| fit(a, *c)).max().unwrap_or(0));
        if let Some(active) = morning {
            let text = format!(
                "{} in the morning, under sunscreen: {}.",
                active.name, active.purpose
            );
            picks.push(SerumPick {
                active,
                time: active.time,
                reasons: vec![Reason::personal(
                    rule(knowledge, "morning_antioxidant"),
                    text,
                )],
            });
        }
    }
    // A serum every day (rule serum_every_day): when no serum covers every morning and
    // every evening from the first day (a ramped active skips nights, a new strong active
    // waits its turn), a gentle one fills the days the others leave free. It only
    // hydrates, so it comes on top of the limit of treatment actives.
    // (Only where a serum has time: a morning of essential steps wants no filler.)
    room.narrow(&mut picks);
    let daily = |routine: Routine| {
        !room.has_room(routine, &picks)
            || picks
                .iter()
                .any(|p| p.time.includes(routine) && every_day(p.active))
    };
    if !(daily(Routine::Am) && daily(Routine::Pm)) {
        let taken: Vec<&str> = picks.iter().map(|p| p.active.family.as_str()).collect();
        let filler = limits
            .filler_actives
            .iter()
            .filter_map(|id| knowledge.active(id))
            .find(|a| {
                allowed(a) && fits(a) && !a.rules.strong && !taken.contains(&a.family.as_str())
            });
        if let Some(active) = filler {
            let text = format!(
                "{} on the days and nights the other serums leave free: {}.",
                active.name, active.purpose
            );
            picks.push(SerumPick {
                active,
                time: active.time,
                reasons: vec![Reason::personal(rule(knowledge, "serum_every_day"), text)],
            });
        }
    }
    // Each serum in the routines that have time for it; one with none is left out.
    let fitting = room.narrow(&mut picks);
    let mut untimed: Vec<String> = Vec::new();
    let mut kept = fitting.iter();
    picks.retain(|pick| {
        let fits = kept.next().copied().unwrap_or(true);
        if !fits {
            untimed.push(pick.active.name.clone());
        }
        fits
    });
    let mut kept = fitting.iter();
    swapped.retain(|_| kept.next().copied().unwrap_or(true));
    // The serums a routine had no time for, in one note per routine.
    for routine in Routine::ALL {
        let narrowed: Vec<&str> = picks
            .iter()
            .filter(|p| p.active.time.includes(routine) && !p.time.includes(routine))
            .map(|p| p.active.name.as_str())
            .collect();
        if narrowed.is_empty() {
            continue;
        }
        let text = format!(
            "{} {} in the {}s only: {}.",
            super::and_list(&narrowed),
            if narrowed.len() == 1 {
                "goes on"
            } else {
                "go on"
            },
            super::routine_word(match routine {
                Routine::Am => Routine::Pm,
                Routine::Pm => Routine::Am,
            }),
            room.no_room(routine),
        );
        warnings.add(
            WarningCode::TimeBudget,
            rule(knowledge, "time_budget"),
            Cow::Owned(text),
            None,
        );
    }
    // A routine left with no serum only for want of time says so.
    for routine in Routine::ALL {
        let narrowed = picks
            .iter()
            .any(|p| p.active.time.includes(routine) && !p.time.includes(routine));
        if room.serums(routine) == 0 && !narrowed && untimed.is_empty() {
            let text = format!(
                "No serum in the {}s: {}.",
                super::routine_word(routine),
                room.no_room(routine)
            );
            warnings.add(
                WarningCode::TimeBudget,
                rule(knowledge, "time_budget"),
                Cow::Owned(text),
                None,
            );
        }
    }
    if !untimed.is_empty() {
        let names: Vec<&str> = untimed.iter().map(String::as_str).collect();
        let text = format!(
            "Left out for time: {}, since the serums before {} fill every routine {} could go in.",
            super::and_list(&names),
            if names.len() == 1 { "it" } else { "them" },
            if names.len() == 1 { "it" } else { "they" },
        );
        warnings.add(
            WarningCode::TimeBudget,
            rule(knowledge, "time_budget"),
            Cow::Owned(text),
            None,
        );
    }
    let carriers = owned.carriers(knowledge, picks.iter().map(|p| p.active.family.as_str()));
    for (i, (pick, carrier)) in picks.iter_mut().zip(carriers).enumerate() {
        if let Some((product, _)) = carrier {
            let family = knowledge
                .family(&pick.active.family)
                .map_or(pick.active.family.replace('_', " "), super::family_label);
            let text = format!(
                "You own {}, which carries {family}: it does this step.",
                owned.name(product),
            );
            pick.reasons
                .push(Reason::personal(rule(knowledge, "shelf_first"), text));
            let stronger = swapped.get(i).and_then(Option::as_ref);
            if let Some((better, concerns)) = stronger.filter(|(_, c)| !c.is_empty()) {
                let citation = better
                    .cites
                    .iter()
                    .chain(&better.fact)
                    .find_map(|id| knowledge.cite(id))
                    .unwrap_or(rule(knowledge, "shelf_first"));
                let text = format!(
                    "For {}, {} has the stronger evidence: worth a look when {} runs out.",
                    concerns.join(" and "),
                    better.name,
                    owned.name(product),
                );
                pick.reasons.push(Reason::personal(citation, text));
            }
        }
        // What an active is cited for (acne first line) concerns the person only when
        // they have the concern it is chosen for first (acne, not redness).
        let top = pick.active.concerns.values().copied().max().unwrap_or(0);
        let primary = needs.iter().any(|n| {
            pick.active
                .concerns
                .get(&n.concern)
                .is_some_and(|score| *score == top)
        });
        for id in pick.active.cites.iter().filter(|_| primary) {
            if let Some(citation) = knowledge.cite(id) {
                pick.reasons.push(Reason::cited(citation));
            }
        }
        if let Some(citation) = knowledge.cite(&pick.active.time_rule) {
            pick.reasons.push(Reason::cited(citation));
        }
        if let Some(citation) = pick
            .active
            .rules
            .nights_rule
            .as_deref()
            .and_then(|id| knowledge.cite(id))
        {
            pick.reasons.push(Reason::cited(citation));
        }
    }
    if !left_out.is_empty() {
        let text = format!(
            "We kept {cap} treatment serums so as not to overload your skin; for {}, plan again once these are settled in (about a month after the last one starts).",
            left_out.join(", ")
        );
        warnings.add(
            WarningCode::SerumLimit,
            rule(knowledge, "serum_limit"),
            Cow::Owned(text),
            None,
        );
    }
    let excluded: Vec<&str> = knowledge
        .actives
        .iter()
        .filter(|a| reading.active_avoided(&a.id).is_some())
        .map(|a| a.name.as_str())
        .collect();
    if !excluded.is_empty() {
        let text = format!(
            "Left out because you asked to avoid them: {}.",
            excluded.join(", ")
        );
        warnings.add(
            WarningCode::Avoided,
            rule(knowledge, "safer_wins"),
            Cow::Owned(text),
            None,
        );
    }
    picks
}

/// The minutes of an evening with this mask: cleanse, mask, its removal, the main
/// serum (with serums; the time budget keeps it before a mask) and the moisturizer.
pub(super) fn mask_evening(knowledge: &Knowledge, mask: &MaskType, with_serums: bool) -> u16 {
    let minutes = |step: Step| knowledge.step(step).minutes;
    let removal = if mask.removal == crate::knowledge::Removal::None {
        0
    } else {
        minutes(Step::RemoveMask)
    };
    let serum = if with_serums { minutes(Step::Serum) } else { 0 };
    minutes(Step::Cleanse) + mask.minutes + removal + serum + minutes(Step::Moisturize)
}

/// A chosen mask type.
#[derive(Debug, Clone)]
pub(super) struct MaskPick<'k> {
    pub(super) mask: &'k MaskType,
    pub(super) per_week: u8,
    pub(super) for_events: bool,
    pub(super) reasons: Vec<Reason<'k>>,
}

/// The chosen mask types and the person's weekly mask budget.
#[derive(Debug, Clone, Default)]
pub(super) struct MaskPicks<'k> {
    pub(super) picks: Vec<MaskPick<'k>>,
    pub(super) per_week: u8,
}

#[allow(clippy::too_many_arguments)]
pub(super) fn choose_masks<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    needs: &[Need],
    situation: &Situation<'_>,
    owned: Owned<'_>,
    reading: &Reading,
    with_serums: bool,
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
    // With serums, masks go on 1-2 times a week (rule masks_with_serums).
    let per_week = if with_serums {
        budget.per_week.min(limits.masks_per_week_with_serums)
    } else {
        budget.per_week
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
        warnings.add(WarningCode::SaferWins, citation, Cow::Owned(text), None);
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
        .filter(|m| reading.mask_avoided(&m.id).is_none())
        .filter(|m| {
            mask_evening(knowledge, m, with_serums)
                <= profile.minutes_pm.map_or(u16::MAX, |b| b.get())
        })
        .map(|m| (m, score(m)))
        .filter(|(_, s)| *s >= 0)
        .map(|(m, s)| {
            let bonus = if owned.mask_for(&m.id).is_some() {
                limits.owned_bonus
            } else {
                0
            };
            (m, s + bonus)
        })
        .collect();
    // Best fit first; on a tie, a type the person owns.
    candidates.sort_by_key(|(m, s)| (std::cmp::Reverse(*s), owned.mask_for(&m.id).is_none()));

    let kinds = if per_week >= 2 { 2 } else { 1 };
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
            if let Some(product) = owned.mask_for(&mask.id) {
                let text = format!(
                    "You own {}, a {}.",
                    owned.name(product),
                    mask.name.to_lowercase()
                );
                reasons.push(Reason::personal(rule(knowledge, "shelf_first"), text));
            }
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
    let mut left = per_week;
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
    if per_week < budget.per_week {
        for pick in &mut picks {
            pick.reasons
                .push(Reason::cited(rule(knowledge, "masks_with_serums")));
        }
    }
    MaskPicks { picks, per_week }
}
