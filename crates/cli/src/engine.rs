//! `qiangke batch --engine postgres|spark`: the population runs where the data lives. The pack is
//! compiled to SQL (`qiangke_lower::sql`), the CSV population is loaded as the `facts` table, and
//! the award rows (and the budget roll-up) come back as the same CSV files `--engine native`
//! writes, under their final names only when the run succeeds.
//!
//! PostgreSQL is driven through `psql` (the server's own client; `--database-url` is any libpq
//! connection string); Spark through `pyspark` (`--python`, default `python3`, with `--master`,
//! default `local[*]`), running the script `spark_run.py` that is built into this binary. Spark
//! also reads a Parquet population (`….parquet`, a file or a folder of part files) and a URI
//! (`hdfs://`, `s3a://`, `file://`) itself, without the driver opening it, and writes the award
//! rows as Parquet when `--out` names a `.parquet` file.

use anyhow::{Context, Result, bail};
use qiangke_lower::sql::{Dialect, Output, compile_to};
use qiangke_rules::model::Pack;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Spark driver, shared with the differential test that runs it directly.
const SPARK_RUN: &str = include_str!("../tests/spark_run.py");

pub enum Engine {
    Postgres { url: String },
    Spark { master: String, python: PathBuf },
}

pub struct Job<'a> {
    pub pack: &'a Pack,
    pub input: &'a Path,
    pub out: &'a Path,
    pub budget: Option<&'a Path>,
}

/// A scratch directory and the results staged next to their destinations, all removed whatever
/// happens (a result renamed into place is no longer there to remove).
struct Scratch {
    dir: PathBuf,
    staged: Vec<PathBuf>,
}

impl Scratch {
    /// Where the result for `to` is written until the run succeeds: a hidden file in the same
    /// directory, so putting it in place is one rename (as `qiangke batch` names its own).
    fn stage(&mut self, to: &Path) -> Result<PathBuf> {
        let name = to.file_name().with_context(|| format!("{} is not a file name", to.display()))?;
        let staged = to.with_file_name(format!(".{}.partial-{}", name.to_string_lossy(), std::process::id()));
        self.staged.push(staged.clone());
        Ok(staged)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        for f in &self.staged {
            let _ = std::fs::remove_file(f);
        }
    }
}

fn compile(pack: &Pack, d: Dialect, out: Output) -> Result<String> {
    compile_to(pack, d, out).map_err(|errs| {
        let lines: Vec<String> = errs.iter().map(|e| format!("error: {e}")).collect();
        anyhow::anyhow!("the pack does not compile to SQL:\n{}", lines.join("\n"))
    })
}

/// The facts table's columns: the input's header (`EVENT.FIELD` as `EVENT__FIELD`), checked
/// against the pack's vocabulary, then every other column the query reads.
fn columns(pack: &Pack, input: &Path) -> Result<(Vec<String>, Vec<String>)> {
    let mut rdr = csv::Reader::from_path(input).with_context(|| format!("cannot read {}", input.display()))?;
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{}:1: cannot read the header", input.display()))?
        .iter()
        .map(|h| qiangke_lower::sql::column(h.trim()))
        .collect();
    let all = qiangke_lower::sql::table_columns(pack);
    for (i, h) in header.iter().enumerate() {
        if !all.contains(h) {
            bail!(
                "{}:1: column {} `{}` is not a fact of pack {} (expected one of the batch layout's columns)",
                input.display(),
                i + 1,
                h.replace("__", "."),
                pack.id
            );
        }
    }
    for need in ["id", "year"] {
        if !header.iter().any(|h| h == need) {
            bail!("{}:1: the header has no `{need}` column", input.display());
        }
    }
    Ok((header, all))
}

/// A path as a single-quoted SQL string literal.
fn sql_literal(p: &Path) -> Result<String> {
    let s = p.to_str().with_context(|| format!("{} is not UTF-8", p.display()))?;
    Ok(format!("'{}'", s.replace('\'', "''")))
}

/// Whether a population is named by a URI (`hdfs://…`, `s3a://…`, `file://…`) rather than a path.
pub fn is_uri(p: &Path) -> bool {
    p.to_str()
        .and_then(|s| s.split_once("://"))
        .is_some_and(|(scheme, _)| !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
}

/// Whether a population or a result is Parquet (`….parquet`, a file or a folder of part files).
pub fn is_parquet(p: &Path) -> bool {
    p.extension().is_some_and(|x| x.eq_ignore_ascii_case("parquet"))
}

pub fn run(engine: &Engine, job: &Job) -> Result<()> {
    // Spark reads a URI or a Parquet population itself: the driver never opens it (Spark checks
    // its columns against the pack's). A local CSV is checked here first.
    let spark_reads = matches!(engine, Engine::Spark { .. }) && (is_uri(job.input) || is_parquet(job.input));
    let (header, all) = if spark_reads { (Vec::new(), qiangke_lower::sql::table_columns(job.pack)) } else { columns(job.pack, job.input)? };
    let dir = std::env::temp_dir().join(format!("qiangke-engine-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut scratch = Scratch { dir, staged: Vec::new() };
    let input = if is_uri(job.input) {
        job.input.to_path_buf()
    } else {
        std::fs::canonicalize(job.input).with_context(|| format!("cannot read {}", job.input.display()))?
    };
    let awards_tmp = scratch.stage(job.out)?;
    let budget_tmp = job.budget.map(|b| scratch.stage(b)).transpose()?;
    match engine {
        Engine::Postgres { url } => {
            let d = Dialect::Postgres;
            let mut script = format!(
                "CREATE TEMP TABLE facts ({});\n\\copy facts({}) FROM {} WITH (FORMAT csv, HEADER true)\nCREATE TEMP VIEW qiangke_awards AS\n{};\n\\copy (SELECT * FROM qiangke_awards) TO {} WITH (FORMAT csv, HEADER true)\n",
                all.iter().map(|c| format!("{c} text")).collect::<Vec<_>>().join(", "),
                header.join(", "),
                sql_literal(&input)?,
                compile(job.pack, d, Output::Awards)?.trim_end(),
                sql_literal(&awards_tmp)?
            );
            if let Some(budget_tmp) = &budget_tmp {
                script.push_str(&format!(
                    "CREATE TEMP VIEW qiangke_budget AS\n{};\n\\copy (SELECT * FROM qiangke_budget ORDER BY budget_year, paid_by, clause) TO {} WITH (FORMAT csv, HEADER true)\n",
                    compile(job.pack, d, Output::Budget)?.trim_end(),
                    sql_literal(budget_tmp)?
                ));
            }
            let path = scratch.dir.join("run.sql");
            std::fs::write(&path, script).with_context(|| format!("cannot write {}", path.display()))?;
            let o = Command::new("psql")
                .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
                .arg(&path)
                .output()
                .context("cannot run psql (PostgreSQL's client; Debian package postgresql-client)")?;
            if !o.status.success() {
                bail!("PostgreSQL run failed: {}", String::from_utf8_lossy(&o.stderr).trim());
            }
        }
        Engine::Spark { master, python } => {
            let d = Dialect::Spark;
            let script = scratch.dir.join("spark_run.py");
            std::fs::write(&script, SPARK_RUN).with_context(|| format!("cannot write {}", script.display()))?;
            let awards_sql = scratch.dir.join("awards.sql");
            std::fs::write(&awards_sql, compile(job.pack, d, Output::Awards)?)?;
            let mut cmd = Command::new(python);
            // An output folder named `….parquet` is written as Parquet, else as CSV.
            let awards_dir = scratch.dir.join(if is_parquet(job.out) { "awards-out.parquet" } else { "awards-out" });
            cmd.arg(&script).arg(&input).arg(all.join(",")).arg(&awards_sql).arg(&awards_dir);
            if job.budget.is_some() {
                let budget_sql = scratch.dir.join("budget.sql");
                std::fs::write(&budget_sql, compile(job.pack, d, Output::Budget)?)?;
                cmd.arg(&budget_sql).arg(scratch.dir.join("budget-out"));
            }
            cmd.env("QIANGKE_SPARK_MASTER", master);
            cmd.env("QIANGKE_SPARK_WAREHOUSE", scratch.dir.join("warehouse"));
            let o = cmd.output().with_context(|| format!("cannot run {} (a Python with pyspark)", python.display()))?;
            if !o.status.success() {
                let err = String::from_utf8_lossy(&o.stderr);
                // The exception and Python's traceback, without the JVM's stack frames.
                let tail: Vec<&str> =
                    err.lines().filter(|l| !l.trim_start().starts_with("at ") && !l.trim().is_empty()).rev().take(20).collect();
                bail!("Spark run failed:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
            take_part(&awards_dir, &awards_tmp)?;
            if let Some(budget_tmp) = &budget_tmp {
                take_part(&scratch.dir.join("budget-out"), budget_tmp)?;
            }
        }
    }
    // Both results are complete: put them in place (the budget first, the awards last).
    if let (Some(tmp), Some(b)) = (&budget_tmp, job.budget) {
        std::fs::rename(tmp, b).with_context(|| format!("cannot write {}", b.display()))?;
    }
    std::fs::rename(&awards_tmp, job.out).with_context(|| format!("cannot write {}", job.out.display()))
}

/// Moves the one part file (CSV, or Parquet for a `….parquet` folder) Spark wrote into `dir` to
/// `to` (copied when `to` is on another file system).
fn take_part(dir: &Path, to: &Path) -> Result<()> {
    let ext = if is_parquet(dir) { "parquet" } else { "csv" };
    let part = std::fs::read_dir(dir)
        .with_context(|| format!("Spark wrote no output directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == ext) && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("part-")))
        .with_context(|| format!("Spark wrote no {ext} part file in {}", dir.display()))?;
    if std::fs::rename(&part, to).is_err() {
        std::fs::copy(&part, to).with_context(|| format!("cannot write {}", to.display()))?;
    }
    Ok(())
}
