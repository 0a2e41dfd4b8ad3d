//! The literate policy browser: the plan's text with every encoded sentence marked and linked to
//! its rules, each rule beside its sentence; the interpretation notes; the clause coverage.

use super::{Ctx, esc};
use crate::api::AppState;
use axum::extract::State;
use axum::response::Response;
use qiangke_rules::Pack;
use qiangke_rules::plan::ClauseStatus;
use std::fmt::Write as _;
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

fn rule_card(ctx: &Ctx, pack: &Pack, i: usize, mark: usize) -> String {
    let r = &pack.rules[i];
    let l = ctx.lang;
    let deps: Vec<&str> = r.verified_by.iter().map(|d| pack.department(*d).name.get(l)).collect();
    let src = pack.map.text(r.file).get(r.span.start..r.span.end).unwrap_or("");
    let notes: Vec<String> = r.notes.iter().map(|n| super::note_link(ctx, pack, *n)).collect();
    // Ids are for analysts: in the anchor and a tooltip, not in the text people read.
    format!(
        r##"<div class="card" id="rule-{id}"><strong title="{id}">[{clause}] {title}</strong> <a href="#q-{mark}">{back}</a><br>{vb} {deps}{paid}<br>{nl}: {notes}<details><summary>{srcl}</summary><pre>{src}</pre></details></div>"##,
        id = esc(&r.id),
        clause = esc(&r.clause),
        title = esc(r.title.get(l)),
        back = ctx.l("policy-sentence"),
        vb = ctx.l("policy-verified-by"),
        deps = esc(&deps.join("、")),
        paid = r.paid_by.map(|p| format!(" · {} {}", ctx.l("policy-paid-by"), esc(pack.department(p).name.get(l)))).unwrap_or_default(),
        nl = ctx.l("policy-interpretations"),
        notes = notes.join(ctx.l("policy-list-separator")),
        srcl = ctx.l("policy-rule-source"),
        src = esc(src),
    )
}

pub(super) async fn text(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let pack = &s.pack;
    let src = &pack.source_text;
    let spans = quoted_spans(pack);
    let mut o = format!(
        r#"<p>{} · <a href="/policy/notes">{}</a> · <a href="/policy/coverage">{}</a></p><p class="hint">{}</p><div class="policy">"#,
        esc(pack.title.get(ctx.lang)),
        ctx.l("policy-interpretation-notes"),
        ctx.l("policy-clause-coverage"),
        ctx.l("policy-highlighted-sentences-are-encoded"),
    );
    // Paragraphs are separated by blank lines; each is shown with the rules quoting it beside it.
    let mut pos = 0;
    let mut next_span = 0;
    for para in src.split("\n\n") {
        let start = pos;
        let end = start + para.len();
        pos = end + 2;
        if para.trim().is_empty() {
            continue;
        }
        let mut html = String::new();
        let mut aside = String::new();
        let mut at = start;
        while next_span < spans.len() && spans[next_span].0 < end {
            let (a, b, rules) = &spans[next_span];
            let b = (*b).min(end);
            html.push_str(&esc(&src[at..*a]));
            let first = &pack.rules[rules[0]].id;
            let _ = write!(html, r##"<mark id="q-{next_span}"><a href="#rule-{}">{}</a></mark>"##, esc(first), esc(&src[*a..b]));
            for &r in rules {
                aside.push_str(&rule_card(&ctx, pack, r, next_span));
            }
            at = b;
            next_span += 1;
        }
        html.push_str(&esc(&src[at..end]));
        let _ = write!(o, r#"<p lang="zh-Hans">{}</p><aside>{aside}</aside>"#, html.replace('\n', "<br>"));
    }
    o.push_str("</div>");
    ctx.page(ctx.l("policy-the-plan-and-its"), &o)
}

pub(super) async fn notes(ctx: Ctx, State(s): State<Arc<AppState>>) -> Response {
    let pack = &s.pack;
    let l = ctx.lang;
    let mut o = format!("<p>{}</p>", ctx.l("policy-where-the-plan-s"));
    for (i, n) in pack.notes.iter().enumerate() {
        let opts: String = n.options.iter().map(|x| format!("<li>{}</li>", esc(x))).collect();
        let _ = write!(
            o,
            r#"<section class="card" id="note-{id}"><h2 title="{id}">[{clause}] {number}</h2><p><strong>{ql}</strong> {q}</p><ul>{opts}</ul><p><strong>{cl}</strong> {c}</p><p><strong>{rl}</strong> {r}</p></section>"#,
            id = esc(&n.id),
            clause = esc(&n.clause),
            number = ctx.say("policy-note-ref", &[("n", &(i + 1).to_string())]),
            ql = ctx.l("policy-question"),
            q = esc(n.question.get(l)),
            cl = ctx.l("policy-choice"),
            c = esc(n.choice.get(l)),
            rl = ctx.l("policy-reason"),
            r = esc(n.reason.get(l)),
        );
    }
    ctx.page(ctx.l("policy-interpretation-notes"), &o)
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
        let rules: Vec<String> = e
            .rules
            .iter()
            .map(|r| {
                format!(r#"<a href="/policy#rule-{0}" title="{0}">{1}</a>"#, esc(&pack.rules[*r].id), esc(pack.rules[*r].title.get(l)))
            })
            .collect();
        format!(
            "<td>{}</td><td>{}</td><td>{}</td>",
            status(&e.status),
            rules.join(ctx.l("policy-list-separator")),
            esc(e.reason.as_ref().map(|r| r.get(l)).or(e.quote.as_deref()).unwrap_or(""))
        )
    };
    let mut o = format!(
        "<p>{}</p>",
        esc(&qiangke_i18n::text(
            l,
            "policy-coverage-summary",
            &[("items", &c.items.len().to_string()), ("open", &c.problems.len().to_string())]
        ))
    );
    o.push_str(&super::table_open(
        None,
        &[
            (ctx.l("policy-clause"), false),
            (ctx.l("policy-heading"), false),
            (ctx.l("policy-status"), false),
            (ctx.l("policy-rules"), false),
            (ctx.l("policy-why"), false),
        ],
    ));
    for it in &c.items {
        for e in &it.entries {
            let _ =
                write!(o, "<tr><th scope=\"row\">{}</th><td lang=\"zh-Hans\">{}</td>{}</tr>", esc(&it.clause), esc(&it.heading), entry(e));
        }
        if it.entries.is_empty() {
            let _ = write!(
                o,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td colspan=\"3\" class=\"error\">{}</td></tr>",
                esc(&it.clause),
                esc(&it.heading),
                ctx.l("policy-missing")
            );
        }
    }
    for e in &c.other_entries {
        let _ = write!(o, "<tr><th scope=\"row\">{}</th><td></td>{}</tr>", esc(&e.clause), entry(e));
    }
    o.push_str("</tbody></table></div>");
    for p in &c.problems {
        let _ = write!(o, r#"<p class="error">{}</p>"#, esc(p));
    }
    ctx.page(ctx.l("policy-clause-coverage"), &o)
}
