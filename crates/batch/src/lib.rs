//! qiangke-batch: population runs over a pack — a flat table of entity-years (CSV or JSON
//! Lines) streamed through the same evaluator as single-entity evaluation, on every core, in
//! bounded memory, into award rows, per-entity totals, an errors report and a budget.
//!
//! It does not decide anything the rules crate does not. Awards come from the pack compiled for
//! population runs (`qiangke_lower::compiled`), which is held equal to `qiangke_rules::evaluate`
//! on every pack case and on generated populations, or, with [`Evaluator::Interpreter`], from the
//! interpreter itself: a batch run and a single evaluation agree to the fen.

pub mod budget;
pub mod columns;
mod fast;
pub mod flat;
#[cfg(feature = "parquet")]
pub mod parquet_io;
pub mod rows;
pub mod run;
pub mod synth;
pub mod template;
pub mod whatif;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use budget::Budget;
pub use run::{BatchError, BatchOptions, Evaluator, Format, Outputs, Summary, run, run_file};
