//! Templates for a population upload, generated from the pack's vocabulary (so another pack gets
//! its own): the columns headed by the facts' Chinese names, one example row, and — in the
//! workbook — a second sheet that says for each column what it is, how to write it and which
//! department's records it comes from. The template itself runs through `qiangke batch` as it is.

use crate::columns::{ID_ZH, NAME_ZH, YEAR_ZH};
use qiangke_rules::model::{FieldDef, Pack, Type};

/// One column of the template: its header, the fact's id, how to write it, an example value
/// for the example row ("" leaves the cell empty) and the supplying departments.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    pub fact: String,
    pub how: String,
    pub example: String,
    pub supplied_by: String,
}

/// How a value of a type is written (the forms `parse_cell` accepts).
fn how(pack: &Pack, ty: Type) -> String {
    match ty {
        Type::Bool => "是 或 否".into(),
        Type::Int => "整数,如 3".into(),
        Type::Dec => "数字,如 1.5".into(),
        Type::Money => "金额,如 1500万元、15000000、1,500,000.00 (精确到分)".into(),
        Type::Rate => "百分比,如 20%".into(),
        Type::Points => "分值,如 8分".into(),
        Type::Date => "日期,如 2023年11月20日、2023-11-20、2023/11/20".into(),
        Type::Text => "文字".into(),
        Type::Uscc => "18位统一社会信用代码".into(),
        Type::Enum(e) => {
            let names: Vec<&str> = pack.enums[e as usize].variants.iter().map(|v| v.name.zh.as_str()).collect();
            format!("以下之一: {}", names.join("、"))
        }
        Type::MoneyRange | Type::RateRange | Type::PointsRange | Type::List => String::new(),
    }
}

fn departments(pack: &Pack, ids: &[usize]) -> String {
    ids.iter().filter_map(|&d| pack.departments.get(d)).map(|d| d.name.zh.as_str()).collect::<Vec<_>>().join("、")
}

/// The columns of a population template, in the order of the vocabulary.
pub fn columns(pack: &Pack) -> Vec<Column> {
    let v = &pack.vocab;
    let plain = |header: &str, fact: &str, how: &str, example: &str| Column {
        header: header.into(),
        fact: fact.into(),
        how: how.into(),
        example: example.into(),
        supplied_by: String::new(),
    };
    let mut cols = vec![
        plain(ID_ZH, "id", "主体的编号(同一主体各行相同,按编号排序)", "E0001"),
        plain(NAME_ZH, "name", "主体名称", "示例企业"),
        plain(YEAR_ZH, "year", "申报年度,如 2023", "2023"),
    ];
    let fact = |f: &FieldDef, header: String, fact: String, example: String| Column {
        header,
        fact,
        how: how(pack, f.ty),
        example,
        supplied_by: departments(pack, &f.supplied_by),
    };
    for a in &v.attributes {
        // The example names the first choice of each required choice (the applicant kind).
        let example = match a.ty {
            Type::Enum(e) if a.required.is_required() => pack.enums[e as usize].variants[0].name.zh.clone(),
            _ => String::new(),
        };
        cols.push(fact(a, a.title.zh.clone(), a.name.clone(), example));
    }
    for y in &v.yearly {
        cols.push(fact(y, y.title.zh.clone(), y.name.clone(), String::new()));
    }
    for e in &v.events {
        let date = FieldDef {
            name: "date".into(),
            ty: Type::Date,
            title: qiangke_rules::model::Text { zh: "日期".into(), en: "date".into() },
            supplied_by: e.supplied_by.clone(),
            required: Default::default(),
            every_year: false,
        };
        cols.push(fact(&date, format!("{}.日期", e.title.zh), format!("{}.date", e.name), String::new()));
        for f in &e.fields {
            let mut c = fact(f, format!("{}.{}", e.title.zh, f.title.zh), format!("{}.{}", e.name, f.name), String::new());
            c.supplied_by = departments(pack, &e.supplied_by);
            cols.push(c);
        }
    }
    cols
}

/// The template as CSV (UTF-8 with a BOM, so that Excel opens it as UTF-8): header and example row.
pub fn to_csv(pack: &Pack) -> Vec<u8> {
    let cols = columns(pack);
    let mut w = csv::Writer::from_writer(b"\xef\xbb\xbf".to_vec());
    let _ = w.write_record(cols.iter().map(|c| c.header.as_str()));
    let _ = w.write_record(cols.iter().map(|c| c.example.as_str()));
    w.into_inner().unwrap_or_default()
}

/// The template as a workbook: sheet 1 to fill in (header and example row, cells as text so
/// that Excel keeps what is typed), sheet 2 explaining every column.
#[cfg(feature = "xlsx")]
pub fn to_xlsx(pack: &Pack, path: &std::path::Path) -> Result<(), String> {
    use rust_xlsxwriter::{Format, Workbook};
    let cols = columns(pack);
    let err = |e: rust_xlsxwriter::XlsxError| format!("{}: {e}", path.display());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let text = Format::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name("填写").map_err(err)?;
    for (c, col) in cols.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, &col.header, &bold).map_err(err)?;
        ws.set_column_width(c, (col.header.chars().count() as f64 * 2.2).clamp(10.0, 30.0)).map_err(err)?;
        ws.set_column_format(c, &text).map_err(err)?;
        if !col.example.is_empty() {
            ws.write_string_with_format(1, c, &col.example, &text).map_err(err)?;
        }
    }
    ws.set_freeze_panes(1, 3).map_err(err)?;
    let help = wb.add_worksheet();
    help.set_name("填写说明").map_err(err)?;
    for (c, (h, w)) in [("列名", 36.0), ("事实", 32.0), ("填写方式", 60.0), ("数据来源部门", 24.0)].iter().enumerate() {
        help.write_string_with_format(0, c as u16, *h, &bold).map_err(err)?;
        help.set_column_width(c as u16, *w).map_err(err)?;
    }
    for (r, col) in cols.iter().enumerate() {
        let r = r as u32 + 1;
        help.write_string(r, 0, &col.header).map_err(err)?;
        help.write_string(r, 1, &col.fact).map_err(err)?;
        help.write_string(r, 2, &col.how).map_err(err)?;
        help.write_string(r, 3, &col.supplied_by).map_err(err)?;
    }
    wb.save(path).map_err(err)
}
