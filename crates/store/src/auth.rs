//! Users, roles, passwords (argon2id) and sessions.
//!
//! Roles and their scope:
//! - `entity`: one entity's own data (its facts, applications, awards, payouts).
//! - `reviewer`: one department; the awards of the rules that department verifies, and the facts
//!   of the entities those awards concern; records facts in bulk on its department's authority.
//! - `finance`: every award, payout and budget line; marks payouts paid.
//! - `county`: one county's entities and everything about them, read only.
//! - `admin`: everything, including users and entity registration.
//!
//! The public role needs no user: the stateless calculator never touches the store.

use crate::audit::Entry;
use crate::{Error, FieldError, Msg, Result, Store, now_ms};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use qiangke_rules::Pack;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Entity,
    Reviewer,
    Finance,
    County,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Entity, Role::Reviewer, Role::Finance, Role::County, Role::Admin];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Entity => "entity",
            Role::Reviewer => "reviewer",
            Role::Finance => "finance",
            Role::County => "county",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The signed-in user a request acts for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The entity an `entity` user acts for.
    #[schema(required = true)]
    pub entity_id: Option<i64>,
    /// The department a `reviewer` reviews for.
    #[schema(required = true)]
    pub department: Option<String>,
    /// The county of a `county` official.
    #[schema(required = true)]
    pub county: Option<String>,
}

impl Principal {
    /// Refuses unless the principal has one of `roles`; `what` is the activity with the roles it
    /// needs, in words (`ledger-act-…`: "registering an entity needs the role admin").
    pub fn require(&self, roles: &[Role], what: Msg) -> Result<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Error::Forbidden(Msg::new("ledger-role-refused").arg("role", self.role.as_str()).detail(what)))
        }
    }
    pub(crate) fn actor(&self) -> String {
        format!("user:{}:{}", self.user_id, self.username)
    }
}

/// A user to create. The role's scope field is required (`entity_id` for an entity user,
/// `department` for a reviewer, `county` for a county official); the others are ignored.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"username": "tax-reviewer", "password": "a-long-password", "role": "reviewer", "department": "tax-bureau"})))]
pub struct NewUser {
    /// Unique; 1 to 64 characters (Chinese names too), no white space or control characters.
    #[schema(min_length = 1, max_length = 64, pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$")]
    pub username: String,
    /// At least 10 characters.
    #[schema(min_length = 10)]
    pub password: String,
    #[schema(value_type = Role)]
    pub role: String,
    /// The entity an `entity` user acts for.
    pub entity_id: Option<i64>,
    /// The department a `reviewer` reviews for (a department id of the pack).
    pub department: Option<String>,
    /// The county of a `county` official (a county of the pack, by id or name).
    pub county: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// Browser session, carried in an HttpOnly cookie.
    Cookie,
    /// API token, carried in `Authorization: Bearer …`.
    Bearer,
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes) and a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::invalid("password", Msg::new("ledger-cannot-hash").arg("error", e)))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh 256-bit secret as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system's random source works");
    hex::encode(b)
}

pub(crate) fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Computes hashes off the async runtime's worker threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("password hashing does not panic")
}

/// Changes to a user (admin): any field left out stays as it is; a role without its scope
/// field (department, county, entity) is refused.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"disabled": true}), json!({"role": "county", "county": "minqin"})))]
pub struct UserUpdate {
    #[schema(value_type = Option<Role>)]
    pub role: Option<String>,
    pub entity_id: Option<i64>,
    pub department: Option<String>,
    pub county: Option<String>,
    pub disabled: Option<bool>,
}

/// A role with its scope, as stored: only the scope field of the role, the county by its
/// canonical id.
struct Scope {
    role: Role,
    entity_id: Option<i64>,
    department: Option<String>,
    county: Option<String>,
}

/// Checks a role and its scope against the pack; problems go to `errs`.
fn check_scope(
    pack: &Pack,
    role: &str,
    entity_id: Option<i64>,
    department: Option<&str>,
    county: Option<&str>,
    errs: &mut Vec<FieldError>,
) -> Option<Scope> {
    let mut bad = |field: &str, msg: Msg| errs.push(FieldError::new(field, msg));
    let parsed = Role::parse(role);
    let counties = &pack.enums[pack.county_enum as usize];
    match parsed {
        None => bad("role", Msg::new("ledger-not-a-role").arg("role", role)),
        Some(Role::Entity) if entity_id.is_none() => bad("entity_id", Msg::new("ledger-entity-user-needs-entity")),
        Some(Role::Reviewer) => match department {
            None => bad("department", Msg::new("ledger-reviewer-needs-department")),
            Some(d) if !pack.departments.iter().any(|x| x.id == d) => {
                bad("department", Msg::new("ledger-not-a-department").arg("department", d))
            }
            Some(_) => {}
        },
        Some(Role::County) => match county {
            None => bad("county", Msg::new("ledger-county-user-needs-county")),
            Some(c) if counties.lookup(c).is_none() => bad("county", Msg::new("ledger-not-a-county").arg("county", c)),
            Some(_) => {}
        },
        _ => {}
    }
    let role = parsed?;
    Some(Scope {
        role,
        entity_id: if role == Role::Entity { entity_id } else { None },
        department: if role == Role::Reviewer { department.map(str::to_string) } else { None },
        county: if role == Role::County {
            county.and_then(|c| counties.lookup(c)).map(|i| counties.variants[i as usize].id.clone())
        } else {
            None
        },
    })
}

impl Store {
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// Creates a user. `by` is the admin doing it; `None` is the bootstrap of an empty ledger
    /// (allowed only while there are no users, and only for an admin).
    pub async fn create_user(&self, pack: &Pack, by: Option<&Principal>, u: NewUser) -> Result<i64> {
        // Who may do it comes before what is wrong with the request.
        if let Some(p) = by {
            p.require(&[Role::Admin], Msg::new("ledger-act-create-users"))?;
        }
        let mut errs = Vec::new();
        if u.username.trim().is_empty()
            || u.username.chars().count() > 64
            || u.username.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            errs.push(FieldError::new("username", Msg::new("ledger-username-shape")));
        }
        if u.password.chars().count() < 10 {
            errs.push(FieldError::new("password", Msg::new("ledger-password-too-short")));
        }
        let scope = check_scope(pack, &u.role, u.entity_id, u.department.as_deref(), u.county.as_deref(), &mut errs);
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let Scope { role, entity_id, department, county } = scope.expect("checked above");
        if by.is_none() && role != Role::Admin {
            return Err(Error::Forbidden(Msg::new("ledger-first-user-is-admin")));
        }
        let pw = u.password.clone();
        let hash = blocking(move || hash_password(&pw)).await?;
        let mut w = self.writer().await?;
        if by.is_none() {
            let n: i64 = sqlx::query("SELECT COUNT(*) FROM users").fetch_one(w.conn()).await?.try_get(0)?;
            if n > 0 {
                return Err(Error::Forbidden(Msg::new("ledger-already-has-users")));
            }
        }
        if let Some(e) = entity_id {
            let n: i64 = sqlx::query("SELECT COUNT(*) FROM entities WHERE id = $1").bind(e).fetch_one(w.conn()).await?.try_get(0)?;
            if n == 0 {
                return Err(Error::invalid("entity_id", Msg::new("ledger-no-entity").arg("id", e)));
            }
        }
        let taken: i64 =
            sqlx::query("SELECT COUNT(*) FROM users WHERE username = $1").bind(&u.username).fetch_one(w.conn()).await?.try_get(0)?;
        if taken > 0 {
            return Err(Error::Conflict(Msg::new("ledger-username-taken").arg("username", &u.username)));
        }
        let id: i64 = sqlx::query(
            "INSERT INTO users (username, password_hash, role, entity_id, department, county, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&u.username)
        .bind(&hash)
        .bind(role.as_str())
        .bind(entity_id)
        .bind(department.clone())
        .bind(county.clone())
        .bind(now_ms())
        .fetch_one(w.conn())
        .await?
        .try_get(0)?;
        w.log(Entry {
            actor: by.map_or_else(|| "bootstrap".to_string(), Principal::actor),
            action: "user.create",
            subject: format!("user:{id}"),
            entity_id,
            department,
            detail: serde_json::json!({"username": u.username, "role": role.as_str(), "county": county}),
        });
        w.commit().await?;
        Ok(id)
    }

    /// The users (admin): name, role, scope, whether disabled, when created.
    pub async fn users(&self, p: &Principal) -> Result<Vec<serde_json::Value>> {
        p.require(&[Role::Admin], Msg::new("ledger-act-list-users"))?;
        let rows = sqlx::query("SELECT id, username, role, entity_id, department, county, disabled, created_at FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(serde_json::json!({
                    "id": r.try_get::<i64, _>(0)?, "username": r.try_get::<String, _>(1)?, "role": r.try_get::<String, _>(2)?,
                    "entity_id": r.try_get::<Option<i64>, _>(3)?, "department": r.try_get::<Option<String>, _>(4)?,
                    "county": r.try_get::<Option<String>, _>(5)?, "disabled": r.try_get::<i64, _>(6)? != 0,
                    "created_at": crate::rfc3339(r.try_get(7)?),
                }))
            })
            .collect()
    }

    /// Changes a user's role and scope, or disables or enables it (admin). A change of role or
    /// scope, or disabling, ends the user's sessions and tokens. The last enabled admin stays.
    pub async fn update_user(&self, pack: &Pack, p: &Principal, id: i64, u: UserUpdate) -> Result<serde_json::Value> {
        p.require(&[Role::Admin], Msg::new("ledger-act-change-user"))?;
        if u.role.is_none() && u.entity_id.is_none() && u.department.is_none() && u.county.is_none() && u.disabled.is_none() {
            return Err(Error::invalid("body", Msg::new("ledger-nothing-to-change")));
        }
        let cur = sqlx::query("SELECT username, role, entity_id, department, county, disabled FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-user").arg("id", id)))?;
        let role = u.role.clone().unwrap_or(cur.try_get(1)?);
        let scope_given = u.role.is_some() || u.entity_id.is_some() || u.department.is_some() || u.county.is_some();
        let (entity_id, department, county) = if scope_given {
            (u.entity_id, u.department.clone(), u.county.clone())
        } else {
            (cur.try_get(2)?, cur.try_get(3)?, cur.try_get(4)?)
        };
        let mut errs = Vec::new();
        let scope = check_scope(pack, &role, entity_id, department.as_deref(), county.as_deref(), &mut errs);
        if !errs.is_empty() {
            return Err(Error::Invalid(errs));
        }
        let scope = scope.expect("checked above");
        let disabled = u.disabled.unwrap_or(cur.try_get::<i64, _>(5)? != 0);
        let mut w = self.writer().await?;
        if (disabled || scope.role != Role::Admin) && cur.try_get::<String, _>(1)? == "admin" {
            let others: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> $1")
                .bind(id)
                .fetch_one(w.conn())
                .await?
                .try_get(0)?;
            if others == 0 {
                return Err(Error::Conflict(Msg::new("ledger-last-admin")));
            }
        }
        sqlx::query("UPDATE users SET role = $1, entity_id = $2, department = $3, county = $4, disabled = $5 WHERE id = $6")
            .bind(scope.role.as_str())
            .bind(scope.entity_id)
            .bind(scope.department.clone())
            .bind(scope.county.clone())
            .bind(i64::from(disabled))
            .bind(id)
            .execute(w.conn())
            .await?;
        if scope_given || disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(w.conn()).await?;
        }
        let out = serde_json::json!({"id": id, "username": cur.try_get::<String, _>(0)?, "role": scope.role.as_str(), "entity_id": scope.entity_id,
            "department": scope.department, "county": scope.county, "disabled": disabled});
        w.log(Entry {
            actor: p.actor(),
            action: "user.update",
            subject: format!("user:{id}"),
            entity_id: scope.entity_id,
            department: out["department"].as_str().map(str::to_string),
            detail: out.clone(),
        });
        w.commit().await?;
        Ok(out)
    }

    /// Sets a user's password: the admin for anyone; a user for itself, giving its current
    /// password. The user's other sessions and tokens end.
    pub async fn set_password(&self, p: &Principal, id: i64, new: &str, current: Option<&str>, keep_token: Option<&str>) -> Result<()> {
        if p.role != Role::Admin && p.user_id != id {
            return Err(Error::Forbidden(Msg::new("ledger-only-admin-sets-password")));
        }
        if new.chars().count() < 10 {
            return Err(Error::invalid("password", Msg::new("ledger-password-too-short")));
        }
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-user").arg("id", id)))?;
        // One's own password needs the current one, an admin's too: a stolen session must not be
        // enough to lock the real user out.
        if p.user_id == id {
            let (hash, given) = (row.try_get::<String, _>(0)?, current.unwrap_or_default().to_string());
            if !blocking(move || password_matches(&given, &hash)).await {
                return Err(Error::invalid("current_password", Msg::new("ledger-wrong-current-password")));
            }
        }
        let pw = new.to_string();
        let hash = blocking(move || hash_password(&pw)).await?;
        let mut w = self.writer().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(&hash).bind(id).execute(w.conn()).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(id)
            .bind(keep_token.map(sha256_hex).unwrap_or_default())
            .execute(w.conn())
            .await?;
        w.log(Entry {
            actor: p.actor(),
            action: "user.password",
            subject: format!("user:{id}"),
            entity_id: None,
            department: None,
            detail: serde_json::json!({"by_admin": p.role == Role::Admin && p.user_id != id}),
        });
        w.commit().await
    }

    /// Ends every session and API token of a user (the admin, or the user itself).
    pub async fn revoke_sessions(&self, p: &Principal, id: i64) -> Result<u64> {
        if p.role != Role::Admin && p.user_id != id {
            return Err(Error::Forbidden(Msg::new("ledger-only-admin-ends-sessions")));
        }
        let mut w = self.writer().await?;
        if sqlx::query("SELECT 1 FROM users WHERE id = $1").bind(id).fetch_optional(w.conn()).await?.is_none() {
            return Err(Error::NotFound(Msg::new("ledger-no-user").arg("id", id)));
        }
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(w.conn()).await?.rows_affected();
        w.log(Entry {
            actor: p.actor(),
            action: "user.sessions-revoked",
            subject: format!("user:{id}"),
            entity_id: None,
            department: None,
            detail: serde_json::json!({"sessions": n}),
        });
        w.commit().await?;
        Ok(n)
    }

    /// Checks a password and opens a session; the returned secret is shown once and stored only
    /// as its SHA-256. Unknown users cost the same time as wrong passwords.
    pub async fn login(&self, username: &str, password: &str, kind: SessionKind, ttl_ms: i64) -> Result<(String, Principal)> {
        let row = sqlx::query("SELECT id, password_hash FROM users WHERE username = $1 AND disabled = 0")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        // Unknown users are checked against a throwaway hash so both paths run argon2.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let (id, hash) = match &row {
            Some(r) => (Some(r.try_get::<i64, _>(0)?), r.try_get::<String, _>(1)?),
            None => (None, DUMMY.get_or_init(|| hash_password(&random_token()).unwrap_or_default()).clone()),
        };
        let pw = password.to_string();
        let ok = blocking(move || password_matches(&pw, &hash)).await;
        let (Some(id), true) = (id, ok) else {
            return Err(Error::Unauthenticated);
        };
        let token = random_token();
        let now = now_ms();
        // Expired sessions are of no use to anyone: gone at each sign-in.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(sha256_hex(&token))
            .bind(id)
            .bind(if kind == SessionKind::Cookie { "cookie" } else { "bearer" })
            .bind(now)
            .bind(now + ttl_ms)
            .execute(&self.pool)
            .await?;
        let p = self.user(id).await?;
        Ok((token, p))
    }

    /// The principal of a live session, or `Unauthenticated`.
    pub async fn principal(&self, token: &str, kind: SessionKind) -> Result<Principal> {
        let row = sqlx::query(
            "SELECT u.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.kind = $2 AND s.expires_at > $3 AND u.disabled = 0",
        )
        .bind(sha256_hex(token))
        .bind(if kind == SessionKind::Cookie { "cookie" } else { "bearer" })
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => self.user(r.try_get(0)?).await,
            None => Err(Error::Unauthenticated),
        }
    }

    /// Ends a session (logged with the client it came from).
    pub async fn logout(&self, token: &str, client: &str) -> Result<()> {
        let who = sqlx::query("SELECT u.username FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1")
            .bind(sha256_hex(token))
            .fetch_optional(&self.pool)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256_hex(token)).execute(&self.pool).await?;
        if let Some(r) = who {
            self.log_sign_in(&r.try_get::<String, _>(0)?, client, "signed out").await;
        }
        Ok(())
    }

    /// The principal of a user by name, without a password: for tools that already hold the
    /// database (the command line acting `--as` a user), never for requests.
    pub async fn principal_by_name(&self, username: &str) -> Result<Principal> {
        let row = sqlx::query("SELECT id FROM users WHERE username = $1").bind(username).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => self.user(r.try_get(0)?).await,
            None => Err(Error::NotFound(Msg::new("ledger-no-user-named").arg("username", username))),
        }
    }

    async fn user(&self, id: i64) -> Result<Principal> {
        let r = sqlx::query("SELECT id, username, role, entity_id, department, county FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| Error::NotFound(Msg::new("ledger-no-user").arg("id", id)))?;
        let role: String = r.try_get(2)?;
        Ok(Principal {
            user_id: r.try_get(0)?,
            username: r.try_get(1)?,
            role: Role::parse(&role)
                .ok_or_else(|| Error::Conflict(Msg::new("ledger-unknown-stored-role").arg("id", id).arg("role", &role)))?,
            entity_id: r.try_get(3)?,
            department: r.try_get(4)?,
            county: r.try_get(5)?,
        })
    }
}
