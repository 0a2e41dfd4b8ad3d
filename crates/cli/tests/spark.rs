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

    // The same population as Parquet (typed columns), given to Spark by URI: the driver does not
    // open it; and the award rows written as Parquet.
    let parquet = dir.join("population.parquet");
    convert(&py, "to-parquet", &input, &parquet);
    let uri = format!("file://{}", s(&parquet));
    let (from_uri, as_parquet) = (dir.join("spark-uri.csv"), dir.join("spark.parquet"));
    for to in [&from_uri, &as_parquet] {
        let o = Command::new(env!("CARGO_BIN_EXE_qiangke"))
            .args(["batch", p, "--engine", "spark", "--master", "local[2]", "--python", &py])
            .args(["--input", &uri, "--out", &s(to)])
            .output()
            .expect("qiangke runs");
        assert!(o.status.success(), "qiangke batch --engine spark --input {uri}: {}", String::from_utf8_lossy(&o.stderr));
    }
    common::assert_same_rows(&native, &from_uri, "Spark, Parquet by URI", 100_000);
    let back = dir.join("spark-parquet-as.csv");
    convert(&py, "to-csv", &as_parquet, &back);
    common::assert_same_rows(&native, &back, "Spark, written as Parquet", 100_000);
    // PostgreSQL reads local CSV only: a URI is refused before anything runs.
    let o = Command::new(env!("CARGO_BIN_EXE_qiangke"))
        .args(["batch", p, "--engine", "postgres", "--database-url", "postgresql://nowhere/x", "--input", &uri, "--out", &s(&out)])
        .output()
        .expect("qiangke runs");
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("population.parquet"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A CSV population to a Parquet file with typed columns (`to-parquet`: money as decimals, dates
/// as dates, flags as booleans where the column holds nothing else), or one Parquet part file to
/// CSV (`to-csv`), with pyspark.
fn convert(py: &str, how: &str, from: &Path, to: &Path) {
    const SCRIPT: &str = r#"
import glob, os, shutil, sys
from pyspark.sql import SparkSession
how, src, dst = sys.argv[1:4]
spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
if how == "to-parquet":
    df = spark.read.option("header", "true").option("inferSchema", "true").csv(src)
    df.coalesce(1).write.mode("overwrite").parquet(dst + ".dir")
    part = glob.glob(dst + ".dir/part-*.parquet")[0]
else:
    df = spark.read.parquet(src)
    df.coalesce(1).write.mode("overwrite").option("header", "true").csv(dst + ".dir")
    part = glob.glob(dst + ".dir/part-*.csv")[0]
shutil.move(part, dst)
shutil.rmtree(dst + ".dir")
spark.stop()
"#;
    let o = Command::new(py).args(["-c", SCRIPT, how]).arg(from).arg(to).output().expect("python runs");
    assert!(o.status.success(), "convert {how}: {}", String::from_utf8_lossy(&o.stderr));
}
