//! The SQL a pack compiles to, for both dialects, snapshot-checked (the pack hash replaced), and
//! refusals for what SQL cannot express.

use qiangke_lower::sql::{Dialect, compile};

#[test]
fn postgres_sql() {
    let p = wuwei();
    let sql = compile(&p, Dialect::Postgres).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!(sql.replace(&p.hash, "<pack-hash>"));
}

#[test]
fn spark_sql() {
    let p = wuwei();
    let sql = compile(&p, Dialect::Spark).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(sql.contains("DECIMAL(28, 6)") && !sql.contains("NUMERIC"), "Spark types");
    insta::assert_snapshot!(sql.replace(&p.hash, "<pack-hash>"));
}

#[test]
fn every_rule_can_be_found_by_its_clause() {
    let p = wuwei();
    let sql = compile(&p, Dialect::Postgres).expect("sql");
    for r in &p.rules {
        assert!(sql.contains(&format!("-- {} {}:", r.clause, r.id)), "rule {} is not labelled in the SQL", r.id);
    }
}

#[test]
fn the_budget_query_rolls_up_the_awards_query() {
    use qiangke_lower::sql::{Output, compile_to};
    let p = wuwei();
    for d in [Dialect::Postgres, Dialect::Spark] {
        let awards = compile(&p, d).expect("awards");
        let budget = compile_to(&p, d, Output::Budget).expect("budget");
        let (a_body, a_tail) = awards.rsplit_once("\nSELECT * FROM awards\n").expect("awards ends by selecting the awards CTE");
        assert_eq!(a_tail, "");
        let tail = "\nSELECT budget_year, paid_by, clause, COUNT(*) AS awards, SUM(low) AS low,\n  \
                    CASE WHEN COUNT(high) = COUNT(*) THEN SUM(high) END AS high\nFROM awards\n\
                    WHERE kind = 'award' AND budget_year IS NOT NULL\nGROUP BY budget_year, paid_by, clause\n";
        let b_body = budget.strip_suffix(tail).expect("budget ends with the roll-up");
        // The same rules, word for word; only the header's description differs.
        let skip_header = |s: &str| s.splitn(3, '\n').nth(2).expect("two header lines").to_string();
        assert_eq!(skip_header(a_body), skip_header(b_body), "{d:?}");
    }
}

fn wuwei() -> qiangke_rules::Pack {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
    qiangke_rules::load_pack(&dir).unwrap_or_else(|e| panic!("{e}"))
}
