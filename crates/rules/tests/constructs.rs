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
title = { zh = "语言构件测试", en = "language constructs test" }
source = "source.zh.txt"
valid_from = "2022-01-01"
valid_until = "2025-12-31"
applicant_enum = "applicant_kind"
county_enum = "county"
departments = [{ id = "science-bureau", zh = "市科技局", en = "Science Bureau" }, { id = "finance-bureau", zh = "市财政局", en = "Finance Bureau" }]
[[enums]]
name = "applicant_kind"
variants = [{ id = "enterprise", zh = "企业", en = "enterprise" }]
[[enums]]
name = "county"
variants = [{ id = "liangzhou", zh = "凉州区", en = "Liangzhou" }]
[[enums]]
name = "platform_level"
variants = [{ id = "provincial", zh = "省级", en = "provincial" }, { id = "national", zh = "国家级", en = "national" }]
"#;

const FACTS: &str = r#"
[[attribute]]
name = "kind"
type = "applicant_kind"
zh = "主体类型"
en = "kind"
[[yearly]]
name = "high_value_patents"
type = "count"
zh = "高价值发明专利件数"
en = "high-value invention patents"
[[event]]
name = "project"
zh = "项目"
en = "project"
fields = [
  { name = "total", type = "money", zh = "科技投入总额", en = "total S&T input" },
  { name = "won", type = "money", zh = "争取项目资金", en = "won project funds" },
  { name = "direct", type = "money", zh = "直接费用", en = "direct costs" },
  { name = "equipment", type = "money", zh = "设备费", en = "equipment costs" },
]
[[event]]
name = "platform_set_up"
zh = "在我市设立科研分支机构等"
en = "research branch set up in the city"
fields = [{ name = "name", type = "text", zh = "名称", en = "name" }]
[[event]]
name = "platform_promoted"
zh = "获平台资格认定"
en = "platform status granted"
fields = [{ name = "name", type = "text", zh = "名称", en = "name" }, { name = "level", type = "platform_level", zh = "级别", en = "level" }]
"#;

const RULES: &str = r#"
[[brackets]]
id = "indirect_cost"
brackets = [{ upto = "500万元", rate = "30%" }, { upto = "1000万元", rate = "25%" }, { rate = "20%" }]

[[rule]]
id = "jiebang"
clause = "四(一)3"
quote = "单个科技揭榜挂帅制项目科技投入总额不低于300万元,按照不超过科技揭榜挂帅制项目科技投入总额的10%—20%给予资金补助,单个项目资金补助最高不超过100万元。"
title = { zh = "揭榜挂帅", en = "open competition" }
trigger = "project"
guard = "project.total >= 300万元"
amount = "min(range(10%, 20%) * project.total, 100万元)"
once = ["project.date"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "matching"
clause = "四(一)3"
quote = "对争取科技计划项目单个金额超过100万元的,按争取项目资金额度的10%予以配套,单个项目资金补助最高不超过200万元。"
title = { zh = "配套", en = "matching" }
trigger = "project"
guard = "project.won > 100万元"
amount = "cap(project.won * 10%, 200万元)"
once = ["project.date"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "indirect"
clause = "四(一)5"
quote = "500万元以下部分为不超过30%;500万元至1000万元的部分为不超过25%;超过1000万元以上的部分为不超过20%。"
title = { zh = "间接费用上限", en = "indirect cost ceiling" }
trigger = "project"
amount = "brackets(indirect_cost, project.direct - project.equipment)"
once = ["project.date"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "coop-base"
clause = "四(三)10"
quote = "对在我市设立的科研分支机构、协同创新基地、联合实验室、野外科学观测研究站,给予10万元的资金补助"
title = { zh = "科研分支机构", en = "research branch" }
trigger = "platform_set_up"
amount = "10万元"
once = ["platform_set_up.name"]
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

# Listed before the base on purpose: evaluation must not depend on the order of rules.
[[rule]]
id = "coop-national"
clause = "四(三)10"
quote = "获国家级平台资格认定后,再给予30万元资金补助"
title = { zh = "国家级平台追加", en = "national top-up" }
trigger = "platform_promoted"
when = "platform_promoted.level == national"
amount = "30万元"
once = ["platform_promoted.name"]
requires = { rule = "coop-base", key = ["platform_promoted.name"] }
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "coop-provincial"
clause = "四(三)10"
quote = "获省级平台资格认定后,再给予20万元资金补助"
title = { zh = "省级平台追加", en = "provincial top-up" }
trigger = "platform_promoted"
when = "platform_promoted.level == provincial"
amount = "20万元"
once = ["platform_promoted.name"]
requires = { rule = "coop-base", key = ["platform_promoted.name"] }
budget_year = "same"
verified_by = ["science-bureau"]
paid_by = "finance-bureau"

[[rule]]
id = "patents"
clause = "四(四)16"
quote = "对上一年度国家知识产权局认定的高价值发明专利,每件给予1万元的一次性奖励。"
title = { zh = "高价值发明专利", en = "high-value patents" }
trigger = "year"
guard = "year.high_value_patents > 0"
amount = "year.high_value_patents * 1万元"
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
    // 300万元 × [10%, 20%] = [30万元, 60万元], under the 100万元 cap.
    assert_eq!(state(&p, "jiebang", &project(r#""total": "300万元""#)), awarded("300000", "600000"));
    // 600万元 × [10%, 20%] = [60万元, 120万元]; the cap cuts the top to 100万元.
    assert_eq!(state(&p, "jiebang", &project(r#""total": "600万元""#)), awarded("600000", "1000000"));
    // 1500万元 × 10% = 150万元 already above the cap: both ends are 100万元.
    assert_eq!(state(&p, "jiebang", &project(r#""total": "1500万元""#)), awarded("1000000", "1000000"));
    // 不低于300万元: one fen less gets nothing.
    assert!(matches!(state(&p, "jiebang", &project(r#""total": "2999999.99""#)), State::NotEligible(_)));
}

#[test]
fn matching_is_ten_percent_over_100_wan_capped_at_200_wan() {
    let p = pack();
    // 超过100万元 excludes 100万元 itself.
    assert!(matches!(state(&p, "matching", &project(r#""won": "100万元""#)), State::NotEligible(_)));
    // 1,000,000.01 × 10% = 100,000.001 → rounded half away from zero to 100,000.00.
    assert_eq!(state(&p, "matching", &project(r#""won": "1000000.01""#)), awarded("100000.00", "100000.00"));
    // 1,000,000.05 × 10% = 100,000.005 → 100,000.01 (the half rounds up).
    assert_eq!(state(&p, "matching", &project(r#""won": "1000000.05""#)), awarded("100000.01", "100000.01"));
    // 2000万元 × 10% = 200万元, exactly the cap; 3000万元 would be 300万元 and is capped.
    assert_eq!(state(&p, "matching", &project(r#""won": "2000万元""#)), awarded("2000000", "2000000"));
    assert_eq!(state(&p, "matching", &project(r#""won": "3000万元""#)), awarded("2000000", "2000000"));
}

#[test]
fn indirect_cost_ceiling_is_marginal() {
    let p = pack();
    // Base = direct − equipment. 400万元: 400万 × 30% = 120万元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "450万元", "equipment": "50万元""#)), awarded("1200000", "1200000"));
    // 800万元: 500万 × 30% + 300万 × 25% = 150万 + 75万 = 225万元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "900万元", "equipment": "100万元""#)), awarded("2250000", "2250000"));
    // 1500万元: 150万 + 500万 × 25% + 500万 × 20% = 150万 + 125万 + 100万 = 375万元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "1500万元", "equipment": "0""#)), awarded("3750000", "3750000"));
    // Exactly 500万元: all at 30% = 150万元.
    assert_eq!(state(&p, "indirect", &project(r#""direct": "500万元", "equipment": "0""#)), awarded("1500000", "1500000"));
    // Missing equipment figure: needs information, not a zero.
    assert!(matches!(state(&p, "indirect", &project(r#""direct": "500万元""#)), State::NeedsInformation(_)));
}

#[test]
fn per_item_counts_multiply() {
    let p = pack();
    let f = r#"{"entity": {"id": "P", "kind": "enterprise"}, "years": {"2023": {"high_value_patents": 7}}}"#;
    // 每件给予1万元: 7 × 1万元 = 7万元.
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
    // 四(三)10: 给予10万元; 获省级平台资格认定后,再给予20万元; 获国家级……再给予30万元.
    let f = platforms(
        r#"{"type": "platform_set_up", "date": "2023-02-01", "name": "联合实验室A"},
           {"type": "platform_promoted", "date": "2024-05-01", "name": "联合实验室A", "level": "provincial"},
           {"type": "platform_promoted", "date": "2025-05-01", "name": "联合实验室A", "level": "national"}"#,
    );
    assert_eq!(states(&p, "coop-base", &f)[0], (2023, awarded("100000", "100000")));
    assert!(states(&p, "coop-provincial", &f).contains(&(2024, awarded("200000", "200000"))));
    assert!(states(&p, "coop-national", &f).contains(&(2025, awarded("300000", "300000"))));

    // Promoted without having been set up under this clause: no base award, no top-up.
    let f = platforms(r#"{"type": "platform_promoted", "date": "2024-05-01", "name": "外地平台", "level": "provincial"}"#);
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
    assert!(err.diagnostics[0].message.to_string().contains("does not match the once-key of `coop-base` (text)"), "{}", err.render());
    let bad = RULES.replacen(r#"rule = "coop-base", key"#, r#"rule = "coop-bse", key"#, 1);
    let err = pack_with(&bad).expect_err("unknown base");
    assert_eq!(err.diagnostics[0].hint.as_ref().map(ToString::to_string).as_deref(), Some("did you mean `coop-base`?"));
}

#[test]
fn the_range_trace_shows_the_cap() {
    let p = pack();
    let f = load_facts(&p, "t.json", &project(r#""total": "600万元""#)).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2023], trace: true, ..Options::default() });
    let text = qiangke_rules::explain::to_text(&ev, qiangke_rules::Lang::En);
    assert!(text.contains("AWARDED: 600,000.00 yuan (60万元) – 1,000,000.00 yuan (100万元)"), "{text}");
    // 10%–20% of 600万元 is 60万元–120万元, capped at 100万元; the steps say so in words.
    assert!(text.contains("[10%, 20%] × 6,000,000.00 yuan = [60万元, 120万元]"), "{text}");
    assert!(text.contains("the smaller of: [60万元, 120万元], 1,000,000.00 yuan → [60万元, 100万元]"), "{text}");
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
    assert!(err.diagnostics[0].message.to_string().contains("not itself a top-up"), "{}", err.render());
}
