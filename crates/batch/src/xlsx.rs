//! Excel workbooks in and out (feature `xlsx`, on in the `qiangke` binary): a population or an
//! import handed in as `.xlsx` (first sheet, or one named), and the award list written as `.xlsx`
//! with Chinese headers, the rule's and the paying department's names beside their ids, and
//! money as numbers with two decimals.
//!
//! Cells become the same text a CSV cell would be, so every check is the one a CSV gets: a number
//! is written in its shortest exact form (`1500000.5`; Excel holds binary fractions, and one that
//! is not a whole number of fen is refused by the fen check, never rounded), a date cell becomes
//! `YYYY-MM-DD`, a boolean `true`/`false`, an Excel error (`#N/A`) is a bad cell.

use calamine::{Data, Reader, Sheets, open_workbook_auto, open_workbook_auto_from_rs};
use qiangke_i18n::Msg;
use qiangke_rules::model::Pack;
use qiangke_rules::value::Date;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug)]
/// A sheet as header names and rows of cells (`Err`: a cell with no exact text, and why), each
/// row with its row number in the sheet (the header is row 1).
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<(u64, Vec<Result<String, Msg>>)>,
}

/// Reads the first sheet of a workbook, or the one named `sheet`.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet, Msg> {
    let what = path.display().to_string();
    let wb = open_workbook_auto(path).map_err(|e| Msg::new("xlsx-unreadable").arg("what", &what).arg("detail", e))?;
    sheet_of(wb, sheet, &what)
}

/// Like [`read`], for a workbook received whole (an upload): `what` names it in messages.
pub fn read_bytes(bytes: &[u8], sheet: Option<&str>, what: &str) -> Result<Sheet, Msg> {
    let wb = open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| Msg::new("xlsx-unreadable").arg("what", what).arg("detail", e))?;
    sheet_of(wb, sheet, what)
}

/// Whether bytes are a workbook (`.xlsx` is a zip archive) rather than text.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn sheet_of<RS: std::io::Read + std::io::Seek>(mut wb: Sheets<RS>, sheet: Option<&str>, what: &str) -> Result<Sheet, Msg> {
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| Msg::new("xlsx-no-such-sheet").arg("what", what).arg("sheet", s).arg("sheets", names.join(", ")))?,
        None => names.first().cloned().ok_or_else(|| Msg::new("xlsx-no-sheet").arg("what", what))?,
    };
    let range =
        wb.worksheet_range(&name).map_err(|e| Msg::new("xlsx-sheet-unreadable").arg("what", what).arg("sheet", &name).arg("detail", e))?;
    // Row numbers as Excel shows them, even when the used range does not start at A1.
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r)) + 1;
    let mut rows = range.rows().enumerate();
    let header: Vec<String> = match rows.next() {
        Some((_, h)) => h.iter().map(|c| cell(c).unwrap_or_default()).collect(),
        None => return Err(Msg::new("xlsx-empty-sheet").arg("what", what).arg("sheet", &name)),
    };
    let width = header.iter().rposition(|h| !h.trim().is_empty()).map_or(0, |i| i + 1);
    let header = header[..width].to_vec();
    let rows = rows
        .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(i, r)| {
            let mut cells: Vec<Result<String, Msg>> = r.iter().take(width).map(cell).collect();
            cells.resize(width, Ok(String::new()));
            (first_row + i as u64, cells)
        })
        .collect();
    Ok(Sheet { header, rows })
}

/// A sheet as the CSV text an import reads: line N of the text is row N of the sheet (a blank
/// row stays an empty line). The first cell with no exact text refuses it: (row, column, why).
pub fn sheet_to_csv(s: &Sheet) -> Result<String, (u64, usize, Msg)> {
    fn field(out: &mut String, t: &str) {
        if t.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&t.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(t);
        }
    }
    fn line<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
        for (i, t) in cells.enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(out, t);
        }
        out.push('\n');
    }
    let mut out = String::new();
    line(&mut out, s.header.iter().map(String::as_str));
    let mut next_row = 2;
    for (row, cells) in &s.rows {
        while next_row < *row {
            out.push('\n');
            next_row += 1;
        }
        if let Some((c, Err(m))) = cells.iter().enumerate().find(|(_, c)| c.is_err()) {
            return Err((*row, c + 1, m.clone()));
        }
        line(&mut out, cells.iter().map(|c| c.as_deref().unwrap_or("")));
        next_row = row + 1;
    }
    Ok(out)
}

/// One cell as the text a CSV cell would hold.
fn cell(c: &Data) -> Result<String, Msg> {
    match c {
        Data::Empty => Ok(String::new()),
        Data::String(s) => Ok(s.clone()),
        Data::Int(i) => Ok(i.to_string()),
        // Rust writes the shortest text that reads back as the same number: what was typed.
        Data::Float(f) if f.is_finite() => Ok(format!("{f}")),
        Data::Float(_) => Err(Msg::new("xlsx-not-finite")),
        Data::Bool(b) => Ok(b.to_string()),
        Data::DateTime(d) => serial_date(d.as_f64()),
        Data::DateTimeIso(s) => Ok(s.get(..10).unwrap_or(s).to_string()),
        Data::DurationIso(s) => Err(Msg::new("xlsx-duration").arg("text", s)),
        Data::Error(e) => Err(Msg::new("xlsx-excel-error").arg("text", e)),
    }
}

/// An Excel date serial (1900 date system) as `YYYY-MM-DD`; a time of day is refused.
fn serial_date(serial: f64) -> Result<String, Msg> {
    if serial.fract() != 0.0 || !(1.0..=2_958_465.0).contains(&serial) {
        return Err(Msg::new("xlsx-date-time").arg("serial", serial));
    }
    // Day 60 is Excel's 1900-02-29, which did not exist; from day 61 on, serials count from
    // 1899-12-30.
    let days = serial as i64;
    if days == 60 {
        return Err(Msg::new("xlsx-1900-02-29"));
    }
    let days = if days < 60 { days + 1 } else { days };
    // 1970-01-01 is serial 25569.
    Date::from_days_since_1970(days - 25_569).map(|d| d.to_string()).ok_or_else(|| Msg::new("xlsx-impossible-date").arg("serial", serial))
}

/// The award list (the CSV `qiangke batch --out` writes) as a workbook: Chinese headers, the
/// rule's title and the paying department's name beside their ids, amounts as numbers shown
/// with thousands separators and two decimals (an open upper limit stays empty).
pub fn awards_to_xlsx(pack: &Pack, csv_path: &Path, xlsx_path: &Path) -> Result<(), String> {
    let mut rdr = csv::Reader::from_path(csv_path).map_err(|e| format!("{}: {e}", csv_path.display()))?;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let err = |e: rust_xlsxwriter::XlsxError| format!("{}: {e}", xlsx_path.display());
    ws.set_name("奖补清单").map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let headers = [
        ("主体编号", 18.0),
        ("申报年度", 9.0),
        ("规则", 22.0),
        ("规则名称", 36.0),
        ("条款", 10.0),
        ("类型", 8.0),
        ("状态", 8.0),
        ("金额下限(元)", 16.0),
        ("金额上限(元)", 16.0),
        ("预算年度", 9.0),
        ("拨付部门", 16.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
        ws.set_column_width(c as u16, *w).map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    // Names by id, looked up once per row rather than searched.
    let titles: HashMap<&str, &str> = pack.rules.iter().map(|r| (r.id.as_str(), r.title.zh.as_str())).collect();
    let payers: HashMap<&str, &str> = pack.departments.iter().map(|d| (d.id.as_str(), d.name.zh.as_str())).collect();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: {e}", csv_path.display()))?;
        let row = i as u32 + 1;
        let f = |k: usize| rec.get(k).unwrap_or("");
        ws.write_string(row, 0, f(0)).map_err(err)?;
        match f(1).parse::<u32>() {
            Ok(y) => ws.write_number(row, 1, f64::from(y)).map_err(err)?,
            Err(_) => ws.write_string(row, 1, f(1)).map_err(err)?,
        };
        ws.write_string(row, 2, f(2)).map_err(err)?;
        ws.write_string(row, 3, titles.get(f(2)).copied().unwrap_or("")).map_err(err)?;
        ws.write_string(row, 4, f(3)).map_err(err)?;
        let kind = match f(4) {
            "award" => "奖补",
            "limit" => "限额",
            "check" => "要求",
            other => other,
        };
        ws.write_string(row, 5, kind).map_err(err)?;
        let state = match f(5) {
            "awarded" => "给予",
            "met" => "符合",
            "not-met" | "not_met" => "不符合",
            other => other,
        };
        ws.write_string(row, 6, state).map_err(err)?;
        for (col, k) in [(7u16, 6usize), (8, 7)] {
            let text = f(k);
            if text.is_empty() {
                continue;
            }
            // Amounts are exact to the fen in the CSV; a workbook holds numbers as binary
            // fractions, which show every fen exactly up to 2^53 fen (about 90 trillion yuan).
            let v: f64 = text.parse().map_err(|_| format!("{}: amount `{text}` is not a number", csv_path.display()))?;
            ws.write_number_with_format(row, col, v, &money).map_err(err)?;
        }
        match f(8).parse::<u32>() {
            Ok(y) => ws.write_number(row, 9, f64::from(y)).map_err(err)?,
            Err(_) => ws.write_string(row, 9, f(8)).map_err(err)?,
        };
        let payer = payers.get(f(9)).copied().unwrap_or(f(9));
        ws.write_string(row, 10, payer).map_err(err)?;
    }
    wb.save(xlsx_path).map_err(err)
}

/// How a column of one of qiangke's CSV tables is shown in a workbook.
#[derive(Clone, Copy, PartialEq)]
enum Cell {
    Text,
    /// A year or a count: a whole number.
    Whole,
    /// Yuan, exact to the fen in the CSV: a number shown with separators and two decimals.
    Money,
    /// A fraction or a figure: a number as written.
    Number,
    /// A paying or verifying department's id: its name beside it.
    Department,
}

/// The Chinese header and the kind of each column qiangke's tables use (budget, totals,
/// what-if, monitoring progress); a column not listed keeps its id as header and stays text.
fn column(id: &str) -> (&'static str, Cell) {
    match id {
        "entity" => ("主体编号", Cell::Text),
        "claim_year" => ("申报年度", Cell::Whole),
        "budget_year" => ("预算年度", Cell::Whole),
        "paid_by" => ("拨付部门", Cell::Department),
        "clause" => ("条款", Cell::Text),
        "awards" => ("笔数", Cell::Whole),
        "low" => ("金额下限(元)", Cell::Money),
        "high" => ("金额上限(元)", Cell::Money),
        "variant" => ("方案", Cell::Text),
        "baseline_low" => ("现行下限(元)", Cell::Money),
        "baseline_high" => ("现行上限(元)", Cell::Money),
        "variant_low" => ("方案下限(元)", Cell::Money),
        "variant_high" => ("方案上限(元)", Cell::Money),
        "delta_low" => ("变化下限(元)", Cell::Money),
        "delta_high" => ("变化上限(元)", Cell::Money),
        "indicator" => ("指标编号", Cell::Text),
        "number" => ("序号", Cell::Whole),
        "name" => ("指标", Cell::Text),
        "unit" => ("单位", Cell::Text),
        "baseline" => ("基期值", Cell::Number),
        "baseline_year" => ("基期年份", Cell::Whole),
        "target_2022" => ("2022年目标", Cell::Number),
        "target_2025" => ("2025年目标", Cell::Number),
        "value" => ("最新值", Cell::Number),
        "value_year" => ("最新值年份", Cell::Whole),
        "share" => ("完成进度", Cell::Number),
        "linear_path" => ("线性路径", Cell::Number),
        "status" => ("状态", Cell::Text),
        "met_2022" => ("2022年达标", Cell::Text),
        "needed_per_year" => ("每年尚需", Cell::Number),
        "needed_rate" => ("每年尚需增长率", Cell::Number),
        "projection_2025" => ("趋势推算2025", Cell::Number),
        _ => ("", Cell::Text),
    }
}

/// One of qiangke's CSV tables (`budget_year,paid_by,…`) as a workbook: Chinese headers,
/// departments by name beside the id, money as numbers with two decimals, years as numbers.
pub fn table_to_xlsx(pack: &Pack, csv_text: &str, sheet: &str, xlsx_path: &Path) -> Result<(), String> {
    let mut rdr = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let err = |e: rust_xlsxwriter::XlsxError| format!("{}: {e}", xlsx_path.display());
    let header: Vec<String> = rdr.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
    let kinds: Vec<Cell> = header.iter().map(|h| column(h).1).collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).map_err(err)?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in header.iter().enumerate() {
        let (zh, _) = column(h);
        ws.write_string_with_format(0, c as u16, if zh.is_empty() { h.as_str() } else { zh }, &bold).map_err(err)?;
        ws.set_column_width(c as u16, if kinds[c] == Cell::Money { 18.0 } else { 14.0 }).map_err(err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    let names: HashMap<&str, &str> = pack.departments.iter().map(|d| (d.id.as_str(), d.name.zh.as_str())).collect();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        let row = i as u32 + 1;
        for (c, text) in rec.iter().enumerate() {
            let col = c as u16;
            let kind = kinds.get(c).copied().unwrap_or(Cell::Text);
            // Numbers in the CSV are exact decimals; a workbook holds binary fractions, exact for
            // every fen up to 2^53 fen. Anything that does not read as a number stays text.
            let number = text.parse::<f64>().ok().filter(|v| v.is_finite());
            match (kind, number) {
                (_, _) if text.is_empty() => {}
                (Cell::Money, Some(v)) => {
                    ws.write_number_with_format(row, col, v, &money).map_err(err)?;
                }
                (Cell::Whole | Cell::Number, Some(v)) => {
                    ws.write_number(row, col, v).map_err(err)?;
                }
                (Cell::Department, _) => {
                    ws.write_string(row, col, names.get(text).copied().unwrap_or(text)).map_err(err)?;
                }
                _ => {
                    ws.write_string(row, col, text).map_err(err)?;
                }
            }
        }
    }
    wb.save(xlsx_path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_date_serials_are_calendar_dates() {
        // Serials by hand: 1900-01-01 is 1; 1900-03-01 is 61 (Excel counts a 1900-02-29);
        // 1970-01-01 is 25569; 2023-11-20 is 45250.
        assert_eq!(serial_date(1.0).as_deref(), Ok("1900-01-01"));
        assert_eq!(serial_date(59.0).as_deref(), Ok("1900-02-28"));
        assert!(serial_date(60.0).is_err());
        assert_eq!(serial_date(61.0).as_deref(), Ok("1900-03-01"));
        assert_eq!(serial_date(25_569.0).as_deref(), Ok("1970-01-01"));
        assert_eq!(serial_date(45_250.0).as_deref(), Ok("2023-11-20"));
        assert_eq!(serial_date(45_351.0).as_deref(), Ok("2024-02-29"));
        assert!(serial_date(45_250.5).is_err(), "a time of day is not a date");
    }

    #[test]
    fn numbers_read_back_as_typed() {
        assert_eq!(cell(&Data::Float(15_000_000.0)).as_deref(), Ok("15000000"));
        assert_eq!(cell(&Data::Float(1_500_000.5)).as_deref(), Ok("1500000.5"));
        assert_eq!(cell(&Data::Float(0.1)).as_deref(), Ok("0.1"));
        // A computed 0.1 + 0.2 is not 0.3: it stays what it is, and the fen check refuses it.
        assert_eq!(cell(&Data::Float(0.1 + 0.2)).as_deref(), Ok("0.30000000000000004"));
        assert_eq!(cell(&Data::Bool(true)).as_deref(), Ok("true"));
    }
}
