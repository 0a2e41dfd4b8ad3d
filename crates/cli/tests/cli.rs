//! The `qiangke` binary end to end: exit codes, located diagnostics, deterministic JSON, both
//! languages, and the pack's own test cases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs qiangke in English (the messages these tests read), unless they choose a language.
fn qiangke(args: &[&str]) -> Output {
    let mut args = args.to_vec();
    if !args.contains(&"--lang") {
        args.extend(["--lang", "en"]);
    }
    qiangke_default(&args)
}

/// Runs qiangke as a user does: Simplified Chinese unless `--lang` says otherwise.
fn qiangke_default(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qiangke")).args(args).current_dir(root()).output().expect("runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A copy of the Wuwei pack in a fresh temporary folder, to break on purpose.
fn pack_copy(tag: &str) -> PathBuf {
    let dst = std::env::temp_dir().join(format!("qiangke-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dst);
    copy_dir(&root().join("packs/wuwei-2022"), &dst);
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("mkdir");
    for e in std::fs::read_dir(src).expect("read pack") {
        let e = e.expect("entry");
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dst.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), dst.join(e.file_name())).expect("copy");
        }
    }
}

#[test]
fn check_passes_on_the_real_pack() {
    let o = qiangke(&["check", "packs/wuwei-2022"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: wuwei-2022"), "{}", stdout(&o));
}

/// A copy of the pack with one fact misspelled in a rule (rules/4-2-8-rd-input.toml:31:26).
fn misspelled_pack(name: &str) -> PathBuf {
    let dir = pack_copy(name);
    let f = dir.join("rules/4-2-8-rd-input.toml");
    let text = std::fs::read_to_string(&f).expect("read");
    std::fs::write(&f, text.replacen("year.rd_expenditure)", "year.rd_expenditur)", 1)).expect("write");
    dir
}

#[test]
fn check_reports_a_located_diagnostic_and_fails() {
    let dir = misspelled_pack("check");
    let o = qiangke(&["check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error[E021]: unknown yearly figure `rd_expenditur`"), "{err}");
    assert!(err.contains("--> rules/4-2-8-rd-input.toml:31:26"), "{err}");
    assert!(err.contains("help: did you mean `rd_expenditure`?"), "{err}");
    let o = qiangke(&["check", dir.to_str().expect("utf-8 path"), "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(j["diagnostics"][0]["line"], 31);
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn eval_json_is_exact_and_byte_identical() {
    let args = ["eval", "packs/wuwei-2022", "packs/wuwei-2022/examples/enterprise.json", "--format", "json"];
    let a = qiangke(&args);
    let b = qiangke(&args);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout, "same input must give byte-identical JSON");
    let j: serde_json::Value = serde_json::from_slice(&a.stdout).expect("json");
    assert_eq!(j["pack"]["id"], "wuwei-2022");
    assert_eq!(j["pack"]["hash"].as_str().expect("hash").len(), 64);
    assert_eq!(j["engine"]["version"], env!("CARGO_PKG_VERSION"));
    // 2023: new high-tech (四(二)7, 20万元, 2024 budget); R&D 1500万元 → 20万元; first super
    // deduction of 62万元 > 50万元 → 5万元. 2024: digital workshop 20万元 (2025 budget);
    // R&D exactly 2000万元 → 50万元 (higher tier at the boundary).
    let awarded: Vec<(String, i64, String)> = j["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["state"] == "awarded")
        .map(|r| {
            (
                r["rule"].as_str().expect("rule").to_string(),
                r["claim_year"].as_i64().expect("year"),
                r["amount"]["low"].as_str().expect("amount").to_string(),
            )
        })
        .collect();
    let want = [
        ("high-tech-new", 2023, "200000.00"),
        ("rd-spend-tiers", 2023, "200000.00"),
        ("first-super-deduction", 2023, "50000.00"),
        ("digital-workshop-new", 2024, "200000.00"),
        ("rd-spend-tiers", 2024, "500000.00"),
    ];
    let want: Vec<(String, i64, String)> = want.iter().map(|(r, y, a)| (r.to_string(), *y, a.to_string())).collect();
    assert_eq!(awarded, want);
    let totals: Vec<(i64, &str)> = j["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .map(|t| (t["budget_year"].as_i64().expect("y"), t["low"].as_str().expect("low")))
        .collect();
    // 四(二)8 is budgeted the year after the spending (note rd-spending-year), 四(二)7 the year
    // after the recognition: 2024: 20万 (high-tech 2023) + 20万 (R&D 2023) + 5万 (first super
    // deduction 2023) = 45万; 2025: 50万 (R&D 2024) + 20万 (digital workshop 2024) = 70万.
    assert_eq!(totals, vec![(2024, "450000.00"), (2025, "700000.00")]);
}

#[test]
fn eval_text_in_english_still_quotes_the_source() {
    let o = qiangke(&["eval", "packs/wuwei-2022", "packs/wuwei-2022/examples/enterprise.json", "--year", "2023", "--lang", "en"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("AWARDED: 200,000.00 yuan (20万元)"), "{out}");
    assert!(out.contains("「对新认定的高新技术企业给予20万元一次性补助。」"), "{out}");
    assert!(out.contains("5,000,000.00 yuan more would reach the tier from 20,000,000.00 yuan (inclusive, 以上)"), "{out}");
    assert!(!out.contains("claim year 2024"), "--year 2023 reports 2023 only");
}

#[test]
fn eval_rejects_bad_facts_with_their_location_and_evaluates_nothing() {
    let dir = pack_copy("facts");
    let f = dir.join("bad.json");
    std::fs::write(&f, "{\"entity\": {\"id\": \"E\", \"kind\": \"enterprise\"},\n \"years\": {\"2023\": {\"rd_expenditure\": \"-1元\"}}}")
        .expect("write");
    let o = qiangke(&["eval", "packs/wuwei-2022", f.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("bad.json:2:39"), "{err}");
    assert!(err.contains("is negative"), "{err}");
    assert!(stdout(&o).is_empty(), "nothing may be printed as a result");
    std::fs::write(&f, [0xffu8, 0xfe, 0x00]).expect("write");
    let o = qiangke(&["eval", "packs/wuwei-2022", f.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("neither UTF-8 nor GB18030/GBK text (at line 1, byte 1)"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn test_command_runs_the_pack_cases() {
    let o = qiangke(&["test", "packs/wuwei-2022"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().expect("summary");
    assert!(last.ends_with("passed, 0 failed"), "{out}");
}

#[test]
fn test_command_fails_on_a_wrong_case() {
    let dir = pack_copy("cases");
    let f = dir.join("cases/4-2-8-rd-tiers.toml");
    let text = std::fs::read_to_string(&f).expect("read");
    std::fs::write(&f, text.replacen("amount = \"10万元\"", "amount = \"11万元\"", 1)).expect("write");
    let o = qiangke(&["test", dir.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("expected amount 110000.00–110000.00, got 100000.00–100000.00"), "{}", stdout(&o));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn coverage_accounts_for_every_clause_and_fails_when_one_is_missing() {
    let o = qiangke(&["coverage", "packs/wuwei-2022", "--lang", "en"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("19 items of 四: 15 encoded, 4 accounted for otherwise, 0 missing"), "{out}");
    assert!(out.contains("四(四)14"), "{out}");
    // Remove the register entry for 四(四)14: coverage must name it and fail.
    let dir = pack_copy("coverage");
    let f = dir.join("coverage.toml");
    let text = std::fs::read_to_string(&f).expect("read");
    let start = text.find("clause = \"四(四)14\"").expect("entry");
    let block_start = text[..start].rfind("[[clause]]").expect("block");
    let block_end = start + text[start..].find("[[clause]]").expect("next block");
    std::fs::write(&f, format!("{}{}", &text[..block_start], &text[block_end..])).expect("write");
    let o = qiangke(&["coverage", dir.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("四(四)14 (职务科技成果转化现金奖励不受绩效工资总量限制) is not in the clause register"), "{}", stderr(&o));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn synth_batch_and_whatif_end_to_end() {
    let dir = std::env::temp_dir().join(format!("qiangke-cli-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("pop.csv");
    let o = qiangke(&["synth", "packs/wuwei-2022", "--rows", "500", "--seed", "3", "--out", input.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("wrote 500 synthetic rows"));
    let out = dir.join("awards.csv");
    let budget = dir.join("budget.json");
    let o = qiangke(&[
        "batch",
        "packs/wuwei-2022",
        "--input",
        input.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--budget",
        budget.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("500 rows"), "{}", stdout(&o));
    let awards = std::fs::read_to_string(&out).expect("awards");
    assert!(awards.starts_with("entity,claim_year,rule,clause,kind,state,low,high,budget_year,paid_by\n"));
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(&budget).expect("budget")).expect("json");
    assert!(b["years"].as_array().is_some_and(|y| !y.is_empty()));
    assert!(dir.join("awards.errors.csv").exists(), "the errors report sits next to the output");
    let reform = dir.join("reform.toml");
    std::fs::write(&reform, "name = \"double the high-tech subsidy\"\n[[rule]]\nid = \"high-tech-new\"\namount = \"40万元\"\n")
        .expect("write");
    let o =
        qiangke(&["whatif", "packs/wuwei-2022", "--input", input.to_str().expect("utf-8"), "--reform", reform.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("variant 1/1: double the high-tech subsidy (1 rule(s) re-evaluated)"), "{}", stdout(&o));
    // Doubling a subsidy changes the amount of awards without adding or removing one, and makes
    // nobody worse off.
    assert!(stdout(&o).contains("Awards gained 0, lost 0, changed in amount "), "{}", stdout(&o));
    assert!(stdout(&o).contains(" Nobody is worse off."), "{}", stdout(&o));
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn batch_with_bom_writes_csv_that_excel_opens_as_utf8() {
    let dir = std::env::temp_dir().join(format!("qiangke-cli-bom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("pop.csv");
    let o = qiangke(&["synth", "packs/wuwei-2022", "--rows", "300", "--seed", "9", "--out", input.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let run = |tag: &str, bom: bool| -> [Vec<u8>; 2] {
        let out = dir.join(format!("{tag}.csv"));
        let budget = dir.join(format!("{tag}-budget.csv"));
        let mut args = vec!["batch", "packs/wuwei-2022", "--input", input.to_str().expect("utf-8")];
        args.extend(["--out", out.to_str().expect("utf-8"), "--budget", budget.to_str().expect("utf-8")]);
        if bom {
            args.push("--bom");
        }
        let o = qiangke(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        [std::fs::read(&out).expect("awards"), std::fs::read(&budget).expect("budget")]
    };
    let plain = run("plain", false);
    let excel = run("excel", true);
    for (p, e) in plain.iter().zip(&excel) {
        assert!(!p.starts_with(b"\xef\xbb\xbf"), "no BOM unless asked");
        assert_eq!(&e[..3], b"\xef\xbb\xbf");
        assert_eq!(&e[3..], &p[..], "the BOM is the only difference");
    }
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn batch_on_a_sql_engine_refuses_what_it_cannot_do_before_doing_anything() {
    let dir = std::env::temp_dir().join(format!("qiangke-cli-engine-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("pop.csv");
    std::fs::write(&input, "id,name,year,kind,frobnication\nA,x,2023,enterprise,1\n").expect("input");
    let out = dir.join("awards.csv");
    let (i, o) = (input.to_str().expect("utf-8"), out.to_str().expect("utf-8"));
    let p = "packs/wuwei-2022";
    let cases: [(&[&str], &str); 6] = [
        (&["--engine", "postgres"], "--engine postgres needs --database-url"),
        (&["--engine", "spark", "--year", "2023"], "--year works with --engine native only"),
        (&["--engine", "spark", "--totals", "t.csv"], "--totals works with --engine native only"),
        (&["--engine", "postgres", "--database-url", "postgresql:///x", "--budget", "b.json"], "the SQL engines write the budget as CSV"),
        (&["--database-url", "postgresql:///x"], "--database-url is for --engine postgres"),
        // The header is checked against the pack before any engine is started.
        (
            &["--engine", "postgres", "--database-url", "postgresql:///x"],
            "pop.csv:1: column 5 `frobnication` is not a fact of pack wuwei-2022",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["batch", p, "--input", i, "--out", o];
        all.extend_from_slice(args);
        let r = qiangke(&all);
        assert!(!r.status.success(), "{args:?} must fail");
        assert!(stderr(&r).contains(want), "{args:?}: expected {want:?} in {}", stderr(&r));
        assert!(!out.exists(), "{args:?} wrote {o}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check` loads every file of the pack: a broken assessment.toml (read only by reports) or a
/// broken case file (read only by `test`) fails `check` too.
#[test]
fn check_reads_the_assessment_weights_and_the_cases() {
    let p = pack_copy("assessment");
    std::fs::write(p.join("assessment.toml"), "completion = \"x\"\n").expect("write");
    let o = qiangke(&["check", p.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("assessment.toml: `completion` must be a number"), "{}", stderr(&o));
    std::fs::remove_file(p.join("assessment.toml")).expect("rm");
    std::fs::write(p.join("cases/zz-broken.toml"), "[[case]]\nname = \"x\"\n").expect("write");
    let o = qiangke(&["check", p.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stderr(&o).contains("zz-broken.toml"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&p);
}

#[test]
fn messages_are_in_simplified_chinese_by_default_and_in_the_language_chosen() {
    let o = qiangke_default(&["check", "packs/wuwei-2022"]);
    assert!(stdout(&o).starts_with("通过:wuwei-2022 0.1.0 — 44 条规则"), "{}", stdout(&o));
    let o = qiangke_default(&["--lang", "zh-hant", "check", "packs/wuwei-2022"]);
    assert!(stdout(&o).starts_with("通過:wuwei-2022 0.1.0 — 44 條規則"), "{}", stdout(&o));

    // The same located diagnostic in Chinese: code, file, line and column as in English.
    let dir = misspelled_pack("zh-check");
    let o = qiangke_default(&["check", dir.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("错误[E021]: 未知年度数据“rd_expenditur”"), "{err}");
    assert!(err.contains("--> rules/4-2-8-rd-input.toml:31:26"), "{err}");
    assert!(err.contains("= 提示: 是否应为“rd_expenditure”?"), "{err}");
    assert!(err.contains("中有 1 处错误"), "{err}");

    // A facts file as Chinese offices write it, saved as GBK: 企业, 是, 1500万, 2023年11月20日.
    let facts = "{\"entity\": {\"id\": \"E\", \"kind\": \"企业\", \"above_scale\": \"是\"},
 \"years\": {\"2023\": {\"rd_expenditure\": \"1500万\", \"super_deduction_amount\": \"62万元\"}},
 \"events\": [{\"type\": \"recognition\", \"date\": \"2023年11月20日\", \"kind\": \"高新技术企业\", \"renewal\": \"否\"}]}";
    let (gbk, _, bad) = encoding_rs::GBK.encode(facts);
    assert!(!bad);
    let f = dir.join("gbk.json");
    std::fs::write(&f, &gbk).expect("write");
    let o = qiangke_default(&["eval", "packs/wuwei-2022", f.to_str().expect("utf-8"), "--year", "2023", "--no-trace"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // 四(二)7: 20万元 for a new high-tech enterprise; 四(二)8: 1500万元 lies in 1000万–2000万 → 20万元.
    assert_eq!(out.matches("可获补助: 200,000.00元 (20万元)").count(), 2, "{out}");

    // A negative amount: refused with its place, in Chinese, and nothing evaluated.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"entity\": {\"id\": \"E\", \"kind\": \"enterprise\"},\n \"years\": {\"2023\": {\"rd_expenditure\": \"-1元\"}}}",
    )
    .expect("write");
    let o = qiangke_default(&["eval", "packs/wuwei-2022", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("错误[F005]") && err.contains("金额 -1元 是负数") && err.contains("bad.json:2:39"), "{err}");
    assert!(err.contains("未计算:请先改正事实文件"), "{err}");
    std::fs::remove_dir_all(dir).expect("cleanup");
}
