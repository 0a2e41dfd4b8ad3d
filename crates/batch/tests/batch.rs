//! Population runs: the batch path agrees with single-entity evaluation to the fen (every pack
//! case, and a synthetic population), sums exactly, and reports bad input by line and column.

use qiangke_batch::{BatchError, BatchOptions, Format, Outputs, run};
use qiangke_i18n::Lang;
use qiangke_rules::cases::load_cases;
use qiangke_rules::model::{Pack, Type, Value};
use qiangke_rules::{Options, State, evaluate, load_facts, load_pack};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn pack_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")
}

fn pack() -> Pack {
    load_pack(&pack_dir()).unwrap_or_else(|e| panic!("{e}"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("qiangke-batch-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("tmp");
    d.join(name)
}

/// An award row as both paths report it.
type AwardRow = (String, i32, String, String, String, String);

fn read_awards(path: &Path) -> Vec<AwardRow> {
    let mut rdr = csv::Reader::from_path(path).expect("awards file");
    let mut out: Vec<AwardRow> = rdr
        .records()
        .map(|r| {
            let r = r.expect("record");
            (r[0].to_string(), r[1].parse().expect("year"), r[2].to_string(), r[6].to_string(), r[7].to_string(), r[8].to_string())
        })
        .collect();
    out.sort();
    out
}

fn plain(m: Decimal) -> String {
    if m == qiangke_rules::value::UNBOUNDED { String::new() } else { qiangke_rules::value::money_plain(m) }
}

/// Single-entity evaluation of one facts document, as award rows.
fn single(pack: &Pack, name: &str, json: &str) -> Vec<AwardRow> {
    let facts = load_facts(pack, name, json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    let ev = evaluate(pack, &facts, &Options::default());
    ev.results
        .iter()
        .filter_map(|r| match r.state {
            State::Awarded { low, high } => Some((
                facts.entity_id.clone(),
                r.claim_year,
                r.rule.id.clone(),
                plain(low),
                plain(high),
                r.budget_year.map(|y| y.to_string()).unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

/// A JSON value for a fact, written independently of the batch reader.
fn json_value(pack: &Pack, v: &Value) -> serde_json::Value {
    match v {
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => serde_json::json!(i),
        other => serde_json::Value::String(other.key(pack)),
    }
}

/// A facts document for the validated facts of a case, with a new entity id.
fn facts_json(pack: &Pack, facts: &qiangke_rules::Facts, id: &str) -> String {
    let v = &pack.vocab;
    let mut entity = serde_json::Map::new();
    entity.insert("id".into(), id.into());
    for (i, a) in facts.attributes.iter().enumerate() {
        if let Some(f) = a {
            entity.insert(v.attributes[i].name.clone(), json_value(pack, &f.value));
        }
    }
    // Yearly figures given for every year (the every-year shorthand) stand under `entity` too.
    for (i, d) in facts.yearly_default.iter().enumerate() {
        if let Some(f) = d {
            entity.insert(v.yearly[i].name.clone(), json_value(pack, &f.value));
        }
    }
    let mut years = serde_json::Map::new();
    for (y, row) in &facts.yearly {
        let mut m = serde_json::Map::new();
        for (i, f) in row.iter().enumerate() {
            if let Some(f) = f {
                m.insert(v.yearly[i].name.clone(), json_value(pack, &f.value));
            }
        }
        years.insert(y.to_string(), m.into());
    }
    let events: Vec<serde_json::Value> = facts
        .events
        .iter()
        .map(|e| {
            let def = &v.events[e.ty];
            let mut m = serde_json::Map::new();
            m.insert("type".into(), def.name.clone().into());
            m.insert("date".into(), e.date.to_string().into());
            for (i, f) in e.fields.iter().enumerate() {
                if let Some(f) = f {
                    m.insert(def.fields[i].name.clone(), json_value(pack, f));
                }
            }
            m.into()
        })
        .collect();
    serde_json::json!({"entity": entity, "years": years, "events": events}).to_string()
}

#[test]
fn every_pack_case_gives_the_same_awards_in_batch() {
    let pack = pack();
    let cases = load_cases(&pack, &pack_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() > 100);
    let mut lines = String::new();
    let mut expected = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let id = format!("case-{i:04}");
        let doc = facts_json(&pack, &c.facts, &id);
        expected.extend(single(&pack, &id, &doc));
        lines.push_str(&doc);
        lines.push('\n');
    }
    expected.sort();
    let out = tmp("cases-awards.csv");
    let s =
        run(&pack, lines.as_bytes(), Format::Jsonl, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() })
            .expect("batch");
    assert_eq!(s.bad_rows, 0, "{:?}", s.first_errors);
    assert_eq!(s.entities as usize, cases.len());
    let got = read_awards(&out);
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn every_pack_case_as_flat_rows_gives_the_same_awards() {
    // The flat layout the SQL engines read: further rows of a year carry further events of a type.
    let pack = pack();
    let cases = load_cases(&pack, &pack_dir()).unwrap_or_else(|e| panic!("{e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(qiangke_batch::flat::header(&pack)).expect("header");
    let mut expected = Vec::new();
    let mut continuation_rows = 0;
    let mut with_rows = 0;
    for (i, c) in cases.iter().enumerate() {
        let id = format!("case-{i:04}");
        expected.extend(single(&pack, &id, &facts_json(&pack, &c.facts, &id)));
        let mut facts = c.facts.clone();
        facts.entity_id = id;
        let rows = qiangke_batch::flat::rows(&pack, &facts);
        let years: std::collections::BTreeSet<&String> = rows.iter().map(|r| &r[2]).collect();
        continuation_rows += rows.len() - years.len();
        // Facts that speak of no year (attributes only) have no row, and no award either.
        with_rows += usize::from(!rows.is_empty());
        for r in rows {
            w.write_record(&r).expect("row");
        }
    }
    assert!(continuation_rows > 0, "some case has two events of a type in one year");
    expected.sort();
    let text = w.into_inner().expect("csv");
    let out = tmp("cases-flat-awards.csv");
    let s =
        run(&pack, text.as_slice(), Format::Csv, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() })
            .expect("batch");
    assert_eq!(s.bad_rows, 0, "{:?}", s.first_errors);
    assert_eq!(s.entities as usize, with_rows);
    assert!(with_rows > 100);
    assert_eq!(read_awards(&out), expected);
}

#[test]
fn a_further_row_of_a_year_adds_events_but_may_not_contradict_its_figures() {
    let text = format!(
        "{HEADER}A,2023,enterprise,true,1200万元,2023-02-03,smart_factory,false,\nA,2023,enterprise,true,,2023-05-06,smart_factory,false,\nA,2023,enterprise,true,1300万元,,,,\n"
    );
    let (s, _) = awards_with(text.as_bytes(), Format::Csv, BatchOptions::default(), "further.csv");
    assert_eq!(s.bad_rows, 1);
    assert_eq!(s.first_errors[0].line, 4);
    assert!(s.first_errors[0].message.to_string().contains("two rows for 2023 with different `rd_expenditure`"), "{:?}", s.first_errors[0]);
}

/// (entity, years, events) of one facts document being assembled.
type Doc = (serde_json::Map<String, serde_json::Value>, serde_json::Map<String, serde_json::Value>, Vec<serde_json::Value>);

/// Groups a synthetic CSV by entity into facts documents, independently of the batch reader.
fn csv_to_documents(pack: &Pack, csv_text: &str) -> Vec<(String, String)> {
    let v = &pack.vocab;
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let mut docs: BTreeMap<String, Doc> = BTreeMap::new();
    let typed = |ty: Type, s: &str| -> serde_json::Value {
        match ty {
            Type::Bool => serde_json::Value::Bool(s == "true"),
            _ => serde_json::Value::String(s.to_string()),
        }
    };
    for r in rdr.records() {
        let r = r.expect("record");
        let id = r[0].to_string();
        let year = r[2].to_string();
        let entry = docs.entry(id.clone()).or_default();
        entry.0.insert("id".into(), id.clone().into());
        let mut yearly = serde_json::Map::new();
        let mut events: BTreeMap<String, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
        for (h, cell) in header.iter().zip(r.iter()).skip(3) {
            if cell.is_empty() {
                continue;
            }
            if let Some(i) = v.attribute(h) {
                entry.0.insert(h.clone(), typed(v.attributes[i].ty, cell));
            } else if let Some(i) = v.yearly(h) {
                yearly.insert(h.clone(), typed(v.yearly[i].ty, cell));
            } else if let Some((ev, field)) = h.split_once('.') {
                let e = v.event(ev).expect("event column");
                let ty = if field == "date" { Type::Date } else { v.events[e].fields.iter().find(|f| f.name == field).expect("field").ty };
                let m = events.entry(ev.to_string()).or_default();
                m.insert("type".into(), ev.into());
                m.insert(field.into(), typed(ty, cell));
            }
        }
        entry.1.insert(year, yearly.into());
        entry.2.extend(events.into_values().map(serde_json::Value::Object));
    }
    docs.into_iter()
        .map(|(id, (entity, years, events))| (id, serde_json::json!({"entity": entity, "years": years, "events": events}).to_string()))
        .collect()
}

#[test]
fn a_synthetic_population_agrees_with_single_evaluation_and_sums_exactly() {
    let pack = pack();
    let mut csv_bytes = Vec::new();
    qiangke_batch::synth::write_csv(&pack, 3000, 11, &mut csv_bytes).expect("synth");
    let csv_text = String::from_utf8(csv_bytes).expect("utf-8");
    let out = tmp("synth-awards.csv");
    let opts = BatchOptions { jobs: 2, chunk_rows: 64, ..BatchOptions::default() };
    let s =
        run(&pack, csv_text.as_bytes(), Format::Csv, &opts, &Outputs { awards: Some(out.clone()), ..Outputs::default() }).expect("batch");
    assert_eq!(s.rows, 3000);
    assert_eq!(s.bad_rows, 0, "{:?}", s.first_errors);
    let mut expected = Vec::new();
    for (id, doc) in csv_to_documents(&pack, &csv_text) {
        expected.extend(single(&pack, &id, &doc));
    }
    expected.sort();
    let got = read_awards(&out);
    assert!(got.len() > 1000, "a synthetic population earns many awards ({})", got.len());
    assert_eq!(got, expected);
    // The budget's grand total is the exact sum of the award rows of paying rules, in fen.
    let fen = |s: &str| -> i128 {
        rust_decimal::prelude::ToPrimitive::to_i128(&(s.parse::<Decimal>().expect("amount") * Decimal::ONE_HUNDRED)).expect("fen")
    };
    let awards_kind: std::collections::HashSet<&str> =
        pack.rules.iter().filter(|r| r.kind == qiangke_rules::model::RuleKind::Award).map(|r| r.id.as_str()).collect();
    let sum: i128 = expected.iter().filter(|r| awards_kind.contains(r.2.as_str())).map(|r| fen(&r.3)).sum();
    assert_eq!(fen(&s.budget.total().low.to_string()), sum);
}

fn run_csv(text: &str, strict: bool) -> (Result<qiangke_batch::Summary, BatchError>, PathBuf, PathBuf) {
    let pack = pack();
    let out = tmp(&format!("awards-{}.csv", text.len()));
    let errors = tmp(&format!("errors-{}.csv", text.len()));
    let _ = std::fs::remove_file(&out);
    let r = run(
        &pack,
        text.as_bytes(),
        Format::Csv,
        &BatchOptions { strict, ..BatchOptions::default() },
        &Outputs { awards: Some(out.clone()), errors: Some(errors.clone()), ..Outputs::default() },
    );
    (r, out, errors)
}

// The R&D tiers of 四(二)8 need a super-deduction claim on the year (note
// rd-list-from-super-deduction): every row claims 30万元, below the first-claim award's 50万元.
const HEADER: &str =
    "id,year,kind,above_scale,rd_expenditure,recognition.date,recognition.kind,recognition.renewal,super_deduction_amount\n";

#[test]
fn a_malformed_row_is_reported_and_the_others_are_evaluated() {
    let text = format!(
        "{HEADER}A1,2023,enterprise,true,1500万元,,,,30万元\nA2,2023,enterprise,true,15x0,,,,30万元\nA3,2023,enterprise,true,600万元,,,,30万元\n"
    );
    let (r, out, errors) = run_csv(&text, false);
    let s = r.expect("run");
    assert_eq!((s.rows, s.bad_rows), (3, 1));
    let e = &s.first_errors[0];
    assert_eq!((e.line, e.column, e.field.as_str()), (3, 5, "rd_expenditure"));
    assert!(e.message.to_string().starts_with("`15x0` is not an amount of money"), "{}", e.message);
    let awards = read_awards(&out);
    assert_eq!(awards.iter().map(|a| (a.0.as_str(), a.3.as_str())).collect::<Vec<_>>(), vec![("A1", "200000.00"), ("A3", "100000.00")]);
    let report = std::fs::read_to_string(errors).expect("errors file");
    assert!(report.starts_with("line,column,field,message\n3,5,rd_expenditure,"), "{report}");
}

#[test]
fn strict_mode_fails_and_writes_no_results() {
    let text = format!("{HEADER}A1,2023,enterprise,true,1500万元,,,,30万元\nA2,2023,enterprize,true,1,,,,\n");
    let (r, out, errors) = run_csv(&text, true);
    match r {
        Err(BatchError::Strict { bad_rows, .. }) => assert_eq!(bad_rows, 1),
        other => panic!("expected a strict failure, got {other:?}"),
    }
    assert!(!out.exists(), "no result file may be written in strict mode");
    let report = std::fs::read_to_string(errors).expect("the errors file is still written");
    // In the language of the run (Simplified Chinese unless told), at the same place.
    assert!(report.contains("3,3,kind,“enterprize”不是可选的值(是否应为“企业”?)"), "{report}");
    let en = tmp("errors-en.csv");
    let outputs = Outputs { errors: Some(en.clone()), lang: qiangke_i18n::Lang::En, ..Outputs::default() };
    let _ = run(&pack(), text.as_bytes(), Format::Csv, &BatchOptions { strict: true, ..BatchOptions::default() }, &outputs);
    let report = std::fs::read_to_string(en).expect("the errors file");
    assert!(report.contains("3,3,kind,`enterprize` is not a known applicant_kind (did you mean `enterprise`?)"), "{report}");
}

#[test]
fn a_wrong_header_evaluates_nothing() {
    let (r, out, _) = run_csv("id,year,kind,rd_expenditur\nA1,2023,enterprise,1\n", false);
    let msg = r.expect_err("bad header").to_string();
    assert!(msg.contains("column 4 `rd_expenditur`: not a fact of the pack; did you mean `rd_expenditure`?"), "{msg}");
    assert!(!out.exists());
    let (r, _, _) = run_csv("name,kind\nx,enterprise\n", false);
    assert!(r.expect_err("no id").to_string().contains("the header has no `id` column"));
}

#[test]
fn an_empty_file_is_an_error_not_an_empty_result() {
    let (r, out, _) = run_csv("", false);
    assert!(r.expect_err("empty").to_string().contains("the input is empty"));
    assert!(!out.exists());
}

#[test]
fn a_truncated_file_reports_its_last_row() {
    // The last row is cut in the middle (no newline, fields missing).
    let text = format!("{HEADER}A1,2023,enterprise,true,1500万元,,,,30万元\nA2,2023,enterp");
    let (r, out, _) = run_csv(&text, false);
    let s = r.expect("run");
    assert_eq!(s.bad_rows, 1);
    assert_eq!(s.first_errors[0].line, 3);
    assert!(s.first_errors[0].message.to_string().contains("the row has 3 fields, the header has 9"), "{}", s.first_errors[0].message);
    assert_eq!(read_awards(&out).len(), 1);
}

#[test]
fn a_file_in_neither_utf8_nor_gbk_is_refused_with_its_place() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"A1,2023,enterprise,true,1500\xff,,,,\n");
    let pack = pack();
    let out = tmp("neither-awards.csv");
    let e = run(&pack, &bytes[..], Format::Csv, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() })
        .expect_err("neither encoding");
    let at = HEADER.len() + "A1,2023,enterprise,true,1500".len() + 1;
    assert!(e.to_string().contains(&format!("neither UTF-8 nor GB18030/GBK text (at line 2, byte {at})")), "{e}");
    assert!(!out.exists());
}

#[test]
fn a_bad_byte_after_the_head_of_a_utf8_file_is_located_by_cell() {
    // The encoding is told from the first 64 KiB; a bad byte after them is a bad cell of its row.
    let pack = pack();
    let mut bytes = HEADER.as_bytes().to_vec();
    let mut line = 1;
    while bytes.len() < 70_000 {
        line += 1;
        bytes.extend_from_slice(format!("A{line:06},2023,enterprise,true,1500万元,,,,30万元\n").as_bytes());
    }
    bytes.extend_from_slice(b"Z1,2023,enterprise,true,1500\xff,,,,\n");
    let out = tmp("utf8-late-awards.csv");
    let s =
        run(&pack, &bytes[..], Format::Csv, &BatchOptions::default(), &Outputs { awards: Some(out), ..Outputs::default() }).expect("run");
    assert_eq!(s.bad_rows, 1, "{:?}", &s.first_errors[..2]);
    let e = &s.first_errors[0];
    assert_eq!((e.line, e.column), (line + 1, 5));
    assert!(e.message.to_string().contains("not UTF-8"), "{}", e.message);
}

#[test]
fn utf8_utf8_with_bom_and_gbk_with_chinese_headers_give_byte_identical_awards() {
    // What Excel saves: "CSV UTF-8" (with a BOM) and, on Chinese Windows, "CSV" in GBK; people
    // head the columns with the facts' Chinese names.
    let pack = pack();
    let mut csv_bytes = Vec::new();
    qiangke_batch::synth::write_csv(&pack, 3000, 5, &mut csv_bytes).expect("synth");
    let text = String::from_utf8(csv_bytes).expect("utf-8");
    let (header, body) = text.split_once('\n').expect("header");
    let zh: Vec<String> = header
        .split(',')
        .map(|h| {
            let v = &pack.vocab;
            match h {
                "id" => qiangke_batch::columns::ID_ZH.to_string(),
                "name" => qiangke_batch::columns::NAME_ZH.to_string(),
                "year" => qiangke_batch::columns::YEAR_ZH.to_string(),
                _ => match h.split_once('.') {
                    Some((e, f)) => {
                        let ev = &v.events[v.event(e).expect("event")];
                        let field = if f == "date" {
                            "日期".to_string()
                        } else {
                            ev.fields.iter().find(|x| x.name == f).expect("field").title.zh.clone()
                        };
                        format!("{}.{field}", ev.title.zh)
                    }
                    None => v.attributes.iter().chain(&v.yearly).find(|x| x.name == h).expect("fact").title.zh.clone(),
                },
            }
        })
        .collect();
    let quoted: Vec<String> = zh.iter().map(|h| format!("\"{}\"", h.replace('"', "\"\""))).collect();
    let chinese = format!("{}\n{body}", quoted.join(","));
    let mut with_bom = b"\xef\xbb\xbf".to_vec();
    with_bom.extend_from_slice(chinese.as_bytes());
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&chinese);
    let gbk = gbk.into_owned();
    assert!(!unmappable);
    let mut outputs = Vec::new();
    for (name, bytes) in [("plain", text.as_bytes().to_vec()), ("zh-utf8", chinese.into_bytes()), ("zh-bom", with_bom), ("zh-gbk", gbk)] {
        let out = tmp(&format!("enc-{name}-awards.csv"));
        let s = run(&pack, &bytes[..], Format::Csv, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((s.rows, s.bad_rows), (3000, 0), "{name}: {:?}", s.first_errors);
        outputs.push((name, std::fs::read(&out).expect("awards")));
    }
    assert!(outputs[0].1.len() > 10_000, "the population earns awards");
    for (name, bytes) in &outputs[1..] {
        assert!(bytes == &outputs[0].1, "{name} differs from the UTF-8 file with id headers");
    }
}

#[test]
fn rows_out_of_order_are_refused_so_nothing_is_paid_twice() {
    let text = format!(
        "{HEADER}B1,2023,enterprise,true,,2023-03-01,high_tech,false,\nA1,2023,enterprise,true,,2023-03-01,high_tech,false,\nB1,2024,enterprise,true,,2024-03-01,high_tech,false,\n"
    );
    let (r, out, _) = run_csv(&text, false);
    let s = r.expect("run");
    assert_eq!(s.bad_rows, 1, "{:?}", s.first_errors);
    assert_eq!(s.first_errors[0].line, 3);
    assert!(s.first_errors[0].message.to_string().contains("rows must be sorted by id"));
    // A1 is refused; B1's rows are then together and evaluated as one entity: its high-tech
    // recognition is paid once (2023), the repeat in 2024 is already awarded.
    let awards = read_awards(&out);
    assert_eq!(awards.iter().filter(|a| a.2 == "high-tech-new").count(), 1);
}

#[test]
fn the_budget_report_is_exact() {
    // E1: R&D 1500万元 in 2023 → 20万元 (四(二)8, science bureau, the 2024 budget: verified from
    //     the 2024 super-deduction claims, note rd-spending-year).
    // E2: new high-tech enterprise 2023 → 20万元 (四(二)7, finance bureau, 2024 budget).
    // E3: the same 1500万元 and the same recognition → 20万元 + 20万元.
    let text = format!(
        "{HEADER}E1,2023,enterprise,true,1500万元,,,,30万元\nE2,2023,enterprise,false,,2023-06-01,high_tech,false,\nE3,2023,enterprise,true,15000000,2023-09-09,高新技术企业,false,30万元\n"
    );
    let (r, _, _) = run_csv(&text, false);
    let s = r.expect("run");
    assert_eq!(
        s.budget.to_csv(),
        "budget_year,paid_by,clause,awards,low,high\n2024,finance-bureau,四(二)7,2,400000.00,400000.00\n2024,science-bureau,四(二)8,2,400000.00,400000.00\n"
    );
}

#[test]
fn json_lines_flat_rows_and_documents() {
    let pack = pack();
    let text = "{\"id\": \"F1\", \"year\": 2023, \"kind\": \"enterprise\", \"above_scale\": true, \"rd_expenditure\": \"5000000\", \"super_deduction_amount\": \"30万元\"}\n\
                {\"entity\": {\"id\": \"F2\", \"kind\": \"enterprise\"}, \"events\": [{\"type\": \"recognition\", \"date\": \"2024-01-02\", \"kind\": \"high_tech\", \"renewal\": false}]}\n\
                {\"id\": \"F3\", \"year\": 2023, \"kind\": \"enterprise\", \"rd_expendture\": 1}\n";
    let out = tmp("jsonl-awards.csv");
    let s =
        run(&pack, text.as_bytes(), Format::Jsonl, &BatchOptions::default(), &Outputs { awards: Some(out.clone()), ..Outputs::default() })
            .expect("run");
    assert_eq!(s.bad_rows, 1);
    assert!(s.first_errors[0].message.to_string().contains("did you mean `rd_expenditure`"), "{}", s.first_errors[0].message);
    let awards = read_awards(&out);
    assert_eq!(
        awards.iter().map(|a| (a.0.as_str(), a.2.as_str(), a.3.as_str())).collect::<Vec<_>>(),
        vec![("F1", "rd-spend-tiers", "100000.00"), ("F2", "high-tech-new", "200000.00")]
    );
}

#[test]
fn a_reform_re_evaluating_only_its_rules_equals_a_full_re_evaluation() {
    use qiangke_batch::whatif::{Baseline, compare, rule_budget, to_budget, variant_outcome, variants};
    let pack = pack();
    let files = qiangke_rules::read_pack_files(&pack_dir()).expect("files");
    let mut csv_bytes = Vec::new();
    qiangke_batch::synth::write_csv(&pack, 2000, 5, &mut csv_bytes).expect("synth");
    let pop = run(&pack, &csv_bytes[..], Format::Csv, &BatchOptions { collect: true, ..BatchOptions::default() }, &Outputs::default())
        .expect("population");
    let population = pop.population.expect("collected");
    let reform = r#"
name = "test reform"
[[rule]]
id = "branch-set-up"
amount = "12万元"
[[sweep]]
table = "rd_spend"
band = 1
field = "amount"
values = ["10万元", "12万元"]
"#;
    let vs = variants(&files, &pack, "reform.toml", reform).expect("variants");
    assert_eq!(vs.len(), 2);
    let base = Baseline::new(&pack, &population, &[], 2);
    let (baseline_lines, baseline) = (&base.lines, base.budget());
    for v in &vs {
        let partial = variant_outcome(&base, v, &population, &[], 2).budget;
        let full = to_budget(&rule_budget(&v.pack, &population, &[], None, 2), None);
        assert_eq!(partial, full, "{}", v.name);
    }
    // A rule triggered by events whose trigger the variant leaves alone is re-evaluated only for
    // the entities whose events set it off in the baseline: the same budget as all of them.
    for (field, value) in [("amount", "30万元"), ("valid_until", "2023-06-30"), ("guard", "true")] {
        let reform = format!("name = \"v\"\n[[rule]]\nid = \"high-tech-new\"\n{field} = \"{value}\"\n");
        let v = &variants(&files, &pack, "r.toml", &reform).expect("variant")[0];
        let partial = variant_outcome(&base, v, &population, &[], 2).budget;
        let full = to_budget(&rule_budget(&v.pack, &population, &[], None, 2), None);
        assert_eq!(partial, full, "{field}");
        assert_ne!(partial, baseline, "{field} changes the budget");
    }
    // Raising the lowest R&D tier from 10万元 to 12万元 adds exactly 2万元 per award in that tier.
    let raised = &vs[1];
    let diffs = compare(&baseline, &to_budget(&rule_budget(&raised.pack, &population, &[], None, 2), None));
    let tier_awards: u64 =
        baseline_lines.iter().filter(|((ri, ..), _)| pack.rules[*ri].id == "rd-spend-tiers").map(|(_, l)| l.awards).sum();
    assert!(tier_awards > 0);
    let total_delta: Decimal = diffs.iter().filter(|d| d.key.1 != "*").map(|d| d.delta().0).sum();
    let lowest_band = {
        let full = to_budget(&rule_budget(&pack, &population, &[], None, 2), None);
        assert_eq!(full, baseline);
        // The interpreter's run of the same rows gives the same budget, and counts the awards of
        // the lowest band.
        let awards = tmp("whatif-interpreter.csv");
        let opts = BatchOptions { evaluator: qiangke_batch::Evaluator::Interpreter, ..BatchOptions::default() };
        let outputs = Outputs { awards: Some(awards.clone()), ..Outputs::default() };
        let by_interpreter = run(&pack, &csv_bytes[..], Format::Csv, &opts, &outputs).expect("interpreter run");
        assert_eq!(by_interpreter.budget, baseline);
        read_awards(&awards).iter().filter(|a| a.2 == "rd-spend-tiers" && a.3 == "100000.00").count() as u64
    };
    assert_eq!(total_delta, Decimal::from(20_000) * Decimal::from(lowest_band));
    // Bands are counted from 1.
    let err = variants(&files, &pack, "band0.toml", "[[tier]]\ntable = \"rd_spend\"\nband = 0\namount = \"1元\"\n").expect_err("band 0");
    assert_eq!(err.render(Lang::En), "band0.toml: a [[tier]] of a tier table needs `band`, counted from 1");
    assert_eq!(err.render(Lang::Zh), "band0.toml:修改分档表的 [[tier]] 需要 `band`(第几档,从 1 数起)");
    // A reform that names no real rule is refused.
    let err = variants(&files, &pack, "bad.toml", "[[rule]]\nid = \"no-such-rule\"\namount = \"1元\"\n").expect_err("unknown rule");
    assert_eq!(err.render(Lang::Zh), "bad.toml:政策包中没有规则 `no-such-rule`");
    // A value the pack language does not accept: the pack's own diagnostic, in the reader's language.
    let err = variants(&files, &pack, "unit.toml", "[[rule]]\nid = \"high-tech-new\"\namount = \"30万\"\n").expect_err("no unit");
    let zh = err.render(Lang::Zh);
    assert!(zh.starts_with("按此方案修改后,政策包未通过检查:"), "{zh}");
    assert!(matches!(err, qiangke_batch::whatif::ReformError::Pack(_)), "{zh}");
}

fn awards_with(text: &[u8], format: Format, opts: BatchOptions, name: &str) -> (qiangke_batch::Summary, Vec<AwardRow>) {
    let pack = pack();
    let out = tmp(name);
    let s = run(&pack, text, format, &opts, &Outputs { awards: Some(out.clone()), ..Outputs::default() }).expect("run");
    (s, read_awards(&out))
}

#[test]
fn tiny_blocks_with_quoted_newlines_give_the_same_awards() {
    // Quoted fields with newlines and doubled quotes, and a stray quote inside an unquoted field,
    // across many tiny blocks: every entity is still evaluated whole, exactly once.
    let mut text = String::from(
        "id,name,year,kind,above_scale,rd_expenditure,recognition.date,recognition.kind,recognition.renewal,super_deduction_amount\n",
    );
    for i in 0..40 {
        let id = format!("E{i:03}");
        text.push_str(&format!(
            "{id},\"line one\nline \"\"two\"\"\",2023,enterprise,true,600万元,2023-02-0{},high_tech,false,30万元\n",
            1 + i % 9
        ));
        text.push_str(&format!("{id},5\" pipe,2024,enterprise,true,1200万元,2024-02-03,high_tech,false,30万元\n"));
    }
    let (s_big, big) = awards_with(text.as_bytes(), Format::Csv, BatchOptions::default(), "big.csv");
    let (s_small, small) =
        awards_with(text.as_bytes(), Format::Csv, BatchOptions { block_bytes: 50, jobs: 2, ..BatchOptions::default() }, "small.csv");
    assert_eq!((s_big.bad_rows, s_small.bad_rows), (0, 0), "{:?}", s_small.first_errors);
    assert_eq!(big, small);
    // Per entity: 10万元 (2023) + 20万元 (2024) for R&D, and the high-tech subsidy once (2023).
    assert_eq!(small.len(), 40 * 3);
    assert_eq!(small.iter().filter(|a| a.2 == "high-tech-new").count(), 40);
}

#[test]
fn an_id_that_goes_back_cannot_split_an_entity() {
    // A, C, B (refused), C again: C's two rows are still one entity, its one-time award paid once.
    let text = format!(
        "{HEADER}A,2023,enterprise,true,,2023-01-02,high_tech,false,\nC,2022,enterprise,true,,2022-03-01,high_tech,false,\nB,2023,enterprise,true,,,,,\nC,2023,enterprise,true,,2023-03-01,high_tech,false,\n"
    );
    let (s, awards) = awards_with(text.as_bytes(), Format::Csv, BatchOptions { block_bytes: 1, ..BatchOptions::default() }, "back.csv");
    assert_eq!(s.bad_rows, 1);
    assert_eq!((s.first_errors[0].line, s.first_errors[0].column), (4, 1));
    assert_eq!(awards.iter().filter(|a| a.0 == "C" && a.2 == "high-tech-new").count(), 1);
}

#[test]
fn ids_are_compared_trimmed_and_lines_count_crlf() {
    let text = "id,year,kind,above_scale,rd_expenditure,recognition.date,recognition.kind,recognition.renewal\r\nA,2022,enterprise,true,,2022-05-05,high_tech,false\r\nA ,2023,enterprise,true,,2023-05-05,high_tech,false\r\nB,2023,enterprise,true,oops,,,\r\n";
    let (s, awards) = awards_with(text.as_bytes(), Format::Csv, BatchOptions::default(), "crlf.csv");
    // `A ` is the same entity as `A`: its high-tech subsidy is paid once.
    assert_eq!(awards.iter().filter(|a| a.2 == "high-tech-new").count(), 1);
    assert_eq!(s.bad_rows, 1);
    assert_eq!((s.first_errors[0].line, s.first_errors[0].column), (4, 5), "{:?}", s.first_errors[0]);
}

#[test]
fn a_facts_document_cannot_be_repeated_or_mixed_with_rows_of_its_entity() {
    let doc = r#"{"entity": {"id": "D1", "kind": "enterprise"}, "events": [{"type": "recognition", "date": "2023-01-01", "kind": "high_tech", "renewal": false}]}"#;
    let text = format!("{doc}\n{doc}\n{{\"id\": \"D1\", \"year\": 2024, \"kind\": \"enterprise\"}}\n{{\"id\": \"\\中\"}}\n");
    let (s, awards) = awards_with(text.as_bytes(), Format::Jsonl, BatchOptions::default(), "docs.csv");
    assert_eq!(awards.len(), 1);
    assert_eq!(s.bad_rows, 3, "{:?}", s.first_errors);
    assert!(s.first_errors[0].message.to_string().contains("appears again"));
    // A bad escape before a multi-byte character is a located error, not a crash.
    assert!(s.first_errors[2].message.to_string().contains("invalid JSON"));
}

/// Winners and losers, by hand from 四(二)8's tiers (500万元以上1000万元以下: 10万元;
/// 1000万元以上2000万元以下: 20万元): A spends 550万元 (10万元), B 800万元 (10万元), C 1200万元
/// (20万元), D nothing above 500万元 (no award).
#[test]
fn a_variant_says_who_gains_and_who_loses() {
    use qiangke_batch::whatif::{Baseline, Side, variant_outcome, variants};
    let pack = pack();
    let files = qiangke_rules::read_pack_files(&pack_dir()).expect("files");
    let csv = "id,name,year,kind,above_scale,super_deduction_amount,rd_expenditure\n\
               A,甲,2023,enterprise,true,100000,5500000\n\
               B,乙,2023,enterprise,true,100000,8000000\n\
               C,丙,2023,enterprise,true,100000,12000000\n\
               D,丁,2023,enterprise,true,100000,4000000\n";
    let pop = run(&pack, csv.as_bytes(), Format::Csv, &BatchOptions { collect: true, ..BatchOptions::default() }, &Outputs::default())
        .expect("population");
    assert_eq!(pop.bad_rows, 0);
    let population = pop.population.expect("collected");
    let base = Baseline::new(&pack, &population, &[], 1);
    let outcome = |reform: &str| {
        let vs = variants(&files, &pack, "reform.toml", reform).unwrap_or_else(|e| panic!("{}", e.render(Lang::En)));
        variant_outcome(&base, &vs[0], &population, &[], 1).effects
    };
    let yuan = |n: i64| Decimal::from(n);

    // The first band paid 12万元: A and B gain 2万元 each, nobody loses, no award appears or goes.
    let e = outcome("[[tier]]\ntable = \"rd_spend\"\nband = 1\namount = \"12万元\"\n");
    assert_eq!((e.gained, e.lost, e.changed), (0, 0, 2));
    assert_eq!(e.better, Side { entities: 2, total_low: yuan(40_000), total_high: Some(yuan(40_000)), largest_low: yuan(20_000) });
    assert_eq!(e.worse, Side::default());

    // The first band starting at 600万元 instead of 500万元: A (550万元) loses its 10万元; B and
    // C keep theirs.
    let e = outcome("[[tier]]\ntable = \"rd_spend\"\nband = 1\nfrom = \"600万元 以上\"\n");
    assert_eq!((e.gained, e.lost, e.changed), (0, 1, 0));
    assert_eq!(e.worse, Side { entities: 1, total_low: yuan(-100_000), total_high: Some(yuan(-100_000)), largest_low: yuan(-100_000) });
    assert_eq!(e.better, Side::default());

    // Starting at 400万元: D (400万元, 以上 includes it) gains 10万元.
    let e = outcome("[[tier]]\ntable = \"rd_spend\"\nband = 1\nfrom = \"400万元 以上\"\n");
    assert_eq!((e.gained, e.lost, e.changed), (1, 0, 0));
    assert_eq!(e.better, Side { entities: 1, total_low: yuan(100_000), total_high: Some(yuan(100_000)), largest_low: yuan(100_000) });
}

/// The budget table printed by `qiangke batch` says in the reader's language that a line has no
/// upper limit (四(四)13's support is 不低于50万元).
#[test]
fn the_budget_table_says_no_upper_limit_in_the_readers_language() {
    use qiangke_batch::budget::{Budget, Line};
    let pack = pack();
    let mut b = Budget::default();
    let mut line = Line::default();
    line.add(Decimal::from(500_000), qiangke_rules::value::UNBOUNDED);
    b.lines.insert((2024, "science-bureau".into(), "四(四)13".into()), line);
    let zh = b.to_table(&pack, Lang::Zh);
    assert!(zh.contains("不设上限") && !zh.contains("no upper limit"), "{zh}");
    assert!(b.to_table(&pack, Lang::En).contains("no upper limit"));
}
