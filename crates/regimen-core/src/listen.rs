//! What a plan hears from the person's check-ins: reactions, read by their words (the
//! knowledge base's), and what they point to, the strong actives and strong masks ticked
//! as done that day and the day before (rules reaction_pause, reaction_stop_new). The
//! planner then pauses what they point to and restarts it on the slower ramp, or starts
//! nothing new after an urgent reaction; the plan says which check-ins it read.

use crate::checkin::Checkin;
use crate::knowledge::Knowledge;
use chrono::{Days, NaiveDate};

/// The rules by which a plan says what it heard from the check-ins (the page shows
/// them first).
pub const HEARD_RULES: &[&str] = &[
    "reaction_stop_new",
    "reaction_pause",
    "reaction_prescription",
    "reaction_unknown_cause",
];

/// Something a reaction points to, paused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// A strong family (`retinoid`) or a strong mask type (`exfoliating`), by id.
    pub what: String,
    /// Whether `what` is a mask type.
    pub mask: bool,
    /// The check-in that reported the reaction.
    pub reported: NaiveDate,
    /// Its reaction's words.
    pub words: Vec<String>,
    /// The first day it may go on again.
    pub until: NaiveDate,
}

/// A reaction that points to nothing strong ticked as done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpinned {
    /// The check-in that reported it.
    pub reported: NaiveDate,
    /// Its reaction's words.
    pub words: Vec<String>,
    /// The entries ticked as done that day and the days it looks back to ("treatment",
    /// "serum:niacinamide"): the plan tells a prescription among them by its step.
    pub ticked: Vec<String>,
}

/// What the check-ins said, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heard {
    /// How many check-ins were read.
    pub read: usize,
    /// The first check-in's date.
    pub first: Option<NaiveDate>,
    /// The last check-in's date.
    pub last: Option<NaiveDate>,
    /// What the reactions paused, one entry per thing (the latest reaction's).
    pub pauses: Vec<Pause>,
    /// Reactions that pointed to nothing strong ticked as done.
    pub unexplained: Vec<Unpinned>,
    /// The first urgent reaction (swelling, trouble breathing), with its words.
    pub urgent: Option<(NaiveDate, Vec<String>)>,
}

impl Heard {
    /// Reads check-ins (any order; two of one date are both read).
    pub fn of(knowledge: &Knowledge, checkins: &[Checkin]) -> Heard {
        let limits = &knowledge.limits;
        let mut heard = Heard {
            read: checkins.len(),
            first: checkins.iter().map(|c| c.date.0).min(),
            last: checkins.iter().map(|c| c.date.0).max(),
            ..Heard::default()
        };
        let mut dated: Vec<&Checkin> = checkins.iter().collect();
        dated.sort_by_key(|c| c.date.0);
        for checkin in &dated {
            let said = |list: &[String]| said(&checkin.reactions, list);
            let urgent = said(&limits.reaction_urgent_words);
            if !urgent.is_empty() && heard.urgent.is_none() {
                heard.urgent = Some((checkin.date.0, urgent));
            }
            let words = said(&limits.reaction_words);
            if words.is_empty() {
                continue;
            }
            let back = u64::from(limits.reaction_look_back_days.max(1)) - 1;
            let from = checkin.date.0 - Days::new(back);
            let mut pointed: Vec<(String, bool)> = Vec::new();
            let mut ticked: Vec<String> = Vec::new();
            for earlier in dated
                .iter()
                .filter(|c| c.date.0 >= from && c.date.0 <= checkin.date.0)
            {
                for key in earlier.am_done.iter().chain(&earlier.pm_done) {
                    match strong_thing(knowledge, key) {
                        Some(thing) if !pointed.contains(&thing) => pointed.push(thing),
                        Some(_) => {}
                        None if !ticked.contains(key) => ticked.push(key.clone()),
                        None => {}
                    }
                }
            }
            if pointed.is_empty() {
                heard.unexplained.push(Unpinned {
                    reported: checkin.date.0,
                    words,
                    ticked,
                });
                continue;
            }
            let until = checkin.date.0 + Days::new(u64::from(limits.reaction_pause_days));
            for (what, mask) in pointed {
                heard.pauses.retain(|p| p.what != what);
                heard.pauses.push(Pause {
                    what,
                    mask,
                    reported: checkin.date.0,
                    words: words.clone(),
                    until,
                });
            }
        }
        heard
    }

    /// The check-ins a plan needs to hear again what these said: those with a reaction,
    /// and those whose ticks a reaction looks back to.
    pub fn kept(knowledge: &Knowledge, checkins: &[Checkin]) -> Vec<Checkin> {
        let limits = &knowledge.limits;
        let reacted: Vec<NaiveDate> = checkins
            .iter()
            .filter(|c| {
                !said(&c.reactions, &limits.reaction_words).is_empty()
                    || !said(&c.reactions, &limits.reaction_urgent_words).is_empty()
            })
            .map(|c| c.date.0)
            .collect();
        let back = u64::from(limits.reaction_look_back_days.max(1)) - 1;
        let mut kept: Vec<Checkin> = checkins
            .iter()
            .filter(|c| {
                reacted
                    .iter()
                    .any(|r| c.date.0 <= *r && c.date.0 + Days::new(back) >= *r)
            })
            .cloned()
            .collect();
        kept.sort_by_key(|c| c.date.0);
        kept
    }

    /// The pause of a family, if one holds.
    pub fn family_pause(&self, family: &str) -> Option<&Pause> {
        self.pauses.iter().find(|p| !p.mask && p.what == family)
    }

    /// The pause of a mask type, if one holds.
    pub fn mask_pause(&self, mask_type: &str) -> Option<&Pause> {
        self.pauses.iter().find(|p| p.mask && p.what == mask_type)
    }
}

/// The reactions of a check-in that have one of these words, each once.
fn said(reactions: &[String], list: &[String]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for reaction in reactions {
        let lower = reaction.to_lowercase();
        let has = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| list.iter().any(|l| l == w));
        if has && !found.contains(reaction) {
            found.push(reaction.clone());
        }
    }
    found
}

/// The strong family or strong mask type a ticked entry ("serum:retinol", "mask:peel")
/// puts on the skin, if any.
fn strong_thing(knowledge: &Knowledge, key: &str) -> Option<(String, bool)> {
    let (step, what) = key.split_once(':')?;
    if step == "mask" {
        let mask = knowledge.mask_type(what)?;
        let strong = knowledge
            .limits
            .strong_mask_tags
            .iter()
            .any(|t| mask.has_tag(t));
        return strong.then(|| (mask.id.clone(), true));
    }
    let active = knowledge.active(what)?;
    knowledge
        .family(&active.family)
        .filter(|f| f.strong)
        .map(|f| (f.id.clone(), false))
}
