//! The design of a personal experiment: which evenings get a mask, drawn at random
//! within each week under the plan's own limits, from a seed. The planner draws the
//! plan's mask evenings with it, and the analysis draws them again many times with
//! other seeds (the randomization test), so both follow one rule, written here once.
//!
//! The rule, exactly (anyone can re-check a plan with it):
//!
//! 1. The random numbers are SplitMix64 from the seed ([`SplitMix64`]); a choice among
//!    `n` is the next number below the largest multiple of `n`, modulo `n` (numbers
//!    above it are drawn again).
//! 2. Week by week (days `7w` to `7w + 6` of the plan), the candidate evening sets
//!    are every set of `k` days of the week in lexicographic order, `k` first the
//!    week's number of mask slots, then fewer while no set fits. A set's days, in date
//!    order, take the slots' mask types in order; it fits when each day, placed in
//!    turn, (a) has no mask yet, (b) allows its mask type, (c) has no mask the evening
//!    before or after, (d) keeps its calendar week within the person's weekly mask
//!    budget and the type's own weekly limit, and (e) keeps every 7-day window that
//!    holds it within the most masks any week may have (`window_max`), counting the
//!    masks placed for events and in earlier weeks. One fitting set is chosen
//!    uniformly.
//!
//! (The planner's regular spread holds the budget in every 7-day window; a draw that
//! did so too would leave no choice after the first week, since two masks in every
//! window of seven days fall exactly a week apart. So the draw holds the budget by
//! calendar week, as "1-2 masks a week" reads, and the absolute weekly maximum in
//! every window.)

use serde::{Deserialize, Serialize};

/// The largest seed: every JSON reader keeps a whole number up to 2^53 - 1 exact.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, well-studied generator whose
/// output is fully defined by its seed, so a draw can be re-made anywhere.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The generator from a seed.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0), uniformly: numbers at or above the largest
    /// multiple of `n` are drawn again.
    pub fn below(&mut self, n: u64) -> u64 {
        let n = n.max(1);
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the draw needs, by day of the plan (0-based) and mask type (by index into
/// `types`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Design {
    /// Days in the plan (whole weeks).
    pub days: usize,
    /// Mask type ids.
    pub types: Vec<String>,
    /// Each type's limit in a calendar week of the plan.
    pub type_limits: Vec<u8>,
    /// Masks in a calendar week of the plan, all types together (the person's budget).
    pub per_week: u8,
    /// Masks in any 7-day window, all types together (the absolute weekly maximum).
    pub window_max: u8,
    /// The types of a week's slots, in order (each week the same).
    pub slots: Vec<usize>,
    /// Evenings each type may not go on (by type, sorted days).
    pub barred: Vec<Vec<usize>>,
    /// Masks placed for events before the draw: (day, type).
    pub fixed: Vec<(usize, usize)>,
}

impl Design {
    /// The evenings drawn with `seed`: (day, type), in date order, fixed ones left out.
    pub fn draw(&self, seed: u64) -> Vec<(usize, usize)> {
        let mut rng = SplitMix64::new(seed);
        let mut nights: Vec<Option<usize>> = vec![None; self.days];
        for &(day, kind) in &self.fixed {
            if let Some(night) = nights.get_mut(day) {
                *night = Some(kind);
            }
        }
        let mut drawn = Vec::new();
        let mut subset = Vec::with_capacity(self.slots.len());
        let mut fitting: Vec<Vec<usize>> = Vec::new();
        for week in 0..self.days / 7 {
            let first = week * 7;
            for k in (1..=self.slots.len().min(7)).rev() {
                fitting.clear();
                subset.clear();
                let week = first..(first + 7).min(self.days);
                self.each_subset(week, k, &mut subset, &mut nights, &mut fitting);
                if !fitting.is_empty() {
                    let chosen = &fitting[rng.below(fitting.len() as u64) as usize];
                    for (slot, &day) in chosen.iter().enumerate() {
                        nights[day] = Some(self.slots[slot]);
                        drawn.push((day, self.slots[slot]));
                    }
                    break;
                }
            }
        }
        drawn
    }

    /// Every `k`-set of the days in `days`, in lexicographic order, that fits (placed
    /// on `nights` while it is tried, and taken off again).
    fn each_subset(
        &self,
        days: std::ops::Range<usize>,
        k: usize,
        subset: &mut Vec<usize>,
        nights: &mut [Option<usize>],
        fitting: &mut Vec<Vec<usize>>,
    ) {
        if subset.len() == k {
            fitting.push(subset.clone());
            return;
        }
        for day in days.clone() {
            let kind = self.slots[subset.len()];
            if !self.fits(day, kind, nights) {
                continue;
            }
            nights[day] = Some(kind);
            subset.push(day);
            self.each_subset(day + 1..days.end, k, subset, nights, fitting);
            subset.pop();
            nights[day] = None;
        }
    }

    /// Whether a mask of `kind` fits on the evening of `day`, given the nights so far.
    fn fits(&self, day: usize, kind: usize, nights: &[Option<usize>]) -> bool {
        let mask = |d: usize| nights.get(d).copied().flatten();
        if mask(day).is_some()
            || self.barred[kind].binary_search(&day).is_ok()
            || (day > 0 && mask(day - 1).is_some())
            || mask(day + 1).is_some()
        {
            return false;
        }
        let week = day - day % 7..(day - day % 7 + 7).min(self.days);
        let (mut total, mut same) = (1u8, 1u8);
        for d in week.filter(|d| *d != day) {
            if let Some(other) = mask(d) {
                total += 1;
                same += u8::from(other == kind);
            }
        }
        if total > self.per_week || same > self.type_limits[kind] {
            return false;
        }
        (day.saturating_sub(6)..=day).all(|start| {
            let window = start..(start + 7).min(self.days);
            let others = window.filter(|d| *d != day && mask(*d).is_some()).count();
            others < usize::from(self.window_max)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Design, SplitMix64};

    #[test]
    fn splitmix64_gives_its_published_sequence() {
        // The first outputs for seed 0 of Vigna's reference splitmix64.c (they seed
        // xoshiro256** in its reference code).
        let mut rng = SplitMix64::new(0);
        let first: Vec<u64> = (0..4).map(|_| rng.next_u64()).collect();
        assert_eq!(
            first,
            [
                0xe220_a839_7b1d_cdaf,
                0x6e78_9e6a_a1b9_65f4,
                0x06c4_5d18_8009_454f,
                0xf88b_b8a8_724c_81ec
            ]
        );
        let mut rng = SplitMix64::new(7);
        for n in [1, 2, 3, 7, 21] {
            assert!((0..1000).all(|_| rng.below(n) < n));
        }
    }

    fn design() -> Design {
        Design {
            days: 28,
            types: vec!["clay".into(), "sheet".into()],
            type_limits: vec![1, 2],
            per_week: 2,
            window_max: 3,
            slots: vec![0, 1],
            barred: vec![vec![5], vec![]],
            fixed: vec![(20, 1)],
        }
    }

    #[test]
    fn a_draw_keeps_every_limit_and_the_same_seed_gives_the_same_evenings() {
        let design = design();
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..500 {
            let drawn = design.draw(seed);
            assert_eq!(drawn, design.draw(seed));
            let mut nights: Vec<Option<usize>> = vec![None; 28];
            nights[20] = Some(1);
            for &(day, kind) in &drawn {
                assert!(nights[day].is_none());
                nights[day] = Some(kind);
            }
            for day in 0..27 {
                assert!(
                    nights[day].is_none() || nights[day + 1].is_none(),
                    "two in a row: {drawn:?}"
                );
            }
            for start in 0..22 {
                assert!(nights[start..start + 7].iter().flatten().count() <= 3);
            }
            for week in nights.chunks(7) {
                assert!(week.iter().flatten().count() <= 2);
                assert!(week.iter().flatten().filter(|k| **k == 0).count() <= 1);
            }
            assert!(!drawn.contains(&(5, 0)), "clay is barred on day 5");
            // Every week but the event's has both of its masks.
            for week in [0, 1, 3] {
                assert_eq!(
                    drawn.iter().filter(|(d, _)| d / 7 == week).count(),
                    2,
                    "{drawn:?}"
                );
            }
            seen.insert(drawn);
        }
        assert!(
            seen.len() > 100,
            "the evenings vary with the seed: {}",
            seen.len()
        );
        // And they vary in every week, not only the first.
        for week in 1..4 {
            let patterns: std::collections::BTreeSet<Vec<usize>> = seen
                .iter()
                .map(|d| {
                    d.iter()
                        .filter(|(day, _)| day / 7 == week)
                        .map(|(day, _)| day % 7)
                        .collect()
                })
                .collect();
            assert!(patterns.len() >= 5, "week {week}: {patterns:?}");
        }
    }
}
