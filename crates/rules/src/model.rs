//! The checked model of a pack: what exists after loading succeeded.
//!
//! A [`Pack`] value has passed every check (names resolve, types agree, tiers have no gaps, quotes
//! are found in the source), so the evaluator never re-validates it. Raw TOML shapes live in
//! `pack::raw`; nothing here is deserialized directly.

use crate::diag::{FileId, SourceMap, Span};
use crate::resolve::CExpr;
use crate::value::{Date, money_source, rate_percent};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A bilingual text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The language of a text (defined with the message catalogue).
pub use qiangke_i18n::Lang;

/// Something declared with an id and names in both languages (a department, a county, an enum variant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: String,
    #[serde(flatten)]
    pub name: Text,
    /// Other spellings the source uses for the same thing (市发展改革委 / 市发改委).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Named {
    /// Whether `s` is this thing's id, a name in either language, or an alias.
    pub fn matches(&self, s: &str) -> bool {
        self.id == s || self.name.zh == s || self.name.en == s || self.aliases.iter().any(|a| a == s)
    }
}

/// Types of the expression language and of facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Bool,
    Int,
    Dec,
    Money,
    Rate,
    Date,
    /// Free text (names); usable in once-keys, not in arithmetic.
    Text,
    /// A unified social credit code: text that passed the GB 32100 check.
    Uscc,
    Enum(u16),
    /// An amount left to the administrator: `[low, high]`.
    MoneyRange,
    RateRange,
    /// Points of a score (`20分`), and a range of them where experts judge within a band
    /// (`range(7分, 8分)`).
    Points,
    PointsRange,
    /// A literal list on the right of `in` (element type checked at resolution).
    List,
}

impl Type {
    pub fn name(self, pack_enums: &[EnumDef]) -> String {
        match self {
            Type::Bool => "bool".into(),
            Type::Int => "integer".into(),
            Type::Dec => "decimal".into(),
            Type::Money => "money".into(),
            Type::Rate => "rate".into(),
            Type::Date => "date".into(),
            Type::Text => "text".into(),
            Type::Uscc => "uscc".into(),
            Type::Enum(i) => pack_enums.get(i as usize).map_or("enum".into(), |e| e.name.clone()),
            Type::MoneyRange => "money range".into(),
            Type::RateRange => "rate range".into(),
            Type::Points => "points".into(),
            Type::PointsRange => "points range".into(),
            Type::List => "list".into(),
        }
    }
}

/// A runtime value. Money and rates are exact decimals (money in yuan, rates as fractions).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Dec(Decimal),
    Money(Decimal),
    Rate(Decimal),
    Date(Date),
    Text(Arc<str>),
    Enum(u16, u16),
    MoneyRange(Decimal, Decimal),
    RateRange(Decimal, Decimal),
    Points(Decimal),
    PointsRange(Decimal, Decimal),
}

impl Value {
    /// Human rendering with the pack's enum names.
    pub fn show(&self, pack: &Pack, lang: Lang) -> String {
        match self {
            Value::Bool(b) => match (lang, b) {
                (Lang::Zh, true) => "是".into(),
                (Lang::Zh, false) => "否".into(),
                (Lang::En, b) => b.to_string(),
            },
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => d.normalize().to_string(),
            Value::Money(m) => money_source(*m),
            Value::Rate(r) => rate_percent(*r),
            Value::Date(d) => d.to_string(),
            Value::Text(t) => t.to_string(),
            Value::Enum(e, v) => pack.enums[*e as usize].variants[*v as usize].name.get(lang).to_string(),
            Value::MoneyRange(a, b) => format!("[{}, {}]", money_source(*a), money_source(*b)),
            Value::RateRange(a, b) => format!("[{}, {}]", rate_percent(*a), rate_percent(*b)),
            Value::Points(p) => crate::value::points_in(*p, *p, lang),
            Value::PointsRange(a, b) => crate::value::points_in(*a, *b, lang),
        }
    }
    /// Stable machine rendering (once-keys, JSON).
    pub fn key(&self, pack: &Pack) -> String {
        match self {
            Value::Enum(e, v) => pack.enums[*e as usize].variants[*v as usize].id.clone(),
            Value::Money(m) => crate::value::money_plain(*m),
            other => other.show(pack, Lang::En),
        }
    }
    /// The value as a part of a once-key: [`Value::key`], but a name is read as an identity, so
    /// that one thing written in several ways is one key ([`crate::identity`]).
    pub fn once_part(&self, pack: &Pack) -> String {
        match self {
            Value::Text(t) => crate::identity::normalize(t),
            other => other.key(pack),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<Named>,
    /// Each variant's Chinese name and aliases as identities ([`crate::identity::normalize`]),
    /// worked out once at load for [`lookup`](Self::lookup).
    written: Vec<Vec<String>>,
}

impl EnumDef {
    pub fn new(name: String, variants: Vec<Named>) -> EnumDef {
        let written = variants
            .iter()
            .map(|v| {
                std::iter::once(&v.name.zh).chain(&v.aliases).map(|n| crate::identity::normalize(n)).filter(|n| !n.is_empty()).collect()
            })
            .collect();
        EnumDef { name, variants, written }
    }

    /// Finds a variant by id, either name or an alias; failing that, as people type a choice
    /// into a form or a spreadsheet cell: the English name in any case, or the Chinese name or
    /// an alias in the other script, with other spacing or full-width letters (`凉州区` for
    /// `涼州區`, `企业` for `企業`).
    pub fn lookup(&self, s: &str) -> Option<u16> {
        if let Some(i) = self.variants.iter().position(|v| v.matches(s)) {
            return Some(i as u16);
        }
        let (t, n) = (s.trim(), crate::identity::normalize(s));
        self.variants
            .iter()
            .zip(&self.written)
            .position(|(v, w)| v.name.en.eq_ignore_ascii_case(t) || (!n.is_empty() && w.contains(&n)))
            .map(|i| i as u16)
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    pub title: Text,
    /// The departments whose records this fact comes from (indices into `Pack::departments`): a
    /// department reviewer may record it; others' reviewers may not. Empty: no department
    /// supplies it (the entity itself and the administrator record it). Event fields leave it
    /// empty; the event has its own.
    pub supplied_by: Vec<usize>,
    /// Whether a facts document (and the calculator's form) should give it.
    pub required: Required,
    /// A yearly figure that may also be written under `entity`, meaning every year (a year's own
    /// value overrides it): `attribute_shorthand = "every-year"` in facts.toml.
    pub every_year: bool,
}

/// Whether a fact must be given. A missing one still makes the results that need it *needs
/// information* (never an error): this is what forms ask for and `qiangke check` holds rules to.
#[derive(Debug, Clone, Default)]
pub enum Required {
    #[default]
    No,
    Always,
    /// Required when this condition over the event's own fields holds (or is unknown).
    When(crate::resolve::CExpr),
}

impl Required {
    pub fn is_required(&self) -> bool {
        !matches!(self, Required::No)
    }
}

#[derive(Debug, Clone)]
pub struct EventDef {
    pub name: String,
    pub title: Text,
    /// The departments whose records this event comes from (see [`FieldDef::supplied_by`]).
    pub supplied_by: Vec<usize>,
    /// Every event also has a `date`, which is not listed here.
    pub fields: Vec<FieldDef>,
}

/// The pack's fact vocabulary.
#[derive(Debug, Clone, Default)]
pub struct Vocab {
    pub attributes: Vec<FieldDef>,
    pub yearly: Vec<FieldDef>,
    pub events: Vec<EventDef>,
}

impl Vocab {
    pub fn attribute(&self, name: &str) -> Option<usize> {
        self.attributes.iter().position(|f| f.name == name)
    }
    pub fn yearly(&self, name: &str) -> Option<usize> {
        self.yearly.iter().position(|f| f.name == name)
    }
    pub fn event(&self, name: &str) -> Option<usize> {
        self.events.iter().position(|f| f.name == name)
    }
}

/// One side of a tier band: the number and whether it is included, with the source's word for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
    /// 以上, 超过, 以下, 不满 …: kept so explanations use the source's own words.
    pub word: String,
}

#[derive(Debug, Clone)]
pub struct Band {
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
    pub amount: Decimal,
    /// The top of the band's amount where the text gives a range (`7-8分`: experts choose within
    /// it); `None`: the amount is exact.
    pub high: Option<Decimal>,
    /// What the bounds measure (`Type::Money`, `Type::Rate`, or `Type::Int` for a number), for
    /// the words the explanation uses.
    pub by: Type,
}

impl Band {
    pub fn contains(&self, x: Decimal) -> bool {
        let lo = self.lower.as_ref().is_none_or(|b| if b.inclusive { x >= b.value } else { x > b.value });
        let hi = self.upper.as_ref().is_none_or(|b| if b.inclusive { x <= b.value } else { x < b.value });
        lo && hi
    }
    /// `1000万元以上、2000万元以下`, or in English
    /// `from 10,000,000 yuan (inclusive, 以上) to 20,000,000 yuan (inclusive, 以下)`.
    pub fn describe_in(&self, lang: Lang) -> String {
        if lang == Lang::Zh {
            return self.describe();
        }
        let side = |b: &Bound| {
            let v = match self.by {
                Type::Money => crate::value::money_en(b.value),
                _ => measure_text(self.by, b.value),
            };
            format!("{} ({}, {})", v, if b.inclusive { "inclusive" } else { "exclusive" }, b.word)
        };
        match (&self.lower, &self.upper) {
            (Some(l), Some(u)) => format!("from {} to {}", side(l), side(u)),
            (Some(l), None) => format!("{} and above", side(l)),
            (None, Some(u)) => format!("up to {}", side(u)),
            (None, None) => "any amount".into(),
        }
    }
    /// The source's own words: `1000万元以上、2000万元以下`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(l) = &self.lower {
            parts.push(format!("{}{}", measure_text(self.by, l.value), l.word));
        }
        if let Some(u) = &self.upper {
            parts.push(format!("{}{}", measure_text(self.by, u.value), u.word));
        }
        parts.join("、")
    }
}

/// A bound or an input of a tier table as the source writes it: `500万元`, `30%`, `4`.
pub fn measure_text(by: Type, v: Decimal) -> String {
    match by {
        Type::Money => money_source(v),
        Type::Rate => rate_percent(v),
        // A computed number (an average over three years) is read to two decimals, marked.
        _ if v.normalize().scale() > 4 => {
            format!("≈{}", v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize())
        }
        _ => v.normalize().to_string(),
    }
}

/// Which band wins where the text's bands share a boundary (an interpretation, with its note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Prefer {
    Higher,
    Lower,
}

/// A step table: the amount is the band's fixed amount.
#[derive(Debug, Clone)]
pub struct TierTable {
    pub id: String,
    /// Ascending by lower bound.
    pub bands: Vec<Band>,
    pub overlap: Option<(Prefer, usize)>,
    /// What the table is looked up by: `Type::Money`, `Type::Rate` or `Type::Int` (a number).
    pub input: Type,
    /// Whether its amounts are points of a score (`20分`) rather than money.
    pub points: bool,
}

impl TierTable {
    /// The type `tier(T, x)` gives: money or points, a range where some band is a range.
    pub fn output(&self) -> Type {
        let range = self.bands.iter().any(|b| b.high.is_some());
        match (self.points, range) {
            (false, false) => Type::Money,
            (false, true) => Type::MoneyRange,
            (true, false) => Type::Points,
            (true, true) => Type::PointsRange,
        }
    }
    /// A band's amount as a value of [`output`](Self::output)'s type.
    pub fn amount_value(&self, band: usize) -> Value {
        let b = &self.bands[band];
        let (lo, hi) = (b.amount, b.high.unwrap_or(b.amount));
        match self.output() {
            Type::Money => Value::Money(lo),
            Type::MoneyRange => Value::MoneyRange(lo, hi),
            Type::Points => Value::Points(lo),
            _ => Value::PointsRange(lo, hi),
        }
    }
    /// A band's amount in words: `10万元`, `20分`, `7–8分`.
    pub fn amount_text(&self, band: usize, lang: Lang) -> String {
        let b = &self.bands[band];
        if self.points {
            crate::value::points_in(b.amount, b.high.unwrap_or(b.amount), lang)
        } else {
            let (lo, hi) = (money_source(b.amount), b.high.map(money_source));
            match hi {
                Some(h) => format!("{lo}–{h}"),
                None => lo,
            }
        }
    }
    /// A value looked up in the table as the source writes it.
    pub fn input_text(&self, v: Decimal) -> String {
        measure_text(self.input, v)
    }
}

/// One marginal bracket: `rate` applies to the part of the base up to `upto` (the last has none).
#[derive(Debug, Clone)]
pub struct Bracket {
    pub upto: Option<Decimal>,
    pub rate: Decimal,
}

#[derive(Debug, Clone)]
pub struct BracketTable {
    pub id: String,
    pub brackets: Vec<Bracket>,
}

/// An interpretation the pack had to make where the source is ambiguous.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: String,
    pub clause: String,
    pub question: Text,
    pub options: Vec<String>,
    pub choice: Text,
    pub reason: Text,
}

#[derive(Debug, Clone)]
pub enum Trigger {
    /// Evaluated once per claim year (annual figures).
    Year,
    /// Evaluated for each event of this type dated in the claim year that passes the filter.
    Event { event: usize, filter: Option<CExpr> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetYear {
    /// Paid from the budget of the year the award arises.
    Same,
    /// 列入次年市级财政预算: the following year's budget.
    Next,
}

/// What a rule's amount is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Money the city pays (counted in budgets).
    Award,
    /// A permitted maximum or share computed under the plan (四(一)5's indirect-cost ceiling),
    /// not a payment: shown, never counted in budget totals.
    Limit,
    /// A requirement the plan sets on a portfolio (四(五)18: at least half of municipal projects
    /// led by researchers under 45), or a condition of a standard: the guard is the requirement;
    /// results are met / not met.
    Check,
    /// An item of a score (科技人员指标, 20分): the amount is points, or a range of points where
    /// experts judge within a band; results are *scored*. Standards sum them.
    Score,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: RuleKind,
    pub clause: String,
    pub quote: String,
    /// The sentence on verification and budget (…核实后,列入次年市级财政预算), verbatim, if any.
    pub procedure_quote: Option<String>,
    pub title: Text,
    /// Variants of the applicant-kind enum this rule applies to (empty: any).
    pub applicants: Vec<u16>,
    pub trigger: Trigger,
    pub guard: Option<CExpr>,
    /// Money or a money range; `None` only for checks.
    pub amount: Option<CExpr>,
    pub once: Vec<CExpr>,
    pub budget_year: BudgetYear,
    pub verified_by: Vec<usize>,
    /// `None` for limits and checks, which pay nothing.
    pub paid_by: Option<usize>,
    pub notes: Vec<usize>,
    pub valid: (Date, Date),
    /// A top-up (再给予): eligible only once the base rule has awarded the same key.
    pub requires: Option<Requires>,
    pub file: FileId,
    pub span: Span,
}

impl Rule {
    /// Every expression of the rule: guard, amount, the trigger's filter, once-key and top-up key
    /// (what a reader of the facts it uses must walk).
    pub fn exprs(&self) -> impl Iterator<Item = &CExpr> {
        let filter = match &self.trigger {
            Trigger::Event { filter, .. } => filter.as_ref(),
            Trigger::Year => None,
        };
        self.guard
            .iter()
            .chain(self.amount.iter())
            .chain(filter)
            .chain(self.once.iter())
            .chain(self.requires.iter().flat_map(|q| q.key.iter()))
    }
}

/// The base award a top-up rule depends on: `rule`'s once-key built from `key` must already be
/// awarded (earlier in the evaluation, or earlier in the same year).
#[derive(Debug, Clone)]
pub struct Requires {
    pub rule: usize,
    pub key: Vec<CExpr>,
}

/// A standard an entity meets or not (a recognition's conditions): conditions that must all be
/// met, a score whose items are summed and held to a pass mark, and routes that stand in for the
/// score. Its outcome is *meets*, *cannot meet*, *depends on expert review* (the score's range
/// straddles the pass mark) or *needs information* ([`crate::standard`]).
#[derive(Debug, Clone)]
pub struct Standard {
    pub id: String,
    pub clause: String,
    pub quote: String,
    pub title: Text,
    /// Check rules that must all be met.
    pub all: Vec<usize>,
    /// Score rules, summed.
    pub score: Vec<usize>,
    /// The pass mark of the score (`60分 不低于`: at least 60; `70分 超过`: more than 70).
    pub pass: Option<Bound>,
    /// Check rules that must also be met on the score's path (科技人员指标得分不得为0分).
    pub with_score: Vec<usize>,
    /// Check rules any one of which stands in for the score and `with_score` (直接确认).
    pub routes: Vec<usize>,
    /// Points are whole (各级指标均按整数打分): above an exclusive mark means one point more.
    pub whole_points: bool,
    pub notes: Vec<usize>,
    pub file: FileId,
    pub span: Span,
}

impl Standard {
    /// Whether a total of `points` reaches the pass mark.
    pub fn passes(&self, points: Decimal) -> bool {
        self.pass.as_ref().is_none_or(|b| if b.inclusive { points >= b.value } else { points > b.value })
    }
}

/// A derivation: facts that count as other facts (三(二)5: relocating counts as newly recognized).
#[derive(Debug, Clone)]
pub struct Derive {
    pub id: String,
    pub clause: String,
    pub quote: String,
    pub title: Text,
    pub from: usize,
    pub when: CExpr,
    pub emit: usize,
    /// Field index of the emitted event → expression over the source event.
    pub set: Vec<(usize, CExpr)>,
    pub notes: Vec<usize>,
}

/// A loaded, checked pack.
#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub version: String,
    pub title: Text,
    /// Hex SHA-256 over every file of the pack (names and contents, in name order).
    pub hash: String,
    pub source_name: String,
    pub source_text: String,
    /// Why every figure of the pack is provisional (its source is not the official publication);
    /// `None`: the source is the official text.
    pub provisional: Option<Text>,
    pub valid: (Date, Date),
    pub departments: Vec<Named>,
    pub enums: Vec<EnumDef>,
    /// Index into `enums` of the applicant-kind enum and of the counties.
    pub applicant_enum: u16,
    pub county_enum: u16,
    pub vocab: Vocab,
    pub rules: Vec<Rule>,
    pub tiers: Vec<TierTable>,
    pub brackets: Vec<BracketTable>,
    pub derives: Vec<Derive>,
    /// Standards built from the pack's checks and scores (criteria packs).
    pub standards: Vec<Standard>,
    /// Rule indexes in evaluation order: base rules before the top-ups that require them.
    pub eval_order: Vec<usize>,
    pub notes: Vec<Note>,
    /// Indicators, targets, tasks, boxes and the clause register.
    pub plan: crate::plan::Plan,
    /// How the ledger checks decisions on open amounts (`decisions` in pack.toml).
    pub decisions: Decisions,
    /// 公示 before payment (`[publication]` in pack.toml; off when absent).
    pub publication: Publication,
    pub map: SourceMap,
}

/// How decisions on amounts the plan leaves open are checked.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// An award bounded only from below (不低于): a decision above this many times its floor needs
    /// a second approval by another person. `None`: no such check.
    pub second_approval_above_floor_times: Option<Decimal>,
    /// The note recording why (index into `Pack::notes`).
    pub note: Option<usize>,
}

/// 公示: decided awards published for a period of working days before they are paid, during
/// which anyone may object. A practice of the bureau, not a rule of the plan (the pack's note
/// says which); `required == false` turns it off.
#[derive(Debug, Clone, Default)]
pub struct Publication {
    /// Decided awards must be published, and their period over with no objection open, before
    /// they are paid.
    pub required: bool,
    /// The length of the period in working days.
    pub working_days: u32,
    /// Days off that fall on weekdays (the State Council's holidays, 放假).
    pub holidays: std::collections::BTreeSet<crate::value::Date>,
    /// Weekend days that are working days (调休上班).
    pub working_weekends: std::collections::BTreeSet<crate::value::Date>,
    /// The department that publishes (its reviewers and the admin may).
    pub publisher: Option<usize>,
    /// The note recording the practice (index into `Pack::notes`).
    pub note: Option<usize>,
}

impl Publication {
    /// Whether `d` is a working day: Monday to Friday unless a holiday, or a weekend day made a
    /// working day.
    pub fn is_working_day(&self, d: crate::value::Date) -> bool {
        if self.working_weekends.contains(&d) {
            return true;
        }
        d.weekday() < 5 && !self.holidays.contains(&d)
    }

    /// The period of a list published on `day`: from `day` if it is a working day (else the
    /// next one) to its `working_days`-th working day, both included.
    pub fn period(&self, day: crate::value::Date) -> (crate::value::Date, crate::value::Date) {
        let mut d = day;
        while !self.is_working_day(d) {
            d = d.next();
        }
        let first = d;
        for _ in 1..self.working_days.max(1) {
            d = d.next();
            while !self.is_working_day(d) {
                d = d.next();
            }
        }
        (first, d)
    }

    /// Whether the calendar knows the holidays of `year` (some holiday or working weekend of
    /// that year is listed). Outside such years only weekends are skipped.
    pub fn knows_year(&self, year: i32) -> bool {
        self.holidays.iter().chain(&self.working_weekends).any(|d| d.year == year)
    }
}

impl Pack {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
    pub fn department(&self, i: usize) -> &Named {
        &self.departments[i]
    }
    /// A department's name in `lang`, by its id (the id itself if the pack does not know it).
    pub fn department_name(&self, id: &str, lang: Lang) -> String {
        self.departments.iter().find(|d| d.id == id).map_or(id.to_string(), |d| d.name.get(lang).to_string())
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name(&[]))
    }
}
