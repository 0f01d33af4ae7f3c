//! What the scheduler asks again and again, computed once per plan as bit sets over the
//! knowledge's families (by index) and mask tags.

use crate::engine::choices::{MaskPicks, SerumPick};
use crate::knowledge::{Family, Interaction, Knowledge, Severity};
use crate::shelf::ShelfProduct;
use crate::vocab::Routine;

/// The indexes of the set bits.
pub(super) fn bit_indexes(bits: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| bits & (1 << i) != 0)
}

/// One side of an interaction, as bits of families and mask tags.
#[derive(Debug, Clone, Copy)]
pub(super) struct Side {
    pub(super) families: u64,
    pub(super) tags: u64,
}

/// A `separate` interaction, as bits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Separate<'k> {
    pub(super) a: Side,
    pub(super) b: Side,
    pub(super) interaction: &'k Interaction,
}

/// What the scheduler asks again and again, computed once per plan as bit sets over
/// the knowledge's families (by index) and mask tags.
#[derive(Debug, Clone)]
pub(in crate::engine) struct Bits<'k> {
    /// Families at a treatment level, per shelf product.
    pub(super) products: Vec<u64>,
    /// Whether each shelf product may go on in the morning, and in the evening, by the
    /// times of every family it carries.
    pub(super) mornings: Vec<bool>,
    pub(super) evenings: Vec<bool>,
    /// The family of each serum pick.
    pub(super) picks: Vec<u64>,
    /// The tags of each mask pick.
    pub(super) masks: Vec<u64>,
    pub(super) strong: u64,
    pub(super) ramped: u64,
    /// Families and mask tags barred the evening before an event.
    pub(super) eve: u64,
    pub(super) eve_tags: u64,
    /// The day (0-based) each family starts: 0 unless it is a new strong active.
    pub(super) start: Vec<usize>,
    pub(super) separate: Vec<Separate<'k>>,
}

impl<'k> Bits<'k> {
    /// The day the last-starting of these families starts.
    pub(super) fn start_of(&self, families: u64) -> usize {
        bit_indexes(families)
            .map(|f| self.start.get(f).copied().unwrap_or(0))
            .max()
            .unwrap_or(0)
    }

    pub(in crate::engine) fn new(
        knowledge: &'k Knowledge,
        serums: &[SerumPick<'k>],
        masks: &MaskPicks<'k>,
        shelf: &[ShelfProduct],
        starts: &[(&str, usize)],
    ) -> Bits<'k> {
        let family = |id: &str| {
            knowledge
                .families
                .iter()
                .position(|f| f.id == id)
                .map_or(0, |i| 1u64 << i)
        };
        let families = |ids: &[String]| ids.iter().fold(0, |bits, id| bits | family(id));
        let tag_names: Vec<&str> = {
            let mut names: Vec<&str> = knowledge
                .mask_types
                .iter()
                .flat_map(|m| m.tags.iter().map(String::as_str))
                .collect();
            names.sort_unstable();
            names.dedup();
            names
        };
        let tags = |ids: &[String]| {
            ids.iter().fold(0u64, |bits, id| {
                bits | tag_names
                    .iter()
                    .position(|t| t == id)
                    .map_or(0, |i| 1u64 << i)
            })
        };
        let of_families = |keep: fn(&Family) -> bool| {
            knowledge
                .families
                .iter()
                .enumerate()
                .filter(|(_, f)| keep(f))
                .fold(0u64, |bits, (i, _)| bits | 1 << i)
        };
        let time_allows = |product: &ShelfProduct, routine: Routine| {
            product
                .families
                .iter()
                .filter_map(|f| knowledge.family(f))
                .all(|f| f.time_for(product.leave_on).includes(routine))
        };
        Bits {
            products: shelf.iter().map(|p| families(&p.families)).collect(),
            mornings: shelf.iter().map(|p| time_allows(p, Routine::Am)).collect(),
            evenings: shelf.iter().map(|p| time_allows(p, Routine::Pm)).collect(),
            picks: serums.iter().map(|p| family(&p.active.family)).collect(),
            masks: masks.picks.iter().map(|p| tags(&p.mask.tags)).collect(),
            strong: of_families(|f| f.strong),
            ramped: of_families(Family::ramped),
            eve: families(&knowledge.limits.event_eve_families),
            eve_tags: tags(&knowledge.limits.event_eve_mask_tags),
            start: knowledge
                .families
                .iter()
                .map(|f| {
                    starts
                        .iter()
                        .find(|(id, _)| *id == f.id)
                        .map_or(0, |(_, day)| *day)
                })
                .collect(),
            separate: knowledge
                .interactions
                .iter()
                .filter(|i| i.severity == Severity::Separate)
                .map(|interaction| Separate {
                    a: Side {
                        families: families(&interaction.a.families),
                        tags: tags(&interaction.a.mask_tags),
                    },
                    b: Side {
                        families: families(&interaction.b.families),
                        tags: tags(&interaction.b.mask_tags),
                    },
                    interaction,
                })
                .collect(),
        }
    }
}
