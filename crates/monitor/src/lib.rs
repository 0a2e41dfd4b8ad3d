//! qiangke-monitor: is the plan on track? Observations of the plan's indicators (per year, for
//! the city or a county), progress toward the 2025 targets, task updates and overdue
//! milestones, the yearly county assessment (評價和考核), and reports.
//!
//! Pure computation over the pack and the observations given to it; storage and the web come
//! from the service. Indicator values are exact decimals; the only rounding is where a result is
//! shown (percentages to two decimals).

pub mod assess;
pub mod observation;
pub mod progress;
pub mod report;
pub mod tasks;

pub use observation::{Observation, Scope, import_observations};
pub use progress::{Progress, Status, progress};
