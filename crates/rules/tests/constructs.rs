//! The language's money constructs on real sentences of the plan (四(一)3, 四(一)5, 四(四)16):
//! ranges left to the administrator, caps, marginal brackets, per-unit counts, explicit rounding.
//! Expected values are worked out by hand in each test from the quoted sentence.

mod common;

use qiangke_rules::{Options, State, evaluate, load_facts, load_pack_files};
use rust_decimal::Decimal;
use std::str::FromStr;

const PACK: &str = r#"
id = "constructs"
version = "0.0.1"
title = { zh = "語言構件測試", en = "language constructs test" }
source = "source.zh.txt"
valid_from = "2022-01-01"
valid_until = "2025-12-31"
applicant_enum = "applicant_kind"
county_enum = "county"
departments = [{ id = "science-bureau", zh = "市科技局", en = "Science Bureau" }, { id = "finance-bureau", zh = "市財政局", en = "Finance Bureau" }]
[[enums]]
name = "applicant_kind"
variants = [{ id = "enterprise", zh = "企業", en = "enterprise" }]
[[enums]]
name = "county"
variants = [{ id = "liangzhou", zh = "涼州區", en = "Liangzhou" }]
[[enums]]
name = "platform_level"
variants = [{ id = "provincial", zh = "省級", en = "provincial" }, { id = "national", zh = "國家級", en = "national" }]
"#;

const FACTS: &str = r#"
[[attribute]]
name = "kind"
type = "applicant_kind"
zh = "主體類型"
en = "kind"
[[yearly]]
name = "high_value_patents"
type = "count"
zh = "高價值發明專利件數"
en = "high-value invention patents"
[[event]]
name = "project"
zh = "項目"
en = "project"
fields = [
  { name = "total", type = "money", zh = "科技投入總額", en = "total S&T input" },
  { name = "won", type = "money", zh = "爭取項目資金", en = "won project funds" },
  { name = "direct", type = "money", zh = "直接費用", en = "direct costs" },
  { name = "equipment", type = "money", zh = "設備費", en = "equipment costs" },
]
[[event]]
name = "platform_set_up"
zh = "在我市設立科研分支機構等"
en = "research branch set up in the city"
fields = [{ name = "name", type = "text", zh = "名稱", en = "name" }]
[[event]]
name = "platform_promoted"
zh = "獲平臺資格認定"
en = "platform status granted"
fields = [{ name = "name", type = "text", zh = "名稱", en = "name" }, { name = "level", type = "platform_level", zh = "級別", en = "level" }]
"#;

const RULES: &str = r#"
[[brackets]]
id = "indirect_cost"
brackets = [{ upto = "500萬元", rate = "30%" }, { upto = "1000萬元", rate = "25%" }, { rate = "20%" }]

[[rule]]
id = "jiebang"
clause = "四(一)3"
quote = "單個科技揭榜掛帥制項目科技投入總額不低于300萬元,按照不超過科技揭榜掛帥制項目科技投入總額的10%—20%給予資金補助,單個項目資金補助最高不超過100萬元。"
title = { zh = "揭榜掛帥", en = "open competition" }
trigger = "project"
guard = "project.total >= 300萬元"
amount = "min(range(10%, 20%) * project.total, 100萬元)"
once = ["project.date"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "matching"
clause = "四(一)3"
quote = "對爭取科技計劃項目單個金額超過100萬元的,按爭取項目資金額度的10%予以配套,單個項目資金補助最高不超過200萬元。"
title = { zh = "配套", en = "matching" }
trigger = "project"
guard = "project.won > 100萬元"
amount = "cap(project.won * 10%, 200萬元)"
once = ["project.date"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "indirect"
clause = "四(一)5"
quote = "500萬元以下部分為不超過30%;500萬元至1000萬元的部分為不超過25%;超過1000萬元以上的部分為不超過20%。"
title = { zh = "間接費用上限", en = "indirect cost ceiling" }
trigger = "project"
amount = "brackets(indirect_cost, project.direct - project.equipment)"
once = ["project.date"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "coop-base"
clause = "四(三)10"
quote = "對在我市設立的科研分支機構、協同創新基地、聯合實驗室、野外科學觀測研究站,給予10萬元的資金補助"
title = { zh = "科研分支機構", en = "research branch" }
trigger = "platform_set_up"
amount = "10萬元"
once = ["platform_set_up.name"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

# Listed before the base on purpose: evaluation must not depend on the order of rules.
[[rule]]
id = "coop-national"
clause = "四(三)10"
quote = "獲國家級平臺資格認定后,再給予30萬元資金補助"
title = { zh = "國家級平臺追加", en = "national top-up" }
trigger = "platform_promoted"
when = "platform_promoted.level == national"
amount = "30萬元"
once = ["platform_promoted.name"]
requires = { rule = "coop-base", key = ["platform_promoted.name"] }
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "coop-provincial"
clause = "四(三)10"
quote = "獲省級平臺資格認定后,再給予20萬元資金補助"
title = { zh = "省級平臺追加", en = "provincial top-up" }
trigger = "platform_promoted"
when = "platform_promoted.level == provincial"
amount = "20萬元"
once = ["platform_promoted.name"]
requires = { rule = "coop-base", key = ["platform_promoted.name"] }
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "patents"
clause = "四(四)16"
quote = "對上一年度國家知識產權局認定的高價值發明專利,每件給予1萬元的一次性獎勵。"
title = { zh = "高價值發明專利", en = "high-value patents" }
trigger = "year"
guard = "year.high_value_patents > 0"
amount = "year.high_value_patents * 1萬元"
once = ["claim_year"]
budget_year = "next"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"
"#;

fn pack() -> qiangke_rules::Pack {
    pack_with(RULES).unwrap_or_else(|e| panic!("{e}"))
}

fn pack_with(rules: &str) -> Result<qiangke_rules::Pack, qiangke_rules::Report> {
    let source = common::wuwei_files().into_iter().find(|(n, _)| n == "source.zh.txt").expect("source").1;
    let files = vec![
        ("pack.toml".to_string(), PACK.to_string()),
        ("facts.toml".to_string(), FACTS.to_string()),
        ("rules/r.toml".to_string(), rules.to_string()),
        ("source.zh.txt".to_string(), source),
    ];
    load_pack_files(&files)
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// Evaluates one project (or yearly figures) and returns the state of `rule`.
fn state(pack: &qiangke_rules::Pack, rule: &str, facts: &str) -> State {
    let f = load_facts(pack, "t.json", facts).unwrap_or_else(|e| panic!("{e}"));
    let ev = evaluate(pack, &f, &Options { years: vec![2023], trace: true, ..Options::default() });
    ev.results.iter().find(|r| r.rule.id == rule).map(|r| r.state.clone()).expect("result")
}

fn project(fields: &str) -> String {
    format!(r#"{{"entity": {{"id": "P", "kind": "enterprise"}}, "events": [{{"type": "project", "date": "2023-03-01", {fields}}}]}}"#)
}

fn awarded(lo: &str, hi: &str) -> State {
    State::Awarded { low: d(lo), high: d(hi) }
}

#[test]
fn open_competition_is_a_range_capped_at_100_wan() {
    let p = pack();
    // 300萬元 × [10%, 20%] = [30萬元, 60萬元], under the 100萬元 cap.
    assert_eq!(state(&p, "jiebang", &project(r#""total": "300萬元""#)), awarded("300000", "600000"));
    // 600萬元 × [10%, 20%] = [60萬元, 120萬元]; the cap cuts the top to 100萬元.
    assert_eq!(state(&p, "jiebang", &project(r#""total": "600萬元""#)), awarded("600000", "1000000"));
    // 1500萬元 × 10% = 150萬元 already above the cap: both ends are 100萬元.
    assert_eq!(state(&p, "jiebang", &project(r#""total": "1500萬元""#)), awarded("1000000", "1000000"));
    // 不低于300萬元: one fen less gets nothing.
    assert!(matches!(state(&p, "jiebang", &project(r#""total": "2999999.99""#)), State::NotEligible(_)));
}

#[test]
fn matching_is_ten_percent_over_100_wan_capped_at_200_wan() {
    let p = pack();
    // 超過100萬元 excludes 100萬元 itself.
    assert!(matches!(state(&p, "matching", &project(r#""won": "100萬元""#)), State::NotEligible(_)));
    // 1,000,000.01 × 10% = 100,000.001 → rounded half away from zero to 100,000.00.
    assert_eq!(state(&p, "matching", &project(r#""won": "1000000.01""#)), awarded("100000.00", "100000.00"));
    // 1,000,000.05 × 10% = 100,000.005 → 100,000.01 (the half rounds up).
    assert_eq!(state(&p, "matching", &project(r#""won": "1000000.05""#)), awarded("100000.01", "100000.01"));
    // 2000萬元 × 10% = 200萬元, exactly the cap; 3000萬元 would be 300萬元 and is capped.
    assert_eq!(state(&p, "matching", &project(r#""won": "2000萬元""#)), awarded("2000000", "2000000"));
    assert_eq!(state(&p, "matching", &project(r#""won": "3000萬元""#)), awarded("2000000", "2000000"));
}

#[test]
fn indirect_cost_ceiling_is_marginal() {
    let p = pack();
    // Base = direct − equipment. 400萬元: 400萬 × 30% = 120萬元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "450萬元", "equipment": "50萬元""#)), awarded("1200000", "1200000"));
    // 800萬元: 500萬 × 30% + 300萬 × 25% = 150萬 + 75萬 = 225萬元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "900萬元", "equipment": "100萬元""#)), awarded("2250000", "2250000"));
    // 1500萬元: 150萬 + 500萬 × 25% + 500萬 × 20% = 150萬 + 125萬 + 100萬 = 375萬元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "1500萬元", "equipment": "0""#)), awarded("3750000", "3750000"));
    // Exactly 500萬元: all at 30% = 150萬元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "500萬元", "equipment": "0""#)), awarded("1500000", "1500000"));
    // Missing equipment figure: needs information, not a zero.
    assert!(matches!(state(&p, "indirect", &project(r#""direct": "500萬元""#)), State::NeedsInformation(_)));
}

#[test]
fn per_item_counts_multiply() {
    let p = pack();
    let f = r#"{"entity": {"id": "P", "kind": "enterprise"}, "years": {"2023": {"high_value_patents": 7}}}"#;
    // 每件給予1萬元: 7 × 1萬元 = 7萬元.
    assert_eq!(state(&p, "patents", f), awarded("70000", "70000"));
    let f = r#"{"entity": {"id": "P", "kind": "enterprise"}, "years": {"2023": {"high_value_patents": 0}}}"#;
    assert!(matches!(state(&p, "patents", f), State::NotEligible(_)));
}

/// All results of `rule`, in order, for the facts' years.
fn states(pack: &qiangke_rules::Pack, rule: &str, facts: &str) -> Vec<(i32, State)> {
    let f = load_facts(pack, "t.json", facts).unwrap_or_else(|e| panic!("{e}"));
    let ev = evaluate(pack, &f, &Options { years: vec![], trace: true, ..Options::default() });
    ev.results.iter().filter(|r| r.rule.id == rule).map(|r| (r.claim_year, r.state.clone())).collect()
}

fn platforms(events: &str) -> String {
    format!(r#"{{"entity": {{"id": "P", "kind": "enterprise"}}, "events": [{events}]}}"#)
}

#[test]
fn top_ups_follow_the_base_award() {
    let p = pack();
    // 四(三)10: 給予10萬元; 獲省級平臺資格認定后,再給予20萬元; 獲國家級……再給予30萬元.
    let f = platforms(
        r#"{"type": "platform_set_up", "date": "2023-02-01", "name": "聯合實驗室A"},
           {"type": "platform_promoted", "date": "2024-05-01", "name": "聯合實驗室A", "level": "provincial"},
           {"type": "platform_promoted", "date": "2025-05-01", "name": "聯合實驗室A", "level": "national"}"#,
    );
    assert_eq!(states(&p, "coop-base", &f)[0], (2023, awarded("100000", "100000")));
    assert!(states(&p, "coop-provincial", &f).contains(&(2024, awarded("200000", "200000"))));
    assert!(states(&p, "coop-national", &f).contains(&(2025, awarded("300000", "300000"))));

    // Promoted without having been set up under this clause: no base award, no top-up.
    let f = platforms(r#"{"type": "platform_promoted", "date": "2024-05-01", "name": "外地平臺", "level": "provincial"}"#);
    let got = states(&p, "coop-provincial", &f);
    assert!(matches!(&got[0].1, State::NotEligible(qiangke_rules::Reason::BaseNotAwarded { rule, .. }) if rule == "coop-base"), "{got:?}");

    // Set up and promoted in the same year, the promotion listed first: still both paid.
    let f = platforms(
        r#"{"type": "platform_promoted", "date": "2024-09-01", "name": "站B", "level": "provincial"},
           {"type": "platform_set_up", "date": "2024-01-10", "name": "站B"}"#,
    );
    assert_eq!(states(&p, "coop-provincial", &f), vec![(2024, awarded("200000", "200000"))]);

    // The base of another platform does not count.
    let f = platforms(
        r#"{"type": "platform_set_up", "date": "2023-02-01", "name": "A"},
           {"type": "platform_promoted", "date": "2024-05-01", "name": "B", "level": "provincial"}"#,
    );
    assert!(matches!(states(&p, "coop-provincial", &f).iter().find(|(y, _)| *y == 2024).map(|x| &x.1), Some(State::NotEligible(_))));
}

#[test]
fn a_top_up_key_must_rebuild_the_base_key() {
    let bad = RULES.replacen(
        r#"requires = { rule = "coop-base", key = ["platform_promoted.name"] }"#,
        r#"requires = { rule = "coop-base", key = ["platform_promoted.level"] }"#,
        1,
    );
    let err = pack_with(&bad).expect_err("mismatched key");
    assert_eq!(err.diagnostics[0].code, "E025");
    assert!(err.diagnostics[0].message.contains("does not match the once-key of `coop-base` (text)"), "{}", err.render());
    let bad = RULES.replacen(r#"rule = "coop-base", key"#, r#"rule = "coop-bse", key"#, 1);
    let err = pack_with(&bad).expect_err("unknown base");
    assert_eq!(err.diagnostics[0].hint.as_deref(), Some("did you mean `coop-base`?"));
}

#[test]
fn the_range_trace_shows_the_cap() {
    let p = pack();
    let f = load_facts(&p, "t.json", &project(r#""total": "600萬元""#)).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2023], trace: true, ..Options::default() });
    let text = qiangke_rules::explain::to_text(&ev, qiangke_rules::Lang::En);
    assert!(text.contains("AWARDED: 600,000.00 yuan (60萬元) – 1,000,000.00 yuan (100萬元)"), "{text}");
    assert!(text.contains("min(range(10%, 20%) * project.total, 100萬元) = [60萬元, 100萬元]"), "{text}");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

        /// Caps are never exceeded and intervals stay ordered, whatever the project size.
        #[test]
        fn caps_hold_and_intervals_are_ordered(total in 0i64..5_000_000_000, won in 0i64..5_000_000_000) {
            let p = pack();
            let facts = project(&format!(r#""total": "{}", "won": "{}""#, Decimal::new(total, 2), Decimal::new(won, 2)));
            if let State::Awarded { low, high } = state(&p, "jiebang", &facts) {
                prop_assert!(low <= high);
                prop_assert!(high <= d("1000000"));
                // 10% of the total is the low end unless the cap binds.
                prop_assert_eq!(low, (Decimal::new(total, 2) * d("0.1")).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero).min(d("1000000")));
            }
            if let State::Awarded { low, high } = state(&p, "matching", &facts) {
                prop_assert_eq!(low, high);
                prop_assert!(high <= d("2000000"));
                prop_assert!(Decimal::new(won, 2) > d("1000000"));
            }
        }
    }
}

#[test]
fn a_top_up_of_a_top_up_is_refused_whatever_the_order() {
    // coop-national (listed first) is made to top up coop-provincial, itself a top-up.
    let chained = RULES.replacen(
        r#"requires = { rule = "coop-base", key = ["platform_promoted.name"] }"#,
        r#"requires = { rule = "coop-provincial", key = ["platform_promoted.name"] }"#,
        1,
    );
    let err = pack_with(&chained).expect_err("a chain of top-ups");
    assert_eq!(err.diagnostics[0].code, "E025");
    assert!(err.diagnostics[0].message.contains("not itself a top-up"), "{}", err.render());
}
