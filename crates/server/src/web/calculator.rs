//! The public calculator: a form generated from the pack's fact vocabulary (so another pack gets
//! its own form with no new code), or an uploaded facts file; results with the amount or interval,
//! the state, the budget year and departments, what would reach the next tier, the quoted sentence
//! and the whole explanation. Nothing is stored.

use super::{Ctx, esc, field, field_error, label};
use crate::api::AppState;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use qiangke_rules::model::{FieldDef, Required, RuleKind, Type};
use qiangke_rules::{Lang, Options, Pack, Reason, State as RState, evaluate, explain, load_facts};
use serde_json::{Map, Value as J, json};
use std::collections::HashMap;
use std::fmt::Write as _;
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
) -> String {
    let id = id_of(name);
    let mut invalid = if err.is_some() { format!(r#" aria-invalid="true" aria-describedby="{id}-error""#) } else { String::new() };
    // What the vocabulary marks required is marked so here (an event's fields: once its date
    // is given); a condition says when.
    let caption = match required {
        Required::No => caption.to_string(),
        Required::Always => {
            invalid.push_str(r#" aria-required="true""#);
            format!("{caption}{}", label(lang, "calc-required"))
        }
        Required::When(c) => {
            let cond = qiangke_rules::explain::condition_text(pack, c, event, lang);
            format!("{caption}{}", qiangke_i18n::text(lang, "calc-required-when", &[("cond", &cond)]))
        }
    };
    let unknown = label(lang, "calc-not-known");
    let widget = match ty {
        Type::Bool => {
            let opt = |v: &str, l: &str| format!(r#"<option value="{v}"{}>{l}</option>"#, if value == v { " selected" } else { "" });
            format!(
                r#"<select id="{id}" name="{name}"{invalid}>{}{}{}</select>"#,
                opt("", unknown),
                opt("true", label(lang, "calc-yes")),
                opt("false", label(lang, "calc-no"))
            )
        }
        Type::Enum(e) => {
            let mut o = format!(r#"<select id="{id}" name="{name}"{invalid}><option value="">{unknown}</option>"#);
            for v in &pack.enums[e as usize].variants {
                let _ = write!(
                    o,
                    r#"<option value="{}"{}>{}</option>"#,
                    esc(&v.id),
                    if value == v.id { " selected" } else { "" },
                    esc(v.name.get(lang))
                );
            }
            o + "</select>"
        }
        _ => {
            let mode = match ty {
                Type::Money | Type::Dec | Type::Rate => r#" inputmode="decimal""#,
                Type::Int => r#" inputmode="numeric""#,
                _ => "",
            };
            format!(r#"<input id="{id}" name="{name}" value="{}"{mode}{invalid}>"#, esc(value))
        }
    };
    let h = hint(ty, lang);
    let h = if h.is_empty() { String::new() } else { format!(r#"<p class="hint">{h}</p>"#) };
    format!(r#"<div><label for="{id}">{}</label>{widget}{h}{}</div>"#, esc(&caption), field_error(&id, err))
}

fn title(f: &FieldDef, lang: Lang) -> String {
    f.title.get(lang).to_string()
}

/// The whole form, generated from the vocabulary.
fn form_html(ctx: &Ctx, pack: &Pack, form: &[(String, String)], errors: &Errors) -> String {
    let lang = ctx.lang;
    let v = &pack.vocab;
    let year = field(form, "year");
    let year = if year.is_empty() { DEFAULT_YEAR.to_string() } else { year.to_string() };
    let mut o = String::new();
    if !errors.is_empty() {
        let _ = write!(o, r#"<div class="summary-errors" role="alert"><p>{}</p><ul>"#, label(lang, "calc-some-entries-need-correcting"));
        let mut errs: Vec<_> = errors.iter().collect();
        errs.sort();
        for (k, m) in errs {
            let _ = write!(o, r##"<li><a href="#{}">{}</a></li>"##, esc(&id_of(k)), esc(m));
        }
        o.push_str("</ul></div>");
    }
    let _ = write!(
        o,
        r#"<form method="post" action="/calculator" class="calc" novalidate><fieldset><legend>{}</legend><div class="grid">"#,
        label(lang, "calc-claim-year-and-applicant")
    );
    let mut years = String::new();
    for y in YEARS {
        let _ = write!(years, r#"<option value="{y}"{}>{y}</option>"#, if year == y.to_string() { " selected" } else { "" });
    }
    let _ = write!(
        o,
        r#"<div><label for="f-year">{}</label><select id="f-year" name="year">{years}</select>{}</div>"#,
        label(lang, "calc-claim-year"),
        field_error("f-year", errors.get("year"))
    );
    let _ = write!(
        o,
        r#"<div><label for="f-entity-name">{}</label><input id="f-entity-name" name="entity.name" value="{}" autocomplete="organization"></div>"#,
        label(lang, "calc-name-optional"),
        esc(field(form, "entity.name"))
    );
    for a in &v.attributes {
        let name = format!("entity.{}", a.name);
        o.push_str(&control(pack, lang, &name, &title(a, lang), a.ty, field(form, &name), errors.get(&name), &a.required, None));
    }
    let _ = write!(o, r#"</div></fieldset><fieldset><legend>{}</legend><div class="grid">"#, label(lang, "calc-figures-of-the-claim"));
    for y in &v.yearly {
        let name = format!("y.{}", y.name);
        o.push_str(&control(pack, lang, &name, &title(y, lang), y.ty, field(form, &name), errors.get(&name), &y.required, None));
    }
    let _ = write!(
        o,
        r#"</div></fieldset><h2>{}</h2><p class="hint">{}</p>"#,
        label(lang, "calc-events-recognitions-projects-prizes"),
        label(lang, "calc-one-of-each-kind")
    );
    for (ei, e) in v.events.iter().enumerate() {
        let prefix = format!("e.{}.", e.name);
        let used = form.iter().any(|(k, val)| k.starts_with(&prefix) && !val.is_empty()) || errors.keys().any(|k| k.starts_with(&prefix));
        let _ = write!(
            o,
            r#"<details class="event" id="ev-{}"{}><summary>{}</summary><fieldset><legend>{}</legend><div class="grid">"#,
            esc(&e.name),
            if used { " open" } else { "" },
            esc(e.title.get(lang)),
            esc(e.title.get(lang))
        );
        let dname = format!("{prefix}date");
        o.push_str(&control(
            pack,
            lang,
            &dname,
            label(lang, "calc-date"),
            Type::Date,
            field(form, &dname),
            errors.get(&dname),
            &Required::Always,
            Some(ei),
        ));
        for f in &e.fields {
            let name = format!("{prefix}{}", f.name);
            o.push_str(&control(pack, lang, &name, &title(f, lang), f.ty, field(form, &name), errors.get(&name), &f.required, Some(ei)));
        }
        o.push_str("</div></fieldset></details>");
    }
    let _ = write!(o, r#"<p><button type="submit" id="calculate">{}</button></p></form>"#, label(lang, "calc-calculate"));
    let _ = write!(
        o,
        r#"<form method="post" action="/calculator/upload" enctype="multipart/form-data" class="card"><h2>{}</h2><p class="hint">{}</p><p><label for="f-file">{}</label><input id="f-file" type="file" name="facts" accept=".json,.toml"></p><p><button type="submit" class="secondary">{}</button></p></form>"#,
        label(lang, "calc-or-upload-a-facts"),
        label(lang, "calc-json-or-toml-as"),
        label(lang, "calc-facts-file"),
        label(lang, "calc-upload-and-calculate")
    );
    o
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

fn state_badge(lang: Lang, code: &str) -> String {
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
    format!(r#"<span class="state {class}">{label}</span>"#)
}

/// The results of one evaluation as cards.
pub(crate) fn results_html(pack: &Pack, lang: Lang, ev: &qiangke_rules::Evaluation<'_>) -> String {
    let mut o = String::new();
    let tot = explain::totals(ev);
    let _ = write!(o, r#"<section aria-labelledby="results-h" id="results"><h2 id="results-h">{}</h2>"#, label(lang, "calc-results"));
    if tot.is_empty() {
        let _ = write!(o, "<p>{}</p>", label(lang, "calc-no-award-on-these"));
    } else {
        let _ = write!(o, r#"<p class="card">{}: "#, label(lang, "calc-total-by-budget-year"));
        let parts: Vec<String> =
            tot.iter().map(|(y, (lo, hi))| format!("{y}: <strong>{}</strong>", esc(&explain::amount_text(*lo, *hi, lang)))).collect();
        o.push_str(&parts.join(" · "));
        o.push_str("</p>");
    }
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
    for r in results {
        if matches!(r.state, RState::NotEligible(Reason::NoTrigger)) {
            quiet.push(format!("[{}] {}", r.rule.clause, r.rule.title.get(lang)));
            continue;
        }
        // Rules for other kinds of applicant: not eligible, and why, in one list.
        if let RState::NotEligible(Reason::ApplicantKind { .. }) = &r.state {
            other_kinds.push(format!("[{}] {}: {}", r.rule.clause, r.rule.title.get(lang), explain::not_eligible_text(pack, r, lang)));
            continue;
        }
        let rule = r.rule;
        let code = r.state.code_for(rule);
        let _ = write!(
            o,
            r#"<article class="card result {code}" id="result-{}"><h3>{} <small>[{}]</small></h3><p>{}"#,
            esc(&rule.id),
            esc(rule.title.get(lang)),
            esc(&rule.clause),
            state_badge(lang, code)
        );
        if let RState::Awarded { low, high } = &r.state {
            let prefix = if rule.kind == RuleKind::Limit { label(lang, "calc-limit-not-a-payment") } else { "" };
            let _ = write!(o, r#" <span class="amount">{prefix}{}</span>"#, esc(&explain::amount_text(*low, *high, lang)));
        }
        o.push_str("</p>");
        if let RState::NeedsInformation(m) = &r.state {
            let facts: Vec<String> = m.iter().map(|x| esc(&explain::fact_title(pack, &explain::missing_ref(x), lang))).collect();
            let _ = write!(o, "<p>{}: {}</p>", label(lang, "calc-still-needed"), facts.join("、"));
        }
        if let Some(by) = r.budget_year
            && rule.kind == RuleKind::Award
        {
            let deps: Vec<&str> = rule.verified_by.iter().map(|d| pack.department(*d).name.get(lang)).collect();
            let _ =
                write!(o, "<p>{} {by} · {} {}", label(lang, "calc-budget-year"), label(lang, "calc-verified-by"), esc(&deps.join("、")));
            if let Some(p) = rule.paid_by {
                let _ = write!(o, " · {} {}", label(lang, "calc-paid-by"), esc(pack.department(p).name.get(lang)));
            }
            o.push_str("</p>");
        }
        for h in explain::tier_hints(pack, r, lang) {
            let _ = write!(o, r#"<p class="hint tier-hint">{}</p>"#, esc(&h));
        }
        let _ = write!(o, r#"<blockquote lang="zh-Hans" cite="/policy#rule-{}">{}</blockquote>"#, esc(&rule.id), esc(&rule.quote));
        let _ = write!(
            o,
            "<details><summary>{}</summary><pre>{}</pre></details></article>",
            label(lang, "calc-how-this-was-decided"),
            esc(&explain::result_to_text(pack, r, lang))
        );
    }
    if !other_kinds.is_empty() {
        let _ = write!(
            o,
            "<details class=\"card\" id=\"other-kinds\"><summary>{} ({})</summary><ul>",
            label(lang, "calc-rules-for-other-kinds"),
            other_kinds.len()
        );
        for q in other_kinds {
            let _ = write!(o, "<li>{}</li>", esc(&q));
        }
        o.push_str("</ul></details>");
    }
    if !quiet.is_empty() {
        let _ = write!(o, "<details class=\"card\"><summary>{} ({})</summary><ul>", label(lang, "calc-rules-with-nothing-to"), quiet.len());
        for q in quiet {
            let _ = write!(o, "<li>{}</li>", esc(&q));
        }
        o.push_str("</ul></details>");
    }
    o.push_str("</section>");
    o
}

fn intro(ctx: &Ctx, pack: &Pack) -> String {
    format!(
        r#"<p>{} <a href="/policy">{}</a></p>"#,
        esc(&ctx.say("calc-intro", &[("plan", pack.title.get(ctx.lang))])),
        ctx.l("calc-read-the-plan")
    )
}

pub(super) async fn form(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let body = intro(&ctx, &s.pack) + &form_html(&ctx, &s.pack, &[], &Errors::new());
    ctx.page(ctx.l("calc-award-calculator"), &body)
}

pub(super) async fn submit(ctx: Ctx, State(s): State<Arc<AppState>>, axum::Form(form): axum::Form<Vec<(String, String)>>) -> Response {
    let pack = &s.pack;
    let (year, doc, mut errors) = parse_form(pack, ctx.lang, &form);
    let title = ctx.l("calc-award-calculator");
    if errors.is_empty() {
        match evaluate_off_thread(&s, "form".into(), doc.to_string(), vec![year], ctx.lang).await {
            Ok(Ok(results)) => {
                let body = intro(&ctx, pack) + &results + &form_html(&ctx, pack, &form, &errors);
                return ctx.page_reposting(StatusCode::OK, title, &body, &form);
            }
            Ok(Err(messages)) => {
                for (_, m) in messages {
                    errors.insert(format!("form-{}", errors.len()), m);
                }
            }
            Err(p) => return super::problem_page(&ctx, &p),
        }
    }
    let body = intro(&ctx, pack) + &form_html(&ctx, pack, &form, &errors);
    ctx.page_reposting(StatusCode::UNPROCESSABLE_ENTITY, title, &body, &form)
}

pub(super) async fn upload(ctx: Ctx, State(s): State<Arc<AppState>>, mut mp: Multipart) -> Response {
    let pack = &s.pack;
    let title = ctx.l("calc-award-calculator");
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_large = false;
    loop {
        match mp.next_field().await {
            Ok(Some(f)) if f.name() == Some("facts") => {
                let name = f.file_name().unwrap_or("facts.json").to_string();
                match f.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) => {
                        too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                        break;
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                too_large = e.status() == StatusCode::PAYLOAD_TOO_LARGE;
                break;
            }
        }
    }
    let fail = |msg: String| {
        let body =
            format!(r#"<div class="summary-errors" role="alert"><p>{}</p></div>"#, msg) + &form_html(&ctx, pack, &[], &Errors::new());
        ctx.page_status(StatusCode::UNPROCESSABLE_ENTITY, title, &body)
    };
    if too_large {
        let mut r = fail(esc(ctx.l("calc-the-file-is-too")));
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return r;
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return fail(esc(ctx.l("calc-choose-a-facts-file")));
    };
    let text = match qiangke_rules::textfile::decode(&bytes) {
        Ok(t) => t.into_owned(),
        Err(e) => return fail(esc(&e.render(ctx.lang))),
    };
    let name: String = name.chars().filter(|c| !c.is_control() && *c != '/').collect();
    match evaluate_off_thread(&s, name.clone(), text, Vec::new(), ctx.lang).await {
        Ok(Ok(results)) => {
            let body = intro(&ctx, pack) + &results + &form_html(&ctx, pack, &[], &Errors::new());
            ctx.page(title, &body)
        }
        Ok(Err(messages)) => {
            let mut m = format!("{}<ul>", esc(ctx.l("calc-the-file-has-errors")));
            for (at, msg) in messages {
                let _ = write!(m, "<li>{}:{at}: {}</li>", esc(&name), esc(&msg));
            }
            fail(m + "</ul>")
        }
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
) -> Result<Result<String, Vec<(String, String)>>, crate::Problem> {
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
                            (format!("{}:{}", j["line"], j["column"]), d.message.to_string())
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
