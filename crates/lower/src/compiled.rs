//! The pack compiled for population runs: every expression lowered once, at load, into a tree of
//! closures over one entity's facts held in flat slots ([`Frame`]), and an evaluation that gives
//! awards only.
//!
//! The interpreter (`qiangke_rules::eval`) stays the reference and the source of every
//! explanation. This form gives the same awards, to the fen and in the same order, for less: no
//! trace, no reasons, no notes, no per-entity maps, no result for a rule that does not award, and
//! values read from slots by index rather than looked up. Its arithmetic is the interpreter's own
//! ([`qiangke_rules::eval::ops`]), so the two can differ only in what they read and in which
//! order; the property test in `qiangke-batch` and the pack-case test here hold them equal.
//!
//! Three-valued logic is kept exactly: an expression that stops says whether a fact was missing or
//! something else stopped it (no tier, an overflow), because the interpreter combines the two
//! differently (`false && unknown` is false; a derived event with a missing field never awards,
//! one whose field could not be computed still may).

use qiangke_rules::eval::ops;
use qiangke_rules::facts::Facts;
use qiangke_rules::model::{BudgetYear, Pack, Trigger, Value};
use qiangke_rules::resolve::{CExpr, N, NK};
use qiangke_rules::syntax::BinOp;
use qiangke_rules::value::Date;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// Why an expression has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Halt {
    /// A fact it reads is not known.
    Missing,
    /// No tier, an overflow: known facts, but no value.
    Other,
}

type Out = Result<Value, Halt>;
type Code<'p> = Box<dyn Fn(&Env<'_>) -> Out + Send + Sync + 'p>;

/// The facts of one entity in flat slots by the pack's indexes: attributes, each year's figures
/// (years ascending) and events. Made once per worker and refilled for every entity, so a run
/// allocates only for what grows (more years or events than any entity before).
#[derive(Debug, Clone)]
pub struct Frame {
    /// The entity's id, as the awards file writes it.
    pub id: String,
    pub(crate) n_yearly: usize,
    pub(crate) attrs: Vec<Option<Value>>,
    pub(crate) years: Vec<i32>,
    /// Rows of `n_yearly` figures, one per year, made as far as a figure is set (a frame
    /// unpacked for rules that read no yearly figure has none).
    pub(crate) figures: Vec<Option<Value>>,
    /// Figures given for every year (a facts document's `entity` shorthand).
    pub(crate) every_year: Vec<Option<Value>>,
    /// Whether any attribute or every-year figure is set (so clearing can skip them).
    dirty: bool,
    pub(crate) events: Vec<Ev>,
    pub(crate) fields: Vec<Option<Value>>,
}

/// An event: its type, date and where its fields are in a field buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ev {
    pub(crate) ty: usize,
    pub(crate) date: Date,
    pub(crate) start: usize,
    pub(crate) len: usize,
}

impl Frame {
    pub fn new(pack: &Pack) -> Frame {
        let v = &pack.vocab;
        Frame {
            id: String::new(),
            n_yearly: v.yearly.len(),
            attrs: vec![None; v.attributes.len()],
            years: Vec::new(),
            figures: Vec::new(),
            every_year: vec![None; v.yearly.len()],
            dirty: false,
            events: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// Empties the frame for the next entity, keeping its buffers.
    pub fn clear(&mut self) {
        self.id.clear();
        if self.dirty {
            self.attrs.fill(None);
            self.every_year.fill(None);
            self.dirty = false;
        }
        self.years.clear();
        self.figures.clear();
        self.events.clear();
        self.fields.clear();
    }

    /// The frame of a whole facts document (or of rows already gathered into facts).
    pub fn load(&mut self, facts: &Facts) {
        self.clear();
        self.dirty = true;
        self.id.push_str(&facts.entity_id);
        for (slot, f) in self.attrs.iter_mut().zip(&facts.attributes) {
            *slot = f.as_ref().map(|f| f.value.clone());
        }
        for (i, f) in facts.yearly_default.iter().enumerate() {
            if let Some(f) = f {
                self.set_every_year(i, f.value.clone());
            }
        }
        for (year, row) in &facts.yearly {
            let y = self.year_slot(*year);
            for (i, f) in row.iter().enumerate() {
                if let Some(f) = f {
                    self.set_figure(y, i, f.value.clone());
                }
            }
        }
        for e in &facts.events {
            self.push_event(e.ty, e.date, e.fields.iter().cloned());
        }
    }

    pub fn attr(&self, i: usize) -> Option<&Value> {
        self.attrs[i].as_ref()
    }

    /// Figure `i` for every year (a facts document's `entity` shorthand).
    pub fn set_every_year(&mut self, i: usize, v: Value) {
        self.dirty = true;
        self.every_year[i] = Some(v);
    }

    pub fn set_attr(&mut self, i: usize, v: Value) {
        self.dirty = true;
        self.attrs[i] = Some(v);
    }

    /// The slot of `year`'s figures, if the entity has a row for it.
    pub fn slot(&self, year: i32) -> Option<usize> {
        self.years.binary_search(&year).ok()
    }

    /// The slot of `year`'s figures, made (empty) if the year is new.
    pub fn year_slot(&mut self, year: i32) -> usize {
        match self.years.binary_search(&year) {
            Ok(i) => i,
            Err(i) => {
                self.years.insert(i, year);
                let at = i * self.n_yearly;
                // Rows after the new one move up (years mostly come in order: none do).
                if self.figures.len() > at {
                    self.figures.resize_with(self.figures.len() + self.n_yearly, || None);
                    self.figures[at..].rotate_right(self.n_yearly);
                }
                i
            }
        }
    }

    /// Figure `i` as the year's row states it (not the every-year value).
    pub fn stated(&self, slot: usize, i: usize) -> Option<&Value> {
        self.figures.get(slot * self.n_yearly + i).and_then(Option::as_ref)
    }

    pub fn set_figure(&mut self, slot: usize, i: usize, v: Value) {
        let at = slot * self.n_yearly + i;
        if self.figures.len() <= at {
            self.figures.resize_with((slot + 1) * self.n_yearly, || None);
        }
        self.figures[at] = Some(v);
    }

    /// Figure `i` of the year in `slot`, else the every-year value (as `Facts::figure`).
    fn figure(&self, slot: Option<usize>, i: usize) -> Option<&Value> {
        slot.and_then(|s| self.stated(s, i)).or(self.every_year[i].as_ref())
    }

    pub fn push_event(&mut self, ty: usize, date: Date, fields: impl IntoIterator<Item = Option<Value>>) {
        let start = self.fields.len();
        self.fields.extend(fields);
        self.events.push(Ev { ty, date, start, len: self.fields.len() - start });
    }

    /// Calendar years the facts speak about (rows and events), as `Facts::years`.
    fn fact_years(&self, out: &mut Vec<i32>) {
        out.clear();
        out.extend(self.years.iter().copied().chain(self.events.iter().map(|e| e.date.year)));
        out.sort_unstable();
        out.dedup();
    }
}

/// What an expression is evaluated against: the entity, the claim year, the triggering event.
struct Env<'a> {
    frame: &'a Frame,
    year: i32,
    slot: Option<usize>,
    event: Option<(Ev, &'a [Option<Value>])>,
}

impl Env<'_> {
    fn field(&self, i: usize) -> Out {
        match &self.event {
            Some((_, fields)) => fields.get(i).cloned().flatten().ok_or(Halt::Missing),
            None => Err(Halt::Other),
        }
    }
}

/// Which facts an evaluation reads: attributes, yearly figures, and fields by event type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub attrs: Vec<bool>,
    pub yearly: Vec<bool>,
    pub fields: Vec<Vec<bool>>,
    /// The attributes and yearly figures marked, by index.
    pub attr_list: Vec<usize>,
    pub yearly_list: Vec<usize>,
}

impl Needs {
    fn mark(&mut self, n: &N, event: Option<usize>) {
        n.visit(&mut |k| match k {
            NK::Attr(i) => self.attrs[*i] = true,
            NK::Yearly(i) => self.yearly[*i] = true,
            NK::Field(i) => {
                if let Some(e) = event {
                    self.fields[e][*i] = true;
                }
            }
            _ => {}
        });
    }
}

/// One award (or a met check, or a limit: every result the interpreter calls *awarded*).
#[derive(Debug, Clone, PartialEq)]
pub struct Award {
    /// Index into `pack.rules`.
    pub rule: usize,
    pub claim_year: i32,
    pub low: Decimal,
    pub high: Decimal,
    pub budget_year: i32,
    /// The triggering event's type and date (rules triggered by events).
    pub trigger: Option<(usize, Date)>,
}

/// What to evaluate besides the entity and the claim years (what-if sweeps).
#[derive(Debug, Default)]
pub struct Only<'a> {
    /// Visit only these rules, in evaluation order ([`Program::order`]); the base rules of a
    /// visited top-up must be visited too.
    pub rules: Option<&'a [usize]>,
    /// Rules triggered by events whose trigger fired (an event of its type in a claim year
    /// passed its filter), by index, in the order met: the entities a change to such a rule's
    /// amount, guard or validity can affect.
    pub fired: Option<&'a mut Vec<usize>>,
}

/// Buffers one worker reuses from entity to entity.
#[derive(Debug, Default)]
pub struct Scratch {
    derived: Vec<Ev>,
    fields: Vec<Option<Value>>,
    awarded: Vec<String>,
    years: Vec<i32>,
    report: Vec<i32>,
    run: Vec<i32>,
}

struct CRule<'p> {
    filter: Option<Code<'p>>,
    guard: Option<Code<'p>>,
    amount: Option<Code<'p>>,
    once: Vec<Code<'p>>,
    /// A top-up's base rule and the parts of its key.
    requires: Option<(usize, Vec<Code<'p>>)>,
}

struct CDerive<'p> {
    when: Code<'p>,
    set: Vec<(usize, Code<'p>)>,
}

/// A pack compiled for population runs.
pub struct Program<'p> {
    pack: &'p Pack,
    rules: Vec<CRule<'p>>,
    derives: Vec<CDerive<'p>>,
    kind: Option<usize>,
}

impl<'p> Program<'p> {
    /// Lowers every expression of the pack once.
    pub fn new(pack: &'p Pack) -> Program<'p> {
        let code = |e: &'p CExpr| lower(pack, &e.node);
        let rules = pack
            .rules
            .iter()
            .map(|r| CRule {
                filter: match &r.trigger {
                    Trigger::Event { filter: Some(f), .. } => Some(code(f)),
                    _ => None,
                },
                guard: r.guard.as_ref().map(code),
                amount: r.amount.as_ref().map(code),
                once: r.once.iter().map(code).collect(),
                requires: r.requires.as_ref().map(|q| (q.rule, q.key.iter().map(code).collect())),
            })
            .collect();
        let derives =
            pack.derives.iter().map(|d| CDerive { when: code(&d.when), set: d.set.iter().map(|(i, e)| (*i, code(e))).collect() }).collect();
        Program { pack, rules, derives, kind: pack.vocab.attribute("kind") }
    }

    pub fn pack(&self) -> &'p Pack {
        self.pack
    }

    /// The rules marked in `rules` (by index), in evaluation order: what [`Only::rules`] takes.
    pub fn order(&self, rules: &[bool]) -> Vec<usize> {
        self.pack.eval_order.iter().copied().filter(|r| rules[*r]).collect()
    }

    /// The facts the rules in `rules` (all if `None`) and every derivation read: what a
    /// population must unpack for them ([`crate::population::Population::load_needed`]).
    pub fn needs(&self, rules: Option<&[bool]>) -> Needs {
        let v = &self.pack.vocab;
        let mut n = Needs {
            attrs: vec![false; v.attributes.len()],
            yearly: vec![false; v.yearly.len()],
            fields: v.events.iter().map(|e| vec![false; e.fields.len()]).collect(),
            attr_list: Vec::new(),
            yearly_list: Vec::new(),
        };
        if let Some(k) = self.kind {
            n.attrs[k] = true;
        }
        for (_, r) in self.pack.rules.iter().enumerate().filter(|(i, _)| rules.is_none_or(|m| m[*i])) {
            let event = match &r.trigger {
                Trigger::Event { event, .. } => Some(*event),
                Trigger::Year => None,
            };
            for e in r.exprs() {
                n.mark(&e.node, event);
            }
        }
        for d in &self.pack.derives {
            for e in std::iter::once(&d.when).chain(d.set.iter().map(|(_, e)| e)) {
                n.mark(&e.node, Some(d.from));
            }
        }
        n.attr_list = (0..n.attrs.len()).filter(|i| n.attrs[*i]).collect();
        n.yearly_list = (0..n.yearly.len()).filter(|i| n.yearly[*i]).collect();
        n
    }

    /// The entity's awards for the claim `years` (empty: every year its facts mention), in the
    /// interpreter's order: by year, then by the pack's order of rules, then by event.
    pub fn awards(&self, f: &Frame, years: &[i32], s: &mut Scratch, out: &mut Vec<Award>) {
        self.awards_only(f, years, Only::default(), s, out);
    }

    /// [`awards`](Self::awards), visiting only some rules and saying which triggers fired.
    pub fn awards_only(&self, f: &Frame, years: &[i32], mut only: Only<'_>, s: &mut Scratch, out: &mut Vec<Award>) {
        out.clear();
        s.awarded.clear();
        self.derive(f, s);
        f.fact_years(&mut s.years);
        s.report.clear();
        s.report.extend_from_slice(if years.is_empty() { &s.years } else { years });
        s.report.sort_unstable();
        s.report.dedup();
        let last = s.report.last().copied().unwrap_or(self.pack.valid.0.year);
        s.run.clear();
        s.run.extend(s.years.iter().copied().filter(|y| *y <= last).chain(s.report.iter().copied()));
        s.run.sort_unstable();
        s.run.dedup();
        let kind = self.kind.and_then(|k| f.attrs[k].as_ref());
        for ri in 0..s.run.len() {
            let year = s.run[ri];
            let reported = s.report.binary_search(&year).is_ok();
            let slot = f.slot(year);
            let first = out.len();
            for &r in only.rules.unwrap_or(&self.pack.eval_order) {
                let rule = &self.pack.rules[r];
                if !rule.applicants.is_empty() {
                    match kind {
                        None => continue,
                        Some(Value::Enum(_, v)) if !rule.applicants.contains(v) => continue,
                        _ => {}
                    }
                }
                let mut award = |trigger: Option<(usize, Date)>, env: &Env<'_>, awarded: &mut Vec<String>| {
                    if let Some((low, high)) = self.decide(r, env, awarded)
                        && reported
                    {
                        let arising = trigger.map_or(year, |(_, d)| d.year);
                        let budget_year = match rule.budget_year {
                            BudgetYear::Same => arising,
                            BudgetYear::Next => arising + 1,
                        };
                        out.push(Award { rule: r, claim_year: year, low, high, budget_year, trigger });
                    }
                };
                match &rule.trigger {
                    Trigger::Year => {
                        if (rule.valid.0.year..=rule.valid.1.year).contains(&year) {
                            award(None, &Env { frame: f, year, slot, event: None }, &mut s.awarded);
                        }
                    }
                    Trigger::Event { event, .. } => {
                        let n = f.events.len() + s.derived.len();
                        for k in 0..n {
                            let (e, fields) = if k < f.events.len() {
                                let e = f.events[k];
                                (e, &f.fields[e.start..e.start + e.len])
                            } else {
                                let e = s.derived[k - f.events.len()];
                                (e, &s.fields[e.start..e.start + e.len])
                            };
                            if e.ty != *event || e.date.year != year {
                                continue;
                            }
                            let env = Env { frame: f, year, slot, event: Some((e, fields)) };
                            if let Some(filter) = &self.rules[r].filter
                                && filter(&env) != Ok(Value::Bool(true))
                            {
                                continue;
                            }
                            if let Some(fired) = only.fired.as_deref_mut()
                                && fired.last() != Some(&r)
                            {
                                fired.push(r);
                            }
                            if e.date < rule.valid.0 || e.date > rule.valid.1 {
                                continue;
                            }
                            award(Some((e.ty, e.date)), &env, &mut s.awarded);
                        }
                    }
                }
            }
            out[first..].sort_by_key(|a| a.rule);
        }
    }

    /// Derivations: each original event a derivation's `when` holds for yields an event. One
    /// with a missing fact in `when` or in a field it sets could only ever ask for that fact, so
    /// it is not kept (awards only).
    fn derive(&self, f: &Frame, s: &mut Scratch) {
        s.derived.clear();
        s.fields.clear();
        for (d, cd) in self.pack.derives.iter().zip(&self.derives) {
            let width = self.pack.vocab.events[d.emit].fields.len();
            for e in f.events.iter().filter(|e| e.ty == d.from) {
                let env =
                    Env { frame: f, year: e.date.year, slot: f.slot(e.date.year), event: Some((*e, &f.fields[e.start..e.start + e.len])) };
                if (cd.when)(&env) != Ok(Value::Bool(true)) {
                    continue;
                }
                let start = s.fields.len();
                s.fields.resize(start + width, None);
                let mut pending = false;
                for (i, code) in &cd.set {
                    match code(&env) {
                        Ok(v) => s.fields[start + i] = Some(v),
                        Err(Halt::Missing) => pending = true,
                        Err(Halt::Other) => {}
                    }
                }
                if pending {
                    s.fields.truncate(start);
                    continue;
                }
                s.derived.push(Ev { ty: d.emit, date: e.date, start, len: width });
            }
        }
    }

    /// Guard, amount, top-up base, once-key, as the interpreter's `decide` with awards only.
    fn decide(&self, r: usize, env: &Env<'_>, awarded: &mut Vec<String>) -> Option<(Decimal, Decimal)> {
        let rule = &self.pack.rules[r];
        let c = &self.rules[r];
        if let Some(g) = &c.guard
            && g(env) != Ok(Value::Bool(true))
        {
            return None;
        }
        let amount = match &c.amount {
            Some(a) => a(env).ok()?,
            None => Value::Money(Decimal::ZERO),
        };
        let (low, high) = match amount {
            Value::Money(m) | Value::Points(m) => (m, m),
            Value::MoneyRange(a, b) | Value::PointsRange(a, b) => (a, b),
            _ => (Decimal::ZERO, Decimal::ZERO),
        };
        // A score is the year's points, with no once-key (as the interpreter's `decide`).
        if rule.kind == qiangke_rules::model::RuleKind::Score {
            return Some((low, high));
        }
        let round = |m: Decimal| m.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if let Some((base, parts)) = &c.requires {
            let key = self.key(&self.pack.rules[*base].id, parts, env)?;
            if !awarded.contains(&key) {
                return None;
            }
        }
        let key = self.key(&rule.id, &c.once, env)?;
        if awarded.contains(&key) {
            return None;
        }
        awarded.push(key);
        Some((round(low), round(high)))
    }

    /// `rule|part|…`: the interpreter's once-key without the entity (one entity at a time).
    fn key(&self, rule: &str, parts: &[Code<'p>], env: &Env<'_>) -> Option<String> {
        let mut key = String::with_capacity(rule.len() + 16 * parts.len());
        key.push_str(rule);
        for p in parts {
            key.push('|');
            key.push_str(&p(env).ok()?.once_part(self.pack));
        }
        Some(key)
    }
}

/// Lowers one node: the interpreter's `Cx::eval` without trace, notes or reasons.
fn lower<'p>(pack: &'p Pack, n: &'p N) -> Code<'p> {
    match &n.k {
        NK::Const(v) => {
            let v = v.clone();
            Box::new(move |_| Ok(v.clone()))
        }
        NK::ClaimYear => Box::new(|e| Ok(Value::Int(e.year as i64))),
        NK::Attr(i) => {
            let i = *i;
            Box::new(move |e| e.frame.attrs[i].clone().ok_or(Halt::Missing))
        }
        NK::Yearly(i) => {
            let i = *i;
            Box::new(move |e| e.frame.figure(e.slot, i).cloned().ok_or(Halt::Missing))
        }
        NK::Field(i) => {
            let i = *i;
            Box::new(move |e| e.field(i))
        }
        NK::EventDate => Box::new(|e| e.event.as_ref().map(|(ev, _)| Value::Date(ev.date)).ok_or(Halt::Other)),
        NK::Not(x) => {
            let x = lower(pack, x);
            Box::new(move |e| match x(e)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                v => Ok(v),
            })
        }
        NK::Neg(x) => {
            let x = lower(pack, x);
            Box::new(move |e| ops::neg(x(e)?).ok_or(Halt::Other))
        }
        NK::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
            let short = *op == BinOp::Or;
            let (a, b) = (lower(pack, a), lower(pack, b));
            Box::new(move |e| {
                let l = a(e);
                if l == Ok(Value::Bool(short)) {
                    return Ok(Value::Bool(short));
                }
                match (l, b(e)) {
                    (_, Ok(Value::Bool(x))) if x == short => Ok(Value::Bool(short)),
                    (Ok(_), Ok(_)) => Ok(Value::Bool(!short)),
                    (Err(Halt::Missing), Err(Halt::Missing)) => Err(Halt::Missing),
                    (Err(s), _) | (_, Err(s)) => Err(s),
                }
            })
        }
        NK::Bin(op, a, b) => {
            let op = *op;
            let (a, b) = (lower(pack, a), lower(pack, b));
            let test: Option<fn(Option<Ordering>) -> bool> = match op {
                BinOp::Eq => Some(|o| o == Some(Ordering::Equal)),
                BinOp::Ne => Some(|o| o != Some(Ordering::Equal)),
                BinOp::Lt => Some(|o| o == Some(Ordering::Less)),
                BinOp::Le => Some(|o| matches!(o, Some(Ordering::Less | Ordering::Equal))),
                BinOp::Gt => Some(|o| o == Some(Ordering::Greater)),
                BinOp::Ge => Some(|o| matches!(o, Some(Ordering::Greater | Ordering::Equal))),
                _ => None,
            };
            Box::new(move |e| {
                let (l, r) = match (a(e), b(e)) {
                    (Ok(l), Ok(r)) => (l, r),
                    (Err(Halt::Missing), Err(Halt::Missing)) => return Err(Halt::Missing),
                    (Err(s), _) | (_, Err(s)) => return Err(s),
                };
                match test {
                    Some(t) => Ok(Value::Bool(t(ops::compare(&l, &r)))),
                    None => ops::arith(op, &l, &r).ok_or(Halt::Other),
                }
            })
        }
        NK::In(x, items) => {
            let x = lower(pack, x);
            Box::new(move |e| {
                let v = x(e)?;
                Ok(Value::Bool(items.iter().any(|i| ops::compare(&v, i) == Some(Ordering::Equal))))
            })
        }
        NK::If(c, a, b) => {
            let (c, a, b) = (lower(pack, c), lower(pack, a), lower(pack, b));
            Box::new(move |e| match c(e)? {
                Value::Bool(true) => a(e),
                _ => b(e),
            })
        }
        NK::Call(func, args) => {
            let func = *func;
            let args: Vec<Code<'p>> = args.iter().map(|a| lower(pack, a)).collect();
            Box::new(move |e| {
                let mut vals = Vec::with_capacity(args.len());
                let mut missing = false;
                for a in &args {
                    match a(e) {
                        Ok(v) => vals.push(v),
                        Err(Halt::Missing) => missing = true,
                        Err(Halt::Other) => return Err(Halt::Other),
                    }
                }
                if missing {
                    return Err(Halt::Missing);
                }
                ops::call(func, &vals).ok_or(Halt::Other)
            })
        }
        NK::Tier(t, x) => {
            let table = &pack.tiers[*t];
            let x = lower(pack, x);
            Box::new(move |e| {
                let input = ops::tier_input(&x(e)?).ok_or(Halt::Other)?;
                let (band, _) = ops::tier_band(table, input).ok_or(Halt::Other)?;
                Ok(table.amount_value(band))
            })
        }
        NK::Prior(k, x) => {
            let k = i32::from(*k);
            let x = lower(pack, x);
            Box::new(move |e| {
                let year = e.year - k;
                x(&Env { frame: e.frame, year, slot: e.frame.slot(year), event: e.event })
            })
        }
        NK::Brackets(t, x) => {
            let table = &pack.brackets[*t];
            let x = lower(pack, x);
            Box::new(move |e| {
                let Value::Money(input) = x(e)? else { return Err(Halt::Other) };
                ops::brackets(table, input, |_, _, _| {}).map(Value::Money).ok_or(Halt::Other)
            })
        }
    }
}

impl std::fmt::Debug for Program<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("pack", &self.pack.id)
            .field("rules", &self.rules.len())
            .field("derives", &self.derives.len())
            .finish()
    }
}
