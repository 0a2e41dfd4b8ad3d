//! Invariants over random facts: tiers are monotone and match an independent reading of the
//! sentence, intervals are ordered, sums are exact to the fen, output is deterministic.

// Amounts in fen are written `yuan_00` (5_000_000_00 is 5,000,000.00 yuan), hence the grouping.
#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use proptest::prelude::*;
use qiangke_rules::explain::{to_json, totals};
use qiangke_rules::{Options, Pack, State, evaluate, load_facts};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::sync::OnceLock;

fn pack() -> &'static Pack {
    static P: OnceLock<Pack> = OnceLock::new();
    P.get_or_init(common::wuwei)
}

fn fen(f: i64) -> Decimal {
    Decimal::new(f, 2)
}

/// 四(二)8 read independently, in fen: 1亿元以上 100万元; 2000万元以上 50万元; 1000万元以上 20万元;
/// 500万元以上 10万元 (each boundary to the higher tier, note tier-boundary-overlap).
fn reference_tier(f: i64) -> i64 {
    match f {
        f if f >= 100_000_000_00 => 1_000_000_00,
        f if f >= 20_000_000_00 => 500_000_00,
        f if f >= 10_000_000_00 => 200_000_00,
        f if f >= 5_000_000_00 => 100_000_00,
        _ => 0,
    }
}

fn rd_award(rd_fen: i64) -> Decimal {
    let facts = format!(
        r#"{{"entity": {{"id": "E", "kind": "enterprise", "above_scale": true}}, "years": {{"2023": {{"rd_expenditure": "{}", "super_deduction_amount": "30万元"}}}}}}"#,
        fen(rd_fen)
    );
    let f = load_facts(pack(), "p.json", &facts).expect("valid facts");
    let ev = evaluate(pack(), &f, &Options { years: vec![2023], trace: false, ..Options::default() });
    match ev.results.iter().find(|r| r.rule.id == "rd-spend-tiers").map(|r| &r.state) {
        Some(State::Awarded { low, high }) => {
            assert_eq!(low, high, "a tier pays a fixed amount");
            *low
        }
        Some(State::NotEligible(_)) => Decimal::ZERO,
        other => panic!("unexpected {other:?}"),
    }
}

/// Amounts near every threshold, and anywhere up to 2亿元.
fn rd_fen() -> impl Strategy<Value = i64> {
    let thresholds = [5_000_000_00i64, 10_000_000_00, 20_000_000_00, 100_000_000_00];
    prop_oneof![(0usize..4, -2i64..=2).prop_map(move |(i, d)| thresholds[i] + d), 0i64..200_000_000_00,]
}

#[derive(Debug, Clone)]
struct Ent {
    above: Option<bool>,
    rd: Vec<(i32, Option<i64>)>,
    sd: Vec<(i32, Option<bool>, Option<i64>)>,
    recs: Vec<(usize, i32, u8, Option<bool>)>,
    relocs: Vec<(i32, i32, Option<bool>)>,
}

const KINDS: [&str; 8] = [
    "high_tech",
    "smart_factory",
    "digital_workshop",
    "little_giant",
    "provincial_srdi",
    "provincial_sti",
    "tech_innovation_demo",
    "municipal_sti",
];

fn ent() -> impl Strategy<Value = Ent> {
    let year = 2021i32..=2026;
    (
        proptest::option::of(any::<bool>()),
        proptest::collection::vec((year.clone(), proptest::option::of(rd_fen())), 0..4),
        proptest::collection::vec(
            (year.clone(), proptest::option::of(any::<bool>()), proptest::option::of(49_999_900i64..50_000_100)),
            0..3,
        ),
        proptest::collection::vec((0usize..8, year.clone(), 1u8..=28, proptest::option::of(any::<bool>())), 0..6),
        proptest::collection::vec((year, -400i32..400, proptest::option::of(any::<bool>())), 0..2),
    )
        .prop_map(|(above, rd, sd, recs, relocs)| Ent { above, rd, sd, recs, relocs })
}

fn json(e: &Ent) -> String {
    let opt = |b: Option<bool>| b.map_or("null".to_string(), |b| b.to_string());
    let mut years: std::collections::BTreeMap<i32, Vec<String>> = Default::default();
    for (y, v) in &e.rd {
        if years.contains_key(y) {
            continue;
        }
        years.entry(*y).or_default().push(format!(r#""rd_expenditure": {}"#, v.map_or("null".into(), |f| format!("\"{}\"", fen(f)))));
    }
    for (y, first, amt) in &e.sd {
        let row = years.entry(*y).or_default();
        if row.iter().any(|s| s.contains("super")) {
            continue;
        }
        row.push(format!(
            r#""super_deduction_first_time": {}, "super_deduction_amount": {}"#,
            opt(*first),
            amt.map_or("null".into(), |f| format!("\"{}\"", fen(f)))
        ));
    }
    let years: Vec<String> = years.iter().map(|(y, kv)| format!(r#""{y}": {{{}}}"#, kv.join(", "))).collect();
    let mut events: Vec<String> = e
        .recs
        .iter()
        .map(|(k, y, d, r)| {
            format!(r#"{{"type": "recognition", "date": "{y}-03-{d:02}", "kind": "{}", "renewal": {}}}"#, KINDS[*k], opt(*r))
        })
        .collect();
    for (y, shift, whole) in &e.relocs {
        let until = format!("{}-06-15", y + shift.signum() * (shift.abs() / 100));
        events.push(format!(r#"{{"type": "relocation", "date": "{y}-06-15", "certificate": "high_tech", "certificate_valid_until": "{until}", "whole": {}}}"#, opt(*whole)));
    }
    format!(
        r#"{{"entity": {{"id": "E", "kind": "enterprise", "above_scale": {}}}, "years": {{{}}}, "events": [{}]}}"#,
        opt(e.above),
        years.join(", "),
        events.join(", ")
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn tiers_match_an_independent_reading(f in rd_fen()) {
        prop_assert_eq!(rd_award(f), fen(reference_tier(f)));
    }

    #[test]
    fn tiers_are_monotone(a in rd_fen(), b in rd_fen()) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(rd_award(lo) <= rd_award(hi));
    }

    #[test]
    fn intervals_ordered_sums_exact_output_deterministic(e in ent()) {
        let text = json(&e);
        let f = load_facts(pack(), "p.json", &text).unwrap_or_else(|r| panic!("{}\n{text}", r.render()));
        let ev = evaluate(pack(), &f, &Options { years: vec![], trace: true, ..Options::default() });
        let mut by_year: std::collections::BTreeMap<i32, (i64, i64)> = Default::default();
        let mut keys = std::collections::HashSet::new();
        for r in &ev.results {
            if let State::Awarded { low, high } = r.state {
                prop_assert!(low <= high, "interval out of order");
                prop_assert!(low >= Decimal::ZERO);
                // Exact to the fen: scaling by 100 leaves no fraction.
                prop_assert!((low * Decimal::ONE_HUNDRED).fract().is_zero() && (high * Decimal::ONE_HUNDRED).fract().is_zero());
                let y = r.budget_year.expect("awarded results have a budget year");
                let e = by_year.entry(y).or_default();
                e.0 += (low * Decimal::ONE_HUNDRED).to_i64().expect("fits");
                e.1 += (high * Decimal::ONE_HUNDRED).to_i64().expect("fits");
                // Never paid twice: a once-key is awarded at most once.
                prop_assert!(keys.insert(r.once_key.clone().expect("awarded results have a once-key")), "once-key paid twice");
            }
        }
        let t = totals(&ev);
        prop_assert_eq!(t.len(), by_year.len());
        for (y, (lo, hi)) in by_year {
            prop_assert_eq!(t[&y], (fen(lo), fen(hi)));
        }
        let again = evaluate(pack(), &f, &Options { years: vec![], trace: true, ..Options::default() });
        prop_assert_eq!(to_json(&ev).to_string(), to_json(&again).to_string());
    }
}
