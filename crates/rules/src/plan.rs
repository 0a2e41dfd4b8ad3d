//! The plan beyond its money rules: the indicator table, further numeric targets, the tasks with
//! their responsible units, the 专栏 boxes, and the clause register (what of the plan is encoded,
//! and why the rest is not).
//!
//! These are loaded and checked with the pack (every quote verbatim, every unit a declared
//! department, every reference resolved); monitoring progress against them is a later stage.

use crate::model::Text;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// 综合指标
    Composite,
    /// 投入指标
    Input,
    /// 产出指标
    Output,
}

/// How a target is to be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    /// 以上, 不低于, 不少于: the value or more.
    AtLeast,
    /// 达到, 力争, 新增 …: reach the value.
    Reach,
    /// A count with no qualifier.
    Exactly,
}

/// A row of the indicator table (二、主要目标).
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub id: String,
    pub number: u32,
    pub category: Category,
    /// The name as printed in the table.
    pub name: String,
    pub title: Text,
    /// As printed ("" where the table prints none).
    pub unit: String,
    pub unit_en: String,
    /// Our reading in Chinese where the table prints no unit (the note on the indicator says why).
    pub unit_zh: String,
    pub baseline: Option<Decimal>,
    /// 2021, or 2020 for figures marked `*`.
    pub baseline_year: i32,
    pub target_2022: Option<Decimal>,
    pub target_2025: Option<Decimal>,
    /// Indexes into the pack's notes.
    pub notes: Vec<usize>,
    /// Indexes of the rules whose awards serve this indicator.
    pub rules: Vec<usize>,
}

/// A numeric target stated in the text.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: String,
    pub clause: String,
    /// The 专栏 box it is printed in, if any.
    pub box_number: Option<u32>,
    pub quote: String,
    pub title: Text,
    pub value: Decimal,
    pub unit: String,
    pub unit_en: String,
    pub year: i32,
    pub per_year: bool,
    pub comparison: Comparison,
    /// Index of the table indicator it restates or refines.
    pub indicator: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskGroup {
    pub clause: String,
    pub quote: String,
    pub title: Text,
}

/// A quantitative target inside a task or a box item.
#[derive(Debug, Clone, Serialize)]
pub struct TaskTarget {
    pub quote: String,
    pub what: Text,
    pub value: Decimal,
    pub unit: String,
    pub year: i32,
    pub per_year: bool,
    pub comparison: Comparison,
}

/// A dated commitment that is not a number (2022年启动, 2023年建成).
#[derive(Debug, Clone, Serialize)]
pub struct Milestone {
    pub quote: String,
    pub what: Text,
    pub year: i32,
}

/// One of the 22 tasks of 三、重点任务.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: String,
    pub clause: String,
    pub quote: String,
    pub title: Text,
    /// Responsible units as department indexes, in printed order: the first leads.
    pub units: Vec<usize>,
    pub units_quote: String,
    pub boxes: Vec<u32>,
    pub targets: Vec<TaskTarget>,
    pub milestones: Vec<Milestone>,
}

impl Task {
    pub fn lead(&self) -> Option<usize> {
        self.units.first().copied()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BoxItem {
    pub number: u32,
    pub quote: String,
    pub what: Text,
    pub targets: Vec<TaskTarget>,
}

/// A 专栏 box.
#[derive(Debug, Clone, Serialize)]
pub struct PlanBox {
    pub number: u32,
    /// Index of the task it is printed after.
    pub after_task: usize,
    pub quote: String,
    pub title: Text,
    pub items: Vec<BoxItem>,
}

/// How the pack accounts for a clause of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClauseStatus {
    /// Encoded as rules.
    Encoded,
    /// States targets (recorded as such), not awards.
    Target,
    /// Nothing to compute (a procedure, a principle, an exemption), with the reason.
    NotComputable,
}

/// One entry of the clause register.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseEntry {
    pub clause: String,
    pub status: ClauseStatus,
    /// Rule indexes (for encoded clauses).
    pub rules: Vec<usize>,
    /// Target indexes (for target clauses).
    pub targets: Vec<usize>,
    /// A sentence of the source the entry accounts for (money sentences outside 四).
    pub quote: Option<String>,
    pub reason: Option<Text>,
}

/// Everything of the plan that is not a money rule.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub indicators: Vec<Indicator>,
    pub targets: Vec<Target>,
    pub groups: Vec<TaskGroup>,
    pub tasks: Vec<Task>,
    pub boxes: Vec<PlanBox>,
    pub register: Vec<ClauseEntry>,
}
