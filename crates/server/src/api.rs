//! Routes, extractors and handlers of the JSON API.

use crate::http::ClientAddr;
use crate::openapi;
use crate::problem::Problem;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use qiangke_monitor::assess::Weights;
use qiangke_monitor::report as monitor_report;
use qiangke_rules::{Lang, Options, Pack, evaluate, explain, load_facts};
use qiangke_store::auth::{NewUser, SessionKind};
use qiangke_store::ledger::{FactsInput, ImportFormat, NewEntity};
use qiangke_store::{Error, Principal, Store};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value as J, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Name of the browser session cookie.
pub const COOKIE: &str = "qiangke_session";
const COOKIE_TTL: Duration = Duration::from_secs(8 * 3600);
const TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);
const BODY_LIMIT: usize = 1 << 20;
const IMPORT_LIMIT: usize = 64 << 20;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    pub pack: Arc<Pack>,
    pub store: Store,
    pub secure_cookies: bool,
    /// County assessment weights (the pack's `assessment.toml`; equal when it declares none).
    pub weights: Weights,
    /// Bounds the evaluations computed at once (the calculator, API and web).
    pub(crate) evaluations: crate::compute::Gate,
    /// Bounds the changes each user sends per minute.
    pub(crate) writes: WriteLimits,
}

impl AppState {
    /// State with equal assessment weights; see [`AppState::with_weights`].
    pub fn new(pack: Arc<Pack>, store: Store, secure_cookies: bool) -> Arc<AppState> {
        let weights = Weights::equal(&pack);
        Self::with_weights(pack, store, secure_cookies, weights)
    }
    pub fn with_weights(pack: Arc<Pack>, store: Store, secure_cookies: bool, weights: Weights) -> Arc<AppState> {
        Arc::new(AppState {
            pack,
            store,
            secure_cookies,
            weights,
            evaluations: crate::compute::Gate::default(),
            writes: WriteLimits::default(),
        })
    }
}

type S = Arc<AppState>;
type ApiResult = Result<Response, Problem>;

fn ok(v: J) -> ApiResult {
    Ok(axum::Json(v).into_response())
}

fn created(v: J) -> ApiResult {
    Ok((StatusCode::CREATED, axum::Json(v)).into_response())
}

/// The router with every route of [`openapi::ROUTES`].
pub fn router(state: S) -> Router {
    let api = Router::new()
        .route("/api/health", get(health))
        .route("/api/openapi.json", get(openapi_doc))
        .route("/api/evaluate", post(evaluate_facts))
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/me", get(me))
        .route("/api/users", get(list_users).post(create_user))
        .route("/api/users/{id}", axum::routing::patch(update_user))
        .route("/api/users/{id}/password", post(set_password))
        .route("/api/users/{id}/sessions", axum::routing::delete(revoke_sessions))
        .route("/api/entities", get(list_entities).post(register_entity))
        .route("/api/entities/{id}", get(get_entity))
        .route("/api/entities/{id}/facts", get(list_facts).post(record_facts))
        .route("/api/applications", post(apply))
        .route("/api/awards", get(list_awards))
        .route("/api/awards/{id}", get(get_award))
        .route("/api/awards/{id}/verification", post(verify_award))
        .route("/api/awards/{id}/decision", post(decide_award))
        .route("/api/awards/{id}/decision/second-approval", post(second_approval))
        .route("/api/payouts", get(list_payouts))
        .route("/api/payouts/{id}/paid", post(mark_paid))
        .route("/api/budget", get(budget))
        .route("/api/audit", get(audit))
        .route("/api/audit/verify", get(audit_verify))
        .route("/api/audit/checkpoint", get(audit_checkpoint))
        .route("/api/sign-ins", get(sign_ins))
        .route("/api/report", get(report))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let imports = Router::new()
        .route("/api/imports", post(import))
        .route("/api/observations", get(list_observations).post(record_observations))
        .route("/api/task-updates", get(list_task_updates).post(record_task_updates))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT));
    api.merge(imports)
        .merge(crate::web::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), api_headers))
        .with_state(state)
}

async fn api_headers(State(s): State<S>, req: Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = crate::http::cookie(req.headers(), "qiangke_lang");
    let mut r = next.run(req).await;
    let ct = r.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    // axum's own refusals (a path segment that is not a number, a bad query string, a method a
    // route does not take, an unreadable form) come as plain text or nothing: on the API they
    // become problem+json like every other error, on the web an HTML page.
    let bare = ct.is_empty() || ct.starts_with("text/plain");
    if bare && r.status().is_client_error() {
        let status = r.status();
        let allow = r.headers().get(header::ALLOW).cloned();
        let text = axum::body::to_bytes(std::mem::take(r.body_mut()), 64 << 10).await.unwrap_or_default();
        let text = if text.is_empty() {
            status.canonical_reason().unwrap_or("refused").to_string()
        } else {
            String::from_utf8_lossy(&text).to_string()
        };
        r = if api {
            Problem::new(status, "invalid request", text).into_response()
        } else {
            crate::web::bare_refusal(status, &text, lang.as_deref())
        };
        if let Some(a) = allow {
            r.headers_mut().insert(header::ALLOW, a);
        }
    }
    let h = r.headers_mut();
    // Answers are personal and change: not stored, except what says it may be (the stylesheet).
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"));
    }
    // Behind HTTPS (the cookies are Secure), browsers are told to come back only over HTTPS.
    if s.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    r
}

fn csv_response(text: String) -> ApiResult {
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "not found", format!("no route {method} {}; see /api/openapi.json", uri.path()))
}

// ----- extractors --------------------------------------------------------------------------

/// A request body within the route's size limit; too large is a 413 problem.
struct Body(Bytes);

impl<St: Send + Sync> FromRequest<St> for Body {
    type Rejection = Problem;
    async fn from_request(req: Request, state: &St) -> Result<Self, Problem> {
        Bytes::from_request(req, state).await.map(Body).map_err(|rej| {
            let status = rej.status();
            let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                "the request body is larger than this endpoint accepts".to_string()
            } else {
                rej.body_text()
            };
            Problem::new(status, "unreadable body", detail)
        })
    }
}

/// Parses a JSON body into `T`; a syntax or shape error names the line, column and what was
/// expected.
/// Refuses a body that does not say it is JSON: a form posted from another site cannot then pass
/// for an API call.
fn require_json(h: &HeaderMap) -> Result<(), Problem> {
    let ct = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if ct.starts_with("application/json") || ct.starts_with("application/problem+json") {
        Ok(())
    } else {
        Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported media type", "send the body as application/json"))
    }
}

/// Refuses a request another site's page made (by `Sec-Fetch-Site` or a foreign `Origin`).
fn same_site(h: &HeaderMap) -> Result<(), Problem> {
    if crate::http::from_other_site(h, false) {
        Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "this request must come from this site"))
    } else {
        Ok(())
    }
}

/// Refuses text holding the NUL character, raw or escaped: nothing in the ledger is meant to
/// hold one, and PostgreSQL cannot store it (a 500 otherwise).
fn no_nul(b: &[u8]) -> Result<(), Problem> {
    let escaped = b.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"));
    if b.contains(&0) || escaped {
        let mut p = Problem::invalid("body", "text may not contain the NUL character (U+0000)");
        p.status = StatusCode::UNPROCESSABLE_ENTITY;
        return Err(p);
    }
    Ok(())
}

fn json_body<T: DeserializeOwned>(b: &Bytes) -> Result<T, Problem> {
    no_nul(b)?;
    serde_json::from_slice(b).map_err(|e| {
        let mut p = Problem::invalid("body", format!("line {}, column {}: {e}", e.line(), e.column()));
        p.status = StatusCode::UNPROCESSABLE_ENTITY;
        if e.is_syntax() || e.is_eof() {
            p.status = StatusCode::BAD_REQUEST;
        }
        p
    })
}

/// The signed-in principal: a bearer token, or the session cookie (then an unsafe method from
/// another site is refused, whatever the browser did with SameSite).
struct Auth(Principal);

fn cookie_token(h: &HeaderMap) -> Option<String> {
    crate::http::cookie(h, COOKIE)
}

impl FromRequestParts<S> for Auth {
    type Rejection = Problem;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let h = &parts.headers;
        let p = if let Some(v) = h.get(header::AUTHORIZATION) {
            let token = v.to_str().ok().and_then(|s| s.strip_prefix("Bearer ")).map(str::trim).ok_or_else(|| {
                Problem::new(StatusCode::UNAUTHORIZED, "not signed in", "the Authorization header must be `Bearer <token>`")
            })?;
            state.store.principal(token, SessionKind::Bearer).await?
        } else {
            let Some(token) = cookie_token(h) else {
                return Err(Error::Unauthenticated.into());
            };
            if !matches!(parts.method, Method::GET | Method::HEAD) && crate::http::from_other_site(h, false) {
                return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "a cookie-authenticated change must come from this site"));
            }
            state.store.principal(&token, SessionKind::Cookie).await?
        };
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            state.writes.check(&p)?;
        }
        Ok(Auth(p))
    }
}

/// How many changes one user may send per minute: an entity (the lowest role, and the most
/// numerous) far fewer than a department that imports and reviews all day.
#[derive(Debug, Default)]
pub(crate) struct WriteLimits {
    window: Mutex<HashMap<i64, (u32, Instant)>>,
}

const ENTITY_WRITES_PER_MINUTE: u32 = 60;
const OTHER_WRITES_PER_MINUTE: u32 = 1200;

impl WriteLimits {
    fn check(&self, p: &Principal) -> Result<(), Problem> {
        let limit = if p.role == qiangke_store::Role::Entity { ENTITY_WRITES_PER_MINUTE } else { OTHER_WRITES_PER_MINUTE };
        let mut w = self.window.lock().expect("not poisoned");
        if w.len() > 100_000 {
            w.retain(|_, (_, since)| since.elapsed() < Duration::from_secs(60));
        }
        let e = w.entry(p.user_id).or_insert((0, Instant::now()));
        if e.1.elapsed() >= Duration::from_secs(60) {
            *e = (0, Instant::now());
        }
        if e.0 >= limit {
            let wait = 61u64.saturating_sub(e.1.elapsed().as_secs());
            let mut prob = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests",
                format!("at most {limit} changes a minute for this user; try again in {wait} s"),
            );
            prob.retry_after = Some(wait);
            return Err(prob);
        }
        e.0 += 1;
        Ok(())
    }
}

// ----- public ------------------------------------------------------------------------------

async fn health(State(s): State<S>) -> ApiResult {
    ok(json!({"status": "ok", "pack": {"id": s.pack.id, "version": s.pack.version, "hash": s.pack.hash}}))
}

async fn openapi_doc(State(s): State<S>) -> ApiResult {
    ok(openapi::document(&s.pack))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvalQuery {
    /// Claim years, comma-separated; default every year the facts mention.
    years: Option<String>,
    /// `false` leaves out the step-by-step derivations.
    trace: Option<bool>,
    /// Adds the explanation as text in this language (`zh` or `en`).
    explain: Option<String>,
}

/// The stateless calculator: a facts document in, explained awards out; nothing is stored.
async fn evaluate_facts(
    State(s): State<S>,
    q: Result<Query<EvalQuery>, axum::extract::rejection::QueryRejection>,
    Body(b): Body,
) -> ApiResult {
    let Query(q) = q.map_err(|e| Problem::invalid("query", e.body_text()))?;
    let mut years = Vec::new();
    for y in q.years.as_deref().unwrap_or("").split(',').filter(|y| !y.trim().is_empty()) {
        match y.trim().parse::<i32>() {
            Ok(y) if (1990..=2100).contains(&y) => years.push(y),
            _ => return Err(Problem::invalid("years", format!("`{y}` is not a year from 1990 to 2100"))),
        }
    }
    years.sort_unstable();
    years.dedup();
    if years.len() > 10 {
        return Err(Problem::invalid("years", "at most 10 claim years per request"));
    }
    let lang = match q.explain.as_deref() {
        None => None,
        Some("zh") => Some(Lang::Zh),
        Some("en") => Some(Lang::En),
        Some(other) => return Err(Problem::invalid("explain", format!("`{other}`: expected zh or en"))),
    };
    let text = String::from_utf8(b.to_vec()).map_err(|e| Problem::invalid("body", format!("not UTF-8 text: {e}")))?;
    let pack = s.pack.clone();
    let trace = q.trace.unwrap_or(true);
    let out = s
        .evaluations
        .run(move || {
            let facts = load_facts(&pack, "facts.json", &text).map_err(|r| Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: "invalid facts",
                detail: format!("{} problem(s) in the facts; nothing was evaluated", r.diagnostics.len()),
                errors: r
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let j = d.to_json(&r.map);
                        qiangke_store::FieldError {
                            field: format!("line {}, column {}", j["line"], j["column"]),
                            message: match &d.hint {
                                Some(h) => format!("{} ({h})", d.message),
                                None => d.message.clone(),
                            },
                        }
                    })
                    .collect(),
                retry_after: None,
            })?;
            too_many_events(facts.events.len())?;
            let ev = evaluate(&pack, &facts, &Options { years, trace, ..Options::default() });
            let mut out = explain::to_json(&ev);
            if let Some(lang) = lang {
                out["explanation"] = J::String(explain::to_text(&ev, lang));
            }
            Ok::<J, Problem>(out)
        })
        .await
        .map_err(busy)??;
    ok(out)
}

/// A facts document with more events than one request may carry: 422, saying the limit.
pub(crate) fn too_many_events(n: usize) -> Result<(), Problem> {
    if n <= crate::compute::MAX_EVENTS {
        return Ok(());
    }
    let mut p = Problem::invalid(
        "events",
        format!(
            "{n} events: the calculator takes at most {} per request; evaluate a population with `qiangke batch`",
            crate::compute::MAX_EVENTS
        ),
    );
    p.status = StatusCode::UNPROCESSABLE_ENTITY;
    Err(p)
}

/// Too many evaluations at once: 503 with Retry-After.
pub(crate) fn busy(_: crate::compute::Busy) -> Problem {
    let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "too many evaluations at once; try again in a moment");
    p.retry_after = Some(2);
    p
}

// ----- sessions and users ------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    username: String,
    password: String,
    /// `cookie` (browser, the default) or `bearer` (API token in the response body).
    session: Option<String>,
}

/// Checks a password (throttled per account and per client, a bounded number at a time; see
/// `qiangke_store::signin`) and opens a session.
pub(crate) async fn sign_in(
    s: &AppState,
    client: &str,
    username: &str,
    password: &str,
    kind: SessionKind,
) -> Result<(String, Principal), Problem> {
    use qiangke_store::signin::SignInError;
    let ttl = if kind == SessionKind::Cookie { COOKIE_TTL } else { TOKEN_TTL };
    match s.store.sign_in(username, password, client, kind, ttl.as_millis() as i64).await {
        Ok(ok) => Ok(ok),
        Err(SignInError::Rejected) => Err(Problem::new(StatusCode::UNAUTHORIZED, "not signed in", "unknown user name or wrong password")),
        Err(SignInError::Throttled { retry_after_s }) => {
            let mut p = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many attempts",
                format!("too many failed sign-ins; try again in {retry_after_s} s"),
            );
            p.retry_after = Some(retry_after_s);
            Err(p)
        }
        Err(SignInError::Busy) => {
            let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "too many sign-ins at once; try again in a moment");
            p.retry_after = Some(2);
            Err(p)
        }
        Err(SignInError::Store(e)) => Err(e.into()),
    }
}

/// The session cookie: HttpOnly, SameSite=Strict, expiring with the session (Secure if asked).
pub(crate) fn session_cookie(s: &AppState, token: &str) -> HeaderValue {
    let c = format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        COOKIE_TTL.as_secs(),
        if s.secure_cookies { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&c).expect("ascii")
}

async fn login(State(s): State<S>, ClientAddr(client): ClientAddr, headers: HeaderMap, Body(b): Body) -> ApiResult {
    require_json(&headers)?;
    same_site(&headers)?;
    let body: LoginBody = json_body(&b)?;
    let kind = match body.session.as_deref() {
        None | Some("cookie") => SessionKind::Cookie,
        Some("bearer") => SessionKind::Bearer,
        Some(o) => return Err(Problem::invalid("session", format!("`{o}`: expected cookie or bearer"))),
    };
    let (token, p) = sign_in(&s, &client, &body.username, &body.password, kind).await?;
    if kind == SessionKind::Bearer {
        return ok(json!({"token": token, "expires_in": TOKEN_TTL.as_secs(), "user": p}));
    }
    let mut r = axum::Json(json!({"user": p})).into_response();
    r.headers_mut().insert(header::SET_COOKIE, session_cookie(&s, &token));
    Ok(r)
}

async fn logout(State(s): State<S>, ClientAddr(client): ClientAddr, headers: HeaderMap) -> ApiResult {
    same_site(&headers)?;
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::to_string);
    if let Some(t) = bearer.or_else(|| cookie_token(&headers)) {
        s.store.logout(&t, &client).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")).expect("ascii"),
    );
    Ok(r)
}

async fn me(Auth(p): Auth) -> ApiResult {
    ok(json!(p))
}

async fn create_user(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    // Who may, before what is wrong with the body.
    p.require(&[qiangke_store::Role::Admin], "creating users")?;
    let u: NewUser = json_body(&b)?;
    let id = s.store.create_user(&s.pack, Some(&p), u).await?;
    created(json!({"id": id}))
}

async fn list_users(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    ok(json!({"users": s.store.users(&p).await?}))
}

async fn update_user(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    p.require(&[qiangke_store::Role::Admin], "changing a user")?;
    let u: qiangke_store::auth::UserUpdate = json_body(&b)?;
    ok(s.store.update_user(&s.pack, &p, id, u).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    password: String,
    /// Your current password, when you change your own.
    current_password: Option<String>,
}

/// Sets a password (the admin for anyone; a user for itself with its current password); the
/// user's other sessions and tokens end.
async fn set_password(State(s): State<S>, Auth(p): Auth, headers: HeaderMap, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let body: PasswordBody = json_body(&b)?;
    let own = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string)
        .or_else(|| cookie_token(&headers));
    s.store.set_password(&p, id, &body.password, body.current_password.as_deref(), own.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Ends every session and token of a user (the admin, or the user itself).
async fn revoke_sessions(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(json!({"revoked": s.store.revoke_sessions(&p, id).await?}))
}

// ----- entities and facts ------------------------------------------------------------------

async fn list_entities(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    ok(json!({"entities": s.store.entities(&p).await?}))
}

async fn register_entity(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let e: NewEntity = json_body(&b)?;
    created(s.store.register_entity(&s.pack, &p, e).await?)
}

async fn get_entity(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.entity(&p, id).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageQuery {
    /// Only facts with an id below this (the next page after the smallest id seen).
    before: Option<i64>,
    /// At most this many (1–1000, default 500).
    limit: Option<i64>,
}

async fn list_facts(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Query(q): Query<PageQuery>) -> ApiResult {
    ok(json!({"facts": s.store.facts(&p, id, q.before, q.limit.unwrap_or(500)).await?}))
}

async fn record_facts(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let f: FactsInput = json_body(&b)?;
    created(s.store.record_facts(&s.pack, &p, id, f).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportQuery {
    source: String,
    /// `csv` or `jsonl`; default from the Content-Type.
    format: Option<String>,
}

/// Bulk import: the whole body in one transaction, every row or none.
async fn import(
    State(s): State<S>,
    Auth(p): Auth,
    headers: HeaderMap,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    Body(b): Body,
) -> ApiResult {
    let Query(q) = q.map_err(|e| Problem::invalid("query", format!("{} (give ?source=…&format=csv|jsonl)", e.body_text())))?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let format = match q.format.as_deref() {
        Some("csv") => ImportFormat::Csv,
        Some("jsonl") => ImportFormat::JsonLines,
        Some(o) => return Err(Problem::invalid("format", format!("`{o}`: expected csv or jsonl"))),
        None if ct.starts_with("text/csv") => ImportFormat::Csv,
        None if ct.contains("ndjson") || ct.contains("jsonl") => ImportFormat::JsonLines,
        None => {
            return Err(Problem::invalid(
                "format",
                "say ?format=csv or ?format=jsonl (or send Content-Type text/csv or application/x-ndjson)",
            ));
        }
    };
    let text = utf8(&b)?;
    created(s.store.import_facts(&s.pack, &p, format, &q.source, text).await?)
}

// ----- the workflow ------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplyBody {
    entity_id: i64,
    claim_year: i64,
}

async fn apply(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let a: ApplyBody = json_body(&b)?;
    created(s.store.apply(&s.pack, &p, a.entity_id, a.claim_year).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AwardsQuery {
    status: Option<String>,
}

async fn list_awards(State(s): State<S>, Auth(p): Auth, Query(q): Query<AwardsQuery>) -> ApiResult {
    ok(json!({"awards": s.store.awards(&p, q.status.as_deref()).await?}))
}

async fn get_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.award(&p, id).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictBody {
    /// `approve` or `reject`.
    verdict: String,
    #[serde(default)]
    reason: String,
}

async fn verify_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let v: VerdictBody = json_body(&b)?;
    let approve = match v.verdict.as_str() {
        "approve" => true,
        "reject" => false,
        o => return Err(Problem::invalid("verdict", format!("`{o}`: expected approve or reject"))),
    };
    ok(s.store.verify(&p, id, approve, &v.reason).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionBody {
    /// Exact yuan as a string: "200000", "20萬元", "150000.50".
    amount: String,
    #[serde(default)]
    reason: String,
}

async fn decide_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let d: DecisionBody = json_body(&b)?;
    let fen = qiangke_store::parse_fen(&s.pack, &d.amount).map_err(|m| Problem::invalid("amount", m))?;
    ok(s.store.decide(&s.pack, &p, id, fen, &d.reason).await?)
}

/// The second approval of a decision above the ceiling for open amounts (by another person).
async fn second_approval(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.second_approval(&p, id).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearQuery {
    year: Option<i64>,
}

async fn list_payouts(State(s): State<S>, Auth(p): Auth, Query(q): Query<YearQuery>) -> ApiResult {
    ok(json!({"payouts": s.store.payouts(&p, q.year).await?}))
}

async fn mark_paid(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.mark_paid(&p, id).await?)
}

async fn budget(State(s): State<S>, Auth(p): Auth, Query(q): Query<YearQuery>) -> ApiResult {
    ok(s.store.budget(&p, q.year).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

async fn audit(State(s): State<S>, Auth(p): Auth, Query(q): Query<AuditQuery>) -> ApiResult {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    ok(json!({"entries": s.store.audit_entries(&p, q.after.unwrap_or(0), limit).await?}))
}

async fn sign_ins(State(s): State<S>, Auth(p): Auth, Query(q): Query<AuditQuery>) -> ApiResult {
    ok(json!({"events": s.store.sign_in_events(&p, q.limit.unwrap_or(100)).await?}))
}

async fn audit_verify(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    p.require(&[qiangke_store::Role::Admin, qiangke_store::Role::Finance], "verifying the audit log")?;
    let v = s.store.verify_audit(&[]).await?;
    ok(json!({
        "entries": v.entries, "intact": v.problems.is_empty(), "problems": v.problems, "keyed": v.keyed,
        "rows_checked": v.rows_checked, "rows_uncovered_old": v.rows_uncovered_old,
    }))
}

/// The head of the chain now, signed with the audit key: for an auditor to keep outside the
/// ledger and check against later (`qiangke audit verify --checkpoint FILE`).
async fn audit_checkpoint(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    p.require(&[qiangke_store::Role::Admin, qiangke_store::Role::Finance], "an audit checkpoint")?;
    ok(json!(s.store.checkpoint().await?))
}

// ----- plan monitoring ---------------------------------------------------------------------

fn utf8(b: &Bytes) -> Result<&str, Problem> {
    no_nul(b)?;
    std::str::from_utf8(b).map_err(|e| Problem::invalid("body", format!("not UTF-8 text: {e}")))
}

/// Indicator observations as CSV (`indicator,scope,year,value,unit,source,entered_by`), all rows
/// or none.
async fn record_observations(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    created(s.store.record_observations(&s.pack, &p, utf8(&b)?).await?)
}

async fn list_observations(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    csv_response(s.store.observations_csv(&s.pack, &p).await?)
}

/// Task progress updates as CSV (`task,date,unit,text,value`), all rows or none.
async fn record_task_updates(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    created(s.store.record_task_updates(&s.pack, &p, utf8(&b)?).await?)
}

async fn list_task_updates(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    csv_response(s.store.task_updates_csv(&s.pack, &p).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportQuery {
    year: i32,
    /// `json` (default), `html` or `csv`.
    format: Option<String>,
}

/// The monitoring report for a year from the ledger's observations, task updates and awards.
async fn report(State(s): State<S>, Auth(_): Auth, q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>) -> ApiResult {
    let Query(q) = q.map_err(|e| Problem::invalid("year", format!("{} (give ?year=2025)", e.body_text())))?;
    if !(2000..=2100).contains(&q.year) {
        return Err(Problem::invalid("year", format!("{} is not a report year", q.year)));
    }
    let obs = s.store.observations(&s.pack).await?;
    let ups = s.store.task_updates(&s.pack).await?;
    let counts = s.store.award_counts().await?;
    let r = monitor_report::build(&s.pack, &obs, &ups, q.year, &s.weights, Some(&counts));
    match q.format.as_deref() {
        None | Some("json") => ok(monitor_report::to_json(&s.pack, &r)),
        Some("csv") => csv_response(monitor_report::to_csv(&s.pack, &r)),
        Some("html") => {
            let mut resp = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], monitor_report::to_html(&s.pack, &r)).into_response();
            // The report is static HTML with its own stylesheet and inline SVG: no script runs.
            resp.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"),
            );
            Ok(resp)
        }
        Some(o) => Err(Problem::invalid("format", format!("`{o}`: expected json, html or csv"))),
    }
}
