//! Sign-in without handing out a denial of service: password hashing (argon2id, 19 MiB and tens
//! of milliseconds each, on purpose) runs a bounded number at a time, and failures slow further
//! attempts down with delays that grow, kept in the database so a restart does not reset them.
//! A growing delay, never a hard lock: nobody can lock an account for good.
//!
//! Three counters: an account from one client (always applies: guessing a colleague's password
//! from the office's own address is slowed too); an account from anywhere; a client for any
//! accounts (spraying names). The last two do not hold back the account's usual client — one it
//! signed in from before — so the right password from there is not refused because of someone
//! else's failures, even behind the same address.
//!
//! Every attempt, refusal and sign-out is written to `sign_in_log` (and the process log).

use crate::auth::SessionKind;
use crate::{Error, Principal, Result, Store, now_ms};
use sqlx::Row;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

/// Failures of one account before each further attempt must wait.
const ACCOUNT_FREE: i64 = 5;
/// Failures from one client (any accounts) before each further attempt must wait.
const CLIENT_FREE: i64 = 20;
/// The longest wait between attempts.
const MAX_DELAY_MS: i64 = 15 * 60 * 1000;
/// A client that signed in to an account within this time is that account's usual client.
const USUAL_CLIENT_MS: i64 = 90 * 24 * 3600 * 1000;
/// Sign-ins waiting for a hashing slot before further ones are told to come back later.
const MAX_WAITING: usize = 64;

/// The wait after `failures` failures, when `free` were free: 1 s, 2 s, 4 s … up to 15 minutes.
fn delay_ms(failures: i64, free: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20) as u32;
    (1000i64 << doublings).min(MAX_DELAY_MS)
}

/// Bounds the password hashes computed at once, and the sign-ins waiting for one.
#[derive(Debug)]
pub(crate) struct HashGate {
    slots: Semaphore,
    size: usize,
    waiting: AtomicUsize,
    /// The most hashes ever computed at once (for tests and monitoring).
    peak: AtomicUsize,
}

impl HashGate {
    pub(crate) fn new() -> HashGate {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate { slots: Semaphore::new(n), size: n, waiting: AtomicUsize::new(0), peak: AtomicUsize::new(0) }
    }
}

/// Why a sign-in did not happen.
#[derive(Debug)]
pub enum SignInError {
    /// Unknown user name or wrong password (the same answer for both), or a disabled user.
    Rejected,
    /// Too many recent failures for this account or from this client: wait this many seconds.
    Throttled {
        retry_after_s: u64,
    },
    /// Too many sign-ins at once: try again in a moment.
    Busy,
    Store(Error),
}

impl From<Error> for SignInError {
    fn from(e: Error) -> SignInError {
        SignInError::Store(e)
    }
}

impl From<sqlx::Error> for SignInError {
    fn from(e: sqlx::Error) -> SignInError {
        SignInError::Store(e.into())
    }
}

impl Store {
    async fn throttle_row(&self, key: &str) -> Result<(i64, i64)> {
        let r = sqlx::query("SELECT failures, last_at FROM sign_in_throttle WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(match r {
            Some(r) => (r.try_get(0)?, r.try_get(1)?),
            None => (0, 0),
        })
    }

    /// Counts a failure before the password is checked (parallel guesses count too); a success
    /// takes it back.
    async fn bump(&self, key: &str, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, last_at) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET failures = sign_in_throttle.failures + 1, last_at = $2",
        )
        .bind(key)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn unbump(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    /// The most password hashes this store has computed at once, and its bound.
    pub fn peak_hashes(&self) -> (usize, usize) {
        (self.hash_gate.peak.load(Ordering::SeqCst), self.hash_gate.size)
    }

    /// The newest sign-in events (admin): when, who, from where, what happened.
    pub async fn sign_in_events(&self, p: &Principal, limit: i64) -> Result<Vec<serde_json::Value>> {
        p.require(&[crate::Role::Admin], crate::Msg::new("ledger-act-sign-in-log"))?;
        let rows = sqlx::query("SELECT at, username, client, outcome FROM sign_in_log ORDER BY id DESC LIMIT $1")
            .bind(limit.clamp(1, 1000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(serde_json::json!({"at": crate::rfc3339(r.try_get(0)?), "username": r.try_get::<String, _>(1)?,
                    "client": r.try_get::<String, _>(2)?, "outcome": r.try_get::<String, _>(3)?}))
            })
            .collect()
    }

    /// Records one sign-in event (and says it in the process log).
    pub async fn log_sign_in(&self, username: &str, client: &str, outcome: &str) {
        let name: String = username.chars().take(64).collect();
        eprintln!("qiangke: sign-in {outcome}: user {name:?} from {client}");
        let _ = sqlx::query("INSERT INTO sign_in_log (at, username, client, outcome) VALUES ($1, $2, $3, $4)")
            .bind(now_ms())
            .bind(&name)
            .bind(client)
            .bind(outcome)
            .execute(&self.pool)
            .await;
    }

    /// Signs in from `client` (an address): throttles, checks the password within the hashing
    /// bound, opens a session, and logs what happened.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        client: &str,
        kind: SessionKind,
        ttl_ms: i64,
    ) -> std::result::Result<(String, Principal), SignInError> {
        let now = now_ms();
        let name: String = username.to_lowercase().chars().take(64).collect();
        let user_key = format!("user:{name}");
        let pair_key = format!("pair:{name}|{client}");
        let client_key = format!("client:{client}");
        let exists: bool =
            sqlx::query("SELECT 1 FROM users WHERE username = $1").bind(username).fetch_optional(&self.pool).await?.is_some();
        let usual: bool = exists
            && sqlx::query("SELECT 1 FROM sign_in_clients WHERE username = $1 AND client = $2 AND last_ok_at > $3")
                .bind(username)
                .bind(client)
                .bind(now - USUAL_CLIENT_MS)
                .fetch_optional(&self.pool)
                .await?
                .is_some();
        let mut wait = 0i64;
        if exists {
            let (pf, pl) = self.throttle_row(&pair_key).await?;
            wait = wait.max(pl + delay_ms(pf, ACCOUNT_FREE) - now);
        }
        if !usual {
            let (cf, cl) = self.throttle_row(&client_key).await?;
            wait = wait.max(cl + delay_ms(cf, CLIENT_FREE) - now);
            if exists {
                let (uf, ul) = self.throttle_row(&user_key).await?;
                wait = wait.max(ul + delay_ms(uf, ACCOUNT_FREE) - now);
            }
        }
        if wait > 0 {
            self.log_sign_in(username, client, "throttled").await;
            return Err(SignInError::Throttled { retry_after_s: (wait as u64).div_ceil(1000) });
        }
        // Only existing accounts have counters: random names cannot grow the table.
        self.bump(&client_key, now).await?;
        if exists {
            self.bump(&user_key, now).await?;
            self.bump(&pair_key, now).await?;
        }
        let gate = &self.hash_gate;
        if gate.waiting.fetch_add(1, Ordering::SeqCst) >= MAX_WAITING {
            gate.waiting.fetch_sub(1, Ordering::SeqCst);
            self.log_sign_in(username, client, "busy").await;
            return Err(SignInError::Busy);
        }
        let permit = gate.slots.acquire().await;
        gate.waiting.fetch_sub(1, Ordering::SeqCst);
        let _permit = permit.map_err(|_| SignInError::Busy)?;
        gate.peak.fetch_max(gate.size - gate.slots.available_permits(), Ordering::SeqCst);
        match self.login(username, password, kind, ttl_ms).await {
            Ok(ok) => {
                // This attempt was no failure; the account starts afresh. The client's count
                // stays: another account's success from a shared address does not clear it.
                self.unbump(&user_key).await?;
                self.unbump(&pair_key).await?;
                sqlx::query("UPDATE sign_in_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0")
                    .bind(&client_key)
                    .execute(&self.pool)
                    .await?;
                sqlx::query(
                    "INSERT INTO sign_in_clients (username, client, last_ok_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (username, client) DO UPDATE SET last_ok_at = $3",
                )
                .bind(username)
                .bind(client)
                .bind(now)
                .execute(&self.pool)
                .await?;
                self.log_sign_in(username, client, "ok").await;
                Ok(ok)
            }
            Err(Error::Unauthenticated) => {
                self.log_sign_in(username, client, if exists { "wrong password or disabled" } else { "unknown user" }).await;
                Err(SignInError::Rejected)
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::delay_ms;

    #[test]
    fn delays_grow_from_a_second_to_a_quarter_hour() {
        assert_eq!(delay_ms(4, 5), 0);
        assert_eq!(delay_ms(5, 5), 1000);
        assert_eq!(delay_ms(6, 5), 2000);
        assert_eq!(delay_ms(14, 5), 512_000);
        assert_eq!(delay_ms(15, 5), 900_000);
        assert_eq!(delay_ms(500, 5), 900_000);
    }
}
