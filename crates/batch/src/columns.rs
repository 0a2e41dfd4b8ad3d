//! The flat layout of bulk input: which column is which fact.
//!
//! A header names the pack's facts: `id`, `name`, `year` (the row's claim year), entity
//! attributes (`kind` or `entity.kind`), yearly figures (`rd_expenditure` or
//! `year.rd_expenditure`), and one event per type and row (`recognition.date`,
//! `recognition.kind`, …). A mapping file renames other headers to these names. Unknown or
//! repeated names are header errors with a suggestion; nothing is evaluated with a bad header.

use qiangke_i18n::{Lang, Msg};
use qiangke_rules::diag::did_you_mean;
use qiangke_rules::model::{Pack, Type};
use std::collections::HashMap;

/// What one column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Id,
    Name,
    Year,
    Attr(usize),
    Yearly(usize),
    EventField(usize, usize),
    EventDate(usize),
}

impl Col {
    /// The type of the column's cells.
    pub fn ty(self, pack: &Pack) -> Type {
        match self {
            Col::Id | Col::Name => Type::Text,
            Col::Year => Type::Int,
            Col::Attr(i) => pack.vocab.attributes[i].ty,
            Col::Yearly(i) => pack.vocab.yearly[i].ty,
            Col::EventField(e, f) => pack.vocab.events[e].fields[f].ty,
            Col::EventDate(_) => Type::Date,
        }
    }
}

/// A header problem, located by column (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render(Lang::En))]
pub struct HeaderError {
    pub column: usize,
    pub name: String,
    pub message: Msg,
}

impl HeaderError {
    /// Located: "column 3 `rd`: …" / "第3列“rd”:…".
    pub fn render(&self, lang: Lang) -> String {
        let args = [("column", self.column.to_string()), ("name", self.name.clone()), ("message", self.message.render(lang))];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        qiangke_i18n::text(lang, "batch-at-column", &args)
    }
}

/// Header renames: `"R&D spending" = "rd_expenditure"`.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    pub renames: HashMap<String, String>,
}

impl Mapping {
    /// Reads a mapping file: a TOML table `[columns]` of `"input header" = "fact name"`.
    pub fn parse(text: &str) -> Result<Mapping, String> {
        let t: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut renames = HashMap::new();
        if let Some(cols) = t.get("columns") {
            let cols = cols.as_table().ok_or("`columns` must be a table of \"input header\" = \"fact name\"")?;
            for (k, v) in cols {
                let v = v.as_str().ok_or_else(|| format!("`{k}` must map to a fact name in quotes"))?;
                renames.insert(k.clone(), v.to_string());
            }
        }
        Ok(Mapping { renames })
    }
}

/// Names a column can take, for suggestions.
fn all_names(pack: &Pack) -> Vec<String> {
    let v = &pack.vocab;
    let mut n: Vec<String> = vec!["id".into(), "name".into(), "year".into()];
    n.extend(v.attributes.iter().map(|a| a.name.clone()));
    n.extend(v.yearly.iter().map(|a| a.name.clone()));
    for e in &v.events {
        n.push(format!("{}.date", e.name));
        n.extend(e.fields.iter().map(|f| format!("{}.{}", e.name, f.name)));
    }
    n
}

/// The Chinese headers of the three structural columns (either script), as templates write them.
pub const ID_ZH: &str = "主体编号";
pub const NAME_ZH: &str = "主体名称";
pub const YEAR_ZH: &str = "年度";

/// Resolves one header name: a fact's id (`rd_expenditure`, `recognition.kind`) or its Chinese
/// name in either script (`年度研发经费内部支出`, `认定.认定类别`; an event's date is `认定.日期`).
pub fn resolve(pack: &Pack, name: &str) -> Option<Col> {
    resolve_id(pack, name).or_else(|| resolve_zh(pack, name))
}

fn resolve_zh(pack: &Pack, name: &str) -> Option<Col> {
    use qiangke_rules::identity::normalize;
    let v = &pack.vocab;
    let n = normalize(name);
    if n.is_empty() {
        return None;
    }
    for (words, col) in [([ID_ZH, "编号"], Col::Id), ([NAME_ZH, "名称"], Col::Name), ([YEAR_ZH, "年份"], Col::Year)] {
        if words.iter().any(|w| normalize(w) == n) {
            return Some(col);
        }
    }
    if let Some(a) = v.attributes.iter().position(|f| normalize(&f.title.zh) == n) {
        return Some(Col::Attr(a));
    }
    if let Some(y) = v.yearly.iter().position(|f| normalize(&f.title.zh) == n) {
        return Some(Col::Yearly(y));
    }
    let (ev, field) = n.split_once(['.', '·', '．'])?;
    let e = v.events.iter().position(|e| normalize(&e.title.zh) == ev)?;
    if field == normalize("日期") {
        return Some(Col::EventDate(e));
    }
    v.events[e].fields.iter().position(|f| normalize(&f.title.zh) == field).map(|f| Col::EventField(e, f))
}

fn resolve_id(pack: &Pack, name: &str) -> Option<Col> {
    let v = &pack.vocab;
    match name {
        "id" => return Some(Col::Id),
        "name" => return Some(Col::Name),
        "year" => return Some(Col::Year),
        _ => {}
    }
    if let Some(a) = name.strip_prefix("entity.").or(Some(name)).and_then(|n| v.attribute(n)) {
        return Some(Col::Attr(a));
    }
    if let Some(y) = name.strip_prefix("year.").or(Some(name)).and_then(|n| v.yearly(n)) {
        return Some(Col::Yearly(y));
    }
    let (ev, field) = name.split_once('.')?;
    let e = v.event(ev)?;
    if field == "date" {
        return Some(Col::EventDate(e));
    }
    v.events[e].fields.iter().position(|f| f.name == field).map(|f| Col::EventField(e, f))
}

/// The columns of a header, or every problem with it.
pub fn plan(pack: &Pack, header: &[&str], mapping: &Mapping) -> Result<Vec<Col>, Vec<HeaderError>> {
    let mut cols = Vec::with_capacity(header.len());
    let mut errors = Vec::new();
    let names = all_names(pack);
    for (i, raw) in header.iter().enumerate() {
        let raw = raw.trim().trim_start_matches('\u{feff}');
        let name = mapping.renames.get(raw).map_or(raw, String::as_str);
        match resolve(pack, name) {
            Some(c) if cols.contains(&c) => {
                errors.push(HeaderError { column: i + 1, name: raw.into(), message: Msg::new("batch-column-twice") })
            }
            Some(c) => cols.push(c),
            None => {
                let hint = match did_you_mean(name, names.iter().map(String::as_str)) {
                    Some(s) => Msg::new("batch-did-you-mean").arg("name", s),
                    None => Msg::new("batch-columns-are"),
                };
                errors.push(HeaderError { column: i + 1, name: raw.into(), message: Msg::new("batch-not-a-fact").detail(hint) });
            }
        }
    }
    for (need, what) in [(Col::Id, "id"), (Col::Year, "year")] {
        if errors.is_empty() && !cols.contains(&need) {
            errors.push(HeaderError { column: 0, name: what.into(), message: Msg::new("batch-header-lacks").arg("what", what) });
        }
    }
    if errors.is_empty() { Ok(cols) } else { Err(errors) }
}
