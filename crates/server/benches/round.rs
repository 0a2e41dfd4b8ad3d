//! A 免申即享 round over a registered population: N enterprises imported as a list, their 2023
//! facts (R&D spending on and beside every tier boundary, super deductions, recognitions) imported
//! as a department would, then the round opened for 2023 — and opened again (nothing new).
//! Prints the time of each step, what the round found and the process's peak RSS.
//!
//! Run: `cargo bench -p qiangke-server --bench round -- [ENTITIES] [sqlite|postgres]`
//! (default 10000 on SQLite; PostgreSQL in a throwaway cluster made with the machine's `initdb`).

// The allocator of the `qiangke` binary that serves the round.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use qiangke_rules::load_pack;
use qiangke_store::Store;
use qiangke_store::auth::{NewUser, SessionKind};
use qiangke_store::ledger::ImportFormat;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let postgres = args.iter().any(|a| a == "postgres");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let dir = std::env::temp_dir().join(format!("qiangke-bench-round-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let cluster = postgres.then(|| {
        let c = qiangke_testkit::Cluster::start(&dir.join("pg"));
        c.create_db("ledger");
        c
    });
    rt.block_on(async {
        let pack = Arc::new(load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack"));
        let store = match &cluster {
            Some(c) => Store::open(&c.url("ledger")).await.expect("store"),
            None => Store::open_dir(&dir.join("ledger")).await.expect("store"),
        };
        let admin = NewUser { username: "admin".into(), password: "a-long-password".into(), role: "admin".into(), ..NewUser::default() };
        store.create_user(&pack, None, admin).await.expect("admin");
        let (_, admin) = store.login("admin", "a-long-password", SessionKind::Bearer, 3_600_000).await.expect("login");

        const RD: &[&str] = &["4999999.99", "5000000", "9999999.99", "10000000", "15000000", "19999999.99", "20000000", "100000000", "0"];
        const DED: &[&str] = &["0", "300000", "500000", "500000.01", "800000"];
        let counties = ["liangzhou", "minqin", "gulang", "tianzhu"];
        let mut list = String::from("统一社会信用代码,名称,类型,县区\n");
        let mut facts = String::from("uscc,year,fact,value\n");
        let mut events = String::new();
        for i in 0..n {
            let code = qiangke_rules::uscc::make("91620600", &format!("{:08}", 40_000_000 + i)).expect("code");
            let _ = writeln!(list, "{code},企业{i:06},enterprise,{}", counties[i % 4]);
            let _ = writeln!(facts, "{code},2023,above_scale,{}", i % 4 != 3);
            if i % 11 != 10 {
                let _ = writeln!(facts, "{code},2023,rd_expenditure,{}", RD[i % RD.len()]);
            }
            let _ = writeln!(facts, "{code},2023,super_deduction_amount,{}", DED[i % DED.len()]);
            let _ = writeln!(facts, "{code},2023,super_deduction_first_time,{}", i % 2 == 0);
            if i % 3 == 0 {
                let _ = writeln!(
                    events,
                    r#"{{"uscc": "{code}", "event": {{"type": "recognition", "date": "2023-{:02}-15", "kind": "high_tech", "renewal": {}}}}}"#,
                    1 + i % 12,
                    i % 9 == 6
                );
            }
        }
        println!("backend {} · {n} entities", if postgres { "PostgreSQL" } else { "SQLite" });
        let t = Instant::now();
        store.import_entities(&pack, &admin, &list, false).await.expect("entities");
        println!("import entity list        {:>8.2} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        store.import_facts(&pack, &admin, ImportFormat::Csv, "bench", &facts).await.expect("facts");
        store.import_facts(&pack, &admin, ImportFormat::JsonLines, "bench", &events).await.expect("events");
        println!("import facts and events   {:>8.2} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let r = store.open_round(&pack, &admin, 2023, &[]).await.expect("round");
        println!(
            "round (first)             {:>8.2} s   proposed {}, needs information {}",
            t.elapsed().as_secs_f64(),
            r["proposed"],
            r["needs_information"]
        );
        let t = Instant::now();
        let r = store.open_round(&pack, &admin, 2023, &[]).await.expect("round");
        println!("round (again, nothing new){:>8.2} s   proposed {}, unchanged {}", t.elapsed().as_secs_f64(), r["proposed"], r["unchanged"]);
        println!("peak RSS {:.1} MiB", peak_rss_mib());
        if std::env::var_os("QIANGKE_BENCH_SIZES").is_some() {
            use sqlx::Row;
            for (what, sql) in [
                ("award result bytes (avg)", "SELECT CAST(AVG(LENGTH(result)) AS BIGINT) FROM awards"),
                ("application bytes (avg)", "SELECT CAST(AVG(LENGTH(evaluation)) AS BIGINT) FROM applications"),
                ("audit detail bytes (avg)", "SELECT CAST(AVG(LENGTH(detail)) AS BIGINT) FROM audit"),
                ("needs bytes (avg)", "SELECT CAST(AVG(LENGTH(facts)) AS BIGINT) FROM round_needs"),
                ("shared texts (count)", "SELECT COUNT(*) FROM shared_texts"),
                ("shared text bytes (avg)", "SELECT CAST(AVG(LENGTH(body)) AS BIGINT) FROM shared_texts"),
                ("  of which trace", "SELECT CAST(AVG(LENGTH(json_extract(result, '$.trace'))) AS BIGINT) FROM awards"),
                ("  of which explanation", "SELECT CAST(AVG(LENGTH(json_extract(result, '$.explanation'))) AS BIGINT) FROM awards"),
            ] {
                let v: i64 = sqlx::query(sql).fetch_one(store.pool()).await.expect("size").try_get(0).expect("i64");
                println!("{what:<28} {v}");
            }
        }
        store.close().await;
    });
    drop(cluster);
    let _ = std::fs::remove_dir_all(&dir);
}
