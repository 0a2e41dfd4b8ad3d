//! The SQL a pack compiles to, for both dialects, snapshot-checked (the pack hash replaced), and
//! refusals for what SQL cannot express.

mod common;

use qiangke_rules::sql::{Dialect, compile};

#[test]
fn postgres_sql() {
    let p = common::wuwei();
    let sql = compile(&p, Dialect::Postgres).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!(sql.replace(&p.hash, "<pack-hash>"));
}

#[test]
fn spark_sql() {
    let p = common::wuwei();
    let sql = compile(&p, Dialect::Spark).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(sql.contains("DECIMAL(28, 6)") && !sql.contains("NUMERIC"), "Spark types");
    insta::assert_snapshot!(sql.replace(&p.hash, "<pack-hash>"));
}

#[test]
fn every_rule_can_be_found_by_its_clause() {
    let p = common::wuwei();
    let sql = compile(&p, Dialect::Postgres).expect("sql");
    for r in &p.rules {
        assert!(sql.contains(&format!("-- {} {}:", r.clause, r.id)), "rule {} is not labelled in the SQL", r.id);
    }
}
