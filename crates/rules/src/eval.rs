//! The evaluator: (pack, facts, claim years) → one result per applicable rule, each in an explicit
//! state, each with its derivation.
//!
//! It is pure: no IO, no clock. "Today" never enters; the claim years are inputs. Conditions use
//! three-valued logic: a missing fact is *unknown*, never false, so `false && unknown` is false but
//! `true && unknown` asks for the missing fact (*needs information*).

use crate::facts::{Event, Facts};
use crate::model::*;
use crate::resolve::{CExpr, Func, N, NK};
use crate::syntax::{BinOp, UnOp};
use crate::value::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::sync::Arc;

/// What to evaluate.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Claim years to report. Empty: every year the facts mention. Earlier years the facts mention
    /// are always evaluated too (unreported) so a one-time award is never granted twice.
    pub years: Vec<i32>,
    /// Record every step of every derivation (explanations); off for bulk runs.
    pub trace: bool,
    /// Keep only awarded results (bulk runs and budgets): the others are still evaluated, so
    /// once-keys and top-ups behave exactly as in a full evaluation, but are not materialised.
    pub awards_only: bool,
    /// Visit only these rules (by index; what-if runs re-evaluate just the rules a reform
    /// changes). Base rules of a visited top-up must be visited too.
    pub only_rules: Option<std::sync::Arc<[bool]>>,
}

/// The outcome for one rule and one claim year (and one triggering event, if the rule has one).
#[derive(Debug, Clone)]
pub struct RuleResult<'p> {
    pub rule: &'p Rule,
    pub claim_year: i32,
    pub trigger: Option<TriggerInfo<'p>>,
    pub state: State,
    pub once_key: Option<String>,
    /// Where the award is budgeted (only for *awarded*).
    pub budget_year: Option<i32>,
    /// Interpretation notes that applied to this result (rule notes, boundary choices, derivations).
    pub notes: Vec<usize>,
    pub trace: Vec<Step<'p>>,
}

/// The event that triggered a result, and the derivation that produced it if it was derived.
#[derive(Debug, Clone)]
pub struct TriggerInfo<'p> {
    pub event: usize,
    pub date: Date,
    pub at: Option<Arc<str>>,
    pub derived: Option<&'p Derive>,
    pub fields: Vec<Option<Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// The amount is `[low, high]`; `low == high` unless the plan leaves it to the administrator.
    Awarded {
        low: Decimal,
        high: Decimal,
    },
    NotEligible(Reason),
    /// These facts are needed (and not known) to decide.
    NeedsInformation(Vec<Missing>),
    /// The claim falls outside the rule's validity period.
    NotInForce {
        valid: (Date, Date),
        date: Option<Date>,
        year: i32,
    },
}

impl State {
    /// The state as a user reads it for this rule: for a check, *awarded* is `met` and a failed
    /// condition is `not-met`.
    pub fn code_for(&self, rule: &Rule) -> &'static str {
        match (rule.kind, self) {
            (RuleKind::Check, State::Awarded { .. }) => "met",
            (RuleKind::Check, State::NotEligible(Reason::ConditionFailed { .. })) => "not-met",
            (RuleKind::Score, State::Awarded { .. }) => "scored",
            _ => self.code(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            State::Awarded { .. } => "awarded",
            State::NotEligible(_) => "not-eligible",
            State::NeedsInformation(_) => "needs-information",
            State::NotInForce { .. } => "not-in-force",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    /// The guard evaluated to false; `failed` is the source text of the part that decided it, and
    /// `unmet` the same part in terms of a fact, when it is one (for a sentence, not a formula).
    ConditionFailed { failed: String, unmet: Option<Box<Unmet>> },
    /// No event of the trigger's kind in the claim year.
    NoTrigger,
    /// The value is below (or between) every band of a tier table.
    NoTier { table: usize, input: Decimal },
    /// The once-key was already awarded (earlier in the facts, or a repeated fact).
    AlreadyAwarded { once_key: String, year: i32, at: Option<Arc<str>> },
    /// A top-up whose base award (the `rule` with this key) has not been awarded.
    BaseNotAwarded { rule: String, key: String },
    /// The rule is for other kinds of applicant (its `applicants`) than the entity's `kind`.
    ApplicantKind { kind: u16 },
    /// Only reachable with unvalidated input: validated facts are bounded far below overflow.
    Overflow,
    /// A ratio the rule needs has a zero denominator (`ratio(研发费用, 销售收入)` with no sales).
    Undefined { expr: String },
}

impl Reason {
    pub fn code(&self) -> &'static str {
        match self {
            Reason::ConditionFailed { .. } => "condition-failed",
            Reason::NoTrigger => "no-trigger",
            Reason::NoTier { .. } => "below-tiers",
            Reason::AlreadyAwarded { .. } => "already-awarded",
            Reason::BaseNotAwarded { .. } => "base-not-awarded",
            Reason::ApplicantKind { .. } => "applicant-kind",
            Reason::Overflow => "arithmetic-overflow",
            Reason::Undefined { .. } => "undefined-ratio",
        }
    }
}

/// A fact that evaluation needed and did not have.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Missing {
    Attr(usize),
    Yearly(usize, i32),
    Field(usize, usize),
}

/// A failed condition about one fact: what the fact is, and what the rule needed.
#[derive(Debug, Clone, PartialEq)]
pub enum Unmet {
    /// A yes/no fact that is not `needed`.
    Flag { fact: FactRef, needed: bool },
    /// A fact whose `value` does not stand in `op` to `bound` (`value op bound` is false).
    Compare { fact: FactRef, op: BinOp, value: Value, bound: Value },
    /// A share too small: `ratio(fact, of) op bound` is false, or `ratio(with + fact, of)` where
    /// the share is of a sum (three years' R&D: the latest year is the fact, the other years
    /// `with`). `need` is the smallest value of the fact that would meet it, the rest unchanged
    /// (a whole number for a count).
    Ratio { fact: FactRef, value: Value, with: Option<Value>, of: Value, bound: Value, need: Value },
}

/// Which fact a trace step read.
#[derive(Debug, Clone, PartialEq)]
pub enum FactRef {
    Attr(usize),
    Yearly(usize, i32),
    Field(usize, usize),
    EventDate(usize),
    ClaimYear,
}

/// One step of a derivation, in evaluation order. `expr` is the source text of the sub-expression.
#[derive(Debug, Clone)]
pub enum Step<'p> {
    /// Start of a part of the rule (`when`, `guard`, `amount`, `once`, or a derivation's `when`).
    Part {
        part: &'static str,
        expr: &'p str,
    },
    Fact {
        fact: FactRef,
        value: Value,
        at: Option<Arc<str>>,
    },
    Unknown {
        missing: Missing,
    },
    Compare {
        expr: &'p str,
        /// The fact on the left, when the left side is one (the sentence names it).
        subject: Option<FactRef>,
        op: BinOp,
        lhs: Value,
        rhs: Value,
        result: bool,
    },
    Arith {
        expr: &'p str,
        op: BinOp,
        lhs: Value,
        rhs: Value,
        result: Value,
    },
    Call {
        expr: &'p str,
        func: Func,
        args: Vec<Value>,
        result: Value,
    },
    Tier {
        table: usize,
        input: Decimal,
        band: usize,
        amount: Decimal,
        boundary_note: Option<usize>,
        next: Option<(usize, Decimal)>,
    },
    NoTier {
        table: usize,
        input: Decimal,
        first: Option<(usize, Decimal)>,
    },
    Brackets {
        table: usize,
        input: Decimal,
        parts: Vec<(Decimal, Decimal, Decimal)>,
        result: Decimal,
    },
    Rounded {
        from: Decimal,
        to: Decimal,
    },
    Once {
        key: String,
    },
}

/// Everything an evaluation produced, with provenance (pack id, content hash, engine version).
#[derive(Debug, Clone)]
pub struct Evaluation<'p> {
    pub pack: &'p Pack,
    pub entity_id: String,
    pub entity_name: Option<String>,
    pub years: Vec<i32>,
    pub results: Vec<RuleResult<'p>>,
    /// The pack's standards assessed for each reported year (none in bulk runs, which keep only
    /// awards).
    pub standards: Vec<crate::standard::StandardResult<'p>>,
}

pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// An event after derivations: original, or derived (with the derivation and any missing facts).
struct Ev<'p, 'f> {
    /// Borrowed for the entity's own events, owned for derived ones.
    ev: std::borrow::Cow<'f, Event>,
    derived: Option<&'p Derive>,
    pending: Vec<Missing>,
    derive_trace: Vec<Step<'p>>,
}

/// Evaluates every applicable rule for the claim years.
pub fn evaluate<'p>(pack: &'p Pack, facts: &Facts, opts: &Options) -> Evaluation<'p> {
    let events = derive_events(pack, facts, opts.trace);
    let fact_years = facts.years();
    let mut report: Vec<i32> = if opts.years.is_empty() { fact_years.clone() } else { opts.years.clone() };
    report.sort_unstable();
    report.dedup();
    let last = report.last().copied().unwrap_or(pack.valid.0.year);
    let mut run: Vec<i32> = fact_years.iter().copied().filter(|y| *y <= last).chain(report.iter().copied()).collect();
    run.sort_unstable();
    run.dedup();

    let kind_ix = pack.vocab.attribute("kind");
    let kind = kind_ix.and_then(|i| facts.attributes[i].as_ref()).map(|f| f.value.clone());
    let mut awarded: HashMap<String, (i32, Option<Arc<str>>)> = HashMap::new();
    let mut results = Vec::new();
    let mut standards = Vec::new();

    // Base rules before their top-ups, so a top-up sees a base awarded in the same year; results
    // are put back in pack order per year.
    let order = &pack.eval_order;
    // Which event types occur in which year (a bit per type): with awards only, a rule whose
    // triggering event does not occur that year can award nothing, so it is not visited.
    let event_mask =
        |year: i32| -> u128 { events.iter().filter(|e| e.ev.date.year == year).fold(0u128, |m, e| m | (1u128 << (e.ev.ty % 128))) };
    let awards_only = opts.awards_only;
    let push = |results: &mut Vec<RuleResult<'p>>, r: Option<RuleResult<'p>>| results.extend(r);
    for &year in &run {
        let reported = report.binary_search(&year).is_ok();
        let present = event_mask(year);
        let first_result = results.len();
        for &ri in order {
            let rule = &pack.rules[ri];
            if opts.only_rules.as_ref().is_some_and(|m| !m[ri]) {
                continue;
            }
            if let (true, Trigger::Event { event, .. }) = (awards_only, &rule.trigger)
                && present & (1u128 << (event % 128)) == 0
            {
                continue;
            }
            // Applicability by applicant kind: unknown kind is a question, not a "no"; a kind the
            // rule does not name is a "no" that says so (not a silence).
            let kind_missing = !rule.applicants.is_empty() && kind.is_none();
            let excluded = match (&kind, rule.applicants.is_empty()) {
                (Some(Value::Enum(_, v)), false) if !rule.applicants.contains(v) => Some(*v),
                _ => None,
            };
            if excluded.is_some() && (awards_only || !reported) {
                continue;
            }
            let mut ctx = Cx { pack, facts, year, event: None, trace: opts.trace.then(Vec::new), notes: Vec::new(), reasons: !awards_only };
            let mk = |ctx: Cx<'p, '_>, trigger: Option<TriggerInfo<'p>>, state: State, once_key: Option<String>| {
                if awards_only && !matches!(state, State::Awarded { .. }) {
                    return None;
                }
                let budget_year = match (&state, rule.budget_year) {
                    (State::Awarded { .. }, BudgetYear::Same) => Some(trigger.as_ref().map_or(year, |t| t.date.year)),
                    (State::Awarded { .. }, BudgetYear::Next) => Some(trigger.as_ref().map_or(year, |t| t.date.year) + 1),
                    _ => None,
                };
                let mut notes = rule.notes.clone();
                notes.extend(ctx.notes.iter().copied());
                if let Some(d) = trigger.as_ref().and_then(|t| t.derived) {
                    notes.extend(d.notes.iter().copied());
                }
                notes.sort_unstable();
                notes.dedup();
                Some(RuleResult {
                    rule,
                    claim_year: year,
                    trigger,
                    state,
                    once_key,
                    budget_year,
                    notes,
                    trace: ctx.trace.unwrap_or_default(),
                })
            };
            if let Some(kind) = excluded {
                push(&mut results, mk(ctx, None, State::NotEligible(Reason::ApplicantKind { kind }), None));
                continue;
            }
            if kind_missing {
                if reported {
                    let m = kind_ix.map(Missing::Attr).into_iter().collect();
                    push(&mut results, mk(ctx, None, State::NeedsInformation(m), None));
                }
                continue;
            }
            let in_force_year = (rule.valid.0.year..=rule.valid.1.year).contains(&year);
            match &rule.trigger {
                Trigger::Year => {
                    let state = if in_force_year {
                        decide(&mut ctx, rule, &mut awarded, None)
                    } else {
                        (State::NotInForce { valid: rule.valid, date: None, year }, None)
                    };
                    if reported {
                        push(&mut results, mk(ctx, None, state.0, state.1));
                    }
                }
                Trigger::Event { event, filter } => {
                    let mut any = false;
                    for e in events.iter().filter(|e| e.ev.ty == *event && e.ev.date.year == year) {
                        let mut ctx = Cx {
                            pack,
                            facts,
                            year,
                            event: Some(&e.ev),
                            trace: opts.trace.then(Vec::new),
                            notes: Vec::new(),
                            reasons: !awards_only,
                        };
                        if let Some(t) = ctx.trace.as_mut() {
                            t.extend(e.derive_trace.iter().cloned());
                        }
                        // The filter selects which events concern this rule; a false filter is silence.
                        if let Some(f) = filter {
                            match ctx.cond(f, "when") {
                                Ok(false) => continue,
                                Ok(true) => {}
                                Err(Stop::Missing(m)) => {
                                    any = true;
                                    if reported {
                                        push(&mut results, mk(ctx, Some(trigger_info(e)), State::NeedsInformation(m), None));
                                    }
                                    continue;
                                }
                                Err(other) => {
                                    any = true;
                                    if reported {
                                        let s = other.into_state(&mut ctx);
                                        push(&mut results, mk(ctx, Some(trigger_info(e)), s, None));
                                    }
                                    continue;
                                }
                            }
                        }
                        any = true;
                        let (state, key) = if !e.pending.is_empty() {
                            (State::NeedsInformation(e.pending.clone()), None)
                        } else if e.ev.date < rule.valid.0 || e.ev.date > rule.valid.1 {
                            (State::NotInForce { valid: rule.valid, date: Some(e.ev.date), year }, None)
                        } else {
                            decide(&mut ctx, rule, &mut awarded, e.ev.at.clone())
                        };
                        if reported {
                            push(&mut results, mk(ctx, Some(trigger_info(e)), state, key));
                        }
                    }
                    if !any && reported {
                        let state = if in_force_year {
                            State::NotEligible(Reason::NoTrigger)
                        } else {
                            State::NotInForce { valid: rule.valid, date: None, year }
                        };
                        push(&mut results, mk(ctx, None, state, None));
                    }
                }
            }
        }
        if results.len() - first_result > 1 {
            let rank = |r: &RuleResult<'_>| pack.rules.iter().position(|x| std::ptr::eq(x, r.rule)).unwrap_or(usize::MAX);
            results[first_result..].sort_by_key(rank);
        }
        if reported && !awards_only && opts.only_rules.is_none() {
            standards.extend(crate::standard::assess(pack, year, &results[first_result..]));
        }
    }
    Evaluation { pack, entity_id: facts.entity_id.clone(), entity_name: facts.name.clone(), years: report, results, standards }
}

fn trigger_info<'p>(e: &Ev<'p, '_>) -> TriggerInfo<'p> {
    TriggerInfo { event: e.ev.ty, date: e.ev.date, at: e.ev.at.clone(), derived: e.derived, fields: e.ev.fields.clone() }
}

/// Guard, amount, once-key: the common path of every rule once its trigger is settled.
fn decide<'p>(
    ctx: &mut Cx<'p, '_>,
    rule: &'p Rule,
    awarded: &mut HashMap<String, (i32, Option<Arc<str>>)>,
    at: Option<Arc<str>>,
) -> (State, Option<String>) {
    let guard = rule.guard.as_ref().map(|g| ctx.cond(g, "guard"));
    if let (Some(Ok(false)), Some(g)) = (&guard, &rule.guard) {
        // A bulk run keeps only awards: the reason would be thrown away, so it is not worked out.
        if !ctx.reasons {
            return (State::NotEligible(Reason::ConditionFailed { failed: String::new(), unmet: None }), None);
        }
        let (failed, unmet) = ctx.failing_part(g, &g.node);
        return (State::NotEligible(Reason::ConditionFailed { failed: failed.to_string(), unmet }), None);
    }
    // A check has no amount: passing its guard is the whole result.
    let amount = match &rule.amount {
        Some(a) => ctx.value(a, "amount"),
        None => Ok(Value::Money(Decimal::ZERO)),
    };
    // Report every missing fact at once, from the guard and the amount.
    let mut missing = Vec::new();
    if let Some(Err(Stop::Missing(m))) = &guard {
        missing.extend(m.iter().cloned());
    }
    if let Err(Stop::Missing(m)) = &amount {
        missing.extend(m.iter().cloned());
    }
    if !missing.is_empty() {
        missing.sort();
        missing.dedup();
        return (State::NeedsInformation(missing), None);
    }
    if let Some(Err(s)) = guard {
        return (s.into_state(ctx), None);
    }
    let (low, high) = match amount {
        Ok(Value::Money(m) | Value::Points(m)) => (m, m),
        Ok(Value::MoneyRange(a, b) | Value::PointsRange(a, b)) => (a, b),
        Ok(_) => (Decimal::ZERO, Decimal::ZERO),
        Err(s) => return (s.into_state(ctx), None),
    };
    // A score is points, not money: nothing to round, and no once-key (a score is the year's).
    if rule.kind == RuleKind::Score {
        return (State::Awarded { low, high }, None);
    }
    let low = ctx.round(low);
    let high = ctx.round(high);
    if let Some(req) = &rule.requires {
        let base = &ctx.pack.rules[req.rule];
        let key = match make_key(ctx, &base.id, &req.key) {
            Ok(k) => k,
            Err(s) => return (s, None),
        };
        if !awarded.contains_key(&key) {
            return (State::NotEligible(Reason::BaseNotAwarded { rule: base.id.clone(), key }), None);
        }
    }
    let key = match make_key(ctx, &rule.id, &rule.once) {
        Ok(k) => k,
        Err(s) => return (s, None),
    };
    if let Some(t) = ctx.trace.as_mut() {
        t.push(Step::Once { key: key.clone() });
    }
    if let Some((year, first)) = awarded.get(&key) {
        return (State::NotEligible(Reason::AlreadyAwarded { once_key: key.clone(), year: *year, at: first.clone() }), Some(key));
    }
    awarded.insert(key.clone(), (ctx.year, at));
    (State::Awarded { low, high }, Some(key))
}

/// `entity|rule|part|…`: the identity of an award. Its parts read facts already shown in the trace,
/// so they are evaluated without tracing.
fn make_key<'p>(ctx: &mut Cx<'p, '_>, rule_id: &str, parts: &'p [CExpr]) -> Result<String, State> {
    let mut key = format!("{}|{rule_id}", ctx.facts.entity_id);
    let mut missing = Vec::new();
    let trace = ctx.trace.take();
    let values: Vec<R> = parts.iter().map(|o| ctx.value(o, "once")).collect();
    ctx.trace = trace;
    for v in values {
        match v {
            Ok(v) => {
                key.push('|');
                key.push_str(&v.once_part(ctx.pack));
            }
            Err(Stop::Missing(m)) => missing.extend(m),
            Err(s) => return Err(s.into_state(ctx)),
        }
    }
    if missing.is_empty() { Ok(key) } else { Err(State::NeedsInformation(missing)) }
}

/// Applies derivation rules: each source event that satisfies `when` yields an emitted event.
fn derive_events<'p, 'f>(pack: &'p Pack, facts: &'f Facts, trace: bool) -> Vec<Ev<'p, 'f>> {
    let mut out: Vec<Ev<'p, 'f>> = facts
        .events
        .iter()
        .map(|e| Ev { ev: std::borrow::Cow::Borrowed(e), derived: None, pending: Vec::new(), derive_trace: Vec::new() })
        .collect();
    for d in &pack.derives {
        for src in facts.events.iter().filter(|e| e.ty == d.from) {
            let mut ctx =
                Cx { pack, facts, year: src.date.year, event: Some(src), trace: trace.then(Vec::new), notes: Vec::new(), reasons: trace };
            let mut pending = Vec::new();
            match ctx.cond(&d.when, "derive") {
                Ok(false) | Err(Stop::NoTier { .. } | Stop::Overflow | Stop::Undefined(_)) => continue,
                Ok(true) => {}
                Err(Stop::Missing(m)) => pending = m,
            }
            let def = &pack.vocab.events[d.emit];
            let mut fields = vec![None; def.fields.len()];
            for (fi, e) in &d.set {
                match ctx.value(e, "set") {
                    Ok(v) => fields[*fi] = Some(v),
                    Err(Stop::Missing(m)) => pending.extend(m),
                    Err(_) => {}
                }
            }
            out.push(Ev {
                ev: std::borrow::Cow::Owned(Event { ty: d.emit, date: src.date, fields, at: src.at.clone() }),
                derived: Some(d),
                pending,
                derive_trace: ctx.trace.unwrap_or_default(),
            });
        }
    }
    out
}

/// Why evaluation of an expression stopped without a value.
#[derive(Debug, Clone, PartialEq)]
enum Stop {
    Missing(Vec<Missing>),
    NoTier {
        table: usize,
        input: Decimal,
    },
    Overflow,
    /// A ratio whose denominator is zero (the expression's text).
    Undefined(String),
}

impl Stop {
    fn into_state(self, _ctx: &mut Cx<'_, '_>) -> State {
        match self {
            Stop::Missing(m) => State::NeedsInformation(m),
            Stop::NoTier { table, input } => State::NotEligible(Reason::NoTier { table, input }),
            Stop::Overflow => State::NotEligible(Reason::Overflow),
            Stop::Undefined(expr) => State::NotEligible(Reason::Undefined { expr }),
        }
    }
}

type R = Result<Value, Stop>;

struct Cx<'p, 'f> {
    pack: &'p Pack,
    facts: &'f Facts,
    year: i32,
    event: Option<&'f Event>,
    trace: Option<Vec<Step<'p>>>,
    notes: Vec<usize>,
    /// Say why a result is not eligible (off for bulk runs, which keep only awards).
    reasons: bool,
}

impl<'p> Cx<'p, '_> {
    fn push(&mut self, s: impl FnOnce() -> Step<'p>) {
        if let Some(t) = self.trace.as_mut() {
            t.push(s());
        }
    }

    fn cond(&mut self, e: &'p CExpr, part: &'static str) -> Result<bool, Stop> {
        self.push(|| Step::Part { part, expr: &e.text });
        match self.eval(e, &e.node)? {
            Value::Bool(b) => Ok(b),
            _ => Ok(false),
        }
    }

    fn value(&mut self, e: &'p CExpr, part: &'static str) -> R {
        if part != "once" {
            self.push(|| Step::Part { part, expr: &e.text });
        }
        self.eval(e, &e.node)
    }

    /// Money in awards is whole fen; anything finer is rounded half away from zero, as a named step.
    fn round(&mut self, m: Decimal) -> Decimal {
        let r = m.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if r != m {
            self.push(|| Step::Rounded { from: m, to: r });
        }
        r
    }

    fn eval(&mut self, e: &'p CExpr, n: &'p N) -> R {
        match &n.k {
            NK::Const(v) => Ok(v.clone()),
            NK::ClaimYear => {
                let v = Value::Int(self.year as i64);
                self.push(|| Step::Fact { fact: FactRef::ClaimYear, value: v.clone(), at: None });
                Ok(v)
            }
            NK::Attr(i) => match &self.facts.attributes[*i] {
                Some(f) => {
                    self.push(|| Step::Fact { fact: FactRef::Attr(*i), value: f.value.clone(), at: f.at.clone() });
                    Ok(f.value.clone())
                }
                None => self.missing(Missing::Attr(*i)),
            },
            NK::Yearly(i) => match self.facts.figure(self.year, *i) {
                Some(f) => {
                    let year = self.year;
                    self.push(|| Step::Fact { fact: FactRef::Yearly(*i, year), value: f.value.clone(), at: f.at.clone() });
                    Ok(f.value.clone())
                }
                None => self.missing(Missing::Yearly(*i, self.year)),
            },
            NK::Field(i) => {
                let ev = self.event.expect("resolution admits event fields only where an event is in scope");
                match &ev.fields[*i] {
                    Some(v) => {
                        let ty = ev.ty;
                        self.push(|| Step::Fact { fact: FactRef::Field(ty, *i), value: v.clone(), at: ev.at.clone() });
                        Ok(v.clone())
                    }
                    None => self.missing(Missing::Field(ev.ty, *i)),
                }
            }
            NK::EventDate => {
                let ev = self.event.expect("resolution admits event dates only where an event is in scope");
                let ty = ev.ty;
                self.push(|| Step::Fact { fact: FactRef::EventDate(ty), value: Value::Date(ev.date), at: ev.at.clone() });
                Ok(Value::Date(ev.date))
            }
            NK::Not(x) => match self.eval(e, x)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                v => Ok(v),
            },
            NK::Neg(x) => ops::neg(self.eval(e, x)?).ok_or(Stop::Overflow),
            NK::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let short = *op == BinOp::Or; // the value that decides alone
                let l = self.eval(e, a);
                if l == Ok(Value::Bool(short)) {
                    return Ok(Value::Bool(short));
                }
                let r = self.eval(e, b);
                match (l, r) {
                    (_, Ok(Value::Bool(x))) if x == short => Ok(Value::Bool(short)),
                    (Ok(_), Ok(_)) => Ok(Value::Bool(!short)),
                    (Err(Stop::Missing(mut m1)), Err(Stop::Missing(m2))) => {
                        m1.extend(m2);
                        Err(Stop::Missing(m1))
                    }
                    (Err(s), _) | (_, Err(s)) => Err(s),
                }
            }
            NK::Bin(op, a, b) => {
                let l = self.eval(e, a);
                let r = self.eval(e, b);
                let (l, r) = match (l, r) {
                    (Ok(l), Ok(r)) => (l, r),
                    (Err(Stop::Missing(mut m1)), Err(Stop::Missing(m2))) => {
                        m1.extend(m2);
                        return Err(Stop::Missing(m1));
                    }
                    (Err(s), _) | (_, Err(s)) => return Err(s),
                };
                let expr = e.slice(n.span);
                match op {
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        let ord = ops::compare(&l, &r);
                        let result = match op {
                            BinOp::Eq => ord == Some(std::cmp::Ordering::Equal),
                            BinOp::Ne => ord != Some(std::cmp::Ordering::Equal),
                            BinOp::Lt => ord == Some(std::cmp::Ordering::Less),
                            BinOp::Le => matches!(ord, Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)),
                            BinOp::Gt => ord == Some(std::cmp::Ordering::Greater),
                            _ => matches!(ord, Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)),
                        };
                        let subject = self.fact_of(a);
                        self.push(|| Step::Compare { expr, subject, op: *op, lhs: l, rhs: r, result });
                        Ok(Value::Bool(result))
                    }
                    _ => {
                        let result = ops::arith(*op, &l, &r).ok_or(Stop::Overflow)?;
                        let res = result.clone();
                        self.push(|| Step::Arith { expr, op: *op, lhs: l, rhs: r, result: res });
                        Ok(result)
                    }
                }
            }
            NK::In(x, items) => {
                let v = self.eval(e, x)?;
                let result = items.iter().any(|i| ops::compare(&v, i) == Some(std::cmp::Ordering::Equal));
                Ok(Value::Bool(result))
            }
            NK::If(c, a, b) => match self.eval(e, c)? {
                Value::Bool(true) => self.eval(e, a),
                _ => self.eval(e, b),
            },
            NK::Call(func, args) => {
                let mut vals = Vec::with_capacity(args.len());
                let mut missing = Vec::new();
                for a in args {
                    match self.eval(e, a) {
                        Ok(v) => vals.push(v),
                        Err(Stop::Missing(m)) => missing.extend(m),
                        Err(s) => return Err(s),
                    }
                }
                if !missing.is_empty() {
                    return Err(Stop::Missing(missing));
                }
                let expr = e.slice(n.span);
                // A ratio over nothing (销售收入 of 0) is undefined: the rule says so rather than
                // inventing a value.
                if *func == Func::Ratio && ops::is_zero(&vals[1]) {
                    return Err(Stop::Undefined(expr.to_string()));
                }
                let result = ops::call(*func, &vals).ok_or(Stop::Overflow)?;
                let res = result.clone();
                self.push(|| Step::Call { expr, func: *func, args: vals, result: res });
                Ok(result)
            }
            NK::Prior(k, x) => {
                let year = self.year;
                self.year -= i32::from(*k);
                let v = self.eval(e, x);
                self.year = year;
                v
            }
            NK::Tier(t, x) => {
                let Some(input) = ops::tier_input(&self.eval(e, x)?) else {
                    return Err(Stop::Overflow);
                };
                let table = &self.pack.tiers[*t];
                let (band, boundary_note) = match ops::tier_band(table, input) {
                    Some(hit) => hit,
                    None => {
                        let first = table
                            .bands
                            .iter()
                            .enumerate()
                            .find(|(_, b)| b.lower.as_ref().is_some_and(|l| l.value > input || (l.value == input && !l.inclusive)));
                        let first = first.map(|(i, b)| (i, gap_to(b, input)));
                        self.push(|| Step::NoTier { table: *t, input, first });
                        return Err(Stop::NoTier { table: *t, input });
                    }
                };
                if let Some(note) = boundary_note {
                    self.notes.push(note);
                }
                let amount = table.bands[band].amount;
                let next = table.bands.get(band + 1).map(|b| (band + 1, gap_to(b, input)));
                self.push(|| Step::Tier { table: *t, input, band, amount, boundary_note, next });
                Ok(table.amount_value(band))
            }
            NK::Brackets(t, x) => {
                let Value::Money(input) = self.eval(e, x)? else {
                    return Err(Stop::Overflow);
                };
                let table = &self.pack.brackets[*t];
                let mut parts = Vec::new();
                let total = ops::brackets(table, input, |part, rate, amount| parts.push((part, rate, amount))).ok_or(Stop::Overflow)?;
                self.push(|| Step::Brackets { table: *t, input, parts, result: total });
                Ok(Value::Money(total))
            }
        }
    }

    /// The smallest part of a false condition that makes it false: for `a && b` the false conjunct,
    /// for `a || b` the whole (every alternative failed). Evaluated again without tracing.
    fn failing_part(&mut self, e: &'p CExpr, n: &'p N) -> (&'p str, Option<Box<Unmet>>) {
        let trace = self.trace.take();
        let mut n = n;
        while let NK::Bin(BinOp::And, a, b) = &n.k {
            n = if self.eval(e, a) == Ok(Value::Bool(false)) { a } else { b };
        }
        let unmet = match &n.k {
            NK::Not(x) => self.fact_of(x).map(|fact| Box::new(Unmet::Flag { fact, needed: false })),
            NK::Bin(op @ (BinOp::Ge | BinOp::Gt), a, b) if matches!(&a.k, NK::Call(Func::Ratio, _)) => self.ratio_unmet(e, *op, a, b),
            NK::Bin(op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge), a, b) => {
                match (self.fact_of(a), self.eval(e, a), self.eval(e, b)) {
                    (Some(fact), Ok(value), Ok(bound)) => Some(Box::new(Unmet::Compare { fact, op: *op, value, bound })),
                    _ => None,
                }
            }
            _ if n.ty == Type::Bool => self.fact_of(n).map(|fact| Box::new(Unmet::Flag { fact, needed: true })),
            _ => None,
        };
        self.trace = trace;
        (e.slice(n.span), unmet)
    }

    /// What a share that is too small needs: `ratio(x, y) >= bound` with `x` a fact wants `x` at
    /// least `bound × y` (one more, or a hundredth more for money, where the bound is exclusive).
    fn ratio_unmet(&mut self, e: &'p CExpr, op: BinOp, a: &'p N, b: &'p N) -> Option<Box<Unmet>> {
        let NK::Call(Func::Ratio, args) = &a.k else { return None };
        // The fact to raise: the numerator, or the last term of a sum (the latest year of a sum
        // over years), the rest of the sum kept as it is.
        let (num, rest) = match (&args[0].k, self.fact_of(&args[0])) {
            (_, Some(_)) => (&args[0], None),
            (NK::Bin(BinOp::Add, first, last), None) if self.fact_of(last).is_some() => (&**last, Some(&**first)),
            _ => return None,
        };
        let fact = self.fact_of(num)?;
        let (value, of, bound) = (self.eval(e, num).ok()?, self.eval(e, &args[1]).ok()?, self.eval(e, b).ok()?);
        let with = match rest {
            Some(r) => Some(self.eval(e, r).ok()?),
            None => None,
        };
        let (Value::Rate(r), Some(y)) = (&bound, ops::tier_input(&of)) else { return None };
        let exact = r.checked_mul(y)? - with.as_ref().and_then(ops::tier_input).unwrap_or_default();
        let need = match &value {
            Value::Int(_) => {
                let mut n = exact.ceil();
                if op == BinOp::Gt && n == exact {
                    n += Decimal::ONE;
                }
                Value::Int(i64::try_from(n).ok()?)
            }
            Value::Money(_) | Value::Dec(_) => {
                let mut m = exact.round_dp_with_strategy(2, RoundingStrategy::ToPositiveInfinity);
                if op == BinOp::Gt && m == exact {
                    m += Decimal::new(1, 2);
                }
                if matches!(value, Value::Money(_)) { Value::Money(m) } else { Value::Dec(m.normalize()) }
            }
            _ => return None,
        };
        Some(Box::new(Unmet::Ratio { fact, value, with, of, bound, need }))
    }

    /// The fact a node reads, if it is a fact (not a formula); a figure of an earlier year read
    /// through `prior` is that year's.
    fn fact_of(&self, n: &N) -> Option<FactRef> {
        if let NK::Prior(k, x) = &n.k
            && let NK::Yearly(i) = x.k
        {
            return Some(FactRef::Yearly(i, self.year - i32::from(*k)));
        }
        match n.k {
            NK::Attr(i) => Some(FactRef::Attr(i)),
            NK::Yearly(i) => Some(FactRef::Yearly(i, self.year)),
            NK::Field(i) => self.event.map(|ev| FactRef::Field(ev.ty, i)),
            NK::EventDate => self.event.map(|ev| FactRef::EventDate(ev.ty)),
            NK::ClaimYear => Some(FactRef::ClaimYear),
            _ => None,
        }
    }

    fn missing(&mut self, m: Missing) -> R {
        // The guard and the amount may both ask for the same fact; say it once.
        if let Some(t) = self.trace.as_mut()
            && !t.iter().any(|s| matches!(s, Step::Unknown { missing } if *missing == m))
        {
            t.push(Step::Unknown { missing: m.clone() });
        }
        Err(Stop::Missing(vec![m]))
    }
}

/// How much more the input needs to fall into band `b`: for an exclusive bound, one fen more
/// (money), one more (a count) or a hundredth of a percentage point more (a rate).
fn gap_to(b: &Band, input: Decimal) -> Decimal {
    let step = match b.by {
        Type::Money => Decimal::new(1, 2),
        Type::Rate => Decimal::new(1, 4),
        _ => Decimal::ONE,
    };
    match &b.lower {
        Some(l) if l.inclusive => (l.value - input).max(Decimal::ZERO),
        Some(l) => (l.value - input + step).max(Decimal::ZERO),
        None => Decimal::ZERO,
    }
}

impl UnOp {
    /// Kept for symmetry with `BinOp::symbol` in explanations.
    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Not => "!",
            UnOp::Neg => "-",
        }
    }
}

/// The operations on values, shared by the interpreter and every compiled form of a pack, so
/// that they cannot disagree on arithmetic. `None` is an overflow (or a shape resolution rules
/// out): no value.
pub mod ops {
    use crate::model::{BracketTable, Prefer, TierTable, Value};
    use crate::resolve::Func;
    use crate::syntax::BinOp;
    use crate::value::UNBOUNDED;
    use rust_decimal::{Decimal, RoundingStrategy};

    pub fn compare(l: &Value, r: &Value) -> Option<std::cmp::Ordering> {
        use Value::*;
        match (l, r) {
            (Bool(a), Bool(b)) => Some(a.cmp(b)),
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Int(a), Dec(b)) => Some(Decimal::from(*a).cmp(b)),
            (Dec(a), Int(b)) => Some(a.cmp(&Decimal::from(*b))),
            (Dec(a), Dec(b)) | (Money(a), Money(b)) | (Rate(a), Rate(b)) | (Points(a), Points(b)) => Some(a.cmp(b)),
            (Date(a), Date(b)) => Some(a.cmp(b)),
            (Text(a), Text(b)) => Some(a.cmp(b)),
            (Enum(e1, a), Enum(e2, b)) if e1 == e2 => Some(a.cmp(b)),
            _ => None,
        }
    }

    pub fn neg(v: Value) -> Option<Value> {
        Some(match v {
            Value::Int(i) => Value::Int(i.checked_neg()?),
            Value::Dec(d) => Value::Dec(-d),
            Value::Money(d) => Value::Money(-d),
            Value::Rate(d) => Value::Rate(-d),
            Value::Points(d) => Value::Points(-d),
            other => other,
        })
    }

    fn num(v: &Value) -> Option<Decimal> {
        match v {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Dec(d) | Value::Money(d) | Value::Rate(d) | Value::Points(d) => Some(*d),
            _ => None,
        }
    }

    /// What a tier table is looked up by: money, a rate or a number.
    pub fn tier_input(v: &Value) -> Option<Decimal> {
        match v {
            Value::Money(_) | Value::Rate(_) | Value::Int(_) | Value::Dec(_) => num(v),
            _ => None,
        }
    }

    /// Whether a number is zero (the denominator of a ratio).
    pub fn is_zero(v: &Value) -> bool {
        num(v).is_some_and(|d| d.is_zero())
    }

    /// Interval bounds of a value (a point for scalars).
    fn bounds(v: &Value) -> Option<(Decimal, Decimal)> {
        match v {
            Value::MoneyRange(a, b) | Value::RateRange(a, b) | Value::PointsRange(a, b) => Some((*a, *b)),
            other => num(other).map(|d| (d, d)),
        }
    }

    fn is_money(v: &Value) -> bool {
        matches!(v, Value::Money(_) | Value::MoneyRange(..))
    }
    fn is_rate(v: &Value) -> bool {
        matches!(v, Value::Rate(_) | Value::RateRange(..))
    }
    fn is_range(v: &Value) -> bool {
        matches!(v, Value::MoneyRange(..) | Value::RateRange(..) | Value::PointsRange(..))
    }
    fn is_points(v: &Value) -> bool {
        matches!(v, Value::Points(_) | Value::PointsRange(..))
    }
    /// The value of a result's kind: money wins, then points, then rates; a range where any
    /// operand was one.
    fn shaped(money: bool, points: bool, rate: bool, range: bool, lo: Decimal, hi: Decimal) -> Value {
        match (money, points, range) {
            (true, _, true) => Value::MoneyRange(lo, hi),
            (true, _, false) => Value::Money(lo),
            (false, true, true) => Value::PointsRange(lo, hi),
            (false, true, false) => Value::Points(lo),
            (false, false, true) => Value::RateRange(lo, hi),
            (false, false, false) if rate => Value::Rate(lo),
            (false, false, false) => Value::Dec(lo),
        }
    }

    /// Exact arithmetic, with intervals where either side is a range. Types were checked at load time,
    /// so only the shapes `resolve::bin_type` admits arrive here.
    pub fn arith(op: BinOp, l: &Value, r: &Value) -> Option<Value> {
        if let (Value::Int(a), Value::Int(b)) = (l, r) {
            let v = match op {
                BinOp::Add => a.checked_add(*b),
                BinOp::Sub => a.checked_sub(*b),
                BinOp::Mul => a.checked_mul(*b),
                _ => None,
            };
            if let Some(v) = v {
                return Some(Value::Int(v));
            }
            if op != BinOp::Div {
                return None;
            }
        }
        let (la, lb) = bounds(l)?;
        let (ra, rb) = bounds(r)?;
        let f = |x: Decimal, y: Decimal| -> Option<Decimal> {
            // An unbounded high end (不低于…, no upper limit) saturates; anything else is exact.
            if x == UNBOUNDED || y == UNBOUNDED {
                let other = if x == UNBOUNDED { y } else { x };
                return match op {
                    BinOp::Add => Some(UNBOUNDED),
                    BinOp::Sub if x == UNBOUNDED && y != UNBOUNDED => Some(UNBOUNDED),
                    BinOp::Mul if other.is_zero() => Some(Decimal::ZERO),
                    BinOp::Mul if other.is_sign_positive() => Some(UNBOUNDED),
                    BinOp::Div if x == UNBOUNDED && y.is_sign_positive() => Some(UNBOUNDED),
                    _ => None,
                };
            }
            match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::Div => x.checked_div(y),
                _ => None,
            }
        };
        let (lo, hi) = match op {
            BinOp::Add => (f(la, ra), f(lb, rb)),
            BinOp::Sub => (f(la, rb), f(lb, ra)),
            _ => {
                let c = [f(la, ra), f(la, rb), f(lb, ra), f(lb, rb)];
                if c.iter().any(Option::is_none) {
                    return None;
                }
                let c: Vec<Decimal> = c.into_iter().flatten().collect();
                (c.iter().min().copied(), c.iter().max().copied())
            }
        };
        let (lo, hi) = (lo?, hi?);
        let money = is_money(l) || is_money(r);
        let range = is_range(l) || is_range(r);
        Some(shaped(money, is_points(l) || is_points(r), is_rate(l) || is_rate(r), range, lo, hi))
    }

    pub fn call(f: Func, args: &[Value]) -> Option<Value> {
        match f {
            Func::Min | Func::Max => {
                let pick = |a: Decimal, b: Decimal| if f == Func::Min { a.min(b) } else { a.max(b) };
                if args.iter().all(|a| matches!(a, Value::Int(_))) {
                    let it = args.iter().filter_map(|a| if let Value::Int(i) = a { Some(*i) } else { None });
                    let v = if f == Func::Min { it.min() } else { it.max() };
                    return Some(Value::Int(v.unwrap_or(0)));
                }
                if let Value::Date(_) = args[0] {
                    let mut best = args[0].clone();
                    for a in &args[1..] {
                        let ord = compare(a, &best);
                        if (f == Func::Min && ord == Some(std::cmp::Ordering::Less))
                            || (f == Func::Max && ord == Some(std::cmp::Ordering::Greater))
                        {
                            best = a.clone();
                        }
                    }
                    return Some(best);
                }
                let (mut lo, mut hi) = bounds(&args[0])?;
                for a in &args[1..] {
                    let (x, y) = bounds(a)?;
                    lo = pick(lo, x);
                    hi = pick(hi, y);
                }
                let (money, points) = (args.iter().any(is_money), args.iter().any(is_points));
                Some(shaped(money, points, args.iter().any(is_rate), args.iter().any(is_range), lo, hi))
            }
            Func::Range => {
                let (a, _) = bounds(&args[0])?;
                let (b, _) = bounds(&args[1])?;
                let (lo, hi) = (a.min(b), a.max(b));
                Some(if is_money(&args[0]) {
                    Value::MoneyRange(lo, hi)
                } else if is_points(&args[0]) {
                    Value::PointsRange(lo, hi)
                } else {
                    Value::RateRange(lo, hi)
                })
            }
            Func::RoundFen => {
                let r = |d: Decimal| d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                Some(match &args[0] {
                    Value::Money(m) => Value::Money(r(*m)),
                    Value::MoneyRange(a, b) => Value::MoneyRange(r(*a), r(*b)),
                    other => other.clone(),
                })
            }
            Func::AtLeast => match &args[0] {
                Value::Money(m) => Some(Value::MoneyRange(*m, UNBOUNDED)),
                _ => None,
            },
            Func::YearOf => match &args[0] {
                Value::Date(d) => Some(Value::Int(d.year as i64)),
                _ => None,
            },
            Func::Ratio => num(&args[0])?.checked_div(num(&args[1])?).map(Value::Rate),
            Func::YearsAfter => match (&args[0], &args[1]) {
                (Value::Date(d), Value::Int(n)) => d.plus_years(i32::try_from(*n).ok()?).map(Value::Date),
                _ => None,
            },
        }
    }

    /// The band of a tier table that `input` falls in, and the note of the interpretation that
    /// chose it where the text's bands overlap; `None` below (or between) every band.
    pub fn tier_band(table: &TierTable, input: Decimal) -> Option<(usize, Option<usize>)> {
        let mut hits = table.bands.iter().enumerate().filter(|(_, b)| b.contains(input)).map(|(i, _)| i);
        let first = hits.next()?;
        let Some(last) = hits.next_back() else { return Some((first, None)) };
        let (prefer, note) = table.overlap.unwrap_or((Prefer::Higher, usize::MAX));
        let pick = if prefer == Prefer::Higher { last } else { first };
        Some((pick, (note != usize::MAX).then_some(note)))
    }

    /// A marginal bracket table applied to `input`: each part of the input, its rate and the amount
    /// it gives go to `part`; the total, or `None` on overflow.
    pub fn brackets(table: &BracketTable, input: Decimal, mut part: impl FnMut(Decimal, Decimal, Decimal)) -> Option<Decimal> {
        let mut prev = Decimal::ZERO;
        let mut total = Decimal::ZERO;
        for b in &table.brackets {
            let top = b.upto.map_or(input, |u| input.min(u));
            if top > prev {
                let piece = top - prev;
                let amount = piece.checked_mul(b.rate)?;
                total += amount;
                part(piece, b.rate, amount);
            }
            prev = b.upto.unwrap_or(prev).max(prev);
            if b.upto.is_none_or(|u| input <= u) {
                break;
            }
        }
        Some(total)
    }
}
