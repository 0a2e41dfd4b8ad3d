//! Name resolution and type checking: a parsed [`Expr`] becomes a [`CExpr`] whose names point at
//! facts, tables and enum variants, and whose every node has a type.
//!
//! Everything that can be known before seeing facts is checked here, so evaluation never meets an
//! unknown name or a type mismatch. Errors are diagnostics located in the pack file.

use crate::diag::{Diagnostic, FileId, Span, did_you_mean};
use crate::model::{BracketTable, EnumDef, TierTable, Type, Value, Vocab};
use crate::syntax::{BinOp, Expr, ExprKind, Lit, UnOp, parse_expr};
use qiangke_i18n::Msg;
use rust_decimal::Decimal;

/// A checked expression with its source text (for explanations) and location (for diagnostics).
#[derive(Debug, Clone)]
pub struct CExpr {
    pub node: N,
    pub text: String,
    pub file: FileId,
    /// Byte offset of `text` in the file.
    pub base: usize,
}

impl CExpr {
    pub fn ty(&self) -> Type {
        self.node.ty
    }
    /// The source text of a node of this expression.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
    /// Whether the expression reads any entity fact (a constant amount needs none).
    pub fn is_const(&self) -> bool {
        matches!(self.node.k, NK::Const(_))
    }
}

#[derive(Debug, Clone)]
pub struct N {
    pub k: NK,
    pub span: Span,
    pub ty: Type,
}

impl N {
    /// Calls `f` on every node of the expression, this one first, then its operands in order:
    /// the one walk for whoever looks for the facts, fields or tables an expression reads.
    pub fn visit(&self, f: &mut impl FnMut(&NK)) {
        f(&self.k);
        self.each_operand(|c| c.visit(f));
    }

    /// Calls `f` on each of the node's operands, in order.
    pub fn each_operand<'a>(&'a self, mut f: impl FnMut(&'a N)) {
        match &self.k {
            NK::Const(_) | NK::Attr(_) | NK::Yearly(_) | NK::Field(_) | NK::EventDate | NK::ClaimYear => {}
            NK::Not(x) | NK::Neg(x) | NK::In(x, _) | NK::Tier(_, x) | NK::Brackets(_, x) | NK::Prior(_, x) => f(x),
            NK::Bin(_, a, b) => {
                f(a);
                f(b);
            }
            NK::If(a, b, c) => {
                f(a);
                f(b);
                f(c);
            }
            NK::Call(_, args) => args.iter().for_each(f),
        }
    }

    /// Calls `f` with every yearly figure the expression reads and how many years before the
    /// claim year it reads it (`prior(2, year.sales)`: sales, 2).
    pub fn yearly_reads(&self, back: u8, f: &mut impl FnMut(usize, u8)) {
        match &self.k {
            NK::Yearly(i) => f(*i, back),
            NK::Prior(k, x) => x.yearly_reads(back.saturating_add(*k), f),
            _ => self.each_operand(|c| c.yearly_reads(back, f)),
        }
    }
}

#[derive(Debug, Clone)]
pub enum NK {
    Const(Value),
    Attr(usize),
    Yearly(usize),
    /// A field of the triggering event.
    Field(usize),
    EventDate,
    ClaimYear,
    Not(Box<N>),
    Neg(Box<N>),
    Bin(BinOp, Box<N>, Box<N>),
    In(Box<N>, Vec<Value>),
    If(Box<N>, Box<N>, Box<N>),
    Call(Func, Vec<N>),
    Tier(usize, Box<N>),
    Brackets(usize, Box<N>),
    /// `prior(n, x)`: `x` as of the claim year minus `n` (its yearly figures are that year's).
    Prior(u8, Box<N>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Range,
    RoundFen,
    YearOf,
    /// `at_least(x)`: not less than x, no upper limit (不低于).
    AtLeast,
    /// `ratio(a, b)`: a ÷ b as a rate (研发费用总额占销售收入总额的比例); a zero `b` leaves it
    /// undefined, which stops the rule with that reason instead of inventing a value.
    Ratio,
    /// `years_after(date, n)`: the same day `n` years later (注册成立一年以上).
    YearsAfter,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Range => "range",
            Func::RoundFen => "round_fen",
            Func::YearOf => "year_of",
            Func::AtLeast => "at_least",
            Func::Ratio => "ratio",
            Func::YearsAfter => "years_after",
        }
    }
}

const FUNCTIONS: [&str; 12] =
    ["min", "max", "cap", "at_least", "range", "round_fen", "year_of", "tier", "brackets", "ratio", "prior", "years_after"];

/// What names mean where an expression appears.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub vocab: &'a Vocab,
    pub enums: &'a [EnumDef],
    pub tiers: &'a [TierTable],
    pub brackets: &'a [BracketTable],
    /// The event type in scope (the rule's trigger or the derivation's source), if any.
    pub event: Option<usize>,
}

/// Parses and checks one expression string located at `base` in `file`.
pub fn resolve(ctx: &Ctx<'_>, src: &str, file: FileId, base: usize) -> Result<CExpr, Diagnostic> {
    let expr = parse_expr(src).map_err(|e| {
        let d = Diagnostic::error("E020", file, e.span.offset(base), Msg::new("e-expr-syntax").detail(e.message));
        match e.hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    })?;
    let r = Resolver { ctx, file, base };
    let node = r.expr(&expr)?;
    Ok(CExpr { node, text: src.to_string(), file, base })
}

struct Resolver<'a, 'b> {
    ctx: &'a Ctx<'b>,
    file: FileId,
    base: usize,
}

impl Resolver<'_, '_> {
    fn err(&self, code: &'static str, span: Span, msg: Msg) -> Diagnostic {
        Diagnostic::error(code, self.file, span.offset(self.base), msg)
    }
    fn tname(&self, t: Type) -> String {
        t.name(self.ctx.enums)
    }

    fn expr(&self, e: &Expr) -> Result<N, Diagnostic> {
        let (k, ty) = match &e.kind {
            ExprKind::Lit(l) => {
                let (v, t) = match *l {
                    Lit::Bool(b) => (Value::Bool(b), Type::Bool),
                    Lit::Int(i) => (Value::Int(i), Type::Int),
                    Lit::Dec(d) => (Value::Dec(d), Type::Dec),
                    Lit::Money(m) => (Value::Money(m), Type::Money),
                    Lit::Rate(r) => (Value::Rate(r), Type::Rate),
                    Lit::Points(p) => (Value::Points(p), Type::Points),
                    Lit::Date(d) => (Value::Date(d), Type::Date),
                };
                (NK::Const(v), t)
            }
            ExprKind::Path(segs) => self.path(segs, e.span)?,
            ExprKind::Unary(UnOp::Not, x) => {
                let x = self.expr(x)?;
                self.expect(&x, &[Type::Bool], Msg::new("e-not-needs-condition"))?;
                (NK::Not(Box::new(x)), Type::Bool)
            }
            ExprKind::Unary(UnOp::Neg, x) => {
                let x = self.expr(x)?;
                self.expect(&x, &[Type::Int, Type::Dec, Type::Money, Type::Rate, Type::Points], Msg::new("e-negate-numbers"))?;
                let t = x.ty;
                (NK::Neg(Box::new(x)), t)
            }
            ExprKind::Binary(BinOp::In, l, r) => {
                let l = self.expr(l)?;
                let ExprKind::List(items) = &r.kind else {
                    return Err(self.err("E022", r.span, Msg::new("e-in-needs-list")));
                };
                let mut vals = Vec::new();
                for it in items {
                    let n = self.expr(it)?;
                    if n.ty != l.ty {
                        return Err(self.err(
                            "E022",
                            it.span,
                            Msg::new("e-list-item-type").arg("item", self.tname(n.ty)).arg("left", self.tname(l.ty)),
                        ));
                    }
                    let NK::Const(v) = n.k else {
                        return Err(self.err("E022", it.span, Msg::new("e-list-constants")));
                    };
                    vals.push(v);
                }
                (NK::In(Box::new(l), vals), Type::Bool)
            }
            ExprKind::Binary(op, l, r) => {
                let l = self.expr(l)?;
                let r = self.expr(r)?;
                let Some(t) = bin_type(*op, l.ty, r.ty) else {
                    let hint = match (op, l.ty, r.ty) {
                        (BinOp::Mul, Type::Money, Type::Money) => Msg::new("e-hint-money-times-money"),
                        (_, Type::Money, Type::Int | Type::Dec) | (_, Type::Int | Type::Dec, Type::Money) => {
                            Msg::new("e-hint-money-unit").arg("example", "500万元, 500_000元")
                        }
                        _ => Msg::new("e-hint-compatible-types"),
                    };
                    return Err(self
                        .err(
                            "E022",
                            e.span,
                            Msg::new("e-type-mismatch").arg("op", op.symbol()).arg("left", self.tname(l.ty)).arg("right", self.tname(r.ty)),
                        )
                        .with_hint(hint));
                };
                if *op == BinOp::Div {
                    match &r.k {
                        NK::Const(Value::Int(i)) if *i != 0 => {}
                        NK::Const(Value::Dec(d)) if !d.is_zero() => {}
                        _ => {
                            return Err(self.err("E022", r.span, Msg::new("e-division")).with_hint(Msg::new("e-hint-division")));
                        }
                    }
                }
                (NK::Bin(*op, Box::new(l), Box::new(r)), t)
            }
            ExprKind::If(c, a, b) => {
                let c = self.expr(c)?;
                self.expect(&c, &[Type::Bool], Msg::new("e-if-condition"))?;
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                let t = join(a.ty, b.ty).ok_or_else(|| {
                    self.err("E022", e.span, Msg::new("e-if-branches").arg("then", self.tname(a.ty)).arg("else", self.tname(b.ty)))
                })?;
                (NK::If(Box::new(c), Box::new(a), Box::new(b)), t)
            }
            ExprKind::Call { name, name_span, args } => self.call(name, *name_span, args, e.span)?,
            ExprKind::List(_) => {
                return Err(self.err("E022", e.span, Msg::new("e-list-alone")));
            }
        };
        Ok(N { k, span: e.span, ty })
    }

    fn expect(&self, n: &N, allowed: &[Type], what: Msg) -> Result<(), Diagnostic> {
        if allowed.contains(&n.ty) {
            Ok(())
        } else {
            Err(self.err("E022", n.span, Msg::new("e-wrong-type-found").arg("found", self.tname(n.ty)).detail(what)))
        }
    }

    fn path(&self, segs: &[(String, Span)], span: Span) -> Result<(NK, Type), Diagnostic> {
        let v = self.ctx.vocab;
        let names: Vec<&str> = segs.iter().map(|(s, _)| s.as_str()).collect();
        let unknown = |code, sp: Span, msg: Msg, cands: Vec<String>| {
            let mut d = self.err(code, sp, msg);
            if let Some(s) = did_you_mean(names[names.len() - 1], cands.iter().map(String::as_str)) {
                d = d.with_hint(Msg::new("diag-did-you-mean").arg("name", s));
            }
            d
        };
        match names.as_slice() {
            ["claim_year"] => Ok((NK::ClaimYear, Type::Int)),
            ["entity", f] => match v.attribute(f) {
                Some(i) => Ok((NK::Attr(i), v.attributes[i].ty)),
                None => Err(unknown(
                    "E021",
                    span,
                    Msg::new("e-unknown-attribute").arg("name", f),
                    v.attributes.iter().map(|a| a.name.clone()).collect(),
                )),
            },
            ["year", f] => match v.yearly(f) {
                Some(i) => Ok((NK::Yearly(i), v.yearly[i].ty)),
                None => Err(unknown(
                    "E021",
                    span,
                    Msg::new("e-unknown-yearly").arg("name", f),
                    v.yearly.iter().map(|a| a.name.clone()).collect(),
                )),
            },
            [ev, f] if v.event(ev).is_some() => {
                let ei = v.event(ev).unwrap_or(0);
                if self.ctx.event != Some(ei) {
                    let msg = match self.ctx.event {
                        None => Msg::new("e-event-out-of-scope-none").arg("event", ev),
                        Some(i) => Msg::new("e-event-out-of-scope").arg("event", ev).arg("scope", &v.events[i].name),
                    };
                    return Err(self.err("E021", span, msg).with_hint(Msg::new("e-hint-event-scope")));
                }
                if *f == "date" {
                    return Ok((NK::EventDate, Type::Date));
                }
                let def = &v.events[ei];
                match def.fields.iter().position(|x| x.name == *f) {
                    Some(i) => Ok((NK::Field(i), def.fields[i].ty)),
                    None => {
                        let mut c: Vec<String> = def.fields.iter().map(|x| x.name.clone()).collect();
                        c.push("date".into());
                        Err(unknown("E021", segs[1].1, Msg::new("e-event-no-field").arg("event", ev).arg("name", f), c))
                    }
                }
            }
            [en, var] if self.ctx.enums.iter().any(|e| e.name == *en) => {
                let (ei, e) = self.ctx.enums.iter().enumerate().find(|(_, e)| e.name == *en).unwrap_or((0, &self.ctx.enums[0]));
                match e.lookup(var) {
                    Some(vi) => Ok((NK::Const(Value::Enum(ei as u16, vi)), Type::Enum(ei as u16))),
                    None => Err(unknown(
                        "E014",
                        segs[1].1,
                        Msg::new("e-no-variant").arg("enum", en).arg("name", var),
                        e.variants.iter().map(|x| x.id.clone()).collect(),
                    )),
                }
            }
            [name] => {
                let hits: Vec<(u16, u16)> =
                    self.ctx.enums.iter().enumerate().filter_map(|(ei, e)| e.lookup(name).map(|vi| (ei as u16, vi))).collect();
                match hits.as_slice() {
                    [(ei, vi)] => Ok((NK::Const(Value::Enum(*ei, *vi)), Type::Enum(*ei))),
                    [] => {
                        let mut c: Vec<String> = self.ctx.enums.iter().flat_map(|e| e.variants.iter().map(|v| v.id.clone())).collect();
                        c.extend(["claim_year".to_string(), "entity".into(), "year".into()]);
                        Err(unknown("E021", span, Msg::new("e-unknown-name").arg("name", name), c)
                            .with_hint_if_none(Msg::new("e-hint-fact-names")))
                    }
                    _ => {
                        Err(self.err("E021", span, Msg::new("e-ambiguous-variant").arg("name", name)).with_hint(Msg::new("e-hint-qualify")))
                    }
                }
            }
            _ => Err(unknown("E021", span, Msg::new("e-unknown-name").arg("name", names.join(".")), vec![])),
        }
    }

    fn call(&self, name: &str, name_span: Span, args: &[Expr], span: Span) -> Result<(NK, Type), Diagnostic> {
        let arity = |n: usize| -> Result<(), Diagnostic> {
            if args.len() == n {
                Ok(())
            } else {
                let msg = if n == 1 { Msg::new("e-arity-one") } else { Msg::new("e-arity").arg("count", n) };
                Err(self.err("E023", span, msg.arg("name", name).arg("found", args.len())))
            }
        };
        match name {
            "tier" | "brackets" => {
                arity(2)?;
                let ExprKind::Path(p) = &args[0].kind else {
                    return Err(self.err("E023", args[0].span, Msg::new("e-table-argument").arg("name", name)));
                };
                let tname = p.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>().join(".");
                let x = self.expr(&args[1])?;
                if name == "tier" {
                    let Some(i) = self.ctx.tiers.iter().position(|t| t.id == tname) else {
                        let d = self.err("E021", args[0].span, Msg::new("e-unknown-tier-table").arg("name", &tname));
                        return Err(match did_you_mean(&tname, self.ctx.tiers.iter().map(|t| t.id.as_str())) {
                            Some(s) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", s)),
                            None => d,
                        });
                    };
                    // The table's bounds say what it is looked up by: money, a rate, or a number.
                    let table = &self.ctx.tiers[i];
                    let by: &[Type] = match table.input {
                        Type::Money => &[Type::Money],
                        Type::Rate => &[Type::Rate],
                        _ => &[Type::Int, Type::Dec],
                    };
                    self.expect(&x, by, Msg::new("e-lookup-by").arg("name", &tname).arg("type", self.tname(table.input)))?;
                    Ok((NK::Tier(i, Box::new(x)), table.output()))
                } else {
                    self.expect(&x, &[Type::Money], Msg::new("e-lookup-money").arg("name", name))?;
                    let Some(i) = self.ctx.brackets.iter().position(|t| t.id == tname) else {
                        return Err(self.err("E021", args[0].span, Msg::new("e-unknown-bracket-table").arg("name", &tname)));
                    };
                    Ok((NK::Brackets(i, Box::new(x)), Type::Money))
                }
            }
            "at_least" if args.len() == 1 => {
                let x = self.expr(&args[0])?;
                self.expect(&x, &[Type::Money], Msg::new("e-at-least-money"))?;
                Ok((NK::Call(Func::AtLeast, vec![x]), Type::MoneyRange))
            }
            "min" | "max" | "cap" | "at_least" => {
                if args.len() < 2 {
                    return Err(self.err("E023", span, Msg::new("e-arity-at-least-two").arg("name", name)));
                }
                let ns = args.iter().map(|a| self.expr(a)).collect::<Result<Vec<_>, _>>()?;
                let mut t = ns[0].ty;
                for n in &ns[1..] {
                    t = join(t, n.ty).ok_or_else(|| {
                        self.err(
                            "E022",
                            n.span,
                            Msg::new("e-cannot-compare").arg("name", name).arg("left", self.tname(t)).arg("right", self.tname(n.ty)),
                        )
                    })?;
                }
                if !matches!(
                    t,
                    Type::Int
                        | Type::Dec
                        | Type::Money
                        | Type::Rate
                        | Type::MoneyRange
                        | Type::RateRange
                        | Type::Points
                        | Type::PointsRange
                        | Type::Date
                ) {
                    return Err(self.err("E022", span, Msg::new("e-needs-numbers").arg("name", name).arg("found", self.tname(t))));
                }
                let f = if matches!(name, "min" | "cap") { Func::Min } else { Func::Max };
                Ok((NK::Call(f, ns), t))
            }
            "range" => {
                arity(2)?;
                let lo = self.expr(&args[0])?;
                let hi = self.expr(&args[1])?;
                let t = match (lo.ty, hi.ty) {
                    (Type::Money, Type::Money) => Type::MoneyRange,
                    (Type::Rate, Type::Rate) => Type::RateRange,
                    (Type::Points, Type::Points) => Type::PointsRange,
                    (a, b) => {
                        return Err(self.err("E022", span, Msg::new("e-range-types").arg("low", self.tname(a)).arg("high", self.tname(b))));
                    }
                };
                if let (
                    NK::Const(Value::Money(a) | Value::Rate(a) | Value::Points(a)),
                    NK::Const(Value::Money(b) | Value::Rate(b) | Value::Points(b)),
                ) = (&lo.k, &hi.k)
                    && a > b
                {
                    return Err(self.err("E034", span, Msg::new("e-range-reversed")).with_hint(Msg::new("e-hint-range")));
                }
                Ok((NK::Call(Func::Range, vec![lo, hi]), t))
            }
            "round_fen" => {
                arity(1)?;
                let x = self.expr(&args[0])?;
                self.expect(&x, &[Type::Money, Type::MoneyRange], Msg::new("e-round-fen-money"))?;
                let t = x.ty;
                Ok((NK::Call(Func::RoundFen, vec![x]), t))
            }
            "ratio" => {
                arity(2)?;
                let a = self.expr(&args[0])?;
                let b = self.expr(&args[1])?;
                let same = matches!((a.ty, b.ty), (Type::Money, Type::Money) | (Type::Int | Type::Dec, Type::Int | Type::Dec));
                if !same {
                    return Err(self.err(
                        "E022",
                        span,
                        Msg::new("e-ratio-types").arg("left", self.tname(a.ty)).arg("right", self.tname(b.ty)),
                    ));
                }
                Ok((NK::Call(Func::Ratio, vec![a, b]), Type::Rate))
            }
            "prior" => {
                arity(2)?;
                let n = match &args[0].kind {
                    ExprKind::Lit(Lit::Int(n)) if (1..=10).contains(n) => *n as u8,
                    _ => return Err(self.err("E023", args[0].span, Msg::new("e-prior-years"))),
                };
                let x = self.expr(&args[1])?;
                let t = x.ty;
                Ok((NK::Prior(n, Box::new(x)), t))
            }
            "years_after" => {
                arity(2)?;
                let d = self.expr(&args[0])?;
                self.expect(&d, &[Type::Date], Msg::new("e-year-of-date"))?;
                let n = self.expr(&args[1])?;
                self.expect(&n, &[Type::Int], Msg::new("e-years-after-count"))?;
                Ok((NK::Call(Func::YearsAfter, vec![d, n]), Type::Date))
            }
            "year_of" => {
                arity(1)?;
                let x = self.expr(&args[0])?;
                self.expect(&x, &[Type::Date], Msg::new("e-year-of-date"))?;
                Ok((NK::Call(Func::YearOf, vec![x]), Type::Int))
            }
            _ => {
                let d = self.err("E023", name_span, Msg::new("e-unknown-function").arg("name", name));
                Err(match did_you_mean(name, FUNCTIONS) {
                    Some(s) => d.with_hint(Msg::new("diag-did-you-mean").arg("name", s)),
                    None => d.with_hint(Msg::new("e-functions-are").arg("list", FUNCTIONS.join(", "))),
                })
            }
        }
    }
}

trait HintIfNone {
    fn with_hint_if_none(self, h: Msg) -> Self;
}
impl HintIfNone for Diagnostic {
    fn with_hint_if_none(self, h: Msg) -> Self {
        if self.hint.is_some() { self } else { self.with_hint(h) }
    }
}

/// The common type of two branches or min/max arguments.
fn join(a: Type, b: Type) -> Option<Type> {
    use Type::*;
    match (a, b) {
        _ if a == b => Some(a),
        (Int, Dec) | (Dec, Int) => Some(Dec),
        (Money, MoneyRange) | (MoneyRange, Money) => Some(MoneyRange),
        (Rate, RateRange) | (RateRange, Rate) => Some(RateRange),
        (Points, PointsRange) | (PointsRange, Points) => Some(PointsRange),
        _ => None,
    }
}

/// Result type of a binary operator, or `None` if the operands do not fit.
pub fn bin_type(op: BinOp, l: Type, r: Type) -> Option<Type> {
    use Type::*;
    match op {
        BinOp::And | BinOp::Or => (l == Bool && r == Bool).then_some(Bool),
        BinOp::Eq | BinOp::Ne => (join(l, r).is_some() && !matches!(l, MoneyRange | RateRange | PointsRange | List)).then_some(Bool),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => match join(l, r) {
            Some(Int | Dec | Money | Rate | Points | Date) => Some(Bool),
            _ => None,
        },
        BinOp::In => None,
        BinOp::Add | BinOp::Sub => match (l, r) {
            (Int, Int) => Some(Int),
            (Int | Dec, Int | Dec) => Some(Dec),
            (Money, Money) => Some(Money),
            (Money | MoneyRange, Money | MoneyRange) => Some(MoneyRange),
            (Rate, Rate) => Some(Rate),
            (Rate | RateRange, Rate | RateRange) => Some(RateRange),
            (Points, Points) => Some(Points),
            (Points | PointsRange, Points | PointsRange) => Some(PointsRange),
            _ => None,
        },
        BinOp::Mul => match (l, r) {
            (Int, Int) => Some(Int),
            (Int | Dec, Int | Dec) => Some(Dec),
            (Rate, Rate) => Some(Rate),
            (Money, Rate | Int | Dec) | (Rate | Int | Dec, Money) => Some(Money),
            (MoneyRange, Rate | Int | Dec) | (Rate | Int | Dec, MoneyRange) => Some(MoneyRange),
            (RateRange, Money) | (Money, RateRange) => Some(MoneyRange),
            (Rate | RateRange, Int | Dec) | (Int | Dec, Rate | RateRange) => Some(l.max_kind(r)),
            (Points, Int | Dec) | (Int | Dec, Points) => Some(Points),
            (PointsRange, Int | Dec) | (Int | Dec, PointsRange) => Some(PointsRange),
            _ => None,
        },
        BinOp::Div => match (l, r) {
            (Money, Int | Dec) => Some(Money),
            (MoneyRange, Int | Dec) => Some(MoneyRange),
            (Int | Dec, Int | Dec) => Some(Dec),
            (Rate, Int | Dec) => Some(Rate),
            (Points, Int | Dec) => Some(Points),
            _ => None,
        },
    }
}

impl Type {
    fn max_kind(self, other: Type) -> Type {
        if matches!(self, Type::RateRange) || matches!(other, Type::RateRange) { Type::RateRange } else { Type::Rate }
    }
}

/// Checks that a decimal literal is exact to the fen (used for amounts in tables).
pub fn is_fen_exact(m: Decimal) -> bool {
    (m * Decimal::ONE_HUNDRED).fract().is_zero()
}
