//! The monitoring report for a year: HTML (tables and SVG charts, no script), CSV and JSON from
//! the same rows. The report says what data is missing instead of leaving blanks unexplained.

use crate::assess::{CountyScore, Weights, assess};
use crate::observation::{Observation, Scope};
use crate::progress::{Progress, progress};
use crate::tasks::{TaskStatus, Update, by_unit, task_status};
use qiangke_rules::model::Pack;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub year: i32,
    pub city: Vec<Progress>,
    pub counties: Vec<CountyScore>,
    pub tasks: Vec<TaskStatus>,
    pub weights_source: String,
    /// The note that records the weights (id, choice and reason), if the pack names one.
    pub weights_note: Option<usize>,
    pub missing: Vec<String>,
    /// Per indicator: awards of its linked rules per claim year (from a batch run's award table).
    pub linked_awards: Vec<std::collections::BTreeMap<i32, u64>>,
}

/// Counts award rows per (rule id, claim year) in a batch run's award table
/// (`entity,claim_year,rule,…`).
pub fn award_counts(csv_text: &str) -> Result<std::collections::HashMap<(String, i32), u64>, String> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = std::collections::HashMap::new();
    for r in rdr.records() {
        let r = r.map_err(|e| format!("unreadable award table: {e}"))?;
        let year: i32 = r.get(1).and_then(|y| y.parse().ok()).ok_or("the award table needs claim_year in its second column")?;
        let rule = r.get(2).ok_or("the award table needs rule in its third column")?.to_string();
        // Limits and checks are also "awarded" in the table; only paying rules count.
        if r.get(5) == Some("awarded") && r.get(4) == Some("award") {
            *out.entry((rule, year)).or_insert(0) += 1;
        }
    }
    Ok(out)
}

pub fn build(
    pack: &Pack,
    obs: &[Observation],
    updates: &[Update],
    year: i32,
    weights: &Weights,
    awards: Option<&std::collections::HashMap<(String, i32), u64>>,
) -> Report {
    let linked_awards = pack
        .plan
        .indicators
        .iter()
        .map(|ind| {
            let mut m = std::collections::BTreeMap::new();
            if let Some(a) = awards {
                for ((rule, y), n) in a {
                    if *y <= year && ind.rules.iter().any(|&r| pack.rules[r].id == *rule) {
                        *m.entry(*y).or_insert(0) += n;
                    }
                }
            }
            m
        })
        .collect();
    let city: Vec<Progress> = (0..pack.plan.indicators.len()).map(|i| progress(pack, obs, i, Scope::City, year)).collect();
    let mut missing = Vec::new();
    for p in &city {
        let d = &pack.plan.indicators[p.indicator];
        if p.value.is_none() {
            missing.push(format!("indicator {} {}: no city observation up to {year}", d.number, d.name));
        }
        if let crate::progress::Status::NotComputable(why) = &p.status {
            missing.push(format!("indicator {} {}: {why}", d.number, d.name));
        }
    }
    let counties = assess(pack, obs, year, weights);
    for c in &counties {
        for n in &c.notes {
            missing.push(format!("{}: {n}", Scope::County(c.county).title_zh(pack)));
        }
    }
    if updates.is_empty() {
        missing.push("no task progress updates were given".into());
    }
    if awards.is_none() {
        missing.push(
            "no award table was given (qiangke batch … --out awards.csv; then --awards): awards are not shown beside the indicators".into(),
        );
    }
    Report {
        year,
        city,
        counties,
        tasks: task_status(pack, updates, year),
        weights_source: weights.source.clone(),
        weights_note: weights.note,
        missing,
        linked_awards,
    }
}

fn pct(x: Option<Decimal>) -> String {
    x.map_or("—".into(), |v| format!("{}%", (v * Decimal::ONE_HUNDRED).round_dp(2)))
}

fn num(x: Option<Decimal>) -> String {
    x.map_or("—".into(), |v| v.normalize().to_string())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Progress rows as CSV (quoted where a field needs it).
pub fn to_csv(pack: &Pack, r: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "indicator",
        "number",
        "name",
        "unit",
        "baseline",
        "baseline_year",
        "target_2022",
        "target_2025",
        "value",
        "value_year",
        "share",
        "linear_path",
        "status",
        "met_2022",
        "needed_per_year",
        "needed_rate",
        "projection_2025",
    ]);
    let d = |x: Option<Decimal>| x.map_or(String::new(), |v| v.normalize().to_string());
    for p in &r.city {
        let ind = &pack.plan.indicators[p.indicator];
        let _ = w.write_record([
            ind.id.clone(),
            ind.number.to_string(),
            ind.name.clone(),
            ind.unit.clone(),
            d(p.baseline.map(|b| b.0)),
            p.baseline.map_or(String::new(), |b| b.1.to_string()),
            d(ind.target_2022),
            d(p.target_2025),
            d(p.value.map(|v| v.0)),
            p.value.map_or(String::new(), |v| v.1.to_string()),
            d(p.share),
            d(p.linear),
            p.status.code().to_string(),
            p.met_2022.map_or(String::new(), |m| m.to_string()),
            d(p.needed_linear),
            d(p.needed_compound),
            d(p.projection_2025),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The report as JSON.
pub fn to_json(pack: &Pack, r: &Report) -> serde_json::Value {
    let rows: Vec<serde_json::Value> = r
        .city
        .iter()
        .map(|p| {
            let d = &pack.plan.indicators[p.indicator];
            serde_json::json!({
                "indicator": d.id, "number": d.number, "name": d.name, "unit": d.unit,
                "baseline": p.baseline.map(|b| b.0.to_string()), "baseline_year": p.baseline.map(|b| b.1),
                "target_2022": d.target_2022.map(|t| t.to_string()), "target_2025": p.target_2025.map(|t| t.to_string()),
                "value": p.value.map(|v| v.0.to_string()), "value_year": p.value.map(|v| v.1),
                "share": p.share.map(|v| v.to_string()), "linear_path": p.linear.map(|v| v.to_string()),
                "status": p.status.code(), "met_2022": p.met_2022,
                "needed_per_year": p.needed_linear.map(|v| v.to_string()), "needed_rate": p.needed_compound.map(|v| v.to_string()),
                "projection_2025": p.projection_2025.map(|v| v.to_string()), "notes": p.notes,
            })
        })
        .collect();
    let counties: Vec<serde_json::Value> = r
        .counties
        .iter()
        .map(|c| serde_json::json!({"county": Scope::County(c.county).name(pack), "score": c.score.map(|v| v.to_string()), "rank": c.rank,
            "completion": c.completion.map(|v| v.to_string()), "fiscal": c.fiscal.map(|v| v.to_string()), "rd": c.rd.map(|v| v.to_string()), "notes": c.notes}))
        .collect();
    let tasks: Vec<serde_json::Value> =
        r.tasks.iter().map(|t| serde_json::json!({"task": pack.plan.tasks[t.task].id, "overdue": t.overdue})).collect();
    serde_json::json!({"pack": {"id": pack.id, "hash": pack.hash}, "year": r.year, "indicators": rows, "counties": counties,
        "weights": r.weights_source,
        "weights_note": r.weights_note.map(|n| { let n = &pack.notes[n]; serde_json::json!({"id": n.id, "clause": n.clause, "choice": n.choice, "reason": n.reason}) }),
        "tasks": tasks, "missing": r.missing})
}

/// A horizontal bar chart of the share of the way, with the linear path marked.
fn progress_chart(pack: &Pack, r: &Report) -> String {
    let row_h = 22;
    let h = 30 + row_h * r.city.len();
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="760" height="{h}" role="img" aria-label="progress toward the 2025 targets">"#
    );
    let x0 = 260.0;
    let w = 440.0;
    let _ = write!(s, r##"<line x1="{x0}" y1="10" x2="{x0}" y2="{}" stroke="#333"/>"##, h - 10);
    let _ = write!(
        s,
        r##"<line x1="{}" y1="10" x2="{}" y2="{}" stroke="#999" stroke-dasharray="4"/><text x="{}" y="22" font-size="11">100%</text>"##,
        x0 + w,
        x0 + w,
        h - 10,
        x0 + w - 30.0
    );
    for (i, p) in r.city.iter().enumerate() {
        let d = &pack.plan.indicators[p.indicator];
        let y = 20 + i * row_h;
        let _ = write!(
            s,
            r#"<text x="4" y="{}" font-size="12">{} {}</text>"#,
            y + 14,
            d.number,
            esc(&d.name.chars().take(16).collect::<String>())
        );
        let color = match p.status.code() {
            "achieved" | "on-track" => "#2e7d32",
            "behind" => "#f9a825",
            "at-risk" => "#c62828",
            _ => "#9e9e9e",
        };
        if let Some(share) = p.share {
            let f: f64 = share.max(Decimal::ZERO).min(Decimal::from(2)).to_string().parse().unwrap_or(0.0);
            let _ = write!(
                s,
                r#"<rect x="{x0}" y="{}" width="{:.1}" height="14" fill="{color}"><title>{}</title></rect>"#,
                y + 3,
                f * w,
                pct(Some(share))
            );
        } else {
            let _ = write!(s, r##"<text x="{}" y="{}" font-size="11" fill="#666">{}</text>"##, x0 + 6.0, y + 14, esc(p.status.zh()));
        }
        if let Some(l) = p.linear {
            let f: f64 = l.to_string().parse().unwrap_or(0.0);
            let _ = write!(
                s,
                r##"<line x1="{:.1}" y1="{}" x2="{:.1}" y2="{}" stroke="#000" stroke-width="2"/>"##,
                x0 + f * w,
                y + 1,
                x0 + f * w,
                y + 19
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn county_chart(pack: &Pack, r: &Report) -> String {
    let height = 20 + 28 * r.counties.len();
    let mut s = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="520" height="{height}" role="img" aria-label="county scores">"#);
    for (i, c) in r.counties.iter().enumerate() {
        let y = 10 + i * 28;
        let _ = write!(s, r#"<text x="4" y="{}" font-size="13">{}</text>"#, y + 15, esc(&Scope::County(c.county).title_zh(pack)));
        if let Some(sc) = c.score {
            let f: f64 = sc.to_string().parse().unwrap_or(0.0);
            let _ = write!(
                s,
                r##"<rect x="100" y="{}" width="{:.1}" height="18" fill="#1565c0"/><text x="{:.1}" y="{}" font-size="12">{}</text>"##,
                y + 2,
                f * 360.0,
                106.0 + f * 360.0,
                y + 15,
                pct(Some(sc))
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The HTML report: static, no script, readable on a phone.
pub fn to_html(pack: &Pack, r: &Report) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{} — {} 年度监测报告</title><style>body{{font-family:sans-serif;margin:1rem;max-width:60rem}}table{{border-collapse:collapse;font-size:.85rem}}td,th{{border:1px solid #ccc;padding:.2rem .4rem;text-align:right}}td:nth-child(2),th:nth-child(2){{text-align:left}}.at-risk{{color:#c62828}}.behind{{color:#b26a00}}.on-track,.achieved{{color:#2e7d32}}</style></head><body>"#,
        esc(&pack.title.zh),
        r.year
    );
    let _ = write!(h, "<h1>{} — {} 年度监测报告 <small>(monitoring report)</small></h1>", esc(&pack.title.zh), r.year);
    let _ = write!(
        h,
        "<p>规则包 {} · sha256 {} · 状态阈值:进度不低于线性路径为正常,落后不超过10个百分点为略有滞后,否则为存在风险。</p>",
        esc(&pack.id),
        &pack.hash[..16]
    );
    h.push_str("<h2>主要指标进展 (indicators)</h2>");
    h.push_str(&progress_chart(pack, r));
    h.push_str("<table><thead><tr><th>序号</th><th>指标</th><th>单位</th><th>基期值</th><th>2022目标</th><th>2025目标</th><th>最新值</th><th>完成进度</th><th>线性路径</th><th>状态</th><th>2022达标</th><th>每年尚需</th><th>趋势推算2025</th><th>相关奖补 (awards of linked rules)</th></tr></thead><tbody>");
    for p in &r.city {
        let d = &pack.plan.indicators[p.indicator];
        let linked = if d.rules.is_empty() {
            "—".to_string()
        } else {
            let rules: Vec<&str> = d.rules.iter().map(|&x| pack.rules[x].id.as_str()).collect();
            let counts: Vec<String> = r.linked_awards[p.indicator].iter().map(|(y, n)| format!("{y}: {n}")).collect();
            format!("{}<br><small>{}</small>", if counts.is_empty() { "—".into() } else { counts.join(", ") }, esc(&rules.join(", ")))
        };
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="{}">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{linked}</td></tr>"#,
            d.number,
            esc(&d.name),
            esc(&d.title.en),
            esc(&d.unit),
            p.baseline.map_or("—".into(), |b| format!("{} ({})", b.0.normalize(), b.1)),
            num(d.target_2022),
            num(p.target_2025),
            p.value.map_or("—".into(), |v| format!("{} ({})", v.0.normalize(), v.1)),
            pct(p.share),
            pct(p.linear),
            p.status.code(),
            p.status.zh(),
            p.met_2022.map_or("—", |m| if m { "是" } else { "否" }),
            num(p.needed_linear),
            num(p.projection_2025),
        );
    }
    h.push_str("</tbody></table>");
    let _ = write!(h, "<h2>县区评价和考核 (county assessment)</h2><p>权重:{}</p>", esc(&r.weights_source));
    if let Some(n) = r.weights_note.map(|n| &pack.notes[n]) {
        let _ =
            write!(h, "<p class=\"note\">解释说明 [{}] {}:{} — {}</p>", esc(&n.clause), esc(&n.id), esc(&n.choice.zh), esc(&n.reason.zh));
    }
    h.push_str(&county_chart(pack, r));
    h.push_str("<table><thead><tr><th>排名</th><th>县区</th><th>指标完成</th><th>财政科技支出</th><th>研发投入</th><th>得分</th></tr></thead><tbody>");
    for c in &r.counties {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.rank.map_or("—".into(), |r| r.to_string()),
            esc(&Scope::County(c.county).title_zh(pack)),
            pct(c.completion),
            pct(c.fiscal),
            pct(c.rd),
            pct(c.score)
        );
    }
    h.push_str("</tbody></table><h2>重点任务 (tasks)</h2><table><thead><tr><th>任务</th><th>内容</th><th>牵头单位</th><th>逾期事项</th></tr></thead><tbody>");
    for t in &r.tasks {
        let task = &pack.plan.tasks[t.task];
        let lead = task.lead().map_or(String::new(), |d| pack.departments[d].name.zh.clone());
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&task.clause),
            esc(&task.title.zh),
            esc(&lead),
            esc(&t.overdue.join(";"))
        );
    }
    h.push_str("</tbody></table><h2>责任单位 (by responsible unit)</h2><table><thead><tr><th>单位</th><th>牵头任务</th><th>配合任务</th><th>牵头任务中逾期</th></tr></thead><tbody>");
    for (di, d) in pack.departments.iter().enumerate() {
        let (lead, support) = by_unit(pack, di);
        if lead.is_empty() && support.is_empty() {
            continue;
        }
        let overdue = lead.iter().filter(|&&t| r.tasks.iter().any(|s| s.task == t && !s.overdue.is_empty())).count();
        let _ = write!(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{overdue}</td></tr>", esc(&d.name.zh), lead.len(), support.len());
    }
    h.push_str("</tbody></table><h2>缺少的数据 (missing data)</h2><ul>");
    for m in &r.missing {
        let _ = write!(h, "<li>{}</li>", esc(m));
    }
    h.push_str("</ul></body></html>");
    h
}
