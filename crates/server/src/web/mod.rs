//! The web application: server-rendered HTML, no script at all, one stylesheet.
//!
//! Every page is a [`maud`] template: markup is checked when the crate compiles and every text
//! spliced into it is escaped by construction (there is no hand-called escaping anywhere); pages
//! send a Content-Security-Policy without `script-src`, so even an injected script could not run.
//! One layout ([`Ctx::page`]) and a few components ([`table`], [`field_error`], [`note_link`],
//! [`Ctx::csrf_field`], [`Ctx::say_html`]) are shared by every page.
//! State-changing forms carry a CSRF token (a hash of the session secret, which the HttpOnly
//! cookie keeps from scripts and other sites; the sign-in form uses a double-submitted cookie),
//! and a cross-site `Origin` is refused. The language is `?lang=zh|en`, remembered in a cookie,
//! switchable on every page.

mod admin;
mod calculator;
mod dashboard;
mod desk;
mod ladder;
mod letter;
mod payments;
mod policy;
mod publication;
mod round;
mod whatif;

pub(crate) use round::Runs;

use crate::api::{AppState, COOKIE};
use crate::http::cookie;
use axum::Router;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, PreEscaped, html};
use qiangke_rules::Lang;
use qiangke_store::Principal;
use qiangke_store::auth::SessionKind;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

type S = Arc<AppState>;

const LANG_COOKIE: &str = "qiangke_lang";
const LOGIN_CSRF_COOKIE: &str = "qiangke_login_csrf";
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<S> {
    Router::new()
        .route("/", get(landing))
        .route("/static/app.css", get(css))
        .route("/favicon.ico", get(favicon))
        .route("/calculator", get(calculator::form).post(calculator::submit))
        .route("/calculator/upload", post(calculator::upload).layer(axum::extract::DefaultBodyLimit::max(1 << 20)))
        .route("/ladder", get(ladder::page).post(ladder::submit))
        .route("/ladder/example.json", get(ladder::example))
        .route("/ladder/upload", post(ladder::upload).layer(axum::extract::DefaultBodyLimit::max(1 << 20)))
        .route("/policy", get(policy::text))
        .route("/policy/notes", get(policy::notes))
        .route("/policy/coverage", get(policy::coverage))
        .route("/dashboard", get(dashboard::page))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/desk", get(desk::queue))
        .route("/desk/awards/{id}/verify", post(desk::verify))
        .route("/desk/awards/{id}/decide", post(desk::decide))
        .route("/desk/awards/{id}/second-approval", post(desk::second_approval))
        .route("/finance", get(desk::finance))
        .route("/finance/payments/confirm", post(payments::confirm))
        .route("/finance/payments", post(payments::pay))
        .route("/finance/appropriations", post(desk::appropriate))
        .route("/finance/payouts.xlsx", get(desk::payouts_xlsx))
        .route("/finance/payouts/{id}/reversal", post(payments::reverse))
        .route("/publications", get(publication::lists).post(publication::publish))
        .route("/publications/{id}", get(publication::list))
        .route("/publications/{id}/objections", post(publication::object))
        .route("/desk/objections/{id}/ruling", post(publication::rule))
        .route("/audit", get(desk::audit))
        .route("/audit.csv", get(desk::audit_csv))
        .route("/rounds", get(round::rounds).post(round::open))
        .route("/whatif", get(whatif::page).post(whatif::run))
        .route("/me", get(round::mine))
        .route("/entities", get(admin::entities).post(admin::register))
        .route("/entities/template.csv", get(admin::entity_template))
        .route("/entities/import", post(admin::import_entities).layer(axum::extract::DefaultBodyLimit::max(4 << 20)))
        .route("/entities/import/confirm", post(admin::confirm_entities).layer(axum::extract::DefaultBodyLimit::max(16 << 20)))
        .route("/entities/{id}/facts", post(admin::record_one))
        .route("/records", get(admin::records))
        .route("/records/template.csv", get(admin::records_template))
        .route("/records/upload", post(admin::upload_records).layer(axum::extract::DefaultBodyLimit::max(4 << 20)))
        .route("/records/confirm", post(admin::confirm_records).layer(axum::extract::DefaultBodyLimit::max(16 << 20)))
        .route("/users", get(admin::users).post(admin::create_user))
        .route("/users/{id}/state", post(admin::user_state))
        .route("/users/{id}/password", post(admin::user_password))
        .route("/progress", get(admin::progress))
        .route("/progress/observation", post(admin::record_observation))
        .route("/progress/task", post(admin::record_task))
        .route("/progress/upload", post(admin::upload_progress).layer(axum::extract::DefaultBodyLimit::max(4 << 20)))
        .route("/entities/{id}", get(round::entity))
        .route("/awards/{id}/letter", get(letter::letter))
        .route("/entities/{id}/awards/{award}/answer", post(round::answer))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], include_str!("app.css"))
        .into_response()
}

async fn favicon() -> Response {
    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5cad"/><text x="16" y="23" font-size="18" text-anchor="middle" fill="#fff">强</text></svg>"##;
    ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], SVG).into_response()
}

/// A refusal the router made before any page handler ran (an unreadable form, a method a page
/// does not take), as a small page in the reader's language.
pub(crate) fn bare_refusal(status: StatusCode, detail: &str, lang: Option<&str>) -> Response {
    let (lang, hant) = lang.and_then(parse_lang).unwrap_or((Lang::Zh, false));
    let body = html! {
        (DOCTYPE)
        html lang=(lang_tag(lang, hant)) {
            head {
                meta charset="utf-8";
                title { (status.as_u16()) " " (label(lang, "page-request-refused")) }
                link rel="stylesheet" href="/static/app.css";
            }
            body { main {
                h1 { (label(lang, "page-request-refused")) }
                p { (detail) }
                p { a href="/calculator" { (label(lang, "page-back-to-the-start")) } }
            } }
        }
    }
    .into_string();
    let body = if hant { qiangke_rules::script::to_traditional(&body) } else { body };
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    r
}

/// The doctype, lowercase as the pages always wrote it (a constant: no text of anyone's in it).
const DOCTYPE: PreEscaped<&str> = PreEscaped("<!doctype html>");

/// A ledger state (`pending` … `paid`) as the reader says it; an unknown one as it is.
pub(crate) fn state_text(lang: Lang, state: &str) -> String {
    let id = match state {
        "pending" => "state-pending",
        "approved" => "state-approved",
        "rejected" => "state-rejected",
        "decided" => "state-decided",
        "scheduled" => "state-scheduled",
        "paid" => "state-paid",
        other => return other.to_string(),
    };
    qiangke_i18n::text(lang, id, &[])
}

/// A role as the reader says it.
pub(crate) fn role_text(lang: Lang, role: qiangke_store::auth::Role) -> String {
    use qiangke_store::auth::Role;
    let id = match role {
        Role::Entity => "role-entity",
        Role::Reviewer => "role-reviewer",
        Role::Finance => "role-finance",
        Role::County => "role-county",
        Role::Admin => "role-admin",
    };
    qiangke_i18n::text(lang, id, &[])
}

pub(crate) use qiangke_i18n::label;

/// A reference to an interpretation note by its number in the register ("说明 12"), its id in a tooltip.
pub(crate) fn note_link(ctx: &Ctx, pack: &qiangke_rules::Pack, n: usize) -> Markup {
    let id = &pack.notes[n].id;
    html! { a href={ "/policy/notes#note-" (id) } title=(id) { (ctx.say("policy-note-ref", &[("n", &(n + 1).to_string())])) } }
}

/// What every page needs: the language, the signed-in user (if any) and the path.
pub(crate) struct Ctx {
    pub lang: Lang,
    /// Chinese shown in Traditional characters (`?lang=zh-Hant`): the page is written in
    /// Simplified and converted as a whole when it is sent.
    pub hant: bool,
    pub user: Option<Principal>,
    session: Option<String>,
    path: String,
    /// `?lang=` was given: remember it.
    remember_lang: bool,
    pub(super) origin_ok: bool,
}

impl FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let q: HashMap<String, String> = Query::try_from_uri(&parts.uri).map(|Query(q)| q).unwrap_or_default();
        let from_query = q.get("lang").and_then(|l| parse_lang(l));
        // The choice made here, else the one remembered, else the browser's (first visit).
        let (lang, hant) = from_query
            .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|l| parse_lang(&l)))
            .or_else(|| parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(accept_language))
            .unwrap_or((Lang::Zh, false));
        let session = cookie(&parts.headers, COOKIE);
        let user = match &session {
            Some(s) => state.store.principal(s, SessionKind::Cookie).await.ok(),
            None => None,
        };
        let origin_ok = !crate::http::from_other_site(&parts.headers, true);
        Ok(Ctx { lang, hant, user, session, path: parts.uri.path().to_string(), remember_lang: from_query.is_some(), origin_ok })
    }
}

/// A language tag as `?lang=` and the cookie give it: `zh-Hans` (also `zh`, `zh-CN`), `zh-Hant`
/// (also `zh-TW`, `zh-HK`, `zh-MO`) or `en`; the flag is Traditional script.
pub(crate) fn parse_lang(s: &str) -> Option<(Lang, bool)> {
    let s = s.trim().to_ascii_lowercase();
    match s.as_str() {
        "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" => Some((Lang::Zh, true)),
        _ if s == "zh" || s.starts_with("zh-") => Some((Lang::Zh, false)),
        _ if s == "en" || s.starts_with("en-") => Some((Lang::En, false)),
        _ => None,
    }
}

/// The first language of an `Accept-Language` header that qiangke speaks (by descending weight).
pub(crate) fn accept_language(h: &str) -> Option<(Lang, bool)> {
    let mut tags: Vec<(u16, usize, &str)> = h
        .split(',')
        .enumerate()
        .filter_map(|(i, part)| {
            let mut it = part.split(';');
            let tag = it.next()?.trim();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), |q| q.parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q)).map(|q| (q * 1000.0) as u16))?;
            (q > 0).then_some((q, i, tag))
        })
        .collect();
    tags.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    tags.into_iter().find_map(|(_, _, t)| parse_lang(t))
}

/// The tag of a language choice, as links, the cookie and `<html lang>` write it.
fn lang_tag(lang: Lang, hant: bool) -> &'static str {
    match (lang, hant) {
        (Lang::En, _) => "en",
        (Lang::Zh, true) => "zh-Hant",
        (Lang::Zh, false) => "zh-Hans",
    }
}

impl Ctx {
    /// A heading, label or notice of the catalogue in the page's language.
    pub fn l(&self, id: &'static str) -> &'static str {
        label(self.lang, id)
    }

    /// A message of the catalogue with its arguments, in the page's language.
    pub fn say(&self, id: &'static str, args: &[(&str, &str)]) -> String {
        qiangke_i18n::text(self.lang, id, args)
    }

    /// The token a signed-in user's forms carry.
    pub fn csrf(&self) -> String {
        self.session.as_deref().map(csrf_for).unwrap_or_default()
    }

    pub fn csrf_field(&self) -> Markup {
        html! { input type="hidden" name="csrf" value=(self.csrf()); }
    }

    /// A message of the catalogue whose arguments are markup (a link, a name marked `translate="no"`):
    /// the message's own text is escaped, each argument is spliced in as the markup it is.
    pub fn say_html(&self, id: &'static str, args: &[(&str, Markup)]) -> Markup {
        say_html(self.lang, id, args)
    }

    /// Refuses a state-changing form without the session's token or from another site.
    pub fn check_form(&self, form: &[(String, String)]) -> Result<(), Box<Response>> {
        let given = field(form, "csrf");
        if !self.origin_ok || self.session.is_none() || given.is_empty() || given != self.csrf() {
            return Err(Box::new(self.page_status(
                StatusCode::FORBIDDEN,
                self.l("page-request-refused-2"),
                html! { p role="alert" { (self.l("page-this-form-lacks-a")) } },
            )));
        }
        Ok(())
    }

    /// The signed-in user acting through a form: the form's token checked (else refused), and
    /// someone not signed in sent to sign in and back to `next`.
    pub fn acting(&self, form: &[(String, String)], next: &str) -> Result<Principal, Box<Response>> {
        self.check_form(form)?;
        self.user.clone().ok_or_else(|| Box::new(Redirect::to(&format!("/login?next={next}")).into_response()))
    }

    /// Sends non-signed-in users to the sign-in page, then back here.
    pub fn require_user(&self) -> Result<&Principal, Box<Response>> {
        self.user.as_ref().ok_or_else(|| Box::new(Redirect::to(&format!("/login?next={}", self.path)).into_response()))
    }

    pub fn page(&self, title: &str, body: Markup) -> Response {
        self.page_status(StatusCode::OK, title, body)
    }

    pub fn page_status(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        self.page_full(status, title, body, None, None)
    }

    /// A page that reloads itself every `seconds` (work in progress, shown without a script).
    pub fn page_refreshing(&self, title: &str, body: Markup, seconds: u32) -> Response {
        self.page_full(StatusCode::OK, title, body, None, Some(seconds))
    }

    /// A page whose language switch re-submits `form` to the same path (a result page keeps its
    /// results in the other language).
    pub fn page_reposting(&self, status: StatusCode, title: &str, body: Markup, form: &[(String, String)]) -> Response {
        self.page_full(status, title, body, Some(form), None)
    }

    /// The links of the navigation this user sees: (path, label).
    fn nav_links(&self) -> Vec<(&'static str, &'static str)> {
        use qiangke_store::Role;
        let l = self.lang;
        let mut links = vec![
            ("/calculator", label(l, "page-calculator")),
            ("/ladder", label(l, "page-ladder")),
            ("/policy", label(l, "page-policy")),
            ("/dashboard", label(l, "page-dashboard")),
            ("/publications", label(l, "page-publications")),
        ];
        if let Some(u) = &self.user {
            let mut add = |on: bool, href: &'static str, id: &'static str| {
                if on {
                    links.push((href, label(l, id)));
                }
            };
            add(u.role == Role::Entity, "/me", "page-my-page");
            add(u.role == Role::Reviewer, "/desk", "page-review-desk");
            add(matches!(u.role, Role::Reviewer | Role::Admin), "/rounds", "page-rounds");
            add(matches!(u.role, Role::Reviewer | Role::Admin), "/records", "page-records");
            add(matches!(u.role, Role::Admin | Role::County), "/entities", "page-entities");
            add(matches!(u.role, Role::Admin | Role::Reviewer | Role::County), "/progress", "page-progress");
            add(u.role == Role::Admin, "/users", "page-users");
            add(matches!(u.role, Role::Finance | Role::Admin), "/finance", "page-budget-payouts");
            add(matches!(u.role, Role::Admin | Role::Reviewer | Role::Finance), "/whatif", "page-whatif");
            add(true, "/audit", "page-audit-trail");
        }
        links
    }

    /// The switch to the two other languages. `lang-switch` is the switch between Chinese and
    /// English (to English on a Chinese page, to Simplified on an English one).
    fn language_switch(&self, repost: Option<&[(String, String)]>) -> Markup {
        let current = lang_tag(self.lang, self.hant);
        let others =
            [("zh-Hans", "简体中文", "lang-switch-hans"), ("zh-Hant", "繁體中文", "lang-switch-hant"), ("en", "English", "lang-switch")]
                .into_iter()
                .filter(|(tag, _, _)| *tag != current)
                .map(|(tag, label, id)| (tag, label, if current == "en" && tag == "zh-Hans" { "lang-switch" } else { id }));
        // Pages only reached by POST switch to the form they came from.
        let switch_path = self.path.strip_suffix("/upload").unwrap_or(self.path.as_str());
        html! {
            @for (other, other_label, id) in others {
                @match repost {
                    Some(form) => {
                        form method="post" action={ (switch_path) "?lang=" (other) } class="inline switch" {
                            // A signed-in user's form (the what-if) needs this page's token.
                            @if self.user.is_some() { (self.csrf_field()) }
                            @for (k, v) in form.iter().filter(|(k, _)| k != "csrf") {
                                input type="hidden" name=(k) value=(v);
                            }
                            button type="submit" class="linklike" id=(id) lang=(other) { (other_label) }
                        }
                        " "
                    }
                    None => {
                        a href={ (switch_path) "?lang=" (other) } hreflang=(other) lang=(other) id=(id) { (other_label) }
                        " "
                    }
                }
            }
        }
    }

    /// The layout of every page: the navigation, the language switch, the account, the title and
    /// the body, the footer.
    fn page_full(
        &self,
        status: StatusCode,
        title: &str,
        body: Markup,
        repost: Option<&[(String, String)]>,
        refresh: Option<u32>,
    ) -> Response {
        let l = self.lang;
        let current = lang_tag(l, self.hant);
        let path = self.path.as_str();
        let is_current = |href: &str| path == href || (href != "/" && path.starts_with(href) && href.len() > 1);
        let html = html! {
            (DOCTYPE) "\n"
            html lang=(current) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    @if let Some(n) = refresh { meta http-equiv="refresh" content=(n); }
                    title { (title) " · qiangke 强科" }
                    link rel="stylesheet" href="/static/app.css";
                    link rel="icon" href="/favicon.ico" type="image/svg+xml";
                }
                body {
                    a.skip href="#main" { (label(l, "page-skip-to-content")) }
                    header { nav aria-label=(label(l, "page-main")) {
                        span.brand title="qiangke" { "强科" }
                        ul { @for (href, text) in self.nav_links() {
                            li { a href=(href) aria-current=[is_current(href).then_some("page")] { (text) } }
                        } }
                        div.account {
                            (self.language_switch(repost)) " "
                            @match &self.user {
                                Some(u) => form method="post" action="/logout" class="inline" {
                                    (self.csrf_field())
                                    span.who { span translate="no" { (u.username) } " (" (role_text(l, u.role)) ")" }
                                    " "
                                    button type="submit" { (label(l, "page-sign-out")) }
                                },
                                None => a href="/login" { (label(l, "page-sign-in")) },
                            }
                        }
                    } }
                    main #main {
                        h1 { (title) }
                        (body)
                    }
                    footer { p { (label(l, "page-every-amount-traces-back")) } }
                }
            }
        }
        .into_string();
        // Traditional: the whole page, written in Simplified, converted once (so the switch back
        // reads 簡體中文, as Traditional sites label it).
        let html = if self.hant { qiangke_rules::script::to_traditional(&html) } else { html };
        let mut r = (status, html).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        if self.remember_lang {
            let v = format!("{LANG_COOKIE}={current}; Path=/; SameSite=Lax; Max-Age=31536000");
            h.append(header::SET_COOKIE, HeaderValue::from_str(&v).expect("ascii"));
        }
        r
    }
}

pub(crate) fn csrf_for(session: &str) -> String {
    hex::encode(&Sha256::digest(format!("qiangke-csrf|{session}").as_bytes())[..16])
}

/// The first value of a form field ("" when absent).
pub(crate) fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// A scrolling table: `(heading, numeric)` per column (a numeric column is right-aligned), and
/// its body's rows.
pub(crate) fn table(id: Option<&str>, cols: &[(&str, bool)], rows: Markup) -> Markup {
    html! {
        div.scroll { table id=[id] {
            thead { tr { @for (label, num) in cols { th scope="col" class=[num.then_some("num")] { (label) } } } }
            tbody { (rows) }
        } }
    }
}

/// An error message shown next to a field (and linked to it by `aria-describedby`).
pub(crate) fn field_error(id: &str, msg: Option<&String>) -> Markup {
    html! { @if let Some(m) = msg { p.error id={ (id) "-error" } { (m) } } }
}

/// A message of the catalogue with markup arguments (see [`Ctx::say_html`]): the message is
/// rendered with a placeholder per argument, its text escaped by maud, and each placeholder
/// replaced by its argument's markup.
pub(crate) fn say_html(lang: Lang, id: &'static str, args: &[(&str, Markup)]) -> Markup {
    // Private-use characters cannot come from the catalogue: they mark where an argument goes.
    let marks: Vec<String> = (0..args.len()).map(|i| format!("\u{e000}{i}\u{e001}")).collect();
    let named: Vec<(&str, &str)> = args.iter().zip(&marks).map(|((k, _), m)| (*k, m.as_str())).collect();
    let text = qiangke_i18n::text(lang, id, &named);
    // The text between the marks, each piece followed by the argument that came after it.
    let mut pieces: Vec<(&str, Option<&Markup>)> = Vec::new();
    let mut rest = text.as_str();
    while let Some((before, tail)) = rest.split_once('\u{e000}') {
        let Some((n, after)) = tail.split_once('\u{e001}') else { break };
        pieces.push((before, n.parse::<usize>().ok().and_then(|n| args.get(n)).map(|a| &a.1)));
        rest = after;
    }
    pieces.push((rest, None));
    html! { @for (text, arg) in pieces { (text) @if let Some(m) = arg { (m) } } }
}

// ----- signing in ------------------------------------------------------------------------------

#[derive(serde::Deserialize, Default)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

fn safe_next(n: Option<&str>) -> String {
    // Only a local path: no `//host` or scheme.
    let local =
        |p: &str| p.starts_with('/') && !p.starts_with("//") && p.chars().all(|c| c.is_ascii_alphanumeric() || "/_-?=&.#%".contains(c));
    match n {
        Some(p) if local(p) => p.to_string(),
        _ => "/".into(),
    }
}

/// Where each role starts: the enterprise on its own page, a department on its queue, the
/// administrator on the rounds, finance on the budget, a county on the dashboard; everyone not
/// signed in on the calculator.
fn landing_for(p: Option<&Principal>) -> &'static str {
    use qiangke_store::Role;
    match p.map(|p| p.role) {
        None => "/calculator",
        Some(Role::Entity) => "/me",
        Some(Role::Reviewer) => "/desk",
        Some(Role::Admin) => "/rounds",
        Some(Role::Finance) => "/finance",
        Some(Role::County) => "/dashboard",
    }
}

async fn landing(ctx: Ctx) -> Response {
    Redirect::to(landing_for(ctx.user.as_ref())).into_response()
}

fn login_page(ctx: &Ctx, next: &str, user: &str, error: Option<&str>, status: StatusCode) -> Response {
    let token = qiangke_store::auth::random_token();
    let body = html! {
        @if let Some(e) = error { p.error role="alert" id="login-error" { (e) } }
        form method="post" action="/login" class="card narrow" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="next" value=(next);
            p { label for="username" { (ctx.l("page-user-name")) } input id="username" name="username" autocomplete="username" required value=(user); }
            p { label for="password" { (ctx.l("page-password")) } input id="password" name="password" type="password" autocomplete="current-password" required; }
            p { button type="submit" { (ctx.l("page-sign-in")) } }
        }
    };
    let mut r = ctx.page_status(status, ctx.l("page-sign-in"), body);
    let c = format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600");
    r.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&c).expect("ascii"));
    r
}

async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Response {
    login_page(&ctx, &safe_next(q.next.as_deref()), "", None, StatusCode::OK)
}

async fn login(
    ctx: Ctx,
    axum::extract::State(s): axum::extract::State<S>,
    crate::http::ClientAddr(client): crate::http::ClientAddr,
    headers: HeaderMap,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    let next = safe_next(Some(field(&form, "next")));
    let user = field(&form, "username");
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !ctx.origin_ok || expected.is_empty() || field(&form, "csrf") != expected {
        return login_page(&ctx, &next, user, Some(ctx.l("page-the-form-expired-please")), StatusCode::FORBIDDEN);
    }
    match crate::api::sign_in(&s, &client, user, field(&form, "password"), SessionKind::Cookie).await {
        Ok((token, _)) => {
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().append(header::SET_COOKIE, crate::api::session_cookie(&s, &token));
            r
        }
        Err(p) => {
            let msg = if matches!(p.status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
                p.detail.render(ctx.lang)
            } else {
                ctx.l("page-unknown-user-name-or").to_string()
            };
            login_page(&ctx, &next, user, Some(&msg), p.status)
        }
    }
}

async fn logout(
    ctx: Ctx,
    axum::extract::State(s): axum::extract::State<S>,
    crate::http::ClientAddr(client): crate::http::ClientAddr,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = ctx.check_form(&form) {
        return *r;
    }
    if let Some(t) = &ctx.session {
        let _ = s.store.logout(t, &client).await;
    }
    let mut r = Redirect::to("/calculator").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")).expect("ascii"),
    );
    r
}

/// A refusal of the store in the page's language (its field messages after it).
pub(crate) fn refusal_text(ctx: &Ctx, e: qiangke_store::Error) -> (StatusCode, String) {
    problem_text(ctx, &crate::Problem::from(e))
}

/// A refusal already made a problem, in the reader's words.
pub(crate) fn problem_text(ctx: &Ctx, p: &crate::Problem) -> (StatusCode, String) {
    let mut msg = p.detail.render(ctx.lang);
    for f in &p.errors {
        // A refusal located in a file ("row 3, column year") says where, in the reader's words.
        let (at, text) = (f.field.replacen("line ", "row ", 1), f.text(ctx.lang));
        let _ = write!(msg, " — {}", if at.starts_with("row ") { located(ctx, &at, &text) } else { text });
    }
    (p.status, msg)
}

/// "row 3, column 名称" (as the store locates a cell) in the reader's words.
pub(crate) fn located(ctx: &Ctx, at: &str, msg: &str) -> String {
    let (row, column) = match at.split_once(", column ") {
        Some((r, c)) => (r.trim_start_matches("row ").to_string(), c.to_string()),
        None => (at.trim_start_matches("row ").to_string(), String::new()),
    };
    if column.is_empty() {
        ctx.say("data-at-row", &[("row", &row), ("message", msg)])
    } else {
        ctx.say("data-cell-at", &[("row", &row), ("column", &column), ("message", msg)])
    }
}

/// A problem from the store as a page.
pub(crate) fn store_error(ctx: &Ctx, e: qiangke_store::Error) -> Response {
    problem_page(ctx, &crate::Problem::from(e))
}

/// A problem as a page, with its status, in the page's language.
/// A facts file sent with a form (`multipart/form-data`): the file of the field `facts` (its
/// name and bytes), the form's other fields as text, and whether the body was too large.
#[derive(Default)]
pub(crate) struct Upload {
    pub file: Option<(String, Vec<u8>)>,
    pub fields: Vec<(String, String)>,
    pub too_large: bool,
}

pub(crate) async fn read_upload(mut mp: axum::extract::Multipart) -> Upload {
    let mut up = Upload::default();
    loop {
        match mp.next_field().await {
            Ok(Some(f)) if f.name() == Some("facts") => {
                let name = f.file_name().unwrap_or("facts.json").to_string();
                match f.bytes().await {
                    Ok(b) => up.file = Some((name, b.to_vec())),
                    Err(e) => {
                        up.too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                        break;
                    }
                }
            }
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                if let Ok(t) = f.text().await {
                    up.fields.push((name, t));
                }
            }
            Ok(None) => break,
            Err(e) => {
                up.too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    up
}

pub(crate) fn problem_page(ctx: &Ctx, p: &crate::Problem) -> Response {
    let mut msg = p.detail.render(ctx.lang);
    for f in &p.errors {
        let _ = write!(msg, " — {}: {}", f.field, f.text(ctx.lang));
    }
    let title = qiangke_i18n::text(ctx.lang, p.title, &[]);
    ctx.page_status(p.status, &title, html! { p.error role="alert" { (msg) } })
}
