//! Shared by the SQL differential tests (PostgreSQL and Spark): the synthetic population, the
//! native run it is compared with, the facts table's columns, and award rows in comparable form.

use qiangke_rules::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn pack_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")
}

/// Runs `qiangke` and returns its standard output; fails the test with its standard error.
pub fn qiangke(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_qiangke")).args(args).output().expect("qiangke");
    assert!(o.status.success(), "qiangke {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// A synthetic population of `rows` entity-years in `dir`, and the native batch run over it.
/// Returns (population.csv, native awards.csv, native budget.csv).
pub fn population_and_native_run(dir: &Path, rows: usize) -> (PathBuf, PathBuf, PathBuf) {
    let p = pack_dir();
    let p = p.to_str().expect("utf-8");
    let input = dir.join("population.csv");
    let n = rows.to_string();
    qiangke(&["synth", p, "--rows", &n, "--seed", "21", "--out", input.to_str().expect("utf-8")]);
    let native = dir.join("native.csv");
    let budget = dir.join("native-budget.csv");
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    qiangke(&["batch", p, "--input", &s(&input), "--out", &s(&native), "--budget", &s(&budget)]);
    (input, native, budget)
}

pub type Row = Vec<String>;

const AWARD_COLUMNS: [&str; 10] = ["entity", "claim_year", "rule", "clause", "kind", "state", "low", "high", "budget_year", "paid_by"];
const BUDGET_COLUMNS: [&str; 6] = ["budget_year", "paid_by", "clause", "awards", "low", "high"];

/// Rows of an award or budget table (by its header) with amounts (`low`, `high`) normalised to
/// two decimals, sorted.
pub fn table_rows(path: &Path) -> Vec<Row> {
    let mut rdr = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let money: [usize; 2] = if header == AWARD_COLUMNS {
        [6, 7]
    } else if header == BUDGET_COLUMNS {
        [4, 5]
    } else {
        panic!("{}: columns {header:?} are neither the award nor the budget table's", path.display())
    };
    let mut out: Vec<Row> = rdr
        .records()
        .map(|r| {
            let r = r.expect("record");
            r.iter()
                .enumerate()
                .map(|(i, c)| {
                    if money.contains(&i) && !c.is_empty() {
                        let mut d: Decimal = c.parse().expect("amount");
                        d.rescale(2);
                        d.to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    out.sort();
    out
}

/// Asserts two award (or budget) files hold the same rows, naming the first difference.
pub fn assert_same_rows(native: &Path, other: &Path, engine: &str, min_rows: usize) {
    let (n, s) = (table_rows(native), table_rows(other));
    assert!(n.len() > min_rows, "{}: more than {min_rows} rows expected ({})", native.display(), n.len());
    assert_eq!(n.len(), s.len(), "as many rows of {} in {engine} as natively", native.display());
    for (a, b) in n.iter().zip(&s) {
        assert_eq!(a, b, "first difference between the native run and {engine}");
    }
}
