//! Facts as Chinese offices write them (issue 12): amounts with 万/亿 and ¥, thousands separators
//! only in groups of three, dates with slashes, points or 年月日, choices by their Chinese name in
//! either script, 是/否. Each accepted form must give the same facts as the canonical one, and
//! each refused form a located error saying what is wrong.

mod common;

use qiangke_rules::eval::{Options, State, evaluate};
use qiangke_rules::load_facts;
use qiangke_rules::model::Value;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// Awards of a facts text, as (rule id, claim year, amount).
fn awards(text: &str) -> Vec<(String, i32, Decimal)> {
    let pack = common::wuwei();
    let facts = load_facts(&pack, "forms.toml", text).unwrap_or_else(|e| panic!("{}", e.render()));
    let ev = evaluate(&pack, &facts, &Options::default());
    ev.results
        .iter()
        .filter_map(|r| match r.state {
            State::Awarded { low, high } if low == high => Some((r.rule.id.clone(), r.claim_year, low)),
            _ => None,
        })
        .collect()
}

const CANONICAL: &str = r#"
[entity]
id = "E1"
kind = "enterprise"
county = "liangzhou"
[years.2023]
above_scale = true
rd_expenditure = "15000000"
super_deduction_amount = "1500000"
[[events]]
type = "recognition"
date = "2023-11-20"
kind = "high_tech"
renewal = false
"#;

#[test]
fn office_forms_give_the_same_awards_as_the_canonical_ones() {
    // By hand, 四(二)7 「對新認定的高新技術企業給予20萬元一次性補助」: 200000; 四(二)8
    // 「1000萬元以上2000萬元以下的,給予20萬元一次性補助」 on 1500萬元 of R&D spending, with a
    // super-deduction claim (1500000 > 0) in an above-scale year: 200000.
    let expected = vec![("high-tech-new".to_string(), 2023, d("200000")), ("rd-spend-tiers".to_string(), 2023, d("200000"))];
    let mut got = awards(CANONICAL);
    got.sort();
    assert_eq!(got, expected);
    for (kind, county, above, rd, sd, date, hi, renewal) in [
        ("企业", "凉州区", "是", "1500万", "¥1,500,000.00", "2023年11月20日", "高新技术企业", "否"),
        ("企業", "涼州區", "yes", "1500萬元", "￥1500000", "2023/11/20", "高新技術企業", "no"),
        ("Enterprise", "Liangzhou District", "1", "15,000,000元", "150万元", "2023.11.20", "high-tech enterprise", "0"),
    ] {
        let text = format!(
            "[entity]\nid = \"E1\"\nkind = \"{kind}\"\ncounty = \"{county}\"\n[years.2023]\nabove_scale = \"{above}\"\nrd_expenditure = \"{rd}\"\nsuper_deduction_amount = \"{sd}\"\n[[events]]\ntype = \"recognition\"\ndate = \"{date}\"\nkind = \"{hi}\"\nrenewal = \"{renewal}\"\n"
        );
        let mut got = awards(&text);
        got.sort();
        assert_eq!(got, expected, "{text}");
    }
}

#[test]
fn the_english_name_of_a_choice_is_accepted_in_any_case() {
    let pack = common::wuwei();
    let text = CANONICAL.replace("kind = \"enterprise\"", "kind = \"Enterprise\"").replace("\"liangzhou\"", "\"Liangzhou District\"");
    let f = load_facts(&pack, "en.toml", &text).unwrap_or_else(|e| panic!("{}", e.render()));
    let county = pack.vocab.attribute("county").expect("declared");
    assert!(matches!(f.attributes[county].as_ref().map(|x| &x.value), Some(Value::Enum(..))));
}

/// The rendered error of a facts text with `money` as its R&D spending.
fn money_error(money: &str) -> String {
    let pack = common::wuwei();
    let text = format!(
        "{{\"entity\": {{\"id\": \"E1\", \"kind\": \"enterprise\"}},\n \"years\": {{\"2023\": {{\"rd_expenditure\": \"{money}\"}}}}}}"
    );
    match load_facts(&pack, "money.json", &text) {
        Ok(_) => panic!("{money} was accepted"),
        Err(r) => r.render(),
    }
}

#[test]
fn commas_that_do_not_separate_thousands_are_refused_where_they_stand() {
    // `1500000,50` meant 1,500,000.50 (below every tier); read as 150,000,050 it earned 100萬元.
    for bad in ["1500000,50", "1,2,3", ",100"] {
        let out = money_error(bad);
        // Line 2, column 39: the string after `"rd_expenditure": ` (1 + 9 + 9 + 19 characters before it).
        assert!(out.contains("money.json:2:39"), "{bad}: {out}");
        assert!(out.contains("years.2023.rd_expenditure"), "{bad}: {out}");
        assert!(out.contains("groups of three"), "{bad}: {out}");
    }
    let out = money_error("1.5千万");
    assert!(out.contains("unknown unit `千万`"), "{out}");
}

#[test]
fn dates_must_be_real_in_every_form() {
    let pack = common::wuwei();
    for (date, what) in [
        ("2023年2月29日", "not a real calendar date"),
        ("2023/13/01", "not a real calendar date"),
        ("2023.11", "is not a date"),
        ("23/11/20", "is not a date"),
        ("2023年11月20", "is not a date"),
        ("20231120", "is not a date"),
    ] {
        let text = CANONICAL.replace("2023-11-20", date);
        let out = match load_facts(&pack, "dates.toml", &text) {
            Ok(_) => panic!("{date} was accepted"),
            Err(r) => r.render(),
        };
        assert!(out.contains("F004") && out.contains(what), "{date}: {out}");
        assert!(out.contains("dates.toml:12:8"), "{date}: {out}");
    }
    for (date, day) in [("2024年2月29日", (2024, 2, 29)), ("2023/1/5", (2023, 1, 5)), ("２０２３．１１．２０", (2023, 11, 20))]
    {
        let text = CANONICAL.replace("2023-11-20", date);
        let f = load_facts(&pack, "dates.toml", &text).unwrap_or_else(|e| panic!("{date}: {}", e.render()));
        assert_eq!((f.events[0].date.year, f.events[0].date.month, f.events[0].date.day), day, "{date}");
    }
}

#[test]
fn yes_and_no_as_people_write_them() {
    let pack = common::wuwei();
    let i = pack.vocab.yearly("above_scale").expect("declared");
    for (word, b) in
        [("是", true), ("否", false), ("YES", true), ("No", false), ("True", true), ("false", false), ("1", true), ("0", false)]
    {
        let text = CANONICAL.replace("above_scale = true", &format!("above_scale = \"{word}\""));
        let f = load_facts(&pack, "bool.toml", &text).unwrap_or_else(|e| panic!("{word}: {}", e.render()));
        assert_eq!(f.figure(2023, i).map(|x| &x.value), Some(&Value::Bool(b)), "{word}");
    }
    let text = CANONICAL.replace("above_scale = true", "above_scale = \"对\"");
    let out = load_facts(&pack, "bool.toml", &text).expect_err("refused").render();
    assert!(out.contains("expected 是 or 否"), "{out}");
}
