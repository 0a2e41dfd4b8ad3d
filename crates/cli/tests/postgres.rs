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
    {
        let cluster = Cluster::start(&dir.join("cluster"));
        cluster.psql(&script_path);
        // The same through `qiangke batch --engine postgres`, as a user runs it.
        let url = format!("postgresql://postgres@/postgres?host={}&port={}", cluster.sock.display(), cluster.port);
        let s = |p: &Path| p.to_str().expect("utf-8").to_string();
        common::qiangke(&[
            "batch",
            p,
            "--engine",
            "postgres",
            "--database-url",
            &url,
            "--input",
            &s(&input),
            "--out",
            &s(&engine_out),
            "--budget",
            &s(&engine_budget),
        ]);
    }
    common::assert_same_rows(&native, &out, "PostgreSQL", 100_000);
    common::assert_same_rows(&native, &engine_out, "qiangke batch --engine postgres", 100_000);
    common::assert_same_rows(&native_budget, &engine_budget, "qiangke batch --engine postgres", 10);
    // Budget years 2022–2026 × paying departments × clauses (20 lines here), each the sum of many awards.
    common::assert_same_rows(&native_budget, &budget, "PostgreSQL", 10);
    let _ = std::fs::remove_dir_all(&dir);
}
