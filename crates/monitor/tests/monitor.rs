//! Plan monitoring, computed by hand from the indicator table of 二 and the observations given.

use qiangke_monitor::assess::{Weights, assess};
use qiangke_monitor::progress::Status;
use qiangke_monitor::{Observation, Scope, import_observations, progress};
use qiangke_rules::Pack;
use rust_decimal::Decimal;
use std::str::FromStr;

fn pack() -> Pack {
    qiangke_rules::load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack")
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn obs(pack: &Pack, rows: &str) -> Vec<Observation> {
    let text = format!("indicator,scope,year,value,unit,source,entered_by\n{rows}");
    import_observations(pack, &text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn ind(pack: &Pack, number: u32) -> usize {
    pack.plan.indicators.iter().position(|i| i.number == number).expect("indicator")
}

#[test]
fn contribution_rate_48_19_percent_of_the_way_against_a_50_percent_path() {
    let p = pack();
    // 科技进步贡献率: baseline 55.35 (2021), target 65 (2025), observed 60 in 2023.
    let o = obs(&p, "1,city,2023,60,%,市统计局,tester\n");
    let r = progress(&p, &o, ind(&p, 1), Scope::City, 2023);
    // (60 − 55.35) ÷ (65 − 55.35) = 4.65 ÷ 9.65 = 0.481865…; path (2023 − 2021) ÷ 4 = 0.5.
    assert_eq!(r.share, Some(d("0.481865")));
    assert_eq!(r.linear, Some(d("0.5")));
    // 48.19% is short of 50% by less than 10 points: behind.
    assert_eq!(r.status, Status::Behind);
    // Still needed: (65 − 60) ÷ 2 = 2.5 a year, or √(65 ÷ 60) − 1 = 4.0833% a year compounded.
    assert_eq!(r.needed_linear, Some(d("2.5")));
    assert_eq!(r.needed_compound, Some(d("0.040833")));
    // Trend through (2021, 55.35) and (2023, 60): +2.325 a year → 64.65 in 2025.
    assert_eq!(r.projection_2025, Some(d("64.65")));
}

#[test]
fn a_2020_baseline_keeps_its_year() {
    let p = pack();
    // 综合科技创新水平指数: 42.92* (2020) → 65; observed 55 in 2023.
    let o = obs(&p, "2,city,2023,55,%,市科技局,tester\n");
    let r = progress(&p, &o, ind(&p, 2), Scope::City, 2023);
    assert_eq!(r.baseline, Some((d("42.92"), 2020)));
    // (55 − 42.92) ÷ (65 − 42.92) = 12.08 ÷ 22.08 = 0.547101…; path (2023 − 2020) ÷ 5 = 0.6.
    assert_eq!(r.share, Some(d("0.547101")));
    assert_eq!(r.linear, Some(d("0.6")));
    assert_eq!(r.status, Status::Behind);
}

#[test]
fn a_count_indicator_at_risk_and_the_2022_targets() {
    let p = pack();
    // 高新技术企业: 59 → 100; 69 in 2022 (target 70: missed), 85 in 2024.
    // 科技进步贡献率: 58 in 2022 (target 58: met).
    let o = obs(
        &p,
        "13,city,2022,69,enterprises,市科技局,tester\n13,city,2024,85,enterprises,市科技局,tester\n1,city,2022,58,%,市统计局,tester\n",
    );
    let r = progress(&p, &o, ind(&p, 13), Scope::City, 2024);
    // (85 − 59) ÷ (100 − 59) = 26 ÷ 41 = 0.634146…; path 3 ÷ 4 = 0.75; short by more than 10 points.
    assert_eq!(r.share, Some(d("0.634146")));
    assert_eq!(r.status, Status::AtRisk);
    assert_eq!(r.met_2022, Some(false));
    assert_eq!(progress(&p, &o, ind(&p, 1), Scope::City, 2022).met_2022, Some(true));
}

#[test]
fn achieved_no_data_and_not_computable() {
    let p = pack();
    let o = obs(&p, "12,city,2024,30,亿元,市科技局,tester\n");
    // 技术合同成交额 30亿元 ≥ 28亿元.
    assert_eq!(progress(&p, &o, ind(&p, 12), Scope::City, 2024).status, Status::Achieved);
    assert_eq!(progress(&p, &o, ind(&p, 1), Scope::City, 2024).status, Status::NoData);
    // A county without an observation in the baseline year has no baseline.
    let r = progress(&p, &o, ind(&p, 12), Scope::County(0), 2024);
    assert!(matches!(r.status, Status::NotComputable(ref why) if why.to_string() == "no usable baseline"), "{:?}", r.status);
}

#[test]
fn county_ranking_with_a_tie() {
    let p = pack();
    // 凉州区 and 民勤县 report the same figures, 古浪县 lower ones, 天祝县 nothing.
    let rows = "6,liangzhou,2021,0.5,%,s,t\n6,liangzhou,2023,0.8,%,s,t\n4,liangzhou,2020,0.6,%,s,t\n4,liangzhou,2023,1.2,%,s,t\n\
                6,minqin,2021,0.5,%,s,t\n6,minqin,2023,0.8,%,s,t\n4,minqin,2020,0.6,%,s,t\n4,minqin,2023,1.2,%,s,t\n\
                6,gulang,2021,0.4,%,s,t\n6,gulang,2023,0.5,%,s,t\n4,gulang,2020,0.5,%,s,t\n4,gulang,2023,0.6,%,s,t\n";
    let o = obs(&p, rows);
    let scores = assess(&p, &o, 2023, &Weights::equal(&p));
    let by = |id: &str| scores.iter().find(|s| Scope::County(s.county).name(&p) == id).expect("county").clone();
    // 凉州区: completion = mean((0.8−0.5)÷(1−0.5), (1.2−0.6)÷(1.5−0.6)) = mean(0.6, 0.666667) = 0.633334;
    // fiscal 0.8 ÷ 1 = 0.8; R&D 1.2 ÷ 1.5 = 0.8; score = (0.633334 + 0.8 + 0.8) ÷ 3 = 0.744445.
    let lz = by("liangzhou");
    assert_eq!((lz.completion, lz.fiscal, lz.rd, lz.score), (Some(d("0.633334")), Some(d("0.8")), Some(d("0.8")), Some(d("0.744445"))));
    // 古浪县: completion mean(0.1÷0.6, 0.1÷1.0) = mean(0.166667, 0.1) = 0.133334; fiscal 0.5;
    // R&D 0.4; score (0.133334 + 0.5 + 0.4) ÷ 3 = 0.344445.
    assert_eq!(by("gulang").score, Some(d("0.344445")));
    // A tie shares the rank; the next rank skips.
    assert_eq!((lz.rank, by("minqin").rank, by("gulang").rank, by("tianzhu").rank), (Some(1), Some(1), Some(3), None));
    assert!(by("tianzhu").notes.iter().any(|n| n.to_string().contains("no data")));
}

#[test]
fn bad_observations_are_refused_whole_with_their_reason() {
    let p = pack();
    let text = "indicator,scope,year,value,unit,source,entered_by\n\
                1,city,2023,60,%,ok,t\n\
                1,city,2023,160,%,s,t\n\
                13,city,2023,-3,enterprises,s,t\n\
                13,city,2023,12.5,enterprises,s,t\n\
                12,city,2023,14,万元,s,t\n\
                99,city,2023,1,%,s,t\n\
                1,wuwei,2023,1,%,s,t\n\
                1,city,2023,1,%,,t\n";
    let errs = import_observations(&p, text).expect_err("bad rows");
    let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
    let expect = [
        "line 3 `value`: 160: a percentage must be between 0 and 100 (indicator 1 `Contribution rate of scientific and technological progress`)",
        "line 4 `value`: -3: a count must be a whole number, 0 or more (indicator 13 `High-tech enterprises (number)`)",
        "line 5 `value`: 12.5: a count must be a whole number, 0 or more (indicator 13 `High-tech enterprises (number)`)",
        "line 6 `unit`: indicator 12 `Turnover of technology contracts` is measured in `亿元`, not `万元`",
        "line 7 `indicator`: `99` is not an indicator of the plan (use its id, number or name)",
        "line 8 `scope`: `wuwei` is neither `city` nor a county (liangzhou, minqin, gulang, tianzhu)",
        "line 9 `source`: every observation names its source",
    ];
    assert_eq!(msgs, expect);
    // The good first row is not kept either: all or nothing.
    assert!(import_observations(&p, "indicator,scope,year\n1,city,2023\n").is_err());
}

#[test]
fn awards_of_linked_rules_are_shown_beside_their_indicator() {
    use qiangke_monitor::report::{award_counts, build};
    let p = pack();
    let awards = "entity,claim_year,rule,clause,kind,state,low,high,budget_year,paid_by\n\
                  E1,2023,high-tech-new,四(二)7,award,awarded,200000.00,200000.00,2024,finance-bureau\n\
                  E2,2023,high-tech-new,四(二)7,award,awarded,200000.00,200000.00,2024,finance-bureau\n\
                  E3,2024,high-tech-new,四(二)7,award,awarded,200000.00,200000.00,2025,finance-bureau\n\
                  E3,2024,rd-spend-tiers,四(二)8,award,awarded,100000.00,100000.00,2024,science-bureau\n";
    let counts = award_counts(awards).expect("award table");
    let r = build(&p, &[], &[], 2024, &Weights::equal(&p), Some(&counts));
    // Indicator 13 (高新技术企业) is served by high-tech-new: 2 awards in 2023, 1 in 2024.
    let i13 = ind(&p, 13);
    assert_eq!(r.linked_awards[i13].iter().map(|(y, n)| (*y, *n)).collect::<Vec<_>>(), vec![(2023, 2), (2024, 1)]);
    // Indicator 4 (R&D intensity) by the R&D rules: 1 award in 2024.
    assert_eq!(r.linked_awards[ind(&p, 4)].get(&2024), Some(&1));
}

#[test]
fn observations_export_and_import_back_unchanged() {
    let p = pack();
    let o = obs(&p, "1,city,2023,60.5,%,市统计局,甲\n13,minqin,2022,7,enterprises,\"source, with comma\",乙\n");
    let text = qiangke_monitor::observation::export_observations(&p, &o);
    assert!(text.starts_with("indicator,scope,year,value,unit,source,entered_by\ntech-progress-contribution,city,2023,60.5,%,"), "{text}");
    assert_eq!(import_observations(&p, &text).expect("re-import"), o);
}

#[test]
fn review_edge_cases() {
    let p = pack();
    // A county already beyond the city's target at its baseline, and still beyond it: achieved,
    // not "decreasing" (indicator 6: target 1).
    let o = obs(&p, "6,liangzhou,2021,1.2,%,s,t\n6,liangzhou,2023,1.4,%,s,t\n");
    assert_eq!(progress(&p, &o, ind(&p, 6), Scope::County(0), 2023).status, Status::Achieved);
    // A tiny value cannot overflow the arithmetic: no panic, a result.
    let o = obs(&p, "1,city,2023,0.00000001,%,s,t\n");
    let r = progress(&p, &o, ind(&p, 1), Scope::City, 2023);
    assert_eq!(r.status, Status::AtRisk);
    // Two values for one indicator, scope and year are refused; CRLF lines are counted right.
    let text = "indicator,scope,year,value,unit,source,entered_by\r\n1,city,2023,60,%,s,t\r\n1,city,2023,61,%,s,t\r\n";
    let errs = import_observations(&p, text).expect_err("duplicate");
    assert_eq!(
        errs[0].to_string(),
        "line 3 `year`: indicator 1 `Contribution rate of scientific and technological progress` already has a value for the city in 2023"
    );
    // Task updates need their header.
    let e = qiangke_monitor::tasks::import_updates(&p, "3-1-2,2023-01-01,市科技局,x,1\n").expect_err("no header");
    assert!(e[0].to_string().contains("the header must be `task,date,unit,text,value`"), "{e:?}");
}
