//! Excel in and out (feature `xlsx`): the same population as CSV and as a workbook — money and
//! counts as number cells, dates as date cells, yes/no as boolean cells, as a department's
//! spreadsheet holds them — gives byte-identical award files; the award list written as `.xlsx`
//! reads back with Chinese headers and numeric money cells equal to the CSV's amounts.
#![cfg(feature = "xlsx")]

use calamine::{Data, DataType, Reader, open_workbook_auto};
use qiangke_batch::columns::{Col, resolve};
use qiangke_batch::{BatchOptions, Outputs, run_file};
use qiangke_rules::model::{Pack, Type};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};

fn pack() -> Pack {
    qiangke_rules::load_pack(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).unwrap_or_else(|e| panic!("{e}"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qiangke-xlsx-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tmp");
    d.join(name)
}

/// The type of a header's column, for writing its cells as Excel would hold them.
fn column_type(pack: &Pack, name: &str) -> Option<Type> {
    let v = &pack.vocab;
    match resolve(pack, name)? {
        Col::Attr(i) => Some(v.attributes[i].ty),
        Col::Yearly(i) => Some(v.yearly[i].ty),
        Col::EventField(e, f) => Some(v.events[e].fields[f].ty),
        Col::EventDate(_) => Some(Type::Date),
        Col::Year => Some(Type::Int),
        _ => None,
    }
}

#[test]
fn a_workbook_gives_the_same_awards_as_its_csv_and_the_award_list_reads_back() {
    let pack = pack();
    let csv_path = tmp("pop.csv");
    let mut bytes = Vec::new();
    qiangke_batch::synth::write_csv(&pack, 2000, 17, &mut bytes).expect("synth");
    std::fs::write(&csv_path, &bytes).expect("write csv");

    // The same rows as a workbook with typed cells.
    let xlsx_path = tmp("pop.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut rdr = csv::Reader::from_path(&csv_path).expect("csv");
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let types: Vec<Option<Type>> = header.iter().map(|h| column_type(&pack, h)).collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, h).expect("header cell");
    }
    let (mut numbers, mut dates, mut bools) = (0, 0, 0);
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.expect("record");
        let row = r as u32 + 1;
        for (c, text) in rec.iter().enumerate() {
            let col = c as u16;
            if text.is_empty() {
                continue;
            }
            match types[c] {
                Some(Type::Money | Type::Int | Type::Dec) if text.parse::<f64>().is_ok() => {
                    ws.write_number(row, col, text.parse::<f64>().expect("number")).expect("number cell");
                    numbers += 1;
                }
                Some(Type::Date) => {
                    let p: Vec<u16> = text.split('-').map(|x| x.parse().expect("date part")).collect();
                    let d = ExcelDateTime::from_ymd(p[0], p[1] as u8, p[2] as u8).expect("date");
                    ws.write_datetime_with_format(row, col, &d, &date_format).expect("date cell");
                    dates += 1;
                }
                Some(Type::Bool) => {
                    ws.write_boolean(row, col, text == "true").expect("bool cell");
                    bools += 1;
                }
                _ => {
                    ws.write_string(row, col, text).expect("text cell");
                }
            }
        }
    }
    wb.save(&xlsx_path).expect("save");
    assert!(numbers > 1000 && dates > 100 && bools > 100, "typed cells: {numbers} numbers, {dates} dates, {bools} booleans");

    let run = |input: &Path, out: &str| -> Vec<u8> {
        let out = tmp(out);
        let s = run_file(&pack, input, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() })
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        assert_eq!((s.rows, s.bad_rows), (2000, 0), "{:?}", s.first_errors);
        std::fs::read(out).expect("awards")
    };
    let from_csv = run(&csv_path, "from-csv.csv");
    let from_xlsx = run(&xlsx_path, "from-xlsx.csv");
    assert!(from_csv.len() > 5_000, "the population earns awards");
    assert!(from_csv == from_xlsx, "the workbook's awards differ from the CSV's");

    // The award list as a workbook: Chinese headers, amounts as numbers equal to the CSV's.
    let awards_csv = tmp("from-csv.csv");
    let awards_xlsx = tmp("awards.xlsx");
    qiangke_batch::xlsx::awards_to_xlsx(&pack, &awards_csv, &awards_xlsx).expect("write award list");
    let mut book = open_workbook_auto(&awards_xlsx).expect("open award list");
    let range = book.worksheet_range("奖补清单").expect("sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    let head: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(head[0], "主体编号");
    assert_eq!(head[3], "规则名称");
    assert_eq!(head[7], "金额下限(元)");
    assert_eq!(head[10], "拨付部门");
    let mut csv_rows = csv::Reader::from_path(&awards_csv).expect("awards csv");
    let mut n = 0;
    for (rec, row) in csv_rows.records().zip(&rows[1..]) {
        let rec = rec.expect("record");
        assert_eq!(row[0].to_string(), rec[0].to_string());
        let low: f64 = rec[6].parse().expect("low");
        assert_eq!(row[7], Data::Float(low), "money is a number cell");
        // Two decimals exactly as the CSV has them.
        assert_eq!(format!("{:.2}", row[7].as_f64().expect("number")), rec[6].to_string());
        n += 1;
    }
    assert_eq!(n, rows.len() - 1);
    assert!(rows[1..].iter().any(|r| r[10] == Data::String("市科技局".into())), "paying departments by their Chinese names");
}

#[test]
fn bad_cells_of_a_workbook_are_located_by_excel_row_and_column() {
    let pack = pack();
    let path = tmp("bad.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["主体编号", "年度", "kind", "above_scale", "rd_expenditure", "super_deduction_amount"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    // Row 2 is fine; row 3 holds 0.1 + 0.2 yuan (not a whole number of fen) as a number cell.
    ws.write_string(1, 0, "A1").expect("cell");
    ws.write_number(1, 1, 2023).expect("cell");
    ws.write_string(1, 2, "企业").expect("cell");
    ws.write_string(1, 3, "是").expect("cell");
    ws.write_number(1, 4, 15_000_000).expect("cell");
    ws.write_number(1, 5, 300_000).expect("cell");
    ws.write_string(2, 0, "A2").expect("cell");
    ws.write_number(2, 1, 2023).expect("cell");
    ws.write_string(2, 2, "企业").expect("cell");
    ws.write_boolean(2, 3, true).expect("cell");
    ws.write_number(2, 4, 0.1 + 0.2).expect("cell");
    ws.write_number(2, 5, 300_000).expect("cell");
    wb.save(&path).expect("save");
    let out = tmp("bad-awards.csv");
    let s = run_file(&pack, &path, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() }).expect("run");
    assert_eq!((s.rows, s.bad_rows), (2, 1));
    let e = &s.first_errors[0];
    assert_eq!((e.line, e.column, e.field.as_str()), (3, 5, "rd_expenditure"));
    assert!(e.message.to_string().contains("finer than a fen"), "{}", e.message);
    // 四(二)8: 1500万元 of R&D spending, above-scale, with a claim: 20万元.
    let awards = std::fs::read_to_string(out).expect("awards");
    assert!(awards.contains("A1,2023,rd-spend-tiers,四(二)8,award,awarded,200000.00,200000.00,2024,science-bureau"), "{awards}");
}

#[test]
fn the_upload_templates_name_every_fact_and_run_as_they_are() {
    let pack = pack();
    let cols = qiangke_batch::template::columns(&pack);
    let v = &pack.vocab;
    let facts = 3 + v.attributes.len() + v.yearly.len() + v.events.iter().map(|e| e.fields.len() + 1).sum::<usize>();
    assert_eq!(cols.len(), facts, "a column for id, name, year and every fact");
    for c in &cols {
        assert_eq!(resolve(&pack, &c.header), resolve(&pack, &c.fact), "`{}` is read as `{}`", c.header, c.fact);
        assert!(resolve(&pack, &c.header).is_some(), "{}", c.header);
    }
    let csv_path = tmp("template.csv");
    std::fs::write(&csv_path, qiangke_batch::template::to_csv(&pack)).expect("write");
    let xlsx_path = tmp("template.xlsx");
    qiangke_batch::template::to_xlsx(&pack, &xlsx_path).expect("write");
    for input in [&csv_path, &xlsx_path] {
        let out = tmp("template-awards.csv");
        let s = run_file(&pack, input, &BatchOptions::default(), &Outputs { awards: Some(out), ..Outputs::default() })
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        assert_eq!((s.rows, s.entities, s.bad_rows), (1, 1, 0), "{}: {:?}", input.display(), s.first_errors);
    }
    let mut book = open_workbook_auto(&xlsx_path).expect("open");
    assert_eq!(book.sheet_names(), vec!["填写".to_string(), "填写说明".to_string()]);
    let help = book.worksheet_range("填写说明").expect("help sheet");
    let rows: Vec<&[Data]> = help.rows().collect();
    assert_eq!(rows.len(), cols.len() + 1);
    let rd = rows.iter().find(|r| r[1] == Data::String("rd_expenditure".into())).expect("rd row");
    assert!(rd[2].to_string().contains("1500万元") && rd[3].to_string().contains("市税务局"), "{rd:?}");
}

#[test]
fn the_budget_and_the_totals_as_workbooks_have_chinese_headers_and_numbers() {
    let pack = pack();
    // A new high-tech enterprise (四(二)7: 20万元, paid by 市财政局) with 1500万元 of R&D (四(二)8:
    // 1000万–2000万 → 20万元, paid by 市科技局); both are 2023 facts, in the 2024 budget.
    let input = tmp("budget-pop.csv");
    std::fs::write(
        &input,
        "id,year,kind,above_scale,rd_expenditure,super_deduction_amount,recognition.date,recognition.kind,recognition.renewal\n\
         A1,2023,企业,是,1500万,62万元,2023年11月20日,高新技术企业,否\n",
    )
    .expect("write");
    let totals = tmp("budget-totals.csv");
    let s =
        run_file(&pack, &input, &BatchOptions::default(), &Outputs { totals: Some(totals.clone()), ..Outputs::default() }).expect("run");
    let budget_xlsx = tmp("budget.xlsx");
    qiangke_batch::xlsx::table_to_xlsx(&pack, &s.budget.to_csv(), "预算", &budget_xlsx).expect("budget workbook");
    let mut wb = open_workbook_auto(&budget_xlsx).expect("open");
    let sheet = wb.worksheet_range("预算").expect("the sheet is named 预算");
    let rows: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, ["预算年度", "拨付部门", "条款", "笔数", "金额下限(元)", "金额上限(元)"]);
    let body: Vec<Vec<String>> = rows[1..].iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(
        body,
        [["2024", "市财政局", "四(二)7", "1", "200000", "200000"], ["2024", "市科技局", "四(二)8", "1", "200000", "200000"]],
        "departments by name, amounts as numbers"
    );
    assert!(rows[1][4].is_float() && rows[1][0].is_float(), "money and years are number cells: {:?}", rows[1]);
    let totals_xlsx = tmp("totals.xlsx");
    let text = std::fs::read_to_string(&totals).expect("totals");
    qiangke_batch::xlsx::table_to_xlsx(&pack, &text, "合计", &totals_xlsx).expect("totals workbook");
    let mut wb = open_workbook_auto(&totals_xlsx).expect("open");
    let sheet = wb.worksheet_range("合计").expect("sheet");
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    // 20万元 + 20万元 for entity A1 in the 2024 budget.
    assert_eq!(rows, [["主体编号", "预算年度", "金额下限(元)", "金额上限(元)"], ["A1", "2024", "400000", "400000"]]);
}
