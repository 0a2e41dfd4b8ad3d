//! Paying from the finance page: finance ticks the scheduled payouts a voucher pays, gives the
//! voucher's number, the payment date and the paying account, checks the total on a confirmation
//! page and pays them all at once. The confirmation carries a request key, so a form sent twice
//! pays once. A payout paid in error is reversed with a reason, never edited.

use super::{Ctx, field};
use crate::api::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use qiangke_rules::value::money_yuan;
use qiangke_store::Role;
use qiangke_store::ledger::PaymentInput;
use rust_decimal::Decimal;
use serde_json::Value as J;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

type St = State<Arc<AppState>>;
type Form = axum::Form<Vec<(String, String)>>;

/// An amount as people read it: `200,000.00元` (English: `200,000.00 yuan`).
pub(crate) fn yuan(ctx: &Ctx, amount: &str) -> String {
    let d: Decimal = amount.parse().unwrap_or_default();
    if ctx.lang == qiangke_rules::Lang::Zh { money_yuan(d) } else { qiangke_rules::value::money_en(d) }
}

/// A key no other confirmation page carries: the user, the moment and a counter, hashed.
fn request_key(user: i64) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let h = Sha256::digest(format!("{user}:{}:{n}:{:?}", qiangke_store::now_ms(), std::time::SystemTime::now()).as_bytes());
    hex::encode(&h[..16])
}

fn input_of(form: &[(String, String)]) -> (PaymentInput, Vec<String>) {
    let mut bad = Vec::new();
    let payouts = form
        .iter()
        .filter(|(k, _)| k == "payout")
        .filter_map(|(_, v)| v.trim().parse::<i64>().map_err(|_| bad.push(v.clone())).ok())
        .collect();
    let input = PaymentInput {
        payouts,
        voucher: field(form, "voucher").to_string(),
        paid_on: field(form, "paid_on").to_string(),
        account: field(form, "account").to_string(),
        request_key: Some(field(form, "request_key").to_string()).filter(|k| !k.is_empty()),
    };
    (input, bad)
}

/// The fields of the payment form (on the finance page, and kept on the confirmation).
pub(crate) fn payment_fields(ctx: &Ctx, typed: &[(String, String)], errors: &[(String, String)]) -> Markup {
    let err = |f: &str| errors.iter().find(|(k, _)| k == f).map(|(_, m)| m.clone());
    html! {
        p {
            label for="voucher" { (ctx.l("pay-voucher")) } " "
            input #voucher name="voucher" required maxlength="64" value=(field(typed, "voucher"));
            " "
            label for="paid_on" { (ctx.l("pay-date")) } " "
            input #paid_on name="paid_on" type="date" required value=(field(typed, "paid_on"));
            " "
            label for="account" { (ctx.l("pay-account")) } " "
            input #account name="account" required maxlength="64" value=(field(typed, "account"));
        }
        (super::field_error("voucher", err("voucher").as_ref()))
        (super::field_error("paid_on", err("paid_on").as_ref()))
        (super::field_error("account", err("account").as_ref()))
        (super::field_error("payouts", err("payouts").as_ref()))
    }
}

/// The confirmation: what the voucher pays, and the total, before anything is recorded.
pub(super) async fn confirm(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/finance") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let title = ctx.l("pay-confirm-title");
    if p.role != Role::Finance {
        return ctx.page_status(StatusCode::FORBIDDEN, title, html! { p { (ctx.l("desk-only-finance-and-admin")) } });
    }
    let (input, _) = input_of(&form);
    let payouts = match s.store.payouts(&s.pack, &p, None).await {
        Ok(x) => x,
        Err(e) => return super::store_error(&ctx, e),
    };
    let chosen: Vec<&J> = input.payouts.iter().filter_map(|id| payouts.iter().find(|x| x["id"] == *id)).collect();
    let mut errors = Vec::new();
    if chosen.is_empty() {
        errors.push(("payouts".to_string(), ctx.l("pay-none-chosen").to_string()));
    }
    for (f, v) in [("voucher", &input.voucher), ("account", &input.account)] {
        if v.trim().is_empty() {
            errors.push((f.to_string(), qiangke_i18n::text(ctx.lang, "ledger-payment-field-missing", &[])));
        }
    }
    if let Err(m) = qiangke_rules::value::Date::parse_msg(input.paid_on.trim()) {
        errors.push(("paid_on".to_string(), m.render(ctx.lang)));
    }
    if let Some(x) = chosen.iter().find(|x| x["status"] != "scheduled") {
        errors.push(("payouts".to_string(), qiangke_i18n::text(ctx.lang, "ledger-payout-paid", &[("id", &x["id"].to_string())])));
    }
    // 公示: a payout whose period runs, under objection, or withdrawn is refused before the total.
    if let Some((x, h)) = chosen.iter().find_map(|x| super::publication::hold_text(&ctx, &x["hold"]).map(|h| (x, h))) {
        errors.push(("payouts".to_string(), format!("#{}: {h}", x["id"])));
    }
    if !errors.is_empty() {
        return super::desk::finance_page(&ctx, &s, &p, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY, &Default::default()).await;
    }
    let total: Decimal = chosen.iter().filter_map(|x| x["amount"].as_str()?.parse::<Decimal>().ok()).sum();
    let total = qiangke_rules::value::money_plain(total);
    let body = html! {
        p { (ctx.say("pay-confirm-what", &[("count", &chosen.len().to_string()), ("voucher", input.voucher.trim()), ("date", input.paid_on.trim()), ("account", input.account.trim())])) }
        div.scroll { table #pay-chosen {
            thead { tr { th { "#" } th { (ctx.l("desk-entity")) } th { (ctx.l("desk-clause")) } th { (ctx.l("desk-budget-year-2")) } th.num { (ctx.l("pay-amount")) } } }
            tbody {
                @for x in &chosen { tr {
                    td { (x["id"]) }
                    td translate="no" { (x["entity"]["name"].as_str().unwrap_or("")) }
                    td { (x["clause"].as_str().unwrap_or("")) }
                    td { (x["budget_year"]) }
                    td.num { (yuan(&ctx, x["amount"].as_str().unwrap_or("0"))) }
                } }
            }
            tfoot { tr { th colspan="4" scope="row" { (ctx.l("pay-total")) } td.num #pay-total { (yuan(&ctx, &total)) } } }
        } }
        form method="post" action="/finance/payments" class="card" {
            (ctx.csrf_field())
            @for x in &chosen { input type="hidden" name="payout" value=(x["id"]); }
            input type="hidden" name="voucher" value=(input.voucher.trim());
            input type="hidden" name="paid_on" value=(input.paid_on.trim());
            input type="hidden" name="account" value=(input.account.trim());
            input type="hidden" name="request_key" value=(request_key(p.user_id));
            p { button type="submit" #pay-confirm { (ctx.say("pay-confirm-button", &[("total", &yuan(&ctx, &total))])) } " " a href="/finance" { (ctx.l("pay-back")) } }
            p.hint { (ctx.l("pay-once-hint")) }
        }
    };
    ctx.page(title, body)
}

/// Pays: all the payouts of the confirmation with its voucher, once however often it is sent.
pub(super) async fn pay(ctx: Ctx, State(s): St, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/finance") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let (input, _) = input_of(&form);
    match s.store.pay(&s.pack, &p, &input).await {
        Ok(x) => Redirect::to(&format!("/finance?paid={}", x["id"])).into_response(),
        Err(e) => {
            let (status, msg) = super::refusal_text(&ctx, e);
            super::desk::finance_page(&ctx, &s, &p, &form, &[("payouts".to_string(), msg)], status, &Default::default()).await
        }
    }
}

/// Reverses a paid payout, with its reason.
pub(super) async fn reverse(ctx: Ctx, State(s): St, Path(id): Path<i64>, axum::Form(form): Form) -> Response {
    let p = match ctx.acting(&form, "/finance") {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match s.store.reverse_payout(&s.pack, &p, id, field(&form, "reason")).await {
        Ok(_) => Redirect::to(&format!("/finance?reversed={id}")).into_response(),
        Err(e) => {
            let (status, msg) = super::refusal_text(&ctx, e);
            super::desk::finance_page(&ctx, &s, &p, &[], &[(format!("reason-{id}"), msg)], status, &Default::default()).await
        }
    }
}
