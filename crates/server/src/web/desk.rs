//! The signed-in desks: a department reviewer's queue (explanation, approve or reject with a
//! reason, a decision bounded by the allowed interval), finance's budget and payouts, and the
//! audit trail each user may see. Forms post back here; a refusal re-renders the page with the
//! message beside the field and what was typed kept.

use super::{Ctx, esc, field, field_error};
use crate::api::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use qiangke_rules::Lang;
use qiangke_store::{Error, Msg, Role};
use rust_decimal::Decimal;
use serde_json::Value as J;
use std::fmt::Write as _;
use std::sync::Arc;

type St = State<Arc<AppState>>;
type Pair = (String, String);
type Form = axum::Form<Vec<Pair>>;

/// A refused form: which award, what was typed, the message per field.
struct Refusal {
    award: i64,
    form: Vec<(String, String)>,
    errors: Vec<(String, String)>,
    status: StatusCode,
}

fn amount_of(a: &J, lang: Lang) -> String {
    let d = |v: &J| v.as_str().and_then(|s| s.parse::<Decimal>().ok());
    match (d(&a["low"]), d(&a["high"])) {
        (Some(lo), Some(hi)) => qiangke_rules::explain::amount_text(lo, hi, lang),
        (Some(lo), None) => qiangke_rules::explain::amount_text(lo, qiangke_rules::value::UNBOUNDED, lang),
        _ => "—".into(),
    }
}

#[derive(serde::Deserialize, Default)]
pub(super) struct DoneQuery {
    done: Option<i64>,
}

pub(super) async fn queue(ctx: Ctx, State(s): St, Query(q): Query<DoneQuery>) -> Response {
    render_queue(&ctx, &s, q.done, None).await
}

async fn render_queue(ctx: &Ctx, s: &AppState, done: Option<i64>, refusal: Option<Refusal>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let l = ctx.lang;
    let title = ctx.l("desk-review-desk");
    if p.role != Role::Reviewer {
        return ctx.page_status(StatusCode::FORBIDDEN, title, &format!("<p>{}</p>", ctx.l("desk-only-department-reviewers-have")));
    }
    let dept = p.department.clone().unwrap_or_default();
    let dept_name = s.pack.departments.iter().find(|d| d.id == dept).map_or(dept.clone(), |d| d.name.get(l).to_string());
    let list = match s.store.open_awards(p).await {
        Ok(a) => a,
        Err(e) => return super::store_error(ctx, e),
    };
    let mut o = format!("<p>{}: <strong>{}</strong></p>", ctx.l("desk-awards-of-the-rules"), esc(&dept_name));
    // A refusal that is not about a field is said at the top, whether or not the award is still
    // in the queue (decided meanwhile, or another department's).
    if let Some(x) = &refusal {
        for (_, m) in x.errors.iter().filter(|(k, _)| k == "general") {
            let _ = write!(o, r#"<p class="error" role="alert">#{}: {}</p>"#, x.award, esc(m));
        }
    }
    if let Some(id) = done {
        let _ = write!(o, r#"<p class="card" role="status">{} #{id}</p>"#, ctx.l("desk-recorded-award"));
    }
    let mut shown = 0;
    for full in &list {
        let id = full["id"].as_i64().unwrap_or(0);
        shown += 1;
        let r = &full["result"];
        let lk = if l == Lang::Zh { "zh" } else { "en" };
        let mine_done = full["verifications"].as_array().into_iter().flatten().any(|v| v["department"] == dept.as_str());
        let (rform, errs): (&[Pair], Vec<Pair>) = match &refusal {
            Some(x) if x.award == id => (&x.form, x.errors.clone()),
            _ => (&[], Vec::new()),
        };
        let err = |f: &str| errs.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
        let _ = write!(
            o,
            r#"<article class="card" id="award-{id}"><h2>#{id} [{}] {}</h2><p>{} <strong>{}</strong> ({}) · {} {} · {} <span class="amount">{}</span></p><blockquote lang="zh-Hans">{}</blockquote><details><summary>{}</summary><pre>{}</pre></details>"#,
            esc(full["clause"].as_str().unwrap_or("")),
            esc(r["title"][lk].as_str().unwrap_or("")),
            ctx.l("desk-applicant"),
            esc(full["entity"]["name"].as_str().unwrap_or("")),
            esc(full["entity"]["uscc"].as_str().unwrap_or("")),
            ctx.l("desk-budget-year"),
            full["budget_year"],
            ctx.l("desk-amount"),
            esc(&amount_of(&full["amount"], l)),
            esc(r["quote"].as_str().unwrap_or("")),
            ctx.l("desk-how-this-was-decided"),
            esc(r["explanation"][lk].as_str().unwrap_or("")),
        );
        // A later round found a different result on newer facts: said here, for the reviewer.
        if full["review_flag"].is_object() {
            let now = amount_of(&full["review_flag"]["amount"], l);
            let _ = write!(o, r#"<p class="notice" role="note">{}</p>"#, esc(&ctx.say("desk-review-flag", &[("amount", &now)])));
        }
        // What the award is for, when the triggering event names it (a workshop, a project …).
        let trig = &r["trigger"];
        if let Some(name) = trig["fields"]["name"].as_str() {
            let ev = trig["event"].as_str().and_then(|e| s.pack.vocab.events.iter().find(|x| x.name == e));
            let _ = write!(
                o,
                r#"<p>{}: <strong class="subject">{}</strong> ({} {})</p>"#,
                ctx.l("desk-for"),
                esc(name),
                esc(ev.map_or("", |e| e.title.get(l))),
                esc(trig["date"].as_str().unwrap_or("")),
            );
        }
        // Awards of the same rule and entity whose keys are near this one's: perhaps one thing
        // written twice. The ledger cannot know; the reviewer is told.
        for x in full["similar"].as_array().into_iter().flatten() {
            let _ = write!(
                o,
                r#"<p class="error" role="alert">{} <a href="/desk#award-{id2}">#{id2}</a> ({}, {}): {}</p>"#,
                ctx.l("desk-possibly-the-same-as"),
                esc(x["subject"].as_str().unwrap_or(x["once_key"].as_str().unwrap_or(""))),
                esc(&super::state_text(ctx.lang, x["status"].as_str().unwrap_or(""))),
                ctx.l("desk-same-entity-same-rule"),
                id2 = x["id"],
            );
        }
        // Several verifying departments: how their verdicts combine is an interpretation.
        if full["verified_by"].as_array().is_some_and(|v| v.len() > 1)
            && let Some(ni) = s.pack.notes.iter().position(|n| n.id == "joint-verification")
        {
            let n = &s.pack.notes[ni];
            let _ = write!(
                o,
                r#"<p class="hint">{}: {} [{}] {}</p>"#,
                ctx.l("desk-joint-verification"),
                esc(n.choice.get(l)),
                esc(&n.clause),
                super::note_link(ctx, &s.pack, ni)
            );
        }
        for v in full["verifications"].as_array().into_iter().flatten() {
            let _ = write!(
                o,
                "<p class=\"hint\">{}: {} — {}</p>",
                esc(v["department"].as_str().unwrap_or("")),
                esc(v["verdict"].as_str().unwrap_or("")),
                esc(v["reason"].as_str().unwrap_or(""))
            );
        }
        match full["status"].as_str() {
            Some("pending") if !mine_done => {
                let v = field(rform, "verdict");
                let reason_id = format!("reason-{id}");
                let _ = write!(
                    o,
                    r#"<form method="post" action="/desk/awards/{id}/verify">{csrf}<fieldset><legend>{leg}</legend>
<label class="inline-choice"><input type="radio" name="verdict" value="approve" id="approve-{id}"{ca}> {la}</label>
<label class="inline-choice"><input type="radio" name="verdict" value="reject" id="reject-{id}"{cr}> {lr}</label>{verr}
<label for="{reason_id}">{lreason}</label><textarea id="{reason_id}" name="reason" rows="2"{rinv}>{reason}</textarea>{rerr}
<p><button type="submit" id="verify-{id}">{submit}</button></p></fieldset></form>"#,
                    csrf = ctx.csrf_field(),
                    leg = ctx.l("desk-verdict"),
                    ca = if v == "approve" { " checked" } else { "" },
                    cr = if v == "reject" { " checked" } else { "" },
                    la = ctx.l("desk-approve"),
                    lr = ctx.l("desk-reject"),
                    verr = field_error(&format!("verdict-{id}"), err("verdict").as_ref()),
                    lreason = ctx.l("desk-reason-required-to-reject"),
                    rinv = if err("reason").is_some() {
                        format!(r#" aria-invalid="true" aria-describedby="{reason_id}-error""#)
                    } else {
                        String::new()
                    },
                    reason = esc(field(rform, "reason")),
                    rerr = field_error(&reason_id, err("reason").as_ref()),
                    submit = ctx.l("desk-record-verdict"),
                );
            }
            Some("pending") => {
                let _ = write!(o, "<p>{}</p>", ctx.l("desk-approved-by-this-department"));
            }
            Some("approved") => {
                let amount_id = format!("amount-{id}");
                let (lo, hi) = (full["amount"]["low"].as_str().unwrap_or(""), full["amount"]["high"].as_str());
                let typed = field(rform, "amount");
                let value = if typed.is_empty() && hi == Some(lo) { lo } else { typed };
                let range = match hi {
                    Some(h) if h == lo => format!("{} {lo}元", ctx.l("desk-the-plan-fixes")),
                    Some(h) => format!("{} {lo}元 – {h}元", ctx.l("desk-allowed")),
                    None => format!("{} {lo}元", ctx.l("desk-at-least")),
                };
                let _ = write!(
                    o,
                    r#"<form method="post" action="/desk/awards/{id}/decide">{csrf}<fieldset><legend>{leg}</legend>
<label for="{amount_id}">{la}</label><input id="{amount_id}" name="amount" inputmode="decimal" value="{value}" aria-describedby="{amount_id}-range{ainv}"><p class="hint" id="{amount_id}-range">{range}</p>{aerr}
<label for="dreason-{id}">{lr}</label><input id="dreason-{id}" name="reason" value="{reason}">
<p><button type="submit" id="decide-{id}">{submit}</button></p></fieldset></form>"#,
                    csrf = ctx.csrf_field(),
                    leg = ctx.l("desk-decide-the-amount-and"),
                    la = ctx.l("desk-amount-yuan"),
                    value = esc(value),
                    ainv = if err("amount").is_some() { format!(r#" {amount_id}-error" aria-invalid="true"#) } else { String::new() },
                    range = esc(&range),
                    aerr = field_error(&amount_id, err("amount").as_ref()),
                    lr = ctx.l("desk-note"),
                    reason = esc(field(rform, "reason")),
                    submit = ctx.l("desk-decide"),
                );
            }
            Some("decided") if full["decision"]["awaiting_second_approval"] == true => {
                let d = &full["decision"];
                let _ = write!(
                    o,
                    r#"<p class="error" role="status">{} {}元 ({} {}元) — {} {}</p>"#,
                    ctx.l("desk-decided"),
                    esc(d["amount"].as_str().unwrap_or("")),
                    ctx.l("desk-above-the-ceiling-for"),
                    esc(d["above_ceiling"].as_str().unwrap_or("")),
                    ctx.l("desk-decided-by"),
                    esc(d["by"].as_str().unwrap_or("")),
                );
                if d["by"].as_str() != Some(p.username.as_str()) {
                    let _ = write!(
                        o,
                        r#"<form method="post" action="/desk/awards/{id}/second-approval">{}<p><button type="submit" id="second-{id}">{}</button></p></form>"#,
                        ctx.csrf_field(),
                        ctx.l("desk-approve-as-the-second"),
                    );
                } else {
                    let _ = write!(o, "<p>{}</p>", ctx.l("desk-waiting-for-another-reviewer"));
                }
            }
            _ => {}
        }
        o.push_str("</article>");
    }
    if shown == 0 {
        let _ = write!(o, "<p>{}</p>", ctx.l("desk-nothing-waiting"));
    }
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    ctx.page_status(status, title, &o)
}

/// Turns a store refusal into field messages, in the page's language, for the re-rendered form.
fn refusal(lang: Lang, award: i64, form: Vec<(String, String)>, e: Error) -> Result<Refusal, Error> {
    let (errors, status) = match e {
        Error::Invalid(fs) => (fs.iter().map(|f| (f.field.clone(), f.text(lang))).collect(), StatusCode::UNPROCESSABLE_ENTITY),
        Error::Conflict(m) => (vec![("general".to_string(), m.render(lang))], StatusCode::CONFLICT),
        Error::Forbidden(m) => (vec![("general".to_string(), m.render(lang))], StatusCode::FORBIDDEN),
        other => return Err(other),
    };
    Ok(Refusal { award, form, errors, status })
}

pub(super) async fn verify(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/desk") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let verdict = field(&form, "verdict");
    let res = match verdict {
        "approve" | "reject" => s.store.verify(&s.pack, &p, id, verdict == "approve", field(&form, "reason")).await,
        _ => Err(Error::invalid("verdict", Msg::new("desk-choose-approve-or-reject"))),
    };
    match res {
        Ok(_) => Redirect::to(&format!("/desk?done={id}#award-{id}")).into_response(),
        Err(e) => match refusal(ctx.lang, id, form, e) {
            Ok(r) => render_queue(&ctx, &s, None, Some(r)).await,
            Err(e) => super::store_error(&ctx, e),
        },
    }
}

pub(super) async fn decide(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/desk") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let fen = qiangke_store::parse_fen(&s.pack, field(&form, "amount")).map_err(|m| Error::invalid("amount", m));
    let res = match fen {
        Ok(f) => s.store.decide(&s.pack, &p, id, f, field(&form, "reason")).await,
        Err(e) => Err(e),
    };
    match res {
        Ok(_) => Redirect::to(&format!("/desk?done={id}")).into_response(),
        Err(e) => match refusal(ctx.lang, id, form, e) {
            Ok(r) => render_queue(&ctx, &s, None, Some(r)).await,
            Err(e) => super::store_error(&ctx, e),
        },
    }
}

pub(super) async fn second_approval(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/desk") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match s.store.second_approval(&p, id).await {
        Ok(_) => Redirect::to(&format!("/desk?done={id}")).into_response(),
        Err(e) => match refusal(ctx.lang, id, form, e) {
            Ok(r) => render_queue(&ctx, &s, None, Some(r)).await,
            Err(e) => super::store_error(&ctx, e),
        },
    }
}

pub(super) async fn finance(ctx: Ctx, State(s): St) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("desk-budget-payouts");
    if !matches!(p.role, Role::Finance | Role::Admin) {
        return ctx.page_status(StatusCode::FORBIDDEN, title, &format!("<p>{}</p>", ctx.l("desk-only-finance-and-admin")));
    }
    let (budget, payouts) = match (s.store.budget(p, None).await, s.store.payouts(p, None).await) {
        (Ok(b), Ok(x)) => (b, x),
        (Err(e), _) | (_, Err(e)) => return super::store_error(&ctx, e),
    };
    let mut o = format!("<h2>{}</h2>", ctx.l("desk-budget"));
    o.push_str(&super::dashboard::budget_chart(&ctx, &s.pack, &budget));
    let _ = write!(o, "<h2>{}</h2>", ctx.l("desk-payouts"));
    o.push_str(&super::table_open(
        Some("payouts"),
        &[
            ("#", false),
            (ctx.l("desk-entity"), false),
            (ctx.l("desk-clause"), false),
            (ctx.l("desk-budget-year-2"), false),
            (ctx.l("desk-amount-yuan-2"), true),
            (ctx.l("desk-status"), false),
            ("", false),
        ],
    ));
    for x in &payouts {
        let id = x["id"].as_i64().unwrap_or(0);
        let action = if x["status"] == "scheduled" && p.role == Role::Finance {
            format!(
                r#"<form method="post" action="/finance/payouts/{id}/paid">{}<button type="submit" id="paid-{id}">{}</button></form>"#,
                ctx.csrf_field(),
                ctx.l("desk-mark-paid")
            )
        } else {
            String::new()
        };
        let _ = write!(
            o,
            r#"<tr><td>{id}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td><td>{action}</td></tr>"#,
            esc(x["entity"]["name"].as_str().unwrap_or("")),
            esc(x["clause"].as_str().unwrap_or("")),
            x["budget_year"],
            esc(x["amount"].as_str().unwrap_or("")),
            esc(&super::state_text(ctx.lang, x["status"].as_str().unwrap_or(""))),
        );
    }
    o.push_str("</tbody></table></div>");
    ctx.page(title, &o)
}

pub(super) async fn mark_paid(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/finance") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match s.store.mark_paid(&p, id).await {
        Ok(_) => Redirect::to("/finance").into_response(),
        Err(e) => super::store_error(&ctx, e),
    }
}

pub(super) async fn audit(ctx: Ctx, State(s): St) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let entries = match s.store.audit_latest(p, 500).await {
        Ok(e) => e,
        Err(e) => return super::store_error(&ctx, e),
    };
    // What the chain shows, said exactly (SECURITY.md): not "any edit is detectable".
    let mut o = format!("<p>{}</p>", ctx.l("desk-each-entry-is-chained"));
    // The chain checked now, for admin and finance (who may run the check).
    if matches!(p.role, Role::Admin | Role::Finance)
        && let Ok(v) = s.store.verify_audit(&[]).await
    {
        if v.problems.is_empty() {
            let _ = write!(
                o,
                r#"<p class="card" role="status">{} {} {}</p>"#,
                ctx.l("desk-verified"),
                v.entries,
                ctx.l("desk-entries-and-the-awards")
            );
        } else {
            let _ = write!(o, r#"<div class="error" role="alert"><p>{}</p><ul>"#, ctx.l("desk-verification-failed"));
            for x in &v.problems {
                let _ = write!(o, "<li>{}</li>", esc(x));
            }
            o.push_str("</ul></div>");
        }
    }
    o.push_str(&super::table_open(
        None,
        &[
            ("#", false),
            (ctx.l("desk-time"), false),
            (ctx.l("desk-actor"), false),
            (ctx.l("desk-action"), false),
            (ctx.l("desk-subject"), false),
            (ctx.l("desk-detail"), false),
        ],
    ));
    for e in &entries {
        let at = e["at"].as_str().unwrap_or("");
        let action = e["action"].as_str().unwrap_or("");
        // The time in Beijing, to the minute (the exact UTC instant on hovering).
        let when = qiangke_store::parse_rfc3339(at).map_or_else(|| at.to_string(), qiangke_store::cst_minutes);
        let _ = write!(
            o,
            r#"<tr><td>{}</td><td><time datetime="{}" title="{}">{}</time></td><td translate="no">{}</td><td title="{}">{}</td><td>{}</td><td>{}</td></tr>"#,
            e["seq"],
            esc(at),
            esc(at),
            esc(&when),
            esc(&actor_text(ctx.lang, e["actor"].as_str().unwrap_or(""))),
            esc(action),
            esc(&action_name(ctx.lang, action)),
            esc(&subject_text(ctx.lang, e["subject"].as_str().unwrap_or(""))),
            detail_html(&ctx, &s.pack, &e["detail"]),
        );
    }
    o.push_str("</tbody></table></div>");
    ctx.page(ctx.l("desk-audit-trail"), &o)
}

/// Who made an entry: a user by name (`user:2:tax` → tax), the first start by its name.
fn actor_text(lang: Lang, actor: &str) -> String {
    match actor.strip_prefix("user:") {
        Some(rest) => rest.split_once(':').map_or(rest, |(_, name)| name).to_string(),
        None if actor == "bootstrap" => qiangke_i18n::text(lang, "audit-actor-bootstrap", &[]),
        None => actor.to_string(),
    }
}

/// What an entry is about (`award:12`) as people say it: "奖补 12".
fn subject_text(lang: Lang, subject: &str) -> String {
    let (kind, id) = subject.split_once(':').unwrap_or((subject, ""));
    let what = match kind {
        "entity" => "audit-subject-entity",
        "award" => "audit-subject-award",
        "import" => "audit-subject-import",
        "user" => "audit-subject-user",
        "application" => "audit-subject-application",
        "payout" => "audit-subject-payout",
        "round" => "audit-subject-round",
        "observations" => "audit-subject-observations",
        "task_updates" => "audit-subject-tasks",
        _ => return subject.to_string(),
    };
    qiangke_i18n::text(lang, what, &[("id", id)])
}

/// The detail of an entry: the fields people read, by name and in their language (rules by
/// title, departments by name, yes/no as words); the entry exactly as recorded (and hashed) one
/// click away.
fn detail_html(ctx: &Ctx, pack: &qiangke_rules::Pack, d: &J) -> String {
    let mut items = Vec::new();
    for (k, v) in d.as_object().into_iter().flatten() {
        let key = match k.as_str() {
            "rule" => "audit-key-rule",
            "clause" => "audit-key-clause",
            "claim_year" => "audit-key-claim-year",
            "budget_year" => "audit-key-budget-year",
            "amount" => "audit-key-amount",
            "status" => "audit-key-status",
            "reason" => "audit-key-reason",
            "department" => "audit-key-department",
            "role" => "audit-key-role",
            "username" => "audit-key-username",
            "county" => "audit-key-county",
            "rows" => "audit-key-rows",
            "source" => "audit-key-source",
            "paid_at" => "audit-key-paid-at",
            _ => continue,
        };
        // Amounts in yuan as people write them; a range as low – high.
        let yuan = |t: &str| t.parse::<qiangke_rules::Decimal>().map_or(t.to_string(), qiangke_rules::value::money_yuan);
        let value = match (k.as_str(), v) {
            ("amount", J::String(t)) => yuan(t),
            ("amount", J::Object(o)) => match (o.get("low").and_then(J::as_str), o.get("high").and_then(J::as_str)) {
                (Some(l), Some(h)) if l == h => yuan(l),
                (Some(l), Some(h)) => format!("{} – {}", yuan(l), yuan(h)),
                (Some(l), None) => format!("{} {}", ctx.l("ex-at-least"), yuan(l)),
                _ => continue,
            },
            ("county", J::String(id)) => pack
                .enums
                .iter()
                .flat_map(|e| e.variants.iter())
                .find(|x| x.id == *id)
                .map_or(id.clone(), |x| x.name.get(ctx.lang).to_string()),
            // Digests of the rows an entry covers are for the chain check, not for reading.
            ("rows", J::Object(_) | J::Array(_)) => continue,
            ("rule", J::String(id)) => pack.rules.iter().find(|r| r.id == *id).map_or(id.clone(), |r| r.title.get(ctx.lang).to_string()),
            ("department", J::String(id)) => {
                pack.departments.iter().find(|x| x.id == *id).map_or(id.clone(), |x| x.name.get(ctx.lang).to_string())
            }
            ("status", J::String(st)) => super::state_text(ctx.lang, st),
            ("role", J::String(r)) => Role::parse(r).map_or(r.clone(), |role| super::role_text(ctx.lang, role)),
            (_, J::String(t)) if t.is_empty() => continue,
            (_, J::String(t)) => t.clone(),
            (_, J::Bool(b)) => ctx.l(if *b { "ex-yes" } else { "ex-no" }).to_string(),
            (_, J::Null) => continue,
            (_, other) => other.to_string(),
        };
        // What a user typed (a name, a source label) is shown as typed.
        let value = if matches!(k.as_str(), "username" | "source" | "reason") {
            format!(r#"<span translate="no">{}</span>"#, esc(&value))
        } else {
            esc(&value)
        };
        // The value is escaped above; the name comes from the catalogue.
        items.push(ctx.say("audit-field", &[("key", ctx.l(key)), ("value", &value)]));
    }
    format!(
        r#"{}<details><summary>{}</summary><pre translate="no">{}</pre></details>"#,
        items.join("<br>"),
        ctx.l("audit-as-recorded"),
        esc(&serde_json::to_string_pretty(d).unwrap_or_default())
    )
}

/// An audit action (`award.decide`) by its name in `lang` (决定兑现); an action this list does not
/// know (one added later) by its code.
fn action_name(lang: Lang, action: &str) -> String {
    let id = match action {
        "application.create" => "audit-application-create",
        "award.create" => "audit-award-create",
        "award.propose" => "audit-award-propose",
        "award.flag" => "audit-award-flag",
        "award.confirm" => "audit-award-confirm",
        "award.decline" => "audit-award-decline",
        "round.open" => "audit-round-open",
        "award.approve" => "audit-award-approve",
        "award.reject" => "audit-award-reject",
        "award.decide" => "audit-award-decide",
        "award.second-approval" => "audit-award-second-approval",
        "entity.register" => "audit-entity-register",
        "facts.record" => "audit-facts-record",
        "facts.import" => "audit-facts-import",
        "facts.imported" => "audit-facts-imported",
        "observations.record" => "audit-observations-record",
        "payout.paid" => "audit-payout-paid",
        "tasks.update" => "audit-tasks-update",
        "user.create" => "audit-user-create",
        "user.update" => "audit-user-update",
        "user.password" => "audit-user-password",
        "user.sessions-revoked" => "audit-user-sessions-revoked",
        other => return other.to_string(),
    };
    qiangke_i18n::text(lang, id, &[])
}
