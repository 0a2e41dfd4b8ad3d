//! Runs every hand-computed case of every pack under `packs/` (the same runner as `qiangke test`).

mod common;

use qiangke_rules::cases::{load_cases, run_case};
use qiangke_rules::load_pack;

#[test]
fn every_pack_case_passes() {
    let packs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs");
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&packs).expect("packs folder") {
        let dir = entry.expect("entry").path();
        let pack = load_pack(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let cases = load_cases(&pack, &dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(!cases.is_empty(), "{} has no cases", dir.display());
        for c in &cases {
            total += 1;
            for f in run_case(&pack, c) {
                failures.push(format!("{} — {f}", c.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {total} case checks failed:\n{}", failures.len(), failures.join("\n"));
    // The Wuwei pack alone has more than 50 cases; a runner that found none would be a defect.
    assert!(total >= 50, "only {total} cases found");
}

#[test]
fn a_wrong_expectation_fails_the_case() {
    let pack = common::wuwei();
    let text = r#"
[[case]]
name = "deliberately wrong: 1500万元 is in the 20万元 tier, not 50万元"
cites = "四(二)8"
years = [2023]
[case.facts.entity]
id = "E1"
kind = "enterprise"
above_scale = true
[case.facts.years.2023]
rd_expenditure = "1500万元"
super_deduction_amount = "30万元"
[[case.expect]]
rule = "rd-spend-tiers"
state = "awarded"
amount = "50万元"
"#;
    let cases = qiangke_rules::cases::load_case_file(&pack, "wrong.toml", text).expect("parses");
    let f = run_case(&pack, &cases[0]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].contains("expected amount 500000.00–500000.00, got 200000.00–200000.00"), "{}", f[0]);
}

#[test]
fn an_unexpected_award_fails_the_case() {
    let pack = common::wuwei();
    let text = r#"
[[case]]
name = "the super deduction award is not listed, so the case must fail"
cites = "四(二)8"
years = [2023]
[case.facts.entity]
id = "E1"
kind = "enterprise"
above_scale = true
[case.facts.years.2023]
rd_expenditure = "1500万元"
super_deduction_first_time = true
super_deduction_amount = "60万元"
[[case.expect]]
rule = "rd-spend-tiers"
state = "awarded"
amount = "20万元"
"#;
    let cases = qiangke_rules::cases::load_case_file(&pack, "wrong.toml", text).expect("parses");
    let f = run_case(&pack, &cases[0]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].contains("unexpected award by `first-super-deduction`"), "{}", f[0]);
}
