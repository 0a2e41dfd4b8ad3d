//! The append-only audit log and the writing transaction that feeds it.
//!
//! Every change to the ledger happens inside a [`Writer`]: its first statement locks the single
//! row of `audit_head` (an UPDATE, so SQLite takes its write lock up front and PostgreSQL a row
//! lock), which serialises writers and lets each entry name the hash of the one before it.
//!
//! What [`Store::verify_audit`] detects, and what it cannot (SECURITY.md says the same):
//! - Entry hash = HMAC-SHA-256, keyed with the audit key ([`AuditKey`], a file kept outside the
//!   database), over the previous hash and every field, each length-prefixed (scheme 2; the
//!   unkeyed SHA-256 of older ledgers is scheme 1). Editing, deleting inside, reordering — and,
//!   without the key, rewriting entries and recomputing the chain — break it, and verification
//!   names the entry. From the key's first entry on, an unkeyed entry is itself a break.
//! - Each transaction's entries carry the hashes of the award, decision and payout rows it
//!   changed (`detail.rows`): a row edited in its table afterwards (a payout's amount multiplied)
//!   no longer matches the newest entry that covers it, and a row no entry covers was not made by
//!   the ledger.
//! - Deleting the newest entries (and moving the head back) leaves a shorter, valid chain: only a
//!   checkpoint ([`Checkpoint`]: sequence number and hash of the head, signed with the key) kept
//!   by an auditor outside the ledger shows it — or a covered row whose entry is gone.
//! - Someone holding both the database and the key can rewrite everything after the newest
//!   checkpoint an auditor kept; nothing inside one machine can prevent that.

use crate::Bind;
use crate::{Backend, Result, Store};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Row};
use std::collections::BTreeMap;
use std::path::Path;

/// One thing that happened, attributed to an actor.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor: String,
    pub action: &'static str,
    /// What it happened to: `award:12`, `entity:3`, `import:4`.
    pub subject: String,
    /// The entity concerned, if any (lets entity users and county officials see their entries).
    pub entity_id: Option<i64>,
    /// The department concerned, if any (lets reviewers see their entries).
    pub department: Option<String>,
    pub detail: serde_json::Value,
}

/// A writing transaction holding the audit lock. Dropped without [`Writer::commit`], it rolls back.
///
/// The transaction is opened and closed with plain `BEGIN`/`COMMIT` on a connection of its own,
/// never with the driver's nesting transaction object: a connection whose `COMMIT` or `ROLLBACK`
/// failed (a full disk, a read-only file system, a lost server) is closed instead of going back to
/// the pool. A connection left inside a transaction would otherwise turn every later "transaction"
/// on it into a savepoint of one that is never committed: acknowledged writes that vanish at the
/// next restart, and a write lock nobody releases. And since `BEGIN` fails inside a transaction, a
/// connection that somehow still were in one is refused at once rather than reused.
#[derive(Debug)]
pub struct Writer {
    conn: Option<PoolConnection<Any>>,
    entries: Vec<Entry>,
    /// Ledger rows the transaction created or changed; their hashes go into its last entry.
    covered: Vec<(&'static str, i64)>,
    /// The same, to look up (a round covers thousands of rows).
    covered_set: std::collections::HashSet<(&'static str, i64)>,
    key: Option<std::sync::Arc<AuditKey>>,
    clock_offset: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Store {
    /// Begins a writing transaction; waits for the audit lock.
    pub(crate) async fn writer(&self) -> Result<Writer> {
        let mut conn = self.pool.acquire().await?;
        // SQLite: IMMEDIATE takes the write lock now (waiting up to busy_timeout), so a writer
        // never fails half-way for a lock it could not upgrade to.
        let begin = if self.backend == Backend::Sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
        if let Err(e) = sqlx::query(begin).execute(&mut *conn).await {
            conn.close_on_drop();
            return Err(e.into());
        }
        let mut w = Writer {
            conn: Some(conn),
            entries: Vec::new(),
            covered: Vec::new(),
            covered_set: Default::default(),
            key: self.audit_key.clone(),
            clock_offset: self.clock_offset.clone(),
        };
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(w.conn()).await?;
        Ok(w)
    }
}

impl Writer {
    /// The transaction's connection, to run statements in it.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("a writer holds its connection until commit or drop")
    }

    /// The ledger's time ([`Store::now`]).
    pub(crate) fn now(&self) -> i64 {
        crate::time::ledger_now(&self.clock_offset)
    }

    pub(crate) fn log(&mut self, e: Entry) {
        self.entries.push(e);
    }

    /// Records that the transaction created or changed a ledger row (`awards`, `decisions` by
    /// award id, `payouts`): its hash at commit goes into the transaction's last entry.
    pub(crate) fn cover(&mut self, table: &'static str, id: i64) {
        if self.covered_set.insert((table, id)) {
            self.covered.push((table, id));
        }
    }

    /// Appends the entries to the chain and commits everything at once. Only an `Ok` means the
    /// change is durable; on any error nothing of it is kept and the connection is retired.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(self.conn()).await?;
        let mut seq: i64 = head.try_get(0)?;
        let mut prev: String = head.try_get(1)?;
        let at = self.now();
        let mut entries = std::mem::take(&mut self.entries);
        if !self.covered.is_empty() {
            let mut rows = serde_json::Map::new();
            let covered = std::mem::take(&mut self.covered);
            for table in COVERED {
                let ids: Vec<i64> = covered.iter().filter(|(t, _)| *t == table).map(|(_, id)| *id).collect();
                for (id, h) in row_hashes(self.conn(), table, &ids).await? {
                    rows.insert(format!("{table}:{id}"), serde_json::Value::String(h));
                }
            }
            if let Some(last) = entries.last_mut()
                && let Some(d) = last.detail.as_object_mut()
            {
                d.insert("rows".into(), serde_json::Value::Object(rows));
            }
        }
        let scheme: i64 = if self.key.is_some() { 2 } else { 1 };
        let mut values = Vec::with_capacity(entries.len());
        for e in entries {
            seq += 1;
            let detail = e.detail.to_string();
            let fields = Fields {
                seq,
                at,
                actor: &e.actor,
                action: e.action,
                subject: &e.subject,
                entity: e.entity_id,
                dept: e.department.as_deref(),
                detail: &detail,
            };
            let hash = entry_hash(self.key.as_deref(), &prev, &fields);
            values.push(vec![
                Bind::from(seq),
                at.into(),
                e.actor.into(),
                e.action.into(),
                e.subject.into(),
                e.entity_id.into(),
                e.department.into(),
                detail.into(),
                prev.clone().into(),
                hash.clone().into(),
                scheme.into(),
            ]);
            prev = hash;
        }
        crate::bulk_insert(
            self.conn(),
            "INSERT INTO audit (seq, at, actor, action, subject, entity_id, department, detail, prev_hash, hash, scheme)",
            values,
            None,
        )
        .await?;
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(seq).bind(&prev).execute(self.conn()).await?;
        let mut conn = self.conn.take().expect("held until now");
        if let Err(e) = sqlx::query("COMMIT").execute(&mut *conn).await {
            // Whether the database rolled back by itself or not, this connection's state is
            // unknown: try to roll back, then close it.
            let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
            conn.close_on_drop();
            return Err(e.into());
        }
        Ok(())
    }
}

impl Drop for Writer {
    /// Not committed (an error, a refusal, a cancelled request): roll back off the caller's path.
    /// The connection returns to the pool only if the rollback succeeds.
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                        conn.close_on_drop();
                    }
                });
            }
            // No runtime to roll back on: closing the connection rolls the transaction back.
            Err(_) => conn.close_on_drop(),
        }
    }
}

/// The fields of an entry that its hash covers.
#[derive(Debug, Clone, Copy)]
struct Fields<'a> {
    seq: i64,
    at: i64,
    actor: &'a str,
    action: &'a str,
    subject: &'a str,
    entity: Option<i64>,
    dept: Option<&'a str>,
    detail: &'a str,
}

/// The secret the audit chain and checkpoints are keyed with, and the first entry keyed with it.
/// It lives in a file outside the database (`audit.key` in the data directory by default: keep a
/// copy elsewhere, and give auditors what they need), two lines: `key = <64 hex digits>` and
/// `since = <first sequence number>`.
#[derive(Clone)]
pub struct AuditKey {
    secret: [u8; 32],
    /// Entries from this sequence number on must be keyed.
    pub since: i64,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditKey").field("since", &self.since).finish_non_exhaustive()
    }
}

impl AuditKey {
    /// Reads a key file.
    pub fn load(path: &Path) -> std::result::Result<AuditKey, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the audit key {}: {e}", path.display()))?;
        let mut secret = None;
        let mut since = None;
        for line in text.lines() {
            match line.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
                Some(("key", v)) if v.len() == 64 && v.is_ascii() => {
                    let mut b = [0u8; 32];
                    for (i, x) in b.iter_mut().enumerate() {
                        *x = u8::from_str_radix(&v[2 * i..2 * i + 2], 16).map_err(|_| format!("{}: the key is not hex", path.display()))?;
                    }
                    secret = Some(b);
                }
                Some(("since", v)) => since = v.parse::<i64>().ok(),
                _ => {}
            }
        }
        match (secret, since) {
            (Some(secret), Some(since)) => Ok(AuditKey { secret, since }),
            _ => Err(format!("{}: expected `key = <64 hex digits>` and `since = <sequence number>`", path.display())),
        }
    }

    /// A new random key for entries from `since` on, written to `path` (which must not exist),
    /// readable by its owner only.
    pub fn create(path: &Path, since: i64) -> std::result::Result<AuditKey, String> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| format!("no random source for the audit key: {e}"))?;
        let text = format!(
            "# The key of this ledger's audit chain. Keep a copy away from the database: with it an\n\
             # auditor checks the chain; without it nobody can rewrite the chain unseen.\nkey = {}\nsince = {since}\n",
            hex::encode(secret)
        );
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        let mut f = o.open(path).map_err(|e| format!("cannot create the audit key {}: {e}", path.display()))?;
        std::io::Write::write_all(&mut f, text.as_bytes()).map_err(|e| format!("cannot write the audit key {}: {e}", path.display()))?;
        f.sync_all().map_err(|e| format!("cannot write the audit key {}: {e}", path.display()))?;
        Ok(AuditKey { secret, since })
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.secret).expect("HMAC takes any key length")
    }
}

/// Length-prefixed parts, so that moving a character between fields changes the hash.
fn feed(h: &mut impl FnMut(&[u8]), parts: &[&str]) {
    for part in parts {
        h(&(part.len() as u64).to_be_bytes());
        h(part.as_bytes());
    }
}

/// An entry's hash: keyed (HMAC-SHA-256) with the audit key, or plain SHA-256 without one.
fn entry_hash(key: Option<&AuditKey>, prev: &str, f: &Fields<'_>) -> String {
    let entity = f.entity.map(|e| e.to_string()).unwrap_or_default();
    let parts = [prev, &f.seq.to_string(), &f.at.to_string(), f.actor, f.action, f.subject, &entity, f.dept.unwrap_or(""), f.detail];
    match key {
        Some(k) => {
            let mut m = k.mac();
            feed(&mut |b| m.update(b), &parts);
            hex::encode(m.finalize().into_bytes())
        }
        None => {
            let mut h = Sha256::new();
            feed(&mut |b| h.update(b), &parts);
            hex::encode(h.finalize())
        }
    }
}

/// The tables whose rows the chain covers: each row as it stands, against the newest entry that
/// recorded it.
const COVERED: [&str; 11] = [
    "awards",
    "decisions",
    "payouts",
    "payments",
    "payment_lines",
    "reversals",
    "appropriations",
    "publications",
    "publication_items",
    "objections",
    "objection_rulings",
];

/// The columns of a covered ledger row, as text, in a fixed order.
fn row_sql(table: &str) -> Option<&'static str> {
    Some(match table {
        "awards" => {
            "SELECT CAST(id AS TEXT), CAST(application_id AS TEXT), CAST(entity_id AS TEXT), rule_id, clause, CAST(claim_year AS TEXT), \
             CAST(budget_year AS TEXT), verifiers, payer, CAST(low_fen AS TEXT), CAST(high_fen AS TEXT), once_key, status FROM awards"
        }
        "decisions" => {
            "SELECT CAST(award_id AS TEXT), CAST(amount_fen AS TEXT), reason, CAST(decided_by AS TEXT), CAST(at AS TEXT), \
             CAST(ceiling_fen AS TEXT), CAST(second_by AS TEXT), CAST(second_at AS TEXT) FROM decisions"
        }
        "payouts" => {
            "SELECT CAST(id AS TEXT), CAST(award_id AS TEXT), once_key, CAST(entity_id AS TEXT), CAST(budget_year AS TEXT), payer, clause, \
             CAST(amount_fen AS TEXT), status, CAST(scheduled_at AS TEXT), CAST(paid_at AS TEXT), CAST(paid_by AS TEXT) FROM payouts"
        }
        "payments" => {
            "SELECT CAST(id AS TEXT), voucher, paid_on, account, CAST(total_fen AS TEXT), request_key, CAST(entered_by AS TEXT), \
             CAST(entered_at AS TEXT) FROM payments"
        }
        "payment_lines" => {
            "SELECT CAST(id AS TEXT), CAST(payment_id AS TEXT), CAST(payout_id AS TEXT), CAST(amount_fen AS TEXT) FROM payment_lines"
        }
        "reversals" => {
            "SELECT CAST(id AS TEXT), CAST(payout_id AS TEXT), CAST(payment_id AS TEXT), CAST(amount_fen AS TEXT), reason, \
             CAST(entered_by AS TEXT), CAST(entered_at AS TEXT) FROM reversals"
        }
        "appropriations" => {
            "SELECT CAST(id AS TEXT), CAST(budget_year AS TEXT), payer, clause, CAST(amount_fen AS TEXT), CAST(entered_by AS TEXT), \
             CAST(entered_at AS TEXT) FROM appropriations"
        }
        "publications" => {
            "SELECT CAST(id AS TEXT), title, CAST(claim_year AS TEXT), published_on, starts_on, ends_on, CAST(working_days AS TEXT), \
             CAST(published_by AS TEXT), CAST(published_at AS TEXT) FROM publications"
        }
        "publication_items" => {
            "SELECT CAST(id AS TEXT), CAST(publication_id AS TEXT), CAST(award_id AS TEXT), CAST(amount_fen AS TEXT) FROM publication_items"
        }
        "objections" => {
            "SELECT CAST(id AS TEXT), CAST(publication_id AS TEXT), CAST(award_id AS TEXT), department, reason, contact, name, \
             CAST(filed_at AS TEXT) FROM objections"
        }
        "objection_rulings" => {
            "SELECT CAST(id AS TEXT), CAST(objection_id AS TEXT), CAST(award_id AS TEXT), verdict, reason, CAST(ruled_by AS TEXT), \
             CAST(ruled_at AS TEXT) FROM objection_rulings"
        }
        _ => return None,
    })
}

/// The column identifying a covered row of `table`.
fn row_key_column(table: &str) -> &'static str {
    if table == "decisions" { "award_id" } else { "id" }
}

fn hash_row(r: &sqlx::any::AnyRow) -> Result<String> {
    let mut h = Sha256::new();
    for i in 0..r.len() {
        let v: Option<String> = r.try_get(i)?;
        match v {
            Some(v) => {
                h.update([1u8]);
                h.update((v.len() as u64).to_be_bytes());
                h.update(v.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    Ok(hex::encode(h.finalize()))
}

/// The hashes of covered rows as they stand (inside the writer's transaction), by id (a row that is not there is left out). The
/// first column of every covered table's selection is its key.
async fn row_hashes(conn: &mut AnyConnection, table: &str, ids: &[i64]) -> Result<Vec<(i64, String)>> {
    let Some(sql) = row_sql(table) else { return Ok(Vec::new()) };
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(100) {
        let list = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let q = format!("{sql} WHERE {} IN ({list})", row_key_column(table));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(q));
        for id in chunk {
            q = q.bind(*id);
        }
        let mut found: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        for r in q.fetch_all(&mut *conn).await? {
            let key: String = r.try_get(0)?;
            found.insert(key.parse().unwrap_or_default(), hash_row(&r)?);
        }
        // In the order they were covered.
        out.extend(chunk.iter().filter_map(|id| found.remove(id).map(|h| (*id, h))));
    }
    Ok(out)
}

/// The head of the chain at a moment, for an auditor to keep outside the ledger: a later
/// verification against it shows whether entries up to it were removed or rewritten. `mac` is
/// HMAC-SHA-256 with the audit key over the other fields (absent without a key).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    /// When it was taken, RFC 3339.
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
}

fn checkpoint_mac(key: &AuditKey, seq: i64, hash: &str, at: &str) -> String {
    let mut m = key.mac();
    feed(&mut |b| m.update(b), &["qiangke-audit-checkpoint", &seq.to_string(), hash, at]);
    hex::encode(m.finalize().into_bytes())
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: i64,
    /// Empty when the chain is intact; otherwise each break, located by sequence number.
    pub problems: Vec<String>,
    /// Whether the entries' keyed hashes were checked (the audit key was at hand).
    pub keyed: bool,
    /// Ledger rows (awards, decisions, payouts) checked against the newest entry covering them.
    pub rows_checked: i64,
    /// Rows older than the audit key that no entry covers (ledgers from before coverage).
    pub rows_uncovered_old: i64,
    /// Checkpoints the chain was checked against.
    pub checkpoints: usize,
}

impl Store {
    /// The audit key this store writes and verifies with.
    pub fn with_audit_key(mut self, key: AuditKey) -> Store {
        self.audit_key = Some(std::sync::Arc::new(key));
        self
    }

    /// The sequence number the next entry will get (a new key's `since`).
    pub async fn next_audit_seq(&self) -> Result<i64> {
        let seq: i64 = sqlx::query("SELECT seq FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?.try_get(0)?;
        Ok(seq + 1)
    }

    /// The head of the chain now, signed with the audit key when there is one.
    pub async fn checkpoint(&self) -> Result<Checkpoint> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let (seq, hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        let at = crate::rfc3339(self.now());
        let mac = self.audit_key.as_deref().map(|k| checkpoint_mac(k, seq, &hash, &at));
        Ok(Checkpoint { seq, hash, at, mac })
    }

    /// Recomputes every entry's hash (keyed with the audit key where the entry is keyed) and
    /// checks the links, the head, the ledger rows the entries cover, and each checkpoint.
    pub async fn verify_audit(&self, checkpoints: &[Checkpoint]) -> Result<Verification> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, action, subject, entity_id, department, detail, prev_hash, hash, scheme FROM audit ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await?;
        let key = self.audit_key.as_deref();
        let mut problems = Vec::new();
        let mut prev = "0".repeat(64);
        let mut expect = 1i64;
        let mut hashes: BTreeMap<i64, String> = BTreeMap::new();
        // The newest entry covering each ledger row, and the hash it recorded.
        let mut covered: BTreeMap<String, (i64, String)> = BTreeMap::new();
        let mut unchecked_keyed = 0;
        for r in &rows {
            let seq: i64 = r.try_get(0)?;
            let entity: Option<i64> = r.try_get(5)?;
            let dept: Option<String> = r.try_get(6)?;
            let (at, actor, action, subject, detail): (i64, String, String, String, String) =
                (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(7)?);
            let (prev_hash, hash, scheme): (String, String, i64) = (r.try_get(8)?, r.try_get(9)?, r.try_get(10)?);
            if seq != expect {
                problems.push(format!("entry {expect} is missing (the next entry is {seq})"));
            }
            if prev_hash != prev {
                problems.push(format!("entry {seq}: its link to the previous entry is broken (entries deleted or reordered?)"));
            }
            let fields =
                Fields { seq, at, actor: &actor, action: &action, subject: &subject, entity, dept: dept.as_deref(), detail: &detail };
            match (scheme, key) {
                (1, Some(k)) if seq >= k.since => problems
                    .push(format!("entry {seq} ({action} {subject}): unkeyed, though the audit key keys every entry from {} on", k.since)),
                (1, _) => {
                    if entry_hash(None, &prev_hash, &fields) != hash {
                        problems.push(format!(
                            "entry {seq} ({action} {subject}): its contents do not match its hash (edited after it was written)"
                        ));
                    }
                }
                (_, Some(k)) => {
                    if entry_hash(Some(k), &prev_hash, &fields) != hash {
                        problems.push(format!(
                            "entry {seq} ({action} {subject}): its contents do not match its keyed hash (edited, or rewritten without the key)"
                        ));
                    }
                }
                (_, None) => unchecked_keyed += 1,
            }
            if let Ok(d) = serde_json::from_str::<serde_json::Value>(&detail)
                && let Some(rs) = d["rows"].as_object()
            {
                for (k, v) in rs {
                    covered.insert(k.clone(), (seq, v.as_str().unwrap_or("").to_string()));
                }
            }
            hashes.insert(seq, hash.clone());
            prev = hash;
            expect = seq + 1;
        }
        if unchecked_keyed > 0 {
            problems.push(format!("{unchecked_keyed} keyed entries could not be checked: give the audit key (--audit-key)"));
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let (hseq, hhash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        if hseq != expect - 1 || hhash != prev {
            problems
                .push(format!("the log ends at entry {} but the head records entry {hseq}: entries were removed from the end", expect - 1));
        }
        // Every award, decision and payout as it stands, against the newest entry covering it.
        // Rows made before the audit key existed may predate coverage (ledgers of version 2).
        let strict = key.is_none_or(|k| k.since <= 1);
        let (mut rows_checked, mut rows_uncovered_old) = (0, 0);
        for table in COVERED {
            let sql = row_sql(table).expect("a covered table");
            let all = sqlx::query(sqlx::AssertSqlSafe(format!("{sql} ORDER BY {}", row_key_column(table)))).fetch_all(&self.pool).await?;
            let what = table.trim_end_matches('s');
            for r in &all {
                let id: String = r.try_get(0)?;
                rows_checked += 1;
                match covered.remove(&format!("{table}:{id}")) {
                    Some((seq, h)) if h != hash_row(r)? => {
                        problems.push(format!("{what} {id} does not match what entry {seq} recorded of it (changed outside the ledger)"));
                    }
                    Some(_) => {}
                    None if strict => problems.push(format!("{what} {id} is in no audit entry (not made by the ledger)")),
                    None => rows_uncovered_old += 1,
                }
            }
        }
        for (name, (seq, _)) in covered {
            problems.push(format!("{} recorded by entry {seq} is gone (deleted outside the ledger)", name.replace("s:", " ")));
        }
        for c in checkpoints {
            match hashes.get(&c.seq) {
                None => problems
                    .push(format!("the checkpoint of {} names entry {}, which the log no longer has (entries removed)", c.at, c.seq)),
                Some(h) if *h != c.hash => {
                    problems.push(format!(
                        "the checkpoint of {}: entry {} has another hash than it had then (the log was rewritten)",
                        c.at, c.seq
                    ));
                }
                Some(_) => {}
            }
            if let (Some(k), Some(m)) = (key, &c.mac)
                && checkpoint_mac(k, c.seq, &c.hash, &c.at) != *m
            {
                problems
                    .push(format!("the checkpoint of {}: its signature does not match the audit key (another ledger's, or altered)", c.at));
            }
        }
        Ok(Verification {
            entries: rows.len() as i64,
            problems,
            keyed: key.is_some(),
            rows_checked,
            rows_uncovered_old,
            checkpoints: checkpoints.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(actor: &'static str, action: &'static str) -> Fields<'static> {
        Fields { seq: 1, at: 2, actor, action, subject: "s", entity: None, dept: None, detail: "{}" }
    }

    #[test]
    fn hash_fields_are_unambiguous() {
        let a = entry_hash(None, "p", &fields("ab", "c"));
        let b = entry_hash(None, "p", &fields("a", "bc"));
        assert_ne!(a, b, "moving a character between fields changes the hash");
        assert_eq!(a.len(), 64);
        assert_eq!(a, entry_hash(None, "p", &fields("ab", "c")));
    }

    #[test]
    fn keyed_hashes_need_the_key() {
        let k = AuditKey { secret: [7; 32], since: 1 };
        let other = AuditKey { secret: [8; 32], since: 1 };
        let f = fields("ab", "c");
        assert_ne!(entry_hash(Some(&k), "p", &f), entry_hash(None, "p", &f));
        assert_ne!(entry_hash(Some(&k), "p", &f), entry_hash(Some(&other), "p", &f));
        // RFC 4231 test case 2 through the same HMAC: key "Jefe".
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").expect("key");
        m.update(b"what do ya want for nothing?");
        assert_eq!(hex::encode(m.finalize().into_bytes()), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn key_files_round_trip_and_are_never_overwritten() {
        let dir = std::env::temp_dir().join(format!("qiangke-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("audit.key");
        let k = AuditKey::create(&path, 42).expect("created");
        assert!(AuditKey::create(&path, 1).is_err(), "never overwritten");
        let back = AuditKey::load(&path).expect("loaded");
        assert_eq!((back.secret, back.since), (k.secret, 42));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
