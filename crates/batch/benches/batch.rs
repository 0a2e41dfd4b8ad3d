//! Benchmark program (not a timed test) for population runs. Writes a synthetic population if
//! the file is missing, then times, over the same file: the floor (the `csv` crate reading every
//! record and four money columns as integer fen, one thread: what any reader must at least do),
//! qiangke's parse-only pass and a full run; prints rows per second and peak memory (VmHWM from
//! /proc; this program uses the system allocator, the `qiangke` binary mimalloc, so measure the
//! binary as users run it with `/usr/bin/time -v`). Run with
//! `cargo bench -p qiangke-batch --bench batch -- [ROWS] [--jobs N] [--floor-only|--parse-only|--full-only]`.

use qiangke_batch::{BatchOptions, Outputs, run_file};
use std::path::PathBuf;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rows: u64 = args.iter().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let jobs: usize = args.iter().position(|a| a == "--jobs").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(0);
    let mode = if args.iter().any(|a| a == "--floor-only") {
        "floor"
    } else if args.iter().any(|a| a == "--parse-only") {
        "parse"
    } else if args.iter().any(|a| a == "--full-only") {
        "full"
    } else {
        "both"
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
    let pack = qiangke_rules::load_pack(&dir).expect("pack");
    let tmp = std::env::temp_dir().join("qiangke-bench");
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let input: PathBuf = tmp.join(format!("synthetic-{rows}.csv"));
    if !input.exists() {
        let f = std::fs::File::create(&input).expect("create");
        let mut w = std::io::BufWriter::new(f);
        qiangke_batch::synth::write_csv(&pack, rows, 7, &mut w).expect("synth");
    }
    let size = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
    println!(
        "input: {} ({rows} rows, {:.1} MB), jobs: {}",
        input.display(),
        size as f64 / 1e6,
        if jobs == 0 { "all cores".into() } else { jobs.to_string() }
    );
    let outputs = Outputs {
        awards: Some(tmp.join("awards.csv")),
        totals: None,
        errors: Some(tmp.join("errors.csv")),
        bom: false,
        lang: qiangke_i18n::Lang::En,
    };
    let mut floor_s = None;
    if mode == "both" || mode == "floor" {
        let t = Instant::now();
        let (n, sum) = floor(&pack, &input);
        let e = t.elapsed().as_secs_f64();
        floor_s = Some(e);
        println!("csv floor  : {e:.3} s, {:.0} rows/s ({n} rows, four money columns summing to {sum} fen)", n as f64 / e);
    }
    let mut parse_s = None;
    if mode == "both" || mode == "parse" {
        let t = Instant::now();
        let s =
            run_file(&pack, &input, &BatchOptions { parse_only: true, jobs, ..BatchOptions::default() }, &outputs).expect("parse-only run");
        let e = t.elapsed().as_secs_f64();
        parse_s = Some(e);
        println!("parse only : {e:.3} s, {:.0} rows/s ({} rows, {} entities)", s.rows as f64 / e, s.rows, s.entities);
        if let Some(f) = floor_s {
            println!("parse-only / csv floor: {:.2}×", e / f);
        }
    }
    if mode == "both" || mode == "full" {
        let t = Instant::now();
        let s = run_file(&pack, &input, &BatchOptions { jobs, ..BatchOptions::default() }, &outputs).expect("run");
        let e = t.elapsed().as_secs_f64();
        println!("full run   : {e:.3} s, {:.0} rows/s ({} awards, grand total low {})", s.rows as f64 / e, s.awards, s.budget.total().low);
        if let Some(p) = parse_s {
            println!("full / parse-only: {:.2}×", e / p);
        }
    }
    println!("peak RSS (whole process): {:.1} MiB", peak_rss_mib());
}

/// The floor: every record read with the `csv` crate, one thread, and the first four money
/// columns of the vocabulary converted to integer fen (digits, an optional point and up to two
/// decimals; an empty cell is skipped). Returns the rows and the sum, so that nothing is elided.
fn floor(pack: &qiangke_rules::Pack, input: &std::path::Path) -> (u64, i64) {
    let mut r = csv::ReaderBuilder::new().from_path(input).expect("open");
    let header = r.byte_headers().expect("header").clone();
    let money: Vec<usize> = pack
        .vocab
        .yearly
        .iter()
        .filter(|y| y.ty == qiangke_rules::model::Type::Money)
        .filter_map(|y| header.iter().position(|h| h == y.name.as_bytes()))
        .take(4)
        .collect();
    assert_eq!(money.len(), 4, "four money columns in the synthetic layout");
    let (mut n, mut sum) = (0u64, 0i64);
    let mut rec = csv::ByteRecord::new();
    while r.read_byte_record(&mut rec).expect("record") {
        n += 1;
        for &i in &money {
            sum = sum.wrapping_add(fen(&rec[i]));
        }
    }
    (n, sum)
}

fn fen(cell: &[u8]) -> i64 {
    let (mut v, mut decimals, mut point) = (0i64, 0u32, false);
    for &b in cell {
        match b {
            b'0'..=b'9' if !point || decimals < 2 => {
                v = v * 10 + i64::from(b - b'0');
                decimals += u32::from(point);
            }
            b'.' if !point => point = true,
            _ => panic!("not a plain amount: {}", String::from_utf8_lossy(cell)),
        }
    }
    v * 10i64.pow(2 - decimals)
}
