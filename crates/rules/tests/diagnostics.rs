//! Deliberate mistakes in the Wuwei pack and the located diagnostics they must produce.
//! Each mistake is a one-line edit of the real pack; the rendered diagnostic (file:line:col, the
//! source line, a caret, the hint) is snapshot-checked.

mod common;

use common::{edit, wuwei_files};
use qiangke_rules::load_pack_files;
use std::collections::BTreeSet;

const R7: &str = "rules/4-2-7-new-recognitions.toml";
const R8: &str = "rules/4-2-8-rd-input.toml";

/// (snapshot name, expected code, file, text to replace, replacement)
const MISTAKES: &[(&str, &str, &str, &str, &str)] = &[
    ("toml_syntax", "E001", R8, r#"amount = "5万元""#, r#"amount = "5万元"#),
    (
        "unknown_field",
        "E002",
        R8,
        r#"guard = "year.above_scale && year.super_deduction_amount > 0元""#,
        r#"gaurd = "year.above_scale && year.super_deduction_amount > 0元""#,
    ),
    ("missing_field", "E003", R8, "once = []\n", ""),
    ("quote_not_in_source", "E010", R7, "对新认定的高新技术企业给予20万元", "对新认定的高新技术企业给予30万元"),
    ("duplicate_rule_id", "E011", R7, r#"id = "smart-factory-new""#, r#"id = "high-tech-new""#),
    ("unknown_department", "E012", R8, r#"verified_by = ["tax-bureau"]"#, r#"verified_by = ["tax-bureu"]"#),
    ("unknown_note", "E013", R8, r#"notes = ["rd-award-yearly""#, r#"notes = ["rd-award-yearlly""#),
    ("unknown_applicant_kind", "E014", R7, r#"applicants = ["enterprise"]"#, r#"applicants = ["enterprize"]"#),
    ("unknown_trigger_event", "E015", R7, r#"trigger = "recognition""#, r#"trigger = "recogniton""#),
    ("bad_clause", "E016", R8, r#"clause = "四(二)8""#, r#"clause = "4.2.8""#),
    ("expression_syntax", "E020", R8, "tier(rd_spend, year.rd_expenditure)", "tier(rd_spend, year.rd_expenditure"),
    ("unknown_unit", "E020", R8, r#"amount = "5万元""#, r#"amount = "5万""#),
    ("unknown_fact", "E021", R8, "year.rd_expenditure)", "year.rd_expenditur)"),
    ("type_mismatch", "E022", R8, "year.super_deduction_amount > 50万元", "year.super_deduction_amount > 2023-01-01"),
    ("unknown_function", "E023", R8, "tier(rd_spend", "tire(rd_spend"),
    ("amount_not_money", "E024", R8, r#"amount = "5万元""#, r#"amount = "5""#),
    (
        "guard_not_condition",
        "E024",
        R8,
        r#"guard = "year.above_scale && year.super_deduction_amount > 0元""#,
        r#"guard = "year.rd_expenditure""#,
    ),
    ("tier_gap", "E030", R8, r#"{ from = "1000万元 以上""#, r#"{ from = "1100万元 以上""#),
    ("tier_overlap_undeclared", "E031", R8, "overlap = { prefer = \"higher\", note = \"tier-boundary-overlap\" }\n", ""),
    ("tier_not_monotone", "E032", R8, r#"amount = "50万元" }"#, r#"amount = "15万元" }"#),
    ("tier_bound_without_word", "E033", R8, r#"from = "500万元 以上""#, r#"from = "500万元""#),
    ("tier_bound_wrong_side", "E033", R8, r#"to = "1000万元 以下""#, r#"to = "1000万元 以上""#),
    ("reversed_range", "E034", R8, r#"amount = "5万元""#, r#"amount = "range(30万元, 20万元)""#),
    ("impossible_date", "E040", "pack.toml", r#"valid_until = "2025-12-31""#, r#"valid_until = "2025-02-30""#),
    (
        "unknown_type",
        "E041",
        "facts.toml",
        "type = \"money\"\nzh = \"年度研发经费内部支出\"",
        "type = \"mony\"\nzh = \"年度研发经费内部支出\"",
    ),
    ("source_missing", "E042", "pack.toml", r#"source = "source.zh.txt""#, r#"source = "source.txt""#),
    (
        "task_unit_not_a_department",
        "E012",
        "tasks.toml",
        r#"units = ["市科技局", "市发展改革委", "市工信局""#,
        r#"units = ["市科技局", "市发改委", "市工信局""#,
    ),
    ("indicator_name_not_in_source", "E010", "indicators.toml", r#"name = "科技进步贡献率""#, r#"name = "科技进步贡献度""#),
    ("register_names_unknown_rule", "E021", "coverage.toml", r#"rules = ["consortium-support"]"#, r#"rules = ["consortium-suport"]"#),
    (
        "event_out_of_scope",
        "E021",
        R8,
        r#"guard = "year.above_scale && year.super_deduction_amount > 0元""#,
        r#"guard = "recognition.renewal""#,
    ),
];

#[test]
fn each_mistake_gets_its_located_diagnostic() {
    let mut codes = BTreeSet::new();
    for (name, code, file, from, to) in MISTAKES {
        let mut files = wuwei_files();
        edit(&mut files, file, from, to);
        let report = match load_pack_files(&files) {
            Ok(_) => panic!("{name}: the broken pack loaded"),
            Err(r) => r,
        };
        let first = &report.diagnostics[0];
        assert_eq!(first.code, *code, "{name}: {}", report.render());
        codes.insert(*code);
        insta::assert_snapshot!(*name, report.render());
    }
    assert!(codes.len() >= 10, "only {} distinct diagnostics covered", codes.len());
}

#[test]
fn several_mistakes_are_all_reported() {
    let mut files = wuwei_files();
    edit(&mut files, R8, r#"verified_by = ["tax-bureau"]"#, r#"verified_by = ["tax-bureu"]"#);
    edit(&mut files, R7, r#"trigger = "recognition""#, r#"trigger = "recogniton""#);
    edit(&mut files, R8, "year.rd_expenditure)", "year.rd_expenditur)");
    let report = load_pack_files(&files).expect_err("three mistakes");
    let codes: BTreeSet<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, BTreeSet::from(["E012", "E015", "E021"]), "{}", report.render());
}

#[test]
fn the_real_pack_is_clean() {
    let files = wuwei_files();
    let pack = load_pack_files(&files).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pack.id, "wuwei-2022");
    assert_eq!(pack.rules.len(), 44);
}

#[test]
fn diagnostics_as_json_carry_line_and_column() {
    let mut files = wuwei_files();
    edit(&mut files, R8, "year.rd_expenditure)", "year.rd_expenditur)");
    let report = load_pack_files(&files).expect_err("mistake");
    let j = report.to_json();
    let first = &j[0];
    assert_eq!(first["file"], R8);
    assert_eq!(first["code"], "E021");
    assert_eq!(first["hint"], "did you mean `rd_expenditure`?");
    // The line of `amount = "tier(rd_spend, year.rd_expenditur)"`, column of `year`.
    let text = &files.iter().find(|(n, _)| n == R8).expect("file").1;
    let line = text.lines().position(|l| l.starts_with("amount = \"tier(")).expect("amount line") + 1;
    assert_eq!(first["line"], line);
    assert_eq!(first["column"], "amount = \"tier(rd_spend, ".chars().count() + 1);
}
