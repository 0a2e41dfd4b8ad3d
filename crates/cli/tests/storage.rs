//! `qiangke serve` on a data directory that fills up or is read-only. Every write the API
//! acknowledged (2xx) must survive a restart; a write that could not be stored must fail (503,
//! saying why) and leave nothing behind; once space is back the server writes again without a
//! restart; a read-only data directory is refused at start, at once and saying so.
//!
//! The data directory is a 4 MiB tmpfs in a mount namespace of the test's own
//! (`qiangke_testkit::SmallDisk`); the server and `qiangke audit verify` run inside it.

#[allow(dead_code)]
mod common;

use qiangke_testkit::http::{bearer, call, wait_for_port};
use qiangke_testkit::{SmallDisk, free_port};
use std::collections::BTreeSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "small-disk-admin";

fn start(disk: &SmallDisk, port: u16) -> Child {
    let child = disk
        .command(env!("CARGO_BIN_EXE_qiangke"))
        .args(["serve", "--pack"])
        .arg(common::pack_dir())
        .arg("--data-dir")
        .arg(disk.dir().join("data"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("QIANGKE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("qiangke serve starts");
    assert!(wait_for_port(port, Duration::from_secs(30)), "the server did not start listening");
    child
}

fn register(port: u16, token: &str, n: u32) -> (u16, serde_json::Value) {
    let uscc = qiangke_rules::uscc::make("91620600", &format!("{n:08}")).expect("code");
    // A long name makes each registration take room, so the disk fills after some dozens.
    let body = serde_json::json!({"uscc": uscc, "name": format!("满盘测试企业{n}{}", "甲".repeat(1500)), "kind": "enterprise", "county": "liangzhou"});
    call(port, "POST", "/api/entities", Some(token), "application/json", body.to_string().as_bytes())
}

fn ids(port: u16, token: &str) -> BTreeSet<i64> {
    let (st, r) = call(port, "GET", "/api/entities", Some(token), "application/json", b"");
    assert_eq!(st, 200, "{r}");
    r["entities"].as_array().expect("entities").iter().map(|e| e["id"].as_i64().expect("id")).collect()
}

#[test]
fn every_acknowledged_write_survives_a_full_disk_and_a_read_only_directory_is_refused_at_once() {
    let root = std::env::temp_dir().join(format!("qiangke-small-disk-{}", std::process::id()));
    let disk = SmallDisk::mount(&root, "4m");
    let port = free_port();
    let mut server = start(&disk, port);
    let token = bearer(port, "admin", ADMIN_PASSWORD);

    // Fill the disk but for 192 KiB, then register until the ledger cannot take more.
    disk.fill(192);
    let mut acked = BTreeSet::new();
    let mut refused = 0;
    let mut n = 0;
    while refused < 8 && n < 2000 {
        n += 1;
        let (st, r) = register(port, &token, n);
        match st {
            201 => {
                acked.insert(r["id"].as_i64().expect("id"));
            }
            503 | 500 => {
                refused += 1;
                eprintln!("{r}");
            }
            other => panic!("registration {n}: {other} {r}"),
        }
    }
    assert!(acked.len() >= 5, "only {} registrations fitted before the disk was full", acked.len());
    assert_eq!(refused, 8, "the disk never filled up ({n} registrations)");
    // Every connection of the pool agrees with what was acknowledged.
    for _ in 0..12 {
        assert_eq!(ids(port, &token), acked, "the server shows other entities than it acknowledged");
    }

    // Space comes back: the same server writes again, without a restart and without waiting for
    // a lock that a failed transaction kept.
    disk.free();
    for _ in 0..5 {
        n += 1;
        let t = Instant::now();
        let (st, r) = register(port, &token, n);
        assert_eq!(st, 201, "after space came back: {r}");
        assert!(t.elapsed() < Duration::from_secs(5), "a write after recovery took {:?}", t.elapsed());
        acked.insert(r["id"].as_i64().expect("id"));
    }

    // Killed and restarted: exactly the acknowledged writes are there, and the chain is intact.
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let mut server = start(&disk, port);
    let token = bearer(port, "admin", ADMIN_PASSWORD);
    assert_eq!(ids(port, &token), acked, "after a restart");
    server.kill().expect("stop");
    server.wait().expect("reaped");
    let o = disk
        .command(env!("CARGO_BIN_EXE_qiangke"))
        .args(["audit", "verify", "--data-dir"])
        .arg(disk.dir().join("data"))
        .output()
        .expect("runs");
    assert!(o.status.success(), "audit verify: {}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));

    // A read-only data directory: `serve` says so and stops at once (it used to wait 30 s for
    // its pool and then say only that the pool timed out).
    disk.set_read_only(true);
    let t = Instant::now();
    let o = disk
        .command(env!("CARGO_BIN_EXE_qiangke"))
        .args(["serve", "--pack"])
        .arg(common::pack_dir())
        .arg("--data-dir")
        .arg(disk.dir().join("data"))
        .args(["--listen", &format!("127.0.0.1:{}", free_port())])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(t.elapsed() < Duration::from_secs(10), "serve took {:?} to give up", t.elapsed());
    assert!(err.contains("cannot be written") && err.contains("Read-only file system"), "{err}");
    // The audit check works on the read-only ledger.
    let o = disk
        .command(env!("CARGO_BIN_EXE_qiangke"))
        .args(["audit", "verify", "--data-dir"])
        .arg(disk.dir().join("data"))
        .output()
        .expect("runs");
    assert!(
        o.status.success(),
        "audit verify on a read-only ledger: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    drop(disk);
    let _ = std::fs::remove_dir_all(&root);
}
