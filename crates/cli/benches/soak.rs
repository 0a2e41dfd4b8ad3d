//! The soak benchmark: minutes of mixed traffic — the calculator, sign-ins (some failing),
//! department imports and the whole award workflow (register, record, apply, approve, decide,
//! pay) — against `qiangke serve` on SQLite, with the process killed by SIGKILL and restarted
//! twice. It ends by checking that every write the server acknowledged is there, that
//! `qiangke audit verify` passes, and that no request got a server error (5xx) or no answer
//! except while the server was down; and it reports the server's peak resident memory.
//!
//! A program, not a test: `cargo bench -p qiangke --bench soak -- [--minutes 10] [--clients 8]`.
//! Exit status 1 if any check fails. Figures go to BENCHMARKS.md.

use qiangke_testkit::free_port;
use qiangke_testkit::http::{bearer, request, wait_for_port};
use serde_json::{Value as J, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PW: &str = "soak-test-password";

fn start(data: &Path, port: u16) -> Child {
    let pack = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022");
    let child = Command::new(env!("CARGO_BIN_EXE_qiangke"))
        .args(["serve", "--pack"])
        .arg(&pack)
        .arg("--data-dir")
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("QIANGKE_ADMIN_PASSWORD", PW)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("qiangke serve starts");
    assert!(wait_for_port(port, Duration::from_secs(60)), "the server did not start");
    child
}

/// Peak resident set (VmHWM) of a process, in KiB.
fn peak_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// What the server acknowledged (2xx), to find again at the end.
#[derive(Default)]
struct Acked {
    entities: Vec<i64>,
    imports: Vec<(i64, i64)>,
    decided: Vec<i64>,
    paid: Vec<i64>,
}

/// Outcomes by kind of request.
#[derive(Default)]
struct Tally {
    ok: BTreeMap<&'static str, u64>,
    /// 4xx the traffic expects (a wrong password, a throttle, a rate limit, a lost race).
    refused: BTreeMap<(&'static str, u16), u64>,
    /// 5xx or no answer while the server was down or coming up.
    during_kills: u64,
    /// 5xx or no answer otherwise: each one a failure.
    unexpected: Vec<String>,
}

struct World {
    port: u16,
    down: AtomicBool,
    /// When the server last came back (ms since start): failures just after count as the kill's.
    back_at: AtomicU64,
    t0: Instant,
    acked: Mutex<Acked>,
    tally: Mutex<Tally>,
    next: AtomicU64,
}

impl World {
    fn call(&self, kind: &'static str, method: &str, path: &str, token: Option<&str>, ct: &str, body: &[u8]) -> Option<(u16, J)> {
        let before_down = self.down.load(Ordering::SeqCst);
        let r = request(self.port, method, path, token, ct, body);
        let ms = self.t0.elapsed().as_millis() as u64;
        let in_kill = before_down || self.down.load(Ordering::SeqCst) || ms < self.back_at.load(Ordering::SeqCst) + 2000;
        let mut t = self.tally.lock().expect("tally");
        match r {
            Ok(r) if r.status < 400 => {
                *t.ok.entry(kind).or_default() += 1;
                Some((r.status, r.json()))
            }
            Ok(r) if r.status < 500 => {
                *t.refused.entry((kind, r.status)).or_default() += 1;
                Some((r.status, r.json()))
            }
            Ok(r) if in_kill => {
                t.during_kills += 1;
                let _ = r;
                None
            }
            Ok(r) => {
                t.unexpected.push(format!("{kind}: {method} {path} → {} {}", r.status, r.text()));
                None
            }
            Err(_) if in_kill => {
                t.during_kills += 1;
                None
            }
            Err(e) => {
                t.unexpected.push(format!("{kind}: {method} {path} → no answer ({e})"));
                None
            }
        }
    }

    fn n(&self) -> u64 {
        self.next.fetch_add(1, Ordering::SeqCst)
    }
}

fn uscc(n: u64) -> String {
    qiangke_rules::uscc::make("91620600", &format!("{:08}", n % 100_000_000)).expect("code")
}

/// The award workflow from registration to payment, as the departments do it.
fn workflow(w: &World, admin: &str, tax: &str, fin: &str) {
    let n = w.n();
    let body = json!({"uscc": uscc(n), "name": format!("浸泡测试企业{n}"), "kind": "enterprise", "county": "liangzhou"});
    let Some((201, e)) = w.call("register", "POST", "/api/entities", Some(admin), "application/json", body.to_string().as_bytes()) else {
        return;
    };
    let id = e["id"].as_i64().expect("id");
    w.acked.lock().expect("acked").entities.push(id);
    // 四(二)8: 1500万元 → 20万元 (the tiers need a super-deduction claim on the year: note
    // rd-list-from-super-deduction).
    let facts = json!({"source": "浸泡测试", "facts": [{"name": "above_scale", "value": true}, {"year": 2023, "name": "rd_expenditure", "value": "1500万"},
        {"year": 2023, "name": "super_deduction_amount", "value": "30万"}]});
    let Some((201, _)) =
        w.call("facts", "POST", &format!("/api/entities/{id}/facts"), Some(admin), "application/json", facts.to_string().as_bytes())
    else {
        return;
    };
    let body = json!({"entity_id": id, "claim_year": 2023}).to_string();
    let Some((201, app)) = w.call("apply", "POST", "/api/applications", Some(admin), "application/json", body.as_bytes()) else { return };
    let Some(award) =
        app["awards"].as_array().and_then(|a| a.iter().find(|x| x["rule"] == "rd-spend-tiers")).and_then(|a| a["id"].as_i64())
    else {
        return;
    };
    let Some((200, _)) =
        w.call("verify", "POST", &format!("/api/awards/{award}/verification"), Some(tax), "application/json", br#"{"verdict": "approve"}"#)
    else {
        return;
    };
    let Some((200, d)) =
        w.call("decide", "POST", &format!("/api/awards/{award}/decision"), Some(tax), "application/json", br#"{"amount": "200000"}"#)
    else {
        return;
    };
    w.acked.lock().expect("acked").decided.push(award);
    let Some(payout) = d["payout_id"].as_i64() else { return };
    if let Some((200, _)) = w.call("pay", "POST", &format!("/api/payouts/{payout}/paid"), Some(fin), "application/json", b"{}") {
        w.acked.lock().expect("acked").paid.push(payout);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: u64| -> u64 {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let minutes = arg("--minutes", 10);
    let clients = arg("--clients", 8) as usize;
    let duration = Duration::from_secs(minutes * 60);
    let dir: PathBuf = std::env::temp_dir().join(format!("qiangke-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.join("data");
    let port = free_port();
    let server = Arc::new(Mutex::new(start(&data, port)));
    let admin0 = bearer(port, "admin", PW);
    // Users: admins, reviewers of the tax bureau, finance — one of each per client, so that each
    // client's changes stay within its own per-user limit and sign-ins come from usual clients.
    let mut people = Vec::new();
    for c in 0..clients {
        for (name, body) in [
            (format!("admin{c}"), json!({"role": "admin"})),
            (format!("tax{c}"), json!({"role": "reviewer", "department": "tax-bureau"})),
            (format!("fin{c}"), json!({"role": "finance"})),
        ] {
            let mut b = body;
            b["username"] = json!(name);
            b["password"] = json!(PW);
            let r = request(port, "POST", "/api/users", Some(&admin0), "application/json", b.to_string().as_bytes()).expect("create user");
            assert_eq!(r.status, 201, "{}", r.text());
        }
        people.push((bearer(port, &format!("admin{c}"), PW), bearer(port, &format!("tax{c}"), PW), bearer(port, &format!("fin{c}"), PW)));
    }
    let facts =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022/examples/enterprise.json")).expect("example");
    let w = Arc::new(World {
        port,
        down: AtomicBool::new(false),
        back_at: AtomicU64::new(0),
        t0: Instant::now(),
        acked: Mutex::new(Acked::default()),
        tally: Mutex::new(Tally::default()),
        next: AtomicU64::new(1000),
    });
    let peaks = Arc::new(Mutex::new(vec![0u64]));
    let deadline = Instant::now() + duration;
    // The killer: SIGKILL at a third and at two thirds of the run, restart at once.
    let killer = {
        let (w, server, peaks, data) = (w.clone(), server.clone(), peaks.clone(), data.clone());
        std::thread::spawn(move || {
            for k in 1..=2 {
                std::thread::sleep(duration / 3 * k - w.t0.elapsed().min(duration / 3 * k));
                w.down.store(true, Ordering::SeqCst);
                let mut s = server.lock().expect("server");
                peaks.lock().expect("peaks").push(0);
                s.kill().expect("SIGKILL");
                s.wait().expect("reaped");
                *s = start(&data, w.port);
                w.back_at.store(w.t0.elapsed().as_millis() as u64, Ordering::SeqCst);
                w.down.store(false, Ordering::SeqCst);
                eprintln!("soak: killed and restarted the server ({k} of 2) at {:?}", w.t0.elapsed());
            }
        })
    };
    // The memory sampler: the current process's peak, per incarnation.
    let sampler = {
        let (server, peaks) = (server.clone(), peaks.clone());
        std::thread::spawn(move || {
            while Instant::now() < deadline {
                let pid = server.lock().expect("server").id();
                let kib = peak_kib(pid);
                let mut p = peaks.lock().expect("peaks");
                if let Some(last) = p.last_mut() {
                    *last = (*last).max(kib);
                }
                drop(p);
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    let mut threads = Vec::new();
    for (c, (admin, tax, fin)) in people.into_iter().enumerate() {
        let w = w.clone();
        let facts = facts.clone();
        threads.push(std::thread::spawn(move || {
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                match i % 6 {
                    // The public calculator, the example enterprise.
                    0 | 1 => {
                        w.call("calculator", "POST", "/api/evaluate?years=2023&trace=false", None, "application/json", &facts);
                    }
                    // Sign-ins: a right one, and now and then a wrong one for a name that has none.
                    2 => {
                        let body = if i % 12 == 2 {
                            json!({"username": format!("nobody{c}-{i}"), "password": "wrong-password", "session": "bearer"})
                        } else {
                            json!({"username": format!("fin{c}"), "password": PW, "session": "bearer"})
                        };
                        w.call("sign-in", "POST", "/api/login", None, "application/json", body.to_string().as_bytes());
                    }
                    // The tax bureau imports R&D figures for entities already registered.
                    3 => {
                        let ids: Vec<i64> = w.acked.lock().expect("acked").entities.iter().rev().take(20).copied().collect();
                        if ids.is_empty() {
                            continue;
                        }
                        // Entities are registered with codes from their sequence numbers; the import names them by
                        // the code, which the server looks up.
                        let mut csv = String::from("uscc,year,fact,value\n");
                        let r = request(w.port, "GET", "/api/entities", Some(&admin), "application/json", b"");
                        let Ok(r) = r else { continue };
                        let list = r.json();
                        let codes: Vec<(i64, String)> = list["entities"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|e| ids.contains(&e["id"].as_i64().unwrap_or(-1)))
                            .map(|e| (e["id"].as_i64().unwrap_or(0), e["uscc"].as_str().unwrap_or("").to_string()))
                            .collect();
                        for (_, code) in &codes {
                            csv.push_str(&format!("{code},2024,rd_expenditure,{}\n", 5_000_000 + i));
                        }
                        if codes.is_empty() {
                            continue;
                        }
                        if let Some((201, r)) =
                            w.call("import", "POST", "/api/imports?source=soak&format=csv", Some(&tax), "text/csv", csv.as_bytes())
                        {
                            let import = r["import_id"].as_i64().unwrap_or(0);
                            w.acked.lock().expect("acked").imports.push((import, codes[0].0));
                        }
                    }
                    _ => workflow(&w, &admin, &tax, &fin),
                }
            }
        }));
    }
    for t in threads {
        t.join().expect("client");
    }
    killer.join().expect("killer");
    sampler.join().expect("sampler");
    let final_peak = peak_kib(server.lock().expect("server").id());
    if let Some(last) = peaks.lock().expect("peaks").last_mut() {
        *last = (*last).max(final_peak);
    }

    // Stop, start once more, and find every acknowledged write.
    {
        let mut s = server.lock().expect("server");
        s.kill().expect("stop");
        s.wait().expect("reaped");
        *s = start(&data, port);
    }
    let admin = bearer(port, "admin", PW);
    let acked = w.acked.lock().expect("acked");
    let mut missing = Vec::new();
    let list = request(port, "GET", "/api/entities", Some(&admin), "application/json", b"").expect("entities").json();
    let have: std::collections::HashSet<i64> = list["entities"].as_array().into_iter().flatten().filter_map(|e| e["id"].as_i64()).collect();
    missing.extend(acked.entities.iter().filter(|id| !have.contains(id)).map(|id| format!("entity {id}")));
    for id in &acked.decided {
        let a = request(port, "GET", &format!("/api/awards/{id}"), Some(&admin), "application/json", b"").expect("award").json();
        if a["status"] != "decided" {
            missing.push(format!("decision on award {id} ({})", a["status"]));
        }
    }
    let payouts = request(port, "GET", "/api/payouts", Some(&admin), "application/json", b"").expect("payouts").json();
    let paid: std::collections::HashSet<i64> =
        payouts["payouts"].as_array().into_iter().flatten().filter(|p| p["status"] == "paid").filter_map(|p| p["id"].as_i64()).collect();
    missing.extend(acked.paid.iter().filter(|id| !paid.contains(id)).map(|id| format!("payment of payout {id}")));
    for (import, entity) in &acked.imports {
        let f = request(port, "GET", &format!("/api/entities/{entity}/facts?limit=1000"), Some(&admin), "application/json", b"")
            .expect("facts")
            .json();
        if !f["facts"].as_array().into_iter().flatten().any(|x| x["import_id"] == *import) {
            missing.push(format!("import {import} (entity {entity})"));
        }
    }
    {
        let mut s = server.lock().expect("server");
        s.kill().expect("stop");
        s.wait().expect("reaped");
    }
    let verify =
        Command::new(env!("CARGO_BIN_EXE_qiangke")).args(["audit", "verify", "--data-dir"]).arg(&data).output().expect("audit verify");
    let verify_out = String::from_utf8_lossy(&verify.stdout).trim().to_string();

    let t = w.tally.lock().expect("tally");
    println!("soak: {minutes} min, {clients} clients, 2 SIGKILL restarts, SQLite in {}", data.display());
    for (k, n) in &t.ok {
        println!("  {k:<11} {n:>7} answered");
    }
    for ((k, st), n) in &t.refused {
        println!("  {k:<11} {n:>7} refused with {st}");
    }
    println!("  failed while the server was down or restarting: {}", t.during_kills);
    println!("  5xx or no answer otherwise: {}", t.unexpected.len());
    for u in t.unexpected.iter().take(10) {
        println!("    {u}");
    }
    println!(
        "  acknowledged: {} entities, {} imports, {} decisions, {} payments; missing after the restarts: {}",
        acked.entities.len(),
        acked.imports.len(),
        acked.decided.len(),
        acked.paid.len(),
        missing.len()
    );
    for m in missing.iter().take(10) {
        println!("    missing: {m}");
    }
    println!("  audit verify: {verify_out}");
    let peaks = peaks.lock().expect("peaks");
    println!(
        "  server peak RSS per run (VmHWM): {} MiB",
        peaks.iter().map(|k| format!("{:.1}", *k as f64 / 1024.0)).collect::<Vec<_>>().join(", ")
    );
    let ok = t.unexpected.is_empty() && missing.is_empty() && verify.status.success() && !acked.paid.is_empty();
    println!("soak: {}", if ok { "PASSED" } else { "FAILED" });
    let _ = std::fs::remove_dir_all(&dir);
    std::process::exit(if ok { 0 } else { 1 });
}
