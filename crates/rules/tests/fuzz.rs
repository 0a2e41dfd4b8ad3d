//! Mutated packs and facts files never panic: every mutation either loads or yields diagnostics.
//! A small deterministic generator (no external fuzzer needed in CI) flips, deletes, inserts and
//! truncates bytes of the real Wuwei pack files and of a facts file.

mod common;

use qiangke_rules::{Options, evaluate, load_facts, load_pack_files};
use std::panic::{AssertUnwindSafe, catch_unwind};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SPICE: &[&str] = &[
    "\"", "'", "[", "]", "{", "}", "=", "(", ")", ",", ".", "\n", "万元", "亿", "以上", "不满", "%", "-", "0", "9", "&&", "||", "!", "\\",
    "\u{0}", "🀄", "tier(", "range(", "'''", "\"\"\"",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        if b.is_empty() {
            break;
        }
        let at = rng.below(b.len());
        match rng.below(5) {
            0 => b[at] = rng.next() as u8,
            1 => {
                let n = 1 + rng.below(8);
                b.drain(at..(at + n).min(b.len()));
            }
            2 => {
                let s = SPICE[rng.below(SPICE.len())];
                b.splice(at..at, s.bytes());
            }
            3 => b.truncate(at),
            _ => {
                // Duplicate a slice elsewhere: repeated keys and tables.
                let n = rng.below(40).min(b.len() - at);
                let chunk: Vec<u8> = b[at..at + n].to_vec();
                let to = rng.below(b.len());
                b.splice(to..to, chunk);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn mutated_packs_never_panic() {
    let files = common::wuwei_files();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut loaded = 0;
    let mut rejected = 0;
    for i in 0..1500 {
        let mut fs = files.clone();
        // Mutate one pack file (not the source text, whose change only breaks quotes).
        let k = rng.below(fs.len());
        if fs[k].0 == "source.zh.txt" {
            continue;
        }
        fs[k].1 = mutate(&mut rng, &fs[k].1);
        let outcome = catch_unwind(AssertUnwindSafe(|| match load_pack_files(&fs) {
            Ok(p) => {
                // A pack that still loads must evaluate without panicking too.
                let facts =
                    r#"{"entity": {"id": "E", "kind": "enterprise", "above_scale": true}, "years": {"2023": {"rd_expenditure": "1亿元"}}}"#;
                if let Ok(f) = load_facts(&p, "f.json", facts) {
                    let ev = evaluate(&p, &f, &Options { years: vec![2023], trace: true, ..Options::default() });
                    let _ = qiangke_rules::explain::to_text(&ev, qiangke_rules::Lang::En);
                }
                true
            }
            Err(r) => {
                assert!(!r.diagnostics.is_empty(), "an error report without diagnostics");
                let _ = r.render();
                false
            }
        }));
        match outcome {
            Ok(true) => loaded += 1,
            Ok(false) => rejected += 1,
            Err(_) => panic!("iteration {i}: panicked on a mutation of {}:\n{}", fs[k].0, fs[k].1),
        }
    }
    assert!(rejected > 500, "the mutations should mostly break the pack ({loaded} loaded, {rejected} rejected)");
}

#[test]
fn mutated_facts_never_panic() {
    let pack = common::wuwei();
    let base = r#"{"entity": {"id": "E1", "name": "某公司", "kind": "enterprise", "above_scale": true, "uscc": "91620600123456788A", "county": "liangzhou"},
 "years": {"2023": {"rd_expenditure": "1500万元", "super_deduction_first_time": true, "super_deduction_amount": "500000.01"}},
 "events": [{"type": "recognition", "date": "2023-05-10", "kind": "high_tech", "renewal": false},
            {"type": "relocation", "date": "2024-01-02", "certificate": "high_tech", "certificate_valid_until": "2025-01-01", "whole": true}]}"#;
    let toml_base = "[entity]\nid = \"E1\"\nkind = \"enterprise\"\nabove_scale = true\n[years.2023]\nrd_expenditure = \"1500万元\"\n[[events]]\ntype = \"recognition\"\ndate = \"2023-05-10\"\nkind = \"high_tech\"\nrenewal = false\n";
    let mut rng = Rng(42);
    for i in 0..4000 {
        let (name, text) = if i % 2 == 0 { ("f.json", mutate(&mut rng, base)) } else { ("f.toml", mutate(&mut rng, toml_base)) };
        let r = catch_unwind(AssertUnwindSafe(|| {
            if let Ok(f) = load_facts(&pack, name, &text) {
                let ev = evaluate(&pack, &f, &Options { years: vec![], trace: true, ..Options::default() });
                let _ = qiangke_rules::explain::to_json(&ev);
            }
        }));
        assert!(r.is_ok(), "iteration {i}: panicked on {name}:\n{text}");
    }
}

#[test]
fn hostile_expressions_never_panic() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    let nots = "!".repeat(10_000) + "true";
    let negs = "-".repeat(10_000) + "1元";
    let huge = "9".repeat(100) + "亿元";
    for src in [deep.as_str(), nots.as_str(), negs.as_str(), huge.as_str(), "", "()", "a..b", "1元 1元", "[", "tier(", "if", "🀄"] {
        let r = catch_unwind(|| qiangke_rules::syntax::parse_expr(src));
        assert!(r.is_ok(), "parser panicked on {src:?}");
    }
}
