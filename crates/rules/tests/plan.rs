//! The plan data of the Wuwei pack, checked against the source table and text by hand:
//! indicators (baselines, their years, targets), further targets, tasks and their lead units,
//! boxes, departments and counties.

mod common;

use qiangke_rules::plan::{Category, Comparison};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).expect("decimal"))
}

/// (序号, baseline, baseline year, 2022 target, 2025 target, unit)
type Row = (u32, &'static str, i32, Option<&'static str>, &'static str, &'static str);

#[test]
fn the_fifteen_indicators_match_the_table() {
    let p = common::wuwei();
    let ind = &p.plan.indicators;
    assert_eq!(ind.len(), 15);
    // (序号, baseline, baseline year, 2022 target, 2025 target, unit) as printed in 二's table;
    // a * after the baseline means 2020 (注:加*号为2020年数据).
    let table: [Row; 9] = [
        (1, "55.35", 2021, Some("58"), "65", "%"),
        (2, "42.92", 2020, Some("50"), "65", "%"),
        (4, "0.62", 2020, Some("0.85"), "1.5", "%"),
        (5, "0.56", 2021, Some("1.5"), "2", "%"),
        // Row 6 prints two figures for three columns (note indicator-6-two-figures).
        (6, "0.5", 2021, None, "1", "%"),
        (9, "7.95", 2020, Some("8"), "10", "人年"),
        (12, "14.1", 2021, Some("19"), "28", "亿元"),
        (13, "59", 2021, Some("70"), "100", ""),
        (15, "122", 2021, Some("130"), "160", ""),
    ];
    for (n, base, year, t22, t25, unit) in table {
        let i = ind.iter().find(|i| i.number == n).unwrap_or_else(|| panic!("indicator {n}"));
        assert_eq!(i.baseline, d(base), "indicator {n} baseline");
        assert_eq!(i.baseline_year, year, "indicator {n} baseline year");
        assert_eq!(i.target_2022, t22.and_then(d), "indicator {n} 2022 target");
        assert_eq!(i.target_2025, d(t25), "indicator {n} 2025 target");
        assert_eq!(i.unit, unit, "indicator {n} unit");
        assert!(!i.title.zh.is_empty() && !i.title.en.is_empty());
    }
    let cat = |n: u32| ind.iter().find(|i| i.number == n).map(|i| i.category);
    assert_eq!(cat(1), Some(Category::Composite));
    assert_eq!(cat(3), Some(Category::Composite));
    assert_eq!(cat(4), Some(Category::Input));
    assert_eq!(cat(9), Some(Category::Input));
    assert_eq!(cat(10), Some(Category::Output));
    assert_eq!(cat(15), Some(Category::Output));
    // Indicator 6 and the name of indicator 2 carry their interpretation notes.
    let notes_of = |n: u32| -> Vec<String> {
        ind.iter().find(|i| i.number == n).map(|i| i.notes.iter().map(|&x| p.notes[x].id.clone()).collect()).unwrap_or_default()
    };
    assert!(notes_of(6).iter().any(|n| n == "indicator-6-two-figures"), "{:?}", notes_of(6));
    assert!(notes_of(2).iter().any(|n| n == "indicator-2-name"), "{:?}", notes_of(2));
}

#[test]
fn further_targets_of_the_text_are_recorded() {
    let p = common::wuwei();
    let t =
        |quote_part: &str| p.plan.targets.iter().find(|t| t.quote.contains(quote_part)).unwrap_or_else(|| panic!("target {quote_part}"));
    // 专栏2: 全市高新技术企业达到100家以上 (at least 100 by 2025), refining indicator 13.
    let ht = t("高新技术企业达到100家以上");
    assert_eq!((ht.value, ht.year, ht.comparison), (Decimal::from(100), 2025, Comparison::AtLeast));
    assert_eq!(ht.indicator.map(|i| p.plan.indicators[i].number), Some(13));
    // 三(五)19: 技术合同成交额达到28亿元.
    assert_eq!(t("技术合同成交额达到28亿元").value, Decimal::from(28));
    // 三(四)17: 每年选派科技特派员500名以上 — a yearly target.
    let tp = t("500名以上");
    assert!(tp.per_year);
    assert_eq!(tp.comparison, Comparison::AtLeast);
    // 四(一)1: the fiscal shares 2% and 1%.
    assert!(p.plan.targets.iter().filter(|x| x.clause == "四(一)1").count() >= 2);
}

#[test]
fn tasks_boxes_and_their_units() {
    let p = common::wuwei();
    assert_eq!(p.plan.groups.len(), 5);
    assert_eq!(p.plan.tasks.len(), 22);
    assert_eq!(p.plan.boxes.len(), 7);
    let task = |id: &str| p.plan.tasks.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("task {id}"));
    // 三(一)1: (责任单位:市科技局、市发展改革委、市工信局、市卫生健康委、武威工业园区管委会,各县区政府)
    let t1 = task("3-1-1");
    assert_eq!(t1.lead().map(|d| p.departments[d].id.as_str()), Some("science-bureau"));
    assert_eq!(t1.units.len(), 6);
    assert_eq!(p.departments[t1.units[5]].id, "county-governments");
    assert_eq!(t1.boxes, vec![1]);
    // 三(一)2: 全市纳统科学研究与技术推广单位达到45家.
    assert!(task("3-1-2").targets.iter().any(|x| x.value == Decimal::from(45) && x.unit == "家" && x.year == 2025));
    // Every task and box has titles in both languages.
    assert!(p.plan.tasks.iter().all(|t| !t.title.zh.is_empty() && !t.title.en.is_empty()));
    assert!(p.plan.boxes.iter().all(|b| !b.title.zh.is_empty() && !b.title.en.is_empty()));
    // Each box follows the task that lists it.
    for b in &p.plan.boxes {
        assert!(p.plan.tasks[b.after_task].boxes.contains(&b.number));
    }
}

#[test]
fn departments_and_counties_are_declared_in_both_languages() {
    let p = common::wuwei();
    for id in ["science-bureau", "industry-bureau", "tax-bureau", "finance-bureau", "market-regulation-bureau", "county-governments"] {
        let d = p.departments.iter().find(|d| d.id == id).unwrap_or_else(|| panic!("department {id}"));
        assert!(!d.name.zh.is_empty() && !d.name.en.is_empty());
    }
    let counties = &p.enums[p.county_enum as usize];
    let names: Vec<&str> = counties.variants.iter().map(|v| v.name.zh.as_str()).collect();
    assert_eq!(names, ["凉州区", "民勤县", "古浪县", "天祝县"]);
}

#[test]
fn every_rule_has_titles_and_the_register_is_complete() {
    let p = common::wuwei();
    assert!(p.rules.iter().all(|r| !r.title.zh.is_empty() && !r.title.en.is_empty()));
    let c = qiangke_rules::coverage::coverage(&p);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    assert_eq!(c.items.len(), 19, "四 has items 1–19");
    // The interpretation register covers the ambiguities the issue names.
    for id in [
        "tier-boundary-overlap",
        "rd-award-yearly",
        "renewal-not-new",
        "same-amount-patent-award",
        "plan-period",
        "indicator-6-two-figures",
        "indicator-2-name",
    ] {
        assert!(p.notes.iter().any(|n| n.id == id), "note {id}");
    }
}
