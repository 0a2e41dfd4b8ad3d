//! The monitoring crate speaks the reader's language: the report in Chinese has no English left
//! in it, the English report has its English headings, and import errors read in both languages
//! with their location.

use qiangke_i18n::Lang;
use qiangke_monitor::assess::Weights;
use qiangke_monitor::report::{Report, award_counts, build, to_html, to_html_in};
use qiangke_monitor::{Scope, import_observations, progress};
use qiangke_rules::Pack;
use std::path::Path;

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pack() -> Pack {
    qiangke_rules::load_pack(&root().join("packs/wuwei-2022")).expect("pack")
}

/// The data of the other tests together: city and county observations, the example task
/// updates, the award table; and the weights and note of the pack's assessment.toml.
fn report(p: &Pack, with_inputs: bool) -> Report {
    let obs = "indicator,scope,year,value,unit,source,entered_by\n\
               1,city,2022,58,%,市统计局,tester\n1,city,2023,60,%,市统计局,tester\n2,city,2023,55,%,市科技局,tester\n\
               13,city,2022,69,enterprises,市科技局,tester\n13,city,2024,85,enterprises,市科技局,tester\n12,city,2024,30,亿元,市科技局,tester\n\
               6,liangzhou,2021,0.5,%,s,t\n6,liangzhou,2023,0.8,%,s,t\n4,liangzhou,2020,0.6,%,s,t\n4,liangzhou,2023,1.2,%,s,t\n\
               6,minqin,2021,0.5,%,s,t\n6,minqin,2023,0.8,%,s,t\n4,minqin,2020,0.6,%,s,t\n4,minqin,2023,1.2,%,s,t\n\
               6,gulang,2021,0.4,%,s,t\n6,gulang,2023,0.5,%,s,t\n4,gulang,2020,0.5,%,s,t\n4,gulang,2023,0.6,%,s,t\n";
    let obs = import_observations(p, obs).expect("observations");
    let weights = Weights::from_pack_dir(p, &root().join("packs/wuwei-2022")).expect("weights");
    if !with_inputs {
        return build(p, &obs, &[], 2024, &weights, None);
    }
    let updates = std::fs::read_to_string(root().join("packs/wuwei-2022/examples/task-updates.csv")).expect("updates");
    let updates = qiangke_monitor::tasks::import_updates(p, &updates).expect("updates import");
    let awards = "entity,claim_year,rule,clause,kind,state,low,high,budget_year,paid_by\n\
                  E1,2023,high-tech-new,四(二)7,award,awarded,200000.00,200000.00,2024,finance-bureau\n\
                  E3,2024,rd-spend-tiers,四(二)8,award,awarded,100000.00,100000.00,2024,science-bureau\n";
    let counts = award_counts(awards).expect("award table");
    build(p, &obs, &updates, 2024, &weights, Some(&counts))
}

/// The text a reader sees: tags and the style sheet taken out, entities decoded.
fn visible(html: &str) -> String {
    let (before, rest) = html.split_once("<style>").expect("style");
    let (_, after) = rest.split_once("</style>").expect("style end");
    let mut out = String::new();
    let mut in_tag = false;
    for c in format!("{before}{after}").chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[test]
fn the_chinese_report_has_no_english_words() {
    let p = pack();
    for with_inputs in [true, false] {
        let r = report(&p, with_inputs);
        let html = to_html_in(&p, &r, Lang::Zh);
        assert!(html.starts_with(r#"<!doctype html><html lang="zh-Hans">"#));
        assert_eq!(to_html(&p, &r), html, "to_html is the Chinese report");
        // Ids the reader may need to quote: the hash (hexadecimal) and its name; the pack's id
        // (what `qiangke report` and the web app name the pack by); and the pack file that holds
        // the assessment weights, which the pack's own note on them names (`assessment.toml`).
        let text = visible(&html).replace(&p.hash[..16], " ");
        let allowed = ["sha256", p.id.as_str(), "assessment.toml"];
        let english: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
            .filter(|w| !allowed.contains(w))
            .filter(|w| w.split(|c: char| !c.is_ascii_alphabetic()).any(|run| run.len() >= 3))
            .collect();
        assert!(english.is_empty(), "English left in the Chinese report: {english:?}");
        // What the Chinese reader is told, in the statistics office's words.
        for words in [
            "年度监测报告",
            "主要指标进展",
            "完成进度",
            "线性路径",
            "略有滞后",
            "存在风险",
            "县区评价和考核",
            "重点任务",
            "责任单位",
            "缺少的数据",
        ] {
            assert!(text.contains(words), "{words} missing");
        }
        // Indicator 1: (60 − 55.35) ÷ (65 − 55.35) = 48.19% of the way; the path in 2024 is 3 ÷ 4 = 75%.
        assert!(html.contains("<td>48.19%</td><td>75.00%</td>"), "the hand-computed progress of indicator 1");
        if !with_inputs {
            assert!(text.contains("未报送重点任务进展情况"));
            assert!(text.contains("未提供奖补结果表"));
        }
    }
}

#[test]
fn the_english_report_has_its_english_headings() {
    let p = pack();
    let r = report(&p, true);
    let html = to_html_in(&p, &r, Lang::En);
    assert!(html.starts_with(r#"<!doctype html><html lang="en">"#));
    let text = visible(&html);
    for heading in [
        "Wuwei City Strong Science & Technology Action Plan (2022–2025) — monitoring report 2024",
        "Main indicators",
        "Share of the way",
        "Linear path",
        "County assessment",
        "Key tasks",
        "By responsible unit",
        "Missing data",
        "Contribution rate of scientific and technological progress",
        "Municipal Science and Technology Bureau",
        "Liangzhou District",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    assert!(html.contains(r#"aria-label="Progress toward the 2025 targets, with the linear path""#));
    assert!(!text.contains("年度监测报告"));
}

#[test]
fn an_import_error_in_both_languages_with_its_location() {
    let p = pack();
    let text = "indicator,scope,year,value,unit,source,entered_by\n1,city,2023,60,%,ok,t\n1,city,2023,160,%,s,t\n";
    let errs = import_observations(&p, text).expect_err("160%");
    assert_eq!((errs[0].line, errs[0].field.as_str()), (3, "value"));
    assert_eq!(errs[0].render(Lang::Zh), "第3行“value”列:160:百分比应在0至100之间(指标1“科技进步贡献率”)");
    assert_eq!(
        errs[0].render(Lang::En),
        "line 3 `value`: 160: a percentage must be between 0 and 100 (indicator 1 `Contribution rate of scientific and technological progress`)"
    );
    // A task update naming no task.
    let errs = qiangke_monitor::tasks::import_updates(&p, "task,date,unit,text,value\n9-9-9,2023-06-30,,x,\n").expect_err("no task");
    assert_eq!(errs[0].render(Lang::Zh), "第2行“task”列:“9-9-9”不是重点任务(请填写任务编号如 3-1-2,或条款如 三(一)2)");
    assert_eq!(errs[0].to_string(), "line 2 `task`: `9-9-9` is not a task (use its id like 3-1-2 or clause like 三(一)2)");
}

#[test]
fn statuses_and_reasons_in_both_languages() {
    let p = pack();
    let o = import_observations(&p, "indicator,scope,year,value,unit,source,entered_by\n12,city,2024,30,亿元,s,t\n").expect("obs");
    // A county without an observation in the baseline year: no baseline.
    let r = progress(&p, &o, 11, Scope::County(0), 2024);
    assert_eq!(r.status.code(), "not-computable");
    assert_eq!((r.status.label(Lang::Zh), r.status.label(Lang::En)), ("无法计算", "cannot be computed"));
    let qiangke_monitor::Status::NotComputable(why) = &r.status else { panic!("{:?}", r.status) };
    assert_eq!((why.render(Lang::Zh).as_str(), why.render(Lang::En).as_str()), ("缺少可用的基期值", "no usable baseline"));
    assert_eq!(r.notes[0].render(Lang::Zh), "缺少该县区基期年份(2021年)的观测值");
}
