//! qiangke-rules: the rule language of qiangke — load a pack (plan encoded as text), validate facts
//! against its vocabulary, evaluate exactly and explain every yuan with the sentence it comes from.
//!
//! This crate does no network, database or clock access: the claim years are inputs, and the only
//! IO is reading a pack folder in [`load_pack`]. The pipeline is
//! `syntax` (lexer, parser) → `resolve` (names, types) → `pack` (checked model) → `eval` → `explain`.
//!
//! ```
//! use qiangke_rules::{load_pack, load_facts, evaluate, Options, State};
//! let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
//! let pack = load_pack(&dir).expect("the Wuwei pack loads");
//! let facts = load_facts(&pack, "f.json", r#"{
//!   "entity": {"id": "E1", "kind": "enterprise", "above_scale": true},
//!   "years": {"2023": {"rd_expenditure": "1500万元", "super_deduction_amount": "30万元"}}
//! }"#).expect("valid facts");
//! let ev = evaluate(&pack, &facts, &Options { years: vec![2023], trace: true, ..Options::default() });
//! let r = ev.results.iter().find(|r| r.rule.id == "rd-spend-tiers").unwrap();
//! assert_eq!(r.state, State::Awarded { low: 200_000.into(), high: 200_000.into() });
//! assert_eq!(r.budget_year, Some(2024));
//! ```

pub mod cases;
pub mod coverage;
pub mod diag;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod identity;
pub mod ladder;
pub mod model;
pub mod pack;
pub mod plan;
pub mod resolve;
pub mod script;
pub mod standard;
pub mod syntax;
pub mod textfile;
pub mod tree;
pub mod uscc;
pub mod value;

pub use diag::{Diagnostic, Report, SourceMap, Span};
pub use eval::{Evaluation, Options, Reason, RuleResult, State, Step, evaluate};
pub use facts::{Facts, load_facts};
pub use model::{Lang, Pack};
pub use pack::{load_pack, load_pack_files, read_pack_files};
pub use rust_decimal::Decimal;
