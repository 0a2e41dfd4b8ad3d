//! Renderings of an [`Evaluation`]: deterministic JSON for machines and an explanation in Chinese
//! or English for people. Both quote the source sentence of every result.
//!
//! Nothing here computes: every figure shown comes from the evaluation's states and trace steps.

use crate::eval::{ENGINE_VERSION, Evaluation, FactRef, Missing, Reason, RuleResult, State, Step, Unmet};
use crate::model::{BudgetYear, Lang, Named, Pack, RuleKind, Value};
use crate::standard::{Outcome, StandardResult};
use crate::syntax::BinOp;
use crate::value::{UNBOUNDED, money_en, money_plain, money_source, money_yuan, rate_percent};

/// JSON for an amount: an exact string, or `null` for "no upper limit".
fn money_json(m: Decimal) -> J {
    if m == UNBOUNDED { J::Null } else { J::String(money_plain(m)) }
}
use qiangke_i18n::{label, text};
use rust_decimal::Decimal;
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// JSON form of a value: booleans and integers as JSON, everything else as exact strings.
pub fn value_json(pack: &Pack, v: &Value) -> J {
    match v {
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::MoneyRange(a, b) => json!({"low": money_plain(*a), "high": money_plain(*b)}),
        Value::RateRange(a, b) | Value::PointsRange(a, b) => {
            json!({"low": a.normalize().to_string(), "high": b.normalize().to_string()})
        }
        Value::Rate(r) | Value::Points(r) => J::String(r.normalize().to_string()),
        other => J::String(other.key(pack)),
    }
}

/// `entity.above_scale`, `year.rd_expenditure[2023]`, `recognition.kind`.
pub fn fact_path(pack: &Pack, f: &FactRef) -> String {
    let v = &pack.vocab;
    match f {
        FactRef::Attr(i) => format!("entity.{}", v.attributes[*i].name),
        FactRef::Yearly(i, y) => format!("years.{y}.{}", v.yearly[*i].name),
        FactRef::Field(e, i) => format!("{}.{}", v.events[*e].name, v.events[*e].fields[*i].name),
        FactRef::EventDate(e) => format!("{}.date", v.events[*e].name),
        FactRef::ClaimYear => "claim_year".into(),
    }
}

pub fn fact_title(pack: &Pack, f: &FactRef, lang: Lang) -> String {
    let v = &pack.vocab;
    match f {
        FactRef::Attr(i) => v.attributes[*i].title.get(lang).to_string(),
        FactRef::Yearly(i, y) => format!("{} ({y})", v.yearly[*i].title.get(lang)),
        FactRef::Field(e, i) => format!("{}: {}", v.events[*e].title.get(lang), v.events[*e].fields[*i].title.get(lang)),
        FactRef::EventDate(e) => format!("{}: {}", v.events[*e].title.get(lang), label(lang, "ex-date")),
        FactRef::ClaimYear => label(lang, "ex-claim-year").into(),
    }
}

pub fn missing_ref(m: &Missing) -> FactRef {
    match m {
        Missing::Attr(i) => FactRef::Attr(*i),
        Missing::Yearly(i, y) => FactRef::Yearly(*i, *y),
        Missing::Field(e, i) => FactRef::Field(*e, *i),
    }
}

fn named(n: &Named) -> J {
    json!({"id": n.id, "zh": n.name.zh, "en": n.name.en})
}

/// The machine form: byte-identical for the same pack, facts and options. `results` hold what
/// the facts decided (state, amount or reason, trace); what each rule and note says is given once,
/// under `rules` and `notes`, keyed by id.
pub fn to_json(ev: &Evaluation<'_>) -> J {
    let pack = ev.pack;
    let results: Vec<J> = ev.results.iter().map(|r| result_json(pack, r)).collect();
    // Each interpretation note that applied, once: results name them by id.
    let mut used: Vec<usize> = ev.results.iter().flat_map(|r| r.notes.iter().copied()).collect();
    used.sort_unstable();
    used.dedup();
    let notes: serde_json::Map<String, J> = used
        .iter()
        .map(|n| (pack.notes[*n].id.clone(), json!({"clause": pack.notes[*n].clause, "choice": pack.notes[*n].choice})))
        .collect();
    let rules: serde_json::Map<String, J> = ev
        .results
        .iter()
        .map(|r| (r.rule.id.clone(), r.rule))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(id, rule)| (id, rule_json(pack, rule)))
        .collect();
    let totals =
        totals(ev).into_iter().map(|(y, (lo, hi))| object([("budget_year", y.into()), ("low", money_json(lo)), ("high", money_json(hi))]));
    let mut out = object([
        ("engine", json!({"name": "qiangke", "version": ENGINE_VERSION})),
        ("pack", pack_json(pack)),
        ("entity", json!({"id": ev.entity_id, "name": ev.entity_name})),
        ("years", json!(ev.years)),
        ("results", J::Array(results)),
        ("rules", J::Object(rules)),
        ("notes", J::Object(notes)),
        ("totals", totals.collect()),
    ]);
    // Only packs with standards speak of them: the others' answers are unchanged.
    if !pack.standards.is_empty() {
        out["standards"] = ev.standards.iter().map(|s| standard_json(pack, s)).collect();
    }
    out
}

/// The pack an evaluation used: id, version, hash, and why its figures are provisional if they
/// are.
fn pack_json(pack: &Pack) -> J {
    let mut j = json!({"id": pack.id, "version": pack.version, "hash": pack.hash});
    if let Some(p) = &pack.provisional {
        j["provisional"] = json!({"zh": p.zh, "en": p.en});
    }
    j
}

/// A pass mark as the texts write it: `不低于60分`, `70分以上`, `超过70分`; `at least 60 points`.
pub fn pass_mark_text(pass: &crate::model::Bound, lang: Lang) -> String {
    let p = crate::value::points_in(pass.value, pass.value, lang);
    match (lang, pass.word.as_str()) {
        (Lang::Zh, "以上") => format!("{p}以上"),
        (Lang::Zh, w) => format!("{w}{p}"),
        (Lang::En, _) if pass.inclusive => format!("at least {p}"),
        (Lang::En, _) => format!("more than {p}"),
    }
}

/// A standard's outcome in the machine form of [`to_json`] (`standards[i]`).
pub fn standard_json(pack: &Pack, s: &StandardResult<'_>) -> J {
    let st = s.standard;
    let ids = |v: &[usize]| -> J { v.iter().map(|i| J::from(pack.rules[*i].id.as_str())).collect() };
    let pts = |d: Decimal| J::String(d.normalize().to_string());
    object([
        ("standard", st.id.as_str().into()),
        ("clause", st.clause.as_str().into()),
        ("title", json!({"zh": st.title.zh, "en": st.title.en})),
        ("quote", st.quote.as_str().into()),
        ("claim_year", s.claim_year.into()),
        ("outcome", s.outcome.code().into()),
        ("route", s.route.map(|r| pack.rules[r].id.clone()).into()),
        ("failed", ids(&s.failed)),
        ("missing", s.missing.iter().map(|x| J::String(fact_path(pack, &missing_ref(x)))).collect()),
        ("score", s.score.map_or(J::Null, |(lo, hi)| json!({"low": pts(lo), "high": pts(hi)}))),
        ("pass", st.pass.as_ref().map_or(J::Null, |b| json!({"points": pts(b.value), "inclusive": b.inclusive, "word": b.word}))),
        ("short", s.short().map_or(J::Null, pts)),
        ("notes", st.notes.iter().map(|n| J::from(pack.notes[*n].id.as_str())).collect()),
    ])
}

/// A standard's outcome as people read it: the verdict, the score against its pass mark, what
/// decided it or is missing, and the sentence it comes from.
pub fn standard_text(pack: &Pack, s: &StandardResult<'_>, lang: Lang) -> String {
    let st = s.standard;
    let mut o = String::new();
    let _ = writeln!(o, "\n【{}】[{}] {} ({})", label(lang, "ex-standard"), st.clause, st.title.get(lang), st.id);
    let verdict = match s.outcome {
        Outcome::Meets => label(lang, "ex-standard-meets"),
        Outcome::CannotMeet => label(lang, "ex-standard-cannot-meet"),
        Outcome::DependsOnReview => label(lang, "ex-standard-review"),
        Outcome::NeedsInformation => label(lang, "ex-needs-information"),
        Outcome::NotInForce => label(lang, "ex-standard-not-in-force"),
    };
    let _ = writeln!(o, "  {verdict}");
    if let Some(r) = s.route {
        let rule = &pack.rules[r];
        let _ = writeln!(o, "  {}", text(lang, "ex-standard-route", &[("route", rule.title.get(lang)), ("clause", &rule.clause)]));
    }
    if let (Some((lo, hi)), Some(pass)) = (s.score, &st.pass) {
        let mark = pass_mark_text(pass, lang);
        let _ = writeln!(o, "  {}", text(lang, "ex-standard-score", &[("score", &crate::value::points_in(lo, hi, lang)), ("pass", &mark)]));
        if let (Some(short), Outcome::DependsOnReview) = (s.short(), s.outcome) {
            let _ = writeln!(o, "  {}", text(lang, "ex-standard-short", &[("points", &crate::value::points_in(short, short, lang))]));
        }
    }
    for r in &s.failed {
        let rule = &pack.rules[*r];
        let _ = writeln!(o, "  {} [{}] {}", label(lang, "ex-standard-failed"), rule.clause, rule.title.get(lang));
    }
    if !s.missing.is_empty() {
        let facts: Vec<String> = s
            .missing
            .iter()
            .map(|x| {
                let f = missing_ref(x);
                format!("{} ({})", fact_title(pack, &f, lang), fact_path(pack, &f))
            })
            .collect();
        let _ = writeln!(o, "  {}: {}", label(lang, "ex-needs-information"), facts.join(", "));
    }
    let _ = writeln!(o, "  {}「{}」", label(lang, "ex-source"), st.quote);
    for n in &st.notes {
        let note = &pack.notes[*n];
        let _ = writeln!(o, "  {} [{}] {} — {}", label(lang, "ex-interpretation"), note.clause, note.id, note.choice.get(lang));
    }
    o
}

/// An object of these members, the values moved in: `json!` would copy every `Value` it is
/// given (it serializes it again), which for the results and their traces was a third of the
/// time of an answer.
fn object<const N: usize>(members: [(&str, J); N]) -> J {
    J::Object(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Sum of awarded amounts per budget year, as intervals.
pub fn totals(ev: &Evaluation<'_>) -> BTreeMap<i32, (Decimal, Decimal)> {
    let mut out: BTreeMap<i32, (Decimal, Decimal)> = BTreeMap::new();
    for r in &ev.results {
        if let (State::Awarded { low, high }, Some(y), RuleKind::Award) = (&r.state, r.budget_year, r.rule.kind) {
            let e = out.entry(y).or_default();
            e.0 += *low;
            // An open-ended amount (不低于…) makes the year's high end open too.
            e.1 = if e.1 == UNBOUNDED || *high == UNBOUNDED { UNBOUNDED } else { e.1 + *high };
        }
    }
    out
}

/// What a rule says, whatever the facts: its sentence, title, departments and budget rule.
/// [`to_json`] gives it once per rule under `rules`; results name their rule by id.
pub fn rule_json(pack: &Pack, rule: &crate::model::Rule) -> J {
    object([
        ("kind", json!(rule.kind)),
        ("clause", rule.clause.as_str().into()),
        ("title", json!({"zh": rule.title.zh, "en": rule.title.en})),
        ("quote", rule.quote.as_str().into()),
        ("procedure_quote", rule.procedure_quote.as_deref().into()),
        (
            "budget_rule",
            (match rule.budget_year {
                BudgetYear::Same => "same",
                BudgetYear::Next => "next",
            })
            .into(),
        ),
        ("verified_by", rule.verified_by.iter().map(|d| named(pack.department(*d))).collect()),
        ("paid_by", rule.paid_by.map(|d| named(pack.department(d))).into()),
    ])
}

/// One result in the machine form of [`to_json`] (`results[i]`).
pub fn result_json(pack: &Pack, r: &RuleResult<'_>) -> J {
    let rule = r.rule;
    let mut o = object([
        ("rule", rule.id.as_str().into()),
        ("clause", rule.clause.as_str().into()),
        ("claim_year", r.claim_year.into()),
        ("state", r.state.code_for(rule).into()),
        ("notes", r.notes.iter().map(|n| J::from(pack.notes[*n].id.as_str())).collect()),
        ("trace", r.trace.iter().map(|s| step_json(pack, s)).collect()),
    ]);
    let m = o.as_object_mut().expect("object literal");
    match &r.state {
        State::Awarded { low, high } if rule.kind == RuleKind::Score => {
            m.insert("points".into(), json!({"low": low.normalize().to_string(), "high": high.normalize().to_string()}));
        }
        State::Awarded { low, high } => {
            m.insert("amount".into(), json!({"low": money_json(*low), "high": money_json(*high)}));
        }
        State::NotEligible(reason) => {
            m.insert("reason".into(), reason_json(pack, reason));
        }
        State::NeedsInformation(miss) => {
            m.insert("missing".into(), J::Array(miss.iter().map(|x| J::String(fact_path(pack, &missing_ref(x)))).collect()));
        }
        State::NotInForce { valid, date, year } => {
            m.insert(
                "valid".into(),
                json!({"from": valid.0.to_string(), "until": valid.1.to_string(), "event_date": date.map(|d| d.to_string()), "year": year}),
            );
        }
    }
    if let Some(y) = r.budget_year {
        m.insert("budget_year".into(), J::from(y));
    }
    if let Some(k) = &r.once_key {
        m.insert("once_key".into(), J::String(k.clone()));
    }
    if let Some(tr) = &r.trigger {
        let def = &pack.vocab.events[tr.event];
        let fields: serde_json::Map<String, J> =
            def.fields.iter().zip(&tr.fields).filter_map(|(f, v)| v.as_ref().map(|v| (f.name.clone(), value_json(pack, v)))).collect();
        m.insert(
            "trigger".into(),
            object([
                ("event", def.name.as_str().into()),
                ("date", tr.date.to_string().into()),
                ("at", tr.at.as_deref().into()),
                ("fields", J::Object(fields)),
                ("derived_by", tr.derived.map(|d| json!({"id": d.id, "clause": d.clause, "quote": d.quote})).into()),
            ]),
        );
    }
    o
}

fn reason_json(pack: &Pack, r: &Reason) -> J {
    let mut o = json!({"code": r.code()});
    let m = o.as_object_mut().expect("object literal");
    match r {
        Reason::ConditionFailed { failed, unmet } => {
            m.insert("failed".into(), J::String(failed.clone()));
            if let Some(Unmet::Flag { fact, .. } | Unmet::Compare { fact, .. } | Unmet::Ratio { fact, .. }) = unmet.as_deref() {
                m.insert("fact".into(), J::String(fact_path(pack, fact)));
            }
            // The smallest value of the fact that meets a share (the rest unchanged).
            if let Some(Unmet::Ratio { need, .. }) = unmet.as_deref() {
                m.insert("needs".into(), value_json(pack, need));
            }
        }
        Reason::BaseNotAwarded { rule, key } => {
            m.insert("base_rule".into(), J::String(rule.clone()));
            m.insert("base_key".into(), J::String(key.clone()));
        }
        Reason::NoTier { table, input } => {
            m.insert("table".into(), J::String(pack.tiers[*table].id.clone()));
            m.insert("input".into(), J::String(tier_number(pack.tiers[*table].input, *input)));
        }
        Reason::ApplicantKind { kind } => {
            let e = &pack.enums[pack.applicant_enum as usize];
            m.insert("kind".into(), J::String(e.variants[*kind as usize].id.clone()));
        }
        Reason::AlreadyAwarded { once_key, year, at } => {
            m.insert("once_key".into(), J::String(once_key.clone()));
            m.insert("first_year".into(), J::from(*year));
            if let Some(at) = at {
                m.insert("first_at".into(), J::String(at.to_string()));
            }
        }
        _ => {}
    }
    o
}

fn step_json(pack: &Pack, s: &Step<'_>) -> J {
    match s {
        Step::Part { part, expr } => json!({"step": "part", "part": part, "expr": expr}),
        Step::Fact { fact, value, at } => object([
            ("step", "fact".into()),
            ("fact", fact_path(pack, fact).into()),
            ("value", value_json(pack, value)),
            ("at", at.as_deref().into()),
        ]),
        Step::Unknown { missing } => {
            json!({"step": "unknown", "fact": fact_path(pack, &missing_ref(missing))})
        }
        Step::Compare { expr, subject, op, lhs, rhs, result } => {
            let mut j = object([
                ("step", "compare".into()),
                ("expr", (*expr).into()),
                ("op", op.symbol().into()),
                ("lhs", value_json(pack, lhs)),
                ("rhs", value_json(pack, rhs)),
                ("result", (*result).into()),
            ]);
            if let Some(f) = subject {
                j["fact"] = J::String(fact_path(pack, f));
            }
            j
        }
        Step::Arith { expr, op, lhs, rhs, result } => object([
            ("step", "arith".into()),
            ("expr", (*expr).into()),
            ("op", op.symbol().into()),
            ("lhs", value_json(pack, lhs)),
            ("rhs", value_json(pack, rhs)),
            ("result", value_json(pack, result)),
        ]),
        Step::Call { expr, func, args, result } => object([
            ("step", "call".into()),
            ("expr", (*expr).into()),
            ("fn", func.name().into()),
            ("args", args.iter().map(|a| value_json(pack, a)).collect()),
            ("result", value_json(pack, result)),
        ]),
        Step::Tier { table, input, band, amount, boundary_note, next } => {
            let tb = &pack.tiers[*table];
            let mut j = json!({
                "step": "tier", "table": tb.id, "input": tier_number(tb.input, *input), "band": tb.bands[*band].describe(),
                "amount": tier_number(tier_out(tb), *amount),
                "boundary_note": boundary_note.map(|n| pack.notes[n].id.clone()),
                "next": next.map(|(b, gap)| tier_next_json(tb, b, gap)),
            });
            if let Some(h) = tb.bands[*band].high {
                j["amount_high"] = tier_number(tier_out(tb), h).into();
            }
            j
        }
        Step::NoTier { table, input, first } => {
            let tb = &pack.tiers[*table];
            json!({
                "step": "no-tier", "table": tb.id, "input": tier_number(tb.input, *input),
                "next": first.map(|(b, gap)| tier_next_json(tb, b, gap)),
            })
        }
        Step::Brackets { table, input, parts, result } => json!({
            "step": "brackets", "table": pack.brackets[*table].id, "input": money_plain(*input),
            "parts": parts.iter().map(|(base, rate, amt)| json!({"base": money_plain(*base), "rate": rate.normalize().to_string(), "amount": money_plain(*amt)})).collect::<Vec<_>>(),
            "result": money_plain(*result),
        }),
        Step::Rounded { from, to } => {
            json!({"step": "rounded", "from": from.normalize().to_string(), "to": money_plain(*to), "rule": "half away from zero, to the fen"})
        }
        Step::Once { key } => json!({"step": "once", "key": key}),
    }
}

fn show_money(m: Decimal, lang: Lang) -> String {
    let src = money_source(m);
    let yuan = money_yuan(m);
    match lang {
        Lang::Zh if src == yuan => yuan,
        Lang::Zh => format!("{yuan} ({src})"),
        Lang::En if src == yuan => money_en(m),
        Lang::En => format!("{} ({src})", money_en(m)),
    }
}

fn yuan(m: Decimal, lang: Lang) -> String {
    match lang {
        Lang::Zh => money_yuan(m),
        Lang::En => money_en(m),
    }
}

/// The explanation for people, in Chinese or English (the quote always stays in the original).
pub fn to_text(ev: &Evaluation<'_>, lang: Lang) -> String {
    let pack = ev.pack;
    let mut o = String::new();
    let _ = writeln!(o, "{} — {}", pack.title.get(lang), ev.entity_name.as_deref().unwrap_or(&ev.entity_id));
    let _ =
        writeln!(o, "{}: {} {} · sha256 {} · qiangke {}", label(lang, "ex-pack"), pack.id, pack.version, &pack.hash[..16], ENGINE_VERSION);
    if let Some(p) = &pack.provisional {
        let _ = writeln!(o, "{}: {}", label(lang, "ex-provisional"), p.get(lang));
    }
    for &year in &ev.years {
        let _ = writeln!(o, "\n== {} {year} ==", label(lang, "ex-claim-year"));
        for sr in ev.standards.iter().filter(|s| s.claim_year == year) {
            o.push_str(&standard_text(pack, sr, lang));
        }
        let mut quiet = Vec::new();
        let mut asks = Vec::new();
        let mut other_kinds = Vec::new();
        let mut kind_asks = Vec::new();
        let kind_ix = pack.vocab.attribute("kind");
        for r in ev.results.iter().filter(|r| r.claim_year == year) {
            // Rules with nothing to trigger them this year are listed in one line, and rules that
            // only wait for a figure in one line each: the explanations are for decided results.
            // Rules for other kinds of applicant, and those that wait only for the kind, are
            // listed once each as well.
            match &r.state {
                State::NotEligible(Reason::NoTrigger) => quiet.push(format!("[{}] {}", r.rule.clause, r.rule.title.get(lang))),
                State::NotEligible(reason @ Reason::ApplicantKind { .. }) => {
                    other_kinds.push(format!("[{}] {}: {}", r.rule.clause, r.rule.title.get(lang), reason_text(pack, r, reason, lang)));
                }
                State::NeedsInformation(m) if m.len() == 1 && kind_ix.is_some_and(|k| m[0] == Missing::Attr(k)) => {
                    kind_asks.push(format!("[{}] {}", r.rule.clause, r.rule.title.get(lang)));
                }
                State::NeedsInformation(m) if r.trigger.is_none() => {
                    let facts: Vec<String> = m
                        .iter()
                        .map(|x| {
                            let f = missing_ref(x);
                            format!("{} ({})", fact_title(pack, &f, lang), fact_path(pack, &f))
                        })
                        .collect();
                    asks.push(format!("[{}] {} ({}): {}", r.rule.clause, r.rule.title.get(lang), r.rule.id, facts.join(", ")));
                }
                _ => result_text(&mut o, pack, r, lang),
            }
        }
        // The kind decides which rules apply at all: asked once, before anything else.
        if !kind_asks.is_empty() {
            let f = FactRef::Attr(kind_ix.expect("checked above"));
            let _ = writeln!(
                o,
                "\n{} {} ({}) — {} {}:",
                label(lang, "ex-needed-first"),
                fact_title(pack, &f, lang),
                fact_path(pack, &f),
                label(lang, "ex-it-decides-whether-these"),
                kind_asks.len()
            );
            let _ = writeln!(o, "  {}", kind_asks.join(label(lang, "ex-sep")));
        }
        if !asks.is_empty() {
            let _ = writeln!(o, "\n{}:", label(lang, "ex-rules-that-need-more"));
            for a in asks {
                let _ = writeln!(o, "  {a}");
            }
        }
        if !quiet.is_empty() {
            let _ = writeln!(o, "\n{}:", label(lang, "ex-rules-with-no-triggering"));
            for q in quiet {
                let _ = writeln!(o, "  {q}");
            }
        }
        if !other_kinds.is_empty() {
            let _ = writeln!(o, "\n{}:", label(lang, "ex-rules-for-other-kinds"));
            for q in other_kinds {
                let _ = writeln!(o, "  {q}");
            }
        }
    }
    let tot = totals(ev);
    if !tot.is_empty() {
        let _ = writeln!(o, "\n{}:", label(lang, "ex-total-by-budget-year"));
        for (y, (lo, hi)) in tot {
            if lo == hi {
                let _ = writeln!(o, "  {y}: {}", show_money(lo, lang));
            } else if hi == UNBOUNDED {
                let _ = writeln!(o, "  {y}: {} {}", label(lang, "ex-at-least"), show_money(lo, lang));
            } else {
                let _ = writeln!(o, "  {y}: {} – {}", show_money(lo, lang), show_money(hi, lang));
            }
        }
    }
    o
}

/// One result's explanation, as `to_text` prints it (title, state, budget year and departments,
/// the quoted sentence, the trigger, every step, the interpretations).
pub fn result_to_text(pack: &Pack, r: &RuleResult<'_>, lang: Lang) -> String {
    let mut o = String::new();
    result_text(&mut o, pack, r, lang);
    o.trim_start_matches('\n').to_string()
}

/// What more would reach a better tier, for each tier lookup in the result's trace: "R&D
/// spending (2023): 5,000,000 yuan more would reach the tier … (500,000 yuan)". Needs the trace.
pub fn tier_hints(pack: &Pack, r: &RuleResult<'_>, lang: Lang) -> Vec<String> {
    tier_hints_above(pack, r, lang, None)
}

/// [`tier_hints`] for a score whose current points are `floor`: where the result is the better
/// of several measures (`max`), a band of a measure is hinted only if it would score more than
/// the result already does (a sum's parts are all hinted).
pub fn tier_hints_above(pack: &Pack, r: &RuleResult<'_>, lang: Lang, floor: Option<Decimal>) -> Vec<String> {
    let better_of = r.trace.iter().any(|s| matches!(s, Step::Call { func: crate::resolve::Func::Max, .. }));
    let floor = floor.filter(|_| better_of);
    let mut out = Vec::new();
    let mut last_fact: Option<(&FactRef, &Value)> = None;
    for s in &r.trace {
        let (table, input, next) = match s {
            Step::Fact { fact, value, .. } => {
                last_fact = Some((fact, value));
                continue;
            }
            Step::Tier { table, input, next: Some(n), .. } | Step::NoTier { table, input, first: Some(n), .. } => (*table, *input, *n),
            _ => continue,
        };
        let tb = &pack.tiers[table];
        if floor.is_some_and(|f| tb.bands[next.0].amount <= f) {
            continue;
        }
        // The fact the table was looked up by; a value worked out from facts (an average, a
        // ratio) is named as such.
        let what = match last_fact {
            Some((f, v)) if crate::eval::ops::tier_input(v) == Some(input) => fact_title(pack, f, lang),
            _ => text(lang, "ex-tier-computed", &[("value", &tier_input_text(tb, input, lang))]),
        };
        let gap = tier_input_text(tb, next.1, lang);
        let (band, amount) = band_words(tb, next.0, lang);
        out.push(text(lang, "ex-tier-hint", &[("what", &what), ("gap", &gap), ("band", &band), ("amount", &amount)]));
    }
    out
}

/// The amount of an awarded result as people read it: `20万元`, `20万元 – 30万元`, `不低于 10万元`.
pub fn amount_text(low: Decimal, high: Decimal, lang: Lang) -> String {
    let m = |x: Decimal| amount_words(x, lang);
    if low == high {
        m(low)
    } else if high == UNBOUNDED {
        format!("{} {}", label(lang, "ex-at-least"), m(low))
    } else {
        format!("{} – {}", m(low), m(high))
    }
}

fn result_text(o: &mut String, pack: &Pack, r: &RuleResult<'_>, lang: Lang) {
    let rule = r.rule;
    let _ = writeln!(o, "\n[{}] {} ({})", rule.clause, rule.title.get(lang), rule.id);
    let head = match rule.kind {
        RuleKind::Award => label(lang, "ex-awarded"),
        RuleKind::Limit => label(lang, "ex-limit-not-a-payment"),
        RuleKind::Check => label(lang, "ex-check"),
        RuleKind::Score => label(lang, "ex-score"),
    };
    let state = match &r.state {
        State::Awarded { low, high } if rule.kind == RuleKind::Score => {
            let p = crate::value::points_in(*low, *high, lang);
            if low == high { format!("{head}: {p}") } else { format!("{head}: {p} ({})", label(lang, "ex-score-range")) }
        }
        State::Awarded { .. } if rule.kind == RuleKind::Check => label(lang, "ex-met").to_string(),
        State::NotEligible(Reason::ConditionFailed { failed, unmet }) if rule.kind == RuleKind::Check => {
            text(lang, "ex-check-not-met", &[("why", &unmet_text(pack, failed, unmet.as_deref(), lang))])
        }
        State::Awarded { low, high } if low == high => format!("{head}: {}", show_money(*low, lang)),
        State::Awarded { low, high } if *high == UNBOUNDED => {
            format!("{head}: {} {}", label(lang, "ex-at-least"), show_money(*low, lang)) + label(lang, "ex-the-plan-sets-no")
        }
        State::Awarded { low, high } => {
            format!("{head}: {} – {} ({})", show_money(*low, lang), show_money(*high, lang), label(lang, "ex-the-exact-amount-is"))
        }
        State::NotEligible(reason) => format!("{}: {}", label(lang, "ex-not-eligible"), reason_text(pack, r, reason, lang)),
        State::NeedsInformation(m) => format!(
            "{}: {}",
            label(lang, "ex-needs-information"),
            m.iter()
                .map(|x| {
                    let f = missing_ref(x);
                    format!("{} ({})", fact_title(pack, &f, lang), fact_path(pack, &f))
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        State::NotInForce { valid, date, year } => {
            let when = date.map_or(year.to_string(), |d| d.to_string());
            text(lang, "ex-not-in-force", &[("when", &when), ("from", &valid.0.to_string()), ("to", &valid.1.to_string())])
        }
    };
    let _ = writeln!(o, "  {state}");
    if let Some(by) = r.budget_year {
        let deps: Vec<&str> = rule.verified_by.iter().map(|d| pack.department(*d).name.get(lang)).collect();
        let rule_text = match (rule.budget_year, lang) {
            (BudgetYear::Next, Lang::Zh) => "列入次年预算",
            (BudgetYear::Next, Lang::En) => "next year's budget",
            (BudgetYear::Same, Lang::Zh) => "列入当年预算",
            (BudgetYear::Same, Lang::En) => "same year's budget",
        };
        match rule.paid_by {
            Some(p) if rule.kind == RuleKind::Award => {
                let _ = writeln!(
                    o,
                    "  {} {by} ({rule_text}) · {} {} · {} {}",
                    label(lang, "ex-budget-year"),
                    label(lang, "ex-verified-by"),
                    deps.join(", "),
                    label(lang, "ex-paid-by"),
                    pack.department(p).name.get(lang)
                );
            }
            _ => {
                let _ = writeln!(o, "  {} {}", label(lang, "ex-verified-by"), deps.join(", "));
            }
        }
    }
    let _ = writeln!(o, "  {}「{}」", label(lang, "ex-source"), rule.quote);
    if let (Some(p), State::Awarded { .. }) = (&rule.procedure_quote, &r.state) {
        let _ = writeln!(o, "  {}「{}」", label(lang, "ex-procedure"), p);
    }
    if let Some(tr) = &r.trigger {
        let def = &pack.vocab.events[tr.event];
        let at = tr.at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
        let _ = writeln!(o, "  {} {} {}{at}", label(lang, "ex-triggered-by"), def.title.get(lang), tr.date);
        if let Some(d) = tr.derived {
            let _ = writeln!(o, "    {} [{}] {}「{}」", label(lang, "ex-counts-as-such-under"), d.clause, d.title.get(lang), d.quote);
        }
    }
    if !r.trace.is_empty() {
        let _ = writeln!(o, "  {}", label(lang, "ex-because"));
        for s in &r.trace {
            if let Some(line) = step_text(pack, s, lang) {
                let _ = writeln!(o, "    · {line}");
            }
        }
    }
    o.push_str(&result_notes_text(pack, r, lang));
}

/// The interpretations that applied to a result, as the last lines of [`result_to_text`].
pub fn result_notes_text(pack: &Pack, r: &RuleResult<'_>, lang: Lang) -> String {
    let mut o = String::new();
    for n in &r.notes {
        let note = &pack.notes[*n];
        let _ = writeln!(o, "  {} [{}] {} — {}", label(lang, "ex-interpretation"), note.clause, note.id, note.choice.get(lang));
    }
    o
}

/// Why a result is *not eligible*, as a sentence (empty for other states).
pub fn not_eligible_text(pack: &Pack, r: &RuleResult<'_>, lang: Lang) -> String {
    match &r.state {
        State::NotEligible(reason) => reason_text(pack, r, reason, lang),
        _ => String::new(),
    }
}

fn reason_text(pack: &Pack, r: &RuleResult<'_>, reason: &Reason, lang: Lang) -> String {
    match reason {
        Reason::ConditionFailed { failed, unmet } => unmet_text(pack, failed, unmet.as_deref(), lang),
        Reason::NoTrigger => {
            let ev = match &r.rule.trigger {
                crate::model::Trigger::Event { event, .. } => pack.vocab.events[*event].title.get(lang).to_string(),
                crate::model::Trigger::Year => String::new(),
            };
            text(lang, "ex-no-trigger", &[("year", &r.claim_year.to_string()), ("event", &ev)])
        }
        Reason::NoTier { table, input } => {
            let tb = &pack.tiers[*table];
            let first = if tb.bands.is_empty() { String::new() } else { band_words(tb, 0, lang).0 };
            text(lang, "ex-below-lowest-tier", &[("input", &tier_input_text(tb, *input, lang)), ("band", &first)])
        }
        Reason::AlreadyAwarded { year, at, .. } => {
            let at = at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
            text(lang, "ex-already-awarded", &[("year", &year.to_string()), ("at", &at)])
        }
        Reason::BaseNotAwarded { rule, .. } => {
            let title = pack.rules.iter().find(|x| x.id == *rule).map_or(rule.as_str(), |x| x.title.get(lang));
            text(lang, "ex-base-not-awarded", &[("base", title)])
        }
        Reason::ApplicantKind { kind } => {
            let e = &pack.enums[pack.applicant_enum as usize];
            let name = |v: u16| e.variants[v as usize].name.get(lang).to_string();
            let who: Vec<String> = r.rule.applicants.iter().map(|v| name(*v)).collect();
            let who = who.join(label(lang, "ex-list-separator"));
            text(lang, "ex-applicant-kind", &[("who", &who), ("kind", &name(*kind))])
        }
        Reason::Overflow => label(lang, "ex-amount-out-of-computable").into(),
        Reason::Undefined { expr } => text(lang, "ex-undefined-ratio", &[("expr", expr)]),
    }
}

/// A number of a tier table in JSON: money to the fen, anything else as written (`0.3`, `4`).
fn tier_number(by: crate::model::Type, v: Decimal) -> String {
    match by {
        crate::model::Type::Money => money_plain(v),
        _ => v.normalize().to_string(),
    }
}

fn tier_out(tb: &crate::model::TierTable) -> crate::model::Type {
    if tb.points { crate::model::Type::Points } else { crate::model::Type::Money }
}

fn tier_next_json(tb: &crate::model::TierTable, b: usize, gap: Decimal) -> J {
    json!({"band": tb.bands[b].describe(), "amount": tier_number(tier_out(tb), tb.bands[b].amount), "needs_more": tier_number(tb.input, gap)})
}

/// A value looked up in a tier table, in the reader's words: money as `yuan`, a rate or a number
/// as the source writes it.
fn tier_input_text(tb: &crate::model::TierTable, input: Decimal, lang: Lang) -> String {
    match tb.input {
        crate::model::Type::Money => yuan(input, lang),
        _ => tb.input_text(input),
    }
}

/// A condition of the pack (a `required_when`, a guard) as people say it: "认定类别为智能工厂或数字化车间";
/// `event`: the event type whose fields it may name. Its source text where it is not about facts.
pub fn condition_text(pack: &Pack, c: &crate::resolve::CExpr, event: Option<usize>, lang: Lang) -> String {
    node_text(pack, &c.node, event, lang).unwrap_or_else(|| c.text.clone())
}

fn node_text(pack: &Pack, n: &crate::resolve::N, event: Option<usize>, lang: Lang) -> Option<String> {
    use crate::resolve::NK;
    let v = &pack.vocab;
    let title = |n: &crate::resolve::N| -> Option<String> {
        Some(match n.k {
            NK::Attr(i) => v.attributes[i].title.get(lang).to_string(),
            NK::Yearly(i) => v.yearly[i].title.get(lang).to_string(),
            NK::Field(i) => v.events[event?].fields[i].title.get(lang).to_string(),
            _ => return None,
        })
    };
    let konst = |n: &crate::resolve::N| match &n.k {
        NK::Const(x) => Some(value_text(pack, x, lang)),
        _ => None,
    };
    let is = |fact: String, value: String| text(lang, "ex-cond-is", &[("fact", &fact), ("value", &value)]);
    Some(match &n.k {
        NK::In(x, items) => {
            let vals: Vec<String> = items.iter().map(|i| value_text(pack, i, lang)).collect();
            is(title(x)?, vals.join(label(lang, "ex-cond-or")))
        }
        NK::Bin(BinOp::Eq, a, b) => is(title(a)?, konst(b)?),
        NK::Bin(op @ (BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b) => {
            format!("{}{} {}", title(a)?, op_words(*op, lang), konst(b)?)
        }
        NK::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
            let join = label(lang, if *op == BinOp::And { "ex-cond-and" } else { "ex-cond-or" });
            format!("{}{join}{}", node_text(pack, a, event, lang)?, node_text(pack, b, event, lang)?)
        }
        NK::Not(x) => is(title(x)?, label(lang, "ex-no").to_string()),
        _ if n.ty == crate::model::Type::Bool => is(title(n)?, label(lang, "ex-yes").to_string()),
        _ => return None,
    })
}

/// A failed condition as a sentence: "本条要求研发费用加计扣除额 (2023)大于 50万元,实际为 40万元";
/// the formula only when the condition is not about one fact.
fn unmet_text(pack: &Pack, failed: &str, unmet: Option<&Unmet>, lang: Lang) -> String {
    match unmet {
        Some(Unmet::Flag { fact, needed }) => {
            let id = if *needed { "ex-unmet-needs-yes" } else { "ex-unmet-needs-no" };
            text(lang, id, &[("fact", &fact_title(pack, fact, lang))])
        }
        Some(Unmet::Compare { fact, op, value, bound }) => text(
            lang,
            "ex-unmet-compare",
            &[
                ("fact", &fact_title(pack, fact, lang)),
                ("op", op_words(*op, lang)),
                ("bound", &value_text(pack, bound, lang)),
                ("value", &value_text(pack, value, lang)),
            ],
        ),
        Some(Unmet::Ratio { fact, value, with, of, bound, need }) => text(
            lang,
            if with.is_some() { "ex-unmet-ratio-sum" } else { "ex-unmet-ratio" },
            &[
                ("fact", &fact_title(pack, fact, lang)),
                ("value", &value_text(pack, value, lang)),
                ("with", &with.as_ref().map(|w| value_text(pack, w, lang)).unwrap_or_default()),
                ("of", &value_text(pack, of, lang)),
                ("bound", &value_text(pack, bound, lang)),
                ("need", &value_text(pack, need, lang)),
                ("more", &more_text(pack, value, need, lang)),
            ],
        ),
        None => text(lang, "ex-condition-failed", &[("expr", failed)]),
    }
}

/// How much more of a fact is needed: `need − value` in the fact's unit.
fn more_text(pack: &Pack, value: &Value, need: &Value, lang: Lang) -> String {
    match (value, need) {
        (Value::Int(a), Value::Int(b)) => Value::Int(b - a).show(pack, lang),
        (Value::Money(a), Value::Money(b)) => value_text(pack, &Value::Money(b - a), lang),
        (Value::Dec(a), Value::Dec(b)) => Value::Dec(b - a).show(pack, lang),
        _ => String::new(),
    }
}

/// A comparison in words ("大于", "is more than").
fn op_words(op: BinOp, lang: Lang) -> &'static str {
    label(
        lang,
        match op {
            BinOp::Eq => "ex-op-eq",
            BinOp::Ne => "ex-op-ne",
            BinOp::Lt => "ex-op-lt",
            BinOp::Le => "ex-op-le",
            BinOp::Gt => "ex-op-gt",
            BinOp::Ge => "ex-op-ge",
            _ => "ex-op-other",
        },
    )
}

/// A band of a tier table and what it pays, as the explanation shows them.
fn band_words(tb: &crate::model::TierTable, i: usize, lang: Lang) -> (String, String) {
    let b = &tb.bands[i];
    let band = match lang {
        Lang::Zh => b.describe(),
        Lang::En => b.describe_in(lang),
    };
    let amount = if tb.points || b.high.is_some() { tb.amount_text(i, lang) } else { amount_words(b.amount, lang) };
    (band, amount)
}

/// An amount the plan writes (`20万元`) as the reader reads it: the plan's own words in Chinese,
/// yuan with the plan's words beside them in English.
fn amount_words(m: Decimal, lang: Lang) -> String {
    match lang {
        Lang::Zh => money_source(m),
        Lang::En => show_money(m, lang),
    }
}

fn step_text(pack: &Pack, s: &Step<'_>, lang: Lang) -> Option<String> {
    let yes_no = |b: bool| label(lang, if b { "ex-yes" } else { "ex-no" });
    let next_tier = |tb: &crate::model::TierTable, next: &Option<(usize, Decimal)>| match next {
        Some((b, gap)) => {
            let (band, amount) = band_words(tb, *b, lang);
            text(lang, "ex-step-next-tier", &[("gap", &tier_input_text(tb, *gap, lang)), ("band", &band), ("amount", &amount)])
        }
        None => String::new(),
    };
    Some(match s {
        Step::Part { .. } | Step::Once { .. } => return None,
        Step::Fact { fact, value, at } => {
            let at = at.as_deref().map(|a| format!("  [{a}]")).unwrap_or_default();
            format!("{} = {}{at}", fact_title(pack, fact, lang), value.show(pack, lang))
        }
        Step::Unknown { missing } => {
            let f = missing_ref(missing);
            format!("{}: {}", fact_title(pack, &f, lang), label(lang, "ex-not-known"))
        }
        Step::Compare { subject, lhs, op, rhs, result, .. } => {
            let (l, r) = (value_text(pack, lhs, lang), value_text(pack, rhs, lang));
            let args = [("lhs", l.as_str()), ("op", op_words(*op, lang)), ("rhs", r.as_str()), ("result", yes_no(*result))];
            match subject {
                Some(f) => {
                    let t = fact_title(pack, f, lang);
                    let mut a = args.to_vec();
                    a.push(("subject", &t));
                    text(lang, "ex-step-compare-fact", &a)
                }
                None => text(lang, "ex-step-compare", &args),
            }
        }
        Step::Arith { lhs, op, rhs, result, .. } => {
            let sign = match op {
                BinOp::Add => "+",
                BinOp::Sub => "−",
                BinOp::Mul => "×",
                BinOp::Div => "÷",
                other => other.symbol(),
            };
            format!("{} {sign} {} = {}", value_text(pack, lhs, lang), value_text(pack, rhs, lang), value_text(pack, result, lang))
        }
        Step::Call { func, args, result, .. } => {
            let id = match func {
                crate::resolve::Func::Min => "ex-fn-min",
                crate::resolve::Func::Max => "ex-fn-max",
                crate::resolve::Func::Range => "ex-fn-range",
                crate::resolve::Func::RoundFen => "ex-fn-round-fen",
                crate::resolve::Func::YearOf => "ex-fn-year-of",
                crate::resolve::Func::AtLeast => "ex-fn-at-least",
                crate::resolve::Func::Ratio => "ex-fn-ratio",
                crate::resolve::Func::YearsAfter => "ex-fn-years-after",
            };
            let args: Vec<String> = args.iter().map(|a| value_text(pack, a, lang)).collect();
            let args = args.join(label(lang, "ex-list-separator"));
            text(lang, "ex-step-call", &[("func", label(lang, id)), ("args", &args), ("result", &value_text(pack, result, lang))])
        }
        Step::Tier { table, input, band, amount: _, boundary_note, next } => {
            let tb = &pack.tiers[*table];
            let (b, amount) = band_words(tb, *band, lang);
            let mut s = text(lang, "ex-step-tier", &[("input", &tier_input_text(tb, *input, lang)), ("band", &b), ("amount", &amount)]);
            if let Some(n) = boundary_note {
                let _ = write!(s, " ({} {})", label(lang, "ex-boundary-value-see-interpretation"), pack.notes[*n].id);
            }
            s + &next_tier(tb, next)
        }
        Step::NoTier { table, input, first } => {
            let tb = &pack.tiers[*table];
            text(lang, "ex-step-no-tier", &[("input", &tier_input_text(tb, *input, lang))]) + &next_tier(tb, first)
        }
        Step::Brackets { table, input, parts, result } => {
            let ps: Vec<String> =
                parts.iter().map(|(b, r, a)| format!("{} × {} = {}", yuan(*b, lang), rate_percent(*r), yuan(*a, lang))).collect();
            format!("{} {}: {} → {}", pack.brackets[*table].id, yuan(*input, lang), ps.join(" + "), yuan(*result, lang))
        }
        Step::Rounded { from, to } => text(lang, "ex-step-rounded", &[("from", &from.normalize().to_string()), ("to", &yuan(*to, lang))]),
    })
}

fn value_text(pack: &Pack, v: &Value, lang: Lang) -> String {
    match v {
        Value::Money(m) => yuan(*m, lang),
        other => other.show(pack, lang),
    }
}
