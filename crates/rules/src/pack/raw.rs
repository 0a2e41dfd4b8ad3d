//! Raw TOML shapes of pack files, exactly as deserialized (with spans). Nothing here is checked;
//! the loader turns these into the model.

use crate::model::Text;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawText {
    pub(super) zh: String,
    pub(super) en: String,
}

impl From<RawText> for Text {
    fn from(t: RawText) -> Text {
        Text { zh: t.zh, en: t.en }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNamed {
    pub(super) id: Spanned<String>,
    pub(super) zh: String,
    pub(super) en: String,
    #[serde(default)]
    pub(super) aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDepartments {
    #[serde(default)]
    pub(super) department: Vec<RawNamed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEnum {
    pub(super) name: Spanned<String>,
    pub(super) variants: Vec<RawNamed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawManifest {
    pub(super) id: Spanned<String>,
    pub(super) version: String,
    pub(super) title: RawText,
    pub(super) source: Spanned<String>,
    pub(super) valid_from: Spanned<String>,
    pub(super) valid_until: Spanned<String>,
    pub(super) applicant_enum: Spanned<String>,
    pub(super) county_enum: Spanned<String>,
    #[serde(default)]
    pub(super) departments: Vec<RawNamed>,
    #[serde(default)]
    pub(super) enums: Vec<RawEnum>,
    #[serde(default)]
    pub(super) decisions: Option<RawDecisions>,
    #[serde(default)]
    pub(super) publication: Option<RawPublication>,
    /// Why the pack's figures are provisional (its source is not the official text), shown with
    /// every result; absent: the source is the official text.
    #[serde(default)]
    pub(super) provisional: Option<RawText>,
}

/// 公示 before payment: the bureau's practice (see `Publication` in the model).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPublication {
    pub(super) required: bool,
    pub(super) working_days: Spanned<i64>,
    /// The department that publishes.
    pub(super) publisher: Spanned<String>,
    /// Weekdays off (放假), `YYYY-MM-DD`.
    #[serde(default)]
    pub(super) holidays: Vec<Spanned<String>>,
    /// Weekend days worked (调休上班), `YYYY-MM-DD`.
    #[serde(default)]
    pub(super) working_weekends: Vec<Spanned<String>>,
    pub(super) note: Spanned<String>,
}

/// How decisions on amounts the plan leaves open are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDecisions {
    /// An award bounded only from below (不低于): a decision above this many times its floor needs
    /// a second approval by another person.
    pub(super) second_approval_above_floor_times: Spanned<String>,
    /// The interpretation note that says why.
    pub(super) note: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    pub(super) name: Spanned<String>,
    pub(super) r#type: Spanned<String>,
    pub(super) zh: String,
    pub(super) en: String,
    /// The departments whose records the fact comes from (attributes and yearly figures).
    #[serde(default)]
    pub(super) supplied_by: Vec<Spanned<String>>,
    /// The fact must be given (`true`), or must be given when a condition over the event's own
    /// fields holds (`required_when`, event fields only).
    #[serde(default)]
    pub(super) required: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) required_when: Option<Spanned<String>>,
    /// `"every-year"` on a yearly figure: it may also be written under `entity` for every year.
    #[serde(default)]
    pub(super) attribute_shorthand: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub(super) name: Spanned<String>,
    pub(super) zh: String,
    pub(super) en: String,
    #[serde(default)]
    pub(super) fields: Vec<RawField>,
    /// The departments whose records the event comes from.
    #[serde(default)]
    pub(super) supplied_by: Vec<Spanned<String>>,
}

impl RawEvent {
    pub(super) fn title(&self) -> Text {
        Text { zh: self.zh.clone(), en: self.en.clone() }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVocab {
    #[serde(default)]
    pub(super) attribute: Vec<RawField>,
    #[serde(default)]
    pub(super) yearly: Vec<RawField>,
    #[serde(default)]
    pub(super) event: Vec<RawEvent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNote {
    pub(super) id: Spanned<String>,
    pub(super) clause: Spanned<String>,
    pub(super) question: RawText,
    pub(super) options: Vec<String>,
    pub(super) choice: RawText,
    pub(super) reason: RawText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNotes {
    #[serde(default)]
    pub(super) note: Vec<RawNote>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) id: Spanned<String>,
    #[serde(default)]
    pub(super) kind: Option<Spanned<String>>,
    pub(super) clause: Spanned<String>,
    pub(super) quote: Spanned<String>,
    #[serde(default)]
    pub(super) procedure_quote: Option<Spanned<String>>,
    pub(super) title: RawText,
    #[serde(default)]
    pub(super) applicants: Vec<Spanned<String>>,
    pub(super) trigger: Spanned<String>,
    #[serde(default)]
    pub(super) when: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) guard: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) amount: Option<Spanned<String>>,
    pub(super) once: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) budget_year: Option<Spanned<String>>,
    pub(super) verified_by: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) paid_by: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) notes: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) valid_from: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) valid_until: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) requires: Option<RawRequires>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequires {
    pub(super) rule: Spanned<String>,
    pub(super) key: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverlap {
    pub(super) prefer: Spanned<String>,
    pub(super) note: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBand {
    #[serde(default)]
    pub(super) from: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) to: Option<Spanned<String>>,
    pub(super) amount: Spanned<String>,
    /// The top of the amount where the text gives a range (`7-8分`): `amount` is the bottom.
    #[serde(default)]
    pub(super) high: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTiers {
    pub(super) id: Spanned<String>,
    #[serde(default)]
    pub(super) overlap: Option<RawOverlap>,
    pub(super) bands: Vec<RawBand>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBracket {
    #[serde(default)]
    pub(super) upto: Option<Spanned<String>>,
    pub(super) rate: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBrackets {
    pub(super) id: Spanned<String>,
    pub(super) brackets: Vec<RawBracket>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDerive {
    pub(super) id: Spanned<String>,
    pub(super) clause: Spanned<String>,
    pub(super) quote: Spanned<String>,
    pub(super) title: RawText,
    pub(super) from: Spanned<String>,
    pub(super) when: Spanned<String>,
    pub(super) emit: Spanned<String>,
    #[serde(default)]
    pub(super) set: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    pub(super) notes: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRuleFile {
    #[serde(default)]
    pub(super) rule: Vec<RawRule>,
    #[serde(default)]
    pub(super) tiers: Vec<RawTiers>,
    #[serde(default)]
    pub(super) brackets: Vec<RawBrackets>,
    #[serde(default)]
    pub(super) derive: Vec<RawDerive>,
    #[serde(default)]
    pub(super) standard: Vec<RawStandard>,
}

/// A standard: conditions, a score with its pass mark, routes that stand in for the score.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStandard {
    pub(super) id: Spanned<String>,
    pub(super) clause: Spanned<String>,
    pub(super) quote: Spanned<String>,
    pub(super) title: RawText,
    #[serde(default)]
    pub(super) all: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) score: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) pass: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) with_score: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) routes: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) whole_points: bool,
    #[serde(default)]
    pub(super) notes: Vec<Spanned<String>>,
}

// ---------------------------------------------------------------- plan data

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    pub(super) id: Spanned<String>,
    pub(super) number: u32,
    pub(super) category: Spanned<String>,
    pub(super) name: Spanned<String>,
    pub(super) title: RawText,
    pub(super) unit: String,
    pub(super) unit_en: String,
    /// Our reading of the unit in Chinese, where the table prints none.
    #[serde(default)]
    pub(super) unit_zh: String,
    #[serde(default)]
    pub(super) baseline: Option<Spanned<String>>,
    pub(super) baseline_year: Spanned<i32>,
    #[serde(default)]
    pub(super) target_2022: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) target_2025: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) notes: Vec<Spanned<String>>,
    /// Rules whose awards serve this indicator.
    #[serde(default)]
    pub(super) rules: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTarget {
    pub(super) id: Spanned<String>,
    pub(super) clause: Spanned<String>,
    #[serde(default, rename = "box")]
    pub(super) box_number: Option<u32>,
    pub(super) quote: Spanned<String>,
    pub(super) title: RawText,
    pub(super) value: Spanned<String>,
    pub(super) unit: String,
    pub(super) unit_en: String,
    pub(super) year: Spanned<i32>,
    #[serde(default)]
    pub(super) per_year: bool,
    pub(super) comparison: Spanned<String>,
    #[serde(default)]
    pub(super) indicator: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicatorFile {
    #[serde(default)]
    pub(super) indicator: Vec<RawIndicator>,
    #[serde(default)]
    pub(super) target: Vec<RawTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub(super) clause: Spanned<String>,
    pub(super) quote: Spanned<String>,
    pub(super) title: RawText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaskTarget {
    pub(super) quote: Spanned<String>,
    pub(super) what: RawText,
    pub(super) value: Spanned<String>,
    pub(super) unit: String,
    pub(super) year: Spanned<i32>,
    #[serde(default)]
    pub(super) per_year: bool,
    pub(super) comparison: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMilestone {
    pub(super) quote: Spanned<String>,
    pub(super) what: RawText,
    pub(super) year: Spanned<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTask {
    pub(super) id: Spanned<String>,
    pub(super) clause: Spanned<String>,
    pub(super) quote: Spanned<String>,
    pub(super) title: RawText,
    pub(super) units: Vec<Spanned<String>>,
    pub(super) units_quote: Spanned<String>,
    #[serde(default)]
    pub(super) boxes: Vec<u32>,
    #[serde(default)]
    pub(super) targets: Vec<RawTaskTarget>,
    #[serde(default)]
    pub(super) milestones: Vec<RawMilestone>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBoxItem {
    pub(super) number: u32,
    pub(super) quote: Spanned<String>,
    pub(super) what: RawText,
    #[serde(default)]
    pub(super) targets: Vec<RawTaskTarget>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBox {
    pub(super) number: Spanned<u32>,
    pub(super) after_task: Spanned<String>,
    pub(super) quote: Spanned<String>,
    pub(super) title: RawText,
    #[serde(default)]
    pub(super) items: Vec<RawBoxItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTaskFile {
    #[serde(default)]
    pub(super) group: Vec<RawGroup>,
    #[serde(default)]
    pub(super) task: Vec<RawTask>,
    #[serde(default, rename = "box")]
    pub(super) boxes: Vec<RawBox>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawClause {
    pub(super) clause: Spanned<String>,
    pub(super) status: Spanned<String>,
    #[serde(default)]
    pub(super) rules: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) targets: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) quote: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) reason: Option<RawText>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCoverage {
    #[serde(default)]
    pub(super) clause: Vec<RawClause>,
}
