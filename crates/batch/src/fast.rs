//! The compiled evaluator's side of a worker: CSV records read straight into a
//! [`Frame`](qiangke_lower::compiled::Frame) (flat slots, reused from entity to entity), and the
//! pack's compiled program run over it.
//!
//! Reading takes exactly what [`crate::rows`] takes, cell for cell: the common shapes (plain
//! amounts such as `677241.58`, ISO dates) are read here, everything else by
//! [`parse_cell`], the one reader of cells. A record this reading does not take whole is left to
//! [`crate::rows`] (the caller reads the entity again), so every error keeps its words and place.

use crate::columns::Col;
use qiangke_lower::compiled::{Award, Frame, Program, Scratch};
use qiangke_rules::facts::parse_cell;
use qiangke_rules::model::{Pack, Type, Value};
use qiangke_rules::value::Date;
use rust_decimal::Decimal;

/// One worker's compiled program and buffers.
pub(crate) struct Fast<'a> {
    program: &'a Program<'a>,
    pub frame: Frame,
    scratch: Scratch,
    /// The awards of the last entity evaluated.
    pub awards: Vec<Award>,
    row: RowCells,
    /// Each attribute's text as the entity's first record wrote it: the same text in a further
    /// record is the same value, already checked (an entity's attributes repeat on every row).
    attr_text: Vec<String>,
}

/// The cells of one record, before they are checked against the entity's earlier records.
#[derive(Default)]
struct RowCells {
    attrs: Vec<(usize, Value)>,
    figures: Vec<(usize, Value)>,
    /// Events by first column seen: (type, date, start of its fields).
    events: Vec<(usize, Option<Date>, usize)>,
    fields: Vec<Option<Value>>,
}

impl<'a> Fast<'a> {
    pub fn new(program: &'a Program<'a>) -> Fast<'a> {
        let attrs = program.pack().vocab.attributes.len();
        Fast {
            program,
            frame: Frame::new(program.pack()),
            scratch: Scratch::default(),
            awards: Vec::new(),
            row: RowCells::default(),
            attr_text: vec![String::new(); attrs],
        }
    }

    /// Evaluates the frame's entity into `awards`.
    pub fn evaluate(&mut self, years: &[i32]) {
        self.program.awards(&self.frame, years, &mut self.scratch, &mut self.awards);
    }

    /// Adds one record of the entity in the frame (the frame's first record sets its id). `false`
    /// if it is not taken: [`crate::rows`] would refuse it, or refuse it against an earlier
    /// record (a contradicting attribute or figure); the frame is then left as it was.
    pub fn add_row(&mut self, pack: &Pack, cols: &[Col], rec: &csv::StringRecord) -> bool {
        if rec.len() != cols.len() {
            return false;
        }
        let row = &mut self.row;
        row.attrs.clear();
        row.figures.clear();
        row.events.clear();
        row.fields.clear();
        let (mut id, mut year) = (None, None);
        for (text, col) in rec.iter().zip(cols) {
            let text = trim(text);
            if text.is_empty() {
                continue;
            }
            match *col {
                Col::Id => id = Some(text),
                Col::Name => {}
                Col::Year => match cell(pack, Type::Int, text) {
                    Some(Value::Int(y)) if (1900..=2200).contains(&y) => year = Some(y as i32),
                    _ => return false,
                },
                Col::Attr(a) if self.frame.attr(a).is_some() && self.attr_text[a] == text => {}
                Col::Attr(a) => match cell(pack, pack.vocab.attributes[a].ty, text) {
                    Some(v) => {
                        let seen = &mut self.attr_text[a];
                        seen.clear();
                        seen.push_str(text);
                        row.attrs.push((a, v));
                    }
                    None => return false,
                },
                Col::Yearly(y) => match cell(pack, pack.vocab.yearly[y].ty, text) {
                    Some(v) => row.figures.push((y, v)),
                    None => return false,
                },
                Col::EventField(e, f) => match cell(pack, pack.vocab.events[e].fields[f].ty, text) {
                    Some(v) => {
                        let start = event_slot(row, pack, e).2;
                        row.fields[start + f] = Some(v);
                    }
                    None => return false,
                },
                Col::EventDate(e) => match cell(pack, Type::Date, text) {
                    Some(Value::Date(d)) => event_slot(row, pack, e).1 = Some(d),
                    _ => return false,
                },
            }
        }
        let (Some(id), Some(year)) = (id, year) else { return false };
        if row.events.iter().any(|e| e.1.is_none()) {
            return false;
        }
        // A further record of a year may repeat its figures but not contradict them; no record
        // may contradict an attribute.
        let f = &mut self.frame;
        if let Some(slot) = f.slot(year)
            && row.figures.iter().any(|(i, v)| f.stated(slot, *i).is_some_and(|o| o != v))
        {
            return false;
        }
        if row.attrs.iter().any(|(i, v)| f.attr(*i).is_some_and(|o| o != v)) {
            return false;
        }
        if f.id.is_empty() {
            f.id.push_str(id);
        }
        for (i, v) in row.attrs.drain(..) {
            f.set_attr(i, v);
        }
        let slot = f.year_slot(year);
        for (i, v) in row.figures.drain(..) {
            f.set_figure(slot, i, v);
        }
        for &(ty, date, start) in &row.events {
            let width = pack.vocab.events[ty].fields.len();
            if let Some(date) = date {
                f.push_event(ty, date, row.fields[start..start + width].iter().cloned());
            }
        }
        true
    }
}

/// The cell without the spaces around it (as `str::trim`), with no work for the usual cell that
/// starts and ends with a visible ASCII character.
fn trim(t: &str) -> &str {
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(a), Some(b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => t,
        _ => t.trim(),
    }
}

fn event_slot<'r>(row: &'r mut RowCells, pack: &Pack, e: usize) -> &'r mut (usize, Option<Date>, usize) {
    let i = match row.events.iter().position(|s| s.0 == e) {
        Some(i) => i,
        None => {
            let start = row.fields.len();
            row.fields.resize(start + pack.vocab.events[e].fields.len(), None);
            row.events.push((e, None, start));
            row.events.len() - 1
        }
    };
    &mut row.events[i]
}

/// One trimmed, non-empty cell as [`parse_cell`] reads it, or `None` where it refuses it.
fn cell(pack: &Pack, ty: Type, text: &str) -> Option<Value> {
    match ty {
        Type::Money => {
            if let Some(m) = plain_money(text) {
                return Some(Value::Money(m));
            }
        }
        Type::Date => {
            if let Some(d) = iso_date(text) {
                return Some(Value::Date(d));
            }
        }
        _ => {}
    }
    parse_cell(pack, ty, text).ok()
}

/// `677241.58`, `500000`, `0.5`: digits (at most twelve, so below the limit of a trillion yuan)
/// and at most two decimals, as the decimal [`parse_cell`] makes of them, to the scale.
fn plain_money(t: &str) -> Option<Decimal> {
    let b = t.as_bytes();
    let (whole, frac) = match memchr::memchr(b'.', b) {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b[..0]),
    };
    let point = whole.len() < b.len();
    if whole.is_empty() || whole.len() > 12 || (point && !(1..=2).contains(&frac.len())) {
        return None;
    }
    if !whole.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    // Trailing zeros of the decimals do not count (`500000.50` is 500000.5), as in
    // `exact_decimal_msg`.
    let frac = &frac[..frac.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1)];
    let m = whole.iter().chain(frac).fold(0i64, |m, &c| m * 10 + i64::from(c - b'0'));
    Some(Decimal::new(m, frac.len() as u32))
}

/// `2024-03-01`: the ISO shape only (the rest is [`parse_cell`]'s).
fn iso_date(t: &str) -> Option<Date> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| s.iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')));
    let (y, m, d) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..])?);
    Date::new(y as i32, m as u8, d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> Pack {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
        qiangke_rules::load_pack(&dir).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The shortcuts read what `parse_cell` reads, to the scale, and leave everything else to it.
    #[test]
    fn shortcuts_agree_with_parse_cell() {
        let p = pack();
        // (text, whether the shortcut reads it: plain digits, at most two decimals, at most
        // twelve digits before the point)
        let money = [
            ("0", true),
            ("0.00", true),
            ("0.5", true),
            ("0.50", true),
            ("677241.58", true),
            ("677241.50", true),
            ("500000", true),
            ("500000.0", true),
            ("10.00", true),
            ("007", true),
            ("007.50", true),
            ("999999999999", true),
            ("999999999999.99", true),
            ("1000000000000", false),
            ("1.", false),
            (".5", false),
            ("1.234", false),
            ("1,000", false),
            ("20万元", false),
            ("-1", false),
            ("1e3", false),
            ("１２", false),
            ("", false),
            ("1.2.3", false),
            ("12a", false),
        ];
        for (t, taken) in money {
            let fast = plain_money(t);
            assert_eq!(fast.is_some(), taken, "{t}");
            let slow = parse_cell(&p, Type::Money, t).ok();
            if let Some(m) = fast {
                assert_eq!(Some(Value::Money(m)), slow, "{t}");
                assert_eq!(Some(m.scale()), slow.map(|v| if let Value::Money(s) = v { s.scale() } else { 99 }), "scale of {t}");
            }
        }
        assert_eq!(plain_money("677241.50").map(|m| m.scale()), Some(1));
        for t in ["2024-03-01", "2024-02-29", "2023-02-29", "2024-13-01", "2024-3-1", "2024/03/01", "0000-01-01", "20x4-01-01"] {
            if let Some(d) = iso_date(t) {
                assert_eq!(Some(Value::Date(d)), parse_cell(&p, Type::Date, t).ok(), "{t}");
            }
        }
        assert_eq!(iso_date("2023-02-29"), None);
        assert_eq!(iso_date("2024-3-1"), None);
        assert!(parse_cell(&p, Type::Date, "2024-3-1").is_ok(), "left to parse_cell, which takes it");
    }
}
