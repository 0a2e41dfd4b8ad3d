//! Facts about one entity, validated against a pack's vocabulary.
//!
//! A facts file (JSON or TOML) has `entity` (id, name and attributes), `years` (figures per
//! calendar year) and `events` (dated records such as recognitions). Everything is checked before
//! evaluation: unknown names get a "did you mean", wrong types, impossible dates, negative amounts
//! and bad unified social credit codes get an error at file:line:col naming the field. Nothing of a
//! file with an error is used. `null` means "not known", which evaluation reports as *needs
//! information*, never as false or zero.

use crate::diag::{Diagnostic, FileId, Report, SourceMap, Span, did_you_mean};
use crate::model::{Lang, Pack, Type, Value};
use crate::tree::{Kind, Node, parse_json, parse_toml};
use crate::uscc;
use crate::value::{Date, Quantity, parse_quantity_msg};
use qiangke_i18n::Msg;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A known fact value and where it was stated (`facts.json:7:22`; `None` for bulk input, where
/// the row is the location).
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub value: Value,
    pub at: Option<Arc<str>>,
}

/// One dated event (a recognition, a relocation …).
#[derive(Debug, Clone)]
pub struct Event {
    pub ty: usize,
    pub date: Date,
    /// By the event type's field order; `None` is not known.
    pub fields: Vec<Option<Value>>,
    pub at: Option<Arc<str>>,
}

/// Validated facts about one entity.
#[derive(Debug, Clone)]
pub struct Facts {
    pub entity_id: String,
    pub name: Option<String>,
    pub attributes: Vec<Option<Fact>>,
    pub yearly: BTreeMap<i32, Vec<Option<Fact>>>,
    /// Yearly figures given under `entity` for every year (facts.toml's every-year shorthand),
    /// by yearly index: a year's own value overrides them.
    pub yearly_default: Vec<Option<Fact>>,
    pub events: Vec<Event>,
}

impl Facts {
    /// Forgets where in their document the facts were written: for a document a program made
    /// (the ledger's facts in force), whose line and column mean nothing to the people who read
    /// the explanation.
    pub fn forget_positions(&mut self) {
        let rows = self.attributes.iter_mut().chain(self.yearly_default.iter_mut()).chain(self.yearly.values_mut().flatten());
        for f in rows.flatten() {
            f.at = None;
        }
        for e in &mut self.events {
            e.at = None;
        }
    }

    /// The figure `i` of `year`: the year's own, else the every-year value.
    pub fn figure(&self, year: i32, i: usize) -> Option<&Fact> {
        self.yearly.get(&year).and_then(|row| row[i].as_ref()).or_else(|| self.yearly_default.get(i).and_then(Option::as_ref))
    }

    /// Calendar years the facts speak about (events and yearly figures).
    pub fn years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.yearly.keys().copied().chain(self.events.iter().map(|e| e.date.year)).collect();
        y.sort_unstable();
        y.dedup();
        y
    }
}

/// Largest amount accepted in a fact: a trillion yuan. Larger is a typing error, and the bound keeps
/// every product in the rules far from decimal overflow.
const MONEY_LIMIT: i64 = 1_000_000_000_000;
const COUNT_LIMIT: i64 = 1_000_000_000;

/// Loads a facts file; the format follows the extension (`.toml`, otherwise JSON).
pub fn load_facts(pack: &Pack, name: &str, text: &str) -> Result<Facts, Report> {
    let mut all = load_facts_among(&[pack], name, text)?;
    Ok(all.remove(0))
}

/// Loads one facts file written for several packs at once (a ladder's: the criteria packs and
/// the plan that pays), parsed once: the facts of each pack, in order. A name one pack does not
/// know but another does is left to that one, which checks it; a name no pack knows is an
/// error, as in [`load_facts`]. The first pack with problems reports them.
pub fn load_facts_among(packs: &[&Pack], name: &str, text: &str) -> Result<Vec<Facts>, Report> {
    let mut map = SourceMap::new();
    let file = map.add(name, text);
    let parsed = if name.ends_with(".toml") { parse_toml(text) } else { parse_json(text) };
    let node = match parsed {
        Ok(n) => n,
        Err(e) => {
            // The parser's own words (English) are the detail.
            let msg = if name.ends_with(".toml") { Msg::new("f-invalid-toml") } else { Msg::new("f-invalid-json") };
            let d = Diagnostic::error("F001", file, e.span, msg.detail(e.message));
            return Err(Report { map, diagnostics: vec![d] });
        }
    };
    let mut out = Vec::with_capacity(packs.len());
    for (i, pack) in packs.iter().enumerate() {
        let others: Vec<&Pack> = packs.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, p)| *p).collect();
        let mut v = Validator { pack, others: &others, map: &map, file, diags: Vec::new(), lines: LineIndex::new(map.text(file)) };
        let facts = v.document(&node);
        if !v.diags.is_empty() {
            let diagnostics = v.diags;
            return Err(Report { map, diagnostics });
        }
        out.push(facts);
    }
    Ok(out)
}

/// Validates an already-parsed document (a whole file, or the `facts` table of a test case).
pub fn facts_from_node(pack: &Pack, map: &SourceMap, file: FileId, node: &Node) -> Result<Facts, Vec<Diagnostic>> {
    let mut v = Validator { pack, others: &[], map, file, diags: Vec::new(), lines: LineIndex::new(map.text(file)) };
    let facts = v.document(node);
    if v.diags.is_empty() { Ok(facts) } else { Err(v.diags) }
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }
    fn at(&self, name: &str, text: &str, off: usize) -> Arc<str> {
        let line = self.starts.partition_point(|&s| s <= off).max(1);
        let col = text.get(self.starts[line - 1]..off).map_or(1, |s| s.chars().count() + 1);
        format!("{name}:{line}:{col}").into()
    }
}

struct Validator<'a> {
    pack: &'a Pack,
    /// Other packs reading the same document: names they know are theirs, not mistakes.
    others: &'a [&'a Pack],
    map: &'a SourceMap,
    file: FileId,
    diags: Vec<Diagnostic>,
    lines: LineIndex,
}

impl Validator<'_> {
    fn err(&mut self, code: &'static str, span: Span, msg: Msg) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, self.file, span, msg));
        let n = self.diags.len() - 1;
        &mut self.diags[n]
    }
    /// An unknown name; `what` is `section`, `entity-attribute`, `yearly-figure`, `event-type` or
    /// `event-field` (then `event` names the event type).
    fn unknown(&mut self, key: &str, span: Span, what: &str, event: &str, cands: &[&str]) {
        let theirs = self.others.iter().any(|p| match what {
            "entity-attribute" => p.vocab.attribute(key).is_some() || p.vocab.yearly(key).is_some_and(|i| p.vocab.yearly[i].every_year),
            "yearly-figure" => p.vocab.yearly(key).is_some(),
            "event-type" => p.vocab.event(key).is_some(),
            _ => false,
        });
        if theirs {
            return;
        }
        let hint = match did_you_mean(key, cands.iter().copied()) {
            Some(s) => Msg::new("diag-did-you-mean").arg("name", s),
            None => Msg::new("f-known-names").arg("what", what).arg("event", event).arg("list", cands.join(", ")),
        };
        let d = self.err("F002", span, Msg::new("f-unknown-name").arg("what", what).arg("event", event).arg("name", key));
        d.hint = Some(hint);
    }
    fn at(&self, span: Span) -> Arc<str> {
        self.lines.at(self.map.name(self.file), self.map.text(self.file), span.start)
    }
    /// The node as a table; `what` says what it is (`f-what-document`, `f-what-section`, `f-what-event`).
    fn obj<'n>(&mut self, n: &'n Node, what: Msg) -> Option<&'n [(String, Span, Node)]> {
        match &n.kind {
            Kind::Obj(kv) => Some(kv),
            _ => {
                self.err("F003", n.span, Msg::new("f-not-a-table").arg("found", kind_key(n)).detail(what));
                None
            }
        }
    }

    fn document(&mut self, n: &Node) -> Facts {
        let mut facts = Facts {
            entity_id: String::new(),
            name: None,
            attributes: vec![None; self.pack.vocab.attributes.len()],
            yearly: BTreeMap::new(),
            yearly_default: vec![None; self.pack.vocab.yearly.len()],
            events: Vec::new(),
        };
        let Some(top) = self.obj(n, Msg::new("f-what-document")) else {
            return facts;
        };
        let mut has_entity = false;
        for (k, ks, v) in top {
            match k.as_str() {
                "entity" => {
                    has_entity = true;
                    self.entity(v, &mut facts);
                }
                "years" => self.years(v, &mut facts),
                "events" => self.events(v, &mut facts),
                _ => self.unknown(k, *ks, "section", "", &["entity", "years", "events"]),
            }
        }
        if !has_entity {
            self.err("F003", Span::new(n.span.start, n.span.start + 1), Msg::new("f-no-entity")).hint = Some(Msg::new("f-hint-entity"));
        }
        facts
    }

    fn entity(&mut self, n: &Node, facts: &mut Facts) {
        let Some(kv) = self.obj(n, Msg::new("f-what-section").arg("name", "entity")) else {
            return;
        };
        let vocab = &self.pack.vocab;
        let mut cands: Vec<&str> = vec!["id", "name"];
        cands.extend(vocab.attributes.iter().map(|a| a.name.as_str()));
        cands.extend(vocab.yearly.iter().filter(|y| y.every_year).map(|y| y.name.as_str()));
        for (k, ks, v) in kv {
            match k.as_str() {
                "id" | "name" => match &v.kind {
                    Kind::Str(s) if !s.trim().is_empty() => {
                        if k == "id" {
                            facts.entity_id = s.clone();
                        } else {
                            facts.name = Some(s.clone());
                        }
                    }
                    Kind::Num(s) if k == "id" => facts.entity_id = s.clone(),
                    _ => {
                        self.err("F003", v.span, Msg::new("f-entity-key-empty").arg("name", k));
                    }
                },
                _ => match vocab.attribute(k) {
                    Some(i) => {
                        let ty = vocab.attributes[i].ty;
                        facts.attributes[i] =
                            self.value(v, ty, &format!("entity.{k}")).map(|value| Fact { value, at: Some(self.at(v.span)) });
                    }
                    // A yearly figure written for every year.
                    None => match vocab.yearly(k).filter(|&i| vocab.yearly[i].every_year) {
                        Some(i) => {
                            let ty = vocab.yearly[i].ty;
                            facts.yearly_default[i] =
                                self.value(v, ty, &format!("entity.{k}")).map(|value| Fact { value, at: Some(self.at(v.span)) });
                        }
                        None => self.unknown(k, *ks, "entity-attribute", "", &cands),
                    },
                },
            }
        }
        if facts.entity_id.is_empty() {
            // The credit code identifies an entity as well as an id does.
            let uscc = vocab.attributes.iter().position(|a| a.ty == Type::Uscc).and_then(|i| facts.attributes[i].as_ref());
            match uscc {
                Some(Fact { value: Value::Text(t), .. }) => facts.entity_id = t.to_string(),
                _ => {
                    self.err("F003", n.span, Msg::new("f-entity-no-id"));
                }
            }
        }
    }

    fn years(&mut self, n: &Node, facts: &mut Facts) {
        let Some(kv) = self.obj(n, Msg::new("f-what-section").arg("name", "years")) else {
            return;
        };
        let vocab = &self.pack.vocab;
        for (k, ks, v) in kv {
            let year = match k.parse::<i32>() {
                Ok(y) if (1900..=2200).contains(&y) => y,
                _ => {
                    self.err("F009", *ks, Msg::new("f-not-a-year").arg("text", k)).hint = Some(Msg::new("f-hint-years"));
                    continue;
                }
            };
            let Some(fields) = self.obj(v, Msg::new("f-what-section").arg("name", format!("years.{k}"))) else {
                continue;
            };
            let mut row = vec![None; vocab.yearly.len()];
            for (fk, fks, fv) in fields {
                match vocab.yearly(fk) {
                    Some(i) => {
                        let ty = vocab.yearly[i].ty;
                        row[i] = self.value(fv, ty, &format!("years.{k}.{fk}")).map(|value| Fact { value, at: Some(self.at(fv.span)) });
                    }
                    None => {
                        let c: Vec<&str> = vocab.yearly.iter().map(|f| f.name.as_str()).collect();
                        self.unknown(fk, *fks, "yearly-figure", "", &c);
                    }
                }
            }
            facts.yearly.insert(year, row);
        }
    }

    fn events(&mut self, n: &Node, facts: &mut Facts) {
        let Kind::Arr(items) = &n.kind else {
            self.err("F003", n.span, Msg::new("f-events-not-a-list").arg("found", kind_key(n)));
            return;
        };
        let vocab = &self.pack.vocab;
        for (idx, item) in items.iter().enumerate() {
            let Some(kv) = self.obj(item, Msg::new("f-what-event").arg("index", idx)) else {
                continue;
            };
            let ty = match item.get("type").map(|t| &t.kind) {
                Some(Kind::Str(t)) => match vocab.event(t) {
                    Some(i) => i,
                    None => {
                        let sp = item.get("type").map_or(item.span, |t| t.span);
                        let c: Vec<&str> = vocab.events.iter().map(|e| e.name.as_str()).collect();
                        self.unknown(t, sp, "event-type", "", &c);
                        continue;
                    }
                },
                _ => {
                    let list = vocab.events.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ");
                    self.err("F008", item.span, Msg::new("f-event-no-type").arg("index", idx)).hint =
                        Some(Msg::new("f-hint-one-of").arg("list", list));
                    continue;
                }
            };
            let def = &vocab.events[ty];
            let mut fields = vec![None; def.fields.len()];
            let mut date = None;
            for (k, ks, v) in kv {
                match k.as_str() {
                    "type" => {}
                    "date" => {
                        if let Some(Value::Date(d)) = self.value(v, Type::Date, &format!("events[{idx}].date")) {
                            date = Some(d);
                        }
                    }
                    _ => match def.fields.iter().position(|f| f.name == *k) {
                        Some(i) => fields[i] = self.value(v, def.fields[i].ty, &format!("events[{idx}].{k}")),
                        None => {
                            let mut c: Vec<&str> = def.fields.iter().map(|f| f.name.as_str()).collect();
                            c.extend(["type", "date"]);
                            self.unknown(k, *ks, "event-field", &def.name, &c);
                        }
                    },
                }
            }
            match date {
                Some(date) => facts.events.push(Event { ty, date, fields, at: Some(self.at(item.span)) }),
                None if item.get("date").is_none() => {
                    self.err("F010", item.span, Msg::new("f-event-no-date").arg("index", idx).arg("event", &def.name)).hint =
                        Some(Msg::new("f-hint-date"));
                }
                None => {}
            }
        }
    }

    /// Converts one value to the declared type; `None` is either `null` (unknown) or an error
    /// already reported.
    fn value(&mut self, n: &Node, ty: Type, field: &str) -> Option<Value> {
        let found = kind_key(n);
        let wrong = |what: Msg| CellError {
            code: if ty == Type::Date { "F004" } else { "F003" },
            msg: Msg::new("cell-wrong-kind").arg("found", found).detail(what),
            hint: None,
        };
        let result = match (&n.kind, ty) {
            (Kind::Null, _) => return None,
            (Kind::Bool(b), Type::Bool) => Ok(Value::Bool(*b)),
            // 是/否, yes/no as text, as forms and spreadsheets give them.
            (Kind::Str(t), Type::Bool) => parse_cell(self.pack, ty, t),
            (_, Type::Bool) => Err(wrong(Msg::new("cell-expect-bool"))),
            (Kind::Float, Type::Money) => {
                Err(CellError { code: "F003", msg: Msg::new("cell-toml-float-money"), hint: Some(Msg::new("cell-hint-money-string")) })
            }
            // Numbers may be written as JSON numbers or strings; names, dates and codes only as strings.
            (Kind::Num(t), Type::Int | Type::Dec | Type::Money | Type::Rate) | (Kind::Str(t), _) => parse_cell(self.pack, ty, t),
            _ => Err(wrong(expected_of(self.pack, ty))),
        };
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                let d = self.err(e.code, n.span, Msg::new("f-field-value").arg("field", field).detail(e.msg));
                d.hint = e.hint;
                None
            }
        }
    }
}

/// What a cell of a type must look like, for error messages.
fn expected_of(pack: &Pack, ty: Type) -> Msg {
    match ty {
        Type::Bool => Msg::new("cell-expect-bool"),
        Type::Int => Msg::new("cell-expect-whole"),
        Type::Dec => Msg::new("cell-expect-number"),
        Type::Money => Msg::new("cell-expect-money"),
        Type::Rate => Msg::new("cell-expect-rate"),
        Type::Points => Msg::new("cell-expect-points"),
        Type::Date => Msg::new("cell-expect-date"),
        Type::Text => Msg::new("cell-expect-text"),
        Type::Uscc => Msg::new("cell-expect-uscc"),
        Type::Enum(e) => Msg::new("cell-expect-choice").arg("name", &pack.enums[e as usize].name),
        Type::MoneyRange | Type::RateRange | Type::PointsRange | Type::List => Msg::new("cell-expect-nothing"),
    }
}

/// What a node is, as the catalogue's selectors name it (`null`, `boolean`, `number`, `string`,
/// `list`, `table`).
fn kind_key(n: &Node) -> &'static str {
    match n.kind {
        Kind::Null => "null",
        Kind::Bool(_) => "boolean",
        Kind::Num(_) | Kind::Float => "number",
        Kind::Str(_) => "string",
        Kind::Arr(_) => "list",
        Kind::Obj(_) => "table",
    }
}

/// A cell already checked with [`parse_cell`] as the JSON a facts document carries: booleans and
/// whole numbers as JSON, everything else as its (trimmed) text.
pub fn cell_json(ty: Type, text: &str) -> serde_json::Value {
    let t = text.trim();
    match ty {
        Type::Bool => serde_json::Value::Bool(written_bool(t) == Some(true)),
        Type::Int => t.parse::<i64>().map_or_else(|_| serde_json::Value::String(t.into()), serde_json::Value::from),
        _ => serde_json::Value::String(t.into()),
    }
}

/// A yes-or-no as people write it: 是/否, true/false, yes/no (any case), 1/0.
fn written_bool(t: &str) -> Option<bool> {
    match t {
        "是" | "1" | "１" => Some(true),
        "否" | "0" | "０" => Some(false),
        _ if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("yes") => Some(true),
        _ if t.eq_ignore_ascii_case("false") || t.eq_ignore_ascii_case("no") => Some(false),
        _ => None,
    }
}

/// Why a cell could not be read as its type (`code` is the diagnostic code, F003–F007). Its
/// `Display` is the message in English (logs, the API, the CLI); [`text`](Self::text) renders it in
/// the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    pub code: &'static str,
    pub msg: Msg,
    pub hint: Option<Msg>,
}

impl CellError {
    fn of(code: &'static str, msg: Msg, hint: Option<Msg>) -> CellError {
        CellError { code, msg, hint }
    }

    /// What is wrong, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        self.msg.render(lang)
    }

    /// How to put it right, in `lang`, if there is a hint.
    pub fn hint_text(&self, lang: Lang) -> Option<String> {
        self.hint.as_ref().map(|h| h.render(lang))
    }
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.msg.fmt(f)
    }
}

/// Reads one cell of text as a fact of type `ty`, with every check a facts file gets: exact money
/// (units 元/万元/亿元 accepted, never negative, never finer than a fen, at most 1万亿元), real
/// calendar dates, known enum names (with a suggestion), GB 32100 credit codes. The caller decides
/// what an empty cell means (bulk input: not known).
pub fn parse_cell(pack: &Pack, ty: Type, text: &str) -> Result<Value, CellError> {
    let err = |code: &'static str, msg: Msg, hint: Option<Msg>| Err(CellError::of(code, msg, hint));
    let t = text.trim();
    match ty {
        Type::Bool => match written_bool(t) {
            Some(b) => Ok(Value::Bool(b)),
            None => err("F003", Msg::new("cell-bool").arg("text", t), None),
        },
        Type::Int => match t.parse::<i64>() {
            Ok(i) if i < 0 => err("F005", Msg::new("cell-negative-count").arg("text", i), None),
            Ok(i) if i <= COUNT_LIMIT => Ok(Value::Int(i)),
            Ok(_) => err("F003", Msg::new("cell-count-too-large"), None),
            Err(_) => err("F003", Msg::new("cell-not-whole").arg("text", t), None),
        },
        Type::Dec => match crate::value::exact_decimal_msg(t) {
            Ok(d) => Ok(Value::Dec(d)),
            Err(m) => err("F003", Msg::new("cell-not-number").arg("text", t).detail(m), None),
        },
        Type::Money => {
            let hint = Some(Msg::new("cell-hint-money-forms"));
            let m = match parse_quantity_msg(t) {
                Ok(Quantity::Money(m)) => m,
                Ok(Quantity::Int(i)) => Decimal::from(i),
                Ok(Quantity::Dec(d)) => d,
                Ok(Quantity::Rate(_)) => return err("F003", Msg::new("cell-money-percent"), None),
                Ok(Quantity::Points(_)) => {
                    return err("F003", Msg::new("cell-not-money").arg("text", t).detail(Msg::new("cell-expect-money")), hint);
                }
                Err(m) => return err("F003", Msg::new("cell-not-money").arg("text", t).detail(m), hint),
            };
            if m.is_sign_negative() && !m.is_zero() {
                return err("F005", Msg::new("cell-money-negative").arg("text", t), Some(Msg::new("cell-hint-money-negative")));
            }
            if m > Decimal::from(MONEY_LIMIT) {
                return err("F003", Msg::new("cell-money-too-large").arg("text", t), None);
            }
            if m.scale() > 2 && !crate::resolve::is_fen_exact(m) {
                return err("F003", Msg::new("cell-money-finer-than-fen").arg("text", t), Some(Msg::new("cell-hint-money-fen")));
            }
            Ok(Value::Money(m))
        }
        Type::Rate => match parse_quantity_msg(t) {
            Ok(Quantity::Rate(r)) => Ok(Value::Rate(r)),
            _ => err("F003", Msg::new("cell-not-rate").arg("text", t), None),
        },
        // A score's points: `8分` or `8`, never negative.
        Type::Points => match parse_quantity_msg(t) {
            Ok(Quantity::Points(p) | Quantity::Dec(p)) if !p.is_sign_negative() => Ok(Value::Points(p)),
            Ok(Quantity::Int(i)) if i >= 0 => Ok(Value::Points(Decimal::from(i))),
            _ => err("F003", Msg::new("cell-not-points").arg("text", t), None),
        },
        Type::Date => Date::parse_written(t).map(Value::Date).map_err(|m| CellError::of("F004", m, None)),
        Type::Text => Ok(Value::Text(text.into())),
        Type::Uscc => match uscc::validate(t) {
            Ok(()) => Ok(Value::Text(t.into())),
            Err(m) => err("F006", Msg::new("cell-bad-uscc").detail(m), None),
        },
        Type::Enum(e) => {
            let def = &pack.enums[e as usize];
            match def.lookup(t) {
                Some(v) => Ok(Value::Enum(e, v)),
                None => {
                    // Chinese readers are offered the Chinese names (accepted as written), others the ids.
                    let ids: Vec<&str> = def.variants.iter().map(|v| v.id.as_str()).collect();
                    let zh: Vec<&str> = def.variants.iter().map(|v| v.name.zh.as_str()).collect();
                    let hint = match did_you_mean(t, ids.iter().copied()) {
                        Some(m) => {
                            let name = def.variants.iter().find(|v| v.id == m).map_or(m, |v| v.name.zh.as_str());
                            Msg::new("cell-hint-did-you-mean-choice").arg("name", m).arg("zh", name)
                        }
                        None => Msg::new("cell-hint-choices").arg("list", ids.join(", ")).arg("zh", zh.join("、")),
                    };
                    err("F007", Msg::new("cell-unknown-choice").arg("text", t).arg("what", &def.name), Some(hint))
                }
            }
        }
        Type::MoneyRange | Type::RateRange | Type::PointsRange | Type::List => err("F003", Msg::new("cell-not-a-fact-type"), None),
    }
}
