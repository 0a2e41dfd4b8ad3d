//! A population held in memory for what-if sweeps: columnar, one typed vector per fact, so that a
//! million entity-years take a few hundred megabytes rather than a facts tree each.
//!
//! Amounts are kept as integer fen, counts as integers, flags as bytes, choices as their index,
//! names once each (shared); a fact that is not known is a marker in its column. An entity is
//! unpacked into a [`Frame`] to be evaluated by the compiled program ([`Population::load`]).
//! Amounts come back with two decimals (`500000` as `500000.00`): equal values, and every award
//! is rounded to the fen and written without regard to the scale, so the awards do not change
//! (the what-if tests hold the sweep equal to the interpreter's batch run).

use crate::compiled::{Frame, Needs};
use qiangke_rules::facts::Facts;
use qiangke_rules::model::{Pack, Type, Value};
use qiangke_rules::value::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::HashMap;
use std::sync::Arc;

/// One fact for every entity (attributes) or every entity-year (yearly figures).
#[derive(Debug, Clone)]
enum Column {
    /// 0 false, 1 true, 2 not known.
    Bool(Vec<u8>),
    /// `i64::MIN`: not known.
    Int(Vec<i64>),
    /// Money in fen; `i64::MIN`: not known.
    Fen(Vec<i64>),
    /// An enum's variant; `u16::MAX`: not known.
    Enum(u16, Vec<u16>),
    Date(Vec<Option<Date>>),
    /// An index into the population's names; `u32::MAX`: not known.
    Text(Vec<u32>),
    /// Anything else (decimals, rates), and any column once a value did not fit its type.
    Any(Vec<Option<Value>>),
}

const NO_INT: i64 = i64::MIN;

impl Column {
    fn new(ty: Type) -> Column {
        match ty {
            Type::Bool => Column::Bool(Vec::new()),
            Type::Int => Column::Int(Vec::new()),
            Type::Money => Column::Fen(Vec::new()),
            Type::Enum(e) => Column::Enum(e, Vec::new()),
            Type::Date => Column::Date(Vec::new()),
            Type::Text | Type::Uscc => Column::Text(Vec::new()),
            _ => Column::Any(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Column::Bool(v) => v.len(),
            Column::Int(v) | Column::Fen(v) => v.len(),
            Column::Enum(_, v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Text(v) => v.len(),
            Column::Any(v) => v.len(),
        }
    }

    fn get(&self, i: usize, names: &[Arc<str>]) -> Option<Value> {
        match self {
            Column::Bool(v) => (v[i] < 2).then_some(Value::Bool(v[i] == 1)),
            Column::Int(v) => (v[i] != NO_INT).then_some(Value::Int(v[i])),
            Column::Fen(v) => (v[i] != NO_INT).then(|| Value::Money(Decimal::new(v[i], 2))),
            Column::Enum(e, v) => (v[i] != u16::MAX).then_some(Value::Enum(*e, v[i])),
            Column::Date(v) => v[i].map(Value::Date),
            Column::Text(v) => (v[i] != u32::MAX).then(|| Value::Text(names[v[i] as usize].clone())),
            Column::Any(v) => v[i].clone(),
        }
    }

    /// Appends a value, if it fits the column's type; `false` if it does not (nothing appended).
    fn push(&mut self, v: Option<&Value>, names: &mut Names) -> bool {
        match (self, v) {
            (Column::Bool(c), None) => c.push(2),
            (Column::Bool(c), Some(Value::Bool(b))) => c.push(u8::from(*b)),
            (Column::Int(c), None) | (Column::Fen(c), None) => c.push(NO_INT),
            (Column::Int(c), Some(Value::Int(i))) if *i != NO_INT => c.push(*i),
            (Column::Fen(c), Some(Value::Money(m))) => match fen(*m) {
                Some(f) => c.push(f),
                None => return false,
            },
            (Column::Enum(_, c), None) => c.push(u16::MAX),
            (Column::Enum(e, c), Some(Value::Enum(e2, x))) if e == e2 && *x != u16::MAX => c.push(*x),
            (Column::Date(c), v) => match v {
                None => c.push(None),
                Some(Value::Date(d)) => c.push(Some(*d)),
                Some(_) => return false,
            },
            (Column::Text(c), None) => c.push(u32::MAX),
            (Column::Text(c), Some(Value::Text(t))) => c.push(names.index(t)),
            (Column::Any(c), v) => c.push(v.cloned()),
            _ => return false,
        }
        true
    }

    /// The column as plain values (once a value did not fit its type).
    fn widen(&mut self, names: &[Arc<str>]) {
        let all: Vec<Option<Value>> = (0..self.len()).map(|i| self.get(i, names)).collect();
        *self = Column::Any(all);
    }

    fn shrink(&mut self) {
        match self {
            Column::Bool(v) => v.shrink_to_fit(),
            Column::Int(v) | Column::Fen(v) => v.shrink_to_fit(),
            Column::Enum(_, v) => v.shrink_to_fit(),
            Column::Date(v) => v.shrink_to_fit(),
            Column::Text(v) => v.shrink_to_fit(),
            Column::Any(v) => v.shrink_to_fit(),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Column::Bool(v) => v.capacity(),
            Column::Int(v) | Column::Fen(v) => v.capacity() * 8,
            Column::Enum(_, v) => v.capacity() * 2,
            Column::Date(v) => v.capacity() * std::mem::size_of::<Option<Date>>(),
            Column::Text(v) => v.capacity() * 4,
            Column::Any(v) => v.capacity() * std::mem::size_of::<Option<Value>>(),
        }
    }
}

/// An amount in fen, if it is a whole number of fen that fits (every validated amount is).
fn fen(m: Decimal) -> Option<i64> {
    let f = m.checked_mul(Decimal::ONE_HUNDRED)?;
    if f.fract().is_zero() { f.to_i64().filter(|x| *x != NO_INT) } else { None }
}

/// Names (texts) stored once each.
#[derive(Debug, Clone, Default)]
struct Names {
    list: Vec<Arc<str>>,
    index: HashMap<Arc<str>, u32>,
}

impl Names {
    fn index(&mut self, t: &Arc<str>) -> u32 {
        if self.index.len() < self.list.len() {
            // After `shrink`: the index is made again.
            self.index = self.list.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
        }
        if let Some(i) = self.index.get(t) {
            return *i;
        }
        let i = self.list.len() as u32;
        self.list.push(t.clone());
        self.index.insert(t.clone(), i);
        i
    }
}

/// A run of entities, columnar: one batch worker's share, or the entities pushed one by one.
#[derive(Debug, Clone)]
struct Part {
    ids: String,
    /// End of each id in `ids`.
    id_end: Vec<u32>,
    attrs: Vec<Column>,
    /// First row (entity-year) of each entity, and one past the last entity's last row.
    row_start: Vec<u32>,
    years: Vec<i32>,
    figures: Vec<Column>,
    /// Every-year figures (facts documents only): (entity, figure, value).
    every_year: Vec<(u32, usize, Value)>,
    /// First event of each entity, and one past the last.
    event_start: Vec<u32>,
    /// Each event: its type, date, and its row in its type's field columns.
    events: Vec<(u16, Date, u32)>,
    /// Per event type, one column per field, one cell per event of that type.
    fields: Vec<Vec<Column>>,
    names: Names,
}

impl Part {
    fn new(pack: &Pack) -> Part {
        let v = &pack.vocab;
        Part {
            ids: String::new(),
            id_end: Vec::new(),
            attrs: v.attributes.iter().map(|a| Column::new(a.ty)).collect(),
            row_start: vec![0],
            years: Vec::new(),
            figures: v.yearly.iter().map(|y| Column::new(y.ty)).collect(),
            every_year: Vec::new(),
            event_start: vec![0],
            events: Vec::new(),
            fields: v.events.iter().map(|e| e.fields.iter().map(|f| Column::new(f.ty)).collect()).collect(),
            names: Names::default(),
        }
    }

    fn len(&self) -> usize {
        self.id_end.len()
    }

    fn rows(&self) -> usize {
        self.years.len()
    }

    fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_end[i - 1] as usize };
        &self.ids[start..self.id_end[i] as usize]
    }

    fn event_types(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.events[self.event_start[i] as usize..self.event_start[i + 1] as usize].iter().map(|(t, _, _)| *t as usize)
    }

    fn push(&mut self, frame: &Frame) {
        self.ids.push_str(&frame.id);
        self.id_end.push(self.ids.len() as u32);
        let entity = self.id_end.len() as u32 - 1;
        for i in 0..frame.attrs.len() {
            put(&mut self.attrs[i], frame.attr(i), &mut self.names);
        }
        for (y, year) in frame.years.iter().enumerate() {
            self.years.push(*year);
            for i in 0..frame.n_yearly {
                put(&mut self.figures[i], frame.stated(y, i), &mut self.names);
            }
        }
        self.row_start.push(self.years.len() as u32);
        for (i, v) in frame.every_year.iter().enumerate() {
            if let Some(v) = v {
                self.every_year.push((entity, i, v.clone()));
            }
        }
        for e in &frame.events {
            let cols = &mut self.fields[e.ty];
            let row = cols.first().map_or(0, Column::len) as u32;
            self.events.push((e.ty as u16, e.date, row));
            for (c, v) in cols.iter_mut().zip(&frame.fields[e.start..e.start + e.len]) {
                put(c, v.as_ref(), &mut self.names);
            }
        }
        self.event_start.push(self.events.len() as u32);
    }

    fn shrink(&mut self) {
        self.ids.shrink_to_fit();
        self.id_end.shrink_to_fit();
        self.row_start.shrink_to_fit();
        self.years.shrink_to_fit();
        self.every_year.shrink_to_fit();
        self.event_start.shrink_to_fit();
        self.events.shrink_to_fit();
        for c in self.attrs.iter_mut().chain(self.figures.iter_mut()).chain(self.fields.iter_mut().flatten()) {
            c.shrink();
        }
        self.names.index = HashMap::new();
        self.names.list.shrink_to_fit();
    }

    fn unpack(&self, i: usize, needs: Option<&Needs>, frame: &mut Frame) {
        frame.clear();
        let names = &self.names.list;
        // Only the columns needed are visited (a variant's rules read a handful of facts).
        let every = |n: usize| (0..n).collect::<Vec<usize>>();
        let (all_attrs, all_yearly);
        let (attrs, yearly): (&[usize], &[usize]) = match needs {
            Some(n) => (&n.attr_list, &n.yearly_list),
            None => {
                (all_attrs, all_yearly) = (every(self.attrs.len()), every(self.figures.len()));
                (&all_attrs, &all_yearly)
            }
        };
        for &c in attrs {
            if let Some(v) = self.attrs[c].get(i, names) {
                frame.set_attr(c, v);
            }
        }
        for row in self.row_start[i] as usize..self.row_start[i + 1] as usize {
            let slot = frame.year_slot(self.years[row]);
            for &c in yearly {
                if let Some(v) = self.figures[c].get(row, names) {
                    frame.set_figure(slot, c, v);
                }
            }
        }
        let from = self.every_year.partition_point(|(e, _, _)| (*e as usize) < i);
        for (_, c, v) in self.every_year[from..].iter().take_while(|(e, _, _)| *e as usize == i) {
            if needs.is_none_or(|n| n.yearly[*c]) {
                frame.set_every_year(*c, v.clone());
            }
        }
        for &(ty, date, row) in &self.events[self.event_start[i] as usize..self.event_start[i + 1] as usize] {
            let ty = ty as usize;
            let fields = self.fields[ty].iter().enumerate();
            let value = |(f, c): (usize, &Column)| if needs.is_none_or(|n| n.fields[ty][f]) { c.get(row as usize, names) } else { None };
            frame.push_event(ty, date, fields.map(value));
        }
    }

    fn heap_bytes(&self) -> usize {
        let cols: usize = self.attrs.iter().chain(&self.figures).map(Column::bytes).sum();
        let fields: usize = self.fields.iter().flatten().map(Column::bytes).sum();
        cols + fields
            + self.ids.capacity()
            + (self.id_end.capacity() + self.row_start.capacity() + self.event_start.capacity()) * 4
            + self.years.capacity() * 4
            + self.events.capacity() * std::mem::size_of::<(u16, Date, u32)>()
            + self.names.list.iter().map(|n| n.len() + 16 + 16).sum::<usize>()
            + self.names.index.capacity() * 32
    }
}

/// Appends to a column, widening it to plain values if the value does not fit its type.
fn put(col: &mut Column, v: Option<&Value>, names: &mut Names) {
    if !col.push(v, names) {
        col.widen(&names.list);
        col.push(v, names);
    }
}

/// Entities with their facts, columnar, in the order they were added: in parts (each batch
/// worker's share is one), which are never copied into one.
#[derive(Debug, Clone)]
pub struct Population {
    parts: Vec<Part>,
    /// The index of each part's first entity.
    starts: Vec<usize>,
    entities: usize,
    blank: Part,
}

impl Population {
    pub fn new(pack: &Pack) -> Population {
        Population { parts: Vec::new(), starts: Vec::new(), entities: 0, blank: Part::new(pack) }
    }

    /// A population of these facts.
    pub fn from_facts<'a>(pack: &Pack, facts: impl IntoIterator<Item = &'a Facts>) -> Population {
        let mut p = Population::new(pack);
        let mut frame = Frame::new(pack);
        for f in facts {
            p.push_facts(f, &mut frame);
        }
        p
    }

    /// Entities held.
    pub fn len(&self) -> usize {
        self.entities
    }

    pub fn is_empty(&self) -> bool {
        self.entities == 0
    }

    /// Entity-years held.
    pub fn rows(&self) -> usize {
        self.parts.iter().map(Part::rows).sum()
    }

    fn locate(&self, i: usize) -> (&Part, usize) {
        let p = self.starts.partition_point(|s| *s <= i) - 1;
        (&self.parts[p], i - self.starts[p])
    }

    /// The entity's id.
    pub fn id(&self, i: usize) -> &str {
        let (part, i) = self.locate(i);
        part.id(i)
    }

    /// The event types of entity `i` (its own events, before derivations).
    pub fn event_types(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let (part, i) = self.locate(i);
        part.event_types(i)
    }

    /// Adds the entity in `frame`.
    pub fn push(&mut self, frame: &Frame) {
        if self.parts.is_empty() {
            self.parts.push(self.blank.clone());
            self.starts.push(self.entities);
        }
        if let Some(last) = self.parts.last_mut() {
            last.push(frame);
            self.entities += 1;
        }
    }

    /// Adds an entity's facts.
    pub fn push_facts(&mut self, facts: &Facts, frame: &mut Frame) {
        frame.load(facts);
        self.push(frame);
    }

    /// Appends another population of the same pack (a worker's share, in order): its parts
    /// become parts of this one, nothing is copied.
    pub fn append(&mut self, other: Population) {
        for part in other.parts.into_iter().filter(|p| p.len() > 0) {
            self.starts.push(self.entities);
            self.entities += part.len();
            self.parts.push(part);
        }
    }

    /// Gives back the room vectors kept for growth, and the indexes of names (made again if more
    /// entities are added): what is held from then on is what the population needs.
    pub fn shrink(&mut self) {
        self.parts.iter_mut().for_each(Part::shrink);
        self.parts.shrink_to_fit();
        self.starts.shrink_to_fit();
    }

    /// Unpacks entity `i` into `frame`, every fact and its id.
    pub fn load(&self, i: usize, frame: &mut Frame) {
        let (part, j) = self.locate(i);
        part.unpack(j, None, frame);
        frame.id.push_str(part.id(j));
    }

    /// Unpacks the facts `needs` names of entity `i` into `frame` (its years and events always,
    /// not its id): what an evaluation of the rules behind `needs` reads, and nothing else.
    pub fn load_needed(&self, i: usize, needs: &Needs, frame: &mut Frame) {
        let (part, j) = self.locate(i);
        part.unpack(j, Some(needs), frame);
    }

    /// Bytes held (vectors' capacity), for the benchmark's figures.
    pub fn heap_bytes(&self) -> usize {
        self.parts.iter().map(Part::heap_bytes).sum()
    }
}
