//! What the scheduler asks again and again, computed once per plan as bit sets over the
//! knowledge's families (by index), mask tags and `separate` interactions.

use crate::engine::choices::{MaskPicks, SerumPick};
use crate::engine::safety::{sides, OnSkin};
use crate::knowledge::{Family, Interaction, Knowledge, Severity};
use crate::shelf::ShelfProduct;
use crate::vocab::{Routine, ServingTime};

/// The indexes of the set bits.
pub(super) fn bit_indexes(bits: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| bits & (1 << i) != 0)
}

/// The `separate` interactions something is on each side of, as bits (by the index of
/// the interaction among the separate ones).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Sides {
    pub(super) a: u64,
    pub(super) b: u64,
}

impl Sides {
    /// Both things together.
    pub(super) fn with(self, other: Sides) -> Sides {
        Sides {
            a: self.a | other.a,
            b: self.b | other.b,
        }
    }

    /// The interactions that keep these two apart, as bits.
    pub(super) fn against(self, other: Sides) -> u64 {
        (self.a & other.b) | (self.b & other.a)
    }
}

/// When things start (the day, 0-based): families and strong mask picks that are new
/// strong actives wait for their patch-test turn.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct Starts<'a> {
    /// (family id, day).
    pub(in crate::engine) families: Vec<(&'a str, usize)>,
    /// (mask pick, day).
    pub(in crate::engine) masks: Vec<(usize, usize)>,
    /// What waits for another product's start, with the day.
    pub(in crate::engine) waits: Vec<(Waits, usize)>,
}

/// What waits for another product's start: a shelf product, or a serum pick to get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::engine) enum Waits {
    Product(usize),
    Pick(usize),
}

impl Starts<'_> {
    fn waits(&self, what: Waits) -> usize {
        self.waits
            .iter()
            .find(|(w, _)| *w == what)
            .map_or(0, |(_, day)| *day)
    }
}

/// What the scheduler asks again and again, computed once per plan.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Bits<'k> {
    /// Families at a treatment level, per shelf product.
    pub(super) products: Vec<u64>,
    /// Whether each shelf product may go on in the morning, and in the evening (the
    /// safety gate's answer).
    pub(super) mornings: Vec<bool>,
    pub(super) evenings: Vec<bool>,
    /// The family of each serum pick.
    pub(super) picks: Vec<u64>,
    /// The tags of each mask pick.
    pub(super) masks: Vec<u64>,
    /// The interactions each shelf product, serum pick and mask pick is on the sides of.
    pub(super) product_sides: Vec<Sides>,
    pub(super) pick_sides: Vec<Sides>,
    pub(super) mask_sides: Vec<Sides>,
    /// The `separate` interactions, by bit.
    pub(super) separate: Vec<&'k Interaction>,
    pub(super) strong: u64,
    pub(super) ramped: u64,
    /// Mask tags that make a mask a strong active (rule strong_masks).
    pub(super) strong_tags: u64,
    /// Families and mask tags barred the evening before an event.
    pub(super) eve: u64,
    pub(super) eve_tags: u64,
    /// The day (0-based) each family starts: 0 unless it is a new strong active.
    pub(super) start: Vec<usize>,
    /// The day each mask pick may first go on.
    pub(super) mask_start: Vec<usize>,
    /// The day each shelf product may first go on (0 unless it waits for another's).
    pub(super) product_start: Vec<usize>,
    /// The day each serum pick may first go on (0 unless it waits for a product's).
    pub(super) pick_start: Vec<usize>,
}

impl<'k> Bits<'k> {
    /// The day the last-starting of these families starts.
    pub(super) fn start_of(&self, families: u64) -> usize {
        bit_indexes(families)
            .map(|f| self.start.get(f).copied().unwrap_or(0))
            .max()
            .unwrap_or(0)
    }

    /// `times`: the routines the safety gate allows each shelf product (none: refused).
    pub(in crate::engine) fn new(
        knowledge: &'k Knowledge,
        (serums, masks): (&[SerumPick<'k>], &MaskPicks<'k>),
        (shelf, times): (&[ShelfProduct], &[Option<ServingTime>]),
        starts: &Starts<'_>,
    ) -> Bits<'k> {
        let index = Index::of(knowledge);
        let separate: Vec<&'k Interaction> = knowledge
            .interactions
            .iter()
            .filter(|i| i.severity == Severity::Separate)
            .collect();
        let sides_of = |what: OnSkin<'_>| interaction_sides(&separate, &what);
        let allows = |i: usize, routine: Routine| {
            times
                .get(i)
                .copied()
                .flatten()
                .is_some_and(|t| t.includes(routine))
        };
        Bits {
            products: shelf.iter().map(|p| index.families(&p.families)).collect(),
            mornings: (0..shelf.len()).map(|i| allows(i, Routine::Am)).collect(),
            evenings: (0..shelf.len()).map(|i| allows(i, Routine::Pm)).collect(),
            picks: serums
                .iter()
                .map(|p| index.family(&p.active.family))
                .collect(),
            masks: masks
                .picks
                .iter()
                .map(|p| index.tags(&p.mask.tags))
                .collect(),
            product_sides: shelf.iter().map(|p| sides_of(OnSkin::product(p))).collect(),
            pick_sides: serums
                .iter()
                .map(|p| sides_of(OnSkin::active(p.active)))
                .collect(),
            mask_sides: masks
                .picks
                .iter()
                .map(|p| sides_of(OnSkin::mask(p.mask)))
                .collect(),
            separate,
            strong: index.where_family(|f| f.strong),
            ramped: index.where_family(Family::ramped),
            strong_tags: index.tags(&knowledge.limits.strong_mask_tags),
            eve: index.families(&knowledge.limits.event_eve_families),
            eve_tags: index.tags(&knowledge.limits.event_eve_mask_tags),
            start: knowledge
                .families
                .iter()
                .map(|f| {
                    starts
                        .families
                        .iter()
                        .find(|(id, _)| *id == f.id)
                        .map_or(0, |(_, day)| *day)
                })
                .collect(),
            product_start: (0..shelf.len())
                .map(|product| starts.waits(Waits::Product(product)))
                .collect(),
            pick_start: (0..serums.len())
                .map(|pick| starts.waits(Waits::Pick(pick)))
                .collect(),
            mask_start: (0..masks.picks.len())
                .map(|pick| {
                    starts
                        .masks
                        .iter()
                        .find(|(p, _)| *p == pick)
                        .map_or(0, |(_, day)| *day)
                })
                .collect(),
        }
    }
}

/// The `separate` interactions something is on each side of, as bits.
fn interaction_sides(separate: &[&Interaction], what: &OnSkin<'_>) -> Sides {
    separate
        .iter()
        .enumerate()
        .fold(Sides::default(), |acc, (bit, interaction)| {
            let (a, b) = sides(interaction, what);
            Sides {
                a: acc.a | (u64::from(a) << bit),
                b: acc.b | (u64::from(b) << bit),
            }
        })
}

/// Families (by their place in the knowledge base) and mask tags (sorted) as bits.
struct Index<'k> {
    knowledge: &'k Knowledge,
    tag_names: Vec<&'k str>,
}

impl<'k> Index<'k> {
    fn of(knowledge: &'k Knowledge) -> Index<'k> {
        let mut tag_names: Vec<&str> = knowledge
            .mask_types
            .iter()
            .flat_map(|m| m.tags.iter().map(String::as_str))
            .collect();
        tag_names.sort_unstable();
        tag_names.dedup();
        Index {
            knowledge,
            tag_names,
        }
    }

    fn family(&self, id: &str) -> u64 {
        self.knowledge
            .families
            .iter()
            .position(|f| f.id == id)
            .map_or(0, |i| 1u64 << i)
    }

    fn families(&self, ids: &[String]) -> u64 {
        ids.iter().fold(0, |bits, id| bits | self.family(id))
    }

    fn tags(&self, ids: &[String]) -> u64 {
        ids.iter().fold(0u64, |bits, id| {
            bits | self
                .tag_names
                .iter()
                .position(|t| t == id)
                .map_or(0, |i| 1u64 << i)
        })
    }

    fn where_family(&self, keep: fn(&Family) -> bool) -> u64 {
        self.knowledge
            .families
            .iter()
            .enumerate()
            .filter(|(_, f)| keep(f))
            .fold(0u64, |bits, (i, _)| bits | 1 << i)
    }
}
