//! Differential test: the pack compiled to Spark SQL and run by Spark (local mode, ANSI on) gives
//! the same award rows, to the fen, as `qiangke batch` over the same synthetic population (100,000
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
    let dir = std::env::temp_dir().join(format!("qiangke-spark-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (input, native) = common::population_and_native_run(&dir, 100_000);
    let p = common::pack_dir();
    let query = dir.join("awards.sql");
    std::fs::write(&query, common::qiangke(&["sql", p.to_str().expect("utf-8"), "--dialect", "spark"])).expect("query");
    let out = dir.join("spark-out");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spark_run.py");
    let o = Command::new(python())
        .arg(&script)
        .arg(&query)
        .arg(&input)
        .arg(&out)
        .arg(common::facts_columns().join(","))
        .output()
        .expect("python runs");
    assert!(o.status.success(), "spark: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let part = std::fs::read_dir(&out)
        .expect("spark output directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .expect("a CSV part file");
    common::assert_same_awards(&native, &part, "Spark", 100_000);
    let _ = std::fs::remove_dir_all(&dir);
}
