//! The public calculator: a form generated from the pack's fact vocabulary (so another pack gets
//! its own form with no new code), or an uploaded facts file; results with the amount or interval,
//! the state, the budget year and departments, what would reach the next tier, the quoted sentence
//! and the whole explanation. Nothing is stored.

use super::{Ctx, field, field_error, label};
use crate::api::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use qiangke_rules::model::{FieldDef, Required, RuleKind, Type};
use qiangke_rules::{Lang, Options, Pack, Reason, State as RState, evaluate, explain, load_facts};
use serde_json::{Map, Value as J, json};
use std::collections::HashMap;
use std::sync::Arc;

const YEARS: std::ops::RangeInclusive<i32> = 2022..=2025;
const DEFAULT_YEAR: i32 = 2023;

type Errors = HashMap<String, String>;

fn id_of(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

/// Input hint for a type.
fn hint(ty: Type, lang: Lang) -> &'static str {
    match ty {
        Type::Money => label(lang, "calc-money-e-g-15000000"),
        Type::Int => label(lang, "calc-a-whole-number"),
        Type::Dec => label(lang, "calc-a-number"),
        Type::Rate => label(lang, "calc-a-percentage-e-g"),
        Type::Date => label(lang, "calc-a-date-e-g"),
        Type::Uscc => label(lang, "calc-the-18-character-unified"),
        _ => "",
    }
}

/// One labelled control for a fact, keeping what the user typed and showing its error; `event`:
/// the event type whose field it is (its condition names it).
#[allow(clippy::too_many_arguments)]
fn control(
    pack: &Pack,
    lang: Lang,
    name: &str,
    caption: &str,
    ty: Type,
    value: &str,
    err: Option<&String>,
    required: &Required,
    event: Option<usize>,
) -> Markup {
    let id = id_of(name);
    let invalid = err.is_some().then_some("true");
    let described = err.is_some().then(|| format!("{id}-error"));
    // What the vocabulary marks required is marked so here (an event's fields: once its date
    // is given); a condition says when.
    let (caption, aria_required) = match required {
        Required::No => (caption.to_string(), None),
        Required::Always => (format!("{caption}{}", label(lang, "calc-required")), Some("true")),
        Required::When(c) => {
            let cond = qiangke_rules::explain::condition_text(pack, c, event, lang);
            (format!("{caption}{}", qiangke_i18n::text(lang, "calc-required-when", &[("cond", &cond)])), None)
        }
    };
    let unknown = label(lang, "calc-not-known");
    let mode = match ty {
        Type::Money | Type::Dec | Type::Rate => Some("decimal"),
        Type::Int => Some("numeric"),
        _ => None,
    };
    let h = hint(ty, lang);
    html! {
        div {
            label for=(id) { (caption) }
            @match ty {
                Type::Bool => select id=(id) name=(name) aria-invalid=[invalid] aria-describedby=[&described] aria-required=[aria_required] {
                    option value="" selected[value.is_empty()] { (unknown) }
                    option value="true" selected[value == "true"] { (label(lang, "calc-yes")) }
                    option value="false" selected[value == "false"] { (label(lang, "calc-no")) }
                },
                Type::Enum(e) => select id=(id) name=(name) aria-invalid=[invalid] aria-describedby=[&described] aria-required=[aria_required] {
                    option value="" { (unknown) }
                    @for v in &pack.enums[e as usize].variants { option value=(v.id) selected[value == v.id] { (v.name.get(lang)) } }
                },
                _ => input id=(id) name=(name) value=(value) inputmode=[mode] aria-invalid=[invalid] aria-describedby=[&described] aria-required=[aria_required];,
            }
            @if !h.is_empty() { p.hint { (h) } }
            (field_error(&id, err))
        }
    }
}

fn title(f: &FieldDef, lang: Lang) -> String {
    f.title.get(lang).to_string()
}

/// The whole form, generated from the vocabulary.
fn form_html(ctx: &Ctx, pack: &Pack, form: &[(String, String)], errors: &Errors) -> Markup {
    let lang = ctx.lang;
    let v = &pack.vocab;
    let year = field(form, "year");
    let year = if year.is_empty() { DEFAULT_YEAR.to_string() } else { year.to_string() };
    let mut errs: Vec<_> = errors.iter().collect();
    errs.sort();
    let used =
        |prefix: &str| form.iter().any(|(k, val)| k.starts_with(prefix) && !val.is_empty()) || errors.keys().any(|k| k.starts_with(prefix));
    html! {
        @if !errs.is_empty() {
            div.summary-errors role="alert" {
                p { (label(lang, "calc-some-entries-need-correcting")) }
                ul { @for (k, m) in errs { li { a href={ "#" (id_of(k)) } { (m) } } } }
            }
        }
        form method="post" action="/calculator" class="calc" novalidate {
            fieldset {
                legend { (label(lang, "calc-claim-year-and-applicant")) }
                div.grid {
                    div {
                        label for="f-year" { (label(lang, "calc-claim-year")) }
                        select #f-year name="year" { @for y in YEARS { option value=(y) selected[year == y.to_string()] { (y) } } }
                        (field_error("f-year", errors.get("year")))
                    }
                    div {
                        label for="f-entity-name" { (label(lang, "calc-name-optional")) }
                        input #f-entity-name name="entity.name" value=(field(form, "entity.name")) autocomplete="organization";
                    }
                    @for a in &v.attributes {
                        @let name = format!("entity.{}", a.name);
                        (control(pack, lang, &name, &title(a, lang), a.ty, field(form, &name), errors.get(&name), &a.required, None))
                    }
                }
            }
            fieldset {
                legend { (label(lang, "calc-figures-of-the-claim")) }
                div.grid {
                    @for y in &v.yearly {
                        @let name = format!("y.{}", y.name);
                        (control(pack, lang, &name, &title(y, lang), y.ty, field(form, &name), errors.get(&name), &y.required, None))
                    }
                }
            }
            h2 { (label(lang, "calc-events-recognitions-projects-prizes")) }
            p.hint { (label(lang, "calc-one-of-each-kind")) }
            @for (ei, e) in v.events.iter().enumerate() {
                @let prefix = format!("e.{}.", e.name);
                @let dname = format!("{prefix}date");
                details.event id={ "ev-" (e.name) } open[used(&prefix)] {
                    summary { (e.title.get(lang)) }
                    fieldset {
                        legend { (e.title.get(lang)) }
                        div.grid {
                            (control(pack, lang, &dname, label(lang, "calc-date"), Type::Date, field(form, &dname), errors.get(&dname), &Required::Always, Some(ei)))
                            @for f in &e.fields {
                                @let name = format!("{prefix}{}", f.name);
                                (control(pack, lang, &name, &title(f, lang), f.ty, field(form, &name), errors.get(&name), &f.required, Some(ei)))
                            }
                        }
                    }
                }
            }
            p { button type="submit" #calculate { (label(lang, "calc-calculate")) } }
        }
        form method="post" action="/calculator/upload" enctype="multipart/form-data" class="card" {
            h2 { (label(lang, "calc-or-upload-a-facts")) }
            p.hint { (label(lang, "calc-json-or-toml-as")) }
            p { label for="f-file" { (label(lang, "calc-facts-file")) } input #f-file type="file" name="facts" accept=".json,.toml"; }
            p { button type="submit" class="secondary" { (label(lang, "calc-upload-and-calculate")) } }
        }
    }
}

/// Reads the form into a facts document, checking every value against its type.
fn parse_form(pack: &Pack, lang: Lang, form: &[(String, String)]) -> (i32, J, Errors) {
    let v = &pack.vocab;
    let mut errors = Errors::new();
    let year = match field(form, "year").parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => y,
        _ => {
            errors.insert("year".into(), label(lang, "calc-choose-a-year-from").into());
            DEFAULT_YEAR
        }
    };
    let check = |name: &str, ty: Type, errors: &mut Errors| -> Option<J> {
        let raw = field(form, name).trim();
        if raw.is_empty() {
            return None;
        }
        match qiangke_rules::facts::parse_cell(pack, ty, raw) {
            Ok(_) => Some(qiangke_rules::facts::cell_json(ty, raw)),
            Err(e) => {
                // In the reader's language, the hint too.
                let text = e.text(lang);
                errors.insert(
                    name.into(),
                    match e.hint_text(lang) {
                        Some(h) => format!("{text} ({h})"),
                        None => text,
                    },
                );
                None
            }
        }
    };
    let mut entity = Map::new();
    entity.insert("id".into(), J::String("calculator".into()));
    let name = field(form, "entity.name").trim();
    if !name.is_empty() {
        entity.insert("name".into(), J::String(name.into()));
    }
    for a in &v.attributes {
        let name = format!("entity.{}", a.name);
        match check(&name, a.ty, &mut errors) {
            Some(j) => {
                entity.insert(a.name.clone(), j);
            }
            // The kind decides which rules apply at all: asked for here, once, rather than by
            // a score of results that each need it.
            None if matches!(a.required, Required::Always) && !errors.contains_key(&name) => {
                errors.insert(name, label(lang, "calc-required-it-decides-which").into());
            }
            None => {}
        }
    }
    let mut figures = Map::new();
    for y in &v.yearly {
        if let Some(j) = check(&format!("y.{}", y.name), y.ty, &mut errors) {
            figures.insert(y.name.clone(), j);
        }
    }
    let mut events = Vec::new();
    for e in &v.events {
        let prefix = format!("e.{}.", e.name);
        let date = check(&format!("{prefix}date"), Type::Date, &mut errors);
        let mut ev = Map::new();
        for f in &e.fields {
            if let Some(j) = check(&format!("{prefix}{}", f.name), f.ty, &mut errors) {
                ev.insert(f.name.clone(), j);
            }
        }
        match date {
            Some(d) => {
                // An event given (its date) without a field the vocabulary always requires.
                for f in e.fields.iter().filter(|f| matches!(f.required, Required::Always)) {
                    let name = format!("{prefix}{}", f.name);
                    if !ev.contains_key(&f.name) && !errors.contains_key(&name) {
                        errors.insert(name, label(lang, "calc-required-2").into());
                    }
                }
                ev.insert("type".into(), J::String(e.name.clone()));
                ev.insert("date".into(), d);
                events.push(J::Object(ev));
            }
            None if !ev.is_empty() && !errors.contains_key(&format!("{prefix}date")) => {
                errors.insert(format!("{prefix}date"), label(lang, "calc-the-date-is-needed").into());
            }
            None => {}
        }
    }
    let doc = json!({"entity": entity, "years": {year.to_string(): figures}, "events": events});
    (year, doc, errors)
}

fn state_badge(lang: Lang, code: &str) -> Markup {
    let label = match code {
        "awarded" => label(lang, "calc-awarded"),
        "met" => label(lang, "calc-met"),
        "not-met" => label(lang, "calc-not-met"),
        "needs-information" => label(lang, "calc-needs-information"),
        "not-in-force" => label(lang, "calc-not-in-force"),
        _ => label(lang, "calc-not-eligible"),
    };
    let class = match code {
        "awarded" | "met" => "awarded",
        "needs-information" => "needs-information",
        "not-in-force" => "not-in-force",
        _ => "not-eligible",
    };
    html! { span class={ "state " (class) } { (label) } }
}

/// The results of one evaluation as cards.
pub(crate) fn results_html(pack: &Pack, lang: Lang, ev: &qiangke_rules::Evaluation<'_>) -> Markup {
    let tot = explain::totals(ev);
    let mut quiet = Vec::new();
    let mut other_kinds = Vec::new();
    let order = |r: &qiangke_rules::RuleResult<'_>| match (&r.state, r.rule.kind) {
        (RState::Awarded { .. }, RuleKind::Award) => 0,
        (RState::NeedsInformation(_), _) => 1,
        (RState::Awarded { .. }, _) => 2,
        _ => 3,
    };
    let mut results: Vec<&qiangke_rules::RuleResult<'_>> = ev.results.iter().collect();
    results.sort_by_key(|r| order(r));
    let mut shown = Vec::new();
    for r in results {
        if matches!(r.state, RState::NotEligible(Reason::NoTrigger)) {
            quiet.push(format!("[{}] {}", r.rule.clause, r.rule.title.get(lang)));
        } else if let RState::NotEligible(Reason::ApplicantKind { .. }) = &r.state {
            // Rules for other kinds of applicant: not eligible, and why, in one list.
            other_kinds.push(format!("[{}] {}: {}", r.rule.clause, r.rule.title.get(lang), explain::not_eligible_text(pack, r, lang)));
        } else {
            shown.push(r);
        }
    }
    html! {
        section aria-labelledby="results-h" #results {
            h2 #results-h { (label(lang, "calc-results")) }
            @if tot.is_empty() {
                p { (label(lang, "calc-no-award-on-these")) }
            } @else {
                p.card {
                    (label(lang, "calc-total-by-budget-year")) ": "
                    @for (i, (y, (lo, hi))) in tot.iter().enumerate() {
                        @if i > 0 { " · " }
                        (y) ": " strong { (explain::amount_text(*lo, *hi, lang)) }
                    }
                }
            }
            @for r in shown { (result_card(pack, lang, r)) }
            @if !other_kinds.is_empty() {
                details.card #other-kinds {
                    summary { (label(lang, "calc-rules-for-other-kinds")) " (" (other_kinds.len()) ")" }
                    ul { @for q in &other_kinds { li { (q) } } }
                }
            }
            @if !quiet.is_empty() {
                details.card {
                    summary { (label(lang, "calc-rules-with-nothing-to")) " (" (quiet.len()) ")" }
                    ul { @for q in &quiet { li { (q) } } }
                }
            }
        }
    }
}

/// One result: its state and amount, what it still needs, who verifies and pays, the next tier,
/// the quoted sentence and the whole explanation.
fn result_card(pack: &Pack, lang: Lang, r: &qiangke_rules::RuleResult<'_>) -> Markup {
    let rule = r.rule;
    let code = r.state.code_for(rule);
    html! {
        article class={ "card result " (code) } id={ "result-" (rule.id) } {
            h3 { (rule.title.get(lang)) " " small { "[" (rule.clause) "]" } }
            p {
                (state_badge(lang, code))
                @if let RState::Awarded { low, high } = &r.state {
                    " " span.amount {
                        @if rule.kind == RuleKind::Limit { (label(lang, "calc-limit-not-a-payment")) }
                        (explain::amount_text(*low, *high, lang))
                    }
                }
            }
            @if let RState::NeedsInformation(m) = &r.state {
                @let facts: Vec<String> = m.iter().map(|x| explain::fact_title(pack, &explain::missing_ref(x), lang)).collect();
                p { (label(lang, "calc-still-needed")) ": " (facts.join("、")) }
            }
            @if let (Some(by), RuleKind::Award) = (r.budget_year, rule.kind) {
                @let deps: Vec<&str> = rule.verified_by.iter().map(|d| pack.department(*d).name.get(lang)).collect();
                p {
                    (label(lang, "calc-budget-year")) " " (by) " · " (label(lang, "calc-verified-by")) " " (deps.join("、"))
                    @if let Some(p) = rule.paid_by { " · " (label(lang, "calc-paid-by")) " " (pack.department(p).name.get(lang)) }
                }
            }
            @for h in explain::tier_hints(pack, r, lang) { p.hint.tier-hint { (h) } }
            blockquote lang="zh-Hans" cite={ "/policy#rule-" (rule.id) } { (rule.quote) }
            details { summary { (label(lang, "calc-how-this-was-decided")) } pre { (explain::result_to_text(pack, r, lang)) } }
        }
    }
}

fn intro(ctx: &Ctx, s: &AppState) -> Markup {
    html! {
        p { (ctx.say("calc-intro", &[("plan", s.pack.title.get(ctx.lang))])) " " a href="/policy" { (ctx.l("calc-read-the-plan")) } }
        @if s.ladder.get().is_some() { p { (ctx.l("calc-ladder-lead")) " " a href="/ladder" { (ctx.l("calc-ladder-link")) } } }
    }
}

pub(super) async fn form(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let body = html! { (intro(&ctx, &s)) (form_html(&ctx, &s.pack, &[], &Errors::new())) };
    ctx.page(ctx.l("calc-award-calculator"), body)
}

pub(super) async fn submit(ctx: Ctx, State(s): State<Arc<AppState>>, axum::Form(form): axum::Form<Vec<(String, String)>>) -> Response {
    let pack = &s.pack;
    let (year, doc, mut errors) = parse_form(pack, ctx.lang, &form);
    let title = ctx.l("calc-award-calculator");
    if errors.is_empty() {
        match evaluate_off_thread(&s, "form".into(), doc.to_string(), vec![year], ctx.lang).await {
            Ok(Ok(results)) => {
                let body = html! { (intro(&ctx, &s)) (results) (form_html(&ctx, pack, &form, &errors)) };
                return ctx.page_reposting(StatusCode::OK, title, body, &form);
            }
            Ok(Err(messages)) => {
                for (_, m) in messages {
                    errors.insert(format!("form-{}", errors.len()), m);
                }
            }
            Err(p) => return super::problem_page(&ctx, &p),
        }
    }
    let body = html! { (intro(&ctx, &s)) (form_html(&ctx, pack, &form, &errors)) };
    ctx.page_reposting(StatusCode::UNPROCESSABLE_ENTITY, title, body, &form)
}

pub(super) async fn upload(ctx: Ctx, State(s): State<Arc<AppState>>, mp: Multipart) -> Response {
    let pack = &s.pack;
    let title = ctx.l("calc-award-calculator");
    let super::Upload { file, too_large, .. } = super::read_upload(mp).await;
    let fail = |msg: Markup| {
        let body = html! {
            div.summary-errors role="alert" { (msg) }
            (form_html(&ctx, pack, &[], &Errors::new()))
        };
        ctx.page_status(StatusCode::UNPROCESSABLE_ENTITY, title, body)
    };
    if too_large {
        let mut r = fail(html! { p { (ctx.l("calc-the-file-is-too")) } });
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return r;
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return fail(html! { p { (ctx.l("calc-choose-a-facts-file")) } });
    };
    let text = match qiangke_rules::textfile::decode(&bytes) {
        Ok(t) => t.into_owned(),
        Err(e) => return fail(html! { p { (e.render(ctx.lang)) } }),
    };
    let name: String = name.chars().filter(|c| !c.is_control() && *c != '/').collect();
    match evaluate_off_thread(&s, name.clone(), text, Vec::new(), ctx.lang).await {
        Ok(Ok(results)) => {
            let body = html! { (intro(&ctx, &s)) (results) (form_html(&ctx, pack, &[], &Errors::new())) };
            ctx.page(title, body)
        }
        Ok(Err(messages)) => fail(html! {
            p { (ctx.l("calc-the-file-has-errors")) }
            ul { @for (at, msg) in &messages { li { (name) ":" (at) ": " (msg) } } }
        }),
        Err(p) => super::problem_page(&ctx, &p),
    }
}

/// Loads and evaluates a facts document on the blocking pool, bounded like every evaluation
/// (see `crate::compute`), and renders the results. `Ok(Err(_))`: the document's problems, each
/// with its `line:column`; `Err`: too many events, or too many evaluations at once.
async fn evaluate_off_thread(
    s: &Arc<AppState>,
    name: String,
    text: String,
    years: Vec<i32>,
    lang: Lang,
) -> Result<Result<Markup, Vec<(String, String)>>, crate::Problem> {
    let pack = s.pack.clone();
    s.evaluations
        .run(move || {
            let facts = match load_facts(&pack, &name, &text) {
                Ok(f) => f,
                Err(r) => {
                    return Ok(Err(r
                        .diagnostics
                        .iter()
                        .map(|d| {
                            let j = d.to_json(&r.map);
                            (format!("{}:{}", j["line"], j["column"]), d.message.render(lang))
                        })
                        .collect()));
                }
            };
            crate::api::too_many_events(facts.events.len())?;
            let ev = evaluate(&pack, &facts, &Options { years, trace: true, ..Options::default() });
            Ok(Ok(results_html(&pack, lang, &ev)))
        })
        .await
        .map_err(crate::api::busy)?
}
