//! `qiangke serve` and `qiangke audit verify`: the ledger service and its tamper check.

use anyhow::{Context, Result};
use qiangke_store::Store;
use qiangke_store::audit::{AuditKey, Checkpoint};
use qiangke_store::auth::{NewUser, random_token};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Where the ledger lives: a PostgreSQL URL, or the embedded SQLite file under `data_dir`.
pub async fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
    match database_url {
        Some(url) => Store::open(url).await.with_context(|| "cannot open the ledger database".to_string()),
        None => Store::open_dir(data_dir).await.with_context(|| format!("cannot open the ledger under {}", data_dir.display())),
    }
}

/// Opens a ledger that must already exist (the tools that read one never create an empty one);
/// `read_only` for the tools that only read it, which then work on a read-only copy too.
async fn open_existing(data_dir: &Path, database_url: Option<&str>, read_only: bool) -> Result<Store> {
    if database_url.is_none() && !data_dir.join("qiangke.db").exists() {
        anyhow::bail!(
            "there is no ledger at {} (start `qiangke serve` once, or give --data-dir or --database-url)",
            data_dir.join("qiangke.db").display()
        );
    }
    if !read_only {
        return open(data_dir, database_url).await;
    }
    match database_url {
        Some(url) => Store::open_read_only(url).await.context("cannot open the ledger database"),
        None => Store::open_dir_read_only(data_dir).await.with_context(|| format!("cannot open the ledger under {}", data_dir.display())),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

/// The audit key file: given, or `audit.key` in the data directory.
fn key_path(data_dir: &Path, audit_key: Option<&Path>) -> std::path::PathBuf {
    audit_key.map_or_else(|| data_dir.join("audit.key"), Path::to_path_buf)
}

/// The ledger's audit key, created (for the entries from now on) if there is none yet.
async fn load_or_create_key(store: &Store, path: &Path) -> Result<AuditKey> {
    if path.exists() {
        return AuditKey::load(path).map_err(|e| anyhow::anyhow!(e));
    }
    let since = store.next_audit_seq().await?;
    let key = AuditKey::create(path, since).map_err(|e| anyhow::anyhow!(e))?;
    eprintln!(
        "qiangke: created the audit key {} (entries from {since} on are keyed with it); keep a copy away from the database",
        path.display()
    );
    Ok(key)
}

pub fn serve(
    pack_dir: &Path,
    data_dir: &Path,
    database_url: Option<&str>,
    listen: &str,
    secure_cookies: bool,
    audit_key: Option<&Path>,
    ladder: &Path,
) -> Result<ExitCode> {
    let Some(pack) = crate::pack_or_report(pack_dir).map(Arc::new) else {
        eprintln!("\nthe pack has errors; run `qiangke check {}`", pack_dir.display());
        return Ok(ExitCode::from(1));
    };
    // The /ladder page's ladder: a missing file leaves the page saying so; a wrong one stops here.
    let ladder = if ladder.exists() {
        Some(Arc::new(qiangke_rules::ladder::load_ladder(ladder, crate::lang()).map_err(|m| anyhow::anyhow!(m.render(crate::lang())))?))
    } else {
        eprintln!("qiangke: no ladder at {}; the /ladder page will say so", ladder.display());
        None
    };
    let weights = qiangke_monitor::assess::Weights::from_pack_dir(&pack, pack_dir).map_err(|e| anyhow::anyhow!(e))?;
    let listen = listen.parse().with_context(|| format!("--listen {listen}: expected an address like 127.0.0.1:8080"))?;
    runtime()?.block_on(async {
        let store = open(data_dir, database_url).await?;
        std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
        let key = load_or_create_key(&store, &key_path(data_dir, audit_key)).await?;
        let store = store.with_audit_key(key);
        if store.user_count().await? == 0 {
            // First start: an admin to create everyone else. The password comes from the
            // environment, or is generated and shown once.
            let (password, shown) = match std::env::var("QIANGKE_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (random_token()[..20].to_string(), true),
            };
            store
                .create_user(
                    &pack,
                    None,
                    NewUser { username: "admin".into(), password: password.clone(), role: "admin".into(), ..NewUser::default() },
                )
                .await
                .context("cannot create the first admin")?;
            if shown {
                eprintln!("qiangke: created user `admin` with password {password} (shown once; set QIANGKE_ADMIN_PASSWORD to choose it)");
            } else {
                eprintln!("qiangke: created user `admin` with the password from QIANGKE_ADMIN_PASSWORD");
            }
        }
        match database_url {
            Some(_) => eprintln!("qiangke: ledger in PostgreSQL; pack {} {} ({})", pack.id, pack.version, &pack.hash[..12]),
            None => eprintln!(
                "qiangke: ledger in {}; pack {} {} ({})",
                data_dir.join("qiangke.db").display(),
                pack.id,
                pack.version,
                &pack.hash[..12]
            ),
        }
        qiangke_server::serve(pack, store, qiangke_server::Config { listen, secure_cookies, weights, ladder })
            .await
            .context("the server stopped")?;
        Ok(ExitCode::SUCCESS)
    })
}

pub fn audit_verify(
    data_dir: &Path,
    database_url: Option<&str>,
    audit_key: Option<&Path>,
    checkpoints: &[std::path::PathBuf],
) -> Result<ExitCode> {
    let mut kept = Vec::new();
    for c in checkpoints {
        let text = std::fs::read_to_string(c).with_context(|| format!("cannot read the checkpoint {}", c.display()))?;
        kept.push(serde_json::from_str::<Checkpoint>(&text).with_context(|| format!("{}: not a checkpoint", c.display()))?);
    }
    runtime()?.block_on(async {
        let mut store = open_existing(data_dir, database_url, true).await?;
        let path = key_path(data_dir, audit_key);
        if path.exists() {
            store = store.with_audit_key(AuditKey::load(&path).map_err(|e| anyhow::anyhow!(e))?);
        } else if audit_key.is_some() {
            anyhow::bail!("there is no audit key at {}", path.display());
        }
        let v = store.verify_audit(&kept).await?;
        store.close().await;
        let how = if v.keyed { "keyed hashes, links" } else { "hashes (no audit key), links" };
        if v.problems.is_empty() {
            println!(
                "audit log intact: {} entries ({how}), {} awards/decisions/payouts against the entries covering them, {} checkpoint(s)",
                v.entries, v.rows_checked, v.checkpoints
            );
            if v.rows_uncovered_old > 0 {
                println!("note: {} rows predate the audit key and are covered by no entry", v.rows_uncovered_old);
            }
            Ok(ExitCode::SUCCESS)
        } else {
            for p in &v.problems {
                println!("BROKEN: {p}");
            }
            println!("audit log NOT intact: {} problem(s) in {} entries", v.problems.len(), v.entries);
            Ok(ExitCode::from(1))
        }
    })
}

pub fn audit_checkpoint(data_dir: &Path, database_url: Option<&str>, audit_key: Option<&Path>, out: Option<&Path>) -> Result<ExitCode> {
    runtime()?.block_on(async {
        let mut store = open_existing(data_dir, database_url, true).await?;
        let path = key_path(data_dir, audit_key);
        if path.exists() {
            store = store.with_audit_key(AuditKey::load(&path).map_err(|e| anyhow::anyhow!(e))?);
        }
        let c = store.checkpoint().await?;
        store.close().await;
        let text = serde_json::to_string_pretty(&c)? + "\n";
        match out {
            Some(f) => std::fs::write(f, text).with_context(|| format!("cannot write {}", f.display()))?,
            None => print!("{text}"),
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// `qiangke report` over the ledger: its observations in force, its task updates and the awards
/// it holds (or a batch award table given with `--awards`).
pub fn report_from_ledger(
    pack_dir: &Path,
    year: i32,
    data_dir: Option<&Path>,
    database_url: Option<&str>,
    awards: Option<&Path>,
    out_dir: &Path,
) -> Result<ExitCode> {
    let Some(pack) = crate::pack_or_report(pack_dir) else { return Ok(ExitCode::from(1)) };
    let weights = qiangke_monitor::assess::Weights::from_pack_dir(&pack, pack_dir).map_err(|e| anyhow::anyhow!(e))?;
    let data_dir = data_dir.unwrap_or(Path::new("qiangke-data"));
    let (obs, ups, counts) = runtime()?.block_on(async {
        let store = open_existing(data_dir, database_url, true).await?;
        let r = (store.observations(&pack).await?, store.task_updates(&pack).await?, store.award_counts().await?);
        store.close().await;
        anyhow::Ok(r)
    })?;
    let counts = match awards {
        Some(a) => {
            let text = std::fs::read_to_string(a).with_context(|| format!("cannot read {}", a.display()))?;
            qiangke_monitor::report::award_counts(&text).map_err(|e| anyhow::anyhow!("{}: {e}", a.display()))?
        }
        None => counts,
    };
    crate::write_report(&pack, &obs, &ups, year, &weights, Some(&counts), out_dir)
}

/// What `qiangke monitor` does with the ledger's monitoring data.
#[derive(Debug, Clone, Copy)]
pub enum MonitorAction {
    ImportObservations,
    ImportUpdates,
    ExportObservations,
    ExportUpdates,
}

/// Records observations or task updates from a CSV file into the ledger as a user (the command
/// line holds the database, so it acts `--as` a named user, with that user's scope and in the
/// audit log under that name), or exports them as CSV. All rows or none.
pub fn monitor(
    pack_dir: &Path,
    action: MonitorAction,
    file: Option<&Path>,
    user: Option<&str>,
    data_dir: &Path,
    database_url: Option<&str>,
    audit_key: Option<&Path>,
) -> Result<ExitCode> {
    let Some(pack) = crate::pack_or_report(pack_dir) else { return Ok(ExitCode::from(1)) };
    runtime()?.block_on(async {
        let store = open_existing(data_dir, database_url, false).await?;
        // What it records is keyed like everything the server records.
        let key = load_or_create_key(&store, &key_path(data_dir, audit_key)).await?;
        let store = store.with_audit_key(key);
        let result = match action {
            MonitorAction::ExportObservations | MonitorAction::ExportUpdates => {
                let csv = match action {
                    // The command line holds the database itself: everything, unscoped.
                    MonitorAction::ExportObservations => {
                        qiangke_monitor::observation::export_observations(&pack, &store.observations(&pack).await?)
                    }
                    _ => qiangke_monitor::tasks::export_updates(&pack, &store.task_updates(&pack).await?),
                };
                match file {
                    Some(f) => std::fs::write(f, csv).with_context(|| format!("cannot write {}", f.display()))?,
                    None => print!("{csv}"),
                }
                ExitCode::SUCCESS
            }
            MonitorAction::ImportObservations | MonitorAction::ImportUpdates => {
                let f = file.context("give the CSV file to import")?;
                let user = user.context("give --as USER: the ledger records who entered the figures")?;
                let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
                let p = store.principal_by_name(user).await?;
                let r = match action {
                    MonitorAction::ImportObservations => store.record_observations(&pack, &p, &text).await,
                    _ => store.record_task_updates(&pack, &p, &text).await,
                };
                match r {
                    Ok(v) => {
                        println!("{}: {} row(s) recorded as {user}", f.display(), v["recorded"]);
                        ExitCode::SUCCESS
                    }
                    Err(qiangke_store::Error::Invalid(errs)) => {
                        for e in &errs {
                            eprintln!("{}: {}: {}", f.display(), e.field, e.message);
                        }
                        eprintln!("nothing was recorded: fix the {} row(s) above", errs.len());
                        ExitCode::from(1)
                    }
                    Err(e) => {
                        eprintln!("{}: {e}; nothing was recorded", f.display());
                        ExitCode::from(1)
                    }
                }
            }
        };
        store.close().await;
        Ok(result)
    })
}
