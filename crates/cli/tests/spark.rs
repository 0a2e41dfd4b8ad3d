//! Differential test: the pack compiled to Spark SQL and run by Spark (local mode, ANSI on) gives
//! the same award rows and budget roll-up, to the fen, as `qiangke batch` over the same synthetic
//! population (100,000 rows, values on every threshold and one fen either side). Spark comes from PyPI's `pyspark`
//! in a virtual environment that scripts/test makes at `target/pyspark-venv` (with Java from
//! Debian when missing); `QIANGKE_PYSPARK_PYTHON` names another interpreter that has it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("QIANGKE_PYSPARK_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pyspark-venv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/test, which makes it, or set QIANGKE_PYSPARK_PYTHON to a Python with pyspark",
        venv.display()
    );
    venv
}

#[test]
fn sql_in_spark_matches_the_native_evaluator_to_the_fen() {
    let dir = std::env::temp_dir().join(format!("qiangke-spark-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (input, native, native_budget) = common::population_and_native_run(&dir, 100_000);
    let p = common::pack_dir();
    let p = p.to_str().expect("utf-8");
    let query = dir.join("awards.sql");
    std::fs::write(&query, common::qiangke(&["sql", p, "--dialect", "spark"])).expect("query");
    let budget_query = dir.join("budget.sql");
    std::fs::write(&budget_query, common::qiangke(&["sql", p, "--dialect", "spark", "--budget"])).expect("query");
    let (out, budget_out) = (dir.join("spark-awards"), dir.join("spark-budget"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spark_run.py");
    let o = Command::new(python())
        .arg(&script)
        .arg(&input)
        .arg(common::facts_columns().join(","))
        .args([&query, &out, &budget_query, &budget_out])
        .output()
        .expect("python runs");
    assert!(o.status.success(), "spark: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let part = |d: &Path| {
        std::fs::read_dir(d)
            .expect("spark output directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "csv"))
            .expect("a CSV part file")
    };
    common::assert_same_rows(&native, &part(&out), "Spark", 100_000);
    common::assert_same_rows(&native_budget, &part(&budget_out), "Spark", 10);
    let _ = std::fs::remove_dir_all(&dir);
}
