//! The dashboard: indicator progress toward the 2022 and 2025 targets, the award budget by year
//! and department, task status by responsible unit. Charts are SVG drawn here (no script, no
//! inline style); every figure in a chart is also in a table beside it.

use super::{Ctx, esc};
use crate::api::AppState;
use axum::extract::{Query, State};
use axum::response::Response;
use qiangke_monitor::report as monitor_report;
use qiangke_monitor::tasks::{by_unit, task_status};
use qiangke_rules::Lang;
use qiangke_store::Role;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::fmt::Write as _;
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
    let mut o = String::new();
    let mut years = String::new();
    for y in 2022..=2025 {
        let _ = write!(years, r#"<option value="{y}"{}>{y}</option>"#, if y == year { " selected" } else { "" });
    }
    let _ = write!(
        o,
        r#"<form method="get" action="/dashboard" class="card"><label for="d-year">{}</label><select id="d-year" name="year">{years}</select> <button type="submit">{}</button></form>"#,
        ctx.l("dash-report-year"),
        ctx.l("dash-show")
    );

    // Indicators: share of the way to 2025, with the linear path marked.
    let _ = write!(o, r#"<section aria-labelledby="ind-h"><h2 id="ind-h">{}</h2>"#, ctx.l("dash-indicator-progress-city"));
    let row_h = 24i64;
    let (x0, w) = (300i64, 420i64);
    let h = 40 + row_h * r.city.len() as i64;
    let _ = write!(
        o,
        r##"<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{h}" role="img" aria-labelledby="ind-svg-t"><title id="ind-svg-t">{}</title><line x1="{x0}" y1="20" x2="{x0}" y2="{}" stroke="#333"/><line x1="{}" y1="20" x2="{}" y2="{}" stroke="#999" stroke-dasharray="4"/><text x="{}" y="14">100%</text>"##,
        x0 + w + 120,
        ctx.l("dash-share-of-the-way"),
        h - 10,
        x0 + w,
        x0 + w,
        h - 10,
        x0 + w - 16
    );
    for (i, p) in r.city.iter().enumerate() {
        let d = &pack.plan.indicators[p.indicator];
        let y = 24 + row_h * i as i64;
        let name = match l {
            Lang::Zh => d.name.clone(),
            Lang::En => d.title.en.clone(),
        };
        let _ = write!(
            o,
            r#"<text x="{}" y="{}" text-anchor="end">{}. {}</text>"#,
            x0 - 6,
            y + 14,
            d.number,
            esc(&name.chars().take(22).collect::<String>())
        );
        match p.share {
            Some(sh) => {
                let bw = px(sh.max(Decimal::ZERO), Decimal::ONE, w).min(w + 100);
                let color = match p.status.code() {
                    "achieved" | "on-track" => "#1f7a3a",
                    "behind" => "#a35b00",
                    _ => "#b3261e",
                };
                let _ = write!(
                    o,
                    r#"<rect x="{x0}" y="{}" width="{bw}" height="{}" fill="{color}"/><text x="{}" y="{}">{}</text>"#,
                    y + 2,
                    row_h - 8,
                    x0 + bw + 4,
                    y + 14,
                    pct(sh)
                );
                if let Some(lin) = p.linear {
                    let lx = x0 + px(lin, Decimal::ONE, w);
                    let _ = write!(o, r##"<line x1="{lx}" y1="{}" x2="{lx}" y2="{}" stroke="#000" stroke-width="2"/>"##, y, y + row_h - 4);
                }
                // Where the 2022 target lies on the way from the baseline to the 2025 target.
                if let (Some((base, _)), Some(t22), Some(t25)) = (p.baseline, d.target_2022, p.target_2025)
                    && t25 != base
                {
                    let at = (t22 - base) / (t25 - base);
                    if at > Decimal::ZERO && at < Decimal::ONE {
                        let tx = x0 + px(at, Decimal::ONE, w);
                        let _ = write!(
                            o,
                            r##"<path d="M{} {} l4 -6 l4 6 z" fill="#0b5cad"><title>2022</title></path>"##,
                            tx - 4,
                            y + row_h - 2
                        );
                    }
                }
            }
            None => {
                let _ = write!(o, r##"<text x="{}" y="{}" fill="#5a6272">{}</text>"##, x0 + 4, y + 14, ctx.l("dash-no-data-or-not"));
            }
        }
    }
    o.push_str("</svg></div>");
    o.push_str(&super::table_open(
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
    ));
    for p in &r.city {
        let d = &pack.plan.indicators[p.indicator];
        let opt = |x: Option<Decimal>| x.map(|v| v.normalize().to_string()).unwrap_or_else(|| "—".into());
        let met = match p.met_2022 {
            Some(true) => ctx.l("dash-yes"),
            Some(false) => ctx.l("dash-no"),
            None => "—",
        };
        let code = p.status.code();
        let _ = write!(
            o,
            r#"<tr><th scope="row">{}. {} ({})</th><td class="num">{}</td><td class="num">{}</td><td>{met}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="status-{code}">{}</td></tr>"#,
            d.number,
            esc(if l == Lang::Zh { &d.name } else { &d.title.en }),
            // The unit as printed; where the table prints none, our reading (see the indicator's note).
            esc(match (d.unit.is_empty(), l) {
                (false, _) => &d.unit,
                (true, Lang::Zh) if !d.unit_zh.is_empty() => &d.unit_zh,
                (true, _) => &d.unit_en,
            }),
            p.baseline.map(|b| format!("{} ({})", b.0.normalize(), b.1)).unwrap_or_else(|| "—".into()),
            opt(d.target_2022),
            opt(p.target_2025),
            p.value.map(|v| format!("{} ({})", v.0.normalize(), v.1)).unwrap_or_else(|| "—".into()),
            p.share.map(pct).unwrap_or_else(|| "—".into()),
            status_label(l, code)
        );
    }
    o.push_str("</tbody></table></div></section>");

    // The award budget by year and paying department, for those who may see it.
    let _ = write!(o, r#"<section aria-labelledby="bud-h"><h2 id="bud-h">{}</h2>"#, ctx.l("dash-award-budget-by-year"));
    match ctx.user.as_ref().filter(|u| matches!(u.role, Role::Finance | Role::Admin | Role::County)) {
        None => {
            let _ = write!(o, "<p>{}</p>", ctx.l("dash-visible-to-finance-admin"));
        }
        Some(u) => match s.store.budget(u, None).await {
            Err(e) => return super::store_error(&ctx, e),
            Ok(b) => o.push_str(&budget_chart(&ctx, pack, &b)),
        },
    }
    o.push_str("</section>");

    // Tasks by responsible unit.
    let st = task_status(pack, &ups, year);
    let _ = write!(o, r#"<section aria-labelledby="task-h"><h2 id="task-h">{}</h2>"#, ctx.l("dash-tasks-by-responsible-unit"));
    o.push_str(&super::table_open(
        None,
        &[
            (ctx.l("dash-unit"), false),
            (ctx.l("dash-leads"), true),
            (ctx.l("dash-supports"), true),
            (ctx.l("dash-with-updates"), true),
            (ctx.l("dash-overdue"), true),
        ],
    ));
    for (di, dept) in pack.departments.iter().enumerate() {
        let (leads, supports) = by_unit(pack, di);
        if leads.is_empty() && supports.is_empty() {
            continue;
        }
        let mine: Vec<usize> = leads.iter().chain(supports.iter()).copied().collect();
        let updated = mine.iter().filter(|t| st.iter().any(|x| x.task == **t && x.latest.is_some())).count();
        let overdue = leads.iter().filter(|t| st.iter().any(|x| x.task == **t && !x.overdue.is_empty())).count();
        let _ = write!(
            o,
            r#"<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{updated}</td><td class="num{}">{overdue}</td></tr>"#,
            esc(dept.name.get(l)),
            leads.len(),
            supports.len(),
            if overdue > 0 { " error" } else { "" }
        );
    }
    o.push_str("</tbody></table></div></section>");
    if !r.missing.is_empty() {
        let _ = write!(o, "<details class=\"card\"><summary>{} ({})</summary><ul>", ctx.l("dash-missing-data"), r.missing.len());
        for m in &r.missing {
            let _ = write!(o, "<li>{}</li>", esc(&m.render(l)));
        }
        o.push_str("</ul></details>");
    }
    ctx.page(ctx.l("dash-dashboard"), &o)
}

/// Bars of committed (scheduled + paid) and pending amounts per budget year and paying department.
pub(crate) fn budget_chart(ctx: &Ctx, pack: &qiangke_rules::Pack, b: &serde_json::Value) -> String {
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
        return format!("<p>{}</p>", ctx.l("dash-no-awards-in-the"));
    }
    let max = agg.values().map(|v| v.0 + v.1).max().unwrap_or(Decimal::ONE).max(Decimal::ONE);
    let dept_name = |id: &str| pack.departments.iter().find(|d| d.id == id).map_or(id.to_string(), |d| d.name.get(l).to_string());
    let (x0, w, row_h) = (260i64, 420i64, 26i64);
    let h = 30 + row_h * agg.len() as i64;
    let mut o = format!(
        r##"<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{h}" role="img" aria-labelledby="bud-svg-t"><title id="bud-svg-t">{}</title>"##,
        x0 + w + 160,
        ctx.l("dash-dark-decided-scheduled-or")
    );
    for (i, ((y, payer), (committed, pending, _))) in agg.iter().enumerate() {
        let yy = 10 + row_h * i as i64;
        let cw = px(*committed, max, w);
        let pw = px(*pending, max, w);
        let _ = write!(
            o,
            r##"<text x="{}" y="{}" text-anchor="end">{y} {}</text><rect x="{x0}" y="{}" width="{cw}" height="{}" fill="#0b5cad"/><rect x="{}" y="{}" width="{pw}" height="{}" fill="#9cc1e8"/><text x="{}" y="{}">{}元</text>"##,
            x0 - 6,
            yy + 15,
            esc(&dept_name(payer)),
            yy + 2,
            row_h - 8,
            x0 + cw,
            yy + 2,
            row_h - 8,
            x0 + cw + pw + 4,
            yy + 15,
            committed.round_dp(2)
        );
    }
    o.push_str("</svg></div>");
    o.push_str(&super::table_open(
        Some("budget-table"),
        &[
            (ctx.l("dash-budget-year"), false),
            (ctx.l("dash-paying-department"), false),
            (ctx.l("dash-clause"), false),
            (ctx.l("dash-pending-yuan"), true),
            (ctx.l("dash-scheduled-yuan"), true),
            (ctx.l("dash-paid-yuan"), true),
            (ctx.l("dash-pending-awards"), true),
            (ctx.l("dash-above-the-ceiling"), false),
        ],
    ));
    for line in b["lines"].as_array().into_iter().flatten() {
        let pending = match (line["pending"]["low"].as_str(), line["pending"]["high"].as_str()) {
            (Some(lo), Some(hi)) if lo == hi => lo.to_string(),
            (Some(lo), Some(hi)) => format!("{lo} – {hi}"),
            (Some(lo), None) => format!("≥ {lo}"),
            _ => "—".into(),
        };
        // Decisions above the ceiling for open amounts (不低于) are flagged; those still waiting
        // for their second approval are not scheduled yet.
        let above = line["above_ceiling_decisions"].as_i64().unwrap_or(0);
        let waiting = &line["awaiting_second_approval"];
        let flag = match (above, waiting["awards"].as_i64().unwrap_or(0)) {
            (0, _) => String::new(),
            (n, 0) => format!(r#"<span class="flag">{n} {}</span>"#, ctx.l("dash-second-approval-given")),
            (n, w) => format!(
                r#"<span class="flag">{n} {}; {w} {} {}元</span>"#,
                ctx.l("dash-decisions"),
                ctx.l("dash-await-a-second-approval"),
                esc(waiting["amount"].as_str().unwrap_or(""))
            ),
        };
        let _ = write!(
            o,
            r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td><td>{flag}</td></tr>"#,
            line["budget_year"],
            esc(&dept_name(line["paid_by"].as_str().unwrap_or(""))),
            esc(line["clause"].as_str().unwrap_or("")),
            esc(&pending),
            esc(line["scheduled"].as_str().unwrap_or("")),
            esc(line["paid"].as_str().unwrap_or("")),
            line["pending_awards"]
        );
    }
    o.push_str("</tbody></table></div>");
    o
}
