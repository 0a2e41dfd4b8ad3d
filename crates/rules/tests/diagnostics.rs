//! Deliberate mistakes in the Wuwei pack and the located diagnostics they must produce.
//! Each mistake is a one-line edit of the real pack; the rendered diagnostic (file:line:col, the
//! source line, a caret, the hint) is snapshot-checked.

mod common;

use common::{edit, wuwei_files};
use qiangke_rules::load_pack_files;
use qiangke_rules::model::Lang;
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

/// A broken copy of the Wuwei pack, by the name of its mistake in [`MISTAKES`].
fn mistake(name: &str) -> qiangke_rules::Report {
    let (_, _, file, from, to) = MISTAKES.iter().find(|m| m.0 == name).unwrap_or_else(|| panic!("no mistake {name}"));
    let mut files = wuwei_files();
    edit(&mut files, file, from, to);
    load_pack_files(&files).expect_err("the broken pack loaded")
}

#[test]
fn a_diagnostic_reads_in_chinese_with_the_same_frame() {
    let report = mistake("unknown_field");
    assert_eq!(
        report.render_in(Lang::Zh),
        "错误[E002]: 未知字段“gaurd”\n\
         \x20 --> rules/4-2-8-rd-input.toml:30:1\n\
         \x20  |\n\
         30 | gaurd = \"year.above_scale && year.super_deduction_amount > 0元\"\n\
         \x20  | ^^^^^\n\
         \x20  = 提示: 是否应为“guard”?\n"
    );
    // English is as it was (and as the snapshot has it).
    assert_eq!(
        report.render(),
        "error[E002]: unknown field `gaurd`\n\
         \x20 --> rules/4-2-8-rd-input.toml:30:1\n\
         \x20  |\n\
         30 | gaurd = \"year.above_scale && year.super_deduction_amount > 0元\"\n\
         \x20  | ^^^^^\n\
         \x20  = help: did you mean `guard`?\n"
    );
    assert_eq!(report.render_in(Lang::En), report.render());

    let report = mistake("tier_gap");
    assert_eq!(
        report.render_in(Lang::Zh),
        "错误[E030]: 档位之间有空档:介于 1000万元以下 和 1100万元以上 之间的数值不属于任何一档\n\
         \x20 --> rules/4-2-8-rd-input.toml:16:12\n\
         \x20  |\n\
         16 |   { from = \"1100万元 以上\", to = \"2000万元 以下\", amount = \"20万元\" },\n\
         \x20  |            ^^^^^^^^^^^^^^^\n\
         \x20  = 提示: 每一档应从上一档结束处开始(以下 接 超过,或 不满 接 以上)\n"
    );
    assert_eq!(
        report.render(),
        "error[E030]: gap between tiers: values from 1000万元以下 to 1100万元以上 fall in no band\n\
         \x20 --> rules/4-2-8-rd-input.toml:16:12\n\
         \x20  |\n\
         16 |   { from = \"1100万元 以上\", to = \"2000万元 以下\", amount = \"20万元\" },\n\
         \x20  |            ^^^^^^^^^^^^^^^\n\
         \x20  = help: make each band start where the previous one ends (以下 then 超过, or 不满 then 以上)\n"
    );
    // A message that carries another (the parser's) renders both in the reader's language.
    let report = mistake("expression_syntax");
    let zh = report.render_in(Lang::Zh);
    assert!(zh.starts_with("错误[E020]: 表达式语法错误:这里应为“)”,但表达式已经结束\n"), "{zh}");
    let j = report.to_json_in(Lang::Zh);
    assert_eq!(j[0]["code"], "E020");
    assert_eq!(j[0]["message"], "表达式语法错误:这里应为“)”,但表达式已经结束");
    assert_eq!(report.to_json(), report.to_json_in(Lang::En));
}

#[test]
fn a_facts_diagnostic_reads_in_chinese() {
    let pack = common::wuwei();
    let text = r#"{"entity": {"id": "E1", "kind": "enterprise"}, "years": {"2023": {"rd_expenditure": "-5元"}}}"#;
    let report = qiangke_rules::load_facts(&pack, "types.json", text).expect_err("a negative amount");
    assert_eq!(
        report.render_in(Lang::Zh),
        "错误[F005]: “years.2023.rd_expenditure”:金额 -5元 是负数\n\
         \x20 --> types.json:1:85\n\
         \x20 |\n\
         1 | {\"entity\": {\"id\": \"E1\", \"kind\": \"enterprise\"}, \"years\": {\"2023\": {\"rd_expenditure\": \"-5元\"}}}\n\
         \x20 |                                                                                     ^^^^^^\n\
         \x20 = 提示: 事实中的金额不能为负数\n"
    );
    assert_eq!(
        report.render(),
        "error[F005]: `years.2023.rd_expenditure`: amount -5元 is negative\n\
         \x20 --> types.json:1:85\n\
         \x20 |\n\
         1 | {\"entity\": {\"id\": \"E1\", \"kind\": \"enterprise\"}, \"years\": {\"2023\": {\"rd_expenditure\": \"-5元\"}}}\n\
         \x20 |                                                                                     ^^^^^^\n\
         \x20 = help: amounts of money in facts are never negative\n"
    );
}

/// What a Chinese text must not show: a catalogue id (a message missing from the catalogue is
/// shown by its id) or an argument left unfilled.
fn assert_put_into_words(zh: &str, en: &str, ids: &BTreeSet<String>, what: &str) {
    let words = zh.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
    if let Some(id) = words.into_iter().find(|w| ids.contains(*w)) {
        panic!("{what}: shows the id {id}: {zh}");
    }
    assert!(!zh.contains("{$") && !zh.contains("{ $"), "{what}: an argument is missing: {zh}");
    assert!(zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: not in Chinese: {zh}");
    assert_ne!(zh, en, "{what}: the Chinese is the English");
}

fn check_report_in_chinese(name: &str, report: &qiangke_rules::Report, ids: &BTreeSet<String>) {
    for d in &report.diagnostics {
        let what = format!("{name} {} {}", d.code, d.message.id);
        assert_ne!(d.message.render(Lang::Zh), d.message.id, "{what}");
        assert_put_into_words(&d.message.render(Lang::Zh), &d.message.to_string(), ids, &what);
        if let Some(h) = &d.hint {
            assert_put_into_words(&h.render(Lang::Zh), &h.to_string(), ids, &format!("{what} (hint {})", h.id));
        }
        let frame = d.render_in(&report.map, Lang::Zh);
        assert!(frame.starts_with(&format!("错误[{}]: ", d.code)), "{frame}");
        assert!(!frame.contains("error[") && !frame.contains("= help:"), "{frame}");
    }
}

#[test]
fn every_diagnostic_of_the_broken_packs_and_facts_reads_in_chinese() {
    let ids: BTreeSet<String> = qiangke_i18n::ids(Lang::Zh).into_iter().collect();
    let mut seen = 0;
    for (name, ..) in MISTAKES {
        let report = mistake(name);
        check_report_in_chinese(name, &report, &ids);
        seen += report.diagnostics.len();
    }
    // The facts files of tests/facts.rs, and a few more shapes.
    let pack = common::wuwei();
    let facts = [
        (
            "unknown.json",
            r#"{
  "entity": {"id": "E1", "kind": "enterprise", "above_scal": true},
  "years": {"2023": {"rd_expenditures": "100万元"}},
  "events": [{"type": "recognition", "date": "2023-01-05", "kind": "high_tec", "renewal": false}]
}"#,
        ),
        (
            "types.json",
            r#"{
  "entity": {"id": "E1", "kind": "enterprise", "above_scale": "maybe"},
  "years": {"2023": {"rd_expenditure": "-5元"}, "20x4": {}},
  "events": [
    {"type": "recognition", "date": "2023-02-29", "kind": "high_tech", "renewal": false},
    {"type": "recognition", "kind": "high_tech", "renewal": false},
    {"type": "relocation", "date": "2023-06-01", "certificate_valid_until": 20241231}
  ]
}"#,
        ),
        ("uscc.json", r#"{"entity": {"id": "E1", "kind": "enterprise", "uscc": "91620600123456788B"}}"#),
        ("facts.toml", "[entity]\nid = \"E1\"\nkind = \"enterprise\"\n[years.2023]\nrd_expenditure = 1500000.5\n"),
        ("truncated.json", "{\"entity\": {\"id\": \"E1\", \"kind\": \"enterprise\""),
        ("shapes.json", r#"{"years": [], "events": {}, "extra": 1}"#),
        (
            "events.json",
            r#"{"entity": {"id": "", "kind": "enterprize"}, "events": [3, {"date": "2023-01-01"}, {"type": "recognition", "date": "2023-01-01", "kind": 7, "extra": 1}]}"#,
        ),
    ];
    for (name, text) in facts {
        let report = qiangke_rules::load_facts(&pack, name, text).expect_err(name);
        check_report_in_chinese(name, &report, &ids);
        seen += report.diagnostics.len();
    }
    assert!(seen >= 50, "only {seen} diagnostics checked");
}

/// Every id the rules crate names is in the catalogue (the catalogue test checks the other way
/// round): a missing one would show as its id.
#[test]
fn every_id_the_code_names_is_in_the_catalogue() {
    let ids: BTreeSet<String> = qiangke_i18n::ids(Lang::Zh).into_iter().collect();
    let en: BTreeSet<String> = qiangke_i18n::ids(Lang::En).into_iter().collect();
    assert_eq!(ids, en);
    let mut code = String::new();
    fn walk(dir: &std::path::Path, code: &mut String) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, code);
            } else if p.extension().is_some_and(|x| x == "rs") {
                code.push_str(&std::fs::read_to_string(&p).expect("read"));
            }
        }
    }
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut code);
    let mut named = BTreeSet::new();
    for part in code.split("Msg::new(").skip(1) {
        // Msg::new("id") and Msg::new(match … { … => "id", … }).
        let call = part.split(')').next().unwrap_or("");
        let call = if call.trim_start().starts_with("match") { part.split('}').next().unwrap_or("") } else { call };
        for (i, s) in call.split('"').enumerate() {
            if i % 2 == 1 && s.contains('-') && !s.contains(' ') {
                named.insert(s.to_string());
            }
        }
    }
    assert!(named.len() > 150, "found only {} ids", named.len());
    let missing: Vec<&String> = named.iter().filter(|id| !ids.contains(*id)).collect();
    assert!(missing.is_empty(), "ids the code names but the catalogue lacks: {missing:?}");
}
