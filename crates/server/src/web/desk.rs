//! The signed-in desks: a department reviewer's queue (explanation, approve or reject with a
//! reason, a decision bounded by the allowed interval), finance's budget and payouts, and the
//! audit trail each user may see. Forms post back here; a refusal re-renders the page with the
//! message beside the field and what was typed kept.

use super::{Ctx, field, field_error};
use crate::api::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use qiangke_rules::Lang;
use qiangke_store::{Error, Msg, Role};
use rust_decimal::Decimal;
use serde_json::Value as J;
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
    /// An objection just settled.
    settled: Option<i64>,
}

pub(super) async fn queue(ctx: Ctx, State(s): St, Query(q): Query<DoneQuery>) -> Response {
    render_queue(&ctx, &s, q.done, None, q.settled, None).await
}

/// The desk again after a ruling on objection `id` was refused: what was typed, and why.
pub(super) async fn queue_with_objection_refusal(
    ctx: &Ctx,
    s: &AppState,
    id: i64,
    form: &[(String, String)],
    msg: &str,
    status: StatusCode,
) -> Response {
    let mut r = render_queue(ctx, s, None, None, None, Some(super::publication::RulingRefused { id, form, msg })).await;
    *r.status_mut() = status;
    r
}

async fn render_queue(
    ctx: &Ctx,
    s: &AppState,
    done: Option<i64>,
    refusal: Option<Refusal>,
    settled: Option<i64>,
    objection_refusal: Option<super::publication::RulingRefused<'_>>,
) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let l = ctx.lang;
    let title = ctx.l("desk-review-desk");
    if p.role != Role::Reviewer {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("desk-only-department-reviewers-have")) } });
    }
    let dept = p.department.clone().unwrap_or_default();
    let dept_name = s.pack.department_name(&dept, l);
    let list = match s.store.open_awards(p).await {
        Ok(a) => a,
        Err(e) => return super::store_error(ctx, e),
    };
    let objections = super::publication::desk_objections(ctx, s, p, objection_refusal).await;
    let body = html! {
        p { (ctx.l("desk-awards-of-the-rules")) ": " strong { (dept_name) } }
        @if let Some(id) = settled { p.card #objection-settled role="status" { (ctx.say("pub-desk-settled", &[("id", &id.to_string())])) } }
        (objections)
        // A refusal that is not about a field is said at the top, whether or not the award is
        // still in the queue (decided meanwhile, or another department's).
        @if let Some(x) = &refusal {
            @for (_, m) in x.errors.iter().filter(|(k, _)| k == "general") { p.error role="alert" { "#" (x.award) ": " (m) } }
        }
        @if let Some(id) = done { p.card role="status" { (ctx.l("desk-recorded-award")) " #" (id) } }
        @for full in &list {
            @let id = full["id"].as_i64().unwrap_or(0);
            @let typed = match &refusal {
                Some(x) if x.award == id => Some(x),
                _ => None,
            };
            (award_card(ctx, s, p, &dept, full, typed))
        }
        @if list.is_empty() { p { (ctx.l("desk-nothing-waiting")) } }
    };
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    ctx.page_status(status, title, body)
}

/// One award in the queue: what it is, why, and the form its state calls for (a verdict, a
/// decision, a second approval), with what was typed and the refusal when it was refused.
fn award_card(ctx: &Ctx, s: &AppState, p: &qiangke_store::Principal, dept: &str, full: &J, refused: Option<&Refusal>) -> Markup {
    let l = ctx.lang;
    let id = full["id"].as_i64().unwrap_or(0);
    let r = &full["result"];
    let lk = if l == Lang::Zh { "zh" } else { "en" };
    let mine_done = full["verifications"].as_array().into_iter().flatten().any(|v| v["department"] == dept);
    let (rform, errs): (&[Pair], &[Pair]) = refused.map_or((&[], &[]), |x| (&x.form, &x.errors));
    let err = |f: &str| errs.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    // What the award is for, when the triggering event names it (a workshop, a project …).
    let trig = &r["trigger"];
    let ev = trig["event"].as_str().and_then(|e| s.pack.vocab.events.iter().find(|x| x.name == e));
    // Several verifying departments: how their verdicts combine is an interpretation.
    let joint = full["verified_by"]
        .as_array()
        .is_some_and(|v| v.len() > 1)
        .then(|| s.pack.notes.iter().position(|n| n.id == "joint-verification"))
        .flatten();
    html! {
        article.card id={ "award-" (id) } {
            h2 { "#" (id) " [" (full["clause"].as_str().unwrap_or("")) "] " (r["title"][lk].as_str().unwrap_or("")) }
            p {
                (ctx.l("desk-applicant")) " " strong { (full["entity"]["name"].as_str().unwrap_or("")) }
                " (" (full["entity"]["uscc"].as_str().unwrap_or("")) ") · "
                (ctx.l("desk-budget-year")) " " (full["budget_year"]) " · "
                (ctx.l("desk-amount")) " " span.amount { (amount_of(&full["amount"], l)) }
            }
            blockquote lang="zh-Hans" { (r["quote"].as_str().unwrap_or("")) }
            details { summary { (ctx.l("desk-how-this-was-decided")) } pre { (r["explanation"][lk].as_str().unwrap_or("")) } }
            // A later round found a different result on newer facts: said here, for the reviewer.
            @if full["review_flag"].is_object() {
                p.notice role="note" { (ctx.say("desk-review-flag", &[("amount", &amount_of(&full["review_flag"]["amount"], l))])) }
            }
            @if let Some(name) = trig["fields"]["name"].as_str() {
                p {
                    (ctx.l("desk-for")) ": " strong.subject { (name) }
                    " (" (ev.map_or("", |e| e.title.get(l))) " " (trig["date"].as_str().unwrap_or("")) ")"
                }
            }
            // Awards of the same rule and entity whose keys are near this one's: perhaps one thing
            // written twice. The ledger cannot know; the reviewer is told.
            @for x in full["similar"].as_array().into_iter().flatten() {
                p.error role="alert" {
                    (ctx.l("desk-possibly-the-same-as")) " " a href={ "/desk#award-" (x["id"]) } { "#" (x["id"]) }
                    " (" (x["subject"].as_str().unwrap_or(x["once_key"].as_str().unwrap_or(""))) ", "
                    (super::state_text(ctx.lang, x["status"].as_str().unwrap_or(""))) "): "
                    (ctx.l("desk-same-entity-same-rule"))
                }
            }
            @if let Some(ni) = joint {
                @let n = &s.pack.notes[ni];
                p.hint { (ctx.l("desk-joint-verification")) ": " (n.choice.get(l)) " [" (n.clause) "] " (super::note_link(ctx, &s.pack, ni)) }
            }
            @for v in full["verifications"].as_array().into_iter().flatten() {
                p.hint {
                    (v["department"].as_str().unwrap_or("")) ": " (v["verdict"].as_str().unwrap_or("")) " — " (v["reason"].as_str().unwrap_or(""))
                }
            }
            @match full["status"].as_str() {
                Some("pending") if !mine_done => (verdict_form(ctx, id, rform, &err)),
                Some("pending") => p { (ctx.l("desk-approved-by-this-department")) },
                Some("approved") => (decision_form(ctx, id, full, rform, &err)),
                Some("decided") if full["decision"]["awaiting_second_approval"] == true => {
                    @let d = &full["decision"];
                    p.error role="status" {
                        (ctx.l("desk-decided")) " " (d["amount"].as_str().unwrap_or("")) "元 ("
                        (ctx.l("desk-above-the-ceiling-for")) " " (d["above_ceiling"].as_str().unwrap_or("")) "元) — "
                        (ctx.l("desk-decided-by")) " " (d["by"].as_str().unwrap_or(""))
                    }
                    @if d["by"].as_str() != Some(p.username.as_str()) {
                        form method="post" action={ "/desk/awards/" (id) "/second-approval" } {
                            (ctx.csrf_field())
                            p { button type="submit" id={ "second-" (id) } { (ctx.l("desk-approve-as-the-second")) } }
                        }
                    } @else {
                        p { (ctx.l("desk-waiting-for-another-reviewer")) }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Approve or reject, with the reason (required to reject).
fn verdict_form(ctx: &Ctx, id: i64, rform: &[Pair], err: &dyn Fn(&str) -> Option<String>) -> Markup {
    let v = field(rform, "verdict");
    let reason_id = format!("reason-{id}");
    let reason_err = err("reason");
    html! {
        form method="post" action={ "/desk/awards/" (id) "/verify" } {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.l("desk-verdict")) }
                label.inline-choice { input type="radio" name="verdict" value="approve" id={ "approve-" (id) } checked[v == "approve"]; " " (ctx.l("desk-approve")) }
                label.inline-choice { input type="radio" name="verdict" value="reject" id={ "reject-" (id) } checked[v == "reject"]; " " (ctx.l("desk-reject")) }
                (field_error(&format!("verdict-{id}"), err("verdict").as_ref()))
                label for=(reason_id) { (ctx.l("desk-reason-required-to-reject")) }
                textarea id=(reason_id) name="reason" rows="2" aria-invalid=[reason_err.as_ref().map(|_| "true")]
                    aria-describedby=[reason_err.as_ref().map(|_| format!("{reason_id}-error"))] { (field(rform, "reason")) }
                (field_error(&reason_id, reason_err.as_ref()))
                p { button type="submit" id={ "verify-" (id) } { (ctx.l("desk-record-verdict")) } }
            }
        }
    }
}

/// The amount decided, within what the plan allows, and a note.
fn decision_form(ctx: &Ctx, id: i64, full: &J, rform: &[Pair], err: &dyn Fn(&str) -> Option<String>) -> Markup {
    let amount_id = format!("amount-{id}");
    let (lo, hi) = (full["amount"]["low"].as_str().unwrap_or(""), full["amount"]["high"].as_str());
    let typed = field(rform, "amount");
    let value = if typed.is_empty() && hi == Some(lo) { lo } else { typed };
    let range = match hi {
        Some(h) if h == lo => format!("{} {lo}元", ctx.l("desk-the-plan-fixes")),
        Some(h) => format!("{} {lo}元 – {h}元", ctx.l("desk-allowed")),
        None => format!("{} {lo}元", ctx.l("desk-at-least")),
    };
    let amount_err = err("amount");
    let described = match amount_err {
        Some(_) => format!("{amount_id}-range {amount_id}-error"),
        None => format!("{amount_id}-range"),
    };
    html! {
        form method="post" action={ "/desk/awards/" (id) "/decide" } {
            (ctx.csrf_field())
            fieldset {
                legend { (ctx.l("desk-decide-the-amount-and")) }
                label for=(amount_id) { (ctx.l("desk-amount-yuan")) }
                input id=(amount_id) name="amount" inputmode="decimal" value=(value) aria-describedby=(described)
                    aria-invalid=[amount_err.as_ref().map(|_| "true")];
                p.hint id={ (amount_id) "-range" } { (range) }
                (field_error(&amount_id, amount_err.as_ref()))
                label for={ "dreason-" (id) } { (ctx.l("desk-note")) }
                input id={ "dreason-" (id) } name="reason" value=(field(rform, "reason"));
                p { button type="submit" id={ "decide-" (id) } { (ctx.l("desk-decide")) } }
            }
        }
    }
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
            Ok(r) => render_queue(&ctx, &s, None, Some(r), None, None).await,
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
            Ok(r) => render_queue(&ctx, &s, None, Some(r), None, None).await,
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
            Ok(r) => render_queue(&ctx, &s, None, Some(r), None, None).await,
            Err(e) => super::store_error(&ctx, e),
        },
    }
}

#[derive(serde::Deserialize, Default, Clone)]
pub(super) struct FinanceQuery {
    /// A payment just made (its id), or a payout just reversed.
    paid: Option<i64>,
    reversed: Option<i64>,
    /// Which payouts to list: budget year, paying department, clause, county, status.
    #[serde(default)]
    year: String,
    #[serde(default)]
    dept: String,
    #[serde(default)]
    clause: String,
    #[serde(default)]
    county: String,
    #[serde(default)]
    status: String,
}

impl FinanceQuery {
    fn keeps(&self, x: &J) -> bool {
        let is = |want: &str, have: &J| {
            want.is_empty()
                || match have {
                    J::String(h) => h == want,
                    J::Number(n) => n.as_i64().is_some_and(|i| want.parse::<i64>() == Ok(i)),
                    _ => false,
                }
        };
        is(&self.year, &x["budget_year"])
            && is(&self.dept, &x["paid_by"])
            && is(&self.clause, &x["clause"])
            && is(&self.county, &x["entity"]["county"])
            && is(&self.status, &x["status"])
    }

    fn query(&self) -> String {
        let enc = query_value;
        format!(
            "year={}&dept={}&clause={}&county={}&status={}",
            enc(&self.year),
            enc(&self.dept),
            enc(&self.clause),
            enc(&self.county),
            enc(&self.status)
        )
    }
}

/// A value for a query string: unreserved bytes as they are, every other byte %-encoded.
fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn county_name(pack: &qiangke_rules::Pack, id: &str, lang: Lang) -> String {
    pack.enums[usize::from(pack.county_enum)].variants.iter().find(|v| v.id == id).map_or(id.to_string(), |v| v.name.get(lang).to_string())
}

/// The payouts finance lists, filtered, as a payment list for Excel (拨付清单): one row per
/// payout with its recipient, item, amount and voucher, and the total.
pub(super) async fn payouts_xlsx(ctx: Ctx, State(s): St, Query(q): Query<FinanceQuery>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    if !matches!(p.role, Role::Finance | Role::Admin) {
        return ctx.page_status(
            StatusCode::FORBIDDEN,
            ctx.l("desk-budget-payouts"),
            html! { p { (ctx.l("desk-only-finance-and-admin")) } },
        );
    }
    let payouts = match s.store.payouts(&s.pack, p, None).await {
        Ok(x) => x,
        Err(e) => return super::store_error(&ctx, e),
    };
    let rows: Vec<&J> = payouts.iter().filter(|x| q.keeps(x)).collect();
    match payment_list(&ctx, &s, &rows) {
        Ok(bytes) => (
            [
                (axum::http::header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"payouts.xlsx\""),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            eprintln!("qiangke: payment list: {e}");
            ctx.page_status(StatusCode::INTERNAL_SERVER_ERROR, ctx.l("desk-budget-payouts"), html! { p { (ctx.l("pay-list-failed")) } })
        }
    }
}

fn payment_list(ctx: &Ctx, s: &AppState, rows: &[&J]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let l = ctx.lang;
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(ctx.l("pay-list-sheet"))?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00").set_align(FormatAlign::Right);
    let money_bold = Format::new().set_num_format("#,##0.00").set_bold();
    let heads = [
        "pay-list-no",
        "desk-entity",
        "pay-list-uscc",
        "pay-list-county",
        "desk-clause",
        "pay-list-item",
        "desk-budget-year-2",
        "pay-list-payer",
        "pay-amount",
        "desk-status",
        "pay-voucher",
        "pay-date",
        "pay-account",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, ctx.l(h), &bold)?;
    }
    let mut total = Decimal::ZERO;
    for (i, x) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        // Amounts are exact to the fen; a spreadsheet number holds them exactly up to 90 trillion yuan.
        let amount: Decimal = x["amount"].as_str().and_then(|a| a.parse().ok()).unwrap_or_default();
        total += amount;
        let rule = s.pack.rules.iter().find(|ru| ru.id == x["rule"].as_str().unwrap_or(""));
        let payer = x["paid_by"].as_str().map_or(String::new(), |d| s.pack.department_name(d, l));
        sheet.write_number(r, 0, f64::from(r))?;
        sheet.write_string(r, 1, x["entity"]["name"].as_str().unwrap_or(""))?;
        sheet.write_string(r, 2, x["entity"]["uscc"].as_str().unwrap_or(""))?;
        sheet.write_string(r, 3, county_name(&s.pack, x["entity"]["county"].as_str().unwrap_or(""), l))?;
        sheet.write_string(r, 4, x["clause"].as_str().unwrap_or(""))?;
        sheet.write_string(r, 5, rule.map_or("", |ru| ru.title.get(l)))?;
        sheet.write_number(r, 6, x["budget_year"].as_f64().unwrap_or_default())?;
        sheet.write_string(r, 7, payer)?;
        sheet.write_number_with_format(r, 8, amount_number(amount), &money)?;
        sheet.write_string(r, 9, super::state_text(l, x["status"].as_str().unwrap_or("")))?;
        sheet.write_string(r, 10, x["payment"]["voucher"].as_str().unwrap_or(""))?;
        sheet.write_string(r, 11, x["payment"]["paid_on"].as_str().unwrap_or(""))?;
        sheet.write_string(r, 12, x["payment"]["account"].as_str().unwrap_or(""))?;
    }
    let last = (rows.len() + 1) as u32;
    sheet.write_string_with_format(last, 1, ctx.l("pay-total"), &bold)?;
    sheet.write_number_with_format(last, 8, amount_number(total), &money_bold)?;
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(2, 22)?;
    sheet.set_column_width(5, 36)?;
    sheet.set_column_width(8, 16)?;
    sheet.set_column_width(12, 20)?;
    wb.save_to_buffer()
}

/// A fen-exact amount as the spreadsheet's number: the integer fen, divided once, is the nearest
/// double to the amount (exact in the cell's two-decimal display up to 90 trillion yuan).
fn amount_number(d: Decimal) -> f64 {
    let fen = qiangke_store::to_fen(d).unwrap_or_default();
    fen as f64 / 100.0
}

pub(super) async fn finance(ctx: Ctx, State(s): St, Query(q): Query<FinanceQuery>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let mut notice = Vec::new();
    if let Some(id) = q.paid
        && let Ok(m) = s.store.payment(p, id).await
    {
        notice.push((
            "".to_string(),
            ctx.say(
                "pay-done",
                &[
                    ("id", &id.to_string()),
                    ("voucher", m["voucher"].as_str().unwrap_or("")),
                    ("total", &super::payments::yuan(&ctx, m["total"].as_str().unwrap_or("0"))),
                ],
            ),
        ));
    }
    if let Some(id) = q.reversed {
        notice.push(("".to_string(), ctx.say("pay-reversed", &[("id", &id.to_string())])));
    }
    finance_page(&ctx, &s, p, &[], &notice, StatusCode::OK, &q).await
}

/// The finance page: the budget, the payouts `q` keeps (ticked ones paid with one voucher, paid
/// ones reversible with a reason). `typed`: a refused payment form, kept; `messages`: by field (a
/// payment field, `reason-<payout>`), or a notice (empty field).
pub(super) async fn finance_page(
    ctx: &Ctx,
    s: &AppState,
    p: &qiangke_store::Principal,
    typed: &[(String, String)],
    messages: &[(String, String)],
    status: StatusCode,
    q: &FinanceQuery,
) -> Response {
    let title = ctx.l("desk-budget-payouts");
    if !matches!(p.role, Role::Finance | Role::Admin) {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("desk-only-finance-and-admin")) } });
    }
    let (budget, payouts) = match (s.store.budget(p, None).await, s.store.payouts(&s.pack, p, None).await) {
        (Ok(b), Ok(x)) => (b, x),
        (Err(e), _) | (_, Err(e)) => return super::store_error(ctx, e),
    };
    let finance = p.role == Role::Finance;
    // The filter's choices: what the payouts hold.
    let choices = |f: &dyn Fn(&J) -> String| -> Vec<String> {
        let mut v: Vec<String> = payouts.iter().map(f).filter(|x| !x.is_empty()).collect();
        v.sort();
        v.dedup();
        v
    };
    let years = choices(&|x| x["budget_year"].to_string());
    let depts = choices(&|x| x["paid_by"].as_str().unwrap_or("").to_string());
    let clauses = choices(&|x| x["clause"].as_str().unwrap_or("").to_string());
    let counties = choices(&|x| x["entity"]["county"].as_str().unwrap_or("").to_string());
    let dept_name = |id: &str| s.pack.department_name(id, ctx.lang);
    let payouts: Vec<J> = payouts.iter().filter(|x| q.keeps(x)).cloned().collect();
    let sum = |f: &dyn Fn(&J) -> bool| -> Decimal {
        payouts.iter().filter(|x| f(x)).filter_map(|x| x["amount"].as_str()?.parse::<Decimal>().ok()).sum()
    };
    let total = sum(&|_| true);
    let paid_total = sum(&|x| x["status"] == "paid");
    // By county: how many payouts, what they come to, what of it is paid.
    let mut by_county: std::collections::BTreeMap<String, (usize, Decimal, Decimal)> = std::collections::BTreeMap::new();
    for x in &payouts {
        let a: Decimal = x["amount"].as_str().and_then(|v| v.parse().ok()).unwrap_or_default();
        let e = by_county.entry(x["entity"]["county"].as_str().unwrap_or("").to_string()).or_default();
        e.0 += 1;
        e.1 += a;
        if x["status"] == "paid" {
            e.2 += a;
        }
    }
    let ticked = |id: i64| typed.iter().any(|(k, v)| k == "payout" && v.trim() == id.to_string());
    let msg = |f: String| messages.iter().find(|(k, _)| *k == f).map(|(_, m)| m.clone());
    let rows = html! {
        @for x in &payouts {
            @let id = x["id"].as_i64().unwrap_or(0);
            @let scheduled = x["status"] == "scheduled";
            @let hold = super::publication::hold_text(ctx, &x["hold"]);
            tr {
                td { @if scheduled && finance && hold.is_none() {
                    input type="checkbox" name="payout" value=(id) form="pay-form" id={ "pick-" (id) } checked[ticked(id)]
                        aria-label=(ctx.say("pay-pick", &[("id", &id.to_string())]));
                } }
                td { (id) }
                td translate="no" { (x["entity"]["name"].as_str().unwrap_or("")) }
                td { (x["clause"].as_str().unwrap_or("")) }
                td { (x["budget_year"]) }
                td.num { (super::payments::yuan(ctx, x["amount"].as_str().unwrap_or("0"))) }
                td {
                    (super::state_text(ctx.lang, x["status"].as_str().unwrap_or("")))
                    @if let Some(h) = &hold { br; span.hold id={ "hold-" (id) } { (h) } }
                }
                td {
                    @if let Some(m) = x["payment"].as_object() {
                        span translate="no" { (m["voucher"].as_str().unwrap_or("")) } " · " (m["paid_on"].as_str().unwrap_or(""))
                        " · " span translate="no" { (m["account"].as_str().unwrap_or("")) }
                    }
                    @for r in x["reversals"].as_array().into_iter().flatten() {
                        // What people typed (a voucher, a reason, a user name) is shown as typed.
                        p.notice { (ctx.say_html("pay-reversal-line", &[
                            ("voucher", html! { span translate="no" { (r["voucher"].as_str().unwrap_or("—")) } }),
                            ("reason", html! { span translate="no" { (r["reason"].as_str().unwrap_or("")) } }),
                            ("by", html! { span translate="no" { (r["by"].as_str().unwrap_or("")) } }),
                        ])) }
                    }
                }
                td { @if x["status"] == "paid" && finance {
                    form method="post" action={ "/finance/payouts/" (id) "/reversal" } class="inline" {
                        (ctx.csrf_field())
                        label.visually-hidden for={ "reason-" (id) } { (ctx.l("pay-reverse-reason")) }
                        input id={ "reason-" (id) } name="reason" required placeholder=(ctx.l("pay-reverse-reason"));
                        " "
                        button type="submit" class="secondary" id={ "reverse-" (id) } { (ctx.l("pay-reverse")) }
                    }
                    (super::field_error(&format!("reason-{id}"), msg(format!("reason-{id}")).as_ref()))
                } }
            }
        }
    };
    let cols = [
        ("", false),
        ("#", false),
        (ctx.l("desk-entity"), false),
        (ctx.l("desk-clause"), false),
        (ctx.l("desk-budget-year-2"), false),
        (ctx.l("pay-amount"), true),
        (ctx.l("desk-status"), false),
        (ctx.l("pay-voucher-paid"), false),
        ("", false),
    ];
    let body = html! {
        @for (_, m) in messages.iter().filter(|(k, _)| k.is_empty()) { p.card role="status" #pay-notice { (m) } }
        h2 { (ctx.l("desk-budget")) }
        (super::dashboard::budget_chart(ctx, &s.pack, &budget))
        @if finance { (appropriation_form(ctx, s, typed, messages)) }
        h2 { (ctx.l("desk-payouts")) }
        @if finance {
            form method="post" action="/finance/payments/confirm" id="pay-form" class="card" {
                (ctx.csrf_field())
                p.hint { (ctx.l("pay-how")) }
                (super::payments::payment_fields(ctx, typed, messages))
                p { button type="submit" #pay-review { (ctx.l("pay-review")) } }
            }
        }
        form method="get" action="/finance" class="card filters" #payout-filter {
            p {
                label for="f-year" { (ctx.l("desk-budget-year-2")) } " "
                select #f-year name="year" { option value="" { (ctx.l("audit-filter-any")) } @for y in &years { option value=(y) selected[q.year == *y] { (y) } } }
                " "
                label for="f-dept" { (ctx.l("pay-list-payer")) } " "
                select #f-dept name="dept" { option value="" { (ctx.l("audit-filter-any")) } @for d in &depts { option value=(d) selected[q.dept == *d] { (dept_name(d)) } } }
                " "
                label for="f-clause" { (ctx.l("desk-clause")) } " "
                select #f-clause name="clause" { option value="" { (ctx.l("audit-filter-any")) } @for c in &clauses { option value=(c) selected[q.clause == *c] { (c) } } }
                " "
                label for="f-county" { (ctx.l("pay-list-county")) } " "
                select #f-county name="county" { option value="" { (ctx.l("audit-filter-any")) } @for c in &counties { option value=(c) selected[q.county == *c] { (county_name(&s.pack, c, ctx.lang)) } } }
                " "
                label for="f-status" { (ctx.l("desk-status")) } " "
                select #f-status name="status" {
                    option value="" { (ctx.l("audit-filter-any")) }
                    @for st in ["scheduled", "paid"] { option value=(st) selected[q.status == st] { (super::state_text(ctx.lang, st)) } }
                }
                " "
                button type="submit" #payout-filter-apply { (ctx.l("audit-filter-apply")) }
                " "
                a href="/finance" { (ctx.l("audit-filter-clear")) }
                " · "
                a href={ "/finance/payouts.xlsx?" (q.query()) } #payouts-xlsx { (ctx.l("pay-list-download")) }
            }
        }
        (super::table(Some("payouts"), &cols, rows))
        p #payouts-total { (ctx.say("pay-list-totals", &[("count", &payouts.len().to_string()), ("total", &super::payments::yuan(ctx, &total.to_string())), ("paid", &super::payments::yuan(ctx, &paid_total.to_string()))])) }
        h3 { (ctx.l("pay-by-county")) }
        div.scroll { table #payouts-by-county {
            thead { tr { th { (ctx.l("pay-list-county")) } th.num { (ctx.l("pay-count")) } th.num { (ctx.l("pay-amount")) } th.num { (ctx.l("dash-paid-yuan")) } } }
            tbody { @for (c, (n, a, paid)) in &by_county { tr {
                td { (county_name(&s.pack, c, ctx.lang)) } td.num { (n) }
                td.num { (super::payments::yuan(ctx, &a.to_string())) } td.num { (super::payments::yuan(ctx, &paid.to_string())) }
            } } }
        } }
    };
    ctx.page_status(status, title, body)
}

/// Finance enters what the budget appropriates to a line: the lines are the clauses each
/// department pays, in the plan's years.
fn appropriation_form(ctx: &Ctx, s: &AppState, typed: &[(String, String)], messages: &[(String, String)]) -> Markup {
    let pack = &s.pack;
    let mut lines: Vec<(String, String, String)> = pack
        .rules
        .iter()
        .filter_map(|r| {
            r.paid_by.map(|d| (pack.department(d).id.clone(), pack.department(d).name.get(ctx.lang).to_string(), r.clause.clone()))
        })
        .collect();
    lines.sort();
    lines.dedup();
    let chosen = format!("{}|{}", field(typed, "paid_by"), field(typed, "clause"));
    // The year typed, else this year (within the plan's budget years).
    let year = match field(typed, "budget_year") {
        "" => s.store.today().year.clamp(pack.valid.0.year, pack.valid.1.year + 1).to_string(),
        y => y.to_string(),
    };
    let err = |f: &str| messages.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    html! {
        form method="post" action="/finance/appropriations" class="card" #appropriation-form {
            (ctx.csrf_field())
            p.hint { (ctx.l("appr-how")) }
            p {
                label for="appr-year" { (ctx.l("dash-budget-year")) } " "
                select #appr-year name="budget_year" {
                    @for y in pack.valid.0.year..=pack.valid.1.year + 1 { option value=(y) selected[year == y.to_string()] { (y) } }
                }
                " "
                label for="appr-line" { (ctx.l("appr-line")) } " "
                select #appr-line name="line" {
                    @for (id, name, clause) in &lines {
                        @let v = format!("{id}|{clause}");
                        option value=(v) selected[v == chosen] { (name) " · " (clause) }
                    }
                }
                " "
                label for="appr-amount" { (ctx.l("appr-amount")) } " "
                input #appr-amount name="amount" required value=(field(typed, "amount")) placeholder="3000000";
                " "
                button type="submit" #appropriate { (ctx.l("appr-save")) }
            }
            (field_error("appr-amount", err("amount").as_ref()))
            (field_error("appr-line", err("clause").or_else(|| err("paid_by")).as_ref()))
        }
    }
}

/// Records an appropriation from the finance page.
pub(super) async fn appropriate(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/finance") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let (paid_by, clause) = field(&form, "line").split_once('|').unwrap_or(("", ""));
    let input = qiangke_store::ledger::AppropriationInput {
        budget_year: field(&form, "budget_year").trim().parse().unwrap_or(0),
        paid_by: paid_by.to_string(),
        clause: clause.to_string(),
        amount: field(&form, "amount").to_string(),
    };
    match s.store.appropriate(&s.pack, &p, &input).await {
        Ok(_) => Redirect::to("/finance#budget-table").into_response(),
        Err(Error::Invalid(errs)) => {
            let mut typed = form.clone();
            typed.push(("paid_by".into(), paid_by.into()));
            typed.push(("clause".into(), clause.into()));
            let messages: Vec<(String, String)> = errs.iter().map(|e| (e.field.clone(), e.text(ctx.lang))).collect();
            finance_page(&ctx, &s, &p, &typed, &messages, StatusCode::UNPROCESSABLE_ENTITY, &FinanceQuery::default()).await
        }
        Err(e) => super::store_error(&ctx, e),
    }
}

#[derive(serde::Deserialize, Default)]
pub(super) struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

/// Entries on one page of the audit trail.
const AUDIT_PAGE: i64 = 100;

/// The filter a query asks for, or what is wrong with it (field, message). Days are China
/// Standard Time, both included.
fn audit_filter(ctx: &Ctx, q: &AuditQuery, limit: i64) -> Result<qiangke_store::ledger::AuditFilter, Vec<(String, String)>> {
    let mut errs = Vec::new();
    let day = |field: &str, v: &str, end: bool, errs: &mut Vec<(String, String)>| -> Option<i64> {
        let v = v.trim();
        if v.is_empty() {
            return None;
        }
        match qiangke_rules::value::Date::parse_msg(v) {
            Ok(_) => qiangke_store::parse_rfc3339(&format!("{v}T00:00:00.000Z"))
                .map(|ms| ms - 8 * 3_600_000 + if end { 86_400_000 - 1 } else { 0 }),
            Err(m) => {
                errs.push((field.to_string(), m.render(ctx.lang)));
                None
            }
        }
    };
    let from_ms = day("from", &q.from, false, &mut errs);
    let to_ms = day("to", &q.to, true, &mut errs);
    let entity = match q.entity.trim() {
        "" => None,
        e => match e.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                errs.push(("entity".into(), ctx.l("audit-filter-entity-number").to_string()));
                None
            }
        },
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(qiangke_store::ledger::AuditFilter {
        entity,
        user: q.user.trim().to_string(),
        action: q.action.trim().to_string(),
        from_ms,
        to_ms,
        before: q.before,
        limit,
    })
}

pub(super) async fn audit(ctx: Ctx, State(s): St, Query(q): Query<AuditQuery>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let (filter, errors) = match audit_filter(&ctx, &q, AUDIT_PAGE) {
        Ok(f) => (f, Vec::new()),
        Err(e) => (qiangke_store::ledger::AuditFilter { limit: AUDIT_PAGE, ..Default::default() }, e),
    };
    let entries = match s.store.audit_search(p, &filter).await {
        Ok(e) => e,
        Err(e) => return super::store_error(&ctx, e),
    };
    // The chain checked now, for admin and finance (who may run the check).
    let check = match matches!(p.role, Role::Admin | Role::Finance) {
        true => s.store.verify_audit(&[]).await.ok(),
        false => None,
    };
    let rows = html! {
        @for e in &entries {
            @let at = e["at"].as_str().unwrap_or("");
            @let action = e["action"].as_str().unwrap_or("");
            // The time in Beijing, to the minute (the exact UTC instant on hovering).
            @let when = qiangke_store::parse_rfc3339(at).map_or_else(|| at.to_string(), qiangke_store::cst_minutes);
            tr {
                td { (e["seq"]) }
                td { time datetime=(at) title=(at) { (when) } }
                td translate="no" { (actor_text(ctx.lang, e["actor"].as_str().unwrap_or(""))) }
                td title=(action) { (action_name(ctx.lang, action)) }
                td { (subject_text(ctx.lang, &s.pack, e["subject"].as_str().unwrap_or(""))) }
                td { (detail_html(&ctx, &s.pack, &e["detail"])) }
            }
        }
    };
    let cols = [
        ("#", false),
        (ctx.l("desk-time"), false),
        (ctx.l("desk-actor"), false),
        (ctx.l("desk-action"), false),
        (ctx.l("desk-subject"), false),
        (ctx.l("desk-detail"), false),
    ];
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    // The same filter for the next page and for the download.
    let enc = query_value;
    let query =
        format!("entity={}&user={}&action={}&from={}&to={}", enc(&q.entity), enc(&q.user), enc(&q.action), enc(&q.from), enc(&q.to));
    let older = entries.last().and_then(|e| e["seq"].as_i64()).filter(|_| entries.len() as i64 == AUDIT_PAGE);
    let body = html! {
        // What the chain shows, said exactly (SECURITY.md): not "any edit is detectable".
        p { (ctx.l("desk-each-entry-is-chained")) }
        @if let Some(v) = check {
            @if v.problems.is_empty() {
                p.card role="status" #chain-verified { (ctx.l("desk-verified")) " " (v.entries) " " (ctx.l("desk-entries-and-the-awards")) }
            } @else {
                div.error role="alert" #chain-broken {
                    p { (ctx.l("desk-verification-failed")) }
                    ul { @for x in &v.problems { li { (x) } } }
                }
            }
        }
        form method="get" action="/audit" class="card filters" #audit-filter {
            p {
                label for="f-entity" { (ctx.l("audit-filter-entity")) } " "
                input #f-entity name="entity" inputmode="numeric" size="6" value=(q.entity);
                " "
                label for="f-user" { (ctx.l("audit-filter-user")) } " "
                input #f-user name="user" size="12" value=(q.user);
                " "
                label for="f-action" { (ctx.l("audit-filter-action")) } " "
                select #f-action name="action" {
                    option value="" { (ctx.l("audit-filter-any")) }
                    @for (a, _) in ACTIONS { option value=(a) selected[q.action == *a] { (action_name(ctx.lang, a)) } }
                }
            }
            p {
                label for="f-from" { (ctx.l("audit-filter-from")) } " "
                input #f-from name="from" type="date" value=(q.from);
                " "
                label for="f-to" { (ctx.l("audit-filter-to")) } " "
                input #f-to name="to" type="date" value=(q.to);
                " "
                button type="submit" #audit-apply { (ctx.l("audit-filter-apply")) }
                " "
                a href="/audit" { (ctx.l("audit-filter-clear")) }
                " · "
                a href={ "/audit.csv?" (query) } #audit-export { (ctx.l("audit-export-csv")) }
            }
            (super::field_error("f-entity", err("entity").as_ref()))
            (super::field_error("f-from", err("from").as_ref()))
            (super::field_error("f-to", err("to").as_ref()))
        }
        @if entries.is_empty() { p #audit-none { (ctx.l("audit-none-match")) } }
        (super::table(Some("audit"), &cols, rows))
        @if let Some(seq) = older { p { a href={ "/audit?" (query) "&before=" (seq) } #audit-older { (ctx.l("audit-older")) } } }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    ctx.page_status(status, ctx.l("desk-audit-trail"), body)
}

/// The audit trail as the page filters it, as CSV (UTF-8 with a byte-order mark, which Excel
/// needs to read Chinese): every entry that matches, up to 100,000, newest first.
pub(super) async fn audit_csv(ctx: Ctx, State(s): St, Query(q): Query<AuditQuery>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let Ok(mut filter) = audit_filter(&ctx, &q, 1000) else {
        return audit(ctx, State(s), Query(q)).await;
    };
    let cell = |v: &str| if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() };
    let mut out = String::from("\u{feff}");
    let head = [
        ctx.l("audit-csv-seq"),
        ctx.l("desk-time"),
        ctx.l("desk-actor"),
        ctx.l("desk-action"),
        ctx.l("desk-subject"),
        ctx.l("audit-csv-detail"),
        ctx.l("audit-csv-hash"),
    ];
    out.push_str(&head.map(cell).join(","));
    out.push_str("\r\n");
    let mut n = 0;
    loop {
        let page = match s.store.audit_search(p, &filter).await {
            Ok(e) => e,
            Err(e) => return super::store_error(&ctx, e),
        };
        for e in &page {
            let at = e["at"].as_str().unwrap_or("");
            let row = [
                e["seq"].to_string(),
                qiangke_store::parse_rfc3339(at).map_or_else(|| at.to_string(), qiangke_store::cst_minutes),
                actor_text(ctx.lang, e["actor"].as_str().unwrap_or("")),
                action_name(ctx.lang, e["action"].as_str().unwrap_or("")),
                subject_text(ctx.lang, &s.pack, e["subject"].as_str().unwrap_or("")),
                e["detail"].to_string(),
                e["hash"].as_str().unwrap_or("").to_string(),
            ];
            out.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        n += page.len();
        match page.last().and_then(|e| e["seq"].as_i64()) {
            Some(seq) if page.len() as i64 == filter.limit && n < 100_000 => filter.before = Some(seq),
            _ => break,
        }
    }
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\"".to_string()),
        ],
        out,
    )
        .into_response()
}

/// Who made an entry: a user by name (`user:2:tax` → tax), the first start by its name.
fn actor_text(lang: Lang, actor: &str) -> String {
    match actor.strip_prefix("user:") {
        Some(rest) => rest.split_once(':').map_or(rest, |(_, name)| name).to_string(),
        None if actor == "bootstrap" => qiangke_i18n::text(lang, "audit-actor-bootstrap", &[]),
        None if actor == "public" => qiangke_i18n::text(lang, "audit-actor-public", &[]),
        None => actor.to_string(),
    }
}

/// What an entry is about (`award:12`) as people say it: "奖补 12".
fn subject_text(lang: Lang, pack: &qiangke_rules::Pack, subject: &str) -> String {
    let (kind, id) = subject.split_once(':').unwrap_or((subject, ""));
    // A budget line (`budget:2024:science-bureau:四(二)8`): its year, paying department and clause.
    if kind == "budget"
        && let [year, dept, clause] = id.splitn(3, ':').collect::<Vec<_>>()[..]
    {
        let dept = pack.department_name(dept, lang);
        return qiangke_i18n::text(lang, "audit-subject-budget", &[("year", year), ("department", &dept), ("clause", clause)]);
    }
    let what = match kind {
        "entity" => "audit-subject-entity",
        "award" => "audit-subject-award",
        "import" => "audit-subject-import",
        "user" => "audit-subject-user",
        "application" => "audit-subject-application",
        "payout" => "audit-subject-payout",
        "round" => "audit-subject-round",
        "publication" => "audit-subject-publication",
        "payment" => "audit-subject-payment",
        "observations" => "audit-subject-observations",
        "task_updates" => "audit-subject-tasks",
        _ => return subject.to_string(),
    };
    qiangke_i18n::text(lang, what, &[("id", id)])
}

/// The detail of an entry: the fields people read, by name and in their language (rules by
/// title, departments by name, yes/no as words); the entry exactly as recorded (and hashed) one
/// click away.
fn detail_html(ctx: &Ctx, pack: &qiangke_rules::Pack, d: &J) -> Markup {
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
            "voucher" => "audit-key-voucher",
            "paid_on" => "audit-key-paid-on",
            "account" => "audit-key-account",
            "total" => "audit-key-total",
            "title" => "audit-key-title",
            "starts_on" => "audit-key-starts-on",
            "ends_on" => "audit-key-ends-on",
            "publication" => "audit-key-publication",
            "objection" => "audit-key-objection",
            "withdrawn" => "audit-key-withdrawn",
            "awards" => "audit-key-awards",
            _ => continue,
        };
        // Amounts in yuan as people write them; a range as low – high.
        let yuan = |t: &str| t.parse::<qiangke_rules::Decimal>().map_or(t.to_string(), qiangke_rules::value::money_yuan);
        let value = match (k.as_str(), v) {
            ("amount" | "total", J::String(t)) => yuan(t),
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
            ("department", J::String(id)) => pack.department_name(id, ctx.lang),
            ("status", J::String(st)) => super::state_text(ctx.lang, st),
            ("role", J::String(r)) => Role::parse(r).map_or(r.clone(), |role| super::role_text(ctx.lang, role)),
            (_, J::String(t)) if t.is_empty() => continue,
            (_, J::String(t)) => t.clone(),
            (_, J::Bool(b)) => ctx.l(if *b { "ex-yes" } else { "ex-no" }).to_string(),
            (_, J::Null) => continue,
            (_, other) => other.to_string(),
        };
        // What a user typed (a name, a source label) is shown as typed.
        let value = if matches!(k.as_str(), "username" | "source" | "reason" | "voucher" | "account" | "title") {
            html! { span translate="no" { (value) } }
        } else {
            html! { (value) }
        };
        items.push(ctx.say_html("audit-field", &[("key", html! { (ctx.l(key)) }), ("value", value)]));
    }
    html! {
        @for (i, item) in items.into_iter().enumerate() { @if i > 0 { br; } (item) }
        details { summary { (ctx.l("audit-as-recorded")) } pre translate="no" { (serde_json::to_string_pretty(d).unwrap_or_default()) } }
    }
}

/// Every audit action with its catalogue id (the filter of the audit page lists them).
const ACTIONS: &[(&str, &str)] = &[
    ("application.create", "audit-application-create"),
    ("award.create", "audit-award-create"),
    ("award.propose", "audit-award-propose"),
    ("award.flag", "audit-award-flag"),
    ("award.confirm", "audit-award-confirm"),
    ("award.decline", "audit-award-decline"),
    ("round.open", "audit-round-open"),
    ("award.approve", "audit-award-approve"),
    ("award.reject", "audit-award-reject"),
    ("award.decide", "audit-award-decide"),
    ("award.second-approval", "audit-award-second-approval"),
    ("entity.register", "audit-entity-register"),
    ("facts.record", "audit-facts-record"),
    ("facts.import", "audit-facts-import"),
    ("facts.imported", "audit-facts-imported"),
    ("observations.record", "audit-observations-record"),
    ("payout.paid", "audit-payout-paid"),
    ("payout.reverse", "audit-payout-reverse"),
    ("payment.create", "audit-payment-create"),
    ("publication.create", "audit-publication-create"),
    ("award.publish", "audit-award-publish"),
    ("objection.file", "audit-objection-file"),
    ("objection.uphold", "audit-objection-uphold"),
    ("objection.reject", "audit-objection-reject"),
    ("budget.appropriate", "audit-budget-appropriate"),
    ("tasks.update", "audit-tasks-update"),
    ("user.create", "audit-user-create"),
    ("user.update", "audit-user-update"),
    ("user.password", "audit-user-password"),
    ("user.sessions-revoked", "audit-user-sessions-revoked"),
];

/// An audit action (`award.decide`) by its name in `lang` (决定兑现); an action this list does not
/// know (one added later) by its code.
fn action_name(lang: Lang, action: &str) -> String {
    match ACTIONS.iter().find(|(a, _)| *a == action) {
        Some((_, id)) => qiangke_i18n::text(lang, id, &[]),
        None => action.to_string(),
    }
}
