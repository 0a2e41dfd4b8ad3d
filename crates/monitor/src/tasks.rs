//! Task monitoring: progress updates per task, the milestones and targets the text sets, overdue
//! detection, and a view per responsible unit (what it leads, what it supports).
//!
//! Updates are CSV: `task,date,unit,text,value` (value optional, against the task's numeric
//! target). A numeric target whose year has passed is *overdue* while the latest value is below
//! it; a dated milestone is *overdue* when its year has passed with no update at all.

use crate::observation::RowError;
use qiangke_i18n::{Lang, Msg};
use qiangke_rules::model::Pack;
use qiangke_rules::value::Date;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub task: usize,
    pub date: Date,
    pub unit: Option<usize>,
    pub text: String,
    pub value: Option<Decimal>,
}

/// Reads updates; any bad row refuses the whole file. Each refusal is located (line and column).
pub fn import_updates(pack: &Pack, text: &str) -> Result<Vec<Update>, Vec<RowError>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let want = ["task", "date", "unit", "text", "value"];
    match rdr.headers() {
        Ok(h) if h.iter().map(str::trim).eq(want) => {}
        _ => return Err(vec![RowError::new(1, "", Msg::new("monitor-import-header").arg("header", want.join(",")))]),
    }
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError::new(
                    e.position().map_or(0, |p| p.line()),
                    "",
                    Msg::new("monitor-import-unreadable-row").arg("error", e),
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| crate::observation::line_at(text, p.byte()));
        let mut bad = |field: &str, message: Msg| errors.push(RowError::new(line, field, message));
        if rec.len() != want.len() {
            bad("", Msg::new("monitor-import-field-count").arg("found", rec.len()).arg("expected", want.len()));
            continue;
        }
        let Some(task) = pack.plan.tasks.iter().position(|t| t.id == rec[0].trim() || t.clause == rec[0].trim()) else {
            bad("task", Msg::new("monitor-task-unknown").arg("text", &rec[0]));
            continue;
        };
        let date = match Date::parse_written(rec[1].trim()) {
            Ok(d) => d,
            Err(m) => {
                bad("date", m);
                continue;
            }
        };
        let unit = if rec[2].trim().is_empty() {
            None
        } else {
            match pack.departments.iter().position(|d| d.matches(rec[2].trim())) {
                Some(u) => Some(u),
                None => {
                    bad("unit", Msg::new("monitor-task-unknown-unit").arg("text", &rec[2]));
                    continue;
                }
            }
        };
        let value = if rec[4].trim().is_empty() {
            None
        } else {
            match qiangke_rules::value::exact_decimal(rec[4].trim()) {
                Ok(v) => Some(v),
                Err(_) => {
                    bad("value", Msg::new("monitor-import-not-number").arg("text", &rec[4]));
                    continue;
                }
            }
        };
        out.push(Update { task, date, unit, text: crate::text_cell(&rec[3]).to_string(), value });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Writes updates as CSV in the import format (so an export imports back unchanged).
pub fn export_updates(pack: &Pack, updates: &[Update]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["task", "date", "unit", "text", "value"]);
    for u in updates {
        let _ = w.write_record([
            pack.plan.tasks[u.task].id.as_str(),
            &u.date.to_string(),
            u.unit.map_or("", |d| pack.departments[d].id.as_str()),
            &crate::formula_safe(&u.text),
            &u.value.map(|v| v.normalize().to_string()).unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct TaskStatus {
    pub task: usize,
    pub latest: Option<Update>,
    /// Descriptions of what is overdue.
    pub overdue: Vec<Msg>,
}

pub fn task_status(pack: &Pack, updates: &[Update], year: i32) -> Vec<TaskStatus> {
    pack.plan
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mine: Vec<&Update> = updates.iter().filter(|u| u.task == i && u.date.year <= year).collect();
            let latest = mine.iter().max_by_key(|u| u.date).map(|u| (*u).clone());
            let latest_value = mine.iter().filter(|u| u.value.is_some()).max_by_key(|u| u.date).and_then(|u| u.value);
            let mut overdue = Vec::new();
            for target in &t.targets {
                let met = latest_value.is_some_and(|v| match target.comparison {
                    qiangke_rules::plan::Comparison::Exactly => v == target.value,
                    _ => v >= target.value,
                });
                if target.year < year && !target.per_year && !met {
                    let m = match latest_value {
                        Some(v) => Msg::new("monitor-overdue-target").arg("latest", v.normalize()),
                        None => Msg::new("monitor-overdue-target-none"),
                    };
                    overdue.push(
                        m.arg("what-zh", target.what.get(Lang::Zh))
                            .arg("what-en", target.what.get(Lang::En))
                            .arg("value", target.value.normalize())
                            .arg("unit", &target.unit)
                            .arg("year", target.year),
                    );
                }
            }
            for m in &t.milestones {
                if m.year < year && !mine.iter().any(|u| u.date.year >= m.year) {
                    overdue.push(
                        Msg::new("monitor-overdue-milestone")
                            .arg("what-zh", m.what.get(Lang::Zh))
                            .arg("what-en", m.what.get(Lang::En))
                            .arg("year", m.year),
                    );
                }
            }
            TaskStatus { task: i, latest, overdue }
        })
        .collect()
}

/// Tasks a department leads and supports (indexes into the plan's tasks).
pub fn by_unit(pack: &Pack, dept: usize) -> (Vec<usize>, Vec<usize>) {
    let mut lead = Vec::new();
    let mut support = Vec::new();
    for (i, t) in pack.plan.tasks.iter().enumerate() {
        if t.lead() == Some(dept) {
            lead.push(i);
        } else if t.units.contains(&dept) {
            support.push(i);
        }
    }
    (lead, support)
}
