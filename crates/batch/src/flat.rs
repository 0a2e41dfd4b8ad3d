//! Facts documents as rows of the flat batch layout: the form `qiangke batch` and the compiled SQL
//! read. One row per year the facts speak of (a yearly figure's or an event's), with the entity's
//! attributes; events go on the row of their date's year, and the second, third … event of one
//! type in a year go on further rows of that year, which repeat the attributes and leave the
//! year's figures empty. Reading the rows back gives the same facts.

use qiangke_rules::Facts;
use qiangke_rules::model::{Pack, Value};
use qiangke_rules::value::money_plain;

/// Every column of the layout, in the order of `qiangke_lower::sql::table_columns` (with
/// `EVENT.FIELD` for `EVENT__FIELD`).
pub fn header(pack: &Pack) -> Vec<String> {
    let v = &pack.vocab;
    let mut h = vec!["id".to_string(), "name".into(), "year".into()];
    h.extend(v.attributes.iter().map(|a| a.name.clone()));
    h.extend(v.yearly.iter().map(|y| y.name.clone()));
    for e in &v.events {
        h.push(format!("{}.date", e.name));
        h.extend(e.fields.iter().map(|f| format!("{}.{}", e.name, f.name)));
    }
    h
}

/// A value as a plain cell: `1500000.00`, `true`, `2023-11-20`, an enum id, `20%`.
pub fn cell(pack: &Pack, v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Money(m) | Value::Dec(m) => money_plain(*m),
        Value::Rate(r) => format!("{}%", (*r * qiangke_rules::Decimal::ONE_HUNDRED).normalize()),
        Value::Date(d) => d.to_string(),
        Value::Text(t) => t.to_string(),
        other => other.key(pack),
    }
}

/// The rows of one entity's facts, sorted by year (the caller writes them in id order).
pub fn rows(pack: &Pack, facts: &Facts) -> Vec<Vec<String>> {
    let v = &pack.vocab;
    let width = header(pack).len();
    let attrs_at = 3;
    let yearly_at = attrs_at + v.attributes.len();
    let mut event_at = Vec::with_capacity(v.events.len());
    let mut at = yearly_at + v.yearly.len();
    for e in &v.events {
        event_at.push(at);
        at += 1 + e.fields.len();
    }
    let base = |year: i32| {
        let mut r = vec![String::new(); width];
        r[0] = facts.entity_id.clone();
        r[1] = facts.name.clone().unwrap_or_default();
        r[2] = year.to_string();
        for (i, a) in facts.attributes.iter().enumerate() {
            if let Some(f) = a {
                r[attrs_at + i] = cell(pack, &f.value);
            }
        }
        r
    };
    let mut out = Vec::new();
    for year in facts.years() {
        let mut first = base(year);
        // A figure given for every year (the every-year shorthand) stands in each year's row,
        // unless the year has its own: the rows say what the evaluator reads.
        for i in 0..v.yearly.len() {
            if let Some(f) = facts.figure(year, i) {
                first[yearly_at + i] = cell(pack, &f.value);
            }
        }
        let mut year_rows = vec![first];
        for ty in 0..v.events.len() {
            for (k, e) in facts.events.iter().filter(|e| e.ty == ty && e.date.year == year).enumerate() {
                if year_rows.len() <= k {
                    year_rows.push(base(year));
                }
                let row = &mut year_rows[k];
                row[event_at[ty]] = e.date.to_string();
                for (fi, f) in e.fields.iter().enumerate() {
                    if let Some(val) = f {
                        row[event_at[ty] + 1 + fi] = cell(pack, val);
                    }
                }
            }
        }
        out.extend(year_rows);
    }
    out
}
