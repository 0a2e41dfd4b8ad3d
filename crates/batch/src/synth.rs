//! Synthetic populations for tests, demos and benchmarks: realistic, skewed, and dense at every
//! threshold the pack's rules compare against (each threshold exactly, and one fen either side).
//!
//! Generic over the pack: the thresholds are read from the rules themselves (comparisons of a
//! fact with a money constant, tier bounds, bracket limits), the columns from the vocabulary.
//! Every row is labelled synthetic (ids `SYN…`, name `synthetic`). Deterministic for a seed.

use qiangke_rules::model::{Pack, Type};
use qiangke_rules::resolve::{CExpr, N, NK};
use qiangke_rules::syntax::BinOp;
use qiangke_rules::uscc;
use qiangke_rules::value::money_plain;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write;

/// A fact a threshold applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Yearly(usize),
    Field(usize, usize),
}

/// SplitMix64: small, fast, good enough for test data, and stable across platforms.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// Log-uniform in [lo, hi): most values small, a long tail of large ones (fen precision).
    pub fn skewed(&mut self, lo: f64, hi: f64) -> Decimal {
        // Floats only choose a size; the amount written is an exact decimal number of fen.
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x = (lo.ln() + u * (hi.ln() - lo.ln())).exp();
        Decimal::new((x * 100.0) as i64, 2)
    }
}

fn walk(n: &N, out: &mut BTreeMap<Target, Vec<Decimal>>, pack: &Pack) {
    let target = |n: &N| match n.k {
        NK::Yearly(i) => Some(Target::Yearly(i)),
        NK::Field(f) => Some(Target::Field(usize::MAX, f)),
        _ => None,
    };
    match &n.k {
        NK::Bin(op, a, b) => {
            if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq)
                && let (Some(t), NK::Const(qiangke_rules::model::Value::Money(m))) = (target(a), &b.k)
            {
                out.entry(t).or_default().push(*m);
            }
            walk(a, out, pack);
            walk(b, out, pack);
        }
        NK::Tier(t, x) => {
            if let Some(tg) = target(x) {
                for b in &pack.tiers[*t].bands {
                    for bound in [&b.lower, &b.upper].into_iter().flatten() {
                        out.entry(tg).or_default().push(bound.value);
                    }
                }
            }
            walk(x, out, pack);
        }
        NK::Brackets(t, x) => {
            if let Some(tg) = target(x) {
                out.entry(tg).or_default().extend(pack.brackets[*t].brackets.iter().filter_map(|b| b.upto));
            }
            walk(x, out, pack);
        }
        NK::Not(x) | NK::Neg(x) | NK::In(x, _) => walk(x, out, pack),
        NK::If(a, b, c) => {
            walk(a, out, pack);
            walk(b, out, pack);
            walk(c, out, pack);
        }
        NK::Call(_, args) => args.iter().for_each(|a| walk(a, out, pack)),
        _ => {}
    }
}

/// Money thresholds per fact, read from every rule's filter, guard and amount.
fn thresholds(pack: &Pack) -> BTreeMap<Target, Vec<Decimal>> {
    let mut out = BTreeMap::new();
    for r in &pack.rules {
        let ev = match &r.trigger {
            qiangke_rules::model::Trigger::Event { event, .. } => Some(*event),
            qiangke_rules::model::Trigger::Year => None,
        };
        let mut local = BTreeMap::new();
        let exprs: Vec<&CExpr> = r
            .guard
            .iter()
            .chain(r.amount.iter())
            .chain(match &r.trigger {
                qiangke_rules::model::Trigger::Event { filter: Some(f), .. } => Some(f),
                _ => None,
            })
            .collect();
        for e in exprs {
            walk(&e.node, &mut local, pack);
        }
        for (t, v) in local {
            let t = match (t, ev) {
                (Target::Field(_, f), Some(e)) => Target::Field(e, f),
                (Target::Field(..), None) => continue,
                (t, _) => t,
            };
            let list: &mut Vec<Decimal> = out.entry(t).or_default();
            list.extend(v);
        }
    }
    for v in out.values_mut() {
        v.sort();
        v.dedup();
    }
    out
}

/// The event types a synthetic enterprise population uses: those the pack names first among
/// recognitions, relocations and won projects, else the first three.
fn event_types(pack: &Pack) -> Vec<usize> {
    let preferred: Vec<usize> = ["recognition", "relocation", "won_project"].iter().filter_map(|n| pack.vocab.event(n)).collect();
    if preferred.is_empty() { (0..pack.vocab.events.len().min(3)).collect() } else { preferred }
}

/// The header of a synthetic table.
pub fn header(pack: &Pack) -> Vec<String> {
    let v = &pack.vocab;
    let mut h = vec!["id".to_string(), "name".into(), "year".into()];
    h.extend(v.attributes.iter().filter(|a| a.ty != Type::Date).map(|a| a.name.clone()));
    h.extend(v.yearly.iter().map(|a| a.name.clone()));
    for e in event_types(pack) {
        let ev = &v.events[e];
        h.push(format!("{}.date", ev.name));
        h.extend(ev.fields.iter().map(|f| format!("{}.{}", ev.name, f.name)));
    }
    h
}

/// Writes `rows` synthetic entity-years as CSV (entities of one to three consecutive years,
/// sorted by id). Returns the number of entities.
pub fn write_csv<W: Write>(pack: &Pack, rows: u64, seed: u64, out: &mut W) -> std::io::Result<u64> {
    let v = &pack.vocab;
    let th = thresholds(pack);
    let events = event_types(pack);
    let mut rng = Rng::new(seed);
    writeln!(out, "{}", header(pack).join(","))?;
    let (valid_from, valid_until) = (pack.valid.0.year, pack.valid.1.year);
    let kind_enum = &pack.enums[pack.applicant_enum as usize];
    let enterprise = kind_enum.lookup("enterprise").unwrap_or(0);
    let mut written = 0u64;
    let mut entity = 0u64;
    let mut line = String::with_capacity(256);
    while written < rows {
        entity += 1;
        let span = (1 + rng.below(3)).min(rows - written);
        // Mostly inside the plan's years, sometimes one year either side.
        let first = valid_from - 1 + rng.below((valid_until - valid_from + 2) as u64) as i32;
        // Attributes, fixed for the entity.
        let mut attrs: Vec<String> = Vec::new();
        for a in v.attributes.iter().filter(|a| a.ty != Type::Date) {
            let text = if a.name == "kind" {
                let k = if rng.chance(85) { enterprise as usize } else { rng.below(kind_enum.variants.len() as u64) as usize };
                kind_enum.variants[k].id.clone()
            } else if rng.chance(3) {
                String::new()
            } else {
                value(pack, &mut rng, a.ty, None, first)
            };
            attrs.push(text);
        }
        for y in first..first + span as i32 {
            line.clear();
            line.push_str(&format!("SYN{entity:010},synthetic,{y}"));
            for a in &attrs {
                line.push(',');
                line.push_str(a);
            }
            for (i, f) in v.yearly.iter().enumerate() {
                line.push(',');
                if !rng.chance(8) {
                    line.push_str(&value(pack, &mut rng, f.ty, th.get(&Target::Yearly(i)), y));
                }
            }
            for &e in &events {
                let ev = &v.events[e];
                // Most rows have no such event; blank cells then.
                if rng.chance(25) {
                    let day = 1 + rng.below(28);
                    let month = 1 + rng.below(12);
                    line.push_str(&format!(",{y}-{month:02}-{day:02}"));
                    for (fi, f) in ev.fields.iter().enumerate() {
                        line.push(',');
                        if !rng.chance(4) {
                            line.push_str(&value(pack, &mut rng, f.ty, th.get(&Target::Field(e, fi)), y));
                        }
                    }
                } else {
                    for _ in 0..=ev.fields.len() {
                        line.push(',');
                    }
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
            written += 1;
        }
    }
    Ok(entity)
}

/// One cell of a type: for money, 40% on a threshold (exactly, or one fen either side).
fn value(pack: &Pack, rng: &mut Rng, ty: Type, thresholds: Option<&Vec<Decimal>>, year: i32) -> String {
    match ty {
        Type::Bool => (if rng.chance(60) { "true" } else { "false" }).into(),
        Type::Int => {
            let n = if rng.chance(50) { Decimal::ZERO } else { rng.skewed(1.0, 200.0).trunc() };
            n.to_string()
        }
        Type::Dec => rng.skewed(0.01, 100.0).to_string(),
        Type::Money => {
            let m = match thresholds {
                Some(t) if !t.is_empty() && rng.chance(40) => {
                    let base = t[rng.below(t.len() as u64) as usize];
                    base + Decimal::new(rng.below(3) as i64 - 1, 2)
                }
                _ => rng.skewed(1_000.0, 300_000_000.0),
            };
            money_plain(m.max(Decimal::ZERO))
        }
        Type::Rate => format!("{}%", rng.below(100)),
        Type::Points => format!("{}分", rng.below(9)),
        Type::Date => {
            let y = year + rng.below(3) as i32 - 1;
            format!("{y}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
        }
        Type::Text => format!("item{}", rng.below(5)),
        Type::Uscc => {
            // A code with correct check characters, region 6206 (Wuwei), random organization code.
            let org: String = (0..8).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            uscc::make("91620600", &org).expect("eight digits")
        }
        Type::Enum(e) => {
            let vars = &pack.enums[e as usize].variants;
            vars[rng.below(vars.len() as u64) as usize].id.clone()
        }
        Type::MoneyRange | Type::RateRange | Type::PointsRange | Type::List => String::new(),
    }
}
