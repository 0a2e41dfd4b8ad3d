//! Benchmark program (not a timed test) for what-if sweeps: loads a population columnar (the
//! synthetic file of the batch benchmark, written on first use), then times the baseline and the
//! variants of a reform file apart, and says what the population holds and what the process
//! holds at each step (VmRSS) and at most (VmHWM). The `qiangke` binary uses mimalloc and this
//! program the system allocator: measure the binary too (`/usr/bin/time -v qiangke whatif …`).
//! Run with `cargo bench -p qiangke-batch --bench whatif -- [ROWS] [REFORM.toml]` (default: 1M
//! rows, `crates/batch/benches/sweep100.toml`).

use qiangke_batch::whatif::{Baseline, variant_outcome, variants};
use qiangke_batch::{BatchOptions, Outputs, run_file};
use std::path::PathBuf;
use std::time::Instant;

fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let rows: u64 = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let reform: PathBuf = args.iter().find(|a| a.ends_with(".toml")).map_or_else(|| root.join("benches/sweep100.toml"), PathBuf::from);
    let dir = root.join("../../packs/wuwei-2022");
    let pack = qiangke_rules::load_pack(&dir).expect("pack");
    let files = qiangke_rules::read_pack_files(&dir).expect("pack files");
    let text = std::fs::read_to_string(&reform).expect("reform file");
    let vs =
        variants(&files, &pack, &reform.display().to_string(), &text).unwrap_or_else(|e| panic!("{}", e.render(qiangke_i18n::Lang::En)));
    let tmp = std::env::temp_dir().join("qiangke-bench");
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    let input = tmp.join(format!("synthetic-{rows}.csv"));
    if !input.exists() {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&input).expect("create"));
        qiangke_batch::synth::write_csv(&pack, rows, 7, &mut w).expect("synth");
    }
    println!("input: {} ({rows} rows); reform: {} ({} variants)", input.display(), reform.display(), vs.len());

    let t = Instant::now();
    let summary = run_file(&pack, &input, &BatchOptions { collect: true, ..BatchOptions::default() }, &Outputs::default()).expect("load");
    let mut population = summary.population.expect("collected");
    population.shrink();
    let loaded = t.elapsed().as_secs_f64();
    println!(
        "load        : {loaded:.3} s ({} entities, {} rows); the population holds {:.1} MiB; process {:.1} MiB",
        population.len(),
        population.rows(),
        population.heap_bytes() as f64 / 1048576.0,
        status_mib("VmRSS:")
    );

    let t = Instant::now();
    let base = Baseline::new(&pack, &population, &[], 0);
    println!("baseline    : {:.3} s; process {:.1} MiB", t.elapsed().as_secs_f64(), status_mib("VmRSS:"));

    let t = Instant::now();
    let mut changed = 0u64;
    for v in &vs {
        changed += variant_outcome(&base, v, &population, &[], 0).effects.changed;
    }
    let e = t.elapsed().as_secs_f64();
    println!(
        "{} variants: {e:.3} s ({:.1} ms each; {changed} awards changed in all); process {:.1} MiB",
        vs.len(),
        e * 1000.0 / vs.len() as f64,
        status_mib("VmRSS:")
    );
    println!("peak RSS (whole process): {:.1} MiB", status_mib("VmHWM:"));
}
