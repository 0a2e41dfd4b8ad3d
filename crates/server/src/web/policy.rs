//! The literate policy browser: the plan's text with every encoded sentence marked and linked to
//! its rules, each rule beside its sentence; the interpretation notes; the clause coverage.

use super::Ctx;
use crate::api::AppState;
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use qiangke_rules::Pack;
use qiangke_rules::plan::ClauseStatus;
use std::sync::Arc;

/// Byte ranges of the source quoted by rules: (start, end, rule indexes), sorted, non-overlapping
/// (a quote inside an already marked one links from the outer mark).
fn quoted_spans(pack: &Pack) -> Vec<(usize, usize, Vec<usize>)> {
    let src = &pack.source_text;
    let mut spans: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for (i, r) in pack.rules.iter().enumerate() {
        if let Some(at) = src.find(r.quote.as_str()) {
            spans.push((at, at + r.quote.len(), vec![i]));
        }
    }
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out: Vec<(usize, usize, Vec<usize>)> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if s.0 < last.1 => last.2.extend(s.2),
            _ => out.push(s),
        }
    }
    out
}

fn rule_card(ctx: &Ctx, pack: &Pack, i: usize, mark: usize) -> Markup {
    let r = &pack.rules[i];
    let l = ctx.lang;
    let deps: Vec<&str> = r.verified_by.iter().map(|d| pack.department(*d).name.get(l)).collect();
    let src = pack.map.text(r.file).get(r.span.start..r.span.end).unwrap_or("");
    // Ids are for analysts: in the anchor and a tooltip, not in the text people read.
    html! {
        div.card id={ "rule-" (r.id) } {
            strong title=(r.id) { "[" (r.clause) "] " (r.title.get(l)) }
            " " a href={ "#q-" (mark) } { (ctx.l("policy-sentence")) }
            br;
            (ctx.l("policy-verified-by")) " " (deps.join("、"))
            @if let Some(p) = r.paid_by { " · " (ctx.l("policy-paid-by")) " " (pack.department(p).name.get(l)) }
            br;
            (ctx.l("policy-interpretations")) ": "
            @for (k, n) in r.notes.iter().enumerate() {
                @if k > 0 { (ctx.l("policy-list-separator")) }
                (super::note_link(ctx, pack, *n))
            }
            details { summary { (ctx.l("policy-rule-source")) } pre { (src) } }
        }
    }
}

/// A stretch of the plan's text with its line breaks kept.
fn lines(text: &str) -> Markup {
    html! { @for (k, line) in text.split('\n').enumerate() { @if k > 0 { br; } (line) } }
}

pub(super) async fn text(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let pack = &s.pack;
    let src = &pack.source_text;
    let spans = quoted_spans(pack);
    // Paragraphs are separated by blank lines; each is shown with the rules quoting it beside it.
    let mut paras: Vec<(Markup, Markup)> = Vec::new();
    let mut pos = 0;
    let mut next_span = 0;
    for para in src.split("\n\n") {
        let start = pos;
        let end = start + para.len();
        pos = end + 2;
        if para.trim().is_empty() {
            continue;
        }
        let mut marks = Vec::new();
        let mut at = start;
        while next_span < spans.len() && spans[next_span].0 < end {
            let (a, b, rules) = &spans[next_span];
            let b = (*b).min(end);
            marks.push((&src[at..*a], next_span, &pack.rules[rules[0]].id, &src[*a..b], rules));
            at = b;
            next_span += 1;
        }
        let text = html! {
            @for (before, n, first, quoted, _) in &marks {
                (lines(before))
                mark id={ "q-" (n) } { a href={ "#rule-" (first) } { (lines(quoted)) } }
            }
            (lines(&src[at..end]))
        };
        let aside = html! {
            @for (_, n, _, _, rules) in &marks { @for r in rules.iter() { (rule_card(&ctx, pack, *r, *n)) } }
        };
        paras.push((text, aside));
    }
    let body = html! {
        p {
            (pack.title.get(ctx.lang)) " · "
            a href="/policy/notes" { (ctx.l("policy-interpretation-notes")) } " · "
            a href="/policy/coverage" { (ctx.l("policy-clause-coverage")) }
        }
        p.hint { (ctx.l("policy-highlighted-sentences-are-encoded")) }
        div.policy { @for (text, aside) in paras { p lang="zh-Hans" { (text) } aside { (aside) } } }
    };
    ctx.page(ctx.l("policy-the-plan-and-its"), body)
}

pub(super) async fn notes(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let pack = &s.pack;
    let l = ctx.lang;
    let body = html! {
        p { (ctx.l("policy-where-the-plan-s")) }
        @for (i, n) in pack.notes.iter().enumerate() {
            section.card id={ "note-" (n.id) } {
                h2 title=(n.id) { "[" (n.clause) "] " (ctx.say("policy-note-ref", &[("n", &(i + 1).to_string())])) }
                p { strong { (ctx.l("policy-question")) } " " (n.question.get(l)) }
                ul { @for x in &n.options { li { (x) } } }
                p { strong { (ctx.l("policy-choice")) } " " (n.choice.get(l)) }
                p { strong { (ctx.l("policy-reason")) } " " (n.reason.get(l)) }
            }
        }
    };
    ctx.page(ctx.l("policy-interpretation-notes"), body)
}

pub(super) async fn coverage(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let pack = &s.pack;
    let l = ctx.lang;
    let c = qiangke_rules::coverage::coverage(pack);
    let status = |st: &ClauseStatus| match st {
        ClauseStatus::Encoded => ctx.l("policy-encoded"),
        ClauseStatus::Target => ctx.l("policy-target-not-an-award"),
        ClauseStatus::NotComputable => ctx.l("policy-nothing-to-compute"),
    };
    let entry = |e: &qiangke_rules::plan::ClauseEntry| {
        html! {
            td { (status(&e.status)) }
            td { @for (k, r) in e.rules.iter().enumerate() {
                @if k > 0 { (ctx.l("policy-list-separator")) }
                a href={ "/policy#rule-" (pack.rules[*r].id) } title=(pack.rules[*r].id) { (pack.rules[*r].title.get(l)) }
            } }
            td { (e.reason.as_ref().map(|r| r.get(l)).or(e.quote.as_deref()).unwrap_or("")) }
        }
    };
    let rows = html! {
        @for it in &c.items {
            @for e in &it.entries { tr { th scope="row" { (it.clause) } td lang="zh-Hans" { (it.heading) } (entry(e)) } }
            @if it.entries.is_empty() {
                tr { th scope="row" { (it.clause) } td { (it.heading) } td colspan="3" class="error" { (ctx.l("policy-missing")) } }
            }
        }
        @for e in &c.other_entries { tr { th scope="row" { (e.clause) } td {} (entry(e)) } }
    };
    let cols = [
        (ctx.l("policy-clause"), false),
        (ctx.l("policy-heading"), false),
        (ctx.l("policy-status"), false),
        (ctx.l("policy-rules"), false),
        (ctx.l("policy-why"), false),
    ];
    let summary =
        qiangke_i18n::text(l, "policy-coverage-summary", &[("items", &c.items.len().to_string()), ("open", &c.problems.len().to_string())]);
    let body = html! {
        p { (summary) }
        (super::table(None, &cols, rows))
        @for p in &c.problems { p.error { (p) } }
    };
    ctx.page(ctx.l("policy-clause-coverage"), body)
}
