//! Lowering a pack to SQL: the rules run where the data lives (PostgreSQL, Spark SQL), over the
//! flat table `qiangke batch` reads (one row per entity-year, further rows of a year carrying
//! further events; columns named like the pack's facts, `EVENT.FIELD` written `EVENT__FIELD`),
//! with the native evaluator's semantics:
//!
//! - exact decimals (`DECIMAL(24, 4)` for money, rounded half away from zero to the fen at the
//!   end, as `ROUND` does in both engines);
//! - three-valued logic: a rule awards only where its filter and guard are true (`COALESCE(…, FALSE)`) (a missing fact is
//!   NULL, never false), and a missing amount awards nothing;
//! - tiers as `CASE` in the pack's boundary semantics (the preferred band of a shared boundary
//!   tested first), brackets as sums of clamped slices, ranges as low/high columns, an open upper
//!   end as a NULL `high`;
//! - once-keys by `ROW_NUMBER()` over the entity and the key, earliest claim year first; top-ups by
//!   `EXISTS` on their base's awards.
//!
//! Awards only: the states other than *awarded* are the native evaluator's business. Input cells
//! must be plain (`1500000.50`, `true`, `2023-05-10`, enum ids): the units the native reader accepts
//! (`1500万元`) are not parsed in SQL.

use qiangke_rules::model::{BudgetYear, Pack, Prefer, Rule, RuleKind, Trigger, Type, Value};
use qiangke_rules::resolve::{CExpr, Func, N, NK};
use qiangke_rules::syntax::BinOp;
use rust_decimal::Decimal;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Spark,
}

/// The SQL type a fact's cells are read as.
fn sql_type(d: Dialect, ty: Type) -> &'static str {
    match ty {
        Type::Bool => "BOOLEAN",
        Type::Int => "INTEGER",
        Type::Dec | Type::Rate | Type::Money => money(d),
        Type::Date => "DATE",
        _ => text(d),
    }
}

/// Something the SQL lowering cannot express, named by rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule `{rule}`: {message}")]
pub struct SqlError {
    pub rule: String,
    pub message: String,
}

/// The column a fact is read from.
pub fn column(name: &str) -> String {
    name.replace('.', "__")
}

/// The facts the compiled query reads from `facts`, as (column, type), after `id`, `name` and
/// `year`: the vocabulary's attributes, its yearly figures, and each event's date and fields
/// (`EVENT__FIELD`). Every column is text in the table; the type is what the query casts it to.
pub fn fact_columns(pack: &Pack) -> Vec<(String, Type)> {
    let v = &pack.vocab;
    let mut cols: Vec<(String, Type)> = Vec::new();
    cols.extend(v.attributes.iter().map(|a| (column(&a.name), a.ty)));
    cols.extend(v.yearly.iter().map(|y| (column(&y.name), y.ty)));
    for e in &v.events {
        cols.push((format!("{}__date", e.name), Type::Date));
        cols.extend(e.fields.iter().map(|f| (format!("{}__{}", e.name, f.name), f.ty)));
    }
    cols
}

/// Every column of the `facts` table, in order: `id`, `name`, `year`, then [`fact_columns`].
pub fn table_columns(pack: &Pack) -> Vec<String> {
    let mut cols = vec!["id".to_string(), "name".into(), "year".into()];
    cols.extend(fact_columns(pack).into_iter().map(|(c, _)| c));
    cols
}

/// Exact decimals for amounts while computing (six decimals: a rate times an amount in fen).
fn money(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "NUMERIC(28, 6)",
        Dialect::Spark => "DECIMAL(28, 6)",
    }
}

/// Text, for keys and labels.
fn text(d: Dialect) -> &'static str {
    match d {
        Dialect::Postgres => "VARCHAR(200)",
        Dialect::Spark => "STRING",
    }
}

/// A regular-expression bracket matching any of `chars` (PostgreSQL's AREs: `]` first, `^` not
/// first, `-` last, a backslash escaped; none of these is among the identity's characters today).
fn bracket(chars: &str) -> String {
    let special = [']', '^', '-', '\\'];
    let mut b = String::from("[");
    if chars.contains(']') {
        b.push(']');
    }
    b.extend(chars.chars().filter(|c| !special.contains(c)));
    if chars.contains('\\') {
        b.push_str("\\\\");
    }
    if chars.contains('^') {
        b.push('^');
    }
    if chars.contains('-') {
        b.push('-');
    }
    b.push(']');
    b
}

fn lit_dec(x: Decimal) -> String {
    // Cast so both engines keep the exact decimal type.
    format!("{}", x.normalize())
}

struct Ctx<'a> {
    pack: &'a Pack,
    d: Dialect,
    rule: &'a str,
    /// Table alias of the trigger event's rows.
    event: Option<usize>,
}

impl Ctx<'_> {
    fn err(&self, m: impl Into<String>) -> SqlError {
        SqlError { rule: self.rule.to_string(), message: m.into() }
    }

    /// A value expression (scalars only; ranges go through [`Ctx::range`]).
    fn expr(&self, n: &N) -> Result<String, SqlError> {
        let v = &self.pack.vocab;
        Ok(match &n.k {
            NK::Const(c) => self.constant(c)?,
            NK::Attr(i) => format!("r.{}", column(&v.attributes[*i].name)),
            NK::Yearly(i) => format!("r.{}", column(&v.yearly[*i].name)),
            NK::Field(f) => {
                let e = self.event.ok_or_else(|| self.err("an event field outside an event rule"))?;
                format!("e.{}", column(&v.events[e].fields[*f].name))
            }
            NK::EventDate => "e.event_date".into(),
            NK::ClaimYear => "r.claim_year".into(),
            NK::Not(x) => format!("(NOT {})", self.expr(x)?),
            NK::Neg(x) => format!("(-{})", self.expr(x)?),
            NK::Bin(op, a, b) => {
                if matches!(a.ty, Type::MoneyRange | Type::RateRange) || matches!(b.ty, Type::MoneyRange | Type::RateRange) {
                    return Err(self.err("a range inside a scalar expression"));
                }
                // Names reach SQL as normalized identities (see the input stage): only once-keys
                // may use them.
                if a.ty == Type::Text || b.ty == Type::Text {
                    return Err(self.err("a comparison of names (names are normalized identities in SQL, fit for once-keys only)"));
                }
                let sym = match op {
                    BinOp::Or => "OR",
                    BinOp::And => "AND",
                    BinOp::Eq => "=",
                    BinOp::Ne => "<>",
                    BinOp::In => return Err(self.err("`in` without a list")),
                    other => other.symbol(),
                };
                format!("({} {sym} {})", self.expr(a)?, self.expr(b)?)
            }
            NK::In(x, items) => {
                let list: Result<Vec<String>, SqlError> = items.iter().map(|c| self.constant(c)).collect();
                format!("({} IN ({}))", self.expr(x)?, list?.join(", "))
            }
            // A NULL condition gives NULL (needs information), not the ELSE branch.
            NK::If(c, a, b) => {
                format!("(CASE WHEN ({c}) IS NULL THEN NULL WHEN {c} THEN {} ELSE {} END)", self.expr(a)?, self.expr(b)?, c = self.expr(c)?)
            }
            NK::Call(f, args) => {
                let a: Result<Vec<String>, SqlError> = args.iter().map(|x| self.expr(x)).collect();
                let a = a?;
                match f {
                    // LEAST/GREATEST skip NULLs in PostgreSQL: a missing argument must stay missing.
                    Func::Min | Func::Max => {
                        let nulls = a.iter().map(|x| format!("{x} IS NULL")).collect::<Vec<_>>().join(" OR ");
                        let f = if *f == Func::Min { "LEAST" } else { "GREATEST" };
                        format!("(CASE WHEN {nulls} THEN NULL ELSE {f}({}) END)", a.join(", "))
                    }
                    Func::RoundFen => format!("ROUND({}, 2)", a[0]),
                    Func::YearOf => format!("CAST(EXTRACT(YEAR FROM {}) AS INTEGER)", a[0]),
                    Func::Range | Func::AtLeast => return Err(self.err("a range inside a scalar expression")),
                    Func::Ratio | Func::YearsAfter => {
                        return Err(self.err("a ratio or a date in years (criteria packs are not lowered to SQL)"));
                    }
                }
            }
            NK::Prior(..) => return Err(self.err("a figure of an earlier year (criteria packs are not lowered to SQL)")),
            NK::Tier(t, x) => {
                let table = &self.pack.tiers[*t];
                if table.output() != qiangke_rules::model::Type::Money {
                    return Err(self.err("a table of points or ranges (criteria packs are not lowered to SQL)"));
                }
                let x = self.expr(x)?;
                let mut bands: Vec<&qiangke_rules::model::Band> = table.bands.iter().collect();
                // The preferred band of a shared boundary is tested first.
                if table.overlap.is_none_or(|(p, _)| p == Prefer::Higher) {
                    bands.reverse();
                }
                let mut s = String::from("(CASE");
                for b in bands {
                    let mut conds = Vec::new();
                    if let Some(l) = &b.lower {
                        conds.push(format!("{x} {} {}", if l.inclusive { ">=" } else { ">" }, lit_dec(l.value)));
                    }
                    if let Some(u) = &b.upper {
                        conds.push(format!("{x} {} {}", if u.inclusive { "<=" } else { "<" }, lit_dec(u.value)));
                    }
                    let _ = write!(s, " WHEN {} THEN CAST({} AS {})", conds.join(" AND "), lit_dec(b.amount), money(self.d));
                }
                s.push_str(" ELSE NULL END)");
                s
            }
            NK::Brackets(t, x) => {
                let x = self.expr(x)?;
                let mut parts = Vec::new();
                let mut prev = Decimal::ZERO;
                for b in &self.pack.brackets[*t].brackets {
                    let slice = match b.upto {
                        Some(u) => format!("LEAST(GREATEST({x} - {}, 0), {})", lit_dec(prev), lit_dec(u - prev)),
                        None => format!("GREATEST({x} - {}, 0)", lit_dec(prev)),
                    };
                    parts.push(format!("{slice} * {}", lit_dec(b.rate)));
                    prev = b.upto.unwrap_or(prev);
                }
                format!("({})", parts.join(" + "))
            }
        })
    }

    fn constant(&self, c: &Value) -> Result<String, SqlError> {
        Ok(match c {
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
            Value::Int(i) => i.to_string(),
            Value::Dec(x) | Value::Rate(x) => lit_dec(*x),
            Value::Money(x) => format!("CAST({} AS {})", lit_dec(*x), money(self.d)),
            Value::Date(d) => format!("DATE '{d}'"),
            Value::Enum(..) => format!("'{}'", c.key(self.pack).replace('\'', "''")),
            Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Value::MoneyRange(..) | Value::RateRange(..) => return Err(self.err("a range constant")),
            Value::Points(_) | Value::PointsRange(..) => return Err(self.err("points (criteria packs are not lowered to SQL)")),
        })
    }

    /// An amount as (low, high); `high` is `NULL` for "no upper limit".
    fn range(&self, n: &N) -> Result<(String, String), SqlError> {
        if !matches!(n.ty, Type::MoneyRange | Type::RateRange) {
            let x = self.expr(n)?;
            return Ok((x.clone(), x));
        }
        match &n.k {
            NK::Call(Func::Range, a) => Ok((self.expr(&a[0])?, self.expr(&a[1])?)),
            NK::Call(Func::AtLeast, a) => Ok((self.expr(&a[0])?, "NULL".into())),
            NK::Call(f @ (Func::Min | Func::Max), args) => {
                let parts: Result<Vec<(String, String)>, SqlError> = args.iter().map(|a| self.range(a)).collect();
                let parts = parts?;
                let g = if *f == Func::Min { "LEAST" } else { "GREATEST" };
                let lows: Vec<String> = parts.iter().map(|p| p.0.clone()).collect();
                let highs: Vec<String> = parts.iter().map(|p| p.1.clone()).collect();
                let nulls = lows.iter().map(|x| format!("{x} IS NULL")).collect::<Vec<_>>().join(" OR ");
                // An open high end is NULL: LEAST skips it (min(∞, x) = x); GREATEST of an open end stays open.
                let high = if *f == Func::Min {
                    format!("LEAST({})", highs.join(", "))
                } else {
                    format!(
                        "(CASE WHEN {} THEN NULL ELSE GREATEST({}) END)",
                        highs.iter().map(|x| format!("{x} IS NULL")).collect::<Vec<_>>().join(" OR "),
                        highs.join(", ")
                    )
                };
                Ok((format!("(CASE WHEN {nulls} THEN NULL ELSE {g}({}) END)", lows.join(", ")), high))
            }
            NK::Call(Func::RoundFen, a) => {
                let (l, h) = self.range(&a[0])?;
                Ok((format!("ROUND({l}, 2)"), format!("ROUND({h}, 2)")))
            }
            NK::Bin(op @ (BinOp::Mul | BinOp::Add), a, b) => {
                let (al, ah) = self.range(a)?;
                let (bl, bh) = self.range(b)?;
                let sym = if *op == BinOp::Mul { "*" } else { "+" };
                // Amounts and rates in the plan are not negative: ends combine with ends.
                Ok((format!("({al} {sym} {bl})"), format!("({ah} {sym} {bh})")))
            }
            _ => Err(self.err("this range expression is not lowered to SQL")),
        }
    }
}

/// The SQL of a pack: a query over `facts` returning one row per award
/// (`entity, claim_year, rule, clause, kind, state, low, high, budget_year, paid_by`).
/// What the compiled query returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One row per award, as `qiangke batch --out` writes them.
    Awards,
    /// The budget roll-up, as `qiangke batch --budget` writes it: awards of kind *award* with a
    /// budget year, by budget year × paying department × clause, with their count, the sum of the
    /// low ends and the sum of the high ends (NULL — no upper limit — when any award is open).
    Budget,
}

/// The pack's award rows as one SQL query (see [`compile_to`]).
pub fn compile(pack: &Pack, d: Dialect) -> Result<String, Vec<SqlError>> {
    compile_to(pack, d, Output::Awards)
}

/// The pack as one SQL query over `facts` returning `out`. Every rule that cannot be lowered is
/// an error naming it; nothing is dropped silently.
pub fn compile_to(pack: &Pack, d: Dialect, out: Output) -> Result<String, Vec<SqlError>> {
    compile_for(pack, d, out, Shape::Any)
}

/// What is known of the input beyond its columns, checked over the whole input by whoever runs
/// the query (`qiangke batch --engine postgres` reads the file first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// Any rows: several rows of one entity-year (further events) are one year, and an entity's
    /// attributes are taken from all its rows.
    #[default]
    Any,
    /// One row per entity and year, every row of an entity carrying the same attribute cells:
    /// what `qiangke synth` writes and what a register exported one row per enterprise-year
    /// looks like. Nothing has to be merged, and PostgreSQL skips the two GROUP BYs over every
    /// row (about 8 s of 29 at 1M rows). Only the years no row gives (an event dated in another
    /// year) are still found and given their entity's attributes.
    EntityYears,
}

/// The pack lowered for an input `qiangke batch --engine postgres` has read and split into the
/// typed tables of [`split_tables`] (every cell trimmed of spaces, a blank cell NULL): `facts`
/// (or `rows`) with each row's id, year, attributes and yearly figures, and `facts_EVENT` with
/// each row's event of that type (its row's id and year, its date and fields). Nothing is cast in SQL,
/// and each event is read from its own table rather than from every row once per type of event.
/// `setup` are statements run in order, each making a temporary table the later ones read: the
/// entity-years `rows` (indexed on `(entity, claim_year)` and analysed, so that a rule on a few
/// thousand events looks its entity-years up instead of scanning a million), each event's rows,
/// then each rule's awards (`a_RULE`, in evaluation order, a top-up
/// after its base). PostgreSQL plans each statement by itself, with what it knows of the tables
/// before it; one query of 44 rules over shared CTEs took twice as long as its rules one by one.
/// `query` gives the awards (or the budget) from the rules' tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub setup: Vec<String>,
    pub query: String,
}

/// One of the tables of [`compile_split`]: its name, its columns, and which rows of the input
/// it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitTable {
    pub name: String,
    /// The event whose rows this table holds (`None`: the rows themselves).
    pub event: Option<String>,
    pub columns: Vec<SplitColumn>,
}

/// A column of a [`SplitTable`]: its name and PostgreSQL type, and the column of the flat batch
/// layout it is read from ([`table_columns`]: `id`, `recognition__date`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitColumn {
    pub name: String,
    pub ty: &'static str,
    pub from: String,
}

impl SplitTable {
    /// The column an input row must give for this table to take it: an event's date.
    pub fn needs(&self) -> Option<&SplitColumn> {
        self.event.as_ref().map(|_| &self.columns[2])
    }
}

/// The tables of [`compile_split`]: `facts` (`id`, `year`, the attributes, the yearly figures;
/// for [`Shape::EntityYears`] the table `rows` with `entity` and `claim_year`), then per event
/// `facts_EVENT` (`_id`, `_year`, `_date`, the event's fields), each of an input row's event
/// where the row gives its date.
pub fn split_tables(pack: &Pack, shape: Shape) -> Vec<SplitTable> {
    let v = &pack.vocab;
    // Names and choices as `text`, not the query's VARCHAR(200): PostgreSQL guesses the rows of
    // a table it has no statistics of from its pages and the width of a row, and two hundred
    // characters for each of many such columns would make it guess one row.
    let ty = |ty: Type| {
        let t = sql_type(Dialect::Postgres, ty);
        if t == text(Dialect::Postgres) { "text" } else { t }
    };
    let col = |name: &str, ty: &'static str, from: &str| SplitColumn { name: name.into(), ty, from: from.into() };
    // One row per entity-year: the rows are the entity-years as they stand.
    let (table, id, year) = if shape == Shape::EntityYears { ("rows", "entity", "claim_year") } else { ("facts", "id", "year") };
    // Every row names its entity and year (PostgreSQL's COPY refuses a row without, by its line).
    let mut facts = vec![col(id, "text NOT NULL", "id"), col(year, "INTEGER NOT NULL", "year")];
    facts.extend(v.attributes.iter().map(|a| col(&column(&a.name), ty(a.ty), &column(&a.name))));
    facts.extend(v.yearly.iter().map(|y| col(&column(&y.name), ty(y.ty), &column(&y.name))));
    let mut tables = vec![SplitTable { name: table.into(), event: None, columns: facts }];
    for e in &v.events {
        // The row's id and year and the event's date, named so that no field of the event can
        // take their names.
        let mut cols = vec![
            col("_id", "text NOT NULL", "id"),
            col("_year", "INTEGER NOT NULL", "year"),
            col("_date", "DATE", &format!("{}__date", e.name)),
        ];
        cols.extend(e.fields.iter().map(|f| col(&column(&f.name), ty(f.ty), &format!("{}__{}", e.name, f.name))));
        tables.push(SplitTable { name: format!("facts_{}", e.name), event: Some(e.name.clone()), columns: cols });
    }
    tables
}

/// [`compile_to`] for a `facts` table of a known [`Shape`] (PostgreSQL; Spark reads every table
/// as [`Shape::Any`]).
pub fn compile_for(pack: &Pack, d: Dialect, out: Output, shape: Shape) -> Result<String, Vec<SqlError>> {
    lower(pack, d, out, shape, false).map(|(_, q)| q)
}

/// The pack lowered for the split tables (PostgreSQL): see [`Staged`].
pub fn compile_split(pack: &Pack, out: Output, shape: Shape) -> Result<Staged, Vec<SqlError>> {
    lower(pack, Dialect::Postgres, out, shape, true).map(|(setup, query)| Staged { setup, query })
}

fn lower(pack: &Pack, d: Dialect, out: Output, shape: Shape, split: bool) -> Result<(Vec<String>, String), Vec<SqlError>> {
    let v = &pack.vocab;
    let merged = shape == Shape::Any || d == Dialect::Spark;
    let split = split && d == Dialect::Postgres;
    let mut errors = Vec::new();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "-- qiangke: pack {} {} (sha256 {}), {} dialect.",
        pack.id,
        pack.version,
        pack.hash,
        if d == Dialect::Postgres { "PostgreSQL" } else { "Spark SQL" }
    );
    let _ = writeln!(
        s,
        "-- Reads {}; returns {}.",
        if split {
            "the rules' tables `a_RULE` (made by the statements given with this query)"
        } else {
            "`facts` (rows of entity-years, text columns as in `qiangke batch`)"
        },
        match out {
            Output::Awards => "one row per award",
            Output::Budget => "the budget by budget year, paying department and clause",
        }
    );
    // The input stage, as named CTE bodies. raw: every input row, cast. An entity's attributes
    // are the same on all its rows (ents); several rows of one year (the further ones carrying
    // further events) are one year (yrs).
    let mut ctes: Vec<(String, String)> = Vec::new();
    let (from, to) = qiangke_rules::identity::translation();
    let attrs: Vec<String> = v.attributes.iter().map(|a| column(&a.name)).collect();
    let yearly: Vec<String> = v.yearly.iter().map(|y| column(&y.name)).collect();
    // The translation strings as constants (a table's column would be read, and decompressed,
    // for every name).
    let qk = format!("(SELECT '{from}' AS f, '{to}' AS t, '{}' AS r) qk_id", bracket(from));
    let raw = if split {
        format!(
            "  SELECT id AS entity, year AS claim_year{}\n  FROM facts",
            attrs.iter().chain(&yearly).map(|c| format!(", {c}")).collect::<String>()
        )
    } else {
        let mut raw = String::from("  SELECT\n    TRIM(id) AS entity,\n    CAST(year AS INTEGER) AS claim_year");
        for (c, ty) in fact_columns(pack) {
            let _ = match ty {
                Type::Bool | Type::Int | Type::Dec | Type::Rate | Type::Money | Type::Date => {
                    write!(raw, ",\n    CAST(NULLIF(TRIM({c}), '') AS {}) AS {c}", sql_type(d, ty))
                }
                Type::Text if c.contains("__") => write!(raw, ",\n    {}", name(d, &format!("NULLIF(TRIM({c}), '')"), &c)),
                _ => write!(raw, ",\n    NULLIF(TRIM({c}), '') AS {c}"),
            };
        }
        match d {
            Dialect::Postgres => {
                let _ = write!(raw, "\n  FROM facts CROSS JOIN {qk}");
            }
            Dialect::Spark => {
                let _ = write!(raw, "\n  FROM facts CROSS JOIN (SELECT '{from}' AS f, '{to}' AS t) qk_id");
            }
        }
        raw
    };
    // One row per entity-year, split: the table `rows` is loaded as it stands (see the setup).
    let loaded_rows = split && !merged;
    if !loaded_rows {
        ctes.push(("raw".into(), raw));
    }
    let ents_aggs: String = v.attributes.iter().map(|a| format!(", {}", agg(a.ty, &column(&a.name)))).collect();
    if merged {
        // With the split tables, an entity's years too: an event's year is one more only when
        // none of its entity's rows gives it.
        ctes.push((
            "ents".into(),
            if split { ents_sql(pack, "raw", false) } else { format!("  SELECT entity{ents_aggs}\n  FROM raw GROUP BY entity") },
        ));
        ctes.push((
            "yrs".into(),
            format!(
                "  SELECT entity, claim_year{}\n  FROM raw GROUP BY entity, claim_year",
                v.yearly.iter().map(|y| format!(", {}", agg(y.ty, &column(&y.name)))).collect::<String>()
            ),
        ));
    }
    // Events: first each type's own rows (evo_), then with what derivations emit (ev_). An event
    // belongs to the year of its date, whichever row carries it.
    for e in &v.events {
        let b = if split {
            let mut b = String::from("  SELECT r._id AS entity, r._date AS event_date");
            for f in &e.fields {
                let c = column(&f.name);
                let _ = if f.ty == Type::Text { write!(b, ", {}", name(d, &format!("r.{c}"), &c)) } else { write!(b, ", r.{c}") };
            }
            let names = e.fields.iter().any(|f| f.ty == Type::Text);
            let _ = write!(b, "\n  FROM facts_{} r", e.name);
            if names {
                let _ = write!(b, " CROSS JOIN {qk}");
            }
            b
        } else {
            let mut b = format!("  SELECT r.entity, r.{}__date AS event_date", e.name);
            for f in &e.fields {
                let _ = write!(b, ", r.{}__{} AS {}", e.name, f.name, column(&f.name));
            }
            let _ = write!(b, "\n  FROM raw r WHERE r.{}__date IS NOT NULL", e.name);
            b
        };
        ctes.push((format!("evo_{}", e.name), b));
    }
    if merged && split {
        // The entity's rows of a year merged (yrs), and the years only its events give.
        let yearly_of: String = yearly.iter().map(|c| format!(", f.{c}")).collect();
        extra_years(
            pack,
            d,
            split,
            &attrs,
            format!(
                "  SELECT f.entity, f.claim_year{}{yearly_of}\n  FROM yrs f JOIN ents a ON a.entity = f.entity",
                attrs.iter().map(|c| format!(", a.{c}")).collect::<String>()
            ),
            &mut ctes,
        );
    } else if merged {
        // rows: one per entity and year the facts speak of (a row's year or an event's), with the
        // entity's attributes and that year's figures (NULL where no row gives them).
        let years = match d {
            // PostgreSQL: one pass over the rows, each giving its own year and its events' years.
            Dialect::Postgres => {
                let mut y =
                    String::from("  SELECT DISTINCT r.entity, y.claim_year\n  FROM raw r CROSS JOIN LATERAL (VALUES (r.claim_year)");
                for e in &v.events {
                    let _ = write!(y, ", (CAST(EXTRACT(YEAR FROM r.{}__date) AS INTEGER))", e.name);
                }
                y.push_str(") AS y (claim_year)\n  WHERE y.claim_year IS NOT NULL");
                y
            }
            // Spark reads this once, into a scratch table.
            Dialect::Spark => {
                let mut y = String::from("  SELECT entity, claim_year FROM yrs");
                for e in &v.events {
                    let _ = write!(y, "\n  UNION SELECT entity, CAST(EXTRACT(YEAR FROM event_date) AS INTEGER) FROM evo_{}", e.name);
                }
                y
            }
        };
        ctes.push(("years".into(), years));
        ctes.push((
            "rows".into(),
            format!(
                "  SELECT y.entity, y.claim_year{}{}\n  FROM years y JOIN ents a ON a.entity = y.entity\n  LEFT JOIN yrs f ON f.entity = y.entity AND f.claim_year = y.claim_year",
                attrs.iter().map(|c| format!(", a.{c}")).collect::<String>(),
                yearly.iter().map(|c| format!(", f.{c}")).collect::<String>(),
            ),
        ));
    } else if !loaded_rows {
        // Each row is its entity-year as it stands; the entities with years only their events
        // give get their attributes from their rows.
        if !v.events.is_empty() {
            ctes.push(("ents".into(), ents_sql(pack, "raw", true)));
        }
        let own: String = attrs.iter().chain(&yearly).map(|c| format!(", r.{c}")).collect();
        extra_years(pack, d, split, &attrs, format!("  SELECT r.entity, r.claim_year{own}\n  FROM raw r"), &mut ctes);
    }
    for (ei, e) in v.events.iter().enumerate() {
        let fields: Vec<String> = e.fields.iter().map(|f| column(&f.name)).collect();
        let mut b = format!("  SELECT * FROM evo_{}", e.name);
        for dv in pack.derives.iter().filter(|dv| dv.emit == ei) {
            let src = &v.events[dv.from];
            let c = Ctx { pack, d, rule: &dv.id, event: Some(dv.from) };
            let when = match c.expr(&dv.when.node) {
                Ok(w) => w,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let _ = write!(b, "\n  UNION ALL -- {} {}: {}\n  SELECT e.entity, e.event_date", dv.clause, dv.id, dv.title.en);
            for (fi, f) in e.fields.iter().enumerate() {
                let val = match dv.set.iter().find(|(i, _)| *i == fi) {
                    Some((_, ex)) => c.expr(&ex.node).unwrap_or_else(|er| {
                        errors.push(er);
                        "NULL".into()
                    }),
                    None => format!("CAST(NULL AS {})", sql_type(d, f.ty)),
                };
                let _ = write!(b, ", {val} AS {}", fields[fi]);
            }
            let _ = write!(b, "\n  FROM evo_{} e\n  WHERE COALESCE({when}, FALSE)", src.name);
        }
        ctes.push((format!("ev_{}", e.name), b));
    }
    // With the split tables, `raw` is only `facts` renamed: read where it is used, not copied.
    let cte = |(name, body): &(String, String)| {
        let inline = if split && name == "raw" { "NOT MATERIALIZED " } else { "" };
        format!("{name} AS {inline}(\n{body}\n)")
    };
    let mut setup: Vec<String> = Vec::new();
    match d {
        // With the split tables, the input stage and each rule are statements of their own,
        // each writing a temporary table the next ones read (see [`Staged`]).
        Dialect::Postgres if split => {
            let (stage, rest): (Vec<_>, Vec<_>) = ctes.iter().partition(|(n, _)| !n.starts_with("ev"));
            if loaded_rows {
                // The years only events give, added to the loaded rows with their entity's
                // attributes (from its rows).
                if !v.events.is_empty() {
                    setup.push(format!("CREATE TEMP TABLE xyears AS\n{}", xyears_sql(pack, true)));
                    setup.push(format!("CREATE TEMP TABLE ents AS\n{}", ents_sql(pack, "rows", true)));
                    setup.push(format!("INSERT INTO rows\n{}", extras_sql(pack, d, &attrs)));
                }
            } else {
                setup.push(format!(
                    "CREATE TEMP TABLE rows AS\nWITH {}\nSELECT * FROM rows",
                    stage.into_iter().map(cte).collect::<Vec<_>>().join(",\n")
                ));
            }
            setup.push("CREATE INDEX ON rows (entity, claim_year)".into());
            setup.push("ANALYZE rows".into());
            for (name, body) in rest {
                setup.push(format!("CREATE TEMP TABLE {name} AS\n{body}"));
            }
        }
        // PostgreSQL: one query; it materialises a CTE that several others read.
        Dialect::Postgres => {
            s.push_str("WITH ");
            s.push_str(&ctes.iter().map(cte).collect::<Vec<_>>().join(",\n"));
        }
        // Spark inlines every CTE at every use, and 41 rules reading `rows` and the events would
        // make a plan too large to analyse: the input stage is written to scratch tables `qk_*`
        // first (one statement each, ended by a line holding only `;`), and the rules read those.
        // Tables, not cached views: a view keeps its whole plan, and each use would analyse it.
        Dialect::Spark => {
            let input: Vec<String> = ctes.iter().filter(|(n, _)| n != "raw" && !n.starts_with("ev_")).map(cte).collect();
            let _ = write!(s, "DROP TABLE IF EXISTS qk_raw\n;\nCREATE TABLE qk_raw USING parquet AS\n{}\n;\n", ctes[0].1);
            let _ = write!(
                s,
                "DROP TABLE IF EXISTS qk_rows\n;\nCREATE TABLE qk_rows USING parquet AS\nWITH raw AS (SELECT * FROM qk_raw),\n{}\nSELECT * FROM rows\n;\n",
                input.join(",\n")
            );
            for (ei, (name, body)) in ctes.iter().filter(|(n, _)| n.starts_with("ev_")).enumerate() {
                // The event's own rows and those of the events derivations turn into it.
                let mut from = vec![ei];
                from.extend(pack.derives.iter().filter(|dv| dv.emit == ei).map(|dv| dv.from));
                from.dedup();
                let evo: Vec<String> = from
                    .iter()
                    .map(|&f| cte(&ctes.iter().find(|(n, _)| *n == format!("evo_{}", v.events[f].name)).expect("evo").clone()))
                    .collect();
                let _ = write!(
                    s,
                    "DROP TABLE IF EXISTS qk_{name}\n;\nCREATE TABLE qk_{name} USING parquet AS\nWITH raw AS (SELECT * FROM qk_raw),\n{},\n{name} AS (\n{body}\n)\nSELECT * FROM {name}\n;\n",
                    evo.join(",\n")
                );
            }
        }
    }
    // Spark: what a rule statement reads, as aliases of the scratch tables: the rows, and the
    // events of its trigger.
    let inputs = |r: &Rule| {
        let mut i = String::from("WITH rows AS (SELECT * FROM qk_rows)");
        if let Trigger::Event { event, .. } = &r.trigger {
            let _ = write!(i, ",\nev_{0} AS (SELECT * FROM qk_ev_{0})", v.events[*event].name);
        }
        i
    };
    // One CTE per rule: candidates, then the first award per once-key.
    // (Spark: each rule is a scratch table of its own, computed in evaluation order, so that a
    // top-up reads its base's table and the final query is a small union.)
    let ordered: Vec<usize> = pack.eval_order.clone();
    let mut outs = Vec::new();
    let mut done: Vec<String> = Vec::new();
    for ri in ordered {
        let r = &pack.rules[ri];
        match rule_sql(pack, d, r) {
            Ok(body) if d == Dialect::Spark => {
                let name = column(&r.id.replace('-', "_"));
                // A top-up reads its base's awards.
                let bases: String = r
                    .requires
                    .as_ref()
                    .map(|q| format!(",\na_{0} AS (SELECT * FROM qk_a_{0})", column(&pack.rules[q.rule].id.replace('-', "_"))))
                    .unwrap_or_default();
                let _ = write!(
                    s,
                    "DROP TABLE IF EXISTS qk_a_{name}\n;\nCREATE TABLE qk_a_{name} USING parquet AS\n{}{bases},\n{body}\nSELECT * FROM a_{name}\n;\n",
                    inputs(r)
                );
                done.push(name);
                outs.push(award_select(pack, d, r));
            }
            Ok(body) if split => {
                let name = column(&r.id.replace('-', "_"));
                setup.push(format!("CREATE TEMP TABLE a_{name} AS\nWITH {body}\nSELECT * FROM a_{name}"));
                outs.push(award_select(pack, d, r));
            }
            Ok(body) => {
                let _ = write!(s, ",\n{body}");
                outs.push(award_select(pack, d, r));
            }
            Err(e) => errors.push(e),
        }
    }
    match d {
        Dialect::Postgres if split => {
            let _ = write!(s, "WITH awards AS (\n{}\n)\n", outs.join("\nUNION ALL\n"));
        }
        Dialect::Postgres => {
            let _ = write!(s, ",\nawards AS (\n{}\n)\n", outs.join("\nUNION ALL\n"));
        }
        Dialect::Spark => {
            let aliases: Vec<String> = done.iter().map(|b| format!("a_{b} AS (SELECT * FROM qk_a_{b})")).collect();
            let _ = write!(s, "WITH {},\nawards AS (\n{}\n)\n", aliases.join(",\n"), outs.join("\nUNION ALL\n"));
        }
    }
    match out {
        Output::Awards => s.push_str("SELECT * FROM awards\n"),
        Output::Budget => s.push_str(
            "SELECT budget_year, paid_by, clause, COUNT(*) AS awards, SUM(low) AS low,\n  \
             CASE WHEN COUNT(high) = COUNT(*) THEN SUM(high) END AS high\n\
             FROM awards\nWHERE kind = 'award' AND budget_year IS NOT NULL\n\
             GROUP BY budget_year, paid_by, clause\n",
        ),
    }
    if errors.is_empty() { Ok((setup, s)) } else { Err(errors) }
}

/// A fact merged over several rows: any one true flag, else the largest value (rows that agree
/// give their value; native batch refuses rows that disagree).
fn agg(ty: Type, c: &str) -> String {
    if ty == Type::Bool { format!("BOOL_OR({c}) AS {c}") } else { format!("MAX({c}) AS {c}") }
}

/// Each entity's attributes merged over its rows in `from`, and the years its rows give (`years`,
/// for [`extras_sql`]); `only_extra`: only the entities with years only their events give.
fn ents_sql(pack: &Pack, from: &str, only_extra: bool) -> String {
    let aggs: String = pack.vocab.attributes.iter().map(|a| format!(", {}", agg(a.ty, &column(&a.name)))).collect();
    let only = if only_extra { " WHERE entity IN (SELECT entity FROM xyears)" } else { "" };
    format!("  SELECT entity{aggs}, array_agg(claim_year) AS years\n  FROM {from}{only} GROUP BY entity")
}

/// `rows` without the GROUP BYs of the general query's years: `own` (the rows' own entity-years,
/// giving entity, claim year, attributes and yearly figures in that order) and the years only
/// events speak of ([`xyears_sql`], [`extras_sql`]). `xyears` is pushed here and `ents` by the
/// caller, after it and before `rows`.
fn extra_years(pack: &Pack, d: Dialect, split: bool, attrs: &[String], own: String, ctes: &mut Vec<(String, String)>) {
    if pack.vocab.events.is_empty() {
        ctes.push(("rows".into(), own));
        return;
    }
    // `ents` must come after `xyears` (it may read it): put xyears before it if already there.
    let at = ctes.iter().position(|(n, _)| n == "ents").unwrap_or(ctes.len());
    ctes.insert(at, ("xyears".into(), xyears_sql(pack, split)));
    ctes.push(("rows".into(), format!("{own}\n  UNION ALL\n{}", extras_sql(pack, d, attrs))));
}

/// The years only events speak of: an event dated in a year its row does not give (from the
/// rows, or with the split tables from each event's table, which keeps its row's year).
fn xyears_sql(pack: &Pack, split: bool) -> String {
    let v = &pack.vocab;
    // date_part gives a double, exact for a year, where EXTRACT computes a numeric.
    if split {
        let each: Vec<String> = v
            .events
            .iter()
            .map(|e| format!("SELECT _id AS entity, CAST(date_part('year', _date) AS INTEGER) AS claim_year, _year FROM facts_{}", e.name))
            .collect();
        format!("  SELECT DISTINCT entity, claim_year\n  FROM ({}) x\n  WHERE claim_year <> _year", each.join("\n    UNION ALL "))
    } else {
        let year = |e: &str| format!("CAST(date_part('year', r.{e}__date) AS INTEGER)");
        let values: Vec<String> = v.events.iter().map(|e| format!("({})", year(&e.name))).collect();
        let other: Vec<String> = v.events.iter().map(|e| format!("{} <> r.claim_year", year(&e.name))).collect();
        format!(
            "  SELECT DISTINCT r.entity, y.claim_year\n  FROM raw r CROSS JOIN LATERAL (VALUES {}) AS y (claim_year)\n  WHERE ({})\n    AND y.claim_year <> r.claim_year",
            values.join(", "),
            other.join(" OR ")
        )
    }
}

/// Rows for the years of `xyears` that no row of the entity gives (`ents.years`), with the
/// entity's attributes and no yearly figures.
fn extras_sql(pack: &Pack, d: Dialect, attrs: &[String]) -> String {
    format!(
        "  SELECT x.entity, x.claim_year{}{}\n  FROM xyears x JOIN ents a ON a.entity = x.entity\n  WHERE NOT (x.claim_year = ANY (a.years))",
        attrs.iter().map(|c| format!(", a.{c}")).collect::<String>(),
        pack.vocab.yearly.iter().map(|y| format!(", CAST(NULL AS {})", sql_type(d, y.ty))).collect::<String>(),
    )
}

/// A name read as the identity the native once-keys use (qiangke_rules::identity), from the
/// translation strings that stand once, in `qk_id`. PostgreSQL's translate() scans the whole
/// `from` string (thousands of characters) for every character of the name: it runs only on
/// names holding a character to change, which one regular expression of those characters finds
/// (compiled once, cached).
fn name(d: Dialect, value: &str, c: &str) -> String {
    match d {
        Dialect::Postgres => format!("CASE WHEN {value} ~ qk_id.r THEN translate({value}, qk_id.f, qk_id.t) ELSE {value} END AS {c}"),
        Dialect::Spark => format!("translate({value}, qk_id.f, qk_id.t) AS {c}"),
    }
}

/// A rule's awards as rows of the award table.
fn award_select(pack: &Pack, d: Dialect, r: &Rule) -> String {
    format!(
        "SELECT entity, claim_year, '{}' AS rule, '{}' AS clause, '{}' AS kind, '{}' AS state, low, high, budget_year, {} AS paid_by FROM a_{}",
        r.id,
        r.clause,
        match r.kind {
            RuleKind::Award => "award",
            RuleKind::Limit => "limit",
            RuleKind::Check => "check",
            RuleKind::Score => "score",
        },
        if r.kind == RuleKind::Check { "met" } else { "awarded" },
        r.paid_by.map_or(format!("CAST(NULL AS {})", text(d)), |p| format!("'{}'", pack.departments[p].id)),
        column(&r.id.replace('-', "_"))
    )
}

fn rule_sql(pack: &Pack, d: Dialect, r: &Rule) -> Result<String, SqlError> {
    let name = column(&r.id.replace('-', "_"));
    let (event, filter) = match &r.trigger {
        Trigger::Event { event, filter } => (Some(*event), filter.as_ref()),
        Trigger::Year => (None, None),
    };
    let c = Ctx { pack, d, rule: &r.id, event };
    let mut conds: Vec<String> = Vec::new();
    let ae = &pack.enums[pack.applicant_enum as usize];
    if !r.applicants.is_empty() {
        let kinds: Vec<String> = r.applicants.iter().map(|&k| format!("'{}'", ae.variants[k as usize].id)).collect();
        conds.push(format!("r.kind IN ({})", kinds.join(", ")));
    }
    let year_expr = if event.is_some() { "CAST(EXTRACT(YEAR FROM e.event_date) AS INTEGER)".to_string() } else { "r.claim_year".into() };
    if event.is_some() {
        conds.push(format!("e.event_date BETWEEN DATE '{}' AND DATE '{}'", r.valid.0, r.valid.1));
    } else {
        conds.push(format!("r.claim_year BETWEEN {} AND {}", r.valid.0.year, r.valid.1.year));
    }
    for x in filter.into_iter().chain(r.guard.iter()) {
        conds.push(format!("COALESCE({}, FALSE)", c.expr(&x.node)?));
    }
    // A check has no amount: a met requirement is a row with zero.
    let (low, high) = match &r.amount {
        Some(a) => c.range(&a.node)?,
        None => ("0".to_string(), "0".to_string()),
    };
    let m = money(d);
    conds.push(format!("({low}) IS NOT NULL"));
    let keys: Result<Vec<String>, SqlError> = r.once.iter().map(|o| key_expr(&c, o)).collect();
    let keys = keys?;
    for k in &keys {
        conds.push(format!("{k} IS NOT NULL"));
    }
    let by = match r.budget_year {
        BudgetYear::Same => "claim_year".to_string(),
        BudgetYear::Next => "claim_year + 1".into(),
    };
    let from = match event {
        // An event belongs to the claim year it is dated in, with the entity's attributes and
        // that year's figures.
        Some(e) => format!(
            "ev_{} e JOIN rows r ON r.entity = e.entity AND r.claim_year = CAST(EXTRACT(YEAR FROM e.event_date) AS INTEGER)",
            pack.vocab.events[e].name
        ),
        None => "rows r".into(),
    };
    // The top-up's rebuild of its base's once-key (`requires.key`), as columns rk0, rk1, ….
    let base_keys: Vec<String> = match &r.requires {
        Some(q) => q.key.iter().map(|k| key_expr(&c, k)).collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let key_cols: String = keys
        .iter()
        .enumerate()
        .map(|(i, k)| format!(", CAST({k} AS {}) AS k{i}", text(d)))
        .chain(base_keys.iter().enumerate().map(|(i, k)| format!(", CAST({k} AS {}) AS rk{i}", text(d))))
        .collect();
    let part: String = std::iter::once("entity".to_string()).chain((0..keys.len()).map(|i| format!("k{i}"))).collect::<Vec<_>>().join(", ");
    let order = if event.is_some() { "claim_year, event_date" } else { "claim_year" };
    let mut sql = format!(
        "c_{name} AS ( -- {} {}: {}\n  SELECT r.entity, {year_expr} AS claim_year, {}, CAST(ROUND(CAST({low} AS {m}), 2) AS DECIMAL(20, 2)) AS low, {} AS high{key_cols}\n  FROM {from}\n  WHERE {}\n)",
        r.clause,
        r.id,
        r.title.en.replace('\n', " "),
        if event.is_some() { "e.event_date" } else { "CAST(NULL AS DATE) AS event_date" },
        if high == "NULL" {
            "CAST(NULL AS DECIMAL(20, 2))".to_string()
        } else {
            format!("CAST(ROUND(CAST({high} AS {m}), 2) AS DECIMAL(20, 2))")
        },
        conds.join("\n    AND ")
    );
    // A top-up needs its base's award for the same key, earlier or in the same year.
    let base_cond = match &r.requires {
        Some(q) => {
            let base = &pack.rules[q.rule];
            let conds: Vec<String> = (0..q.key.len()).map(|i| format!("b.k{i} = c.rk{i}")).collect();
            format!(
                "\n  AND EXISTS (SELECT 1 FROM a_{} b WHERE b.entity = c.entity AND b.claim_year <= c.claim_year{})",
                column(&base.id.replace('-', "_")),
                conds.iter().map(|x| format!(" AND {x}")).collect::<String>()
            )
        }
        None => String::new(),
    };
    let _ = write!(
        sql,
        ",\na_{name} AS (\n  SELECT entity, claim_year, low, high, {by} AS budget_year{}\n  FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY {part} ORDER BY {order}) AS n FROM c_{name} c WHERE TRUE{base_cond}) x\n  WHERE n = 1\n)",
        (0..keys.len()).map(|i| format!(", k{i}")).collect::<String>()
    );
    Ok(sql)
}

/// A once-key part as text (so that keys of different types compare as the native keys do; names
/// are already normalized identities, as the native keys normalize them).
fn key_expr(c: &Ctx<'_>, e: &CExpr) -> Result<String, SqlError> {
    c.expr(&e.node)
}
