//! 公示 in the browser: the public lists (no sign-in) with their objection form, the bureau's
//! form that publishes a list, and the deciding department's objections on its desk.

use super::{Ctx, field};
use crate::api::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use qiangke_store::Principal;
use qiangke_store::publication::{ObjectionInput, PublishInput, RulingInput, Verdict};
use serde_json::Value as J;
use std::sync::Arc;

type St = State<Arc<AppState>>;
type Form = axum::Form<Vec<(String, String)>>;

/// A rule's title in the reader's language (its id if the pack does not know it).
fn title_of(ctx: &Ctx, s: &AppState, id: &str) -> String {
    s.pack.rule(id).map_or(id.to_string(), |r| r.title.get(ctx.lang).to_string())
}

/// The period of a list in words: `2026-12-01 至 2026-12-07(5 个工作日)`, and whether it is open.
fn period(ctx: &Ctx, x: &J) -> Markup {
    let (starts, ends) = (x["starts_on"].as_str().unwrap_or(""), x["ends_on"].as_str().unwrap_or(""));
    let days = x["working_days"].to_string();
    html! {
        (ctx.say("pub-period", &[("starts", starts), ("ends", ends), ("days", &days)]))
        " "
        @if x["open"] == true { strong.state.awarded { (ctx.l("pub-open")) } } @else { span.state.closed { (ctx.l("pub-closed")) } }
        @for y in x["holidays_unknown_for"].as_array().into_iter().flatten() {
            p.hint { (ctx.say("pub-holidays-unknown", &[("year", &y.to_string())])) }
        }
    }
}

/// A refusal as a form shows it: each invalid field beside its field, anything else at the top
/// (`general`).
fn refusal(ctx: &Ctx, e: qiangke_store::Error) -> (StatusCode, Vec<(String, String)>) {
    let fields: Vec<(String, String)> = match &e {
        qiangke_store::Error::Invalid(v) => v.iter().map(|f| (f.field.clone(), f.text(ctx.lang))).collect(),
        _ => Vec::new(),
    };
    let (status, msg) = super::refusal_text(ctx, e);
    (status, if fields.is_empty() { vec![("general".to_string(), msg)] } else { fields })
}

/// `/publications`: every list, newest first; the form that publishes one for whoever may.
pub(super) async fn lists(ctx: Ctx, State(s): St) -> Response {
    lists_page(&ctx, &s, &[], &[], StatusCode::OK).await
}

async fn lists_page(ctx: &Ctx, s: &AppState, typed: &[(String, String)], errors: &[(String, String)], status: StatusCode) -> Response {
    let lists = match s.store.publications(&s.pack).await {
        Ok(x) => x,
        Err(e) => return super::store_error(ctx, e),
    };
    let title = ctx.l("pub-title");
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let typed_title = field(typed, "title");
    let body = html! {
        p { (ctx.l("pub-what")) }
        @if let Some(n) = s.pack.publication.note { p.hint { (super::note_link(ctx, &s.pack, n)) } }
        @if !s.pack.publication.required { p.notice { (ctx.l("pub-not-required")) } }
        @if ctx.user.as_ref().is_some_and(|p| qiangke_store::publication::publishes(&s.pack, p)) {
            form.card method="post" action="/publications" #publish-form {
                (ctx.csrf_field())
                h2 { (ctx.l("pub-publish-heading")) }
                p.hint { (ctx.say("pub-publish-hint", &[("days", &s.pack.publication.working_days.to_string())])) }
                @for (_, m) in errors.iter().filter(|(k, _)| k == "general") { p.error role="alert" { (m) } }
                label for="title" { (ctx.l("pub-list-title")) } " "
                input #title name="title" maxlength="100" size="40" value=(typed_title) placeholder=(ctx.say("pub-default-title", &[("year", "2023")]));
                (super::field_error("title", err("title").as_ref()))
                " "
                label for="claim_year" { (ctx.l("pub-claim-year")) } " "
                select #claim_year name="claim_year" {
                    option value="" { (ctx.l("pub-every-year")) }
                    @for y in 2022..=2025 { option value=(y) selected[field(typed, "claim_year") == y.to_string()] { (y) } }
                }
                " "
                button type="submit" #publish { (ctx.l("pub-publish")) }
            }
        }
        @if lists.is_empty() { p { (ctx.l("pub-none")) } }
        @else {
            (super::table(Some("publications"), &[(ctx.l("pub-list-title"), false), (ctx.l("pub-period-heading"), false), (ctx.l("pub-awards"), true), (ctx.l("pay-total"), true)], html! {
                @for x in &lists { tr {
                    td { a href={ "/publications/" (x["id"]) } translate="no" { (x["title"].as_str().unwrap_or("")) } }
                    td { (period(ctx, x)) }
                    td.num { (x["awards"]) }
                    td.num { (super::payments::yuan(ctx, x["total"].as_str().unwrap_or("0"))) }
                } }
            }))
        }
    };
    ctx.page_status(status, title, body)
}

/// Publishes a list (the bureau), then shows it.
pub(super) async fn publish(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/publications") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let claim_year = field(&form, "claim_year").trim().parse::<i64>().ok();
    // Left empty, the title says the claim year chosen (or none, for every year).
    let title = match (field(&form, "title").trim(), claim_year) {
        ("", Some(y)) => ctx.say("pub-default-title", &[("year", &y.to_string())]),
        ("", None) => ctx.l("pub-default-title-all").to_string(),
        (t, _) => t.to_string(),
    };
    let input = PublishInput { title, claim_year };
    match s.store.publish(&s.pack, &p, &input).await {
        Ok(x) => Redirect::to(&format!("/publications/{}", x["id"])).into_response(),
        Err(e) => {
            let (status, errors) = refusal(&ctx, e);
            lists_page(&ctx, &s, &form, &errors, status).await
        }
    }
}

/// `/publications/{id}`: the list as the public sees it, and the objection form while it is open.
pub(super) async fn list(ctx: Ctx, State(s): St, Path(id): Path<i64>) -> Response {
    list_page(&ctx, &s, id, &[], &[], None, StatusCode::OK).await
}

async fn list_page(
    ctx: &Ctx,
    s: &AppState,
    id: i64,
    typed: &[(String, String)],
    errors: &[(String, String)],
    filed: Option<&J>,
    status: StatusCode,
) -> Response {
    let x = match s.store.publication(&s.pack, id).await {
        Ok(x) => x,
        Err(e) => return super::store_error(ctx, e),
    };
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    let county = |c: &str| super::admin::county_name(&s.pack, c, ctx.lang);
    let rule_title = |r: &str| title_of(ctx, s, r);
    let items: Vec<&J> = x["items"].as_array().into_iter().flatten().collect();
    let body = html! {
        p #period { (period(ctx, &x)) }
        @for (_, m) in errors.iter().filter(|(k, _)| k == "general") { p.error role="alert" { (m) } }
        @if let Some(f) = filed {
            p.card #objection-filed role="status" { (ctx.say("pub-objection-filed", &[("id", &f["id"].to_string())])) }
        }
        div.scroll { table #publication {
            thead { tr {
                th.num { (ctx.l("pub-no")) } th { (ctx.l("desk-entity")) } th { (ctx.l("pub-uscc")) } th { (ctx.l("pub-county")) }
                th { (ctx.l("pub-item")) } th { (ctx.l("desk-clause")) } th { (ctx.l("desk-budget-year-2")) } th.num { (ctx.l("pay-amount")) }
            } }
            tbody {
                @for (i, it) in items.iter().enumerate() { tr {
                    td.num { (i + 1) }
                    td translate="no" { (it["entity"]["name"].as_str().unwrap_or("")) }
                    td translate="no" { (it["entity"]["uscc"].as_str().unwrap_or("")) }
                    td { (county(it["entity"]["county"].as_str().unwrap_or(""))) }
                    td { (rule_title(it["rule"].as_str().unwrap_or(""))) }
                    td { (it["clause"].as_str().unwrap_or("")) }
                    td { (it["budget_year"]) }
                    td.num {
                        @if it["withdrawn"] == true { del { (super::payments::yuan(ctx, it["amount"].as_str().unwrap_or("0"))) } " " span.state.closed { (ctx.l("pub-withdrawn")) } }
                        @else { (super::payments::yuan(ctx, it["amount"].as_str().unwrap_or("0"))) }
                    }
                } }
            }
            tfoot { tr { th colspan="7" scope="row" { (ctx.l("pay-total")) } td.num #publication-total { (super::payments::yuan(ctx, x["total"].as_str().unwrap_or("0"))) } } }
        } }
        @if x["open"] == true {
            form.card method="post" action={ "/publications/" (id) "/objections" } #objection-form {
                h2 { (ctx.l("pub-object-heading")) }
                p.hint { (ctx.say("pub-object-hint", &[("ends", x["ends_on"].as_str().unwrap_or(""))])) }
                label for="award_id" { (ctx.l("pub-object-award")) } " "
                select #award_id name="award_id" required {
                    @for (i, it) in items.iter().enumerate() {
                        @let a = it["award_id"].to_string();
                        option value=(a) selected[field(typed, "award_id") == a] {
                            (i + 1) ". " (it["entity"]["name"].as_str().unwrap_or("")) " — " (rule_title(it["rule"].as_str().unwrap_or("")))
                        }
                    }
                }
                (super::field_error("award_id", err("award_id").as_ref()))
                br;
                label for="reason" { (ctx.l("pub-object-reason")) } br;
                textarea #reason name="reason" required maxlength="1000" rows="4" cols="60" { (field(typed, "reason")) }
                (super::field_error("reason", err("reason").as_ref()))
                br;
                label for="contact" { (ctx.l("pub-object-contact")) } " "
                input #contact name="contact" required maxlength="100" value=(field(typed, "contact"));
                (super::field_error("contact", err("contact").as_ref()))
                " "
                label for="name" { (ctx.l("pub-object-name")) } " "
                input #name name="name" maxlength="50" value=(field(typed, "name"));
                (super::field_error("name", err("name").as_ref()))
                p.hint { (ctx.l("pub-object-privacy")) }
                button type="submit" #object { (ctx.l("pub-object-submit")) }
            }
        } @else {
            p.notice { (ctx.say("pub-period-over", &[("ends", x["ends_on"].as_str().unwrap_or(""))])) }
        }
        p { a href="/publications" { (ctx.l("pub-all-lists")) } }
    };
    ctx.page_status(status, x["title"].as_str().unwrap_or(""), body)
}

/// Files an objection: anyone, no sign-in (a form from another site is refused).
pub(super) async fn object(
    ctx: Ctx,
    State(s): St,
    crate::http::ClientAddr(client): crate::http::ClientAddr,
    Path(id): Path<i64>,
    axum::Form(form): Form,
) -> Response {
    if !ctx.origin_ok {
        return ctx.page_status(
            StatusCode::FORBIDDEN,
            ctx.l("page-request-refused-2"),
            html! { p role="alert" { (ctx.l("page-this-form-lacks-a")) } },
        );
    }
    // As many objections a minute from one address as the API allows.
    if let Err(p) = s.writes.check_objection(&client) {
        let (status, msg) = super::problem_text(&ctx, &p);
        return list_page(&ctx, &s, id, &form, &[("general".to_string(), msg)], None, status).await;
    }
    let Ok(award_id) = field(&form, "award_id").trim().parse::<i64>() else {
        let errors = [("award_id".to_string(), ctx.l("pub-object-choose").to_string())];
        return list_page(&ctx, &s, id, &form, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let input = ObjectionInput {
        award_id,
        reason: field(&form, "reason").to_string(),
        contact: field(&form, "contact").to_string(),
        name: field(&form, "name").to_string(),
    };
    match s.store.object(id, &input).await {
        Ok(f) => list_page(&ctx, &s, id, &[], &[], Some(&f), StatusCode::OK).await,
        Err(qiangke_store::Error::NotFound(m)) => super::store_error(&ctx, qiangke_store::Error::NotFound(m)),
        Err(e) => {
            let (status, errors) = refusal(&ctx, e);
            list_page(&ctx, &s, id, &form, &errors, None, status).await
        }
    }
}

/// A ruling the ledger refused: on which objection, what was typed, and why.
pub(super) struct RulingRefused<'a> {
    pub id: i64,
    pub form: &'a [(String, String)],
    pub msg: &'a str,
}

/// The objections the reviewer's department settles, for its desk: open ones with the ruling
/// form, settled ones with their ruling.
pub(super) async fn desk_objections(ctx: &Ctx, s: &AppState, p: &Principal, refused: Option<RulingRefused<'_>>) -> Markup {
    let list = match s.store.objections(p).await {
        Ok(x) => x,
        Err(_) => return html! {},
    };
    if list.is_empty() {
        return html! {};
    }
    let open = list.iter().filter(|o| o["status"] == "open").count();
    let rule_title = |r: &str| title_of(ctx, s, r);
    html! {
        section #objections {
            h2 { (ctx.say("pub-desk-heading", &[("open", &open.to_string())])) }
            @for o in &list {
                @let id = o["id"].as_i64().unwrap_or(0);
                @let (typed, msg): (&[(String, String)], Option<&str>) = match &refused { Some(r) if r.id == id => (r.form, Some(r.msg)), _ => (&[], None) };
                article.card id={ "objection-" (id) } {
                    h3 {
                        (ctx.say("pub-desk-objection", &[("id", &id.to_string())])) " · "
                        span translate="no" { (o["entity"]["name"].as_str().unwrap_or("")) } " · "
                        (rule_title(o["rule"].as_str().unwrap_or(""))) " (" (o["clause"].as_str().unwrap_or("")) ") · "
                        (super::payments::yuan(ctx, o["amount"].as_str().unwrap_or("0")))
                    }
                    p { (ctx.l("pub-object-reason")) ": " span translate="no" { (o["reason"].as_str().unwrap_or("")) } }
                    p.hint {
                        (ctx.l("pub-object-contact")) ": " span translate="no" { (o["contact"].as_str().unwrap_or("")) }
                        @if o["name"].as_str().is_some_and(|n| !n.is_empty()) { " · " (ctx.l("pub-object-name")) ": " span translate="no" { (o["name"].as_str().unwrap_or("")) } }
                        " · " (ctx.say("pub-desk-filed", &[("at", &qiangke_store::parse_rfc3339(o["filed_at"].as_str().unwrap_or("")).map(qiangke_store::cst_minutes).unwrap_or_default())]))
                    }
                    @if let Some(r) = o["ruling"].as_object() {
                        p { strong { (ctx.l(if r["verdict"] == "upheld" { "pub-upheld" } else { "pub-rejected" })) } ": " span translate="no" { (r["reason"].as_str().unwrap_or("")) } }
                    } @else {
                        @if let Some(m) = msg { p.error role="alert" { (m) } }
                        form method="post" action={ "/desk/objections/" (id) "/ruling" } {
                            (ctx.csrf_field())
                            label.inline-choice { input type="radio" name="verdict" value="rejected" required checked[field(typed, "verdict") == "rejected"]; " " (ctx.l("pub-reject")) }
                            " "
                            label.inline-choice { input type="radio" name="verdict" value="upheld" checked[field(typed, "verdict") == "upheld"]; " " (ctx.l("pub-uphold")) }
                            br;
                            label for={ "ruling-reason-" (id) } { (ctx.l("pub-ruling-reason")) } " "
                            input id={ "ruling-reason-" (id) } name="reason" required maxlength="1000" size="50" value=(field(typed, "reason"));
                            " "
                            button type="submit" id={ "rule-" (id) } { (ctx.l("pub-rule")) }
                        }
                    }
                }
            }
        }
    }
}

/// Settles an objection from the desk.
pub(super) async fn rule(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/desk") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let verdict = match field(&form, "verdict") {
        "upheld" => Some(Verdict::Upheld),
        "rejected" => Some(Verdict::Rejected),
        _ => None,
    };
    let result = match verdict {
        Some(verdict) => s.store.rule_objection(&p, id, &RulingInput { verdict, reason: field(&form, "reason").to_string() }).await,
        None => Err(qiangke_store::Error::invalid("verdict", qiangke_store::Msg::new("ledger-payment-field-missing"))),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/desk?settled={id}#objections")).into_response(),
        Err(e) => {
            let (status, msg) = super::refusal_text(&ctx, e);
            super::desk::queue_with_objection_refusal(&ctx, &s, id, &form, &msg, status).await
        }
    }
}

/// A scheduled payout's hold in words (none: it can be paid).
pub(crate) fn hold_text(ctx: &Ctx, hold: &J) -> Option<String> {
    Some(match hold["code"].as_str()? {
        "in_period" => ctx.say("pay-hold-in-period", &[("date", hold["until"].as_str().unwrap_or(""))]),
        "objection_open" => ctx.say("pay-hold-objection", &[("id", &hold["objection"].to_string())]),
        "not_published" => ctx.l("pay-hold-not-published").to_string(),
        "withdrawn" => ctx.l("pay-hold-withdrawn").to_string(),
        _ => return None,
    })
}
