//! Differential test: the pack compiled to SQL and run inside a real PostgreSQL server gives the
//! same award rows and budget roll-up, to the fen, as `qiangke batch` over the same synthetic
//! population (100,000 rows, values on every threshold and one fen either side). The test starts
//! a throwaway cluster with the machine's `initdb` and `pg_ctl` (Debian's postgresql, installed
//! by scripts/test when missing) on a private socket, and stops it whatever happens.

mod common;

use qiangke_testkit::Cluster;
use std::path::Path;

#[test]
fn sql_in_postgres_matches_the_native_evaluator_to_the_fen() {
    let (dir, input, native, native_budget) = common::population_and_native_run("pg", 100_000);
    let p = common::pack_dir();
    let p = p.to_str().expect("utf-8");
    let sql = String::from_utf8(common::qiangke(&["sql", p, "--dialect", "postgres"])).expect("utf-8");
    let budget_sql = String::from_utf8(common::qiangke(&["sql", p, "--dialect", "postgres", "--budget"])).expect("utf-8");

    // The facts table: every column the pack's vocabulary names, as text; the CSV fills its own.
    let cols = qiangke_lower::sql::table_columns(&qiangke_rules::load_pack(&common::pack_dir()).expect("pack"));
    let header = std::fs::read_to_string(&input).expect("input").lines().next().expect("header").replace('.', "__");
    let out = dir.join("postgres.csv");
    let budget = dir.join("postgres-budget.csv");
    let script = format!(
        "CREATE TABLE facts ({});\n\\copy facts({header}) FROM '{}' WITH (FORMAT csv, HEADER true)\n\
         CREATE VIEW awards AS\n{sql};\n\\copy (SELECT * FROM awards) TO '{}' WITH (FORMAT csv, HEADER true)\n\
         CREATE VIEW budget AS\n{budget_sql};\n\\copy (SELECT * FROM budget) TO '{}' WITH (FORMAT csv, HEADER true)\n",
        cols.iter().map(|c| format!("{c} text")).collect::<Vec<_>>().join(", "),
        input.display(),
        out.display(),
        budget.display()
    );
    let script_path = dir.join("run.sql");
    std::fs::write(&script_path, script).expect("script");
    let (engine_out, engine_budget) = (dir.join("engine.csv"), dir.join("engine-budget.csv"));

    // The same population one row per entity-year, for the query that does not merge rows.
    let (ey_input, ey_native, ey_native_budget) = entity_years(&dir, &input);
    let ey_sql = String::from_utf8(common::qiangke(&["sql", p, "--dialect", "postgres", "--entity-years"])).expect("utf-8");
    assert_ne!(ey_sql, sql, "--entity-years gives its own query");
    let ey_out = dir.join("ey-postgres.csv");
    let ey_script = format!(
        "CREATE TABLE ey_facts ({});\n\\copy ey_facts({header}) FROM '{}' WITH (FORMAT csv, HEADER true)\n\
         CREATE VIEW ey_awards AS\n{};\n\\copy (SELECT * FROM ey_awards) TO '{}' WITH (FORMAT csv, HEADER true)\n",
        cols.iter().map(|c| format!("{c} text")).collect::<Vec<_>>().join(", "),
        ey_input.display(),
        ey_sql.replace("FROM facts CROSS JOIN", "FROM ey_facts CROSS JOIN").trim_end().trim_end_matches(';'),
        ey_out.display()
    );
    let ey_script_path = dir.join("ey-run.sql");
    std::fs::write(&ey_script_path, ey_script).expect("script");
    let (ey_engine_out, ey_engine_budget) = (dir.join("ey-engine.csv"), dir.join("ey-engine-budget.csv"));
    {
        let cluster = Cluster::start(&dir.join("cluster"));
        cluster.psql(&script_path);
        cluster.psql(&ey_script_path);
        // The same through `qiangke batch --engine postgres`, as a user runs it: the first input
        // must be merged; the second the engine finds by itself to need no merging.
        let url = format!("postgresql://postgres@/postgres?host={}&port={}", cluster.sock.display(), cluster.port);
        let s = |p: &Path| p.to_str().expect("utf-8").to_string();
        for (input, out, budget) in [(&input, &engine_out, &engine_budget), (&ey_input, &ey_engine_out, &ey_engine_budget)] {
            common::qiangke(&[
                "batch",
                p,
                "--engine",
                "postgres",
                "--database-url",
                &url,
                "--input",
                &s(input),
                "--out",
                &s(out),
                "--budget",
                &s(budget),
            ]);
        }
        // A row without its year, or a cell PostgreSQL refuses, stops the run, named by its line
        // in the input (not in the tables qiangke loads), and leaves no award file.
        for (csv, line) in [
            ("id,year,kind,recognition.date\na,2023,enterprise,2024-03-01\na, ,enterprise,\n", "bad.csv:3"),
            ("id,year,kind,recognition.date\na,2023,enterprise,\nb,2023,enterprise,2024-13-01\n", "bad.csv:3 (event recognition)"),
        ] {
            let bad = dir.join("bad.csv");
            std::fs::write(&bad, csv).expect("bad.csv");
            let bad_out = dir.join("bad-awards.csv");
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_qiangke"))
                .args(["batch", p, "--engine", "postgres", "--database-url", &url, "--input", &s(&bad), "--out", &s(&bad_out)])
                .output()
                .expect("qiangke");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(!o.status.success() && err.contains(line), "{line}: {err}");
            assert!(!bad_out.exists(), "no award file after a failed run");
        }
    }
    common::assert_same_rows(&ey_native, &ey_out, "PostgreSQL, one row per entity-year", 100_000);
    common::assert_same_rows(&ey_native, &ey_engine_out, "qiangke batch --engine postgres, one row per entity-year", 100_000);
    common::assert_same_rows(&ey_native_budget, &ey_engine_budget, "qiangke batch --engine postgres, one row per entity-year", 10);
    common::assert_same_rows(&native, &out, "PostgreSQL", 100_000);
    common::assert_same_rows(&native, &engine_out, "qiangke batch --engine postgres", 100_000);
    common::assert_same_rows(&native_budget, &engine_budget, "qiangke batch --engine postgres", 10);
    // Budget years 2022–2026 × paying departments × clauses (20 lines here), each the sum of many awards.
    common::assert_same_rows(&native_budget, &budget, "PostgreSQL", 10);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The test population rewritten one row per entity-year: every row of an entity carries its
/// attributes (read from whichever row gives them), and the pack's cases with two rows of one
/// year are left out. In one entity of 40, each row's first event moves to the next year: then
/// some events fall in a year another row gives, and some in a year no row gives (which the query
/// still has to find). Returns (input, native awards over it, native budget).
fn entity_years(dir: &Path, population: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let pack = qiangke_rules::load_pack(&common::pack_dir()).expect("pack");
    let mut rdr = csv::Reader::from_path(population).expect("population");
    let header: Vec<String> = rdr.headers().expect("header").iter().map(str::to_string).collect();
    let at = |n: &str| header.iter().position(|h| h == n).expect("column");
    let (id, year) = (at("id"), at("year"));
    let attrs: Vec<usize> = pack.vocab.attributes.iter().map(|a| at(&a.name)).collect();
    let dates: Vec<usize> = header.iter().enumerate().filter(|(_, h)| h.ends_with(".date")).map(|(i, _)| i).collect();
    let mut entities: Vec<Vec<Vec<String>>> = Vec::new();
    for r in rdr.records() {
        let r: Vec<String> = r.expect("record").iter().map(str::to_string).collect();
        match entities.last_mut() {
            Some(e) if e[0][id] == r[id] => e.push(r),
            _ => entities.push(vec![r]),
        }
    }
    let out = dir.join("entity-years.csv");
    let mut w = csv::Writer::from_path(&out).expect("entity-years.csv");
    w.write_record(&header).expect("header");
    let (mut kept, mut other_years) = (0, 0);
    for (n, mut rows) in entities.into_iter().enumerate() {
        if n % 40 == 0 {
            for r in &mut rows {
                let Some(&d) = dates.iter().find(|&&d| r[d].len() == 10 && !r[d].ends_with("02-29")) else { continue };
                let y: u32 = r[d][..4].parse().expect("year");
                r[d] = format!("{}{}", y + 1, &r[d][4..]);
            }
        }
        let years: Vec<String> = rows.iter().map(|r| r[year].clone()).collect();
        let years: Vec<&str> = years.iter().map(String::as_str).collect();
        if (1..years.len()).any(|i| years[..i].contains(&years[i])) {
            continue;
        }
        if rows.iter().any(|r| dates.iter().any(|&d| r[d].len() >= 4 && !years.contains(&&r[d][..4]))) {
            other_years += 1;
        }
        for &a in &attrs {
            let given = rows.iter().map(|r| r[a].clone()).find(|c| !c.is_empty()).unwrap_or_default();
            for r in &mut rows {
                r[a] = given.clone();
            }
        }
        kept += 1;
        for r in &rows {
            w.write_record(r).expect("row");
        }
    }
    w.flush().expect("flush");
    assert!(kept > 50_000, "entities kept: {kept}");
    assert!(other_years > 100, "entities with an event in a year no row gives: {other_years}");
    let (native, budget) = (dir.join("ey-native.csv"), dir.join("ey-native-budget.csv"));
    let s = |p: &Path| p.to_str().expect("utf-8").to_string();
    common::qiangke(&["batch", &s(&common::pack_dir()), "--input", &s(&out), "--out", &s(&native), "--budget", &s(&budget)]);
    (out, native, budget)
}
