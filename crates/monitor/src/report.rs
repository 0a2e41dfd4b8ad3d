//! The monitoring report for a year: HTML (tables and SVG charts, no script), CSV and JSON from
//! the same rows. The report says what data is missing instead of leaving blanks unexplained.
//! The HTML is a [`maud`] template, escaped by construction like the web pages.

use crate::assess::{CountyScore, Weights, assess};
use crate::observation::{Observation, Scope, about_indicator, indicator_name};
use crate::progress::{Progress, progress};
use crate::tasks::{TaskStatus, Update, by_unit, task_status};
use maud::{Markup, PreEscaped, html};
use qiangke_i18n::{Lang, Msg, label};
use qiangke_rules::model::{Pack, Text};
use rust_decimal::Decimal;

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    pub year: i32,
    pub city: Vec<Progress>,
    pub counties: Vec<CountyScore>,
    pub tasks: Vec<TaskStatus>,
    /// The county assessment's weights: indicator completion, fiscal S&T spending, R&D input.
    pub weights: (Decimal, Decimal, Decimal),
    /// Where the weights come from, in both languages.
    pub weights_source: Text,
    /// The note that records the weights (id, choice and reason), if the pack names one.
    pub weights_note: Option<usize>,
    /// What data is missing, and what follows from it.
    pub missing: Vec<Msg>,
    /// Per indicator: awards of its linked rules per claim year (from a batch run's award table).
    pub linked_awards: Vec<std::collections::BTreeMap<i32, u64>>,
}

/// Counts award rows per (rule id, claim year) in a batch run's award table
/// (`entity,claim_year,rule,…`).
pub fn award_counts(csv_text: &str) -> Result<std::collections::HashMap<(String, i32), u64>, Msg> {
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = std::collections::HashMap::new();
    for r in rdr.records() {
        let r = r.map_err(|e| Msg::new("report-awards-unreadable").arg("error", e))?;
        let line = r.position().map_or(0, |p| crate::observation::line_at(csv_text, p.byte()));
        let year: i32 = r
            .get(1)
            .and_then(|y| y.parse().ok())
            .ok_or_else(|| Msg::new("report-awards-column").arg("line", line).arg("column", "claim_year").arg("position", 2))?;
        let rule = r
            .get(2)
            .ok_or_else(|| Msg::new("report-awards-column").arg("line", line).arg("column", "rule").arg("position", 3))?
            .to_string();
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
            missing.push(about_indicator(Msg::new("report-missing-observation"), d).arg("year", year));
        }
        if let crate::progress::Status::NotComputable(why) = &p.status {
            missing.push(about_indicator(Msg::new("report-missing-not-computable"), d).detail(why.clone()));
        }
    }
    let counties = assess(pack, obs, year, weights);
    for c in &counties {
        for n in &c.notes {
            let county = Scope::County(c.county);
            missing.push(
                Msg::new("report-missing-county")
                    .arg("county-zh", county.title(pack, Lang::Zh))
                    .arg("county-en", county.title(pack, Lang::En))
                    .detail(n.clone()),
            );
        }
    }
    if updates.is_empty() {
        missing.push(Msg::new("report-missing-updates"));
    }
    if awards.is_none() {
        missing.push(Msg::new("report-missing-awards"));
    }
    Report {
        year,
        city,
        counties,
        tasks: task_status(pack, updates, year),
        weights: (weights.completion, weights.fiscal, weights.rd),
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

/// Messages as English texts (the JSON is read by programs; pages render in the reader's language).
fn strings(ms: &[Msg]) -> Vec<String> {
    ms.iter().map(ToString::to_string).collect()
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
                "projection_2025": p.projection_2025.map(|v| v.to_string()), "notes": strings(&p.notes),
            })
        })
        .collect();
    let counties: Vec<serde_json::Value> = r
        .counties
        .iter()
        .map(|c| serde_json::json!({"county": Scope::County(c.county).name(pack), "score": c.score.map(|v| v.to_string()), "rank": c.rank,
            "completion": c.completion.map(|v| v.to_string()), "fiscal": c.fiscal.map(|v| v.to_string()), "rd": c.rd.map(|v| v.to_string()), "notes": strings(&c.notes)}))
        .collect();
    let tasks: Vec<serde_json::Value> =
        r.tasks.iter().map(|t| serde_json::json!({"task": pack.plan.tasks[t.task].id, "overdue": strings(&t.overdue)})).collect();
    serde_json::json!({"pack": {"id": pack.id, "hash": pack.hash}, "year": r.year, "indicators": rows, "counties": counties,
        "weights": r.weights_source.en,
        "weights_note": r.weights_note.map(|n| { let n = &pack.notes[n]; serde_json::json!({"id": n.id, "clause": n.clause, "choice": n.choice, "reason": n.reason}) }),
        "tasks": tasks, "missing": strings(&r.missing)})
}

/// A name cut to `n` characters, with an ellipsis when cut (chart labels).
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).chain(['…']).collect() }
}

/// An indicator's unit in a language: as printed; where the table prints none, the Chinese
/// word in the pack's reading (`enterprises (家)` → 家) or the English reading.
fn unit(d: &qiangke_rules::plan::Indicator, lang: Lang) -> String {
    match lang {
        Lang::Zh if !d.unit.is_empty() => d.unit.clone(),
        Lang::Zh => d.unit_en.split(['(', ')']).nth(1).filter(|w| !w.is_ascii()).map_or_else(|| "—".to_string(), str::to_string),
        Lang::En if d.unit == "%" || d.unit_en.is_empty() => d.unit.clone(),
        Lang::En => d.unit_en.clone(),
    }
}

/// A horizontal bar chart of the share of the way, with the linear path marked.
fn progress_chart(pack: &Pack, r: &Report, lang: Lang) -> Markup {
    let row_h = 22;
    let h = 30 + row_h * r.city.len();
    let x0 = 260.0;
    let w = 440.0;
    // A label fits about 16 Chinese or 38 Latin characters.
    let room = if lang == Lang::Zh { 16 } else { 38 };
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width="760" height=(h) role="img" aria-label=(label(lang, "report-chart-progress")) {
            line x1=(x0) y1="10" x2=(x0) y2=(h - 10) stroke="#333" {}
            line x1=(x0 + w) y1="10" x2=(x0 + w) y2=(h - 10) stroke="#999" stroke-dasharray="4" {}
            text x=(x0 + w - 30.0) y="22" font-size="11" { "100%" }
            @for (i, p) in r.city.iter().enumerate() {
                @let d = &pack.plan.indicators[p.indicator];
                @let y = 20 + i * row_h;
                @let color = match p.status.code() {
                    "achieved" | "on-track" => "#2e7d32",
                    "behind" => "#f9a825",
                    "at-risk" => "#c62828",
                    _ => "#9e9e9e",
                };
                text x="4" y=(y + 14) font-size="12" { (d.number) " " (short(indicator_name(d, lang), room)) }
                @if let Some(share) = p.share {
                    @let f: f64 = share.max(Decimal::ZERO).min(Decimal::from(2)).to_string().parse().unwrap_or(0.0);
                    rect x=(x0) y=(y + 3) width=(format!("{:.1}", f * w)) height="14" fill=(color) { title { (pct(Some(share))) } }
                } @else {
                    text x=(x0 + 6.0) y=(y + 14) font-size="11" fill="#666" { (p.status.label(lang)) }
                }
                @if let Some(l) = p.linear {
                    @let f: f64 = l.to_string().parse().unwrap_or(0.0);
                    @let x = format!("{:.1}", x0 + f * w);
                    line x1=(x) y1=(y + 1) x2=(x) y2=(y + 19) stroke="#000" stroke-width="2" {}
                }
            }
        }
    }
}

fn county_chart(pack: &Pack, r: &Report, lang: Lang) -> Markup {
    let height = 20 + 28 * r.counties.len();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width="520" height=(height) role="img" aria-label=(label(lang, "report-chart-counties")) {
            @for (i, c) in r.counties.iter().enumerate() {
                @let y = 10 + i * 28;
                text x="4" y=(y + 15) font-size="13" { (short(&Scope::County(c.county).title(pack, lang), 14)) }
                @if let Some(sc) = c.score {
                    @let f: f64 = sc.to_string().parse().unwrap_or(0.0);
                    rect x="100" y=(y + 2) width=(format!("{:.1}", f * 360.0)) height="18" fill="#1565c0" {}
                    text x=(format!("{:.1}", 106.0 + f * 360.0)) y=(y + 15) font-size="12" { (pct(Some(sc))) }
                }
            }
        }
    }
}

/// The HTML report in Chinese (see [`to_html_in`]).
pub fn to_html(pack: &Pack, r: &Report) -> String {
    to_html_in(pack, r, Lang::Zh)
}

/// The report's stylesheet (a constant: the report is one self-contained file).
const STYLE: &str = "body{font-family:sans-serif;margin:1rem;max-width:60rem}table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:right}td:nth-child(2),th:nth-child(2){text-align:left}.at-risk{color:#c62828}.behind{color:#b26a00}.on-track,.achieved{color:#2e7d32}";

/// A table head: one heading per catalogue id.
fn head(lang: Lang, ids: &[&'static str]) -> Markup {
    html! { thead { tr { @for id in ids { th { (label(lang, id)) } } } } }
}

/// The HTML report in one language: static, no script, readable on a phone. Every heading, label
/// and note comes from the message catalogue; names of indicators, tasks, departments and
/// counties are the pack's, in that language. A [`maud`] template: every text is escaped by
/// construction.
pub fn to_html_in(pack: &Pack, r: &Report, lang: Lang) -> String {
    let l = |id: &'static str| label(lang, id);
    let sep = label(lang, "report-list-separator");
    let title = Msg::new("report-title").arg("plan", pack.title.get(lang)).arg("year", r.year).render(lang);
    let intro = Msg::new("report-intro").arg("pack", &pack.id).arg("hash", &pack.hash[..16.min(pack.hash.len())]);
    let weights = Msg::new("report-weights")
        .arg("completion", r.weights.0.normalize())
        .arg("fiscal", r.weights.1.normalize())
        .arg("rd", r.weights.2.normalize())
        .arg("source", r.weights_source.get(lang));
    html! {
        // A constant: the doctype holds no text of anyone's.
        (PreEscaped("<!doctype html>"))
        html lang=(match lang { Lang::Zh => "zh-Hans", Lang::En => "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (STYLE) }
            }
            body {
                h1 { (title) }
                p { (intro.render(lang)) }
                h2 { (l("report-indicators")) }
                (progress_chart(pack, r, lang))
                p.legend { (l("report-chart-legend")) }
                table {
                    (head(lang, &[
                        "report-col-number",
                        "report-col-indicator",
                        "report-col-unit",
                        "report-col-baseline",
                        "report-col-target-2022",
                        "report-col-target-2025",
                        "report-col-latest",
                        "report-col-share",
                        "report-col-linear",
                        "report-col-status",
                        "report-col-met-2022",
                        "report-col-needed",
                        "report-col-projection",
                        "report-col-awards",
                    ]))
                    tbody { @for p in &r.city {
                        @let d = &pack.plan.indicators[p.indicator];
                        tr {
                            td { (d.number) }
                            td { (indicator_name(d, lang)) }
                            td { (unit(d, lang)) }
                            td { (p.baseline.map_or("—".into(), |b| format!("{} ({})", b.0.normalize(), b.1))) }
                            td { (num(d.target_2022)) }
                            td { (num(p.target_2025)) }
                            td { (p.value.map_or("—".into(), |v| format!("{} ({})", v.0.normalize(), v.1))) }
                            td { (pct(p.share)) }
                            td { (pct(p.linear)) }
                            td class=(p.status.code()) { (p.status.label(lang)) }
                            td { (p.met_2022.map_or("—", |m| l(if m { "report-yes" } else { "report-no" }))) }
                            td { (num(p.needed_linear)) }
                            td { (num(p.projection_2025)) }
                            td { @if d.rules.is_empty() {
                                "—"
                            } @else {
                                @let rules: Vec<&str> = d.rules.iter().map(|&x| pack.rules[x].title.get(lang)).collect();
                                @let counts: Vec<String> = r.linked_awards[p.indicator]
                                    .iter()
                                    .map(|(y, n)| Msg::new("report-awards-in-year").arg("year", y).arg("count", n).render(lang))
                                    .collect();
                                (if counts.is_empty() { "—".into() } else { counts.join(sep) })
                                br;
                                small { (rules.join(sep)) }
                            } }
                        }
                    } }
                }
                h2 { (l("report-counties")) }
                p { (weights.render(lang)) }
                @if let Some(n) = r.weights_note.map(|n| &pack.notes[n]) {
                    @let note = Msg::new("report-note").arg("clause", &n.clause).arg("choice", n.choice.get(lang)).arg("reason", n.reason.get(lang));
                    p.note id={ "note-" (n.id) } { (note.render(lang)) }
                }
                (county_chart(pack, r, lang))
                table {
                    (head(lang, &["report-col-rank", "report-col-county", "report-col-completion", "report-col-fiscal", "report-col-rd", "report-col-score"]))
                    tbody { @for c in &r.counties {
                        tr {
                            td { (c.rank.map_or("—".into(), |r| r.to_string())) }
                            td { (Scope::County(c.county).title(pack, lang)) }
                            td { (pct(c.completion)) }
                            td { (pct(c.fiscal)) }
                            td { (pct(c.rd)) }
                            td { (pct(c.score)) }
                        }
                    } }
                }
                h2 { (l("report-tasks")) }
                table {
                    (head(lang, &["report-col-clause", "report-col-task", "report-col-lead", "report-col-overdue"]))
                    tbody { @for t in &r.tasks {
                        @let task = &pack.plan.tasks[t.task];
                        @let overdue: Vec<String> = t.overdue.iter().map(|m| m.render(lang)).collect();
                        tr {
                            td { (task.clause) }
                            td { (task.title.get(lang)) }
                            td { (task.lead().map_or("", |d| pack.departments[d].name.get(lang))) }
                            td { (overdue.join(label(lang, "report-overdue-separator"))) }
                        }
                    } }
                }
                h2 { (l("report-units")) }
                table {
                    (head(lang, &["report-col-unit-name", "report-col-leads", "report-col-supports", "report-col-leads-overdue"]))
                    tbody { @for (di, d) in pack.departments.iter().enumerate() {
                        @let (lead, support) = by_unit(pack, di);
                        @if !(lead.is_empty() && support.is_empty()) {
                            @let overdue = lead.iter().filter(|&&t| r.tasks.iter().any(|s| s.task == t && !s.overdue.is_empty())).count();
                            tr { td { (d.name.get(lang)) } td { (lead.len()) } td { (support.len()) } td { (overdue) } }
                        }
                    } }
                }
                h2 { (l("report-missing")) }
                ul {
                    @if r.missing.is_empty() { li { (l("report-missing-none")) } }
                    @for m in &r.missing { li { (m.render(lang)) } }
                }
            }
        }
    }
    .into_string()
}
