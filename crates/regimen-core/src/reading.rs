//! What the planner reads from a profile with the ingredient analyzer, once: the avoid
//! list and what it leaves out, and the shelf, analysed.
//!
//! A `Reading` is built only by [`Reading::of`] (the planner's front door calls it), and
//! it keeps the profile it was read from, so no plan can pair a profile with an empty or
//! another profile's reading.

use crate::analyzer::Analyzer;
use crate::avoid::AvoidList;
use crate::checkin::Checkin;
use crate::knowledge::Knowledge;
use crate::listen::Heard;
use crate::profile::Profile;
use crate::shelf::ShelfProduct;

/// A profile with its avoid list and shelf read.
#[derive(Debug, Clone)]
pub struct Reading {
    profile: Profile,
    avoid: AvoidList,
    shelf: Vec<ShelfProduct>,
    /// Planner actives the avoid list leaves out: (active id, entry).
    avoided_actives: Vec<(String, String)>,
    /// Mask types the avoid list leaves out: (mask type id, entry).
    avoided_masks: Vec<(String, String)>,
    /// What the person's check-ins said.
    heard: Heard,
}

/// Reading this profile needs the ingredient analyzer, and none was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsAnalyzer;

impl Reading {
    /// Whether reading this profile needs the ingredient analyzer: only an avoid list or
    /// a shelf does.
    pub fn needs_analyzer(profile: &Profile) -> bool {
        !profile.avoid.is_empty() || !profile.shelf.is_empty()
    }

    /// Reads a profile's avoid list and shelf; `analyzer` may be `None` only for a
    /// profile that has neither.
    pub fn of(
        knowledge: &Knowledge,
        analyzer: Option<&Analyzer>,
        profile: &Profile,
    ) -> Result<Reading, NeedsAnalyzer> {
        let profile = &knowledge.as_planned(&with_unique_names(profile));
        let Some(analyzer) = analyzer else {
            if Reading::needs_analyzer(profile) {
                return Err(NeedsAnalyzer);
            }
            return Ok(Reading {
                profile: profile.clone(),
                avoid: AvoidList::default(),
                shelf: Vec::new(),
                avoided_actives: Vec::new(),
                avoided_masks: Vec::new(),
                heard: Heard::default(),
            });
        };
        let avoid = AvoidList::parse(knowledge, analyzer, &profile.avoid);
        let shelf = crate::shelf::analyze_shelf(knowledge, analyzer, profile, &avoid);
        let avoided_actives = knowledge
            .actives
            .iter()
            .filter_map(|a| {
                avoid
                    .active_entry(analyzer.lexicon(), a)
                    .map(|e| (a.id.clone(), e.to_string()))
            })
            .collect();
        let avoided_masks = knowledge
            .mask_types
            .iter()
            .filter_map(|m| avoid.mask_entry(m).map(|e| (m.id.clone(), e.to_string())))
            .collect();
        Ok(Reading {
            profile: profile.clone(),
            avoid,
            shelf,
            avoided_actives,
            avoided_masks,
            heard: Heard::default(),
        })
    }

    /// The reading with the person's check-ins read too: the plan listens to them
    /// (reactions pause what they point to).
    pub fn with_checkins(mut self, knowledge: &Knowledge, checkins: &[Checkin]) -> Reading {
        self.heard = Heard::of(knowledge, checkins);
        self
    }

    /// What the check-ins said (nothing, without them).
    pub fn heard(&self) -> &Heard {
        &self.heard
    }

    /// The profile it was read from.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The avoid list, read.
    pub fn avoid(&self) -> &AvoidList {
        &self.avoid
    }

    /// The shelf, analysed, in the profile's order.
    pub fn shelf(&self) -> &[ShelfProduct] {
        &self.shelf
    }

    /// The entry that leaves out a planner active, if any.
    pub fn active_avoided(&self, id: &str) -> Option<&str> {
        self.avoided_actives
            .iter()
            .find(|(a, _)| a == id)
            .map(|(_, e)| e.as_str())
    }

    /// The entry that leaves out a mask type, if any.
    pub fn mask_avoided(&self, id: &str) -> Option<&str> {
        self.avoided_masks
            .iter()
            .find(|(m, _)| m == id)
            .map(|(_, e)| e.as_str())
    }
}

/// The profile with each product of its shelf under a name of its own: a plan names the
/// products it uses, so a second "Night Cream" is "Night Cream (2)".
fn with_unique_names(profile: &Profile) -> Profile {
    let mut profile = profile.clone();
    let mut seen: Vec<String> = Vec::new();
    for item in &mut profile.shelf {
        let mut name = item.name.clone();
        let mut n = 1;
        while seen.contains(&name) {
            n += 1;
            name = format!("{} ({n})", item.name);
        }
        seen.push(name.clone());
        item.name = name;
    }
    profile
}
