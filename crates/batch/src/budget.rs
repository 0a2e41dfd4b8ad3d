//! The budget report of a population run: awarded amounts by budget year × paying department ×
//! clause, as intervals where the plan leaves amounts open (and open-ended where it sets only a
//! floor). Limits and checks pay nothing and are not counted.

use qiangke_rules::model::Pack;
use qiangke_rules::value::{UNBOUNDED, money_plain, money_yuan};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `(budget year, paying department id, clause)`.
pub type Key = (i32, String, String);

/// Sum of one budget line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Line {
    pub low: Decimal,
    /// [`UNBOUNDED`] when any award in the line has no upper limit.
    pub high: Decimal,
    pub awards: u64,
}

impl Line {
    pub fn add(&mut self, low: Decimal, high: Decimal) {
        self.low += low;
        self.high = if self.high == UNBOUNDED || high == UNBOUNDED { UNBOUNDED } else { self.high + high };
        self.awards += 1;
    }
    pub fn merge(&mut self, o: &Line) {
        self.low += o.low;
        self.high = if self.high == UNBOUNDED || o.high == UNBOUNDED { UNBOUNDED } else { self.high + o.high };
        self.awards += o.awards;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Budget {
    pub lines: BTreeMap<Key, Line>,
}

impl Budget {
    pub fn add(&mut self, key: Key, low: Decimal, high: Decimal) {
        self.lines.entry(key).or_default().add(low, high);
    }
    pub fn merge(&mut self, other: Budget) {
        for (k, l) in other.lines {
            self.lines.entry(k).or_default().merge(&l);
        }
    }
    /// Totals per budget year.
    pub fn by_year(&self) -> BTreeMap<i32, Line> {
        let mut out: BTreeMap<i32, Line> = BTreeMap::new();
        for ((y, _, _), l) in &self.lines {
            out.entry(*y).or_default().merge(l);
        }
        out
    }
    /// The grand total over every year.
    pub fn total(&self) -> Line {
        let mut t = Line::default();
        for l in self.lines.values() {
            t.merge(l);
        }
        t
    }

    pub fn to_csv(&self) -> String {
        let mut s = String::from("budget_year,paid_by,clause,awards,low,high\n");
        for ((y, d, c), l) in &self.lines {
            let _ = writeln!(s, "{y},{d},{c},{},{},{}", l.awards, money_plain(l.low), high_text(l.high));
        }
        s
    }

    pub fn to_json(&self) -> serde_json::Value {
        let lines: Vec<serde_json::Value> = self
            .lines
            .iter()
            .map(|((y, d, c), l)| {
                serde_json::json!({"budget_year": y, "paid_by": d, "clause": c, "awards": l.awards, "low": money_plain(l.low), "high": high_json(l.high)})
            })
            .collect();
        let years: Vec<serde_json::Value> = self
            .by_year()
            .iter()
            .map(|(y, l)| serde_json::json!({"budget_year": y, "awards": l.awards, "low": money_plain(l.low), "high": high_json(l.high)}))
            .collect();
        serde_json::json!({"lines": lines, "years": years})
    }

    /// A readable table with department names.
    /// The budget as a text table for the terminal, in a language.
    pub fn to_table(&self, pack: &Pack, lang: qiangke_i18n::Lang) -> String {
        let l = |id| qiangke_i18n::label(lang, id);
        let mut s = String::new();
        let dept = |id: &str| pack.department_name(id, lang);
        let row = |s: &mut String, y: &str, d: &str, c: &str, n: u64, low: Decimal, high: Decimal| {
            let high = if high == UNBOUNDED { l("batch-budget-no-upper-limit").to_string() } else { money_yuan(high) };
            let _ = writeln!(s, "{y:<6} {d:<14} {c:<10} {n:>8} {:>22} {high:>22}", money_yuan(low));
        };
        let _ = writeln!(
            s,
            "{:<6} {:<14} {:<10} {:>8} {:>22} {:>22}",
            l("batch-budget-year"),
            l("batch-budget-payer"),
            l("batch-budget-clause"),
            l("batch-budget-count"),
            l("batch-budget-low"),
            l("batch-budget-high")
        );
        let mut last_year = None;
        for ((y, d, c), line) in &self.lines {
            if let Some(ly) = last_year.filter(|ly| ly != y) {
                let t = self.by_year()[&ly];
                row(&mut s, "", l("batch-budget-subtotal"), "", t.awards, t.low, t.high);
            }
            last_year = Some(*y);
            row(&mut s, &y.to_string(), &dept(d), c, line.awards, line.low, line.high);
        }
        if let Some(y) = last_year {
            let t = self.by_year()[&y];
            row(&mut s, "", l("batch-budget-subtotal"), "", t.awards, t.low, t.high);
        }
        let t = self.total();
        row(&mut s, l("batch-budget-total"), "", "", t.awards, t.low, t.high);
        s
    }
}

fn high_text(h: Decimal) -> String {
    if h == UNBOUNDED { String::new() } else { money_plain(h) }
}
fn high_json(h: Decimal) -> serde_json::Value {
    if h == UNBOUNDED { serde_json::Value::Null } else { serde_json::Value::String(money_plain(h)) }
}
