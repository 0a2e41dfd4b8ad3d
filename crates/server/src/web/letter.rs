//! Decision letters: one printable A4 notice per decided award (兑现通知书) and per award a
//! department refused (不予支持通知书), for the bureau to print and send and for the recipient to
//! read on its own page. Everything on it comes from the ledger and the pack: the recipient and
//! its credit code, the item with its clause and the plan's sentence, the amount in figures and in
//! capitals, the budget year, the departments, the date, the reference and the explanation.
//! The print stylesheet (`app.css`) drops the navigation so that the browser prints the letter
//! alone.

use super::Ctx;
use crate::api::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use qiangke_rules::Lang;
use qiangke_rules::value::{money_capitals, money_en, money_yuan};
use rust_decimal::Decimal;
use serde_json::Value as J;
use std::sync::Arc;

/// The reference a letter carries: the system's own, by budget year and award (no official
/// document number is made up; a bureau that numbers its letters writes its number beside it).
fn reference(a: &J) -> String {
    format!("QK-{}-{:06}", a["budget_year"], a["id"].as_i64().unwrap_or(0))
}

/// `2024年3月5日` / `2024-03-05`: the day (China Standard Time) of an RFC 3339 moment.
fn day(at: &J, lang: Lang) -> String {
    let Some(ms) = at.as_str().and_then(qiangke_store::parse_rfc3339) else { return "—".into() };
    let date = qiangke_store::cst_minutes(ms);
    let date = &date[..10.min(date.len())];
    match (lang, date.split('-').collect::<Vec<_>>().as_slice()) {
        (Lang::Zh, [y, m, d]) => format!("{y}年{}月{}日", m.trim_start_matches('0'), d.trim_start_matches('0')),
        _ => date.to_string(),
    }
}

pub(super) async fn letter(ctx: Ctx, State(s): State<Arc<AppState>>, Path(id): Path<i64>) -> Response {
    let p = match ctx.require_user() {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let a = match s.store.award(p, id).await {
        Ok(a) => a,
        Err(e) => return super::store_error(&ctx, e),
    };
    let refusal = a["verifications"].as_array().into_iter().flatten().find(|v| v["verdict"] == "reject");
    let decided = final_decision(&a);
    let (title, body) = match (decided, refusal) {
        // A decision withdrawn after an objection was upheld: not supported, and why.
        _ if a["withdrawn"].is_object() => (ctx.l("letter-refusal-title"), withdrawal_letter(&ctx, &s, &a)),
        (true, _) => (ctx.l("letter-award-title"), award_letter(&ctx, &s, &a)),
        (false, Some(v)) if a["status"] == "rejected" => (ctx.l("letter-refusal-title"), refusal_letter(&ctx, &s, &a, v)),
        _ => {
            let body = html! { p #letter-not-yet { (ctx.l("letter-not-yet")) } };
            return ctx.page_status(StatusCode::CONFLICT, ctx.l("letter-title"), body);
        }
    };
    let page = html! {
        p.noprint.hint { (ctx.l("letter-print-hint")) }
        article.letter #letter {
            p.issuer { (issuer(&ctx, &s, &a, refusal)) }
            h2 { (title) }
            p.ref { (ctx.l("letter-reference")) ": " span #letter-ref { (reference(&a)) } }
            (body)
        }
    };
    ctx.page(title, page)
}

/// Whether the award's decision is final: made, not refused or withdrawn, and — above the
/// ceiling for open amounts — approved a second time. Only a final decision gets a letter.
pub(crate) fn final_decision(a: &J) -> bool {
    let d = &a["decision"];
    d.is_object()
        && a["status"] != "rejected"
        && !a["withdrawn"].is_object()
        && (d["above_ceiling"].is_null() || d["second_approval"].is_object())
}

/// When the decision became final: its second approval, else the decision itself.
fn decided_at(a: &J) -> &J {
    let second = &a["decision"]["second_approval"]["at"];
    if second.is_string() { second } else { &a["decision"]["at"] }
}

/// Who issues it: the department that decided (or refused), else the one that pays.
fn issuer(ctx: &Ctx, s: &AppState, a: &J, refusal: Option<&J>) -> String {
    let dept = a["decision"]["department"].as_str().or_else(|| refusal.and_then(|v| v["department"].as_str()));
    match dept.or_else(|| a["paid_by"].as_str()) {
        Some(d) => s.pack.department_name(d, ctx.lang),
        None => ctx.l("letter-the-bureau").to_string(),
    }
}

/// What both letters say about the recipient and the item.
fn head(ctx: &Ctx, a: &J) -> Markup {
    let lk = if ctx.lang == Lang::Zh { "zh" } else { "en" };
    let r = &a["result"];
    html! {
        p.to { span translate="no" #letter-recipient { (a["entity"]["name"].as_str().unwrap_or("")) } (ctx.l("letter-colon")) }
        table.letter-facts {
            tr { th scope="row" { (ctx.l("letter-credit-code")) } td translate="no" #letter-uscc { (a["entity"]["uscc"].as_str().unwrap_or("")) } }
            tr { th scope="row" { (ctx.l("letter-item")) } td { "[" (a["clause"].as_str().unwrap_or("")) "] " (r["title"][lk].as_str().unwrap_or("")) } }
            tr { th scope="row" { (ctx.l("letter-basis")) } td { blockquote lang="zh-Hans" { "「" (r["quote"].as_str().unwrap_or("")) "」" } } }
        }
    }
}

fn award_letter(ctx: &Ctx, s: &AppState, a: &J) -> Markup {
    let l = ctx.lang;
    let lk = if l == Lang::Zh { "zh" } else { "en" };
    let amount: Decimal = a["decision"]["amount"].as_str().and_then(|x| x.parse().ok()).unwrap_or_default();
    let figures = if l == Lang::Zh { money_yuan(amount) } else { money_en(amount) };
    let verifiers: Vec<String> =
        a["verified_by"].as_array().into_iter().flatten().filter_map(J::as_str).map(|d| s.pack.department_name(d, l)).collect();
    let payer = a["paid_by"].as_str().map_or_else(|| "—".to_string(), |d| s.pack.department_name(d, l));
    html! {
        (head(ctx, a))
        p { (ctx.say("letter-award-sentence", &[("plan", s.pack.title.get(l)), ("claim_year", &a["claim_year"].to_string()), ("budget_year", &a["budget_year"].to_string())])) }
        table.letter-facts {
            tr { th scope="row" { (ctx.l("letter-amount")) } td #letter-amount { (figures) } }
            tr { th scope="row" { (ctx.l("letter-amount-capitals")) } td #letter-capitals lang="zh-Hans" { "人民币" (money_capitals(amount).unwrap_or_default()) } }
            tr { th scope="row" { (ctx.l("letter-budget-year")) } td { (a["budget_year"]) } }
            tr { th scope="row" { (ctx.l("letter-verified-by")) } td { (verifiers.join(ctx.l("policy-list-separator"))) } }
            tr { th scope="row" { (ctx.l("letter-paid-by")) } td { (payer) } }
            tr { th scope="row" { (ctx.l("letter-decided-on")) } td #letter-date { (day(decided_at(a), l)) } }
        }
        @if let Some(reason) = a["decision"]["reason"].as_str().filter(|r| !r.trim().is_empty()) {
            p { (ctx.l("letter-decision-note")) ": " (reason) }
        }
        h3 { (ctx.l("letter-how-computed")) }
        pre.explanation { (plain(&s.pack, a, a["result"]["explanation"][lk].as_str().unwrap_or(""))) }
        p.sign { (ctx.l("letter-sign")) }
    }
}

fn refusal_letter(ctx: &Ctx, s: &AppState, a: &J, v: &J) -> Markup {
    let l = ctx.lang;
    html! {
        (head(ctx, a))
        p { (ctx.say("letter-refusal-sentence", &[("claim_year", &a["claim_year"].to_string()), ("department", &s.pack.department_name(v["department"].as_str().unwrap_or(""), l))])) }
        table.letter-facts {
            tr { th scope="row" { (ctx.l("letter-reason")) } td #letter-reason { (v["reason"].as_str().unwrap_or("")) } }
            tr { th scope="row" { (ctx.l("letter-refused-on")) } td #letter-date { (day(&v["at"], l)) } }
        }
        p { (ctx.l("letter-refusal-next")) }
        p.sign { (ctx.l("letter-sign")) }
    }
}

/// The letter of a decision withdrawn after an objection to its 公示 was upheld.
fn withdrawal_letter(ctx: &Ctx, s: &AppState, a: &J) -> Markup {
    let l = ctx.lang;
    let dept =
        a["decision"]["department"].as_str().map_or_else(|| ctx.l("letter-the-bureau").to_string(), |d| s.pack.department_name(d, l));
    html! {
        (head(ctx, a))
        p { (ctx.say("letter-withdrawal-sentence", &[("claim_year", &a["claim_year"].to_string()), ("department", &dept)])) }
        table.letter-facts {
            tr { th scope="row" { (ctx.l("letter-reason")) } td #letter-reason { (a["withdrawn"]["reason"].as_str().unwrap_or("")) } }
            tr { th scope="row" { (ctx.l("letter-refused-on")) } td #letter-date { (day(&a["withdrawn"]["at"], l)) } }
        }
        p { (ctx.l("letter-refusal-next")) }
        p.sign { (ctx.l("letter-sign")) }
    }
}

/// The explanation as a recipient reads it: without the rule's id after its title and the
/// notes' ids before their choices (the ids are for analysts; the clause and the sentence stay).
pub(crate) fn plain(pack: &qiangke_rules::Pack, a: &J, text: &str) -> String {
    let mut out = text.replace(&format!(" ({})\n", a["rule"].as_str().unwrap_or("\u{0}")), "\n");
    for n in &pack.notes {
        out = out.replace(&format!("] {} — ", n.id), "] ");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_letter_says_no_ids() {
        let pack =
            qiangke_rules::load_pack(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packs/wuwei-2022")).expect("pack");
        let a = serde_json::json!({"rule": "high-tech-new"});
        let text = "\n[四(二)7] 新认定高新技术企业一次性补助 (high-tech-new)\n  可获补助: 200,000.00元\n  解释说明 [一] plan-period — 奖励所依据的事项须发生在2022年1月1日至2025年12月31日\n";
        assert_eq!(
            super::plain(&pack, &a, text),
            "\n[四(二)7] 新认定高新技术企业一次性补助\n  可获补助: 200,000.00元\n  解释说明 [一] 奖励所依据的事项须发生在2022年1月1日至2025年12月31日\n"
        );
    }
}
