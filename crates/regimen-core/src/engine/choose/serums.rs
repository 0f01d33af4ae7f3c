//! Choosing the serum actives, in stages: the best active for each need (of a family the
//! plan does not have yet, allowed for the person and with time in their routines), the
//! person's own serums while there is room, the active a product of theirs holds in
//! place of its family's best, a default when nothing was needed, a morning antioxidant
//! where the concerns call for it, a gentle serum for the days the others leave free;
//! then the routines each has time for, and the reasons of each.

use super::super::choices::{Owned, SerumPick};
use super::super::context::{
    and_list, every_day, routine_word, routines_word, rule, Need, Planning,
};
use super::super::safety::{active_in_pregnancy, judge_active};
use crate::knowledge::{Active, Family};
use crate::plan::{Reason, Warnings};
use crate::vocab::{Concern, Routine, ServingTime, Step, WarningCode};
use std::borrow::Cow;

/// Chooses the planner's serums for the person.
pub(super) fn choose_serums<'k>(
    planning: &Planning<'_, 'k>,
    warnings: &mut Warnings<'k>,
) -> Vec<SerumPick<'k>> {
    let picker = Picker {
        planning,
        owned: planning.owned(),
    };
    let mut chosen = picker.for_needs();
    picker.add_owned(&mut chosen);
    let swapped = picker.stand_in(&mut chosen);
    picker.describe(&mut chosen, &swapped);
    let Chosen {
        mut picks,
        left_out,
        stronger,
        ..
    } = chosen;
    // The stronger option to name beside each pick a product of the person's does: the
    // family's best it stands in for, or the best of another family to get.
    let swapped: Swapped<'k> = swapped
        .into_iter()
        .zip(stronger)
        .map(|(stand_in, other)| stand_in.or(other))
        .collect();
    if picks.is_empty() {
        picker.add_defaults(&mut picks);
    }
    picker.add_morning_antioxidant(&mut picks);
    picker.add_filler(&mut picks);
    let swapped = picker.fit_time(&mut picks, swapped, warnings);
    picker.cite(&mut picks, &swapped);
    say_left_out(planning, &left_out, warnings);
    picks
}

/// The picks so far, with the needs each serves and the needs left out for the limit.
struct Chosen<'k> {
    picks: Vec<SerumPick<'k>>,
    served: Vec<Vec<Need>>,
    left_out: Vec<String>,
    /// Per pick: a stronger option to get, and the needs it would do better.
    stronger: Swapped<'k>,
}

/// Per pick swapped for the active a product of the person's holds: the active first
/// chosen (its purpose and source describe the step) and the needs it has the stronger
/// evidence for.
type Swapped<'k> = Vec<Option<(&'k Active, Vec<String>)>>;

/// What choosing a serum asks of an active, for this person.
struct Picker<'p, 'a, 'k> {
    planning: &'p Planning<'a, 'k>,
    owned: Owned<'p>,
}

/// How well an active is known to do something for a concern.
fn score(active: &Active, concern: Concern) -> i8 {
    active.concerns.get(&concern).copied().unwrap_or(0)
}

impl<'k> Picker<'_, '_, 'k> {
    /// Whether the person may have this active at all (the safety gate).
    fn allowed(&self, active: &'k Active) -> bool {
        let planning = self.planning;
        judge_active(
            planning.knowledge,
            planning.profile,
            planning.reading,
            active,
        )
        .is_ok()
    }

    /// A serum needs a routine of its time with room for a serum beside the essential
    /// steps: vitamin C, a morning serum, is no choice for a morning of 3 minutes.
    fn fits(&self, active: &Active) -> bool {
        self.planning.room.fits(active)
    }

    /// The fit for a concern, adjusted by skin type and sensitivity; owning a product
    /// that carries an active makes it fit a little better (rule shelf_first).
    fn fit(&self, active: &Active, concern: Concern) -> i32 {
        let (knowledge, profile) = (self.planning.knowledge, self.planning.profile);
        let bonus = if self.owned.carrier(knowledge, &active.family).is_some() {
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
    }

    /// The best active for a concern, of a family the plan does not have yet. An
    /// alternative to a family already in the plan is not a second choice beside it
    /// (rule alternatives_apart).
    fn best(
        &self,
        concern: Concern,
        only_allowed: bool,
        timed: bool,
        taken: &[&str],
    ) -> Option<&'k Active> {
        let mut best: Option<&'k Active> = None;
        for active in &self.planning.knowledge.actives {
            if (only_allowed && !self.allowed(active))
                || (timed && !self.fits(active))
                || score(active, concern) <= 0
                || taken.contains(&active.family.as_str())
                || active
                    .instead_of
                    .iter()
                    .any(|f| taken.contains(&f.as_str()))
            {
                continue;
            }
            if best.is_none_or(|b| self.fit(active, concern) > self.fit(b, concern)) {
                best = Some(active);
            }
        }
        best
    }

    /// Families the person's products already bring every day: a wash (a benzoyl
    /// peroxide wash) its strong ones, a prescription all of its own. No serum of the same
    /// family on top of them.
    fn brought_daily(&self) -> Vec<&str> {
        let knowledge = self.planning.knowledge;
        let washed = self
            .owned
            .usable()
            .filter(|(_, p)| p.can(Step::Cleanse) && !p.can(Step::Serum))
            .flat_map(|(_, p)| p.families.iter().map(String::as_str))
            .filter(|f| knowledge.family(f).is_some_and(|f| f.strong));
        let prescribed = self
            .owned
            .prescribed()
            .flat_map(|(_, p, _)| p.families.iter().map(String::as_str));
        washed.chain(prescribed).collect()
    }

    /// The best active a product the person owns brings for a need, with good evidence
    /// for it (rule owned_first): the active it holds, of a family the plan does not
    /// have yet, that it can carry (in the serum step, or a cream's for a strong family),
    /// with the product. A product that goes on only on some nights (it carries a retinoid
    /// or an acid) serves by that family, on those nights.
    fn owned_for(&self, need: Need, taken: &[&str]) -> Option<(&'k Active, usize)> {
        let knowledge = self.planning.knowledge;
        let min = knowledge.limits.owned_serves_min;
        let mut best: Option<(&'k Active, usize)> = None;
        for (index, product) in self.owned.usable() {
            let nights = product.leave_on
                && product
                    .families
                    .iter()
                    .any(|f| knowledge.family(f).is_some_and(|f| f.ramped()));
            for family in &product.families {
                let Some(rules) = knowledge.family(family) else {
                    continue;
                };
                let carries = product.can(Step::Serum)
                    || (product.leave_on
                        && product.can(Step::Moisturize)
                        && (rules.strong || rules.ramped()));
                if !carries || taken.contains(&family.as_str()) || (nights && !rules.ramped()) {
                    continue;
                }
                let of_family = || knowledge.actives.iter().filter(|a| &a.family == family);
                let held = of_family()
                    .find(|a| a.ingredients.iter().any(|i| product.holds(i)))
                    .or_else(|| of_family().next());
                let Some(active) = held.filter(|a| {
                    self.allowed(a)
                        && self.fits(a)
                        && score(a, need.concern) >= min
                        && !a.instead_of.iter().any(|f| taken.contains(&f.as_str()))
                }) else {
                    continue;
                };
                if best
                    .is_none_or(|(b, _)| self.fit(active, need.concern) > self.fit(b, need.concern))
                {
                    best = Some((active, index));
                }
            }
        }
        best
    }

    /// The families the picks so far keep out: their own, those they are an
    /// alternative to, and those the person's products bring every day.
    fn taken<'s>(&self, picks: &'s [SerumPick<'k>], daily: &[&'s str]) -> Vec<&'s str> {
        let mut taken: Vec<&str> = picks.iter().map(|p| p.active.family.as_str()).collect();
        taken.extend(
            picks
                .iter()
                .flat_map(|p| p.active.instead_of.iter().map(String::as_str)),
        );
        taken.extend(daily.iter().copied());
        taken
    }

    /// The active for each need in turn, up to the limit of treatment serums: what the
    /// person owns first (rule owned_first), else the best to get; a need an earlier pick
    /// does well is served by it.
    fn for_needs(&self) -> Chosen<'k> {
        let daily = self.brought_daily();
        // The families the person's own products take for their needs are kept for them.
        let (owned, reserved) = self.owned_first(&daily);
        let mut chosen = Chosen {
            picks: Vec::new(),
            served: Vec::new(),
            left_out: Vec::new(),
            stronger: Vec::new(),
        };
        for (n, &need) in self.planning.needs.iter().enumerate() {
            // A need the person's prescription treats gets nothing more (the prescriber
            // chose its treatment).
            if self.prescribed_for(need) {
                continue;
            }
            let picks = &chosen.picks;
            let taken = self.taken(picks, &daily);
            // What the person owns for the need goes in, even beside a pick that does it
            // too; else a pick that does the need well serves it.
            let own = owned[n].filter(|a| !taken.contains(&a.family.as_str()));
            if let (None, Some(index)) = (
                own,
                picks
                    .iter()
                    .position(|p| score(p.active, need.concern) >= 2),
            ) {
                chosen.served[index].push(need);
                continue;
            }
            let to_get = {
                let mut kept = taken.clone();
                kept.extend(reserved.iter().copied());
                self.best(need.concern, true, true, &kept)
            };
            let active = match own {
                Some(own) => own,
                None => match to_get {
                    Some(active) => active,
                    None => continue,
                },
            };
            if let Some(index) = picks.iter().position(|p| p.active.id == active.id) {
                chosen.served[index].push(need);
                continue;
            }
            if picks.len() >= self.planning.cap {
                chosen.left_out.push(need.describe(self.planning.profile));
                continue;
            }
            // An owned active with a stronger option to get says what that would add.
            let better = self
                .best(need.concern, true, true, &taken)
                .filter(|b| {
                    owned[n].is_some_and(|own| own.id == active.id)
                        && score(b, need.concern) > score(active, need.concern)
                })
                .map(|b| (b, vec![need.describe(self.planning.profile)]));
            let reasons = self.instead(active, need, &taken);
            chosen.picks.push(SerumPick::new(active, reasons));
            chosen.served.push(vec![need]);
            chosen.stronger.push(better);
        }
        chosen
    }

    /// Whether one of the person's prescriptions treats a need: it carries a family whose
    /// actives do the need well.
    fn prescribed_for(&self, need: Need) -> bool {
        let knowledge = self.planning.knowledge;
        self.owned
            .prescribed()
            .filter(|(_, _, time)| time.is_some())
            .flat_map(|(_, product, _)| product.families.iter())
            .any(|family| {
                knowledge
                    .family(family)
                    .is_some_and(|f| f.treats.contains(&need.concern))
                    || knowledge
                        .actives
                        .iter()
                        .any(|a| &a.family == family && score(a, need.concern) >= 2)
            })
    }

    /// Per need, the active a product the person owns brings for it, if any; a family
    /// goes to the first need it serves.
    fn owned_first<'s>(&'s self, daily: &[&'s str]) -> (Vec<Option<&'k Active>>, Vec<&'s str>) {
        let mut taken: Vec<&str> = daily.to_vec();
        let mut owned: Vec<Option<&'k Active>> = Vec::with_capacity(self.planning.needs.len());
        for &need in &self.planning.needs {
            let served = owned.iter().flatten().any(|a| score(a, need.concern) >= 2);
            let found = if served {
                None
            } else {
                self.owned_for(need, &taken)
            };
            // The product brings all of its families: none of them is to get besides.
            if let Some((_, product)) = found {
                taken.extend(
                    self.owned.products[product]
                        .families
                        .iter()
                        .map(String::as_str),
                );
            }
            owned.push(found.map(|(active, _)| active));
        }
        (owned, taken)
    }

    /// Why a pick is not the first choice for its need: the first had no time in the
    /// person's routines, or is not for pregnancy.
    fn instead(&self, active: &'k Active, need: Need, taken: &[&str]) -> Vec<Reason<'k>> {
        let knowledge = self.planning.knowledge;
        let mut reasons = Vec::new();
        // The first choice, had the routines time for it.
        if let Some(untimed) = self.best(need.concern, true, false, taken).filter(|b| {
            b.id != active.id
                && !self.fits(b)
                && self.fit(b, need.concern) > self.fit(active, need.concern)
        }) {
            reasons.push(Reason::personal(
                rule(knowledge, "time_budget"),
                format!(
                    "{} instead of {}, which goes on in the {}: {}.",
                    active.name,
                    untimed.name,
                    routines_word(untimed.time),
                    self.planning.room.no_time(untimed.time),
                ),
            ));
        }
        let planning = self.planning;
        let barred = self.best(need.concern, false, false, taken).and_then(|b| {
            active_in_pregnancy(knowledge, planning.profile, b).map(|refusal| (b, refusal))
        });
        if let Some((unsafe_best, refusal)) = barred {
            let citation = knowledge
                .cite(refusal.rule)
                .unwrap_or(rule(knowledge, "pregnancy_no_retinoids"));
            let text = format!(
                "{} instead of {}, which is not for pregnancy or breastfeeding.",
                active.name, unsafe_best.name
            );
            reasons.push(Reason::personal(citation, text));
        }
        reasons
    }

    /// A pick's family, and the routines its carrier must share one of: those of its
    /// active when its time or nights are firm (else the pick goes where the person's
    /// formula goes, rule formula_not_layering).
    fn carried<'p>(&self, pick: &'p SerumPick<'k>) -> (&'p str, Option<ServingTime>) {
        let firm = self
            .planning
            .knowledge
            .family(&pick.active.family)
            .is_some_and(|f| f.firm_time || f.ramped());
        (pick.active.family.as_str(), firm.then_some(pick.time))
    }

    /// Serums the person owns that suit one of their needs join while there is room, for
    /// a family no product of a pick already brings (an adapalene and benzoyl peroxide
    /// gel brings both), nor a wash or a prescription every day.
    fn add_owned(&self, chosen: &mut Chosen<'k>) {
        let knowledge = self.planning.knowledge;
        let carriers = self
            .owned
            .carriers(knowledge, chosen.picks.iter().map(|p| self.carried(p)));
        let brought: Vec<String> = carriers
            .into_iter()
            .flatten()
            .flat_map(|(p, _)| self.owned.products[p].families.iter().cloned())
            .chain(self.brought_daily().into_iter().map(str::to_string))
            .collect();
        for (_, product) in self.owned.usable().filter(|(_, p)| p.can(Step::Serum)) {
            for family in product.families.iter().filter(|f| !brought.contains(f)) {
                let Some(active) = knowledge
                    .actives
                    .iter()
                    .find(|a| &a.family == family && self.allowed(a) && self.fits(a))
                else {
                    continue;
                };
                let suits: Vec<Need> = self
                    .planning
                    .needs
                    .iter()
                    .copied()
                    .filter(|n| score(active, n.concern) > 0)
                    .collect();
                if suits.is_empty()
                    || chosen
                        .picks
                        .iter()
                        .any(|p| p.active.family == active.family)
                    || chosen.picks.len() >= self.planning.cap
                {
                    continue;
                }
                chosen.picks.push(SerumPick::new(active, Vec::new()));
                chosen.served.push(suits);
                chosen.stronger.push(None);
            }
        }
    }

    /// A product the person owns does its family's step as the active it holds: a
    /// retinol serum fills the retinoid step as retinol, with retinol's rules, not as
    /// the family's best choice (adapalene for acne), which is named as the stronger
    /// option. Only an active with some evidence for every need the pick serves stands
    /// in (an adapalene gel does not become the retinoid for aging).
    fn stand_in(&self, chosen: &mut Chosen<'k>) -> Swapped<'k> {
        let knowledge = self.planning.knowledge;
        let carriers = self
            .owned
            .carriers(knowledge, chosen.picks.iter().map(|p| self.carried(p)));
        let mut swapped: Swapped<'k> = Vec::new();
        for ((pick, carrier), served) in chosen.picks.iter_mut().zip(carriers).zip(&chosen.served) {
            // The routines the gate allows the person's product that carries it, when one
            // of them has time for a serum (else the serum to get stands in).
            let room = &self.planning.room;
            let allowed = carrier
                .and_then(|(p, _)| self.owned.verdicts[p].times)
                .filter(|t| {
                    Routine::ALL
                        .into_iter()
                        .any(|r| t.includes(r) && room.serums(r) > 0)
                });
            // Where the plan puts its own serum of the family gives way to the person's
            // formula (a niacinamide in an SPF serum goes on in the morning), unless the
            // family's time is firm, or its nights are (rule formula_not_layering).
            let firm = knowledge
                .family(&pick.active.family)
                .is_some_and(|f| f.firm_time || f.ramped());
            if let Some(time) = allowed.and_then(|t| {
                t.intersect(pick.active.time)
                    .or_else(|| (!firm).then_some(t))
            }) {
                pick.time = time;
                pick.allowed = time;
            }
            let product = carrier.map(|(p, _)| &self.owned.products[p]);
            let held = product
                .filter(|product| !pick.active.ingredients.iter().any(|i| product.holds(i)))
                .and_then(|product| {
                    knowledge.actives.iter().find(|a| {
                        a.family == pick.active.family
                            && self.allowed(a)
                            && self.fits(a)
                            && a.ingredients.iter().any(|i| product.holds(i))
                            && served.iter().all(|n| score(a, n.concern) > 0)
                    })
                });
            let Some(held) = held else {
                swapped.push(None);
                continue;
            };
            let better = std::mem::replace(&mut pick.active, held);
            let time = allowed
                .and_then(|t| t.intersect(held.time))
                .unwrap_or(held.time);
            pick.time = time;
            pick.allowed = time;
            let concerns: Vec<String> = served
                .iter()
                .filter(|n| score(better, n.concern) > score(held, n.concern))
                .map(|n| n.describe(self.planning.profile))
                .collect();
            swapped.push(Some((better, concerns)));
        }
        swapped
    }

    /// Each pick's first reason: what the family does for the needs it was chosen for (a
    /// retinoid for acne unclogs pores), with its source, not what the held active is
    /// best known for.
    fn describe(&self, chosen: &mut Chosen<'k>, swapped: &Swapped<'k>) {
        let knowledge = self.planning.knowledge;
        for (i, (pick, served)) in chosen.picks.iter_mut().zip(&chosen.served).enumerate() {
            let active = pick.active;
            let described_by = swapped
                .get(i)
                .and_then(|s| s.as_ref())
                .map_or(active, |(chosen, _)| *chosen);
            let purpose = &described_by.purpose;
            let citation = knowledge
                .cite(described_by.fact.as_deref().unwrap_or(&described_by.id))
                .unwrap_or(rule(knowledge, "serum_limit"));
            let described: Vec<String> = served
                .iter()
                .map(|n| n.describe(self.planning.profile))
                .collect();
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
    }

    /// With no need to serve, the default serums (rule default_active).
    fn add_defaults(&self, picks: &mut Vec<SerumPick<'k>>) {
        let knowledge = self.planning.knowledge;
        for id in &knowledge.limits.default_actives {
            if let Some(active) = knowledge
                .active(id)
                .filter(|a| self.allowed(a) && self.fits(a))
            {
                let reasons = vec![Reason::cited(rule(knowledge, "default_active"))];
                picks.push(SerumPick::new(active, reasons));
            }
        }
    }

    /// An antioxidant in the morning where the concerns call for it (rule
    /// morning_antioxidant), within the limit.
    fn add_morning_antioxidant(&self, picks: &mut Vec<SerumPick<'k>>) {
        let (knowledge, room) = (self.planning.knowledge, &self.planning.room);
        let calls: Vec<Concern> = self
            .planning
            .profile
            .concerns
            .iter()
            .copied()
            .filter(|c| knowledge.limits.antioxidant_concerns.contains(c))
            .collect();
        room.narrow(picks);
        if calls.is_empty()
            || picks.len() >= self.planning.cap
            || picks.iter().any(|p| p.time.in_am())
            || !room.has_room(Routine::Am, picks)
        {
            return;
        }
        let taken: Vec<&str> = picks.iter().map(|p| p.active.family.as_str()).collect();
        let morning = knowledge
            .actives
            .iter()
            .filter(|a| {
                a.time == ServingTime::Am
                    && self.allowed(a)
                    && self.fits(a)
                    && !taken.contains(&a.family.as_str())
            })
            .filter(|a| calls.iter().any(|c| score(a, *c) > 0))
            .max_by_key(|a| calls.iter().map(|c| self.fit(a, *c)).max().unwrap_or(0));
        if let Some(active) = morning {
            let text = format!(
                "{} in the morning, under sunscreen: {}.",
                active.name, active.purpose
            );
            picks.push(SerumPick::new(
                active,
                vec![Reason::personal(
                    rule(knowledge, "morning_antioxidant"),
                    text,
                )],
            ));
        }
    }

    /// A serum every day (rule serum_every_day): when no serum covers every morning and
    /// every evening from the first day (a ramped active skips nights, a new strong
    /// active waits its turn), a gentle one fills the days the others leave free. It only
    /// hydrates, so it comes on top of the limit of treatment actives. (Only where a
    /// serum has time: a morning of essential steps wants no filler.)
    fn add_filler(&self, picks: &mut Vec<SerumPick<'k>>) {
        let (knowledge, room) = (self.planning.knowledge, &self.planning.room);
        room.narrow(picks);
        let daily = |routine: Routine| {
            !room.has_room(routine, picks)
                || picks
                    .iter()
                    .any(|p| p.time.includes(routine) && every_day(p.active))
        };
        if daily(Routine::Am) && daily(Routine::Pm) {
            return;
        }
        let taken: Vec<&str> = picks.iter().map(|p| p.active.family.as_str()).collect();
        let filler = knowledge
            .limits
            .filler_actives
            .iter()
            .filter_map(|id| knowledge.active(id))
            .find(|a| {
                self.allowed(a)
                    && self.fits(a)
                    && !a.rules.strong
                    && !taken.contains(&a.family.as_str())
            });
        if let Some(active) = filler {
            let text = format!(
                "{} on the days and nights the other serums leave free: {}.",
                active.name, active.purpose
            );
            picks.push(SerumPick::new(
                active,
                vec![Reason::personal(rule(knowledge, "serum_every_day"), text)],
            ));
        }
    }

    /// Each serum in the routines that have time for it; one with none is left out. The
    /// notes say what time left out.
    fn fit_time(
        &self,
        picks: &mut Vec<SerumPick<'k>>,
        mut swapped: Swapped<'k>,
        warnings: &mut Warnings<'k>,
    ) -> Swapped<'k> {
        let fitting = self.planning.room.narrow(picks);
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
        self.say_time(picks, &untimed, warnings);
        swapped
    }

    /// The serums a routine had no time for, in one note per routine; a routine left
    /// with no serum only for want of time; the serums left out for time.
    fn say_time(&self, picks: &[SerumPick<'k>], untimed: &[String], warnings: &mut Warnings<'k>) {
        let (knowledge, room) = (self.planning.knowledge, &self.planning.room);
        let mut note = |text: String| {
            warnings.add(
                WarningCode::TimeBudget,
                rule(knowledge, "time_budget"),
                Cow::Owned(text),
                None,
            );
        };
        for routine in Routine::ALL {
            let narrowed: Vec<&str> = picks
                .iter()
                .filter(|p| p.allowed.includes(routine) && !p.time.includes(routine))
                .map(|p| p.active.name.as_str())
                .collect();
            if narrowed.is_empty() {
                continue;
            }
            note(format!(
                "{} {} in the {}s only: {}.",
                and_list(&narrowed),
                if narrowed.len() == 1 {
                    "goes on"
                } else {
                    "go on"
                },
                routine_word(match routine {
                    Routine::Am => Routine::Pm,
                    Routine::Pm => Routine::Am,
                }),
                room.no_room(routine),
            ));
        }
        for routine in Routine::ALL {
            let narrowed = picks
                .iter()
                .any(|p| p.allowed.includes(routine) && !p.time.includes(routine));
            if room.serums(routine) == 0 && !narrowed && untimed.is_empty() {
                note(format!(
                    "No serum in the {}s: {}.",
                    routine_word(routine),
                    room.no_room(routine)
                ));
            }
        }
        if !untimed.is_empty() {
            let names: Vec<&str> = untimed.iter().map(String::as_str).collect();
            note(format!(
                "Left out for time: {}, since the serums before {} fill every routine {} could go in.",
                and_list(&names),
                if names.len() == 1 { "it" } else { "them" },
                if names.len() == 1 { "it" } else { "they" },
            ));
        }
    }

    /// The reasons every pick ends with: the person's product that does its step (and
    /// the stronger option, when it was swapped), what its active is cited for, its time
    /// and its nights.
    fn cite(&self, picks: &mut [SerumPick<'k>], swapped: &Swapped<'k>) {
        let knowledge = self.planning.knowledge;
        let carriers = self.owned.carriers_of(knowledge, picks);
        for (i, (pick, carrier)) in picks.iter_mut().zip(carriers).enumerate() {
            if let Some((product, _)) = carrier {
                self.cite_owned(pick, product, swapped.get(i).and_then(Option::as_ref));
            }
            // What an active is cited for (acne first line) concerns the person only when
            // they have the concern it is chosen for first (acne, not redness).
            let top = pick.active.concerns.values().copied().max().unwrap_or(0);
            let primary = self.planning.needs.iter().any(|n| {
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
    }

    /// "You own X, which carries ...: it does this step", and the stronger option.
    fn cite_owned(
        &self,
        pick: &mut SerumPick<'k>,
        product: usize,
        stronger: Option<&(&'k Active, Vec<String>)>,
    ) {
        let knowledge = self.planning.knowledge;
        let family = knowledge
            .family(&pick.active.family)
            .map_or(pick.active.family.replace('_', " "), Family::label);
        let text = format!(
            "You own {}, which carries {family}: it does this step.",
            self.owned.name(product),
        );
        pick.reasons
            .push(Reason::personal(rule(knowledge, "shelf_first"), text));
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
                self.owned.name(product),
            );
            pick.reasons.push(Reason::personal(citation, text));
        }
    }
}

/// What the limit of serums left out, and what the avoid list left out.
fn say_left_out<'k>(planning: &Planning<'_, 'k>, left_out: &[String], warnings: &mut Warnings<'k>) {
    let knowledge = planning.knowledge;
    if !left_out.is_empty() {
        let text = format!(
            "We kept {} treatment serums so as not to overload your skin; for {}, plan again once these are settled in (about a month after the last one starts).",
            planning.cap,
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
        .filter(|a| planning.reading.active_avoided(&a.id).is_some())
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
}
