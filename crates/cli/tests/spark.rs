//! Differential test: `qiangke batch --engine spark` (the pack compiled to Spark SQL, run by Spark
//! in local mode with ANSI on through the built-in `spark_run.py`) gives the same award rows and
//! budget roll-up, to the fen, as `qiangke batch` over the same synthetic population (100,000
//! rows, values on every threshold and one fen either side). Spark comes from PyPI's `pyspark`
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
    let (dir, input, native, native_budget) = common::population_and_native_run("spark", 100_000);
    let p = common::pack_dir();
    let p = p.to_str().expect("utf-8");
    let (out, budget) = (dir.join("spark.csv"), dir.join("spark-budget.csv"));
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    let py = s(&python());
    let o = Command::new(env!("CARGO_BIN_EXE_qiangke"))
        .args(["batch", p, "--engine", "spark", "--master", "local[2]", "--python", &py])
        .args(["--input", &s(&input), "--out", &s(&out), "--budget", &s(&budget)])
        .output()
        .expect("qiangke runs");
    assert!(o.status.success(), "qiangke batch --engine spark: {}", String::from_utf8_lossy(&o.stderr));
    common::assert_same_rows(&native, &out, "Spark", 100_000);
    common::assert_same_rows(&native_budget, &budget, "Spark", 10);
    let _ = std::fs::remove_dir_all(&dir);
}
