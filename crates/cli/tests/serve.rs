//! `qiangke serve` as a process: a server killed with SIGKILL in the middle of a bulk import
//! restarts with all or none of that import, `qiangke audit verify` passes, and editing one audit
//! row by hand makes it fail, naming the entry.

#[allow(dead_code)]
mod common;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "crash-test-admin";
const USCC: &str = "91620600123456788A";

use qiangke_testkit::free_port;
use qiangke_testkit::http::{self, call};

fn start(data: &Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_qiangke"))
        .args(["serve", "--pack"])
        .arg(common::pack_dir())
        .arg("--data-dir")
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("QIANGKE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("qiangke serve starts");
    assert!(http::wait_for_port(port, Duration::from_secs(30)), "the server did not start listening");
    child
}

fn send(port: u16, method: &str, path: &str, token: Option<&str>, ct: &str, body: &[u8]) -> TcpStream {
    http::send(port, method, path, token, ct, body).expect("send")
}

fn imported_rows(data: &Path) -> i64 {
    let db = data.join("qiangke.db");
    let o = Command::new(env!("CARGO_BIN_EXE_qiangke")).args(["audit", "verify", "--data-dir"]).arg(data).output().expect("runs");
    assert!(o.status.success(), "audit verify after the crash: {}", String::from_utf8_lossy(&o.stdout));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        use sqlx::Row;
        let store = qiangke_store::Store::open(&format!("sqlite://{}", db.display())).await.expect("open");
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM facts WHERE import_id IS NOT NULL")
            .fetch_one(store.pool())
            .await
            .expect("count")
            .try_get(0)
            .expect("i64");
        store.close().await;
        n
    })
}

#[test]
fn a_server_killed_mid_import_keeps_all_or_none_and_the_audit_chain_detects_edits() {
    let dir = std::env::temp_dir().join(format!("qiangke-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.join("data");
    let port = free_port();
    let mut server = start(&data, port);

    let (st, login) = call(
        port,
        "POST",
        "/api/login",
        None,
        "application/json",
        format!("{{\"username\":\"admin\",\"password\":\"{ADMIN_PASSWORD}\",\"session\":\"bearer\"}}").as_bytes(),
    );
    assert_eq!(st, 200, "{login}");
    let token = login["token"].as_str().expect("token").to_string();
    let (st, e) = call(
        port,
        "POST",
        "/api/entities",
        Some(&token),
        "application/json",
        format!("{{\"uscc\":\"{USCC}\",\"name\":\"甲\",\"kind\":\"enterprise\",\"county\":\"liangzhou\"}}").as_bytes(),
    );
    assert_eq!(st, 201, "{e}");

    // 150,000 rows: one import measured to completion, then the same import killed half-way.
    const ROWS: i64 = 150_000;
    let mut csv = String::from("uscc,year,fact,value\n");
    for i in 0..ROWS {
        csv.push_str(&format!("{USCC},2023,rd_expenditure,{}\n", 5_000_000 + i));
    }
    let t = Instant::now();
    let (st, r) = call(port, "POST", "/api/imports?source=crash-test&format=csv", Some(&token), "text/csv", csv.as_bytes());
    let full = t.elapsed();
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["rows"], ROWS);

    let stream = send(port, "POST", "/api/imports?source=crash-test-2&format=csv", Some(&token), "text/csv", csv.as_bytes());
    std::thread::sleep(full / 2);
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    drop(stream);

    let n = imported_rows(&data);
    assert!(
        n == ROWS || n == 2 * ROWS,
        "after the kill the database holds {n} imported rows: a partial import (expected {ROWS} or {})",
        2 * ROWS
    );
    eprintln!(
        "import of {ROWS} rows took {full:?}; killed at {:?}; second import {}",
        full / 2,
        if n == ROWS { "absent" } else { "complete" }
    );

    // The server restarts on the same ledger and works.
    let mut server = start(&data, port);
    let (st, login) = call(
        port,
        "POST",
        "/api/login",
        None,
        "application/json",
        format!("{{\"username\":\"admin\",\"password\":\"{ADMIN_PASSWORD}\",\"session\":\"bearer\"}}").as_bytes(),
    );
    assert_eq!(st, 200);
    let token = login["token"].as_str().expect("token").to_string();
    // Observations recorded through the API feed `qiangke report --data-dir`.
    let obs = "indicator,scope,year,value,unit,source,entered_by\n1,city,2023,60,%,市统计局,张三\n";
    let (st, r) = call(port, "POST", "/api/observations", Some(&token), "text/csv", obs.as_bytes());
    assert_eq!(st, 201, "{r}");
    server.kill().expect("stop");
    server.wait().expect("reaped");
    let out = dir.join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_qiangke"))
        .args(["report"])
        .arg(common::pack_dir())
        .args(["--year", "2023", "--data-dir"])
        .arg(&data)
        .arg("--out-dir")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rep: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json")).expect("json");
    let row = rep["indicators"].as_array().expect("rows").iter().find(|r| r["number"] == 1).expect("indicator 1").clone();
    // (60 − 55.35) ÷ (65 − 55.35) = 0.481865…
    assert_eq!(row["share"], "0.481865");
    // The same through the command line: a bad file records nothing, a good one records as the
    // named user, and the export gives the observations in force.
    let q = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_qiangke"))
            .args(args)
            .arg("--pack")
            .arg(common::pack_dir())
            .arg("--data-dir")
            .arg(&data)
            .output()
            .expect("runs")
    };
    let bad = dir.join("bad-obs.csv");
    std::fs::write(&bad, "indicator,scope,year,value,unit,source,entered_by\n1,city,2024,101,%,市统计局,张三\n").expect("write");
    let o = q(&["monitor", "import-observations", bad.to_str().expect("utf-8"), "--as", "admin"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2, column value"), "{}", String::from_utf8_lossy(&o.stderr));
    let good = dir.join("obs.csv");
    std::fs::write(&good, "indicator,scope,year,value,unit,source,entered_by\n1,city,2024,62,%,市统计局,张三\n").expect("write");
    let o = q(&["monitor", "import-observations", good.to_str().expect("utf-8"), "--as", "admin"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = q(&["monitor", "export-observations"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "indicator,scope,year,value,unit,source,entered_by\ntech-progress-contribution,city,2023,60,%,市统计局,张三\ntech-progress-contribution,city,2024,62,%,市统计局,张三\n"
    );

    // Editing one audit row by hand is detected.
    let ok = Command::new(env!("CARGO_BIN_EXE_qiangke")).args(["audit", "verify", "--data-dir"]).arg(&data).output().expect("runs");
    assert!(String::from_utf8_lossy(&ok.stdout).contains("audit log intact"), "{}", String::from_utf8_lossy(&ok.stdout));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let store = qiangke_store::Store::open(&format!("sqlite://{}", data.join("qiangke.db").display())).await.expect("open");
        sqlx::query("UPDATE audit SET detail = '{\"source\":\"forged\"}' WHERE seq = 3").execute(store.pool()).await.expect("tamper");
        store.close().await;
    });
    let bad = Command::new(env!("CARGO_BIN_EXE_qiangke")).args(["audit", "verify", "--data-dir"]).arg(&data).output().expect("runs");
    let out = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains("entry 3 (") && out.contains("do not match its keyed hash"), "{out}");
    assert!(out.contains("NOT intact"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
