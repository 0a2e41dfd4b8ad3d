//! The dashboard: indicator progress toward the 2022 and 2025 targets, the award budget by year
//! and department, task status by responsible unit. Charts are SVG drawn here (no script, no
//! inline style); every figure in a chart is also in a table beside it.

use super::Ctx;
use crate::api::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};
use qiangke_monitor::report as monitor_report;
use qiangke_monitor::tasks::{by_unit, task_status};
use qiangke_rules::Lang;
use qiangke_store::Role;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub(super) struct YearQuery {
    year: Option<i32>,
}

/// Pixels for `value` on a scale where `full` is `width` pixels (exact ratio, rounded once).
fn px(value: Decimal, full: Decimal, width: i64) -> i64 {
    if full <= Decimal::ZERO {
        return 0;
    }
    (value / full * Decimal::from(width)).round().to_i64().unwrap_or(0).clamp(0, width * 2)
}

fn pct(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(2).normalize())
}

fn status_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "achieved" => super::label(lang, "dash-achieved"),
        "on-track" => super::label(lang, "dash-on-track"),
        "behind" => super::label(lang, "dash-behind"),
        "at-risk" => super::label(lang, "dash-at-risk"),
        _ => super::label(lang, "dash-not-computable"),
    }
}

pub(super) async fn page(ctx: Ctx, State(s): State<Arc<AppState>>, Query(q): Query<YearQuery>) -> Response {
    let pack = &s.pack;
    let l = ctx.lang;
    let year = q.year.unwrap_or(2025).clamp(2021, 2030);
    let (obs, ups, counts) = match (s.store.observations(pack).await, s.store.task_updates(pack).await, s.store.award_counts().await) {
        (Ok(o), Ok(u), Ok(c)) => (o, u, c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return super::store_error(&ctx, e),
    };
    let r = monitor_report::build(pack, &obs, &ups, year, &s.weights, Some(&counts));
    // The award budget by year and paying department, for those who may see it.
    let budget = match ctx.user.as_ref().filter(|u| matches!(u.role, Role::Finance | Role::Admin | Role::County)) {
        None => html! { p { (ctx.l("dash-visible-to-finance-admin")) } },
        Some(u) => match s.store.budget(u, None).await {
            Err(e) => return super::store_error(&ctx, e),
            Ok(b) => budget_chart(&ctx, pack, &b),
        },
    };
    let body = html! {
        form method="get" action="/dashboard" class="card" {
            label for="d-year" { (ctx.l("dash-report-year")) }
            select id="d-year" name="year" { @for y in 2022..=2025 { option value=(y) selected[y == year] { (y) } } }
            " "
            button type="submit" { (ctx.l("dash-show")) }
        }
        section aria-labelledby="ind-h" {
            h2 #ind-h { (ctx.l("dash-indicator-progress-city")) }
            (indicator_chart(&ctx, pack, &r))
            (indicator_table(&ctx, pack, &r))
        }
        section aria-labelledby="bud-h" {
            h2 #bud-h { (ctx.l("dash-award-budget-by-year")) }
            (budget)
        }
        section aria-labelledby="task-h" {
            h2 #task-h { (ctx.l("dash-tasks-by-responsible-unit")) }
            (task_table(&ctx, pack, &ups, year))
        }
        @if !r.missing.is_empty() {
            details.card {
                summary { (ctx.l("dash-missing-data")) " (" (r.missing.len()) ")" }
                ul { @for m in &r.missing { li { (m.render(l)) } } }
            }
        }
    };
    ctx.page(ctx.l("dash-dashboard"), body)
}

/// Indicators: share of the way to 2025, with the linear path marked.
fn indicator_chart(ctx: &Ctx, pack: &qiangke_rules::Pack, r: &monitor_report::Report) -> Markup {
    let l = ctx.lang;
    let row_h = 24i64;
    let (x0, w) = (300i64, 420i64);
    let h = 40 + row_h * r.city.len() as i64;
    html! {
        div.scroll { svg xmlns="http://www.w3.org/2000/svg" width=(x0 + w + 120) height=(h) role="img" aria-labelledby="ind-svg-t" {
            title #ind-svg-t { (ctx.l("dash-share-of-the-way")) }
            line x1=(x0) y1="20" x2=(x0) y2=(h - 10) stroke="#333" {}
            line x1=(x0 + w) y1="20" x2=(x0 + w) y2=(h - 10) stroke="#999" stroke-dasharray="4" {}
            text x=(x0 + w - 16) y="14" { "100%" }
            @for (i, p) in r.city.iter().enumerate() {
                @let d = &pack.plan.indicators[p.indicator];
                @let y = 24 + row_h * i as i64;
                @let name = match l { Lang::Zh => &d.name, Lang::En => &d.title.en };
                text x=(x0 - 6) y=(y + 14) text-anchor="end" { (d.number) ". " (name.chars().take(22).collect::<String>()) }
                @match p.share {
                    Some(sh) => {
                        @let bw = px(sh.max(Decimal::ZERO), Decimal::ONE, w).min(w + 100);
                        @let color = match p.status.code() {
                            "achieved" | "on-track" => "#1f7a3a",
                            "behind" => "#a35b00",
                            _ => "#b3261e",
                        };
                        rect x=(x0) y=(y + 2) width=(bw) height=(row_h - 8) fill=(color) {}
                        text x=(x0 + bw + 4) y=(y + 14) { (pct(sh)) }
                        @if let Some(lin) = p.linear {
                            @let lx = x0 + px(lin, Decimal::ONE, w);
                            line x1=(lx) y1=(y) x2=(lx) y2=(y + row_h - 4) stroke="#000" stroke-width="2" {}
                        }
                        // Where the 2022 target lies on the way from the baseline to the 2025 target.
                        @if let Some(at) = target_2022_at(d, p) {
                            path d={ "M" (x0 + px(at, Decimal::ONE, w) - 4) " " (y + row_h - 2) " l4 -6 l4 6 z" } fill="#0b5cad" { title { "2022" } }
                        }
                    }
                    None => { text x=(x0 + 4) y=(y + 14) fill="#5a6272" { (ctx.l("dash-no-data-or-not")) } }
                }
            }
        } }
    }
}

/// Where the 2022 target lies on the way from the baseline to the 2025 target (strictly between).
fn target_2022_at(d: &qiangke_rules::plan::Indicator, p: &qiangke_monitor::progress::Progress) -> Option<Decimal> {
    let (base, _) = p.baseline?;
    let (t22, t25) = (d.target_2022?, p.target_2025?);
    if t25 == base {
        return None;
    }
    let at = (t22 - base) / (t25 - base);
    (at > Decimal::ZERO && at < Decimal::ONE).then_some(at)
}

fn indicator_table(ctx: &Ctx, pack: &qiangke_rules::Pack, r: &monitor_report::Report) -> Markup {
    let l = ctx.lang;
    let opt = |x: Option<Decimal>| x.map(|v| v.normalize().to_string()).unwrap_or_else(|| "—".into());
    let rows = html! {
        @for p in &r.city {
            @let d = &pack.plan.indicators[p.indicator];
            @let met = match p.met_2022 {
                Some(true) => ctx.l("dash-yes"),
                Some(false) => ctx.l("dash-no"),
                None => "—",
            };
            @let code = p.status.code();
            tr {
                th scope="row" {
                    (d.number) ". " (if l == Lang::Zh { &d.name } else { &d.title.en }) " ("
                    // The unit as printed; where the table prints none, our reading (see the indicator's note).
                    (match (d.unit.is_empty(), l) {
                        (false, _) => &d.unit,
                        (true, Lang::Zh) if !d.unit_zh.is_empty() => &d.unit_zh,
                        (true, _) => &d.unit_en,
                    })
                    ")"
                }
                td.num { (p.baseline.map(|b| format!("{} ({})", b.0.normalize(), b.1)).unwrap_or_else(|| "—".into())) }
                td.num { (opt(d.target_2022)) }
                td { (met) }
                td.num { (opt(p.target_2025)) }
                td.num { (p.value.map(|v| format!("{} ({})", v.0.normalize(), v.1)).unwrap_or_else(|| "—".into())) }
                td.num { (p.share.map(pct).unwrap_or_else(|| "—".into())) }
                td class={ "status-" (code) } { (status_label(l, code)) }
            }
        }
    };
    super::table(
        None,
        &[
            (ctx.l("dash-indicator"), false),
            (ctx.l("dash-baseline"), true),
            (ctx.l("dash-2022-target"), true),
            (ctx.l("dash-2022-met"), false),
            (ctx.l("dash-2025-target"), true),
            (ctx.l("dash-latest"), true),
            (ctx.l("dash-share"), true),
            (ctx.l("dash-status"), false),
        ],
        rows,
    )
}

/// Tasks by responsible unit.
fn task_table(ctx: &Ctx, pack: &qiangke_rules::Pack, ups: &[qiangke_monitor::tasks::Update], year: i32) -> Markup {
    let l = ctx.lang;
    let st = task_status(pack, ups, year);
    let rows = html! {
        @for (di, dept) in pack.departments.iter().enumerate() {
            @let (leads, supports) = by_unit(pack, di);
            @if !(leads.is_empty() && supports.is_empty()) {
                @let updated = leads.iter().chain(supports.iter()).filter(|t| st.iter().any(|x| x.task == **t && x.latest.is_some())).count();
                @let overdue = leads.iter().filter(|t| st.iter().any(|x| x.task == **t && !x.overdue.is_empty())).count();
                tr {
                    th scope="row" { (dept.name.get(l)) }
                    td.num { (leads.len()) }
                    td.num { (supports.len()) }
                    td.num { (updated) }
                    td.num.error[overdue > 0] { (overdue) }
                }
            }
        }
    };
    super::table(
        None,
        &[
            (ctx.l("dash-unit"), false),
            (ctx.l("dash-leads"), true),
            (ctx.l("dash-supports"), true),
            (ctx.l("dash-with-updates"), true),
            (ctx.l("dash-overdue"), true),
        ],
        rows,
    )
}

/// Bars of committed (scheduled + paid) and pending amounts per budget year and paying department.
pub(crate) fn budget_chart(ctx: &Ctx, pack: &qiangke_rules::Pack, b: &serde_json::Value) -> Markup {
    let l = ctx.lang;
    let mut agg: BTreeMap<(i64, String), (Decimal, Decimal, Decimal)> = BTreeMap::new();
    for line in b["lines"].as_array().into_iter().flatten() {
        let dec = |v: &serde_json::Value| v.as_str().and_then(|s| s.parse::<Decimal>().ok()).unwrap_or_default();
        let e = agg.entry((line["budget_year"].as_i64().unwrap_or(0), line["paid_by"].as_str().unwrap_or("").to_string())).or_default();
        e.0 += dec(&line["committed"]);
        e.1 += dec(&line["pending"]["low"]);
        e.2 += dec(&line["paid"]);
    }
    if agg.is_empty() {
        return html! { p { (ctx.l("dash-no-awards-in-the")) } };
    }
    let max = agg.values().map(|v| v.0 + v.1).max().unwrap_or(Decimal::ONE).max(Decimal::ONE);
    let dept_name = |id: &str| pack.department_name(id, l);
    let (x0, w, row_h) = (260i64, 420i64, 26i64);
    let h = 30 + row_h * agg.len() as i64;
    // Yuan with thousands separators (the column says 元).
    let g =
        |v: &str| v.parse::<Decimal>().map_or(v.to_string(), |d| qiangke_rules::value::money_yuan(d).trim_end_matches('元').to_string());
    let rows = html! {
        @for line in b["lines"].as_array().into_iter().flatten() {
            @let pending = match (line["pending"]["low"].as_str(), line["pending"]["high"].as_str()) {
                (Some(lo), Some(hi)) if lo == hi => g(lo),
                (Some(lo), Some(hi)) => format!("{} – {}", g(lo), g(hi)),
                (Some(lo), None) => format!("≥ {}", g(lo)),
                _ => "—".into(),
            };
            // Decisions above the ceiling for open amounts (不低于) are flagged; those still waiting
            // for their second approval are not scheduled yet.
            @let above = line["above_ceiling_decisions"].as_i64().unwrap_or(0);
            @let waiting = &line["awaiting_second_approval"];
            tr {
                td { (line["budget_year"]) }
                td { (dept_name(line["paid_by"].as_str().unwrap_or(""))) }
                td { (line["clause"].as_str().unwrap_or("")) }
                td.num { (pending) }
                td.num.decided { (g(line["committed"].as_str().unwrap_or(""))) }
                td.num { (g(line["scheduled"].as_str().unwrap_or(""))) }
                td.num { (g(line["paid"].as_str().unwrap_or(""))) }
                td.num { (line["appropriation"].as_str().map_or("—".to_string(), g)) }
                td.num.over[line["remaining"].as_str().is_some_and(|r| r.starts_with('-'))] { (line["remaining"].as_str().map_or("—".to_string(), g)) }
                td.num { (line["execution_rate"].as_str().unwrap_or("—")) }
                td.num { (line["pending_awards"]) }
                td { @match (above, waiting["awards"].as_i64().unwrap_or(0)) {
                    (0, _) => {},
                    (n, 0) => span.flag { (n) " " (ctx.l("dash-second-approval-given")) },
                    (n, w) => span.flag {
                        (n) " " (ctx.l("dash-decisions")) "; " (w) " " (ctx.l("dash-await-a-second-approval")) " "
                        (g(waiting["amount"].as_str().unwrap_or(""))) "元"
                    },
                } }
            }
        }
    };
    html! {
        div.scroll { svg xmlns="http://www.w3.org/2000/svg" width=(x0 + w + 300) height=(h) role="img" aria-labelledby="bud-svg-t" {
            title #bud-svg-t { (ctx.l("dash-dark-decided-scheduled-or")) }
            @for (i, ((y, payer), (committed, pending, _))) in agg.iter().enumerate() {
                @let yy = 10 + row_h * i as i64;
                @let cw = px(*committed, max, w);
                @let pw = px(*pending, max, w);
                text x=(x0 - 6) y=(yy + 15) text-anchor="end" { (y) " " (dept_name(payer)) }
                rect x=(x0) y=(yy + 2) width=(cw) height=(row_h - 8) fill="#0b5cad" {}
                rect x=(x0 + cw) y=(yy + 2) width=(pw) height=(row_h - 8) fill="#9cc1e8" {}
                // The figures of both shades: decided, and what is still pending when there is some.
                text x=(x0 + cw + pw + 4) y=(yy + 15) {
                    (super::payments::yuan(ctx, &committed.round_dp(2).to_string()))
                    @if *pending > Decimal::ZERO { (ctx.say("dash-bar-pending", &[("amount", &super::payments::yuan(ctx, &pending.round_dp(2).to_string()))])) }
                }
            }
        } }
        // The legend: what each shade is (a bar of nothing is drawn as nothing).
        p.legend {
            span.swatch.decided {} " " (ctx.l("dash-legend-decided")) "  "
            span.swatch.pending {} " " (ctx.l("dash-legend-pending"))
        }
        (super::table(
            Some("budget-table"),
            &[
                (ctx.l("dash-budget-year"), false),
                (ctx.l("dash-paying-department"), false),
                (ctx.l("dash-clause"), false),
                (ctx.l("dash-pending-yuan"), true),
                (ctx.l("dash-decided-yuan"), true),
                (ctx.l("dash-scheduled-yuan"), true),
                (ctx.l("dash-paid-yuan"), true),
                (ctx.l("dash-appropriation-yuan"), true),
                (ctx.l("dash-remaining-yuan"), true),
                (ctx.l("dash-execution-rate"), true),
                (ctx.l("dash-pending-awards"), true),
                (ctx.l("dash-above-the-ceiling"), false),
            ],
            rows,
        ))
    }
}
