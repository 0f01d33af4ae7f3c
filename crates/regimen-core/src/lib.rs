//! regimen's pure core: the knowledge base, profiles, the recommender and scheduler,
//! the FAQ and explanations, the calendar export, check-ins and the personal
//! experiment's statistics.
//!
//! Architecture invariant: this crate does no file or network IO, reads no clock
//! and never panics on user input. Callers hand it text and dates.
#![deny(missing_docs)]

pub mod analyzer;
pub mod ask;
pub mod avoid;
pub mod calendar;
pub mod catalog;
pub mod checkin;
pub mod engine;
pub mod experiment;
pub mod explain;
pub mod knowledge;
pub mod listen;
pub mod options;
pub mod plan;
pub mod profile;
pub mod reading;
pub mod shelf;
pub mod vocab;

pub use engine::Planner;
pub use knowledge::{Knowledge, KnowledgeError};
pub use plan::{Plan, PlanOptions};
pub use profile::{Profile, ProfileError};
pub use reading::Reading;
