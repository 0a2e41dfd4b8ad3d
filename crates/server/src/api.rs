//! Routes, extractors and handlers of the JSON API.
//!
//! Every route is registered with `routes!` on an [`OpenApiRouter`], from the handler's own
//! `#[utoipa::path]` description: a route cannot exist undocumented, and the document served at
//! `/api/openapi.json` is generated from these descriptions and the types the handlers read
//! (`openapi.rs` adds what depends on the pack). The answers' schemas are in `schema.rs`.

use crate::http::ClientAddr;
use crate::openapi;
use crate::problem::Problem;
use crate::schema::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, TooManyRequests, Unauthorized, Unavailable, Unprocessable,
    UnsupportedMediaType,
};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use qiangke_monitor::assess::Weights;
use qiangke_monitor::report as monitor_report;
use qiangke_rules::{Lang, Options, Pack, evaluate, explain, load_facts};
use qiangke_store::auth::{NewUser, SessionKind, UserUpdate};
use qiangke_store::ledger::{FactsInput, ImportFormat, NewEntity};
use qiangke_store::{Error, Msg, Principal, Store};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value as J, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
    /// Rounds opened from the web pages, running or finished lately, with their progress.
    pub(crate) rounds_running: crate::web::Runs,
    /// The ladder of recognitions the /ladder page assesses (set once at start; none: the page
    /// says so).
    pub(crate) ladder: std::sync::OnceLock<Arc<qiangke_rules::ladder::Ladder>>,
}

impl AppState {
    /// State with equal assessment weights; see [`AppState::with_weights`].
    pub fn new(pack: Arc<Pack>, store: Store, secure_cookies: bool) -> Arc<AppState> {
        let weights = Weights::equal(&pack);
        Self::with_weights(pack, store, secure_cookies, weights)
    }
    /// The rounds page shows a round's progress at once instead of waiting a moment for it to end
    /// (for tests of the progress page).
    pub fn show_round_progress_at_once(&self) {
        self.rounds_running.show_progress_at_once();
    }

    pub fn with_weights(pack: Arc<Pack>, store: Store, secure_cookies: bool, weights: Weights) -> Arc<AppState> {
        Arc::new(AppState {
            pack,
            store,
            secure_cookies,
            weights,
            evaluations: crate::compute::Gate::default(),
            writes: WriteLimits::default(),
            rounds_running: crate::web::Runs::default(),
            ladder: std::sync::OnceLock::new(),
        })
    }

    /// The ladder the /ladder page assesses (a second call keeps the first ladder).
    pub fn set_ladder(&self, ladder: Arc<qiangke_rules::ladder::Ladder>) {
        let _ = self.ladder.set(ladder);
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

/// Every API route, each registered together with its description in the OpenAPI document.
pub(crate) fn api_routes() -> OpenApiRouter<S> {
    let small = OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(openapi_doc))
        .routes(routes!(evaluate_facts))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(set_password))
        .routes(routes!(revoke_sessions))
        .routes(routes!(list_entities, register_entity))
        .routes(routes!(get_entity))
        .routes(routes!(list_facts, record_facts))
        .routes(routes!(apply))
        .routes(routes!(list_awards))
        .routes(routes!(get_award))
        .routes(routes!(verify_award))
        .routes(routes!(decide_award))
        .routes(routes!(second_approval))
        .routes(routes!(confirm_award))
        .routes(routes!(list_rounds, open_round))
        .routes(routes!(get_round))
        .routes(routes!(entity_needs))
        .routes(routes!(list_payouts))
        .routes(routes!(mark_paid))
        .routes(routes!(create_payment))
        .routes(routes!(get_payment))
        .routes(routes!(reverse_payout))
        .routes(routes!(appropriate))
        .routes(routes!(list_publications, publish))
        .routes(routes!(get_publication))
        .routes(routes!(object))
        .routes(routes!(list_objections))
        .routes(routes!(rule_objection))
        .routes(routes!(budget))
        .routes(routes!(audit))
        .routes(routes!(audit_verify))
        .routes(routes!(audit_checkpoint))
        .routes(routes!(sign_ins))
        .routes(routes!(report))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let imports = OpenApiRouter::new()
        .routes(routes!(import))
        .routes(routes!(list_observations, record_observations))
        .routes(routes!(list_task_updates, record_task_updates))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT));
    small.merge(imports)
}

/// The router: the API (documented in [`openapi::document`]) and the web pages.
pub fn router(state: S) -> Router {
    let (api, generated) = api_routes().split_for_parts();
    let doc = Arc::new(openapi::document(&state.pack, generated));
    api.merge(crate::web::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), api_headers))
        .layer(Extension(OpenApiDoc(doc)))
        .with_state(state)
}

/// The OpenAPI document, built once per router.
#[derive(Clone)]
struct OpenApiDoc(Arc<J>);

async fn api_headers(State(s): State<S>, mut req: Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = crate::http::cookie(req.headers(), "qiangke_lang");
    let api_lang = if api { api_language(&mut req) } else { (Lang::En, false) };
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
            Problem::new(status, "api-title-invalid-request", Msg::new("api-request-refused").arg("text", text)).into_response()
        } else {
            crate::web::bare_refusal(status, &text, lang.as_deref())
        };
        if let Some(a) = allow {
            r.headers_mut().insert(header::ALLOW, a);
        }
    }
    r = crate::problem::localize(r, api_lang.0, api_lang.1);
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

/// The language of an API request's problems (see `problem.rs`): `?lang=`, else
/// `Accept-Language`, else English. `lang` is taken out of the query, so that the routes' strict
/// query parameters do not refuse it; it is not a parameter of any route.
fn api_language(req: &mut Request) -> (Lang, bool) {
    let mut chosen = None;
    if let Some(q) = req.uri().query().filter(|q| q.split('&').any(|kv| kv == "lang" || kv.starts_with("lang="))) {
        let mut rest = Vec::new();
        for kv in q.split('&') {
            match kv.split_once('=').unwrap_or((kv, "")) {
                ("lang", v) => chosen = chosen.or_else(|| crate::web::parse_lang(v)),
                _ => rest.push(kv),
            }
        }
        let path = req.uri().path();
        let pq = if rest.is_empty() { path.to_string() } else { format!("{path}?{}", rest.join("&")) };
        let mut parts = req.uri().clone().into_parts();
        if let Ok(pq) = pq.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    chosen
        .or_else(|| req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(crate::web::accept_language))
        .unwrap_or((Lang::En, false))
}

fn csv_response(text: String) -> ApiResult {
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}

async fn not_found(method: Method, uri: axum::http::Uri) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "api-title-not-found", Msg::new("api-no-route").arg("method", method).arg("path", uri.path()))
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
                Msg::new("api-body-too-large")
            } else {
                Msg::new("api-request-refused").arg("text", rej.body_text())
            };
            Problem::new(status, "api-title-unreadable-body", detail)
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
        Err(Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "api-title-unsupported-media-type", Msg::new("api-send-json")))
    }
}

/// Refuses a request another site's page made (by `Sec-Fetch-Site` or a foreign `Origin`).
fn same_site(h: &HeaderMap) -> Result<(), Problem> {
    if crate::http::from_other_site(h, false) {
        Err(Problem::new(StatusCode::FORBIDDEN, "api-title-forbidden", Msg::new("api-same-site-only")))
    } else {
        Ok(())
    }
}

/// Refuses text holding the NUL character, raw or escaped: nothing in the ledger is meant to
/// hold one, and PostgreSQL cannot store it (a 500 otherwise).
fn no_nul(b: &[u8]) -> Result<(), Problem> {
    let escaped = b.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"));
    if b.contains(&0) || escaped {
        let mut p = Problem::invalid("body", Msg::new("api-no-nul"));
        p.status = StatusCode::UNPROCESSABLE_ENTITY;
        return Err(p);
    }
    Ok(())
}

fn json_body<T: DeserializeOwned>(b: &Bytes) -> Result<T, Problem> {
    no_nul(b)?;
    serde_json::from_slice(b).map_err(|e| {
        let mut p = Problem::invalid("body", Msg::new("api-json-at").arg("line", e.line()).arg("column", e.column()).arg("error", &e));
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
            let token = v
                .to_str()
                .ok()
                .and_then(|s| s.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "api-title-not-signed-in", Msg::new("api-bearer-shape")))?;
            state.store.principal(token, SessionKind::Bearer).await?
        } else {
            let Some(token) = cookie_token(h) else {
                return Err(Error::Unauthenticated.into());
            };
            if !matches!(parts.method, Method::GET | Method::HEAD) && crate::http::from_other_site(h, false) {
                return Err(Problem::new(StatusCode::FORBIDDEN, "api-title-forbidden", Msg::new("api-cookie-change-same-site")));
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

/// Objections a client address (the TCP peer) may file a minute, with no sign-in.
const OBJECTIONS_PER_MINUTE: u32 = 10;

impl WriteLimits {
    fn check(&self, p: &Principal) -> Result<(), Problem> {
        let limit = if p.role == qiangke_store::Role::Entity { ENTITY_WRITES_PER_MINUTE } else { OTHER_WRITES_PER_MINUTE };
        self.count(p.user_id, limit, "api-writes-per-minute")
    }

    /// The public's objections, counted per client address (under keys no user id takes).
    pub(crate) fn check_objection(&self, client: &str) -> Result<(), Problem> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        client.hash(&mut h);
        let key = -1 - i64::try_from(h.finish() >> 2).unwrap_or(0);
        self.count(key, OBJECTIONS_PER_MINUTE, "api-objections-per-minute")
    }

    fn count(&self, key: i64, limit: u32, say: &'static str) -> Result<(), Problem> {
        let mut w = self.window.lock().expect("not poisoned");
        if w.len() > 100_000 {
            w.retain(|_, (_, since)| since.elapsed() < Duration::from_secs(60));
        }
        let e = w.entry(key).or_insert((0, Instant::now()));
        if e.1.elapsed() >= Duration::from_secs(60) {
            *e = (0, Instant::now());
        }
        if e.0 >= limit {
            let wait = 61u64.saturating_sub(e.1.elapsed().as_secs());
            let mut prob = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "api-title-too-many-requests",
                Msg::new(say).arg("limit", limit).arg("wait", wait),
            );
            prob.retry_after = Some(wait);
            return Err(prob);
        }
        e.0 += 1;
        Ok(())
    }
}

// ----- public ------------------------------------------------------------------------------

/// Liveness, and the pack being served
///
/// Public. The pack's id, version and the SHA-256 of its files.
#[utoipa::path(get, path = "/api/health", tag = "public",
    responses((status = 200, description = "The server is up.", body = crate::schema::Health)))]
async fn health(State(s): State<S>) -> ApiResult {
    ok(json!({"status": "ok", "pack": {"id": s.pack.id, "version": s.pack.version, "hash": s.pack.hash}}))
}

/// This document
///
/// Public. OpenAPI 3.1, generated from the handlers and the types they read and answer with.
#[utoipa::path(get, path = "/api/openapi.json", tag = "public",
    responses((status = 200, description = "The OpenAPI document.", content_type = "application/json", body = Object)))]
async fn openapi_doc(Extension(OpenApiDoc(doc)): Extension<OpenApiDoc>) -> ApiResult {
    ok(doc.as_ref().clone())
}

/// The most claim years one calculator request may name.
const MAX_YEARS: usize = 10;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EvalQuery {
    /// Claim years, comma-separated (`2023,2024`; at most 10); default: every year the facts
    /// mention.
    #[param(value_type = Option<Vec<ClaimYear>>, inline, style = Form, explode = false, max_items = 10, example = json!([2023]))]
    years: Option<String>,
    /// `false` leaves out the step-by-step derivations.
    trace: Option<bool>,
    /// Adds the explanation as text in this language.
    #[param(inline)]
    explain: Option<ExplainLang>,
}

/// A claim year: 1990 to 2100.
struct ClaimYear;

impl utoipa::PartialSchema for ClaimYear {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1990)).maximum(Some(2100)).into()
    }
}

impl ToSchema for ClaimYear {}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum ExplainLang {
    Zh,
    En,
}

/// The calculator: a facts document in, explained awards out
///
/// Public; nothing is stored. The facts document is what `qiangke eval` reads: the entity and its
/// attributes, yearly figures keyed by year, dated events, every name from the pack's vocabulary
/// (see the `FactsDocument` schema). At most 1,000 events per request. Evaluations run a bounded
/// number at a time; beyond a short queue the answer is 503.
#[utoipa::path(post, path = "/api/evaluate", tag = "public",
    params(EvalQuery),
    request_body(content = crate::schema::FactsDocument, content_type = "application/json",
        description = "A facts document (JSON)."),
    responses(
        (status = 200, description = "Every applicable rule's result for each claim year, explained.", body = crate::schema::Evaluation),
        (status = 400, response = BadRequest),
        (status = 413, response = PayloadTooLarge),
        (status = 422, description = "The facts do not validate: each problem located by line and column, nothing evaluated; or more than 1,000 events.",
            content_type = "application/problem+json", body = crate::schema::Problem),
        (status = 503, response = Unavailable),
    ))]
async fn evaluate_facts(
    State(s): State<S>,
    q: Result<Query<EvalQuery>, axum::extract::rejection::QueryRejection>,
    Body(b): Body,
) -> ApiResult {
    let Query(q) = q.map_err(|e| Problem::invalid("query", Msg::new("api-request-refused").arg("text", e.body_text())))?;
    let mut years = Vec::new();
    let given = q.years.as_deref().unwrap_or("");
    if !given.is_empty() {
        for y in given.split(',') {
            match y.trim().parse::<i32>() {
                Ok(y) if (1990..=2100).contains(&y) => years.push(y),
                _ => return Err(Problem::invalid("years", Msg::new("api-not-a-year").arg("text", y))),
            }
        }
    }
    if years.len() > MAX_YEARS {
        return Err(Problem::invalid("years", Msg::new("api-at-most-years")));
    }
    years.sort_unstable();
    years.dedup();
    let lang = q.explain.map(|l| match l {
        ExplainLang::Zh => Lang::Zh,
        ExplainLang::En => Lang::En,
    });
    let text = String::from_utf8(b.to_vec()).map_err(|e| Problem::invalid("body", Msg::new("api-not-utf8").arg("error", e)))?;
    let pack = s.pack.clone();
    let trace = q.trace.unwrap_or(true);
    let out = s
        .evaluations
        .run(move || {
            let facts = load_facts(&pack, "facts.json", &text).map_err(|r| Problem {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                title: "api-title-invalid-facts",
                detail: Msg::new("api-facts-problems").arg("count", r.diagnostics.len()),
                errors: r
                    .diagnostics
                    .iter()
                    .map(|d| {
                        let j = d.to_json(&r.map);
                        let message = match &d.hint {
                            Some(h) => Msg::new("ledger-cell-hint").part("hint", h.clone()).detail(d.message.clone()),
                            None => d.message.clone(),
                        };
                        qiangke_store::FieldError::new(format!("line {}, column {}", j["line"], j["column"]), message)
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
    let mut p = Problem::invalid("events", Msg::new("api-too-many-events").arg("count", n).arg("max", crate::compute::MAX_EVENTS));
    p.status = StatusCode::UNPROCESSABLE_ENTITY;
    Err(p)
}

/// Too many evaluations at once: 503 with Retry-After.
pub(crate) fn busy(_: crate::compute::Busy) -> Problem {
    let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "api-title-busy", Msg::new("api-evaluations-busy"));
    p.retry_after = Some(2);
    p
}

// ----- sessions and users ------------------------------------------------------------------

/// A sign-in.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"username": "tax-reviewer", "password": "a-long-password", "session": "bearer"})))]
struct LoginBody {
    username: String,
    password: String,
    /// `cookie` (a browser session, the default) or `bearer` (an API token in the answer).
    session: Option<SessionChoice>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum SessionChoice {
    Cookie,
    Bearer,
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
        Err(SignInError::Rejected) => Err(Problem::new(StatusCode::UNAUTHORIZED, "api-title-not-signed-in", Msg::new("api-wrong-sign-in"))),
        Err(SignInError::Throttled { retry_after_s }) => {
            let mut p = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "api-title-too-many-attempts",
                Msg::new("api-sign-ins-throttled").arg("wait", retry_after_s),
            );
            p.retry_after = Some(retry_after_s);
            Err(p)
        }
        Err(SignInError::Busy) => {
            let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "api-title-busy", Msg::new("api-sign-ins-busy"));
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

/// Sign in
///
/// Public. With `session: bearer` the answer carries an API token (valid 30 days); otherwise the
/// session rides in the HttpOnly cookie `qiangke_session` (8 hours). The body must be JSON and
/// the request may not come from another site. After five failures of an account (twenty from one
/// client) each further attempt waits 1 s, 2 s, 4 s … up to 15 minutes (429 with Retry-After);
/// the account's usual client is not held back by the account's failures.
#[utoipa::path(post, path = "/api/login", tag = "sessions",
    request_body(content = LoginBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in.", body = crate::schema::SignedIn,
            headers(("Set-Cookie" = String, description = "The session cookie (`session: cookie`)."))),
        (status = 400, response = BadRequest),
        (status = 401, description = "Unknown user name, wrong password or disabled user (the same answer for each).",
            content_type = "application/problem+json", body = crate::schema::Problem),
        (status = 403, description = "The request came from another site.", content_type = "application/problem+json", body = crate::schema::Problem),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn login(State(s): State<S>, ClientAddr(client): ClientAddr, headers: HeaderMap, Body(b): Body) -> ApiResult {
    require_json(&headers)?;
    same_site(&headers)?;
    let body: LoginBody = json_body(&b)?;
    let kind = match body.session {
        None | Some(SessionChoice::Cookie) => SessionKind::Cookie,
        Some(SessionChoice::Bearer) => SessionKind::Bearer,
    };
    let (token, p) = sign_in(&s, &client, &body.username, &body.password, kind).await?;
    if kind == SessionKind::Bearer {
        return ok(json!({"token": token, "expires_in": TOKEN_TTL.as_secs(), "user": p}));
    }
    let mut r = axum::Json(json!({"user": p})).into_response();
    r.headers_mut().insert(header::SET_COOKIE, session_cookie(&s, &token));
    Ok(r)
}

/// Sign out
///
/// Ends the session the request carries (its bearer token, or else its cookie) and clears the
/// cookie; without a session there is nothing to end, and the answer is the same. The request may
/// not come from another site.
#[utoipa::path(post, path = "/api/logout", tag = "sessions",
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out.", headers(("Set-Cookie" = String, description = "Clears the session cookie."))),
        (status = 403, description = "The request came from another site.", content_type = "application/problem+json", body = crate::schema::Problem),
        (status = 503, response = Unavailable),
    ))]
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

/// The signed-in user
///
/// Any signed-in user: its name, role and scope.
#[utoipa::path(get, path = "/api/me", tag = "sessions",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The signed-in user.", body = Principal),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ))]
async fn me(Auth(p): Auth) -> ApiResult {
    ok(json!(p))
}

/// Create a user
///
/// Admin only (refused before the body is read). Roles: `entity` (one entity's own data; give
/// `entity_id`), `reviewer` (one department's awards; give `department`), `finance` (payouts and
/// the budget), `county` (one county, read only; give `county`), `admin` (everything).
#[utoipa::path(post, path = "/api/users", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = NewUser, content_type = "application/json"),
    responses(
        (status = 201, description = "The user was created.", body = crate::schema::Created,
            links(("UpdateUser" = (operation_id = "update_user", parameters(("id" = "$response.body#/id")),
                description = "Change the user just created.")))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn create_user(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    // Who may, before what is wrong with the body.
    p.require(&[qiangke_store::Role::Admin], Msg::new("ledger-act-create-users"))?;
    let u: NewUser = json_body(&b)?;
    let id = s.store.create_user(&s.pack, Some(&p), u).await?;
    created(json!({"id": id}))
}

/// Every user
///
/// Admin only: name, role, scope, whether disabled.
#[utoipa::path(get, path = "/api/users", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The users.", body = crate::schema::Users,
            links(("UpdateUser" = (operation_id = "update_user", parameters(("id" = "$response.body#/users/0/id")),
                description = "Change the first user listed.")))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn list_users(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    ok(json!({"users": s.store.users(&p).await?}))
}

/// Change a user
///
/// Admin only. Changes the role and scope, or disables or enables the user; a field left out
/// stays as it is, but a role needs its scope field. A change of role or scope, or disabling,
/// ends the user's sessions and tokens. The last enabled admin stays an enabled admin (409).
#[utoipa::path(patch, path = "/api/users/{id}", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The user's id.")),
    request_body(content = UserUpdate, content_type = "application/json"),
    responses(
        (status = 200, description = "The user as changed.", body = crate::schema::UserChanged),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn update_user(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    p.require(&[qiangke_store::Role::Admin], Msg::new("ledger-act-change-user"))?;
    let u: UserUpdate = json_body(&b)?;
    ok(s.store.update_user(&s.pack, &p, id, u).await?)
}

/// A new password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"password": "a-new-long-password", "current_password": "a-long-password"})))]
struct PasswordBody {
    /// At least 10 characters.
    #[schema(min_length = 10)]
    password: String,
    /// Your current password, when you change your own (not needed by an admin).
    current_password: Option<String>,
}

/// Set a password
///
/// The admin for anyone; any other user for itself, giving its current password. The user's
/// other sessions and tokens end (the one making the request stays).
#[utoipa::path(post, path = "/api/users/{id}/password", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The user's id.")),
    request_body(content = PasswordBody, content_type = "application/json"),
    responses(
        (status = 204, description = "The password was set."),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
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

/// End a user's sessions
///
/// The admin, or the user itself: every session and API token of the user ends.
#[utoipa::path(delete, path = "/api/users/{id}/sessions", tag = "users",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The user's id.")),
    responses(
        (status = 200, description = "How many sessions and tokens ended.", body = crate::schema::Revoked),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn revoke_sessions(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(json!({"revoked": s.store.revoke_sessions(&p, id).await?}))
}

// ----- entities and facts ------------------------------------------------------------------

/// Entities within your scope
///
/// Any signed-in user: the admin and finance see every entity, an entity user its own, a county
/// official its county's, a reviewer those with an award its department verifies.
#[utoipa::path(get, path = "/api/entities", tag = "entities",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The entities.", body = crate::schema::Entities,
            links(("GetEntity" = (operation_id = "get_entity", parameters(("id" = "$response.body#/entities/0/id")),
                description = "The first entity listed.")))),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ))]
async fn list_entities(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    ok(json!({"entities": s.store.entities(&p).await?}))
}

/// Register an entity
///
/// Admin only. The credit code is checked (GB 32100-2015), kind and county against the pack's
/// vocabulary; a credit code already registered is a conflict.
#[utoipa::path(post, path = "/api/entities", tag = "entities",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = NewEntity, content_type = "application/json"),
    responses(
        (status = 201, description = "The entity as registered (kind and county by id).", body = crate::schema::Entity,
            links(
                ("GetEntity" = (operation_id = "get_entity", parameters(("id" = "$response.body#/id")),
                    description = "The entity just registered.")),
                ("ListFacts" = (operation_id = "list_facts", parameters(("id" = "$response.body#/id")),
                    description = "The entity's facts.")),
                ("RecordFacts" = (operation_id = "record_facts", parameters(("id" = "$response.body#/id")),
                    description = "Record facts for the entity.")),
                ("Apply" = (operation_id = "apply", request_body = json!({"entity_id": "$response.body#/id"}),
                    description = "Apply for the entity's awards of a claim year.")),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn register_entity(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let e: NewEntity = json_body(&b)?;
    created(s.store.register_entity(&s.pack, &p, e).await?)
}

/// One entity
///
/// Any signed-in user, if the entity is within its scope (403 otherwise).
#[utoipa::path(get, path = "/api/entities/{id}", tag = "entities",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The entity's id.")),
    responses(
        (status = 200, description = "The entity.", body = crate::schema::Entity),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ))]
async fn get_entity(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.entity(&p, id).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PageQuery {
    /// Only facts with an id below this (the next page after the smallest id seen).
    before: Option<i64>,
    /// At most this many, default 500 (values outside 1–1000 are taken as the nearest of them).
    limit: Option<i64>,
}

/// An entity's facts
///
/// Any signed-in user, if the entity is within its scope: every fact recorded, newest first, with
/// who entered it, from what source and when; `current` marks the value in force. Paged by id.
#[utoipa::path(get, path = "/api/entities/{id}/facts", tag = "entities",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The entity's id."), PageQuery),
    responses(
        (status = 200, description = "A page of facts.", body = crate::schema::Facts),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ))]
async fn list_facts(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Query(q): Query<PageQuery>) -> ApiResult {
    ok(json!({"facts": s.store.facts(&p, id, q.before, q.limit.unwrap_or(500)).await?}))
}

/// Record facts
///
/// The entity itself, a reviewer (only the facts its department supplies, marked with the
/// department) or the admin. Attributes (no `year`), yearly figures and events, each checked
/// against the pack's vocabulary: all of them or, with each problem located, none.
#[utoipa::path(post, path = "/api/entities/{id}/facts", tag = "entities",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The entity's id.")),
    request_body(content = FactsInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The facts were recorded.", body = crate::schema::FactsRecorded,
            links(("ListFacts" = (operation_id = "list_facts", parameters(("id" = "$response.body#/entity_id")),
                description = "The entity's facts, these among them.")))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn record_facts(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let f: FactsInput = json_body(&b)?;
    created(s.store.record_facts(&s.pack, &p, id, f).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ImportQuery {
    /// Where the figures come from (a department's list, a survey …).
    #[param(pattern = r"\S", example = "2023年度统计")]
    source: String,
    /// The body's format; default from the Content-Type.
    #[param(inline)]
    format: Option<ImportFormatParam>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum ImportFormatParam {
    Csv,
    Jsonl,
}

/// Bulk import of facts
///
/// A reviewer (only the facts its department supplies) or the admin. The whole body in one
/// transaction: every row or none, each refusal located by row and column. CSV with the header
/// `uscc,year,fact,value` (`year` empty for an attribute), or JSON Lines with one
/// `{"uscc", "year"?, "fact", "value"}` or `{"uscc", "event": {…}}` per line. Entities by their
/// registered credit code.
#[utoipa::path(post, path = "/api/imports", tag = "entities",
    security(("bearer" = []), ("cookie" = [])),
    params(ImportQuery),
    request_body(description = "The rows.", content(
        (String = "text/csv", example = json!("uscc,year,fact,value\n91620600123456788A,2023,rd_expenditure,15000000\n")),
        (String = "application/x-ndjson", example = json!("{\"uscc\": \"91620600123456788A\", \"year\": 2023, \"fact\": \"rd_expenditure\", \"value\": \"15000000\"}\n")),
    )),
    responses(
        (status = 201, description = "The rows were recorded.", body = crate::schema::Imported),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn import(
    State(s): State<S>,
    Auth(p): Auth,
    headers: HeaderMap,
    q: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    Body(b): Body,
) -> ApiResult {
    let Query(q) = q.map_err(|e| Problem::invalid("query", Msg::new("api-query-import").arg("error", e.body_text())))?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let format = match q.format {
        Some(ImportFormatParam::Csv) => ImportFormat::Csv,
        Some(ImportFormatParam::Jsonl) => ImportFormat::JsonLines,
        None if ct.starts_with("text/csv") => ImportFormat::Csv,
        None if ct.contains("ndjson") || ct.contains("jsonl") => ImportFormat::JsonLines,
        None => {
            return Err(Problem::invalid("format", Msg::new("api-import-format")));
        }
    };
    let text = utf8(&b)?;
    created(s.store.import_facts(&s.pack, &p, format, &q.source, &text).await?)
}

// ----- the workflow ------------------------------------------------------------------------

/// An application.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"entity_id": 1, "claim_year": 2023})))]
struct ApplyBody {
    entity_id: i64,
    #[schema(minimum = 1990, maximum = 2100)]
    claim_year: i64,
}

/// Apply for a claim year's awards
///
/// The entity itself or the admin. Evaluates the entity's facts in force for the claim year and
/// records the application and each award it finds, routed to the departments that verify its
/// rule; an award whose once-key is already in the ledger is not recorded again. The same
/// application again (same facts in force, pack and year) is the one already made: 200 with
/// `unchanged: true`, nothing stored.
#[utoipa::path(post, path = "/api/applications", tag = "awards",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = ApplyBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The application already made on the same facts (`unchanged: true`).", body = crate::schema::Application),
        (status = 201, description = "The application and the awards it recorded.", body = crate::schema::Application,
            links(
                ("GetAward" = (operation_id = "get_award", parameters(("id" = "$response.body#/awards/0/id")),
                    description = "The first award recorded (when the application recorded any).")),
                ("PendingAwards" = (operation_id = "list_awards", parameters(("status" = "pending")),
                    description = "The awards waiting for verification, these among them.")),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn apply(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let a: ApplyBody = json_body(&b)?;
    let out = s.store.apply(&s.pack, &p, a.entity_id, a.claim_year).await?;
    // Nothing was created when the application is the one already made.
    if out["unchanged"] == true { ok(out) } else { created(out) }
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AwardsQuery {
    /// Only awards in this state.
    #[param(inline)]
    status: Option<AwardStatusParam>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum AwardStatusParam {
    Pending,
    Approved,
    Rejected,
    Decided,
}

impl AwardStatusParam {
    fn as_str(&self) -> &'static str {
        match self {
            AwardStatusParam::Pending => "pending",
            AwardStatusParam::Approved => "approved",
            AwardStatusParam::Rejected => "rejected",
            AwardStatusParam::Decided => "decided",
        }
    }
}

/// Awards within your scope
///
/// Any signed-in user: the admin and finance see every award, an entity user its own, a county
/// official its county's, a reviewer its department's queue (the rules it verifies).
#[utoipa::path(get, path = "/api/awards", tag = "awards",
    security(("bearer" = []), ("cookie" = [])),
    params(AwardsQuery),
    responses(
        (status = 200, description = "The awards.", body = crate::schema::Awards,
            links(
                ("GetAward" = (operation_id = "get_award", parameters(("id" = "$response.body#/awards/0/id")),
                    description = "The first award listed.")),
                ("VerifyAward" = (operation_id = "verify_award", parameters(("id" = "$response.body#/awards/0/id")),
                    description = "Approve or reject the first award listed.")),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ))]
async fn list_awards(State(s): State<S>, Auth(p): Auth, Query(q): Query<AwardsQuery>) -> ApiResult {
    ok(json!({"awards": s.store.awards(&p, q.status.as_ref().map(AwardStatusParam::as_str)).await?}))
}

/// One award
///
/// Any signed-in user, if the award is within its scope: the award with its explanation (quoting
/// the plan), verifications, decision, payout and similar awards.
#[utoipa::path(get, path = "/api/awards/{id}", tag = "awards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The award's id.")),
    responses(
        (status = 200, description = "The award.", body = crate::schema::Award,
            links(
                ("VerifyAward" = (operation_id = "verify_award", parameters(("id" = "$response.body#/id")),
                    description = "Approve or reject the award.")),
                ("DecideAward" = (operation_id = "decide_award", parameters(("id" = "$response.body#/id")),
                    description = "Decide the award's amount.")),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ))]
async fn get_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.award(&p, id).await?)
}

/// A verifying department's verdict.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"verdict": "approve", "reason": "加计扣除申报核实"})))]
struct VerdictBody {
    verdict: VerdictParam,
    /// Why; required to reject (the applicant reads it).
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum VerdictParam {
    Approve,
    Reject,
}

/// Approve or reject an award
///
/// A reviewer of a department that verifies the award's rule. The award is approved when every
/// verifying department has approved it, rejected as soon as one rejects. Four eyes: a reviewer
/// who recorded a fact the award rests on cannot be its only approver.
#[utoipa::path(post, path = "/api/awards/{id}/verification", tag = "awards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The award's id.")),
    request_body(content = VerdictBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The award after the verdict.", body = crate::schema::Award,
            links(("DecideAward" = (operation_id = "decide_award", parameters(("id" = "$response.body#/id")),
                description = "Decide the amount of the award.")))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn verify_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let v: VerdictBody = json_body(&b)?;
    ok(s.store.verify(&s.pack, &p, id, matches!(v.verdict, VerdictParam::Approve), &v.reason).await?)
}

// ----- the 免申即享 round ----------------------------------------------------------------------

/// A round to open.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"claim_year": 2023}), json!({"claim_year": 2023, "rules": ["rd-tier"]})))]
struct RoundBody {
    #[schema(minimum = 1990, maximum = 2100)]
    claim_year: i64,
    /// Only these award rules (ids); left out or empty: every award rule of the pack.
    #[serde(default)]
    rules: Vec<String>,
}

/// Open a 免申即享 round
///
/// The admin or a department's reviewer. Every registered entity is evaluated on its facts in
/// force for the claim year, with no application: each award found becomes a proposal awaiting
/// the entity's confirmation; what could not be decided for want of facts is listed per entity.
/// Re-running adds only what is new (a once-key already in the ledger is never proposed again);
/// an award whose result changed is flagged for review, never altered.
#[utoipa::path(post, path = "/api/rounds", tag = "rounds",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = RoundBody, content_type = "application/json"),
    responses(
        (status = 201, description = "The round with its counts.", body = crate::schema::Round,
            links(("GetRound" = (operation_id = "get_round", parameters(("id" = "$response.body#/id")), description = "The round again.")))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn open_round(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let r: RoundBody = json_body(&b)?;
    created(s.store.open_round(&s.pack, &p, r.claim_year, &r.rules).await?)
}

/// The rounds, newest first
///
/// The admin, a department's reviewer or finance: every round with what it found (entities
/// evaluated, new proposals, awards already held, flagged, needing information).
#[utoipa::path(get, path = "/api/rounds", tag = "rounds",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every round with its counts.", body = crate::schema::Rounds),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn list_rounds(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    ok(json!({"rounds": s.store.rounds(&p).await?}))
}

/// One round
///
/// The admin, a department's reviewer or finance: the round's claim year, the rules it covered
/// and what it found.
#[utoipa::path(get, path = "/api/rounds/{id}", tag = "rounds",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The round's id.")),
    responses(
        (status = 200, description = "The round with its counts.", body = crate::schema::Round),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn get_round(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.round(&p, id).await?)
}

/// What the newest rounds could not decide for an entity
///
/// Per claim year (its newest round) and rule, the facts to provide for the entity to be
/// assessed. Anyone who may see the entity.
#[utoipa::path(get, path = "/api/entities/{id}/needs", tag = "rounds",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The entity's id.")),
    responses(
        (status = 200, description = "The facts to provide, by rule.", body = crate::schema::NeedsList),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn entity_needs(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(json!({"needs": s.store.needs_information(&p, id).await?}))
}

/// The entity's answer to a proposal.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"confirm": true})))]
struct ConfirmationBody {
    /// `true`: the entity claims the award (意愿确认); `false`: it declines (no reason needed).
    confirm: bool,
}

/// Confirm or decline a proposed award
///
/// The entity's own users, once per proposal. Confirmed, the award goes to its verifying
/// departments; declined, it is closed and later rounds do not propose it again.
#[utoipa::path(post, path = "/api/awards/{id}/confirmation", tag = "rounds",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The award's id.")),
    request_body(content = ConfirmationBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The award after the answer.", body = crate::schema::Award),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn confirm_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let c: ConfirmationBody = json_body(&b)?;
    ok(s.store.confirm_award(&p, id, c.confirm).await?)
}

/// A decision on an approved award.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"amount": "200000", "reason": "按档"})))]
struct DecisionBody {
    /// Exact yuan, as people write it: `"200000"`, `"20万元"`, `"150000.50"` (never finer than
    /// a fen).
    #[schema(pattern = r"\S", examples("200000", "20万元", "150000.50"))]
    amount: String,
    #[serde(default)]
    reason: String,
}

/// Decide an award's amount
///
/// A reviewer of a department that verifies the award's rule. The amount must lie inside the
/// interval the plan allows (a fixed amount is its own interval); the payout is scheduled in the
/// award's budget year. A one-time award is paid once: a once-key with a payout already is a
/// conflict. An open-ended award (不低于) decided above the pack's ceiling waits for a second
/// approval by another reviewer.
#[utoipa::path(post, path = "/api/awards/{id}/decision", tag = "awards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The award's id.")),
    request_body(content = DecisionBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The award as decided.", body = crate::schema::Award,
            links(
                ("SecondApproval" = (operation_id = "second_approval", parameters(("id" = "$response.body#/id")),
                    description = "Approve the decision a second time (when it awaits one).")),
                ("ListPayouts" = (operation_id = "list_payouts", parameters(("year" = "$response.body#/budget_year")),
                    description = "The payouts of the award's budget year, its own among them.")),
            )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn decide_award(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    // Who may decide, before what is wrong with the amount.
    p.require(&[qiangke_store::Role::Reviewer], Msg::new("ledger-act-decide"))?;
    let d: DecisionBody = json_body(&b)?;
    let fen = qiangke_store::parse_fen(&s.pack, &d.amount).map_err(|m| {
        let mut p = Problem::invalid("amount", m);
        p.status = StatusCode::UNPROCESSABLE_ENTITY;
        p
    })?;
    ok(s.store.decide(&s.pack, &p, id, fen, &d.reason).await?)
}

/// Approve a decision a second time
///
/// Another reviewer of a department that verifies the award's rule (not the one who decided):
/// a decision above the pack's ceiling for open amounts (不低于) is then scheduled for payment.
#[utoipa::path(post, path = "/api/awards/{id}/decision/second-approval", tag = "awards",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The award's id.")),
    responses(
        (status = 200, description = "The award with its decision approved a second time.", body = crate::schema::Award),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn second_approval(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.second_approval(&p, id).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct YearQuery {
    /// Only this budget year (all years when left out).
    #[param(minimum = 1990, maximum = 2100)]
    year: Option<i64>,
}

impl YearQuery {
    /// The year asked for, if it is a plausible budget year.
    fn checked(&self) -> Result<Option<i64>, Problem> {
        match self.year {
            Some(y) if !(1990..=2100).contains(&y) => Err(Problem::invalid("year", Msg::new("api-not-a-budget-year").arg("year", y))),
            y => Ok(y),
        }
    }
}

/// Payouts within your scope
///
/// Any signed-in user, as for awards.
#[utoipa::path(get, path = "/api/payouts", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    params(YearQuery),
    responses(
        (status = 200, description = "The payouts.", body = crate::schema::Payouts,
            links(("MarkPaid" = (operation_id = "mark_paid", parameters(("id" = "$response.body#/payouts/0/id")),
                description = "Record the first payout listed as paid.")))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ))]
async fn list_payouts(State(s): State<S>, Auth(p): Auth, Query(q): Query<YearQuery>) -> ApiResult {
    ok(json!({"payouts": s.store.payouts(&s.pack, &p, q.checked()?).await?}))
}

/// Record a payout as paid, with its voucher
///
/// Finance only: one scheduled payout, with the voucher's number, the payment date and the paying
/// account (a payment of one; `POST /api/payments` pays several with one voucher).
#[utoipa::path(post, path = "/api/payouts/{id}/paid", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The payout's id.")),
    request_body(content = qiangke_store::ledger::MarkPaidInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The payout, paid.", body = crate::schema::Paid),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn mark_paid(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let input: qiangke_store::ledger::MarkPaidInput = json_body(&b)?;
    ok(s.store.mark_paid(&s.pack, &p, id, &input).await?)
}

/// Pay payouts with one voucher
///
/// Finance only: the scheduled payouts named, all or none, with the voucher's number, the payment
/// date and the paying account. The same `request_key` pays once: sent again, the answer is the
/// payment already made (`repeated`).
#[utoipa::path(post, path = "/api/payments", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = qiangke_store::ledger::PaymentInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The payment.", body = crate::schema::Payment,
            links(("GetPayment" = (operation_id = "get_payment", parameters(("id" = "$response.body#/id")),
                description = "The payment again.")))),
        (status = 200, description = "Sent before with this request key: the payment it made.", body = crate::schema::Payment),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn create_payment(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let input: qiangke_store::ledger::PaymentInput = json_body(&b)?;
    let out = s.store.pay(&s.pack, &p, &input).await?;
    if out["repeated"] == true { ok(out) } else { created(out) }
}

/// A payment
///
/// Finance and the admin.
#[utoipa::path(get, path = "/api/payments/{id}", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The payment's id.")),
    responses(
        (status = 200, description = "The payment.", body = crate::schema::Payment),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ))]
async fn get_payment(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.payment(&p, id).await?)
}

/// A reversal: why a payment is undone.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"reason": "收款账户有误,款项已退回"})))]
struct ReversalBody {
    #[schema(pattern = r"\S")]
    reason: String,
}

/// Reverse a paid payout
///
/// Finance only: a reversing entry with its reason (the payment itself is never edited or
/// deleted); the payout is scheduled again, to be paid anew.
#[utoipa::path(post, path = "/api/payouts/{id}/reversal", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The payout's id.")),
    request_body(content = ReversalBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The payout, scheduled again, with its reversal.", body = crate::schema::Payout),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn reverse_payout(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let r: ReversalBody = json_body(&b)?;
    ok(s.store.reverse_payout(&s.pack, &p, id, &r.reason).await?)
}

/// Enter an appropriation
///
/// Finance only: what the budget appropriates to a line (budget year × paying department ×
/// clause). A change is a new entry (the newest is in force, the older ones stay as its history).
#[utoipa::path(post, path = "/api/appropriations", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = qiangke_store::ledger::AppropriationInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The budget line with its appropriation, what remains and the execution rate.", body = crate::schema::BudgetLine),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn appropriate(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let input: qiangke_store::ledger::AppropriationInput = json_body(&b)?;
    ok(s.store.appropriate(&s.pack, &p, &input).await?)
}

/// Publish a list (公示)
///
/// The publishing department's reviewers (the pack's `[publication] publisher`) and the admin:
/// every decided award not yet published (of one claim year, if given) whose payout is
/// scheduled. The period starts today (China Standard Time; or the next working day) and lasts
/// the pack's number of working days; where the pack requires 公示, finance cannot pay an award
/// before its period ends or while an objection to it is open.
#[utoipa::path(post, path = "/api/publications", tag = "publication",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = qiangke_store::publication::PublishInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The published list.", body = crate::schema::Publication,
            links(("GetPublication" = (operation_id = "get_publication", parameters(("id" = "$response.body#/id")),
                description = "The list as the public sees it.")))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn publish(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    let input: qiangke_store::publication::PublishInput = json_body(&b)?;
    created(s.store.publish(&s.pack, &p, &input).await?)
}

/// The published lists (公示)
///
/// Public: every list, newest first, with its period and whether objections are still accepted.
#[utoipa::path(get, path = "/api/publications", tag = "publication",
    responses(
        (status = 200, description = "The lists.", body = crate::schema::Publications,
            links(("GetPublication" = (operation_id = "get_publication", parameters(("id" = "$response.body#/publications/0/id")),
                description = "The newest list with its awards.")))),
        (status = 503, response = Unavailable),
    ))]
async fn list_publications(State(s): State<S>) -> ApiResult {
    ok(json!({"publications": s.store.publications(&s.pack).await?}))
}

/// A published list
///
/// Public: the list with its awards (recipient, item, clause, amount) and which decisions were
/// withdrawn after an objection. Objections themselves are not shown.
#[utoipa::path(get, path = "/api/publications/{id}", tag = "publication",
    params(("id" = i64, Path, description = "The list's id.")),
    responses(
        (status = 200, description = "The list.", body = crate::schema::Publication,
            links(("Object" = (operation_id = "object", parameters(("id" = "$response.body#/id")),
                description = "Object to an award on this list.")))),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ))]
async fn get_publication(State(s): State<S>, Path(id): Path<i64>) -> ApiResult {
    ok(s.store.publication(&s.pack, id).await?)
}

/// Object to an award on a published list
///
/// Public, during the list's period: the award, the reason and a contact (a name may be given).
/// The objection goes to the department that decided the award; until it is settled the award
/// is not paid. Only that department and the admin see the contact. At most 10 objections a
/// minute from one client address.
#[utoipa::path(post, path = "/api/publications/{id}/objections", tag = "publication",
    params(("id" = i64, Path, description = "The list's id.")),
    request_body(content = qiangke_store::publication::ObjectionInput, content_type = "application/json"),
    responses(
        (status = 201, description = "The objection, filed.", body = crate::schema::ObjectionFiled),
        (status = 400, response = BadRequest),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn object(State(s): State<S>, ClientAddr(client): ClientAddr, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let input: qiangke_store::publication::ObjectionInput = json_body(&b)?;
    s.writes.check_objection(&client)?;
    created(s.store.object(id, &input).await?)
}

/// Objections to settle
///
/// A reviewer: the objections to awards its department decided, open ones first; the admin: all.
#[utoipa::path(get, path = "/api/objections", tag = "publication",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The objections.", body = crate::schema::Objections,
            links(("RuleObjection" = (operation_id = "rule_objection", parameters(("id" = "$response.body#/objections/0/id")),
                description = "Settle the first objection listed.")))),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn list_objections(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    ok(json!({"objections": s.store.objections(&p).await?}))
}

/// Settle an objection
///
/// A reviewer of the department that decided: `upheld` withdraws the decision (its payout can no
/// longer be paid), `rejected` lets it stand; the reason is required either way.
#[utoipa::path(post, path = "/api/objections/{id}/ruling", tag = "publication",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path, description = "The objection's id.")),
    request_body(content = qiangke_store::publication::RulingInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The objection with its ruling.", body = crate::schema::Objection),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn rule_objection(State(s): State<S>, Auth(p): Auth, Path(id): Path<i64>, Body(b): Body) -> ApiResult {
    let input: qiangke_store::publication::RulingInput = json_body(&b)?;
    ok(s.store.rule_objection(&p, id, &input).await?)
}

/// The budget
///
/// Finance, the admin, or a county official (its county): by budget year × paying department ×
/// clause, what is pending (an interval, open when an amount has no upper limit), scheduled and
/// paid.
#[utoipa::path(get, path = "/api/budget", tag = "payouts",
    security(("bearer" = []), ("cookie" = [])),
    params(YearQuery),
    responses(
        (status = 200, description = "The budget lines.", body = crate::schema::Budget),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn budget(State(s): State<S>, Auth(p): Auth, Query(q): Query<YearQuery>) -> ApiResult {
    ok(s.store.budget(&p, q.checked()?).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Only entries after this sequence number (the next page after the last one seen).
    after: Option<i64>,
    /// At most this many, default 100 (values outside 1–1000 are taken as the nearest of them).
    limit: Option<i64>,
}

/// Audit entries you may see
///
/// Any signed-in user: the admin and finance every entry, others those of their scope and their
/// own; oldest first, paged by sequence number.
#[utoipa::path(get, path = "/api/audit", tag = "audit",
    security(("bearer" = []), ("cookie" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of audit entries.", body = crate::schema::AuditEntries),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ))]
async fn audit(State(s): State<S>, Auth(p): Auth, Query(q): Query<AuditQuery>) -> ApiResult {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    ok(json!({"entries": s.store.audit_entries(&p, q.after.unwrap_or(0), limit).await?}))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SignInsQuery {
    /// At most this many, default 100 (values outside 1–1000 are taken as the nearest of them).
    limit: Option<i64>,
}

/// The sign-in log
///
/// Admin only: the newest sign-in events (time, user name, client address, outcome), newest
/// first.
#[utoipa::path(get, path = "/api/sign-ins", tag = "audit",
    security(("bearer" = []), ("cookie" = [])),
    params(SignInsQuery),
    responses(
        (status = 200, description = "The sign-in events.", body = crate::schema::SignIns),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn sign_ins(State(s): State<S>, Auth(p): Auth, Query(q): Query<SignInsQuery>) -> ApiResult {
    ok(json!({"events": s.store.sign_in_events(&p, q.limit.unwrap_or(100)).await?}))
}

/// Check the audit chain
///
/// The admin or finance: recomputes the hash chain and the ledger rows it covers, and reports
/// each break.
#[utoipa::path(get, path = "/api/audit/verify", tag = "audit",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The check.", body = crate::schema::AuditCheck),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn audit_verify(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    p.require(&[qiangke_store::Role::Admin, qiangke_store::Role::Finance], Msg::new("ledger-act-verify-audit"))?;
    let v = s.store.verify_audit(&[]).await?;
    ok(json!({
        "entries": v.entries, "intact": v.problems.is_empty(), "problems": v.problems, "keyed": v.keyed,
        "rows_checked": v.rows_checked, "rows_uncovered_old": v.rows_uncovered_old,
    }))
}

/// A signed checkpoint of the audit chain
///
/// The admin or finance: the head of the audit chain now (sequence number, hash, time), signed
/// with the audit key. Keep it outside the ledger and check the ledger against it later
/// (`qiangke audit verify --checkpoint FILE`).
#[utoipa::path(get, path = "/api/audit/checkpoint", tag = "audit",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The checkpoint.", body = qiangke_store::audit::Checkpoint),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn audit_checkpoint(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    p.require(&[qiangke_store::Role::Admin, qiangke_store::Role::Finance], Msg::new("ledger-act-audit-checkpoint"))?;
    ok(json!(s.store.checkpoint().await?))
}

// ----- plan monitoring ---------------------------------------------------------------------

/// An uploaded table (CSV, JSON lines) as UTF-8 text: UTF-8 with or without a BOM, GB18030/GBK
/// as Excel saves CSV on Chinese Windows, or an `.xlsx` workbook (its first sheet, read as the
/// CSV it would save: line N is row N of the sheet).
fn utf8(b: &Bytes) -> Result<std::borrow::Cow<'_, str>, Problem> {
    use qiangke_batch::xlsx;
    if xlsx::is_workbook(b) {
        let sheet = xlsx::read_bytes(b, None, "body").map_err(|m| Problem::invalid("body", m))?;
        return xlsx::sheet_to_csv(&sheet)
            .map(std::borrow::Cow::Owned)
            .map_err(|(row, column, m)| Problem::invalid(format!("row {row}, column {column}"), m));
    }
    no_nul(b)?;
    qiangke_rules::textfile::decode(b).map_err(|e| Problem::invalid("body", e))
}

/// Record indicator observations
///
/// The admin, a reviewer, or a county official (its own county only). CSV with the header
/// `indicator,scope,year,value,unit,source,entered_by`, validated as `qiangke report` reads it:
/// every row or none, each refusal located.
#[utoipa::path(post, path = "/api/observations", tag = "monitoring",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = String, content_type = "text/csv", description = "The observations.",
        example = json!("indicator,scope,year,value,unit,source,entered_by\ntech-progress-contribution,city,2023,60,%,市统计局,张三\n")),
    responses(
        (status = 201, description = "The observations were recorded.", body = crate::schema::Recorded),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn record_observations(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    created(s.store.record_observations(&s.pack, &p, &utf8(&b)?).await?)
}

/// The observations as entered
///
/// The admin (all), a county official (its county's) or a reviewer (its department's): the
/// observations in force (newest per indicator, scope and year) as the import CSV.
#[utoipa::path(get, path = "/api/observations", tag = "monitoring",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The observations, as the import CSV.", body = String, content_type = "text/csv"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn list_observations(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    csv_response(s.store.observations_csv(&s.pack, &p).await?)
}

/// Record task progress
///
/// The admin, a reviewer (in its department's name) or a county official (as 各县区政府). CSV with
/// the header `task,date,unit,text,value`: every row or none.
#[utoipa::path(post, path = "/api/task-updates", tag = "monitoring",
    security(("bearer" = []), ("cookie" = [])),
    request_body(content = String, content_type = "text/csv", description = "The task updates.",
        example = json!("task,date,unit,text,value\n3-1-1,2023-06-30,,启动,\n")),
    responses(
        (status = 201, description = "The updates were recorded.", body = crate::schema::Recorded),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
        (status = 429, response = TooManyRequests),
        (status = 503, response = Unavailable),
    ))]
async fn record_task_updates(State(s): State<S>, Auth(p): Auth, Body(b): Body) -> ApiResult {
    created(s.store.record_task_updates(&s.pack, &p, &utf8(&b)?).await?)
}

/// The task updates as entered
///
/// The admin (all), a reviewer (its department's) or a county official (the county
/// governments'): every task update as the import CSV.
#[utoipa::path(get, path = "/api/task-updates", tag = "monitoring",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The task updates, as the import CSV.", body = String, content_type = "text/csv"),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 503, response = Unavailable),
    ))]
async fn list_task_updates(State(s): State<S>, Auth(p): Auth) -> ApiResult {
    csv_response(s.store.task_updates_csv(&s.pack, &p).await?)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ReportQuery {
    /// The report year.
    #[param(minimum = 2000, maximum = 2100, example = 2025)]
    year: i32,
    /// The rendering; default `json`.
    #[param(inline)]
    format: Option<ReportFormat>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
enum ReportFormat {
    Json,
    Html,
    Csv,
}

/// The monitoring report
///
/// Any signed-in user: the report for a year from the ledger's observations, task updates and
/// awards (indicator progress, tasks, county assessment, awards per indicator), as JSON, HTML (a
/// static page with inline SVG, no script) or CSV.
#[utoipa::path(get, path = "/api/report", tag = "monitoring",
    security(("bearer" = []), ("cookie" = [])),
    params(ReportQuery),
    responses(
        (status = 200, description = "The report.", content(
            (crate::schema::Report = "application/json"),
            (String = "text/html"),
            (String = "text/csv"),
        )),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 503, response = Unavailable),
    ))]
async fn report(State(s): State<S>, Auth(_): Auth, q: Result<Query<ReportQuery>, axum::extract::rejection::QueryRejection>) -> ApiResult {
    let Query(q) = q.map_err(|e| Problem::invalid("query", Msg::new("api-query-report").arg("error", e.body_text())))?;
    if !(2000..=2100).contains(&q.year) {
        return Err(Problem::invalid("year", Msg::new("api-not-a-report-year").arg("year", q.year)));
    }
    let obs = s.store.observations(&s.pack).await?;
    let ups = s.store.task_updates(&s.pack).await?;
    let counts = s.store.award_counts().await?;
    let r = monitor_report::build(&s.pack, &obs, &ups, q.year, &s.weights, Some(&counts));
    match q.format {
        None | Some(ReportFormat::Json) => ok(monitor_report::to_json(&s.pack, &r)),
        Some(ReportFormat::Csv) => csv_response(monitor_report::to_csv(&s.pack, &r)),
        Some(ReportFormat::Html) => {
            let mut resp = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], monitor_report::to_html(&s.pack, &r)).into_response();
            // The report is static HTML with its own stylesheet and inline SVG: no script runs.
            resp.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"),
            );
            Ok(resp)
        }
    }
}
