//! qiangke-store: the award ledger. Entities, facts with provenance, applications (evaluations
//! kept whole), awards routed to their verifying departments, verifications, decisions inside
//! the allowed interval, payouts in budget years, users and roles, and an append-only,
//! hash-chained audit log.
//!
//! One schema and one set of queries run on embedded SQLite (the default: a file under a data
//! directory, created on first start) and on PostgreSQL (selected by a `postgres://` URL).
//! Every writing transaction starts by locking the audit head, so transactions that change the
//! ledger are serialised and their audit entries form a single chain; the database's own
//! uniqueness constraints (one payout per award and per once-key) back every workflow check.
//!
//! Authorisation lives here too ([`auth::Principal`] is an argument of every ledger call), so the
//! HTTP server and the command line cannot disagree about who may do what.

pub mod audit;
pub mod auth;
pub mod ledger;
pub mod monitoring;
pub mod publication;
pub mod round;
pub mod signin;
mod time;

pub use auth::{Principal, Role};
pub use qiangke_i18n::{Lang, Msg};
pub use time::{cst_date, cst_minutes, now_ms, parse_rfc3339, rfc3339};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};
use std::fmt::Write as _;
use std::path::Path;

/// What can go wrong. The messages come from the catalogue (`ledger.ftl`), rendered where they
/// are shown: in the reader's language on the API and the pages; `Display` is English (logs, CLI).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    NotFound(Msg),
    /// The principal may not do this (outside its role or scope).
    #[error("{0}")]
    Forbidden(Msg),
    /// The request is well-formed but conflicts with the ledger's state (already decided, paid …).
    #[error("{0}")]
    Conflict(Msg),
    /// Input that fails validation: each problem with the field it concerns.
    #[error("{}", .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("not signed in or the session has expired")]
    Unauthenticated,
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// A validation problem located at a field (`facts[2].value`, `amount`, `row 17, column value`).
// (The doc comments here are the OpenAPI document's descriptions: unchanged on purpose.) It is
// serialized as `{field, message}`, `message` in English; the API puts it in the request's
// language from `msg` (see [`FieldError::rendered`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    // The message from the catalogue, for the reader's language; not serialized.
    #[serde(skip)]
    #[schema(ignore)]
    pub msg: Option<Msg>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, msg: Msg) -> FieldError {
        FieldError { field: field.into(), message: msg.to_string(), msg: Some(msg) }
    }

    /// The message in `lang` (the English `message` where there is no catalogue message).
    pub fn text(&self, lang: Lang) -> String {
        self.msg.as_ref().map_or_else(|| self.message.clone(), |m| m.render(lang))
    }

    /// The same problem with its message in `lang`, as the API serializes it.
    pub fn rendered(&self, lang: Lang) -> FieldError {
        FieldError { field: self.field.clone(), message: self.text(lang), msg: None }
    }
}

/// Checks a text field: required (not blank) if `required`, at most `max` characters.
pub(crate) fn check_text(field: &str, v: &str, max: usize, required: bool, errs: &mut Vec<FieldError>) {
    let v = v.trim();
    if required && v.is_empty() {
        errs.push(FieldError::new(field, Msg::new("ledger-payment-field-missing")));
    } else if v.chars().count() > max {
        errs.push(FieldError::new(field, Msg::new("ledger-payment-field-too-long").arg("max", max)));
    }
}

/// A text another part gives only in English (a rules diagnostic, a library's error), carried as
/// a catalogue message so it goes where messages go.
pub fn other_text(text: impl ToString) -> Msg {
    Msg::new("ledger-other-text").arg("text", text)
}

/// Items said one after another (`a; b; c`). Each item's message ends in `{ $more -> [yes] ;
/// { $detail } … }`: the rest of the list is its detail. `None` for no items.
pub(crate) fn chain(items: Vec<Msg>) -> Option<Msg> {
    items.into_iter().rev().fold(None, |rest, m| {
        Some(match rest {
            Some(r) => m.arg("more", "yes").detail(r),
            None => m.arg("more", "no"),
        })
    })
}

/// Messages one after another ("a; b; c"), whatever their own wording; `None` for none.
pub(crate) fn list_msg(items: Vec<Msg>) -> Option<Msg> {
    items.into_iter().rev().reduce(|rest, m| Msg::new("ledger-and-more").part("first", m).part("rest", rest))
}

/// Why a cell could not be read, with what would be accepted when `hint`.
pub(crate) fn cell_msg(c: qiangke_rules::facts::CellError, hint: bool) -> Msg {
    match c.hint {
        Some(h) if hint => Msg::new("ledger-cell-hint").part("hint", h).detail(c.msg),
        _ => c.msg,
    }
}

impl Error {
    /// A database uniqueness constraint refused the change (a concurrent request got there first).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Db(d) if d.as_database_error().is_some_and(|x| x.is_unique_violation()))
    }

    /// Why the database could not store the change, when the cause lies in its storage rather
    /// than in the request: a full disk, a read-only file system, an input/output error, a
    /// database that cannot be reached. Such a failure is the server's (503), and passes.
    pub fn storage_failure(&self) -> Option<StorageFailure> {
        let Error::Db(d) = self else { return None };
        match d {
            sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => {
                Some(StorageFailure::Unreachable)
            }
            sqlx::Error::Database(db) => {
                let code = db.code()?;
                // SQLite gives its extended result code as a number; the primary code is the low byte.
                if let Ok(n) = code.parse::<i32>() {
                    return match n & 0xff {
                        13 => Some(StorageFailure::Full),
                        8 => Some(StorageFailure::ReadOnly),
                        10 | 14 => Some(StorageFailure::Io),
                        _ => None,
                    };
                }
                // PostgreSQL SQLSTATE: class 53 insufficient resources (53100 disk full), 58 system
                // error, 25006 read-only transaction.
                match code.as_ref() {
                    "53100" => Some(StorageFailure::Full),
                    "25006" => Some(StorageFailure::ReadOnly),
                    c if c.starts_with("53") || c.starts_with("58") => Some(StorageFailure::Io),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, msg: Msg) -> Error {
        Error::Invalid(vec![FieldError::new(field, msg)])
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure of the ledger's storage (see [`Error::storage_failure`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFailure {
    /// The disk (or the database's quota) is full.
    Full,
    /// The data directory or the database is read-only.
    ReadOnly,
    /// Reading or writing the database failed.
    Io,
    /// The database cannot be reached (or every connection is busy).
    Unreachable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The ledger database.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub backend: Backend,
    /// Bounds the password hashes computed at once (see [`signin`]).
    pub(crate) hash_gate: std::sync::Arc<signin::HashGate>,
    /// The key of the audit chain ([`audit::AuditKey`]); unkeyed entries without one.
    pub(crate) audit_key: Option<std::sync::Arc<audit::AuditKey>>,
    /// Milliseconds added to the system clock for the ledger's own times (decisions, 公示
    /// periods, payments, audit entries): zero but in tests and demonstrations, which move a
    /// ledger's time forward ([`Store::advance_clock`]). Sessions keep the system clock.
    pub(crate) clock_offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "ledger", include_str!("migrations/0001_ledger.sql")),
    (2, "monitoring", include_str!("migrations/0002_monitoring.sql")),
    (3, "hardening", include_str!("migrations/0003_hardening.sql")),
    (4, "rounds", include_str!("migrations/0004_rounds.sql")),
    (5, "shared texts", include_str!("migrations/0005_shared_texts.sql")),
    (6, "payments", include_str!("migrations/0006_payments.sql")),
    (7, "appropriations", include_str!("migrations/0007_appropriations.sql")),
    (8, "publications", include_str!("migrations/0008_publications.sql")),
];

impl Store {
    /// Opens (creating on first use) the embedded SQLite ledger `qiangke.db` in `dir`.
    pub async fn open_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::invalid("data directory", Msg::new("ledger-cannot-create-dir").arg("dir", dir.display()).arg("error", e))
        })?;
        // Say at once when the directory cannot be written (a read-only mount, a full disk, a
        // missing permission), instead of letting the pool retry until it times out.
        let probe = dir.join(".qiangke-write-check");
        std::fs::write(&probe, b"ok")
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|e| Error::invalid("data directory", Msg::new("ledger-dir-not-writable").arg("dir", dir.display()).arg("error", e)))?;
        let path = dir.join("qiangke.db");
        Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Opens a ledger by URL (`sqlite://…` or `postgres://…`) and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::connect(url, false).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens an existing ledger only to read it (an auditor's copy on a read-only medium, a
    /// report): nothing is migrated or written, and the connections refuse to write.
    pub async fn open_read_only(url: &str) -> Result<Store> {
        Store::connect(url, true).await
    }

    /// The embedded SQLite ledger `qiangke.db` in `dir`, read only (see [`Store::open_read_only`]).
    pub async fn open_dir_read_only(dir: &Path) -> Result<Store> {
        let path = dir.join("qiangke.db");
        if !path.exists() {
            return Err(Error::NotFound(Msg::new("ledger-no-ledger-at").arg("path", path.display())));
        }
        Store::open_read_only(&format!("sqlite://{}?mode=ro", path.display())).await
    }

    async fn connect(url: &str, read_only: bool) -> Result<Store> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(Error::invalid("database URL", Msg::new("ledger-bad-database-url").arg("url", url)));
        };
        // One connection first: a database that cannot be opened or reached says why at once
        // (the pool would retry until its timeout and then only say that it timed out).
        {
            use sqlx::Connection;
            let conn = sqlx::AnyConnection::connect(url).await?;
            conn.close().await?;
        }
        let max = if backend == Backend::Sqlite { 8 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(std::time::Duration::from_secs(30))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    let pragmas: &[&str] = match (backend, read_only) {
                        // WAL lets readers run beside the one writer; a writer waits for the lock
                        // instead of failing; FULL sync makes a commit survive a killed process.
                        (Backend::Sqlite, false) => &[
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA busy_timeout = 30000",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA synchronous = FULL",
                            // 32 MiB of page cache (the default is 2 MiB): a round writes tens of
                            // megabytes in one transaction, and a spilling cache writes pages twice.
                            "PRAGMA cache_size = -32768",
                        ],
                        (Backend::Sqlite, true) => &["PRAGMA busy_timeout = 30000", "PRAGMA query_only = ON"],
                        (Backend::Postgres, false) => &[],
                        (Backend::Postgres, true) => &["SET default_transaction_read_only = on"],
                    };
                    for p in pragmas {
                        sqlx::query(sqlx::AssertSqlSafe(*p)).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Store {
            pool,
            backend,
            hash_gate: std::sync::Arc::new(signin::HashGate::new()),
            audit_key: None,
            clock_offset: Default::default(),
        })
    }

    /// The ledger's time, Unix milliseconds: the system clock, moved by [`Store::advance_clock`].
    pub fn now(&self) -> i64 {
        time::ledger_now(&self.clock_offset)
    }

    /// Moves the ledger's time forward by `ms` (never back): for tests and demonstrations of
    /// what happens after a period ends. No page or endpoint calls it.
    pub fn advance_clock(&self, ms: i64) {
        self.clock_offset.fetch_add(ms.max(0), std::sync::atomic::Ordering::Relaxed);
    }

    /// Applies the migrations not yet recorded in `schema_migrations`, each in its own transaction.
    async fn migrate(&self) -> Result<()> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        for (version, name, text) in MIGRATIONS {
            let mut tx = self.pool.begin().await?;
            // Take the table's write lock first so two servers starting together migrate once.
            if self.backend == Backend::Postgres {
                sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").execute(&mut *tx).await?;
            } else {
                sqlx::query("DELETE FROM schema_migrations WHERE version < 0").execute(&mut *tx).await?;
            }
            let done: i64 = sqlx::query("SELECT COUNT(*) FROM schema_migrations WHERE version = $1")
                .bind(*version)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if done > 0 {
                tx.rollback().await?;
                continue;
            }
            let id = match self.backend {
                Backend::Sqlite => "INTEGER PRIMARY KEY",
                Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            };
            for stmt in statements(text) {
                sqlx::query(sqlx::AssertSqlSafe(stmt.replace("{id}", id))).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(*version)
                .bind(*name)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// The pool, for tests and tools that inspect the database directly.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Splits a migration into statements: each ends with `;` at the end of a line; `--` comments
/// are dropped.
fn statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let l = line.trim_end();
        if l.trim_start().starts_with("--") || l.is_empty() {
            continue;
        }
        cur.push_str(l);
        cur.push('\n');
        if l.ends_with(';') {
            out.push(std::mem::take(&mut cur).trim_end().trim_end_matches(';').to_string());
        }
    }
    out
}

/// A value bound into a bulk statement.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Bind {
        Bind::Int(Some(v))
    }
}
impl From<Option<i64>> for Bind {
    fn from(v: Option<i64>) -> Bind {
        Bind::Int(v)
    }
}
impl From<String> for Bind {
    fn from(v: String) -> Bind {
        Bind::Text(Some(v))
    }
}
impl From<&str> for Bind {
    fn from(v: &str) -> Bind {
        Bind::Text(Some(v.to_string()))
    }
}
impl From<Option<String>> for Bind {
    fn from(v: Option<String>) -> Bind {
        Bind::Text(v)
    }
}

/// Inserts `rows` with multi-row statements of up to 8,000 values each (`head`: `INSERT INTO t
/// (a, b)`; every row has as many values as the columns named); with `returning` (`id, k`), the
/// rows the statements return. One round trip per hundreds of rows instead of one per row: what a
/// population-wide write needs.
pub(crate) async fn bulk_insert(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    rows: Vec<Vec<Bind>>,
    returning: Option<&str>,
) -> Result<Vec<sqlx::any::AnyRow>> {
    bulk_insert_then(conn, head, rows, "", returning).await
}

/// [`bulk_insert`] with `tail` after the values of each statement (`ON CONFLICT (k) DO NOTHING`).
pub(crate) async fn bulk_insert_then(
    conn: &mut sqlx::AnyConnection,
    head: &str,
    rows: Vec<Vec<Bind>>,
    tail: &str,
    returning: Option<&str>,
) -> Result<Vec<sqlx::any::AnyRow>> {
    let mut out = Vec::new();
    // SQLite looks a named parameter (`$7`) up by a linear search of the statement's names, so a
    // statement's cost would grow with the square of its parameters; its anonymous `?` take
    // their place in order at no cost. PostgreSQL numbers them.
    let sqlite = conn.backend_name() == "SQLite";
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        // Under SQLite's 32,766 and PostgreSQL's 65,535 parameters to a statement.
        let per = rows.peek().map_or(1, |r| (8000 / r.len().max(1)).max(1));
        let chunk: Vec<Vec<Bind>> = rows.by_ref().take(per).collect();
        let mut sql = String::with_capacity(head.len() + chunk.len() * 64);
        sql.push_str(head);
        sql.push_str(" VALUES ");
        let mut n = 0;
        for (i, r) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..r.len() {
                n += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                if sqlite {
                    sql.push('?');
                } else {
                    let _ = write!(sql, "${n}");
                }
            }
            sql.push(')');
        }
        if !tail.is_empty() {
            sql.push(' ');
            sql.push_str(tail);
        }
        if let Some(r) = returning {
            sql.push_str(" RETURNING ");
            sql.push_str(r);
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in chunk.into_iter().flatten() {
            q = match v {
                Bind::Int(i) => q.bind(i),
                Bind::Text(t) => q.bind(t),
            };
        }
        if returning.is_some() {
            out.extend(q.fetch_all(&mut *conn).await?);
        } else {
            q.execute(&mut *conn).await?;
        }
    }
    Ok(out)
}

/// Converts a rule amount in yuan to integer fen; amounts are exact to the fen by construction.
pub fn to_fen(yuan: rust_decimal::Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    let f = yuan * rust_decimal::Decimal::ONE_HUNDRED;
    if f.fract().is_zero() { f.to_i64() } else { None }
}

/// An amount a person typed (`200000`, `20万元`, `150000.50`) as integer fen, with the checks a
/// money fact gets (never negative, never finer than a fen); the error says what is wrong.
pub fn parse_fen(pack: &qiangke_rules::Pack, text: &str) -> std::result::Result<i64, Msg> {
    match qiangke_rules::facts::parse_cell(pack, qiangke_rules::model::Type::Money, text) {
        Ok(qiangke_rules::model::Value::Money(m)) => to_fen(m).ok_or_else(|| Msg::new("ledger-money-not-fen-exact")),
        Ok(_) => Err(Msg::new("ledger-expected-money")),
        Err(e) => Err(cell_msg(e, false)),
    }
}

/// `25000000` fen → `250,000.00`: an amount in a message people read (the catalogue adds 元).
pub fn fen_grouped(fen: i64) -> String {
    qiangke_rules::value::money_yuan(rust_decimal::Decimal::new(fen, 2)).trim_end_matches('元').to_string()
}

/// Integer fen as an exact yuan string with two decimals, the evaluator's form:
/// 20000000 → "200000.00", 123 → "1.23".
pub fn fen_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_statements_split_on_line_end_semicolons() {
        let s = statements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE TABLE b (\n  y TEXT\n);\n");
        assert_eq!(s, vec!["CREATE TABLE a (x TEXT)".to_string(), "CREATE TABLE b (\n  y TEXT\n)".to_string()]);
        assert_eq!(statements(MIGRATIONS[0].2).len(), 16);
        assert_eq!(statements(MIGRATIONS[1].2).len(), 3);
    }

    #[test]
    fn refusals_read_as_sentences_in_both_languages() {
        let item = |n: usize, who: &str| {
            Msg::new("ledger-item-not-supplied").arg("item", n).arg("name", "rd_expenditure").arg("who", who).arg("me", "市工信局")
        };
        let m = Msg::new("ledger-records-only-supplied").detail(chain(vec![item(1, "市税务局"), item(2, "none")]).expect("two"));
        assert_eq!(
            m.to_string(),
            "item 1: `rd_expenditure` comes from the records of 市税务局, not of 市工信局; \
             item 2: `rd_expenditure` comes from the records of the entity itself (or the administrator), not of 市工信局; \
             a department records only the facts it supplies"
        );
        assert_eq!(
            m.render(Lang::Zh),
            "第 1 项:“rd_expenditure”来自市税务局的记录,不属于市工信局;\
             第 2 项:“rd_expenditure”来自企业或单位本身(或管理员)的记录,不属于市工信局;\
             部门只能填报本部门提供的事实"
        );
        assert_eq!(chain(Vec::new()), None);
        let r = Msg::new("ledger-role-refused").arg("role", "finance").detail(Msg::new("ledger-act-register-entity"));
        assert_eq!(r.to_string(), "registering an entity needs the role admin; you are signed in as finance");
        assert_eq!(r.render(Lang::Zh), "登记企业或单位需要管理员角色;您当前登录的角色是财政");
        let c = Msg::new("ledger-no-longer-pending").arg("id", 7).arg("status", "rejected");
        assert_eq!(c.to_string(), "award 7 is rejected, no longer waiting for verification");
        assert_eq!(c.render(Lang::Zh), "奖补 7 已驳回,不再等待核实");
        let f = FieldError::new("reason", Msg::new("ledger-rejection-needs-reason"));
        assert_eq!(f.message, "a rejection needs a reason the applicant can read");
        assert_eq!(f.text(Lang::Zh), "驳回必须填写申请人能看懂的理由");
        assert_eq!(serde_json::to_value(&f).expect("json"), serde_json::json!({"field": "reason", "message": f.message}));
    }

    #[test]
    fn fen_round_trip() {
        assert_eq!(to_fen("200000".parse().unwrap()), Some(20_000_000));
        assert_eq!(to_fen("0.01".parse().unwrap()), Some(1));
        assert_eq!(to_fen("0.001".parse().unwrap()), None);
        assert_eq!(fen_text(20_000_000), "200000.00");
        assert_eq!(fen_text(123), "1.23");
        assert_eq!(fen_text(150), "1.50");
        assert_eq!(fen_text(-5), "-0.05");
    }
}
