//! Facts files that do not fit the vocabulary: every error names file, line, column and field, and
//! nothing of a bad file is used. Rendered errors are snapshot-checked.

mod common;

use qiangke_rules::load_facts;

fn errors(name: &str, text: &str) -> String {
    let pack = common::wuwei();
    match load_facts(&pack, name, text) {
        Ok(_) => panic!("{name} was accepted"),
        Err(r) => r.render(),
    }
}

#[test]
fn unknown_names_get_a_suggestion() {
    let out = errors(
        "unknown.json",
        r#"{
  "entity": {"id": "E1", "kind": "enterprise", "above_scal": true},
  "years": {"2023": {"rd_expenditures": "100万元"}},
  "events": [{"type": "recognition", "date": "2023-01-05", "kind": "high_tec", "renewal": false}]
}"#,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn wrong_types_impossible_dates_and_negative_amounts() {
    let out = errors(
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
    );
    insta::assert_snapshot!(out);
}

#[test]
fn credit_codes_are_checked() {
    // 91620600123456788A is valid (worked by hand in uscc.rs); the last character is changed.
    let out = errors("uscc.json", r#"{"entity": {"id": "E1", "kind": "enterprise", "uscc": "91620600123456788B"}}"#);
    insta::assert_snapshot!(out);
}

#[test]
fn toml_facts_are_located_too() {
    let out = errors("facts.toml", "[entity]\nid = \"E1\"\nkind = \"enterprise\"\n[years.2023]\nrd_expenditure = 1500000.5\n");
    insta::assert_snapshot!(out);
}

#[test]
fn syntax_errors_and_truncation() {
    let out = errors("truncated.json", "{\"entity\": {\"id\": \"E1\", \"kind\": \"enterprise\"");
    assert!(out.contains("truncated.json:1:"), "{out}");
    assert!(out.contains("truncated"), "{out}");
    let out = errors("empty.json", "");
    assert!(out.contains("empty.json:1:1"), "{out}");
    let out = errors("dup.json", r#"{"entity": {"id": "E1", "id": "E2", "kind": "enterprise"}}"#);
    assert!(out.contains("key `id` appears twice"), "{out}");
}

#[test]
fn good_facts_keep_exact_money_and_their_locations() {
    let pack = common::wuwei();
    let f = load_facts(
        &pack,
        "ok.json",
        r#"{"entity": {"id": "E1", "kind": "企业", "above_scale": true, "uscc": "91620600123456788A", "county": "凉州区"},
 "years": {"2023": {"rd_expenditure": 4999999.99}}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let row = &f.yearly[&2023];
    let rd = row[0].as_ref().expect("rd given");
    assert_eq!(rd.value, qiangke_rules::model::Value::Money("4999999.99".parse().expect("decimal")));
    assert_eq!(rd.at.as_deref(), Some("ok.json:2:39"));
}

#[test]
fn null_means_not_known() {
    let pack = common::wuwei();
    let f = load_facts(&pack, "null.json", r#"{"entity": {"id": "E1", "kind": "enterprise", "above_scale": null}}"#).expect("valid");
    // above_scale is a yearly figure that may stand under `entity` for every year.
    let i = pack.vocab.yearly("above_scale").expect("declared");
    assert!(f.yearly_default[i].is_none());
    let f = load_facts(&pack, "every.json", r#"{"entity": {"id": "E1", "kind": "enterprise", "above_scale": true}}"#).expect("valid");
    assert_eq!(f.figure(2024, i).map(|x| &x.value), Some(&qiangke_rules::model::Value::Bool(true)), "every year");
}
