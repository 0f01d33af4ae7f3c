//! The planner: from a profile and the knowledge base to a dated plan.
//!
//! [`Planner`] is the one front door: it reads the profile (the avoid list and shelf,
//! with the ingredient analyzer when they need it) and runs the stages, each a room
//! that reads the one before and none calls back:
//!
//! 1. `context`: the [`Planning`](context::Planning) of one plan, built once (the
//!    knowledge, the person, their needs and time, what was read of their shelf).
//! 2. `choose`: the approach, the mask types and the serum actives, with their reasons,
//!    and which of the person's products do which part: a `Choices`.
//! 3. `pace` and `schedule`: the dated mornings and evenings, new strong actives one at
//!    a time; every routine admits what goes in it under the same rules.
//! 4. `advise` and `report`: the advice that holds for the whole plan, what became of
//!    each product, and the [`Plan`].
//!
//! `safety` is the gate every stage asks whether something may go on the skin. Every
//! fact comes from the knowledge base; what the engine decides in code is only how to
//! combine them.

mod advise;
mod choices;
mod choose;
mod context;
mod pace;
mod report;
mod safety;
mod schedule;

pub use safety::{judge, plan_clashes, Clash, Prescription, Refusal, Verdict};

use crate::analyzer::lexicon::LexiconError;
use crate::analyzer::Analyzer;
use crate::knowledge::Knowledge;
use crate::options::PlanOptions;
use crate::plan::{Plan, Warnings};
use crate::profile::Profile;
use crate::reading::Reading;
use std::sync::{Arc, OnceLock};

/// The planner's front door, for the CLI, the API, the pages and the simulations: it
/// reads a profile and plans. The ingredient analyzer is built the first time a profile
/// needs it (an avoid list or a shelf), once, in the cell the caller keeps.
#[derive(Clone, Copy)]
pub struct Planner<'k> {
    knowledge: &'k Knowledge,
    analyzer: &'k OnceLock<Arc<Analyzer>>,
}

impl<'k> Planner<'k> {
    /// A planner over a knowledge base; the analyzer is the one in `analyzer`, or the
    /// built-in dictionary's, built there when first needed.
    pub fn new(knowledge: &'k Knowledge, analyzer: &'k OnceLock<Arc<Analyzer>>) -> Planner<'k> {
        Planner {
            knowledge,
            analyzer,
        }
    }

    /// The knowledge base.
    pub fn knowledge(&self) -> &'k Knowledge {
        self.knowledge
    }

    /// The ingredient analyzer, built on first use.
    pub fn analyzer(&self) -> Result<&'k Analyzer, LexiconError> {
        if let Some(analyzer) = self.analyzer.get() {
            return Ok(analyzer);
        }
        let built = Arc::new(Analyzer::builtin(self.knowledge)?);
        Ok(self.analyzer.get_or_init(|| built))
    }

    /// Reads a profile: its avoid list and its shelf, analysed.
    pub fn read(&self, profile: &Profile) -> Result<Reading, LexiconError> {
        let analyzer = if Reading::needs_analyzer(profile) {
            Some(self.analyzer()?)
        } else {
            None
        };
        Ok(Reading::of(self.knowledge, analyzer, profile)
            .expect("the analyzer is given to every profile that needs it"))
    }

    /// The plan for one person.
    pub fn plan(&self, profile: &Profile, options: &PlanOptions) -> Result<Plan<'k>, LexiconError> {
        Ok(self.plan_read(&self.read(profile)?, options))
    }

    /// The plan for a profile already read ([`Planner::read`]), for callers that keep
    /// the reading (a shelf analysed once, many plans).
    pub fn plan_read(&self, reading: &Reading, options: &PlanOptions) -> Plan<'k> {
        make_plan(self.knowledge, reading, options)
    }
}

/// The stages, in order.
fn make_plan<'k>(knowledge: &'k Knowledge, reading: &Reading, options: &PlanOptions) -> Plan<'k> {
    let mut warnings = Warnings::default();
    let planning = context::Planning::new(knowledge, reading, options, &mut warnings);
    let choices = choose::choose(&planning, &mut warnings);
    let paced = pace::schedule(&planning, &choices, &mut warnings);
    advise::assemble(&planning, choices, paced, warnings)
}
