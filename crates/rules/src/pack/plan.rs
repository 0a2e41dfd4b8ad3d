//! Loading the plan data: `indicators.toml` (indicators and targets), `tasks.toml` (groups,
//! tasks, boxes) and `coverage.toml` (the clause register), with the same checks as rules:
//! verbatim quotes, clause syntax, declared departments and notes, resolved references.

use super::loader::Loader;
use super::raw::*;
use super::span;
use crate::diag::{FileId, did_you_mean};
use crate::model::{Named, Note, Rule};
use crate::plan::*;
use qiangke_i18n::Msg;
use rust_decimal::Decimal;
use std::collections::HashSet;
use toml::Spanned;

/// What the plan loader needs from the rest of the pack.
pub(super) struct Ctx<'a> {
    pub(super) source: &'a str,
    pub(super) departments: &'a [Named],
    pub(super) notes: &'a [Note],
    pub(super) rules: &'a [Rule],
    /// The rules loaded cleanly; otherwise references to them are not checked (they would only
    /// repeat the rules' own errors).
    pub(super) rules_ok: bool,
}

impl Loader {
    fn number(&mut self, f: FileId, s: &Spanned<String>) -> Option<Decimal> {
        match crate::value::exact_decimal(s.get_ref()) {
            Ok(d) => Some(d),
            Err(_) => {
                self.diags.push(
                    self.err("E043", f, s.span(), Msg::new("e-not-a-number").arg("text", s.get_ref()))
                        .with_hint(Msg::new("e-hint-figures")),
                );
                None
            }
        }
    }

    fn year(&mut self, f: FileId, y: &Spanned<i32>) -> i32 {
        let v = *y.get_ref();
        if !(2000..=2100).contains(&v) {
            self.diags.push(self.err("E040", f, y.span(), Msg::new("e-implausible-year").arg("year", v)));
        }
        v
    }

    fn comparison(&mut self, f: FileId, s: &Spanned<String>) -> Comparison {
        match s.get_ref().as_str() {
            "at-least" => Comparison::AtLeast,
            "reach" => Comparison::Reach,
            "exactly" => Comparison::Exactly,
            other => {
                self.diags.push(self.err("E033", f, s.span(), Msg::new("e-comparison").arg("text", other)));
                Comparison::Exactly
            }
        }
    }

    fn unique(&mut self, f: FileId, seen: &mut HashSet<String>, id: &Spanned<String>, what: &str) {
        if !seen.insert(id.get_ref().clone()) {
            self.diags.push(self.err("E011", f, id.span(), Msg::new("e-declared-twice").arg("kind", what).arg("name", id.get_ref())));
        }
    }

    fn note_ref(&mut self, f: FileId, s: &Spanned<String>, notes: &[Note]) -> Option<usize> {
        let i = notes.iter().position(|n| n.id == *s.get_ref());
        if i.is_none() {
            let d = self.err("E013", f, s.span(), Msg::new("e-unknown-note").arg("name", s.get_ref()));
            self.diags.push(match did_you_mean(s.get_ref(), notes.iter().map(|n| n.id.as_str())) {
                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                None => d,
            });
        }
        i
    }

    /// A rule named by id, or a diagnostic with a suggestion.
    fn rule_ref(&mut self, f: FileId, id: &Spanned<String>, rules: &[Rule]) -> Option<usize> {
        let i = rules.iter().position(|x| x.id == *id.get_ref());
        if i.is_none() {
            let d = self.err("E021", f, id.span(), Msg::new("e-unknown-rule").arg("name", id.get_ref()));
            self.diags.push(match did_you_mean(id.get_ref(), rules.iter().map(|x| x.id.as_str())) {
                Some(m) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", m)),
                None => d,
            });
        }
        i
    }

    fn task_target(&mut self, f: FileId, t: &RawTaskTarget, c: &Ctx<'_>) -> Option<TaskTarget> {
        self.quote(f, &t.quote, c.source);
        let value = self.number(f, &t.value)?;
        Some(TaskTarget {
            quote: t.quote.get_ref().clone(),
            what: t.what.clone().into(),
            value,
            unit: t.unit.clone(),
            year: self.year(f, &t.year),
            per_year: t.per_year,
            comparison: self.comparison(f, &t.comparison),
        })
    }

    pub(super) fn indicators(&mut self, f: FileId, raw: &RawIndicatorFile, c: &Ctx<'_>, plan: &mut Plan) {
        let mut seen = HashSet::new();
        for r in &raw.indicator {
            self.unique(f, &mut seen, &r.id, "indicator");
            self.quote(f, &r.name, c.source);
            let category = match r.category.get_ref().as_str() {
                "composite" => Category::Composite,
                "input" => Category::Input,
                "output" => Category::Output,
                other => {
                    self.diags.push(self.err("E033", f, r.category.span(), Msg::new("e-category").arg("text", other)));
                    Category::Composite
                }
            };
            let by = *r.baseline_year.get_ref();
            if by != 2020 && by != 2021 {
                self.diags.push(self.err("E040", f, r.baseline_year.span(), Msg::new("e-baseline-year")));
            }
            let num = |l: &mut Loader, s: &Option<Spanned<String>>| s.as_ref().and_then(|s| l.number(f, s));
            let indicator = Indicator {
                id: r.id.get_ref().clone(),
                number: r.number,
                category,
                name: r.name.get_ref().clone(),
                title: r.title.clone().into(),
                unit: r.unit.clone(),
                unit_en: r.unit_en.clone(),
                unit_zh: r.unit_zh.clone(),
                baseline: num(self, &r.baseline),
                baseline_year: by,
                target_2022: num(self, &r.target_2022),
                target_2025: num(self, &r.target_2025),
                notes: r.notes.iter().filter_map(|n| self.note_ref(f, n, c.notes)).collect(),
                rules: r.rules.iter().filter(|_| c.rules_ok).filter_map(|id| self.rule_ref(f, id, c.rules)).collect(),
            };
            plan.indicators.push(indicator);
        }
        let mut seen = HashSet::new();
        for t in &raw.target {
            self.unique(f, &mut seen, &t.id, "target");
            self.clause(f, &t.clause);
            self.quote(f, &t.quote, c.source);
            let indicator = t.indicator.as_ref().and_then(|i| {
                let ix = plan.indicators.iter().position(|x| x.id == *i.get_ref());
                if ix.is_none() {
                    self.diags.push(self.err("E021", f, i.span(), Msg::new("e-unknown-indicator").arg("name", i.get_ref())));
                }
                ix
            });
            let Some(value) = self.number(f, &t.value) else { continue };
            plan.targets.push(Target {
                id: t.id.get_ref().clone(),
                clause: t.clause.get_ref().clone(),
                box_number: t.box_number,
                quote: t.quote.get_ref().clone(),
                title: t.title.clone().into(),
                value,
                unit: t.unit.clone(),
                unit_en: t.unit_en.clone(),
                year: self.year(f, &t.year),
                per_year: t.per_year,
                comparison: self.comparison(f, &t.comparison),
                indicator,
            });
        }
    }

    pub(super) fn tasks(&mut self, f: FileId, raw: &RawTaskFile, c: &Ctx<'_>, plan: &mut Plan) {
        for g in &raw.group {
            self.clause(f, &g.clause);
            self.quote(f, &g.quote, c.source);
            plan.groups.push(TaskGroup {
                clause: g.clause.get_ref().clone(),
                quote: g.quote.get_ref().clone(),
                title: g.title.clone().into(),
            });
        }
        let mut seen = HashSet::new();
        for t in &raw.task {
            self.unique(f, &mut seen, &t.id, "task");
            self.clause(f, &t.clause);
            self.quote(f, &t.quote, c.source);
            self.quote(f, &t.units_quote, c.source);
            if t.units.is_empty() {
                self.diags.push(self.err("E003", f, t.id.span(), Msg::new("e-task-no-units")));
            }
            let mut units = Vec::new();
            for u in &t.units {
                let Some(d) = self.department(f, u, c.departments) else { continue };
                units.push(d);
                if !t.units_quote.get_ref().contains(u.get_ref().as_str()) {
                    self.diags.push(self.err("E010", f, u.span(), Msg::new("e-unit-not-quoted").arg("name", u.get_ref())));
                }
            }
            let targets = t.targets.iter().filter_map(|x| self.task_target(f, x, c)).collect();
            let milestones = t
                .milestones
                .iter()
                .map(|m| {
                    self.quote(f, &m.quote, c.source);
                    Milestone { quote: m.quote.get_ref().clone(), what: m.what.clone().into(), year: self.year(f, &m.year) }
                })
                .collect();
            plan.tasks.push(Task {
                id: t.id.get_ref().clone(),
                clause: t.clause.get_ref().clone(),
                quote: t.quote.get_ref().clone(),
                title: t.title.clone().into(),
                units,
                units_quote: t.units_quote.get_ref().clone(),
                boxes: t.boxes.clone(),
                targets,
                milestones,
            });
        }
        for b in &raw.boxes {
            self.quote(f, &b.quote, c.source);
            let Some(after) = plan.tasks.iter().position(|t| t.id == *b.after_task.get_ref()) else {
                self.diags.push(self.err("E021", f, b.after_task.span(), Msg::new("e-unknown-task").arg("name", b.after_task.get_ref())));
                continue;
            };
            if !plan.tasks[after].boxes.contains(b.number.get_ref()) {
                self.diags.push(self.err(
                    "E021",
                    f,
                    b.number.span(),
                    Msg::new("e-task-lacks-box").arg("task", &plan.tasks[after].id).arg("box", b.number.get_ref()),
                ));
            }
            let items = b
                .items
                .iter()
                .map(|i| {
                    self.quote(f, &i.quote, c.source);
                    BoxItem {
                        number: i.number,
                        quote: i.quote.get_ref().clone(),
                        what: i.what.clone().into(),
                        targets: i.targets.iter().filter_map(|x| self.task_target(f, x, c)).collect(),
                    }
                })
                .collect();
            plan.boxes.push(PlanBox {
                number: *b.number.get_ref(),
                after_task: after,
                quote: b.quote.get_ref().clone(),
                title: b.title.clone().into(),
                items,
            });
        }
        for t in &plan.tasks {
            for n in &t.boxes {
                if !plan.boxes.iter().any(|b| b.number == *n) {
                    let sp = raw.task.iter().find(|r| *r.id.get_ref() == t.id).map_or(Default::default(), |r| span(r.id.span()));
                    self.diags.push(self.err("E021", f, sp, Msg::new("e-box-undeclared").arg("task", &t.id).arg("box", n)));
                }
            }
        }
    }

    pub(super) fn coverage(&mut self, f: FileId, raw: &RawCoverage, c: &Ctx<'_>, plan: &mut Plan) {
        for e in &raw.clause {
            self.clause(f, &e.clause);
            if let Some(q) = &e.quote {
                self.quote(f, q, c.source);
            }
            let status = match e.status.get_ref().as_str() {
                "encoded" => ClauseStatus::Encoded,
                "target" => ClauseStatus::Target,
                "not-computable" => ClauseStatus::NotComputable,
                other => {
                    self.diags.push(self.err("E033", f, e.status.span(), Msg::new("e-clause-status").arg("text", other)));
                    continue;
                }
            };
            let rules: Vec<usize> = e.rules.iter().filter_map(|r| self.rule_ref(f, r, c.rules)).collect();
            let targets: Vec<usize> = e
                .targets
                .iter()
                .filter_map(|t| {
                    let i = plan.targets.iter().position(|x| x.id == *t.get_ref());
                    if i.is_none() {
                        self.diags.push(self.err("E021", f, t.span(), Msg::new("e-unknown-target").arg("name", t.get_ref())));
                    }
                    i
                })
                .collect();
            let sp = e.status.span();
            match status {
                ClauseStatus::Encoded if e.rules.is_empty() => self.diags.push(self.err("E003", f, sp, Msg::new("e-encoded-no-rules"))),
                ClauseStatus::Target if e.targets.is_empty() => self.diags.push(self.err("E003", f, sp, Msg::new("e-target-no-targets"))),
                ClauseStatus::NotComputable | ClauseStatus::Target if e.reason.is_none() => {
                    self.diags.push(self.err("E003", f, sp, Msg::new("e-no-reason")))
                }
                _ => {}
            }
            plan.register.push(ClauseEntry {
                clause: e.clause.get_ref().clone(),
                status,
                rules,
                targets,
                quote: e.quote.as_ref().map(|q| q.get_ref().clone()),
                reason: e.reason.clone().map(Into::into),
            });
        }
    }
}
