//! The 免申即享 round in the browser: the bureau opens a round for a claim year and sees what it
//! found; an enterprise sees, on its own page, every proposed and past award with its status, the
//! clause and the sentence of the plan, confirms or declines each proposal, and reads what it
//! still has to provide.

use super::{Ctx, field};
use crate::api::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use qiangke_rules::Lang;
use qiangke_store::Role;
use rust_decimal::Decimal;
use serde_json::Value as J;
use std::collections::BTreeMap;
use std::sync::Arc;

type St = State<Arc<AppState>>;
type Form = axum::Form<Vec<(String, String)>>;

#[derive(serde::Deserialize, Default)]
pub(super) struct DoneQuery {
    done: Option<i64>,
    recorded: Option<u8>,
}

#[derive(serde::Deserialize, Default)]
pub(super) struct RoundsQuery {
    opened: Option<i64>,
    /// A round opened from this page that was still running when the page answered.
    run: Option<u64>,
}

/// How long the page waits for a round before it shows the round's progress instead.
const WAIT_FOR_ROUND: std::time::Duration = std::time::Duration::from_millis(1500);

/// A round opened from the rounds page. It runs on a task of its own; the page shows how far it
/// has got and reloads itself until it is done.
#[derive(Debug)]
pub(crate) struct Run {
    key: u64,
    claim_year: i64,
    by: String,
    started: i64,
    progress: Arc<qiangke_store::round::Progress>,
    /// The round's id once done, or why it was refused; `None` while it runs.
    outcome: Option<Result<i64, crate::Problem>>,
    finished: Option<std::time::Instant>,
}

/// The rounds opened from the page: running ones, and those finished in the last hour.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    /// Show the progress at once instead of waiting a moment for the round (tests).
    at_once: std::sync::atomic::AtomicBool,
    next: std::sync::atomic::AtomicU64,
    list: std::sync::Mutex<Vec<Run>>,
}

impl Runs {
    /// The rounds page shows a round's progress at once instead of waiting a moment for it
    /// (to test the progress page with a round that would end within the moment).
    pub(crate) fn show_progress_at_once(&self) {
        self.at_once.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn start(&self, claim_year: i64, by: &str, progress: Arc<qiangke_store::round::Progress>) -> u64 {
        let key = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut list = self.list.lock().expect("runs");
        list.retain(|r| r.finished.is_none_or(|t| t.elapsed() < std::time::Duration::from_secs(3600)));
        list.push(Run { key, claim_year, by: by.to_string(), started: qiangke_store::now_ms(), progress, outcome: None, finished: None });
        key
    }

    fn finish(&self, key: u64, outcome: Result<i64, crate::Problem>) {
        if let Some(r) = self.list.lock().expect("runs").iter_mut().find(|r| r.key == key) {
            r.outcome = Some(outcome);
            r.finished = Some(std::time::Instant::now());
        }
    }

    /// `(key, claim year, opened by, started, evaluated, of)` of the rounds still running.
    fn running(&self) -> Vec<(u64, i64, String, i64, usize, usize)> {
        let list = self.list.lock().expect("runs");
        list.iter()
            .filter(|r| r.outcome.is_none())
            .map(|r| {
                let (done, of) = r.progress.get();
                (r.key, r.claim_year, r.by.clone(), r.started, done, of)
            })
            .collect()
    }

    /// How run `key` ended: `None` while it runs (or when it is unknown: see `known`).
    fn outcome(&self, key: u64) -> Option<(i64, Result<i64, crate::Problem>)> {
        let list = self.list.lock().expect("runs");
        list.iter().find(|r| r.key == key).and_then(|r| Some((r.claim_year, r.outcome.clone()?)))
    }
}

/// Marks a run failed when its task ends without finishing it.
struct Unfinished(Arc<AppState>, u64);

impl Drop for Unfinished {
    fn drop(&mut self) {
        let p = crate::Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "api-title-server-error", qiangke_store::Msg::new("round-failed"));
        self.0.rounds_running.finish(self.1, Err(p));
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A running round as the page shows it: a progress bar and how many entities are evaluated.
fn run_card(ctx: &Ctx, year: i64, by: &str, started: i64, done: usize, of: usize) -> Markup {
    let count = thousands;
    html! {
        div.card.running role="status" {
            p { (ctx.say("round-running", &[("year", &year.to_string()), ("by", by), ("at", &qiangke_store::cst_minutes(started))])) }
            p {
                progress value=(done) max=(of.max(1)) { (done) " / " (of) }
                " "
                @if of == 0 { (ctx.l("round-reading")) } @else if done >= of { (ctx.l("round-writing")) } @else {
                    (ctx.say("round-evaluated", &[("done", &count(done)), ("of", &count(of))]))
                }
            }
        }
    }
}

/// The claim years a round may be opened for: the pack's years of validity.
fn plan_years(pack: &qiangke_rules::Pack) -> std::ops::RangeInclusive<i32> {
    pack.valid.0.year..=pack.valid.1.year
}

/// The rounds page: open a round, and every round with what it found.
pub(super) async fn rounds(ctx: Ctx, State(s): St, Query(q): Query<RoundsQuery>) -> Response {
    // Which rounds run is read before how this one ended: a round that ends in between is shown
    // as running once more, never as neither.
    let running = s.rounds_running.running();
    match q.run.and_then(|k| s.rounds_running.outcome(k)) {
        Some((_, Ok(id))) => render_rounds(&ctx, &s, Some(id), None, running).await,
        Some((year, Err(p))) => {
            let (status, msg) = super::problem_text(&ctx, &p);
            render_rounds(&ctx, &s, None, Some((status, msg, year)), running).await
        }
        None => render_rounds(&ctx, &s, q.opened, None, running).await,
    }
}

async fn render_rounds(
    ctx: &Ctx,
    s: &AppState,
    opened: Option<i64>,
    error: Option<(StatusCode, String, i64)>,
    running: Vec<(u64, i64, String, i64, usize, usize)>,
) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("round-title");
    if !matches!(p.role, Role::Admin | Role::Reviewer) {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("round-only-bureaus")) } });
    }
    let list = match s.store.rounds(p).await {
        Ok(l) => l,
        Err(e) => return super::store_error(ctx, e),
    };
    // The administrator's overview: the register, the users and the queues by department.
    let mut overview = None;
    if p.role == Role::Admin
        && let (Ok(ents), Ok(users), Ok(open)) =
            (s.store.entities(p).await, s.store.users(p).await, s.store.awards(p, Some("pending")).await)
    {
        let awaiting = open.iter().filter(|a| a["confirmation"] == "awaiting").count();
        let mut queues: BTreeMap<String, usize> = BTreeMap::new();
        for a in open.iter().filter(|a| a["confirmation"] != "awaiting") {
            for d in a["verified_by"].as_array().into_iter().flatten().filter_map(J::as_str) {
                *queues.entry(s.pack.department_name(d, ctx.lang)).or_default() += 1;
            }
        }
        let queues: Vec<String> = queues.into_iter().map(|(d, n)| format!("{d} {n}")).collect();
        overview = Some(ctx.say(
            "round-overview",
            &[
                ("entities", &ents.len().to_string()),
                ("users", &users.len().to_string()),
                ("awaiting", &awaiting.to_string()),
                (
                    "queues",
                    &if queues.is_empty() { ctx.l("round-no-queue").to_string() } else { queues.join(ctx.l("policy-list-separator")) },
                ),
            ],
        ));
    }
    // The last finished claim year of the plan by default (awards are claimed the year after).
    let this_year = qiangke_store::rfc3339(qiangke_store::now_ms())[..4].parse::<i64>().unwrap_or(2023);
    let years_of_plan = plan_years(&s.pack);
    let chosen = error
        .as_ref()
        .map(|e| e.2)
        // Else the year of the newest round (run again after new data), else the last finished year.
        .or_else(|| list.first().and_then(|r| r["claim_year"].as_i64()))
        .unwrap_or_else(|| (this_year - 1).clamp(i64::from(*years_of_plan.start()), i64::from(*years_of_plan.end())));
    let rows = html! {
        @for r in &list {
            @let at = r["opened_at"].as_str().and_then(qiangke_store::parse_rfc3339).map(qiangke_store::cst_minutes).unwrap_or_default();
            tr {
                td { (r["id"]) }
                td { (r["claim_year"]) }
                td translate="no" { (r["opened_by"].as_str().unwrap_or("")) }
                td { (at) }
                @for k in ["entities", "proposed", "unchanged", "flagged", "needs_information", "refused"] { td.num { (r[k]) } }
            }
        }
    };
    let cols = [
        ("#", false),
        (ctx.l("round-claim-year"), false),
        (ctx.l("round-opened-by"), false),
        (ctx.l("round-opened-at"), false),
        (ctx.l("round-entities"), true),
        (ctx.l("round-proposed"), true),
        (ctx.l("round-unchanged"), true),
        (ctx.l("round-flagged"), true),
        (ctx.l("round-needs"), true),
        (ctx.l("round-refused"), true),
    ];
    let body = html! {
        p { (ctx.l("round-what-it-does")) }
        @if let Some(o) = overview { p.card #overview { (o) } }
        @if let Some((_, msg, _)) = &error { p.error role="alert" #round-error { (msg) } }
        @if let Some(r) = opened.and_then(|id| list.iter().find(|r| r["id"] == id)) {
            p.card role="status" #round-opened { (summary(ctx, r)) }
        }
        form method="post" action="/rounds" class="card" {
            (ctx.csrf_field())
            p {
                label for="claim_year" { (ctx.l("round-claim-year")) } " "
                select #claim_year name="claim_year" {
                    @for y in plan_years(&s.pack) { option value=(y) selected[i64::from(y) == chosen] { (y) } }
                }
            }
            p.hint { (ctx.l("round-rerun-hint")) }
            p { button type="submit" #open-round { (ctx.l("round-open")) } }
        }
        h2 { (ctx.l("round-history")) }
        @if list.is_empty() {
            p { (ctx.l("round-none-yet")) }
        } @else {
            (super::table(Some("rounds"), &cols, rows))
        }
    };
    let body = html! {
        @for (_, year, by, started, done, of) in &running { (run_card(ctx, *year, by, *started, *done, *of)) }
        (body)
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    if running.is_empty() || status != StatusCode::OK {
        ctx.page_status(status, title, body)
    } else {
        // Reloads itself until the rounds are done (no script: the page has none).
        ctx.page_refreshing(title, body, 1)
    }
}

/// One sentence on what a round found.
fn summary(ctx: &Ctx, r: &J) -> String {
    let n = |k: &str| r[k].as_i64().unwrap_or(0).to_string();
    ctx.say(
        "round-found",
        &[
            ("id", &n("id")),
            ("year", &n("claim_year")),
            ("entities", &n("entities")),
            ("proposed", &n("proposed")),
            ("unchanged", &n("unchanged")),
            ("flagged", &n("flagged")),
            ("needs", &n("needs_information")),
        ],
    )
}

pub(super) async fn open(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/rounds") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let year: i64 = field(&form, "claim_year").trim().parse().unwrap_or(0);
    if !matches!(p.role, Role::Admin | Role::Reviewer) {
        return ctx.page_status(StatusCode::FORBIDDEN, ctx.l("round-title"), html! { p { (ctx.l("round-only-bureaus")) } });
    }
    // One round at a time: a second click, or a colleague's, waits for the one running.
    if !s.rounds_running.running().is_empty() {
        return render_rounds(
            &ctx,
            &s,
            None,
            Some((StatusCode::CONFLICT, ctx.l("round-already-running").to_string(), year)),
            s.rounds_running.running(),
        )
        .await;
    }
    // The round runs on its own task: a round over a whole register takes seconds, and the page
    // shows its progress meanwhile; one that ends within a moment is shown at once.
    let progress = Arc::new(qiangke_store::round::Progress::default());
    let key = s.rounds_running.start(year, &p.username, progress.clone());
    let state = s.clone();
    let mut task = tokio::spawn(async move {
        // Should the task end any other way (a panic), the run is still marked done, as failed:
        // the round's transaction was rolled back and nothing of it kept.
        let guard = Unfinished(state.clone(), key);
        let r = state.store.open_round_with(&state.pack, &p, year, &[], Some(&progress)).await;
        let outcome = r.map(|r| r["id"].as_i64().unwrap_or(0)).map_err(crate::Problem::from);
        std::mem::forget(guard);
        state.rounds_running.finish(key, outcome.clone());
        outcome
    });
    let wait = if s.rounds_running.at_once.load(std::sync::atomic::Ordering::Relaxed) { std::time::Duration::ZERO } else { WAIT_FOR_ROUND };
    match tokio::time::timeout(wait, &mut task).await {
        Ok(Ok(Ok(id))) => Redirect::to(&format!("/rounds?opened={id}")).into_response(),
        Ok(Ok(Err(problem))) => {
            let (status, msg) = super::problem_text(&ctx, &problem);
            render_rounds(&ctx, &s, None, Some((status, msg, year)), s.rounds_running.running()).await
        }
        // Still running (or the task failed, which the page then says): its progress.
        _ => Redirect::to(&format!("/rounds?run={key}")).into_response(),
    }
}

// ----- the enterprise's own page ---------------------------------------------------------------

/// Where an entity user's own page is.
pub(super) async fn mine(ctx: Ctx) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match (p.role, p.entity_id) {
        (Role::Entity, Some(id)) => Redirect::to(&format!("/entities/{id}")).into_response(),
        _ => ctx.page_status(StatusCode::NOT_FOUND, ctx.l("entity-page"), html! { p { (ctx.l("entity-page-only-entities")) } }),
    }
}

/// How a reader names an award's state on the entity's page, with the class that colours it:
/// the round's confirmation first, then the ledger's state, then the payout's.
fn award_state(lang: Lang, a: &J) -> (&'static str, String) {
    if a["withdrawn"].is_object() {
        return ("closed", qiangke_i18n::text(lang, "entity-state-withdrawn", &[]));
    }
    let (class, id) = match (a["confirmation"].as_str(), a["status"].as_str().unwrap_or(""), a["payout_status"].as_str()) {
        (Some("awaiting"), _, _) => ("awaiting", "entity-state-awaiting"),
        (Some("declined"), _, _) => ("closed", "entity-state-declined"),
        (_, "pending", _) => ("in-review", "state-pending"),
        (_, "approved", _) => ("in-review", "state-approved"),
        (_, "rejected", _) => ("closed", "entity-state-rejected"),
        (_, "decided", Some("paid")) => ("done", "state-paid"),
        (_, "decided", _) => ("done", "state-decided"),
        (_, other, _) => return ("closed", other.to_string()),
    };
    (class, qiangke_i18n::text(lang, id, &[]))
}

fn low_high(a: &J) -> (Decimal, Decimal) {
    let d = |v: &J| v.as_str().and_then(|s| s.parse::<Decimal>().ok());
    let low = d(&a["low"]).unwrap_or_default();
    (low, d(&a["high"]).unwrap_or(qiangke_rules::value::UNBOUNDED))
}

/// The amount that counts on the page: the decision when there is one, else what the plan allows.
fn counted(a: &J) -> (Decimal, Decimal) {
    match a["decision"]["amount"].as_str().and_then(|s| s.parse::<Decimal>().ok()) {
        Some(d) => (d, d),
        None => low_high(&a["amount"]),
    }
}

/// Still in play: not rejected (by a department) or withdrawn (after an objection).
fn live(a: &J) -> bool {
    a["status"] != "rejected" && !a["withdrawn"].is_object()
}

/// The total of the awards in play, as an interval (open above when one of them is).
fn sum(xs: &[&J]) -> (Decimal, Decimal) {
    let open = qiangke_rules::value::UNBOUNDED;
    xs.iter().filter(|a| live(a)).fold((Decimal::ZERO, Decimal::ZERO), |(lo, hi), a| {
        let (l2, h2) = counted(a);
        (lo + l2, if hi == open || h2 == open { open } else { hi + h2 })
    })
}

/// The entity's page: who it is; per claim year, every award with its state, amount, clause,
/// sentence of the plan, budget year and departments, with the proposals to confirm; the totals;
/// and what the newest rounds still need from it.
pub(super) async fn entity(ctx: Ctx, State(s): St, Path(id): Path<i64>, Query(q): Query<DoneQuery>) -> Response {
    let error = q.recorded.map(|_| (StatusCode::OK, String::new()));
    render_entity(&ctx, &s, id, q.done, error).await
}

async fn render_entity(ctx: &Ctx, s: &AppState, id: i64, done: Option<i64>, error: Option<(StatusCode, String)>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let l = ctx.lang;
    let lk = if l == Lang::Zh { "zh" } else { "en" };
    let (ent, awards, needs) =
        match (s.store.entity(p, id).await, s.store.entity_awards(p, id).await, s.store.needs_information(p, id).await) {
            (Ok(e), Ok(a), Ok(n)) => (e, a, n),
            (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return super::store_error(ctx, e),
        };
    let pack = &s.pack;
    let county = pack.enums[pack.county_enum as usize]
        .variants
        .iter()
        .find(|v| v.id == ent["county"].as_str().unwrap_or(""))
        .map_or_else(|| ent["county"].as_str().unwrap_or("").to_string(), |v| v.name.get(l).to_string());
    let awaiting = awards.iter().filter(|a| a["confirmation"] == "awaiting").count();
    let hints = reach(s, p, id, l).await;
    // Totals per claim year: what is still in play (not rejected or declined).
    let mut by_year: BTreeMap<i64, Vec<&J>> = BTreeMap::new();
    for a in &awards {
        by_year.entry(a["claim_year"].as_i64().unwrap_or(0)).or_default().push(a);
    }
    let amount = |(lo, hi): (Decimal, Decimal)| qiangke_rules::explain::amount_text(lo, hi, l);
    let all: Vec<&J> = awards.iter().collect();
    let totals = html! {
        @for (y, xs) in &by_year {
            tr { th scope="row" { (y) } td.num { (xs.iter().filter(|a| live(a)).count()) } td.num { (amount(sum(xs))) } }
        }
        tr.total {
            th scope="row" { (ctx.l("entity-grand-total")) }
            td.num { (all.iter().filter(|a| live(a)).count()) }
            td.num #grand-total { (amount(sum(&all))) }
        }
    };
    let cols = [(ctx.l("entity-claim-year"), false), (ctx.l("entity-awards-count"), true), (ctx.l("entity-amount"), true)];
    // Supplying a fact: the entity itself (what a round asked for), a department (its own
    // facts) or the administrator.
    let may_record = match p.role {
        Role::Admin | Role::Reviewer => true,
        Role::Entity => p.entity_id == Some(id),
        _ => false,
    };
    let body = html! {
        p.card { strong { (ent["name"].as_str().unwrap_or("")) } " · " (ctx.l("entity-uscc")) " " span translate="no" { (ent["uscc"].as_str().unwrap_or("")) } " · " (county) }
        @match &error {
            // A fact was just recorded (the page says so instead of an error).
            Some((StatusCode::OK, _)) => p.card role="status" #fact-recorded { (ctx.l("entity-fact-recorded")) },
            Some((_, msg)) => p.error role="alert" { (msg) },
            None => {}
        }
        @if let Some(a) = done { p.card role="status" { (ctx.say("entity-answer-recorded", &[("id", &a.to_string())])) } }
        @if awaiting > 0 { p.notice role="status" { (ctx.say("entity-awaiting-count", &[("n", &awaiting.to_string())])) } }
        h2 { (ctx.l("entity-totals")) }
        (super::table(Some("totals"), &cols, totals))
        (svg_breakdown(ctx, &by_year))
        @if awards.is_empty() { p { (ctx.l("entity-no-awards")) } }
        @for (y, xs) in &by_year {
            h2 id={ "year-" (y) } { (ctx.say("entity-year-heading", &[("year", &y.to_string())])) }
            @for a in xs { (award_card(ctx, p, id, a)) }
        }
        @if !hints.is_empty() {
            h2 #reach { (ctx.l("entity-could-reach")) }
            ul.reach { @for (y, rule, h) in &hints { li { (ctx.say("entity-reach", &[("year", &y.to_string()), ("rule", rule), ("hint", h)])) } } }
        }
        h2 #needs { (ctx.l("entity-needs")) }
        @if needs.is_empty() {
            p { (ctx.l("entity-needs-none")) }
        } @else {
            ul.needs { @for n in &needs {
                @let rule = pack.rules.iter().find(|r| r.id == n["rule"].as_str().unwrap_or(""));
                @let title = rule.map_or_else(|| n["rule"].as_str().unwrap_or("").to_string(), |r| format!("[{}] {}", r.clause, r.title.get(l)));
                @let facts: Vec<&str> = n["facts"].as_array().into_iter().flatten().filter_map(|f| f[lk].as_str()).collect();
                li { (ctx.say("entity-need", &[("year", &n["claim_year"].to_string()), ("facts", &facts.join(ctx.l("policy-list-separator"))), ("rule", &title)])) }
            } }
        }
        @if may_record { (fact_form(ctx, pack, p, id)) }
    };
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.0);
    ctx.page_status(status, ctx.l("entity-page"), body)
}

/// One award on the entity's page: its state, amount, clause, sentence, budget year and
/// departments; why it was refused; and, for a proposal, the entity's confirmation.
fn award_card(ctx: &Ctx, p: &qiangke_store::Principal, id: i64, a: &J) -> Markup {
    let l = ctx.lang;
    let lk = if l == Lang::Zh { "zh" } else { "en" };
    let aid = a["id"].as_i64().unwrap_or(0);
    let r = &a["result"];
    let (class, state) = award_state(l, a);
    let departments: Vec<&str> = r["verified_by"].as_array().into_iter().flatten().map(|d| d[lk].as_str().unwrap_or("")).collect();
    let (lo, hi) = counted(a);
    html! {
        article.card id={ "award-" (aid) } {
            h3 { "[" (a["clause"].as_str().unwrap_or("")) "] " (r["title"][lk].as_str().unwrap_or("")) }
            p {
                (ctx.l("entity-state")) ": " strong class={ "state " (class) } { (state) }
                " · " (ctx.l("entity-amount")) ": " span.amount { (qiangke_rules::explain::amount_text(lo, hi, l)) }
                " · " (ctx.l("entity-budget-year")) ": " (a["budget_year"])
                " · " (ctx.l("entity-verified-by")) ": " (departments.join(ctx.l("policy-list-separator")))
            }
            blockquote lang="zh-Hans" { (r["quote"].as_str().unwrap_or("")) }
            // Why not: the verifying department's reason.
            @for v in a["verifications"].as_array().into_iter().flatten().filter(|v| v["verdict"] == "reject") {
                p.error { (ctx.l("entity-reason")) ": " (v["reason"].as_str().unwrap_or("")) }
            }
            @if a["review_flag"].is_object() { p.notice { (ctx.l("entity-flagged")) } }
            // 公示: the list it is on and its period; a withdrawal with its reason.
            @if let Some(pb) = a["publication"].as_object() {
                p.hint { a href={ "/publications/" (pb["id"]) } { (ctx.say("entity-published", &[("starts", pb["starts_on"].as_str().unwrap_or("")), ("ends", pb["ends_on"].as_str().unwrap_or(""))])) } }
            }
            @if let Some(w) = a["withdrawn"].as_object() {
                p.error { (ctx.l("entity-withdrawn-reason")) ": " span translate="no" { (w["reason"].as_str().unwrap_or("")) } }
            }
            details { summary { (ctx.l("entity-how-decided")) } pre { (r["explanation"][lk].as_str().unwrap_or("")) } }
            @if (super::letter::final_decision(a) || a["status"] == "rejected" || a["withdrawn"].is_object()) && a["confirmation"] != "declined" {
                p { a href={ "/awards/" (aid) "/letter" } id={ "letter-" (aid) } { (ctx.l("letter-open")) } }
            }
            @if a["confirmation"] == "awaiting" && p.role == Role::Entity {
                form method="post" action={ "/entities/" (id) "/awards/" (aid) "/answer" } class="inline" {
                    (ctx.csrf_field())
                    button type="submit" name="answer" value="confirm" id={ "confirm-" (aid) } { (ctx.l("entity-confirm")) }
                    " "
                    button type="submit" name="answer" value="decline" class="secondary" id={ "decline-" (aid) } { (ctx.l("entity-decline")) }
                }
                p.hint { (ctx.l("entity-decline-hint")) }
            }
        }
    }
}

/// What it could still reach: the next tier of an award it has, with the amount still missing
/// (claim year, rule, hint).
async fn reach(s: &AppState, p: &qiangke_store::Principal, id: i64, l: Lang) -> Vec<(i32, String, String)> {
    let pack = &s.pack;
    let Ok(doc) = s.store.facts_in_force(pack, p, id).await else { return Vec::new() };
    let Ok(facts) = qiangke_store::ledger::ledger_facts(pack, &doc.to_string()) else { return Vec::new() };
    let years: Vec<i32> = plan_years(pack).collect();
    let ev = qiangke_rules::evaluate(pack, &facts, &qiangke_rules::Options { years, trace: true, ..Default::default() });
    ev.results
        .iter()
        .filter(|r| matches!(r.state, qiangke_rules::State::Awarded { .. }))
        .flat_map(|r| {
            qiangke_rules::explain::tier_hints(pack, r, l)
                .into_iter()
                .map(move |h| (r.claim_year, format!("[{}] {}", r.rule.clause, r.rule.title.get(l)), h))
        })
        .collect()
}

/// A form for one fact of the entity: the attributes and yearly figures of the vocabulary that
/// `p` may record, a year, the value as people write it, and where it comes from.
fn fact_form(ctx: &Ctx, pack: &qiangke_rules::Pack, p: &qiangke_store::Principal, id: i64) -> Markup {
    let l = ctx.lang;
    let v = &pack.vocab;
    let attributes: Vec<_> = v
        .attributes
        .iter()
        .filter(|a| !matches!(a.name.as_str(), "kind" | "county" | "uscc"))
        .filter(|a| qiangke_store::Store::supply_refusal(pack, p, false, &a.name).is_none())
        .collect();
    let yearly: Vec<_> = v.yearly.iter().filter(|y| qiangke_store::Store::supply_refusal(pack, p, true, &y.name).is_none()).collect();
    if attributes.is_empty() && yearly.is_empty() {
        return html! {};
    }
    html! {
        h2 #facts { (ctx.l("data-record-fact")) }
        form method="post" action={ "/entities/" (id) "/facts" } class="card" {
            (ctx.csrf_field())
            p {
                label for="fact" { (ctx.l("data-facts")) }
                select #fact name="fact" {
                    @for a in &attributes { option value=(a.name) { (a.title.get(l)) } }
                    @for y in &yearly { option value=(y.name) { (ctx.say("entity-yearly-fact", &[("title", y.title.get(l))])) } }
                }
            }
            p {
                label for="fact-year" { (ctx.l("entity-fact-year")) }
                select #fact-year name="year" { @for y in plan_years(pack) { option value=(y) { (y) } } }
            }
            p { label for="fact-value" { (ctx.l("entity-fact-value")) } input #fact-value name="value" required placeholder=(ctx.l("entity-fact-value-example")); }
            p { label for="fact-source" { (ctx.l("data-source")) } input #fact-source name="source" required; }
            p { button type="submit" #record-fact { (ctx.l("entity-record")) } }
        }
    }
}

/// Bars per claim year of what is still in play (the lower end of an interval), drawn on the
/// server: no script.
fn svg_breakdown(ctx: &Ctx, by_year: &BTreeMap<i64, Vec<&J>>) -> Markup {
    let totals: Vec<(i64, Decimal)> =
        by_year.iter().map(|(y, xs)| (*y, xs.iter().filter(|a| live(a)).map(|a| counted(a).0).sum::<Decimal>())).collect();
    let max = totals.iter().map(|t| t.1).max().unwrap_or_default();
    if totals.is_empty() || max.is_zero() {
        return html! {};
    }
    // Narrow enough to read on a phone without shrinking the text: the longest bar leaves room for
    // the longest amount label ("400,000.00 yuan (40万元)").
    let (w, bar_h, gap) = (420u32, 22u32, 10u32);
    let h = totals.len() as u32 * (bar_h + gap) + gap;
    html! {
        figure {
            svg viewBox={ "0 0 " (w) " " (h) } width="100%" role="img" aria-labelledby="breakdown-title" class="chart" {
                title #breakdown-title { (ctx.l("entity-breakdown")) }
                @for (i, (y, t)) in totals.iter().enumerate() {
                    @let top = gap + i as u32 * (bar_h + gap);
                    // Whole pixels: 180 for the largest year; a zero year is drawn as zero.
                    @let len = (*t * Decimal::from(180) / max).round().to_string().parse::<u32>().unwrap_or(0);
                    text x="0" y=(top + 16) font-size="14" { (y) }
                    rect x="50" y=(top) width=(len) height=(bar_h) fill="#0b5cad" {}
                    text x=(56 + len) y=(top + 16) font-size="13" { (qiangke_rules::explain::amount_text(*t, *t, ctx.lang)) }
                }
            }
            figcaption { (ctx.l("entity-breakdown-caption")) }
        }
    }
}

pub(super) async fn answer(ctx: Ctx, State(s): St, Path((id, award)): Path<(i64, i64)>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, &format!("/entities/{id}")) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let confirm = match field(&form, "answer") {
        "confirm" => true,
        "decline" => false,
        _ => return render_entity(&ctx, &s, id, None, Some((StatusCode::BAD_REQUEST, ctx.l("entity-choose-answer").to_string()))).await,
    };
    match s.store.confirm_award(&p, award, confirm).await {
        Ok(_) => Redirect::to(&format!("/entities/{id}?done={award}#award-{award}")).into_response(),
        Err(e) => render_entity(&ctx, &s, id, None, Some(super::refusal_text(&ctx, e))).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(lang: Lang) -> Ctx {
        Ctx { lang, hant: false, user: None, session: None, path: "/rounds".into(), remember_lang: false, origin_ok: true }
    }

    #[test]
    fn a_running_round_shows_how_far_it_has_got() {
        let html = run_card(&ctx(Lang::Zh), 2023, "科技局", 1_700_000_000_000, 2_500, 10_000).into_string();
        assert!(html.contains(r#"<progress value="2500" max="10000">"#), "{html}");
        assert!(html.contains("已评估 2,500 / 10,000 个主体"), "{html}");
        assert!(html.contains("2023 年度,由 科技局 于 2023-11-15 06:13 开启"), "{html}");
        // Before the register is read, and once every entity is evaluated (the writing remains).
        assert!(run_card(&ctx(Lang::Zh), 2023, "a", 0, 0, 0).into_string().contains("正在读取已登记的主体和事实"));
        assert!(run_card(&ctx(Lang::En), 2023, "a", 0, 10, 10).into_string().contains("All entities are evaluated"));
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[tokio::test]
    async fn the_page_reloads_itself_while_a_round_runs() {
        let r = ctx(Lang::Zh).page_refreshing("免申即享批次", html! { p { "x" } }, 1);
        let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.expect("body");
        assert!(String::from_utf8_lossy(&body).contains(r#"<meta http-equiv="refresh" content="1">"#));
    }
}
