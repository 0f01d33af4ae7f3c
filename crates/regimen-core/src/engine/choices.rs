//! The hand-off between choosing and scheduling: what was chosen (the approach with its
//! reasons, the serum actives, the mask types) and which of the person's products do
//! which part of it. Choosing builds a `Choices`; pacing and scheduling only read it.

use super::safety::Verdict;
use crate::knowledge::{Active, Knowledge, MaskType};
use crate::plan::Reason;
use crate::shelf::ShelfProduct;
use crate::vocab::{Approach, ProductKind, Routine, ServingTime, Step};

/// What the choosing stage decided.
#[derive(Debug, Clone)]
pub(super) struct Choices<'k> {
    /// Masks, serums or both.
    pub(super) approach: Approach,
    /// Why, each with its rule.
    pub(super) reasons: Vec<Reason<'k>>,
    /// The serum actives, most important first.
    pub(super) serums: Vec<SerumPick<'k>>,
    /// The mask types and the weekly mask budget.
    pub(super) masks: MaskPicks<'k>,
    /// Which of the person's products do which part of the plan.
    pub(super) assignment: Assignment,
}

/// A chosen serum active.
#[derive(Debug, Clone)]
pub(super) struct SerumPick<'k> {
    pub(super) active: &'k Active,
    /// The routines it goes in: those it may go in, less a routine with no time left for
    /// it (rule time_budget).
    pub(super) time: ServingTime,
    /// The routines it may go in: its active's time, within those the safety gate allows
    /// the person's product that carries it.
    pub(super) allowed: ServingTime,
    pub(super) reasons: Vec<Reason<'k>>,
}

impl<'k> SerumPick<'k> {
    /// A pick of an active, with its reasons.
    pub(super) fn new(active: &'k Active, reasons: Vec<Reason<'k>>) -> SerumPick<'k> {
        SerumPick {
            active,
            time: active.time,
            allowed: active.time,
            reasons,
        }
    }
}

/// What the person owns, as the safety gate allows it (each product's steps are those
/// the gate lets it fill), for choosing and assigning.
#[derive(Debug, Clone, Copy)]
pub(super) struct Owned<'s> {
    pub(super) products: &'s [ShelfProduct],
    pub(super) verdicts: &'s [Verdict<'s>],
}

impl<'s> Owned<'s> {
    /// The products the plan may choose for a step: allowed by the gate, and not
    /// prescriptions (those keep their own place and schedule).
    pub(super) fn usable(&self) -> impl Iterator<Item = (usize, &'s ShelfProduct)> + '_ {
        self.products.iter().enumerate().filter(|(i, _)| {
            self.verdicts
                .get(*i)
                .is_some_and(|v| v.allowed() && v.prescribed.is_none())
        })
    }

    /// The prescriptions the person may use, with their routines (none: as directed).
    pub(super) fn prescribed(
        &self,
    ) -> impl Iterator<Item = (usize, &'s ShelfProduct, Option<ServingTime>)> + '_ {
        self.products.iter().enumerate().filter_map(|(i, product)| {
            let verdict = self.verdicts.get(i).filter(|v| v.allowed())?;
            verdict.prescribed.map(|p| (i, product, p.time))
        })
    }

    /// The product that carries an active's family, with the step it fills: a product
    /// for the serum step first (a serum before a toner or an oil), else a leave-on
    /// cream that carries it in the moisturize step.
    pub(super) fn carrier(&self, knowledge: &Knowledge, family: &str) -> Option<(usize, Step)> {
        self.carriers(knowledge, [(family, None)]).pop().flatten()
    }

    /// The products that carry each of these families, one product per family at most
    /// and one family per product: a vitamin C serum that also holds some hyaluronic
    /// acid fills the vitamin C step, not both.
    /// Each family may come with the routines its carrier must share one of (a product
    /// the gate keeps to the mornings carries no evening's pick).
    pub(super) fn carriers<'f>(
        &self,
        knowledge: &Knowledge,
        wanted: impl IntoIterator<Item = (&'f str, Option<ServingTime>)>,
    ) -> Vec<Option<(usize, Step)>> {
        let (families, times): (Vec<&str>, Vec<Option<ServingTime>>) = wanted.into_iter().unzip();
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
            let free = |p: &usize| {
                !taken.contains(p)
                    && times[i].is_none_or(|time| {
                        self.verdicts[*p]
                            .times
                            .is_some_and(|t| t.intersect(time).is_some())
                    })
            };
            // A gentle serum's step is not filled by a product that brings a strong
            // family besides (a 10% lactic acid with some hyaluronic acid), and an
            // every-day one not by a product that goes on only on some nights (it carries
            // a retinoid or an acid).
            let ramped = |f: &str| knowledge.family(f).is_some_and(|f| f.ramped());
            let fits = |product: &ShelfProduct| {
                (strong(family) || !product.families.iter().any(|f| f != family && strong(f)))
                    && (ramped(family)
                        || !product.leave_on
                        || !product.families.iter().any(|f| ramped(f)))
            };
            let serum = self
                .usable()
                .filter(|(p, product)| {
                    free(p) && product.can(Step::Serum) && product.treats(family) && fits(product)
                })
                .min_by_key(|(_, product)| product.kind != ProductKind::Serum)
                .map(|(p, _)| (p, Step::Serum));
            // A cream carries a treatment on its nights (by the same measure as a
            // serum: an every-day one not by a cream with a retinoid); a hydrating
            // serum is no reason to skip the moisturizer.
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
                            && fits(product)
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

    /// The products that carry each pick, as `carriers` finds them, among those the gate
    /// lets go in one of the pick's routines (else the pick's serum is to get).
    pub(super) fn carriers_of(
        &self,
        knowledge: &Knowledge,
        picks: &[SerumPick<'_>],
    ) -> Vec<Option<(usize, Step)>> {
        self.carriers(
            knowledge,
            picks
                .iter()
                .map(|p| (p.active.family.as_str(), Some(p.time))),
        )
    }

    /// The product to use for a mask type: one that may go on in the evening.
    pub(super) fn mask_for(&self, mask_type: &str) -> Option<usize> {
        self.usable()
            .find(|(i, p)| {
                p.can(Step::Mask)
                    && p.mask_type.as_deref() == Some(mask_type)
                    && self.verdicts[*i].times.is_some_and(ServingTime::in_pm)
            })
            .map(|(i, _)| i)
    }

    pub(super) fn name(&self, index: usize) -> &'s str {
        &self.products[index].name
    }
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

/// Which shelf products can do which part of the plan.
#[derive(Debug, Clone, Default)]
pub(super) struct Assignment {
    /// Per serum pick: the product carrying its active and the step it fills (the serum
    /// step, or the moisturize step for a cream that carries it).
    pub(super) serums: Vec<Option<(usize, Step)>>,
    /// Per mask pick: the product of that type.
    pub(super) masks: Vec<Option<usize>>,
    /// Per base step (cleanse, moisturize, sunscreen): the products that can do it,
    /// best first.
    pub(super) base: Vec<(Step, Vec<usize>)>,
    /// Products placed on their own nights (they carry a ramped family and no serum
    /// pick uses them), with the step they fill.
    pub(super) units: Vec<(usize, Step)>,
    /// Prescriptions placed in their routines, first, with the step they fill (the
    /// treatment step; a medicated wash cleanses).
    pub(super) prescribed: Vec<PrescribedUse>,
    /// Prescriptions with no routine left beside those a rule keeps them apart from,
    /// each with the one it waits for (rule rx_kept_apart).
    pub(super) held: Vec<(usize, usize)>,
}

/// Where a prescription goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PrescribedUse {
    pub(super) product: usize,
    /// Its routines: its label's, or, kept apart from another prescription, the other
    /// routine its actives allow (rule rx_kept_apart).
    pub(super) time: ServingTime,
    pub(super) step: Step,
    /// Kept apart from another prescription that needs the same routines: in these
    /// routines, every other day, on the days of this parity.
    pub(super) every_other: Option<(ServingTime, usize)>,
}

impl PrescribedUse {
    /// Whether it goes on in this routine of this day.
    pub(super) fn on(&self, routine: Routine, day: usize) -> bool {
        self.time.includes(routine)
            && self
                .every_other
                .is_none_or(|(routines, parity)| !routines.includes(routine) || day % 2 == parity)
    }

    /// Whether it would meet another in some routine of some day.
    pub(super) fn meets(&self, other: &PrescribedUse) -> bool {
        Routine::ALL
            .into_iter()
            .any(|routine| (0..2).any(|day| self.on(routine, day) && other.on(routine, day)))
    }
}

impl Assignment {
    /// The products that can do a base step, best first.
    pub(super) fn candidates(&self, step: Step) -> &[usize] {
        self.base
            .iter()
            .find(|(s, _)| *s == step)
            .map_or(&[], |(_, products)| products.as_slice())
    }

    /// Whether the plan may use a product anywhere: it carries a serum pick, is a mask of
    /// a chosen type, can do a base step, or goes on its own nights.
    pub(super) fn may_use(&self, product: usize) -> bool {
        self.serums.iter().flatten().any(|(p, _)| *p == product)
            || self.masks.contains(&Some(product))
            || self
                .base
                .iter()
                .any(|(_, products)| products.contains(&product))
            || self.units.iter().any(|(p, _)| *p == product)
            || self.prescribed.iter().any(|p| p.product == product)
    }

    /// The step a product placed on its own nights fills.
    pub(super) fn unit_step(&self, product: usize) -> Step {
        self.units
            .iter()
            .find(|(p, _)| *p == product)
            .map_or(Step::Moisturize, |(_, step)| *step)
    }
}
