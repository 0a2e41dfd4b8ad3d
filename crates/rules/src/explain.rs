//! Renderings of an [`Evaluation`]: deterministic JSON for machines and an explanation in Chinese
//! or English for people. Both quote the source sentence of every result.
//!
//! Nothing here computes: every figure shown comes from the evaluation's states and trace steps.

use crate::eval::{ENGINE_VERSION, Evaluation, FactRef, Missing, Reason, RuleResult, State, Step};
use crate::model::{BudgetYear, Lang, Named, Pack, RuleKind, Value};
use crate::value::{UNBOUNDED, money_en, money_plain, money_source, money_yuan, rate_percent};

/// JSON for an amount: an exact string, or `null` for "no upper limit".
fn money_json(m: Decimal) -> J {
    if m == UNBOUNDED { J::Null } else { J::String(money_plain(m)) }
}
use rust_decimal::Decimal;
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// JSON form of a value: booleans and integers as JSON, everything else as exact strings.
pub fn value_json(pack: &Pack, v: &Value) -> J {
    match v {
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::MoneyRange(a, b) => json!({"low": money_plain(*a), "high": money_plain(*b)}),
        Value::RateRange(a, b) => {
            json!({"low": a.normalize().to_string(), "high": b.normalize().to_string()})
        }
        Value::Rate(r) => J::String(r.normalize().to_string()),
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
        FactRef::EventDate(e) => format!("{}: {}", v.events[*e].title.get(lang), t(lang, "日期", "date")),
        FactRef::ClaimYear => t(lang, "申报年度", "claim year").into(),
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
    json!({
        "engine": {"name": "qiangke", "version": ENGINE_VERSION},
        "pack": {"id": pack.id, "version": pack.version, "hash": pack.hash},
        "entity": {"id": ev.entity_id, "name": ev.entity_name},
        "years": ev.years,
        "results": results,
        "rules": rules,
        "notes": notes,
        "totals": totals(ev).into_iter().map(|(y, (lo, hi))| json!({"budget_year": y, "low": money_json(lo), "high": money_json(hi)})).collect::<Vec<_>>(),
    })
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
    json!({
        "kind": rule.kind,
        "clause": rule.clause,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
        "quote": rule.quote,
        "procedure_quote": rule.procedure_quote,
        "budget_rule": match rule.budget_year { BudgetYear::Same => "same", BudgetYear::Next => "next" },
        "verified_by": rule.verified_by.iter().map(|d| named(pack.department(*d))).collect::<Vec<_>>(),
        "paid_by": rule.paid_by.map(|d| named(pack.department(d))),
    })
}

fn result_json(pack: &Pack, r: &RuleResult<'_>) -> J {
    let rule = r.rule;
    let mut o = json!({
        "rule": rule.id,
        "clause": rule.clause,
        "claim_year": r.claim_year,
        "state": r.state.code_for(rule),
        "notes": r.notes.iter().map(|n| pack.notes[*n].id.as_str()).collect::<Vec<_>>(),
        "trace": r.trace.iter().map(|s| step_json(pack, s)).collect::<Vec<_>>(),
    });
    let m = o.as_object_mut().expect("object literal");
    match &r.state {
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
            json!({
                "event": def.name,
                "date": tr.date.to_string(),
                "at": tr.at.as_deref(),
                "fields": fields,
                "derived_by": tr.derived.map(|d| json!({"id": d.id, "clause": d.clause, "quote": d.quote})),
            }),
        );
    }
    o
}

fn reason_json(pack: &Pack, r: &Reason) -> J {
    let mut o = json!({"code": r.code()});
    let m = o.as_object_mut().expect("object literal");
    match r {
        Reason::ConditionFailed { failed } => {
            m.insert("failed".into(), J::String(failed.clone()));
        }
        Reason::BaseNotAwarded { rule, key } => {
            m.insert("base_rule".into(), J::String(rule.clone()));
            m.insert("base_key".into(), J::String(key.clone()));
        }
        Reason::NoTier { table, input } => {
            m.insert("table".into(), J::String(pack.tiers[*table].id.clone()));
            m.insert("input".into(), J::String(money_plain(*input)));
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
        Step::Fact { fact, value, at } => {
            json!({"step": "fact", "fact": fact_path(pack, fact), "value": value_json(pack, value), "at": at.as_deref()})
        }
        Step::Unknown { missing } => {
            json!({"step": "unknown", "fact": fact_path(pack, &missing_ref(missing))})
        }
        Step::Compare { expr, op, lhs, rhs, result } => {
            json!({"step": "compare", "expr": expr, "op": op.symbol(), "lhs": value_json(pack, lhs), "rhs": value_json(pack, rhs), "result": result})
        }
        Step::Arith { expr, op, lhs, rhs, result } => {
            json!({"step": "arith", "expr": expr, "op": op.symbol(), "lhs": value_json(pack, lhs), "rhs": value_json(pack, rhs), "result": value_json(pack, result)})
        }
        Step::Call { expr, func, args, result } => {
            json!({"step": "call", "expr": expr, "fn": func.name(), "args": args.iter().map(|a| value_json(pack, a)).collect::<Vec<_>>(), "result": value_json(pack, result)})
        }
        Step::Tier { table, input, band, amount, boundary_note, next } => {
            let tb = &pack.tiers[*table];
            json!({
                "step": "tier", "table": tb.id, "input": money_plain(*input), "band": tb.bands[*band].describe(),
                "amount": money_plain(*amount),
                "boundary_note": boundary_note.map(|n| pack.notes[n].id.clone()),
                "next": next.map(|(b, gap)| json!({"band": tb.bands[b].describe(), "amount": money_plain(tb.bands[b].amount), "needs_more": money_plain(gap)})),
            })
        }
        Step::NoTier { table, input, first } => {
            let tb = &pack.tiers[*table];
            json!({
                "step": "no-tier", "table": tb.id, "input": money_plain(*input),
                "next": first.map(|(b, gap)| json!({"band": tb.bands[b].describe(), "amount": money_plain(tb.bands[b].amount), "needs_more": money_plain(gap)})),
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
    let _ = writeln!(
        o,
        "{}: {} {} · sha256 {} · qiangke {}",
        t(lang, "规则包", "pack"),
        pack.id,
        pack.version,
        &pack.hash[..16],
        ENGINE_VERSION
    );
    for &year in &ev.years {
        let _ = writeln!(o, "\n== {} {year} ==", t(lang, "申报年度", "claim year"));
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
                t(lang, "需补充信息:", "Needed first:"),
                fact_title(pack, &f, lang),
                fact_path(pack, &f),
                t(lang, "它决定以下规则是否适用,共", "it decides whether these rules apply:"),
                kind_asks.len()
            );
            let _ = writeln!(o, "  {}", kind_asks.join(t(lang, "；", "; ")));
        }
        if !asks.is_empty() {
            let _ = writeln!(o, "\n{}:", t(lang, "需补充信息才能判断的规则", "Rules that need more information to decide"));
            for a in asks {
                let _ = writeln!(o, "  {a}");
            }
        }
        if !quiet.is_empty() {
            let _ = writeln!(o, "\n{}:", t(lang, "本年度无触发事实的规则", "Rules with no triggering fact this year"));
            for q in quiet {
                let _ = writeln!(o, "  {q}");
            }
        }
        if !other_kinds.is_empty() {
            let _ = writeln!(o, "\n{}:", t(lang, "不适用于本主体类型的规则", "Rules for other kinds of applicant"));
            for q in other_kinds {
                let _ = writeln!(o, "  {q}");
            }
        }
    }
    let tot = totals(ev);
    if !tot.is_empty() {
        let _ = writeln!(o, "\n{}:", t(lang, "合计（按预算年度）", "Total by budget year"));
        for (y, (lo, hi)) in tot {
            if lo == hi {
                let _ = writeln!(o, "  {y}: {}", show_money(lo, lang));
            } else if hi == UNBOUNDED {
                let _ = writeln!(o, "  {y}: {} {}", t(lang, "不低于", "at least"), show_money(lo, lang));
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
    let mut out = Vec::new();
    let mut last_fact: Option<&FactRef> = None;
    for s in &r.trace {
        let (table, next) = match s {
            Step::Fact { fact, .. } => {
                last_fact = Some(fact);
                continue;
            }
            Step::Tier { table, next: Some(n), .. } | Step::NoTier { table, first: Some(n), .. } => (*table, *n),
            _ => continue,
        };
        let nb = &pack.tiers[table].bands[next.0];
        let what = last_fact.map(|f| fact_title(pack, f, lang)).unwrap_or_default();
        out.push(match lang {
            Lang::Zh => format!("{what}再增加 {} 即可达到「{}」档 ({})", money_yuan(next.1), nb.describe(), money_source(nb.amount)),
            Lang::En => {
                format!("{what}: {} more would reach the tier {} ({})", money_en(next.1), nb.describe_in(lang), show_money(nb.amount, lang))
            }
        });
    }
    out
}

/// The amount of an awarded result as people read it: `20万元`, `20万元 – 30万元`, `不低于 10万元`.
pub fn amount_text(low: Decimal, high: Decimal, lang: Lang) -> String {
    let m = |x: Decimal| match lang {
        Lang::Zh => money_source(x),
        Lang::En => show_money(x, lang),
    };
    if low == high {
        m(low)
    } else if high == UNBOUNDED {
        format!("{} {}", t(lang, "不低于", "at least"), m(low))
    } else {
        format!("{} – {}", m(low), m(high))
    }
}

fn result_text(o: &mut String, pack: &Pack, r: &RuleResult<'_>, lang: Lang) {
    let rule = r.rule;
    let _ = writeln!(o, "\n[{}] {} ({})", rule.clause, rule.title.get(lang), rule.id);
    let label = match rule.kind {
        RuleKind::Award => t(lang, "可获补助", "AWARDED"),
        RuleKind::Limit => t(lang, "上限(非拨款)", "LIMIT (not a payment)"),
        RuleKind::Check => t(lang, "检查", "CHECK"),
    };
    let state = match &r.state {
        State::Awarded { .. } if rule.kind == RuleKind::Check => t(lang, "已达到", "MET").to_string(),
        State::NotEligible(Reason::ConditionFailed { failed }) if rule.kind == RuleKind::Check => match lang {
            Lang::Zh => format!("未达到: {failed}"),
            Lang::En => format!("NOT MET: `{failed}` does not hold"),
        },
        State::Awarded { low, high } if low == high => format!("{label}: {}", show_money(*low, lang)),
        State::Awarded { low, high } if *high == UNBOUNDED => {
            format!("{label}: {} {}", t(lang, "不低于", "at least"), show_money(*low, lang))
                + t(lang, " (方案未设上限,具体金额由主管部门确定)", " (the plan sets no upper limit; the administrator decides the amount)")
        }
        State::Awarded { low, high } => format!(
            "{label}: {} – {} ({})",
            show_money(*low, lang),
            show_money(*high, lang),
            t(lang, "具体金额由主管部门在此区间内决定", "the exact amount is decided by the administrator within this range")
        ),
        State::NotEligible(reason) => format!("{}: {}", t(lang, "不符合", "NOT ELIGIBLE"), reason_text(pack, r, reason, lang)),
        State::NeedsInformation(m) => format!(
            "{}: {}",
            t(lang, "需补充信息", "NEEDS INFORMATION"),
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
            match lang {
                Lang::Zh => format!("不在政策有效期内: {when} 不在 {}至{} 之间", valid.0, valid.1),
                Lang::En => format!("NOT IN FORCE: {when} is outside the validity period {} to {}", valid.0, valid.1),
            }
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
                    t(lang, "预算年度", "budget year"),
                    t(lang, "核实:", "verified by"),
                    deps.join(", "),
                    t(lang, "拨付:", "paid by"),
                    pack.department(p).name.get(lang)
                );
            }
            _ => {
                let _ = writeln!(o, "  {} {}", t(lang, "核实:", "verified by"), deps.join(", "));
            }
        }
    }
    let _ = writeln!(o, "  {}「{}」", t(lang, "依据:", "source:"), rule.quote);
    if let (Some(p), State::Awarded { .. }) = (&rule.procedure_quote, &r.state) {
        let _ = writeln!(o, "  {}「{}」", t(lang, "程序:", "procedure:"), p);
    }
    if let Some(tr) = &r.trigger {
        let def = &pack.vocab.events[tr.event];
        let at = tr.at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
        let _ = writeln!(o, "  {} {} {}{at}", t(lang, "触发:", "triggered by:"), def.title.get(lang), tr.date);
        if let Some(d) = tr.derived {
            let _ = writeln!(o, "    {} [{}] {}「{}」", t(lang, "推定:", "counts as such under"), d.clause, d.title.get(lang), d.quote);
        }
    }
    if !r.trace.is_empty() {
        let _ = writeln!(o, "  {}", t(lang, "计算过程:", "because:"));
        for s in &r.trace {
            if let Some(line) = step_text(pack, s, lang) {
                let _ = writeln!(o, "    · {line}");
            }
        }
    }
    for n in &r.notes {
        let note = &pack.notes[*n];
        let _ = writeln!(o, "  {} [{}] {} — {}", t(lang, "解释说明", "interpretation"), note.clause, note.id, note.choice.get(lang));
    }
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
        Reason::ConditionFailed { failed } => match lang {
            Lang::Zh => format!("条件不满足: {failed}"),
            Lang::En => format!("the condition `{failed}` does not hold"),
        },
        Reason::NoTrigger => {
            let ev = match &r.rule.trigger {
                crate::model::Trigger::Event { event, .. } => pack.vocab.events[*event].title.get(lang).to_string(),
                crate::model::Trigger::Year => String::new(),
            };
            match lang {
                Lang::Zh => format!("{} 年度没有符合条件的{ev}", r.claim_year),
                Lang::En => format!("no qualifying {ev} in {}", r.claim_year),
            }
        }
        Reason::NoTier { table, input } => {
            let tb = &pack.tiers[*table];
            let first = tb.bands.first().map(|b| b.describe()).unwrap_or_default();
            match lang {
                Lang::Zh => format!("{} 低于最低档 ({first})", money_yuan(*input)),
                Lang::En => format!(
                    "{} is below the lowest tier ({})",
                    money_en(*input),
                    tb.bands.first().map(|b| b.describe_in(lang)).unwrap_or_default()
                ),
            }
        }
        Reason::AlreadyAwarded { year, at, .. } => {
            let at = at.as_deref().map(|a| format!(" ({a})")).unwrap_or_default();
            match lang {
                Lang::Zh => format!("一次性补助已在 {year} 年度给予{at}，不重复给予"),
                Lang::En => format!("this one-time award was already granted for {year}{at}; it is never paid twice"),
            }
        }
        Reason::BaseNotAwarded { rule, .. } => match lang {
            Lang::Zh => format!("此为“再给予”的追加补助,须先获得基础补助 ({rule})"),
            Lang::En => format!("this is a top-up (再给予) and the base award `{rule}` has not been granted for the same item"),
        },
        Reason::ApplicantKind { kind } => {
            let e = &pack.enums[pack.applicant_enum as usize];
            let name = |v: u16| e.variants[v as usize].name.get(lang).to_string();
            let who: Vec<String> = r.rule.applicants.iter().map(|v| name(*v)).collect();
            match lang {
                Lang::Zh => format!("本条适用于{},不适用于{}", who.join("、"), name(*kind)),
                Lang::En => format!("applies to {}, not to {}", who.join(", "), name(*kind)),
            }
        }
        Reason::Overflow => t(lang, "金额超出可计算范围", "amount out of computable range").into(),
    }
}

fn step_text(pack: &Pack, s: &Step<'_>, lang: Lang) -> Option<String> {
    Some(match s {
        Step::Part { .. } | Step::Once { .. } => return None,
        Step::Fact { fact, value, at } => {
            let at = at.as_deref().map(|a| format!("  [{a}]")).unwrap_or_default();
            format!("{} = {}{at}", fact_title(pack, fact, lang), value.show(pack, lang))
        }
        Step::Unknown { missing } => {
            let f = missing_ref(missing);
            format!("{} ({}): {}", fact_title(pack, &f, lang), fact_path(pack, &f), t(lang, "未知", "not known"))
        }
        Step::Compare { expr, lhs, op, rhs, result } => {
            let yes = if *result { t(lang, "是", "yes") } else { t(lang, "否", "no") };
            format!("{expr}: {} {} {} → {yes}", value_text(pack, lhs, lang), op.symbol(), value_text(pack, rhs, lang))
        }
        Step::Arith { expr, lhs, op, rhs, result } => {
            format!(
                "{expr}: {} {} {} = {}",
                value_text(pack, lhs, lang),
                op.symbol(),
                value_text(pack, rhs, lang),
                value_text(pack, result, lang)
            )
        }
        Step::Call { expr, result, .. } => format!("{expr} = {}", value_text(pack, result, lang)),
        Step::Tier { table, input, band, amount, boundary_note, next } => {
            let tb = &pack.tiers[*table];
            let mut s = match lang {
                Lang::Zh => format!("{} 属于「{}」档 → {}", money_yuan(*input), tb.bands[*band].describe(), money_source(*amount)),
                Lang::En => {
                    format!("{} falls in the tier {} → {}", money_en(*input), tb.bands[*band].describe_in(lang), show_money(*amount, lang))
                }
            };
            if let Some(n) = boundary_note {
                let _ = write!(s, " ({} {})", t(lang, "边界取值见解释说明", "boundary value, see interpretation"), pack.notes[*n].id);
            }
            if let Some((b, gap)) = next {
                let nb = &tb.bands[*b];
                let _ = match lang {
                    Lang::Zh => write!(s, "；再增加 {} 可达「{}」档 ({})", money_yuan(*gap), nb.describe(), money_source(nb.amount)),
                    Lang::En => write!(
                        s,
                        "; {} more would reach the tier {} ({})",
                        money_en(*gap),
                        nb.describe_in(lang),
                        show_money(nb.amount, lang)
                    ),
                };
            }
            s
        }
        Step::NoTier { table, input, first } => {
            let tb = &pack.tiers[*table];
            let mut s = match lang {
                Lang::Zh => format!("{} 不在任何一档内", money_yuan(*input)),
                Lang::En => format!("{} falls in no tier", money_en(*input)),
            };
            if let Some((b, gap)) = first {
                let nb = &tb.bands[*b];
                let _ = match lang {
                    Lang::Zh => write!(s, "；再增加 {} 可达「{}」档 ({})", money_yuan(*gap), nb.describe(), money_source(nb.amount)),
                    Lang::En => write!(
                        s,
                        "; {} more would reach the tier {} ({})",
                        money_en(*gap),
                        nb.describe_in(lang),
                        show_money(nb.amount, lang)
                    ),
                };
            }
            s
        }
        Step::Brackets { table, input, parts, result } => {
            let ps: Vec<String> =
                parts.iter().map(|(b, r, a)| format!("{} × {} = {}", yuan(*b, lang), rate_percent(*r), yuan(*a, lang))).collect();
            format!("{} {}: {} → {}", pack.brackets[*table].id, yuan(*input, lang), ps.join(" + "), yuan(*result, lang))
        }
        Step::Rounded { from, to } => match lang {
            Lang::Zh => format!("{} 按四舍五入精确到分 → {}", from.normalize(), money_yuan(*to)),
            Lang::En => format!("{} rounded half away from zero to the fen → {}", from.normalize(), money_en(*to)),
        },
    })
}

fn value_text(pack: &Pack, v: &Value, lang: Lang) -> String {
    match v {
        Value::Money(m) => yuan(*m, lang),
        other => other.show(pack, lang),
    }
}
