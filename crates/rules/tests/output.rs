//! Snapshots of the structured outputs (evaluation JSON with its trace, and the text explanation in
//! both languages) for the example enterprise. The pack hash is replaced, so the snapshot changes
//! only when the output does.

mod common;

use qiangke_rules::{Lang, Options, evaluate, explain, load_facts};

fn example() -> (qiangke_rules::Pack, qiangke_rules::Facts) {
    let pack = common::wuwei();
    let text = std::fs::read_to_string(common::wuwei_dir().join("examples/enterprise.json")).expect("example");
    let facts = load_facts(&pack, "examples/enterprise.json", &text).unwrap_or_else(|e| panic!("{e}"));
    (pack, facts)
}

#[test]
fn evaluation_json() {
    let (pack, facts) = example();
    let ev = evaluate(&pack, &facts, &Options { years: vec![2023], trace: true, ..Options::default() });
    let json = serde_json::to_string_pretty(&explain::to_json(&ev)).expect("json").replace(&pack.hash, "<pack-hash>");
    insta::assert_snapshot!(json);
}

#[test]
fn explanation_zh() {
    let (pack, facts) = example();
    let ev = evaluate(&pack, &facts, &Options { years: vec![2024], trace: true, ..Options::default() });
    insta::assert_snapshot!(explain::to_text(&ev, Lang::Zh).replace(&pack.hash[..16], "<hash>"));
}

#[test]
fn explanation_en() {
    let (pack, facts) = example();
    let ev = evaluate(&pack, &facts, &Options { years: vec![2024], trace: true, ..Options::default() });
    insta::assert_snapshot!(explain::to_text(&ev, Lang::En).replace(&pack.hash[..16], "<hash>"));
}
