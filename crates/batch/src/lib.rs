//! qiangke-batch: population runs over a pack — a flat table of entity-years (CSV or JSON
//! Lines) streamed through the same evaluator as single-entity evaluation, on every core, in
//! bounded memory, into award rows, per-entity totals, an errors report and a budget.
//!
//! It does not decide anything the rules crate does not: every award comes from
//! `qiangke_rules::evaluate`, so a batch run and a single evaluation agree to the fen.

pub mod budget;
pub mod columns;
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
pub use run::{BatchError, BatchOptions, Format, Outputs, Summary, run, run_file};
