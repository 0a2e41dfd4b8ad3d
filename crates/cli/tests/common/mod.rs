//! Shared by the SQL differential tests (PostgreSQL and Spark): the population (synthetic rows and
//! every pack case), the native run it is compared with, and award rows in comparable form.

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

/// The population the engines are compared on: a synthetic population of `rows`
/// entity-years (values on every threshold) followed by every case of the pack as flat rows
/// (`case-NNNN`; a second event of a type in a year on a further row), and the native batch run
/// over it, in a fresh temporary folder named after `engine`. Checks that the pack's cases give
/// award rows (they must come out of the engine too). Returns (folder, population.csv, native
/// awards.csv, native budget.csv).
pub fn population_and_native_run(engine: &str, rows: usize) -> (PathBuf, PathBuf, PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("qiangke-{engine}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let p = pack_dir();
    let p = p.to_str().expect("utf-8");
    let synthetic = dir.join("synthetic.csv");
    let n = rows.to_string();
    qiangke(&["synth", p, "--rows", &n, "--seed", "21", "--out", synthetic.to_str().expect("utf-8")]);
    let pack = qiangke_rules::load_pack(&pack_dir()).expect("pack");
    let cases = qiangke_rules::cases::load_cases(&pack, &pack_dir()).unwrap_or_else(|e| panic!("{e}"));
    let header = qiangke_batch::flat::header(&pack);
    let input = dir.join("population.csv");
    let mut w = csv::Writer::from_path(&input).expect("population.csv");
    w.write_record(&header).expect("header");
    let mut rdr = csv::Reader::from_path(&synthetic).expect("synthetic.csv");
    let synth_header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let at: Vec<usize> =
        synth_header.iter().map(|h| header.iter().position(|c| c == h).expect("a synthetic column is a flat column")).collect();
    for r in rdr.records() {
        let r = r.expect("record");
        let mut row = vec![String::new(); header.len()];
        for (i, c) in r.iter().enumerate() {
            row[at[i]] = c.to_string();
        }
        w.write_record(&row).expect("row");
    }
    // Case ids sort after the synthetic `SYN…` ones, as the native reader needs.
    for (i, c) in cases.iter().enumerate() {
        let mut facts = c.facts.clone();
        facts.entity_id = format!("case-{i:04}");
        for row in qiangke_batch::flat::rows(&pack, &facts) {
            w.write_record(&row).expect("row");
        }
    }
    w.flush().expect("flush");
    let native = dir.join("native.csv");
    let budget = dir.join("native-budget.csv");
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    qiangke(&["batch", p, "--input", &s(&input), "--out", &s(&native), "--budget", &s(&budget)]);
    let cases = case_rows(&native);
    assert!(cases > 100, "award rows of the pack's cases in the native run: {cases}");
    (dir, input, native, budget)
}

/// The award rows of the pack's cases (`case-NNNN`) in an award table.
pub fn case_rows(path: &Path) -> usize {
    table_rows(path).iter().filter(|r| r[0].starts_with("case-")).count()
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
