//! One row of bulk input → typed facts, with every cell checked as a facts file's would be
//! (`qiangke_rules::facts::parse_cell`); and the rows of one entity → its `Facts`.

use crate::columns::Col;
use qiangke_rules::facts::{Event, Fact, Facts, parse_cell};
use qiangke_rules::model::{Pack, Value};
use std::collections::BTreeMap;

/// A row that does not fit, located by line and column (1-based; column 0: the whole row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: usize,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column == 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            write!(f, "line {}, column {} `{}`: {}", self.line, self.column, self.field, self.message)
        }
    }
}

/// The facts of one row (one entity-year).
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub id: String,
    pub name: Option<String>,
    pub year: i32,
    pub attrs: Vec<(usize, Value)>,
    pub yearly: Vec<Option<Fact>>,
    pub events: Vec<Event>,
}

/// Parses the cells of one row; an empty cell is *not known*.
pub fn parse_row<'a>(
    pack: &Pack,
    cols: &[Col],
    header: &[String],
    line: u64,
    cells: impl ExactSizeIterator<Item = &'a [u8]>,
) -> Result<Row, Vec<RowError>> {
    let strs: Vec<Result<&str, ()>> = cells.map(|c| std::str::from_utf8(c).map_err(|_| ())).collect();
    parse_row_str(pack, cols, header, line, &strs)
}

/// Like [`parse_row`], for cells already checked as UTF-8 (`Err` marks a cell that is not).
pub fn parse_row_str(pack: &Pack, cols: &[Col], header: &[String], line: u64, cells: &[Result<&str, ()>]) -> Result<Row, Vec<RowError>> {
    let cells = cells.iter();
    let mut errors = Vec::new();
    if cells.len() != cols.len() {
        let n = cells.len();
        return Err(vec![RowError {
            line,
            column: 0,
            field: String::new(),
            message: format!("the row has {n} field{}, the header has {}", if n == 1 { "" } else { "s" }, cols.len()),
        }]);
    }
    let v = &pack.vocab;
    let mut row =
        Row { line, id: String::new(), name: None, year: 0, attrs: Vec::new(), yearly: vec![None; v.yearly.len()], events: Vec::new() };
    // Events of this row, by event type: (date, fields).
    let mut events: Vec<EventSlot> = Vec::new();
    let mut year_seen = false;
    for (i, (cell, col)) in cells.zip(cols).enumerate() {
        let err = |message: String| RowError { line, column: i + 1, field: header[i].clone(), message };
        let Ok(text) = cell else {
            errors.push(err("the cell is not UTF-8 text".into()));
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let value = match *col {
            Col::Id => {
                row.id = text.to_string();
                continue;
            }
            Col::Name => {
                row.name = Some(text.to_string());
                continue;
            }
            _ => match parse_cell(pack, col.ty(pack), text) {
                Ok(v) => v,
                Err(e) => {
                    let hint = e.hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default();
                    errors.push(err(format!("{e}{hint}")));
                    continue;
                }
            },
        };
        match (*col, value) {
            (Col::Year, Value::Int(y)) if (1900..=2200).contains(&y) => {
                row.year = y as i32;
                year_seen = true;
            }
            (Col::Year, _) => errors.push(err(format!("`{text}` is not a calendar year"))),
            (Col::Attr(a), v) => row.attrs.push((a, v)),
            (Col::Yearly(y), v) => row.yearly[y] = Some(Fact { value: v, at: None }),
            (Col::EventField(e, f), v) => {
                let slot = event_slot(&mut events, pack, e, i);
                slot.2[f] = Some(v);
            }
            (Col::EventDate(e), Value::Date(d)) => event_slot(&mut events, pack, e, i).1 = Some(d),
            _ => {}
        }
    }
    if row.id.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line,
            column: cols.iter().position(|c| *c == Col::Id).map_or(0, |c| c + 1),
            field: "id".into(),
            message: "every row needs the entity's id".into(),
        });
    }
    if !year_seen && errors.is_empty() {
        errors.push(RowError {
            line,
            column: cols.iter().position(|c| *c == Col::Year).map_or(0, |c| c + 1),
            field: "year".into(),
            message: "every row needs its year".into(),
        });
    }
    for (e, date, fields, first_col) in events {
        match date {
            Some(date) => row.events.push(Event { ty: e, date, fields, at: None }),
            None => errors.push(RowError {
                line,
                column: first_col + 1,
                field: header[first_col].clone(),
                message: format!("`{}` has values but no `{}.date`", v.events[e].name, v.events[e].name),
            }),
        }
    }
    if errors.is_empty() { Ok(row) } else { Err(errors) }
}

/// An event being read from a row: (event type, date, fields, first column seen).
type EventSlot = (usize, Option<qiangke_rules::value::Date>, Vec<Option<Value>>, usize);

fn event_slot<'e>(events: &'e mut Vec<EventSlot>, pack: &Pack, e: usize, col: usize) -> &'e mut EventSlot {
    let i = match events.iter().position(|s| s.0 == e) {
        Some(i) => i,
        None => {
            events.push((e, None, vec![None; pack.vocab.events[e].fields.len()], col));
            events.len() - 1
        }
    };
    &mut events[i]
}

/// Gathers the rows of one entity into its facts. Several rows of one year are one year (the
/// further rows carry further events). A row whose attributes contradict an earlier row of the
/// same entity, or whose figures contradict an earlier row of the same year, is refused (with its
/// error) and left out.
pub fn entity_facts(pack: &Pack, rows: Vec<Row>, errors: &mut Vec<RowError>) -> Option<Facts> {
    let first = rows.first()?;
    let mut facts = Facts {
        entity_id: first.id.clone(),
        name: first.name.clone(),
        attributes: vec![None; pack.vocab.attributes.len()],
        yearly: BTreeMap::new(),
        yearly_default: vec![None; pack.vocab.yearly.len()],
        events: Vec::new(),
    };
    for row in rows {
        // A further row of a year carries further events; its figures may repeat the year's
        // but not contradict them.
        if let Some(have) = facts.yearly.get(&row.year) {
            let clash = row.yearly.iter().zip(have).position(|(new, old)| matches!((new, old), (Some(n), Some(o)) if n.value != o.value));
            if let Some(y) = clash {
                let name = &pack.vocab.yearly[y].name;
                errors.push(RowError {
                    line: row.line,
                    column: 0,
                    field: name.clone(),
                    message: format!("entity `{}` has two rows for {} with different `{name}`", row.id, row.year),
                });
                continue;
            }
        }
        let clash = row.attrs.iter().find(|(a, v)| facts.attributes[*a].as_ref().is_some_and(|f| f.value != *v));
        if let Some((a, _)) = clash {
            let name = &pack.vocab.attributes[*a].name;
            errors.push(RowError {
                line: row.line,
                column: 0,
                field: name.clone(),
                message: format!("`{name}` differs from an earlier row of entity `{}`", row.id),
            });
            continue;
        }
        for (a, v) in row.attrs {
            facts.attributes[a] = Some(Fact { value: v, at: None });
        }
        let year = facts.yearly.entry(row.year).or_insert_with(|| vec![None; pack.vocab.yearly.len()]);
        for (slot, new) in year.iter_mut().zip(row.yearly) {
            if new.is_some() {
                *slot = new;
            }
        }
        facts.events.extend(row.events);
        if facts.name.is_none() {
            facts.name = row.name;
        }
    }
    (!facts.yearly.is_empty()).then_some(facts)
}
