//! Scheduling: placing the chosen masks and actives on dated mornings and evenings,
//! then guarding every routine (interactions, strong actives, time budget).

use super::choose::{MaskPicks, SerumPick};
use super::{routine_word, rule};
use crate::knowledge::{Knowledge, Selector, Severity};
use crate::plan::{Day, Plan, StepEntry, Warnings};
use crate::profile::{IsoDate, Profile};
use crate::shelf::{Assignment, ShelfProduct};
use crate::vocab::{Routine, Step};
use chrono::{Days, NaiveDate};
use std::borrow::Cow;

/// Something that goes on the skin in a routine: a mask (index into the mask picks), a
/// serum (index into the serum picks), or a base step done with a shelf product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Item {
    Mask(usize),
    Serum(usize),
    Base(Step),
}

/// An item in one routine, with the shelf product used for it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Use {
    item: Item,
    product: Option<usize>,
}

pub(super) struct Scheduler<'a, 'k> {
    pub(super) knowledge: &'k Knowledge,
    pub(super) profile: &'a Profile,
    pub(super) serums: &'a [SerumPick<'k>],
    pub(super) masks: &'a MaskPicks<'k>,
    pub(super) shelf: &'a [ShelfProduct],
    pub(super) assignment: &'a Assignment,
    pub(super) day_count: usize,
    pub(super) start: NaiveDate,
}

impl<'a, 'k: 'a> Scheduler<'a, 'k> {
    fn date(&self, day: usize) -> IsoDate {
        IsoDate(self.start + Days::new(day as u64))
    }

    /// The product a step uses by default (its assignment).
    fn product_of(&self, item: Item) -> Option<usize> {
        match item {
            Item::Serum(i) => self.assignment.serums.get(i).copied().flatten(),
            Item::Mask(i) => self.assignment.masks.get(i).copied().flatten(),
            Item::Base(step) => self.assignment.base_product(step),
        }
    }

    fn used(&self, item: Item) -> Use {
        Use {
            item,
            product: self.product_of(item),
        }
    }

    /// Whether a use puts an active of `family` on the skin (its own, or its product's).
    fn has_family(&self, used: Use, family: &str) -> bool {
        let own = matches!(used.item, Item::Serum(i) if self.serums[i].active.family == family);
        own || used
            .product
            .is_some_and(|p| self.shelf[p].families.iter().any(|f| f == family))
    }

    /// The mask tags a use puts on the skin.
    fn tags(&self, used: Use) -> &'k [String] {
        match used.item {
            Item::Mask(i) => &self.masks.picks[i].mask.tags,
            Item::Serum(_) | Item::Base(_) => &[],
        }
    }

    /// Whether an interaction's selector picks this use.
    fn selected(&self, selector: &Selector, used: Use) -> bool {
        selector.families.iter().any(|f| self.has_family(used, f))
            || selector
                .mask_tags
                .iter()
                .any(|t| self.tags(used).contains(t))
    }

    /// The interaction that forbids `a` and `b` in one routine, if any.
    fn clash(&self, a: Use, b: Use) -> Option<&'k crate::knowledge::Interaction> {
        self.knowledge.interactions.iter().find(|interaction| {
            interaction.severity == Severity::Separate
                && ((self.selected(&interaction.a, a) && self.selected(&interaction.b, b))
                    || (self.selected(&interaction.a, b) && self.selected(&interaction.b, a)))
        })
    }

    fn name(&self, used: Use) -> &'a str {
        if let Some(product) = used.product {
            return &self.shelf[product].name;
        }
        match used.item {
            Item::Mask(i) => &self.masks.picks[i].mask.name,
            Item::Serum(i) => &self.serums[i].active.name,
            Item::Base(step) => &self.knowledge.step(step).name,
        }
    }

    /// Runs the schedule; returns the days and, per serum pick, the nights placed per
    /// week (empty for actives without a ramp).
    pub(super) fn run(
        &self,
        events: &[usize],
        warnings: &mut Warnings<'k>,
    ) -> (Vec<Day<'k>>, Vec<Vec<u8>>) {
        let mut nights: Vec<Vec<Item>> = vec![Vec::new(); self.day_count];
        self.place_masks(events, &mut nights);
        let nights_placed = self.place_ramped(&mut nights, warnings);

        let base_uses = |steps: &[Step]| -> Vec<Use> {
            steps
                .iter()
                .map(|&step| self.used(Item::Base(step)))
                .filter(|u| u.product.is_some())
                .collect()
        };
        let mut days = Vec::with_capacity(self.day_count);
        for (day, night) in nights.into_iter().enumerate() {
            let date = self.date(day);
            let mut am: Vec<Use> = (0..self.serums.len())
                .filter(|&i| self.serums[i].active.time.in_am())
                .map(|i| self.used(Item::Serum(i)))
                .collect();
            am.extend(base_uses(&[
                Step::Cleanse,
                Step::Moisturize,
                Step::Sunscreen,
            ]));
            let mut pm: Vec<Use> = night.into_iter().map(|item| self.used(item)).collect();
            for i in 0..self.serums.len() {
                let active = self.serums[i].active;
                if active.time.in_pm() && active.nights.is_empty() {
                    pm.push(self.used(Item::Serum(i)));
                }
            }
            pm.extend(base_uses(&[Step::Cleanse, Step::Moisturize]));
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
                            let clash = nights[day].iter().find(|other| {
                                self.clash(self.used(item), self.used(**other)).is_some()
                            });
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
                            self.name(self.used(other))
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

    /// The first kept use that `used` clashes with, and the interaction.
    fn conflict(
        &self,
        kept: &[Use],
        used: Use,
    ) -> Option<(Use, &'k crate::knowledge::Interaction)> {
        kept.iter()
            .find_map(|k| self.clash(used, *k).map(|i| (*k, i)))
    }

    /// Keeps apart what must not share this routine: what came first stays (masks and
    /// ramped actives were placed deliberately); a clashing shelf product gives way to
    /// the plain step when that is enough, else the step is skipped. Then trims strong
    /// actives to the per-routine limit.
    fn guard(
        &self,
        uses: &mut Vec<Use>,
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) {
        let mut kept: Vec<Use> = Vec::with_capacity(uses.len());
        for &used in uses.iter() {
            if kept.iter().any(|k| k.item == used.item) {
                continue;
            }
            let Some((other, interaction)) = self.conflict(&kept, used) else {
                kept.push(used);
                continue;
            };
            let citation = self
                .knowledge
                .cite(&interaction.id)
                .unwrap_or(rule(self.knowledge, "safer_wins"));
            let plain = Use {
                product: None,
                ..used
            };
            let base = matches!(used.item, Item::Base(_));
            if used.product.is_some() && (base || self.conflict(&kept, plain).is_none()) {
                let text = format!(
                    "{} stays out of the {} routine: it does not go with {}. {}",
                    self.name(used),
                    routine_word(routine),
                    self.name(other),
                    interaction.text
                );
                warnings.add("safer_wins", citation, Cow::Owned(text), Some(date));
                kept.push(plain);
                continue;
            }
            let text = format!(
                "{} skipped in the {} routine: it does not go with {}. {}",
                self.name(used),
                routine_word(routine),
                self.name(other),
                interaction.text
            );
            warnings.add("safer_wins", citation, Cow::Owned(text), Some(date));
        }
        let limit = if self.profile.sensitive {
            self.knowledge.limits.strong_per_routine_max_sensitive
        } else {
            self.knowledge.limits.strong_per_routine_max
        };
        let mut strong = 0;
        kept.retain(|used| {
            let Item::Serum(i) = used.item else { return true };
            if !self.serums[i].active.strong {
                return true;
            }
            strong += 1;
            if strong <= limit {
                return true;
            }
            let text = format!(
                "{} skipped in the {} routine: at most {limit} strong active(s) at a time for your skin.",
                self.serums[i].active.name,
                routine_word(routine)
            );
            warnings.add("safer_wins", rule(self.knowledge, "sensitive_fewer_actives"), Cow::Owned(text), Some(date));
            false
        });
        *uses = kept;
    }

    /// Turns a routine's items into ordered steps, fitting the time budget.
    fn steps(
        &self,
        uses: &[Use],
        routine: Routine,
        date: IsoDate,
        warnings: &mut Warnings<'k>,
    ) -> Vec<StepEntry<'k>> {
        let knowledge = self.knowledge;
        let product_name = |product: Option<usize>| product.map(|p| self.shelf[p].name.clone());
        let plain = |step: Step| StepEntry {
            step,
            minutes: knowledge.step(step).minutes,
            active: None,
            mask_type: None,
            product: None,
        };
        let base = |step: Step| {
            let product = uses
                .iter()
                .find(|u| u.item == Item::Base(step))
                .and_then(|u| u.product);
            StepEntry {
                product: product_name(product),
                ..plain(step)
            }
        };
        let mut required = vec![base(Step::Cleanse), base(Step::Moisturize)];
        if routine == Routine::Am {
            required.push(base(Step::Sunscreen));
        }
        // Optional groups in the order they are kept when time is short (rule time_budget):
        // the main serum, then the mask with its removal, then the other serums.
        let mut serum_groups = Vec::new();
        let mut mask_group = Vec::new();
        for used in uses {
            match used.item {
                Item::Mask(i) => {
                    let mask = self.masks.picks[i].mask;
                    mask_group.push(StepEntry {
                        step: Step::Mask,
                        minutes: mask.minutes,
                        active: None,
                        mask_type: Some(&mask.id),
                        product: product_name(used.product),
                    });
                    mask_group.push(plain(Step::RemoveMask));
                }
                Item::Serum(i) => serum_groups.push((
                    i,
                    vec![StepEntry {
                        active: Some(&self.serums[i].active.id),
                        product: product_name(used.product),
                        ..plain(Step::Serum)
                    }],
                )),
                Item::Base(_) => {}
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
