//! Observed values of the plan's indicators, imported from CSV all-or-nothing.
//!
//! Header: `indicator,scope,year,value,unit,source,entered_by`. `indicator` is the id, the
//! table's number or its printed name; `scope` is `city` or a county (id or name); `unit` must be
//! the indicator's printed unit, or its English reading where the table prints none; values must
//! be plausible for their unit (a percentage within 0–100, a count a whole number ≥ 0).

use qiangke_i18n::{Lang, Msg, label};
use qiangke_rules::model::Pack;
use qiangke_rules::plan::Indicator;
use rust_decimal::Decimal;

/// The city, or one county (index of the county enum's variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    City,
    County(u16),
}

impl Scope {
    pub fn name(self, pack: &Pack) -> String {
        match self {
            Scope::City => "city".into(),
            Scope::County(c) => pack.enums[pack.county_enum as usize].variants[c as usize].id.clone(),
        }
    }
    /// The city or the county's name in a language.
    pub fn title(self, pack: &Pack, lang: Lang) -> String {
        match self {
            Scope::City => label(lang, "monitor-scope-city").into(),
            Scope::County(c) => pack.enums[pack.county_enum as usize].variants[c as usize].name.get(lang).to_string(),
        }
    }
    pub fn title_zh(self, pack: &Pack) -> String {
        self.title(pack, Lang::Zh)
    }
}

/// An indicator's name in a language: the English title where the pack has one, else the name
/// as printed (Chinese) in both.
pub fn indicator_name(i: &Indicator, lang: Lang) -> &str {
    match lang {
        Lang::En if !i.title.en.is_empty() => &i.title.en,
        _ => &i.name,
    }
}

/// A message about an indicator: its number and its name in each language (`name-zh`,
/// `name-en`; each catalogue uses its own).
pub(crate) fn about_indicator(m: Msg, i: &Indicator) -> Msg {
    m.arg("number", i.number).arg("name-zh", indicator_name(i, Lang::Zh)).arg("name-en", indicator_name(i, Lang::En))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub indicator: usize,
    pub scope: Scope,
    pub year: i32,
    pub value: Decimal,
    pub source: String,
    pub entered_by: String,
}

/// What kind of quantity an indicator is, for plausibility checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Percent,
    Count,
    Amount,
}

pub fn measure(i: &Indicator) -> Measure {
    if i.unit == "%" {
        Measure::Percent
    } else if i.unit_en.starts_with("enterprises") || i.unit == "家" || i.unit == "个" {
        Measure::Count
    } else {
        Measure::Amount
    }
}

/// A refused row of an imported CSV file: the line it starts on, the column (its header name;
/// empty when the whole row is at fault) and what was wrong or expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: Msg,
}

/// A refused observation row.
pub type ObsError = RowError;

impl RowError {
    pub(crate) fn new(line: u64, field: &str, message: Msg) -> RowError {
        RowError { line, field: field.into(), message }
    }
    /// The located message in a language ("第 3 行“value”列:…", "line 3 `value`: …").
    pub fn render(&self, lang: Lang) -> String {
        self.located().render(lang)
    }
    /// The located message, still to be rendered.
    pub fn located(&self) -> Msg {
        let m = if self.field.is_empty() {
            Msg::new("monitor-import-at-line")
        } else {
            Msg::new("monitor-import-at-field").arg("field", &self.field)
        };
        m.arg("line", self.line).detail(self.message.clone())
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

pub fn find_indicator(pack: &Pack, s: &str) -> Option<usize> {
    let ind = &pack.plan.indicators;
    ind.iter().position(|i| i.id == s || i.name == s || i.number.to_string() == s)
}

/// The 1-based line a CSV record starts on, counted from its byte offset (right for CRLF files
/// and after blank lines, where the reader's own line count is not).
pub fn line_at(text: &str, byte: u64) -> u64 {
    let b = text.as_bytes();
    let mut at = (byte as usize).min(b.len());
    while at < b.len() && (b[at] == b'\r' || b[at] == b'\n') {
        at += 1;
    }
    1 + memchr_count(&b[..at])
}

fn memchr_count(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

/// Largest magnitude accepted for an observation: anything bigger is a typing error.
const VALUE_LIMIT: i64 = 1_000_000_000_000;

/// Reads observations; any bad row refuses the whole file (nothing is half-imported).
pub fn import_observations(pack: &Pack, text: &str) -> Result<Vec<Observation>, Vec<ObsError>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return Err(vec![RowError::new(1, "", Msg::new("monitor-import-unreadable-header").arg("error", e))]),
    };
    let want = ["indicator", "scope", "year", "value", "unit", "source", "entered_by"];
    if header != want {
        return Err(vec![RowError::new(1, "", Msg::new("monitor-import-header").arg("header", want.join(",")))]);
    }
    let counties = &pack.enums[pack.county_enum as usize];
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError::new(
                    e.position().map_or(0, |p| p.line()),
                    "",
                    Msg::new("monitor-import-unreadable-row").arg("error", e),
                ));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| line_at(text, p.byte()));
        let mut bad = |field: &str, message: Msg| errors.push(RowError::new(line, field, message));
        if rec.len() != want.len() {
            bad("", Msg::new("monitor-import-field-count").arg("found", rec.len()).arg("expected", want.len()));
            continue;
        }
        let Some(ind) = find_indicator(pack, rec[0].trim()) else {
            bad("indicator", Msg::new("monitor-obs-unknown-indicator").arg("text", &rec[0]));
            continue;
        };
        let def = &pack.plan.indicators[ind];
        let scope = match rec[1].trim() {
            "city" | "全市" => Scope::City,
            s => match counties.lookup(s) {
                Some(c) => Scope::County(c),
                None => {
                    let names = |f: &dyn Fn(&qiangke_rules::model::Named) -> &str, sep: &str| {
                        counties.variants.iter().map(f).collect::<Vec<_>>().join(sep)
                    };
                    bad(
                        "scope",
                        Msg::new("monitor-obs-unknown-scope")
                            .arg("text", s)
                            .arg("counties-zh", names(&|v| v.name.zh.as_str(), "、"))
                            .arg("counties-en", names(&|v| v.id.as_str(), ", ")),
                    );
                    continue;
                }
            },
        };
        let year = match rec[2].trim().parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                bad("year", Msg::new("monitor-obs-not-year").arg("text", &rec[2]));
                continue;
            }
        };
        let Ok(value) = qiangke_rules::value::exact_decimal(rec[3].trim()) else {
            bad("value", Msg::new("monitor-import-not-number").arg("text", &rec[3]));
            continue;
        };
        if value.abs() > Decimal::from(VALUE_LIMIT) || value.scale() > 8 {
            bad("value", Msg::new("monitor-obs-implausible").arg("value", value));
            continue;
        }
        let unit = rec[4].trim();
        // The printed unit; where the table prints none, the pack's reading (`enterprises (家)`
        // accepts `enterprises`, `家` or the whole phrase).
        let expected = if def.unit.is_empty() { def.unit_en.as_str() } else { def.unit.as_str() };
        let reading_ok = def.unit.is_empty()
            && !unit.is_empty()
            && (unit == def.unit_en || def.unit_en.split(|c: char| c.is_whitespace() || c == '(' || c == ')').any(|w| w == unit));
        if unit != def.unit && unit != def.unit_en && (def.unit_zh.is_empty() || unit != def.unit_zh) && !reading_ok {
            bad("unit", about_indicator(Msg::new("monitor-obs-wrong-unit"), def).arg("expected", expected).arg("unit", unit));
            continue;
        }
        let plausible = match measure(def) {
            Measure::Percent => (value >= Decimal::ZERO && value <= Decimal::ONE_HUNDRED).then_some(()).ok_or("monitor-obs-percent-range"),
            Measure::Count => (value >= Decimal::ZERO && value.fract().is_zero()).then_some(()).ok_or("monitor-obs-count-whole"),
            Measure::Amount => (value >= Decimal::ZERO).then_some(()).ok_or("monitor-obs-negative"),
        };
        if let Err(id) = plausible {
            bad("value", about_indicator(Msg::new(id), def).arg("value", value));
            continue;
        }
        if rec[5].trim().is_empty() {
            bad("source", Msg::new("monitor-obs-no-source"));
            continue;
        }
        if out.iter().any(|o: &Observation| o.indicator == ind && o.scope == scope && o.year == year) {
            bad(
                "year",
                about_indicator(Msg::new("monitor-obs-duplicate"), def)
                    .arg("scope-zh", scope.title(pack, Lang::Zh))
                    .arg("scope-en", scope.title(pack, Lang::En))
                    .arg("year", year),
            );
            continue;
        }
        out.push(Observation {
            indicator: ind,
            scope,
            year,
            value,
            source: crate::text_cell(rec[5].trim()).into(),
            entered_by: crate::text_cell(rec[6].trim()).into(),
        });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Writes observations as CSV in the import format (so an export imports back unchanged).
pub fn export_observations(pack: &Pack, obs: &[Observation]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["indicator", "scope", "year", "value", "unit", "source", "entered_by"]);
    for o in obs {
        let d = &pack.plan.indicators[o.indicator];
        let unit = if d.unit.is_empty() { d.unit_en.as_str() } else { d.unit.as_str() };
        let _ = w.write_record([
            d.id.as_str(),
            &o.scope.name(pack),
            &o.year.to_string(),
            &o.value.normalize().to_string(),
            unit,
            &crate::formula_safe(&o.source),
            &crate::formula_safe(&o.entered_by),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
