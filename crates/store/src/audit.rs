//! The append-only audit log and the writing transaction that feeds it.
//!
//! Every change to the ledger happens inside a [`Writer`]: its first statement locks the single
//! row of `audit_head` (an UPDATE, so SQLite takes its write lock up front and PostgreSQL a row
//! lock), which serialises writers and lets each entry name the hash of the one before it.
//! Entry hash = SHA-256 over the previous hash and every field, each length-prefixed, so editing,
//! deleting or reordering a row breaks the chain and [`Store::verify_audit`] says where.

use crate::{Backend, Result, Store, now_ms};
use sha2::{Digest, Sha256};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Row};

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
        let mut w = Writer { conn: Some(conn), entries: Vec::new() };
        sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(w.conn()).await?;
        Ok(w)
    }
}

impl Writer {
    /// The transaction's connection, to run statements in it.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("a writer holds its connection until commit or drop")
    }

    pub(crate) fn log(&mut self, e: Entry) {
        self.entries.push(e);
    }

    /// Appends the entries to the chain and commits everything at once. Only an `Ok` means the
    /// change is durable; on any error nothing of it is kept and the connection is retired.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(self.conn()).await?;
        let mut seq: i64 = head.try_get(0)?;
        let mut prev: String = head.try_get(1)?;
        let at = now_ms();
        for e in std::mem::take(&mut self.entries) {
            seq += 1;
            let detail = e.detail.to_string();
            let hash = entry_hash(&prev, seq, at, &e.actor, e.action, &e.subject, e.entity_id, e.department.as_deref(), &detail);
            sqlx::query(
                "INSERT INTO audit (seq, at, actor, action, subject, entity_id, department, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(seq)
            .bind(at)
            .bind(&e.actor)
            .bind(e.action)
            .bind(&e.subject)
            .bind(e.entity_id)
            .bind(e.department.as_deref())
            .bind(&detail)
            .bind(&prev)
            .bind(&hash)
            .execute(self.conn())
            .await?;
            prev = hash;
        }
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

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    entity: Option<i64>,
    dept: Option<&str>,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    let entity = entity.map(|e| e.to_string()).unwrap_or_default();
    for part in [prev, &seq.to_string(), &at.to_string(), actor, action, subject, &entity, dept.unwrap_or(""), detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub entries: i64,
    /// Empty when the chain is intact; otherwise each break, located by sequence number.
    pub problems: Vec<String>,
}

impl Store {
    /// Recomputes every entry's hash from its contents and checks the links and the head.
    pub async fn verify_audit(&self) -> Result<Verification> {
        let rows =
            sqlx::query("SELECT seq, at, actor, action, subject, entity_id, department, detail, prev_hash, hash FROM audit ORDER BY seq")
                .fetch_all(&self.pool)
                .await?;
        let mut problems = Vec::new();
        let mut prev = "0".repeat(64);
        let mut expect = 1i64;
        for r in &rows {
            let seq: i64 = r.try_get(0)?;
            let entity: Option<i64> = r.try_get(5)?;
            let dept: Option<String> = r.try_get(6)?;
            let (at, actor, action, subject, detail): (i64, String, String, String, String) =
                (r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(7)?);
            let (prev_hash, hash): (String, String) = (r.try_get(8)?, r.try_get(9)?);
            if seq != expect {
                problems.push(format!("entry {expect} is missing (the next entry is {seq})"));
            }
            if prev_hash != prev {
                problems.push(format!("entry {seq}: its link to the previous entry is broken (entries deleted or reordered?)"));
            }
            if entry_hash(&prev_hash, seq, at, &actor, &action, &subject, entity, dept.as_deref(), &detail) != hash {
                problems
                    .push(format!("entry {seq} ({action} {subject}): its contents do not match its hash (edited after it was written)"));
            }
            prev = hash;
            expect = seq + 1;
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let (hseq, hhash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        if hseq != expect - 1 || hhash != prev {
            problems
                .push(format!("the log ends at entry {} but the head records entry {hseq}: entries were removed from the end", expect - 1));
        }
        Ok(Verification { entries: rows.len() as i64, problems })
    }
}

#[cfg(test)]
mod tests {
    use super::entry_hash;

    #[test]
    fn hash_fields_are_unambiguous() {
        let a = entry_hash("p", 1, 2, "ab", "c", "s", None, None, "{}");
        let b = entry_hash("p", 1, 2, "a", "bc", "s", None, None, "{}");
        assert_ne!(a, b, "moving a character between fields changes the hash");
        assert_eq!(a.len(), 64);
        assert_eq!(a, entry_hash("p", 1, 2, "ab", "c", "s", None, None, "{}"));
    }
}
