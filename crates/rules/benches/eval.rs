//! Benchmark program (not a timed test): median single-entity evaluation time for all rules of
//! 四(二) of the Wuwei pack, with the trace on and off. Run with
//! `cargo bench -p qiangke-rules --bench eval`. Prints one line per scenario.

use qiangke_rules::{Options, evaluate, explain, load_facts, load_pack};
use std::hint::black_box;
use std::time::Instant;

fn median_ns(mut f: impl FnMut(), iters: usize) -> (f64, f64) {
    // Warm up caches and the allocator.
    for _ in 0..iters / 10 {
        f();
    }
    let mut samples = Vec::with_capacity(iters);
    for _ in 0..iters {
        let t = Instant::now();
        f();
        samples.push(t.elapsed().as_nanos() as f64);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    (samples[iters / 2], samples[iters * 99 / 100])
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
    let pack = load_pack(&dir).expect("pack loads");
    // An enterprise touching every rule of 四(二): a new recognition, R&D spending on a tier
    // boundary, a first super deduction; one claim year.
    let facts = load_facts(
        &pack,
        "bench.json",
        r#"{"entity": {"id": "B", "kind": "enterprise", "above_scale": true, "uscc": "91620600123456788A", "county": "gulang"},
            "years": {"2023": {"rd_expenditure": "2000万元", "super_deduction_first_time": true, "super_deduction_amount": "500000.01"}},
            "events": [{"type": "recognition", "date": "2023-05-10", "kind": "high_tech", "renewal": false},
                       {"type": "relocation", "date": "2023-08-01", "certificate": "high_tech", "certificate_valid_until": "2024-01-01", "whole": true}]}"#,
    )
    .expect("facts");
    let iters = 200_000;
    println!("qiangke-rules eval benchmark: {} rules, 1 derivation, {} iterations per scenario", pack.rules.len(), iters);
    for (name, trace) in [("trace on", true), ("trace off", false)] {
        let opts = Options { years: vec![2023], trace, ..Options::default() };
        let (median, p99) = median_ns(
            || {
                black_box(evaluate(black_box(&pack), black_box(&facts), &opts));
            },
            iters,
        );
        println!("evaluate, {name:<9}: median {:>7.2} µs, p99 {:>7.2} µs", median / 1000.0, p99 / 1000.0);
    }
    let opts = Options { years: vec![2023], trace: false, awards_only: true, only_rules: None };
    let (median, p99) = median_ns(
        || {
            black_box(evaluate(black_box(&pack), black_box(&facts), &opts));
        },
        iters,
    );
    println!("evaluate, awards only (bulk runs): median {:>7.2} µs, p99 {:>7.2} µs", median / 1000.0, p99 / 1000.0);
    let opts = Options { years: vec![2023], trace: true, ..Options::default() };
    let (median, p99) = median_ns(
        || {
            let ev = evaluate(&pack, &facts, &opts);
            black_box(explain::to_json(&ev).to_string());
        },
        iters / 10,
    );
    println!("evaluate + JSON rendering (trace on): median {:>7.2} µs, p99 {:>7.2} µs", median / 1000.0, p99 / 1000.0);
    let t = Instant::now();
    let n = 50;
    for _ in 0..n {
        black_box(load_pack(&dir).expect("pack"));
    }
    println!("load + check the pack from disk: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0 / n as f64);
}
