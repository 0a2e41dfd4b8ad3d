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
use qiangke_lower::sql::{Dialect, Output, Shape, SplitTable, Staged, compile_split, compile_to};
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

fn compiled<T>(r: std::result::Result<T, Vec<qiangke_lower::sql::SqlError>>) -> Result<T> {
    r.map_err(|errs| {
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
        if let Some(j) = header[..i].iter().position(|g| g == h) {
            bail!("{}:1: column {} `{}` repeats column {} (each fact has one column)", input.display(), i + 1, h.replace("__", "."), j + 1);
        }
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

/// The input as loaded into PostgreSQL ([`qiangke_lower::sql::Staged`]): the input's [`Shape`],
/// and per table of that shape its file and each data row's line in the input (for the errors
/// `COPY` reports by its own line).
pub struct Loaded {
    pub shape: Shape,
    pub tables: Vec<(SplitTable, PathBuf, Vec<u64>)>,
}

/// Reads the input once and writes the tables of [`qiangke_lower::sql::split_tables`] into
/// `dir`: every cell trimmed of spaces (as the query's `TRIM` would), a blank cell empty (NULL to
/// `COPY`), a row's event only where its date is given (as the query reads it). The input's
/// [`Shape`] is [`Shape::EntityYears`] when it is one row per entity and year, every row of an
/// entity carrying the same attribute cells and an entity's rows standing together; anything
/// else (or a year that is not a number, which `COPY` then reports) gets the general query,
/// which merges rows.
pub fn prepare(pack: &Pack, input: &Path, header: &[String], dir: &Path) -> Result<Loaded> {
    let at = |name: &str| header.iter().position(|h| h == name);
    let (id, year) = (at("id").context("no id column")?, at("year").context("no year column")?);
    let attrs: Vec<usize> = pack.vocab.attributes.iter().filter_map(|a| at(&qiangke_lower::sql::column(&a.name))).collect();
    let mut rdr = csv::ReaderBuilder::new().from_path(input).with_context(|| format!("cannot read {}", input.display()))?;
    // Per table: its file, where each of its columns is in the input (None: not given), the
    // column a row must give to be taken (an event's date; None: every row), and each row's
    // input line.
    struct Table {
        path: PathBuf,
        w: csv::Writer<std::fs::File>,
        from: Vec<Option<usize>>,
        needs: Option<Option<usize>>,
        lines: Vec<u64>,
    }
    let mut tables = Vec::new();
    // Written in the general layout; the shape, known at the end, names the first table.
    for t in qiangke_lower::sql::split_tables(pack, Shape::Any) {
        let path = dir.join(format!("{}.csv", t.name));
        let mut w = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
        w.write_record(t.columns.iter().map(|c| c.name.as_str()))?;
        let from = t.columns.iter().map(|c| at(&c.from)).collect();
        tables.push(Table { path, w, from, needs: t.needs().map(|c| at(&c.from)), lines: Vec::new() });
    }
    /// A cell trimmed of spaces, as the query's `TRIM` reads it (empty when the row has no such cell).
    fn cell(rec: &csv::ByteRecord, i: usize) -> &[u8] {
        let c = rec.get(i).unwrap_or_default();
        let s = c.iter().position(|&b| b != b' ').unwrap_or(c.len());
        let e = c.iter().rposition(|&b| b != b' ').map_or(s, |e| e + 1);
        &c[s..e]
    }
    let (mut rec, mut out) = (csv::ByteRecord::new(), csv::ByteRecord::new());
    let mut shape = Shape::EntityYears;
    let mut entity: Option<Vec<u8>> = None;
    let mut first: Vec<Vec<u8>> = Vec::new();
    let mut years: Vec<i64> = Vec::new();
    loop {
        let more = rdr.read_byte_record(&mut rec).map_err(|e| match e.position() {
            Some(p) => anyhow::anyhow!("{}:{}: {e}", input.display(), p.line()),
            None => anyhow::anyhow!("{}: {e}", input.display()),
        })?;
        if !more {
            break;
        }
        let line = rec.position().map_or(0, |p| p.line());
        for t in &mut tables {
            if t.needs.is_some_and(|d| d.is_none_or(|d| cell(&rec, d).is_empty())) {
                continue;
            }
            out.clear();
            for &i in &t.from {
                out.push_field(i.map_or(&[][..], |i| cell(&rec, i)));
            }
            t.w.write_byte_record(&out).with_context(|| format!("cannot write {}", t.path.display()))?;
            t.lines.push(line);
        }
        if shape == Shape::Any {
            continue;
        }
        let Some(y) = std::str::from_utf8(cell(&rec, year)).ok().and_then(|y| y.parse::<i64>().ok()) else {
            shape = Shape::Any;
            continue;
        };
        let i = cell(&rec, id);
        if entity.as_deref() == Some(i) {
            if years.contains(&y) || attrs.iter().zip(&first).any(|(&c, f)| cell(&rec, c) != &f[..]) {
                shape = Shape::Any;
            }
        } else if entity.as_deref().is_some_and(|e| i < e) {
            // A later entity sorts after the one before: no entity's rows stand apart.
            shape = Shape::Any;
        } else {
            entity = Some(i.to_vec());
            first = attrs.iter().map(|&c| cell(&rec, c).to_vec()).collect();
            years.clear();
        }
        years.push(y);
    }
    let mut done = Vec::new();
    for (mut t, table) in tables.into_iter().zip(qiangke_lower::sql::split_tables(pack, shape)) {
        t.w.flush().with_context(|| format!("cannot write {}", t.path.display()))?;
        done.push((table, t.path, t.lines));
    }
    Ok(Loaded { shape, tables: done })
}

/// PostgreSQL's error for a cell `COPY` refused (`COPY facts_recognition, line 5, column date: …`)
/// told by the input's own line.
fn copy_error(input: &Path, loaded: &Loaded, err: &str) -> Option<String> {
    let rest = &err[err.find("COPY ")? + 5..];
    let (table, rest) = rest.split_once(", line ")?;
    let n: usize = rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()?;
    let (t, _, lines) = loaded.tables.iter().find(|(t, _, _)| t.name == table)?;
    // Line 1 of the table's file is its header.
    let line = lines.get(n.checked_sub(2)?)?;
    let event = t.event.as_ref().map(|e| format!(" (event {e})")).unwrap_or_default();
    Some(format!("{}:{line}{event}: {}", input.display(), err.trim()))
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
            // The input read once here, trimmed and split into the tables PostgreSQL loads
            // typed: its casts happen in COPY, and each event is read from its own table.
            let loaded = prepare(job.pack, &input, &header, &scratch.dir)?;
            let Staged { setup, query } = compiled(compile_split(job.pack, Output::Awards, loaded.shape))?;
            // PostgreSQL keeps no statistics of a CTE: guessing the size of one, it would sort
            // every row of it for each rule, to merge-join a few thousand events. Hashing the
            // events is what these statements want.
            let mut script = String::from("SET enable_mergejoin = off;\n");
            for (t, path, _) in &loaded.tables {
                let cols: Vec<String> = t.columns.iter().map(|c| format!("{} {}", c.name, c.ty)).collect();
                script.push_str(&format!(
                    "CREATE TEMP TABLE {0} ({1});\n\\copy {0} FROM {2} WITH (FORMAT csv, HEADER true)\n",
                    t.name,
                    cols.join(", "),
                    sql_literal(path)?
                ));
            }
            for statement in &setup {
                script.push_str(statement);
                script.push_str(";\n");
            }
            script.push_str(&format!(
                "CREATE TEMP VIEW qiangke_awards AS\n{};\n\\copy (SELECT * FROM qiangke_awards) TO {} WITH (FORMAT csv, HEADER true)\n",
                query.trim_end(),
                sql_literal(&awards_tmp)?
            ));
            if let Some(budget_tmp) = &budget_tmp {
                let budget = compiled(compile_split(job.pack, Output::Budget, loaded.shape))?.query;
                script.push_str(&format!(
                    "CREATE TEMP VIEW qiangke_budget AS\n{};\n\\copy (SELECT * FROM qiangke_budget ORDER BY budget_year, paid_by, clause) TO {} WITH (FORMAT csv, HEADER true)\n",
                    budget.trim_end(),
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
                let err = String::from_utf8_lossy(&o.stderr);
                match copy_error(job.input, &loaded, &err) {
                    Some(located) => bail!("PostgreSQL run failed: {located}"),
                    None => bail!("PostgreSQL run failed: {}", err.trim()),
                }
            }
        }
        Engine::Spark { master, python } => {
            let d = Dialect::Spark;
            let script = scratch.dir.join("spark_run.py");
            std::fs::write(&script, SPARK_RUN).with_context(|| format!("cannot write {}", script.display()))?;
            let awards_sql = scratch.dir.join("awards.sql");
            std::fs::write(&awards_sql, compiled(compile_to(job.pack, d, Output::Awards))?)?;
            let mut cmd = Command::new(python);
            // An output folder named `….parquet` is written as Parquet, else as CSV.
            let awards_dir = scratch.dir.join(if is_parquet(job.out) { "awards-out.parquet" } else { "awards-out" });
            cmd.arg(&script).arg(&input).arg(all.join(",")).arg(&awards_sql).arg(&awards_dir);
            if job.budget.is_some() {
                let budget_sql = scratch.dir.join("budget.sql");
                std::fs::write(&budget_sql, compiled(compile_to(job.pack, d, Output::Budget))?)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> Pack {
        qiangke_rules::load_pack(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/wuwei-2022"))).expect("pack")
    }

    /// Writes `csv` as an input in a fresh folder and reads it as the engine does.
    fn load(csv: &str, tag: &str) -> (PathBuf, Result<Loaded>) {
        let dir = std::env::temp_dir().join(format!("qiangke-prepare-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out")).expect("dir");
        let path = dir.join("input.csv");
        std::fs::write(&path, csv).expect("write");
        let pack = pack();
        let (header, _) = columns(&pack, &path).expect("columns");
        let loaded = prepare(&pack, &path, &header, &dir.join("out"));
        (dir, loaded)
    }

    fn shape_of(csv: &str) -> Shape {
        let (dir, loaded) = load(csv, &format!("shape-{}", csv.len()));
        let _ = std::fs::remove_dir_all(&dir);
        loaded.expect("prepare").shape
    }

    #[test]
    fn one_row_per_entity_year_with_the_same_attributes_is_not_merged() {
        let csv = "id,year,kind,county,rd_expenditure\n\
                   a,2023,enterprise,minqin,100\n\
                   a,2024, enterprise ,minqin,200\n\
                   b,2023,enterprise,,5\n\
                   c,2022,team,gulang,\n";
        assert_eq!(shape_of(csv), Shape::EntityYears);
        // An empty input has nothing to merge either.
        assert_eq!(shape_of("id,year,kind\n"), Shape::EntityYears);
    }

    #[test]
    fn rows_that_must_be_merged_or_cannot_be_read_get_the_general_query() {
        // Two rows of one year (the second carrying a further event).
        assert_eq!(shape_of("id,year,kind\na,2023,enterprise\na,2023,enterprise\n"), Shape::Any);
        // The same year written another way is still the same year.
        assert_eq!(shape_of("id,year,kind\na,2023,enterprise\na, 2023 ,enterprise\n"), Shape::Any);
        // An attribute given on one row only, or differently on two.
        assert_eq!(shape_of("id,year,kind,county\na,2023,enterprise,minqin\na,2024,enterprise,\n"), Shape::Any);
        assert_eq!(shape_of("id,year,kind\na,2023,enterprise\na,2024,team\n"), Shape::Any);
        // An entity's rows apart: `a` again after `b`.
        assert_eq!(shape_of("id,year,kind\na,2023,enterprise\nb,2023,enterprise\na,2024,enterprise\n"), Shape::Any);
        // A year that is not a number (COPY reports it).
        assert_eq!(shape_of("id,year,kind\na,,enterprise\n"), Shape::Any);
    }

    #[test]
    fn the_input_is_split_trimmed_into_its_tables_and_errors_keep_the_input_line() {
        let csv = "id,year,kind,recognition.date,recognition.name\n a ,2023,enterprise,,\nb,2024,team, 2024-05-01 ,\" x y \"\n";
        let (dir, loaded) = load(csv, "split");
        let loaded = loaded.expect("prepare");
        let read = |name: &str| std::fs::read_to_string(dir.join("out").join(format!("{name}.csv"))).expect("table");
        let facts = read("facts");
        let first: Vec<&str> = facts.lines().collect();
        assert_eq!(first[0].split(',').take(3).collect::<Vec<_>>(), ["id", "year", "kind"]);
        assert!(first[1].starts_with("a,2023,enterprise,"), "{facts}");
        assert!(first[2].starts_with("b,2024,team,"), "{facts}");
        // Only the row that dates a recognition has one, with its row's id and year.
        let rec = read("facts_recognition");
        let rows: Vec<&str> = rec.lines().collect();
        assert_eq!(rows.len(), 2, "{rec}");
        assert!(rows[1].starts_with("b,2024,2024-05-01,"), "{rec}");
        assert!(rows[1].contains(",x y"), "{rec}");
        // One row per entity-year: the first table is the entity-years as they stand.
        assert_eq!(loaded.shape, Shape::EntityYears);
        assert_eq!(loaded.tables[0].0.name, "rows");
        // PostgreSQL names a refused cell by its table's line: told by the input's (line 3).
        let err = "psql:run.sql:9: ERROR:  invalid input syntax for type date: \"2024-13-01\"\nCONTEXT:  COPY facts_recognition, line 2, column _date: \"2024-13-01\"";
        let told = copy_error(Path::new("input.csv"), &loaded, err).expect("located");
        assert!(told.starts_with("input.csv:3 (event recognition): "), "{told}");
        let _ = std::fs::remove_dir_all(&dir);
        // A ragged row is named by its line before anything is loaded.
        let (dir, loaded) = load("id,year,kind\na,2023,enterprise\nb,2023\n", "ragged");
        let err = loaded.err().expect("ragged").to_string();
        assert!(err.contains("input.csv:3:"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_fact_given_twice_in_the_header_is_refused() {
        let dir = std::env::temp_dir().join(format!("qiangke-header-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("input.csv");
        std::fs::write(&path, "id,year,kind,rd_expenditure,rd_expenditure\na,2023,enterprise,1,9000000\n").expect("write");
        let err = columns(&pack(), &path).expect_err("refused").to_string();
        assert!(err.contains("input.csv:1: column 5 `rd_expenditure` repeats column 4"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
