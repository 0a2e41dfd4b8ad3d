//! A pack's own test cases: facts and the expected result per rule, computed by hand from the
//! quoted sentence. `qiangke test` and `cargo test` both run them through [`run_case`].
//!
//! Case files are `cases/*.toml` in the pack folder:
//!
//! ```toml
//! [[case]]
//! name = "R&D spending of exactly 5,000,000 yuan reaches the 10万元 tier"
//! cites = "四(二)8: 500万元以上1000万元以下的,给予10万元一次性补助"
//! years = [2023]                       # claim years to report (optional: all years in the facts)
//! [case.facts.entity]                  # the facts, exactly as in a facts file
//! id = "E1"
//! kind = "enterprise"
//! above_scale = true
//! [case.facts.years.2023]
//! rd_expenditure = "500万元"
//! [[case.expect]]
//! rule = "rd-spend-tiers"
//! state = "awarded"                    # awarded | not-eligible | needs-information | not-in-force
//! amount = "10万元"                    # or low = … and high = … for a range
//! # optional: year, reason (a reason code), missing = ["years.2023.rd_expenditure"],
//! # budget_year, notes = ["note-id", …] (must be among the notes that applied)
//! ```
//!
//! Any awarded result that no expectation names makes the case fail, so a case also proves that
//! nothing else is paid.
//!
//! A score rule's expectation is `state = "scored"` with `amount = "16分"` (or `low`/`high`).
//! A standard's is `standard = "ID"` instead of `rule`, with `state` one of `meets`,
//! `cannot-meet`, `depends-on-review`, `needs-information`, and optionally the score (`amount`,
//! or `low`/`high`, in points), `route` (the rule that stood in for the score), `failed` (the
//! rules that decided *cannot meet*, in the pack's order) and `missing`.

use crate::diag::{Diagnostic, FileId, Report, SourceMap, Span};
use crate::eval::{Options, State, evaluate};
use crate::explain::{fact_path, missing_ref};
use crate::facts::{Facts, facts_from_node};
use crate::model::Pack;
use crate::tree::{Kind, Node, parse_toml};
use crate::value::{Quantity, money_plain, parse_quantity};
use qiangke_i18n::Msg;
use rust_decimal::Decimal;
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub cites: String,
    /// `cases/rd.toml:12`
    pub at: String,
    pub years: Vec<i32>,
    pub facts: Facts,
    pub expect: Vec<Expect>,
}

#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub rule: String,
    /// A standard's id, when the expectation is about a standard rather than a rule.
    pub standard: Option<String>,
    pub route: Option<String>,
    pub failed: Option<Vec<String>>,
    pub year: Option<i32>,
    pub state: String,
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
    pub reason: Option<String>,
    pub missing: Vec<String>,
    pub budget_year: Option<i32>,
    pub notes: Vec<String>,
    pub at: String,
}

/// Loads every `cases/*.toml` of a pack folder, in name order.
pub fn load_cases(pack: &Pack, dir: &Path) -> Result<Vec<Case>, Report> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("cases"))
        .map(|rd| {
            rd.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".toml")).collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = Vec::new();
    for n in names {
        let text = std::fs::read_to_string(dir.join("cases").join(&n)).map_err(|e| {
            let mut map = SourceMap::new();
            let f = map.add(format!("cases/{n}"), "");
            Report { diagnostics: vec![Diagnostic::error("C001", f, Span::default(), Msg::new("c-cannot-read").arg("reason", e))], map }
        })?;
        out.extend(load_case_file(pack, &format!("cases/{n}"), &text)?);
    }
    Ok(out)
}

/// Parses one case file.
pub fn load_case_file(pack: &Pack, name: &str, text: &str) -> Result<Vec<Case>, Report> {
    let mut map = SourceMap::new();
    let f = map.add(name, text);
    let mut diags = Vec::new();
    let root = match parse_toml(text) {
        Ok(n) => n,
        Err(e) => {
            return Err(Report {
                diagnostics: vec![Diagnostic::error("C001", f, e.span, Msg::new("c-invalid-toml").detail(e.message))],
                map,
            });
        }
    };
    let mut cases = Vec::new();
    let items = match root.get("case").map(|c| &c.kind) {
        Some(Kind::Arr(items)) => items.clone(),
        _ => {
            diags.push(Diagnostic::error("C002", f, Span::default(), Msg::new("c-no-cases")));
            Vec::new()
        }
    };
    for item in &items {
        if let Some(c) = case(pack, &map, f, item, &mut diags) {
            cases.push(c);
        }
    }
    if diags.is_empty() { Ok(cases) } else { Err(Report { map, diagnostics: diags }) }
}

fn line_of(map: &SourceMap, f: FileId, span: Span) -> String {
    format!("{}:{}", map.name(f), map.line_col(f, span.start).0)
}

fn case(pack: &Pack, map: &SourceMap, f: FileId, n: &Node, diags: &mut Vec<Diagnostic>) -> Option<Case> {
    let Kind::Obj(kv) = &n.kind else { return None };
    let mut c = Case {
        name: String::new(),
        cites: String::new(),
        at: line_of(map, f, n.span),
        years: Vec::new(),
        facts: empty_facts(pack),
        expect: Vec::new(),
    };
    let mut facts_ok = false;
    for (k, ks, v) in kv {
        match (k.as_str(), &v.kind) {
            ("name", Kind::Str(s)) => c.name = s.clone(),
            ("cites", Kind::Str(s)) => c.cites = s.clone(),
            ("years", Kind::Arr(ys)) => {
                for y in ys {
                    match &y.kind {
                        Kind::Num(s) if s.parse::<i32>().is_ok() => c.years.push(s.parse().unwrap_or(0)),
                        _ => diags.push(Diagnostic::error("C003", f, y.span, Msg::new("c-years-whole"))),
                    }
                }
            }
            ("facts", _) => match facts_from_node(pack, map, f, v) {
                Ok(facts) => {
                    c.facts = facts;
                    facts_ok = true;
                }
                Err(ds) => diags.extend(ds),
            },
            ("expect", Kind::Arr(es)) => {
                for e in es {
                    if let Some(x) = expect(pack, map, f, e, diags) {
                        c.expect.push(x);
                    }
                }
            }
            _ => diags.push(
                Diagnostic::error("C003", f, *ks, Msg::new("c-unexpected-key").arg("name", k)).with_hint(Msg::new("c-hint-case-keys")),
            ),
        }
    }
    if c.name.is_empty() || c.cites.is_empty() {
        diags.push(Diagnostic::error("C003", f, n.span, Msg::new("c-needs-name-cites")));
    }
    if c.expect.is_empty() {
        diags.push(Diagnostic::error("C003", f, n.span, Msg::new("c-needs-expect")));
    }
    facts_ok.then_some(c)
}

fn empty_facts(pack: &Pack) -> Facts {
    Facts {
        entity_id: String::new(),
        name: None,
        attributes: vec![None; pack.vocab.attributes.len()],
        yearly: Default::default(),
        yearly_default: vec![None; pack.vocab.yearly.len()],
        events: Vec::new(),
    }
}

fn expect(pack: &Pack, map: &SourceMap, f: FileId, n: &Node, diags: &mut Vec<Diagnostic>) -> Option<Expect> {
    let Kind::Obj(kv) = &n.kind else {
        diags.push(Diagnostic::error("C003", f, n.span, Msg::new("c-expect-not-table")));
        return None;
    };
    let mut x = Expect { at: line_of(map, f, n.span), ..Default::default() };
    let money = |v: &Node, diags: &mut Vec<Diagnostic>| match &v.kind {
        Kind::Str(s) if s == "unbounded" => Some(crate::value::UNBOUNDED),
        Kind::Str(s) | Kind::Num(s) => match parse_quantity(s) {
            Ok(Quantity::Money(m)) => Some(m),
            Ok(Quantity::Int(i)) => Some(Decimal::from(i)),
            Ok(Quantity::Dec(d) | Quantity::Points(d)) => Some(d),
            _ => {
                diags.push(Diagnostic::error("C003", f, v.span, Msg::new("c-expected-money")));
                None
            }
        },
        _ => {
            diags.push(Diagnostic::error("C003", f, v.span, Msg::new("c-expected-money-string")));
            None
        }
    };
    for (k, ks, v) in kv {
        match (k.as_str(), &v.kind) {
            ("rule", Kind::Str(s)) => {
                if pack.rule(s).is_none() {
                    diags.push(Diagnostic::error("C004", f, v.span, Msg::new("c-no-rule").arg("name", s)));
                }
                x.rule = s.clone();
            }
            ("standard", Kind::Str(s)) => {
                if !pack.standards.iter().any(|x| x.id == *s) {
                    diags.push(Diagnostic::error("C004", f, v.span, Msg::new("c-no-standard").arg("name", s)));
                }
                x.standard = Some(s.clone());
            }
            ("route", Kind::Str(s)) => x.route = Some(s.clone()),
            ("failed", Kind::Arr(items)) => {
                x.failed = Some(items.iter().filter_map(|i| if let Kind::Str(s) = &i.kind { Some(s.clone()) } else { None }).collect());
            }
            ("state", Kind::Str(s)) => {
                const STATES: [&str; 10] = [
                    "awarded",
                    "not-eligible",
                    "needs-information",
                    "not-in-force",
                    "met",
                    "not-met",
                    "scored",
                    "meets",
                    "cannot-meet",
                    "depends-on-review",
                ];
                if !STATES.contains(&s.as_str()) {
                    diags.push(
                        Diagnostic::error("C003", f, v.span, Msg::new("c-unknown-state").arg("name", s))
                            .with_hint(Msg::new("c-hint-states")),
                    );
                }
                x.state = s.clone();
            }
            ("amount", _) => {
                let m = money(v, diags);
                x.low = m;
                x.high = m;
            }
            ("low", _) => x.low = money(v, diags),
            ("high", _) => x.high = money(v, diags),
            ("reason", Kind::Str(s)) => x.reason = Some(s.clone()),
            ("year", Kind::Num(s)) => x.year = s.parse().ok(),
            ("budget_year", Kind::Num(s)) => x.budget_year = s.parse().ok(),
            ("missing" | "notes", Kind::Arr(items)) => {
                let list: Vec<String> =
                    items.iter().filter_map(|i| if let Kind::Str(s) = &i.kind { Some(s.clone()) } else { None }).collect();
                if k == "missing" {
                    x.missing = list;
                } else {
                    for id in &list {
                        if !pack.notes.iter().any(|n| n.id == *id) {
                            diags.push(Diagnostic::error("C004", f, v.span, Msg::new("c-no-note").arg("name", id)));
                        }
                    }
                    x.notes = list;
                }
            }
            _ => diags.push(
                Diagnostic::error("C003", f, *ks, Msg::new("c-unexpected-expect-key").arg("name", k))
                    .with_hint(Msg::new("c-hint-expect-keys")),
            ),
        }
    }
    if (x.rule.is_empty() == x.standard.is_none()) || x.state.is_empty() {
        diags.push(Diagnostic::error("C003", f, n.span, Msg::new("c-expect-needs-rule-state")));
        return None;
    }
    Some(x)
}

/// A standard's expectation against its outcome in the evaluation.
fn check_standard(pack: &Pack, ev: &crate::eval::Evaluation<'_>, x: &Expect, id: &str) -> Vec<String> {
    let Some(s) = ev.standards.iter().find(|s| s.standard.id == id && x.year.is_none_or(|y| y == s.claim_year)) else {
        return vec![format!("{}: no outcome for standard `{id}`{}", x.at, x.year.map(|y| format!(" in {y}")).unwrap_or_default())];
    };
    let who = format!("{}: standard `{id}` ({})", x.at, s.claim_year);
    let mut out = Vec::new();
    if s.outcome.code() != x.state {
        out.push(format!("{who}: expected {}, got {}", x.state, s.outcome.code()));
    }
    if x.low.is_some() || x.high.is_some() {
        let got = s.score.map(|(l, h)| format!("{}–{}", l.normalize(), h.normalize())).unwrap_or_else(|| "no score".into());
        if s.score.is_none_or(|(l, h)| x.low.is_some_and(|w| w != l) || x.high.is_some_and(|w| w != h)) {
            let want = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
            out.push(format!("{who}: expected score {}–{}, got {got}", want(x.low), want(x.high)));
        }
    }
    let route = s.route.map(|r| pack.rules[r].id.clone());
    if x.route.is_some() && x.route != route {
        out.push(format!("{who}: expected route {:?}, got {route:?}", x.route));
    }
    if let Some(want) = &x.failed {
        let got: Vec<String> = s.failed.iter().map(|r| pack.rules[*r].id.clone()).collect();
        if *want != got {
            out.push(format!("{who}: expected failed {want:?}, got {got:?}"));
        }
    }
    if !x.missing.is_empty() {
        let got: Vec<String> = s.missing.iter().map(|m| fact_path(pack, &missing_ref(m))).collect();
        if got != x.missing {
            out.push(format!("{who}: expected missing {:?}, got {got:?}", x.missing));
        }
    }
    out
}

/// Runs one case; the result lists every mismatch (empty: the case passes).
pub fn run_case(pack: &Pack, case: &Case) -> Vec<String> {
    let ev = evaluate(pack, &case.facts, &Options { years: case.years.clone(), trace: false, ..Options::default() });
    let mut failures = Vec::new();
    let mut used = vec![false; ev.results.len()];
    for x in &case.expect {
        if let Some(id) = &x.standard {
            failures.extend(check_standard(pack, &ev, x, id));
            continue;
        }
        let found =
            ev.results.iter().enumerate().find(|(i, r)| !used[*i] && r.rule.id == x.rule && x.year.is_none_or(|y| y == r.claim_year));
        let Some((i, r)) = found else {
            failures.push(format!("{}: no result for rule `{}`{}", x.at, x.rule, x.year.map(|y| format!(" in {y}")).unwrap_or_default()));
            continue;
        };
        used[i] = true;
        let who = format!("{}: `{}` ({})", x.at, x.rule, r.claim_year);
        if r.state.code_for(r.rule) != x.state {
            let detail = match &r.state {
                State::Awarded { low, high } => {
                    format!(" {}–{}", money_plain(*low), money_plain(*high))
                }
                State::NotEligible(reason) => format!(" ({})", reason.code()),
                State::NeedsInformation(m) => {
                    format!(" ({})", m.iter().map(|m| fact_path(pack, &missing_ref(m))).collect::<Vec<_>>().join(", "))
                }
                State::NotInForce { .. } => String::new(),
            };
            failures.push(format!("{who}: expected {}, got {}{detail}", x.state, r.state.code_for(r.rule)));
            continue;
        }
        if let State::Awarded { low, high } = &r.state {
            if x.low.is_some_and(|l| l != *low) || x.high.is_some_and(|h| h != *high) {
                failures.push(format!(
                    "{who}: expected amount {}–{}, got {}–{}",
                    x.low.map(money_plain).unwrap_or_default(),
                    x.high.map(money_plain).unwrap_or_default(),
                    money_plain(*low),
                    money_plain(*high)
                ));
            }
        } else if x.low.is_some() {
            failures.push(format!("{who}: an amount is expected only for `awarded`"));
        }
        if let (Some(want), State::NotEligible(reason)) = (&x.reason, &r.state)
            && reason.code() != want
        {
            failures.push(format!("{who}: expected reason {want}, got {}", reason.code()));
        }
        if !x.missing.is_empty()
            && let State::NeedsInformation(m) = &r.state
        {
            let got: Vec<String> = m.iter().map(|m| fact_path(pack, &missing_ref(m))).collect();
            if got != x.missing {
                failures.push(format!("{who}: expected missing {:?}, got {got:?}", x.missing));
            }
        }
        if let Some(by) = x.budget_year
            && r.budget_year != Some(by)
        {
            failures.push(format!("{who}: expected budget year {by}, got {:?}", r.budget_year));
        }
        for n in &x.notes {
            if !r.notes.iter().any(|i| pack.notes[*i].id == *n) {
                failures.push(format!("{who}: note `{n}` did not apply"));
            }
        }
    }
    for (i, r) in ev.results.iter().enumerate() {
        if !used[i]
            && r.rule.kind == crate::model::RuleKind::Award
            && let State::Awarded { low, .. } = r.state
        {
            failures.push(format!(
                "{}: unexpected award by `{}` in {} ({}) — every award must be expected",
                case.at,
                r.rule.id,
                r.claim_year,
                money_plain(low)
            ));
        }
    }
    failures
}
