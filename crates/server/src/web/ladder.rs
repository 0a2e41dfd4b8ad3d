//! The recognition ladder: for one enterprise (an uploaded facts file, or the ladder's sample),
//! each recognition it holds, could obtain now, or lacks — with the score against the pass mark,
//! the points experts must still give, the conditions not met and by how much, the next band of
//! each score — and what the plan pays for it (`qiangke_rules::ladder`). Nothing is stored.

use super::{Ctx, label};
use crate::api::AppState;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use qiangke_i18n::text as say;
use qiangke_rules::Lang;
use qiangke_rules::explain;
use qiangke_rules::ladder::{Ladder, LadderResult, Pay, RungResult, Standing, assess};
use qiangke_rules::standard::Outcome;
use std::sync::Arc;

type St = State<Arc<AppState>>;

#[derive(serde::Deserialize, Default)]
pub(super) struct Params {
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    year: Option<i32>,
}

/// The year the form offers first: the ladder's own choice, else the last year it covers.
fn default_year(l: &Ladder) -> i32 {
    let years = l.years();
    l.year.filter(|y| years.contains(y)).unwrap_or(*years.end())
}

/// The form generated from the criteria packs' vocabularies: the attributes, then a grid of the
/// yearly figures, one column per year the rules read (the assessment year and the years before
/// it), a dash where no rule reads that year. What was typed is kept.
fn fill_form(ctx: &Ctx, l: &Ladder, year: i32, typed: &[(String, String)]) -> Markup {
    let lang = ctx.lang;
    let (attrs, yearly) = l.form_facts();
    let depth = yearly.iter().flat_map(|f| f.years_back.iter().copied()).max().unwrap_or(0);
    let backs: Vec<u8> = (0..=depth).rev().collect();
    let value = |k: &str| typed.iter().find(|(n, _)| n == k).map_or("", |(_, v)| v.as_str());
    html! {
        form.card method="post" action="/ladder" {
            h2 { (ctx.l("ladder-page-fill")) }
            p.hint { (ctx.l("ladder-page-fill-hint")) }
            div.grid {
                div {
                    label for="l-year-f" { (ctx.l("ladder-page-year")) }
                    select #l-year-f name="year" { @for y in l.years() { option value=(y) selected[y == year] { (y) } } }
                }
                div {
                    label for="l-name" { (ctx.l("calc-name-optional")) }
                    input #l-name name="name" value=(value("name")) autocomplete="organization";
                }
                @for a in &attrs {
                    @let name = format!("a.{}", a.name);
                    div {
                        label for=(format!("l-{name}")) { (a.title.get(lang)) }
                        (cell(a.pack, lang, &name, a.title.get(lang), a.ty, value(&name)))
                    }
                }
            }
            div.scroll { table {
                thead { tr {
                    th scope="col" { (ctx.l("ladder-page-fact")) }
                    @for b in &backs { th scope="col" { (say(lang, "ladder-page-year-col", &[("year", &(year - i32::from(*b)).to_string())])) } }
                } }
                tbody { @for f in &yearly {
                    tr {
                        th scope="row" { (f.title.get(lang)) }
                        @for b in &backs {
                            td { @if f.years_back.contains(b) {
                                @let name = format!("y.{}.{}", f.name, b);
                                @let caption = format!("{} {}", f.title.get(lang), year - i32::from(*b));
                                (cell(f.pack, lang, &name, &caption, f.ty, value(&name)))
                            } @else { span.hint aria-hidden="true" { "—" } } }
                        }
                    }
                } }
            } }
            p { button type="submit" { (ctx.l("ladder-page-assess-form")) } }
        }
    }
}

/// One control of the generated form: a choice for yes/no and enums, else text as offices
/// write it (`1500万元`, `120`, `2025-06-30`). Unanswered is *not known*.
fn cell(pack: &qiangke_rules::Pack, lang: Lang, name: &str, caption: &str, ty: qiangke_rules::model::Type, value: &str) -> Markup {
    use qiangke_rules::model::Type;
    let id = format!("l-{name}");
    html! {
        @match ty {
            Type::Bool => select id=(id) name=(name) aria-label=(caption) {
                option value="" selected[value.is_empty()] { (label(lang, "calc-not-known")) }
                option value="true" selected[value == "true"] { (label(lang, "calc-yes")) }
                option value="false" selected[value == "false"] { (label(lang, "calc-no")) }
            },
            Type::Enum(e) => select id=(id) name=(name) aria-label=(caption) {
                option value="" selected[value.is_empty()] { (label(lang, "calc-not-known")) }
                @for v in &pack.enums[e as usize].variants { option value=(v.id) selected[value == v.id] { (v.name.get(lang)) } }
            },
            Type::Date => input id=(id) name=(name) value=(value) aria-label=(caption);,
            _ => input id=(id) name=(name) value=(value) aria-label=(caption) inputmode="decimal";,
        }
    }
}

/// The facts document the form describes (JSON, the names of the packs' vocabularies), with the
/// year of assessment. Empty answers are left out: not known.
fn form_doc(l: &Ladder, form: &[(String, String)]) -> (i32, String) {
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
    let year = get("year").and_then(|y| y.parse().ok()).filter(|y| l.years().contains(y)).unwrap_or_else(|| default_year(l));
    let mut entity = serde_json::Map::new();
    entity.insert("id".into(), "form".into());
    if let Some(n) = get("name") {
        entity.insert("name".into(), n.into());
    }
    let mut years: std::collections::BTreeMap<i32, serde_json::Map<String, serde_json::Value>> = Default::default();
    for (k, v) in form {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if let Some(a) = k.strip_prefix("a.") {
            entity.insert(a.to_string(), v.into());
        } else if let Some((f, b)) = k.strip_prefix("y.").and_then(|r| r.rsplit_once('.'))
            && let Ok(b) = b.parse::<i32>()
        {
            years.entry(year - b).or_default().insert(f.to_string(), v.into());
        }
    }
    let years: serde_json::Map<String, serde_json::Value> = years.into_iter().map(|(y, m)| (y.to_string(), m.into())).collect();
    (year, serde_json::json!({"entity": entity, "years": years}).to_string())
}

pub(super) async fn submit(ctx: Ctx, State(s): St, axum::Form(form): axum::Form<Vec<(String, String)>>) -> Response {
    let Some(l) = s.ladder.get().cloned() else { return no_ladder(&ctx) };
    let (year, doc) = form_doc(&l, &form);
    let title = ctx.l("ladder-page-title");
    match run(&s, l.clone(), "form".into(), doc, year, ctx.lang).await {
        Ok(Ok(results)) => {
            ctx.page(title, html! { (intro(&ctx, &l)) (results) (fill_form(&ctx, &l, year, &form)) (upload_form(&ctx, &l, year)) })
        }
        Ok(Err(msgs)) => {
            let body =
                html! { (errors(&ctx, None, &msgs)) (intro(&ctx, &l)) (fill_form(&ctx, &l, year, &form)) (upload_form(&ctx, &l, year)) };
            ctx.page_status(StatusCode::UNPROCESSABLE_ENTITY, title, body)
        }
        Err(p) => super::problem_page(&ctx, &p),
    }
}

fn upload_form(ctx: &Ctx, l: &Ladder, year: i32) -> Markup {
    html! {
        form.card method="post" action="/ladder/upload" enctype="multipart/form-data" {
            h2 { (ctx.l("ladder-page-or-upload")) }
            div.grid {
                div {
                    label for="l-facts" { (ctx.l("ladder-page-file")) }
                    input #l-facts type="file" name="facts" accept=".json,.toml";
                    p.hint { (ctx.l("ladder-page-file-hint")) }
                }
                div {
                    label for="l-year" { (ctx.l("ladder-page-year")) }
                    select #l-year name="year" { @for y in l.years() { option value=(y) selected[y == year] { (y) } } }
                    p.hint { (ctx.l("ladder-page-year-hint")) }
                }
            }
            p { button type="submit" { (ctx.l("ladder-page-assess")) } }
            @if l.example.is_some() {
                p {
                    a href={ "/ladder?example=1&year=" (year) } { (ctx.l("ladder-page-see-example")) }
                    " · "
                    a href="/ladder/example.json" download { (ctx.l("ladder-page-download-example")) }
                }
            }
        }
    }
}

fn intro(ctx: &Ctx, l: &Ladder) -> Markup {
    html! {
        p { (ctx.say("ladder-page-intro", &[("ladder", l.title.get(ctx.lang)), ("payer", l.payer_title.as_ref().map_or("", |p| p.get(ctx.lang)))])) }
        p.hint { (ctx.l("ladder-page-provisional")) }
    }
}

fn no_ladder(ctx: &Ctx) -> Response {
    ctx.page_status(StatusCode::NOT_FOUND, ctx.l("ladder-page-title"), html! { p { (ctx.l("ladder-page-none")) } })
}

pub(super) async fn page(ctx: Ctx, State(s): St, Query(q): Query<Params>) -> Response {
    let Some(l) = s.ladder.get().cloned() else { return no_ladder(&ctx) };
    let year = q.year.filter(|y| l.years().contains(y)).unwrap_or_else(|| default_year(&l));
    let results = match (q.example.is_some(), &l.example) {
        (true, Some((name, text))) => match run(&s, l.clone(), name.clone(), text.clone(), year, ctx.lang).await {
            Ok(Ok(m)) => Some(m),
            Ok(Err(msgs)) => Some(errors(&ctx, Some(name), &msgs)),
            Err(p) => return super::problem_page(&ctx, &p),
        },
        _ => None,
    };
    let body = html! { (intro(&ctx, &l)) @if let Some(r) = results { (r) } (fill_form(&ctx, &l, year, &[])) (upload_form(&ctx, &l, year)) };
    ctx.page(ctx.l("ladder-page-title"), body)
}

pub(super) async fn example(State(s): St) -> Response {
    match s.ladder.get().and_then(|l| l.example.clone()) {
        Some((name, text)) => {
            let disposition = format!("attachment; filename=\"{}\"", name.replace('"', ""));
            ([(header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)], text)
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(super) async fn upload(ctx: Ctx, State(s): St, mp: Multipart) -> Response {
    let Some(l) = s.ladder.get().cloned() else { return no_ladder(&ctx) };
    let title = ctx.l("ladder-page-title");
    let super::Upload { file, fields, too_large } = super::read_upload(mp).await;
    let year = fields
        .iter()
        .find(|(k, _)| k == "year")
        .and_then(|(_, v)| v.trim().parse().ok())
        .filter(|y| l.years().contains(y))
        .unwrap_or_else(|| default_year(&l));
    let fail = |status: StatusCode, msg: Markup| {
        let body = html! { div.summary-errors role="alert" { (msg) } (intro(&ctx, &l)) (upload_form(&ctx, &l, year)) };
        ctx.page_status(status, title, body)
    };
    if too_large {
        return fail(StatusCode::PAYLOAD_TOO_LARGE, html! { p { (ctx.l("calc-the-file-is-too")) } });
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return fail(StatusCode::UNPROCESSABLE_ENTITY, html! { p { (ctx.l("calc-choose-a-facts-file")) } });
    };
    let text = match qiangke_rules::textfile::decode(&bytes) {
        Ok(t) => t.into_owned(),
        Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, html! { p { (e.render(ctx.lang)) } }),
    };
    let name: String = name.chars().filter(|c| !c.is_control() && *c != '/').collect();
    match run(&s, l.clone(), name.clone(), text, year, ctx.lang).await {
        Ok(Ok(results)) => ctx.page(title, html! { (intro(&ctx, &l)) (results) (upload_form(&ctx, &l, year)) }),
        Ok(Err(msgs)) => fail(StatusCode::UNPROCESSABLE_ENTITY, errors(&ctx, Some(&name), &msgs)),
        Err(p) => super::problem_page(&ctx, &p),
    }
}

/// The problems of a facts file (`file`: its name, each problem with its line and column) or of
/// the form (`None`: a line of the document made from the form would mean nothing).
fn errors(ctx: &Ctx, file: Option<&str>, msgs: &[(String, String)]) -> Markup {
    html! {
        div.summary-errors role="alert" {
            p { (ctx.l(if file.is_some() { "calc-the-file-has-errors" } else { "ladder-page-form-errors" })) }
            ul { @for (at, m) in msgs { li { @if let Some(f) = file { (f) ":" (at) ": " } (m) } } }
        }
    }
}

/// Assesses the ladder on the blocking pool, bounded like every evaluation, and renders it.
/// `Ok(Err(_))`: the document's problems, each with its `line:column`.
async fn run(
    s: &Arc<AppState>,
    l: Arc<Ladder>,
    name: String,
    text: String,
    year: i32,
    lang: Lang,
) -> Result<Result<Markup, Vec<(String, String)>>, crate::Problem> {
    s.evaluations
        .run(move || match assess(&l, &name, &text, year) {
            Ok(r) => Ok(Ok(results(&r, lang))),
            Err(rep) => Ok(Err(rep
                .diagnostics
                .iter()
                .map(|d| {
                    let j = d.to_json(&rep.map);
                    (format!("{}:{}", j["line"], j["column"]), d.message.render(lang))
                })
                .collect())),
        })
        .await
        .map_err(crate::api::busy)?
}

/// The standing as a badge: its words and the class that colours it.
fn badge(s: Standing, lang: Lang) -> (&'static str, &'static str) {
    match s {
        Standing::Holds => (label(lang, "ladder-holds"), "awarded"),
        Standing::NotEncoded => (label(lang, "ladder-not-encoded"), "not-in-force"),
        Standing::Assessed(Outcome::Meets) => (label(lang, "ex-standard-meets"), "awarded"),
        Standing::Assessed(Outcome::DependsOnReview) => (label(lang, "ladder-review"), "in-review"),
        Standing::Assessed(Outcome::CannotMeet) => (label(lang, "ex-standard-cannot-meet"), "not-eligible"),
        Standing::Assessed(Outcome::NeedsInformation) => (label(lang, "ex-needs-information"), "needs-information"),
        Standing::Assessed(Outcome::NotInForce) => (label(lang, "ex-standard-not-in-force"), "not-in-force"),
    }
}

fn results(r: &LadderResult<'_>, lang: Lang) -> Markup {
    let who = r.entity_name.as_deref().unwrap_or(&r.entity_id);
    html! {
        section #results aria-labelledby="results-h" {
            h2 #results-h { (who) " · " (say(lang, "ladder-year", &[("year", &r.year.to_string())])) }
            @for (i, rr) in r.rungs.iter().enumerate() { (rung(r, i, rr, lang)) }
        }
    }
}

fn rung(r: &LadderResult<'_>, i: usize, rr: &RungResult<'_>, lang: Lang) -> Markup {
    let (words, class) = badge(rr.standing, lang);
    let payer = r.ladder.payer_title.as_ref().map_or("", |p| p.get(lang));
    html! {
        section.card.rung {
            h3 { (i + 1) ". " (rr.rung.title.get(lang)) " " span.state.(class) { (words) } }
            @if let (Some(ev), Some(st)) = (&rr.evaluation, rr.standard()) {
                p.hint {
                    (ev.pack.title.get(lang)) " [" (st.standard.clause) "]"
                    @if let Some(p) = &ev.pack.provisional { " · " strong { (label(lang, "ex-provisional")) } ": " (p.get(lang)) }
                }
                @if rr.standing != Standing::Holds { (standard(ev, st, lang)) }
            }
            @if let (true, Some(gap)) = (rr.rung.criteria.is_empty(), &rr.rung.gap) { p { (gap.get(lang)) } }
            @if let Some(why) = rr.pay.nothing_text(r, lang) { p { (why) } }
            @if let Pay::Awards(a) = &rr.pay {
                @for x in a {
                    @if let qiangke_rules::State::Awarded { low, high } = x.state {
                        div.pays {
                            p {
                                (payer) " [" (x.rule.clause) "] " (x.rule.title.get(lang)) ": "
                                span.amount { (explain::amount_text(low, high, lang)) }
                                @if let Some(by) = x.budget_year { " " (say(lang, "ladder-page-budget-year", &[("year", &by.to_string())])) }
                            }
                            blockquote lang="zh-Hans" { (x.rule.quote) }
                        }
                    }
                }
            }
        }
    }
}

fn standard(ev: &qiangke_rules::Evaluation<'_>, st: &qiangke_rules::standard::StandardResult<'_>, lang: Lang) -> Markup {
    let v = qiangke_rules::ladder::standard_view(ev, st, lang);
    html! {
        @for line in v.conditions_met.iter().chain(&v.route) { p { (line) } }
        @if let Some(score) = &v.score {
            p { strong { (score) } }
            @if let Some(short) = &v.short { p { (short) } }
            div.scroll { table {
                thead { tr { th scope="col" { (label(lang, "ladder-page-item")) } th.num scope="col" { (label(lang, "ladder-page-points")) } } }
                tbody {
                    @for (name, pts, range) in &v.items {
                        tr { th scope="row" { (name) @if *range { " " span.hint { (label(lang, "ladder-page-experts")) } } } td.num { (pts) } }
                    }
                }
            } }
        }
        @if !v.failed.is_empty() {
            p { strong { (label(lang, "ladder-page-not-met")) } }
            ul { @for (what, why) in &v.failed { li { (what) @if !why.is_empty() { ": " (why) } } } }
        }
        @if !v.missing.is_empty() {
            p { strong { (label(lang, "ex-needs-information")) } ": " (v.missing.join(label(lang, "ex-list-separator"))) }
        }
        @if !v.hints.is_empty() {
            p { strong { (label(lang, "ladder-page-more")) } }
            ul { @for h in &v.hints { li { (h) } } }
        }
    }
}
