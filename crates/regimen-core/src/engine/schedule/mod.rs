//! Scheduling: placing the chosen masks and actives on dated mornings and evenings,
//! then admitting everything else into each routine under the same rules.
//!
//! A routine holds *uses*: a mask, a serum, a product placed on its own nights, or a
//! base step (cleanse, moisturize, sunscreen), each done by a shelf product or plain.
//! What a use puts on the skin is the planner's active and every family its product
//! carries at a treatment level (rule product_by_contents), so one set of checks holds
//! for the planner's serums and the person's products alike: the time of day of each
//! family, the nights of ramped families (counted together, whatever carries them),
//! interactions, one product per strong family, and the limit of strong actives.

mod bits;

use super::choices::{Assignment, MaskPicks, SerumPick};
use super::context::{and_list, essential_steps, routine_word, rule};
use crate::experiment::Design;
use crate::knowledge::{Family, Interaction, Knowledge, Removal};
use crate::plan::{Day, Plan, StepEntry, Warnings};
use crate::profile::{IsoDate, Profile};
use crate::shelf::ShelfProduct;
use crate::vocab::{Routine, Step, WarningCode};
pub(super) use bits::Bits;
use bits::{bit_indexes, Sides};
pub(super) use bits::{Starts, Waits};
use chrono::{Days, NaiveDate};
use std::borrow::Cow;

/// Something that goes on the skin in a routine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    /// A mask pick (index into the mask picks), done with the person's product if any.
    Mask(usize),
    /// A mask pick done without the person's product (whose actives may not go on that
    /// night).
    PlainMask(usize),
    /// A serum pick (index into the serum picks).
    Serum(usize),
    /// A shelf product placed on its own nights (it carries a ramped family).
    Product(usize),
    /// A prescription of the person's, placed every day of its routines, first.
    Prescribed(usize),
    /// A base step: cleanse, moisturize or sunscreen.
    Base(Step),
}

/// An item in one routine: the shelf product used for it, if any, and the step it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Use {
    item: Item,
    product: Option<usize>,
    step: Step,
}

/// Why a use cannot join a routine.
#[derive(Debug, Clone, Copy)]
enum Refusal<'k> {
    /// A family of its product does not go on at this time of day.
    Time,
    /// A ramped family of its product goes on only on its own nights.
    Night,
    /// An interaction keeps it apart from something already in the routine.
    Clash(Use, &'k Interaction),
    /// Something already in the routine carries the same strong family.
    Double(Use, &'k Family),
    /// The routine already has as many strong actives as suit the skin.
    Limit,
    /// Another product already does this step.
    Filled,
    /// A strong family that has not started yet (one new active at a time).
    NotYet,
    /// The evening before an event: no retinoid, acid or exfoliating mask.
    EventEve,
    /// A recovery night after strong-active nights in a row.
    Recovery,
}

/// Where a use would go: the routine, the day, and for evenings, how many strong-active
/// evenings came right before.
#[derive(Debug, Clone, Copy)]
struct At {
    routine: Routine,
    day: usize,
    strong_before: usize,
}

pub(super) struct Scheduler<'a, 'k> {
    pub(super) knowledge: &'k Knowledge,
    pub(super) profile: &'a Profile,
    pub(super) serums: &'a [SerumPick<'k>],
    pub(super) masks: &'a MaskPicks<'k>,
    pub(super) shelf: &'a [ShelfProduct],
    pub(super) assignment: &'a Assignment,
    /// Families on their slower ramp in this plan (sensitive skin, strong products).
    pub(super) slow: &'a [&'k str],
    /// What the checks ask again and again, as bits.
    pub(super) bits: &'a Bits<'k>,
    pub(super) day_count: usize,
    pub(super) start: NaiveDate,
    /// Days of the plan (0-based) with an event.
    pub(super) events: &'a [usize],
    /// An experiment's seed: the regular mask evenings are drawn at random within
    /// each week (see `experiment::design`).
    pub(super) experiment: Option<u64>,
}

/// A ramped thing to place on nights: its item and the ramped families it carries.
struct Unit {
    item: Item,
    families: u64,
}

impl<'a, 'k: 'a> Scheduler<'a, 'k> {
    fn date(&self, day: usize) -> IsoDate {
        IsoDate(self.start + Days::new(day as u64))
    }

    /// The use of an item with its assigned product and step.
    fn used(&self, item: Item) -> Use {
        match item {
            Item::Serum(i) => match self.assignment.serums.get(i).copied().flatten() {
                Some((product, step)) => Use {
                    item,
                    product: Some(product),
                    step,
                },
                None => Use {
                    item,
                    product: None,
                    step: Step::Serum,
                },
            },
            Item::Mask(i) => Use {
                item,
                product: self.assignment.masks.get(i).copied().flatten(),
                step: Step::Mask,
            },
            Item::PlainMask(i) => Use {
                item: Item::Mask(i),
                product: None,
                step: Step::Mask,
            },
            Item::Product(p) => Use {
                item,
                product: Some(p),
                step: self.assignment.unit_step(p),
            },
            Item::Prescribed(p) => Use {
                item,
                product: Some(p),
                step: self
                    .assignment
                    .prescribed
                    .iter()
                    .find(|q| q.product == p)
                    .map_or(Step::Serum, |q| q.step),
            },
            Item::Base(step) => Use {
                item,
                product: None,
                step,
            },
        }
    }

    /// Whether what a use leaves stays on the skin.
    fn leave_on(&self, used: Use) -> bool {
        match (used.product, used.item) {
            (Some(p), _) => self.shelf[p].leave_on,
            (None, Item::Mask(i)) => self.masks.picks[i].mask.leave_on(),
            (None, _) => true,
        }
    }

    /// The families a use puts on the skin at a treatment level, as bits.
    fn families(&self, used: Use) -> u64 {
        let own = match used.item {
            Item::Serum(i) => self.bits.picks[i],
            _ => 0,
        };
        own | used.product.map_or(0, |p| self.bits.products[p])
    }

    /// The mask tags a use puts on the skin, as bits.
    fn tags(&self, used: Use) -> u64 {
        match used.item {
            Item::Mask(i) => self.bits.masks[i],
            _ => 0,
        }
    }

    /// The `separate` interactions a use is on the sides of: what its product carries
    /// (a serum's active is what the product that carries it holds: an adapalene gel in
    /// the retinoid step is adapalene), a mask's tags, or the planner's own serum.
    fn sides(&self, used: Use) -> Sides {
        let product = used.product.map(|p| self.bits.product_sides[p]);
        match (used.item, product) {
            (Item::Serum(_), Some(product)) => product,
            (Item::Serum(i), None) => self.bits.pick_sides[i],
            (Item::Mask(i), product) => {
                product.map_or(self.bits.mask_sides[i], |p| p.with(self.bits.mask_sides[i]))
            }
            (_, product) => product.unwrap_or_default(),
        }
    }

    /// What keeps `a` and `b` out of one routine: an interaction, or the same strong
    /// family twice.
    fn conflict(&self, a: Use, b: Use) -> Option<Refusal<'k>> {
        let apart = self.sides(a).against(self.sides(b));
        if apart != 0 {
            return Some(Refusal::Clash(
                b,
                self.bits.separate[apart.trailing_zeros() as usize],
            ));
        }
        // One product goes on once; a wash is rinsed off within a minute and doubles
        // nothing (rule rinse_off_milder).
        let washes = |used: Use| used.product.is_some_and(|p| self.shelf[p].washes());
        if (a.product.is_some() && a.product == b.product) || washes(a) || washes(b) {
            return None;
        }
        let double = self.families(a) & self.families(b) & self.bits.strong;
        (double != 0).then(|| {
            Refusal::Double(
                b,
                &self.knowledge.families[double.trailing_zeros() as usize],
            )
        })
    }

    /// Strong families a use counts towards the per-routine limit (leave-on only, rule
    /// rinse_off_milder), as bits.
    fn strong(&self, used: Use) -> u64 {
        if self.leave_on(used) {
            self.families(used) & self.bits.strong
        } else {
            0
        }
    }

    /// Whether a use makes a strong-active night of skin cycling (rule recovery_nights):
    /// a retinoid or exfoliating acid left on the skin (the families with nights), or a
    /// strong mask (rule strong_masks). An every-day active (benzoyl peroxide, azelaic
    /// acid) is no cycling night.
    fn strong_night(&self, used: Use) -> bool {
        self.ramped(used) != 0 || self.tags(used) & self.bits.strong_tags != 0
    }

    /// The day a use may first go on: its families' starts, a strong mask's own, and
    /// its product's (or a serum to get's) when it waits for another's.
    fn start_day(&self, used: Use) -> usize {
        let mask = match used.item {
            Item::Mask(i) | Item::PlainMask(i) => self.bits.mask_start.get(i).copied().unwrap_or(0),
            Item::Serum(i) if used.product.is_none() => {
                self.bits.pick_start.get(i).copied().unwrap_or(0)
            }
            _ => 0,
        };
        let product = used.product.map_or(0, |p| self.bits.product_start[p]);
        self.bits
            .start_of(self.families(used))
            .max(mask)
            .max(product)
    }

    fn name(&self, used: Use) -> &'a str {
        if let Some(product) = used.product {
            return &self.shelf[product].name;
        }
        match used.item {
            Item::Mask(i) | Item::PlainMask(i) => &self.masks.picks[i].mask.name,
            Item::Serum(i) => &self.serums[i].active.name,
            Item::Product(p) | Item::Prescribed(p) => &self.shelf[p].name,
            Item::Base(step) => &self.knowledge.step(step).name,
        }
    }

    /// Whether a use may join a routine that already holds `kept`. `placed` uses were
    /// put on this night on purpose (masks, ramped serums, products on their nights).
    fn admit(&self, kept: &[Use], used: Use, at: At, placed: bool) -> Result<(), Refusal<'k>> {
        let base_step = matches!(
            used.step,
            Step::Cleanse | Step::Moisturize | Step::Sunscreen
        );
        if base_step && kept.iter().any(|k| k.step == used.step) {
            return Err(Refusal::Filled);
        }
        // Protection first: the sunscreen step waits for nobody's patch-test turn or
        // nights, and takes no place among the strong actives a routine may hold.
        let protects = used.step == Step::Sunscreen;
        if let Some(p) = used.product {
            let allowed = match at.routine {
                Routine::Am => self.bits.mornings[p],
                Routine::Pm => self.bits.evenings[p],
            };
            if !allowed {
                return Err(Refusal::Time);
            }
            let ramped = self.bits.products[p] & self.bits.ramped != 0;
            if self.shelf[p].leave_on && ramped && !placed && !protects {
                return Err(Refusal::Night);
            }
        }
        if !protects && self.start_day(used) > at.day {
            return Err(Refusal::NotYet);
        }
        if at.routine == Routine::Pm && self.eve(used, at.day) {
            return Err(Refusal::EventEve);
        }
        if at.routine == Routine::Pm && self.strong_night(used) && self.recovery(at) {
            return Err(Refusal::Recovery);
        }
        if let Some(refusal) = kept.iter().find_map(|k| self.conflict(used, *k)) {
            return Err(refusal);
        }
        let limit = if self.profile.sensitive {
            self.knowledge.limits.strong_per_routine_max_sensitive
        } else {
            self.knowledge.limits.strong_per_routine_max
        };
        let before = kept.iter().fold(0u64, |bits, k| bits | self.strong(*k));
        let after = before | self.strong(used);
        if !protects && after != before && after.count_ones() as usize > limit {
            return Err(Refusal::Limit);
        }
        Ok(())
    }

    /// Whether a use is barred on the evening of `day` because an event is the next day
    /// (rule event_eve).
    fn eve(&self, used: Use, day: usize) -> bool {
        self.events.contains(&(day + 1))
            && (self.families(used) & self.bits.eve != 0
                || self.tags(used) & self.bits.eve_tags != 0)
    }

    /// Whether this evening must be a recovery night: after as many strong-active
    /// evenings in a row as the rules allow (rule recovery_nights).
    fn recovery(&self, at: At) -> bool {
        at.strong_before >= usize::from(self.knowledge.limits.strong_nights_in_a_row_max)
    }

    /// Runs the schedule; returns the days and, per serum pick, the nights placed per
    /// week (empty for actives without a ramp).
    pub(super) fn run(
        &self,
        events: &[usize],
        warnings: &mut Warnings<'k>,
    ) -> (Vec<Day<'k>>, Vec<Vec<u8>>, Option<Design>) {
        let mut nights: Vec<Vec<Item>> = vec![Vec::new(); self.day_count];
        let design = self.place_masks(events, &mut nights);
        let nights_placed = self.place_ramped(&mut nights, warnings);

        let mut days = Vec::with_capacity(self.day_count);
        let mut strong_before = 0;
        for (day, night) in nights.into_iter().enumerate() {
            let date = self.date(day);
            let am: Vec<Item> = (0..self.serums.len())
                .filter(|&i| self.serums[i].time.in_am())
                .map(Item::Serum)
                .collect();
            let mut pm_daily: Vec<Item> = Vec::new();
            for i in 0..self.serums.len() {
                let active = self.serums[i].active;
                if self.serums[i].time.in_pm() && !active.rules.ramped() {
                    pm_daily.push(Item::Serum(i));
                }
            }
            let morning = At {
                routine: Routine::Am,
                day,
                strong_before: 0,
            };
            let evening = At {
                routine: Routine::Pm,
                day,
                strong_before,
            };
            let am = self.routine(&[], &am, morning, date, warnings);
            let pm = self.routine(&night, &pm_daily, evening, date, warnings);
            strong_before = if pm.iter().any(|u| self.strong_night(*u)) {
                strong_before + 1
            } else {
                0
            };
            days.push(Day {
                date,
                am: self.steps(&am, Routine::Am, date, warnings),
                pm: self.steps(&pm, Routine::Pm, date, warnings),
            });
        }
        (days, nights_placed, design)
    }

    /// One routine, in the order of what matters most: the person's prescriptions (as
    /// prescribed: nothing displaces them), the morning's sunscreen (protection before
    /// anything optional), the items placed for it, the daily serums, then the other base
    /// steps; each admitted under the rules. A product that cannot join gives way to the
    /// next product for its step, or to the plain step; the person's own product is never
    /// swapped for the same thing to buy (rule owned_first).
    fn routine(
        &self,
        placed: &[Item],
        daily: &[Item],
        at: At,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) -> Vec<Use> {
        let routine = at.routine;
        let mut kept: Vec<Use> = self
            .prescribed_in(routine, at.day)
            .map(|p| self.used(Item::Prescribed(p)))
            .collect();
        if routine == Routine::Am {
            self.base_step(&mut kept, Step::Sunscreen, at, date, warnings);
        }
        let items = placed
            .iter()
            .map(|item| (*item, true))
            .chain(daily.iter().map(|item| (*item, false)));
        for (item, on_purpose) in items {
            let used = self.used(item);
            // A product already in the routine (the SPF moisturizer that carries the
            // vitamin C) does this part too: it goes on once.
            if used.product.is_some() && kept.iter().any(|k| k.product == used.product) {
                continue;
            }
            // Where the person's product for a serum may never go (the gate keeps it to
            // the other routine), the serum to get stands in.
            let used = match (used.item, self.admit(&kept, used, at, on_purpose)) {
                (Item::Serum(_), Err(Refusal::Time)) => Use {
                    product: None,
                    step: Step::Serum,
                    ..used
                },
                _ => used,
            };
            match self.admit(&kept, used, at, on_purpose) {
                Ok(()) => kept.push(used),
                Err(refusal) => self.explain(used, &refusal, false, routine, date, warnings),
            }
        }
        // Sunscreen before moisturizer: an SPF moisturizer placed as the sunscreen also
        // moisturizes, and one product fills one step of a routine.
        for &step in essential_steps(routine) {
            self.base_step(&mut kept, step, at, date, warnings);
        }
        kept
    }

    /// The prescriptions that go on in a routine of a day, as prescribed.
    fn prescribed_in(&self, routine: Routine, day: usize) -> impl Iterator<Item = usize> + '_ {
        self.assignment
            .prescribed
            .iter()
            .filter(move |p| p.on(routine, day))
            .map(|p| p.product)
    }

    /// Whether a prescription makes a routine of a day strong.
    fn prescribed_strong(&self, routine: Routine, day: usize) -> bool {
        self.prescribed_in(routine, day)
            .any(|p| self.strong_night(self.used(Item::Prescribed(p))))
    }

    /// Fills a base step of a routine, unless something already does it: the first of
    /// the person's products for it that the rules admit, else the plain step.
    fn base_step(
        &self,
        kept: &mut Vec<Use>,
        step: Step,
        at: At,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) {
        if kept.iter().any(|k| k.step == step) {
            return;
        }
        let mut chosen = Use {
            item: Item::Base(step),
            product: None,
            step,
        };
        for &product in self.assignment.candidates(step) {
            if kept.iter().any(|k| k.product == Some(product)) {
                continue;
            }
            let used = Use {
                product: Some(product),
                ..chosen
            };
            match self.admit(kept, used, at, false) {
                Ok(()) => {
                    chosen = used;
                    break;
                }
                Err(refusal @ (Refusal::Clash(..) | Refusal::Double(..))) => {
                    self.explain(used, &refusal, true, at.routine, date, warnings);
                }
                Err(_) => {}
            }
        }
        // (Only a base step counts: a serum step may yet give way to the time budget.)
        let moisturized = kept.iter().any(|k| {
            matches!(k.item, Item::Base(_))
                && k.product
                    .is_some_and(|p| self.shelf[p].can(Step::Moisturize))
        });
        if step == Step::Moisturize && chosen.product.is_none() && moisturized {
            return;
        }
        kept.push(chosen);
    }

    /// Says why a use stayed out of a routine, when it matters to the person.
    fn explain(
        &self,
        used: Use,
        refusal: &Refusal<'k>,
        fallback: bool,
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) {
        let what = if fallback {
            "stays out of"
        } else {
            "skipped in"
        };
        let (why, citation) = match *refusal {
            Refusal::Clash(other, interaction) => (
                format!(
                    "it does not go with {}. {}",
                    self.name(other),
                    interaction.text
                ),
                self.knowledge
                    .cite(&interaction.id)
                    .unwrap_or(rule(self.knowledge, "safer_wins")),
            ),
            Refusal::Double(other, family) => (
                format!(
                    "{} already brings {}.",
                    self.name(other),
                    family.name.to_lowercase()
                ),
                rule(self.knowledge, "one_strong_per_routine"),
            ),
            Refusal::Limit => {
                let limit = if self.profile.sensitive {
                    self.knowledge.limits.strong_per_routine_max_sensitive
                } else {
                    self.knowledge.limits.strong_per_routine_max
                };
                (
                    format!("at most {limit} strong active(s) at a time for your skin."),
                    rule(self.knowledge, "sensitive_fewer_actives"),
                )
            }
            Refusal::Time
            | Refusal::Night
            | Refusal::Filled
            | Refusal::NotYet
            | Refusal::EventEve
            | Refusal::Recovery => return,
        };
        let text = format!(
            "{} {what} the {} routine: {why}",
            self.name(used),
            routine_word(routine)
        );
        warnings.add(
            WarningCode::SaferWins,
            citation,
            Cow::Owned(text),
            Some(date),
        );
    }

    /// The leave-on nights of a family in a week: nights where something placed carries
    /// it and stays on.
    fn family_nights(&self, nights: &[Vec<Item>], week: usize, family: u64) -> usize {
        let days = week * 7..(week * 7 + 7).min(self.day_count);
        nights[days]
            .iter()
            .filter(|night| {
                night.iter().any(|item| {
                    let used = self.used(*item);
                    self.families(used) & family != 0 && self.leave_on(used)
                })
            })
            .count()
    }

    /// Nights a ramped family may still take in a week.
    /// The ramp counts from the family's own start (one new active at a time), so a
    /// family that starts in the third week begins with the first step of its ramp.
    fn family_room(&self, nights: &[Vec<Item>], week: usize, family: usize) -> usize {
        let rules = &self.knowledge.families[family];
        let slow = self.profile.sensitive || self.slow.contains(&rules.id.as_str());
        let start = self.bits.start[family];
        let first = (week * 7).max(start);
        if first >= (week * 7 + 7).min(self.day_count) {
            return 0;
        }
        let allowed = rules.nights_in_week((first - start) / 7, slow).unwrap_or(7);
        usize::from(allowed).saturating_sub(self.family_nights(nights, week, 1 << family))
    }

    /// Whether an item may be placed on the evening of `day`: its families have started,
    /// it is not the evening before an event, and in the first weeks it does not make
    /// one strong-active night too many in a row.
    fn night_open(&self, nights: &[Vec<Item>], day: usize, used: Use) -> bool {
        if self.start_day(used) > day || self.eve(used, day) {
            return false;
        }
        let limits = &self.knowledge.limits;
        if !self.strong_night(used) {
            return true;
        }
        let strong_night = |d: usize| {
            d != day
                && (nights[d]
                    .iter()
                    .any(|item| self.strong_night(self.used(*item)))
                    || self.prescribed_strong(Routine::Pm, d))
        };
        let before = (0..day).rev().take_while(|d| strong_night(*d)).count();
        let after = (day + 1..self.day_count)
            .take_while(|d| strong_night(*d))
            .count();
        before + 1 + after <= usize::from(limits.strong_nights_in_a_row_max)
    }

    /// Whether a use may be placed on the evening of `day`: the night's own rules
    /// (`night_open`), and the evening's prescriptions, which go first and stay.
    fn evening_open(&self, nights: &[Vec<Item>], day: usize, used: Use) -> bool {
        if !self.night_open(nights, day, used) {
            return false;
        }
        let prescribed: Vec<Use> = self
            .prescribed_in(Routine::Pm, day)
            .map(|p| self.used(Item::Prescribed(p)))
            .collect();
        let at = At {
            routine: Routine::Pm,
            day,
            strong_before: 0,
        };
        self.admit(&prescribed, used, at, true).is_ok()
    }

    /// The ramped families a use carries on the skin, as bits.
    fn ramped(&self, used: Use) -> u64 {
        if self.leave_on(used) {
            self.families(used) & self.bits.ramped
        } else {
            0
        }
    }

    /// How mask pick `pick` can go on the evening of `day`, if it can: no other mask that
    /// night, every 7-day window holding `day` within the person's budget and the type's
    /// own limit; with the person's product when what it carries may go on that night
    /// (started, within its ramp), else, with `plain`, as the plain mask.
    fn mask_fits(
        &self,
        day: usize,
        pick: usize,
        nights: &[Vec<Item>],
        plain: bool,
    ) -> Option<Item> {
        let is_mask = |items: &Vec<Item>| items.iter().any(|i| mask_pick(*i).is_some());
        if day >= self.day_count || is_mask(&nights[day]) {
            return None;
        }
        // No mask evening right after another (rule masks_apart).
        let beside = [day.checked_sub(1), Some(day + 1)];
        if beside
            .into_iter()
            .flatten()
            .any(|d| nights.get(d).is_some_and(is_mask))
        {
            return None;
        }
        let type_limit = self.masks.picks[pick]
            .mask
            .limit_for(self.profile.skin_type);
        let first = day.saturating_sub(6);
        let within = (first..=day).all(|window_start| {
            let window = &nights[window_start..(window_start + 7).min(self.day_count)];
            let total = window.iter().filter(|n| is_mask(n)).count();
            let same = window
                .iter()
                .filter(|n| n.iter().any(|i| mask_pick(*i) == Some(pick)))
                .count();
            total < usize::from(self.masks.per_week) && same < usize::from(type_limit)
        });
        if !within {
            return None;
        }
        self.mask_item(day, pick, nights, plain)
    }

    /// How mask pick `pick` can go on the evening of `day` as far as that night goes:
    /// with the person's product when what it carries may go on that night (started,
    /// within its ramp), else as the plain mask. The person's own mask is not swapped
    /// for one to buy (rule owned_first): the plain mask is an answer only with `plain`,
    /// asked once no evening would take theirs.
    fn mask_item(
        &self,
        day: usize,
        pick: usize,
        nights: &[Vec<Item>],
        plain: bool,
    ) -> Option<Item> {
        let week = day / 7;
        let with_product = self.used(Item::Mask(pick));
        let product_fits = self.evening_open(nights, day, with_product)
            && bit_indexes(self.ramped(with_product))
                .all(|f| self.family_room(nights, week, f) > 0);
        if product_fits {
            return Some(Item::Mask(pick));
        }
        if with_product.product.is_some() && !plain {
            return None;
        }
        let plain = self.used(Item::PlainMask(pick));
        self.evening_open(nights, day, plain)
            .then_some(Item::PlainMask(pick))
    }

    /// Places the masks: first those for events, then the regular ones, spread over
    /// each week, or drawn at random within each week for an experiment (whose design
    /// it returns).
    fn place_masks(&self, events: &[usize], nights: &mut [Vec<Item>]) -> Option<Design> {
        let picks = &self.masks.picks;
        // The plain mask stands in for the person's own only when theirs may go on no
        // evening of the plan at all (rule owned_first).
        let plain: Vec<bool> = (0..picks.len())
            .map(|pick| {
                let own = self.used(Item::Mask(pick));
                own.product.is_none()
                    || !(0..self.day_count).any(|day| self.evening_open(nights, day, own))
            })
            .collect();
        if let Some(event_pick) = picks.iter().position(|p| p.for_events) {
            let before = usize::from(self.knowledge.limits.event_mask_days_before);
            for &event in events {
                let placed = (1..=before)
                    .filter_map(|back| event.checked_sub(back))
                    .any(|day| {
                        nights[day]
                            .iter()
                            .any(|i| mask_pick(*i) == Some(event_pick))
                    });
                if placed {
                    continue;
                }
                let found = (1..=before)
                    .filter_map(|back| event.checked_sub(back))
                    .find_map(|day| {
                        self.mask_fits(day, event_pick, nights, plain[event_pick])
                            .map(|item| (day, item))
                    });
                if let Some((day, item)) = found {
                    nights[day].push(item);
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
            return None;
        }
        if let Some(seed) = self.experiment {
            let design = self.design(&order, nights, &plain);
            for (day, pick) in design.draw(seed) {
                // The design holds the nights' rules (its `barred`), so the drawn
                // evening takes the person's product or the plain mask.
                let item = self
                    .mask_item(day, pick, nights, plain[pick])
                    .unwrap_or(Item::PlainMask(pick));
                nights[day].push(item);
            }
            return Some(design);
        }
        let per_week = order.len();
        for week in 0..self.day_count / 7 {
            for (slot, &pick) in order.iter().enumerate() {
                let ideal = week * 7 + 1 + slot * 7 / per_week;
                let week_days = week * 7..(week * 7 + 7).min(self.day_count);
                // The ideal evening first, then the others of the week, nearest first.
                let found = [0isize, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6]
                    .iter()
                    .filter_map(|shift| ideal.checked_add_signed(*shift))
                    .filter(|day| week_days.contains(day))
                    .find_map(|day| {
                        self.mask_fits(day, pick, nights, plain[pick])
                            .map(|item| (day, item))
                    });
                if let Some((day, item)) = found {
                    nights[day].push(item);
                }
            }
        }
        None
    }

    /// The experiment's design: the week's slots (`order`, by mask pick), the limits,
    /// the masks already placed for events, and the evenings each pick may not go on
    /// with the nights as they are (the rules of `night_open`, for the person's product
    /// and the plain mask alike).
    fn design(&self, order: &[usize], nights: &[Vec<Item>], plain: &[bool]) -> Design {
        let picks = &self.masks.picks;
        let fixed: Vec<(usize, usize)> = nights
            .iter()
            .enumerate()
            .flat_map(|(day, items)| {
                items
                    .iter()
                    .filter_map(move |i| mask_pick(*i).map(|p| (day, p)))
            })
            .collect();
        let barred = (0..picks.len())
            .map(|pick| {
                (0..self.day_count)
                    .filter(|&day| {
                        !self.evening_open(nights, day, self.used(Item::Mask(pick)))
                            && (!plain[pick]
                                || !self.evening_open(
                                    nights,
                                    day,
                                    self.used(Item::PlainMask(pick)),
                                ))
                    })
                    .collect()
            })
            .collect();
        Design {
            days: self.day_count,
            types: picks.iter().map(|p| p.mask.id.clone()).collect(),
            type_limits: picks
                .iter()
                .map(|p| p.mask.limit_for(self.profile.skin_type))
                .collect(),
            per_week: self.masks.per_week,
            window_max: self.knowledge.limits.masks_per_week_max,
            slots: order.to_vec(),
            barred,
            fixed,
        }
    }

    /// Places what carries a ramped family (the planner's ramped serums, then products
    /// that carry one) on nights where nothing clashes, spread over each week, within
    /// the nights each family allows that week, counted together whatever carries it.
    /// Returns nights placed per week, per serum pick.
    fn place_ramped(&self, nights: &mut [Vec<Item>], warnings: &mut Warnings<'k>) -> Vec<Vec<u8>> {
        let mut units: Vec<Unit> = Vec::new();
        for (index, pick) in self.serums.iter().enumerate() {
            if pick.active.rules.ramped() {
                let item = Item::Serum(index);
                units.push(Unit {
                    item,
                    families: self.ramped(self.used(item)),
                });
            }
        }
        for &(product, _) in &self.assignment.units {
            let item = Item::Product(product);
            units.push(Unit {
                item,
                families: self.ramped(self.used(item)),
            });
        }
        let mut placed = vec![Vec::new(); self.serums.len()];
        for (phase, unit) in units.iter().enumerate() {
            let used = self.used(unit.item);
            for week in 0..self.day_count / 7 {
                let wanted = bit_indexes(unit.families)
                    .map(|f| self.family_room(nights, week, f))
                    .min()
                    .unwrap_or(0)
                    .min(7);
                let mut count = 0u8;
                let mut blocked_by = None;
                for slot in 0..wanted {
                    let ideal = (week * 7 + phase + slot * 7 / wanted.max(1)) as isize;
                    let best = (week * 7..(week * 7 + 7).min(self.day_count))
                        .filter(|&day| !nights[day].contains(&unit.item))
                        .filter(|&day| self.night_open(nights, day, used))
                        .filter(|&day| {
                            let clash = nights[day]
                                .iter()
                                .find(|other| self.conflict(used, self.used(**other)).is_some());
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
                        nights[day].push(unit.item);
                        count += 1;
                    }
                }
                if usize::from(count) < wanted {
                    if let Some(other) = blocked_by {
                        let text = format!(
                            "{} went on fewer nights than planned to keep it away from {}.",
                            self.name(used),
                            self.name(self.used(other))
                        );
                        warnings.add(
                            WarningCode::SaferWins,
                            rule(self.knowledge, "safer_wins"),
                            Cow::Owned(text),
                            Some(self.date(week * 7)),
                        );
                    }
                }
                if let Item::Serum(index) = unit.item {
                    placed[index].push(count);
                }
            }
        }
        placed
    }

    /// The rank of a step in application order; a mask that stays on overnight goes
    /// after the moisturizer.
    fn rank(&self, entry: &StepEntry<'_>) -> (usize, usize) {
        let overnight = entry
            .mask_type
            .and_then(|id| self.knowledge.mask_type(id))
            .is_some_and(|m| m.removal == Removal::None);
        if overnight {
            (self.knowledge.step_rank(Step::Moisturize), 1)
        } else {
            (self.knowledge.step_rank(entry.step), 0)
        }
    }

    /// A step as the person reads it: the product, else the serum's active or the mask
    /// type ("Niacinamide", "clay mask").
    fn named(&self, step: &StepEntry<'_>) -> String {
        let knowledge = self.knowledge;
        if let Some(product) = &step.product {
            return product.clone();
        }
        if let Some(active) = step.active.and_then(|a| knowledge.active(a)) {
            return active.name.clone();
        }
        match step.mask_type.and_then(|m| knowledge.mask_type(m)) {
            Some(mask) => mask.name.to_lowercase(),
            None => knowledge.step(step.step).name.to_lowercase(),
        }
    }

    /// Turns a routine's uses into ordered steps, fitting the time budget.
    fn steps(
        &self,
        uses: &[Use],
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) -> Vec<StepEntry<'k>> {
        let (required, groups) = self.groups(uses);
        let mut steps = self.fit_budget(required, groups, routine, date, warnings);
        steps.sort_by_key(|s| self.rank(s));
        steps
    }

    /// A routine's steps: those it always keeps, and the optional groups in the order
    /// they are kept when time is short (rule time_budget): the main serum, then the mask
    /// with its removal, then the other serums.
    fn groups(&self, uses: &[Use]) -> (Vec<StepEntry<'k>>, Vec<Vec<StepEntry<'k>>>) {
        let knowledge = self.knowledge;
        let product_name = |product: Option<usize>| product.map(|p| self.shelf[p].name.clone());
        let entry = |used: &Use| {
            let active = match used.item {
                Item::Serum(i) => Some(self.serums[i].active.id.as_str()),
                _ => None,
            };
            StepEntry {
                step: used.step,
                minutes: knowledge.step(used.step).minutes,
                active,
                mask_type: None,
                product: product_name(used.product),
                removes: None,
            }
        };
        let mut required = Vec::new();
        let mut serum_groups = Vec::new();
        let mut mask_group = Vec::new();
        for used in uses {
            match (used.item, used.step) {
                (Item::Mask(i), _) => {
                    let mask = self.masks.picks[i].mask;
                    mask_group.push(StepEntry {
                        step: Step::Mask,
                        minutes: mask.minutes,
                        active: None,
                        mask_type: Some(&mask.id),
                        product: product_name(used.product),
                        removes: None,
                    });
                    if mask.removal != Removal::None {
                        mask_group.push(StepEntry {
                            product: None,
                            removes: Some(&mask.id),
                            ..entry(&Use {
                                item: Item::Base(Step::RemoveMask),
                                product: None,
                                step: Step::RemoveMask,
                            })
                        });
                    }
                }
                (Item::Serum(i), Step::Serum) => serum_groups.push((i, vec![entry(used)])),
                _ => required.push(entry(used)),
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
        (required, groups)
    }

    /// The steps a routine keeps within its time budget: every required one, then each
    /// optional group while it fits; says what was left out.
    fn fit_budget(
        &self,
        required: Vec<StepEntry<'k>>,
        groups: Vec<Vec<StepEntry<'k>>>,
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) -> Vec<StepEntry<'k>> {
        let knowledge = self.knowledge;
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
                Some(budget) if total + minutes > budget.get() => {
                    dropped.push(self.named(&group[0]))
                }
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
                    and_list(&dropped.iter().map(String::as_str).collect::<Vec<_>>())
                );
                warnings.add(
                    WarningCode::TimeBudget,
                    citation,
                    Cow::Owned(text),
                    Some(date),
                );
            }
            if total > budget.get() {
                let text = format!(
                    "The essential {} steps take {total} minutes, more than your {}-minute budget; they stay, because they protect your skin.",
                    routine_word(routine),
                    budget.get()
                );
                warnings.add(WarningCode::TimeBudget, citation, Cow::Owned(text), None);
            }
        }
        steps
    }
}

/// The mask pick an item places, with or without the person's product.
fn mask_pick(item: Item) -> Option<usize> {
    match item {
        Item::Mask(i) | Item::PlainMask(i) => Some(i),
        _ => None,
    }
}
