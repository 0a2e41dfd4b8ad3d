//! A checked pack lowered to engines other than the interpreter of `qiangke-rules`, which stays
//! the reference and the source of every explanation. The language crate knows nothing of them:
//! each lowering reads the resolved rules (`qiangke_rules::resolve`) and the model, nothing else.
//!
//! - [`compiled`] — the pack as closures over flat slots, for population runs (awards only).
//! - [`population`] — a population held columnar in memory, for what-if sweeps over [`compiled`].
//! - [`sql`] — the pack as one SQL query (PostgreSQL, Spark SQL) over the flat batch layout.

pub mod compiled;
pub mod population;
pub mod sql;
