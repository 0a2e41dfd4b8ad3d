//! What recognition criteria need from the language: points and their ranges, tables by rate or
//! count, `ratio` (undefined over zero), `prior` years, scores, and standards with their four
//! outcomes; then the ladder across packs. Expected values are worked out by hand in each test
//! from a small made-up text (each test says which sentence).

use qiangke_rules::ladder::{Pay, Standing, assess, load_ladder};
use qiangke_rules::standard::Outcome;
use qiangke_rules::{Decimal, Options, State, evaluate, load_facts, load_pack_files};
use std::path::Path;
use std::str::FromStr;

const SOURCE: &str = "第一条 企业须同时满足以下条件:\n(一)职工总数不低于10人。\n(二)科技人员占职工总数的比例不低于10%。\n第二条 评分:人员20分,成果A档7-8分,及格线60分以上。\n(1)直接确认。\n";

const PACK: &str = r#"
id = "mini-criteria"
version = "0.0.1"
title = { zh = "小标准", en = "mini standard" }
source = "source.zh.txt"
valid_from = "2020-01-01"
valid_until = "9999-12-31"
applicant_enum = "applicant_kind"
county_enum = "region"
provisional = { zh = "测试", en = "test" }
departments = [{ id = "body", zh = "认定机构", en = "body" }]
[[enums]]
name = "applicant_kind"
variants = [{ id = "enterprise", zh = "企业", en = "enterprise" }]
[[enums]]
name = "region"
variants = [{ id = "all", zh = "全国", en = "nationwide" }]
"#;

const FACTS: &str = r#"
[[attribute]]
name = "kind"
type = "applicant_kind"
zh = "主体类型"
en = "kind"
[[yearly]]
name = "employees"
type = "count"
zh = "职工总数"
en = "employees"
[[yearly]]
name = "staff"
type = "count"
zh = "科技人员数"
en = "S&T staff"
[[yearly]]
name = "band_a"
type = "bool"
zh = "成果为A档"
en = "results in band A"
[[yearly]]
name = "route"
type = "bool"
zh = "直接确认"
en = "direct route"
"#;

const RULES: &str = r#"
[[tiers]]
id = "staff_bands"
bands = [
  { to = "10% 低于", amount = "0分" },
  { from = "10% 以上", to = "30% 低于", amount = "10分" },
  { from = "30% 以上", amount = "20分", high = "30分" },
]

[[rule]]
id = "size"
kind = "check"
clause = "第一条(一)"
quote = "(一)职工总数不低于10人。"
title = { zh = "规模", en = "size" }
trigger = "year"
guard = "prior(1, year.employees) >= 10"
once = ["claim_year"]
verified_by = ["body"]

[[rule]]
id = "share"
kind = "check"
clause = "第一条(二)"
quote = "(二)科技人员占职工总数的比例不低于10%。"
title = { zh = "比例", en = "share" }
trigger = "year"
guard = "ratio(prior(1, year.staff), prior(1, year.employees)) >= 10%"
once = ["claim_year"]
verified_by = ["body"]

[[rule]]
id = "route"
kind = "check"
clause = "第二条(1)"
quote = "(1)直接确认。"
title = { zh = "直接确认", en = "direct route" }
trigger = "year"
guard = "year.route"
once = ["claim_year"]
verified_by = ["body"]

[[rule]]
id = "staff-score"
kind = "score"
clause = "第二条"
quote = "人员20分"
title = { zh = "人员", en = "staff" }
trigger = "year"
amount = "tier(staff_bands, ratio(prior(1, year.staff), prior(1, year.employees)))"
once = []
verified_by = ["body"]

[[rule]]
id = "results-score"
kind = "score"
clause = "第二条"
quote = "成果A档7-8分"
title = { zh = "成果", en = "results" }
trigger = "year"
amount = "if year.band_a then range(37分, 48分) else 0分"
once = []
verified_by = ["body"]

[[standard]]
id = "mini"
clause = "第一条"
quote = "第一条 企业须同时满足以下条件:"
title = { zh = "小标准", en = "mini" }
all = ["size"]
with_score = ["share"]
score = ["staff-score", "results-score"]
pass = "60分 以上"
routes = ["route"]
"#;

fn pack_with(rules: &str) -> Result<qiangke_rules::Pack, String> {
    let files = vec![
        ("pack.toml".to_string(), PACK.to_string()),
        ("facts.toml".to_string(), FACTS.to_string()),
        ("source.zh.txt".to_string(), SOURCE.to_string()),
        ("rules/a.toml".to_string(), rules.to_string()),
    ];
    load_pack_files(&files).map_err(|e| e.render())
}

fn pack() -> qiangke_rules::Pack {
    pack_with(RULES).unwrap_or_else(|e| panic!("{e}"))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// The facts of 2024 (figures) and 2025 (the assessment year).
fn facts(employees: &str, staff: &str, band_a: &str, route: &str) -> String {
    format!(
        r#"{{"entity": {{"id": "E", "kind": "enterprise"}}, "years": {{"2024": {{"employees": {employees}, "staff": {staff}}}, "2025": {{"band_a": {band_a}, "route": {route}}}}}}}"#
    )
}

fn outcome(p: &qiangke_rules::Pack, text: &str) -> (Outcome, Option<(Decimal, Decimal)>, Vec<String>) {
    let f = load_facts(p, "f.json", text).unwrap_or_else(|e| panic!("{}", e.render()));
    let ev = evaluate(p, &f, &Options { years: vec![2025], trace: true, ..Options::default() });
    let s = &ev.standards[0];
    (s.outcome, s.score, s.failed.iter().map(|i| p.rules[*i].id.clone()).collect())
}

#[test]
fn a_score_sums_points_and_ranges_against_its_pass_mark() {
    let p = pack();
    // 30 of 100 staff is 30%以上: 20–30分; band A 37–48分: 57–78, straddling 60分以上.
    assert_eq!(outcome(&p, &facts("100", "30", "true", "false")).0, Outcome::DependsOnReview);
    assert_eq!(outcome(&p, &facts("100", "30", "true", "false")).1, Some((d("57"), d("78"))));
    // 29 of 100 is 10%–30%: 10分; with band A 47–58: every value below 60.
    let (o, score, failed) = outcome(&p, &facts("100", "29", "true", "false"));
    assert_eq!((o, score), (Outcome::CannotMeet, Some((d("47"), d("58")))));
    assert_eq!(failed, ["route", "staff-score", "results-score"]);
    // 60分以上 includes 60 (以上): a sure 60 would meet; here 0 + 0 fails.
    assert_eq!(outcome(&p, &facts("100", "10", "false", "false")).0, Outcome::CannotMeet);
}

#[test]
fn the_score_path_needs_its_conditions_and_a_route_stands_in_for_it() {
    let p = pack();
    // 9% staff fails `share`, which goes with the score, and the route is not met: cannot meet.
    let (o, _, failed) = outcome(&p, &facts("100", "9", "true", "false"));
    assert_eq!(o, Outcome::CannotMeet);
    assert_eq!(failed, ["share", "route"]);
    // The route stands in for score and share.
    assert_eq!(outcome(&p, &facts("100", "9", "false", "true")).0, Outcome::Meets);
    // The route never excuses `all`: 9 employees fails `size`.
    let (o, _, failed) = outcome(&p, &facts("9", "9", "true", "true"));
    assert_eq!((o, failed), (Outcome::CannotMeet, vec!["size".to_string()]));
}

#[test]
fn unknown_parts_ask_unless_a_known_failure_decides() {
    let p = pack();
    // The route unknown and the score path failing: the route could still decide, so ask.
    let text =
        r#"{"entity": {"id": "E", "kind": "enterprise"}, "years": {"2024": {"employees": 100, "staff": 9}, "2025": {"band_a": true}}}"#;
    let f = load_facts(&p, "f.json", text).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2025], ..Options::default() });
    assert_eq!(ev.standards[0].outcome, Outcome::NeedsInformation);
    let missing: Vec<String> =
        ev.standards[0].missing.iter().map(|m| qiangke_rules::explain::fact_path(&p, &qiangke_rules::explain::missing_ref(m))).collect();
    assert_eq!(missing, ["years.2025.route"]);
    // `size` fails (9 employees) while the route and band are unknown: false && unknown is
    // false, so nothing is asked.
    let text = r#"{"entity": {"id": "E", "kind": "enterprise"}, "years": {"2024": {"employees": 9, "staff": 9}}}"#;
    let f = load_facts(&p, "f.json", text).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2025], ..Options::default() });
    assert_eq!(ev.standards[0].outcome, Outcome::CannotMeet);
    assert!(ev.standards[0].missing.is_empty());
}

#[test]
fn prior_reads_the_earlier_year_and_asks_for_it_by_that_year() {
    let p = pack();
    let text = r#"{"entity": {"id": "E", "kind": "enterprise"}, "years": {"2025": {"employees": 100, "staff": 50, "band_a": true, "route": false}}}"#;
    let f = load_facts(&p, "f.json", text).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2025], ..Options::default() });
    let size = ev.results.iter().find(|r| r.rule.id == "size").expect("size");
    let State::NeedsInformation(m) = &size.state else { panic!("{:?}", size.state) };
    assert_eq!(qiangke_rules::explain::fact_path(&p, &qiangke_rules::explain::missing_ref(&m[0])), "years.2024.employees");
}

#[test]
fn a_ratio_over_zero_is_undefined_not_zero() {
    let p = pack();
    let f = load_facts(&p, "f.json", &facts("0", "0", "false", "false")).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2025], ..Options::default() });
    let share = ev.results.iter().find(|r| r.rule.id == "share").expect("share");
    assert!(matches!(&share.state, State::NotEligible(qiangke_rules::Reason::Undefined { .. })), "{:?}", share.state);
}

#[test]
fn a_share_too_small_says_how_many_more() {
    let p = pack();
    let f = load_facts(&p, "f.json", &facts("101", "9", "false", "false")).expect("facts");
    let ev = evaluate(&p, &f, &Options { years: vec![2025], trace: true, ..Options::default() });
    let share = ev.results.iter().find(|r| r.rule.id == "share").expect("share");
    // 10% of 101 is 10.1: 11 staff, 2 more than 9.
    let why = qiangke_rules::explain::not_eligible_text(&p, share, qiangke_rules::Lang::Zh);
    assert!(why.contains("须至少 11,还差 2"), "{why}");
}

#[test]
fn criteria_mistakes_are_located() {
    // A score whose amount is money.
    let e = pack_with(&RULES.replace(r#"amount = "if year.band_a then range(37分, 48分) else 0分""#, r#"amount = "20万元""#))
        .expect_err("money score");
    assert!(e.contains("E024"), "{e}");
    // A table mixing a rate and a count.
    let e =
        pack_with(&RULES.replace(r#"{ from = "30% 以上", amount = "20分", high = "30分" }"#, r#"{ from = "30 以上", amount = "20分" }"#))
            .expect_err("mixed bounds");
    assert!(e.contains("E033"), "{e}");
    // A band whose top is below its bottom.
    let e = pack_with(&RULES.replace(r#"high = "30分""#, r#"high = "10分""#)).expect_err("reversed band");
    assert!(e.contains("E034"), "{e}");
    // A pass mark without its word.
    let e = pack_with(&RULES.replace(r#"pass = "60分 以上""#, r#"pass = "60分""#)).expect_err("pass mark");
    assert!(e.contains("E033"), "{e}");
    // A standard naming a score rule among its conditions.
    let e = pack_with(&RULES.replace(r#"all = ["size"]"#, r#"all = ["staff-score"]"#)).expect_err("kind");
    assert!(e.contains("E025"), "{e}");
    // `prior` needs a whole number of years.
    let e = pack_with(&RULES.replace("prior(1, year.employees) >= 10", "prior(year.employees, 1) >= 10")).expect_err("prior");
    assert!(e.contains("E023"), "{e}");
}

fn ladder_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ladders")
}

#[test]
fn the_sample_enterprise_on_the_wuwei_ladder() {
    let ladder = load_ladder(&ladder_dir().join("wuwei.toml"), qiangke_rules::Lang::Zh).unwrap_or_else(|m| panic!("{m}"));
    let text = std::fs::read_to_string(ladder_dir().join("examples/enterprise.json")).expect("sample");
    let r = assess(&ladder, "enterprise.json", &text, 2025).unwrap_or_else(|e| panic!("{}", e.render()));
    let standings: Vec<&str> = r.rungs.iter().map(|x| x.standing.code()).collect();
    assert_eq!(standings, ["meets", "not-encoded", "depends-on-review", "not-encoded", "not-encoded"]);
    // 科技型中小企业: 20 of 120 staff ≈16.7% is D, 8分; R&D 600万 of sales 1亿 is 6%, A, 50分;
    // three class II items, C, 18分: 76分.
    assert_eq!(r.rungs[0].standard().and_then(|s| s.score), Some((d("76"), d("76"))));
    // 高新技术企业: 12–20 + 13–18 + 0–16 + 0–20 = 25–74分; 71 − 25 = 46 short.
    let hnte = r.rungs[2].standard().expect("standard");
    assert_eq!((hnte.score, hnte.short()), (Some((d("25"), d("74"))), Some(d("46"))));
    // 四(二)7: 20万元 for a new high-tech enterprise, 5万元 for a provincial S&T innovation
    // enterprise, from the next year's budget (2026).
    let pays = |i: usize| match &r.rungs[i].pay {
        Pay::Awards(a) => a
            .iter()
            .map(|x| {
                (x.rule.id.clone(), x.budget_year, matches!(x.state, State::Awarded { low, .. } if low == d("200000") || low == d("50000")))
            })
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    assert_eq!(pays(2), [("high-tech-new".to_string(), Some(2026), true)]);
    assert_eq!(pays(1), [("provincial-sti-new".to_string(), Some(2026), true)]);
    assert!(matches!(r.rungs[0].pay, Pay::NotDeclared));
    let text_zh = qiangke_rules::ladder::to_text(&r, qiangke_rules::Lang::Zh);
    assert!(text_zh.contains("确定部分尚差 46分"), "{text_zh}");
    assert!(text_zh.contains("新认定高新技术企业一次性补助:20万元(列入 2026 年预算)"), "{text_zh}");
}

#[test]
fn a_held_recognition_is_held_and_a_name_no_pack_knows_is_refused() {
    let ladder = load_ladder(&ladder_dir().join("wuwei.toml"), qiangke_rules::Lang::Zh).unwrap_or_else(|m| panic!("{m}"));
    let text = std::fs::read_to_string(ladder_dir().join("examples/enterprise.json")).expect("sample");
    let held = text.replace(r#""hnte_certificate": false"#, r#""hnte_certificate": true"#);
    let r = assess(&ladder, "enterprise.json", &held, 2025).unwrap_or_else(|e| panic!("{}", e.render()));
    assert_eq!(r.rungs[2].standing, Standing::Holds);
    // Held: nothing new to pay for.
    assert!(matches!(r.rungs[2].pay, Pay::Held), "{:?}", r.rungs[2].pay);
    // With the certificate the SME standard is met by its direct route.
    assert_eq!(
        r.rungs[0].standard().and_then(|s| s.route).map(|i| r.rungs[0].evaluation.as_ref().expect("ev").pack.rules[i].id.as_str()),
        Some("tsme-route-hnte")
    );
    let typo = text.replace(r#""st_staff": 20"#, r#""st_staf": 20"#);
    let e = assess(&ladder, "enterprise.json", &typo, 2025).expect_err("unknown name");
    assert!(e.render().contains("st_staf"), "{}", e.render());
}

#[test]
fn every_numbered_line_of_the_criteria_texts_is_accounted_for() {
    for name in ["cn-tsme-2017", "cn-hnte-2016"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs").join(name);
        let pack = qiangke_rules::load_pack(&dir).unwrap_or_else(|e| panic!("{e}"));
        let c = qiangke_rules::coverage::coverage(&pack);
        assert!(c.by_lines, "{name} is numbered by articles");
        assert!(c.problems.is_empty(), "{name}: {:?}", c.problems);
        // Without its register, the articles no rule quotes are reported, each by its line.
        let mut files = qiangke_rules::read_pack_files(&dir).expect("files");
        files.retain(|(n, _)| n != "coverage.toml");
        let bare = load_pack_files(&files).unwrap_or_else(|e| panic!("{}", e.render()));
        let problems = qiangke_rules::coverage::coverage(&bare).problems;
        assert!(problems.iter().any(|p| p.contains("第二十二条") || p.contains("第三条")), "{name}: {problems:?}");
    }
}

/// Copies a pack folder, changing its pack.toml (for a second version of the same criteria).
fn copy_pack(from: &Path, to: &Path, edit: impl Fn(String) -> String) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).expect("inside");
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().expect("parent")).expect("dir");
        let text = std::fs::read_to_string(&entry).expect("read");
        std::fs::write(&dest, if rel == Path::new("pack.toml") { edit(text) } else { text }).expect("write");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn the_ladder_uses_the_version_in_force_in_the_assessment_year() {
    // Two versions of the SME criteria: the 2017 text until 2025, and a made-up 2026 version
    // whose pass mark is 70分 (only for this test: no such text is known).
    let root = std::env::temp_dir().join(format!("qiangke-ladder-versions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let packs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs");
    copy_pack(&packs.join("cn-tsme-2017"), &root.join("v2017"), |t| {
        t.replace(r#"valid_until = "9999-12-31""#, r#"valid_until = "2025-12-31""#)
    });
    copy_pack(&packs.join("cn-tsme-2017"), &root.join("v2026"), |t| {
        t.replace(r#"valid_from = "2017-01-01""#, r#"valid_from = "2026-01-01""#)
            .replace(r#"id = "cn-tsme-2017""#, r#"id = "cn-tsme-2026""#)
    });
    let rules = root.join("v2026/rules/6-conditions.toml");
    let text = std::fs::read_to_string(&rules).expect("rules").replace(r#"pass = "60分 不低于""#, r#"pass = "70分 不低于""#);
    std::fs::write(&rules, text).expect("write");
    std::fs::write(
        root.join("ladder.toml"),
        r#"title = { zh = "版本", en = "versions" }
[[rung]]
title = { zh = "科技型中小企业", en = "technology-based SME" }
versions = ["v2017", "v2026"]
standard = "tsme"
"#,
    )
    .expect("ladder");
    let ladder = load_ladder(&root.join("ladder.toml"), qiangke_rules::Lang::Zh).unwrap_or_else(|m| panic!("{m}"));
    // 20 of 100 staff (20%, C: 12分), R&D 500万元 of 1亿元 (5%, B: 40分), two class II items
    // (D: 12分): 64分, enough for 不低于60分, not for 不低于70分.
    let year = |y: i32| {
        format!(
            r#""{y}": {{"employees": 100, "st_staff": 20, "sales": "1亿元", "total_assets": "5000万元", "rd_expense": "500万元", "cost_expense": "1亿元", "serious_incident": false, "blacklisted": false, "ip_class1": 0, "ip_class2": 2, "hnte_certificate": false, "national_award_top3": false, "provincial_rd_institution": false, "led_standard": false}}"#
        )
    };
    let facts = format!(
        r#"{{"entity": {{"id": "V", "kind": "enterprise", "resident_enterprise": true, "restricted_products": false}}, "years": {{{}, {}, {}}}}}"#,
        year(2024),
        year(2025),
        year(2026)
    );
    let standing = |y: i32| {
        let r = assess(&ladder, "v.json", &facts, y).unwrap_or_else(|e| panic!("{}", e.render()));
        let rr = &r.rungs[0];
        (rr.evaluation.as_ref().map(|e| e.pack.id.clone()), rr.standing, rr.standard().and_then(|s| s.score))
    };
    assert_eq!(standing(2025), (Some("cn-tsme-2017".into()), Standing::Assessed(Outcome::Meets), Some((d("64"), d("64")))));
    assert_eq!(standing(2026), (Some("cn-tsme-2026".into()), Standing::Assessed(Outcome::CannotMeet), Some((d("64"), d("64")))));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn what_the_plan_pays_says_why_it_pays_nothing() {
    let ladder = load_ladder(&ladder_dir().join("wuwei.toml"), qiangke_rules::Lang::Zh).unwrap_or_else(|m| panic!("{m}"));
    let text = std::fs::read_to_string(ladder_dir().join("examples/enterprise.json")).expect("sample");
    // 2026 is after the plan's period (2022–2025): the recognition would be not in force.
    let r = assess(&ladder, "enterprise.json", &text, 2026).unwrap_or_else(|e| panic!("{}", e.render()));
    match &r.rungs[2].pay {
        Pay::NotInForce { from, until } => assert_eq!((from.to_string(), until.to_string()), ("2022-01-01".into(), "2025-12-31".into())),
        other => panic!("{other:?}"),
    }
    // Recognized new in 2023 (四(二)7 paid then, once per kind): a 2025 recognition pays nothing again.
    let earlier = text.replace(
        "\n  }\n}",
        "\n  },\n  \"events\": [{ \"type\": \"recognition\", \"date\": \"2023-11-20\", \"kind\": \"high_tech\", \"renewal\": false }]\n}",
    );
    assert_ne!(earlier, text, "the sample ends as expected");
    let r = assess(&ladder, "enterprise.json", &earlier, 2025).unwrap_or_else(|e| panic!("{}", e.render()));
    assert!(matches!(r.rungs[2].pay, Pay::AlreadyPaid { year: 2023 }), "{:?}", r.rungs[2].pay);
    // Where the result is the better of two measures, a band of the other is not offered when it
    // would not score more: R&D at 6% of sales already gives 50分, so nothing is hinted for the
    // costs measure (6.67%, band F).
    let r = assess(&ladder, "enterprise.json", &text, 2025).unwrap_or_else(|e| panic!("{}", e.render()));
    let out = qiangke_rules::ladder::to_text(&r, qiangke_rules::Lang::Zh);
    assert!(!out.contains("研发投入指标:"), "{out}");
    assert!(out.contains("知识产权:"), "{out}");
}

#[test]
fn a_three_year_share_says_how_much_more_the_latest_year_needs() {
    // 第十一条(五): the sample's R&D is 320万 + 400万 + 600万元 of sales 8000万 + 9000万 + 1亿元
    // (27000万元). With 2024's R&D at 300万元 the sum is 1020万元, 3.78%; the floor for latest
    // sales of 1亿元 (5,000万元 to 2亿元) is 4%, 1080万元 in all, so 2024's R&D needs 360万元,
    // 60万元 more.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/cn-hnte-2016");
    let pack = qiangke_rules::load_pack(&dir).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(ladder_dir().join("examples/enterprise.json"))
        .expect("sample")
        .replace(r#""rd_expense": "600万元", "rd_domestic": "580万元""#, r#""rd_expense": "300万元", "rd_domestic": "300万元""#);
    let f = qiangke_rules::load_facts(&pack, "e.json", &strip_others(&pack, &text)).unwrap_or_else(|e| panic!("{}", e.render()));
    let ev = evaluate(&pack, &f, &Options { years: vec![2025], trace: true, ..Options::default() });
    let r = ev.results.iter().find(|r| r.rule.id == "hnte-rd-intensity").expect("rule");
    let why = qiangke_rules::explain::not_eligible_text(&pack, r, qiangke_rules::Lang::Zh);
    assert!(why.contains("须至少 3,600,000.00元,还差 600,000.00元"), "{why}");
}

/// The sample facts file with only the names `pack` knows (it is written for a whole ladder).
fn strip_others(pack: &qiangke_rules::Pack, text: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(text).expect("json");
    let v = &pack.vocab;
    if let Some(e) = doc["entity"].as_object_mut() {
        e.retain(|k, _| k == "id" || k == "name" || v.attribute(k).is_some());
    }
    if let Some(ys) = doc["years"].as_object_mut() {
        for (_, y) in ys.iter_mut() {
            if let Some(y) = y.as_object_mut() {
                y.retain(|k, _| v.yearly(k).is_some());
            }
        }
    }
    doc.to_string()
}
